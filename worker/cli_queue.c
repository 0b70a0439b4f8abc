/*
 * Operator commands about conversations and the job lists (cli.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "intake/job.h"
#include "queue.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


#define ELAAOMS_CLI_QUEUE_STATS     2     /* table indexes */
#define ELAAOMS_CLI_JOBS_LIST       3
#define ELAAOMS_CLI_JOBS_REQUEUE    4
#define ELAAOMS_CLI_JOBS_FAILED     5


/* status ORG CONVERSATION: the conversation's status hash */
static int
elaaoms_cli_status(elaaoms_cli_t *cli, int argc, char **argv)
{
    char         key[ELAAOMS_KEY_MAX];
    size_t       i;
    redisReply  *r;

    if (argc != 3) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_queue_commands[0],
                                 argc - 1, 2, 2);
    }

    if (!elaaoms_memory_org_valid(argv[1])
        || elaaoms_key_conversation(key, sizeof(key), argv[1], argv[2]) < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization or conversation id");
    }

    r = elaaoms_redis_command(cli->rc, "HGETALL %s", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        if (r) {
            freeReplyObject(r);
        }
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                elaaoms_redis_errstr(cli->rc));
    }

    yajl_gen_map_open(cli->g);
    for (i = 0; i + 1 < r->elements; i += 2) {
        elaaoms_cli_str(cli->g, r->element[i]->str, r->element[i + 1]->str,
                        r->element[i + 1]->len);
    }
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    freeReplyObject(r);
    return ELAAOMS_CLI_OK;
}


/* the org's failed jobs back to the ready list, each moved atomically */
static int
elaaoms_cli_requeue_failed(elaaoms_cli_t *cli, const char *org)
{
    int          n;
    char         failed[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_key_jobs(failed, sizeof(failed), org, ELAAOMS_JOBS_FAILED,
                         NULL) < 0
        || elaaoms_key_jobs(ready, sizeof(ready), org, ELAAOMS_JOBS_READY,
                            NULL) < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    for (n = 0; /* void */; n++) {
        r = elaaoms_redis_command(cli->rc, "LMOVE %s %s LEFT LEFT", failed,
                                  ready);
        if (r == NULL) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    elaaoms_redis_errstr(cli->rc));
        }

        if (r->type != REDIS_REPLY_STRING) {
            freeReplyObject(r);
            break;
        }

        freeReplyObject(r);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_int(cli->g, "requeued", n);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_legacy_requeue(elaaoms_cli_t *cli, int argc, char **argv)
{
    if (argc != 2) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_queue_commands[1],
                                 argc - 1, 1, 1);
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    return elaaoms_cli_requeue_failed(cli, argv[1]);
}


/* --- queue stats ------------------------------------------------------- */

typedef struct {
    int          all;
    redisReply  *workers;     /* HGETALL ELAAOMS_KEY_WORKERS */
    long long    now;
} elaaoms_cli_stats_t;


static int
elaaoms_cli_stats_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_stats_t  *st = data;

    (void) arg;

    if (val == 'a') {
        st->all = 1;
        return 0;
    }

    return -1;
}


/* the length of one of the org's job lists (ZCARD for delayed) */
static long long
elaaoms_cli_list_len(elaaoms_cli_t *cli, const char *org, const char *list,
    const char *worker)
{
    char  key[ELAAOMS_KEY_MAX];

    if (elaaoms_key_jobs(key, sizeof(key), org, list, worker) < 0) {
        elaaoms_cli_fail(cli, 0, "%s: key too long", org);
        return -1;
    }

    return elaaoms_cli_integer(cli, elaaoms_redis_command(cli->rc, "%s %s",
                               strcmp(list, ELAAOMS_JOBS_DELAYED) == 0
                               ? "ZCARD" : "LLEN", key));
}


/* the age of the job the workers take next (the ready list's right end);
   -1 when there is none, -2 on failure */
static long long
elaaoms_cli_oldest_ready(elaaoms_cli_t *cli, const char *org, long long now)
{
    char           key[ELAAOMS_KEY_MAX];
    long long      age;
    redisReply    *r;
    elaaoms_job_t  job;

    if (elaaoms_key_jobs(key, sizeof(key), org, ELAAOMS_JOBS_READY, NULL)
        < 0)
    {
        return -2;
    }

    r = elaaoms_redis_command(cli->rc, "LINDEX %s -1", key);
    if (r == NULL) {
        elaaoms_cli_fail(cli, 0, "redis: %s", elaaoms_redis_errstr(cli->rc));
        return -2;
    }

    age = -1;

    if (r->type == REDIS_REPLY_STRING
        && elaaoms_job_decode(r->str, r->len, &job, NULL, 0) == 0)
    {
        age = now > job.enqueued_at ? now - job.enqueued_at : 0;
        elaaoms_job_free(&job);
    }

    freeReplyObject(r);

    return age;
}


static int
elaaoms_cli_stats_org(elaaoms_cli_t *cli, const char *org, void *data)
{
    int                   i;
    size_t                w;
    long long             n[6], processing, v, oldest, live;
    elaaoms_cli_stats_t  *st = data;
    static const char    *lists[6] = {
        ELAAOMS_JOBS_READY, ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_FAILED,
        ELAAOMS_JOBS_INVALID, ELAAOMS_JOBS_FORGET, ELAAOMS_JOBS_REFRESH
    };

    for (i = 0; i < 6; i++) {
        n[i] = elaaoms_cli_list_len(cli, org, lists[i], NULL);
        if (n[i] < 0) {
            return ELAAOMS_CLI_FAILED;
        }
    }

    /* the jobs in the hands of each registered worker */
    processing = 0;
    live = 0;

    for (w = 0; w + 1 < st->workers->elements; w += 2) {
        v = elaaoms_cli_list_len(cli, org, ELAAOMS_JOBS_PROCESSING,
                                 st->workers->element[w]->str);
        if (v < 0) {
            return ELAAOMS_CLI_FAILED;
        }
        processing += v;

        if (st->now - strtoll(st->workers->element[w + 1]->str, NULL, 10)
            <= ELAAOMS_WORKER_STALE_SECS)
        {
            live++;
        }
    }

    oldest = elaaoms_cli_oldest_ready(cli, org, st->now);
    if (oldest == -2) {
        return ELAAOMS_CLI_FAILED;
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "org", org);
    for (i = 0; i < 6; i++) {
        elaaoms_cli_int(cli->g, lists[i], n[i]);
    }
    elaaoms_cli_int(cli->g, "processing", processing);
    elaaoms_cli_key(cli->g, "oldest_ready_age");
    if (oldest < 0) {
        yajl_gen_null(cli->g);
    } else {
        yajl_gen_integer(cli->g, oldest);
    }
    elaaoms_cli_int(cli->g, "workers_live", live);
    elaaoms_cli_int(cli->g, "workers_registered",
                    (long long) st->workers->elements / 2);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_queue_stats(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   rv, first;
    elaaoms_cli_stats_t   st;
    static const struct option  opts[] = {
        { "all-orgs", no_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 }
    };

    memset(&st, 0, sizeof(st));

    rv = elaaoms_cli_args(cli, &elaaoms_cli_queue_commands[ELAAOMS_CLI_QUEUE_STATS], argc, argv, opts,
                          elaaoms_cli_stats_opt, &st, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    st.workers = elaaoms_redis_command(cli->rc, "HGETALL %s",
                                       ELAAOMS_KEY_WORKERS);
    if (st.workers == NULL || !elaaoms_cli_all_strings(st.workers)) {
        return elaaoms_cli_redis_fail(cli, st.workers);
    }

    st.now = (long long) time(NULL);

    rv = elaaoms_cli_each_org(cli, st.all, elaaoms_cli_stats_org, &st);

    freeReplyObject(st.workers);

    return rv;
}


/* --- jobs list, jobs requeue ------------------------------------------- */

/* the lists an operator looks into, ready first */
static const char  *elaaoms_cli_job_lists[] = {
    ELAAOMS_JOBS_READY, ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_FAILED,
    ELAAOMS_JOBS_INVALID, ELAAOMS_JOBS_PROCESSING, NULL
};


typedef struct {
    const char  *list;
    long         limit;
} elaaoms_cli_jobs_t;


static int
elaaoms_cli_jobs_opt(void *data, int val, const char *arg)
{
    size_t               i;
    elaaoms_cli_jobs_t  *j = data;

    if (val == 'l') {
        for (i = 0; elaaoms_cli_job_lists[i]; i++) {
            if (strcmp(arg, elaaoms_cli_job_lists[i]) == 0) {
                j->list = elaaoms_cli_job_lists[i];
                return 0;
            }
        }
        fprintf(stderr, "--list: one of ready, delayed, failed, invalid, "
                "processing\n");
        return -1;
    }

    if (val == 'n') {
        if (elaaoms_cli_count(arg, ELAAOMS_CLI_LIMIT_MAX, &j->limit) != 0) {
            fprintf(stderr, "--limit: a number from 1 to %d\n",
                    ELAAOMS_CLI_LIMIT_MAX);
            return -1;
        }
        return 0;
    }

    return -1;
}


/*
 * One job as a record: what it holds and, from its conversation's hash,
 * the status and the last error.  A job that does not decode (those of
 * the invalid list) shows its text and why.
 */
static int
elaaoms_cli_job(elaaoms_cli_t *cli, const char *org, const char *list,
    const char *worker, const redisReply *text, const redisReply *score)
{
    int                 ok;
    char                err[256], key[ELAAOMS_KEY_MAX];
    size_t              i;
    redisReply         *r;
    elaaoms_job_t       job;
    static const char  *conv_fields[] = { "status", "error", "failed_at" };

    ok = (elaaoms_job_decode(text->str, text->len, &job, err, sizeof(err))
          == 0);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "list", list);
    if (worker) {
        elaaoms_cli_cstr(cli->g, "worker", worker);
    }

    if (!ok) {
        elaaoms_cli_cstr(cli->g, "org", org);
        elaaoms_cli_bool(cli->g, "valid", 0);
        elaaoms_cli_cstr(cli->g, "decode_error", err);
        elaaoms_cli_str(cli->g, "job", text->str, text->len);
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
        return ELAAOMS_CLI_OK;
    }

    elaaoms_cli_cstr(cli->g, "org", job.org);
    elaaoms_cli_cstr(cli->g, "conversation_id", job.conversation_id);
    elaaoms_cli_cstr(cli->g, "type", job.type);
    elaaoms_cli_cstr(cli->g, "agent_id", job.agent_id);
    elaaoms_cli_cstr(cli->g, "caller", job.caller);
    elaaoms_cli_int(cli->g, "attempt", job.attempt);
    elaaoms_cli_int(cli->g, "enqueued_at", (long long) job.enqueued_at);
    elaaoms_cli_cstr(cli->g, "request_id", job.request_id);
    elaaoms_cli_cstr(cli->g, "payload_path", job.payload_path);
    if (score) {
        elaaoms_cli_int(cli->g, "due_at", strtoll(score->str, NULL, 10));
    }

    /* the conversation's status: "error" is the last failure's reason */
    r = NULL;
    if (elaaoms_key_conversation(key, sizeof(key), org, job.conversation_id)
        >= 0)
    {
        r = elaaoms_redis_command(cli->rc, "HMGET %s status error failed_at",
                                  key);
    }

    /* null: the conversation has no such field (never failed...) */
    for (i = 0; r && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
        elaaoms_cli_key(cli->g, conv_fields[i]);
        if (r->element[i]->type != REDIS_REPLY_STRING) {
            yajl_gen_null(cli->g);
        } else if (i == 2) {
            yajl_gen_integer(cli->g, strtoll(r->element[i]->str, NULL, 10));
        } else {
            yajl_gen_string(cli->g, (const unsigned char *) r->element[i]->str,
                            r->element[i]->len);
        }
    }

    if (r) {
        freeReplyObject(r);
    }

    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);
    elaaoms_job_free(&job);

    return ELAAOMS_CLI_OK;
}


/*
 * The jobs of one list, in the order they are taken: ready from its
 * right end, delayed the soonest due first (with their due time),
 * failed and invalid the oldest first, processing per registered worker.
 * The reply is the list's elements (or text, score pairs for delayed).
 */
static redisReply *
elaaoms_cli_jobs_read(elaaoms_cli_t *cli, const char *key, const char *list,
    long limit)
{
    if (strcmp(list, ELAAOMS_JOBS_DELAYED) == 0) {
        return elaaoms_redis_command(cli->rc, "ZRANGE %s 0 %ld WITHSCORES", key,
                                     limit - 1);
    }

    if (strcmp(list, ELAAOMS_JOBS_READY) == 0) {
        return elaaoms_redis_command(cli->rc, "LRANGE %s %ld -1", key, -limit);
    }

    return elaaoms_redis_command(cli->rc, "LRANGE %s 0 %ld", key, limit - 1);
}


static int
elaaoms_cli_jobs_show(elaaoms_cli_t *cli, const char *org, const char *list,
    const char *worker, long *left)
{
    int          delayed, ready;
    char         key[ELAAOMS_KEY_MAX];
    size_t       i, n, step;
    redisReply  *r, *text, *score;

    if (elaaoms_key_jobs(key, sizeof(key), org, list, worker) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "key too long");
    }

    r = elaaoms_cli_jobs_read(cli, key, list, *left);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    delayed = (strcmp(list, ELAAOMS_JOBS_DELAYED) == 0);
    ready = (strcmp(list, ELAAOMS_JOBS_READY) == 0);
    step = delayed ? 2 : 1;
    n = r->elements / step;

    for (i = 0; i < n && *left > 0; i++, (*left)--) {
        /* ready: the right end runs next */
        text = r->element[(ready ? n - 1 - i : i) * step];
        score = delayed ? r->element[i * step + 1] : NULL;

        (void) elaaoms_cli_job(cli, org, list, worker, text, score);
    }

    freeReplyObject(r);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_jobs_list(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                  rv, first;
    long                 left;
    size_t               w;
    redisReply          *workers;
    elaaoms_cli_jobs_t   j;
    static const struct option  opts[] = {
        { "list", required_argument, NULL, 'l' },
        { "limit", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 }
    };

    j.list = ELAAOMS_JOBS_FAILED;
    j.limit = 100;

    rv = elaaoms_cli_args(cli, &elaaoms_cli_queue_commands[ELAAOMS_CLI_JOBS_LIST], argc, argv, opts,
                          elaaoms_cli_jobs_opt, &j, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    left = j.limit;

    if (strcmp(j.list, ELAAOMS_JOBS_PROCESSING) != 0) {
        return elaaoms_cli_jobs_show(cli, cli->org, j.list, NULL, &left);
    }

    workers = elaaoms_redis_command(cli->rc, "HKEYS %s", ELAAOMS_KEY_WORKERS);
    if (workers == NULL || !elaaoms_cli_all_strings(workers)) {
        return elaaoms_cli_redis_fail(cli, workers);
    }

    rv = ELAAOMS_CLI_OK;

    for (w = 0; w < workers->elements && left > 0 && rv == 0; w++) {
        rv = elaaoms_cli_jobs_show(cli, cli->org, j.list,
                                   workers->element[w]->str, &left);
    }

    freeReplyObject(workers);

    return rv;
}


/*
 * The exact text of the org's job that JOB_ID names (its conversation id
 * or its request id) in list; NULL when it is not there, or on failure
 * (*failed set).
 */
static redisReply *
elaaoms_cli_job_find(elaaoms_cli_t *cli, const char *list, const char *id,
    size_t *at, int *failed)
{
    int            match;
    char           key[ELAAOMS_KEY_MAX];
    size_t         i;
    redisReply    *r;
    elaaoms_job_t  job;

    *failed = 0;

    if (elaaoms_key_jobs(key, sizeof(key), cli->org, list, NULL) < 0) {
        *failed = 1;
        return NULL;
    }

    r = elaaoms_redis_command(cli->rc, "%s %s 0 -1",
                              strcmp(list, ELAAOMS_JOBS_DELAYED) == 0
                              ? "ZRANGE" : "LRANGE", key);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        (void) elaaoms_cli_redis_fail(cli, r);
        *failed = 1;
        return NULL;
    }

    for (i = 0; i < r->elements; i++) {
        if (elaaoms_job_decode(r->element[i]->str, r->element[i]->len, &job,
                               NULL, 0) != 0)
        {
            continue;
        }

        match = (strcmp(job.conversation_id, id) == 0
                 || strcmp(job.request_id, id) == 0);
        elaaoms_job_free(&job);

        if (match) {
            *at = i;
            return r;
        }
    }

    freeReplyObject(r);

    return NULL;
}


/* jobs requeue JOB_ID: failed, delayed or invalid -> ready, atomically */
static int
elaaoms_cli_jobs_requeue(elaaoms_cli_t *cli, int argc, char **argv)
{
    int          rv, first, failed, moved;
    size_t       at, i;
    const char  *id;
    redisReply  *r;
    static const char  *from[] = {
        ELAAOMS_JOBS_FAILED, ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_INVALID, NULL
    };
    static const struct option  opts[] = { { NULL, 0, NULL, 0 } };

    rv = elaaoms_cli_args(cli, &elaaoms_cli_queue_commands[ELAAOMS_CLI_JOBS_REQUEUE], argc, argv, opts,
                          NULL, NULL, 1, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    /* a conversation id or a request id: visible ASCII, no more */
    id = argv[first];
    for (i = 0; id[i] > ' ' && id[i] < 0x7f; i++) { /* void */ }

    if (i == 0 || id[i] != '\0' || i > ELAAOMS_JOB_REQUEST_ID_MAX) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "not a job id "
                                "(conversation or request id): %s",
                                argv[first]);
    }

    for (i = 0; from[i]; i++) {
        r = elaaoms_cli_job_find(cli, from[i], argv[first], &at, &failed);
        if (failed) {
            return ELAAOMS_CLI_FAILED;
        }

        if (r == NULL) {
            continue;
        }

        moved = elaaoms_queue_requeue_from(cli->rc, cli->org, from[i],
                                           r->element[at]->str,
                                           r->element[at]->len);
        freeReplyObject(r);

        if (moved < 0) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: the "
                                    "move failed");
        }

        if (moved == 0) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "job %s "
                                    "left the %s list meanwhile",
                                    argv[first], from[i]);
        }

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "requeued", argv[first]);
        elaaoms_cli_cstr(cli->g, "from", from[i]);
        elaaoms_cli_cstr(cli->g, "to", ELAAOMS_JOBS_READY);
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);

        return ELAAOMS_CLI_OK;
    }

    return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no job %s in the "
                            "failed, delayed or invalid lists of %s",
                            argv[first], cli->org);
}


/* jobs requeue-failed: the legacy requeue-failed ORG with --org */
static int
elaaoms_cli_jobs_requeue_failed(elaaoms_cli_t *cli, int argc, char **argv)
{
    int  rv, first;
    static const struct option  opts[] = { { NULL, 0, NULL, 0 } };

    rv = elaaoms_cli_args(cli, &elaaoms_cli_queue_commands[ELAAOMS_CLI_JOBS_FAILED], argc, argv, opts,
                          NULL, NULL, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    return elaaoms_cli_requeue_failed(cli, cli->org);
}


const elaaoms_cli_command_t  elaaoms_cli_queue_commands[] = {

    { "status", "ORG CONVERSATION",
      "the conversation's status hash", "", elaaoms_cli_status,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "requeue-failed", "ORG",
      "failed jobs back to the ready list", "", elaaoms_cli_legacy_requeue,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "queue stats", "[--all-orgs]",
      "the length of each job list, the oldest ready job, live workers",
      "One record per organization (--org, or every organization that has\n"
      "had jobs with --all-orgs):\n"
      "  org                 the organization\n"
      "  ready               jobs waiting for a worker\n"
      "  delayed             jobs waiting for their next attempt\n"
      "  failed              jobs out of retries (\"jobs requeue\")\n"
      "  invalid             jobs nothing can run, kept for inspection\n"
      "  forget, refresh     callers queued by nginx's admin location for\n"
      "                      erasure, for a rebuild of their contexts\n"
      "  processing          jobs in the hands of the registered workers\n"
      "  oldest_ready_age    seconds since the next job to run was queued\n"
      "                      (null: nothing ready)\n"
      "  workers_live        workers whose heartbeat is under 30 s old\n"
      "  workers_registered  workers in the registry (elaaoms:workers)\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme queue stats\n",
      elaaoms_cli_queue_stats, ELAAOMS_CLI_REDIS },

    { "jobs list", "[--list LIST] [--limit N]",
      "the jobs of one list, decoded",
      "Options:\n"
      "  --list LIST   ready, delayed, failed (default), invalid or\n"
      "                processing (every registered worker's)\n"
      "  --limit N     at most N jobs (default 100)\n"
      "\n"
      "One record per job, in the order they are taken (ready: the next\n"
      "to run first; delayed: the soonest due first; failed, invalid: the\n"
      "oldest first): list, worker (processing), org, conversation_id,\n"
      "type, agent_id, caller, attempt, enqueued_at, request_id,\n"
      "payload_path, due_at (delayed), and from the conversation: status,\n"
      "error (the last failure's reason), failed_at.  A job that does not\n"
      "decode shows valid false, decode_error and its text as job.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme jobs list --list failed --limit 10\n",
      elaaoms_cli_jobs_list, ELAAOMS_CLI_REDIS },

    { "jobs requeue", "JOB_ID",
      "one failed, delayed or invalid job back to the ready list",
      "JOB_ID is the job's conversation id or request id (\"jobs list\").\n"
      "The job is looked for in the failed list, then the delayed retries,\n"
      "then the invalid list, and moved to the head of the ready list (it\n"
      "runs next) by one Lua script that removes exactly that element and\n"
      "pushes it: a job is never lost nor queued twice, even while workers\n"
      "run.  It keeps its attempt count.  Output: requeued (JOB_ID), from\n"
      "(the list), to.  Exit status 3 when no such job is there.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme jobs requeue conv_01kbq4r7v2e9m3x5t8w6y0z1a2\n",
      elaaoms_cli_jobs_requeue, ELAAOMS_CLI_REDIS },

    { "jobs requeue-failed", "",
      "every failed job back to the ready list",
      "Moves the failed jobs of the organization one by one (LMOVE, each\n"
      "atomic) to the ready list, the oldest first.  Output: requeued (how\n"
      "many).  The older spelling \"requeue-failed ORG\" does the same.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme jobs requeue-failed\n",
      elaaoms_cli_jobs_requeue_failed, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
