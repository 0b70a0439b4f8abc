/*
 * Shared by the privacy filter's detectors (privacy_*.c): the span list
 * they fill, words, filler words and the caller key.  Detectors see the
 * normalised text (privacy_norm.c): full-width forms and Unicode spaces
 * and dashes already read as their ASCII counterparts.
 */

#ifndef ELAAOMS_PRIVACY_INTERNAL_H
#define ELAAOMS_PRIVACY_INTERNAL_H

#include <stddef.h>

#include "util/ascii.h"


/* ascending sensitivity: a merged span takes the highest kind */
typedef enum {
    ELAAOMS_PII_NONE = 0,
    ELAAOMS_PII_NUMBER,
    ELAAOMS_PII_PHONE,
    ELAAOMS_PII_SSN,
    ELAAOMS_PII_CARD,
    ELAAOMS_PII_IBAN,
    ELAAOMS_PII_EMAIL
} elaaoms_pii_e;

typedef struct {
    size_t  start;
    size_t  end;
    int     kind;
} elaaoms_pii_span_t;

typedef struct {
    elaaoms_pii_span_t  *v;
    size_t               n;
    size_t               cap;
    int                  failed;
} elaaoms_pii_spans_t;

/* the digits of the caller key, the one phone number that stays */
typedef struct {
    char    digits[32];
    size_t  n;
} elaaoms_pii_key_t;

typedef struct {
    size_t  start;
    size_t  end;
} elaaoms_pii_word_t;

/* digits kept per run or spoken sequence; longer ones are counted only */
#define ELAAOMS_PII_MAX_DIGITS   64
#define ELAAOMS_PII_MAX_GROUPS   8

/* a written number: digit groups and what joins them */
typedef struct {
    size_t  start;              /* with a leading "+" or "(" */
    size_t  end;
    char    digits[ELAAOMS_PII_MAX_DIGITS];
    size_t  ndigits;            /* all of them, even beyond the array */
    size_t  groups[ELAAOMS_PII_MAX_GROUPS];
    /*
     * the separator after a group: its byte when it is one byte, 'x' for
     * longer ones; in joined runs ',' for a comma, '/' for a slash and
     * 'f' for filler words
     */
    char    seps[ELAAOMS_PII_MAX_GROUPS];
    size_t  ngroups;
    unsigned  plus:1;
    unsigned  dotted:1;
    /*
     * letters lead into it: "X200", "XYZ-789".  Letters after the digits
     * do not count: they may be an e-mail's local part whose redaction
     * would leave the digits bare, and a second pass must agree
     */
    unsigned  glued:1;
} elaaoms_pii_run_t;


void elaaoms_pii_add(elaaoms_pii_spans_t *spans, size_t start, size_t end,
    int kind);
int elaaoms_pii_key_matches(const elaaoms_pii_key_t *key, const char *digits,
    size_t n);

int elaaoms_pii_word_is(const unsigned char *in, size_t s, size_t e,
    const char *w);
int elaaoms_pii_next_word(const unsigned char *in, size_t len, size_t pos,
    elaaoms_pii_word_t *w);
int elaaoms_pii_prev_word(const unsigned char *in, size_t pos,
    elaaoms_pii_word_t *w);
int elaaoms_pii_filler(const unsigned char *in, size_t s, size_t e);

size_t elaaoms_pii_separator(const unsigned char *in, size_t len,
    size_t pos);
size_t elaaoms_pii_read_group(const unsigned char *in, size_t len, size_t p,
    elaaoms_pii_run_t *run);
int elaaoms_pii_luhn(const char *digits, size_t n);
int elaaoms_pii_shape(const elaaoms_pii_run_t *run, const size_t *shape);
int elaaoms_pii_nanp(const elaaoms_pii_run_t *run, int strict);
int elaaoms_pii_national(const elaaoms_pii_run_t *run);

void elaaoms_pii_emails(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans);
void elaaoms_pii_spoken_emails(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans);
void elaaoms_pii_digit_runs(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans);
void elaaoms_pii_joined_runs(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans);
void elaaoms_pii_spoken_digits(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans);
void elaaoms_pii_ibans(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans);

/*
 * The normalised form of text: *norm is the text with each mapped
 * character replaced by one ASCII byte, (*map)[i] the offset in text of
 * the byte norm[i] came from ((*map)[*normlen] == len).  Without anything
 * to map, *norm and *map are NULL.  Returns -1 when memory runs out.
 */
int elaaoms_pii_normalise(const unsigned char *text, size_t len,
    unsigned char **norm, size_t **map, size_t *normlen);

#endif /* ELAAOMS_PRIVACY_INTERNAL_H */
