/*
 * ngx_http_elaaoms_module: long-term caller memory for ElevenLabs voice
 * agents, served from nginx.  Shared types of the module's files.
 */

#ifndef _NGX_HTTP_ELAAOMS_MODULE_H_INCLUDED_
#define _NGX_HTTP_ELAAOMS_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "intake/signature.h"
#include "util/yajl_util.h"


/* client-data and search-memory bodies are small, flat objects */
#define NGX_HTTP_ELAAOMS_JSON_DEPTH  32

/* client-data and search-memory bodies, at most, unless configured */
#define NGX_HTTP_ELAAOMS_SMALL_BODY  (64 * 1024)

/* elaaoms_search_threshold is kept in 1/10000 */
#define NGX_HTTP_ELAAOMS_THRESHOLD_SCALE  10000


/* a seed node of a Redis Cluster, resolved at configuration time */
typedef struct {
    u_char                      host[NGX_SOCKADDR_STRLEN + 1];
    int                         port;
} ngx_http_elaaoms_redis_seed_t;


typedef struct {
    ngx_array_t                *seeds;      /* cluster: its seed nodes; */
                                            /* NULL: one Redis */
    ngx_str_t                   addr;       /* as configured, for logs */
    ngx_str_t                   unix_path;  /* NUL-terminated, or empty */
    u_char                      host[NGX_SOCKADDR_STRLEN + 1]; /* resolved */
    int                         port;
    ngx_str_t                   user;       /* ACL user, or empty */
    ngx_str_t                   password;   /* never logged; empty: no AUTH */
    ngx_msec_t                  timeout;
    ngx_flag_t                  configured;
} ngx_http_elaaoms_redis_conf_t;


typedef struct {
    ngx_http_elaaoms_redis_conf_t  redis;
    ngx_int_t                      request_id_index;
    ngx_flag_t                     used;     /* a location uses the module */
    ngx_array_t                   *warned;   /* shared secrets warned of */
} ngx_http_elaaoms_main_conf_t;


/* a server with a location of the module (request ids in its log lines) */
typedef struct {
    ngx_flag_t                     used;
} ngx_http_elaaoms_srv_conf_t;


typedef ngx_int_t (*ngx_http_elaaoms_content_pt)(ngx_http_request_t *r);


typedef struct {
    ngx_http_elaaoms_content_pt    handler;

    /* access phase */
    ngx_array_t                   *signature_secrets; /* complex values */
    time_t                         signature_tolerance;
    ngx_str_t                      shared_header;
    ngx_http_complex_value_t      *shared_value;

    /* authentication policy (elaaoms_auth, elaaoms_shared_secret off) */
    ngx_flag_t                     auth;
    ngx_flag_t                     shared_off;   /* not inherited here */
    ngx_str_t                      webhook;      /* its name, for messages */
    u_char                        *webhook_file; /* where it is configured */
    ngx_uint_t                     webhook_line;

    ngx_str_t                      org;
    ngx_str_t                      payload_dir;
    ngx_str_t                      default_first_message;
    ngx_flag_t                     first_message_override;
    ngx_int_t                      search_threshold;  /* 1/10000 */

    /* searches bound to a live call; server-side floors */
    ngx_flag_t                     search_binding;
    ngx_int_t                      search_min_threshold;  /* 1/10000 */
    ngx_int_t                      search_max_limit;
    ngx_flag_t                     search_get;
    ngx_shm_zone_t                *search_cache;   /* NULL: none */
    time_t                         call_ttl;       /* client-data's binding */

    /* /health says "degraded" past these */
    time_t                         health_queue_age;
    ngx_int_t                      health_failure_ratio;  /* 1/10000 */
    size_t                         body_limit;     /* 0: none of its own */
    time_t                         audit_retention;
    time_t                         audit_trimmed;   /* this process's */
                                                    /* last MINID, a */
                                                    /* second's work */

    /* the admin location's own secret (elaaoms_admin_secret) */
    ngx_str_t                      admin_header;
    ngx_str_t                      admin_secret;

#if (NGX_THREADS)
    /* post-call file work; NULL: in the event loop */
    ngx_thread_pool_t             *thread_pool;
#endif

    /* nginx's own error pages become JSON here */
    ngx_flag_t                     json_errors;
} ngx_http_elaaoms_loc_conf_t;


typedef struct {
    ngx_int_t                      access_status;
    elaaoms_sig_header_t           sig;
    const char                    *deny_reason;   /* static text */
    const char                    *deny_code;     /* static; "unauthorized" */
    ngx_buf_t                     *error_body;
    ngx_str_t                      request_id;
    void                          *handler_ctx;   /* the content handler's */
    unsigned                       access_done:1;
    unsigned                       signed_body:1; /* the signature passed */
    unsigned                       json_sent:1;
    unsigned                       error_sent:1;
} ngx_http_elaaoms_ctx_t;


extern ngx_module_t  ngx_http_elaaoms_module;
extern ngx_module_t  ngx_http_elaaoms_filter_module;   /* _filter.c */


/* ngx_http_elaaoms_module.c */
ngx_http_elaaoms_ctx_t *ngx_http_elaaoms_get_ctx(ngx_http_request_t *r);

/* ngx_http_elaaoms_redis_conf.c: elaaoms_redis, elaaoms_redis_auth(_file) */
char *ngx_http_elaaoms_redis_conf(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_elaaoms_redis_auth_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/*
 * A secret read from a file at configuration time (relative names are
 * under the configuration prefix): surrounding whitespace dropped, no
 * space or control character inside; messages name the file and "what"
 * ("key", "password"), never the content.
 */
char *ngx_http_elaaoms_conf_read_secret(ngx_conf_t *cf, ngx_str_t *name,
    const char *what, ngx_str_t *secret);

/* ngx_http_elaaoms_log.c */
ngx_int_t ngx_http_elaaoms_log_init(ngx_conf_t *cf);
void ngx_http_elaaoms_log_init_process(void);

/* ngx_http_elaaoms_access.c */
ngx_int_t ngx_http_elaaoms_access_init(ngx_conf_t *cf);
void ngx_http_elaaoms_access_resume(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx);
ngx_int_t ngx_http_elaaoms_deny(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx, const char *reason);
ngx_uint_t ngx_http_elaaoms_signed(ngx_http_request_t *r);

/* ngx_http_elaaoms_replay.c */
ssize_t ngx_http_elaaoms_replay_key(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx, char *buf, size_t size);
time_t ngx_http_elaaoms_replay_ttl(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx);
ngx_int_t ngx_http_elaaoms_replay_claim(ngx_http_request_t *r,
    ngx_http_elaaoms_ctx_t *ctx);

/*
 * ngx_http_elaaoms_audit.c: ids are "id,id" (memory_ids), or with set a
 * served set's id (memory_set: lib/context/served_set.h); rc NGX_OK when
 * the entry was written
 */
typedef void (*ngx_http_elaaoms_audit_pt)(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
ngx_int_t ngx_http_elaaoms_audit(ngx_http_request_t *r, ngx_str_t *ids,
    ngx_flag_t set, const char *caller, const char *agent, const char *via,
    ngx_http_elaaoms_audit_pt done, void *data);

/* ngx_http_elaaoms_body.c */
typedef int (*ngx_http_elaaoms_feed_pt)(void *arg, const void *data,
    size_t len);
ngx_int_t ngx_http_elaaoms_body_feed(ngx_http_request_t *r,
    ngx_http_elaaoms_feed_pt feed, void *arg);
ngx_int_t ngx_http_elaaoms_body_read_all(ngx_http_request_t *r,
    u_char **data, size_t *len);
yajl_val ngx_http_elaaoms_body_json(ngx_http_request_t *r, char *err,
    size_t errlen);
void *ngx_http_elaaoms_json_palloc(void *pool, size_t size);

/* ngx_http_elaaoms_reply.c */
ngx_str_t *ngx_http_elaaoms_request_id(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_send_json(ngx_http_request_t *r, ngx_uint_t status,
    u_char *json, size_t len);
ngx_int_t ngx_http_elaaoms_send_json_pool(ngx_http_request_t *r,
    ngx_uint_t status, u_char *json, size_t len, ngx_flag_t copy);
ngx_int_t ngx_http_elaaoms_send_gen(ngx_http_request_t *r, ngx_uint_t status,
    elaaoms_jgen_t *j);
ngx_int_t ngx_http_elaaoms_send_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *code, const char *message);
void ngx_http_elaaoms_finish(ngx_http_request_t *r, ngx_int_t rc);

/* content handlers, one file each */
ngx_int_t ngx_http_elaaoms_health_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_status_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_admin_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_post_call_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_client_data_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_elaaoms_search_memory_handler(ngx_http_request_t *r);


#endif /* _NGX_HTTP_ELAAOMS_MODULE_H_INCLUDED_ */
