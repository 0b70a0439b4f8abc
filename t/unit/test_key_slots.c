/*
 * Issue 16: every Lua script, MULTI/EXEC, WATCH and multi-key command
 * touches one Redis Cluster hash slot.  The keys of each operation are
 * built here with the builders its code uses (the command builders where
 * lib/ has them: elaaoms_intake_cmd(), elaaoms_memory_delete_cmd(),
 * elaaoms_event_ts_cmd(), elaaoms_conversation_keys(),
 * elaaoms_caller_erase_touch_keys(); else the key builders the worker and
 * the module call, named at each operation), for several organizations,
 * callers, conversation and worker ids holding every allowed character,
 * and their slots compared.  And a caller key must hash by its caller's
 * tag "{<org>:<caller>}", never by the org's.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "cluster/key_slot.h"
#include "context/context_build.h"
#include "context/context_store.h"
#include "intake/event_order.h"
#include "intake/intake.h"
#include "store/caller_erase.h"
#include "store/memory_delete.h"
#include "store/memory_store.h"
#include "store/memory_types.h"
#include "store/redis_keys.h"


#define MAX_KEYS  32

/* one operation's keys */
typedef struct {
    const char  *name;
    char         keys[MAX_KEYS][ELAAOMS_KEY_MAX];
    size_t       n;
    int          bad;         /* a key did not fit */
} op_t;


static unsigned
slot(const char *key)
{
    return elaaoms_key_slot(key, strlen(key));
}


static char *
op_next(op_t *op)
{
    if (op->n >= MAX_KEYS) {
        op->bad = 1;
        return op->keys[MAX_KEYS - 1];
    }

    return op->keys[op->n++];
}


static void
op_add(op_t *op, const char *key)
{
    size_t   n = strlen(key);
    char    *buf = op_next(op);

    if (n >= ELAAOMS_KEY_MAX) {
        op->bad = 1;
        n = 0;
    }

    memcpy(buf, key, n);
    buf[n] = '\0';
}


static void
op_built(op_t *op, int n)
{
    op->bad |= (n < 0);
}


/* fails, naming the operation and the keys, when two slots differ */
static void
op_check(op_t *op, const char *who)
{
    size_t  i;
    char    what[256];
    int     ok;

    snprintf(what, sizeof(what), "%s (%s): %zu keys built", op->name, who,
             op->n);
    if (!unit_tap_(!op->bad && op->n > 0, __FILE__, __LINE__, what)) {
        return;
    }

    ok = 1;
    for (i = 1; i < op->n; i++) {
        ok = ok && slot(op->keys[i]) == slot(op->keys[0]);
    }

    snprintf(what, sizeof(what), "%s (%s): one slot", op->name, who);
    if (!unit_tap_(ok, __FILE__, __LINE__, what)) {
        for (i = 0; i < op->n; i++) {
            printf("#   %5u %s\n", slot(op->keys[i]), op->keys[i]);
        }
    }
}


static void
op_init(op_t *op, const char *name)
{
    op->name = name;
    op->n = 0;
    op->bad = 0;
}


/* the argv slice [from, to) of a built command */
static void
op_argv(op_t *op, const char *const *argv, int from, int to)
{
    int  i;

    for (i = from; i < to; i++) {
        op_add(op, argv[i]);
    }
}


static void
check_intake(const char *org, const char *caller, const char *conv)
{
    char                  who[512];
    op_t                  op;
    elaaoms_intake_cmd_t  cmd;
    elaaoms_intake_req_t  req = {
        .org = org, .type_name = "post_call_transcription",
        .conversation_id = conv, .payload = "{}", .payload_len = 2,
        .job_json = "{}", .job_len = 2, .caller = caller,
        .agent_id = "agent_1", .request_id = "rid", .now = 1700000000,
        .event_ts = 1699999999
    };
    elaaoms_event_ts_cmd_t  ev;

    snprintf(who, sizeof(who), "%s %s %s", org, caller ? caller : "-", conv);

    /* nginx's post-call and the worker's sweep: KEYS are argv[3..9) */
    op_init(&op, "intake script");
    op_built(&op, elaaoms_intake_cmd(&cmd, &req));
    CHECK_STR_EQ(cmd.argv[2], "6");
    op_argv(&op, cmd.argv, 3, 9);
    op_check(&op, who);

    /* the tombstone and index the script reads and writes are the
     * caller's own, not stand-ins */
    if (caller) {
        CHECK(strcmp(cmd.argv[6], cmd.argv[4]) != 0
              && strcmp(cmd.argv[7], cmd.argv[4]) != 0);
    }

    op_init(&op, "event order script");
    op_built(&op, elaaoms_event_ts_cmd(&ev, org, "post_call_audio", conv,
                                       1700000000));
    op_argv(&op, ev.argv, 3, 4);
    CHECK_STR_EQ(ev.argv[3], cmd.argv[4]);
    op_check(&op, who);
}


static void
check_conversation(const char *org, const char *conv)
{
    op_t    op;
    char    who[512];
    char    keys[ELAAOMS_CONVERSATION_KEYS][ELAAOMS_KEY_MAX];
    size_t  i, n;

    snprintf(who, sizeof(who), "%s %s", org, conv);

    /* lib/store/caller_erase.c: one DEL of the conversation's keys */
    op_init(&op, "conversation DEL");
    n = elaaoms_conversation_keys(keys, org, conv);
    CHECK_INT_EQ(n, ELAAOMS_CONVERSATION_KEYS);
    for (i = 0; i < n; i++) {
        op_add(&op, keys[i]);
    }
    op_check(&op, who);

    /* worker/process.c: the MULTI that completes a job */
    op_init(&op, "job completion MULTI");
    op_built(&op, elaaoms_key_conversation(op_next(&op), ELAAOMS_KEY_MAX,
                                           org, conv));
    op_built(&op, elaaoms_key_usage(op_next(&op), ELAAOMS_KEY_MAX, org));
    op_built(&op, elaaoms_key_usage_daily(op_next(&op), ELAAOMS_KEY_MAX,
                                          org));
    op_check(&op, who);

    /* the status page's, /metrics' and /health's per-org scripts
     * (ngx_http_elaaoms_status.c, _metrics.c, _health.c): the job lists,
     * the processing lists, usage, the recent conversations' hashes */
    op_init(&op, "status/metrics org script");
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_READY, NULL));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_DELAYED, NULL));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_FAILED, NULL));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_INVALID, NULL));
    op_built(&op, elaaoms_key_usage(op_next(&op), ELAAOMS_KEY_MAX, org));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_PROCESSING, "db-1.x:9"));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_PROCESSING, "h{o}st:1"));
    op_built(&op, elaaoms_key_conversation(op_next(&op), ELAAOMS_KEY_MAX,
                                           org, conv));
    op_built(&op, elaaoms_key_recent(op_next(&op), ELAAOMS_KEY_MAX, org));
    op_check(&op, who);

    /* worker/queue.c: fail (processing, failed, conversation hash) */
    op_init(&op, "queue fail script");
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_PROCESSING, "w:1"));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_FAILED, NULL));
    op_built(&op, elaaoms_key_conversation(op_next(&op), ELAAOMS_KEY_MAX,
                                           org, conv));
    op_check(&op, who);
}


/* worker/queue.c, worker/cli_queue.c: lists that meet in one operation */
static void
check_queue(const char *org, const char *worker)
{
    op_t                op;
    char                who[512];
    size_t              i, j;
    static const char  *pairs[][2] = {
        /* retry later, requeue, invalid, undelay/promote, take, LMOVEs */
        { ELAAOMS_JOBS_PROCESSING, ELAAOMS_JOBS_DELAYED },
        { ELAAOMS_JOBS_PROCESSING, ELAAOMS_JOBS_READY },
        { ELAAOMS_JOBS_PROCESSING, ELAAOMS_JOBS_INVALID },
        { ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_READY },
        { ELAAOMS_JOBS_FAILED, ELAAOMS_JOBS_READY },
        { ELAAOMS_JOBS_PROCESSING, ELAAOMS_JOBS_WORKERS },
        { ELAAOMS_JOBS_READY, ELAAOMS_JOBS_WORKERS },
    };

    snprintf(who, sizeof(who), "%s %s", org, worker);

    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        op_init(&op, "queue move");
        for (j = 0; j < 2; j++) {
            op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                           pairs[i][j],
                                           strcmp(pairs[i][j],
                                                  ELAAOMS_JOBS_PROCESSING)
                                           == 0 ? worker : NULL));
        }
        op_check(&op, who);
    }

    /* the admin location's erasure script: tombstone, forget list */
    op_init(&op, "admin erasure script");
    op_built(&op, elaaoms_key_tombstone(op_next(&op), ELAAOMS_KEY_MAX, org,
                                        "+14155550123"));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_FORGET, NULL));
    op_check(&op, who);
}


static void
check_caller(const char *org, const char *caller)
{
    int                          t;
    op_t                         op;
    char                         who[512], tag[256], sfx[64];
    size_t                       i;
    elaaoms_memory_delete_cmd_t  del;
    char                         touch[ELAAOMS_ERASE_TOUCH_KEYS]
                                      [ELAAOMS_KEY_MAX];
    static const char           *store[] = {
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_BY_TIME,
        ELAAOMS_MEMORY_KEY_BY_IMPORTANCE, ELAAOMS_MEMORY_KEY_AGENTS,
        ELAAOMS_MEMORY_KEY_CONVERSATIONS, ELAAOMS_MEMORY_KEY_VERSION,
        ELAAOMS_MEMORY_KEY_AGENT "agent_01support7x",
        ELAAOMS_MEMORY_KEY_CONVERSATION "conv_1",
        ELAAOMS_CONTEXT_KEY_CALLS, ELAAOMS_CONTEXT_KEY_CALL_IDS
    };

    snprintf(who, sizeof(who), "%s %s", org, caller);

    /* admin location, CLI, retention: the script's declared keys, and
     * the agent:/conversation: sets it names from the registries */
    op_init(&op, "memory delete script");
    op_built(&op, elaaoms_memory_delete_cmd(&del, org, caller, "m_1"));
    op_argv(&op, del.argv, 3, 3 + ELAAOMS_MEMORY_DELETE_KEYS);
    op_built(&op, elaaoms_key_caller(op_next(&op), ELAAOMS_KEY_MAX, org,
                                     caller, ELAAOMS_MEMORY_KEY_AGENT "a_1"));
    op_built(&op, elaaoms_key_caller(op_next(&op), ELAAOMS_KEY_MAX, org,
                                     caller,
                                     ELAAOMS_MEMORY_KEY_CONVERSATION "c-1"));
    op_check(&op, who);

    /* the store's WATCH and MULTI (memory_store.c, memory_forget.c,
     * memory_dedup.c), the contexts' scripts (context_store.c), the
     * client-data MGET of the heads, search's version and index */
    op_init(&op, "memory store and contexts");
    for (i = 0; i < sizeof(store) / sizeof(store[0]); i++) {
        op_built(&op, elaaoms_memory_key(op_next(&op), ELAAOMS_KEY_MAX, org,
                                         caller, store[i]));
    }
    for (t = 0; t < ELAAOMS_MEM_NTYPES; t++) {
        snprintf(sfx, sizeof(sfx), ELAAOMS_MEMORY_KEY_TYPE "%s",
                 elaaoms_mem_type_name(t));
        op_built(&op, elaaoms_memory_key(op_next(&op), ELAAOMS_KEY_MAX, org,
                                         caller, sfx));
    }
    op_built(&op, elaaoms_context_key(op_next(&op), ELAAOMS_KEY_MAX, org,
                                      caller, "agent_01support7x"));
    op_built(&op, elaaoms_context_head_key(op_next(&op), ELAAOMS_KEY_MAX,
                                           org, caller, "agent_01support7x"));
    op_built(&op, elaaoms_context_head_key(op_next(&op), ELAAOMS_KEY_MAX,
                                           org, caller, "_any"));
    op_check(&op, who);

    /* erasure's touch of the index: one MULTI in the caller's slot */
    op_init(&op, "erasure touch MULTI");
    op_built(&op, elaaoms_caller_erase_touch_keys(touch, org, caller));
    for (i = 0; i < ELAAOMS_ERASE_TOUCH_KEYS; i++) {
        op_add(&op, touch[i]);
    }
    op_built(&op, elaaoms_memory_key(op_next(&op), ELAAOMS_KEY_MAX, org,
                                     caller, ELAAOMS_MEMORY_KEY_INDEX));
    op_check(&op, who);

    /* a caller key hashes by "{<org>:<caller>}": the caller's slot, not
     * the org's (a leading "{<org>}" would capture it) */
    snprintf(tag, sizeof(tag), "%s:%s", org, caller);
    for (i = 0; i < op.n; i++) {
        CHECK_INT_EQ(slot(op.keys[i]), slot(tag));
    }
    CHECK_INT_EQ(slot(del.prefix), slot(tag));

    /* the tombstone and the conversation index: the org's slot */
    op_init(&op, "org keys of a caller");
    op_built(&op, elaaoms_key_tombstone(op_next(&op), ELAAOMS_KEY_MAX, org,
                                        caller));
    op_built(&op, elaaoms_key_conversation_index(op_next(&op),
                                                 ELAAOMS_KEY_MAX, org,
                                                 caller));
    op_built(&op, elaaoms_key_jobs(op_next(&op), ELAAOMS_KEY_MAX, org,
                                   ELAAOMS_JOBS_READY, NULL));
    op_check(&op, who);
    CHECK_INT_EQ(slot(op.keys[0]), slot(org));
    /* and neither names the caller */
    CHECK(strstr(op.keys[0], caller) == NULL
          && strstr(op.keys[1], caller) == NULL);
}


int
main(void)
{
    size_t       i, j;
    const char  *health[2] = { ELAAOMS_KEY_WORKER_METRICS,
                               ELAAOMS_KEY_HEALTH_WINDOW };
    op_t         op;

    /* every character an org, conversation or agent id may hold
     * ([A-Za-z0-9_-]), the longest org; callers of every form
     * (intake/caller_id.h); worker ids "<host>:<pid>" with dots, dashes,
     * even braces */
    static const char  *orgs[] = {
        "acme", "a", "ORG_with-every_char-0123456789",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
        "-_", "0"
    };
    static const char  *callers[] = {
        "+14155550123", "4155550123", "id:User_42.x-y", "id:.",
        "id:h-0123456789abcdef0123456789abcdef", "+999999999999999"
    };
    static const char  *convs[] = {
        "conv_01kbq4r7v2e9m3x5t8w6y0z1a2", "c",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        "-"
    };
    static const char  *workers[] = {
        "host:42", "h", "db-1.example.com:65535", "h{o}st:1", "{}:2"
    };

    CHECK_INT_EQ(strlen(orgs[3]), 64);

    for (i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
        for (j = 0; j < sizeof(callers) / sizeof(callers[0]); j++) {
            check_caller(orgs[i], callers[j]);
            check_intake(orgs[i], callers[j], convs[j % 4]);
        }

        for (j = 0; j < sizeof(convs) / sizeof(convs[0]); j++) {
            check_intake(orgs[i], NULL, convs[j]);
            check_conversation(orgs[i], convs[j]);
        }

        for (j = 0; j < sizeof(workers) / sizeof(workers[0]); j++) {
            check_queue(orgs[i], workers[j]);
        }
    }

    /* two orgs' keys are not bound to one slot by the layout */
    CHECK(slot("elaaoms:{acme}:jobs:ready") != slot("elaaoms:{globex}:jobs:"
                                                    "ready"));

    /* /health's snapshot script: the worker's counters and the window */
    op_init(&op, "health snapshot script");
    for (i = 0; i < 2; i++) {
        op_add(&op, health[i]);
    }
    op_check(&op, "global");

    return UNIT_DONE("key_slots");
}
