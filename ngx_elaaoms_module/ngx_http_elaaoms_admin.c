/*
 * The operators' location (elaaoms_admin), for the location's organization:
 *   POST   .../callers/<caller>/forget          erases the caller (202)
 *   DELETE .../callers/<caller>/memories/<id>   deletes one memory (200,
 *                                               404 when there is none)
 * A memory's keys are the caller's (one hash-tag slot), so its path names
 * the caller too.
 *
 * Authentication of its own: the elaaoms_admin_secret header, compared in
 * constant time; no header 401, a wrong one 403.  A location without the
 * secret is refused when the configuration is read (fail closed).
 *
 * nginx must not block, and the erasure touches files: one pipeline adds
 * the org to elaaoms:orgs, sets the caller's tombstone and queues the
 * caller on "elaaoms:{<org>}:jobs:forget" (one EVAL in the org's slot:
 * intake and the worker drop the caller from now on), then, in the
 * caller's slot, writes and deletes the memory index keys in one MULTI
 * (search finds nothing at once, and a memory commit in flight aborts:
 * lib/store/caller_erase.h); the worker pops the caller and runs
 * the complete erasure (lib/store/caller_erase.h: jobs, conversations,
 * audit, files), the same code as its forget command.  A worker rather
 * than nginx's thread pool: the erasure also needs the job lists and the
 * audit stream walked, one round trip per item, which the worker's
 * blocking hiredis does simply, and it must run even where nginx has no
 * thread pool.  The answer is 202 with {"forgotten":"queued"}.
 *
 * One memory: one EVAL removes it from the index, the time and importance
 * orders, the type, agent and conversation sets; then the caller goes on
 * "jobs:refresh" (the worker rebuilds the pre-call contexts, which quote
 * memories) and the org to elaaoms:orgs (lib/store/memory_delete.h).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/caller_erase.h"
#include "store/memory_delete.h"
#include "store/memory_record.h"
#include "store/memory_types.h"
#include "store/redis_keys.h"


/* KEYS: the tombstone, the forget list (the org's slot) */
static const char  ngx_http_elaaoms_forget_script[] =
    "redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])\n"
    "redis.call('LPUSH', KEYS[2], ARGV[2])\n"
    "return 1\n";


typedef struct {
    char        tombstone[ELAAOMS_KEY_MAX];
    char        forget_list[ELAAOMS_KEY_MAX];
    char        touch[ELAAOMS_ERASE_TOUCH_KEYS][ELAAOMS_KEY_MAX];
    elaaoms_memory_delete_cmd_t  del;
    char        caller[ELAAOMS_CALLER_MAX];
    char        memory_id[ELAAOMS_MEMORY_ID_MAX + 1];
    char        ttl[NGX_INT_T_LEN + 1];
    ngx_uint_t  commands;     /* in the pipeline */
    ngx_uint_t  answered;     /* replies that were not errors */
    ngx_flag_t  forget;
    ngx_flag_t  done;
    ngx_flag_t  found;
} ngx_http_elaaoms_admin_ctx_t;


static void ngx_http_elaaoms_admin_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_admin_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_admin_send(ngx_http_request_t *r,
    ngx_http_elaaoms_admin_ctx_t *ctx);


/* 0 when the request carries the admin secret; an HTTP status otherwise */
static ngx_int_t
ngx_http_elaaoms_admin_auth(ngx_http_request_t *r,
    ngx_http_elaaoms_loc_conf_t *elcf)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }
            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != elcf->admin_header.len
            || ngx_strncasecmp(h[i].key.data, elcf->admin_header.data,
                               h[i].key.len) != 0)
        {
            continue;
        }

        if (h[i].value.len == elcf->admin_secret.len
            && CRYPTO_memcmp(h[i].value.data, elcf->admin_secret.data,
                             elcf->admin_secret.len) == 0)
        {
            return 0;
        }

        return NGX_HTTP_FORBIDDEN;
    }

    return NGX_HTTP_UNAUTHORIZED;
}


/*
 * ".../callers/<caller>/forget" or ".../callers/<caller>/memories/<id>":
 * the caller normalized, the memory id, which; 0, or -1 for another path
 */
static ngx_int_t
ngx_http_elaaoms_admin_path(ngx_http_request_t *r,
    ngx_http_elaaoms_admin_ctx_t *ctx)
{
    u_char       *p, *end, *start, *slash;
    size_t        n;
    static char   head[] = "/callers/";

    end = r->uri.data + r->uri.len;

    /* the last "/callers/": nginx decoded %2B already */
    start = NULL;
    for (p = r->uri.data; p + sizeof(head) - 1 <= end; p++) {
        if (ngx_strncmp(p, head, sizeof(head) - 1) == 0) {
            start = p + sizeof(head) - 1;
        }
    }

    if (start == NULL) {
        return -1;
    }

    slash = ngx_strlchr(start, end, '/');
    if (slash == NULL || slash == start) {
        return -1;
    }

    p = slash + 1;
    n = (size_t) (end - p);

    if (n == sizeof("forget") - 1 && ngx_strncmp(p, "forget", n) == 0) {
        ctx->forget = 1;

    } else if (n > sizeof("memories/") - 1
               && ngx_strncmp(p, "memories/", sizeof("memories/") - 1) == 0)
    {
        p += sizeof("memories/") - 1;
        n = (size_t) (end - p);

        if (n > ELAAOMS_MEMORY_ID_MAX
            || !elaaoms_id_valid((const char *) p, n, ELAAOMS_MEMORY_ID_MAX))
        {
            return -1;
        }

        ngx_memcpy(ctx->memory_id, p, n);
        ctx->memory_id[n] = '\0';

    } else {
        return -1;
    }

    return elaaoms_caller_normalize((const char *) start,
                                    (size_t) (slash - start), ctx->caller,
                                    sizeof(ctx->caller)) < 0
           ? -1 : 0;
}


/* one command into the batch; NGX_OK or NGX_ERROR */
static ngx_int_t
ngx_http_elaaoms_admin_add(ngx_http_elaaoms_admin_ctx_t *ctx,
    ngx_http_elaaoms_batch_t *b, ngx_http_elaaoms_args_t *a)
{
    ngx_int_t  rc;

    rc = ngx_http_elaaoms_batch_add_args(b, a);
    a->argc = 0;
    ctx->commands += (rc == NGX_OK);

    return rc;
}


/*
 * The erasure's pipeline: SADD of the org; the org's script (tombstone,
 * forget list); MULTI, HSET and DEL of the caller's index keys, EXEC.
 * NGX_OK or NGX_ERROR
 */
static ngx_int_t
ngx_http_elaaoms_admin_forget(ngx_http_elaaoms_admin_ctx_t *ctx,
    const char *org, ngx_http_elaaoms_batch_t *b)
{
    ngx_int_t                i;
    ngx_http_elaaoms_args_t  a;

    if (elaaoms_key_tombstone(ctx->tombstone, ELAAOMS_KEY_MAX, org,
                              ctx->caller) < 0
        || elaaoms_key_jobs(ctx->forget_list, ELAAOMS_KEY_MAX, org,
                            ELAAOMS_JOBS_FORGET, NULL) < 0
        || elaaoms_caller_erase_touch_keys(ctx->touch, org, ctx->caller) != 0)
    {
        return NGX_ERROR;
    }

    ngx_sprintf((u_char *) ctx->ttl, "%d%Z", ELAAOMS_TOMBSTONE_TTL);

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "SADD");
    ngx_http_elaaoms_arg_str(&a, ELAAOMS_KEY_ORGS);
    ngx_http_elaaoms_arg_str(&a, org);
    if (ngx_http_elaaoms_admin_add(ctx, b, &a) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_elaaoms_arg_str(&a, "EVAL");
    ngx_http_elaaoms_arg_str(&a, ngx_http_elaaoms_forget_script);
    ngx_http_elaaoms_arg_str(&a, "2");
    ngx_http_elaaoms_arg_str(&a, ctx->tombstone);
    ngx_http_elaaoms_arg_str(&a, ctx->forget_list);
    ngx_http_elaaoms_arg_str(&a, ctx->ttl);
    ngx_http_elaaoms_arg_str(&a, ctx->caller);
    if (ngx_http_elaaoms_admin_add(ctx, b, &a) != NGX_OK) {
        return NGX_ERROR;
    }

    /* on a cluster, MULTI and EXEC go where the caller's keys are */
    ngx_http_elaaoms_batch_transaction(b, ctx->touch[0],
                                       ngx_strlen(ctx->touch[0]));

    ngx_http_elaaoms_arg_str(&a, "MULTI");
    if (ngx_http_elaaoms_admin_add(ctx, b, &a) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_elaaoms_arg_str(&a, "HSET");
    ngx_http_elaaoms_arg_str(&a, ctx->touch[0]);
    ngx_http_elaaoms_arg_str(&a, ELAAOMS_ERASE_TOUCH_FIELD);
    ngx_http_elaaoms_arg_str(&a, "1");
    if (ngx_http_elaaoms_admin_add(ctx, b, &a) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_elaaoms_arg_str(&a, "DEL");
    for (i = 0; i < ELAAOMS_ERASE_TOUCH_KEYS; i++) {
        ngx_http_elaaoms_arg_str(&a, ctx->touch[i]);
    }
    if (ngx_http_elaaoms_admin_add(ctx, b, &a) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_elaaoms_arg_str(&a, "EXEC");

    return ngx_http_elaaoms_admin_add(ctx, b, &a);
}


/* the one-memory EVAL, then its LPUSH and SADD (lib/store/memory_delete.h) */
static ngx_int_t
ngx_http_elaaoms_admin_delete(ngx_http_elaaoms_admin_ctx_t *ctx,
    const char *org, ngx_http_elaaoms_batch_t *b)
{
    if (elaaoms_memory_delete_cmd(&ctx->del, org, ctx->caller,
                                  ctx->memory_id) != 0)
    {
        return NGX_ERROR;
    }

    if (ngx_http_elaaoms_batch_add(b, ELAAOMS_MEMORY_DELETE_ARGC,
                                   ctx->del.argv, ctx->del.argvlen) != NGX_OK
        || ngx_http_elaaoms_batch_add(b, 3, ctx->del.push_argv,
                                      ctx->del.push_argvlen) != NGX_OK
        || ngx_http_elaaoms_batch_add(b, 3, ctx->del.orgs_argv,
                                      ctx->del.orgs_argvlen) != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->commands = 3;

    return NGX_OK;
}


ngx_int_t
ngx_http_elaaoms_admin_handler(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    const char                    *org;
    ngx_http_elaaoms_batch_t      *b;
    ngx_http_elaaoms_loc_conf_t   *elcf;
    ngx_http_elaaoms_admin_ctx_t  *ctx;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    rc = ngx_http_elaaoms_admin_auth(r, elcf);
    if (rc != 0) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: admin: %s admin secret",
                      rc == NGX_HTTP_UNAUTHORIZED ? "no" : "wrong");
        return ngx_http_elaaoms_send_error(r, rc,
                                           rc == NGX_HTTP_UNAUTHORIZED
                                           ? "unauthorized" : "forbidden",
                                           "The admin secret is missing or "
                                           "wrong.");
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_admin_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_elaaoms_admin_path(r, ctx) != 0) {
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_NOT_FOUND,
                                           "not_found", "Expected POST "
                                           ".../callers/<caller>/forget or "
                                           "DELETE .../callers/<caller>/"
                                           "memories/<id>.");
    }

    if (r->method != (ctx->forget ? NGX_HTTP_POST : NGX_HTTP_DELETE)) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    org = (const char *) elcf->org.data;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_admin_reply,
                                      ngx_http_elaaoms_admin_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if ((ctx->forget ? ngx_http_elaaoms_admin_forget(ctx, org, b)
                     : ngx_http_elaaoms_admin_delete(ctx, org, b))
        != NGX_OK)
    {
        /* nothing queued: Redis is unreachable; part queued: given up */
        if (ctx->commands > 0) {
            ngx_http_elaaoms_batch_abandon(b);
        }
        return ngx_http_elaaoms_admin_send(r, ctx);
    }

    if (ngx_http_elaaoms_batch_run(b) != NGX_OK) {
        return ngx_http_elaaoms_admin_send(r, ctx);
    }

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_elaaoms_admin_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_admin_ctx_t *ctx = data;

    /* the EXEC of the erasure answers an array; anything else an integer,
     * a status (MULTI, QUEUED) */
    if (reply->type == REDIS_REPLY_ERROR
        || (reply->type == REDIS_REPLY_NIL && ctx->forget))
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: admin: command %ui failed: %s", index,
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "aborted");
        return;
    }

    if (!ctx->forget && index == 0) {
        if (reply->type != REDIS_REPLY_INTEGER) {
            return;
        }
        ctx->found = (reply->integer == 1);
    }

    ctx->answered++;
    ctx->done = (ctx->answered == ctx->commands);
}


static void
ngx_http_elaaoms_admin_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_admin_send(r, data));
}


static ngx_int_t
ngx_http_elaaoms_admin_send(ngx_http_request_t *r,
    ngx_http_elaaoms_admin_ctx_t *ctx)
{
    static u_char  queued[] = "{\"forgotten\":\"queued\"}";
    static u_char  deleted[] = "{\"deleted\":true}";

    if (!ctx->done) {
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "redis_unavailable",
                                           "Nothing was changed; try "
                                           "again.");
    }

    if (!ctx->forget) {
        if (!ctx->found) {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_NOT_FOUND,
                                               "not_found", "The caller has "
                                               "no such memory.");
        }

        ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                      "elaaoms: admin: memory %s deleted", ctx->memory_id);

        return ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, deleted,
                                          sizeof(deleted) - 1);
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "elaaoms: admin: a caller's erasure is queued");

    return ngx_http_elaaoms_send_json(r, NGX_HTTP_ACCEPTED, queued,
                                      sizeof(queued) - 1);
}
