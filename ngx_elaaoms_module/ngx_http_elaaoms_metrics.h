/*
 * Prometheus metrics: counters and latency histograms of the module's own
 * locations, kept in a shared-memory zone every worker process adds to
 * (ngx_http_elaaoms_metrics.c); the "elaaoms_metrics;" location, which
 * adds what Redis holds (ngx_http_elaaoms_metrics_redis.c, its text in
 * ngx_http_elaaoms_metrics_text.c).
 */

#ifndef _NGX_HTTP_ELAAOMS_METRICS_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_METRICS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


typedef enum {
    NGX_HTTP_ELAAOMS_MET_REDIS_ERROR = 0,     /* an error reply */
    NGX_HTTP_ELAAOMS_MET_REDIS_TIMEOUT,       /* a batch timed out */
    NGX_HTTP_ELAAOMS_MET_REDIS_UNREACHABLE,   /* connect or connection lost */
    NGX_HTTP_ELAAOMS_MET_AUDIT_OK,
    NGX_HTTP_ELAAOMS_MET_AUDIT_FAILED,
    NGX_HTTP_ELAAOMS_MET_NEVENTS
} ngx_http_elaaoms_met_event_e;


/* the zone (one per nginx, made when the module is used) */
ngx_int_t ngx_http_elaaoms_metrics_zone(ngx_conf_t *cf);
/* the log-phase handler that counts requests */
ngx_int_t ngx_http_elaaoms_metrics_init(ngx_conf_t *cf);

void ngx_http_elaaoms_metrics_event(ngx_http_elaaoms_met_event_e ev);

/* GET <location>: the exposition */
ngx_int_t ngx_http_elaaoms_metrics_handler(ngx_http_request_t *r);

/*
 * ',"latency":{"client_data":{"p50":..,"p95":..,"p99":..,"count":n},..}'
 * for the status page, into buf; its end (buf when there is no zone)
 */
u_char *ngx_http_elaaoms_metrics_latency_json(u_char *buf, u_char *last);


#endif /* _NGX_HTTP_ELAAOMS_METRICS_H_INCLUDED_ */
