/*
 * Blocking JSON-over-HTTP calls on libcurl's easy interface, one reusable
 * easy handle per thread.
 */

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "clients/http_client.h"
#include "util/buf.h"


#define ELAAOMS_HTTP_USER_AGENT          "elaaoms/1"
/* a peer that does not even accept the connection in 10 s is down */
#define ELAAOMS_HTTP_MAX_CONNECT_MS      10000
/* longest wait a server may ask for that we take literally: one day */
#define ELAAOMS_HTTP_MAX_RETRY_AFTER_MS  (24L * 3600 * 1000)


typedef struct {
    elaaoms_http_response_t  *resp;
    elaaoms_buf_t             body;     /* resp->body once complete */
    size_t                    max_body;
    unsigned                  too_large:1;
    unsigned                  nomem:1;
    /* the three hints, -1 when absent, reset by every new status line */
    long                      retry_after_ms_hdr;
    long                      retry_after_hdr;
    long                      reset_requests_hdr;
    long                      reset_tokens_hdr;
} elaaoms_http_ctx_t;


static pthread_once_t  elaaoms_http_once = PTHREAD_ONCE_INIT;
static pthread_key_t   elaaoms_http_key;
static CURLcode        elaaoms_http_init_rc = CURLE_FAILED_INIT;


static void
elaaoms_http_free_handle(void *handle)
{
    curl_easy_cleanup(handle);
}


static void
elaaoms_http_global_init(void)
{
    if (pthread_key_create(&elaaoms_http_key, elaaoms_http_free_handle) != 0)
    {
        return;
    }

    elaaoms_http_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}


static CURL *
elaaoms_http_thread_handle(void)
{
    CURL  *h;

    pthread_once(&elaaoms_http_once, elaaoms_http_global_init);

    if (elaaoms_http_init_rc != CURLE_OK) {
        return NULL;
    }

    h = pthread_getspecific(elaaoms_http_key);
    if (h != NULL) {
        /* keeps the live connections and the DNS cache, drops options */
        curl_easy_reset(h);
        return h;
    }

    h = curl_easy_init();
    if (h == NULL) {
        return NULL;
    }

    if (pthread_setspecific(elaaoms_http_key, h) != 0) {
        curl_easy_cleanup(h);
        return NULL;
    }

    return h;
}


void
elaaoms_http_thread_cleanup(void)
{
    CURL  *h;

    pthread_once(&elaaoms_http_once, elaaoms_http_global_init);

    if (elaaoms_http_init_rc != CURLE_OK) {
        return;
    }

    h = pthread_getspecific(elaaoms_http_key);
    if (h != NULL) {
        pthread_setspecific(elaaoms_http_key, NULL);
        curl_easy_cleanup(h);
    }
}


/* digits [. digits] without strtod(), whose decimal point follows locale */
static int
elaaoms_http_parse_decimal(const char **pp, const char *end, double *out)
{
    const char  *p = *pp;
    double       v = 0, scale = 1;
    int          digits = 0;

    while (p < end && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p++ - '0');
        digits++;
    }

    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            scale /= 10;
            v += (*p++ - '0') * scale;
            digits++;
        }
    }

    if (digits == 0 || digits > 18) {
        return -1;
    }

    *pp = p;
    *out = v;
    return 0;
}


static int
elaaoms_http_has_prefix(const char *p, const char *end, const char *prefix)
{
    size_t  n = strlen(prefix);

    return (size_t) (end - p) >= n && memcmp(p, prefix, n) == 0;
}


long
elaaoms_http_parse_duration_ms(const char *s, size_t len)
{
    double       total = 0, v, unit_ms;
    const char  *p = s, *end = s + len;
    int          parts = 0;

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }

    if (p == end) {
        return -1;
    }

    while (p < end) {
        if (elaaoms_http_parse_decimal(&p, end, &v) != 0) {
            return -1;
        }

        /* longest units first: "ms" before "m" */
        if (elaaoms_http_has_prefix(p, end, "ms")) {
            unit_ms = 1; p += 2;
        } else if (elaaoms_http_has_prefix(p, end, "us")) {
            unit_ms = 1e-3; p += 2;
        } else if (elaaoms_http_has_prefix(p, end, "\xc2\xb5s")
                   || elaaoms_http_has_prefix(p, end, "\xce\xbcs"))
        {
            unit_ms = 1e-3; p += 3;
        } else if (elaaoms_http_has_prefix(p, end, "ns")) {
            unit_ms = 1e-6; p += 2;
        } else if (elaaoms_http_has_prefix(p, end, "h")) {
            unit_ms = 3600e3; p += 1;
        } else if (elaaoms_http_has_prefix(p, end, "m")) {
            unit_ms = 60e3; p += 1;
        } else if (elaaoms_http_has_prefix(p, end, "s")) {
            unit_ms = 1e3; p += 1;
        } else if (p == end && parts == 0) {
            unit_ms = 1e3;              /* "retry-after: 2" is seconds */
        } else {
            return -1;
        }

        total += v * unit_ms;
        parts++;
    }

    if (total > (double) ELAAOMS_HTTP_MAX_RETRY_AFTER_MS) {
        return ELAAOMS_HTTP_MAX_RETRY_AFTER_MS;
    }

    return (long) ceil(total);
}


/* "retry-after": delay-seconds or an HTTP date */
static long
elaaoms_http_parse_retry_after(const char *v, size_t len)
{
    char    date[64];
    long    ms;
    time_t  t, now;

    ms = elaaoms_http_parse_duration_ms(v, len);
    if (ms >= 0) {
        return ms;
    }

    if (len == 0 || len >= sizeof(date)) {
        return -1;
    }

    memcpy(date, v, len);
    date[len] = '\0';

    t = curl_getdate(date, NULL);
    if (t == -1) {
        return -1;
    }

    now = time(NULL);
    if (t <= now) {
        return 0;
    }

    if (t - now > ELAAOMS_HTTP_MAX_RETRY_AFTER_MS / 1000) {
        return ELAAOMS_HTTP_MAX_RETRY_AFTER_MS;
    }

    return (long) (t - now) * 1000;
}


static size_t
elaaoms_http_on_header(char *buf, size_t size, size_t nitems, void *data)
{
    size_t               len = size * nitems, nlen;
    const char          *colon, *v, *end;
    elaaoms_http_ctx_t  *ctx = data;

    /* a new response (after "100 Continue", say): forget older hints */
    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        ctx->retry_after_ms_hdr = -1;
        ctx->retry_after_hdr = -1;
        ctx->reset_requests_hdr = -1;
        ctx->reset_tokens_hdr = -1;
        return len;
    }

    colon = memchr(buf, ':', len);
    if (colon == NULL) {
        return len;
    }

    nlen = colon - buf;
    v = colon + 1;
    end = buf + len;

    while (end > v && (end[-1] == '\r' || end[-1] == '\n'
                       || end[-1] == ' ' || end[-1] == '\t'))
    {
        end--;
    }

#define ELAAOMS_HTTP_IS(name)                                                \
    (nlen == sizeof(name) - 1 && strncasecmp(buf, name, nlen) == 0)

    if (ELAAOMS_HTTP_IS("retry-after-ms")) {
        double       ms;
        const char  *p = v;

        while (p < end && *p == ' ') {
            p++;
        }

        if (elaaoms_http_parse_decimal(&p, end, &ms) == 0 && p == end) {
            ctx->retry_after_ms_hdr =
                ms > ELAAOMS_HTTP_MAX_RETRY_AFTER_MS
                    ? ELAAOMS_HTTP_MAX_RETRY_AFTER_MS : (long) ceil(ms);
        }

    } else if (ELAAOMS_HTTP_IS("retry-after")) {
        ctx->retry_after_hdr = elaaoms_http_parse_retry_after(v, end - v);

    } else if (ELAAOMS_HTTP_IS("x-ratelimit-reset-requests")) {
        ctx->reset_requests_hdr = elaaoms_http_parse_duration_ms(v, end - v);

    } else if (ELAAOMS_HTTP_IS("x-ratelimit-reset-tokens")) {
        ctx->reset_tokens_hdr = elaaoms_http_parse_duration_ms(v, end - v);
    }

#undef ELAAOMS_HTTP_IS

    return len;
}


static size_t
elaaoms_http_on_body(char *buf, size_t size, size_t nitems, void *data)
{
    size_t               len = size * nitems;
    elaaoms_http_ctx_t  *ctx = data;

    if (ctx->body.len + len > ctx->max_body) {
        ctx->too_large = 1;
        return 0;                       /* aborts with CURLE_WRITE_ERROR */
    }

    if (elaaoms_buf_append(&ctx->body, buf, len) != 0) {
        ctx->nomem = 1;
        return 0;
    }

    return len;
}


static int
elaaoms_http_header_ok(const char *s, int is_name)
{
    for ( /* void */ ; *s; s++) {
        if (*s == '\r' || *s == '\n' || (is_name && (*s == ':' || *s == ' ')))
        {
            return 0;
        }
    }

    return 1;
}


/* "name: value" appended to the list; NULL (and the list freed) on error */
static struct curl_slist *
elaaoms_http_add_header(struct curl_slist *list, const char *name,
    const char *prefix, const char *value)
{
    char               *line;
    struct curl_slist  *l;

    if (asprintf(&line, "%s: %s%s", name, prefix, value) < 0) {
        curl_slist_free_all(list);
        return NULL;
    }

    l = curl_slist_append(list, line);
    free(line);

    if (l == NULL) {
        curl_slist_free_all(list);
    }

    return l;
}


static elaaoms_http_rc_e
elaaoms_http_map_error(CURLcode cc, const elaaoms_http_ctx_t *ctx)
{
    switch (cc) {

    case CURLE_OK:
        return ELAAOMS_HTTP_OK;

    case CURLE_OPERATION_TIMEDOUT:
        return ELAAOMS_HTTP_ERR_TIMEOUT;

    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return ELAAOMS_HTTP_ERR_CONNECT;

    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
        return ELAAOMS_HTTP_ERR_IO;

    case CURLE_WRITE_ERROR:
        if (ctx->too_large) {
            return ELAAOMS_HTTP_ERR_TOO_LARGE;
        }
        return ctx->nomem ? ELAAOMS_HTTP_ERR_NOMEM : ELAAOMS_HTTP_ERR_IO;

    case CURLE_OUT_OF_MEMORY:
        return ELAAOMS_HTTP_ERR_NOMEM;

    default:
        return ELAAOMS_HTTP_ERR_REQUEST;
    }
}


static long
elaaoms_http_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


elaaoms_http_rc_e
elaaoms_http_request(const elaaoms_http_request_t *req,
    elaaoms_http_response_t *resp)
{
    long                 timeout, start;
    CURL                *h;
    size_t               i;
    CURLcode             cc;
    elaaoms_http_ctx_t   ctx;
    elaaoms_http_rc_e    rc;
    struct curl_slist   *headers = NULL;
    char                 errbuf[CURL_ERROR_SIZE];

    memset(resp, 0, sizeof(elaaoms_http_response_t));
    resp->retry_after_ms = -1;
    resp->ratelimit_reset_ms = -1;

    for (i = 0; i < req->nheaders; i++) {
        if (!elaaoms_http_header_ok(req->headers[i].name, 1)
            || !elaaoms_http_header_ok(req->headers[i].value, 0))
        {
            snprintf(resp->error, sizeof(resp->error),
                     "header \"%s\" holds forbidden characters",
                     req->headers[i].name);
            return ELAAOMS_HTTP_ERR_REQUEST;
        }
    }

    if (req->bearer_token && !elaaoms_http_header_ok(req->bearer_token, 0)) {
        snprintf(resp->error, sizeof(resp->error),
                 "bearer token holds forbidden characters");
        return ELAAOMS_HTTP_ERR_REQUEST;
    }

    h = elaaoms_http_thread_handle();
    if (h == NULL) {
        snprintf(resp->error, sizeof(resp->error), "curl initialisation failed");
        return ELAAOMS_HTTP_ERR_NOMEM;
    }

    /* "Expect:" off: no 1 s wait for "100 Continue" on large bodies */
    headers = elaaoms_http_add_header(NULL, "Accept", "", "application/json");
    if (headers) {
        headers = elaaoms_http_add_header(headers, "Expect", "", "");
    }

    if (headers && req->body) {
        headers = elaaoms_http_add_header(headers, "Content-Type", "",
                                          "application/json");
    }

    if (headers && req->bearer_token) {
        headers = elaaoms_http_add_header(headers, "Authorization", "Bearer ",
                                          req->bearer_token);
    }

    for (i = 0; headers && i < req->nheaders; i++) {
        headers = elaaoms_http_add_header(headers, req->headers[i].name, "",
                                          req->headers[i].value);
    }

    if (headers == NULL) {
        snprintf(resp->error, sizeof(resp->error), "out of memory");
        return ELAAOMS_HTTP_ERR_NOMEM;
    }

    memset(&ctx, 0, sizeof(elaaoms_http_ctx_t));
    ctx.resp = resp;
    ctx.max_body = req->max_body ? req->max_body : ELAAOMS_HTTP_DEFAULT_MAX_BODY;
    ctx.retry_after_ms_hdr = -1;
    ctx.retry_after_hdr = -1;
    ctx.reset_requests_hdr = -1;
    ctx.reset_tokens_hdr = -1;

    timeout = req->timeout_ms > 0 ? req->timeout_ms
                                  : ELAAOMS_HTTP_DEFAULT_TIMEOUT_MS;
    errbuf[0] = '\0';

    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < ELAAOMS_HTTP_MAX_CONNECT_MS
                         ? timeout : ELAAOMS_HTTP_MAX_CONNECT_MS);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(h, CURLOPT_USERAGENT, ELAAOMS_HTTP_USER_AGENT);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, elaaoms_http_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, elaaoms_http_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ctx);

    if (req->method == NULL || strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);

    } else {
        if (strcmp(req->method, "POST") != 0) {
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        }
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t) (req->body ? req->body_len : 0));
    }

    start = elaaoms_http_now_ms();
    cc = curl_easy_perform(h);
    resp->elapsed_ms = elaaoms_http_now_ms() - start;

    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);

    /* the handle outlives the call: no pointers into this frame left in it */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(headers);

    rc = elaaoms_http_map_error(cc, &ctx);

    if (rc != ELAAOMS_HTTP_OK) {
        snprintf(resp->error, sizeof(resp->error), "%s",
                 rc == ELAAOMS_HTTP_ERR_TOO_LARGE ? "response body too large"
                 : errbuf[0] ? errbuf : curl_easy_strerror(cc));
        elaaoms_buf_free(&ctx.body);
        return rc;
    }

    /* an empty body is "", never NULL */
    if (elaaoms_buf_append(&ctx.body, "", 0) != 0) {
        elaaoms_buf_free(&ctx.body);
        snprintf(resp->error, sizeof(resp->error), "out of memory");
        return ELAAOMS_HTTP_ERR_NOMEM;
    }

    resp->body = ctx.body.p;
    resp->body_len = ctx.body.len;

    resp->retry_after_ms = ctx.retry_after_ms_hdr >= 0 ? ctx.retry_after_ms_hdr
                                                       : ctx.retry_after_hdr;
    resp->ratelimit_reset_ms = ctx.reset_requests_hdr > ctx.reset_tokens_hdr
                               ? ctx.reset_requests_hdr : ctx.reset_tokens_hdr;

    return ELAAOMS_HTTP_OK;
}


void
elaaoms_http_response_free(elaaoms_http_response_t *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}


const char *
elaaoms_http_rc_name(elaaoms_http_rc_e rc)
{
    switch (rc) {
    case ELAAOMS_HTTP_OK:            return "ok";
    case ELAAOMS_HTTP_ERR_TIMEOUT:   return "timeout";
    case ELAAOMS_HTTP_ERR_CONNECT:   return "connect";
    case ELAAOMS_HTTP_ERR_IO:        return "io";
    case ELAAOMS_HTTP_ERR_TOO_LARGE: return "too_large";
    case ELAAOMS_HTTP_ERR_REQUEST:   return "request";
    case ELAAOMS_HTTP_ERR_NOMEM:     return "nomem";
    }

    return "unknown";
}


int
elaaoms_http_rc_retryable(elaaoms_http_rc_e rc)
{
    return rc == ELAAOMS_HTTP_ERR_TIMEOUT || rc == ELAAOMS_HTTP_ERR_CONNECT
           || rc == ELAAOMS_HTTP_ERR_IO;
}


char *
elaaoms_http_join_url(const char *base, const char *path)
{
    char    *url;
    size_t   blen = strlen(base);

    while (blen > 0 && base[blen - 1] == '/') {
        blen--;
    }

    if (blen >= 3 && memcmp(base + blen - 3, "/v1", 3) == 0
        && strncmp(path, "/v1/", 4) == 0)
    {
        path += 3;
    }

    if (asprintf(&url, "%.*s%s", (int) blen, base, path) < 0) {
        return NULL;
    }

    return url;
}
