/*
 * A record's offline vector (the built-in embedder's, search/embed.h) is
 * only comparable with vectors of the same build: ELAAOMS_EMBED_MODEL
 * changes whenever the embedder's features, weights or the tokenizer's
 * tables do.  A record stored by an older build is re-embedded from its
 * content by the worker the next time it writes the caller, and by the
 * operator's "upgrade" command for every caller at once
 * (memory_store.h).  Until then nginx scores it correctly but slowly: it
 * builds no search index for the caller and embeds the record's text per
 * request (search_index.h).
 *
 * Plain functions over one record; no allocation, no I/O.
 */

#ifndef ELAAOMS_MEMORY_REEMBED_H
#define ELAAOMS_MEMORY_REEMBED_H

#include "store/memory_record.h"

/* the offline embedder's model names, of every build: "elaaoms-hash-" */
#define ELAAOMS_MEMORY_OFFLINE_MODEL_PREFIX  "elaaoms-hash-"

/*
 * 1 when r has no offline vector of this build: neither its own vector
 * nor the one kept beside a provider's is of ELAAOMS_EMBED_MODEL
 */
int elaaoms_memory_record_offline_stale(const elaaoms_memory_record_t *r);

/*
 * Embeds r's content with this build's offline embedder into out
 * (ELAAOMS_VEC_Q8_SIZE(ELAAOMS_EMBED_DIM) bytes, the caller's: r borrows
 * it from then on).  A record whose own vector is an older offline one,
 * or that has none, gets it as its own vector; a record with a provider's
 * vector keeps it and gets out as the offline vector beside it.
 */
void elaaoms_memory_record_reembed(elaaoms_memory_record_t *r,
    unsigned char *out);

#endif /* ELAAOMS_MEMORY_REEMBED_H */
