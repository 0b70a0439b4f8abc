/*
 * The offline extractor's reference and name rules (see
 * extract_offline.h): the call's references (order codes ..., their kind
 * and status, pass 1 of the extractor, and the memories where the caller
 * first gave them) and the caller's name.  Everything else the caller
 * says about themselves is the statement rule's
 * (extract_offline_statement.c).
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


/* --- names -------------------------------------------------------------- */

static const char *xo_not_names[] = {
    "I", "Just", "Really", "Not", "So", "Very", "Calling", "Here", "Again",
    "The", "A", "An", "My", "Your", "It", "That", "This", "Sorry", "Still",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
    "Mr", "Mrs", "Ms", "Dr", "OK", "Okay", "Yes", "No", "Hi", "Hello",
    "I'm", "I've", "I'd", "I'll", "Im", "You're", "You've", "You'll",
    "We're", "We've", "They're", "It's", "That's", "There's", "Here's",
    "He's", "She's", "Name's", "Let's",
    "Hey", "Thanks", "Thank", "Well", "Um", "Uh", "Oh", "Good", "Fine",
    "Great", "Sure", "Actually", "Also", "Yeah", "Tomorrow", "Today",
    "Tonight", "Morning", "Afternoon", "Evening", "Noon", "Midnight",
    "Weekend", "Weekends", "Weekday", "Weekdays", "Everything", "Nothing",
    "Anything", "Please", "Perfect", "Absolutely", "Definitely", "Maybe",
    "Probably", "Nope", "Right", "Correct", "Exactly", "Same", "Both",
    "Either", "Neither", "Next", "Last", "Earlier", "Later", "Soon", "Now",
    "Then", "Anytime", "Whenever",
    /* "One of the legs snapped": numbers, quantifiers, pronouns, question
     * and linking words open sentences, not names */
    "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
    "Ten", "Half", "Some", "Each", "All", "Most", "None", "Another",
    "Several", "Every", "Any", "Many", "Few", "Our", "Their", "His", "Her",
    "Its", "We", "They", "He", "She", "You", "There", "What", "When",
    "Where", "Why", "How", "Which", "Who", "If", "Because", "After",
    "Before", "Since", "Once", "First", "Second", "Third",
    /* a company after the name: "Oluchi Onwudiwe, Onwudiwe Property
     * Group" */
    "Property", "Properties", "Group", "Company", "Inc", "LLC", "Ltd",
    "Holdings", "Realty", "Services", "Associates", "Partners",
    "Enterprises", "Corporation", "Corp", NULL
};


/* the last word of a place or a company, not of a person's name */
static const char *xo_not_person_words =
    "lane|street|st|road|rd|avenue|ave|drive|dr|court|ct|boulevard|blvd|"
    "way|place|square|park|heights|hills|plaza|center|centre|mall|bank|"
    "insurance|cross|shield|group|inc|llc|ltd|corp|company|co|logistics|"
    "hotel|inn|airlines|airways|clinic|hospital|school|college|university|"
    "church|services|solutions|systems|plan|plus|pro|premium|gold|silver|"
    "platinum|fiber|mobile|wireless|energy|power|electric|gas|water";


static const char *xo_titles[] = {
    "mr", "mrs", "ms", "mx", "dr", "prof", "miss", NULL
};


/* a name word: a capital, then letters, "'" or "-", some lower case */
int
elaaoms_xo_name_word(const elaaoms_xo_sent_t *st, size_t i, int any_case)
{
    size_t       k, lower = 0;
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct || st->tok[i].len > 40) {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, i);
    if (!any_case && !elaaoms_ascii_upper((unsigned char) p[0])) {
        return 0;
    }
    if (!elaaoms_ascii_alpha((unsigned char) p[0])) {
        return 0;
    }

    for (k = 0; k < st->tok[i].len; k++) {
        /* UTF-8 letters count as lower case: "Villaseñor", "Müller" */
        if (elaaoms_ascii_lower((unsigned char) p[k])
            || (unsigned char) p[k] >= 0x80)
        {
            lower++;
        } else if (!elaaoms_ascii_alpha((unsigned char) p[k]) && p[k] != '\''
                   && p[k] != '-')
        {
            return 0;
        }
    }

    return lower > 0 && !elaaoms_xo_in_list(st, i, xo_not_names);
}


/*
 * A person or pet the caller names at word i, in one of the phrasings that
 * say the name is someone's: "Zuri's mom" (the child), "Florian, our
 * bookkeeper", "a German shepherd, Bruno", "talk to Marko", "ask Priya"
 * (after a verb of speaking: "drive to Denver" names no one).
 * Up to three name words, [*from, *end); 0 for anything else, for places
 * and companies (a last word "Street", "Hospital" ...) and for a name
 * greeted or introduced ("Hi, Chidinma Okafor": the caller, the agent).
 */
static int xo_at_start(const elaaoms_xo_sent_t *st, size_t i);

int
elaaoms_xo_person_name(const elaaoms_xo_sent_t *st, size_t i, size_t *from,
    size_t *end)
{
    int          ok;
    size_t       n, len, prev;
    const char  *p;

    if (!elaaoms_xo_name_word(st, i, 0)
        || (i > 0 && elaaoms_xo_name_word(st, i - 1, 0))
        || (i > 0 && xo_at_start(st, i)))
    {
        return 0;
    }

    for (n = i + 1; n < st->ntok && n < i + 3 && elaaoms_xo_name_word(st, n, 0);
         n++)
    {
        /* void */
    }

    if (elaaoms_xo_match(st, n - 1, xo_not_person_words, NULL)
        || (n < st->ntok && elaaoms_xo_match(st, n, xo_not_person_words,
                                             NULL)))
    {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, n - 1);
    len = st->tok[n - 1].len;
    prev = i > 0 && st->tok[i - 1].punct && i > 1 ? i - 2 : i - 1;

    /* "Zuri's mom", "Florian, our bookkeeper", "a German shepherd, Bruno" */
    ok = (len > 2 && p[len - 2] == '\'' && (p[len - 1] == 's')
          && elaaoms_xo_match(st, n, "mom|mum|dad|mother|father|parent|"
                                     "owner|grandma|grandmother|grandpa|"
                                     "grandfather|guardian", NULL))
         || (n + 1 < st->ntok && st->tok[n].punct
             && elaaoms_xo_match(st, n + 1, "my|our|his|her|their", NULL))
         || (i > 1 && st->tok[i - 1].punct
             && elaaoms_xo_match(st, prev, "dog|cat|puppy|kitten|pet|"
                                           "shepherd|retriever|lab|"
                                           "terrier|poodle|beagle|spaniel|"
                                           "collie|husky|boxer|bulldog|"
                                           "horse|parrot|rabbit|kid|son|"
                                           "daughter|boy|girl|baby|"
                                           "husband|wife|partner|manager|"
                                           "boss|assistant|nurse|"
                                           "caregiver|aide|neighbor|"
                                           "neighbour|friend|tenant|"
                                           "roommate|bookkeeper|"
                                           "accountant", NULL));

    /* "ask Marko", "check with Ibrahim"; never "drive to Denver" */
    if (!ok && i > 0) {
        ok = elaaoms_xo_match(st, i - 1, "ask|asked|tell|told|call|called|"
                                         "text|texted|email|emailed", NULL)
             || (i > 1
                 && elaaoms_xo_match(st, i - 1, "to|with", NULL)
                 && elaaoms_xo_match(st, i - 2, "talk|talked|talking|"
                                                "speak|spoke|speaking|"
                                                "check|checked|checking|"
                                                "chat|chatted|meet|met|"
                                                "discuss|run|ran|it",
                                     NULL));
    }

    if (!ok) {
        return 0;
    }

    *from = i > 0 && elaaoms_xo_in_list(st, i - 1, xo_titles) ? i - 1 : i;
    *end = n;

    return 1;
}


/*
 * Only greetings before word i: "Hi, this is ...", "Hi Jordan, this is
 * ..." (the agent's name after a greeting).
 */
static int
xo_at_start(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *greet[] = {
        "hi", "hello", "hey", "yes", "yeah", "oh", "ok", "okay", "so", "um",
        "uh", "well", "and", "good", "morning", "afternoon", "evening",
        "yep", "sure", NULL
    };
    size_t  k;

    for (k = 0; k < i; k++) {
        if (st->tok[k].punct || elaaoms_xo_in_list(st, k, greet)) {
            continue;
        }
        if (k > 0 && elaaoms_xo_in_list(st, k - 1, greet)
            && elaaoms_xo_name_word(st, k, 0))
        {
            continue;
        }
        return 0;
    }
    return 1;
}


/*
 * The name rule's phrasings: the caller's name ("Caller's name is X.",
 * which the pre-call context reads), or the name they go by.  "it's X"
 * and "this is X" only at the start, and not as the answer to a question
 * about anything but who is calling ("what modem?" "It's Arris").
 */
typedef struct {
    const char  *pat;
    const char  *lead;
    unsigned     any_case:1;
    unsigned     start:1;
    unsigned     asked:1;    /* only to a question about a name */
} xo_name_rule_t;

static const xo_name_rule_t  xo_name_rules[] = {
    { "my name is|was", "Caller's name is ", 1, 0, 0 },
    { "my name's", "Caller's name is ", 1, 0, 0 },
    { "my full name is", "Caller's name is ", 1, 0, 0 },
    { "i go by", "The caller goes by ", 1, 0, 0 },
    { "everyone|everybody|people|friends|most calls|call me", "The caller "
      "goes by ", 0, 0, 0 },
    { "you can|may just? call me", "The caller goes by ", 0, 0, 0 },
    { "just call me", "The caller goes by ", 0, 0, 0 },
    /* "most people know me as Bea", "please address me as Mrs. Oduya",
       "I prefer to go by Liz" */
    { "know|knows me as", "The caller goes by ", 0, 0, 0 },
    { "address|addressed me as", "The caller goes by ", 0, 0, 0 },
    { "prefer|like to go by", "The caller goes by ", 0, 0, 0 },
    { "name's|name is?", "Caller's name is ", 0, 1, 0 },
    { "the name's|name is?", "Caller's name is ", 0, 1, 0 },
    { "you're|you are? speaking|talking with|to", "Caller's name is ", 0,
      1, 0 },
    { "please call me", "The caller goes by ", 0, 0, 0 },
    { "call me", "The caller goes by ", 0, 1, 0 },
    { "this is", "Caller's name is ", 0, 1, 0 },
    { "it's", "Caller's name is ", 0, 1, 0 },
    { "it is", "Caller's name is ", 0, 1, 0 },
    { "i'm", "Caller's name is ", 0, 0, 0 },
    { "i am", "Caller's name is ", 0, 0, 0 },
    /* "The account's in my name, Harold Finch." */
    { "in my name ,", "Caller's name is ", 0, 0, 0 },
    /* "I'm the homeowner, Priya Raman." */
    { "i'm the|a _ ,", "Caller's name is ", 0, 0, 0 },
    { "i am the|a _ ,", "Caller's name is ", 0, 0, 0 },
    /* "I'm his mom, Henrietta Lowenthal.": calling for someone */
    { "i'm his|her|their _ ,", "Caller's name is ", 0, 0, 0 },
    { "i am his|her|their _ ,", "Caller's name is ", 0, 0, 0 },
    /* "Can I get a name for the booking?" "Put it under Okonkwo." */
    { "under the? name", "Caller's name is ", 0, 0, 1 },
    { "under", "Caller's name is ", 0, 0, 1 },
    { NULL, NULL, 0, 0, 0 }
};


/* whether the agent's line just before holds word w (case as said) */
static int
xo_said_by_agent(const elaaoms_xo_ctx_t *cx, const char *w, size_t len)
{
    const char  *p, *end;

    if (cx->agent_line == NULL || len < 2) {
        return 0;
    }

    end = cx->agent_line + cx->agent_line_len;

    for (p = cx->agent_line; (size_t) (end - p) >= len; p++) {
        if (memcmp(p, w, len) == 0
            && (p == cx->agent_line || !elaaoms_ascii_alpha((unsigned char) p[-1]))
            && (p + len == end || !elaaoms_ascii_alpha((unsigned char) p[len])))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * "What's Sora's last name?", "and his name?": the name asked for is
 * someone else's, so the answer is no caller's name
 */
static int
xo_asks_anothers_name(const elaaoms_xo_sent_t *q)
{
    long         at;
    size_t       i, len;
    const char  *w;

    at = elaaoms_xo_find(q, 0, "name|names|surname", NULL);
    if (at < 0) {
        return 0;
    }

    for (i = (size_t) at; i > 0; i--) {
        if (elaaoms_xo_match(q, i - 1, "last|first|full|middle|maiden", NULL)) {
            continue;
        }

        if (q->tok[i - 1].punct) {
            return 0;
        }

        w = elaaoms_xo_tok_p(q, i - 1);
        len = q->tok[i - 1].len;

        return elaaoms_xo_match(q, i - 1, "his|her|their|its", NULL)
               || (len > 2 && w[len - 2] == '\''
                   && (w[len - 1] | 0x20) == 's');
    }

    return 0;
}


static int
xo_question_about_name(const elaaoms_xo_ctx_t *cx)
{
    elaaoms_xo_sent_t  q;
    size_t             pos = 0;

    if (cx->question == NULL || !elaaoms_xo_asked(cx)) {
        return 1;
    }

    if (!elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos, &q)
        || elaaoms_xo_find(&q, 0, "name|who|speaking|calling", NULL) < 0)
    {
        return 0;
    }

    return !xo_asks_anothers_name(&q);
}


/*
 * "Ignacio Villaseñor. Nacho is fine.": after the caller's name in the
 * same line, one name word that "is fine" or "works", or said alone, is
 * the name they go by; 1 when the sentence was that
 */
static int
xo_rule_short_name(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    elaaoms_xo_buf_t      b;
    elaaoms_extracted_t  *it;

    size_t                rest, k;

    /* "I'm Cordelia Marchbanks. Cory, please.", "... Hettie.": the one
       name word alone, or with "please" */
    for (rest = 1; rest < st->ntok && st->tok[rest].punct; rest++) {
        /* void */
    }
    if (rest < st->ntok && elaaoms_xo_match(st, rest, "please", NULL)) {
        for (rest++; rest < st->ntok && st->tok[rest].punct; rest++) {
            /* void */
        }
    }

    if (cx->raw.n == 0 || !elaaoms_xo_name_word(st, 0, 0)
        || !(elaaoms_xo_match(st, 1, "is|'s fine|ok|okay|good", NULL)
             || elaaoms_xo_match(st, 1, "works|will do", NULL)
             /* "Katarzyna Nowak. Kasia for short." */
             || elaaoms_xo_match(st, 1, "for short", NULL)
             || rest >= st->ntok))
    {
        return 0;
    }

    /* the caller's name, said earlier in this line */
    for (k = cx->raw.n; k > 0; k--) {
        it = &cx->raw.items[k - 1];
        if (strcmp(it->source_quote, cx->quote) != 0) {
            return 0;
        }
        if (strncmp(it->content, "Caller's name is ", 17) == 0) {
            break;
        }
    }
    if (k == 0) {
        return 0;
    }

    /* "Henrietta Lowenthal. Henrietta.": the name said again */
    if (strncmp(it->content + 17, elaaoms_xo_tok_p(st, 0), st->tok[0].len)
        == 0)
    {
        return 0;
    }

    b = (elaaoms_xo_buf_t) { .len = 0 };
    elaaoms_xo_puts(&b, "The caller goes by ");
    elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, 0), st->tok[0].len);
    elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_PROFILE,
                   ELAAOMS_XO_CONF_NAMED, 1);

    return 1;
}


void
elaaoms_xo_rule_name(elaaoms_xo_ctx_t *cx, const elaaoms_xo_clause_t *cl)
{
    static const char  *stop[] = {
        "and", "but", "i", "i'm", "calling", "from", "here", "again", "so",
        "with", "speaking", NULL
    };
    long                     at;
    size_t                   end, j, n, title;
    int                      any, goes_by;
    elaaoms_xo_buf_t         b;
    const xo_name_rule_t    *r;
    const elaaoms_xo_sent_t *st = &cl->st;

    if (xo_rule_short_name(cx, st)) {
        return;
    }

    goes_by = 0;

    /* "It's Katarzyna, Kasia for short": the short name after a comma */
    at = elaaoms_xo_find(st, 2, "for short", NULL);
    if (at >= 2 && elaaoms_xo_name_word(st, (size_t) at - 1, 0)
        && st->tok[at - 2].punct && *elaaoms_xo_tok_p(st, at - 2) == ',')
    {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "The caller goes by ");
        elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, at - 1), st->tok[at - 1].len);
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_PROFILE,
                       ELAAOMS_XO_CONF_NAMED, 1);
        goes_by = 1;
    }

    for (r = xo_name_rules; r->pat; r++) {
        /* "I'm Marisol Vantongeren, everybody calls me Sol": both */
        if (goes_by && strncmp(r->lead, "Caller's name is ", 17) != 0) {
            continue;
        }

        at = elaaoms_xo_find(st, 0, r->pat, &end);
        if (at < 0) {
            continue;
        }
        if (r->start && (!xo_at_start(st, (size_t) at)
                         || (cl->answer && !xo_question_about_name(cx))))
        {
            continue;
        }
        if (r->asked && (cx->question == NULL || !elaaoms_xo_asked(cx)
                         || !xo_question_about_name(cx)))
        {
            continue;
        }

        /* "call me Dr. Okafor": the title and its period go with the name */
        title = end;
        if (elaaoms_xo_in_list(st, end, xo_titles)) {
            j = end + 1;
            if (j < st->ntok && st->tok[j].punct
                && elaaoms_xo_tok_p(st, j)[0] == '.')
            {
                j++;
            }
            if (elaaoms_xo_name_word(st, j, 0)) {
                end = j;
            }
        }

        any = r->any_case;
        for (j = end, n = 0;
             n < 3 && elaaoms_xo_name_word(st, j, any)
             && !(any && elaaoms_xo_in_list(st, j, stop));
             j++, n++)
        { /* void */ }

        if (n == 0) {
            continue;
        }

        /* "I'm Tamsin's dad": whose, not who */
        j = end + n - 1;
        if (st->tok[j].len > 2
            && elaaoms_xo_tok_p(st, j)[st->tok[j].len - 2] == '\''
            && (elaaoms_xo_tok_p(st, j)[st->tok[j].len - 1] | 0x20) == 's')
        {
            continue;
        }

        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, r->lead);
        if (title < end) {
            elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, title),
                           st->tok[title].len);
            elaaoms_xo_puts(&b, ". ");
        }
        for (j = end; j < end + n; j++) {
            if (j > end) {
                elaaoms_xo_puts(&b, " ");
            }
            elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, j), st->tok[j].len);
            /* "my name is john smith" */
            b.s[b.len - st->tok[j].len] =
                (char) elaaoms_ascii_toupper((unsigned char) b.s[b.len - st->tok[j].len]);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_PROFILE,
                       ELAAOMS_XO_CONF_NAMED, 1);

        if (goes_by || strncmp(r->lead, "Caller's name is ", 17) == 0) {
            return;
        }
        goes_by = 1;
    }

    if (goes_by) {
        return;
    }

    /*
     * A name alone opening the caller's line: "Dana Whitfield." after
     * "May I have your name?", or two or three name words when nothing
     * else was asked ("Hi Ray. Marcus Oyelaran.")
     */
    if ((cl->lead && xo_question_about_name(cx))
        || (!cl->lead && !cx->caller_spoke && !cl->question))
    {
        for (n = 0; n < st->ntok && n < 4 && elaaoms_xo_name_word(st, n, 0); n++) {
            /* void */
        }

        /*
         * later in the caller's first line, only a sentence that is a
         * whole name and nothing else: "I want to cancel. Tomasz
         * Kowalczyk." (not "Quarry Lane.", "Blue Cross.")
         */
        if (!cl->lead
            && (n < 2 || n != st->ntok
                || elaaoms_xo_find(st, 0, xo_not_person_words, NULL) >= 0))
        {
            return;
        }

        /* a name the agent just said, said back: the agent's person */
        if (n > 0 && cx->question == NULL
            && xo_said_by_agent(cx, elaaoms_xo_tok_p(st, 0), st->tok[0].len))
        {
            return;
        }

        if (n > 0 && n < 4
            && (n == st->ntok
                || (elaaoms_xo_match(st, n, "from|here|speaking|calling|"
                                            "again|with|at|of", NULL)
                    || (n > 1 && elaaoms_xo_match(st, n, ",", NULL))))
            && (n >= 2 || n < st->ntok || (cl->answer && elaaoms_xo_asked(cx))))
        {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Caller's name is ");
            elaaoms_xo_put_words(&b, st, 0, n);
            elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b,
                           ELAAOMS_XO_IMP_PROFILE, ELAAOMS_XO_CONF_NAMED, 1);
        }
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
