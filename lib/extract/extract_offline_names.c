/*
 * The offline extractor's name rules (see extract_offline.h): which words
 * can be a person's name, the caller's own name and the name they go by.
 * The call's references and the caller's organization are
 * extract_offline_facts.c's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"

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

        /* "Ekdahl-Moreau", "Jean-Luc"; not "Semi-transparent" */
        if (!any_case && p[k] == '-' && k + 1 < st->tok[i].len
            && elaaoms_ascii_lower((unsigned char) p[k + 1]))
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
    size_t       n, len, prev, title;
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
                                           "horse|parrot|rabbit|kid|kids|"
                                           "child|children|boys|girls|son|"
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

    /* "Mr. Dufresne next door": a title says a person */
    title = i > 0 && elaaoms_xo_in_list(st, i - 1, xo_titles) ? i - 1
            : i > 1 && elaaoms_xo_is_punct(st, i - 1)
              && elaaoms_xo_in_list(st, i - 2, xo_titles) ? i - 2 : i;
    ok |= title < i;

    if (!ok) {
        return 0;
    }

    *from = title;
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

/* the languages and peoples a name is said to come from ("It's Basque") */
static const char  *xo_name_origins[] = {
    "basque", "irish", "welsh", "scottish", "gaelic", "polish", "dutch",
    "greek", "italian", "spanish", "portuguese", "french", "german",
    "czech", "slovak", "hungarian", "finnish", "swedish", "norwegian",
    "danish", "icelandic", "russian", "ukrainian", "armenian", "turkish",
    "persian", "farsi", "arabic", "lebanese", "hebrew", "yiddish", "hindi",
    "punjabi", "tamil", "telugu", "bengali", "chinese", "korean",
    "japanese", "vietnamese", "thai", "filipino", "tagalog", "hawaiian",
    "samoan", "yoruba", "igbo", "swahili", "somali", "amharic", "catalan",
    "croatian", "serbian", "romanian", "bulgarian", "lithuanian",
    "latvian", "estonian", "maltese", "albanian", "slovenian", "cajun",
    "creole", "haitian", "nigerian", "ghanaian", "mexican", "cuban",
    "navajo", "cherokee", "maori", NULL
};

static const xo_name_rule_t  xo_name_rules[] = {
    { "my name is|was", "Caller's name is ", 1, 0, 0 },
    { "my name's", "Caller's name is ", 1, 0, 0 },
    { "my full name is", "Caller's name is ", 1, 0, 0 },
    { "i go by", "The caller goes by ", 1, 0, 0 },
    { "everyone|everybody|people|friends|folks|family|most|they calls|call "
      "me", "The caller goes by ", 0, 0, 0 },
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

    /* "do you know who your adjuster is", "who's her doctor" */
    at = elaaoms_xo_find(q, 0, "who|who's|whom", NULL);
    if (at >= 0
        && (elaaoms_xo_match(q, (size_t) at + 1, "your|his|her|their", NULL)
            || elaaoms_xo_match(q, (size_t) at + 1, "is|was|will|should "
                                                    "your|his|her|their",
                                NULL)))
    {
        return 1;
    }

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
 * "Des Ikehara here, ...", "Marguerite Lindqvist, L-I-N-D-Q-V-I-S-T.":
 * the words st->tok[0..n) are a name by what follows them -- "here" or
 * "speaking", or the last one spelled out
 */
static int
xo_name_vouched(const elaaoms_xo_sent_t *st, size_t n)
{
    size_t       i, k, len;
    const char  *w, *sp;

    if (elaaoms_xo_match(st, n, "here|speaking", NULL)) {
        return 1;
    }

    if (!st->tok[n].punct || *elaaoms_xo_tok_p(st, n) != ',') {
        return 0;
    }

    i = n + 1;
    if (elaaoms_xo_match(st, i, "that's", NULL)) {
        i++;
    }
    if (i >= st->ntok) {
        return 0;
    }

    /* the spelling's letters are the last word's */
    w = elaaoms_xo_tok_p(st, n - 1);
    len = st->tok[n - 1].len;
    sp = elaaoms_xo_tok_p(st, i);

    for (k = 0; k < st->tok[i].len; k++) {
        if (sp[k] == '-') {
            continue;
        }
        if (len == 0 || (sp[k] | 0x20) != (*w | 0x20)) {
            return 0;
        }
        w++;
        len--;
    }

    return len == 0 && st->tok[i].len > 2 && sp[1] == '-';
}


/* the caller's name said earlier in this line, or NULL */
static elaaoms_extracted_t *
xo_line_name(elaaoms_xo_ctx_t *cx)
{
    size_t                k;
    elaaoms_extracted_t  *it;

    for (k = cx->raw.n; k > 0; k--) {
        it = &cx->raw.items[k - 1];
        if (strcmp(it->source_quote, cx->quote) != 0) {
            return NULL;
        }
        if (strncmp(it->content, "Caller's name is ", 17) == 0) {
            return it;
        }
    }

    return NULL;
}


/* "Oh, I should give you my name. Beatrix Ekdahl-Moreau.": the line
 * announces the name the next sentence says */
static int
xo_line_offers_name(const elaaoms_xo_ctx_t *cx)
{
    return strcasestr(cx->quote, "my name.") != NULL
           || strcasestr(cx->quote, "my name:") != NULL
           || strcasestr(cx->quote, "my name, ") != NULL;
}


/* 1 when token i is the first word of name ("Yevgenia Palomares") */
static int
xo_first_name_at(const elaaoms_xo_sent_t *st, size_t i, const char *name)
{
    size_t  len;

    len = strcspn(name, " ");

    return i < st->ntok && !st->tok[i].punct && st->tok[i].len == len
           && len > 1 && memcmp(elaaoms_xo_tok_p(st, i), name, len) == 0;
}


/*
 * "Ignacio Villaseñor. Nacho is fine.": after the caller's name in the
 * same line, one name word that "is fine" or "works", or said alone, is
 * the name they go by; so is one that ends a sentence about what they
 * are called ("nobody's called me Theodore in years, so, Teddy."); 1 when
 * the sentence was that
 */
static int
xo_rule_short_name(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int                   bare;
    char                 *content;
    elaaoms_xo_buf_t      b;
    elaaoms_extracted_t  *it;
    int                   says;
    size_t                at, rest, last, first, alen, k;

    /* "but just Dez is fine": the joining words before it */
    for (at = 0;
         at < st->ntok
         && (st->tok[at].punct
             || elaaoms_xo_match(st, at, "but|and|so|oh|actually|just|"
                                 "though", NULL));
         at++)
    {
        /* void */
    }

    /* "I'm Cordelia Marchbanks. Cory, please.", "... Hettie.": the one
       name word alone, or with "please" */
    for (rest = at + 1; rest < st->ntok && st->tok[rest].punct; rest++) {
        /* void */
    }
    bare = rest >= st->ntok;
    if (rest < st->ntok && elaaoms_xo_match(st, rest, "please", NULL)) {
        for (rest++; rest < st->ntok && st->tok[rest].punct; rest++) {
            /* void */
        }
    }

    /* "..., so, Teddy.", "..., so Zhenya, please.": the last word, after
       a comma, of a sentence about calling or names */
    for (last = st->ntok; last > 0 && st->tok[last - 1].punct; last--) {
        /* void */
    }
    if (last > 1 && elaaoms_xo_match(st, last - 1, "please", NULL)) {
        for (last--; last > 0 && st->tok[last - 1].punct; last--) {
            /* void */
        }
    }

    if (cx->raw.n == 0) {
        return 0;
    }

    /* the caller's name, said earlier in this line */
    it = xo_line_name(cx);
    if (it == NULL) {
        return 0;
    }

    /* "but Neil's fine": the name and its "'s" are one word */
    alen = at < st->ntok ? st->tok[at].len : 0;
    if (alen > 3
        && strncmp(elaaoms_xo_tok_p(st, at) + alen - 2, "'s", 2) == 0
        && elaaoms_xo_match(st, at + 1, "fine|ok|okay|good", NULL))
    {
        alen -= 2;
    }

    if (!(elaaoms_xo_name_word(st, at, 0)
          && (alen < st->tok[at].len
              || elaaoms_xo_match(st, at + 1, "is|'s fine|ok|okay|good", NULL)
              || elaaoms_xo_match(st, at + 1, "works|will do", NULL)
              /* "Katarzyna Nowak. Kasia for short." */
              || elaaoms_xo_match(st, at + 1, "for short", NULL)
              || rest >= st->ntok)))
    {
        /* "Most people just say Tillie.": what people say for the name */
        says = last >= 3 && elaaoms_xo_name_word(st, last - 1, 0)
               && elaaoms_xo_match(st, last - 2, "say|says", NULL);
        if (says) {
            k = last - 3;
            if (k > 0 && elaaoms_xo_match(st, k, "just|usually|all|mostly",
                                          NULL))
            {
                k--;
            }
            says = elaaoms_xo_match(st, k, "people|everyone|everybody|"
                                    "friends|folks|family", NULL);
        }

        /* "Yevgenia is a mouthful, so Zhenya": the sentence is about the
           name when it starts with the caller's own first name */
        if (says) {
            /* void */

        } else if (last < 3 || !elaaoms_xo_name_word(st, last - 1, 0)
                   || !(st->tok[last - 2].punct
                        || (last > 3 && st->tok[last - 3].punct
                            && elaaoms_xo_match(st, last - 2, "so|just",
                                                NULL)))
                   || (elaaoms_xo_find(st, 0, "call|calls|called|calling|"
                                       "name|names|nickname", NULL) < 0
                       && !xo_first_name_at(st, at, it->content + 17)))
        {
            return 0;
        }

        at = last - 1;
        alen = st->tok[at].len;
    }

    /* "Henrietta Lowenthal. Henrietta.": the name said again */
    if (strncmp(it->content + 17, elaaoms_xo_tok_p(st, at), alen) == 0)
    {
        return 0;
    }

    b = (elaaoms_xo_buf_t) { .len = 0 };

    /* "It's Tavi. Ruelas.": a word alone after a first name alone is the
       rest of the name ("Cornelia, but please, Nell." is not) */
    first = strcspn(it->content + 17, " .");
    if (bare && it->content[17 + first] == '.'
        && it->content[17 + first + 1] == '\0'
        && strcasestr(cx->quote, "please") == NULL
        && strcasestr(cx->quote, "call me") == NULL
        && strcasestr(cx->quote, "calls me") == NULL)
    {
        elaaoms_xo_put(&b, it->content, 17 + first);
        elaaoms_xo_puts(&b, " ");
        elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, at), alen);
        elaaoms_xo_puts(&b, ".");

        content = strdup(b.s);
        if (content == NULL) {
            cx->nomem = 1;
            return 1;
        }

        free(it->content);
        it->content = content;
        return 1;
    }

    elaaoms_xo_puts(&b, "The caller goes by ");
    elaaoms_xo_put(&b, elaaoms_xo_tok_p(st, at), alen);
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
    const elaaoms_extracted_t *prior;
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

        /* "Marisol Etxeberria. [spelled] It's Basque.": where the name
           comes from, not a name */
        if (n == 1 && strncmp(r->pat, "it's", 4) == 0
            && elaaoms_xo_in_list(st, end, xo_name_origins))
        {
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

        /* "Beatrix Ekdahl-Moreau. [...] But it's Trixie.": a first name
           after the whole one is the name the caller goes by */
        b = (elaaoms_xo_buf_t) { .len = 0 };
        prior = NULL;
        if (n == 1 && title == end && r->start
            && strncmp(r->lead, "Caller's name is ", 17) == 0)
        {
            prior = xo_line_name(cx);
        }
        if (prior != NULL && strchr(prior->content + 17, ' ') != NULL
            && strncmp(prior->content + 17, elaaoms_xo_tok_p(st, end),
                       st->tok[end].len) != 0)
        {
            elaaoms_xo_puts(&b, "The caller goes by ");
        } else {
            elaaoms_xo_puts(&b, r->lead);
        }
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
        || (!cl->lead && (!cx->caller_spoke || xo_line_offers_name(cx))
            && !cl->question))
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
            && (n < 2
                || (n != st->ntok && !xo_name_vouched(st, n))
                || elaaoms_xo_match(st, n - 1, xo_not_person_words, NULL)
                || (n == st->ntok
                    && elaaoms_xo_find(st, 0, xo_not_person_words, NULL)
                       >= 0)))
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
                                            "again|with|at", NULL)
                    /* "Ines Duarte of Duarte Dental", not "Plenty of
                       time", "Lots of room" */
                    || (n > 1 && elaaoms_xo_match(st, n, ",|of", NULL))))
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
