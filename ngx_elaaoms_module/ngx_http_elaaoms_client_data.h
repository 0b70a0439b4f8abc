/*
 * The client-data answer (ngx_http_elaaoms_client_data_answer.c) from
 * what the request's Redis round trip brought back.
 */

#ifndef NGX_HTTP_ELAAOMS_CLIENT_DATA_H
#define NGX_HTTP_ELAAOMS_CLIENT_DATA_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_tree.h>

typedef struct {
    const char  *caller;        /* normalized, "" when none */
    ngx_str_t    doc;           /* the stored document for the agent, else
                                   the caller's _any one; empty: none */
    ngx_str_t    profile;       /* the cached agent profile */
    yajl_val     profile_tree;  /* it parsed (in the request's pool),
                                   when the caller did; else NULL */
    ngx_flag_t   profile_parsed; /* the caller parsed it: NULL above
                                   means unusable, not unparsed */
} ngx_http_elaaoms_client_data_in_t;

/*
 * Sends the answer; *shared_ids gets the other agents' memories it served
 * ("id1,id2", empty when none) for the audit trail.  The handler's status.
 */
ngx_int_t ngx_http_elaaoms_client_data_answer_send(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_in_t *in, ngx_str_t *shared_ids);

/* the cached profile parsed into the request's pool (NULL when none or
   unusable, warned) */
yajl_val ngx_http_elaaoms_client_data_profile(ngx_http_request_t *r,
    ngx_str_t *profile);

/* the profile allows the prompt override and has a prompt to extend */
ngx_flag_t ngx_http_elaaoms_client_data_prompt_allowed(yajl_val profile);

#endif /* NGX_HTTP_ELAAOMS_CLIENT_DATA_H */
