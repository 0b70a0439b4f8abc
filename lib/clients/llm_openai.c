/*
 * OpenAI Chat Completions (and OpenAI-compatible servers): structured
 * output through response_format json_schema with strict: true.
 */

#include <stdlib.h>
#include <string.h>

#include "clients/llm_provider.h"
#include "util/yajl_util.h"


static char *
elaaoms_llm_openai_build(const elaaoms_llm_t *llm,
    const elaaoms_llm_call_t *call, size_t *len, elaaoms_llm_error_t *err)
{
    yajl_gen          g;
    yajl_gen_status   st = yajl_gen_status_ok;

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return NULL;
    }

    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "model", llm->model);

    if (call->task == ELAAOMS_LLM_TASK_EXTRACT) {
        st |= elaaoms_yajl_gen_cstr(g, "temperature");
        st |= yajl_gen_integer(g, 0);
    }

    /* max_tokens is deprecated and refused by the reasoning models */
    st |= elaaoms_yajl_gen_kv_int(g, "max_completion_tokens", call->max_tokens);

    st |= elaaoms_yajl_gen_cstr(g, "messages");
    st |= yajl_gen_array_open(g);
    if (call->system && call->system[0]) {
        st |= yajl_gen_map_open(g);
        st |= elaaoms_yajl_gen_kv_str(g, "role", "system");
        st |= elaaoms_yajl_gen_kv_str(g, "content", call->system);
        st |= yajl_gen_map_close(g);
    }
    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "role", "user");
    st |= elaaoms_yajl_gen_kv_str(g, "content", call->user);
    st |= yajl_gen_map_close(g);
    st |= yajl_gen_array_close(g);

    if (call->task == ELAAOMS_LLM_TASK_EXTRACT) {
        st |= elaaoms_yajl_gen_cstr(g, "response_format");
        st |= yajl_gen_map_open(g);
        st |= elaaoms_yajl_gen_kv_str(g, "type", "json_schema");
        st |= elaaoms_yajl_gen_cstr(g, "json_schema");
        st |= yajl_gen_map_open(g);
        st |= elaaoms_yajl_gen_kv_str(g, "name", ELAAOMS_LLM_SCHEMA_NAME);
        st |= elaaoms_yajl_gen_cstr(g, "strict");
        st |= yajl_gen_bool(g, 1);
        st |= elaaoms_yajl_gen_cstr(g, "schema");
        st |= elaaoms_llm_gen_memory_schema(g, 0);
        st |= yajl_gen_map_close(g);
        st |= yajl_gen_map_close(g);
    }

    st |= yajl_gen_map_close(g);

    return elaaoms_api_request_body(g, st, len, err);
}


static void
elaaoms_llm_openai_auth(const elaaoms_llm_t *llm, elaaoms_http_request_t *req,
    elaaoms_http_header_t *hdrs)
{
    req->bearer_token = llm->api_key;
}


static int
elaaoms_llm_openai_parse(const elaaoms_llm_call_t *call, yajl_val root,
    elaaoms_llm_result_t *res, elaaoms_llm_error_t *err)
{
    int          rc;
    char         reason[128];
    yajl_val     choices, choice, message, doc;
    long long    n;
    const char  *finish, *refusal, *content;

    /* self-hosted servers may omit usage: 0 then */
    if (elaaoms_yajl_count(root, ELAAOMS_YAJL_PATH("usage", "prompt_tokens"),
                           &n) == 0)
    {
        res->input_tokens = n;
    }
    if (elaaoms_yajl_count(root,
                           ELAAOMS_YAJL_PATH("usage", "completion_tokens"), &n)
        == 0)
    {
        res->output_tokens = n;
    }

    choices = elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("choices"));
    if (choices == NULL || choices->u.array.len == 0
        || !YAJL_IS_OBJECT(choices->u.array.values[0]))
    {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "no choices in the answer");
        return -1;
    }

    choice = choices->u.array.values[0];
    finish = elaaoms_yajl_str(choice, ELAAOMS_YAJL_PATH("finish_reason"));

    if (finish && strcmp(finish, "length") == 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_TRUNCATED, 0,
                              "output cut at the token limit "
                              "(finish_reason \"length\")");
        return -1;
    }

    if (finish && strcmp(finish, "content_filter") == 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_REFUSAL, 0,
                              "output withheld by the content filter");
        return -1;
    }

    message = elaaoms_yajl_obj(choice, ELAAOMS_YAJL_PATH("message"));
    refusal = elaaoms_yajl_str(message, ELAAOMS_YAJL_PATH("refusal"));

    if (refusal) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_REFUSAL, 0,
                              "the model refused: %.200s", refusal);
        return -1;
    }

    content = elaaoms_yajl_str(message, ELAAOMS_YAJL_PATH("content"));
    if (content == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "no message content in the answer");
        return -1;
    }

    if (call->task == ELAAOMS_LLM_TASK_TEXT) {
        res->text = elaaoms_llm_dup_text(content, strlen(content), err);
        return res->text ? 0 : -1;
    }

    /* the structured answer is a JSON document inside a JSON string */
    doc = elaaoms_yajl_parse(content, reason, sizeof(reason));
    if (doc == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "message content is not JSON: %s", reason);
        return -1;
    }

    rc = elaaoms_llm_memories_from_tree(doc, res->memories, err);
    yajl_tree_free(doc);

    return rc;
}


const elaaoms_llm_provider_t  elaaoms_llm_openai_provider = {
    ELAAOMS_LLM_OPENAI_BASE,
    "/v1/chat/completions",
    elaaoms_llm_openai_build,
    elaaoms_llm_openai_auth,
    elaaoms_llm_openai_parse
};
