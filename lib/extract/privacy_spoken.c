/*
 * Digits spoken as words: "four one one one ...", with "oh", "o", "zero",
 * "double five", "triple one", written digits mixed in ("four one 5
 * ..."), and the commas and hesitations a transcript puts between them
 * ("four one one one, uh, one one one one").  Six or more in a row are a
 * number.
 */

#include <string.h>

#include "extract/privacy_internal.h"


/* spoken digits: this many in a row are a number */
#define ELAAOMS_PII_SPOKEN_MIN   6

/* the digit a word stands for, or -1 */
static int
elaaoms_pii_digit_word(const unsigned char *in, const elaaoms_pii_word_t *w)
{
    int                 d;
    static const char  *words[] = {
        "zero", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine"
    };

    if (elaaoms_pii_word_is(in, w->start, w->end, "oh")
        || elaaoms_pii_word_is(in, w->start, w->end, "o"))
    {
        return 0;
    }

    for (d = 0; d < 10; d++) {
        if (elaaoms_pii_word_is(in, w->start, w->end, words[d])) {
            return d;
        }
    }

    return -1;
}


/* between two words of one spoken number: "four one", "four, one", "4-1" */
static int
elaaoms_pii_spoken_link(const unsigned char *in, size_t s, size_t e)
{
    if (e <= s || e - s > 3) {
        return 0;
    }

    for ( ; s < e; s++) {
        if (in[s] != ' ' && in[s] != ',' && in[s] != '-' && in[s] != '.') {
            return 0;
        }
    }

    return 1;
}


typedef struct {
    size_t  start;
    size_t  end;
    char    digits[ELAAOMS_PII_MAX_DIGITS];
    size_t  ndigits;
    int     words;          /* digits said as words, not written */
    int     kind;           /* the last digit's: 1 word, 2 written */
    size_t  switches;       /* changes between words and written */
    size_t  switch_at;      /* ndigits at the first change */
} elaaoms_pii_spoken_t;


static void
elaaoms_pii_spoken_push(elaaoms_pii_spoken_t *sp, char digit, size_t times,
    int kind)
{
    if (sp->ndigits && kind != sp->kind) {
        if (sp->switches++ == 0) {
            sp->switch_at = sp->ndigits;
        }
    }
    sp->kind = kind;

    while (times--) {
        if (sp->ndigits < ELAAOMS_PII_MAX_DIGITS) {
            sp->digits[sp->ndigits] = digit;
        }
        sp->ndigits++;
    }
}


/*
 * "7713. Seven-seven-one-three.": written digits read back as words (or
 * words then written) are one short number said twice, not a long one --
 * each half under the minimum, the two halves the same digits
 */
static int
elaaoms_pii_spoken_read_back(const elaaoms_pii_spoken_t *sp)
{
    size_t  half;

    if (sp->switches != 1 || sp->ndigits % 2 != 0
        || sp->ndigits > ELAAOMS_PII_MAX_DIGITS)
    {
        return 0;
    }

    half = sp->ndigits / 2;

    return sp->switch_at == half && half < ELAAOMS_PII_SPOKEN_MIN
           && memcmp(sp->digits, sp->digits + half, half) == 0;
}


static void
elaaoms_pii_spoken_end(elaaoms_pii_spoken_t *sp, const elaaoms_pii_key_t *key,
    elaaoms_pii_spans_t *spans)
{
    if (sp->words && sp->ndigits >= ELAAOMS_PII_SPOKEN_MIN
        && !elaaoms_pii_key_matches(key, sp->digits, sp->ndigits)
        && !elaaoms_pii_spoken_read_back(sp))
    {
        elaaoms_pii_add(spans, sp->start, sp->end, ELAAOMS_PII_NUMBER);
    }

    sp->ndigits = 0;
    sp->words = 0;
    sp->switches = 0;
}


void
elaaoms_pii_spoken_digits(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans)
{
    int                   d;
    size_t                pos, i, times, mult_start;
    elaaoms_pii_word_t    w;
    elaaoms_pii_spoken_t  sp;

    memset(&sp, 0, sizeof(sp));
    times = 1;              /* "double" / "triple" seen: 2 / 3 */
    mult_start = 0;

    for (pos = 0; elaaoms_pii_next_word(in, len, pos, &w); pos = w.end) {

        /*
         * a word not linked to the sequence ends it; while a sequence is
         * open the previous word (ending at pos) belongs to it
         */
        if ((sp.ndigits || times > 1)
            && !elaaoms_pii_spoken_link(in, pos, w.start))
        {
            elaaoms_pii_spoken_end(&sp, key, spans);
            times = 1;
        }

        d = elaaoms_pii_digit_word(in, &w);

        if (d >= 0) {
            if (sp.ndigits == 0) {
                sp.start = times > 1 ? mult_start : w.start;
            }
            elaaoms_pii_spoken_push(&sp, (char) ('0' + d), times, 1);
            sp.end = w.end;
            sp.words = 1;
            times = 1;
            continue;
        }

        /* "one one, uh, one": a hesitation inside the number */
        if (sp.ndigits && times == 1
            && elaaoms_pii_filler(in, w.start, w.end))
        {
            continue;
        }

        if (times > 1) {
            /* "double" not followed by a digit: it was just a word */
            elaaoms_pii_spoken_end(&sp, key, spans);
            times = 1;
        }

        if (elaaoms_pii_word_is(in, w.start, w.end, "double")
            || elaaoms_pii_word_is(in, w.start, w.end, "triple"))
        {
            times = (in[w.start] | 0x20) == 'd' ? 2 : 3;
            mult_start = w.start;
            if (sp.ndigits == 0) {
                sp.start = w.start;
            }
            continue;
        }

        for (i = w.start; i < w.end && elaaoms_ascii_digit(in[i]); i++) {
            /* void */
        }

        if (i == w.end) {
            /* written digits inside a spoken number: "four one 5 five" */
            if (sp.ndigits == 0) {
                sp.start = w.start;
            }
            for (i = w.start; i < w.end; i++) {
                elaaoms_pii_spoken_push(&sp, (char) in[i], 1, 2);
            }
            sp.end = w.end;
            continue;
        }

        elaaoms_pii_spoken_end(&sp, key, spans);
    }

    elaaoms_pii_spoken_end(&sp, key, spans);
}

