/*
 * The agent's judgment of the caller's trouble (see extract_offline.h):
 * the likely fault ("Sounds like the pump bearings.") and a fraud named
 * ("That's a known scam with resale tickets."), each an issue; the rest
 * of what the agent says is extract_offline_agent.c's.
 */

#include <string.h>

#include "extract/extract_offline_internal.h"


/*
 * "Sounds like the pump bearings.", "That's usually the hybrid battery.":
 * the agent naming the likely fault, a part and nothing more (no verb:
 * "looks like the payment went through" is no diagnosis)
 */
int
elaaoms_xo_agent_diagnosis(const elaaoms_xo_sent_t *st, size_t to)
{
    size_t  i, end;

    if (!elaaoms_xo_match(st, 0, "sounds|looks|seems like the|a|an|your",
                          &end)
        && !elaaoms_xo_match(st, 0, "that's|it's usually|probably|likely|"
                                    "definitely the|a|an|your", &end)
        && !elaaoms_xo_match(st, 0, "that's|it's most|almost likely|"
                                    "certainly the|a|an|your", &end))
    {
        return 0;
    }

    if (end >= to || to - end > 4) {
        return 0;
    }

    for (i = end; i < to; i++) {
        if (st->tok[i].punct
            || elaaoms_xo_match(st, i, "is|are|was|were|went|has|have|had|"
                                       "will|would|can|could|did|does|do|"
                                       "be|been|got|gets|going|plan|deal|"
                                       "idea|good|great|fine|fun|lot|bit|"
                                       "job|jobs|day|days|hour|hours|week|"
                                       "weeks|minute|minutes|three-day|"
                                       "two-day|one-day|half-day",
                                NULL))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * What the agent found on the caller's property or equipment, kept with
 * its words: a thing identified by make ("First, the electrical panel is
 * a Federal Pacific Stab-Lok."; ELAAOMS_XO_FOUND_MAKE), or a defect, a
 * finding or a test result ("there's a step crack in the block foundation
 * wall", "The camera found root intrusion at about thirty-eight feet",
 * "the lead test came back positive"; ELAAOMS_XO_FOUND_DEFECT).  Not "I
 * found your account", nor "there's no leak".  0 when it is neither.
 */
/* what should have been done for the caller */
#define XO_UNDONE                                                             \
    "filed|paid|submitted|sent|processed|renewed|recorded|deposited|"        \
    "delivered|shipped|returned|approved|cashed|registered|applied|posted|"  \
    "credited|refunded|cancelled|canceled|activated|transferred"

int
elaaoms_xo_agent_finding(const elaaoms_xo_sent_t *st, size_t to)
{
    static const char  *defects[] = {
        "crack", "cracks", "cracked", "leak", "leaks", "leaking", "rot",
        "rotted", "mold", "mould", "corrosion", "corroded", "rust", "rusted",
        "damage", "damaged", "hole", "holes", "clog", "clogged", "blockage",
        "intrusion", "infestation", "nest", "fracture", "tear", "torn",
        "short", "scorch", "scorched", "worn", "belly", "sag", "sagging",
        NULL
    };
    static const char  *broke[] = {
        "cracked", "chipped", "shattered", "snapped", "broke", "warped",
        "dented", "scratched", "frayed", "misaligned", "knocked", "seized",
        "broken", "bent", "stripped", "blown", "burnt", "fried",
        NULL
    };
    long                at;
    size_t              i, k, end;

    /* the start, after "First, " or "And third, " */
    for (at = 0; at < 5 && (size_t) at < to; at++) {
        if (elaaoms_xo_match(st, (size_t) at, "the|your", NULL)) {
            break;
        }
    }

    /* "the furnace is a 2004 Carrier": a make or a model */
    if (at < 5 && (size_t) at < to) {
        for (k = (size_t) at + 2; k < to && k <= (size_t) at + 4; k++) {
            if (st->tok[k].punct) {
                break;
            }

            if (elaaoms_xo_match(st, k, "is|are a|an", &end)) {
                if (end < to
                    && (elaaoms_xo_match(st, end, "@|#", NULL)
                        || (end + 1 < to && !st->tok[end].punct
                            && elaaoms_xo_capitalized(st, end + 1))))
                {
                    return ELAAOMS_XO_FOUND_MAKE;
                }
                break;
            }
        }
    }

    /* "the camera found ...", "the test came back positive" */
    if (elaaoms_xo_find(st, 0, "camera|scope|test|tests|inspection|inspector|"
                               "tech|technician|crew|lab|scan|x-ray|x-rays "
                               "found|spotted|detected|showed|shows|"
                               "picked", NULL) >= 0
        || elaaoms_xo_find(st, 0, "came back positive|negative|high|"
                                  "elevated|clean", NULL) >= 0)
    {
        return ELAAOMS_XO_FOUND_DEFECT;
    }

    /* "there's a step crack in the block foundation wall" */
    at = elaaoms_xo_find(st, 0, "there's|there a|an|some", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "there is|are a|an|some", &end);
    }

    if (at >= 0) {
        for (i = end; i < to && i < end + 4 && !st->tok[i].punct; i++) {
            if (elaaoms_xo_in_list(st, i, defects)) {
                return ELAAOMS_XO_FOUND_DEFECT;
            }
        }
    }

    /* "the first quarter sales tax was never filed", "your last payment
       wasn't processed": a thing of the caller's left undone */
    at = elaaoms_xo_find(st, 0, "was|were|has|have|had never|not been? "
                                XO_UNDONE, &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "wasn't|weren't|hasn't|haven't|hadn't "
                                    "been? " XO_UNDONE, &end);
    }
    for (k = at > 0 ? (size_t) at : 0; k > 0 && !st->tok[k - 1].punct; k--) {
        if (elaaoms_xo_match(st, k - 1, "the|your", NULL)) {
            return ELAAOMS_XO_FOUND_DEFECT;
        }
    }

    /* "the glass cracked at the corner", "your torsion spring snapped",
     * "the photo-eyes were knocked out of line" (not "the glass isn't
     * cracked") */
    for (i = 2; i < to; i++) {
        if (!elaaoms_xo_in_list(st, i, broke) || elaaoms_xo_negated(st, i)) {
            continue;
        }

        for (k = i - 1; k + 4 >= i && !st->tok[k].punct; k--) {
            if (elaaoms_xo_match(st, k, "the|your", NULL)) {
                return ELAAOMS_XO_FOUND_DEFECT;
            }
            if (k == 0) {
                break;
            }
        }
    }

    return 0;
}


/*
 * The company's record of harm done to the caller, with its number: "I
 * have Wade's incident report right here, number IR-2041" (harm 1); a
 * number given for the record the sentence before opened ("I'm opening a
 * damage claim right now.  The claim number is CLM-3308.": harm 2).
 * Shared, as the caller's own report of the harm is.  0 otherwise.
 */
#define XO_HARM_RECORD                                                        \
    "incident|damage|injury|accident|safety report|reports|claim|claims|"   \
    "case|cases"

int
elaaoms_xo_agent_harm_record(const elaaoms_xo_sent_t *st,
    const elaaoms_xo_sent_t *prev, size_t to)
{
    size_t  i;

    for (i = 0; i < to && !elaaoms_xo_is_code(st, i); i++) { /* void */ }

    if (i == to) {
        return 0;
    }

    if (elaaoms_xo_find(st, 0, XO_HARM_RECORD, NULL) >= 0) {
        return 1;
    }

    if (prev != NULL && prev->ntok > 0
        && elaaoms_xo_find(prev, 0, XO_HARM_RECORD, NULL) >= 0
        && elaaoms_xo_find(st, 0, "claim|case|report|incident", NULL) >= 0)
    {
        return 2;
    }

    return 0;
}


/*
 * "That's a known scam with resale tickets.", "Sounds like a phishing
 * text", "Two other customers got hit by that same fake page": the agent
 * naming what happened to the caller a fraud.  The sentence ends at the
 * first comma after the word ("..., I'm sorry"); *to is moved there.
 * "That's not a scam" names nothing, nor does "report it as fraud" (what
 * to do, elaaoms_xo_agent_advice()).
 */
int
elaaoms_xo_agent_verdict(const elaaoms_xo_sent_t *st, size_t *to)
{
    static const char  *opens[] = {
        "that's|it's", "that|this|it is|was", "that|it? sounds|looks like",
        /* "That stamp was forged." */
        "that|this _ is|was|were|are",
        NULL
    };
    static const char  *refers[] = {
        "that|this|same " ELAAOMS_XO_AGENT_FRAUD,
        "that|this|same _ " ELAAOMS_XO_AGENT_FRAUD,
        NULL
    };
    long                at;
    size_t              i, k, end;

    /* at the start, after "Okay, ", "Unfortunately", or after a comma
       ("... on pay stations downtown, it's a scam") */
    for (k = 0; opens[k] != NULL; k++) {
        at = elaaoms_xo_find(st, 0, opens[k], &end);
        if (at >= 0
            && (at <= 2 || (st->tok[at - 1].punct
                            && *elaaoms_xo_tok_p(st, at - 1) == ',')))
        {
            break;
        }
    }

    if (opens[k] != NULL) {
        for (i = end; i < *to && i < end + 4; i++) {
            if (st->tok[i].punct
                || elaaoms_xo_match(st, i, "not|never|no|isn't|wasn't", NULL))
            {
                return 0;
            }

            if (elaaoms_xo_match(st, i, ELAAOMS_XO_AGENT_FRAUD, NULL)) {
                break;
            }
        }

        if (i == *to || i == end + 4) {
            return 0;
        }

    } else {
        /* the fraud referred back to: "that same fake page" */
        for (k = 0; refers[k] != NULL; k++) {
            at = elaaoms_xo_find(st, 0, refers[k], &end);
            if (at >= 0) {
                break;
            }
        }

        if (refers[k] == NULL
            || elaaoms_xo_find(st, 0, "not|never|no|isn't|wasn't|don't|"
                                      "if", NULL) >= 0)
        {
            return 0;
        }

        i = end - 1;
    }

    for (i++; i < *to && !st->tok[i].punct; i++) { /* void */ }
    *to = i;

    return 1;
}


/* the agent's words [0, to) about the caller's trouble: an issue */
void
elaaoms_xo_agent_issue(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *lead, size_t to, int importance)
{
    elaaoms_xo_buf_t  b;

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, lead);
    elaaoms_xo_agent_words(&b, st, 0, to);
    elaaoms_xo_agent_quote_is(cx, st);
    elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b, importance,
                   ELAAOMS_XO_CONF_RULE, 0);
}
