/*
 * Written digit runs, groups joined by spaces, dashes, dots and
 * parentheses: cards (Luhn), SSNs, phone numbers (international, North
 * American, and the national shapes behind a trunk "0": UK, French,
 * German) and long numbers.  Runs joined across commas, slashes and
 * filler words are privacy_joined.c's.
 */

#include <string.h>

#include "extract/privacy_internal.h"


int
elaaoms_pii_luhn(const char *digits, size_t n)
{
    int     d, sum, dbl;
    size_t  i;

    sum = 0;
    dbl = 0;

    for (i = n; i > 0; i--) {
        d = digits[i - 1] - '0';
        if (dbl) {
            d *= 2;
            if (d > 9) {
                d -= 9;
            }
        }
        sum += d;
        dbl = !dbl;
    }

    return sum % 10 == 0;
}


/* separators between digit groups: " ", "-", ".", "(", ") ", " - " ... */
size_t
elaaoms_pii_separator(const unsigned char *in, size_t len, size_t pos)
{
    size_t  n, spaces, dashes, open, close, dots;

    spaces = dashes = open = close = dots = 0;

    for (n = 0; n < 3 && pos + n < len; n++) {
        switch (in[pos + n]) {
        case ' ':
            spaces++;
            break;
        case '-':
            dashes++;
            break;
        case '(':
            open++;
            break;
        case ')':
            close++;
            break;
        case '.':
            dots++;
            break;
        default:
            goto done;
        }
    }

done:

    if (n == 0 || pos + n >= len || !elaaoms_ascii_digit(in[pos + n])) {
        return 0;
    }

    /* "3.50" style dots only alone; never "1, 2" or "1  2" */
    if ((dots && n != 1) || spaces > 2 || dashes > 1 || open > 1
        || close > 1)
    {
        return 0;
    }

    return n;
}


/* appends the digit group at p to run; returns its end */
size_t
elaaoms_pii_read_group(const unsigned char *in, size_t len, size_t p,
    elaaoms_pii_run_t *run)
{
    size_t  start = p;

    while (p < len && elaaoms_ascii_digit(in[p])) {
        if (run->ndigits < ELAAOMS_PII_MAX_DIGITS) {
            run->digits[run->ndigits] = (char) in[p];
        }
        run->ndigits++;
        p++;
    }

    if (run->ngroups < ELAAOMS_PII_MAX_GROUPS) {
        run->groups[run->ngroups] = p - start;
        run->seps[run->ngroups] = 0;
    }
    run->ngroups++;
    run->end = p;

    return p;
}


/* the digits at i, and with join the groups that follow them */
static void
elaaoms_pii_read_run(const unsigned char *in, size_t len, size_t i, int join,
    elaaoms_pii_run_t *run)
{
    size_t  p, sep;

    memset(run, 0, sizeof(*run));
    run->start = i;

    if (i > 0 && in[i - 1] == '+') {
        run->start = i - 1;
        run->plus = 1;

    } else if (i > 0 && in[i - 1] == '(') {
        run->start = i - 1;
        if (i > 1 && in[i - 2] == '+') {
            run->start = i - 2;
            run->plus = 1;
        }
    }

    /* "X200", "XYZ-789": the digits belong to an identifier */
    if (i > 0 && (elaaoms_ascii_alpha(in[i - 1])
                  || (in[i - 1] == '-' && i > 1
                      && elaaoms_ascii_alpha(in[i - 2]))))
    {
        run->glued = 1;
    }

    p = i;

    for ( ;; ) {
        p = elaaoms_pii_read_group(in, len, p, run);

        sep = join ? elaaoms_pii_separator(in, len, p) : 0;
        if (sep == 0) {
            break;
        }

        if (run->ngroups <= ELAAOMS_PII_MAX_GROUPS) {
            run->seps[run->ngroups - 1] = (sep == 1) ? (char) in[p] : 'x';
        }
        if (sep == 1 && in[p] == '.') {
            run->dotted = 1;
        }

        p += sep;
    }
}


/* the groups are exactly the lengths given (0-terminated list) */
int
elaaoms_pii_shape(const elaaoms_pii_run_t *run, const size_t *shape)
{
    size_t  i;

    for (i = 0; shape[i]; i++) {
        if (i >= run->ngroups || run->groups[i] != shape[i]) {
            return 0;
        }
    }

    return i == run->ngroups;
}


/* the groups are as given, and one separator byte joins them all */
static int
elaaoms_pii_even_shape(const elaaoms_pii_run_t *run, const size_t *shape,
    const char *seps)
{
    size_t  i;

    if (!elaaoms_pii_shape(run, shape) || strchr(seps, run->seps[0]) == NULL
        || run->seps[0] == '\0')
    {
        return 0;
    }

    for (i = 1; i + 1 < run->ngroups; i++) {
        if (run->seps[i] != run->seps[0]) {
            return 0;
        }
    }

    return 1;
}


/*
 * (415) 555-0123 and 1 415 555 0123; strict: the area code and the
 * exchange start with 2-9, as they do in the plan
 */
int
elaaoms_pii_nanp(const elaaoms_pii_run_t *run, int strict)
{
    static const size_t  nanp[] = { 3, 3, 4, 0 },
                         nanp1[] = { 1, 3, 3, 4, 0 };

    if (elaaoms_pii_shape(run, nanp)) {
        return !strict || (run->digits[0] >= '2' && run->digits[3] >= '2');
    }

    return elaaoms_pii_shape(run, nanp1) && run->digits[0] == '1'
           && (!strict
               || (run->digits[1] >= '2' && run->digits[4] >= '2'));
}


/*
 * National numbers behind a trunk "0", 10 to 12 digits with it: UK (020
 * 7946 0958, 0161 496 0000, 07700 900123, 07700 900 123), French (01 23
 * 45 67 89, dots too), German (030 12345678, 0151 12345678: an area code
 * of 2-5 digits after the "0", then the subscriber), or unbroken
 */
int
elaaoms_pii_national(const elaaoms_pii_run_t *run)
{
    size_t               d = run->ndigits;
    static const size_t  uk1[] = { 3, 4, 4, 0 },
                         uk2[] = { 4, 3, 4, 0 },
                         uk3[] = { 5, 3, 3, 0 },
                         fr[] = { 2, 2, 2, 2, 2, 0 };

    if (d < 10 || d > 12 || run->digits[0] != '0' || run->digits[1] == '0') {
        return 0;
    }

    if (run->dotted) {
        return elaaoms_pii_even_shape(run, fr, ".");
    }

    if (run->ngroups == 1) {
        return 1;
    }

    if (run->ngroups == 2) {
        return run->groups[0] >= 3 && run->groups[0] <= 6
               && run->groups[1] >= 3;
    }

    return elaaoms_pii_shape(run, uk1) || elaaoms_pii_shape(run, uk2)
           || elaaoms_pii_shape(run, uk3)
           || elaaoms_pii_even_shape(run, fr, " -");
}


/* ddd-dd-dddd, ddd dd dddd, ddd.dd.dddd */
static int
elaaoms_pii_ssn_shape(const elaaoms_pii_run_t *run)
{
    static const size_t  ssn[] = { 3, 2, 4, 0 };

    return elaaoms_pii_even_shape(run, ssn, " -.");
}


/*
 * what the context walk reports for a reference word ("file number
 * 482-1937", "ticket 555-0199"): the number is the company's identifier
 * for a case, not anybody's phone; never a kind a span is redacted as
 */
#define ELAAOMS_PII_CONTEXT_REFERENCE  (-1)


/* what leads up to a number: an SSN, phone or reference word, or nothing */
static int
elaaoms_pii_context_word(const unsigned char *in, const elaaoms_pii_word_t *w)
{
    elaaoms_pii_word_t  prev;
    const char        **p;
    static const char  *phone[] = {
        "phone", "telephone", "tel", "mobile", "cell", "cellphone",
        "landline", "whatsapp", NULL
    };
    static const char  *reference[] = {
        "ticket", "file", "case", "claim", "order", "reference", "ref",
        "confirmation", "booking", "reservation", "tracking", "invoice",
        "policy", "incident", "report", "job", "work", "request", NULL
    };

    if (elaaoms_pii_word_is(in, w->start, w->end, "ssn")
        || elaaoms_pii_word_is(in, w->start, w->end, "social")
        || elaaoms_pii_word_is(in, w->start, w->end, "taxpayer"))
    {
        return ELAAOMS_PII_SSN;
    }

    if (elaaoms_pii_word_is(in, w->start, w->end, "id")
        && elaaoms_pii_prev_word(in, w->start, &prev)
        && w->start - prev.end <= 3
        && elaaoms_pii_word_is(in, prev.start, prev.end, "tax"))
    {
        return ELAAOMS_PII_SSN;
    }

    for (p = phone; *p; p++) {
        if (elaaoms_pii_word_is(in, w->start, w->end, *p)) {
            return ELAAOMS_PII_PHONE;
        }
    }

    for (p = reference; *p; p++) {
        if (elaaoms_pii_word_is(in, w->start, w->end, *p)) {
            return ELAAOMS_PII_CONTEXT_REFERENCE;
        }
    }

    return ELAAOMS_PII_NONE;
}


/*
 * 9 digits are an SSN (or a phone number: "612 345 678") when an SSN (or
 * phone) word leads up to them through filler words only: "SSN
 * 123456789", "social security number is uh ...", "Tax ID: ...", "my
 * phone is ...".  Words, not a byte window, so that redacting something
 * earlier in the text cannot bring the context word into reach.
 */
static int
elaaoms_pii_context(const unsigned char *in, size_t pos)
{
    int                 i, kind;
    const char        **f;
    elaaoms_pii_word_t  w;
    static const char  *fillers[] = {
        "is", "was", "number", "num", "no", "nr", "security", "my", "her",
        "his", "their", "the", "it", "its", "s", "card", "id", "a", "and",
        "that", "here", "code", NULL
    };

    for (i = 0; i < 8 && elaaoms_pii_prev_word(in, pos, &w); i++) {
        /* ": ", " # ", ". ": anything longer is another sentence */
        if (pos - w.end > 3) {
            return ELAAOMS_PII_NONE;
        }

        kind = elaaoms_pii_context_word(in, &w);
        if (kind != ELAAOMS_PII_NONE) {
            return kind;
        }

        for (f = fillers; *f; f++) {
            if (elaaoms_pii_word_is(in, w.start, w.end, *f)) {
                break;
            }
        }
        if (*f == NULL && !elaaoms_pii_filler(in, w.start, w.end)) {
            return ELAAOMS_PII_NONE;
        }

        pos = w.start;
    }

    return ELAAOMS_PII_NONE;
}


static int
elaaoms_pii_classify_run(const unsigned char *in, const elaaoms_pii_run_t *run,
    const elaaoms_pii_key_t *key)
{
    size_t   d = run->ndigits;
    int      kind;
    static const size_t  local[] = { 3, 4, 0 },
                         one[] = { 10, 0 },
                         one1[] = { 11, 0 },
                         split[] = { 3, 7, 0 },
                         nine[] = { 3, 3, 3, 0 };

    /* international prefixes say "phone" before any length rule */
    if (!run->glued && !run->dotted
        && ((run->plus && d >= 8 && d <= 15)
            || (d >= 10 && d <= 17 && run->digits[0] == '0'
                && run->digits[1] == '0')))
    {
        return elaaoms_pii_key_matches(key, run->digits, d)
               ? ELAAOMS_PII_NONE : ELAAOMS_PII_PHONE;
    }

    if (d >= 13 && d <= 19 && elaaoms_pii_luhn(run->digits, d)) {
        return ELAAOMS_PII_CARD;
    }

    if (d >= 13) {
        return ELAAOMS_PII_NUMBER;
    }

    if (elaaoms_pii_ssn_shape(run)) {
        return ELAAOMS_PII_SSN;
    }

    kind = ELAAOMS_PII_NONE;

    if (d == 9
        && (run->ngroups == 1 || elaaoms_pii_even_shape(run, nine, " -.")))
    {
        kind = elaaoms_pii_context(in, run->start);
        if (kind == ELAAOMS_PII_SSN) {
            return kind;
        }

        /* a 3-3-3 reads as an SSN whatever word comes before it */
        if (kind == ELAAOMS_PII_CONTEXT_REFERENCE) {
            kind = ELAAOMS_PII_NONE;
        }

        /*
         * grouped 3-3-3 by spaces or dashes is how SSNs and SINs are read
         * out, never an order number or an amount: an SSN without a word
         * before it, unless a phone word said otherwise
         */
        if (kind == ELAAOMS_PII_NONE && !run->glued
            && elaaoms_pii_even_shape(run, nine, " -"))
        {
            return ELAAOMS_PII_SSN;
        }
    }

    if (run->glued) {
        return ELAAOMS_PII_NONE;
    }

    if (kind == ELAAOMS_PII_NONE) {
        if (run->dotted) {
            /* 415.555.0123; never a price, a version or an IP address */
            if (elaaoms_pii_nanp(run, 0) || elaaoms_pii_national(run)) {
                kind = ELAAOMS_PII_PHONE;
            }

        } else if (elaaoms_pii_nanp(run, 0) || elaaoms_pii_shape(run, one)
                   || elaaoms_pii_shape(run, split)
                   || (run->digits[0] == '1' && elaaoms_pii_shape(run, one1))
                   || elaaoms_pii_national(run))
        {
            kind = ELAAOMS_PII_PHONE;

        } else if (elaaoms_pii_shape(run, local)) {
            /*
             * 555-0199 is a local phone number unless a reference word
             * leads up to it: seven digits are never a card or an SSN,
             * and "file number 482-1937" is what the caller must quote
             */
            kind = elaaoms_pii_context(in, run->start)
                       == ELAAOMS_PII_CONTEXT_REFERENCE
                   ? ELAAOMS_PII_NONE : ELAAOMS_PII_PHONE;
        }
    }

    if (kind == ELAAOMS_PII_PHONE
        && elaaoms_pii_key_matches(key, run->digits, d))
    {
        return ELAAOMS_PII_NONE;
    }

    return kind;
}


void
elaaoms_pii_digit_runs(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans)
{
    size_t             i;
    elaaoms_pii_run_t  run;

    i = 0;

    while (i < len) {
        if (!elaaoms_ascii_digit(in[i])) {
            i++;
            continue;
        }

        elaaoms_pii_read_run(in, len, i, 1, &run);

        /*
         * an identifier's digits ("X200") end with their group unless the
         * whole run is an SSN ("SSN-123-45-6789"): "X200 555 0199" is an
         * identifier and a phone number, however a second pass sees it
         */
        if (run.glued && !elaaoms_pii_ssn_shape(&run)) {
            elaaoms_pii_read_run(in, len, i, 0, &run);
        }

        elaaoms_pii_add(spans, run.start, run.end,
                        elaaoms_pii_classify_run(in, &run, key));
        i = run.end;
    }
}
