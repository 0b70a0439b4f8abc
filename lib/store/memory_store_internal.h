/*
 * Internal to the memory store (memory_store.c, memory_query.c,
 * memory_forget.c): the error reporting, argument checks, MULTI/EXEC
 * pipeline and record decoding the three share.  Not an API: everything
 * else includes memory_store.h.  All of them are defined in memory_store.c.
 */

#ifndef ELAAOMS_MEMORY_STORE_INTERNAL_H
#define ELAAOMS_MEMORY_STORE_INTERNAL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "store/memory_store.h"


/* formats into err (may be NULL); always -1 */
int elaaoms_store_fail(char *err, size_t errlen, const char *fmt, ...);

/* the connection's error (reply NULL), or what the reply said; -1 */
int elaaoms_store_fail_reply(char *err, size_t errlen, elaaoms_redis_t *rc,
    redisReply *reply, const char *what);

/* org and caller are valid key parts: 0, or -1 with err */
int elaaoms_store_check(const char *org, const char *caller, char *err,
    size_t errlen);

/* a plain synchronous command expecting no particular result; 0 or -1 */
int elaaoms_store_simple(elaaoms_redis_t *rc, char *err, size_t errlen,
    const char *what, int argc, const char **argv);

/* 1 when every element of a (an array reply) is a string */
int elaaoms_store_reply_strings(const redisReply *a);

/*
 * Decodes `values` (hiredis string or nil replies, every stride-th of n)
 * into list->items, skipping what does not decode or belongs to another
 * org or caller (list->bad).  fields, when not NULL, are the hash fields
 * the values were stored under: the id must match.  Takes ownership of
 * reply.  0 or -1 (out of memory).
 */
int elaaoms_store_decode_list(elaaoms_memory_list_t *list, redisReply *reply,
    redisReply **values, redisReply **fields, size_t n, size_t stride,
    const char *org, const char *caller);


/*
 * MULTI/EXEC over a pipeline, on the connection of key's slot (every key
 * of the transaction shares it: the caller's tag; on a cluster a key
 * context, elaaoms_redis_key_context()): begin() appends MULTI, append()
 * and cmd() queue commands without reading replies (a command that cannot
 * be appended sets bad; setting bad by hand makes exec() send DISCARD),
 * exec() sends EXEC and reads every reply owed, so the connection stays
 * in step whatever happened: 1 committed (*out, if not NULL, gets the
 * EXEC array: free it), 0 aborted by WATCH or because the slot moved
 * (MOVED, ASK: the caller starts over), -1 error.
 */
typedef struct {
    elaaoms_redis_t  *rc;        /* NULL: no connection for the slot */
    size_t            pending;   /* replies owed: MULTI and each command */
    int               bad;       /* a command could not be appended */
    char              why[256];  /* rc NULL: why */
} elaaoms_store_tx_t;

void elaaoms_store_tx_begin(elaaoms_store_tx_t *tx, elaaoms_redis_t *rc,
    const char *key);
void elaaoms_store_tx_append(elaaoms_store_tx_t *tx, int argc,
    const char **argv, const size_t *lens);

/* a command of two to four string arguments (a2, a3 may be NULL) */
void elaaoms_store_tx_cmd(elaaoms_store_tx_t *tx, const char *a0,
    const char *a1, const char *a2, const char *a3);

int elaaoms_store_tx_exec(elaaoms_store_tx_t *tx, redisReply **out,
    char *err, size_t errlen);

#endif /* ELAAOMS_MEMORY_STORE_INTERNAL_H */
