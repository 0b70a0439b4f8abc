/*
 * The embeddings (OpenAI) and ElevenLabs agent profile clients against
 * t/fakes/fake_llm.py: wire formats, retries, validation.
 */

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/elevenlabs_api.h"
#include "clients/embed_openai.h"
#include "clients/http_client.h"
#include "util/yajl_util.h"
#include "unit.h"
#include "unit_fake_llm.h"


static void
test_embeddings(void)
{
    int                     i;
    float                  *v, *w;
    double                  norm;
    size_t                  dim, j;
    yajl_val                log, r;
    long long               tokens, n;
    elaaoms_api_error_t     err;
    elaaoms_embed_openai_t  cfg;

    static const char *const  texts[] = {
        "Caller prefers email.", "Order A-12345 was delayed.",
        "Caller prefers email."
    };

    memset(&cfg, 0, sizeof(cfg));
    cfg.base_url = base;
    cfg.api_key = "sk-test";
    cfg.dimensions = 64;
    cfg.timeout_ms = 2000;
    cfg.max_retries = 1;
    cfg.retry_base_ms = 10;

    control("{\"reset\": true, \"script\": [{\"status\": 429, "
            "\"retry_after_ms\": 20}]}");
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 3, &v, &dim, &tokens, &err),
                 0);
    CHECK_INT_EQ(dim, 64);
    CHECK_INT_EQ(err.attempts, 2);
    CHECK(tokens > 0);

    if (v) {
        for (i = 0; i < 3; i++) {
            norm = 0;
            for (j = 0; j < dim; j++) {
                norm += (double) v[i * dim + j] * v[i * dim + j];
            }
            CHECK(fabs(norm - 1.0) < 1e-4);
        }
        CHECK(memcmp(v, v + 2 * dim, dim * sizeof(float)) == 0);
        CHECK(memcmp(v, v + dim, dim * sizeof(float)) != 0);
    }

    log = requests("/v1/embeddings");
    r = last_request(log);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "authorization")),
                 "Bearer sk-test");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "model")),
                 "text-embedding-3-small");
    CHECK_INT_EQ(elaaoms_yajl_int(r, ELAAOMS_YAJL_PATH("json", "dimensions"),
                                  &n), 0);
    CHECK_INT_EQ(n, 64);
    CHECK_INT_EQ(elaaoms_yajl_arr(r, ELAAOMS_YAJL_PATH("json", "input"))
                     ->u.array.len, 3);
    yajl_tree_free(log);

    /* answered out of order: placed by index */
    control("{\"reset\": true, \"script\": [{\"reverse\": true}]}");
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 3, &w, &dim, NULL, &err), 0);
    if (v && w) {
        CHECK(memcmp(v, w, 3 * dim * sizeof(float)) == 0);
    }
    free(w);
    free(v);

    /* the model's default size when dimensions is not sent */
    cfg.dimensions = 0;
    control("{\"reset\": true}");
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 1, &v, &dim, NULL, &err), 0);
    CHECK_INT_EQ(dim, 1536);
    free(v);
    log = requests("/v1/embeddings");
    CHECK(yajl_tree_get(last_request(log), ELAAOMS_YAJL_PATH("json",
                        "dimensions"), yajl_t_any) == NULL);
    yajl_tree_free(log);

    /* a size other than asked for is malformed */
    cfg.dimensions = 32;
    control("{\"reset\": true, \"script\": [{\"body\": {\"object\": \"list\", "
            "\"data\": [{\"object\": \"embedding\", \"index\": 0, "
            "\"embedding\": [0.6, 0.8]}], \"model\": \"m\"}}]}");
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 1, &v, &dim, NULL, &err),
                 -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(v == NULL);

    {
        static const char *const  empty[] = { "ok", "" };

        CHECK_INT_EQ(elaaoms_embed_openai(&cfg, empty, 2, &v, &dim, NULL,
                                          &err), -1);
        CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_INPUT);
    }

    cfg.api_key = "bad-key";
    CHECK_INT_EQ(elaaoms_embed_openai(&cfg, texts, 1, &v, &dim, NULL, &err),
                 -1);
    CHECK_INT_EQ(err.http_status, 401);
    CHECK_STR_EQ(err.type, "invalid_api_key");
}


static void
test_agent_profile(void)
{
    char                     *raw;
    yajl_val                  log, r;
    elaaoms_api_error_t       err;
    elaaoms_elevenlabs_t      cfg;
    elaaoms_agent_profile_t   p;

    memset(&cfg, 0, sizeof(cfg));
    cfg.base_url = base;
    cfg.api_key = "xi-test";
    cfg.timeout_ms = 2000;
    cfg.max_retries = 1;
    cfg.retry_base_ms = 10;

    control("{\"reset\": true, \"script\": [{\"status\": 500}]}");
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&cfg, "agent_01support7x", &raw,
                                              &p, &err), 0);
    CHECK_INT_EQ(err.attempts, 2);
    CHECK(raw != NULL && strstr(raw, "\"conversation_config\"") != NULL);
    CHECK_STR_EQ(p.agent_id, "agent_01support7x");
    CHECK_STR_EQ(p.name, "Acme Support");
    CHECK_STR_EQ(p.first_message,
                 "Hi, thanks for calling Acme. How can I help you today?");
    CHECK_STR_EQ(p.language, "en");
    CHECK_STR_EQ(p.prompt, "You are Acme's friendly support agent. Be concise.");
    CHECK_STR_EQ(p.llm, "gemini-2.0-flash");
    CHECK_STR_EQ(p.voice_id, "21m00Tcm4TlvDq8ikWAM");
    CHECK_INT_EQ(p.override_first_message, 1);
    CHECK_INT_EQ(p.override_language, 0);
    CHECK_INT_EQ(p.override_prompt, 1);
    CHECK_INT_EQ(p.override_voice_id, 0);
    CHECK_INT_EQ(p.client_data_webhook, 1);
    elaaoms_agent_profile_free(&p);

    /* the raw body parses back to the same summary (the Redis cache) */
    CHECK_INT_EQ(elaaoms_agent_profile_parse(raw, &p, &err), 0);
    CHECK_STR_EQ(p.name, "Acme Support");
    CHECK_INT_EQ(p.override_prompt, 1);
    elaaoms_agent_profile_free(&p);
    free(raw);

    log = requests("/v1/convai/agents/");
    r = last_request(log);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("method")), "GET");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("path")),
                 "/v1/convai/agents/agent_01support7x");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "xi-api-key")),
                 "xi-test");
    yajl_tree_free(log);

    /* a profile with nothing overridable and no optional fields */
    control("{\"reset\": true, \"agents\": {\"agent_bare\": "
            "{\"agent_id\": \"agent_bare\", \"name\": \"Bare\"}}}");
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&cfg, "agent_bare", NULL, &p,
                                              &err), 0);
    CHECK_STR_EQ(p.name, "Bare");
    CHECK(p.first_message == NULL && p.prompt == NULL);
    CHECK_INT_EQ(p.override_first_message + p.override_language
                 + p.override_prompt + p.client_data_webhook, 0);
    elaaoms_agent_profile_free(&p);

    /* unknown agent: 404, not retried */
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&cfg, "agent_missing1", &raw,
                                              &p, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_HTTP);
    CHECK_INT_EQ(err.http_status, 404);
    CHECK_INT_EQ(err.attempts, 1);
    CHECK_STR_EQ(err.type, "agent_not_found");
    CHECK(raw == NULL);

    /* ids that would bend the URL are refused before any request */
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&cfg, "../v1/user", &raw, &p,
                                              &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_INPUT);
    CHECK_INT_EQ(err.attempts, 0);

    cfg.api_key = "bad-key";
    CHECK_INT_EQ(elaaoms_elevenlabs_get_agent(&cfg, "agent_01support7x", &raw,
                                              &p, &err), -1);
    CHECK_INT_EQ(err.http_status, 401);
    CHECK_STR_EQ(err.type, "invalid_api_key");

    CHECK_INT_EQ(elaaoms_agent_profile_parse("[1]", &p, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    if (fake_start_or_fail("test_llm_embed_agent") != 0) {
        return UNIT_DONE("llm_embed_agent");
    }

    test_embeddings();
    test_agent_profile();

    fake_stop();
    elaaoms_http_thread_cleanup();

    return UNIT_DONE("llm_embed_agent");
}
