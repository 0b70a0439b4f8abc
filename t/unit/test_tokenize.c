#include "unit.h"
#include "search/tokenize.h"
#include "store/memory_types.h"


static const char *
stem(const char *word)
{
    static char  buf[ELAAOMS_TOKEN_MAX + 1];
    size_t       n;

    snprintf(buf, sizeof(buf), "%s", word);
    n = elaaoms_stem(buf, strlen(buf));
    buf[n] = '\0';

    return buf;
}


static void
test_stem(void)
{
    /* plurals and third person */
    CHECK_STR_EQ(stem("orders"), "order");
    CHECK_STR_EQ(stem("deliveries"), "delivery");
    CHECK_STR_EQ(stem("boxes"), "box");
    CHECK_STR_EQ(stem("matches"), "match");
    CHECK_STR_EQ(stem("addresses"), "address");
    CHECK_STR_EQ(stem("address"), "address");
    CHECK_STR_EQ(stem("status"), "status");
    CHECK_STR_EQ(stem("analysis"), "analysis");
    CHECK_STR_EQ(stem("calls"), "call");

    /* -ful, when a word stays */
    CHECK_STR_EQ(stem("stressful"), "stress");
    CHECK_STR_EQ(stem("painful"), "pain");
    CHECK_STR_EQ(stem("useful"), "useful");
    CHECK_STR_EQ(stem("awful"), "awful");

    /* -ing, -ed, undoubling, the silent e */
    CHECK_STR_EQ(stem("shipping"), "ship");
    CHECK_STR_EQ(stem("shipped"), "ship");
    CHECK_STR_EQ(stem("billing"), "bill");
    CHECK_STR_EQ(stem("called"), "call");
    CHECK_STR_EQ(stem("delayed"), "delay");
    CHECK_STR_EQ(stem("preferred"), "prefer");
    CHECK_STR_EQ(stem("prefers"), "prefer");
    CHECK_STR_EQ(stem("tried"), "try");
    CHECK_STR_EQ(stem("move"), "mov");
    CHECK_STR_EQ(stem("moved"), "mov");
    CHECK_STR_EQ(stem("moving"), "mov");
    CHECK_STR_EQ(stem("charges"), stem("charged"));
    CHECK_STR_EQ(stem("contacted"), "contact");

    /* too short to carry a suffix, or not a suffix */
    CHECK_STR_EQ(stem("thing"), "thing");
    CHECK_STR_EQ(stem("need"), "need");
    CHECK_STR_EQ(stem("agreed"), "agreed");
    CHECK_STR_EQ(stem("free"), "free");
    CHECK_STR_EQ(stem("bus"), "bus");

    /* digits and non-ASCII words are left alone */
    CHECK_STR_EQ(stem("xyz789s"), "xyz789s");
    CHECK_STR_EQ(stem("caf\xc3\xa9s"), "caf\xc3\xa9s");
}


static void
test_tokens(void)
{
    int                  n;
    elaaoms_token_t      tok[16];
    elaaoms_tokenizer_t  tz;
    const char          *text = "What's Maria's ORDER XYZ-789, Jos\xc3\xa9?";

    elaaoms_tokenizer_init(&tz, text, strlen(text));
    for (n = 0; n < 16 && elaaoms_tokenizer_next(&tz, &tok[n]); n++) {
        /* void */
    }

    /* the "s" of "What's" and "Maria's" is skipped */
    CHECK_INT_EQ(n, 6);
    CHECK_STR_EQ(tok[0].word, "what");
    CHECK(tok[0].stopword);
    CHECK_STR_EQ(tok[1].word, "maria");
    CHECK(!tok[1].stopword);
    CHECK_STR_EQ(tok[2].word, "order");
    CHECK(tok[2].concepts & (1u << ELAAOMS_CONCEPT_ORDER));
    CHECK_STR_EQ(tok[3].word, "xyz");
    CHECK_STR_EQ(tok[4].word, "789");
    CHECK(tok[4].has_digit);
    CHECK_INT_EQ(tok[4].concepts, 1u << ELAAOMS_CONCEPT_NUMBER);
    CHECK_STR_EQ(tok[5].word, "jos\xc3\xa9");

    CHECK_INT_EQ(tok[2].stem_hash,
                 elaaoms_fnv1a(ELAAOMS_FNV_BASIS, "order", 5));

    /* a stretch over the length limit is cut, not split */
    text = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b";
    elaaoms_tokenizer_init(&tz, text, strlen(text));
    CHECK(elaaoms_tokenizer_next(&tz, &tok[0]));
    CHECK_INT_EQ(tok[0].word_len, ELAAOMS_TOKEN_MAX);
    CHECK(!elaaoms_tokenizer_next(&tz, &tok[0]));

    /* the length bounds the text: no NUL needed */
    elaaoms_tokenizer_init(&tz, "order number", 5);
    CHECK(elaaoms_tokenizer_next(&tz, &tok[0]));
    CHECK_STR_EQ(tok[0].word, "order");
    CHECK(!elaaoms_tokenizer_next(&tz, &tok[0]));

    elaaoms_tokenizer_init(&tz, NULL, 0);
    CHECK(!elaaoms_tokenizer_next(&tz, &tok[0]));
}


static uint32_t
concepts_of(const char *word)
{
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    elaaoms_tokenizer_init(&tz, word, strlen(word));

    return elaaoms_tokenizer_next(&tz, &tok) ? tok.concepts : 0;
}


static void
test_concepts(void)
{
    uint32_t  contact = 1u << ELAAOMS_CONCEPT_CONTACT;
    uint32_t  order = 1u << ELAAOMS_CONCEPT_ORDER;

    /* surface forms reach the concept through their stems */
    CHECK(concepts_of("contacted") & contact);
    CHECK(concepts_of("emails") & contact);
    CHECK(concepts_of("Phone") & contact);
    CHECK(concepts_of("texting") & contact);
    CHECK(concepts_of("purchases") & order);
    CHECK(concepts_of("deliveries") & order);
    CHECK(concepts_of("shipment") & order);
    CHECK(concepts_of("refunds") & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK(concepts_of("delayed") & (1u << ELAAOMS_CONCEPT_PROBLEM));
    CHECK(concepts_of("prefers") & (1u << ELAAOMS_CONCEPT_PREFERENCE));
    CHECK(concepts_of("moved") & (1u << ELAAOMS_CONCEPT_ADDRESS));
    CHECK(concepts_of("daughter") & (1u << ELAAOMS_CONCEPT_FAMILY));
    CHECK(concepts_of("frustrated") & (1u << ELAAOMS_CONCEPT_EMOTION));
    CHECK(concepts_of("id") & (1u << ELAAOMS_CONCEPT_NUMBER));

    /* a question's general word meets the caller's specific one: pests,
     * rooms, damage, compensation, chronic conditions, pets, luggage */
    CHECK(concepts_of("pests") & concepts_of("termites")
          & (1u << ELAAOMS_CONCEPT_PROBLEM));
    CHECK(concepts_of("ants") & (1u << ELAAOMS_CONCEPT_PROBLEM));
    CHECK(concepts_of("rooms") & concepts_of("kitchen")
          & (1u << ELAAOMS_CONCEPT_ADDRESS));
    CHECK(concepts_of("wrong") & concepts_of("snapped")
          & (1u << ELAAOMS_CONCEPT_PROBLEM));
    CHECK(concepts_of("compensation") & concepts_of("voucher")
          & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK(concepts_of("medical") & concepts_of("diabetic")
          & concepts_of("insulin") & (1u << ELAAOMS_CONCEPT_HEALTH));
    CHECK(concepts_of("pet") & concepts_of("greyhound")
          & (1u << ELAAOMS_CONCEPT_PET));
    CHECK(concepts_of("luggage") & concepts_of("suitcase")
          & (1u << ELAAOMS_CONCEPT_TRAVEL));
    CHECK(concepts_of("van") & concepts_of("park")
          & (1u << ELAAOMS_CONCEPT_VEHICLE));
    CHECK(concepts_of("documents") & (1u << ELAAOMS_CONCEPT_NUMBER));
    /* "rate" stems to "rat": no rodent word may make a rate a problem */
    CHECK(!(concepts_of("rate") & (1u << ELAAOMS_CONCEPT_PROBLEM)));

    /* stopwords and unknown words have none */
    CHECK_INT_EQ(concepts_of("the"), 0);
    CHECK_INT_EQ(concepts_of("zebra"), 0);

    CHECK(elaaoms_is_stopword("caller", 6));
    CHECK(!elaaoms_is_stopword("order", 5));
    /* a question's wording: "remind me of ...", "anything on file" */
    CHECK(elaaoms_is_stopword("remind", 6));
    CHECK(elaaoms_is_stopword("file", 4));
    CHECK(elaaoms_is_stopword("kind", 4));
    CHECK(elaaoms_is_stopword("use", 3));
    CHECK(!elaaoms_is_stopword("", 0));

    CHECK_STR_EQ(elaaoms_concept_name(ELAAOMS_CONCEPT_CONTACT), "contact");
    CHECK(elaaoms_concept_name(ELAAOMS_NCONCEPTS) == NULL);
    CHECK(elaaoms_concept_name(-1) == NULL);
}


/*
 * How callers' facts are said and how agents ask for them meet through
 * the table: each pair shares a concept (a class of call-center
 * vocabulary, not these words alone).
 */
static void
test_question_vocabulary(void)
{
    static const struct {
        const char         *asked;
        const char         *said;
        elaaoms_concept_e   concept;
    } pairs[] = {
        { "quote", "dollars", ELAAOMS_CONCEPT_BILLING },
        { "price", "seat", ELAAOMS_CONCEPT_BILLING },
        { "cost", "offer", ELAAOMS_CONCEPT_BILLING },
        { "overbilled", "invoice", ELAAOMS_CONCEPT_BILLING },
        { "coverage", "protection", ELAAOMS_CONCEPT_BILLING },
        { "pick", "chose", ELAAOMS_CONCEPT_PREFERENCE },
        { "selected", "option", ELAAOMS_CONCEPT_PREFERENCE },
        { "allergies", "allergic", ELAAOMS_CONCEPT_HEALTH },
        { "mobility", "walker", ELAAOMS_CONCEPT_HEALTH },
        { "device", "remote", ELAAOMS_CONCEPT_TECH },
        { "equipment", "router", ELAAOMS_CONCEPT_TECH },
        { "code", "reference", ELAAOMS_CONCEPT_NUMBER },
        { "model", "serial", ELAAOMS_CONCEPT_NUMBER },
        { "problem", "spiking", ELAAOMS_CONCEPT_PROBLEM },
        { "wrong", "melted", ELAAOMS_CONCEPT_PROBLEM },
        { "work", "nurse", ELAAOMS_CONCEPT_WORK },
        { "business", "bakery", ELAAOMS_CONCEPT_WORK },
        { "long", "years", ELAAOMS_CONCEPT_DURATION },
        { "relationship", "neighbor", ELAAOMS_CONCEPT_FAMILY },
        { "churning", "competitor", ELAAOMS_CONCEPT_CANCEL },
        { "feeling", "scared", ELAAOMS_CONCEPT_EMOTION },
        { "sensitive", "chargeback", ELAAOMS_CONCEPT_SECURITY },
        { "fraud", "unauthorized", ELAAOMS_CONCEPT_SECURITY },
        { "meat", "vegetarian", ELAAOMS_CONCEPT_FOOD },
        { "technician", "appointment", ELAAOMS_CONCEPT_APPOINTMENT },
        { "strength", "milligrams", ELAAOMS_CONCEPT_HEALTH },
        { "medication", "pills", ELAAOMS_CONCEPT_HEALTH },
        { "breathing", "asthma", ELAAOMS_CONCEPT_HEALTH },
        { "collecting", "pickup", ELAAOMS_CONCEPT_APPOINTMENT },
        { "coping", "lonely", ELAAOMS_CONCEPT_EMOTION },
        { "building", "keypad", ELAAOMS_CONCEPT_ADDRESS },
        { "symptom", "grinding", ELAAOMS_CONCEPT_PROBLEM },
        { "wrong", "rattling", ELAAOMS_CONCEPT_PROBLEM },
        { "gateway", "router", ELAAOMS_CONCEPT_TECH },
        { "relationship", "doorman", ELAAOMS_CONCEPT_FAMILY },
        { "stay", "nights", ELAAOMS_CONCEPT_DURATION },
        { "room", "checkout", ELAAOMS_CONCEPT_TRAVEL },
        { "transport", "taxi", ELAAOMS_CONCEPT_TRAVEL },
        { "student", "school", ELAAOMS_CONCEPT_EDUCATION },
        { "learning", "tests", ELAAOMS_CONCEPT_EDUCATION },
        { "handset", "pixel", ELAAOMS_CONCEPT_TECH },
        { "tuition", "dollars", ELAAOMS_CONCEPT_BILLING },
        { "fee", "percent", ELAAOMS_CONCEPT_BILLING },
        { "highway", "route", ELAAOMS_CONCEPT_ADDRESS },
        { "venue", "estate", ELAAOMS_CONCEPT_ADDRESS },
        { "avoid", "hates", ELAAOMS_CONCEPT_PREFERENCE },
        { "relationship", "coordinator", ELAAOMS_CONCEPT_FAMILY },
        { "restrictions", "eggs", ELAAOMS_CONCEPT_FOOD },
        { "monthly", "month", ELAAOMS_CONCEPT_DURATION },
        { "feeling", "clingy", ELAAOMS_CONCEPT_EMOTION },
        /* the fourth tuning batch's domains: named conditions, falls,
         * cover, card brands, selling, the forces, rites and faith, web
         * shops, design files, a lease's term, sessions, instruments */
        { "diagnosis", "parkinson", ELAAOMS_CONCEPT_HEALTH },
        { "diagnosis", "dementia", ELAAOMS_CONCEPT_HEALTH },
        { "accidents", "fallen", ELAAOMS_CONCEPT_HEALTH },
        { "covered", "warranty", ELAAOMS_CONCEPT_BILLING },
        { "card", "visa", ELAAOMS_CONCEPT_BILLING },
        { "downtime", "outage", ELAAOMS_CONCEPT_PROBLEM },
        { "wrong", "blurry", ELAAOMS_CONCEPT_PROBLEM },
        { "sell", "shop", ELAAOMS_CONCEPT_WORK },
        { "military", "navy", ELAAOMS_CONCEPT_WORK },
        { "military", "veteran", ELAAOMS_CONCEPT_WORK },
        { "faith", "lutheran", ELAAOMS_CONCEPT_OCCASION },
        { "remains", "cremated", ELAAOMS_CONCEPT_OCCASION },
        { "platform", "wordpress", ELAAOMS_CONCEPT_TECH },
        { "graphic", "logo", ELAAOMS_CONCEPT_TECH },
        { "artwork", "png", ELAAOMS_CONCEPT_TECH },
        { "term", "months", ELAAOMS_CONCEPT_DURATION },
        { "session", "evenings", ELAAOMS_CONCEPT_TIME_OF_DAY },
        { "instrument", "cello", ELAAOMS_CONCEPT_EDUCATION },
        { "relationship", "widow", ELAAOMS_CONCEPT_FAMILY },
        { "relationship", "treasurer", ELAAOMS_CONCEPT_FAMILY },
        { "space", "unit", ELAAOMS_CONCEPT_ADDRESS },
        { "react", "irritated", ELAAOMS_CONCEPT_EMOTION },
        { "relationship", "aide", ELAAOMS_CONCEPT_FAMILY },
        { "relationship", "mr", ELAAOMS_CONCEPT_FAMILY },
        { "teaches", "lessons", ELAAOMS_CONCEPT_EDUCATION },
        { "lose", "passed", ELAAOMS_CONCEPT_OCCASION },
        /* "has she lost anyone recently" and "he passed last spring" */
        { "lost", "passed", ELAAOMS_CONCEPT_OCCASION },
        { "bereavement", "died", ELAAOMS_CONCEPT_OCCASION },
        /* the fifth tuning batch's domains: surgery and recovery, a
         * specialist of the eyes, insurers and pay, dog breeds, the back
         * of a house, a job's title, dishes, getting to work, driving,
         * anger and shock, water damage, pools, a headcount */
        { "procedure", "surgery", ELAAOMS_CONCEPT_HEALTH },
        { "recovery", "arm", ELAAOMS_CONCEPT_HEALTH },
        { "optometrist", "prescription", ELAAOMS_CONCEPT_HEALTH },
        { "reacts", "allergic", ELAAOMS_CONCEPT_HEALTH },
        { "insurer", "insurance", ELAAOMS_CONCEPT_BILLING },
        { "pay", "paycheck", ELAAOMS_CONCEPT_BILLING },
        { "pets", "shepherd", ELAAOMS_CONCEPT_PET },
        { "backyard", "gate", ELAAOMS_CONCEPT_ADDRESS },
        { "address", "parkway", ELAAOMS_CONCEPT_ADDRESS },
        { "title", "manager", ELAAOMS_CONCEPT_WORK },
        { "work", "teaches", ELAAOMS_CONCEPT_WORK },
        { "dish", "rice", ELAAOMS_CONCEPT_FOOD },
        { "commute", "bus", ELAAOMS_CONCEPT_TRAVEL },
        { "driving", "car", ELAAOMS_CONCEPT_VEHICLE },
        { "angry", "ticked", ELAAOMS_CONCEPT_EMOTION },
        { "react", "shocked", ELAAOMS_CONCEPT_EMOTION },
        { "damage", "puddle", ELAAOMS_CONCEPT_PROBLEM },
        { "pump", "pool", ELAAOMS_CONCEPT_APPLIANCE },
        { "insist", "prefers", ELAAOMS_CONCEPT_PREFERENCE },
        { "choose", "decided", ELAAOMS_CONCEPT_PREFERENCE },
        { "denied", "appeal", ELAAOMS_CONCEPT_BILLING },
        { "number", "headcount", ELAAOMS_CONCEPT_NUMBER },
        /* "what's the mileage" asks for a number: "about 92,000" */
        { "mileage", "92,000", ELAAOMS_CONCEPT_NUMBER },
        { "odometer", "41762", ELAAOMS_CONCEPT_NUMBER },
    };
    static const struct {
        const char  *word;
        const char  *prev;
        uint32_t     want;
    } measures[] = {
        { "old", "how", 1u << ELAAOMS_CONCEPT_NUMBER },
        { "tall", "how", 1u << ELAAOMS_CONCEPT_NUMBER },
        { "big", "how", 1u << ELAAOMS_CONCEPT_NUMBER },
        { "doing", "widow", 1u << ELAAOMS_CONCEPT_EMOTION },
        /* "how is the homeowner taking it", "how did he take it" */
        { "it", "taking", 1u << ELAAOMS_CONCEPT_EMOTION },
        { "took", "she", 1u << ELAAOMS_CONCEPT_EMOTION },
        /* "what are we doing about it", "what did we commit to", "what
         * did I say": what the agent did or said */
        { "doing", "we", 1u << ELAAOMS_CONCEPT_AGENT_SAID },
        { "commit", "we", 1u << ELAAOMS_CONCEPT_AGENT_SAID },
        { "say", "i", 1u << ELAAOMS_CONCEPT_AGENT_SAID },
        /* "anything safety-related": what every agent must know */
        { "safety", "anything", (1u << ELAAOMS_CONCEPT_NOTABLE)
                                | (1u << ELAAOMS_CONCEPT_HEALTH)
                                | (1u << ELAAOMS_CONCEPT_SECURITY) },
    };
    size_t    k;
    uint32_t  bit;

    for (k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
        bit = 1u << pairs[k].concept;
        CHECK(concepts_of(pairs[k].asked) & bit);
        CHECK(concepts_of(pairs[k].said) & bit);
    }

    /* "$79.99" is an amount; "79.99" alone only a number */
    CHECK(concepts_of("$79.99") & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK(concepts_of("$79.99") & (1u << ELAAOMS_CONCEPT_NUMBER));
    CHECK(!(concepts_of("79.99") & (1u << ELAAOMS_CONCEPT_BILLING)));

    /* a clock time is a time of day, a bare number is not */
    {
        uint32_t  tod = 1u << ELAAOMS_CONCEPT_TIME_OF_DAY;

        CHECK(concepts_of("9:40") & tod);
        CHECK(concepts_of("6 am") & tod);
        CHECK(concepts_of("10pm") & tod);
        CHECK(concepts_of("4 p.m.") & tod);
        CHECK(concepts_of("9:40") & (1u << ELAAOMS_CONCEPT_NUMBER));
        CHECK(!(concepts_of("9 apples") & tod));
        CHECK(!(concepts_of("40") & tod));
        CHECK(!(concepts_of("4 a month") & tod));
    }

    /* "what device", "which machine": a home's appliances too */
    CHECK(concepts_of("device") & (1u << ELAAOMS_CONCEPT_APPLIANCE));
    CHECK(concepts_of("machine") & (1u << ELAAOMS_CONCEPT_TECH));

    /* health words beyond the table, from WordNet: a drug, a disorder */
    CHECK(concepts_of("warfarin") & (1u << ELAAOMS_CONCEPT_HEALTH));
    CHECK(concepts_of("dyslexia") & (1u << ELAAOMS_CONCEPT_HEALTH));
    CHECK(!(concepts_of("window") & (1u << ELAAOMS_CONCEPT_HEALTH)));

    /* "lives" is an address, not work ("for a living" is no concept) */
    CHECK(!(concepts_of("lives") & (1u << ELAAOMS_CONCEPT_WORK)));

    /* question words: stopwords that still ask for a kind of answer */
    CHECK(elaaoms_question_concepts("where", 5, NULL, 0)
          & (1u << ELAAOMS_CONCEPT_ADDRESS));
    CHECK(elaaoms_question_concepts("when", 4, "and", 3)
          & (1u << ELAAOMS_CONCEPT_TIME_OF_DAY));
    CHECK(elaaoms_question_concepts("who", 3, NULL, 0)
          & (1u << ELAAOMS_CONCEPT_FAMILY));
    CHECK(elaaoms_question_concepts("much", 4, "how", 3)
          & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK_INT_EQ(elaaoms_question_concepts("much", 4, "very", 4), 0);
    /* "what price did we settle on", "where did we land": a deal made */
    CHECK(elaaoms_question_concepts("settle", 6, "we", 2)
          & (1u << ELAAOMS_CONCEPT_AGENT_SAID));
    CHECK(elaaoms_question_concepts("land", 4, "we", 2)
          & (1u << ELAAOMS_CONCEPT_AGENT_SAID));
    CHECK_INT_EQ(elaaoms_question_concepts("land", 4, "the", 3), 0);
    /* the name one goes by; how someone is holding up */
    CHECK(elaaoms_question_concepts("by", 2, "goes", 4)
          == (1u << ELAAOMS_CONCEPT_NAME));
    CHECK(elaaoms_question_concepts("called", 6, "be", 2)
          == (1u << ELAAOMS_CONCEPT_NAME));
    CHECK(elaaoms_question_concepts("up", 2, "holding", 7)
          == (1u << ELAAOMS_CONCEPT_EMOTION));
    CHECK(elaaoms_question_concepts("handling", 8, "she", 3)
          == (1u << ELAAOMS_CONCEPT_EMOTION));
    CHECK_INT_EQ(elaaoms_question_concepts("handling", 8, "the", 3), 0);
    /* "how do I get into the building": a way in; "what's she into" */
    CHECK(elaaoms_question_concepts("into", 4, "get", 3)
          == (1u << ELAAOMS_CONCEPT_ADDRESS));
    CHECK(elaaoms_question_concepts("into", 4, "she", 3)
          == (1u << ELAAOMS_CONCEPT_PREFERENCE));
    CHECK_INT_EQ(elaaoms_question_concepts("by", 2, "stop", 4), 0);
    CHECK_INT_EQ(elaaoms_question_concepts("much", 4, NULL, 0), 0);
    CHECK(elaaoms_question_concepts("many", 4, "how", 3)
          & (1u << ELAAOMS_CONCEPT_NUMBER));
    CHECK_INT_EQ(elaaoms_question_concepts("the", 3, NULL, 0), 0);
    /* "how old", "how tall": a measure said as a number; "how is the
     * widow doing": how someone feels; "years old" asks nothing */
    for (k = 0; k < sizeof(measures) / sizeof(measures[0]); k++) {
        CHECK_INT_EQ(elaaoms_question_concepts(measures[k].word,
                         strlen(measures[k].word), measures[k].prev,
                         strlen(measures[k].prev))
                     & measures[k].want, measures[k].want);
    }
    CHECK_INT_EQ(elaaoms_question_concepts("old", 3, "years", 5), 0);
    /* "what does it run": a price */
    CHECK(elaaoms_question_concepts("run", 3, "it", 2)
          & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK_INT_EQ(elaaoms_question_concepts("run", 3, "they", 4), 0);
    /* "the owner", "this member": the caller, no term */
    CHECK(elaaoms_question_names_caller("owner", 5, "the", 3));
    CHECK(elaaoms_question_names_caller("member", 6, "this", 4));
    CHECK(elaaoms_question_names_caller("dad", 3, "the", 3));
    CHECK(!elaaoms_question_names_caller("dad", 3, "her", 3));
    CHECK(!elaaoms_question_names_caller("owner", 5, "business", 8));
    CHECK(!elaaoms_question_names_caller("owner", 5, NULL, 0));
    CHECK(!elaaoms_question_names_caller("account", 7, "the", 3));
    /* "how long is the stay"; "what's she into" */
    CHECK(elaaoms_question_concepts("long", 4, "how", 3)
          & (1u << ELAAOMS_CONCEPT_DURATION));
    CHECK_INT_EQ(elaaoms_question_concepts("long", 4, "so", 2), 0);
    CHECK(elaaoms_question_concepts("into", 4, "she", 3)
          == (1u << ELAAOMS_CONCEPT_PREFERENCE));
    CHECK(elaaoms_question_concepts("living", 6, "for", 3)
          & (1u << ELAAOMS_CONCEPT_WORK));
    CHECK_INT_EQ(elaaoms_question_concepts("living", 6, "the", 3), 0);
    /* "what's her order coming to now": a total; "talk to" is none */
    CHECK(elaaoms_question_concepts("to", 2, "coming", 6)
          & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK_INT_EQ(elaaoms_question_concepts("to", 2, "come", 4), 0);

    CHECK_STR_EQ(elaaoms_concept_name(ELAAOMS_CONCEPT_SECURITY), "security");
    CHECK_STR_EQ(elaaoms_concept_name(ELAAOMS_CONCEPT_DURATION), "duration");
}


/* "won't start" reports a problem, "doesn't want" does not */
static void
test_negated_problem(void)
{
    const uint32_t  problem = 1u << ELAAOMS_CONCEPT_PROBLEM;

    /* concepts_of() reads the first token: the auxiliary */
    CHECK(concepts_of("won't start") & problem);
    CHECK(concepts_of("doesn't work") & problem);
    CHECK(concepts_of("can't log in") & problem);
    CHECK(concepts_of("isn't charging") & problem);
    CHECK_INT_EQ(concepts_of("doesn't want calls"), 0);
    CHECK_INT_EQ(concepts_of("can't remember"), 0);
    CHECK_INT_EQ(concepts_of("won the prize"), 0);
    CHECK_INT_EQ(concepts_of("can start"), 0);
    CHECK_INT_EQ(concepts_of("won't"), 0);

    /* a memory's type: an issue answers "what went wrong" */
    CHECK_INT_EQ(elaaoms_type_concepts(ELAAOMS_MEM_ISSUE), problem);
    CHECK_INT_EQ(elaaoms_type_concepts(ELAAOMS_MEM_EMOTION),
                 1u << ELAAOMS_CONCEPT_EMOTION);
    CHECK_INT_EQ(elaaoms_type_concepts(ELAAOMS_MEM_FACTUAL), 0);

    /* an important memory answers "anything we should know?" */
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 8, NULL, 0),
                 1u << ELAAOMS_CONCEPT_NOTABLE);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 7, NULL, 0), 0);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_ISSUE, 9, NULL, 0),
                 problem | (1u << ELAAOMS_CONCEPT_NOTABLE));
    CHECK_INT_EQ(elaaoms_question_concepts("know", 4, "should", 6),
                 1u << ELAAOMS_CONCEPT_NOTABLE);
    CHECK_INT_EQ(elaaoms_question_concepts("know", 4, "you", 3), 0);
    CHECK(ELAAOMS_CONCEPT_NOTABLE >= ELAAOMS_NCONCEPTS);

    /* what the agent did answers "what did we promise her?" */
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 5,
                                         "The agent will call on Friday.", 30),
                 1u << ELAAOMS_CONCEPT_AGENT_SAID);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 5,
                                         "The caller will call back.", 26), 0);
    CHECK_INT_EQ(elaaoms_question_concepts("promised", 8, "we", 2),
                 1u << ELAAOMS_CONCEPT_AGENT_SAID);
    /* "what are we charging her": the agent's price */
    CHECK_INT_EQ(elaaoms_question_concepts("charging", 8, "we", 2),
                 (1u << ELAAOMS_CONCEPT_AGENT_SAID)
                 | (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK_INT_EQ(elaaoms_question_concepts("charging", 8, "they", 4), 0);
    CHECK(ELAAOMS_CONCEPT_AGENT_SAID >= ELAAOMS_NCONCEPTS);

    /* a name one goes by answers "what's her nickname" */
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 6,
                                         "The caller goes by Kobby.", 25),
                 1u << ELAAOMS_CONCEPT_NAME);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 6,
                                         "Known as Liz at work.", 21),
                 1u << ELAAOMS_CONCEPT_NAME);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 6,
                                         "The caller goes by bus.", 23), 0);
    CHECK_INT_EQ(elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 6,
                                         "The caller goes by Kobby.", 19), 0);

    /* "the 28th" is a date */
    CHECK(concepts_of("28th") & (1u << ELAAOMS_CONCEPT_TIME_OF_DAY));
    CHECK(concepts_of("3rd") & (1u << ELAAOMS_CONCEPT_TIME_OF_DAY));
    CHECK(!(concepts_of("SB8200") & (1u << ELAAOMS_CONCEPT_TIME_OF_DAY)));
    CHECK(!(concepts_of("4th4") & (1u << ELAAOMS_CONCEPT_TIME_OF_DAY)));

    /* spelled numbers and amounts */
    CHECK(concepts_of("forty") & (1u << ELAAOMS_CONCEPT_NUMBER));
    CHECK(concepts_of("45 a head") & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK(concepts_of("45 a night") & (1u << ELAAOMS_CONCEPT_BILLING));
    CHECK(!(concepts_of("45 a lot") & (1u << ELAAOMS_CONCEPT_BILLING)));
}


int
main(void)
{
    test_stem();
    test_tokens();
    test_concepts();
    test_question_vocabulary();
    test_negated_problem();

    return UNIT_DONE("tokenize");
}
