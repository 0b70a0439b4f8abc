/*
 * Dedup, reinforcement and conflict decisions, and the worker's write of
 * one conversation's memories (see memory_dedup.h).
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/ascii.h"
#include "extract/memory_rules.h"
#include "intake/ids.h"
#include "search/embed.h"
#include "store/memory_dedup.h"
#include "store/memory_retract.h"
#include "store/memory_store.h"
#include "search/tokenize.h"


/* --- exact duplicates ---------------------------------------------------- */

typedef struct {
    const unsigned char  *p;
    const unsigned char  *end;
    int                   started;
} elaaoms_norm_iter_t;


static int
elaaoms_norm_is_word(unsigned char c)
{
    return elaaoms_ascii_wordbyte(c);
}


static int
elaaoms_norm_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (c | 0x20) : c;
}


/* the next byte of the normalized text, or -1 at its end */
static int
elaaoms_norm_next(elaaoms_norm_iter_t *it)
{
    if (it->p < it->end && elaaoms_norm_is_word(*it->p)) {
        it->started = 1;
        return elaaoms_norm_lower(*it->p++);
    }

    while (it->p < it->end && !elaaoms_norm_is_word(*it->p)) {
        it->p++;
    }

    if (it->p == it->end) {
        return -1;                  /* trailing separators vanish */
    }

    if (it->started) {
        return ' ';                 /* the word follows on the next call */
    }

    it->started = 1;                /* leading separators vanish */
    return elaaoms_norm_lower(*it->p++);
}


int
elaaoms_dedup_same_text(const char *a, size_t alen, const char *b,
    size_t blen)
{
    int                  ca, cb;
    elaaoms_norm_iter_t  ia, ib;

    ia.p = (const unsigned char *) a;
    ia.end = ia.p + alen;
    ia.started = 0;
    ib.p = (const unsigned char *) b;
    ib.end = ib.p + blen;
    ib.started = 0;

    do {
        ca = elaaoms_norm_next(&ia);
        cb = elaaoms_norm_next(&ib);
        if (ca != cb) {
            return 0;
        }
    } while (ca != -1);

    return 1;
}


/* --- the conflict heuristic ---------------------------------------------- */

/* content words beyond this many do not take part (memories are short) */
#define ELAAOMS_DEDUP_MAX_TOKENS  64

#define ELAAOMS_BIT(c)  (1u << (c))

/* "about a family member, a pet, work?" must agree on both sides */
#define ELAAOMS_DEDUP_QUALIFIERS                                              \
    (ELAAOMS_BIT(ELAAOMS_CONCEPT_FAMILY)                                      \
     | ELAAOMS_BIT(ELAAOMS_CONCEPT_PET)                                       \
     | ELAAOMS_BIT(ELAAOMS_CONCEPT_WORK))

#define ELAAOMS_TYPE_BIT(t)  (1u << (t))

/* what counts as a value of a slot */
#define ELAAOMS_VALUES_CONCEPT  0   /* words of the slot's concept */
#define ELAAOMS_VALUES_OPEN     1   /* concept-free words and numbers */
#define ELAAOMS_VALUES_DIGITS   2   /* tokens holding a digit */
#define ELAAOMS_VALUES_AMOUNT   3   /* digits and NUMBER words ("twelve") */

/* what both sides must share besides the slot's concept */
#define ELAAOMS_SHARE_NONE      0
#define ELAAOMS_SHARE_CONCEPT   1   /* a word of the slot's concept */
#define ELAAOMS_SHARE_SUBJECT   2   /* a word that is no value nor frame:
                                       what the amount is of ("month",
                                       "plan", "renewal") */

typedef struct {
    int       concept;
    unsigned  types;     /* ELAAOMS_TYPE_BIT of the types it applies to */
    unsigned  values;    /* ELAAOMS_VALUES_* */
    unsigned  shared;    /* ELAAOMS_SHARE_* */
} elaaoms_dedup_slot_t;

#define ELAAOMS_PREF  ELAAOMS_TYPE_BIT(ELAAOMS_MEM_PREFERENCE)
#define ELAAOMS_FACT  ELAAOMS_TYPE_BIT(ELAAOMS_MEM_FACTUAL)

static const elaaoms_dedup_slot_t  elaaoms_dedup_slots[] = {
    /* channel: "prefers email" / "prefers text messages" */
    { ELAAOMS_CONCEPT_CONTACT, ELAAOMS_PREF, ELAAOMS_VALUES_CONCEPT, 0 },
    /* detail: "phone number ends in 0123" / "new phone number ... 0199" */
    { ELAAOMS_CONCEPT_CONTACT, ELAAOMS_FACT, ELAAOMS_VALUES_DIGITS, 1 },
    { ELAAOMS_CONCEPT_ADDRESS, ELAAOMS_PREF | ELAAOMS_FACT,
      ELAAOMS_VALUES_OPEN, 0 },
    { ELAAOMS_CONCEPT_NAME, ELAAOMS_PREF | ELAAOMS_FACT,
      ELAAOMS_VALUES_OPEN, 0 },
    { ELAAOMS_CONCEPT_LANGUAGE, ELAAOMS_PREF | ELAAOMS_FACT,
      ELAAOMS_VALUES_CONCEPT, 0 },
    { ELAAOMS_CONCEPT_TIME_OF_DAY, ELAAOMS_PREF, ELAAOMS_VALUES_CONCEPT, 0 },
    /* amount of one subject: "renewal is $1,640 a month" / "eighteen
     * months comes to $1,595 a month"; a price of something else ("the
     * diagnostic is $60" / "the Medeo is $1,399") shares no subject */
    { ELAAOMS_CONCEPT_BILLING, ELAAOMS_PREF | ELAAOMS_FACT,
      ELAAOMS_VALUES_AMOUNT, ELAAOMS_SHARE_SUBJECT },
    /* a term: "renew for twelve months" / "the eighteen-month lease" */
    { ELAAOMS_CONCEPT_DURATION, ELAAOMS_PREF, ELAAOMS_VALUES_AMOUNT,
      ELAAOMS_SHARE_NONE },
};

#define ELAAOMS_DEDUP_NSLOTS                                                  \
    (sizeof(elaaoms_dedup_slots) / sizeof(elaaoms_dedup_slots[0]))

/*
 * Words that frame a change or name a slot instead of filling it; matched
 * by stem.  PREFERENCE words ("prefer", "want", "rather") are frame too.
 */
static const char  *elaaoms_dedup_frame_list =
    "new newly instead current currently recent recently latest anymore "
    "longer actually old previous previously former formerly use used "
    "still change changed switched update updated goes going "
    "contact reach language speak speaker translate translator interpreter "
    "accent bilingual time hour available availability agent company";

/* matched on the surface word: exactly one side negated flips a value */
static const char  *elaaoms_dedup_negations[] = {
    "not", "no", "never", "nor", "don", "doesn", "didn", "won", "isn",
    "aren", "wasn", "weren", "cannot", "anymore", "stopped", NULL
};

#define ELAAOMS_DEDUP_MAX_FRAME  64

static uint32_t        elaaoms_dedup_frame[ELAAOMS_DEDUP_MAX_FRAME];
static size_t          elaaoms_dedup_nframe;
static pthread_once_t  elaaoms_dedup_once = PTHREAD_ONCE_INIT;


static void
elaaoms_dedup_init(void)
{
    char         w[ELAAOMS_TOKEN_MAX + 1];
    size_t       n;
    const char  *p, *start;

    for (p = elaaoms_dedup_frame_list; *p; ) {
        while (*p == ' ') {
            p++;
        }
        for (start = p; *p && *p != ' '; p++) { /* void */ }
        n = p - start;
        if (n == 0 || n > ELAAOMS_TOKEN_MAX
            || elaaoms_dedup_nframe == ELAAOMS_DEDUP_MAX_FRAME)
        {
            continue;
        }
        memcpy(w, start, n);
        w[n] = '\0';
        n = elaaoms_stem(w, n);
        elaaoms_dedup_frame[elaaoms_dedup_nframe++] =
            elaaoms_fnv1a(ELAAOMS_FNV_BASIS, w, n);
    }
}


typedef struct {
    uint32_t  hash;       /* of the stem */
    uint32_t  concepts;
    unsigned  digit:1;
    unsigned  frame:1;
} elaaoms_dedup_tok_t;

typedef struct {
    size_t               n;
    uint32_t             concepts;   /* of all content words */
    unsigned             negated:1;
    elaaoms_dedup_tok_t  tok[ELAAOMS_DEDUP_MAX_TOKENS];
} elaaoms_dedup_profile_t;


static void
elaaoms_dedup_profile(const char *text, size_t len,
    elaaoms_dedup_profile_t *p)
{
    size_t                i;
    elaaoms_token_t       tok;
    elaaoms_tokenizer_t   tz;
    elaaoms_dedup_tok_t  *t;

    pthread_once(&elaaoms_dedup_once, elaaoms_dedup_init);

    p->n = 0;
    p->concepts = 0;
    p->negated = 0;

    elaaoms_tokenizer_init(&tz, text, len);

    while (elaaoms_tokenizer_next(&tz, &tok)) {

        for (i = 0; elaaoms_dedup_negations[i]; i++) {
            if (strcmp(tok.word, elaaoms_dedup_negations[i]) == 0) {
                p->negated = 1;
                break;
            }
        }

        if (tok.stopword || p->n == ELAAOMS_DEDUP_MAX_TOKENS) {
            continue;
        }

        t = &p->tok[p->n++];
        t->hash = tok.stem_hash;
        t->concepts = tok.concepts;
        t->digit = tok.has_digit;
        t->frame = (tok.concepts & ELAAOMS_BIT(ELAAOMS_CONCEPT_PREFERENCE))
                   != 0;

        for (i = 0; i < elaaoms_dedup_nframe && !t->frame; i++) {
            t->frame = (elaaoms_dedup_frame[i] == tok.stem_hash);
        }

        p->concepts |= tok.concepts;
    }
}


static int
elaaoms_dedup_is_value(const elaaoms_dedup_tok_t *t,
    const elaaoms_dedup_slot_t *s)
{
    if (t->frame) {
        return 0;
    }

    switch (s->values) {
    case ELAAOMS_VALUES_OPEN:
        return t->digit || t->concepts == 0;
    case ELAAOMS_VALUES_DIGITS:
        return t->digit;
    case ELAAOMS_VALUES_AMOUNT:
        return t->digit
               || (t->concepts & ELAAOMS_BIT(ELAAOMS_CONCEPT_NUMBER)) != 0;
    default:
        return (t->concepts & ELAAOMS_BIT(s->concept)) != 0;
    }
}


/* 1 when a has a value (for slot s) that b lacks; *any: a has values */
static int
elaaoms_dedup_value_missing(const elaaoms_dedup_profile_t *a,
    const elaaoms_dedup_profile_t *b, const elaaoms_dedup_slot_t *s, int *any)
{
    int     missing;
    size_t  i, j;

    *any = 0;
    missing = 0;

    for (i = 0; i < a->n; i++) {
        if (!elaaoms_dedup_is_value(&a->tok[i], s)) {
            continue;
        }

        *any = 1;

        for (j = 0; j < b->n; j++) {
            if (b->tok[j].hash == a->tok[i].hash
                && elaaoms_dedup_is_value(&b->tok[j], s))
            {
                break;
            }
        }

        if (j == b->n) {
            missing = 1;
        }
    }

    return missing;
}


static int
elaaoms_dedup_share_word(const elaaoms_dedup_profile_t *a,
    const elaaoms_dedup_profile_t *b, uint32_t bit)
{
    size_t  i, j;

    for (i = 0; i < a->n; i++) {
        if (!(a->tok[i].concepts & bit)) {
            continue;
        }
        for (j = 0; j < b->n; j++) {
            if (b->tok[j].hash == a->tok[i].hash) {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * 1 when a and b share a word that is neither a value of s, a frame nor a
 * word of the slot's own concept: "percent" is no subject ("twenty
 * percent down" / "a rate of 6.25 percent"), "month" or "plan" is
 */
static int
elaaoms_dedup_share_subject(const elaaoms_dedup_profile_t *a,
    const elaaoms_dedup_profile_t *b, const elaaoms_dedup_slot_t *s)
{
    size_t  i, j;

    for (i = 0; i < a->n; i++) {
        if (a->tok[i].frame || elaaoms_dedup_is_value(&a->tok[i], s)
            || (a->tok[i].concepts & ELAAOMS_BIT(s->concept)))
        {
            continue;
        }
        for (j = 0; j < b->n; j++) {
            if (b->tok[j].hash == a->tok[i].hash) {
                return 1;
            }
        }
    }

    return 0;
}


static int
elaaoms_dedup_conflict_profiles(elaaoms_mem_type_e type,
    const elaaoms_dedup_profile_t *a, const elaaoms_dedup_profile_t *b)
{
    int                          a_any, b_any, a_only, b_only;
    size_t                       i;
    uint32_t                     bit, q;
    const elaaoms_dedup_slot_t  *s;

    /* the same "whose": both or neither about a relative, pet or work, and
     * then the same one ("daughter"/"daughter", not "dog"/"cat") */
    if ((a->concepts ^ b->concepts) & ELAAOMS_DEDUP_QUALIFIERS) {
        return 0;
    }

    q = a->concepts & ELAAOMS_DEDUP_QUALIFIERS;

    for (i = 0; i < ELAAOMS_NCONCEPTS; i++) {
        bit = ELAAOMS_BIT(i);
        if ((q & bit) && !elaaoms_dedup_share_word(a, b, bit)) {
            return 0;
        }
    }

    for (i = 0; i < ELAAOMS_DEDUP_NSLOTS; i++) {
        s = &elaaoms_dedup_slots[i];
        bit = ELAAOMS_BIT(s->concept);

        if (!(s->types & ELAAOMS_TYPE_BIT(type))
            || !(a->concepts & bit) || !(b->concepts & bit)
            || (s->shared == ELAAOMS_SHARE_CONCEPT
                && !elaaoms_dedup_share_word(a, b, bit))
            || (s->shared == ELAAOMS_SHARE_SUBJECT
                && !elaaoms_dedup_share_subject(a, b, s)))
        {
            continue;
        }

        a_only = elaaoms_dedup_value_missing(a, b, s, &a_any);
        b_only = elaaoms_dedup_value_missing(b, a, s, &b_any);

        if (!a_any || !b_any) {
            continue;
        }

        /*
         * different values conflict when both sides state or both deny
         * ("prefers email" / "prefers texts"); a denial of one value and
         * a wish for another agree ("wants e-mail" / "rather not get
         * calls"); the same value conflicts when only one side denies it
         */
        if ((a_only && b_only && a->negated == b->negated)
            || (!a_only && !b_only && a->negated != b->negated))
        {
            return s->concept + 1;
        }
    }

    return 0;
}


int
elaaoms_dedup_conflict(elaaoms_mem_type_e type_a, const char *a, size_t alen,
    elaaoms_mem_type_e type_b, const char *b, size_t blen)
{
    elaaoms_dedup_profile_t  pa, pb;

    if (type_a != type_b
        || (type_a != ELAAOMS_MEM_FACTUAL && type_a != ELAAOMS_MEM_PREFERENCE))
    {
        return 0;
    }

    elaaoms_dedup_profile(a, alen, &pa);
    elaaoms_dedup_profile(b, blen, &pb);

    return elaaoms_dedup_conflict_profiles(type_a, &pa, &pb);
}


/* --- decisions ----------------------------------------------------------- */

static float
elaaoms_dedup_similarity(const float *vec, const elaaoms_dedup_model_vec_t *mv,
    const elaaoms_memory_record_t *r)
{
    float  other[ELAAOMS_EMBED_DIM];

    /* the same model as the new memory's precomputed vector */
    if (mv != NULL && mv->vec != NULL && r->vec_q8 != NULL
        && r->dim == mv->dim
        && elaaoms_mstr_eq(r->embed_model, elaaoms_mstr(mv->model)))
    {
        return elaaoms_cosine_q8(mv->vec, r->vec_q8, mv->dim);
    }

    if (r->dim == ELAAOMS_EMBED_DIM && r->vec_q8 != NULL
        && elaaoms_mstr_eq(r->embed_model, elaaoms_mstr(ELAAOMS_EMBED_MODEL)))
    {
        return elaaoms_cosine_q8(vec, r->vec_q8, ELAAOMS_EMBED_DIM);
    }

    /* the offline vector kept beside a provider's */
    if (r->offline_dim == ELAAOMS_EMBED_DIM && r->offline_q8 != NULL
        && elaaoms_mstr_eq(r->offline_model,
                           elaaoms_mstr(ELAAOMS_EMBED_MODEL)))
    {
        return elaaoms_cosine_q8(vec, r->offline_q8, ELAAOMS_EMBED_DIM);
    }

    /* another model's vector cannot be compared: both texts offline */
    elaaoms_embed_text(r->content.data, r->content.len, other);

    return elaaoms_cosine(vec, other, ELAAOMS_EMBED_DIM);
}


/*
 * current records contradicting the new memory, except `skip`: of its
 * type, by the slots above (a fact or a preference), or of those two
 * types whatever the new memory's, when it takes back a value they state
 * (memory_retract.h: "Sandpiper Plaza doesn't work anymore")
 */
static void
elaaoms_dedup_find_conflicts(const elaaoms_memory_record_t *existing,
    size_t n, elaaoms_mem_type_e type, const char *content, size_t len,
    const elaaoms_dedup_profile_t *pn, size_t skip,
    elaaoms_dedup_decision_t *d)
{
    size_t                   i;
    int                      identity, slots, retracts;
    elaaoms_dedup_profile_t  pe;

    d->nconflicts = 0;

    slots = type == ELAAOMS_MEM_FACTUAL || type == ELAAOMS_MEM_PREFERENCE;
    retracts = elaaoms_memory_retracts(content, len);

    if (!slots && !retracts) {
        return;
    }

    /* the caller's name is replaced by a name only: "Caller's name is
       Tilly Prewitt" stays beside "the name's Prewitt, order OH-573196" */
    identity = elaaoms_memory_rules_identity(type, content, len);

    for (i = 0; i < n && d->nconflicts < ELAAOMS_MEMORY_MAX_CONFLICTS; i++) {
        if (i == skip
            || (existing[i].type != ELAAOMS_MEM_FACTUAL
                && existing[i].type != ELAAOMS_MEM_PREFERENCE)
            || ((existing[i].flags & ELAAOMS_MEMORY_F_IDENTITY) && !identity))
        {
            continue;
        }

        /* a value taken back is linked even when something else already
           replaced it: its rank then follows the retraction too */
        if (slots && existing[i].type == type
            && !(existing[i].flags & ELAAOMS_MEMORY_F_SUPERSEDED))
        {
            elaaoms_dedup_profile(existing[i].content.data,
                                  existing[i].content.len, &pe);

            if (elaaoms_dedup_conflict_profiles(type, pn, &pe)) {
                d->conflicts[d->nconflicts++] = i;
                continue;
            }
        }

        if (retracts
            && elaaoms_memory_retracted_by(existing[i].content.data,
                                           existing[i].content.len, content,
                                           len))
        {
            d->conflicts[d->nconflicts++] = i;
        }
    }
}


void
elaaoms_dedup_decide(const elaaoms_memory_record_t *existing, size_t n,
    elaaoms_mem_type_e type, const char *content, size_t len,
    const float *vec, float threshold, elaaoms_dedup_decision_t *d)
{
    elaaoms_dedup_decide_mv(existing, n, type, content, len, vec, NULL,
                            threshold, d);
}


void
elaaoms_dedup_decide_mv(const elaaoms_memory_record_t *existing, size_t n,
    elaaoms_mem_type_e type, const char *content, size_t len,
    const float *vec, const elaaoms_dedup_model_vec_t *mv, float threshold,
    elaaoms_dedup_decision_t *d)
{
    int                      found;
    size_t                   i, exact;
    float                    sim;
    elaaoms_dedup_profile_t  pn;

    memset(d, 0, sizeof(elaaoms_dedup_decision_t));
    d->action = ELAAOMS_DEDUP_NEW;

    if (threshold <= 0) {
        threshold = ELAAOMS_DEDUP_DEFAULT_THRESHOLD;
    }

    /* 1. exact: a current record wins over a superseded one */

    exact = n;
    for (i = 0; i < n; i++) {
        if (existing[i].type == type
            && elaaoms_dedup_same_text(existing[i].content.data,
                                       existing[i].content.len, content, len))
        {
            exact = i;
            if (!(existing[i].flags & ELAAOMS_MEMORY_F_SUPERSEDED)) {
                break;
            }
        }
    }

    elaaoms_dedup_profile(content, len, &pn);

    if (exact < n) {
        d->action = ELAAOMS_DEDUP_EXACT;
        d->match = exact;
        d->similarity = 1;

        if (existing[exact].flags & ELAAOMS_MEMORY_F_SUPERSEDED) {
            /* it comes back: what replaced it is replaced in turn */
            elaaoms_dedup_find_conflicts(existing, n, type, content, len, &pn,
                                         exact, d);
        }

        return;
    }

    /* 2. conflicts with current records */

    elaaoms_dedup_find_conflicts(existing, n, type, content, len, &pn, n,
                                 d);

    /* 3. the most similar record of the type */

    found = 0;
    for (i = 0; i < n; i++) {
        if (existing[i].type != type) {
            continue;
        }

        sim = elaaoms_dedup_similarity(vec, mv, &existing[i]);

        if (!found || sim > d->similarity) {
            d->similarity = sim;
            d->match = i;
            found = 1;
        }
    }

    if (d->nconflicts) {
        d->action = ELAAOMS_DEDUP_CONFLICT;

    } else if (found && d->similarity >= threshold) {
        d->action = ELAAOMS_DEDUP_REINFORCE;

    } else {
        d->match = 0;
    }
}


/* --- applying one conversation ------------------------------------------- */

/* what the working set owns besides the records (which only borrow) */
typedef struct {
    char            id[ELAAOMS_MEMORY_ID_MAX + 1];
    unsigned char  *q8;
    unsigned        dirty:1;
} elaaoms_dedup_aux_t;


static int
elaaoms_dedup_item_valid(const elaaoms_extracted_t *it)
{
    return (unsigned) it->type < ELAAOMS_MEM_NTYPES
           && it->importance >= 1 && it->importance <= 10
           && it->confidence >= 0 && it->confidence <= 1
           && it->content != NULL && it->content[0] != '\0'
           && strlen(it->content) <= ELAAOMS_MEMORY_STR_MAX
           && (it->source_quote == NULL
               || strlen(it->source_quote) <= ELAAOMS_MEMORY_STR_MAX);
}


/*
 * EXACT and REINFORCE: at most once per conversation.  rule is what
 * extract/memory_rules.h made of the new memory: its importance and an
 * identity flag the record keeps from then on.
 */
static void
elaaoms_dedup_confirm(elaaoms_memory_record_t *r, elaaoms_dedup_aux_t *aux,
    const elaaoms_extracted_t *it, const elaaoms_memory_rules_t *rule,
    elaaoms_mstr_t conv, elaaoms_mstr_t agent, int64_t now)
{
    float  conf = (float) it->confidence;

    if ((r->flags & rule->flags) != rule->flags) {
        r->flags |= rule->flags;
        aux->dirty = 1;
    }

    if (!elaaoms_mstr_eq(r->conversation_id, conv)) {
        elaaoms_memory_record_reinforce(r, conv, agent, conf,
                                        rule->importance, now);
        aux->dirty = 1;
        return;
    }

    if (conf > r->confidence) {
        r->confidence = conf;
        aux->dirty = 1;
    }

    if (rule->importance > r->importance) {
        r->importance = rule->importance;
        r->shareable = r->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN;
        aux->dirty = 1;
    }
}


/* links a and b both ways; the older one is superseded */
static void
elaaoms_dedup_link(elaaoms_memory_record_t *recs, elaaoms_dedup_aux_t *aux,
    size_t newer, size_t older)
{
    elaaoms_memory_record_add_conflict(&recs[newer], recs[older].id);
    elaaoms_memory_record_add_conflict(&recs[older], recs[newer].id);
    recs[newer].flags &= ~ELAAOMS_MEMORY_F_SUPERSEDED;
    recs[older].flags |= ELAAOMS_MEMORY_F_SUPERSEDED;
    aux[newer].dirty = 1;
    aux[older].dirty = 1;
}


/* one pass: decisions on a fresh read, then the commit; 1, 0 or -1 */
static int
elaaoms_dedup_apply_once(elaaoms_redis_t *rc, const elaaoms_memory_apply_t *a,
    const elaaoms_extracted_list_t *list, elaaoms_memory_apply_counts_t *c,
    char *err, size_t errlen)
{
    int                              r;
    float                            vec[ELAAOMS_EMBED_DIM];
    size_t                           i, k, cap, n, ndirty, dim;
    const char                      *model;
    elaaoms_dedup_model_vec_t        mv;
    int64_t                          now;
    elaaoms_mstr_t                   conv, agent;
    elaaoms_dedup_aux_t             *aux;
    unsigned char                   *upgraded, **vecs;
    redisReply                      *v1_agents;
    elaaoms_memory_list_t            stored;
    elaaoms_memory_record_t         *recs, *nr;
    const elaaoms_extracted_t       *it;
    elaaoms_dedup_decision_t         d;
    elaaoms_memory_rules_t           rule;
    const elaaoms_memory_record_t  **dirty;

    memset(c, 0, sizeof(elaaoms_memory_apply_counts_t));
    memset(&mv, 0, sizeof(mv));

    if (elaaoms_memory_store_watch_load(rc, a->org, a->caller, &stored, err,
                                        errlen)
        != 0)
    {
        return -1;
    }

    now = a->now ? a->now : (int64_t) time(NULL);
    conv = elaaoms_mstr(a->conversation_id);
    agent = elaaoms_mstr(a->agent_id);

    /* sized once: new records' ids live in aux[], which must not move */
    cap = stored.n + list->n;
    recs = calloc(cap ? cap : 1, sizeof(elaaoms_memory_record_t));
    aux = calloc(cap ? cap : 1, sizeof(elaaoms_dedup_aux_t));
    dirty = calloc(cap ? cap : 1, sizeof(elaaoms_memory_record_t *));
    upgraded = calloc(cap ? cap : 1, 1);
    v1_agents = NULL;

    if (recs == NULL || aux == NULL || dirty == NULL || upgraded == NULL) {
        goto oom;
    }

    if (stored.n) {
        memcpy(recs, stored.items, stored.n * sizeof(elaaoms_memory_record_t));
    }
    n = stored.n;

    /* records of the first version learn all their agents, once */
    if (elaaoms_memory_store_v1_agents(rc, a->org, a->caller, recs, n,
                                       upgraded, &v1_agents, err, errlen)
        != 0)
    {
        elaaoms_memory_store_unwatch(rc);
        r = -1;
        goto done;
    }

    /* records of an older offline embedder, re-embedded once */
    vecs = calloc(n ? n : 1, sizeof(*vecs));
    if (vecs == NULL) {
        goto oom;
    }

    r = elaaoms_memory_store_reembed(recs, n, upgraded, vecs);

    for (i = 0; i < n; i++) {
        aux[i].dirty = upgraded[i];
        aux[i].q8 = vecs[i];    /* aux owns them from here */
    }

    free(vecs);

    if (r < 0) {
        goto oom;
    }

    /* the vectors new records get: the caller's model, or the offline one */
    if (a->vectors != NULL) {
        dim = a->vec_dim;
        model = a->vec_model;
        mv.dim = a->vec_dim;
        mv.model = a->vec_model;
    } else {
        dim = ELAAOMS_EMBED_DIM;
        model = ELAAOMS_EMBED_MODEL;
    }

    for (i = 0; i < list->n; i++) {
        it = &list->items[i];

        if (!elaaoms_dedup_item_valid(it)) {
            c->invalid++;
            continue;
        }

        /* the rules every stored memory goes through, whatever
           extracted it: health and safety raised, identity flagged */
        elaaoms_memory_rules_apply(it->type, it->content, strlen(it->content),
                                   it->importance, &rule);

        /* always: records of other models are compared offline */
        elaaoms_embed_text(it->content, strlen(it->content), vec);

        if (a->vectors != NULL) {
            mv.vec = a->vectors + i * a->vec_dim;
        }

        elaaoms_dedup_decide_mv(recs, n, it->type, it->content,
                                strlen(it->content), vec,
                                a->vectors != NULL ? &mv : NULL,
                                a->threshold, &d);

        if (d.action == ELAAOMS_DEDUP_EXACT
            || d.action == ELAAOMS_DEDUP_REINFORCE)
        {
            elaaoms_dedup_confirm(&recs[d.match], &aux[d.match], it, &rule,
                                  conv, agent, now);

            for (k = 0; k < d.nconflicts; k++) {
                elaaoms_dedup_link(recs, aux, d.match, d.conflicts[k]);
            }

            if (d.action == ELAAOMS_DEDUP_EXACT) {
                c->duplicates++;
            } else {
                c->reinforced++;
            }

            continue;
        }

        /* NEW or CONFLICT: a new record */

        nr = &recs[n];

        /* a provider's vector keeps the offline one beside it: readers
           without the question's provider vector never re-embed */
        aux[n].q8 = malloc(ELAAOMS_VEC_Q8_SIZE(dim)
                           + (a->vectors != NULL
                              ? ELAAOMS_VEC_Q8_SIZE(ELAAOMS_EMBED_DIM) : 0));
        if (aux[n].q8 == NULL) {
            goto oom;
        }

        elaaoms_vec_pack_q8(a->vectors != NULL ? mv.vec : vec, dim,
                            aux[n].q8);
        elaaoms_memory_id_new(aux[n].id, sizeof(aux[n].id), now);

        nr->id = elaaoms_mstr(aux[n].id);
        nr->org = elaaoms_mstr(a->org);
        nr->caller = elaaoms_mstr(a->caller);
        nr->conversation_id = conv;
        nr->agent_id = agent;
        nr->content = elaaoms_mstr(it->content);
        nr->source_quote = elaaoms_mstr(it->source_quote);
        nr->embed_model = elaaoms_mstr(model);
        nr->type = it->type;
        nr->importance = rule.importance;
        nr->shareable = rule.importance >= ELAAOMS_MEMORY_SHAREABLE_MIN;
        nr->flags = rule.flags;
        nr->created = now;
        nr->last_reinforced = now;
        nr->confidence = (float) it->confidence;
        nr->dim = dim;
        nr->vec_q8 = aux[n].q8;

        if (a->vectors != NULL) {
            nr->offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
            nr->offline_dim = ELAAOMS_EMBED_DIM;
            nr->offline_q8 = aux[n].q8 + ELAAOMS_VEC_Q8_SIZE(dim);
            elaaoms_vec_pack_q8(vec, ELAAOMS_EMBED_DIM,
                                (unsigned char *) nr->offline_q8);
        }

        aux[n].dirty = 1;

        for (k = 0; k < d.nconflicts; k++) {
            elaaoms_dedup_link(recs, aux, n, d.conflicts[k]);
        }

        if (d.action == ELAAOMS_DEDUP_CONFLICT) {
            c->conflicts++;
        } else {
            c->stored++;
        }

        n++;
    }

    ndirty = 0;
    for (i = 0; i < n; i++) {
        if (aux[i].dirty) {
            dirty[ndirty++] = &recs[i];
        }
    }

    r = elaaoms_memory_store_commit(rc, a->org, a->caller, dirty, ndirty,
                                    err, errlen);
    goto done;

oom:

    elaaoms_memory_store_unwatch(rc);
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "out of memory");
    }
    r = -1;

done:

    for (i = 0; aux != NULL && i < cap; i++) {
        free(aux[i].q8);
    }

    free(recs);
    free(aux);
    free(dirty);
    free(upgraded);
    if (v1_agents != NULL) {
        freeReplyObject(v1_agents);
    }
    elaaoms_memory_list_free(&stored);

    return r;
}


int
elaaoms_memory_store_apply(elaaoms_redis_t *rc, const elaaoms_memory_apply_t *a,
    const elaaoms_extracted_list_t *list, elaaoms_memory_apply_counts_t *counts,
    char *err, size_t errlen)
{
    int  r, attempt;

    memset(counts, 0, sizeof(elaaoms_memory_apply_counts_t));

    if (a->conversation_id == NULL
        || !elaaoms_conversation_id_valid_str(a->conversation_id)
        || (a->agent_id != NULL && a->agent_id[0] != '\0'
            && !elaaoms_conversation_id_valid_str(a->agent_id)))
    {
        if (err != NULL && errlen > 0) {
            snprintf(err, errlen, "invalid conversation or agent id");
        }
        return -1;
    }

    if (a->vectors != NULL
        && (a->vec_dim == 0 || a->vec_dim > ELAAOMS_MEMORY_MAX_DIM
            || a->vec_model == NULL || a->vec_model[0] == '\0'
            || strlen(a->vec_model) > ELAAOMS_MEMORY_STR_MAX
            /* nginx would take them for the offline embedder's */
            || strcmp(a->vec_model, ELAAOMS_EMBED_MODEL) == 0))
    {
        if (err != NULL && errlen > 0) {
            snprintf(err, errlen, "precomputed vectors need a model name "
                     "(not the offline model's) and a dimension of 1..%d",
                     ELAAOMS_MEMORY_MAX_DIM);
        }
        return -1;
    }

    for (attempt = 0; attempt < ELAAOMS_MEMORY_STORE_RETRIES; attempt++) {
        elaaoms_memory_store_backoff(attempt);
        r = elaaoms_dedup_apply_once(rc, a, list, counts, err, errlen);
        if (r != 0) {
            return r == 1 ? 0 : -1;
        }
        /* another writer touched the caller: decide again on fresh data */
    }

    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "apply: too many concurrent writers");
    }

    return -1;
}
