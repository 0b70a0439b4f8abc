/*
 * Complete erasure of a caller (see caller_erase.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/context_store.h"
#include "intake/ids.h"
#include "intake/job.h"
#include "intake/payload_erase.h"
#include "intake/postcall.h"
#include "store/caller_erase.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


static int
elaaoms_erase_ids_has(const elaaoms_erase_ids_t *s, const char *id)
{
    size_t  i;

    for (i = 0; i < s->n; i++) {
        if (strcmp(s->ids[i], id) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
elaaoms_erase_ids_add(elaaoms_erase_ids_t *s, const char *id)
{
    char  **p;

    if (!elaaoms_conversation_id_valid_str(id)
        || elaaoms_erase_ids_has(s, id))
    {
        return 0;
    }

    if (s->n == s->cap) {
        p = realloc(s->ids, (s->cap ? 2 * s->cap : 16) * sizeof(char *));
        if (p == NULL) {
            return -1;
        }
        s->ids = p;
        s->cap = s->cap ? 2 * s->cap : 16;
    }

    s->ids[s->n] = strdup(id);
    if (s->ids[s->n] == NULL) {
        return -1;
    }

    s->n++;
    return 0;
}


void
elaaoms_erase_ids_free(elaaoms_erase_ids_t *s)
{
    size_t  i;

    for (i = 0; i < s->n; i++) {
        free(s->ids[i]);
    }

    free(s->ids);
}


static int
elaaoms_erase_fail(char *err, size_t errlen, elaaoms_redis_t *rc,
    redisReply *r, const char *what)
{
    snprintf(err, errlen, "%s: %s", what,
             r == NULL ? elaaoms_redis_errstr(rc)
             : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
    if (r) {
        freeReplyObject(r);
    }
    return -1;
}


/* adds the members of a set of conversation ids */
static int
elaaoms_erase_add_set(elaaoms_redis_t *rc, const char *key,
    elaaoms_erase_ids_t *ids, char *err, size_t errlen)
{
    size_t       i;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "SMEMBERS %s", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        return elaaoms_erase_fail(err, errlen, rc, r, "smembers");
    }

    for (i = 0; i < r->elements; i++) {
        if (r->element[i]->type == REDIS_REPLY_STRING
            && elaaoms_erase_ids_add(ids, r->element[i]->str) != 0)
        {
            freeReplyObject(r);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    freeReplyObject(r);
    return 0;
}


/*
 * One job list or the delayed set: without visit, adds the conversations
 * of the caller's jobs to ids; with it, visits the jobs of the caller or
 * of a collected conversation.  -1 or the sum of visit's answers.
 */
static long
elaaoms_erase_jobs(elaaoms_redis_t *rc, const char *key, int zset,
    const char *org, const char *caller, elaaoms_erase_ids_t *ids,
    elaaoms_erase_visit_pt visit, void *data, char *err, size_t errlen)
{
    int             mine;
    long            n, v;
    size_t          i;
    redisReply     *r;
    elaaoms_job_t   job;

    r = elaaoms_redis_command(rc, zset ? "ZRANGE %s 0 -1" : "LRANGE %s 0 -1",
                              key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        return elaaoms_erase_fail(err, errlen, rc, r, "job list");
    }

    n = 0;

    for (i = 0; i < r->elements; i++) {
        if (r->element[i]->type != REDIS_REPLY_STRING
            || elaaoms_job_decode(r->element[i]->str, r->element[i]->len,
                                  &job, NULL, 0) != 0)
        {
            continue;
        }

        mine = strcmp(job.org, org) == 0
               && ((job.caller != NULL && strcmp(job.caller, caller) == 0)
                   || (visit
                       && elaaoms_erase_ids_has(ids, job.conversation_id)));

        if (mine && visit == NULL
            && elaaoms_erase_ids_add(ids, job.conversation_id) != 0)
        {
            elaaoms_job_free(&job);
            freeReplyObject(r);
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        elaaoms_job_free(&job);

        if (!mine || visit == NULL) {
            continue;
        }

        v = visit(data, rc, key, zset, r->element[i], err, errlen);
        if (v < 0) {
            freeReplyObject(r);
            return -1;
        }

        n += v;
    }

    freeReplyObject(r);
    return n;
}


/* erasure's visit: a job's exact value out of its list or delayed set,
   an audit entry ([id, fields]) out of the stream */
static long
elaaoms_erase_remove(void *data, elaaoms_redis_t *rc, const char *key,
    int zset, const redisReply *item, char *err, size_t errlen)
{
    long         n;
    redisReply  *d;

    (void) data;

    if (item->type == REDIS_REPLY_ARRAY) {
        d = elaaoms_redis_command(rc, "XDEL %s %b", key, item->element[0]->str,
                                  item->element[0]->len);
    } else {
        d = elaaoms_redis_command(rc, zset ? "ZREM %s %b" : "LREM %s 0 %b", key,
                                  item->str, item->len);
    }

    if (d == NULL || d->type != REDIS_REPLY_INTEGER) {
        return elaaoms_erase_fail(err, errlen, rc, d, "removal");
    }

    n = (long) d->integer;
    freeReplyObject(d);
    return n;
}


/* every job list of org: ready, failed, invalid, each worker's, delayed */
static int
elaaoms_erase_all_jobs(elaaoms_redis_t *rc, const char *org, const char *caller,
    elaaoms_erase_ids_t *ids, elaaoms_erase_visit_pt visit, void *data,
    size_t *total, char *err, size_t errlen)
{
    long          n;
    size_t        i, nlists;
    char          key[ELAAOMS_KEY_MAX];
    redisReply   *workers;
    const char   *lists[] = {
        ELAAOMS_JOBS_READY, ELAAOMS_JOBS_FAILED, ELAAOMS_JOBS_INVALID,
        ELAAOMS_JOBS_DELAYED
    };

    workers = elaaoms_redis_command(rc, "HKEYS %s", ELAAOMS_KEY_WORKERS);
    if (workers == NULL || workers->type != REDIS_REPLY_ARRAY) {
        return elaaoms_erase_fail(err, errlen, rc, workers, "workers");
    }

    nlists = sizeof(lists) / sizeof(lists[0]);

    for (i = 0; i < nlists + workers->elements; i++) {
        if (i < nlists) {
            n = elaaoms_key_jobs(key, sizeof(key), org, lists[i], NULL);

        } else if (workers->element[i - nlists]->type == REDIS_REPLY_STRING) {
            n = elaaoms_key_jobs(key, sizeof(key), org,
                                 ELAAOMS_JOBS_PROCESSING,
                                 workers->element[i - nlists]->str);
        } else {
            continue;
        }

        if (n >= 0) {
            n = elaaoms_erase_jobs(rc, key,
                                   i < nlists && strcmp(lists[i],
                                                 ELAAOMS_JOBS_DELAYED) == 0,
                                   org, caller, ids, visit, data, err,
                                   errlen);
        }

        if (n < 0) {
            freeReplyObject(workers);
            if (n == -1 && err[0] == '\0') {
                snprintf(err, errlen, "key too long");
            }
            return -1;
        }

        if (total) {
            *total += (size_t) n;
        }
    }

    freeReplyObject(workers);
    return 0;
}


int
elaaoms_caller_conversations(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_erase_ids_t *ids, char *err, size_t errlen)
{
    char  key[ELAAOMS_KEY_MAX];

    err[0] = '\0';

    if (elaaoms_key_conversation_index(key, sizeof(key), org, caller) < 0
        || elaaoms_erase_add_set(rc, key, ids, err, errlen) != 0
        || elaaoms_key_caller(key, sizeof(key), org, caller,
                              ELAAOMS_MEMORY_KEY_CONVERSATIONS) < 0
        || elaaoms_erase_add_set(rc, key, ids, err, errlen) != 0
        /* the contexts' count of calls: older data, before the index */
        || elaaoms_key_caller(key, sizeof(key), org, caller,
                              ELAAOMS_CONTEXT_KEY_CALL_IDS) < 0
        || elaaoms_erase_add_set(rc, key, ids, err, errlen) != 0
        || elaaoms_erase_all_jobs(rc, org, caller, ids, NULL, NULL, NULL,
                                  err, errlen) != 0)
    {
        if (err[0] == '\0') {
            snprintf(err, errlen, "key too long");
        }
        return -1;
    }

    return 0;
}


int
elaaoms_caller_jobs(elaaoms_redis_t *rc, const char *org, const char *caller,
    elaaoms_erase_ids_t *ids, elaaoms_erase_visit_pt visit, void *data,
    size_t *total, char *err, size_t errlen)
{
    err[0] = '\0';

    return elaaoms_erase_all_jobs(rc, org, caller, ids, visit, data, total,
                                  err, errlen);
}


/* the audit entries that name the caller, read in pages */
int
elaaoms_caller_audit(elaaoms_redis_t *rc, const char *org, const char *caller,
    elaaoms_erase_visit_pt visit, void *data, size_t *total, char *err,
    size_t errlen)
{
    long         v;
    char         key[ELAAOMS_KEY_MAX], start[64];
    size_t       i, j;
    redisReply  *r, *e, *f;

    err[0] = '\0';

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_KEY_AUDIT) < 0) {
        snprintf(err, errlen, "key too long");
        return -1;
    }

    strcpy(start, "-");

    for ( ;; ) {
        r = elaaoms_redis_command(rc, "XRANGE %s %s + COUNT 500", key, start);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
            return elaaoms_erase_fail(err, errlen, rc, r, "xrange");
        }

        if (r->elements == 0) {
            freeReplyObject(r);
            return 0;
        }

        for (i = 0; i < r->elements; i++) {
            e = r->element[i];
            if (e->type != REDIS_REPLY_ARRAY || e->elements != 2
                || e->element[0]->type != REDIS_REPLY_STRING
                || e->element[1]->type != REDIS_REPLY_ARRAY)
            {
                continue;
            }

            f = e->element[1];

            for (j = 0; j + 1 < f->elements; j += 2) {
                if (f->element[j]->type == REDIS_REPLY_STRING
                    && f->element[j + 1]->type == REDIS_REPLY_STRING
                    && strcmp(f->element[j]->str, "caller") == 0
                    && strcmp(f->element[j + 1]->str, caller) == 0)
                {
                    v = visit(data, rc, key, 0, e, err, errlen);
                    if (v < 0) {
                        freeReplyObject(r);
                        return -1;
                    }
                    if (total) {
                        *total += (size_t) v;
                    }
                    break;
                }
            }
        }

        /* the next page starts after the last id read */
        e = r->element[r->elements - 1];
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 1
            || e->element[0]->type != REDIS_REPLY_STRING
            || e->element[0]->len + 2 > sizeof(start))
        {
            freeReplyObject(r);
            return 0;
        }

        snprintf(start, sizeof(start), "(%s", e->element[0]->str);
        freeReplyObject(r);
    }
}


size_t
elaaoms_conversation_keys(char keys[][ELAAOMS_KEY_MAX], const char *org,
    const char *conversation_id)
{
    int          t, n;
    size_t       nkeys;
    const char  *type;

    nkeys = 0;

    n = elaaoms_key_conversation(keys[nkeys], ELAAOMS_KEY_MAX, org,
                                 conversation_id);
    nkeys += (n >= 0);

    n = elaaoms_key_call(keys[nkeys], ELAAOMS_KEY_MAX, org, conversation_id,
                         strlen(conversation_id));
    nkeys += (n >= 0);

    for (t = 1; nkeys < ELAAOMS_CONVERSATION_KEYS; t++) {
        type = elaaoms_postcall_type_name((elaaoms_postcall_type_t) t);
        if (type[0] == '\0') {
            break;
        }
        n = elaaoms_key_intake(keys[nkeys], ELAAOMS_KEY_MAX, org, type,
                               conversation_id);
        nkeys += (n >= 0);
    }

    return nkeys;
}


int
elaaoms_conversation_erase(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *conversation_id, size_t *files, char *err,
    size_t errlen)
{
    char         keys[ELAAOMS_CONVERSATION_KEYS][ELAAOMS_KEY_MAX];
    const char  *argv[ELAAOMS_CONVERSATION_KEYS + 1];
    size_t       i, nkeys;
    redisReply  *r;

    if (files) {
        *files = 0;
    }

    nkeys = elaaoms_conversation_keys(keys, org, conversation_id);

    argv[0] = "DEL";
    for (i = 0; i < nkeys; i++) {
        argv[i + 1] = keys[i];
    }

    r = elaaoms_redis_command_argv(rc, (int) nkeys + 1, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        return elaaoms_erase_fail(err, errlen, rc, r, "del conversation");
    }
    freeReplyObject(r);

    /* the status page's list of recent conversations */
    if (elaaoms_key_recent(keys[0], ELAAOMS_KEY_MAX, org) >= 0) {
        r = elaaoms_redis_command(rc, "ZREM %s %s", keys[0], conversation_id);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            return elaaoms_erase_fail(err, errlen, rc, r, "zrem recent");
        }
        freeReplyObject(r);
    }

    if (payload_dir == NULL) {
        return 0;
    }

    return elaaoms_payload_erase(payload_dir, org, conversation_id, files,
                                 err, errlen);
}


int
elaaoms_caller_forgotten(elaaoms_redis_t *rc, const char *org,
    const char *caller)
{
    int          v;
    char         key[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (caller == NULL || caller[0] == '\0') {
        return 0;
    }

    if (elaaoms_key_tombstone(key, sizeof(key), org, caller) < 0) {
        return -1;
    }

    r = elaaoms_redis_command(rc, "EXISTS %s", key);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    v = r->integer > 0;
    freeReplyObject(r);
    return v;
}


int
elaaoms_caller_erase_touch(elaaoms_redis_t *rc, const char *org,
    const char *caller, char *err, size_t errlen)
{
    int          i, ok;
    char         keys[ELAAOMS_ERASE_TOUCH_KEYS][ELAAOMS_KEY_MAX];
    const char       *argv[ELAAOMS_ERASE_TOUCH_KEYS + 1];
    redisReply       *r;
    elaaoms_redis_t  *tx;

    if (elaaoms_caller_erase_touch_keys(keys, org, caller) != 0) {
        snprintf(err, errlen, "key too long");
        return -1;
    }

    /* the caller's keys share a slot: one connection for the MULTI */
    tx = elaaoms_redis_key_context(rc, keys[0]);
    if (tx == NULL) {
        snprintf(err, errlen, "erase touch: %s", elaaoms_redis_errstr(rc));
        return -1;
    }

    argv[0] = "DEL";
    for (i = 0; i < ELAAOMS_ERASE_TOUCH_KEYS; i++) {
        argv[i + 1] = keys[i];
    }

    /* the HSET makes sure the watched index is written, even when the
     * caller had no memory yet; the DEL takes it away again */
    elaaoms_redis_append(tx, "MULTI");
    elaaoms_redis_append(tx, "HSET %s %s 1", keys[0],
                         ELAAOMS_ERASE_TOUCH_FIELD);
    elaaoms_redis_append_argv(tx, ELAAOMS_ERASE_TOUCH_KEYS + 1, argv, NULL);
    elaaoms_redis_append(tx, "EXEC");

    ok = 1;
    for (i = 0; i < 4; i++) {
        r = NULL;
        if (elaaoms_redis_get_reply(tx, (void **) &r) != REDIS_OK
            || r == NULL)
        {
            snprintf(err, errlen, "erase touch: %s",
                     elaaoms_redis_errstr(tx)[0] ? elaaoms_redis_errstr(tx)
                                                 : "no reply");
            return -1;
        }
        ok = ok && r->type != REDIS_REPLY_ERROR
             && (i < 3 || r->type == REDIS_REPLY_ARRAY);
        freeReplyObject(r);
    }

    if (!ok) {
        snprintf(err, errlen, "erase touch: the transaction failed");
        return -1;
    }

    return 0;
}


int
elaaoms_caller_erase(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *caller, long ttl,
    elaaoms_erase_counts_t *counts, char *err, size_t errlen)
{
    int                   rv;
    char                  key[ELAAOMS_KEY_MAX];
    size_t                i, files, deleted;
    redisReply           *r;
    elaaoms_erase_ids_t   ids;

    memset(counts, 0, sizeof(elaaoms_erase_counts_t));
    memset(&ids, 0, sizeof(ids));
    err[0] = '\0';

    if (!elaaoms_job_org_valid(org) || caller == NULL || caller[0] == '\0'
        || elaaoms_key_tombstone(key, sizeof(key), org, caller) < 0)
    {
        snprintf(err, errlen, "invalid org or caller");
        return -1;
    }

    /* first: intake and the worker drop the caller from now on */
    r = elaaoms_redis_command(rc, "SET %s 1 EX %ld", key, ttl > 0 ? ttl : 1);
    if (r == NULL || r->type != REDIS_REPLY_STATUS) {
        return elaaoms_erase_fail(err, errlen, rc, r, "tombstone");
    }
    freeReplyObject(r);

    /* then: a memory commit in flight aborts (caller_erase.h) */
    if (elaaoms_caller_erase_touch(rc, org, caller, err, errlen) != 0) {
        return -1;
    }

    rv = -1;

    if (elaaoms_caller_conversations(rc, org, caller, &ids, err, errlen) != 0
        || elaaoms_caller_jobs(rc, org, caller, &ids,
                               elaaoms_erase_remove, NULL, &counts->jobs,
                               err, errlen) != 0)
    {
        goto done;
    }

    for (i = 0; i < ids.n; i++) {
        if (elaaoms_conversation_erase(rc, payload_dir, org, ids.ids[i],
                                       &files, err, errlen) != 0)
        {
            goto done;
        }
        counts->files += files;
        counts->conversations++;
    }

    if (elaaoms_caller_audit(rc, org, caller, elaaoms_erase_remove,
                             NULL, &counts->audit, err, errlen) != 0
        || elaaoms_memory_store_delete_caller(rc, org, caller, &deleted, err,
                                              errlen) != 0)
    {
        goto done;
    }

    counts->keys = deleted;

    /* the conversation index, in the org's slot: last, it was the list */
    if (elaaoms_key_conversation_index(key, sizeof(key), org, caller) < 0) {
        goto done;
    }

    r = elaaoms_redis_command(rc, "DEL %s", key);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        elaaoms_erase_fail(err, errlen, rc, r, "del conversation index");
        goto done;
    }
    counts->keys += (size_t) r->integer;
    freeReplyObject(r);

    rv = 0;

done:

    if (rv != 0 && err[0] == '\0') {
        snprintf(err, errlen, "key too long");
    }

    elaaoms_erase_ids_free(&ids);
    return rv;
}
