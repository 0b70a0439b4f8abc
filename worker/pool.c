/*
 * Job threads (see pool.h).
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "store/redis_keys.h"
#include "store/worker_metrics.h"
#include "intake/intake.h"
#include "pool.h"
#include "queue.h"
#include "worker_io.h"
#include "worker_log.h"


typedef struct {
    elaaoms_pool_t         *pool;
    pthread_t               tid;
    int                     index;
    int                     started;
    int                     done;        /* the thread has returned */
    int                     busy;        /* job holds an in-flight job */
    elaaoms_queued_job_t    job;
} elaaoms_slot_t;

struct elaaoms_pool_s {
    const elaaoms_worker_config_t  *cf;
    elaaoms_processor_t            *processor;
    volatile int                    stop;
    pthread_mutex_t                 lock;
    int                             n;
    elaaoms_slot_t                 *slots;
};


static double
elaaoms_now(void)
{
    struct timeval  tv;

    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}


/* the delay before attempt n+1 (n = attempts already made, from 1) */
static double
elaaoms_retry_delay(const elaaoms_worker_config_t *cf, unsigned attempt)
{
    return cf->retry_delays[attempt - 1] * cf->time_scale;
}


/* an extraction's end that is not a success, for /metrics */
static void
elaaoms_pool_count(elaaoms_pool_t *pool, elaaoms_redis_t *rc,
    const elaaoms_job_t *job, const char *outcome)
{
    int          k;
    redisReply  *r;
    const char  *labels[] = {
        "outcome", outcome,
        "provider", elaaoms_worker_config_provider(pool->cf, job->org),
        NULL
    };

    k = elaaoms_metrics_meta(rc);
    k += elaaoms_metrics_add(rc, "elaaoms_extractions_total", labels, 1);

    while (k-- > 0) {
        if (elaaoms_redis_get_reply(rc, (void **) &r) != REDIS_OK) {
            return;
        }
        freeReplyObject(r);
    }
}


static void
elaaoms_pool_settle(elaaoms_pool_t *pool, elaaoms_redis_t *rc,
    elaaoms_queued_job_t *qj, elaaoms_job_t *job, elaaoms_job_result_e res,
    const char *err)
{
    char        *next, conv_key[ELAAOMS_KEY_MAX];
    size_t       next_len;
    unsigned     made;
    const char  *wid = pool->cf->worker_id;

    if (res == ELAAOMS_JOB_DONE) {
        if (elaaoms_queue_ack(rc, wid, qj) != 0) {
            elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id,
                        "could not acknowledge the job of %s",
                        job->conversation_id);
        }
        return;
    }

    (void) elaaoms_key_conversation(conv_key, sizeof(conv_key), job->org,
                                    job->conversation_id);

    made = job->attempt + 1;

    if (res == ELAAOMS_JOB_RETRY && made <= ELAAOMS_WORKER_MAX_RETRIES) {
        job->attempt = made;

        if (elaaoms_job_encode(job, &next, &next_len) == 0) {
            double  delay = elaaoms_retry_delay(pool->cf, made);

            elaaoms_log(ELAAOMS_LOG_WARN, job->request_id,
                        "extraction of %s failed (attempt %u): %s; retry in "
                        "%.1f s", job->conversation_id, made, err, delay);

            if (elaaoms_queue_retry_later(rc, wid, qj, next,
                                          elaaoms_now() + delay) != 0)
            {
                elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id,
                            "could not schedule the retry of %s",
                            job->conversation_id);
            }

            elaaoms_pool_count(pool, rc, job, "retry");

            free(next);
            return;
        }
    }

    elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id,
                "extraction of %s failed for good after %u attempt(s): %s; "
                "transcript kept", job->conversation_id, made, err);

    if (elaaoms_queue_fail(rc, wid, qj, conv_key, err) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, job->request_id,
                    "could not mark %s extraction_failed",
                    job->conversation_id);
    }

    elaaoms_pool_count(pool, rc, job, "failed");
}


/* nothing can ever run it: kept in the invalid list for inspection */
static void
elaaoms_pool_invalid(elaaoms_pool_t *pool, elaaoms_redis_t *rc,
    elaaoms_queued_job_t *qj, const char *request_id, const char *why)
{
    elaaoms_log(ELAAOMS_LOG_ERROR, request_id, "invalid job in %s: %s",
                qj->org, why);

    if (elaaoms_queue_invalid(rc, pool->cf->worker_id, qj) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, request_id, "could not move the "
                    "invalid job of %s to its invalid list", qj->org);
    }
}


static void
elaaoms_pool_run_one(elaaoms_pool_t *pool, elaaoms_redis_t *rc,
    elaaoms_queued_job_t *qj)
{
    char                   err[512], sub[512], name[512];
    elaaoms_job_t          job;
    elaaoms_job_result_e   res;

    if (elaaoms_job_decode(qj->text, qj->len, &job, err, sizeof(err)) != 0) {
        elaaoms_pool_invalid(pool, rc, qj, NULL, err);
        return;
    }

    /* a forged job must not make the worker read another file */
    if (strcmp(job.org, qj->org) != 0) {
        elaaoms_pool_invalid(pool, rc, qj, job.request_id,
                             "org differs from its queue's");
        elaaoms_job_free(&job);
        return;
    }

    if (elaaoms_payload_path_check(pool->cf->payload_dir, job.org, job.type,
                                   job.conversation_id, job.payload_path,
                                   sub, sizeof(sub), name, sizeof(name))
        != 0)
    {
        elaaoms_pool_invalid(pool, rc, qj, job.request_id,
                             "payload_path is not the job's payload under "
                             "payload_dir");
        elaaoms_job_free(&job);
        return;
    }

    err[0] = '\0';
    res = elaaoms_process_job(pool->processor, rc, &job, err, sizeof(err));

    elaaoms_pool_settle(pool, rc, qj, &job, res, err);

    elaaoms_job_free(&job);
}


static void *
elaaoms_pool_thread(void *arg)
{
    int               n;
    unsigned          rotor;
    elaaoms_redis_t  *rc;
    elaaoms_slot_t   *slot = arg;
    elaaoms_pool_t   *pool = slot->pool;

    elaaoms_queued_job_t  qj;

    rc = NULL;
    rotor = (unsigned) slot->index;

    while (!pool->stop) {

        if (rc == NULL) {
            rc = elaaoms_worker_redis_connect(pool->cf, 5);
            if (rc == NULL) {
                sleep(1);
                continue;
            }
        }

        memset(&qj, 0, sizeof(qj));

        n = elaaoms_queue_take(rc, pool->cf->worker_id, &rotor, &qj);

        if (n < 0) {
            elaaoms_redis_free(rc);
            rc = NULL;
            sleep(1);
            continue;
        }

        if (n == 0) {
            usleep(100 * 1000);
            continue;
        }

        pthread_mutex_lock(&pool->lock);
        slot->job = qj;
        slot->busy = 1;
        pthread_mutex_unlock(&pool->lock);

        elaaoms_pool_run_one(pool, rc, &qj);

        pthread_mutex_lock(&pool->lock);
        slot->busy = 0;
        memset(&slot->job, 0, sizeof(slot->job));
        pthread_mutex_unlock(&pool->lock);

        elaaoms_queued_job_free(&qj);

        /* a connection broken mid-job is replaced before the next one */
        if (elaaoms_redis_err(rc)) {
            elaaoms_redis_free(rc);
            rc = NULL;
        }
    }

    if (rc) {
        elaaoms_redis_free(rc);
    }

    pthread_mutex_lock(&pool->lock);
    slot->done = 1;
    pthread_mutex_unlock(&pool->lock);

    return NULL;
}


elaaoms_pool_t *
elaaoms_pool_start(const elaaoms_worker_config_t *cf,
    elaaoms_processor_t *processor)
{
    int              i;
    elaaoms_pool_t  *pool;

    pool = calloc(1, sizeof(elaaoms_pool_t));
    if (pool == NULL) {
        return NULL;
    }

    pool->cf = cf;
    pool->processor = processor;
    pool->n = cf->concurrency > 0 ? cf->concurrency : 1;
    pthread_mutex_init(&pool->lock, NULL);

    pool->slots = calloc(pool->n, sizeof(elaaoms_slot_t));
    if (pool->slots == NULL) {
        free(pool);
        return NULL;
    }

    for (i = 0; i < pool->n; i++) {
        pool->slots[i].pool = pool;
        pool->slots[i].index = i;

        if (pthread_create(&pool->slots[i].tid, NULL, elaaoms_pool_thread,
                           &pool->slots[i]) != 0)
        {
            elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "pthread_create: %s",
                        strerror(errno));
            continue;
        }

        pool->slots[i].started = 1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "%d job thread(s) running", pool->n);

    return pool;
}


int
elaaoms_pool_holds(void *data, const elaaoms_queued_job_t *job)
{
    int              i, held;
    elaaoms_slot_t  *slot;
    elaaoms_pool_t  *pool = data;

    held = 0;

    pthread_mutex_lock(&pool->lock);

    for (i = 0; i < pool->n && !held; i++) {
        slot = &pool->slots[i];
        held = slot->busy && slot->job.len == job->len
               && strcmp(slot->job.org, job->org) == 0
               && memcmp(slot->job.text, job->text, job->len) == 0;
    }

    pthread_mutex_unlock(&pool->lock);

    return held;
}


void
elaaoms_pool_stop(elaaoms_pool_t *pool, int drain_secs)
{
    int               i, running, requeued;
    double            deadline;
    elaaoms_redis_t  *rc;
    elaaoms_slot_t   *slot;

    pool->stop = 1;
    deadline = elaaoms_now() + drain_secs;

    for ( ;; ) {
        running = 0;

        pthread_mutex_lock(&pool->lock);
        for (i = 0; i < pool->n; i++) {
            if (pool->slots[i].started && !pool->slots[i].done) {
                running++;
            }
        }
        pthread_mutex_unlock(&pool->lock);

        if (running == 0 || elaaoms_now() >= deadline) {
            break;
        }

        usleep(50 * 1000);
    }

    if (running == 0) {
        for (i = 0; i < pool->n; i++) {
            if (pool->slots[i].started) {
                pthread_join(pool->slots[i].tid, NULL);
            }
        }

        pthread_mutex_destroy(&pool->lock);
        free(pool->slots);
        free(pool);
        return;
    }

    /* jobs still running go back to their queues for another worker */
    rc = elaaoms_worker_redis_connect(pool->cf, 5);
    requeued = 0;

    pthread_mutex_lock(&pool->lock);

    for (i = 0; i < pool->n; i++) {
        slot = &pool->slots[i];

        if (slot->busy && rc
            && elaaoms_queue_requeue(rc, pool->cf->worker_id, &slot->job) == 0)
        {
            requeued++;
        }
    }

    pthread_mutex_unlock(&pool->lock);

    if (rc) {
        elaaoms_redis_free(rc);
    }

    elaaoms_log(ELAAOMS_LOG_WARN, NULL, "stopped with %d job(s) still "
                "running; %d put back on their queues", running, requeued);

    /* the threads are left to the process exit that follows */
}
