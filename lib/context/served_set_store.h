/*
 * Served sets in Redis, the worker's side (served_set.h): an auditor's
 * lookup and the retention sweep's pruning, on the worker's blocking
 * Redis handle.
 */

#ifndef ELAAOMS_CONTEXT_SERVED_SET_STORE_H
#define ELAAOMS_CONTEXT_SERVED_SET_STORE_H

#include "cluster/redis_handle.h"
#include "context/served_set.h"

/*
 * The ids of a set of the caller into *ids (malloc'd): 1, 0 when the
 * caller has no such set, -1 on a Redis error (err set).
 */
int elaaoms_served_set_lookup(elaaoms_redis_t *rc, const char *org,
    const char *caller, const char *set_id, char **ids, char *err,
    size_t errlen);

/* drops the caller's sets replaced before cutoff (unix): their count, or -1 */
long elaaoms_served_sets_prune(elaaoms_redis_t *rc, const char *org,
    const char *caller, long long cutoff);

#endif /* ELAAOMS_CONTEXT_SERVED_SET_STORE_H */
