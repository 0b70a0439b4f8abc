/*
 * Anthropic Messages: structured output through a forced tool
 * ("record_memories", tool_choice type "tool"): the tool's input is the
 * {"memories": [...]} object.
 */

#include <stdlib.h>
#include <string.h>

#include "clients/llm_provider.h"
#include "util/yajl_util.h"


static char *
elaaoms_llm_anthropic_build(const elaaoms_llm_t *llm,
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
    st |= elaaoms_yajl_gen_kv_int(g, "max_tokens", call->max_tokens);

    if (call->task == ELAAOMS_LLM_TASK_EXTRACT) {
        st |= elaaoms_yajl_gen_cstr(g, "temperature");
        st |= yajl_gen_integer(g, 0);
    }

    if (call->system && call->system[0]) {
        st |= elaaoms_yajl_gen_kv_str(g, "system", call->system);
    }

    st |= elaaoms_yajl_gen_cstr(g, "messages");
    st |= yajl_gen_array_open(g);
    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "role", "user");
    st |= elaaoms_yajl_gen_kv_str(g, "content", call->user);
    st |= yajl_gen_map_close(g);
    st |= yajl_gen_array_close(g);

    if (call->task == ELAAOMS_LLM_TASK_EXTRACT) {
        st |= elaaoms_yajl_gen_cstr(g, "tools");
        st |= yajl_gen_array_open(g);
        st |= yajl_gen_map_open(g);
        st |= elaaoms_yajl_gen_kv_str(g, "name", ELAAOMS_LLM_TOOL_NAME);
        st |= elaaoms_yajl_gen_kv_str(g, "description",
                                      elaaoms_llm_tool_description);
        st |= elaaoms_yajl_gen_cstr(g, "input_schema");
        st |= elaaoms_llm_gen_memory_schema(g, 1);
        st |= yajl_gen_map_close(g);
        st |= yajl_gen_array_close(g);

        st |= elaaoms_yajl_gen_cstr(g, "tool_choice");
        st |= yajl_gen_map_open(g);
        st |= elaaoms_yajl_gen_kv_str(g, "type", "tool");
        st |= elaaoms_yajl_gen_kv_str(g, "name", ELAAOMS_LLM_TOOL_NAME);
        st |= yajl_gen_map_close(g);
    }

    st |= yajl_gen_map_close(g);

    return elaaoms_api_request_body(g, st, len, err);
}


static void
elaaoms_llm_anthropic_auth(const elaaoms_llm_t *llm,
    elaaoms_http_request_t *req, elaaoms_http_header_t *hdrs)
{
    hdrs[0].name = "x-api-key";
    hdrs[0].value = llm->api_key;
    hdrs[1].name = "anthropic-version";
    hdrs[1].value = ELAAOMS_LLM_ANTHROPIC_VERSION;

    req->headers = hdrs;
    req->nheaders = 2;
}


/* the text blocks of the answer, joined, as a trimmed malloc'd string */
static char *
elaaoms_llm_anthropic_text(yajl_val content, elaaoms_llm_error_t *err)
{
    char        *joined, *p, *text;
    size_t       i, len = 0;
    yajl_val     block;
    const char  *type, *t;

    for (i = 0; i < content->u.array.len; i++) {
        block = content->u.array.values[i];
        type = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("type"));
        t = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("text"));
        if (type && strcmp(type, "text") == 0 && t) {
            len += strlen(t);
        }
    }

    joined = malloc(len + 1);
    if (joined == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return NULL;
    }

    p = joined;
    for (i = 0; i < content->u.array.len; i++) {
        block = content->u.array.values[i];
        type = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("type"));
        t = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("text"));
        if (type && strcmp(type, "text") == 0 && t) {
            p = stpcpy(p, t);
        }
    }
    *p = '\0';

    text = elaaoms_llm_dup_text(joined, p - joined, err);
    free(joined);

    return text;
}


static int
elaaoms_llm_anthropic_parse(const elaaoms_llm_call_t *call, yajl_val root,
    elaaoms_llm_result_t *res, elaaoms_llm_error_t *err)
{
    size_t       i;
    yajl_val     content, block, input;
    long long    n;
    const char  *stop, *type, *name;

    if (elaaoms_yajl_count(root, ELAAOMS_YAJL_PATH("usage", "input_tokens"), &n)
        == 0)
    {
        res->input_tokens = n;
    }
    if (elaaoms_yajl_count(root, ELAAOMS_YAJL_PATH("usage", "output_tokens"),
                           &n) == 0)
    {
        res->output_tokens = n;
    }

    stop = elaaoms_yajl_str(root, ELAAOMS_YAJL_PATH("stop_reason"));

    if (stop && strcmp(stop, "max_tokens") == 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_TRUNCATED, 0,
                              "output cut at the token limit "
                              "(stop_reason \"max_tokens\")");
        return -1;
    }

    if (stop && strcmp(stop, "refusal") == 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_REFUSAL, 0,
                              "the model refused (stop_reason \"refusal\")");
        return -1;
    }

    content = elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("content"));
    if (content == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "no content in the answer");
        return -1;
    }

    if (call->task == ELAAOMS_LLM_TASK_TEXT) {
        res->text = elaaoms_llm_anthropic_text(content, err);
        return res->text ? 0 : -1;
    }

    for (i = 0; i < content->u.array.len; i++) {
        block = content->u.array.values[i];
        type = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("type"));
        name = elaaoms_yajl_str(block, ELAAOMS_YAJL_PATH("name"));

        if (type == NULL || strcmp(type, "tool_use") != 0
            || name == NULL || strcmp(name, ELAAOMS_LLM_TOOL_NAME) != 0)
        {
            continue;
        }

        input = elaaoms_yajl_obj(block, ELAAOMS_YAJL_PATH("input"));
        if (input == NULL) {
            break;
        }

        return elaaoms_llm_memories_from_tree(input, res->memories, err);
    }

    elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                          "no \"" ELAAOMS_LLM_TOOL_NAME "\" tool call "
                          "in the answer");
    return -1;
}


const elaaoms_llm_provider_t  elaaoms_llm_anthropic_provider = {
    ELAAOMS_LLM_ANTHROPIC_BASE,
    "/v1/messages",
    elaaoms_llm_anthropic_build,
    elaaoms_llm_anthropic_auth,
    elaaoms_llm_anthropic_parse
};
