/*
 * Past conversations queued as post-call jobs by the operator: a saved
 * webhook body ("elaaoms payload replay"), or the conversations of an
 * agent paged from ElevenLabs' API ("elaaoms backfill").
 *
 * Both queue exactly as nginx does: the payload durably in the payload
 * directory, its job beside it as a pending marker, then the intake
 * script through the worker's sweep (sweep.h), so a conversation is
 * queued once whoever brings it, and a Redis outage leaves the marker
 * for the worker to queue later.
 *
 * The backfill is resumable: where a run stands is kept in Redis
 * (elaaoms_key_backfill(), redis_keys.h) after every page.  A run cut
 * short (--max, an API or Redis failure, a kill) is continued by the next
 * one from the page it was on; a completed run leaves the newest start
 * time it took, and the next run lists only what started since.  A
 * conversation not yet "done" (or whose details could not be fetched)
 * holds that mark back, so a later run lists it again.
 */

#ifndef ELAAOMS_WORKER_BACKFILL_H
#define ELAAOMS_WORKER_BACKFILL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "clients/elevenlabs_api.h"
#include "intake/caller_id.h"
#include "intake/ids.h"

/* elaaoms_backfill_intake()'s failures */
#define ELAAOMS_BACKFILL_INVALID  (-1)   /* not a post-call transcription */
#define ELAAOMS_BACKFILL_IO       (-2)   /* payload or marker not written */

typedef struct {
    char  conversation_id[ELAAOMS_CONVERSATION_ID_MAX + 1];
    char  agent_id[ELAAOMS_AGENT_ID_MAX + 1];
    char  caller[ELAAOMS_CALLER_MAX];           /* "": anonymous */
    char  request_id[48];
    /* elaaoms_sweep_conversation()'s answer: 1 queued, 0 queued before,
       -1 a newer delivery stored, 2 caller erased, SWEEP_FAILED: Redis
       failed, the marker waits for the worker */
    int   result;
} elaaoms_backfill_outcome_t;

/*
 * Validates body as nginx validates a post-call webhook (postcall.h;
 * only post_call_transcription is queued), writes it and its job for org
 * under payload_dir and queues it.  0 with out filled, or one of the
 * failures above with err set.
 */
int elaaoms_backfill_intake(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *body, size_t len,
    elaaoms_backfill_outcome_t *out, char *err, size_t errlen);

typedef struct {
    long       page;            /* the page's number in this run (1...);
                                   in a total: the pages listed */
    long       listed;
    long       queued;
    long       seen;            /* queued before (intake's key) */
    long       skipped;         /* not "done" yet, or failed calls */
    long       failed;          /* details not fetched or not queueable */
    int        has_more;
    int        resumed;         /* the run continued an unfinished one */
    int        complete;        /* the list was paged to its end */
    int        stopped;         /* --max reached */
    long long  after;           /* call_start_after_unix used, 0 none */
    long long  newest;          /* the mark kept for the next run */
    char       error[1024];     /* the last failure */
} elaaoms_backfill_stats_t;

typedef struct {
    elaaoms_redis_t             *rc;
    const char                  *payload_dir;
    const char                  *org;
    const char                  *agent_id;
    const elaaoms_elevenlabs_t  *api;
    long long                    since;       /* started at or after; < 0 */
    int                          page_size;
    double                       rate;        /* API requests per second */
    long                         max;         /* conversations queued; 0 */
    void                       (*on_page)(void *data,
                                          const elaaoms_backfill_stats_t *p);
    void                        *data;
} elaaoms_backfill_t;

/*
 * One run (see above).  0 when it completed or stopped at --max; -1 when
 * the API or Redis failed (total->error says why; the position is kept).
 * total holds the sums, the pages and the flags.
 */
int elaaoms_backfill_run(const elaaoms_backfill_t *bf,
    elaaoms_backfill_stats_t *total);

#endif /* ELAAOMS_WORKER_BACKFILL_H */
