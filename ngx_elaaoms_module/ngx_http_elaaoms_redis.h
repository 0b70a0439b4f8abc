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


/* ngx_http_elaaoms_replay.c: the replay guard's SET, into a batch */
ngx_int_t ngx_http_elaaoms_replay_add(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx, ngx_http_elaaoms_batch_t *b);


#endif /* _NGX_HTTP_ELAAOMS_REDIS_H_INCLUDED_ */
