/*
 * Operator commands (see cli.h).  Output is JSON made by yajl_gen.
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "intake/caller_id.h"
#include "intake/ids.h"
#include "context/context_store.h"
#include "cli.h"
#include "store/caller_erase.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "worker_io.h"
#include "worker_log.h"


static void
elaaoms_cli_str(yajl_gen g, const char *key, const char *v, size_t len)
{
    yajl_gen_string(g, (const unsigned char *) key, strlen(key));
    yajl_gen_string(g, (const unsigned char *) v, len);
}


static void
elaaoms_cli_int(yajl_gen g, const char *key, long long v)
{
    yajl_gen_string(g, (const unsigned char *) key, strlen(key));
    yajl_gen_integer(g, v);
}


/* 1 when the reply is an array of strings */
static int
elaaoms_cli_all_strings(const redisReply *a)
{
    size_t  i;

    if (a->type != REDIS_REPLY_ARRAY) {
        return 0;
    }

    for (i = 0; i < a->elements; i++) {
        if (a->element[i]->type != REDIS_REPLY_STRING) {
            return 0;
        }
    }

    return 1;
}


static void
elaaoms_cli_print(yajl_gen g)
{
    size_t                len;
    const unsigned char  *out;

    if (yajl_gen_get_buf(g, &out, &len) == yajl_gen_status_ok) {
        printf("%.*s\n", (int) len, (const char *) out);
    }

    /* one document per line: the generator starts over */
    yajl_gen_clear(g);
    yajl_gen_reset(g, NULL);
}


/* the caller's memories, or those agent_id (may be NULL) created or
   reinforced */
static int
elaaoms_cli_memories(redisContext *rc, const char *org, const char *caller,
    const char *agent_id)
{
    size_t                   i, j;
    char                     err[256];
    yajl_gen                 g;
    elaaoms_memory_list_t    list;
    elaaoms_memory_query_t   q;

    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.agent_id = agent_id;

    memset(&list, 0, sizeof(list));
    if (elaaoms_memory_store_query(rc, org, caller, &q, &list, err,
                                   sizeof(err)) != 0)
    {
        fprintf(stderr, "elaaoms-worker: %s\n", err);
        return 1;
    }

    g = yajl_gen_alloc(NULL);

    for (i = 0; i < list.n; i++) {
        const elaaoms_memory_record_t  *m = &list.items[i];

        yajl_gen_map_open(g);
        elaaoms_cli_str(g, "id", m->id.data, m->id.len);
        elaaoms_cli_str(g, "type", elaaoms_mem_type_name(m->type),
                        strlen(elaaoms_mem_type_name(m->type)));
        elaaoms_cli_str(g, "content", m->content.data, m->content.len);
        elaaoms_cli_int(g, "importance", m->importance);
        yajl_gen_string(g, (const unsigned char *) "confidence", 10);
        yajl_gen_double(g, m->confidence);
        yajl_gen_string(g, (const unsigned char *) "shareable", 9);
        yajl_gen_bool(g, m->shareable);
        yajl_gen_string(g, (const unsigned char *) "superseded", 10);
        yajl_gen_bool(g, (m->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0);
        elaaoms_cli_str(g, "conversation_id", m->conversation_id.data,
                        m->conversation_id.len);
        elaaoms_cli_str(g, "agent_id", m->agent_id.data, m->agent_id.len);
        /* every agent it belongs to, the latest last */
        yajl_gen_string(g, (const unsigned char *) "agents", 6);
        yajl_gen_array_open(g);
        for (j = 0; j < m->nprior_agents; j++) {
            yajl_gen_string(g,
                            (const unsigned char *) m->prior_agents[j].data,
                            m->prior_agents[j].len);
        }
        if (m->agent_id.len) {
            yajl_gen_string(g, (const unsigned char *) m->agent_id.data,
                            m->agent_id.len);
        }
        yajl_gen_array_close(g);
        yajl_gen_string(g, (const unsigned char *) "identity", 8);
        yajl_gen_bool(g, (m->flags & ELAAOMS_MEMORY_F_IDENTITY) != 0);
        elaaoms_cli_int(g, "created", m->created);
        elaaoms_cli_int(g, "last_reinforced", m->last_reinforced);
        elaaoms_cli_int(g, "reinforcement_count", m->reinforcement_count);
        elaaoms_cli_str(g, "source_quote", m->source_quote.data,
                        m->source_quote.len);
        yajl_gen_string(g, (const unsigned char *) "conflicts", 9);
        yajl_gen_array_open(g);
        for (j = 0; j < m->nconflicts; j++) {
            yajl_gen_string(g, (const unsigned char *) m->conflicts[j].data,
                            m->conflicts[j].len);
        }
        yajl_gen_array_close(g);
        elaaoms_cli_int(g, "dim", (long long) m->dim);
        elaaoms_cli_str(g, "embed_model", m->embed_model.data,
                        m->embed_model.len);
        /* the offline vector kept beside a provider's (0: none) */
        elaaoms_cli_int(g, "offline_dim", (long long) m->offline_dim);
        yajl_gen_map_close(g);

        elaaoms_cli_print(g);
    }

    yajl_gen_free(g);
    elaaoms_memory_list_free(&list);

    return 0;
}


static int
elaaoms_cli_status(redisContext *rc, const char *org, const char *conv)
{
    char         key[ELAAOMS_KEY_MAX];
    size_t       i;
    yajl_gen     g;
    redisReply  *r;

    if (elaaoms_key_conversation(key, sizeof(key), org, conv) < 0) {
        fprintf(stderr, "elaaoms-worker: invalid conversation id\n");
        return 1;
    }

    r = redisCommand(rc, "HGETALL %s", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "elaaoms-worker: redis: %s\n", rc->errstr);
        if (r) {
            freeReplyObject(r);
        }
        return 1;
    }

    g = yajl_gen_alloc(NULL);
    yajl_gen_map_open(g);

    for (i = 0; i + 1 < r->elements; i += 2) {
        elaaoms_cli_str(g, r->element[i]->str, r->element[i + 1]->str,
                        r->element[i + 1]->len);
    }

    yajl_gen_map_close(g);
    elaaoms_cli_print(g);
    yajl_gen_free(g);

    freeReplyObject(r);
    return 0;
}


static int
elaaoms_cli_forget(const elaaoms_worker_config_t *cf, redisContext *rc,
    const char *org, const char *caller)
{
    char                    err[256];
    elaaoms_erase_counts_t  c;

    if (elaaoms_caller_erase(rc, cf->payload_dir[0] ? cf->payload_dir : NULL,
                             org, caller, ELAAOMS_TOMBSTONE_TTL, &c, err,
                             sizeof(err)) != 0)
    {
        fprintf(stderr, "elaaoms-worker: %s\n", err);
        return 1;
    }

    printf("{\"forgotten\":true,\"keys_deleted\":%zu,"
           "\"conversations\":%zu,\"jobs_removed\":%zu,"
           "\"files_removed\":%zu,\"audit_removed\":%zu}\n", c.keys,
           c.conversations, c.jobs, c.files, c.audit);
    return 0;
}


static int
elaaoms_cli_requeue(redisContext *rc, const char *org)
{
    int          n;
    char         failed[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_key_jobs(failed, sizeof(failed), org, ELAAOMS_JOBS_FAILED,
                         NULL) < 0
        || elaaoms_key_jobs(ready, sizeof(ready), org, ELAAOMS_JOBS_READY,
                            NULL) < 0)
    {
        fprintf(stderr, "elaaoms-worker: invalid organization\n");
        return 1;
    }

    for (n = 0; /* void */; n++) {
        r = redisCommand(rc, "LMOVE %s %s LEFT LEFT", failed, ready);
        if (r == NULL) {
            return 1;
        }

        if (r->type != REDIS_REPLY_STRING) {
            freeReplyObject(r);
            break;
        }

        freeReplyObject(r);
    }

    printf("{\"requeued\":%d}\n", n);
    return 0;
}


/*
 * Rewrites the version-1 records of every caller of the org with all
 * their agents (memory_store.h), then rebuilds the pre-call contexts of
 * the callers it changed, so that nginx serves each agent what it
 * created or reinforced before this version too.
 */
static int
elaaoms_cli_upgrade(redisContext *rc, const char *org)
{
    int                               failed;
    char                              key[ELAAOMS_KEY_MAX], cursor[32];
    char                              err[256];
    char                              masked[ELAAOMS_LOG_CALLER_LEN];
    size_t                            i, n, callers, records, contexts;
    redisReply                       *r, *page;
    const char                       *caller;
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_stats_t   stats;

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_MEMORY_KEY_CALLERS)
        < 0)
    {
        return 1;
    }

    /* every caller's contexts, for the agents already known */
    memset(&req, 0, sizeof(req));
    req.org = org;

    callers = 0;
    records = 0;
    contexts = 0;
    failed = 0;
    strcpy(cursor, "0");

    do {
        r = redisCommand(rc, "SSCAN %s %s COUNT 500", key, cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || !elaaoms_cli_all_strings(r->element[1]))
        {
            fprintf(stderr, "elaaoms-worker: sscan: %s\n",
                    r ? "unexpected reply" : rc->errstr);
            if (r) {
                freeReplyObject(r);
            }
            return 1;
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        page = r->element[1];

        for (i = 0; i < page->elements; i++) {
            caller = page->element[i]->str;
            callers++;

            if (elaaoms_memory_store_upgrade_caller(rc, org, caller, &n, err,
                                                    sizeof(err))
                != 0)
            {
                fprintf(stderr, "elaaoms-worker: %s: %s\n",
                        elaaoms_log_caller(caller, masked), err);
                failed++;
                continue;
            }

            records += n;

            if (n == 0) {
                continue;
            }

            req.caller = caller;

            if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err))
                != 0)
            {
                fprintf(stderr, "elaaoms-worker: contexts of %s: %s\n",
                        elaaoms_log_caller(caller, masked), err);
                failed++;
                continue;
            }

            contexts += stats.agents;
        }

        freeReplyObject(r);

    } while (strcmp(cursor, "0") != 0);

    printf("{\"callers\":%zu,\"records_upgraded\":%zu,\"contexts\":%zu,"
           "\"failed\":%d}\n", callers, records, contexts, failed);

    return failed ? 1 : 0;
}


/* rebuilds the caller's pre-call contexts (after a profile change...) */
static int
elaaoms_cli_contexts(redisContext *rc, const char *org, const char *caller,
    int nagents, char **agents)
{
    char                              err[256];
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_stats_t   stats;

    memset(&req, 0, sizeof(req));
    req.org = org;
    req.caller = caller;
    req.agent_ids = (const char *const *) agents;
    req.nagents = (size_t) nagents;

    if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err)) != 0) {
        fprintf(stderr, "elaaoms-worker: %s\n", err);
        return 1;
    }

    printf("{\"contexts\":%zu,\"written\":%zu,\"memories\":%zu,"
           "\"max_tokens\":%zu}\n", stats.agents, stats.written,
           stats.memories, stats.max_tokens);
    return 0;
}


int
elaaoms_cli_run(const elaaoms_worker_config_t *cf, int argc, char **argv)
{
    int            rv;
    char           caller[ELAAOMS_CALLER_MAX];
    const char    *cmd;
    redisContext  *rc;

    cmd = argv[0];

    if (!(((strcmp(cmd, "requeue-failed") == 0
            || strcmp(cmd, "upgrade") == 0) && argc == 2)
          || ((strcmp(cmd, "status") == 0 || strcmp(cmd, "forget") == 0)
              && argc == 3)
          || (strcmp(cmd, "memories") == 0 && (argc == 3 || argc == 4))
          || (strcmp(cmd, "refresh-contexts") == 0 && argc >= 3)))
    {
        fprintf(stderr, "usage: elaaoms-worker [--config FILE] "
                "memories <org> <caller> [agent_id] | forget <org> <caller> "
                "| status <org> <conversation_id> | requeue-failed <org> | "
                "refresh-contexts <org> <caller> [agent_id ...] | "
                "upgrade <org>\n");
        return 2;
    }

    if (strcmp(cmd, "memories") == 0 && argc == 4
        && !elaaoms_conversation_id_valid_str(argv[3]))
    {
        fprintf(stderr, "elaaoms-worker: invalid agent id\n");
        return 2;
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        fprintf(stderr, "elaaoms-worker: invalid organization\n");
        return 2;
    }

    /* callers are given as people write them: normalized like nginx does */
    if (argc >= 3 && strcmp(cmd, "status") != 0
        && elaaoms_caller_normalize(argv[2], strlen(argv[2]), caller,
                                    sizeof(caller)) < 0)
    {
        fprintf(stderr, "elaaoms-worker: not a caller id: %s\n", argv[2]);
        return 2;
    }

    rc = elaaoms_worker_redis_connect(cf, 5);
    if (rc == NULL) {
        return 1;
    }

    if (strcmp(cmd, "memories") == 0) {
        rv = elaaoms_cli_memories(rc, argv[1], caller,
                                  argc == 4 ? argv[3] : NULL);

    } else if (strcmp(cmd, "forget") == 0) {
        rv = elaaoms_cli_forget(cf, rc, argv[1], caller);

    } else if (strcmp(cmd, "refresh-contexts") == 0) {
        rv = elaaoms_cli_contexts(rc, argv[1], caller, argc - 3, argv + 3);

    } else if (strcmp(cmd, "status") == 0) {
        rv = elaaoms_cli_status(rc, argv[1], argv[2]);

    } else if (strcmp(cmd, "upgrade") == 0) {
        rv = elaaoms_cli_upgrade(rc, argv[1]);

    } else {
        rv = elaaoms_cli_requeue(rc, argv[1]);
    }

    redisFree(rc);
    return rv;
}
