/*
 * The outcome of a call to a remote JSON API (LLM providers, embeddings,
 * ElevenLabs), filled by the clients for the worker's logs, metrics and
 * retry decisions.  A plain struct: nothing to free.
 */

#ifndef ELAAOMS_API_ERROR_H
#define ELAAOMS_API_ERROR_H

#include <yajl/yajl_gen.h>

#include "clients/http_client.h"

typedef enum {
    ELAAOMS_API_OK = 0,
    ELAAOMS_API_ERR_CONFIG,      /* no key, no model, unknown provider */
    ELAAOMS_API_ERR_INPUT,       /* request not buildable (invalid UTF-8) */
    ELAAOMS_API_ERR_TIMEOUT,     /* the last attempt timed out */
    ELAAOMS_API_ERR_TRANSPORT,   /* connect, reset, TLS, oversized body */
    ELAAOMS_API_ERR_HTTP,        /* an error status: see http_status */
    ELAAOMS_API_ERR_MALFORMED,   /* a 2xx body not shaped as documented */
    ELAAOMS_API_ERR_TRUNCATED,   /* output cut by the token limit */
    ELAAOMS_API_ERR_REFUSAL,     /* the model refused, content filter */
    ELAAOMS_API_ERR_NOMEM
} elaaoms_api_status_e;

#define ELAAOMS_API_ERROR_TYPE_LEN  64
#define ELAAOMS_API_ERROR_MSG_LEN   512

typedef struct {
    elaaoms_api_status_e  code;
    long                  http_status;  /* last status received, 0: none */
    int                   attempts;     /* HTTP requests made */
    /* 1 when running the whole job again later may succeed (429, 5xx,
       timeouts, malformed output); 0 for 4xx, config, refusals, truncation */
    int                   retryable;
    /* the provider's error code or type ("rate_limit_exceeded",
       "overloaded_error", "invalid_api_key"), else "" */
    char                  type[ELAAOMS_API_ERROR_TYPE_LEN];
    char                  message[ELAAOMS_API_ERROR_MSG_LEN];
} elaaoms_api_error_t;

/* "ok", "config", "timeout", ... */
const char *elaaoms_api_status_name(elaaoms_api_status_e code);

/* clears err (NULL is allowed everywhere an err is taken) */
void elaaoms_api_error_reset(elaaoms_api_error_t *err);

/* sets code, retryable and a printf-style message; keeps the rest */
void elaaoms_api_error_set(elaaoms_api_error_t *err, elaaoms_api_status_e code,
    int retryable, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Fills err from a failed exchange: a transport error (rc != OK), or an
 * HTTP error status whose JSON body is read for the message and type in
 * any of the shapes the three APIs use: {"error": {"message", "type",
 * "code"}} (OpenAI, Anthropic) and {"detail": {"status", "message"}} or
 * {"detail": "..."} (ElevenLabs).
 */
/*
 * The request body a generator built, as a malloc()ed copy (the caller
 * frees it); NULL with err set when generation failed (st) or memory ran
 * out.  Frees the generator either way.
 */
char *elaaoms_api_request_body(yajl_gen g, yajl_gen_status st, size_t *len,
    elaaoms_api_error_t *err);

void elaaoms_api_error_from_http(elaaoms_api_error_t *err,
    elaaoms_http_rc_e rc, const elaaoms_http_response_t *resp);

#endif /* ELAAOMS_API_ERROR_H */
