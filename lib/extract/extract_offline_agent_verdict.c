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
