/*
 * The LLM, embeddings and ElevenLabs clients against t/fakes/fake_llm.py:
 * wire formats, retries, timeouts, strict validation, fallback.
 */

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clients/elevenlabs_api.h"
#include "clients/embed_openai.h"
#include "clients/http_client.h"
#include "clients/llm.h"
#include "util/yajl_util.h"
#include "unit.h"


static pid_t  fake_pid;
static char   fake_port_file[128];
static char   base[64];


static const char  transcript[] =
    "user: I prefer email over phone calls.\n"
    "agent: Noted.\n"
    "user: My order A-12345 has not arrived.\n"
    "user: This is the third time I call about it and I am frustrated.\n";


static long
now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


static int
fake_start(void)
{
    int    i, port = 0;
    FILE  *f;

    snprintf(fake_port_file, sizeof(fake_port_file),
             "/tmp/elaaoms-fake-llm-%d.port", (int) getpid());
    unlink(fake_port_file);

    fake_pid = fork();
    if (fake_pid < 0) {
        return -1;
    }

    if (fake_pid == 0) {
        /* dies with the test, even when the test crashes */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (freopen("/dev/null", "w", stdout) == NULL) {
            _exit(126);
        }
        execlp("python3", "python3", "t/fakes/fake_llm.py", "--port", "0",
               "--port-file", fake_port_file, (char *) NULL);
        _exit(127);
    }

    for (i = 0; i < 500 && port == 0; i++) {
        f = fopen(fake_port_file, "r");
        if (f) {
            if (fscanf(f, "%d", &port) != 1) {
                port = 0;
            }
            fclose(f);
        }
        if (port == 0) {
            usleep(20000);
        }
    }

    if (port == 0) {
        return -1;
    }

    snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
    return 0;
}


static void
fake_stop(void)
{
    if (fake_pid > 0) {
        kill(fake_pid, SIGTERM);
        waitpid(fake_pid, NULL, 0);
    }
    unlink(fake_port_file);
}


/* POST /_control; 0 when the fake accepted it */
static int
control(const char *json)
{
    int                      ok;
    char                     url[128];
    elaaoms_http_request_t   req;
    elaaoms_http_response_t  resp;

    snprintf(url, sizeof(url), "%s/_control", base);
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.url = url;
    req.body = json;
    req.body_len = strlen(json);

    ok = elaaoms_http_request(&req, &resp) == ELAAOMS_HTTP_OK
         && resp.status == 200;
    elaaoms_http_response_free(&resp);

    return ok ? 0 : -1;
}


/* GET /_requests?path=...: the whole log as a tree (caller frees) */
static yajl_val
requests(const char *path)
{
    char                     url[256];
    yajl_val                 root = NULL;
    elaaoms_http_request_t   req;
    elaaoms_http_response_t  resp;

    snprintf(url, sizeof(url), "%s/_requests?path=%s", base, path);
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = url;

    if (elaaoms_http_request(&req, &resp) == ELAAOMS_HTTP_OK) {
        root = elaaoms_yajl_parse(resp.body, NULL, 0);
    }
    elaaoms_http_response_free(&resp);

    return root;
}


static size_t
nrequests(yajl_val log)
{
    yajl_val  a = elaaoms_yajl_arr(log, ELAAOMS_YAJL_PATH("requests"));

    return a ? a->u.array.len : 0;
}


static yajl_val
last_request(yajl_val log)
{
    yajl_val  a = elaaoms_yajl_arr(log, ELAAOMS_YAJL_PATH("requests"));

    return a && a->u.array.len ? a->u.array.values[a->u.array.len - 1] : NULL;
}


static void
openai_config(elaaoms_llm_t *llm)
{
    elaaoms_llm_defaults(llm, ELAAOMS_LLM_OPENAI);
    llm->base_url = base;
    llm->api_key = "sk-test";
    llm->model = "gpt-4o-mini";
    llm->timeout_ms = 2000;
    llm->max_retries = 2;
    llm->retry_base_ms = 10;
    llm->retry_max_ms = 2000;
    llm->price_input_per_mtok = 0.15;
    llm->price_output_per_mtok = 0.60;
}


static void
anthropic_config(elaaoms_llm_t *llm)
{
    elaaoms_llm_defaults(llm, ELAAOMS_LLM_ANTHROPIC);
    llm->base_url = base;
    llm->api_key = "sk-ant-test";
    llm->model = "claude-3-5-haiku-latest";
    llm->timeout_ms = 2000;
    llm->max_retries = 2;
    llm->retry_base_ms = 10;
    llm->retry_max_ms = 2000;
    llm->price_input_per_mtok = 0.80;
    llm->price_output_per_mtok = 4.00;
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

    if (fake_start() != 0) {
        fprintf(stderr, "test_llm: the fake server did not start\n");
        fake_stop();
        CHECK(0);
        return UNIT_DONE("llm");
    }

    test_openai_happy();
    test_anthropic_happy();
    test_retries();
    test_timeouts();
    test_bad_answers();
    test_invalid_items();
    test_fallback();
    test_complete_text();
    test_embeddings();
    test_agent_profile();
    test_deep_answers();
    test_answer_readers();
    test_threads();

    fake_stop();
    elaaoms_http_thread_cleanup();

    return UNIT_DONE("llm");
}
