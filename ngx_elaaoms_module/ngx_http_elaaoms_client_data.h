/*
 * The client-data answer (ngx_http_elaaoms_client_data_answer.c) from
 * what the request's Redis round trip brought back.
 */

#ifndef NGX_HTTP_ELAAOMS_CLIENT_DATA_H
#define NGX_HTTP_ELAAOMS_CLIENT_DATA_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_profile.h"

typedef struct {
    const char  *caller;        /* normalized, "" when none */
    ngx_str_t    doc;           /* the stored document for the agent, else
                                   the caller's _any one; empty: none */
    const ngx_http_elaaoms_profile_t  *profile;  /* the agent's, NULL
                                                   when none or unusable */
} ngx_http_elaaoms_client_data_in_t;

/*
 * Sends the answer; *shared gets the other agents' memories it served, for
 * the audit trail (empty when none): their served set's id (*set 1,
 * version 4 documents), else "id1,id2".  The handler's status.
 */
ngx_int_t ngx_http_elaaoms_client_data_answer_send(ngx_http_request_t *r,
    ngx_http_elaaoms_client_data_in_t *in, ngx_str_t *shared,
    ngx_flag_t *set);

#endif /* NGX_HTTP_ELAAOMS_CLIENT_DATA_H */
