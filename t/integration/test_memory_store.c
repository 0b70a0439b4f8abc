/*
 * The memory store's writes against a real Redis (add, load, reinforce,
 * dedup, atomicity, concurrent writers, vectors; the queries and the
 * GDPR erasure are test_memory_query.c's): this test starts its own
 * redis-server on a free 127.0.0.1 port (no persistence) and kills it at
 * the end.
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

#define UNIT_REDIS_NAME  "memory_store"
#include "unit_redis.h"
#include "search/embed.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "unit_memory.h"
#include "unit_record.h"


/* --- the tests ----------------------------------------------------------- */

#define EMAIL     "Prefers email over phone calls"
#define OAK       "Lives at 5 Oak St"
#define ORDER     "Order XYZ-789 arrived damaged"
#define TEXT      "Prefers text messages now instead of email"
#define HARBOR    "New address is 12 Harbor Lane"
#define SPANISH   "Speaks Spanish at home with family"
#define ANGRY     "Was frustrated about the repeated delays"


static void
test_add_and_load(void)
{
    float                     v[ELAAOMS_EMBED_DIM];
    long                      n;
    unsigned char             q8[ELAAOMS_EMBED_DIM], enc[2048];
    redisReply               *r;
    elaaoms_memory_list_t     l;
    elaaoms_memory_record_t   rec;

    memset(&rec, 0, sizeof(rec));
    rec.id = elaaoms_mstr("0000aaaa0000000000a1");
    rec.org = elaaoms_mstr(ORG);
    rec.caller = elaaoms_mstr(CALLER2);
    rec.conversation_id = elaaoms_mstr("conv_add");
    rec.agent_id = elaaoms_mstr("agent_add");
    rec.content = elaaoms_mstr("Has a golden retriever named Max");
    rec.type = ELAAOMS_MEM_RELATIONSHIP;
    rec.importance = 4;
    rec.confidence = 0.9f;
    rec.created = T0;
    rec.last_reinforced = T0;
    rec.embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    elaaoms_embed_text(rec.content.data, rec.content.len, v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8);
    rec.dim = ELAAOMS_EMBED_DIM;
    rec.vec_q8 = q8;

    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), 0);

    /* the hash holds exactly the encoding; every index names the id */
    n = elaaoms_memory_record_encode(&rec, enc, sizeof(enc));
    r = redisCommand(rc, "HGET %s %s", key(ORG, CALLER2, "index"),
                     rec.id.data);
    CHECK(r && r->type == REDIS_REPLY_STRING && r->len == (size_t) n
          && memcmp(r->str, enc, n) == 0);
    if (r) {
        freeReplyObject(r);
    }

    CHECK_INT_EQ(r_int("ZSCORE %s %s", key(ORG, CALLER2, "by_time"),
                       rec.id.data) == -1, 1);  /* a bulk string, not int */
    r = redisCommand(rc, "ZSCORE %s %s", key(ORG, CALLER2, "by_time"),
                     rec.id.data);
    CHECK(r && r->type == REDIS_REPLY_STRING && atoll(r->str) == T0);
    if (r) {
        freeReplyObject(r);
    }
    r = redisCommand(rc, "ZSCORE %s %s", key(ORG, CALLER2, "by_importance"),
                     rec.id.data);
    CHECK(r && r->type == REDIS_REPLY_STRING && atoi(r->str) == 4);
    if (r) {
        freeReplyObject(r);
    }

    CHECK_INT_EQ(r_int("SISMEMBER %s %s",
                       key(ORG, CALLER2, "type:relationship"), rec.id.data),
                 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s %s", key(ORG, CALLER2, "agent:agent_add"),
                       rec.id.data), 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s %s",
                       key(ORG, CALLER2, "conversation:conv_add"),
                       rec.id.data), 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s agent_add", key(ORG, CALLER2, "agents")),
                 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s conv_add",
                       key(ORG, CALLER2, "conversations")), 1);
    CHECK_INT_EQ(r_int("SISMEMBER elaaoms:" ORG ":callers %s", CALLER2), 1);

    /* one HGETALL gives it back */
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER2, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 1);
    CHECK_INT_EQ(l.bad, 0);
    if (l.n == 1) {
        CHECK_STR_EQ(l.items[0].content.data, rec.content.data);
        CHECK_STR_EQ(l.items[0].id.data, rec.id.data);
        CHECK(memcmp(l.items[0].vec_q8, q8, ELAAOMS_EMBED_DIM) == 0);
    }
    elaaoms_memory_list_free(&l);

    /* refusals: bad org, caller, invalid record */
    rec.org = elaaoms_mstr("ac{me");
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), -1);
    rec.org = elaaoms_mstr(ORG);
    rec.caller = elaaoms_mstr("+1}x");
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), -1);
    rec.caller = elaaoms_mstr(CALLER2);
    rec.importance = 0;
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), -1);
    rec.importance = 4;
    rec.conversation_id = elaaoms_mstr("../x");
    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), -1);

    /* an unknown caller loads empty */
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, "+15550000000", &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* the connection is still in step after the refusals */
    CHECK_INT_EQ(r_int("EXISTS %s", key(ORG, CALLER2, "index")), 1);
}


static void
test_store_reinforce(void)
{
    elaaoms_memory_list_t            l;
    const elaaoms_memory_record_t   *m;
    elaaoms_memory_reinforce_req_t   req = {
        .org = ORG, .caller = CALLER2, .id = "0000aaaa0000000000a1",
        .conversation_id = "conv_again", .agent_id = "agent_two",
        .confidence = 0.5f, .importance = 6, .now = T0 + 100
    };

    CHECK_INT_EQ(elaaoms_memory_store_reinforce(rh, &req, err, sizeof(err)),
                 0);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER2, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, "Has a golden retriever named Max");
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->reinforcement_count, 1);
        CHECK_INT_EQ(m->last_reinforced, T0 + 100);
        CHECK_INT_EQ(m->created, T0);
        CHECK_STR_EQ(m->conversation_id.data, "conv_again");
        CHECK_STR_EQ(m->agent_id.data, "agent_two");
        CHECK_INT_EQ(m->importance, 6);
        CHECK(m->confidence > 0.9f && m->confidence <= 0.91f + 1e-6);
    }
    elaaoms_memory_list_free(&l);

    /* both conversations and agents now list it; importance moved */
    CHECK_INT_EQ(r_int("SISMEMBER %s 0000aaaa0000000000a1",
                       key(ORG, CALLER2, "conversation:conv_add")), 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s 0000aaaa0000000000a1",
                       key(ORG, CALLER2, "conversation:conv_again")), 1);
    CHECK_INT_EQ(r_int("SISMEMBER %s 0000aaaa0000000000a1",
                       key(ORG, CALLER2, "agent:agent_two")), 1);

    req = (elaaoms_memory_reinforce_req_t) {
        .org = ORG, .caller = CALLER2, .id = "nosuchmemory",
        .conversation_id = "conv_x", .agent_id = NULL,
        .confidence = 0.5f, .importance = 5, .now = T0
    };
    CHECK_INT_EQ(elaaoms_memory_store_reinforce(rh, &req, err, sizeof(err)),
                 1);
}


static void
test_apply(void)
{
    size_t                           i;
    elaaoms_extracted_list_t         l;
    elaaoms_memory_list_t            all;
    elaaoms_memory_apply_counts_t    c;
    const elaaoms_memory_record_t   *m, *old, *neu;

    /* conversation 1: three new memories */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_PREFERENCE, EMAIL, 7, 0.8,
                          "email me, don't call");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_FACTUAL, OAK, 9, 0.9,
                          "I'm at 5 Oak St");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, ORDER, 6, 0.95, "");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, "", 6, 0.95, "");  /* bad */
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, "x", 11, 0.95, ""); /* bad */
    c = apply(ORG, CALLER, "conv_1", "agent_a", T0, &l);
    elaaoms_extracted_free(&l);

    CHECK_INT_EQ(c.stored, 3);
    CHECK_INT_EQ(c.invalid, 2);
    CHECK_INT_EQ(c.reinforced + c.duplicates + c.conflicts, 0);
    CHECK_INT_EQ(r_int("HLEN %s", key(ORG, CALLER, "index")), 3);

    /* conversation 2: an exact duplicate is never stored twice */
    c = apply1(ORG, CALLER, "conv_2", "agent_a", T0 + 1000,
               ELAAOMS_MEM_PREFERENCE, "prefers EMAIL over phone calls.", 5,
               0.6);
    CHECK_INT_EQ(c.duplicates, 1);
    CHECK_INT_EQ(c.stored, 0);
    CHECK_INT_EQ(r_int("HLEN %s", key(ORG, CALLER, "index")), 3);

    /* conversation 3: similar (cosine 0.885 >= 0.85): reinforced */
    c = apply1(ORG, CALLER, "conv_3", "agent_a", T0 + 2000,
               ELAAOMS_MEM_PREFERENCE, "Prefers email rather than phone calls",
               5, 0.99);
    CHECK_INT_EQ(c.reinforced, 1);
    CHECK_INT_EQ(c.stored, 0);
    CHECK_INT_EQ(r_int("HLEN %s", key(ORG, CALLER, "index")), 3);

    /* replaying conversation 3 (a retried job) changes nothing */
    c = apply1(ORG, CALLER, "conv_3", "agent_a", T0 + 2500,
               ELAAOMS_MEM_PREFERENCE, "Prefers email rather than phone calls",
               5, 0.99);
    CHECK_INT_EQ(c.reinforced, 1);

    /* below the threshold (0.78): a memory of its own */
    c = apply1(ORG, CALLER, "conv_3", "agent_a", T0 + 2000,
               ELAAOMS_MEM_PREFERENCE,
               "Would rather get email than phone calls", 5, 0.7);
    CHECK_INT_EQ(c.stored, 1);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &all, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(all.n, 4);
    m = find(&all, EMAIL);
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->reinforcement_count, 2);    /* conv_2 and conv_3 */
        CHECK_INT_EQ(m->created, T0);
        CHECK_INT_EQ(m->last_reinforced, T0 + 2000);
        CHECK_STR_EQ(m->conversation_id.data, "conv_3");
        CHECK_INT_EQ(m->importance, 7);
        /* 0.8 -> 0.82 (conv_2), then max(0.82, 0.99) -> 0.991 (conv_3) */
        CHECK(m->confidence > 0.99f && m->confidence < 0.992f);
        CHECK_STR_EQ(m->source_quote.data, "email me, don't call");
        CHECK_INT_EQ(m->dim, ELAAOMS_EMBED_DIM);
        CHECK_STR_EQ(m->embed_model.data, ELAAOMS_EMBED_MODEL);
    }
    elaaoms_memory_list_free(&all);

    /* the extra memory goes away again: the caller keeps the six memories
       test_isolation() expects (test_memory_query.c's fixture) */
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &all, err,
                                           sizeof(err)), 0);
    m = find(&all, "Would rather get email than phone calls");
    if (m) {
        redisReply *r;
        r = redisCommand(rc, "MULTI");          freeReplyObject(r);
        r = redisCommand(rc, "HDEL %s %s", key(ORG, CALLER, "index"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "ZREM %s %s", key(ORG, CALLER, "by_time"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "ZREM %s %s", key(ORG, CALLER, "by_importance"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "SREM %s %s", key(ORG, CALLER, "type:preference"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "SREM %s %s", key(ORG, CALLER, "agent:agent_a"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "SREM %s %s",
                         key(ORG, CALLER, "conversation:conv_3"),
                         m->id.data);           freeReplyObject(r);
        r = redisCommand(rc, "EXEC");           freeReplyObject(r);
    }
    elaaoms_memory_list_free(&all);

    /* conversation 4, another agent: both product examples conflict */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_PREFERENCE, TEXT, 5, 0.9, "text me");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_FACTUAL, HARBOR, 8, 0.9, "");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_RELATIONSHIP, SPANISH, 3, 0.7, "");
    c = apply(ORG, CALLER, "conv_4", "agent_b", T0 + 86400, &l);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.conflicts, 2);
    CHECK_INT_EQ(c.stored, 1);
    CHECK_INT_EQ(r_int("HLEN %s", key(ORG, CALLER, "index")), 6);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &all, err,
                                           sizeof(err)), 0);

    for (i = 0; i < 2; i++) {
        old = find(&all, i == 0 ? EMAIL : OAK);
        neu = find(&all, i == 0 ? TEXT : HARBOR);
        CHECK(old != NULL && neu != NULL);
        if (old == NULL || neu == NULL) {
            continue;
        }
        /* links both ways; the old one kept, flagged */
        CHECK(elaaoms_memory_record_has_conflict(old, neu->id));
        CHECK(elaaoms_memory_record_has_conflict(neu, old->id));
        CHECK(old->flags & ELAAOMS_MEMORY_F_SUPERSEDED);
        CHECK(!(neu->flags & ELAAOMS_MEMORY_F_SUPERSEDED));
        CHECK_INT_EQ(neu->nconflicts, 1);
        CHECK_INT_EQ(old->nconflicts, 1);
    }

    /* ranked: the newer first even though the old address mattered more */
    elaaoms_memory_records_rank(all.items, all.n);
    CHECK_STR_EQ(all.items[0].content.data, HARBOR);
    CHECK(all.items[all.n - 1].flags & ELAAOMS_MEMORY_F_SUPERSEDED);
    CHECK(all.items[all.n - 2].flags & ELAAOMS_MEMORY_F_SUPERSEDED);
    elaaoms_memory_list_free(&all);

    /* the caller goes back to email: reinstated, text superseded */
    c = apply1(ORG, CALLER, "conv_5", "agent_b", T0 + 90000,
               ELAAOMS_MEM_PREFERENCE, EMAIL, 7, 0.9);
    CHECK_INT_EQ(c.duplicates, 1);
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &all, err,
                                           sizeof(err)), 0);
    old = find(&all, TEXT);
    neu = find(&all, EMAIL);
    CHECK(old && neu && (old->flags & ELAAOMS_MEMORY_F_SUPERSEDED)
          && !(neu->flags & ELAAOMS_MEMORY_F_SUPERSEDED)
          && neu->reinforcement_count == 3);
    elaaoms_memory_list_free(&all);

    /* back to text: the conflict's outcome test_memory_query.c queries */
    c = apply1(ORG, CALLER, "conv_5", "agent_b", T0 + 90000,
               ELAAOMS_MEM_PREFERENCE, TEXT, 5, 0.9);
    CHECK_INT_EQ(c.duplicates, 1);
}


static void
test_isolation(void)
{
    size_t                          i;
    elaaoms_memory_list_t           l;
    elaaoms_memory_apply_counts_t   c;

    /* the same caller id in another org, and another caller in ours */
    c = apply1(ORG2, CALLER, "conv_1", "agent_a", T0, ELAAOMS_MEM_PREFERENCE,
               EMAIL, 6, 0.8);
    CHECK_INT_EQ(c.stored, 1);    /* never a duplicate of acme's */
    c = apply1(ORG2, CALLER, "conv_9", "agent_z", T0, ELAAOMS_MEM_EMOTION,
               ANGRY, 4, 0.8);
    CHECK_INT_EQ(c.stored, 1);
    c = apply1(ORG, CALLER2, "conv_1", "agent_a", T0, ELAAOMS_MEM_FACTUAL,
               "Lives at 9 Elm Road", 6, 0.8);
    CHECK_INT_EQ(c.stored, 1);    /* no conflict with the other caller */

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG2, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 2);
    for (i = 0; i < l.n; i++) {
        CHECK_STR_EQ(l.items[i].org.data, ORG2);
        CHECK(l.items[i].nconflicts == 0
              && l.items[i].reinforcement_count == 0);
    }
    elaaoms_memory_list_free(&l);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 6);
    for (i = 0; i < l.n; i++) {
        CHECK(strcmp(l.items[i].org.data, ORG) == 0
              && strcmp(l.items[i].caller.data, CALLER) == 0);
    }
    CHECK(find(&l, "Lives at 9 Elm Road") == NULL && find(&l, ANGRY) == NULL);
    elaaoms_memory_list_free(&l);

    /* (test_memory_query.c checks that the queries keep them apart too) */

    /* a record planted under the wrong caller is not returned */
    {
        redisReply *r = redisCommand(rc, "HGETALL %s",
                                     key(ORG2, CALLER, "index"));
        if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2) {
            freeReplyObject(redisCommand(rc, "HSET %s %b %b",
                                         key(ORG, CALLER2, "index"),
                                         r->element[0]->str,
                                         r->element[0]->len,
                                         r->element[1]->str,
                                         r->element[1]->len));
        }
        if (r) {
            freeReplyObject(r);
        }
        CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER2, &l, err,
                                               sizeof(err)), 0);
        CHECK_INT_EQ(l.bad, 1);
        CHECK(find(&l, EMAIL) == NULL && find(&l, ANGRY) == NULL);
        elaaoms_memory_list_free(&l);
    }
}


/* --- atomicity ----------------------------------------------------------- */

#define ATOMIC_CALLER  "id:atomic"
#define ATOMIC_CONVS   150

/*
 * A reader process that looks at the caller while the writer stores three
 * memories per conversation: the plain HGETALL must always see a multiple
 * of three complete records, and a MULTI snapshot must find the index,
 * both sorted sets and the type sets naming exactly the same ids.
 * Exits with the number of violations (up to 250); 253 means it timed
 * out, 254 that it never saw the store half-way (proving nothing), 255
 * that Redis failed.
 */
static void
atomic_reader(void)
{
    int                       bad, seen;
    size_t                    i, j, ntypes;
    time_t                    deadline = time(NULL) + 120;
    redisReply               *r, *h;
    redisContext             *c;
    elaaoms_memory_record_t   rec;

    c = connect_redis();
    if (c == NULL) {
        _exit(255);
    }

    bad = 0;
    seen = 0;

    for ( ;; ) {
        r = redisCommand(c, "HGETALL %s", key(ORG, ATOMIC_CALLER, "index"));
        if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
            _exit(255);
        }
        if ((r->elements / 2) % 3 != 0) {
            bad++;
        }
        for (i = 1; i < r->elements; i += 2) {
            if (elaaoms_memory_record_decode_view(r->element[i]->str,
                                                  r->element[i]->len, &rec,
                                                  NULL) != 0)
            {
                bad++;
            }
        }
        if (r->elements > 0 && r->elements / 2 < 3 * ATOMIC_CONVS) {
            seen++;
        }
        j = r->elements / 2;
        freeReplyObject(r);

        freeReplyObject(redisCommand(c, "MULTI"));
        freeReplyObject(redisCommand(c, "HKEYS %s",
                                     key(ORG, ATOMIC_CALLER, "index")));
        freeReplyObject(redisCommand(c, "ZCARD %s",
                                     key(ORG, ATOMIC_CALLER, "by_time")));
        freeReplyObject(redisCommand(c, "ZCARD %s",
                                     key(ORG, ATOMIC_CALLER,
                                         "by_importance")));
        freeReplyObject(redisCommand(c, "SUNION %s %s %s",
                                     key(ORG, ATOMIC_CALLER, "type:factual"),
                                     key(ORG, ATOMIC_CALLER, "type:issue"),
                                     key(ORG, ATOMIC_CALLER,
                                         "type:emotion")));
        h = redisCommand(c, "EXEC");
        if (h == NULL || h->type != REDIS_REPLY_ARRAY || h->elements != 4) {
            _exit(255);
        }
        ntypes = h->element[3]->elements;
        if (h->element[1]->integer != (long long) h->element[0]->elements
            || h->element[2]->integer != (long long) h->element[0]->elements
            || ntypes != h->element[0]->elements)
        {
            bad++;
        }
        freeReplyObject(h);

        if (j == 3 * ATOMIC_CONVS) {
            break;
        }

        if (time(NULL) > deadline) {
            _exit(253);
        }
    }

    redisFree(c);
    _exit(bad ? (bad > 250 ? 250 : bad) : (seen ? 0 : 254));
}


/* a made-up word per (n, salt): memories of them never look alike */
static void
nonce_word(char *buf, size_t size, unsigned n, unsigned salt)
{
    static const char  *syl[16] = {
        "ka", "zo", "mi", "ru", "te", "vo", "ne", "pa",
        "li", "gu", "so", "re", "fi", "do", "xa", "be"
    };
    unsigned            v, i;

    v = n * 2654435761u ^ salt * 40503u;
    buf[0] = '\0';
    for (i = 0; i < 4; i++, v >>= 4) {
        strncat(buf, syl[v & 15], size - strlen(buf) - 1);
    }
}


static void
test_atomicity(void)
{
    int                             i, r, status;
    char                            conv[32], txt[3][96], w[6][16];
    pid_t                           pid;
    elaaoms_redis_t                *other;
    elaaoms_memory_list_t           l;
    elaaoms_extracted_list_t        x;
    elaaoms_memory_apply_counts_t   c;
    elaaoms_memory_record_t         rec;
    const elaaoms_memory_record_t  *recp = &rec;

    pid = fork();
    if (pid == 0) {
        atomic_reader();
    }
    CHECK(pid > 0);

    for (i = 0; i < ATOMIC_CONVS; i++) {
        snprintf(conv, sizeof(conv), "conv_%d", i);
        /* made-up words: never a duplicate, reinforcement or conflict */
        for (r = 0; r < 6; r++) {
            nonce_word(w[r], sizeof(w[r]), i, r);
        }
        snprintf(txt[0], sizeof(txt[0]), "Owns a %s %s", w[0], w[1]);
        snprintf(txt[1], sizeof(txt[1]), "The %s %s is broken", w[2], w[3]);
        snprintf(txt[2], sizeof(txt[2]), "Felt %s %s", w[4], w[5]);
        memset(&x, 0, sizeof(x));
        elaaoms_extracted_add(&x, ELAAOMS_MEM_FACTUAL, txt[0], 5, 0.8, "");
        elaaoms_extracted_add(&x, ELAAOMS_MEM_ISSUE, txt[1], 5, 0.8, "");
        elaaoms_extracted_add(&x, ELAAOMS_MEM_EMOTION, txt[2], 5, 0.8, "");
        c = apply(ORG, ATOMIC_CALLER, conv, "agent_a", T0 + i, &x);
        if (c.stored != 3) {
            CHECK_INT_EQ(c.stored, 3);
            fprintf(stderr, "  conversation %d: %zu stored, %zu reinforced, "
                    "%zu dup, %zu conflicts\n", i, c.stored, c.reinforced,
                    c.duplicates, c.conflicts);
        }
        elaaoms_extracted_free(&x);
    }

    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "  atomic reader exit %d\n", WEXITSTATUS(status));
    }
    CHECK_INT_EQ(WEXITSTATUS(status), 0);

    /*
     * A lost race leaves nothing behind: watch, let another connection
     * write, then commit -- aborted, and the record is nowhere.
     */
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, ATOMIC_CALLER, &l,
                                                 err, sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 3 * ATOMIC_CONVS);

    other = connect_handle();
    CHECK(other != NULL);
    if (other) {
        elaaoms_memory_record_t  o = l.items[0];
        o.reinforcement_count = 77;
        CHECK_INT_EQ(elaaoms_memory_store_add(other, &o, err, sizeof(err)),
                     0);
        elaaoms_redis_free(other);
    }

    memset(&rec, 0, sizeof(rec));
    rec.id = elaaoms_mstr("ffffffff000000000001");
    rec.org = elaaoms_mstr(ORG);
    rec.caller = elaaoms_mstr(ATOMIC_CALLER);
    rec.conversation_id = elaaoms_mstr("conv_lost");
    rec.content = elaaoms_mstr("Should never become visible");
    rec.type = ELAAOMS_MEM_FACTUAL;
    rec.importance = 5;
    rec.confidence = 0.5f;
    rec.created = T0;
    rec.last_reinforced = T0;

    r = elaaoms_memory_store_commit(rh, ORG, ATOMIC_CALLER, &recp, 1, err,
                                    sizeof(err));
    CHECK_INT_EQ(r, 0);
    elaaoms_memory_list_free(&l);

    CHECK_INT_EQ(r_int("HEXISTS %s ffffffff000000000001",
                       key(ORG, ATOMIC_CALLER, "index")), 0);
    CHECK_INT_EQ(r_int("ZRANK %s ffffffff000000000001",
                       key(ORG, ATOMIC_CALLER, "by_time")), -1);
    CHECK_INT_EQ(r_int("SISMEMBER %s ffffffff000000000001",
                       key(ORG, ATOMIC_CALLER, "type:factual")), 0);
    CHECK_INT_EQ(r_int("EXISTS %s",
                       key(ORG, ATOMIC_CALLER, "conversation:conv_lost")), 0);

    /* and without the race it commits */
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(rh, ORG, ATOMIC_CALLER, &l,
                                                 err, sizeof(err)), 0);
    CHECK_INT_EQ(elaaoms_memory_store_commit(rh, ORG, ATOMIC_CALLER, &recp, 1,
                                             err, sizeof(err)), 1);
    elaaoms_memory_list_free(&l);
    CHECK_INT_EQ(r_int("HEXISTS %s ffffffff000000000001",
                       key(ORG, ATOMIC_CALLER, "index")), 1);
}


/*
 * Two workers reinforcing one memory from different conversations at the
 * same time: optimistic locking must not lose a single reinforcement.
 */
#define RACE_ROUNDS  40

static void
race_worker(const char *prefix)
{
    int                             i;
    char                            conv[32], e[256];
    elaaoms_redis_t                *c;
    elaaoms_memory_apply_t          a;
    elaaoms_extracted_list_t        x;
    elaaoms_memory_apply_counts_t   n;

    c = connect_handle();
    if (c == NULL) {
        _exit(1);
    }

    memset(&x, 0, sizeof(x));
    elaaoms_extracted_add(&x, ELAAOMS_MEM_PREFERENCE, EMAIL, 5, 0.5, "");

    for (i = 0; i < RACE_ROUNDS; i++) {
        snprintf(conv, sizeof(conv), "%s_%d", prefix, i);
        memset(&a, 0, sizeof(a));
        a.org = ORG;
        a.caller = CALLER2;
        a.conversation_id = conv;
        a.now = T0 + i;
        if (elaaoms_memory_store_apply(c, &a, &x, &n, e, sizeof(e)) != 0
            || n.duplicates != 1)
        {
            fprintf(stderr, "race worker %s: %s\n", prefix, e);
            _exit(2);
        }
    }

    elaaoms_extracted_free(&x);
    elaaoms_redis_free(c);
    _exit(0);
}


static void
test_concurrent_writers(void)
{
    int                             i, status;
    pid_t                           pid[2];
    elaaoms_memory_list_t           l;
    elaaoms_memory_apply_counts_t   c;
    const elaaoms_memory_record_t  *m;

    c = apply1(ORG, CALLER2, "race_start", NULL, T0, ELAAOMS_MEM_PREFERENCE,
               EMAIL, 5, 0.5);
    CHECK_INT_EQ(c.stored, 1);

    pid[0] = fork();
    if (pid[0] == 0) {
        race_worker("left");
    }
    pid[1] = fork();
    if (pid[1] == 0) {
        race_worker("right");
    }

    for (i = 0; i < 2; i++) {
        CHECK(pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i]);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER2, &l, err,
                                           sizeof(err)), 0);
    m = find(&l, EMAIL);
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->reinforcement_count, 2 * RACE_ROUNDS);
    }
    CHECK_INT_EQ(r_int("SCARD %s", key(ORG, CALLER2, "conversations")),
                 4 + 2 * RACE_ROUNDS);   /* conv_add, conv_again, conv_1,
                                            race_start, then the race's */
    elaaoms_memory_list_free(&l);
}


/* --- precomputed vectors of another model (embedder openai) ----------- */

#define CALLER3   "+13125550100"
#define VMODEL    "text-embedding-test"
#define VDIM      8

/* applies list with vectors[i * VDIM] for item i; the return code */
static int
apply_vec(const char *conv, const elaaoms_extracted_list_t *list,
    const float *vectors, size_t dim, const char *model,
    elaaoms_memory_apply_counts_t *c)
{
    elaaoms_memory_apply_t  a;

    memset(&a, 0, sizeof(a));
    a.org = ORG;
    a.caller = CALLER3;
    a.conversation_id = conv;
    a.agent_id = "agent_a";
    a.now = T0 + 500000;
    a.vectors = vectors;
    a.vec_dim = dim;
    a.vec_model = model;

    return elaaoms_memory_store_apply(rh, &a, list, c, err, sizeof(err));
}


static void
test_apply_vectors(void)
{
    float                            v[4 * VDIM];
    elaaoms_extracted_list_t         l;
    elaaoms_memory_list_t            all;
    elaaoms_memory_apply_counts_t    c;
    const elaaoms_memory_record_t   *m;

#define UNIT(i, k)  (memset(&v[(i) * VDIM], 0, VDIM * sizeof(float)),        \
                     v[(i) * VDIM + (k)] = 1)

    /* new memories take the given vectors and model; invalid items' slots
       are ignored */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_PREFERENCE, EMAIL, 7, 0.8, "");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, "", 6, 0.9, "");   /* bad */
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, ORDER, 6, 0.9, "");
    UNIT(0, 0);
    memset(&v[VDIM], 0, VDIM * sizeof(float));
    UNIT(2, 1);
    CHECK_INT_EQ(apply_vec("conv_v1", &l, v, VDIM, VMODEL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.stored, 2);
    CHECK_INT_EQ(c.invalid, 1);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER3, &all, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(all.n, 2);
    m = find(&all, ORDER);
    CHECK(m != NULL);
    if (m) {
        CHECK_INT_EQ(m->dim, VDIM);
        CHECK_STR_EQ(m->embed_model.data, VMODEL);
        CHECK(elaaoms_cosine_q8(&v[2 * VDIM], m->vec_q8, VDIM) > 0.999f);

        /* the offline vector kept beside: nginx never re-embeds it */
        float  off[ELAAOMS_EMBED_DIM];

        elaaoms_embed_text(ORDER, strlen(ORDER), off);
        CHECK_INT_EQ(m->offline_dim, ELAAOMS_EMBED_DIM);
        CHECK_STR_EQ(m->offline_model.data, ELAAOMS_EMBED_MODEL);
        CHECK(m->offline_q8 != NULL
              && elaaoms_cosine_q8(off, m->offline_q8, ELAAOMS_EMBED_DIM)
                 > 0.999f);
    }
    m = find(&all, EMAIL);
    CHECK(m != NULL && m->dim == VDIM
          && elaaoms_cosine_q8(&v[0], m->vec_q8, VDIM) > 0.999f);
    elaaoms_memory_list_free(&all);

    /* the same model: its cosine decides.  Words shared with nothing,
       the same vector: reinforced */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, "The parcel came broken", 5,
                          0.9, "");
    UNIT(0, 1);
    v[0] = 0.1f;
    CHECK_INT_EQ(apply_vec("conv_v2", &l, v, VDIM, VMODEL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.reinforced, 1);
    CHECK_INT_EQ(c.stored, 0);

    /* ... a lookalike far away in the model's space: a memory of its own */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_ISSUE, ORDER " again", 5, 0.9, "");
    UNIT(0, 2);
    CHECK_INT_EQ(apply_vec("conv_v3", &l, v, VDIM, VMODEL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.stored, 1);
    CHECK_INT_EQ(c.reinforced, 0);

    /* a record of the offline model (stored before a switch of embedder)
       is compared offline: the near duplicate reinforces it */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_EMOTION, ANGRY, 4, 0.7, "");
    CHECK_INT_EQ(apply_vec("conv_v4", &l, NULL, 0, NULL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.stored, 1);

    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_EMOTION,
                          "Was frustrated about repeated delays", 4, 0.8, "");
    UNIT(0, 3);
    CHECK_INT_EQ(apply_vec("conv_v5", &l, v, VDIM, VMODEL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.reinforced, 1);
    CHECK_INT_EQ(c.stored, 0);

    /* a memory stored earlier in the same call is compared in the model's
       space: the second, with the same vector, reinforces the first */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_RELATIONSHIP,
                          "Calls every week about the account", 4, 0.8, "");
    elaaoms_extracted_add(&l, ELAAOMS_MEM_RELATIONSHIP,
                          "Rings us weekly", 4, 0.9, "");
    UNIT(0, 4);
    UNIT(1, 4);
    CHECK_INT_EQ(apply_vec("conv_v6", &l, v, VDIM, VMODEL, &c), 0);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(c.stored, 1);
    CHECK_INT_EQ(c.reinforced, 1);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER3, &all, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(all.n, 5);
    m = find(&all, ORDER);
    CHECK(m != NULL && m->reinforcement_count == 1);
    m = find(&all, ANGRY);
    CHECK(m != NULL && m->reinforcement_count == 1
          && m->dim == ELAAOMS_EMBED_DIM
          && strcmp(m->embed_model.data, ELAAOMS_EMBED_MODEL) == 0
          && m->offline_dim == 0);    /* its own vector is the offline one */
    elaaoms_memory_list_free(&all);

    /* vectors without a usable model or dimension are refused, nothing
       is written */
    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, ELAAOMS_MEM_FACTUAL, "Has two cats", 4, 0.8,
                          "");
    CHECK_INT_EQ(apply_vec("conv_v7", &l, v, 0, VMODEL, &c), -1);
    CHECK_INT_EQ(apply_vec("conv_v7", &l, v, ELAAOMS_MEMORY_MAX_DIM + 1,
                           VMODEL, &c), -1);
    CHECK_INT_EQ(apply_vec("conv_v7", &l, v, VDIM, NULL, &c), -1);
    CHECK_INT_EQ(apply_vec("conv_v7", &l, v, VDIM, "", &c), -1);
    CHECK_INT_EQ(apply_vec("conv_v7", &l, v, VDIM, ELAAOMS_EMBED_MODEL, &c),
                 -1);
    elaaoms_extracted_free(&l);
    CHECK_INT_EQ(r_int("HLEN %s", key(ORG, CALLER3, "index")), 5);

#undef UNIT
}


/* --- records of an older offline embedder ---------------------------------- */

#define CALLER4   "+13125550177"
#define OLD_MODEL "elaaoms-hash-v1-384"
#define PIANO     "Is storing a grandmother's upright piano"
#define BARE      "Has a second storage unit downtown"
#define PROVIDED  "Pays the storage fee by card on the first"
#define CURRENT   "Gate code is 5519"
#define LATER     "Needs climate control for the paintings"

/* stores one record of CALLER4 as an older build (or a provider) left it */
static void
reembed_store(const char *id, const char *content, const char *model,
    size_t dim, const unsigned char *vec, const char *offline_model,
    const unsigned char *offline)
{
    elaaoms_memory_record_t  rec;

    unit_record(&rec, id, ORG, CALLER4, "conv_old", "agent_old",
                ELAAOMS_MEM_FACTUAL, 5, T0, content);
    rec.embed_model = elaaoms_mstr(model);
    rec.dim = dim;
    rec.vec_q8 = vec;
    if (offline_model != NULL) {
        rec.offline_model = elaaoms_mstr(offline_model);
        rec.offline_dim = ELAAOMS_EMBED_DIM;
        rec.offline_q8 = offline;
    }

    CHECK_INT_EQ(elaaoms_memory_store_add(rh, &rec, err, sizeof(err)), 0);
}


/* 1 when q8 is this build's vector of the text */
static int
reembed_is_current(const unsigned char *q8, const char *text)
{
    float          v[ELAAOMS_EMBED_DIM];
    unsigned char  want[ELAAOMS_EMBED_DIM];

    elaaoms_embed_text(text, strlen(text), v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, want);

    return q8 != NULL && memcmp(q8, want, ELAAOMS_EMBED_DIM) == 0;
}


/* 1 when the record of that content has this build's vector as its own */
static int
reembed_own_current(const elaaoms_memory_list_t *l, const char *content)
{
    const elaaoms_memory_record_t  *m = find(l, content);

    return m != NULL
           && elaaoms_mstr_eq(m->embed_model,
                              elaaoms_mstr(ELAAOMS_EMBED_MODEL))
           && m->dim == ELAAOMS_EMBED_DIM && m->offline_dim == 0
           && reembed_is_current(m->vec_q8, content);
}


static void
test_reembed(void)
{
    size_t                          n;
    float                           v[ELAAOMS_EMBED_DIM];
    unsigned char                   stale[ELAAOMS_EMBED_DIM], good[ELAAOMS_EMBED_DIM];
    unsigned char                   provider[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    elaaoms_memory_list_t           l;
    const elaaoms_memory_record_t  *m;

    /* what an older table made of the text: any other bytes */
    memset(stale, 0, sizeof(stale));
    stale[7] = 127;
    elaaoms_embed_text(CURRENT, strlen(CURRENT), v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, good);

    reembed_store("0000bbbb0000000000b1", PIANO, OLD_MODEL, ELAAOMS_EMBED_DIM,
                  stale, NULL, NULL);
    reembed_store("0000bbbb0000000000b2", BARE, "", 0, NULL, NULL, NULL);
    reembed_store("0000bbbb0000000000b3", PROVIDED, "text-embedding-3-small",
                  sizeof(provider), provider, OLD_MODEL, stale);
    reembed_store("0000bbbb0000000000b4", CURRENT, ELAAOMS_EMBED_MODEL,
                  ELAAOMS_EMBED_DIM, good, NULL, NULL);

    /* the operator's upgrade: the three without this build's vector */
    CHECK_INT_EQ(elaaoms_memory_store_upgrade_caller(rh, ORG, CALLER4, &n,
                                                     err, sizeof(err)), 0);
    CHECK_INT_EQ(n, 3);

    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER4, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 4);

    CHECK(reembed_own_current(&l, PIANO));
    CHECK(reembed_own_current(&l, BARE));

    /* the provider's vector stays; the offline one beside it is renewed */
    m = find(&l, PROVIDED);
    CHECK(m != NULL
          && elaaoms_mstr_eq(m->embed_model,
                             elaaoms_mstr("text-embedding-3-small"))
          && m->dim == sizeof(provider)
          && memcmp(m->vec_q8, provider, sizeof(provider)) == 0
          && elaaoms_mstr_eq(m->offline_model,
                             elaaoms_mstr(ELAAOMS_EMBED_MODEL))
          && reembed_is_current(m->offline_q8, PROVIDED));

    m = find(&l, CURRENT);
    CHECK(m != NULL && reembed_is_current(m->vec_q8, CURRENT));
    elaaoms_memory_list_free(&l);

    /* once only */
    CHECK_INT_EQ(elaaoms_memory_store_upgrade_caller(rh, ORG, CALLER4, &n,
                                                     err, sizeof(err)), 0);
    CHECK_INT_EQ(n, 0);

    /* the worker's next write of the caller does it too */
    reembed_store("0000bbbb0000000000b1", PIANO, OLD_MODEL, ELAAOMS_EMBED_DIM,
                  stale, NULL, NULL);
    apply1(ORG, CALLER4, "conv_new", "agent_old", T0 + 100,
           ELAAOMS_MEM_PREFERENCE, LATER, 5, 0.9);
    CHECK_INT_EQ(elaaoms_memory_store_load(rh, ORG, CALLER4, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 5);
    CHECK(reembed_own_current(&l, PIANO));
    CHECK(reembed_own_current(&l, LATER));
    elaaoms_memory_list_free(&l);
}


int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    if (start_redis() != 0) {
        CHECK(!"redis-server could not be started: the memory store tests "
               "need it on PATH");
        stop_redis();
        return UNIT_DONE("memory_store");
    }

    test_add_and_load();
    test_store_reinforce();
    test_apply();
    test_isolation();
    test_atomicity();
    test_concurrent_writers();
    test_apply_vectors();
    test_reembed();

    stop_redis();

    return UNIT_DONE("memory_store");
}
