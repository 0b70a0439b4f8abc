/*
 * Digit groups joined across what a transcript puts between the parts of
 * a number read out: commas ("4111, 1111, 1111, 1111"), slashes
 * ("4111/1111/...", "089/1234567") and filler words ("4111 1111 uh 1111
 * 1111").  Such joins are loose -- "2019, 2020, 2021" and "250, 300,
 * 4000" are lists -- so a joined run of years or round numbers is none,
 * and others count only in the shapes that say card or phone: card
 * groupings (then Luhn, or the 13-digit rule), North American numbers
 * with valid area and exchange codes, the national shapes; runs the
 * strict separators alone make are privacy_digits.c's.
 */

#include <string.h>

#include "extract/privacy_internal.h"


/*
 * A loose separator at pos: spaces, at most two commas or slashes, at most
 * two filler words, then a digit.  Returns its length, 0 when there is
 * none, and its kind in *kind: 'f' with words, else ',' or '/'.
 */
static size_t
elaaoms_pii_loose_separator(const unsigned char *in, size_t len, size_t pos,
    char *kind)
{
    size_t  p, e, words, commas, slashes, spaces;

    words = commas = slashes = spaces = 0;

    for (p = pos; p < len && p - pos < 24; /* void */) {
        if (in[p] == ' ') {
            spaces++;
            p++;

        } else if (in[p] == ',') {
            commas++;
            p++;

        } else if (in[p] == '/') {
            slashes++;
            p++;

        } else if (elaaoms_ascii_alpha(in[p]) && p > pos) {
            for (e = p; e < len && elaaoms_ascii_alpha(in[e]); e++) {
                /* void */
            }
            if (!elaaoms_pii_filler(in, p, e)) {
                return 0;
            }
            words++;
            p = e;

        } else {
            break;
        }
    }

    if (p == pos || p >= len || !elaaoms_ascii_digit(in[p])
        || elaaoms_ascii_alpha(in[p - 1]) || elaaoms_ascii_alpha(in[pos]))
    {
        return 0;
    }

    if (words + commas + slashes == 0 || words > 2 || commas + slashes > 2
        || (commas && slashes) || spaces > 4)
    {
        return 0;
    }

    *kind = words ? 'f' : (commas ? ',' : '/');

    return p - pos;
}


/* the run at i with loose joins; ends[] gets each group's end */
static int
elaaoms_pii_read_joined(const unsigned char *in, size_t len, size_t i,
    elaaoms_pii_run_t *run, size_t *ends)
{
    int     loose;
    char    kind;
    size_t  p, sep;

    memset(run, 0, sizeof(*run));
    run->start = i;
    loose = 0;
    p = i;

    for ( ;; ) {
        p = elaaoms_pii_read_group(in, len, p, run);
        ends[run->ngroups - 1] = p;

        if (run->ngroups == ELAAOMS_PII_MAX_GROUPS) {
            break;
        }

        sep = elaaoms_pii_separator(in, len, p);
        kind = (sep == 1) ? (char) in[p] : 'x';

        if (sep == 0) {
            sep = elaaoms_pii_loose_separator(in, len, p, &kind);
            loose |= (sep != 0);
        }

        if (sep == 0) {
            break;
        }

        run->seps[run->ngroups - 1] = kind;
        p += sep;
    }

    return loose;
}


/* "2019, 2020, 2021": years, not a number */
static int
elaaoms_pii_years(const elaaoms_pii_run_t *run)
{
    size_t       i;
    const char  *d = run->digits;

    for (i = 0; i < run->ngroups; i++, d += 4) {
        if (run->groups[i] != 4 || run->ndigits > ELAAOMS_PII_MAX_DIGITS
            || !((d[0] == '1' && d[1] == '9') || (d[0] == '2' && d[1] == '0')))
        {
            return 0;
        }
    }

    return 1;
}


/* "250, 300, 4000": every group a round number, amounts */
static int
elaaoms_pii_round(const elaaoms_pii_run_t *run, const size_t *ends,
    const unsigned char *in)
{
    size_t  i;

    for (i = 0; i < run->ngroups; i++) {
        if (in[ends[i] - 1] != '0') {
            return 0;
        }
    }

    return 1;
}


/* 4-4-4-4 (the last group 1-4 digits, up to 19 in all), Amex 4-6-5 and
 * Diners 4-6-4 */
static int
elaaoms_pii_card_grouping(const elaaoms_pii_run_t *run)
{
    size_t               i, n = run->ngroups;
    static const size_t  amex[] = { 4, 6, 5, 0 }, diners[] = { 4, 6, 4, 0 };

    if (run->ndigits < 13 || run->ndigits > 19) {
        return 0;
    }

    if (elaaoms_pii_shape(run, amex) || elaaoms_pii_shape(run, diners)) {
        return 1;
    }

    for (i = 0; i + 1 < n; i++) {
        if (run->groups[i] != 4) {
            return 0;
        }
    }

    return run->groups[n - 1] >= 1 && run->groups[n - 1] <= 4;
}


static int
elaaoms_pii_classify_joined(const unsigned char *in,
    const elaaoms_pii_run_t *run, const size_t *ends,
    const elaaoms_pii_key_t *key)
{
    int     kind;
    size_t  i, commas;

    for (i = 0, commas = 0; i + 1 < run->ngroups; i++) {
        commas += (run->seps[i] == ',');
    }

    if (elaaoms_pii_years(run) || elaaoms_pii_round(run, ends, in)) {
        return ELAAOMS_PII_NONE;
    }

    if (elaaoms_pii_card_grouping(run)) {
        return elaaoms_pii_luhn(run->digits, run->ndigits)
               ? ELAAOMS_PII_CARD : ELAAOMS_PII_NUMBER;
    }

    if (run->ndigits >= 13) {
        for (i = 0; i < run->ngroups && run->groups[i] >= 4; i++) {
            /* void */
        }
        return i == run->ngroups ? ELAAOMS_PII_NUMBER : ELAAOMS_PII_NONE;
    }

    /* a comma list of 3-digit numbers is a list unless the plan allows it */
    kind = elaaoms_pii_nanp(run, commas > 0)
           || (commas == 0 && elaaoms_pii_national(run));

    if (!kind || elaaoms_pii_key_matches(key, run->digits, run->ndigits)) {
        return ELAAOMS_PII_NONE;
    }

    return ELAAOMS_PII_PHONE;
}


/* i starts a group inside a strict run ("1111" of "4111 1111") */
static int
elaaoms_pii_inside_run(const unsigned char *in, size_t len, size_t i)
{
    size_t  j;

    for (j = 1; j <= 3 && j < i; j++) {
        if (elaaoms_ascii_digit(in[i - j - 1])
            && elaaoms_pii_separator(in, len, i - j) == j)
        {
            return 1;
        }
    }

    return 0;
}


void
elaaoms_pii_joined_runs(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans)
{
    int                kind;
    size_t             i, k, j, d, ends[ELAAOMS_PII_MAX_GROUPS];
    elaaoms_pii_run_t  run, pre;

    for (i = 0; i < len; i++) {
        if (!elaaoms_ascii_digit(in[i])
            || (i > 0 && (elaaoms_ascii_digit(in[i - 1])
                          || elaaoms_ascii_alpha(in[i - 1])
                          || in[i - 1] == '+' || in[i - 1] == '-'))
            || elaaoms_pii_inside_run(in, len, i))
        {
            continue;
        }

        if (!elaaoms_pii_read_joined(in, len, i, &run, ends)) {
            continue;
        }

        /* the longest prefix with a loose join that says something */
        kind = ELAAOMS_PII_NONE;

        for (k = run.ngroups; k >= 2; k--) {
            for (j = 0; j + 1 < k; j++) {
                if (run.seps[j] == ',' || run.seps[j] == '/'
                    || run.seps[j] == 'f')
                {
                    break;
                }
            }
            if (j + 1 == k) {
                continue;       /* strict joins only: not ours */
            }

            pre = run;
            pre.ngroups = k;
            for (j = 0, d = 0; j < k; j++) {
                d += run.groups[j];
            }
            pre.ndigits = d;

            kind = elaaoms_pii_classify_joined(in, &pre, ends, key);
            if (kind != ELAAOMS_PII_NONE) {
                break;
            }
        }

        if (kind != ELAAOMS_PII_NONE) {
            elaaoms_pii_add(spans, i, ends[k - 1], kind);
            i = ends[k - 1] - 1;
        }
    }
}
