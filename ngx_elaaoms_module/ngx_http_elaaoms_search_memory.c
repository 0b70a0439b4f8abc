/*
 * /webhook/search-memory: ElevenLabs' server tool.  Parameters come as the
 * JSON body (the tool's parameter object) or as the query string; both go
 * through one validation (lib/search/search_request.c); bad ones are a 400.
 *
 * A search belongs to a live call (elaaoms_search_binding, on by default):
 * client-data recorded the caller under the call's id
 * (elaaoms:<org>:call:<hash>, elaaoms_call_ttl), the tool sends that id
 * (call_sid / call_id bound to ElevenLabs' system variables, or
 * conversation_id), and the caller comes from that record: never from the
 * LLM.  A caller_id that differs from the bound one, or a call nobody
 * bound, is refused (403).  Server-side floors keep a tool call from
 * listing everything: elaaoms_search_min_threshold and
 * elaaoms_search_max_limit.
 *
 * The caller's memories are one Redis hash (lib/store/memory_store.h,
 * written by the worker), read with one HGETALL -- or, with
 * elaaoms_search_cache, a GET of the caller's memory version and the
 * cached records while it is unchanged (ngx_http_elaaoms_search_cache.c),
 * an EVAL of the version and the HGETALL otherwise; the records are
 * decoded as views into the reply (or the cache's copy) and ranked
 * by lib/search/search_rank.c while the reply is alive (hiredis frees it after
 * the callback), which also writes the answer.  A call is never failed
 * for want of memory: no usable caller, Redis down or slow, all answer 200
 * with an empty list and a summary saying why.
 *
 * Which memories an agent may see, the record alone says (each lists
 * every agent that created or reinforced it), so the one HGETALL stays
 * the only read.  Memories served to an agent that neither created nor
 * reinforced them are audited (ngx_http_elaaoms_audit.c): the XADD is
 * queued just before the answer and nobody waits for it, except with
 * search_all_agents, where the answer waits and becomes a 503 when the
 * entry could not be written (fail closed).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_embed.h"
#include "ngx_http_elaaoms_search_cache.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/memory_record.h"
#include "store/redis_keys.h"
#include "search/search_index.h"
#include "search/search_rank.h"
#include "search/search_request.h"


typedef struct {
    elaaoms_search_request_t   sr;
    char                       caller[ELAAOMS_CALLER_MAX];
    char                       org[65];       /* elaaoms_org: 1..64 */
    ngx_str_t                  answer;      /* the JSON, in the pool */
    ngx_str_t                  audit_ids;   /* other agents' memories */
    size_t                     total;
    size_t                     count;
    const char                *call_id;     /* the bound call, or NULL */
    ngx_int_t                  bind_status; /* NGX_OK: caller bound */

    /* the question's provider vector (ngx_http_elaaoms_embed.c) */
    ngx_http_elaaoms_embed_t  *embed;
    ngx_uint_t                 hgetall;     /* its index in the batch */
    unsigned                   embed_made:1;
    unsigned                   fetch:1;     /* ask the provider */

    /* elaaoms_search_cache: GET of the version first, records on a miss */
    unsigned                   versioned:1; /* the batch is the GET */
    unsigned                   refetch:1;   /* the next batch reads them */
    unsigned                   has_version:1;
    unsigned                   keep:1;      /* cache what was read */
    u_char                     version[NGX_HTTP_ELAAOMS_VERSION_LEN];
} ngx_http_elaaoms_search_ctx_t;


static void ngx_http_elaaoms_search_memory_body(ngx_http_request_t *r);

/* a caller's version (or "") and records, read at one instant */
static char  ngx_http_elaaoms_search_fetch_lua[] =
    "return {redis.call('GET', KEYS[1]) or '', "
    "redis.call('HGETALL', KEYS[2])}";

static ngx_int_t ngx_http_elaaoms_search_args(ngx_http_request_t *r,
    elaaoms_search_request_t *sr, char *err, size_t errlen);
static ngx_int_t ngx_http_elaaoms_search_floors(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, char *err, size_t errlen);
static ngx_int_t ngx_http_elaaoms_search_bind(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx);
static void ngx_http_elaaoms_search_bind_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_search_bind_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_search_start(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx);
static void ngx_http_elaaoms_search_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_search_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static void ngx_http_elaaoms_search_embedded(ngx_http_request_t *r,
    void *data);
static void ngx_http_elaaoms_search_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx);
static ngx_int_t ngx_http_elaaoms_search_rank(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, redisReply *reply);
static ngx_int_t ngx_http_elaaoms_search_send(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx);
static void ngx_http_elaaoms_search_audited(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_search_empty(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, const char *summary);
static ngx_int_t ngx_http_elaaoms_search_gen_keep(ngx_http_request_t *r,
    elaaoms_jgen_t *j, ngx_str_t *out);


ngx_int_t
ngx_http_elaaoms_search_memory_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    /* a GET puts callers and questions in access logs: only when asked */
    if (!(r->method & NGX_HTTP_POST)
        && !(elcf->search_get && (r->method & NGX_HTTP_GET)))
    {
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
    char                            err[256];
    ngx_int_t                       rc;
    yajl_val                        tree;
    elaaoms_search_request_t       *sr;
    ngx_http_elaaoms_search_ctx_t  *ctx;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_search_ctx_t));
    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    /* the strings of the request live in the pool and the yajl tree */
    sr = &ctx->sr;
    elaaoms_search_request_init(sr);

    /* the query string is not signed: a signed request is its body alone */
    rc = ngx_http_elaaoms_signed(r)
         ? NGX_OK : ngx_http_elaaoms_search_args(r, sr, err, sizeof(err));

    if (rc == NGX_ERROR) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (rc != NGX_OK) {
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

        if (elaaoms_search_request_from_json(sr, tree, err, sizeof(err))
            != 0)
        {
            goto invalid;
        }
    }

    if (elaaoms_search_request_check(sr, err, sizeof(err)) != 0) {
        goto invalid;
    }

    /* control characters, broken UTF-8: not a caller, a forgery */
    if (sr->caller_id
        && elaaoms_caller_normalize(sr->caller_id, ngx_strlen(sr->caller_id),
                                    ctx->caller, sizeof(ctx->caller))
           == ELAAOMS_CALLER_INVALID)
    {
        (void) ngx_cpystrn((u_char *) err, (u_char *) "\"caller_id\" is not "
                           "a caller identifier", sizeof(err));
        goto invalid;
    }

    ctx->caller[0] = '\0';

    rc = ngx_http_elaaoms_search_floors(r, ctx, err, sizeof(err));

    if (rc == NGX_DECLINED) {
        goto invalid;
    }

    if (rc == NGX_OK) {
        rc = ctx->call_id ? ngx_http_elaaoms_search_bind(r, ctx)
                          : ngx_http_elaaoms_search_start(r, ctx);
    }

    if (rc == NGX_DONE) {
        /* Redis answers later; its callback finishes the request */
        return;
    }

    ngx_http_finalize_request(r, rc);
    return;

invalid:

    ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                              NGX_HTTP_BAD_REQUEST, "invalid_parameter", err));
}


/* names the parameter when it is printable ASCII (the answer is JSON) */
static void
ngx_http_elaaoms_search_nul(u_char *name, char *err, size_t errlen)
{
    u_char  *p, *last;

    for (p = name; *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'; p++)
    {
        /* void */
    }

    if (*p != '\0' || p - name > 64) {
        last = ngx_snprintf((u_char *) err, errlen - 1,
                            "a parameter contains a NUL byte");
    } else {
        last = ngx_snprintf((u_char *) err, errlen - 1,
                            "\"%s\" contains a NUL byte", name);
    }

    *last = '\0';
}


/*
 * every query-string pair, unescaped into the request pool: NGX_OK,
 * NGX_DECLINED with err set (a 400), or NGX_ERROR (no memory)
 */
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

            /*
             * '+' is a space in forms, "%2B" a plus ("caller_id=%2B1415..."):
             * the pluses are replaced before unescaping, in place
             */
            value = dst;

            for (src = eq + 1; src < amp; src++) {
                *dst++ = (*src == '+') ? ' ' : *src;
            }

            src = value;
            dst = value;
            ngx_unescape_uri(&dst, &src, amp - eq - 1, NGX_UNESCAPE_URI);
            *dst = '\0';

            /* "%00" would cut the value short: refused, never truncated */
            if (ngx_strlen(value) != (size_t) (dst - value)) {
                ngx_http_elaaoms_search_nul(name, err, errlen);
                return NGX_DECLINED;
            }

            if (elaaoms_search_request_set(sr, (char *) name, (char *) value,
                                           err, errlen)
                != 0)
            {
                return NGX_DECLINED;
            }
        }

        p = amp + 1;
    }

    return NGX_OK;
}


/*
 * The location's floors over the request, and the call it belongs to:
 * NGX_OK, NGX_DECLINED with err (a 400), or a status to answer.
 */
static ngx_int_t
ngx_http_elaaoms_search_floors(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, char *err, size_t errlen)
{
    double                        floor;
    elaaoms_search_request_t     *sr;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);
    sr = &ctx->sr;

    if (sr->threshold < 0) {
        sr->threshold = (double) elcf->search_threshold
                        / NGX_HTTP_ELAAOMS_THRESHOLD_SCALE;
    }

    floor = (double) elcf->search_min_threshold
            / NGX_HTTP_ELAAOMS_THRESHOLD_SCALE;

    if (sr->threshold < floor) {
        sr->threshold = floor;
    }

    if (sr->limit > elcf->search_max_limit) {
        sr->limit = (int) elcf->search_max_limit;
    }

    if (!elcf->search_binding) {
        return NGX_OK;
    }

    /*
     * the live call's id: call_sid / call_id, or conversation_id, which
     * then names this call, not a past conversation to filter on
     */
    ctx->call_id = sr->call_id;

    if (ctx->call_id == NULL && sr->conversation_id != NULL) {
        ctx->call_id = sr->conversation_id;
        sr->conversation_id = NULL;
    }

    if (ctx->call_id == NULL) {
        (void) ngx_cpystrn((u_char *) err,
                           (u_char *) "\"call_sid\" (or \"call_id\", "
                           "\"conversation_id\") is required: bind it to "
                           "the call's system variable in the tool",
                           errlen);
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* GET elaaoms:<org>:call:<hash>: the caller client-data bound to the call */
static ngx_int_t
ngx_http_elaaoms_search_bind(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx)
{
    int                           n;
    char                          key[ELAAOMS_KEY_MAX];
    ngx_http_elaaoms_args_t       a;
    ngx_http_elaaoms_batch_t     *b;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    (void) ngx_cpystrn((u_char *) ctx->org, elcf->org.data,
                       ngx_min(elcf->org.len + 1, sizeof(ctx->org)));

    n = elaaoms_key_call(key, sizeof(key), ctx->org, ctx->call_id,
                         ngx_strlen(ctx->call_id));
    if (n < 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "GET");
    ngx_http_elaaoms_arg(&a, key, (size_t) n);

    ctx->bind_status = NGX_HTTP_FORBIDDEN;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_search_bind_reply,
                                      ngx_http_elaaoms_search_bind_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: search-memory: redis unavailable");

        return ngx_http_elaaoms_search_empty(r, ctx,
                                         ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE);
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_search_bind_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    char  given[ELAAOMS_CALLER_MAX];

    if (reply->type != REDIS_REPLY_STRING || reply->len == 0
        || reply->len >= sizeof(ctx->caller))
    {
        /* nil: no client-data for this call (or it expired) */
        ctx->bind_status = NGX_HTTP_FORBIDDEN;
        return;
    }

    ngx_memcpy(ctx->caller, reply->str, reply->len);
    ctx->caller[reply->len] = '\0';

    /* a caller_id may confirm the bound caller, never replace it */
    if (ctx->sr.caller_id != NULL
        && (elaaoms_caller_normalize(ctx->sr.caller_id,
                                     ngx_strlen(ctx->sr.caller_id),
                                     given, sizeof(given))
            <= 0
            || ngx_strcmp(given, ctx->caller) != 0))
    {
        ctx->bind_status = NGX_HTTP_CONFLICT;
        return;
    }

    ctx->bind_status = NGX_OK;
}


static void
ngx_http_elaaoms_search_bind_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    if (rc != NGX_OK) {
        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_search_empty(r, ctx,
                                         ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE));
        return;
    }

    if (ctx->bind_status == NGX_HTTP_FORBIDDEN) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: search-memory: refused, no caller is bound "
                      "to the call");

        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_send_error(r,
                                NGX_HTTP_FORBIDDEN, "unbound_call",
                                "no conversation-initiation request "
                                "(client-data) named this call's caller"));
        return;
    }

    if (ctx->bind_status == NGX_HTTP_CONFLICT) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: search-memory: refused, caller_id is not "
                      "the call's caller");

        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_send_error(r,
                                NGX_HTTP_FORBIDDEN, "caller_mismatch",
                                "caller_id is not the caller of this call"));
        return;
    }

    rc = ngx_http_elaaoms_search_start(r, ctx);

    /* NGX_DONE: the HGETALL's callback finishes the request */
    if (rc != NGX_DONE) {
        ngx_http_elaaoms_finish(r, rc);
    }
}


/* one HGETALL of the caller's index; NGX_DONE when Redis will answer */
static ngx_int_t
ngx_http_elaaoms_search_start(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx)
{
    int                           n;
    char                          key[ELAAOMS_KEY_MAX];
    char                          vkey[ELAAOMS_KEY_MAX];
    ngx_http_elaaoms_args_t       a;
    ngx_http_elaaoms_batch_t     *b;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    /* withheld, garbled or missing numbers have no memories */
    if (ctx->call_id == NULL
        && (ctx->sr.caller_id == NULL
            || elaaoms_caller_normalize(ctx->sr.caller_id,
                                        ngx_strlen(ctx->sr.caller_id),
                                        ctx->caller, sizeof(ctx->caller))
               <= 0))
    {
        return ngx_http_elaaoms_search_empty(r, ctx,
                                             ELAAOMS_SEARCH_SUMMARY_NO_CALLER);
    }

    /* elaaoms_org is checked at configuration: [A-Za-z0-9_-]{1,64} */
    (void) ngx_cpystrn((u_char *) ctx->org, elcf->org.data,
                       ngx_min(elcf->org.len + 1, sizeof(ctx->org)));

    n = elaaoms_key_caller(key, sizeof(key), ctx->org, ctx->caller,
                           ELAAOMS_MEMORY_KEY_INDEX);
    if (n < 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a.argc = 0;
    ctx->versioned = 0;

    if (elcf->search_cache == NULL) {
        ngx_http_elaaoms_arg_str(&a, "HGETALL");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);

    } else {
        if (elaaoms_key_caller(vkey, sizeof(vkey), ctx->org, ctx->caller,
                               ELAAOMS_MEMORY_KEY_VERSION)
            < 0)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (!ctx->refetch) {
            /* a few bytes: the records only when they changed */
            ctx->versioned = 1;
            ngx_http_elaaoms_arg_str(&a, "GET");
            ngx_http_elaaoms_arg_str(&a, vkey);

        } else {
            /* the records with the version they are of, atomically */
            ngx_http_elaaoms_arg_str(&a, "EVAL");
            ngx_http_elaaoms_arg_str(&a, ngx_http_elaaoms_search_fetch_lua);
            ngx_http_elaaoms_arg_str(&a, "2");
            ngx_http_elaaoms_arg_str(&a, vkey);
            ngx_http_elaaoms_arg(&a, key, (size_t) n);
        }
    }

    if (!ctx->embed_made) {
        ctx->embed_made = 1;
        ctx->embed = ngx_http_elaaoms_embed_create(r, ctx->org,
                                                   ctx->sr.query);
    }

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_search_reply,
                                      ngx_http_elaaoms_search_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the cached question vector first, in the same round trip (once) */
    ctx->hgetall = (ctx->embed && !ctx->refetch
                    && ngx_http_elaaoms_embed_lookup(ctx->embed, b)
                       == NGX_OK);

    ctx->refetch = 0;

    /* hiredis copies the command: key may go */
    if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        if (ctx->hgetall) {
            ngx_http_elaaoms_batch_abandon(b);
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: search-memory: redis unavailable");

        return ngx_http_elaaoms_search_empty(r, ctx,
                                         ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE);
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_search_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    if (index != ctx->hgetall) {
        ngx_http_elaaoms_embed_cached(ctx->embed, reply);
        return;
    }

    if (ctx->versioned) {
        /* anything but a token (none, an error): read the records */
        ctx->has_version = (reply->type == REDIS_REPLY_STRING
                            && reply->len == NGX_HTTP_ELAAOMS_VERSION_LEN);
        if (ctx->has_version) {
            ngx_memcpy(ctx->version, reply->str,
                       NGX_HTTP_ELAAOMS_VERSION_LEN);
        }
        return;
    }

    if (elcf->search_cache != NULL) {
        /* the script's {version or "", records} */
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
            || reply->element[0]->type != REDIS_REPLY_STRING)
        {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "elaaoms: search-memory: unexpected reply to the "
                          "records' script: %s",
                          reply->type == REDIS_REPLY_ERROR ? reply->str
                                                           : "not a pair");
            return;
        }

        /* no version: erased, or written by an older worker */
        ctx->keep = reply->element[0]->len == NGX_HTTP_ELAAOMS_VERSION_LEN;
        if (ctx->keep) {
            ngx_memcpy(ctx->version, reply->element[0]->str,
                       NGX_HTTP_ELAAOMS_VERSION_LEN);
        }

        reply = reply->element[1];
    }

    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: search-memory: unexpected HGETALL reply: "
                      "%s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "not a hash");
        return;
    }

    /* the views point into the reply, which is freed after this call */
    if (ngx_http_elaaoms_search_rank(r, ctx, reply) != NGX_OK) {
        ctx->answer.len = 0;
        ctx->answer.data = NULL;
    }
}


/*
 * Per worker process: the scratch of one search (search_index.h), kept
 * between searches so a search allocates nothing; given back when one
 * caller made it large.
 */
static u_char  *ngx_http_elaaoms_search_scratch;
static size_t   ngx_http_elaaoms_search_scratch_len;

#define NGX_HTTP_ELAAOMS_SEARCH_SCRATCH_KEEP  (4 * 1024 * 1024)


static void *
ngx_http_elaaoms_search_scratch_get(size_t size, ngx_log_t *log)
{
    if (size > ngx_http_elaaoms_search_scratch_len) {
        ngx_free(ngx_http_elaaoms_search_scratch);
        ngx_http_elaaoms_search_scratch_len = 0;

        ngx_http_elaaoms_search_scratch = ngx_alloc(size, log);
        if (ngx_http_elaaoms_search_scratch == NULL) {
            return NULL;
        }

        ngx_http_elaaoms_search_scratch_len = size;
    }

    return ngx_http_elaaoms_search_scratch;
}


static void
ngx_http_elaaoms_search_scratch_trim(void)
{
    if (ngx_http_elaaoms_search_scratch_len
        > NGX_HTTP_ELAAOMS_SEARCH_SCRATCH_KEEP)
    {
        ngx_free(ngx_http_elaaoms_search_scratch);
        ngx_http_elaaoms_search_scratch = NULL;
        ngx_http_elaaoms_search_scratch_len = 0;
    }
}


/* the answer of res over recs, and the ids to audit, into ctx */
static ngx_int_t
ngx_http_elaaoms_search_write(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, const elaaoms_memory_record_t *recs,
    size_t nrecs, elaaoms_search_result_t *res)
{
    char            *ids;
    size_t           len;
    ngx_int_t        rc;
    ngx_str_t       *rid;
    elaaoms_jgen_t   j;

    rid = ngx_http_elaaoms_request_id(r);
    rc = NGX_ERROR;

    if (elaaoms_jgen_init(&j, 0) != 0
        || elaaoms_search_gen(j.g, &ctx->sr, recs, res,
                              (const char *) rid->data, rid->len)
           != 0
        || ngx_http_elaaoms_search_gen_keep(r, &j, &ctx->answer) != NGX_OK)
    {
        goto done;
    }

    ctx->total = nrecs;
    ctx->count = res->count;

    if (res->nforeign) {
        ids = ngx_pnalloc(r->pool, ELAAOMS_SEARCH_AUDIT_IDS_MAX);
        if (ids == NULL) {
            goto done;
        }

        len = elaaoms_search_audit_ids(ids, ELAAOMS_SEARCH_AUDIT_IDS_MAX,
                                       recs, res);
        ctx->audit_ids.data = (u_char *) ids;
        ctx->audit_ids.len = len;
    }

    rc = NGX_OK;

done:

    elaaoms_jgen_free(&j);

    return rc;
}


/* recs ranked record by record (search_rank.h), the answer written */
static ngx_int_t
ngx_http_elaaoms_search_rank_records(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, const elaaoms_memory_record_t *recs,
    size_t nrecs)
{
    void                     *scratch;
    elaaoms_search_result_t  *res;

    res = ngx_palloc(r->pool, sizeof(elaaoms_search_result_t));
    scratch = ngx_http_elaaoms_search_scratch_get(
                  elaaoms_search_rank_scratch_size(nrecs),
                  r->connection->log);

    if (res == NULL || scratch == NULL) {
        return NGX_ERROR;
    }

    /* the question's provider vector when there is one for these records */
    if (ctx->embed) {
        ctx->fetch = ngx_http_elaaoms_embed_prepare(ctx->embed, &ctx->sr,
                                                    recs, nrecs);
    }

    /* the floors resolved the threshold: the default is not used here */
    if (elaaoms_search_rank(&ctx->sr, ctx->sr.agent_id, ctx->sr.threshold,
                            recs, nrecs, scratch, res)
        != 0)
    {
        return NGX_ERROR;
    }

    return ngx_http_elaaoms_search_write(r, ctx, recs, nrecs, res);
}


/* the records of an HGETALL reply: decoded, indexed into the cache when
 * they have a version, ranked, and the answer written */
static ngx_int_t
ngx_http_elaaoms_search_rank(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, redisReply *reply)
{
    int                           built;
    size_t                        i, n, nrecs, bad, len;
    ngx_int_t                     rc;
    u_char                       *blob;
    redisReply                   *field, *value;
    elaaoms_mstr_t               *raw;
    elaaoms_memory_record_t      *recs, *rec;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    n = reply->elements / 2;

    recs = ngx_alloc((n ? n : 1) * (sizeof(elaaoms_memory_record_t)
                                    + sizeof(elaaoms_mstr_t)),
                     r->connection->log);
    if (recs == NULL) {
        return NGX_ERROR;
    }

    raw = (elaaoms_mstr_t *) (recs + (n ? n : 1));
    nrecs = 0;
    bad = 0;

    for (i = 0; i < n; i++) {
        rec = &recs[nrecs];
        field = reply->element[2 * i];
        value = reply->element[2 * i + 1];

        /* another org's or caller's record never shows, whatever the key */
        if (field->type != REDIS_REPLY_STRING
            || value->type != REDIS_REPLY_STRING
            || elaaoms_memory_record_decode_view(value->str, value->len, rec,
                                                 NULL)
               != 0
            || ngx_strcmp(rec->org.data, ctx->org) != 0
            || ngx_strcmp(rec->caller.data, ctx->caller) != 0
            || field->len != rec->id.len
            || ngx_memcmp(field->str, rec->id.data, rec->id.len) != 0)
        {
            bad++;
            continue;
        }

        raw[nrecs].data = value->str;
        raw[nrecs].len = value->len;
        nrecs++;
    }

    if (bad) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: search-memory: %uz of %uz records of the "
                      "caller skipped (undecodable or misplaced)", bad, n);
    }

    if (ctx->keep) {
        elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

        built = elaaoms_search_index_build(recs, raw, nrecs, &blob, &len);

        if (built == 0) {
            ngx_http_elaaoms_search_cache_put(elcf->search_cache, ctx->org,
                                              ctx->caller, ctx->version, blob,
                                              len, r->connection->log);
            free(blob);

        } else {
            /* records of an older worker, or a caller beyond the index */
            ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "elaaoms: search-memory: %uz records not "
                           "indexed", nrecs);
        }
    }

    rc = ngx_http_elaaoms_search_rank_records(r, ctx, recs, nrecs);

    ngx_free(recs);
    ngx_http_elaaoms_search_scratch_trim();

    return rc;
}


/* a cached index: scored in place, or its records ranked one by one when
 * the provider's question vector may apply */
static ngx_int_t
ngx_http_elaaoms_search_rank_index(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, const u_char *blob, size_t len)
{
    void                           *scratch;
    size_t                          i, n;
    ngx_int_t                       rc;
    elaaoms_search_result_t        *res;
    elaaoms_memory_record_t        *recs;
    const elaaoms_memory_record_t  *views;

    if (elaaoms_search_index_check(blob, len) != 0) {
        /* another build's layout or tables, in a zone kept across an
         * upgrade: read the records */
        return NGX_DECLINED;
    }

    n = elaaoms_search_index_count(blob);

    if (ctx->embed != NULL || ctx->sr.qvec != NULL) {
        if (ctx->sr.qvec != NULL
            || (elaaoms_search_index_flags(blob)
                & ELAAOMS_SEARCH_INDEX_F_PROVIDER))
        {
            recs = ngx_alloc((n ? n : 1) * sizeof(elaaoms_memory_record_t),
                             r->connection->log);
            if (recs == NULL) {
                return NGX_ERROR;
            }

            for (i = 0; i < n; i++) {
                if (elaaoms_search_index_record(blob, i, &recs[i]) != 0) {
                    ngx_free(recs);
                    return NGX_ERROR;
                }
            }

            rc = ngx_http_elaaoms_search_rank_records(r, ctx, recs, n);

            ngx_free(recs);
            ngx_http_elaaoms_search_scratch_trim();

            return rc;
        }
    }

    res = ngx_palloc(r->pool, sizeof(elaaoms_search_result_t));
    scratch = ngx_http_elaaoms_search_scratch_get(
                  elaaoms_search_index_scratch_size(blob),
                  r->connection->log);

    if (res == NULL || scratch == NULL) {
        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (elaaoms_search_index_rank(blob, &ctx->sr, ctx->sr.agent_id,
                                  ctx->sr.threshold, scratch, &views, res)
        == 0)
    {
        rc = ngx_http_elaaoms_search_write(r, ctx, views, n, res);
    }

    ngx_http_elaaoms_search_scratch_trim();

    return rc;
}


/* the requesting agent for the audit entry: "" when none or invalid */
static const char *
ngx_http_elaaoms_search_agent(ngx_http_elaaoms_search_ctx_t *ctx)
{
    const char  *agent = ctx->sr.agent_id;

    return (agent && elaaoms_conversation_id_valid_str(agent)) ? agent : "";
}


static void
ngx_http_elaaoms_search_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    ngx_int_t                            src, hit;
    ngx_http_elaaoms_loc_conf_t         *elcf;
    ngx_http_elaaoms_search_cache_pin_t  pin;

    if (ctx->versioned && rc == NGX_OK) {
        ctx->versioned = 0;

        elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

        hit = NGX_DECLINED;

        if (ctx->has_version
            && ngx_http_elaaoms_search_cache_get(elcf->search_cache,
                                                 ctx->org, ctx->caller,
                                                 ctx->version, &pin)
               == NGX_OK)
        {
            hit = ngx_http_elaaoms_search_rank_index(r, ctx, pin.blob,
                                                     pin.len);
            ngx_http_elaaoms_search_cache_release(&pin);

            if (hit == NGX_ERROR) {
                ctx->answer.len = 0;
                ctx->answer.data = NULL;
            }
        }

        if (hit == NGX_DECLINED) {
            /* changed, evicted or never cached: read the records */
            ctx->refetch = 1;

            src = ngx_http_elaaoms_search_start(r, ctx);
            if (src != NGX_DONE) {
                ngx_http_elaaoms_finish(r, src);
            }

            return;
        }
    }

    if (rc != NGX_OK || ctx->answer.data == NULL) {
        /* Redis' part is logged once per outage by the Redis client */
        ngx_log_error((ngx_uint_t) (rc != NGX_OK ? NGX_LOG_INFO : NGX_LOG_WARN),
                      r->connection->log, 0,
                      "elaaoms: search-memory: no memories read, answering "
                      "without them");

        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_search_empty(r, ctx,
                                         ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE));
        return;
    }

    /*
     * records of the provider's model and no cached question vector: ask
     * the provider; the offline answer is ready if it fails or is slow
     */
    if (ctx->fetch) {
        ctx->fetch = 0;

        if (ngx_http_elaaoms_embed_fetch(ctx->embed,
                                         ngx_http_elaaoms_search_embedded,
                                         ctx)
            == NGX_DONE)
        {
            return;
        }
    }

    ngx_http_elaaoms_search_answer(r, ctx);
}


static void
ngx_http_elaaoms_search_embedded(ngx_http_request_t *r, void *data)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    ngx_int_t  rc;

    if (!ngx_http_elaaoms_embed_ready(ctx->embed)) {
        /* failed, wrong or late: the offline answer */
        ngx_http_elaaoms_search_answer(r, ctx);
        return;
    }

    /* the records again, ranked with the question's vector this time */
    rc = ngx_http_elaaoms_search_start(r, ctx);

    if (rc != NGX_DONE) {
        ngx_http_elaaoms_finish(r, rc);
    }
}


static void
ngx_http_elaaoms_search_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx)
{
    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "elaaoms: search-memory: %uz of %uz memories answered, "
                   "audit: \"%V\"", ctx->count, ctx->total, &ctx->audit_ids);

    if (ctx->audit_ids.len == 0) {
        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_search_send(r, ctx));
        return;
    }

    /* every memory of every agent: never served unaudited */
    if (ctx->sr.search_all_agents) {
        if (ngx_http_elaaoms_audit(r, &ctx->audit_ids, 0, ctx->caller,
                                   ngx_http_elaaoms_search_agent(ctx),
                                   "search", ngx_http_elaaoms_search_audited,
                                   ctx)
            != NGX_OK)
        {
            ngx_http_elaaoms_search_audited(r, ctx, NGX_ERROR);
        }
        return;
    }

    /* queued before the answer is written; nothing waits for its reply */
    (void) ngx_http_elaaoms_audit(r, &ctx->audit_ids, 0, ctx->caller,
                                  ngx_http_elaaoms_search_agent(ctx),
                                  "search", NULL, NULL);

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_search_send(r, ctx));
}


static void
ngx_http_elaaoms_search_audited(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_search_ctx_t *ctx = data;

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: search-memory: search_all_agents refused, "
                      "the audit entry could not be written");

        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_send_error(r,
                                NGX_HTTP_SERVICE_UNAVAILABLE,
                                "audit_unavailable",
                                "other agents' memories are served only "
                                "with an audit entry, which could not be "
                                "written"));
        return;
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_search_send(r, ctx));
}


static ngx_int_t
ngx_http_elaaoms_search_send(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx)
{
    return ngx_http_elaaoms_send_json(r, NGX_HTTP_OK, ctx->answer.data,
                                      ctx->answer.len);
}


static ngx_int_t
ngx_http_elaaoms_search_empty(ngx_http_request_t *r,
    ngx_http_elaaoms_search_ctx_t *ctx, const char *summary)
{
    ngx_str_t       *rid;
    elaaoms_jgen_t   j;

    rid = ngx_http_elaaoms_request_id(r);

    /* a failure is checked once, by ngx_http_elaaoms_send_gen() */
    if (elaaoms_jgen_init(&j, 0) == 0
        && elaaoms_search_gen_empty(j.g, ctx->sr.query, summary,
                                    (const char *) rid->data, rid->len)
           != 0)
    {
        elaaoms_jgen_status(&j, yajl_gen_in_error_state);
    }

    return ngx_http_elaaoms_send_gen(r, NGX_HTTP_OK, &j);
}


/* the generated document, copied into the request pool */
static ngx_int_t
ngx_http_elaaoms_search_gen_keep(ngx_http_request_t *r, elaaoms_jgen_t *j,
    ngx_str_t *out)
{
    size_t                len;
    const unsigned char  *buf;

    if (elaaoms_jgen_buf(j, &buf, &len) != 0) {
        return NGX_ERROR;
    }

    out->data = ngx_pnalloc(r->pool, len ? len : 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    out->len = len;
    ngx_memcpy(out->data, buf, len);

    return NGX_OK;
}
