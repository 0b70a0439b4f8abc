/*
 * Operator commands about conversations, the job lists and payloads
 * (cli.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "intake/ids.h"
#include "intake/job.h"
#include "queue.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


#define ELAAOMS_CLI_QUEUE_STATS     2     /* table indexes */
#define ELAAOMS_CLI_JOBS_LIST       3
#define ELAAOMS_CLI_JOBS_REQUEUE    4
#define ELAAOMS_CLI_JOBS_FAILED     5
#define ELAAOMS_CLI_AUDIT_TAIL      6
#define ELAAOMS_CLI_USAGE_CMD       7

#define ELAAOMS_CLI_LIMIT_MAX       100000


typedef int (*elaaoms_cli_org_pt)(elaaoms_cli_t *cli, const char *org,
    void *data);


static int
elaaoms_cli_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/* a Redis failure (r: the reply, NULL when none came): says why, frees
   r; returns FAILED */
static int
elaaoms_cli_redis_fail(elaaoms_cli_t *cli, redisReply *r)
{
    elaaoms_cli_fail(cli, 0, "redis: %s",
                     r == NULL ? cli->rc->errstr
                     : r->type == REDIS_REPLY_ERROR ? r->str
                     : "unexpected reply");
    if (r) {
        freeReplyObject(r);
    }

    return ELAAOMS_CLI_FAILED;
}


/* a reply that must be an integer (LLEN, ZCARD...); -1 on failure */
static long long
elaaoms_cli_integer(elaaoms_cli_t *cli, redisReply *r)
{
    long long  v;

    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        (void) elaaoms_cli_redis_fail(cli, r);
        return -1;
    }

    v = r->integer;
    freeReplyObject(r);

    return v;
}


/* handler for --org, or for every organization (ELAAOMS_KEY_ORGS, in
   name order) with --all-orgs; the first failure's status */
static int
elaaoms_cli_each_org(elaaoms_cli_t *cli, int all, elaaoms_cli_org_pt handler,
    void *data)
{
    int          rv;
    char       **names;
    size_t       i;
    redisReply  *r;

    if (!all) {
        return handler(cli, cli->org, data);
    }

    r = redisCommand(cli->rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    names = calloc(r->elements + 1, sizeof(char *));
    if (names == NULL) {
        freeReplyObject(r);
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "out of memory");
    }

    for (i = 0; i < r->elements; i++) {
        names[i] = r->element[i]->str;
    }

    qsort(names, r->elements, sizeof(char *), elaaoms_cli_strcmp);

    rv = ELAAOMS_CLI_OK;

    for (i = 0; i < r->elements && rv == ELAAOMS_CLI_OK; i++) {
        if (elaaoms_memory_org_valid(names[i])) {
            rv = handler(cli, names[i], data);
        }
    }

    free(names);
    freeReplyObject(r);

    return rv;
}


/* the command's options, then exactly nargs positional arguments (the
   first at *first); OK, or the exit status after the usage or the help */
static int
elaaoms_cli_args(elaaoms_cli_t *cli, int idx, int argc, char **argv,
    const struct option *opts,
    int (*on_opt)(void *data, int val, const char *arg), void *data,
    int nargs, int *first)
{
    int                           rv;
    const elaaoms_cli_command_t  *cmd = &elaaoms_cli_queue_commands[idx];

    *first = elaaoms_cli_options(cli, cmd, argc, argv, opts, on_opt, data,
                                 &rv);
    if (*first < 0) {
        return rv;
    }

    return elaaoms_cli_nargs(cli, cmd, argc - *first, nargs, nargs);
}


/* a number option: 1..ELAAOMS_CLI_LIMIT_MAX */
static int
elaaoms_cli_limit(const char *arg, long *out)
{
    char  *end;
    long   v;

    v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 1 || v > ELAAOMS_CLI_LIMIT_MAX) {
        return -1;
    }

    *out = v;
    return 0;
}


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

    r = redisCommand(cli->rc, "HGETALL %s", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        if (r) {
            freeReplyObject(r);
        }
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                cli->rc->errstr);
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
        r = redisCommand(cli->rc, "LMOVE %s %s LEFT LEFT", failed, ready);
        if (r == NULL) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    cli->rc->errstr);
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

    return elaaoms_cli_integer(cli, redisCommand(cli->rc, "%s %s",
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

    r = redisCommand(cli->rc, "LINDEX %s -1", key);
    if (r == NULL) {
        elaaoms_cli_fail(cli, 0, "redis: %s", cli->rc->errstr);
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

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_QUEUE_STATS, argc, argv, opts,
                          elaaoms_cli_stats_opt, &st, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    st.workers = redisCommand(cli->rc, "HGETALL %s", ELAAOMS_KEY_WORKERS);
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
        if (elaaoms_cli_limit(arg, &j->limit) != 0) {
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
        r = redisCommand(cli->rc, "HMGET %s status error failed_at", key);
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
        return redisCommand(cli->rc, "ZRANGE %s 0 %ld WITHSCORES", key,
                            limit - 1);
    }

    if (strcmp(list, ELAAOMS_JOBS_READY) == 0) {
        return redisCommand(cli->rc, "LRANGE %s %ld -1", key, -limit);
    }

    return redisCommand(cli->rc, "LRANGE %s 0 %ld", key, limit - 1);
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

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_JOBS_LIST, argc, argv, opts,
                          elaaoms_cli_jobs_opt, &j, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    left = j.limit;

    if (strcmp(j.list, ELAAOMS_JOBS_PROCESSING) != 0) {
        return elaaoms_cli_jobs_show(cli, cli->org, j.list, NULL, &left);
    }

    workers = redisCommand(cli->rc, "HKEYS %s", ELAAOMS_KEY_WORKERS);
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

    r = redisCommand(cli->rc, "%s %s 0 -1",
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

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_JOBS_REQUEUE, argc, argv, opts,
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

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_JOBS_FAILED, argc, argv, opts,
                          NULL, NULL, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    return elaaoms_cli_requeue_failed(cli, cli->org);
}


/* --- audit tail -------------------------------------------------------- */

typedef struct {
    long       count;
    long long  since;
} elaaoms_cli_audit_t;


static int
elaaoms_cli_audit_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_audit_t  *a = data;

    if (val == 'n') {
        if (elaaoms_cli_limit(arg, &a->count) != 0) {
            fprintf(stderr, "--count: a number from 1 to %d\n",
                    ELAAOMS_CLI_LIMIT_MAX);
            return -1;
        }
        return 0;
    }

    if (val == 's') {
        a->since = elaaoms_cli_time(arg);
        if (a->since < 0) {
            fprintf(stderr, "--since: a date (2026-12-04, "
                    "2026-12-04T10:00:00Z) or unix seconds\n");
            return -1;
        }
        return 0;
    }

    return -1;
}


/* audit tail: the newest entries of the org's audit stream, newest last */
static int
elaaoms_cli_audit_tail(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   rv, first;
    char                  key[ELAAOMS_KEY_MAX], min[32];
    size_t                i, f;
    redisReply           *r, *e, *fields;
    elaaoms_cli_audit_t   a;
    static const struct option  opts[] = {
        { "count", required_argument, NULL, 'n' },
        { "since", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 }
    };

    a.count = 20;
    a.since = -1;

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_AUDIT_TAIL, argc, argv, opts,
                          elaaoms_cli_audit_opt, &a, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    if (elaaoms_key_org(key, sizeof(key), cli->org, ELAAOMS_KEY_AUDIT) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    /* an entry's id is its time in milliseconds */
    if (a.since >= 0) {
        snprintf(min, sizeof(min), "%lld", a.since * 1000);
    } else {
        snprintf(min, sizeof(min), "-");
    }

    r = redisCommand(cli->rc, "XREVRANGE %s + %s COUNT %ld", key, min,
                     a.count);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    for (i = r->elements; i-- > 0; /* void */) {
        e = r->element[i];

        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2
            || e->element[0]->type != REDIS_REPLY_STRING
            || !elaaoms_cli_all_strings(e->element[1]))
        {
            continue;
        }

        fields = e->element[1];

        yajl_gen_map_open(cli->g);
        elaaoms_cli_str(cli->g, "id", e->element[0]->str,
                        e->element[0]->len);
        for (f = 0; f + 1 < fields->elements; f += 2) {
            elaaoms_cli_str(cli->g, fields->element[f]->str,
                            fields->element[f + 1]->str,
                            fields->element[f + 1]->len);
        }
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
    }

    freeReplyObject(r);

    return ELAAOMS_CLI_OK;
}


/* --- usage ------------------------------------------------------------- */

/* the metrics of a usage record, in output order */
static const char  *elaaoms_cli_usage_metrics[] = {
    "extractions", "input_tokens", "output_tokens", "embed_tokens", "cost",
    NULL
};

#define ELAAOMS_CLI_USAGE_NMETRICS  5
#define ELAAOMS_CLI_USAGE_COST      4

typedef struct {
    const char  *field;       /* "<day>|<provider>|<model>|", in the reply */
    size_t       len;         /* up to the metric */
    double       v[ELAAOMS_CLI_USAGE_NMETRICS];
} elaaoms_cli_usage_rec_t;

typedef struct {
    int                       all;
    char                      since[16];   /* days, "" for no bound */
    char                      until[16];
    elaaoms_cli_usage_rec_t  *recs;
    size_t                    n;
} elaaoms_cli_usage_t;


/* a date option as the day it falls on (UTC) */
static int
elaaoms_cli_day(const char *arg, char *day, size_t size)
{
    time_t      t;
    long long   v;
    struct tm   tm;

    v = elaaoms_cli_time(arg);
    if (v < 0) {
        fprintf(stderr, "a date (2026-12-04, 2026-12-04T10:00:00Z) or unix "
                "seconds: %s\n", arg);
        return -1;
    }

    t = (time_t) v;
    gmtime_r(&t, &tm);
    strftime(day, size, "%Y-%m-%d", &tm);

    return 0;
}


static int
elaaoms_cli_usage_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_usage_t  *u = data;

    switch (val) {
    case 'a':
        u->all = 1;
        return 0;
    case 's':
        return elaaoms_cli_day(arg, u->since, sizeof(u->since));
    case 'u':
        return elaaoms_cli_day(arg, u->until, sizeof(u->until));
    }

    return -1;
}


static int
elaaoms_cli_usage_cmp(const void *a, const void *b)
{
    const elaaoms_cli_usage_rec_t  *x = a, *y = b;
    int                             c;

    c = strncmp(x->field, y->field, x->len < y->len ? x->len : y->len);

    return c ? c : (x->len > y->len) - (x->len < y->len);
}


/* the record of field's day, provider and model; NULL: out of memory */
static elaaoms_cli_usage_rec_t *
elaaoms_cli_usage_rec(elaaoms_cli_usage_t *u, const char *field, size_t len)
{
    size_t                    i;
    elaaoms_cli_usage_rec_t  *grown;

    for (i = 0; i < u->n; i++) {
        if (u->recs[i].len == len
            && memcmp(u->recs[i].field, field, len) == 0)
        {
            return &u->recs[i];
        }
    }

    grown = realloc(u->recs, (u->n + 1) * sizeof(elaaoms_cli_usage_rec_t));
    if (grown == NULL) {
        return NULL;
    }

    u->recs = grown;
    memset(&u->recs[u->n], 0, sizeof(elaaoms_cli_usage_rec_t));
    u->recs[u->n].field = field;
    u->recs[u->n].len = len;

    return &u->recs[u->n++];
}


/* one org's usage:daily hash, summed into records and printed */
static int
elaaoms_cli_usage_org(elaaoms_cli_t *cli, const char *org, void *data)
{
    int                       m, n;
    char                      key[ELAAOMS_KEY_MAX], day[16], num[64];
    size_t                    i;
    const char               *f, *metric, *provider, *model;
    redisReply               *r;
    elaaoms_cli_usage_t      *u = data;
    elaaoms_cli_usage_rec_t  *rec;

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_KEY_USAGE_DAILY) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    r = redisCommand(cli->rc, "HGETALL %s", key);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    u->n = 0;

    for (i = 0; i + 1 < r->elements; i += 2) {
        f = r->element[i]->str;

        /* "<YYYY-MM-DD>|<provider>|<model>|<metric>" */
        metric = strrchr(f, ELAAOMS_USAGE_SEP);
        provider = strchr(f, ELAAOMS_USAGE_SEP);
        if (metric == NULL || provider != f + 10
            || strchr(provider + 1, ELAAOMS_USAGE_SEP) == metric)
        {
            continue;
        }

        memcpy(day, f, 10);
        day[10] = '\0';
        if ((u->since[0] && strcmp(day, u->since) < 0)
            || (u->until[0] && strcmp(day, u->until) > 0))
        {
            continue;
        }

        for (m = 0; elaaoms_cli_usage_metrics[m]; m++) {
            if (strcmp(metric + 1, elaaoms_cli_usage_metrics[m]) == 0) {
                break;
            }
        }

        if (elaaoms_cli_usage_metrics[m] == NULL) {
            continue;
        }

        rec = elaaoms_cli_usage_rec(u, f, (size_t) (metric - f) + 1);
        if (rec == NULL) {
            freeReplyObject(r);
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "out of "
                                    "memory");
        }

        rec->v[m] += strtod(r->element[i + 1]->str, NULL);
    }

    qsort(u->recs, u->n, sizeof(elaaoms_cli_usage_rec_t),
          elaaoms_cli_usage_cmp);

    for (i = 0; i < u->n; i++) {
        rec = &u->recs[i];
        provider = rec->field + 11;
        model = strchr(provider, ELAAOMS_USAGE_SEP) + 1;

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "org", org);
        elaaoms_cli_str(cli->g, "day", rec->field, 10);
        elaaoms_cli_str(cli->g, "provider", provider,
                        (size_t) (model - 1 - provider));
        elaaoms_cli_str(cli->g, "model", model,
                        (size_t) (rec->field + rec->len - 1 - model));
        for (m = 0; m < ELAAOMS_CLI_USAGE_NMETRICS; m++) {
            if (m == ELAAOMS_CLI_USAGE_COST) {
                /* the worker adds costs with 6 decimals: no more shown */
                n = snprintf(num, sizeof(num), "%.6f", rec->v[m]);
                elaaoms_cli_key(cli->g, elaaoms_cli_usage_metrics[m]);
                yajl_gen_number(cli->g, num, (size_t) n);
            } else {
                elaaoms_cli_int(cli->g, elaaoms_cli_usage_metrics[m],
                                (long long) rec->v[m]);
            }
        }
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
    }

    freeReplyObject(r);

    return ELAAOMS_CLI_OK;
}


/* usage: tokens and cost by org, day, provider and model */
static int
elaaoms_cli_usage(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   rv, first;
    elaaoms_cli_usage_t   u;
    static const struct option  opts[] = {
        { "all-orgs", no_argument, NULL, 'a' },
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 }
    };

    memset(&u, 0, sizeof(u));

    rv = elaaoms_cli_args(cli, ELAAOMS_CLI_USAGE_CMD, argc, argv, opts,
                          elaaoms_cli_usage_opt, &u, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    rv = elaaoms_cli_each_org(cli, u.all, elaaoms_cli_usage_org, &u);

    free(u.recs);

    return rv;
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

    { "audit tail", "[--count N] [--since DATE]",
      "the newest entries of the audit of shared memories",
      "The organization's audit stream: one entry each time nginx served\n"
      "memories of a caller noted by other agents (client-data, search).\n"
      "\n"
      "Options:\n"
      "  --count N      the newest N entries (default 20)\n"
      "  --since DATE   only entries from DATE (2026-12-04,\n"
      "                 2026-12-04T10:00:00Z or unix seconds)\n"
      "\n"
      "One record per entry, the newest last: id (the stream id, its time\n"
      "in milliseconds first) and the entry's fields: org, caller,\n"
      "agent_id, memory_ids, time, request_id, via, client, auth.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme audit tail --count 5\n",
      elaaoms_cli_audit_tail, ELAAOMS_CLI_REDIS },

    { "usage", "[--since DATE] [--until DATE] [--all-orgs]",
      "tokens and cost by org, day, provider and model",
      "What the worker recorded as it completed each job (days in UTC).\n"
      "\n"
      "Options:\n"
      "  --since DATE   from that day on (2026-12-04 or unix seconds)\n"
      "  --until DATE   up to that day, included\n"
      "  --all-orgs     every organization that has had jobs\n"
      "\n"
      "One record per org, day, provider and model: extractions, input_tokens\n"
      "and output_tokens of the LLM, embed_tokens of the embeddings model\n"
      "(provider openai), cost in the currency of the configured prices.\n"
      "Provider \"offline\" is the built-in extractor (no tokens, no cost),\n"
      "\"none\" a call with nothing to extract (anonymous, no words).\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme usage --since 2026-12-01\n",
      elaaoms_cli_usage, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
