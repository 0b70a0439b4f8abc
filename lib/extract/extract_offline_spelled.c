/*
 * A reference the caller announces, then reads out in the next sentence
 * (see extract_offline.h):
 *
 *   "The member number is, hang on. B-S-P, six zero three, one eight."
 *       The caller's member number is B-S-P, six zero three, one eight.
 *   "The model number's on the sticker, hold on... W-M, three seven
 *   seven zero. WM3770."
 *       The caller's model number is W-M, three seven seven zero.
 *       The caller's model number is WM3770.
 *
 * or reads out at the end of the same sentence, after words of its own:
 *
 *   "The size on the side says, hang on, I'm looking at it,
 *   two-twenty-five, sixty-five, R-seventeen."
 *       The caller's size is two-twenty-five, sixty-five, R-seventeen.
 *
 * Without it the value is "The caller said B-S-P, ..." and nothing says
 * what it is the number of.
 */

#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


/* the word that names a reference, and the words that ask for a moment */
#define XO_SPELLED_KIND   "number*|code|codes|id|serial|pin|plate|vin|size"
static const char *xo_spelled_wait[] = {
    "hold|hang on", "one|a|just sec|second|moment|minute",
    "let me look|check|see|find|grab|get", "bear with", NULL
};

/* words that may stand between the digits and letters read out */
static const char *xo_spelled_glue[] = {
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
    "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "double", "triple", "dash", "hyphen", "no", "sorry", "and",
    "then", NULL
};


/* a hyphenated word whose parts are all read out: 2 when a letter is
 * one of them ("R-seventeen"), 1 when all are number words */
static int
xo_spelled_parts(const char *w, size_t n)
{
    size_t       k, a, g;
    int          strong;

    strong = 1;
    for (a = 0; a < n; a = k + 1) {
        for (k = a; k < n && w[k] != '-'; k++) { /* void */ }

        if (k - a == 1 && elaaoms_ascii_upper((unsigned char) w[a])) {
            strong = 2;
            continue;
        }

        for (g = 0; xo_spelled_glue[g] != NULL; g++) {
            if (strlen(xo_spelled_glue[g]) == k - a
                && strncasecmp(xo_spelled_glue[g], w + a, k - a) == 0)
            {
                break;
            }
        }
        if (xo_spelled_glue[g] == NULL) {
            return 0;
        }
    }

    return strong;
}


/* word i is read out: 3 digits or letters spelled "B-S-P", 2 a letter
 * alone (not "I"), 1 a word said between them, else 0 */
static int
xo_spelled_word(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       k, n;
    const char  *w;

    w = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;

    for (k = 0; k < n; k++) {
        if (elaaoms_ascii_digit((unsigned char) w[k])) {
            return 3;
        }
    }

    if (n == 1 && elaaoms_ascii_upper((unsigned char) w[0]) && w[0] != 'I') {
        return 2;
    }

    /* "B-S-P": capitals, each alone between hyphens */
    if (n >= 3) {
        for (k = 0; k < n; k++) {
            if (k % 2 == 0 ? !elaaoms_ascii_upper((unsigned char) w[k])
                           : w[k] != '-')
            {
                break;
            }
        }
        if (k == n && n % 2 == 1) {
            return 3;
        }
    }

    /* "two-twenty-five", "R-seventeen": said in parts */
    if (memchr(w, '-', n) != NULL) {
        return xo_spelled_parts(w, n);
    }

    return elaaoms_xo_in_list(st, i, xo_spelled_glue);
}


/* "The caller's member number is B-S-P, six zero three, one eight." */
static void
xo_spelled_put(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t from, size_t to)
{
    elaaoms_xo_buf_t  b;

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, "The caller's ");
    elaaoms_xo_puts(&b, cx->announced);
    elaaoms_xo_puts(&b, " is ");
    elaaoms_xo_put_words(&b, st, from, to);
    elaaoms_xo_puts(&b, ".");
    elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_DETAIL,
                   ELAAOMS_XO_CONF_NAMED, 0);
}


/* where the words read out at the sentence's end start (after a comma);
 * *to gets the end without the closing punctuation; *to when none */
static size_t
xo_spelled_tail(const elaaoms_xo_sent_t *st, size_t *to)
{
    size_t  i, t, strong;

    *to = st->ntok;
    while (*to > 0 && st->tok[*to - 1].punct) {
        (*to)--;
    }

    t = *to;
    strong = 0;
    for (i = *to; i > 0; i--) {
        if (st->tok[i - 1].punct) {
            if (*elaaoms_xo_tok_p(st, i - 1) != ',') {
                break;
            }
            continue;
        }
        if (xo_spelled_word(st, i - 1) == 0) {
            break;
        }
        strong += xo_spelled_word(st, i - 1) >= 2;
        t = i - 1;
    }

    /* after a comma, and something more than a number word */
    if (strong == 0 || t == 0 || !st->tok[t - 1].punct) {
        return *to;
    }

    return t;
}


int
elaaoms_xo_spelled_value(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int     w, strong;
    size_t  i, to;

    if (cx->announced[0] == '\0' || st->ntok == 0) {
        return 0;
    }

    to = st->ntok;
    while (to > 0 && st->tok[to - 1].punct) {
        to--;
    }

    strong = 0;
    for (i = 0; i < to; i++) {
        if (st->tok[i].punct) {
            continue;
        }
        w = xo_spelled_word(st, i);
        if (w == 0) {
            cx->announced[0] = '\0';
            return 0;
        }
        strong += w >= 2;
    }

    if (strong == 0) {
        cx->announced[0] = '\0';
        return 0;
    }

    xo_spelled_put(cx, st, 0, to);

    return 1;
}


void
elaaoms_xo_spelled_announce(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st)
{
    long         at;
    size_t       i, k, from, n, len, wait, tail, to;
    const char  *w;

    cx->announced[0] = '\0';

    at = elaaoms_xo_find(st, 0, XO_SPELLED_KIND, NULL);
    if (at < 0) {
        return;
    }

    for (k = 0; xo_spelled_wait[k] != NULL; k++) {
        if (elaaoms_xo_find(st, (size_t) at, xo_spelled_wait[k], &wait) >= 0)
        {
            break;
        }
    }
    if (xo_spelled_wait[k] == NULL) {
        return;
    }

    /* a value said already is no announcement, unless it ends the
       sentence after words of its own ("The size says, hang on, I'm
       looking at it, two-twenty-five, sixty-five, R-seventeen.") */
    tail = xo_spelled_tail(st, &to);
    for (i = 0; i < st->ntok; i++) {
        if (!st->tok[i].punct && xo_spelled_word(st, i) == 3 && i < tail) {
            return;
        }
    }
    if (tail < to && tail <= wait + 1) {
        return;
    }

    /* "the member number", "my card number": up to two words before */
    from = (size_t) at;
    while (from > 0 && (size_t) at - from < 2 && !st->tok[from - 1].punct
           && !elaaoms_xo_match(st, from - 1, "the|my|our|his|her|their|"
                                "your|a|an|it's|its|is|and|so|um|uh|okay",
                                NULL))
    {
        from--;
    }

    n = 0;
    for (i = from; i <= (size_t) at; i++) {
        w = elaaoms_xo_tok_p(st, i);
        len = st->tok[i].len;
        /* "number's": the word without its "'s" */
        if (i == (size_t) at && len > 2 && w[len - 2] == '\'') {
            len -= 2;
        }
        if (n + len + 2 > sizeof(cx->announced)) {
            cx->announced[0] = '\0';
            return;
        }
        if (n > 0) {
            cx->announced[n++] = ' ';
        }
        for (; len > 0; len--) {
            cx->announced[n++] = (char) elaaoms_ascii_tolower((unsigned char)
                                                                *w++);
        }
    }
    cx->announced[n] = '\0';

    if (tail < to) {
        xo_spelled_put(cx, st, tail, to);
    }
}
