/*
 * The offline extractor's clauses (see extract_offline_internal.h): a
 * caller's sentence cut at "but", and at "and"/"so"/a comma that starts a
 * new first-person clause ("my wife and I have" is one), with greetings,
 * fillers ("um", "you know", "hang on") and courtesy ("thanks",
 * "perfect") taken off both ends, so that the statement rule
 * (extract_offline_statement.c) reads what is left.
 */

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


/* --- word lists --------------------------------------------------------- */

/* taken off the start of a clause anywhere */
static const char *xo_lead_always[] = {
    "um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm", "mhm", "so", "oh",
    "ok", "okay", "and", "but", "also", "plus", "then", "hi", "hello", "hey",
    "cheers", "ah", "ahh", "wow", "gosh", "anyway", "anyways", "honestly",
    "actually", "basically", "alright", "look", "listen", "see", NULL
};

/* taken off the start of a clause before a comma or the end only:
 * "No, I don't" but "no one called" */
static const char *xo_lead_comma[] = {
    "yes", "yeah", "yep", "yup", "no", "nope", "nah", "right", "like",
    "well", "sure", "fine", "great", "perfect", "cool", "awesome", "sorry",
    "thanks", "correct", "exactly", "absolutely", "definitely", "true",
    "good", "nice", "lovely", "wonderful", "excellent", "understood",
    "gotcha", "certainly", "totally", "please", "morning", "afternoon",
    "evening", NULL
};

/* fillers of several words, anywhere at the start */
static const char *xo_lead_phrases[] = {
    "by the way", "you know", "i mean", "to be honest", "hang on",
    "hold on", "one sec|second|moment|minute", "just a sec|second|moment",
    "let me see|think|check|look", "let's see", "i guess", "i think",
    "i believe", "i suppose", "good morning|afternoon|evening|day",
    "thank you", "thanks so|very much", "thanks a lot", "just so you know",
    "as i said", "you see", "got it", "sounds good|great|fine",
    "that's fine|great|perfect|good|right|correct|all",
    "that sounds good|great|fine", "all right", "no problem|worries",
    "not really", "of course", "i see", "my god|gosh|goodness|word|lord",
    /* the caller catching their own slip: "Wait, no, what am I saying." */
    "what am|was i saying|thinking", "where was i", "wait",
    /* "The second thing.", "Two things.", "One more question." */
    "the first|second|third|last|other|next|final thing|question",
    "one more thing|question", "another thing|question",
    "two|three|a|couple|few things|questions", NULL
};

/* after these a capitalized word is the agent's name: "Hi Sam," */
static const char *xo_greetings[] = {
    "hi", "hello", "hey", "thanks", "thank", "you", "bye", "morning",
    "afternoon", "evening", "cheers", NULL
};

/* taken off the end of a clause */
static const char *xo_tail_words[] = {
    "please", "thanks", "though", "um", "uh", "haha", "lol", NULL
};

/* "and I ..." is no new clause after these: "my wife and I have" */
static const char *xo_people[] = {
    "wife", "husband", "partner", "son", "daughter", "kids", "family",
    "me", "friend", "mom", "dad", "mother", "father", "brother", "sister",
    "roommate", "boyfriend", "girlfriend", NULL
};


/* --- clauses ------------------------------------------------------------ */

/* a new clause starts at word k (after "," "and" "so") */
static int
xo_clause_start(const elaaoms_xo_sent_t *st, size_t k)
{
    static const char  *first = "i|i'm|im|i've|i'd|i'll|we|we're|we've|"
                                "we'd|we'll|my|our|please";
    char                pat[96];

    snprintf(pat, sizeof(pat), "and|so|also|plus|oh|but %s", first);

    return elaaoms_xo_match(st, k, first, NULL)
           || elaaoms_xo_match(st, k, "but", NULL)
           || elaaoms_xo_match(st, k, pat, NULL)
           || elaaoms_xo_match(st, k, "can|could|would|will|do|does|is|"
                                      "should you|someone|somebody|anyone|"
                                      "anybody|u|i|we|that|this|it|there",
                               NULL);
}


/* the words from k to the next comma or the end */
static size_t
xo_segment_words(const elaaoms_xo_sent_t *st, size_t k)
{
    size_t  n;

    for (n = 0; k < st->ntok && !st->tok[k].punct; k++) {
        n++;
    }
    return n;
}


/*
 * "I don't know," or "I think," between commas at word k, before words
 * that go on with the clause ("feel, I don't know, lighter now"), not a
 * new subject ("It's the beard, I think, Osman warned me") or a yes
 */
static int
xo_aside(const elaaoms_xo_sent_t *st, size_t k)
{
    size_t  end;

    if (!elaaoms_xo_match(st, k, "i don't know ,", &end)
        && !elaaoms_xo_match(st, k, "i dunno|guess|think ,", &end))
    {
        return 0;
    }

    return end < st->ntok && !st->tok[end].punct
           && !elaaoms_xo_capitalized(st, end)
           && !elaaoms_xo_match(st, end, "it's|it|he|she|they|we|i|i'm|he's|"
                                         "she's|they're|we're|that's|"
                                         "there's|yes|no|yeah|okay|maybe",
                                NULL);
}


/* the end of the clause starting at word a, and where the next starts */
static size_t
xo_clause_end(const elaaoms_xo_sent_t *st, size_t a, size_t *next)
{
    size_t  k;

    for (k = a + 1; k < st->ntok; k++) {
        /* "he's friendly but he jumps": a short "but" stays with its
         * clause, which it qualifies */
        if (elaaoms_xo_tok_is(st, k, "but", 3, 0)
            && !(xo_segment_words(st, k + 1) < 4
                 && elaaoms_xo_match(st, k + 1, "he|she|it|they|he's|she's|"
                                                "it's|they're", NULL)))
        {
            *next = k;
            return k;
        }

        if (elaaoms_xo_is_punct(st, k) && *elaaoms_xo_tok_p(st, k) == ','
            && xo_clause_start(st, k + 1)
            && !(elaaoms_xo_match(st, k + 1, "my|our", NULL)
                 && xo_segment_words(st, k + 1) < 4)
            /* "I actually feel, I don't know, lighter now": an aside
               between commas, no clause */
            && !xo_aside(st, k + 1))
        {
            /* ", and I ..." */
            *next = k + 1;
            return k;
        }

        /* not "for me and my husband": one object of two people */
        if (elaaoms_xo_match(st, k, "and|so", NULL)
            && elaaoms_xo_match(st, k + 1, "i|i'm|i've|i'd|i'll|we|we're|"
                                           "we've|my|our|also|please", NULL)
            && !((elaaoms_xo_word_in(st, k - 1, xo_people)
                  || elaaoms_xo_capitalized(st, k - 1))
                 && elaaoms_xo_match(st, k + 1, "i|we", NULL))
            && !(elaaoms_xo_match(st, k - 1, "me|us|him|her|them|you|myself",
                                  NULL)
                 && elaaoms_xo_match(st, k, "and my|our", NULL)))
        {
            *next = k;
            return k;
        }
    }

    *next = st->ntok;
    return st->ntok;
}


/*
 * Words [a, b) without fillers into cl->st: the start's fillers,
 * greetings and the name after a greeting, fillers inside, courtesy at
 * the end.
 */

/* two words of text s are the same word, any case */
static int
xo_same_tok(const char *s, const elaaoms_xo_tok_t *x,
    const elaaoms_xo_tok_t *y)
{
    return !x->punct && !y->punct && x->len == y->len
           && strncasecmp(s + x->off, s + y->off, x->len) == 0;
}


/* words i and j are the same word, any case */
static int
xo_same_word(const elaaoms_xo_sent_t *st, size_t i, size_t j)
{
    return xo_same_tok(st->s, &st->tok[i], &st->tok[j]);
}

void
elaaoms_xo_strip(const elaaoms_xo_sent_t *st, size_t a, size_t b,
    elaaoms_xo_sent_t *out)
{
    size_t  i, end, k;
    int     changed;

    out->s = st->s;
    out->n = st->n;
    out->ntok = 0;

    /* the start */
    do {
        changed = 0;

        while (a < b && elaaoms_xo_is_punct(st, a)) {
            a++;
        }

        /* "Thank you for telling me about the letter": thanks, no fact */
        if (elaaoms_xo_match(st, a, "thank you|thanks so|very? much? for",
                             &end)
            && end <= b)
        {
            a = b;
            break;
        }

        for (k = 0; xo_lead_phrases[k]; k++) {
            if (elaaoms_xo_match(st, a, xo_lead_phrases[k], &end) && end > a
                && end <= b)
            {
                a = end;
                changed = 1;
                break;
            }
        }

        if (a < b && elaaoms_xo_word_in(st, a, xo_lead_always)) {
            a++;
            changed = 1;
        } else if (a < b && elaaoms_xo_word_in(st, a, xo_lead_comma)
                   && (a + 1 == b || elaaoms_xo_is_punct(st, a + 1)
                       || elaaoms_xo_word_in(st, a + 1, xo_lead_always)
                       || elaaoms_xo_word_in(st, a + 1, xo_greetings)))
        {
            a++;
            changed = 1;
        }

        /* "Frank, hi, ...", "Ray, it's Marcus" */
        if (a + 2 < b && elaaoms_xo_capitalized(st, a)
            && elaaoms_xo_is_punct(st, a + 1)
            && *elaaoms_xo_tok_p(st, a + 1) == ','
            && (elaaoms_xo_word_in(st, a + 2, xo_greetings)
                || elaaoms_xo_match(st, a + 2, "it's|this|my|i'm", NULL)))
        {
            a += 2;
            changed = 1;
        }

        /* "Hi Sam," "thanks Jordan" */
        if (a > 0 && a < b && elaaoms_xo_capitalized(st, a)
            && elaaoms_xo_word_in(st, a - 1, xo_greetings)
            && (a + 1 == b || elaaoms_xo_is_punct(st, a + 1)))
        {
            a++;
            changed = 1;
        }
    } while (changed && a < b);

    /* the end */
    do {
        changed = 0;

        while (b > a && elaaoms_xo_is_punct(st, b - 1)) {
            b--;
        }
        if (b > a && elaaoms_xo_word_in(st, b - 1, xo_tail_words)) {
            b--;
            changed = 1;
        }
        if (b > a + 1 && (elaaoms_xo_match(st, b - 2, "thank you", NULL)
                          || elaaoms_xo_match(st, b - 2, "you know", NULL)))
        {
            b -= 2;
            changed = 1;
        }
        if (b > a + 1 && elaaoms_xo_capitalized(st, b - 1)
            && elaaoms_xo_word_in(st, b - 2, xo_greetings))
        {
            b--;                        /* "thanks Sam" */
            changed = 1;
        }
    } while (changed && b > a);

    /* inside */
    for (i = a; i < b; i++) {
        if (elaaoms_xo_match(st, i, "um|umm|uh|uhh|er|erm|hmm", NULL)
            && elaaoms_ascii_lower((unsigned char) *elaaoms_xo_tok_p(st, i)))
        {
            /* not "ER"; "send her, um, four-fifty": and its commas */
            if (i + 1 < b && elaaoms_xo_is_punct(st, i + 1)
                && *elaaoms_xo_tok_p(st, i + 1) == ','
                && out->ntok > 0 && out->tok[out->ntok - 1].punct
                && *elaaoms_xo_tok_p(out, out->ntok - 1) == ',')
            {
                out->ntok--;
                i++;
            }
            continue;
        }
        /* stutters: "I- I lose", "it, it disconnects" */
        if (i + 2 < b && elaaoms_xo_is_punct(st, i + 1)
            && strchr(",-", *elaaoms_xo_tok_p(st, i + 1)) != NULL
            && xo_same_word(st, i, i + 2))
        {
            i++;
            continue;
        }
        /* and of two words: "for a, for a down payment" */
        if (i + 4 < b && elaaoms_xo_is_punct(st, i + 2)
            && strchr(",-", *elaaoms_xo_tok_p(st, i + 2)) != NULL
            && xo_same_word(st, i, i + 3) && xo_same_word(st, i + 1, i + 4))
        {
            i += 2;
            continue;
        }
        /* "I need, like, eight hundred": "I need eight hundred" */
        if (elaaoms_xo_match(st, i, "you know ,", &end)
            || elaaoms_xo_match(st, i, "i mean ,", &end)
            || (i > a && elaaoms_xo_match(st, i, "like ,", &end))
            /* "I actually feel, I don't know, lighter now" */
            || (out->ntok > 0 && out->tok[out->ntok - 1].punct
                && *elaaoms_xo_tok_p(out, out->ntok - 1) == ','
                && xo_aside(st, i)
                && (elaaoms_xo_match(st, i, "i don't know ,", &end)
                    || elaaoms_xo_match(st, i, "i dunno|guess|think ,",
                                        &end))))
        {
            if (out->ntok > 0 && out->tok[out->ntok - 1].punct
                && *elaaoms_xo_tok_p(out, out->ntok - 1) == ',')
            {
                out->ntok--;
            }
            i = end - 1;
            continue;
        }
        /* "in, um, in Mexico", "the, uh, the thing": one "in", one "the" */
        if (out->ntok > 0
            && xo_same_tok(st->s, &st->tok[i], &out->tok[out->ntok - 1])
            && !elaaoms_xo_match(st, i, "#", NULL)
            && !elaaoms_xo_match(st, i, "had|that|no|very|so|bye|really",
                                 NULL))
        {
            continue;
        }
        out->tok[out->ntok++] = st->tok[i];
    }

    /* a filler inside may leave a trailing comma */
    while (out->ntok > 0 && out->tok[out->ntok - 1].punct) {
        out->ntok--;
    }
}


int
elaaoms_xo_next_clause(const elaaoms_xo_sent_t *st, size_t *pos,
    elaaoms_xo_clause_t *cl)
{
    size_t  a, b, next;

    while (*pos < st->ntok) {
        a = *pos;
        b = xo_clause_end(st, a, &next);
        *pos = next > a ? next : a + 1;

        elaaoms_xo_strip(st, a, b, &cl->st);

        if (cl->st.ntok > 0) {
            cl->question = b == st->ntok && st->n > 0
                           && st->s[st->n - 1] == '?';
            cl->lead = 0;
            cl->answer = 0;
            return 1;
        }
    }

    return 0;
}
