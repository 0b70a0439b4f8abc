/*
 * IBANs (ISO 13616): a country code, two check digits and 11-30 letters
 * and digits, unbroken ("DE89370400440532013000") or in groups of four
 * ("GB82 WEST 1234 5698 7654 32"), valid when the mod-97 check gives 1.
 * The whole IBAN is one finding: its digit groups alone would leave the
 * country code and the bank code standing.
 */

#include "extract/privacy_internal.h"


/* 2 + 2 + 11 .. 30 */
#define ELAAOMS_PII_IBAN_MIN  15
#define ELAAOMS_PII_IBAN_MAX  34


/* the letters and digits at in[s, e), spaces skipped, pass mod 97 */
static int
elaaoms_pii_iban_valid(const unsigned char *in, size_t s, size_t e)
{
    int       c;
    size_t    i, k, p;
    unsigned  rem;

    rem = 0;

    /* the country code and check digits go last */
    for (k = 0; k < 2; k++) {
        for (i = (k == 0) ? s + 4 : s; i < ((k == 0) ? e : s + 4); i++) {
            c = in[i];
            if (c == ' ') {
                continue;
            }
            if (elaaoms_ascii_digit(c)) {
                rem = (rem * 10 + (unsigned) (c - '0')) % 97;
                continue;
            }
            p = (size_t) (elaaoms_ascii_toupper(c) - 'A' + 10);
            rem = (rem * 100 + (unsigned) p) % 97;
        }
    }

    return rem == 1;
}


/*
 * At s (a country code and check digits): the end of the longest valid
 * IBAN, 0 when there is none.  Groups after the first are four
 * characters, the last one to four, one space apart; or it is unbroken.
 */
static size_t
elaaoms_pii_iban_at(const unsigned char *in, size_t len, size_t s)
{
    size_t  p, q, n, best;

    for (q = s + 4; q < len && elaaoms_ascii_alnum(in[q]); q++) {
        /* void */
    }

    if (q > s + 4) {
        /* unbroken, or "DE89370400440532013000" after the first group */
        n = q - s;
        return (n >= ELAAOMS_PII_IBAN_MIN && n <= ELAAOMS_PII_IBAN_MAX
                && elaaoms_pii_iban_valid(in, s, q)) ? q : 0;
    }

    best = 0;
    n = 4;
    p = q;

    while (p + 1 < len && in[p] == ' ' && elaaoms_ascii_alnum(in[p + 1])) {
        for (q = p + 1; q < len && elaaoms_ascii_alnum(in[q]); q++) {
            /* void */
        }

        if (q - p - 1 > 4 && n == 4) {
            /* "DE89 370400440532013000": the rest unbroken */
            n += q - p - 1;
            if (n >= ELAAOMS_PII_IBAN_MIN && n <= ELAAOMS_PII_IBAN_MAX
                && elaaoms_pii_iban_valid(in, s, q))
            {
                best = q;
            }
            break;
        }

        if (q - p - 1 > 4) {
            break;
        }

        n += q - p - 1;
        if (n > ELAAOMS_PII_IBAN_MAX) {
            break;
        }

        if (n >= ELAAOMS_PII_IBAN_MIN && elaaoms_pii_iban_valid(in, s, q)) {
            best = q;
        }

        if (q - p - 1 < 4) {
            break;              /* a short group is the last */
        }

        p = q;
    }

    return best;
}


void
elaaoms_pii_ibans(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans)
{
    size_t  i, end;

    for (i = 0; i + ELAAOMS_PII_IBAN_MIN <= len; i++) {
        if (!elaaoms_ascii_alpha(in[i]) || !elaaoms_ascii_alpha(in[i + 1])
            || !elaaoms_ascii_digit(in[i + 2])
            || !elaaoms_ascii_digit(in[i + 3])
            || (i > 0 && elaaoms_ascii_alnum(in[i - 1])))
        {
            continue;
        }

        end = elaaoms_pii_iban_at(in, len, i);
        if (end) {
            elaaoms_pii_add(spans, i, end, ELAAOMS_PII_IBAN);
            i = end - 1;
        }
    }
}
