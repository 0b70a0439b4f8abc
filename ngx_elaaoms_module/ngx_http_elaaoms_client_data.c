/*
 * POST /webhook/client-data: ElevenLabs' conversation-initiation hook.
 *
 * Validates the request, then one pipelined Redis round trip reads what
 * the worker precomputed (lib/context/context_store.h, keys from context_build.h):
 *
 *   GET C context:<agent_id>                     the caller's context for
 *   GET C context:_any                           the agent, else the one
 *   GET elaaoms:<org>:agent:<agent_id>:profile   for agents not seen yet;
 *                                                the cached agent profile
 *
 * and answers: type, dynamic_variables (the stored scalars, caller_key,
 * first_message, then the agent's own placeholders for any variable it
 * defines that is still missing) and conversation_config_override.agent
 * .first_message / .prompt.prompt only where the cached profile allows
 * those overrides (elaaoms_first_message_override forces the first one).
 *
 * An unknown caller gets the profile's own first message or the configured
 * default; a missing, withheld or garbled caller, or a Redis that is down or
 * slower than elaaoms_redis_timeout, gets the generic answer: a call is
 * never failed for want of memory.  Serving other agents' memories appends
 * an audit entry to elaaoms:<org>:audit, without waiting for it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "intake/caller_id.h"
#include "context/context_build.h"
#include "intake/ids.h"
#include "util/json_parse.h"
#include "store/redis_keys.h"
#include "search/search_request.h"



/* placeholders copied from a profile, at most */
#define NGX_HTTP_ELAAOMS_MAX_VARS  128


typedef struct {
    char                  caller[ELAAOMS_CALLER_MAX];
    char                  agent[ELAAOMS_CONVERSATION_ID_MAX + 1];
    ngx_str_t             doc_agent;     /* the replies, copied */
    ngx_str_t             doc_any;
    ngx_str_t             profile;
    ngx_uint_t            nreplies;
    ngx_uint_t            ngets;         /* replies to read; SETs follow */
    const char           *call_ids[3];   /* call_sid, call_id, ... */
    ngx_uint_t            ncall_ids;
    unsigned              redis_ok:1;
} ngx_http_elaaoms_client_data_t;


/* what the answer is made of; the strings point into parsed trees */
typedef struct {
    yajl_val              doc;           /* the context document, or NULL */
    yajl_val              profile;       /* the agent profile, or NULL */
    yajl_val              vars;          /* doc.dynamic_variables */
    yajl_val              placeholders;  /* the profile's */
    yajl_val              shared_ids;
    ngx_str_t             first_message;
    ngx_str_t             profile_first_message;
    ngx_str_t             profile_prompt;
    ngx_str_t             prompt_addition;
    ngx_str_t             emitted[NGX_HTTP_ELAAOMS_MAX_VARS];
    ngx_uint_t            nemitted;
    unsigned              allow_first_message:1;
    unsigned              allow_prompt:1;
} ngx_http_elaaoms_answer_t;


static void ngx_http_elaaoms_client_data_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_client_data_lookup(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd);
static void ngx_http_elaaoms_client_data_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_client_data_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_client_data_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd);
static void ngx_http_elaaoms_client_data_audit(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, yajl_val ids);
static ngx_int_t ngx_http_elaaoms_client_data_bind(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_http_elaaoms_batch_t *b);


/* fields ElevenLabs sends; each is a string when present */
static const char  *ngx_http_elaaoms_client_data_fields[] = {
    "caller_id", "agent_id", "called_number", "call_sid", "call_id",
    "conversation_id", NULL
};

/* the ids a search-memory tool call can name this call by */
static const char  *ngx_http_elaaoms_call_id_fields[] = {
    "call_sid", "call_id", "conversation_id", NULL
};


ngx_int_t
ngx_http_elaaoms_client_data_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & NGX_HTTP_POST)) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_read_client_request_body(r,
                                          ngx_http_elaaoms_client_data_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_client_data_body(ngx_http_request_t *r)
{
    char                             err[256], msg[300];
    yajl_val                         tree, v;
    ngx_int_t                        rc;
    ngx_uint_t                       i;
    const char                      *name, *caller_id, *agent_id;
    ngx_http_elaaoms_client_data_t  *cd;

    tree = ngx_http_elaaoms_body_json(r, err, sizeof(err));
    if (tree == NULL) {
        ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                  NGX_HTTP_BAD_REQUEST, "invalid_json", err));
        return;
    }

    if (!YAJL_IS_OBJECT(tree)) {
        ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                  NGX_HTTP_BAD_REQUEST, "invalid_request",
                                  "The body must be a JSON object."));
        return;
    }

    for (i = 0; ngx_http_elaaoms_client_data_fields[i]; i++) {
        name = ngx_http_elaaoms_client_data_fields[i];
        v = yajl_tree_get(tree, (const char *[]) { name, NULL }, yajl_t_any);

        if (v != NULL && !YAJL_IS_STRING(v) && !YAJL_IS_NULL(v)) {
            (void) ngx_snprintf((u_char *) msg, sizeof(msg),
                                "\"%s\" must be a string.%Z", name);
            ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                      NGX_HTTP_BAD_REQUEST, "invalid_request",
                                      msg));
            return;
        }
    }

    cd = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_client_data_t));
    if (cd == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    v = yajl_tree_get(tree, (const char *[]) { "caller_id", NULL },
                      yajl_t_string);
    caller_id = v ? YAJL_GET_STRING(v) : NULL;

    if (caller_id) {
        rc = elaaoms_caller_normalize(caller_id, ngx_strlen(caller_id),
                                      cd->caller, sizeof(cd->caller));

        /* control characters, broken UTF-8: not a caller, a forgery */
        if (rc == ELAAOMS_CALLER_INVALID) {
            ngx_http_finalize_request(r, ngx_http_elaaoms_send_error(r,
                                      NGX_HTTP_BAD_REQUEST, "invalid_request",
                                      "\"caller_id\" is not a caller "
                                      "identifier."));
            return;
        }

        /* withheld numbers are anonymous callers, not errors */
        if (rc < 0) {
            cd->caller[0] = '\0';
        }
    }

    v = yajl_tree_get(tree, (const char *[]) { "agent_id", NULL },
                      yajl_t_string);
    agent_id = v ? YAJL_GET_STRING(v) : NULL;

    /* an unusable agent id reads no agent data: the caller's _any context */
    if (agent_id && elaaoms_conversation_id_valid_str(agent_id)
        && ngx_strlen(agent_id) < sizeof(cd->agent))
    {
        (void) ngx_cpystrn((u_char *) cd->agent, (u_char *) agent_id,
                           sizeof(cd->agent));
    }

    /* the tree lives as long as the request: the ids may point into it */
    for (i = 0; ngx_http_elaaoms_call_id_fields[i]; i++) {
        v = yajl_tree_get(tree, (const char *[]) {
                              ngx_http_elaaoms_call_id_fields[i], NULL },
                          yajl_t_string);

        if (v && elaaoms_search_call_id_valid(YAJL_GET_STRING(v))) {
            cd->call_ids[cd->ncall_ids++] = YAJL_GET_STRING(v);
        }
    }

    if (cd->caller[0] == '\0') {
        ngx_http_finalize_request(r,
                                  ngx_http_elaaoms_client_data_answer(r, cd));
        return;
    }

    rc = ngx_http_elaaoms_client_data_lookup(r, cd);

    if (rc == NGX_DONE) {
        /* Redis answers later; its callback finishes the request */
        return;
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_http_elaaoms_client_data_lookup(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd)
{
    int                           n;
    char                         *key;
    ngx_http_elaaoms_args_t       a;
    ngx_http_elaaoms_batch_t     *b;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_client_data_reply,
                                      ngx_http_elaaoms_client_data_done, cd);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key = ngx_pnalloc(r->pool, 3 * ELAAOMS_KEY_MAX);
    if (key == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* index 0: the agent's context, 1: _any, 2: the profile */
    if (cd->agent[0]) {
        n = elaaoms_context_key(key, ELAAOMS_KEY_MAX,
                                (const char *) elcf->org.data, cd->caller,
                                cd->agent);
        if (n < 0) {
            return ngx_http_elaaoms_client_data_answer(r, cd);
        }

        a.argc = 0;
        ngx_http_elaaoms_arg_str(&a, "GET");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);

        if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
            goto down;
        }
    }

    key += ELAAOMS_KEY_MAX;
    n = elaaoms_context_key(key, ELAAOMS_KEY_MAX,
                            (const char *) elcf->org.data, cd->caller,
                            ELAAOMS_CONTEXT_ANY);
    if (n < 0) {
        return ngx_http_elaaoms_client_data_answer(r, cd);
    }

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "GET");
    ngx_http_elaaoms_arg(&a, key, (size_t) n);

    if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
        goto down;
    }

    if (cd->agent[0]) {
        key += ELAAOMS_KEY_MAX;
        n = elaaoms_context_profile_key(key, ELAAOMS_KEY_MAX,
                                        (const char *) elcf->org.data,
                                        cd->agent);
        if (n < 0) {
            return ngx_http_elaaoms_client_data_answer(r, cd);
        }

        a.argc = 0;
        ngx_http_elaaoms_arg_str(&a, "GET");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);

        if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
            goto down;
        }
    }

    cd->ngets = cd->agent[0] ? 3 : 1;

    /* the call's caller, for search-memory (its replies are not read) */
    if (ngx_http_elaaoms_client_data_bind(r, cd, b) != NGX_OK) {
        goto down;
    }

    if (ngx_http_elaaoms_batch_run(b) != NGX_OK) {
        goto down;
    }

    return NGX_DONE;

down:

    /* commands already queued must not call back into an answered request */
    ngx_http_elaaoms_batch_abandon(b);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: client-data: redis unavailable, generic answer");

    return ngx_http_elaaoms_client_data_answer(r, cd);
}


static void
ngx_http_elaaoms_client_data_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_client_data_t *cd = data;

    ngx_str_t  *dst;

    /* the binding SETs' "OK"s */
    if (index >= cd->ngets) {
        return;
    }

    cd->nreplies++;

    if (!cd->agent[0]) {
        index++;    /* only _any was asked for */
    }

    switch (index) {
    case 0:
        dst = &cd->doc_agent;
        break;
    case 1:
        dst = &cd->doc_any;
        break;
    default:
        dst = &cd->profile;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: client-data: redis error: %s",
                      reply->str);
        return;
    }

    if (reply->type != REDIS_REPLY_STRING || reply->len == 0) {
        return;
    }

    dst->data = ngx_pnalloc(r->pool, reply->len);
    if (dst->data == NULL) {
        return;
    }

    ngx_memcpy(dst->data, reply->str, reply->len);
    dst->len = reply->len;
}


static void
ngx_http_elaaoms_client_data_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_client_data_t *cd = data;

    if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: client-data: redis unavailable, generic "
                      "answer");

        /* what did arrive may be half of it: answer as if nothing had */
        ngx_str_null(&cd->doc_agent);
        ngx_str_null(&cd->doc_any);
        ngx_str_null(&cd->profile);

    } else {
        cd->redis_ok = 1;
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_client_data_answer(r, cd));
}


static yajl_val
ngx_http_elaaoms_parse_object(ngx_http_request_t *r, ngx_str_t *s,
    const char *what)
{
    char      err[128];
    yajl_val  v;

    if (s->len == 0) {
        return NULL;
    }

    v = elaaoms_json_parse((const char *) s->data, s->len,
                           ELAAOMS_JSON_DEFAULT_DEPTH, NULL, err, sizeof(err));

    if (v != NULL && !YAJL_IS_OBJECT(v)) {
        yajl_tree_free(v);
        v = NULL;
        ngx_cpystrn((u_char *) err, (u_char *) "not an object", sizeof(err));
    }

    if (v == NULL) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: client-data: unusable %s in redis: %s",
                      what, err);
    }

    return v;
}


static void
ngx_http_elaaoms_str_at(yajl_val v, const char **path, ngx_str_t *out)
{
    yajl_val  s;

    s = yajl_tree_get(v, path, yajl_t_string);

    if (s != NULL) {
        out->data = (u_char *) s->u.string;
        out->len = ngx_strlen(out->data);
    }
}


static void
ngx_http_elaaoms_answer_init(ngx_http_elaaoms_client_data_t *cd,
    ngx_http_elaaoms_answer_t *a)
{
    yajl_val  v;

    if (a->profile != NULL) {
        ngx_http_elaaoms_str_at(a->profile, (const char *[]) {
            "conversation_config", "agent", "first_message", NULL },
            &a->profile_first_message);
        ngx_http_elaaoms_str_at(a->profile, (const char *[]) {
            "conversation_config", "agent", "prompt", "prompt", NULL },
            &a->profile_prompt);

        a->placeholders = yajl_tree_get(a->profile, (const char *[]) {
            "conversation_config", "agent", "dynamic_variables",
            "dynamic_variable_placeholders", NULL }, yajl_t_object);

        v = yajl_tree_get(a->profile, (const char *[]) {
            "platform_settings", "overrides", "conversation_config_override",
            "agent", "first_message", NULL }, yajl_t_any);
        a->allow_first_message = (v != NULL && YAJL_IS_TRUE(v));

        v = yajl_tree_get(a->profile, (const char *[]) {
            "platform_settings", "overrides", "conversation_config_override",
            "agent", "prompt", "prompt", NULL }, yajl_t_any);
        a->allow_prompt = (v != NULL && YAJL_IS_TRUE(v));
    }

    if (a->doc != NULL) {
        a->vars = yajl_tree_get(a->doc, (const char *[]) {
            "dynamic_variables", NULL }, yajl_t_object);
        a->shared_ids = yajl_tree_get(a->doc, (const char *[]) {
            "shared_ids", NULL }, yajl_t_array);
        ngx_http_elaaoms_str_at(a->doc, (const char *[]) {
            "first_message", NULL }, &a->first_message);
        ngx_http_elaaoms_str_at(a->doc, (const char *[]) {
            "prompt_addition", NULL }, &a->prompt_addition);
    }
}


static ngx_flag_t
ngx_http_elaaoms_emitted(ngx_http_elaaoms_answer_t *a, const char *key,
    size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < a->nemitted; i++) {
        if (a->emitted[i].len == len
            && ngx_strncmp(a->emitted[i].data, key, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* "key": scalar, once per key; anything else (objects, system__*) skipped */
static void
ngx_http_elaaoms_emit_var(elaaoms_jgen_t *j, ngx_http_elaaoms_answer_t *a,
    const char *key, yajl_val v)
{
    size_t  len;

    len = ngx_strlen(key);

    if (len == 0 || ngx_strncmp(key, "system__", 8) == 0
        || ngx_http_elaaoms_emitted(a, key, len)
        /* room for the defaults, caller_key and first_message */
        || a->nemitted >= NGX_HTTP_ELAAOMS_MAX_VARS - 8)
    {
        return;
    }

    if (v != NULL && !YAJL_IS_STRING(v) && !YAJL_IS_NUMBER(v)
        && !YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v) && !YAJL_IS_NULL(v))
    {
        return;
    }

    a->emitted[a->nemitted].data = (u_char *) key;
    a->emitted[a->nemitted].len = len;
    a->nemitted++;

    elaaoms_jgen_str(j, key, len);

    if (v == NULL || YAJL_IS_NULL(v)) {
        elaaoms_jgen_null(j);

    } else if (YAJL_IS_STRING(v)) {
        elaaoms_jgen_cstr(j, v->u.string);

    } else if (YAJL_IS_NUMBER(v)) {
        elaaoms_jgen_number(j, v->u.number.r, ngx_strlen(v->u.number.r));

    } else {
        elaaoms_jgen_bool(j, YAJL_IS_TRUE(v));
    }
}


/*
 * SET elaaoms:<org>:call:<hash> <caller> EX elaaoms_call_ttl for each id
 * the request names the call by: search-memory takes the caller from it
 */
static ngx_int_t
ngx_http_elaaoms_client_data_bind(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_http_elaaoms_batch_t *b)
{
    int                           n;
    u_char                       *key, *ttl, *p;
    ngx_uint_t                    i;
    ngx_http_elaaoms_args_t       a;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    if (cd->ncall_ids == 0) {
        return NGX_OK;
    }

    ttl = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    key = ngx_pnalloc(r->pool, cd->ncall_ids * ELAAOMS_KEY_MAX);
    if (ttl == NULL || key == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(ttl, "%T", elcf->call_ttl);

    for (i = 0; i < cd->ncall_ids; i++, key += ELAAOMS_KEY_MAX) {
        n = elaaoms_key_call((char *) key, ELAAOMS_KEY_MAX,
                             (const char *) elcf->org.data, cd->call_ids[i],
                             ngx_strlen(cd->call_ids[i]));
        if (n < 0) {
            return NGX_ERROR;
        }

        a.argc = 0;
        ngx_http_elaaoms_arg_str(&a, "SET");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);
        ngx_http_elaaoms_arg_str(&a, cd->caller);
        ngx_http_elaaoms_arg_str(&a, "EX");
        ngx_http_elaaoms_arg(&a, ttl, p - ttl);

        if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_elaaoms_client_data_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd)
{
    size_t                        plen;
    u_char                       *prompt;
    ngx_int_t                     rc;
    ngx_uint_t                    i;
    ngx_flag_t                    send_first, send_prompt;
    elaaoms_jgen_t                j;
    ngx_http_elaaoms_answer_t    *a;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    static const char  *defaults[] = {
        "caller_known", "caller_call_count", "caller_context",
        "caller_last_interaction", "caller_open_issue", NULL
    };

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    a = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_answer_t));
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (cd->caller[0]) {
        a->doc = ngx_http_elaaoms_parse_object(r, &cd->doc_agent, "context");
        if (a->doc == NULL) {
            a->doc = ngx_http_elaaoms_parse_object(r, &cd->doc_any,
                                                   "context");
        }
        a->profile = ngx_http_elaaoms_parse_object(r, &cd->profile,
                                                   "agent profile");
    }

    ngx_http_elaaoms_answer_init(cd, a);

    /* the personalised message, else the agent's own, else ours */
    if (a->first_message.len == 0) {
        a->first_message = a->profile_first_message;
    }

    if (a->first_message.len == 0) {
        a->first_message = elcf->default_first_message;
    }

    /* a failed call is checked once, by ngx_http_elaaoms_send_gen() */
    (void) elaaoms_jgen_init(&j, 0);

    elaaoms_jgen_map_open(&j);
    elaaoms_jgen_cstr(&j, "type");
    elaaoms_jgen_cstr(&j, "conversation_initiation_client_data");

    elaaoms_jgen_cstr(&j, "dynamic_variables");
    elaaoms_jgen_map_open(&j);

    if (a->vars != NULL) {
        for (i = 0; i < a->vars->u.object.len; i++) {
            if (ngx_strcmp(a->vars->u.object.keys[i], "caller_key") == 0
                || ngx_strcmp(a->vars->u.object.keys[i], "first_message") == 0)
            {
                continue;
            }
            ngx_http_elaaoms_emit_var(&j, a, a->vars->u.object.keys[i],
                                      a->vars->u.object.values[i]);
        }
    }

    for (i = 0; defaults[i]; i++) {
        if (ngx_http_elaaoms_emitted(a, defaults[i], ngx_strlen(defaults[i])))
        {
            continue;
        }

        a->emitted[a->nemitted].data = (u_char *) defaults[i];
        a->emitted[a->nemitted].len = ngx_strlen(defaults[i]);
        a->nemitted++;

        elaaoms_jgen_cstr(&j, defaults[i]);

        if (i == 0) {
            elaaoms_jgen_bool(&j, 0);
        } else if (i == 1) {
            elaaoms_jgen_int(&j, 0);
        } else {
            elaaoms_jgen_cstr(&j, "");
        }
    }

    elaaoms_jgen_cstr(&j, "caller_key");
    elaaoms_jgen_cstr(&j, cd->caller);
    elaaoms_jgen_cstr(&j, "first_message");
    elaaoms_jgen_str(&j, a->first_message.data, a->first_message.len);

    a->emitted[a->nemitted].data = (u_char *) "caller_key";
    a->emitted[a->nemitted++].len = sizeof("caller_key") - 1;
    a->emitted[a->nemitted].data = (u_char *) "first_message";
    a->emitted[a->nemitted++].len = sizeof("first_message") - 1;

    /* every variable the agent defines must be there: its placeholders */
    if (a->placeholders != NULL) {
        for (i = 0; i < a->placeholders->u.object.len; i++) {
            ngx_http_elaaoms_emit_var(&j, a,
                                      a->placeholders->u.object.keys[i],
                                      a->placeholders->u.object.values[i]);
        }
    }

    elaaoms_jgen_map_close(&j);

    /*
     * Overrides the agent has not enabled make ElevenLabs refuse the call:
     * only what the cached profile allows, or what the configuration
     * forces.  The agent's own first message needs no override.
     */
    send_first = elcf->first_message_override
                 || (a->allow_first_message
                     && !(a->first_message.len == a->profile_first_message.len
                          && ngx_strncmp(a->first_message.data,
                                         a->profile_first_message.data,
                                         a->first_message.len) == 0));

    send_prompt = a->allow_prompt && a->profile_prompt.len > 0
                  && a->prompt_addition.len > 0;

    if (send_first || send_prompt) {
        elaaoms_jgen_cstr(&j, "conversation_config_override");
        elaaoms_jgen_map_open(&j);
        elaaoms_jgen_cstr(&j, "agent");
        elaaoms_jgen_map_open(&j);

        if (send_first) {
            elaaoms_jgen_cstr(&j, "first_message");
            elaaoms_jgen_str(&j, a->first_message.data, a->first_message.len);
        }

        if (send_prompt) {
            /* the override replaces the prompt: the agent's, then ours */
            plen = a->profile_prompt.len + 2 + a->prompt_addition.len;
            prompt = ngx_pnalloc(r->pool, plen);
            if (prompt == NULL) {
                elaaoms_jgen_free(&j);
                rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
                goto done;
            }

            ngx_memcpy(prompt, a->profile_prompt.data, a->profile_prompt.len);
            ngx_memcpy(prompt + a->profile_prompt.len, "\n\n", 2);
            ngx_memcpy(prompt + a->profile_prompt.len + 2,
                       a->prompt_addition.data, a->prompt_addition.len);

            elaaoms_jgen_cstr(&j, "prompt");
            elaaoms_jgen_map_open(&j);
            elaaoms_jgen_cstr(&j, "prompt");
            elaaoms_jgen_str(&j, prompt, plen);
            elaaoms_jgen_map_close(&j);
        }

        elaaoms_jgen_map_close(&j);
        elaaoms_jgen_map_close(&j);
    }

    elaaoms_jgen_map_close(&j);

    /* shared memories were served: audit, without waiting for it */
    if (j.status == yajl_gen_status_ok
        && a->shared_ids != NULL && a->shared_ids->u.array.len > 0)
    {
        ngx_http_elaaoms_client_data_audit(r, cd, a->shared_ids);
    }

    rc = ngx_http_elaaoms_send_gen(r, NGX_HTTP_OK, &j);

done:

    if (a->doc) {
        yajl_tree_free(a->doc);
    }

    if (a->profile) {
        yajl_tree_free(a->profile);
    }

    return rc;
}


static void
ngx_http_elaaoms_client_data_audit(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, yajl_val ids)
{
    u_char      *p;
    size_t       len;
    ngx_str_t    list;
    ngx_uint_t   i;
    yajl_val     v;

    len = 0;
    for (i = 0; i < ids->u.array.len; i++) {
        v = ids->u.array.values[i];
        if (YAJL_IS_STRING(v)) {
            len += ngx_strlen(v->u.string) + 1;
        }
    }

    if (len == 0) {
        return;
    }

    list.data = ngx_pnalloc(r->pool, len);
    if (list.data == NULL) {
        return;
    }

    p = list.data;
    for (i = 0; i < ids->u.array.len; i++) {
        v = ids->u.array.values[i];
        if (YAJL_IS_STRING(v)) {
            if (p != list.data) {
                *p++ = ',';
            }
            p = ngx_cpymem(p, v->u.string, ngx_strlen(v->u.string));
        }
    }

    list.len = p - list.data;

    (void) ngx_http_elaaoms_audit(r, &list, cd->caller, cd->agent,
                                  "client_data", NULL, NULL);
}
