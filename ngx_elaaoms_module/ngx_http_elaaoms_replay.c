/*
 * A signed request passes once.  Each signature the access phase accepts
 * is remembered in Redis until it expires (SET elaaoms:<org>:sig:<v0> 1
 * NX EX <its remaining lifetime>), through the module's async client.
 *
 * - client-data and search-memory claim the signature in the access
 *   phase: a second use is a 401 "replayed";
 * - post-call looks it up in its handler and remembers it once the
 *   payload is stored (ngx_http_elaaoms_replay_add into its batch): ElevenLabs' retries are byte-identical, so a reused
 *   signature is a delivery already accepted and answers 200 duplicate
 *   without touching anything (a 4xx would count as a failed delivery).
 *
 * With Redis down or slow the request goes on unchecked: every webhook
 * still answers (post-call is idempotent by content; client-data and
 * search-memory serve nothing from a Redis they cannot reach).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "store/redis_keys.h"


static void ngx_http_elaaoms_replay_claim_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_replay_claim_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);


typedef struct {
    ngx_http_elaaoms_ctx_t  *ctx;
    unsigned                 replayed:1;
} ngx_http_elaaoms_claim_t;


/* "elaaoms:<org>:sig:<v0>" of the verified signature; -1 if none fits */
ssize_t
ngx_http_elaaoms_replay_key(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx, char *buf, size_t size)
{
    char                          org[65];
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    /* elaaoms_org is checked at configuration: [A-Za-z0-9_-]{1,64} */
    (void) ngx_cpystrn((u_char *) org, elcf->org.data,
                       ngx_min(elcf->org.len + 1, sizeof(org)));

    return elaaoms_key_signature(buf, size, org, ctx->sig.v0);
}


/* seconds until the signature expires (it is refused from then on) */
time_t
ngx_http_elaaoms_replay_ttl(ngx_http_request_t *r, ngx_http_elaaoms_ctx_t *ctx)
{
    time_t                        ttl;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    ttl = (time_t) ctx->sig.timestamp + elcf->signature_tolerance
          - ngx_time() + 1;

    return ngx_max(ttl, 1);
}


/* SET <key> 1 NX EX <ttl> into b; NGX_ERROR when Redis is unreachable */
ngx_int_t
ngx_http_elaaoms_replay_add(ngx_http_request_t *r, ngx_http_elaaoms_ctx_t *ctx,
    ngx_http_elaaoms_batch_t *b)
{
    char                      key[ELAAOMS_KEY_MAX];
    u_char                    ttl[NGX_TIME_T_LEN], *p;
    ssize_t                   n;
    ngx_http_elaaoms_args_t   a;

    n = ngx_http_elaaoms_replay_key(r, ctx, key, sizeof(key));
    if (n < 0) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(ttl, "%T", ngx_http_elaaoms_replay_ttl(r, ctx));

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "SET");
    ngx_http_elaaoms_arg(&a, key, (size_t) n);
    ngx_http_elaaoms_arg_str(&a, "1");
    ngx_http_elaaoms_arg_str(&a, "NX");
    ngx_http_elaaoms_arg_str(&a, "EX");
    ngx_http_elaaoms_arg(&a, ttl, p - ttl);

    /* hiredis copies the command: key and ttl may go */
    return ngx_http_elaaoms_batch_add_args(b, &a);
}


/*
 * In the access phase, after the signature verified: NGX_DONE when Redis
 * will answer (the phases go on from its callback), anything else when
 * the request goes on at once, unchecked.
 */

ngx_int_t
ngx_http_elaaoms_replay_claim(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx)
{
    ngx_http_elaaoms_batch_t  *b;
    ngx_http_elaaoms_claim_t  *cl;

    cl = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_claim_t));
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->ctx = ctx;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_replay_claim_reply,
                                      ngx_http_elaaoms_replay_claim_done, cl);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_elaaoms_replay_add(r, ctx, b) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: replay: redis unavailable, signature not "
                      "checked for replays");
        return NGX_DECLINED;
    }

    /* a write event meanwhile must not run the phases again */
    r->write_event_handler = ngx_http_request_empty_handler;

    return NGX_DONE;
}


static void
ngx_http_elaaoms_replay_claim_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_claim_t *cl = data;

    /* "OK": first use; nil: NX found the key */
    if (reply->type == REDIS_REPLY_NIL) {
        cl->replayed = 1;

    } else if (reply->type != REDIS_REPLY_STATUS) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: replay: check failed: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
    }
}


static void
ngx_http_elaaoms_replay_claim_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_claim_t *cl = data;

    ngx_connection_t        *c;
    ngx_http_elaaoms_ctx_t  *ctx;

    c = r->connection;
    ctx = cl->ctx;

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, c->log, 0,
                      "elaaoms: replay: redis unavailable, signature not "
                      "checked for replays");

    } else if (cl->replayed) {
        ctx->access_status = ngx_http_elaaoms_deny(r, ctx,
                                       "this signature was already used");
        ctx->deny_code = "replayed";
    }

    ngx_http_elaaoms_access_resume(r, ctx);

    /* from Redis' event: run what the phases posted, as the loop would */
    ngx_http_run_posted_requests(c);
}
