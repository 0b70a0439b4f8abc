/*
 * search-memory's core: one caller's decoded records (memory_record.h
 * views, as the nginx module gets them from one HGETALL of the caller's
 * index) -> the ranked answer ElevenLabs' agent reads.
 *
 * elaaoms_search_rank() runs, over n records:
 *
 *   1. visibility: a memory of the requesting agent (one of the agents
 *      that created or reinforced it, all carried by the record:
 *      memory_record.h), one no agent is recorded for (agent_id ""), an
 *      identity fact (ELAAOMS_MEMORY_F_IDENTITY: the caller's name,
 *      language) or a shareable one (importance >=
 *      ELAAOMS_MEMORY_SHAREABLE_MIN) of other agents; every memory with
 *      search_all_agents.  A request without a (valid) agent_id owns no
 *      memory: it sees only the identity, shareable and unattributed ones
 *      unless it asks for all agents (closed by default).
 *   2. relevance (relevance.h) of every visible memory, its content and
 *      source quote, the visible set
 *      being the candidate set the lexical half takes its IDF from -- as
 *      the calibration did, over a caller's whole set.  Filters come
 *      after, so narrowing a search never changes a memory's score, and a
 *      memory the agent may not see never influences one.  The query is
 *      embedded offline, and a record's offline vector (ELAAOMS_EMBED_MODEL,
 *      384 dimensions) is its own or the one kept beside a provider's
 *      (memory_record.h); a record with neither is embedded from its
 *      text on the fly.  When the request carries the question's vector
 *      from the embeddings provider (req->qvec: nginx's subrequest or its
 *      cache), a record whose vector is of that model and dimension --
 *      the worker's "embedder openai" -- is scored by that cosine instead
 *      of the offline one (relevance.h: ELAAOMS_RELEVANCE_PROVIDER_FLOOR),
 *      so paraphrases the offline tables do not relate still meet.
 *   3. filters, ANDed: type, conversation_id (the latest conversation
 *      that mentioned the memory: a record keeps only that one),
 *      since <= created <= until, importance >= min_importance.
 *   4. threshold: relevance >= the request's threshold, else the
 *      location's default (ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD, 0.7, is
 *      the calibrated default for the offline embedder).
 *   5. rank: relevance descending, then current before superseded, then
 *      importance descending, then newest, then id.  A superseded memory
 *      ranks after a current memory of the answer it is linked with
 *      (memory_dedup.h links both sides of a conflict) even when it
 *      scores higher: "Lives in Austin" never comes before "Moved to
 *      Denver".  Links are followed one step.  A question about now
 *      ("... now", "currently", "still", "anymore", "latest") ranks the
 *      newer of answers that score alike first (search_rank.c:
 *      ELAAOMS_SEARCH_NOW_BONUS); the relevance itself is unchanged.
 *      A question of how someone felt ("how was she holding up when the
 *      house was evacuated") ranks a feeling no lower than just under
 *      the best match of the conversation it was said in
 *      (ELAAOMS_SEARCH_EPISODE_GAP), its relevance unchanged too.
 *   6. the limit.
 *
 * Cost: one pass to decide visibility, relevance.h's two passes, a sort
 * of the memories over the threshold; no allocation when the caller gives
 * a scratch buffer (elaaoms_search_rank_scratch_size()), one otherwise.
 * bench/search_rank_bench.c measures a 1,000-record caller (534 records
 * visible, 2-core development machine): ~0.3 ms a request with offline
 * vectors, ~0.6 ms when every record is of another model (embedded on the
 * fly, ~0.55 us more per visible record).
 *
 * elaaoms_search_gen() then writes the answer with yajl_gen:
 *
 *   {"query":"..","results":[{"id":"..","type":"issue","content":"..",
 *    "importance":7,"created":"2025-11-17T12:00:00Z",
 *    "created_unix":1763380800,"conversation_id":"..",
 *    "agent_id":"..","relevance":0.912,"superseded":true,
 *    "source_quote":".."}],
 *    "count":1,"summary":"Found 1 memory. Most relevant: ...",
 *    "request_id":".."}
 *
 * conversation_id and agent_id are null when the record has none;
 * "superseded" appears only when set; "source_quote" (the caller's line
 * the memory came from) only for a memory of the asking agent's whose
 * content is not the line itself: another agent's line may hold more
 * than it shared.  Strings that are not valid UTF-8
 * are cut at the first invalid byte (the JSON stays valid).
 *
 * Plain C, no nginx types; thread-safe (no state).
 */

#ifndef ELAAOMS_SEARCH_RANK_H
#define ELAAOMS_SEARCH_RANK_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>

#include "store/memory_record.h"
#include "search/search_request.h"

/* summaries of the answers without results */
#define ELAAOMS_SEARCH_SUMMARY_NONE                                           \
    "No memories of this caller match the question."
#define ELAAOMS_SEARCH_SUMMARY_NO_CALLER                                      \
    "No memories to search: the caller's number is unknown or withheld."
#define ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE                                    \
    "Memory is unavailable right now; carry on without it."

/* a summary quotes at most this many bytes of the top memory */
#define ELAAOMS_SEARCH_SUMMARY_QUOTE   200
/* room for any summary elaaoms_search_summary() writes */
#define ELAAOMS_SEARCH_SUMMARY_MAX     (ELAAOMS_SEARCH_SUMMARY_QUOTE + 160)

/* room for every foreign id of one answer, comma-separated, and a NUL */
#define ELAAOMS_SEARCH_AUDIT_IDS_MAX                                          \
    (ELAAOMS_SEARCH_MAX_LIMIT * (ELAAOMS_MEMORY_ID_MAX + 1) + 1)


typedef struct {
    size_t    total;       /* records given */
    size_t    visible;     /* the requesting agent may see: the scored set */
    size_t    matched;     /* visible, through the filters and threshold */
    size_t    count;       /* answered: matched cut to the limit */
    double    threshold;   /* the threshold applied */

    /* the answer, ranked: indexes into the records and their relevance */
    uint32_t  index[ELAAOMS_SEARCH_MAX_LIMIT];
    float     relevance[ELAAOMS_SEARCH_MAX_LIMIT];

    /* of the answer, the memories of another agent (to audit), ranked */
    size_t    nforeign;
    uint32_t  foreign[ELAAOMS_SEARCH_MAX_LIMIT];
} elaaoms_search_result_t;


/* bytes of scratch elaaoms_search_rank() needs for n records */
size_t elaaoms_search_rank_scratch_size(size_t n);

/*
 * Ranks recs[0..n) for the validated request (search_request.h) of agent
 * agent_id (NULL, "" or an invalid id: no agent).  default_threshold
 * (0..1) applies when req->threshold < 0.  scratch: at least
 * elaaoms_search_rank_scratch_size(n) bytes aligned as malloc() aligns,
 * or NULL to have it allocated (once) and freed inside.  The records are
 * only read; res refers to them by index.  0, or -1 when n is larger than
 * UINT32_MAX or the scratch allocation failed.
 */
int elaaoms_search_rank(const elaaoms_search_request_t *req,
    const char *agent_id, double default_threshold,
    const elaaoms_memory_record_t *recs, size_t n, void *scratch,
    elaaoms_search_result_t *res);

/*
 * The steps after relevance, shared with the search index
 * (search_index.h): cands[0..nc) are visible memories scored against the
 * question, each with the index the result reports for it and the fields
 * the filters and the rank read; rec (the record) is needed only for a
 * superseded memory with conflict links (the links are followed) and may
 * be NULL otherwise.  The filters, res->threshold (already set), the rank
 * and the limit fill res's matched, count, index, relevance and foreign
 * (the answered memories whose own is 0).  scratch:
 * elaaoms_search_select_scratch_size(nc) bytes or NULL (allocated
 * inside).  0, or -1 when the allocation failed.
 */
typedef struct {
    const elaaoms_memory_record_t  *rec;
    uint32_t                        idx;
    float                           score;
    float                           key;    /* elaaoms_relevance_key() */
    elaaoms_mstr_t                  id;
    elaaoms_mstr_t                  conversation_id;
    int64_t                         created;
    int                             type;
    int                             importance;
    unsigned                        superseded:1;
    unsigned                        conflicts:1;  /* has conflict links */
    unsigned                        own:1;        /* the agent's own */
} elaaoms_search_cand_t;

/* the fields of cand from a record (rec set too) */
void elaaoms_search_cand_of(elaaoms_search_cand_t *cand,
    const elaaoms_memory_record_t *r, elaaoms_mstr_t agent);

size_t elaaoms_search_select_scratch_size(size_t nc);
int elaaoms_search_select(const elaaoms_search_request_t *req,
    elaaoms_mstr_t agent, const elaaoms_search_cand_t *cands, size_t nc,
    void *scratch, elaaoms_search_result_t *res);

/*
 * The record's offline vector: its own when of the offline model (model:
 * ELAAOMS_EMBED_MODEL), else the one kept beside a provider's; NULL when
 * it has neither
 */
const unsigned char *elaaoms_search_offline_q8(
    const elaaoms_memory_record_t *r, elaaoms_mstr_t model);

/* the requesting agent: "" for none or an invalid id */
elaaoms_mstr_t elaaoms_search_agent(const char *agent_id);

/*
 * The natural-language summary of a result into buf (NUL-terminated,
 * ELAAOMS_SEARCH_SUMMARY_MAX bytes always suffice, cut to size
 * otherwise); returns its length.  "Found 2 memories. Most relevant:
 * Order XYZ-789 is delayed (issue, 2025-11-17)."; without results
 * ELAAOMS_SEARCH_SUMMARY_NONE.
 */
size_t elaaoms_search_summary(char *buf, size_t size,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res);

/* the whole answer document into g (fresh); 0, or -1 on a yajl error */
int elaaoms_search_gen(yajl_gen g, const elaaoms_search_request_t *req,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res,
    const char *request_id, size_t request_id_len);

/* an answer without results, with the given summary; 0 or -1 */
int elaaoms_search_gen_empty(yajl_gen g, const char *query,
    const char *summary, const char *request_id, size_t request_id_len);

/*
 * The ids of res->foreign joined with ',' into buf (NUL-terminated;
 * ELAAOMS_SEARCH_AUDIT_IDS_MAX bytes always suffice); returns the length,
 * 0 when there are none or buf is too small.
 */
size_t elaaoms_search_audit_ids(char *buf, size_t size,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res);

/* "2025-11-17T12:00:00Z" of unix seconds t >= 0 into buf (21 bytes) */
void elaaoms_search_iso8601(int64_t t, char *buf, size_t size);

#endif /* ELAAOMS_SEARCH_RANK_H */
