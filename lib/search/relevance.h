/*
 * Query -> memory relevance in 0..1: the hybrid of the offline embedder's
 * cosine and a BM25 lexical score over the caller's own memory set, both
 * built on tokenize.h (same words, stems and concepts).
 *
 *   cos   = max(0, cosine(embed(query), memory vector))
 *
 *   lex   = how much of the query the memory covers, BM25 style.  Every
 *           distinct content word of the query is a slot; a memory fills
 *           it with the same stem (BM25 tf part, k1 = 1.2, b = 0.75) or,
 *           for 0.6 of that, with a word sharing one of its concepts
 *           ("contacted" -> "email" through CONTACT), or for 0.3 of it
 *           with a word sharing a WordNet sense (lexicon.h: "price" ->
 *           "cost", "allergies" -> "allergic", "injury" -> "whiplash").
 *           A phrasal verb of the question ("holding off on", "make it
 *           up to him") fills its slot by its own senses only ("wait",
 *           "compensate"), never by its verb's stem.  Question words
 *           that are stopwords still ask for a kind of answer and are
 *           slots of concepts only ("where" ADDRESS, "when" TIME_OF_DAY,
 *           "who" FAMILY/NAME, FAMILY alone when the
 *           question also points at the caller: "who's travelling with
 *           her", "how much" BILLING, "how many" NUMBER:
 *           elaaoms_question_concepts()).  A concept relates only the
 *           first query word that has it, so "ticket number" is not
 *           credited twice by one "X200"; "number", "code" or "id" after
 *           such a word is no slot at all ("number 33 on the lane" does
 *           not answer "ticket number").  A question that starts with
 *           "when" asks for a time as "how many" asks for a number.  The memory's words are its
 *           content and its source quote (the caller's own line), a quote
 *           word counting ELAAOMS_RELEVANCE_QUOTE_WEIGHT of a content
 *           word.  Slots weigh by IDF taken from the candidate set itself,
 *           ln(1 + (N - df + 0.5) / (df + 0.5)), df counting memories that
 *           fill the slot, a memory that only relates to it by a concept
 *           or a sense for 0.2 or 0.1 of one (since 2026-12-05: "rent",
 *           held by one memory and related to by every memory of money,
 *           weighed less than "place" held by two; tuning half 843 ->
 *           849 of 918); a word no memory fills ("new",
 *           "last", "vibe": the question's wording, or a paraphrase no
 *           memory shares) weighs a quarter of what a word one memory
 *           fills weighs (half until 2026-12-04: the tuning half grown to
 *           other industries left answers under the threshold for such
 *           words).  lex = sum(idf * fill) / sum(idf),
 *           capped at 1.
 *
 *   raw   = 0.5 * cos + 0.5 * lex, times 0.3 when the query asks for a
 *           number or code ("number", "code", "reference", "model", "how
 *           many") and the memory holds none
 *
 *   score = 1 / (1 + exp(-20 * (raw - m))),
 *           m = ELAAOMS_RELEVANCE_RAW_CUT - ln(0.7/0.3) / 20 = 0.068
 *
 *   final = max(score, elaaoms_wordvec_relevance(cosine of the question's
 *           and the memory's word vectors)), wordvec.h: a memory that
 *           says the answer in other words ("what's he keeping with us",
 *           "a piano in unit 114") reaches the threshold without a word
 *           in common, at a modest score (unless provider is set)
 *
 * Calibration: raw 0.11 (ELAAOMS_RELEVANCE_RAW_CUT) is the cut chosen on
 * the tuning half of the recall benchmark (bench/eval, "make eval":
 * memories the offline extractor made from realistic calls, questions
 * asked the way agents ask them) by a rule fixed beforehand: the highest
 * recall@5 that returns at most 3 memories a question on average (cut
 * 0.20: recall@5 0.782, 2.3 a question; 0.11: 0.874, 3.0; 0.05: 0.874,
 * 3.7).  That was before the word vectors (wordvec.h), whose nearest
 * memories reach the threshold on their own: the tuning half now gets
 * 4.03 results a question at this cut (recall@5 0.940, 753 questions),
 * so the rule no longer holds as written; a lower threshold buys recall
 * with more results still (0.6: +0.013, 4.23 a question), and it was not
 * lowered.  The logistic puts it exactly on
 * ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD, 0.7, the product's documented
 * default for search; the slope 20 spreads the raw range seen (0..0.7)
 * over 0.21..1: a memory sharing nothing with the question scores 0.21,
 * under the server's floor (elaaoms_search_min_threshold, 0.3).
 * The map is monotone, so thresholds order results as raw ones would.  On
 * the older question/memory sets of t/unit/test_relevance.c, pairs scored
 * one by one, the default gives precision 0.76 / recall 1.00
 * (labelled.tsv); the test prints both sets at several thresholds.  The calibration holds for the offline embedder
 * only; embed.h says what it cannot do (no semantics: "is he at risk of
 * leaving?" finds "switching to another insurer" only through the
 * concept table).
 *
 * Cost (bench/relevance_bench.c): about 0.4 us per candidate with stored
 * vectors -- one tokenizing pass over the memory text and its quote and
 * one dot product -- and no allocation when the caller passes a scratch
 * buffer; ~1 us when the memory has no vector and is embedded on the fly.
 * The word vectors add about 0.7-1 us per candidate whose sem_q8 is NULL
 * (its text embedded here; 0.8 -> 1.9 us with packed vectors, the builds
 * before and after in one run on a busy machine); the search index keeps
 * them, and scores one with a dot product of 100 bytes.
 */

#ifndef ELAAOMS_RELEVANCE_H
#define ELAAOMS_RELEVANCE_H

#include <stddef.h>
#include <stdint.h>

#define ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD  0.7

/* the raw score the calibration maps onto the default threshold: the cut
 * chosen on the tuning data (see above) */
#ifndef ELAAOMS_RELEVANCE_RAW_CUT
#define ELAAOMS_RELEVANCE_RAW_CUT            0.11f
#endif

/* a word of the source quote counts this much of a word of the content */
#define ELAAOMS_RELEVANCE_QUOTE_WEIGHT       0.5f

/*
 * A provider's cosine c (the question and the memory both embedded by
 * the embeddings provider: search_rank.h) stands in for the offline
 * cosine as max(0, (c - floor) / (1 - floor)): in such models' spaces
 * unrelated texts still meet at 0.1-0.3, where the offline embedder's
 * meet at about 0.  With no word in common a memory then reaches the
 * default threshold from c ~ 0.38.  Not calibrated on a provider's real
 * vectors (the recall benchmark runs without a key): check it on yours.
 */
#define ELAAOMS_RELEVANCE_PROVIDER_FLOOR     0.2f

/* query terms beyond this many (words plus concepts) are ignored */
#define ELAAOMS_RELEVANCE_MAX_TERMS          32

typedef struct {
    const char           *text;
    size_t                len;
    /* the memory's vector: vec (elaaoms_embed_dim() floats) if not NULL,
     * else vec_q8 (elaaoms_vec_pack_q8), else embedded from text here */
    const float          *vec;
    const unsigned char  *vec_q8;
    /* the caller's words the memory came from (may be NULL): its words
     * count for ELAAOMS_RELEVANCE_QUOTE_WEIGHT of a content word's */
    const char           *quote;
    size_t                quote_len;
    /* when set, the memory's cosine with the question in the provider's
     * space, used instead of the offline cosine (see above) */
    int                   provider;
    float                 provider_cos;
    /* concepts the memory stands for (elaaoms_memory_concepts()):
     * an issue answers "what went wrong" whatever its words; a slot of
     * the query with one of them and no word of the memory counts as
     * filled by a content word's worth of related credit (a quote
     * word's until 2026-12-06: "did anything happen to him at the gym"
     * found the caller's plan freeze before the theft every agent is
     * told of; tuning half 1255 -> 1257) */
    uint32_t              type_concepts;
    /* the memory's word vector (wordvec.h) of its content and quote,
     * packed (elaaoms_wordvec_text_q8); NULL: computed here.  Not read
     * when provider is set: the provider's cosine knows meaning */
    const unsigned char  *sem_q8;
} elaaoms_relevance_cand_t;

/* the components of one score, for diagnostics and the evaluation test */
typedef struct {
    float  cos;
    float  lex;
    float  raw;
    float  key;     /* the final score's rank key (below) */
} elaaoms_relevance_parts_t;

size_t elaaoms_relevance_scratch_size(size_t n);

/*
 * Scores the query against n candidates into scores[0..n-1].  scratch is
 * elaaoms_relevance_scratch_size(n) bytes owned by the caller, aligned as
 * malloc() or an nginx pool aligns, reusable across calls; or NULL to have
 * one buffer allocated and freed inside.  parts, if not NULL, gets n
 * entries.  Returns 0, or -1 when the scratch allocation fails.
 */
int elaaoms_relevance_score(const char *query, size_t query_len,
    const elaaoms_relevance_cand_t *cands, size_t n, void *scratch,
    float *scores, elaaoms_relevance_parts_t *parts);

/*
 * 1 when the question asks how someone felt ("how was she holding up
 * when the house was evacuated", "how'd he take it when it broke"): a
 * term of it wants a feeling as its answer (search_rank.c then ranks a
 * feeling near the best match of the call it was said in)
 */
int elaaoms_relevance_asks_feeling(const char *query, size_t len);

/* a provider's cosine as the offline cosine's stand-in (above) */
float elaaoms_relevance_provider_cos(float cos);

/* the calibration above: raw (0..1) -> score (0..1) */
float elaaoms_relevance_calibrate(float raw);

/*
 * The order of scores without the float's saturation: the logistic's
 * argument, 20 * (raw - m) above.  A float holds 1 / (1 + exp(-x)) as
 * exactly 1 for x over about 16, and as a handful of values from 10 up,
 * so memories of raw 0.6 and 0.9 would tie on their score and be ordered
 * by importance and age instead of by how well they match.  Search ranks
 * on the key and reports the score.
 */
float elaaoms_relevance_key(float raw);

/* the key of a score given as such (a word-vector relevance, 0..1) */
float elaaoms_relevance_score_key(float score);

#endif /* ELAAOMS_RELEVANCE_H */
