#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "unit.h"
#include "context/context_build.h"
#include "store/memory_record.h"


#define DAY  86400

/* s starts with the literal */
#define STARTS(s, lit)  (strncmp((s), (lit), sizeof(lit) - 1) == 0)
#define T0   1759276800   /* 2025-10-01 00:00:00 UTC */


/* records go through encode + decode, as they come out of Redis */
typedef struct {
    elaaoms_memory_record_t  items[512];
    size_t                   n;
} recs_t;


/* the prior agents (NULL-ended) and flags add() gives the next record */
static const char *const  *add_prior;
static unsigned            add_flags;


static void
add(recs_t *rs, const char *id, const char *org, const char *caller,
    const char *conv, const char *agent, elaaoms_mem_type_e type,
    int importance, int64_t created, const char *content)
{
    size_t                    k;
    unsigned char            *buf;
    size_t                    len;
    elaaoms_memory_record_t   r;

    memset(&r, 0, sizeof(r));
    for (k = 0; add_prior != NULL && add_prior[k] != NULL; k++) {
        r.prior_agents[r.nprior_agents++] = elaaoms_mstr(add_prior[k]);
    }
    r.flags = add_flags;
    r.id = elaaoms_mstr(id);
    r.org = elaaoms_mstr(org);
    r.caller = elaaoms_mstr(caller);
    r.conversation_id = elaaoms_mstr(conv);
    r.agent_id = elaaoms_mstr(agent);
    r.content = elaaoms_mstr(content);
    r.type = type;
    r.importance = importance;
    r.created = created;
    r.last_reinforced = created;
    r.reinforcement_count = 1;
    r.confidence = 0.9f;

    if (elaaoms_memory_record_encode_alloc(&r, &buf, &len) != 0) {
        fprintf(stderr, "encode failed for %s\n", id);
        exit(2);
    }

    if (elaaoms_memory_record_decode(buf, len, &rs->items[rs->n], NULL) != 0)
    {
        fprintf(stderr, "decode failed for %s\n", id);
        exit(2);
    }

    free(buf);
    rs->n++;
}


/* links the last record (current) to old_id (superseded), both ways */
static void
supersede(recs_t *rs, size_t newer, size_t older)
{
    unsigned char            *buf;
    size_t                    len;
    elaaoms_memory_record_t   a, b;

    a = rs->items[newer];
    b = rs->items[older];
    elaaoms_memory_record_add_conflict(&a, b.id);
    elaaoms_memory_record_add_conflict(&b, a.id);
    b.flags |= ELAAOMS_MEMORY_F_SUPERSEDED;

    /* re-encode both so that they own their strings again */
    a.owned = NULL;
    b.owned = NULL;

    if (elaaoms_memory_record_encode_alloc(&a, &buf, &len) != 0) {
        exit(2);
    }
    {
        elaaoms_memory_record_t  na;
        if (elaaoms_memory_record_decode(buf, len, &na, NULL) != 0) {
            exit(2);
        }
        free(buf);

        if (elaaoms_memory_record_encode_alloc(&b, &buf, &len) != 0) {
            exit(2);
        }
        elaaoms_memory_record_free(&rs->items[older]);
        if (elaaoms_memory_record_decode(buf, len, &rs->items[older], NULL)
            != 0)
        {
            exit(2);
        }
        free(buf);

        elaaoms_memory_record_free(&rs->items[newer]);
        rs->items[newer] = na;
    }
}


static void
recs_free(recs_t *rs)
{
    size_t  i;

    for (i = 0; i < rs->n; i++) {
        elaaoms_memory_record_free(&rs->items[i]);
    }
    rs->n = 0;
}


static void
input(elaaoms_context_input_t *in, const char *agent, long long count,
    int64_t first, int64_t last)
{
    memset(in, 0, sizeof(*in));
    in->org = "acme";
    in->caller = "+14155550123";
    in->agent_id = agent;
    in->calls.count = count;
    in->calls.first_seen = first;
    in->calls.last_seen = last;
}


static yajl_val
parse(const char *json)
{
    char      err[256];
    yajl_val  v;

    v = yajl_tree_parse(json, err, sizeof(err));
    if (v == NULL) {
        fprintf(stderr, "invalid JSON (%s): %s\n", err, json);
    }

    return v;
}


static yajl_val
get(yajl_val v, const char *a, const char *b)
{
    const char  *path[3] = { a, b, NULL };

    return yajl_tree_get(v, path, yajl_t_any);
}


/* the string value, "(none)" when v is not a string */
static const char *
S(yajl_val v)
{
    return (v && YAJL_IS_STRING(v)) ? v->u.string : "(none)";
}


static size_t
arr_len(yajl_val v)
{
    return (v && YAJL_IS_ARRAY(v)) ? v->u.array.len : (size_t) -1;
}


static const char *
item_str(yajl_val arr, size_t i, const char *key)
{
    const char  *path[2] = { key, NULL };
    yajl_val     v;

    if (arr == NULL || !YAJL_IS_ARRAY(arr) || i >= arr->u.array.len) {
        return NULL;
    }

    v = yajl_tree_get(arr->u.array.values[i], path, yajl_t_string);

    return v ? S(v) : NULL;
}


static int
has_id(const elaaoms_context_t *ctx, const char *id)
{
    size_t  i;

    for (i = 0; i < ctx->nshared; i++) {
        if (strcmp(ctx->shared_ids[i], id) == 0) {
            return 1;
        }
    }

    return 0;
}


/* a span's bytes as a NUL-terminated copy */
static char *
span_text(const char *doc, const elaaoms_context_span_t *sp)
{
    char  *t;

    t = malloc(sp->len + 1);
    if (t == NULL) {
        abort();
    }
    memcpy(t, doc + sp->off, sp->len);
    t[sp->len] = '\0';

    return t;
}


/*
 * "at" of a stored document: its spans are the values yajl finds under
 * those names, in the document and in its head (cut as context_store.c's
 * script does)
 */
static void
spans_agree(const char *doc, size_t len)
{
    char                    *t, *head;
    yajl_val                 d, v;
    const char              *cut;
    elaaoms_context_span_t   sp[ELAAOMS_CONTEXT_SPANS], hsp[ELAAOMS_CONTEXT_SPANS];
    static const char       *names[ELAAOMS_CONTEXT_SPANS] = {
        "dynamic_variables", "first_message", "shared_set"
    };
    int                      i;
    char                     wrapped[4096];

    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), 0);

    d = parse(doc);
    CHECK(d != NULL);

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        t = span_text(doc, &sp[i]);
        /* each span parses alone to the document's value */
        snprintf(wrapped, sizeof(wrapped), "{\"v\":%s}", t);
        v = parse(wrapped);
        CHECK(v != NULL);
        if (v != NULL && d != NULL) {
            yajl_val  a = get(v, "v", NULL), b = get(d, names[i], NULL);

            CHECK(a != NULL && b != NULL && a->type == b->type);
            if (i != ELAAOMS_CONTEXT_SPAN_VARIABLES && a && b) {
                CHECK_STR_EQ(S(a), S(b));
            }
            if (i == ELAAOMS_CONTEXT_SPAN_VARIABLES && a && b) {
                CHECK_INT_EQ(a->u.object.len, b->u.object.len);
            }
            yajl_tree_free(v);
        }
        free(t);
    }

    yajl_tree_free(d);

    cut = strstr(doc, ",\"prompt_addition\":");
    CHECK(cut != NULL);
    if (cut == NULL) {
        return;
    }
    head = malloc((size_t) (cut - doc) + 2);
    memcpy(head, doc, (size_t) (cut - doc));
    head[cut - doc] = '}';
    head[cut - doc + 1] = '\0';
    CHECK_INT_EQ(elaaoms_context_spans_read(head, strlen(head), hsp), 0);
    CHECK(memcmp(sp, hsp, sizeof(sp)) == 0);
    free(head);
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


static void
names(void)
{
    char  buf[ELAAOMS_CONTEXT_NAME_MAX];

    static const struct {
        const char  *text;
        const char  *name;   /* NULL: none */
    } cases[] = {
        { "Caller's name is Maria Lopez.", "Maria Lopez" },
        { "The caller\xe2\x80\x99s name is Maria.", "Maria" },
        { "The customer's full name is Jean-Luc O'Brien, a teacher.",
          "Jean-Luc O'Brien" },
        { "Name: Ana Maria Silva Costa", "Ana Maria Silva" },
        { "Her name is Emma.", "Emma" },
        { "Caller is named Tom.", "Tom" },
        { "Confirmed that the caller's name is Dr. Smith.", "Dr. Smith" },
        { "Caller's name is maria lopez.", "Maria Lopez" },
        { "Caller's name is \xc3\x89milie Dubois.", "\xc3\x89milie Dubois" },
        { "Caller's daughter's name is Emma.", NULL },
        { "Caller's name is not known.", NULL },
        { "Has a dog named Rex.", NULL },
        { "Order XYZ-789 is delayed.", NULL },
        { "Caller's name is Maria's sister.", "Maria" },
        { "Name is Mrs", NULL },
    };
    size_t  i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int  rc = elaaoms_context_name_from(cases[i].text, buf, sizeof(buf));

        if (cases[i].name == NULL) {
            CHECK_INT_EQ(rc, -1);
            if (rc == 0) {
                fprintf(stderr, "  unexpected name \"%s\" in \"%s\"\n", buf,
                        cases[i].text);
            }
        } else {
            CHECK_INT_EQ(rc, 0);
            CHECK_STR_EQ(buf, cases[i].name);
        }
    }
}


static void
issues(void)
{
    CHECK_INT_EQ(elaaoms_context_issue_resolved("Order XYZ-789 is delayed."),
                 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "The double charge was resolved with a refund."), 1);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Login problem is fixed now."), 1);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "The billing issue is not yet resolved."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Says the grinder still isn't fixed."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Complained that nothing was solved."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved("An unresolved complaint."),
                 0);
}


/* the agent's greeting (NULL: the default for the language) -> the first
 * message for a caller whose name is known */
static const struct {
    const char  *greeting;
    const char  *language;
    const char  *want;
} named[] = {
    { "Hi, thanks for calling Acme. How can I help you today?", NULL,
      "Hi Maria, thanks for calling Acme. How can I help you today?" },
    { NULL, "en-US", "Hello Maria! How can I help you today?" },
    { "Hey there, Acme here!", NULL, "Hey Maria, Acme here!" },
    { "Good morning, this is Acme.", NULL,
      "Good morning Maria, this is Acme." },
    { "Thanks for calling Acme!", NULL, "Hi Maria! Thanks for calling Acme!" },
};


/* the caller's one open issue -> the first message that asks about it */
static const struct {
    const char  *id;
    const char  *issue;
    const char  *want;
} issue_opens[] = {
    { "i1",
      "Reported that their grinder stopped working. Wants a replacement.",
      "Welcome back! Last time we spoke about this: you reported that your "
      "grinder stopped working \xe2\x80\x94 is that why you're calling?" },
    { "i2",
      "Caller was charged twice for the March invoice and they want a "
      "refund.",
      "Welcome back! Last time we spoke about this: you were charged twice "
      "for the March invoice and you want a refund \xe2\x80\x94 is that why "
      "you're calling?" },
    /* a description of the caller stays; the agent who speaks is "we" */
    { "i4",
      "Because the caller is a long-time customer, the agent offered a "
      "loyalty credit of $15 a month.",
      "Welcome back! Last time we spoke about this: because you are a "
      "long-time customer, we offered a loyalty credit of $15 a month "
      "\xe2\x80\x94 is that why you're calling?" },
    { "i5", "Customer says the agent is late.",
      "Welcome back! Last time we spoke about this: you say we are late "
      "\xe2\x80\x94 is that why you're calling?" },
};


static void
greetings(void)
{
    char                      msg[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    size_t                    k;
    recs_t                    rs;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;
    add(&rs, "n1", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");

    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);

    for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        elaaoms_first_message_template(&ctx, named[k].greeting,
                                       named[k].language, msg, sizeof(msg));
        CHECK_STR_EQ(msg, named[k].want);
    }
    elaaoms_context_free(&ctx);
    recs_free(&rs);

    /* issues phrased in several ways, without a name; the agent is "we" */
    for (k = 0; k < sizeof(issue_opens) / sizeof(issue_opens[0]); k++) {
        add(&rs, issue_opens[k].id, "acme", "+14155550123", "conv_1",
            "agent_support", ELAAOMS_MEM_ISSUE, 8, T0,
            issue_opens[k].issue);
        CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
        elaaoms_first_message_template(&ctx, NULL, NULL, msg, sizeof(msg));
        CHECK_STR_EQ(msg, issue_opens[k].want);
        elaaoms_context_free(&ctx);
        recs_free(&rs);
    }

    /* a very long issue is cut on a word, within 300 bytes */
    {
        char  longer[600];

        memset(longer, 0, sizeof(longer));
        strcpy(longer, "Order XYZ-789 is delayed");
        while (strlen(longer) < 450) {
            strcat(longer, " and still delayed");
        }
        add(&rs, "i3", "acme", "+14155550123", "conv_1", "agent_support",
            ELAAOMS_MEM_ISSUE, 8, T0, longer);
        add(&rs, "n2", "acme", "+14155550123", "conv_1", "agent_support",
            ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");
        CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
        CHECK(elaaoms_first_message_template(&ctx, NULL, NULL, msg,
                                             sizeof(msg))
              <= ELAAOMS_FIRST_MESSAGE_MAX);
        CHECK(STARTS(msg, "Hello Maria, welcome back! Last time we spoke "
                     "about this: order XYZ-789 is delayed and"));
        CHECK(strlen(msg) > 150);
        CHECK(strstr(msg, " \xe2\x80\x94 is that why you're calling?")
              == msg + strlen(msg) - strlen(" \xe2\x80\x94 is that why "
                                            "you're calling?"));
        elaaoms_context_free(&ctx);
        recs_free(&rs);
    }
}


static void
checks(void)
{
    char   out[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    char   longer[400];

    CHECK_INT_EQ(elaaoms_first_message_check("Hi Maria, welcome back! Is this "
                                             "about order XYZ-789?", out,
                                             sizeof(out)),
                 strlen("Hi Maria, welcome back! Is this about order "
                        "XYZ-789?"));
    CHECK_STR_EQ(out, "Hi Maria, welcome back! Is this about order XYZ-789?");
    CHECK(elaaoms_first_message_check("  \"Hi Maria! How can I help?\"\n",
                                      out, sizeof(out)) > 0);
    CHECK_STR_EQ(out, "Hi Maria! How can I help?");
    CHECK(elaaoms_first_message_check("Hi Mrs. Lopez, welcome back to Acme!",
                                      out, sizeof(out)) > 0);
    CHECK(elaaoms_first_message_check("Hi Maria... good to hear from you",
                                      out, sizeof(out)) > 0);
    /* refused */
    CHECK_INT_EQ(elaaoms_first_message_check("", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("   ", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi Maria!\nHow can I help?",
                                             out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi. Welcome back. How can I "
                                             "help?", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi [Name], welcome back!", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi {{caller_name}}!", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("**Hi Maria!**", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi \xff Maria", out,
                                             sizeof(out)), -1);
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    CHECK_INT_EQ(elaaoms_first_message_check(longer, out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check(NULL, out, sizeof(out)), -1);
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


int
main(void)
{
    returning_customer();
    shared_memories();
    agent_sets();
    frequent_caller();
    token_cap();
    conflicts();
    names();
    issues();
    greetings();
    checks();
    dirty_input();
    spans_refused();

    return UNIT_DONE("context_build");
}
