/*
 * The answer readers of the LLM, embeddings and ElevenLabs clients:
 * answers nested too deeply or too large (served by t/fakes/fake_llm.py),
 * and the readers on their own.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/elevenlabs_api.h"
#include "clients/embed_openai.h"
#include "clients/http_client.h"
#include "clients/llm.h"
#include "util/yajl_util.h"
#include "unit.h"
#include "unit_fake_llm.h"


#define DEEP  100000

/* "[[[...]]]" DEEP levels deep, malloc()ed */
static char *
deep_array(void)
{
    char  *s = malloc(2 * DEEP + 1);

    memset(s, '[', DEEP);
    memset(s + DEEP, ']', DEEP);
    s[2 * DEEP] = '\0';

    return s;
}


/* s as the inside of a JSON string (quotes and backslashes escaped) */
static char *
json_escape(const char *s)
{
    char    *out, *p;
    size_t   n = strlen(s);

    out = malloc(2 * n + 1);
    for (p = out; *s; s++) {
        if (*s == '"' || *s == '\\') {
            *p++ = '\\';
        }
        *p++ = *s;
    }
    *p = '\0';

    return out;
}


/* queues one verbatim answer for requests to path */
static void
control_raw(const char *path, const char *body)
{
    char    *esc, *ctl;
    size_t   n;

    esc = json_escape(body);
    n = strlen(esc) + strlen(path) + 128;
    ctl = malloc(n);
    snprintf(ctl, n, "{\"reset\": true, \"script\": [{\"match\": \"%s\", "
             "\"raw_body\": \"%s\"}]}", path, esc);
    CHECK_INT_EQ(control(ctl), 0);
    free(ctl);
    free(esc);
}


/*
 * Answers nested 100,000 levels deep, anywhere in them: refused as
 * malformed before a tree is built (no recursion, no crash), from every
 * provider; and an answer past the size cap.
 */
static void
test_deep_answers(void)
{
    char                     *deep, *body, *inner, *esc, *big, *raw;
    float                    *v;
    size_t                    n, dim;
    elaaoms_llm_t             llm, ant;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_embed_openai_t    cfg;
    elaaoms_elevenlabs_t      el;
    elaaoms_agent_profile_t   p;
    elaaoms_extracted_list_t  out = { 0 };
    static const char *const  texts[] = { "hello" };

    deep = deep_array();
    n = strlen(deep) + 1024;
    body = malloc(2 * n + 1024);
    inner = malloc(n);

    openai_config(&llm);
    anthropic_config(&ant);

    /* OpenAI: the envelope around a valid answer holds the deep array */
    snprintf(body, 2 * n, "{\"choices\": [{\"index\": 0, \"finish_reason\": "
             "\"stop\", \"message\": {\"role\": \"assistant\", \"content\": "
             "\"{\\\"memories\\\": []}\"}}], \"usage\": {\"prompt_tokens\": "
             "5, \"completion_tokens\": 3}, \"x\": %s}", deep);
    control_raw("/v1/chat/completions", body);
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(strstr(err.message, "nested too deeply") != NULL);
    CHECK_INT_EQ(out.n, 0);

    /* OpenAI: the structured output inside the content string */
    snprintf(inner, n, "{\"memories\": [], \"x\": %s}", deep);
    esc = json_escape(inner);
    snprintf(body, 2 * n + 1024, "{\"choices\": [{\"index\": 0, "
             "\"finish_reason\": \"stop\", \"message\": {\"role\": "
             "\"assistant\", \"content\": \"%s\"}}], \"usage\": "
             "{\"prompt_tokens\": 5, \"completion_tokens\": 3}}", esc);
    free(esc);
    control_raw("/v1/chat/completions", body);
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(strstr(err.message, "nested too deeply") != NULL);
    CHECK_INT_EQ(usage.input_tokens, 5);     /* the envelope was read */

    /* Anthropic: inside the tool call's input */
    snprintf(body, 2 * n, "{\"type\": \"message\", \"role\": \"assistant\", "
             "\"content\": [{\"type\": \"tool_use\", \"id\": \"t1\", "
             "\"name\": \"record_memories\", \"input\": {\"memories\": [], "
             "\"x\": %s}}], \"stop_reason\": \"tool_use\", \"usage\": "
             "{\"input_tokens\": 5, \"output_tokens\": 3}}", deep);
    control_raw("/v1/messages", body);
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(strstr(err.message, "nested too deeply") != NULL);

    /* a deep error body is no error message either, and no crash */
    snprintf(body, 2 * n, "{\"error\": {\"message\": %s}}", deep);
    control_raw("/v1/chat/completions", body);
    CHECK_INT_EQ(elaaoms_llm_complete_text(&llm, NULL, "hi", 10, &raw, &usage,
                                           &err), -1);
    CHECK(raw == NULL);

    /* embeddings */
    memset(&cfg, 0, sizeof(cfg));
    cfg.base_url = base;
    cfg.api_key = "sk-test";
    cfg.timeout_ms = 2000;
    snprintf(body, 2 * n, "{\"object\": \"list\", \"data\": [{\"object\": "
             "\"embedding\", \"index\": 0, \"embedding\": [0.6, 0.8]}], "
             "\"model\": \"m\", \"x\": %s}", deep);
    control_raw("/v1/embeddings", body);
    v = NULL;
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 1, &v, &dim, NULL, &err),
                 -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(strstr(err.message, "nested too deeply") != NULL);
    CHECK(v == NULL);

    /* ElevenLabs: the fetched profile and a cached one */
    memset(&el, 0, sizeof(el));
    el.base_url = base;
    el.api_key = "xi-test";
    el.timeout_ms = 2000;
    snprintf(body, 2 * n, "{\"agent_id\": \"agent_deep\", \"name\": \"Deep\", "
             "\"conversation_config\": %s}", deep);
    control_raw("/v1/convai/agents/", body);
    raw = NULL;
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&el, "agent_deep", &raw, &p,
                                              &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(raw == NULL);
    CHECK_INT_EQ(elaaoms_agent_profile_parse(body, &p, &err), -1);
    CHECK(strstr(err.message, "nested too deeply") != NULL);
    CHECK(p.name == NULL);

    /* 64 levels are an answer, 65 are not */
    memset(inner, 0, n);
    strcpy(inner, "{\"name\": \"Ok\", \"x\": ");
    memset(inner + strlen(inner), '[', 63);
    memset(inner + strlen(inner), ']', 63);
    strcat(inner, "}");
    CHECK_INT_EQ(elaaoms_agent_profile_parse(inner, &p, &err), 0);
    CHECK_STR_EQ(p.name, "Ok");
    elaaoms_agent_profile_free(&p);
    memset(inner, 0, n);
    strcpy(inner, "{\"name\": \"Ok\", \"x\": ");
    memset(inner + strlen(inner), '[', 64);
    memset(inner + strlen(inner), ']', 64);
    strcat(inner, "}");
    CHECK_INT_EQ(elaaoms_agent_profile_parse(inner, &p, &err), -1);

    /* past the size cap: refused unread */
    big = malloc(ELAAOMS_YAJL_MAX_BYTES + 16);
    memset(big, ' ', ELAAOMS_YAJL_MAX_BYTES + 8);
    memcpy(big + ELAAOMS_YAJL_MAX_BYTES + 8, "{}", 3);
    CHECK_INT_EQ(elaaoms_agent_profile_parse(big, &p, &err), -1);
    CHECK(strstr(err.message, "larger than") != NULL);
    free(big);

    free(inner);
    free(body);
    free(deep);
}


/* the answer readers on their own: no server, the same results */
static void
test_answer_readers(void)
{
    char                     *text;
    float                    *v;
    size_t                    dim;
    long long                 tokens;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    static const char  openai[] =
        "{\"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", "
        "\"message\": {\"role\": \"assistant\", \"content\": "
        "\"{\\\"memories\\\": [{\\\"type\\\": \\\"preference\\\", "
        "\\\"content\\\": \\\"Prefers email.\\\", \\\"importance\\\": 6, "
        "\\\"confidence\\\": 0.9, \\\"source_quote\\\": \\\"email\\\"}, "
        "{\\\"type\\\": \\\"gossip\\\", \\\"content\\\": \\\"x\\\", "
        "\\\"importance\\\": 6, \\\"confidence\\\": 0.9, "
        "\\\"source_quote\\\": \\\"\\\"}]}\"}}], "
        "\"usage\": {\"prompt_tokens\": 12, \"completion_tokens\": 7}}";
    static const char  anthropic[] =
        "{\"type\": \"message\", \"content\": [{\"type\": \"tool_use\", "
        "\"id\": \"t\", \"name\": \"record_memories\", \"input\": "
        "{\"memories\": [{\"type\": \"issue\", \"content\": \"Order late.\", "
        "\"importance\": 8, \"confidence\": 0.8, \"source_quote\": \"\"}]}}], "
        "\"stop_reason\": \"tool_use\", "
        "\"usage\": {\"input_tokens\": 5, \"output_tokens\": 3}}";

    CHECK_INT_EQ(elaaoms_llm_parse_extract_answer(ELAAOMS_LLM_OPENAI, openai,
                                                  &out, &usage, &err), 0);
    CHECK_INT_EQ(out.n, 1);
    CHECK_INT_EQ(out.dropped, 1);
    CHECK_STR_EQ(out.n ? out.items[0].content : NULL, "Prefers email.");
    CHECK_INT_EQ(usage.input_tokens, 12);
    CHECK_INT_EQ(usage.output_tokens, 7);
    elaaoms_extracted_free(&out);

    CHECK_INT_EQ(elaaoms_llm_parse_extract_answer(ELAAOMS_LLM_ANTHROPIC,
                                                  anthropic, &out, &usage,
                                                  &err), 0);
    CHECK_INT_EQ(out.n, 1);
    CHECK_INT_EQ(out.n ? out.items[0].importance : 0, 8);
    elaaoms_extracted_free(&out);

    /* the Anthropic answer is no OpenAI answer: nothing kept */
    CHECK_INT_EQ(elaaoms_llm_parse_extract_answer(ELAAOMS_LLM_OPENAI,
                                                  anthropic, &out, &usage,
                                                  &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK_INT_EQ(out.n, 0);

    /* negative token counts are no counts: billing never goes down */
    CHECK_INT_EQ(elaaoms_llm_parse_text_answer(ELAAOMS_LLM_OPENAI,
        "{\"choices\": [{\"finish_reason\": \"stop\", \"message\": "
        "{\"content\": \"  Hello there.  \"}}], \"usage\": "
        "{\"prompt_tokens\": -100, \"completion_tokens\": -5}}",
        &text, &usage, &err), 0);
    CHECK_STR_EQ(text, "Hello there.");
    CHECK_INT_EQ(usage.input_tokens, 0);
    CHECK_INT_EQ(usage.output_tokens, 0);
    free(text);

    CHECK_INT_EQ(elaaoms_llm_parse_text_answer(ELAAOMS_LLM_ANTHROPIC,
        "{\"content\": [{\"type\": \"text\", \"text\": \"Hi \"}, "
        "{\"type\": \"text\", \"text\": \"again.\"}], \"stop_reason\": "
        "\"end_turn\", \"usage\": {\"input_tokens\": -1, "
        "\"output_tokens\": 2}}", &text, &usage, &err), 0);
    CHECK_STR_EQ(text, "Hi again.");
    CHECK_INT_EQ(usage.input_tokens, 0);
    CHECK_INT_EQ(usage.output_tokens, 2);
    free(text);

    CHECK_INT_EQ(elaaoms_llm_parse_text_answer(ELAAOMS_LLM_OPENAI, "[1]",
                                               &text, NULL, &err), -1);
    CHECK(text == NULL);

    /* embeddings: placed by index; 1e39 is no float */
    tokens = -1;
    CHECK_INT_EQ(elaaoms_embed_openai_parse_answer(
        "{\"data\": [{\"index\": 1, \"embedding\": [0, 1]}, "
        "{\"index\": 0, \"embedding\": [1, 0]}], \"usage\": "
        "{\"prompt_tokens\": 4}}", 2, 0, &v, &dim, &tokens, &err), 0);
    CHECK_INT_EQ(dim, 2);
    CHECK(v != NULL && v[0] == 1 && v[1] == 0 && v[2] == 0 && v[3] == 1);
    CHECK_INT_EQ(tokens, 4);
    free(v);

    CHECK_INT_EQ(elaaoms_embed_openai_parse_answer(
        "{\"data\": [{\"index\": 0, \"embedding\": [1e39, 0]}]}", 1, 0, &v,
        &dim, NULL, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(v == NULL);

    tokens = 0;
    CHECK_INT_EQ(elaaoms_embed_openai_parse_answer(
        "{\"data\": [{\"index\": 0, \"embedding\": [0.5]}], \"usage\": "
        "{\"prompt_tokens\": -9}}", 1, 0, &v, &dim, &tokens, &err), 0);
    CHECK_INT_EQ(tokens, 0);
    free(v);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    test_answer_readers();

    if (fake_start_or_fail("test_llm_answers") != 0) {
        return UNIT_DONE("llm_answers");
    }

    test_deep_answers();

    fake_stop();
    elaaoms_http_thread_cleanup();

    return UNIT_DONE("llm_answers");
}
