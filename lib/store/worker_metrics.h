/*
 * The worker's Prometheus counters, kept in Redis for nginx's
 * "elaaoms_metrics;" location to serve:
 *
 *   elaaoms:{health}:metrics:worker       HASH  field: a whole series,
 *                                      'name{label="value",...}', labels
 *                                      sorted by name; value: a number
 *   elaaoms:{health}:metrics:worker:meta  HASH  family -> "<type> <help>"
 *
 * A histogram is kept as Prometheus exposes it: cumulative
 * name_bucket{...,le="X"} (le last), name_sum and name_count.  Label
 * values are bounded (providers, models from the configuration, outcomes,
 * events): never a caller, conversation, organization or memory id.
 *
 * The functions append commands to a hiredis context (redisAppendCommand)
 * and return how many, for the caller to read that many replies after its
 * own; nothing here waits, and a failed write loses counts, never a job.
 */

#ifndef ELAAOMS_WORKER_METRICS_H
#define ELAAOMS_WORKER_METRICS_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"

#define ELAAOMS_METRICS_SERIES_MAX  512

/*
 * 'name{k1="v1",...}' into buf from labels (key, value, ..., NULL),
 * sorted by key, values escaped; the length, or -1 when it does not fit
 */
int elaaoms_metrics_series(char *buf, size_t size, const char *name,
    const char *const *labels);

/* a counter's series plus by: a whole number (HINCRBY) */
int elaaoms_metrics_add(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, double by);

/* the same for a counter of fractions (HINCRBYFLOAT: always, per series) */
int elaaoms_metrics_addf(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, double by);

/* one observation v of a histogram of bounds[0..n) (ascending) */
int elaaoms_metrics_observe(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, const double *bounds, size_t n, double v);

/* the families' types and help (idempotent) */
int elaaoms_metrics_meta(elaaoms_redis_t *rc);

/* the histograms' bounds, in seconds */
extern const double  elaaoms_metrics_extraction_bounds[];
extern const size_t  elaaoms_metrics_extraction_nbounds;
extern const double  elaaoms_metrics_stored_bounds[];
extern const size_t  elaaoms_metrics_stored_nbounds;

#endif /* ELAAOMS_WORKER_METRICS_H */
