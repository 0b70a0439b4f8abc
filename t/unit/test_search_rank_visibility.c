/*
 * search_rank: which memories an agent sees (its own, shared, identity,
 * prior agents' sets) and the request's filters.
 *
 * ELAAOMS_SEARCH_VERBOSE=1 prints every ranked answer.
 */

#include "unit_search_rank.h"


static void
test_visibility(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;

    /* agent_support: its own 6, the unattributed m_vip, the shared
       m_email (8) and m_refund (9); not agent_sales's m_austin (5) nor
       m_5pm (5) */
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 8);
    CHECK_INT_EQ(res.count, 8);
    CHECK(pos(&res, "m_email") >= 0);
    CHECK(pos(&res, "m_refund") >= 0);
    CHECK(pos(&res, "m_vip") >= 0);
    CHECK(pos(&res, "m_austin") < 0);
    CHECK(pos(&res, "m_5pm") < 0);

    /* the audit list: exactly the other agents' memories served */
    CHECK_INT_EQ(res.nforeign, 2);
    CHECK(is_foreign(&res, "m_email"));
    CHECK(is_foreign(&res, "m_refund"));
    CHECK(!is_foreign(&res, "m_vip"));
    CHECK(!is_foreign(&res, "m_order"));

    /* agent_sales sees its own two but none of support's 5..7 */
    sr.agent_id = "agent_sales";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 5);   /* 3 own, m_vip, m_refund */
    CHECK(pos(&res, "m_austin") >= 0);
    CHECK(pos(&res, "m_order") < 0);
    CHECK_INT_EQ(res.nforeign, 1);
    CHECK(is_foreign(&res, "m_refund"));

    /* search_all_agents: everything, and every other agent's is audited */
    sr.agent_id = "agent_support";
    sr.search_all_agents = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 10);
    CHECK_INT_EQ(res.count, 10);
    CHECK_INT_EQ(res.nforeign, 4);
    CHECK(is_foreign(&res, "m_austin"));
    CHECK(is_foreign(&res, "m_5pm"));

    /* no agent, or garbage for one: the shared and unattributed only,
       everything attributed is another agent's */
    sr.search_all_agents = 0;
    sr.agent_id = NULL;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);
    CHECK_INT_EQ(res.nforeign, 2);

    sr.agent_id = "agent_support OR 1=1";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);

    sr.agent_id = "";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);

    for (i = 0; i < res.count; i++) {
        CHECK(recs[res.index[i]].importance >= ELAAOMS_MEMORY_SHAREABLE_MIN
              || recs[res.index[i]].agent_id.len == 0);
    }
}


/*
 * A memory belongs to every agent that created or reinforced it: support
 * learnt the order and the name, billing's call repeated them (billing is
 * now their latest agent); an identity fact reaches every agent, a
 * shareable one too, the rest stays with its agents.
 */
static void
test_agent_sets(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const char *const  support[] = { "agent_support", NULL };
    static const char *const  support_sales[] = {
        "agent_support", "agent_sales", NULL
    };
    static const spec_t       specs[] = {
        { "a_order", "agent_billing", "conv_2",
          "Order number XYZ-789 is the caller's latest order", 0, 7,
          T0 - DAY, 0, NULL, 1 },
        { "a_name", "agent_billing", "conv_2",
          "Caller's name is Maria Lopez", 0, 4, T0 - 2 * DAY,
          ELAAOMS_MEMORY_F_IDENTITY, NULL, 1 },
        { "a_plan", "agent_sales", "conv_3",
          "Interested in the budget plan", 1, 5, T0 - 3 * DAY, 0, NULL, 1 },
        { "a_allergy", "agent_sales", "conv_3", "Has a peanut allergy", 0, 8,
          T0 - 3 * DAY, 0, NULL, 1 },
        { "a_paper", "agent_billing", "conv_2",
          "Asked for paper invoices by mail", 1, 5, T0 - DAY, 0, NULL, 1 },
        /* the name again, as another memory without the flag: private */
        { "a_name2", "agent_billing", "conv_2",
          "Her full name is Maria Lopez Garcia", 0, 4, T0 - DAY, 0, NULL, 1 },
    };

    reset();
    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        add_prior = i == 0 ? support : i == 1 ? support_sales : NULL;
        add(&specs[i]);
    }
    add_prior = NULL;

    /* support: the order and the name are its own too, not audited */
    sr = request("what was my order number");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK_INT_EQ(pos(&res, "a_order"), 0);
    CHECK(!is_foreign(&res, "a_order"));

    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);   /* a_order, a_name, a_allergy */
    CHECK(pos(&res, "a_name") >= 0);
    CHECK(pos(&res, "a_allergy") >= 0);
    CHECK(pos(&res, "a_plan") < 0);
    CHECK(pos(&res, "a_paper") < 0);
    CHECK(pos(&res, "a_name2") < 0);
    CHECK_INT_EQ(res.nforeign, 1);
    CHECK(is_foreign(&res, "a_allergy"));

    /* billing: its own three, the name, the shared allergy */
    sr.agent_id = "agent_billing";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 5);
    CHECK(pos(&res, "a_plan") < 0);
    CHECK_INT_EQ(res.nforeign, 1);

    /* sales: the name through its prior agents, its own two */
    sr.agent_id = "agent_sales";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);
    CHECK(pos(&res, "a_name") >= 0 && !is_foreign(&res, "a_name"));
    CHECK(pos(&res, "a_order") < 0);
    CHECK_INT_EQ(res.nforeign, 0);

    /* an agent that never spoke with the caller: identity and shared */
    sr.agent_id = "agent_returns";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
    CHECK(pos(&res, "a_name") >= 0 && is_foreign(&res, "a_name"));
    CHECK(pos(&res, "a_allergy") >= 0 && is_foreign(&res, "a_allergy"));

    /* no agent: the same two */
    sr.agent_id = NULL;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
    CHECK_INT_EQ(res.nforeign, 2);

    /* a prefix of an agent id is not that agent */
    sr.agent_id = "agent_sup";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
}


static void
test_filters(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;
    sr.search_all_agents = 1;

    sr.type = ELAAOMS_MEM_ISSUE;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_order") >= 0 && pos(&res, "m_refund") >= 0);
    CHECK_INT_EQ(res.visible, 10);   /* the scored set is not filtered */
    sr.type = -1;

    sr.conversation_id = "conv_b";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_order") >= 0 && pos(&res, "m_frustrated") >= 0);
    sr.conversation_id = "conv_zzz";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    sr.conversation_id = NULL;

    /* since / until: inclusive bounds on created */
    sr.since = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 3);   /* m_order, m_frustrated (T0), m_refund */
    CHECK(pos(&res, "m_refund") >= 0);
    sr.until = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_refund") < 0);
    sr.since = 0;
    sr.until = T0 - 30 * DAY;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 4);   /* name, daughter, weekly, vip */
    CHECK(pos(&res, "m_vip") >= 0);
    sr.until = 0;

    sr.min_importance = 8;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    for (i = 0; i < res.count; i++) {
        CHECK(recs[res.index[i]].importance >= 8);
    }
    sr.min_importance = 0;

    /* filters AND */
    sr.type = ELAAOMS_MEM_ISSUE;
    sr.min_importance = 8;
    sr.since = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    CHECK_INT_EQ(pos(&res, "m_refund"), 0);

    /* a filter never changes a memory's relevance */
    {
        float                     with;
        elaaoms_search_result_t   all;

        sr = request("what was my last order number?");
        sr.threshold = 0;
        sr.limit = 100;
        CHECK_INT_EQ(rank(&sr, &all), 0);
        with = all.relevance[pos(&all, "m_order")];
        sr.type = ELAAOMS_MEM_ISSUE;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        CHECK(res.relevance[pos(&res, "m_order")] == with);
    }
}


int
main(void)
{
    verbose = getenv("ELAAOMS_SEARCH_VERBOSE") != NULL;

    test_visibility();
    test_agent_sets();
    test_filters();

    return UNIT_DONE("search_rank_visibility");
}
