/*
 * The worker's job threads: each has its own Redis connection, takes jobs
 * with an atomic move into this worker's processing list, runs them, and
 * acknowledges, delays (retry after 1, 5, 30 minutes, scaled by
 * time_scale) or fails them.
 */

#ifndef ELAAOMS_WORKER_POOL_H
#define ELAAOMS_WORKER_POOL_H

#include "process.h"
#include "queue.h"
#include "worker_config.h"

typedef struct elaaoms_pool_s  elaaoms_pool_t;

elaaoms_pool_t *elaaoms_pool_start(const elaaoms_worker_config_t *cf,
    elaaoms_processor_t *processor);

/* 1 when one of the pool's threads runs job (org and text alike) */
int elaaoms_pool_holds(void *pool, const elaaoms_queued_job_t *job);

/*
 * Stops taking jobs and waits up to drain_secs for the running ones; jobs
 * still running then are put back on their ready queues.  Frees the pool.
 */
void elaaoms_pool_stop(elaaoms_pool_t *pool, int drain_secs);

#endif /* ELAAOMS_WORKER_POOL_H */
