/*
 * hiredis' async API on nginx's event loop.
 *
 * Lessons this file encodes (see docs/ARCHITECTURE.md):
 * - hiredis closes the socket itself after the cleanup hook, so the hook
 *   frees the nginx connection without closing the descriptor;
 * - hiredis reads at most 16K per call, so events are level-triggered and
 *   a large reply is drained over several loop iterations;
 * - hiredis 0.14 has no timeouts in the async API: connects and batches
 *   carry nginx timers;
 * - a failed connect never calls the disconnect callback, so the worker's
 *   context pointer is cleared in the cleanup hook, which always runs;
 * - a queued callback cannot be cancelled, so a batch lives on the heap
 *   until its last reply even when its request has gone;
 * - an outage is logged at error once, when Redis stops answering, and at
 *   notice when it answers again: every request meanwhile would repeat it.
 *
 * On Redis Cluster ("elaaoms_redis cluster host:port ..."): one connection
 * per node, made lazily; a command goes to the master of its key's slot
 * (lib/cluster/command_slot.h), or to the seeds while the slot is unknown;
 * MOVED updates the slot's node and resends, ASK sends ASKING and the
 * command to the node named once, TRYAGAIN and CLUSTERDOWN are resent
 * after a pause, each a bounded number of times; the slot map is read
 * with CLUSTER SLOTS after a redirection or a node's failure, at most
 * once a second.  A batch may span nodes: each command carries its index.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sys/ioctl.h>

#include <hiredis/async.h>

#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_metrics.h"
#include "util/resp_format.h"
#include "cluster/command_slot.h"
#include "cluster/key_slot.h"
#include "cluster/redirect.h"
#include "cluster/slot_map.h"


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
    ngx_http_elaaoms_cmd_t          inline_cmds[NGX_HTTP_ELAAOMS_BATCH_INLINE];
    unsigned                        done:1;
};


static ngx_http_elaaoms_redis_node_t *ngx_http_elaaoms_redis_node(
    const u_char *host, size_t len, int port);
static ngx_int_t ngx_http_elaaoms_redis_connect(
    ngx_http_elaaoms_redis_node_t *nd);
static void ngx_http_elaaoms_redis_failed(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason);
static void ngx_http_elaaoms_redis_answered(
    ngx_http_elaaoms_redis_node_t *nd);
static void ngx_http_elaaoms_redis_drop(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason);
static ngx_int_t ngx_http_elaaoms_redis_format(int argc, const char **argv,
    const size_t *argvlen, char *stack, size_t size, char **cmd,
    size_t *len);
static ngx_int_t ngx_http_elaaoms_redis_command(redisAsyncContext *ac,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen);
static ngx_int_t ngx_http_elaaoms_redis_auth(redisAsyncContext *ac);
static void ngx_http_elaaoms_redis_authed(redisAsyncContext *ac, void *reply,
    void *privdata);
static ngx_uint_t ngx_http_elaaoms_redis_noauth(redisAsyncContext *ac,
    redisReply *r);
static void ngx_http_elaaoms_redis_connect_timeout(ngx_event_t *ev);
static void ngx_http_elaaoms_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_http_elaaoms_redis_on_disconnect(const redisAsyncContext *ac,
    int status);
static void ngx_http_elaaoms_redis_read_handler(ngx_event_t *ev);
static void ngx_http_elaaoms_redis_write_handler(ngx_event_t *ev);
static void ngx_http_elaaoms_redis_add_read(void *privdata);
static void ngx_http_elaaoms_redis_del_read(void *privdata);
static void ngx_http_elaaoms_redis_add_write(void *privdata);
static void ngx_http_elaaoms_redis_del_write(void *privdata);
static void ngx_http_elaaoms_redis_cleanup(void *privdata);
static ngx_http_elaaoms_redis_node_t *ngx_http_elaaoms_cluster_node_of(
    ngx_int_t slot);
static ngx_int_t ngx_http_elaaoms_cluster_send(ngx_http_elaaoms_cmd_t *c,
    ngx_http_elaaoms_redis_node_t *nd, ngx_flag_t asking);
static ngx_flag_t ngx_http_elaaoms_cluster_redirect(
    ngx_http_elaaoms_cmd_t *c, redisReply *reply);
static void ngx_http_elaaoms_cluster_refresh(void);
static void ngx_http_elaaoms_cluster_refresh_handler(ngx_event_t *ev);
static void ngx_http_elaaoms_cluster_slots(redisAsyncContext *ac,
    void *reply, void *privdata);
static void ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata);
static void ngx_http_elaaoms_batch_release(ngx_http_elaaoms_cmd_t *c);
static void ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b,
    ngx_int_t rc);
static void ngx_http_elaaoms_batch_timeout(ngx_event_t *ev);
static void ngx_http_elaaoms_batch_retry(ngx_event_t *ev);
static void ngx_http_elaaoms_batch_cleanup(void *data);


/* one client per worker process: the module is not thread-aware */
static ngx_http_elaaoms_redis_t  ngx_http_elaaoms_redis;

#define ngx_http_elaaoms_redis_cluster()                                      \
    (ngx_http_elaaoms_redis.slots != NULL)


void
ngx_http_elaaoms_redis_init_worker(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf)
{
    u_char                         *host;
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_seed_t  *seed;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    ngx_memzero(rd, sizeof(ngx_http_elaaoms_redis_t));

    rd->conf = conf;
    rd->log = cycle->log;

    if (conf->seeds == NULL) {
        /* single Redis: one node, the configured address or socket */
        host = conf->unix_path.len ? conf->unix_path.data : conf->host;

        (void) ngx_http_elaaoms_redis_node(host, ngx_strlen(host),
                                           conf->unix_path.len ? 0
                                                               : conf->port);
        rd->nseeds = rd->nnodes;
        return;
    }

    rd->slots = ngx_calloc(ELAAOMS_CLUSTER_SLOTS, cycle->log);
    if (rd->slots == NULL) {
        return;
    }

    seed = conf->seeds->elts;

    for (i = 0; i < conf->seeds->nelts; i++) {
        (void) ngx_http_elaaoms_redis_node(seed[i].host,
                                           ngx_strlen(seed[i].host),
                                           seed[i].port);
    }

    rd->nseeds = rd->nnodes;

    rd->refresh_timer.handler = ngx_http_elaaoms_cluster_refresh_handler;
    rd->refresh_timer.data = rd;
    rd->refresh_timer.log = cycle->log;
    rd->refresh_timer.cancelable = 1;

    /* the slot map before the first request, in the processes that serve */
    if (ngx_process == NGX_PROCESS_WORKER
        || ngx_process == NGX_PROCESS_SINGLE)
    {
        ngx_add_timer(&rd->refresh_timer, 1);
    }
}


void
ngx_http_elaaoms_redis_exit_worker(void)
{
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    for (i = 0; i < rd->nnodes; i++) {
        nd = &rd->nodes[i];

        if (nd->connect_timer.timer_set) {
            ngx_del_timer(&nd->connect_timer);
        }

        if (nd->ac) {
            redisAsyncFree(nd->ac);
        }
    }

    if (rd->refresh_timer.timer_set) {
        ngx_del_timer(&rd->refresh_timer);
    }

    if (rd->slots) {
        ngx_free(rd->slots);
        rd->slots = NULL;
    }
}


/* the node of that address, added when new; NULL when the table is full */
static ngx_http_elaaoms_redis_node_t *
ngx_http_elaaoms_redis_node(const u_char *host, size_t len, int port)
{
    u_char                         *p;
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (len == 0 || len >= ELAAOMS_CLUSTER_HOST_MAX) {
        return NULL;
    }

    for (i = 0; i < rd->nnodes; i++) {
        nd = &rd->nodes[i];
        if (nd->port == port && ngx_strlen(nd->host) == len
            && ngx_strncmp(nd->host, host, len) == 0)
        {
            return nd;
        }
    }

    if (rd->nnodes == NGX_HTTP_ELAAOMS_REDIS_NODES) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "elaaoms: more than %d redis nodes, %*s:%d ignored",
                      NGX_HTTP_ELAAOMS_REDIS_NODES, len, host, port);
        return NULL;
    }

    nd = &rd->nodes[rd->nnodes++];

    (void) ngx_cpystrn(nd->host, (u_char *) host, len + 1);
    nd->port = port;

    /* the configured text for the only Redis, host:port for a node */
    if (rd->slots == NULL && rd->conf->addr.len) {
        nd->addr = rd->conf->addr;

    } else {
        p = ngx_snprintf(nd->addr_buf, sizeof(nd->addr_buf), "%s:%d",
                         nd->host, port);
        nd->addr.data = nd->addr_buf;
        nd->addr.len = p - nd->addr_buf;
    }

    nd->connect_timer.handler = ngx_http_elaaoms_redis_connect_timeout;
    nd->connect_timer.data = nd;
    nd->connect_timer.log = rd->log;
    nd->connect_timer.cancelable = 1;

    return nd;
}


static ngx_int_t
ngx_http_elaaoms_redis_connect(ngx_http_elaaoms_redis_node_t *nd)
{
    ngx_connection_t               *c;
    redisAsyncContext              *ac;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;
    ngx_http_elaaoms_redis_conf_t  *conf = rd->conf;

    if (conf == NULL || nd == NULL) {
        return NGX_ERROR;
    }

    /* an address, resolved at configuration time or announced by a node */
    if (nd->port == 0) {
        ac = redisAsyncConnectUnix((const char *) nd->host);

    } else {
        ac = redisAsyncConnect((const char *) nd->host, nd->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "elaaoms: could not allocate a redis context");
        return NGX_ERROR;
    }

    if (ac->err) {
        ngx_http_elaaoms_redis_failed(nd, ac->errstr);
        redisAsyncFree(ac);
        return NGX_ERROR;
    }

    c = ngx_get_connection(ac->c.fd, rd->log);
    if (c == NULL) {
        redisAsyncFree(ac);
        return NGX_ERROR;
    }

    c->data = ac;
    c->read->handler = ngx_http_elaaoms_redis_read_handler;
    c->write->handler = ngx_http_elaaoms_redis_write_handler;
    c->read->log = rd->log;
    c->write->log = rd->log;

    ac->data = nd;
    ac->ev.data = c;
    ac->ev.addRead = ngx_http_elaaoms_redis_add_read;
    ac->ev.delRead = ngx_http_elaaoms_redis_del_read;
    ac->ev.addWrite = ngx_http_elaaoms_redis_add_write;
    ac->ev.delWrite = ngx_http_elaaoms_redis_del_write;
    ac->ev.cleanup = ngx_http_elaaoms_redis_cleanup;

    nd->ac = ac;
    nd->conn = c;
    nd->connected = 0;

    /* the connect callback arms the write event that completes connect() */
    redisAsyncSetConnectCallback(ac, ngx_http_elaaoms_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_http_elaaoms_redis_on_disconnect);

    if (nd->ac != NULL) {
        ngx_add_timer(&nd->connect_timer, conf->timeout);
    }

    if (nd->ac != NULL && ngx_http_elaaoms_redis_auth(nd->ac) != NGX_OK) {
        ngx_http_elaaoms_redis_drop(nd, "AUTH could not be queued");
    }

    return nd->ac ? NGX_OK : NGX_ERROR;
}


/*
 * A command in RESP (lib/util/resp_format), NUL-terminated (hiredis looks
 * past the first argument with strchr()): into stack when it fits, else
 * into a heap block the caller frees.
 */
static ngx_int_t
ngx_http_elaaoms_redis_format(int argc, const char **argv,
    const size_t *argvlen, char *stack, size_t size, char **cmd, size_t *len)
{
    *len = elaaoms_resp_len(argc, argv, argvlen);

    if (*len < size) {
        *cmd = stack;

    } else {
        *cmd = ngx_alloc(*len + 1, ngx_cycle->log);
        if (*cmd == NULL) {
            return NGX_ERROR;
        }
    }

    *elaaoms_resp_write(*cmd, argc, argv, argvlen) = '\0';

    return NGX_OK;
}


/*
 * One command onto the connection (hiredis copies it into its output
 * buffer): a small one formatted on the stack, a large one (post-call
 * payloads) in a heap block freed right after.
 */
static ngx_int_t
ngx_http_elaaoms_redis_command(redisAsyncContext *ac,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen)
{
    int     rc;
    char    stack[2048], *cmd;
    size_t  len;

    if (ngx_http_elaaoms_redis_format(argc, argv, argvlen, stack,
                                      sizeof(stack), &cmd, &len)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    rc = redisAsyncFormattedCommand(ac, fn, privdata, cmd, len);

    if (cmd != stack) {
        ngx_free(cmd);
    }

    return rc == REDIS_OK ? NGX_OK : NGX_ERROR;
}


/* queued before anything else on a new connection, to every node */
static ngx_int_t
ngx_http_elaaoms_redis_auth(redisAsyncContext *ac)
{
    int                             argc;
    size_t                          argvlen[3];
    const char                     *argv[3];
    ngx_http_elaaoms_redis_conf_t  *conf = ngx_http_elaaoms_redis.conf;

    if (conf->password.len == 0) {
        return NGX_OK;
    }

    argc = 0;
    argv[argc] = "AUTH";
    argvlen[argc++] = 4;

    if (conf->user.len) {
        argv[argc] = (const char *) conf->user.data;
        argvlen[argc++] = conf->user.len;
    }

    argv[argc] = (const char *) conf->password.data;
    argvlen[argc++] = conf->password.len;

    if (ngx_http_elaaoms_redis_command(ac, ngx_http_elaaoms_redis_authed,
                                       NULL, argc, argv, argvlen)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_elaaoms_redis_authed(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    u_char                          msg[NGX_MAX_ERROR_STR], *last;
    redisReply                     *r = reply;
    ngx_http_elaaoms_redis_node_t  *nd = ac->data;

    if (r == NULL) {
        /* the connection failed: the commands behind say so */
        return;
    }

    if (r->type != REDIS_REPLY_ERROR) {
        ngx_http_elaaoms_redis_answered(nd);
        return;
    }

    /* Redis' error names neither the password nor the key space */
    last = ngx_snprintf(msg, sizeof(msg) - 1,
                        "authentication refused (%*s)",
                        (size_t) ngx_min(r->len, 256), r->str);
    *last = '\0';

    if (ac == nd->ac) {
        /* hiredis frees the context once this callback returns */
        ngx_http_elaaoms_redis_drop(nd, (const char *) msg);
    }
}


/* error once per outage; attempts while Redis is down go to debug */
static void
ngx_http_elaaoms_redis_failed(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_UNREACHABLE);

    /* a node gone: its slots may have another master by now */
    if (ngx_http_elaaoms_redis_cluster()) {
        rd->refresh_wanted = 1;
    }

    if (nd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                       "elaaoms: redis at %V still unreachable: %s",
                       &nd->addr, reason);
        return;
    }

    nd->state = NGX_HTTP_ELAAOMS_REDIS_DOWN;

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "elaaoms: redis at %V unreachable: %s", &nd->addr, reason);
}


/* a reply came: the end of an outage, if there was one */
static void
ngx_http_elaaoms_redis_answered(ngx_http_elaaoms_redis_node_t *nd)
{
    if (nd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN) {
        ngx_log_error(NGX_LOG_NOTICE, ngx_http_elaaoms_redis.log, 0,
                      "elaaoms: redis at %V answers again", &nd->addr);
    }

    nd->state = NGX_HTTP_ELAAOMS_REDIS_UP;
}


static void
ngx_http_elaaoms_redis_drop(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason)
{
    if (nd->ac == NULL) {
        return;
    }

    ngx_http_elaaoms_redis_failed(nd, reason);

    /* fails every queued command; the next request connects again */
    redisAsyncFree(nd->ac);
}


/*
 * A Redis that wants a password nginx was not given answers NOAUTH to
 * everything: an outage, said once, rather than answers that fail.
 */
static ngx_uint_t
ngx_http_elaaoms_redis_noauth(redisAsyncContext *ac, redisReply *r)
{
    u_char                          msg[NGX_MAX_ERROR_STR], *last;
    ngx_http_elaaoms_redis_node_t  *nd = ac->data;

    if (r->type != REDIS_REPLY_ERROR || r->len < 6
        || ngx_strncmp(r->str, "NOAUTH", 6) != 0)
    {
        return 0;
    }

    if (ac == nd->ac) {
        last = ngx_snprintf(msg, sizeof(msg) - 1,
                            "authentication required (%*s): see "
                            "elaaoms_redis_auth",
                            (size_t) ngx_min(r->len, 256), r->str);
        *last = '\0';

        /* hiredis frees the context once this callback returns */
        ngx_http_elaaoms_redis_drop(nd, (const char *) msg);
    }

    return 1;
}


static void
ngx_http_elaaoms_redis_connect_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_redis_drop(ev->data, "connect timed out");
}


static void
ngx_http_elaaoms_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_http_elaaoms_redis_node_t  *nd = ac->data;

    if (status != REDIS_OK) {
        /* hiredis frees the context after this; the cleanup hook runs */
        ngx_http_elaaoms_redis_failed(nd, ac->errstr);
        return;
    }

    if (nd->connect_timer.timer_set) {
        ngx_del_timer(&nd->connect_timer);
    }

    nd->connected = 1;

    /* reachable is not answering (a hung Redis accepts): see answered() */
    ngx_log_error(NGX_LOG_INFO, ngx_http_elaaoms_redis.log, 0,
                  "elaaoms: connected to redis at %V", &nd->addr);
}


static void
ngx_http_elaaoms_redis_on_disconnect(const redisAsyncContext *ac, int status)
{
    if (status != REDIS_OK) {
        ngx_http_elaaoms_redis_failed(ac->data, ac->errstr);
    }
}


static void
ngx_http_elaaoms_redis_read_handler(ngx_event_t *ev)
{
    int                             n, pending;
    ngx_connection_t               *c = ev->data;
    redisAsyncContext              *ac;
    ngx_http_elaaoms_redis_node_t  *nd;

    ac = c->data;
    nd = ac->data;

    /*
     * hiredis reads 16K a call: a large reply (a caller's memories) is
     * drained here rather than over one event-loop turn per 16K; the
     * loop stops if a callback dropped the connection
     */
    for (n = 0; n < 64; n++) {
        redisAsyncHandleRead(ac);

        if (nd->ac != ac || nd->conn != c
            || ioctl(c->fd, FIONREAD, &pending) == -1 || pending == 0)
        {
            break;
        }
    }

    if (ngx_http_elaaoms_redis.refresh_wanted) {
        ngx_http_elaaoms_cluster_refresh();
    }
}


static void
ngx_http_elaaoms_redis_write_handler(ngx_event_t *ev)
{
    ngx_connection_t  *c = ev->data;

    redisAsyncHandleWrite(c->data);
}


/*
 * Level-triggered: hiredis reads 16K per call and would stall on the rest
 * of a large reply with edge-triggered notification.
 */

static void
ngx_http_elaaoms_redis_add_read(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (!c->read->active) {
        if (ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, c->log, 0,
                          "elaaoms: could not watch the redis socket");
        }
    }
}


static void
ngx_http_elaaoms_redis_del_read(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, 0);
    }
}


static void
ngx_http_elaaoms_redis_add_write(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (!c->write->active) {
        if (ngx_add_event(c->write, NGX_WRITE_EVENT, NGX_LEVEL_EVENT)
            != NGX_OK)
        {
            ngx_log_error(NGX_LOG_ERR, c->log, 0,
                          "elaaoms: could not watch the redis socket");
        }
    }
}


static void
ngx_http_elaaoms_redis_del_write(void *privdata)
{
    ngx_connection_t  *c = privdata;

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
}


static void
ngx_http_elaaoms_redis_cleanup(void *privdata)
{
    ngx_connection_t               *c = privdata;
    redisAsyncContext              *ac;
    ngx_http_elaaoms_redis_node_t  *nd;

    ac = c->data;
    nd = ac->data;

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    if (c->write->timer_set) {
        ngx_del_timer(c->write);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    /* hiredis closes the descriptor right after this hook */
    if (c->read->active) {
        (void) ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
    }

    if (c->write->active) {
        (void) ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    ngx_free_connection(c);
    c->fd = (ngx_socket_t) -1;

    if (nd->conn == c) {
        nd->ac = NULL;
        nd->conn = NULL;
        nd->connected = 0;

        if (nd->connect_timer.timer_set) {
            ngx_del_timer(&nd->connect_timer);
        }
    }
}


/* --- the cluster --------------------------------------------------------- */

/*
 * The master of the slot, else (unknown slot, or a command without keys)
 * a seed, in turn, so that one dead seed does not stop the others.
 */
static ngx_http_elaaoms_redis_node_t *
ngx_http_elaaoms_cluster_node_of(ngx_int_t slot)
{
    ngx_uint_t                 i;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (slot >= 0 && rd->slots[slot]) {
        return &rd->nodes[rd->slots[slot] - 1];
    }

    if (rd->nseeds == 0) {
        return NULL;
    }

    /* one that answered, if there is one */
    for (i = 0; i < rd->nseeds; i++) {
        if (rd->nodes[(rd->next_seed + i) % rd->nseeds].state
            != NGX_HTTP_ELAAOMS_REDIS_DOWN)
        {
            break;
        }
    }

    rd->next_seed = (rd->next_seed + i + 1) % rd->nseeds;

    return &rd->nodes[(rd->next_seed + rd->nseeds - 1) % rd->nseeds];
}


/* the kept command onto a node (after ASKING when asked to) */
static ngx_int_t
ngx_http_elaaoms_cluster_send(ngx_http_elaaoms_cmd_t *c,
    ngx_http_elaaoms_redis_node_t *nd, ngx_flag_t asking)
{
    static char  asking_cmd[] = "*1\r\n$6\r\nASKING\r\n";

    if (nd == NULL) {
        return NGX_ERROR;
    }

    if (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK) {
        return NGX_ERROR;
    }

    if (asking
        && redisAsyncFormattedCommand(nd->ac, NULL, NULL, asking_cmd,
                                      sizeof(asking_cmd) - 1)
           != REDIS_OK)
    {
        return NGX_ERROR;
    }

    if (redisAsyncFormattedCommand(nd->ac, ngx_http_elaaoms_batch_reply, c,
                                   c->cmd, c->len)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    c->node = nd;

    return NGX_OK;
}


/*
 * 1 when the reply was a redirection the command follows (it is sent
 * again, or waits for the batch's retry timer); 0 to hand the reply over
 */
static ngx_flag_t
ngx_http_elaaoms_cluster_redirect(ngx_http_elaaoms_cmd_t *c,
    redisReply *reply)
{
    size_t                          len;
    const u_char                   *host;
    elaaoms_redirect_t              to;
    ngx_http_elaaoms_batch_t       *b = c->b;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (reply->type != REDIS_REPLY_ERROR || c->cmd == NULL
        || b->r == NULL || b->done
        || c->redirects >= NGX_HTTP_ELAAOMS_REDIS_REDIRECTS)
    {
        return 0;
    }

    switch (elaaoms_redirect_parse(reply->str, reply->len, &to)) {

    case ELAAOMS_REDIRECT_MOVED:
    case ELAAOMS_REDIRECT_ASK:
        /* an empty host is the node that answered */
        host = to.host[0] ? (u_char *) to.host : c->node->host;
        len = ngx_strlen(host);

        nd = ngx_http_elaaoms_redis_node(host, len, to.port);
        if (nd == NULL) {
            return 0;
        }

        c->redirects++;

        if (to.kind == ELAAOMS_REDIRECT_MOVED) {
            rd->slots[to.slot] = (uint8_t) (nd - rd->nodes + 1);
            rd->refresh_wanted = 1;
        }

        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                       "elaaoms: redis slot %ui %s %V",
                       (ngx_uint_t) to.slot,
                       to.kind == ELAAOMS_REDIRECT_MOVED ? "moved to"
                                                         : "asks at",
                       &nd->addr);

        return ngx_http_elaaoms_cluster_send(c, nd,
                                             to.kind == ELAAOMS_REDIRECT_ASK)
               == NGX_OK;

    case ELAAOMS_REDIRECT_TRYAGAIN:
    case ELAAOMS_REDIRECT_CLUSTERDOWN:
        /* the retry timer finds the inline commands only */
        if (c->heap) {
            return 0;
        }

        /* a slot moving, or a failover: again after a pause */
        c->redirects++;
        c->retry = 1;
        rd->refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }

        return 1;

    default:
        return 0;
    }
}


/* CLUSTER SLOTS from a node that answers, at most once a second */
static void
ngx_http_elaaoms_cluster_refresh(void)
{
    ngx_uint_t                      i, n;
    ngx_msec_t                      now;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    static char  slots_cmd[] = "*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n";

    now = ngx_current_msec;

    if (!ngx_http_elaaoms_redis_cluster() || rd->refreshing
        || (rd->refreshed && now - rd->refreshed
                             < NGX_HTTP_ELAAOMS_REDIS_REFRESH_MS))
    {
        return;
    }

    rd->refresh_wanted = 0;
    rd->refreshed = now;

    /* a connected node first, then any that is not known to be down */
    for (n = 0; n < 2; n++) {
        for (i = 0; i < rd->nnodes; i++) {
            nd = &rd->nodes[(rd->next_seed + i) % rd->nnodes];

            if (n == 0 ? !nd->connected
                       : nd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN)
            {
                continue;
            }

            if (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK)
            {
                continue;
            }

            if (redisAsyncFormattedCommand(nd->ac,
                                           ngx_http_elaaoms_cluster_slots,
                                           NULL, slots_cmd,
                                           sizeof(slots_cmd) - 1)
                == REDIS_OK)
            {
                rd->refreshing = 1;
                return;
            }
        }
    }
}


static void
ngx_http_elaaoms_cluster_refresh_handler(ngx_event_t *ev)
{
    ngx_http_elaaoms_cluster_refresh();
}


static void
ngx_http_elaaoms_cluster_slots(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    char                            err[256];
    uint8_t                         idx;
    ngx_uint_t                      i, s, covered;
    elaaoms_slot_map_t              map;
    ngx_http_elaaoms_redis_node_t  *nd, *from;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    rd->refreshing = 0;

    if (rd->slots == NULL) {
        return;
    }

    if (reply == NULL) {
        /* that node is down (marked so): another one, soon, not in here */
        rd->refreshed = 0;

        if (!rd->refresh_timer.timer_set && !ngx_exiting && !ngx_quit) {
            ngx_add_timer(&rd->refresh_timer, 10);
        }

        return;
    }

    from = ac->data;

    if (elaaoms_slot_map_parse(&map, reply, (const char *) from->host, err,
                               sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "elaaoms: redis at %V: unusable CLUSTER SLOTS: %s",
                      &from->addr, err);
        return;
    }

    covered = 0;

    for (i = 0; i < map.nranges; i++) {
        nd = ngx_http_elaaoms_redis_node(
                 (u_char *) map.ranges[i].master.host,
                 ngx_strlen(map.ranges[i].master.host),
                 map.ranges[i].master.port);
        if (nd == NULL) {
            continue;
        }

        idx = (uint8_t) (nd - rd->nodes + 1);

        for (s = map.ranges[i].first; s <= map.ranges[i].last; s++) {
            rd->slots[s] = idx;
        }

        covered += map.ranges[i].last - map.ranges[i].first + 1;
    }

    elaaoms_slot_map_free(&map);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                   "elaaoms: redis cluster map from %V: %ui slots",
                   &from->addr, covered);
}


/* --- batches ------------------------------------------------------------- */

ngx_http_elaaoms_batch_t *
ngx_http_elaaoms_batch_create(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data)
{
    ngx_pool_cleanup_t        *cln;
    ngx_http_elaaoms_batch_t  *b;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    /* on the heap: hiredis may call back after the request has gone */
    b = ngx_alloc(sizeof(ngx_http_elaaoms_batch_t), r->connection->log);
    if (b == NULL) {
        return NULL;
    }

    /* the commands are set as they are added */
    ngx_memzero(b, offsetof(ngx_http_elaaoms_batch_t, inline_cmds));
    b->done = 0;

    b->r = r;
    b->on_reply = on_reply;
    b->on_done = on_done;
    b->data = data;

    b->timer.handler = ngx_http_elaaoms_batch_timeout;
    b->timer.data = b;
    b->timer.log = r->connection->log;

    b->retry.handler = ngx_http_elaaoms_batch_retry;
    b->retry.data = b;
    b->retry.log = r->connection->log;

    cln->handler = ngx_http_elaaoms_batch_cleanup;
    cln->data = b;

    return b;
}


ngx_int_t
ngx_http_elaaoms_batch_add(ngx_http_elaaoms_batch_t *b, int argc,
    const char **argv, const size_t *argvlen)
{
    char                            stack[1];
    ngx_int_t                       slot;
    ngx_uint_t                      i;
    ngx_http_elaaoms_cmd_t         *c;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (rd->nnodes == 0) {
        return NGX_ERROR;
    }

    slot = -1;

    if (ngx_http_elaaoms_redis_cluster()) {
        if (rd->refresh_wanted || rd->refreshed == 0) {
            ngx_http_elaaoms_cluster_refresh();
        }

        slot = elaaoms_command_slot(argc, argv, argvlen);

        /* the module's own commands: a key layout bug, not an outage */
        if (slot == ELAAOMS_COMMAND_CROSSSLOT || slot == ELAAOMS_COMMAND_BAD) {
            ngx_log_error(NGX_LOG_ALERT, rd->log, 0,
                          "elaaoms: redis %*s: %s", argvlen[0], argv[0],
                          slot == ELAAOMS_COMMAND_CROSSSLOT
                          ? "keys in different cluster slots"
                          : "no key where one is expected");
            return NGX_ERROR;
        }

        nd = ngx_http_elaaoms_cluster_node_of(slot);

        /* a seed that cannot be reached now: the next ones */
        for (i = 1;
             nd != NULL && nd->ac == NULL && i < rd->nseeds
             && (slot < 0 || rd->slots[slot] == 0)
             && ngx_http_elaaoms_redis_connect(nd) != NGX_OK;
             i++)
        {
            nd = ngx_http_elaaoms_cluster_node_of(slot);
        }

    } else {
        nd = &rd->nodes[0];
    }

    if (nd == NULL
        || (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK))
    {
        return NGX_ERROR;
    }

    /* single Redis: replies come in order on one connection */
    if (b->node != NULL && !ngx_http_elaaoms_redis_cluster()
        && b->node->ac != nd->ac)
    {
        return NGX_ERROR;
    }

    if (b->sent < NGX_HTTP_ELAAOMS_BATCH_INLINE) {
        c = &b->inline_cmds[b->sent];
        ngx_memzero(c, sizeof(ngx_http_elaaoms_cmd_t));

    } else {
        c = ngx_calloc(sizeof(ngx_http_elaaoms_cmd_t), rd->log);
        if (c == NULL) {
            return NGX_ERROR;
        }
        c->heap = 1;
    }

    c->b = b;
    c->index = b->sent;
    c->slot = slot;

    if (ngx_http_elaaoms_redis_cluster()) {
        /* kept whole: a redirection sends it again */
        if (ngx_http_elaaoms_redis_format(argc, argv, argvlen, stack, 0,
                                          &c->cmd, &c->len)
            != NGX_OK
            || ngx_http_elaaoms_cluster_send(c, nd, 0) != NGX_OK)
        {
            if (c->cmd) {
                ngx_free(c->cmd);
            }
            if (c->heap) {
                ngx_free(c);
            }
            return NGX_ERROR;
        }

    } else {
        if (ngx_http_elaaoms_redis_command(nd->ac,
                                           ngx_http_elaaoms_batch_reply, c,
                                           argc, argv, argvlen)
            != NGX_OK)
        {
            if (c->heap) {
                ngx_free(c);
            }
            return NGX_ERROR;
        }

        c->node = nd;
    }

    b->node = nd;
    b->sent++;
    b->pending++;

    return NGX_OK;
}


ngx_int_t
ngx_http_elaaoms_batch_run(ngx_http_elaaoms_batch_t *b)
{
    if (b->sent == 0) {
        return NGX_ERROR;
    }

    ngx_add_timer(&b->timer, ngx_http_elaaoms_redis.conf->timeout);

    return NGX_OK;
}


void
ngx_http_elaaoms_batch_abandon(ngx_http_elaaoms_batch_t *b)
{
    /* replies still coming are counted and dropped, never handed over */
    b->done = 1;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }
}


static void
ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_http_elaaoms_cmd_t *c = privdata;

    ngx_uint_t                 index;
    ngx_http_elaaoms_batch_t  *b;

    b = c->b;
    index = c->index;

    if (reply != NULL && ngx_http_elaaoms_redis_noauth(ac, reply)) {
        reply = NULL;
    }

    if (reply != NULL) {
        ngx_http_elaaoms_redis_answered(ac->data);

        if (ngx_http_elaaoms_redis_cluster()
            && ngx_http_elaaoms_cluster_redirect(c, reply))
        {
            /* the command goes on: it is still pending */
            return;
        }

        if (((redisReply *) reply)->type == REDIS_REPLY_ERROR) {
            ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_ERROR);
        }

    } else if (ngx_http_elaaoms_redis_cluster() && c->cmd != NULL
               && c->node != NULL && !c->node->connected && !c->heap
               && b->r != NULL && !b->done
               && c->redirects < NGX_HTTP_ELAAOMS_REDIS_REDIRECTS)
    {
        /*
         * a node that could not be connected to never got the command: a
         * failed master, whose slots a replica may serve by now; sent
         * again after the map is read again
         */
        c->redirects++;
        c->retry = 1;
        ngx_http_elaaoms_redis.refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }

        return;
    }

    ngx_http_elaaoms_batch_release(c);
    b->pending--;

    if (b->r == NULL) {
        if (b->pending == 0) {
            ngx_free(b);
        }
        return;
    }

    if (b->done) {
        return;
    }

    if (reply == NULL) {
        ngx_http_elaaoms_batch_finish(b, NGX_ERROR);
        return;
    }

    b->on_reply(b->r, b->data, index, reply);

    if (b->pending == 0) {
        ngx_http_elaaoms_batch_finish(b, NGX_OK);
    }
}


/* a command's own memory, once its last reply is in */
static void
ngx_http_elaaoms_batch_release(ngx_http_elaaoms_cmd_t *c)
{
    if (c->cmd) {
        ngx_free(c->cmd);
        c->cmd = NULL;
    }

    if (c->heap) {
        ngx_free(c);
    }
}


static void
ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b, ngx_int_t rc)
{
    b->done = 1;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }

    /* last use of b: finishing the request may free it */
    b->on_done(b->r, b->data, rc);
}


static void
ngx_http_elaaoms_batch_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_batch_t  *b = ev->data;

    ngx_http_elaaoms_redis_node_t  *nd;

    nd = b->node;

    ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_TIMEOUT);

    /* the request's part: the outage itself is logged once, by drop() */
    ngx_log_error(NGX_LOG_INFO, ev->log, 0,
                  "elaaoms: redis did not answer within %M ms",
                  ngx_http_elaaoms_redis.conf->timeout);

    ngx_http_elaaoms_batch_finish(b, NGX_ERROR);

    /*
     * a Redis that does not answer in time is treated as down (on a
     * cluster, the node of the batch's last command)
     */
    if (nd != NULL && nd->ac != NULL) {
        ngx_http_elaaoms_redis_drop(nd, "a command timed out");
    }
}


/* cluster: the commands told TRYAGAIN or CLUSTERDOWN, sent again */
static void
ngx_http_elaaoms_batch_retry(ngx_event_t *ev)
{
    ngx_http_elaaoms_batch_t  *b = ev->data;

    ngx_uint_t               i, n;
    ngx_http_elaaoms_cmd_t  *c;

    if (ngx_http_elaaoms_redis.refresh_wanted) {
        ngx_http_elaaoms_cluster_refresh();
    }

    n = ngx_min(b->sent, NGX_HTTP_ELAAOMS_BATCH_INLINE);

    /* commands past the inline ones are not found here: they fail */
    for (i = 0; i < n; i++) {
        c = &b->inline_cmds[i];

        if (!c->retry) {
            continue;
        }

        if (ngx_http_elaaoms_cluster_send(c,
                ngx_http_elaaoms_cluster_node_of(c->slot), 0)
            == NGX_OK)
        {
            c->retry = 0;
            continue;
        }

        /* its node still refuses: again later, a bounded number of times */
        if (++c->redirects >= NGX_HTTP_ELAAOMS_REDIS_REDIRECTS) {
            ngx_http_elaaoms_batch_finish(b, NGX_ERROR);
            return;
        }

        ngx_http_elaaoms_redis.refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }
    }
}


static void
ngx_http_elaaoms_batch_cleanup(void *data)
{
    ngx_http_elaaoms_batch_t  *b = data;

    ngx_uint_t               i, n;
    ngx_http_elaaoms_cmd_t  *c;

    b->r = NULL;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }

    /* commands waiting to be sent again never will be: not pending */
    n = ngx_min(b->sent, NGX_HTTP_ELAAOMS_BATCH_INLINE);

    for (i = 0; i < n; i++) {
        c = &b->inline_cmds[i];

        if (c->retry) {
            c->retry = 0;
            ngx_http_elaaoms_batch_release(c);
            b->pending--;
        }
    }

    if (b->pending == 0) {
        ngx_free(b);
    }
}
