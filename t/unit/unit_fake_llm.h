/*
 * The fake LLM, embeddings and ElevenLabs server (t/fakes/fake_llm.py) for
 * the client tests: fake_start() runs it on a free port and sets base,
 * fake_stop() ends it; control() scripts its next answers, requests()
 * reads back what it was sent.  Include after unit.h.
 */

#ifndef ELAAOMS_UNIT_FAKE_LLM_H
#define ELAAOMS_UNIT_FAKE_LLM_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clients/http_client.h"
#include "clients/llm.h"
#include "util/yajl_util.h"


static pid_t  fake_pid;
static char   fake_port_file[128];
static char   base[64];


static const char  transcript[] =
    "user: I prefer email over phone calls.\n"
    "agent: Noted.\n"
    "user: My order A-12345 has not arrived.\n"
    "user: This is the third time I call about it and I am frustrated.\n";


static inline int
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


static inline void
fake_stop(void)
{
    if (fake_pid > 0) {
        kill(fake_pid, SIGTERM);
        waitpid(fake_pid, NULL, 0);
    }
    unlink(fake_port_file);
}


/* POST /_control; 0 when the fake accepted it */
static inline int
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
static inline yajl_val
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


static inline size_t
nrequests(yajl_val log)
{
    yajl_val  a = elaaoms_yajl_arr(log, ELAAOMS_YAJL_PATH("requests"));

    return a ? a->u.array.len : 0;
}


static inline yajl_val
last_request(yajl_val log)
{
    yajl_val  a = elaaoms_yajl_arr(log, ELAAOMS_YAJL_PATH("requests"));

    return a && a->u.array.len ? a->u.array.values[a->u.array.len - 1] : NULL;
}


static inline void
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


static inline void
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


/* fake_start(), or says why not and fails a check: the test stops */
static inline int
fake_start_or_fail(const char *test)
{
    if (fake_start() == 0) {
        return 0;
    }

    fprintf(stderr, "%s: the fake server did not start\n", test);
    fake_stop();
    CHECK(0);

    return -1;
}


#endif /* ELAAOMS_UNIT_FAKE_LLM_H */
