/*
 * lib/cluster/ against a real local Redis Cluster (unit_cluster.h: three
 * masters, three replicas, a password):
 *   - key_slot() agrees with CLUSTER KEYSLOT;
 *   - 1,000 keys spread over the whole slot range written and read back
 *     through the blocking client, from a replica as the only live seed;
 *   - redis-cli --cluster reshard moves 100 slots while counters in them
 *     are incremented: every acknowledged write is there afterwards;
 *   - one slot migrated by hand: ASK followed (ASKING), TRYAGAIN retried
 *     a bounded number of times and then handed on, MOVED after it;
 *   - CROSSSLOT refused without sending, MULTI/EXEC on one slot, EVAL and
 *     EVALSHA (NOSCRIPT falls back to EVAL), AUTH refused and missing;
 *   - a master killed with SIGKILL: once its replica is promoted, every
 *     key reads back through the same client (stale map, dead connection).
 * Skipped when redis-server cannot run a cluster.
 */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "unit.h"
#include "cluster/cluster_client.h"
#include "cluster/key_slot.h"
#include "cluster/slot_map.h"

#define UNIT_CLUSTER_NAME  "cluster_client"
#include "unit_cluster.h"


#define NKEYS        1000
#define NCOUNTERS    300         /* in the slots the reshard moves */
#define MOVED_SLOTS  100
#define TAG_MAX      12          /* "%.11s" in the formats */

#define ARGV(...)    ((const char *[]) { __VA_ARGS__, NULL })

/* a hash tag for every slot: "t<n>" found by trying n */
static char   tags[ELAAOMS_CLUSTER_SLOTS][TAG_MAX];

static char   spread_key[NKEYS][64];
static char   spread_val[NKEYS][32];
static char   counter_key[NCOUNTERS][64];
static long   counter_acked[NCOUNTERS];

static char   err[512];


static double
now(void)
{
    struct timeval  tv;

    gettimeofday(&tv, NULL);

    return tv.tv_sec + tv.tv_usec / 1e6;
}


/* the tag of slot (find_tags() first) */
static const char *
tag(unsigned slot)
{
    return tags[slot];
}


static void
find_tags(void)
{
    char      t[TAG_MAX];
    unsigned  n, slot, found;

    found = 0;

    for (n = 0; found < ELAAOMS_CLUSTER_SLOTS; n++) {
        snprintf(t, sizeof(t), "t%u", n);
        slot = elaaoms_key_slot(t, strlen(t));

        if (tags[slot][0] == '\0') {
            memcpy(tags[slot], t, sizeof(t));
            found++;
        }
    }
}


/* runs argv (NULL-terminated) through the client; the rc, *reply set */
static int
run_keys(elaaoms_cluster_t *c, const elaaoms_cluster_keys_t *keys,
    const char **argv, redisReply **reply)
{
    int     argc;
    size_t  argvlen[16];

    for (argc = 0; argv[argc] != NULL; argc++) {
        argvlen[argc] = strlen(argv[argc]);
    }

    err[0] = '\0';

    return elaaoms_cluster_command_keys(c, argc, argv, argvlen, keys, reply,
                                        err, sizeof(err));
}


/* a one-key (or no-key: key_index 0) command; the reply or NULL */
static redisReply *
run(elaaoms_cluster_t *c, int key_index, const char **argv)
{
    int                     rc;
    redisReply             *r;
    elaaoms_cluster_keys_t  keys = { key_index, key_index, 1 };

    rc = run_keys(c, &keys, argv, &r);
    if (rc != ELAAOMS_CLUSTER_OK) {
        printf("# %s %s: rc %d: %s\n", argv[0], argv[1] ? argv[1] : "", rc,
               err);
        return NULL;
    }

    return r;
}


/* the reply is a string (or status) equal to s */
static int
reply_is(redisReply *r, const char *s)
{
    int  ok;

    ok = r != NULL
         && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
         && strcmp(r->str, s) == 0;

    if (!ok) {
        printf("#   expected \"%s\", got %s%s\n", s,
               r == NULL ? "no reply" : "type ",
               r == NULL ? ""
               : r->type == REDIS_REPLY_ERROR ? r->str
               : r->type == REDIS_REPLY_NIL ? "nil" : "other");
    }

    freeReplyObject(r);

    return ok;
}


static long long
reply_int(redisReply *r)
{
    long long  n;

    n = (r != NULL && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;
    freeReplyObject(r);

    return n;
}


static elaaoms_cluster_t *
client(const char *const *seeds, size_t nseeds, const char *password,
    unsigned max_retries, unsigned retry_ms)
{
    elaaoms_cluster_t       *c;
    elaaoms_cluster_conf_t   cf;

    memset(&cf, 0, sizeof(cf));
    cf.seeds = seeds;
    cf.nseeds = nseeds;
    cf.password = password;
    cf.max_retries = max_retries;
    cf.retry_ms = retry_ms;

    c = elaaoms_cluster_create(&cf, err, sizeof(err));
    if (c == NULL) {
        printf("# elaaoms_cluster_create: %s\n", err);
    }

    return c;
}


/* a command on one node; its reply (the caller frees) */
static redisReply *
at_node(int port, const char *fmt, ...)
{
    va_list        ap;
    redisReply    *r;
    redisContext  *n;

    n = cluster_node(port);
    if (n == NULL) {
        return NULL;
    }

    va_start(ap, fmt);
    r = redisvCommand(n, fmt, ap);
    va_end(ap);

    redisFree(n);

    return r;
}


static void
check_keyslot(elaaoms_cluster_t *c)
{
    int          i, bad;
    char         key[80];
    redisReply  *r;
    const char  *odd[] = { "", "{}", "{", "}", "{{}}", "a{b}c{d}", "{}x{y}",
                           "elaaoms:mem:{acme:+14155550123}:index",
                           "elaaoms:queue:acme", "\xff\xfe{\x01}" };

    bad = 0;

    for (i = 0; i < NKEYS + (int) (sizeof(odd) / sizeof(odd[0])); i++) {
        if (i < NKEYS) {
            snprintf(key, sizeof(key), "caller:+1415555%04d:%d", i, i * 7);
        } else {
            snprintf(key, sizeof(key), "%s", odd[i - NKEYS]);
        }

        r = run(c, 0, ARGV("CLUSTER", "KEYSLOT", key));

        if (r == NULL || r->type != REDIS_REPLY_INTEGER
            || r->integer != elaaoms_key_slot(key, strlen(key)))
        {
            if (bad++ < 5) {
                printf("# KEYSLOT %s: node %lld, key_slot %u\n", key,
                       r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1,
                       elaaoms_key_slot(key, strlen(key)));
            }
        }

        freeReplyObject(r);
    }

    /* and the spread keys, whose tags were found by key_slot itself */
    for (i = 0; i < NKEYS; i++) {
        r = run(c, 0, ARGV("CLUSTER", "KEYSLOT", spread_key[i]));
        if (reply_int(r) != elaaoms_key_slot(spread_key[i],
                                             strlen(spread_key[i])))
        {
            bad++;
        }
    }

    CHECK_INT_EQ(bad, 0);
}


/* SET of every spread key to "<round>:<i>"; how many failed */
static int
write_spread(elaaoms_cluster_t *c, int round)
{
    int   i, failed;
    char  val[32];

    failed = 0;

    for (i = 0; i < NKEYS; i++) {
        snprintf(val, sizeof(val), "%d:%d", round, i);

        if (reply_is(run(c, 1, ARGV("SET", spread_key[i], val)), "OK")) {
            memcpy(spread_val[i], val, sizeof(val));
        } else {
            failed++;
        }
    }

    return failed;
}


/* every spread key and counter holds what was acknowledged; mismatches */
static int
read_back(elaaoms_cluster_t *c)
{
    int          i, bad;
    long long    n;
    redisReply  *r;

    bad = 0;

    for (i = 0; i < NKEYS; i++) {
        r = run(c, 1, ARGV("GET", spread_key[i]));
        if (!reply_is(r, spread_val[i])) {
            bad++;
        }
    }

    for (i = 0; i < NCOUNTERS; i++) {
        r = run(c, 1, ARGV("GET", counter_key[i]));
        /* a counter never acknowledged does not exist */
        n = (r && r->type == REDIS_REPLY_STRING) ? atoll(r->str)
            : (r && r->type == REDIS_REPLY_NIL) ? 0 : -1;
        freeReplyObject(r);

        if (n != counter_acked[i]) {
            if (bad++ < 5) {
                printf("# %s: %lld, %ld acknowledged\n", counter_key[i], n,
                       counter_acked[i]);
            }
        }
    }

    return bad;
}


/* one INCR of every counter; failures */
static int
incr_counters(elaaoms_cluster_t *c)
{
    int          i, failed;
    redisReply  *r;

    failed = 0;

    for (i = 0; i < NCOUNTERS; i++) {
        r = run(c, 1, ARGV("INCR", counter_key[i]));

        if (r != NULL && r->type == REDIS_REPLY_INTEGER
            && r->integer == counter_acked[i] + 1)
        {
            counter_acked[i]++;
        } else {
            if (failed++ < 3) {
                printf("# INCR %s: %s\n", counter_key[i],
                       r == NULL ? err : r->type == REDIS_REPLY_ERROR
                       ? r->str : "an unexpected count");
            }
        }

        freeReplyObject(r);
    }

    return failed;
}


/* redis-cli --cluster reshard of MOVED_SLOTS slots from one master to
   another while the counters are incremented */
static void
check_reshard(elaaoms_cluster_t *c, const elaaoms_slot_map_t *map)
{
    int           status, rounds, failed, done;
    char          from[ELAAOMS_CLUSTER_ID_MAX], to[ELAAOMS_CLUSTER_ID_MAX];
    char          seed[32], slots[16], log[128];
    pid_t         pid;
    double        t0;
    redisReply   *r;
    const elaaoms_slot_range_t  *src, *dst;

    src = elaaoms_slot_map_lookup(map, 0);
    dst = elaaoms_slot_map_lookup(map, ELAAOMS_CLUSTER_SLOTS - 1);
    if (src == NULL || dst == NULL || src->master.port == dst->master.port) {
        UNIT_FAIL("slots 0 and 16383 have two different masters");
        return;
    }

    snprintf(from, sizeof(from), "%s", src->master.id);
    snprintf(to, sizeof(to), "%s", dst->master.id);
    snprintf(seed, sizeof(seed), "127.0.0.1:%d", src->master.port);
    snprintf(slots, sizeof(slots), "%d", MOVED_SLOTS);
    snprintf(log, sizeof(log), "%s/reshard.log", cluster_dir);

    t0 = now();

    pid = fork();
    if (pid == 0) {
        int  fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        setenv("REDISCLI_AUTH", UNIT_CLUSTER_PASSWORD, 1);
        execlp("redis-cli", "redis-cli", "--cluster", "reshard", seed,
               "--cluster-from", from, "--cluster-to", to,
               "--cluster-slots", slots, "--cluster-yes", (char *) NULL);
        _exit(127);
    }

    rounds = 0;
    failed = 0;
    done = 0;
    status = -1;

    /* the counters are all in slots 0 .. MOVED_SLOTS - 1 */
    while (!done && now() - t0 < 40) {
        done = waitpid(pid, &status, WNOHANG) == pid;
        failed += incr_counters(c);
        rounds++;
    }

    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }

    CHECK(done && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("# reshard of %d slots: %.2f s, %d rounds of %d INCR during it, "
           "MOVED %lu, ASK %lu, TRYAGAIN %lu (log %s)\n", MOVED_SLOTS,
           now() - t0, rounds, NCOUNTERS, elaaoms_cluster_stats(c)->moved,
           elaaoms_cluster_stats(c)->ask, elaaoms_cluster_stats(c)->tryagain,
           log);

    /* writes went on during the migration, none refused */
    CHECK(rounds >= 2);
    CHECK_INT_EQ(failed, 0);

    /* the client was sent elsewhere for the moved slots */
    CHECK(elaaoms_cluster_stats(c)->moved + elaaoms_cluster_stats(c)->ask
          > 0);

    failed = incr_counters(c);
    CHECK_INT_EQ(failed, 0);
    CHECK_INT_EQ(read_back(c), 0);

    /* the slots are at the destination now, keys and all */
    r = at_node(dst->master.port, "CLUSTER COUNTKEYSINSLOT %d", 0);
    CHECK(reply_int(r) > 0);
    r = at_node(src->master.port, "CLUSTER COUNTKEYSINSLOT %d", 0);
    CHECK_INT_EQ(reply_int(r), 0);
}


/* SETSLOT of slot on the node; reply "OK" */
static int
setslot(int port, unsigned slot, const char *how, const char *id)
{
    return reply_is(at_node(port, "CLUSTER SETSLOT %u %s %s", slot, how, id),
                    "OK");
}


/* one slot moved by hand, key by key: ASK, TRYAGAIN, then MOVED */
static void
check_ask(elaaoms_cluster_t *c, const char *const *seeds)
{
    int                          i;
    char                         ka[64], kb[64], kc[64];
    unsigned                     slot, ask, tryagain, moved;
    redisReply                  *r;
    elaaoms_slot_map_t           map;
    elaaoms_cluster_t           *impatient;
    const elaaoms_slot_range_t  *src, *dst;

    /* a slot the reshard left where it was, and another master */
    slot = MOVED_SLOTS + 10;

    if (cluster_map(cluster_base, &map) != 0) {
        UNIT_FAIL("CLUSTER SLOTS before the migration");
        return;
    }

    src = elaaoms_slot_map_lookup(&map, slot);
    dst = elaaoms_slot_map_lookup(&map, 8000);
    if (src == NULL || dst == NULL || src->master.port == dst->master.port) {
        UNIT_FAIL("slots 110 and 8000 have two different masters");
        elaaoms_slot_map_free(&map);
        return;
    }

    snprintf(ka, sizeof(ka), "ask:{%.11s}:a", tag(slot));
    snprintf(kb, sizeof(kb), "ask:{%.11s}:b", tag(slot));
    snprintf(kc, sizeof(kc), "ask:{%.11s}:c", tag(slot));

    CHECK(reply_is(run(c, 1, ARGV("SET", ka, "value a")), "OK"));
    CHECK(reply_is(run(c, 1, ARGV("SET", kb, "value b")), "OK"));

    CHECK(setslot(dst->master.port, slot, "IMPORTING", src->master.id));
    CHECK(setslot(src->master.port, slot, "MIGRATING", dst->master.id));

    r = at_node(src->master.port, "MIGRATE 127.0.0.1 %d %s 0 5000 AUTH %s "
                "KEYS %s", dst->master.port, "", UNIT_CLUSTER_PASSWORD,
                ka);
    CHECK(reply_is(r, "OK"));

    ask = elaaoms_cluster_stats(c)->ask;

    /* moved already: the source says ASK, the client asks there */
    CHECK(reply_is(run(c, 1, ARGV("GET", ka)), "value a"));
    CHECK_INT_EQ(elaaoms_cluster_stats(c)->ask, ask + 1);

    /* not moved yet: the source serves it */
    CHECK(reply_is(run(c, 1, ARGV("GET", kb)), "value b"));
    CHECK_INT_EQ(elaaoms_cluster_stats(c)->ask, ask + 1);

    /* a new key of a migrating slot is made at the destination */
    CHECK(reply_is(run(c, 1, ARGV("SET", kc, "value c")), "OK"));
    CHECK_INT_EQ(elaaoms_cluster_stats(c)->ask, ask + 2);

    /* both nodes hold part of MGET's keys: TRYAGAIN, retried three
       times, then handed on as Redis' error (no partial answer) */
    impatient = client(seeds, 1, UNIT_CLUSTER_PASSWORD, 3, 10);
    if (impatient != NULL) {
        elaaoms_cluster_keys_t  all = { 1, -1, 1 };

        CHECK_INT_EQ(run_keys(impatient, &all, ARGV("MGET", ka, kb), &r),
                     ELAAOMS_CLUSTER_OK);
        CHECK(r != NULL && r->type == REDIS_REPLY_ERROR
              && strncmp(r->str, "TRYAGAIN", 8) == 0);
        freeReplyObject(r);
        tryagain = elaaoms_cluster_stats(impatient)->tryagain;
        CHECK_INT_EQ(tryagain, 3);
        elaaoms_cluster_free(impatient);
    }

    /* the rest of the slot, then its new owner told to every master */
    r = at_node(src->master.port, "MIGRATE 127.0.0.1 %d %s 0 5000 AUTH %s "
                "KEYS %s", dst->master.port, "", UNIT_CLUSTER_PASSWORD,
                kb);
    CHECK(reply_is(r, "OK"));

    for (i = 0; i < (int) map.nranges; i++) {
        CHECK(setslot(map.ranges[i].master.port, slot, "NODE",
                      dst->master.id));
    }

    /* the client's map is stale: MOVED, and all three keys there */
    moved = elaaoms_cluster_stats(c)->moved;
    CHECK(reply_is(run(c, 1, ARGV("GET", kb)), "value b"));
    CHECK_INT_EQ(elaaoms_cluster_stats(c)->moved, moved + 1);
    CHECK(reply_is(run(c, 1, ARGV("GET", ka)), "value a"));
    CHECK(reply_is(run(c, 1, ARGV("GET", kc)), "value c"));
    CHECK_INT_EQ(elaaoms_cluster_stats(c)->moved, moved + 1);

    r = at_node(dst->master.port, "CLUSTER COUNTKEYSINSLOT %u", slot);
    CHECK_INT_EQ(reply_int(r), 3);

    elaaoms_slot_map_free(&map);
}


static void
check_multi_key(elaaoms_cluster_t *c)
{
    int                     rc;
    char                    a[64], b[64], other[64];
    redisReply             *r;
    elaaoms_cluster_keys_t  all = { 1, -1, 1 }, pairs = { 1, -1, 2 };

    snprintf(a, sizeof(a), "{%.11s}:a", tag(4242));
    snprintf(b, sizeof(b), "{%.11s}:b", tag(4242));
    snprintf(other, sizeof(other), "{%.11s}:other", tag(12000));

    /* MSET and MGET in one slot */
    CHECK_INT_EQ(run_keys(c, &pairs, ARGV("MSET", a, "1", b, "2"), &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK(reply_is(r, "OK"));
    CHECK_INT_EQ(run_keys(c, &all, ARGV("MGET", a, b), &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2
          && strcmp(r->element[0]->str, "1") == 0
          && strcmp(r->element[1]->str, "2") == 0);
    freeReplyObject(r);

    /* keys in two slots: refused here, nothing sent */
    rc = run_keys(c, &pairs, ARGV("MSET", a, "changed", other, "x"), &r);
    CHECK_INT_EQ(rc, ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK(r == NULL);
    CHECK(strncmp(err, "CROSSSLOT", 9) == 0);
    CHECK(reply_is(run(c, 1, ARGV("GET", a)), "1"));
    CHECK_INT_EQ(reply_int(run(c, 1, ARGV("EXISTS", other))), 0);

    rc = run_keys(c, &all, ARGV("DEL", a, other), &r);
    CHECK_INT_EQ(rc, ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK_INT_EQ(reply_int(run(c, 1, ARGV("EXISTS", a))), 1);

    /* keys outside the arguments */
    {
        elaaoms_cluster_keys_t  bad = { 1, 5, 1 };

        CHECK_INT_EQ(run_keys(c, &bad, ARGV("MGET", a), &r),
                     ELAAOMS_CLUSTER_ERR_ARGS);
    }
}


/* a transaction: argv of each command, their keys */
static int
multi(elaaoms_cluster_t *c, const char **cmds[], size_t n, redisReply **r)
{
    int                     i, argc;
    size_t                  j, lens[8][8];
    elaaoms_cluster_cmd_t   cmd[8];

    for (j = 0; j < n; j++) {
        for (argc = 0; cmds[j][argc] != NULL; argc++) {
            lens[j][argc] = strlen(cmds[j][argc]);
        }

        cmd[j].argc = argc;
        cmd[j].argv = cmds[j];
        cmd[j].argvlen = lens[j];
        cmd[j].keys.first = 1;
        cmd[j].keys.last = 1;
        cmd[j].keys.step = 1;
    }

    i = elaaoms_cluster_multi(c, cmd, n, r, err, sizeof(err));

    return i;
}


static void
check_multi(elaaoms_cluster_t *c)
{
    char         a[64], n[64], other[64];
    redisReply  *r;

    snprintf(a, sizeof(a), "tx:{%.11s}:a", tag(9000));
    snprintf(n, sizeof(n), "tx:{%.11s}:n", tag(9000));
    snprintf(other, sizeof(other), "tx:{%.11s}:x", tag(100 + MOVED_SLOTS));

    {
        const char  **cmds[] = { ARGV("SET", a, "1"), ARGV("INCR", n),
                                 ARGV("GET", a) };

        CHECK_INT_EQ(multi(c, cmds, 3, &r), ELAAOMS_CLUSTER_OK);
        CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3);
        if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 3) {
            CHECK_STR_EQ(r->element[0]->str, "OK");
            CHECK_INT_EQ(r->element[1]->integer, 1);
            CHECK_STR_EQ(r->element[2]->str, "1");
        }
        freeReplyObject(r);
    }

    /* a command Redis will not queue: its error, and nothing done */
    {
        const char  **cmds[] = { ARGV("INCR", n), ARGV("GET", a, "extra") };

        CHECK_INT_EQ(multi(c, cmds, 2, &r), ELAAOMS_CLUSTER_OK);
        CHECK(r != NULL && r->type == REDIS_REPLY_ERROR
              && strstr(r->str, "wrong number of arguments") != NULL);
        freeReplyObject(r);
        CHECK(reply_is(run(c, 1, ARGV("GET", n)), "1"));
    }

    /* two slots: refused, nothing sent */
    {
        const char  **cmds[] = { ARGV("INCR", n), ARGV("SET", other, "x") };

        CHECK_INT_EQ(multi(c, cmds, 2, &r), ELAAOMS_CLUSTER_ERR_CROSSSLOT);
        CHECK(reply_is(run(c, 1, ARGV("GET", n)), "1"));
        CHECK_INT_EQ(reply_int(run(c, 1, ARGV("EXISTS", other))), 0);
    }
}


/* WATCH, GET, MULTI, SET, EXEC on the key's connection; a write from
   another connection in between aborts it (EXEC's nil) */
static void
check_key_context(elaaoms_cluster_t *c, const elaaoms_slot_map_t *map)
{
    int                          round;
    char                         k[64];
    redisReply                  *r;
    redisContext                *ctx;
    const elaaoms_slot_range_t  *owner;

    snprintf(k, sizeof(k), "watch:{%.11s}", tag(3000));
    owner = elaaoms_slot_map_lookup(map, 3000);

    for (round = 0; round < 2; round++) {
        ctx = elaaoms_cluster_key_context(c, k, strlen(k), err, sizeof(err));
        CHECK(ctx != NULL);
        if (ctx == NULL || owner == NULL) {
            return;
        }

        CHECK(reply_is(redisCommand(ctx, "WATCH %s", k), "OK"));
        r = redisCommand(ctx, "GET %s", k);
        CHECK(r != NULL && r->type != REDIS_REPLY_ERROR);
        freeReplyObject(r);

        if (round == 1) {
            CHECK_INT_EQ(reply_int(at_node(owner->master.port, "INCR %s", k)),
                         2);
        }

        CHECK(reply_is(redisCommand(ctx, "MULTI"), "OK"));
        CHECK(reply_is(redisCommand(ctx, "INCR %s", k), "QUEUED"));
        r = redisCommand(ctx, "EXEC");

        if (round == 0) {
            CHECK(r != NULL && r->type == REDIS_REPLY_ARRAY
                  && r->elements == 1 && r->element[0]->integer == 1);
        } else {
            CHECK(r != NULL && r->type == REDIS_REPLY_NIL);
        }
        freeReplyObject(r);
    }

    CHECK(reply_is(run(c, 1, ARGV("GET", k)), "2"));
}


static int
eval(elaaoms_cluster_t *c, const char **argv, const char *script,
    redisReply **r)
{
    int     argc;
    size_t  argvlen[16];

    for (argc = 0; argv[argc] != NULL; argc++) {
        argvlen[argc] = strlen(argv[argc]);
    }

    return elaaoms_cluster_eval(c, argc, argv, argvlen, script,
                                script ? strlen(script) : 0, r, err,
                                sizeof(err));
}


static void
check_eval(elaaoms_cluster_t *c, const elaaoms_slot_map_t *map)
{
    int                          i, port;
    char                         a[64], b[64], other[64], sha[64];
    unsigned                     slot;
    redisReply                  *r;
    const elaaoms_slot_range_t  *owner;
    const char                  *script =
        "redis.call('SET', KEYS[1], ARGV[1]) "
        "return redis.call('INCRBY', KEYS[2], ARGV[2])";

    slot = 7777;
    snprintf(a, sizeof(a), "ev:{%.11s}:a", tag(slot));
    snprintf(b, sizeof(b), "ev:{%.11s}:b", tag(slot));
    snprintf(other, sizeof(other), "ev:{%.11s}:b", tag(15000));

    CHECK_INT_EQ(eval(c, ARGV("EVAL", script, "2", a, b, "x", "5"), NULL, &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK_INT_EQ(reply_int(r), 5);
    CHECK(reply_is(run(c, 1, ARGV("GET", a)), "x"));

    CHECK_INT_EQ(eval(c, ARGV("EVAL", script, "2", a, other, "x", "5"), NULL,
                      &r), ELAAOMS_CLUSTER_ERR_CROSSSLOT);
    CHECK_INT_EQ(eval(c, ARGV("EVAL", script, "3", a, b), NULL, &r),
                 ELAAOMS_CLUSTER_ERR_ARGS);
    CHECK_INT_EQ(eval(c, ARGV("EVAL", script, "x", a, b), NULL, &r),
                 ELAAOMS_CLUSTER_ERR_ARGS);

    /* a script known to another master only: its SHA1 from there */
    owner = elaaoms_slot_map_lookup(map, slot);
    port = -1;
    for (i = 0; i < (int) map->nranges && owner != NULL; i++) {
        if (map->ranges[i].master.port != owner->master.port) {
            port = map->ranges[i].master.port;
        }
    }
    r = at_node(port, "SCRIPT LOAD %s", "return redis.call('GET', KEYS[1])");
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING && r->len == 40);
    snprintf(sha, sizeof(sha), "%s", r && r->str ? r->str : "");
    freeReplyObject(r);

    /* without the body: NOSCRIPT handed on */
    CHECK_INT_EQ(eval(c, ARGV("EVALSHA", sha, "1", a), NULL, &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK(r != NULL && r->type == REDIS_REPLY_ERROR
          && strncmp(r->str, "NOSCRIPT", 8) == 0);
    freeReplyObject(r);

    /* with it: sent again as EVAL */
    CHECK_INT_EQ(eval(c, ARGV("EVALSHA", sha, "1", a),
                      "return redis.call('GET', KEYS[1])", &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK(reply_is(r, "x"));

    /* and now the node knows it */
    CHECK_INT_EQ(eval(c, ARGV("EVALSHA", sha, "1", a), NULL, &r),
                 ELAAOMS_CLUSTER_OK);
    CHECK(reply_is(r, "x"));
}


static void
check_auth(const char *const *seeds)
{
    int                 rc;
    redisReply         *r;
    elaaoms_cluster_t  *c;

    c = client(seeds, 1, "not the password", 2, 10);
    if (c != NULL) {
        rc = run_keys(c, &(elaaoms_cluster_keys_t) { 1, 1, 1 },
                      ARGV("GET", "k"), &r);
        CHECK_INT_EQ(rc, ELAAOMS_CLUSTER_ERR_AUTH);
        CHECK(strstr(err, "refused authentication") != NULL);
        CHECK(strstr(err, "not the password") == NULL);
        elaaoms_cluster_free(c);
    }

    /* no password: Redis' NOAUTH, as an error reply */
    c = client(seeds, 1, NULL, 2, 10);
    if (c != NULL) {
        rc = run_keys(c, &(elaaoms_cluster_keys_t) { 1, 1, 1 },
                      ARGV("GET", "k"), &r);
        CHECK_INT_EQ(rc, ELAAOMS_CLUSTER_OK);
        CHECK(r != NULL && r->type == REDIS_REPLY_ERROR
              && strncmp(r->str, "NOAUTH", 6) == 0);
        freeReplyObject(r);
        elaaoms_cluster_free(c);
    }
}


/*
 * The port of the master's replica once it has every write the master
 * acknowledged (replication is asynchronous: what a failover could lose
 * is Redis', not the client's), or -1.  From INFO replication: CLUSTER
 * SLOTS lists a replica only once its offset has been gossiped.
 */
static int
caught_up_replica(int port)
{
    int          i, replica;
    char        *p, *slave;
    long long    master, offset;
    redisReply  *r;

    for (i = 0; i < 100; i++) {
        r = at_node(port, "INFO replication");
        replica = -1;

        if (r != NULL && r->type == REDIS_REPLY_STRING) {
            p = strstr(r->str, "master_repl_offset:");
            master = p ? atoll(p + 19) : -1;
            slave = strstr(r->str, "slave0:");
            p = slave ? strstr(slave, "port=") : NULL;
            replica = p ? atoi(p + 5) : -1;
            p = slave ? strstr(slave, "offset=") : NULL;
            offset = p ? atoll(p + 7) : -2;

            if (offset != master) {
                replica = -1;
            }
        }

        freeReplyObject(r);

        if (replica > 0) {
            return replica;
        }

        usleep(50000);
    }

    return -1;
}


static void
check_failover(elaaoms_cluster_t *c)
{
    int                          i, victim, replica, ok;
    pid_t                        pid;
    double                       t0, promoted;
    redisReply                  *r;
    elaaoms_slot_map_t           map;
    const elaaoms_slot_range_t  *range;

    if (cluster_map(cluster_base + 1, &map) != 0) {
        UNIT_FAIL("CLUSTER SLOTS before the failover");
        return;
    }

    /* the master of the first spread key, which the client has used */
    range = elaaoms_slot_map_lookup(&map, elaaoms_key_slot(spread_key[0],
                                                 strlen(spread_key[0])));
    victim = range ? range->master.port : -1;
    elaaoms_slot_map_free(&map);

    replica = caught_up_replica(victim);
    if (replica < 0) {
        UNIT_FAIL("the first key's master has a replica that caught up");
        return;
    }

    pid = cluster_node_pid(victim);
    CHECK(pid > 0 && kill(pid, SIGKILL) == 0);
    t0 = now();

    /* the replica takes over, then every node left says ok */
    promoted = -1;
    ok = 0;

    while (now() - t0 < 30 && !ok) {
        if (promoted < 0) {
            r = at_node(replica, "ROLE");
            if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0
                && strcmp(r->element[0]->str, "master") == 0)
            {
                promoted = now() - t0;
            }
            freeReplyObject(r);
        }

        if (promoted >= 0) {
            ok = 1;
            for (i = 0; i < UNIT_CLUSTER_NODES; i++) {
                if (cluster_base + i != victim
                    && !cluster_node_ok(cluster_base + i))
                {
                    ok = 0;
                }
            }
        }

        if (!ok) {
            usleep(50000);
        }
    }

    CHECK(ok);
    printf("# master %d killed: replica %d promoted after %.2f s, "
           "cluster_state:ok after %.2f s\n", victim, replica, promoted,
           now() - t0);

    /* the same client, its map and a connection stale: every key */
    t0 = now();
    CHECK_INT_EQ(read_back(c), 0);
    printf("# every key read back in %.2f s (unreachable %lu, reconnects "
           "%lu, maps read %lu)\n", now() - t0,
           elaaoms_cluster_stats(c)->unreachable,
           elaaoms_cluster_stats(c)->reconnects,
           elaaoms_cluster_stats(c)->refreshes);
    CHECK(elaaoms_cluster_stats(c)->reconnects
          + elaaoms_cluster_stats(c)->unreachable > 0);

    /* and it writes to the new master */
    CHECK_INT_EQ(write_spread(c, 99), 0);
    CHECK_INT_EQ(read_back(c), 0);
}


int
main(void)
{
    int                 i, rc;
    char                seed[2][32];
    double              t0, t;
    unsigned            slot;
    const char         *seeds[2];
    elaaoms_slot_map_t  map;
    elaaoms_cluster_t  *c;

    t0 = now();

    if (!cluster_begin(&rc)) {
        return rc;
    }

    printf("# cluster on 127.0.0.1:%d..%d started in %.2f s\n", cluster_base,
           cluster_base + UNIT_CLUSTER_NODES - 1, now() - t0);

    find_tags();

    for (i = 0; i < NKEYS; i++) {
        /* slots 0, 16, 32, ... 16367, and the last one for the last key */
        slot = i == NKEYS - 1 ? ELAAOMS_CLUSTER_SLOTS - 1
                              : (unsigned) i * ELAAOMS_CLUSTER_SLOTS / NKEYS;
        snprintf(spread_key[i], sizeof(spread_key[i]),
                 "elaaoms:test:{%.11s}:%d", tag(slot), i);
    }

    for (i = 0; i < NCOUNTERS; i++) {
        snprintf(counter_key[i], sizeof(counter_key[i]),
                 "elaaoms:test:count:{%.11s}", tag(i % MOVED_SLOTS));
        /* three counters per slot */
        snprintf(counter_key[i] + strlen(counter_key[i]),
                 sizeof(counter_key[i]) - strlen(counter_key[i]), ":%d", i);
    }

    /* a dead address first, then a replica: the map comes from the replica */
    snprintf(seed[0], sizeof(seed[0]), "127.0.0.1:%d",
             cluster_base + UNIT_CLUSTER_NODES);
    snprintf(seed[1], sizeof(seed[1]), "127.0.0.1:%d", cluster_base + 3);
    seeds[0] = seed[0];
    seeds[1] = seed[1];

    c = client(seeds, 2, UNIT_CLUSTER_PASSWORD, 0, 0);
    CHECK(c != NULL);

    if (c != NULL && cluster_map(cluster_base, &map) == 0) {
        CHECK_INT_EQ(map.nranges, 3);
        CHECK_INT_EQ(elaaoms_slot_map_covered(&map), ELAAOMS_CLUSTER_SLOTS);

        t = now();
        check_keyslot(c);
        printf("# CLUSTER KEYSLOT of %d keys: %.2f s\n", 2 * NKEYS + 10,
               now() - t);

        t = now();
        CHECK_INT_EQ(write_spread(c, 1), 0);
        CHECK_INT_EQ(read_back(c), 0);
        printf("# %d keys written and read over 3 masters: %.2f s\n", NKEYS,
               now() - t);

        check_reshard(c, &map);
        check_ask(c, seeds + 1);
        check_multi_key(c);
        check_multi(c);
        check_eval(c, &map);
        check_key_context(c, &map);
        check_auth(seeds + 1);
        check_failover(c);

        elaaoms_slot_map_free(&map);
    } else {
        UNIT_FAIL("a client and the cluster's map");
    }

    elaaoms_cluster_free(c);
    stop_cluster();

    printf("# cluster test: %.2f s in all\n", now() - t0);

    return UNIT_DONE("cluster_client");
}
