/*
 * The retry loop around elaaoms_http_request().
 */

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "clients/http_retry.h"


/* per-thread xorshift: rand() is neither thread-safe nor needed to be good */
static __thread uint64_t  elaaoms_retry_seed;


static uint64_t
elaaoms_retry_random(void)
{
    struct timespec  ts;
    uint64_t         x = elaaoms_retry_seed;

    if (x == 0) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        x = ((uint64_t) ts.tv_nsec << 20) ^ (uint64_t) ts.tv_sec
            ^ (uint64_t) (uintptr_t) &elaaoms_retry_seed;
        x |= 1;
    }

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    elaaoms_retry_seed = x;

    return x;
}


static void
elaaoms_retry_sleep_ms(long ms)
{
    struct timespec  ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* sleep the rest */
    }
}


int
elaaoms_http_status_retryable(long status)
{
    return status == 408 || status == 409 || status == 429
           || (status >= 500 && status <= 599);
}


long
elaaoms_retry_delay_ms(const elaaoms_retry_policy_t *policy, int retry,
    long retry_after_ms)
{
    long  base, cap, d;

    base = policy->base_ms > 0 ? policy->base_ms
                               : ELAAOMS_RETRY_DEFAULT_BASE_MS;
    cap = policy->max_ms > 0 ? policy->max_ms : ELAAOMS_RETRY_DEFAULT_MAX_MS;

    if (retry_after_ms >= 0) {
        return retry_after_ms < cap ? retry_after_ms : cap;
    }

    d = base;
    while (retry-- > 0 && d < cap) {
        d *= 2;
    }

    if (d > cap) {
        d = cap;
    }

    return d / 2 + (long) (elaaoms_retry_random() % (uint64_t) (d / 2 + 1));
}


int
elaaoms_http_request_retry(const elaaoms_retry_policy_t *policy,
    const elaaoms_http_request_t *req, elaaoms_http_response_t *resp,
    int *attempts, elaaoms_api_error_t *err)
{
    int                retry, max;
    long               hint;
    elaaoms_http_rc_e  rc;

    max = policy->max_retries > 0 ? policy->max_retries : 0;

    for (retry = 0; /* void */ ; retry++) {
        rc = elaaoms_http_request(req, resp);

        if (err) {
            err->attempts++;
        }
        if (attempts) {
            (*attempts)++;
        }

        if (rc == ELAAOMS_HTTP_OK && resp->status >= 200
            && resp->status <= 299)
        {
            return 0;
        }

        if (retry >= max
            || (rc == ELAAOMS_HTTP_OK
                ? !elaaoms_http_status_retryable(resp->status)
                : !elaaoms_http_rc_retryable(rc)))
        {
            break;
        }

        hint = resp->retry_after_ms;
        if (hint < 0 && rc == ELAAOMS_HTTP_OK && resp->status == 429) {
            hint = resp->ratelimit_reset_ms;
        }

        elaaoms_retry_sleep_ms(elaaoms_retry_delay_ms(policy, retry, hint));
        elaaoms_http_response_free(resp);
    }

    elaaoms_api_error_from_http(err, rc, resp);
    elaaoms_http_response_free(resp);

    return -1;
}
