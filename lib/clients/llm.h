/*
 * Memory extraction (and short free-text completions) with an LLM:
 * OpenAI Chat Completions with a strict json_schema response format, or
 * Anthropic Messages with a forced "record_memories" tool.
 *
 * Every function is blocking and thread-safe: the configuration is only
 * read, and the HTTP layer keeps one curl handle per thread.
 *
 * Typical use in the worker:
 *
 *     elaaoms_llm_t  primary, secondary;
 *     elaaoms_llm_defaults(&primary, ELAAOMS_LLM_OPENAI);
 *     primary.api_key = ...; primary.model = "gpt-4o-mini"; ...
 *
 *     elaaoms_extracted_list_t  out = { 0 };
 *     if (elaaoms_llm_extract_with_fallback(&primary, &secondary,
 *                                           transcript, &out, &usage, &err)
 *         != 0)
 *     {
 *         ... err.code, err.retryable, err.message ...
 *     }
 *     ... out.items[0..out.n), out.dropped ...
 *     elaaoms_extracted_free(&out);
 */

#ifndef ELAAOMS_LLM_H
#define ELAAOMS_LLM_H

#include <stddef.h>

#include "clients/api_error.h"
#include "store/memory_types.h"

#define ELAAOMS_LLM_OPENAI_BASE         "https://api.openai.com"
#define ELAAOMS_LLM_ANTHROPIC_BASE      "https://api.anthropic.com"
#define ELAAOMS_LLM_ANTHROPIC_VERSION   "2023-06-01"

#define ELAAOMS_LLM_DEFAULT_MAX_TOKENS  2048
#define ELAAOMS_LLM_DEFAULT_RETRIES     3

/* validation limits on one extracted memory */
#define ELAAOMS_LLM_MAX_CONTENT_CHARS   500     /* UTF-8 characters */
#define ELAAOMS_LLM_MAX_QUOTE_CHARS     1000

typedef elaaoms_api_error_t  elaaoms_llm_error_t;

typedef enum {
    ELAAOMS_LLM_OPENAI = 0,
    ELAAOMS_LLM_ANTHROPIC
} elaaoms_llm_kind_e;

/*
 * One provider.  The strings are borrowed: they must outlive every call
 * made with the struct.  Zero values mean the defaults noted, except
 * max_retries (0 is "no retries"): elaaoms_llm_defaults() sets it.
 */
typedef struct {
    elaaoms_llm_kind_e   kind;
    const char          *base_url;       /* NULL: the provider's own */
    const char          *api_key;        /* required */
    const char          *model;          /* required */
    long                 timeout_ms;     /* per attempt; 0: 30 s */
    int                  max_retries;    /* after the first attempt */
    long                 retry_base_ms;  /* first backoff; 0: 1 s */
    long                 retry_max_ms;   /* cap on backoff/retry-after; 0: 30 s */
    int                  max_tokens;     /* output limit; 0: 2048 */
    /* prices per million tokens, in any one currency, for usage.cost */
    double               price_input_per_mtok;
    double               price_output_per_mtok;
    /* system prompt for extraction; NULL: the built-in one */
    const char          *extract_prompt;
} elaaoms_llm_t;

/*
 * Tokens and cost of one public call, summed over all its attempts and,
 * with the fallback, over both providers.
 */
typedef struct {
    long long            input_tokens;   /* prompt_tokens / input_tokens */
    long long            output_tokens;  /* completion_tokens / output_tokens */
    double               cost;           /* from the configured prices */
    int                  attempts;       /* HTTP requests made */
    int                  answered;       /* 1 when a provider succeeded */
    elaaoms_llm_kind_e   provider;       /* who answered (when answered) */
    const char          *model;          /* its configured model */
    int                  fell_back;      /* 1 when the secondary answered */
} elaaoms_llm_usage_t;

/* zeroes llm, sets kind and max_retries = 3 */
void elaaoms_llm_defaults(elaaoms_llm_t *llm, elaaoms_llm_kind_e kind);

/* "openai" / "anthropic" */
const char *elaaoms_llm_kind_name(elaaoms_llm_kind_e kind);

/*
 * Chooses a provider from its configured name: "openai", "anthropic", or
 * "auto" (or NULL/""), which takes whichever has a non-empty key, OpenAI
 * first.  0 and *kind, or -1 when the name is unknown or the chosen
 * provider has no key.
 */
int elaaoms_llm_choose(const char *provider, const char *openai_key,
    const char *anthropic_key, elaaoms_llm_kind_e *kind);

/*
 * Extracts memories from a transcript.  out must hold no items on entry
 * (its dropped count is reset); on success it holds the valid memories (the caller frees them
 * with elaaoms_extracted_free()) and out->dropped counts the items refused
 * by validation; on failure it is left empty.  usage and err may be NULL.
 * 0 on success, -1 on failure (err says why).
 */
int elaaoms_llm_extract(const elaaoms_llm_t *llm, const char *transcript_text,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err);

/*
 * elaaoms_llm_extract() with primary, then, if it fails after its
 * retries, with secondary (may be NULL).  usage->provider and
 * usage->fell_back tell who answered.  When the secondary answers,
 * err->code is OK but err->message keeps the primary's failure (for the
 * log); when both fail, err describes the secondary's failure and its
 * message starts with the primary's.  No fallback for INPUT and NOMEM.
 */
int elaaoms_llm_extract_with_fallback(const elaaoms_llm_t *primary,
    const elaaoms_llm_t *secondary, const char *transcript_text,
    elaaoms_extracted_list_t *out, elaaoms_llm_usage_t *usage,
    elaaoms_llm_error_t *err);

/*
 * A short free-text completion (the personalised first message):
 * system_prompt (may be NULL) + user_prompt -> *text, malloc'd, trimmed,
 * never empty on success; the caller frees it.  max_tokens 0 means
 * llm->max_tokens.  Same retries as the extraction; an output cut by the
 * token limit is an error (a half sentence must not be spoken).
 */
int elaaoms_llm_complete_text(const elaaoms_llm_t *llm,
    const char *system_prompt, const char *user_prompt, int max_tokens,
    char **text, elaaoms_llm_usage_t *usage, elaaoms_llm_error_t *err);

/*
 * The strict validation of a {"memories": [...]} document, shared by both
 * providers (and a fuzzing target): appends the valid items to out and
 * counts the others in out->dropped.  -1 (err MALFORMED or NOMEM) when
 * json is not an object with a "memories" array.
 */
int elaaoms_llm_parse_memories(const char *json, elaaoms_extracted_list_t *out,
    elaaoms_llm_error_t *err);

/*
 * A provider's 2xx answer body (NUL-terminated), read exactly as the calls
 * above read it, without any I/O (and a fuzzing target): an OpenAI chat
 * completion or an Anthropic message with the record_memories tool call.
 * The extract form appends the valid memories to out (out->dropped counts
 * the refused items; on failure out is left empty); the text form sets
 * *text (malloc'd, trimmed, the caller frees it; NULL on failure).  usage
 * (may be NULL) gets the token counts, also for a refused answer.  err
 * may be NULL.  0, or -1 with err set (MALFORMED, TRUNCATED, REFUSAL...).
 */
int elaaoms_llm_parse_extract_answer(elaaoms_llm_kind_e kind,
    const char *body, elaaoms_extracted_list_t *out,
    elaaoms_llm_usage_t *usage, elaaoms_llm_error_t *err);
int elaaoms_llm_parse_text_answer(elaaoms_llm_kind_e kind, const char *body,
    char **text, elaaoms_llm_usage_t *usage, elaaoms_llm_error_t *err);

#endif /* ELAAOMS_LLM_H */
