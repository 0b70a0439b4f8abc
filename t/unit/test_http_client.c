/*
 * The HTTP client's pure helpers: durations, URL joining, retry delays,
 * status classification, error bodies.  No network (test_llm_*.c have it).
 */

#include <stdlib.h>
#include <string.h>

#include "clients/api_error.h"
#include "clients/http_client.h"
#include "clients/http_retry.h"
#include "unit.h"


#define DUR(s)  elaaoms_http_parse_duration_ms(s, strlen(s))


static void
test_durations(void)
{
    CHECK_INT_EQ(DUR("1s"), 1000);
    CHECK_INT_EQ(DUR("6m0s"), 360000);
    CHECK_INT_EQ(DUR("250ms"), 250);
    CHECK_INT_EQ(DUR("1h2m3.5s"), 3723500);
    CHECK_INT_EQ(DUR("0.5s"), 500);
    CHECK_INT_EQ(DUR("20us"), 1);               /* rounded up */
    CHECK_INT_EQ(DUR("0s"), 0);
    CHECK_INT_EQ(DUR(" 2 "), 2000);             /* retry-after seconds */
    CHECK_INT_EQ(DUR("1.5"), 1500);
    CHECK_INT_EQ(DUR("30"), 30000);
    CHECK_INT_EQ(DUR(""), -1);
    CHECK_INT_EQ(DUR("s"), -1);
    CHECK_INT_EQ(DUR("abc"), -1);
    CHECK_INT_EQ(DUR("1x"), -1);
    CHECK_INT_EQ(DUR("1s2"), -1);               /* unit-less only alone */
    CHECK_INT_EQ(DUR("-1s"), -1);
    CHECK_INT_EQ(DUR("99999999h"), 24L * 3600 * 1000);  /* capped */
}


static void
test_join_url(void)
{
    char  *u;

    u = elaaoms_http_join_url("https://api.openai.com", "/v1/embeddings");
    CHECK_STR_EQ(u, "https://api.openai.com/v1/embeddings");
    free(u);

    u = elaaoms_http_join_url("https://api.openai.com/", "/v1/embeddings");
    CHECK_STR_EQ(u, "https://api.openai.com/v1/embeddings");
    free(u);

    /* the SDKs' base "…/v1" does not double the version */
    u = elaaoms_http_join_url("http://127.0.0.1:8000/v1/", "/v1/chat/completions");
    CHECK_STR_EQ(u, "http://127.0.0.1:8000/v1/chat/completions");
    free(u);

    u = elaaoms_http_join_url("https://proxy.example/openai", "/v1/messages");
    CHECK_STR_EQ(u, "https://proxy.example/openai/v1/messages");
    free(u);
}


static void
test_retry_rules(void)
{
    int                     i;
    long                    d;
    elaaoms_retry_policy_t  p = { 3, 100, 1000 };

    CHECK(elaaoms_http_status_retryable(408));
    CHECK(elaaoms_http_status_retryable(409));
    CHECK(elaaoms_http_status_retryable(429));
    CHECK(elaaoms_http_status_retryable(500));
    CHECK(elaaoms_http_status_retryable(503));
    CHECK(elaaoms_http_status_retryable(529));
    CHECK(!elaaoms_http_status_retryable(400));
    CHECK(!elaaoms_http_status_retryable(401));
    CHECK(!elaaoms_http_status_retryable(403));
    CHECK(!elaaoms_http_status_retryable(404));
    CHECK(!elaaoms_http_status_retryable(422));

    CHECK(elaaoms_http_rc_retryable(ELAAOMS_HTTP_ERR_TIMEOUT));
    CHECK(elaaoms_http_rc_retryable(ELAAOMS_HTTP_ERR_CONNECT));
    CHECK(elaaoms_http_rc_retryable(ELAAOMS_HTTP_ERR_IO));
    CHECK(!elaaoms_http_rc_retryable(ELAAOMS_HTTP_ERR_REQUEST));
    CHECK(!elaaoms_http_rc_retryable(ELAAOMS_HTTP_ERR_TOO_LARGE));

    /* retry-after wins, capped */
    CHECK_INT_EQ(elaaoms_retry_delay_ms(&p, 0, 700), 700);
    CHECK_INT_EQ(elaaoms_retry_delay_ms(&p, 0, 0), 0);
    CHECK_INT_EQ(elaaoms_retry_delay_ms(&p, 2, 60000), 1000);

    /* backoff: base * 2^retry with its upper half jittered, capped */
    for (i = 0; i < 50; i++) {
        d = elaaoms_retry_delay_ms(&p, 0, -1);
        CHECK(d >= 50 && d <= 100);
        d = elaaoms_retry_delay_ms(&p, 2, -1);
        CHECK(d >= 200 && d <= 400);
        d = elaaoms_retry_delay_ms(&p, 30, -1);
        CHECK(d >= 500 && d <= 1000);
    }
}


static void
test_error_bodies(void)
{
    elaaoms_api_error_t      err;
    elaaoms_http_response_t  resp;

    memset(&resp, 0, sizeof(resp));

    elaaoms_api_error_reset(&err);
    resp.status = 429;
    resp.body = "{\"error\": {\"message\": \"Rate limit reached\", \"type\": "
                "\"requests\", \"param\": null, \"code\": \"rate_limit_exceeded\"}}";
    resp.body_len = strlen(resp.body);
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_OK, &resp);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_HTTP);
    CHECK_INT_EQ(err.http_status, 429);
    CHECK_INT_EQ(err.retryable, 1);
    CHECK_STR_EQ(err.type, "rate_limit_exceeded");
    CHECK_STR_EQ(err.message, "HTTP 429: Rate limit reached");

    elaaoms_api_error_reset(&err);
    resp.status = 529;
    resp.body = "{\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", "
                "\"message\": \"Overloaded\"}}";
    resp.body_len = strlen(resp.body);
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_OK, &resp);
    CHECK_STR_EQ(err.type, "overloaded_error");
    CHECK_INT_EQ(err.retryable, 1);

    elaaoms_api_error_reset(&err);
    resp.status = 404;
    resp.body = "{\"detail\": {\"status\": \"agent_not_found\", \"message\": "
                "\"Agent not found\"}}";
    resp.body_len = strlen(resp.body);
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_OK, &resp);
    CHECK_STR_EQ(err.type, "agent_not_found");
    CHECK_STR_EQ(err.message, "HTTP 404: Agent not found");
    CHECK_INT_EQ(err.retryable, 0);

    /* a proxy's HTML page: status only */
    elaaoms_api_error_reset(&err);
    resp.status = 502;
    resp.body = "<html><body>502 Bad Gateway</body></html>";
    resp.body_len = strlen(resp.body);
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_OK, &resp);
    CHECK_STR_EQ(err.type, "");
    CHECK_STR_EQ(err.message, "HTTP 502");

    elaaoms_api_error_reset(&err);
    resp.status = 0;
    resp.body = NULL;
    resp.body_len = 0;
    strcpy(resp.error, "Operation timed out");
    elaaoms_api_error_from_http(&err, ELAAOMS_HTTP_ERR_TIMEOUT, &resp);
    CHECK_INT_EQ(err.code, ELAAOMS_API_ERR_TIMEOUT);
    CHECK_INT_EQ(err.retryable, 1);
}


static void
test_header_injection(void)
{
    elaaoms_http_header_t    h = { "x-api-key", "k\r\nX-Evil: 1" };
    elaaoms_http_request_t   req;
    elaaoms_http_response_t  resp;

    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = "http://127.0.0.1:1/";
    req.headers = &h;
    req.nheaders = 1;

    CHECK_INT_EQ(elaaoms_http_request(&req, &resp), ELAAOMS_HTTP_ERR_REQUEST);
    elaaoms_http_response_free(&resp);

    req.nheaders = 0;
    req.bearer_token = "sk\nx";
    CHECK_INT_EQ(elaaoms_http_request(&req, &resp), ELAAOMS_HTTP_ERR_REQUEST);
    elaaoms_http_response_free(&resp);

    /* nothing listens on port 1: a transport error, no status */
    req.bearer_token = NULL;
    req.timeout_ms = 2000;
    CHECK_INT_EQ(elaaoms_http_request(&req, &resp), ELAAOMS_HTTP_ERR_CONNECT);
    CHECK_INT_EQ(resp.status, 0);
    CHECK(resp.body == NULL);
    elaaoms_http_response_free(&resp);

    elaaoms_http_thread_cleanup();
}


int
main(void)
{
    test_durations();
    test_join_url();
    test_retry_rules();
    test_error_bodies();
    test_header_injection();

    return UNIT_DONE("http_client");
}
