/*
 * /webhook/search-memory: ElevenLabs' server tool.  Parameters come as the
 * JSON body (the tool's parameter object) or as the query string; both go
 * through one validation (lib/search_request.c); bad ones are a 400.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "search_request.h"


static void ngx_http_elaaoms_search_memory_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_search_args(ngx_http_request_t *r,
    elaaoms_search_request_t *sr, char *err, size_t errlen);
static ngx_int_t ngx_http_elaaoms_search_answer(ngx_http_request_t *r,
    elaaoms_search_request_t *sr);


ngx_int_t
ngx_http_elaaoms_search_memory_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_POST))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_read_client_request_body(r,
                                        ngx_http_elaaoms_search_memory_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_search_memory_body(ngx_http_request_t *r)
{
    char                       err[256];
    yajl_val                   tree;
    elaaoms_search_request_t   sr;

    elaaoms_search_request_init(&sr);

    if (ngx_http_elaaoms_search_args(r, &sr, err, sizeof(err)) != NGX_OK) {
        goto invalid;
    }

    if (r->headers_in.content_length_n > 0 || r->headers_in.chunked) {
        tree = ngx_http_elaaoms_body_json(r, err, sizeof(err));
        if (tree == NULL) {
            ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                      NGX_HTTP_BAD_REQUEST, "invalid_json",
                                      err));
            return;
        }

        if (elaaoms_search_request_from_json(&sr, tree, err, sizeof(err))
            != 0)
        {
            goto invalid;
        }
    }

    if (elaaoms_search_request_check(&sr, err, sizeof(err)) != 0) {
        goto invalid;
    }

    ngx_http_finalize_request(r, ngx_http_elaaoms_search_answer(r, &sr));
    return;

invalid:

    ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                              NGX_HTTP_BAD_REQUEST, "invalid_parameter", err));
}


/* every query-string pair, unescaped into the request pool */
static ngx_int_t
ngx_http_elaaoms_search_args(ngx_http_request_t *r,
    elaaoms_search_request_t *sr, char *err, size_t errlen)
{
    u_char  *p, *end, *amp, *eq, *name, *value, *dst, *src;

    p = r->args.data;
    end = p + r->args.len;

    while (p < end) {
        amp = ngx_strlchr(p, end, '&');
        if (amp == NULL) {
            amp = end;
        }

        eq = ngx_strlchr(p, amp, '=');

        if (eq != NULL && eq > p) {
            name = ngx_pnalloc(r->pool, (eq - p) + 1 + (amp - eq));
            if (name == NULL) {
                return NGX_ERROR;
            }

            dst = name;
            src = p;
            ngx_unescape_uri(&dst, &src, eq - p, NGX_UNESCAPE_URI);
            *dst++ = '\0';

            value = dst;
            src = eq + 1;
            ngx_unescape_uri(&dst, &src, amp - eq - 1, NGX_UNESCAPE_URI);
            *dst = '\0';

            /* '+' is a space in forms */
            for (dst = value; *dst; dst++) {
                if (*dst == '+') {
                    *dst = ' ';
                }
            }

            if (ngx_strlen(value) != (size_t) (dst - value)
                || elaaoms_search_request_set(sr, (char *) name,
                                              (char *) value, err, errlen)
                   != 0)
            {
                return NGX_ERROR;
            }
        }

        p = amp + 1;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_search_answer(ngx_http_request_t *r,
    elaaoms_search_request_t *sr)
{
    size_t                len;
    ngx_int_t             rc;
    ngx_str_t            *id;
    yajl_gen              g;
    const unsigned char  *out;

    static const char     none[] =
        "No memories of this caller match the question.";

    id = ngx_http_elaaoms_request_id(r);

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define gen_str(s)  yajl_gen_string(g, (const unsigned char *) (s),           \
                                    ngx_strlen(s))

    yajl_gen_map_open(g);
    gen_str("query");
    gen_str(sr->query);
    gen_str("results");
    yajl_gen_array_open(g);
    yajl_gen_array_close(g);
    gen_str("count");
    yajl_gen_integer(g, 0);
    gen_str("summary");
    gen_str(none);
    gen_str("request_id");
    yajl_gen_string(g, id->data, id->len);
    yajl_gen_map_close(g);

#undef gen_str

    if (yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, (u_char *) out, len);
    yajl_gen_free(g);

    return rc;
}
