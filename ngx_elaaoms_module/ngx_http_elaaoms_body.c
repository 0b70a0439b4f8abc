/*
 * The request body as the access and content phases read it: every
 * buffer of r->request_body->bufs in order, in memory or in the temp file
 * client_body_buffer_size spilled it to.  Chunked bodies arrive de-chunked.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "util/json_arena.h"


#define NGX_HTTP_ELAAOMS_FILE_CHUNK  65536


ngx_int_t
ngx_http_elaaoms_body_feed(ngx_http_request_t *r,
    ngx_http_elaaoms_feed_pt feed, void *arg)
{
    off_t         pos;
    size_t        size;
    ssize_t       n;
    u_char       *chunk;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (r->request_body == NULL) {
        return NGX_OK;
    }

    chunk = NULL;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (!b->in_file) {
            if (b->last > b->pos && feed(arg, b->pos, b->last - b->pos) != 0) {
                return NGX_ERROR;
            }
            continue;
        }

        if (chunk == NULL) {
            chunk = ngx_palloc(r->pool, NGX_HTTP_ELAAOMS_FILE_CHUNK);
            if (chunk == NULL) {
                return NGX_ERROR;
            }
        }

        for (pos = b->file_pos; pos < b->file_last; pos += n) {
            size = (size_t) ngx_min(b->file_last - pos,
                                    NGX_HTTP_ELAAOMS_FILE_CHUNK);

            n = ngx_read_file(b->file, chunk, size, pos);
            if (n == NGX_ERROR || n == 0) {
                return NGX_ERROR;
            }

            if (feed(arg, chunk, n) != 0) {
                return NGX_ERROR;
            }
        }
    }

    return NGX_OK;
}


typedef struct {
    u_char  *pos;
    u_char  *end;
} ngx_http_elaaoms_copy_t;


static int
ngx_http_elaaoms_body_copy(void *arg, const void *data, size_t len)
{
    ngx_http_elaaoms_copy_t  *cp = arg;

    if ((size_t) (cp->end - cp->pos) < len) {
        return -1;
    }

    cp->pos = ngx_cpymem(cp->pos, data, len);
    return 0;
}


ngx_int_t
ngx_http_elaaoms_body_read_all(ngx_http_request_t *r, u_char **data,
    size_t *len)
{
    off_t                     total;
    ngx_buf_t                *b;
    ngx_chain_t              *cl;
    ngx_http_elaaoms_copy_t   cp;

    total = 0;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            b = cl->buf;
            total += b->in_file ? b->file_last - b->file_pos
                                : b->last - b->pos;
        }
    }

    /* the common case, one buffer in memory, needs no copy */
    if (r->request_body && r->request_body->bufs
        && r->request_body->bufs->next == NULL
        && !r->request_body->bufs->buf->in_file)
    {
        *data = r->request_body->bufs->buf->pos;
        *len = (size_t) total;
        return NGX_OK;
    }

    /* one extra byte: parsers get a NUL-terminated copy for free */
    cp.pos = ngx_pnalloc(r->pool, (size_t) total + 1);
    if (cp.pos == NULL) {
        return NGX_ERROR;
    }

    *data = cp.pos;
    cp.end = cp.pos + total;

    if (ngx_http_elaaoms_body_feed(r, ngx_http_elaaoms_body_copy, &cp)
        != NGX_OK || cp.pos != cp.end)
    {
        return NGX_ERROR;
    }

    *cp.pos = '\0';
    *len = (size_t) total;

    return NGX_OK;
}


/* the tree's nodes and strings, from the request pool (pointer-aligned) */
void *
ngx_http_elaaoms_json_palloc(void *pool, size_t size)
{
    return ngx_palloc(pool, size);
}


/*
 * The body as a JSON tree in the request's pool (lib/util/json_arena.h:
 * freed with the request, never by yajl_tree_free()); NULL with a message
 * in err (for a 400) when it is empty, malformed or nested too deep.
 */

yajl_val
ngx_http_elaaoms_body_json(ngx_http_request_t *r, char *err, size_t errlen)
{
    size_t              len;
    u_char             *body;
    elaaoms_json_rc_t   rc;

    if (ngx_http_elaaoms_body_read_all(r, &body, &len) != NGX_OK) {
        (void) ngx_cpystrn((u_char *) err,
                           (u_char *) "the request body could not be read",
                           errlen);
        return NULL;
    }

    if (len == 0) {
        (void) ngx_cpystrn((u_char *) err,
                           (u_char *) "the request body is empty", errlen);
        return NULL;
    }

    return elaaoms_json_parse_arena((const char *) body, len,
                                    NGX_HTTP_ELAAOMS_JSON_DEPTH,
                                    ngx_http_elaaoms_json_palloc, r->pool,
                                    &rc, err, errlen);
}
