/*
 * The offline extractor's templates (see extract_offline.h): phrasings
 * whose memory reads better restructured than in the caller's words --
 * contact wishes ("please don't call me before noon" -> "The caller does
 * not want to be called before noon."), comparisons ("texts are fine now
 * instead of email" -> "The caller prefers texts over email."), repeat
 * calls, and feelings ("That's really frustrating" -> "The caller was
 * frustrated about the delayed order XYZ-789.").
 *
 * Both are tables: a word pattern (elaaoms_xo_match()) and the memory it
 * gives.  A template's words count as said for the clause, so the
 * statement rule adds a memory only for what a template left out.
 */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract_offline_internal.h"


/*
 * A template's content: "{subj}" the words before the match back to the
 * clause start, "{rest}" the words after it (up to 10, to the end of the
 * clause), "{contact}" the participle of the contact word matched
 * ("text" -> "texted").  A template whose {subj} or {rest} would be empty
 * gives nothing.
 */
typedef struct {
    const char          *pat;
    const char          *tmpl;
    elaaoms_mem_type_e   type;
    int                  importance;
    unsigned             negatable:1;   /* nothing when negated */
} xo_template_t;


static const xo_template_t  xo_templates[] = {

    /* comparisons */
    { "is|are fine|ok|okay|good|better now|for? me? instead of",
      "The caller prefers {subj} over {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 0 },
    { "is|are better|easier|best than",
      "The caller prefers {subj} over {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 0 },

    /* contact wishes */
    { "don't|dont|never call|phone|ring|email|e-mail|text|message|contact "
      "me|us", "The caller does not want to be {contact} {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 0 },
    { "do not call|phone|ring|email|e-mail|text|message|contact me|us",
      "The caller does not want to be {contact} {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 0 },
    { "can|could|would|will you please? call|phone|email|e-mail|text|"
      "message me|us", "The caller wants to be {contact} {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 1 },
    { "please call|phone|email|e-mail|text|message me|us",
      "The caller wants to be {contact} {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 1 },
    { "just? call|phone|email|e-mail|text|message me|us instead",
      "The caller wants to be {contact} instead {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 1 },
    { "send me a|an text|email|e-mail|sms|message",
      "The caller wants to be {contact} {rest}",
      ELAAOMS_MEM_PREFERENCE, ELAAOMS_XO_IMP_PREFERENCE, 1 },

    /* repeat calls ("I'm calling back about", not "I'll call back
       later") */
    { "calling|called back", "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "calling|call|called|phoning|ringing again",
      "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "it's|it is? _ again", "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "this is _ again", "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "already called|phoned|contacted|spoke|talked|emailed",
      "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "called|phoned|contacted you|here|us? before",
      "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "called|phoned|contacted you|here|us? _ times",
      "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },
    { "second|third|fourth|fifth|2nd|3rd|4th|5th|umpteenth time "
      "i|i've|i'm|calling|call*", "The caller has called before",
      ELAAOMS_MEM_RELATIONSHIP, ELAAOMS_XO_IMP_RELATION, 0 },

    { NULL, NULL, 0, 0, 0 }
};


/* "send|call" -> "texted", "called" ... */
static const char *
xo_contact_verb(const elaaoms_xo_sent_t *st, size_t from, size_t to)
{
    static const char  *verbs[][2] = {
        { "call|phone|ring", "called" }, { "email|e-mail|mail", "emailed" },
        { "text|sms", "texted" }, { "message", "messaged" }, { NULL, NULL }
    };
    size_t  i, k;

    for (i = from; i < to; i++) {
        for (k = 0; verbs[k][0]; k++) {
            if (elaaoms_xo_match(st, i, verbs[k][0], NULL)) {
                return verbs[k][1];
            }
        }
    }
    return "contacted";
}


/* the words before word i back to a comma or the clause start */
static size_t
xo_subject_start(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *skip[] = {
        "and", "actually", "but", "so", "also", "now", "well", "oh", "ok",
        "okay", "yeah", "yes", "though", "honestly", NULL
    };
    size_t  j;

    /* "I use a hearing aid so text is better": back to "so", not past */
    for (j = i;
         j > 0 && i - j < 5 && !st->tok[j - 1].punct
         && !elaaoms_xo_match(st, j - 1, "so|because|since|and|but|or|that|"
                                         "which|cause|cuz", NULL);
         j--)
    {
        /* void */
    }
    while (j < i && elaaoms_xo_in_list(st, j, skip)) {
        j++;
    }
    return j;
}


static void
xo_template(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const xo_template_t *t, size_t at, size_t end)
{
    static const char  *stop[] = { "but", "because", "since", NULL };
    size_t              from, to;
    const char         *p, *q;
    elaaoms_xo_buf_t    b;

    /* "please call me Dr. Okafor" names the caller (the name rule) */
    if (strstr(t->tmpl, "{contact}")
        && elaaoms_xo_match(st, end, "mr|mrs|ms|mx|dr|prof|miss", NULL))
    {
        return;
    }

    from = xo_subject_start(st, at);
    to = elaaoms_xo_span(st, end, 10, 0, stop);

    b = (elaaoms_xo_buf_t) { .len = 0 };

    for (p = t->tmpl; *p; p = q) {
        q = strchr(p, '{');
        if (q == NULL) {
            elaaoms_xo_puts(&b, p);
            break;
        }
        elaaoms_xo_put(&b, p, (size_t) (q - p));

        if (strncmp(q, "{subj}", 6) == 0) {
            if (from == at) {
                return;
            }
            elaaoms_xo_put_words(&b, st, from, at);
            q += 6;

        } else if (strncmp(q, "{rest}", 6) == 0) {
            if (to == end) {
                /* an optional tail: "does not want to be called" */
                if (strstr(t->tmpl, "{contact}") == NULL) {
                    return;
                }
                while (b.len > 0 && b.s[b.len - 1] == ' ') {
                    b.s[--b.len] = '\0';
                }
            } else {
                elaaoms_xo_put_words(&b, st, end, to);
            }
            q += 6;

        } else if (strncmp(q, "{contact}", 9) == 0) {
            elaaoms_xo_puts(&b, xo_contact_verb(st, at, end));
            q += 9;

        } else {
            elaaoms_xo_puts(&b, "{");
            q++;
        }
    }

    elaaoms_xo_add(cx, t->type, &b, t->importance, ELAAOMS_XO_CONF_RULE, 1);
}


void
elaaoms_xo_rule_templates(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl)
{
    long                     at;
    size_t                   end;
    int                      repeat_call;
    const xo_template_t     *t;
    const elaaoms_xo_sent_t *st = &cl->st;

    repeat_call = 0;

    for (t = xo_templates; t->pat; t++) {
        at = elaaoms_xo_find(st, 0, t->pat, &end);
        if (at < 0 || (t->negatable && elaaoms_xo_negated(st, (size_t) at))) {
            continue;
        }

        /* one "has called before" a clause */
        if (t->type == ELAAOMS_MEM_RELATIONSHIP) {
            if (repeat_call++) {
                continue;
            }
        }

        xo_template(cx, st, t, (size_t) at, end);
    }
}


/* --- feelings ----------------------------------------------------------- */

/*
 * A feeling word and how the memory names it ("frustrating" ->
 * "frustrated"); a NULL word keeps the caller's own.  "found" entries
 * judge the situation ("The caller found the situation unacceptable.").
 */
typedef struct {
    const char  *pat;
    const char  *word;
    unsigned     found:1;
} xo_feeling_t;

static const xo_feeling_t  xo_negative[] = {
    { "frustrat*", "frustrated", 0 },
    { "annoy*", "annoyed", 0 },
    { "disappoint*", "disappointed", 0 },
    { "confused|confusing", "confused", 0 },
    { "worried|worrying|worry", "worried", 0 },
    { "stressed|stressful|stressing", "stressed", 0 },
    { "scared|frightened|afraid", "scared", 0 },
    { "terrified|shaken|panicked|panicking|devastated|heartbroken|"
      "embarrassed|overwhelmed|exhausted|upset|angry|furious|livid|fuming|"
      "mad|anxious|nervous|unhappy|sad|disgusted|insulted|helpless|panicky|"
      "jittery", NULL, 0 },
    { "shaking", "shaken", 0 },
    { "lonely|grieving|depressed|miserable|hopeless", NULL, 0 },
    { "gutted|crushed|rattled|distraught|flustered|irritated|aggravated|"
      "infuriated|exasperated|uneasy|dreading|petrified|horrified|"
      "mortified|humiliated|ashamed|desperate", NULL, 0 },
    { "beside myself|ourselves", "beside themselves", 0 },
    { "scary", "scared", 0 },
    { "in tears", NULL, 0 },
    { "teary|tearful|weepy|emotional", NULL, 0 },
    { "crying|cried|sobbing|sobbed", "in tears", 0 },
    { "a|an? total|complete|absolute|nervous? wreck", "a wreck", 0 },
    { "wits|wit's|wits' '? end", "at their wit's end", 0 },
    { "on edge", NULL, 0 },
    { "nightmare", "a nightmare", 1 },
    { "freaking|freaked out", "freaking out", 0 },
    { "fed up", "fed up", 0 },
    { "unacceptable|ridiculous|terrible|awful|outrageous|horrible|absurd|"
      "insane", NULL, 1 },
    { NULL, NULL, 0 }
};

static const xo_feeling_t  xo_positive[] = {
    { "happy|pleased|glad|relieved|thrilled|delighted|grateful|impressed|"
      "satisfied", NULL, 0 },
    { "relief", "relieved", 0 },
    { "reassured|ecstatic|overjoyed|excited|thankful|appreciative|"
      "comforted", NULL, 0 },
    { "feel|feeling|felt so? much? better", "feeling better", 0 },
    { "touched|proud", NULL, 0 },
    { "made|makes my|our week|day|month|year", "delighted", 0 },
    { NULL, NULL, 0 }
};


/*
 * The part of the clause around [at, end), between commas, has content
 * words of its own: "my internet is terrible" says what is terrible;
 * "that's really frustrating, this is the second time" does not.
 */
static int
xo_says_more(const elaaoms_xo_sent_t *st, size_t at, size_t end)
{
    size_t  i, a, b;

    for (a = at; a > 0 && !(st->tok[a - 1].punct
                            && *elaaoms_xo_tok_p(st, a - 1) == ','); a--)
    { /* void */ }
    for (b = end; b < st->ntok && !(st->tok[b].punct
                                    && *elaaoms_xo_tok_p(st, b) == ','); b++)
    { /* void */ }

    for (i = a; i < b; i++) {
        if ((i < at || i >= end) && elaaoms_xo_is_content(st, i)
            && !elaaoms_xo_match(st, i, "situation|feel|feeling|felt|"
                                        "annoying|frustrating|getting|"
                                        "huge|big|real|total|complete|"
                                        "absolute|major|massive|such|"
                                        "honestly|truly|totally|"
                                        "completely|absolutely",
                                 NULL))
        {
            return 1;
        }
    }
    return 0;
}


static void
xo_feeling(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const xo_feeling_t *f, size_t at, size_t end, int negative)
{
    elaaoms_xo_buf_t  b;

    b = (elaaoms_xo_buf_t) { .len = 0 };
    elaaoms_xo_puts(&b, f->found ? "The caller found the situation "
                                 : "The caller was ");
    if (f->word) {
        elaaoms_xo_puts(&b, f->word);
    } else {
        elaaoms_xo_put_words(&b, st, at, end);
    }
    /* "I'm so mad at myself": about no account of the call */
    if (elaaoms_xo_match(st, end, "at|with myself|ourselves", NULL)) {
        elaaoms_xo_puts(&b, " at themselves");

    } else if (negative && cx->last_ref) {
        elaaoms_xo_puts(&b, " about ");
        elaaoms_xo_ref_name(&b, cx->last_ref, 1);
    }

    elaaoms_xo_add(cx, ELAAOMS_MEM_EMOTION, &b,
                   negative ? ELAAOMS_XO_IMP_FEELING : ELAAOMS_XO_IMP_PLEASED,
                   ELAAOMS_XO_CONF_FEELING, 1);
}


/*
 * "He's shaken up", "my dad is worried": the feeling is another
 * person's, so it is no feeling of the caller's (the statement keeps
 * the words with whom they are about)
 */
static int
xo_feeling_of_other(const elaaoms_xo_sent_t *st, size_t at)
{
    size_t  i;

    for (i = at; i > 0 && at - i < 4; i--) {
        if (elaaoms_xo_is_punct(st, i - 1)) {
            break;
        }
        if (elaaoms_xo_match(st, i - 1, "i|i'm|im|me|we|we're|i've|we've|"
                                        "i'd|myself", NULL))
        {
            return 0;
        }
        if (elaaoms_xo_match(st, i - 1, "he|she|he's|she's|hes|shes|they|"
                                        "they're|him|his|her|them|their",
                             NULL))
        {
            return 1;
        }
    }

    return 0;
}


void
elaaoms_xo_rule_emotions(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    long                 at;
    size_t               end;
    const xo_feeling_t  *f;
    elaaoms_xo_buf_t     b;

    /*
     * a feeling of its own ("I'm so frustrated"), or about the call's
     * reference; in a clause saying more ("my internet is terrible") the
     * statement keeps the word with what it is about
     */
    for (f = xo_negative; f->pat; f++) {
        at = elaaoms_xo_find(st, 0, f->pat, &end);
        if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)
            && !xo_says_more(st, (size_t) at, end)
            && !xo_feeling_of_other(st, (size_t) at))
        {
            xo_feeling(cx, st, f, (size_t) at, end, 1);
            break;
        }
    }

    for (f = xo_positive; f->pat; f++) {
        at = elaaoms_xo_find(st, 0, f->pat, &end);
        if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)
            && !xo_says_more(st, (size_t) at, end)
            && !xo_feeling_of_other(st, (size_t) at))
        {
            xo_feeling(cx, st, f, (size_t) at, end, 0);
            return;
        }
    }

    /* praise of the help: "you've been great", "your team was amazing" */
    at = elaaoms_xo_find(st, 0, "you|you've|you're|you've|team|support|"
                                "service|agent|staff|everyone been|was|were|"
                                "are|is? so|really|very|super|absolutely? "
                                "great|wonderful|excellent|awesome|amazing|"
                                "fantastic|perfect|helpful|brilliant|"
                                "lovely|kind|patient", &end);
    if (at < 0) {
        at = elaaoms_xo_find(st, 0, "i|really|so appreciate*", &end);
    }
    if (at >= 0 && !elaaoms_xo_negated(st, (size_t) at)) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "The caller was pleased with the help they got");
        elaaoms_xo_add(cx, ELAAOMS_MEM_EMOTION, &b, ELAAOMS_XO_IMP_PLEASED,
                       ELAAOMS_XO_CONF_FEELING, 1);
    }
}
