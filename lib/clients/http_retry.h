/*
 * Retrying an HTTP request the way the providers ask: on 408, 409, 429,
 * 5xx (529 included) and on connection errors and timeouts, waiting what
 * "retry-after" says (capped), or on a 429 without it until OpenAI's
 * x-ratelimit-reset-* time, or else an exponential backoff with jitter;
 * never on other 4xx.
 */

#ifndef ELAAOMS_HTTP_RETRY_H
#define ELAAOMS_HTTP_RETRY_H

#include "clients/api_error.h"
#include "clients/http_client.h"

#define ELAAOMS_RETRY_DEFAULT_BASE_MS  1000
#define ELAAOMS_RETRY_DEFAULT_MAX_MS   30000

typedef struct {
    int   max_retries;   /* retries after the first attempt; <= 0: none */
    long  base_ms;       /* first backoff, doubled per retry; 0: 1 s */
    long  max_ms;        /* cap on a backoff and on retry-after; 0: 30 s */
} elaaoms_retry_policy_t;

/* 1 for 408, 409, 429 and every 5xx (529 is Anthropic's "overloaded") */
int elaaoms_http_status_retryable(long status);

/*
 * The wait before retry number `retry` (0 for the first retry):
 * retry_after_ms when >= 0, capped at max_ms; otherwise base * 2^retry
 * capped at max_ms, of which a random upper half ("equal jitter") so that
 * workers hit by the same outage do not come back in step.
 */
long elaaoms_retry_delay_ms(const elaaoms_retry_policy_t *policy, int retry,
    long retry_after_ms);

/*
 * Sends req until a 2xx answer, an outcome not worth retrying, or the end
 * of the retries.  0: resp holds the 2xx answer (the caller frees it with
 * elaaoms_http_response_free()).  -1: err is filled (code TIMEOUT,
 * TRANSPORT, HTTP or NOMEM) and resp is freed.  err->attempts (and
 * *attempts when not NULL) get the number of requests made either way.
 */
int elaaoms_http_request_retry(const elaaoms_retry_policy_t *policy,
    const elaaoms_http_request_t *req, elaaoms_http_response_t *resp,
    int *attempts, elaaoms_api_error_t *err);

#endif /* ELAAOMS_HTTP_RETRY_H */
