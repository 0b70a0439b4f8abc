/*
 * JSON for nginx's own error responses in the module's locations (the 401
 * of the access phase, 413 from client_max_body_size, 405, ...), so a
 * webhook caller always reads {"error":..,"message":..,"request_id":..}.
 * Responses the module wrote itself pass untouched.
 *
 * A module of its own (HTTP_AUX_FILTER in config): nginx places a filter
 * by its module type, and in a static build an HTTP module's filter would
 * be set up before nginx's own filters and dropped from the chain.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "util/json_error.h"


static ngx_int_t ngx_http_elaaoms_filter_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_elaaoms_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static void ngx_http_elaaoms_error_code(ngx_uint_t status, const char **code,
    const char **message);


static ngx_http_module_t  ngx_http_elaaoms_filter_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_elaaoms_filter_init,          /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_elaaoms_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_elaaoms_filter_module_ctx,   /* module context */
    NULL,                                  /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


static ngx_int_t
ngx_http_elaaoms_filter_init(ngx_conf_t *cf)
{
    ngx_http_elaaoms_main_conf_t  *emcf;

    /* an http block without the module's locations keeps its chain as is */
    emcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_elaaoms_module);
    if (!emcf->used) {
        return NGX_OK;
    }

    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_elaaoms_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_elaaoms_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_header_filter(ngx_http_request_t *r)
{
    char                         *json, rid[128];
    size_t                        len;
    ngx_buf_t                    *b;
    ngx_str_t                    *id;
    const char                   *code, *message;
    ngx_table_elt_t              *h;
    ngx_http_elaaoms_ctx_t       *ctx;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    if (r != r->main || r->headers_out.status < NGX_HTTP_BAD_REQUEST) {
        return ngx_http_next_header_filter(r);
    }

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);
    if (!elcf->json_errors) {
        return ngx_http_next_header_filter(r);
    }

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ctx->json_sent) {
        return ngx_http_next_header_filter(r);
    }

    ngx_http_elaaoms_error_code(r->headers_out.status, &code, &message);

    if (r->headers_out.status == NGX_HTTP_UNAUTHORIZED && ctx->deny_reason) {
        message = ctx->deny_reason;

        if (ctx->deny_code) {
            code = ctx->deny_code;
        }
    }

    id = ngx_http_elaaoms_request_id(r);
    (void) ngx_cpystrn((u_char *) rid, id->data,
                       ngx_min(id->len + 1, sizeof(rid)));

    if (elaaoms_json_error(code, message, rid, &json, &len) != 0) {
        return NGX_ERROR;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        free(json);
        return NGX_ERROR;
    }

    b->last = ngx_cpymem(b->pos, json, len);
    b->last_buf = 1;
    free(json);

    ctx->error_body = b;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Request-Id");
    h->value = *id;

    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
    r->headers_out.charset.len = 0;

    ngx_http_clear_content_length(r);
    r->headers_out.content_length_n = len;

    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_elaaoms_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t              *cl, out;
    ngx_http_elaaoms_ctx_t   *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);

    if (ctx == NULL || ctx->error_body == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    /* nginx's own error page is consumed and replaced */
    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    if (ctx->error_sent) {
        return NGX_OK;
    }

    ctx->error_sent = 1;

    out.buf = ctx->error_body;
    out.next = NULL;

    return ngx_http_next_body_filter(r, &out);
}


static void
ngx_http_elaaoms_error_code(ngx_uint_t status, const char **code,
    const char **message)
{
    switch (status) {

    case NGX_HTTP_BAD_REQUEST:
        *code = "bad_request";
        *message = "The request could not be read.";
        break;

    case NGX_HTTP_UNAUTHORIZED:
        *code = "unauthorized";
        *message = "The webhook signature or secret is missing or invalid.";
        break;

    case NGX_HTTP_FORBIDDEN:
        *code = "forbidden";
        *message = "Access to this webhook is denied.";
        break;

    case NGX_HTTP_NOT_FOUND:
        *code = "not_found";
        *message = "No such resource.";
        break;

    case NGX_HTTP_NOT_ALLOWED:
        *code = "method_not_allowed";
        *message = "This method is not allowed here.";
        break;

    case NGX_HTTP_REQUEST_TIME_OUT:
        *code = "request_timeout";
        *message = "The request body did not arrive in time.";
        break;

    case NGX_HTTP_REQUEST_ENTITY_TOO_LARGE:
        *code = "payload_too_large";
        *message = "The request body exceeds client_max_body_size.";
        break;

    case NGX_HTTP_SERVICE_UNAVAILABLE:
        *code = "unavailable";
        *message = "The service is temporarily unavailable; retry later.";
        break;

    default:
        if (status >= NGX_HTTP_INTERNAL_SERVER_ERROR) {
            *code = "internal_error";
            *message = "The server failed to handle the request.";

        } else {
            *code = "client_error";
            *message = "The request was refused.";
        }
    }
}
