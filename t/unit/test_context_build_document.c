/*
 * lib/context/context_build: the document a returning customer's call
 * gets (variables, text, the spans of a stored document and the ones
 * refused), and dirty input kept as valid one-line JSON.
 */

#include "context_cases.h"


static void
returning_customer(void)
{
    char                      msg[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    char                     *sys, *user, *doc;
    size_t                    len;
    recs_t                    rs;
    yajl_val                  v, d;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;
    add(&rs, "a1", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");
    add(&rs, "a2", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_PREFERENCE, 6, T0, "Prefers email over phone calls.");
    add(&rs, "a3", "acme", "+14155550123", "conv_2", "agent_support",
        ELAAOMS_MEM_ISSUE, 8, T0 + 47 * DAY,
        "The caller's order XYZ-789 was running late; it was expected "
        "on Monday.");
    add(&rs, "a4", "acme", "+14155550123", "conv_2", "agent_support",
        ELAAOMS_MEM_EMOTION, 4, T0 + 47 * DAY, "Was frustrated by the delay.");
    /* another caller's and another org's records are ignored */
    add(&rs, "x1", "acme", "+14155550999", "conv_9", "agent_support",
        ELAAOMS_MEM_ISSUE, 10, T0 + 50 * DAY, "Someone else's problem.");
    add(&rs, "x2", "globex", "+14155550123", "conv_9", "agent_support",
        ELAAOMS_MEM_ISSUE, 10, T0 + 50 * DAY, "Another org's problem.");

    input(&in, "agent_support", 2, T0, T0 + 47 * DAY);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);

    CHECK_INT_EQ(ctx.known, 1);
    CHECK_INT_EQ(ctx.call_count, 2);
    CHECK_STR_EQ(ctx.name, "Maria Lopez");
    CHECK_STR_EQ(ctx.first_name, "Maria");
    CHECK_STR_EQ(ctx.last_interaction, "2025-11-17");
    CHECK(ctx.open_issue != NULL && strstr(ctx.open_issue, "XYZ-789") != NULL);
    CHECK_INT_EQ(ctx.nshared, 0);
    CHECK(ctx.tokens <= ELAAOMS_CONTEXT_MAX_TOKENS);
    CHECK(strlen(ctx.context_text) <= ELAAOMS_CONTEXT_TEXT_MAX);
    CHECK(STARTS(ctx.context_text, "Open issue: The caller's order XYZ-789"));
    CHECK(strstr(ctx.context_text, "Last call (2025-11-17): Was frustrated")
          != NULL);
    CHECK(strstr(ctx.context_text, "Preferences: Prefers email over phone "
                 "calls") != NULL);
    CHECK(strstr(ctx.context_text, "Someone else") == NULL);
    CHECK(strstr(ctx.json, "Another org") == NULL);
    CHECK(strstr(ctx.summary, "Maria Lopez") == ctx.summary);
    CHECK(strstr(ctx.summary, "open issue") != NULL);

    v = parse(ctx.json);
    CHECK(v != NULL);
    CHECK_STR_EQ(S(get(v, "caller", NULL)), "+14155550123");
    CHECK_STR_EQ(S(get(v, "name", NULL)), "Maria Lopez");
    CHECK_INT_EQ(YAJL_GET_INTEGER(get(v, "calls", NULL)), 2);
    CHECK_STR_EQ(S(get(v, "first_seen", NULL)), "2025-10-01");
    CHECK_STR_EQ(S(get(v, "frequency", NULL)),
                 "every few months");
    CHECK_INT_EQ(arr_len(get(v, "open_issues", NULL)), 1);
    CHECK_STR_EQ(item_str(get(v, "open_issues", NULL), 0, "id"), "a3");
    CHECK_STR_EQ(item_str(get(v, "open_issues", NULL), 0, "type"), "issue");
    CHECK_INT_EQ(arr_len(get(v, "last_conversation", NULL)), 1);
    CHECK_STR_EQ(item_str(get(v, "last_conversation", NULL), 0, "id"), "a4");
    CHECK_INT_EQ(arr_len(get(v, "preferences", NULL)), 1);
    CHECK_INT_EQ(arr_len(get(v, "earlier", NULL)), 1);
    CHECK_STR_EQ(item_str(get(v, "earlier", NULL), 0, "id"), "a1");
    CHECK_INT_EQ(arr_len(get(v, "shared", NULL)), 0);
    CHECK_INT_EQ(arr_len(get(v, "conflicts", NULL)), 0);
    CHECK_STR_EQ(item_str(get(v, "relationship", NULL), 0, "insight"),
                 "Returning caller: 2 calls since 2025-10-01 (every few "
                 "months); last call 2025-11-17.");
    yajl_tree_free(v);

    /* the greeting: name, then the open issue in the second person */
    len = elaaoms_first_message_template(&ctx,
              "Hi, thanks for calling Acme. How can I help you today?", "en",
              msg, sizeof(msg));
    CHECK_STR_EQ(msg, "Hi Maria, welcome back! Last time we spoke about "
                 "this: your order XYZ-789 was running late \xe2\x80\x94 is "
                 "that why you're calling?");
    CHECK_INT_EQ(len, strlen(msg));
    CHECK(len <= ELAAOMS_FIRST_MESSAGE_MAX);

    /* the template is itself a valid first message */
    {
        char  out[ELAAOMS_FIRST_MESSAGE_MAX + 1];
        CHECK(elaaoms_first_message_check(msg, out, sizeof(out)) > 0);
    }

    /* another language, or an agent that personalises itself: no template */
    CHECK_INT_EQ(elaaoms_first_message_template(&ctx, "Hola!", "es", msg,
                                                sizeof(msg)), 0);
    CHECK_STR_EQ(msg, "");
    CHECK_INT_EQ(elaaoms_first_message_template(&ctx,
                     "Hi {{caller_name}}!", "en", msg, sizeof(msg)), 0);

    /* prompts for the LLM */
    CHECK_INT_EQ(elaaoms_first_message_prompt(&ctx, "Acme Support",
                     "Hi, thanks for calling Acme.", "en", &sys, &user), 0);
    CHECK(strstr(sys, "300 characters") != NULL);
    CHECK(strstr(user, "Caller's name: Maria Lopez") != NULL);
    CHECK(strstr(user, "Open issue: The caller's order XYZ-789") != NULL);
    CHECK(strstr(user, "Hi, thanks for calling Acme.") != NULL);
    CHECK(strstr(user, "\"open_issues\"") != NULL);
    free(sys);
    free(user);

    /* the stored document */
    CHECK_INT_EQ(elaaoms_context_document(&ctx, msg[0] ? msg : "Hi Maria!",
                                          1763400000123456LL, &doc, &len), 0);
    CHECK_INT_EQ(strlen(doc), len);
    CHECK(STARTS(doc, ELAAOMS_CONTEXT_V4_PREFIX));
    CHECK(strstr(doc, "\",\"agent_id\":\"agent_support\","
                      "\"built_us\":1763400000123456,") != NULL);
    spans_agree(doc, len);
    /* version 2 and later: prompt_addition is the last member */
    CHECK(strstr(doc, ",\"prompt_addition\":\"") != NULL
          && strstr(strstr(doc, ",\"prompt_addition\":\""), "\",\"") == NULL
          && len > 2 && doc[len - 1] == '}' && doc[len - 2] == '"');
    d = parse(doc);
    CHECK(d != NULL);
    CHECK(YAJL_IS_TRUE(get(d, "dynamic_variables", "caller_known")));
    CHECK_INT_EQ(YAJL_GET_INTEGER(get(d, "dynamic_variables",
                                      "caller_call_count")), 2);
    CHECK_STR_EQ(S(get(d, "dynamic_variables", "caller_name")),
                 "Maria Lopez");
    CHECK_STR_EQ(S(get(d, "dynamic_variables",
                                     "caller_last_interaction")),
                 "2025-11-17");
    CHECK(strstr(S(get(d, "dynamic_variables",
                                     "caller_open_issue")), "XYZ-789")
          != NULL);
    CHECK_STR_EQ(S(get(d, "dynamic_variables",
                                     "caller_context")), ctx.context_text);
    CHECK_STR_EQ(S(get(d, "first_message", NULL)), "Hi Maria!");
    CHECK(strstr(S(get(d, "prompt_addition", NULL)),
                 ctx.json) != NULL);
    /* nothing shared: no set, and no ids in the document */
    CHECK_STR_EQ(S(get(d, "shared_set", NULL)), "");
    CHECK(get(d, "shared_ids", NULL) == NULL);
    /* the context rides in prompt_addition only, not twice */
    CHECK(get(d, "context", NULL) == NULL);
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), ctx.summary) != NULL);
    yajl_tree_free(d);
    free(doc);

    elaaoms_context_free(&ctx);
    recs_free(&rs);
}


static void
dirty_input(void)
{
    char                      *doc;
    recs_t                     rs;
    yajl_val                   d;
    elaaoms_context_t          ctx;
    elaaoms_context_input_t    in;

    /* control characters and quotes survive as valid one-line JSON */
    rs.n = 0;
    add(&rs, "d1", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_ISSUE, 8, T0,
        "Said \"it broke\"\ttwice\nand\r\nasked for \\ help.");

    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK(strchr(ctx.context_text, '\n') == NULL);
    CHECK(strchr(ctx.context_text, '\t') == NULL);
    CHECK_INT_EQ(elaaoms_context_document(&ctx, NULL, 5, &doc, NULL), 0);
    d = parse(doc);
    CHECK(d != NULL);
    CHECK_STR_EQ(S(get(d, "dynamic_variables",
                                     "caller_open_issue")),
                 "Said \"it broke\" twice and asked for \\ help.");
    yajl_tree_free(d);
    free(doc);
    elaaoms_context_free(&ctx);
    recs_free(&rs);

    /* no org: refused */
    memset(&in, 0, sizeof(in));
    CHECK_INT_EQ(elaaoms_context_build(NULL, 0, &in, &ctx), -1);
}


/* "at" refused: whatever is not what the worker writes is scanned instead */
static void
spans_refused(void)
{
    char                    doc[512], at[ELAAOMS_CONTEXT_AT_LEN + 1];
    size_t                  len, pre;
    elaaoms_context_span_t  sp[ELAAOMS_CONTEXT_SPANS], w[ELAAOMS_CONTEXT_SPANS];

    static const char  body[] =
        "\",\"agent_id\":\"a\",\"built_us\":1,"
        "\"dynamic_variables\":{\"caller_known\":true},"
        "\"first_message\":\"Hi\",\"shared_ids\":[\"m1\"]}";

    pre = sizeof(ELAAOMS_CONTEXT_V3_PREFIX) - 1;

    /* the spans of body, by hand */
    w[0].off = pre + ELAAOMS_CONTEXT_AT_LEN + strlen("\",\"agent_id\":\"a\","
               "\"built_us\":1,\"dynamic_variables\":");
    w[0].len = strlen("{\"caller_known\":true}");
    w[1].off = w[0].off + w[0].len + strlen(",\"first_message\":");
    w[1].len = 4;
    w[2].off = w[1].off + w[1].len + strlen(",\"shared_ids\":");
    w[2].len = 6;

#define BUILD()                                                              \
    do {                                                                     \
        at[ELAAOMS_CONTEXT_AT_LEN] = '\0';                                   \
        len = (size_t) snprintf(doc, sizeof(doc), "%s%s%s",                  \
                                ELAAOMS_CONTEXT_V3_PREFIX, at, body);        \
    } while (0)

    elaaoms_context_spans_write(at, w);
    BUILD();
    CHECK_STR_EQ(at, "000110 000021 000148 000004 000166 000006");
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), 0);
    CHECK(memcmp(sp, w, sizeof(sp)) == 0);
    CHECK(strncmp(doc + sp[1].off, "\"Hi\"", 4) == 0);

    /* the same spans under version 4: the third must be a string */
    memcpy(doc, ELAAOMS_CONTEXT_V4_PREFIX, pre);
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);
    {
        char  v4[512];
        int   n;

        n = snprintf(v4, sizeof(v4), "%s%s%s", ELAAOMS_CONTEXT_V4_PREFIX, at,
                     "\",\"agent_id\":\"a\",\"built_us\":1,"
                     "\"dynamic_variables\":{\"caller_known\":true},"
                     "\"first_message\":\"Hi\",\"shared_set\":\"m1\"}");
        /* spans of the array ["m1"]: one byte past the string */
        CHECK_INT_EQ(elaaoms_context_spans_read(v4, (size_t) n, sp), -1);
        w[2].len = 4;
        elaaoms_context_spans_write(at, w);
        n = snprintf(v4, sizeof(v4), "%s%s%s", ELAAOMS_CONTEXT_V4_PREFIX, at,
                     "\",\"agent_id\":\"a\",\"built_us\":1,"
                     "\"dynamic_variables\":{\"caller_known\":true},"
                     "\"first_message\":\"Hi\",\"shared_set\":\"m1\"}");
        CHECK_INT_EQ(elaaoms_context_spans_read(v4, (size_t) n, sp), 0);
        CHECK(strncmp(v4 + sp[2].off, "\"m1\"", 4) == 0);
        w[2].len = 6;
        elaaoms_context_spans_write(at, w);
    }
    BUILD();

    /* the head cut one byte short: the array's end is gone */
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len - 2, sp), -1);
    /* a byte out of place under a span */
    doc[w[0].off] = ' ';
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);
    BUILD();
    doc[w[2].off + w[2].len - 1] = '}';
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);

    /* not filled (a span did not fit): all zeros */
    memset(at, '0', ELAAOMS_CONTEXT_AT_LEN);
    BUILD();
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);

    /* a span too long for "at" is written as all zeros */
    w[2].len = ELAAOMS_CONTEXT_AT_MAX + 1;
    elaaoms_context_spans_write(at, w);
    CHECK(strspn(at, "0") == ELAAOMS_CONTEXT_AT_LEN);
    w[2].len = 6;

    /* a digit that is not one, a separator that is not one */
    elaaoms_context_spans_write(at, w);
    at[3] = 'x';
    BUILD();
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);
    elaaoms_context_spans_write(at, w);
    at[ELAAOMS_CONTEXT_AT_DIGITS] = ',';
    BUILD();
    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);

    /* spans out of order, overlapping, or inside "at" itself */
    {
        elaaoms_context_span_t  bad[ELAAOMS_CONTEXT_SPANS];

        memcpy(bad, w, sizeof(bad));
        bad[1] = w[2];
        bad[2] = w[1];
        elaaoms_context_spans_write(at, bad);
        BUILD();
        CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);

        memcpy(bad, w, sizeof(bad));
        bad[0].off = 0;
        bad[0].len = len;
        elaaoms_context_spans_write(at, bad);
        BUILD();
        CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);

        memcpy(bad, w, sizeof(bad));
        bad[2].len = 600;
        elaaoms_context_spans_write(at, bad);
        BUILD();
        CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), -1);
    }

    /* an older version, or a version 3 prefix without its "at" */
    CHECK_INT_EQ(elaaoms_context_spans_read("{\"version\":2,\"at\":\"0\"}",
                                            24, sp), -1);
    CHECK_INT_EQ(elaaoms_context_spans_read(ELAAOMS_CONTEXT_V3_PREFIX "0\"}",
                 sizeof(ELAAOMS_CONTEXT_V3_PREFIX) + 2, sp), -1);

#undef BUILD
}


/* "everyone calls me Immy": the greeting's first name is that one */
static void
goes_by(void)
{
    recs_t                    rs;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;
    add(&rs, "g1", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Imogen Dimaculangan.");
    add(&rs, "g2", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "The caller goes by Immy.");

    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Imogen Dimaculangan");
    CHECK_STR_EQ(ctx.first_name, "Immy");
    /* every agent hears it, not only the one whose greeting uses it */
    CHECK_INT_EQ(strncmp(ctx.context_text, "Goes by Immy. ", 14), 0);

    elaaoms_context_free(&ctx);
    recs_free(&rs);

    /* an LLM's wording of the same: the preferred name greets, and a
       name said alone is not taken for one the caller goes by */
    rs.n = 0;
    add(&rs, "g3", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "The caller prefers to be called Liz.");
    add(&rs, "g4", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "The caller's name is Elizabeth Ashford.");

    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
    CHECK_STR_EQ(ctx.name, "Elizabeth Ashford");
    CHECK_STR_EQ(ctx.first_name, "Liz");
    CHECK_INT_EQ(strncmp(ctx.context_text, "Goes by Liz", 11), 0);

    elaaoms_context_free(&ctx);
    recs_free(&rs);

    CHECK_INT_EQ(elaaoms_context_name_preferred("The caller goes by Immy."),
                 1);
    CHECK_INT_EQ(elaaoms_context_name_preferred("Caller's nickname is Bo."),
                 1);
    CHECK_INT_EQ(elaaoms_context_name_preferred("Caller's name is Bo Lind."),
                 0);
    CHECK_INT_EQ(elaaoms_context_name_preferred("Caller's dog is Ego Bypass."),
                 0);
}


int
main(void)
{
    returning_customer();
    goes_by();
    dirty_input();
    spans_refused();

    return UNIT_DONE("context_build_document");
}
