#include <stdlib.h>

#include "unit.h"
#include "search/embed.h"
#include "store/memory_dedup.h"


#define S(s)  (s), strlen(s)

static unsigned char  q8s[8][ELAAOMS_EMBED_DIM];


static void
rec(elaaoms_memory_record_t *r, int i, const char *id, elaaoms_mem_type_e t,
    const char *content)
{
    float  v[ELAAOMS_EMBED_DIM];

    memset(r, 0, sizeof(*r));
    r->id = elaaoms_mstr(id);
    r->org = elaaoms_mstr("acme");
    r->caller = elaaoms_mstr("+14155550123");
    r->content = elaaoms_mstr(content);
    r->type = t;
    r->importance = 5;
    r->confidence = 0.8f;
    r->embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    elaaoms_embed_text(S(content), v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8s[i]);
    r->dim = ELAAOMS_EMBED_DIM;
    r->vec_q8 = q8s[i];
}


static void
decide(const elaaoms_memory_record_t *recs, size_t n, elaaoms_mem_type_e t,
    const char *content, float threshold, elaaoms_dedup_decision_t *d)
{
    float  v[ELAAOMS_EMBED_DIM];

    elaaoms_embed_text(S(content), v);
    elaaoms_dedup_decide(recs, n, t, S(content), v, threshold, d);
}


static void
test_same_text(void)
{
    CHECK(elaaoms_dedup_same_text(S("Prefers email."), S("prefers  EMAIL")));
    CHECK(elaaoms_dedup_same_text(S("  Prefers email"), S("Prefers email!!")));
    CHECK(elaaoms_dedup_same_text(S(""), S("...")));
    CHECK(!elaaoms_dedup_same_text(S("Prefers email"), S("Prefers emails")));
    CHECK(!elaaoms_dedup_same_text(S("Prefers email"), S("Prefersemail")));
    CHECK(!elaaoms_dedup_same_text(S("Prefers email"), S("Prefers")));
}


static void
test_conflict_heuristic(void)
{
    elaaoms_mem_type_e  P = ELAAOMS_MEM_PREFERENCE, F = ELAAOMS_MEM_FACTUAL;

#define CONFLICT(t, a, b, slot)                                              \
    CHECK_INT_EQ(elaaoms_dedup_conflict(t, S(a), t, S(b)), (slot) + 1)
#define NO_CONFLICT(t, a, b)                                                 \
    CHECK_INT_EQ(elaaoms_dedup_conflict(t, S(a), t, S(b)), 0)

    /* the product's two examples */
    CONFLICT(P, "Prefers email over phone calls",
             "Prefers text messages now instead of email",
             ELAAOMS_CONCEPT_CONTACT);
    CONFLICT(F, "Lives at 5 Oak St", "New address is 12 Harbor Lane",
             ELAAOMS_CONCEPT_ADDRESS);

    CONFLICT(F, "Lives at 5 Oak St", "Lives at 12 Oak St",
             ELAAOMS_CONCEPT_ADDRESS);

    /* a wish for one channel and a refusal of another agree */
    NO_CONFLICT(P, "Wants to be emailed when it ships",
                "Would rather not get phone calls");
    NO_CONFLICT(P, "Prefers email", "Does not want text messages");
    CONFLICT(P, "Does not want phone calls", "Does not want emails anymore",
             ELAAOMS_CONCEPT_CONTACT);
    CONFLICT(P, "Prefers email", "Does not want email anymore",
             ELAAOMS_CONCEPT_CONTACT);
    CONFLICT(P, "Speaks Spanish", "Prefers to speak English",
             ELAAOMS_CONCEPT_LANGUAGE);
    CONFLICT(P, "Prefers morning calls", "Prefers evening appointments",
             ELAAOMS_CONCEPT_TIME_OF_DAY);
    CONFLICT(F, "Phone number ends in 0123",
             "New phone number ends in 0199", ELAAOMS_CONCEPT_CONTACT);
    CONFLICT(F, "Her daughter's name is Emma",
             "Her daughter is named Emily", ELAAOMS_CONCEPT_NAME);

    /* an amount or a term changed for the same subject */
    CONFLICT(F, "The agent said: The twelve-month renewal is $1,640 a month, "
             "up from $1,550.",
             "The agent said: Eighteen months comes to $1,595 a month.",
             ELAAOMS_CONCEPT_BILLING);
    CONFLICT(F, "The agent said: Business is $29.99 a month, billed yearly.",
             "The agent said: Sure, month to month the Business plan is "
             "$34.99.", ELAAOMS_CONCEPT_BILLING);
    CONFLICT(P, "The caller would like to renew for twelve months.",
             "The caller said they'd rather do the eighteen-month lease "
             "instead.", ELAAOMS_CONCEPT_DURATION);
    NO_CONFLICT(F, "The agent said: The Gazelle Medeo is $1,399 in a small "
                "frame.",
                "The agent said: The diagnostic is $60 and it takes about a "
                "week.");
    NO_CONFLICT(F, "The caller said twenty percent, so about eighty-two "
                "thousand.",
                "The agent said: The rate lock today would be 6.25 percent "
                "for 45 days.");
    NO_CONFLICT(F, "The agent said: The diagnostic is $60.",
                "The agent replaced the controller under warranty, so the "
                "caller only owes the $60 diagnostic.");

    /* same value, additions, other subjects */
    NO_CONFLICT(P, "Prefers email", "Prefers to be contacted by email");
    NO_CONFLICT(P, "Prefers email", "Prefers email and text messages");
    NO_CONFLICT(P, "Prefers email, not phone calls", "Prefers email");
    NO_CONFLICT(F, "Her daughter's name is Emma", "Her name is Ann");
    NO_CONFLICT(F, "Has a dog named Rex", "Has a cat named Tom");
    NO_CONFLICT(F, "Works from home", "Lives at 5 Oak St");
    NO_CONFLICT(F, "Phone number ends in 0123",
                "Called three times this week");
    NO_CONFLICT(F, "Order XYZ-789 arrived damaged",
                "Order XYZ-789 was delivered late");

    /* only factual and preference, and only within one type */
    CHECK_INT_EQ(elaaoms_dedup_conflict(ELAAOMS_MEM_ISSUE, S("Lives at 5 Oak"),
                                        ELAAOMS_MEM_ISSUE,
                                        S("Lives at 12 Elm")), 0);
    CHECK_INT_EQ(elaaoms_dedup_conflict(P, S("Lives at 5 Oak"),
                                        F, S("Lives at 12 Elm")), 0);
}


static void
test_decide(void)
{
    elaaoms_memory_record_t   recs[6];
    elaaoms_dedup_decision_t  d;
    elaaoms_mem_type_e        P = ELAAOMS_MEM_PREFERENCE;

    rec(&recs[0], 0, "m0", P, "Prefers email communication");
    rec(&recs[1], 1, "m1", ELAAOMS_MEM_FACTUAL, "Lives at 5 Oak St");
    rec(&recs[2], 2, "m2", ELAAOMS_MEM_ISSUE, "Order XYZ-789 arrived damaged");

    /* exact, whatever the case and punctuation */
    decide(recs, 3, P, "prefers email communication.", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_EXACT);
    CHECK_INT_EQ(d.match, 0);
    CHECK_INT_EQ(d.nconflicts, 0);

    /* the same text of another type is not a duplicate */
    decide(recs, 3, ELAAOMS_MEM_FACTUAL, "Prefers email communication", 0,
           &d);
    CHECK(d.action != ELAAOMS_DEDUP_EXACT);

    /* similar enough (cosine 0.93 >= 0.85): reinforce */
    decide(recs, 3, P, "Prefers communication by email", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    CHECK_INT_EQ(d.match, 0);
    CHECK(d.similarity >= ELAAOMS_DEDUP_DEFAULT_THRESHOLD);

    /* the threshold is configurable */
    decide(recs, 3, P, "Prefers communication by email", 0.95f, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);

    /* conflicts beat similarity */
    decide(recs, 3, ELAAOMS_MEM_FACTUAL, "Lives at 12 Oak St", 0.5f, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_CONFLICT);
    CHECK_INT_EQ(d.nconflicts, 1);
    CHECK_INT_EQ(d.conflicts[0], 1);

    decide(recs, 3, P, "Prefers text messages now", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_CONFLICT);
    CHECK_INT_EQ(d.conflicts[0], 0);

    /* text on top of email is an addition, not a contradiction */
    decide(recs, 3, P, "Prefers text messages as well as email", 0, &d);
    CHECK(d.action != ELAAOMS_DEDUP_CONFLICT);

    /* unrelated: new */
    decide(recs, 3, ELAAOMS_MEM_EMOTION, "Was frustrated about the wait", 0,
           &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);
    decide(recs, 0, P, "Prefers email", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);

    /* superseded records are history: no new conflict with them */
    recs[1].flags = ELAAOMS_MEMORY_F_SUPERSEDED;
    decide(recs, 3, ELAAOMS_MEM_FACTUAL, "Lives at 12 Oak St", 0, &d);
    CHECK(d.action != ELAAOMS_DEDUP_CONFLICT);

    /* ... but one coming back exactly supersedes what replaced it */
    rec(&recs[3], 3, "m3", ELAAOMS_MEM_FACTUAL,
        "New address is 12 Harbor Lane");
    decide(recs, 4, ELAAOMS_MEM_FACTUAL, "Lives at 5 Oak St", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_EXACT);
    CHECK_INT_EQ(d.match, 1);
    CHECK_INT_EQ(d.nconflicts, 1);
    CHECK_INT_EQ(d.conflicts[0], 3);

    /* the caller's name is replaced by a name only, not by a sentence
       that mentions one */
    rec(&recs[4], 4, "m4", ELAAOMS_MEM_FACTUAL,
        "Caller's name is Tilly Prewitt.");
    recs[4].flags = ELAAOMS_MEMORY_F_IDENTITY;
    decide(recs, 5, ELAAOMS_MEM_FACTUAL,
           "The caller said the name's Prewitt, order OH-573196.", 0, &d);
    CHECK(d.action != ELAAOMS_DEDUP_CONFLICT);
    recs[4].flags = 0;
    decide(recs, 5, ELAAOMS_MEM_FACTUAL,
           "The caller said the name's Prewitt, order OH-573196.", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_CONFLICT);
    recs[4].flags = ELAAOMS_MEMORY_F_IDENTITY;
    decide(recs, 5, ELAAOMS_MEM_FACTUAL, "Caller's name is Matilda Okafor.",
           0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_CONFLICT);
    CHECK_INT_EQ(d.conflicts[0], 4);

    /* a value taken back, in a memory of any type, even one already
       superseded by something else (memory_retract.h) */
    rec(&recs[5], 5, "m5", ELAAOMS_MEM_FACTUAL,
        "The caller said from the Sandpiper Plaza stop.");
    recs[5].flags = ELAAOMS_MEMORY_F_SUPERSEDED;
    decide(recs, 6, ELAAOMS_MEM_ISSUE, "The caller said they moved across "
           "town, so Sandpiper Plaza doesn't work anymore.", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_CONFLICT);
    CHECK_INT_EQ(d.nconflicts, 1);
    CHECK_INT_EQ(d.conflicts[0], 5);
    decide(recs, 6, ELAAOMS_MEM_ISSUE, "The caller said the Sandpiper Plaza "
           "stop is fine.", 0, &d);
    CHECK(d.action != ELAAOMS_DEDUP_CONFLICT);

    /* a vector of another model is not compared: the text is re-embedded */
    recs[0].embed_model = elaaoms_mstr("text-embedding-3-small");
    recs[0].dim = 16;
    decide(recs, 3, P, "Prefers communication by email", 0, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    CHECK_INT_EQ(d.match, 0);
}


/* a record of model `model` whose dim-float vector is v */
static void
rec_model(elaaoms_memory_record_t *r, int i, const char *id,
    elaaoms_mem_type_e t, const char *content, const char *model,
    const float *v, size_t dim)
{
    rec(r, i, id, t, content);
    r->embed_model = elaaoms_mstr(model);
    elaaoms_vec_pack_q8(v, dim, q8s[i]);
    r->dim = dim;
}


static void
decide_mv(const elaaoms_memory_record_t *recs, size_t n, elaaoms_mem_type_e t,
    const char *content, const float *mvec, size_t dim, const char *model,
    elaaoms_dedup_decision_t *d)
{
    float                      v[ELAAOMS_EMBED_DIM];
    elaaoms_dedup_model_vec_t  mv;

    elaaoms_embed_text(S(content), v);
    mv.vec = mvec;
    mv.dim = dim;
    mv.model = model;
    elaaoms_dedup_decide_mv(recs, n, t, S(content), v, &mv, 0, d);
}


/* precomputed vectors of another model (the worker's OpenAI embeddings) */
static void
test_decide_model_vectors(void)
{
    elaaoms_memory_record_t   recs[4];
    elaaoms_dedup_decision_t  d;
    elaaoms_mem_type_e        I = ELAAOMS_MEM_ISSUE;
    const char               *M = "text-embedding-test";
    float                     e0[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
    float                     e1[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
    float                     e2[8] = { 0, 0, 1, 0, 0, 0, 0, 0 };
    float                     near1[8] = { 0.05f, 1, 0, 0.1f, 0, 0, 0, 0 };
    float                     e0_16[16] = { 1 };

    rec_model(&recs[0], 0, "m0", I, "Order XYZ-789 arrived damaged", M, e0,
              8);
    rec_model(&recs[1], 1, "m1", I, "Internet outage since Monday", M, e1, 8);

    /* same model: the model's cosine decides, whatever the texts share */
    decide_mv(recs, 2, I, "The parcel came broken", e0, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    CHECK_INT_EQ(d.match, 0);
    CHECK(d.similarity > 0.99f);

    decide_mv(recs, 2, I, "No connection at home", near1, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    CHECK_INT_EQ(d.match, 1);

    /* ... and a lookalike text far away in the model's space is new */
    decide_mv(recs, 2, I, "Order XYZ-789 arrived damaged again", e2, 8, M,
              &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);
    CHECK(d.similarity < 0.01f);

    /* another model, or the same name with another dimension: both texts
       are embedded offline, the precomputed vector is not used */
    rec_model(&recs[2], 2, "m2", I, "Order XYZ-789 arrived damaged", M,
              e0_16, 16);
    decide_mv(recs + 2, 1, I, "Order XYZ-789 arrived damaged again", e0, 8,
              M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    decide_mv(recs + 2, 1, I, "The parcel came broken", e0, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);

    rec_model(&recs[2], 2, "m2", I, "Order XYZ-789 arrived damaged",
              "other-model", e0, 8);
    decide_mv(recs + 2, 1, I, "The parcel came broken", e0, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);
    CHECK(d.similarity < 0.5f);

    /* a record of the offline model: compared with the offline vector */
    rec(&recs[3], 3, "m3", I, "Order XYZ-789 arrived damaged");
    decide_mv(recs + 3, 1, I, "Order XYZ-789 arrived damaged again", e1, 8,
              M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_REINFORCE);
    decide_mv(recs + 3, 1, I, "The parcel came broken", e0, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_NEW);

    /* exact and conflict decisions do not depend on vectors */
    decide_mv(recs, 2, I, "order xyz-789 arrived damaged.", e1, 8, M, &d);
    CHECK_INT_EQ(d.action, ELAAOMS_DEDUP_EXACT);
    CHECK_INT_EQ(d.match, 0);
}


int
main(void)
{
    test_same_text();
    test_conflict_heuristic();
    test_decide();
    test_decide_model_vectors();

    return UNIT_DONE("memory_dedup");
}
