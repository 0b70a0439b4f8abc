/*
 * What the Redis client's three files share (not for the rest of the
 * module, which uses ngx_http_elaaoms_redis.h): the worker's node table,
 * a batch and its commands, and the calls between
 *   ngx_http_elaaoms_redis.c          connections (hiredis on nginx events)
 *   ngx_http_elaaoms_redis_batch.c    a request's batch of commands
 *   ngx_http_elaaoms_redis_cluster.c  Redis Cluster: slots, redirections
 */

#ifndef _NGX_HTTP_ELAAOMS_REDIS_INTERNAL_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_REDIS_INTERNAL_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/async.h>

#include "ngx_http_elaaoms_redis.h"
#include "cluster/redirect.h"


/* nodes a worker process talks to, at most (seeds and masters found) */
#define NGX_HTTP_ELAAOMS_REDIS_NODES      64

/* redirections and retries of one command, at most */
#define NGX_HTTP_ELAAOMS_REDIS_REDIRECTS  8

/* the pause before a TRYAGAIN or CLUSTERDOWN is retried */
#define NGX_HTTP_ELAAOMS_REDIS_RETRY_MS   50

/* the slot map is read at most this often */
#define NGX_HTTP_ELAAOMS_REDIS_REFRESH_MS 1000

/* commands of a batch kept inside it; more are allocated one by one */
#define NGX_HTTP_ELAAOMS_BATCH_INLINE     8


typedef enum {
    NGX_HTTP_ELAAOMS_REDIS_UNKNOWN = 0,
    NGX_HTTP_ELAAOMS_REDIS_UP,
    NGX_HTTP_ELAAOMS_REDIS_DOWN
} ngx_http_elaaoms_redis_state_e;


/* one Redis server: the only one, or a node of the cluster */
typedef struct {
    redisAsyncContext              *ac;
    ngx_connection_t               *conn;
    ngx_event_t                     connect_timer;
    ngx_http_elaaoms_redis_state_e  state;   /* as the last attempt saw it */
    ngx_str_t                       addr;    /* for logs */
    u_char                          host[ELAAOMS_CLUSTER_HOST_MAX];
    int                             port;
    u_char                          addr_buf[ELAAOMS_CLUSTER_HOST_MAX + 8];
    unsigned                        connected:1;
} ngx_http_elaaoms_redis_node_t;


typedef struct {
    ngx_http_elaaoms_redis_conf_t  *conf;
    ngx_log_t                      *log;
    ngx_uint_t                      nnodes;
    ngx_uint_t                      nseeds;    /* the first nodes */
    ngx_uint_t                      next_seed;
    ngx_http_elaaoms_redis_node_t   nodes[NGX_HTTP_ELAAOMS_REDIS_NODES];

    /* the cluster's slot map: a node's index + 1, 0 while unknown */
    uint8_t                        *slots;
    ngx_event_t                     refresh_timer;
    ngx_msec_t                      refreshed;
    unsigned                        refreshing:1;
    unsigned                        refresh_wanted:1;
} ngx_http_elaaoms_redis_t;


/* a command of a batch: its reply's index, and on a cluster its bytes */
typedef struct {
    ngx_http_elaaoms_batch_t       *b;
    ngx_uint_t                      index;
    ngx_int_t                       slot;       /* -1: any node */
    ngx_http_elaaoms_redis_node_t  *node;       /* where it waits */
    char                           *cmd;        /* cluster: kept to resend */
    size_t                          len;
    ngx_uint_t                      redirects;
    unsigned                        retry:1;    /* waits for b->retry */
    unsigned                        heap:1;     /* not one of b->inline */
    unsigned                        tx:1;       /* MULTI .. EXEC: never */
                                                /* sent again alone */
} ngx_http_elaaoms_cmd_t;


struct ngx_http_elaaoms_batch_s {
    ngx_http_request_t             *r;       /* NULL once the request ended */
    ngx_http_elaaoms_reply_pt       on_reply;
    ngx_http_elaaoms_done_pt        on_done;
    void                           *data;
    ngx_http_elaaoms_redis_node_t  *node;    /* single Redis: its only one */
    ngx_event_t                     timer;
    ngx_event_t                     retry;   /* cluster: TRYAGAIN's pause */
    ngx_uint_t                      sent;
    ngx_uint_t                      pending;
    ngx_int_t                       tx_slot; /* cluster: the transaction's */
                                             /* slot, -1 outside one */
    ngx_http_elaaoms_cmd_t          inline_cmds[NGX_HTTP_ELAAOMS_BATCH_INLINE];
    unsigned                        done:1;
};


/* one client per worker process: the module is not thread-aware */
extern ngx_http_elaaoms_redis_t  ngx_http_elaaoms_redis;

#define ngx_http_elaaoms_redis_cluster()                                      \
    (ngx_http_elaaoms_redis.slots != NULL)


/* ngx_http_elaaoms_redis.c: the connections */
ngx_http_elaaoms_redis_node_t *ngx_http_elaaoms_redis_node(const u_char *host,
    size_t len, int port);
ngx_int_t ngx_http_elaaoms_redis_connect(ngx_http_elaaoms_redis_node_t *nd);
ngx_int_t ngx_http_elaaoms_redis_format(int argc, const char **argv,
    const size_t *argvlen, char *stack, size_t size, char **cmd,
    size_t *len);
ngx_int_t ngx_http_elaaoms_redis_command(redisAsyncContext *ac,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen);
void ngx_http_elaaoms_redis_answered(ngx_http_elaaoms_redis_node_t *nd);
void ngx_http_elaaoms_redis_drop(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason);
ngx_uint_t ngx_http_elaaoms_redis_noauth(redisAsyncContext *ac,
    redisReply *r);

/* ngx_http_elaaoms_redis_batch.c: every command's reply callback */
void ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata);

/* ngx_http_elaaoms_redis_cluster.c */
void ngx_http_elaaoms_cluster_init(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf);
void ngx_http_elaaoms_cluster_exit(void);
ngx_http_elaaoms_redis_node_t *ngx_http_elaaoms_cluster_node_for(int argc,
    const char **argv, const size_t *argvlen, ngx_int_t *slot);
ngx_http_elaaoms_redis_node_t *ngx_http_elaaoms_cluster_node_of(
    ngx_int_t slot);
ngx_int_t ngx_http_elaaoms_cluster_send(ngx_http_elaaoms_cmd_t *c,
    ngx_http_elaaoms_redis_node_t *nd, ngx_flag_t asking);
ngx_flag_t ngx_http_elaaoms_cluster_redirect(ngx_http_elaaoms_cmd_t *c,
    redisReply *reply);
void ngx_http_elaaoms_cluster_refresh(void);


#endif /* _NGX_HTTP_ELAAOMS_REDIS_INTERNAL_H_INCLUDED_ */
