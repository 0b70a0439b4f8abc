/*
 * The word tokenizer shared by the offline embedder (embed.c) and the
 * lexical half of relevance scoring (relevance.c), so that both see the
 * same words, stems and concepts.
 *
 * A token is a run of ASCII letters, digits or non-ASCII bytes (so UTF-8
 * letters stay inside words); everything else separates.  ASCII is
 * lowercased.  Single letters are skipped ("what's" gives "what" only).
 * Each token carries:
 *
 *   word      the lowercased surface form
 *   stem      a light English stem: plural -s/-es/-ies, -ing, -ed, a final
 *             silent -e, doubled consonants; "deliveries" -> "delivery",
 *             "shipping" -> "ship", "moved"/"moving"/"move" -> "mov"
 *   stopword  one of ~150 function words ("the", "what", "does") and the
 *             domain words that say nothing in a memory about a caller
 *             ("caller", "customer")
 *   concepts  bit i set when the stem belongs to concept i of a small
 *             built-in table of call-center vocabulary that groups related
 *             words ("order", "package", "delivery", "shipment" ->
 *             ORDER); tokens holding a digit get the NUMBER concept, so
 *             "what is my order number" meets "Order XYZ-789"; an
 *             amount is also BILLING: "$79.99", "80 dollars", "59 a month"
 *
 * The tokenizer allocates nothing: the caller owns the elaaoms_token_t it
 * fills.  The concept index is built on first use (pthread_once), so the
 * functions are safe to call from several threads.
 */

#ifndef ELAAOMS_TOKENIZE_H
#define ELAAOMS_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* longer words are cut; 31 bytes keep every real word distinct enough */
#define ELAAOMS_TOKEN_MAX  31

/* concept ids; elaaoms_concept_name() gives their names */
typedef enum {
    ELAAOMS_CONCEPT_ORDER = 0,
    ELAAOMS_CONCEPT_CONTACT,
    ELAAOMS_CONCEPT_NAME,
    ELAAOMS_CONCEPT_ADDRESS,
    ELAAOMS_CONCEPT_PREFERENCE,
    ELAAOMS_CONCEPT_BILLING,
    ELAAOMS_CONCEPT_PROBLEM,
    ELAAOMS_CONCEPT_NUMBER,
    ELAAOMS_CONCEPT_EMOTION,
    ELAAOMS_CONCEPT_FAMILY,
    ELAAOMS_CONCEPT_FREQUENCY,
    ELAAOMS_CONCEPT_LOYALTY,
    ELAAOMS_CONCEPT_APPOINTMENT,
    ELAAOMS_CONCEPT_TIME_OF_DAY,
    ELAAOMS_CONCEPT_LANGUAGE,
    ELAAOMS_CONCEPT_ACCOUNT,
    ELAAOMS_CONCEPT_CANCEL,
    ELAAOMS_CONCEPT_HEALTH,
    ELAAOMS_CONCEPT_PET,
    ELAAOMS_CONCEPT_WORK,
    ELAAOMS_CONCEPT_OCCASION,
    ELAAOMS_CONCEPT_TECH,
    ELAAOMS_CONCEPT_FOOD,
    ELAAOMS_CONCEPT_DURATION,
    ELAAOMS_CONCEPT_SECURITY,
    ELAAOMS_CONCEPT_VEHICLE,
    ELAAOMS_CONCEPT_APPLIANCE,
    ELAAOMS_CONCEPT_TRAVEL,
    ELAAOMS_CONCEPT_EDUCATION,
    ELAAOMS_NCONCEPTS
} elaaoms_concept_e;

typedef struct {
    char      word[ELAAOMS_TOKEN_MAX + 1];   /* lowercased, NUL-terminated */
    size_t    word_len;
    char      stem[ELAAOMS_TOKEN_MAX + 1];   /* NUL-terminated */
    size_t    stem_len;
    uint32_t  stem_hash;                     /* elaaoms_fnv1a of the stem */
    uint32_t  concepts;                      /* bit per elaaoms_concept_e */
    unsigned  stopword:1;
    unsigned  has_digit:1;
} elaaoms_token_t;

typedef struct {
    const unsigned char  *pos;
    const unsigned char  *end;
    const unsigned char  *begin;
} elaaoms_tokenizer_t;

#define ELAAOMS_FNV_BASIS  2166136261u
#define ELAAOMS_FNV_PRIME  16777619u

/* FNV-1a over len bytes, continuing from h (start with ELAAOMS_FNV_BASIS) */
static inline uint32_t
elaaoms_fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char  *p = data;

    while (len--) {
        h ^= *p++;
        h *= ELAAOMS_FNV_PRIME;
    }

    return h;
}

void elaaoms_tokenizer_init(elaaoms_tokenizer_t *tz, const char *text,
    size_t len);

/* fills tok with the next token: 1, or 0 at the end of the text */
int elaaoms_tokenizer_next(elaaoms_tokenizer_t *tz, elaaoms_token_t *tok);

/*
 * Stems the lowercased ASCII word w of length len in place; returns the new
 * length (never longer).  Words with digits and words under 4 bytes are
 * left alone.
 */
size_t elaaoms_stem(char *w, size_t len);

/* 1 when the lowercased word is a stopword */
int elaaoms_is_stopword(const char *word, size_t len);

/* 1 when the lowercased word is a number said in words ("fourteen",
 * "hundred"; not "one", mostly "one of them") */
int elaaoms_spelled_number(const char *word, size_t len);

/* the concept bits of a stem (not a surface word); 0 when none */
uint32_t elaaoms_concepts_of_stem(const char *stem, size_t len);

/*
 * The concepts a question word stands for although it is a stopword
 * ("where": ADDRESS, "when": TIME_OF_DAY and APPOINTMENT, "who": FAMILY
 * and NAME, "much" after "how": BILLING, "many" after "how": NUMBER), or
 * a word of a set phrase ("living" after "for": WORK); word and prev (the
 * word before, or NULL) lowercased.  0 for others.
 */
uint32_t elaaoms_question_concepts(const char *word, size_t len,
    const char *prev, size_t prev_len);

/*
 * 1 when a question's word names the caller by their role ("how is the
 * owner holding up", "what's this member called", "how did the parent
 * sound"): after "the", "this" or "that" it asks for nothing a memory
 * says ("The caller ...") and is no term of the question.  With one word
 * between ("the boat owner", "the account holder": prev is then the
 * word before that one), relevance.c drops both words.
 */
int elaaoms_question_names_caller(const char *word, size_t len,
    const char *prev, size_t prev_len);

/* "order", "contact", ...; NULL for an out-of-range id */
const char *elaaoms_concept_name(int concept);

/*
 * The concepts a memory of this type (elaaoms_mem_type_e) answers
 * whatever its words: an issue PROBLEM, an emotion EMOTION, a
 * relationship FAMILY, a preference PREFERENCE; a fact none.
 */
uint32_t elaaoms_type_concepts(int type);

/*
 * Not a concept of the table (no words, not embedded): a memory of
 * importance ELAAOMS_NOTABLE_IMPORTANCE or more, which "anything we should
 * know?", "what's her situation?" ask for (elaaoms_question_concepts()).
 */
#define ELAAOMS_CONCEPT_NOTABLE       31
#define ELAAOMS_NOTABLE_IMPORTANCE    8

/*
 * Not a concept of the table either: what the agent did, promised or
 * quoted (a memory "The agent ..."), which "what did we promise her?",
 * "what did we agree on?", "where did we leave off?" ask for.
 */
#define ELAAOMS_CONCEPT_AGENT_SAID    30

/* the type's concepts, NOTABLE for an important memory, AGENT_SAID for
 * one of the agent's commitments, NAME for a name one goes by ("goes
 * by", "known as"), HEALTH for a health or safety fact as
 * extract/memory_rules.h tells them (its content given, may be NULL) */
uint32_t elaaoms_memory_concepts(int type, int importance,
    const char *content, size_t len);

#endif /* ELAAOMS_TOKENIZE_H */
