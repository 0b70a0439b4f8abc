/*
 * GET /health: Redis answers PING, the worker's heartbeat is fresh, and
 * the extraction pipeline keeps up.  Two pipelined round trips, each
 * command in one Redis Cluster slot (issue 16): PING, the heartbeat, the
 * org registry and the counters' script (its two keys share "{health}");
 * then per org one script over its ready list (the oldest job's age).
 * 503 with "redis":"down" when Redis does not answer within
 * elaaoms_redis_timeout.
 *
 * "degraded" (still 200: the webhooks answer, a load balancer must keep
 * this host; a monitor matches the body) names its reasons: the oldest
 * job waiting in any org's ready list is older than
 * elaaoms_health_queue_age, or more than elaaoms_health_failure_ratio of
 * the extractions that ended in the last window failed (the worker's
 * counters, elaaoms:metrics:worker; at least
 * NGX_HTTP_ELAAOMS_HEALTH_MIN_OUTCOMES of them).  The script keeps two
 * snapshots of the counters, at most one window apart, so the ratio is
 * over the last one to two windows whichever nginx asks.
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
    ngx_uint_t                       round;      /* 0, then 1: the orgs */
    ngx_array_t                     *orgs;       /* of ngx_str_t */
    ngx_flag_t                       pong;
    ngx_http_elaaoms_worker_state_e  worker;
    ngx_flag_t                       pipeline;    /* the script answered */
    ngx_int_t                        oldest;      /* seconds, -1: none */
    ngx_int_t                        ok;          /* in the window */
    ngx_int_t                        failed;
} ngx_http_elaaoms_health_ctx_t;


/* room for the reasons: two sentences of figures */
#define NGX_HTTP_ELAAOMS_HEALTH_DOC_MAX       256

/* the failure ratio needs this many extractions in the window */
#define NGX_HTTP_ELAAOMS_HEALTH_MIN_OUTCOMES  10
#define NGX_HTTP_ELAAOMS_HEALTH_WINDOW        300


/*
 * KEYS: an org's ready list; ARGV: now.  The age of its oldest job, or -1
 */
static char  ngx_http_elaaoms_health_age_lua[] =
    "local now = tonumber(ARGV[1])\n"
    NGX_HTTP_ELAAOMS_LUA_OLDEST_JOB
    "return oldest\n";


/*
 * KEYS: the worker's counters, the window's snapshots ("{health}");
 * ARGV: now, the window.  {extractions ok and failed since the older
 * snapshot}
 */
static char  ngx_http_elaaoms_health_lua[] =
    "local now, win = tonumber(ARGV[1]), tonumber(ARGV[2])\n"
    "local okc, failc = 0, 0\n"
    "local m = redis.call('HGETALL', KEYS[1])\n"
    "for i = 1, #m, 2 do\n"
    "  local f = m[i]\n"
    "  if string.sub(f, 1, 26) == 'elaaoms_extractions_total{' then\n"
    "    local v = tonumber(m[i + 1]) or 0\n"
    "    if string.find(f, 'outcome=\"ok\"', 1, true) then\n"
    "      okc = okc + v\n"
    "    elseif string.find(f, 'outcome=\"failed\"', 1, true) then\n"
    "      failc = failc + v\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local w = redis.call('HMGET', KEYS[2], 't', 'ok', 'failed', 'pok',\n"
    "                     'pfailed')\n"
    "if not w[1] or now - tonumber(w[1]) >= win then\n"
    "  w = {now, okc, failc, w[2] or okc, w[3] or failc}\n"
    "  redis.call('HSET', KEYS[2], 't', now, 'ok', okc, 'failed', failc,\n"
    "             'pok', w[4], 'pfailed', w[5])\n"
    "  redis.call('EXPIRE', KEYS[2], 4 * win)\n"
    "end\n"
    "return {okc - tonumber(w[4]), failc - tonumber(w[5])}\n";


static void ngx_http_elaaoms_health_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_health_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_health_send(ngx_http_request_t *r,
    ngx_http_elaaoms_health_ctx_t *ctx);
static ngx_int_t ngx_http_elaaoms_health_age(ngx_http_request_t *r,
    void *data, ngx_uint_t i, ngx_http_elaaoms_batch_t *b);


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
    u_char                          now[NGX_TIME_T_LEN], win[NGX_INT_T_LEN];
    ngx_http_elaaoms_args_t         ping, beat, orgs, pipe;
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

    ctx->oldest = -1;

    orgs.argc = 0;
    ngx_http_elaaoms_arg_str(&orgs, "SMEMBERS");
    ngx_http_elaaoms_arg_str(&orgs, ELAAOMS_KEY_ORGS);

    pipe.argc = 0;
    ngx_http_elaaoms_arg_str(&pipe, "EVAL");
    ngx_http_elaaoms_arg_str(&pipe, ngx_http_elaaoms_health_lua);
    ngx_http_elaaoms_arg_str(&pipe, "2");
    ngx_http_elaaoms_arg_str(&pipe, ELAAOMS_KEY_WORKER_METRICS);
    ngx_http_elaaoms_arg_str(&pipe, ELAAOMS_KEY_HEALTH_WINDOW);
    ngx_http_elaaoms_arg(&pipe, now,
                             ngx_sprintf(now, "%T", ngx_time()) - now);
    ngx_http_elaaoms_arg(&pipe, win,
                             ngx_sprintf(win, "%i",
                                         NGX_HTTP_ELAAOMS_HEALTH_WINDOW)
                             - win);

    if (ngx_http_elaaoms_batch_add_args(b, &ping) != NGX_OK
        || ngx_http_elaaoms_batch_add_args(b, &beat) != NGX_OK
        || ngx_http_elaaoms_batch_add_args(b, &orgs) != NGX_OK
        || ngx_http_elaaoms_batch_add_args(b, &pipe) != NGX_OK
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

    if (ctx->round == 1) {
        /* an org's oldest job */
        if (reply->type == REDIS_REPLY_INTEGER
            && reply->integer > ctx->oldest)
        {
            ctx->oldest = (ngx_int_t) reply->integer;
        }
        return;
    }

    if (index == 2) {
        ctx->orgs = ngx_http_elaaoms_reply_orgs(r->pool, reply);
        return;
    }

    if (index == 0) {
        ctx->pong = (reply->type == REDIS_REPLY_STATUS
                     && ngx_strcmp(reply->str, "PONG") == 0);
        return;
    }

    if (index == 3) {
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 2
            && reply->element[0]->type == REDIS_REPLY_INTEGER
            && reply->element[1]->type == REDIS_REPLY_INTEGER)
        {
            ctx->pipeline = 1;
            ctx->ok = (ngx_int_t) reply->element[0]->integer;
            ctx->failed = (ngx_int_t) reply->element[1]->integer;

        } else {
            /* health stays about Redis and the worker: said, not failed */
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "elaaoms: health: the pipeline's figures could "
                          "not be read: %s",
                          reply->type == REDIS_REPLY_ERROR ? reply->str
                                                           : "unexpected");
        }
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

    /* the orgs' oldest jobs, one script each in its org's slot */
    if (ctx->round == 0 && ctx->pong && ctx->orgs && ctx->orgs->nelts > 0) {
        ctx->round = 1;
        if (ngx_http_elaaoms_batch_per_org(r, ngx_http_elaaoms_health_reply,
                                           ngx_http_elaaoms_health_done, ctx,
                                           ctx->orgs->nelts,
                                           ngx_http_elaaoms_health_age)
            == NGX_OK)
        {
            return;
        }
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_health_send(r, ctx));
}


/* the second round: org i's oldest ready job */
static ngx_int_t
ngx_http_elaaoms_health_age(ngx_http_request_t *r, void *data, ngx_uint_t i,
    ngx_http_elaaoms_batch_t *b)
{
    ngx_http_elaaoms_health_ctx_t *ctx = data;

    u_char                    now[NGX_TIME_T_LEN];
    char                      key[ELAAOMS_KEY_MAX];
    ngx_str_t                *org;
    ngx_http_elaaoms_args_t   a;

    org = ctx->orgs->elts;

    if (elaaoms_key_jobs(key, sizeof(key), (const char *) org[i].data,
                         ELAAOMS_JOBS_READY, NULL) < 0)
    {
        return NGX_ERROR;
    }

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "EVAL");
    ngx_http_elaaoms_arg_str(&a, ngx_http_elaaoms_health_age_lua);
    ngx_http_elaaoms_arg_str(&a, "1");
    ngx_http_elaaoms_arg_str(&a, key);
    ngx_http_elaaoms_arg(&a, now, ngx_sprintf(now, "%T", ngx_time()) - now);

    return ngx_http_elaaoms_batch_add_args(b, &a);
}


static ngx_int_t
ngx_http_elaaoms_health_send(ngx_http_request_t *r,
    ngx_http_elaaoms_health_ctx_t *ctx)
{
    u_char                       *buf, *p, *out, *q;
    size_t                        skip;
    ngx_int_t                     total;
    ngx_str_t                    *doc;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    if (!ctx->pong) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: health: redis is down");

        doc = &ngx_http_elaaoms_health_down;
        return ngx_http_elaaoms_send_json(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                          doc->data, doc->len);
    }

    doc = &ngx_http_elaaoms_health_docs[ctx->worker];

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    /* figures only: nothing in the document comes from input */
    buf = ngx_pnalloc(r->pool, NGX_HTTP_ELAAOMS_HEALTH_DOC_MAX);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = buf;

    if (ctx->oldest > (ngx_int_t) elcf->health_queue_age) {
        p = ngx_sprintf(p, "%s\"queue: the oldest job has waited %i s "
                        "(limit %T s)\"", p == buf ? "" : ",", ctx->oldest,
                        elcf->health_queue_age);
    }

    total = (ctx->ok > 0 ? ctx->ok : 0) + (ctx->failed > 0 ? ctx->failed : 0);

    if (total >= NGX_HTTP_ELAAOMS_HEALTH_MIN_OUTCOMES
        && ctx->failed * NGX_HTTP_ELAAOMS_THRESHOLD_SCALE
           > elcf->health_failure_ratio * total)
    {
        p = ngx_sprintf(p, "%s\"extractions: %i of %i failed recently "
                        "(limit %i%%)\"", p == buf ? "" : ",", ctx->failed,
                        total, elcf->health_failure_ratio * 100
                               / NGX_HTTP_ELAAOMS_THRESHOLD_SCALE);
    }

    if (p == buf) {
        return ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, doc->data,
                                          doc->len);
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "elaaoms: health: degraded: %*s", p - buf, buf);

    /* {"status":"degraded", the worker's part, "reasons":[...]} */
    out = ngx_pnalloc(r->pool, NGX_HTTP_ELAAOMS_HEALTH_DOC_MAX + 128);
    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the worker's part: the document between its status and its end */
    skip = sizeof("{\"status\":\"ok\",") - 1;

    q = ngx_sprintf(out, "{\"status\":\"degraded\",%*s,\"reasons\":[%*s]}",
                    doc->len - skip - 1, doc->data + skip, p - buf, buf);

    return ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, out, q - out);
}
