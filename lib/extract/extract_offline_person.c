/*
 * Who "she" and "he" are in the caller's statements: the person or pet
 * the caller last named as theirs in this call ("my wife", "my beagle
 * Pudding", "my husband Teodor"), when the pronoun can stand for it.
 *
 *   "My beagle Pudding ate a bar of chocolate. She's eleven and she has
 *    a heart murmur."  ->  The caller's beagle Pudding is eleven and she
 *                          has a heart murmur.
 *
 * Only a pronoun that opens a clause is read this way, and only with an
 * antecedent of a fitting kind: "she" for a wife, a daughter or a pet,
 * never for a husband.  A person the caller names later in the same line
 * without "my" stands for either pronoun until the line ends:
 *
 *   "Let me talk to Marko first. He handles the money."
 *                      ->  The caller said Marko handles the money.
 *
 * Anything else stays "The caller said she ...".
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/extract_offline_internal.h"
#include "util/ascii.h"


/* "she" can stand for these */
#define XO_PERSON_FEMALE                                                     \
    "wife|mother|mom|mum|daughter|sister|girlfriend|grandmother|grandma|"   \
    "granny|aunt|niece|fiancee|stepmother|stepdaughter|mother-in-law|"      \
    "daughter-in-law|sister-in-law|granddaughter|ex-wife|ex-girlfriend"

/* "he" can stand for these */
#define XO_PERSON_MALE                                                       \
    "husband|father|dad|son|brother|boyfriend|grandfather|grandpa|uncle|"   \
    "nephew|fiance|stepfather|stepson|father-in-law|son-in-law|"            \
    "brother-in-law|grandson|ex-husband|ex-boyfriend"

/* either: children, partners and pets, named or not */
#define XO_PERSON_EITHER                                                     \
    "kid|child|baby|toddler|teen|teenager|partner|spouse|dog|cat|puppy|"     \
    "kitten|pet|horse|bird|parrot|rabbit|bunny|hamster|ex|ex-partner"

/* people around the caller, who are named after ("My neighbor is taking
 * the keys. Her name is Dana.") but are no "she" or "he" of their own */
#define XO_PERSON_OTHER                                                      \
    "neighbor|neighbour|friend|roommate|landlord|landlady|caregiver|carer|" \
    "aide|boss|coworker|colleague|tenant|nanny|babysitter|cousin"


/*
 * words [first, end) of st into dst (size bytes), less a final "'s": "my
 * daughter Ava's checkup" names "daughter Ava"; 0, or -1 when too long
 */
static int
xo_person_copy(char *dst, size_t size, const elaaoms_xo_sent_t *st,
    size_t first, size_t end)
{
    size_t       n;
    const char  *from, *to;

    from = elaaoms_xo_tok_p(st, first);
    to = elaaoms_xo_tok_p(st, end - 1) + st->tok[end - 1].len;

    if (to - from > 2 && to[-2] == '\'' && (to[-1] == 's' || to[-1] == 'S')) {
        to -= 2;
    }

    n = (size_t) (to - from);
    if (n >= size) {
        return -1;
    }

    memcpy(dst, from, n);
    dst[n] = '\0';

    return 0;
}


/*
 * The sentence is a name and nothing else ("Tansy.", "Grace Baek.") and
 * the agent's question was about a person or a pet ("And the dog, what
 * kind?", "Who's her emergency contact?"); *end gets the name's end
 */
static int
xo_person_answer_name(const elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t *end)
{
    size_t             n, pos;
    elaaoms_xo_sent_t  q;

    for (n = 0; n < st->ntok && n < 3 && elaaoms_xo_name_word(st, n, 0); n++)
    { /* void */ }

    if (n == 0 || n > 2 || (n < st->ntok && !st->tok[n].punct)
        || cx->question == NULL)
    {
        return 0;
    }

    pos = 0;
    if (!elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos, &q)
        || elaaoms_xo_find(&q, 0, XO_PERSON_FEMALE "|" XO_PERSON_MALE "|"
                                  XO_PERSON_EITHER "|who", NULL) < 0)
    {
        return 0;
    }

    *end = n;
    return 1;
}


/* word i is a name said as a subject: "Margaux is", "Olivier's eleven" */
static int
xo_person_subject(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t       len;
    const char  *w;

    if (!elaaoms_xo_name_word(st, i, 0) || i + 1 >= st->ntok) {
        return 0;
    }

    w = elaaoms_xo_tok_p(st, i);
    len = st->tok[i].len;

    if (len > 3 && w[len - 2] == '\'' && w[len - 1] == 's') {
        return !st->tok[i + 1].punct
               && (elaaoms_ascii_digit((unsigned char)
                                       elaaoms_xo_tok_p(st, i + 1)[0])
                   || elaaoms_xo_match(st, i + 1, "one|two|three|four|five|"
                                       "six|seven|eight|nine|ten|eleven|"
                                       "twelve|thirteen|fourteen|fifteen|"
                                       "sixteen|seventeen|eighteen|"
                                       "nineteen|twenty|allergic|sick|"
                                       "home|away|fine|okay", NULL));
    }

    return elaaoms_xo_match(st, i + 1, "is|was|turned|turns|has|had|needs|"
                            "wants|loves|likes|hates|gets|got|takes|uses|"
                            /* "Jonah hit his head. He has a concussion." */
                            "hit|fell|broke|tripped|slipped|hurt|cut|"
                            "burned|passed|died",
                            NULL);
}


void
elaaoms_xo_note_person(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int     kind, mine;
    size_t  i, k, noun, end;

    mine = 0;

    for (i = 0; i + 1 < st->ntok; i++) {
        if (!elaaoms_xo_match(st, i, "my|our", NULL)) {
            continue;
        }

        /* "my wife", "my little girl's dog" is no person of this kind */
        noun = i + 1;
        if (noun + 1 < st->ntok
            && elaaoms_xo_match(st, noun, "little|older|younger|oldest|"
                                          "youngest|elderly|old|new|"
                                          "teenage|late", NULL))
        {
            noun++;
        }

        if (st->tok[noun].punct) {
            continue;
        }

        kind = elaaoms_xo_match(st, noun, XO_PERSON_FEMALE, NULL)
               ? ELAAOMS_XO_PERSON_SHE
               : elaaoms_xo_match(st, noun, XO_PERSON_MALE, NULL)
               ? ELAAOMS_XO_PERSON_HE
               : elaaoms_xo_match(st, noun, XO_PERSON_EITHER, NULL)
               ? ELAAOMS_XO_PERSON_EITHER
               : elaaoms_xo_match(st, noun, XO_PERSON_OTHER, NULL)
               ? ELAAOMS_XO_PERSON_OTHER : 0;

        /* "my beagle Pudding", "my friend Winifred": any word, when a
           name follows it */
        end = noun + 1;
        if (end < st->ntok && elaaoms_xo_capitalized(st, end)) {
            end++;
            if (kind == 0 || kind == ELAAOMS_XO_PERSON_OTHER) {
                kind = ELAAOMS_XO_PERSON_EITHER;
            }
        }

        if (kind == 0) {
            continue;
        }

        if (xo_person_copy(cx->person, sizeof(cx->person), st, noun, end)
            == 0)
        {
            /* "my neighbor" is no "she": who "she" is comes from the
               names said (below) */
            cx->person_kind = kind;
            for (k = end; k < st->ntok && st->tok[k].punct
                          && *elaaoms_xo_tok_p(st, k) != ','; k++)
            { /* void */ }
            cx->person_last = k == st->ntok && end == noun + 1;
            if (kind != ELAAOMS_XO_PERSON_OTHER) {
                cx->named[0] = '\0';
                mine = 1;
            }
        }
    }

    if (mine) {
        return;
    }

    /* "And the dog, what kind?" "Tansy. She's a border collie.": a name
       alone, answering about someone, is who "she" is next */
    if (xo_person_answer_name(cx, st, &end)) {
        (void) xo_person_copy(cx->named, sizeof(cx->named), st, 0, end);
        cx->named_kind = 0;
        return;
    }

    /* no "my": a person named ("talk to Marko"), the first one */
    for (i = 0; i < st->ntok; i++) {
        if (elaaoms_xo_person_name(st, i, &noun, &end)) {
            (void) xo_person_copy(cx->named, sizeof(cx->named), st, noun,
                                  end);
            cx->named_kind =
                elaaoms_xo_match(st, noun, "mrs|ms|miss", NULL)
                ? ELAAOMS_XO_PERSON_SHE
                : elaaoms_xo_match(st, noun, "mr", NULL)
                ? ELAAOMS_XO_PERSON_HE : 0;
            return;
        }
    }

    /* "Olivier's eleven and Margaux is, uh, she's seven": the last name
       said as a subject is who "she" is next, not "my wife" before it */
    for (i = st->ntok; i > 0; i--) {
        if (xo_person_subject(st, i - 1)) {
            /* "Dad passed in May": his kind, not either */
            cx->named_kind =
                elaaoms_xo_match(st, i - 1, XO_PERSON_FEMALE, NULL)
                ? ELAAOMS_XO_PERSON_SHE
                : elaaoms_xo_match(st, i - 1, XO_PERSON_MALE, NULL)
                ? ELAAOMS_XO_PERSON_HE : 0;
            (void) xo_person_copy(cx->named, sizeof(cx->named), st, i - 1,
                                  i);
            return;
        }
    }
}


int
elaaoms_xo_put_person(elaaoms_xo_buf_t *b, const elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st, size_t *from)
{
    static const char  *verbs[][2] = {
        { "'s", " is" }, { "'d", " would" }, { "'ll", " will" },
        { "", "" }
    };
    int          she;
    size_t       k, len;
    const char  *w, *tail;

    if ((cx->person_kind == 0 && cx->named[0] == '\0') || st->ntok < 2
        || st->tok[0].punct)
    {
        return 0;
    }

    w = elaaoms_xo_tok_p(st, 0);
    len = st->tok[0].len;

    if (len >= 3 && strncasecmp(w, "she", 3) == 0) {
        she = 1;
        tail = w + 3;
    } else if (len >= 2 && strncasecmp(w, "he", 2) == 0) {
        she = 0;
        tail = w + 2;
    } else {
        return 0;
    }

    for (k = 0; verbs[k][1][0] || verbs[k][0][0]; k++) {
        if ((size_t) (w + len - tail) == strlen(verbs[k][0])
            && strncasecmp(tail, verbs[k][0], strlen(verbs[k][0])) == 0)
        {
            break;
        }
    }
    if (!verbs[k][0][0] && tail != w + len) {
        return 0;                       /* "shed", "help", "heard" */
    }

    /* "he" after "Mrs. Abernathy" is not her */
    if (cx->named[0]
        && (cx->named_kind == 0
            || cx->named_kind == (she ? ELAAOMS_XO_PERSON_SHE
                                      : ELAAOMS_XO_PERSON_HE)))
    {
        /* "He handles the money." after "Let me talk to Marko first." */
        elaaoms_xo_puts(b, "The caller said ");
        elaaoms_xo_puts(b, cx->named);

    } else if (cx->person_kind
               != (she ? ELAAOMS_XO_PERSON_SHE : ELAAOMS_XO_PERSON_HE)
               && cx->person_kind != ELAAOMS_XO_PERSON_EITHER)
    {
        return 0;

    } else {
        elaaoms_xo_puts(b, "The caller's ");
        elaaoms_xo_puts(b, cx->person);
    }

    /* "he's got", "she's been": "has" */
    elaaoms_xo_puts(b, k == 0 && elaaoms_xo_match(st, 1, "got|gotten|been|had|"
                                                         "gone|done|seen|"
                                                         "taken|lost|fallen",
                                                  NULL)
                       ? " has" : verbs[k][1]);
    elaaoms_xo_puts(b, " ");
    *from = 1;

    return 1;
}


/* the memory's content replaced by s: 0, or -1 out of memory */
static int
xo_person_recontent(elaaoms_extracted_t *it, const char *s)
{
    char  *content;

    content = strdup(s);
    if (content == NULL) {
        return -1;
    }

    free(it->content);
    it->content = content;

    return 0;
}


/*
 * A name said alone right after the person: it joins the memory that
 * ends with them ("But call my daughter. Renata. Renata Quaynor-Bell."
 * -> "... call their daughter, Renata Quaynor-Bell."), else it is one
 * of its own ("The caller's dad is Walt Pettibone.").  Said again in
 * full, the name replaces the shorter one.  The name is who "she" or
 * "he" is next.
 */
static int
xo_person_named_alone(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t                i, n, clen, plen, slen;
    const char           *c;
    elaaoms_xo_buf_t      nm, b;
    elaaoms_extracted_t  *it;

    for (n = 0; n < st->ntok && n < 3 && elaaoms_xo_name_word(st, n, 0); n++)
    { /* void */ }
    for (i = n; i < st->ntok && st->tok[i].punct
                && *elaaoms_xo_tok_p(st, i) != ','; i++)
    { /* void */ }

    if (n == 0 || i < st->ntok) {
        cx->person_last = 0;
        return 0;
    }

    memset(&nm, 0, sizeof(nm));
    elaaoms_xo_put_words(&nm, st, 0, n);

    it = cx->raw.n ? &cx->raw.items[cx->raw.n - 1] : NULL;
    if (it != NULL && strcmp(it->source_quote, cx->quote) != 0) {
        it = NULL;
    }

    c = it ? it->content : "";
    clen = strlen(c);
    plen = strlen(cx->person);
    slen = strlen(cx->named);

    memset(&b, 0, sizeof(b));

    if (it != NULL && slen > 0 && clen > slen + 1 && nm.len > slen
        && strncmp(nm.s, cx->named, slen) == 0 && nm.s[slen] == ' '
        && strncmp(c + clen - slen - 1, cx->named, slen) == 0
        && strcmp(c + clen - 1, ".") == 0)
    {
        /* "Walt." then "Walt Pettibone.": the longer one */
        elaaoms_xo_put(&b, c, clen - slen - 1);

    } else if (it != NULL && slen == 0 && clen > plen + 2
               && strcmp(c + clen - 1, ".") == 0
               && c[clen - plen - 2] == ' '
               && strncmp(c + clen - plen - 1, cx->person, plen) == 0)
    {
        /* "... call their daughter." and "Renata." */
        elaaoms_xo_put(&b, c, clen - 1);
        elaaoms_xo_puts(&b, ", ");

    } else if (slen == 0) {
        elaaoms_xo_puts(&b, "The caller's ");
        elaaoms_xo_puts(&b, cx->person);
        elaaoms_xo_puts(&b, " is ");
        it = NULL;

    } else {
        return 1;                       /* another name: not theirs */
    }

    elaaoms_xo_put(&b, nm.s, nm.len);
    elaaoms_xo_puts(&b, ".");

    if (it == NULL) {
        elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b,
                       ELAAOMS_XO_IMP_RELATION, ELAAOMS_XO_CONF_NAMED, 0);

    } else if (!b.full && xo_person_recontent(it, b.s) != 0) {
        cx->nomem = 1;
        return 1;
    }

    if (nm.len < sizeof(cx->named)) {
        memcpy(cx->named, nm.s, nm.len + 1);
        cx->named_kind = cx->person_kind == ELAAOMS_XO_PERSON_SHE
                         || cx->person_kind == ELAAOMS_XO_PERSON_HE
                         ? cx->person_kind : 0;
    }

    return 1;
}


/*
 * The name of the person just mentioned: "My neighbor is taking the keys.
 * Her name is Dana."  ->  The caller's neighbor is Dana.  Only for a
 * person of the caller's not named yet, or a name said alone after them
 * (xo_person_named_alone()); 1 when the memory was made.
 */
int
elaaoms_xo_person_named(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t            i, k, n, end;
    const char       *p;
    elaaoms_xo_buf_t  b;

    if (cx->person_last && cx->person_kind != 0) {
        return xo_person_named_alone(cx, st);
    }

    if (cx->person_kind == 0 || cx->person[0] == '\0' || cx->named[0]) {
        return 0;
    }

    for (p = cx->person; *p; p++) {
        if (elaaoms_ascii_upper((unsigned char) *p)) {
            return 0;                   /* "beagle Pudding": named */
        }
    }

    if (!elaaoms_xo_match(st, 0, "her|his|their name is", &end)
        && !elaaoms_xo_match(st, 0, "her|his|their name's", &end)
        && !elaaoms_xo_match(st, 0, "she's|he's|they're called|named", &end))
    {
        return 0;
    }

    if (elaaoms_xo_match(st, 0, "her|she's", NULL)
        ? cx->person_kind == ELAAOMS_XO_PERSON_HE
        : elaaoms_xo_match(st, 0, "his|he's", NULL)
          && cx->person_kind == ELAAOMS_XO_PERSON_SHE)
    {
        return 0;
    }

    /* the name and nothing more: "Dana.", "Dana Whitfield." */
    i = end;
    for (n = i; n < st->ntok && n < i + 2 && elaaoms_xo_name_word(st, n, 0);
         n++)
    { /* void */ }

    for (k = n; k < st->ntok && st->tok[k].punct
                && *elaaoms_xo_tok_p(st, k) != ','; k++)
    { /* void */ }

    if (n == i || k < st->ntok) {
        return 0;
    }

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, "The caller's ");
    elaaoms_xo_puts(&b, cx->person);
    elaaoms_xo_puts(&b, " is ");
    elaaoms_xo_put_words(&b, st, i, n);
    elaaoms_xo_puts(&b, ".");
    elaaoms_xo_add(cx, ELAAOMS_MEM_RELATIONSHIP, &b, ELAAOMS_XO_IMP_RELATION,
                   ELAAOMS_XO_CONF_NAMED, 0);

    return 1;
}
