/*
 * Query -> memory relevance in 0..1: the hybrid of the offline embedder's
 * cosine and a BM25 lexical score over the caller's own memory set.
 *
 *   cos   = max(0, cosine(embed(query), memory vector))
 *   lex   = BM25 of the query's terms in the memory, divided by the BM25
 *           a memory holding every query term once at average length
 *           would get, capped at 1.  Query terms are the stems of its
 *           content words (weight 1) and its concepts (weight 0.5; see
 *           tokenize.h), so "contacted" meets "email" through CONTACT.
 *           IDF comes from the candidate set itself:
 *           ln(1 + (N - df + 0.5) / (df + 0.5)) with df at least 1, so a
 *           query word no memory holds weighs like a word only one holds
 *           instead of more.  k1 = 1.2, b = 0.75.
 *   raw   = 0.5 * cos + 0.5 * lex
 *   score = 1 / (1 + exp(-12 * (raw - 0.30)))
 *
 * Calibration: the logistic places the decision point so that
 * ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD (0.7, the product's documented
 * default for search) falls at raw = 0.30 + ln(0.7/0.3)/12 = 0.371, the
 * raw cut that best separates answers from non-answers on
 * t/fixtures/relevance/labelled.tsv; the slope 12 spreads the fixture's
 * raw range (0..0.8) over most of 0..1.  The mapping is monotone, so a
 * caller's threshold orders results exactly like a raw threshold would.
 * t/unit/test_relevance.c prints precision and recall at 0.7 and nearby
 * thresholds.  The scores are only calibrated for the offline embedder;
 * embed.h lists what it cannot do.
 *
 * Cost: one pass over each candidate's text (tokenizing) plus one dot
 * product of ELAAOMS_EMBED_DIM; no allocation when the caller passes a
 * scratch buffer of elaaoms_relevance_scratch_size(n) bytes, one malloc
 * otherwise.  Candidates without a vector are embedded on the fly (slower).
 */

#ifndef ELAAOMS_RELEVANCE_H
#define ELAAOMS_RELEVANCE_H

#include <stddef.h>

#define ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD  0.7

/* query terms beyond this many (words plus concepts) are ignored */
#define ELAAOMS_RELEVANCE_MAX_TERMS          32

typedef struct {
    const char           *text;
    size_t                len;
    /* the memory's vector: vec (elaaoms_embed_dim() floats) if not NULL,
     * else vec_q8 (elaaoms_vec_pack_q8), else embedded from text here */
    const float          *vec;
    const unsigned char  *vec_q8;
} elaaoms_relevance_cand_t;

/* the components of one score, for diagnostics and the evaluation test */
typedef struct {
    float  cos;
    float  lex;
    float  raw;
} elaaoms_relevance_parts_t;

size_t elaaoms_relevance_scratch_size(size_t n);

/*
 * Scores the query against n candidates into scores[0..n-1].  scratch is
 * elaaoms_relevance_scratch_size(n) bytes owned by the caller, or NULL to
 * have one buffer allocated and freed inside.  parts, if not NULL, gets
 * n entries.  Returns 0, or -1 when the scratch allocation fails.
 */
int elaaoms_relevance_score(const char *query, size_t query_len,
    const elaaoms_relevance_cand_t *cands, size_t n, void *scratch,
    float *scores, elaaoms_relevance_parts_t *parts);

/* the calibration above: raw (0..1) -> score (0..1) */
float elaaoms_relevance_calibrate(float raw);

#endif /* ELAAOMS_RELEVANCE_H */
