/*
 * /metrics' Redis part as text: the heartbeat and queue families, and the
 * worker's own families as it keeps them in
 * elaaoms:{health}:metrics:worker (field: a whole series, value: a number)
 * with elaaoms:{health}:metrics:worker:meta (family -> "<type> <help>").
 * A field that is not a well-formed elaaoms_ series of a family the meta
 * names is left out: nothing stored in Redis can break the exposition.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_metrics_internal.h"
#include "intake/ids.h"


/* a label value: \ " and newline escaped, as the format asks */
static u_char *
ngx_http_elaaoms_met_escape(u_char *p, u_char *last, const u_char *s,
    size_t len)
{
    while (len-- && p + 2 < last) {
        if (*s == '\\' || *s == '"') {
            *p++ = '\\';
            *p++ = *s++;

        } else if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';
            s++;

        } else {
            *p++ = *s++;
        }
    }

    return p;
}


static ngx_int_t
ngx_http_elaaoms_met_name_char(u_char c, ngx_uint_t first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || c == ':' || (!first && c >= '0' && c <= '9');
}


/*
 * A worker series "name{l="v",...}": its name's length when well formed
 * and an elaaoms_ series, else 0
 */
static size_t
ngx_http_elaaoms_met_series_ok(const u_char *s, size_t len)
{
    size_t  i, name;

    if (len < 9 || ngx_strncmp(s, "elaaoms_", 8) != 0) {
        return 0;
    }

    for (i = 0; i < len && ngx_http_elaaoms_met_name_char(s[i], i == 0); i++)
    {
        /* void */
    }

    name = i;

    if (i == len) {
        return name;
    }

    if (s[i++] != '{') {
        return 0;
    }

    for ( ;; ) {
        if (i < len && s[i] == '}') {
            return i + 1 == len ? name : 0;
        }

        if (i >= len || !ngx_http_elaaoms_met_name_char(s[i], 1)) {
            return 0;
        }

        while (i < len && ngx_http_elaaoms_met_name_char(s[i], 0)) {
            i++;
        }

        if (i + 1 >= len || s[i] != '=' || s[i + 1] != '"') {
            return 0;
        }

        for (i += 2; i < len && s[i] != '"'; i++) {
            if (s[i] == '\n') {
                return 0;
            }
            if (s[i] == '\\') {
                if (i + 1 >= len
                    || (s[i + 1] != '\\' && s[i + 1] != '"'
                        && s[i + 1] != 'n'))
                {
                    return 0;
                }
                i++;
            }
        }

        if (i >= len) {
            return 0;
        }

        i++;

        if (i < len && s[i] == ',') {
            i++;
        }
    }
}


static ngx_int_t
ngx_http_elaaoms_met_number(const u_char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > 40) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-'
              || s[i] == 'e' || s[i] == 'E' || s[i] == '+'))
        {
            return 0;
        }
    }

    return 1;
}

/* is the series name (its first name bytes) family f's own? */
static ngx_int_t
ngx_http_elaaoms_met_of(ngx_str_t *series, size_t name, ngx_str_t *f,
    ngx_uint_t histogram)
{
    static const char  *parts[] = { "_bucket", "_sum", "_count" };
    size_t              i, len;

    if (name < f->len || ngx_strncmp(series->data, f->data, f->len) != 0) {
        return 0;
    }

    if (name == f->len) {
        return 1;
    }

    for (i = 0; histogram && i < 3; i++) {
        len = ngx_strlen(parts[i]);
        if (name == f->len + len
            && ngx_strncmp(series->data + f->len, parts[i], len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the worker's families: the meta names them, the fields are their series */
void
ngx_http_elaaoms_met_worker(ngx_http_elaaoms_met_out_t *o,
    ngx_http_elaaoms_met_ctx_t *ctx)
{
    size_t                        i, j, t, name;
    u_char                       *sp;
    ngx_uint_t                    histogram;
    ngx_http_elaaoms_met_pair_t  *fam, *se;

    for (i = 0; i < ctx->nmeta; i++) {
        fam = &ctx->meta[i];

        if (ngx_http_elaaoms_met_series_ok(fam->name.data, fam->name.len)
            != fam->name.len)
        {
            continue;
        }

        /* "<type> <help>" */
        sp = fam->value.data;
        for (t = 0; t < fam->value.len && sp[t] != ' '; t++) { /* void */ }

        if (!((t == 7 && ngx_strncmp(sp, "counter", 7) == 0)
              || (t == 5 && ngx_strncmp(sp, "gauge", 5) == 0)
              || (t == 9 && ngx_strncmp(sp, "histogram", 9) == 0)))
        {
            continue;
        }

        histogram = (t == 9);

        ngx_http_elaaoms_met_printf(o, "# HELP %V ", &fam->name);

        for (j = t + 1; j < fam->value.len && o->pos + 2 < o->last; j++) {
            /* one line, backslashes escaped */
            if (sp[j] == '\n') {
                *o->pos++ = ' ';

            } else if (sp[j] == '\\') {
                *o->pos++ = '\\';
                *o->pos++ = '\\';

            } else {
                *o->pos++ = sp[j];
            }
        }

        ngx_http_elaaoms_met_printf(o, "\n# TYPE %V %*s\n", &fam->name, t,
                                    sp);

        for (j = 0; j < ctx->nseries; j++) {
            se = &ctx->series[j];
            name = ngx_http_elaaoms_met_series_ok(se->name.data,
                                                  se->name.len);

            if (name == 0
                || !ngx_http_elaaoms_met_of(&se->name, name, &fam->name,
                                            histogram)
                || !ngx_http_elaaoms_met_number(se->value.data,
                                                se->value.len))
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(o, "%V %V\n", &se->name, &se->value);
        }
    }
}


/*
 * The heartbeat and queue part, rendered from the figures as one array:
 * {heartbeat age or -1, the number of workers, per worker its id and its
 * last beat's age, then per org: org, ready, processing, delayed, failed,
 * invalid, oldest ready job's age or -1}
 */
void
ngx_http_elaaoms_metrics_queues(ngx_http_request_t *r,
    ngx_http_elaaoms_met_ctx_t *ctx, redisReply *reply)
{
    size_t                      i, k, size, nw, first;
    redisReply                 *e;
    ngx_http_elaaoms_met_out_t  o;
    static const char          *states[] = {
        "ready", "processing", "delayed", "failed", "invalid"
    };

    ctx->up = 0;

    nw = (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 2
          && reply->element[1]->type == REDIS_REPLY_INTEGER
          && reply->element[1]->integer >= 0)
         ? (size_t) reply->element[1]->integer : 0;
    first = 2 + 2 * nw;

    if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= first
        && (reply->elements - first) % 7 == 0)
    {
        ctx->up = 1;
        size = 1024 + reply->elements * (ELAAOMS_ORG_MAX + 128);

        ctx->redis_text.data = ngx_pnalloc(r->pool, size);
        if (ctx->redis_text.data == NULL) {
            return;
        }

        o.pos = ctx->redis_text.data;
        o.last = o.pos + size;

        e = reply->element[0];
        if (e->type == REDIS_REPLY_INTEGER && e->integer >= 0) {
            ngx_http_elaaoms_met_printf(&o,
                "# HELP elaaoms_worker_heartbeat_age_seconds Seconds "
                "since the newest worker heartbeat.\n"
                "# TYPE elaaoms_worker_heartbeat_age_seconds gauge\n"
                "elaaoms_worker_heartbeat_age_seconds %L\n",
                (int64_t) e->integer);
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_worker_last_beat_age_seconds Seconds since "
            "each worker's last beat.\n"
            "# TYPE elaaoms_worker_last_beat_age_seconds gauge\n");

        for (i = 2; i < first; i += 2) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i + 1]->type != REDIS_REPLY_INTEGER
                || reply->element[i + 1]->integer < 0)
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(&o,
                "elaaoms_worker_last_beat_age_seconds{worker=\"");
            o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                        (u_char *) reply->element[i]->str,
                        reply->element[i]->len);
            ngx_http_elaaoms_met_printf(&o, "\"} %L\n",
                        (int64_t) reply->element[i + 1]->integer);
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_queue_jobs Extraction jobs by organization "
            "and list.\n# TYPE elaaoms_queue_jobs gauge\n");

        for (i = first; i + 6 < reply->elements; i += 7) {
            if (reply->element[i]->type != REDIS_REPLY_STRING) {
                continue;
            }

            for (k = 0; k < 5; k++) {
                ngx_http_elaaoms_met_printf(&o,
                                            "elaaoms_queue_jobs{org=\"");
                o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                            (u_char *) reply->element[i]->str,
                            reply->element[i]->len);
                ngx_http_elaaoms_met_printf(&o, "\",state=\"%s\"} %L\n",
                            states[k],
                            (int64_t) reply->element[i + 1 + k]->integer);
            }
        }

        ngx_http_elaaoms_met_printf(&o,
            "# HELP elaaoms_queue_oldest_job_age_seconds Age of the "
            "oldest job waiting in the organization's ready list.\n"
            "# TYPE elaaoms_queue_oldest_job_age_seconds gauge\n");

        for (i = first; i + 6 < reply->elements; i += 7) {
            if (reply->element[i]->type != REDIS_REPLY_STRING
                || reply->element[i + 6]->integer < 0)
            {
                continue;
            }

            ngx_http_elaaoms_met_printf(&o,
                "elaaoms_queue_oldest_job_age_seconds{org=\"");
            o.pos = ngx_http_elaaoms_met_escape(o.pos, o.last,
                        (u_char *) reply->element[i]->str,
                        reply->element[i]->len);
            ngx_http_elaaoms_met_printf(&o, "\"} %L\n",
                        (int64_t) reply->element[i + 6]->integer);
        }

        ctx->redis_text.len = o.pos - ctx->redis_text.data;

    } else {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "elaaoms: metrics: unexpected reply to the queue "
                      "script: %s",
                      reply->type == REDIS_REPLY_ERROR ? reply->str
                                                       : "not a list");
    }
}
