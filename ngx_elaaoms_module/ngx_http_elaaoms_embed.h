/*
 * The question's vector from the embeddings provider, for search-memory
 * (ngx_http_elaaoms_embed.c): a Redis cache, else a subrequest to an
 * internal location that proxies to the provider, with a timeout after
 * which the search goes on with offline scores.
 */

#ifndef _NGX_HTTP_ELAAOMS_EMBED_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_EMBED_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_redis.h"
#include "search/search_request.h"
#include "store/memory_record.h"


typedef struct ngx_http_elaaoms_embed_s  ngx_http_elaaoms_embed_t;

/* the provider answered, failed or timed out: the search goes on */
typedef void (*ngx_http_elaaoms_embed_pt)(ngx_http_request_t *r,
    void *data);


extern ngx_module_t  ngx_http_elaaoms_embed_module;


/*
 * The request's question embedding, in the request pool: NULL when the
 * location has no elaaoms_search_embed_location (or the question is
 * empty, or memory ran out: the search is then offline).
 */
ngx_http_elaaoms_embed_t *ngx_http_elaaoms_embed_create(ngx_http_request_t *r,
    const char *org, const char *query);

/*
 * Queues the cache lookup (GET) into b the first time: NGX_OK when it was
 * added (its reply goes to ngx_http_elaaoms_embed_cached()), NGX_DECLINED
 * when nothing was added, NGX_ERROR when Redis refused it.
 */
ngx_int_t ngx_http_elaaoms_embed_lookup(ngx_http_elaaoms_embed_t *e,
    ngx_http_elaaoms_batch_t *b);
void ngx_http_elaaoms_embed_cached(ngx_http_elaaoms_embed_t *e,
    redisReply *reply);

/*
 * Before ranking recs[0..n): sets sr's question vector when there is one
 * of the dimension of the records of the configured model, clears it
 * otherwise.  1 when such records exist and the provider has not been
 * asked yet: ngx_http_elaaoms_embed_fetch() then.
 */
ngx_uint_t ngx_http_elaaoms_embed_prepare(ngx_http_elaaoms_embed_t *e,
    elaaoms_search_request_t *sr, const elaaoms_memory_record_t *recs,
    size_t n);

/*
 * Asks the provider through the internal location: NGX_DONE when done
 * will run (with or without a vector: ngx_http_elaaoms_embed_ready()),
 * NGX_DECLINED when it could not be asked (done will not run).
 */
ngx_int_t ngx_http_elaaoms_embed_fetch(ngx_http_elaaoms_embed_t *e,
    ngx_http_elaaoms_embed_pt done, void *data);

/* 1 when the question's vector is there */
ngx_uint_t ngx_http_elaaoms_embed_ready(ngx_http_elaaoms_embed_t *e);


#endif /* _NGX_HTTP_ELAAOMS_EMBED_H_INCLUDED_ */
