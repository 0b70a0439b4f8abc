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
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"


static ngx_int_t ngx_http_elaaoms_log_post_read(ngx_http_request_t *r);
static u_char *ngx_http_elaaoms_log_handler(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *buf, size_t len);


/* nginx's ngx_http_log_error_handler, as ngx_http_alloc_request sets it */
static ngx_http_log_handler_pt  ngx_http_elaaoms_log_next;


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
    (void) ngx_http_get_indexed_variable(r, emcf->request_id_index);

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
