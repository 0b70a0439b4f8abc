/*
 * OpenAI embeddings client: request with yajl_gen, answer with yajl_tree.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clients/embed_openai.h"
#include "clients/api_call.h"
#include "clients/llm.h"
#include "util/yajl_util.h"


static char *
elaaoms_embed_build(const elaaoms_embed_openai_t *cfg,
    const char *const *texts, size_t n, size_t *len, elaaoms_api_error_t *err)
{
    size_t            i;
    yajl_gen          g;
    yajl_gen_status   st = yajl_gen_status_ok;

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return NULL;
    }

    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "model", cfg->model && cfg->model[0]
                                  ? cfg->model : ELAAOMS_EMBED_DEFAULT_MODEL);
    /* explicit: some compatible servers default to base64 */
    st |= elaaoms_yajl_gen_kv_str(g, "encoding_format", "float");
    if (cfg->dimensions > 0) {
        st |= elaaoms_yajl_gen_kv_int(g, "dimensions", cfg->dimensions);
    }

    st |= elaaoms_yajl_gen_cstr(g, "input");
    st |= yajl_gen_array_open(g);
    for (i = 0; i < n; i++) {
        st |= elaaoms_yajl_gen_cstr(g, texts[i]);
    }
    st |= yajl_gen_array_close(g);
    st |= yajl_gen_map_close(g);

    return elaaoms_api_request_body(g, st, len, err);
}


/* the vectors of a 200 answer, placed by their "index" */
static float *
elaaoms_embed_parse(int dimensions, yajl_val root, size_t n, size_t *dim,
    elaaoms_api_error_t *err)
{
    float      *vectors = NULL;
    size_t      i, j, d = 0;
    yajl_val    data, item, emb, x;
    long long   index;
    char       *seen = NULL;

    data = elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("data"));
    if (data == NULL || data->u.array.len != n) {
        goto malformed;
    }

    seen = calloc(n, 1);
    if (seen == NULL) {
        goto nomem;
    }

    for (i = 0; i < n; i++) {
        item = data->u.array.values[i];
        emb = elaaoms_yajl_arr(item, ELAAOMS_YAJL_PATH("embedding"));

        if (emb == NULL || emb->u.array.len == 0
            || elaaoms_yajl_int(item, ELAAOMS_YAJL_PATH("index"), &index) != 0
            || index < 0 || (size_t) index >= n || seen[index])
        {
            goto malformed;
        }

        if (vectors == NULL) {
            d = emb->u.array.len;
            if (dimensions > 0 && d != (size_t) dimensions) {
                goto malformed;
            }
            vectors = malloc(n * d * sizeof(float));
            if (vectors == NULL) {
                goto nomem;
            }
        }

        if (emb->u.array.len != d) {
            goto malformed;
        }

        seen[index] = 1;

        for (j = 0; j < d; j++) {
            x = emb->u.array.values[j];
            /* 1e39 is no float: an infinite vector would never score */
            if (!YAJL_IS_DOUBLE(x) || !isfinite((float) YAJL_GET_DOUBLE(x))) {
                goto malformed;
            }
            vectors[(size_t) index * d + j] = (float) YAJL_GET_DOUBLE(x);
        }
    }

    free(seen);
    *dim = d;
    return vectors;

malformed:

    elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                          "embeddings answer not as documented");
    free(seen);
    free(vectors);
    return NULL;

nomem:

    elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
    free(seen);
    free(vectors);
    return NULL;
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
    char                 reason[128];
    yajl_val             root;
    long long            used;
    elaaoms_api_error_t  local_err;

    *vectors = NULL;
    *dim = 0;

    if (err == NULL) {
        err = &local_err;
        elaaoms_api_error_reset(err);
    }

    root = body ? elaaoms_yajl_parse(body, reason, sizeof(reason)) : NULL;

    if (root == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "the response body is not JSON: %s",
                              body ? reason : "no body");
        return -1;
    }

    *vectors = elaaoms_embed_parse(dimensions, root, n, dim, err);

    if (tokens
        && elaaoms_yajl_count(root,
                              ELAAOMS_YAJL_PATH("usage", "prompt_tokens"),
                              &used) == 0)
    {
        *tokens = used;
    }

    yajl_tree_free(root);

    if (*vectors == NULL) {
        *dim = 0;
        return -1;
    }

    return 0;
}
