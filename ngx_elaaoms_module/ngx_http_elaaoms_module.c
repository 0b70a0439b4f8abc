/*
 * ngx_http_elaaoms_module: directives, configuration and the per-worker
 * life cycle.  The handlers live in one file per concern.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_metrics.h"
#include "ngx_http_elaaoms_redis.h"
#include "ngx_http_elaaoms_search_cache.h"
#include "intake/ids.h"
#include "search/relevance.h"
#include "search/search_request.h"


static void *ngx_http_elaaoms_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_elaaoms_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_elaaoms_create_srv_conf(ngx_conf_t *cf);
static void *ngx_http_elaaoms_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_elaaoms_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_elaaoms_admin(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_admin_secret(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_elaaoms_health(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_metrics(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_webhook(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_elaaoms_signature_secret(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_elaaoms_shared_secret(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_elaaoms_merge_auth(ngx_conf_t *cf,
    ngx_http_elaaoms_loc_conf_t *conf);
static void ngx_http_elaaoms_warn_same_secret(ngx_conf_t *cf,
    ngx_http_elaaoms_loc_conf_t *conf);
static char *ngx_http_elaaoms_check_org(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_elaaoms_search_threshold(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_elaaoms_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_elaaoms_postconfiguration(ngx_conf_t *cf);
static void ngx_http_elaaoms_mark_used(ngx_conf_t *cf);
static ngx_int_t ngx_http_elaaoms_content_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_init_process(ngx_cycle_t *cycle);
static void ngx_http_elaaoms_exit_process(ngx_cycle_t *cycle);


static ngx_conf_post_t  ngx_http_elaaoms_org_post =
    { ngx_http_elaaoms_check_org };


static ngx_conf_num_bounds_t  ngx_http_elaaoms_max_limit_bounds = {
    ngx_conf_check_num_bounds, 1, ELAAOMS_SEARCH_MAX_LIMIT
};


static ngx_command_t  ngx_http_elaaoms_commands[] = {

    { ngx_string("elaaoms_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_elaaoms_redis_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_redis_auth"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_elaaoms_redis_auth_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_redis_auth_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_elaaoms_redis_auth_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      1,
      NULL },

    { ngx_string("elaaoms_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_main_conf_t, redis.timeout),
      NULL },

    { ngx_string("elaaoms_health"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_elaaoms_health,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_elaaoms_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_elaaoms_metrics,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_admin"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_elaaoms_admin,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_admin_secret"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_elaaoms_admin_secret,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_webhook"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_webhook,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_signature_secret"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_signature_secret,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_signature_tolerance"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, signature_tolerance),
      NULL },

    { ngx_string("elaaoms_shared_secret"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_elaaoms_shared_secret,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_auth"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, auth),
      NULL },

    { ngx_string("elaaoms_org"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, org),
      &ngx_http_elaaoms_org_post },

    { ngx_string("elaaoms_payload_dir"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, payload_dir),
      NULL },

    { ngx_string("elaaoms_default_first_message"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, default_first_message),
      NULL },

    { ngx_string("elaaoms_first_message_override"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, first_message_override),
      NULL },

    { ngx_string("elaaoms_search_threshold"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_search_threshold,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, search_threshold),
      NULL },

    { ngx_string("elaaoms_search_binding"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, search_binding),
      NULL },

    { ngx_string("elaaoms_search_min_threshold"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_search_threshold,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, search_min_threshold),
      NULL },

    { ngx_string("elaaoms_health_queue_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, health_queue_age),
      NULL },

    { ngx_string("elaaoms_health_failure_ratio"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_search_threshold,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, health_failure_ratio),
      NULL },

    { ngx_string("elaaoms_search_max_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, search_max_limit),
      &ngx_http_elaaoms_max_limit_bounds },

    { ngx_string("elaaoms_search_get"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, search_get),
      NULL },

    { ngx_string("elaaoms_search_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_search_cache_conf,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("elaaoms_call_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, call_ttl),
      NULL },

    { ngx_string("elaaoms_body_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, body_limit),
      NULL },

    { ngx_string("elaaoms_audit_retention"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_elaaoms_loc_conf_t, audit_retention),
      NULL },

    { ngx_string("elaaoms_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_elaaoms_thread_pool,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_elaaoms_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_elaaoms_postconfiguration,    /* postconfiguration */

    ngx_http_elaaoms_create_main_conf,     /* create main configuration */
    ngx_http_elaaoms_init_main_conf,       /* init main configuration */

    ngx_http_elaaoms_create_srv_conf,      /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_elaaoms_create_loc_conf,      /* create location configuration */
    ngx_http_elaaoms_merge_loc_conf        /* merge location configuration */
};


ngx_module_t  ngx_http_elaaoms_module = {
    NGX_MODULE_V1,
    &ngx_http_elaaoms_module_ctx,          /* module context */
    ngx_http_elaaoms_commands,             /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_elaaoms_init_process,         /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_elaaoms_exit_process,         /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_str_t  ngx_http_elaaoms_request_id_name = ngx_string("request_id");


static void *
ngx_http_elaaoms_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_elaaoms_main_conf_t  *emcf;

    emcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_elaaoms_main_conf_t));
    if (emcf == NULL) {
        return NULL;
    }

    emcf->redis.timeout = NGX_CONF_UNSET_MSEC;

    return emcf;
}


static char *
ngx_http_elaaoms_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_elaaoms_main_conf_t *emcf = conf;

    ngx_conf_init_msec_value(emcf->redis.timeout, 1000);

    if (!emcf->redis.configured) {
        /* the default address, as redis-server's own */
        (void) ngx_cpystrn(emcf->redis.host, (u_char *) "127.0.0.1",
                           sizeof(emcf->redis.host));
        emcf->redis.port = 6379;
        ngx_str_set(&emcf->redis.addr, "127.0.0.1:6379");
    }

    /* $request_id is in every response and log line of the module */
    emcf->request_id_index = ngx_http_get_variable_index(cf,
                                          &ngx_http_elaaoms_request_id_name);
    if (emcf->request_id_index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_elaaoms_create_srv_conf(ngx_conf_t *cf)
{
    /* ngx_pcalloc(): used = 0 until a location of the module is merged */
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_elaaoms_srv_conf_t));
}


static void *
ngx_http_elaaoms_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_elaaoms_loc_conf_t));
    if (elcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     elcf->handler = NULL;
     *     elcf->shared_header = { 0, NULL };
     *     elcf->shared_value = NULL;
     *     elcf->org = { 0, NULL };
     *     elcf->payload_dir = { 0, NULL };
     *     elcf->default_first_message = { 0, NULL };
     */

    elcf->signature_secrets = NGX_CONF_UNSET_PTR;
    elcf->signature_tolerance = NGX_CONF_UNSET;
    elcf->auth = NGX_CONF_UNSET;
    elcf->first_message_override = NGX_CONF_UNSET;
    elcf->search_threshold = NGX_CONF_UNSET;
    elcf->search_binding = NGX_CONF_UNSET;
    elcf->search_min_threshold = NGX_CONF_UNSET;
    elcf->search_max_limit = NGX_CONF_UNSET;
    elcf->search_get = NGX_CONF_UNSET;
    elcf->search_cache = NGX_CONF_UNSET_PTR;
    elcf->call_ttl = NGX_CONF_UNSET;
    elcf->health_queue_age = NGX_CONF_UNSET;
    elcf->health_failure_ratio = NGX_CONF_UNSET;
    elcf->body_limit = NGX_CONF_UNSET_SIZE;
    elcf->audit_retention = NGX_CONF_UNSET;

#if (NGX_THREADS)
    elcf->thread_pool = NGX_CONF_UNSET_PTR;
#endif

    return elcf;
}


static char *
ngx_http_elaaoms_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_elaaoms_loc_conf_t *prev = parent;
    ngx_http_elaaoms_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t     *clcf;
    ngx_http_elaaoms_srv_conf_t  *escf;

    ngx_conf_merge_ptr_value(conf->signature_secrets,
                             prev->signature_secrets, NULL);
    ngx_conf_merge_sec_value(conf->signature_tolerance,
                             prev->signature_tolerance, 1800);

    /* "elaaoms_shared_secret off" stops the outer level's header here */
    if (conf->shared_value == NULL && !conf->shared_off) {
        conf->shared_header = prev->shared_header;
        conf->shared_value = prev->shared_value;
    }

    ngx_conf_merge_value(conf->auth, prev->auth, 1);

    ngx_conf_merge_str_value(conf->org, prev->org, "default");
    ngx_conf_merge_str_value(conf->payload_dir, prev->payload_dir,
                             "payloads");
    ngx_conf_merge_str_value(conf->default_first_message,
                             prev->default_first_message,
                             "Hello! How can I help you today?");
    ngx_conf_merge_value(conf->first_message_override,
                         prev->first_message_override, 0);

    /* the relevance scorer's calibrated default for the offline embedder */
    ngx_conf_merge_value(conf->search_threshold, prev->search_threshold,
                         (ngx_int_t) (ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD
                                      * NGX_HTTP_ELAAOMS_THRESHOLD_SCALE
                                      + 0.5));

    ngx_conf_merge_value(conf->search_binding, prev->search_binding, 1);
    ngx_conf_merge_value(conf->search_min_threshold,
                         prev->search_min_threshold,
                         (ngx_int_t) (0.3 * NGX_HTTP_ELAAOMS_THRESHOLD_SCALE));
    ngx_conf_merge_value(conf->search_max_limit, prev->search_max_limit, 20);
    ngx_conf_merge_value(conf->search_get, prev->search_get, 0);
    ngx_conf_merge_ptr_value(conf->search_cache, prev->search_cache, NULL);
    ngx_conf_merge_sec_value(conf->call_ttl, prev->call_ttl, 4 * 3600);
    ngx_conf_merge_sec_value(conf->health_queue_age, prev->health_queue_age,
                             600);
    ngx_conf_merge_value(conf->health_failure_ratio,
                         prev->health_failure_ratio,
                         (ngx_int_t) (0.5 * NGX_HTTP_ELAAOMS_THRESHOLD_SCALE));
    ngx_conf_merge_sec_value(conf->audit_retention, prev->audit_retention,
                             400 * 86400);

    /*
     * client-data and search-memory bodies are a few hundred bytes: they
     * get a small limit of their own unless one is configured; post-call
     * (recordings) keeps client_max_body_size alone
     */
    ngx_conf_merge_size_value(conf->body_limit, prev->body_limit,
                              NGX_CONF_UNSET_SIZE);

    /* resolved where the webhook is: outer levels leave it unset */
    if (conf->body_limit == NGX_CONF_UNSET_SIZE && conf->handler) {
        conf->body_limit =
            (conf->handler == ngx_http_elaaoms_client_data_handler
             || conf->handler == ngx_http_elaaoms_search_memory_handler)
            ? NGX_HTTP_ELAAOMS_SMALL_BODY : 0;
    }

    /*
     * nginx enforces it while reading, chunked bodies included, and answers
     * its own 413 (JSON here): the lower of client_max_body_size (merged
     * before this module's, core modules come first) and the limit
     */
    if (conf->handler && conf->body_limit
        && conf->body_limit != NGX_CONF_UNSET_SIZE)
    {
        clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

        if (clcf->client_max_body_size == 0
            || clcf->client_max_body_size > (off_t) conf->body_limit)
        {
            clcf->client_max_body_size = (off_t) conf->body_limit;
        }
    }

#if (NGX_THREADS)
    /* unset stays unset through server and location levels ... */
    ngx_conf_merge_ptr_value(conf->thread_pool, prev->thread_pool,
                             NGX_CONF_UNSET_PTR);

    /*
     * ... and becomes nginx's "default" pool only where post-call runs:
     * that pool (32 threads unless "thread_pool default" says otherwise)
     * is created only when referenced, so an nginx without post-call
     * locations starts no threads for this module
     */
    if (conf->thread_pool == NGX_CONF_UNSET_PTR
        && conf->handler == ngx_http_elaaoms_post_call_handler)
    {
        conf->thread_pool = ngx_thread_pool_add(cf, NULL);
        if (conf->thread_pool == NULL) {
            return NGX_CONF_ERROR;
        }
    }
#endif

    if (conf->payload_dir.len && conf->payload_dir.data[0] != '/') {
        if (ngx_conf_full_name(cf->cycle, &conf->payload_dir, 0) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->admin_secret.data == NULL) {
        conf->admin_header = prev->admin_header;
        conf->admin_secret = prev->admin_secret;
    }

    /* fail closed: the admin location erases data, it needs its secret */
    if (conf->handler == ngx_http_elaaoms_admin_handler
        && conf->admin_secret.data == NULL)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"elaaoms_admin\" needs \"elaaoms_admin_secret\"");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_elaaoms_merge_auth(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    conf->json_errors = (conf->handler != NULL
                         || conf->signature_secrets != NULL
                         || conf->shared_value != NULL);

    /*
     * locations are merged with their server's srv_conf in cf->ctx: the
     * log handler is attached only in servers that have one of ours
     */
    if (conf->json_errors) {
        escf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_elaaoms_module);
        escf->used = 1;
    }

    return NGX_CONF_OK;
}


/*
 * Authentication fails closed: a webhook needs a secret, post-call a
 * signature secret (ElevenLabs signs it; a header would be a weaker
 * credential for the one webhook that writes), unless "elaaoms_auth off"
 * says otherwise.  The messages name the elaaoms_webhook line: a merge
 * runs after the whole http block is read.
 */

static char *
ngx_http_elaaoms_merge_auth(ngx_conf_t *cf, ngx_http_elaaoms_loc_conf_t *conf)
{
    if (conf->webhook.len == 0 || !conf->auth) {
        return NGX_CONF_OK;
    }

    if (conf->handler == ngx_http_elaaoms_post_call_handler
        && conf->signature_secrets == NULL)
    {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"elaaoms_webhook post_call\" in %s:%ui accepts "
                      "only signed requests: it needs "
                      "\"elaaoms_signature_secret\" (or \"elaaoms_auth "
                      "off\" to serve it unauthenticated)",
                      conf->webhook_file, conf->webhook_line);
        return NGX_CONF_ERROR;
    }

    if (conf->signature_secrets == NULL && conf->shared_value == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"elaaoms_webhook %V\" in %s:%ui has no secret: it "
                      "needs \"elaaoms_signature_secret\" or "
                      "\"elaaoms_shared_secret\" (or \"elaaoms_auth off\" "
                      "to serve it unauthenticated)",
                      &conf->webhook, conf->webhook_file, conf->webhook_line);
        return NGX_CONF_ERROR;
    }

    ngx_http_elaaoms_warn_same_secret(cf, conf);

    return NGX_CONF_OK;
}


/*
 * A shared secret travels in a header (ElevenLabs' dashboard, proxies,
 * logs): when it is also a signing key, whoever reads it can sign.
 * Compared when both are plain strings; warned once per shared secret.
 */

static void
ngx_http_elaaoms_warn_same_secret(ngx_conf_t *cf,
    ngx_http_elaaoms_loc_conf_t *conf)
{
    void                          **w;
    ngx_uint_t                      i;
    ngx_http_complex_value_t       *cv;
    ngx_http_elaaoms_main_conf_t   *emcf;

    if (conf->shared_value == NULL || conf->shared_value->lengths != NULL
        || conf->signature_secrets == NULL)
    {
        return;
    }

    emcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_elaaoms_module);

    if (emcf->warned) {
        w = emcf->warned->elts;
        for (i = 0; i < emcf->warned->nelts; i++) {
            if (w[i] == conf->shared_value) {
                return;
            }
        }
    }

    cv = conf->signature_secrets->elts;

    for (i = 0; i < conf->signature_secrets->nelts; i++) {
        if (cv[i].lengths != NULL
            || cv[i].value.len != conf->shared_value->value.len
            || ngx_memcmp(cv[i].value.data, conf->shared_value->value.data,
                          cv[i].value.len) != 0)
        {
            continue;
        }

        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "the \"elaaoms_shared_secret %V\" value of "
                      "\"elaaoms_webhook %V\" in %s:%ui is also an "
                      "\"elaaoms_signature_secret\": whoever sees the "
                      "header can sign webhooks; use two secrets",
                      &conf->shared_header, &conf->webhook,
                      conf->webhook_file, conf->webhook_line);

        if (emcf->warned == NULL) {
            emcf->warned = ngx_array_create(cf->pool, 2, sizeof(void *));
            if (emcf->warned == NULL) {
                return;
            }
        }

        w = ngx_array_push(emcf->warned);
        if (w) {
            *w = conf->shared_value;
        }

        return;
    }
}


static ngx_int_t
ngx_http_elaaoms_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_elaaoms_main_conf_t  *emcf;

    /* the JSON error filter is ngx_http_elaaoms_filter_module's */
    if (ngx_http_elaaoms_access_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    /* the metrics' zone and counting, only where the module is used */
    emcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_elaaoms_module);

    if (emcf->used
        && (ngx_http_elaaoms_metrics_zone(cf) != NGX_OK
            || ngx_http_elaaoms_metrics_init(cf) != NGX_OK))
    {
        return NGX_ERROR;
    }

    return ngx_http_elaaoms_log_init(cf);
}


ngx_http_elaaoms_ctx_t *
ngx_http_elaaoms_get_ctx(ngx_http_request_t *r)
{
    ngx_http_elaaoms_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);
    if (ctx) {
        return ctx;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_elaaoms_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_elaaoms_module);

    return ctx;
}


static char *
ngx_http_elaaoms_check_org(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *org = data;

    /* the organization is part of file paths and Redis keys */
    if (!elaaoms_id_valid((const char *) org->data, org->len,
                          ELAAOMS_ORG_MAX))
    {
        return "must be 1 to 64 of letters, digits, \"_\" and \"-\"";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_search_threshold(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char  *p = conf;

    ngx_int_t   n, *field;
    ngx_str_t  *value;

    field = (ngx_int_t *) (p + cmd->offset);

    if (*field != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    /* "0.7", "1", ".65": digits past the fourth decimal are ignored */
    n = ngx_atofp(value[1].data, value[1].len, 4);

    if (n == NGX_ERROR || n > NGX_HTTP_ELAAOMS_THRESHOLD_SCALE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"%V\" in \"%V\", expected a number "
                           "from 0 to 1", &value[1], &cmd->name);
        return NGX_CONF_ERROR;
    }

    *field = n;

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_thread_pool(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
#if (NGX_THREADS)
    ngx_http_elaaoms_loc_conf_t *elcf = conf;
#endif

    ngx_str_t  *value;

    value = cf->args->elts;

#if (NGX_THREADS)

    if (elcf->thread_pool != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    if (ngx_strcmp(value[1].data, "off") == 0) {
        elcf->thread_pool = NULL;
        return NGX_CONF_OK;
    }

    /*
     * as "aio threads=name": the pool is "thread_pool name ..." of the
     * main context (before or after this line), or nginx's "default";
     * an unknown name fails when the configuration is complete
     */
    elcf->thread_pool = ngx_thread_pool_add(cf, &value[1]);
    if (elcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;

#else

    if (ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"elaaoms_thread_pool %V\" needs nginx built "
                       "--with-threads", &value[1]);
    return NGX_CONF_ERROR;

#endif
}


static char *
ngx_http_elaaoms_signature_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_loc_conf_t *elcf = conf;

    ngx_str_t                         *value;
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "must not be empty";
    }

    ngx_http_elaaoms_mark_used(cf);

    if (elcf->signature_secrets == NGX_CONF_UNSET_PTR) {
        elcf->signature_secrets = ngx_array_create(cf->pool, 2,
                                            sizeof(ngx_http_complex_value_t));
        if (elcf->signature_secrets == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    cv = ngx_array_push(elcf->signature_secrets);
    if (cv == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = cv;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_shared_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_loc_conf_t *elcf = conf;

    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;

    if (elcf->shared_value || elcf->shared_off) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2) {
        if (ngx_strcmp(value[1].data, "off") != 0) {
            return "needs a header name and a value, or \"off\"";
        }

        elcf->shared_off = 1;
        return NGX_CONF_OK;
    }

    ngx_http_elaaoms_mark_used(cf);

    if (value[1].len == 0 || value[2].len == 0) {
        return "needs a header name and a non-empty value";
    }

    elcf->shared_header = value[1];

    elcf->shared_value = ngx_palloc(cf->pool,
                                    sizeof(ngx_http_complex_value_t));
    if (elcf->shared_value == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = elcf->shared_value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_elaaoms_mark_used(ngx_conf_t *cf)
{
    ngx_http_elaaoms_main_conf_t  *emcf;

    emcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_elaaoms_module);
    emcf->used = 1;
}


static char *
ngx_http_elaaoms_set_handler(ngx_conf_t *cf, ngx_http_elaaoms_loc_conf_t *elcf,
    ngx_http_elaaoms_content_pt handler)
{
    ngx_http_core_loc_conf_t  *clcf;

    if (elcf->handler) {
        return "is duplicate";
    }

    elcf->handler = handler;

    ngx_http_elaaoms_mark_used(cf);

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_elaaoms_content_handler;

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_admin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_elaaoms_set_handler(cf, conf,
                                        ngx_http_elaaoms_admin_handler);
}


/* a literal: the secret is compared as it is, in constant time */
static char *
ngx_http_elaaoms_admin_secret(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_elaaoms_loc_conf_t *elcf = conf;

    ngx_str_t  *value;

    if (elcf->admin_secret.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[2].len < 16) {
        return "needs a header name and a value of at least 16 characters";
    }

    elcf->admin_header = value[1];
    elcf->admin_secret = value[2];

    return NGX_CONF_OK;
}


static char *
ngx_http_elaaoms_health(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_elaaoms_set_handler(cf, conf,
                                        ngx_http_elaaoms_health_handler);
}


static char *
ngx_http_elaaoms_metrics(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_elaaoms_set_handler(cf, conf,
                                        ngx_http_elaaoms_metrics_handler);
}


static char *
ngx_http_elaaoms_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    return ngx_http_elaaoms_set_handler(cf, conf,
                                        ngx_http_elaaoms_status_handler);
}


static char *
ngx_http_elaaoms_webhook(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_elaaoms_loc_conf_t *elcf = conf;

    ngx_str_t  *value;

    value = cf->args->elts;

    /* for the merge's messages (ngx_http_elaaoms_merge_auth) */
    elcf->webhook = value[1];
    elcf->webhook_file = cf->conf_file->file.name.data;
    elcf->webhook_line = cf->conf_file->line;

    if (ngx_strcmp(value[1].data, "post_call") == 0) {
        return ngx_http_elaaoms_set_handler(cf, conf,
                                         ngx_http_elaaoms_post_call_handler);
    }

    if (ngx_strcmp(value[1].data, "client_data") == 0) {
        return ngx_http_elaaoms_set_handler(cf, conf,
                                       ngx_http_elaaoms_client_data_handler);
    }

    if (ngx_strcmp(value[1].data, "search_memory") == 0) {
        return ngx_http_elaaoms_set_handler(cf, conf,
                                     ngx_http_elaaoms_search_memory_handler);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "unknown webhook \"%V\", expected post_call, "
                       "client_data or search_memory", &value[1]);
    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_elaaoms_content_handler(ngx_http_request_t *r)
{
    ngx_http_elaaoms_loc_conf_t  *elcf;

    /*
     * subrequests (mirror, SSI, auth_request) skip the access phase: the
     * module's checks never ran for them, so they are never served
     */
    if (r != r->main) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: subrequest to \"%V\" refused: webhooks "
                      "are served to clients only", &r->uri);
        return NGX_HTTP_FORBIDDEN;
    }

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    return elcf->handler(r);
}


static ngx_int_t
ngx_http_elaaoms_init_process(ngx_cycle_t *cycle)
{
    ngx_http_elaaoms_main_conf_t  *emcf;

    emcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_elaaoms_module);
    if (emcf == NULL) {
        return NGX_OK;
    }

    ngx_http_elaaoms_log_init_process();
    ngx_http_elaaoms_redis_init_worker(cycle, &emcf->redis);

    return NGX_OK;
}


static void
ngx_http_elaaoms_exit_process(ngx_cycle_t *cycle)
{
    /* closes the Redis socket, or nginx -s quit logs "open socket left" */
    ngx_http_elaaoms_redis_exit_worker();
}
