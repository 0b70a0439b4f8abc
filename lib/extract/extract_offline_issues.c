/*
 * The offline extractor's issue rules (see extract_offline.h): money
 * (double, unauthorized charges, overcharging), account security, wrong
 * items, no follow-up, refunds, cancellations and things that stopped
 * working.  A reference's own status is in extract_offline_facts.c.
 */

#include <stddef.h>

#include "extract/extract_offline_internal.h"


/* the first pattern of the table that matches, or -1 */
static int
xo_fixed_find(const elaaoms_xo_sent_t *st, const elaaoms_xo_fixed_t *tab,
    long *at, size_t *end)
{
    int  k;

    for (k = 0; tab[k].pat; k++) {
        *at = elaaoms_xo_find(st, 0, tab[k].pat, end);
        if (*at >= 0) {
            return k;
        }
    }
    return -1;
}


void
elaaoms_xo_rule_issues(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    static const elaaoms_xo_fixed_t  money[] = {
        { "double|duplicate charge*|charged|billed|payment*",
          "Reported being charged twice for the same purchase", 8 },
        { "double-charged|double-billed",
          "Reported being charged twice for the same purchase", 8 },
        { "charged|billed me? twice",
          "Reported being charged twice for the same purchase", 8 },
        { "charged|billed me? two times",
          "Reported being charged twice for the same purchase", 8 },
        { "overcharged|overbilled", "Reported being overcharged", 8 },
        { "unauthorized|unauthorised|unrecognized|unrecognised|fraudulent|"
          "unknown charge*|transaction*|payment*|purchase*",
          "Reported an unauthorized charge", 9 },
        { "didn't|never make|authorize|authorise this|that|these? "
          "charge*|purchase*|payment*", "Reported an unauthorized charge", 9 },
        { NULL, NULL, 0 }
    };
    static const elaaoms_xo_fixed_t  security[] = {
        { "hacked|compromised",
          "Reported that their account may be compromised", 9 },
        { "identity theft|stolen",
          "Reported that their account may be compromised", 9 },
        { "locked out", "Is locked out of their account", 7 },
        { "can't|cannot|couldn't log|sign in|into|on",
          "Cannot log in to their account", 7 },
        { NULL, NULL, 0 }
    };
    static const elaaoms_xo_fixed_t  other[] = {
        { "wrong item|size|color|colour|product|order|thing|one|package|model",
          "Received the wrong item", 7 },
        { "sent|shipped|gave me? the|a wrong", "Received the wrong item", 7 },
        { "nobody|noone called|emailed|got|followed|responded|replied|"
          "contacted", "Was not followed up with after an earlier contact",
          7 },
        { "no one called|emailed|got|followed|responded|replied|contacted",
          "Was not followed up with after an earlier contact", 7 },
        { "never heard|got back", "Was not followed up with after an "
          "earlier contact", 7 },
        { "haven't|hasn't heard back|anything",
          "Was not followed up with after an earlier contact", 7 },
        { NULL, NULL, 0 }
    };
    static const elaaoms_xo_fixed_t  *tabs[] = {
        money, security, other, NULL
    };
    static const char  *dets[] = { "my", "the", "our", "this", "their", NULL };
    static const char  *stop[] = {
        "and", "but", "so", "because", "please", "since", "as", NULL
    };

    int                 k, t;
    long                at;
    size_t              end, j, to;
    elaaoms_xo_buf_t    b;

    for (t = 0; tabs[t]; t++) {
        k = xo_fixed_find(st, tabs[t], &at, &end);
        if (k >= 0) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, tabs[t][k].content);
            elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b, tabs[t][k].importance,
                           0.6);
        }
    }

    at = elaaoms_xo_find(st, 0, "refund*", &end);
    if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Asked about a refund");
        elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 8, 0.6);
    }

    at = elaaoms_xo_find(st, 0, "cancel|cancelling|canceling|cancellation",
                         &end);
    if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        if (elaaoms_xo_in_list(st, end, dets)) {
            to = elaaoms_xo_span(st, end, 4, 0, stop);
            elaaoms_xo_puts(&b, "Asked to cancel ");
            elaaoms_xo_put_words(&b, st, end, to);
        } else {
            elaaoms_xo_puts(&b, "Asked about a cancellation");
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 8, 0.6);
    }

    /* "my grinder stopped working" -> "their grinder stopped working" */
    at = elaaoms_xo_find(st, 0, "stopped|stops|quit working", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "isn't|doesn't|won't|not|isnt|doesnt "
                                    "working|work|start|charge|turn", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "broken|broke|defective|faulty", &end);
    }
    if (at >= 0) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        for (j = (size_t) at; j > 0 && (size_t) at - j < 5; j--) {
            if (st->tok[j - 1].punct) {
                break;
            }
            if (elaaoms_xo_in_list(st, j - 1, dets)) {
                break;
            }
        }
        /* only with its subject: "I'm not working today" is no fault */
        if (j > 0 && (size_t) at - j < 5 && !st->tok[j - 1].punct) {
            elaaoms_xo_puts(&b, "Reported that ");
            elaaoms_xo_put_words(&b, st, j - 1, end);
            elaaoms_xo_add(cx, ELAAOMS_MEM_ISSUE, &b, 7, 0.5);
        }
    }
}
