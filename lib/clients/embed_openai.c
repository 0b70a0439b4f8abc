/*
 * OpenAI embeddings client: the wire format of search/embed_wire.h over
 * the retrying HTTP client.
 */

#include <stdlib.h>
#include <string.h>

#include "clients/embed_openai.h"
#include "clients/api_call.h"
#include "clients/llm.h"
#include "search/embed_wire.h"


static char *
elaaoms_embed_build(const elaaoms_embed_openai_t *cfg,
    const char *const *texts, size_t n, size_t *len, elaaoms_api_error_t *err)
{
    int    rc;
    char  *body;

    rc = elaaoms_embed_wire_request(cfg->model && cfg->model[0]
                                    ? cfg->model : ELAAOMS_EMBED_DEFAULT_MODEL,
                                    cfg->dimensions, texts, n, &body, len);

    if (rc == ELAAOMS_EMBED_WIRE_INPUT) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "request not buildable (invalid UTF-8?)");

    } else if (rc != ELAAOMS_EMBED_WIRE_OK) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
    }

    return body;
}


int
elaaoms_embed_openai(const elaaoms_embed_openai_t *cfg,
    const char *const *texts, size_t n, float **vectors, size_t *dim,
    long long *tokens, elaaoms_api_error_t *err)
{
    int                      rc;
    char                    *body;
    size_t                   i, len;
    elaaoms_api_error_t      local_err;
    elaaoms_api_endpoint_t   ep;
    elaaoms_http_request_t   req;
    elaaoms_http_response_t  resp;

    *vectors = NULL;
    *dim = 0;
    if (tokens) {
        *tokens = 0;
    }

    if (err == NULL) {
        err = &local_err;
    }
    elaaoms_api_error_reset(err);

    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_CONFIG, 0,
                              "embeddings: an api key is required");
        return -1;
    }

    if (n == 0 || n > ELAAOMS_EMBED_MAX_BATCH) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "embeddings: %zu inputs (1..%d)", n,
                              ELAAOMS_EMBED_MAX_BATCH);
        return -1;
    }

    for (i = 0; i < n; i++) {
        /* the API answers 400 to an empty string */
        if (texts[i] == NULL || texts[i][0] == '\0') {
            elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                                  "embeddings: input %zu is empty", i);
            return -1;
        }
    }

    body = elaaoms_embed_build(cfg, texts, n, &len, err);
    if (body == NULL) {
        return -1;
    }

    ep.base_url = cfg->base_url;
    ep.default_base = ELAAOMS_LLM_OPENAI_BASE;
    ep.path = "/v1/embeddings";
    ep.policy.max_retries = cfg->max_retries;
    ep.policy.base_ms = cfg->retry_base_ms;
    ep.policy.max_ms = cfg->retry_max_ms;

    memset(&req, 0, sizeof(elaaoms_http_request_t));
    req.method = "POST";
    req.body = body;
    req.body_len = len;
    req.bearer_token = cfg->api_key;
    req.timeout_ms = cfg->timeout_ms;

    rc = elaaoms_api_call(&ep, &req, &resp, NULL, err);
    free(body);

    if (rc != 0) {
        return -1;
    }

    rc = elaaoms_embed_openai_parse_answer(resp.body, n, cfg->dimensions,
                                           vectors, dim, tokens, err);
    elaaoms_http_response_free(&resp);

    return rc;
}


int
elaaoms_embed_openai_parse_answer(const char *body, size_t n, int dimensions,
    float **vectors, size_t *dim, long long *tokens, elaaoms_api_error_t *err)
{
    int   rc;
    char  reason[ELAAOMS_API_ERROR_MSG_LEN];

    rc = elaaoms_embed_wire_parse(body, n, dimensions, vectors, dim, tokens,
                                  reason, sizeof(reason));

    if (rc == ELAAOMS_EMBED_WIRE_OK) {
        return 0;
    }

    /* a malformed answer may be a glitch: the job may try again */
    elaaoms_api_error_set(err, rc == ELAAOMS_EMBED_WIRE_NOMEM
                               ? ELAAOMS_API_ERR_NOMEM
                               : ELAAOMS_API_ERR_MALFORMED,
                          1, "%s", reason);

    return -1;
}
