/*
 * The caller's memory version (redis_keys.h: ELAAOMS_MEMORY_KEY_VERSION)
 * against a real Redis: every change to the caller's records -- a new
 * memory, a reinforcement, a conflict, a direct reinforce -- sets a fresh
 * token in the same MULTI/EXEC; another caller's token does not move;
 * erasing the caller removes it with the index, and the next write
 * never brings an old token back.  Starts its own redis-server.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "unit.h"

#define UNIT_REDIS_NAME  "memory_version"
#include "unit_redis.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "unit_memory.h"


#define NSEEN  16

static char    seen[NSEEN][ELAAOMS_MEMORY_VERSION_LEN + 1];
static size_t  nseen;


/* the caller's token into buf ("" when there is none) */
static void
version(const char *org, const char *caller, char *buf)
{
    redisReply  *r;

    buf[0] = '\0';
    r = redisCommand(rc, "GET %s",
                     key(org, caller, ELAAOMS_MEMORY_KEY_VERSION));
    if (r && r->type == REDIS_REPLY_STRING
        && r->len == ELAAOMS_MEMORY_VERSION_LEN)
    {
        memcpy(buf, r->str, r->len + 1);
    }
    if (r) {
        freeReplyObject(r);
    }
}


/* 1 when the caller has a well-formed token never seen before; keeps it */
static int
fresh(const char *org, const char *caller)
{
    size_t  i;
    char    v[ELAAOMS_MEMORY_VERSION_LEN + 1];

    version(org, caller, v);
    if (strlen(v) != ELAAOMS_MEMORY_VERSION_LEN
        || strspn(v, "0123456789abcdef") != ELAAOMS_MEMORY_VERSION_LEN)
    {
        fprintf(stderr, "  version \"%s\" is not 32 hex digits\n", v);
        return 0;
    }

    for (i = 0; i < nseen; i++) {
        if (strcmp(seen[i], v) == 0) {
            fprintf(stderr, "  version %s came back\n", v);
            return 0;
        }
    }

    if (nseen < NSEEN) {
        memcpy(seen[nseen++], v, sizeof(v));
    }

    return 1;
}


static int
apply_one(const char *caller, const char *conv, int64_t now,
    elaaoms_mem_type_e type, const char *content, int importance)
{
    int                            r;
    elaaoms_memory_apply_t         a;
    elaaoms_extracted_list_t       l;
    elaaoms_memory_apply_counts_t  c;

    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, type, content, importance, 0.9, "quote");

    memset(&a, 0, sizeof(a));
    a.org = ORG;
    a.caller = caller;
    a.conversation_id = conv;
    a.agent_id = "agent_a";
    a.now = now;

    r = elaaoms_memory_store_apply(rh, &a, &l, &c, err, sizeof(err));
    elaaoms_extracted_free(&l);
    if (r != 0) {
        fprintf(stderr, "  apply: %s\n", err);
    }

    return r;
}


static void
test_version(void)
{
    size_t                          deleted;
    char                            other[ELAAOMS_MEMORY_VERSION_LEN + 1];
    char                            now[ELAAOMS_MEMORY_VERSION_LEN + 1];
    elaaoms_memory_list_t           l;
    elaaoms_memory_reinforce_req_t  req;

    /* nothing stored: no token */
    version(ORG, CALLER, now);
    CHECK_STR_EQ(now, "");

    /* another caller's writes are its own */
    CHECK_INT_EQ(apply_one(CALLER2, "conv_o", T0, ELAAOMS_MEM_FACTUAL,
                        "Lives at 9 Elm Road", 6), 0);
    CHECK(fresh(ORG, CALLER2));
    version(ORG, CALLER2, other);
    version(ORG, CALLER, now);
    CHECK_STR_EQ(now, "");

    /* a new memory */
    CHECK_INT_EQ(apply_one(CALLER, "conv_1", T0, ELAAOMS_MEM_PREFERENCE,
                        "Prefers email over phone calls", 7), 0);
    CHECK(fresh(ORG, CALLER));

    /* the same memory said again: a reinforcement */
    CHECK_INT_EQ(apply_one(CALLER, "conv_2", T0 + 1000, ELAAOMS_MEM_PREFERENCE,
                        "prefers EMAIL over phone calls.", 5), 0);
    CHECK(fresh(ORG, CALLER));

    /* one that contradicts it: the conflict links both */
    CHECK_INT_EQ(apply_one(CALLER, "conv_3", T0 + 2000, ELAAOMS_MEM_PREFERENCE,
                        "Prefers text messages now instead of email", 5), 0);
    CHECK(fresh(ORG, CALLER));

    /* a direct reinforcement of a stored record */
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK(l.n >= 1);
    if (l.n >= 1) {
        memset(&req, 0, sizeof(req));
        req.org = ORG;
        req.caller = CALLER;
        req.id = l.items[0].id.data;
        req.conversation_id = "conv_4";
        req.agent_id = "agent_b";
        req.confidence = 0.9;
        req.importance = 6;
        req.now = T0 + 3000;
        CHECK_INT_EQ(elaaoms_memory_store_reinforce(rh, &req, err,
                                                    sizeof(err)), 0);
        CHECK(fresh(ORG, CALLER));
    }
    elaaoms_memory_list_free(&l);

    version(ORG, CALLER2, now);
    CHECK_STR_EQ(now, other);

    /* erased with the records; the next write gets a new token */
    CHECK_INT_EQ(elaaoms_memory_store_delete_caller(rh, ORG, CALLER,
                                                    &deleted, err,
                                                    sizeof(err)), 0);
    CHECK_INT_EQ(r_int("EXISTS %s",
                       key(ORG, CALLER, ELAAOMS_MEMORY_KEY_VERSION)), 0);
    version(ORG, CALLER2, now);
    CHECK_STR_EQ(now, other);

    CHECK_INT_EQ(apply_one(CALLER, "conv_5", T0 + 4000, ELAAOMS_MEM_PREFERENCE,
                        "Prefers email over phone calls", 7), 0);
    CHECK(fresh(ORG, CALLER));
}


int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    if (start_redis() != 0) {
        CHECK(!"redis-server could not be started: the memory version "
               "tests need it on PATH");
        stop_redis();
        return UNIT_DONE("memory_version");
    }

    test_version();

    stop_redis();

    return UNIT_DONE("memory_version");
}
