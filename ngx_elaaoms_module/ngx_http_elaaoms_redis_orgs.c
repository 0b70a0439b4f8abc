/*
 * Batches for the status page, /metrics and /health (the helpers above the
 * Redis client, ngx_http_elaaoms_redis.h): an EVAL with its key count, one
 * batch of a command per organization, and the organizations of a SMEMBERS
 * reply, valid and sorted.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_redis.h"
#include "intake/ids.h"


ngx_int_t
ngx_http_elaaoms_batch_eval(ngx_http_elaaoms_batch_t *b, ngx_pool_t *pool,
    const char *script, ngx_uint_t nkeys, const char **keys, ngx_uint_t nargs,
    const char **args)
{
    u_char       *num;
    size_t       *argvlen;
    ngx_uint_t    i, argc;
    const char  **argv;

    argc = 3 + nkeys + nargs;

    argv = ngx_palloc(pool, argc * sizeof(char *));
    argvlen = ngx_palloc(pool, argc * sizeof(size_t));
    num = ngx_pnalloc(pool, NGX_INT_T_LEN);
    if (argv == NULL || argvlen == NULL || num == NULL) {
        return NGX_ERROR;
    }

    argv[0] = "EVAL";
    argv[1] = script;
    argv[2] = (const char *) num;
    argvlen[2] = ngx_sprintf(num, "%ui", nkeys) - num;

    for (i = 0; i < nkeys; i++) {
        argv[3 + i] = keys[i];
    }

    for (i = 0; i < nargs; i++) {
        argv[3 + nkeys + i] = args[i];
    }

    for (i = 0; i < argc; i++) {
        if (i != 2) {
            argvlen[i] = ngx_strlen(argv[i]);
        }
    }

    return ngx_http_elaaoms_batch_add(b, (int) argc, argv, argvlen);
}


ngx_int_t
ngx_http_elaaoms_batch_per_org(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data, ngx_uint_t n, ngx_http_elaaoms_org_add_pt add)
{
    ngx_uint_t                 i;
    ngx_http_elaaoms_batch_t  *b;

    b = ngx_http_elaaoms_batch_create(r, on_reply, on_done, data);
    if (b == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (add(r, data, i, b) != NGX_OK) {
            /* replies to what was queued are dropped, never handed over */
            ngx_http_elaaoms_batch_abandon(b);
            return NGX_ERROR;
        }
    }

    return ngx_http_elaaoms_batch_run(b);
}


static int
ngx_http_elaaoms_org_cmp(const void *a, const void *b)
{
    const ngx_str_t  *x = a, *y = b;

    return ngx_strcmp(x->data, y->data);
}


ngx_array_t *
ngx_http_elaaoms_reply_orgs(ngx_pool_t *pool, const redisReply *reply)
{
    size_t        i;
    ngx_str_t    *org;
    ngx_array_t  *orgs;

    if (reply->type != REDIS_REPLY_ARRAY) {
        return NULL;
    }

    orgs = ngx_array_create(pool, reply->elements + 1, sizeof(ngx_str_t));
    if (orgs == NULL) {
        return NULL;
    }

    for (i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type != REDIS_REPLY_STRING
            || !elaaoms_org_valid(reply->element[i]->str))
        {
            continue;
        }

        org = ngx_array_push(orgs);
        if (org == NULL) {
            return NULL;
        }

        org->len = reply->element[i]->len;
        org->data = ngx_pnalloc(pool, org->len + 1);
        if (org->data == NULL) {
            return NULL;
        }

        ngx_memcpy(org->data, reply->element[i]->str, org->len + 1);
    }

    ngx_qsort(orgs->elts, orgs->nelts, sizeof(ngx_str_t),
              ngx_http_elaaoms_org_cmp);

    return orgs;
}
