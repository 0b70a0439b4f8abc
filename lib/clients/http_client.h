/*
 * A small blocking HTTP client for the worker's JSON APIs (LLMs,
 * embeddings, ElevenLabs), on libcurl's easy interface.
 *
 * Thread-safe: curl_global_init() runs once (pthread_once) and every
 * thread keeps its own easy handle, so connections (and TLS sessions) are
 * reused between calls of the same thread without any locking.  A thread
 * that ends frees its handle through a pthread key destructor; a thread
 * that lives on may free it early with elaaoms_http_thread_cleanup().
 *
 * CURLOPT_NOSIGNAL is set (required with threads), so a process using this
 * client should ignore SIGPIPE (the worker does).
 *
 * A "transport error" (no HTTP answer: DNS, connect, timeout, reset, TLS)
 * is told apart from an HTTP error status by the return code: the function
 * returns ELAAOMS_HTTP_OK whenever a status line arrived, whatever the
 * status, and the caller looks at resp->status.
 */

#ifndef ELAAOMS_HTTP_CLIENT_H
#define ELAAOMS_HTTP_CLIENT_H

#include <stddef.h>

#define ELAAOMS_HTTP_DEFAULT_TIMEOUT_MS  30000
/* bodies are JSON documents; anything bigger is a broken or hostile peer */
#define ELAAOMS_HTTP_DEFAULT_MAX_BODY    (16 * 1024 * 1024)
#define ELAAOMS_HTTP_ERROR_LEN           256

typedef enum {
    ELAAOMS_HTTP_OK = 0,        /* a response arrived; see resp->status */
    ELAAOMS_HTTP_ERR_TIMEOUT,   /* the per-call timeout expired */
    ELAAOMS_HTTP_ERR_CONNECT,   /* DNS failure or connection refused */
    ELAAOMS_HTTP_ERR_IO,        /* reset, empty reply, TLS handshake... */
    ELAAOMS_HTTP_ERR_TOO_LARGE, /* the body exceeded max_body */
    ELAAOMS_HTTP_ERR_REQUEST,   /* bad URL, header with CR/LF, bad TLS cert,
                                   anything a retry will not fix */
    ELAAOMS_HTTP_ERR_NOMEM
} elaaoms_http_rc_e;

typedef struct {
    const char  *name;
    const char  *value;          /* must not hold CR or LF */
} elaaoms_http_header_t;

typedef struct {
    const char                   *method;       /* "GET" or "POST" */
    const char                   *url;
    const elaaoms_http_header_t  *headers;      /* may be NULL */
    size_t                        nheaders;
    /* adds "Authorization: Bearer <token>" when not NULL */
    const char                   *bearer_token;
    /* POST body, sent as application/json; not copied, kept by the caller */
    const char                   *body;
    size_t                        body_len;
    long                          timeout_ms;   /* 0: 30 s */
    size_t                        max_body;     /* 0: 16 MiB */
} elaaoms_http_request_t;

typedef struct {
    long     status;           /* HTTP status; 0 when no answer came */
    /*
     * The response body, NUL-terminated (JSON parsers want that), malloc'd
     * and owned by the response: elaaoms_http_response_free() frees it; a
     * caller that keeps it sets resp->body = NULL first.  Never NULL after
     * ELAAOMS_HTTP_OK (an empty body is "").
     */
    char    *body;
    size_t   body_len;
    /*
     * How long the server asks us to wait, in milliseconds, -1 when it did
     * not say: "retry-after-ms", else "retry-after" (seconds or an HTTP
     * date).
     */
    long     retry_after_ms;
    /*
     * When OpenAI's rate limits reset, in milliseconds, -1 when absent:
     * the larger of "x-ratelimit-reset-requests" and
     * "x-ratelimit-reset-tokens" ("1s", "6m0s", "250ms").  Kept apart
     * because it only means "wait" on a 429.
     */
    long     ratelimit_reset_ms;
    long     elapsed_ms;       /* wall time of the call */
    char     error[ELAAOMS_HTTP_ERROR_LEN];  /* transport error text */
} elaaoms_http_response_t;

/*
 * Performs one request.  resp is overwritten (not freed first: pass a
 * zeroed or freed one) and must be freed with elaaoms_http_response_free()
 * whatever the return code.  Never retries: see http_retry.h.
 */
elaaoms_http_rc_e elaaoms_http_request(const elaaoms_http_request_t *req,
    elaaoms_http_response_t *resp);

/* frees the body; the struct may be reused */
void elaaoms_http_response_free(elaaoms_http_response_t *resp);

/* "timeout", "connect", ... for logs */
const char *elaaoms_http_rc_name(elaaoms_http_rc_e rc);

/* 1 when the same request may succeed if tried again (timeout, connect, io) */
int elaaoms_http_rc_retryable(elaaoms_http_rc_e rc);

/*
 * base + path as a malloc'd string (caller frees), NULL on allocation
 * failure.  Trailing slashes of base are dropped, and a base that already
 * ends in "/v1" (the OpenAI SDKs' convention) does not get a second "/v1"
 * from a path starting "/v1/".
 */
char *elaaoms_http_join_url(const char *base, const char *path);

/*
 * A Go-style duration ("1s", "6m0s", "250ms", "1h2m3.5s", "20us") in
 * milliseconds, rounded up; -1 when s is not one.  A bare number is taken
 * as seconds (what "retry-after" carries).
 */
long elaaoms_http_parse_duration_ms(const char *s, size_t len);

/* frees the calling thread's curl handle (and its connections) */
void elaaoms_http_thread_cleanup(void);

#endif /* ELAAOMS_HTTP_CLIENT_H */
