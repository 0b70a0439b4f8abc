/*
 * elaaoms_status: the operators' page.  One location answers three GETs:
 *
 *   <location>                      the page: one self-contained HTML
 *                                   document (inline style and script, no
 *                                   external asset; a CSP forbids any)
 *   <location>?data=1               its figures as JSON: per organization
 *                                   the job lists, the oldest ready job's
 *                                   age, token and cost totals, the newest
 *                                   conversations with their extraction
 *                                   status
 *   <location>?org=O&caller=C       one caller's memories, read-only
 *
 * The figures in three pipelined rounds, each command in one Redis
 * Cluster slot (issue 16): the global keys by single commands (workers,
 * orgs, heartbeat); each org's newest conversation ids; then one script
 * per org over that org's keys, all declared and all in its slot
 * ({<org>}: job lists, processing lists, usage, conversation hashes).
 *
 * The page shows personal data (callers, memories): the example
 * configuration allows loopback only.  Nothing here writes to Redis.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_metrics.h"
#include "ngx_http_elaaoms_status_page.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/memory_record.h"
#include "store/memory_types.h"
#include "store/redis_keys.h"
#include "util/utf8.h"


/* a caller's memories listed at most */
#define NGX_HTTP_ELAAOMS_STATUS_MEMORIES  500
/* newest conversations per organization: ZREVRANGE 0 .. this */
#define NGX_HTTP_ELAAOMS_STATUS_RECENT_LAST  "19"


/* the overview's rounds */
enum {
    NGX_HTTP_ELAAOMS_STATUS_GLOBAL = 0,
    NGX_HTTP_ELAAOMS_STATUS_RECENT_IDS,
    NGX_HTTP_ELAAOMS_STATUS_ORGS
};


typedef struct {
    ngx_str_t     name;
    ngx_array_t   recent;       /* of ngx_str_t: the newest conversations */
    ngx_str_t     doc;          /* its JSON object, from its script */
} ngx_http_elaaoms_status_org_t;


typedef struct {
    ngx_str_t     answer;
    ngx_flag_t    lookup;
    ngx_flag_t    failed;       /* a reply was not what it must be */
    ngx_uint_t    round;
    time_t        now;
    ngx_int_t     beat;         /* unix time, -1 none */
    ngx_array_t   workers;      /* of ngx_str_t */
    ngx_array_t   orgs;         /* of ngx_http_elaaoms_status_org_t */
    char          org[ELAAOMS_ORG_MAX + 1];
    char          caller[ELAAOMS_CALLER_MAX];
} ngx_http_elaaoms_status_ctx_t;


static ngx_int_t ngx_http_elaaoms_status_page(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_status_read(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx);
static void ngx_http_elaaoms_status_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_status_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_status_memories(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx, redisReply *reply);


/*
 * One org's figures as a JSON object.  KEYS: ready, delayed, failed,
 * invalid, usage, then ARGV[3] processing lists, then the conversation
 * hashes of ARGV[4..] (all "elaaoms:{<org>}:..."); ARGV: now, org, the
 * number of processing lists, the newest conversation ids, newest first.
 */
static char  ngx_http_elaaoms_status_lua[] =
    "local now, nw = tonumber(ARGV[1]), tonumber(ARGV[3])\n"
    "local processing = 0\n"
    "for i = 6, 5 + nw do\n"
    "  processing = processing + redis.call('LLEN', KEYS[i])\n"
    "end\n"
    NGX_HTTP_ELAAOMS_LUA_OLDEST_JOB
    "local u = redis.call('HMGET', KEYS[5], 'extractions',\n"
    "                     'input_tokens', 'output_tokens', 'cost')\n"
    "local recent = {}\n"
    "for i = 4, #ARGV do\n"
    "  local h = redis.call('HMGET', KEYS[2 + nw + i], 'status',\n"
    "                       'caller', 'agent_id', 'received_at',\n"
    "                       'completed_at', 'memories_stored', 'provider')\n"
    "  if h[1] then\n"
    "    recent[#recent + 1] = {conversation_id = ARGV[i], status = h[1],\n"
    "      caller = h[2] or '', agent_id = h[3] or '',\n"
    "      received_at = tonumber(h[4]) or 0,\n"
    "      completed_at = tonumber(h[5]) or 0,\n"
    "      memories_stored = tonumber(h[6]) or 0, provider = h[7] or ''}\n"
    "  end\n"
    "end\n"
    "return cjson.encode({org = ARGV[2],\n"
    "  ready = redis.call('LLEN', KEYS[1]),\n"
    "  processing = processing,\n"
    "  delayed = redis.call('ZCARD', KEYS[2]),\n"
    "  failed = redis.call('LLEN', KEYS[3]),\n"
    "  invalid = redis.call('LLEN', KEYS[4]),\n"
    "  oldest_job_age = oldest,\n"
    "  extractions = tonumber(u[1]) or 0,\n"
    "  input_tokens = tonumber(u[2]) or 0,\n"
    "  output_tokens = tonumber(u[3]) or 0,\n"
    "  cost_usd = tonumber(u[4]) or 0, recent = recent})\n";


ngx_int_t
ngx_http_elaaoms_status_handler(ngx_http_request_t *r)
{
    int                             n;
    u_char                         *dst, *src;
    ngx_int_t                       rc;
    ngx_str_t                       v, org;
    ngx_http_elaaoms_status_ctx_t  *ctx;
    u_char                          buf[ELAAOMS_CALLER_MAX * 3];

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_status_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_arg(r, (u_char *) "caller", 6, &v) == NGX_OK) {
        ctx->lookup = 1;

        /* the arguments arrive URL-encoded: "+1415..." as "%2B1415..." */
        if (v.len >= sizeof(buf)) {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                               "invalid_caller",
                                               "caller is too long");
        }

        dst = buf;
        src = v.data;
        ngx_unescape_uri(&dst, &src, v.len, NGX_UNESCAPE_URI);

        n = elaaoms_caller_normalize((const char *) buf, dst - buf,
                                     ctx->caller, sizeof(ctx->caller));
        if (n <= 0) {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                               "invalid_caller",
                                               "caller is not a phone number "
                                               "or a caller id");
        }

        if (ngx_http_arg(r, (u_char *) "org", 3, &org) != NGX_OK
            || org.len > ELAAOMS_ORG_MAX)
        {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                               "invalid_org",
                                               "org is missing or invalid");
        }

        ngx_memcpy(ctx->org, org.data, org.len);
        ctx->org[org.len] = '\0';

        if (!elaaoms_org_valid(ctx->org)) {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                               "invalid_org",
                                               "org is missing or invalid");
        }

        return ngx_http_elaaoms_status_read(r, ctx);
    }

    if (ngx_http_arg(r, (u_char *) "data", 4, &v) == NGX_OK) {
        return ngx_http_elaaoms_status_read(r, ctx);
    }

    return ngx_http_elaaoms_status_page(r);
}


static ngx_int_t
ngx_http_elaaoms_status_page(ngx_http_request_t *r)
{
    ngx_int_t         rc;
    ngx_buf_t        *b;
    ngx_chain_t       out;
    ngx_table_elt_t  *h;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = sizeof(ngx_http_elaaoms_status_html)
                                      - 1;
    ngx_str_set(&r->headers_out.content_type, "text/html; charset=utf-8");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    /* the page can load nothing from elsewhere, whatever a memory says */
    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Content-Security-Policy");
    ngx_str_set(&h->value, "default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'; "
                "img-src data:; frame-ancestors 'none'");

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    ngx_str_set(&h->value, "no-store");

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = (u_char *) ngx_http_elaaoms_status_html;
    b->last = b->pos + sizeof(ngx_http_elaaoms_status_html) - 1;
    b->memory = 1;
    b->last_buf = (r == r->main);
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* a copy of a string reply in the request's pool; NGX_ERROR if none */
static ngx_int_t
ngx_http_elaaoms_status_copy(ngx_http_request_t *r, ngx_str_t *dst,
    const redisReply *reply)
{
    if (reply->type != REDIS_REPLY_STRING) {
        return NGX_ERROR;
    }

    dst->data = ngx_pnalloc(r->pool, reply->len + 1);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, reply->str, reply->len);
    dst->data[reply->len] = '\0';
    dst->len = reply->len;

    return NGX_OK;
}


/* an array reply's strings appended to a (of ngx_str_t) */
static ngx_int_t
ngx_http_elaaoms_status_copy_all(ngx_http_request_t *r, ngx_array_t *a,
    const redisReply *reply)
{
    size_t      i;
    ngx_str_t  *s;

    if (reply->type != REDIS_REPLY_ARRAY) {
        return NGX_ERROR;
    }

    for (i = 0; i < reply->elements; i++) {
        s = ngx_array_push(a);
        if (s == NULL
            || ngx_http_elaaoms_status_copy(r, s, reply->element[i])
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* the org's script, its keys built in the request's pool; NGX_OK or
 * NGX_ERROR */
static ngx_int_t
ngx_http_elaaoms_status_org_add(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx, ngx_http_elaaoms_status_org_t *org,
    ngx_http_elaaoms_batch_t *b)
{
    int           n;
    char         *p;
    u_char       *num;
    ngx_uint_t    i, k, nkeys, nw;
    ngx_str_t    *w, *c;
    const char  **keys, **args, *name;
    static const char  *lists[] = {
        ELAAOMS_JOBS_READY, ELAAOMS_JOBS_DELAYED, ELAAOMS_JOBS_FAILED,
        ELAAOMS_JOBS_INVALID
    };

    name = (const char *) org->name.data;
    nw = ctx->workers.nelts;
    w = ctx->workers.elts;
    c = org->recent.elts;
    nkeys = 5 + nw + org->recent.nelts;

    keys = ngx_palloc(r->pool, nkeys * sizeof(char *));
    args = ngx_palloc(r->pool, (3 + org->recent.nelts) * sizeof(char *));
    p = ngx_pnalloc(r->pool, nkeys * ELAAOMS_KEY_MAX);
    num = ngx_pnalloc(r->pool, 2 * NGX_INT_T_LEN + 2);
    if (keys == NULL || args == NULL || p == NULL || num == NULL) {
        return NGX_ERROR;
    }

    for (k = 0; k < nkeys; k++, p += ELAAOMS_KEY_MAX) {
        i = k - 5 - nw;

        n = k < 4 ? elaaoms_key_jobs(p, ELAAOMS_KEY_MAX, name, lists[k],
                                     NULL)
            : k == 4 ? elaaoms_key_usage(p, ELAAOMS_KEY_MAX, name)
            : k < 5 + nw ? elaaoms_key_jobs(p, ELAAOMS_KEY_MAX, name,
                                            ELAAOMS_JOBS_PROCESSING,
                                            (const char *) w[k - 5].data)
            : elaaoms_key_conversation(p, ELAAOMS_KEY_MAX, name,
                                       (const char *) c[i].data);
        if (n < 0) {
            return NGX_ERROR;
        }

        keys[k] = p;
    }

    /* now, the org, the number of processing lists, the conversations */
    args[0] = (const char *) num;
    num = ngx_sprintf(num, "%T%Z", ctx->now);
    args[1] = name;
    args[2] = (const char *) num;
    (void) ngx_sprintf(num, "%ui%Z", nw);

    for (i = 0; i < org->recent.nelts; i++) {
        args[3 + i] = (const char *) c[i].data;
    }

    return ngx_http_elaaoms_batch_eval(b, r->pool, ngx_http_elaaoms_status_lua,
                                       nkeys, keys, 3 + org->recent.nelts,
                                       args);
}


/* org i's command of the round: its newest conversations, or its script */
static ngx_int_t
ngx_http_elaaoms_status_org(ngx_http_request_t *r, void *data, ngx_uint_t i,
    ngx_http_elaaoms_batch_t *b)
{
    ngx_http_elaaoms_status_ctx_t *ctx = data;

    char                            key[ELAAOMS_KEY_MAX];
    ngx_http_elaaoms_args_t         a;
    ngx_http_elaaoms_status_org_t  *org;

    org = ctx->orgs.elts;

    if (ctx->round == NGX_HTTP_ELAAOMS_STATUS_ORGS) {
        return ngx_http_elaaoms_status_org_add(r, ctx, &org[i], b);
    }

    if (elaaoms_key_recent(key, sizeof(key), (const char *) org[i].name.data)
        < 0)
    {
        return NGX_ERROR;
    }

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "ZREVRANGE");
    ngx_http_elaaoms_arg_str(&a, key);
    ngx_http_elaaoms_arg_str(&a, "0");
    ngx_http_elaaoms_arg_str(&a, NGX_HTTP_ELAAOMS_STATUS_RECENT_LAST);

    return ngx_http_elaaoms_batch_add_args(b, &a);
}


static ngx_int_t
ngx_http_elaaoms_status_read(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx)
{
    char                       key[ELAAOMS_KEY_MAX];
    ngx_int_t                  rc;
    ngx_uint_t                 i, queued;
    ngx_http_elaaoms_args_t    a;
    ngx_http_elaaoms_batch_t  *b;
    static const char         *global[3][2] = {
        { "HKEYS", ELAAOMS_KEY_WORKERS },
        { "SMEMBERS", ELAAOMS_KEY_ORGS },
        { "GET", ELAAOMS_KEY_WORKER_HEARTBEAT }
    };

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_status_reply,
                                      ngx_http_elaaoms_status_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a.argc = 0;
    rc = NGX_OK;
    queued = 0;

    if (ctx->lookup) {
        if (elaaoms_key_caller(key, sizeof(key), ctx->org, ctx->caller,
                               ELAAOMS_MEMORY_KEY_INDEX) < 0)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_elaaoms_arg_str(&a, "HGETALL");
        ngx_http_elaaoms_arg_str(&a, key);
        rc = ngx_http_elaaoms_batch_add_args(b, &a);

    } else {
        /* the global keys, one command each */
        ctx->now = ngx_time();
        ctx->beat = -1;

        if (ngx_array_init(&ctx->workers, r->pool, 4, sizeof(ngx_str_t))
                != NGX_OK
            || ngx_array_init(&ctx->orgs, r->pool, 4,
                              sizeof(ngx_http_elaaoms_status_org_t))
               != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        for (i = 0; i < 3 && rc == NGX_OK; i++) {
            a.argc = 0;
            ngx_http_elaaoms_arg_str(&a, global[i][0]);
            ngx_http_elaaoms_arg_str(&a, global[i][1]);
            rc = ngx_http_elaaoms_batch_add_args(b, &a);
            queued += (rc == NGX_OK);
        }

        if (rc != NGX_OK && queued > 0) {
            ngx_http_elaaoms_batch_abandon(b);
        }
    }

    /* hiredis copies the command: key may go */
    if (rc != NGX_OK || ngx_http_elaaoms_batch_run(b) != NGX_OK) {
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "redis_unavailable",
                                           "Redis is unavailable");
    }

    r->main->count++;

    return NGX_DONE;
}


/* the global round's replies: workers, orgs (in name order), heartbeat */
static void
ngx_http_elaaoms_status_global(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx, ngx_uint_t index, redisReply *reply)
{
    size_t                          i;
    ngx_str_t                      *name;
    ngx_array_t                    *names;
    ngx_http_elaaoms_status_org_t  *org;

    if (index == 0) {
        ctx->failed |= (ngx_http_elaaoms_status_copy_all(r, &ctx->workers,
                                                         reply) != NGX_OK);
        return;
    }

    if (index == 2) {
        if (reply->type == REDIS_REPLY_STRING) {
            ctx->beat = ngx_atoi((u_char *) reply->str, reply->len);
        }
        return;
    }

    names = ngx_http_elaaoms_reply_orgs(r->pool, reply);
    if (names == NULL) {
        ctx->failed = 1;
        return;
    }

    name = names->elts;

    for (i = 0; i < names->nelts; i++) {
        org = ngx_array_push(&ctx->orgs);
        if (org == NULL
            || ngx_array_init(&org->recent, r->pool, 8, sizeof(ngx_str_t))
               != NGX_OK)
        {
            ctx->failed = 1;
            return;
        }

        org->name = name[i];
        ngx_str_null(&org->doc);
    }
}


static void
ngx_http_elaaoms_status_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_status_ctx_t *ctx = data;

    ngx_http_elaaoms_status_org_t  *org;

    if (ctx->lookup) {
        /* the views point into the reply, freed after this call */
        if (ngx_http_elaaoms_status_memories(r, ctx, reply) != NGX_OK) {
            ctx->answer.data = NULL;
        }
        return;
    }

    if (ctx->round == NGX_HTTP_ELAAOMS_STATUS_GLOBAL) {
        ngx_http_elaaoms_status_global(r, ctx, index, reply);
        return;
    }

    org = ctx->orgs.elts;

    if (index >= ctx->orgs.nelts) {
        ctx->failed = 1;
        return;
    }

    if (ctx->round == NGX_HTTP_ELAAOMS_STATUS_RECENT_IDS) {
        ctx->failed |= (ngx_http_elaaoms_status_copy_all(r,
                            &org[index].recent, reply) != NGX_OK);
        return;
    }

    if (ngx_http_elaaoms_status_copy(r, &org[index].doc, reply) != NGX_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: status: unexpected reply to the overview "
                      "script: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "not a string");
        ctx->failed = 1;
    }
}


/* {"generated_at":..,"orgs":[..],"heartbeat_age":..,"latency":{..}} */
static ngx_int_t
ngx_http_elaaoms_status_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx)
{
    u_char                         *p;
    size_t                          len;
    ngx_uint_t                      i;
    ngx_http_elaaoms_status_org_t  *org;

    org = ctx->orgs.elts;
    len = sizeof("{\"generated_at\":,\"orgs\":[],\"heartbeat_age\":}")
          + 2 * NGX_TIME_T_LEN + 512;

    for (i = 0; i < ctx->orgs.nelts; i++) {
        len += org[i].doc.len + 1;
    }

    ctx->answer.data = ngx_pnalloc(r->pool, len);
    if (ctx->answer.data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(ctx->answer.data, "{\"generated_at\":%T,\"orgs\":[",
                    ctx->now);

    for (i = 0; i < ctx->orgs.nelts; i++) {
        if (i > 0) {
            *p++ = ',';
        }
        p = ngx_cpymem(p, org[i].doc.data, org[i].doc.len);
    }

    p = ngx_sprintf(p, "],\"heartbeat_age\":%T",
                    ctx->beat >= 0 ? ctx->now - (time_t) ctx->beat
                                   : (time_t) -1);

    /* the webhooks' latency from the metrics zone */
    p = ngx_http_elaaoms_metrics_latency_json(p, ctx->answer.data + len - 1);
    *p++ = '}';
    ctx->answer.len = p - ctx->answer.data;

    return NGX_OK;
}


static void
ngx_http_elaaoms_status_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_status_ctx_t *ctx = data;

    if (rc == NGX_OK && !ctx->lookup && !ctx->failed) {

        /* the next round, while there are orgs to ask about */
        if (ctx->round < NGX_HTTP_ELAAOMS_STATUS_ORGS
            && ctx->orgs.nelts > 0)
        {
            ctx->round++;
            if (ngx_http_elaaoms_batch_per_org(r,
                    ngx_http_elaaoms_status_reply,
                    ngx_http_elaaoms_status_done, ctx, ctx->orgs.nelts,
                    ngx_http_elaaoms_status_org)
                == NGX_OK)
            {
                return;
            }
            ctx->failed = 1;

        } else if (ngx_http_elaaoms_status_answer(r, ctx) != NGX_OK) {
            ctx->failed = 1;
        }
    }

    if (rc != NGX_OK || ctx->failed || ctx->answer.data == NULL) {
        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_send_error(r,
                                NGX_HTTP_SERVICE_UNAVAILABLE,
                                "redis_unavailable",
                                "the figures could not be read from Redis"));
        return;
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_send_json(r, NGX_HTTP_OK,
                                                          ctx->answer.data,
                                                          ctx->answer.len));
}


/* newest first */
static int
ngx_http_elaaoms_status_cmp(const void *a, const void *b)
{
    const elaaoms_memory_record_t  *x = a, *y = b;

    if (x->created != y->created) {
        return x->created > y->created ? -1 : 1;
    }

    return ngx_strcmp(x->id.data, y->id.data);
}


#define NGX_HTTP_ELAAOMS_GEN_STR(g, s, n)                                     \
    yajl_gen_string((g), (const unsigned char *) (s), (n))

static ngx_int_t
ngx_http_elaaoms_status_memories(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx, redisReply *reply)
{
    size_t                    i, n, len;
    ngx_int_t                 rc;
    const char               *type;
    yajl_gen                  g;
    redisReply               *v;
    const unsigned char      *buf;
    elaaoms_memory_record_t  *recs, *rec;

    if (reply->type != REDIS_REPLY_ARRAY) {
        return NGX_ERROR;
    }

    recs = ngx_alloc((reply->elements / 2 + 1)
                     * sizeof(elaaoms_memory_record_t), r->connection->log);
    if (recs == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (i = 1; i < reply->elements; i += 2) {
        v = reply->element[i];
        rec = &recs[n];

        if (v->type == REDIS_REPLY_STRING
            && elaaoms_memory_record_decode_view(v->str, v->len, rec, NULL)
               == 0
            && ngx_strcmp(rec->org.data, ctx->org) == 0
            && ngx_strcmp(rec->caller.data, ctx->caller) == 0)
        {
            n++;
        }
    }

    ngx_qsort(recs, n, sizeof(elaaoms_memory_record_t),
              ngx_http_elaaoms_status_cmp);

    rc = NGX_ERROR;

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        goto done;
    }

    yajl_gen_map_open(g);
    NGX_HTTP_ELAAOMS_GEN_STR(g, "org", 3);
    NGX_HTTP_ELAAOMS_GEN_STR(g, ctx->org, ngx_strlen(ctx->org));
    NGX_HTTP_ELAAOMS_GEN_STR(g, "caller", 6);
    NGX_HTTP_ELAAOMS_GEN_STR(g, ctx->caller, ngx_strlen(ctx->caller));
    NGX_HTTP_ELAAOMS_GEN_STR(g, "count", 5);
    yajl_gen_integer(g, (long long) n);
    NGX_HTTP_ELAAOMS_GEN_STR(g, "memories", 8);
    yajl_gen_array_open(g);

    for (i = 0; i < n && i < NGX_HTTP_ELAAOMS_STATUS_MEMORIES; i++) {
        rec = &recs[i];
        type = elaaoms_mem_type_name(rec->type);

        yajl_gen_map_open(g);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "id", 2);
        NGX_HTTP_ELAAOMS_GEN_STR(g, rec->id.data, rec->id.len);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "type", 4);
        NGX_HTTP_ELAAOMS_GEN_STR(g, type ? type : "factual",
                                 ngx_strlen(type ? type : "factual"));
        NGX_HTTP_ELAAOMS_GEN_STR(g, "content", 7);
        NGX_HTTP_ELAAOMS_GEN_STR(g, rec->content.data,
                                 elaaoms_utf8_prefix(rec->content.data,
                                                     rec->content.len));
        NGX_HTTP_ELAAOMS_GEN_STR(g, "importance", 10);
        yajl_gen_integer(g, rec->importance);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "created", 7);
        yajl_gen_integer(g, (long long) rec->created);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "agent_id", 8);
        NGX_HTTP_ELAAOMS_GEN_STR(g, rec->agent_id.data, rec->agent_id.len);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "reinforced", 10);
        yajl_gen_integer(g, (long long) rec->reinforcement_count);
        NGX_HTTP_ELAAOMS_GEN_STR(g, "superseded", 10);
        yajl_gen_bool(g, (rec->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0);
        yajl_gen_map_close(g);
    }

    yajl_gen_array_close(g);
    yajl_gen_map_close(g);

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        goto done;
    }

    ctx->answer.data = ngx_pnalloc(r->pool, len);
    if (ctx->answer.data == NULL) {
        goto done;
    }

    ngx_memcpy(ctx->answer.data, buf, len);
    ctx->answer.len = len;
    rc = NGX_OK;

done:

    if (g != NULL) {
        yajl_gen_free(g);
    }

    ngx_free(recs);

    return rc;
}
