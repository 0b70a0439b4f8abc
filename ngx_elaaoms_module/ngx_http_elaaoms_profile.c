/*
 * Agent profiles parsed once per worker process (ngx_http_elaaoms_profile.h).
 *
 * An agent's profile changes once a day at most (the worker refreshes
 * Redis' copy every 24 h), while client-data reads it on every call:
 * parsing ElevenLabs' JSON and escaping its first message and prompt was
 * a tenth of a request.  A small direct-mapped table, by agent id, keeps
 * the parsed profile with the exact bytes it came from; a request whose
 * bytes differ (a refreshed profile, another agent in the slot) parses
 * again and replaces the entry.  Each entry owns a pool holding its
 * copy of the text, the tree and the escaped strings.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_profile.h"
#include "util/json_arena.h"
#include "util/json_scan.h"


/* agents answered by one nginx worker, at most, before slots are shared */
#define NGX_HTTP_ELAAOMS_PROFILE_SLOTS  64


typedef struct {
    ngx_pool_t                  *pool;      /* NULL: an empty slot */
    ngx_str_t                    agent;
    ngx_str_t                    text;
    ngx_flag_t                   usable;
    ngx_http_elaaoms_profile_t   profile;
} ngx_http_elaaoms_profile_slot_t;


static ngx_http_elaaoms_profile_slot_t
    ngx_http_elaaoms_profiles[NGX_HTTP_ELAAOMS_PROFILE_SLOTS];


static const char  *ngx_http_elaaoms_first_message_path[] = {
    "conversation_config", "agent", "first_message", NULL
};

static const char  *ngx_http_elaaoms_prompt_path[] = {
    "conversation_config", "agent", "prompt", "prompt", NULL
};

static const char  *ngx_http_elaaoms_placeholders_path[] = {
    "conversation_config", "agent", "dynamic_variables",
    "dynamic_variable_placeholders", NULL
};

static const char  *ngx_http_elaaoms_allow_first_message_path[] = {
    "platform_settings", "overrides", "conversation_config_override",
    "agent", "first_message", NULL
};

static const char  *ngx_http_elaaoms_allow_prompt_path[] = {
    "platform_settings", "overrides", "conversation_config_override",
    "agent", "prompt", "prompt", NULL
};


/* the path's string, escaped into pool; NGX_ERROR when out of memory */
static ngx_int_t
ngx_http_elaaoms_profile_str(ngx_pool_t *pool, yajl_val p, const char **path,
    ngx_str_t *out)
{
    size_t    len;
    yajl_val  s;

    ngx_str_null(out);

    s = yajl_tree_get(p, path, yajl_t_string);
    if (s == NULL) {
        return NGX_OK;
    }

    len = ngx_strlen(s->u.string);
    out->len = elaaoms_json_escaped_len(s->u.string, len);

    out->data = ngx_pnalloc(pool, out->len ? out->len : 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    (void) elaaoms_json_escape((char *) out->data, s->u.string, len);

    return NGX_OK;
}


static ngx_flag_t
ngx_http_elaaoms_profile_true(yajl_val p, const char **path)
{
    yajl_val  v;

    v = yajl_tree_get(p, path, yajl_t_any);

    return v != NULL && YAJL_IS_TRUE(v);
}


/* parses slot->text into slot->profile; NGX_DECLINED when unusable */
static ngx_int_t
ngx_http_elaaoms_profile_parse(ngx_http_request_t *r,
    ngx_http_elaaoms_profile_slot_t *slot)
{
    char                         err[128];
    yajl_val                     p;
    ngx_http_elaaoms_profile_t  *pf;

    p = elaaoms_json_parse_arena((const char *) slot->text.data,
                                 slot->text.len, ELAAOMS_JSON_DEFAULT_DEPTH,
                                 ngx_http_elaaoms_json_palloc, slot->pool,
                                 NULL, err, sizeof(err));

    if (p == NULL || !YAJL_IS_OBJECT(p)) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: client-data: unusable agent profile in "
                      "redis: %s", p ? "not an object" : err);
        return NGX_DECLINED;
    }

    pf = &slot->profile;

    if (ngx_http_elaaoms_profile_str(slot->pool, p,
                                     ngx_http_elaaoms_first_message_path,
                                     &pf->first_message) != NGX_OK
        || ngx_http_elaaoms_profile_str(slot->pool, p,
                                        ngx_http_elaaoms_prompt_path,
                                        &pf->prompt) != NGX_OK)
    {
        return NGX_ERROR;
    }

    pf->placeholders = yajl_tree_get(p, ngx_http_elaaoms_placeholders_path,
                                     yajl_t_object);
    pf->allow_first_message = ngx_http_elaaoms_profile_true(p,
                                   ngx_http_elaaoms_allow_first_message_path);
    pf->allow_prompt = ngx_http_elaaoms_profile_true(p,
                                          ngx_http_elaaoms_allow_prompt_path);

    return NGX_OK;
}


const ngx_http_elaaoms_profile_t *
ngx_http_elaaoms_profile_get(ngx_http_request_t *r, const ngx_str_t *agent,
    const ngx_str_t *text)
{
    ngx_int_t                         rc;
    ngx_uint_t                        i;
    ngx_http_elaaoms_profile_slot_t  *slot;

    if (text->len == 0) {
        return NULL;
    }

    i = ngx_hash_key(agent->data, agent->len) % NGX_HTTP_ELAAOMS_PROFILE_SLOTS;
    slot = &ngx_http_elaaoms_profiles[i];

    if (slot->pool != NULL
        && slot->text.len == text->len
        && slot->agent.len == agent->len
        && ngx_memcmp(slot->agent.data, agent->data, agent->len) == 0
        && ngx_memcmp(slot->text.data, text->data, text->len) == 0)
    {
        return slot->usable ? &slot->profile : NULL;
    }

    /* another agent, or the profile changed: the slot starts over */
    if (slot->pool != NULL) {
        ngx_destroy_pool(slot->pool);
    }

    ngx_memzero(slot, sizeof(ngx_http_elaaoms_profile_slot_t));

    slot->pool = ngx_create_pool(ngx_max(text->len * 4, (size_t) 4096),
                                 ngx_cycle->log);
    if (slot->pool == NULL) {
        return NULL;
    }

    slot->agent.data = ngx_pstrdup(slot->pool, (ngx_str_t *) agent);
    slot->text.data = ngx_pnalloc(slot->pool, text->len);
    if (slot->agent.data == NULL || slot->text.data == NULL) {
        goto failed;
    }

    slot->agent.len = agent->len;
    slot->text.len = text->len;
    ngx_memcpy(slot->text.data, text->data, text->len);

    rc = ngx_http_elaaoms_profile_parse(r, slot);
    if (rc == NGX_ERROR) {
        goto failed;
    }

    slot->usable = (rc == NGX_OK);

    return slot->usable ? &slot->profile : NULL;

failed:

    /* out of memory: nothing kept, the next request tries again */
    ngx_destroy_pool(slot->pool);
    slot->pool = NULL;

    return NULL;
}
