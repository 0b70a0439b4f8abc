/*
 * Queues transcriptions left pending on disk (see sweep.h).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake/caller_id.h"
#include "intake/durable_file.h"
#include "intake/intake.h"
#include "intake/job.h"
#include "intake/payload_erase.h"
#include "intake/postcall.h"
#include "context/context_store.h"
#include "store/caller_erase.h"
#include "store/redis_keys.h"
#include "store/worker_metrics.h"
#include "openmemory_mirror.h"
#include "sweep.h"
#include "worker_io.h"
#include "worker_log.h"


/* the intake script's answer (intake.h), or SWEEP_NOTHING / SWEEP_FAILED */
static int
elaaoms_sweep_one(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *conv, int marker_fd)
{
    int                     rv;
    char                   *job_text, *payload, err[256];
    size_t                  job_len, payload_len;
    redisReply             *reply;
    elaaoms_job_t           job;
    elaaoms_intake_cmd_t    cmd;
    elaaoms_intake_req_t    req;
    elaaoms_postcall_t      pc;
    long long               event_ts;
    char                    sub[512], name[512];

    job_text = elaaoms_worker_read_fd(marker_fd, &job_len);
    if (job_text == NULL) {
        return 0;
    }

    if (elaaoms_job_decode(job_text, job_len, &job, err, sizeof(err)) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "pending marker of %s/%s is "
                    "not a valid job: %s", org, conv, err);
        free(job_text);
        return ELAAOMS_SWEEP_NOTHING;
    }

    /* the marker's own payload, nothing else */
    if (strcmp(job.org, org) != 0 || strcmp(job.conversation_id, conv) != 0)
    {
        elaaoms_log(ELAAOMS_LOG_ERROR, job.request_id, "pending marker of "
                    "%s/%s names another conversation", org, conv);
        elaaoms_job_free(&job);
        free(job_text);
        return ELAAOMS_SWEEP_NOTHING;
    }

    payload = elaaoms_worker_read_payload(payload_dir, &job, &payload_len,
                                          err, sizeof(err));
    if (payload == NULL) {
        elaaoms_log(ELAAOMS_LOG_ERROR, job.request_id, "payload of pending "
                    "job %s/%s unreadable: %s", org, conv, err);
        elaaoms_job_free(&job);
        free(job_text);
        return ELAAOMS_SWEEP_NOTHING;
    }

    rv = ELAAOMS_SWEEP_FAILED;

    /*
     * the payload's event_timestamp is kept as nginx would have (unknown
     * when it no longer parses: then neither checked nor kept)
     */
    event_ts = -1;

    if (elaaoms_postcall_parse(payload, payload_len, &pc, err, sizeof(err))
        == ELAAOMS_POSTCALL_OK)
    {
        event_ts = pc.event_timestamp;
    }

    elaaoms_postcall_free(&pc);

    req = (elaaoms_intake_req_t) {
        .org = job.org, .type_name = job.type,
        .conversation_id = job.conversation_id,
        .payload = payload, .payload_len = payload_len,
        .job_json = job_text, .job_len = job_len,
        .caller = job.caller, .agent_id = job.agent_id,
        .request_id = job.request_id,
        .now = (long long) time(NULL), .event_ts = event_ts
    };

    if (elaaoms_intake_cmd(&cmd, &req) != 0) {
        goto done;
    }

    /* the org registry first (lib/intake/intake.h) */
    reply = elaaoms_redis_command_argv(rc, 3, cmd.orgs_argv, cmd.orgs_argvlen);
    if (reply == NULL) {
        goto done;
    }
    freeReplyObject(reply);

    reply = elaaoms_redis_command_argv(rc, ELAAOMS_INTAKE_ARGC, cmd.argv,
                                       cmd.argvlen);
    if (reply == NULL) {
        goto done;
    }

    if (reply->type == REDIS_REPLY_INTEGER) {
        if (elaaoms_payload_sub_path(sub, sizeof(sub), org, conv) < 0
            || elaaoms_pending_file_name(name, sizeof(name), conv) < 0
            || elaaoms_durable_unlink(payload_dir, sub, name, err,
                                      sizeof(err)) != 0)
        {
            elaaoms_log(ELAAOMS_LOG_WARN, job.request_id, "pending marker "
                        "of %s/%s not removed: %s", org, conv, err);
        }

        elaaoms_log(ELAAOMS_LOG_INFO, job.request_id,
                    "pending job of %s/%s %s", job.org, job.conversation_id,
                    reply->integer > 0 ? "queued"
                    : reply->integer == 0 ? "was already queued"
                    : reply->integer == ELAAOMS_INTAKE_FORGOTTEN
                    ? "dropped: the caller was erased"
                    : "dropped: a newer delivery is stored");
        rv = (int) reply->integer;

        /* an erased caller's payload goes, as nginx does it */
        if (reply->integer == ELAAOMS_INTAKE_FORGOTTEN
            && elaaoms_payload_erase(payload_dir, org, conv, NULL, err,
                                     sizeof(err)) != 0)
        {
            elaaoms_log(ELAAOMS_LOG_WARN, job.request_id, "%s", err);
        }

    } else {
        elaaoms_log(ELAAOMS_LOG_ERROR, job.request_id, "intake script: %s",
                    reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
    }

    freeReplyObject(reply);

done:

    free(payload);
    elaaoms_job_free(&job);
    free(job_text);

    return rv;
}


/* the entries of a directory opened below payload_dir (fd is taken) */
static DIR *
elaaoms_sweep_opendir(int parent, const char *name)
{
    int   fd;
    DIR  *d;

    /* a symlink planted below payload_dir is never followed */
    fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                              | O_CLOEXEC);
    if (fd == -1) {
        return NULL;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
    }

    return d;
}


/* payloads nginx wrote while Redis was away, queued by the sweep: /metrics */
static void
elaaoms_sweep_count(elaaoms_redis_t *rc, int queued)
{
    int          k;
    redisReply  *r;

    k = elaaoms_metrics_meta(rc);
    k += elaaoms_metrics_add(rc, "elaaoms_payloads_swept_total", NULL,
                             (double) queued);

    while (k-- > 0) {
        if (elaaoms_redis_get_reply(rc, (void **) &r) != REDIS_OK) {
            return;
        }
        freeReplyObject(r);
    }
}


int
elaaoms_sweep_pending(elaaoms_redis_t *rc, const char *payload_dir)
{
    int             n, queued, root, marker_fd;
    DIR            *orgs, *convs;
    char            marker[512];
    struct dirent  *org, *conv;

    root = elaaoms_durable_open_dir(payload_dir, NULL, 0, NULL, 0);
    if (root == -1) {
        return 0;
    }

    orgs = fdopendir(root);
    if (orgs == NULL) {
        close(root);
        return 0;
    }

    queued = 0;

    while ((org = readdir(orgs)) != NULL) {
        if (org->d_name[0] == '.' || !elaaoms_job_org_valid(org->d_name)) {
            continue;
        }

        convs = elaaoms_sweep_opendir(dirfd(orgs), org->d_name);
        if (convs == NULL) {
            continue;
        }

        while ((conv = readdir(convs)) != NULL) {
            if (conv->d_name[0] == '.'
                || elaaoms_pending_file_name(marker, sizeof(marker),
                                             conv->d_name) < 0)
            {
                continue;
            }

            marker_fd = -1;

            {
                int  cdir = openat(dirfd(convs), conv->d_name,
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                                   | O_CLOEXEC);

                if (cdir != -1) {
                    marker_fd = openat(cdir, marker, O_RDONLY | O_NOFOLLOW
                                                     | O_NONBLOCK
                                                     | O_CLOEXEC);
                    close(cdir);
                }
            }

            if (marker_fd == -1) {
                continue;
            }

            n = elaaoms_sweep_one(rc, payload_dir, org->d_name, conv->d_name,
                                  marker_fd);
            if (n == ELAAOMS_SWEEP_FAILED) {
                closedir(convs);
                closedir(orgs);
                return -1;
            }

            queued += (n == 1);
        }

        closedir(convs);
    }

    closedir(orgs);

    if (queued > 0) {
        elaaoms_sweep_count(rc, queued);
    }

    return queued;
}


int
elaaoms_sweep_conversation(elaaoms_redis_t *rc, const char *payload_dir,
    const char *org, const char *conversation_id)
{
    int   fd;
    char  sub[512], name[512];

    if (elaaoms_payload_sub_path(sub, sizeof(sub), org, conversation_id) < 0
        || elaaoms_pending_file_name(name, sizeof(name), conversation_id)
           < 0)
    {
        return ELAAOMS_SWEEP_NOTHING;
    }

    fd = elaaoms_durable_open_file(payload_dir, sub, name, NULL, 0);
    if (fd == -1) {
        return ELAAOMS_SWEEP_NOTHING;
    }

    return elaaoms_sweep_one(rc, payload_dir, org, conversation_id, fd);
}


/* one caller of a "jobs:forget" list: erased; 0 or -1 (kept, for later) */
static int
elaaoms_sweep_erase(elaaoms_redis_t *rc, const elaaoms_worker_config_t *cf,
    const char *org, const char *caller)
{
    char                    err[256];
    elaaoms_erase_counts_t  c;

    /* the mirrored copies first: their ids go with the caller's keys */
    if (elaaoms_om_erase_caller(cf, rc, org, caller) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "erasure in %s failed (tried "
                    "again later): the OpenMemory copies not read", org);
        return -1;
    }

    if (elaaoms_caller_erase(rc, cf->payload_dir, org, caller,
                             ELAAOMS_TOMBSTONE_TTL, &c, err, sizeof(err))
        != 0)
    {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "erasure in %s failed (tried "
                    "again later): %s", org, err);
        return -1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "caller of %s erased: %zu keys, "
                "%zu conversations, %zu jobs, %zu files, %zu audit entries",
                org, c.keys, c.conversations, c.jobs, c.files, c.audit);
    return 0;
}


/* one caller of a "jobs:refresh" list: contexts rebuilt; 0 or -1 */
static int
elaaoms_sweep_refresh(elaaoms_redis_t *rc, const elaaoms_worker_config_t *cf,
    const char *org, const char *caller)
{
    char                             err[256];
    elaaoms_context_refresh_req_t    req;
    elaaoms_context_refresh_stats_t  stats;

    /* an erased caller gets no context back */
    if (elaaoms_caller_forgotten(rc, org, caller) != 0) {
        return 0;
    }

    memset(&req, 0, sizeof(req));
    req.org = org;
    req.caller = caller;

    /* a memory deleted: its OpenMemory copy too */
    if (elaaoms_om_reconcile_caller(cf, rc, org, caller) != 0) {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "openmemory of %s: copies of "
                    "deleted memories not read", org);
    }

    if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err)) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "context refresh in %s failed "
                    "(tried again later): %s", org, err);
        return -1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "contexts of a caller of %s rebuilt "
                "after a memory was deleted: %zu", org, stats.written);
    return 0;
}


int
elaaoms_sweep_each_org(elaaoms_redis_t *rc, elaaoms_sweep_org_pt handler,
    void *data)
{
    int          n, rv;
    size_t       i;
    redisReply  *orgs;

    orgs = elaaoms_redis_command(rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);
    if (orgs == NULL || orgs->type != REDIS_REPLY_ARRAY) {
        if (orgs) {
            freeReplyObject(orgs);
        }
        return -1;
    }

    n = 0;

    for (i = 0; i < orgs->elements; i++) {
        if (orgs->element[i]->type != REDIS_REPLY_STRING
            || !elaaoms_job_org_valid(orgs->element[i]->str))
        {
            continue;
        }

        rv = handler(rc, orgs->element[i]->str, data);
        if (rv < 0) {
            n = -1;
            break;
        }

        n += rv;
    }

    freeReplyObject(orgs);
    return n;
}


typedef int (*elaaoms_sweep_caller_pt)(elaaoms_redis_t *rc,
    const elaaoms_worker_config_t *cf, const char *org, const char *caller);

typedef struct {
    const elaaoms_worker_config_t  *cf;
    const char                     *list;
    elaaoms_sweep_caller_pt         handle;
} elaaoms_sweep_list_t;


/* the callers nginx's admin location queued on one org's list */
static int
elaaoms_sweep_callers(elaaoms_redis_t *rc, const char *org, void *data)
{
    int                    n;
    char                   key[ELAAOMS_KEY_MAX];
    redisReply            *r;
    elaaoms_sweep_list_t  *l = data;

    if (elaaoms_key_jobs(key, sizeof(key), org, l->list, NULL) < 0) {
        return 0;
    }

    n = 0;

    for ( ;; ) {
        /* read, act, then remove: a crash in between acts again */
        r = elaaoms_redis_command(rc, "LINDEX %s -1", key);
        if (r == NULL) {
            return -1;
        }

        if (r->type != REDIS_REPLY_STRING) {
            freeReplyObject(r);
            break;
        }

        if (!elaaoms_caller_key_valid(r->str)) {
            elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "%s queue of %s: not "
                        "a caller, dropped", l->list, org);

        } else if (l->handle(rc, l->cf, org, r->str) != 0) {
            freeReplyObject(r);
            break;

        } else {
            n++;
        }

        freeReplyObject(elaaoms_redis_command(rc, "LREM %s -1 %b", key, r->str,
                                              r->len));
        freeReplyObject(r);
    }

    return n;
}


int
elaaoms_sweep_admin(elaaoms_redis_t *rc, const elaaoms_worker_config_t *cf)
{
    elaaoms_sweep_list_t  forget = { cf, ELAAOMS_JOBS_FORGET,
                                     elaaoms_sweep_erase };
    elaaoms_sweep_list_t  refresh = { cf, ELAAOMS_JOBS_REFRESH,
                                      elaaoms_sweep_refresh };

    if (elaaoms_sweep_each_org(rc, elaaoms_sweep_callers, &forget) < 0
        || elaaoms_sweep_each_org(rc, elaaoms_sweep_callers, &refresh) < 0)
    {
        return -1;
    }

    return 0;
}
