/*
 * A blocking Redis Cluster client for the worker, on hiredis' synchronous
 * API (Debian's hiredis 0.14 has no cluster support of its own).
 *
 * Seed nodes give the first slot map (CLUSTER SLOTS); every command goes
 * to the master of its keys' slot, over one connection per node made when
 * first needed (AUTH on each when a password is set).  The client follows
 * MOVED (refreshes the map, retries at the named node) and ASK (ASKING,
 * then the command once at the named node), retries TRYAGAIN, CLUSTERDOWN
 * and nodes it cannot reach a bounded number of times with growing pauses,
 * and refuses, without sending anything, a request whose keys are in
 * different slots.
 *
 * A command that was sent and whose connection then failed is not sent
 * again: whether it ran is unknown, and the caller decides
 * (ELAAOMS_CLUSTER_ERR_IO).  A connection that the peer closed between
 * requests is noticed before sending and made again.
 *
 * Not thread-safe: one client per thread.
 */

#ifndef ELAAOMS_CLUSTER_CLIENT_H
#define ELAAOMS_CLUSTER_CLIENT_H

#include <stddef.h>

#include <hiredis/hiredis.h>

typedef struct elaaoms_cluster_s  elaaoms_cluster_t;

typedef struct {
    const char *const  *seeds;          /* "host:port", at least one */
    size_t              nseeds;
    const char         *user;           /* ACL user; NULL or "": default */
    const char         *password;       /* NULL or "": no AUTH */
    int                 timeout_ms;     /* connect and reply; 0: 2000 */
    unsigned            max_redirects;  /* MOVED and ASK; 0: 16 */
    unsigned            max_retries;    /* TRYAGAIN, CLUSTERDOWN, a node
                                           unreachable; 0: 20 */
    unsigned            retry_ms;       /* first pause, doubled up to
                                           1000 ms; 0: 50 */
} elaaoms_cluster_conf_t;

typedef enum {
    ELAAOMS_CLUSTER_OK = 0,            /* *reply set: Redis' answer, which
                                          may be an error reply */
    ELAAOMS_CLUSTER_ERR_IO = -1,       /* no answer: err says why */
    ELAAOMS_CLUSTER_ERR_CROSSSLOT = -2,  /* keys in different slots:
                                            nothing sent */
    ELAAOMS_CLUSTER_ERR_ARGS = -3,     /* keys outside argv, bad numkeys */
    ELAAOMS_CLUSTER_ERR_AUTH = -4      /* a node refused AUTH */
} elaaoms_cluster_rc_e;

/*
 * Where a command's keys are: argv[first], argv[first + step], ... up to
 * argv[last]; a negative last counts from the end (-1: the last
 * argument).  first 0: the command has no key (any master serves it).
 *   GET k            { 1, 1, 1 }
 *   MGET k1 k2 ...   { 1, -1, 1 }
 *   MSET k v k v     { 1, -1, 2 }
 *   LMOVE src dst .. { 1, 2, 1 }
 */
typedef struct {
    int  first;
    int  last;
    int  step;
} elaaoms_cluster_keys_t;

/* one command of a transaction */
typedef struct {
    int                      argc;
    const char             **argv;
    const size_t            *argvlen;
    elaaoms_cluster_keys_t   keys;
} elaaoms_cluster_cmd_t;

/* what the client did, for logs and tests */
typedef struct {
    unsigned long  moved;
    unsigned long  ask;
    unsigned long  tryagain;
    unsigned long  clusterdown;
    unsigned long  unreachable;     /* a node could not be connected to */
    unsigned long  reconnects;      /* connections found closed, made again */
    unsigned long  refreshes;       /* slot maps read */
} elaaoms_cluster_stats_t;

/*
 * Copies the configuration; connects to nothing yet.  NULL with err set
 * when a seed is not "host:port" or memory runs out.
 */
elaaoms_cluster_t *elaaoms_cluster_create(const elaaoms_cluster_conf_t *cf,
    char *err, size_t errlen);

void elaaoms_cluster_free(elaaoms_cluster_t *c);

/* reads the slot map again from a node that answers: 0, or -1 with err */
int elaaoms_cluster_refresh(elaaoms_cluster_t *c, char *err, size_t errlen);

/*
 * One command whose only key is argv[key_index] (0: no key).  On
 * ELAAOMS_CLUSTER_OK, *reply is the caller's (freeReplyObject()).
 */
int elaaoms_cluster_command(elaaoms_cluster_t *c, int argc,
    const char **argv, const size_t *argvlen, int key_index,
    redisReply **reply, char *err, size_t errlen);

/*
 * One command to the master of slot (0 .. 16383; -1: any master), with
 * the same redirections and retries: for a caller that found the slot
 * itself (elaaoms_command_slot()).
 */
int elaaoms_cluster_command_at(elaaoms_cluster_t *c, int slot, int argc,
    const char **argv, const size_t *argvlen, redisReply **reply, char *err,
    size_t errlen);

/* one command with several keys, all in one slot (else CROSSSLOT) */
int elaaoms_cluster_command_keys(elaaoms_cluster_t *c, int argc,
    const char **argv, const size_t *argvlen,
    const elaaoms_cluster_keys_t *keys, redisReply **reply, char *err,
    size_t errlen);

/*
 * EVAL or EVALSHA: argv is "EVAL[SHA] script|sha numkeys key... arg...",
 * routed by the keys (all in one slot).  When argv[0] is EVALSHA and the
 * node answers NOSCRIPT, and script is given (its body, script_len
 * bytes), the command is sent again as EVAL with the body.
 */
int elaaoms_cluster_eval(elaaoms_cluster_t *c, int argc, const char **argv,
    const size_t *argvlen, const char *script, size_t script_len,
    redisReply **reply, char *err, size_t errlen);

/*
 * MULTI, the ncmds commands, EXEC, in one write to the node of their keys'
 * slot (every key of every command in one slot, else CROSSSLOT).  *reply
 * is EXEC's array of replies, or the first error: a command Redis refused
 * to queue, or EXEC's own.  Redirections are followed for the whole
 * transaction (ASK: ASKING before MULTI).
 */
int elaaoms_cluster_multi(elaaoms_cluster_t *c,
    const elaaoms_cluster_cmd_t *cmds, size_t ncmds, redisReply **reply,
    char *err, size_t errlen);

/*
 * The connection to the master of key's slot (connected and authenticated
 * when it was not), for a sequence that must stay on one connection:
 * WATCH, reads, MULTI ... EXEC of the store's optimistic transactions,
 * whose keys all carry the caller's hash tag.  The client keeps it; it is
 * valid until the next call into the client.  Redirections are the
 * caller's: a MOVED or ASK error reply on it means the slot moved (call
 * elaaoms_cluster_refresh() and start the sequence again).  NULL with err
 * set when the node cannot be reached.
 */
redisContext *elaaoms_cluster_key_context(elaaoms_cluster_t *c,
    const char *key, size_t len, char *err, size_t errlen);

const elaaoms_cluster_stats_t *elaaoms_cluster_stats(
    const elaaoms_cluster_t *c);

#endif /* ELAAOMS_CLUSTER_CLIENT_H */
