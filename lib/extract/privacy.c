/*
 * The privacy filter: the detectors (privacy_*.c) collect spans in the
 * normalised text, overlapping spans merge (the most sensitive kind wins),
 * then the original text is rebuilt once.
 */

#include <stdlib.h>
#include <string.h>

#include "extract/privacy.h"
#include "extract/privacy_internal.h"


/* --- merging and rewriting ---------------------------------------------- */

static int
elaaoms_pii_span_cmp(const void *a, const void *b)
{
    const elaaoms_pii_span_t  *x = a, *y = b;

    if (x->start != y->start) {
        return x->start < y->start ? -1 : 1;
    }

    return (x->end > y->end) - (x->end < y->end);
}


/* sorts and merges overlapping spans in place; the merged kind is the
 * most sensitive one */
static void
elaaoms_pii_merge(elaaoms_pii_spans_t *spans)
{
    size_t               i, n;
    elaaoms_pii_span_t  *v = spans->v;

    if (spans->n < 2) {
        return;
    }

    qsort(v, spans->n, sizeof(elaaoms_pii_span_t), elaaoms_pii_span_cmp);

    n = 0;

    for (i = 1; i < spans->n; i++) {
        if (v[i].start < v[n].end) {
            if (v[i].end > v[n].end) {
                v[n].end = v[i].end;
            }
            if (v[i].kind > v[n].kind) {
                v[n].kind = v[i].kind;
            }
        } else {
            v[++n] = v[i];
        }
    }

    spans->n = n + 1;
}


static const char *
elaaoms_pii_token(int kind)
{
    switch (kind) {
    case ELAAOMS_PII_CARD:
        return ELAAOMS_REDACTED_CARD;
    case ELAAOMS_PII_SSN:
        return ELAAOMS_REDACTED_SSN;
    case ELAAOMS_PII_EMAIL:
        return ELAAOMS_REDACTED_EMAIL;
    case ELAAOMS_PII_IBAN:
        return ELAAOMS_REDACTED_IBAN;
    case ELAAOMS_PII_PHONE:
        return ELAAOMS_REDACTED_PHONE;
    default:
        return ELAAOMS_REDACTED_NUMBER;
    }
}


static void
elaaoms_pii_count(elaaoms_privacy_counts_t *counts, int kind)
{
    switch (kind) {
    case ELAAOMS_PII_CARD:
        counts->cards++;
        break;
    case ELAAOMS_PII_SSN:
        counts->ssns++;
        break;
    case ELAAOMS_PII_EMAIL:
        counts->emails++;
        break;
    case ELAAOMS_PII_IBAN:
        counts->ibans++;
        break;
    case ELAAOMS_PII_PHONE:
        counts->phones++;
        break;
    default:
        counts->numbers++;
    }
}


/* finds the spans of in, merged; -1 when memory runs out */
static int
elaaoms_pii_find(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans)
{
    size_t                i, nlen, *map;
    unsigned char        *norm;
    const unsigned char  *text;

    spans->n = 0;

    if (elaaoms_pii_normalise(in, len, &norm, &map, &nlen) != 0) {
        return -1;
    }

    text = norm ? norm : in;

    elaaoms_pii_emails(text, nlen, spans);
    elaaoms_pii_spoken_emails(text, nlen, spans);
    elaaoms_pii_ibans(text, nlen, spans);
    elaaoms_pii_digit_runs(text, nlen, key, spans);
    elaaoms_pii_joined_runs(text, nlen, key, spans);
    elaaoms_pii_spoken_digits(text, nlen, key, spans);

    if (map) {
        for (i = 0; i < spans->n; i++) {
            spans->v[i].start = map[spans->v[i].start];
            spans->v[i].end = map[spans->v[i].end];
        }
    }

    free(norm);
    free(map);

    if (spans->failed) {
        return -1;
    }

    elaaoms_pii_merge(spans);

    return 0;
}


/* in with every span replaced by its token, NUL-terminated; NULL on ENOMEM */
static char *
elaaoms_pii_rewrite(const unsigned char *in, size_t len,
    const elaaoms_pii_spans_t *spans, size_t *outlen)
{
    char        *buf, *p;
    size_t       i, size, pos;
    const char  *token;

    size = len + 1;
    for (i = 0; i < spans->n; i++) {
        size += strlen(elaaoms_pii_token(spans->v[i].kind));
    }

    buf = malloc(size);
    if (buf == NULL) {
        return NULL;
    }

    p = buf;
    pos = 0;

    for (i = 0; i < spans->n; i++) {
        memcpy(p, in + pos, spans->v[i].start - pos);
        p += spans->v[i].start - pos;
        token = elaaoms_pii_token(spans->v[i].kind);
        memcpy(p, token, strlen(token));
        p += strlen(token);
        pos = spans->v[i].end;
    }

    memcpy(p, in + pos, len - pos);
    p += len - pos;
    *p = '\0';

    *outlen = p - buf;

    return buf;
}


int
elaaoms_privacy_filter(const char *text, size_t len, const char *caller_key,
    elaaoms_privacy_policy_e policy, char **out, size_t *outlen,
    elaaoms_privacy_counts_t *counts)
{
    char                 *buf, *next;
    size_t                i, total, buflen, nextlen;
    const char           *k;
    elaaoms_pii_key_t     key;
    elaaoms_pii_spans_t   spans;
    const unsigned char  *in = (const unsigned char *) text;

    *out = NULL;
    *outlen = 0;

    if (counts) {
        memset(counts, 0, sizeof(*counts));
    }

    if (in == NULL) {
        len = 0;
        in = (const unsigned char *) "";
    }

    key.n = 0;
    for (k = caller_key; k && *k; k++) {
        if (elaaoms_ascii_digit((unsigned char) *k)
            && key.n < sizeof(key.digits))
        {
            key.digits[key.n++] = *k;
        }
    }
    /* too short to be a phone number: nothing to keep */
    if (key.n < 7) {
        key.n = 0;
    }

    memset(&spans, 0, sizeof(spans));
    buf = NULL;
    buflen = 0;
    total = 0;

    if (elaaoms_pii_find(in, len, &key, &spans) != 0) {
        goto failed;
    }

    if (spans.n && policy == ELAAOMS_PRIVACY_DROP) {
        total = spans.n;
        if (counts) {
            for (i = 0; i < spans.n; i++) {
                elaaoms_pii_count(counts, spans.v[i].kind);
            }
        }
        free(spans.v);
        return (int) total;
    }

    /*
     * Redact until nothing is left: a finding can hide a neighbour's
     * shape (a spoken number swallowing the tail of a written one), and
     * the text handed on must be one the filter passes unchanged.  This
     * ends: every finding holds a digit, an "@", a digit word or an "at",
     * and the tokens that replace findings hold none.
     */
    while (spans.n) {
        total += spans.n;
        if (counts) {
            for (i = 0; i < spans.n; i++) {
                elaaoms_pii_count(counts, spans.v[i].kind);
            }
        }

        next = elaaoms_pii_rewrite(buf ? (unsigned char *) buf : in,
                                   buf ? buflen : len, &spans, &nextlen);
        if (next == NULL) {
            goto failed;
        }

        free(buf);
        buf = next;
        buflen = nextlen;

        if (elaaoms_pii_find((unsigned char *) buf, buflen, &key, &spans)
            != 0)
        {
            goto failed;
        }
    }

    if (buf == NULL) {
        buf = malloc(len + 1);
        if (buf == NULL) {
            goto failed;
        }
        memcpy(buf, in, len);
        buf[len] = '\0';
        buflen = len;
    }

    free(spans.v);

    *out = buf;
    *outlen = buflen;

    return (int) total;

failed:

    free(spans.v);
    free(buf);

    return -1;
}
