/*
 * Every error-log line of a request in the module's locations ends with
 * its request id, nginx's own lines included ("client intended to send
 * too large body", upstream and file errors), so a webhook can be followed
 * from nginx's log through Redis to the worker's.
 *
 * The handler is attached in the post-read phase (the 413 of
 * client_max_body_size is logged while the location is chosen, before any
 * later phase runs), only in servers that have a location of the module,
 * and it keeps nothing per request: nginx clears module contexts on
 * internal redirects (try_files, error_page, X-Accel-Redirect), and a
 * request may go on in a location that is not the module's.  So it calls
 * nginx's handler, the same for every request and kept once, and adds the
 * id only while the request's location is one of the module's, reading it
 * from $request_id's cached value.
 *
 * The id is what nginx's $request_id makes (16 bytes of OpenSSL's
 * RAND_bytes() in hex), stored as the variable's cached value, so nginx,
 * its logs and the module all see it; the bytes come from a per-process
 * pool drawn 4 KB at a time: RAND_bytes() costs OpenSSL 3 some 6,600
 * instructions a call, a tenth of a client-data request.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/rand.h>

#include "ngx_http_elaaoms_module.h"


static ngx_int_t ngx_http_elaaoms_log_post_read(ngx_http_request_t *r);
static u_char *ngx_http_elaaoms_log_handler(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *buf, size_t len);


/* nginx's ngx_http_log_error_handler, as ngx_http_alloc_request sets it */
static ngx_http_log_handler_pt  ngx_http_elaaoms_log_next;

/* random bytes not handed out yet: the last ..._rand_left of the pool */
static u_char                   ngx_http_elaaoms_rand[4096];
static size_t                   ngx_http_elaaoms_rand_left;


void
ngx_http_elaaoms_log_init_process(void)
{
    /* a worker never hands out bytes another process drew */
    ngx_memzero(ngx_http_elaaoms_rand, sizeof(ngx_http_elaaoms_rand));
    ngx_http_elaaoms_rand_left = 0;
}


/* $request_id's value, unless it has one: NGX_DECLINED leaves it to nginx */
static ngx_int_t
ngx_http_elaaoms_request_id_set(ngx_http_request_t *r, ngx_uint_t index)
{
    u_char                     *id;
    ngx_http_variable_value_t  *vv;

    vv = &r->variables[index];

    if (vv->valid || vv->not_found) {
        return NGX_OK;
    }

    if (ngx_http_elaaoms_rand_left < 16) {
        if (RAND_bytes(ngx_http_elaaoms_rand, sizeof(ngx_http_elaaoms_rand))
            != 1)
        {
            return NGX_DECLINED;
        }

        ngx_http_elaaoms_rand_left = sizeof(ngx_http_elaaoms_rand);
    }

    vv->data = ngx_pnalloc(r->pool, 32);
    if (vv->data == NULL) {
        return NGX_DECLINED;
    }

    id = ngx_http_elaaoms_rand + sizeof(ngx_http_elaaoms_rand)
         - ngx_http_elaaoms_rand_left;
    ngx_http_elaaoms_rand_left -= 16;

    (void) ngx_hex_dump(vv->data, id, 16);

    /* used once */
    ngx_memzero(id, 16);

    vv->len = 32;
    vv->valid = 1;
    vv->no_cacheable = 0;
    vv->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_elaaoms_log_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt           *h;
    ngx_http_core_main_conf_t     *cmcf;
    ngx_http_elaaoms_main_conf_t  *emcf;

    emcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_elaaoms_module);
    if (!emcf->used) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_POST_READ_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_elaaoms_log_post_read;

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_log_post_read(ngx_http_request_t *r)
{
    ngx_http_elaaoms_srv_conf_t   *escf;
    ngx_http_elaaoms_main_conf_t  *emcf;

    escf = ngx_http_get_module_srv_conf(r, ngx_http_elaaoms_module);

    if (!escf->used || r != r->main || r->log_handler == NULL
        || r->log_handler == ngx_http_elaaoms_log_handler)
    {
        return NGX_DECLINED;
    }

    if (ngx_http_elaaoms_log_next == NULL) {
        ngx_http_elaaoms_log_next = r->log_handler;
    }

    /* another module's handler is left as it is */
    if (r->log_handler != ngx_http_elaaoms_log_next) {
        return NGX_DECLINED;
    }

    /* the id is fixed (and cached) before the handler can be asked for it */
    emcf = ngx_http_get_module_main_conf(r, ngx_http_elaaoms_module);

    if (ngx_http_elaaoms_request_id_set(r, emcf->request_id_index)
        != NGX_OK)
    {
        (void) ngx_http_get_indexed_variable(r, emcf->request_id_index);
    }

    r->log_handler = ngx_http_elaaoms_log_handler;

    return NGX_DECLINED;
}


static u_char *
ngx_http_elaaoms_log_handler(ngx_http_request_t *r, ngx_http_request_t *sr,
    u_char *buf, size_t len)
{
    u_char                        *p;
    ngx_http_variable_value_t     *vv;
    ngx_http_elaaoms_loc_conf_t   *elcf;
    ngx_http_elaaoms_main_conf_t  *emcf;

    p = ngx_http_elaaoms_log_next(r, sr, buf, len);

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);
    if (elcf == NULL || !elcf->json_errors) {
        return p;
    }

    /* the cached value only: a log line must not evaluate or allocate */
    emcf = ngx_http_get_module_main_conf(r, ngx_http_elaaoms_module);
    vv = &r->variables[emcf->request_id_index];

    if (!vv->valid || vv->not_found || vv->len == 0) {
        return p;
    }

    len -= p - buf;

    return ngx_snprintf(p, len, ", request_id: %*s", (size_t) vv->len,
                        vv->data);
}
