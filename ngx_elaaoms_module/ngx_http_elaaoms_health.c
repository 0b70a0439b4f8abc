/*
 * GET /health: Redis answers PING, and the worker's heartbeat is fresh.
 * One pipelined round trip; 503 with "redis":"down" when Redis does not
 * answer within elaaoms_redis_timeout.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "store/redis_keys.h"


typedef enum {
    NGX_HTTP_ELAAOMS_WORKER_ABSENT = 0,
    NGX_HTTP_ELAAOMS_WORKER_STALE,
    NGX_HTTP_ELAAOMS_WORKER_OK
} ngx_http_elaaoms_worker_state_e;


typedef struct {
    ngx_flag_t                       pong;
    ngx_http_elaaoms_worker_state_e  worker;
} ngx_http_elaaoms_health_ctx_t;


static void ngx_http_elaaoms_health_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_health_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_health_send(ngx_http_request_t *r,
    ngx_http_elaaoms_health_ctx_t *ctx);


/* fixed documents: nothing in them comes from input */
static ngx_str_t  ngx_http_elaaoms_health_docs[] = {
    ngx_string("{\"status\":\"ok\",\"redis\":\"ok\",\"worker\":\"absent\"}"),
    ngx_string("{\"status\":\"ok\",\"redis\":\"ok\",\"worker\":\"stale\"}"),
    ngx_string("{\"status\":\"ok\",\"redis\":\"ok\",\"worker\":\"ok\"}")
};

static ngx_str_t  ngx_http_elaaoms_health_down =
    ngx_string("{\"status\":\"error\",\"redis\":\"down\",\"worker\":\"unknown\"}");


ngx_int_t
ngx_http_elaaoms_health_handler(ngx_http_request_t *r)
{
    ngx_int_t                       rc;
    ngx_http_elaaoms_args_t         ping, beat;
    ngx_http_elaaoms_batch_t       *b;
    ngx_http_elaaoms_health_ctx_t  *ctx;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_health_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_health_reply,
                                      ngx_http_elaaoms_health_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ping.argc = 0;
    ngx_http_elaaoms_arg_str(&ping, "PING");

    beat.argc = 0;
    ngx_http_elaaoms_arg_str(&beat, "GET");
    ngx_http_elaaoms_arg_str(&beat, ELAAOMS_KEY_WORKER_HEARTBEAT);

    if (ngx_http_elaaoms_batch_add_args(b, &ping) != NGX_OK
        || ngx_http_elaaoms_batch_add_args(b, &beat) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        ctx->pong = 0;
        return ngx_http_elaaoms_health_send(r, ctx);
    }

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_elaaoms_health_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_health_ctx_t *ctx = data;

    time_t     beat;
    ngx_int_t  n;

    if (index == 0) {
        ctx->pong = (reply->type == REDIS_REPLY_STATUS
                     && ngx_strcmp(reply->str, "PONG") == 0);
        return;
    }

    if (reply->type != REDIS_REPLY_STRING) {
        ctx->worker = NGX_HTTP_ELAAOMS_WORKER_ABSENT;
        return;
    }

    n = ngx_atoi((u_char *) reply->str, reply->len);
    if (n == NGX_ERROR) {
        ctx->worker = NGX_HTTP_ELAAOMS_WORKER_ABSENT;
        return;
    }

    beat = (time_t) n;

    ctx->worker = (ngx_time() - beat <= ELAAOMS_WORKER_STALE_SECS)
                  ? NGX_HTTP_ELAAOMS_WORKER_OK
                  : NGX_HTTP_ELAAOMS_WORKER_STALE;
}


static void
ngx_http_elaaoms_health_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_health_ctx_t *ctx = data;

    if (rc != NGX_OK) {
        ctx->pong = 0;
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_health_send(r, ctx));
}


static ngx_int_t
ngx_http_elaaoms_health_send(ngx_http_request_t *r,
    ngx_http_elaaoms_health_ctx_t *ctx)
{
    ngx_str_t  *doc;

    if (!ctx->pong) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: health: redis is down");

        doc = &ngx_http_elaaoms_health_down;
        return ngx_http_elaaoms_send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                          doc->data, doc->len);
    }

    doc = &ngx_http_elaaoms_health_docs[ctx->worker];

    return ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, doc->data, doc->len);
}
