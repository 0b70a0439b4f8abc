/*
 * Provider embeddings at search time.  When the worker embeds memories
 * with a provider ("embedder openai"), search-memory gets the question's
 * vector from the same provider, so that paraphrases meet in the
 * provider's space (lib/search/search_rank.h), without ever blocking:
 *
 *   - the cache first: GET elaaoms:<org>:qvec:<model>:<dims>:<sha256>
 *     (lib/store/redis_keys.h), pipelined with the search's HGETALL;
 *   - on a miss, and only when the caller has records of the model, a
 *     background subrequest to the internal location named by
 *     elaaoms_search_embed_location, which the operator points at the
 *     provider with proxy_pass (and the key: $elaaoms_embed_key, read
 *     from elaaoms_embed_key_file at configuration time).  Its answer is
 *     kept in memory (subrequest_output_buffer_size must hold it), read
 *     with lib/search/embed_wire.h, checked against the records'
 *     dimension and cached for ELAAOMS_QVEC_TTL seconds;
 *   - a timer (elaaoms_search_embed_timeout, 800 ms): past it the search
 *     answers with the offline scores it already has.  The subrequest is
 *     a background one (nothing of it is ever output) and is cancelled
 *     there: its upstream is finalized through the cleanup nginx
 *     registered for it, as a terminated request's would be, so the
 *     client's connection is not held until the provider answers.  nginx
 *     keeps the request and its pool, where everything here lives, while
 *     a subrequest is alive; the timer is deleted with the pool.
 *
 * The main request's headers are never passed on: the subrequest gets a
 * header list of its own (Content-Type only), so the tool's secret or
 * ElevenLabs' signature never reach the provider.  The key is never
 * logged by this module; nginx's proxy module logs upstream request
 * headers at debug level, the Authorization header included (README).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_embed.h"
#include "search/embed.h"
#include "search/embed_wire.h"
#include "store/redis_keys.h"


#define NGX_HTTP_ELAAOMS_EMBED_MODEL_MAX  128


typedef struct {
    ngx_str_t                      location;    /* "" when off */
    ngx_str_t                      model;       /* NUL-terminated */
    ngx_int_t                      dimensions;  /* 0: the model's own */
    ngx_msec_t                     timeout;
    ngx_str_t                      key;         /* never logged */
} ngx_http_elaaoms_embed_loc_conf_t;


struct ngx_http_elaaoms_embed_s {
    ngx_http_request_t                 *request;
    ngx_http_request_t                 *subrequest;
    ngx_http_elaaoms_embed_loc_conf_t  *conf;
    ngx_str_t                           text;      /* as sent, NUL-ended */
    u_char                              key[ELAAOMS_KEY_MAX];
    size_t                              key_len;
    float                              *vec;       /* unit length, pool */
    u_char                             *q8;        /* vec, to cache */
    size_t                              dim;
    size_t                              want_dim;  /* the records' */
    ngx_event_t                         timer;
    ngx_http_elaaoms_embed_pt           done;
    void                               *data;
    ngx_msec_t                          start;
    unsigned                            looked_up:1;
    unsigned                            fetched:1;   /* asked, once */
    unsigned                            waiting:1;   /* done not run yet */
    unsigned                            answered:1;
};


static ngx_int_t ngx_http_elaaoms_embed_add_variables(ngx_conf_t *cf);
static void *ngx_http_elaaoms_embed_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_elaaoms_embed_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static char *ngx_http_elaaoms_embed_location(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_elaaoms_embed_model(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_embed_key_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_elaaoms_embed_key_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_elaaoms_embed_answered(ngx_http_request_t *sr,
    void *data, ngx_int_t rc);
static float *ngx_http_elaaoms_embed_read(ngx_http_elaaoms_embed_t *e,
    ngx_http_request_t *sr, ngx_int_t rc, size_t *dim);
static void ngx_http_elaaoms_embed_resume(ngx_http_request_t *r);
static void ngx_http_elaaoms_embed_timeout(ngx_event_t *ev);
static void ngx_http_elaaoms_embed_cancel(ngx_http_elaaoms_embed_t *e);
static void ngx_http_elaaoms_embed_cleanup(void *data);
static void ngx_http_elaaoms_embed_store(ngx_http_elaaoms_embed_t *e);
static void ngx_http_elaaoms_embed_stored(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_embed_store_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);


static ngx_conf_num_bounds_t  ngx_http_elaaoms_embed_dim_bounds = {
    ngx_conf_check_num_bounds, 0, ELAAOMS_MEMORY_MAX_DIM
};


static ngx_command_t  ngx_http_elaaoms_embed_commands[] = {

    { ngx_string("elaaoms_search_embed_location"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_embed_location,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_search_embed_model"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_embed_model,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_search_embed_dimensions"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_embed_loc_conf_t, dimensions),
      &ngx_http_elaaoms_embed_dim_bounds },

    { ngx_string("elaaoms_search_embed_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_embed_loc_conf_t, timeout),
      NULL },

    { ngx_string("elaaoms_embed_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_embed_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_elaaoms_embed_module_ctx = {
    ngx_http_elaaoms_embed_add_variables,  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_elaaoms_embed_create_loc_conf, /* create location configuration */
    ngx_http_elaaoms_embed_merge_loc_conf  /* merge location configuration */
};


ngx_module_t  ngx_http_elaaoms_embed_module = {
    NGX_MODULE_V1,
    &ngx_http_elaaoms_embed_module_ctx,    /* module context */
    ngx_http_elaaoms_embed_commands,       /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_str_t  ngx_http_elaaoms_embed_key_name =
    ngx_string("elaaoms_embed_key");

static ngx_str_t  ngx_http_elaaoms_embed_post = ngx_string("POST");

/* a wrong dimension is a configuration mistake: warned of once a worker */
static ngx_uint_t  ngx_http_elaaoms_embed_dim_warned;


/* --- configuration ------------------------------------------------------ */

static ngx_int_t
ngx_http_elaaoms_embed_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var;

    var = ngx_http_add_variable(cf, &ngx_http_elaaoms_embed_key_name,
                                NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_ERROR;
    }

    var->get_handler = ngx_http_elaaoms_embed_key_variable;

    return NGX_OK;
}


static void *
ngx_http_elaaoms_embed_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_elaaoms_embed_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_elaaoms_embed_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->location = { 0, NULL };
     *     conf->model = { 0, NULL };
     *     conf->key = { 0, NULL };
     */

    conf->dimensions = NGX_CONF_UNSET;
    conf->timeout = NGX_CONF_UNSET_MSEC;

    return conf;
}


static char *
ngx_http_elaaoms_embed_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_elaaoms_embed_loc_conf_t *prev = parent;
    ngx_http_elaaoms_embed_loc_conf_t *conf = child;

    if (conf->location.data == NULL) {
        conf->location = prev->location;
    }

    /* the worker's default (clients/embed_openai.h) */
    ngx_conf_merge_str_value(conf->model, prev->model,
                             "text-embedding-3-small");
    ngx_conf_merge_value(conf->dimensions, prev->dimensions, 0);
    ngx_conf_merge_msec_value(conf->timeout, prev->timeout, 800);

    if (conf->key.data == NULL) {
        conf->key = prev->key;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_embed_location(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_embed_loc_conf_t *eecf = conf;

    ngx_str_t  *value;

    if (eecf->location.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        ngx_str_set(&eecf->location, "");
        return NGX_CONF_OK;
    }

    /* a location of this server, reached by a subrequest */
    if (value[1].len < 2 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is not an internal location's URI "
                           "(\"/...\") or \"off\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    eecf->location = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_embed_model(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_elaaoms_embed_loc_conf_t *eecf = conf;

    u_char     *p;
    ngx_str_t  *value;

    if (eecf->model.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    /* it is part of a Redis key and of the records' model names */
    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || ngx_strchr("._:/-", *p)))
        {
            break;
        }
    }

    if (value[1].len == 0 || p != value[1].data + value[1].len
        || value[1].len > NGX_HTTP_ELAAOMS_EMBED_MODEL_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid model name \"%V\": 1-%d of "
                           "[A-Za-z0-9._:/-]", &value[1],
                           NGX_HTTP_ELAAOMS_EMBED_MODEL_MAX);
        return NGX_CONF_ERROR;
    }

    eecf->model = value[1];

    return NGX_CONF_OK;
}


/*
 * Read once, by the master (so the file can be root's, mode 0600), and
 * kept in the configuration's memory; the errors name the file, never
 * its content.
 */
static char *
ngx_http_elaaoms_embed_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_embed_loc_conf_t *eecf = conf;

    ngx_str_t  *value;

    if (eecf->key.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    return ngx_http_elaaoms_conf_read_secret(cf, &value[1], "key",
                                             &eecf->key);
}


/*
 * $elaaoms_embed_key: the key, in subrequests only (the internal location
 * that proxies to the provider); empty in any client's request, so that
 * no add_header or log_format of a public location can show it.
 */
static ngx_int_t
ngx_http_elaaoms_embed_key_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_elaaoms_embed_loc_conf_t  *eecf;

    eecf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_embed_module);

    if (r == r->main || eecf->key.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->len = eecf->key.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->data = eecf->key.data;

    return NGX_OK;
}


/* --- the search's side -------------------------------------------------- */

ngx_http_elaaoms_embed_t *
ngx_http_elaaoms_embed_create(ngx_http_request_t *r, const char *org,
    const char *query)
{
    int                                 n;
    size_t                              len, qlen;
    ngx_pool_cleanup_t                 *cln;
    ngx_http_elaaoms_embed_t           *e;
    ngx_http_elaaoms_embed_loc_conf_t  *eecf;

    eecf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_embed_module);

    if (eecf->location.len == 0 || query == NULL) {
        return NULL;
    }

    e = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_embed_t));
    if (e == NULL) {
        return NULL;
    }

    qlen = ngx_strlen(query);

    e->text.data = ngx_pnalloc(r->pool, qlen + 1);
    if (e->text.data == NULL) {
        return NULL;
    }

    len = elaaoms_embed_wire_text(query, qlen, (char *) e->text.data,
                                  qlen + 1);
    if (len == 0 || len > qlen) {
        return NULL;
    }

    e->text.len = len;

    n = elaaoms_key_qvec((char *) e->key, sizeof(e->key), org,
                         (const char *) eecf->model.data,
                         (int) eecf->dimensions, (const char *) e->text.data,
                         e->text.len);
    if (n < 0) {
        return NULL;
    }

    /* the timer never outlives the request */
    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_elaaoms_embed_cleanup;
    cln->data = e;

    e->key_len = n;
    e->request = r;
    e->conf = eecf;

    e->timer.handler = ngx_http_elaaoms_embed_timeout;
    e->timer.data = e;
    e->timer.log = r->connection->log;

    /* where the search's resumption finds it */
    ngx_http_set_ctx(r, e, ngx_http_elaaoms_embed_module);

    return e;
}


ngx_int_t
ngx_http_elaaoms_embed_lookup(ngx_http_elaaoms_embed_t *e,
    ngx_http_elaaoms_batch_t *b)
{
    ngx_http_elaaoms_args_t  a;

    if (e->looked_up) {
        return NGX_DECLINED;
    }

    e->looked_up = 1;

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "GET");
    ngx_http_elaaoms_arg(&a, e->key, e->key_len);

    return ngx_http_elaaoms_batch_add_args(b, &a);
}


/* a vector of dim floats in the request pool, unit length, from q8 bytes */
static float *
ngx_http_elaaoms_embed_unpack(ngx_http_elaaoms_embed_t *e, const void *q8,
    size_t dim)
{
    float  *v;

    v = ngx_palloc(e->request->pool, dim * sizeof(float));
    if (v != NULL) {
        elaaoms_vec_unpack_q8(q8, dim, v);
    }

    return v;
}


void
ngx_http_elaaoms_embed_cached(ngx_http_elaaoms_embed_t *e, redisReply *reply)
{
    if (reply->type != REDIS_REPLY_STRING || reply->len == 0
        || reply->len > ELAAOMS_MEMORY_MAX_DIM)
    {
        /* nil: not asked in the last 24 hours */
        return;
    }

    e->vec = ngx_http_elaaoms_embed_unpack(e, reply->str, reply->len);
    e->dim = e->vec ? reply->len : 0;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, e->request->connection->log, 0,
                   "elaaoms: search-memory: the question's vector cached, "
                   "%uz dimensions", e->dim);
}


ngx_uint_t
ngx_http_elaaoms_embed_prepare(ngx_http_elaaoms_embed_t *e,
    elaaoms_search_request_t *sr, const elaaoms_memory_record_t *recs,
    size_t n)
{
    size_t          i;
    elaaoms_mstr_t  model;

    sr->qvec = NULL;
    sr->qvec_model = NULL;
    sr->qvec_dim = 0;

    model.data = (const char *) e->conf->model.data;
    model.len = e->conf->model.len;

    for (i = 0; i < n; i++) {
        if (recs[i].dim > 0 && elaaoms_mstr_eq(recs[i].embed_model, model)) {
            break;
        }
    }

    if (i == n) {
        /* no record of the model: nothing to ask the provider for */
        return 0;
    }

    e->want_dim = recs[i].dim;

    if (e->vec != NULL && e->dim == e->want_dim) {
        sr->qvec = e->vec;
        sr->qvec_model = (const char *) e->conf->model.data;
        sr->qvec_dim = e->dim;
        return 0;
    }

    /* a cached vector of another dimension: the records changed */
    e->vec = NULL;
    e->dim = 0;

    return !e->fetched;
}


ngx_uint_t
ngx_http_elaaoms_embed_ready(ngx_http_elaaoms_embed_t *e)
{
    return e->vec != NULL;
}


ngx_int_t
ngx_http_elaaoms_embed_fetch(ngx_http_elaaoms_embed_t *e,
    ngx_http_elaaoms_embed_pt done, void *data)
{
    int                          rc;
    char                        *json;
    size_t                       len;
    ngx_buf_t                   *b;
    ngx_table_elt_t             *h;
    ngx_http_request_t          *r, *sr;
    const char                  *texts[1];
    ngx_http_request_body_t     *rb;
    ngx_http_post_subrequest_t  *ps;

    r = e->request;
    e->fetched = 1;

    texts[0] = (const char *) e->text.data;

    rc = elaaoms_embed_wire_request((const char *) e->conf->model.data,
                                    (int) e->conf->dimensions, texts, 1,
                                    &json, &len);
    if (rc != ELAAOMS_EMBED_WIRE_OK) {
        /* invalid UTF-8 in the question: the offline scores only */
        return NGX_DECLINED;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        free(json);
        return NGX_DECLINED;
    }

    b->last = ngx_cpymem(b->pos, json, len);
    b->last_buf = 1;
    b->last_in_chain = 1;
    free(json);

    rb = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (rb == NULL || ps == NULL) {
        return NGX_DECLINED;
    }

    rb->bufs = ngx_alloc_chain_link(r->pool);
    if (rb->bufs == NULL) {
        return NGX_DECLINED;
    }

    rb->bufs->buf = b;
    rb->bufs->next = NULL;

    ps->handler = ngx_http_elaaoms_embed_answered;
    ps->data = e;

    /*
     * background: the search's answer is never held back by it, and a
     * late answer still ends in the cache
     */
    if (ngx_http_subrequest(r, &e->conf->location, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |NGX_HTTP_SUBREQUEST_BACKGROUND)
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    sr->method = NGX_HTTP_POST;
    sr->method_name = ngx_http_elaaoms_embed_post;
    sr->request_body = rb;

    /* a header list of its own: the client's headers stay here */
    if (ngx_list_init(&sr->headers_in.headers, r->pool, 2,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_DECLINED;
    }

    h = ngx_list_push(&sr->headers_in.headers);
    if (h == NULL) {
        return NGX_DECLINED;
    }

    ngx_memzero(h, sizeof(ngx_table_elt_t));
    h->hash = 1;
    ngx_str_set(&h->key, "Content-Type");
    ngx_str_set(&h->value, "application/json");
    h->lowcase_key = (u_char *) "content-type";

    sr->headers_in.content_type = h;
    sr->headers_in.content_length = NULL;
    sr->headers_in.content_length_n = b->last - b->pos;
    sr->headers_in.transfer_encoding = NULL;
    sr->headers_in.chunked = 0;

    e->subrequest = sr;
    e->done = done;
    e->data = data;
    e->waiting = 1;
    e->start = ngx_current_msec;

    ngx_add_timer(&e->timer, e->conf->timeout);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "elaaoms: search-memory: asking \"%V\" for the question's "
                   "vector", &e->conf->location);

    /* called from a Redis reply, not from nginx's request loop: start it */
    ngx_http_run_posted_requests(r->connection);

    return NGX_DONE;
}


/*
 * The subrequest's end (also after a special response: once is enough).
 * Called from ngx_http_finalize_request(): the search resumes from the
 * posted requests, never from here.
 */
static ngx_int_t
ngx_http_elaaoms_embed_answered(ngx_http_request_t *sr, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_embed_t *e = data;

    float   *v;
    size_t   dim;

    if (e->answered) {
        return rc;
    }

    e->answered = 1;

    v = ngx_http_elaaoms_embed_read(e, sr, rc, &dim);

    if (v != NULL) {
        e->vec = v;
        e->dim = dim;
        ngx_http_elaaoms_embed_store(e);
    }

    if (!e->waiting) {
        /* answered past the timeout but before it was cancelled: kept
           for the next question only */
        return rc;
    }

    e->waiting = 0;

    if (e->timer.timer_set) {
        ngx_del_timer(&e->timer);
    }

    e->request->write_event_handler = ngx_http_elaaoms_embed_resume;

    if (ngx_http_post_request(e->request, NULL) != NGX_OK) {
        return NGX_ERROR;
    }

    return rc;
}


/* the answer's vector, checked; NULL (and why, logged) otherwise */
static float *
ngx_http_elaaoms_embed_read(ngx_http_elaaoms_embed_t *e,
    ngx_http_request_t *sr, ngx_int_t rc, size_t *dim)
{
    char          err[128];
    float        *vec, *v;
    u_char       *text;
    size_t        len, d;
    ngx_buf_t    *b;
    ngx_uint_t    level;
    ngx_log_t    *log;

    log = sr->connection->log;

    if (rc != NGX_OK || sr->headers_out.status != NGX_HTTP_OK) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "elaaoms: search-memory: the embeddings provider "
                      "answered %ui (rc %i) after %M ms: offline scores",
                      sr->headers_out.status, rc,
                      ngx_current_msec - e->start);
        return NULL;
    }

    b = sr->out ? sr->out->buf : NULL;
    len = b ? (size_t) (b->last - b->pos) : 0;

    text = ngx_pnalloc(e->request->pool, len + 1);
    if (text == NULL) {
        return NULL;
    }

    if (len) {
        ngx_memcpy(text, b->pos, len);
    }
    text[len] = '\0';

    if (elaaoms_embed_wire_parse((const char *) text, 1, 0, &vec, &d, NULL,
                                 err, sizeof(err))
        != ELAAOMS_EMBED_WIRE_OK)
    {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "elaaoms: search-memory: the embeddings provider's "
                      "answer is unusable (%s): offline scores", err);
        return NULL;
    }

    /* the records' dimension, when this request saw records */
    if (e->want_dim && d != e->want_dim) {
        level = ngx_http_elaaoms_embed_dim_warned ? NGX_LOG_INFO
                                                  : NGX_LOG_WARN;
        ngx_http_elaaoms_embed_dim_warned = 1;

        ngx_log_error(level, log, 0,
                      "elaaoms: search-memory: \"%V\" answered %uz "
                      "dimensions, the memories hold %uz: offline scores "
                      "(elaaoms_search_embed_model and _dimensions must be "
                      "the worker's)", &e->conf->model, d, e->want_dim);
        free(vec);
        return NULL;
    }

    /* through q8, as it is cached: a hit and a miss score alike */
    e->q8 = ngx_pnalloc(e->request->pool, d);
    if (e->q8 == NULL) {
        free(vec);
        return NULL;
    }

    elaaoms_vec_pack_q8(vec, d, e->q8);
    free(vec);

    v = ngx_http_elaaoms_embed_unpack(e, e->q8, d);
    if (v == NULL) {
        return NULL;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                   "elaaoms: search-memory: the question's vector, %uz "
                   "dimensions, in %M ms", d, ngx_current_msec - e->start);

    *dim = d;

    return v;
}


static void
ngx_http_elaaoms_embed_resume(ngx_http_request_t *r)
{
    ngx_http_elaaoms_embed_t  *e;

    r->write_event_handler = ngx_http_request_empty_handler;

    e = ngx_http_get_module_ctx(r, ngx_http_elaaoms_embed_module);
    if (e != NULL) {
        e->done(r, e->data);
    }
}


static void
ngx_http_elaaoms_embed_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_embed_t *e = ev->data;

    if (!e->waiting) {
        return;
    }

    e->waiting = 0;

    ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                  "elaaoms: search-memory: the embeddings provider did not "
                  "answer within %M ms: offline scores", e->conf->timeout);

    ngx_http_elaaoms_embed_cancel(e);

    /* from the timer, not from a finalization: the search answers now */
    e->done(e->request, e->data);
}


/*
 * Ends the subrequest's upstream as nginx does for a terminated request
 * (ngx_http_upstream_cleanup(), through the pointer the upstream keeps to
 * its cleanup handler): the provider's connection is closed, the
 * subrequest finalized without an answer (its handler does not run).  A
 * subrequest that has not reached its upstream yet runs to its end.
 */
static void
ngx_http_elaaoms_embed_cancel(ngx_http_elaaoms_embed_t *e)
{
    ngx_http_upstream_t  *u;

    u = e->subrequest->upstream;

    if (e->answered || u == NULL || u->cleanup == NULL
        || *u->cleanup == NULL)
    {
        return;
    }

    e->answered = 1;

    (*u->cleanup)(e->subrequest);
}


static void
ngx_http_elaaoms_embed_cleanup(void *data)
{
    ngx_http_elaaoms_embed_t *e = data;

    if (e->timer.timer_set) {
        ngx_del_timer(&e->timer);
    }
}


/* SET key <q8> EX 86400; nobody waits for it */
static void
ngx_http_elaaoms_embed_store(ngx_http_elaaoms_embed_t *e)
{
    u_char                    ttl[NGX_INT_T_LEN];
    ngx_http_elaaoms_args_t   a;
    ngx_http_elaaoms_batch_t *b;

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "SET");
    ngx_http_elaaoms_arg(&a, e->key, e->key_len);
    ngx_http_elaaoms_arg(&a, e->q8, e->dim);
    ngx_http_elaaoms_arg_str(&a, "EX");
    ngx_http_elaaoms_arg(&a, ttl,
                         ngx_sprintf(ttl, "%d", ELAAOMS_QVEC_TTL) - ttl);

    b = ngx_http_elaaoms_batch_create(e->request,
                                      ngx_http_elaaoms_embed_stored,
                                      ngx_http_elaaoms_embed_store_done, e);

    if (b == NULL
        || ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK
        || ngx_http_elaaoms_batch_run(b) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_INFO, e->request->connection->log, 0,
                      "elaaoms: search-memory: the question's vector not "
                      "cached: redis unavailable");
    }
}


static void
ngx_http_elaaoms_embed_stored(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: search-memory: caching the question's "
                      "vector failed: %s", reply->str);
    }
}


static void
ngx_http_elaaoms_embed_store_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    /* void: the next question reads the cache or asks again */
}
