/*
 * What to do with a freshly extracted memory given what the caller already
 * has, and the worker's write of one conversation's memories.
 *
 * Decisions, tried in this order against the caller's records:
 *
 *   EXACT      same type and the same normalized content (ASCII lowercased,
 *              every run of non-word bytes one space, trimmed: "Prefers
 *              email." == "prefers  EMAIL").  Never stored twice: it
 *              reinforces the existing record.
 *   CONFLICT   the same subject with a different value (below), against
 *              current (not superseded) records only.  The new memory is
 *              stored, each side links the other, the older ones get
 *              ELAAOMS_MEMORY_F_SUPERSEDED: history is kept and the newer
 *              ranks first (elaaoms_memory_rank_cmp()).  Tried before
 *              REINFORCE because a changed value often reads alike ("Lives
 *              at 5 Oak St" / "Lives at 12 Oak St").
 *   REINFORCE  same type and cosine >= threshold (default 0.85): the most
 *              similar record is reinforced (memory_record.h) and the new
 *              text dropped.
 *   NEW        anything else: stored.
 *
 * Cosine, per existing record: with the new memory's vector of the same
 * embedding model and dimension as the record's stored one (the offline
 * embedder's, or the caller's precomputed vector of another model, e.g.
 * OpenAI's: elaaoms_memory_apply_t), on the packed vector; a record of any
 * other model (or none) is compared by embedding both texts with the
 * offline embedder, so switching embedders mid-life keeps deduplicating.
 * One threshold serves both spaces although their scales differ: 0.85
 * was chosen for the offline embedder (t/unit/test_memory_store.c:
 * "Prefers email rather than phone calls" vs "Prefers email over phone
 * calls" 0.885, "Would rather get email than phone calls" 0.78).  It has
 * not been calibrated here for any OpenAI model; operators using one
 * should check dedup_threshold against their own memories.
 *
 * Conflict heuristic.  Both memories are of one type, factual or
 * preference, and fill the same single-valued "slot", recognised by a
 * concept of the tokenizer's table (tokenize.h):
 *
 *   slot               types        values are
 *   contact channel    preference   CONTACT words: email, phone, text ...
 *   contact detail     factual      tokens holding a digit, and both
 *                                   must share a CONTACT word ("phone
 *                                   number ends in 0123" / "new phone
 *                                   number ends in 0199")
 *   address            both         open
 *   name               both         open
 *   language           both         LANGUAGE words: spanish, english ...
 *   time of day        preference   TIME_OF_DAY words: morning, monday ...
 *   amount             both         BILLING: tokens holding a digit and
 *                                   NUMBER words, and both must share a
 *                                   subject: a word that is no value, no
 *                                   frame and no BILLING word ("renewal
 *                                   is $1,640 a month" / "eighteen months
 *                                   comes to $1,595 a month": "month")
 *   term               preference   DURATION: digits and NUMBER words
 *                                   ("renew for twelve months" / "the
 *                                   eighteen-month lease")
 *
 * "Open" values are the content words that carry no concept (street and
 * proper names: "oak", "harbor") and every token holding a digit.  Words
 * that frame a change rather than state a value ("new", "instead",
 * "currently", "anymore", the PREFERENCE words, "contact", "language",
 * "time" ...) are never values.  A conflict needs:
 *
 *   - the slot's concept in both texts;
 *   - the same "whose": both or neither about a family member, a pet or
 *     work (FAMILY, PET, WORK), and then a shared word of it, so "her
 *     daughter's name is Emma" never contradicts "her name is Ann", nor
 *     "a dog named Rex" "a cat named Tom";
 *   - values on both sides, each side having a value the other lacks
 *     ("email, phone" vs "text, email" conflict; "email" vs "email and
 *     text" is an addition, not a conflict),
 *   - or the very same values with opposite polarity: exactly one side
 *     says not/no/never/don't/anymore ("Prefers email" vs "Does not want
 *     email anymore").
 *
 * Examples: "Prefers email over phone calls" / "Prefers text messages now
 * instead of email" (channel: {email, phone, call} vs {text, message,
 * email}); "Lives at 5 Oak St" / "New address is 12 Harbor Lane" (address:
 * {5, oak, st} vs {12, harbor, lane}).  Limits: no tense ("used to live
 * at ..." reads as a current address), no word order ("email over phone"
 * and "phone over email" hold the same values), slots outside the table
 * go unseen, and a second valid value ("also has a phone in Boston") can
 * read as a change.  A false conflict costs little: both memories stay,
 * linked, the older one ranked second.
 *
 * A memory of any type that takes back a value a fact or preference
 * states ("Sandpiper Plaza doesn't work anymore": memory_retract.h) is a
 * conflict too, with that record even when something else superseded it
 * already, so its rank also follows the retraction.
 *
 * A superseded record that comes back exactly ("Prefers email" again after
 * "Prefers text") is reinstated: reinforced, its flag cleared, and the
 * current records it now contradicts are linked and superseded in turn.
 */

#ifndef ELAAOMS_MEMORY_DEDUP_H
#define ELAAOMS_MEMORY_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "store/memory_record.h"
#include "store/memory_types.h"
#include "search/tokenize.h"

#define ELAAOMS_DEDUP_DEFAULT_THRESHOLD  0.85f

typedef enum {
    ELAAOMS_DEDUP_NEW = 0,
    ELAAOMS_DEDUP_EXACT,
    ELAAOMS_DEDUP_REINFORCE,
    ELAAOMS_DEDUP_CONFLICT
} elaaoms_dedup_action_e;

typedef struct {
    elaaoms_dedup_action_e  action;
    size_t                  match;       /* EXACT, REINFORCE: the record */
    float                   similarity;  /* cosine with the best same-type
                                            record (1 for EXACT) */
    /* CONFLICT, or EXACT of a superseded record: current records the new
     * memory contradicts, indexes into `existing` */
    size_t                  nconflicts;
    size_t                  conflicts[ELAAOMS_MEMORY_MAX_CONFLICTS];
} elaaoms_dedup_decision_t;

/* 1 when a and b are equal once normalized (see above) */
int elaaoms_dedup_same_text(const char *a, size_t alen, const char *b,
    size_t blen);

/*
 * The conflict heuristic between two memories: 0 when they do not
 * conflict, otherwise 1 + the concept id of the slot they disagree on.
 */
int elaaoms_dedup_conflict(elaaoms_mem_type_e type_a, const char *a,
    size_t alen, elaaoms_mem_type_e type_b, const char *b, size_t blen);

/*
 * Decides for one new memory (type, content[0..len), and its vector from
 * elaaoms_embed_text(): ELAAOMS_EMBED_DIM floats) against existing[0..n).
 * Records whose vector is of another model or dimension are re-embedded
 * from their text for the comparison.  threshold <= 0 means the default.
 * No allocation.
 */
void elaaoms_dedup_decide(const elaaoms_memory_record_t *existing, size_t n,
    elaaoms_mem_type_e type, const char *content, size_t len,
    const float *vec, float threshold, elaaoms_dedup_decision_t *d);

/* a new memory's vector of another embedding model (borrowed) */
typedef struct {
    const float  *vec;     /* dim floats; NULL: none */
    size_t        dim;     /* 1..ELAAOMS_MEMORY_MAX_DIM */
    const char   *model;   /* the name records carry in embed_model */
} elaaoms_dedup_model_vec_t;

/*
 * The same, where mv (may be NULL) is also the new memory's vector of
 * the model mv->model: records of that model and dimension are compared
 * with it (cosine on their packed vector), records of the offline model
 * with vec, every other record by re-embedding its text offline.
 */
void elaaoms_dedup_decide_mv(const elaaoms_memory_record_t *existing,
    size_t n, elaaoms_mem_type_e type, const char *content, size_t len,
    const float *vec, const elaaoms_dedup_model_vec_t *mv, float threshold,
    elaaoms_dedup_decision_t *d);


/* one conversation's memories for one caller; strings are borrowed */
typedef struct {
    const char  *org;
    const char  *caller;
    const char  *conversation_id;
    const char  *agent_id;         /* NULL or "": none */
    int64_t      now;              /* 0: time(NULL) */
    float        threshold;        /* <= 0: ELAAOMS_DEDUP_DEFAULT_THRESHOLD */

    /*
     * Optional vectors of another embedder, computed by the caller (the
     * worker asks OpenAI; no network call happens here): NULL, or
     * list->n vectors of vec_dim floats, the one of list->items[i] at
     * vectors[i * vec_dim] (any values for items that turn out invalid).
     * vec_model (required with vectors, at most ELAAOMS_MEMORY_STR_MAX
     * bytes, never ELAAOMS_EMBED_MODEL: nginx would score with them)
     * names the model; 1 <= vec_dim <= ELAAOMS_MEMORY_MAX_DIM.
     */
    const float *vectors;
    size_t       vec_dim;
    const char  *vec_model;
} elaaoms_memory_apply_t;

/* every valid input memory lands in exactly one of the first four */
typedef struct {
    size_t  stored;       /* NEW */
    size_t  reinforced;   /* REINFORCE */
    size_t  duplicates;   /* EXACT */
    size_t  conflicts;    /* CONFLICT: stored, linked, older superseded */
    size_t  invalid;      /* bad type, importance, confidence or content */
} elaaoms_memory_apply_counts_t;

/*
 * Decides and writes list's memories (in order, each seeing the ones
 * before it) in one optimistic transaction: WATCH + HGETALL of the
 * caller's index, the decisions here, then every new and changed record
 * in one MULTI/EXEC, all redone from a fresh read when another writer got
 * in between (up to ELAAOMS_MEMORY_STORE_RETRIES times).  So a reader sees
 * all of a conversation's memories or none, and concurrent workers never
 * lose an update.
 *
 * Every memory first goes through extract/memory_rules.h, whatever
 * extracted it: a health or safety fact is stored (or reinforces) with
 * importance >= 8, an identity fact with ELAAOMS_MEMORY_F_IDENTITY (kept
 * by the record once set).  A reinforcement adds the conversation's agent
 * to the record's agents (memory_record.h): the memory then belongs to
 * every agent that created or reinforced it.
 *
 * A conversation reinforces a memory at most once: an EXACT or REINFORCE
 * match whose record already names this conversation only takes the
 * larger confidence and importance, so a job replayed after a crash
 * changes nothing and counts only duplicates.
 *
 * New memories get a new id and a packed vector: a->vectors' (embed_model
 * a->vec_model, dim a->vec_dim) when given, else the offline embedder's.
 * Decisions compare vectors as elaaoms_dedup_decide_mv() does, so a
 * memory stored earlier in the same call is compared in the new space.
 * 0 (counts filled) or -1 (also for vectors without a valid model or
 * dimension).
 */
int elaaoms_memory_store_apply(elaaoms_redis_t *rc,
    const elaaoms_memory_apply_t *a, const elaaoms_extracted_list_t *list,
    elaaoms_memory_apply_counts_t *counts, char *err, size_t errlen);

#endif /* ELAAOMS_MEMORY_DEDUP_H */
