/*
 * The LLM client's public calls: configuration checks, one provider call
 * with retries, usage and cost accounting, fallback to a second provider.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/api_call.h"
#include "clients/llm_provider.h"
#include "util/yajl_util.h"


void
elaaoms_llm_defaults(elaaoms_llm_t *llm, elaaoms_llm_kind_e kind)
{
    memset(llm, 0, sizeof(elaaoms_llm_t));
    llm->kind = kind;
    llm->max_retries = ELAAOMS_LLM_DEFAULT_RETRIES;
}


const char *
elaaoms_llm_kind_name(elaaoms_llm_kind_e kind)
{
    switch (kind) {
    case ELAAOMS_LLM_OPENAI:     return "openai";
    case ELAAOMS_LLM_ANTHROPIC:  return "anthropic";
    }

    return "unknown";
}


int
elaaoms_llm_choose(const char *provider, const char *openai_key,
    const char *anthropic_key, elaaoms_llm_kind_e *kind)
{
    int  has_openai = openai_key && openai_key[0];
    int  has_anthropic = anthropic_key && anthropic_key[0];

    if (provider == NULL || provider[0] == '\0'
        || strcasecmp(provider, "auto") == 0)
    {
        if (has_openai) {
            *kind = ELAAOMS_LLM_OPENAI;
            return 0;
        }
        if (has_anthropic) {
            *kind = ELAAOMS_LLM_ANTHROPIC;
            return 0;
        }
        return -1;
    }

    if (strcasecmp(provider, "openai") == 0 && has_openai) {
        *kind = ELAAOMS_LLM_OPENAI;
        return 0;
    }

    if (strcasecmp(provider, "anthropic") == 0 && has_anthropic) {
        *kind = ELAAOMS_LLM_ANTHROPIC;
        return 0;
    }

    return -1;
}


static const elaaoms_llm_provider_t *
elaaoms_llm_provider(const elaaoms_llm_t *llm)
{
    switch (llm->kind) {
    case ELAAOMS_LLM_OPENAI:     return &elaaoms_llm_openai_provider;
    case ELAAOMS_LLM_ANTHROPIC:  return &elaaoms_llm_anthropic_provider;
    }

    return NULL;
}


/* a 2xx answer body into res through the provider's reader */
static int
elaaoms_llm_parse_body(const elaaoms_llm_provider_t *p,
    const elaaoms_llm_call_t *call, const char *body,
    elaaoms_llm_result_t *res, elaaoms_llm_error_t *err)
{
    int       rc;
    char      reason[128];
    yajl_val  root;

    root = elaaoms_yajl_parse(body, reason, sizeof(reason));
    if (root == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "the response body is not JSON: %s", reason);
        return -1;
    }

    rc = p->parse(call, root, res, err);
    yajl_tree_free(root);

    return rc;
}


static int
elaaoms_llm_parse_answer(elaaoms_llm_kind_e kind, elaaoms_llm_task_e task,
    const char *body, elaaoms_llm_result_t *res, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    int                            rc;
    elaaoms_llm_t                  llm;
    elaaoms_llm_call_t             call;
    elaaoms_llm_error_t            local_err;
    const elaaoms_llm_provider_t  *p;

    if (err == NULL) {
        err = &local_err;
    }

    elaaoms_api_error_reset(err);

    memset(&llm, 0, sizeof(elaaoms_llm_t));
    llm.kind = kind;
    p = elaaoms_llm_provider(&llm);

    if (p == NULL || body == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "no provider or no answer");
        return -1;
    }

    memset(&call, 0, sizeof(elaaoms_llm_call_t));
    call.task = task;

    rc = elaaoms_llm_parse_body(p, &call, body, res, err);

    if (usage != NULL) {
        memset(usage, 0, sizeof(elaaoms_llm_usage_t));
        usage->input_tokens = res->input_tokens;
        usage->output_tokens = res->output_tokens;
        usage->provider = kind;
        usage->answered = (rc == 0);
    }

    return rc;
}


int
elaaoms_llm_parse_extract_answer(elaaoms_llm_kind_e kind, const char *body,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    int                   rc;
    elaaoms_llm_result_t  res;

    memset(&res, 0, sizeof(elaaoms_llm_result_t));
    res.memories = out;

    rc = elaaoms_llm_parse_answer(kind, ELAAOMS_LLM_TASK_EXTRACT, body, &res,
                                  usage, err);
    if (rc != 0) {
        /* as elaaoms_llm_extract(): a failed answer keeps nothing */
        elaaoms_extracted_free(out);
        out->dropped = 0;
    }

    return rc;
}


int
elaaoms_llm_parse_text_answer(elaaoms_llm_kind_e kind, const char *body,
    char **text, elaaoms_llm_usage_t *usage, elaaoms_llm_error_t *err)
{
    int                   rc;
    elaaoms_llm_result_t  res;

    memset(&res, 0, sizeof(elaaoms_llm_result_t));

    rc = elaaoms_llm_parse_answer(kind, ELAAOMS_LLM_TASK_TEXT, body, &res,
                                  usage, err);
    *text = (rc == 0) ? res.text : NULL;

    if (rc != 0) {
        free(res.text);
    }

    return rc;
}


/*
 * One call to one provider, with its retries.  Adds to usage (attempts,
 * tokens, cost) and to err->attempts; never resets them, so that the
 * fallback sums both providers.
 */
static int
elaaoms_llm_run(const elaaoms_llm_t *llm, const elaaoms_llm_call_t *call,
    elaaoms_llm_result_t *res, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    int                            rc;
    char                          *body;
    size_t                         len;
    elaaoms_http_header_t          hdrs[2];
    elaaoms_api_endpoint_t         ep;
    elaaoms_http_request_t         req;
    elaaoms_http_response_t        resp;
    const elaaoms_llm_provider_t  *p;

    p = elaaoms_llm_provider(llm);

    if (p == NULL || llm->api_key == NULL || llm->api_key[0] == '\0'
        || llm->model == NULL || llm->model[0] == '\0')
    {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_CONFIG, 0,
                              "%s: provider, api key and model are required",
                              elaaoms_llm_kind_name(llm->kind));
        return -1;
    }

    body = p->build(llm, call, &len, err);
    if (body == NULL) {
        return -1;
    }

    ep.base_url = llm->base_url;
    ep.default_base = p->default_base;
    ep.path = p->path;
    ep.policy.max_retries = llm->max_retries;
    ep.policy.base_ms = llm->retry_base_ms;
    ep.policy.max_ms = llm->retry_max_ms;

    memset(&req, 0, sizeof(elaaoms_http_request_t));
    req.method = "POST";
    req.body = body;
    req.body_len = len;
    req.timeout_ms = llm->timeout_ms;
    p->auth(llm, &req, hdrs);

    rc = elaaoms_api_call(&ep, &req, &resp, &usage->attempts, err);
    free(body);

    if (rc != 0) {
        return -1;
    }

    rc = elaaoms_llm_parse_body(p, call, resp.body, res, err);
    elaaoms_http_response_free(&resp);

    /* billed whether or not the answer was usable */
    usage->input_tokens += res->input_tokens;
    usage->output_tokens += res->output_tokens;
    usage->cost += (double) res->input_tokens * llm->price_input_per_mtok / 1e6
                   + (double) res->output_tokens
                     * llm->price_output_per_mtok / 1e6;

    if (rc == 0) {
        usage->answered = 1;
        usage->provider = llm->kind;
        usage->model = llm->model;
    }

    return rc;
}


static int
elaaoms_llm_extract_one(const elaaoms_llm_t *llm, const char *transcript,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    int                   rc;
    char                 *user;
    elaaoms_llm_call_t    call;
    elaaoms_llm_result_t  res;

    user = elaaoms_llm_extract_user_message(transcript);
    if (user == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return -1;
    }

    call.task = ELAAOMS_LLM_TASK_EXTRACT;
    call.system = llm->extract_prompt ? llm->extract_prompt
                                      : elaaoms_llm_default_extract_prompt;
    call.user = user;
    call.max_tokens = llm->max_tokens > 0 ? llm->max_tokens
                                          : ELAAOMS_LLM_DEFAULT_MAX_TOKENS;

    memset(&res, 0, sizeof(elaaoms_llm_result_t));
    res.memories = out;

    rc = elaaoms_llm_run(llm, &call, &res, usage, err);
    free(user);

    if (rc != 0) {
        /* a failed answer keeps nothing, not even the valid half */
        elaaoms_extracted_free(out);
        out->dropped = 0;
    }

    return rc;
}


int
elaaoms_llm_extract_with_fallback(const elaaoms_llm_t *primary,
    const elaaoms_llm_t *secondary, const char *transcript_text,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    char                 first[ELAAOMS_API_ERROR_MSG_LEN];
    elaaoms_llm_usage_t  local_usage;
    elaaoms_llm_error_t  local_err, *e;

    if (usage == NULL) {
        usage = &local_usage;
    }
    e = err ? err : &local_err;

    memset(usage, 0, sizeof(elaaoms_llm_usage_t));
    elaaoms_api_error_reset(e);
    out->dropped = 0;

    if (transcript_text == NULL || transcript_text[0] == '\0') {
        elaaoms_api_error_set(e, ELAAOMS_API_ERR_INPUT, 0,
                              "empty transcript");
        return -1;
    }

    if (elaaoms_llm_extract_one(primary, transcript_text, out, usage, e) == 0)
    {
        return 0;
    }

    /* nothing another provider would do better */
    if (secondary == NULL || e->code == ELAAOMS_API_ERR_INPUT
        || e->code == ELAAOMS_API_ERR_NOMEM)
    {
        return -1;
    }

    snprintf(first, sizeof(first), "%s: %.400s",
             elaaoms_llm_kind_name(primary->kind), e->message);

    if (elaaoms_llm_extract_one(secondary, transcript_text, out, usage, e)
        == 0)
    {
        usage->fell_back = 1;
        e->code = ELAAOMS_API_OK;
        e->retryable = 0;
        e->type[0] = '\0';
        snprintf(e->message, sizeof(e->message), "%s", first);
        return 0;
    }

    {
        char  second[ELAAOMS_API_ERROR_MSG_LEN];

        memcpy(second, e->message, sizeof(second));
        snprintf(e->message, sizeof(e->message), "%.250s; %s: %.250s", first,
                 elaaoms_llm_kind_name(secondary->kind), second);
    }

    return -1;
}


int
elaaoms_llm_extract(const elaaoms_llm_t *llm, const char *transcript_text,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err)
{
    return elaaoms_llm_extract_with_fallback(llm, NULL, transcript_text, out,
                                             usage, err);
}


int
elaaoms_llm_complete_text(const elaaoms_llm_t *llm, const char *system_prompt,
    const char *user_prompt, int max_tokens, char **text,
    elaaoms_llm_usage_t *usage, elaaoms_llm_error_t *err)
{
    int                   rc;
    elaaoms_llm_call_t    call;
    elaaoms_llm_usage_t   local_usage;
    elaaoms_llm_error_t   local_err, *e;
    elaaoms_llm_result_t  res;

    *text = NULL;

    if (usage == NULL) {
        usage = &local_usage;
    }
    e = err ? err : &local_err;

    memset(usage, 0, sizeof(elaaoms_llm_usage_t));
    elaaoms_api_error_reset(e);

    if (user_prompt == NULL || user_prompt[0] == '\0') {
        elaaoms_api_error_set(e, ELAAOMS_API_ERR_INPUT, 0, "empty prompt");
        return -1;
    }

    call.task = ELAAOMS_LLM_TASK_TEXT;
    call.system = system_prompt;
    call.user = user_prompt;
    call.max_tokens = max_tokens > 0 ? max_tokens
                      : llm->max_tokens > 0 ? llm->max_tokens
                      : ELAAOMS_LLM_DEFAULT_MAX_TOKENS;

    memset(&res, 0, sizeof(elaaoms_llm_result_t));

    rc = elaaoms_llm_run(llm, &call, &res, usage, e);
    if (rc == 0) {
        *text = res.text;
    }

    return rc;
}
