/*
 * The agent profiles client-data reads (the worker caches ElevenLabs'
 * JSON in Redis), parsed once per nginx worker process: what the answer
 * needs of a profile, kept while Redis returns the same bytes.
 */

#ifndef NGX_HTTP_ELAAOMS_PROFILE_H
#define NGX_HTTP_ELAAOMS_PROFILE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_tree.h>

typedef struct {
    ngx_str_t    first_message;       /* conversation_config.agent.
                                         first_message, JSON-escaped
                                         without quotes; empty: none */
    ngx_str_t    prompt;              /* ...agent.prompt.prompt, escaped */
    yajl_val     placeholders;        /* ...dynamic_variable_placeholders,
                                         an object, or NULL */
    unsigned     allow_first_message:1;
    unsigned     allow_prompt:1;      /* platform_settings.overrides allow
                                         the prompt override */
} ngx_http_elaaoms_profile_t;

/*
 * The profile whose text Redis returned for agent: NULL when text is
 * empty or unusable (warned once per worker process and text).  The
 * result belongs to the process's cache: valid until the next call.
 */
const ngx_http_elaaoms_profile_t *ngx_http_elaaoms_profile_get(
    ngx_http_request_t *r, const ngx_str_t *agent, const ngx_str_t *text);

#endif /* NGX_HTTP_ELAAOMS_PROFILE_H */
