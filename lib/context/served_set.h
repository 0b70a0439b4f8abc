/*
 * Served sets: the shared memory ids of a pre-call context, stored once per
 * caller so that the audit entry client-data writes on every call names
 * the set (16 hex digits) instead of listing the ids.  An XADD carrying
 * forty ids costs Redis three times one carrying a set id, and the entry
 * is written on every call that serves other agents' memories.
 *
 *   C served  HASH  <set id> -> "c|<id>,<id>,..."   a current context's set
 *                              "<unix>|<id>,..."    replaced at <unix>
 *
 * (C: the caller's key prefix, redis_keys.h.)  The worker's context write
 * (context_store.c) marks every current set replaced and the sets of the
 * documents it writes current, in the same script as the documents.  The
 * retention sweep drops sets replaced longer ago than the audit retention:
 * no audit entry still kept can name them.  Erasing the caller deletes the
 * hash with the caller's other keys.  The worker's reads and pruning:
 * served_set_store.h.
 */

#ifndef ELAAOMS_CONTEXT_SERVED_SET_H
#define ELAAOMS_CONTEXT_SERVED_SET_H

#include <stddef.h>


#define ELAAOMS_SERVED_SET_ID_LEN      16
#define ELAAOMS_CONTEXT_KEY_SERVED     "served"
#define ELAAOMS_SERVED_SET_CURRENT     "c|"

/*
 * ids joined with commas into *joined (malloc'd, the caller's) and their
 * set id, the first 16 hex digits of the SHA-256 of that text, into id.
 * n 0: id "" and *joined NULL.  0, or -1 (out of memory, OpenSSL failed).
 */
int elaaoms_served_set_make(char *const *ids, size_t n,
    char id[ELAAOMS_SERVED_SET_ID_LEN + 1], char **joined);

/* 1 when s (len bytes) is a set id: 16 lowercase hex digits */
int elaaoms_served_set_id_valid(const char *s, size_t len);

/*
 * The ids of a stored value ("c|..." or "<unix>|..."): a pointer into v
 * and their length; *replaced 0 for a current set, else the unix time it
 * was replaced.  NULL when v is not such a value.
 */
const char *elaaoms_served_set_ids(const char *v, size_t len,
    size_t *ids_len, long long *replaced);

#endif /* ELAAOMS_CONTEXT_SERVED_SET_H */
