/*
 * What the metrics files share: the text being written, and a scrape's
 * figures from Redis
 *   ngx_http_elaaoms_metrics.c        the shared-memory zone: counting,
 *                                     its families, the status page's
 *                                     latencies
 *   ngx_http_elaaoms_metrics_redis.c  the location: Redis read once a
 *                                     second per process, the answer
 *   ngx_http_elaaoms_metrics_text.c   the Redis part's text: queues and
 *                                     the worker's own families
 */

#ifndef _NGX_HTTP_ELAAOMS_METRICS_INTERNAL_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_METRICS_INTERNAL_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/hiredis.h>


typedef struct {
    u_char  *pos;
    u_char  *last;
} ngx_http_elaaoms_met_out_t;


#define ngx_http_elaaoms_met_printf(o, ...)                                   \
    (o)->pos = ngx_slprintf((o)->pos, (o)->last, __VA_ARGS__)


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


/* ngx_http_elaaoms_metrics.c: the zone's families, and the room they take */
size_t ngx_http_elaaoms_met_zone_room(void);
void ngx_http_elaaoms_met_zone_text(ngx_http_elaaoms_met_out_t *o);

/* ngx_http_elaaoms_metrics_text.c */
void ngx_http_elaaoms_metrics_queues(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx, redisReply *reply);
void ngx_http_elaaoms_met_worker(ngx_http_elaaoms_met_out_t *o,
    ngx_http_elaaoms_met_ctx_t *ctx);


#endif /* _NGX_HTTP_ELAAOMS_METRICS_INTERNAL_H_INCLUDED_ */
