/*
 * search_rank: ranking (ties, superseded memories, a question about
 * "now"), limit, summary, the
 * answer's JSON and text edges, audit ids and the scratch space.
 * Visibility and filters: test_search_rank_visibility.c; relevance and
 * vectors: test_search_rank_relevance.c.
 *
 * ELAAOMS_SEARCH_VERBOSE=1 prints every ranked answer.
 */

#include "unit_search_rank.h"


/* the bulk records of test_ranking_ties */
static char  ids[MAX_RECS][32];
static char  texts[MAX_RECS][96];


static void
test_ranking_ties(void)
{
    char                      id[32];
    int                       i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    spec_t                    sp;

    /* the same words score the same: the tie-breaks decide */
    reset();

    memset(&sp, 0, sizeof(sp));
    sp.agent = "agent_support";
    sp.conv = "conv_a";
    sp.content = "Wants a callback about the broken router";
    sp.type = 2;
    sp.vec = 1;

    sp.id = "t_old_imp5";    sp.importance = 5; sp.created = T0 - DAY;
    add(&sp);
    sp.id = "t_new_imp5";    sp.importance = 5; sp.created = T0;
    add(&sp);
    sp.id = "t_imp7";        sp.importance = 7; sp.created = T0 - 5 * DAY;
    add(&sp);
    sp.id = "t_super_imp9";  sp.importance = 9; sp.created = T0 + DAY;
    sp.flags = ELAAOMS_MEMORY_F_SUPERSEDED;
    add(&sp);
    sp.flags = 0;
    sp.id = "t_b_same";      sp.importance = 5; sp.created = T0;
    add(&sp);
    /* a weaker match */
    sp.id = "t_weaker";      sp.importance = 10; sp.created = T0 + DAY;
    sp.content = "Asked about a router";
    add(&sp);

    sr = request("callback about the broken router");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 5);
    CHECK_INT_EQ(res.matched, 6);

    /* current first, then importance, then newest, then id */
    CHECK_INT_EQ(pos(&res, "t_imp7"), 0);
    CHECK_INT_EQ(pos(&res, "t_b_same"), 1);
    CHECK_INT_EQ(pos(&res, "t_new_imp5"), 2);
    CHECK_INT_EQ(pos(&res, "t_old_imp5"), 3);
    CHECK_INT_EQ(pos(&res, "t_super_imp9"), 4);
    CHECK(res.relevance[0] == res.relevance[4]);

    sr.limit = 6;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "t_weaker"), 5);
    CHECK(res.relevance[5] < res.relevance[4]);

    /* the limit cuts the ranked list; 100 is the most */
    reset();
    sp.flags = 0;
    sp.content = "Orders flour in bulk every two weeks";
    for (i = 0; i < 150; i++) {
        snprintf(ids[i], sizeof(ids[i]), "bulk_%03d", i);
        snprintf(texts[i], sizeof(texts[i]),
                 "Order %d of flour arrived %s", 1000 + i,
                 i % 2 ? "late" : "on time");
        sp.id = ids[i];
        sp.content = texts[i];
        sp.importance = 1 + i % 10;
        sp.created = T0 + i;
        add(&sp);
    }

    sr = request("flour order");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, ELAAOMS_SEARCH_DEFAULT_LIMIT);
    CHECK_INT_EQ(res.matched, 150);

    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 100);

    sr.limit = 1000;   /* past validation's cap: still 100 */
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 100);

    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);

    /*
     * past the float's saturation: both score exactly 1, yet the closer
     * match ranks first whatever the importance (relevance_key())
     */
    reset();
    sp.flags = 0;
    sp.id = "t_close_imp9";  sp.importance = 9; sp.created = T0 + DAY;
    sp.content = "Wants a callback about the broken router";
    add(&sp);
    sp.id = "t_exact_imp5";  sp.importance = 5; sp.created = T0;
    sp.content = "A callback about the broken router";
    add(&sp);

    sr = request("callback about the broken router");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(res.relevance[0] == 1.0f && res.relevance[1] == 1.0f);
    CHECK_INT_EQ(pos(&res, "t_exact_imp5"), 0);
    CHECK_INT_EQ(pos(&res, "t_close_imp9"), 1);

    (void) id;
}


static void
test_superseded(void)
{
    char                      out[8192];
    yajl_val                  tree, results, v;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const spec_t  specs[] = {
        /* the older value, superseded, and the words of the question */
        { "s_email", "agent_support", "conv_a",
          "Prefers email over phone calls", 1, 8, T0 - 90 * DAY,
          ELAAOMS_MEMORY_F_SUPERSEDED, "s_text", 1 },
        { "s_text", "agent_support", "conv_b",
          "Prefers text messages now instead of email", 1, 7, T0, 0,
          "s_email", 1 },
        { "s_city", "agent_support", "conv_b", "Lives in Austin, Texas",
          0, 5, T0, 0, NULL, 1 },
    };

    reset();
    add(&specs[0]);
    add(&specs[1]);
    add(&specs[2]);

    sr = request("does she prefer email over phone calls?");
    sr.threshold = 0.3;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);

    /* s_email scores higher but the memory that replaced it comes first */
    CHECK_INT_EQ(pos(&res, "s_text"), 0);
    CHECK_INT_EQ(pos(&res, "s_email"), 1);
    CHECK(res.relevance[1] > res.relevance[0]);

    tree = answer(&sr, &res, out, sizeof(out));
    results = yajl_tree_get(tree, PATH("results"), yajl_t_array);
    CHECK(results != NULL && results->u.array.len == 2);
    if (results && results->u.array.len == 2) {
        v = yajl_tree_get(results->u.array.values[0], PATH("superseded"),
                          yajl_t_any);
        CHECK(v == NULL);
        v = yajl_tree_get(results->u.array.values[1], PATH("superseded"),
                          yajl_t_any);
        CHECK(v != NULL && YAJL_IS_TRUE(v));
    }
    yajl_tree_free(tree);

    /* the current one filtered out: the superseded one stays, marked */
    sr.conversation_id = "conv_a";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    CHECK_INT_EQ(pos(&res, "s_email"), 0);

    {
        char  summary[ELAAOMS_SEARCH_SUMMARY_MAX];

        elaaoms_search_summary(summary, sizeof(summary), recs, &res);
        CHECK(strstr(summary, "since replaced by a newer memory") != NULL);
    }

    /* limit 1: the current value, not the stale one */
    sr.conversation_id = NULL;
    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "s_text"), 0);

    {
        char  summary[ELAAOMS_SEARCH_SUMMARY_MAX];

        elaaoms_search_summary(summary, sizeof(summary), recs, &res);
        CHECK_STR_EQ(summary, "Found 2 memories, showing the most relevant "
                     "one. Most relevant: Prefers text messages now instead "
                     "of email (preference, 2025-11-17).");
    }
}


/* "... now": among answers that score alike the newer comes first */
static void
test_asks_now(void)
{
    int                       k;
    float                     rel_old, rel_new;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const spec_t  specs[] = {
        { "n_old", "agent_support", "conv_a",
          "Wants the aide there in the morning on weekdays",
          1, 7, T0 - 30 * DAY, 0, NULL, 1 },
        { "n_new", "agent_support", "conv_b",
          "Wants the aide there in the afternoon on weekdays",
          1, 6, T0, 0, NULL, 1 },
        { "n_city", "agent_support", "conv_c", "Lives in Austin, Texas",
          0, 5, T0 + DAY, 0, NULL, 1 },
    };

    reset();
    for (k = 0; k < 3; k++) {
        add(&specs[k]);
    }

    sr = request("when does she want the aide there");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "n_old"), 0);
    CHECK_INT_EQ(pos(&res, "n_new"), 1);
    rel_old = res.relevance[0];
    rel_new = res.relevance[1];
    CHECK(rel_old >= rel_new);

    sr = request("when does she want the aide there "
                 "now");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "n_new"), 0);
    CHECK_INT_EQ(pos(&res, "n_old"), 1);

    /* the order changes, the relevance does not; the newest record, a
     * weak match, stays last */
    CHECK(res.count == 3 && res.relevance[0] == rel_new
          && res.relevance[1] == rel_old);
    CHECK_INT_EQ(pos(&res, "n_city"), 2);

    /* "... lately" (or "new", "final"): the value as it stands too */
    sr = request("when does she want the aide there lately");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "n_new"), 0);

    /* "these days" asks for now; "days" alone does not */
    sr = request("when does she want the aide there these days");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "n_new"), 0);

    sr = request("when does she want the aide there on days");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "n_old"), 0);

    if (verbose) {
        fprintf(stderr, "now: old %.7f new %.7f\n", rel_old, rel_new);
    }
}

/*
 * "how was she holding up when ...": a feeling ranks near the best match
 * of its own call; the order changes, the relevance does not
 */
static void
test_feeling_episodes(void)
{
    int                       k;
    float                     rel_scared, rel_panic;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const spec_t  specs[] = {
        { "f_outage", "agent_support", "conv_a",
          "Power has been out for forty minutes on the whole street",
          2, 7, T0 - 30 * DAY, 0, NULL, 1 },
        { "f_panic", "agent_support", "conv_a", "Was panicking",
          3, 6, T0 - 30 * DAY, 0, NULL, 1 },
        { "f_gas", "agent_support", "conv_c",
          "Smelled gas by the side of the house and got everyone out",
          2, 8, T0, 0, NULL, 1 },
        { "f_scared", "agent_support", "conv_c", "Was scared",
          3, 4, T0, 0, NULL, 1 },
    };

    reset();
    for (k = 0; k < 4; k++) {
        add(&specs[k]);
    }

    /* no call pointed at: the feelings by their own scores */
    sr = request("how was she holding up");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(pos(&res, "f_panic") < pos(&res, "f_scared"));

    /* the gas call's feeling comes up with the gas call */
    sr = request("how was she holding up when she smelled gas at the house");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "f_gas"), 0);
    CHECK_INT_EQ(pos(&res, "f_scared"), 1);
    CHECK(pos(&res, "f_panic") > 1);
    rel_scared = res.relevance[pos(&res, "f_scared")];
    rel_panic = res.relevance[pos(&res, "f_panic")];
    CHECK(rel_scared < rel_panic);

    /* a question of another kind leaves the feeling where it scores */
    sr = request("what happened when she smelled gas at the house");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(pos(&res, "f_outage") < pos(&res, "f_scared"));

    if (verbose) {
        fprintf(stderr, "episodes: scared %.7f panic %.7f\n", rel_scared,
                rel_panic);
    }
}



static void
test_empty_and_json(void)
{
    char                      out[8192], summary[ELAAOMS_SEARCH_SUMMARY_MAX];
    size_t                    len;
    yajl_gen                  g;
    yajl_val                  tree, results, r0, v;
    const char               *s;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    const unsigned char      *doc;

    maria();

    /* nothing answers: 200-shaped answer, empty list, a summary saying so */
    sr = request("does she have a dog?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK_STR_EQ(out, "{\"query\":\"does she have a dog?\",\"results\":[],"
                 "\"count\":0,\"summary\":\"No memories of this caller match "
                 "the question.\",\"request_id\":"
                 "\"0123456789abcdef0123456789abcdef\"}");
    yajl_tree_free(tree);

    /* no records at all */
    reset();
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    CHECK_INT_EQ(res.total, 0);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK_STR_EQ(summary, ELAAOMS_SEARCH_SUMMARY_NONE);

    /* the fields of a result */
    maria();
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    tree = answer(&sr, &res, out, sizeof(out));

    CHECK_STR_EQ(jstr(tree, PATH("query")), sr.query);
    v = yajl_tree_get(tree, PATH("count"), yajl_t_number);
    CHECK(v && YAJL_GET_INTEGER(v) == (long long) res.count);
    CHECK_STR_EQ(jstr(tree, PATH("request_id")),
                 "0123456789abcdef0123456789abcdef");

    results = yajl_tree_get(tree, PATH("results"), yajl_t_array);
    CHECK(results && results->u.array.len == res.count);

    r0 = results && results->u.array.len
         ? results->u.array.values[pos(&res, "m_order")] : NULL;
    CHECK(r0 != NULL);

    if (r0) {
        CHECK_STR_EQ(jstr(r0, PATH("id")), "m_order");
        CHECK_STR_EQ(jstr(r0, PATH("type")), "issue");
        CHECK_STR_EQ(jstr(r0, PATH("content")), "Order XYZ-789 is delayed");
        v = yajl_tree_get(r0, PATH("importance"), yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == 7);
        CHECK_STR_EQ(jstr(r0, PATH("created")), "2025-11-17T12:00:00Z");
        v = yajl_tree_get(r0, PATH("created_unix"), yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == T0);
        CHECK_STR_EQ(jstr(r0, PATH("conversation_id")), "conv_b");
        CHECK_STR_EQ(jstr(r0, PATH("agent_id")), "agent_support");
        v = yajl_tree_get(r0, PATH("relevance"), yajl_t_number);
        CHECK(v && YAJL_GET_DOUBLE(v) >= 0.7 && YAJL_GET_DOUBLE(v) <= 1);
        CHECK(yajl_tree_get(r0, PATH("superseded"), yajl_t_any) == NULL);
    }

    /* relevance has exactly three decimals */
    s = strstr(out, "\"relevance\":");
    CHECK(s != NULL);
    if (s) {
        s += strlen("\"relevance\":");
        CHECK(s[0] >= '0' && s[0] <= '1' && s[1] == '.'
              && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'
              && s[4] >= '0' && s[4] <= '9' && (s[5] == ',' || s[5] == '}'));
    }

    /* the summary names the count and the top memory, type and day */
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK_STR_EQ(jstr(tree, PATH("summary")), summary);
    if (pos(&res, "m_order") == 0 && res.count == 2) {
        CHECK_STR_EQ(summary, "Found 2 memories. Most relevant: Order XYZ-789 "
                     "is delayed (issue, 2025-11-17).");
    } else {
        CHECK(strncmp(summary, "Found ", 6) == 0);
        CHECK(strstr(summary, " Most relevant: ") != NULL);
    }
    yajl_tree_free(tree);

    /* an unattributed memory: null agent and conversation */
    sr = request("is she a VIP customer?");
    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "m_vip"), 0);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(strstr(out, "\"conversation_id\":null,\"agent_id\":null") != NULL);
    CHECK_STR_EQ(strstr(out, "\"summary\":"), "\"summary\":\"Found 1 memory. "
                 "Most relevant: Is a VIP customer since 2019 (factual, "
                 "2025-09-18).\",\"request_id\":"
                 "\"0123456789abcdef0123456789abcdef\"}");
    yajl_tree_free(tree);

    /* matched beyond the limit is said */
    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 2;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK(strncmp(summary, "Found 8 memories, showing the 2 most relevant. "
                  "Most relevant: ", 62) == 0);

    /* the empty answers of the module */
    g = yajl_gen_alloc(NULL);
    CHECK_INT_EQ(elaaoms_search_gen_empty(g, "x",
                                          ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE,
                                          "rid", 3), 0);
    CHECK(yajl_gen_get_buf(g, &doc, &len) == yajl_gen_status_ok);
    CHECK(len == strlen((const char *) doc));
    CHECK_STR_EQ((const char *) doc, "{\"query\":\"x\",\"results\":[],"
                 "\"count\":0,\"summary\":\"Memory is unavailable right now; "
                 "carry on without it.\",\"request_id\":\"rid\"}");
    yajl_gen_free(g);
}


/* the caller's own words go with a memory of the asking agent's only */
static void
test_source_quote(void)
{
    char                      out[8192];
    yajl_val                  tree, results, r;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    static const spec_t       specs[] = {
        { "m_text", "agent_support", "conv_a",
          "The caller asked the company to text them", 1, 6, T0, 0, NULL, 1 },
        { "m_same", "agent_support", "conv_a",
          "Text reminders the day before", 1, 5, T0, 0, NULL, 1 },
        { "m_heart", "agent_sales", "conv_c",
          "The caller has a pacemaker, so no texting at the wheel", 0, 8,
          T0, 0, NULL, 1 },
    };

    reset();
    add_quote = "Text me, please, don't call, I'm asleep until two.";
    add(&specs[0]);
    add_quote = "Text reminders the day before";
    add(&specs[1]);
    add_quote = "I have a pacemaker, and my PIN is the one I gave Dana.";
    add(&specs[2]);
    add_quote = NULL;

    sr = request("how should we text her?");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 3);
    tree = answer(&sr, &res, out, sizeof(out));
    results = yajl_tree_get(tree, PATH("results"), yajl_t_array);
    CHECK(results && results->u.array.len == 3);

    if (results && results->u.array.len == 3) {
        r = results->u.array.values[pos(&res, "m_text")];
        CHECK_STR_EQ(jstr(r, PATH("source_quote")),
                     "Text me, please, don't call, I'm asleep until two.");

        /* the memory is the quote: said once */
        r = results->u.array.values[pos(&res, "m_same")];
        CHECK(yajl_tree_get(r, PATH("source_quote"), yajl_t_any) == NULL);

        /* shared by another agent: what was shared, not the whole line */
        r = results->u.array.values[pos(&res, "m_heart")];
        CHECK_STR_EQ(jstr(r, PATH("agent_id")), "agent_sales");
        CHECK(yajl_tree_get(r, PATH("source_quote"), yajl_t_any) == NULL);
    }
    CHECK(strstr(out, "PIN") == NULL);
    yajl_tree_free(tree);
}


static void
test_text_edges(void)
{
    char                      out[8192], summary[ELAAOMS_SEARCH_SUMMARY_MAX];
    char                      longtext[600], iso[32];
    size_t                    i;
    yajl_val                  tree;
    spec_t                    sp;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    /* invalid UTF-8 is cut, the JSON stays valid; a long text is quoted
       short in the summary, on a character boundary */
    reset();
    memset(&sp, 0, sizeof(sp));
    sp.agent = "agent_support";
    sp.conv = "conv_a";
    sp.type = 0;
    sp.importance = 5;
    sp.created = T0;
    sp.id = "bad_utf8";
    sp.content = "Owns a caf\xc3\xa9 called Bean \xff\xfe there";
    add(&sp);

    sr = request("caf\xc3\xa9 bean");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(tree != NULL);
    CHECK(strstr(out, "\"content\":\"Owns a caf\xc3\xa9 called Bean \"")
          != NULL);
    yajl_tree_free(tree);

    reset();
    for (i = 0; i + 3 <= 590; i += 3) {
        memcpy(longtext + i, "\xc3\xa9 ", 3);   /* "é " */
    }
    longtext[i] = '\0';
    sp.content = longtext;
    sp.id = "long";
    add(&sp);
    sr = request("anything");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK(strlen(summary) < ELAAOMS_SEARCH_SUMMARY_MAX);
    CHECK(strstr(summary, "... (factual, 2025-11-17).") != NULL);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(tree != NULL);
    yajl_tree_free(tree);

    /* a tiny buffer: cut, NUL-terminated */
    CHECK(elaaoms_search_summary(summary, 10, recs, &res) == 9);
    CHECK_STR_EQ(summary, "Found 1 m");

    /* ISO-8601 */
    elaaoms_search_iso8601(0, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "1970-01-01T00:00:00Z");
    elaaoms_search_iso8601(951782399, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2000-02-28T23:59:59Z");
    elaaoms_search_iso8601(951782400 + 3661, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2000-02-29T01:01:01Z");
    elaaoms_search_iso8601(T0, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2025-11-17T12:00:00Z");
    elaaoms_search_iso8601(4107542400LL, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2100-03-01T00:00:00Z");
    elaaoms_search_iso8601(INT64_MAX, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "9999-12-31T23:59:59Z");
}


static void
test_audit_ids_and_scratch(void)
{
    char                      ids_buf[ELAAOMS_SEARCH_AUDIT_IDS_MAX];
    void                     *scratch;
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   a, b;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &a), 0);

    CHECK_INT_EQ(elaaoms_search_audit_ids(ids_buf, sizeof(ids_buf), recs, &a),
                 strlen("m_email,m_refund"));
    CHECK(strcmp(ids_buf, "m_email,m_refund") == 0
          || strcmp(ids_buf, "m_refund,m_email") == 0);
    CHECK_INT_EQ(elaaoms_search_audit_ids(ids_buf, 8, recs, &a), 0);
    CHECK_STR_EQ(ids_buf, "");

    /* a caller's scratch gives the same answer, and can be reused */
    scratch = malloc(elaaoms_search_rank_scratch_size(nrecs));
    CHECK(scratch != NULL);

    for (i = 0; i < 2; i++) {
        CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id,
                                         ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD,
                                         recs, nrecs, scratch, &b), 0);
        CHECK_INT_EQ(b.count, a.count);
        CHECK(memcmp(a.index, b.index, a.count * sizeof(uint32_t)) == 0);
        CHECK(memcmp(a.relevance, b.relevance, a.count * sizeof(float)) == 0);
    }

    free(scratch);

    CHECK(elaaoms_search_rank_scratch_size(0) > 0);
    CHECK(elaaoms_search_rank_scratch_size(1000)
          < 1000 * (sizeof(elaaoms_memory_record_t) + 256));

    /* no stored vector or another model's: the text is embedded instead;
       m_vip (none) and m_5pm (another model) score as if embedded */
    sr = request("when is she available?");
    sr.search_all_agents = 1;
    CHECK_INT_EQ(rank(&sr, &a), 0);
    CHECK_INT_EQ(pos(&a, "m_5pm"), 0);
}


int
main(void)
{
    verbose = getenv("ELAAOMS_SEARCH_VERBOSE") != NULL;

    test_ranking_ties();
    test_superseded();
    test_asks_now();
    test_feeling_episodes();
    test_empty_and_json();
    test_source_quote();
    test_text_edges();
    test_audit_ids_and_scratch();

    return UNIT_DONE("search_rank");
}
