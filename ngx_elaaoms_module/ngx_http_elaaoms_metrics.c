/*
 * Prometheus metrics, text exposition format 0.0.4.
 *
 * From the zone (every worker process adds to it with atomic operations,
 * in the log phase of the module's own locations only):
 *   elaaoms_http_requests_total{webhook,status}
 *   elaaoms_http_request_duration_seconds{webhook}   histogram
 *   elaaoms_redis_errors_total{kind}, elaaoms_audit_writes_total{result}
 * From Redis, one pipelined read (a script and two HGETALLs) per worker
 * process and second, whatever the number of scrapers:
 *   elaaoms_redis_up, elaaoms_worker_heartbeat_age_seconds,
 *   elaaoms_queue_jobs{org,state}, elaaoms_queue_oldest_job_age_seconds{org}
 *   and the worker's own families, as it keeps them in
 *   elaaoms:{health}:metrics:worker (field: a whole series, value: a number) with
 *   elaaoms:{health}:metrics:worker:meta (family -> "<type> <help>").  A field
 *   that is not a well-formed elaaoms_ series of a family the meta names
 *   is left out: nothing stored in Redis can break the exposition.
 * Labels are bounded: location kinds, statuses, organizations; never a
 * caller or a conversation.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_metrics.h"
#include "ngx_http_elaaoms_redis.h"
#include "intake/ids.h"
#include "store/redis_keys.h"


/* location kinds, the "webhook" label */
static const char  *ngx_http_elaaoms_met_kinds[] = {
    "client_data", "search_memory", "post_call", "health", "admin",
    "status", "metrics"
};

#define NGX_HTTP_ELAAOMS_MET_KINDS                                            \
    (sizeof(ngx_http_elaaoms_met_kinds) / sizeof(ngx_http_elaaoms_met_kinds[0]))

/* statuses counted one by one; the rest are "other" */
static const ngx_uint_t  ngx_http_elaaoms_met_statuses[] = {
    200, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 502,
    503, 504
};

#define NGX_HTTP_ELAAOMS_MET_STATUSES                                         \
    (sizeof(ngx_http_elaaoms_met_statuses)                                    \
     / sizeof(ngx_http_elaaoms_met_statuses[0]) + 1)

/* bucket bounds in milliseconds; the last bucket is +Inf */
static const ngx_msec_t  ngx_http_elaaoms_met_bounds[] = {
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};

static const char  *ngx_http_elaaoms_met_les[] = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
    "0.5", "1", "2.5", "5", "10", "+Inf"
};

#define NGX_HTTP_ELAAOMS_MET_BUCKETS                                          \
    (sizeof(ngx_http_elaaoms_met_les) / sizeof(ngx_http_elaaoms_met_les[0]))


typedef struct {
    ngx_atomic_t  requests[NGX_HTTP_ELAAOMS_MET_KINDS]
                          [NGX_HTTP_ELAAOMS_MET_STATUSES];
    ngx_atomic_t  buckets[NGX_HTTP_ELAAOMS_MET_KINDS]
                         [NGX_HTTP_ELAAOMS_MET_BUCKETS];  /* not cumulative */
    ngx_atomic_t  sum_ms[NGX_HTTP_ELAAOMS_MET_KINDS];
    ngx_atomic_t  events[NGX_HTTP_ELAAOMS_MET_NEVENTS];
} ngx_http_elaaoms_met_sh_t;


/* what one scrape read from Redis */
typedef struct {
    ngx_str_t     name;
    ngx_str_t     value;
} ngx_http_elaaoms_met_pair_t;


/* one org's queue figures, from its script */
typedef struct {
    ngx_str_t     name;           /* NUL-terminated */
    int64_t       figures[6];     /* ready, processing, delayed, failed,
                                     invalid, oldest job's age or -1 */
    ngx_flag_t    read;
} ngx_http_elaaoms_met_org_t;


typedef struct {
    ngx_int_t     up;
    ngx_uint_t    round;          /* 0 the global keys, 1 the orgs */
    time_t        now;
    int64_t       beat;           /* unix time, -1 none */
    ngx_http_elaaoms_met_pair_t  *workers;    /* id -> last beat, sorted */
    size_t                        nworkers;
    char                        **worker_ids; /* the ids, NUL-terminated */
    ngx_array_t   orgs;           /* of ngx_http_elaaoms_met_org_t */
    ngx_str_t     redis_text;     /* heartbeat and queues, rendered */
    /* the worker's hashes, copied out of their replies */
    ngx_http_elaaoms_met_pair_t  *series;
    size_t                        nseries;
    ngx_http_elaaoms_met_pair_t  *meta;
    size_t                        nmeta;
} ngx_http_elaaoms_met_ctx_t;


static ngx_shm_zone_t  *ngx_http_elaaoms_met_zone;

/* this worker process's last rendering of the Redis part */
static u_char   *ngx_http_elaaoms_met_cache;
static size_t    ngx_http_elaaoms_met_cache_len;
static time_t    ngx_http_elaaoms_met_cache_time;
static ngx_int_t ngx_http_elaaoms_met_cache_up;


static ngx_int_t ngx_http_elaaoms_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_int_t ngx_http_elaaoms_metrics_log(ngx_http_request_t *r);
static void ngx_http_elaaoms_metrics_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_metrics_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_metrics_send(ngx_http_request_t *r);
static void ngx_http_elaaoms_metrics_queues(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx, redisReply *reply);


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
ngx_http_elaaoms_metrics_zone(ngx_conf_t *cf)
{
    ngx_str_t        name = ngx_string("elaaoms_metrics");
    ngx_shm_zone_t  *zone;

    zone = ngx_shared_memory_add(cf, &name,
                                 ngx_align(sizeof(ngx_http_elaaoms_met_sh_t),
                                           ngx_pagesize)
                                 + 8 * ngx_pagesize,
                                 &ngx_http_elaaoms_module);
    if (zone == NULL) {
        return NGX_ERROR;
    }

    zone->init = ngx_http_elaaoms_metrics_init_zone;
    ngx_http_elaaoms_met_zone = zone;

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_metrics_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t  *shpool;

    /* a reload keeps the counters */
    if (data) {
        zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    zone->data = ngx_slab_calloc(shpool, sizeof(ngx_http_elaaoms_met_sh_t));
    if (zone->data == NULL) {
        return NGX_ERROR;
    }

    shpool->data = zone->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_elaaoms_metrics_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_elaaoms_metrics_log;

    return NGX_OK;
}


void
ngx_http_elaaoms_metrics_event(ngx_http_elaaoms_met_event_e ev)
{
    ngx_http_elaaoms_met_sh_t  *sh;

    if (ngx_http_elaaoms_met_zone == NULL
        || ngx_http_elaaoms_met_zone->data == NULL)
    {
        return;
    }

    sh = ngx_http_elaaoms_met_zone->data;
    (void) ngx_atomic_fetch_add(&sh->events[ev], 1);
}


/* the location's kind, or -1 for a location that is not the module's */
static ngx_int_t
ngx_http_elaaoms_metrics_kind(ngx_http_request_t *r)
{
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    if (elcf == NULL || elcf->handler == NULL) {
        return -1;
    }

    if (elcf->handler == ngx_http_elaaoms_client_data_handler) {
        return 0;
    }

    if (elcf->handler == ngx_http_elaaoms_search_memory_handler) {
        return 1;
    }

    if (elcf->handler == ngx_http_elaaoms_post_call_handler) {
        return 2;
    }

    if (elcf->handler == ngx_http_elaaoms_health_handler) {
        return 3;
    }

    if (elcf->handler == ngx_http_elaaoms_admin_handler) {
        return 4;
    }

    if (elcf->handler == ngx_http_elaaoms_status_handler) {
        return 5;
    }

    return 6;
}


static ngx_int_t
ngx_http_elaaoms_metrics_log(ngx_http_request_t *r)
{
    ngx_int_t                   kind;
    ngx_uint_t                  i, s, status;
    ngx_msec_int_t              ms;
    ngx_time_t                 *tp;
    ngx_http_elaaoms_met_sh_t  *sh;

    if (r != r->main || ngx_http_elaaoms_met_zone == NULL
        || ngx_http_elaaoms_met_zone->data == NULL)
    {
        return NGX_OK;
    }

    kind = ngx_http_elaaoms_metrics_kind(r);
    if (kind < 0) {
        return NGX_OK;       /* someone else's location: not counted */
    }

    sh = ngx_http_elaaoms_met_zone->data;

    status = r->headers_out.status;
    if (status == 0 && r->connection->sent == 0) {
        status = 499;         /* closed before an answer: as nginx logs it */
    }

    s = NGX_HTTP_ELAAOMS_MET_STATUSES - 1;
    for (i = 0; i < NGX_HTTP_ELAAOMS_MET_STATUSES - 1; i++) {
        if (ngx_http_elaaoms_met_statuses[i] == status) {
            s = i;
            break;
        }
    }

    tp = ngx_timeofday();
    ms = (ngx_msec_int_t) ((tp->sec - r->start_sec) * 1000
                           + (tp->msec - r->start_msec));
    ms = ngx_max(ms, 0);

    for (i = 0; i < NGX_HTTP_ELAAOMS_MET_BUCKETS - 1; i++) {
        if ((ngx_msec_t) ms <= ngx_http_elaaoms_met_bounds[i]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->requests[kind][s], 1);
    (void) ngx_atomic_fetch_add(&sh->buckets[kind][i], 1);
    (void) ngx_atomic_fetch_add(&sh->sum_ms[kind], (ngx_atomic_int_t) ms);

    return NGX_OK;
}


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


/* --- rendering --------------------------------------------------------- */

typedef struct {
    u_char  *pos;
    u_char  *last;
} ngx_http_elaaoms_met_out_t;


#define ngx_http_elaaoms_met_printf(o, ...)                                   \
    (o)->pos = ngx_slprintf((o)->pos, (o)->last, __VA_ARGS__)


/* a label value: \ " and newline escaped, as the format asks */
static u_char *
ngx_http_elaaoms_met_escape(u_char *p, u_char *last, const u_char *s,
    size_t len)
{
    while (len-- && p + 2 < last) {
        if (*s == '\\' || *s == '"') {
            *p++ = '\\';
            *p++ = *s++;

        } else if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';
            s++;

        } else {
            *p++ = *s++;
        }
    }

    return p;
}


static ngx_int_t
ngx_http_elaaoms_met_name_char(u_char c, ngx_uint_t first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || c == ':' || (!first && c >= '0' && c <= '9');
}


/*
 * A worker series "name{l="v",...}": its name's length when well formed
 * and an elaaoms_ series, else 0
 */
static size_t
ngx_http_elaaoms_met_series_ok(const u_char *s, size_t len)
{
    size_t  i, name;

    if (len < 9 || ngx_strncmp(s, "elaaoms_", 8) != 0) {
        return 0;
    }

    for (i = 0; i < len && ngx_http_elaaoms_met_name_char(s[i], i == 0); i++)
    {
        /* void */
    }

    name = i;

    if (i == len) {
        return name;
    }

    if (s[i++] != '{') {
        return 0;
    }

    for ( ;; ) {
        if (i < len && s[i] == '}') {
            return i + 1 == len ? name : 0;
        }

        if (i >= len || !ngx_http_elaaoms_met_name_char(s[i], 1)) {
            return 0;
        }

        while (i < len && ngx_http_elaaoms_met_name_char(s[i], 0)) {
            i++;
        }

        if (i + 1 >= len || s[i] != '=' || s[i + 1] != '"') {
            return 0;
        }

        for (i += 2; i < len && s[i] != '"'; i++) {
            if (s[i] == '\n') {
                return 0;
            }
            if (s[i] == '\\') {
                if (i + 1 >= len
                    || (s[i + 1] != '\\' && s[i + 1] != '"'
                        && s[i + 1] != 'n'))
                {
                    return 0;
                }
                i++;
            }
        }

        if (i >= len) {
            return 0;
        }

        i++;

        if (i < len && s[i] == ',') {
            i++;
        }
    }
}


static ngx_int_t
ngx_http_elaaoms_met_number(const u_char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > 40) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-'
              || s[i] == 'e' || s[i] == 'E' || s[i] == '+'))
        {
            return 0;
        }
    }

    return 1;
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


/* is the series name (its first name bytes) family f's own? */
static ngx_int_t
ngx_http_elaaoms_met_of(ngx_str_t *series, size_t name, ngx_str_t *f,
    ngx_uint_t histogram)
{
    static const char  *parts[] = { "_bucket", "_sum", "_count" };
    size_t              i, len;

    if (name < f->len || ngx_strncmp(series->data, f->data, f->len) != 0) {
        return 0;
    }

    if (name == f->len) {
        return 1;
    }

    for (i = 0; histogram && i < 3; i++) {
        len = ngx_strlen(parts[i]);
        if (name == f->len + len
            && ngx_strncmp(series->data + f->len, parts[i], len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the worker's families: the meta names them, the fields are their series */
static void
ngx_http_elaaoms_met_worker(ngx_http_elaaoms_met_out_t *o,
    ngx_http_elaaoms_met_ctx_t *ctx)
{
    size_t                        i, j, t, name;
    u_char                       *sp;
    ngx_uint_t                    histogram;
    ngx_http_elaaoms_met_pair_t  *fam, *se;

    for (i = 0; i < ctx->nmeta; i++) {
        fam = &ctx->meta[i];

        if (ngx_http_elaaoms_met_series_ok(fam->name.data, fam->name.len)
            != fam->name.len)
        {
            continue;
        }

        /* "<type> <help>" */
        sp = fam->value.data;
        for (t = 0; t < fam->value.len && sp[t] != ' '; t++) { /* void */ }

        if (!((t == 7 && ngx_strncmp(sp, "counter", 7) == 0)
              || (t == 5 && ngx_strncmp(sp, "gauge", 5) == 0)
              || (t == 9 && ngx_strncmp(sp, "histogram", 9) == 0)))
        {
            continue;
        }

        histogram = (t == 9);

        ngx_http_elaaoms_met_printf(o, "# HELP %V ", &fam->name);

        for (j = t + 1; j < fam->value.len && o->pos + 2 < o->last; j++) {
            /* one line, backslashes escaped */
            if (sp[j] == '\n') {
                *o->pos++ = ' ';

            } else if (sp[j] == '\\') {
                *o->pos++ = '\\';
                *o->pos++ = '\\';

            } else {
                *o->pos++ = sp[j];
            }
        }

        ngx_http_elaaoms_met_printf(o, "\n# TYPE %V %*s\n", &fam->name, t,
                                    sp);

        for (j = 0; j < ctx->nseries; j++) {
            se = &ctx->series[j];
            name = ngx_http_elaaoms_met_series_ok(se->name.data,
                                                  se->name.len);

            if (name == 0
                || !ngx_http_elaaoms_met_of(&se->name, name, &fam->name,
                                            histogram)
                || !ngx_http_elaaoms_met_number(se->value.data,
                                                se->value.len))
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(o, "%V %V\n", &se->name, &se->value);
        }
    }
}


/* the Redis part, rendered once and kept for the second */
/*
 * The heartbeat and queue part, rendered from the figures as one array:
 * {heartbeat age or -1, the number of workers, per worker its id and its
 * last beat's age, then per org: org, ready, processing, delayed, failed,
 * invalid, oldest ready job's age or -1}
 */
static void
ngx_http_elaaoms_metrics_queues(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx, redisReply *reply)
{
    size_t                      i, k, size, nw, first;
    redisReply                 *e;
    ngx_http_elaaoms_met_out_t  o;
    static const char          *states[] = {
        "ready", "processing", "delayed", "failed", "invalid"
    };

    ctx->up = 0;

    nw = (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2
          && reply->element[1]->type == REDIS_REPLY_INTEGER
          && reply->element[1]->integer >= 0)
         ? (size_t) reply->element[1]->integer : 0;
    first = 2 + 2 * nw;

    if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= first
        && (reply->elements - first) % 7 == 0)
    {
        ctx->up = 1;
        size = 1024 + reply->elements * (ELAAOMS_ORG_MAX + 128);

        ctx->redis_text.data = ngx_pnalloc(r->pool, size);
        if (ctx->redis_text.data == NULL) {
            return;
        }

        o.pos = ctx->redis_text.data;
        o.last = o.pos + size;

        e = reply->element[0];
        if (e->type == REDIS_REPLY_INTEGER && e->integer >= 0) {
            ngx_http_elaaoms_met_printf(&o,
                "# HELP elaaoms_worker_heartbeat_age_seconds Seconds "
                "since the newest worker heartbeat.\n"
                "# TYPE elaaoms_worker_heartbeat_age_seconds gauge\n"
                "elaaoms_worker_heartbeat_age_seconds %L\n",
                (int64_t) e->integer);
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_worker_last_beat_age_seconds Seconds since "
            "each worker's last beat.\n"
            "# TYPE elaaoms_worker_last_beat_age_seconds gauge\n");

        for (i = 2; i < first; i += 2) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i + 1]->type != REDIS_REPLY_INTEGER
                || reply->element[i + 1]->integer < 0)
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(&o,
                "elaaoms_worker_last_beat_age_seconds{worker=\"");
            o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                        (u_char *) reply->element[i]->str,
                        reply->element[i]->len);
            ngx_http_elaaoms_met_printf(&o, "\"} %L\n",
                        (int64_t) reply->element[i + 1]->integer);
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_queue_jobs Extraction jobs by organization "
            "and list.\n# TYPE elaaoms_queue_jobs gauge\n");

        for (i = first; i + 6 < reply->elements; i += 7) {
            if (reply->element[i]->type != REDIS_REPLY_STRING) {
                continue;
            }

            for (k = 0; k < 5; k++) {
                ngx_http_elaaoms_met_printf(&o,
                                            "elaaoms_queue_jobs{org=\"");
                o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                            (u_char *) reply->element[i]->str,
                            reply->element[i]->len);
                ngx_http_elaaoms_met_printf(&o, "\",state=\"%s\"} %L\n",
                            states[k],
                            (int64_t) reply->element[i + 1 + k]->integer);
            }
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_queue_oldest_job_age_seconds Age of the "
            "oldest job waiting in the organization's ready list.\n"
            "# TYPE elaaoms_queue_oldest_job_age_seconds gauge\n");

        for (i = first; i + 6 < reply->elements; i += 7) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i + 6]->integer < 0)
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(&o,
                "elaaoms_queue_oldest_job_age_seconds{org=\"");
            o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                        (u_char *) reply->element[i]->str,
                        reply->element[i]->len);
            ngx_http_elaaoms_met_printf(&o, "\"} %L\n",
                        (int64_t) reply->element[i + 6]->integer);
        }

        ctx->redis_text.len = o.pos - ctx->redis_text.data;

    } else {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: metrics: unexpected reply to the queue "
                      "script: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "not a list");
    }
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
    ngx_uint_t                  k, s, i, st;
    ngx_chain_t                 out;
    ngx_atomic_uint_t           n, cum, total;
    ngx_http_elaaoms_met_sh_t  *sh;
    ngx_http_elaaoms_met_out_t  o;
    static const char          *events[] = {
        "elaaoms_redis_errors_total{kind=\"error\"}",
        "elaaoms_redis_errors_total{kind=\"timeout\"}",
        "elaaoms_redis_errors_total{kind=\"unreachable\"}",
        "elaaoms_audit_writes_total{result=\"ok\"}",
        "elaaoms_audit_writes_total{result=\"failed\"}"
    };

    size = 4096 + NGX_HTTP_ELAAOMS_MET_KINDS
                  * (NGX_HTTP_ELAAOMS_MET_STATUSES
                     + NGX_HTTP_ELAAOMS_MET_BUCKETS + 2) * 96
           + ngx_http_elaaoms_met_cache_len;

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    o.pos = b->pos;
    o.last = b->end;

    sh = ngx_http_elaaoms_met_zone ? ngx_http_elaaoms_met_zone->data : NULL;

    if (sh) {
        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_http_requests_total Requests to the module's "
            "locations, by kind and status.\n"
            "# TYPE elaaoms_http_requests_total counter\n");

        for (k = 0; k < NGX_HTTP_ELAAOMS_MET_KINDS; k++) {
            for (s = 0; s < NGX_HTTP_ELAAOMS_MET_STATUSES; s++) {
                n = sh->requests[k][s];
                if (n == 0) {
                    continue;
                }

                st = s < NGX_HTTP_ELAAOMS_MET_STATUSES - 1
                     ? ngx_http_elaaoms_met_statuses[s] : 0;

                if (st) {
                    ngx_http_elaaoms_met_printf(&o,
                        "elaaoms_http_requests_total{webhook=\"%s\","
                        "status=\"%ui\"} %uA\n",
                        ngx_http_elaaoms_met_kinds[k], st, n);
                } else {
                    ngx_http_elaaoms_met_printf(&o,
                        "elaaoms_http_requests_total{webhook=\"%s\","
                        "status=\"other\"} %uA\n",
                        ngx_http_elaaoms_met_kinds[k], n);
                }
            }
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_http_request_duration_seconds Time from the "
            "request's first byte to its log phase.\n"
            "# TYPE elaaoms_http_request_duration_seconds histogram\n");

        for (k = 0; k < NGX_HTTP_ELAAOMS_MET_KINDS; k++) {
            total = 0;
            for (i = 0; i < NGX_HTTP_ELAAOMS_MET_BUCKETS; i++) {
                total += sh->buckets[k][i];
            }

            if (total == 0) {
                continue;
            }

            cum = 0;
            for (i = 0; i < NGX_HTTP_ELAAOMS_MET_BUCKETS; i++) {
                /* read once each: other processes keep adding */
                cum += sh->buckets[k][i];
                ngx_http_elaaoms_met_printf(&o,
                    "elaaoms_http_request_duration_seconds_bucket"
                    "{webhook=\"%s\",le=\"%s\"} %uA\n",
                    ngx_http_elaaoms_met_kinds[k],
                    ngx_http_elaaoms_met_les[i], cum);
            }

            ngx_http_elaaoms_met_printf(&o,
                "elaaoms_http_request_duration_seconds_sum{webhook=\"%s\"} "
                "%uA.%03uA\n"
                "elaaoms_http_request_duration_seconds_count"
                "{webhook=\"%s\"} %uA\n",
                ngx_http_elaaoms_met_kinds[k], sh->sum_ms[k] / 1000,
                sh->sum_ms[k] % 1000, ngx_http_elaaoms_met_kinds[k], cum);
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_redis_errors_total Redis error replies, timed "
            "out batches and lost connections seen by nginx.\n"
            "# TYPE elaaoms_redis_errors_total counter\n"
            "%s %uA\n%s %uA\n%s %uA\n"
            "# HELP elaaoms_audit_writes_total Audit entries for other "
            "agents' memories, written or not.\n"
            "# TYPE elaaoms_audit_writes_total counter\n"
            "%s %uA\n%s %uA\n",
            events[0], sh->events[0], events[1], sh->events[1],
            events[2], sh->events[2], events[3], sh->events[3],
            events[4], sh->events[4]);
    }

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


/* a quantile in seconds from a kind's buckets, interpolated in its bucket */
static double
ngx_http_elaaoms_met_quantile(ngx_http_elaaoms_met_sh_t *sh, ngx_uint_t k,
    ngx_atomic_uint_t total, double q)
{
    double             rank, lo, hi;
    ngx_uint_t         i;
    ngx_atomic_uint_t  cum, n;

    rank = q * (double) total;
    cum = 0;
    lo = 0;

    for (i = 0; i < NGX_HTTP_ELAAOMS_MET_BUCKETS; i++) {
        n = sh->buckets[k][i];

        if (i == NGX_HTTP_ELAAOMS_MET_BUCKETS - 1) {
            return lo;     /* past the last bound: its bound, as Prometheus */
        }

        hi = ngx_http_elaaoms_met_bounds[i] / 1000.0;

        if ((double) (cum + n) >= rank && n) {
            return lo + (hi - lo) * (rank - (double) cum) / (double) n;
        }

        cum += n;
        lo = hi;
    }

    return lo;
}


u_char *
ngx_http_elaaoms_metrics_latency_json(u_char *buf, u_char *last)
{
    u_char                     *p;
    ngx_uint_t                  k, i, first;
    ngx_atomic_uint_t           total;
    ngx_http_elaaoms_met_sh_t  *sh;

    if (ngx_http_elaaoms_met_zone == NULL
        || ngx_http_elaaoms_met_zone->data == NULL)
    {
        return buf;
    }

    sh = ngx_http_elaaoms_met_zone->data;

    p = ngx_slprintf(buf, last, ",\"latency\":{");
    first = 1;

    /* the webhooks only: the page's own requests say nothing */
    for (k = 0; k < 3; k++) {
        total = 0;
        for (i = 0; i < NGX_HTTP_ELAAOMS_MET_BUCKETS; i++) {
            total += sh->buckets[k][i];
        }

        if (total == 0) {
            continue;
        }

        p = ngx_slprintf(p, last,
                         "%s\"%s\":{\"p50\":%.4f,\"p95\":%.4f,\"p99\":%.4f,"
                         "\"count\":%uA}", first ? "" : ",",
                         ngx_http_elaaoms_met_kinds[k],
                         ngx_http_elaaoms_met_quantile(sh, k, total, 0.5),
                         ngx_http_elaaoms_met_quantile(sh, k, total, 0.95),
                         ngx_http_elaaoms_met_quantile(sh, k, total, 0.99),
                         total);
        first = 0;
    }

    return ngx_slprintf(p, last, "}");
}
