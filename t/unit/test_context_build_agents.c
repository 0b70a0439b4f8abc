/*
 * lib/context/context_build: which memories each agent sees (shared,
 * its own, identity facts), a frequent caller, the token cap, and
 * conflicts between a memory and the one that superseded it.
 */

#include "context_cases.h"


static void
shared_memories(void)
{
    char                      *doc;
    recs_t                     rs;
    yajl_val                   v, d;
    elaaoms_context_t          ctx;
    elaaoms_context_input_t    in;
    const char                *org_agents[] = { "agent_billing" };

    rs.n = 0;
    add(&rs, "t9", "acme", "+14155550123", "conv_t", "agent_tech",
        ELAAOMS_MEM_ISSUE, 9, T0 + 10 * DAY,
        "Account was hacked last week; a password reset is pending.");
    add(&rs, "t3", "acme", "+14155550123", "conv_t", "agent_tech",
        ELAAOMS_MEM_PREFERENCE, 3, T0 + 10 * DAY, "Likes jazz hold music.");
    add(&rs, "b5", "acme", "+14155550123", "conv_b", "agent_billing",
        ELAAOMS_MEM_FACTUAL, 5, T0 + 2 * DAY, "Is on the premium plan.");

    /* the billing agent sees the 9/10 from technical support, not the 3/10 */
    input(&in, "agent_billing", 2, T0 + 2 * DAY, T0 + 10 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.nshared, 1);
    CHECK(has_id(&ctx, "t9"));
    CHECK(!has_id(&ctx, "t3"));
    CHECK(strstr(ctx.json, "jazz") == NULL);
    v = parse(ctx.json);
    CHECK_INT_EQ(arr_len(get(v, "shared", NULL)), 1);
    CHECK_STR_EQ(item_str(get(v, "shared", NULL), 0, "id"), "t9");
    CHECK_STR_EQ(item_str(get(v, "shared", NULL), 0, "agent_id"),
                 "agent_tech");
    CHECK(strstr(item_str(get(v, "shared", NULL), 0, "content"), "hacked")
          != NULL);
    /* its own last conversation */
    CHECK_STR_EQ(item_str(get(v, "last_conversation", NULL), 0, "id"), "b5");
    yajl_tree_free(v);
    /* no own open issue: the shared one is the caller's open issue */
    CHECK(ctx.open_issue != NULL && strstr(ctx.open_issue, "hacked") != NULL);
    CHECK(strstr(ctx.context_text, "Noted by other agents: Account was "
                 "hacked") != NULL);

    CHECK_INT_EQ(elaaoms_context_document(&ctx, "", 1, &doc, NULL), 0);
    d = parse(doc);
    /* the set of the one shared memory: its id, the ids kept beside */
    CHECK_STR_EQ(ctx.shared_joined, "t9");
    CHECK_INT_EQ(strlen(ctx.shared_set), ELAAOMS_SERVED_SET_ID_LEN);
    CHECK(elaaoms_served_set_id_valid(ctx.shared_set, strlen(ctx.shared_set)));
    CHECK_STR_EQ(S(get(d, "shared_set", NULL)), ctx.shared_set);
    CHECK(get(d, "shared_ids", NULL) == NULL);
    CHECK_STR_EQ(S(get(d, "first_message", NULL)), "");
    yajl_tree_free(d);
    free(doc);
    elaaoms_context_free(&ctx);

    /* technical support itself: its own memories, nothing shared */
    input(&in, "agent_tech", 2, T0 + 2 * DAY, T0 + 10 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.nshared, 0);
    CHECK(strstr(ctx.json, "jazz") != NULL);
    /* billing's 5/10 fact stays private */
    CHECK(strstr(ctx.json, "premium") == NULL);
    elaaoms_context_free(&ctx);

    /* an agent not seen yet: shareable memories only */
    input(&in, NULL, 2, T0 + 2 * DAY, T0 + 10 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.agent_id, ELAAOMS_CONTEXT_ANY);
    CHECK_INT_EQ(ctx.nshared, 1);
    CHECK(has_id(&ctx, "t9"));
    CHECK(strstr(ctx.json, "premium") == NULL);
    CHECK(strstr(ctx.json, "jazz") == NULL);
    CHECK_INT_EQ(ctx.known, 1);
    elaaoms_context_free(&ctx);

    /* with the org's agent list, an agent outside it shares nothing */
    input(&in, "agent_new", 2, T0, T0);
    in.org_agents = org_agents;
    in.norg_agents = 1;
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.nshared, 0);
    CHECK(strstr(ctx.json, "hacked") == NULL);
    elaaoms_context_free(&ctx);

    recs_free(&rs);
}


/*
 * A memory belongs to every agent that created or reinforced it: support
 * learnt the name and the order, billing's call repeated them; identity
 * facts reach every agent.
 */
static void
agent_sets(void)
{
    char                      msg[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    recs_t                    rs;
    yajl_val                  v;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;
    const char               *org_agents[] = { "agent_support" };

    static const char *const  support[] = { "agent_support", NULL };

    rs.n = 0;
    add_prior = support;
    add(&rs, "o1", "acme", "+14155550123", "conv_2", "agent_billing",
        ELAAOMS_MEM_FACTUAL, 7, T0 + 2 * DAY,
        "Order number XYZ-789 is the caller's latest order.");
    add_flags = ELAAOMS_MEMORY_F_IDENTITY;
    add(&rs, "n1", "acme", "+14155550123", "conv_2", "agent_billing",
        ELAAOMS_MEM_FACTUAL, 4, T0 + 2 * DAY, "Caller's name is Maria Lopez.");
    add_prior = NULL;
    add(&rs, "l1", "acme", "+14155550123", "conv_3", "agent_sales",
        ELAAOMS_MEM_PREFERENCE, 3, T0 + 3 * DAY, "Prefers to speak Spanish.");
    add_flags = 0;
    add(&rs, "s1", "acme", "+14155550123", "conv_3", "agent_sales",
        ELAAOMS_MEM_PREFERENCE, 5, T0 + 3 * DAY,
        "Interested in the budget plan.");

    /* support: the order and the name are its own, billing's call or not */
    input(&in, "agent_support", 3, T0, T0 + 3 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");
    CHECK(strstr(ctx.json, "XYZ-789") != NULL);
    CHECK(strstr(ctx.context_text, "XYZ-789") != NULL);
    CHECK(strstr(ctx.json, "budget") == NULL);
    CHECK(!has_id(&ctx, "o1"));          /* its own: not audited */
    CHECK(!has_id(&ctx, "n1"));
    CHECK(has_id(&ctx, "l1"));           /* sales' identity fact: shared */
    CHECK_INT_EQ(ctx.nshared, 1);
    v = parse(ctx.json);
    CHECK_STR_EQ(item_str(get(v, "last_conversation", NULL), 0, "id"), "o1");
    CHECK_STR_EQ(item_str(get(v, "shared", NULL), 0, "id"), "l1");
    CHECK_STR_EQ(item_str(get(v, "shared", NULL), 0, "agent_id"),
                 "agent_sales");
    yajl_tree_free(v);
    CHECK(elaaoms_first_message_template(&ctx, "Hi, Acme here.", "en", msg,
                                         sizeof(msg)) > 0);
    CHECK(strstr(msg, "Maria") != NULL);
    elaaoms_context_free(&ctx);

    /* billing: the same two as its own */
    input(&in, "agent_billing", 3, T0, T0 + 3 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");
    CHECK(strstr(ctx.json, "XYZ-789") != NULL);
    CHECK(!has_id(&ctx, "o1"));
    elaaoms_context_free(&ctx);

    /* an agent that never spoke with the caller: the identity facts only */
    input(&in, "agent_returns", 3, T0, T0 + 3 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");
    CHECK(strstr(ctx.json, "Spanish") != NULL);
    CHECK(strstr(ctx.json, "XYZ-789") == NULL);
    CHECK(strstr(ctx.json, "budget") == NULL);
    CHECK(has_id(&ctx, "n1"));           /* served as the name: audited */
    CHECK(has_id(&ctx, "l1"));
    CHECK_INT_EQ(ctx.nshared, 2);
    elaaoms_context_free(&ctx);

    /* and an agent not seen yet */
    input(&in, NULL, 3, T0, T0 + 3 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");
    CHECK(strstr(ctx.json, "XYZ-789") == NULL);
    elaaoms_context_free(&ctx);

    /* the org's agent list: any of a memory's agents counts */
    input(&in, "agent_returns", 3, T0, T0 + 3 * DAY);
    in.org_agents = org_agents;
    in.norg_agents = 1;
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");   /* support is among n1's */
    CHECK(strstr(ctx.json, "Spanish") == NULL);   /* sales' only */
    elaaoms_context_free(&ctx);

    recs_free(&rs);
}


static void
frequent_caller(void)
{
    int                       frequent;
    recs_t                    rs;
    yajl_val                  v;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;
    elaaoms_call_history_t    h;

    rs.n = 0;
    add(&rs, "r1", "acme", "+14155550123", "conv_12", "agent_support",
        ELAAOMS_MEM_RELATIONSHIP, 6, T0 + 77 * DAY,
        "Calls every week about the same subscription.");

    input(&in, "agent_support", 12, T0, T0 + 77 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.frequent, 1);
    CHECK_STR_EQ(ctx.frequency, "weekly");
    CHECK_INT_EQ(ctx.call_count, 12);
    v = parse(ctx.json);
    CHECK_STR_EQ(S(get(v, "frequency", NULL)), "weekly");
    CHECK_STR_EQ(item_str(get(v, "relationship", NULL), 0, "insight"),
                 "Frequent caller: 12 calls since 2025-10-01 (about weekly); "
                 "last call 2025-12-17.");
    yajl_tree_free(v);
    CHECK(strstr(ctx.summary, "12 previous calls (weekly)") != NULL);
    /* the insight reaches agents without the prompt override too */
    CHECK(strstr(ctx.context_text, "History: Frequent caller: 12 calls "
                 "since 2025-10-01 (about weekly); last call 2025-12-17.")
          != NULL);
    /* no name, no issue: the agent's own first message stays */
    {
        char  msg[ELAAOMS_FIRST_MESSAGE_MAX + 1];
        CHECK_INT_EQ(elaaoms_first_message_template(&ctx, NULL, NULL, msg,
                                                    sizeof(msg)), 0);
    }
    elaaoms_context_free(&ctx);
    recs_free(&rs);

    /* a caller known only from the call count */
    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(NULL, 0, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.known, 1);
    CHECK_STR_EQ(ctx.frequency, "one previous call");
    CHECK(strstr(ctx.json, "\"insight\":\"One previous call, on 2025-10-01.\"")
          != NULL);
    elaaoms_context_free(&ctx);

    /* an unknown caller */
    input(&in, "agent_support", 0, 0, 0);
    CHECK_INT_EQ(elaaoms_context_build(NULL, 0, &in, &ctx), 0);
    CHECK_INT_EQ(ctx.known, 0);
    CHECK_STR_EQ(ctx.frequency, "new");
    CHECK(strstr(ctx.json, "\"first_seen\":null") != NULL);
    CHECK(strstr(ctx.json, "\"relationship\":[]") != NULL);
    elaaoms_context_free(&ctx);

    /* the frequency table */
    memset(&h, 0, sizeof(h));
    h.count = 3;
    h.first_seen = T0;
    h.last_seen = T0 + DAY / 2;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, &frequent),
                 "several times a day");
    h.last_seen = T0 + 2 * DAY;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, NULL), "daily");
    h.last_seen = T0 + 30 * DAY;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, NULL), "every few weeks");
    h.last_seen = T0 + 60 * DAY;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, NULL), "monthly");
    h.last_seen = T0 + 400 * DAY;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, &frequent), "rarely");
    CHECK_INT_EQ(frequent, 0);
    h.count = 10;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, &frequent), "monthly");
    CHECK_INT_EQ(frequent, 1);
    h.first_seen = 0;
    CHECK_STR_EQ(elaaoms_context_frequency(&h, NULL), "returning");
}


static void
token_cap(void)
{
    int                       i;
    char                      id[32], content[600], conv[32];
    recs_t                    rs;
    yajl_val                  v, a;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;

    for (i = 0; i < 300; i++) {
        snprintf(id, sizeof(id), "m%03d", i);
        snprintf(conv, sizeof(conv), "conv_%d", i % 7);
        memset(content, 'a' + (i % 26), 400);
        snprintf(content, 40, "Memory number %03d says ", i);
        content[strlen(content)] = 'x';
        content[400] = '\0';
        add(&rs, id, "acme", "+14155550123", conv, "agent_support",
            (elaaoms_mem_type_e) (i % ELAAOMS_MEM_NTYPES), 1 + (i % 7),
            T0 + i * 3600, content);
    }

    /* the one that matters most */
    add(&rs, "top", "acme", "+14155550123", "conv_0", "agent_support",
        ELAAOMS_MEM_FACTUAL, 10, T0, "Is allergic to peanuts.");

    input(&in, "agent_support", 40, T0, T0 + 300 * 3600);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK(ctx.len <= ELAAOMS_CONTEXT_MAX_TOKENS
                     * ELAAOMS_CONTEXT_BYTES_PER_TOKEN);
    CHECK(ctx.tokens <= ELAAOMS_CONTEXT_MAX_TOKENS);
    CHECK(ctx.tokens > ELAAOMS_CONTEXT_MAX_TOKENS - 150);
    CHECK_INT_EQ(ctx.tokens, (ctx.len + 3) / 4);
    CHECK(ctx.dropped > 200);
    CHECK(ctx.included > 5);
    CHECK(strstr(ctx.json, "peanuts") != NULL);
    CHECK(strlen(ctx.context_text) <= ELAAOMS_CONTEXT_TEXT_MAX);
    v = parse(ctx.json);
    CHECK(v != NULL);
    /* most important first within a section */
    a = get(v, "earlier", NULL);
    CHECK_STR_EQ(item_str(a, 0, "id"), "top");
    yajl_tree_free(v);
    elaaoms_context_free(&ctx);

    /* a smaller cap */
    in.max_tokens = 500;
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK(ctx.len <= 2000);
    CHECK(strstr(ctx.json, "peanuts") != NULL);
    v = parse(ctx.json);
    CHECK(v != NULL);
    yajl_tree_free(v);
    elaaoms_context_free(&ctx);

    recs_free(&rs);
}


static void
conflicts(void)
{
    recs_t                    rs;
    yajl_val                  v, c;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;
    add(&rs, "p_old", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_PREFERENCE, 6, T0, "Prefers email over phone calls.");
    add(&rs, "p_new", "acme", "+14155550123", "conv_2", "agent_support",
        ELAAOMS_MEM_PREFERENCE, 6, T0 + 5 * DAY,
        "Prefers text messages now instead of email.");
    supersede(&rs, 1, 0);
    /* another agent's low-importance change stays private, both sides */
    add(&rs, "o_old", "acme", "+14155550123", "conv_3", "agent_tech",
        ELAAOMS_MEM_FACTUAL, 5, T0, "Lives at 5 Oak St.");
    add(&rs, "o_new", "acme", "+14155550123", "conv_4", "agent_tech",
        ELAAOMS_MEM_FACTUAL, 5, T0 + DAY, "New address is 12 Harbor Lane.");
    supersede(&rs, 3, 2);

    input(&in, "agent_support", 2, T0, T0 + 5 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    v = parse(ctx.json);
    c = get(v, "conflicts", NULL);
    CHECK_INT_EQ(arr_len(c), 1);
    CHECK_STR_EQ(item_str(c, 0, "current"),
                 "Prefers text messages now instead of email.");
    CHECK_STR_EQ(item_str(c, 0, "previous"), "Prefers email over phone calls.");
    CHECK_STR_EQ(item_str(c, 0, "since"), "2025-10-06");
    /* the superseded memory appears only as "previous" */
    CHECK(strstr(ctx.json, "\"id\":\"p_old\"") == NULL);
    CHECK(strstr(ctx.json, "\"id\":\"p_new\"") != NULL);
    CHECK(strstr(ctx.json, "Oak") == NULL);
    CHECK(strstr(ctx.json, "Harbor") == NULL);
    CHECK(strstr(ctx.context_text, "Changed: Prefers text messages now "
                 "instead of email (was: Prefers email over phone calls)")
          != NULL);
    yajl_tree_free(v);
    elaaoms_context_free(&ctx);
    recs_free(&rs);
}


int
main(void)
{
    shared_memories();
    agent_sets();
    frequent_caller();
    token_cap();
    conflicts();

    return UNIT_DONE("context_build_agents");
}
