/*
 * How the worker's Redis handle routes a command on a cluster, without a
 * cluster: lib/cluster/resp_argv.c reads hiredis' formatted commands back
 * into the arguments they were made from (binary ones, empty ones, more
 * than the small array holds) and refuses what is not one well-formed
 * command; lib/cluster/command_route.c sends keyed commands to their
 * keys' slot, keyless ones anywhere, and refuses SCAN-like and
 * connection-state commands and keys in different slots.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "unit.h"
#include "cluster/command_route.h"
#include "cluster/key_slot.h"
#include "cluster/resp_argv.h"
#include "store/redis_keys.h"


/* the route of a command given as hiredis' format; -100 when unreadable */
static int
route_of(const char *fmt, ...)
{
    int                   len, route;
    char                 *cmd;
    va_list               ap;
    elaaoms_resp_argv_t   a;

    va_start(ap, fmt);
    len = redisvFormatCommand(&cmd, fmt, ap);
    va_end(ap);

    if (len < 0) {
        return -100;
    }

    route = elaaoms_resp_argv_parse(&a, cmd, (size_t) len) == 0
            ? elaaoms_command_route(a.argc, a.argv, a.argvlen) : -100;

    elaaoms_resp_argv_free(&a);
    redisFreeCommand(cmd);

    return route;
}


static int
slot(const char *key)
{
    return (int) elaaoms_key_slot(key, strlen(key));
}


static void
test_parse_formatted(void)
{
    int                   len;
    char                 *cmd, bin[5] = { 'a', '\r', '\n', '\0', 'z' };
    elaaoms_resp_argv_t   a;

    len = redisFormatCommand(&cmd, "HSET %s %s %b", "elaaoms:{acme}:usage",
                             "", bin, sizeof(bin));
    CHECK(len > 0);
    CHECK_INT_EQ(elaaoms_resp_argv_parse(&a, cmd, (size_t) len), 0);
    CHECK_INT_EQ(a.argc, 4);
    CHECK_INT_EQ(a.argvlen[0], 4);
    CHECK(memcmp(a.argv[0], "HSET", 4) == 0);
    CHECK_INT_EQ(a.argvlen[1], strlen("elaaoms:{acme}:usage"));
    CHECK(memcmp(a.argv[1], "elaaoms:{acme}:usage", a.argvlen[1]) == 0);
    CHECK_INT_EQ(a.argvlen[2], 0);          /* an empty argument */
    CHECK_INT_EQ(a.argvlen[3], sizeof(bin));
    CHECK(memcmp(a.argv[3], bin, sizeof(bin)) == 0);
    CHECK(a.argv == a.small_argv);          /* no allocation */
    elaaoms_resp_argv_free(&a);
    redisFreeCommand(cmd);
}


static void
test_parse_many(void)
{
    int                   i, len, ok;
    char                  buf[40][8];
    char                 *cmd;
    size_t                lens[40];
    const char           *argv[40];
    elaaoms_resp_argv_t   a;

    for (i = 0; i < 40; i++) {
        snprintf(buf[i], sizeof(buf[i]), i ? "k%d" : "DEL", i);
        argv[i] = buf[i];
        lens[i] = strlen(buf[i]);
    }

    len = redisFormatCommandArgv(&cmd, 40, argv, lens);
    CHECK_INT_EQ(elaaoms_resp_argv_parse(&a, cmd, (size_t) len), 0);
    CHECK_INT_EQ(a.argc, 40);
    CHECK(a.argv != a.small_argv);          /* past the small array */

    ok = a.argc == 40;
    for (i = 0; ok && i < 40; i++) {
        ok = a.argvlen[i] == lens[i] && memcmp(a.argv[i], buf[i], lens[i]) == 0;
    }
    CHECK(ok);

    elaaoms_resp_argv_free(&a);
    redisFreeCommand(cmd);
}


static int
parse(const char *s, size_t len)
{
    int                   rc;
    elaaoms_resp_argv_t   a;

    rc = elaaoms_resp_argv_parse(&a, s, len);
    elaaoms_resp_argv_free(&a);

    return rc;
}

#define PARSE(lit)  parse(lit, sizeof(lit) - 1)


static void
test_parse_refused(void)
{
    CHECK_INT_EQ(PARSE("*1\r\n$4\r\nPING\r\n"), 0);
    CHECK_INT_EQ(PARSE(""), -1);
    CHECK_INT_EQ(PARSE("PING\r\n"), -1);                  /* inline */
    CHECK_INT_EQ(PARSE("*0\r\n"), -1);                    /* no argument */
    CHECK_INT_EQ(PARSE("*1\r\n$4\r\nPIN"), -1);           /* cut short */
    CHECK_INT_EQ(PARSE("*1\r\n$4\r\nPING\r\nX"), -1);     /* bytes after */
    CHECK_INT_EQ(PARSE("*1\r\n$5\r\nPING\r\n"), -1);      /* length wrong */
    CHECK_INT_EQ(PARSE("*1\r\n$3\r\nPING\r\n"), -1);
    CHECK_INT_EQ(PARSE("*2\r\n$4\r\nPING\r\n"), -1);      /* one missing */
    CHECK_INT_EQ(PARSE("*1\r\n:4\r\nPING\r\n"), -1);      /* not a bulk */
    CHECK_INT_EQ(PARSE("*1\n$4\nPING\n"), -1);            /* LF alone */
    CHECK_INT_EQ(PARSE("*-1\r\n"), -1);
    CHECK_INT_EQ(PARSE("*99999999999999999999\r\n"), -1); /* overflows */
    CHECK_INT_EQ(PARSE("*9\r\n$1\r\na\r\n"), -1);         /* claims too many */
}


static void
test_route(void)
{
    char  ready[ELAAOMS_KEY_MAX], processing[ELAAOMS_KEY_MAX];
    char  conv[ELAAOMS_KEY_MAX], usage[ELAAOMS_KEY_MAX];
    char  index[ELAAOMS_KEY_MAX], version[ELAAOMS_KEY_MAX];
    char  metrics[ELAAOMS_KEY_MAX];

    CHECK(elaaoms_key_jobs(ready, sizeof(ready), "acme", "ready", NULL) > 0);
    CHECK(elaaoms_key_jobs(processing, sizeof(processing), "acme",
                           ELAAOMS_JOBS_PROCESSING, "host:42") > 0);
    CHECK(elaaoms_key_conversation(conv, sizeof(conv), "acme", "conv_1") > 0);
    CHECK(elaaoms_key_usage(usage, sizeof(usage), "acme") > 0);
    CHECK(elaaoms_key_caller(index, sizeof(index), "acme", "+14155550123",
                             "index") > 0);
    CHECK(elaaoms_key_caller(version, sizeof(version), "acme",
                             "+14155550123", "version") > 0);
    snprintf(metrics, sizeof(metrics), "%s", ELAAOMS_KEY_WORKER_METRICS);

    /* a key: its slot; the org's keys share one, the caller's another */
    CHECK_INT_EQ(route_of("HGET %s status", conv), slot(conv));
    CHECK_INT_EQ(route_of("LMOVE %s %s RIGHT LEFT", ready, processing),
                 slot("acme"));
    CHECK_INT_EQ(route_of("HINCRBY %s extractions 1", usage), slot("acme"));
    CHECK_INT_EQ(route_of("EVAL %s 2 %s %s", "return 1", index, version),
                 slot("acme:+14155550123"));
    CHECK_INT_EQ(route_of("evalsha %s 1 %s x", "abc", conv), slot("acme"));
    CHECK_INT_EQ(route_of("DEL %s %s", index, version),
                 slot("acme:+14155550123"));
    CHECK_INT_EQ(route_of("HINCRBYFLOAT %s jobs 1", metrics), slot(metrics));
    CHECK_INT_EQ(route_of("SSCAN %s 0 COUNT 100", index), slot(index));

    /* no key: any master */
    CHECK_INT_EQ(route_of("PING"), ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(route_of("TIME"), ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(route_of("EVAL %s 0", "return 1"), ELAAOMS_COMMAND_NO_KEY);

    /* refused: keys in two slots, a short EVAL */
    CHECK_INT_EQ(route_of("DEL %s %s", index, conv),
                 ELAAOMS_COMMAND_CROSSSLOT);
    CHECK_INT_EQ(route_of("EVAL %s 2 %s", "return 1", index),
                 ELAAOMS_COMMAND_BAD);
    CHECK_INT_EQ(route_of("GET"), ELAAOMS_COMMAND_BAD);

    /* refused: one node's keyspace, one connection's state */
    CHECK_INT_EQ(route_of("SCAN 0 MATCH %s COUNT 1000", "elaaoms:*"),
                 ELAAOMS_COMMAND_NODE);
    CHECK_INT_EQ(route_of("scan 0"), ELAAOMS_COMMAND_NODE);
    CHECK_INT_EQ(route_of("KEYS *"), ELAAOMS_COMMAND_NODE);
    CHECK_INT_EQ(route_of("DBSIZE"), ELAAOMS_COMMAND_NODE);
    CHECK_INT_EQ(route_of("WATCH %s", index), ELAAOMS_COMMAND_CONNECTION);
    CHECK_INT_EQ(route_of("MULTI"), ELAAOMS_COMMAND_CONNECTION);
    CHECK_INT_EQ(route_of("exec"), ELAAOMS_COMMAND_CONNECTION);
    CHECK_INT_EQ(route_of("UNWATCH"), ELAAOMS_COMMAND_CONNECTION);
    CHECK_INT_EQ(route_of("DISCARD"), ELAAOMS_COMMAND_CONNECTION);

    /* every refusal has words for the log */
    CHECK(strstr(elaaoms_command_route_error(ELAAOMS_COMMAND_NODE),
                 "keyspace") != NULL);
    CHECK(strstr(elaaoms_command_route_error(ELAAOMS_COMMAND_CONNECTION),
                 "key_context") != NULL);
    CHECK(strstr(elaaoms_command_route_error(ELAAOMS_COMMAND_CROSSSLOT),
                 "CROSSSLOT") != NULL);
}


int
main(void)
{
    test_parse_formatted();
    test_parse_many();
    test_parse_refused();
    test_route();

    return UNIT_DONE("redis_route");
}
