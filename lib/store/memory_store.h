/*
 * The memory store: a caller's memories in Redis, written and queried by
 * the worker over a blocking hiredis connection.  The nginx module only
 * reads, with one HGETALL of the index (memory_record.h decodes it).
 *
 * Schema, with C = "elaaoms:<org>:{<org>:<caller>}:" (redis_keys.h):
 *
 *   C index                  HASH  memory id -> binary record (the truth;
 *                                  the only key the hot paths read)
 *   C by_time                ZSET  id, score = created (unix seconds)
 *   C by_importance          ZSET  id, score = importance (1..10); equal
 *                                  scores in reverse id order = newest
 *                                  first, ids start with the creation time
 *   C type:<type>            SET   ids of that type ("factual", ...)
 *   C agent:<agent_id>       SET   ids created or reinforced by the agent
 *                                  (an index: each record lists its agents,
 *                                  memory_record.h, and is the truth)
 *   C conversation:<conv>    SET   ids created or reinforced in the
 *                                  conversation (a record keeps only the
 *                                  latest; the sets keep them all)
 *   C agents                 SET   agent ids with an agent:<id> set
 *   C conversations          SET   conversation ids with a set
 *   C version                STRING a fresh random token per record write,
 *                                  in the same MULTI/EXEC; deleted with
 *                                  the index (redis_keys.h)
 *   elaaoms:<org>:callers    SET   callers of the org with memories
 *
 * The two registries exist so that deleting a caller finds every key
 * without SCAN.  All caller keys share the hash tag, so one caller's keys
 * sit in one Redis Cluster slot and MULTI/EXEC and DEL over them are legal
 * there; the org-level callers set is in another slot, so it is written
 * outside the transactions: added before a caller's first memory and
 * removed after the caller's keys, so it always lists at least every
 * caller that has memories.
 *
 * Atomicity: every write of memories is one MULTI/EXEC holding the record
 * and all of its index entries, so a reader (HGETALL, or any other
 * command) sees a memory with all its indexes or not at all.  Writes that
 * depend on what is stored (reinforce, dedup) WATCH the index first and
 * retry when another writer got in between (optimistic locking), so two
 * workers never lose each other's updates.
 *
 * Every function validates org ([A-Za-z0-9_-]{1,64}), caller
 * (caller_id.h) and conversation/agent ids (ids.h) before
 * making keys of them.  err (may be NULL) gets a message on failure.
 * A context that failed (elaaoms_redis_err(rc)) is unusable: reconnect.
 */

#ifndef ELAAOMS_MEMORY_STORE_H
#define ELAAOMS_MEMORY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "store/memory_record.h"
#include "store/redis_keys.h"

#define ELAAOMS_MEMORY_KEY_MAX            ELAAOMS_KEY_MAX

/* optimistic transactions give up after this many lost races */
#define ELAAOMS_MEMORY_STORE_RETRIES      16


/*
 * Records read from Redis.  items are views (memory_record.h) into the
 * reply, which the list owns: they live until elaaoms_memory_list_free().
 */
typedef struct {
    elaaoms_memory_record_t  *items;
    size_t                    n;
    size_t                    bad;     /* records refused by decode, or not
                                          of this caller: skipped */
    redisReply               *reply;
} elaaoms_memory_list_t;

/* frees the items and the reply; leaves an empty list; NULL is fine */
void elaaoms_memory_list_free(elaaoms_memory_list_t *list);


/* 1 when org is [A-Za-z0-9_-]{1,64} */
int elaaoms_memory_org_valid(const char *org);

/* "elaaoms:<org>:{<org>:<caller>}:<suffix>" into buf; length or -1 */
int elaaoms_memory_key(char *buf, size_t size, const char *org,
    const char *caller, const char *suffix);


/*
 * Stores one new (or replaced) record with all its index entries, in one
 * MULTI/EXEC; org and caller come from the record.  0 or -1.
 */
int elaaoms_memory_store_add(elaaoms_redis_t *rc,
    const elaaoms_memory_record_t *rec, char *err, size_t errlen);

/* a memory said again: which one, where, and how sure */
typedef struct {
    const char  *org;
    const char  *caller;
    const char  *id;                 /* the stored memory */
    const char  *conversation_id;    /* the conversation that repeated it */
    const char  *agent_id;           /* NULL or "": none */
    float        confidence;
    int          importance;
    int64_t      now;
} elaaoms_memory_reinforce_req_t;

/*
 * Reinforces memory req->id (memory_record.h: count + 1, last_reinforced
 * = now, latest conversation and agent, confidence raised, importance the
 * larger), adding it to the conversation and agent sets.  WATCH, read,
 * MULTI/EXEC, retried on a lost race.
 * 0 done, 1 no such memory, -1 error.
 */
int elaaoms_memory_store_reinforce(elaaoms_redis_t *rc,
    const elaaoms_memory_reinforce_req_t *req, char *err, size_t errlen);

/*
 * All of a caller's records with one HGETALL of the index (the read the
 * nginx module does): unordered.  0 (an unknown caller gives an empty
 * list) or -1.
 */
int elaaoms_memory_store_load(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_list_t *list, char *err,
    size_t errlen);


/*
 * The read-decide-write transaction of memory_dedup.h:
 *
 *   watch_load()   WATCH the index, then HGETALL it into list
 *   commit()       writes recs[0..n) (new or changed, all of org/caller)
 *                  and their index entries in one MULTI/EXEC: 1 when
 *                  committed, 0 when a concurrent write to the caller
 *                  aborted it (load again and redo the decisions), -1 on
 *                  error.  n == 0 just ends the watch (1).
 *   unwatch()      ends the watch without writing
 */
int elaaoms_memory_store_watch_load(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_list_t *list, char *err,
    size_t errlen);

int elaaoms_memory_store_commit(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_record_t *const *recs, size_t n,
    char *err, size_t errlen);

void elaaoms_memory_store_unwatch(elaaoms_redis_t *rc);

/*
 * Within that transaction: version-1 records (memory_record.h) name only
 * their latest agent, the agent:<id> sets every agent that created or
 * reinforced them.  Gives each v1 record of recs[0..n) (the caller's)
 * the other agents whose set holds it as prior agents (in id order, as
 * many as fit), applies extract/memory_rules.h to it (written before the
 * rules existed: identity flag, health and safety importance) and sets
 * changed[i], so that the commit rewrites every v1 record as version 2
 * once.  The agent strings point into *owner (NULL
 * when there was no v1 record), which the caller frees after the commit.
 * One SMEMBERS of the agents registry and one per agent, only when there
 * is a v1 record.  0 or -1.
 */
int elaaoms_memory_store_v1_agents(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_record_t *recs, size_t n,
    unsigned char *changed, redisReply **owner, char *err, size_t errlen);

/*
 * Within that transaction too: the records of recs[0..n) without an
 * offline vector of this build (store/memory_reembed.h: ELAAOMS_EMBED_MODEL
 * changed since they were stored) are re-embedded from their content, and
 * changed[i] is set.  vecs[i] (n entries, NULL on entry) gets the
 * malloc()ed vector record i now borrows, which the caller frees after
 * the commit.  Returns how many, or -1 when out of memory.
 */
int elaaoms_memory_store_reembed(elaaoms_memory_record_t *recs, size_t n,
    unsigned char *changed, unsigned char **vecs);

/*
 * The same for one caller on its own (the operator's "upgrade" command):
 * WATCH, load, v1_agents(), reembed(), commit of the records they
 * changed, retried on a lost race.  *upgraded gets the number of records
 * rewritten.  0 or -1.
 */
int elaaoms_memory_store_upgrade_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, size_t *upgraded, char *err, size_t errlen);

/*
 * Sleeps before retry `attempt` (0, 1, ...) of a transaction that lost a
 * race: a random 0..200 us << attempt, at most ~13 ms, so two workers that
 * keep colliding on one caller drift apart instead of aborting each other
 * in lockstep.
 */
void elaaoms_memory_store_backoff(int attempt);


typedef enum {
    ELAAOMS_MEMORY_ORDER_NEWEST = 0,   /* created, newest first */
    ELAAOMS_MEMORY_ORDER_OLDEST,       /* created, oldest first */
    /* ranked: current before superseded, then importance, then newest */
    ELAAOMS_MEMORY_ORDER_IMPORTANCE
} elaaoms_memory_order_e;

/*
 * The FR7 queries over one caller.  Every filter is optional (zero
 * values: no filter) and they combine with AND.  Strings are borrowed.
 */
typedef struct {
    const char              *conversation_id;  /* NULL: any */
    const char              *agent_id;         /* NULL: any */
    int                      type;             /* -1: any type; NOTE set
                                                  it: 0 is "factual" */
    int                      min_importance;   /* 0: any */
    int64_t                  created_from;     /* inclusive; 0: open */
    int64_t                  created_to;       /* inclusive; 0: open */
    elaaoms_memory_order_e   order;
    size_t                   limit;            /* 0: no limit */
    unsigned                 current_only:1;   /* leave superseded out */
} elaaoms_memory_query_t;

/* all filters off, newest first */
void elaaoms_memory_query_init(elaaoms_memory_query_t *q);

/*
 * Runs the query: one MULTI/EXEC reading the index entries the filters
 * name (a consistent snapshot), the intersection computed here, then one
 * HMGET of the matching records.  A memory deleted in between is left
 * out.  0 or -1.
 */
int elaaoms_memory_store_query(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_query_t *q,
    elaaoms_memory_list_t *list, char *err, size_t errlen);

/*
 * GDPR erasure: deletes every key of the caller in one MULTI/EXEC (the
 * fixed keys plus every agent:/conversation: set the registries list;
 * WATCHed, retried), then SCANs for any other key under the caller's
 * prefix that some other component keeps (a cached context...) and
 * UNLINKs it, then removes the caller from the org's callers set.  The
 * SCAN walks the whole keyspace (on a cluster, that of the master of the
 * caller's slot: the keys share its tag): fine for a rare administrative
 * call.
 * *deleted (may be NULL) gets the number of keys removed.  0 or -1.
 */
int elaaoms_memory_store_delete_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, size_t *deleted, char *err, size_t errlen);

/*
 * Every key under the caller's prefix, however it got there, in SCAN
 * pages: visit(data, rc, keys) gets each page's array of key names and
 * answers -1 (err set) to stop, else a count summed into *total (may be
 * NULL).  A key may be seen twice (SCAN's guarantee).  erasure deletes
 * what it finds; the operator's export shows it.  0 or -1.
 */
typedef long long (*elaaoms_memory_scan_pt)(void *data, elaaoms_redis_t *rc,
    const redisReply *keys, char *err, size_t errlen);

int elaaoms_memory_store_scan_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_scan_pt visit, void *data,
    size_t *total, char *err, size_t errlen);

#endif /* ELAAOMS_MEMORY_STORE_H */
