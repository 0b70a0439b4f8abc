/*
 * What the agent did or offered for the caller, with the value that
 * makes it worth remembering: a ticket or claim the agent opened, a
 * refund or credit given, a price offered.  The agent's other words
 * (greetings, pitches, questions) still give nothing.
 *
 *   "I've opened claim CLM-2025-08817."   The agent opened claim
 *                                         CLM-2025-08817.
 *   "Your new ticket is TK-30872."        The caller's new ticket is
 *                                         TK-30872.
 *   "I can do $14 per seat per month"     The agent offered $14 per
 *                                         seat per month.
 *
 * A sentence counts only when it holds a number, an amount, a code or a
 * health or safety need after the words that say who did what; a
 * question never counts.
 *
 * A price the agent states once the caller has spoken is a quote for
 * the caller, kept whole with the sentence before it when it refers
 * back to it ("For that I'd recommend Business 500. That's $129 a
 * month." -> "The agent said: for that the agent would recommend
 * Business 500. That's $129 a month."); a price in the greeting is the
 * company's pitch to everyone and gives nothing.
 */

#include <string.h>
#include <strings.h>

#include "extract/extract_offline_internal.h"
#include "extract/memory_rules.h"
#include "util/ascii.h"


/* who did it, and what the memory starts with */
static const struct {
    const char  *pattern;       /* elaaoms_xo_match() syntax */
    const char  *lead;
    const char  *mid;           /* the lead after words that came first */
    unsigned     past:1;        /* the next word must be a past form */
    unsigned     alone:1;       /* the words before are no part of it */
    unsigned     whole:1;       /* the lead, then the words from the
                                   match */
    unsigned     note:1;        /* kept without a value: what the agent
                                   wrote down about the caller */
} elaaoms_xo_agent_rules[] = {
    /* "I've noted that you need a ground floor room" */
    { "i've|i|we've|we have? noted|note that?", "The agent noted that",
      " the agent noted that ", 0, 1, 0, 1 },
    { "i've|i|we've|we have? added|put|left a note that?",
      "The agent noted that", " the agent noted that ", 0, 1, 0, 1 },
    { "i'll|we'll note|add|put|leave a? note? that?", "The agent noted that",
      " the agent noted that ", 0, 1, 0, 1 },
    /* "I have the 19th at 3:30", "I've got Tuesday at 9": a slot */
    { "i|we have|got", "The agent offered", " the agent offered ", 0, 0, 0,
      0 },
    { "i've|we've got", "The agent offered", " the agent offered ", 0, 0, 0,
      0 },
    { "i've|we've just|also|already?", "The agent", " the agent ", 1, 0, 0,
      0 },
    { "i|we have just|also|already?", "The agent", " the agent ", 1, 0, 0,
      0 },
    { "i|we just|also|already", "The agent", " the agent ", 1, 0, 0, 0 },
    { "i|we can|could do|offer|give", "The agent offered",
      " the agent offered ", 0, 0, 0, 0 },
    { "i'll|we'll do|offer|give", "The agent offered",
      " the agent offered ", 0, 0, 0, 0 },
    { "i|we will do|offer|give", "The agent offered",
      " the agent offered ", 0, 0, 0, 0 },
    /* "I can reschedule you for Tuesday between 8 and 12" */
    { "i|we can|could", "The agent offered to", " the agent offered to ", 0,
      0, 0, 0 },
    /* a promise with a date or a number: "I'll call you on December 1st" */
    { "i'll|we'll", "The agent will", " the agent will ", 0, 0, 0, 0 },
    { "i|we will", "The agent will", " the agent will ", 0, 0, 0, 0 },
    /* "I'm opening an incident report, IR-3318": under way, with its
     * reference */
    { "i'm|we're still|also|just|now? opening|creating|filing|logging|"
      "raising|starting|writing|drafting|"
      "submitting|escalating|issuing",
      "The agent said:", NULL, 0, 0, 1, 0 },
    /* "Our irrigation tech will be out tomorrow": the company's people */
    { "our _ will", "The agent said:", NULL, 0, 0, 1, 0 },
    { "our _ _ will", "The agent said:", NULL, 0, 0, 1, 0 },
    /* "The technician will be there between 8 and 10", "Your new
     * gateway should arrive Thursday", "It'll arrive Thursday": what
     * the caller is to get, when (a day or a value is needed) */
    { "the|your _ will|should", "The agent said:", NULL, 0, 0, 1, 0 },
    { "the|your _ _ will|should", "The agent said:", NULL, 0, 0, 1, 0 },
    { "it'll arrive|ship|be", "The agent said:", NULL, 0, 0, 1, 0 },
    /* "Next one goes out August 18th", "Your next visit is the 9th" */
    { "your|the? next _ goes|ships|arrives|comes|is|will|lands",
      "The agent said:", NULL, 0, 0, 1, 0 },
    { "it will|should arrive|ship|be", "The agent said:", NULL, 0, 0, 1,
      0 },
    /* "the new estimate is $455": the estimate named, not made */
    { "the|your|our|an|my new|revised|updated|total|final? estimate|eta "
      "is|was|comes|will", "The agent said:", NULL, 0, 0, 1, 0 },
    /* "Estimated restoration is 11 pm", "Crews estimate restoration by
     * 3 pm", "we expect it back on by 6" */
    { "estimated|expected|estimate|estimates|expect|expects|eta",
      "The agent estimated", NULL, 0, 1, 0, 0 },
    /* "You have coverage through 2027" */
    { "you have", "The caller has", NULL, 0, 1, 0, 0 },
    { "you've", "The caller has", NULL, 0, 1, 0, 0 },
    /* "Perfect, you're all set for eight at 8 pm Saturday" */
    { "you're all|now? set|booked|scheduled|confirmed|down",
      "The caller is booked", NULL, 0, 1, 0, 0 },
    { "you are all|now? set|booked|scheduled|confirmed|down",
      "The caller is booked", NULL, 0, 1, 0, 0 },
};

/*
 * a reference the agent hands out: "your new ticket is TK-30872" (not
 * "your order XYZ-789 is late": what the agent says about the caller is
 * no memory)
 */
#define ELAAOMS_XO_AGENT_REF_KIND                                            \
    "ticket|claim|case|reference|confirmation|booking|order|tracking|"      \
    "return|rma|incident|dispute|work|seat|seats|room|flight|gate|locker|"  \
    "member|membership|policy|reservation|registration|enrollment|"        \
    "account|permit|contract|invoice|quote|file|student|patient|pin|"      \
    "intake|referral|warranty|customer|client|card|plate|permit|key|fob|"   \
    "badge|pass|appeal|application|license|licence|certificate|voucher|"    \
    "coupon|locker|stall|space|spot|slip|plot|bay|tag "                     \
    "number|#|id|code|order? is|are|'s"
#define ELAAOMS_XO_AGENT_REF                                                 \
    "your|his|her|their new|updated|replacement|dispute|support|service|"   \
    "repair? " ELAAOMS_XO_AGENT_REF_KIND
/* "your outage ticket is OT-77419": any word or two naming what it is for */
#define ELAAOMS_XO_AGENT_REF_FOR                                             \
    "your|his|her|their _ " ELAAOMS_XO_AGENT_REF_KIND
#define ELAAOMS_XO_AGENT_REF_FOR2                                            \
    "your|his|her|their _ _ " ELAAOMS_XO_AGENT_REF_KIND


/*
 * a reference the agent names, with "the": "The refund reference is
 * TMK-3918", "I'm reporting it to IT, the incident number is SEC-6617"
 * (two patterns: the matcher does not backtrack over an optional word)
 */
#define ELAAOMS_XO_AGENT_REF_THE_WORD                                        \
    "ticket|claim|case|reference|confirmation|booking|tracking|rma|"        \
    "incident|report|refund|return|dispute|authorization|authorisation|"    \
    "approval|reservation|order|work|po|policy|transaction|receipt|"        \
    "permit|plate|appeal|application|license|licence|certificate|voucher"
#define ELAAOMS_XO_AGENT_REF_THE_KIND                                        \
    ELAAOMS_XO_AGENT_REF_THE_WORD " number|id|no|code? is|'s"
#define ELAAOMS_XO_AGENT_REF_THE                                             \
    "the|this|that " ELAAOMS_XO_AGENT_REF_THE_KIND
#define ELAAOMS_XO_AGENT_REF_THE2                                            \
    "the|this|that _ " ELAAOMS_XO_AGENT_REF_THE_KIND
/* "I see the incident report, it's IR-3306" */
#define ELAAOMS_XO_AGENT_REF_IT                                              \
    "the|this|that " ELAAOMS_XO_AGENT_REF_THE_WORD " , it's|it"
#define ELAAOMS_XO_AGENT_REF_IT2                                             \
    "the|this|that _ " ELAAOMS_XO_AGENT_REF_THE_WORD " , it's|it"


/*
 * a reference handed out without a verb: "Confirmation number BV-55817.",
 * "Ticket 88-20417."
 */
#define ELAAOMS_XO_AGENT_REF_NOUN                                            \
    "ticket|claim|case|reference|confirmation|booking|tracking|rma|"        \
    "incident|policy|loan|member|account|work|order|reservation|plate|"    \
    "permit|badge|locker "                                                 \
    "number|id|no|code? is? #"

/* someone set to see the caller at a time: "Dr. Ahmadi can see you at
 * 9:40", "the inspector will meet you Friday at 10" */
#define ELAAOMS_XO_AGENT_SEE                                                 \
    "see|meet|fit|squeeze|take you"


/* a day or time set for the caller, kept with a number: "Sure, 1 to 5
 * starting Monday the 2nd", "Our Tuesday group meets at 6:30" */
#define ELAAOMS_XO_AGENT_WHEN                                                \
    "monday*|tuesday*|wednesday*|thursday*|friday*|saturday*|sunday*|"      \
    "weekday*|weekend*|morning*|afternoon*|evening*|tonight|tomorrow|"      \
    "starting|starts"

/* the person set to serve the caller, kept without a number: "Your aide
 * will be Fatima", "Saturday at 10 with Mr. Ostrowski" */
#define ELAAOMS_XO_AGENT_WHO                                                 \
    "your aide|caregiver|carer|nurse|teacher|instructor|tutor|technician|"  \
    "tech|driver|advisor|adviser|specialist|coordinator|contact|rep|"       \
    "representative|therapist|trainer|coach|doctor|planner|installer|"      \
    "inspector|stylist|groomer|agent|attorney|lawyer|paralegal|"            \
    "counselor|case|account manager? will be|is|'s @"

#define ELAAOMS_XO_AGENT_WITH                                                \
    "with mr|mrs|ms|miss|dr|doctor|nurse|coach|teacher @?"


/*
 * the agent's words for the caller, the agent and the company: "The
 * agent", not "The company", so that a question about the caller's
 * company does not find what the agent did
 */
static const char *
elaaoms_xo_agent_person(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *map[][2] = {
        { "your", "the caller's" }, { "you", "the caller" },
        { "yours", "the caller's" }, { "you're", "the caller is" },
        { "you've", "the caller has" }, { "you'll", "the caller will" },
        { "you'd", "the caller would" }, { "my", "the agent's" },
        { "our", "the company's" }, { "me", "the agent" },
        { "us", "the company" }, { "i", "the agent" },
        { "we", "the company" }, { "i'd", "the agent would" },
        { "i'm", "the agent is" }, { "i'll", "the agent will" },
        { "i've", "the agent has" }, { "we're", "the company is" },
        { "we'll", "the company will" }, { "we'd", "the company would" },
        { "we've", "the company has" }, { "myself", "personally" },
        { "ourselves", "personally" }, { "yourself", "the caller" },
        { NULL, NULL }
    };
    size_t  k;

    for (k = 0; map[k][0]; k++) {
        if (elaaoms_xo_tok_is(st, i, map[k][0], strlen(map[k][0]), 0)) {
            return map[k][1];
        }
    }

    return NULL;
}


/* a past form: "opened", "refunded", or one of the common irregular ones */
static int
elaaoms_xo_agent_past(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *irregular[] = {
        "sent", "set", "put", "made", "got", "given", "paid",
        "done", "taken", "written", "found", "left", "built", NULL
    };
    const char  *w;
    size_t       n;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }

    w = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;

    if (n > 3 && elaaoms_ascii_tolower((unsigned char) w[n - 2]) == 'e'
        && elaaoms_ascii_tolower((unsigned char) w[n - 1]) == 'd')
    {
        return 1;
    }

    return elaaoms_xo_in_list(st, i, irregular);
}


/* word i is a clock time: "4:15", "9am", "10 pm" */
static int
elaaoms_xo_agent_clock(const elaaoms_xo_sent_t *st, size_t i)
{
    const char  *w;
    size_t       n;

    if (i >= st->ntok || !elaaoms_xo_match(st, i, "#", NULL)) {
        return 0;
    }

    w = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;

    return (n > 2 && (strncasecmp(w + n - 2, "am", 2) == 0
                      || strncasecmp(w + n - 2, "pm", 2) == 0))
           || elaaoms_xo_match(st, i + 1, "am|pm|a.m.|p.m.", NULL)
           || (i + 2 < st->ntok && elaaoms_xo_is_punct(st, i + 1)
               && *elaaoms_xo_tok_p(st, i + 1) == ':'
               && elaaoms_xo_tok_p(st, i + 1) == w + n
               && elaaoms_xo_match(st, i + 2, "#", NULL));
}


/* a word of [from, to) is a name: capitalized, not "I" or "I've" */
static int
elaaoms_xo_agent_named(const elaaoms_xo_sent_t *st, size_t from, size_t to)
{
    size_t  i;

    for (i = from; i < to && i < st->ntok; i++) {
        if (!st->tok[i].punct
            && elaaoms_ascii_upper((unsigned char) *elaaoms_xo_tok_p(st, i))
            && !elaaoms_xo_match(st, i, "i|i'm|i've|i'll|i'd", NULL))
        {
            return 1;
        }
    }

    return 0;
}


/* a word of [from, to) holds a digit */
int
elaaoms_xo_agent_has_value(const elaaoms_xo_sent_t *st, size_t from,
    size_t to)
{
    size_t  i, k;

    for (i = from; i < to && i < st->ntok; i++) {
        for (k = 0; k < st->tok[i].len; k++) {
            if (elaaoms_ascii_digit((unsigned char)
                                    elaaoms_xo_tok_p(st, i)[k]))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* word i is a reference, not a count: "TMK-3918", "48213", not "3 days" */
static int
elaaoms_xo_agent_is_code(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       k, digits;
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, i);
    digits = 0;
    for (k = 0; k < st->tok[i].len; k++) {
        digits += elaaoms_ascii_digit((unsigned char) p[k]) != 0;
    }

    return digits > 0 && (digits >= 4 || digits < st->tok[i].len);
}


/*
 * "your leak call number is LK-5520", "your financial agreement number is
 * FA-2291": any one or two words naming it, when a code follows
 */
static int
elaaoms_xo_agent_ref_any(const elaaoms_xo_sent_t *st, long *at, size_t *end)
{
    static const char  *pats[] = {
        "your _ number|# is|'s", "your _ _ number|# is|'s",
        /* "your reference number for the appeal is BIL-5519" */
        "your _ number|# for|on the|this|your _ is", NULL
    };
    size_t              k;

    for (k = 0; pats[k] != NULL; k++) {
        *at = elaaoms_xo_find(st, 0, pats[k], end);
        if (*at >= 0 && elaaoms_xo_agent_is_code(st, *end)) {
            return 1;
        }
    }

    return 0;
}


/* "the refund reference is", "the incident number is": where (*at, *end) */
static int
elaaoms_xo_agent_ref_the(const elaaoms_xo_sent_t *st, long *at, size_t *end)
{
    static const char  *pats[] = {
        ELAAOMS_XO_AGENT_REF_THE, ELAAOMS_XO_AGENT_REF_THE2,
        ELAAOMS_XO_AGENT_REF_IT, ELAAOMS_XO_AGENT_REF_IT2, NULL
    };
    size_t              k;

    for (k = 0; pats[k] != NULL; k++) {
        *at = elaaoms_xo_find(st, 0, pats[k], end);
        if (*at >= 0) {
            /* "it is": the verb after "it" */
            if (elaaoms_xo_match(st, *end, "is", NULL)) {
                (*end)++;
            }
            return 1;
        }
    }

    return 0;
}


/*
 * words [from, to) name a health or safety need ("I'll add a latex
 * allergy to your chart", "I've noted the wheelchair"): worth keeping
 * without a number
 */
int
elaaoms_xo_agent_health(const elaaoms_xo_sent_t *st, size_t from, size_t to)
{
    const char  *p;

    if (from >= to || to > st->ntok) {
        return 0;
    }

    p = elaaoms_xo_tok_p(st, from);

    return elaaoms_memory_rules_health(p, (size_t) (elaaoms_xo_tok_p(st, to - 1)
                                       + st->tok[to - 1].len - p));
}


/*
 * words [from, to) start with something the agent sends, waives or
 * hands on ("I'll send the bereavement forms to your email", "I'll
 * waive the late fee", "I'll escalate this to our fraud team"): a
 * promise worth keeping without a number
 */
static int
elaaoms_xo_agent_deliverable(const elaaoms_xo_sent_t *st, size_t from,
    size_t to)
{
    size_t  i, k;

    if (from + 1 >= to) {
        return 0;
    }

    /* "We'll re-treat it at no charge": a concession, whatever the verb */
    if (elaaoms_xo_find(st, from, "no|free charge|cost", NULL) >= 0
        || elaaoms_xo_find(st, from, "free of charge", NULL) >= 0
        || elaaoms_xo_find(st, from, "for free", NULL) >= 0
        || elaaoms_xo_find(st, from, "on the house", NULL) >= 0
        || elaaoms_xo_find(st, from, "complimentary", NULL) >= 0)
    {
        return 1;
    }

    if (elaaoms_xo_match(st, from, "waive|reverse|refund|escalate|expedite|"
                         "replace|freeze|unfreeze|block|unblock|reissue|"
                         "comp|credit|discount|void|appeal|correct|adjust|"
                         "reimburse|compensate", NULL))
    {
        return 1;
    }

    /* done already: "I've waived the late fee", "we've removed it" */
    if (elaaoms_xo_match(st, from, "waived|reversed|refunded|escalated|"
                         "expedited|replaced|froze|frozen|unfroze|blocked|"
                         "unblocked|reissued|comped|credited|discounted|"
                         "voided|appealed|corrected|adjusted|removed|"
                         "cancelled|canceled|reimbursed|compensated", NULL))
    {
        return 1;
    }

    /* "I've set your notices to phone calls", "updated the work order to
     * the back wall": what the caller's record says from now on */
    if (elaaoms_xo_match(st, from, "set|switched|changed|updated|moved|"
                         "switch|change|update|move", NULL)
        && elaaoms_xo_find(st, from + 1, "to", NULL) >= 0)
    {
        return 1;
    }

    /* "I'll take last night off your bill", "... and knock $20 off the
     * total": a credit */
    for (i = from; i + 2 < to; i++) {
        if (elaaoms_xo_match(st, i, "take|knock", NULL)) {
            for (k = i + 1; k + 1 < to; k++) {
                if (elaaoms_xo_match(st, k, "off the|your bill|invoice|"
                                            "balance|charge|total|"
                                            "statement", NULL))
                {
                    return 1;
                }
            }
        }
    }

    /* "I'll issue a correction", "... a refund": the same, as a noun */
    if (elaaoms_xo_match(st, from, "issue|process|file|submit a|an|the? "
                         "correction|refund|credit|appeal|adjustment|"
                         "reimbursement", NULL))
    {
        return 1;
    }

    /* a thing sent, not a person dispatched */
    if (!elaaoms_xo_match(st, from, "send|mail|email|e-mail|ship|post|"
                          "courier", NULL))
    {
        return 0;
    }

    for (i = from + 1; i < to; i++) {
        if (elaaoms_xo_match(st, i, "form|forms|document*|paperwork|letter*|"
                             "label*|replacement*|card|cards|check|cheque|"
                             "voucher*|coupon*|confirmation|statement*|"
                             "invoice*|receipt*|kit|kits|package|parcel|"
                             "link|contract|agreement|brochure|quote",
                             NULL))
        {
            return 1;
        }
    }

    return 0;
}


/* the verb at i after a subject that became the third person */
static void
elaaoms_xo_agent_third(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t i)
{
    static const char  *irregular[][2] = {
        { "have", "has" }, { "am", "is" }, { "are", "is" }, { "were", "was" },
        { "do", "does" }, { "go", "goes" }, { NULL, NULL }
    };
    size_t  k;

    for (k = 0; irregular[k][0]; k++) {
        if (elaaoms_xo_match(st, i, irregular[k][0], NULL)) {
            elaaoms_xo_puts(b, irregular[k][1]);
            return;
        }
    }

    elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
    elaaoms_xo_puts(b, "s");
}


/*
 * words [from, to) name the day it will be done ("our tech will be out
 * Friday"): what one of the company's people will do, worth keeping
 */
static int
elaaoms_xo_agent_day(const elaaoms_xo_sent_t *st, size_t from, size_t to)
{
    size_t  i;

    for (i = from; i < to; i++) {
        if (elaaoms_xo_match(st, i, "monday|tuesday|wednesday|thursday|"
                             "friday|saturday|sunday|tomorrow|tonight|"
                             "today", NULL))
        {
            return 1;
        }
    }

    return 0;
}


/* words [from, to) with the agent's pronouns turned around */
void
elaaoms_xo_agent_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from, size_t to)
{
    size_t       i;
    const char  *w;

    for (i = from; i < to; i++) {
        if (i > from && st->tok[i].off > st->tok[i - 1].off
                                         + st->tok[i - 1].len)
        {
            elaaoms_xo_puts(b, " ");
        }

        w = elaaoms_xo_agent_person(st, i);
        if (w) {
            elaaoms_xo_puts(b, w);

        } else if (i > from
                   && ((elaaoms_xo_match(st, i - 1, "you", NULL)
                        && elaaoms_xo_match(st, i, "need|want|prefer|like|"
                                                   "have|are|were|do|use|"
                                                   "live|work|speak|own|"
                                                   "rent|go", NULL))
                       || (elaaoms_xo_match(st, i - 1, "i", NULL)
                           && elaaoms_xo_match(st, i, "see|have|am|do|need|"
                                                      "want|think|know|show",
                                               NULL))))
        {
            /* "you need" -> "the caller needs", "I see" -> "the agent
             * sees" */
            elaaoms_xo_agent_third(b, st, i);

        } else {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        }
    }
}


/*
 * The words around a number that make it an amount: a pattern
 * (elaaoms_xo_match()) at the number's index plus "at".
 */
static const struct {
    int          at;
    const char  *pattern;
} elaaoms_xo_amount_words[] = {
    { 1, "dollars|dollar|bucks|euros|pounds|usd" },
    { 1, "a|per month|year|week|night|person|head|seat|user|visit|hour|day" },
    /* "75 per flight", "2,800 total" */
    { 1, "per _" },
    { 1, "total|extra|flat|apiece|each" },
    /* "6.25 percent for 45 days": a rate */
    { 1, "percent|%|apr" },
    /* "costs 45", "adds 300" */
    { -1, "costs|cost|runs|run|totals|totaling|totalling|charge|charges" },
    { -1, "adds|add|plus|extra|additional" },
    /* "come to 389", "a payment of 142.60" */
    { -2, "comes|come|came to" },
    { -2, "total|price|fee|cost|estimate|quote|payment|charge|bill|balance|"
          "credit|refund|deposit is|of|was" },
};


/* a number in words */
#define ELAAOMS_XO_SPELLED                                                   \
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"       \
    "fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"        \
    "hundred|thousand"


/* word i is an amount: "$189", "189 dollars", "45 bucks", "15 a month" */
static int
elaaoms_xo_agent_amount(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       k;
    const char  *w;

    /* "ten percent off", "fifty dollars": spelled, with its unit */
    if (!elaaoms_xo_agent_has_value(st, i, i + 1)) {
        return elaaoms_xo_match(st, i, ELAAOMS_XO_SPELLED " "
                                "dollars|dollar|bucks|euros|pounds|percent|"
                                "grand", NULL);
    }

    w = elaaoms_xo_tok_p(st, i);
    if (w[0] == '$' || (w > st->s && w[-1] == '$')) {
        return 1;
    }

    for (k = 0; k < sizeof(elaaoms_xo_amount_words)
                    / sizeof(elaaoms_xo_amount_words[0]); k++)
    {
        if ((long) i + elaaoms_xo_amount_words[k].at >= 0
            && elaaoms_xo_match(st, i + elaaoms_xo_amount_words[k].at,
                                elaaoms_xo_amount_words[k].pattern, NULL))
        {
            return 1;
        }
    }

    return 0;
}


/* the words of a pitch: "by the way, we also offer ..." */
static const char  *elaaoms_xo_pitch[] = {
    "also offer|have|sell", "by the way", "did you know",
    "we're|we are running", "promotion|promo|special|deal", NULL
};


/* "That's $129 a month", "It's $95 for the car": says what only with
   the sentence before */
static int
elaaoms_xo_agent_anaphora(const elaaoms_xo_sent_t *st)
{
    return elaaoms_xo_match(st, 0, "that's|that|it's|it|which|this|those|"
                                   "these|they're", NULL);
}


/*
 * The sentence before, and ". ", when st refers back to it and it is no
 * question ("Would you like the annual plan? It's 149 a year."); returns
 * 1 when written
 */
static int
elaaoms_xo_agent_antecedent(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    const elaaoms_xo_sent_t *prev)
{
    size_t             pto;
    elaaoms_xo_sent_t  said;

    if (!elaaoms_xo_agent_anaphora(st) || prev == NULL || prev->ntok == 0
        || prev->s[prev->n - 1] == '?')
    {
        return 0;
    }

    pto = prev->ntok;
    while (pto > 0 && prev->tok[pto - 1].punct) {
        pto--;
    }

    /* "Of course. That's $64 for the month": nothing to refer back to */
    elaaoms_xo_strip(prev, 0, pto, &said);
    if (said.ntok == 0) {
        return 0;
    }

    elaaoms_xo_agent_words(b, prev, 0, pto);
    elaaoms_xo_puts(b, ". ");

    return 1;
}


/* a price the agent quotes: the memory, or nothing (b->len 0) */
static void
elaaoms_xo_agent_quote(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t to, const elaaoms_xo_sent_t *prev)
{
    size_t  i, k;

    for (i = 0; i < to; i++) {
        if (elaaoms_xo_agent_amount(st, i)) {
            break;
        }
    }

    /*
     * "The tech found the rear pads are at 2 millimeters", "the crew
     * arrives at 8 am", "1 to 5 starting Monday": a finding or a time
     * set for the caller; "your aide will be Fatima": who serves them
     */
    if (i == to
        && elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_WHO, NULL) < 0
        && !((elaaoms_xo_find(st, 0, "is|are|all set up", NULL) >= 0
              || elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_WHEN, NULL) >= 0
              || elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_WITH, NULL) >= 0
              || elaaoms_xo_find(st, 0, "found|noticed|diagnosed|detected|"
                                        "measured|measures|reads|reading|"
                                        "shows|showing|tested|arrives|"
                                        "arrive|arriving|scheduled|"
                                        "delivers|deliver|delivery|ships|"
                                        "installs|install|installation|"
                                        "pickup|appointment|enrolled|"
                                        "activated|booked|done|noted|"
                                        "updated|changed|covered|plate|"
                                        "plates|vin|serial|"
                                        "warranty|guarantee|guaranteed",
                                 NULL) >= 0
              || elaaoms_xo_find(st, 0, "got it", NULL) >= 0
              /* "ARC-2611, great, I'll attach that to your file": a
                 reference read back */
              || elaaoms_xo_agent_is_code(st, 0)
              || elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_SEE, NULL) >= 0
              || elaaoms_xo_match(st, 0, ELAAOMS_XO_AGENT_REF_NOUN, NULL))
             && elaaoms_xo_agent_has_value(st, 0, to)))
    {
        return;
    }

    /* an offer nobody asked for is the company's pitch, not a quote */
    for (k = 0; elaaoms_xo_pitch[k]; k++) {
        if (elaaoms_xo_find(st, 0, elaaoms_xo_pitch[k], NULL) >= 0) {
            return;
        }
    }

    /*
     * "That's $129 a month" says what only with the sentence before; after
     * a question ("Would you like the annual plan? It's 149 a year.") it
     * is an offer the caller's answer keeps, not a quote
     */
    if (elaaoms_xo_agent_anaphora(st) && prev != NULL && prev->ntok > 0
        && prev->s[prev->n - 1] == '?')
    {
        return;
    }

    elaaoms_xo_puts(b, "The agent said: ");
    elaaoms_xo_agent_antecedent(b, st, prev);
    elaaoms_xo_agent_words(b, st, 0, to);
}


/* the agent's sentence is the memory's quote */
void
elaaoms_xo_agent_quote_is(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t  n;

    n = st->n < sizeof(cx->quote) - 1 ? st->n : sizeof(cx->quote) - 1;
    memcpy(cx->quote, st->s, n);
    cx->quote[n] = '\0';
}


/*
 * An offer with words before it ("It's $95 for the car and an
 * instructor, and I'll do a warm-up drive"): when those refer back, the
 * sentence before says what ("Yes, she can use our Corolla with the dual
 * brake."), and the memory says whose words they are
 */
static void
elaaoms_xo_agent_lead_in(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    const elaaoms_xo_sent_t *prev)
{
    elaaoms_xo_buf_t  before;

    memset(&before, 0, sizeof(before));
    if (elaaoms_xo_agent_antecedent(&before, st, prev)) {
        elaaoms_xo_puts(b, "The agent said: ");
        elaaoms_xo_put(b, before.s, before.len);
    }
}


static void
elaaoms_xo_agent_sentence(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const elaaoms_xo_sent_t *prev)
{
    int                  importance, quote, found, harm;
    long                 at;
    size_t               r, end, from, to;
    elaaoms_xo_buf_t     b;
    elaaoms_xo_sent_t    rest;
    elaaoms_mem_type_e   type;

    if (st->ntok == 0 || st->s[st->n - 1] == '?') {
        return;
    }

    to = st->ntok;
    while (to > 0 && st->tok[to - 1].punct) {
        to--;
    }

    /* "your regular vet, Dr. Haverkamp": a memory of its own */
    elaaoms_xo_agent_relation(cx, st, to);

    memset(&b, 0, sizeof(b));
    from = 0;

    /* "your new ticket is TK-30872" */
    at = elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_REF, &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_REF_FOR, &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_REF_FOR2, &end);
    }
    if ((at >= 0 && elaaoms_xo_agent_has_value(st, end, end + 3))
        || elaaoms_xo_agent_ref_any(st, &at, &end))
    {
        /* "I'm refunding $120 to your card, the reference is TR-58Q":
           what the reference is for came first, with its value */
        if (elaaoms_xo_agent_has_value(st, 0, (size_t) at)) {
            elaaoms_xo_puts(&b, "The agent said: ");
            at = 0;
        }
        elaaoms_xo_agent_words(&b, st, (size_t) at, to);
        from = (size_t) at;

    } else if (elaaoms_xo_agent_ref_the(st, &at, &end)
               && elaaoms_xo_agent_is_code(st, end))
    {
        elaaoms_xo_puts(&b, "The agent said: ");
        if (elaaoms_xo_agent_has_value(st, 0, (size_t) at)) {
            at = 0;
        }
        elaaoms_xo_agent_words(&b, st, (size_t) at, to);
        from = (size_t) at;

    } else {
        for (r = 0; r < sizeof(elaaoms_xo_agent_rules)
                        / sizeof(elaaoms_xo_agent_rules[0]); r++)
        {
            at = elaaoms_xo_find(st, 0, elaaoms_xo_agent_rules[r].pattern,
                                 &end);
            if (at < 0) {
                continue;
            }

            /* "I've opened ...": the memory starts at the verb */
            if (elaaoms_xo_agent_rules[r].past
                && !elaaoms_xo_agent_past(st, end))
            {
                continue;
            }

            /*
             * "I have the 19th at 3:30": a slot offered, when a day or a
             * time follows ("We have 4:15 with Dr. Chen"); "we have just
             * applied": done; "we have 3 technicians": no offer
             */
            if (!elaaoms_xo_agent_rules[r].past
                && elaaoms_xo_match(st, (size_t) at, "i|we|i've|we've have|got",
                                    NULL)
                && (elaaoms_xo_agent_past(st, end)
                    || elaaoms_xo_match(st, end, "just|also|already|been|"
                                                 "no|not|to", NULL)
                    || (elaaoms_xo_find(st, end, "monday*|tuesday*|"
                                                 "wednesday*|thursday*|"
                                                 "friday*|saturday*|sunday*|"
                                                 "tomorrow|today|tonight",
                                        NULL) < 0
                        && elaaoms_xo_find(st, end, "at|the|on #", NULL)
                           < 0
                        && !elaaoms_xo_agent_clock(st, end))))
            {
                continue;
            }

            /* "I can see two charges": the agent looking is no offer;
               "we can look at it Wednesday morning" is one, with its day */
            if (elaaoms_xo_match(st, end, "see|hear|tell|confirm|check|look|"
                                          "understand|imagine|find|not",
                                 NULL)
                && !(elaaoms_xo_match(st, end, "look|check at|over", NULL)
                     && elaaoms_xo_agent_day(st, end, to)))
            {
                continue;
            }

            if (end >= to) {
                continue;
            }

            /* a note is about the caller: "that you need ...", "your" */
            if (elaaoms_xo_agent_rules[r].note
                && !elaaoms_xo_match(st, end, "you|your|you're|you've",
                                     NULL))
            {
                continue;
            }

            /*
             * "That's $64 for the month, I've charged the card on file":
             * the value may come first, then the sentence is kept whole
             */
            if (!elaaoms_xo_agent_rules[r].note
                && !elaaoms_xo_agent_has_value(st, end, to)
                && !elaaoms_xo_agent_health(st, end, to)
                /* "I'm logging it as a fraud report on your account" */
                && !(elaaoms_xo_agent_rules[r].whole
                     && elaaoms_xo_find(st, end, ELAAOMS_XO_AGENT_FRAUD "|"
                                        "security|police|theft|stolen",
                                        NULL) >= 0)
                && !elaaoms_xo_agent_deliverable(st, end, to)
                && !(elaaoms_xo_agent_day(st, end, to)
                     && (elaaoms_xo_agent_rules[r].whole
                         || !elaaoms_xo_agent_has_value(st, 0,
                                                        (size_t) at))))
            {
                if (at == 0 || elaaoms_xo_agent_rules[r].alone
                    || elaaoms_xo_agent_rules[r].whole
                    || !elaaoms_xo_agent_has_value(st, 0, (size_t) at))
                {
                    continue;
                }

                elaaoms_xo_agent_lead_in(&b, st, prev);
                elaaoms_xo_agent_words(&b, st, 0, (size_t) at);
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].mid);
                elaaoms_xo_agent_words(&b, st, end, to);
                from = 0;
                break;
            }

            /* "The ten-lesson package is $520, and you've already paid
               $330": a value before the words is the caller's too */
            if (elaaoms_xo_agent_rules[r].alone && at > 0
                && !elaaoms_xo_agent_rules[r].note
                && elaaoms_xo_agent_has_value(st, 0, (size_t) at))
            {
                elaaoms_xo_puts(&b, "The agent said: ");
                elaaoms_xo_agent_words(&b, st, 0, to);
                from = 0;
                break;
            }

            if (elaaoms_xo_agent_rules[r].whole) {
                /* "Your new total is $265, and it'll be ready September
                   24th": a value said before is part of it */
                if (at > 0 && elaaoms_xo_agent_has_value(st, 0, (size_t) at)) {
                    at = 0;
                }
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].lead);
                elaaoms_xo_puts(&b, " ");
                elaaoms_xo_agent_words(&b, st, (size_t) at, to);
                from = (size_t) at;
                break;
            }

            /* an offer keeps what it is for: "For 25 seats, I can do" */
            from = end;
            if (!elaaoms_xo_agent_rules[r].past
                && !elaaoms_xo_agent_rules[r].alone && at > 0)
            {
                elaaoms_xo_agent_lead_in(&b, st, prev);
                elaaoms_xo_agent_words(&b, st, 0, (size_t) at);
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].mid);
                from = 0;

            } else if (elaaoms_xo_agent_rules[r].past && at > 0
                       && elaaoms_xo_agent_named(st, 1, (size_t) at))
            {
                /* "I'm reassigning you to a different contractor, Pruitt
                   Home Services, and I've booked them for Friday": who
                   "them" are is said first */
                elaaoms_xo_puts(&b, "The agent said: ");
                elaaoms_xo_agent_words(&b, st, 0, to);
                from = 0;
                break;

            } else {
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].lead);
                elaaoms_xo_puts(&b, " ");
            }

            elaaoms_xo_agent_words(&b, st, end, to);
            break;
        }
    }

    /* the fault the agent names for the caller's trouble */
    if (b.len == 0 && cx->caller_spoke && elaaoms_xo_agent_diagnosis(st, to)) {
        elaaoms_xo_agent_issue(cx, st, "The agent diagnosed: ", to,
                               ELAAOMS_XO_IMP_PROBLEM);
        return;
    }

    /* the agent calling the caller's trouble a scam: shared, as the
       caller's own word for it would be */
    if (b.len == 0 && cx->caller_spoke && elaaoms_xo_agent_verdict(st, &to)) {
        elaaoms_xo_agent_issue(cx, st, "The agent said: ", to,
                               ELAAOMS_XO_IMP_SECURITY);
        return;
    }

    /* what the agent found on the caller's property or equipment */
    found = 0;
    if (b.len == 0 && cx->caller_spoke) {
        found = elaaoms_xo_agent_finding(st, to);
        if (found == ELAAOMS_XO_FOUND_DEFECT) {
            elaaoms_xo_agent_issue(cx, st, "The agent found: ", to,
                                   ELAAOMS_XO_IMP_PROBLEM);
            return;
        }
        if (found == ELAAOMS_XO_FOUND_MAKE) {
            elaaoms_xo_puts(&b, "The agent said: ");
            elaaoms_xo_agent_words(&b, st, 0, to);
            from = 0;
        }
    }

    /* "I have Wade's incident report right here, number IR-2041" */
    harm = cx->caller_spoke ? elaaoms_xo_agent_harm_record(st, prev, to) : 0;
    if (b.len == 0 && harm) {
        elaaoms_xo_puts(&b, "The agent said: ");
        elaaoms_xo_agent_words(&b, st, 0, to);
        from = 0;
    }

    /* "Keep her crated tonight": what the agent told the caller to do */
    if (b.len == 0 && elaaoms_xo_agent_advice(cx, st, to)) {
        return;
    }

    quote = 0;
    if (b.len == 0 && cx->caller_spoke) {
        elaaoms_xo_agent_quote(&b, st, to, prev);
        from = 0;
        quote = 1;
    }

    if (b.len == 0) {
        return;
    }

    elaaoms_xo_sub(st, from, to, &rest);
    if (!elaaoms_xo_classify(&rest, 0, 0, &type, &importance)) {
        type = ELAAOMS_MEM_FACTUAL;
        importance = ELAAOMS_XO_IMP_DETAIL;
    }

    /* a price is a fact of the deal, whatever its words sound like, as
       is a make; the agent's "great" is no feeling of the caller's */
    /* the number of a record of harm is shared as the harm is */
    if (harm) {
        type = ELAAOMS_MEM_ISSUE;
        importance = importance > ELAAOMS_XO_IMP_SENSITIVE
                     ? importance : ELAAOMS_XO_IMP_SENSITIVE;

    } else if (quote || found == ELAAOMS_XO_FOUND_MAKE
               || type == ELAAOMS_MEM_EMOTION)
    {
        type = ELAAOMS_MEM_FACTUAL;
    }

    elaaoms_xo_agent_quote_is(cx, st);

    elaaoms_xo_add(cx, type, &b, importance, ELAAOMS_XO_CONF_RULE, 0);
}


void
elaaoms_xo_rule_agent(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t             pos;
    elaaoms_xo_sent_t  sent[2];
    unsigned           k;

    /* the sentence before, for "That's $129 a month" */
    pos = 0;
    k = 0;
    sent[1].ntok = 0;
    while (!cx->nomem
           && elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &sent[k]))
    {
        elaaoms_xo_agent_sentence(cx, &sent[k], &sent[k ^ 1]);
        k ^= 1;
    }
}
