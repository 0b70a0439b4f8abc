/*
 * Complete erasure of a caller (GDPR), worker side (it blocks): the
 * tombstone first, so that nothing in flight writes the caller back, then
 * every trace the caller left:
 *   - the conversations, found without a SCAN: the caller's index
 *     (elaaoms_key_conversation_index(), written at intake), the memory store's
 *     registry, the contexts' call_ids, and the jobs that name the
 *     caller; for each one the
 *     conversation hash, the intake markers, the call binding keyed by the
 *     conversation id, and its payload directory (payload_erase.h);
 *   - jobs in every list (ready, processing of every worker, delayed,
 *     failed, invalid) that name the caller or one of its conversations;
 *   - audit entries that name the caller (deleted: an entry is its caller);
 *   - every key of the caller (elaaoms_memory_store_delete_caller()), and
 *     last its conversation index.
 * Right after the tombstone, the caller's memory index is written and
 * deleted in one MULTI (elaaoms_caller_erase_touch): a memory store commit
 * WATCHing it since before the tombstone aborts, and its retry sees the
 * tombstone (the tombstone is in the org's slot, the index in the
 * caller's: no WATCH or transaction may hold both).
 * Data written before the index existed is found through the other three;
 * a transcript of that time whose extraction never ran is not.
 *
 * What erasure finds is also public, as walks with a visitor (below):
 * erasure's visitor removes, the operator's "caller export" (the GDPR
 * access request, worker/cli_export.c) prints, so that what a caller is
 * shown and what is erased are the same set by construction.
 */

#ifndef ELAAOMS_CALLER_ERASE_H
#define ELAAOMS_CALLER_ERASE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "store/redis_keys.h"

typedef struct {
    size_t  keys;             /* the caller's keys */
    size_t  conversations;
    size_t  jobs;
    size_t  files;
    size_t  audit;
} elaaoms_erase_counts_t;

/*
 * Erases caller (normalized) of org; payload_dir NULL leaves files alone.
 * ttl: the tombstone's life in seconds.  0, or -1 with err set (erasure
 * can be run again: every step is idempotent).
 */
int elaaoms_caller_erase(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *caller, long ttl,
    elaaoms_erase_counts_t *counts, char *err, size_t errlen);

/*
 * The caller's keys search reads first (index, by_time, by_importance,
 * version), the index first, deleted by erasure at once: nginx's admin
 * location pipelines the same MULTI (HSET of ELAAOMS_ERASE_TOUCH_FIELD in
 * the index, then DEL of the four).  0, or -1 when a key does not fit.
 */
#define ELAAOMS_ERASE_TOUCH_KEYS   4
#define ELAAOMS_ERASE_TOUCH_FIELD  "_erased"

int elaaoms_caller_erase_touch_keys(char keys[][ELAAOMS_KEY_MAX],
    const char *org, const char *caller);

/* that MULTI, blocking; 0, or -1 with err set */
int elaaoms_caller_erase_touch(elaaoms_redis_t *rc, const char *org,
    const char *caller, char *err, size_t errlen);

/*
 * What erasure finds, for the operator's export (the GDPR access request,
 * worker/cli_caller.c) to cover exactly the same.
 */

/* the caller's conversation ids, without repeats */
typedef struct {
    char    **ids;
    size_t    n;
    size_t    cap;
} elaaoms_erase_ids_t;

void elaaoms_erase_ids_free(elaaoms_erase_ids_t *ids);

/*
 * Adds to ids (zeroed or filled before) the caller's conversations:
 * its index, the memory store's registry, the contexts' call_ids and the
 * conversations of the jobs naming the caller.  0 or -1 with err set.
 */
int elaaoms_caller_conversations(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_erase_ids_t *ids, char *err, size_t errlen);

/*
 * A visit of a job (item: its text, in list or delayed set key; zset 1
 * for the delayed set) or of an audit entry (item: [id, [field, value,
 * ...]] of stream key).  Answers -1 (err set) to stop, else a count the
 * walk sums into *total.
 */
typedef long (*elaaoms_erase_visit_pt)(void *data, elaaoms_redis_t *rc,
    const char *key, int zset, const redisReply *item, char *err,
    size_t errlen);

/* the jobs of every list of org that name the caller or one of ids;
   total may be NULL.  0 or -1 */
int elaaoms_caller_jobs(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_erase_ids_t *ids,
    elaaoms_erase_visit_pt visit, void *data, size_t *total, char *err,
    size_t errlen);

/* the entries of the org's audit stream whose caller is the caller */
int elaaoms_caller_audit(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_erase_visit_pt visit, void *data,
    size_t *total, char *err, size_t errlen);

/*
 * The Redis keys of one conversation that erasure deletes: its hash, its
 * call binding, its intake markers (and, not a key of its own, its entry
 * in the org's recent set).  Returns how many were written to keys.
 */
#define ELAAOMS_CONVERSATION_KEYS  5

size_t elaaoms_conversation_keys(char keys[][ELAAOMS_KEY_MAX],
    const char *org, const char *conversation_id);

/*
 * The traces of one conversation: its hash, intake markers, call binding
 * and payload directory.  *files (may be NULL) counts the files removed.
 * 0 or -1 with err set.
 */
int elaaoms_conversation_erase(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *conversation_id, size_t *files, char *err,
    size_t errlen);

/* 1 when the caller of org has a tombstone, 0 when not, -1 error */
int elaaoms_caller_forgotten(elaaoms_redis_t *rc, const char *org,
    const char *caller);

#endif /* ELAAOMS_CALLER_ERASE_H */
