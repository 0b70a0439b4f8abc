/*
 * The worker's own code paths on a real local Redis Cluster
 * (unit_cluster.h: three masters, three replicas, a password), through
 * the handle the worker makes from a configuration with redis_cluster
 * (worker/worker_io.c):
 *   - the handle: commands routed to their slot's master (no MOVED once
 *     the map is known), a pipeline over three slots answered in order,
 *     EVALSHA falling back to EVAL on NOSCRIPT, SCAN and MULTI refused on
 *     the routed handle, every master reached by elaaoms_redis_node();
 *   - the queue (worker/queue.c's scripts): take, ack, retry later and
 *     the promotion of due jobs;
 *   - the memory store: extracted memories applied for a caller (WATCH,
 *     MULTI/EXEC on the caller's slot), applied again (duplicates),
 *     loaded and queried back;
 *   - a caller's slot moved to another master behind the handle: the
 *     store's WATCH follows MOVED; moved between WATCH and MULTI, the
 *     commit starts over and the next round commits at the new master;
 *   - the caller's contexts (lib/context/context_store.c's scripts);
 *   - the erasure of a caller: the tombstone, the touch (MULTI), the
 *     memories forgotten and a stray key under the caller's prefix found
 *     by SCAN on the slot's master;
 *   - the key upgrade: old-layout keys on several masters found by SCAN
 *     on each, moved across slots, a usage hash merged into a new one;
 *   - the master of a caller's slot killed: the next apply waits for the
 *     replica's promotion and commits there.
 * Every check reads the values back from the cluster.  Skipped when
 * redis-server cannot run a cluster.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "unit.h"
#include "cluster/key_slot.h"
#include "cluster/redis_handle.h"
#include "cluster/slot_map.h"
#include "context/context_build.h"
#include "context/context_store.h"
#include "store/caller_erase.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"

#include "key_upgrade.h"
#include "queue.h"
#include "worker_config.h"
#include "worker_io.h"

#define UNIT_CLUSTER_NAME  "worker_cluster"
#include "unit_cluster.h"


#define ORG       "acme"
#define CALLER    "+14155550123"
#define CALLER2   "+442079460958"
#define CALLER3   "+4930901820"
#define WORKER    "test-host:4242"
#define NSPREAD   60

static elaaoms_redis_t  *h;
static char              err[512];


/* --- reading back --------------------------------------------------------- */

static long long
integer(const char *fmt, ...)
{
    va_list      ap;
    long long    v;
    redisReply  *r;

    va_start(ap, fmt);
    r = elaaoms_redis_vcommand(h, fmt, ap);
    va_end(ap);

    v = (r != NULL && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;
    freeReplyObject(r);

    return v;
}


/* a string reply into buf ("" for nil, "(error)" for anything else) */
static const char *
string(char *buf, size_t size, const char *fmt, ...)
{
    va_list      ap;
    redisReply  *r;

    va_start(ap, fmt);
    r = elaaoms_redis_vcommand(h, fmt, ap);
    va_end(ap);

    if (r != NULL && r->type == REDIS_REPLY_STRING) {
        snprintf(buf, size, "%.*s", (int) r->len, r->str);
    } else if (r != NULL && r->type == REDIS_REPLY_NIL) {
        buf[0] = '\0';
    } else {
        snprintf(buf, size, "(error) %s", r ? (r->str ? r->str : "?")
                                            : elaaoms_redis_errstr(h));
    }

    freeReplyObject(r);

    return buf;
}


static int
slot_of(const char *key)
{
    return (int) elaaoms_key_slot(key, strlen(key));
}


static unsigned long
moved_so_far(void)
{
    return elaaoms_cluster_stats(elaaoms_redis_cluster_client(h))->moved;
}


/* --- the handle, as the worker makes it ----------------------------------- */

/* a worker configuration with redis_cluster, loaded and connected */
static elaaoms_redis_t *
worker_handle(void)
{
    int                       fd;
    char                      path[] = "/tmp/elaaoms-worker-cluster-XXXXXX";
    char                      seed[32];
    FILE                     *f;
    elaaoms_redis_t          *rh;
    elaaoms_worker_config_t  *cf;

    cf = malloc(sizeof(*cf));
    fd = mkstemp(path);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (cf == NULL || f == NULL) {
        free(cf);
        return NULL;
    }

    /* a seed that is down, then two masters */
    fprintf(f, "redis_host 127.0.0.1\nredis_port 1\n"
            "redis_cluster  127.0.0.1:%d 127.0.0.1:%d\t127.0.0.1:%d\n"
            "redis_password %s\n", cluster_base + UNIT_CLUSTER_NODES,
            cluster_base, cluster_base + 1, UNIT_CLUSTER_PASSWORD);
    fclose(f);

    elaaoms_worker_config_defaults(cf);
    rh = NULL;

    if (elaaoms_worker_config_load(cf, path, err, sizeof(err)) != 0
        || elaaoms_worker_config_finish(cf, err, sizeof(err)) != 0)
    {
        printf("# config: %s\n", err);

    } else {
        /* the list as written, tab and double space included */
        snprintf(seed, sizeof(seed), "127.0.0.1:%d", cluster_base + 1);
        CHECK_INT_EQ(cf->redis_cluster_nseeds, 3);
        CHECK_STR_EQ(cf->redis_cluster_seed[2], seed);
        rh = elaaoms_worker_redis_connect(cf, 2);
    }

    unlink(path);
    free(cf);

    return rh;
}


/* --- the handle ----------------------------------------------------------- */

static void
test_handle(void)
{
    int               i, n, ok, nodes;
    char              k[NSPREAD][48], buf[128], sha_hex[41];
    void             *v;
    long long         keys;
    size_t            lens[5];
    unsigned char     sha[SHA_DIGEST_LENGTH];
    unsigned long     moved;
    const char       *argv[5];
    redisReply       *r;
    elaaoms_redis_t  *node, *h2;
    static const char script[] = "return KEYS[1] .. '=' .. ARGV[1]";

    CHECK(elaaoms_redis_is_cluster(h));
    CHECK(elaaoms_redis_context(h) == NULL);

    /* every master emptied and counted: elaaoms_redis_node() walks them */
    nodes = 0;
    for (i = 0; elaaoms_redis_node(h, (size_t) i, &node) == 1; i++) {
        r = elaaoms_redis_command(node, "FLUSHALL");
        CHECK(r != NULL && r->type == REDIS_REPLY_STATUS);
        freeReplyObject(r);
        nodes++;
    }
    CHECK_INT_EQ(nodes, 3);

    /* keys all over the slot range, each at its master the first time */
    moved = moved_so_far();
    ok = 1;
    for (i = 0; i < NSPREAD; i++) {
        snprintf(k[i], sizeof(k[i]), "elaaoms:test:spread:%d", i * 271);
        r = elaaoms_redis_command(h, "SET %s v%d", k[i], i);
        ok = ok && r != NULL && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
    }
    CHECK(ok);

    ok = 1;
    for (i = 0; i < NSPREAD; i++) {
        snprintf(buf, sizeof(buf), "v%d", i);
        ok = ok && strcmp(string(buf + 64, 64, "GET %s", k[i]), buf) == 0;
    }
    CHECK(ok);
    CHECK_INT_EQ(moved_so_far() - moved, 0);

    /* each master holds its share, and the shares add up */
    keys = 0;
    n = 0;
    for (i = 0; elaaoms_redis_node(h, (size_t) i, &node) == 1; i++) {
        r = elaaoms_redis_command(node, "DBSIZE");
        if (r != NULL && r->type == REDIS_REPLY_INTEGER) {
            keys += r->integer;
            n += r->integer > 0;
        }
        freeReplyObject(r);
    }
    CHECK_INT_EQ(keys, NSPREAD);
    CHECK_INT_EQ(n, 3);

    /* a pipeline over three slots: replies in the order of the commands */
    CHECK(slot_of("elaaoms:test:pipe:a") != slot_of("elaaoms:test:pipe:b"));
    CHECK(slot_of("elaaoms:test:pipe:a") != slot_of(k[1]));
    argv[0] = "INCRBY";
    argv[1] = k[1];
    argv[2] = "1";
    CHECK_INT_EQ(elaaoms_redis_append(h, "SET %s one", "elaaoms:test:pipe:a"),
                 REDIS_OK);
    CHECK_INT_EQ(elaaoms_redis_append(h, "INCRBY %s 5",
                                      "elaaoms:test:pipe:b"), REDIS_OK);
    CHECK_INT_EQ(elaaoms_redis_append_argv(h, 3, argv, NULL), REDIS_OK);
    CHECK_INT_EQ(elaaoms_redis_append(h, "GET %s", "elaaoms:test:pipe:a"),
                 REDIS_OK);

    CHECK_INT_EQ(elaaoms_redis_get_reply(h, &v), REDIS_OK);
    r = v;
    CHECK(r != NULL && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    CHECK_INT_EQ(elaaoms_redis_get_reply(h, &v), REDIS_OK);
    r = v;
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 5);
    freeReplyObject(r);
    /* "v1" is no number: Redis' error is the reply, in its place */
    CHECK_INT_EQ(elaaoms_redis_get_reply(h, &v), REDIS_OK);
    r = v;
    CHECK(r != NULL && r->type == REDIS_REPLY_ERROR);
    freeReplyObject(r);
    CHECK_INT_EQ(elaaoms_redis_get_reply(h, &v), REDIS_OK);
    r = v;
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING
          && strcmp(r->str, "one") == 0);
    freeReplyObject(r);

    /* EVALSHA of a script no master has: NOSCRIPT, then EVAL with it */
    SHA1((const unsigned char *) script, strlen(script), sha);
    for (i = 0; i < SHA_DIGEST_LENGTH; i++) {
        snprintf(sha_hex + 2 * i, 3, "%02x", sha[i]);
    }
    for (i = 0; elaaoms_redis_node(h, (size_t) i, &node) == 1; i++) {
        freeReplyObject(elaaoms_redis_command(node, "SCRIPT FLUSH"));
    }

    argv[0] = "EVALSHA";
    argv[1] = sha_hex;
    argv[2] = "1";
    argv[3] = k[7];
    argv[4] = "x";
    for (i = 0; i < 5; i++) {
        lens[i] = strlen(argv[i]);
    }

    r = elaaoms_redis_eval(h, 5, argv, lens, NULL, 0);
    CHECK(r != NULL && r->type == REDIS_REPLY_ERROR
          && strncmp(r->str, "NOSCRIPT", 8) == 0);
    freeReplyObject(r);

    snprintf(buf, sizeof(buf), "%s=x", k[7]);
    r = elaaoms_redis_eval(h, 5, argv, NULL, script, strlen(script));
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING
          && strcmp(r->str, buf) == 0);
    freeReplyObject(r);

    /* the EVAL left the script at that master: EVALSHA alone runs now */
    r = elaaoms_redis_eval(h, 5, argv, lens, NULL, 0);
    CHECK(r != NULL && r->type == REDIS_REPLY_STRING
          && strcmp(r->str, buf) == 0);
    freeReplyObject(r);

    CHECK_INT_EQ(elaaoms_redis_err(h), 0);

    /* what one routed command cannot mean is refused, not sent */
    h2 = worker_handle();
    CHECK(h2 != NULL);
    if (h2 != NULL) {
        r = elaaoms_redis_command(h2, "SCAN 0 MATCH %s", "elaaoms:*");
        CHECK(r == NULL);
        CHECK(elaaoms_redis_err(h2) != 0);
        CHECK(strstr(elaaoms_redis_errstr(h2), "keyspace") != NULL);
        freeReplyObject(r);
        elaaoms_redis_free(h2);
    }

    h2 = worker_handle();
    if (h2 != NULL) {
        CHECK_INT_EQ(elaaoms_redis_append(h2, "MULTI"), REDIS_OK);
        CHECK_INT_EQ(elaaoms_redis_get_reply(h2, &v), REDIS_ERR);
        CHECK(v == NULL);
        CHECK(strstr(elaaoms_redis_errstr(h2), "key_context") != NULL);
        elaaoms_redis_free(h2);
    }
}


/* --- the queue ------------------------------------------------------------ */

static void
test_queue(void)
{
    char                   ready[ELAAOMS_KEY_MAX], processing[ELAAOMS_KEY_MAX];
    char                   workers[ELAAOMS_KEY_MAX], delayed[ELAAOMS_KEY_MAX];
    char                   buf[128];
    unsigned               rotor;
    elaaoms_queued_job_t   job;
    static const char      job_text[] = "{\"type\":\"transcription\","
                                        "\"conversation_id\":\"conv_q1\"}";

    elaaoms_key_jobs(ready, sizeof(ready), ORG, ELAAOMS_JOBS_READY, NULL);
    elaaoms_key_jobs(processing, sizeof(processing), ORG,
                     ELAAOMS_JOBS_PROCESSING, WORKER);
    elaaoms_key_jobs(workers, sizeof(workers), ORG, ELAAOMS_JOBS_WORKERS,
                     NULL);
    elaaoms_key_jobs(delayed, sizeof(delayed), ORG, ELAAOMS_JOBS_DELAYED,
                     NULL);

    /* the org's lists share its slot; elaaoms:orgs is elsewhere */
    CHECK_INT_EQ(slot_of(ready), slot_of(processing));
    CHECK(slot_of(ready) != slot_of(ELAAOMS_KEY_ORGS));

    CHECK_INT_EQ(integer("SADD %s %s", ELAAOMS_KEY_ORGS, ORG), 1);
    CHECK_INT_EQ(integer("LPUSH %s %s", ready, job_text), 1);

    memset(&job, 0, sizeof(job));
    rotor = 0;
    CHECK_INT_EQ(elaaoms_queue_take(h, WORKER, &rotor, &job), 1);
    CHECK_STR_EQ(job.org, ORG);
    CHECK_STR_EQ(job.text ? job.text : "", job_text);
    CHECK_INT_EQ(integer("LLEN %s", ready), 0);
    CHECK_INT_EQ(integer("LLEN %s", processing), 1);
    CHECK_INT_EQ(integer("SISMEMBER %s %s", workers, WORKER), 1);

    /* retried later: out of processing, into the delayed set, then due */
    CHECK_INT_EQ(elaaoms_queue_retry_later(h, WORKER, &job, job_text,
                                           (double) time(NULL) + 60), 0);
    CHECK_INT_EQ(integer("LLEN %s", processing), 0);
    CHECK_INT_EQ(integer("ZCARD %s", delayed), 1);
    CHECK_INT_EQ(elaaoms_queue_promote_due(h, (double) time(NULL) + 120), 1);
    CHECK_INT_EQ(integer("ZCARD %s", delayed), 0);
    CHECK_STR_EQ(string(buf, sizeof(buf), "LINDEX %s 0", ready), job_text);
    elaaoms_queued_job_free(&job);

    /* taken again, then acknowledged: gone everywhere */
    CHECK_INT_EQ(elaaoms_queue_take(h, WORKER, &rotor, &job), 1);
    CHECK_INT_EQ(elaaoms_queue_ack(h, WORKER, &job), 0);
    CHECK_INT_EQ(integer("LLEN %s", processing), 0);
    CHECK_INT_EQ(integer("LLEN %s", ready), 0);
    CHECK_INT_EQ(elaaoms_queue_take(h, WORKER, &rotor, &job), 0);
    elaaoms_queued_job_free(&job);
}


/* --- the memory store, the contexts, the erasure -------------------------- */

/* the two memories of every call, and extra when not NULL */
static elaaoms_memory_apply_counts_t
apply(const char *caller, const char *conv, int64_t now, const char *extra)
{
    elaaoms_memory_apply_t          a;
    elaaoms_extracted_list_t        x;
    elaaoms_memory_apply_counts_t   c;

    memset(&x, 0, sizeof(x));
    memset(&c, 0, sizeof(c));
    elaaoms_extracted_add(&x, ELAAOMS_MEM_FACTUAL,
                          "Caller's name is Maria Lopez.", 6, 0.9, "");
    elaaoms_extracted_add(&x, ELAAOMS_MEM_PREFERENCE,
                          "Prefers to be contacted by email.", 5, 0.8, "");
    if (extra != NULL) {
        elaaoms_extracted_add(&x, ELAAOMS_MEM_ISSUE, extra, 7, 0.9, "");
    }

    memset(&a, 0, sizeof(a));
    a.org = ORG;
    a.caller = caller;
    a.conversation_id = conv;
    a.agent_id = "agent_support";
    a.now = now;

    if (elaaoms_memory_store_apply(h, &a, &x, &c, err, sizeof(err)) != 0) {
        printf("# apply: %s\n", err);
        c.stored = (size_t) -1;
    }

    elaaoms_extracted_free(&x);

    return c;
}


static int
has_content(const elaaoms_memory_list_t *l, const char *content)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        if (l->items[i].content.len == strlen(content)
            && memcmp(l->items[i].content.data, content,
                      l->items[i].content.len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the record of id in l (one is there: the caller checked l.n) */
static const elaaoms_memory_record_t *
find(const elaaoms_memory_list_t *l, elaaoms_mstr_t id)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        if (l->items[i].id.len == id.len
            && memcmp(l->items[i].id.data, id.data, id.len) == 0)
        {
            return &l->items[i];
        }
    }

    return &l->items[0];
}


static void
test_memories(void)
{
    char                            index[ELAAOMS_MEMORY_KEY_MAX];
    char                            callers[ELAAOMS_KEY_MAX];
    elaaoms_memory_list_t           l;
    elaaoms_memory_query_t          q;
    elaaoms_memory_apply_counts_t   c;

    elaaoms_memory_key(index, sizeof(index), ORG, CALLER,
                       ELAAOMS_MEMORY_KEY_INDEX);
    elaaoms_key_org(callers, sizeof(callers), ORG,
                    ELAAOMS_MEMORY_KEY_CALLERS);

    c = apply(CALLER, "conv_m1", 1763400000, NULL);
    CHECK_INT_EQ(c.stored, 2);
    CHECK_INT_EQ(integer("HLEN %s", index), 2);
    CHECK_INT_EQ(integer("SISMEMBER %s %s", callers, CALLER), 1);

    /* the same facts from another call: duplicates, nothing new */
    c = apply(CALLER, "conv_m2", 1763400000 + 86400, NULL);
    CHECK_INT_EQ(c.stored, 0);
    CHECK_INT_EQ(c.duplicates, 2);
    CHECK_INT_EQ(integer("HLEN %s", index), 2);

    memset(&l, 0, sizeof(l));
    CHECK_INT_EQ(elaaoms_memory_store_load(h, ORG, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 2);
    CHECK(has_content(&l, "Caller's name is Maria Lopez."));
    CHECK(has_content(&l, "Prefers to be contacted by email."));
    elaaoms_memory_list_free(&l);

    /* the query's MULTI of reads, on the caller's slot */
    elaaoms_memory_query_init(&q);
    q.type = ELAAOMS_MEM_PREFERENCE;
    q.limit = 10;
    CHECK_INT_EQ(elaaoms_memory_store_query(h, ORG, CALLER, &q, &l, err,
                                            sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 1);
    CHECK(has_content(&l, "Prefers to be contacted by email."));
    elaaoms_memory_list_free(&l);
}


static void
test_contexts(void)
{
    char                                    key[ELAAOMS_MEMORY_KEY_MAX];
    char                                    doc[8192];
    elaaoms_context_refresh_req_t           req;
    elaaoms_context_refresh_stats_t         st;

    memset(&req, 0, sizeof(req));
    req.org = ORG;
    req.caller = CALLER;

    CHECK_INT_EQ(elaaoms_context_refresh(h, &req, &st, err, sizeof(err)), 0);
    CHECK_INT_EQ(st.memories, 2);
    CHECK(st.written >= 2);     /* agent_support and _any */

    elaaoms_context_key(key, sizeof(key), ORG, CALLER, "agent_support");
    string(doc, sizeof(doc), "GET %s", key);
    CHECK(strstr(doc, "\"caller_name\":\"Maria Lopez\"") != NULL);

    elaaoms_context_key(key, sizeof(key), ORG, CALLER, ELAAOMS_CONTEXT_ANY);
    string(doc, sizeof(doc), "GET %s", key);
    CHECK(strstr(doc, "\"agent_id\":\"_any\"") != NULL);

    /* a call noted once per conversation (the script on the caller's keys) */
    CHECK_INT_EQ(elaaoms_context_note_call(h, ORG, CALLER, "conv_c1",
                                           1763500000, err, sizeof(err)), 1);
    CHECK_INT_EQ(elaaoms_context_note_call(h, ORG, CALLER, "conv_c1",
                                           1763500000, err, sizeof(err)), 0);
}


static void
test_erasure(void)
{
    char                     index[ELAAOMS_MEMORY_KEY_MAX];
    char                     stray[ELAAOMS_MEMORY_KEY_MAX];
    char                     context[ELAAOMS_MEMORY_KEY_MAX];
    char                     callers[ELAAOMS_KEY_MAX];
    elaaoms_memory_list_t    l;
    elaaoms_erase_counts_t   counts;

    elaaoms_memory_key(index, sizeof(index), ORG, CALLER,
                       ELAAOMS_MEMORY_KEY_INDEX);
    /* no registry names it: only the SCAN of the caller's prefix finds it */
    elaaoms_memory_key(stray, sizeof(stray), ORG, CALLER, "stray:cache");
    elaaoms_context_key(context, sizeof(context), ORG, CALLER,
                        "agent_support");
    elaaoms_key_org(callers, sizeof(callers), ORG,
                    ELAAOMS_MEMORY_KEY_CALLERS);

    CHECK_INT_EQ(integer("HLEN %s", index), 2);
    CHECK_INT_EQ(integer("SADD %s x", stray), 1);
    CHECK_INT_EQ(integer("EXISTS %s", context), 1);
    CHECK_INT_EQ(elaaoms_caller_forgotten(h, ORG, CALLER), 0);

    memset(&counts, 0, sizeof(counts));
    CHECK_INT_EQ(elaaoms_caller_erase(h, NULL, ORG, CALLER, 3600, &counts,
                                      err, sizeof(err)), 0);
    CHECK(counts.keys >= 4);

    CHECK_INT_EQ(integer("EXISTS %s", index), 0);
    CHECK_INT_EQ(integer("EXISTS %s", stray), 0);
    CHECK_INT_EQ(integer("EXISTS %s", context), 0);
    CHECK_INT_EQ(elaaoms_caller_forgotten(h, ORG, CALLER), 1);

    memset(&l, 0, sizeof(l));
    CHECK_INT_EQ(elaaoms_memory_store_load(h, ORG, CALLER, &l, err,
                                           sizeof(err)), 0);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_memory_list_free(&l);

    /* an erased caller gets nothing back: the commit reads the tombstone
       (in the org's slot, through the routed handle) and writes nothing */
    CHECK(apply(CALLER, "conv_m3", 1763600000, NULL).stored != (size_t) -1);
    CHECK_INT_EQ(integer("EXISTS %s", index), 0);
    CHECK_INT_EQ(integer("SISMEMBER %s %s", callers, CALLER), 0);

    /* the touch alone, its MULTI on the caller's slot */
    CHECK_INT_EQ(elaaoms_caller_erase_touch(h, ORG, CALLER, err,
                                            sizeof(err)), 0);
    CHECK_INT_EQ(integer("EXISTS %s", index), 0);
}


/* CALLER2's store: WATCH and load (the records dropped); 0 or -1 */
static int
watch(void)
{
    int                    rc;
    elaaoms_memory_list_t  l;

    memset(&l, 0, sizeof(l));
    rc = elaaoms_memory_store_watch_load(h, ORG, CALLER2, &l, err,
                                         sizeof(err));
    elaaoms_memory_list_free(&l);

    return rc;
}


static int
commit(const elaaoms_memory_record_t *rec)
{
    return elaaoms_memory_store_commit(h, ORG, CALLER2, &rec, 1, err,
                                       sizeof(err));
}


/* the reinforcement count of CALLER2's memory id, read back; -1 */
static int
reinforced(elaaoms_mstr_t id)
{
    int                    n;
    elaaoms_memory_list_t  l;

    n = -1;
    memset(&l, 0, sizeof(l));

    if (elaaoms_memory_store_load(h, ORG, CALLER2, &l, err, sizeof(err)) == 0
        && l.n > 0)
    {
        n = (int) find(&l, id)->reinforcement_count;
    }

    elaaoms_memory_list_free(&l);

    return n;
}


/*
 * The caller's slot moved to another master behind the handle's back:
 * the store's WATCH meets MOVED at the old master and follows it, the
 * map is read again, and the transaction commits at the new one
 */
static void
test_resharded(void)
{
    int                             port;
    char                            index[ELAAOMS_MEMORY_KEY_MAX];
    unsigned long                   moved;
    redisReply                     *r;
    redisContext                   *node;
    elaaoms_memory_list_t           held;
    elaaoms_memory_record_t         rec;
    elaaoms_memory_apply_counts_t   c;
    const elaaoms_memory_record_t  *recp;

    elaaoms_memory_key(index, sizeof(index), ORG, CALLER2,
                       ELAAOMS_MEMORY_KEY_INDEX);

    c = apply(CALLER2, "conv_r1", 1763400000, NULL);
    CHECK_INT_EQ(c.stored, 2);

    port = cluster_move_slot((unsigned) slot_of(index));
    CHECK(port > 0);

    /* the keys are at the new master */
    node = port > 0 ? cluster_node(port) : NULL;
    r = node ? redisCommand(node, "CLUSTER COUNTKEYSINSLOT %d",
                            slot_of(index)) : NULL;
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer >= 4);
    freeReplyObject(r);

    moved = moved_so_far();
    c = apply(CALLER2, "conv_r2", 1763400000 + 86400,
              "The caller's parcel arrived damaged.");
    CHECK_INT_EQ(c.stored, 1);
    CHECK_INT_EQ(c.duplicates, 2);
    CHECK(moved_so_far() > moved);

    /* written at the new master, read back there directly */
    r = node ? redisCommand(node, "HLEN %s", index) : NULL;
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 3);
    freeReplyObject(r);

    if (node) {
        redisFree(node);
    }

    /*
     * The slot moves between the WATCH and the MULTI: Redis refuses the
     * queued commands (MOVED), the commit answers "start over" (0) and
     * writes nothing; the next round, on a fresh map, commits
     */
    CHECK_INT_EQ(elaaoms_memory_store_watch_load(h, ORG, CALLER2, &held, err,
                                                 sizeof(err)), 0);
    CHECK_INT_EQ(held.n, 3);
    if (held.n == 0) {
        return;
    }

    /* its strings point into held's reply: held stays until the end */
    rec = held.items[0];
    rec.reinforcement_count = 41;
    recp = &rec;

    port = cluster_move_slot((unsigned) slot_of(index));
    CHECK(port > 0);

    CHECK_INT_EQ(commit(recp), 0);
    CHECK(strstr(err, "MOVED") != NULL);

    CHECK_INT_EQ(watch(), 0);
    CHECK_INT_EQ(commit(recp), 1);
    CHECK_INT_EQ(reinforced(rec.id), 41);

    /*
     * Moved again after the WATCH, and the handle has read the new map
     * before the MULTI (a command of another sequence met MOVED): the
     * MULTI would go over another connection than the WATCH, unguarded.
     * Refused, nothing written; the next round commits
     */
    CHECK_INT_EQ(watch(), 0);
    port = cluster_move_slot((unsigned) slot_of(index));
    CHECK(port > 0);
    CHECK_INT_EQ(integer("HLEN %s", index), 3);      /* MOVED: new map */

    rec.reinforcement_count = 55;
    CHECK_INT_EQ(commit(recp), -1);
    CHECK(strstr(err, "another connection") != NULL);
    CHECK_INT_EQ(reinforced(rec.id), 41);

    CHECK_INT_EQ(watch(), 0);
    CHECK_INT_EQ(commit(recp), 1);
    CHECK_INT_EQ(reinforced(rec.id), 55);
    elaaoms_memory_list_free(&held);

    node = cluster_node(port);
    r = node ? redisCommand(node, "HLEN %s", index) : NULL;
    CHECK(r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 3);
    freeReplyObject(r);
    if (node) {
        redisFree(node);
    }
}


/* --- the key upgrade ------------------------------------------------------ */

static void
test_key_upgrade(void)
{
    int          masters[3], i, n;
    char         buf[64], ready[ELAAOMS_KEY_MAX], usage[ELAAOMS_KEY_MAX];
    char         workers[ELAAOMS_KEY_MAX], processing[ELAAOMS_KEY_MAX];
    size_t       moved;
    const char  *old[3] = {
        "elaaoms:globex:jobs:ready", "elaaoms:globex:usage",
        "elaaoms:globex:jobs:processing:old-host:7"
    };
    elaaoms_slot_map_t  map;

    elaaoms_key_jobs(ready, sizeof(ready), "globex", ELAAOMS_JOBS_READY,
                     NULL);
    elaaoms_key_usage(usage, sizeof(usage), "globex");
    elaaoms_key_jobs(workers, sizeof(workers), "globex",
                     ELAAOMS_JOBS_WORKERS, NULL);
    elaaoms_key_jobs(processing, sizeof(processing), "globex",
                     ELAAOMS_JOBS_PROCESSING, "old-host:7");

    /* the old names are on more than one master: one SCAN would miss some */
    n = 0;
    memset(&map, 0, sizeof(map));
    if (cluster_map(cluster_base, &map) == 0) {
        for (i = 0; i < 3; i++) {
            masters[i] = elaaoms_slot_map_lookup(&map,
                             (unsigned) slot_of(old[i]))->master.port;
        }
        n = 1 + (masters[1] != masters[0])
            + (masters[2] != masters[0] && masters[2] != masters[1]);
        elaaoms_slot_map_free(&map);
    }
    CHECK(n >= 2);

    CHECK_INT_EQ(integer("SADD %s %s", ELAAOMS_KEY_ORGS, "globex"), 1);
    CHECK_INT_EQ(integer("RPUSH %s job-a job-b", old[0]), 2);
    CHECK_INT_EQ(integer("HSET %s extractions 3 cost 0.5", old[1]), 2);
    CHECK_INT_EQ(integer("RPUSH %s job-c", old[2]), 1);
    /* nginx wrote the new usage meanwhile: the counters add up */
    CHECK_INT_EQ(integer("HSET %s extractions 2", usage), 1);
    /* a key that keeps its name */
    CHECK_INT_EQ(integer("SADD %s %s", "elaaoms:globex:callers", CALLER), 1);

    moved = 0;
    CHECK_INT_EQ(elaaoms_key_upgrade_org(h, "globex", &moved, err,
                                         sizeof(err)), 0);
    CHECK_INT_EQ(moved, 3);

    for (i = 0; i < 3; i++) {
        CHECK_INT_EQ(integer("EXISTS %s", old[i]), 0);
    }

    CHECK_INT_EQ(integer("LLEN %s", ready), 2);
    CHECK_STR_EQ(string(buf, sizeof(buf), "LINDEX %s 0", ready), "job-a");
    CHECK_STR_EQ(string(buf, sizeof(buf), "HGET %s extractions", usage), "5");
    CHECK_STR_EQ(string(buf, sizeof(buf), "HGET %s cost", usage), "0.5");
    CHECK_STR_EQ(string(buf, sizeof(buf), "LINDEX %s 0", processing),
                 "job-c");
    CHECK_INT_EQ(integer("SISMEMBER %s old-host:7", workers), 1);
    CHECK_INT_EQ(integer("SCARD %s", "elaaoms:globex:callers"), 1);

    /* nothing left under a temporary name, and a second run moves nothing */
    CHECK_INT_EQ(integer("EXISTS %s:upgrading", ready), 0);
    CHECK_INT_EQ(elaaoms_key_upgrade_org(h, "globex", &moved, err,
                                         sizeof(err)), 0);
    CHECK_INT_EQ(moved, 0);
}


/*
 * The master of a caller's slot killed (SIGKILL) while the handle holds a
 * connection to it: the next apply waits for the replica's promotion
 * (the cluster client's bounded retries) and commits there
 */
static void
test_failover(void)
{
    int                             victim, synced;
    char                            index[ELAAOMS_MEMORY_KEY_MAX];
    pid_t                           pid;
    double                          t0;
    redisReply                     *r;
    elaaoms_slot_map_t              map;
    elaaoms_redis_t                *k;
    elaaoms_memory_apply_counts_t   c;

    elaaoms_memory_key(index, sizeof(index), ORG, CALLER3,
                       ELAAOMS_MEMORY_KEY_INDEX);

    c = apply(CALLER3, "conv_f1", 1763400000, NULL);
    CHECK_INT_EQ(c.stored, 2);

    victim = -1;
    if (cluster_map(cluster_base, &map) == 0) {
        victim = elaaoms_slot_map_lookup(&map,
                     (unsigned) slot_of(index))->master.port;
        elaaoms_slot_map_free(&map);
    }

    /* the writes are at the replica before the master dies (a replica's
       first sync may take a while on a busy machine) */
    t0 = (double) time(NULL);
    k = elaaoms_redis_key_context(h, index);
    do {
        r = k ? elaaoms_redis_command(k, "WAIT 1 1000") : NULL;
        synced = r != NULL && r->type == REDIS_REPLY_INTEGER
                 && r->integer == 1;
        freeReplyObject(r);
    } while (!synced && k != NULL && (double) time(NULL) - t0 < 60);

    CHECK(synced);
    printf("# the replica of %d had the writes after about %.0f s\n",
           victim, (double) time(NULL) - t0);

    pid = victim > 0 ? cluster_node_pid(victim) : -1;
    CHECK(pid > 0 && kill(pid, SIGKILL) == 0);

    t0 = (double) time(NULL);
    c = apply(CALLER3, "conv_f2", 1763400000 + 86400,
              "The caller moved to Lisbon.");
    CHECK_INT_EQ(c.stored, 1);
    CHECK_INT_EQ(c.duplicates, 2);
    printf("# master %d killed: the next apply committed after about %.0f s "
           "(unreachable %lu, reconnects %lu, maps read %lu)\n", victim,
           (double) time(NULL) - t0,
           elaaoms_cluster_stats(elaaoms_redis_cluster_client(h))->unreachable,
           elaaoms_cluster_stats(elaaoms_redis_cluster_client(h))->reconnects,
           elaaoms_cluster_stats(elaaoms_redis_cluster_client(h))->refreshes);

    CHECK_INT_EQ(integer("HLEN %s", index), 3);
}


int
main(void)
{
    int     rc;

    if (!cluster_begin(&rc)) {
        return rc;
    }

    h = worker_handle();
    CHECK(h != NULL);

    if (h != NULL) {
        test_handle();
        test_queue();
        test_memories();
        test_resharded();
        test_contexts();
        test_erasure();
        test_key_upgrade();
        test_failover();     /* last: a master is gone after it */
        CHECK_INT_EQ(elaaoms_redis_err(h), 0);
        elaaoms_redis_free(h);
    }

    stop_cluster();

    return UNIT_DONE("worker_cluster");
}
