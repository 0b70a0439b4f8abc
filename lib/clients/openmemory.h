/*
 * OpenMemory (CaviraOSS server, JS package) as a second store: the
 * blocking client of the worker's mirror (worker/openmemory_mirror.h).
 *
 *   POST   /memory/add      content, tags, metadata -> {"id", ...}
 *   PATCH  /memory/:id      content, tags, metadata
 *   DELETE /memory/:id      404 counts as deleted (idempotent)
 *   GET    /memory/all      ?u=<offset>&l=<limit>, newest first
 *   GET    /health
 *
 * The key goes in "x-api-key" and is never logged.  Each key is one
 * tenant: no user_id is sent (the server derives it from the key and
 * refuses any other), so the caller's scoping lives in what the mirror
 * writes (tags and metadata below), never in OpenMemory's search.  No
 * retry here: the mirror's queue retries, minutes apart.
 *
 * What a memory becomes:
 *   content   the memory's text
 *   tags      "elaaoms", "org:<org>", "caller:<caller>", "agent:<agent>"
 *             (when it has one), "type:<type>", "importance:<n>"
 *   metadata  every field of the record but the vectors: elaaoms_id,
 *             org, caller, type, importance, confidence, conversation_id,
 *             agent_id, agents (all), created, last_reinforced,
 *             reinforcement_count, shareable, identity, superseded,
 *             conflicts, source_quote, source "elaaoms"
 * An importer (elaaoms openmemory import) reads the same fields back.
 */

#ifndef ELAAOMS_OPENMEMORY_H
#define ELAAOMS_OPENMEMORY_H

#include <stddef.h>

#include "clients/api_error.h"
#include "store/memory_record.h"

#define ELAAOMS_OPENMEMORY_TIMEOUT_MS  5000
/* OpenMemory's ids are UUIDs; room for any id of a compatible server */
#define ELAAOMS_OPENMEMORY_ID_MAX      128
/* "/memory/all" answers at most this many a page */
#define ELAAOMS_OPENMEMORY_PAGE_MAX    10000

typedef struct {
    const char  *url;          /* base, "http://127.0.0.1:8080" */
    const char  *api_key;      /* required */
    long         timeout_ms;   /* 0: ELAAOMS_OPENMEMORY_TIMEOUT_MS */
} elaaoms_openmemory_t;

/* 1 when s is an id we accept from the server (printable, no '/', '\t') */
int elaaoms_openmemory_id_valid(const char *s);

/* the body of an add or patch of m (suffix, when not NULL, appended to
   the content): malloc'd, the caller frees; NULL with err set on failure */
char *elaaoms_openmemory_body(const elaaoms_memory_record_t *m,
    const char *suffix, size_t *len, elaaoms_api_error_t *err);

/*
 * Adds m (suffix as above); id (ELAAOMS_OPENMEMORY_ID_MAX) gets the id the
 * server answered.  0: a new memory; 1: the server merged the text into
 * one it already had ("deduplicated": true, the real server's simhash
 * over the whole database, any tenant) and id is that other memory's,
 * which is not ours to patch or delete; -1 error.
 */
int elaaoms_openmemory_add(const elaaoms_openmemory_t *om,
    const elaaoms_memory_record_t *m, const char *suffix, char *id,
    elaaoms_api_error_t *err);

/* rewrites id with m: 0, 1 when OpenMemory has no such id, -1 error */
int elaaoms_openmemory_patch(const elaaoms_openmemory_t *om, const char *id,
    const elaaoms_memory_record_t *m, elaaoms_api_error_t *err);

/* deletes id: 0 (also when it was not there) or -1 */
int elaaoms_openmemory_delete(const elaaoms_openmemory_t *om, const char *id,
    elaaoms_api_error_t *err);

/* one page of GET /memory/all: *body the JSON answer ({"items": [...]}),
   malloc'd, the caller frees.  0 or -1 */
int elaaoms_openmemory_list(const elaaoms_openmemory_t *om, long offset,
    long limit, char **body, elaaoms_api_error_t *err);

/* GET /health: 0 when it answered 2xx, else -1 */
int elaaoms_openmemory_health(const elaaoms_openmemory_t *om,
    elaaoms_api_error_t *err);

#endif /* ELAAOMS_OPENMEMORY_H */
