/*
 * Filling elaaoms_api_error_t, including from the APIs' error bodies.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clients/api_error.h"
#include "clients/http_retry.h"
#include "util/yajl_util.h"


const char *
elaaoms_api_status_name(elaaoms_api_status_e code)
{
    switch (code) {
    case ELAAOMS_API_OK:             return "ok";
    case ELAAOMS_API_ERR_CONFIG:     return "config";
    case ELAAOMS_API_ERR_INPUT:      return "input";
    case ELAAOMS_API_ERR_TIMEOUT:    return "timeout";
    case ELAAOMS_API_ERR_TRANSPORT:  return "transport";
    case ELAAOMS_API_ERR_HTTP:       return "http";
    case ELAAOMS_API_ERR_MALFORMED:  return "malformed";
    case ELAAOMS_API_ERR_TRUNCATED:  return "truncated";
    case ELAAOMS_API_ERR_REFUSAL:    return "refusal";
    case ELAAOMS_API_ERR_NOMEM:      return "nomem";
    }

    return "unknown";
}


void
elaaoms_api_error_reset(elaaoms_api_error_t *err)
{
    if (err) {
        memset(err, 0, sizeof(elaaoms_api_error_t));
    }
}


void
elaaoms_api_error_set(elaaoms_api_error_t *err, elaaoms_api_status_e code,
    int retryable, const char *fmt, ...)
{
    va_list  ap;

    if (err == NULL) {
        return;
    }

    err->code = code;
    err->retryable = retryable;

    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}


void
elaaoms_api_error_from_http(elaaoms_api_error_t *err, elaaoms_http_rc_e rc,
    const elaaoms_http_response_t *resp)
{
    yajl_val     root = NULL;
    const char  *type = NULL, *msg = NULL;

    if (err == NULL) {
        return;
    }

    err->http_status = resp->status;
    err->type[0] = '\0';

    switch (rc) {

    case ELAAOMS_HTTP_OK:
        break;

    case ELAAOMS_HTTP_ERR_TIMEOUT:
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_TIMEOUT, 1, "%s",
                              resp->error);
        return;

    case ELAAOMS_HTTP_ERR_NOMEM:
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "%s",
                              resp->error);
        return;

    default:
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_TRANSPORT,
                              elaaoms_http_rc_retryable(rc), "%s: %s",
                              elaaoms_http_rc_name(rc), resp->error);
        return;
    }

    if (resp->body && resp->body_len) {
        root = elaaoms_yajl_parse(resp->body, NULL, 0);
    }

    if (root) {
        /* OpenAI: error.code is the precise one ("rate_limit_exceeded"
           vs "insufficient_quota", both 429); Anthropic: error.type */
        type = elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("error", "code"));
        if (type == NULL) {
            type = elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("error", "type"));
        }
        msg = elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("error", "message"));

        /* ElevenLabs */
        if (type == NULL) {
            type = elaaoms_yajl_str(root,
                                    ELAAOMS_YAJL_PATH("detail", "status"));
        }
        if (msg == NULL) {
            msg = elaaoms_yajl_str(root,
                                   ELAAOMS_YAJL_PATH("detail", "message"));
        }
        if (msg == NULL && YAJL_IS_OBJECT(root)) {
            msg = elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("detail"));
        }
    }

    if (type) {
        snprintf(err->type, sizeof(err->type), "%s", type);
    }

    elaaoms_api_error_set(err, ELAAOMS_API_ERR_HTTP,
                          elaaoms_http_status_retryable(resp->status),
                          "HTTP %ld%s%s", resp->status, msg ? ": " : "",
                          msg ? msg : "");

    if (root) {
        yajl_tree_free(root);
    }
}


char *
elaaoms_api_request_body(yajl_gen g, yajl_gen_status st, size_t *len,
    elaaoms_api_error_t *err)
{
    char  *body;

    body = NULL;

    if (st != yajl_gen_status_ok) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "request not buildable (invalid UTF-8?)");

    } else {
        body = elaaoms_yajl_gen_dup(g, len);
        if (body == NULL) {
            elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1,
                                  "out of memory");
        }
    }

    yajl_gen_free(g);
    return body;
}
