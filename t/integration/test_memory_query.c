/*
 * The FR7 queries (lib/store/memory_query.c) and the GDPR erasure
 * (lib/store/memory_forget.c) against a real Redis, over the memories
 * test_memory_store.c builds, written again here the same way: this test
 * starts its own redis-server on a free 127.0.0.1 port (no persistence)
 * and kills it at the end.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "unit.h"

#define UNIT_REDIS_NAME  "memory_query"
#include "unit_redis.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "unit_memory.h"


/* every key matching the pattern (SCAN, as an operator would check) */
static size_t
scan_count(const char *pattern)
{
    char         cursor[32] = "0";
    size_t       n = 0;
    redisReply  *r;

    do {
        r = redisCommand(rc, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
            if (r) {
                freeReplyObject(r);
            }
            return (size_t) -1;
        }
        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        n += r->element[1]->elements;
        freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);

    return n;
}


static elaaoms_memory_list_t
query(const char *org, const char *caller, const elaaoms_memory_query_t *q)
{
    elaaoms_memory_list_t  l;

    CHECK_INT_EQ(elaaoms_memory_store_query(rh, org, caller, q, &l, err,
                                            sizeof(err)), 0);
    return l;
}


/* 1 when the list holds exactly these contents in this order */
static int
is(const elaaoms_memory_list_t *l, ...)
{
    size_t       i;
    va_list      ap;
    const char  *s;

    va_start(ap, l);
    for (i = 0; ; i++) {
        s = va_arg(ap, const char *);
        if (s == NULL) {
            break;
        }
        if (i >= l->n || strcmp(l->items[i].content.data, s) != 0) {
            va_end(ap);
            fprintf(stderr, "  list[%zu] is \"%s\", expected \"%s\"\n", i,
                    i < l->n ? l->items[i].content.data : "(end)", s);
            return 0;
        }
    }
    va_end(ap);

    if (i != l->n) {
        fprintf(stderr, "  list has %zu items, expected %zu\n", l->n, i);
    }

    return i == l->n;
}



/* --- the fixture --------------------------------------------------------- */

#define EMAIL     "Prefers email over phone calls"
#define OAK       "Lives at 5 Oak St"
#define ORDER     "Order XYZ-789 arrived damaged"
#define TEXT      "Prefers text messages now instead of email"
#define HARBOR    "New address is 12 Harbor Lane"
#define SPANISH   "Speaks Spanish at home with family"
#define ANGRY     "Was frustrated about the repeated delays"


/* applies the memories like the worker; 0 or -1 (no checks: setup) */
static int
fixture_apply(const char *org, const char *caller, const char *conv,
    const char *agent, int64_t now, const elaaoms_extracted_list_t *list)
{
    int                            r;
    elaaoms_memory_apply_t         a;
    elaaoms_memory_apply_counts_t  c;

    memset(&a, 0, sizeof(a));
    a.org = org;
    a.caller = caller;
    a.conversation_id = conv;
    a.agent_id = agent;
    a.now = now;

    r = elaaoms_memory_store_apply(rh, &a, list, &c, err, sizeof(err));
    if (r != 0) {
        fprintf(stderr, "memory_query: fixture: %s\n", err);
    }

    return r;
}


static int
fixture_apply1(const char *org, const char *caller, const char *conv,
    const char *agent, int64_t now, elaaoms_mem_type_e type,
    const char *content, int importance, double confidence)
{
    int                       r;
    elaaoms_extracted_list_t  l;

    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, type, content, importance, confidence,
                          "quote");
    r = fixture_apply(org, caller, conv, agent, now, &l);
    elaaoms_extracted_free(&l);

    return r;
}


/*
 * The state test_memory_store.c's test_apply() and test_isolation() leave
 * (they check each step): conflicts, reinforcements and the conversation
 * and agent sets come from the dedup of memory_dedup.c, as in production.
 */
static int
fixture(void)
{
    int                       r;
    elaaoms_extracted_list_t  l;

    /* acme's other caller: a memory of another type (test_add_and_load) */
    if (fixture_apply1(ORG, CALLER2, "conv_add", "agent_add", T0,
                       ELAAOMS_MEM_RELATIONSHIP,
                       "Has a golden retriever named Max", 4, 0.9)
        != 0)
    {
        return -1;
    }

    /* conversation 1: three new memories */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_PREFERENCE, EMAIL, 7, 0.8,
                          "email me, don't call");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_FACTUAL, OAK, 9, 0.9,
                          "I'm at 5 Oak St");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, ORDER, 6, 0.95, "");
    r = fixture_apply(ORG, CALLER, "conv_1", "agent_a", T0, &l);
    elaaoms_extracted_free(&l);
    if (r != 0) {
        return -1;
    }

    /* conversations 2 and 3 reinforce EMAIL (a duplicate, a lookalike) */
    if (fixture_apply1(ORG, CALLER, "conv_2", "agent_a", T0 + 1000,
                       ELAAOMS_MEM_PREFERENCE,
                       "prefers EMAIL over phone calls.", 5, 0.6) != 0
        || fixture_apply1(ORG, CALLER, "conv_3", "agent_a", T0 + 2000,
                          ELAAOMS_MEM_PREFERENCE,
                          "Prefers email rather than phone calls", 5, 0.99)
           != 0)
    {
        return -1;
    }

    /* conversation 4, another agent: TEXT and HARBOR supersede EMAIL and
       OAK; SPANISH is new */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_PREFERENCE, TEXT, 5, 0.9, "text me");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_FACTUAL, HARBOR, 8, 0.9, "");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_RELATIONSHIP, SPANISH, 3, 0.7, "");
    r = fixture_apply(ORG, CALLER, "conv_4", "agent_b", T0 + 86400, &l);
    elaaoms_extracted_free(&l);
    if (r != 0) {
        return -1;
    }

    /* conversation 5: back to email, then to text again */
    if (fixture_apply1(ORG, CALLER, "conv_5", "agent_b", T0 + 90000,
                       ELAAOMS_MEM_PREFERENCE, EMAIL, 7, 0.9) != 0
        || fixture_apply1(ORG, CALLER, "conv_5", "agent_b", T0 + 90000,
                          ELAAOMS_MEM_PREFERENCE, TEXT, 5, 0.9) != 0)
    {
        return -1;
    }

    /* the same caller id in another org, and another caller in ours */
    if (fixture_apply1(ORG2, CALLER, "conv_1", "agent_a", T0,
                       ELAAOMS_MEM_PREFERENCE, EMAIL, 6, 0.8) != 0
        || fixture_apply1(ORG2, CALLER, "conv_9", "agent_z", T0,
                          ELAAOMS_MEM_EMOTION, ANGRY, 4, 0.8) != 0
        || fixture_apply1(ORG, CALLER2, "conv_1", "agent_a", T0,
                          ELAAOMS_MEM_FACTUAL, "Lives at 9 Elm Road", 6, 0.8)
           != 0)
    {
        return -1;
    }

    return 0;
}


/* --- the tests ----------------------------------------------------------- */

static void
test_queries(void)
{
    elaaoms_memory_list_t   l;
    elaaoms_memory_query_t  q;

    /*
     * The caller now holds (created, importance, type, agents, convs):
     *   EMAIL    T0        7 preference  a,b   1,2,3,5  superseded
     *   OAK      T0        9 factual     a     1        superseded
     *   ORDER    T0        6 issue       a     1
     *   TEXT     T0+86400  5 preference  b     4,5
     *   HARBOR   T0+86400  8 factual     b     4
     *   SPANISH  T0+86400  3 relationship b    4
     * (ids created at the same second tie-break by id)
     */

    /* everything, newest first; then oldest first */
    elaaoms_memory_query_init(&q);
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 6);
    CHECK(l.n == 6 && l.items[0].created == T0 + 86400
          && l.items[5].created == T0);
    elaaoms_memory_list_free(&l);

    q.order = ELAAOMS_MEMORY_ORDER_OLDEST;
    l = query(ORG, CALLER, &q);
    CHECK(l.n == 6 && l.items[0].created == T0
          && l.items[5].created == T0 + 86400);
    elaaoms_memory_list_free(&l);

    /* by importance: ranked, current before superseded */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, ORDER, TEXT, SPANISH, OAK, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.current_only = 1;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, ORDER, TEXT, SPANISH, NULL));
    elaaoms_memory_list_free(&l);

    q.limit = 2;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, ORDER, NULL));
    elaaoms_memory_list_free(&l);

    /* by conversation: created or reinforced there */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.conversation_id = "conv_1";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, ORDER, OAK, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.conversation_id = "conv_5";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, TEXT, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.conversation_id = "conv_none";
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* by agent */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.agent_id = "agent_a";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, ORDER, OAK, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.agent_id = "agent_b";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, TEXT, SPANISH, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    /* by type */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.type = ELAAOMS_MEM_FACTUAL;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, OAK, NULL));
    elaaoms_memory_list_free(&l);

    q.type = ELAAOMS_MEM_EMOTION;
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* by minimum importance, in both orders */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.min_importance = 7;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, OAK, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.order = ELAAOMS_MEMORY_ORDER_NEWEST;
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 3);
    CHECK(l.n == 3 && strcmp(l.items[0].content.data, HARBOR) == 0);
    elaaoms_memory_list_free(&l);

    /* by date range (created, inclusive, either end open) */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.created_from = T0 + 1;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, TEXT, SPANISH, NULL));
    elaaoms_memory_list_free(&l);

    q.created_from = 0;
    q.created_to = T0;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, ORDER, OAK, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.created_from = T0 - 10;
    q.created_to = T0 - 1;
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* combinations */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.type = ELAAOMS_MEM_PREFERENCE;
    q.min_importance = 5;
    q.agent_id = "agent_b";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, TEXT, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.created_from = T0 + 1;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, TEXT, NULL));
    elaaoms_memory_list_free(&l);

    elaaoms_memory_query_init(&q);
    q.conversation_id = "conv_4";
    q.type = ELAAOMS_MEM_FACTUAL;
    q.min_importance = 8;
    q.created_to = T0 + 86400;
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, HARBOR, NULL));
    elaaoms_memory_list_free(&l);

    elaaoms_memory_query_init(&q);
    q.conversation_id = "conv_1";
    q.agent_id = "agent_b";
    l = query(ORG, CALLER, &q);
    CHECK(is(&l, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    /* newest first with a limit cuts before fetching */
    elaaoms_memory_query_init(&q);
    q.agent_id = "agent_a";
    q.limit = 1;
    l = query(ORG, CALLER, &q);
    CHECK_INT_EQ(l.n, 1);
    elaaoms_memory_list_free(&l);

    /* invalid queries are refused */
    elaaoms_memory_query_init(&q);
    q.type = ELAAOMS_MEM_NTYPES;
    CHECK_INT_EQ(elaaoms_memory_store_query(rh, ORG, CALLER, &q, &l, err,
                                            sizeof(err)), -1);
    elaaoms_memory_query_init(&q);
    q.conversation_id = "a:b";
    CHECK_INT_EQ(elaaoms_memory_store_query(rh, ORG, CALLER, &q, &l, err,
                                            sizeof(err)), -1);
}


static void
test_query_isolation(void)
{
    elaaoms_memory_list_t   l;
    elaaoms_memory_query_t  q;

    /* queries too: conv_1 of globex has only globex's memory */
    elaaoms_memory_query_init(&q);
    q.conversation_id = "conv_1";
    l = query(ORG2, CALLER, &q);
    CHECK(is(&l, EMAIL, NULL));
    elaaoms_memory_list_free(&l);

    q.conversation_id = NULL;
    q.type = ELAAOMS_MEM_FACTUAL;
    l = query(ORG, CALLER2, &q);
    CHECK(is(&l, "Lives at 9 Elm Road", NULL));
    elaaoms_memory_list_free(&l);
}


static void
test_gdpr_delete(void)
{
    size_t                 deleted, before_other, before_org2;
    char                   pattern[ELAAOMS_MEMORY_KEY_MAX + 1];
    elaaoms_memory_list_t  l;

    elaaoms_memory_key(pattern, sizeof(pattern) - 1, ORG, CALLER, "*");

    /* some other component's key under the caller's tag */
    freeReplyObject(redisCommand(rc, "SET %s cached",
                                 key(ORG, CALLER, "context")));

    CHECK(scan_count(pattern) >= 15);
    before_other = scan_count("elaaoms:" ORG ":{" ORG ":" CALLER2 "}:*");
    before_org2 = scan_count("elaaoms:" ORG2 ":*");
    CHECK(before_other > 0 && before_org2 > 0);
    CHECK_INT_EQ(r_int("SISMEMBER elaaoms:" ORG ":callers %s", CALLER), 1);

    CHECK_INT_EQ(elaaoms_memory_store_delete_caller(rh, ORG, CALLER,
                                                    &deleted, err,
                                                    sizeof(err)), 0);
    printf("memory_query: GDPR delete removed %zu keys\n", deleted);

    CHECK_INT_EQ(scan_count(pattern), 0);
    /* the same caller id in globex keeps every key */
    CHECK_INT_EQ(scan_count("*" CALLER "*"),
                 scan_count("elaaoms:" ORG2 ":{" ORG2 ":" CALLER "}:*"));
    CHECK(scan_count("*" CALLER "*") > 0);
    CHECK(deleted >= 15);
    CHECK_INT_EQ(r_int("SISMEMBER elaaoms:" ORG ":callers %s", CALLER), 0);
    CHECK_INT_EQ(r_int("SISMEMBER elaaoms:" ORG2 ":callers %s", CALLER), 1);
    CHECK_INT_EQ(r_int("SISMEMBER elaaoms:" ORG ":callers %s", CALLER2), 1);

    /* nobody else lost anything */
    CHECK_INT_EQ(scan_count("elaaoms:" ORG ":{" ORG ":" CALLER2 "}:*"),
                 before_other);
    CHECK_INT_EQ(scan_count("elaaoms:" ORG2 ":*"), before_org2);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* deleting again is fine */
    CHECK_INT_EQ(elaaoms_memory_store_delete_caller(rh, ORG, CALLER,
                                                    &deleted, err,
                                                    sizeof(err)), 0);
    CHECK_INT_EQ(deleted, 0);
}


/*
 * By agent: every agent that created or reinforced a memory has it, as
 * search and the pre-call contexts see it (the record's agents); an
 * agent dropped from a record past ELAAOMS_MEMORY_MAX_AGENTS no longer
 * has it, though its set still lists it; a version-1 record names its
 * latest agent only, and the set answers for the others.
 */
#define CALLER3  "+14155550166"
#define NAME     "Caller's name is Maria Lopez"
#define LATEST   "Order XYZ-789 is the latest order"

static void
test_query_agent_sets(void)
{
    int                       i;
    char                      conv[32], agent[32];
    long                      n;
    size_t                    len;
    unsigned char            *blob, v1[1024];
    elaaoms_memory_list_t     l;
    elaaoms_memory_query_t    q;
    elaaoms_memory_record_t   r;

    CHECK_INT_EQ(fixture_apply1(ORG, CALLER3, "conv_s0", "agent_support",
                                T0, ELAAOMS_MEM_FACTUAL, NAME, 6, 0.9), 0);
    CHECK_INT_EQ(fixture_apply1(ORG, CALLER3, "conv_s1", "agent_support",
                                T0 + 5, ELAAOMS_MEM_FACTUAL, LATEST, 7, 0.9),
                 0);
    CHECK_INT_EQ(fixture_apply1(ORG, CALLER3, "conv_b1", "agent_billing",
                                T0 + 10, ELAAOMS_MEM_FACTUAL, NAME, 6, 0.9),
                 0);
    CHECK_INT_EQ(fixture_apply1(ORG, CALLER3, "conv_b1", "agent_billing",
                                T0 + 10, ELAAOMS_MEM_FACTUAL, LATEST, 7, 0.9),
                 0);

    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.agent_id = "agent_support";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, LATEST, NAME, NULL));
    CHECK(l.n == 2 && strcmp(l.items[0].agent_id.data, "agent_billing") == 0);
    elaaoms_memory_list_free(&l);

    q.agent_id = "agent_billing";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, LATEST, NAME, NULL));
    elaaoms_memory_list_free(&l);

    q.agent_id = "agent_sales";
    l = query(ORG, CALLER3, &q);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* sixteen more agents confirm the order: support and billing drop
       out of its record, not out of the name's */
    for (i = 0; i < ELAAOMS_MEMORY_MAX_AGENTS; i++) {
        snprintf(conv, sizeof(conv), "conv_e%d", i);
        snprintf(agent, sizeof(agent), "agent_e%02d", i);
        CHECK_INT_EQ(fixture_apply1(ORG, CALLER3, conv, agent, T0 + 100 + i,
                                    ELAAOMS_MEM_FACTUAL, LATEST, 7, 0.9), 0);
    }

    q.agent_id = "agent_support";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, NAME, NULL));
    elaaoms_memory_list_free(&l);
    CHECK_INT_EQ(r_int("SCARD %s", key(ORG, CALLER3, "agent:agent_support")),
                 2);

    /* the newest of support's set is the order, which its record no
       longer names: a limit does not cut the answer before the check */
    q.order = ELAAOMS_MEMORY_ORDER_NEWEST;
    q.limit = 1;
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, NAME, NULL));
    elaaoms_memory_list_free(&l);
    q.limit = 0;
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;

    q.agent_id = "agent_e00";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, LATEST, NULL));
    elaaoms_memory_list_free(&l);

    /* a version-1 record: its set answers for the agents before */
    memset(&r, 0, sizeof(r));
    r.id = elaaoms_mstr("0000cccc0000000000c1");
    r.org = elaaoms_mstr(ORG);
    r.caller = elaaoms_mstr(CALLER3);
    r.conversation_id = elaaoms_mstr("conv_v1");
    r.agent_id = elaaoms_mstr("agent_v1first");
    r.content = elaaoms_mstr("Prefers paper statements");
    r.source_quote = elaaoms_mstr("");
    r.embed_model = elaaoms_mstr("");
    r.type = ELAAOMS_MEM_PREFERENCE;
    r.importance = 5;
    r.created = T0;
    r.last_reinforced = T0;
    r.confidence = 0.8f;
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &r, err, sizeof(err)), 0);
    r.agent_id = elaaoms_mstr("agent_v1latest");
    CHECK_INT_EQ(elaaoms_memory_record_encode_alloc(&r, &blob, &len), 0);
    n = (long) len - 1;          /* without the (empty) agent count */
    memcpy(v1, blob, n);
    v1[1] = ELAAOMS_MEMORY_RECORD_V1;
    free(blob);
    freeReplyObject(redisCommand(rc, "HSET %s %s %b",
                                 key(ORG, CALLER3, "index"),
                                 "0000cccc0000000000c1", v1, (size_t) n));
    CHECK_INT_EQ(r_int("SADD %s 0000cccc0000000000c1",
                       key(ORG, CALLER3, "agent:agent_v1latest")), 1);

    q.agent_id = "agent_v1first";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, "Prefers paper statements", NULL));
    CHECK(l.n == 1 && l.items[0].version == ELAAOMS_MEMORY_RECORD_V1);
    elaaoms_memory_list_free(&l);

    q.agent_id = "agent_v1latest";
    l = query(ORG, CALLER3, &q);
    CHECK(is(&l, "Prefers paper statements", NULL));
    elaaoms_memory_list_free(&l);
}


int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    if (start_redis() != 0) {
        CHECK(!"redis-server could not be started: the memory query tests "
               "need it on PATH");
        stop_redis();
        return UNIT_DONE("memory_query");
    }

    if (fixture() != 0) {
        CHECK(!"the fixture could not be written");
        stop_redis();
        return UNIT_DONE("memory_query");
    }

    test_queries();
    test_query_isolation();
    test_query_agent_sets();
    test_gdpr_delete();     /* last: it erases the caller queried above */

    stop_redis();

    return UNIT_DONE("memory_query");
}
