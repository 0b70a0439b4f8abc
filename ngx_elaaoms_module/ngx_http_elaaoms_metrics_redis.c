/*
 * Prometheus metrics, the "elaaoms_metrics;" location: the zone's families
 * (ngx_http_elaaoms_metrics.c), then what Redis holds, read in one
 * pipelined round (a script and two HGETALLs) and a script per
 * organization, per worker process and second whatever the number of
 * scrapers:
 *   elaaoms_redis_up, elaaoms_worker_heartbeat_age_seconds,
 *   elaaoms_queue_jobs{org,state}, elaaoms_queue_oldest_job_age_seconds{org}
 *   and the worker's own families (ngx_http_elaaoms_metrics_text.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_metrics.h"
#include "ngx_http_elaaoms_metrics_internal.h"
#include "ngx_http_elaaoms_redis.h"
#include "store/redis_keys.h"


/* this worker process's last rendering of the Redis part */
static u_char   *ngx_http_elaaoms_met_cache;
static size_t    ngx_http_elaaoms_met_cache_len;
static time_t    ngx_http_elaaoms_met_cache_time;
static ngx_int_t ngx_http_elaaoms_met_cache_up;


static void ngx_http_elaaoms_metrics_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_metrics_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_metrics_send(ngx_http_request_t *r);


/*
 * One org's queue figures.  KEYS: ready, delayed, failed, invalid, then
 * the processing list of each worker (all "elaaoms:{<org>}:jobs:...");
 * ARGV: now.  {ready, processing, delayed, failed, invalid, the oldest
 * ready job's age or -1}
 */
static char  ngx_http_elaaoms_metrics_lua[] =
    "local now = tonumber(ARGV[1])\n"
    "local processing = 0\n"
    "for i = 5, #KEYS do\n"
    "  processing = processing + redis.call('LLEN', KEYS[i])\n"
    "end\n"
    NGX_HTTP_ELAAOMS_LUA_OLDEST_JOB
    "return {redis.call('LLEN', KEYS[1]), processing,\n"
    "        redis.call('ZCARD', KEYS[2]), redis.call('LLEN', KEYS[3]),\n"
    "        redis.call('LLEN', KEYS[4]), oldest}\n";



ngx_int_t
ngx_http_elaaoms_metrics_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_uint_t                   i;
    ngx_http_elaaoms_args_t      a;
    ngx_http_elaaoms_batch_t    *b;
    ngx_http_elaaoms_met_ctx_t  *ctx;
    static const char           *global[5][2] = {
        { "GET", ELAAOMS_KEY_WORKER_HEARTBEAT },
        { "HGETALL", ELAAOMS_KEY_WORKERS },
        { "SMEMBERS", ELAAOMS_KEY_ORGS },
        { "HGETALL", ELAAOMS_KEY_WORKER_METRICS },
        { "HGETALL", ELAAOMS_KEY_WORKER_METRICS ":meta" }
    };

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    /* read within the last second by this process: served as it is */
    if (ngx_http_elaaoms_met_cache_time == ngx_time()) {
        return ngx_http_elaaoms_metrics_send(r);
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_met_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_metrics_reply,
                                      ngx_http_elaaoms_metrics_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->now = ngx_time();
    ctx->beat = -1;

    if (ngx_array_init(&ctx->orgs, r->pool, 4,
                       sizeof(ngx_http_elaaoms_met_org_t)) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the global keys, one command each: heartbeat, workers, orgs, the
     * worker's counters and their families */
    for (i = 0; i < 5; i++) {
        a.argc = 0;
        ngx_http_elaaoms_arg_str(&a, global[i][0]);
        ngx_http_elaaoms_arg_str(&a, global[i][1]);

        if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
            if (i > 0) {
                ngx_http_elaaoms_batch_abandon(b);
            }
            goto down;
        }
    }

    if (ngx_http_elaaoms_batch_run(b) != NGX_OK) {
        goto down;
    }

    r->main->count++;

    return NGX_DONE;

down:

    /* the zone's figures still go out, with Redis said to be down */
    ngx_http_elaaoms_met_cache_len = 0;
    ngx_http_elaaoms_met_cache_up = 0;
    ngx_http_elaaoms_met_cache_time = ngx_time();

    return ngx_http_elaaoms_metrics_send(r);
}


static int ngx_libc_cdecl
ngx_http_elaaoms_met_pair_cmp(const void *a, const void *b)
{
    const ngx_http_elaaoms_met_pair_t  *x = a, *y = b;

    return ngx_memn2cmp(x->name.data, y->name.data, x->name.len,
                        y->name.len);
}


/* a hash's field/value pairs, copied into the pool; NULL when none */
static ngx_http_elaaoms_met_pair_t *
ngx_http_elaaoms_met_copy(ngx_http_request_t *r, redisReply *reply,
    size_t *n)
{
    size_t                        i, k;
    redisReply                   *f, *v;
    ngx_http_elaaoms_met_pair_t  *p;

    *n = 0;

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2) {
        return NULL;
    }

    p = ngx_palloc(r->pool,
                   reply->elements / 2 * sizeof(ngx_http_elaaoms_met_pair_t));
    if (p == NULL) {
        return NULL;
    }

    for (i = 0, k = 0; i + 1 < reply->elements; i += 2) {
        f = reply->element[i];
        v = reply->element[i + 1];

        if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING) {
            continue;
        }

        p[k].name.data = ngx_pnalloc(r->pool, f->len + v->len + 1);
        if (p[k].name.data == NULL) {
            return NULL;
        }

        p[k].name.len = f->len;
        ngx_memcpy(p[k].name.data, f->str, f->len);
        p[k].value.data = p[k].name.data + f->len;
        p[k].value.len = v->len;
        ngx_memcpy(p[k].value.data, v->str, v->len);
        k++;
    }

    ngx_qsort(p, k, sizeof(ngx_http_elaaoms_met_pair_t),
              ngx_http_elaaoms_met_pair_cmp);

    *n = k;

    return p;
}


/* a string or integer element of the array that stands for a reply */
static redisReply *
ngx_http_elaaoms_met_element(ngx_http_request_t *r, int64_t v,
    ngx_str_t *s)
{
    redisReply  *e;

    e = ngx_pcalloc(r->pool, sizeof(redisReply));
    if (e == NULL) {
        return NULL;
    }

    if (s != NULL) {
        e->type = REDIS_REPLY_STRING;
        e->str = (char *) s->data;
        e->len = s->len;

    } else {
        e->type = REDIS_REPLY_INTEGER;
        e->integer = v;
    }

    return e;
}


/* the rounds' figures as the array ngx_http_elaaoms_metrics_queues() reads */
static void
ngx_http_elaaoms_metrics_figures(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx)
{
    size_t                       i, k, n;
    int64_t                      age;
    redisReply                   a;
    ngx_http_elaaoms_met_org_t  *org;

    org = ctx->orgs.elts;
    n = 2 + 2 * ctx->nworkers + 7 * ctx->orgs.nelts;

    ngx_memzero(&a, sizeof(redisReply));
    a.type = REDIS_REPLY_ARRAY;
    a.element = ngx_pcalloc(r->pool, n * sizeof(redisReply *));
    if (a.element == NULL) {
        return;
    }

    a.element[a.elements++] = ngx_http_elaaoms_met_element(r,
                                  ctx->beat >= 0 ? ctx->now - ctx->beat : -1,
                                  NULL);
    a.element[a.elements++] = ngx_http_elaaoms_met_element(r,
                                  (int64_t) ctx->nworkers, NULL);

    for (i = 0; i < ctx->nworkers; i++) {
        age = ngx_atoi(ctx->workers[i].value.data, ctx->workers[i].value.len);
        a.element[a.elements++] = ngx_http_elaaoms_met_element(r, 0,
                                      &ctx->workers[i].name);
        a.element[a.elements++] = ngx_http_elaaoms_met_element(r,
                                      age < 0 ? -1 : ctx->now - age, NULL);
    }

    for (i = 0; i < ctx->orgs.nelts; i++) {
        if (!org[i].read) {
            continue;
        }

        a.element[a.elements++] = ngx_http_elaaoms_met_element(r, 0,
                                                               &org[i].name);
        for (k = 0; k < 6; k++) {
            a.element[a.elements++] = ngx_http_elaaoms_met_element(r,
                                          org[i].figures[k], NULL);
        }
    }

    for (i = 0; i < a.elements; i++) {
        if (a.element[i] == NULL) {
            return;
        }
    }

    ngx_http_elaaoms_metrics_queues(r, ctx, &a);
}


/* the global round's orgs into ctx->orgs, in name order */
static void
ngx_http_elaaoms_metrics_orgs(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx, redisReply *reply)
{
    size_t                       i;
    ngx_str_t                   *name;
    ngx_array_t                 *names;
    ngx_http_elaaoms_met_org_t  *org;

    names = ngx_http_elaaoms_reply_orgs(r->pool, reply);
    if (names == NULL) {
        return;
    }

    name = names->elts;

    for (i = 0; i < names->nelts; i++) {
        org = ngx_array_push(&ctx->orgs);
        if (org == NULL) {
            return;
        }

        ngx_memzero(org, sizeof(ngx_http_elaaoms_met_org_t));
        org->name = name[i];
    }
}


static void
ngx_http_elaaoms_metrics_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_met_ctx_t *ctx = data;

    size_t                       k;
    ngx_http_elaaoms_met_org_t  *org;

    if (ctx->round == 1) {
        org = ctx->orgs.elts;

        if (index >= ctx->orgs.nelts || reply->type != REDIS_REPLY_ARRAY
            || reply->elements != 6)
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "elaaoms: metrics: unexpected reply to the queue "
                          "script: %s",
                          reply->type == REDIS_REPLY_ERROR ? reply->str
                                                           : "not a list");
            return;
        }

        for (k = 0; k < 6; k++) {
            if (reply->element[k]->type != REDIS_REPLY_INTEGER) {
                return;
            }
            org[index].figures[k] = reply->element[k]->integer;
        }

        org[index].read = 1;
        return;
    }

    switch (index) {

    case 0:
        if (reply->type == REDIS_REPLY_STRING) {
            ctx->beat = ngx_atoi((u_char *) reply->str, reply->len);
        }
        ctx->up = (reply->type != REDIS_REPLY_ERROR);
        return;

    case 1:
        ctx->workers = ngx_http_elaaoms_met_copy(r, reply, &ctx->nworkers);
        return;

    case 2:
        ngx_http_elaaoms_metrics_orgs(r, ctx, reply);
        return;

    case 3:
        ctx->series = ngx_http_elaaoms_met_copy(r, reply, &ctx->nseries);
        return;

    default:
        ctx->meta = ngx_http_elaaoms_met_copy(r, reply, &ctx->nmeta);
    }
}


/* the second round: org i's script over its job lists */
static ngx_int_t
ngx_http_elaaoms_metrics_org(ngx_http_request_t *r, void *data, ngx_uint_t i,
    ngx_http_elaaoms_batch_t *b)
{
    ngx_http_elaaoms_met_ctx_t *ctx = data;

    int                          n;
    char                        *p;
    u_char                      *now;
    ngx_uint_t                   k, nkeys;
    const char                 **keys, *name, **args;
    ngx_http_elaaoms_met_org_t  *org;
    static const char           *lists[] = {
        ELAAOMS_JOBS_READY, ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_FAILED,
        ELAAOMS_JOBS_INVALID
    };

    org = ctx->orgs.elts;
    name = (const char *) org[i].name.data;
    nkeys = 4 + ctx->nworkers;

    keys = ngx_palloc(r->pool, nkeys * sizeof(char *));
    args = ngx_palloc(r->pool, sizeof(char *));
    p = ngx_pnalloc(r->pool, nkeys * ELAAOMS_KEY_MAX);
    now = ngx_pnalloc(r->pool, NGX_TIME_T_LEN + 1);
    if (keys == NULL || args == NULL || p == NULL || now == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < nkeys; k++, p += ELAAOMS_KEY_MAX) {
        n = elaaoms_key_jobs(p, ELAAOMS_KEY_MAX, name,
                             k < 4 ? lists[k] : ELAAOMS_JOBS_PROCESSING,
                             k < 4 ? NULL : ctx->worker_ids[k - 4]);
        if (n < 0) {
            return NGX_ERROR;
        }
        keys[k] = p;
    }

    (void) ngx_sprintf(now, "%T%Z", ctx->now);
    args[0] = (const char *) now;

    return ngx_http_elaaoms_batch_eval(b, r->pool,
                                       ngx_http_elaaoms_metrics_lua, nkeys,
                                       keys, 1, args);
}


/* the worker ids NUL-terminated, for the key builder; NGX_OK or
 * NGX_ERROR */
static ngx_int_t
ngx_http_elaaoms_metrics_worker_ids(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx)
{
    size_t  k;

    ctx->worker_ids = ngx_palloc(r->pool,
                                 (ctx->nworkers + 1) * sizeof(char *));
    if (ctx->worker_ids == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < ctx->nworkers; k++) {
        ctx->worker_ids[k] = ngx_pnalloc(r->pool,
                                         ctx->workers[k].name.len + 1);
        if (ctx->worker_ids[k] == NULL) {
            return NGX_ERROR;
        }
        *ngx_cpymem(ctx->worker_ids[k], ctx->workers[k].name.data,
                    ctx->workers[k].name.len) = '\0';
    }

    return NGX_OK;
}


static void
ngx_http_elaaoms_metrics_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_met_ctx_t *ctx = data;

    size_t                      i, size;
    ngx_http_elaaoms_met_out_t  o;

    if (rc != NGX_OK) {
        ctx->up = 0;
    }

    /* the orgs' queues next, each script in its org's slot */
    if (ctx->up && ctx->round == 0 && ctx->orgs.nelts > 0) {
        ctx->round = 1;
        if (ngx_http_elaaoms_metrics_worker_ids(r, ctx) == NGX_OK
            && ngx_http_elaaoms_batch_per_org(r,
                   ngx_http_elaaoms_metrics_reply,
                   ngx_http_elaaoms_metrics_done, ctx, ctx->orgs.nelts,
                   ngx_http_elaaoms_metrics_org)
               == NGX_OK)
        {
            return;
        }
        ctx->up = 0;
    }

    if (ctx->up) {
        ngx_http_elaaoms_metrics_figures(r, ctx);
    }

    ngx_free(ngx_http_elaaoms_met_cache);
    ngx_http_elaaoms_met_cache = NULL;
    ngx_http_elaaoms_met_cache_len = 0;

    if (ctx->up) {
        /* the queue part, then the worker's families */
        size = ctx->redis_text.len + 4096;
        for (i = 0; i < ctx->nseries; i++) {
            size += ctx->series[i].name.len + ctx->series[i].value.len + 2;
        }
        for (i = 0; i < ctx->nmeta; i++) {
            size += 2 * ctx->meta[i].name.len + 2 * ctx->meta[i].value.len
                    + 32;
        }

        ngx_http_elaaoms_met_cache = ngx_alloc(size, r->connection->log);

        if (ngx_http_elaaoms_met_cache) {
            o.pos = ngx_http_elaaoms_met_cache;
            o.last = o.pos + size;
            o.pos = ngx_cpymem(o.pos, ctx->redis_text.data,
                               ctx->redis_text.len);
            ngx_http_elaaoms_met_worker(&o, ctx);
            ngx_http_elaaoms_met_cache_len = o.pos - ngx_http_elaaoms_met_cache;
        }
    }

    ngx_http_elaaoms_met_cache_up = ctx->up;
    ngx_http_elaaoms_met_cache_time = ngx_time();

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_metrics_send(r));
}


/* the zone's families, then this process's copy of the Redis part */
static ngx_int_t
ngx_http_elaaoms_metrics_send(ngx_http_request_t *r)
{
    size_t                      size;
    ngx_int_t                   rc;
    ngx_buf_t                  *b;
    ngx_chain_t                 out;
    ngx_http_elaaoms_met_out_t  o;

    size = 4096 + ngx_http_elaaoms_met_zone_room()
           + ngx_http_elaaoms_met_cache_len;

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    o.pos = b->pos;
    o.last = b->end;

    ngx_http_elaaoms_met_zone_text(&o);

    ngx_http_elaaoms_met_printf(&o,
        "# HELP elaaoms_redis_up Whether nginx read the queue figures from "
        "Redis in the last second.\n"
        "# TYPE elaaoms_redis_up gauge\n"
        "elaaoms_redis_up %i\n", ngx_http_elaaoms_met_cache_up ? 1 : 0);

    if (ngx_http_elaaoms_met_cache_up && ngx_http_elaaoms_met_cache_len
        && (size_t) (o.last - o.pos) >= ngx_http_elaaoms_met_cache_len)
    {
        o.pos = ngx_cpymem(o.pos, ngx_http_elaaoms_met_cache,
                           ngx_http_elaaoms_met_cache_len);
    }

    b->last = o.pos;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
