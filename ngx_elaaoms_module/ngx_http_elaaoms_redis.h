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


#endif /* _NGX_HTTP_ELAAOMS_REDIS_H_INCLUDED_ */
