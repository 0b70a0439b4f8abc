/*
 * hiredis' async API on nginx's event loop: a worker's connections, one
 * to the only Redis or one to each node of a cluster.  Commands go out in
 * batches (ngx_http_elaaoms_redis_batch.c); on a cluster, which node gets
 * one is ngx_http_elaaoms_redis_cluster.c's business.
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
 * - an outage is logged at error once, when Redis stops answering, and at
 *   notice when it answers again: every request meanwhile would repeat it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sys/ioctl.h>

#include "ngx_http_elaaoms_redis_internal.h"
#include "ngx_http_elaaoms_metrics.h"
#include "util/resp_format.h"


static ngx_int_t ngx_http_elaaoms_redis_auth(redisAsyncContext *ac);
static void ngx_http_elaaoms_redis_authed(redisAsyncContext *ac, void *reply,
    void *privdata);
static void ngx_http_elaaoms_redis_failed(ngx_http_elaaoms_redis_node_t *nd,
    const char *reason);
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


ngx_http_elaaoms_redis_t  ngx_http_elaaoms_redis;


void
ngx_http_elaaoms_redis_init_worker(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf)
{
    u_char                    *host;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    ngx_memzero(rd, sizeof(ngx_http_elaaoms_redis_t));

    rd->conf = conf;
    rd->log = cycle->log;

    if (conf->seeds != NULL) {
        ngx_http_elaaoms_cluster_init(cycle, conf);
        return;
    }

    /* single Redis: one node, the configured address or socket */
    host = conf->unix_path.len ? conf->unix_path.data : conf->host;

    (void) ngx_http_elaaoms_redis_node(host, ngx_strlen(host),
                                       conf->unix_path.len ? 0 : conf->port);
    rd->nseeds = rd->nnodes;
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

    /* last: a CLUSTER SLOTS failed by freeing its node sets the timer again */
    ngx_http_elaaoms_cluster_exit();
}


/* the node of that address, added when new; NULL when the table is full */
ngx_http_elaaoms_redis_node_t *
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


ngx_int_t
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
ngx_int_t
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
ngx_int_t
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
void
ngx_http_elaaoms_redis_answered(ngx_http_elaaoms_redis_node_t *nd)
{
    if (nd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN) {
        ngx_log_error(NGX_LOG_NOTICE, ngx_http_elaaoms_redis.log, 0,
                      "elaaoms: redis at %V answers again", &nd->addr);
    }

    nd->state = NGX_HTTP_ELAAOMS_REDIS_UP;
}


void
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
ngx_uint_t
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

