/*
 * The health/safety and identity rules of every extracted memory (see
 * memory_rules.h).
 */

#include <string.h>

#include "extract/memory_rules.h"
#include "util/ascii.h"
#include "search/lexicon.h"
#include "search/tokenize.h"


/*
 * Health and safety, as the tokenizer's words: lowercase, single letters
 * dropped ("uses a walker" is "uses walker"), punctuation a separator
 * ("Epi-Pen" is "epi pen").  A final '*' takes any ending.  Ambiguous
 * bare words are left to phrases (memory_rules.h).
 */
static const char  *elaaoms_rules_health_terms[] = {
    /* allergies */
    "allerg*", "anaphyla*", "epipen*", "epi pen*", "autoinjector*",
    "auto injector*", "epinephrine", "celiac", "coeliac", "intoleran*",

    /* medical needs */
    "asthma*", "inhaler*", "diabet*", "insulin", "hypoglyc*", "epilep*",
    "seizure disorder*", "has seizures", "prone to seizures",
    "had seizure", "has seizure", "have seizure", "seizure last*",
    "heart condition*", "heart attack*", "pacemaker*", "defibrillator*",
    "icd", "implanted device*", "had stroke",
    "after stroke", "mild stroke", "minor stroke", "major stroke",
    "suffered stroke", "stroke survivor*", "since * stroke",
    "since stroke", "his stroke", "her stroke", "my stroke", "mini stroke",
    "after * stroke", "seizures", "dialysis", "chemo*", "cancer", "blood thinner*",
    "oxygen tank*", "oxygen concentrator*", "on oxygen", "cpap",
    "ventilator*", "pregnan*", "dementia", "alzheimer*", "autis*", "adhd",
    "ptsd", "dyslex*", "panic attack*", "medical condition*",
    "medical need*", "medical device*", "medical equipment",
    "medical alert*", "medical emergenc*", "medication*", "medicine*",
    "meds", "prescription*", "chronic illness*", "chronic pain",
    "surgery", "surgeries", "post op", "recovering from", "hospice",
    "frail", "gluten free", "nut free", "dairy free", "broken leg",
    "life support", "medical baseline", "blood pressure", "hypertensi*",
    "anxiety", "depression", "mental health", "heavy lifting",
    "lift anything", "cannot lift", "elderly",
    "lives alone", "hospitalized", "hospitalised", "in the hospital",
    "in hospital", "hospital stay", "discharged", "knee replacement*",
    "hip replacement*", "copd", "emphysema", "multiple sclerosis",
    "parkinson*", "kidney*", "transplant*", "immunocompromised",
    "immune system", "oxygen*", "fragrance sensitiv*",
    "chemical sensitiv*", "newborn*", "postpartum", "c section",
    "breastfeeding", "bedridden", "housebound", "homebound",
    "medical priority*", "priority services register", "vulnerable",
    "broken arm", "broken hip", "bad back", "bad knee*", "bad hip*",
    "broke * ankle", "broke * wrist", "broke * leg", "broke * arm",
    "broke * foot", "broke * hip", "broke * rib*", "broken ankle*",
    "broken wrist*", "broken foot", "broken rib*", "sprain*", "fractur*",
    "injur*", "in cast", "back went out", "bed rest", "bedrest",
    "covid*", "tested positive", "contagious", "quarantin*",
    "feeding tube*", "bad heart", "heart problem*", "heart surgery",
    "heart murmur*", "heart disease", "arrhythmi*",
    "tremor*", "miscarriage*", "speech impediment*", "stutter*",
    "health reason*", "health issue*", "health problem*",
    "health condition*", "bleeds easily", "bleed easily",
    "bleeding disorder*", "blood clot*", "valve replacement*",
    "heart valve*", "torn ligament*", "torn meniscus", "torn acl",
    "rotator cuff*", "pulled muscle*", "herniated", "slipped disc",
    "hurt * shoulder", "hurt * back", "hurt * knee", "hurt * neck",
    "hurt * ankle", "hurt * wrist", "hurt * hip", "hurt * leg",
    "hurt * arm", "hurt * foot", "he bruised", "she bruised", "am bruised",
    "badly bruised", "all bruised", "bruised * rib*", "bruise on", "bruises on",
    "covered in bruises", "black eye", "needed stitches",
    "two stitches", "three stitches", "four stitches", "five stitches",
    "six stitches", "seven stitches", "eight stitches", "ten stitches",
    "twelve stitches", "few stitches", "couple stitches",
    "couple of stitches", "stitches come out", "stitches out",
    "got stitches", "needs stitches", "hit * head", "hit * elbow",
    "hit * knee", "bumped * head", "banged * head", "cut * hand",
    "cut * finger", "burned * hand", "burnt * hand", "twisted * ankle",
    "twisted * knee", "fell off * ladder", "fell off * roof",
    "fell from * ladder", "fell from * roof", "fell down * stairs",
    "fell down * steps", "slipped and fell", "tripped and fell",
    "fall risk",
    /* procedures and their instructions: "fast for twelve hours before
       the blood work", "can't do the MRI without something to calm me" */
    "blood work", "bloodwork", "blood test*", "blood draw*", "lab work",
    "fasting", "fast for * hour*", "fast before", "fast from",
    "nothing to eat after", "not eat after", "no food after", "colonoscop*", "endoscop*", "biops*", "mri",
    "ct scan*", "cat scan*", "mammogram*", "sedat*", "anesthe*",
    "anaesthe*", "claustrophob*", "phobia*", "needle* scare*",
    "feeding pump*", "infusion pump*", "insulin pump*", "nebuli*",
    "apnea monitor*", "apnoea monitor*", "because of * hip",
    "because of * knee*", "because of * back", "because of * heart",
    "because of * leg*", "because of * surgery", "cannot carry",

    /* accessibility needs */
    "disabilit*", "handicap*", "wheelchair*", "uses walker",
    "use walker", "using walker", "need* walker", "on walker now",
    "hip replaced", "knee replaced", "replaced * hip", "replaced * knee",
    "walking frame*", "walking stick*", "uses cane", "with cane",
    "walking cane", "mobility aid*",
    "mobility scooter*", "mobility issue*", "mobility impair*",
    "limited mobility", "reduced mobility", "crutch*", "amputee*",
    "prosthe*", "paraly*", "paraplegi*", "quadriplegi*", "deaf*",
    "hard of hearing", "hearing impair*", "hearing aid*", "hearing loss",
    "blind", "legally blind", "visually impair*", "vision impair*",
    "sight impair*", "low vision", "partially sighted", "braille",
    "screen reader*", "sign language", "tty", "relay service*",
    "speech impair*", "cognitive* impair*", "service dog*", "guide dog*",
    "service animal*", "accessibility", "wheelchair ramp*", "step free",
    "stair lift*", "stairlift*", "grab bar*", "rollator*",
    "ground floor only", "no stairs", "climb stairs", "do stairs",
    "manage stairs", "large print", "small print", "cochlear implant*",
    "first degree burn*", "second degree burn*", "third degree burn*",
    "stand for long", "cannot stand", "colorblind", "color blind",
    "colour blind", "down syndrome", "cerebral palsy", "spina bifida",
    "muscular dystrophy", "cystic fibrosis", "sickle cell", "tourette*",
    "narcolepsy", "hemophilia", "haemophilia", "learning disabilit*",
    "learning difficult*", "developmental delay*", "nonverbal",
    "non verbal",

    /* safety risks */
    "safety risk*", "safety concern*", "safety hazard*", "safety issue*",
    "unsafe", "dangerous", "gas leak*", "smell* gas", "gas smell*",
    "smell* like gas", "smell* of gas", "carbon monoxide",
    "power line* down", "downed power line*", "downed line*",
    "fallen power line*", "down power line*", "sparking", "burning smell*",
    "smell* burning", "electrocut*", "sparked", "sparks",
    "wire* hanging", "hanging wire*", "wire* down", "line* down",
    "fire hazard*", "electrical hazard*", "exposed wir*", "live wir*",
    "domestic violence", "domestic abuse", "violen*", "weapon*", "suicid*",
    "self harm*", "harm herself", "harm himself", "harm themselves",
    "hurt herself", "hurt himself", "hurt themselves", "stalk*",
    "restraining order*", "protective order*", "protection order*",
    "order of protection", "no contact order*", "aggressive dog*",
    "dog bite*", "dog bit",
    "black mold", "black mould", "toxic mold", "toxic mould",
    "asbestos", "lead paint",
    "smoke detector*", "smoke alarm*", "rotten egg*", "wires down",
    "downed wires", "fell on wires", "fell on the wires",
    "vicious",

    /* said in plain words rather than by a name ("has trouble walking",
       "can't hear well", "the outlets are under water") */
    "latex", "gluten", "needs ramp", "need ramp", "had fall", "bad fall",
    "sensitive to fragrance*", "sensitive to scent*",
    "sensitive to chemical*", "chronic fatigue", "concussion*",
    "fibromyalgia", "lupus", "dog * aggressive", "dog * * aggressive",
    "trouble walking", "difficulty walking", "hard time walking",
    "cannot walk", "walk far", "unsteady on * feet", "power chair*",
    "bedbound", "bed bound", "needs ground floor", "need ground floor",
    "cannot hear", "hear well", "trouble hearing", "cannot see",
    "see well", "eyesight", "poor vision", "trouble seeing",
    "special needs", "on * spectrum", "memory problem*", "memory loss",
    "memory issue*", "gets confused", "get confused", "forgetful",
    "weak heart", "car accident*", "car crash*", "hit by * car",
    "auto accident*", "lift more than", "lift over", "no lifting",
    "nothing over * pounds", "nothing heavier than", "stent*",
    "got rash", "get rash", "gets rash", "has rash", "have rash", "had rash",
    "rash on", "rash behind", "rash from", "out in rash", "skin rash*", "rashes", "hives", "alopecia", "autoimmune", "hair loss",
    "not strong swimmer", "weak swimmer*", "cannot swim", "cannot * swim",
    "dog paddle", "doggy paddle",
    "non swimmer*", "reactive with strangers", "reactive to strangers",
    "reactive with dogs", "reactive to dogs",
    "had baby", "colostomy*", "ostomy*", "catheter*",
    "smoke coming", "smoke from", "caught fire", "on fire", "house fire",
    "kitchen fire", "electrical fire*", "tree fell", "ceiling collaps*",
    "was fire", "had fire", "dryer fire*", "grease fire*", "small fire*",
    "flames", "smell* smoke", "fire department", "fire truck*",
    "firefighter*", "fire extinguisher*", "the extinguisher",
    "ceiling * collaps*", "roof collaps*", "roof * collaps*",
    "deck collaps*", "deck * collaps*",
    "under water", "hot to * touch", "tipped over", "tip over",
    "tips over", "nearly hit", "almost hit", "gas line*", "gas pipe*",
    "he fell", "she fell", "i fell", "dad fell", "mom fell", "mother fell",
    "father fell", "fell and", "fell in * bathroom", "fell in * shower",
    "fell out of bed", "fell getting", "slipped and", "slipped on",
    "slipped in", "tripped and", "tripped over", "tripped on",
    "took fall", "took tumble", "went down hard",
    /* serious illness and end-of-life care: what every agent must know
       before speaking ("end-stage heart failure", "a signed DNR") */
    "heart failure", "heart condition*", "heart disease", "congestive",
    "end stage", "terminal illness", "terminal cancer",
    "terminal diagnosis", "terminally ill", "hospice", "palliative",
    "dnr", "do not resuscitate", "advance directive*", "living will",
    "polst", "kidney failure", "kidney disease", "renal failure",
    "liver failure", "liver disease", "anti rejection", "cushing*",
    "addison*", "hypothyroid*", "hyperthyroid*", "laminitis",
    /* conditions named after a person or by a family of words ("I have
       Raynaud's", "diagnosed with Crohn's", "a bleeding syndrome") */
    "diagnosed with", "syndrome*", "disorder*", "disease*", "raynaud*",
    "crohn*", "hashimoto*", "meniere*", "huntington*", "sjogren*",
    "bell* palsy", "asperger*", "colitis", "migraine*", "vertigo",
    "macular*", "glaucoma", "cataract*", "frostbite", "hypothermia",
    "poor circulation", "circulation problem*", "numbness", "go numb",
    "goes numb", "went numb", "dizzy spell*", "fainting", "fainted",
    "passed out", "blacked out", "black out*",
    /* stinging insects and loose footing where a crew will work */
    "wasp*", "hornet*", "yellow jacket*", "yellowjacket*", "beehive*",
    "bee hive*", "bees nest*", "trip hazard*", "tripping hazard*",
    "loose floorboard*", "loose step*", "rotten step*", "broken step*",
    "bed bug*", "bedbug*",

    NULL
};

/* ways of naming the caller; their words say nothing else */
static const char  *elaaoms_rules_naming_terms[] = {
    "be called", "goes by", "go by", "going by", "known as", "addressed as",
    "be addressed", "pronoun*",
    NULL
};

/* other people: a name or language of theirs is not the caller's */
static const char  *elaaoms_rules_other_people[] = {
    "landlord*", "tenant*", "neighbor*", "neighbour*", "friend*", "nurse*",
    "manager*", "roommate*", "technician*", "driver*", "doctor*",
    NULL
};

/* the concepts an identity fact may have words of; any other is another
   subject (tokenize.h) */
#define ELAAOMS_RULES_IDENTITY_CONCEPTS                                       \
    ((1u << ELAAOMS_CONCEPT_NAME) | (1u << ELAAOMS_CONCEPT_LANGUAGE)          \
     | (1u << ELAAOMS_CONCEPT_PREFERENCE))


typedef struct {
    char      word[ELAAOMS_TOKEN_MAX + 1];
    size_t    len;
    uint32_t  concepts;
    unsigned  naming:1;      /* part of a naming phrase, or the name */
    unsigned  cap:1;         /* capitalized, not the first word */
} elaaoms_rules_word_t;

typedef struct {
    elaaoms_rules_word_t  w[ELAAOMS_RULES_MAX_WORDS];
    size_t                n;
} elaaoms_rules_words_t;


/* a title before a capitalized name: "Ms. Tran" (not "has MS.") */
static int
elaaoms_rules_title(const elaaoms_tokenizer_t *tz, const elaaoms_token_t *tok)
{
    size_t              i;
    static const char  *titles[] = {
        "mr", "mrs", "ms", "mx", "dr", "prof", NULL
    };

    if (tz->end - tz->pos < 3 || tz->pos[0] != '.' || tz->pos[1] != ' '
        || !elaaoms_ascii_upper(tz->pos[2])
        || !elaaoms_ascii_lower(tz->pos[-1]))
    {
        return 0;
    }

    for (i = 0; titles[i]; i++) {
        if (strcmp(tok->word, titles[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
elaaoms_rules_words(const char *content, size_t len,
    elaaoms_rules_words_t *ws)
{
    elaaoms_token_t       tok;
    elaaoms_tokenizer_t   tz;
    const unsigned char  *start;

    ws->n = 0;
    elaaoms_tokenizer_init(&tz, content, len);

    while (ws->n < ELAAOMS_RULES_MAX_WORDS
           && elaaoms_tokenizer_next(&tz, &tok))
    {
        /* "Ms. Tran", "Dr. Okafor": a title says nothing about health */
        if (elaaoms_rules_title(&tz, &tok)) {
            continue;
        }

        start = tz.pos;
        while (start > tz.begin
               && (elaaoms_ascii_alpha(start[-1]) || start[-1] == '\''
                   || start[-1] == '-'))
        {
            start--;
        }

        ws->w[ws->n].cap = ws->n > 0 && elaaoms_ascii_upper(*start);
        memcpy(ws->w[ws->n].word, tok.word, tok.word_len + 1);
        ws->w[ws->n].len = tok.word_len;
        ws->w[ws->n].concepts = tok.concepts;
        ws->w[ws->n].naming = 0;
        ws->n++;
    }
}


/* 1 when word w matches the term word t[0..tlen) ("x*": any ending) */
static int
elaaoms_rules_word_is(const elaaoms_rules_word_t *w, const char *t,
    size_t tlen)
{
    if (tlen > 0 && t[tlen - 1] == '*') {
        return w->len >= tlen - 1 && memcmp(w->word, t, tlen - 1) == 0;
    }

    return w->len == tlen && memcmp(w->word, t, tlen) == 0;
}


/* the number of words of term matched at ws->w[i], 0 when it does not */
static size_t
elaaoms_rules_term_at(const elaaoms_rules_words_t *ws, size_t i,
    const char *term)
{
    size_t       k, tlen;
    const char  *sp;

    for (k = 0; ; k++) {
        sp = strchr(term, ' ');
        tlen = sp ? (size_t) (sp - term) : strlen(term);

        if (i + k >= ws->n
            || !elaaoms_rules_word_is(&ws->w[i + k], term, tlen))
        {
            return 0;
        }

        if (sp == NULL) {
            return k + 1;
        }

        term = sp + 1;
    }
}


/* the first term of terms found in ws from word i on: its length, or 0 */
static size_t
elaaoms_rules_find(const elaaoms_rules_words_t *ws, size_t i,
    const char *const *terms)
{
    size_t  t, n;

    for (t = 0; terms[t] != NULL; t++) {
        n = elaaoms_rules_term_at(ws, i, terms[t]);
        if (n) {
            return n;
        }
    }

    return 0;
}


/* 1 when word w is one of list (NULL-ended) */
static int
elaaoms_rules_word_in(const elaaoms_rules_word_t *w, const char *const *list)
{
    size_t  k;

    for (k = 0; list[k] != NULL; k++) {
        if (strcmp(w->word, list[k]) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * "broke their collarbone", "a fractured jaw", "dislocated both
 * shoulders": an injury to a part of the body, whichever part WordNet
 * says it is (lexicon.h); the word after the verb, or after a possessive
 */
static int
elaaoms_rules_injury_at(const elaaoms_rules_words_t *ws, size_t i)
{
    static const char  *verbs[] = {
        "broke", "broken", "fractured", "cracked", "dislocated", "sprained",
        "tore", "torn", "shattered", "snapped", "busted", "injured",
        "wrenched", "separated", "jammed", "smashed", "bruised", "burned",
        "burnt", "scalded", NULL
    };
    /* parts WordNet does not list under body_part by these names */
    static const char  *parts[] = {
        "acl", "mcl", "achilles", "rotator", NULL
    };
    static const char  *whose[] = {
        "my", "his", "her", "their", "your", "both", NULL
    };

    if (!elaaoms_rules_word_in(&ws->w[i], verbs) || ++i >= ws->n) {
        return 0;
    }

    if (elaaoms_rules_word_in(&ws->w[i], whose) && ++i >= ws->n) {
        return 0;
    }

    return elaaoms_rules_word_in(&ws->w[i], parts)
           || elaaoms_lexicon_body_part(ws->w[i].word, ws->w[i].len);
}


/*
 * "is on a walker for now", "can't get there fast with the walker": a
 * walker after "on", "with" or a verb of using; not "Walker Street" or
 * "a dog walker"
 */
static int
elaaoms_rules_walker_at(const elaaoms_rules_words_t *ws, size_t i)
{
    static const char  *before[] = {
        "on", "with", "uses", "use", "using", "used", "needs", "need",
        "needed", NULL
    };
    static const char  *whose[] = {
        "the", "my", "his", "her", "their", NULL
    };

    if (i == 0 || ws->w[i].cap || strcmp(ws->w[i].word, "walker") != 0) {
        return 0;
    }

    /* "with the walker", "on her walker" */
    if (i > 1 && elaaoms_rules_word_in(&ws->w[i - 1], whose)) {
        i--;
    }

    return elaaoms_rules_word_in(&ws->w[i - 1], before);
}


static int
elaaoms_rules_health_words(const elaaoms_rules_words_t *ws)
{
    size_t  i;

    for (i = 0; i < ws->n; i++) {
        if (elaaoms_rules_find(ws, i, elaaoms_rules_health_terms)
            || elaaoms_rules_injury_at(ws, i)
            || elaaoms_rules_walker_at(ws, i))
        {
            return 1;
        }

        /* beyond the table: WordNet's illnesses, injuries, therapies ... */
        if (elaaoms_lexicon_health(ws->w[i].word, ws->w[i].len)) {
            return 1;
        }
    }

    return 0;
}


int
elaaoms_memory_rules_health(const char *content, size_t len)
{
    elaaoms_rules_words_t  ws;

    if (content == NULL) {
        return 0;
    }

    elaaoms_rules_words(content, len, &ws);

    return elaaoms_rules_health_words(&ws);
}


static int
elaaoms_rules_identity_words(elaaoms_mem_type_e type,
    elaaoms_rules_words_t *ws)
{
    int       subject, more, language;
    size_t    i, k, n;
    uint32_t  c;

    if (type != ELAAOMS_MEM_FACTUAL && type != ELAAOMS_MEM_PREFERENCE) {
        return 0;
    }

    subject = 0;
    more = 0;
    language = 0;

    for (i = 0; i < ws->n; i++) {
        n = elaaoms_rules_find(ws, i, elaaoms_rules_naming_terms);
        for (k = 0; k < n; k++) {
            ws->w[i + k].naming = 1;
        }
        /* "wants to be called" with no name after it names nobody */
        subject |= (n > 0
                    && (i + n < ws->n
                        || strncmp(ws->w[i].word, "pronoun", 7) == 0));

        /*
         * the name itself, capitalized after "goes by" or "name is": its
         * words may be words of other subjects ("Bill Grant", "Ms. Tran")
         */
        if (n == 0 && (ws->w[i].concepts & (1u << ELAAOMS_CONCEPT_NAME))) {
            n = 1;
            if (i + 1 < ws->n && strcmp(ws->w[i + 1].word, "is") == 0) {
                n = 2;
            }
        }

        for (k = i + n; n > 0 && k < ws->n && k < i + n + 3 && ws->w[k].cap;
             k++)
        {
            ws->w[k].naming = 1;
        }
    }

    for (i = 0; i < ws->n; i++) {
        if (ws->w[i].naming) {
            continue;
        }

        if (elaaoms_rules_find(ws, i, elaaoms_rules_other_people)) {
            return 0;
        }

        /* "asked whether the company has anyone who speaks Mandarin":
           the business called, the extractor's word for "you" */
        if (i > 0 && strcmp(ws->w[i].word, "company") == 0
            && strcmp(ws->w[i - 1].word, "the") == 0)
        {
            continue;
        }

        c = ws->w[i].concepts;

        if (c & ((1u << ELAAOMS_CONCEPT_FAMILY) | (1u << ELAAOMS_CONCEPT_PET)))
        {
            return 0;   /* someone else's */
        }

        if (c & ~ELAAOMS_RULES_IDENTITY_CONCEPTS) {
            more = 1;   /* about something else as well */
        }

        if (c & ((1u << ELAAOMS_CONCEPT_NAME)
                 | (1u << ELAAOMS_CONCEPT_LANGUAGE)))
        {
            subject = 1;
        }

        language |= (c & (1u << ELAAOMS_CONCEPT_LANGUAGE)) != 0;
    }

    /*
     * the language the caller wants is theirs whatever it is wanted for
     * ("prefers Russian for billing calls"); a name beside another
     * subject may be anyone's ("the name on order XYZ-789")
     */
    return subject && (!more || language);
}


int
elaaoms_memory_rules_identity(elaaoms_mem_type_e type, const char *content,
    size_t len)
{
    elaaoms_rules_words_t  ws;

    if (content == NULL) {
        return 0;
    }

    elaaoms_rules_words(content, len, &ws);

    return elaaoms_rules_identity_words(type, &ws);
}


void
elaaoms_memory_rules_apply(elaaoms_mem_type_e type, const char *content,
    size_t len, int importance, elaaoms_memory_rules_t *out)
{
    elaaoms_rules_words_t  ws;

    out->importance = importance;
    out->flags = 0;
    out->health = 0;

    if (content == NULL) {
        return;
    }

    elaaoms_rules_words(content, len, &ws);

    if (elaaoms_rules_health_words(&ws)) {
        out->health = 1;
        if (out->importance < ELAAOMS_RULES_HEALTH_IMPORTANCE) {
            out->importance = ELAAOMS_RULES_HEALTH_IMPORTANCE;
        }
    }

    if (elaaoms_rules_identity_words(type, &ws)) {
        out->flags |= ELAAOMS_MEMORY_F_IDENTITY;
    }
}
