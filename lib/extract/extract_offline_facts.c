/*
 * The offline extractor's reference rules (see extract_offline.h): the
 * call's references (order codes ..., their kind and status, pass 1 of
 * the extractor, and the memories where the caller first gave them), and
 * the organization the caller speaks for.  Names are
 * extract_offline_names.c's; everything else the caller says about
 * themselves is the statement rule's (extract_offline_statement.c).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


typedef struct {
    const char *phrase;         /* word pattern, see elaaoms_xo_match() */
    const char *text;           /* "is delayed" */
    const char *adj;            /* "delayed", for emotions; may be NULL */
    int         importance;
} xo_status_t;


/* what a call can be "about": a code near one of these is its number */
static const char *xo_kinds[] = {
    "order", "account", "ticket", "case", "invoice", "booking",
    "reservation", "claim", "policy", "tracking", "subscription",
    "confirmation", "shipment", "delivery", "appointment", "membership",
    "contract", "return", "complaint", NULL
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
 * ("XYZ-789"), capitals and a digit ("AX55", "RT-AX86U": models), or 3+
 * digits after a kind word ("order number 4411").
 */
int
elaaoms_xo_is_code(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       k, digits, alpha, upper, len;
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct
        || st->tok[i].len > ELAAOMS_XO_MAX_CODE)
    {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, i);
    len = st->tok[i].len;

    for (k = 0, digits = 0, alpha = 0, upper = 0; k < len; k++) {
        if (elaaoms_ascii_digit((unsigned char) p[k])) {
            digits++;
        } else if (elaaoms_ascii_alpha((unsigned char) p[k])) {
            alpha++;
            upper += elaaoms_ascii_upper((unsigned char) p[k]) != 0;
        } else if (p[k] != '-' && !(k == 0 && p[k] == '#')) {
            return 0;
        }
    }

    if (digits > 0 && alpha > 0 && alpha == upper && len >= 3) {
        return 1;
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


/*
 * The kind of the code the line says: the kind word nearest the code
 * where the line says it too ("I'm flagging your account ... Your outage
 * ticket is OT-77419."), else the first sentence's with one
 */
static const char *
xo_kind_in_line(const char *line, size_t len, const char *code,
    size_t code_len)
{
    size_t              pos, i;
    elaaoms_xo_sent_t   st;
    const char         *kind;

    pos = 0;
    while (elaaoms_xo_next_sentence(line, len, &pos, &st)) {
        for (i = 0; i < st.ntok; i++) {
            if (st.tok[i].len == code_len
                && memcmp(elaaoms_xo_tok_p(&st, i), code, code_len) == 0)
            {
                kind = xo_kind_in(&st, i);
                if (kind) {
                    return kind;
                }
            }
        }
    }

    pos = 0;
    while (elaaoms_xo_next_sentence(line, len, &pos, &st)) {
        kind = xo_kind_in(&st, st.ntok ? st.ntok - 1 : 0);
        if (kind) {
            return kind;
        }
    }

    return NULL;
}


/*
 * The kind the agent asked for: "the prescription number", "your member
 * ID" -> "prescription", "member"; into buf, 0 when none.
 */
static int
xo_kind_asked(const char *line, size_t len, char *buf, size_t size)
{
    long                at;
    size_t              pos = 0, end, n;
    elaaoms_xo_sent_t   st;

    while (elaaoms_xo_next_sentence(line, len, &pos, &st)) {
        at = elaaoms_xo_find(&st, 0, "the|your|that|this _ number|code|id|"
                                     "reference|ref|#", &end);
        if (at < 0) {
            continue;
        }
        n = st.tok[at + 1].len;
        if (n < 3 || n >= size || !elaaoms_xo_is_content(&st, (size_t) at + 1))
        {
            continue;
        }
        snprintf(buf, size, "%.*s", (int) n, elaaoms_xo_tok_p(&st, at + 1));
        for (n = 0; buf[n]; n++) {
            buf[n] = (char) elaaoms_ascii_tolower((unsigned char) buf[n]);
        }
        return 1;
    }

    return 0;
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
        if (elaaoms_xo_is_code(st, i)) {
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
                expected[0] = (char) elaaoms_ascii_tolower((unsigned char) expected[0]);
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


/*
 * "the claim is CL7... hang on, CL7-220-914": the start of a code broken
 * off and said whole later in the line is no code of its own
 */
static int
xo_ref_restarted(const elaaoms_xo_line_t *ln, const char *code, size_t len)
{
    const char  *p, *end;

    if (!elaaoms_xo_broken_off(ln->msg, ln->len, code, len)) {
        return 0;
    }

    end = ln->msg + ln->len;
    for (p = ln->msg; p + len < end; p++) {
        if (strncasecmp(p, code, len) == 0
            && (p == ln->msg || !elaaoms_ascii_wordbyte((unsigned char) p[-1]))
            && (elaaoms_ascii_wordbyte((unsigned char) p[len])
                || (p[len] == '-' && p + len + 1 < end
                    && elaaoms_ascii_wordbyte((unsigned char) p[len + 1]))))
        {
            return 1;
        }
    }

    return 0;
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
    char                asked[16];

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
                if (!elaaoms_xo_is_code(&st, i) || cx->nrefs == ELAAOMS_XO_MAX_REFS
                    || xo_ref_find(cx, elaaoms_xo_tok_p(&st, i),
                                   st.tok[i].len)
                    || xo_ref_restarted(&ln, elaaoms_xo_tok_p(&st, i),
                                        st.tok[i].len))
                {
                    continue;
                }

                kind = xo_kind_in(&st, i);
                if (kind == NULL) {
                    kind = xo_kind_in_line(ln.msg, ln.len,
                                           elaaoms_xo_tok_p(&st, i),
                                           st.tok[i].len);
                }
                if (kind == NULL) {
                    kind = xo_kind_in_line(agent.msg, agent.len,
                                           elaaoms_xo_tok_p(&st, i),
                                           st.tok[i].len);
                }
                if (kind == NULL
                    && xo_kind_asked(agent.msg, agent.len, asked,
                                     sizeof(asked)))
                {
                    kind = asked;
                }
                if (kind == NULL) {
                    kind = xo_kind_in_line(prev.msg, prev.len,
                                           elaaoms_xo_tok_p(&st, i),
                                           st.tok[i].len);
                }

                r = &cx->refs[cx->nrefs++];
                memset(r, 0, sizeof(elaaoms_xo_ref_t));
                snprintf(r->code, sizeof(r->code), "%.*s",
                         (int) st.tok[i].len, elaaoms_xo_tok_p(&st, i));
                snprintf(r->kind, sizeof(r->kind), "%s", kind ? kind : "");
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
        if (r->kind[0] == '\0') {
            continue;       /* a model, a code: the statement says it all */
        }

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
                        r->said_with_code = round == 0 && r->status >= 0;
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
    }
    elaaoms_xo_puts(b, r->kind);
    elaaoms_xo_puts(b, " ");
    elaaoms_xo_puts(b, r->code);
}


/* the clause says more than the code at word i and its kind */
static int
xo_says_more(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  k;

    for (k = 0; k < st->ntok; k++) {
        if (k != i && elaaoms_xo_is_content(st, k)
            && !elaaoms_xo_in_list(st, k, xo_kinds)
            && !elaaoms_xo_match(st, k, "number|no|num|id|reference|ref|"
                                        "code|calling|called|about", NULL))
        {
            return 1;
        }
    }
    return 0;
}


/*
 * A code's memories, where the caller first gave it: "The caller asked
 * about order XYZ-789." when the clause says nothing else (else the
 * statement keeps the code with its words), and its status when the
 * caller said it elsewhere ("my order was supposed to arrive Monday" ...
 * "it's XYZ-789").  Only codes of a known kind: a model or a billing
 * code without one is the statement's ("the label says SB8200").
 */
void
elaaoms_xo_rule_refs(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *line)
{
    size_t              i;
    elaaoms_xo_buf_t    b;
    elaaoms_xo_ref_t   *r;

    for (i = 0; i < st->ntok; i++) {
        if (!elaaoms_xo_is_code(st, i)) {
            continue;
        }
        r = xo_ref_find(cx, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        if (r == NULL || r->kind[0] == '\0') {
            continue;
        }
        cx->last_ref = r;
        if (r->emitted || r->line != line) {
            continue;
        }
        r->emitted = 1;

        /* the code alone ("It's XYZ-789."): the statement would not say
         * what it is */
        if (!xo_says_more(st, i)) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "The caller asked about ");
            elaaoms_xo_ref_name(&b, r, 0);
            elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b,
                           ELAAOMS_XO_IMP_REFERENCE, ELAAOMS_XO_CONF_NAMED, 1);
        }

        if (r->status < 0 || r->said_with_code) {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "The caller's ");
        elaaoms_xo_ref_name(&b, r, 0);
        elaaoms_xo_puts(&b, " ");
        elaaoms_xo_puts(&b, xo_statuses[r->status].text);
        if (r->expected[0]) {
            elaaoms_xo_puts(&b, "; it was expected ");
            elaaoms_xo_puts(&b, r->expected);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b,
                       xo_statuses[r->status].importance,
                       ELAAOMS_XO_CONF_RULE, 1);
    }
}


/* the last word of an organization's name */
#define XO_ORG_SUFFIXES                                                       \
    "inc|llc|ltd|co|corp|corporation|company|group|partners|associates|"     \
    "solutions|services|systems|technologies|tech|labs|studio|studios|"      \
    "consulting|construction|engineering|media|marketing|design|industries|" \
    "holdings|capital|realty|properties|motors|electric|supply|"             \
    "manufacturing|clinic|hospital|school|university|college|academy|"       \
    "agency|insurance|law|legal|dental|medical|pharmacy|bakery|restaurant|"  \
    "cafe|farms|foundation|ventures|enterprises|builders|contractors|"       \
    "logistics|freight|transport|shipping|press|publishing|brewing|"         \
    "roasters|architects|foods|bank|software|analytics|health|care|"         \
    "landscaping|plumbing|electrical|trucking|distribution|wholesale|"       \
    "imports|exports|outfitters|dynamics|networks|pharma|biotech"


/*
 * "Hannah Becker from Brightwater Logistics", "this is Desmond, calling
 * from Larkspur Architects": the organization a caller speaks for, named
 * right after their name or "calling".  Only a name ending like an
 * organization's: "Dana from Denver" and "back from Mercy Hospital" (no
 * name before it) give nothing.
 */
void
elaaoms_xo_rule_affiliation(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl)
{
    size_t             i, k, end;
    elaaoms_xo_buf_t   b;
    const elaaoms_xo_sent_t *st = &cl->st;

    for (i = 1; i + 1 < st->ntok; i++) {
        if (!elaaoms_xo_match(st, i, "from|with", NULL)
            || !(elaaoms_xo_name_word(st, i - 1, 0)
                 || elaaoms_xo_match(st, i - 1, "calling", NULL)))
        {
            continue;
        }

        for (end = i + 1, k = 0;
             k < 4 && end < st->ntok && !st->tok[end].punct
             && (elaaoms_ascii_upper((unsigned char)
                                     elaaoms_xo_tok_p(st, end)[0])
                 || elaaoms_ascii_digit((unsigned char)
                                        elaaoms_xo_tok_p(st, end)[0])
                 || (k > 0 && elaaoms_xo_match(st, end, "&|and|of", NULL)));
             end++, k++)
        { /* void */ }

        if (end < i + 3 || !elaaoms_xo_match(st, end - 1, XO_ORG_SUFFIXES,
                                            NULL))
        {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "The caller works at ");
        elaaoms_xo_put_words(&b, st, i + 1, end);
        elaaoms_xo_puts(&b, ".");
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_PROFILE,
                       ELAAOMS_XO_CONF_NAMED, 1);
        return;
    }
}
