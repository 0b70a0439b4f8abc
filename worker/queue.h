/*
 * The job queue in Redis, as the worker sees it.
 *
 *   elaaoms:orgs                                set of organizations with jobs
 *   elaaoms:{<org>}:jobs:ready                  list; nginx LPUSHes, workers
 *                                               take from the right
 *   elaaoms:{<org>}:jobs:processing:<worker_id> list; a job is moved here
 *                                               atomically (a script: LMOVE
 *                                               and the SADD below) while it
 *                                               runs, so a killed worker
 *                                               loses nothing
 *   elaaoms:{<org>}:jobs:workers                set; the workers that took a
 *                                               job of the org: recovery
 *                                               looks at their lists only
 *   elaaoms:{<org>}:jobs:delayed                zset; retries, score = due time
 *   elaaoms:{<org>}:jobs:failed                 list; jobs out of retries
 *   elaaoms:{<org>}:jobs:invalid                list; jobs nothing can ever
 *                                               run (kept for inspection,
 *                                               never requeued)
 *   elaaoms:workers                             hash worker_id -> last beat
 *
 * An org's lists share the tag {<org>}: every script and LMOVE between
 * them is in one Redis Cluster slot.
 *
 * Every function takes the calling thread's own connection.
 */

#ifndef ELAAOMS_WORKER_QUEUE_H
#define ELAAOMS_WORKER_QUEUE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"


typedef struct {
    char    org[65];
    char   *text;        /* the job JSON as queued; malloc()ed */
    size_t  len;
} elaaoms_queued_job_t;

/*
 * Moves the next ready job of any organization into this worker's
 * processing list.  1 with *job filled, 0 when every queue is empty,
 * -1 on a Redis error.
 */
int elaaoms_queue_take(elaaoms_redis_t *rc, const char *worker_id,
    unsigned *rotor, elaaoms_queued_job_t *job);

/* the job is done: drop it from the processing list */
int elaaoms_queue_ack(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job);

/* replaces the job with next_text, due at due_time, atomically */
int elaaoms_queue_retry_later(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job, const char *next_text, double due_time);

/*
 * Out of retries: the job goes to the failed list and its conversation is
 * marked extraction_failed with the reason (the payload stays on disk).
 */
int elaaoms_queue_fail(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job, const char *conversation_key,
    const char *reason);

/* an invalid job leaves the processing list for the invalid list */
int elaaoms_queue_invalid(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job);

/* puts an in-flight job back at the head of its ready queue */
int elaaoms_queue_requeue(elaaoms_redis_t *rc, const char *worker_id,
    const elaaoms_queued_job_t *job);

/*
 * An operator's requeue: the job whose exact text is given leaves the
 * org's list (failed, invalid) or the delayed zset for the head of its
 * ready queue (it runs next), in one script: never lost, never twice.
 * 1 moved, 0 not there (any more), -1 on a Redis error.
 */
int elaaoms_queue_requeue_from(elaaoms_redis_t *rc, const char *org,
    const char *list, const char *text, size_t len);

/* moves due retries back to their ready queues; the number moved or -1 */
int elaaoms_queue_promote_due(elaaoms_redis_t *rc, double now);

/* records this worker's heartbeat in the registry */
int elaaoms_queue_beat(elaaoms_redis_t *rc, const char *worker_id, long now);

/*
 * Recovers the processing lists of workers that are gone: their beat is
 * older than dead_secs, or they ran on this host under a pid that no
 * longer exists.  Returns the number of jobs put back, or -1.
 */
int elaaoms_queue_recover(elaaoms_redis_t *rc, const char *worker_id,
    long now, long dead_secs);

/*
 * This worker's own processing lists hold a job none of its threads runs
 * when Redis did not take a job's settlement (it went away mid-job): the
 * worker is alive, so elaaoms_queue_recover() never visits it.  held()
 * tells whether a thread runs a job; a job seen not held in two passes in
 * a row (a thread may have moved it there a moment before it marks it
 * held) goes back to the head of its ready queue: a replay is harmless,
 * a completed conversation is skipped.  seen keeps the previous pass's
 * (elaaoms_queue_reclaim_free() at the end).  The number requeued or -1.
 */
typedef struct {
    char   **items;          /* "<org>\n<job text>", malloc()ed */
    size_t   n;
} elaaoms_queue_seen_t;

int elaaoms_queue_reclaim(elaaoms_redis_t *rc, const char *worker_id,
    int (*held)(void *data, const elaaoms_queued_job_t *job), void *data,
    elaaoms_queue_seen_t *seen);

void elaaoms_queue_reclaim_free(elaaoms_queue_seen_t *seen);

void elaaoms_queued_job_free(elaaoms_queued_job_t *job);

#endif /* ELAAOMS_WORKER_QUEUE_H */
