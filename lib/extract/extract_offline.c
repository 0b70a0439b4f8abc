/*
 * The offline extractor: word patterns over the caller's sentences.
 *
 * The text is first copied and cleaned (invalid UTF-8 -> '?', control
 * characters -> ' ', curly apostrophes -> '\''), so that every later step
 * works on valid UTF-8 and ASCII word boundaries.  Pass 1 collects the
 * call's references (order codes ...) and their status; pass 2 walks the
 * caller's sentences in order, cuts them into clauses and applies the
 * template rules, then the statement rule to what the templates left
 * unsaid.  Results go to a scratch list first and are merged into the
 * caller's list, which drops exact duplicates.
 *
 * This file is the driver: the cleaning, lines, sentences, the word
 * patterns and the building of content the rules share (see
 * extract_offline_internal.h), and the public entry point.  The rules
 * are in extract_offline_facts.c (references, names),
 * extract_offline_feelings.c (preference, feeling and repeat-call
 * templates), extract_offline_statement.c (clauses, fillers, the
 * caller's statement in the third person), extract_offline_question.c
 * (answers read with the agent's question, a "yes" to it),
 * extract_offline_agent.c (what the agent did, promised or quoted) and
 * extract_offline_cues.c (the type and importance table).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline.h"
#include "extract/extract_offline_internal.h"
#include "clients/llm.h"
#include "extract/transcript.h"


/* --- text cleaning ------------------------------------------------------ */

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


/* --- lines, sentences, words -------------------------------------------- */

/* the next "Caller:"/"User:"/"Agent:" line from *pos; 0 at the end */
int
elaaoms_xo_next_line(const char *text, size_t *pos, elaaoms_xo_line_t *ln)
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
    return elaaoms_ascii_alnum(c) || c >= 0x80 || c == '\'' || c == '-' || c == '#'
           || c == '/' || c == '&' || c == '@' || c == '_';
}


/*
 * "Dr. Patel", "Mrs. Okafor", "at St. Vincent's": the period after a
 * title ends no sentence when a capitalized word follows.  "St", "Mt" and
 * "Ft" after a capitalized word are a street's, a mount's or a fort's
 * ("5 Oak St. My wife ..."), and do end it.
 */
static int
xo_title_before(const char *line, size_t start, size_t dot, size_t len)
{
    size_t              b, n, k, p;
    static const struct {
        const char  *abbr;
        unsigned     place:1;   /* also a place name's last word */
    } titles[] = {
        { "dr", 0 }, { "mr", 0 }, { "mrs", 0 }, { "ms", 0 }, { "mx", 0 },
        { "prof", 0 }, { "rev", 0 }, { "fr", 0 }, { "sgt", 0 },
        { "capt", 0 }, { "lt", 0 }, { "col", 0 }, { "gen", 0 },
        { "st", 1 }, { "mt", 1 }, { "ft", 1 }, { NULL, 0 }
    };

    b = dot;
    while (b > start && elaaoms_ascii_alpha((unsigned char) line[b - 1])) {
        b--;
    }

    n = dot - b;
    if (n == 0 || (b > start && line[b - 1] != ' ')
        || dot + 2 >= len || !elaaoms_ascii_upper((unsigned char) line[dot + 2])
        || !elaaoms_ascii_upper((unsigned char) line[b]))
    {
        return 0;
    }

    for (k = 0; titles[k].abbr; k++) {
        if (strlen(titles[k].abbr) != n
            || strncasecmp(line + b, titles[k].abbr, n) != 0)
        {
            continue;
        }

        if (!titles[k].place) {
            return 1;
        }

        /* the word before: "Oak St." is a street, "at St." a saint */
        p = b;
        while (p > start && line[p - 1] == ' ') {
            p--;
        }
        while (p > start && elaaoms_ascii_alpha((unsigned char) line[p - 1])) {
            p--;
        }

        return p == b || !elaaoms_ascii_upper((unsigned char) line[p]);
    }

    return 0;
}


/* the length of the privacy filter's marker at s ("[redacted-card]"), or 0 */
static size_t
xo_redaction_len(const char *s, size_t len)
{
    static const char  prefix[] = "[redacted-";
    size_t             n;

    if (len < sizeof(prefix) || memcmp(s, prefix, sizeof(prefix) - 1) != 0) {
        return 0;
    }

    for (n = sizeof(prefix) - 1; n < len; n++) {
        if (s[n] == ']') {
            return n + 1;
        }
        if (!elaaoms_ascii_alpha((unsigned char) s[n])) {
            return 0;
        }
    }

    return 0;
}


/*
 * The next sentence of line[0..len) from *pos, cut after ". ! ? ;" that
 * end a word (so "3.5" and "a.b" stay whole), and its words; 0 at the end.
 */
int
elaaoms_xo_next_sentence(const char *line, size_t len, size_t *pos,
    elaaoms_xo_sent_t *st)
{
    size_t          i, n, start;
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
            if ((i + 1 >= len || line[i + 1] == ' ')
                && !(c == '.' && xo_title_before(line, start, i, len)))
            {
                i++;
                break;
            }
        }

        if (c == ' ' || c == '\t') {
            i++;
            continue;
        }

        /* "[redacted-phone]": one word, never a "]" dropped as punctuation */
        n = xo_redaction_len(line + i, len - i);
        if (n) {
            if (st->ntok < ELAAOMS_XO_MAX_TOKENS) {
                st->tok[st->ntok++] =
                    (elaaoms_xo_tok_t) { i - start, n, 0 };
            }
            i += n;
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
            if (st->ntok < ELAAOMS_XO_MAX_TOKENS) {
                st->tok[st->ntok++] =
                    (elaaoms_xo_tok_t) { b - start, i - b, 0 };
            }
            continue;
        }

        if (st->ntok < ELAAOMS_XO_MAX_TOKENS) {
            st->tok[st->ntok++] = (elaaoms_xo_tok_t) { i - start, 1, 1 };
        }
        i++;
    }

    st->n = i - start;
    *pos = i;
    return 1;
}


/* the word equals w[0..wlen) (any case), or starts with it when prefix */
int
elaaoms_xo_tok_is(const elaaoms_xo_sent_t *st, size_t i, const char *w,
    size_t wlen, int prefix)
{
    if (i >= st->ntok || st->tok[i].punct) {
        return wlen == 1 && i < st->ntok && *elaaoms_xo_tok_p(st, i) == *w;
    }

    if (prefix ? st->tok[i].len < wlen : st->tok[i].len != wlen) {
        return 0;
    }

    return strncasecmp(elaaoms_xo_tok_p(st, i), w, wlen) == 0;
}


static int
xo_has_digit(const char *p, size_t n)
{
    while (n--) {
        if (elaaoms_ascii_digit((unsigned char) p[n])) {
            return 1;
        }
    }
    return 0;
}


/* one pattern item ("a|b|c*", without the optional mark) against word i */
static int
xo_item_is(const elaaoms_xo_sent_t *st, size_t i, const char *item,
    size_t ilen)
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
        } else if (alen == 1 && *a == '@') {
            if (i < st->ntok && !st->tok[i].punct
                && elaaoms_ascii_upper((unsigned char) *elaaoms_xo_tok_p(st, i)))
            {
                return 1;                   /* a capitalized word */
            }
        } else if (alen == 1 && *a == '#') {
            if (i < st->ntok && !st->tok[i].punct
                && xo_has_digit(elaaoms_xo_tok_p(st, i), st->tok[i].len))
            {
                return 1;                   /* a number or code */
            }
        } else if (alen > 1 && a[alen - 1] == '*') {
            if (elaaoms_xo_tok_is(st, i, a, alen - 1, 1)) {
                return 1;
            }
        } else if (elaaoms_xo_tok_is(st, i, a, alen, 0)) {
            return 1;
        }
    }

    return 0;
}


/*
 * Matches pattern at word i: items separated by spaces, alternatives by
 * "|", "word*" a prefix, "_" any word, "#" a word holding a digit, "@"
 * a capitalized word, a trailing "?" an optional item (taken when it
 * matches, no backtracking).
 * *end gets the index after the match.
 */
int
elaaoms_xo_match(const elaaoms_xo_sent_t *st, size_t i, const char *pattern,
    size_t *end)
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
long
elaaoms_xo_find(const elaaoms_xo_sent_t *st, size_t from, const char *pattern,
    size_t *end)
{
    size_t  i;

    for (i = from; i < st->ntok; i++) {
        if (elaaoms_xo_match(st, i, pattern, end)) {
            return (long) i;
        }
    }

    return -1;
}


int
elaaoms_xo_in_list(const elaaoms_xo_sent_t *st, size_t i, const char **list)
{
    for ( ; *list; list++) {
        if (elaaoms_xo_tok_is(st, i, *list, strlen(*list), 0)) {
            return 1;
        }
    }
    return 0;
}


/* "not"/"never"/"no"/"...n't" in the two words before i */
int
elaaoms_xo_negated(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  k, len;

    for (k = 1; k <= 2 && k <= i; k++) {
        if (st->tok[i - k].punct) {
            return 0;
        }
        len = st->tok[i - k].len;
        if (elaaoms_xo_match(st, i - k, "not|never|no", NULL)
            || (len > 3
                && strncasecmp(elaaoms_xo_tok_p(st, i - k) + len - 3, "n't", 3)
                   == 0))
        {
            return 1;
        }
    }

    return 0;
}


void
elaaoms_xo_sub(const elaaoms_xo_sent_t *st, size_t from, size_t to,
    elaaoms_xo_sent_t *sub)
{
    if (to > st->ntok) {
        to = st->ntok;
    }
    if (from > to) {
        from = to;
    }

    sub->s = st->s;
    sub->n = st->n;
    sub->ntok = to - from;
    memmove(sub->tok, st->tok + from, (to - from) * sizeof(elaaoms_xo_tok_t));
}


/* --- building content --------------------------------------------------- */

void
elaaoms_xo_put(elaaoms_xo_buf_t *b, const char *s, size_t n)
{
    /* whole words only, so a cut never splits a UTF-8 character */
    if (b->full || n > ELAAOMS_XO_CONTENT_MAX - 1 - b->len) {
        b->full = 1;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}


void
elaaoms_xo_puts(elaaoms_xo_buf_t *b, const char *s)
{
    elaaoms_xo_put(b, s, strlen(s));
}


/* the caller's words into the third person, for the words it knows */
const char *
elaaoms_xo_third_person(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *map[][2] = {
        { "my", "their" }, { "me", "them" }, { "i", "they" },
        { "i'm", "they're" }, { "i've", "they've" }, { "i'd", "they'd" },
        { "i'll", "they'll" }, { "mine", "theirs" },
        { "myself", "themselves" }, { "our", "their" }, { "us", "them" },
        { "we", "they" }, { "we're", "they're" }, { "we've", "they've" },
        { "we'd", "they'd" }, { "we'll", "they'll" }, { "ours", "theirs" },
        { "ourselves", "themselves" }, { "im", "they're" }, { NULL, NULL }
    };
    size_t  k;

    for (k = 0; map[k][0]; k++) {
        if (elaaoms_xo_tok_is(st, i, map[k][0], strlen(map[k][0]), 0)) {
            return map[k][1];
        }
    }

    /* "I am" -> "they are", "I was" -> "they were" */
    if (i > 0 && elaaoms_xo_tok_is(st, i - 1, "i", 1, 0)) {
        if (elaaoms_xo_tok_is(st, i, "am", 2, 0)) {
            return "are";
        }
        if (elaaoms_xo_tok_is(st, i, "was", 3, 0)) {
            return "were";
        }
        if (elaaoms_xo_tok_is(st, i, "wasn't", 6, 0)) {
            return "weren't";
        }
    }

    return NULL;
}


/*
 * Words [from, to) rewritten, spaced as they were said: a space before a
 * word only where the speaker had one, so "$79.99", "4,200" and
 * "12 Harbor Lane, Sausalito" come out whole; a comma never starts the
 * text or follows another.
 */
void
elaaoms_xo_put_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from, size_t to)
{
    size_t       i;
    int          comma, emitted, last_comma;
    const char  *w;

    emitted = 0;
    last_comma = 0;

    for (i = from; i < to && i < st->ntok; i++) {
        comma = st->tok[i].punct && *elaaoms_xo_tok_p(st, i) == ',';
        if (comma && (!emitted || last_comma)) {
            continue;
        }

        /* tokens of a clause are in order; a gap means the speaker
         * left a space, or a filler between was taken off */
        if (emitted && i > 0
            && st->tok[i].off > st->tok[i - 1].off + st->tok[i - 1].len)
        {
            elaaoms_xo_puts(b, " ");
        }

        w = elaaoms_xo_third_person(st, i);
        if (w) {
            elaaoms_xo_puts(b, w);
        } else {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        }

        emitted = 1;
        last_comma = comma;
    }
}


/*
 * The end of a span of at most maxw words from i: stops at punctuation
 * (a comma too unless comma), at one of stop, and drops trailing
 * punctuation.
 */
size_t
elaaoms_xo_span(const elaaoms_xo_sent_t *st, size_t i, size_t maxw,
    int comma, const char **stop)
{
    size_t  j, words;

    for (j = i, words = 0; j < st->ntok && words < maxw; j++) {
        if (st->tok[j].punct) {
            if (!comma || *elaaoms_xo_tok_p(st, j) != ',') {
                break;
            }
            continue;
        }
        if (stop && elaaoms_xo_in_list(st, j, stop)) {
            break;
        }
        words++;
    }

    while (j > i && st->tok[j - 1].punct) {
        j--;
    }

    return j;
}


void
elaaoms_xo_add(elaaoms_xo_ctx_t *cx, elaaoms_mem_type_e type,
    elaaoms_xo_buf_t *b, int importance, double confidence, int kept)
{
    if (cx->nomem || b->len == 0 || cx->raw.n >= ELAAOMS_XO_MAX_ITEMS) {
        return;
    }

    if (b->s[b->len - 1] != '.') {
        elaaoms_xo_puts(b, ".");
    }
    if (b->full) {
        return;         /* not a whole sentence: better nothing */
    }
    b->s[0] = (char) elaaoms_ascii_toupper((unsigned char) b->s[0]);

    if (kept && cx->kept_len + b->len + 1 <= ELAAOMS_XO_KEPT_MAX) {
        memcpy(cx->kept + cx->kept_len, b->s, b->len);
        cx->kept_len += b->len;
        cx->kept[cx->kept_len++] = ' ';
        cx->kept[cx->kept_len] = '\0';
    }

    if (elaaoms_extracted_add(&cx->raw, type, b->s, importance, confidence,
                              cx->quote) != 0)
    {
        cx->nomem = 1;
    }
}


/* --- the extractor ------------------------------------------------------ */

/* the caller's line as the quote: at most ELAAOMS_XO_QUOTE_MAX characters */
static void
xo_set_quote(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t  i, chars;

    for (i = 0, chars = 0; i < ln->len && chars < ELAAOMS_XO_QUOTE_MAX;
         chars++)
    {
        i += xo_utf8_len((const unsigned char *) ln->msg + i);
    }

    memcpy(cx->quote, ln->msg, i);
    cx->quote[i] = '\0';
}


/* the agent line's last question, for the caller's answer; NULL if none */
static void
xo_set_question(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t              pos;
    elaaoms_xo_sent_t   st;

    cx->question = NULL;
    cx->question_len = 0;

    pos = 0;
    while (elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &st)) {
        if (st.n > 0 && st.s[st.n - 1] == '?') {
            cx->question = st.s;
            cx->question_len = st.n;
        }
    }
}


/* a separator inside a number: "4:45", "97,000", "19.50" */
static int
xo_joins_digits(int c)
{
    return c == ':' || c == ',' || c == '.';
}


/* word i follows word i - 1 with no space */
static int
xo_adjacent(const elaaoms_xo_sent_t *st, size_t i)
{
    return elaaoms_xo_tok_p(st, i)
           == elaaoms_xo_tok_p(st, i - 1) + st->tok[i - 1].len;
}


/* the byte at p (in s) is part of a word or of a number's separators */
static int
xo_value_byte(const char *s, const char *p)
{
    return elaaoms_ascii_wordbyte((unsigned char) *p)
           || (xo_joins_digits(*p) && p > s
               && elaaoms_ascii_digit((unsigned char) p[-1])
               && elaaoms_ascii_digit((unsigned char) p[1]));
}


/*
 * "The one ending in 7731. Sorry, no, 7713.": a sentence that only takes
 * back a value puts the new one in the line's last memory in place of
 * the old, when one of the same shape (as many characters, digits where
 * digits were) is there.  1 when the sentence was such a correction.
 * The value may come with a hedge or a request before it ("Um, no,
 * sorry, closer to 130", "Uh, actually, could we do 4:45?") and an
 * aside after a comma or a few words of what it counts ("Sorry,
 * 97,000, I just looked.", "closer to 130 with his side").
 */
static int
xo_correction(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *c, *w;
    size_t                i, v, k, n, len;
    const char           *val;
    elaaoms_extracted_t  *it;

    for (i = 0; i < st->ntok; i++) {
        if (!st->tok[i].punct
            && !elaaoms_xo_match(st, i, "sorry|no|nope|oops|wait|actually|"
                                        "correction|i|mean|sorry|make|it|"
                                        "that|that's|scratch|um|uh|er|"
                                        "erm|closer|to|more|like|about|"
                                        "around|could|can|we|do|how",
                                 NULL))
        {
            break;
        }
    }

    /* the cue, then one value, then an aside at most */
    if (i == 0 || i >= st->ntok || !elaaoms_xo_match(st, i, "#", NULL)) {
        return 0;
    }
    v = i;
    for (i = 0; i < v; i++) {
        if (elaaoms_xo_match(st, i, "sorry|no|nope|oops|wait|actually|"
                                    "correction|scratch|mean", NULL))
        {
            break;
        }
    }
    if (i == v) {
        return 0;
    }

    /* "4:45", "97,000": the value's digits and their separators */
    val = elaaoms_xo_tok_p(st, v);
    for (i = v + 1; i + 1 < st->ntok && st->tok[i].punct
                    && xo_joins_digits(elaaoms_xo_tok_p(st, i)[0])
                    && xo_adjacent(st, i) && xo_adjacent(st, i + 1)
                    && elaaoms_xo_match(st, i + 1, "#", NULL);
         i += 2)
    {
        /* void */
    }
    len = (size_t) (elaaoms_xo_tok_p(st, i - 1) + st->tok[i - 1].len - val);
    if (i < st->ntok && elaaoms_xo_match(st, i, "with|including|counting|"
                                                "plus", NULL)
        && st->ntok - i <= 5)
    {
        i = st->ntok;
    }
    for ( /* void */ ; i < st->ntok; i++) {
        if (elaaoms_xo_is_punct(st, i)
            && elaaoms_xo_tok_p(st, i)[0] == ',')
        {
            break;
        }
        if (!st->tok[i].punct) {
            return 0;
        }
    }

    if (cx->raw.n == 0) {
        return 0;
    }
    it = &cx->raw.items[cx->raw.n - 1];
    if (strcmp(it->source_quote, cx->quote) != 0) {
        return 0;
    }

    /* the last word of the memory of the value's shape */
    for (c = it->content + strlen(it->content); c > it->content; ) {
        for (n = 0; c > it->content && !xo_value_byte(it->content, c - 1);
             c--)
        {
            /* void */
        }
        for (w = c; w > it->content && xo_value_byte(it->content, w - 1);
             w--)
        {
            n++;
        }
        if (n == len && strncmp(w, val, len) != 0) {
            for (k = 0; k < len; k++) {
                if (elaaoms_ascii_digit((unsigned char) w[k])
                    != elaaoms_ascii_digit((unsigned char) val[k]))
                {
                    break;
                }
            }
            if (k == len) {
                memcpy(w, val, len);
                return 1;
            }
        }
        c = w;
    }

    return 0;
}


/* months and days, which keep their capital */
#define XO_DATE_WORDS                                                         \
    "january|february|march|april|may|june|july|august|september|october|"   \
    "november|december|monday|tuesday|wednesday|thursday|friday|saturday|"  \
    "sunday"


/* a count, in figures ("#": a word holding a digit) or in words */
#define XO_COUNT_WORDS                                                        \
    "#|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"      \
    "fifteen|twenty|thirty|forty|fifty|hundred"

/* w (n bytes) is a count: all digits, or one of XO_COUNT_WORDS */
static int
xo_is_count(const char *w, size_t n)
{
    const char  *p, *e;

    if (n > 0 && strspn(w, "0123456789") >= n) {
        return 1;
    }

    for (p = XO_COUNT_WORDS; *p; p = *e ? e + 1 : e) {
        e = strchr(p, '|');
        if (e == NULL) {
            e = p + strlen(p);
        }
        if (*p != '#' && (size_t) (e - p) == n
            && strncasecmp(p, w, n) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * "I need to move money into checking. Like, twelve hundred. $1,200.": a
 * sentence that is only an amount goes into the line's last memory
 * (", twelve hundred", then " ($1,200)") instead of a memory of its own
 * that would say nothing but the number.  1 when the sentence was one.
 */
static int
xo_restatement(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *c;
    size_t                i, v, len, vlen;
    int                   number;       /* the sentence has a number or
                                           a date */
    int                   has_number;   /* the memory has figures */
    elaaoms_xo_buf_t      b;
    elaaoms_extracted_t  *it;

    for (v = 0; v < st->ntok; v++) {
        if ((!st->tok[v].punct || *elaaoms_xo_tok_p(st, v) == '$')
            && !elaaoms_xo_match(st, v, "like|um|uh|so|about|around|"
                                        "roughly|exactly|just", NULL))
        {
            break;
        }
    }

    number = 0;
    for (i = v; i < st->ntok; i++) {
        if (st->tok[i].punct && *elaaoms_xo_tok_p(st, i) != '$'
            && *elaaoms_xo_tok_p(st, i) != ',')
        {
            continue;
        }
        if (elaaoms_xo_match(st, i, "#", NULL)
            || elaaoms_xo_match(st, i, "one|two|three|four*|five|fif*|"
                                       "six*|seven*|eight*|nine*|ten|"
                                       "eleven|twelve|thirt*|twenty*|"
                                       "forty*|hundred|thousand|grand",
                                NULL))
        {
            number = 1;
            continue;
        }
        if (st->tok[i].punct
            || elaaoms_xo_match(st, i, "dollars|bucks|a|an|per|month|week|"
                                       "year|day|each|total|and|starting|"
                                       "from|until|by|on|the|of|next|"
                                       XO_DATE_WORDS "|first|second|"
                                       "third|fourth|fifth|sixth|seventh|"
                                       "eighth|ninth|tenth|twelfth|"
                                       "fifteenth|twentieth|thirtieth|"
                                       "gallon*|pound*|feet|foot|inch*|"
                                       "mile*|meg|megs|gig|gigs|"
                                       "percent|amp|amps|seat*|hour*|"
                                       "minute*|days|weeks|months|years",
                                NULL))
        {
            number |= elaaoms_xo_match(st, i, XO_DATE_WORDS, NULL);
            continue;
        }
        return 0;
    }

    if (!number || cx->raw.n == 0) {
        return 0;
    }
    it = &cx->raw.items[cx->raw.n - 1];
    if (strcmp(it->source_quote, cx->quote) != 0) {
        return 0;
    }

    /* the value as said, from its first word */
    memset(&b, 0, sizeof(b));
    elaaoms_xo_put_words(&b, st, v, st->ntok);
    while (b.len > 0 && (b.s[b.len - 1] == '.' || b.s[b.len - 1] == '!'
                         || b.s[b.len - 1] == '?' || b.s[b.len - 1] == ','))
    {
        b.len--;
    }
    vlen = b.len;
    b.s[vlen] = '\0';
    if (vlen == 0 || b.full || strcasestr(it->content, b.s) != NULL) {
        return 1;                       /* nothing new: said once is enough */
    }

    has_number = 0;
    for (c = it->content; *c; c++) {
        has_number |= elaaoms_ascii_digit((unsigned char) *c);
    }

    len = strlen(it->content);
    if (len > 0 && it->content[len - 1] == '.') {
        len--;
    }
    if (len + vlen + 4 > ELAAOMS_XO_CONTENT_MAX) {
        return 1;
    }

    c = realloc(it->content, len + vlen + 5);
    if (c == NULL) {
        cx->nomem = 1;
        return 1;
    }
    it->content = c;

    /* the same amount again, in figures: "four-fifty a month ($450)" */
    if (has_number && (b.s[0] == '$' || elaaoms_ascii_digit(
                                            (unsigned char) b.s[0])))
    {
        sprintf(c + len, " (%.*s).", (int) vlen, b.s);

    } else {
        if (!elaaoms_xo_match(st, v, XO_DATE_WORDS, NULL))
        {
            b.s[0] = (char) elaaoms_ascii_tolower((unsigned char) b.s[0]);
        }
        sprintf(c + len, ", %.*s.", (int) vlen, b.s);
    }

    return 1;
}


/*
 * "Do the 100,000-mile service. No, wait, it's not due yet.": a sentence
 * that takes back what the caller just asked drops the line's last
 * memory (never their name); the rest of the sentence is read as usual
 */
static void
xo_retraction(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t                i;
    elaaoms_extracted_t  *it;

    i = elaaoms_xo_match(st, 0, "um|uh|oh", NULL) ? 1 : 0;
    while (i < st->ntok && st->tok[i].punct) {
        i++;
    }

    if (!elaaoms_xo_match(st, i, "no|nope , wait", NULL)
        && !elaaoms_xo_match(st, i, "no|nope wait", NULL)
        && !elaaoms_xo_match(st, i, "wait , no", NULL)
        && !elaaoms_xo_match(st, i, "scratch|forget that", NULL)
        && !elaaoms_xo_match(st, i, "never mind|nevermind", NULL))
    {
        return;
    }

    if (cx->raw.n == 0) {
        return;
    }
    it = &cx->raw.items[cx->raw.n - 1];
    if (strcmp(it->source_quote, cx->quote) != 0
        || strncmp(it->content, "Caller's name is ", 17) == 0)
    {
        return;
    }

    free(it->content);
    free(it->source_quote);
    cx->raw.n--;
}


/*
 * "I need eight temps for the packing line." ... "Make it ten temps,
 * actually.": a count the caller changes later in the call, with the
 * same thing counted, is changed in the memory that held it too, so the
 * call leaves no stale count behind
 */
static void
xo_count_change(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *c, *p, *e, *w;
    size_t                i, k, nlen, wlen, mlen, len;
    const char           *num, *what;
    elaaoms_extracted_t  *it;

    if (elaaoms_xo_find(st, 0, "actually|instead", NULL) < 0
        && elaaoms_xo_find(st, 0, "make|change|bump it|that to?", NULL) < 0)
    {
        return;
    }

    /* the new count and what it counts: "ten temps" */
    for (i = 0; i + 1 < st->ntok; i++) {
        if (!st->tok[i + 1].punct && !st->tok[i].punct
            && elaaoms_xo_match(st, i, XO_COUNT_WORDS, NULL)
            && !elaaoms_xo_match(st, i + 1, XO_COUNT_WORDS, NULL)
            && st->tok[i + 1].len > 2)
        {
            break;
        }
    }
    if (i + 1 >= st->ntok) {
        return;
    }

    num = elaaoms_xo_tok_p(st, i);
    nlen = st->tok[i].len;
    what = elaaoms_xo_tok_p(st, i + 1);
    wlen = st->tok[i + 1].len;

    /* the caller's latest memory of this call counting the same thing */
    for (k = cx->raw.n; k-- > 0; ) {
        it = &cx->raw.items[k];
        if (strncmp(it->content, "The agent ", 10) == 0) {
            continue;
        }

        for (p = it->content; (p = strcasestr(p, " ")) != NULL; p++) {
            w = p + 1;
            for (e = w; *e && *e != ' '; e++) { /* void */ }
            mlen = (size_t) (e - w);
            if (*e != ' ' || strncasecmp(e + 1, what, wlen) != 0
                || elaaoms_ascii_wordbyte((unsigned char) e[1 + wlen])
                || !xo_is_count(w, mlen)
                || (mlen == nlen && strncasecmp(w, num, nlen) == 0))
            {
                continue;
            }

            /* "eight temps" -> "ten temps" */
            len = strlen(it->content);
            c = malloc(len - mlen + nlen + 1);
            if (c == NULL) {
                cx->nomem = 1;
                return;
            }
            memcpy(c, it->content, (size_t) (w - it->content));
            memcpy(c + (w - it->content), num, nlen);
            strcpy(c + (w - it->content) + nlen, e);
            free(it->content);
            it->content = c;
            return;
        }
    }
}


/*
 * "I can set up a payment arrangement: 170 now and 170 on the 15th."
 * "Yes, let's do that.": the caller's yes to what the agent just offered
 * goes into that offer's memory ("..., and the caller agreed")
 */
static void
xo_offer_agreed(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    static const char     agreed[] = ", and the caller agreed.";
    char                 *c;
    size_t                pos, len;
    elaaoms_xo_sent_t     st;
    elaaoms_extracted_t  *it;

    pos = 0;
    if (cx->raw.n == 0 || cx->question != NULL
        || !elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &st)
        || !(elaaoms_xo_affirmation(&st)
             || elaaoms_xo_find(&st, 0, "let's|lets do|book it|that", NULL)
                >= 0
             || elaaoms_xo_find(&st, 0, "book|do it|that", NULL) >= 0
             || elaaoms_xo_find(&st, 0, "go ahead", NULL) >= 0))
    {
        return;
    }

    it = &cx->raw.items[cx->raw.n - 1];
    if (strncmp(it->content, "The agent offered ", 18) != 0
        || strstr(it->content, "the caller agreed") != NULL)
    {
        return;
    }

    len = strlen(it->content);
    if (len > 0 && it->content[len - 1] == '.') {
        len--;
    }
    if (len + sizeof(agreed) - 1 > ELAAOMS_XO_CONTENT_MAX) {
        return;
    }

    c = realloc(it->content, len + sizeof(agreed));
    if (c == NULL) {
        cx->nomem = 1;
        return;
    }
    memcpy(c + len, agreed, sizeof(agreed));
    it->content = c;
}


/* one caller line: its sentences, their clauses, the rules */
static void
xo_caller_line(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t                spos, cpos;
    int                   first;
    elaaoms_xo_sent_t     st;
    elaaoms_xo_clause_t   cl;

    xo_set_quote(cx, ln);
    first = 1;

    xo_offer_agreed(cx, ln);

    elaaoms_xo_rule_confirm(cx, ln);

    spos = 0;
    while (!cx->nomem
           && elaaoms_xo_next_sentence(ln->msg, ln->len, &spos, &st))
    {
        if (xo_correction(cx, &st) || xo_restatement(cx, &st)) {
            continue;
        }
        xo_retraction(cx, &st);
        xo_count_change(cx, &st);

        cpos = 0;
        while (elaaoms_xo_next_clause(&st, &cpos, &cl)) {
            cl.lead = first;
            cl.answer = first && cx->question != NULL;
            first = 0;

            cx->kept_len = 0;
            cx->kept[0] = '\0';

            elaaoms_xo_rule_name(cx, &cl);
            elaaoms_xo_rule_refs(cx, &cl.st, ln->msg);
            elaaoms_xo_rule_templates(cx, &cl);
            elaaoms_xo_rule_emotions(cx, &cl.st);
            elaaoms_xo_rule_statement(cx, &cl);
        }
    }
}


int
elaaoms_extract_offline(const char *transcript_text,
    elaaoms_extracted_list_t *out)
{
    int                 rc;
    char               *text;
    size_t              pos;
    elaaoms_xo_ctx_t   *cx;
    elaaoms_xo_line_t   ln;

    out->dropped = 0;

    /* the context is large (quote buffer, references): keep it off the stack */
    cx = calloc(1, sizeof(elaaoms_xo_ctx_t));
    text = xo_clean(transcript_text ? transcript_text : "");
    if (cx == NULL || text == NULL) {
        free(cx);
        free(text);
        return -1;
    }

    elaaoms_xo_collect_refs(cx, text);

    pos = 0;
    while (!cx->nomem && elaaoms_xo_next_line(text, &pos, &ln)) {
        if (!ln.caller) {
            elaaoms_xo_rule_agent(cx, &ln);
            xo_set_question(cx, &ln);
            continue;
        }

        xo_caller_line(cx, &ln);
        cx->caller_spoke = 1;

        /* the question is answered, or left unanswered, by this line */
        cx->question = NULL;
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
           "every statement kept in the caller's words in the third person, "
           "no coreference, negation only by \"not\", \"never\", \"no\" "
           "or \"n't\" in the two words before, no sarcasm or "
           "hypotheticals; at most 96 words a sentence, 32 references and "
           "128 memories a call";
}
