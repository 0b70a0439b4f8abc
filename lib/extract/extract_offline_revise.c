/*
 * The caller revising what the call already holds: a value taken back
 * ("Sorry, no, 7713."), the same amount said again ("Like, twelve
 * hundred. $1,200."), a request withdrawn ("No, wait, it's not due
 * yet."), a count changed later ("make it ten temps, actually") and a yes
 * to what the agent just offered.  Each works on the memories already
 * in cx->raw; see extract_offline_internal.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


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
 * aside after a comma or a few words of what it counts or where it
 * comes from ("Sorry, 97,000, I just looked.", "closer to 130 with his
 * side", "Wait, no, she was 14 at her last checkup").
 */
int
elaaoms_xo_revise_correction(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
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
                                        "around|could|can|we|do|how|"
                                        "she|he|they|she's|he's|it's|"
                                        "they're|was|is|were|are|the",
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
    /* "... she was 14 at her last checkup": where the value comes from */
    if (i < st->ntok && elaaoms_xo_match(st, i, "with|including|counting|"
                                                "plus|at|as|on|in|when|"
                                                "last|from|according", NULL)
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


/*
 * it->content's bytes [w, e) replaced by val[0..vlen) (a new allocation
 * the memory owns); cx->nomem when out of memory, the memory unchanged
 */
static void
xo_replace_span(elaaoms_xo_ctx_t *cx, elaaoms_extracted_t *it, const char *w,
    const char *e, const char *val, size_t vlen)
{
    char    *c;
    size_t   head;

    head = (size_t) (w - it->content);
    c = malloc(head + vlen + strlen(e) + 1);
    if (c == NULL) {
        cx->nomem = 1;
        return;
    }

    memcpy(c, it->content, head);
    memcpy(c + head, val, vlen);
    strcpy(c + head + vlen, e);
    free(it->content);
    it->content = c;
}


/* the line (len bytes) says w[0..n) broken off: "K6...", "K6 --", "K6"
 * and an ellipsis or a dash character */
int
elaaoms_xo_broken_off(const char *line, size_t len, const char *w, size_t n)
{
    const char  *p, *q, *end;

    end = line + len;

    for (p = line; p + n <= end; p++) {
        if (strncasecmp(p, w, n) != 0
            || (p > line && elaaoms_ascii_wordbyte((unsigned char) p[-1])))
        {
            continue;
        }

        for (q = p + n; q < end && *q == ' '; q++) {
            /* void */
        }

        if ((end - q >= 2
             && (strncmp(q, "..", 2) == 0 || strncmp(q, "--", 2) == 0))
            || (end - q >= 3
                && (strncmp(q, "\xe2\x80\xa6", 3) == 0
                    || strncmp(q, "\xe2\x80\x94", 3) == 0)))
        {
            return 1;
        }
    }

    return 0;
}


/* the end of the code or word starting at p: "7734-2209-18" */
static char *
xo_code_end(char *p)
{
    while (elaaoms_ascii_wordbyte((unsigned char) *p)
           || (*p == '-' && elaaoms_ascii_wordbyte((unsigned char) p[1])))
    {
        p++;
    }

    return p;
}


/*
 * "Sure, it's K6... hang on, I'm reading it off the card. K62-804-319.":
 * a code broken off and said again whole later in the line.  A memory of
 * this line holding a word or code with a digit that the sentence's
 * code starts with ("K6", "CL7", "44-1") (two characters at least, case aside) gets the whole code in its
 * place; the sentence is still read as usual.
 */
void
elaaoms_xo_revise_completion(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *w, *e;
    size_t                i, k, m, vlen;
    const char           *val;
    elaaoms_extracted_t  *it;

    for (i = 0; i < st->ntok; i++) {
        if (st->tok[i].punct || !elaaoms_xo_match(st, i, "#", NULL)) {
            continue;
        }

        /* the code with its joined parts: "K62-804-319" */
        val = elaaoms_xo_tok_p(st, i);
        for (m = i + 1; m + 1 < st->ntok && st->tok[m].punct
                        && elaaoms_xo_tok_p(st, m)[0] == '-'
                        && xo_adjacent(st, m) && xo_adjacent(st, m + 1)
                        && !st->tok[m + 1].punct;
             m += 2)
        {
            /* void */
        }
        vlen = (size_t) (elaaoms_xo_tok_p(st, m - 1) + st->tok[m - 1].len
                         - val);
        if (vlen < 4) {
            continue;
        }

        for (k = cx->raw.n; k > 0; k--) {
            it = &cx->raw.items[k - 1];
            if (strcmp(it->source_quote, cx->quote) != 0) {
                break;
            }

            for (w = it->content; *w; w = e) {
                while (*w && !elaaoms_ascii_wordbyte((unsigned char) *w)) {
                    w++;
                }
                /* the code with its joined parts: "CL7", "44-1" */
                e = xo_code_end(w);
                m = (size_t) (e - w);
                if (m < 2 || m >= vlen || strncasecmp(w, val, m) != 0
                    || strcspn(w, "0123456789") >= m
                    || !elaaoms_xo_broken_off(cx->quote, strlen(cx->quote),
                                             w, m))
                {
                    continue;
                }

                /* "K6" -> "K62-804-319" */
                xo_replace_span(cx, it, w, e, val, vlen);
                return;
            }
        }
    }
}


void
elaaoms_xo_drop_restart(elaaoms_xo_buf_t *b)
{
    char    *w, *e, *next, *ne;
    size_t   n;

    for (w = b->s; *w; w = e) {
        while (*w && !elaaoms_ascii_wordbyte((unsigned char) *w)) {
            w++;
        }
        e = xo_code_end(w);
        n = (size_t) (e - w);

        /* three characters at least: "3 30-minute sessions" stays */
        if (n < 3 || *e != ' ' || strcspn(w, "0123456789") >= n) {
            continue;
        }

        next = e + 1;
        ne = xo_code_end(next);
        if ((size_t) (ne - next) <= n || strncasecmp(next, w, n) != 0) {
            continue;
        }

        memmove(w, next, strlen(next) + 1);
        b->len -= n + 1;
        e = w;
    }
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
int
elaaoms_xo_revise_restatement(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
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

    it = &cx->raw.items[cx->raw.n - 1];
    if (strcmp(it->source_quote, cx->quote) != 0) {
        /* "I can do $2,600." "Okay, book it. $2,600.": the agent's
         * value said back is no memory of its own; one of the agent's
         * options ("Monday or Tuesday" "Tuesday.") is the caller's choice */
        return vlen > 0 && !b.full && strcasestr(it->content, b.s) != NULL
               && strstr(it->content, " or ") == NULL;
    }

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
 * "Half of them are brown now. Dead.", "The box was soaked. Ruined.": a
 * sentence that is one word of the state things are in (a past
 * participle, or a word of the list below), perhaps after "completely",
 * joins the line's last memory (", dead"), whose type and importance it
 * may raise; not "Agreed." nor "Perfect.".  1 when the sentence was one.
 */
int
elaaoms_xo_revise_epithet(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *c;
    size_t                i, w, n, len, wlen;
    const char           *p;
    int                   importance;
    elaaoms_mem_type_e    type;
    elaaoms_xo_buf_t      b;
    elaaoms_extracted_t  *it;

    for (i = 0, n = 0, w = 0; i < st->ntok; i++) {
        if (!st->tok[i].punct) {
            w = i;
            n++;
        }
    }

    if (n == 0 || n > 2 || cx->raw.n == 0
        || (n == 2 && !elaaoms_xo_match(st, 0, "completely|totally|just|"
                                               "all|absolutely|really|"
                                               "basically|pretty|bone|"
                                               "stone|dead|gone", NULL))
        || elaaoms_xo_match(st, w, "agreed|understood|noted|booked|settled|"
                                   "covered|sorted|scheduled|confirmed|"
                                   "relieved|married|retired|engaged|"
                                   "needed|used|red|bed|shed|sled|wed|fed|"
                                   "led|speed|need|indeed|seed|weed|feed|"
                                   "bleed", NULL))
    {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, w);
    wlen = st->tok[w].len;
    if (!((wlen > 4 && p[wlen - 2] == 'e' && p[wlen - 1] == 'd')
          || elaaoms_xo_match(st, w, "dead|gone|broken|missing|wet|flat|"
                                     "bent|torn|stuck|late|cold|dirty|"
                                     "filthy|useless|worthless|empty|loose|"
                                     "frozen|burnt|stolen|shattered|"
                                     "unusable|unreadable|toast|garbage|"
                                     "trash|everywhere", NULL)))
    {
        return 0;
    }

    /* only what the sentence before gave: "The tire is... shredded." */
    it = &cx->raw.items[cx->raw.n - 1];
    if (strcmp(it->source_quote, cx->quote) != 0
        || cx->raw.n <= cx->raw_sent_prev)
    {
        return 0;
    }

    memset(&b, 0, sizeof(b));
    elaaoms_xo_put_words(&b, st, 0, w + 1);
    if (b.full || strcasestr(it->content, b.s) != NULL) {
        return 1;
    }
    b.s[0] = (char) elaaoms_ascii_tolower((unsigned char) b.s[0]);

    len = strlen(it->content);
    if (len > 0 && it->content[len - 1] == '.') {
        len--;
    }
    if (len + b.len + 4 > ELAAOMS_XO_CONTENT_MAX) {
        return 1;
    }

    c = realloc(it->content, len + b.len + 4);
    if (c == NULL) {
        cx->nomem = 1;
        return 1;
    }
    it->content = c;
    sprintf(c + len, ", %.*s.", (int) b.len, b.s);

    /* "Dead." says the thing is broken: the memory is an issue now */
    if (elaaoms_xo_classify(st, 0, 0, &type, &importance)
        && importance > it->importance)
    {
        it->type = type;
        it->importance = importance;
    }

    return 1;
}


/*
 * "Do the 100,000-mile service. No, wait, it's not due yet.", "Eleven-
 * forty. No, sorry, that's from the old survey, it's fourteen-ten now.":
 * a sentence that takes back what the caller just said drops the line's
 * last memory (never their name); the rest of the sentence is read as
 * usual
 */
void
elaaoms_xo_revise_retraction(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
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
        && !elaaoms_xo_match(st, i, "no|nope , sorry", NULL)
        && !elaaoms_xo_match(st, i, "sorry , no", NULL)
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
void
elaaoms_xo_revise_count(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    char                 *p, *e, *w;
    size_t                i, k, nlen, wlen, mlen;
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
            xo_replace_span(cx, it, w, e, num, nlen);
            return;
        }
    }
}


/* the weekdays; a day said in the plural is a standing day */
static const char  *xo_weekdays[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", NULL
};


/* the weekday w (n bytes) is, as "monday" .. "sunday" with *plural set
 * for "mondays"; NULL if it is none */
static const char *
xo_weekday(const char *w, size_t n, int *plural)
{
    size_t  k, dn;

    for (k = 0; xo_weekdays[k]; k++) {
        dn = strlen(xo_weekdays[k]);
        if (strncasecmp(w, xo_weekdays[k], dn) == 0
            && (n == dn || (n == dn + 1 && (w[dn] == 's' || w[dn] == 'S'))))
        {
            *plural = n > dn;
            return xo_weekdays[k];
        }
    }

    return NULL;
}


/*
 * "Tuesdays work best, mornings before nine." ... "Actually, make it
 * Wednesdays.": a day the caller changes later in the call is changed in
 * the latest memory that named another day, so the call leaves no stale
 * day to outrank the change.  Only a change said as one ("make it",
 * "switch to", "Wednesday instead", "Actually, Wednesday."): "Actually,
 * Tuesday is my day off" changes nothing.
 */
void
elaaoms_xo_revise_day(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int                   plural, old_plural;
    char                 *c, *p, *e;
    size_t                i, k, len, nlen;
    long                  at;
    const char           *day, *old;
    elaaoms_extracted_t  *it;

    day = NULL;
    plural = 0;
    for (i = 0; i < st->ntok && day == NULL; i++) {
        day = st->tok[i].punct ? NULL
              : xo_weekday(elaaoms_xo_tok_p(st, i), st->tok[i].len, &plural);
    }
    if (day == NULL) {
        return;
    }
    i--;

    at = elaaoms_xo_find(st, 0, "make|change|switch|move it|that|to to? "
                                "monday*|tuesday*|wednesday*|thursday*|"
                                "friday*|saturday*|sunday*", NULL);
    if (at < 0
        && !(i + 1 < st->ntok
             && elaaoms_xo_match(st, i + 1, "instead|then", NULL))
        && !(i > 0 && elaaoms_xo_match(st, i - 1, "actually|,", NULL)
             && elaaoms_xo_find(st, 0, "actually", NULL) >= 0
             && (i + 1 >= st->ntok || st->tok[i + 1].punct)))
    {
        return;
    }

    for (k = cx->raw.n; k-- > 0; ) {
        it = &cx->raw.items[k];
        if (strncmp(it->content, "The agent ", 10) == 0) {
            continue;
        }

        for (p = it->content; *p; p = e) {
            while (*p && !elaaoms_ascii_wordbyte((unsigned char) *p)) {
                p++;
            }
            for (e = p; elaaoms_ascii_wordbyte((unsigned char) *e); e++) {
                /* void */
            }
            old = xo_weekday(p, (size_t) (e - p), &old_plural);
            if (old == NULL) {
                continue;
            }
            if (old == day) {
                return;                 /* the memory has the day already */
            }

            /* "Tuesdays" -> "Wednesdays", capital and number kept */
            nlen = strlen(day) + (size_t) old_plural;
            len = strlen(it->content);
            c = malloc(len - (size_t) (e - p) + nlen + 1);
            if (c == NULL) {
                cx->nomem = 1;
                return;
            }
            memcpy(c, it->content, (size_t) (p - it->content));
            sprintf(c + (p - it->content), "%c%s%s",
                    elaaoms_ascii_toupper((unsigned char) day[0]), day + 1,
                    old_plural ? "s" : "");
            strcpy(c + (p - it->content) + nlen, e);
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
void
elaaoms_xo_revise_offer(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
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
             || elaaoms_xo_find(&st, 0, "go ahead", NULL) >= 0
             || elaaoms_xo_find(&st, 0, "i'll|ill take it|that|them|one",
                                NULL) >= 0))
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


/* a clock time at p ("1:45", "10:30"): its length, or 0 */
static size_t
xo_clock_at(const char *s, const char *p, const char *end)
{
    const char  *q;

    if (p > s && (elaaoms_ascii_alnum((unsigned char) p[-1]) || p[-1] == ':'))
    {
        return 0;
    }

    for (q = p; q < end && q - p < 2 && elaaoms_ascii_digit((unsigned char) *q);
         q++)
    {
        /* void */
    }

    if (q == p || end - q < 3 || q[0] != ':'
        || !elaaoms_ascii_digit((unsigned char) q[1])
        || !elaaoms_ascii_digit((unsigned char) q[2])
        || (end - q > 3 && elaaoms_ascii_alnum((unsigned char) q[3])))
    {
        return 0;
    }

    return (size_t) (q + 3 - p);
}


/* the first clock time of s[0..len): *at and its length, or 0 */
static size_t
xo_first_clock(const char *s, size_t len, const char **at)
{
    size_t       n;
    const char  *p;

    for (p = s; p < s + len; p++) {
        n = xo_clock_at(s, p, s + len);
        if (n) {
            *at = p;
            return n;
        }
    }

    return 0;
}


void
elaaoms_xo_revise_agent_change(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_line_t *ln)
{
    char                 *c;
    size_t                i, pos, n, m, vlen;
    const char           *v, *w, *q;
    elaaoms_xo_sent_t     st, cs;
    elaaoms_extracted_t  *it;
    char                  val[64];

    /* the caller asked for another time ... */
    pos = 0;
    if (cx->raw.n == 0 || !cx->caller_spoke || cx->quote[0] == '\0') {
        return;
    }

    n = 0;
    for (pos = 0; elaaoms_xo_next_sentence(cx->quote, strlen(cx->quote),
                                           &pos, &cs); )
    {
        if (elaaoms_xo_find(&cs, 0, "earlier|later|instead|actually|"
                                    "change|move|switch|rather|sooner",
                            NULL) >= 0)
        {
            n = 1;
            break;
        }
    }
    if (n == 0) {
        return;
    }

    /* ... and the agent's first sentence takes one the caller said */
    pos = 0;
    if (!elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &st)
        || st.ntok > 8)
    {
        return;
    }

    vlen = xo_first_clock(st.s, st.n, &v);
    if (vlen == 0 || vlen >= sizeof(val)) {
        return;
    }
    memcpy(val, v, vlen);
    val[vlen] = '\0';

    for (q = strstr(cx->quote, val); q != NULL; q = strstr(q + 1, val)) {
        if (xo_clock_at(cx->quote, q, q + strlen(q)) == vlen) {
            break;
        }
    }
    if (q == NULL) {
        return;
    }

    /* the agent's latest memory that named another time: the new one,
     * and where it moved from */
    for (i = cx->raw.n; i-- > 0; ) {
        it = &cx->raw.items[i];
        if (strncmp(it->content, "The agent ", 10) != 0) {
            continue;
        }

        m = xo_first_clock(it->content, strlen(it->content), &w);
        if (m == 0 || (m == vlen && strncmp(w, val, vlen) == 0)) {
            continue;
        }

        c = malloc(strlen(it->content) + vlen + m + sizeof(" (moved from )"));
        if (c == NULL) {
            cx->nomem = 1;
            return;
        }

        n = (size_t) (w - it->content);
        memcpy(c, it->content, n);
        n += (size_t) sprintf(c + n, "%s (moved from %.*s)", val, (int) m, w);
        strcpy(c + n, w + m);
        free(it->content);
        it->content = c;
        return;
    }
}
