/*
 * The memory store over a record's life beyond the first write, against a
 * real Redis: the rules and agents of later writes, records an older
 * worker wrote (upgraded on the next write)
 * and an erasure that lands while a worker holds the caller (the
 * tombstone).  Starts its own redis-server like test_memory_store.c.
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
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "unit.h"

#define UNIT_REDIS_NAME  "memory_store_lifecycle"
#include "unit_redis.h"
#include "search/embed.h"
#include "store/caller_erase.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "unit_memory.h"
#include "unit_record.h"


/*
 * Every memory goes through extract/memory_rules.h on its way in, and a
 * reinforcement by another agent adds that agent: the memory belongs to
 * each agent that created or reinforced it.
 */
#define CALLER_R  "+14155550177"

static void
test_apply_rules_and_agents(void)
{
    elaaoms_memory_list_t            l;
    elaaoms_extracted_list_t         x;
    elaaoms_memory_apply_counts_t    c;
    const elaaoms_memory_record_t   *m;

    memset(&x, 0, sizeof(x));
    elaaoms_extracted_add(&x, ELAAOMS_MEM_FACTUAL,
                          "Caller's name is Maria Lopez.", 6, 0.9, "q");
    elaaoms_extracted_add(&x, ELAAOMS_MEM_FACTUAL,
                          "Order number XYZ-789 is the latest order.", 7,
                          0.9, "q");
    elaaoms_extracted_add(&x, ELAAOMS_MEM_FACTUAL,
                          "Has a severe peanut allergy.", 3, 0.9, "q");
    c = apply(ORG, CALLER_R, "conv_r1", "agent_support", T0, &x);
    CHECK_INT_EQ(c.stored, 3);

    /* billing's call repeats the name and the order */
    c = apply(ORG, CALLER_R, "conv_r2", "agent_billing", T0 + 100, &x);
    CHECK_INT_EQ(c.duplicates, 3);
    elaaoms_extracted_free(&x);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER_R, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 3);

    m = find(&l, "Caller's name is Maria Lopez.");
    CHECK(m != NULL);
    if (m) {
        CHECK(m->flags & ELAAOMS_MEMORY_F_IDENTITY);
        CHECK_INT_EQ(m->importance, 6);
        CHECK_INT_EQ(m->version, ELAAOMS_MEMORY_RECORD_VERSION);
        CHECK_STR_EQ(m->agent_id.data, "agent_billing");
        CHECK_INT_EQ(m->nprior_agents, 1);
        CHECK(m->nprior_agents == 1
              && strcmp(m->prior_agents[0].data, "agent_support") == 0);
    }

    m = find(&l, "Order number XYZ-789 is the latest order.");
    CHECK(m != NULL);
    if (m) {
        CHECK(!(m->flags & ELAAOMS_MEMORY_F_IDENTITY));
        CHECK(elaaoms_memory_record_has_agent(m,
                                              elaaoms_mstr("agent_support")));
        CHECK(elaaoms_memory_record_has_agent(m,
                                              elaaoms_mstr("agent_billing")));
        CHECK_INT_EQ(r_int("SISMEMBER %s %s",
                           key(ORG, CALLER_R, "agent:agent_support"),
                           m->id.data), 1);
        CHECK_INT_EQ(r_int("SISMEMBER %s %s",
                           key(ORG, CALLER_R, "agent:agent_billing"),
                           m->id.data), 1);
    }

    /* health and safety: raised to 8 whatever the extractor said */
    m = find(&l, "Has a severe peanut allergy.");
    CHECK(m != NULL && m->importance == 8 && m->shareable);
    elaaoms_memory_list_free(&l);

    /* a call without an agent confirms the order: the agents stay */
    apply1(ORG, CALLER_R, "conv_r3", NULL, T0 + 200, ELAAOMS_MEM_FACTUAL,
           "Order number XYZ-789 is the latest order.", 7, 0.9);
    /* the same conversation again (a replayed job) changes nothing */
    apply1(ORG, CALLER_R, "conv_r3", NULL, T0 + 200, ELAAOMS_MEM_FACTUAL,
           "Order number XYZ-789 is the latest order.", 7, 0.9);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER_R, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, "Order number XYZ-789 is the latest order.");
    CHECK(m != NULL);
    if (m) {
        CHECK_STR_EQ(m->conversation_id.data, "conv_r3");
        CHECK_STR_EQ(m->agent_id.data, "agent_billing");
        CHECK_INT_EQ(m->nprior_agents, 1);
        CHECK_INT_EQ(m->reinforcement_count, 2);
    }
    elaaoms_memory_list_free(&l);
}


/*
 * Records of the first version: a memory one agent created and another
 * reinforced named only the latter, the agent sets both.  The next write
 * of the caller rewrites it as version 2 with both agents and through
 * the rules (a health fact stored before them is raised).
 */
static void
test_apply_upgrades_old_records(void)
{
    long                            n;
    size_t                          len;
    unsigned char                  *blob, v1[1024];
    elaaoms_memory_list_t           l;
    elaaoms_memory_record_t         r;
    const elaaoms_memory_record_t  *m;

    memset(&r, 0, sizeof(r));
    r.id = elaaoms_mstr("0000bbbb0000000000b1");
    r.org = elaaoms_mstr(ORG);
    r.caller = elaaoms_mstr(CALLER_R);
    r.conversation_id = elaaoms_mstr("conv_old1");
    r.agent_id = elaaoms_mstr("agent_first");
    r.content = elaaoms_mstr("Is diabetic.");
    r.source_quote = elaaoms_mstr("");
    r.embed_model = elaaoms_mstr("");
    r.type = ELAAOMS_MEM_FACTUAL;
    r.importance = 4;
    r.created = T0;
    r.last_reinforced = T0;
    r.confidence = 0.8f;
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &r, err, sizeof(err)), 0);

    /* then the first release's reinforcement by agent_old: the sets
       gained it, the record named it alone (version 1) */
    r.conversation_id = elaaoms_mstr("conv_old2");
    r.agent_id = elaaoms_mstr("agent_old");
    CHECK_INT_EQ(elaaoms_memory_record_encode_alloc(&r, &blob, &len), 0);
    CHECK_INT_EQ(blob[len - 1], 0);    /* the empty agent count */
    n = (long) len - 1;
    memcpy(v1, blob, n);
    v1[1] = ELAAOMS_MEMORY_RECORD_V1;
    free(blob);
    freeReplyObject(redisCommand(rc, "HSET %s %s %b",
                                 key(ORG, CALLER_R, "index"),
                                 "0000bbbb0000000000b1", v1, (size_t) n));
    CHECK_INT_EQ(r_int("SADD %s 0000bbbb0000000000b1",
                       key(ORG, CALLER_R, "agent:agent_old")), 1);
    CHECK_INT_EQ(r_int("SADD %s agent_old", key(ORG, CALLER_R, "agents")),
                 1);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER_R, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, "Is diabetic.");
    CHECK(m != NULL && m->version == ELAAOMS_MEMORY_RECORD_V1);
    CHECK(m != NULL
          && !elaaoms_memory_record_has_agent(m,
                                              elaaoms_mstr("agent_first")));
    elaaoms_memory_list_free(&l);

    /* any write of the caller upgrades it */
    apply1(ORG, CALLER_R, "conv_r4", "agent_new", T0 + 300,
           ELAAOMS_MEM_PREFERENCE, "Prefers paper invoices.", 5, 0.9);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER_R, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, "Is diabetic.");
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->version, ELAAOMS_MEMORY_RECORD_VERSION);
        CHECK_STR_EQ(m->agent_id.data, "agent_old");
        CHECK_INT_EQ(m->nprior_agents, 1);
        CHECK(elaaoms_memory_record_has_agent(m,
                                              elaaoms_mstr("agent_first")));
        CHECK(!elaaoms_memory_record_has_agent(m,
                                               elaaoms_mstr("agent_new")));
        /* the rules apply to what was stored before them */
        CHECK_INT_EQ(m->importance, 8);
        CHECK_INT_EQ(m->reinforcement_count, 0);
    }
    /* the other records were version 2 already */
    m = find(&l, "Caller's name is Maria Lopez.");
    CHECK(m != NULL && m->version == ELAAOMS_MEMORY_RECORD_VERSION);
    elaaoms_memory_list_free(&l);

    /* confirmed: one more agent */
    apply1(ORG, CALLER_R, "conv_r5", "agent_new", T0 + 400,
           ELAAOMS_MEM_FACTUAL, "Is diabetic.", 5, 0.9);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER_R, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, "Is diabetic.");
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->importance, 8);
        CHECK_STR_EQ(m->agent_id.data, "agent_new");
        CHECK_INT_EQ(m->nprior_agents, 2);
        CHECK(m->nprior_agents == 2
              && strcmp(m->prior_agents[0].data, "agent_first") == 0
              && strcmp(m->prior_agents[1].data, "agent_old") == 0);
    }
    elaaoms_memory_list_free(&l);
}

/*
 * An erasure while a worker holds the caller: a tombstone set between the
 * load and the commit makes the commit write nothing, not even the org's
 * caller directory entry (for one set between the commit's check and its
 * EXEC, see test_erase_race).
 */
#define TOMB_CALLER  "+15550009999"

/* a factual memory of caller, written at T0 */
static void
fact(elaaoms_memory_record_t *rec, const char *id, const char *caller,
    const char *conv, const char *content)
{
    unit_record(rec, id, ORG, caller, conv, "", ELAAOMS_MEM_FACTUAL, 5, T0,
                content);
    rec->reinforcement_count = 0;
    rec->confidence = 0.5f;
}

static void
test_tombstone(void)
{
    char                            tomb[ELAAOMS_KEY_MAX];
    char                            cdir[ELAAOMS_KEY_MAX];
    redisContext                   *other;
    elaaoms_memory_list_t           l;
    elaaoms_memory_record_t         rec;
    elaaoms_memory_apply_counts_t   c;
    const elaaoms_memory_record_t  *recp = &rec;

    CHECK(elaaoms_key_tombstone(tomb, sizeof(tomb), ORG, TOMB_CALLER) > 0);
    CHECK(elaaoms_key_org(cdir, sizeof(cdir), ORG, "callers") > 0);

    fact(&rec, "eeeeeeee000000000001", TOMB_CALLER, "conv_tomb",
         "Lives on Tombstone Lane");

    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, TOMB_CALLER, &l,
                                                 err, sizeof(err)), 0);
    elaaoms_memory_list_free(&l);

    other = connect_redis();
    CHECK(other != NULL);
    if (other) {
        freeReplyObject(redisCommand(other, "SET %s 1 EX 60", tomb));
        redisFree(other);
    }

    /* "committed": nothing to retry, nothing written */
    CHECK_INT_EQ(elaaoms_memory_store_commit(rh, ORG, TOMB_CALLER, &recp, 1,
                                             err, sizeof(err)), 1);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, TOMB_CALLER, "index")), 0);
    CHECK_INT_EQ(r_int("SISMEMBER %s %s", cdir, TOMB_CALLER), 0);

    /* and the worker's whole apply stores nothing either */
    c = apply1(ORG, TOMB_CALLER, "conv_tomb2", "agent_a", T0,
               ELAAOMS_MEM_FACTUAL, "Owns a tombstone parrot", 5, 0.8);
    (void) c;
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, TOMB_CALLER, "index")), 0);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, TOMB_CALLER, "by_time")), 0);

    /* another caller is not affected */
    c = apply1(ORG, "+15550009998", "conv_tomb3", "agent_a", T0,
               ELAAOMS_MEM_FACTUAL, "Owns a living parrot", 5, 0.8);
    CHECK_INT_EQ(c.stored, 1);
}


/*
 * The same race, later: the erasure lands after the commit read no
 * tombstone, before its EXEC.  The store WATCHes the caller's index only
 * (the tombstone is in the org's slot); the erasure's second step writes
 * and deletes that index in one MULTI (elaaoms_caller_erase_touch), which
 * must abort the commit even when the caller had no memory yet (a DEL of
 * a missing key alone would not), and the retry then finds the tombstone.
 * Here the commit starts its MULTI after the touch; with the index
 * watched since before, EXEC fails the same way as in between.
 */
#define RACE_CALLER  "+15550009997"

static void
test_erase_race(void)
{
    char                            tomb[ELAAOMS_KEY_MAX];
    elaaoms_redis_t                *other;
    elaaoms_memory_list_t           l;
    elaaoms_memory_record_t         rec;
    const elaaoms_memory_record_t  *recp = &rec;

    CHECK(elaaoms_key_tombstone(tomb, sizeof(tomb), ORG, RACE_CALLER) > 0);

    fact(&rec, "eeeeeeee000000000002", RACE_CALLER, "conv_race",
         "Lives on Race Street");

    /* a caller without memories: the index does not exist when watched */
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, RACE_CALLER, "index")), 0);
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, RACE_CALLER, &l,
                                                 err, sizeof(err)), 0);
    elaaoms_memory_list_free(&l);

    /* the erasure's touch, its tombstone not visible to the commit yet */
    other = connect_handle();
    CHECK(other != NULL);
    if (other) {
        CHECK_INT_EQ(elaaoms_caller_erase_touch(other, ORG, RACE_CALLER, err,
                                                sizeof(err)), 0);
    }

    /* aborted: nothing written, "load again" */
    CHECK_INT_EQ(elaaoms_memory_store_commit(rh, ORG, RACE_CALLER, &recp, 1,
                                             err, sizeof(err)), 0);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, RACE_CALLER, "index")), 0);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, RACE_CALLER, "version")), 0);

    /* the retry, the tombstone set meanwhile: nothing written either */
    if (other) {
        freeReplyObject(elaaoms_redis_command(other, "SET %s 1 EX 60", tomb));
        elaaoms_redis_free(other);
    }
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, RACE_CALLER, &l,
                                                 err, sizeof(err)), 0);
    elaaoms_memory_list_free(&l);
    CHECK_INT_EQ(elaaoms_memory_store_commit(rh, ORG, RACE_CALLER, &recp, 1,
                                             err, sizeof(err)), 1);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, RACE_CALLER, "index")), 0);

    /* without the touch, the same commit goes through (the check above
     * is not vacuous) */
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, "+15550009996", &l,
                                                 err, sizeof(err)), 0);
    elaaoms_memory_list_free(&l);
    rec.caller = elaaoms_mstr("+15550009996");
    CHECK_INT_EQ(elaaoms_memory_store_commit(rh, ORG, "+15550009996", &recp,
                                             1, err, sizeof(err)), 1);
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, "+15550009996", "index")), 1);
}


int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    if (start_redis() != 0) {
        CHECK(!"redis-server could not be started: the memory store tests "
               "need it on PATH");
        stop_redis();
        return UNIT_DONE("memory_store_lifecycle");
    }

    test_apply_rules_and_agents();
    test_apply_upgrades_old_records();
    test_tombstone();
    test_erase_race();

    stop_redis();

    return UNIT_DONE("memory_store_lifecycle");
}
