/*
 * Internal to the LLM client (llm.c, llm_memories.c, llm_openai.c,
 * llm_anthropic.c): what a provider implements, and the memory schema
 * and validation both providers share.
 */

#ifndef ELAAOMS_LLM_PROVIDER_H
#define ELAAOMS_LLM_PROVIDER_H

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "clients/http_client.h"
#include "clients/llm.h"

/* the name of the OpenAI json_schema and of the Anthropic tool */
#define ELAAOMS_LLM_SCHEMA_NAME  "memories"
#define ELAAOMS_LLM_TOOL_NAME    "record_memories"

typedef enum {
    ELAAOMS_LLM_TASK_EXTRACT = 0,    /* structured {"memories": [...]} */
    ELAAOMS_LLM_TASK_TEXT            /* free text */
} elaaoms_llm_task_e;

typedef struct {
    elaaoms_llm_task_e         task;
    const char                *system;      /* may be NULL for TEXT */
    const char                *user;
    int                        max_tokens;  /* > 0 */
} elaaoms_llm_call_t;

typedef struct {
    elaaoms_extracted_list_t  *memories;    /* EXTRACT: appended to */
    char                      *text;        /* TEXT: malloc'd, trimmed */
    long long                  input_tokens;
    long long                  output_tokens;
} elaaoms_llm_result_t;

typedef struct {
    const char  *default_base;
    const char  *path;

    /* the JSON request body, malloc'd (caller frees); NULL with err set */
    char *(*build)(const elaaoms_llm_t *llm, const elaaoms_llm_call_t *call,
                   size_t *len, elaaoms_llm_error_t *err);

    /* sets the authentication on req: a bearer token, or headers taken
       from hdrs (room for 2, pointing into llm) */
    void (*auth)(const elaaoms_llm_t *llm, elaaoms_http_request_t *req,
                 elaaoms_http_header_t *hdrs);

    /* reads a 2xx answer into res; the token counts are set even when it
       fails (a cut or refused answer is billed too).  0 or -1 + err */
    int (*parse)(const elaaoms_llm_call_t *call, yajl_val root,
                 elaaoms_llm_result_t *res, elaaoms_llm_error_t *err);
} elaaoms_llm_provider_t;

extern const elaaoms_llm_provider_t  elaaoms_llm_openai_provider;
extern const elaaoms_llm_provider_t  elaaoms_llm_anthropic_provider;

/* what the model is told to do, when the configuration does not say */
extern const char  elaaoms_llm_default_extract_prompt[];

/* the tool's description for Anthropic */
extern const char  elaaoms_llm_tool_description[];

/*
 * The JSON schema of {"memories": [...]} as a value in g.  Strict-mode
 * shaped (every property required, additionalProperties false);
 * with_bounds adds minimum/maximum/maxLength, which OpenAI's strict mode
 * does not accept on every model while Anthropic's tools do.
 */
yajl_gen_status elaaoms_llm_gen_memory_schema(yajl_gen g, int with_bounds);

/* the user message wrapping the transcript; malloc'd, NULL on no memory */
char *elaaoms_llm_extract_user_message(const char *transcript);

/* validation of an already parsed {"memories": [...]} (see llm.h) */
int elaaoms_llm_memories_from_tree(yajl_val doc,
    elaaoms_extracted_list_t *out, elaaoms_llm_error_t *err);

/* a trimmed malloc'd copy of a model's text; NULL + err when empty */
char *elaaoms_llm_dup_text(const char *s, size_t len,
    elaaoms_llm_error_t *err);

#endif /* ELAAOMS_LLM_PROVIDER_H */
