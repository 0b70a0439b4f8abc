/*
 * Complete erasure of a caller (GDPR), worker side (it blocks): the
 * tombstone first, so that nothing in flight writes the caller back, then
 * every trace the caller left:
 *   - the conversations, found without a SCAN: the caller's index
 *     (ELAAOMS_MEMORY_KEY_CALLS, written at intake), the memory store's
 *     registry, the contexts' call_ids, and the jobs that name the
 *     caller; for each one the
 *     conversation hash, the intake markers, the call binding keyed by the
 *     conversation id, and its payload directory (payload_erase.h);
 *   - jobs in every list (ready, processing of every worker, delayed,
 *     failed, invalid) that name the caller or one of its conversations;
 *   - audit entries that name the caller (deleted: an entry is its caller);
 *   - every key of the caller (elaaoms_memory_store_delete_caller()).
 * Data written before the index existed is found through the other three;
 * a transcript of that time whose extraction never ran is not.
 */

#ifndef ELAAOMS_CALLER_ERASE_H
#define ELAAOMS_CALLER_ERASE_H

#include <stddef.h>

#include <hiredis/hiredis.h>

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
int elaaoms_caller_erase(redisContext *rc, const char *payload_dir,
    const char *org, const char *caller, long ttl,
    elaaoms_erase_counts_t *counts, char *err, size_t errlen);

/*
 * The traces of one conversation: its hash, intake markers, call binding
 * and payload directory.  *files (may be NULL) counts the files removed.
 * 0 or -1 with err set.
 */
int elaaoms_conversation_erase(redisContext *rc, const char *payload_dir,
    const char *org, const char *conversation_id, size_t *files, char *err,
    size_t errlen);

/* 1 when the caller of org has a tombstone, 0 when not, -1 error */
int elaaoms_caller_forgotten(redisContext *rc, const char *org,
    const char *caller);

#endif /* ELAAOMS_CALLER_ERASE_H */
