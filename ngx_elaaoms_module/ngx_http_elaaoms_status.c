/*
 * elaaoms_status: the operators' page.  One location answers three GETs:
 *
 *   <location>                      the page: one self-contained HTML
 *                                   document (inline style and script, no
 *                                   external asset; a CSP forbids any)
 *   <location>?data=1               its figures as JSON, from one EVAL:
 *                                   per organization the job lists, the
 *                                   oldest ready job's age, token and cost
 *                                   totals, the newest conversations with
 *                                   their extraction status
 *   <location>?org=O&caller=C       one caller's memories, read-only
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
/* newest conversations per organization */
#define NGX_HTTP_ELAAOMS_STATUS_RECENT    "20"


typedef struct {
    ngx_str_t     doc;          /* the overview's JSON, from Redis */
    redisReply   *memories;     /* not kept: the answer is built in reply */
    ngx_str_t     answer;
    ngx_flag_t    lookup;
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
 * ARGV: now, how many recent conversations.  The overview as one JSON
 * document; keys are built here from the org registry, as the health
 * script does (one Redis: the cluster layout of issue 16 revisits it).
 */
static char  ngx_http_elaaoms_status_lua[] =
    "local now, nrecent = tonumber(ARGV[1]), tonumber(ARGV[2])\n"
    "local workers = redis.call('HKEYS', 'elaaoms:workers')\n"
    "local orgs = redis.call('SMEMBERS', 'elaaoms:orgs')\n"
    "table.sort(orgs)\n"
    "local out = {}\n"
    "for _, org in ipairs(orgs) do\n"
    "  local p = 'elaaoms:{' .. org .. '}:'\n"
    "  local processing = 0\n"
    "  for _, w in ipairs(workers) do\n"
    "    processing = processing\n"
    "                 + redis.call('LLEN', p .. 'jobs:processing:' .. w)\n"
    "  end\n"
    "  local oldest = -1\n"
    "  local j = redis.call('LINDEX', p .. 'jobs:ready', -1)\n"
    "  if j then\n"
    "    local ok, d = pcall(cjson.decode, j)\n"
    "    if ok and type(d) == 'table' and tonumber(d.enqueued_at) then\n"
    "      oldest = now - tonumber(d.enqueued_at)\n"
    "    end\n"
    "  end\n"
    "  local u = redis.call('HMGET', p .. 'usage', 'extractions',\n"
    "                       'input_tokens', 'output_tokens', 'cost')\n"
    "  local recent = {}\n"
    "  for _, c in ipairs(redis.call('ZREVRANGE', p .. 'recent', 0,\n"
    "                                nrecent - 1)) do\n"
    "    local h = redis.call('HMGET', p .. 'conversation:' .. c, 'status',\n"
    "                         'caller', 'agent_id', 'received_at',\n"
    "                         'completed_at', 'memories_stored', 'provider')\n"
    "    if h[1] then\n"
    "      recent[#recent + 1] = {conversation_id = c, status = h[1],\n"
    "        caller = h[2] or '', agent_id = h[3] or '',\n"
    "        received_at = tonumber(h[4]) or 0,\n"
    "        completed_at = tonumber(h[5]) or 0,\n"
    "        memories_stored = tonumber(h[6]) or 0, provider = h[7] or ''}\n"
    "    end\n"
    "  end\n"
    "  out[#out + 1] = {org = org,\n"
    "    ready = redis.call('LLEN', p .. 'jobs:ready'),\n"
    "    processing = processing,\n"
    "    delayed = redis.call('ZCARD', p .. 'jobs:delayed'),\n"
    "    failed = redis.call('LLEN', p .. 'jobs:failed'),\n"
    "    invalid = redis.call('LLEN', p .. 'jobs:invalid'),\n"
    "    oldest_job_age = oldest,\n"
    "    extractions = tonumber(u[1]) or 0,\n"
    "    input_tokens = tonumber(u[2]) or 0,\n"
    "    output_tokens = tonumber(u[3]) or 0,\n"
    "    cost_usd = tonumber(u[4]) or 0, recent = recent}\n"
    "end\n"
    "local beat = tonumber(redis.call('GET', 'elaaoms:worker:heartbeat'))\n"
    "return cjson.encode({generated_at = now, orgs = out,\n"
    "  heartbeat_age = beat and (now - beat) or -1})\n";


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


static ngx_int_t
ngx_http_elaaoms_status_read(ngx_http_request_t *r,
    ngx_http_elaaoms_status_ctx_t *ctx)
{
    u_char                     now[NGX_TIME_T_LEN];
    char                       key[ELAAOMS_KEY_MAX];
    ngx_http_elaaoms_args_t    a;
    ngx_http_elaaoms_batch_t  *b;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_status_reply,
                                      ngx_http_elaaoms_status_done, ctx);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a.argc = 0;

    if (ctx->lookup) {
        if (elaaoms_key_caller(key, sizeof(key), ctx->org, ctx->caller,
                               ELAAOMS_MEMORY_KEY_INDEX) < 0)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_elaaoms_arg_str(&a, "HGETALL");
        ngx_http_elaaoms_arg_str(&a, key);

    } else {
        ngx_http_elaaoms_arg_str(&a, "EVAL");
        ngx_http_elaaoms_arg_str(&a, ngx_http_elaaoms_status_lua);
        ngx_http_elaaoms_arg_str(&a, "0");
        ngx_http_elaaoms_arg(&a, now, ngx_sprintf(now, "%T", ngx_time()) - now);
        ngx_http_elaaoms_arg_str(&a, NGX_HTTP_ELAAOMS_STATUS_RECENT);
    }

    /* hiredis copies the command: key may go */
    if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                           "redis_unavailable",
                                           "Redis is unavailable");
    }

    r->main->count++;

    return NGX_DONE;
}


static void
ngx_http_elaaoms_status_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_status_ctx_t *ctx = data;

    u_char  *p;

    if (ctx->lookup) {
        /* the views point into the reply, freed after this call */
        if (ngx_http_elaaoms_status_memories(r, ctx, reply) != NGX_OK) {
            ctx->answer.data = NULL;
        }
        return;
    }

    if (reply->type != REDIS_REPLY_STRING) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: status: unexpected reply to the overview "
                      "script: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "not a string");
        return;
    }

    /* the script's object, and the webhooks' latency from the metrics
     * zone before its closing brace */
    ctx->answer.data = ngx_pnalloc(r->pool, reply->len + 512);
    if (ctx->answer.data == NULL) {
        return;
    }

    ngx_memcpy(ctx->answer.data, reply->str, reply->len);
    ctx->answer.len = reply->len;

    if (reply->len > 1 && reply->str[reply->len - 1] == '}') {
        p = ngx_http_elaaoms_metrics_latency_json(
                ctx->answer.data + reply->len - 1,
                ctx->answer.data + reply->len + 510);
        *p++ = '}';
        ctx->answer.len = p - ctx->answer.data;
    }
}


static void
ngx_http_elaaoms_status_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_elaaoms_status_ctx_t *ctx = data;

    if (rc != NGX_OK || ctx->answer.data == NULL) {
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
