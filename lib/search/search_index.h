/*
 * A caller's memories as one flat, position-independent blob that
 * search-memory scores without reading every record: the records' bytes,
 * and what relevance.c would otherwise recompute from them on every
 * request -- each record's visibility (agent bits, shared, unattributed),
 * its length in words and type concepts; a dictionary of the caller's
 * words (stem, concepts, WordNet senses) with postings (record, units);
 * lists of words by concept and by sense; and the offline vectors
 * inverted by dimension (the embedder's vectors are sparse: a memory has
 * a few dozen of 384 dimensions set).
 *
 * A search then costs the question's own terms and their postings, the
 * question's non-zero dimensions and theirs, and one cheap pass over the
 * records for visibility and the threshold: no tokenizing, no sense
 * lookup and no dot product per record.  Scores are relevance.c's to the
 * last bit: the same counts feed the same formula
 * (relevance_internal.h), which t/unit/test_search_index.c checks against
 * elaaoms_search_rank() over generated callers and questions.
 *
 * nginx builds the blob once per memory version (the worker changes the
 * version token with every record change: store/redis_keys.h) and keeps it
 * in its shared-memory search cache; every worker process then scores from
 * the same copy.  A blob is refused (elaaoms_search_index_check()) when it
 * was built by another build of the tables (ELAAOMS_EMBED_MODEL) or
 * layout, e.g. in a zone kept across a binary upgrade.
 *
 * Not indexed (elaaoms_search_index_build() returns 1; the caller ranks
 * the records with elaaoms_search_rank()): a record without an offline
 * vector, more than 64 agents, more than 65,535 records.  Requests with a
 * provider's question vector (search_request.h: qvec) also rank the
 * records with elaaoms_search_rank(); elaaoms_search_index_records() gives
 * their views.
 *
 * Plain C, no nginx types; the blob is read-only once built, so any
 * number of readers may share it.
 */

#ifndef ELAAOMS_SEARCH_INDEX_H
#define ELAAOMS_SEARCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "store/memory_record.h"
#include "search/search_rank.h"
#include "search/search_request.h"

/* a record's own vector is of another model: a question vector may apply */
#define ELAAOMS_SEARCH_INDEX_F_PROVIDER  0x01

/*
 * Builds the blob of recs[0..n), whose encoded bytes are raw[0..n) (the
 * views point into them).  0 with *blob (malloc()ed, the caller frees it)
 * and *len; 1 when these records are not indexed (above); -1 on an
 * allocation failure.
 */
int elaaoms_search_index_build(const elaaoms_memory_record_t *recs,
    const elaaoms_mstr_t *raw, size_t n, unsigned char **blob, size_t *len);

/* 0 when blob is a whole blob of this build; -1 otherwise */
int elaaoms_search_index_check(const void *blob, size_t len);

/* records; ELAAOMS_SEARCH_INDEX_F_* flags */
size_t elaaoms_search_index_count(const void *blob);
unsigned elaaoms_search_index_flags(const void *blob);

/* record i's view (into the blob): 0, or -1 when it does not decode */
int elaaoms_search_index_record(const void *blob, size_t i,
    elaaoms_memory_record_t *r);

/*
 * Bytes of scratch a search of this blob needs (aligned as malloc()
 * aligns); reusable across searches of any blob no larger in records.
 */
size_t elaaoms_search_index_scratch_size(const void *blob);

/*
 * elaaoms_search_rank() over the blob's records, for a request without a
 * provider's question vector: the same result, except that res->index
 * refers to *views (in the scratch, valid until it is reused): the views
 * of the records over the threshold.  A question that asks why
 * (relevance_internal.h) is ranked by elaaoms_search_rank() itself over
 * the views of all the records, in the scratch's tail: it ranks the
 * memories of one turn together, which the blob's postings cannot
 * (about 0.8 us a memory instead of 0.03).  0, or -1 when a record to answer
 * does not decode.
 */
int elaaoms_search_index_rank(const void *blob,
    const elaaoms_search_request_t *req, const char *agent_id,
    double default_threshold, void *scratch,
    const elaaoms_memory_record_t **views, elaaoms_search_result_t *res);

#endif /* ELAAOMS_SEARCH_INDEX_H */
