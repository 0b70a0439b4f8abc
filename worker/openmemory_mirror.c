/*
 * The OpenMemory mirror (see openmemory_mirror.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/openmemory.h"
#include "intake/caller_id.h"
#include "intake/job.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "openmemory_mirror.h"
#include "sweep.h"
#include "worker_log.h"

/* a retry member: op, caller, memory id or OpenMemory id, tabs between */
#define ELAAOMS_OM_MEMBER_MAX  (ELAAOMS_KEY_MAX + ELAAOMS_OPENMEMORY_ID_MAX)

/* due retries taken per org and drain: the loop stays responsive */
#define ELAAOMS_OM_DRAIN_BATCH  100


int
elaaoms_om_enabled(const elaaoms_worker_config_t *cf, const char *org)
{
    const char  *url, *key;

    return elaaoms_worker_config_openmemory(cf, org, &url, &key) == 0;
}


static int
elaaoms_om_client(const elaaoms_worker_config_t *cf, const char *org,
    elaaoms_openmemory_t *om)
{
    memset(om, 0, sizeof(elaaoms_openmemory_t));
    om->timeout_ms = cf->openmemory_timeout_ms;

    return elaaoms_worker_config_openmemory(cf, org, &om->url, &om->api_key);
}


/* a failed operation back on the queue, later, or on the failed set */
static void
elaaoms_om_schedule(const elaaoms_worker_config_t *cf, elaaoms_redis_t *rc,
    const char *org, const char *member)
{
    char         retry[ELAAOMS_KEY_MAX], attempts[ELAAOMS_KEY_MAX];
    char         failed[ELAAOMS_KEY_MAX];
    long long    n;
    time_t       now;
    redisReply  *r;

    if (elaaoms_key_org(retry, sizeof(retry), org, ELAAOMS_OM_KEY_RETRY) < 0
        || elaaoms_key_org(attempts, sizeof(attempts), org,
                           ELAAOMS_OM_KEY_ATTEMPTS) < 0
        || elaaoms_key_org(failed, sizeof(failed), org,
                           ELAAOMS_OM_KEY_FAILED) < 0)
    {
        return;
    }

    r = elaaoms_redis_command(rc, "HINCRBY %s %s 1", attempts, member);
    n = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : 1;
    if (r) {
        freeReplyObject(r);
    }

    now = time(NULL);

    if (n > ELAAOMS_WORKER_MAX_RETRIES) {
        freeReplyObject(elaaoms_redis_command(rc, "ZADD %s %lld %s", failed,
                                              (long long) now, member));
        freeReplyObject(elaaoms_redis_command(rc, "ZREM %s %s", retry, member));
        freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %s", attempts,
                                              member));
        return;
    }

    freeReplyObject(elaaoms_redis_command(rc, "ZADD %s %.3f %s", retry,
                                          (double) now
                                          + cf->retry_delays[n - 1]
                                            * cf->time_scale,
                                          member));
}


/* a member done: off the queue, its count and the failed set */
static void
elaaoms_om_done(elaaoms_redis_t *rc, const char *org, const char *member)
{
    char  key[ELAAOMS_KEY_MAX];

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_OM_KEY_ATTEMPTS) >= 0) {
        freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %s", key, member));
    }
    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_OM_KEY_FAILED) >= 0) {
        freeReplyObject(elaaoms_redis_command(rc, "ZREM %s %s", key, member));
    }
}


/* the OpenMemory id of a memory into id ("" when none); 0 or -1 */
static int
elaaoms_om_mapped(elaaoms_redis_t *rc, const char *map, const char *memory_id,
    char *id)
{
    redisReply  *r;

    id[0] = '\0';

    r = elaaoms_redis_command(rc, "HGET %s %s", map, memory_id);
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    if (r->type == REDIS_REPLY_STRING && r->len < ELAAOMS_OPENMEMORY_ID_MAX) {
        memcpy(id, r->str, r->len);
        id[r->len] = '\0';
    }

    freeReplyObject(r);
    return 0;
}


/*
 * An add that never adopts another memory's copy: the real server merges
 * a text with the same words as any memory of its database (any tenant)
 * and answers that memory's id with "deduplicated" (two callers' same
 * sentence, another team's note): deleting it on erasure would delete
 * someone else's memory.  So the text is sent again made distinct by
 * " [elaaoms:<memory id>]".  0 added, 1 merged even so (not mirrored),
 * -1 failed.
 */
static int
elaaoms_om_add(const elaaoms_openmemory_t *om, const char *org,
    const char *memory_id, const elaaoms_memory_record_t *rec, char *id,
    elaaoms_api_error_t *err)
{
    int   rv;
    char  suffix[ELAAOMS_MEMORY_ID_MAX + 16];

    rv = elaaoms_openmemory_add(om, rec, NULL, id, err);
    if (rv != 1) {
        return rv;
    }

    snprintf(suffix, sizeof(suffix), " [elaaoms:%s]", memory_id);

    rv = elaaoms_openmemory_add(om, rec, suffix, id, err);
    if (rv != 1) {
        return rv;
    }

    elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "openmemory of %s: memory %s not "
                "mirrored: the server merged it into its memory %s even "
                "with the suffix \"%s\" (its deduplication); the memory "
                "stays marked not mirrored", org, memory_id, id, suffix);
    id[0] = '\0';
    return 1;
}


/*
 * One memory made equal in OpenMemory to what Redis holds now: added,
 * patched (added again when OpenMemory lost it), or deleted when Redis
 * no longer has it.  0 done, 1 not mirrorable (the server merges it,
 * see elaaoms_om_add: left pending, not queued), -1 failed (queue it).
 */
static int
elaaoms_om_sync(const elaaoms_openmemory_t *om, elaaoms_redis_t *rc,
    const char *org, const char *caller, const char *memory_id,
    const elaaoms_memory_record_t *rec)
{
    int                      rv;
    char                     map[ELAAOMS_KEY_MAX], pending[ELAAOMS_KEY_MAX];
    char                     index[ELAAOMS_KEY_MAX];
    char                     id[ELAAOMS_OPENMEMORY_ID_MAX];
    char                     member[ELAAOMS_OM_MEMBER_MAX];
    const char              *why;
    redisReply              *r;
    elaaoms_api_error_t      err;
    elaaoms_memory_record_t  loaded;

    if (elaaoms_key_caller(map, sizeof(map), org, caller,
                           ELAAOMS_OM_KEY_MAP) < 0
        || elaaoms_key_caller(pending, sizeof(pending), org, caller,
                              ELAAOMS_OM_KEY_PENDING) < 0
        || elaaoms_key_caller(index, sizeof(index), org, caller,
                              ELAAOMS_MEMORY_KEY_INDEX) < 0
        || elaaoms_om_mapped(rc, map, memory_id, id) != 0)
    {
        return -1;
    }

    r = NULL;

    if (rec == NULL) {
        r = elaaoms_redis_command(rc, "HGET %s %s", index, memory_id);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            if (r) {
                freeReplyObject(r);
            }
            return -1;
        }

        if (r->type == REDIS_REPLY_STRING
            && elaaoms_memory_record_decode_view(r->str, r->len, &loaded,
                                                 &why) == 0)
        {
            rec = &loaded;
        }
    }

    if (rec == NULL) {
        /* deleted from Redis: the copy goes too */
        rv = id[0] ? elaaoms_openmemory_delete(om, id, &err) : 0;
        if (rv == 0) {
            freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %s", map,
                                                  memory_id));
        }

    } else if (id[0]) {
        rv = elaaoms_openmemory_patch(om, id, rec, &err);
        if (rv == 1) {
            /* lost on OpenMemory's side: added again */
            id[0] = '\0';
        }
    }

    if (rec != NULL && id[0] == '\0') {
        rv = elaaoms_om_add(om, org, memory_id, rec, id, &err);
        if (rv == 0) {
            freeReplyObject(elaaoms_redis_command(rc, "HSET %s %s %s", map,
                                                  memory_id, id));
        }
    }

    if (r) {
        freeReplyObject(r);
    }

    snprintf(member, sizeof(member), "sync\t%s\t%s", caller, memory_id);

    if (rv == 1) {
        /* stays marked not mirrored, off the queue: retrying cannot help */
        elaaoms_om_done(rc, org, member);
        return 1;
    }

    if (rv != 0) {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "openmemory of %s: memory %s "
                    "not mirrored (queued): %s", org, memory_id,
                    err.message);
        return -1;
    }

    freeReplyObject(elaaoms_redis_command(rc, "SREM %s %s", pending,
                                          memory_id));
    elaaoms_om_done(rc, org, member);
    return 0;
}


/* a sync (om NULL: OpenMemory known down, none tried) or, failed,
   queued; 0 synced, -1 queued */
static int
elaaoms_om_sync_or_queue(const elaaoms_worker_config_t *cf,
    const elaaoms_openmemory_t *om, elaaoms_redis_t *rc, const char *org,
    const char *caller, const char *memory_id,
    const elaaoms_memory_record_t *rec)
{
    char  member[ELAAOMS_OM_MEMBER_MAX];

    if (om != NULL && elaaoms_om_sync(om, rc, org, caller, memory_id, rec)
                      >= 0)
    {
        return 0;
    }

    snprintf(member, sizeof(member), "sync\t%s\t%s", caller, memory_id);
    elaaoms_om_schedule(cf, rc, org, member);
    return -1;
}


/* 1 when rec is one the conversation wrote, or one of those superseded */
static int
elaaoms_om_touched(const elaaoms_memory_list_t *list, size_t i,
    elaaoms_mstr_t conv)
{
    size_t    k;
    unsigned  c;

    if (elaaoms_mstr_eq(list->items[i].conversation_id, conv)) {
        return 1;
    }

    for (k = 0; k < list->n; k++) {
        if (!elaaoms_mstr_eq(list->items[k].conversation_id, conv)) {
            continue;
        }
        for (c = 0; c < list->items[k].nconflicts; c++) {
            if (elaaoms_mstr_eq(list->items[k].conflicts[c],
                                list->items[i].id))
            {
                return 1;
            }
        }
    }

    return 0;
}


void
elaaoms_om_mirror_conversation(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller,
    const char *conversation_id)
{
    int                    down;
    char                   pending[ELAAOMS_KEY_MAX], err[256];
    char                   id[ELAAOMS_MEMORY_ID_MAX + 1];
    size_t                 i;
    elaaoms_openmemory_t   om;
    elaaoms_memory_list_t  list;

    if (elaaoms_om_client(cf, org, &om) != 0
        || elaaoms_key_caller(pending, sizeof(pending), org, caller,
                              ELAAOMS_OM_KEY_PENDING) < 0)
    {
        return;
    }

    memset(&list, 0, sizeof(list));

    if (elaaoms_memory_store_load(rc, org, caller, &list, err, sizeof(err))
        != 0)
    {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "openmemory of %s: memories "
                    "not read: %s", org, err);
        return;
    }

    /* marked first: a crash between here and the answer leaves the mark */
    for (i = 0; i < list.n; i++) {
        if (elaaoms_om_touched(&list, i, elaaoms_mstr(conversation_id))) {
            freeReplyObject(elaaoms_redis_command(rc, "SADD %s %b", pending,
                                                  list.items[i].id.data,
                                                  list.items[i].id.len));
        }
    }

    /* after one failure the rest is queued untried: an outage costs one
       timeout, not one per memory */
    down = 0;

    for (i = 0; i < list.n; i++) {
        if (!elaaoms_om_touched(&list, i, elaaoms_mstr(conversation_id))
            || list.items[i].id.len > ELAAOMS_MEMORY_ID_MAX)
        {
            continue;
        }

        memcpy(id, list.items[i].id.data, list.items[i].id.len);
        id[list.items[i].id.len] = '\0';

        if (elaaoms_om_sync_or_queue(cf, down ? NULL : &om, rc, org, caller,
                                     id, &list.items[i]) != 0)
        {
            down = 1;
        }
    }

    elaaoms_memory_list_free(&list);
}


/* the copy of OpenMemory id deleted, or queued as a bare delete */
static int
elaaoms_om_delete_or_queue(const elaaoms_worker_config_t *cf,
    const elaaoms_openmemory_t *om, elaaoms_redis_t *rc, const char *org,
    const char *id, int *down)
{
    char                 member[ELAAOMS_OM_MEMBER_MAX];
    elaaoms_api_error_t  err;

    snprintf(member, sizeof(member), "delete\t%s", id);

    /* after one failure the rest wait in the queue: an unreachable
       server costs one timeout, not one per copy */
    if (!*down) {
        if (elaaoms_openmemory_delete(om, id, &err) == 0) {
            elaaoms_om_done(rc, org, member);
            return 0;
        }

        *down = 1;
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "openmemory of %s: a copy not "
                    "deleted (queued): %s", org, err.message);
    }

    elaaoms_om_schedule(cf, rc, org, member);
    return -1;
}


/* the caller's members of the org's queue, counts and failed set */
static void
elaaoms_om_forget_members(elaaoms_redis_t *rc, const char *org,
    const char *caller)
{
    int          k;
    char         key[ELAAOMS_KEY_MAX], needle[ELAAOMS_KEY_MAX];
    size_t       i;
    redisReply  *r;
    const char  *sets[] = { ELAAOMS_OM_KEY_RETRY, ELAAOMS_OM_KEY_FAILED,
                            ELAAOMS_OM_KEY_ATTEMPTS };

    snprintf(needle, sizeof(needle), "sync\t%s\t", caller);

    for (k = 0; k < 3; k++) {
        if (elaaoms_key_org(key, sizeof(key), org, sets[k]) < 0) {
            continue;
        }

        r = elaaoms_redis_command(rc, k < 2 ? "ZRANGE %s 0 -1" : "HKEYS %s",
                                  key);
        if (r == NULL) {
            return;
        }

        for (i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
            if (r->element[i]->type == REDIS_REPLY_STRING
                && strncmp(r->element[i]->str, needle, strlen(needle)) == 0)
            {
                freeReplyObject(elaaoms_redis_command(rc, k < 2 ? "ZREM %s %b"
                                                       : "HDEL %s %b",
                                             key, r->element[i]->str,
                                             r->element[i]->len));
            }
        }

        freeReplyObject(r);
    }
}


/* every copy of map whose memory is gone (all: every copy); a field
   "<memory id>\t<OpenMemory id>" is another copy of the memory, one
   "elaaoms openmemory import" merged into it */
static int
elaaoms_om_delete_copies(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller, int all)
{
    int                   down;
    char                  map[ELAAOMS_KEY_MAX], index[ELAAOMS_KEY_MAX];
    size_t                i;
    redisReply           *r, *e;
    elaaoms_openmemory_t  om;

    if (elaaoms_om_client(cf, org, &om) != 0) {
        return 0;
    }

    down = 0;

    if (elaaoms_key_caller(map, sizeof(map), org, caller,
                           ELAAOMS_OM_KEY_MAP) < 0
        || elaaoms_key_caller(index, sizeof(index), org, caller,
                              ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return -1;
    }

    r = elaaoms_redis_command(rc, "HGETALL %s", map);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    for (i = 0; i + 1 < r->elements; i += 2) {
        if (!all) {
            /* "<memory id>\t<id>": another copy of it (an import's) */
            e = elaaoms_redis_command(rc, "HEXISTS %s %b", index,
                                      r->element[i]->str,
                                      strcspn(r->element[i]->str, "\t"));
            if (e == NULL || e->type != REDIS_REPLY_INTEGER
                || e->integer != 0)
            {
                if (e) {
                    freeReplyObject(e);
                }
                continue;
            }
            freeReplyObject(e);
        }

        if (elaaoms_openmemory_id_valid(r->element[i + 1]->str)) {
            (void) elaaoms_om_delete_or_queue(cf, &om, rc, org,
                                              r->element[i + 1]->str, &down);
        }

        freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %b", map,
                                              r->element[i]->str,
                                              r->element[i]->len));
    }

    freeReplyObject(r);
    return 0;
}


int
elaaoms_om_erase_caller(const elaaoms_worker_config_t *cf, elaaoms_redis_t *rc,
    const char *org, const char *caller)
{
    if (elaaoms_om_delete_copies(cf, rc, org, caller, 1) != 0) {
        return -1;
    }

    elaaoms_om_forget_members(rc, org, caller);
    return elaaoms_redis_err(rc) ? -1 : 0;
}


int
elaaoms_om_reconcile_caller(const elaaoms_worker_config_t *cf,
    elaaoms_redis_t *rc, const char *org, const char *caller)
{
    return elaaoms_om_delete_copies(cf, rc, org, caller, 0);
}


/* one due member, taken off the queue first (another worker's ZREM 0) */
static int
elaaoms_om_retry(const elaaoms_worker_config_t *cf,
    const elaaoms_openmemory_t *om, elaaoms_redis_t *rc, const char *org,
    const char *retry, char *member)
{
    int          down;
    char        *caller, *id;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "ZREM %s %s", retry, member);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER || r->integer != 1) {
        if (r) {
            freeReplyObject(r);
        }
        return 0;
    }
    freeReplyObject(r);

    if (strncmp(member, "delete\t", 7) == 0) {
        down = 0;
        return elaaoms_om_delete_or_queue(cf, om, rc, org, member + 7,
                                          &down);
    }

    caller = strchr(member, '\t');
    id = caller ? strchr(caller + 1, '\t') : NULL;
    if (id == NULL) {
        return 0;
    }
    *caller++ = '\0';
    *id++ = '\0';

    if (elaaoms_caller_key_valid(caller)
        && elaaoms_memory_id_valid(id, strlen(id)))
    {
        return elaaoms_om_sync_or_queue(cf, om, rc, org, caller, id, NULL);
    }

    return 0;
}


/* the due retries of one org */
static int
elaaoms_om_drain_org(elaaoms_redis_t *rc, const char *org, void *data)
{
    int                             n;
    char                            retry[ELAAOMS_KEY_MAX];
    char                            member[ELAAOMS_OM_MEMBER_MAX];
    size_t                          k;
    redisReply                     *due;
    elaaoms_openmemory_t            om;
    const elaaoms_worker_config_t  *cf = data;

    if (elaaoms_om_client(cf, org, &om) != 0
        || elaaoms_key_org(retry, sizeof(retry), org, ELAAOMS_OM_KEY_RETRY)
           < 0)
    {
        return 0;
    }

    due = elaaoms_redis_command(rc, "ZRANGEBYSCORE %s -inf %lld LIMIT 0 %d",
                                retry, (long long) time(NULL),
                                ELAAOMS_OM_DRAIN_BATCH);
    if (due == NULL) {
        return -1;
    }

    n = 0;

    for (k = 0; due->type == REDIS_REPLY_ARRAY && k < due->elements; k++) {
        if (due->element[k]->type == REDIS_REPLY_STRING
            && due->element[k]->len < sizeof(member))
        {
            memcpy(member, due->element[k]->str, due->element[k]->len);
            member[due->element[k]->len] = '\0';
            n++;

            /* the server failed again: the rest of the batch waits for
               the next sweep, so the worker's loop (heartbeats) is held
               for one timeout at most */
            if (elaaoms_om_retry(cf, &om, rc, org, retry, member) != 0) {
                break;
            }
        }
    }

    freeReplyObject(due);
    return n;
}


int
elaaoms_om_drain(const elaaoms_worker_config_t *cf, elaaoms_redis_t *rc)
{
    int  n;

    n = elaaoms_sweep_each_org(rc, elaaoms_om_drain_org, (void *) cf);

    return (n < 0 || elaaoms_redis_err(rc)) ? -1 : n;
}
