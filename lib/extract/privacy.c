/*
 * The privacy filter: detectors collect spans, overlapping spans merge
 * (the most sensitive kind wins), then the text is rebuilt once.
 */

#include <stdlib.h>
#include <string.h>

#include "extract/privacy.h"


/* ascending sensitivity: a merged span takes the highest kind */
typedef enum {
    ELAAOMS_PII_NONE = 0,
    ELAAOMS_PII_NUMBER,
    ELAAOMS_PII_PHONE,
    ELAAOMS_PII_SSN,
    ELAAOMS_PII_CARD,
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

/* digits kept per run or spoken sequence; longer ones are counted only */
#define ELAAOMS_PII_MAX_DIGITS   64
#define ELAAOMS_PII_MAX_GROUPS   8
/* spoken digits: this many in a row are a number */
#define ELAAOMS_PII_SPOKEN_MIN   6

typedef struct {
    size_t  start;              /* with a leading "+" or "(" */
    size_t  end;
    char    digits[ELAAOMS_PII_MAX_DIGITS];
    size_t  ndigits;            /* all of them, even beyond the array */
    size_t  groups[ELAAOMS_PII_MAX_GROUPS];
    char    seps[ELAAOMS_PII_MAX_GROUPS]; /* the one-byte separator after
                                             a group, 'x' for longer ones */
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


static int
elaaoms_pii_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}


static int
elaaoms_pii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


static int
elaaoms_pii_alnum(unsigned char c)
{
    return elaaoms_pii_digit(c) || elaaoms_pii_alpha(c);
}


static unsigned char
elaaoms_pii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char) (c | 0x20) : c;
}


/* the bytes [s, e) are the word w, ignoring ASCII case */
static int
elaaoms_pii_word_is(const unsigned char *in, size_t s, size_t e,
    const char *w)
{
    size_t  i, n = strlen(w);

    if (e - s != n) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (elaaoms_pii_lower(in[s + i]) != (unsigned char) w[i]) {
            return 0;
        }
    }

    return 1;
}


static void
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


static int
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
    return n >= 10 && key->n >= 10
           && memcmp(digits + n - 10, key->digits + key->n - 10, 10) == 0;
}


/* --- e-mail ------------------------------------------------------------- */

static int
elaaoms_pii_email_local(unsigned char c)
{
    return elaaoms_pii_alnum(c) || c == '.' || c == '_' || c == '%'
           || c == '+' || c == '-';
}


static void
elaaoms_pii_emails(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans)
{
    int     tld;
    size_t  i, j, k, dot;

    for (i = 0; i < len; i++) {
        if (in[i] != '@') {
            continue;
        }

        for (j = i; j > 0 && elaaoms_pii_email_local(in[j - 1]); j--) {
            /* void */
        }
        while (j < i && in[j] == '.') {
            j++;
        }
        if (j == i) {
            continue;
        }

        for (k = i + 1;
             k < len && (elaaoms_pii_alnum(in[k]) || in[k] == '.'
                         || in[k] == '-');
             k++)
        {
            /* void */
        }
        while (k > i + 1 && (in[k - 1] == '.' || in[k - 1] == '-')) {
            k--;
        }

        /*
         * a dot with a label before it and 2+ letters after it ("b.com");
         * the whole domain run is taken, digits glued to it too, so that
         * redacting those digits cannot turn the rest into a new address
         */
        for (tld = 0, dot = i + 2; dot + 2 < k; dot++) {
            if (in[dot] == '.' && elaaoms_pii_alpha(in[dot + 1])
                && elaaoms_pii_alpha(in[dot + 2]))
            {
                tld = 1;
                break;
            }
        }
        if (!tld) {
            continue;
        }

        elaaoms_pii_add(spans, j, k, ELAAOMS_PII_EMAIL);
    }
}


/* --- words, for the spoken forms ---------------------------------------- */

typedef struct {
    size_t  start;
    size_t  end;
} elaaoms_pii_word_t;


/*
 * Words are alphanumeric runs; brackets count as word bytes so that the
 * "o" of "o[redacted-number]" is not read as a spoken zero: redacting a
 * redacted text must find nothing new.
 */
static int
elaaoms_pii_word_byte(unsigned char c)
{
    return elaaoms_pii_alnum(c) || c == '[' || c == ']';
}


/* the next word at or after pos */
static int
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
static int
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


/* [s, e) is nothing but 1..3 spaces */
static int
elaaoms_pii_spaces(const unsigned char *in, size_t s, size_t e)
{
    if (e <= s || e - s > 3) {
        return 0;
    }

    for ( ; s < e; s++) {
        if (in[s] != ' ') {
            return 0;
        }
    }

    return 1;
}


static int
elaaoms_pii_tld(const unsigned char *in, const elaaoms_pii_word_t *w)
{
    static const char  *tlds[] = {
        "com", "net", "org", "edu", "gov", "io", "co", "us", "uk", "ca",
        "de", "fr", "es", "it", "nl", "au", "in", "info", "biz", "me",
        "mx", "br", "jp", NULL
    };
    const char  **t;

    for (t = tlds; *t; t++) {
        if (elaaoms_pii_word_is(in, w->start, w->end, *t)) {
            return 1;
        }
    }

    return 0;
}


/*
 * "maria dot lopez at gmail dot com", "maria at gmail.com": a word (with
 * dot / underscore / dash links) "at" a word and one or more "dot" links,
 * the last word a common TLD
 */
static void
elaaoms_pii_spoken_emails(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans)
{
    size_t              pos, end;
    elaaoms_pii_word_t  at, w, left, link, next;

    for (pos = 0; elaaoms_pii_next_word(in, len, pos, &at); pos = at.end) {
        if (!elaaoms_pii_word_is(in, at.start, at.end, "at")) {
            continue;
        }

        /* right of "at": domain labels joined by "." or " dot " */

        if (!elaaoms_pii_next_word(in, len, at.end, &w)
            || !elaaoms_pii_spaces(in, at.end, w.start))
        {
            continue;
        }

        /*
         * the address ends at the last label that is a TLD ("co" of
         * "l dot co.0111"), whatever follows it, so that redacting what
         * follows cannot make a new address on a second pass
         */
        end = 0;

        for ( ;; ) {
            if (w.end + 1 < len && in[w.end] == '.'
                && elaaoms_pii_alnum(in[w.end + 1]))
            {
                elaaoms_pii_next_word(in, len, w.end, &w);

            } else if (elaaoms_pii_next_word(in, len, w.end, &link)
                       && elaaoms_pii_spaces(in, w.end, link.start)
                       && elaaoms_pii_word_is(in, link.start, link.end,
                                              "dot")
                       && elaaoms_pii_next_word(in, len, link.end, &next)
                       && elaaoms_pii_spaces(in, link.end, next.start))
            {
                w = next;

            } else {
                break;
            }

            if (elaaoms_pii_tld(in, &w)) {
                end = w.end;
            }
        }

        if (end == 0) {
            continue;
        }

        /* left of "at": the local part, with its own links */

        if (!elaaoms_pii_prev_word(in, at.start, &left)
            || !elaaoms_pii_spaces(in, left.end, at.start))
        {
            continue;
        }

        for ( ;; ) {
            if (left.start >= 2
                && (in[left.start - 1] == '.' || in[left.start - 1] == '_'
                    || in[left.start - 1] == '-')
                && elaaoms_pii_alnum(in[left.start - 2]))
            {
                elaaoms_pii_prev_word(in, left.start - 1, &left);
                continue;
            }

            if (elaaoms_pii_prev_word(in, left.start, &link)
                && elaaoms_pii_spaces(in, link.end, left.start)
                && (elaaoms_pii_word_is(in, link.start, link.end, "dot")
                    || elaaoms_pii_word_is(in, link.start, link.end,
                                           "underscore")
                    || elaaoms_pii_word_is(in, link.start, link.end, "dash"))
                && elaaoms_pii_prev_word(in, link.start, &next)
                && elaaoms_pii_spaces(in, next.end, link.start))
            {
                left = next;
                continue;
            }

            break;
        }

        elaaoms_pii_add(spans, left.start, end, ELAAOMS_PII_EMAIL);
    }
}


/* --- written digit runs: cards, SSNs, phones, long numbers -------------- */

static int
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
static size_t
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

    if (n == 0 || pos + n >= len || !elaaoms_pii_digit(in[pos + n])) {
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
    if (i > 0 && (elaaoms_pii_alpha(in[i - 1])
                  || (in[i - 1] == '-' && i > 1
                      && elaaoms_pii_alpha(in[i - 2]))))
    {
        run->glued = 1;
    }

    p = i;

    for ( ;; ) {
        sep = p;
        while (p < len && elaaoms_pii_digit(in[p])) {
            if (run->ndigits < ELAAOMS_PII_MAX_DIGITS) {
                run->digits[run->ndigits] = (char) in[p];
            }
            run->ndigits++;
            p++;
        }

        if (run->ngroups < ELAAOMS_PII_MAX_GROUPS) {
            run->groups[run->ngroups] = p - sep;
            run->seps[run->ngroups] = 0;
        }
        run->ngroups++;
        run->end = p;

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
static int
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


/* ddd-dd-dddd or ddd dd dddd */
static int
elaaoms_pii_ssn_shape(const elaaoms_pii_run_t *run)
{
    static const size_t  ssn[] = { 3, 2, 4, 0 };

    return elaaoms_pii_shape(run, ssn) && run->seps[0] == run->seps[1]
           && (run->seps[0] == '-' || run->seps[0] == ' ');
}


/*
 * 9 bare digits are an SSN when an SSN word leads up to them through
 * filler words only: "SSN 123456789", "social security number is ...",
 * "Tax ID: ...".  Words, not a byte window, so that redacting something
 * earlier in the text cannot bring the context word into reach.
 */
static int
elaaoms_pii_ssn_context(const unsigned char *in, size_t pos)
{
    int                 i;
    const char        **f;
    elaaoms_pii_word_t  w, prev;
    static const char  *fillers[] = {
        "is", "was", "number", "num", "no", "nr", "security", "my", "her",
        "his", "their", "the", "it", "its", "s", "card", "id", NULL
    };

    for (i = 0; i < 8 && elaaoms_pii_prev_word(in, pos, &w); i++) {
        /* ": ", " # ", ". ": anything longer is another sentence */
        if (pos - w.end > 3) {
            return 0;
        }

        if (elaaoms_pii_word_is(in, w.start, w.end, "ssn")
            || elaaoms_pii_word_is(in, w.start, w.end, "social")
            || elaaoms_pii_word_is(in, w.start, w.end, "taxpayer"))
        {
            return 1;
        }

        if (elaaoms_pii_word_is(in, w.start, w.end, "id")
            && elaaoms_pii_prev_word(in, w.start, &prev)
            && w.start - prev.end <= 3
            && elaaoms_pii_word_is(in, prev.start, prev.end, "tax"))
        {
            return 1;
        }

        for (f = fillers; *f; f++) {
            if (elaaoms_pii_word_is(in, w.start, w.end, *f)) {
                break;
            }
        }
        if (*f == NULL) {
            return 0;
        }

        pos = w.start;
    }

    return 0;
}


static int
elaaoms_pii_classify_run(const unsigned char *in, const elaaoms_pii_run_t *run,
    const elaaoms_pii_key_t *key)
{
    size_t   d = run->ndigits;
    int      kind;
    static const size_t  nanp[] = { 3, 3, 4, 0 },
                         nanp1[] = { 1, 3, 3, 4, 0 },
                         local[] = { 3, 4, 0 },
                         one[] = { 10, 0 },
                         one1[] = { 11, 0 },
                         split[] = { 3, 7, 0 };

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

    if (d == 9 && run->ngroups == 1 && elaaoms_pii_ssn_context(in, run->start))
    {
        return ELAAOMS_PII_SSN;
    }

    if (run->glued) {
        return ELAAOMS_PII_NONE;
    }

    kind = ELAAOMS_PII_NONE;

    if (run->dotted) {
        /* 415.555.0123; never a price, a version or an IP address */
        if (elaaoms_pii_shape(run, nanp) || elaaoms_pii_shape(run, nanp1)) {
            kind = ELAAOMS_PII_PHONE;
        }

    } else if (elaaoms_pii_shape(run, nanp) || elaaoms_pii_shape(run, one)
               || elaaoms_pii_shape(run, split)
               || (run->digits[0] == '1'
                   && (elaaoms_pii_shape(run, nanp1)
                       || elaaoms_pii_shape(run, one1)))
               || elaaoms_pii_shape(run, local))
    {
        kind = ELAAOMS_PII_PHONE;
    }

    if (kind == ELAAOMS_PII_PHONE
        && elaaoms_pii_key_matches(key, run->digits, d))
    {
        return ELAAOMS_PII_NONE;
    }

    return kind;
}


static void
elaaoms_pii_digit_runs(const unsigned char *in, size_t len,
    const elaaoms_pii_key_t *key, elaaoms_pii_spans_t *spans)
{
    size_t             i;
    elaaoms_pii_run_t  run;

    i = 0;

    while (i < len) {
        if (!elaaoms_pii_digit(in[i])) {
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


/* --- spoken digits ------------------------------------------------------ */

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
} elaaoms_pii_spoken_t;


static void
elaaoms_pii_spoken_push(elaaoms_pii_spoken_t *sp, char digit, size_t times)
{
    while (times--) {
        if (sp->ndigits < ELAAOMS_PII_MAX_DIGITS) {
            sp->digits[sp->ndigits] = digit;
        }
        sp->ndigits++;
    }
}


static void
elaaoms_pii_spoken_end(elaaoms_pii_spoken_t *sp, const elaaoms_pii_key_t *key,
    elaaoms_pii_spans_t *spans)
{
    if (sp->words && sp->ndigits >= ELAAOMS_PII_SPOKEN_MIN
        && !elaaoms_pii_key_matches(key, sp->digits, sp->ndigits))
    {
        elaaoms_pii_add(spans, sp->start, sp->end, ELAAOMS_PII_NUMBER);
    }

    sp->ndigits = 0;
    sp->words = 0;
}


static void
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
            elaaoms_pii_spoken_push(&sp, (char) ('0' + d), times);
            sp.end = w.end;
            sp.words = 1;
            times = 1;
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

        for (i = w.start; i < w.end && elaaoms_pii_digit(in[i]); i++) {
            /* void */
        }

        if (i == w.end) {
            /* written digits inside a spoken number: "four one 5 five" */
            if (sp.ndigits == 0) {
                sp.start = w.start;
            }
            for (i = w.start; i < w.end; i++) {
                elaaoms_pii_spoken_push(&sp, (char) in[i], 1);
            }
            sp.end = w.end;
            continue;
        }

        elaaoms_pii_spoken_end(&sp, key, spans);
    }

    elaaoms_pii_spoken_end(&sp, key, spans);
}


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
    spans->n = 0;

    elaaoms_pii_emails(in, len, spans);
    elaaoms_pii_spoken_emails(in, len, spans);
    elaaoms_pii_digit_runs(in, len, key, spans);
    elaaoms_pii_spoken_digits(in, len, key, spans);

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
        if (elaaoms_pii_digit((unsigned char) *k)
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
