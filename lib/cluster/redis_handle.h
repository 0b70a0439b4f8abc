/*
 * The worker's Redis: one handle over either a single redisContext (the
 * default: every call goes straight to hiredis, as before) or a Redis
 * Cluster (cluster_client.h).  The calls follow hiredis' synchronous API:
 *
 *   elaaoms_redis_command(h, fmt, ...)          redisCommand()
 *   elaaoms_redis_command_argv(h, argc, ...)    redisCommandArgv()
 *   elaaoms_redis_append(h, fmt, ...)           redisAppendCommand()
 *   elaaoms_redis_append_argv(h, argc, ...)     redisAppendCommandArgv()
 *   elaaoms_redis_get_reply(h, &reply)          redisGetReply()
 *   elaaoms_redis_err(h), _errstr(h)            rc->err, rc->errstr
 *
 * A NULL reply (REDIS_ERR) means no answer, and err/errstr say why; err
 * stays set (as hiredis' does): the owner frees the handle and makes a
 * new one.
 *
 * On a cluster a command goes to the master of its keys' slot
 * (command_route.h; a format string is formatted with hiredis, then read
 * back into argv), following MOVED, ASK and TRYAGAIN.  Pipelining runs
 * each appended command at once, in order, and queues its reply for
 * get_reply (one round trip per command, not per pipeline: the worker's
 * pipelines are short, and their keys are in different slots).  A
 * command that walks one node's keyspace (SCAN) or keeps state on a
 * connection (WATCH, MULTI, EXEC) is refused there: it belongs on
 * elaaoms_redis_key_context() (the keys of one slot: a caller's, an
 * org's) or on each of elaaoms_redis_node().
 *
 * Not thread-safe: one handle per thread.
 */

#ifndef ELAAOMS_CLUSTER_REDIS_HANDLE_H
#define ELAAOMS_CLUSTER_REDIS_HANDLE_H

#include <stdarg.h>
#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/cluster_client.h"

typedef struct elaaoms_redis_s  elaaoms_redis_t;

/* takes rc (freed on failure too); NULL when out of memory */
elaaoms_redis_t *elaaoms_redis_single(redisContext *rc);

/* takes c (freed on failure too); NULL when out of memory */
elaaoms_redis_t *elaaoms_redis_cluster(elaaoms_cluster_t *c);

/* frees what the handle took; a key context or node handle: nothing */
void elaaoms_redis_free(elaaoms_redis_t *h);

int elaaoms_redis_is_cluster(const elaaoms_redis_t *h);

/* the connection of a single-Redis handle (tests, tools), else NULL */
redisContext *elaaoms_redis_context(const elaaoms_redis_t *h);

/* the cluster client of a cluster handle (its stats), else NULL */
elaaoms_cluster_t *elaaoms_redis_cluster_client(const elaaoms_redis_t *h);

redisReply *elaaoms_redis_command(elaaoms_redis_t *h, const char *fmt, ...);
redisReply *elaaoms_redis_vcommand(elaaoms_redis_t *h, const char *fmt,
    va_list ap);

/* argvlen NULL: strlen() of each argument */
redisReply *elaaoms_redis_command_argv(elaaoms_redis_t *h, int argc,
    const char **argv, const size_t *argvlen);

/*
 * REDIS_OK or REDIS_ERR.  On a cluster the command has run already (or
 * was refused): its reply, or the lack of one with its errstr, waits for
 * its get_reply.
 */
int elaaoms_redis_append(elaaoms_redis_t *h, const char *fmt, ...);
int elaaoms_redis_append_argv(elaaoms_redis_t *h, int argc,
    const char **argv, const size_t *argvlen);

/* the next reply owed (*reply a redisReply *): REDIS_OK or REDIS_ERR */
int elaaoms_redis_get_reply(elaaoms_redis_t *h, void **reply);

/*
 * EVAL or EVALSHA ("EVAL[SHA] script|sha numkeys key... arg..."): when
 * argv[0] is EVALSHA, the node answers NOSCRIPT and script is given (its
 * body, script_len bytes), sent again as EVAL with the body.
 */
redisReply *elaaoms_redis_eval(elaaoms_redis_t *h, int argc,
    const char **argv, const size_t *argvlen, const char *script,
    size_t script_len);

/*
 * A handle on the one connection that serves key's slot, for a sequence
 * that must stay on it: WATCH, reads, MULTI ... EXEC, or SCAN of keys
 * that share a hash tag.  On a single Redis: h itself.  On a cluster: a
 * handle the cluster handle keeps (do not free it), valid until the next
 * key context or node of h.  Commands on h itself between WATCH and EXEC
 * are fine (the cluster client sends a key of that slot over the same
 * connection) as long as no reply is owed on the key context.  A MOVED
 * reply on it means the slot moved: the map is read again, and the caller
 * starts the sequence over with a new key context (a WATCH answered MOVED,
 * or not answered at all, is sent once more, to the slot's master as the
 * cluster client finds it then, and the key context moves with it:
 * nothing of the sequence ran yet).  ASK (a migration under way)
 * fails the sequence.  A MULTI that would go over another connection than
 * its WATCH (the map changed in between, or the node's connection was made
 * again) is refused: EXEC would run unguarded.  UNWATCH on a cluster
 * handle goes over the connection the last WATCH went over.  NULL with
 * h's errstr set when the node cannot be reached.
 */
elaaoms_redis_t *elaaoms_redis_key_context(elaaoms_redis_t *h,
    const char *key);

/*
 * The i-th master (from 0) for what walks every node's keyspace (SCAN):
 * *node set and 1; 0 past the last; -1 with h's errstr set.  On a single
 * Redis node 0 is h itself.  A cluster's node handle is kept as a key
 * context is (the same one: valid until the next of either).
 */
int elaaoms_redis_node(elaaoms_redis_t *h, size_t i, elaaoms_redis_t **node);

int elaaoms_redis_err(const elaaoms_redis_t *h);
const char *elaaoms_redis_errstr(const elaaoms_redis_t *h);

/* a MOVED or ASK error reply: the key's slot is served elsewhere */
int elaaoms_redis_reply_moved(const redisReply *r);

#endif /* ELAAOMS_CLUSTER_REDIS_HANDLE_H */
