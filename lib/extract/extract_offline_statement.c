/*
 * The offline extractor's statement rule (see extract_offline.h): every
 * clause of the caller's that says something becomes a memory in the
 * caller's own words, turned to the third person --
 *
 *   "I'm allergic to peanuts"        The caller is allergic to peanuts.
 *   "my son handles the bills"       The caller's son handles the bills.
 *   "I never check my email"         The caller never checks their email.
 *   "the internet keeps cutting out" The caller said the internet keeps
 *                                    cutting out.
 *   "please never send the pesto"    The caller asked the company never to
 *                                    send the pesto.
 *   "can I add a static IP?"         The caller asked whether they can add
 *                                    a static IP.
 *   "It's an RX-200" after the agent's "What's the model?"
 *                                    When asked what is the model, the
 *                                    caller said it's an RX-200.
 *
 * -- so numbers, amounts, codes, names and product words stay as said.
 * The clauses come from extract_offline_clause.c (cut at "but", and at
 * "and"/"so"/a comma that starts a new first-person clause, greetings,
 * fillers and courtesy taken off); what is left must hold a word that
 * says something.  A clause whose words a template
 * (extract_offline_facts.c, extract_offline_feelings.c) already kept
 * gives no statement.  The type and importance come from the cue table
 * (extract_offline_cues.c).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"
#include "search/lexicon.h"
#include "search/tokenize.h"


/* --- word lists --------------------------------------------------------- */

/* words that say nothing of their own about the caller */
static const char *xo_weak[] = {
    "thanks", "thank", "great", "perfect", "fine", "good", "sounds", "sure",
    "bye", "goodbye", "appreciate", "help", "awesome", "cool", "alright",
    "wonderful", "nice", "welcome", "cheers", "worries", "lovely", "okay",
    "ok", "yes", "yeah", "yep", "hi", "hello", "hey", "sorry", "please",
    "time", "thing", "things", "really", "just", "now", "well", "like",
    "kind", "sort", "guess", "think", "mean", "know", "get", "got", "going",
    "gonna", "bit", "lot", "lots", "stuff", "way", "maybe", "probably",
    "right", "wait", "hang", "hold", "sec", "moment", "minute", "mind",
    "little", "able", "let", "see", "look", "also", "even", "still",
    "actually", "basically", "literally", "honestly", "definitely",
    "totally", "um", "uh", "hmm", "oh", "anyway", "something", "anything",
    "everything", "nothing", "someone", "anyone", "everyone", "somebody",
    "anybody", "idea", "question", "quick", "absolutely", "exactly",
    "correct", "true", "okay", "certainly", "wanted", "want", "need",
    "calling", "call", "called", "try", "trying", "sure", "one", "thing",
    "much", "many", "day", "today", "bye", "everything's", "that'll",
    "instead", "helpful", "super", "amazing", "fantastic", "excellent",
    "brilliant", "patient", "kind", "best", "better", "easier", "worse",
    "go", "ahead", "repeat", "again", "problem", "problems", "issue",
    "issues", "point", "part", NULL
};

/* the caller speaking of themselves */
static const char *xo_first_person[] = {
    "i", "i'm", "im", "i've", "i'd", "i'll", "my", "me", "mine", "myself",
    "we", "we're", "we've", "we'd", "we'll", "our", "us", "ours",
    "ourselves", NULL
};

/* verbs of requests to the company: "send me a new one" */
static const char *xo_imperatives[] = {
    "send", "text", "email", "call", "leave", "put", "cancel", "add",
    "remove", "change", "update", "switch", "book", "schedule", "make",
    "keep", "use", "ship", "deliver", "mail", "charge", "bill", "give",
    "note", "mark", "set", "sign", "transfer", "check", "stop", "hold",
    "take", "reschedule", "upgrade", "downgrade", "refund", "credit",
    "waive", "apply", "move", "drop", "remind", "tell", "pause",
    "skip", "resend", "replace", "fix", "escalate", "close", "open",
    "lower", "raise", "reset", "activate", "deactivate", "include",
    "exclude", "forward", "contact", NULL
};

static const char *xo_adverbs[] = {
    "really", "just", "also", "still", "usually", "always", "never",
    "only", "actually", "already", "definitely", "mostly", "often",
    "sometimes", "normally", "currently", "recently", "literally",
    "basically", "honestly", "probably", "totally", "absolutely", "even",
    "mainly", "typically", "generally", "kinda", "mostly", "rarely",
    "seriously", "certainly", "obviously", "personally", "desperately",
    "urgently", "finally", "again", "all", "both", "truly", "barely",
    "hardly", "nearly", "almost", "definitely", "now", NULL
};

/* the verb after "I" when it does not take an "-s" */
static const char *xo_no_s[] = {
    "can", "could", "would", "will", "should", "might", "must", "may",
    "shall", "did", "had", "was", "used", "couldn't", "wouldn't",
    "shouldn't", "mustn't", "bought", "paid", "got", "went", "came",
    "made", "took", "saw", "sent", "left", "lost", "found", "put", "set",
    "told", "said", "thought", "felt", "kept", "spent", "gave", "heard",
    "ran", "wrote", "broke", "fell", "forgot", "knew", "meant", "sold",
    "won", "began", "brought", "built", "caught", "chose", "drove", "ate",
    "hung", "hurt", "let", "lit", "quit", "rang", "rode", "sat", "slept",
    "spoke", "stood", "stole", "taught", "threw", "understood", "woke",
    "wore", "became", "cut", "hit", "read", "shut", "spread", "upset",
    "overheard", "sent", "signed", "got", "gotten", "forgotten", "bent",
    "lent", "dealt", "fed", "fled", "led", "bled", "hid", "slid", "bit",
    "split", "shot", "fought", "sought", "swore", "tore", "wound", "dug",
    "drank", "sang", "swam", "struck", "stuck", "stung", "swung", "flew",
    "grew", "drew", "blew", "shook", "froze", "laid", NULL
};

/* verbs the caller may go on with after "and": "I'm a nurse and work
 * nights" -> "... and works nights" */
static const char *xo_common_verbs[] = {
    "work", "live", "need", "want", "have", "use", "like", "love", "hate",
    "prefer", "pay", "own", "run", "drive", "travel", "teach", "check",
    "take", "go", "make", "keep", "try", "plan", "hope", "expect", "feel",
    "watch", "stream", "play", "cook", "eat", "buy", "order", "rent",
    "share", "manage", "handle", "help", "care", "wait", "leave", "come",
    "send", "receive", "book", "rely", "depend", "do", "study", "sleep",
    "visit", "spend", "save", "earn", "sell", "host", "bake", "write",
    "read", "start", "stop", "get", "call", "text", "email", "never",
    "always", "usually", "don't", "can't", "won't", "am", NULL
};

/* "-ing" words that are no verbs */
static const char *xo_not_gerunds[] = {
    "nothing", "something", "anything", "everything", "thing", "morning",
    "evening", "ceiling", "during", "string", "spring", "king", "ring",
    "bring", "sibling", "building", "wedding", "pudding", "ding",
    "clothing", "lightning", "meaning", "billing", "setting", "pricing",
    "shipping", "booking", "parking", "heating", "wiring", "flooring",
    "plumbing", "bedding", "housing", "listing", "savings", NULL
};


/* --- words -------------------------------------------------------------- */

int
elaaoms_xo_word_in(const elaaoms_xo_sent_t *st, size_t i, const char **list)
{
    return i < st->ntok && !st->tok[i].punct
           && elaaoms_xo_in_list(st, i, list);
}


/* lowercased copy of word i (at most size - 1 bytes) */
static size_t
xo_lower(const elaaoms_xo_sent_t *st, size_t i, char *buf, size_t size)
{
    size_t       k, n;
    const char  *p = elaaoms_xo_tok_p(st, i);

    n = st->tok[i].len < size - 1 ? st->tok[i].len : size - 1;
    for (k = 0; k < n; k++) {
        buf[k] = (char) elaaoms_ascii_tolower((unsigned char) p[k]);
    }
    buf[n] = '\0';
    return n;
}


static int
xo_word_has_digit(const elaaoms_xo_sent_t *st, size_t i)
{
    return elaaoms_xo_match(st, i, "#", NULL);
}


/*
 * "She's fourteen.", "it's twenty-one": a number said in words is a value
 * as much as "14" is (tokenize.h's list; "twenty-one" by its "twenty")
 */
static int
xo_word_is_number(const elaaoms_xo_sent_t *st, size_t i)
{
    char    w[ELAAOMS_TOKEN_MAX + 1];
    char   *dash;
    size_t  n;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }

    n = xo_lower(st, i, w, sizeof(w));
    dash = strchr(w, '-');
    if (dash != NULL) {
        n = (size_t) (dash - w);
    }

    return elaaoms_spelled_number(w, n);
}


int
elaaoms_xo_is_content(const elaaoms_xo_sent_t *st, size_t i)
{
    char    w[ELAAOMS_TOKEN_MAX + 1];
    size_t  n;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }
    if (xo_word_has_digit(st, i)) {
        return 1;
    }
    if (!elaaoms_ascii_alpha((unsigned char) *elaaoms_xo_tok_p(st, i))
        && (unsigned char) *elaaoms_xo_tok_p(st, i) < 0x80)
    {
        return 0;
    }

    n = xo_lower(st, i, w, sizeof(w));
    if (strchr(w, '\'') != NULL) {
        n = (size_t) (strchr(w, '\'') - w);      /* "that's": "that" */
    }

    return !elaaoms_is_stopword(w, n) && !elaaoms_xo_in_list(st, i, xo_weak)
           && !elaaoms_xo_in_list(st, i, xo_first_person);
}


/* a capitalized word that may be a name ("Sam") */
int
elaaoms_xo_capitalized(const elaaoms_xo_sent_t *st, size_t i)
{
    const char  *p;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }
    p = elaaoms_xo_tok_p(st, i);
    return elaaoms_ascii_upper((unsigned char) p[0]) && st->tok[i].len > 1
           && elaaoms_ascii_lower((unsigned char) p[1])
           && !elaaoms_xo_match(st, i, "i|i'm|i've|i'd|i'll", NULL);
}


/* --- what the templates kept -------------------------------------------- */

#define XO_KEPT_STEMS  128

/* some content word of the clause is not in cx->kept (by stem) */
static int
xo_uncovered(const elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t               i, k, n;
    uint32_t             kept[XO_KEPT_STEMS];
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    n = 0;
    elaaoms_tokenizer_init(&tz, cx->kept, cx->kept_len);
    while (n < XO_KEPT_STEMS && elaaoms_tokenizer_next(&tz, &tok)) {
        kept[n++] = tok.stem_hash;
    }

    for (i = 0; i < st->ntok; i++) {
        if (!elaaoms_xo_is_content(st, i)) {
            continue;
        }

        elaaoms_tokenizer_init(&tz, elaaoms_xo_tok_p(st, i), st->tok[i].len);
        while (elaaoms_tokenizer_next(&tz, &tok)) {
            if (tok.stopword) {
                continue;
            }
            for (k = 0; k < n && kept[k] != tok.stem_hash; k++) {
                /* void */
            }
            if (k == n) {
                return 1;
            }
        }
    }

    return 0;
}


/* --- third person ------------------------------------------------------- */

/*
 * An adverb before the verb: one of xo_adverbs, or any other "-ly" word
 * ("I completely forgot", "I genuinely need"), save the verbs that end so
 */
static int
xo_adverb(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  n;

    if (elaaoms_xo_word_in(st, i, xo_adverbs)) {
        return 1;
    }

    if (i + 1 >= st->ntok || st->tok[i].punct || st->tok[i + 1].punct) {
        return 0;
    }

    n = st->tok[i].len;

    return n >= 5
           && strncasecmp(elaaoms_xo_tok_p(st, i) + n - 2, "ly", 2) == 0
           && !elaaoms_xo_match(st, i, "apply|reply|rely|supply|multiply|"
                                       "comply|imply|bully|tally|rally|"
                                       "sully", NULL);
}


/* "need" -> "needs", "go" -> "goes", "try" -> "tries" */
static void
xo_put_third_singular(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t i)
{
    static const char  *irregular[][2] = {
        { "am", "is" }, { "have", "has" }, { "do", "does" },
        { "go", "goes" }, { "don't", "does not" }, { "dont", "does not" },
        { "haven't", "has not" }, { "can't", "cannot" },
        { "cannot", "cannot" },
        { "won't", "will not" }, { "didn't", "did not" },
        { "wasn't", "was not" }, { "ain't", "is not" }, { "are", "is" },
        { "were", "was" }, { "aren't", "is not" }, { "weren't", "was not" },
        { "wanna", "wants to" }, { "gonna", "is going to" },
        { "gotta", "has to" },
        { NULL, NULL }
    };
    char         w[ELAAOMS_TOKEN_MAX + 1];
    size_t       n, k;
    const char  *p;

    p = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;

    for (k = 0; irregular[k][0]; k++) {
        if (elaaoms_xo_tok_is(st, i, irregular[k][0],
                              strlen(irregular[k][0]), 0))
        {
            elaaoms_xo_puts(b, irregular[k][1]);
            return;
        }
    }

    if (n >= ELAAOMS_TOKEN_MAX || n < 2 || st->tok[i].punct
        || elaaoms_xo_in_list(st, i, xo_no_s)
        || xo_word_has_digit(st, i))
    {
        elaaoms_xo_put(b, p, n);
        return;
    }

    xo_lower(st, i, w, sizeof(w));

    if ((n > 3 && strcmp(w + n - 2, "ed") == 0 && strcmp(w + n - 3, "eed"))
        || strchr(w, '\'') != NULL || strchr(w, '-') != NULL)
    {
        elaaoms_xo_put(b, p, n);        /* "paid", "called", "should've" */
        return;
    }

    if (w[n - 1] == 'y' && n > 2 && !strchr("aeiou", w[n - 2])) {
        elaaoms_xo_put(b, p, n - 1);
        elaaoms_xo_puts(b, "ies");
        return;
    }

    elaaoms_xo_put(b, p, n);

    if (w[n - 1] == 's' || w[n - 1] == 'x' || w[n - 1] == 'z'
        || w[n - 1] == 'o'
        || (n > 2 && (strcmp(w + n - 2, "ch") == 0
                      || strcmp(w + n - 2, "sh") == 0)))
    {
        elaaoms_xo_puts(b, "es");
    } else {
        elaaoms_xo_puts(b, "s");
    }
}


/*
 * "I ..." -> "The caller ...": the verb after "I" (and its adverbs) in
 * the third person singular, the rest as put_words writes it.
 */
static void
xo_put_caller_subject(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st)
{
    size_t  i, k;

    elaaoms_xo_puts(b, "The caller ");

    if (elaaoms_xo_match(st, 0, "i'm|im", NULL)) {
        elaaoms_xo_puts(b, "is");
        i = 1;

    } else if (elaaoms_xo_match(st, 0, "i've", NULL)) {
        elaaoms_xo_puts(b, "has");
        i = 1;

    } else if (elaaoms_xo_match(st, 0, "i'll", NULL)) {
        elaaoms_xo_puts(b, "will");
        i = 1;

    } else if (elaaoms_xo_match(st, 0, "i'd", NULL)) {
        /* "I'd already paid": had; "I'd like": would */
        for (i = 1; xo_adverb(st, i); i++) { /* void */ }
        elaaoms_xo_puts(b, i < st->ntok
                           && (elaaoms_xo_match(st, i, "been|paid|*ed", NULL)
                               || elaaoms_xo_word_in(st, i, xo_no_s))
                           && !elaaoms_xo_match(st, i, "need*|like|love|"
                                                "prefer|rather", NULL)
                           ? "had" : "would");
        i = 1;

    } else {
        /* "I": adverbs as said, then the verb */
        for (i = 1; xo_adverb(st, i); i++) {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
            elaaoms_xo_puts(b, " ");
        }
        if (i < st->ntok) {
            xo_put_third_singular(b, st, i);
            i++;
        } else if (b->len > 0 && b->s[b->len - 1] == ' ') {
            b->s[--b->len] = '\0';
        }
    }

    /* "I have, three dogs" (a filler taken off): no comma, and a space */
    while (i < st->ntok && st->tok[i].punct
           && *elaaoms_xo_tok_p(st, i) == ',')
    {
        i++;
    }

    if (i < st->ntok && !st->tok[i].punct) {
        elaaoms_xo_puts(b, " ");
    }

    /* the rest; a verb right after "and" or "but" agrees too */
    for (k = i; k < st->ntok; k++) {
        if (k > i && elaaoms_xo_match(st, k - 1, "and|but|or|then", NULL)
            && elaaoms_xo_word_in(st, k, xo_common_verbs))
        {
            elaaoms_xo_put_words(b, st, i, k);
            elaaoms_xo_puts(b, " ");
            if (xo_adverb(st, k)) {
                elaaoms_xo_put(b, elaaoms_xo_tok_p(st, k), st->tok[k].len);
                if (k + 1 < st->ntok) {
                    elaaoms_xo_puts(b, " ");
                    k++;
                }
            }
            xo_put_third_singular(b, st, k);
            i = k + 1;
            if (i < st->ntok
                && st->tok[i].off > st->tok[k].off + st->tok[k].len)
            {
                elaaoms_xo_puts(b, " ");
            }
        }
    }
    elaaoms_xo_put_words(b, st, i, st->ntok);
}


/* a word no dictionary knows: a name ("Yasmin needs a cello") */
static int
xo_unknown_word(const elaaoms_xo_sent_t *st, size_t i)
{
    static const char  *suffixes[] = {
        "less", "ful", "ness", "ly", "able", "er", "ers", "ing", "ed", "s",
        NULL
    };
    char                w[ELAAOMS_LEXICON_MAX_WORD + 1];
    size_t              k, n, m;
    const char         *p;
    const uint32_t     *ids;

    p = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;
    if (n < 2 || n > ELAAOMS_LEXICON_MAX_WORD) {
        return 0;
    }
    for (k = 0; k < n; k++) {
        if (!elaaoms_ascii_alpha((unsigned char) p[k])) {
            return 0;
        }
        w[k] = (char) elaaoms_ascii_tolower((unsigned char) p[k]);
    }

    if (elaaoms_lexicon_senses(w, n, &ids) != 0) {
        return 0;
    }

    /* "paperless", "autopay": words made of known ones */
    for (k = 0; suffixes[k]; k++) {
        m = strlen(suffixes[k]);
        if (n > m + 2 && memcmp(w + n - m, suffixes[k], m) == 0
            && elaaoms_lexicon_senses(w, n - m, &ids) != 0)
        {
            return 0;
        }
    }
    for (m = 3; m + 3 <= n; m++) {
        if (elaaoms_lexicon_senses(w, m, &ids) != 0
            && elaaoms_lexicon_senses(w + m, n - m, &ids) != 0)
        {
            return 0;
        }
    }

    return 1;
}


/*
 * "The 16th at 2:40 works.", "Thursday is fine for us": the choice ends
 * before the words that accept it
 */
static size_t
xo_choice_end(const elaaoms_xo_sent_t *st)
{
    size_t  k, j;

    for (k = 1; k < st->ntok; k++) {
        if (!elaaoms_xo_match(st, k, "works|work|suits|sounds|is", NULL)) {
            continue;
        }

        for (j = k + 1; j < st->ntok; j++) {
            if (!st->tok[j].punct
                && !elaaoms_xo_match(st, j, "for|me|us|best|better|great|"
                                            "fine|good|perfect|then|okay|"
                                            "ok|totally|really|just",
                                     NULL))
            {
                break;
            }
        }

        if (j == st->ntok) {
            return k;
        }
    }

    return st->ntok;
}


/*
 * The clause's words; the first lowercased when only its place at the
 * start of the sentence capitalized it (not "I", a code, or a name of
 * several capitalized words: "Harbor Lane is ...").
 */
static void
xo_put_lowered(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from)
{
    size_t  start;

    start = b->len;
    elaaoms_xo_put_words(b, st, from, st->ntok);

    /* "A 2016 Subaru" */
    if (b->len > start + 1 && from < st->ntok && st->tok[from].off == 0
        && elaaoms_xo_match(st, from, "a", NULL) && b->s[start] == 'A'
        && b->s[start + 1] == ' ')
    {
        b->s[start] = 'a';
        return;
    }

    if (b->len > start && from < st->ntok && elaaoms_xo_capitalized(st, from)
        && elaaoms_xo_third_person(st, from) == NULL
        && !(elaaoms_xo_is_content(st, from) && xo_unknown_word(st, from))
        && (!elaaoms_xo_is_content(st, from)
            || (st->tok[from].off == 0 && !elaaoms_xo_capitalized(st, from + 1)
                && !elaaoms_xo_match(st, from, "monday*|tuesday*|wednesday*|"
                                               "thursday*|friday*|saturday*|"
                                               "sunday*|january|february|"
                                               "march|april|may|june|july|"
                                               "august|september|october|"
                                               "november|december", NULL))))
    {
        b->s[start] = (char) elaaoms_ascii_tolower((unsigned char) b->s[start]);
    }
}


/* "My brother, Joris.", "my wife": "my|our", a word or two, a name */
static int
xo_names_only(const elaaoms_xo_sent_t *st)
{
    size_t  i, words;

    words = 0;
    for (i = 1; i < st->ntok; i++) {
        if (st->tok[i].punct) {
            continue;
        }
        if (++words > 3 || elaaoms_xo_match(st, i, "is|was|will|has|does|"
                                                   "can|would|should|'s",
                                            NULL))
        {
            return 0;
        }
    }

    return words > 0;
}


/* --- questions ---------------------------------------------------------- */


/* the offer's sentences after its first ("Or 3F, with a window."), as
 * ", or 3F, with a window" */
static void
xo_put_more_options(elaaoms_xo_buf_t *b, const elaaoms_xo_ctx_t *cx)
{
    size_t             pos, start;
    elaaoms_xo_sent_t  st;

    pos = 0;
    if (!elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos, &st))
    {
        return;
    }

    while (elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos,
                                    &st))
    {
        elaaoms_xo_puts(b, ", ");
        start = b->len;
        elaaoms_xo_put_words(b, &st, 0, st.ntok);
        if (b->len > start && elaaoms_xo_match(&st, 0, "or", NULL)) {
            b->s[start] = 'o';
        }
    }
}


/*
 * "Could Fatima come ...", "Can my son pick it up", "Could the nurse
 * call": a request about someone else; the end of the subject (a name, or
 * "my|our|the" and a word), else 0
 */
static size_t
xo_question_other(const elaaoms_xo_sent_t *st)
{
    if (st->ntok < 4
        || !elaaoms_xo_match(st, 0, "can|could|would|will|should", NULL))
    {
        return 0;
    }

    if (elaaoms_xo_capitalized(st, 1) && !st->tok[2].punct) {
        return elaaoms_xo_capitalized(st, 2) ? 3 : 2;
    }

    if (elaaoms_xo_match(st, 1, "my|our|the", NULL) && !st->tok[2].punct
        && elaaoms_xo_is_content(st, 2) && !st->tok[3].punct)
    {
        return 3;
    }

    return 0;
}


/* "can I add ..." -> "whether they can add ..." */
static void
xo_put_caller_question(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st)
{
    size_t  subj;

    elaaoms_xo_puts(b, "The caller asked ");

    if (st->ntok > 2 && elaaoms_xo_match(st, 0, ELAAOMS_XO_AUX, NULL)) {
        if (elaaoms_xo_match(st, 1, "i|we", NULL)) {
            elaaoms_xo_puts(b, "whether they ");
        } else if (elaaoms_xo_match(st, 1, "you", NULL)) {
            elaaoms_xo_puts(b, "whether the company ");
        } else if (elaaoms_xo_match(st, 1, "there|it|this|that|they|he|she",
                                    NULL))
        {
            elaaoms_xo_puts(b, "whether ");
            elaaoms_xo_put_words(b, st, 1, 2);
            elaaoms_xo_puts(b, " ");
        } else if ((subj = xo_question_other(st)) != 0) {
            /* "could Fatima come ...": "whether Fatima could come ..." */
            elaaoms_xo_puts(b, "whether ");
            if (elaaoms_xo_match(st, 1, "my|our", NULL)) {
                elaaoms_xo_puts(b, "their ");
                elaaoms_xo_put_words(b, st, 2, subj);
            } else {
                elaaoms_xo_put_words(b, st, 1, subj);
            }
            elaaoms_xo_puts(b, " ");
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, 0), st->tok[0].len);
            b->s[b->len - st->tok[0].len] =
                (char) elaaoms_ascii_tolower((unsigned char) b->s[b->len - st->tok[0].len]);
            elaaoms_xo_puts(b, " ");
            elaaoms_xo_put_words(b, st, subj, st->ntok);
            return;
        } else {
            xo_put_lowered(b, st, 0);
            return;
        }

        if (!elaaoms_xo_match(st, 0, "do|does|did", NULL)) {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, 0), st->tok[0].len);
            b->s[b->len - st->tok[0].len] =
                (char) elaaoms_ascii_tolower((unsigned char) b->s[b->len - st->tok[0].len]);
            elaaoms_xo_puts(b, " ");
        }
        /* "do you guys deliver": the company, said casually */
        elaaoms_xo_put_words(b, st,
                             elaaoms_xo_match(st, 1, "you guys|folks|all",
                                              NULL)
                             ? 3 : 2, st->ntok);
        return;
    }

    xo_put_lowered(b, st, 0);
}



/*
 * "Can you mail it?": a request of one word still asks the company for
 * something, unless the word only steers the conversation ("can you
 * repeat that", "can you hear me", "could you hold on")
 */
static int
xo_one_word_request(const elaaoms_xo_sent_t *st)
{
    size_t              i;
    static const char  *talk[] = {
        "repeat", "hear", "hold", "wait", "say", "spell", "speak", "talk",
        "understand", "explain", "check", "help", "see", "go", "give", "tell",
        "hang", "do", "get", NULL
    };

    for (i = 0; i < st->ntok; i++) {
        if (elaaoms_xo_is_content(st, i)) {
            return !elaaoms_xo_word_in(st, i, talk);
        }
    }

    return 0;
}


/* --- the statement ------------------------------------------------------ */

static int
xo_is_gerund(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  n;

    if (i >= st->ntok || st->tok[i].punct) {
        return 0;
    }
    n = st->tok[i].len;
    return n > 4
           && strncasecmp(elaaoms_xo_tok_p(st, i) + n - 3, "ing", 3) == 0
           && !elaaoms_xo_in_list(st, i, xo_not_gerunds);
}


/*
 * the "-ing" word at i starts the sentence's subject, not an "I was"
 * left out: a verb follows within three words ("Opening day is April
 * 18th", "Moving the piano costs extra"; not "Calling about my bill")
 */
static int
xo_gerund_subject(const elaaoms_xo_sent_t *st, size_t i)
{
    size_t  k;

    for (k = i + 1; k <= i + 3 && k < st->ntok && !st->tok[k].punct; k++) {
        if (elaaoms_xo_match(st, k, "is|are|was|were|will|costs|cost|takes|"
                                    "starts|ends|opens|closes|runs|means",
                             NULL))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * "My gate code is still 5519, right?": a statement the caller checks, not
 * a question; *tag gets the index of the comma before the tag
 */
static int
xo_tag_question(const elaaoms_xo_sent_t *st, size_t *tag)
{
    size_t  last;

    last = st->ntok;
    while (last > 0 && st->tok[last - 1].punct) {
        last--;
    }

    if (last < 4 || !st->tok[last - 2].punct
        || !elaaoms_xo_match(st, last - 1, "right|correct|yeah|yes", NULL)
        || elaaoms_xo_match(st, 0, ELAAOMS_XO_AUX, NULL)
        || elaaoms_xo_match(st, 0, "what*|where*|when*|who*|why|how*|which",
                            NULL))
    {
        return 0;
    }

    *tag = last - 2;
    return 1;
}


/*
 * "Just the oil change.", "Only the mats for now, ...": a choice said as
 * a thing and no verb (up to a comma); 1 when the clause is one
 */
static int
xo_only_choice(const elaaoms_xo_sent_t *st)
{
    size_t  i;

    if (!elaaoms_xo_match(st, 0, "just|only the|a|an|one|two", NULL)) {
        return 0;
    }

    for (i = 1; i < st->ntok; i++) {
        if (st->tok[i].punct) {
            return elaaoms_xo_tok_p(st, i)[0] == ','
                   || elaaoms_xo_tok_p(st, i)[0] == '.';
        }
        if (elaaoms_xo_match(st, i, "is|are|was|were|be|been|has|have|had|"
                                    "do|does|did|can|could|will|would|"
                                    "should|need|needs|want|wants|go|goes|"
                                    "went|get|got|it's|that's|there's|"
                                    "need*|want*", NULL))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * "Alistair McCaffrey, 7 Heron Point.": a caller introducing themselves
 * with where they live, a house number and one to three capitalized
 * words after the name; the address's first word, or 0
 */
static size_t
xo_intro_address(const elaaoms_xo_sent_t *st)
{
    size_t  i, n;

    for (i = 0; i < 3 && elaaoms_xo_match(st, i, "@", NULL); i++) {
        /* void */
    }
    if (i == 0 || !elaaoms_xo_is_punct(st, i)
        || elaaoms_xo_tok_p(st, i)[0] != ','
        || !elaaoms_xo_match(st, i + 1, "#", NULL))
    {
        return 0;
    }
    for (n = 0; n < 3 && elaaoms_xo_match(st, i + 2 + n, "@", NULL); n++) {
        /* void */
    }
    if (n == 0 || (i + 2 + n < st->ntok && !st->tok[i + 2 + n].punct)) {
        return 0;
    }

    return i + 1;
}


/*
 * "And the new address?" "It's a house, our first house actually. 2291
 * Fenwhistle Avenue.": a sentence that is only a street address (a house
 * number, one to four capitalized words, then a unit at most) answers a
 * question about an address later in the line too
 */
static int
xo_late_address(const elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    size_t             i, n, pos;
    elaaoms_xo_sent_t  q;

    if (cx->question == NULL || !elaaoms_xo_match(st, 0, "#", NULL)) {
        return 0;
    }

    for (n = 0; n < 4 && elaaoms_xo_match(st, 1 + n, "@", NULL); n++) {
        /* void */
    }
    if (n == 0) {
        return 0;
    }

    for (i = 1 + n; i < st->ntok; i++) {
        if (!st->tok[i].punct
            && !elaaoms_xo_match(st, i, "apartment|apt|unit|suite|#", NULL))
        {
            return 0;
        }
    }

    pos = 0;
    return elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos, &q)
           && elaaoms_xo_find(&q, 0, "address|where|live|living|located|"
                                     "location|moving", NULL) >= 0;
}


void
elaaoms_xo_rule_statement(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl)
{
    size_t                   i, content, qfrom, start;
    int                      first_person, digits, answer, importance, qimp;
    int                      request, cue, need, only, question,
                             decision;
    elaaoms_mem_type_e       type, qtype;
    elaaoms_xo_buf_t         b;
    elaaoms_xo_sent_t        q, told, chosen;
    const elaaoms_xo_sent_t *st = &cl->st;

    /* "That works.", "Sounds good.": a yes to nothing asked says nothing */
    if (st->ntok == 0 || !xo_uncovered(cx, st)
        || (!cl->answer && elaaoms_xo_affirmation(st)))
    {
        return;
    }

    start = cl->lead && !cl->question ? xo_intro_address(st) : 0;
    if (start) {
        b = (elaaoms_xo_buf_t) { .len = 0 };
        elaaoms_xo_puts(&b, "The caller's address is ");
        elaaoms_xo_put_words(&b, st, start, st->ntok);
        elaaoms_xo_add(cx, ELAAOMS_MEM_FACTUAL, &b, ELAAOMS_XO_IMP_PROFILE,
                       ELAAOMS_XO_CONF_STATEMENT, 0);
        return;
    }

    question = cl->question;
    if (question && xo_tag_question(st, &i)) {
        elaaoms_xo_sub(st, 0, i, &told);
        st = &told;
        question = 0;
    }

    /*
     * "I called last week about my card?", "there's a light blinking?": a
     * statement said with a rising voice asks nothing
     */
    if (question
        && elaaoms_xo_match(st, 0, "i|i'm|im|i've|i'd|my|we|we're|we've|"
                                   "our|there's|theres|it's", NULL))
    {
        question = 0;
    }

    /* "Like a pulled thread, near the bottom, maybe two inches?": a
       description said with a rising voice */
    if (question && elaaoms_xo_match(st, 0, "like|maybe|about|around", NULL)
        && elaaoms_xo_match(st, 1, "a|an|the|maybe|about|#", NULL))
    {
        question = 0;
    }

    /* "The vet said it might be Cushing's?", "Okafor said maybe, um,
       apraxia?": someone's words passed on, unsure, ask nothing */
#define XO_PASSED_ON  "said|says|thinks|thought|told|called|mentioned|wrote"
    if (question
        && !elaaoms_xo_match(st, 0, "you|we|i|it|that|this|there|what|who|"
                                    "which|why|how|when|where", NULL)
        && (elaaoms_xo_match(st, 0, "the|my|his|her|their|our _ "
                                    XO_PASSED_ON, NULL)
            || elaaoms_xo_match(st, 0, "he|she|they|@ " XO_PASSED_ON, NULL)
            || elaaoms_xo_match(st, 0, "dr|doctor|mr|mrs|ms|nurse|pastor|"
                                       "reverend .? @ " XO_PASSED_ON, NULL)))
    {
        question = 0;
    }
#undef XO_PASSED_ON

    content = 0;
    first_person = 0;
    digits = 0;

    for (i = 0; i < st->ntok; i++) {
        content += elaaoms_xo_is_content(st, i);
        first_person |= elaaoms_xo_word_in(st, i, xo_first_person);
        digits |= !st->tok[i].punct
                  && (xo_word_has_digit(st, i) || xo_word_is_number(st, i));
    }

    if (content == 0) {
        return;
    }

    /*
     * "Who signs for it?" "My brother, Joris.": a few words that only
     * name someone of the caller's answer the question, which says what
     * they are to the call; "My address is ..." says it all itself
     */
    answer = (cl->answer || (!cl->lead && xo_late_address(cx, st)))
             && elaaoms_xo_question_words(cx, &q, &qfrom)
             && (!elaaoms_xo_match(st, 0, "i|i'm|im|i've|i'd|i'll|my|our|"
                                          "we|we're|we've", NULL)
                 || (elaaoms_xo_match(st, 0, "my|our", NULL)
                     && elaaoms_xo_match(&q, qfrom, "who|whom", NULL)
                     && xo_names_only(st)))
             && !question;

    /* "let's do Premium": the caller's decision, a request too */
    decision = elaaoms_xo_match(st, 0, "let's|lets", &start)
               && start < st->ntok && !question;
    request = elaaoms_xo_match(st, 0, "can|could|would|will you", NULL)
              || elaaoms_xo_match(st, 0, "please", NULL)
              || decision
              || elaaoms_xo_word_in(st, 0, xo_imperatives)
              || (elaaoms_xo_match(st, 0, "just", NULL)
                  && elaaoms_xo_word_in(st, 1, xo_imperatives));
    cue = elaaoms_xo_classify(st, first_person, request, &type, &importance);

    /*
     * "Is there someone who speaks Arabic?", "Do you have parking?": what
     * the caller asks to have tells what they need
     */
    need = question
           && (elaaoms_xo_match(st, 0, "is|are there", NULL)
               || elaaoms_xo_match(st, 0, "do|does|can|could|will "
                                          "you|anyone|someone|somebody "
                                          "guys|folks|all? have|offer|speak|"
                                          "sell|do|take|accept|deliver|"
                                          "install|fix|handle|support|carry|"
                                          "provide", NULL));

    /* "Mornings only.": one word, yet a choice */
    only = content == 1 && elaaoms_xo_find(st, 0, "only|preferably|ideally",
                                           NULL) >= 0;

    if (!answer) {
        if (question ? !(first_person || digits || need
                             || ((content >= 2 || xo_one_word_request(st))
                                 && elaaoms_xo_match(st, 0, "can|could|would|"
                                                            "will you", NULL))
                             /* "could it go on the back wall instead?" */
                             || (content >= 2
                                 && elaaoms_xo_match(st, 0, "can|could|would|"
                                                     "will|should it|they",
                                                     NULL))
                             || (content >= 3 && xo_question_other(st)))
                         : !(content >= 2 || first_person || digits || cue
                             || only))
        {
            return;
        }
    }

    b = (elaaoms_xo_buf_t) { .len = 0 };

    if (answer && cx->question[cx->question_len - 1] != '?') {
        /* options the agent offered: "We offer X or Y." "Y, please." */
        elaaoms_xo_puts(&b, "When the agent said ");
        elaaoms_xo_put_agent_question(&b, &q, qfrom);
        xo_put_more_options(&b, cx);
        elaaoms_xo_puts(&b, ", the caller chose ");
        elaaoms_xo_sub(st, 0, xo_choice_end(st), &chosen);
        xo_put_lowered(&b, &chosen, 0);

    } else if (answer) {
        elaaoms_xo_puts(&b, "When asked ");
        elaaoms_xo_put_agent_question(&b, &q, qfrom);
        elaaoms_xo_puts(&b, ", the caller said ");
        xo_put_lowered(&b, st, 0);

    } else if (question) {
        xo_put_caller_question(&b, st);

    } else if (elaaoms_xo_match(st, 0, "i|i'm|im|i've|i'd|i'll", NULL)) {
        xo_put_caller_subject(&b, st);

    } else if (st->ntok > 1 && elaaoms_xo_match(st, 0, "my|our", NULL)) {
        /* "my laptop, my phone": a list, not a sentence */
        elaaoms_xo_puts(&b, st->ntok <= 3 ? "The caller mentioned their "
                                          : "The caller's ");
        elaaoms_xo_put_words(&b, st, 1, st->ntok);

    } else if (decision) {
        elaaoms_xo_puts(&b, "The caller decided to ");
        xo_put_lowered(&b, st, 1);

    } else if (elaaoms_xo_match(st, 0, "let me|us", &start)
               && start < st->ntok)
    {
        elaaoms_xo_puts(&b, "The caller wants to ");
        elaaoms_xo_put_words(&b, st, start, st->ntok);

    } else if (elaaoms_xo_match(st, 0, "please? don't|dont|never", &start)
               || elaaoms_xo_match(st, 0, "please? do not", &start))
    {
        elaaoms_xo_puts(&b, elaaoms_xo_tok_is(st, start - 1, "never", 5, 0)
                            ? "The caller asked the company never to "
                            : "The caller asked the company not to ");
        xo_put_lowered(&b, st, start);

    } else if (elaaoms_xo_word_in(st, 0, xo_imperatives)
               || (elaaoms_xo_match(st, 0, "please|just", NULL)
                   && elaaoms_xo_word_in(st, 1, xo_imperatives))
               || (elaaoms_xo_match(st, 0, "please", NULL) && st->ntok > 1))
    {
        start = elaaoms_xo_match(st, 0, "please|just", NULL) ? 1 : 0;

        /*
         * "please note that", "do it too": only a word pointing back
         * after the verb says nothing ("text me" says how)
         */
        for (i = start + 1; i < st->ntok; i++) {
            if (!st->tok[i].punct
                && !elaaoms_xo_match(st, i, "that|it|this|those|these|"
                                            "please|too|also|down|then",
                                     NULL))
            {
                break;
            }
        }
        if (i == st->ntok) {
            return;
        }

        elaaoms_xo_puts(&b, "The caller asked the company to ");
        xo_put_lowered(&b, st, start);

    } else if (!question && xo_only_choice(st)) {
        elaaoms_xo_puts(&b, "The caller wants ");
        xo_put_lowered(&b, st, 0);
        type = ELAAOMS_MEM_PREFERENCE;
        if (importance < ELAAOMS_XO_IMP_PREFERENCE) {
            importance = ELAAOMS_XO_IMP_PREFERENCE;
        }

    } else if ((xo_is_gerund(st, 0) && !xo_gerund_subject(st, 0))
               || (elaaoms_xo_match(st, 0, "just|still|only", NULL)
                   && xo_is_gerund(st, 1)))
    {
        elaaoms_xo_puts(&b, "The caller was ");
        xo_put_lowered(&b, st, 0);

    } else if (elaaoms_xo_put_person(&b, cx, st, &start)) {
        /* "She's eleven" after "my beagle Pudding" */
        xo_put_lowered(&b, st, start);

    } else {
        elaaoms_xo_puts(&b, "The caller said ");
        xo_put_lowered(&b, st, 0);
    }

    if (only && !cue) {
        type = ELAAOMS_MEM_PREFERENCE;
        importance = ELAAOMS_XO_IMP_PREFERENCE;
    }

    if (answer) {
        /* "Any allergies?" "Peanuts." is about health */
        elaaoms_xo_classify(&q, 1, 0, &qtype, &qimp);
        if (qimp > importance) {
            type = qtype;
            importance = qimp;
        }
    }

    elaaoms_xo_add(cx, type, &b, importance,
                   answer ? ELAAOMS_XO_CONF_ANSWER
                          : ELAAOMS_XO_CONF_STATEMENT, 0);
}
