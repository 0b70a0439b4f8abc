/*
 * POST /webhook/client-data: ElevenLabs' conversation-initiation hook.
 *
 * Validates the request, then one pipelined Redis round trip reads what
 * the worker precomputed (lib/context/context_store.h, keys from context_build.h):
 *
 *   MGET C context:<agent_id>:head               the caller's context for
 *        C context:_any:head                     the agent, else the one
 *                                                for agents not seen yet,
 *                                                without its prompt text
 *   GET elaaoms:<org>:agent:<agent_id>:profile   the cached agent profile
 *
 * The prompt text (prompt_addition, most of a document: the context as
 * JSON) is only used where the profile allows the prompt override, which
 * few agents do; for those a second round trip brings the whole document
 * (one EVAL: the agent's, else _any).  So does a caller without heads:
 * unknown, or documents written before heads existed.
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


#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_client_data.h"
#include "intake/caller_id.h"
#include "context/context_build.h"
#include "intake/ids.h"
#include "util/json_parse.h"
#include "store/redis_keys.h"
#include "search/search_request.h"



typedef struct {
    char                  caller[ELAAOMS_CALLER_MAX];
    char                  agent[ELAAOMS_CONVERSATION_ID_MAX + 1];
    ngx_str_t             doc;           /* the replies, copied: the */
                                         /* agent's context or _any */
    ngx_str_t             profile;
    ngx_uint_t            nreplies;
    ngx_uint_t            ngets;         /* replies to read; SETs follow */
    const char           *call_ids[3];   /* call_sid, call_id, ... */
    ngx_uint_t            ncall_ids;
    unsigned              redis_ok:1;
    unsigned              whole:1;       /* the second EVAL was sent */
} ngx_http_elaaoms_client_data_t;


static void ngx_http_elaaoms_client_data_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_client_data_lookup(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_flag_t head);
static const ngx_http_elaaoms_profile_t *
    ngx_http_elaaoms_client_data_profile(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd);
static ngx_flag_t ngx_http_elaaoms_client_data_wants_prompt(
    ngx_http_request_t *r, ngx_http_elaaoms_client_data_t *cd);
static void ngx_http_elaaoms_client_data_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_client_data_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_client_data_answer(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd);
static void ngx_http_elaaoms_client_data_audit(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_str_t *ids, ngx_flag_t set);
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

    rc = ngx_http_elaaoms_client_data_lookup(r, cd, 1);

    if (rc == NGX_DONE) {
        /* Redis answers later; its callback finishes the request */
        return;
    }

    ngx_http_finalize_request(r, rc);
}


/* the second round: the agent's whole context, else the caller's _any */
static const char  ngx_http_elaaoms_context_script[] =
    "local d = redis.call('GET', KEYS[1])\n"
    "if not d and KEYS[2] then d = redis.call('GET', KEYS[2]) end\n"
    "return d\n";


static ngx_int_t
ngx_http_elaaoms_client_data_lookup(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_flag_t head)
{
    int                           n, m;
    int                         (*keyf)(char *, size_t, const char *,
                                        const char *, const char *);
    char                         *key, *agent_key;
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

    /*
     * index 0: the heads of the agent's context and of _any (both keys in
     * the caller's slot), or in the second round one EVAL for the agent's
     * whole document, else _any's; 1: the profile
     */
    keyf = head ? elaaoms_context_head_key : elaaoms_context_key;

    n = keyf(key, ELAAOMS_KEY_MAX, (const char *) elcf->org.data, cd->caller,
             ELAAOMS_CONTEXT_ANY);
    if (n < 0) {
        return head ? ngx_http_elaaoms_client_data_answer(r, cd) : NGX_ERROR;
    }

    a.argc = 0;

    if (cd->agent[0]) {
        agent_key = key + ELAAOMS_KEY_MAX;
        m = keyf(agent_key, ELAAOMS_KEY_MAX, (const char *) elcf->org.data,
                 cd->caller, cd->agent);
        if (m < 0) {
            return head ? ngx_http_elaaoms_client_data_answer(r, cd)
                        : NGX_ERROR;
        }

        if (head) {
            ngx_http_elaaoms_arg_str(&a, "MGET");

        } else {
            ngx_http_elaaoms_arg_str(&a, "EVAL");
            ngx_http_elaaoms_arg_str(&a, ngx_http_elaaoms_context_script);
            ngx_http_elaaoms_arg_str(&a, "2");
        }

        ngx_http_elaaoms_arg(&a, agent_key, (size_t) m);
        ngx_http_elaaoms_arg(&a, key, (size_t) n);

    } else {
        ngx_http_elaaoms_arg_str(&a, "GET");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);
    }

    if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
        goto down;
    }

    if (!head) {
        /* the second round: the document again, whole */
        cd->ngets = 1;
        cd->whole = 1;

        if (ngx_http_elaaoms_batch_run(b) != NGX_OK) {
            goto down;
        }

        return NGX_DONE;
    }

    if (cd->agent[0]) {
        key += 2 * ELAAOMS_KEY_MAX;
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

    cd->ngets = cd->agent[0] ? 2 : 1;

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

    if (!head) {
        /* the caller answers with the first round's document */
        return NGX_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: client-data: redis unavailable, generic answer");

    return ngx_http_elaaoms_client_data_answer(r, cd);
}


static void
ngx_http_elaaoms_client_data_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_client_data_t *cd = data;

    size_t      i;
    ngx_str_t  *dst;

    /* the binding SETs' "OK"s */
    if (index >= cd->ngets) {
        return;
    }

    cd->nreplies++;

    /* 0: the agent's context or _any, 1: the profile */
    dst = index == 0 ? &cd->doc : &cd->profile;

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: client-data: redis error: %s",
                      reply->str);
        return;
    }

    /* MGET: the agent's head, else _any's */
    if (reply->type == REDIS_REPLY_ARRAY) {
        for (i = 0; i < reply->elements; i++) {
            if (reply->element[i]->type == REDIS_REPLY_STRING
                && reply->element[i]->len > 0)
            {
                reply = reply->element[i];
                break;
            }
        }
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

    if (cd->whole) {
        /* the second round: without it, the first round's document */
        if (rc != NGX_OK) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "elaaoms: client-data: redis unavailable, answer "
                          "without the prompt override");
        }

    } else if (rc != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: client-data: redis unavailable, generic "
                      "answer");

        /* what did arrive may be half of it: answer as if nothing had */
        ngx_str_null(&cd->doc);
        ngx_str_null(&cd->profile);

    } else {
        cd->redis_ok = 1;

        /* no head (an unknown caller, or no heads yet), or a prompt */
        if ((cd->doc.len == 0
             || ngx_http_elaaoms_client_data_wants_prompt(r, cd))
            && ngx_http_elaaoms_client_data_lookup(r, cd, 0) == NGX_DONE)
        {
            return;
        }
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_client_data_answer(r, cd));
}


/*
 * The agent's profile from the process's cache.  Looked up each time it
 * is needed, never kept across a Redis round trip: another request may
 * replace the cache's entry meanwhile.
 */
static const ngx_http_elaaoms_profile_t *
ngx_http_elaaoms_client_data_profile(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd)
{
    ngx_str_t  agent;

    agent.data = (u_char *) cd->agent;
    agent.len = ngx_strlen(cd->agent);

    return ngx_http_elaaoms_profile_get(r, &agent, &cd->profile);
}


/*
 * 1 when the answer will carry the prompt override, which needs the
 * document's prompt text: the first round cut it off.
 */
static ngx_flag_t
ngx_http_elaaoms_client_data_wants_prompt(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd)
{
    const ngx_http_elaaoms_profile_t  *pf;

    if (cd->doc.len == 0 || cd->profile.len == 0) {
        return 0;
    }

    pf = ngx_http_elaaoms_client_data_profile(r, cd);

    return pf != NULL && pf->allow_prompt && pf->prompt.len > 0;
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
    ngx_int_t                          rc;
    ngx_str_t                          shared;
    ngx_flag_t                         set;
    ngx_http_elaaoms_client_data_in_t  in;

    in.caller = cd->caller;
    in.doc = cd->doc;
    in.profile = ngx_http_elaaoms_client_data_profile(r, cd);

    rc = ngx_http_elaaoms_client_data_answer_send(r, &in, &shared, &set);

    /* shared memories were served: audit, without waiting for it */
    if (shared.len > 0 && (rc == NGX_OK || rc == NGX_AGAIN)) {
        ngx_http_elaaoms_client_data_audit(r, cd, &shared, set);
    }

    return rc;
}


static void
ngx_http_elaaoms_client_data_audit(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_t *cd, ngx_str_t *ids, ngx_flag_t set)
{
    (void) ngx_http_elaaoms_audit(r, ids, set, cd->caller, cd->agent,
                                  "client_data", NULL, NULL);
}
