/*
 * The LLM clients (OpenAI chat completions, Anthropic messages) against
 * t/fakes/fake_llm.py: wire formats, retries, timeouts, strict
 * validation, fallback, plain text answers, threads.
 */

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/http_client.h"
#include "clients/llm.h"
#include "util/yajl_util.h"
#include "unit.h"
#include "unit_fake_llm.h"


static long
now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* the four memories the fake's rules find in `transcript` */
static void
check_transcript_memories(const elaaoms_extracted_list_t *out)
{
    CHECK_INT_EQ(out->n, 4);
    CHECK_INT_EQ(out->dropped, 0);

    if (out->n != 4) {
        return;
    }

    CHECK_INT_EQ(out->items[0].type, ELAAOMS_MEM_PREFERENCE);
    CHECK_STR_EQ(out->items[0].content, "I prefer email over phone calls.");
    CHECK_STR_EQ(out->items[0].source_quote, "I prefer email over phone calls.");
    CHECK_INT_EQ(out->items[0].importance, 6);
    CHECK(fabs(out->items[0].confidence - 0.9) < 1e-9);

    CHECK_INT_EQ(out->items[1].type, ELAAOMS_MEM_FACTUAL);
    CHECK_STR_EQ(out->items[1].content, "My order A-12345 has not arrived.");
    CHECK_INT_EQ(out->items[1].importance, 7);

    CHECK_INT_EQ(out->items[2].type, ELAAOMS_MEM_EMOTION);
    CHECK_INT_EQ(out->items[2].importance, 4);
    CHECK_INT_EQ(out->items[3].type, ELAAOMS_MEM_RELATIONSHIP);
    CHECK_INT_EQ(out->items[3].importance, 5);
}


static void
test_choose(void)
{
    elaaoms_llm_kind_e  k;

    CHECK_INT_EQ(elaaoms_llm_choose("auto", "sk", "ant", &k), 0);
    CHECK_INT_EQ(k, ELAAOMS_LLM_OPENAI);
    CHECK_INT_EQ(elaaoms_llm_choose(NULL, "", "ant", &k), 0);
    CHECK_INT_EQ(k, ELAAOMS_LLM_ANTHROPIC);
    CHECK_INT_EQ(elaaoms_llm_choose("auto", NULL, NULL, &k), -1);
    CHECK_INT_EQ(elaaoms_llm_choose("Anthropic", "sk", "ant", &k), 0);
    CHECK_INT_EQ(k, ELAAOMS_LLM_ANTHROPIC);
    CHECK_INT_EQ(elaaoms_llm_choose("openai", NULL, "ant", &k), -1);
    CHECK_INT_EQ(elaaoms_llm_choose("mistral", "sk", "ant", &k), -1);
}


static void
test_openai_happy(void)
{
    double                    cost;
    yajl_val                  log, r, schema, req_list;
    elaaoms_llm_t             llm;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&llm);
    control("{\"reset\": true}");

    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(err.code, ELAAOMS_API_OK);
    check_transcript_memories(&out);

    CHECK_INT_EQ(usage.attempts, 1);
    CHECK_INT_EQ(usage.answered, 1);
    CHECK_INT_EQ(usage.provider, ELAAOMS_LLM_OPENAI);
    CHECK_INT_EQ(usage.fell_back, 0);
    CHECK(usage.input_tokens > 100);
    CHECK(usage.output_tokens > 10);
    cost = usage.input_tokens * 0.15 / 1e6 + usage.output_tokens * 0.60 / 1e6;
    CHECK(fabs(usage.cost - cost) < 1e-12);
    CHECK_STR_EQ(usage.model, "gpt-4o-mini");

    elaaoms_extracted_free(&out);

    /* what went over the wire */
    log = requests("/v1/chat/completions");
    CHECK_INT_EQ(nrequests(log), 1);
    r = last_request(log);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "authorization")),
                 "Bearer sk-test");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "content-type")),
                 "application/json");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "model")),
                 "gpt-4o-mini");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json",
                     "response_format", "type")), "json_schema");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json",
                     "response_format", "json_schema", "name")), "memories");
    CHECK(YAJL_IS_TRUE(yajl_tree_get(r, ELAAOMS_YAJL_PATH("json",
              "response_format", "json_schema", "strict"), yajl_t_true)));

    schema = elaaoms_yajl_obj(r, ELAAOMS_YAJL_PATH("json", "response_format",
                                                   "json_schema", "schema"));
    CHECK(YAJL_IS_FALSE(yajl_tree_get(schema,
              ELAAOMS_YAJL_PATH("additionalProperties"), yajl_t_false)));
    CHECK(YAJL_IS_FALSE(yajl_tree_get(schema,
              ELAAOMS_YAJL_PATH("properties", "memories", "items",
                                "additionalProperties"), yajl_t_false)));
    req_list = elaaoms_yajl_arr(schema, ELAAOMS_YAJL_PATH("properties",
                                "memories", "items", "required"));
    CHECK(req_list != NULL && req_list->u.array.len == 5);
    CHECK_INT_EQ(elaaoms_yajl_arr(schema, ELAAOMS_YAJL_PATH("properties",
                 "memories", "items", "properties", "type", "enum"))
                     ->u.array.len, 5);
    CHECK(elaaoms_yajl_arr(r, ELAAOMS_YAJL_PATH("json", "messages"))
              ->u.array.len == 2);

    yajl_tree_free(log);
}


static void
test_anthropic_happy(void)
{
    yajl_val                  log, r;
    elaaoms_llm_t             llm;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    anthropic_config(&llm);
    control("{\"reset\": true}");

    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    check_transcript_memories(&out);
    CHECK_INT_EQ(usage.provider, ELAAOMS_LLM_ANTHROPIC);
    CHECK(usage.input_tokens > 100);
    CHECK(usage.output_tokens > 10);
    CHECK(usage.cost > 0);
    elaaoms_extracted_free(&out);

    log = requests("/v1/messages");
    CHECK_INT_EQ(nrequests(log), 1);
    r = last_request(log);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers", "x-api-key")),
                 "sk-ant-test");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "anthropic-version")),
                 "2023-06-01");
    CHECK(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers", "authorization"))
          == NULL);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "tool_choice",
                                                       "type")), "tool");
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "tool_choice",
                                                       "name")),
                 "record_memories");
    CHECK(elaaoms_yajl_obj(r, ELAAOMS_YAJL_PATH("json", "tools")) == NULL);
    CHECK(elaaoms_yajl_arr(r, ELAAOMS_YAJL_PATH("json", "tools")) != NULL);
    CHECK(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "system")) != NULL);
    CHECK(yajl_tree_get(r, ELAAOMS_YAJL_PATH("json", "max_tokens"),
                        yajl_t_number) != NULL);

    yajl_tree_free(log);
}


static void
test_retries(void)
{
    long                      t;
    elaaoms_llm_t             llm, ant;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&llm);
    anthropic_config(&ant);

    /* 429 + retry-after: 1 -> waits ~1 s, then succeeds */
    control("{\"reset\": true, \"script\": [{\"status\": 429, "
            "\"retry_after\": 1}]}");
    t = now_ms();
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    t = now_ms() - t;
    CHECK(t >= 950);
    CHECK(t < 4000);             /* generous: a loaded CI box */
    CHECK_INT_EQ(usage.attempts, 2);
    CHECK_INT_EQ(out.n, 4);
    elaaoms_extracted_free(&out);

    /* a retry-after beyond retry_max_ms is capped */
    llm.retry_max_ms = 100;
    control("{\"reset\": true, \"script\": [{\"status\": 429, "
            "\"retry_after\": 30}]}");
    t = now_ms();
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK(now_ms() - t < 1000);
    elaaoms_extracted_free(&out);
    llm.retry_max_ms = 2000;

    /* a 429 without retry-after waits for x-ratelimit-reset-requests */
    control("{\"reset\": true, \"script\": [{\"status\": 429, "
            "\"ratelimit_reset\": \"300ms\"}]}");
    t = now_ms();
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK(now_ms() - t >= 290);
    CHECK_INT_EQ(usage.attempts, 2);
    elaaoms_extracted_free(&out);

    /* 500 then success, with the short backoff */
    control("{\"reset\": true, \"script\": [{\"status\": 500}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.attempts, 2);
    CHECK_INT_EQ(out.n, 4);
    elaaoms_extracted_free(&out);

    /* 502 as an HTML page, then success */
    control("{\"reset\": true, \"script\": [{\"status\": 502, "
            "\"html\": true}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.attempts, 2);
    elaaoms_extracted_free(&out);

    /* Anthropic 529 overloaded, twice, then success */
    control("{\"reset\": true, \"script\": [{\"status\": 529, "
            "\"repeat\": 2}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.attempts, 3);
    elaaoms_extracted_free(&out);

    /* connections closed without an answer, then success (curl itself
       retries once on a reused connection, so count on the fake's side) */
    control("{\"reset\": true, \"script\": [{\"close\": true, "
            "\"repeat\": 2}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK(usage.attempts >= 2);
    CHECK_INT_EQ(out.n, 4);
    elaaoms_extracted_free(&out);
    {
        yajl_val  log = requests("/v1/");
        CHECK_INT_EQ(nrequests(log), 3);
        yajl_tree_free(log);
    }

    /* retries run out: the last status is reported, retryable */
    control("{\"reset\": true, \"script\": [{\"status\": 503, "
            "\"repeat\": 5}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_HTTP);
    CHECK_INT_EQ(err.http_status, 503);
    CHECK_INT_EQ(err.retryable, 1);
    CHECK_INT_EQ(err.attempts, 3);
    CHECK_INT_EQ(usage.attempts, 3);
    CHECK_INT_EQ(usage.answered, 0);
    CHECK_INT_EQ(out.n, 0);

    /* 401: never retried */
    control("{\"reset\": true, \"script\": [{\"status\": 401, "
            "\"repeat\": 3}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_HTTP);
    CHECK_INT_EQ(err.http_status, 401);
    CHECK_INT_EQ(err.attempts, 1);
    CHECK_INT_EQ(err.retryable, 0);
    CHECK_STR_EQ(err.type, "invalid_api_key");

    /* a key the fake refuses, as the real API would */
    control("{\"reset\": true}");
    ant.api_key = "bad-key";
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.http_status, 401);
    CHECK_STR_EQ(err.type, "authentication_error");
    CHECK_INT_EQ(err.attempts, 1);

    /* 400: never retried either */
    control("{\"reset\": true, \"script\": [{\"status\": 400}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.http_status, 400);
    CHECK_INT_EQ(err.attempts, 1);
}


static void
test_timeouts(void)
{
    long                      t;
    elaaoms_llm_t             llm;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&llm);
    llm.timeout_ms = 300;
    llm.max_retries = 0;

    control("{\"reset\": true, \"script\": [{\"delay_ms\": 3000}]}");
    t = now_ms();
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    t = now_ms() - t;
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TIMEOUT);
    CHECK_INT_EQ(err.retryable, 1);
    CHECK_INT_EQ(err.http_status, 0);
    CHECK(t >= 250 && t < 2500);

    /* a timeout is retried */
    llm.max_retries = 1;
    control("{\"reset\": true, \"script\": [{\"delay_ms\": 3000}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.attempts, 2);
    CHECK_INT_EQ(out.n, 4);
    elaaoms_extracted_free(&out);

    /* nothing listens: a transport error, after the retries */
    llm.base_url = "http://127.0.0.1:1";
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TRANSPORT);
    CHECK_INT_EQ(err.retryable, 1);
    CHECK_INT_EQ(err.attempts, 2);
}


static void
test_bad_answers(void)
{
    elaaoms_llm_t             llm, ant;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&llm);
    anthropic_config(&ant);

    /* a body cut in the middle: malformed, not retried */
    control("{\"reset\": true, \"script\": [{\"malformed\": true}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK_INT_EQ(err.attempts, 1);
    CHECK_INT_EQ(err.http_status, 200);

    /* the envelope is fine, the structured output is not JSON */
    control("{\"reset\": true, \"script\": [{\"malformed\": \"content\"}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK(usage.input_tokens > 0);          /* billed all the same */

    /* Anthropic answering text instead of calling the tool */
    control("{\"reset\": true, \"script\": [{\"malformed\": \"content\"}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);

    /* valid JSON without a memories array */
    control("{\"reset\": true, \"script\": [{\"output\": {\"items\": []}}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);

    /* cut by the token limit */
    control("{\"reset\": true, \"script\": [{\"finish_reason\": \"length\"}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TRUNCATED);
    CHECK_INT_EQ(err.retryable, 0);
    CHECK(usage.output_tokens > 0);
    CHECK_INT_EQ(out.n, 0);

    control("{\"reset\": true, \"script\": [{\"stop_reason\": \"max_tokens\"}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TRUNCATED);

    /* refusals */
    control("{\"reset\": true, \"script\": [{\"refusal\": "
            "\"I can't help with that.\"}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_REFUSAL);
    CHECK(strstr(err.message, "can't help") != NULL);

    control("{\"reset\": true, \"script\": [{\"refusal\": true}]}");
    CHECK_INT_EQ(elaaoms_llm_extract(&ant, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_REFUSAL);

    /* configuration and input errors make no request */
    llm.api_key = "";
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_CONFIG);
    CHECK_INT_EQ(err.attempts, 0);
    llm.api_key = "sk-test";
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, "", &out, &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_INPUT);
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, "caf\xe9 latte", &out, &usage,
                                     &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_INPUT);
}


/* 501 characters, 502 bytes */
#define LONG_CONTENT                                                         \
    "\\u00e9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  \
    "xxxxxxxxxxxxxxxx"

#define ITEM(type, content, imp, conf, quote)                                \
    "{\"type\": " type ", \"content\": " content ", \"importance\": " imp    \
    ", \"confidence\": " conf ", \"source_quote\": " quote "}"

static const char  invalid_items[] =
    "{\"reset\": true, \"script\": [{\"memories\": ["
    /* kept */
    ITEM("\"factual\"", "\"  Order A-1 was lost.  \"", "7", "0.8", "\"A-1\"") ","
    ITEM("\"issue\"", "\"Charged twice.\"", "7.0", "1", "\"\"") ","
    ITEM("\"emotion\"", "\"Was upset.\"", "1", "0", "null") ","
    /* dropped */
    ITEM("\"gossip\"", "\"x\"", "5", "0.5", "\"\"") ","
    ITEM("\"Factual\"", "\"x\"", "5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "11", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "0", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "7.5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "\"7\"", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "5", "1.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "5", "-0.1", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "5", "\"high\"", "\"\"") ","
    ITEM("\"factual\"", "\"\"", "5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\" \\n \"", "5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"" LONG_CONTENT "\"", "5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "42", "5", "0.5", "\"\"") ","
    ITEM("\"factual\"", "\"x\"", "5", "0.5", "7") ","
    "{\"type\": \"factual\", \"importance\": 5, \"confidence\": 0.5}, "
    "42, null, \"factual\""
    "]}]}";


static void
test_invalid_items(void)
{
    elaaoms_llm_t             llm;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&llm);

    CHECK_INT_EQ(control(invalid_items), 0);
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(out.n, 3);
    CHECK_INT_EQ(out.dropped, 18);

    if (out.n == 3) {
        CHECK_STR_EQ(out.items[0].content, "Order A-1 was lost.");   /* trimmed */
        CHECK_INT_EQ(out.items[1].importance, 7);
        CHECK(out.items[1].confidence == 1.0);
        CHECK_INT_EQ(out.items[2].importance, 1);
        CHECK_STR_EQ(out.items[2].source_quote, "");
    }
    elaaoms_extracted_free(&out);

    /* the same items through Anthropic's tool input */
    llm.kind = ELAAOMS_LLM_ANTHROPIC;
    CHECK_INT_EQ(control(invalid_items), 0);
    CHECK_INT_EQ(elaaoms_llm_extract(&llm, transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(out.n, 3);
    CHECK_INT_EQ(out.dropped, 18);
    elaaoms_extracted_free(&out);

    /* exactly 500 characters (1000 bytes) is fine */
    {
        char    *doc, *p;
        int      i;

        doc = malloc(2000);
        p = doc + sprintf(doc, "{\"memories\": [{\"type\": \"factual\", "
                          "\"content\": \"");
        for (i = 0; i < 500; i++) {
            p = stpcpy(p, "\xc3\xa9");
        }
        strcpy(p, "\", \"importance\": 3, \"confidence\": 0.5, "
                  "\"source_quote\": \"\"}]}");

        out.dropped = 0;                /* the parser only adds to it */
        CHECK_INT_EQ(elaaoms_llm_parse_memories(doc, &out, &err), 0);
        CHECK_INT_EQ(out.n, 1);
        CHECK_INT_EQ(out.dropped, 0);
        elaaoms_extracted_free(&out);
        free(doc);
    }

    CHECK_INT_EQ(elaaoms_llm_parse_memories("[]", &out, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
    CHECK_INT_EQ(elaaoms_llm_parse_memories("{\"memories\": {}}", &out, &err),
                 -1);
    CHECK_INT_EQ(elaaoms_llm_parse_memories("{\"memories\": [", &out, &err),
                 -1);
    CHECK_INT_EQ(elaaoms_llm_parse_memories("{\"memories\": []}", &out, &err),
                 0);
    CHECK_INT_EQ(out.n, 0);
}


static void
test_fallback(void)
{
    yajl_val                  log;
    elaaoms_llm_t             primary, secondary;
    elaaoms_llm_usage_t       usage;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    openai_config(&primary);
    anthropic_config(&secondary);

    /* the primary keeps failing: the secondary answers */
    control("{\"reset\": true, \"script\": [{\"match\": "
            "\"/v1/chat/completions\", \"status\": 500, \"repeat\": 10}]}");
    CHECK_INT_EQ(elaaoms_llm_extract_with_fallback(&primary, &secondary,
                     transcript, &out, &usage, &err), 0);
    check_transcript_memories(&out);
    CHECK_INT_EQ(usage.answered, 1);
    CHECK_INT_EQ(usage.fell_back, 1);
    CHECK_INT_EQ(usage.provider, ELAAOMS_LLM_ANTHROPIC);
    CHECK_STR_EQ(usage.model, "claude-3-5-haiku-latest");
    CHECK_INT_EQ(usage.attempts, 4);            /* 3 primary + 1 */
    CHECK_INT_EQ(err.code, ELAAOMS_API_OK);
    CHECK(strstr(err.message, "openai: HTTP 500") == err.message);
    elaaoms_extracted_free(&out);

    log = requests("/v1/");
    CHECK_INT_EQ(nrequests(log), 4);
    yajl_tree_free(log);

    /* a primary that works is the only one asked */
    control("{\"reset\": true}");
    CHECK_INT_EQ(elaaoms_llm_extract_with_fallback(&primary, &secondary,
                     transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.fell_back, 0);
    CHECK_INT_EQ(usage.provider, ELAAOMS_LLM_OPENAI);
    elaaoms_extracted_free(&out);
    log = requests("/v1/messages");
    CHECK_INT_EQ(nrequests(log), 0);
    yajl_tree_free(log);

    /* a refused primary key falls back too */
    primary.api_key = "bad-key";
    control("{\"reset\": true}");
    CHECK_INT_EQ(elaaoms_llm_extract_with_fallback(&primary, &secondary,
                     transcript, &out, &usage, &err), 0);
    CHECK_INT_EQ(usage.fell_back, 1);
    CHECK_INT_EQ(usage.attempts, 2);
    elaaoms_extracted_free(&out);
    primary.api_key = "sk-test";

    /* both fail: the secondary's error, both messages */
    control("{\"reset\": true, \"script\": [{\"match\": "
            "\"/v1/chat/completions\", \"status\": 500, \"repeat\": 10}, "
            "{\"match\": \"/v1/messages\", \"status\": 529, \"repeat\": 10}]}");
    CHECK_INT_EQ(elaaoms_llm_extract_with_fallback(&primary, &secondary,
                     transcript, &out, &usage, &err), -1);
    CHECK_INT_EQ(err.http_status, 529);
    CHECK_STR_EQ(err.type, "overloaded_error");
    CHECK_INT_EQ(err.attempts, 6);
    CHECK(strstr(err.message, "openai: HTTP 500") != NULL);
    CHECK(strstr(err.message, "anthropic: HTTP 529") != NULL);
    CHECK_INT_EQ(usage.answered, 0);
    CHECK_INT_EQ(out.n, 0);
}


static void
test_complete_text(void)
{
    char                 *text;
    yajl_val              log, r;
    elaaoms_llm_t         llm, ant;
    elaaoms_llm_usage_t   usage;
    elaaoms_llm_error_t   err;

    openai_config(&llm);
    anthropic_config(&ant);

    control("{\"reset\": true, \"script\": [{\"status\": 500}, "
            "{\"text\": \"  Welcome back, Maria!\\n\"}]}");
    CHECK_INT_EQ(elaaoms_llm_complete_text(&llm, "You greet callers.",
                     "Write a first message for Maria.", 60, &text, &usage,
                     &err), 0);
    CHECK_STR_EQ(text, "Welcome back, Maria!");
    CHECK_INT_EQ(usage.attempts, 2);
    CHECK(usage.input_tokens > 0);
    free(text);

    log = requests("/v1/chat/completions");
    r = last_request(log);
    CHECK(elaaoms_yajl_obj(r, ELAAOMS_YAJL_PATH("json", "response_format"))
          == NULL);
    CHECK_STR_EQ(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("headers",
                                                       "authorization")),
                 "Bearer sk-test");
    {
        long long  n = 0;
        CHECK_INT_EQ(elaaoms_yajl_int(r, ELAAOMS_YAJL_PATH("json",
                         "max_completion_tokens"), &n), 0);
        CHECK_INT_EQ(n, 60);
    }
    yajl_tree_free(log);

    /* the fake's own answer, from Anthropic */
    control("{\"reset\": true}");
    CHECK_INT_EQ(elaaoms_llm_complete_text(&ant, NULL,
                     "user: My order B-777 is delayed.", 0, &text, &usage,
                     &err), 0);
    CHECK_STR_EQ(text, "Hi again! I see you called about: "
                       "My order B-777 is delayed.");
    free(text);
    log = requests("/v1/messages");
    r = last_request(log);
    CHECK(elaaoms_yajl_arr(r, ELAAOMS_YAJL_PATH("json", "tools")) == NULL);
    CHECK(elaaoms_yajl_str(r, ELAAOMS_YAJL_PATH("json", "system")) == NULL);
    yajl_tree_free(log);

    /* a half sentence is an error */
    control("{\"reset\": true, \"script\": [{\"finish_reason\": \"length\"}]}");
    CHECK_INT_EQ(elaaoms_llm_complete_text(&llm, NULL, "Hello", 5, &text,
                     &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TRUNCATED);
    CHECK(text == NULL);

    control("{\"reset\": true, \"script\": [{\"text\": \"   \"}]}");
    CHECK_INT_EQ(elaaoms_llm_complete_text(&ant, NULL, "Hello", 5, &text,
                     &usage, &err), -1);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_MALFORMED);
}


#define THREADS  4
#define CALLS    5

typedef struct {
    pthread_t  tid;
    int        index;
    int        ok;
} worker_t;


/* each worker thread with its own curl handle: all calls succeed */
static void *
thread_main(void *arg)
{
    int                       i;
    worker_t                 *w = arg;
    elaaoms_llm_t             llm;
    elaaoms_llm_usage_t       usage;
    elaaoms_extracted_list_t  out = { 0 };

    if (w->index % 2) {
        anthropic_config(&llm);
    } else {
        openai_config(&llm);
    }

    for (i = 0; i < CALLS; i++) {
        if (elaaoms_llm_extract(&llm, transcript, &out, &usage, NULL) == 0
            && out.n == 4)
        {
            w->ok++;
        }
        elaaoms_extracted_free(&out);
    }

    elaaoms_http_thread_cleanup();
    return NULL;
}


static void
test_threads(void)
{
    int       i, total = 0;
    worker_t  w[THREADS];

    control("{\"reset\": true}");

    for (i = 0; i < THREADS; i++) {
        w[i].index = i;
        w[i].ok = 0;
        CHECK_INT_EQ(pthread_create(&w[i].tid, NULL, thread_main, &w[i]), 0);
    }

    for (i = 0; i < THREADS; i++) {
        pthread_join(w[i].tid, NULL);
        total += w[i].ok;
    }

    CHECK_INT_EQ(total, THREADS * CALLS);
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);

    test_choose();

    if (fake_start_or_fail("test_llm_chat") != 0) {
        return UNIT_DONE("llm_chat");
    }

    test_openai_happy();
    test_anthropic_happy();
    test_retries();
    test_timeouts();
    test_bad_answers();
    test_invalid_items();
    test_fallback();
    test_complete_text();
    test_threads();

    fake_stop();
    elaaoms_http_thread_cleanup();

    return UNIT_DONE("llm_chat");
}
