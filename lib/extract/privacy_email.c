/*
 * E-mail addresses, written ("maria.lopez@example.com") and spoken or
 * disguised ("maria dot lopez at gmail dot com", "maria (at) gmail (dot)
 * com", "anna [at] mail [dot] ru", "anna at mail.ru").  A spoken address
 * needs its last label to be a TLD from the table: "meet at noon dot"
 * is no address.
 */

#include <string.h>

#include "extract/privacy_internal.h"


static int
elaaoms_pii_email_local(unsigned char c)
{
    return elaaoms_ascii_alnum(c) || c == '.' || c == '_' || c == '%'
           || c == '+' || c == '-';
}


static int
elaaoms_pii_label_byte(unsigned char c)
{
    return elaaoms_ascii_alnum(c) || c == '-';
}


void
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
             k < len && (elaaoms_pii_label_byte(in[k]) || in[k] == '.');
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
            if (in[dot] == '.' && elaaoms_ascii_alpha(in[dot + 1])
                && elaaoms_ascii_alpha(in[dot + 2]))
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


/* --- spoken and disguised ----------------------------------------------- */

static int
elaaoms_pii_tld(const unsigned char *in, size_t s, size_t e)
{
    const char  **t;
    static const char  *tlds[] = {
        /* generic */
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz",
        "name", "pro", "mobi", "app", "dev", "io", "ai", "me", "tv", "co",
        "xyz", "online", "site", "cloud", "tech", "shop",
        /* country codes of the larger mail markets */
        "us", "uk", "ca", "au", "nz", "ie", "za", "in", "sg", "hk", "jp",
        "cn", "kr", "tw", "de", "fr", "es", "it", "nl", "be", "lu", "ch",
        "at", "pt", "se", "no", "dk", "fi", "is", "pl", "cz", "sk", "hu",
        "ro", "bg", "gr", "tr", "ru", "ua", "by", "kz", "il", "ae", "sa",
        "eg", "ng", "ke", "mx", "br", "ar", "cl", "pe", "ve", "uy", "eu",
        NULL
    };

    for (t = tlds; *t; t++) {
        if (elaaoms_pii_word_is(in, s, e, *t)) {
            return 1;
        }
    }

    return 0;
}


/* up to max spaces from p on */
static size_t
elaaoms_pii_skip_spaces(const unsigned char *in, size_t len, size_t p,
    size_t max)
{
    size_t  n;

    for (n = 0; n < max && p < len && in[p] == ' '; n++) {
        p++;
    }

    return p;
}


static size_t
elaaoms_pii_back_spaces(const unsigned char *in, size_t p, size_t max)
{
    size_t  n;

    for (n = 0; n < max && p > 0 && in[p - 1] == ' '; n++) {
        p--;
    }

    return p;
}


static int
elaaoms_pii_close_of(unsigned char c)
{
    switch (c) {
    case '(':
        return ')';
    case '[':
        return ']';
    case '{':
        return '}';
    case '<':
        return '>';
    default:
        return 0;
    }
}


/*
 * The keyword w at p, bracketed ("(at)", "[dot]") or, with bare, as a word
 * of its own: returns its end, 0 when it is not there.
 */
static size_t
elaaoms_pii_keyword(const unsigned char *in, size_t len, size_t p,
    const char *w, int bare)
{
    int     close;
    size_t  n = strlen(w);

    if (p >= len) {
        return 0;
    }

    close = elaaoms_pii_close_of(in[p]);

    if (close) {
        if (p + n + 2 <= len && in[p + n + 1] == close
            && elaaoms_pii_word_is(in, p + 1, p + n + 1, w))
        {
            return p + n + 2;
        }
        return 0;
    }

    if (bare && p + n <= len && elaaoms_pii_word_is(in, p, p + n, w)
        && (p == 0 || !elaaoms_ascii_alnum(in[p - 1]))
        && (p + n == len || !elaaoms_ascii_alnum(in[p + n])))
    {
        return p + n;
    }

    return 0;
}


/* the same, ending at e: returns its start + 1, 0 when it is not there */
static size_t
elaaoms_pii_keyword_before(const unsigned char *in, size_t e, const char *w,
    int bare)
{
    size_t  n = strlen(w);

    if (e >= n + 2 && elaaoms_pii_close_of(in[e - n - 2]) == in[e - 1]
        && elaaoms_pii_word_is(in, e - n - 1, e - 1, w))
    {
        return e - n - 2 + 1;
    }

    if (bare && e >= n && elaaoms_pii_word_is(in, e - n, e, w)
        && (e == n || !elaaoms_ascii_alnum(in[e - n - 1])))
    {
        return e - n + 1;
    }

    return 0;
}


/* a domain label at p: its end, or p when there is none */
static size_t
elaaoms_pii_label(const unsigned char *in, size_t len, size_t p)
{
    size_t  q;

    if (p >= len || !elaaoms_ascii_alnum(in[p])
        || (p > 0 && elaaoms_pii_label_byte(in[p - 1])))
    {
        return p;
    }

    for (q = p; q < len && elaaoms_pii_label_byte(in[q]); q++) {
        /* void */
    }
    while (in[q - 1] == '-') {
        q--;
    }

    return q;
}


/*
 * The domain after a spoken "at": labels joined by "." or a spaced "dot"
 * ("(dot)", "[dot]" need no spaces).  Returns the end of the last label
 * that is a TLD, whatever follows it (the "co" of "l dot co.0111"), so
 * that redacting what follows cannot make a new address on a second
 * pass; 0 when there is none.
 */
static size_t
elaaoms_pii_spoken_domain(const unsigned char *in, size_t len, size_t p)
{
    size_t  q, s, t, end, labels;

    q = elaaoms_pii_label(in, len, p);
    if (q == p) {
        return 0;
    }

    end = 0;

    for (labels = 1; ; labels++) {
        if (q + 1 < len && in[q] == '.' && elaaoms_ascii_alnum(in[q + 1])) {
            p = q + 1;

        } else {
            s = elaaoms_pii_skip_spaces(in, len, q, 3);
            t = elaaoms_pii_keyword(in, len, s, "dot", s > q);
            if (t == 0) {
                break;
            }
            p = elaaoms_pii_skip_spaces(in, len, t, 3);
            if (elaaoms_ascii_alpha(in[t - 1]) && p == t) {
                break;          /* bare "dot" wants a space after it */
            }
        }

        q = elaaoms_pii_label(in, len, p);
        if (q == p) {
            break;
        }

        if (elaaoms_pii_tld(in, p, q)) {
            end = q;
        }
    }

    return end;
}


/*
 * The local part before a spoken "at" ending at e: a label with "." "_"
 * "-" links, and spoken links ("dot", "underscore", "dash", "(dot)")
 * between labels.  Returns its start, or e when there is none.
 */
static size_t
elaaoms_pii_spoken_local(const unsigned char *in, size_t e)
{
    size_t       s, p, k;
    const char  **l;
    static const char  *links[] = { "dot", "underscore", "dash", NULL };

    for (s = e; s > 0 && elaaoms_pii_email_local(in[s - 1]); s--) {
        /* void */
    }
    while (s < e && !elaaoms_ascii_alnum(in[s])) {
        s++;
    }
    if (s == e) {
        return e;
    }

    for ( ;; ) {
        p = elaaoms_pii_back_spaces(in, s, 3);

        for (k = 0, l = links; *l && k == 0; l++) {
            k = elaaoms_pii_keyword_before(in, p, *l, p < s);
        }
        if (k == 0) {
            return s;
        }

        p = elaaoms_pii_back_spaces(in, k - 1, 3);
        if (elaaoms_ascii_alpha(in[k - 1]) && p == k - 1) {
            return s;           /* bare link word wants a space before */
        }

        for (k = p; k > 0 && elaaoms_pii_email_local(in[k - 1]); k--) {
            /* void */
        }
        while (k < p && !elaaoms_ascii_alnum(in[k])) {
            k++;
        }
        if (k == p) {
            return s;
        }

        s = k;
    }
}


/*
 * "x at y dot z", "x (at) y (dot) z", "x [at] y.z", "x @ y dot z": the
 * "at" forms, then the domain (needing a TLD) and the local part
 */
void
elaaoms_pii_spoken_emails(const unsigned char *in, size_t len,
    elaaoms_pii_spans_t *spans)
{
    int     bare;
    size_t  i, at_end, right, left, end, start;

    for (i = 0; i < len; i++) {
        bare = 0;

        if (in[i] != '@' && (in[i] | 0x20) != 'a'
            && elaaoms_pii_close_of(in[i]) == 0)
        {
            continue;
        }

        if (in[i] == '@') {
            at_end = i + 1;

        } else if ((at_end = elaaoms_pii_keyword(in, len, i, "at", 0))) {
            /* bracketed */

        } else if ((at_end = elaaoms_pii_keyword(in, len, i, "at", 1))) {
            bare = 1;

        } else {
            continue;
        }

        right = elaaoms_pii_skip_spaces(in, len, at_end, 3);
        left = elaaoms_pii_back_spaces(in, i, 3);

        /* a bare "at" is a word between spaces */
        if (bare && (right == at_end || left == i)) {
            continue;
        }

        end = elaaoms_pii_spoken_domain(in, len, right);
        if (end == 0) {
            continue;
        }

        start = elaaoms_pii_spoken_local(in, left);
        if (start == left) {
            continue;
        }

        elaaoms_pii_add(spans, start, end, ELAAOMS_PII_EMAIL);
        i = at_end - 1;
    }
}
