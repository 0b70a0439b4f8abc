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
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <sys/ioctl.h>

#include <hiredis/async.h>

#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_metrics.h"
#include "intake/ids.h"
#include "util/resp_format.h"


typedef enum {
    NGX_HTTP_ELAAOMS_REDIS_UNKNOWN = 0,
    NGX_HTTP_ELAAOMS_REDIS_UP,
    NGX_HTTP_ELAAOMS_REDIS_DOWN
} ngx_http_elaaoms_redis_state_e;


typedef struct {
    redisAsyncContext              *ac;
    ngx_connection_t               *conn;
    ngx_http_elaaoms_redis_conf_t  *conf;
    ngx_log_t                      *log;
    ngx_event_t                     connect_timer;
    ngx_http_elaaoms_redis_state_e  state;   /* as the last attempt saw it */
    unsigned                        connected:1;
} ngx_http_elaaoms_redis_t;


struct ngx_http_elaaoms_batch_s {
    ngx_http_request_t             *r;       /* NULL once the request ended */
    ngx_http_elaaoms_reply_pt       on_reply;
    ngx_http_elaaoms_done_pt        on_done;
    void                           *data;
    redisAsyncContext              *ac;
    ngx_event_t                     timer;
    ngx_uint_t                      sent;
    ngx_uint_t                      pending;
    unsigned                        done:1;
};


static ngx_int_t ngx_http_elaaoms_redis_connect(void);
static void ngx_http_elaaoms_redis_failed(const char *reason);
static void ngx_http_elaaoms_redis_answered(void);
static void ngx_http_elaaoms_redis_drop(const char *reason);
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
static void ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata);
static void ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b,
    ngx_int_t rc);
static void ngx_http_elaaoms_batch_timeout(ngx_event_t *ev);
static void ngx_http_elaaoms_batch_cleanup(void *data);


/* one context per worker process: the module is not thread-aware */
static ngx_http_elaaoms_redis_t  ngx_http_elaaoms_redis;


void
ngx_http_elaaoms_redis_init_worker(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    ngx_memzero(rd, sizeof(ngx_http_elaaoms_redis_t));

    rd->conf = conf;
    rd->log = cycle->log;

    rd->connect_timer.handler = ngx_http_elaaoms_redis_connect_timeout;
    rd->connect_timer.data = rd;
    rd->connect_timer.log = cycle->log;
    rd->connect_timer.cancelable = 1;

    /* connected lazily, by the first request that needs Redis */
}


void
ngx_http_elaaoms_redis_exit_worker(void)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (rd->ac) {
        redisAsyncFree(rd->ac);
    }
}


static ngx_int_t
ngx_http_elaaoms_redis_connect(void)
{
    ngx_connection_t               *c;
    redisAsyncContext              *ac;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;
    ngx_http_elaaoms_redis_conf_t  *conf = rd->conf;

    if (conf == NULL) {
        return NGX_ERROR;
    }

    if (conf->unix_path.len) {
        ac = redisAsyncConnectUnix((const char *) conf->unix_path.data);

    } else {
        ac = redisAsyncConnect((const char *) conf->host, conf->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "elaaoms: could not allocate a redis context");
        return NGX_ERROR;
    }

    if (ac->err) {
        ngx_http_elaaoms_redis_failed(ac->errstr);
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

    ac->data = rd;
    ac->ev.data = c;
    ac->ev.addRead = ngx_http_elaaoms_redis_add_read;
    ac->ev.delRead = ngx_http_elaaoms_redis_del_read;
    ac->ev.addWrite = ngx_http_elaaoms_redis_add_write;
    ac->ev.delWrite = ngx_http_elaaoms_redis_del_write;
    ac->ev.cleanup = ngx_http_elaaoms_redis_cleanup;

    rd->ac = ac;
    rd->conn = c;
    rd->connected = 0;

    /* the connect callback arms the write event that completes connect() */
    redisAsyncSetConnectCallback(ac, ngx_http_elaaoms_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_http_elaaoms_redis_on_disconnect);

    if (rd->ac != NULL) {
        ngx_add_timer(&rd->connect_timer, conf->timeout);
    }

    if (rd->ac != NULL && ngx_http_elaaoms_redis_auth(rd->ac) != NGX_OK) {
        ngx_http_elaaoms_redis_drop("AUTH could not be queued");
    }

    return rd->ac ? NGX_OK : NGX_ERROR;
}


/*
 * One command onto the connection, formatted by lib/util/resp_format
 * (hiredis copies it into its output buffer): a small one on the stack,
 * a large one (post-call payloads) in a heap block freed right after.
 */
static ngx_int_t
ngx_http_elaaoms_redis_command(redisAsyncContext *ac,
    redisCallbackFn *fn, void *privdata, int argc, const char **argv,
    const size_t *argvlen)
{
    int     rc;
    char    stack[2048], *cmd;
    size_t  len;

    len = elaaoms_resp_len(argc, argv, argvlen);

    /* NUL-terminated: hiredis looks past the first argument with strchr() */
    if (len < sizeof(stack)) {
        cmd = stack;

    } else {
        cmd = ngx_alloc(len + 1, ngx_cycle->log);
        if (cmd == NULL) {
            return NGX_ERROR;
        }
    }

    *elaaoms_resp_write(cmd, argc, argv, argvlen) = '\0';

    rc = redisAsyncFormattedCommand(ac, fn, privdata, cmd, len);

    if (cmd != stack) {
        ngx_free(cmd);
    }

    return rc == REDIS_OK ? NGX_OK : NGX_ERROR;
}


/* queued before anything else on a new connection */
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
    u_char                     msg[NGX_MAX_ERROR_STR], *last;
    redisReply                *r = reply;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (r == NULL) {
        /* the connection failed: the commands behind say so */
        return;
    }

    if (r->type != REDIS_REPLY_ERROR) {
        ngx_http_elaaoms_redis_answered();
        return;
    }

    /* Redis' error names neither the password nor the key space */
    last = ngx_snprintf(msg, sizeof(msg) - 1,
                        "authentication refused (%*s)",
                        (size_t) ngx_min(r->len, 256), r->str);
    *last = '\0';

    if (ac == rd->ac) {
        /* hiredis frees the context once this callback returns */
        ngx_http_elaaoms_redis_drop((const char *) msg);
    }
}


/* error once per outage; attempts while Redis is down go to debug */
static void
ngx_http_elaaoms_redis_failed(const char *reason)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_UNREACHABLE);

    if (rd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN) {
        ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                       "elaaoms: redis at %V still unreachable: %s",
                       &rd->conf->addr, reason);
        return;
    }

    rd->state = NGX_HTTP_ELAAOMS_REDIS_DOWN;

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "elaaoms: redis at %V unreachable: %s",
                  &rd->conf->addr, reason);
}


/* a reply came: the end of an outage, if there was one */
static void
ngx_http_elaaoms_redis_answered(void)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (rd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN) {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "elaaoms: redis at %V answers again", &rd->conf->addr);
    }

    rd->state = NGX_HTTP_ELAAOMS_REDIS_UP;
}


static void
ngx_http_elaaoms_redis_drop(const char *reason)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (rd->ac == NULL) {
        return;
    }

    ngx_http_elaaoms_redis_failed(reason);

    /* fails every queued command; the next request connects again */
    redisAsyncFree(rd->ac);
}


/*
 * A Redis that wants a password nginx was not given answers NOAUTH to
 * everything: an outage, said once, rather than answers that fail.
 */
static ngx_uint_t
ngx_http_elaaoms_redis_noauth(redisAsyncContext *ac, redisReply *r)
{
    u_char  msg[NGX_MAX_ERROR_STR], *last;

    if (r->type != REDIS_REPLY_ERROR || r->len < 6
        || ngx_strncmp(r->str, "NOAUTH", 6) != 0)
    {
        return 0;
    }

    if (ac == ngx_http_elaaoms_redis.ac) {
        last = ngx_snprintf(msg, sizeof(msg) - 1,
                            "authentication required (%*s): see "
                            "elaaoms_redis_auth",
                            (size_t) ngx_min(r->len, 256), r->str);
        *last = '\0';

        /* hiredis frees the context once this callback returns */
        ngx_http_elaaoms_redis_drop((const char *) msg);
    }

    return 1;
}


static void
ngx_http_elaaoms_redis_connect_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_redis_drop("connect timed out");
}


static void
ngx_http_elaaoms_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_http_elaaoms_redis_t  *rd = ac->data;

    if (status != REDIS_OK) {
        /* hiredis frees the context after this; the cleanup hook runs */
        ngx_http_elaaoms_redis_failed(ac->errstr);
        return;
    }

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    rd->connected = 1;

    /* reachable is not answering (a hung Redis accepts): see answered() */
    ngx_log_error(NGX_LOG_INFO, rd->log, 0,
                  "elaaoms: connected to redis at %V", &rd->conf->addr);
}


static void
ngx_http_elaaoms_redis_on_disconnect(const redisAsyncContext *ac, int status)
{
    if (status != REDIS_OK) {
        ngx_http_elaaoms_redis_failed(ac->errstr);
    }
}


static void
ngx_http_elaaoms_redis_read_handler(ngx_event_t *ev)
{
    int                        n, pending;
    ngx_connection_t          *c = ev->data;
    redisAsyncContext         *ac;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    ac = c->data;

    /*
     * hiredis reads 16K a call: a large reply (a caller's memories) is
     * drained here rather than over one event-loop turn per 16K; the
     * loop stops if a callback dropped the connection
     */
    for (n = 0; n < 64; n++) {
        redisAsyncHandleRead(ac);

        if (rd->ac != ac || rd->conn != c
            || ioctl(c->fd, FIONREAD, &pending) == -1 || pending == 0)
        {
            break;
        }
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
    ngx_connection_t          *c = privdata;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

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

    if (rd->conn == c) {
        rd->ac = NULL;
        rd->conn = NULL;
        rd->connected = 0;

        if (rd->connect_timer.timer_set) {
            ngx_del_timer(&rd->connect_timer);
        }
    }
}


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
    b = ngx_calloc(sizeof(ngx_http_elaaoms_batch_t), r->connection->log);
    if (b == NULL) {
        return NULL;
    }

    b->r = r;
    b->on_reply = on_reply;
    b->on_done = on_done;
    b->data = data;

    b->timer.handler = ngx_http_elaaoms_batch_timeout;
    b->timer.data = b;
    b->timer.log = r->connection->log;

    cln->handler = ngx_http_elaaoms_batch_cleanup;
    cln->data = b;

    return b;
}


ngx_int_t
ngx_http_elaaoms_batch_add(ngx_http_elaaoms_batch_t *b, int argc,
    const char **argv, const size_t *argvlen)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (rd->ac == NULL && ngx_http_elaaoms_redis_connect() != NGX_OK) {
        return NGX_ERROR;
    }

    /* replies are matched to commands by order: one connection per batch */
    if (b->ac != NULL && b->ac != rd->ac) {
        return NGX_ERROR;
    }

    if (ngx_http_elaaoms_redis_command(rd->ac, ngx_http_elaaoms_batch_reply,
                                       b, argc, argv, argvlen)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    b->ac = rd->ac;
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
}


static void
ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_http_elaaoms_batch_t  *b = privdata;

    ngx_uint_t  index;

    index = b->sent - b->pending;
    b->pending--;

    if (reply != NULL && ngx_http_elaaoms_redis_noauth(ac, reply)) {
        reply = NULL;
    }

    if (reply != NULL) {
        ngx_http_elaaoms_redis_answered();

        if (((redisReply *) reply)->type == REDIS_REPLY_ERROR) {
            ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_ERROR);
        }
    }

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


static void
ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b, ngx_int_t rc)
{
    b->done = 1;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    /* last use of b: finishing the request may free it */
    b->on_done(b->r, b->data, rc);
}


static void
ngx_http_elaaoms_batch_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_batch_t  *b = ev->data;

    redisAsyncContext  *ac;

    ac = b->ac;

    ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_TIMEOUT);

    /* the request's part: the outage itself is logged once, by drop() */
    ngx_log_error(NGX_LOG_INFO, ev->log, 0,
                  "elaaoms: redis did not answer within %M ms",
                  ngx_http_elaaoms_redis.conf->timeout);

    ngx_http_elaaoms_batch_finish(b, NGX_ERROR);

    /* a Redis that does not answer in time is treated as down */
    if (ac == ngx_http_elaaoms_redis.ac) {
        ngx_http_elaaoms_redis_drop("a command timed out");
    }
}


static void
ngx_http_elaaoms_batch_cleanup(void *data)
{
    ngx_http_elaaoms_batch_t  *b = data;

    b->r = NULL;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->pending == 0) {
        ngx_free(b);
    }
}


ngx_int_t
ngx_http_elaaoms_batch_eval(ngx_http_elaaoms_batch_t *b, ngx_pool_t *pool,
    const char *script, ngx_uint_t nkeys, const char **keys, ngx_uint_t nargs,
    const char **args)
{
    u_char       *num;
    size_t       *argvlen;
    ngx_uint_t    i, argc;
    const char  **argv;

    argc = 3 + nkeys + nargs;

    argv = ngx_palloc(pool, argc * sizeof(char *));
    argvlen = ngx_palloc(pool, argc * sizeof(size_t));
    num = ngx_pnalloc(pool, NGX_INT_T_LEN);
    if (argv == NULL || argvlen == NULL || num == NULL) {
        return NGX_ERROR;
    }

    argv[0] = "EVAL";
    argv[1] = script;
    argv[2] = (const char *) num;
    argvlen[2] = ngx_sprintf(num, "%ui", nkeys) - num;

    for (i = 0; i < nkeys; i++) {
        argv[3 + i] = keys[i];
    }

    for (i = 0; i < nargs; i++) {
        argv[3 + nkeys + i] = args[i];
    }

    for (i = 0; i < argc; i++) {
        if (i != 2) {
            argvlen[i] = ngx_strlen(argv[i]);
        }
    }

    return ngx_http_elaaoms_batch_add(b, (int) argc, argv, argvlen);
}


ngx_int_t
ngx_http_elaaoms_batch_per_org(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data, ngx_uint_t n, ngx_http_elaaoms_org_add_pt add)
{
    ngx_uint_t                 i;
    ngx_http_elaaoms_batch_t  *b;

    b = ngx_http_elaaoms_batch_create(r, on_reply, on_done, data);
    if (b == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (add(r, data, i, b) != NGX_OK) {
            /* replies to what was queued are dropped, never handed over */
            ngx_http_elaaoms_batch_abandon(b);
            return NGX_ERROR;
        }
    }

    return ngx_http_elaaoms_batch_run(b);
}


static int
ngx_http_elaaoms_org_cmp(const void *a, const void *b)
{
    const ngx_str_t  *x = a, *y = b;

    return ngx_strcmp(x->data, y->data);
}


ngx_array_t *
ngx_http_elaaoms_reply_orgs(ngx_pool_t *pool, const redisReply *reply)
{
    size_t        i;
    ngx_str_t    *org;
    ngx_array_t  *orgs;

    if (reply->type != REDIS_REPLY_ARRAY) {
        return NULL;
    }

    orgs = ngx_array_create(pool, reply->elements + 1, sizeof(ngx_str_t));
    if (orgs == NULL) {
        return NULL;
    }

    for (i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type != REDIS_REPLY_STRING
            || !elaaoms_org_valid(reply->element[i]->str))
        {
            continue;
        }

        org = ngx_array_push(orgs);
        if (org == NULL) {
            return NULL;
        }

        org->len = reply->element[i]->len;
        org->data = ngx_pnalloc(pool, org->len + 1);
        if (org->data == NULL) {
            return NULL;
        }

        ngx_memcpy(org->data, reply->element[i]->str, org->len + 1);
    }

    ngx_qsort(orgs->elts, orgs->nelts, sizeof(ngx_str_t),
              ngx_http_elaaoms_org_cmp);

    return orgs;
}
