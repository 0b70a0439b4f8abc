/*
 * Tokenizer, light English stemmer, stopwords and the concept table.
 */

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "search/lexicon.h"
#include "search/tokenize.h"
#include "store/memory_types.h"
#include "extract/memory_rules.h"


/*
 * Function words and words that tell nothing about a caller because every
 * memory is about the caller ("customer", "caller").  Matched on the
 * lowercased surface word, before stemming.
 */
static const char  *elaaoms_stopword_list =
    "a about above after again against all also am an and any are aren as "
    "at be because been before being below between both but by can cannot "
    "could couldn did didn do does doesn doing don done down during each "
    "even ever few for from further get gets getting got had hadn has hasn "
    "have haven having he her here hers herself him himself his how if in "
    "into is isn it its itself just let lets me more most much my myself "
    "no nor not now of off on once only or other our ours ourselves out "
    "over own per same shan she should shouldn so some such than that "
    "thats the their theirs them themselves then there these they this "
    "those through thus to too under until up upon us very was wasn we "
    "were weren what whats when where which while who whom whose why will "
    "with won would wouldn yes yet you your yours yourself yourselves "
    "um uh ok okay yeah oh hi hello please thanks thank "
    "caller customer client user person someone somebody tell told know "
    "say said says mention mentioned "
    /* how agents word a question, never what answers it ("remind me of
     * the ...", "anything on file about ...", "what kind of ...") */
    "remind anything something thing things kind sort exactly again file "
    "details detail info information currently use uses using";


/*
 * The concept table: general call-center vocabulary grouped by what a
 * caller's question is about.  A word may sit in several concepts.  The
 * words are stemmed when the index is built, so list base forms; plural
 * and -ed/-ing forms follow.  Keep it general: a word belongs here when
 * it would help any caller's question meet any caller's memory, never to
 * make one test pair pass.
 */
static const char  *elaaoms_concept_words[ELAAOMS_NCONCEPTS] = {
    /* ORDER */
    "order purchase package parcel delivery deliver shipment ship shipping "
    "item tracking track arrive arrival courier dispatch bought buy "
    "product return exchange replacement box kit shipped driver "
    "subscription send",
    /* CONTACT */
    "contact email mail phone call callback text sms message reach "
    "voicemail cellphone cell mobile landline telephone whatsapp follow "
    "followup reach callback notify notification",
    /* NAME */
    "name nickname surname firstname lastname spell spelling pronounce "
    "pronunciation introduce",
    /* ADDRESS */
    "address live home house street avenue road apartment flat city town "
    "zip postcode postal move relocate residence neighborhood "
    "neighbourhood located location lane drive boulevard blvd court "
    "floor suite building property gate door entrance driveway yard "
    "garage porch arrival doorbell knock buzzer intercom lockbox route "
    "highway freeway interstate intersection venue estate site room "
    "kitchen bathroom bedroom basement attic deck patio hallway closet "
    "hotel motel unit space locker backyard parkway pkwy terrace "
    "crescent trail plaza keypad dock elevator lobby stairwell entry",
    /* PREFERENCE */
    "prefer preference like want favorite favourite rather love enjoy wish "
    "choose choice interest interested request hate dislike best need "
    "ask require consider evaluate addon avoid insist decide decision "
    "chose chosen pick select selection opt option",
    /* BILLING */
    "charge bill billing invoice refund payment pay paid price cost fee "
    "dollar money credit debit card overcharge dispute statement balance "
    "transaction discount cheque bank banking expensive cheap quote "
    "pricing rate fee overbill overbilled owe buck cent offer promo "
    "promotion deal promise autopay renewal renew invoice receivable "
    "payable chargeback seat license licence per amount total budget "
    "afford spend estimate deposit installment instalment financing "
    "finance worth apiece tariff surcharge tax rebate saving quid euro "
    "pound ballpark tuition rent premium copay deductible fare dues "
    "percent percentage compensation compensate reimburse reimbursement "
    "voucher coupon giftcard visa mastercard amex paypal venmo zelle "
    "warranty guarantee cover coverage covered protection "
    "insurance insurer insure insured paycheck paystub payroll wage "
    "salary overtime earn earnings claim appeal deny denied denial",
    /* PROBLEM */
    "problem issue complaint complain broken break delay late damage wrong "
    "missing lost fault error trouble defective fail failure outage crash "
    "concern bug disconnect cutting drop dropout spike lag latency slow "
    "reject bounce melt wilt spoil rot leak crack noise reboot restart "
    "overheat freeze stuck blink flash happen glitch unreliable "
    "intermittent decline dead stop flat smell burn clog block jam drip "
    "gripe grievance "
    "overflow trip spark malfunction unresponsive symptom rattle squeal "
    "squeak grind buzz hum vibrate vibration shake knock clunk beep buffer "
    "flicker stall discrepancy mismatch mistake incorrect affect snap tear "
    "torn rip shatter dent scratch bent pest infestation infest ant termite "
    "roach cockroach mouse mice rodent bedbug wasp hornet flea mold "
    "mildew fall fell fallen slip downtime offline "
    "unavailable blurry blurred fuzzy pixelated grainy distorted flood "
    "puddle soak soaked",
    /* NUMBER (and every token holding a digit) */
    "number id code reference confirmation ticket serial pin digit "
    "identifier model dose dosage two three four five six seven eight "
    "nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million dozen document count headcount "
    "mileage odometer",
    /* EMOTION */
    "feel feeling mood emotion frustrated frustration frustrating angry "
    "anger upset annoyed irritated happy unhappy pleased satisfied "
    "satisfaction dissatisfied glad sad disappointed calm stressed stress "
    "worried worry anxious grateful thankful delighted impatient patience "
    "furious excited nervous rude polite friendly confused confusion mad "
    "scared afraid terrified shaken shaking fed relieved relief sound "
    "emotional emotionally love thrilled awful terrible fantastic "
    "annoying cope coping livid fuming panic panicked devastated "
    "heartbroken embarrassed overwhelmed exhausted disgusted insulted "
    "helpless unacceptable ridiculous outrageous horrible absurd impressed "
    "tired hopeful skeptical sceptical doubtful trust distrust ecstatic "
    "overjoyed unimpressed displeased uneasy vibe attitude sentiment "
    "temperament spirits panicky jittery cry crying clingy cranky fussy "
    "tearful react ticked irked peeved miffed aggravated shock shocked "
    "surprised stunned lonely loneliness grieving grief mourning freaking "
    "freaked depressed miserable hopeless proud teary weepy flustered "
    "rattled distraught mortified humiliated ashamed",
    /* FAMILY */
    "family daughter son wife husband mother mom father dad parent child "
    "children kid sister brother spouse partner grandson granddaughter "
    "grandmother grandfather grandchild aunt uncle niece nephew relative "
    "caregiver relationship relation neighbor neighbour friend roommate "
    "people household referred referral boy girl teen teenager baby "
    "toddler infant mum mommy daddy granny grandma grandpa fiance fiancee "
    "boyfriend girlfriend stepson stepdaughter stepmother stepfather "
    "guardian trustee beneficiary executor carer caretaker nanny "
    "babysitter twin doorman concierge landlord landlady tenant "
    "housekeeper assistant coworker borrower cosigner dr coordinator planner "
    "widow widower widowed treasurer secretary aide mr mrs ms miss",
    /* FREQUENCY */
    "every often frequent frequently regular regularly usual usually week "
    "weekly daily monthly routine repeat recurring standing second third "
    "fourth twice",
    /* LOYALTY */
    "vip premium loyal loyalty gold silver platinum tier member membership "
    "priority valued longtime elite reward",
    /* APPOINTMENT */
    "appointment schedule booking book reservation reserve meeting visit "
    "slot technician tech install installation session shift collect "
    "collecting pickup dropoff checkin checkout",
    /* TIME_OF_DAY */
    "morning afternoon evening night noon lunchtime time hour weekday "
    "weekend monday tuesday wednesday thursday friday saturday sunday "
    "available availability tonight tomorrow today day pm am early date "
    "january february march april may june july august september october "
    "november december session shift",
    /* LANGUAGE */
    "language speak speaker spanish english french german chinese mandarin "
    "cantonese portuguese italian arabic hindi vietnamese korean japanese "
    "russian polish tagalog bilingual translate translator interpreter "
    "accent",
    /* ACCOUNT */
    "account login password username profile manage handle responsible "
    "holder authorized owner signin access admin user",
    /* CANCEL */
    "cancel cancellation terminate termination unsubscribe quit competitor "
    "switch leave close churn risk gone elsewhere retention",
    /* HEALTH */
    "allergy allergic diet dietary vegetarian vegan gluten peanut nut dairy "
    "lactose kosher halal medication medicine medical health doctor "
    "hospital condition disability disabled hearing deaf blind wheelchair "
    "mobility accessibility accessible walker stroke injury injured "
    "whiplash therapy hurt pendant epipen reaction vomit nausea sick ill "
    "illness symptom effect rash itch fever pain ache sore dizzy swell "
    "swollen bleed limp cough knee hip shoulder ankle wrist neck spine acl "
    "elbow joint limitation accommodation "
    "pill tablet capsule prescription prescribe refill pharmacy drug dose "
    "dosage strength milligram mg mcg microgram milliliter ml sensitivity "
    "intolerance intolerant physician specialist surgeon cardiologist "
    "dermatologist pediatrician therapist diagnosis diagnose chronic "
    "sedation anesthesia learning dyslexia diabetic diabetes insulin asthma "
    "inhaler epilepsy seizure arthritis pacemaker oxygen "
    "parkinson alzheimer dementia crohn copd lupus cancer tumor chemo "
    "chemotherapy dialysis migraine adhd autism autistic sclerosis "
    "paralysis paralyzed neurologist oncologist cane crutch frail "
    "surgery surgical operation procedure recovery recover rehab "
    "rehabilitation physio physiotherapy orthopedic orthopaedic "
    "optometrist ophthalmologist react arm leg foot "
    "accident incident fall fell fallen slip heart murmur eczema "
    "psoriasis hernia infection cholesterol thyroid anemia breathing "
    "breathe breath respiratory lung lungs wheeze wheezing impaired "
    "impairment visually eyesight",
    /* PET */
    "pet dog cat puppy kitten animal vet greyhound hound terrier retriever "
    "labrador poodle beagle bulldog spaniel husky dachshund chihuahua "
    "parrot bird rabbit hamster horse pup canine feline shepherd collie "
    "rottweiler doberman pitbull corgi pug schnauzer mutt pomeranian",
    /* WORK */
    "job work employer company business occupation profession office "
    "career employ employee boss colleague firm own run owner "
    "practice clinic shop store nurse teacher developer engineer "
    "translator bookkeeper accountant manager driver student retired "
    "freelance freelancer consultant designer programmer contractor "
    "electrician plumber chef cashier clerk mechanic pilot officer "
    "firefighter pharmacist dentist dental lawyer farmer writer artist "
    "musician realtor landscaper landscaping roastery bakery "
    "restaurant operations sell seller sale retail retailer vendor "
    "merchant military army navy marine veteran soldier airforce title "
    "role position teach placement assignment",
    /* OCCASION */
    "birthday born age anniversary celebrate celebration wedding holiday "
    "party graduation occasion old older young younger funeral "
    "memorial burial bury cremation cremate remains ashes urn casket "
    "ceremony faith religion religious church chapel temple mosque "
    "synagogue lutheran catholic baptist methodist presbyterian episcopal "
    "jewish muslim christian hindu buddhist pastor priest rabbi imam "
    "death die died dead deceased passed lose lost loss grief grieve grieving "
    "mourn mourning bereavement bereaved condolence",
    /* TECH */
    "internet wifi router modem connection network device computer laptop "
    "tablet app website online software broadband fiber signal equipment "
    "hardware remote tv television receiver console printer camera "
    "thermostat mesh extender unit ping gig mbps megabit speed upload "
    "download bandwidth light iphone ipad macbook android samsung galaxy "
    "pixel nest roku firestick chromecast xbox playstation nintendo "
    "netgear arris linksys eero asus dell lenovo gateway firmware ethernet "
    "machine handset smartphone phone cellphone "
    "cable hotspot stream streaming platform wordpress woocommerce "
    "shopify wix squarespace magento cms plugin hosting host server domain "
    "artwork graphic logo image picture photo png jpg jpeg svg vector "
    "pdf",
    /* FOOD */
    "food meal dish menu soup pizza drink coffee dinner breakfast lunch "
    "restaurant eat cook recipe dessert meat vegetarian vegan halal "
    "kosher diet dietary feed chicken vegetable pesto nut egg milk cheese "
    "wheat shellfish fish soy sesame fruit restriction rice pasta salad "
    "bread steak beef pork lamb salmon shrimp seafood tofu appetizer "
    "entree dessert buffet catering caterer",
    /* DURATION */
    "year decade month long since tenure duration length night "
    "week stay monthly weekly yearly annual annually term lease "
    "contract commitment",
    /* SECURITY */
    "fraud fraudulent scam identity theft stolen steal unauthorized "
    "security secure sensitive lawyer attorney legal lawsuit sue "
    "chargeback dispute police flag escalate hack compromise breach "
    "suspicious threat threaten impersonate impersonation pretend "
    "pretending trick phishing fake spoof hoax thief theft burglar "
    "robbery robbed protective restraining barred banned forbidden "
    "prohibited shady sketchy dodgy",
    /* VEHICLE */
    "car vehicle truck van suv motorcycle auto sedan hatchback pickup "
    "mileage brake tire tyre engine rental battery windshield bumper "
    "transmission dashboard headlight ignition toyota honda ford chevy "
    "chevrolet nissan hyundai kia subaru mazda volkswagen vw bmw mercedes "
    "audi tesla jeep dodge gmc lexus volvo civic accord camry corolla "
    "prius silverado outback forester minivan park parking drive driving "
    "oil loaner hybrid accessory mat rack crossbar rav4",
    /* APPLIANCE: a home's systems and machines */
    "appliance furnace boiler heater hvac ac aircon conditioner "
    "conditioning thermostat dishwasher washer dryer fridge refrigerator "
    "freezer oven stove cooktop microwave panel breaker fuse outlet socket "
    "wiring plumbing pipe toilet sink faucet drain sump pump compressor "
    "vent duct filter electrical electric electricity generator unit air "
    "repair whirlpool bosch maytag kenmore frigidaire kitchenaid carrier "
    "trane lennox rheem goodman daikin device equipment machine meter solar "
    "inverter battery pool spa hottub chlorine saltwater pentair hayward "
    "jandy",
    /* TRAVEL: trips and stays */
    "hotel motel room suite stay checkin checkout reservation flight "
    "airport airline trip travel vacation itinerary luggage baggage cruise "
    "resort taxi shuttle passport guest lodging transport transportation "
    "ride pickup layover destination tour view suitcase carryon duffel "
    "samsonite bag commute commuter bus train subway metro transit tram",
    /* EDUCATION: schools, courses and learning */
    "school student grade class classroom teacher tuition enroll "
    "enrollment admission apply application college university campus "
    "course semester exam test kindergarten elementary middle academy "
    "club team learn learning homework tutor curriculum program lesson "
    "scholarship iep dyslexia teach instructor instrument music musical piano "
    "guitar violin viola cello bass drum flute clarinet trumpet trombone "
    "saxophone ukulele harp keyboard recital orchestra band choir"
};


/* the table's concepts and the two that are not (tokenize.h) share 32 bits */
typedef char elaaoms_concepts_fit_t[ELAAOMS_NCONCEPTS <= ELAAOMS_CONCEPT_AGENT_SAID
                                    ? 1 : -1];

static const char  *elaaoms_concept_names[ELAAOMS_NCONCEPTS] = {
    "order", "contact", "name", "address", "preference", "billing",
    "problem", "number", "emotion", "family", "frequency", "loyalty",
    "appointment", "time_of_day", "language", "account", "cancel", "health",
    "pet", "work", "occasion", "tech", "food", "duration", "security",
    "vehicle", "appliance", "travel", "education"
};


/*
 * Both word sets live in open-addressing hash tables filled once; 4096
 * slots for ~1,300 concept words and ~170 stopwords keep probes short.
 */
#define ELAAOMS_WORDSET_SLOTS  4096

typedef struct {
    char      word[ELAAOMS_TOKEN_MAX + 1];  /* "" marks a free slot */
    uint8_t   len;
    uint32_t  concepts;
} elaaoms_wordset_slot_t;

static elaaoms_wordset_slot_t  elaaoms_stopwords[ELAAOMS_WORDSET_SLOTS];
static elaaoms_wordset_slot_t  elaaoms_concept_stems[ELAAOMS_WORDSET_SLOTS];
static pthread_once_t          elaaoms_tables_once = PTHREAD_ONCE_INIT;


static elaaoms_wordset_slot_t *
elaaoms_wordset_find(elaaoms_wordset_slot_t *set, const char *w, size_t len,
    int insert)
{
    uint32_t                 i;
    elaaoms_wordset_slot_t  *s;

    i = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, w, len) & (ELAAOMS_WORDSET_SLOTS - 1);

    for ( ;; ) {
        s = &set[i];

        if (s->len == 0) {
            if (!insert) {
                return NULL;
            }
            memcpy(s->word, w, len);
            s->word[len] = '\0';
            s->len = (uint8_t) len;
            return s;
        }

        if (s->len == len && memcmp(s->word, w, len) == 0) {
            return s;
        }

        i = (i + 1) & (ELAAOMS_WORDSET_SLOTS - 1);
    }
}


static void
elaaoms_tables_init(void)
{
    int                      c;
    char                     w[ELAAOMS_TOKEN_MAX + 1];
    size_t                   n;
    const char              *p, *start;
    elaaoms_wordset_slot_t  *s;

    for (p = elaaoms_stopword_list; *p; ) {
        while (*p == ' ') {
            p++;
        }
        for (start = p; *p && *p != ' '; p++) { /* void */ }
        if (p > start) {
            elaaoms_wordset_find(elaaoms_stopwords, start, p - start, 1);
        }
    }

    for (c = 0; c < ELAAOMS_NCONCEPTS; c++) {
        for (p = elaaoms_concept_words[c]; *p; ) {
            while (*p == ' ') {
                p++;
            }
            for (start = p; *p && *p != ' '; p++) { /* void */ }
            n = p - start;
            if (n == 0 || n > ELAAOMS_TOKEN_MAX) {
                continue;
            }
            memcpy(w, start, n);
            n = elaaoms_stem(w, n);
            s = elaaoms_wordset_find(elaaoms_concept_stems, w, n, 1);
            s->concepts |= 1u << c;
        }
    }
}


int
elaaoms_is_stopword(const char *word, size_t len)
{
    if (len == 0 || len > ELAAOMS_TOKEN_MAX) {
        return 0;
    }

    pthread_once(&elaaoms_tables_once, elaaoms_tables_init);

    return elaaoms_wordset_find(elaaoms_stopwords, word, len, 0) != NULL;
}


int
elaaoms_spelled_number(const char *word, size_t len)
{
    size_t       n;
    const char  *p, *e;
    static const char  numbers[] =
        " two three four five six seven eight nine ten eleven twelve "
        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
        "twenty thirty forty fifty sixty seventy eighty ninety hundred "
        "thousand million dozen ";

    if (len == 0) {
        return 0;
    }

    for (p = numbers + 1; *p; p = e + 1) {
        e = strchr(p, ' ');
        n = (size_t) (e - p);
        if (n == len && memcmp(p, word, len) == 0) {
            return 1;
        }
    }

    return 0;
}


uint32_t
elaaoms_concepts_of_stem(const char *stem, size_t len)
{
    elaaoms_wordset_slot_t  *s;

    if (len == 0 || len > ELAAOMS_TOKEN_MAX) {
        return 0;
    }

    pthread_once(&elaaoms_tables_once, elaaoms_tables_init);

    s = elaaoms_wordset_find(elaaoms_concept_stems, stem, len, 0);

    return s ? s->concepts : 0;
}


const char *
elaaoms_concept_name(int concept)
{
    if (concept < 0 || concept >= ELAAOMS_NCONCEPTS) {
        return NULL;
    }

    return elaaoms_concept_names[concept];
}


/*
 * Question words are stopwords, yet they say what kind of answer is
 * wanted: "where" asks for a place, "how much" for an amount; so do a
 * few set phrases ("for a living": work).  Only the query side uses them
 * (relevance.c); a memory never holds the answer type as a word.
 */
uint32_t
elaaoms_question_concepts(const char *word, size_t len, const char *prev,
    size_t prev_len)
{
#define ELAAOMS_QBIT(c)  (1u << ELAAOMS_CONCEPT_ ## c)
#define ELAAOMS_QSAFETY                                                      \
    (ELAAOMS_QBIT(NOTABLE) | ELAAOMS_QBIT(HEALTH) | ELAAOMS_QBIT(SECURITY))
    static const struct {
        const char  *word;
        const char  *after;     /* only after this word, or NULL */
        uint32_t     concepts;
    } words[] = {
        { "where", NULL, ELAAOMS_QBIT(ADDRESS) },
        { "when", NULL, ELAAOMS_QBIT(TIME_OF_DAY) | ELAAOMS_QBIT(APPOINTMENT) },
        { "who", NULL, ELAAOMS_QBIT(FAMILY) | ELAAOMS_QBIT(NAME) },
        { "whom", NULL, ELAAOMS_QBIT(FAMILY) | ELAAOMS_QBIT(NAME) },
        { "whose", NULL, ELAAOMS_QBIT(FAMILY) | ELAAOMS_QBIT(NAME) },
        { "much", "how", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        { "many", "how", ELAAOMS_QBIT(NUMBER) },
        /* "how old", "how tall", "how big": a measure, said as a number */
        { "old", "how", ELAAOMS_QBIT(NUMBER) | ELAAOMS_QBIT(OCCASION) },
        { "tall", "how", ELAAOMS_QBIT(NUMBER) },
        { "big", "how", ELAAOMS_QBIT(NUMBER) },
        { "heavy", "how", ELAAOMS_QBIT(NUMBER) },
        { "far", "how", ELAAOMS_QBIT(NUMBER) | ELAAOMS_QBIT(ADDRESS) },
        /* "how long is the stay": a span of time */
        { "long", "how", ELAAOMS_QBIT(DURATION) | ELAAOMS_QBIT(TIME_OF_DAY) },
        /* "what does it run": a price */
        { "run", "it", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        { "runs", "it", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        /* "what's the wall going to run him", "what will that run" */
        { "run", "to", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        { "run", "that", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        /* "what's her order coming to now": a total (not "come to the
           door") */
        { "to", "coming", ELAAOMS_QBIT(BILLING) | ELAAOMS_QBIT(NUMBER) },
        /* "what's she into": what the caller likes */
        /* "how do I get into the building": a way in, not a liking */
        { "into", "get", ELAAOMS_QBIT(ADDRESS) },
        { "into", "let", ELAAOMS_QBIT(ADDRESS) },
        { "into", NULL, ELAAOMS_QBIT(PREFERENCE) },
        /* "for a living" ("a" is no token) */
        { "living", "for", ELAAOMS_QBIT(WORK) },
        /* the name one goes by, likes to be called */
        { "by", "go", ELAAOMS_QBIT(NAME) },
        { "by", "goes", ELAAOMS_QBIT(NAME) },
        { "called", "be", ELAAOMS_QBIT(NAME) },
        /* "how is she holding up", "how's he taking it", "how was she
         * doing": how someone feels */
        { "up", "holding", ELAAOMS_QBIT(EMOTION) },
        /* "what state was she in when she rang": a feeling, or where
         * someone lives */
        { "state", "what", ELAAOMS_QBIT(EMOTION) | ELAAOMS_QBIT(ADDRESS) },
        /* "how was the owner", "how were they on the phone" */
        { "was", "how", ELAAOMS_QBIT(EMOTION) },
        { "were", "how", ELAAOMS_QBIT(EMOTION) },
        { "taking", "he", ELAAOMS_QBIT(EMOTION) },
        { "taking", "she", ELAAOMS_QBIT(EMOTION) },
        { "taking", "they", ELAAOMS_QBIT(EMOTION) },
        { "take", "he", ELAAOMS_QBIT(EMOTION) },
        { "take", "she", ELAAOMS_QBIT(EMOTION) },
        { "take", "they", ELAAOMS_QBIT(EMOTION) },
        { "took", "he", ELAAOMS_QBIT(EMOTION) },
        { "took", "she", ELAAOMS_QBIT(EMOTION) },
        { "took", "they", ELAAOMS_QBIT(EMOTION) },
        /* "how is she handling it", "how's he dealing with it" */
        { "handling", "she", ELAAOMS_QBIT(EMOTION) },
        { "handling", "he", ELAAOMS_QBIT(EMOTION) },
        { "handling", "they", ELAAOMS_QBIT(EMOTION) },
        { "dealing", "she", ELAAOMS_QBIT(EMOTION) },
        { "dealing", "he", ELAAOMS_QBIT(EMOTION) },
        { "dealing", "they", ELAAOMS_QBIT(EMOTION) },
        { "it", "handling", ELAAOMS_QBIT(EMOTION) },
        /* "how is the homeowner taking it": whoever takes it */
        { "it", "taking", ELAAOMS_QBIT(EMOTION) },
        { "it", "take", ELAAOMS_QBIT(EMOTION) },
        { "it", "took", ELAAOMS_QBIT(EMOTION) },
        /* "what are we doing about the denied visits": our action */
        { "doing", "we", ELAAOMS_QBIT(AGENT_SAID) },
        { "doing", NULL, ELAAOMS_QBIT(EMOTION) },
        /* "what's he unhappy about", "what is she upset with", "why was
         * he mad at us": the trouble the feeling is about */
        { "about", "unhappy", ELAAOMS_QBIT(PROBLEM) },
        { "about", "upset", ELAAOMS_QBIT(PROBLEM) },
        { "about", "mad", ELAAOMS_QBIT(PROBLEM) },
        { "about", "angry", ELAAOMS_QBIT(PROBLEM) },
        { "about", "annoyed", ELAAOMS_QBIT(PROBLEM) },
        { "about", "frustrated", ELAAOMS_QBIT(PROBLEM) },
        { "about", "complaining", ELAAOMS_QBIT(PROBLEM) },
        { "with", "unhappy", ELAAOMS_QBIT(PROBLEM) },
        { "with", "mad", ELAAOMS_QBIT(PROBLEM) },
        { "with", "angry", ELAAOMS_QBIT(PROBLEM) },
        { "with", "annoyed", ELAAOMS_QBIT(PROBLEM) },
        { "at", "mad", ELAAOMS_QBIT(PROBLEM) },
        { "at", "angry", ELAAOMS_QBIT(PROBLEM) },
        { "at", "upset", ELAAOMS_QBIT(PROBLEM) },
        { "with", "upset", ELAAOMS_QBIT(PROBLEM) },
        { "with", "frustrated", ELAAOMS_QBIT(PROBLEM) },
        /* "what's going on", "what happened": a problem */
        { "on", "going", ELAAOMS_QBIT(PROBLEM) },
        { "happened", "what", ELAAOMS_QBIT(PROBLEM) },
        /* "did anything happen to him at the gym": an incident, what
         * every agent is told */
        { "happen", "anything", ELAAOMS_QBIT(PROBLEM) | ELAAOMS_QBIT(NOTABLE) },
        { "happen", "something", ELAAOMS_QBIT(PROBLEM) | ELAAOMS_QBIT(NOTABLE) },
        { "happened", "anything", ELAAOMS_QBIT(PROBLEM) | ELAAOMS_QBIT(NOTABLE) },
        { "happened", "something", ELAAOMS_QBIT(PROBLEM) | ELAAOMS_QBIT(NOTABLE) },
        /* "anything we should know", "be aware of", "keep in mind",
         * "her situation": what matters most about the caller */
        { "know", "should", ELAAOMS_QBIT(NOTABLE) },
        { "aware", "be", ELAAOMS_QBIT(NOTABLE) },
        { "mind", "in", ELAAOMS_QBIT(NOTABLE) },
        { "situation", NULL, ELAAOMS_QBIT(NOTABLE) },
        /* "anything safety-related": what any agent must know, health
         * and security alike */
        { "safety", NULL, ELAAOMS_QSAFETY },
        /* "was anything hazardous found", "any dangers on site" */
        { "hazard", NULL, ELAAOMS_QSAFETY },
        { "hazards", NULL, ELAAOMS_QSAFETY },
        { "hazardous", NULL, ELAAOMS_QSAFETY },
        { "danger", NULL, ELAAOMS_QSAFETY },
        { "dangers", NULL, ELAAOMS_QSAFETY },
        { "dangerous", NULL, ELAAOMS_QSAFETY },
        /* "what did we promise", "agree on", "where did we leave off",
         * "next steps": what the agent did or said it would do */
        { "promise", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "promised", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "agree", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "agreed", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "commit", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "committed", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        /* "what did I say was wrong": the asking agent's own words */
        { "say", "i", ELAAOMS_QBIT(AGENT_SAID) },
        { "said", "i", ELAAOMS_QBIT(AGENT_SAID) },
        { "off", "leave", ELAAOMS_QBIT(AGENT_SAID) },
        { "off", "left", ELAAOMS_QBIT(AGENT_SAID) },
        { "steps", "next", ELAAOMS_QBIT(AGENT_SAID) },
        { "owe", "we", ELAAOMS_QBIT(AGENT_SAID) },
        /* "what are we charging her", "what did we quote him": the
         * agent's price */
        { "charging", "we", ELAAOMS_QBIT(AGENT_SAID) | ELAAOMS_QBIT(BILLING) },
        { "charge", "we", ELAAOMS_QBIT(AGENT_SAID) | ELAAOMS_QBIT(BILLING) },
        { "quote", "we", ELAAOMS_QBIT(AGENT_SAID) | ELAAOMS_QBIT(BILLING) },
        { "quoted", "we", ELAAOMS_QBIT(AGENT_SAID) | ELAAOMS_QBIT(BILLING) },
        /* "what price did we settle on", "where did we land": a deal */
        { "settle", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "settled", NULL, ELAAOMS_QBIT(AGENT_SAID) },
        { "land", "we", ELAAOMS_QBIT(AGENT_SAID) },
        { "landed", "we", ELAAOMS_QBIT(AGENT_SAID) },
        /* "what did we do for her", "what have we done" */
        { "do", "we", ELAAOMS_QBIT(AGENT_SAID) },
        { "done", "we", ELAAOMS_QBIT(AGENT_SAID) },
        /* "the best way to get hold of him", "get in touch": contact */
        { "hold", "get", ELAAOMS_QBIT(CONTACT) },
        { "hold", "got", ELAAOMS_QBIT(CONTACT) },
        { "touch", "in", ELAAOMS_QBIT(CONTACT) },
        /* "trouble getting around": mobility */
        { "around", "getting", ELAAOMS_QBIT(HEALTH) },
        { "around", "get", ELAAOMS_QBIT(HEALTH) },
        { NULL, NULL, 0 }
    };
#undef ELAAOMS_QSAFETY
#undef ELAAOMS_QBIT
    size_t  k;

    for (k = 0; words[k].word; k++) {
        if (strlen(words[k].word) == len
            && memcmp(words[k].word, word, len) == 0
            && (words[k].after == NULL
                || (prev != NULL && strlen(words[k].after) == prev_len
                    && memcmp(words[k].after, prev, prev_len) == 0)))
        {
            return words[k].concepts;
        }
    }

    return 0;
}


static int elaaoms_word_in(const char *list, const char *w, size_t len);


int
elaaoms_question_names_caller(const char *word, size_t len, const char *prev,
    size_t prev_len)
{
    static const char  *roles =
        " owner member guest patient borrower parent subscriber passenger "
        "traveler traveller policyholder homeowner resident buyer shopper "
        "accountholder cardholder applicant tenant renter widow widower "
        "consumer holder mom mum dad father mother ";
    static const char  *determiners = " the this that our ";

    if (prev == NULL || len == 0 || len > ELAAOMS_TOKEN_MAX) {
        return 0;
    }

    return elaaoms_word_in(determiners, prev, prev_len)
           && elaaoms_word_in(roles, word, len);
}


/* --- stemmer ------------------------------------------------------------ */

static int
elaaoms_is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
           || c == 'y';
}


static int
elaaoms_has_vowel(const char *w, size_t len)
{
    while (len--) {
        if (elaaoms_is_vowel(w[len])) {
            return 1;
        }
    }

    return 0;
}


static int
elaaoms_ends_with(const char *w, size_t len, const char *suffix)
{
    size_t  n = strlen(suffix);

    return len >= n && memcmp(w + len - n, suffix, n) == 0;
}


/* "shipp" -> "ship", but "call", "pass", "buzz" keep theirs (as Porter) */
static size_t
elaaoms_undouble(const char *w, size_t len)
{
    char  c;

    if (len < 3) {
        return len;
    }

    c = w[len - 1];

    if (c == w[len - 2] && !elaaoms_is_vowel(c)
        && c != 'l' && c != 's' && c != 'z')
    {
        return len - 1;
    }

    return len;
}


size_t
elaaoms_stem(char *w, size_t len)
{
    size_t  i, orig = len;

    if (len < 4) {
        return len;
    }

    for (i = 0; i < len; i++) {
        if (w[i] < 'a' || w[i] > 'z') {
            return len;
        }
    }

    /* plural and third person: -ies, -sses, -xes/-ches/-shes, -s */

    if (len > 4 && elaaoms_ends_with(w, len, "ies")) {
        w[len - 3] = 'y';
        len -= 2;

    } else if (elaaoms_ends_with(w, len, "sses")
               || elaaoms_ends_with(w, len, "xes")
               || elaaoms_ends_with(w, len, "ches")
               || elaaoms_ends_with(w, len, "shes"))
    {
        len -= 2;

    } else if (w[len - 1] == 's' && w[len - 2] != 's' && w[len - 2] != 'u'
               && w[len - 2] != 'i')
    {
        /* not "address", "status", "analysis" */
        len -= 1;
    }

    /* -ing and -ed, when a syllable stays: not "thing", "need", "bring" */

    if (len >= 6 && elaaoms_ends_with(w, len, "ing")
        && elaaoms_has_vowel(w, len - 3))
    {
        len = elaaoms_undouble(w, len - 3);

    } else if (len >= 5 && elaaoms_ends_with(w, len, "ied")) {
        w[len - 3] = 'y';
        len -= 2;

    } else if (len >= 5 && elaaoms_ends_with(w, len, "ed")
               && w[len - 3] != 'e' && elaaoms_has_vowel(w, len - 2))
    {
        /* not "agreed", "speed" */
        len = elaaoms_undouble(w, len - 2);
    }

    /* -ful: "stressful" is about stress, "painful" about pain */
    if (len >= 7 && elaaoms_ends_with(w, len, "ful")) {
        len -= 3;
    }

    /*
     * a silent final e goes, so "move", "moved" and "moving" all give
     * "mov"; "free" and "agree" keep theirs
     */
    if (len >= 4 && w[len - 1] == 'e' && w[len - 2] != 'e') {
        len--;
    }

    if (len != orig) {
        w[len] = '\0';
    }

    return len;
}


/* --- tokenizer ---------------------------------------------------------- */

static int
elaaoms_is_word_byte(unsigned char c)
{
    return elaaoms_ascii_wordbyte(c);
}


/* the next word after p, lowercased into w; its end, or NULL */
static const unsigned char *
elaaoms_peek_word(const unsigned char *p, const unsigned char *end, char *w,
    size_t size)
{
    size_t  n;

    while (p < end && (*p == ' ' || *p == '.' || *p == ',' || *p == '/')) {
        p++;
    }

    for (n = 0; p < end && elaaoms_is_word_byte(*p) && n < size - 1; p++) {
        w[n++] = (char) (*p >= 'A' && *p <= 'Z' ? *p | 0x20 : *p);
    }
    w[n] = '\0';

    return n ? p : NULL;
}


/*
 * "won't start", "doesn't work", "can't log in": a negated auxiliary
 * before a verb of doing reports a problem; before a verb of wanting or
 * thinking ("doesn't want", "can't remember") it does not.
 */
/* 1 when w[0..len) is one of the words of list (" a b c ") */
static int
elaaoms_word_in(const char *list, const char *w, size_t len)
{
    const char  *p, *q;

    for (p = list; *p; p = q) {
        while (*p == ' ') {
            p++;
        }

        for (q = p; *q && *q != ' '; q++) {
            /* void */
        }

        if ((size_t) (q - p) == len && q > p && memcmp(p, w, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
elaaoms_negated_problem(const char *word, size_t len, const unsigned char *p,
    const unsigned char *end)
{
    static const char  *aux =
        " won can doesn don didn isn wasn aren weren couldn wouldn hasn "
        "haven ";
    static const char  *not_doing =
        " want like need mind care wish prefer know think remember "
        "understand see mean believe have eat drink be get worry matter "
        "hear ";
    char                w[16];

    /* the "n't" first: most words have none (U+2019 is a word byte:
     * "can<U+2019>t" is one token, and the offline extractor writes
     * memories with ASCII apostrophes) */
    if (end - p < 2 || p[0] != '\'' || (p[1] != 't' && p[1] != 'T')) {
        return 0;
    }

    if (!elaaoms_word_in(aux, word, len)) {
        return 0;
    }
    p += 2;

    if (elaaoms_peek_word(p, end, w, sizeof(w)) == NULL) {
        return 0;
    }
    return !elaaoms_word_in(not_doing, w, strlen(w));
}


/* after a number: "dollars", "bucks", "a month", "per seat", "/mo" ... */
static int
elaaoms_amount_follows(const unsigned char *p, const unsigned char *end)
{
    static const char  *units =
        " dollar dollars bucks cents euro euros pounds usd eur gbp mo each "
        "percent "
        "apiece grand ";
    static const char  *periods =
        " month year week seat user license licence mo yr day night hour "
        "person head guest visit session plate room ticket kid adult "
        "pound kilo piece unit ";
    char                w[16];

    p = elaaoms_peek_word(p, end, w, sizeof(w));
    if (p == NULL) {
        return 0;
    }

    if (elaaoms_word_in(units, w, strlen(w))) {
        return 1;
    }

    if (strcmp(w, "a") == 0 || strcmp(w, "per") == 0
        || strcmp(w, "an") == 0)
    {
        if (elaaoms_peek_word(p, end, w, sizeof(w)) == NULL) {
            return 0;
        }
        return elaaoms_word_in(periods, w, strlen(w));
    }

    return 0;
}


void
elaaoms_tokenizer_init(elaaoms_tokenizer_t *tz, const char *text, size_t len)
{
    tz->pos = (const unsigned char *) text;
    tz->begin = tz->pos;
    tz->end = tz->pos + (text ? len : 0);
}


/* 1900 to 2099 alone: a year */
static int
elaaoms_is_ordinal(const char *w, size_t n)
{
    size_t  k;

    /* one or two digits, then "st", "nd", "rd" or "th" */
    if (n < 3 || n > 4) {
        return 0;
    }
    for (k = 0; k < n - 2; k++) {
        if (!elaaoms_ascii_digit((unsigned char) w[k])) {
            return 0;
        }
    }
    return memcmp(w + k, "st", 2) == 0 || memcmp(w + k, "nd", 2) == 0
           || memcmp(w + k, "rd", 2) == 0 || memcmp(w + k, "th", 2) == 0;
}


/*
 * a clock time: "9:40" (both halves), "6 am", "10pm", "4.30 p.m."; the
 * word is a number token starting at start, ending at pos
 */
static int
elaaoms_is_clock(const char *w, size_t n, const unsigned char *start,
    const unsigned char *pos, const unsigned char *begin,
    const unsigned char *end)
{
    char                  next[4];
    const unsigned char  *q;

    if (n >= 3 && (memcmp(w + n - 2, "am", 2) == 0
                   || memcmp(w + n - 2, "pm", 2) == 0)
        && elaaoms_ascii_digit((unsigned char) w[n - 3]))
    {
        return 1;
    }

    if (pos + 1 < end && *pos == ':' && elaaoms_ascii_digit(pos[1])) {
        return 1;
    }

    if (start - begin >= 2 && start[-1] == ':'
        && elaaoms_ascii_digit(start[-2]))
    {
        return 1;
    }

    q = elaaoms_peek_word(pos, end, next, sizeof(next));
    if (q == NULL) {
        return 0;
    }

    if (strcmp(next, "am") == 0 || strcmp(next, "pm") == 0) {
        return 1;
    }

    /* "a.m.", "p.m." */
    return (strcmp(next, "a") == 0 || strcmp(next, "p") == 0)
           && q < end && *q == '.'
           && elaaoms_peek_word(q, end, next, sizeof(next)) != NULL
           && strcmp(next, "m") == 0;
}


static int
elaaoms_is_year(const char *w, size_t n)
{
    return n == 4
           && ((w[0] == '1' && w[1] == '9') || (w[0] == '2' && w[1] == '0'))
           && elaaoms_ascii_digit((unsigned char) w[2])
           && elaaoms_ascii_digit((unsigned char) w[3]);
}


int
elaaoms_tokenizer_next(elaaoms_tokenizer_t *tz, elaaoms_token_t *tok)
{
    size_t                i, n;
    unsigned char         c;
    const unsigned char  *start;

    for ( ;; ) {
        while (tz->pos < tz->end && !elaaoms_is_word_byte(*tz->pos)) {
            tz->pos++;
        }

        if (tz->pos == tz->end) {
            return 0;
        }

        start = tz->pos;
        while (tz->pos < tz->end && elaaoms_is_word_byte(*tz->pos)) {
            tz->pos++;
        }

        n = tz->pos - start;

        /* single letters ("s" of "what's") carry nothing; digits do */
        if (n == 1 && !(*start >= '0' && *start <= '9')) {
            continue;
        }

        break;
    }

    if (n > ELAAOMS_TOKEN_MAX) {
        n = ELAAOMS_TOKEN_MAX;
    }

    tok->has_digit = 0;

    for (i = 0; i < n; i++) {
        c = start[i];
        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        } else if (c >= '0' && c <= '9') {
            tok->has_digit = 1;
        }
        tok->word[i] = (char) c;
    }

    tok->word[n] = '\0';
    tok->word_len = n;

    memcpy(tok->stem, tok->word, n + 1);
    tok->stem_len = elaaoms_stem(tok->stem, n);
    tok->stem_hash = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, tok->stem,
                                   tok->stem_len);

    tok->stopword = elaaoms_is_stopword(tok->word, n);

    if (tok->stopword
        && elaaoms_negated_problem(tok->word, n, tz->pos, tz->end))
    {
        tok->stopword = 0;
        tok->concepts = 1u << ELAAOMS_CONCEPT_PROBLEM;

    } else if (tok->stopword) {
        tok->concepts = 0;

    } else if (elaaoms_is_year(tok->word, n)) {
        /* "since 2019" says when, it is no order or account number */
        tok->concepts = 1u << ELAAOMS_CONCEPT_TIME_OF_DAY;

    } else if (tok->has_digit) {
        tok->concepts = 1u << ELAAOMS_CONCEPT_NUMBER;

        /* "$79.99", "80 dollars", "59 a month": an amount */
        if ((start > tz->begin && start[-1] == '$')
            || elaaoms_amount_follows(tz->pos, tz->end))
        {
            tok->concepts |= 1u << ELAAOMS_CONCEPT_BILLING;
        }

        /* "the 28th", "3rd": a date; "9:40", "6 am": a time */
        if (elaaoms_is_ordinal(tok->word, n)
            || elaaoms_is_clock(tok->word, n, start, tz->pos, tz->begin,
                                tz->end))
        {
            tok->concepts |= 1u << ELAAOMS_CONCEPT_TIME_OF_DAY;
        }

    } else {
        tok->concepts = elaaoms_concepts_of_stem(tok->stem, tok->stem_len);

        /*
         * the table lists the common health words; WordNet knows the
         * rest: "warfarin", "celiac", "dyslexia", "sulfa" are HEALTH too
         */
        if (tok->concepts == 0 && n >= 4
            && elaaoms_lexicon_health(tok->word, n))
        {
            tok->concepts = 1u << ELAAOMS_CONCEPT_HEALTH;
        }
    }

    return 1;
}


uint32_t
elaaoms_type_concepts(int type)
{
    switch (type) {
    case ELAAOMS_MEM_PREFERENCE:
        return 1u << ELAAOMS_CONCEPT_PREFERENCE;
    case ELAAOMS_MEM_ISSUE:
        return 1u << ELAAOMS_CONCEPT_PROBLEM;
    case ELAAOMS_MEM_EMOTION:
        return 1u << ELAAOMS_CONCEPT_EMOTION;
    case ELAAOMS_MEM_RELATIONSHIP:
        return 1u << ELAAOMS_CONCEPT_FAMILY;
    default:
        return 0;
    }
}


/* content[0..len) holds phrase (lowercase ASCII) in any case, then a
 * capital: "goes by Kobby", not "goes by bus" */
static int
elaaoms_holds_naming(const char *content, size_t len, const char *phrase)
{
    size_t  i, k, n;

    n = strlen(phrase);

    for (i = 0; i + n < len; i++) {
        for (k = 0; k < n; k++) {
            if ((content[i + k] | 0x20) != phrase[k]) {
                break;
            }
        }
        if (k == n && ((content[i + n] >= 'A' && content[i + n] <= 'Z')
                       || (unsigned char) content[i + n] >= 0x80))
        {
            return 1;
        }
    }

    return 0;
}


uint32_t
elaaoms_memory_concepts(int type, int importance, const char *content,
    size_t len)
{
    static const char  *naming[] = {
        "goes by ", "known as ", "be called ", "likes to be called ", NULL
    };
    size_t    k;
    uint32_t  c;

    c = elaaoms_type_concepts(type);

    if (importance >= ELAAOMS_NOTABLE_IMPORTANCE) {
        c |= 1u << ELAAOMS_CONCEPT_NOTABLE;
    }

    /* the offline extractor's and the LLM prompt's wording of them */
    if (content != NULL && len >= 10 && memcmp(content, "The agent ", 10) == 0)
    {
        c |= 1u << ELAAOMS_CONCEPT_AGENT_SAID;
    }

    /* "had a kidney transplant" answers "any medical needs": the rules
     * that share health and safety facts know more health words than
     * the concept table ("transplant", "tacrolimus", "wasp nest") */
    if (content != NULL && len > 0
        && elaaoms_memory_rules_health(content, len))
    {
        c |= 1u << ELAAOMS_CONCEPT_HEALTH;
    }

    /* "The caller goes by Kobby" answers "what's her nickname": the
     * phrase says what the memory's name is */
    for (k = 0; content != NULL && naming[k] != NULL; k++) {
        if (elaaoms_holds_naming(content, len, naming[k])) {
            c |= 1u << ELAAOMS_CONCEPT_NAME;
            break;
        }
    }

    return c;
}
