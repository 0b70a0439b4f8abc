/*
 * What cluster_client.c and cluster_conn.c share: the client's state and
 * its connections to nodes.
 */

#ifndef ELAAOMS_CLUSTER_INTERNAL_H
#define ELAAOMS_CLUSTER_INTERNAL_H

#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "cluster/cluster_client.h"
#include "cluster/slot_map.h"

/* one node, by address; ctx is NULL until needed and after a failure */
typedef struct {
    char            host[ELAAOMS_CLUSTER_HOST_MAX];
    int             port;
    redisContext   *ctx;
    unsigned long   opened;     /* connections made: a WATCH is on one */
} elaaoms_cluster_conn_t;

/* what goes to one node: one command, or a transaction of several */
typedef struct {
    const elaaoms_cluster_cmd_t  *cmds;
    size_t                        ncmds;
    int                           multi;
} elaaoms_cluster_req_t;

struct elaaoms_cluster_s {
    char                      *user;       /* NULL: default user */
    char                      *password;   /* NULL: no AUTH */
    struct timeval             timeout;
    unsigned                   max_redirects;
    unsigned                   max_retries;
    unsigned                   retry_ms;

    /* pointers, so that a connection stays put when the array grows */
    elaaoms_cluster_conn_t   **conns;
    size_t                     nconns;
    size_t                     nseeds;     /* conns[0 .. nseeds - 1] */
    size_t                     cap;

    elaaoms_slot_map_t         map;
    elaaoms_cluster_stats_t    stats;
};

/* what a request at one node came to, besides a reply */
typedef enum {
    ELAAOMS_CLUSTER_SENT = 0,        /* *reply set */
    ELAAOMS_CLUSTER_UNSENT = 1,      /* no connection: nothing was sent */
    ELAAOMS_CLUSTER_LOST = 2,        /* sent, then the connection failed */
    ELAAOMS_CLUSTER_REFUSED = 3      /* AUTH refused */
} elaaoms_cluster_sent_e;

/* the connection to host:port, added when new; NULL when out of memory */
elaaoms_cluster_conn_t *elaaoms_cluster_conn(elaaoms_cluster_t *c,
    const char *host, int port);

/*
 * The connection's context, connected (and authenticated) when it was
 * not, or made again when the peer closed it; an elaaoms_cluster_sent_e
 * other than SENT (UNSENT or REFUSED) with err set when none.
 */
int elaaoms_cluster_conn_open(elaaoms_cluster_t *c,
    elaaoms_cluster_conn_t *conn, char *err, size_t errlen);

/*
 * The connection to the master of key's slot, opened; NULL with err set
 * (elaaoms_cluster_key_context() is its context)
 */
elaaoms_cluster_conn_t *elaaoms_cluster_key_conn(elaaoms_cluster_t *c,
    const char *key, size_t len, char *err, size_t errlen);

/*
 * The i-th distinct master of the slot map, opened: *conn set and 1; 0
 * past the last; -1 with err set when the map cannot be read or the node
 * cannot be reached
 */
int elaaoms_cluster_master_conn(elaaoms_cluster_t *c, size_t i,
    elaaoms_cluster_conn_t **conn, char *err, size_t errlen);

/* r is NOSCRIPT to argv's EVALSHA, and script (the body) is given */
int elaaoms_cluster_noscript(const redisReply *r, int argc,
    const char **argv, const size_t *argvlen, const char *script);

/*
 * argv as EVAL with the script's body in place of the sha: two malloc()ed
 * arrays the caller frees; 0, or -1 when out of memory
 */
int elaaoms_cluster_eval_argv(int argc, const char **argv,
    const size_t *argvlen, const char *script, size_t script_len,
    const char ***eval_argv, size_t **eval_argvlen);

void elaaoms_cluster_conn_close(elaaoms_cluster_conn_t *conn);

/*
 * Sends req (after ASKING when asking is set) in one write and reads its
 * replies; *reply is the one that decides: the command's, or for a
 * transaction the first refused command's error or EXEC's reply.
 */
elaaoms_cluster_sent_e elaaoms_cluster_conn_request(elaaoms_cluster_t *c,
    elaaoms_cluster_conn_t *conn, const elaaoms_cluster_req_t *req,
    int asking, redisReply **reply, char *err, size_t errlen);

#endif /* ELAAOMS_CLUSTER_INTERNAL_H */
