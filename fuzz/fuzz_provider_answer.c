/*
 * libFuzzer target: what the providers answer, through the worker's own
 * readers (no I/O).  The first byte chooses the reader, the next two are
 * parameters, the rest is the answer body:
 *   0  OpenAI chat completion -> memories   (json_schema output)
 *   1  Anthropic message      -> memories   (record_memories tool call)
 *   2  OpenAI chat completion -> free text  (the first message)
 *   3  Anthropic message      -> free text
 *   4  OpenAI embeddings      -> vectors    (byte 1: inputs 1..8, byte 2:
 *                                            dimensions 0..15)
 *   5  ElevenLabs agent profile
 *   6  an error body of any of them (status from byte 1)
 * Whatever a reader accepts must be usable as is; a refusal keeps nothing.
 */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clients/api_error.h"
#include "clients/elevenlabs_api.h"
#include "clients/embed_openai.h"
#include "clients/http_client.h"
#include "clients/llm.h"


static size_t
utf8_chars(const char *s)
{
    size_t  n = 0;

    for ( /* void */ ; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }

    return n;
}


static void
memories(elaaoms_llm_kind_e kind, const char *body)
{
    int                       rc;
    size_t                    i;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    rc = elaaoms_llm_parse_extract_answer(kind, body, &out, &usage, &err);

    if (rc != 0 && (out.n != 0 || err.message[0] == '\0'
                    || err.code == ELAAOMS_API_OK))
    {
        abort();
    }

    for (i = 0; i < out.n; i++) {
        const elaaoms_extracted_t  *m = &out.items[i];

        if ((unsigned) m->type >= ELAAOMS_MEM_NTYPES
            || m->importance < 1 || m->importance > 10
            || !(m->confidence >= 0 && m->confidence <= 1)
            || m->content == NULL || m->content[0] == '\0'
            || utf8_chars(m->content) > ELAAOMS_LLM_MAX_CONTENT_CHARS
            || m->source_quote == NULL)
        {
            abort();
        }
    }

    if (usage.input_tokens < 0 || usage.output_tokens < 0) {
        abort();
    }

    elaaoms_extracted_free(&out);
}


static void
text(elaaoms_llm_kind_e kind, const char *body)
{
    int                  rc;
    char                *t;
    elaaoms_llm_error_t  err;

    rc = elaaoms_llm_parse_text_answer(kind, body, &t, NULL, &err);

    if (rc == 0) {
        if (t == NULL || t[0] == '\0' || t[0] == ' '
            || t[strlen(t) - 1] == ' ')
        {
            abort();
        }

    } else if (t != NULL || err.message[0] == '\0') {
        abort();
    }

    free(t);
}


static void
vectors(const char *body, size_t n, int dimensions)
{
    int                  rc;
    float               *v;
    size_t               dim, i;
    long long            tokens;
    elaaoms_api_error_t  err;

    tokens = 0;
    rc = elaaoms_embed_openai_parse_answer(body, n, dimensions, &v, &dim,
                                           &tokens, &err);
    if (rc == 0) {
        if (v == NULL || dim == 0
            || (dimensions > 0 && dim != (size_t) dimensions))
        {
            abort();
        }

        /* a stored vector must score: no inf, no NaN */
        for (i = 0; i < n * dim; i++) {
            if (!isfinite(v[i])) {
                abort();
            }
        }

    } else if (v != NULL || dim != 0 || err.message[0] == '\0') {
        abort();
    }

    free(v);
}


static void
profile(const char *body)
{
    elaaoms_api_error_t       err;
    elaaoms_agent_profile_t   p;

    if (elaaoms_agent_profile_parse(body, &p, &err) != 0) {
        if (p.agent_id || p.name || p.first_message || p.language
            || p.prompt || p.llm || p.voice_id)
        {
            abort();
        }

        return;
    }

    if ((p.override_first_message | p.override_language | p.override_prompt
         | p.override_voice_id | p.client_data_webhook) & ~1)
    {
        abort();
    }

    elaaoms_agent_profile_free(&p);
}


static void
error_body(char *body, size_t len, long status)
{
    elaaoms_api_error_t      err;
    elaaoms_http_response_t  resp;

    memset(&resp, 0, sizeof(resp));
    resp.status = status;
    resp.body = body;
    resp.body_len = len;
    resp.retry_after_ms = -1;
    resp.ratelimit_reset_ms = -1;

    elaaoms_api_error_reset(&err);
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_OK, &resp);

    if (err.code == ELAAOMS_API_OK
        || strnlen(err.message, sizeof(err.message)) == sizeof(err.message)
        || strnlen(err.type, sizeof(err.type)) == sizeof(err.type))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  *body;

    if (size < 3) {
        return 0;
    }

    /* the HTTP client hands readers a NUL-terminated body */
    body = malloc(size - 3 + 1);
    if (body == NULL) {
        return 0;
    }

    memcpy(body, data + 3, size - 3);
    body[size - 3] = '\0';

    switch (data[0] % 7) {
    case 0:
        memories(ELAAOMS_LLM_OPENAI, body);
        break;
    case 1:
        memories(ELAAOMS_LLM_ANTHROPIC, body);
        break;
    case 2:
        text(ELAAOMS_LLM_OPENAI, body);
        break;
    case 3:
        text(ELAAOMS_LLM_ANTHROPIC, body);
        break;
    case 4:
        vectors(body, 1 + data[1] % 8, data[2] % 16);
        break;
    case 5:
        profile(body);
        break;
    default:
        error_body(body, size - 3, 400 + data[1] % 200);
        break;
    }

    free(body);

    return 0;
}
