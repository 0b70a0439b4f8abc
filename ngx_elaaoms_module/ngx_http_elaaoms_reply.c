/*
 * JSON responses of the module: every one carries the request id, errors
 * have one shape: {"error":"<code>","message":"<text>","request_id":".."}.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"

#include "util/json_error.h"


static ngx_str_t  ngx_http_elaaoms_no_request_id = ngx_string("-");


ngx_str_t *
ngx_http_elaaoms_request_id(ngx_http_request_t *r)
{
    ngx_http_elaaoms_ctx_t        *ctx;
    ngx_http_variable_value_t     *vv;
    ngx_http_elaaoms_main_conf_t  *emcf;

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL) {
        return &ngx_http_elaaoms_no_request_id;
    }

    if (ctx->request_id.len) {
        return &ctx->request_id;
    }

    emcf = ngx_http_get_module_main_conf(r, ngx_http_elaaoms_module);

    vv = ngx_http_get_indexed_variable(r, emcf->request_id_index);
    if (vv == NULL || vv->not_found || vv->len == 0) {
        return &ngx_http_elaaoms_no_request_id;
    }

    ctx->request_id.len = vv->len;
    ctx->request_id.data = vv->data;

    return &ctx->request_id;
}


ngx_int_t
ngx_http_elaaoms_send_json(ngx_http_request_t *r, ngx_uint_t status,
    u_char *json, size_t len)
{
    return ngx_http_elaaoms_send_json_pool(r, status, json, len, 1);
}


/* json from r->pool is sent where it is unless copy is set */
ngx_int_t
ngx_http_elaaoms_send_json_pool(ngx_http_request_t *r, ngx_uint_t status,
    u_char *json, size_t len, ngx_flag_t copy)
{
    ngx_int_t                rc;
    ngx_buf_t               *b;
    ngx_str_t               *rid;
    ngx_chain_t              out;
    ngx_table_elt_t         *h;
    ngx_http_elaaoms_ctx_t  *ctx;

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the error filter leaves what the module wrote alone */
    ctx->json_sent = 1;

    rid = ngx_http_elaaoms_request_id(r);

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "X-Request-Id");
    h->value = *rid;

    r->headers_out.status = status;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    if (copy || len == 0) {
        b = ngx_create_temp_buf(r->pool, len ? len : 1);
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->last = ngx_cpymem(b->pos, json, len);

    } else {
        b = ngx_calloc_buf(r->pool);
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->pos = json;
        b->last = json + len;
        b->start = json;
        b->end = json + len;
        b->temporary = 1;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * Sends what the generator holds, and frees the generator.  The one check
 * of a handler's document: any failed yajl call on the way makes it a 500
 * (a JSON error page, through the module's filter).
 */
ngx_int_t
ngx_http_elaaoms_send_gen(ngx_http_request_t *r, ngx_uint_t status,
    elaaoms_jgen_t *j)
{
    size_t                len;
    ngx_int_t             rc;
    const unsigned char  *out;

    if (elaaoms_jgen_buf(j, &out, &len) != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: JSON answer not generated (yajl status %d)",
                      (int) j->status);
        elaaoms_jgen_free(j);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_elaaoms_send_json(r, status, (u_char *) out, len);
    elaaoms_jgen_free(j);

    return rc;
}


ngx_int_t
ngx_http_elaaoms_send_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message)
{
    char       *json, rid[NGX_INT64_LEN * 4 + 1];
    size_t      len;
    ngx_int_t   rc;
    ngx_str_t  *id;

    id = ngx_http_elaaoms_request_id(r);
    (void) ngx_cpystrn((u_char *) rid, id->data,
                       ngx_min(id->len + 1, sizeof(rid)));

    if (elaaoms_json_error(code, message, rid, &json, &len) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_elaaoms_send_json(r, status, (u_char *) json, len);

    free(json);

    return rc;
}


/*
 * Ends a request that waited on another connection's event (Redis), and
 * runs what that posted, as the event loop would have.
 */

void
ngx_http_elaaoms_finish(ngx_http_request_t *r, ngx_int_t rc)
{
    ngx_connection_t  *c;

    c = r->connection;

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}
