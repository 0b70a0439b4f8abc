/*
 * The offline extractor: word patterns over the caller's sentences.
 *
 * The text is first copied and cleaned (invalid UTF-8 -> '?', control
 * characters -> ' ', curly apostrophes -> '\''), so that every later step
 * works on valid UTF-8 and ASCII word boundaries.  Pass 1 collects the
 * call's references (order codes ...) and their status, pass 2 walks the
 * caller's sentences in order and applies the rules.  Results go to a
 * scratch list first and are merged into the caller's list, which drops
 * exact duplicates.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract_offline.h"
#include "llm.h"
#include "transcript.h"


#define XO_MAX_TOKENS     96      /* words read per sentence */
#define XO_MAX_REFS       32
#define XO_MAX_ITEMS      128     /* memories per call, before the merge */
#define XO_MAX_CODE       32
#define XO_CONTENT_MAX    ELAAOMS_LLM_MAX_CONTENT_CHARS
#define XO_QUOTE_MAX      ELAAOMS_LLM_MAX_QUOTE_CHARS


typedef struct {
    size_t      off;
    size_t      len;
    unsigned    punct;          /* a single punctuation character */
} xo_tok_t;

typedef struct {
    const char *s;              /* the sentence, not NUL-terminated */
    size_t      n;
    xo_tok_t    tok[XO_MAX_TOKENS];
    size_t      ntok;
} xo_sent_t;

typedef struct {
    int         caller;         /* 1: caller line, 0: agent line */
    const char *msg;            /* after the speaker prefix */
    size_t      len;
} xo_line_t;

typedef struct {
    const char *phrase;         /* word pattern, see xo_match() */
    const char *text;           /* "is delayed" */
    const char *adj;            /* "delayed", for emotions; may be NULL */
    int         importance;
} xo_status_t;

typedef struct {
    char        code[XO_MAX_CODE + 1];
    char        kind[16];
    int         status;         /* index in xo_statuses, or -1 */
    char        expected[32];   /* "on Monday" for a delay, or "" */
    const char *line;           /* the caller line that first gave it */
    int         emitted;
} xo_ref_t;

typedef struct {
    elaaoms_extracted_list_t    raw;
    xo_ref_t                    refs[XO_MAX_REFS];
    size_t                      nrefs;
    xo_ref_t                   *last_ref;  /* latest mentioned, for emotions */
    char                        quote[XO_QUOTE_MAX * 4 + 1];
    int                         nomem;
} xo_ctx_t;


static const char *xo_kinds[] = {
    "order", "account", "ticket", "case", "invoice", "booking",
    "reservation", "claim", "policy", "tracking", "subscription", NULL
};

/* checked in this order: the specific phrasings first, then what happened
 * before what is asked */
static const xo_status_t  xo_statuses[] = {
    { "hacked|compromised", "may be compromised", "compromised", 9 },
    { "never arrived|came|showed", "is missing", "missing", 7 },
    { "missing|lost", "is missing", "missing", 7 },
    { "delayed|late|overdue", "is delayed", "delayed", 7 },
    { "supposed|meant|due|expected to arrive|come|ship|be", "is delayed",
      "delayed", 7 },
    { "hasn't|didn't|haven't|not arrive|arrived|come|shipped|ship",
      "is delayed", "delayed", 7 },
    { "still waiting", "is delayed", "delayed", 7 },
    { "damaged|broken|cracked|smashed", "arrived damaged", "damaged", 7 },
    { "wrong", "came with the wrong item", NULL, 7 },
    { "refund*", "needs a refund", NULL, 8 },
    { "cancel*", "is to be cancelled", NULL, 8 },
    { "return*", "is being returned", NULL, 7 },
    { "locked", "is locked", "locked", 7 },
    { "unresolved|pending", "is still unresolved", "unresolved", 7 },
    { "still open", "is still unresolved", "unresolved", 7 },
    { NULL, NULL, NULL, 0 }
};

static const char *xo_weekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "tomorrow", "yesterday", "today", "january", "february",
    "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", NULL
};


/* --- text cleaning --------------------------------------------------------- */

/* length of the valid UTF-8 sequence at p (1..4), 0 if invalid */
static size_t
xo_utf8_len(const unsigned char *p)
{
    size_t          n, i;
    uint32_t        cp;

    if (p[0] < 0x80) {
        return 1;
    }

    if ((p[0] & 0xe0) == 0xc0) {
        n = 2; cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3; cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4; cp = p[0] & 0x07;
    } else {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {    /* also stops at the NUL */
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }

    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800)
        || (n == 4 && cp < 0x10000) || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
    {
        return 0;
    }

    return n;
}


/* a malloc()ed clean copy; never longer than the input */
static char *
xo_clean(const char *text)
{
    size_t                n, k;
    char                 *out, *d;
    const unsigned char  *p;

    out = malloc(strlen(text) + 1);
    if (out == NULL) {
        return NULL;
    }

    d = out;
    p = (const unsigned char *) text;

    while (*p) {
        n = xo_utf8_len(p);

        if (n == 0) {
            *d++ = '?';
            p++;

        } else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80
                   && (p[2] == 0x98 || p[2] == 0x99))
        {
            *d++ = '\'';            /* ’ and ‘, so "I’m" reads as "I'm" */
            p += 3;

        } else if (n == 1) {
            *d++ = (*p < 0x20 && *p != '\n') || *p == 0x7f ? ' ' : (char) *p;
            p++;

        } else {
            for (k = 0; k < n; k++) {
                *d++ = (char) *p++;
            }
        }
    }

    *d = '\0';
    return out;
}


/* --- lines, sentences, words ----------------------------------------------- */

/* the next "Caller:"/"User:"/"Agent:" line from *pos; 0 at the end */
static int
xo_next_line(const char *text, size_t *pos, xo_line_t *ln)
{
    const char  *p, *e;

    for ( ;; ) {
        p = text + *pos;
        if (*p == '\0') {
            return 0;
        }

        e = strchr(p, '\n');
        if (e == NULL) {
            e = p + strlen(p);
        }
        *pos = (size_t) (e - text) + (*e == '\n');

        if (strncmp(p, "Caller: ", 8) == 0) {
            ln->caller = 1; ln->msg = p + 8;
        } else if (strncmp(p, "User: ", 6) == 0) {
            ln->caller = 1; ln->msg = p + 6;
        } else if (strncmp(p, "Agent: ", 7) == 0) {
            ln->caller = 0; ln->msg = p + 7;
        } else {
            continue;
        }

        ln->len = (size_t) (e - ln->msg);
        return 1;
    }
}


static int
xo_is_word_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || c == '\'' || c == '-' || c == '#'
           || c == '/' || c == '&' || c == '@' || c == '_';
}


/*
 * The next sentence of line[0..len) from *pos, cut after ". ! ? ;" that
 * end a word (so "3.5" and "a.b" stay whole), and its words; 0 at the end.
 */
static int
xo_next_sentence(const char *line, size_t len, size_t *pos, xo_sent_t *st)
{
    size_t          i, start;
    unsigned char   c;

    i = *pos;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) {
        i++;
    }

    if (i >= len) {
        return 0;
    }

    start = i;
    st->s = line + start;
    st->ntok = 0;

    while (i < len) {
        c = (unsigned char) line[i];

        if (c == '.' || c == '!' || c == '?' || c == ';') {
            if (i + 1 >= len || line[i + 1] == ' ') {
                i++;
                break;
            }
        }

        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }

        if (xo_is_word_char(c)) {
            size_t  b = i;

            while (i < len && xo_is_word_char((unsigned char) line[i])) {
                i++;
            }
            /* a trailing "'" or "-" is punctuation, not part of the word */
            while (i - b > 1 && (line[i - 1] == '\'' || line[i - 1] == '-')) {
                i--;
            }
            if (st->ntok < XO_MAX_TOKENS) {
                st->tok[st->ntok++] = (xo_tok_t) { b - start, i - b, 0 };
            }
            continue;
        }

        if (st->ntok < XO_MAX_TOKENS) {
            st->tok[st->ntok++] = (xo_tok_t) { i - start, 1, 1 };
        }
        i++;
    }

    st->n = i - start;
    *pos = i;
    return 1;
}


static const char *
xo_tok_p(const xo_sent_t *st, size_t i)
{
    return st->s + st->tok[i].off;
}


/* the word equals w[0..wlen) (any case), or starts with it when prefix */
static int
xo_tok_is(const xo_sent_t *st, size_t i, const char *w, size_t wlen,
    int prefix)
{
    if (i >= st->ntok || st->tok[i].punct) {
        return wlen == 1 && i < st->ntok && *xo_tok_p(st, i) == *w;
    }

    if (prefix ? st->tok[i].len < wlen : st->tok[i].len != wlen) {
        return 0;
    }

    return strncasecmp(xo_tok_p(st, i), w, wlen) == 0;
}


/* one pattern item ("a|b|c*", without the optional mark) against word i */
static int
xo_item_is(const xo_sent_t *st, size_t i, const char *item, size_t ilen)
{
    const char  *a, *e, *end;
    size_t       alen;

    end = item + ilen;

    for (a = item; a < end; a = e + 1) {
        e = memchr(a, '|', (size_t) (end - a));
        if (e == NULL) {
            e = end;
        }
        alen = (size_t) (e - a);

        if (alen == 1 && *a == '_') {
            if (i < st->ntok && !st->tok[i].punct) {
                return 1;                   /* any word */
            }
        } else if (alen > 1 && a[alen - 1] == '*') {
            if (xo_tok_is(st, i, a, alen - 1, 1)) {
                return 1;
            }
        } else if (xo_tok_is(st, i, a, alen, 0)) {
            return 1;
        }
    }

    return 0;
}


/*
 * Matches pattern at word i: items separated by spaces, alternatives by
 * "|", "word*" a prefix, "_" any word, a trailing "?" an optional item
 * (taken when it matches, no backtracking).  *end gets the index after
 * the match.
 */
static int
xo_match(const xo_sent_t *st, size_t i, const char *pattern, size_t *end)
{
    const char  *p, *e;
    size_t       ilen;
    int          opt;

    for (p = pattern; *p; p = *e ? e + 1 : e) {
        e = strchr(p, ' ');
        if (e == NULL) {
            e = p + strlen(p);
        }
        ilen = (size_t) (e - p);
        opt = ilen > 1 && p[ilen - 1] == '?';

        if (xo_item_is(st, i, p, ilen - opt)) {
            i++;
        } else if (!opt) {
            return 0;
        }
    }

    if (end) {
        *end = i;
    }
    return 1;
}


/* the first word index where pattern matches, from i on; -1 if none */
static long
xo_find(const xo_sent_t *st, size_t from, const char *pattern, size_t *end)
{
    size_t  i;

    for (i = from; i < st->ntok; i++) {
        if (xo_match(st, i, pattern, end)) {
            return (long) i;
        }
    }

    return -1;
}


static int
xo_in_list(const xo_sent_t *st, size_t i, const char **list)
{
    for ( ; *list; list++) {
        if (xo_tok_is(st, i, *list, strlen(*list), 0)) {
            return 1;
        }
    }
    return 0;
}


/* "not"/"never"/"no"/"...n't" in the two words before i */
static int
xo_negated(const xo_sent_t *st, size_t i)
{
    size_t  k, len;

    for (k = 1; k <= 2 && k <= i; k++) {
        if (st->tok[i - k].punct) {
            return 0;
        }
        len = st->tok[i - k].len;
        if (xo_match(st, i - k, "not|never|no", NULL)
            || (len > 3 && strncasecmp(xo_tok_p(st, i - k) + len - 3, "n't", 3)
                           == 0))
        {
            return 1;
        }
    }

    return 0;
}


/* --- building content ------------------------------------------------------ */

typedef struct {
    char    s[XO_CONTENT_MAX + 1];
    size_t  len;
    int     full;
} xo_buf_t;


static void
xo_put(xo_buf_t *b, const char *s, size_t n)
{
    /* whole words only, so a cut never splits a UTF-8 character */
    if (b->full || n > XO_CONTENT_MAX - 1 - b->len) {
        b->full = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}


static void
xo_puts(xo_buf_t *b, const char *s)
{
    xo_put(b, s, strlen(s));
}


/* the caller's words into the third person, for the words it knows */
static const char *
xo_third_person(const xo_sent_t *st, size_t i)
{
    static const char  *map[][2] = {
        { "my", "their" }, { "me", "them" }, { "i", "they" },
        { "i'm", "they're" }, { "i've", "they've" }, { "i'd", "they'd" },
        { "i'll", "they'll" }, { "mine", "theirs" },
        { "myself", "themselves" }, { "our", "their" }, { "us", "them" },
        { "we", "they" }, { NULL, NULL }
    };
    size_t  k;

    for (k = 0; map[k][0]; k++) {
        if (xo_tok_is(st, i, map[k][0], strlen(map[k][0]), 0)) {
            return map[k][1];
        }
    }

    /* "I am" -> "they are" */
    if (i > 0 && xo_tok_is(st, i, "am", 2, 0) && xo_tok_is(st, i - 1, "i", 1, 0))
    {
        return "are";
    }

    return NULL;
}


/* words [from, to) rewritten, separated by spaces, no space before "," */
static void
xo_put_words(xo_buf_t *b, const xo_sent_t *st, size_t from, size_t to)
{
    size_t       i;
    const char  *w;

    for (i = from; i < to && i < st->ntok; i++) {
        if (i > from && !st->tok[i].punct) {
            xo_puts(b, " ");
        }
        w = xo_third_person(st, i);
        if (w) {
            xo_puts(b, w);
        } else {
            xo_put(b, xo_tok_p(st, i), st->tok[i].len);
        }
    }
}


/*
 * The end of a span of at most maxw words from i: stops at punctuation
 * (a comma too unless comma), at one of stop, and drops trailing
 * punctuation.
 */
static size_t
xo_span(const xo_sent_t *st, size_t i, size_t maxw, int comma,
    const char **stop)
{
    size_t  j, words;

    for (j = i, words = 0; j < st->ntok && words < maxw; j++) {
        if (st->tok[j].punct) {
            if (!comma || *xo_tok_p(st, j) != ',') {
                break;
            }
            continue;
        }
        if (stop && xo_in_list(st, j, stop)) {
            break;
        }
        words++;
    }

    while (j > i && st->tok[j - 1].punct) {
        j--;
    }

    return j;
}


static void
xo_add(xo_ctx_t *cx, elaaoms_mem_type_e type, xo_buf_t *b, int importance,
    double confidence)
{
    if (cx->nomem || b->len == 0 || cx->raw.n >= XO_MAX_ITEMS) {
        return;
    }

    if (b->s[b->len - 1] != '.') {
        xo_puts(b, ".");
    }
    if (b->full) {
        return;         /* not a whole sentence: better nothing */
    }
    b->s[0] = (char) toupper((unsigned char) b->s[0]);

    if (elaaoms_extracted_add(&cx->raw, type, b->s, importance, confidence,
                              cx->quote) != 0)
    {
        cx->nomem = 1;
    }
}


/* --- references ------------------------------------------------------------ */

/*
 * A reference code at word i: "#" and 3+ digits, letters and 3+ digits
 * ("XYZ-789"), or 3+ digits after a kind word ("order number 4411").
 */
static int
xo_is_code(const xo_sent_t *st, size_t i)
{
    size_t       k, digits, alpha, len;
    const char  *p;

    if (st->tok[i].punct || st->tok[i].len > XO_MAX_CODE) {
        return 0;
    }

    p = xo_tok_p(st, i);
    len = st->tok[i].len;

    for (k = 0, digits = 0, alpha = 0; k < len; k++) {
        if (isdigit((unsigned char) p[k])) {
            digits++;
        } else if (isalpha((unsigned char) p[k])) {
            alpha++;
        } else if (p[k] != '-' && !(k == 0 && p[k] == '#')) {
            return 0;
        }
    }

    if (digits < 3) {
        return 0;
    }

    if (p[0] == '#' || alpha > 0) {
        return 1;
    }

    /* plain digits: only right after "order (number|no|#|id|is)" */
    for (k = 1; k <= 3 && k <= i; k++) {
        if (xo_in_list(st, i - k, xo_kinds)) {
            return 1;
        }
        if (!xo_match(st, i - k, "number|no|num|id|is|#|:", NULL)) {
            return 0;
        }
    }

    return 0;
}


/* the kind word nearest before word i, else any after it; NULL if none */
static const char *
xo_kind_in(const xo_sent_t *st, size_t i)
{
    size_t  k, j;

    for (j = i + 1; j-- > 0; ) {
        for (k = 0; xo_kinds[k]; k++) {
            if (xo_tok_is(st, j, xo_kinds[k], strlen(xo_kinds[k]), 0)) {
                return xo_kinds[k];
            }
        }
    }

    for (j = i; j < st->ntok; j++) {
        for (k = 0; xo_kinds[k]; k++) {
            if (xo_tok_is(st, j, xo_kinds[k], strlen(xo_kinds[k]), 0)) {
                return xo_kinds[k];
            }
        }
    }

    return NULL;
}


static const char *
xo_kind_in_line(const char *line, size_t len)
{
    size_t       pos = 0;
    xo_sent_t    st;
    const char  *kind;

    while (xo_next_sentence(line, len, &pos, &st)) {
        kind = xo_kind_in(&st, st.ntok ? st.ntok - 1 : 0);
        if (kind) {
            return kind;
        }
    }

    return NULL;
}


static xo_ref_t *
xo_ref_find(xo_ctx_t *cx, const char *code, size_t len)
{
    size_t  k;

    for (k = 0; k < cx->nrefs; k++) {
        if (strlen(cx->refs[k].code) == len
            && strncasecmp(cx->refs[k].code, code, len) == 0)
        {
            return &cx->refs[k];
        }
    }

    return NULL;
}


static int
xo_any_code(const xo_sent_t *st)
{
    size_t  i;

    for (i = 0; i < st->ntok; i++) {
        if (xo_is_code(st, i)) {
            return 1;
        }
    }
    return 0;
}


/* the status of the sentence, and a delay's expected day; -1 if none */
static int
xo_status_in(const xo_sent_t *st, char *expected, size_t elen)
{
    int     s;
    long    at;
    size_t  end;

    for (s = 0; xo_statuses[s].phrase; s++) {
        at = xo_find(st, 0, xo_statuses[s].phrase, &end);
        if (at < 0 || xo_negated(st, (size_t) at)) {
            continue;
        }

        if (strcmp(xo_statuses[s].adj ? xo_statuses[s].adj : "", "delayed")
            == 0)
        {
            at = xo_find(st, 0, "on|by _", &end);
            while (at >= 0 && !xo_in_list(st, end - 1, xo_weekdays)) {
                at = xo_find(st, (size_t) at + 1, "on|by _", &end);
            }
            if (at >= 0) {
                snprintf(expected, elen, "%.*s %.*s",
                         (int) st->tok[at].len, xo_tok_p(st, (size_t) at),
                         (int) st->tok[end - 1].len, xo_tok_p(st, end - 1));
                expected[0] = (char) tolower((unsigned char) expected[0]);
            }
        }
        return s;
    }

    return -1;
}


/*
 * The clause of word i: the words between the nearest ",", "and" or "but"
 * on each side, so that "order A1 never came, and case B2 is open" gives
 * each code its own status.
 */
static void
xo_clause(const xo_sent_t *st, size_t i, xo_sent_t *sub)
{
    size_t  a, b;

    for (a = i; a > 0 && !st->tok[a - 1].punct
                && !xo_match(st, a - 1, "and|but|while", NULL); a--)
    { /* void */ }

    for (b = i + 1; b < st->ntok && !st->tok[b].punct
                    && !xo_match(st, b, "and|but|while", NULL); b++)
    { /* void */ }

    sub->s = st->s;
    sub->n = st->n;
    sub->ntok = b - a;
    memcpy(sub->tok, st->tok + a, (b - a) * sizeof(xo_tok_t));
}


/* the status of the clause holding the code, -1 if none or no code */
static int
xo_status_of_code(const xo_sent_t *st, const char *code, char *expected,
    size_t elen)
{
    size_t      i, len = strlen(code);
    xo_sent_t   sub;

    for (i = 0; i < st->ntok; i++) {
        if (st->tok[i].len == len && !st->tok[i].punct
            && strncasecmp(xo_tok_p(st, i), code, len) == 0)
        {
            xo_clause(st, i, &sub);
            return xo_status_in(&sub, expected, elen);
        }
    }
    return -1;
}


/* pass 1: the codes the caller gave, their kind, then their status */
static void
xo_collect_refs(xo_ctx_t *cx, const char *text)
{
    int          s, round;
    size_t       pos, spos, i, k;
    xo_ref_t    *r;
    xo_sent_t    st;
    xo_line_t    ln, agent, prev;
    const char  *kind;

    pos = 0;
    agent.len = 0; agent.msg = "";
    prev = agent;

    while (xo_next_line(text, &pos, &ln)) {
        if (!ln.caller) {
            agent = ln;
            continue;
        }

        spos = 0;
        while (xo_next_sentence(ln.msg, ln.len, &spos, &st)) {
            for (i = 0; i < st.ntok; i++) {
                if (!xo_is_code(&st, i) || cx->nrefs == XO_MAX_REFS
                    || xo_ref_find(cx, xo_tok_p(&st, i), st.tok[i].len))
                {
                    continue;
                }

                kind = xo_kind_in(&st, i);
                if (kind == NULL) {
                    kind = xo_kind_in_line(ln.msg, ln.len);
                }
                if (kind == NULL) {
                    kind = xo_kind_in_line(agent.msg, agent.len);
                }
                if (kind == NULL) {
                    kind = xo_kind_in_line(prev.msg, prev.len);
                }

                r = &cx->refs[cx->nrefs++];
                memset(r, 0, sizeof(xo_ref_t));
                snprintf(r->code, sizeof(r->code), "%.*s",
                         (int) st.tok[i].len, xo_tok_p(&st, i));
                snprintf(r->kind, sizeof(r->kind), "%s",
                         kind ? kind : "reference");
                r->status = -1;
                r->line = ln.msg;
            }
        }

        prev = ln;
    }

    /*
     * The status: a caller sentence with the code, else a caller sentence
     * about the same kind without a code of its own ("my order ... was
     * supposed to arrive"), else an agent sentence with the code.
     */
    for (k = 0; k < cx->nrefs; k++) {
        r = &cx->refs[k];

        for (round = 0; round < 3 && r->status < 0; round++) {
            pos = 0;
            while (r->status < 0 && xo_next_line(text, &pos, &ln)) {
                if (ln.caller != (round < 2)) {
                    continue;
                }
                spos = 0;
                while (r->status < 0
                       && xo_next_sentence(ln.msg, ln.len, &spos, &st))
                {
                    if (round != 1) {
                        r->status = xo_status_of_code(&st, r->code,
                                        r->expected, sizeof(r->expected));
                        continue;
                    }
                    if (xo_any_code(&st)
                        || xo_find(&st, 0, r->kind, NULL) < 0)
                    {
                        continue;
                    }
                    s = xo_status_in(&st, r->expected, sizeof(r->expected));
                    r->status = s;
                }
            }
        }
    }
}


static void
xo_ref_name(xo_buf_t *b, const xo_ref_t *r, int with_adj)
{
    if (with_adj && r->status >= 0 && xo_statuses[r->status].adj) {
        /* "the delayed order XYZ-789" */
        xo_puts(b, "the ");
        xo_puts(b, xo_statuses[r->status].adj);
        xo_puts(b, " ");
    } else if (strcmp(r->kind, "reference") == 0) {
        xo_puts(b, "the ");
    }
    xo_puts(b, r->kind);
    xo_puts(b, " ");
    xo_puts(b, r->code);
}


/* a code's memories, where the caller first gave it */
static void
xo_rule_refs(xo_ctx_t *cx, const xo_sent_t *st, const char *line)
{
    size_t       i;
    xo_buf_t     b;
    xo_ref_t    *r;

    for (i = 0; i < st->ntok; i++) {
        if (!xo_is_code(st, i)) {
            continue;
        }
        r = xo_ref_find(cx, xo_tok_p(st, i), st->tok[i].len);
        if (r == NULL) {
            continue;
        }
        cx->last_ref = r;
        if (r->emitted || r->line != line) {
            continue;
        }
        r->emitted = 1;

        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Called about ");
        xo_ref_name(&b, r, 0);
        xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 7, 0.7);

        if (r->status < 0) {
            continue;
        }

        b = (xo_buf_t) { .len = 0 };
        xo_ref_name(&b, r, 0);
        xo_puts(&b, " ");
        xo_puts(&b, xo_statuses[r->status].text);
        if (r->expected[0]) {
            xo_puts(&b, "; it was expected ");
            xo_puts(&b, r->expected);
        }
        xo_add(cx, ELAAOMS_MEM_ISSUE, &b, xo_statuses[r->status].importance,
               0.6);
    }
}


/* --- factual --------------------------------------------------------------- */

static const char *xo_not_names[] = {
    "I", "Just", "Really", "Not", "So", "Very", "Calling", "Here", "Again",
    "The", "A", "An", "My", "Your", "It", "That", "This", "Sorry", "Still",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
    "Mr", "Mrs", "Ms", "Dr", "OK", "Okay", "Yes", "No", NULL
};


/* a name word: a capital, then letters, "'" or "-", some lower case */
static int
xo_is_name_word(const xo_sent_t *st, size_t i, int any_case)
{
    size_t       k, lower = 0;
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct || st->tok[i].len > 40) {
        return 0;
    }

    p = xo_tok_p(st, i);
    if (!any_case && !isupper((unsigned char) p[0])) {
        return 0;
    }
    if (!isalpha((unsigned char) p[0])) {
        return 0;
    }

    for (k = 0; k < st->tok[i].len; k++) {
        if (islower((unsigned char) p[k])) {
            lower++;
        } else if (!isalpha((unsigned char) p[k]) && p[k] != '\''
                   && p[k] != '-')
        {
            return 0;
        }
    }

    return lower > 0 && !xo_in_list(st, i, xo_not_names);
}


/* only greetings before word i: "Hi, this is ..." */
static int
xo_at_start(const xo_sent_t *st, size_t i)
{
    static const char  *greet[] = {
        "hi", "hello", "hey", "yes", "yeah", "oh", "ok", "okay", "so", "um",
        "uh", "well", "and", "good", "morning", "afternoon", "evening", NULL
    };
    size_t  k;

    for (k = 0; k < i; k++) {
        if (!st->tok[k].punct && !xo_in_list(st, k, greet)) {
            return 0;
        }
    }
    return 1;
}


static void
xo_rule_name(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const char  *stop[] = {
        "and", "but", "i", "i'm", "calling", "from", "here", "again", "so",
        "with", NULL
    };
    long        at;
    size_t      end, j, n, c;
    int         any;
    xo_buf_t    b;

    struct { const char *pat; int any_case, start; }  pats[] = {
        { "my name is", 1, 0 },
        { "my name's", 1, 0 },
        { "this is", 0, 1 },
        { "it's", 0, 1 },
        { "it is", 0, 1 },
        { "i'm", 0, 0 },
        { "i am", 0, 0 },
        { "call me", 0, 0 },
        { NULL, 0, 0 }
    };

    for (c = 0; pats[c].pat; c++) {
        at = xo_find(st, 0, pats[c].pat, &end);
        if (at < 0 || (pats[c].start && !xo_at_start(st, (size_t) at))) {
            continue;
        }

        any = pats[c].any_case;
        for (j = end, n = 0; n < 3 && xo_is_name_word(st, j, any)
                             && !(any && xo_in_list(st, j, stop)); j++, n++)
        { /* void */ }

        if (n == 0) {
            continue;
        }

        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Caller's name is ");
        for (j = end; j < end + n; j++) {
            if (j > end) {
                xo_puts(&b, " ");
            }
            xo_put(&b, xo_tok_p(st, j), st->tok[j].len);
            /* "my name is john smith" */
            b.s[b.len - st->tok[j].len] =
                (char) toupper((unsigned char) b.s[b.len - st->tok[j].len]);
        }
        xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 6, 0.7);
        return;
    }
}


static int
xo_span_has_place(const xo_sent_t *st, size_t from, size_t to)
{
    size_t  i;

    for (i = from; i < to; i++) {
        if (isdigit((unsigned char) *xo_tok_p(st, i))
            || (i > from && isupper((unsigned char) *xo_tok_p(st, i))))
        {
            return 1;
        }
    }
    return from < to && isupper((unsigned char) *xo_tok_p(st, from));
}


static void
xo_rule_address(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const char  *stop[] = { "and", "but", "so", "because", NULL };
    long        at;
    size_t      end, to, c;
    xo_buf_t    b;

    struct { const char *pat; const char *lead; }  pats[] = {
        { "my|our new address is", "New address is " },
        { "my|our address is", "Address is " },
        { "moved to", "Moved to " },
        { "i|we live at|in", "Lives " },
        { NULL, NULL }
    };

    for (c = 0; pats[c].pat; c++) {
        at = xo_find(st, 0, pats[c].pat, &end);
        if (at < 0) {
            continue;
        }

        to = xo_span(st, end, 10, 1, stop);
        if (!xo_span_has_place(st, end, to)) {
            continue;
        }

        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, pats[c].lead);
        if (strcmp(pats[c].lead, "Lives ") == 0) {
            xo_put_words(&b, st, end - 1, end);     /* "at" or "in" */
            xo_puts(&b, " ");
        }
        xo_put_words(&b, st, end, to);
        xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 6, 0.6);
        return;
    }
}


static void
xo_rule_work(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const char  *stop[] = {
        "and", "but", "so", "who", "that", "with", "at", "in", "for", "from",
        "because", "which", "and", "of", NULL
    };
    static const char  *not_jobs[] = {
        "bit", "little", "lot", "fan", "big", "huge", "customer", "member",
        "client", "loyal", "long-time", "longtime", "new", "returning",
        "regular", "frequent", "very", "really", "pretty", "real", "patient",
        "subscriber", "first", "second", NULL
    };
    long        at;
    size_t      end, to;
    xo_buf_t    b;

    at = xo_find(st, 0, "i'm a|an", &end);
    if (at < 0) {
        at = xo_find(st, 0, "i am a|an", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "work|working as a|an", &end);
    }
    if (at >= 0 && !xo_in_list(st, end, not_jobs)) {
        to = xo_span(st, end, 3, 0, stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Is ");
            xo_put_words(&b, st, end - 1, to);
            xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 5, 0.6);
        }
    }

    /* "I work nights", "and work night shifts", "I'm working weekends" */
    at = xo_find(st, 0, "i|and|i'm work|working the? night|day|late|early|"
                        "evening|morning|weekend|overnight shift|shifts", &end);
    if (at < 0) {
        at = xo_find(st, 0, "i|and|i'm work|working nights|weekends|"
                            "overnight|evenings|mornings|days", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "i|and|i'm work|working from home", &end);
    }
    if (at >= 0) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Works ");
        xo_put_words(&b, st, (size_t) at + 2, end);
        xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 5, 0.6);
    }
}


/* --- issues ---------------------------------------------------------------- */

typedef struct {
    const char *pat;
    const char *content;
    int         importance;
} xo_fixed_t;


/* the first pattern of the table that matches, or -1 */
static int
xo_fixed_find(const xo_sent_t *st, const xo_fixed_t *tab, long *at,
    size_t *end)
{
    int  k;

    for (k = 0; tab[k].pat; k++) {
        *at = xo_find(st, 0, tab[k].pat, end);
        if (*at >= 0) {
            return k;
        }
    }
    return -1;
}


static void
xo_rule_issues(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const xo_fixed_t  money[] = {
        { "double|duplicate charge*|charged|billed|payment*",
          "Reported being charged twice for the same purchase", 8 },
        { "double-charged|double-billed",
          "Reported being charged twice for the same purchase", 8 },
        { "charged|billed me? twice", 
          "Reported being charged twice for the same purchase", 8 },
        { "charged|billed me? two times",
          "Reported being charged twice for the same purchase", 8 },
        { "overcharged|overbilled", "Reported being overcharged", 8 },
        { "unauthorized|unauthorised|unrecognized|unrecognised|fraudulent|"
          "unknown charge*|transaction*|payment*|purchase*",
          "Reported an unauthorized charge", 9 },
        { "didn't|never make|authorize|authorise this|that|these? "
          "charge*|purchase*|payment*", "Reported an unauthorized charge", 9 },
        { NULL, NULL, 0 }
    };
    static const xo_fixed_t  security[] = {
        { "hacked|compromised",
          "Reported that their account may be compromised", 9 },
        { "identity theft|stolen",
          "Reported that their account may be compromised", 9 },
        { "locked out", "Is locked out of their account", 7 },
        { "can't|cannot|couldn't log|sign in|into|on",
          "Cannot log in to their account", 7 },
        { NULL, NULL, 0 }
    };
    static const xo_fixed_t  other[] = {
        { "wrong item|size|color|colour|product|order|thing|one|package|model",
          "Received the wrong item", 7 },
        { "sent|shipped|gave me? the|a wrong", "Received the wrong item", 7 },
        { "nobody|noone called|emailed|got|followed|responded|replied|"
          "contacted", "Was not followed up with after an earlier contact",
          7 },
        { "no one called|emailed|got|followed|responded|replied|contacted",
          "Was not followed up with after an earlier contact", 7 },
        { "never heard|got back", "Was not followed up with after an "
          "earlier contact", 7 },
        { "haven't|hasn't heard back|anything",
          "Was not followed up with after an earlier contact", 7 },
        { NULL, NULL, 0 }
    };
    static const xo_fixed_t  *tabs[] = { money, security, other, NULL };
    static const char  *dets[] = { "my", "the", "our", "this", "their", NULL };
    static const char  *stop[] = {
        "and", "but", "so", "because", "please", "since", "as", NULL
    };

    int          k, t;
    long         at;
    size_t       end, j, to;
    xo_buf_t     b;

    for (t = 0; tabs[t]; t++) {
        k = xo_fixed_find(st, tabs[t], &at, &end);
        if (k >= 0) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, tabs[t][k].content);
            xo_add(cx, ELAAOMS_MEM_ISSUE, &b, tabs[t][k].importance, 0.6);
        }
    }

    at = xo_find(st, 0, "refund*", &end);
    if (at >= 0 && !xo_negated(st, (size_t) at)) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Asked about a refund");
        xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 8, 0.6);
    }

    at = xo_find(st, 0, "cancel|cancelling|canceling|cancellation", &end);
    if (at >= 0 && !xo_negated(st, (size_t) at)) {
        b = (xo_buf_t) { .len = 0 };
        if (xo_in_list(st, end, dets)) {
            to = xo_span(st, end, 4, 0, stop);
            xo_puts(&b, "Asked to cancel ");
            xo_put_words(&b, st, end, to);
        } else {
            xo_puts(&b, "Asked about a cancellation");
        }
        xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 8, 0.6);
    }

    /* "my grinder stopped working" -> "their grinder stopped working" */
    at = xo_find(st, 0, "stopped|stops|quit working", &end);
    if (at < 0) {
        at = xo_find(st, 0, "isn't|doesn't|won't|not|isnt|doesnt working|work|"
                            "start|charge|turn", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "broken|broke|defective|faulty", &end);
    }
    if (at >= 0) {
        b = (xo_buf_t) { .len = 0 };
        for (j = (size_t) at; j > 0 && (size_t) at - j < 5; j--) {
            if (st->tok[j - 1].punct) {
                break;
            }
            if (xo_in_list(st, j - 1, dets)) {
                break;
            }
        }
        /* only with its subject: "I'm not working today" is no fault */
        if (j > 0 && (size_t) at - j < 5 && !st->tok[j - 1].punct) {
            xo_puts(&b, "Reported that ");
            xo_put_words(&b, st, j - 1, end);
            xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 7, 0.5);
        }
    }
}


/* --- preferences ----------------------------------------------------------- */

static const char *xo_pref_stop[] = { "but", "because", "since", NULL };


/* "send|call" -> "texted", "called" ... */
static const char *
xo_contact_verb(const xo_sent_t *st, size_t i)
{
    if (xo_match(st, i, "call|phone|ring", NULL)) {
        return "called";
    }
    if (xo_match(st, i, "email|e-mail|mail", NULL)) {
        return "emailed";
    }
    if (xo_match(st, i, "text|sms", NULL)) {
        return "texted";
    }
    if (xo_match(st, i, "message", NULL)) {
        return "messaged";
    }
    return "contacted";
}


/* the words before word i back to a comma or the start: "texts" */
static size_t
xo_subject_start(const xo_sent_t *st, size_t i)
{
    static const char  *skip[] = {
        "and", "actually", "but", "so", "also", "now", "well", "oh", "ok",
        "okay", "yeah", "yes", "though", "honestly", NULL
    };
    size_t  j;

    for (j = i; j > 0 && i - j < 5 && !st->tok[j - 1].punct; j--) {
        /* void */
    }
    while (j < i && xo_in_list(st, j, skip)) {
        j++;
    }
    return j;
}


static void
xo_rule_prefs(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const char  *pronouns[] = {
        "it", "that", "this", "them", "you", "your", "those", "these", NULL
    };
    long        at;
    size_t      end, to, from, end2;
    xo_buf_t    b;

    /* "I prefer email over phone calls" */
    at = xo_find(st, 0, "i|i'd|we prefer", &end);
    if (at < 0) {
        at = xo_find(st, 0, "i|we would prefer", &end);
    }
    if (at >= 0) {
        to = xo_span(st, end, 10, 0, xo_pref_stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Prefers ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "texts are fine now instead of email", "texts are better than email" */
    at = xo_find(st, 0, "is|are fine|ok|okay|good|better now|for? me? "
                        "instead of", &end);
    if (at < 0) {
        at = xo_find(st, 0, "is|are better|easier than", &end);
    }
    if (at > 0) {
        from = xo_subject_start(st, (size_t) at);
        to = xo_span(st, end, 5, 0, xo_pref_stop);
        if (from < (size_t) at && to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Prefers ");
            xo_put_words(&b, st, from, (size_t) at);
            xo_puts(&b, " over ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "I'd rather not get phone calls" */
    at = xo_find(st, 0, "i'd|i|we|we'd would? rather", &end);
    if (at >= 0) {
        to = xo_span(st, end, 10, 0, xo_pref_stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Would rather ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "please don't call me before noon" */
    at = xo_find(st, 0, "don't|dont|never call|phone|ring|email|e-mail|text|"
                        "message|contact me|us", &end);
    if (at < 0) {
        at = xo_find(st, 0, "do not call|phone|ring|email|e-mail|text|message|"
                            "contact me|us", &end);
    }
    if (at >= 0) {
        to = xo_span(st, end, 8, 0, xo_pref_stop);
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Does not want to be ");
        xo_puts(&b, xo_contact_verb(st, end - 2));
        if (to > end) {
            xo_puts(&b, " ");
            xo_put_words(&b, st, end, to);
        }
        xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    /* "can you email me when it ships?", "please text me" */
    at = xo_find(st, 0, "can|could|would|will you please? call|phone|email|"
                        "e-mail|text|message me|us", &end);
    if (at < 0) {
        at = xo_find(st, 0, "please call|phone|email|e-mail|text|message me|us",
                     &end);
    }
    if (at >= 0 && !xo_negated(st, end - 2)) {
        to = xo_span(st, end, 8, 0, xo_pref_stop);
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Wants to be ");
        xo_puts(&b, xo_contact_verb(st, end - 2));
        if (to > end) {
            xo_puts(&b, " ");
            xo_put_words(&b, st, end, to);
        }
        xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    at = xo_find(st, 0, "send me a|an text|email|e-mail|sms|message", &end);
    if (at >= 0 && !xo_negated(st, (size_t) at)) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Wants to be ");
        xo_puts(&b, xo_contact_verb(st, end - 1));
        xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    /* "I really like dark roast", "I can't stand hold music" */
    at = xo_find(st, 0, "i|we really|absolutely|just? like|love|enjoy", &end);
    if (at >= 0 && !xo_in_list(st, end, pronouns)) {
        to = xo_span(st, end, 6, 0, xo_pref_stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Likes ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    at = xo_find(st, 0, "i|we really? hate|dislike|detest", &end);
    if (at < 0) {
        at = xo_find(st, 0, "i|we don't|do|can't|cannot|really not? like|stand",
                     &end);
        if (at >= 0 && xo_match(st, (size_t) at + 1, "do|really", NULL)
            && !xo_match(st, (size_t) at + 2, "not|don't", NULL))
        {
            at = -1;        /* "I do like", "I really like" are not dislikes */
        }
    }
    if (at >= 0 && !xo_in_list(st, end, pronouns)) {
        to = xo_span(st, end, 6, 0, xo_pref_stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Dislikes ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    at = xo_find(st, 0, "i'm|am a|an big|huge? fan of", &end2);
    if (at >= 0) {
        to = xo_span(st, end2, 6, 0, xo_pref_stop);
        if (to > end2) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Is a fan of ");
            xo_put_words(&b, st, end2, to);
            xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }
}


/* --- emotions -------------------------------------------------------------- */

static void
xo_rule_emotions(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const xo_fixed_t  neg[] = {
        { "frustrat*", "Was frustrated", 4 },
        { "upset", "Was upset", 4 },
        { "angry|furious|livid|mad", "Was angry", 4 },
        { "annoy*", "Was annoyed", 4 },
        { "disappoint*", "Was disappointed", 4 },
        { "fed up", "Was fed up", 4 },
        { "worried|worrying|anxious|stressed", "Was worried", 4 },
        { "confused|confusing", "Was confused", 4 },
        { "unacceptable|ridiculous|terrible|awful|outrageous",
          "Found the situation unacceptable", 4 },
        { NULL, NULL, 0 }
    };
    static const xo_fixed_t  pos[] = {
        { "great|wonderful|excellent|awesome|amazing|fantastic|perfect|"
          "helpful|happy|pleased|glad|relieved|appreciate*",
          "Was pleased with the help they got", 3 },
        { NULL, NULL, 0 }
    };
    int          k;
    long         at;
    size_t       end;
    xo_buf_t     b;

    for (k = 0; neg[k].pat; k++) {
        at = xo_find(st, 0, neg[k].pat, &end);
        if (at >= 0 && !xo_negated(st, (size_t) at)) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, neg[k].content);
            if (cx->last_ref) {
                xo_puts(&b, " about ");
                xo_ref_name(&b, cx->last_ref, 1);
            }
            xo_add(cx, ELAAOMS_MEM_EMOTION, &b, neg[k].importance, 0.5);
            break;
        }
    }

    at = xo_find(st, 0, pos[0].pat, &end);
    if (at >= 0 && !xo_negated(st, (size_t) at)) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, pos[0].content);
        xo_add(cx, ELAAOMS_MEM_EMOTION, &b, pos[0].importance, 0.5);
    }
}


/* --- relationship ---------------------------------------------------------- */

static void
xo_rule_relationship(xo_ctx_t *cx, const xo_sent_t *st)
{
    static const char  *ordinals =
        "second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|umpteenth";
    static const char  *stop[] = { "and", "but", "so", "because", "now", NULL };
    char        pat[160];
    long        at;
    size_t      end, to;
    int         again_problem;
    xo_buf_t    b;

    /* a problem happening again */
    snprintf(pat, sizeof(pat), "%s time this|it|that has? happen*", ordinals);
    at = xo_find(st, 0, pat, &end);
    if (at < 0) {
        at = xo_find(st, 0, "happen*|happening again", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "keeps|kept happening", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "same problem|issue again", &end);
    }
    again_problem = at >= 0;
    if (again_problem) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Says the problem has happened before");
        xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    /* repeat calls */
    at = -1;
    if (!again_problem && xo_find(st, 0, "again", &end) >= 0
        && (xo_find(st, 0, "call*|phoning|ringing", NULL) >= 0
            || xo_find(st, 0, "it's", NULL) >= 0
            || xo_find(st, 0, "it is", NULL) >= 0
            || xo_find(st, 0, "this is", NULL) >= 0))
    {
        at = 0;
    }
    if (at < 0) {
        at = xo_find(st, 0, "calling|called|call back", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "already called|phoned|contacted|spoke|talked|"
                            "emailed", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "called|phoned|contacted before", &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "called|phoned|contacted you|here|us before",
                     &end);
    }
    if (at < 0) {
        at = xo_find(st, 0, "called|phoned|contacted you|here|us? _ times",
                     &end);
    }
    if (at < 0) {
        snprintf(pat, sizeof(pat), "%s time i|i've|i'm|calling|call*",
                 ordinals);
        at = xo_find(st, 0, pat, &end);
    }
    if (at >= 0) {
        b = (xo_buf_t) { .len = 0 };
        xo_puts(&b, "Has called before");
        xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    /* "customer for ten years", "member since 2015" */
    at = xo_find(st, 0, "customer|member|client|subscriber|patient for|since",
                 &end);
    if (at >= 0) {
        to = xo_span(st, end, 4, 0, stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Has been a ");
            xo_put_words(&b, st, (size_t) at, to);
            xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    } else {
        at = xo_find(st, 0, "been with you|y'all for|since", &end);
        if (at >= 0) {
            to = xo_span(st, end, 4, 0, stop);
            if (to > end) {
                b = (xo_buf_t) { .len = 0 };
                xo_puts(&b, "Has been a customer ");
                xo_put_words(&b, st, end - 1, to);
                xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
            }
        } else if (xo_find(st, 0, "loyal|long-time|longtime|regular customer|"
                                  "client|member", &end) >= 0)
        {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Is a long-time customer");
            xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    }

    /* family handling the account */
    at = xo_find(st, 0, "my husband|wife|partner|son|daughter|mother|mom|"
                        "father|dad|brother|sister handles|manages|pays|does|"
                        "takes|deals|runs", &end);
    if (at >= 0) {
        to = xo_span(st, end, 6, 0, stop);
        b = (xo_buf_t) { .len = 0 };
        xo_put_words(&b, st, (size_t) at, to);
        xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    at = xo_find(st, 0, "on behalf of", &end);
    if (at >= 0) {
        to = xo_span(st, end, 4, 0, stop);
        if (to > end) {
            b = (xo_buf_t) { .len = 0 };
            xo_puts(&b, "Calls on behalf of ");
            xo_put_words(&b, st, end, to);
            xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    }
}


/* --- the extractor --------------------------------------------------------- */

/* the caller's line as the quote: at most XO_QUOTE_MAX characters */
static void
xo_set_quote(xo_ctx_t *cx, const xo_line_t *ln)
{
    size_t  i, chars;

    for (i = 0, chars = 0; i < ln->len && chars < XO_QUOTE_MAX; chars++) {
        i += xo_utf8_len((const unsigned char *) ln->msg + i);
    }

    memcpy(cx->quote, ln->msg, i);
    cx->quote[i] = '\0';
}


int
elaaoms_extract_offline(const char *transcript_text,
    elaaoms_extracted_list_t *out)
{
    int          rc;
    char        *text;
    size_t       pos, spos;
    xo_ctx_t    *cx;
    xo_line_t    ln;
    xo_sent_t    st;

    out->dropped = 0;

    /* the context is large (quote buffer, references): keep it off the stack */
    cx = calloc(1, sizeof(xo_ctx_t));
    text = xo_clean(transcript_text ? transcript_text : "");
    if (cx == NULL || text == NULL) {
        free(cx);
        free(text);
        return -1;
    }

    xo_collect_refs(cx, text);

    pos = 0;
    while (!cx->nomem && xo_next_line(text, &pos, &ln)) {
        if (!ln.caller) {
            continue;
        }

        xo_set_quote(cx, &ln);

        spos = 0;
        while (xo_next_sentence(ln.msg, ln.len, &spos, &st)) {
            if (st.ntok == 0) {
                continue;
            }
            xo_rule_name(cx, &st);
            xo_rule_refs(cx, &st, ln.msg);
            xo_rule_address(cx, &st);
            xo_rule_work(cx, &st);
            xo_rule_issues(cx, &st);
            xo_rule_prefs(cx, &st);
            xo_rule_emotions(cx, &st);
            xo_rule_relationship(cx, &st);
        }
    }

    rc = cx->nomem ? -1 : elaaoms_extracted_merge(out, &cx->raw);

    if (rc != 0) {
        elaaoms_extracted_free(out);
    }

    elaaoms_extracted_free(&cx->raw);
    free(cx);
    free(text);

    return rc;
}


const char *
elaaoms_extract_offline_limits(void)
{
    return "offline extractor: English rules over the caller's lines only; "
           "fixed phrasings, no coreference, negation only by \"not\", "
           "\"never\", \"no\" or \"n't\" in the two words before, no "
           "sarcasm or hypotheticals; at most 96 words a sentence, 32 "
           "references and 128 memories a call";
}
