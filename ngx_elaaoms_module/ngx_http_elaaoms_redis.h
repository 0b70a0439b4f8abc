/*
 * A non-blocking Redis client for nginx workers: hiredis' async API on
 * nginx's event loop, one connection per worker, connected lazily and
 * again after a failure, with nginx timers for connects and commands.
 *
 * A request talks to Redis through a batch: commands added to it are
 * pipelined, each reply is handed to on_reply as it arrives, and on_done
 * runs once, when every reply is in, when one failed, or on timeout.
 */

#ifndef _NGX_HTTP_ELAAOMS_REDIS_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_REDIS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/hiredis.h>

#include "ngx_http_elaaoms_module.h"


typedef struct ngx_http_elaaoms_batch_s  ngx_http_elaaoms_batch_t;

/* reply is NULL when the command failed (connection lost or timed out) */
typedef void (*ngx_http_elaaoms_reply_pt)(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);

/* rc: NGX_OK when every command got a reply, NGX_ERROR otherwise */
typedef void (*ngx_http_elaaoms_done_pt)(ngx_http_request_t *r, void *data,
    ngx_int_t rc);


void ngx_http_elaaoms_redis_init_worker(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf);
void ngx_http_elaaoms_redis_exit_worker(void);

/*
 * Creates a batch owned by the request (freed with it, or after the last
 * outstanding reply when the request ends first).
 */
ngx_http_elaaoms_batch_t *ngx_http_elaaoms_batch_create(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data);

/* NGX_ERROR when Redis cannot be reached at all (nothing was queued) */
ngx_int_t ngx_http_elaaoms_batch_add(ngx_http_elaaoms_batch_t *b, int argc,
    const char **argv, const size_t *argvlen);

/*
 * Before a MULTI: the key whose slot the transaction's commands share.  On
 * a cluster MULTI, EXEC and DISCARD (no keys of their own) then go to that
 * slot's master, and a redirection of a command inside the transaction is
 * answered as the error it is, never followed (EXEC aborts; the command
 * must not run alone on another node).  Nothing on a single Redis.
 */
void ngx_http_elaaoms_batch_transaction(ngx_http_elaaoms_batch_t *b,
    const char *key, size_t len);

/*
 * Starts the timeout; on_done will run from the event loop.  NGX_ERROR
 * when no command could be queued (on_done will not run).
 */
ngx_int_t ngx_http_elaaoms_batch_run(ngx_http_elaaoms_batch_t *b);

/*
 * Gives up a batch that could not be completed (a later add failed):
 * neither on_reply nor on_done will run for the commands already queued;
 * the request answers without them.
 */
void ngx_http_elaaoms_batch_abandon(ngx_http_elaaoms_batch_t *b);


/* ngx_http_elaaoms_replay.c: the replay guard's SET, into a batch */
ngx_int_t ngx_http_elaaoms_replay_add(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx, ngx_http_elaaoms_batch_t *b);


/* a command's arguments, built in place (hiredis copies them when queued) */
#define NGX_HTTP_ELAAOMS_MAX_ARGS  32

typedef struct {
    const char                *argv[NGX_HTTP_ELAAOMS_MAX_ARGS];
    size_t                     argvlen[NGX_HTTP_ELAAOMS_MAX_ARGS];
    int                        argc;
} ngx_http_elaaoms_args_t;


static ngx_inline void
ngx_http_elaaoms_arg(ngx_http_elaaoms_args_t *a, const void *data, size_t len)
{
    /* the callers' commands are fixed shapes well under the maximum */
    if (a->argc < NGX_HTTP_ELAAOMS_MAX_ARGS) {
        a->argv[a->argc] = data;
        a->argvlen[a->argc++] = len;
    }
}


static ngx_inline void
ngx_http_elaaoms_arg_str(ngx_http_elaaoms_args_t *a, const char *s)
{
    ngx_http_elaaoms_arg(a, s, ngx_strlen(s));
}


#define ngx_http_elaaoms_batch_add_args(b, a)                                 \
    ngx_http_elaaoms_batch_add((b), (a)->argc, (a)->argv, (a)->argvlen)


/*
 * An EVAL of script over keys[0..nkeys) and args[0..nargs) (NUL-terminated
 * strings, as many as the script wants: the argument vector is built in
 * pool) into b; NGX_OK or NGX_ERROR.
 */
ngx_int_t ngx_http_elaaoms_batch_eval(ngx_http_elaaoms_batch_t *b,
    ngx_pool_t *pool, const char *script, ngx_uint_t nkeys,
    const char **keys, ngx_uint_t nargs, const char **args);

/*
 * One command per organization (add() queues the one of org i into b), in
 * a batch of their own run at once: the per-org round of the status
 * page, /metrics and /health.  NGX_OK, or NGX_ERROR when nothing will
 * answer (what was queued is given up).
 */
typedef ngx_int_t (*ngx_http_elaaoms_org_add_pt)(ngx_http_request_t *r,
    void *data, ngx_uint_t i, ngx_http_elaaoms_batch_t *b);

ngx_int_t ngx_http_elaaoms_batch_per_org(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data, ngx_uint_t n, ngx_http_elaaoms_org_add_pt add);

/*
 * The org registry's SMEMBERS reply as the valid organization names
 * (ngx_str_t, NUL-terminated, in pool) in name order; NULL when the reply
 * is not an array or memory runs out.
 */
ngx_array_t *ngx_http_elaaoms_reply_orgs(ngx_pool_t *pool,
    const redisReply *reply);

/*
 * Lua that sets "oldest" to the age at "now" of the oldest job of the
 * ready list KEYS[1] (its enqueued_at), or -1: the per-org scripts of the
 * status page, /metrics and /health
 */
#define NGX_HTTP_ELAAOMS_LUA_OLDEST_JOB                                       \
    "local oldest = -1\n"                                                    \
    "local j = redis.call('LINDEX', KEYS[1], -1)\n"                          \
    "if j then\n"                                                            \
    "  local ok, d = pcall(cjson.decode, j)\n"                               \
    "  if ok and type(d) == 'table' and tonumber(d.enqueued_at) then\n"      \
    "    oldest = math.floor(now - tonumber(d.enqueued_at))\n"               \
    "  end\n"                                                                \
    "end\n"


#endif /* _NGX_HTTP_ELAAOMS_REDIS_H_INCLUDED_ */
