/*
 * The built-in offline embedder: text -> a fixed-size, L2-normalized float
 * vector, deterministic and free of external data, so memory search works
 * with no embedding API configured.
 *
 * Features (tokenize.h gives the words, stems and concepts), each hashed
 * with FNV-1a into one of ELAAOMS_EMBED_DIM buckets with a hash-chosen
 * sign (the signed hashing trick: colliding features cancel on average
 * instead of piling up):
 *
 *   stem unigrams of content words            weight 1.0
 *   bigrams of adjacent content words         weight 0.5
 *   character trigrams of each content word,
 *   with word boundaries ("^or", "ord", "rd$") weight 0.25 each
 *   concepts present in the text (once each)  weight 1.0
 *
 * Stopwords contribute nothing; a text of stopwords only embeds to the zero
 * vector, whose cosine with anything is 0.
 *
 * What it cannot do: it has no real semantics.  Two texts meet only
 * through shared stems, shared spelling (trigrams) or a shared concept of
 * the built-in table, so "is she a big spender?" finds nothing in "VIP
 * customer", and paraphrases outside the concept table miss.  It does not
 * see negation ("does not want email" looks like "wants email"), word
 * order beyond bigrams, or who a sentence is about ("her daughter's
 * name" vs "her name").  Vectors are only comparable with vectors of the
 * same ELAAOMS_EMBED_MODEL: store the model name next to them and
 * re-embed when it changes.
 */

#ifndef ELAAOMS_EMBED_H
#define ELAAOMS_EMBED_H

#include <stddef.h>
#include <stdint.h>

#define ELAAOMS_EMBED_DIM    384
/*
 * bump when features, weights or the tokenizer's tables change: records
 * of an older build are re-embedded by the worker's next write of their
 * caller and by "upgrade" (store/memory_reembed.h); v5: the concept table
 * and stopwords grew from v4's (2026-12-04); v6: the concept table grew
 * again (choices, health, places, feelings: 2026-12-05); v9: feelings
 * grew (proud, weepy, teary: 2026-12-06); v10: "lost" a word of death
 * ("has she lost anyone": 2026-12-06)
 */
#define ELAAOMS_EMBED_MODEL  "elaaoms-hash-v10-384"

size_t elaaoms_embed_dim(void);
const char *elaaoms_embed_model(void);

/*
 * Writes elaaoms_embed_dim() floats to out (the caller's buffer): unit
 * length, or all zeros when the text has no content word.  No allocation.
 */
void elaaoms_embed_text(const char *text, size_t len, float *out);

/* cosine similarity in -1..1; 0 when either vector is zero */
float elaaoms_cosine(const float *a, const float *b, size_t dim);


/*
 * Compact storage: one signed byte per dimension, so a vector takes
 * exactly ELAAOMS_VEC_Q8_SIZE(dim) bytes (384 for the built-in model) and
 * 1,000 memories' vectors fit in one 384 KB Redis reply.
 *
 * Packing scales the vector so that its largest component maps to +-127
 * and rounds; no scale is stored because cosine does not depend on length
 * and unpacking renormalizes to unit length.  Error: every component is
 * off by at most max|v| / 254 before renormalizing, and components that
 * are exactly 0 (most of them: a memory has a few dozen features for 384
 * buckets) stay exact.  Measured over the relevance fixture's texts, a
 * cosine computed with one or both vectors packed differs from the float
 * cosine by at most 0.0017 (t/unit/test_embed.c prints it and fails
 * above 0.01) -- two orders of magnitude below the gaps that decide
 * relevance.
 */
#define ELAAOMS_VEC_Q8_SIZE(dim)  (dim)

void elaaoms_vec_pack_q8(const float *v, size_t dim, unsigned char *out);

/* writes dim floats of unit length (or zeros for a zero vector) */
void elaaoms_vec_unpack_q8(const unsigned char *in, size_t dim, float *out);

/* cosine of a float vector and a packed one, without unpacking */
float elaaoms_cosine_q8(const float *a, const unsigned char *bq, size_t dim);

/*
 * One vector compared with many packed ones (a search's question with
 * every memory): a as int16 (its largest component at 32767) with its
 * scale and float squared norm, then integer dot products the compiler
 * vectorizes (the lib is built with -fvect-cost-model=dynamic).  The
 * cosine differs from elaaoms_cosine_q8()'s by the int16 rounding of a,
 * under 1e-4.
 */
typedef struct {
    int16_t  v[ELAAOMS_EMBED_DIM];
    float    scale;         /* v[i] = round(a[i] * scale) */
    float    norm2;         /* of a, in floats */
    size_t   dim;
} elaaoms_vec_q16_t;

/* dim at most ELAAOMS_EMBED_DIM */
void elaaoms_vec_q16_prepare(const float *a, size_t dim,
    elaaoms_vec_q16_t *out);
float elaaoms_cosine_q16_q8(const elaaoms_vec_q16_t *a,
    const unsigned char *bq);

#endif /* ELAAOMS_EMBED_H */
