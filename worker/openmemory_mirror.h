/*
 * The OpenMemory mirror: every caller memory of Redis also in OpenMemory
 * (clients/openmemory.h), for teams that run its dashboard, MCP tools and
 * other agents.  Redis stays the store the hot paths read; nothing here
 * runs on a call, and an extraction never waits for or fails on it.
 *
 * Keys (redis_keys.h), C the caller's prefix, O "elaaoms:<org>:":
 *   C openmemory          HASH  memory id -> OpenMemory id (erased with
 *                               the caller's keys, in the caller's slot);
 *                               "<memory id>\t<OpenMemory id>" -> the id:
 *                               another copy of the memory (an item that
 *                               "elaaoms openmemory import" merged into
 *                               it), deleted with it, never patched
 *   C openmemory:pending  SET   memory ids not mirrored yet
 *   O openmemory:retry    ZSET  score the due time; member
 *                               "sync\t<caller>\t<memory id>" (add or
 *                               patch, decided when sent from what Redis
 *                               then holds) or "delete\t<OpenMemory id>"
 *                               (no caller data: what erasure leaves)
 *   O openmemory:attempts HASH  member -> failed attempts
 *   O openmemory:failed   ZSET  members past the last delay, score the time
 * Delays: retry_delays (60, 300, 1800 s) times time_scale, as the
 * extraction's retries.
 */

#ifndef ELAAOMS_OPENMEMORY_MIRROR_H
#define ELAAOMS_OPENMEMORY_MIRROR_H

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "worker_config.h"

#define ELAAOMS_OM_KEY_MAP       "openmemory"
#define ELAAOMS_OM_KEY_PENDING   "openmemory:pending"
#define ELAAOMS_OM_KEY_RETRY     "openmemory:retry"
#define ELAAOMS_OM_KEY_ATTEMPTS  "openmemory:attempts"
#define ELAAOMS_OM_KEY_FAILED    "openmemory:failed"

/* 1 when org has an OpenMemory (url and key) */
int elaaoms_om_enabled(const elaaoms_worker_config_t *cf, const char *org);

/*
 * After a job's memories were stored: each memory of the caller that the
 * conversation created or reinforced (and those it superseded) is added
 * or patched; failures are queued.  Never fails the job.
 */
void elaaoms_om_mirror_conversation(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller,
    const char *conversation_id);

/*
 * Before a caller's keys are erased: every copy the caller has is
 * deleted (those that cannot be, queued as "delete\t<id>"), and the
 * caller's members of the queue, attempts and failed sets removed.
 * 0, or -1 when Redis failed (erasure must not go on: the ids would be
 * lost).
 */
int elaaoms_om_erase_caller(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller);

/* after memory deletions: copies of memories Redis no longer has are
   deleted (or queued).  0 or -1 */
int elaaoms_om_reconcile_caller(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller);

/* the due retries of every org; the number done, or -1 (Redis) */
int elaaoms_om_drain(const elaaoms_worker_config_t *cf, elaaoms_redis_t *rc);

#endif /* ELAAOMS_OPENMEMORY_MIRROR_H */
