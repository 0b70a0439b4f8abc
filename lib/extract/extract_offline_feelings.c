/*
 * The offline extractor's rules about the caller themselves (see
 * extract_offline.h): preferences (contact, likes and dislikes),
 * emotions, and the relationship (repeat problems and calls, years as a
 * customer, family members handling the account).
 */

#include <stddef.h>
#include <stdio.h>

#include "extract/extract_offline_internal.h"


/* --- preferences -------------------------------------------------------- */

static const char *xo_pref_stop[] = { "but", "because", "since", NULL };


/* "send|call" -> "texted", "called" ... */
static const char *
xo_contact_verb(const elaaoms_xo_sent_t *st, size_t i)
{
    if (elaaoms_xo_match(st, i, "call|phone|ring", NULL)) {
        return "called";
    }
    if (elaaoms_xo_match(st, i, "email|e-mail|mail", NULL)) {
        return "emailed";
    }
    if (elaaoms_xo_match(st, i, "text|sms", NULL)) {
        return "texted";
    }
    if (elaaoms_xo_match(st, i, "message", NULL)) {
        return "messaged";
    }
    return "contacted";
}


/* the words before word i back to a comma or the start: "texts" */
static size_t
xo_subject_start(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *skip[] = {
        "and", "actually", "but", "so", "also", "now", "well", "oh", "ok",
        "okay", "yeah", "yes", "though", "honestly", NULL
    };
    size_t  j;

    for (j = i; j > 0 && i - j < 5 && !st->tok[j - 1].punct; j--) {
        /* void */
    }
    while (j < i && elaaoms_xo_in_list(st, j, skip)) {
        j++;
    }
    return j;
}


void
elaaoms_xo_rule_prefs(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    static const char  *pronouns[] = {
        "it", "that", "this", "them", "you", "your", "those", "these", NULL
    };
    long                at;
    size_t              end, to, from, end2;
    elaaoms_xo_buf_t    b;

    /* "I prefer email over phone calls" */
    at = elaaoms_xo_find(st, 0, "i|i'd|we prefer", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i|we would prefer", &end);
    }
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 10, 0, xo_pref_stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Prefers ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "texts are fine now instead of email", "texts are better than email" */
    at = elaaoms_xo_find(st, 0, "is|are fine|ok|okay|good|better now|for? me? "
                                "instead of", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "is|are better|easier than", &end);
    }
    if (at > 0) {
        from = xo_subject_start(st, (size_t) at);
        to = elaaoms_xo_span(st, end, 5, 0, xo_pref_stop);
        if (from < (size_t) at && to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Prefers ");
            elaaoms_xo_put_words(&b, st, from, (size_t) at);
            elaaoms_xo_puts(&b, " over ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "I'd rather not get phone calls" */
    at = elaaoms_xo_find(st, 0, "i'd|i|we|we'd would? rather", &end);
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 10, 0, xo_pref_stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Would rather ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    /* "please don't call me before noon" */
    at = elaaoms_xo_find(st, 0, "don't|dont|never call|phone|ring|email|"
                                "e-mail|text|message|contact me|us", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "do not call|phone|ring|email|e-mail|text|"
                                    "message|contact me|us", &end);
    }
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 8, 0, xo_pref_stop);
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Does not want to be ");
        elaaoms_xo_puts(&b, xo_contact_verb(st, end - 2));
        if (to > end) {
            elaaoms_xo_puts(&b, " ");
            elaaoms_xo_put_words(&b, st, end, to);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    /* "can you email me when it ships?", "please text me" */
    at = elaaoms_xo_find(st, 0, "can|could|would|will you please? call|phone|"
                                "email|e-mail|text|message me|us", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "please call|phone|email|e-mail|text|"
                                    "message me|us", &end);
    }
    if (at >= 0 && !elaaoms_xo_negated(st, end - 2)) {
        to = elaaoms_xo_span(st, end, 8, 0, xo_pref_stop);
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Wants to be ");
        elaaoms_xo_puts(&b, xo_contact_verb(st, end - 2));
        if (to > end) {
            elaaoms_xo_puts(&b, " ");
            elaaoms_xo_put_words(&b, st, end, to);
        }
        elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    at = elaaoms_xo_find(st, 0, "send me a|an text|email|e-mail|sms|message",
                         &end);
    if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Wants to be ");
        elaaoms_xo_puts(&b, xo_contact_verb(st, end - 1));
        elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
    }

    /* "I really like dark roast", "I can't stand hold music" */
    at = elaaoms_xo_find(st, 0, "i|we really|absolutely|just? like|love|enjoy",
                         &end);
    if (at >= 0 && !elaaoms_xo_in_list(st, end, pronouns)) {
        to = elaaoms_xo_span(st, end, 6, 0, xo_pref_stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Likes ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    at = elaaoms_xo_find(st, 0, "i|we really? hate|dislike|detest", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i|we don't|do|can't|cannot|really not? "
                                    "like|stand", &end);
        if (at >= 0
            && elaaoms_xo_match(st, (size_t) at + 1, "do|really", NULL)
            && !elaaoms_xo_match(st, (size_t) at + 2, "not|don't", NULL))
        {
            at = -1;        /* "I do like", "I really like" are not dislikes */
        }
    }
    if (at >= 0 && !elaaoms_xo_in_list(st, end, pronouns)) {
        to = elaaoms_xo_span(st, end, 6, 0, xo_pref_stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Dislikes ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }

    at = elaaoms_xo_find(st, 0, "i'm|am a|an big|huge? fan of", &end2);
    if (at >= 0) {
        to = elaaoms_xo_span(st, end2, 6, 0, xo_pref_stop);
        if (to > end2) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Is a fan of ");
            elaaoms_xo_put_words(&b, st, end2, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, 6, 0.6);
        }
    }
}


/* --- emotions ----------------------------------------------------------- */

void
elaaoms_xo_rule_emotions(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    static const elaaoms_xo_fixed_t  neg[] = {
        { "frustrat*", "Was frustrated", 4 },
        { "upset", "Was upset", 4 },
        { "angry|furious|livid|mad", "Was angry", 4 },
        { "annoy*", "Was annoyed", 4 },
        { "disappoint*", "Was disappointed", 4 },
        { "fed up", "Was fed up", 4 },
        { "worried|worrying|anxious|stressed", "Was worried", 4 },
        { "confused|confusing", "Was confused", 4 },
        { "unacceptable|ridiculous|terrible|awful|outrageous",
          "Found the situation unacceptable", 4 },
        { NULL, NULL, 0 }
    };
    static const elaaoms_xo_fixed_t  pos[] = {
        { "great|wonderful|excellent|awesome|amazing|fantastic|perfect|"
          "helpful|happy|pleased|glad|relieved|appreciate*",
          "Was pleased with the help they got", 3 },
        { NULL, NULL, 0 }
    };
    int                 k;
    long                at;
    size_t              end;
    elaaoms_xo_buf_t    b;

    for (k = 0; neg[k].pat; k++) {
        at = elaaoms_xo_find(st, 0, neg[k].pat, &end);
        if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, neg[k].content);
            if (cx->last_ref) {
                elaaoms_xo_puts(&b, " about ");
                elaaoms_xo_ref_name(&b, cx->last_ref, 1);
            }
            elaaoms_xo_add(cx, ELAAOMS_MEM_EMOTION, &b, neg[k].importance,
                           0.5);
            break;
        }
    }

    at = elaaoms_xo_find(st, 0, pos[0].pat, &end);
    if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, pos[0].content);
        elaaoms_xo_add(cx, ELAAOMS_MEM_EMOTION, &b, pos[0].importance, 0.5);
    }
}


/* --- relationship ------------------------------------------------------- */

void
elaaoms_xo_rule_relationship(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st)
{
    static const char  *ordinals =
        "second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|umpteenth";
    static const char  *stop[] = { "and", "but", "so", "because", "now", NULL };
    char                pat[160];
    long                at;
    size_t              end, to;
    int                 again_problem;
    elaaoms_xo_buf_t    b;

    /* a problem happening again */
    snprintf(pat, sizeof(pat), "%s time this|it|that has? happen*", ordinals);
    at = elaaoms_xo_find(st, 0, pat, &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "happen*|happening again", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "keeps|kept happening", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "same problem|issue again", &end);
    }
    again_problem = at >= 0;
    if (again_problem) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Says the problem has happened before");
        elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    /* repeat calls */
    at = -1;
    if (!again_problem && elaaoms_xo_find(st, 0, "again", &end) >= 0
        && (elaaoms_xo_find(st, 0, "call*|phoning|ringing", NULL) >= 0
            || elaaoms_xo_find(st, 0, "it's", NULL) >= 0
            || elaaoms_xo_find(st, 0, "it is", NULL) >= 0
            || elaaoms_xo_find(st, 0, "this is", NULL) >= 0))
    {
        at = 0;
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "calling|called|call back", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "already called|phoned|contacted|spoke|"
                                    "talked|emailed", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "called|phoned|contacted before", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "called|phoned|contacted you|here|us "
                                    "before", &end);
    }
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "called|phoned|contacted you|here|us? _ "
                                    "times", &end);
    }
    if (at < 0) {
        snprintf(pat, sizeof(pat), "%s time i|i've|i'm|calling|call*",
                 ordinals);
        at = elaaoms_xo_find(st, 0, pat, &end);
    }
    if (at >= 0) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "Has called before");
        elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    /* "customer for ten years", "member since 2015" */
    at = elaaoms_xo_find(st, 0, "customer|member|client|subscriber|patient "
                                "for|since", &end);
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 4, 0, stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Has been a ");
            elaaoms_xo_put_words(&b, st, (size_t) at, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    } else {
        at = elaaoms_xo_find(st, 0, "been with you|y'all for|since", &end);
        if (at >= 0) {
            to = elaaoms_xo_span(st, end, 4, 0, stop);
            if (to > end) {
                b = (elaaoms_xo_buf_t) { .len = 0 };
                elaaoms_xo_puts(&b, "Has been a customer ");
                elaaoms_xo_put_words(&b, st, end - 1, to);
                elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
            }
        } else if (elaaoms_xo_find(st, 0, "loyal|long-time|longtime|regular "
                                          "customer|client|member", &end)
                   >= 0)
        {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Is a long-time customer");
            elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    }

    /* family handling the account */
    at = elaaoms_xo_find(st, 0, "my husband|wife|partner|son|daughter|mother|"
                                "mom|father|dad|brother|sister handles|manages|"
                                "pays|does|takes|deals|runs", &end);
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 6, 0, stop);
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_put_words(&b, st, (size_t) at, to);
        elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
    }

    at = elaaoms_xo_find(st, 0, "on behalf of", &end);
    if (at >= 0) {
        to = elaaoms_xo_span(st, end, 4, 0, stop);
        if (to > end) {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "Calls on behalf of ");
            elaaoms_xo_put_words(&b, st, end, to);
            elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, 5, 0.5);
        }
    }
}
