/*
 * POST /webhook/post-call: validate the envelope, put the payload on disk
 * (temporary file, fsync, rename) before answering, and queue the
 * extraction job of a transcription in one atomic Redis step.
 *
 * Nothing is lost and nothing is done twice:
 * - a byte-identical retry finds the same file and no pending marker, and
 *   answers 200 without queueing;
 * - the job is written next to the payload as a pending marker first, and
 *   removed once Redis has queued it; with Redis down the marker stays and
 *   the worker queues it later (the Redis step is idempotent, so a marker
 *   left by a crash after queueing is harmless);
 * - when the payload cannot be written the answer is 503, so ElevenLabs
 *   retries, and nothing is queued;
 * - before any file work, one Redis round trip looks up the signature
 *   (ngx_http_elaaoms_replay.c: a signature already accepted is a retry
 *   of a stored delivery, answered 200 duplicate without touching
 *   anything) and the newest event_timestamp stored for the conversation
 *   and type (lib/intake/event_order.h: an older delivery is a 409
 *   stale_event and stores nothing).  With Redis down neither is checked
 *   and the delivery is taken as before; the intake script checks the
 *   order again atomically.
 *
 * The file work blocks (fsync), so it runs in a thread of the
 * elaaoms_thread_pool pool, as nginx reads files with "aio threads": the
 * request waits blocked (r->main->blocked, r->aio) and goes on in the
 * event loop when the task is back.  With "elaaoms_thread_pool off" the
 * same function runs inline.  The file work is everything from the audio
 * decoding (CPU for megabytes of base64) to the command for Redis (a
 * SHA-256 of the payload): parsing stays in the loop, so a bad envelope is
 * answered without a thread.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "intake/durable_file.h"
#include "intake/event_order.h"
#include "intake/intake.h"
#include "intake/job.h"
#include "intake/postcall.h"
#include "store/redis_keys.h"


#define NGX_HTTP_ELAAOMS_PATH_MAX   4096

/* how often a request waiting for its payload write says so */
#define NGX_HTTP_ELAAOMS_HOLD_MSEC  60000


/* how the file work ended; logged and answered in the event loop */
typedef enum {
    NGX_HTTP_ELAAOMS_PC_WRITTEN = 0,
    NGX_HTTP_ELAAOMS_PC_BAD_AUDIO,
    NGX_HTTP_ELAAOMS_PC_PAYLOAD_FAILED,
    NGX_HTTP_ELAAOMS_PC_ENCODE_FAILED,
    NGX_HTTP_ELAAOMS_PC_JOB_FAILED,
    NGX_HTTP_ELAAOMS_PC_CMD_FAILED
} ngx_http_elaaoms_post_call_rc_e;


typedef struct {
    elaaoms_postcall_t               pc;
    elaaoms_intake_cmd_t             cmd;

    /* set in the event loop before the file work, read by it */
    const u_char                    *body;
    size_t                           len;
    const char                      *org;
    time_t                           now;
    char                             rid[128];
    /* files are base/sub/name: nothing below base is followed */
    char                             base[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             sub[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             dir[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             name[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             path[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             pending_name[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                             pending[NGX_HTTP_ELAAOMS_PATH_MAX];

    /*
     * set by the file work (plain ints, no bit-fields: a thread writes
     * them), read back in the event loop
     */
    ngx_http_elaaoms_post_call_rc_e  rc;
    int                              err_no;
    int                              duplicate;
    int                              intake;      /* the Redis step is due */
    char                            *job_json;    /* malloc()ed */
    size_t                           job_len;
    char                             err[512];

    /* the event loop's alone */
#if (NGX_THREADS)
    ngx_event_t                      hold;        /* while the task runs */
#endif
    unsigned                         queued:1;
    unsigned                         threaded:1;
    unsigned                         replayed:1;  /* signature seen */
    unsigned                         stale:1;     /* a newer event stored */
    unsigned                         signed_body:1;
} ngx_http_elaaoms_post_call_t;


static void ngx_http_elaaoms_post_call_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_post_call_process(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static ngx_int_t ngx_http_elaaoms_post_call_prepare(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len);
static ngx_int_t ngx_http_elaaoms_post_call_check(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static void ngx_http_elaaoms_post_call_check_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_post_call_check_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_post_call_checked(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static ngx_int_t ngx_http_elaaoms_post_call_stale(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static void ngx_http_elaaoms_post_call_record(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static void ngx_http_elaaoms_post_call_ignore_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_post_call_ignore_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static void ngx_http_elaaoms_post_call_write(void *data, ngx_log_t *log);
#if (NGX_THREADS)
static ngx_int_t ngx_http_elaaoms_post_call_thread(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, ngx_thread_pool_t *tp);
static void ngx_http_elaaoms_post_call_thread_event_handler(ngx_event_t *ev);
static void ngx_http_elaaoms_post_call_hold(ngx_event_t *ev);
static void ngx_http_elaaoms_post_call_resume(ngx_http_request_t *r);
#endif
static ngx_int_t ngx_http_elaaoms_post_call_written(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static ngx_int_t ngx_http_elaaoms_post_call_queue(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static void ngx_http_elaaoms_post_call_reply(ngx_http_request_t *r,
    void *data, ngx_uint_t index, redisReply *reply);
static void ngx_http_elaaoms_post_call_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static ngx_int_t ngx_http_elaaoms_post_call_accepted(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static void ngx_http_elaaoms_post_call_cleanup(void *data);


ngx_int_t
ngx_http_elaaoms_post_call_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (!(r->method & NGX_HTTP_POST)) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_elaaoms_post_call_body);
    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_post_call_body(ngx_http_request_t *r)
{
    ngx_int_t                      rc;
    ngx_pool_cleanup_t            *cln;
    ngx_http_elaaoms_ctx_t        *ctx;
    ngx_http_elaaoms_post_call_t  *pcc;

    ctx = ngx_http_elaaoms_get_ctx(r);
    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_elaaoms_post_call_t));
    if (cln == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    pcc = cln->data;
    ngx_memzero(pcc, sizeof(ngx_http_elaaoms_post_call_t));
    cln->handler = ngx_http_elaaoms_post_call_cleanup;

    ctx->handler_ctx = pcc;

    rc = ngx_http_elaaoms_post_call_process(r, pcc);

    if (rc == NGX_DONE) {
        /* a thread or Redis answers later; its handler finishes the request */
        return;
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_http_elaaoms_post_call_process(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    char                    err[256];
    size_t                  len;
    u_char                 *body;
    ngx_int_t               rc;
    elaaoms_postcall_rc_t   prc;

    if (ngx_http_elaaoms_body_read_all(r, &body, &len) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (len == 0) {
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                           "empty_body",
                                           "The request body is empty.");
    }

    prc = elaaoms_postcall_parse((const char *) body, len, &pcc->pc, err,
                                 sizeof(err));
    if (prc != ELAAOMS_POSTCALL_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: refused: %s",
                      err);

        return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                           elaaoms_postcall_rc_code(prc), err);
    }

    rc = ngx_http_elaaoms_post_call_prepare(r, pcc, body, len);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_elaaoms_post_call_check(r, pcc);
}


/*
 * One round trip before the file work: GET the signature's replay key
 * (signed requests) and HGET the conversation's newest event_timestamp of
 * the type.  NGX_DONE when Redis will answer.
 */

static ngx_int_t
ngx_http_elaaoms_post_call_check(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    char                       key[ELAAOMS_KEY_MAX];
    ssize_t                    n;
    ngx_uint_t                 added;
    ngx_http_elaaoms_args_t    a;
    ngx_http_elaaoms_ctx_t    *ctx;
    ngx_http_elaaoms_batch_t  *b;
    elaaoms_event_ts_cmd_t     ev;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);
    pcc->signed_body = (ctx != NULL && ctx->signed_body);

    if (elaaoms_event_ts_cmd(&ev, pcc->org, pcc->pc.type_name,
                             pcc->pc.conversation_id,
                             (long long) pcc->pc.event_timestamp)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_elaaoms_batch_create(r,
                                      ngx_http_elaaoms_post_call_check_reply,
                                      ngx_http_elaaoms_post_call_check_done,
                                      pcc);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    added = 0;

    if (pcc->signed_body) {
        n = ngx_http_elaaoms_replay_key(r, ctx, key, sizeof(key));
        if (n < 0) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        a.argc = 0;
        ngx_http_elaaoms_arg_str(&a, "GET");
        ngx_http_elaaoms_arg(&a, key, (size_t) n);

        if (ngx_http_elaaoms_batch_add_args(b, &a) != NGX_OK) {
            goto unavailable;
        }

        added++;
    }

    a.argc = 0;
    ngx_http_elaaoms_arg_str(&a, "HGET");
    ngx_http_elaaoms_arg_str(&a, ev.conversation);
    ngx_http_elaaoms_arg_str(&a, ev.field);

    /* hiredis copies the commands: the keys may go */
    if (ngx_http_elaaoms_batch_add_args(b, &a) == NGX_OK) {
        added++;
    }

    /* once a command is queued, its batch's on_done has the last word */
    if (added && ngx_http_elaaoms_batch_run(b) == NGX_OK) {
        return NGX_DONE;
    }

unavailable:

    /* the delivery is idempotent by content: it is taken all the same */
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: post-call: redis unavailable, %s taken "
                  "without replay and order checks",
                  pcc->pc.conversation_id);

    return ngx_http_elaaoms_post_call_checked(r, pcc);
}


static void
ngx_http_elaaoms_post_call_check_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: post-call: check failed: %s", reply->str);
        return;
    }

    if (pcc->signed_body && index == 0) {
        /* the replay key: set once a delivery with it was stored */
        pcc->replayed = (reply->type == REDIS_REPLY_STRING);
        return;
    }

    pcc->stale = (reply->type == REDIS_REPLY_STRING
                  && elaaoms_event_is_stale(reply->str, reply->len,
                                         (long long) pcc->pc.event_timestamp));
}


static void
ngx_http_elaaoms_post_call_check_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (rc != NGX_OK) {
        /* the delivery is idempotent by content: it is taken all the same */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: redis unavailable, %s taken "
                      "without replay and order checks",
                      pcc->pc.conversation_id);
        pcc->replayed = 0;
        pcc->stale = 0;
    }

    rc = ngx_http_elaaoms_post_call_checked(r, pcc);

    if (rc == NGX_DONE) {
        /* a thread or Redis answers later; its handler finishes */
        return;
    }

    ngx_http_elaaoms_finish(r, rc);
}


/* the checks' verdict: a replay, a stale event, or on to the files */
static ngx_int_t
ngx_http_elaaoms_post_call_checked(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
#if (NGX_THREADS)
    ngx_http_elaaoms_loc_conf_t  *elcf;
#endif

    if (pcc->replayed) {
        /* stored before: nothing is written or queued again */
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: %s: signature already used, "
                      "answered as a duplicate", pcc->pc.conversation_id);

        pcc->duplicate = 1;

        if (pcc->pending[0]
            && elaaoms_durable_exists(pcc->base, pcc->sub, pcc->pending_name)
               != 1)
        {
            pcc->pending[0] = '\0';
        }

        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    if (pcc->stale) {
        return ngx_http_elaaoms_post_call_stale(r, pcc);
    }

#if (NGX_THREADS)
    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    if (elcf->thread_pool) {
        return ngx_http_elaaoms_post_call_thread(r, pcc, elcf->thread_pool);
    }
#endif

    ngx_http_elaaoms_post_call_write(pcc, r->connection->log);

    return ngx_http_elaaoms_post_call_written(r, pcc);
}


static ngx_int_t
ngx_http_elaaoms_post_call_stale(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: post-call: refused, a newer %s of %s is stored "
                  "(event_timestamp %L)", pcc->pc.type_name,
                  pcc->pc.conversation_id, pcc->pc.event_timestamp);

    return ngx_http_elaaoms_send_error(r, NGX_HTTP_CONFLICT, "stale_event",
                                    "A newer delivery of this event type for "
                                    "this conversation was already accepted.");
}


/* everything the file work needs, in pcc: it must not touch r */
static ngx_int_t
ngx_http_elaaoms_post_call_prepare(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len)
{
    ngx_str_t                    *id;
    const char                   *suffix;
    elaaoms_postcall_t           *pc = &pcc->pc;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    suffix = elaaoms_payload_suffix(pc->type_name);

    (void) ngx_cpystrn((u_char *) pcc->base, elcf->payload_dir.data,
                       ngx_min(elcf->payload_dir.len + 1,
                               sizeof(pcc->base)));

    if (suffix == NULL
        || elaaoms_payload_dir_path(pcc->dir, sizeof(pcc->dir), pcc->base,
                                    (const char *) elcf->org.data,
                                    pc->conversation_id) < 0
        || elaaoms_payload_sub_path(pcc->sub, sizeof(pcc->sub),
                                    (const char *) elcf->org.data,
                                    pc->conversation_id) < 0
        || elaaoms_payload_file_name(pcc->name, sizeof(pcc->name),
                                     pc->conversation_id, suffix) < 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pcc->body = body;
    pcc->len = len;
    pcc->org = (const char *) elcf->org.data;
    pcc->now = ngx_time();

    id = ngx_http_elaaoms_request_id(r);
    (void) ngx_cpystrn((u_char *) pcc->rid, id->data,
                       ngx_min(id->len + 1, sizeof(pcc->rid)));

    if (pc->type != ELAAOMS_POSTCALL_TRANSCRIPTION) {
        return NGX_OK;
    }

    if (ngx_snprintf((u_char *) pcc->path, sizeof(pcc->path), "%s/%s%Z",
                     pcc->dir, pcc->name)
        == (u_char *) pcc->path + sizeof(pcc->path)
        || elaaoms_pending_file_name(pcc->pending_name,
                                     sizeof(pcc->pending_name),
                                     pc->conversation_id) < 0
        || ngx_snprintf((u_char *) pcc->pending, sizeof(pcc->pending),
                        "%s/%s%Z", pcc->dir, pcc->pending_name)
           == (u_char *) pcc->pending + sizeof(pcc->pending))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/*
 * The blocking part, in a thread of the pool (or inline with
 * "elaaoms_thread_pool off"): plain C and lib/ only, no nginx allocation,
 * no logging; the outcome stays in pcc for the event loop to log and
 * answer.  The request is blocked meanwhile, so r->pool (pcc, the body,
 * the parsed envelope) cannot go away.
 */

static void
ngx_http_elaaoms_post_call_write(void *data, ngx_log_t *log)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    int                    n, identical;
    size_t                 data_len;
    const void            *p;
    elaaoms_job_t          job;
    unsigned char         *audio;
    elaaoms_postcall_t    *pc = &pcc->pc;
    elaaoms_intake_req_t   req;

    audio = NULL;
    p = pcc->body;
    data_len = pcc->len;

    if (pc->type == ELAAOMS_POSTCALL_AUDIO) {
        /* the recording is kept decoded; extraction never needs it */
        if (elaaoms_postcall_decode_audio(pc, &audio, &data_len)
            != ELAAOMS_POSTCALL_OK)
        {
            pcc->rc = NGX_HTTP_ELAAOMS_PC_BAD_AUDIO;
            return;
        }

        p = audio;
    }

    identical = 0;
    n = elaaoms_durable_write(pcc->base, pcc->sub, pcc->name, p, data_len,
                              &identical, pcc->err, sizeof(pcc->err));
    pcc->err_no = errno;
    free(audio);

    if (n != 0) {
        pcc->rc = NGX_HTTP_ELAAOMS_PC_PAYLOAD_FAILED;
        return;
    }

    if (pc->type != ELAAOMS_POSTCALL_TRANSCRIPTION) {
        pcc->duplicate = identical;
        return;
    }

    if (identical
        && elaaoms_durable_exists(pcc->base, pcc->sub, pcc->pending_name)
           == 0)
    {
        /* a retry of a delivery that was saved and queued */
        pcc->duplicate = 1;
        pcc->pending[0] = '\0';
        return;
    }

    memset(&job, 0, sizeof(elaaoms_job_t));
    job.org = pcc->org;
    job.type = pc->type_name;
    job.conversation_id = pc->conversation_id;
    job.agent_id = pc->agent_id;
    job.caller = pc->caller[0] ? pc->caller : NULL;
    job.payload_path = pcc->path;
    job.request_id = pcc->rid;
    job.attempt = 0;
    job.enqueued_at = pcc->now;

    if (elaaoms_job_encode(&job, &pcc->job_json, &pcc->job_len) != 0) {
        pcc->rc = NGX_HTTP_ELAAOMS_PC_ENCODE_FAILED;
        return;
    }

    /* the job is durable before Redis is asked: a Redis outage loses nothing */
    if (elaaoms_durable_write(pcc->base, pcc->sub, pcc->pending_name,
                              pcc->job_json, pcc->job_len, NULL, pcc->err,
                              sizeof(pcc->err))
        != 0)
    {
        pcc->err_no = errno;
        pcc->rc = NGX_HTTP_ELAAOMS_PC_JOB_FAILED;
        return;
    }

    req.org = pcc->org;
    req.type_name = pc->type_name;
    req.conversation_id = pc->conversation_id;
    req.payload = pcc->body;
    req.payload_len = pcc->len;
    req.job_json = pcc->job_json;
    req.job_len = pcc->job_len;
    req.caller = pc->caller;
    req.agent_id = pc->agent_id;
    req.request_id = pcc->rid;
    req.now = (long long) pcc->now;
    req.event_ts = (long long) pc->event_timestamp;

    if (elaaoms_intake_cmd(&pcc->cmd, &req) != 0) {
        pcc->rc = NGX_HTTP_ELAAOMS_PC_CMD_FAILED;
        return;
    }

    pcc->intake = 1;
}


#if (NGX_THREADS)

static ngx_int_t
ngx_http_elaaoms_post_call_thread(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, ngx_thread_pool_t *tp)
{
    ngx_thread_task_t  *task;

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    task->ctx = pcc;
    task->handler = ngx_http_elaaoms_post_call_write;
    task->event.data = r;
    task->event.handler = ngx_http_elaaoms_post_call_thread_event_handler;

    pcc->threaded = 1;

    if (ngx_thread_task_post(tp, task) != NGX_OK) {
        /* the pool's queue is full (nginx logged it): ElevenLabs retries */
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "storage_unavailable",
                                  "The payload could not be saved; retry.");
    }

    /*
     * as nginx's own thread tasks: a blocked request is neither finalized
     * nor freed, whatever the client does, until the task is back
     */
    r->main->blocked++;
    r->aio = 1;
    r->write_event_handler = ngx_http_elaaoms_post_call_resume;

    /*
     * A graceful shutdown (a reload's QUIT) lets a worker exit once only
     * cancelable timers are left, and a request waiting for a thread has
     * none: this one keeps the worker until the task is back, so the
     * answer is sent.
     */
    pcc->hold.handler = ngx_http_elaaoms_post_call_hold;
    pcc->hold.data = r;
    pcc->hold.log = r->connection->log;
    ngx_add_timer(&pcc->hold, NGX_HTTP_ELAAOMS_HOLD_MSEC);

    return NGX_DONE;
}


/* the task is still running: keep waiting (the file work does end) */
static void
ngx_http_elaaoms_post_call_hold(ngx_event_t *ev)
{
    ngx_log_error(NGX_LOG_WARN, ev->log, 0,
                  "elaaoms: post-call: payload write still running after "
                  "%M ms", (ngx_msec_t) NGX_HTTP_ELAAOMS_HOLD_MSEC);

    ngx_add_timer(ev, NGX_HTTP_ELAAOMS_HOLD_MSEC);
}


/* in the event loop, once the thread is done */
static void
ngx_http_elaaoms_post_call_thread_event_handler(ngx_event_t *ev)
{
    ngx_connection_t              *c;
    ngx_http_request_t            *r;
    ngx_http_elaaoms_post_call_t  *pcc;

    r = ev->data;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "elaaoms: post-call: thread done: \"%V?%V\"",
                   &r->uri, &r->args);

    pcc = ((ngx_http_elaaoms_ctx_t *)
           ngx_http_get_module_ctx(r, ngx_http_elaaoms_module))->handler_ctx;

    if (pcc->hold.timer_set) {
        ngx_del_timer(&pcc->hold);
    }

    r->main->blocked--;
    r->aio = 0;

    /*
     * through the connection's handler, as current nginx's copy filter
     * does: it runs the write event handler (resume, or the finalizer of
     * a request terminated meanwhile) and then the posted requests
     */
    c->write->handler(c->write);
}


static void
ngx_http_elaaoms_post_call_resume(ngx_http_request_t *r)
{
    ngx_int_t                rc;
    ngx_http_elaaoms_ctx_t  *ctx;

    if (r->aio) {
        /* a write event of the connection while the task runs */
        return;
    }

    r->write_event_handler = ngx_http_request_empty_handler;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);

    rc = ngx_http_elaaoms_post_call_written(r, ctx->handler_ctx);

    if (rc == NGX_DONE) {
        /* Redis answers later; its callback finishes the request */
        return;
    }

    ngx_http_finalize_request(r, rc);
}

#endif


/* the file work's outcome: answer, or go on to Redis */
static ngx_int_t
ngx_http_elaaoms_post_call_written(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    switch (pcc->rc) {

    case NGX_HTTP_ELAAOMS_PC_BAD_AUDIO:
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                           "invalid_audio",
                                           "full_audio is not valid base64.");

    case NGX_HTTP_ELAAOMS_PC_PAYLOAD_FAILED:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, pcc->err_no,
                      "elaaoms: post-call: payload not saved: %s", pcc->err);

        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "storage_unavailable",
                                  "The payload could not be saved; retry.");

    default:
        break;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "elaaoms: post-call: payload written %s",
                   pcc->threaded ? "in thread pool" : "in the event loop");

    switch (pcc->rc) {

    case NGX_HTTP_ELAAOMS_PC_ENCODE_FAILED:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: post-call: could not encode the job of %s",
                      pcc->pc.conversation_id);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    case NGX_HTTP_ELAAOMS_PC_JOB_FAILED:
        ngx_log_error(NGX_LOG_ERR, r->connection->log, pcc->err_no,
                      "elaaoms: post-call: job not saved: %s",
                      pcc->err);
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "storage_unavailable",
                                  "The payload could not be saved; retry.");

    case NGX_HTTP_ELAAOMS_PC_CMD_FAILED:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;

    default:
        break;
    }

    if (!pcc->intake) {
        /* not a transcription, or a retry of one already queued */
        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    return ngx_http_elaaoms_post_call_queue(r, pcc);
}


static ngx_int_t
ngx_http_elaaoms_post_call_queue(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    ngx_int_t                  ok;
    ngx_http_elaaoms_batch_t  *b;

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_post_call_reply,
                                      ngx_http_elaaoms_post_call_done, pcc);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* hiredis copies the command (job JSON included) into its buffer;
     * the org's SADD first, the intake script second (lib/intake/intake.h) */
    ok = (ngx_http_elaaoms_batch_add(b, 3, pcc->cmd.orgs_argv,
                                     pcc->cmd.orgs_argvlen) == NGX_OK);

    if (ok && ngx_http_elaaoms_batch_add(b, ELAAOMS_INTAKE_ARGC,
                                         pcc->cmd.argv, pcc->cmd.argvlen)
              != NGX_OK)
    {
        ngx_http_elaaoms_batch_abandon(b);
        ok = 0;
    }

    ok = ok && ngx_http_elaaoms_batch_run(b) == NGX_OK;

    if (!ok) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: redis unavailable, job of %s left "
                      "pending on disk", pcc->pc.conversation_id);
        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_post_call_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (index == 0) {
        /* the org's SADD: the script's answer is what counts */
        if (reply->type == REDIS_REPLY_ERROR) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "elaaoms: post-call: org registry not written: %s",
                          reply->str);
        }
        return;
    }

    if (reply->type != REDIS_REPLY_INTEGER) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: post-call: intake script failed: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
        return;
    }

    /*
     * -1: a newer event came in since the check (a race of two
     * deliveries): this job is not queued, and its marker goes
     */
    pcc->stale = (reply->integer < 0);
    pcc->queued = !pcc->stale;
    pcc->duplicate = (reply->integer == 0);

    /* queued (now or before), or refused: the pending marker has done its
     * job */
    if (elaaoms_durable_unlink(pcc->base, pcc->sub, pcc->pending_name,
                               pcc->err, sizeof(pcc->err))
        != 0)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: post-call: %s", pcc->err);
    }

    pcc->pending[0] = '\0';

    if (reply->integer != ELAAOMS_INTAKE_FORGOTTEN) {
        return;
    }

    /*
     * the caller was erased: the payload goes too (two small syscalls,
     * as for the marker above); ElevenLabs still gets its 200
     */
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "elaaoms: post-call: %s of an erased caller dropped",
                  pcc->pc.conversation_id);

    if (elaaoms_durable_unlink(pcc->base, pcc->sub, pcc->name, pcc->err,
                               sizeof(pcc->err))
        != 0)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: post-call: %s", pcc->err);
    }

    /* not empty when another payload of the conversation is there */
    (void) ngx_delete_dir((u_char *) pcc->dir);
}


static void
ngx_http_elaaoms_post_call_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (pcc->stale) {
        ngx_http_elaaoms_finish(r, ngx_http_elaaoms_post_call_stale(r, pcc));
        return;
    }

    if (!pcc->queued) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: redis unavailable, job of %s left "
                      "pending on disk", pcc->pc.conversation_id);
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_post_call_accepted(r, pcc));
}


static ngx_int_t
ngx_http_elaaoms_post_call_accepted(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    ngx_str_t       *id;
    elaaoms_jgen_t   j;

    if (!pcc->replayed) {
        ngx_http_elaaoms_post_call_record(r, pcc);
    }

    id = ngx_http_elaaoms_request_id(r);

    /* a failed call is checked once, by ngx_http_elaaoms_send_gen() */
    (void) elaaoms_jgen_init(&j, 0);

    elaaoms_jgen_map_open(&j);
    elaaoms_jgen_cstr(&j, "status");
    elaaoms_jgen_cstr(&j, "accepted");
    elaaoms_jgen_cstr(&j, "type");
    elaaoms_jgen_cstr(&j, pcc->pc.type_name);
    elaaoms_jgen_cstr(&j, "conversation_id");
    elaaoms_jgen_cstr(&j, pcc->pc.conversation_id);
    elaaoms_jgen_cstr(&j, "duplicate");
    elaaoms_jgen_bool(&j, pcc->duplicate);

    if (pcc->pc.type == ELAAOMS_POSTCALL_TRANSCRIPTION) {
        elaaoms_jgen_cstr(&j, "queued");
        elaaoms_jgen_bool(&j, pcc->queued
                              || (pcc->duplicate && !pcc->pending[0]));
    }

    elaaoms_jgen_cstr(&j, "request_id");
    elaaoms_jgen_str(&j, id->data, id->len);
    elaaoms_jgen_map_close(&j);

    return ngx_http_elaaoms_send_gen(r, NGX_HTTP_OK, &j);
}


/*
 * An accepted delivery is remembered: its signature (a replay is then a
 * duplicate) and, where the intake script did not keep it, its
 * event_timestamp.  Nobody waits for the replies.
 */

static void
ngx_http_elaaoms_post_call_record(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    ngx_uint_t                 n;
    ngx_http_elaaoms_ctx_t    *ctx;
    ngx_http_elaaoms_batch_t  *b;
    elaaoms_event_ts_cmd_t     ev;

    ctx = ngx_http_get_module_ctx(r, ngx_http_elaaoms_module);

    if (pcc->queued && !pcc->signed_body) {
        return;
    }

    b = ngx_http_elaaoms_batch_create(r,
                                      ngx_http_elaaoms_post_call_ignore_reply,
                                      ngx_http_elaaoms_post_call_ignore_done,
                                      NULL);
    if (b == NULL) {
        return;
    }

    n = 0;

    if (!pcc->queued
        && elaaoms_event_ts_cmd(&ev, pcc->org, pcc->pc.type_name,
                                pcc->pc.conversation_id,
                                (long long) pcc->pc.event_timestamp) == 0
        && ngx_http_elaaoms_batch_add(b, ELAAOMS_EVENT_TS_ARGC, ev.argv,
                                      ev.argvlen) == NGX_OK)
    {
        n++;
    }

    if (pcc->signed_body && ctx != NULL
        && ngx_http_elaaoms_replay_add(r, ctx, b) == NGX_OK)
    {
        n++;
    }

    if (n == 0 || ngx_http_elaaoms_batch_run(b) != NGX_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "elaaoms: post-call: redis unavailable, %s not "
                      "remembered (signature, event_timestamp)",
                      pcc->pc.conversation_id);
    }
}


static void
ngx_http_elaaoms_post_call_ignore_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    if (reply->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: post-call: not remembered: %s", reply->str);
    }
}


static void
ngx_http_elaaoms_post_call_ignore_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    /* the answer went out already */
}


static void
ngx_http_elaaoms_post_call_cleanup(void *data)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    elaaoms_postcall_free(&pcc->pc);
    free(pcc->job_json);
}
