/*
 * Word vectors (wordvec.h) over the table scripts/gen-wordvec.pl writes;
 * the build links it in as elaaoms_wordvec_data (an assembler .incbin, so
 * 7 MB of data never goes through the C compiler).
 */

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "search/embed.h"
#include "search/tokenize.h"
#include "search/wordvec.h"


#define ELAAOMS_WV_MAGIC       0x56574c45u     /* "ELWV" */
#define ELAAOMS_WV_VERSION     1
#define ELAAOMS_WV_HEADER      32
#define ELAAOMS_WV_ENTRY       128
#define ELAAOMS_WV_WORD_MAX    23
#define ELAAOMS_WV_WORD_SIZE   24

extern const unsigned char elaaoms_wordvec_data[]
    __attribute__((visibility("hidden")));
extern const unsigned char elaaoms_wordvec_data_end[]
    __attribute__((visibility("hidden")));


typedef struct {
    const unsigned char  *slots;
    const unsigned char  *entries;
    uint32_t              n;
    uint32_t              nslots;
} elaaoms_wv_table_t;


static uint32_t
elaaoms_wv_u32(const unsigned char *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
           | (uint32_t) p[3] << 24;
}


/* the table, or n = 0 when the build linked none or a different one */
static void
elaaoms_wv_table(elaaoms_wv_table_t *t)
{
    size_t                size, need;
    const unsigned char  *p = elaaoms_wordvec_data;

    memset(t, 0, sizeof(elaaoms_wv_table_t));
    size = (size_t) (elaaoms_wordvec_data_end - elaaoms_wordvec_data);

    if (size < ELAAOMS_WV_HEADER
        || elaaoms_wv_u32(p) != ELAAOMS_WV_MAGIC
        || elaaoms_wv_u32(p + 4) != ELAAOMS_WV_VERSION
        || elaaoms_wv_u32(p + 12) != ELAAOMS_WORDVEC_DIM
        || elaaoms_wv_u32(p + 20) != ELAAOMS_WV_ENTRY)
    {
        return;
    }

    t->n = elaaoms_wv_u32(p + 8);
    t->nslots = elaaoms_wv_u32(p + 16);
    need = ELAAOMS_WV_HEADER + (size_t) t->nslots * 4
           + (size_t) t->n * ELAAOMS_WV_ENTRY;

    if (t->nslots == 0 || (t->nslots & (t->nslots - 1)) || t->n >= t->nslots
        || need > size)
    {
        t->n = 0;
        return;
    }

    t->slots = p + ELAAOMS_WV_HEADER;
    t->entries = t->slots + (size_t) t->nslots * 4;
}


size_t
elaaoms_wordvec_words(void)
{
    elaaoms_wv_table_t  t;

    elaaoms_wv_table(&t);

    return t.n;
}


/* the entry of a lowercase word, or NULL */
static const unsigned char *
elaaoms_wv_lookup(const elaaoms_wv_table_t *t, const char *w, size_t len)
{
    uint32_t              s, e;
    const unsigned char  *entry;

    s = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, w, len) & (t->nslots - 1);

    for ( ;; ) {
        e = elaaoms_wv_u32(t->slots + (size_t) s * 4);
        if (e == 0 || e > t->n) {
            return NULL;
        }

        entry = t->entries + (size_t) (e - 1) * ELAAOMS_WV_ENTRY;
        if (strncmp((const char *) entry, w, ELAAOMS_WV_WORD_SIZE) == 0) {
            return entry;
        }

        s = (s + 1) & (t->nslots - 1);
    }
}


/* adds the known words of one text; returns how many */
static size_t
elaaoms_wv_add(const elaaoms_wv_table_t *t, const char *text, size_t len,
    float *acc)
{
    size_t                i, k, n, wl;
    float                 weight;
    char                  w[ELAAOMS_WV_WORD_MAX + 2];
    unsigned char         c;
    const unsigned char  *entry;
    const signed char    *v;

    n = 0;
    i = 0;

    while (i < len) {
        c = (unsigned char) text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')))
        {
            i++;
            continue;
        }

        /* [a-z0-9]+ and one "'s", "'ll", "n't"-like tail, lowercased */
        wl = 0;
        while (i < len) {
            c = (unsigned char) text[i];
            if (c >= 'A' && c <= 'Z') {
                c = (unsigned char) (c - 'A' + 'a');
            }
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                break;
            }
            if (wl <= ELAAOMS_WV_WORD_MAX) {
                w[wl++] = (char) c;
            }
            i++;
        }

        if (i + 1 < len && text[i] == '\''
            && ((text[i + 1] | 0x20) >= 'a' && (text[i + 1] | 0x20) <= 'z'))
        {
            if (wl <= ELAAOMS_WV_WORD_MAX) {
                w[wl++] = '\'';
            }
            i++;
            while (i < len && ((text[i] | 0x20) >= 'a'
                               && (text[i] | 0x20) <= 'z'))
            {
                if (wl <= ELAAOMS_WV_WORD_MAX) {
                    w[wl++] = (char) (text[i] | 0x20);
                }
                i++;
            }
        }

        if (wl > ELAAOMS_WV_WORD_MAX) {
            continue;
        }
        w[wl] = '\0';

        entry = elaaoms_wv_lookup(t, w, wl);
        if (entry == NULL) {
            continue;
        }

        memcpy(&weight, entry + ELAAOMS_WV_WORD_SIZE, sizeof(float));
        v = (const signed char *) entry + ELAAOMS_WV_WORD_SIZE + 4;

        for (k = 0; k < ELAAOMS_WORDVEC_DIM; k++) {
            acc[k] += weight * (float) v[k];
        }
        n++;
    }

    return n;
}


size_t
elaaoms_wordvec_text(const char *text, size_t len, const char *more,
    size_t more_len, float *out)
{
    size_t              k, n;
    float               norm;
    elaaoms_wv_table_t  t;

    memset(out, 0, ELAAOMS_WORDVEC_DIM * sizeof(float));
    elaaoms_wv_table(&t);

    if (t.n == 0) {
        return 0;
    }

    n = text ? elaaoms_wv_add(&t, text, len, out) : 0;
    n += more ? elaaoms_wv_add(&t, more, more_len, out) : 0;

    norm = 0;
    for (k = 0; k < ELAAOMS_WORDVEC_DIM; k++) {
        norm += out[k] * out[k];
    }

    if (norm == 0) {
        return 0;
    }

    norm = 1.0f / sqrtf(norm);
    for (k = 0; k < ELAAOMS_WORDVEC_DIM; k++) {
        out[k] *= norm;
    }

    return n;
}


void
elaaoms_wordvec_text_q8(const char *text, size_t len, const char *more,
    size_t more_len, unsigned char *out)
{
    float  v[ELAAOMS_WORDVEC_DIM];

    (void) elaaoms_wordvec_text(text, len, more, more_len, v);
    elaaoms_vec_pack_q8(v, ELAAOMS_WORDVEC_DIM, out);
}


size_t
elaaoms_wordvec_query(const char *text, size_t len,
    elaaoms_wordvec_query_t *out)
{
    size_t  n;
    float   v[ELAAOMS_WORDVEC_DIM];

    n = elaaoms_wordvec_text(text, len, NULL, 0, v);
    elaaoms_vec_pack_q8(v, ELAAOMS_WORDVEC_DIM, (unsigned char *) out->q);
    out->norm = sqrtf((float) elaaoms_wordvec_norm2(
                                  (const unsigned char *) out->q));

    return out->norm > 0 ? n : 0;
}


int32_t
elaaoms_wordvec_norm2(const unsigned char *v)
{
    size_t              k;
    int32_t             sum;
    const signed char  *s = (const signed char *) v;

    sum = 0;
    for (k = 0; k < ELAAOMS_WORDVEC_DIM; k++) {
        sum += (int32_t) s[k] * s[k];
    }

    return sum;
}


float
elaaoms_wordvec_cosine(const elaaoms_wordvec_query_t *q,
    const unsigned char *v, int32_t norm2)
{
    size_t              k;
    int32_t             dot;
    const signed char  *s = (const signed char *) v;

    if (q->norm == 0 || norm2 == 0) {
        return 0;
    }

    dot = 0;
    for (k = 0; k < ELAAOMS_WORDVEC_DIM; k++) {
        dot += (int32_t) q->q[k] * s[k];
    }

    return (float) dot / q->norm / sqrtf((float) norm2);
}


float
elaaoms_wordvec_relevance(float cos)
{
    float  rel;

    if (cos >= ELAAOMS_WORDVEC_CUT) {
        return 0.7f + ELAAOMS_WORDVEC_SLOPE_ABOVE * (cos - ELAAOMS_WORDVEC_CUT);
    }

    rel = 0.7f - ELAAOMS_WORDVEC_SLOPE_BELOW * (ELAAOMS_WORDVEC_CUT - cos);

    return rel > 0 ? rel : 0;
}


float
elaaoms_wordvec_top_cut(const float *cos, size_t n)
{
    size_t  i, j, ntop;
    float   top[ELAAOMS_WORDVEC_TOP];

    ntop = 0;

    for (i = 0; i < n; i++) {
        if (cos[i] < -1) {
            continue;
        }

        /* insertion into the sorted (descending) few */
        if (ntop < ELAAOMS_WORDVEC_TOP) {
            j = ntop++;
        } else if (cos[i] > top[ELAAOMS_WORDVEC_TOP - 1]) {
            j = ELAAOMS_WORDVEC_TOP - 1;
        } else {
            continue;
        }

        while (j > 0 && top[j - 1] < cos[i]) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = cos[i];
    }

    return ntop == ELAAOMS_WORDVEC_TOP ? top[ELAAOMS_WORDVEC_TOP - 1] : -2;
}
