/*
 * Access phase: ElevenLabs' HMAC signature (elaaoms_signature_secret) and
 * the shared-secret header (elaaoms_shared_secret).  Either passes, except
 * on post-call, which takes only the signature.  The body is read here, as
 * ngx_http_mirror_module does, so the signature covers every byte, in
 * memory or in the temp file; it stays for the content handler.  A
 * signature passes once: client-data and search-memory claim it in Redis
 * here (ngx_http_elaaoms_replay.c), post-call in its handler, where a
 * replay is a duplicate delivery.  A refusal is a plain
 * NGX_HTTP_UNAUTHORIZED, so the check composes with satisfy/allow/deny;
 * the filter makes it JSON.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <openssl/crypto.h>

#include "ngx_http_elaaoms_module.h"
#include "intake/signature.h"


/* how far ahead of our clock a signature timestamp may be */
#define NGX_HTTP_ELAAOMS_SIG_FUTURE  60


static ngx_int_t ngx_http_elaaoms_access_handler(ngx_http_request_t *r);
static void ngx_http_elaaoms_access_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_verify_body(ngx_http_request_t *r,
    ngx_http_elaaoms_loc_conf_t *elcf, ngx_http_elaaoms_ctx_t *ctx);
static ngx_int_t ngx_http_elaaoms_shared_secret_ok(ngx_http_request_t *r,
    ngx_http_elaaoms_loc_conf_t *elcf, const char **reason);
static ngx_table_elt_t *ngx_http_elaaoms_find_header(ngx_http_request_t *r,
    ngx_str_t *name);


static ngx_str_t  ngx_http_elaaoms_signature_header =
    ngx_string("ElevenLabs-Signature");


ngx_int_t
ngx_http_elaaoms_access_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_elaaoms_access_handler;

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_access_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_uint_t                    shared;
    const char                   *reason;
    ngx_table_elt_t              *h;
    elaaoms_sig_rc_t              src;
    ngx_http_elaaoms_ctx_t       *ctx;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    if (!elcf->auth
        || (elcf->signature_secrets == NULL && elcf->shared_value == NULL))
    {
        return NGX_DECLINED;
    }

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->access_done) {
        return ctx->access_status;
    }

    reason = "no webhook signature or shared secret header";

    /* post-call writes: only ElevenLabs' signature is good enough there */
    shared = (elcf->shared_value != NULL
              && elcf->handler != ngx_http_elaaoms_post_call_handler);

    if (shared) {
        rc = ngx_http_elaaoms_shared_secret_ok(r, elcf, &reason);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    if (elcf->signature_secrets == NULL) {
        return ngx_http_elaaoms_deny(r, ctx, reason);
    }

    h = ngx_http_elaaoms_find_header(r, &ngx_http_elaaoms_signature_header);
    if (h == NULL) {
        return ngx_http_elaaoms_deny(r, ctx,
                                     shared ? reason
                                     : "missing ElevenLabs-Signature header");
    }

    src = elaaoms_sig_parse((const char *) h->value.data, h->value.len,
                            &ctx->sig);
    if (src == ELAAOMS_SIG_OK) {
        src = elaaoms_sig_check_time(ctx->sig.timestamp, ngx_time(),
                                     elcf->signature_tolerance,
                                     NGX_HTTP_ELAAOMS_SIG_FUTURE);
    }

    if (src != ELAAOMS_SIG_OK) {
        return ngx_http_elaaoms_deny(r, ctx, elaaoms_sig_strerror(src));
    }

    /* the verdict needs the whole body: read it, then run the phases again */
    ctx->access_status = NGX_DONE;

    rc = ngx_http_read_client_request_body(r,
                                         ngx_http_elaaoms_access_body_handler);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    ngx_http_finalize_request(r, NGX_DONE);
    return NGX_DONE;
}


static void
ngx_http_elaaoms_access_body_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_http_elaaoms_ctx_t       *ctx;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);
    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    r->preserve_body = 1;

    ctx->access_status = ngx_http_elaaoms_verify_body(r, elcf, ctx);

    if (ctx->access_status == NGX_OK) {
        ctx->signed_body = 1;

        /* post-call tells a replay from a retry itself, in its handler */
        rc = (elcf->handler == ngx_http_elaaoms_post_call_handler)
             ? NGX_DECLINED : ngx_http_elaaoms_replay_claim(r, ctx);

        if (rc == NGX_DONE) {
            /* Redis answers later, then ngx_http_elaaoms_access_resume() */
            return;
        }

        if (rc == NGX_ERROR) {
            ctx->access_status = NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_http_elaaoms_access_resume(r, ctx);
}


/* 1 when the request's signature authenticated it (its body is signed) */
ngx_uint_t
ngx_http_elaaoms_signed(ngx_http_request_t *r)
{
    ngx_http_elaaoms_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);

    return (ctx != NULL && ctx->signed_body);
}


/* the verdict is in: the phases go on from the access phase */
void
ngx_http_elaaoms_access_resume(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx)
{
    ctx->access_done = 1;

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


static int
ngx_http_elaaoms_hmac_feed(void *arg, const void *data, size_t len)
{
    return elaaoms_hmac_update(arg, data, len);
}


static ngx_int_t
ngx_http_elaaoms_verify_body(ngx_http_request_t *r,
    ngx_http_elaaoms_loc_conf_t *elcf, ngx_http_elaaoms_ctx_t *ctx)
{
    char                       hex[ELAAOMS_SIG_HEX_LEN + 1];
    ngx_str_t                  secret;
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    elaaoms_hmac_t            *h;
    ngx_http_complex_value_t  *cv;

    cv = elcf->signature_secrets->elts;

    /* every configured secret is tried: rotation keeps old and new */
    for (i = 0; i < elcf->signature_secrets->nelts; i++) {

        if (ngx_http_complex_value(r, &cv[i], &secret) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (secret.len == 0) {
            continue;
        }

        h = elaaoms_sig_hmac_start(secret.data, secret.len, &ctx->sig);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rc = ngx_http_elaaoms_body_feed(r, ngx_http_elaaoms_hmac_feed, h);

        if (rc != NGX_OK || elaaoms_hmac_final_hex(h, hex) != 0) {
            elaaoms_hmac_free(h);
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "elaaoms: could not read the request body to "
                          "verify its signature");
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        elaaoms_hmac_free(h);

        if (elaaoms_sig_verify_hex(ctx->sig.v0, hex) == ELAAOMS_SIG_OK) {
            return NGX_OK;
        }
    }

    return ngx_http_elaaoms_deny(r, ctx,
                                 elaaoms_sig_strerror(ELAAOMS_SIG_MISMATCH));
}


/* NGX_OK when the header matches, NGX_DECLINED otherwise */
static ngx_int_t
ngx_http_elaaoms_shared_secret_ok(ngx_http_request_t *r,
    ngx_http_elaaoms_loc_conf_t *elcf, const char **reason)
{
    ngx_str_t         expected;
    ngx_table_elt_t  *h;

    h = ngx_http_elaaoms_find_header(r, &elcf->shared_header);
    if (h == NULL) {
        *reason = "missing shared secret header";
        return NGX_DECLINED;
    }

    if (ngx_http_complex_value(r, elcf->shared_value, &expected) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* constant time over the secret's bytes; only its length can leak */
    if (expected.len != 0
        && h->value.len == expected.len
        && CRYPTO_memcmp(h->value.data, expected.data, expected.len) == 0)
    {
        return NGX_OK;
    }

    *reason = "shared secret header does not match";
    return NGX_DECLINED;
}


static ngx_table_elt_t *
ngx_http_elaaoms_find_header(ngx_http_request_t *r, ngx_str_t *name)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == name->len
            && ngx_strncasecmp(h[i].key.data, name->data, name->len) == 0)
        {
            return &h[i];
        }
    }
}


ngx_int_t
ngx_http_elaaoms_deny(ngx_http_request_t *r, ngx_http_elaaoms_ctx_t *ctx,
    const char *reason)
{
    /* the reason names what failed, never a secret */
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "elaaoms: webhook refused: %s",
                  reason);

    ctx->deny_reason = reason;

    return NGX_HTTP_UNAUTHORIZED;
}
