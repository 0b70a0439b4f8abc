/*
 * The offline extractor's factual rules (see extract_offline.h): the
 * call's references (order codes ..., their kind and status, pass 1 of
 * the extractor, and the memories where the caller first gave them), the
 * caller's name, address and work.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "extract/extract_offline_internal.h"


typedef struct {
    const char *phrase;         /* word pattern, see elaaoms_xo_match() */
    const char *text;           /* "is delayed" */
    const char *adj;            /* "delayed", for emotions; may be NULL */
    int         importance;
} xo_status_t;


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


/* --- references --------------------------------------------------------- */

/*
 * A reference code at word i: "#" and 3+ digits, letters and 3+ digits
 * ("XYZ-789"), or 3+ digits after a kind word ("order number 4411").
 */
static int
xo_is_code(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       k, digits, alpha, len;
    const char  *p;

    if (st->tok[i].punct || st->tok[i].len > ELAAOMS_XO_MAX_CODE) {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, i);
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
        if (elaaoms_xo_in_list(st, i - k, xo_kinds)) {
            return 1;
        }
        if (!elaaoms_xo_match(st, i - k, "number|no|num|id|is|#|:", NULL)) {
            return 0;
        }
    }

    return 0;
}


/* the kind word nearest before word i, else any after it; NULL if none */
static const char *
xo_kind_in(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  k, j;

    for (j = i + 1; j-- > 0; ) {
        for (k = 0; xo_kinds[k]; k++) {
            if (elaaoms_xo_tok_is(st, j, xo_kinds[k], strlen(xo_kinds[k]),
                                  0))
            {
                return xo_kinds[k];
            }
        }
    }

    for (j = i; j < st->ntok; j++) {
        for (k = 0; xo_kinds[k]; k++) {
            if (elaaoms_xo_tok_is(st, j, xo_kinds[k], strlen(xo_kinds[k]),
                                  0))
            {
                return xo_kinds[k];
            }
        }
    }

    return NULL;
}


static const char *
xo_kind_in_line(const char *line, size_t len)
{
    size_t              pos = 0;
    elaaoms_xo_sent_t   st;
    const char         *kind;

    while (elaaoms_xo_next_sentence(line, len, &pos, &st)) {
        kind = xo_kind_in(&st, st.ntok ? st.ntok - 1 : 0);
        if (kind) {
            return kind;
        }
    }

    return NULL;
}


static elaaoms_xo_ref_t *
xo_ref_find(elaaoms_xo_ctx_t *cx, const char *code, size_t len)
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
xo_any_code(const elaaoms_xo_sent_t *st)
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
xo_status_in(const elaaoms_xo_sent_t *st, char *expected, size_t elen)
{
    int     s;
    long    at;
    size_t  end;

    for (s = 0; xo_statuses[s].phrase; s++) {
        at = elaaoms_xo_find(st, 0, xo_statuses[s].phrase, &end);
        if (at < 0 || elaaoms_xo_negated(st, (size_t) at)) {
            continue;
        }

        if (strcmp(xo_statuses[s].adj ? xo_statuses[s].adj : "", "delayed")
            == 0)
        {
            at = elaaoms_xo_find(st, 0, "on|by _", &end);
            while (at >= 0
                   && !elaaoms_xo_in_list(st, end - 1, xo_weekdays))
            {
                at = elaaoms_xo_find(st, (size_t) at + 1, "on|by _", &end);
            }
            if (at >= 0) {
                snprintf(expected, elen, "%.*s %.*s",
                         (int) st->tok[at].len,
                         elaaoms_xo_tok_p(st, (size_t) at),
                         (int) st->tok[end - 1].len,
                         elaaoms_xo_tok_p(st, end - 1));
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
xo_clause(const elaaoms_xo_sent_t *st, size_t i, elaaoms_xo_sent_t *sub)
{
    size_t  a, b;

    for (a = i; a > 0 && !st->tok[a - 1].punct
                && !elaaoms_xo_match(st, a - 1, "and|but|while", NULL); a--)
    { /* void */ }

    for (b = i + 1; b < st->ntok && !st->tok[b].punct
                    && !elaaoms_xo_match(st, b, "and|but|while", NULL); b++)
    { /* void */ }

    sub->s = st->s;
    sub->n = st->n;
    sub->ntok = b - a;
    memcpy(sub->tok, st->tok + a, (b - a) * sizeof(elaaoms_xo_tok_t));
}


/* the status of the clause holding the code, -1 if none or no code */
static int
xo_status_of_code(const elaaoms_xo_sent_t *st, const char *code,
    char *expected, size_t elen)
{
    size_t              i, len = strlen(code);
    elaaoms_xo_sent_t   sub;

    for (i = 0; i < st->ntok; i++) {
        if (st->tok[i].len == len && !st->tok[i].punct
            && strncasecmp(elaaoms_xo_tok_p(st, i), code, len) == 0)
        {
            xo_clause(st, i, &sub);
            return xo_status_in(&sub, expected, elen);
        }
    }
    return -1;
}


/* pass 1: the codes the caller gave, their kind, then their status */
void
elaaoms_xo_collect_refs(elaaoms_xo_ctx_t *cx, const char *text)
{
    int                 s, round;
    size_t              pos, spos, i, k;
    elaaoms_xo_ref_t   *r;
    elaaoms_xo_sent_t   st;
    elaaoms_xo_line_t   ln, agent, prev;
    const char         *kind;

    pos = 0;
    agent.len = 0; agent.msg = "";
    prev = agent;

    while (elaaoms_xo_next_line(text, &pos, &ln)) {
        if (!ln.caller) {
            agent = ln;
            continue;
        }

        spos = 0;
        while (elaaoms_xo_next_sentence(ln.msg, ln.len, &spos, &st)) {
            for (i = 0; i < st.ntok; i++) {
                if (!xo_is_code(&st, i) || cx->nrefs == ELAAOMS_XO_MAX_REFS
                    || xo_ref_find(cx, elaaoms_xo_tok_p(&st, i),
                                   st.tok[i].len))
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
                memset(r, 0, sizeof(elaaoms_xo_ref_t));
                snprintf(r->code, sizeof(r->code), "%.*s",
                         (int) st.tok[i].len, elaaoms_xo_tok_p(&st, i));
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
            while (r->status < 0 && elaaoms_xo_next_line(text, &pos, &ln)) {
                if (ln.caller != (round < 2)) {
                    continue;
                }
                spos = 0;
                while (r->status < 0
                       && elaaoms_xo_next_sentence(ln.msg, ln.len, &spos,
                                                   &st))
                {
                    if (round != 1) {
                        r->status = xo_status_of_code(&st, r->code,
                                        r->expected, sizeof(r->expected));
                        continue;
                    }
                    if (xo_any_code(&st)
                        || elaaoms_xo_find(&st, 0, r->kind, NULL) < 0)
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


void
elaaoms_xo_ref_name(elaaoms_xo_buf_t *b, const elaaoms_xo_ref_t *r,
    int with_adj)
{
    if (with_adj && r->status >= 0 && xo_statuses[r->status].adj) {
        /* "the delayed order XYZ-789" */
        elaaoms_xo_puts(b, "the ");
        elaaoms_xo_puts(b, xo_statuses[r->status].adj);
        elaaoms_xo_puts(b, " ");
    } else if (strcmp(r->kind, "reference") == 0) {
        elaaoms_xo_puts(b, "the ");
    }
    elaaoms_xo_puts(b, r->kind);
    elaaoms_xo_puts(b, " ");
    elaaoms_xo_puts(b, r->code);
}


/* a code's memories, where the caller first gave it */
void
elaaoms_xo_rule_refs(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *line)
{
    size_t              i;
    elaaoms_xo_buf_t    b;
    elaaoms_xo_ref_t   *r;

    for (i = 0; i < st->ntok; i++) {
        if (!xo_is_code(st, i)) {
            continue;
        }
        r = xo_ref_find(cx, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        if (r == NULL) {
            continue;
        }
        cx->last_ref = r;
        if (r->emitted || r->line != line) {
            continue;
        }
        r->emitted = 1;

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Called about ");
        elaaoms_xo_ref_name(&b, r, 0);
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 7, 0.7);

        if (r->status < 0) {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_ref_name(&b, r, 0);
        elaaoms_xo_puts(&b, " ");
        elaaoms_xo_puts(&b, xo_statuses[r->status].text);
        if (r->expected[0]) {
            elaaoms_xo_puts(&b, "; it was expected ");
            elaaoms_xo_puts(&b, r->expected);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b,
                       xo_statuses[r->status].importance, 0.6);
    }
}


/* --- factual ------------------------------------------------------------ */

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
xo_is_name_word(const elaaoms_xo_sent_t *st, size_t i, int any_case)
{
    size_t       k, lower = 0;
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct || st->tok[i].len > 40) {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, i);
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

    return lower > 0 && !elaaoms_xo_in_list(st, i, xo_not_names);
}


/* only greetings before word i: "Hi, this is ..." */
static int
xo_at_start(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *greet[] = {
        "hi", "hello", "hey", "yes", "yeah", "oh", "ok", "okay", "so", "um",
        "uh", "well", "and", "good", "morning", "afternoon", "evening", NULL
    };
    size_t  k;

    for (k = 0; k < i; k++) {
        if (!st->tok[k].punct && !elaaoms_xo_in_list(st, k, greet)) {
            return 0;
        }
    }
    return 1;
}


void
elaaoms_xo_rule_name(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    static const char  *stop[] = {
        "and", "but", "i", "i'm", "calling", "from", "here", "again", "so",
        "with", NULL
    };
    long                at;
    size_t              end, j, n, c;
    int                 any;
    elaaoms_xo_buf_t    b;

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
        at = elaaoms_xo_find(st, 0, pats[c].pat, &end);
        if (at < 0 || (pats[c].start && !xo_at_start(st, (size_t) at))) {
            continue;
        }

        any = pats[c].any_case;
        for (j = end, n = 0;
             n < 3 && xo_is_name_word(st, j, any)
             && !(any && elaaoms_xo_in_list(st, j, stop));
             j++, n++)
        { /* void */ }

        if (n == 0) {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Caller's name is ");
        for (j = end; j < end + n; j++) {
            if (j > end) {
                elaaoms_xo_puts(&b, " ");
            }
            elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, j), st->tok[j].len);
            /* "my name is john smith" */
            b.s[b.len - st->tok[j].len] =
                (char) toupper((unsigned char) b.s[b.len - st->tok[j].len]);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 6, 0.7);
        return;
    }
}


static int
xo_span_has_place(const elaaoms_xo_sent_t *st, size_t from, size_t to)
{
    size_t  i;

    for (i = from; i < to; i++) {
        if (isdigit((unsigned char) *elaaoms_xo_tok_p(st, i))
            || (i > from
                && isupper((unsigned char) *elaaoms_xo_tok_p(st, i))))
        {
            return 1;
        }
    }
    return from < to && isupper((unsigned char) *elaaoms_xo_tok_p(st, from));
}


void
elaaoms_xo_rule_address(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    static const char  *stop[] = { "and", "but", "so", "because", NULL };
    long                at;
    size_t              end, to, c;
    elaaoms_xo_buf_t    b;

    struct { const char *pat; const char *lead; }  pats[] = {
        { "my|our new address is", "New address is " },
        { "my|our address is", "Address is " },
        { "moved to", "Moved to " },
        { "i|we live at|in", "Lives " },
        { NULL, NULL }
    };

    for (c = 0; pats[c].pat; c++) {
        at = elaaoms_xo_find(st, 0, pats[c].pat, &end);
        if (at < 0) {
            continue;
        }

        to = elaaoms_xo_span(st, end, 10, 1, stop);
        if (!xo_span_has_place(st, end, to)) {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, pats[c].lead);
        if (strcmp(pats[c].lead, "Lives ") == 0) {
            elaaoms_xo_put_words(&b, st, end - 1, end);  /* "at" or "in" */
            elaaoms_xo_puts(&b, " ");
        }
        elaaoms_xo_put_words(&b, st, end, to);
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 6, 0.6);
        return;
    }
}


void
elaaoms_xo_rule_work(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
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
    long                at;
    size_t              end, to;
    elaaoms_xo_buf_t    b;

    at = elaaoms_xo_find(st, 0, "i'm a|an", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i am a|an", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "work|working as a|an", &end);
    }
    if (at >= 0 && !elaaoms_xo_in_list(st, end, not_jobs)) {
        to = elaaoms_xo_span(st, end, 3, 0, stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Is ");
            elaaoms_xo_put_words(&b, st, end - 1, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 5, 0.6);
        }
    }

    /* "I work nights", "and work night shifts", "I'm working weekends" */
    at = elaaoms_xo_find(st, 0, "i|and|i'm work|working the? night|day|"
                                "late|early|evening|morning|weekend|"
                                "overnight shift|shifts", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i|and|i'm work|working nights|weekends|"
                                    "overnight|evenings|mornings|days", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i|and|i'm work|working from home", &end);
    }
    if (at >= 0) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Works ");
        elaaoms_xo_put_words(&b, st, (size_t) at + 2, end);
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, 5, 0.6);
    }
}
