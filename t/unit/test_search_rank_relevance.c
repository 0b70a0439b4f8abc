/*
 * search_rank: relevance to natural questions, the threshold, and
 * records embedded by another model or a provider.
 *
 * ELAAOMS_SEARCH_VERBOSE=1 prints every ranked answer.
 */

#include "unit_search_rank.h"


static void
test_natural_questions(void)
{
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    /* the two required questions of the labelled set, default threshold */
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(pos(&res, "m_order") >= 0);
    CHECK(pos(&res, "m_email") < 0);
    CHECK(pos(&res, "m_austin") < 0);
    CHECK(pos(&res, "m_order") <= 1);

    sr = request("how does she want to be contacted?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "m_email"), 0);
    CHECK(pos(&res, "m_order") < 0);
    CHECK(pos(&res, "m_vip") < 0);
    /* m_email is agent_sales's, shared (importance 8): to audit */
    CHECK(is_foreign(&res, "m_email"));
}


static void
test_threshold(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res, all;

    maria();

    /* threshold 0: every visible memory, ranked by relevance */
    sr = request("what was my last order number?");
    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &all), 0);
    CHECK_INT_EQ(all.count, all.visible);
    CHECK(all.threshold == 0);

    for (i = 1; i < all.count; i++) {
        CHECK(all.relevance[i - 1] >= all.relevance[i]);
    }

    /* the default applies when the request has none */
    sr.threshold = -1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.threshold == ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    CHECK(res.count > 0 && res.count < all.count);

    for (i = 0; i < res.count; i++) {
        CHECK(res.relevance[i] >= (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    }

    for (i = res.count; i < all.count; i++) {
        CHECK(all.relevance[i] < (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    }

    /* the location's default, when the request has none */
    CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id, 0.0, recs, nrecs,
                                     NULL, &res), 0);
    CHECK_INT_EQ(res.count, all.count);

    /* the request's threshold wins over the location's (0: everything);
     * a question nothing answers scores below 0.99 everywhere */
    sr = request("does she have any pets?");
    sr.limit = 100;
    sr.threshold = 0.99;
    CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id, 0.0, recs, nrecs,
                                     NULL, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    CHECK_INT_EQ(res.matched, 0);
    sr = request("what was my last order number?");
    sr.limit = 100;

    /* exactly at a memory's relevance: kept */
    sr.threshold = all.relevance[0];
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK_INT_EQ(res.index[0], all.index[0]);
}


/*
 * Records embedded by OpenAI (the worker's embedder openai): nginx never
 * calls OpenAI and cannot embed the query in that space, so such a
 * record scores exactly as one without a vector (its text embedded
 * offline on the fly) and as the offline vector would, up to packing.
 */
static void
test_foreign_model(void)
{
    int                       mode;
    size_t                    q, i, j;
    float                     rel[3][16][MAX_RECS];
    size_t                    n;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    static const char        *questions[] = {
        "what was her order number?", "how does she want to be contacted?",
        "where does she live?", "is she a VIP?", "when is she available?",
        "who else handles the account?", "was she upset?"
    };
    static const int          modes[3] = { 0, 1, 3 };

    n = 0;
    memset(rel, 0, sizeof(rel));

    for (mode = 0; mode < 3; mode++) {
        vec_override = modes[mode];
        maria();
        vec_override = -1;
        n = nrecs;

        if (mode == 2) {
            for (i = 0; i < nrecs; i++) {
                CHECK_INT_EQ(recs[i].dim, OPENAI_DIM);
                CHECK_STR_EQ(recs[i].embed_model.data, OPENAI_MODEL);
            }
        }

        for (q = 0; q < sizeof(questions) / sizeof(questions[0]); q++) {
            sr = request(questions[q]);
            sr.search_all_agents = 1;
            sr.threshold = 0;
            sr.limit = 100;
            CHECK_INT_EQ(rank(&sr, &res), 0);
            CHECK_INT_EQ(res.count, n);

            for (j = 0; j < res.count; j++) {
                rel[mode][q][res.index[j]] = res.relevance[j];
            }
        }
    }

    for (q = 0; q < sizeof(questions) / sizeof(questions[0]); q++) {
        for (i = 0; i < n; i++) {
            /* OpenAI's vector ignored: exactly the no-vector score */
            CHECK(rel[2][q][i] == rel[0][q][i]);
            /* and the offline vector's, but for q8 packing */
            CHECK(fabsf(rel[2][q][i] - rel[1][q][i]) < 0.01f);
        }
    }

    /* the default threshold still finds the answers */
    vec_override = 3;
    maria();
    vec_override = -1;
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK(pos(&res, "m_order") == 0 || pos(&res, "m_refund") == 0);
}


/*
 * Records with a provider's vector and the offline one beside it (the
 * worker's "embedder openai"): without the question's provider vector
 * they score exactly as offline records (the stored offline vector, no
 * re-embedding); with it, a paraphrase the offline tables do not relate
 * is found by the provider's cosine, unrelated records stay out, and a
 * vector of another model or dimension changes nothing.
 */
static void
test_provider_vectors(void)
{
    size_t                    i, q;
    float                     off[MAX_RECS], qv[PROV_DIM];
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    static const spec_t       specs[] = {
        { "p_code", "agent_support", "conv_a",
          "The caller said they need PO-88412 on every invoice", 0, 6, T0,
          0, NULL, 4 },
        { "p_dog", "agent_support", "conv_a", "Has a dog named Rex", 0, 5,
          T0, 0, NULL, 4 },
        { "p_email", "agent_support", "conv_b",
          "Prefers email over phone calls", 1, 6, T0, 0, NULL, 4 },
        { "p_router", "agent_support", "conv_b",
          "Their RX-200 router drops the connection every evening", 2, 7,
          T0, 0, NULL, 4 },
        { "o_austin", "agent_support", "conv_c", "Lives in Austin, Texas",
          0, 5, T0, 0, NULL, 1 },
    };
    static const char        *paraphrase = "how is the paperwork to be "
                                           "labelled";

    reset();
    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        add(&specs[i]);
    }

    CHECK_INT_EQ(recs[0].offline_dim, ELAAOMS_EMBED_DIM);

    /* offline: the same scores as offline-model records (mode 1) */
    for (q = 0; q < 2; q++) {
        sr = request(q ? "where does she live?" : "does she have a dog?");
        sr.threshold = 0;
        sr.limit = 100;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        for (i = 0; i < res.count; i++) {
            off[res.index[i]] = res.relevance[i];
        }

        vec_override = 1;
        reset();
        for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
            add(&specs[i]);
        }
        vec_override = -1;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        for (i = 0; i < res.count; i++) {
            CHECK(res.relevance[i] == off[res.index[i]]);
        }

        reset();
        for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
            add(&specs[i]);
        }
    }

    /* the premise: offline, the paraphrase misses the billing code */
    sr = request(paraphrase);
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);

    /* the provider puts the question next to the memory */
    for (i = 0; i < PROV_DIM; i++) {
        qv[i] = prov[0][i] * 0.9f + prov[1][i] * 0.1f;
    }
    sr.qvec_model = PROV_MODEL;
    sr.qvec_dim = PROV_DIM;
    sr.qvec = qv;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    show("provider vector", &res);
    CHECK_INT_EQ(pos(&res, "p_code"), 0);
    CHECK(res.count >= 1 && res.relevance[0] >= 0.7f);
    CHECK(pos(&res, "p_email") != 0);
    CHECK_INT_EQ(pos(&res, "p_router"), -1);
    CHECK_INT_EQ(pos(&res, "o_austin"), -1);

    /* another model's or dimension's question vector: offline again */
    sr.qvec_model = "another-model";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);
    sr.qvec_model = PROV_MODEL;
    sr.qvec_dim = PROV_DIM - 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);

    /* the stand-in: the floor is 0, a perfect match 1 */
    CHECK(elaaoms_relevance_provider_cos(ELAAOMS_RELEVANCE_PROVIDER_FLOOR)
          == 0);
    CHECK(elaaoms_relevance_provider_cos(-0.5f) == 0);
    CHECK(elaaoms_relevance_provider_cos(1.0f) == 1);
    CHECK(elaaoms_relevance_provider_cos(0.6f) > 0.49f
          && elaaoms_relevance_provider_cos(0.6f) < 0.51f);
}


int
main(void)
{
    verbose = getenv("ELAAOMS_SEARCH_VERBOSE") != NULL;

    test_natural_questions();
    test_threshold();
    test_foreign_model();
    test_provider_vectors();

    return UNIT_DONE("search_rank_relevance");
}
