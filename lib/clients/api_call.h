/*
 * One call to a provider's JSON API (OpenAI chat and embeddings, Anthropic,
 * ElevenLabs): the configured base URL (or the provider's default) joined
 * with the endpoint's path, the request the client filled (method, body,
 * authentication), sent with the retry policy of http_retry.h.  The three
 * clients differ only in what they build and parse.
 */

#ifndef ELAAOMS_API_CALL_H
#define ELAAOMS_API_CALL_H

#include "clients/api_error.h"
#include "clients/http_client.h"
#include "clients/http_retry.h"

typedef struct {
    const char              *base_url;      /* configured; NULL or "": */
    const char              *default_base;  /* the provider's own */
    const char              *path;          /* "/v1/embeddings" */
    elaaoms_retry_policy_t   policy;
} elaaoms_api_endpoint_t;

/*
 * Sends req (its url is set here; method, headers, bearer token, body and
 * timeout are the caller's) to the endpoint.  0: resp holds the 2xx answer
 * (free it with elaaoms_http_response_free()) and err->http_status its
 * status.  -1: err says why; nothing to free.  *attempts (may be NULL) gets
 * the number of requests made.
 */
int elaaoms_api_call(const elaaoms_api_endpoint_t *ep,
    elaaoms_http_request_t *req, elaaoms_http_response_t *resp,
    int *attempts, elaaoms_api_error_t *err);

#endif /* ELAAOMS_API_CALL_H */
