/*
 * Moving the keys of the layout before issue 16 to their names in the
 * Redis Cluster layout (lib/store/redis_keys.h), on the single Redis the
 * data lives in: the worker at startup, and "elaaoms upgrade ORG".
 *
 * An org's keys that meet in one operation moved under the org's tag:
 *   elaaoms:<org>:jobs:<list>[:<worker>]     -> elaaoms:{<org>}:jobs:...
 *     (a processing list's worker also joins elaaoms:{<org>}:jobs:workers)
 *   elaaoms:<org>:conversation:<c>, intake:<t>:<c>, forgotten:<h>,
 *     call:<h>, recent, usage, usage:daily  -> elaaoms:{<org>}:...
 *   elaaoms:<org>:{<org>:<caller>}:conversation_index
 *                                            -> elaaoms:{<org>}:calls:<h>
 * and the global counters of /health and /metrics:
 *   elaaoms:metrics:worker[:meta], elaaoms:health:window
 *                                            -> elaaoms:{health}:...
 *
 * One SCAN of "elaaoms:<org>:*" per org of elaaoms:orgs (org names hold no
 * glob character), each key moved by one script: RENAMENX when the new
 * name is free; else merged into it, because nginx may have written the
 * new name meanwhile: a list's elements appended at the old end (the
 * oldest jobs stay the next ones taken), sets and sorted sets united,
 * hash fields the new key lacks added (usage and usage:daily: summed),
 * strings kept as the new key has them.  Then the old key is deleted.
 * Safe to run twice and while nginx and other workers run.  On a Redis
 * Cluster the SCAN runs on every master, and a key whose new name is in
 * another slot moves by DUMP, RESTORE beside the new name and the same
 * script there, then DEL (not atomic: nothing writes the old names on a
 * cluster, where the old layout could not run).
 */

#ifndef ELAAOMS_WORKER_KEY_UPGRADE_H
#define ELAAOMS_WORKER_KEY_UPGRADE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"

/*
 * The org's keys; *moved counts those moved or merged.  0, or -1 with err
 * set (Redis failed; what was moved stays moved).
 */
int elaaoms_key_upgrade_org(elaaoms_redis_t *rc, const char *org, size_t *moved,
    char *err, size_t errlen);

/* the global keys; as above */
int elaaoms_key_upgrade_global(elaaoms_redis_t *rc, size_t *moved, char *err,
    size_t errlen);

/* the global keys, then every org of elaaoms:orgs; as above */
int elaaoms_key_upgrade_all(elaaoms_redis_t *rc, size_t *moved, char *err,
    size_t errlen);

#endif /* ELAAOMS_WORKER_KEY_UPGRADE_H */
