/*
 * elaaoms_context_refresh() against a private redis-server (unit_redis.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_tree.h>

#include "unit.h"
#include "unit_record.h"
#include "context/context_store.h"
#include "context/served_set_store.h"
#include "store/memory_store.h"

#define UNIT_REDIS_NAME  "context_store"
#include "unit_redis.h"


#define DAY     86400
#define T0      1759276800   /* 2025-10-01 */
#define ORG     "acme"
#define CALLER  "+14155550123"

/* a refresh's request, in place: REQ(.org = ORG, .caller = CALLER) */
#define REQ(...)  (&(elaaoms_context_refresh_req_t) { __VA_ARGS__ })

static void
store(redisContext *rc, const char *id, const char *caller, const char *conv,
    const char *agent, elaaoms_mem_type_e type, int importance,
    int64_t created, const char *content)
{
    char                     err[256];
    elaaoms_memory_record_t  r;

    unit_record(&r, id, ORG, caller, conv, agent, type, importance, created,
                content);

    if (elaaoms_memory_store_add(rh, &r, err, sizeof(err)) != 0) {
        fprintf(stderr, "store %s: %s\n", id, err);
        exit(2);
    }
}


/* the value of a string key, malloc'd, or NULL */
static char *
get_key(redisContext *rc, const char *key)
{
    char        *s;
    redisReply  *r;

    r = redisCommand(rc, "GET %s", key);
    if (r == NULL || r->type != REDIS_REPLY_STRING) {
        if (r) {
            freeReplyObject(r);
        }
        return NULL;
    }

    s = strdup(r->str);
    freeReplyObject(r);

    return s;
}


static long long
integer(redisContext *rc, const char *fmt, const char *key)
{
    long long    v;
    redisReply  *r;

    r = redisCommand(rc, fmt, key);
    if (r == NULL) {
        return -99;
    }

    if (r->type == REDIS_REPLY_INTEGER) {
        v = r->integer;
    } else if (r->type == REDIS_REPLY_STRING) {
        v = strtoll(r->str, NULL, 10);
    } else {
        v = -98;
    }

    freeReplyObject(r);

    return v;
}


/* the document of caller's context for agent, parsed, or NULL */
static yajl_val
context(redisContext *rc, const char *caller, const char *agent)
{
    char      key[512], err[128], *doc;
    yajl_val  v;

    elaaoms_context_key(key, sizeof(key), ORG, caller, agent);
    doc = get_key(rc, key);
    if (doc == NULL) {
        return NULL;
    }

    v = yajl_tree_parse(doc, err, sizeof(err));
    if (v == NULL) {
        fprintf(stderr, "invalid document (%s): %s\n", err, doc);
    }
    free(doc);

    return v;
}


static yajl_val
get(yajl_val v, const char *a, const char *b)
{
    const char  *path[3] = { a, b, NULL };

    return v ? yajl_tree_get(v, path, yajl_t_any) : NULL;
}


static const char *
S(yajl_val v)
{
    return (v && YAJL_IS_STRING(v)) ? v->u.string : "(none)";
}


/* 1 when id is in the served set the document names (served_set.h) */
static int
has_shared(yajl_val doc, const char *id)
{
    int          found;
    char         err[128], *ids, *tok, *save;
    const char  *set = S(get(doc, "shared_set", NULL));

    if (strlen(set) != ELAAOMS_SERVED_SET_ID_LEN
        || elaaoms_served_set_lookup(rh, ORG, CALLER, set, &ids, err,
                                     sizeof(err)) != 1)
    {
        return 0;
    }

    found = 0;
    for (tok = strtok_r(ids, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save))
    {
        found |= strcmp(tok, id) == 0;
    }

    free(ids);

    return found;
}


/* how many ids the document's served set holds */
static size_t
shared_count(yajl_val doc)
{
    size_t       n;
    char         err[128], *ids, *p;
    const char  *set = S(get(doc, "shared_set", NULL));

    if (elaaoms_served_set_lookup(rh, ORG, CALLER, set, &ids, err,
                                  sizeof(err)) != 1)
    {
        return 0;
    }

    for (n = 1, p = ids; *p; p++) {
        n += *p == ',';
    }

    free(ids);

    return n;
}


static int  writer_calls;

static char *
writer_ok(void *arg, const char *agent_id, const char *sys, const char *user)
{
    writer_calls++;

    if (strcmp(agent_id, "agent_support") != 0
        || strstr(user, "Caller's name: Maria Lopez") == NULL
        || strstr(sys, "300 characters") == NULL)
    {
        return NULL;
    }

    return strdup(arg);
}


static char *
profile_fixture(void)
{
    FILE   *f;
    char   *buf;
    long    n;

    f = fopen("t/fixtures/elevenlabs/agent_profile_response.json", "r");
    if (f == NULL) {
        return NULL;
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);

    buf = calloc(1, (size_t) n + 1);
    if (buf != NULL && fread(buf, 1, (size_t) n, f) != (size_t) n) {
        free(buf);
        buf = NULL;
    }

    fclose(f);

    return buf;
}


static void
refresh_writes_every_context(redisContext *rc)
{
    char                             err[256], key[512], *profile;
    yajl_val                         d;
    redisReply                      *r;
    const char                      *agents[] = { "agent_support" };
    elaaoms_context_refresh_req_t    req;
    elaaoms_context_refresh_opts_t   opts;
    elaaoms_context_refresh_stats_t  st;

    store(rc, "m_name", CALLER, "conv_1", "agent_support",
          ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");
    /* 7/10: below the sharing threshold, private to support */
    store(rc, "m_order", CALLER, "conv_2", "agent_support",
          ELAAOMS_MEM_ISSUE, 7, T0 + 47 * DAY,
          "The caller's order XYZ-789 was running late.");
    store(rc, "m_hack", CALLER, "conv_3", "agent_tech", ELAAOMS_MEM_ISSUE, 9,
          T0 + 40 * DAY, "Account was hacked; a password reset is pending.");
    store(rc, "m_jazz", CALLER, "conv_3", "agent_tech",
          ELAAOMS_MEM_PREFERENCE, 3, T0 + 40 * DAY, "Likes jazz hold music.");

    /* the agent profile the worker caches (ElevenLabs' fixture) */
    profile = profile_fixture();
    CHECK(profile != NULL);
    CHECK_INT_EQ(elaaoms_context_profile_key(key, sizeof(key), ORG,
                                             "agent_support"),
                 strlen("elaaoms:acme:agent:agent_support:profile"));
    CHECK_STR_EQ(key, "elaaoms:acme:agent:agent_support:profile");
    r = redisCommand(rc, "SET %s %s", key, profile ? profile : "{}");
    freeReplyObject(r);
    free(profile);

    memset(&opts, 0, sizeof(opts));
    opts.conversation_id = "conv_2";
    opts.call_time = T0 + 47 * DAY;

    writer_calls = 0;
    req = (elaaoms_context_refresh_req_t) {
        .org = ORG, .caller = CALLER, .agent_ids = agents, .nagents = 1,
        .writer = writer_ok,
        .writer_arg = "Hi Maria, thanks for calling Acme again! Is this "
                      "about order XYZ-789?",
        .opts = &opts
    };
    CHECK_INT_EQ(elaaoms_context_refresh(rh, &req, &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(writer_calls, 1);
    CHECK_INT_EQ(st.llm_used, 1);
    CHECK_INT_EQ(st.llm_refused, 0);
    /* support, tech (from the caller's agents set), _any */
    CHECK_INT_EQ(st.agents, 3);
    CHECK_INT_EQ(st.written, 3);
    CHECK_INT_EQ(st.memories, 4);
    /* one call counted, three conversations with memories */
    CHECK_INT_EQ(st.calls.count, 3);
    CHECK_INT_EQ(st.calls.first_seen, T0);
    CHECK_INT_EQ(st.calls.last_seen, T0 + 47 * DAY);

    elaaoms_memory_key(key, sizeof(key), ORG, CALLER, "calls");
    CHECK_STR_EQ(key, "elaaoms:acme:{acme:+14155550123}:calls");
    CHECK_INT_EQ(integer(rc, "HGET %s count", key), 1);
    CHECK_INT_EQ(integer(rc, "HGET %s first_seen", key), T0 + 47 * DAY);

    /* the support agent: its own memories, the LLM's greeting, the shared
       9/10 from technical support */
    elaaoms_context_key(key, sizeof(key), ORG, CALLER, "agent_support");
    CHECK_STR_EQ(key, "elaaoms:acme:{acme:+14155550123}:context:agent_support");
    d = context(rc, CALLER, "agent_support");
    CHECK(d != NULL);
    CHECK_STR_EQ(S(get(d, "agent_id", NULL)), "agent_support");
    CHECK_STR_EQ(S(get(d, "first_message", NULL)),
                 "Hi Maria, thanks for calling Acme again! Is this about "
                 "order XYZ-789?");
    CHECK_STR_EQ(S(get(d, "dynamic_variables", "caller_name")), "Maria Lopez");
    CHECK(YAJL_IS_TRUE(get(d, "dynamic_variables", "caller_known")));
    CHECK_INT_EQ(YAJL_GET_INTEGER(get(d, "dynamic_variables",
                                      "caller_call_count")), 3);
    CHECK_STR_EQ(S(get(d, "dynamic_variables", "caller_last_interaction")),
                 "2025-11-17");
    CHECK_STR_EQ(S(get(d, "dynamic_variables", "caller_open_issue")),
                 "The caller's order XYZ-789 was running late.");
    CHECK(has_shared(d, "m_hack"));
    CHECK(!has_shared(d, "m_jazz"));
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "\"shared\":[{\"id\":"
                 "\"m_hack\",\"agent_id\":\"agent_tech\"") != NULL);
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "jazz") == NULL);
    CHECK(get(d, "built_us", NULL) != NULL
          && YAJL_GET_INTEGER(get(d, "built_us", NULL)) > 1700000000000000LL);
    yajl_tree_free(d);

    /* technical support: no LLM (not this conversation's agent), no
       profile: the template over the default first message; billing's
       name memory is private to support */
    d = context(rc, CALLER, "agent_tech");
    CHECK(d != NULL);
    CHECK_STR_EQ(S(get(d, "first_message", NULL)),
                 "Welcome back! Last time we spoke about this: account was "
                 "hacked \xe2\x80\x94 is that why you're calling?");
    CHECK(get(d, "dynamic_variables", "caller_name") == NULL);
    CHECK(!has_shared(d, "m_hack"));
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "jazz") != NULL);
    yajl_tree_free(d);

    /* agents not seen yet: shareable memories only, no greeting */
    d = context(rc, CALLER, "_any");
    CHECK(d != NULL);
    CHECK_STR_EQ(S(get(d, "first_message", NULL)), "");
    CHECK(has_shared(d, "m_hack"));
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "XYZ-789") == NULL);
    yajl_tree_free(d);

    /* the org learnt its agents */
    r = redisCommand(rc, "SISMEMBER elaaoms:acme:agents agent_tech");
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1);
    freeReplyObject(r);

    /* the same conversation again (a retried job) counts nothing more */
    req.writer = NULL;
    req.writer_arg = NULL;
    CHECK_INT_EQ(elaaoms_context_refresh(rh, &req, &st, err, sizeof(err)), 0);
    elaaoms_memory_key(key, sizeof(key), ORG, CALLER, "calls");
    CHECK_INT_EQ(integer(rc, "HGET %s count", key), 1);

    /* without a writer: the template over the profile's first message */
    d = context(rc, CALLER, "agent_support");
    CHECK_STR_EQ(S(get(d, "first_message", NULL)),
                 "Hi Maria, welcome back! Last time we spoke about this: your "
                 "order XYZ-789 was running late \xe2\x80\x94 is that why "
                 "you're calling?");
    yajl_tree_free(d);
}


static char *
writer_bad(void *arg, const char *agent_id, const char *sys, const char *user)
{
    writer_calls++;
    return strdup("Hi Maria!\nWelcome back. Is this about that? Great.");
}


static char *
writer_null(void *arg, const char *agent_id, const char *sys,
    const char *user)
{
    writer_calls++;
    return NULL;
}


static void
refused_llm_answers(redisContext *rc)
{
    char                             err[256];
    yajl_val                         d;
    const char                      *agents[] = { "agent_support" };
    elaaoms_context_refresh_stats_t  st;

    writer_calls = 0;
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER,
                                                 .agent_ids = agents,
                                                 .nagents = 1,
                                                 .writer = writer_bad),
                                         &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(writer_calls, 1);
    CHECK_INT_EQ(st.llm_used, 0);
    CHECK_INT_EQ(st.llm_refused, 1);
    d = context(rc, CALLER, "agent_support");
    CHECK(strncmp(S(get(d, "first_message", NULL)), "Hi Maria, welcome back!",
                  23) == 0);
    yajl_tree_free(d);

    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER,
                                                 .agent_ids = agents,
                                                 .nagents = 1,
                                                 .writer = writer_null),
                                         &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(st.llm_refused, 1);
}


static void
billing_sees_tech_support(redisContext *rc)
{
    char                             err[256];
    yajl_val                         d;
    const char                      *billing[] = { "agent_billing" };
    elaaoms_context_refresh_stats_t  st;

    /* another caller talks to billing: the org now knows that agent */
    store(rc, "o_plan", "+442079460958", "conv_9", "agent_billing",
          ELAAOMS_MEM_FACTUAL, 5, T0, "Is on the premium plan.");
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG,
                                                 .caller = "+442079460958",
                                                 .agent_ids = billing,
                                                 .nagents = 1),
                                         &st, err, sizeof(err)), 0);

    /* Maria's next refresh builds a billing context, with the 9/10 memory
       from technical support and nothing private */
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER),
                                         &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(st.agents, 4);
    d = context(rc, CALLER, "agent_billing");
    CHECK(d != NULL);
    CHECK(has_shared(d, "m_hack"));
    CHECK_INT_EQ(shared_count(d), 1);
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "hacked") != NULL);
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "XYZ-789") == NULL);
    CHECK(strstr(S(get(d, "prompt_addition", NULL)), "premium") == NULL);
    CHECK_STR_EQ(S(get(d, "dynamic_variables", "caller_open_issue")),
                 "Account was hacked; a password reset is pending.");
    yajl_tree_free(d);

    /* org isolation: the same caller in another org has nothing */
    {
        redisReply  *r = redisCommand(rc, "EXISTS %s",
            "elaaoms:globex:{globex:+14155550123}:context:agent_billing");
        CHECK(r != NULL && r->integer == 0);
        freeReplyObject(r);
    }
}


static void
ordering_and_deletion(redisContext *rc)
{
    char                             err[256], key[512], *doc;
    redisReply                      *r;
    elaaoms_context_refresh_opts_t   opts;
    elaaoms_context_refresh_stats_t  st;

    /* a document built from a newer snapshot is never replaced */
    elaaoms_context_key(key, sizeof(key), ORG, CALLER, "agent_support");
    r = redisCommand(rc, "SET %s %s", key,
                     "{\"version\":1,\"agent_id\":\"agent_support\","
                     "\"built_us\":99999999999999999}");
    freeReplyObject(r);

    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER),
                                         &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(st.written, st.agents - 1);
    doc = get_key(rc, key);
    CHECK(doc != NULL && strstr(doc, "99999999999999999") != NULL);
    free(doc);

    r = redisCommand(rc, "DEL %s", key);
    freeReplyObject(r);

    /* a TTL when configured */
    memset(&opts, 0, sizeof(opts));
    opts.ttl_secs = 600;
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER,
                                                 .opts = &opts),
                                         &st, err, sizeof(err)), 0);
    CHECK(integer(rc, "TTL %s", key) > 500);

    /* a caller with nothing (erased): stale contexts go */
    elaaoms_context_key(key, sizeof(key), ORG, "+15550001111", "_any");
    r = redisCommand(rc, "SET %s %s", key,
                     "{\"version\":1,\"agent_id\":\"_any\",\"built_us\":1}");
    freeReplyObject(r);
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG,
                                                 .caller = "+15550001111"),
                                         &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(integer(rc, "EXISTS %s", key), 0);
    CHECK_INT_EQ(st.written, 1);

    /* invalid input is refused before Redis is touched */
    {
        const char  *bad[] = { "../etc" };
        const char  *any[] = { "_any" };

        CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = "bad org",
                                                     .caller = CALLER),
                                             NULL, err, sizeof(err)), -1);
        CHECK_STR_EQ(err, "invalid org");
        CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG,
                                                     .caller = "not a caller"),
                                             NULL, err, sizeof(err)), -1);
        CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG,
                                                     .caller = CALLER,
                                                     .agent_ids = bad,
                                                     .nagents = 1),
                                             NULL, err, sizeof(err)), -1);
        CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG,
                                                     .caller = CALLER,
                                                     .agent_ids = any,
                                                     .nagents = 1),
                                             NULL, err, sizeof(err)), -1);
        CHECK_STR_EQ(err, "invalid agent id");
    }

    /* note_call directly */
    CHECK_INT_EQ(elaaoms_context_note_call(rh, ORG, CALLER, "conv_7",
                                           T0 - DAY, err, sizeof(err)), 1);
    CHECK_INT_EQ(elaaoms_context_note_call(rh, ORG, CALLER, "conv_7",
                                           T0 - DAY, err, sizeof(err)), 0);
    elaaoms_memory_key(key, sizeof(key), ORG, CALLER, "calls");
    CHECK_INT_EQ(integer(rc, "HGET %s count", key), 2);
    CHECK_INT_EQ(integer(rc, "HGET %s first_seen", key), T0 - DAY);
    CHECK_INT_EQ(integer(rc, "HGET %s last_seen", key), T0 + 47 * DAY);
}


/*
 * Served sets: a refresh that changes a document's shared memories marks
 * the old set replaced (at the snapshot's time) and the new one current;
 * pruning drops only sets replaced before its cutoff.
 */
static void
served_sets_follow_refreshes(redisContext *rc)
{
    long         n;
    char         err[256], key[256], *ids;
    yajl_val     d;
    long long    replaced;
    size_t       len;
    const char  *p;
    redisReply  *r;
    char         before[ELAAOMS_SERVED_SET_ID_LEN + 1];
    char         after[ELAAOMS_SERVED_SET_ID_LEN + 1];

    snprintf(key, sizeof(key), "elaaoms:%s:{%s:%s}:served", ORG, ORG,
             CALLER);

    d = context(rc, CALLER, "agent_billing");
    CHECK(d != NULL);
    snprintf(before, sizeof(before), "%s", S(get(d, "shared_set", NULL)));
    yajl_tree_free(d);
    CHECK(elaaoms_served_set_id_valid(before, strlen(before)));

    /* a second shareable memory from technical support */
    store(rc, "m_fraud", CALLER, "conv_4", "agent_tech", ELAAOMS_MEM_ISSUE, 9,
          T0 + 60, "A fraud claim was opened for the card.");
    CHECK_INT_EQ(elaaoms_context_refresh(rh, REQ(.org = ORG, .caller = CALLER),
                                         NULL, err, sizeof(err)), 0);

    d = context(rc, CALLER, "agent_billing");
    CHECK(d != NULL);
    snprintf(after, sizeof(after), "%s", S(get(d, "shared_set", NULL)));
    CHECK(has_shared(d, "m_hack") && has_shared(d, "m_fraud"));
    CHECK_INT_EQ(shared_count(d), 2);
    yajl_tree_free(d);
    CHECK(strcmp(before, after) != 0);

    /* the old set is kept, marked replaced; the new one is current */
    r = redisCommand(rc, "HGET %s %s", key, before);
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING);
    p = r && r->type == REDIS_REPLY_STRING
        ? elaaoms_served_set_ids(r->str, r->len, &len, &replaced) : NULL;
    CHECK(p != NULL && replaced > 1700000000LL);
    if (r) {
        freeReplyObject(r);
    }

    CHECK_INT_EQ(elaaoms_served_set_lookup(rh, ORG, CALLER, after, &ids,
                                           err, sizeof(err)), 1);
    CHECK(ids != NULL && strstr(ids, "m_fraud") != NULL);
    free(ids);

    /* a cutoff before the replacement keeps it, one after drops it only */
    n = elaaoms_served_sets_prune(rh, ORG, CALLER, replaced);
    CHECK_INT_EQ(n, 0);
    n = elaaoms_served_sets_prune(rh, ORG, CALLER, replaced + 1);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(elaaoms_served_set_lookup(rh, ORG, CALLER, before, &ids,
                                           err, sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_served_set_lookup(rh, ORG, CALLER, after, &ids,
                                           err, sizeof(err)), 1);
    free(ids);
}


int
main(void)
{
    if (start_redis() != 0) {
        UNIT_FAIL("redis-server started");
        return UNIT_DONE("context_store");
    }

    refresh_writes_every_context(rc);
    refused_llm_answers(rc);
    billing_sees_tech_support(rc);
    served_sets_follow_refreshes(rc);
    ordering_and_deletion(rc);

    stop_redis();

    return UNIT_DONE("context_store");
}
