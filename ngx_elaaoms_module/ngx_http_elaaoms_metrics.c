/*
 * Prometheus metrics, text exposition format 0.0.4: the shared-memory zone.
 *
 * Every worker process adds to it with atomic operations, in the log phase
 * of the module's own locations only:
 *   elaaoms_http_requests_total{webhook,status}
 *   elaaoms_http_request_duration_seconds{webhook}   histogram
 *   elaaoms_redis_errors_total{kind}, elaaoms_audit_writes_total{result}
 * The location and the Redis part are ngx_http_elaaoms_metrics_redis.c's.
 * Labels are bounded: location kinds, statuses, organizations; never a
 * caller or a conversation.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_metrics.h"
#include "ngx_http_elaaoms_metrics_internal.h"


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


static ngx_shm_zone_t  *ngx_http_elaaoms_met_zone;


static ngx_int_t ngx_http_elaaoms_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_int_t ngx_http_elaaoms_metrics_log(ngx_http_request_t *r);


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



/* what the zone's families take at most */
size_t
ngx_http_elaaoms_met_zone_room(void)
{
    return NGX_HTTP_ELAAOMS_MET_KINDS
           * (NGX_HTTP_ELAAOMS_MET_STATUSES + NGX_HTTP_ELAAOMS_MET_BUCKETS + 2)
           * 96;
}


/* the zone's families; nothing without a zone */
void
ngx_http_elaaoms_met_zone_text(ngx_http_elaaoms_met_out_t *o)
{
    ngx_uint_t                  k, s, i, st;
    ngx_atomic_uint_t           n, cum, total;
    ngx_http_elaaoms_met_sh_t  *sh;
    static const char          *events[] = {
        "elaaoms_redis_errors_total{kind=\"error\"}",
        "elaaoms_redis_errors_total{kind=\"timeout\"}",
        "elaaoms_redis_errors_total{kind=\"unreachable\"}",
        "elaaoms_audit_writes_total{result=\"ok\"}",
        "elaaoms_audit_writes_total{result=\"failed\"}"
    };

    sh = ngx_http_elaaoms_met_zone ? ngx_http_elaaoms_met_zone->data : NULL;

    if (sh) {
        ngx_http_elaaoms_met_printf(o,
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
                    ngx_http_elaaoms_met_printf(o,
                        "elaaoms_http_requests_total{webhook=\"%s\","
                        "status=\"%ui\"} %uA\n",
                        ngx_http_elaaoms_met_kinds[k], st, n);
                } else {
                    ngx_http_elaaoms_met_printf(o,
                        "elaaoms_http_requests_total{webhook=\"%s\","
                        "status=\"other\"} %uA\n",
                        ngx_http_elaaoms_met_kinds[k], n);
                }
            }
        }

        ngx_http_elaaoms_met_printf(o,
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
                ngx_http_elaaoms_met_printf(o,
                    "elaaoms_http_request_duration_seconds_bucket"
                    "{webhook=\"%s\",le=\"%s\"} %uA\n",
                    ngx_http_elaaoms_met_kinds[k],
                    ngx_http_elaaoms_met_les[i], cum);
            }

            ngx_http_elaaoms_met_printf(o,
                "elaaoms_http_request_duration_seconds_sum{webhook=\"%s\"} "
                "%uA.%03uA\n"
                "elaaoms_http_request_duration_seconds_count"
                "{webhook=\"%s\"} %uA\n",
                ngx_http_elaaoms_met_kinds[k], sh->sum_ms[k] / 1000,
                sh->sum_ms[k] % 1000, ngx_http_elaaoms_met_kinds[k], cum);
        }

        ngx_http_elaaoms_met_printf(o,
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
