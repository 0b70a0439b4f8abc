/*
 * The offline embedder: signed feature hashing of stems, bigrams,
 * character trigrams and concepts.
 */

#include <math.h>
#include <string.h>

#include "search/embed.h"
#include "search/tokenize.h"


#define ELAAOMS_EMBED_W_UNIGRAM  1.0f
#define ELAAOMS_EMBED_W_BIGRAM   0.5f
#define ELAAOMS_EMBED_W_TRIGRAM  0.25f
#define ELAAOMS_EMBED_W_CONCEPT  1.0f

/* a seed per feature kind: the unigram "ord" is not the trigram "ord" */
#define ELAAOMS_SEED_UNIGRAM  'u'
#define ELAAOMS_SEED_BIGRAM   'b'
#define ELAAOMS_SEED_TRIGRAM  't'
#define ELAAOMS_SEED_CONCEPT  'c'


size_t
elaaoms_embed_dim(void)
{
    return ELAAOMS_EMBED_DIM;
}


const char *
elaaoms_embed_model(void)
{
    return ELAAOMS_EMBED_MODEL;
}


static uint32_t
elaaoms_feature_seed(unsigned char kind)
{
    return elaaoms_fnv1a(ELAAOMS_FNV_BASIS, &kind, 1);
}


/*
 * FNV-1a's low bits mix poorly; the murmur3 finalizer spreads them before
 * the hash picks a bucket (high bits) and a sign (low bit)
 */
static void
elaaoms_add_feature(float *out, uint32_t h, float weight)
{
    uint32_t  bucket;

    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;

    bucket = (uint32_t) (((uint64_t) h * ELAAOMS_EMBED_DIM) >> 32);

    out[bucket] += (h & 1) ? weight : -weight;
}


static void
elaaoms_add_trigrams(float *out, const elaaoms_token_t *tok)
{
    size_t         i, n;
    unsigned char  buf[ELAAOMS_TOKEN_MAX + 2];

    /* "^word$": the boundaries make prefixes and suffixes features too */
    n = tok->word_len;
    buf[0] = '^';
    memcpy(buf + 1, tok->word, n);
    buf[n + 1] = '$';
    n += 2;

    for (i = 0; i + 3 <= n; i++) {
        elaaoms_add_feature(out,
            elaaoms_fnv1a(elaaoms_feature_seed(ELAAOMS_SEED_TRIGRAM),
                          buf + i, 3),
            ELAAOMS_EMBED_W_TRIGRAM);
    }
}


void
elaaoms_embed_text(const char *text, size_t len, float *out)
{
    int                  c;
    size_t               i;
    double               norm;
    char                 prev[ELAAOMS_TOKEN_MAX + 1];
    size_t               prev_len;
    uint32_t             h, concepts;
    const char          *name;
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    memset(out, 0, ELAAOMS_EMBED_DIM * sizeof(float));

    concepts = 0;
    prev_len = 0;

    elaaoms_tokenizer_init(&tz, text, len);

    while (elaaoms_tokenizer_next(&tz, &tok)) {
        if (tok.stopword) {
            continue;
        }

        elaaoms_add_feature(out,
            elaaoms_fnv1a(elaaoms_feature_seed(ELAAOMS_SEED_UNIGRAM),
                          tok.stem, tok.stem_len),
            ELAAOMS_EMBED_W_UNIGRAM);

        /*
         * bigrams skip stopwords: "order was delayed" -> "order delay";
         * hashed as text, so vectors do not depend on the byte order
         */
        if (prev_len) {
            h = elaaoms_feature_seed(ELAAOMS_SEED_BIGRAM);
            h = elaaoms_fnv1a(h, prev, prev_len);
            h = elaaoms_fnv1a(h, " ", 1);
            h = elaaoms_fnv1a(h, tok.stem, tok.stem_len);
            elaaoms_add_feature(out, h, ELAAOMS_EMBED_W_BIGRAM);
        }
        memcpy(prev, tok.stem, tok.stem_len);
        prev_len = tok.stem_len;

        elaaoms_add_trigrams(out, &tok);

        concepts |= tok.concepts;
    }

    /* a concept counts once: "email or phone or text" is one CONTACT */
    for (c = 0; c < ELAAOMS_NCONCEPTS; c++) {
        if (concepts & (1u << c)) {
            name = elaaoms_concept_name(c);
            h = elaaoms_fnv1a(elaaoms_feature_seed(ELAAOMS_SEED_CONCEPT),
                              name, strlen(name));
            elaaoms_add_feature(out, h, ELAAOMS_EMBED_W_CONCEPT);
        }
    }

    norm = 0;
    for (i = 0; i < ELAAOMS_EMBED_DIM; i++) {
        norm += (double) out[i] * out[i];
    }

    if (norm > 0) {
        norm = 1.0 / sqrt(norm);
        for (i = 0; i < ELAAOMS_EMBED_DIM; i++) {
            out[i] = (float) (out[i] * norm);
        }
    }
}


float
elaaoms_cosine(const float *a, const float *b, size_t dim)
{
    size_t  i;
    float   dot, na, nb;

    dot = na = nb = 0;

    for (i = 0; i < dim; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }

    if (na == 0 || nb == 0) {
        return 0;
    }

    return dot / sqrtf(na * nb);
}


void
elaaoms_vec_pack_q8(const float *v, size_t dim, unsigned char *out)
{
    size_t  i;
    float   max, scale;
    long    q;

    max = 0;
    for (i = 0; i < dim; i++) {
        if (fabsf(v[i]) > max) {
            max = fabsf(v[i]);
        }
    }

    scale = (max > 0) ? 127.0f / max : 0;

    for (i = 0; i < dim; i++) {
        q = lrintf(v[i] * scale);
        if (q > 127) {
            q = 127;
        } else if (q < -127) {
            q = -127;
        }
        out[i] = (unsigned char) (int8_t) q;
    }
}


void
elaaoms_vec_unpack_q8(const unsigned char *in, size_t dim, float *out)
{
    size_t  i;
    float   norm;

    norm = 0;
    for (i = 0; i < dim; i++) {
        out[i] = (float) (int8_t) in[i];
        norm += out[i] * out[i];
    }

    if (norm > 0) {
        norm = 1.0f / sqrtf(norm);
        for (i = 0; i < dim; i++) {
            out[i] *= norm;
        }
    }
}


float
elaaoms_cosine_q8(const float *a, const unsigned char *bq, size_t dim)
{
    size_t  i;
    float   b, dot, na, nb;

    dot = na = nb = 0;

    for (i = 0; i < dim; i++) {
        b = (float) (int8_t) bq[i];
        dot += a[i] * b;
        na += a[i] * a[i];
        nb += b * b;
    }

    if (na == 0 || nb == 0) {
        return 0;
    }

    return dot / sqrtf(na * nb);
}


void
elaaoms_vec_q16_prepare(const float *a, size_t dim, elaaoms_vec_q16_t *out)
{
    size_t  i;
    float   m, x;

    if (dim > ELAAOMS_EMBED_DIM) {
        dim = ELAAOMS_EMBED_DIM;
    }

    m = 0;
    out->norm2 = 0;

    for (i = 0; i < dim; i++) {
        x = fabsf(a[i]);
        if (x > m) {
            m = x;
        }
        out->norm2 += a[i] * a[i];
    }

    out->dim = dim;
    out->scale = m > 0 ? 32767.0f / m : 0;

    /* most dimensions of a short text are 0: no rounding call for them */
    for (i = 0; i < dim; i++) {
        out->v[i] = a[i] != 0 ? (int16_t) lrintf(a[i] * out->scale) : 0;
    }
}


float
elaaoms_cosine_q16_q8(const elaaoms_vec_q16_t *a, const unsigned char *bq)
{
    size_t         i;
    int32_t        dot, nb;
    const int8_t  *q = (const int8_t *) bq;

    /* |dot| <= 32767 * 127 * 384 < 2^31 */
    dot = 0;
    nb = 0;

    for (i = 0; i < a->dim; i++) {
        dot += (int32_t) a->v[i] * q[i];
        nb += (int32_t) q[i] * q[i];
    }

    if (a->norm2 == 0 || a->scale == 0 || nb == 0) {
        return 0;
    }

    return ((float) dot / a->scale) / sqrtf(a->norm2 * (float) nb);
}
