/*
 * Hybrid relevance: embedder cosine + BM25 over the candidate set.
 */

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/embed.h"
#include "search/lexicon.h"
#include "search/relevance.h"
#include "search/relevance_internal.h"
#include "search/wordvec.h"
#include "search/tokenize.h"


/*
 * calibration (relevance.h): the raw cut that separates answers from
 * non-answers on the labelled fixture maps to the default threshold
 */
#define ELAAOMS_REL_RAW_CUT        ELAAOMS_RELEVANCE_RAW_CUT
#define ELAAOMS_REL_SLOPE          20.0f
#define ELAAOMS_REL_MIDPOINT                                                  \
    (ELAAOMS_REL_RAW_CUT                                                      \
     - logf((float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD                       \
            / (1.0f - (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD))           \
       / ELAAOMS_REL_SLOPE)


void
elaaoms_sense_mask(const uint32_t *senses, size_t n, elaaoms_sense_mask_t *m)
{
    size_t    i;
    uint32_t  h;

    m->w[0] = m->w[1] = m->w[2] = m->w[3] = 0;

    for (i = 0; i < n; i++) {
        h = (senses[i] * 2654435761u) >> 24;         /* 0..255 */
        m->w[h >> 6] |= (uint64_t) 1 << (h & 63);
    }
}


static int
elaaoms_sense_masks_meet(const elaaoms_sense_mask_t *a,
    const elaaoms_sense_mask_t *b)
{
    return ((a->w[0] & b->w[0]) | (a->w[1] & b->w[1]) | (a->w[2] & b->w[2])
            | (a->w[3] & b->w[3])) != 0;
}


size_t
elaaoms_relevance_scratch_size(size_t n)
{
    /* the candidates' counts, their word vectors' cosines (then their
     * rank keys), and their quotes' hashes (aligned) */
    n = n ? n : 1;

    return n * (sizeof(elaaoms_cand_stats_t) + sizeof(float))
           + sizeof(uint64_t) + n * sizeof(uint64_t);
}


int
elaaoms_relevance_asks_why(const char *query, size_t len)
{
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    elaaoms_tokenizer_init(&tz, query, len);

    if (!elaaoms_tokenizer_next(&tz, &tok)) {
        return 0;
    }

    if (strcmp(tok.word, "why") == 0) {
        return 1;
    }

    return strcmp(tok.word, "how") == 0 && elaaoms_tokenizer_next(&tz, &tok)
           && strcmp(tok.word, "come") == 0;
}


int
elaaoms_relevance_asks_feeling(const char *query, size_t len)
{
    size_t                j, n;
    elaaoms_query_term_t  terms[ELAAOMS_RELEVANCE_MAX_TERMS];

    n = elaaoms_relevance_query_terms(query, len, terms);

    for (j = 0; j < n; j++) {
        if (terms[j].answer_type
            && (terms[j].concepts & (1u << ELAAOMS_CONCEPT_EMOTION)))
        {
            return 1;
        }
    }

    return 0;
}


static int
elaaoms_relevance_u64_cmp(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}


/* the score a rank key stands for: the calibration's logistic */
static float
elaaoms_relevance_key_score(float key)
{
    return 1.0f / (1.0f + expf(-key));
}


static int
elaaoms_relevance_same_quote(const elaaoms_relevance_cand_t *a,
    const elaaoms_relevance_cand_t *b)
{
    return a->quote_len == b->quote_len
           && memcmp(a->quote, b->quote, a->quote_len) == 0;
}


/*
 * "why can't she come in": the reason is mostly said in the breath of
 * what it explains ("I can't get to the store this week, my hip is
 * bad"), and the extractor makes a memory of each, both quoting that turn.
 * For a question that asks why, a memory of the turn of a better match
 * takes that match's rank key less ELAAOMS_REL_SIBLING_GAP: right under
 * it, above other turns' memories that score as the reason alone does.
 * keys[] are the candidates' rank keys; pairs has room for n.
 */
static void
elaaoms_relevance_siblings(const elaaoms_relevance_cand_t *cands, size_t n,
    const elaaoms_query_term_t *terms, size_t nterms,
    const elaaoms_cand_stats_t *stats, const float *keys, uint64_t *pairs,
    float *scores, elaaoms_relevance_parts_t *parts)
{
    float     key;
    size_t    i, k, a, b, m, best;
    uint32_t  h;

    m = 0;
    for (i = 0; i < n; i++) {
        if (cands[i].quote != NULL
            && cands[i].quote_len >= ELAAOMS_REL_SIBLING_MIN_QUOTE)
        {
            h = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, cands[i].quote,
                              cands[i].quote_len);
            pairs[m++] = (uint64_t) h << 32 | (uint32_t) i;
        }
    }

    /* by hash, then by index: a turn's memories in a run, in order */
    qsort(pairs, m, sizeof(uint64_t), elaaoms_relevance_u64_cmp);

    for (a = 0; a < m; a = b) {
        for (b = a + 1; b < m && pairs[b] >> 32 == pairs[a] >> 32; b++) {
            /* void */
        }

        if (b - a < 2) {
            continue;
        }

        best = (uint32_t) pairs[a];
        for (k = a + 1; k < b; k++) {
            i = (uint32_t) pairs[k];
            if (keys[i] > keys[best]) {
                best = i;
            }
        }

        key = keys[best] - ELAAOMS_REL_SIBLING_GAP;

        for (k = a; k < b; k++) {
            i = (uint32_t) pairs[k];

            /* not of the kind asked for, or another turn of that hash */
            if (keys[i] >= key
                || elaaoms_relevance_type_missed(terms, nterms, &stats[i])
                || !elaaoms_relevance_same_quote(&cands[i], &cands[best]))
            {
                continue;
            }

            scores[i] = elaaoms_relevance_key_score(key);
            if (parts) {
                parts[i].key = key;
            }
        }
    }
}


float
elaaoms_relevance_provider_cos(float cos)
{
    cos = (cos - ELAAOMS_RELEVANCE_PROVIDER_FLOOR)
          / (1.0f - ELAAOMS_RELEVANCE_PROVIDER_FLOOR);

    return cos > 0 ? (cos < 1 ? cos : 1) : 0;
}


float
elaaoms_relevance_calibrate(float raw)
{
    return elaaoms_relevance_key_score(elaaoms_relevance_key(raw));
}


float
elaaoms_relevance_key(float raw)
{
    return ELAAOMS_REL_SLOPE * (raw - ELAAOMS_REL_MIDPOINT);
}


float
elaaoms_relevance_score_key(float score)
{
    if (score <= 0) {
        return -ELAAOMS_REL_SLOPE;
    }

    if (score >= 1) {
        return ELAAOMS_REL_SLOPE;
    }

    return logf(score / (1.0f - score));
}


/* the rest of a "who" question points at the caller (her, his ...) */
static int
elaaoms_relevance_names_other(const char *p, const char *end)
{
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    elaaoms_tokenizer_init(&tz, p, (size_t) (end - p));

    while (elaaoms_tokenizer_next(&tz, &tok)) {
        if (strcmp(tok.word, "her") == 0 || strcmp(tok.word, "him") == 0
            || strcmp(tok.word, "his") == 0 || strcmp(tok.word, "them") == 0
            || strcmp(tok.word, "their") == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The rest of a question asks how to reach the caller: "which number do we
 * ring him on", "the best number to get him on".
 */
static int
elaaoms_relevance_asks_reach(const char *p, const char *end)
{
    int                  get;
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;
    static const char   *verbs[] = {
        "ring", "call", "reach", "text", "contact", "dial", NULL
    };
    size_t               i;

    get = 0;
    elaaoms_tokenizer_init(&tz, p, (size_t) (end - p));

    while (elaaoms_tokenizer_next(&tz, &tok)) {
        for (i = 0; verbs[i]; i++) {
            if (strcmp(tok.word, verbs[i]) == 0) {
                return 1;
            }
        }

        if (get && strcmp(tok.word, "on") == 0) {
            return 1;
        }

        get |= strcmp(tok.word, "get") == 0;
    }

    return 0;
}


/* a word that only names the kind of answer: "number", "code", "id" */
static int
elaaoms_relevance_answer_word(const char *word)
{
    size_t              i;
    static const char  *words[] = {
        "number", "numbers", "code", "codes", "id", "ids", "identifier",
        "digits", NULL
    };

    for (i = 0; words[i]; i++) {
        if (strcmp(word, words[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


/* "what", "which", "any": the next word names the kind of thing asked for */
static int
elaaoms_relevance_asks_which(const char *prev)
{
    return prev != NULL
           && (strcmp(prev, "what") == 0 || strcmp(prev, "which") == 0
               || strcmp(prev, "any") == 0);
}


/*
 * "what is he holding off on", "how did we make it up to him": a phrasal
 * verb means what its verb alone does not ("hold off": wait, postpone), so
 * its senses stand for the verb's; the particle may follow a pronoun.  The
 * senses of the verb at tok, the tokenizer being just past it; 0 when no
 * particle follows or WordNet has no such phrasal verb.
 */
static size_t
elaaoms_relevance_phrasal(const elaaoms_token_t *tok,
    const elaaoms_tokenizer_t *tz, const uint32_t **ids, int *make_up)
{
    elaaoms_token_t      next;
    elaaoms_tokenizer_t  ahead;

    *ids = NULL;
    *make_up = 0;
    ahead = *tz;

    if (!elaaoms_tokenizer_next(&ahead, &next)) {
        return 0;
    }

    if (strcmp(next.word, "it") == 0 || strcmp(next.word, "them") == 0
        || strcmp(next.word, "her") == 0 || strcmp(next.word, "him") == 0
        || strcmp(next.word, "me") == 0 || strcmp(next.word, "us") == 0)
    {
        if (!elaaoms_tokenizer_next(&ahead, &next)) {
            return 0;
        }
    }

    /* "make it up to him": what was given for the trouble */
    *make_up = strcmp(next.word, "up") == 0
               && (strcmp(tok->word, "make") == 0
                   || strcmp(tok->word, "made") == 0);

    return elaaoms_lexicon_phrasal_senses(tok->word, tok->word_len,
                                          next.word, next.word_len, ids);
}


/*
 * "is she still with them", "how much is still owed": "still" asks for
 * the value as it stands (search_rank.c ranks the newer first) and is no
 * word to find ("The caller said still text them" is no balance).
 * "lately" and "anymore" stay words: "acting out lately", "not anymore".
 */
static int
elaaoms_relevance_framing(const char *word)
{
    return strcmp(word, "still") == 0;
}


/*
 * "what does she like to be called", "prefer to go by": the verb before
 * a way of naming is part of the naming (the name concept), no word to
 * find ("heat like that" is no name)
 */
static int
elaaoms_relevance_naming_verb(const char *word)
{
    static const char  *verbs[] = {
        "like", "likes", "prefer", "prefers", "want", "wants", "wish",
        "wishes", "love", "loves", "usually", "normally", NULL
    };
    size_t  k;

    for (k = 0; verbs[k]; k++) {
        if (strcmp(word, verbs[k]) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * An agent's shorthand or slang in a question ("does he use
 * supplemental O2", "what's her appt", "did someone con her"): the word
 * a call says instead, put in its place.
 * The question's side only: memories keep the words as said.
 */
static void
elaaoms_relevance_expand(elaaoms_token_t *tok)
{
    static const char  *abbrev[][2] = {
        { "o2", "oxygen" }, { "rx", "prescription" },
        { "appt", "appointment" }, { "appts", "appointments" },
        { "acct", "account" }, { "dob", "birthday" }, { "bday", "birthday" },
        { "meds", "medication" }, { "apt", "apartment" },
        { "dept", "department" }, { "ref", "reference" },
        { "conf", "confirmation" }, { "pcp", "doctor" }, { "er", "emergency" },
        { "info", "information" }, { "mgr", "manager" }, { "addr", "address" },
        { "qty", "quantity" }, { "amt", "amount" }, { "tx", "transaction" },
        /* the spoken word for what calls say plainly: "has somebody tried
           to con her", "the combo for the gate" */
        { "con", "scam" }, { "conned", "scammed" }, { "ripoff", "scam" },
        { "combo", "code" }, { "vm", "voicemail" }, { "pw", "password" },
        { NULL, NULL }
    };
    size_t               k;
    elaaoms_token_t      t;
    elaaoms_tokenizer_t  tz;

    for (k = 0; abbrev[k][0]; k++) {
        if (strcmp(tok->word, abbrev[k][0]) == 0) {
            elaaoms_tokenizer_init(&tz, abbrev[k][1], strlen(abbrev[k][1]));
            if (elaaoms_tokenizer_next(&tz, &t)) {
                *tok = t;
            }
            return;
        }
    }
}


/* "how is she taking it", "how did he take the news", "how's she
 * handling it": how someone feels ("is she taking anything", "what
 * strength does she take" ask for a thing) */
static int
elaaoms_relevance_takes_it(const char *word)
{
    static const char  *verbs[] = {
        "taking", "take", "took", "handling", "handle", "handled",
        "react", "reacted", "reacting", "cope", "coping", "coped", NULL
    };
    size_t  i;

    for (i = 0; verbs[i]; i++) {
        if (strcmp(word, verbs[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


size_t
elaaoms_relevance_query_terms(const char *query, size_t len,
    elaaoms_query_term_t *terms)
{
    int                  make_up;
    size_t               i, n, prev_len, prev2_len, prev_term;
    uint32_t             seen_at[ELAAOMS_RELEVANCE_MAX_TERMS];
    unsigned char        naming[ELAAOMS_RELEVANCE_MAX_TERMS];
    int                  caller, first, kof, prev_kof, asks_how;
    size_t               nph, nread;
    uint32_t             seen, qc, seen_before_prev;
    const uint32_t      *ph;
    char                 prev[ELAAOMS_TOKEN_MAX + 1];
    char                 prev2[ELAAOMS_TOKEN_MAX + 1];
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    n = 0;
    nread = 0;
    kof = 0;
    asks_how = 0;
    seen = 0;
    prev_len = 0;
    prev2_len = 0;
    prev_term = SIZE_MAX;
    seen_before_prev = 0;

    elaaoms_tokenizer_init(&tz, query, len);

    while (n < ELAAOMS_RELEVANCE_MAX_TERMS
           && elaaoms_tokenizer_next(&tz, &tok))
    {
        elaaoms_relevance_expand(&tok);

        /* "when is she seeing the doctor" asks for a time; "was he
         * rattled when he called" does not */
        first = nread++ == 0;
        if (first) {
            asks_how = strcmp(tok.word, "how") == 0;
        }

        prev_kof = kof;
        kof = strcmp(tok.word, "of") == 0 && prev_len
              && (strcmp(prev, "kind") == 0 || strcmp(prev, "type") == 0
                  || strcmp(prev, "sort") == 0);

        /*
         * "where", "how much", "for a living": no word to find, but the
         * kind of answer -- a term of concepts only, its stem made
         * unmatchable ("living" must not find "lives")
         */
        qc = elaaoms_question_concepts(tok.word, tok.word_len,
                                       prev_len ? prev : NULL, prev_len);

        /* "how's mom handling the school situation", "how did his wife
         * handle it": a feeling, whoever has it ("how should we handle
         * the alarm" asks what we do; "cope" and "react" are words of
         * feeling already) */
        if (qc == 0 && asks_how && elaaoms_relevance_takes_it(tok.word)
            && (tok.concepts & (1u << ELAAOMS_CONCEPT_EMOTION)) == 0
            && !(prev_len && (strcmp(prev, "we") == 0
                              || strcmp(prev, "i") == 0
                              || strcmp(prev, "you") == 0)))
        {
            qc = 1u << ELAAOMS_CONCEPT_EMOTION;
        }
        caller = elaaoms_question_names_caller(tok.word, tok.word_len,
                                               prev_len ? prev : NULL,
                                               prev_len);

        /* "the boat owner", "the account holder": the word before the
         * role only says which caller, so it goes too */
        if (!caller && !qc && prev2_len && n > 0 && prev_term == n - 1
            && elaaoms_question_names_caller(tok.word, tok.word_len, prev2,
                                             prev2_len))
        {
            caller = 1;
            n--;
            seen = seen_before_prev;
        }

        memcpy(prev2, prev, prev_len + 1);
        prev2_len = prev_len;
        memcpy(prev, tok.word, tok.word_len + 1);
        prev_len = tok.word_len;
        prev_term = SIZE_MAX;

        /* "the owner", "this member": the caller, whom every memory is
         * about */
        if (caller && !qc) {
            continue;
        }

        /* "like to be called", "prefer to go by": the liking and the
           going were the naming's */
        while (qc == (1u << ELAAOMS_CONCEPT_NAME) && n > 0 && naming[n - 1])
        {
            n--;
            seen = seen_at[n];
        }

        if (qc) {
            if ((qc & ~seen) == 0) {
                continue;
            }
            tok.concepts = qc;
            tok.stem_len = tok.word_len < ELAAOMS_TOKEN_MAX
                           ? tok.word_len + 1 : ELAAOMS_TOKEN_MAX;
            tok.stem[0] = '?';
            memcpy(tok.stem + 1, tok.word, tok.stem_len - 1);
            tok.stem[tok.stem_len] = '\0';
            tok.stem_hash = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, tok.stem,
                                          tok.stem_len);
            tok.stopword = 0;

        } else if (tok.stopword || elaaoms_relevance_framing(tok.word)) {
            continue;
        }

        /* a phrasal verb relates by its senses only: "holding off" is no
         * "holds the account" */
        make_up = 0;
        nph = qc ? 0 : elaaoms_relevance_phrasal(&tok, &tz, &ph, &make_up);
        if (make_up) {
            /* a credit, a voucher, a refund: BILLING's words */
            tok.concepts |= 1u << ELAAOMS_CONCEPT_BILLING;
        }
        if (nph && tok.word_len + 1 < ELAAOMS_TOKEN_MAX) {
            tok.stem[0] = '?';
            memcpy(tok.stem + 1, tok.word, tok.word_len);
            tok.stem_len = tok.word_len + 1;
            tok.stem[tok.stem_len] = '\0';
            tok.stem_hash = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, tok.stem,
                                          tok.stem_len);
        } else {
            nph = 0;
        }

        /* "hearing aid", "credit card": the compound's senses, not those
         * of its last word alone (a hearing aid is no "allowance") */
        if (nph == 0 && !qc && prev2_len) {
            nph = elaaoms_lexicon_compound_senses(prev2, prev2_len, tok.word,
                                                  tok.word_len, &ph);
        }

        for (i = 0; i < n; i++) {
            if (terms[i].stem_hash == tok.stem_hash
                && terms[i].stem_len == tok.stem_len
                && memcmp(terms[i].stem, tok.stem, tok.stem_len) == 0)
            {
                break;
            }
        }

        if (i < n) {
            continue;
        }

        /* "which number do we ring him on": a way to reach him ("the
           house line", "his cell"), not digits */
        if (!qc && strcmp(tok.word, "number") == 0
            && elaaoms_relevance_asks_reach((const char *) tz.pos,
                                            (const char *) tz.end))
        {
            tok.concepts = (tok.concepts & ~(1u << ELAAOMS_CONCEPT_NUMBER))
                           | (1u << ELAAOMS_CONCEPT_CONTACT);
        }

        /*
         * "number", "code", "how many": the answer is a number or a code;
         * a memory holding none gets ELAAOMS_REL_ANSWER_TYPE_MISS of its
         * score
         */
        terms[n].answer_type =
            ((tok.concepts & (1u << ELAAOMS_CONCEPT_NUMBER)) != 0
             && !tok.has_digit && !elaaoms_spelled_number(tok.word,
                                                       tok.word_len))
            || (qc && first && strcmp(tok.word, "when") == 0)
            /* "how was she holding up", "how did she take it": a
               feeling ("what is she dealing with", "what does she take"
               ask for more than one) */
            || ((qc & (1u << ELAAOMS_CONCEPT_EMOTION)) != 0
                && (strcmp(tok.word, "up") == 0
                    || strcmp(tok.word, "it") == 0
                    || strcmp(tok.word, "was") == 0
                    || strcmp(tok.word, "were") == 0
                    || strcmp(tok.word, "state") == 0
                    || (asks_how && elaaoms_relevance_takes_it(tok.word))))
            /* "how does he feel about the HOA" */
            || (asks_how
                && (tok.concepts & ~seen & (1u << ELAAOMS_CONCEPT_EMOTION))
                && (strcmp(tok.word, "feel") == 0
                    || strcmp(tok.word, "feeling") == 0));

        /*
         * "who's travelling with her", "who's his specialist": another
         * person, named beside the caller, not the caller's own name
         */
        if (qc && tok.word_len == 3 && memcmp(tok.word, "who", 3) == 0
            && elaaoms_relevance_names_other((const char *) tz.pos,
                                             (const char *) tz.end))
        {
            tok.concepts &= ~(1u << ELAAOMS_CONCEPT_NAME);
        }

        /* "what medication", "which kind of fabric", "any pets": the
         * word names the kind of thing asked for */
        terms[n].category = !qc && nph == 0
            && (elaaoms_relevance_asks_which(prev2_len ? prev2 : NULL)
                || prev_kof);

        memcpy(terms[n].stem, tok.stem, tok.stem_len + 1);
        terms[n].stem_len = tok.stem_len;
        terms[n].stem_hash = tok.stem_hash;

        /*
         * a concept relates only the first query word that has it:
         * "ticket number" must not be credited twice by the one "X200"
         */
        terms[n].concepts = tok.concepts & ~seen;

        /*
         * "ticket number": "number" only says what "ticket" asks for, and
         * as a word of a memory ("number 33 on the lane", "the real
         * number") it is no answer: no term of its own
         */
        if (terms[n].concepts == 0 && terms[n].answer_type
            && elaaoms_relevance_answer_word(tok.word))
        {
            continue;
        }

        seen_before_prev = seen;
        seen_at[n] = seen;
        naming[n] = !qc && (elaaoms_relevance_naming_verb(tok.word)
                            || (nph && (strcmp(tok.word, "go") == 0
                                        || strcmp(tok.word, "goes") == 0)));
        prev_term = n;
        seen |= tok.concepts;

        if (nph) {
            terms[n].senses = ph;
            terms[n].nsenses = nph;
        } else {
            terms[n].nsenses = qc ? 0 : elaaoms_lexicon_senses(tok.word,
                                                           tok.word_len,
                                                           &terms[n].senses);
        }
        elaaoms_sense_mask(terms[n].senses, terms[n].nsenses,
                           &terms[n].sense_mask);
        n++;
    }

    return n;
}


static size_t
elaaoms_count_text(const char *text, size_t len, unsigned units,
    const elaaoms_query_term_t *terms, size_t nterms,
    elaaoms_cand_stats_t *st)
{
    size_t                j, words, nsenses, nkinds;
    elaaoms_sense_mask_t  mask;
    int                  looked_up, kinds_looked_up;
    const uint32_t      *senses, *kinds;
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    words = 0;

    elaaoms_tokenizer_init(&tz, text, len);

    while (elaaoms_tokenizer_next(&tz, &tok)) {
        if (tok.stopword) {
            continue;
        }

        words += units;
        looked_up = 0;
        kinds_looked_up = 0;
        nkinds = 0;
        nsenses = 0;
        senses = NULL;

        for (j = 0; j < nterms; j++) {
            if (terms[j].stem_hash == tok.stem_hash
                && terms[j].stem_len == tok.stem_len
                && memcmp(terms[j].stem, tok.stem, tok.stem_len) == 0)
            {
                st->exact[j] = st->exact[j] + units > UINT8_MAX
                               ? UINT8_MAX : st->exact[j] + units;

            } else if (terms[j].concepts & tok.concepts) {
                st->related[j] = st->related[j] + units > UINT8_MAX
                                 ? UINT8_MAX : st->related[j] + units;

            } else if (terms[j].nsenses) {
                /* one lookup per memory word, only when a term needs it */
                if (!looked_up) {
                    nsenses = elaaoms_lexicon_senses(tok.word, tok.word_len,
                                                     &senses);
                    elaaoms_sense_mask(senses, nsenses, &mask);
                    looked_up = 1;
                }

                if (nsenses
                    && elaaoms_sense_masks_meet(&terms[j].sense_mask, &mask)
                    && elaaoms_lexicon_share(terms[j].senses,
                                             terms[j].nsenses, senses,
                                             nsenses))
                {
                    st->sense[j] = st->sense[j] + units > UINT8_MAX
                                   ? UINT8_MAX : st->sense[j] + units;

                } else if (terms[j].category) {
                    if (kinds_looked_up == 0) {
                        nkinds = elaaoms_lexicon_kinds(tok.word,
                                                       tok.word_len, &kinds);
                        kinds_looked_up = 1;
                    }

                    if (nkinds
                        && elaaoms_lexicon_share(terms[j].senses,
                                                 terms[j].nsenses, kinds,
                                                 nkinds))
                    {
                        st->sense[j] = st->sense[j] + units > UINT8_MAX
                                       ? UINT8_MAX : st->sense[j] + units;
                    }
                }
            }
        }
    }

    return words;
}


static void
elaaoms_count_terms(const elaaoms_relevance_cand_t *cand,
    const elaaoms_query_term_t *terms, size_t nterms,
    elaaoms_cand_stats_t *st)
{
    size_t  j, words;

    memset(st->exact, 0, nterms);
    memset(st->related, 0, nterms);
    memset(st->sense, 0, nterms);

    words = elaaoms_count_text(cand->text, cand->len,
                               ELAAOMS_REL_CONTENT_UNITS, terms, nterms, st);
    if (cand->quote != NULL) {
        words += elaaoms_count_text(cand->quote, cand->quote_len,
                                    ELAAOMS_REL_QUOTE_UNITS, terms, nterms,
                                    st);
    }

    for (j = 0; j < nterms; j++) {
        if ((terms[j].concepts & cand->type_concepts)
            && st->exact[j] == 0 && st->related[j] == 0)
        {
            st->related[j] = ELAAOMS_REL_CONTENT_UNITS;
        }
    }

    words /= ELAAOMS_REL_CONTENT_UNITS;
    st->len = words > UINT16_MAX ? UINT16_MAX : (uint16_t) words;
}


float
elaaoms_relevance_idf(elaaoms_query_term_t *terms, size_t nterms, size_t n,
    const size_t *df)
{
    size_t  j;
    float   ideal, d;

    ideal = 0;

    for (j = 0; j < nterms; j++) {
        if (df[j] == 0) {
            /*
             * no memory holds the word or a relative: it cannot tell the
             * memories apart, often a word of the question's wording
             * ("new", "last"), so it weighs less than a word one memory
             * holds instead of more
             */
            terms[j].idf = ELAAOMS_REL_UNSEEN_WEIGHT
                           * logf(1.0f + ((float) n - 0.5f) / 1.5f);
        } else {
            d = (float) df[j] / 10.0f;
            terms[j].idf = logf(1.0f + ((float) n - d + 0.5f) / (d + 0.5f));
        }

        ideal += terms[j].idf;
    }

    return ideal;
}


int
elaaoms_relevance_type_missed(const elaaoms_query_term_t *terms,
    size_t nterms, const elaaoms_cand_stats_t *st)
{
    size_t  j;

    for (j = 0; j < nterms; j++) {
        if (terms[j].answer_type && st->exact[j] == 0
            && st->related[j] == 0 && st->sense[j] == 0)
        {
            return 1;
        }
    }

    return 0;
}


float
elaaoms_relevance_raw(const elaaoms_query_term_t *terms, size_t nterms,
    float ideal, const elaaoms_cand_stats_t *st, float avglen, float cos,
    float *lexp)
{
    size_t  j;
    float   sum, norm_len, tf, exact, related, lex, raw;

    sum = 0;
    norm_len = ELAAOMS_REL_BM25_K1 * (1.0f - ELAAOMS_REL_BM25_B
               + ELAAOMS_REL_BM25_B * st->len / avglen);

    for (j = 0; j < nterms; j++) {
        if ((st->exact[j] | st->related[j] | st->sense[j]) == 0) {
            continue;    /* adds 0: skipped, the sum stays the same */
        }

        tf = (float) st->exact[j] / ELAAOMS_REL_CONTENT_UNITS;
        exact = tf * (ELAAOMS_REL_BM25_K1 + 1) / (tf + norm_len);
        tf = (float) st->related[j] / ELAAOMS_REL_CONTENT_UNITS;
        related = ELAAOMS_REL_CONCEPT_CREDIT
                  * tf * (ELAAOMS_REL_BM25_K1 + 1) / (tf + norm_len);
        if (related < exact) {
            related = exact;
        }
        tf = (float) st->sense[j] / ELAAOMS_REL_CONTENT_UNITS;
        exact = ELAAOMS_REL_SENSE_CREDIT
                * tf * (ELAAOMS_REL_BM25_K1 + 1) / (tf + norm_len);
        sum += terms[j].idf * (exact > related ? exact : related);
    }

    lex = ideal > 0 ? sum / ideal : 0;
    if (lex > 1) {
        lex = 1;
    }

    raw = ELAAOMS_REL_W_COS * cos + ELAAOMS_REL_W_LEX * lex;

    if (elaaoms_relevance_type_missed(terms, nterms, st)) {
        raw *= ELAAOMS_REL_ANSWER_TYPE_MISS;
    }

    if (lexp) {
        *lexp = lex;
    }

    return raw;
}


int
elaaoms_relevance_score(const char *query, size_t query_len,
    const elaaoms_relevance_cand_t *cands, size_t n, void *scratch,
    float *scores, elaaoms_relevance_parts_t *parts)
{
    size_t                 i, j, nterms;
    size_t                 df[ELAAOMS_RELEVANCE_MAX_TERMS];
    size_t                 qsem_words;
    float                  qvec[ELAAOMS_EMBED_DIM], cvec[ELAAOMS_EMBED_DIM];
    float                  sem, semcut, key;
    elaaoms_wordvec_query_t  qsem;
    float                 *semcos;
    uint64_t              *pairs;
    unsigned char          csem[ELAAOMS_WORDVEC_DIM];
    const unsigned char   *sq8;
    elaaoms_vec_q16_t      q16;
    float                  cos, lex, raw, ideal, avglen;
    double                 total_len;
    elaaoms_cand_stats_t  *stats, *st;
    elaaoms_query_term_t   terms[ELAAOMS_RELEVANCE_MAX_TERMS];

    if (n == 0) {
        return 0;
    }

    stats = scratch;
    if (stats == NULL) {
        stats = malloc(elaaoms_relevance_scratch_size(n));
        if (stats == NULL) {
            return -1;
        }
    }

    elaaoms_embed_text(query, query_len, qvec);
    qsem_words = elaaoms_wordvec_query(query, query_len, &qsem);
    elaaoms_vec_q16_prepare(qvec, ELAAOMS_EMBED_DIM, &q16);
    nterms = elaaoms_relevance_query_terms(query, query_len, terms);

    /* the word vectors' cosines, and the nearest few (wordvec.h) */

    semcos = (float *) (stats + n);
    for (i = 0; i < n; i++) {
        semcos[i] = -2;
        if (qsem_words == 0 || cands[i].provider) {
            continue;
        }

        sq8 = cands[i].sem_q8;
        if (sq8 == NULL) {
            elaaoms_wordvec_text_q8(cands[i].text, cands[i].len,
                                    cands[i].quote, cands[i].quote_len, csem);
            sq8 = csem;
        }

        semcos[i] = elaaoms_wordvec_cosine(&qsem, sq8,
                                           elaaoms_wordvec_norm2(sq8));
    }
    semcut = elaaoms_wordvec_top_cut(semcos, n);

    /* pass 1: term counts and lengths, for IDF and the average length */

    total_len = 0;

    for (i = 0; i < n; i++) {
        elaaoms_count_terms(&cands[i], terms, nterms, &stats[i]);
        total_len += stats[i].len;
    }

    avglen = (float) (total_len / n);
    if (avglen < 1) {
        avglen = 1;
    }

    for (j = 0; j < nterms; j++) {
        df[j] = 0;
        for (i = 0; i < n; i++) {
            df[j] += elaaoms_relevance_df_tenths(stats[i].exact[j],
                                                 stats[i].related[j],
                                                 stats[i].sense[j]);
        }
    }

    ideal = elaaoms_relevance_idf(terms, nterms, n, df);

    /* pass 2: BM25 and cosine */

    for (i = 0; i < n; i++) {
        st = &stats[i];

        if (cands[i].provider) {
            cos = elaaoms_relevance_provider_cos(cands[i].provider_cos);

        } else if (cands[i].vec) {
            cos = elaaoms_cosine(qvec, cands[i].vec, ELAAOMS_EMBED_DIM);

        } else if (cands[i].vec_q8) {
            cos = elaaoms_cosine_q16_q8(&q16, cands[i].vec_q8);

        } else {
            elaaoms_embed_text(cands[i].text, cands[i].len, cvec);
            cos = elaaoms_cosine(qvec, cvec, ELAAOMS_EMBED_DIM);
        }

        if (cos < 0) {
            cos = 0;
        }

        raw = elaaoms_relevance_raw(terms, nterms, ideal, st, avglen, cos,
                                    &lex);
        scores[i] = elaaoms_relevance_calibrate(raw);
        key = elaaoms_relevance_key(raw);

        /* the answer in other words (relevance.h), if of the kind asked */
        if (semcos[i] >= -1 && semcos[i] >= semcut
            && !elaaoms_relevance_type_missed(terms, nterms, st))
        {
            sem = elaaoms_wordvec_relevance(semcos[i]);
            if (sem > scores[i]) {
                scores[i] = sem;
                key = elaaoms_relevance_score_key(sem);
            }
        }

        if (parts) {
            parts[i].cos = cos;
            parts[i].lex = lex;
            parts[i].raw = raw;
            parts[i].key = key;
        }

        semcos[i] = key;   /* read above for i only: the keys from here */
    }

    if (n > 1 && elaaoms_relevance_asks_why(query, query_len)) {
        pairs = (uint64_t *) ((uintptr_t) (semcos + n + 1)
                              & ~(uintptr_t) (sizeof(uint64_t) - 1));
        elaaoms_relevance_siblings(cands, n, terms, nterms, stats, semcos,
                                   pairs, scores, parts);
    }

    if (scratch == NULL) {
        free(stats);
    }

    return 0;
}
