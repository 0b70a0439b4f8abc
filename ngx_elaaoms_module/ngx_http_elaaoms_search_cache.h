/*
 * search-memory's shared-memory cache of callers' records, valid while
 * the caller's memory version token is unchanged
 * (ngx_http_elaaoms_search_cache.c).
 */

#ifndef _NGX_HTTP_ELAAOMS_SEARCH_CACHE_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_SEARCH_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "intake/caller_id.h"
#include "store/redis_keys.h"


#define NGX_HTTP_ELAAOMS_VERSION_LEN    ELAAOMS_MEMORY_VERSION_LEN
/* "org\0caller": org is at most 64 bytes */
#define NGX_HTTP_ELAAOMS_CACHE_KEY_MAX  (65 + ELAAOMS_CALLER_MAX)


/* elaaoms_search_cache zone=name:size */
char *ngx_http_elaaoms_search_cache_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* a cached blob pinned for one search */
typedef struct {
    ngx_shm_zone_t  *zone;
    void            *node;
    const u_char    *blob;      /* in the zone, read-only */
    size_t           len;
} ngx_http_elaaoms_search_cache_pin_t;

/*
 * The cached blob of org and caller when cached under version
 * (NGX_HTTP_ELAAOMS_VERSION_LEN bytes): NGX_OK with pin->blob valid
 * until ngx_http_elaaoms_search_cache_release(pin), which must follow;
 * NGX_DECLINED otherwise.
 */
ngx_int_t ngx_http_elaaoms_search_cache_get(ngx_shm_zone_t *zone,
    const char *org, const char *caller, const u_char *version,
    ngx_http_elaaoms_search_cache_pin_t *pin);
void ngx_http_elaaoms_search_cache_release(
    ngx_http_elaaoms_search_cache_pin_t *pin);

/* caches a copy of blob (8-byte aligned in the zone) under version,
 * evicting the least recently used */
void ngx_http_elaaoms_search_cache_put(ngx_shm_zone_t *zone, const char *org,
    const char *caller, const u_char *version, const u_char *blob,
    size_t len, ngx_log_t *log);


#endif /* _NGX_HTTP_ELAAOMS_SEARCH_CACHE_H_INCLUDED_ */
