/*
 * What an English word can mean, from WordNet 3.0 (Debian's wordnet-base,
 * turned into a table at build time by scripts/gen-wordnet.pl): the ids of
 * a word's frequent senses and of the senses one step away that say the
 * same thing in other words (derivations, pertainyms, similar adjectives,
 * specific hypernyms).  Two words are related when their id lists share
 * one: "price" and "cost", "allergic" and "allergy", "vegetarian" and
 * "vegetable" do; "order" and "pizza" do not.
 *
 * Lookups take the word as written and, when it is not a lemma, its base
 * form by WordNet's own detachment rules ("deliveries" -> "delivery",
 * "quoted" -> "quote", "shipping" -> "ship"); irregular forms ("paid",
 * "children") are in the table.  The table is read-only data: lookups are
 * thread-safe and allocate nothing.
 */

#ifndef ELAAOMS_LEXICON_H
#define ELAAOMS_LEXICON_H

#include <stddef.h>
#include <stdint.h>

/* longer words are never lemmas */
#define ELAAOMS_LEXICON_MAX_WORD  31

/*
 * The sense ids of word (lowercased ASCII letters, len bytes), sorted
 * ascending, in *ids (pointing into the table); returns how many, 0 for a
 * word the lexicon does not know.
 */
size_t elaaoms_lexicon_senses(const char *word, size_t len,
    const uint32_t **ids);

/* 1 when the word (lowercased) ends a phrasal verb: "up", "off", "back" ... */
int elaaoms_lexicon_particle(const char *word, size_t len);

/*
 * The sense ids of the phrasal verb verb + particle ("holding" "off" ->
 * "hold off": wait, postpone; "signed" "up": enrol), as
 * elaaoms_lexicon_senses(); 0 when WordNet has no such phrasal verb.
 */
size_t elaaoms_lexicon_phrasal_senses(const char *verb, size_t len,
    const char *particle, size_t plen, const uint32_t **ids);

/*
 * The sense ids of the compound noun first + word ("hearing" "aids" ->
 * "hearing aid": a device, never "allowance"; "credit" "cards"), as
 * elaaoms_lexicon_senses(); 0 when WordNet has no such compound.
 */
size_t elaaoms_lexicon_compound_senses(const char *first, size_t flen,
    const char *word, size_t len, const uint32_t **ids);

/*
 * The ids of the kinds the word's frequent noun senses are of, sorted
 * ascending: their hypernyms up to six steps up that are still specific
 * (at most 5,000 synsets under them), so that the senses of a question's
 * "medication" meet the kinds of "phenobarbital", "clothes" those of
 * "dress", "language" those of "Portuguese".  0 when none.
 */
size_t elaaoms_lexicon_kinds(const char *word, size_t len,
    const uint32_t **ids);

/*
 * 1 when the word (lowercased ASCII) is mostly used for an illness,
 * injury, disorder, disability, symptom, therapy, drug, allergy or wound
 * ("whiplash", "asthma", "insulin", "concussions"; not "cold", mostly
 * the adjective, nor "hurt", mostly the verb): scripts/gen-wordnet.pl
 * says how it is decided.
 */
int elaaoms_lexicon_health(const char *word, size_t len);

/*
 * 1 when the word's first noun sense is a part of the body ("collarbone",
 * "jaw", "wrists", "tooth"): an injury names one ("broke his collarbone")
 */
int elaaoms_lexicon_body_part(const char *word, size_t len);

/* 1 when the two sorted id lists share an id */
int elaaoms_lexicon_share(const uint32_t *a, size_t na, const uint32_t *b,
    size_t nb);

#endif /* ELAAOMS_LEXICON_H */
