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
 *   retries, and nothing is queued.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <yajl/yajl_gen.h>

#include "ngx_http_elaaoms_module.h"
#include "ngx_http_elaaoms_redis.h"
#include "durable_file.h"
#include "intake.h"
#include "job.h"
#include "postcall.h"


#define NGX_HTTP_ELAAOMS_PATH_MAX  4096


typedef struct {
    elaaoms_postcall_t   pc;
    elaaoms_intake_cmd_t cmd;
    char                 dir[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                 pending[NGX_HTTP_ELAAOMS_PATH_MAX];
    unsigned             duplicate:1;
    unsigned             queued:1;
} ngx_http_elaaoms_post_call_t;


static void ngx_http_elaaoms_post_call_body(ngx_http_request_t *r);
static ngx_int_t ngx_http_elaaoms_post_call_process(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc);
static ngx_int_t ngx_http_elaaoms_post_call_store(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len);
static ngx_int_t ngx_http_elaaoms_post_call_queue(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len);
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
    ngx_http_elaaoms_post_call_t  *pcc;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_elaaoms_post_call_t));
    if (cln == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    pcc = cln->data;
    ngx_memzero(pcc, sizeof(ngx_http_elaaoms_post_call_t));
    cln->handler = ngx_http_elaaoms_post_call_cleanup;

    rc = ngx_http_elaaoms_post_call_process(r, pcc);

    if (rc == NGX_DONE) {
        /* Redis answers later; its callback finishes the request */
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
                      "elaaoms: post-call refused: %s, request_id: %V",
                      err, ngx_http_elaaoms_request_id(r));

        return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                           elaaoms_postcall_rc_code(prc), err);
    }

    return ngx_http_elaaoms_post_call_store(r, pcc, body, len);
}


static ngx_int_t
ngx_http_elaaoms_post_call_store(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len)
{
    int                           identical;
    char                          err[512], name[NGX_HTTP_ELAAOMS_PATH_MAX];
    char                          payload_dir[NGX_HTTP_ELAAOMS_PATH_MAX];
    size_t                        data_len;
    ngx_int_t                     rc;
    const char                   *suffix;
    unsigned char                *audio;
    const void                   *data;
    ngx_file_info_t               fi;
    elaaoms_postcall_t           *pc = &pcc->pc;
    ngx_http_elaaoms_loc_conf_t  *elcf;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    suffix = elaaoms_payload_suffix(pc->type_name);

    (void) ngx_cpystrn((u_char *) payload_dir, elcf->payload_dir.data,
                       ngx_min(elcf->payload_dir.len + 1,
                               sizeof(payload_dir)));

    if (suffix == NULL
        || elaaoms_payload_dir_path(pcc->dir, sizeof(pcc->dir), payload_dir,
                                    (const char *) elcf->org.data,
                                    pc->conversation_id) < 0
        || elaaoms_payload_file_name(name, sizeof(name), pc->conversation_id,
                                     suffix) < 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    audio = NULL;
    data = body;
    data_len = len;

    if (pc->type == ELAAOMS_POSTCALL_AUDIO) {
        /* the recording is kept decoded; extraction never needs it */
        if (elaaoms_postcall_decode_audio(pc, &audio, &data_len)
            != ELAAOMS_POSTCALL_OK)
        {
            return ngx_http_elaaoms_send_error(r, NGX_HTTP_BAD_REQUEST,
                                           "invalid_audio",
                                           "full_audio is not valid base64.");
        }
        data = audio;
    }

    identical = 0;
    rc = elaaoms_durable_write(pcc->dir, name, data, data_len, &identical,
                               err, sizeof(err));
    free(audio);

    if (rc != 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      "elaaoms: post-call payload not saved: %s, "
                      "request_id: %V", err, ngx_http_elaaoms_request_id(r));

        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "storage_unavailable",
                                  "The payload could not be saved; retry.");
    }

    if (pc->type != ELAAOMS_POSTCALL_TRANSCRIPTION) {
        pcc->duplicate = identical;
        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    if (elaaoms_pending_file_name(name, sizeof(name), pc->conversation_id) < 0
        || ngx_snprintf((u_char *) pcc->pending, sizeof(pcc->pending),
                        "%s/%s%Z", pcc->dir, name)
           == (u_char *) pcc->pending + sizeof(pcc->pending))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (identical && ngx_file_info(pcc->pending, &fi) == NGX_FILE_ERROR) {
        /* a retry of a delivery that was saved and queued */
        pcc->duplicate = 1;
        pcc->pending[0] = '\0';
        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    return ngx_http_elaaoms_post_call_queue(r, pcc, body, len);
}


static ngx_int_t
ngx_http_elaaoms_post_call_queue(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc, u_char *body, size_t len)
{
    int                           n;
    char                         *job_json, err[512], rid[128];
    char                          path[NGX_HTTP_ELAAOMS_PATH_MAX];
    size_t                        job_len;
    ngx_str_t                    *id;
    elaaoms_job_t                 job;
    ngx_http_elaaoms_batch_t     *b;
    ngx_http_elaaoms_loc_conf_t  *elcf;
    elaaoms_postcall_t           *pc = &pcc->pc;

    elcf = ngx_http_get_module_loc_conf(r, ngx_http_elaaoms_module);

    id = ngx_http_elaaoms_request_id(r);
    (void) ngx_cpystrn((u_char *) rid, id->data,
                       ngx_min(id->len + 1, sizeof(rid)));

    n = elaaoms_payload_file_name(path, sizeof(path), pc->conversation_id,
                                  "_transcription.json");
    if (n < 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&job, sizeof(elaaoms_job_t));
    job.org = (const char *) elcf->org.data;
    job.type = pc->type_name;
    job.conversation_id = pc->conversation_id;
    job.agent_id = pc->agent_id;
    job.caller = pc->caller[0] ? pc->caller : NULL;
    job.request_id = rid;
    job.attempt = 0;
    job.enqueued_at = ngx_time();

    {
        char  abs[NGX_HTTP_ELAAOMS_PATH_MAX];

        if (ngx_snprintf((u_char *) abs, sizeof(abs), "%s/%s%Z",
                         pcc->dir, path)
            == (u_char *) abs + sizeof(abs))
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        job.payload_path = abs;

        if (elaaoms_job_encode(&job, &job_json, &job_len) != 0) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "elaaoms: could not encode the job of %s, "
                          "request_id: %V", pc->conversation_id, id);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    /* the job is durable before Redis is asked: a Redis outage loses nothing */
    n = elaaoms_durable_write(pcc->dir, pcc->pending + ngx_strlen(pcc->dir) + 1,
                              job_json, job_len, NULL, err, sizeof(err));
    if (n != 0) {
        free(job_json);
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      "elaaoms: post-call job not saved: %s, request_id: %V",
                      err, id);
        return ngx_http_elaaoms_send_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                  "storage_unavailable",
                                  "The payload could not be saved; retry.");
    }

    if (elaaoms_intake_cmd(&pcc->cmd, job.org, pc->type_name,
                           pc->conversation_id, body, len, job_json, job_len,
                           pc->caller, pc->agent_id, rid, ngx_time())
        != 0)
    {
        free(job_json);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_elaaoms_batch_create(r, ngx_http_elaaoms_post_call_reply,
                                      ngx_http_elaaoms_post_call_done, pcc);
    if (b == NULL) {
        free(job_json);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = (ngx_http_elaaoms_batch_add(b, ELAAOMS_INTAKE_ARGC, pcc->cmd.argv,
                                    pcc->cmd.argvlen) == NGX_OK
         && ngx_http_elaaoms_batch_run(b) == NGX_OK);

    /* hiredis copied the command into its buffer */
    free(job_json);

    if (!n) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: redis unavailable, job of %s left pending "
                      "on disk, request_id: %V", pc->conversation_id, id);
        return ngx_http_elaaoms_post_call_accepted(r, pcc);
    }

    return NGX_DONE;
}


static void
ngx_http_elaaoms_post_call_reply(ngx_http_request_t *r, void *data,
    ngx_uint_t index, redisReply *reply)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (reply->type != REDIS_REPLY_INTEGER) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "elaaoms: intake script failed: %s, request_id: %V",
                      reply->type == REDIS_REPLY_ERROR ? reply->str : "?",
                      ngx_http_elaaoms_request_id(r));
        return;
    }

    pcc->queued = 1;
    pcc->duplicate = (reply->integer == 0);

    /* queued (now or before): the pending marker has done its job */
    if (ngx_delete_file(pcc->pending) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, ngx_errno,
                      ngx_delete_file_n " \"%s\" failed", pcc->pending);
    }

    pcc->pending[0] = '\0';
}


static void
ngx_http_elaaoms_post_call_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    if (!pcc->queued) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: redis unavailable, job of %s left pending "
                      "on disk, request_id: %V", pcc->pc.conversation_id,
                      ngx_http_elaaoms_request_id(r));
    }

    ngx_http_elaaoms_finish(r, ngx_http_elaaoms_post_call_accepted(r, pcc));
}


static ngx_int_t
ngx_http_elaaoms_post_call_accepted(ngx_http_request_t *r,
    ngx_http_elaaoms_post_call_t *pcc)
{
    ngx_str_t  *id;
    yajl_gen    g;

    id = ngx_http_elaaoms_request_id(r);

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

#define ngx_http_elaaoms_gen_str(s, l)                                        \
    yajl_gen_string(g, (const unsigned char *) (s), (l))

    yajl_gen_map_open(g);
    ngx_http_elaaoms_gen_str("status", 6);
    ngx_http_elaaoms_gen_str("accepted", 8);
    ngx_http_elaaoms_gen_str("type", 4);
    ngx_http_elaaoms_gen_str(pcc->pc.type_name, ngx_strlen(pcc->pc.type_name));
    ngx_http_elaaoms_gen_str("conversation_id", 15);
    ngx_http_elaaoms_gen_str(pcc->pc.conversation_id,
                             ngx_strlen(pcc->pc.conversation_id));
    ngx_http_elaaoms_gen_str("duplicate", 9);
    yajl_gen_bool(g, pcc->duplicate);

    if (pcc->pc.type == ELAAOMS_POSTCALL_TRANSCRIPTION) {
        ngx_http_elaaoms_gen_str("queued", 6);
        yajl_gen_bool(g, pcc->queued || (pcc->duplicate && !pcc->pending[0]));
    }

    ngx_http_elaaoms_gen_str("request_id", 10);
    ngx_http_elaaoms_gen_str(id->data, id->len);
    yajl_gen_map_close(g);

#undef ngx_http_elaaoms_gen_str

    return ngx_http_elaaoms_send_gen(r, NGX_HTTP_OK, g);
}


static void
ngx_http_elaaoms_post_call_cleanup(void *data)
{
    ngx_http_elaaoms_post_call_t *pcc = data;

    elaaoms_postcall_free(&pcc->pc);
}
