/*
 * The privacy detectors' common ground: the span list, the caller key
 * comparison, words and filler words.
 */

#include <stdlib.h>
#include <string.h>

#include "extract/privacy_internal.h"


void
elaaoms_pii_add(elaaoms_pii_spans_t *spans, size_t start, size_t end,
    int kind)
{
    size_t               cap;
    elaaoms_pii_span_t  *v;

    if (spans->failed || kind == ELAAOMS_PII_NONE || end <= start) {
        return;
    }

    if (spans->n == spans->cap) {
        cap = spans->cap ? spans->cap * 2 : 16;
        v = realloc(spans->v, cap * sizeof(elaaoms_pii_span_t));
        if (v == NULL) {
            spans->failed = 1;
            return;
        }
        spans->v = v;
        spans->cap = cap;
    }

    spans->v[spans->n].start = start;
    spans->v[spans->n].end = end;
    spans->v[spans->n].kind = kind;
    spans->n++;
}


/* the key ends with these n digits, and has more before them */
static int
elaaoms_pii_key_tail(const elaaoms_pii_key_t *key, const char *digits,
    size_t n)
{
    return key->n > n && memcmp(digits, key->digits + key->n - n, n) == 0;
}


int
elaaoms_pii_key_matches(const elaaoms_pii_key_t *key, const char *digits,
    size_t n)
{
    if (key->n == 0 || n > ELAAOMS_PII_MAX_DIGITS) {
        return 0;
    }

    if (n == key->n && memcmp(digits, key->digits, n) == 0) {
        return 1;
    }

    /* "+1 415 555 0123" said as "415 555 0123" */
    if (n >= 10 && key->n >= 10
        && memcmp(digits + n - 10, key->digits + key->n - 10, 10) == 0)
    {
        return 1;
    }

    /*
     * a national number: the trunk "0" and the national significant
     * number, "+44 20 7946 0958" said as "020 7946 0958"
     */
    return n >= 9 && digits[0] == '0' && digits[1] != '0'
           && elaaoms_pii_key_tail(key, digits + 1, n - 1);
}


/* the bytes [s, e) are the word w, ignoring ASCII case */
int
elaaoms_pii_word_is(const unsigned char *in, size_t s, size_t e,
    const char *w)
{
    size_t  i;

    /* no strlen(): this runs for every word of a transcript */
    for (i = 0; s + i < e; i++) {
        if (w[i] == '\0'
            || elaaoms_ascii_tolower(in[s + i]) != (unsigned char) w[i])
        {
            return 0;
        }
    }

    return w[i] == '\0';
}


/*
 * Words are alphanumeric runs; brackets count as word bytes so that the
 * "o" of "o[redacted-number]" is not read as a spoken zero: redacting a
 * redacted text must find nothing new.
 */
static int
elaaoms_pii_word_byte(unsigned char c)
{
    return elaaoms_ascii_alnum(c) || c == '[' || c == ']';
}


/* the next word at or after pos */
int
elaaoms_pii_next_word(const unsigned char *in, size_t len, size_t pos,
    elaaoms_pii_word_t *w)
{
    while (pos < len && !elaaoms_pii_word_byte(in[pos])) {
        pos++;
    }

    if (pos == len) {
        return 0;
    }

    w->start = pos;
    while (pos < len && elaaoms_pii_word_byte(in[pos])) {
        pos++;
    }
    w->end = pos;

    return 1;
}


/* the word ending at or before pos */
int
elaaoms_pii_prev_word(const unsigned char *in, size_t pos,
    elaaoms_pii_word_t *w)
{
    while (pos > 0 && !elaaoms_pii_word_byte(in[pos - 1])) {
        pos--;
    }

    if (pos == 0) {
        return 0;
    }

    w->end = pos;
    while (pos > 0 && elaaoms_pii_word_byte(in[pos - 1])) {
        pos--;
    }
    w->start = pos;

    return 1;
}


/*
 * Hesitations a speaker puts between the parts of a number ("4111 1111
 * uh 1111", "one one, um, one"); a transcript keeps them.
 */
int
elaaoms_pii_filler(const unsigned char *in, size_t s, size_t e)
{
    const char        **f;
    static const char  *fillers[] = {
        "uh", "uhh", "uhm", "um", "umm", "er", "erm", "ah", "ahh", "eh",
        "hm", "hmm", "mm", "like", "so", "okay", "ok", "well", "yeah",
        NULL
    };

    for (f = fillers; *f; f++) {
        if (elaaoms_pii_word_is(in, s, e, *f)) {
            return 1;
        }
    }

    return 0;
}
