/*
 * The parts of relevance.c that the search index (search_index.c) shares
 * so that both score a memory the same way: the query's terms, a
 * candidate's counts, IDF and the per-candidate formula.  Not an API.
 */

#ifndef ELAAOMS_RELEVANCE_INTERNAL_H
#define ELAAOMS_RELEVANCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "search/relevance.h"
#include "search/tokenize.h"


/* the formula's constants (relevance.h) */
#define ELAAOMS_REL_W_COS          0.5f
#define ELAAOMS_REL_W_LEX          0.5f
/* a query word met only through a shared concept counts this much */
#define ELAAOMS_REL_CONCEPT_CREDIT 0.6f
/* a query word met only through a shared WordNet sense (lexicon.h) */
#define ELAAOMS_REL_SENSE_CREDIT   0.3f
/* a query word no memory fills weighs this share of one a single memory
 * fills */
#define ELAAOMS_REL_UNSEEN_WEIGHT  0.25f
/* "why": a memory of a better match's turn ranks this much under it, on
 * the logit scale (relevance.c); a turn's quote is at least this long */
#define ELAAOMS_REL_SIBLING_GAP        0.5f
#define ELAAOMS_REL_SIBLING_MIN_QUOTE  16

/* a memory without the kind of answer asked for (a number, a code) */
#define ELAAOMS_REL_ANSWER_TYPE_MISS  0.3f
#define ELAAOMS_REL_BM25_K1        1.2f
#define ELAAOMS_REL_BM25_B         0.75f

/*
 * Counts in units: a content word ELAAOMS_REL_CONTENT_UNITS, a quote word
 * ELAAOMS_REL_QUOTE_UNITS (ELAAOMS_RELEVANCE_QUOTE_WEIGHT of it).
 */
#define ELAAOMS_REL_CONTENT_UNITS  2
#define ELAAOMS_REL_QUOTE_UNITS                                               \
    ((unsigned) (ELAAOMS_REL_CONTENT_UNITS * ELAAOMS_RELEVANCE_QUOTE_WEIGHT   \
                 + 0.5f))


/* a bit per sense: two lists whose masks meet nowhere share no sense */
typedef struct {
    uint64_t  w[4];
} elaaoms_sense_mask_t;


typedef struct {
    char      stem[ELAAOMS_TOKEN_MAX + 1];
    size_t    stem_len;
    uint32_t  stem_hash;
    uint32_t  concepts;
    /* WordNet senses (lexicon.h): a memory word sharing one relates */
    const uint32_t  *senses;
    size_t           nsenses;
    elaaoms_sense_mask_t  sense_mask;  /* a cheap "none shared" before
                                          the merge */
    float     idf;
    unsigned  answer_type:1;    /* names the kind of answer wanted */
    unsigned  category:1;       /* "what medication": a word of its kind
                                   (lexicon.h's kinds) fills it too */
} elaaoms_query_term_t;


/*
 * Per candidate: its length in content words and, per query term, the
 * units of words with its stem, of words sharing one of its concepts
 * (and not its stem), and of words sharing a WordNet sense (neither),
 * each saturated at 255: BM25 flattens long before
 */
typedef struct {
    uint16_t  len;
    uint32_t  filled;      /* bit j: term j has units of some kind (kept by
                              the index's scorer, for its bound) */
    uint8_t   exact[ELAAOMS_RELEVANCE_MAX_TERMS];
    uint8_t   related[ELAAOMS_RELEVANCE_MAX_TERMS];
    uint8_t   sense[ELAAOMS_RELEVANCE_MAX_TERMS];
} elaaoms_cand_stats_t;


void elaaoms_sense_mask(const uint32_t *senses, size_t n,
    elaaoms_sense_mask_t *m);

/* the query's distinct terms (at most ELAAOMS_RELEVANCE_MAX_TERMS) */
size_t elaaoms_relevance_query_terms(const char *query, size_t len,
    elaaoms_query_term_t *terms);

/*
 * Sets terms[j].idf from df[j], the candidates (of n) that fill term j,
 * in tenths, each counted by how it fills it
 * (elaaoms_relevance_df_tenths()); returns the sum of the IDFs
 */
float elaaoms_relevance_idf(elaaoms_query_term_t *terms, size_t nterms,
    size_t n, const size_t *df);

/*
 * A candidate's share of a term's document frequency, in tenths: 10 when
 * it holds the word, 2 when it only relates to it by a concept, 1 by a
 * sense, so that "rent", which one memory holds and every memory of money
 * relates to by concept, still tells the memories apart (on the tuning
 * half: 6 and 3, the fills' credits, 846 of 918; 4 and 2, 846; 2 and 1,
 * 849; 0 and 0, 828).
 * Integers, so that both scoring paths sum them to the same df in any
 * order.
 */
static inline unsigned
elaaoms_relevance_df_tenths(unsigned exact, unsigned related, unsigned sense)
{
    return exact ? 10 : (related ? 2 : (sense ? 1 : 0));
}

/*
 * Whether the query asks for a kind of answer (a number, a code) that the
 * candidate does not hold: its score is discounted, and meaning alone
 * (wordvec.h) does not make it an answer
 */
int elaaoms_relevance_type_missed(const elaaoms_query_term_t *terms,
    size_t nterms, const elaaoms_cand_stats_t *st);

/*
 * One candidate's raw score (0..1) from its counts and its cosine
 * (already clamped at 0); *lex gets the lexical half when not NULL
 */
float elaaoms_relevance_raw(const elaaoms_query_term_t *terms, size_t nterms,
    float ideal, const elaaoms_cand_stats_t *st, float avglen, float cos,
    float *lex);

/*
 * 1 when the question asks why ("why can't she come in", "how come ..."):
 * relevance.c then ranks a memory of a better match's turn right under it
 * (the reason said in the breath of what it explains); the search index
 * leaves such a question to the record by record path
 */
int elaaoms_relevance_asks_why(const char *query, size_t len);


#endif /* ELAAOMS_RELEVANCE_INTERNAL_H */
