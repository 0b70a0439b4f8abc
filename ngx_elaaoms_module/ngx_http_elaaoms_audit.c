/*
 * The audit trail of memories served to an agent that neither created nor
 * reinforced them (client-data's shared context, search-memory's other
 * agents' memories): one XADD to "elaaoms:<org>:audit" per answer.
 *
 *   XADD elaaoms:<org>:audit [MINID <now - elaaoms_audit_retention, ms>] *
 *        org .. caller .. agent_id .. memory_ids id,id | memory_set <set>
 *        time <unix>
 *        request_id .. via client_data|search client <address>
 *        auth signature|shared_secret|none
 *
 * client-data names the served set of the document it answered from (its
 * ids are stored once, in the caller's served sets: an XADD listing forty
 * ids costs Redis three times as much); search lists the ids it ranked.
 *
 * Entries are kept by age (MINID trims what is older than the retention),
 * not by count.  Trimming is a third of an XADD's cost in Redis and nothing
 * can expire twice within a second: each nginx process trims with the
 * first entry it writes in a second (per location), the worker's
 * retention sweep once a sweep.  Most answers do not wait for the entry;
 * a caller that must not be served unaudited (search_all_agents) passes a
 * done handler and answers from it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_metrics.h"
#include "store/redis_keys.h"


typedef struct {
    ngx_http_elaaoms_audit_pt   done;
    void                       *data;
    ngx_flag_t                  written;
} ngx_http_elaaoms_audit_t;


static void ngx_http_elaaoms_audit_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_audit_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);


/* how the request was let in, for the audit entry */
static const char *
ngx_http_elaaoms_auth_method(ngx_http_request_t *r)
{
    ngx_http_elaaoms_loc_conf_t  *elcf;

    if (ngx_http_elaaoms_signed(r)) {
        return "signature";
    }

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    /* the access phase passed: with a header configured, it was the header */
    return elcf->auth && elcf->shared_value ? "shared_secret" : "none";
}


ngx_int_t
ngx_http_elaaoms_audit(ngx_http_request_t *r, ngx_str_t *ids,
    ngx_flag_t set, const char *caller, const char *agent, const char *via,
    ngx_http_elaaoms_audit_pt done, void *data)
{
    int                           n;
    u_char                       *key, *now, *minid, *p;
    ngx_str_t                    *rid, *addr;
    ngx_msec_int_t                min_ms;
    ngx_http_elaaoms_args_t      *a;
    ngx_http_elaaoms_audit_t     *au;
    ngx_http_elaaoms_batch_t     *b;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    a = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_args_t));
    au = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_audit_t));
    key = ngx_pnalloc(r->pool, ELAAOMS_KEY_MAX + 2 * NGX_INT64_LEN + 4);
    if (a == NULL || au == NULL || key == NULL) {
        return NGX_ERROR;
    }

    now = key + ELAAOMS_KEY_MAX;
    minid = now + NGX_INT64_LEN + 1;

    n = elaaoms_key_org((char *) key, ELAAOMS_KEY_MAX,
                        (const char *) elcf->org.data, ELAAOMS_KEY_AUDIT);
    if (n < 0) {
        return NGX_ERROR;
    }

    min_ms = (ngx_msec_int_t) (ngx_time() - elcf->audit_retention) * 1000;
    if (min_ms < 0) {
        min_ms = 0;
    }

    rid = ngx_http_elaaoms_request_id(r);
    addr = &r->connection->addr_text;

    ngx_http_elaaoms_arg_str(a, "XADD");
    ngx_http_elaaoms_arg(a, key, (size_t) n);

    if (elcf->audit_trimmed != ngx_time()) {
        elcf->audit_trimmed = ngx_time();

        /* exact, not "~": an entry past its retention must really go */
        ngx_http_elaaoms_arg_str(a, "MINID");
        p = ngx_sprintf(minid, "%M", (ngx_msec_t) min_ms);
        ngx_http_elaaoms_arg(a, minid, p - minid);
    }

    ngx_http_elaaoms_arg_str(a, "*");
    ngx_http_elaaoms_arg_str(a, "org");
    ngx_http_elaaoms_arg(a, elcf->org.data, elcf->org.len);
    ngx_http_elaaoms_arg_str(a, "caller");
    ngx_http_elaaoms_arg_str(a, caller);
    ngx_http_elaaoms_arg_str(a, "agent_id");
    ngx_http_elaaoms_arg_str(a, agent);
    ngx_http_elaaoms_arg_str(a, set ? "memory_set" : "memory_ids");
    ngx_http_elaaoms_arg(a, ids->data, ids->len);
    ngx_http_elaaoms_arg_str(a, "time");
    p = ngx_sprintf(now, "%T", ngx_time());
    ngx_http_elaaoms_arg(a, now, p - now);
    ngx_http_elaaoms_arg_str(a, "request_id");
    ngx_http_elaaoms_arg(a, rid->data, rid->len);
    ngx_http_elaaoms_arg_str(a, "via");
    ngx_http_elaaoms_arg_str(a, via);
    ngx_http_elaaoms_arg_str(a, "client");
    ngx_http_elaaoms_arg(a, addr->data, addr->len);
    ngx_http_elaaoms_arg_str(a, "auth");
    ngx_http_elaaoms_arg_str(a, ngx_http_elaaoms_auth_method(r));

    au->done = done;
    au->data = data;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_audit_reply,
                                      ngx_http_elaaoms_audit_done, au);

    if (b == NULL
        || ngx_http_elaaoms_batch_add_args(b, a) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: %s: audit entry not written for memories %V",
                      via, ids);
        ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_AUDIT_FAILED);
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: %s: other agents' memories %V served to agent "
                  "\"%s\"", via, ids, agent);

    return NGX_OK;
}


static void
ngx_http_elaaoms_audit_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_audit_t *au = data;

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: audit XADD failed: %s", reply->str);
        return;
    }

    au->written = 1;
}


static void
ngx_http_elaaoms_audit_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_audit_t *au = data;

    ngx_http_elaaoms_metrics_event((rc == NGX_OK && au->written)
                                   ? NGX_HTTP_ELAAOMS_MET_AUDIT_OK
                                   : NGX_HTTP_ELAAOMS_MET_AUDIT_FAILED);

    /* without a done handler nobody waits: the answer has gone */
    if (au->done) {
        au->done(r, au->data, (rc == NGX_OK && au->written) ? NGX_OK
                                                             : NGX_ERROR);
    }
}
