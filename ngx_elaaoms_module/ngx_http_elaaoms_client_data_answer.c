/*
 * The client-data answer, assembled from what the worker stored.
 *
 * The context document (lib/context/context_build.h) is the worker's own
 * JSON, written by yajl: its members are found by a byte scan
 * (lib/util/json_scan.h) and its values copied into the answer as they
 * are, already escaped, so the hot path builds no tree and escapes
 * nothing of the document.  Only the agent profile, ElevenLabs' JSON, is
 * parsed (yajl), when there is one.  Strings from the profile and the
 * configuration are escaped here as yajl would, so escaped texts compare
 * byte for byte.
 *
 * The answer: type, dynamic_variables (the stored scalars, the defaults
 * of those missing, caller_key, first_message, then the profile's
 * placeholders for variables still missing) and
 * conversation_config_override.agent.first_message / .prompt.prompt
 * where the profile allows them (elaaoms_first_message_override forces
 * the first).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_client_data.h"
#include "ngx_http_elaaoms_profile.h"
#include "util/json_arena.h"
#include "util/json_scan.h"
#include "context/context_build.h"
#include "context/served_set.h"


/* members of the stored document and of its dynamic_variables, at most */
#define NGX_HTTP_ELAAOMS_DOC_MEMBERS  16
#define NGX_HTTP_ELAAOMS_MAX_VARS     128


/* an escaped JSON string's inside, without its quotes */
typedef struct {
    size_t                  len;
    u_char                 *data;
} ngx_http_elaaoms_jstr_t;

typedef struct {
    /* the document, scanned or read by its spans: spans of cd->doc */
    ngx_http_elaaoms_jstr_t variables;   /* version 3: the inside of */
                                         /* dynamic_variables, copied */
                                         /* whole */
    ngx_uint_t              nvars;       /* older: its members */
    ngx_http_elaaoms_jstr_t first_message;
    ngx_http_elaaoms_jstr_t prompt_addition;
    elaaoms_json_member_t   shared;      /* shared_set's string or */
                                         /* shared_ids' array */

    yajl_val                placeholders;
    ngx_http_elaaoms_jstr_t profile_first_message;
    ngx_http_elaaoms_jstr_t profile_prompt;
    unsigned                allow_first_message:1;
    unsigned                allow_prompt:1;

    ngx_uint_t              nemitted;

    /* the arrays last: only the fields above are zeroed per request */
    elaaoms_json_member_t   vars[NGX_HTTP_ELAAOMS_MAX_VARS];
    ngx_str_t               emitted[NGX_HTTP_ELAAOMS_MAX_VARS];
} ngx_http_elaaoms_answer_t;


/* the answer is written twice: once to measure it, once into its buffer */
typedef struct {
    u_char                 *p;
    size_t                  len;
} ngx_http_elaaoms_out_t;


static void
ngx_http_elaaoms_out(ngx_http_elaaoms_out_t *o, const void *s, size_t len)
{
    if (o->p) {
        o->p = ngx_cpymem(o->p, s, len);
    }
    o->len += len;
}

#define ngx_http_elaaoms_out_lit(o, s)                                       \
    ngx_http_elaaoms_out(o, s, sizeof(s) - 1)


/* a JSON string literal of an escaped inside */
static void
ngx_http_elaaoms_out_jstr(ngx_http_elaaoms_out_t *o,
    const ngx_http_elaaoms_jstr_t *s)
{
    ngx_http_elaaoms_out_lit(o, "\"");
    ngx_http_elaaoms_out(o, s->data, s->len);
    ngx_http_elaaoms_out_lit(o, "\"");
}


/* a plain string, escaped into the pool; NGX_ERROR when out of memory */
static ngx_int_t
ngx_http_elaaoms_escape(ngx_pool_t *pool, const char *s, size_t len,
    ngx_http_elaaoms_jstr_t *out)
{
    out->len = elaaoms_json_escaped_len(s, len);

    out->data = ngx_pnalloc(pool, out->len ? out->len : 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    (void) elaaoms_json_escape((char *) out->data, s, len);

    return NGX_OK;
}


/* the inside of a member whose value is a string; "" otherwise */
static void
ngx_http_elaaoms_member_jstr(const elaaoms_json_member_t *m,
    ngx_http_elaaoms_jstr_t *out)
{
    if (m != NULL && elaaoms_json_is_string(m)) {
        out->data = (u_char *) m->value + 1;
        out->len = m->value_len - 2;
    }
}


/* version 2 and later end with prompt_addition */
static ngx_flag_t
ngx_http_elaaoms_doc_v2(ngx_str_t *doc)
{
    static const char  v[] = "{\"version\":";

    return doc->len > sizeof(v)
           && ngx_memcmp(doc->data, v, sizeof(v) - 1) == 0
           && doc->data[sizeof(v) - 1] >= '2'
           && doc->data[sizeof(v) - 1] <= '9'
           && doc->data[sizeof(v)] == ',';
}


/*
 * Version 3: the values where "at" says they are, nothing scanned.  The
 * worker writes only scalars under names of its own there, the five
 * defaults always (context_build.h): the object's inside is copied whole.
 */
static ngx_int_t
ngx_http_elaaoms_answer_spans(ngx_str_t *doc, ngx_http_elaaoms_answer_t *a)
{
    elaaoms_context_span_t  sp[ELAAOMS_CONTEXT_SPANS];

    if (elaaoms_context_spans_read((const char *) doc->data, doc->len, sp)
        != 0)
    {
        return NGX_DECLINED;
    }

    a->variables.data = doc->data + sp[ELAAOMS_CONTEXT_SPAN_VARIABLES].off
                        + 1;
    a->variables.len = sp[ELAAOMS_CONTEXT_SPAN_VARIABLES].len - 2;

    a->first_message.data = doc->data
                            + sp[ELAAOMS_CONTEXT_SPAN_FIRST_MESSAGE].off + 1;
    a->first_message.len = sp[ELAAOMS_CONTEXT_SPAN_FIRST_MESSAGE].len - 2;

    a->shared.value = (const char *) doc->data
                      + sp[ELAAOMS_CONTEXT_SPAN_SHARED_SET].off;
    a->shared.value_len = sp[ELAAOMS_CONTEXT_SPAN_SHARED_SET].len;

    return NGX_OK;
}


/* the document's values; NGX_DECLINED when it is not one the worker wrote */
static ngx_int_t
ngx_http_elaaoms_answer_doc(ngx_http_request_t *r, ngx_str_t *doc,
    ngx_http_elaaoms_answer_t *a, ngx_flag_t want_prompt)
{
    int                           n, nv;
    elaaoms_json_member_t         m[NGX_HTTP_ELAAOMS_DOC_MEMBERS];
    const elaaoms_json_member_t  *v;

    /* the prompt text has no span: only a whole document is scanned */
    if (!want_prompt && ngx_http_elaaoms_answer_spans(doc, a) == NGX_OK) {
        return NGX_OK;
    }

    /* version 2 ends with prompt_addition, most of it: not scanned */
    n = elaaoms_json_members_last((const char *) doc->data, doc->len,
                                  ELAAOMS_JSON_DEFAULT_DEPTH, m,
                                  NGX_HTTP_ELAAOMS_DOC_MEMBERS,
                                  ngx_http_elaaoms_doc_v2(doc)
                                  ? "prompt_addition" : NULL);
    if (n < 0) {
        goto bad;
    }

    if (n > NGX_HTTP_ELAAOMS_DOC_MEMBERS) {
        n = NGX_HTTP_ELAAOMS_DOC_MEMBERS;
    }

    v = elaaoms_json_member(m, n, "dynamic_variables");
    if (v != NULL) {
        nv = elaaoms_json_members(v->value, v->value_len,
                                  ELAAOMS_JSON_DEFAULT_DEPTH, a->vars,
                                  NGX_HTTP_ELAAOMS_MAX_VARS);
        if (nv < 0) {
            goto bad;
        }
        a->nvars = ngx_min((ngx_uint_t) nv, NGX_HTTP_ELAAOMS_MAX_VARS);
    }

    ngx_http_elaaoms_member_jstr(elaaoms_json_member(m, n, "first_message"),
                                 &a->first_message);
    ngx_http_elaaoms_member_jstr(elaaoms_json_member(m, n, "prompt_addition"),
                                 &a->prompt_addition);

    v = elaaoms_json_member(m, n, "shared_set");
    if (v != NULL && v->value_len > 0 && v->value[0] == '"') {
        a->shared = *v;

    } else {
        v = elaaoms_json_member(m, n, "shared_ids");
        if (v != NULL && v->value_len > 0 && v->value[0] == '[') {
            a->shared = *v;
        }
    }

    return NGX_OK;

bad:

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "elaaoms: client-data: unusable context in redis");
    a->nvars = 0;
    ngx_str_null(&a->variables);
    ngx_str_null(&a->first_message);
    ngx_str_null(&a->prompt_addition);
    ngx_memzero(&a->shared, sizeof(elaaoms_json_member_t));

    return NGX_DECLINED;
}


/* the profile's parts the answer needs, from the process's cache */
static void
ngx_http_elaaoms_answer_profile(const ngx_http_elaaoms_profile_t *pf,
    ngx_http_elaaoms_answer_t *a)
{
    if (pf == NULL) {
        return;
    }

    a->profile_first_message.data = pf->first_message.data;
    a->profile_first_message.len = pf->first_message.len;
    a->profile_prompt.data = pf->prompt.data;
    a->profile_prompt.len = pf->prompt.len;
    a->placeholders = pf->placeholders;
    a->allow_first_message = pf->allow_first_message;
    a->allow_prompt = pf->allow_prompt;
}


static ngx_flag_t
ngx_http_elaaoms_jstr_eq(const ngx_http_elaaoms_jstr_t *a,
    const ngx_http_elaaoms_jstr_t *b)
{
    return a->len == b->len && ngx_memcmp(a->data, b->data, a->len) == 0;
}


/*
 * 1 when the copied variables hold the name: as "name": in a flat object
 * of scalars, which no string value can hold unescaped
 */
static ngx_flag_t
ngx_http_elaaoms_in_variables(ngx_http_elaaoms_answer_t *a,
    const u_char *name, size_t len)
{
    u_char  *p, *end;

    p = a->variables.data;
    end = p + a->variables.len;

    while (end - p >= (ssize_t) len + 3) {
        p = memchr(p, '"', end - len - 2 - p);
        if (p == NULL) {
            return 0;
        }

        p++;

        if (ngx_memcmp(p, name, len) == 0 && p[len] == '"'
            && p[len + 1] == ':')
        {
            return 1;
        }
    }

    return 0;
}


/* 1 when the variable (escaped name) was emitted already, else records it */
static ngx_flag_t
ngx_http_elaaoms_seen(ngx_http_elaaoms_answer_t *a, const u_char *name,
    size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < a->nemitted; i++) {
        if (a->emitted[i].len == len
            && ngx_memcmp(a->emitted[i].data, name, len) == 0)
        {
            return 1;
        }
    }

    if (a->nemitted < NGX_HTTP_ELAAOMS_MAX_VARS) {
        a->emitted[a->nemitted].data = (u_char *) name;
        a->emitted[a->nemitted].len = len;
        a->nemitted++;
    }

    return 0;
}


/* a stored variable is served when it is a scalar, not ElevenLabs' own */
static ngx_flag_t
ngx_http_elaaoms_servable(const u_char *name, size_t len, u_char first)
{
    return len > 0
           && !(len >= 8 && ngx_strncmp(name, "system__", 8) == 0)
           && !(len == 10 && ngx_strncmp(name, "caller_key", 10) == 0)
           && !(len == 13 && ngx_strncmp(name, "first_message", 13) == 0)
           && first != '{' && first != '[';
}


/* the profile's placeholder value, a scalar; 0 when it is none */
static ngx_flag_t
ngx_http_elaaoms_out_scalar(ngx_http_request_t *r, ngx_http_elaaoms_out_t *o,
    yajl_val v)
{
    ngx_http_elaaoms_jstr_t  s;

    if (v == NULL || YAJL_IS_NULL(v)) {
        ngx_http_elaaoms_out_lit(o, "null");

    } else if (YAJL_IS_TRUE(v)) {
        ngx_http_elaaoms_out_lit(o, "true");

    } else if (YAJL_IS_FALSE(v)) {
        ngx_http_elaaoms_out_lit(o, "false");

    } else if (YAJL_IS_NUMBER(v)) {
        ngx_http_elaaoms_out(o, v->u.number.r, ngx_strlen(v->u.number.r));

    } else if (YAJL_IS_STRING(v)) {
        /* measured once, written once: escape straight into the output */
        s.len = elaaoms_json_escaped_len(v->u.string,
                                         ngx_strlen(v->u.string));
        ngx_http_elaaoms_out_lit(o, "\"");
        if (o->p) {
            o->p = (u_char *) elaaoms_json_escape((char *) o->p,
                                                  v->u.string,
                                                  ngx_strlen(v->u.string));
        }
        o->len += s.len;
        ngx_http_elaaoms_out_lit(o, "\"");

    } else {
        return 0;
    }

    (void) r;
    return 1;
}


/* the whole answer into o (measuring when o->p is NULL) */
static void
ngx_http_elaaoms_answer_write(ngx_http_request_t *r,
    ngx_http_elaaoms_answer_t *a, ngx_http_elaaoms_jstr_t *caller,
    ngx_http_elaaoms_jstr_t *first, ngx_flag_t send_first,
    ngx_flag_t send_prompt, ngx_http_elaaoms_out_t *o)
{
    u_char                 *mark, *key;
    size_t                  klen, mlen;
    ngx_uint_t              i, k;
    ngx_flag_t              comma;
    elaaoms_json_member_t  *m;

    static const struct {
        ngx_str_t  name;
        ngx_str_t  value;
    } defaults[] = {
        { ngx_string("caller_known"), ngx_string("false") },
        { ngx_string("caller_call_count"), ngx_string("0") },
        { ngx_string("caller_context"), ngx_string("\"\"") },
        { ngx_string("caller_last_interaction"), ngx_string("\"\"") },
        { ngx_string("caller_open_issue"), ngx_string("\"\"") },
    };

    a->nemitted = 0;
    comma = 0;

    ngx_http_elaaoms_out_lit(o, "{\"type\":\"conversation_initiation_client_"
                                "data\",\"dynamic_variables\":{");

    if (a->variables.len) {
        ngx_http_elaaoms_out(o, a->variables.data, a->variables.len);
        comma = 1;
    }

    for (i = 0; i < a->nvars; i++) {
        m = &a->vars[i];

        if (!ngx_http_elaaoms_servable((u_char *) m->key, m->key_len,
                                       m->value[0])
            || ngx_http_elaaoms_seen(a, (u_char *) m->key, m->key_len))
        {
            continue;
        }

        if (comma) {
            ngx_http_elaaoms_out_lit(o, ",");
        }
        ngx_http_elaaoms_out_lit(o, "\"");
        ngx_http_elaaoms_out(o, m->key, m->key_len);
        ngx_http_elaaoms_out_lit(o, "\":");
        ngx_http_elaaoms_out(o, m->value, m->value_len);
        comma = 1;
    }

    /* the worker's version 3 variables hold every default */
    for (i = 0;
         a->variables.len == 0 && i < sizeof(defaults) / sizeof(defaults[0]);
         i++)
    {
        if (ngx_http_elaaoms_seen(a, defaults[i].name.data,
                                  defaults[i].name.len))
        {
            continue;
        }

        if (comma) {
            ngx_http_elaaoms_out_lit(o, ",");
        }
        ngx_http_elaaoms_out_lit(o, "\"");
        ngx_http_elaaoms_out(o, defaults[i].name.data, defaults[i].name.len);
        ngx_http_elaaoms_out_lit(o, "\":");
        ngx_http_elaaoms_out(o, defaults[i].value.data,
                             defaults[i].value.len);
        comma = 1;
    }

    if (comma) {
        ngx_http_elaaoms_out_lit(o, ",");
    }
    ngx_http_elaaoms_out_lit(o, "\"caller_key\":");
    ngx_http_elaaoms_out_jstr(o, caller);
    ngx_http_elaaoms_out_lit(o, ",\"first_message\":");
    ngx_http_elaaoms_out_jstr(o, first);

    (void) ngx_http_elaaoms_seen(a, (u_char *) "caller_key", 10);
    (void) ngx_http_elaaoms_seen(a, (u_char *) "first_message", 13);

    /* every variable the agent defines must be there: its placeholders */
    for (i = 0; a->placeholders && i < a->placeholders->u.object.len; i++) {
        key = (u_char *) a->placeholders->u.object.keys[i];
        klen = ngx_strlen(key);

        /* names are plain identifiers; one that needs escaping is skipped */
        for (k = 0; k < klen; k++) {
            if (key[k] == '"' || key[k] == '\\' || key[k] < 0x20) {
                break;
            }
        }

        if (k < klen
            || !ngx_http_elaaoms_servable(key, klen, '"')
            || a->nemitted >= NGX_HTTP_ELAAOMS_MAX_VARS)
        {
            continue;
        }

        if (ngx_http_elaaoms_in_variables(a, key, klen)
            || ngx_http_elaaoms_seen(a, key, klen))
        {
            continue;
        }

        mark = o->p;
        mlen = o->len;

        ngx_http_elaaoms_out_lit(o, ",\"");
        ngx_http_elaaoms_out(o, key, klen);
        ngx_http_elaaoms_out_lit(o, "\":");

        if (!ngx_http_elaaoms_out_scalar(r, o,
                                         a->placeholders->u.object.values[i]))
        {
            /* not a scalar: undone */
            o->p = mark;
            o->len = mlen;
            a->nemitted--;
        }
    }

    ngx_http_elaaoms_out_lit(o, "}");

    if (send_first || send_prompt) {
        ngx_http_elaaoms_out_lit(o, ",\"conversation_config_override\":"
                                    "{\"agent\":{");
        if (send_first) {
            ngx_http_elaaoms_out_lit(o, "\"first_message\":");
            ngx_http_elaaoms_out_jstr(o, first);
        }

        if (send_prompt) {
            /* the override replaces the prompt: the agent's, then ours */
            if (send_first) {
                ngx_http_elaaoms_out_lit(o, ",");
            }
            ngx_http_elaaoms_out_lit(o, "\"prompt\":{\"prompt\":\"");
            ngx_http_elaaoms_out(o, a->profile_prompt.data,
                                 a->profile_prompt.len);
            ngx_http_elaaoms_out_lit(o, "\\n\\n");
            ngx_http_elaaoms_out(o, a->prompt_addition.data,
                                 a->prompt_addition.len);
            ngx_http_elaaoms_out_lit(o, "\"}");
        }

        ngx_http_elaaoms_out_lit(o, "}}");
    }

    ngx_http_elaaoms_out_lit(o, "}");
}


/*
 * the shared memories served, for the audit trail: a served set's id as
 * it is in the document, or (version 3 and older) "id1,id2"
 */
static void
ngx_http_elaaoms_answer_shared(ngx_http_request_t *r,
    ngx_http_elaaoms_answer_t *a, ngx_str_t *ids, ngx_flag_t *set)
{
    u_char  *p, *q, *id, *end;

    ngx_str_null(ids);
    *set = 0;

    if (a->shared.value_len <= 2) {
        return;
    }

    if (a->shared.value[0] == '"') {
        /*
         * the worker writes 16 hex digits; whatever else is there is
         * still audited, as it is, and said
         */
        ids->data = (u_char *) a->shared.value + 1;
        ids->len = a->shared.value_len - 2;
        *set = 1;

        if (!elaaoms_served_set_id_valid(a->shared.value + 1,
                                         a->shared.value_len - 2))
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "elaaoms: client-data: served set \"%V\" is not "
                          "one the worker writes", ids);
        }
        return;
    }

    ids->data = ngx_pnalloc(r->pool, a->shared.value_len);
    if (ids->data == NULL) {
        return;
    }

    /*
     * ids hold no quote or backslash (lib/store/memory_record.h): each is
     * the text between a pair of quotes, copied whole
     */
    p = (u_char *) a->shared.value;
    end = p + a->shared.value_len;
    q = ids->data;

    for ( ;; ) {
        p = memchr(p, '"', end - p);
        if (p == NULL) {
            break;
        }

        id = ++p;

        p = memchr(p, '"', end - p);
        if (p == NULL) {
            break;
        }

        if (q > ids->data) {
            *q++ = ',';
        }

        q = ngx_cpymem(q, id, p - id);
        p++;
    }

    ids->len = q - ids->data;
}


ngx_int_t
ngx_http_elaaoms_client_data_answer_send(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_in_t *in, ngx_str_t *shared,
    ngx_flag_t *set)
{
    ngx_int_t                     rc;
    ngx_flag_t                    send_first, send_prompt;
    ngx_http_elaaoms_out_t        o;
    ngx_http_elaaoms_jstr_t       caller, first, dflt;
    ngx_http_elaaoms_answer_t    *a;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    ngx_str_null(shared);
    *set = 0;

    a = ngx_palloc(r->pool, sizeof(ngx_http_elaaoms_answer_t));
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(a, offsetof(ngx_http_elaaoms_answer_t, vars));

    if (in->caller[0]) {
        /* an unusable document: the caller is answered as unknown */
        ngx_http_elaaoms_answer_profile(in->profile, a);

        if (in->doc.len) {
            (void) ngx_http_elaaoms_answer_doc(r, &in->doc, a,
                                               a->allow_prompt
                                               && a->profile_prompt.len);
        }
    }

    if (ngx_http_elaaoms_escape(r->pool, in->caller, ngx_strlen(in->caller),
                                &caller) != NGX_OK
        || ngx_http_elaaoms_escape(r->pool,
                                   (char *) elcf->default_first_message.data,
                                   elcf->default_first_message.len, &dflt)
           != NGX_OK)
    {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    /* the personalised message, else the agent's own, else ours */
    first = a->first_message.len ? a->first_message
            : a->profile_first_message.len ? a->profile_first_message
            : dflt;

    /*
     * Overrides the agent has not enabled make ElevenLabs refuse the call:
     * only what the cached profile allows, or what the configuration
     * forces.  The agent's own first message needs no override.
     */
    send_first = elcf->first_message_override
                 || (a->allow_first_message
                     && !ngx_http_elaaoms_jstr_eq(&first,
                                                  &a->profile_first_message));

    send_prompt = a->allow_prompt && a->profile_prompt.len > 0
                  && a->prompt_addition.len > 0;

    o.p = NULL;
    o.len = 0;
    ngx_http_elaaoms_answer_write(r, a, &caller, &first, send_first,
                                  send_prompt, &o);

    o.p = ngx_pnalloc(r->pool, o.len);
    if (o.p == NULL) {
        rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
        goto done;
    }

    {
        u_char  *start = o.p;
        size_t   len = o.len;

        o.len = 0;
        ngx_http_elaaoms_answer_write(r, a, &caller, &first, send_first,
                                      send_prompt, &o);

        if (o.len != len || (size_t) (o.p - start) != len) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "elaaoms: client-data answer measured %uz bytes, "
                          "wrote %uz", len, o.len);
            rc = NGX_HTTP_INTERNAL_SERVER_ERROR;
            goto done;
        }

        ngx_http_elaaoms_answer_shared(r, a, shared, set);

        /* the answer is in r->pool already: sent where it is */
        rc = ngx_http_elaaoms_send_json_pool(r, NGX_HTTP_OK, start, len, 0);
    }

done:

    return rc;
}
