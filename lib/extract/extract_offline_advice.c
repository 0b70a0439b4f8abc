/*
 * What the agent tells the caller to do, and the people the agent names
 * as the caller's own:
 *
 *   "Keep her crated tonight and take her    The agent told the caller to
 *    to your regular vet in the morning."    keep her crated tonight and
 *                                            take her to the caller's
 *                                            regular vet in the morning.
 *   "... your regular vet, Dr. Haverkamp"    The caller's regular vet is
 *                                            Dr. Haverkamp.
 *
 * An instruction counts once the caller has spoken, and only with what
 * makes it the caller's: a time ("tonight", "every day"), a value, a
 * health need, or enough words to say something ("Call us back if you
 * need anything" and "Have a great day" give nothing).
 */

#include <string.h>

#include "extract/extract_offline_internal.h"
#include "util/ascii.h"


/* the verbs an instruction starts with */
#define XO_ADVICE_VERBS                                                      \
    "keep|take|give|bring|avoid|call|try|put|apply|use|watch|monitor|stop|"  \
    "start|check|turn|unplug|plug|leave|store|feed|rest|ice|elevate|"        \
    "change|replace|clean|reset|restart|wash|soak|wear|drink|eat|skip|"      \
    "limit|remove|switch|shut|open|close|fill|drain|hold|press|make|"        \
    "remember|come|go|send|email|text|schedule|book|expect|follow"

/* words that say when or how often */
#define XO_ADVICE_WHEN                                                       \
    "tonight|tomorrow|today|overnight|morning|mornings|evening|evenings|"    \
    "afternoon|night|nights|daily|weekly|monthly|hours|days|weeks|months|"   \
    "every|twice|until|unless|before|after|now|immediately|asap|"           \
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|first"

/* the caller's people and providers the agent may name */
#define XO_ADVICE_ROLES                                                      \
    "vet|veterinarian|doctor|dentist|physician|pediatrician|surgeon|"       \
    "pharmacist|therapist|lawyer|attorney|accountant|landlord|manager|"     \
    "broker|advisor|adviser|mechanic|contractor|plumber|electrician|"       \
    "cardiologist|dermatologist|optometrist|midwife|"         \
    "caseworker|banker|realtor|agent|sponsor|coach|teacher|contact|"        \
    "foreman|supervisor|technician|tech|installer|driver|coordinator|"      \
    "specialist|rep|representative|nurse|trainer|instructor|tutor|lead|"    \
    "inspector|adjuster|consultant|planner|caregiver|aide|primary|pcp|gp|"  \
    "provider|oncologist|neurologist|psychiatrist|counselor|chiropractor|"  \
    "podiatrist|audiologist|ophthalmologist|orthopedist|allergist|"         \
    "gastroenterologist|urologist|obgyn"


int
elaaoms_xo_agent_advice(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t to)
{
    int                 no;
    size_t              i, v, words;
    elaaoms_xo_buf_t    b;
    elaaoms_xo_sent_t   rest;
    elaaoms_mem_type_e  type;
    int                 importance;

    if (!cx->caller_spoke || to == 0) {
        return 0;
    }

    /* "So, keep ...", "Please don't ...", "And then take ..." */
    for (v = 0; v < to; v++) {
        if (!st->tok[v].punct
            && !elaaoms_xo_match(st, v, "so|okay|ok|please|and|then|just|"
                                        "also|now|alright|right|for|"
                                        "tonight|today|meanwhile", NULL))
        {
            break;
        }
    }

    no = 0;
    if (elaaoms_xo_match(st, v, "don't|dont", NULL)
        || elaaoms_xo_match(st, v, "do not|never", NULL))
    {
        no = 1;
        v += elaaoms_xo_match(st, v, "do not", NULL) ? 2 : 1;
    }

    /*
     * after "don't" any verb ("Don't touch the breaker panel"); "for"
     * right before the word makes it no instruction ("for use at home")
     */
    if (v >= to || st->tok[v].punct
        || (!no && !elaaoms_xo_match(st, v, XO_ADVICE_VERBS, NULL))
        || (v > 0 && elaaoms_xo_match(st, v - 1, "for", NULL))
        || (no && elaaoms_xo_match(st, v, "worry|hesitate|mind|panic|stress",
                                   NULL)))
    {
        return 0;
    }

    /* the agent's own doing or a courtesy: "give me", "call us back",
     * "take care", "hold on" */
    if (v + 1 >= to || elaaoms_xo_match(st, v + 1, "me|us|care|on", NULL)) {
        return 0;
    }

    for (words = 0, i = v; i < to; i++) {
        words += !st->tok[i].punct;
    }

    if (!elaaoms_xo_agent_has_value(st, v, to)
        && !elaaoms_xo_agent_health(st, v, to)
        && elaaoms_xo_find(st, v, XO_ADVICE_WHEN, NULL) < 0
        && words < 6)
    {
        return 0;
    }

    /* "if you need anything", "if you have any questions": a courtesy */
    if (elaaoms_xo_find(st, v, "if you need|have any|anything|questions",
                        NULL) >= 0)
    {
        return 0;
    }

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, no ? "The agent told the caller not to "
                           : "The agent told the caller to ");
    i = b.len;
    elaaoms_xo_agent_words(&b, st, v, to);
    if (i < b.len) {
        b.s[i] = (char) elaaoms_ascii_tolower((unsigned char) b.s[i]);
    }
    elaaoms_xo_puts(&b, ".");

    elaaoms_xo_sub(st, v, to, &rest);
    if (!elaaoms_xo_classify(&rest, 0, 0, &type, &importance)) {
        type = ELAAOMS_MEM_FACTUAL;
        importance = ELAAOMS_XO_IMP_DETAIL;
    }

    elaaoms_xo_agent_quote_is(cx, st);
    elaaoms_xo_add(cx, type, &b, importance, ELAAOMS_XO_CONF_RULE, 0);

    return 1;
}


/*
 * The words from i up to a role word (XO_ADVICE_ROLES) within three:
 * "emergency contact", "regular vet"; *role is the last role word's index
 */
static int
elaaoms_xo_agent_role_at(const elaaoms_xo_sent_t *st, size_t i, size_t to,
    size_t *role)
{
    int     found;
    size_t  k;

    /* the last one: "primary contact", not "primary" */
    found = 0;
    for (k = i; k < i + 3 && k < to && !st->tok[k].punct; k++) {
        if (elaaoms_xo_match(st, k, XO_ADVICE_ROLES, NULL)) {
            *role = k;
            found = 1;
        }
    }

    return found;
}


/* "The caller's emergency contact is Grace Baek", from the words */
static void
elaaoms_xo_agent_role_is(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t role_from, size_t role_to, size_t name, size_t name_end)
{
    elaaoms_xo_buf_t  b;

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, "The caller's ");
    elaaoms_xo_agent_words(&b, st, role_from, role_to);
    elaaoms_xo_puts(&b, " is ");
    elaaoms_xo_agent_words(&b, st, name, name_end);
    elaaoms_xo_puts(&b, ".");

    elaaoms_xo_agent_quote_is(cx, st);
    elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, ELAAOMS_XO_IMP_RELATION,
                   ELAAOMS_XO_CONF_NAMED, 0);
}


/*
 * The agent confirming who now fills a role for the caller: "Grace Baek
 * replaces Min-ho as the emergency contact", "Ruth is now your primary
 * contact"; 1 when kept
 */
static int
elaaoms_xo_agent_replaces(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t to)
{
    long    at;
    size_t  name, end, as, role;

    at = elaaoms_xo_find(st, 0, "replaces|replacing", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "is now the|your", &end);
        if (at < 0) {
            return 0;
        }
        as = end;

    } else {
        /* the one replaced, then "as the emergency contact" */
        as = (size_t) -1;
        for (name = end; name < end + 4 && name + 1 < to; name++) {
            if (elaaoms_xo_match(st, name, "as the|your", &as)) {
                break;
            }
        }
        if (as == (size_t) -1 || name == end) {
            return 0;
        }
    }

    /* the name just before: one to three name words */
    name = (size_t) at;
    while (name > 0 && name + 3 > (size_t) at
           && elaaoms_xo_name_word(st, name - 1, 0))
    {
        name--;
    }
    if (name == (size_t) at || !elaaoms_xo_agent_role_at(st, as, to, &role)) {
        return 0;
    }

    elaaoms_xo_agent_role_is(cx, st, as, role + 1, name, (size_t) at);

    return 1;
}


void
elaaoms_xo_agent_relation(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t to)
{
    size_t            i, role, name, end, len;
    elaaoms_xo_buf_t  b;
    const char       *w;

    if (elaaoms_xo_agent_replaces(cx, st, to)) {
        return;
    }

    for (i = 0; i + 3 < to; i++) {
        if (!elaaoms_xo_match(st, i, "your", NULL)) {
            continue;
        }

        /* "your vet", "your regular vet", "your new primary doctor" */
        for (role = i + 1; role < i + 4 && role < to; role++) {
            if (st->tok[role].punct
                || elaaoms_xo_match(st, role, XO_ADVICE_ROLES, NULL))
            {
                break;
            }
        }
        if (role >= to || role >= i + 4 || st->tok[role].punct) {
            continue;
        }

        /* ", Dr. Haverkamp", ", Marta Ruiz", " Dr. Haverkamp", " is Mateus
         * Ortega-Brandt", " will be Ines" */
        name = role + 1;
        if (name < to && elaaoms_xo_is_punct(st, name)
            && *elaaoms_xo_tok_p(st, name) == ',')
        {
            name++;
        } else if (elaaoms_xo_match(st, name, "is|will be? now?", &end)) {
            name = end;
        }
        end = name;
        if (end < to && elaaoms_xo_match(st, end, "dr|mr|mrs|ms|prof|"
                                                  "doctor", NULL))
        {
            end++;
            if (end < to && elaaoms_xo_is_punct(st, end)
                && *elaaoms_xo_tok_p(st, end) == '.')
            {
                end++;
            }
        }
        while (end < to && !st->tok[end].punct && end < name + 4) {
            w = elaaoms_xo_tok_p(st, end);
            if (!elaaoms_ascii_upper((unsigned char) w[0])) {
                break;
            }
            end++;
        }
        if (end == name || (end > name && st->tok[end - 1].punct)
            || !elaaoms_ascii_upper((unsigned char)
                                    elaaoms_xo_tok_p(st, end - 1)[0]))
        {
            continue;
        }

        /* "your primary, Dr. Achebe's office": the doctor, not whose */
        len = (size_t) (elaaoms_xo_tok_p(st, end - 1) + st->tok[end - 1].len
                        - elaaoms_xo_tok_p(st, name));
        w = elaaoms_xo_tok_p(st, name);
        if (len > 2 && w[len - 2] == '\'' && (w[len - 1] | 0x20) == 's') {
            len -= 2;
        }

        memset(&b, 0, sizeof(b));
        elaaoms_xo_puts(&b, "The caller's ");
        elaaoms_xo_agent_words(&b, st, i + 1, role + 1);
        elaaoms_xo_puts(&b, " is ");
        elaaoms_xo_put(&b, w, len);
        elaaoms_xo_puts(&b, ".");

        elaaoms_xo_agent_quote_is(cx, st);
        elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b,
                       ELAAOMS_XO_IMP_RELATION, ELAAOMS_XO_CONF_NAMED, 0);
        return;
    }
}
