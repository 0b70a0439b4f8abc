/*
 * Operator replays and backfills queued as nginx queues (backfill.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "backfill.h"
#include "clients/elevenlabs_conversations.h"
#include "intake/durable_file.h"
#include "intake/intake.h"
#include "intake/job.h"
#include "intake/postcall.h"
#include "store/redis_keys.h"
#include "sweep.h"


/* "cli-" and 24 hex digits: a job's request id, as nginx gives each one */
static void
elaaoms_backfill_request_id(char *buf, size_t size)
{
    size_t         i;
    unsigned char  rnd[12];

    if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t) sizeof(rnd))
    {
        /* not secret, only distinct */
        for (i = 0; i < sizeof(rnd); i++) {
            rnd[i] = (unsigned char) rand();
        }
    }

    snprintf(buf, size, "cli-");
    for (i = 0; i < sizeof(rnd) && 4 + 2 * i + 2 < size; i++) {
        snprintf(buf + 4 + 2 * i, 3, "%02x", rnd[i]);
    }
}


int
elaaoms_backfill_intake(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *body, size_t len,
    elaaoms_backfill_outcome_t *out, char *err, size_t errlen)
{
    int                    rv;
    char                   sub[512], name[512], pending[512], path[4096];
    char                  *job_json;
    size_t                 job_len;
    const char            *suffix;
    elaaoms_job_t          job;
    elaaoms_postcall_t     pc;
    elaaoms_postcall_rc_t  prc;

    memset(out, 0, sizeof(elaaoms_backfill_outcome_t));

    prc = elaaoms_postcall_parse(body, len, &pc, err, errlen);
    if (prc != ELAAOMS_POSTCALL_OK) {
        return ELAAOMS_BACKFILL_INVALID;
    }

    if (pc.type != ELAAOMS_POSTCALL_TRANSCRIPTION) {
        snprintf(err, errlen, "a %s payload: only post_call_transcription "
                 "is queued", pc.type_name);
        elaaoms_postcall_free(&pc);
        return ELAAOMS_BACKFILL_INVALID;
    }

    snprintf(out->conversation_id, sizeof(out->conversation_id), "%s",
             pc.conversation_id);
    snprintf(out->agent_id, sizeof(out->agent_id), "%s", pc.agent_id);
    snprintf(out->caller, sizeof(out->caller), "%s", pc.caller);
    elaaoms_backfill_request_id(out->request_id, sizeof(out->request_id));

    suffix = elaaoms_payload_suffix(pc.type_name);

    if (suffix == NULL
        || elaaoms_payload_sub_path(sub, sizeof(sub), org,
                                    pc.conversation_id) < 0
        || elaaoms_payload_file_name(name, sizeof(name), pc.conversation_id,
                                     suffix) < 0
        || elaaoms_pending_file_name(pending, sizeof(pending),
                                     pc.conversation_id) < 0
        || snprintf(path, sizeof(path), "%s/%s/%s", payload_dir, sub, name)
           >= (int) sizeof(path))
    {
        snprintf(err, errlen, "payload path too long");
        elaaoms_postcall_free(&pc);
        return ELAAOMS_BACKFILL_IO;
    }

    memset(&job, 0, sizeof(elaaoms_job_t));
    job.org = org;
    job.type = pc.type_name;
    job.conversation_id = pc.conversation_id;
    job.agent_id = pc.agent_id;
    job.caller = pc.caller[0] ? pc.caller : NULL;
    job.payload_path = path;
    job.request_id = out->request_id;
    job.enqueued_at = (int64_t) time(NULL);

    rv = elaaoms_job_encode(&job, &job_json, &job_len);
    elaaoms_postcall_free(&pc);

    if (rv != 0) {
        snprintf(err, errlen, "no valid job for %s (payload_dir must be an "
                 "absolute path)", out->conversation_id);
        return ELAAOMS_BACKFILL_IO;
    }

    /* payload, then its job as a pending marker, as nginx writes them */
    if (elaaoms_durable_write(payload_dir, sub, name, body, len, NULL, err,
                              errlen) != 0
        || elaaoms_durable_write(payload_dir, sub, pending, job_json,
                                 job_len, NULL, err, errlen) != 0)
    {
        free(job_json);
        return ELAAOMS_BACKFILL_IO;
    }

    free(job_json);

    out->result = elaaoms_sweep_conversation(rc, payload_dir, org,
                                             out->conversation_id);
    if (out->result == ELAAOMS_SWEEP_NOTHING) {
        snprintf(err, errlen, "the pending marker of %s was not usable",
                 out->conversation_id);
        return ELAAOMS_BACKFILL_IO;
    }

    if (out->result == ELAAOMS_SWEEP_FAILED) {
        snprintf(err, errlen, "redis: %s; the job of %s stays pending on "
                 "disk, the worker queues it",
                 elaaoms_redis_errstr(rc)[0] ? elaaoms_redis_errstr(rc)
                 : "the intake script failed", out->conversation_id);
    }

    return 0;
}


/* --- backfill ---------------------------------------------------------- */

typedef struct {
    const elaaoms_backfill_t  *bf;
    char                       key[ELAAOMS_KEY_MAX];
    char                      *cursor;        /* the page being listed */
    long long                  run_newest;
    long long                  run_hold;      /* -1: none */
    struct timespec            last;          /* the last API request */
    elaaoms_backfill_stats_t  *total;
} elaaoms_backfill_ctx_t;


/* at most bf->rate requests a second */
static void
elaaoms_backfill_pace(elaaoms_backfill_ctx_t *ctx)
{
    double           gap, since;
    struct timespec  now, ts;

    clock_gettime(CLOCK_MONOTONIC, &now);

    if (ctx->bf->rate > 0 && (ctx->last.tv_sec || ctx->last.tv_nsec)) {
        gap = 1.0 / ctx->bf->rate;
        since = (double) (now.tv_sec - ctx->last.tv_sec)
                + (double) (now.tv_nsec - ctx->last.tv_nsec) / 1e9;

        if (since < gap) {
            gap -= since;
            ts.tv_sec = (time_t) gap;
            ts.tv_nsec = (long) ((gap - (double) ts.tv_sec) * 1e9);
            while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
                /* the rest of it */
            }
            clock_gettime(CLOCK_MONOTONIC, &now);
        }
    }

    ctx->last = now;
}


static long long
elaaoms_backfill_field(redisReply *r, const char *name, long long dflt,
    const char **str)
{
    size_t  i;

    for (i = 0; i + 1 < r->elements; i += 2) {
        if (r->element[i]->type == REDIS_REPLY_STRING
            && r->element[i + 1]->type == REDIS_REPLY_STRING
            && strcmp(r->element[i]->str, name) == 0)
        {
            if (str) {
                *str = r->element[i + 1]->str;
            }
            return strtoll(r->element[i + 1]->str, NULL, 10);
        }
    }

    return dflt;
}


/* the position: unfinished (cursor kept) or done (the next run's mark) */
static int
elaaoms_backfill_save(elaaoms_backfill_ctx_t *ctx, int done)
{
    int          ok;
    char         newest[24], after[24], run_newest[24], hold[24], now[24];
    long long    mark;
    redisReply  *r;

    snprintf(now, sizeof(now), "%lld", (long long) time(NULL));

    if (done) {
        mark = ctx->run_newest;
        if (ctx->run_hold >= 0 && ctx->run_hold < mark) {
            mark = ctx->run_hold;
        }
        ctx->total->newest = mark;
        snprintf(newest, sizeof(newest), "%lld", mark);

        r = elaaoms_redis_command(ctx->bf->rc,
                                  "HDEL %s cursor after run_newest "
                                  "run_hold", ctx->key);
        ok = (r != NULL && r->type != REDIS_REPLY_ERROR);
        if (r) {
            freeReplyObject(r);
        }

        r = ok ? elaaoms_redis_command(ctx->bf->rc,
                                       "HSET %s newest %s updated_at %s",
                                       ctx->key, newest, now)
               : NULL;

    } else {
        snprintf(after, sizeof(after), "%lld", ctx->total->after);
        snprintf(run_newest, sizeof(run_newest), "%lld", ctx->run_newest);
        snprintf(hold, sizeof(hold), "%lld", ctx->run_hold);

        r = elaaoms_redis_command(ctx->bf->rc, "HSET %s cursor %s after %s "
                                  "run_newest %s run_hold %s updated_at %s",
                                  ctx->key, ctx->cursor ? ctx->cursor : "",
                                  after, run_newest, hold, now);
    }

    ok = (r != NULL && r->type != REDIS_REPLY_ERROR);
    if (r) {
        freeReplyObject(r);
    }

    if (!ok) {
        snprintf(ctx->total->error, sizeof(ctx->total->error), "redis: %s",
                 elaaoms_redis_errstr(ctx->bf->rc)[0]
                 ? elaaoms_redis_errstr(ctx->bf->rc)
                 : "the position was not saved");
        return -1;
    }

    return 0;
}


/* where the last run stopped, or a new run from --since and the mark */
static int
elaaoms_backfill_load(elaaoms_backfill_ctx_t *ctx)
{
    long long    newest, since;
    const char  *cursor;
    redisReply  *r;

    r = elaaoms_redis_command(ctx->bf->rc, "HGETALL %s", ctx->key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        snprintf(ctx->total->error, sizeof(ctx->total->error), "redis: %s",
                 elaaoms_redis_errstr(ctx->bf->rc)[0]
                 ? elaaoms_redis_errstr(ctx->bf->rc) : "HGETALL failed");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    cursor = NULL;
    (void) elaaoms_backfill_field(r, "cursor", 0, &cursor);

    if (cursor) {
        ctx->total->resumed = 1;
        ctx->cursor = cursor[0] ? strdup(cursor) : NULL;
        ctx->total->after = elaaoms_backfill_field(r, "after", 0, NULL);
        ctx->run_newest = elaaoms_backfill_field(r, "run_newest", 0, NULL);
        ctx->run_hold = elaaoms_backfill_field(r, "run_hold", -1, NULL);
        freeReplyObject(r);
        return (cursor[0] && ctx->cursor == NULL) ? -1 : 0;
    }

    /* call_start_after_unix is exclusive: one second before the first
       start time wanted, so that the mark itself is listed again */
    newest = elaaoms_backfill_field(r, "newest", 0, NULL);
    freeReplyObject(r);

    since = ctx->bf->since > newest ? ctx->bf->since : newest;
    ctx->total->after = since > 0 ? since - 1 : 0;
    ctx->run_newest = since > 0 ? since : 0;
    ctx->run_hold = -1;

    return elaaoms_backfill_save(ctx, 0);
}


static void
elaaoms_backfill_hold(elaaoms_backfill_ctx_t *ctx, long long start)
{
    if (start >= 0 && (ctx->run_hold < 0 || start < ctx->run_hold)) {
        ctx->run_hold = start;
    }
}


/* 1 when intake's key or the conversation's hash already exists */
static int
elaaoms_backfill_seen(elaaoms_backfill_ctx_t *ctx, const char *conv)
{
    int          i, seen;
    char         key[2][ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_key_intake(key[0], sizeof(key[0]), ctx->bf->org,
                           "post_call_transcription", conv) < 0
        || elaaoms_key_conversation(key[1], sizeof(key[1]), ctx->bf->org,
                                    conv) < 0)
    {
        return -1;
    }

    seen = 0;

    /* one key a command: they may sit in different cluster slots */
    for (i = 0; i < 2; i++) {
        r = elaaoms_redis_command(ctx->bf->rc, "EXISTS %s", key[i]);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            if (r) {
                freeReplyObject(r);
            }
            return -1;
        }
        seen |= (r->integer > 0);
        freeReplyObject(r);
    }

    return seen;
}


/* one listed conversation; -1 when Redis failed (the run stops) */
static int
elaaoms_backfill_one(elaaoms_backfill_ctx_t *ctx,
    const elaaoms_elevenlabs_conv_t *c, elaaoms_backfill_stats_t *page)
{
    int                         rv, n;
    char                       *details, *payload, err[512];
    size_t                      len;
    long long                   ts;
    elaaoms_api_error_t         aerr;
    elaaoms_backfill_outcome_t  out;

    if (strcmp(c->status, "done") != 0) {
        page->skipped++;
        /* a call still running or being analysed comes back next time */
        if (strcmp(c->status, "failed") != 0) {
            elaaoms_backfill_hold(ctx, c->start_time);
        }
        return 0;
    }

    n = elaaoms_backfill_seen(ctx, c->conversation_id);
    if (n < 0) {
        snprintf(ctx->total->error, sizeof(ctx->total->error), "redis: %s",
                 elaaoms_redis_errstr(ctx->bf->rc)[0]
                 ? elaaoms_redis_errstr(ctx->bf->rc) : "EXISTS");
        return -1;
    }

    if (n == 1) {
        page->seen++;
        goto taken;
    }

    elaaoms_backfill_pace(ctx);

    if (elaaoms_elevenlabs_get_conversation(ctx->bf->api, c->conversation_id,
                                            &details, &len, &aerr) != 0)
    {
        snprintf(ctx->total->error, sizeof(ctx->total->error),
                 "conversation %s: %s", c->conversation_id, aerr.message);
        page->failed++;
        elaaoms_backfill_hold(ctx, c->start_time);
        return 0;
    }

    /* the webhook's envelope around the details, which are its "data";
       sent when the call ended, as ElevenLabs would have */
    ts = (c->start_time > 0 ? c->start_time : 0)
         + (c->duration > 0 ? c->duration : 0);

    n = asprintf(&payload, "{\"type\":\"post_call_transcription\","
                 "\"event_timestamp\":%lld,\"data\":%.*s}", ts, (int) len,
                 details);
    free(details);

    if (n < 0) {
        snprintf(ctx->total->error, sizeof(ctx->total->error),
                 "out of memory");
        return -1;
    }

    rv = elaaoms_backfill_intake(ctx->bf->rc, ctx->bf->payload_dir,
                                 ctx->bf->org, payload, (size_t) n, &out,
                                 err, sizeof(err));
    free(payload);

    if (rv != 0) {
        snprintf(ctx->total->error, sizeof(ctx->total->error),
                 "conversation %s: %s", c->conversation_id, err);
        page->failed++;
        elaaoms_backfill_hold(ctx, c->start_time);
        return 0;
    }

    if (out.result == ELAAOMS_SWEEP_FAILED) {
        snprintf(ctx->total->error, sizeof(ctx->total->error), "%s", err);
        return -1;
    }

    if (out.result == 1) {
        page->queued++;
    } else {
        page->seen++;
    }

taken:

    if (c->start_time > ctx->run_newest) {
        ctx->run_newest = c->start_time;
    }

    return 0;
}


static void
elaaoms_backfill_add(elaaoms_backfill_stats_t *t,
    const elaaoms_backfill_stats_t *p)
{
    t->page = p->page;
    t->listed += p->listed;
    t->queued += p->queued;
    t->seen += p->seen;
    t->skipped += p->skipped;
    t->failed += p->failed;
}


int
elaaoms_backfill_run(const elaaoms_backfill_t *bf,
    elaaoms_backfill_stats_t *total)
{
    int                             rv;
    size_t                          i;
    elaaoms_api_error_t             aerr;
    elaaoms_backfill_ctx_t          ctx;
    elaaoms_backfill_stats_t        page;
    elaaoms_elevenlabs_conv_page_t  list;

    memset(total, 0, sizeof(elaaoms_backfill_stats_t));
    memset(&ctx, 0, sizeof(ctx));
    ctx.bf = bf;
    ctx.total = total;

    if (elaaoms_key_backfill(ctx.key, sizeof(ctx.key), bf->org,
                             bf->agent_id) < 0)
    {
        snprintf(total->error, sizeof(total->error), "agent id too long");
        return -1;
    }

    if (elaaoms_backfill_load(&ctx) != 0) {
        free(ctx.cursor);
        return -1;
    }

    rv = 0;

    for ( ;; ) {
        elaaoms_backfill_pace(&ctx);

        if (elaaoms_elevenlabs_list_conversations(bf->api, bf->agent_id,
                                                  bf->page_size, ctx.cursor,
                                                  total->after, &list,
                                                  &aerr) != 0)
        {
            snprintf(total->error, sizeof(total->error), "listing the "
                     "conversations: %s", aerr.message);
            rv = -1;
            break;
        }

        memset(&page, 0, sizeof(page));
        page.page = total->page + 1;
        page.has_more = list.has_more && list.next_cursor != NULL;
        page.failed = (long) list.invalid;

        for (i = 0; i < list.n; i++) {
            if (bf->max > 0 && total->queued + page.queued >= bf->max) {
                total->stopped = 1;
                break;
            }

            page.listed++;

            if (elaaoms_backfill_one(&ctx, &list.items[i], &page) != 0) {
                rv = -1;
                break;
            }
        }

        elaaoms_backfill_add(total, &page);

        if (bf->on_page) {
            bf->on_page(bf->data, &page);
        }

        if (rv != 0 || total->stopped) {
            /* the same page again next time: what it had left is listed
               again, what was taken is seen */
            elaaoms_elevenlabs_conv_page_free(&list);
            if (elaaoms_backfill_save(&ctx, 0) != 0) {
                rv = -1;
            }
            break;
        }

        if (!page.has_more) {
            elaaoms_elevenlabs_conv_page_free(&list);
            total->complete = 1;
            if (elaaoms_backfill_save(&ctx, 1) != 0) {
                rv = -1;
            }
            break;
        }

        free(ctx.cursor);
        ctx.cursor = strdup(list.next_cursor);
        elaaoms_elevenlabs_conv_page_free(&list);

        if (ctx.cursor == NULL) {
            snprintf(total->error, sizeof(total->error), "out of memory");
            rv = -1;
            break;
        }

        if (elaaoms_backfill_save(&ctx, 0) != 0) {
            rv = -1;
            break;
        }
    }

    free(ctx.cursor);

    return rv;
}
