/*
 * The retention sweep: once a day (scaled by time_scale, as the retry
 * delays are) the worker removes what is kept longer than configured:
 *   - a transcript whose extraction completed more than
 *     payload_retention_days ago: its whole payload directory (the
 *     recording and any leftover with it), then the conversation's hash,
 *     intake markers and call binding, and its entry in the caller's
 *     conversation index;
 *   - a recording older than audio_retention_days, a call-initiation
 *     failure older than payload_retention_days, a ".tmp" left by a crash
 *     older than a day;
 *   - memories neither created nor reinforced for memory_retention_days
 *     (0 = kept), through the same script as an operator's deletion
 *     (lib/store/memory_delete.h), which queues the caller's pre-call
 *     contexts for a rebuild;
 *   - audit entries older than audit_retention_days (XTRIM MINID: stream
 *     ids are times), and the served sets replaced longer ago than that,
 *     which no entry kept can name (lib/context/served_set.h).
 * A value of 0 days keeps that kind forever.  Transcripts still pending
 * or whose extraction failed are kept: they are not extracted yet.
 */

#ifndef ELAAOMS_WORKER_RETENTION_H
#define ELAAOMS_WORKER_RETENTION_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"

typedef struct {
    const char  *payload_dir;
    double       day_secs;          /* 86400 * time_scale */
    int          payload_days;
    int          audio_days;
    int          memory_days;
    int          audit_days;
    long long    now;               /* unix seconds */

    /* called between units of work: the caller's heartbeat stays fresh */
    void        (*tick)(void *data);
    void         *tick_data;
} elaaoms_retention_req_t;

typedef struct {
    size_t  transcripts;            /* conversations whose payload went */
    size_t  recordings;
    size_t  other_files;            /* failures and crash leftovers */
    size_t  memories;
    size_t  audit;
    size_t  served_sets;            /* client-data's (served_set.h) */
} elaaoms_retention_counts_t;

/* 0, or -1 when Redis failed (what was done stays done) */
int elaaoms_retention_sweep(elaaoms_redis_t *rc,
    const elaaoms_retention_req_t *req, elaaoms_retention_counts_t *counts);

#endif /* ELAAOMS_WORKER_RETENTION_H */
