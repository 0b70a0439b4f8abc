/*
 * Job movement between Redis lists (see queue.h).  Every move that must
 * not be split is one command (LMOVE) or one Lua script.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake/intake.h"
#include "queue.h"
#include "worker_log.h"




static const char  elaaoms_queue_retry_script[] =
    "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end\n"
    "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])\n"
    "return 1\n";

static const char  elaaoms_queue_fail_script[] =
    "redis.call('LREM', KEYS[1], 1, ARGV[1])\n"
    "redis.call('RPUSH', KEYS[2], ARGV[1])\n"
    "redis.call('HSET', KEYS[3], 'status', 'extraction_failed',\n"
    "           'error', ARGV[2], 'failed_at', ARGV[3])\n"
    "return 1\n";

/* also moves invalid jobs: KEYS[2] is then the invalid list */
static const char  elaaoms_queue_requeue_script[] =
    "if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end\n"
    "redis.call('RPUSH', KEYS[2], ARGV[1])\n"
    "return 1\n";

/* a delayed retry due now, whatever its time */
static const char  elaaoms_queue_undelay_script[] =
    "if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
    "redis.call('RPUSH', KEYS[2], ARGV[1])\n"
    "return 1\n";

/*
 * take: the oldest ready job to the worker's processing list, and the
 * worker to the org's set of workers with such a list (recovery reads it,
 * no SCAN); KEYS: ready, processing, workers set; ARGV: the worker id
 */
static const char  elaaoms_queue_take_script[] =
    "local job = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')\n"
    "if job then redis.call('SADD', KEYS[3], ARGV[1]) end\n"
    "return job\n";

/* a dead worker's empty processing list leaves the set; KEYS: processing,
 * workers set; ARGV: the worker id */
static const char  elaaoms_queue_forget_worker_script[] =
    "if redis.call('LLEN', KEYS[1]) > 0 then return 0 end\n"
    "return redis.call('SREM', KEYS[2], ARGV[1])\n";

static const char  elaaoms_queue_promote_script[] =
    "local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1],\n"
    "                       'LIMIT', 0, 100)\n"
    "for _, job in ipairs(due) do\n"
    "  if redis.call('ZREM', KEYS[1], job) == 1 then\n"
    "    redis.call('RPUSH', KEYS[2], job)\n"
    "  end\n"
    "end\n"
    "return #due\n";


/* "elaaoms:<org>:jobs:<list>[:<worker>]" into an ELAAOMS_KEY_MAX buffer */
static int
elaaoms_queue_list(char *buf, const char *org, const char *list,
    const char *worker_id)
{
    return elaaoms_key_jobs(buf, ELAAOMS_KEY_MAX, org, list, worker_id) < 0
           ? -1 : 0;
}


/* the organizations that ever had a job: the queues to look at */
static int
elaaoms_queue_orgs(elaaoms_redis_t *rc, redisReply **orgs)
{
    *orgs = elaaoms_redis_command(rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);

    if (*orgs == NULL) {
        return -1;
    }

    if ((*orgs)->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(*orgs);
        *orgs = NULL;
        return -1;
    }

    return 0;
}


int
elaaoms_queue_take(elaaoms_redis_t *rc, const char *worker_id, unsigned *rotor,
    elaaoms_queued_job_t *job)
{
    size_t       i, n;
    char         ready[ELAAOMS_KEY_MAX], processing[ELAAOMS_KEY_MAX];
    char         workers[ELAAOMS_KEY_MAX];
    const char  *org;
    redisReply  *orgs, *r;

    if (elaaoms_queue_orgs(rc, &orgs) != 0) {
        return -1;
    }

    n = orgs->elements;

    /* a rotating start keeps one busy organization from starving others */
    for (i = 0; i < n; i++) {
        org = orgs->element[(*rotor + i) % n]->str;

        if (strlen(org) >= sizeof(job->org)
            || elaaoms_queue_list(ready, org, ELAAOMS_JOBS_READY, NULL) != 0
            || elaaoms_queue_list(processing, org, ELAAOMS_JOBS_PROCESSING,
                                  worker_id) != 0
            || elaaoms_queue_list(workers, org, ELAAOMS_JOBS_WORKERS, NULL)
               != 0)
        {
            continue;
        }

        r = elaaoms_redis_command(rc, "EVAL %s 3 %s %s %s %s",
                                  elaaoms_queue_take_script, ready, processing,
                                  workers, worker_id);
        if (r == NULL) {
            freeReplyObject(orgs);
            return -1;
        }

        if (r->type == REDIS_REPLY_STRING) {
            job->text = malloc(r->len + 1);
            if (job->text == NULL) {
                freeReplyObject(r);
                freeReplyObject(orgs);
                return -1;
            }

            memcpy(job->text, r->str, r->len);
            job->text[r->len] = '\0';
            job->len = r->len;
            snprintf(job->org, sizeof(job->org), "%s", org);

            *rotor = (unsigned) ((*rotor + i + 1) % n);

            freeReplyObject(r);
            freeReplyObject(orgs);
            return 1;
        }

        freeReplyObject(r);
    }

    freeReplyObject(orgs);
    return 0;
}


/* runs a script over two or three keys; the integer it returns, or -1 */
static long long
elaaoms_queue_eval(elaaoms_redis_t *rc, const char *script, int nkeys,
    const char **keys, int nargs, const char **args, const size_t *arglens)
{
    int          i, argc;
    long long    v;
    redisReply  *r;
    const char  *argv[10];
    size_t       argvlen[10];
    char         numkeys[8];

    snprintf(numkeys, sizeof(numkeys), "%d", nkeys);

    argc = 0;
    argv[argc] = "EVAL";
    argvlen[argc++] = 4;
    argv[argc] = script;
    argvlen[argc++] = strlen(script);
    argv[argc] = numkeys;
    argvlen[argc++] = strlen(numkeys);

    for (i = 0; i < nkeys; i++) {
        argv[argc] = keys[i];
        argvlen[argc++] = strlen(keys[i]);
    }

    for (i = 0; i < nargs; i++) {
        argv[argc] = args[i];
        argvlen[argc++] = arglens ? arglens[i] : strlen(args[i]);
    }

    r = elaaoms_redis_command_argv(rc, argc, argv, argvlen);
    if (r == NULL) {
        return -1;
    }

    if (r->type != REDIS_REPLY_INTEGER) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "queue script failed: %s",
                    r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        freeReplyObject(r);
        return -1;
    }

    v = r->integer;
    freeReplyObject(r);

    return v;
}


int
elaaoms_queue_ack(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job)
{
    int          ok;
    char         processing[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_queue_list(processing, job->org, ELAAOMS_JOBS_PROCESSING,
                           worker_id) != 0)
    {
        return -1;
    }

    r = elaaoms_redis_command(rc, "LREM %s 1 %b", processing, job->text,
                              job->len);
    if (r == NULL) {
        return -1;
    }

    ok = (r->type == REDIS_REPLY_INTEGER);
    freeReplyObject(r);

    return ok ? 0 : -1;
}


int
elaaoms_queue_retry_later(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job, const char *next_text, double due_time)
{
    char         processing[ELAAOMS_KEY_MAX], delayed[ELAAOMS_KEY_MAX];
    char         due[32];
    const char  *keys[2], *args[3];
    size_t       lens[3];

    if (elaaoms_queue_list(processing, job->org, ELAAOMS_JOBS_PROCESSING,
                           worker_id) != 0
        || elaaoms_queue_list(delayed, job->org, ELAAOMS_JOBS_DELAYED,
                              NULL) != 0)
    {
        return -1;
    }

    snprintf(due, sizeof(due), "%.3f", due_time);

    keys[0] = processing;
    keys[1] = delayed;
    args[0] = job->text;
    lens[0] = job->len;
    args[1] = next_text;
    lens[1] = strlen(next_text);
    args[2] = due;
    lens[2] = strlen(due);

    return elaaoms_queue_eval(rc, elaaoms_queue_retry_script, 2, keys, 3,
                              args, lens) < 0 ? -1 : 0;
}


int
elaaoms_queue_fail(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job, const char *conversation_key,
    const char *reason)
{
    char         processing[ELAAOMS_KEY_MAX], failed[ELAAOMS_KEY_MAX];
    char         now[32];
    const char  *keys[3], *args[3];
    size_t       lens[3];

    if (elaaoms_queue_list(processing, job->org, ELAAOMS_JOBS_PROCESSING,
                           worker_id) != 0
        || elaaoms_queue_list(failed, job->org, ELAAOMS_JOBS_FAILED, NULL) != 0)
    {
        return -1;
    }

    snprintf(now, sizeof(now), "%ld", (long) time(NULL));

    keys[0] = processing;
    keys[1] = failed;
    keys[2] = conversation_key;
    args[0] = job->text;
    lens[0] = job->len;
    args[1] = reason;
    lens[1] = strlen(reason);
    args[2] = now;
    lens[2] = strlen(now);

    return elaaoms_queue_eval(rc, elaaoms_queue_fail_script, 3, keys, 3,
                              args, lens) < 0 ? -1 : 0;
}


int
elaaoms_queue_invalid(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job)
{
    char         processing[ELAAOMS_KEY_MAX], invalid[ELAAOMS_KEY_MAX];
    const char  *keys[2], *args[1];
    size_t       lens[1];

    if (elaaoms_queue_list(processing, job->org, ELAAOMS_JOBS_PROCESSING,
                           worker_id) != 0
        || elaaoms_queue_list(invalid, job->org, ELAAOMS_JOBS_INVALID,
                              NULL) != 0)
    {
        return -1;
    }

    keys[0] = processing;
    keys[1] = invalid;
    args[0] = job->text;
    lens[0] = job->len;

    return elaaoms_queue_eval(rc, elaaoms_queue_requeue_script, 2, keys, 1,
                              args, lens) < 0 ? -1 : 0;
}


int
elaaoms_queue_requeue(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job)
{
    char         processing[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX];
    const char  *keys[2], *args[1];
    size_t       lens[1];

    if (elaaoms_queue_list(processing, job->org, ELAAOMS_JOBS_PROCESSING,
                           worker_id) != 0
        || elaaoms_queue_list(ready, job->org, ELAAOMS_JOBS_READY, NULL) != 0)
    {
        return -1;
    }

    keys[0] = processing;
    keys[1] = ready;
    args[0] = job->text;
    lens[0] = job->len;

    return elaaoms_queue_eval(rc, elaaoms_queue_requeue_script, 2, keys, 1,
                              args, lens) < 0 ? -1 : 0;
}


int
elaaoms_queue_requeue_from(elaaoms_redis_t *rc, const char *org,
    const char *list, const char *text, size_t len)
{
    char         from[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX];
    const char  *keys[2], *args[1];
    size_t       lens[1];

    if (elaaoms_queue_list(from, org, list, NULL) != 0
        || elaaoms_queue_list(ready, org, ELAAOMS_JOBS_READY, NULL) != 0)
    {
        return -1;
    }

    keys[0] = from;
    keys[1] = ready;
    args[0] = text;
    lens[0] = len;

    return (int) elaaoms_queue_eval(rc,
                     strcmp(list, ELAAOMS_JOBS_DELAYED) == 0
                     ? elaaoms_queue_undelay_script
                     : elaaoms_queue_requeue_script,
                     2, keys, 1, args, lens);
}


int
elaaoms_queue_promote_due(elaaoms_redis_t *rc, double now)
{
    int          moved;
    size_t       i;
    long long    n;
    char         delayed[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX], due[32];
    redisReply  *orgs;
    const char  *keys[2], *args[1];

    if (elaaoms_queue_orgs(rc, &orgs) != 0) {
        return -1;
    }

    snprintf(due, sizeof(due), "%.3f", now);
    moved = 0;

    for (i = 0; i < orgs->elements; i++) {
        if (elaaoms_queue_list(delayed, orgs->element[i]->str,
                               ELAAOMS_JOBS_DELAYED, NULL) != 0
            || elaaoms_queue_list(ready, orgs->element[i]->str,
                                  ELAAOMS_JOBS_READY, NULL) != 0)
        {
            continue;
        }

        keys[0] = delayed;
        keys[1] = ready;
        args[0] = due;

        n = elaaoms_queue_eval(rc, elaaoms_queue_promote_script, 2, keys, 1,
                               args, NULL);
        if (n < 0) {
            freeReplyObject(orgs);
            return -1;
        }

        moved += (int) n;
    }

    freeReplyObject(orgs);
    return moved;
}


int
elaaoms_queue_beat(elaaoms_redis_t *rc, const char *worker_id, long now)
{
    int          ok;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "HSET %s %s %ld", ELAAOMS_KEY_WORKERS,
                              worker_id, now);
    if (r == NULL) {
        return -1;
    }

    ok = (r->type == REDIS_REPLY_INTEGER);
    freeReplyObject(r);

    return ok ? 0 : -1;
}


/* a worker id is "<host>:<pid>"; one of ours whose pid is gone is dead */
static int
elaaoms_queue_local_dead(const char *worker_id)
{
    long         pid;
    char         host[256], *colon, *end;

    colon = strrchr(worker_id, ':');
    if (colon == NULL || gethostname(host, sizeof(host)) != 0) {
        return 0;
    }

    host[sizeof(host) - 1] = '\0';

    if ((size_t) (colon - worker_id) != strlen(host)
        || strncmp(worker_id, host, colon - worker_id) != 0)
    {
        return 0;
    }

    pid = strtol(colon + 1, &end, 10);
    if (*end != '\0' || pid <= 0) {
        return 0;
    }

    return kill((pid_t) pid, 0) != 0 && errno == ESRCH;
}


static int
elaaoms_queue_is_dead(elaaoms_redis_t *rc, const char *worker_id, long now,
    long dead_secs)
{
    int          dead;
    redisReply  *r;

    if (elaaoms_queue_local_dead(worker_id)) {
        return 1;
    }

    r = elaaoms_redis_command(rc, "HGET %s %s", ELAAOMS_KEY_WORKERS, worker_id);
    if (r == NULL) {
        return -1;
    }

    /* no beat at all: its registration is gone, so is it */
    dead = (r->type != REDIS_REPLY_STRING
            || now - strtol(r->str, NULL, 10) > dead_secs);

    freeReplyObject(r);
    return dead;
}


static int
elaaoms_queue_recover_list(elaaoms_redis_t *rc, const char *processing,
    const char *ready)
{
    int          n;
    redisReply  *r;

    for (n = 0; /* void */; n++) {
        /* to the right end: the recovered jobs run next */
        r = elaaoms_redis_command(rc, "LMOVE %s %s RIGHT RIGHT", processing,
                                  ready);
        if (r == NULL) {
            return -1;
        }

        if (r->type != REDIS_REPLY_STRING) {
            freeReplyObject(r);
            return n;
        }

        freeReplyObject(r);
    }
}


/*
 * The jobs of org's dead workers back to its ready list; the count, or -1.
 * The org's set of workers names the processing lists (no SCAN): a dead
 * worker's list emptied, it leaves the set.
 */
static int
elaaoms_queue_recover_org(elaaoms_redis_t *rc, const char *org,
    const char *worker_id, long now, long dead_secs)
{
    int          total, n, dead;
    size_t       j;
    char         ready[ELAAOMS_KEY_MAX], workers[ELAAOMS_KEY_MAX];
    char         processing[ELAAOMS_KEY_MAX];
    const char  *owner, *keys[2], *args[1];
    size_t       lens[1];
    redisReply  *set;

    if (elaaoms_queue_list(ready, org, ELAAOMS_JOBS_READY, NULL) != 0
        || elaaoms_queue_list(workers, org, ELAAOMS_JOBS_WORKERS, NULL) != 0)
    {
        return 0;
    }

    set = elaaoms_redis_command(rc, "SMEMBERS %s", workers);
    if (set == NULL || set->type != REDIS_REPLY_ARRAY) {
        if (set) {
            freeReplyObject(set);
        }
        return -1;
    }

    total = 0;

    for (j = 0; j < set->elements; j++) {
        owner = set->element[j]->str;

        if (set->element[j]->type != REDIS_REPLY_STRING
            || strcmp(owner, worker_id) == 0
            || elaaoms_queue_list(processing, org, ELAAOMS_JOBS_PROCESSING,
                                  owner) != 0)
        {
            continue;
        }

        dead = elaaoms_queue_is_dead(rc, owner, now, dead_secs);
        if (dead <= 0) {
            continue;
        }

        n = elaaoms_queue_recover_list(rc, processing, ready);
        if (n > 0) {
            elaaoms_log(ELAAOMS_LOG_WARN, NULL, "recovered %d job(s) "
                        "of dead worker %s in %s", n, owner, org);
            total += n;
        }

        keys[0] = processing;
        keys[1] = workers;
        args[0] = owner;
        lens[0] = strlen(owner);
        (void) elaaoms_queue_eval(rc, elaaoms_queue_forget_worker_script, 2,
                                  keys, 1, args, lens);

        freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %s",
                                              ELAAOMS_KEY_WORKERS,
                                              owner));
    }

    freeReplyObject(set);
    return total;
}


int
elaaoms_queue_recover(elaaoms_redis_t *rc, const char *worker_id, long now,
    long dead_secs)
{
    int          total, n;
    size_t       i;
    redisReply  *orgs;

    if (elaaoms_queue_orgs(rc, &orgs) != 0) {
        return -1;
    }

    total = 0;

    for (i = 0; i < orgs->elements; i++) {
        n = elaaoms_queue_recover_org(rc, orgs->element[i]->str, worker_id,
                                      now, dead_secs);
        if (n < 0) {
            freeReplyObject(orgs);
            return -1;
        }
        total += n;
    }

    freeReplyObject(orgs);
    return total;
}


void
elaaoms_queued_job_free(elaaoms_queued_job_t *job)
{
    free(job->text);
    job->text = NULL;
    job->len = 0;
}


/* "<org>\n<text>" */
static char *
elaaoms_queue_seen_key(const char *org, const char *text, size_t len)
{
    char    *k;
    size_t   olen = strlen(org);

    k = malloc(olen + 1 + len + 1);
    if (k == NULL) {
        return NULL;
    }

    memcpy(k, org, olen);
    k[olen] = '\n';
    memcpy(k + olen + 1, text, len);
    k[olen + 1 + len] = '\0';

    return k;
}


static int
elaaoms_queue_seen_has(const elaaoms_queue_seen_t *seen, const char *key)
{
    size_t  i;

    for (i = 0; i < seen->n; i++) {
        if (strcmp(seen->items[i], key) == 0) {
            return 1;
        }
    }

    return 0;
}


void
elaaoms_queue_reclaim_free(elaaoms_queue_seen_t *seen)
{
    size_t  i;

    for (i = 0; i < seen->n; i++) {
        free(seen->items[i]);
    }

    free(seen->items);
    seen->items = NULL;
    seen->n = 0;
}


int
elaaoms_queue_reclaim(elaaoms_redis_t *rc, const char *worker_id,
    int (*held)(void *data, const elaaoms_queued_job_t *job), void *data,
    elaaoms_queue_seen_t *seen)
{
    int                    requeued, rv;
    char                  *key, **grown;
    size_t                 i, j;
    redisReply            *orgs, *list;
    elaaoms_queued_job_t   job;
    elaaoms_queue_seen_t   now = { NULL, 0 };
    char                   processing[ELAAOMS_KEY_MAX];

    if (elaaoms_queue_orgs(rc, &orgs) != 0) {
        return -1;
    }

    requeued = 0;
    rv = 0;

    for (i = 0; i < orgs->elements && rv == 0; i++) {
        if (orgs->element[i]->type != REDIS_REPLY_STRING
            || elaaoms_queue_list(processing, orgs->element[i]->str,
                                  ELAAOMS_JOBS_PROCESSING, worker_id) != 0)
        {
            continue;
        }

        list = elaaoms_redis_command(rc, "LRANGE %s 0 -1", processing);
        if (list == NULL || list->type != REDIS_REPLY_ARRAY) {
            if (list) {
                freeReplyObject(list);
            }
            rv = -1;
            break;
        }

        for (j = 0; j < list->elements; j++) {
            if (list->element[j]->type != REDIS_REPLY_STRING) {
                continue;
            }

            snprintf(job.org, sizeof(job.org), "%s", orgs->element[i]->str);
            job.text = list->element[j]->str;
            job.len = list->element[j]->len;

            if (held(data, &job)) {
                continue;
            }

            key = elaaoms_queue_seen_key(job.org, job.text, job.len);
            if (key == NULL) {
                continue;
            }

            if (elaaoms_queue_seen_has(seen, key)) {
                /* not held twice in a row: nobody will settle it */
                if (elaaoms_queue_requeue(rc, worker_id, &job) != 0) {
                    free(key);
                    rv = -1;
                    break;
                }
                requeued++;
                free(key);
                continue;
            }

            grown = realloc(now.items, (now.n + 1) * sizeof(char *));
            if (grown == NULL) {
                free(key);
                continue;
            }
            now.items = grown;
            now.items[now.n++] = key;
        }

        freeReplyObject(list);
    }

    freeReplyObject(orgs);

    elaaoms_queue_reclaim_free(seen);
    *seen = now;

    return rv < 0 ? -1 : requeued;
}
