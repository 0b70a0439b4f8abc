/*
 * OpenAI embeddings (POST {base}/v1/embeddings), also served by
 * OpenAI-compatible servers.  Blocking, thread-safe, retried like the LLM
 * calls (http_retry.h).
 */

#ifndef ELAAOMS_EMBED_OPENAI_H
#define ELAAOMS_EMBED_OPENAI_H

#include <stddef.h>

#include "clients/api_error.h"

#define ELAAOMS_EMBED_DEFAULT_MODEL  "text-embedding-3-small"
/* OpenAI accepts up to 2048 inputs per request */
#define ELAAOMS_EMBED_MAX_BATCH      2048

/* strings are borrowed; zero values mean the defaults noted */
typedef struct {
    const char  *base_url;       /* NULL: https://api.openai.com */
    const char  *api_key;        /* required */
    const char  *model;          /* NULL: text-embedding-3-small */
    int          dimensions;     /* 0: the model's own (not sent) */
    long         timeout_ms;     /* 0: 30 s */
    int          max_retries;
    long         retry_base_ms;  /* 0: 1 s */
    long         retry_max_ms;   /* 0: 30 s */
} elaaoms_embed_openai_t;

/*
 * Embeds texts[0..n) (1 <= n <= 2048, none empty) in one request.
 * On success *vectors is one malloc'd block of n * *dim floats, vector i
 * at (*vectors)[i * *dim], in input order whatever order the server
 * answered in; the caller frees it.  *tokens (may be NULL) gets
 * usage.prompt_tokens (0 when the server omits usage).  err may be NULL.
 * 0 on success, -1 on failure (*vectors NULL).
 */
int elaaoms_embed_openai(const elaaoms_embed_openai_t *cfg,
    const char *const *texts, size_t n, float **vectors, size_t *dim,
    long long *tokens, elaaoms_api_error_t *err);

/*
 * A 200 answer body (NUL-terminated) to a request of n inputs, read as
 * elaaoms_embed_openai() reads it, without any I/O (and a fuzzing
 * target): n vectors of one size (dimensions when > 0), placed by their
 * "index", each index once.  Same results as elaaoms_embed_openai();
 * *tokens (may be NULL) is only set when the answer has usage.
 */
int elaaoms_embed_openai_parse_answer(const char *body, size_t n,
    int dimensions, float **vectors, size_t *dim, long long *tokens,
    elaaoms_api_error_t *err);

#endif /* ELAAOMS_EMBED_OPENAI_H */
