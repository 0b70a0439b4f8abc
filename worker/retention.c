/*
 * The retention sweep (see retention.h).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/durable_file.h"
#include "intake/ids.h"
#include "intake/intake.h"
#include "intake/job.h"
#include "intake/payload_erase.h"
#include "store/caller_erase.h"
#include "store/memory_delete.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "context/served_set_store.h"
#include "retention.h"
#include "worker_log.h"


/* the newest time that is too old for days; 0 days: nothing is too old */
static long long
elaaoms_retention_cutoff(const elaaoms_retention_req_t *req, int days)
{
    if (days <= 0) {
        return -1;
    }

    /* rounded: 86400 * (2 / 86400.0) is a hair under 2 */
    return req->now - llround((double) days * req->day_secs);
}


static void
elaaoms_retention_tick(const elaaoms_retention_req_t *req)
{
    if (req->tick) {
        req->tick(req->tick_data);
    }
}


/*
 * A transcript older than the cutoff goes only once its extraction
 * completed before the cutoff: the files first, then the Redis traces,
 * so that a crash in between leaves files a later sweep still finds.
 * 1 removed, 0 kept, -1 Redis failed.
 */
static int
elaaoms_retention_transcript(elaaoms_redis_t *rc,
    const elaaoms_retention_req_t *req, const char *org, const char *conv,
    long long cutoff)
{
    int          rv;
    char         key[ELAAOMS_KEY_MAX], err[256];
    redisReply  *r, *status, *at, *caller;

    if (elaaoms_key_conversation(key, sizeof(key), org, conv) < 0) {
        return 0;
    }

    r = elaaoms_redis_command(rc, "HMGET %s status completed_at caller", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    status = r->element[0];
    at = r->element[1];
    caller = r->element[2];

    if (status->type != REDIS_REPLY_STRING
        || strcmp(status->str, "extraction_completed") != 0
        || at->type != REDIS_REPLY_STRING
        || strtoll(at->str, NULL, 10) >= cutoff)
    {
        freeReplyObject(r);
        return 0;
    }

    rv = 1;

    if (elaaoms_payload_erase(req->payload_dir, org, conv, NULL, err,
                              sizeof(err)) != 0)
    {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "retention: %s", err);
        freeReplyObject(r);
        return 0;
    }

    if (elaaoms_conversation_erase(rc, NULL, org, conv, NULL, err,
                                   sizeof(err)) != 0)
    {
        rv = -1;

    } else if (caller->type == REDIS_REPLY_STRING && caller->len > 0) {
        if (elaaoms_key_conversation_index(key, sizeof(key), org,
                                           caller->str) >= 0)
        {
            redisReply  *s = elaaoms_redis_command(rc, "SREM %s %s", key, conv);

            if (s == NULL) {
                rv = -1;
            } else {
                freeReplyObject(s);
            }
        }
    }

    freeReplyObject(r);

    return rv;
}


/* 1 when name ends with suffix */
static int
elaaoms_retention_ends(const char *name, const char *suffix)
{
    size_t  n = strlen(name), s = strlen(suffix);

    return n > s && strcmp(name + n - s, suffix) == 0;
}


/* one "<org>/<conversation_id>/" directory; -1 when Redis failed */
static int
elaaoms_retention_conversation(elaaoms_redis_t *rc,
    const elaaoms_retention_req_t *req, const char *org, int orgfd,
    const char *conv, elaaoms_retention_counts_t *counts)
{
    int             fd, old_transcript, removed, n;
    DIR            *d;
    char            transcript[512], audio[512], failure[512];
    long long       payload_cut, audio_cut, tmp_cut;
    struct stat     st;
    struct dirent  *e;

    if (!elaaoms_conversation_id_valid_str(conv)
        || elaaoms_payload_file_name(transcript, sizeof(transcript), conv,
               elaaoms_payload_suffix("post_call_transcription")) < 0
        || elaaoms_payload_file_name(audio, sizeof(audio), conv,
               elaaoms_payload_suffix("post_call_audio")) < 0
        || elaaoms_payload_file_name(failure, sizeof(failure), conv,
               elaaoms_payload_suffix("call_initiation_failure")) < 0)
    {
        return 0;
    }

    /* a symlink planted below payload_dir is never followed */
    fd = openat(orgfd, conv, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                             | O_CLOEXEC);
    if (fd == -1) {
        return 0;
    }

    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return 0;
    }

    payload_cut = elaaoms_retention_cutoff(req, req->payload_days);
    audio_cut = elaaoms_retention_cutoff(req, req->audio_days);
    tmp_cut = elaaoms_retention_cutoff(req, 1);

    old_transcript = 0;
    removed = 0;

    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.'
            || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
            || !S_ISREG(st.st_mode))
        {
            continue;
        }

        if (strcmp(e->d_name, transcript) == 0) {
            old_transcript = (st.st_mtime < payload_cut);
            continue;
        }

        if (strcmp(e->d_name, audio) == 0) {
            if (st.st_mtime >= audio_cut) {
                continue;
            }
            counts->recordings++;

        } else if ((strcmp(e->d_name, failure) == 0
                    && st.st_mtime < payload_cut)
                   || (elaaoms_retention_ends(e->d_name, ".tmp")
                       && st.st_mtime < tmp_cut))
        {
            counts->other_files++;

        } else {
            continue;
        }

        if (unlinkat(dirfd(d), e->d_name, 0) != 0) {
            elaaoms_log(ELAAOMS_LOG_WARN, NULL, "retention: %s/%s/%s: %s",
                        org, conv, e->d_name, strerror(errno));
        }
        removed++;
    }

    closedir(d);

    n = 0;

    if (old_transcript) {
        n = elaaoms_retention_transcript(rc, req, org, conv, payload_cut);
        if (n == 1) {
            counts->transcripts++;
            return 0;
        }
    }

    /* an emptied directory goes; one with anything left fails: kept */
    if (removed) {
        (void) unlinkat(orgfd, conv, AT_REMOVEDIR);
    }

    return n < 0 ? -1 : 0;
}


static int
elaaoms_retention_payloads(elaaoms_redis_t *rc,
    const elaaoms_retention_req_t *req, elaaoms_retention_counts_t *counts)
{
    int             root, orgfd;
    DIR            *orgs, *convs;
    struct dirent  *org, *conv;

    if (req->payload_days <= 0 && req->audio_days <= 0) {
        return 0;
    }

    root = elaaoms_durable_open_dir(req->payload_dir, NULL, 0, NULL, 0);
    if (root == -1) {
        return 0;
    }

    orgs = fdopendir(root);
    if (orgs == NULL) {
        close(root);
        return 0;
    }

    while ((org = readdir(orgs)) != NULL) {
        if (org->d_name[0] == '.' || !elaaoms_job_org_valid(org->d_name)) {
            continue;
        }

        orgfd = openat(dirfd(orgs), org->d_name, O_RDONLY | O_DIRECTORY
                                                 | O_NOFOLLOW | O_CLOEXEC);
        if (orgfd == -1) {
            continue;
        }

        convs = fdopendir(orgfd);
        if (convs == NULL) {
            close(orgfd);
            continue;
        }

        while ((conv = readdir(convs)) != NULL) {
            if (conv->d_name[0] == '.') {
                continue;
            }

            if (elaaoms_retention_conversation(rc, req, org->d_name,
                                               dirfd(convs), conv->d_name,
                                               counts) != 0)
            {
                closedir(convs);
                closedir(orgs);
                return -1;
            }

            elaaoms_retention_tick(req);
        }

        closedir(convs);
    }

    closedir(orgs);

    return 0;
}


/* one caller's memories older than the cutoff; -1 when Redis failed */
static int
elaaoms_retention_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, long long cutoff, elaaoms_retention_counts_t *counts)
{
    int                          rv, n;
    char                         err[256], id[ELAAOMS_MEMORY_ID_MAX + 1];
    size_t                       i;
    int64_t                      seen;
    elaaoms_memory_list_t        list;
    elaaoms_memory_delete_cmd_t  cmd;

    if (elaaoms_memory_store_load(rc, org, caller, &list, err, sizeof(err))
        != 0)
    {
        return -1;
    }

    rv = 0;

    for (i = 0; i < list.n; i++) {
        seen = list.items[i].last_reinforced > list.items[i].created
               ? list.items[i].last_reinforced : list.items[i].created;

        if (seen >= cutoff || list.items[i].id.len >= sizeof(id)) {
            continue;
        }

        memcpy(id, list.items[i].id.data, list.items[i].id.len);
        id[list.items[i].id.len] = '\0';

        if (elaaoms_memory_delete_cmd(&cmd, org, caller, id) != 0) {
            continue;
        }

        n = elaaoms_memory_delete_run(rc, &cmd);
        if (n < 0) {
            rv = -1;
            break;
        }

        counts->memories += (n == 1);
    }

    elaaoms_memory_list_free(&list);

    return rv;
}


/*
 * the org's callers, a page at a time (SSCAN: no long command): their
 * memories past retention, their served sets past the audit's
 */
static int
elaaoms_retention_memories(elaaoms_redis_t *rc,
    const elaaoms_retention_req_t *req, const char *org,
    elaaoms_retention_counts_t *counts)
{
    int          rv;
    long         n;
    char         key[ELAAOMS_KEY_MAX], cursor[32];
    size_t       i;
    long long    cutoff, audit_cut;
    const char  *caller;
    redisReply  *r, *page;

    cutoff = elaaoms_retention_cutoff(req, req->memory_days);
    audit_cut = elaaoms_retention_cutoff(req, req->audit_days);

    if ((cutoff < 0 && audit_cut < 0)
        || elaaoms_key_org(key, sizeof(key), org, ELAAOMS_MEMORY_KEY_CALLERS)
           < 0)
    {
        return 0;
    }

    strcpy(cursor, "0");

    do {
        r = elaaoms_redis_command(rc, "SSCAN %s %s COUNT 100", key, cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || r->element[1]->type != REDIS_REPLY_ARRAY)
        {
            if (r) {
                freeReplyObject(r);
            }
            return -1;
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        page = r->element[1];
        rv = 0;

        for (i = 0; i < page->elements && rv == 0; i++) {
            if (page->element[i]->type != REDIS_REPLY_STRING) {
                continue;
            }

            caller = page->element[i]->str;

            if (cutoff >= 0) {
                rv = elaaoms_retention_caller(rc, org, caller, cutoff,
                                              counts);
            }

            /* served sets no audit entry still kept can name */
            if (rv == 0 && audit_cut >= 0) {
                n = elaaoms_served_sets_prune(rc, org, caller, audit_cut);
                if (n < 0) {
                    rv = -1;
                } else {
                    counts->served_sets += (size_t) n;
                }
            }

            elaaoms_retention_tick(req);
        }

        freeReplyObject(r);

        if (rv != 0) {
            return -1;
        }

    } while (strcmp(cursor, "0") != 0);

    return 0;
}


/* XTRIM by age: a stream id is the entry's time in milliseconds */
static int
elaaoms_retention_audit(elaaoms_redis_t *rc, const elaaoms_retention_req_t *req,
    const char *org, elaaoms_retention_counts_t *counts)
{
    char         key[ELAAOMS_KEY_MAX];
    long long    cutoff;
    redisReply  *r;

    cutoff = elaaoms_retention_cutoff(req, req->audit_days);
    if (cutoff < 0
        || elaaoms_key_org(key, sizeof(key), org, ELAAOMS_KEY_AUDIT) < 0)
    {
        return 0;
    }

    r = elaaoms_redis_command(rc, "XTRIM %s MINID %lld", key, cutoff * 1000);
    if (r == NULL) {
        return -1;
    }

    if (r->type == REDIS_REPLY_INTEGER) {
        counts->audit += (size_t) r->integer;
    }

    freeReplyObject(r);

    return 0;
}


int
elaaoms_retention_sweep(elaaoms_redis_t *rc, const elaaoms_retention_req_t *req,
    elaaoms_retention_counts_t *counts)
{
    size_t       i;
    const char  *org;
    redisReply  *orgs;

    memset(counts, 0, sizeof(*counts));

    if (elaaoms_retention_payloads(rc, req, counts) != 0) {
        return -1;
    }

    orgs = elaaoms_redis_command(rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);
    if (orgs == NULL || orgs->type != REDIS_REPLY_ARRAY) {
        if (orgs) {
            freeReplyObject(orgs);
        }
        return -1;
    }

    for (i = 0; i < orgs->elements; i++) {
        if (orgs->element[i]->type != REDIS_REPLY_STRING) {
            continue;
        }

        org = orgs->element[i]->str;
        if (!elaaoms_job_org_valid(org)) {
            continue;
        }

        if (elaaoms_retention_memories(rc, req, org, counts) != 0
            || elaaoms_retention_audit(rc, req, org, counts) != 0)
        {
            freeReplyObject(orgs);
            return -1;
        }
    }

    freeReplyObject(orgs);

    return 0;
}
