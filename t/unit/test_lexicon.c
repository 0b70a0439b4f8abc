#include <stdint.h>

#include "unit.h"
#include "search/lexicon.h"


typedef size_t (*ids_of_t)(const char *word, size_t len,
    const uint32_t **ids);

/* do a's ids (by ids_a) and b's (by ids_b) share one? */
static int
meet(ids_of_t ids_a, const char *a, ids_of_t ids_b, const char *b)
{
    size_t           na, nb;
    const uint32_t  *sa, *sb;

    na = ids_a(a, strlen(a), &sa);
    nb = ids_b(b, strlen(b), &sb);

    return na && nb && elaaoms_lexicon_share(sa, na, sb, nb);
}

#define related(a, b)                                                         \
    meet(elaaoms_lexicon_senses, a, elaaoms_lexicon_senses, b)
/* is word (a memory's) of a kind the question's category names? */
#define of_kind(word, category)                                               \
    meet(elaaoms_lexicon_kinds, word, elaaoms_lexicon_senses, category)


static size_t
senses(const char *w)
{
    const uint32_t  *ids;

    return elaaoms_lexicon_senses(w, strlen(w), &ids);
}


static void
test_lookup(void)
{
    size_t           i, n;
    const uint32_t  *ids;

    CHECK(senses("price") > 0);
    CHECK(senses("allergy") > 0);

    /* sorted ascending: lexicon_share() relies on it */
    n = elaaoms_lexicon_senses("order", 5, &ids);
    CHECK(n > 1);
    for (i = 1; i < n; i++) {
        CHECK(ids[i - 1] < ids[i]);
    }

    /* not words of the table: nothing, and no pointer */
    CHECK_INT_EQ(senses("xyz789"), 0);
    CHECK_INT_EQ(senses("Price"), 0);
    CHECK_INT_EQ(senses(""), 0);
    CHECK_INT_EQ(senses("a"), 0);
    CHECK_INT_EQ(senses("qwzxv"), 0);
    CHECK_INT_EQ(elaaoms_lexicon_senses("price\0x", 7, &ids), 0);
    CHECK(ids == NULL);
    CHECK_INT_EQ(senses("abcdefghijklmnopqrstuvwxyzabcdefghij"), 0);
}


static void
test_inflections(void)
{
    /* regular forms reach their lemma, irregular ones are in the table */
    CHECK(related("deliveries", "delivery"));
    CHECK(related("quoted", "quote"));
    CHECK(related("shipping", "ship"));
    CHECK(related("refunded", "refund"));
    CHECK(related("children", "child"));
    CHECK(related("paid", "pay"));
    CHECK(related("boxes", "box"));
}


static void
test_relations(void)
{
    /* synonyms, derivations, specific hypernyms */
    CHECK(related("price", "cost"));
    CHECK(related("allergies", "allergic"));
    CHECK(related("injury", "whiplash"));
    CHECK(related("refund", "repayment"));
    CHECK(related("physician", "doctor"));
    CHECK(related("car", "automobile"));

    /* unrelated words stay apart */
    CHECK(!related("price", "allergy"));
    CHECK(!related("router", "sandwich"));
    CHECK(!related("email", "dog"));
    CHECK(!related("address", "pizza"));
}


/* the senses of a two-word lemma (a phrasal verb, a compound noun) meet
 * those of word b */
static int
two_words_related(size_t (*senses_of)(const char *, size_t, const char *,
    size_t, const uint32_t **), const char *w1, const char *w2,
    const char *b)
{
    size_t           na, nb;
    const uint32_t  *sa, *sb;

    na = senses_of(w1, strlen(w1), w2, strlen(w2), &sa);
    nb = elaaoms_lexicon_senses(b, strlen(b), &sb);

    return na && nb && elaaoms_lexicon_share(sa, na, sb, nb);
}

#define phrasal_related(v, p, b)                                              \
    two_words_related(elaaoms_lexicon_phrasal_senses, v, p, b)
#define compound_related(f, w, b)                                             \
    two_words_related(elaaoms_lexicon_compound_senses, f, w, b)


static void
test_phrasal(void)
{
    const uint32_t  *ids;

    /* the phrasal verb means what its verb alone does not */
    CHECK(phrasal_related("holding", "off", "wait"));
    CHECK(!related("holding", "wait"));
    CHECK(phrasal_related("held", "off", "wait"));
    CHECK(phrasal_related("dropping", "off", "deliver"));
    CHECK(phrasal_related("make", "up", "compensate"));
    CHECK(phrasal_related("signed", "up", "subscribe"));

    /* not a particle, not a phrasal verb of WordNet's */
    CHECK_INT_EQ(elaaoms_lexicon_phrasal_senses("hold", 4, "the", 3, &ids),
                 0);
    CHECK(ids == NULL);
    CHECK_INT_EQ(elaaoms_lexicon_phrasal_senses("router", 6, "off", 3, &ids),
                 0);
    CHECK_INT_EQ(elaaoms_lexicon_phrasal_senses("hold", 4, "", 0, &ids), 0);
    CHECK(elaaoms_lexicon_particle("off", 3));

    /* a compound noun is no sum of its words: a hearing aid is a device,
     * while an aid may be a benefit */
    CHECK(related("aid", "benefit"));
    CHECK(!compound_related("hearing", "aids", "benefit"));
    CHECK(compound_related("credit", "cards", "card"));
    CHECK_INT_EQ(elaaoms_lexicon_compound_senses("hearing", 7, "xyzzy", 5,
                                                 &ids), 0);
    CHECK(ids == NULL);
    CHECK_INT_EQ(elaaoms_lexicon_compound_senses("Hearing", 7, "aid", 3,
                                                 &ids), 0);
    CHECK(!elaaoms_lexicon_particle("of", 2));
}


static void
test_kinds(void)
{
    size_t           i, n;
    const uint32_t  *ids;

    /* a few steps up WordNet's hypernyms, plurals too */
    CHECK(of_kind("phenobarbital", "medication"));
    CHECK(of_kind("dress", "clothes"));
    CHECK(of_kind("dresses", "clothes"));
    CHECK(of_kind("portuguese", "language"));
    CHECK(of_kind("poodle", "dog"));
    CHECK(of_kind("truck", "vehicle"));
    CHECK(of_kind("sedan", "car"));
    CHECK(of_kind("denver", "city"));

    /* one way: a medication is no phenobarbital */
    CHECK(!of_kind("medication", "phenobarbital"));
    CHECK(!of_kind("dress", "medication"));
    CHECK(!of_kind("piano", "language"));

    /* too wide to be asked for: everything is an "object" */
    CHECK(!of_kind("piano", "object"));
    CHECK(!of_kind("piano", "entity"));

    /* a verb's form has no kinds ("running out of patience" is no plan),
     * nor does a verb's "-ed" reach a noun ("named": "name") */
    CHECK_INT_EQ(elaaoms_lexicon_kinds("running", 7, &ids), 0);
    CHECK(ids == NULL);
    CHECK_INT_EQ(elaaoms_lexicon_kinds("named", 5, &ids), 0);
    CHECK(!of_kind("running", "plan"));
    CHECK_INT_EQ(elaaoms_lexicon_kinds("xyzzy", 5, &ids), 0);
    CHECK_INT_EQ(elaaoms_lexicon_kinds("Piano", 5, &ids), 0);

    /* sorted ascending, as lexicon_share() needs */
    n = elaaoms_lexicon_kinds("phenobarbital", 13, &ids);
    CHECK(n > 1);
    for (i = 1; i < n; i++) {
        CHECK(ids[i - 1] < ids[i]);
    }
}


static void
test_health(void)
{
    CHECK(elaaoms_lexicon_health("whiplash", 8));
    CHECK(elaaoms_lexicon_health("migraines", 9));
    CHECK(elaaoms_lexicon_health("therapy", 7));
    CHECK(elaaoms_lexicon_health("injuries", 8));
    CHECK(elaaoms_lexicon_health("asthma", 6));

    /* mostly something else: the adjective, the verb, a thing */
    CHECK(!elaaoms_lexicon_health("cold", 4));
    CHECK(!elaaoms_lexicon_health("hurt", 4));
    CHECK(!elaaoms_lexicon_health("order", 5));
    CHECK(!elaaoms_lexicon_health("crash", 5));
    CHECK(!elaaoms_lexicon_health("Asthma", 6));
}


static void
test_body_parts(void)
{
    CHECK(elaaoms_lexicon_body_part("collarbone", 10));
    CHECK(elaaoms_lexicon_body_part("wrists", 6));
    CHECK(elaaoms_lexicon_body_part("teeth", 5));
    CHECK(elaaoms_lexicon_body_part("jaw", 3));

    /* a thing, or a part of the body only in a later sense */
    CHECK(!elaaoms_lexicon_body_part("phone", 5));
    CHECK(!elaaoms_lexicon_body_part("heart", 5));
    CHECK(!elaaoms_lexicon_body_part("side", 4));
}


int
main(void)
{
    test_lookup();
    test_inflections();
    test_relations();
    test_phrasal();
    test_kinds();
    test_health();
    test_body_parts();

    return UNIT_DONE("lexicon");
}
