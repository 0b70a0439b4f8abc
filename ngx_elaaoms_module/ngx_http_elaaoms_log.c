/*
 * Every error-log line of a request ends with its request id, nginx's own
 * lines included ("client intended to send too large body", upstream and
 * file errors), so a webhook can be followed from nginx's log through
 * Redis to the worker's.  Attached in the post-read phase, before any
 * location is chosen, wherever the module is used in the http block.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"


static ngx_int_t ngx_http_elaaoms_log_post_read(ngx_http_request_t *r);
static u_char *ngx_http_elaaoms_log_handler(ngx_http_request_t *r,
    ngx_http_request_t *sr, u_char *buf, size_t len);


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
    ngx_http_elaaoms_log_attach(r);

    return NGX_DECLINED;
}


void
ngx_http_elaaoms_log_attach(ngx_http_request_t *r)
{
    ngx_http_elaaoms_ctx_t  *ctx;

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL || ctx->log_handler != NULL || r != r->main) {
        return;
    }

    /* the id is fixed before the handler can be asked for it */
    (void) ngx_http_elaaoms_request_id(r);

    ctx->log_handler = r->log_handler;
    r->log_handler = ngx_http_elaaoms_log_handler;
}


static u_char *
ngx_http_elaaoms_log_handler(ngx_http_request_t *r, ngx_http_request_t *sr,
    u_char *buf, size_t len)
{
    u_char                  *p;
    ngx_http_elaaoms_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);

    p = ctx->log_handler(r, sr, buf, len);

    if (ctx->request_id.len == 0) {
        return p;
    }

    len -= p - buf;

    return ngx_snprintf(p, len, ", request_id: %V", &ctx->request_id);
}
