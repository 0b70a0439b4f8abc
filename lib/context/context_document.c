/*
 * Pre-call context: the document stored for client-data and its keys
 * (see context_build.h and context_store.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "context/context_build.h"
#include "context/context_internal.h"
#include "intake/ids.h"
#include "store/redis_keys.h"
#include "util/yajl_util.h"


/* --- the stored document ------------------------------------------------- */

static const char  prompt_addition_head[] =
    "What you remember about this caller from earlier calls (JSON, most "
    "important first). Use it naturally and briefly, never read it out, and "
    "confirm details before acting on them. Items under \"shared\" were "
    "noted by other agents of the company.\n";


/* bytes generated so far */
static size_t
elaaoms_ctx_gen_len(yajl_gen g)
{
    size_t                n;
    const unsigned char  *buf;

    return yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok ? n : 0;
}


/*
 * Starts a span at the value about to follow a key: yajl writes the ':'
 * with the value, so the value's first byte is one past what is there now.
 */
static void
elaaoms_ctx_span_open(yajl_gen g, elaaoms_context_span_t *s)
{
    s->off = elaaoms_ctx_gen_len(g) + 1;
}


static void
elaaoms_ctx_span_close(yajl_gen g, elaaoms_context_span_t *s)
{
    size_t  end;

    end = elaaoms_ctx_gen_len(g);
    s->len = end > s->off ? end - s->off : 0;
}


int
elaaoms_context_document(const elaaoms_context_t *ctx,
    const char *first_message, int64_t built_us, char **out, size_t *len)
{
    int                     rc;
    char                   *pa, *doc;
    char                    at[ELAAOMS_CONTEXT_AT_LEN];
    size_t                  n, palen, at_off;
    yajl_gen                g;
    elaaoms_context_span_t  spans[ELAAOMS_CONTEXT_SPANS];

    *out = NULL;

    if (ctx->json == NULL) {
        return -1;
    }

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        return -1;
    }

    palen = sizeof(prompt_addition_head) - 1 + ctx->len;
    pa = malloc(palen + 1);
    if (pa == NULL) {
        yajl_gen_free(g);
        return -1;
    }
    memcpy(pa, prompt_addition_head, sizeof(prompt_addition_head) - 1);
    memcpy(pa + sizeof(prompt_addition_head) - 1, ctx->json, ctx->len);
    pa[palen] = '\0';

    rc = 0;
    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "version", 4) != yajl_gen_status_ok;

    /* a placeholder of the final length, filled in once the spans are known */
    memset(at, '0', sizeof(at));
    rc |= elaaoms_ctx_gen_key(g, "at");
    rc |= yajl_gen_string(g, (const unsigned char *) at, sizeof(at))
          != yajl_gen_status_ok;
    at_off = elaaoms_ctx_gen_len(g) - 1 - sizeof(at);
    rc |= elaaoms_yajl_gen_kv_str(g, "agent_id",
                                  ctx->agent_id ? ctx->agent_id
                                                : ELAAOMS_CONTEXT_ANY)
          != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "built_us", built_us)
          != yajl_gen_status_ok;

    rc |= elaaoms_ctx_gen_key(g, "dynamic_variables");
    elaaoms_ctx_span_open(g, &spans[ELAAOMS_CONTEXT_SPAN_VARIABLES]);
    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "caller_known");
    rc |= yajl_gen_bool(g, ctx->known) != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "caller_call_count", ctx->call_count)
          != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "caller_context");
    rc |= elaaoms_ctx_gen_text(g, ctx->context_text, strlen(ctx->context_text),
                               ELAAOMS_CONTEXT_TEXT_MAX);
    rc |= elaaoms_yajl_gen_kv_str(g, "caller_last_interaction",
                                  ctx->last_interaction)
          != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "caller_open_issue");
    rc |= elaaoms_ctx_gen_text(g, ctx->open_issue ? ctx->open_issue : "",
                               ctx->open_issue ? strlen(ctx->open_issue) : 0,
                               ELAAOMS_CONTEXT_CONTENT_MAX);
    if (ctx->name[0]) {
        rc |= elaaoms_ctx_gen_key(g, "caller_name");
        rc |= elaaoms_ctx_gen_text(g, ctx->name, strlen(ctx->name),
                                   ELAAOMS_CONTEXT_NAME_MAX);
    }
    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
    elaaoms_ctx_span_close(g, &spans[ELAAOMS_CONTEXT_SPAN_VARIABLES]);

    rc |= elaaoms_ctx_gen_key(g, "first_message");
    elaaoms_ctx_span_open(g, &spans[ELAAOMS_CONTEXT_SPAN_FIRST_MESSAGE]);
    rc |= elaaoms_ctx_gen_text(g, first_message ? first_message : "",
                               first_message ? strlen(first_message) : 0,
                               ELAAOMS_FIRST_MESSAGE_MAX);
    elaaoms_ctx_span_close(g, &spans[ELAAOMS_CONTEXT_SPAN_FIRST_MESSAGE]);

    /* the served set's id, not its ids: the audit entry names the set */
    rc |= elaaoms_ctx_gen_key(g, "shared_set");
    elaaoms_ctx_span_open(g, &spans[ELAAOMS_CONTEXT_SPAN_SHARED_SET]);
    rc |= elaaoms_ctx_gen_key(g, ctx->shared_set);
    elaaoms_ctx_span_close(g, &spans[ELAAOMS_CONTEXT_SPAN_SHARED_SET]);

    /*
     * last, and "version" 2 says so: nginx takes this long text as the
     * rest of the document instead of scanning it (lib/util/json_scan.h)
     */
    rc |= elaaoms_ctx_gen_key(g, "prompt_addition");
    rc |= yajl_gen_string(g, (const unsigned char *) pa, palen)
          != yajl_gen_status_ok;

    free(pa);

    /*
     * the context itself travels inside prompt_addition only: nginx parses
     * this document on every client-data request, twice the size for
     * nothing otherwise
     */
    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;

    if (rc != 0) {
        yajl_gen_free(g);
        return -1;
    }

    doc = elaaoms_yajl_gen_dup(g, &n);
    yajl_gen_free(g);

    if (doc == NULL) {
        return -1;
    }

    elaaoms_context_spans_write(doc + at_off, spans);

    *out = doc;
    if (len) {
        *len = n;
    }

    return 0;
}


/* --- keys ---------------------------------------------------------------- */

int
elaaoms_context_key(char *buf, size_t size, const char *org,
    const char *caller, const char *agent_id)
{
    size_t  n;
    char    suffix[sizeof(ELAAOMS_CONTEXT_KEY_PREFIX)
                   + ELAAOMS_CONVERSATION_ID_MAX + 1];

    n = strlen(agent_id);
    if (sizeof(ELAAOMS_CONTEXT_KEY_PREFIX) + n > sizeof(suffix)) {
        return -1;
    }

    memcpy(suffix, ELAAOMS_CONTEXT_KEY_PREFIX,
           sizeof(ELAAOMS_CONTEXT_KEY_PREFIX) - 1);
    memcpy(suffix + sizeof(ELAAOMS_CONTEXT_KEY_PREFIX) - 1, agent_id, n + 1);

    return elaaoms_key_caller(buf, size, org, caller, suffix);
}


int
elaaoms_context_head_key(char *buf, size_t size, const char *org,
    const char *caller, const char *agent_id)
{
    int  n;

    n = elaaoms_context_key(buf, size, org, caller, agent_id);
    if (n < 0 || (size_t) n + sizeof(ELAAOMS_CONTEXT_HEAD_SUFFIX) > size) {
        return -1;
    }

    memcpy(buf + n, ELAAOMS_CONTEXT_HEAD_SUFFIX,
           sizeof(ELAAOMS_CONTEXT_HEAD_SUFFIX));

    return n + (int) sizeof(ELAAOMS_CONTEXT_HEAD_SUFFIX) - 1;
}


int
elaaoms_context_profile_key(char *buf, size_t size, const char *org,
    const char *agent_id)
{
    return elaaoms_key_profile(buf, size, org, agent_id);
}
