/*
 * The rules every extracted memory goes through before it is stored,
 * whatever extracted it (the offline rules or an LLM): memory_dedup.c's
 * elaaoms_memory_store_apply() applies them to each memory it is given.
 *
 *   health and safety   a memory that mentions an allergy, a medical
 *                       need, an accessibility need or a safety risk
 *                       gets importance >= ELAAOMS_MEMORY_SHAREABLE_MIN
 *                       (8), so every agent of the organization sees it
 *                       ("peanut allergy", "uses a wheelchair",
 *                       "diabetic", "hearing impaired", "EpiPen", "gas
 *                       leak").  Any memory type.
 *   identity            a factual or preference memory whose subject is
 *                       the caller's own name, the name they go by, or
 *                       their language gets ELAAOMS_MEMORY_F_IDENTITY:
 *                       every agent of the organization sees it whatever
 *                       its importance ("Caller's name is Maria Lopez",
 *                       "Prefers to be called Mike", "Prefers to speak
 *                       Spanish").
 *
 * Both read the tokenizer's words (search/tokenize.h: lowercased, single
 * letters skipped).  Health words are also WordNet's (search/lexicon.h,
 * elaaoms_lexicon_health(): "whiplash", "migraine", "therapy").  Health
 * and safety terms are a table of words and phrases, a final '*' matching any ending ("allerg*": allergy, allergic,
 * allergies).  Bare words that mean something else in a call center are
 * only matched in phrases: "medical" (a medical bill), "disabled" (a
 * disabled account), "hearing" ("hearing about"), "mobility" (a mobile
 * plan), "threat" ("threatened to cancel"), "walker" (a surname).  No
 * negation: "no known allergies" is raised as well, a fact worth sharing.
 *
 * Identity is recognised from the subject the tokenizer's concept table
 * gives the words: a NAME or LANGUAGE word, or a way of naming ("goes
 * by", "be called", "known as", "addressed as"), in a memory with no word
 * about anything else the caller's identity does not cover: someone else
 * (FAMILY, PET, WORK, an agent, a landlord ...), an order, a bill, an
 * account, an address or contact detail, a problem, an appointment, a
 * number.  So "Her daughter's name is Emma", "Dog named Rex" and "Name on
 * order XYZ-789 is wrong" stay with their agent: identity errs on the
 * side of not sharing.
 *
 * Plain C, no allocation, thread-safe.
 */

#ifndef ELAAOMS_MEMORY_RULES_H
#define ELAAOMS_MEMORY_RULES_H

#include <stddef.h>

#include "store/memory_record.h"
#include "store/memory_types.h"

/* the importance health and safety facts get at least: shared */
#define ELAAOMS_RULES_HEALTH_IMPORTANCE  ELAAOMS_MEMORY_SHAREABLE_MIN

/* words read per memory; a memory is one sentence, the rest is ignored */
#define ELAAOMS_RULES_MAX_WORDS          256

typedef struct {
    int       importance;   /* the extractor's, raised for health/safety */
    unsigned  flags;        /* ELAAOMS_MEMORY_F_IDENTITY or 0 */
    unsigned  health:1;     /* a health or safety fact */
} elaaoms_memory_rules_t;

/* both rules over one memory: out gets its importance and flags */
void elaaoms_memory_rules_apply(elaaoms_mem_type_e type, const char *content,
    size_t len, int importance, elaaoms_memory_rules_t *out);

/* 1 when the text states a health or safety fact */
int elaaoms_memory_rules_health(const char *content, size_t len);

/* 1 when a memory of this type and text is about who the caller is */
int elaaoms_memory_rules_identity(elaaoms_mem_type_e type,
    const char *content, size_t len);

#endif /* ELAAOMS_MEMORY_RULES_H */
