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
 * A sentence counts only when it holds a number, an amount or a code
 * after the words that say who did what; a question never counts.
 */

#include <string.h>

#include "extract/extract_offline_internal.h"
#include "util/ascii.h"


/* who did it, and what the memory starts with */
static const struct {
    const char  *pattern;       /* elaaoms_xo_match() syntax */
    const char  *lead;
    unsigned     past:1;        /* the next word must be a past form */
} elaaoms_xo_agent_rules[] = {
    { "i've|we've just|also|already?", "The agent", 1 },
    { "i|we have just|also|already?", "The agent", 1 },
    { "i|we just|also|already", "The agent", 1 },
    { "i|we can|could do|offer|give", "The agent offered", 0 },
    { "i'll|we'll do|offer|give", "The agent offered", 0 },
    { "i|we will do|offer|give", "The agent offered", 0 },
};

/*
 * a reference the agent hands out: "your new ticket is TK-30872" (not
 * "your order XYZ-789 is late": what the agent says about the caller is
 * no memory)
 */
#define ELAAOMS_XO_AGENT_REF                                                 \
    "your new|updated|replacement ticket|claim|case|reference|confirmation" \
    "|booking|order|tracking|return|rma|incident number|#? is|'s"


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
        { "you've", "the caller has" }, { "my", "the agent's" },
        { "our", "the company's" }, { "me", "the agent" },
        { "us", "the company" }, { "i", "the agent" },
        { "we", "the company" }, { NULL, NULL }
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


/* a word of [from, to) holds a digit */
static int
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


/* words [from, to) with the agent's pronouns turned around */
static void
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
        } else {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        }
    }
}


static void
elaaoms_xo_agent_sentence(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int                  importance;
    long                 at;
    size_t               r, end, from, to, n;
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

    memset(&b, 0, sizeof(b));
    from = 0;

    /* "your new ticket is TK-30872" */
    at = elaaoms_xo_find(st, 0, ELAAOMS_XO_AGENT_REF, &end);
    if (at >= 0 && elaaoms_xo_agent_has_value(st, end, end + 3)) {
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

            if (end >= to) {
                continue;
            }

            /*
             * "That's $64 for the month, I've charged the card on file":
             * the value may come first, then the sentence is kept whole
             */
            if (!elaaoms_xo_agent_has_value(st, end, to)) {
                if (at == 0
                    || !elaaoms_xo_agent_has_value(st, 0, (size_t) at))
                {
                    continue;
                }

                elaaoms_xo_agent_words(&b, st, 0, (size_t) at);
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].past
                                    ? " the agent "
                                    : " the agent offered ");
                elaaoms_xo_agent_words(&b, st, end, to);
                from = 0;
                break;
            }

            /* an offer keeps what it is for: "For 25 seats, I can do" */
            from = end;
            if (!elaaoms_xo_agent_rules[r].past && at > 0) {
                elaaoms_xo_agent_words(&b, st, 0, (size_t) at);
                elaaoms_xo_puts(&b, " the agent offered ");
                from = 0;

            } else {
                elaaoms_xo_puts(&b, elaaoms_xo_agent_rules[r].lead);
                elaaoms_xo_puts(&b, " ");
            }

            elaaoms_xo_agent_words(&b, st, end, to);
            break;
        }
    }

    if (b.len == 0) {
        return;
    }

    elaaoms_xo_sub(st, from, to, &rest);
    if (!elaaoms_xo_classify(&rest, 0, 0, &type, &importance)) {
        type = ELAAOMS_MEM_FACTUAL;
        importance = ELAAOMS_XO_IMP_DETAIL;
    }

    /* the agent's sentence is the quote */
    n = st->n < sizeof(cx->quote) - 1 ? st->n : sizeof(cx->quote) - 1;
    memcpy(cx->quote, st->s, n);
    cx->quote[n] = '\0';

    elaaoms_xo_add(cx, type, &b, importance, ELAAOMS_XO_CONF_RULE, 0);
}


void
elaaoms_xo_rule_agent(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    size_t             pos;
    elaaoms_xo_sent_t  st;

    pos = 0;
    while (!cx->nomem && elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, &st))
    {
        elaaoms_xo_agent_sentence(cx, &st);
    }
}
