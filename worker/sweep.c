/*
 * Queues transcriptions left pending on disk (see sweep.h).
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake/intake.h"
#include "intake/job.h"
#include "intake/postcall.h"
#include "sweep.h"
#include "worker_io.h"
#include "worker_log.h"


/* 1 queued, 0 nothing to do, -1 Redis failed */
static int
elaaoms_sweep_one(redisContext *rc, const char *marker_path)
{
    int             rv;
    char                   *job_text, *payload, err[256];
    size_t                  job_len, payload_len;
    redisReply             *reply;
    elaaoms_job_t           job;
    elaaoms_intake_cmd_t    cmd;
    elaaoms_postcall_t      pc;
    long long               event_ts;

    job_text = elaaoms_worker_read_file(marker_path, &job_len);
    if (job_text == NULL) {
        return 0;
    }

    if (elaaoms_job_decode(job_text, job_len, &job, err, sizeof(err)) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "pending marker %s is not a "
                    "valid job: %s", marker_path, err);
        free(job_text);
        return 0;
    }

    payload = elaaoms_worker_read_file(job.payload_path, &payload_len);
    if (payload == NULL) {
        elaaoms_log(ELAAOMS_LOG_ERROR, job.request_id, "payload %s of "
                    "pending job unreadable: %s", job.payload_path,
                    strerror(errno));
        elaaoms_job_free(&job);
        free(job_text);
        return 0;
    }

    rv = -1;

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

    if (elaaoms_intake_cmd(&cmd, job.org, job.type, job.conversation_id,
                           payload, payload_len, job_text, job_len,
                           job.caller, job.agent_id, job.request_id,
                           (long long) time(NULL), event_ts) != 0)
    {
        goto done;
    }

    reply = redisCommandArgv(rc, ELAAOMS_INTAKE_ARGC, cmd.argv, cmd.argvlen);
    if (reply == NULL) {
        goto done;
    }

    if (reply->type == REDIS_REPLY_INTEGER) {
        if (unlink(marker_path) != 0) {
            elaaoms_log(ELAAOMS_LOG_WARN, job.request_id, "unlink %s: %s",
                        marker_path, strerror(errno));
        }

        elaaoms_log(ELAAOMS_LOG_INFO, job.request_id,
                    "pending job of %s/%s %s", job.org, job.conversation_id,
                    reply->integer > 0 ? "queued"
                    : reply->integer == 0 ? "was already queued"
                    : "dropped: a newer delivery is stored");
        rv = reply->integer > 0 ? 1 : 0;

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


static int
elaaoms_sweep_is_dir(const char *path)
{
    struct stat  st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}


int
elaaoms_sweep_pending(redisContext *rc, const char *payload_dir)
{
    int             n, queued;
    DIR            *orgs, *convs;
    char            org_path[2048], conv_path[4096], marker[4096 + 300];
    struct dirent  *org, *conv;

    orgs = opendir(payload_dir);
    if (orgs == NULL) {
        return 0;
    }

    queued = 0;

    while ((org = readdir(orgs)) != NULL) {
        if (org->d_name[0] == '.') {
            continue;
        }

        snprintf(org_path, sizeof(org_path), "%s/%s", payload_dir,
                 org->d_name);

        convs = opendir(org_path);
        if (convs == NULL) {
            continue;
        }

        while ((conv = readdir(convs)) != NULL) {
            if (conv->d_name[0] == '.') {
                continue;
            }

            snprintf(conv_path, sizeof(conv_path), "%s/%s", org_path,
                     conv->d_name);
            snprintf(marker, sizeof(marker), "%s/%s_transcription.pending",
                     conv_path, conv->d_name);

            if (!elaaoms_sweep_is_dir(conv_path) || access(marker, F_OK) != 0)
            {
                continue;
            }

            n = elaaoms_sweep_one(rc, marker);
            if (n < 0) {
                closedir(convs);
                closedir(orgs);
                return -1;
            }

            queued += n;
        }

        closedir(convs);
    }

    closedir(orgs);

    return queued;
}
