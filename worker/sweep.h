/*
 * The pending-payload sweep: transcriptions saved by nginx while Redis was
 * unreachable carry a "<conversation_id>_transcription.pending" marker
 * holding their job; the sweep queues them with the same atomic Redis step
 * nginx uses (lib/intake/intake.h), so a payload queued twice is queued once.
 */

#ifndef ELAAOMS_WORKER_SWEEP_H
#define ELAAOMS_WORKER_SWEEP_H

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "worker_config.h"

/*
 * Walks <payload_dir>/<org>/<conversation_id>/ without following a
 * symlink below payload_dir; a marker's job is queued only when it names
 * its own conversation's payload (elaaoms_payload_path_check).  Returns
 * the number of jobs queued, or -1 when Redis failed (the markers stay for
 * next time).
 */
int elaaoms_sweep_pending(elaaoms_redis_t *rc, const char *payload_dir);

/* elaaoms_sweep_conversation()'s answers besides the intake script's */
#define ELAAOMS_SWEEP_NOTHING  (-2)   /* no usable marker */
#define ELAAOMS_SWEEP_FAILED   (-3)   /* Redis failed: the marker stays */

/*
 * The marker of one conversation queued as the sweep does (operator
 * replays and backfills write payload and marker as nginx does, then
 * call this): the intake script's answer, 1 queued, 0 this payload was
 * queued before, -1 a newer delivery is stored, ELAAOMS_INTAKE_FORGOTTEN
 * the caller was erased (the payload is removed); or one of the above.
 */
int elaaoms_sweep_conversation(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *conversation_id);

/*
 * What nginx's admin location queued for each organization: the callers
 * of "jobs:forget" are erased (lib/store/caller_erase.h), those of
 * "jobs:refresh" get their pre-call contexts rebuilt (a memory was
 * deleted); a caller leaves its list once done.  0, or -1 when Redis
 * failed.
 */
int elaaoms_sweep_admin(elaaoms_redis_t *rc, const elaaoms_worker_config_t *cf);

/*
 * handler(rc, org, data) for every organization that has had jobs
 * (ELAAOMS_KEY_ORGS, valid names only); the sum of what the handlers
 * returned, or -1 when Redis failed or a handler returned -1 (the rest
 * is left for the next sweep).  The CLI's --all-orgs is cli.c's.
 */
typedef int (*elaaoms_sweep_org_pt)(elaaoms_redis_t *rc, const char *org,
    void *data);
int elaaoms_sweep_each_org(elaaoms_redis_t *rc, elaaoms_sweep_org_pt handler,
    void *data);

#endif /* ELAAOMS_WORKER_SWEEP_H */
