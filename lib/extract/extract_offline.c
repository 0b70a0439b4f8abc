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
 * are in extract_offline_facts.c (references), extract_offline_names.c
 * (names), extract_offline_feelings.c (preference, feeling and
 * repeat-call templates), extract_offline_clause.c (clauses, fillers),
 * extract_offline_statement.c (the caller's statement in the third
 * person), extract_offline_question.c
 * (answers read with the agent's question, a "yes" to it),
 * extract_offline_agent.c (what the agent did, promised or quoted),
 * extract_offline_advice.c (what the agent told the caller to do, the
 * caller's people the agent named),
 * extract_offline_revise.c (the caller taking back, restating or
 * changing what the call holds), extract_offline_person.c (who "she"
 * and "he" are) and extract_offline_cues.c (the type and
 * importance table).
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
    elaaoms_xo_drop_restart(b);
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


/* letters and digits both: "2B", "X200" */
static int
xo_code_word(const char *w, size_t len)
{
    size_t  i;
    int     digit, alpha;

    digit = 0;
    alpha = 0;
    for (i = 0; i < len; i++) {
        digit |= elaaoms_ascii_digit((unsigned char) w[i]);
        alpha |= elaaoms_ascii_alpha((unsigned char) w[i]);
    }

    return digit && alpha;
}


/*
 * A short clause later in the caller's line that names one of the options
 * the agent offered without a question mark ("... either the Oticon
 * Intent 2 or the Phonak Lumity 70." "My friend has the Oticon, she likes
 * it. So the Oticon."): the choice, read as the answer
 */
static int
xo_names_option(const elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t       i, len;
    const char  *w, *p, *end;

    if (cx->question == NULL || cx->question[cx->question_len - 1] == '?'
        || st->ntok == 0 || st->ntok > 6)
    {
        return 0;
    }

    end = cx->question + cx->question_len;

    for (i = 0; i < st->ntok; i++) {
        w = elaaoms_xo_tok_p(st, i);
        len = st->tok[i].len;

        /* a name said after other words, or a code anywhere ("2B") */
        if (st->tok[i].punct || len < 2
            || (!xo_code_word(w, len)
                && (len < 3 || !elaaoms_ascii_upper((unsigned char) w[0])
                    || i == 0)))
        {
            continue;
        }

        for (p = cx->question; (size_t) (end - p) >= len; p++) {
            if (memcmp(p, w, len) == 0
                && (p == cx->question
                    || !elaaoms_ascii_alpha((unsigned char) p[-1])))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* the agent line's last question, for the caller's answer; NULL if none */
static void
xo_set_question(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t              pos;
    const char         *prev;
    elaaoms_xo_sent_t   st;

    cx->question = NULL;
    cx->question_len = 0;
    prev = NULL;

    pos = 0;
    while (elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &st)) {
        if (st.n > 0 && st.s[st.n - 1] == '?') {
            cx->question = st.s;
            cx->question_len = st.n;

        /*
         * "We offer a three-month plan either through CareCredit or
         * in-house.", "We have the Basic at $20 or the Premium at $35.":
         * options offered are asked as a question, so that "In-house,
         * please." keeps what it chose from
         */
        } else if (cx->question == NULL
                   && elaaoms_xo_find(&st, 0, "or", NULL) > 0
                   && (elaaoms_xo_find(&st, 0, "either", NULL) >= 0
                       || elaaoms_xo_find(&st, 0, "can do", NULL) >= 0
                       || elaaoms_xo_find(&st, 0, "offer|offers|options|"
                                                  "option|choice|choose|"
                                                  "pick|prefer|have|has|got|"
                                                  "available", NULL) >= 0))
        {
            cx->question = st.s;
            cx->question_len = st.n;

        /* "Office 2B, four desks, $2,100.  Or 3F, with a window.": the
         * sentence before holds the first option */
        } else if (cx->question == NULL && prev != NULL && st.ntok > 1
                   && elaaoms_xo_match(&st, 0, "or", NULL))
        {
            cx->question = prev;
            cx->question_len = (size_t) (st.s + st.n - prev);
        }

        prev = st.s;
    }
}


/*
 * Options offered without a question mark: the caller's first clause is
 * the choice unless it names no option while a later one does ("Uh, the
 * window's tempting, but, no. 2B.")
 */
/*
 * "Then my wife's like, why would the thermostat company lock your
 * account?": someone's words reported with "like", a reaction, not a
 * fact about the caller
 */
static int
xo_reported_speech(const elaaoms_xo_sent_t *st)
{
    long    at;
    size_t  end;

    at = elaaoms_xo_find(st, 0, "he's|she's|they're|wife's|husband's|"
                                "mom's|dad's|son's|daughter's|everyone's|"
                                "everybody's like", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "he|she|they|everyone|everybody "
                                    "was|is|goes|went|were like", &end);
    }

    if (at < 0 || end >= st->ntok || !elaaoms_xo_is_punct(st, end)
        || *elaaoms_xo_tok_p(st, end) != ',')
    {
        return 0;
    }

    /* their words: a question, or spoken to someone ("She was like,
       totally furious" describes her) */
    return st->s[st->n - 1] == '?'
           || elaaoms_xo_find(st, end, "you|your|you're|i|i'm|my|me|we|"
                                       "our|us", NULL) >= 0;
}


/*
 * "The house phone, mornings. Before eleven.": a few words more, on a
 * time, a day or a limit, still answer the question the line answers
 */
static int
xo_late_fragment(const elaaoms_xo_sent_t *st)
{
    size_t  i, words;

    for (i = 0, words = 0; i < st->ntok; i++) {
        words += !st->tok[i].punct;
    }

    /* "No, not texts anymore. Email.", "Call the house. The landline.":
       the way to reach the caller, named again */
    return words > 0 && words <= 4
           && (elaaoms_xo_match(st, 0, "before|after|around|until|till|"
                                       "between|only|except|not|never|"
                                       "mostly|usually|every|weekday*|"
                                       "weekend*|morning*|afternoon*|"
                                       "evening*|monday*|tuesday*|"
                                       "wednesday*|thursday*|friday*|"
                                       "saturday*|sunday*",
                                NULL)
               || elaaoms_xo_match(st, 0, "by|the|my? email|e-mail|text|"
                                          "texts|landline|cell|mobile|"
                                          "voicemail|mail", NULL)
               || elaaoms_xo_match(st, 0, "in the morning*|afternoon*|"
                                          "evening*", NULL));
}


static int
xo_option_named_later(const elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    int                   first;
    size_t                spos, cpos;
    elaaoms_xo_sent_t     st;
    elaaoms_xo_clause_t   cl;

    if (cx->question == NULL || cx->question[cx->question_len - 1] == '?') {
        return 0;
    }

    first = 1;
    spos = 0;
    while (elaaoms_xo_next_sentence(ln->msg, ln->len, &spos, &st)) {
        cpos = 0;
        while (elaaoms_xo_next_clause(&st, &cpos, &cl)) {
            if (first) {
                if (xo_names_option(cx, &cl.st)) {
                    return 0;
                }
                first = 0;
                continue;
            }

            if (xo_names_option(cx, &cl.st)) {
                return 1;
            }
        }
    }

    return 0;
}


/* "beagle Pudding": a person already named */
static int
xo_has_upper(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if (elaaoms_ascii_upper((unsigned char) *s)) {
            return 1;
        }
    }

    return 0;
}


/* one caller line: its sentences, their clauses, the rules */
static void
xo_caller_line(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t                spos, cpos, nsent;
    int                   first, picked, later, chain, lead;
    elaaoms_xo_sent_t     st;
    elaaoms_xo_clause_t   cl;

    xo_set_quote(cx, ln);
    first = 1;
    nsent = 0;
    picked = 0;
    later = xo_option_named_later(cx, ln);
    chain = 0;
    cx->named[0] = '\0';
    cx->announced[0] = '\0';
    cx->person_last = 0;
    cx->raw_sent = cx->raw.n;

    elaaoms_xo_revise_offer(cx, ln);

    elaaoms_xo_rule_confirm(cx, ln);

    spos = 0;
    while (!cx->nomem
           && elaaoms_xo_next_sentence(ln->msg, ln->len, &spos, &st))
    {
        cx->raw_sent_prev = cx->raw_sent;
        cx->raw_sent = cx->raw.n;

        /* "B-S-P, six zero three, one eight." after "The member number
           is, hang on." */
        if (elaaoms_xo_spelled_value(cx, &st)) {
            continue;
        }
        /* "Caspian." after "my husband's dropping it off" */
        if (!first && elaaoms_xo_person_named(cx, &st)) {
            continue;
        }
        elaaoms_xo_spelled_announce(cx, &st);

        elaaoms_xo_revise_completion(cx, &st);
        if (xo_reported_speech(&st)) {
            continue;
        }
        if (elaaoms_xo_rule_echo(cx, &st)) {
            continue;
        }
        /* "... but, no. 2B.": the option chosen is no restatement */
        if (!(later && xo_names_option(cx, &st))
            && (elaaoms_xo_revise_correction(cx, &st)
                || elaaoms_xo_revise_restatement(cx, &st)
                || elaaoms_xo_revise_epithet(cx, &st)))
        {
            continue;
        }
        elaaoms_xo_revise_retraction(cx, &st);
        elaaoms_xo_revise_count(cx, &st);
        elaaoms_xo_revise_day(cx, &st);

        /*
         * "Same gate code?" "No, we changed it, sorry. It's now 77C.": the
         * value the question asked for, said in the second sentence
         */
        lead = nsent++ == 1 && cx->question != NULL && !later
               && (elaaoms_xo_match(&st, 0, "it's now", NULL)
                   || elaaoms_xo_match(&st, 0, "it is now", NULL));

        cpos = 0;
        while (elaaoms_xo_next_clause(&st, &cpos, &cl)) {
            cl.lead = first;
            cl.answer = (first && cx->question != NULL && !later)
                        || lead
                        || (!picked && !first && xo_names_option(cx, &cl.st))
                        || (!first && chain && xo_late_fragment(&cl.st));
            /* fragments continue the answer only right after it */
            chain = cl.answer && cx->question != NULL && !later;
            picked |= cl.answer && !first;
            first = 0;
            lead = 0;

            cx->kept_len = 0;
            cx->kept[0] = '\0';

            elaaoms_xo_rule_name(cx, &cl);
            elaaoms_xo_rule_affiliation(cx, &cl);
            elaaoms_xo_rule_refs(cx, &cl.st, ln->msg);
            elaaoms_xo_rule_templates(cx, &cl);
            elaaoms_xo_rule_emotions(cx, &cl.st);
            elaaoms_xo_rule_accept(cx, &cl);
            elaaoms_xo_rule_statement(cx, &cl);
            elaaoms_xo_note_person(cx, &cl.st);
        }

        /* "My daughter, Juniper. She's twenty-four. Juniper Thackeray-
           Low.": after a sentence about the person, a name said alone
           is theirs */
        if (cx->named[0] == '\0' && !xo_has_upper(cx->person)
            && ((cx->person_kind == ELAAOMS_XO_PERSON_HE
                 && elaaoms_xo_match(&st, 0, "he|he's", NULL))
                || (cx->person_kind == ELAAOMS_XO_PERSON_SHE
                    && elaaoms_xo_match(&st, 0, "she|she's", NULL))))
        {
            cx->person_last = 1;
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
            elaaoms_xo_revise_agent_change(cx, &ln);
            elaaoms_xo_rule_agent(cx, &ln);
            xo_set_question(cx, &ln);
            cx->agent_line = ln.msg;
            cx->agent_line_len = ln.len;
            continue;
        }

        xo_caller_line(cx, &ln);
        cx->caller_spoke = 1;

        /* the question is answered, or left unanswered, by this line */
        cx->question = NULL;
        cx->agent_line = NULL;
        cx->agent_line_len = 0;
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
    return "offline extractor: English rules over the caller's lines, and "
           "over the agent's only for what it did, offered, quoted, noted "
           "or told the caller to do; "
           "every statement kept in the caller's words in the third person, "
           "coreference only for a \"she\" or \"he\" opening a clause, "
           "negation only by \"not\", \"never\", \"no\" "
           "or \"n't\" in the two words before, no sarcasm or "
           "hypotheticals; at most 96 words a sentence, 32 references and "
           "128 memories a call";
}
