/*
 * The memory store over blocking hiredis (see memory_store.h): keys and
 * validation, the helpers memory_query.c and memory_forget.c share
 * (memory_store_internal.h), and the writes: add, reinforce, and the
 * load / watch / commit transaction of memory_dedup.c.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/caller_erase.h"
#include "store/memory_store_internal.h"
#include "store/redis_keys.h"


int
elaaoms_store_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }

    return -1;
}


/* the connection's error, or what a reply said */
int
elaaoms_store_fail_reply(char *err, size_t errlen, elaaoms_redis_t *rc,
    redisReply *reply, const char *what)
{
    if (reply == NULL) {
        return elaaoms_store_fail(err, errlen, "%s: %s", what,
                                  elaaoms_redis_err(rc)
                                  ? elaaoms_redis_errstr(rc) : "no reply");
    }

    return elaaoms_store_fail(err, errlen, "%s: %s", what,
                              reply->type == REDIS_REPLY_ERROR
                              ? reply->str : "unexpected reply");
}


int
elaaoms_memory_org_valid(const char *org)
{
    return elaaoms_org_valid(org);
}


int
elaaoms_memory_key(char *buf, size_t size, const char *org,
    const char *caller, const char *suffix)
{
    return elaaoms_key_caller(buf, size, org, caller, suffix);
}


int
elaaoms_store_check(const char *org, const char *caller, char *err,
    size_t errlen)
{
    if (!elaaoms_memory_org_valid(org)) {
        return elaaoms_store_fail(err, errlen, "invalid org");
    }

    if (caller == NULL || !elaaoms_caller_key_valid(caller)) {
        return elaaoms_store_fail(err, errlen, "invalid caller");
    }

    return 0;
}


/* "" and NULL are "none"; anything else must be a valid id */
static int
elaaoms_store_opt_id_ok(const char *s, size_t len)
{
    return len == 0 || elaaoms_conversation_id_valid(s, len);
}


/* the prior agents become keys too: each a valid id (validate() checked
   their count) */
static int
elaaoms_store_prior_agents_ok(const elaaoms_memory_record_t *rec)
{
    unsigned  k;

    for (k = 0; k < rec->nprior_agents; k++) {
        if (!elaaoms_conversation_id_valid(rec->prior_agents[k].data,
                                           rec->prior_agents[k].len))
        {
            return 0;
        }
    }

    return 1;
}


void
elaaoms_memory_list_free(elaaoms_memory_list_t *list)
{
    if (list == NULL) {
        return;
    }

    free(list->items);

    if (list->reply) {
        freeReplyObject(list->reply);
    }

    memset(list, 0, sizeof(elaaoms_memory_list_t));
}


/* --- MULTI/EXEC over a pipeline ------------------------------------------ */

void
elaaoms_store_tx_append(elaaoms_store_tx_t *tx, int argc, const char **argv,
    const size_t *lens)
{
    if (tx->bad || tx->rc == NULL) {
        return;
    }

    if (elaaoms_redis_append_argv(tx->rc, argc, argv, lens) != REDIS_OK) {
        tx->bad = 1;
        return;
    }

    tx->pending++;
}


void
elaaoms_store_tx_begin(elaaoms_store_tx_t *tx, elaaoms_redis_t *rc,
    const char *key)
{
    const char  *multi = "MULTI";

    tx->rc = elaaoms_redis_key_context(rc, key);
    tx->pending = 0;
    tx->bad = 0;

    if (tx->rc == NULL) {
        snprintf(tx->why, sizeof(tx->why), "%s", elaaoms_redis_errstr(rc));
        return;
    }

    elaaoms_store_tx_append(tx, 1, &multi, NULL);
}


/* a command of two to four string arguments, lengths by strlen */
void
elaaoms_store_tx_cmd(elaaoms_store_tx_t *tx, const char *a0, const char *a1,
    const char *a2, const char *a3)
{
    int          argc;
    const char  *argv[4] = { a0, a1, a2, a3 };

    argc = a3 ? 4 : (a2 ? 3 : 2);

    elaaoms_store_tx_append(tx, argc, argv, NULL);
}


/*
 * Sends EXEC (DISCARD if something could not be queued) and reads every
 * reply owed, so the connection stays in step whatever happened.
 * 1 committed (*out, if not NULL, gets the EXEC array: free it),
 * 0 aborted by WATCH, -1 error.
 */
int
elaaoms_store_tx_exec(elaaoms_store_tx_t *tx, redisReply **out, char *err,
    size_t errlen)
{
    int          rc, queue_err, moved;
    size_t       i;
    void        *r;
    redisReply  *reply;
    const char  *exec = "EXEC", *discard = "DISCARD";

    if (out) {
        *out = NULL;
    }

    if (tx->rc == NULL) {
        return elaaoms_store_fail(err, errlen, "multi: %s", tx->why);
    }

    queue_err = tx->bad;
    moved = 0;

    if (elaaoms_redis_append_argv(tx->rc, 1, tx->bad ? &discard : &exec, NULL)
        != REDIS_OK)
    {
        return elaaoms_store_fail(err, errlen, "exec: %s",
                                  elaaoms_redis_errstr(tx->rc));
    }

    for (i = 0; i < tx->pending; i++) {
        if (elaaoms_redis_get_reply(tx->rc, &r) != REDIS_OK) {
            return elaaoms_store_fail_reply(err, errlen, tx->rc, NULL,
                                            "multi");
        }
        reply = r;
        if (reply->type != REDIS_REPLY_STATUS) {
            queue_err = 1;
            moved |= elaaoms_redis_reply_moved(reply);
            elaaoms_store_fail_reply(err, errlen, tx->rc, reply, "queue");
        }
        freeReplyObject(reply);
    }

    if (elaaoms_redis_get_reply(tx->rc, &r) != REDIS_OK) {
        return elaaoms_store_fail_reply(err, errlen, tx->rc, NULL, "exec");
    }
    reply = r;

    if (queue_err) {
        /* EXECABORT or our DISCARD: nothing was applied */
        if (tx->bad) {
            elaaoms_store_fail(err, errlen, "cannot queue a command: %s",
                               elaaoms_redis_errstr(tx->rc));
        }
        freeReplyObject(reply);
        /* the slot went to another node: the map is new, start over */
        return (moved && !tx->bad) ? 0 : -1;
    }

    if (reply->type == REDIS_REPLY_NIL) {
        freeReplyObject(reply);
        return 0;
    }

    if (reply->type != REDIS_REPLY_ARRAY) {
        elaaoms_store_fail_reply(err, errlen, tx->rc, reply, "exec");
        freeReplyObject(reply);
        return -1;
    }

    rc = 1;
    for (i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type == REDIS_REPLY_ERROR) {
            rc = elaaoms_store_fail_reply(err, errlen, tx->rc,
                                          reply->element[i], "command");
            break;
        }
    }

    if (out && rc == 1) {
        *out = reply;
    } else {
        freeReplyObject(reply);
    }

    return rc;
}


/* a plain synchronous command expecting no particular result; 0 or -1 */
int
elaaoms_store_simple(elaaoms_redis_t *rc, char *err, size_t errlen,
    const char *what, int argc, const char **argv)
{
    redisReply  *reply;

    reply = elaaoms_redis_command_argv(rc, argc, argv, NULL);
    if (reply == NULL || reply->type == REDIS_REPLY_ERROR) {
        elaaoms_store_fail_reply(err, errlen, rc, reply, what);
        if (reply) {
            freeReplyObject(reply);
        }
        return -1;
    }

    freeReplyObject(reply);
    return 0;
}


void
elaaoms_memory_store_unwatch(elaaoms_redis_t *rc)
{
    const char  *argv[1] = { "UNWATCH" };

    (void) elaaoms_store_simple(rc, NULL, 0, "unwatch", 1, argv);
}


void
elaaoms_memory_store_backoff(int attempt)
{
    unsigned         seed;
    struct timespec  ts;

    if (attempt <= 0) {
        return;
    }

    if (attempt > 6) {
        attempt = 6;
    }

    clock_gettime(CLOCK_MONOTONIC, &ts);
    seed = (unsigned) ts.tv_nsec ^ ((unsigned) getpid() << 16);

    usleep((useconds_t) (rand_r(&seed) % (200u << attempt)));
}


static int
elaaoms_store_watch(elaaoms_redis_t *rc, const char *org, const char *caller,
    char *err, size_t errlen)
{
    char              key[ELAAOMS_MEMORY_KEY_MAX];
    const char       *argv[2];
    elaaoms_redis_t  *k;

    /*
     * the index only, the caller's slot: the tombstone is in the org's.
     * An erasure sets the tombstone, then writes and deletes the index in
     * one MULTI (caller_erase.c), so one after this WATCH aborts the
     * commit, whose retry then finds the tombstone
     * (elaaoms_memory_store_commit reads it after the WATCH)
     */
    if (elaaoms_memory_key(key, sizeof(key), org, caller,
                           ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    argv[0] = "WATCH";
    argv[1] = key;

    /* on the connection the transaction will take (tx_begin) */
    k = elaaoms_redis_key_context(rc, key);
    if (k == NULL) {
        return elaaoms_store_fail_reply(err, errlen, rc, NULL, "watch");
    }

    return elaaoms_store_simple(k, err, errlen, "watch", 2, argv);
}


/* --- reading records ----------------------------------------------------- */

/* 1 when every element of a (an array reply) is a string */
int
elaaoms_store_reply_strings(const redisReply *a)
{
    size_t  i;

    if (a->type != REDIS_REPLY_ARRAY) {
        return 0;
    }

    for (i = 0; i < a->elements; i++) {
        if (a->element[i]->type != REDIS_REPLY_STRING) {
            return 0;
        }
    }

    return 1;
}


/*
 * Decodes `values` (hiredis string or nil replies) into list->items,
 * skipping what does not decode or belongs to someone else.  fields, when
 * not NULL, are the hash fields the values were stored under: the id must
 * match.  Takes ownership of reply.  0 or -1 (out of memory).
 */
int
elaaoms_store_decode_list(elaaoms_memory_list_t *list, redisReply *reply,
    redisReply **values, redisReply **fields, size_t n, size_t stride,
    const char *org, const char *caller)
{
    size_t                    i;
    redisReply               *v;
    elaaoms_memory_record_t  *rec;

    memset(list, 0, sizeof(elaaoms_memory_list_t));
    list->reply = reply;

    if (n == 0) {
        return 0;
    }

    list->items = malloc(n * sizeof(elaaoms_memory_record_t));
    if (list->items == NULL) {
        elaaoms_memory_list_free(list);
        return -1;
    }

    for (i = 0; i < n; i++) {
        v = values[i * stride];

        if (v->type == REDIS_REPLY_NIL) {
            continue;   /* deleted since the ids were read */
        }

        rec = &list->items[list->n];

        if (v->type != REDIS_REPLY_STRING
            || elaaoms_memory_record_decode_view(v->str, v->len, rec, NULL)
               != 0
            || strcmp(rec->org.data, org) != 0
            || strcmp(rec->caller.data, caller) != 0
            || (fields != NULL
                && (fields[i * stride]->type != REDIS_REPLY_STRING
                    || fields[i * stride]->len != rec->id.len
                    || memcmp(fields[i * stride]->str, rec->id.data,
                              rec->id.len) != 0)))
        {
            list->bad++;
            continue;
        }

        list->n++;
    }

    return 0;
}


static int
elaaoms_store_hgetall(elaaoms_redis_t *rc, const char *org, const char *caller,
    elaaoms_memory_list_t *list, char *err, size_t errlen)
{
    char          key[ELAAOMS_MEMORY_KEY_MAX];
    redisReply   *reply;
    const char   *argv[2];

    memset(list, 0, sizeof(elaaoms_memory_list_t));

    if (elaaoms_memory_key(key, sizeof(key), org, caller,
                           ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    argv[0] = "HGETALL";
    argv[1] = key;

    reply = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
        || reply->elements % 2 != 0)
    {
        elaaoms_store_fail_reply(err, errlen, rc, reply, "hgetall");
        if (reply) {
            freeReplyObject(reply);
        }
        return -1;
    }

    if (elaaoms_store_decode_list(list, reply,
                                  reply->elements ? reply->element + 1 : NULL,
                                  reply->elements ? reply->element : NULL,
                                  reply->elements / 2, 2, org, caller)
        != 0)
    {
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    return 0;
}


int
elaaoms_memory_store_load(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_list_t *list, char *err,
    size_t errlen)
{
    memset(list, 0, sizeof(elaaoms_memory_list_t));

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        return -1;
    }

    return elaaoms_store_hgetall(rc, org, caller, list, err, errlen);
}


int
elaaoms_memory_store_watch_load(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_list_t *list, char *err,
    size_t errlen)
{
    memset(list, 0, sizeof(elaaoms_memory_list_t));

    if (elaaoms_store_check(org, caller, err, errlen) != 0
        || elaaoms_store_watch(rc, org, caller, err, errlen) != 0)
    {
        return -1;
    }

    if (elaaoms_store_hgetall(rc, org, caller, list, err, errlen) != 0) {
        elaaoms_memory_store_unwatch(rc);
        return -1;
    }

    return 0;
}


/* --- writing records ----------------------------------------------------- */

/* queues the record and every index entry of it */
static int
elaaoms_store_queue_put(elaaoms_store_tx_t *tx, const char *org,
    const char *caller, const elaaoms_memory_record_t *rec,
    const unsigned char *blob, size_t bloblen)
{
    char                   key[ELAAOMS_MEMORY_KEY_MAX], suffix[160], score[32];
    unsigned               k;
    const char            *argv[4];
    size_t                 lens[4];
    const elaaoms_mstr_t  *agent;

#define ELAAOMS_KEY(sfx)                                                      \
    if (elaaoms_memory_key(key, sizeof(key), org, caller, sfx) < 0) {         \
        return -1;                                                            \
    }

    ELAAOMS_KEY(ELAAOMS_MEMORY_KEY_INDEX);
    argv[0] = "HSET";  lens[0] = 4;
    argv[1] = key;     lens[1] = strlen(key);
    argv[2] = rec->id.data;  lens[2] = rec->id.len;
    argv[3] = (const char *) blob;  lens[3] = bloblen;
    elaaoms_store_tx_append(tx, 4, argv, lens);

    ELAAOMS_KEY(ELAAOMS_MEMORY_KEY_BY_TIME);
    snprintf(score, sizeof(score), "%lld", (long long) rec->created);
    elaaoms_store_tx_cmd(tx, "ZADD", key, score, rec->id.data);

    ELAAOMS_KEY(ELAAOMS_MEMORY_KEY_BY_IMPORTANCE);
    snprintf(score, sizeof(score), "%d", rec->importance);
    elaaoms_store_tx_cmd(tx, "ZADD", key, score, rec->id.data);

    snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_TYPE "%s",
             elaaoms_mem_type_name(rec->type));
    ELAAOMS_KEY(suffix);
    elaaoms_store_tx_cmd(tx, "SADD", key, rec->id.data, NULL);

    /* every agent of the record: the index never knows less than it */
    for (k = 0; k <= rec->nprior_agents; k++) {
        agent = k < rec->nprior_agents ? &rec->prior_agents[k]
                                       : &rec->agent_id;
        if (agent->len == 0) {
            continue;
        }

        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_AGENT "%s",
                 agent->data);
        ELAAOMS_KEY(suffix);
        elaaoms_store_tx_cmd(tx, "SADD", key, rec->id.data, NULL);

        ELAAOMS_KEY(ELAAOMS_MEMORY_KEY_AGENTS);
        elaaoms_store_tx_cmd(tx, "SADD", key, agent->data, NULL);
    }

    if (rec->conversation_id.len) {
        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_CONVERSATION "%s",
                 rec->conversation_id.data);
        ELAAOMS_KEY(suffix);
        elaaoms_store_tx_cmd(tx, "SADD", key, rec->id.data, NULL);

        ELAAOMS_KEY(ELAAOMS_MEMORY_KEY_CONVERSATIONS);
        elaaoms_store_tx_cmd(tx, "SADD", key, rec->conversation_id.data, NULL);
    }

#undef ELAAOMS_KEY

    return 0;
}


/* a fresh ELAAOMS_MEMORY_KEY_VERSION token into buf (33 bytes) */
static void
elaaoms_store_version_new(char *buf)
{
    size_t           i;
    uint64_t         a, b;
    unsigned char    rnd[ELAAOMS_MEMORY_VERSION_LEN / 2];
    struct timespec  ts;
    static uint32_t  seq;

    if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t) sizeof(rnd)) {
        /* no entropy yet: clock, pid and a sequence still separate them */
        clock_gettime(CLOCK_REALTIME, &ts);
        a = (uint64_t) ts.tv_sec << 30 ^ (uint64_t) ts.tv_nsec;
        b = (uint64_t) getpid() << 32 | ++seq;
        memcpy(rnd, &a, sizeof(a));
        memcpy(rnd + sizeof(a), &b, sizeof(b));
    }

    for (i = 0; i < sizeof(rnd); i++) {
        snprintf(buf + 2 * i, 3, "%02x", rnd[i]);
    }
}


int
elaaoms_memory_store_commit(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_record_t *const *recs, size_t n,
    char *err, size_t errlen)
{
    int                   rc_, r;
    char                  key[ELAAOMS_MEMORY_KEY_MAX];
    char                  version[ELAAOMS_MEMORY_VERSION_LEN + 1];
    size_t                i, *lens;
    const char           *why, *argv[3];
    unsigned char       **blobs;
    elaaoms_store_tx_t    tx;

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        elaaoms_memory_store_unwatch(rc);
        return -1;
    }

    if (n == 0) {
        elaaoms_memory_store_unwatch(rc);
        return 1;
    }

    /* encode everything first: a refusal must not leave a MULTI open */

    blobs = calloc(n, sizeof(unsigned char *));
    lens = calloc(n, sizeof(size_t));
    if (blobs == NULL || lens == NULL) {
        free(blobs);
        free(lens);
        elaaoms_memory_store_unwatch(rc);
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    rc_ = 0;

    for (i = 0; i < n && rc_ == 0; i++) {
        if (elaaoms_memory_record_validate(recs[i], &why) != 0) {
            rc_ = elaaoms_store_fail(err, errlen, "memory %zu: %s", i, why);

        } else if (strcmp(recs[i]->org.data, org) != 0
                   || strcmp(recs[i]->caller.data, caller) != 0)
        {
            rc_ = elaaoms_store_fail(err, errlen,
                                     "memory %zu: another org or caller", i);

        } else if (!elaaoms_store_opt_id_ok(recs[i]->agent_id.data,
                                            recs[i]->agent_id.len)
                   || !elaaoms_store_prior_agents_ok(recs[i])
                   || !elaaoms_store_opt_id_ok(recs[i]->conversation_id.data,
                                               recs[i]->conversation_id.len))
        {
            rc_ = elaaoms_store_fail(err, errlen,
                                     "memory %zu: invalid agent or "
                                     "conversation id", i);

        } else if (elaaoms_memory_record_encode_alloc(recs[i], &blobs[i],
                                                      &lens[i]) != 0)
        {
            rc_ = elaaoms_store_fail(err, errlen, "out of memory");
        }
    }

    if (rc_ == 0) {
        /*
         * an erased caller gets nothing back; read after the WATCH of
         * the index, which an erasure touches after setting the
         * tombstone: an erasure between this check and EXEC aborts the
         * transaction and the retry lands here
         */
        r = elaaoms_caller_forgotten(rc, org, caller);
        if (r != 0) {
            elaaoms_memory_store_unwatch(rc);
            for (i = 0; i < n; i++) {
                free(blobs[i]);
            }
            free(blobs);
            free(lens);
            return r == 1 ? 1
                   : elaaoms_store_fail(err, errlen, "tombstone check");
        }

        /* the org directory lives in another slot: before, not inside */
        if (elaaoms_key_org(key, sizeof(key), org,
                            ELAAOMS_MEMORY_KEY_CALLERS) < 0)
        {
            rc_ = elaaoms_store_fail(err, errlen, "key too long");

        } else {
            argv[0] = "SADD";
            argv[1] = key;
            argv[2] = caller;
            rc_ = elaaoms_store_simple(rc, err, errlen, "sadd callers", 3,
                                       argv);
        }
    }

    if (rc_ == 0 && elaaoms_memory_key(key, sizeof(key), org, caller,
                                       ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        rc_ = elaaoms_store_fail(err, errlen, "key too long");
    }

    if (rc_ == 0) {
        elaaoms_store_tx_begin(&tx, rc, key);

        for (i = 0; i < n; i++) {
            if (elaaoms_store_queue_put(&tx, org, caller, recs[i], blobs[i],
                                        lens[i])
                != 0)
            {
                tx.bad = 1;   /* exec() sends DISCARD */
                elaaoms_store_fail(err, errlen, "key too long");
            }
        }

        /* readers that cached the records see they changed (redis_keys.h) */
        if (elaaoms_memory_key(key, sizeof(key), org, caller,
                               ELAAOMS_MEMORY_KEY_VERSION) < 0)
        {
            tx.bad = 1;
            elaaoms_store_fail(err, errlen, "key too long");

        } else {
            elaaoms_store_version_new(version);
            elaaoms_store_tx_cmd(&tx, "SET", key, version, NULL);
        }

        rc_ = elaaoms_store_tx_exec(&tx, NULL, err, errlen);

    } else {
        elaaoms_memory_store_unwatch(rc);
    }

    for (i = 0; i < n; i++) {
        free(blobs[i]);
    }
    free(blobs);
    free(lens);

    return rc_;
}


int
elaaoms_memory_store_add(elaaoms_redis_t *rc,
    const elaaoms_memory_record_t *rec, char *err, size_t errlen)
{
    int  r;

    if (rec->org.data == NULL || rec->caller.data == NULL) {
        return elaaoms_store_fail(err, errlen, "no org or caller");
    }

    r = elaaoms_memory_store_commit(rc, rec->org.data, rec->caller.data,
                                    &rec, 1, err, errlen);

    /* nothing is watched, so the transaction cannot be aborted */
    return r == 1 ? 0 : -1;
}


int
elaaoms_memory_store_reinforce(elaaoms_redis_t *rc,
    const elaaoms_memory_reinforce_req_t *req, char *err, size_t errlen)
{
    int                             r, attempt;
    char                            key[ELAAOMS_MEMORY_KEY_MAX];
    const char                     *argv[3];
    const char                     *org, *caller, *id, *conversation_id;
    const char                     *agent_id;
    redisReply                     *reply;
    elaaoms_memory_record_t         rec;
    const elaaoms_memory_record_t  *recp = &rec;

    org = req->org;
    caller = req->caller;
    id = req->id;
    conversation_id = req->conversation_id;
    agent_id = req->agent_id;

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        return -1;
    }

    if (id == NULL || !elaaoms_memory_id_valid(id, strlen(id))
        || conversation_id == NULL
        || !elaaoms_conversation_id_valid_str(conversation_id)
        || !elaaoms_store_opt_id_ok(agent_id ? agent_id : "",
                                    agent_id ? strlen(agent_id) : 0))
    {
        return elaaoms_store_fail(err, errlen,
                                  "invalid memory, conversation or agent id");
    }

    if (elaaoms_memory_key(key, sizeof(key), org, caller,
                           ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    for (attempt = 0; attempt < ELAAOMS_MEMORY_STORE_RETRIES; attempt++) {

        elaaoms_memory_store_backoff(attempt);

        if (elaaoms_store_watch(rc, org, caller, err, errlen) != 0) {
            return -1;
        }

        argv[0] = "HGET";
        argv[1] = key;
        argv[2] = id;

        reply = elaaoms_redis_command_argv(rc, 3, argv, NULL);
        if (reply == NULL
            || (reply->type != REDIS_REPLY_STRING
                && reply->type != REDIS_REPLY_NIL))
        {
            elaaoms_store_fail_reply(err, errlen, rc, reply, "hget");
            if (reply) {
                freeReplyObject(reply);
            }
            elaaoms_memory_store_unwatch(rc);
            return -1;
        }

        if (reply->type == REDIS_REPLY_NIL) {
            freeReplyObject(reply);
            elaaoms_memory_store_unwatch(rc);
            return 1;
        }

        if (elaaoms_memory_record_decode_view(reply->str, reply->len, &rec,
                                              NULL)
            != 0)
        {
            freeReplyObject(reply);
            elaaoms_memory_store_unwatch(rc);
            return elaaoms_store_fail(err, errlen, "memory %s: bad record",
                                      id);
        }

        elaaoms_memory_record_reinforce(&rec, elaaoms_mstr(conversation_id),
                                        elaaoms_mstr(agent_id),
                                        req->confidence, req->importance,
                                        req->now);

        r = elaaoms_memory_store_commit(rc, org, caller, &recp, 1, err,
                                        errlen);
        freeReplyObject(reply);

        if (r != 0) {
            return r == 1 ? 0 : -1;
        }
    }

    return elaaoms_store_fail(err, errlen, "reinforce: too many concurrent "
                              "writers");
}
