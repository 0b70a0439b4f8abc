/*
 * The Redis key schema, in one place for the nginx module and the worker.
 *
 * Every key starts with "elaaoms:".  Redis Cluster hashes a key by the
 * text between its first "{" and the next "}", and refuses a script or
 * transaction whose keys are in more than one slot; so (issue 16):
 *   - the org keys that meet in one operation (job lists, conversation
 *     hashes, intake markers, recent, usage, tombstones, call bindings,
 *     the callers' conversation indexes) carry the org as their tag:
 *     "elaaoms:{<org>}:<suffix>" (elaaoms_key_org_slot), one slot per org;
 *   - a caller's keys carry "{<org>:<caller>}" and nothing before it:
 *     "elaaoms:<org>:{<org>:<caller>}:<suffix>" (a leading "{<org>}" would
 *     be their first tag and put every caller of the org in one slot);
 *   - org keys only single commands touch stay "elaaoms:<org>:<suffix>"
 *     (elaaoms_key_org), spread over the nodes;
 *   - global keys are read and written by single commands only, but for
 *     the two health keys, which share "{health}".
 * t/unit/test_key_slots.c checks every script and transaction.
 */

#ifndef ELAAOMS_REDIS_KEYS_H
#define ELAAOMS_REDIS_KEYS_H

#include <stddef.h>

#define ELAAOMS_KEY_PREFIX            "elaaoms:"

/* a key is at most this long (with NUL) */
#define ELAAOMS_KEY_MAX               512

/* the worker's counters for /metrics: field = Prometheus series, value */
#define ELAAOMS_KEY_WORKER_METRICS    ELAAOMS_KEY_PREFIX "{health}:metrics:worker"
/* /health's two snapshots of the extraction counters (a window apart),
 * written by a script that reads the counters: one tag */
#define ELAAOMS_KEY_HEALTH_WINDOW     ELAAOMS_KEY_PREFIX "{health}:window"

/* unix seconds of the newest worker heartbeat; written with a TTL */
#define ELAAOMS_KEY_WORKER_HEARTBEAT  ELAAOMS_KEY_PREFIX "worker:heartbeat"
#define ELAAOMS_WORKER_HEARTBEAT_TTL  60

/* a heartbeat older than this many seconds makes /health say "stale" */
#define ELAAOMS_WORKER_STALE_SECS     30

/* global keys: single-key commands only (Redis Cluster) */
#define ELAAOMS_KEY_ORGS              ELAAOMS_KEY_PREFIX "orgs"
#define ELAAOMS_KEY_WORKERS           ELAAOMS_KEY_PREFIX "workers"

/* the org's job lists (elaaoms_key_jobs) */
#define ELAAOMS_JOBS_READY            "ready"
#define ELAAOMS_JOBS_PROCESSING       "processing"   /* + ":<worker id>" */
#define ELAAOMS_JOBS_DELAYED          "delayed"
#define ELAAOMS_JOBS_FAILED           "failed"
#define ELAAOMS_JOBS_INVALID          "invalid"
/* callers whose erasure nginx queued for the worker (admin location) */
#define ELAAOMS_JOBS_FORGET           "forget"
/* callers whose pre-call contexts must be rebuilt (a memory deleted) */
#define ELAAOMS_JOBS_REFRESH          "refresh"
/* a SET of the worker ids that ever took a job of the org (the take step
 * adds to it): whose processing lists recovery looks at, without a SCAN */
#define ELAAOMS_JOBS_WORKERS          "workers"

/* the org's audit stream of memories served to other agents */
#define ELAAOMS_KEY_AUDIT                 "audit"

/* suffixes of a caller's memory keys (store/memory_store.h) */
#define ELAAOMS_MEMORY_KEY_INDEX          "index"
#define ELAAOMS_MEMORY_KEY_BY_TIME        "by_time"
#define ELAAOMS_MEMORY_KEY_BY_IMPORTANCE  "by_importance"
#define ELAAOMS_MEMORY_KEY_TYPE           "type:"
#define ELAAOMS_MEMORY_KEY_AGENT          "agent:"
#define ELAAOMS_MEMORY_KEY_CONVERSATION   "conversation:"
#define ELAAOMS_MEMORY_KEY_AGENTS         "agents"
#define ELAAOMS_MEMORY_KEY_CONVERSATIONS  "conversations"
#define ELAAOMS_MEMORY_KEY_CALLERS        "callers"          /* org key */
/*
 * The caller's memory version: a fresh random token (32 lowercase hex
 * digits) set in the same MULTI/EXEC as every change to the caller's
 * records (memory_store.h), so a reader that cached the records with
 * token T knows they are unchanged while GET returns T.  Erasing the
 * caller deletes it; records of a worker before it have none.  Random,
 * not a counter, so a token never comes back after an erase.
 */
#define ELAAOMS_MEMORY_KEY_VERSION        "version"
#define ELAAOMS_MEMORY_VERSION_LEN        32

/*
 * The caller's conversations, memories or not: a set written at intake,
 * so that erasure finds every conversation without a SCAN.  An org key in
 * the org's slot, written by the intake script with the job:
 * "elaaoms:{<org>}:calls:<hex>", hex as the tombstone's.  Returns the
 * length, or -1 when it does not fit or caller is empty.
 */
#define ELAAOMS_KEY_CALLS                 "calls"

int elaaoms_key_conversation_index(char *buf, size_t size, const char *org,
    const char *caller);

/* where the conversation index was a caller key (before issue 16): the
 * upgrade moves it (worker/key_upgrade.c) */
#define ELAAOMS_MEMORY_KEY_CALLS_OLD      "conversation_index"

/*
 * An erased caller's tombstone: "elaaoms:{<org>}:forgotten:<hex>", hex the
 * SHA-256 of "<org>:<caller>" (the caller never appears in clear).  While
 * it lives (ELAAOMS_TOMBSTONE_TTL), intake and the worker drop whatever
 * arrives for the caller.  In the org's slot (the intake script reads it),
 * not the caller's: that tag would name the caller.  The memory store
 * WATCHes the caller's index and GETs the tombstone before its MULTI;
 * erasure sets the tombstone, then touches and deletes the index in one
 * MULTI, which aborts a racing commit (memory_store.c, caller_erase.c).
 * Returns the length, or -1 when it does not fit.
 */
#define ELAAOMS_TOMBSTONE_TTL  (30 * 24 * 3600)

int elaaoms_key_tombstone(char *buf, size_t size, const char *org,
    const char *caller);

/*
 * A signature already accepted, remembered until it expires so it passes
 * once: "elaaoms:<org>:sig:<v0>", v0 the signature's lowercase hex MAC.
 * Returns the length, or -1 when it does not fit or v0 is empty.
 */
int elaaoms_key_signature(char *buf, size_t size, const char *org,
    const char *v0);

/*
 * A live call's caller, recorded by client-data for search-memory:
 * "elaaoms:{<org>}:call:<hex>", hex the first 128 bits of the SHA-256 of
 * the call id (Twilio's call_sid, a SIP Call-ID with '@' and '.', or a
 * conversation id: any printable text, so it is hashed, not quoted).
 * Returns the length, or -1 when it does not fit or call_id is empty.
 */
int elaaoms_key_call(char *buf, size_t size, const char *org,
    const char *call_id, size_t call_id_len);

/*
 * A question's vector from the embeddings provider, cached by nginx's
 * search (ngx_http_elaaoms_embed.c) for ELAAOMS_QVEC_TTL seconds:
 * "elaaoms:<org>:qvec:<model>:<dimensions>:<hex>", hex the SHA-256 of
 * the question as sent (search/embed_wire.h normalizes it), dimensions
 * those requested (0: the model's own).  The value is the vector as
 * elaaoms_vec_pack_q8() bytes, one per dimension.  Per organization, so
 * that one organization's questions never speed up or show in another's.
 * Returns the length, or -1 when it does not fit or model is empty.
 */
#define ELAAOMS_QVEC_TTL  86400

int elaaoms_key_qvec(char *buf, size_t size, const char *org,
    const char *model, int dimensions, const char *question, size_t len);

/*
 * The org's keys by name; each returns the length, or -1 when it does not
 * fit:
 *   elaaoms_key_jobs          "elaaoms:{<org>}:jobs:<list>[:<worker>]"
 *   elaaoms_key_conversation  "elaaoms:{<org>}:conversation:<conv>"
 *   elaaoms_key_intake        "elaaoms:{<org>}:intake:<type>:<conv>"
 *   elaaoms_key_profile       "elaaoms:<org>:agent:<agent>:profile"
 *   elaaoms_key_usage         "elaaoms:{<org>}:usage"
 *   elaaoms_key_usage_daily   "elaaoms:{<org>}:usage:daily"
 */
int elaaoms_key_jobs(char *buf, size_t size, const char *org,
    const char *list, const char *worker);
int elaaoms_key_conversation(char *buf, size_t size, const char *org,
    const char *conversation_id);
int elaaoms_key_intake(char *buf, size_t size, const char *org,
    const char *type_name, const char *conversation_id);
int elaaoms_key_profile(char *buf, size_t size, const char *org,
    const char *agent_id);
int elaaoms_key_usage(char *buf, size_t size, const char *org);
int elaaoms_key_usage_daily(char *buf, size_t size, const char *org);

/*
 * "elaaoms:{<org>}:usage:daily" (elaaoms_key_usage_daily): the org's usage by day,
 * provider and model, a HASH the worker increments in the MULTI that
 * completes a job (worker/process.c), read by "elaaoms usage".  Fields:
 *   "<YYYY-MM-DD>|<provider>|<model>|<metric>"
 * day in UTC, provider "openai", "anthropic", "offline" (the built-in
 * extractor, model "offline") or "none" (nothing extracted: an anonymous
 * or empty call), metric one of extractions, input_tokens, output_tokens,
 * cost (HINCRBYFLOAT, in the configured prices' currency) for the LLM
 * that answered the extraction, and embed_tokens under "openai" and the
 * embeddings model.  The model may hold "|": it is what lies between the
 * provider and the last "|".  No expiry: a few fields a day per model.
 */
#define ELAAOMS_KEY_USAGE_DAILY       "usage:daily"
#define ELAAOMS_USAGE_SEP             '|'

/*
 * "elaaoms:{<org>}:recent": the org's newest conversations (ZSET, score the
 * unix time received, ELAAOMS_RECENT_MAX kept) for the status page; a
 * conversation leaves it with its hash (elaaoms_conversation_erase)
 */
#define ELAAOMS_RECENT_MAX  1000
int elaaoms_key_recent(char *buf, size_t size, const char *org);

/*
 * "elaaoms:<org>:backfill:<agent_id>": where "elaaoms backfill" of the
 * agent stands (worker/backfill.h), a hash:
 *   cursor      while a run is unfinished: the cursor of the page to list
 *               again ("" the first one); absent once a run completed
 *   after       that run's call_start_after_unix (0: none)
 *   run_newest  the newest start time the run has taken so far
 *   run_hold    the oldest start time it could not take (not done yet,
 *               failed), absent when none
 *   newest      after a completed run: the next run lists only calls that
 *               started after this (unix seconds)
 *   updated_at  unix seconds
 * Returns the length, or -1 when it does not fit.
 */
int elaaoms_key_backfill(char *buf, size_t size, const char *org,
    const char *agent_id);

/*
 * The OpenMemory mirror's keys (worker/openmemory_mirror.h, worker only;
 * nginx never reads them):
 *   caller "openmemory"          HASH memory id -> OpenMemory id; also
 *                                     "<memory id>\t<OpenMemory id>": an
 *                                     imported second copy of the memory
 *   caller "openmemory:pending"  SET  memory ids not mirrored yet
 *   org    "openmemory:retry"    ZSET due time -> "sync\t<caller>\t<id>" or
 *                                     "delete\t<OpenMemory id>"
 *   org    "openmemory:attempts" HASH member -> failed attempts
 *   org    "openmemory:failed"   ZSET members past the last retry delay
 * The caller keys carry the caller's hash tag: erased with the caller.
 */

/*
 * Formats "elaaoms:<org>:<suffix>" into buf; returns the length, or -1
 * when it does not fit.
 */
int elaaoms_key_org(char *buf, size_t size, const char *org,
    const char *suffix);

/*
 * Formats "elaaoms:{<org>}:<suffix>" into buf, a key in the org's slot;
 * returns the length, or -1 when it does not fit.
 */
int elaaoms_key_org_slot(char *buf, size_t size, const char *org,
    const char *suffix);

/*
 * Formats "elaaoms:<org>:{<org>:<caller>}:<suffix>" into buf; returns the
 * length, or -1 when it does not fit.  Its own prefix, never
 * elaaoms_key_org_slot()'s: the first tag decides the slot.
 */
int elaaoms_key_caller(char *buf, size_t size, const char *org,
    const char *caller, const char *suffix);

#endif /* ELAAOMS_REDIS_KEYS_H */
