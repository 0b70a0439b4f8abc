/*
 * Extraction job JSON: validation, yajl_gen encoding, yajl_tree decoding.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "intake/caller_id.h"
#include "intake/ids.h"
#include "intake/job.h"
#include "util/yajl_util.h"
#include "util/json_parse.h"
#include "intake/postcall.h"


/* a job is flat: one object of scalars */
#define ELAAOMS_JOB_MAX_DEPTH  4


static const char  *elaaoms_job_keys[] = {
    "org", "type", "conversation_id", "agent_id", "caller", "payload_path",
    "request_id", "attempt", "enqueued_at", NULL
};


static int
elaaoms_job_invalid(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s", msg);
    }

    return -1;
}


int
elaaoms_job_org_valid(const char *s)
{
    return elaaoms_org_valid(s);
}


static int
elaaoms_job_path_valid(const char *p)
{
    size_t       i, len, seg;
    const char  *s;

    if (p == NULL || p[0] != '/') {
        return 0;
    }

    len = strnlen(p, ELAAOMS_JOB_PATH_MAX + 1);
    if (len > ELAAOMS_JOB_PATH_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) p[i] < 0x20 || p[i] == 0x7f) {
            return 0;
        }
    }

    /* walk the components: "." and ".." could leave the spool */
    for (s = p; *s != '\0'; s += seg) {
        while (*s == '/') {
            s++;
        }

        seg = strcspn(s, "/");

        if ((seg == 1 && s[0] == '.')
            || (seg == 2 && s[0] == '.' && s[1] == '.'))
        {
            return 0;
        }
    }

    return 1;
}


static int
elaaoms_job_request_id_valid(const char *s)
{
    size_t  i, len;

    if (s == NULL) {
        return 0;
    }

    len = strnlen(s, ELAAOMS_JOB_REQUEST_ID_MAX + 1);
    if (len == 0 || len > ELAAOMS_JOB_REQUEST_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (s[i] < 0x21 || s[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


int
elaaoms_job_validate(const elaaoms_job_t *job, char *err, size_t errlen)
{
    elaaoms_postcall_type_t  type;

    if (job == NULL) {
        return elaaoms_job_invalid(err, errlen, "no job");
    }

    if (!elaaoms_job_org_valid(job->org)) {
        return elaaoms_job_invalid(err, errlen,
                                   "org must be 1-64 of [A-Za-z0-9_-]");
    }

    type = elaaoms_postcall_type_parse(job->type);
    if (type == ELAAOMS_POSTCALL_NONE) {
        return elaaoms_job_invalid(err, errlen,
                                   "type is not a post-call type");
    }

    if (!elaaoms_conversation_id_valid_str(job->conversation_id)) {
        return elaaoms_job_invalid(err, errlen,
                                   "conversation_id must be 1-128 of "
                                   "[A-Za-z0-9_-]");
    }

    if (job->agent_id == NULL
        ? type != ELAAOMS_POSTCALL_AUDIO
        : !elaaoms_conversation_id_valid_str(job->agent_id))
    {
        return elaaoms_job_invalid(err, errlen,
                                   "agent_id must be 1-128 of [A-Za-z0-9_-]");
    }

    if (job->caller != NULL && job->caller[0] != '\0'
        && !elaaoms_caller_key_valid(job->caller))
    {
        return elaaoms_job_invalid(err, errlen,
                                   "caller is not a normalized caller key");
    }

    if (!elaaoms_job_path_valid(job->payload_path)) {
        return elaaoms_job_invalid(err, errlen,
                                   "payload_path must be a clean absolute "
                                   "path");
    }

    if (!elaaoms_job_request_id_valid(job->request_id)) {
        return elaaoms_job_invalid(err, errlen,
                                   "request_id must be 1-128 visible ASCII "
                                   "characters");
    }

    if (job->attempt > ELAAOMS_JOB_MAX_ATTEMPT) {
        return elaaoms_job_invalid(err, errlen, "attempt out of range");
    }

    if (job->enqueued_at < 0) {
        return elaaoms_job_invalid(err, errlen, "enqueued_at is negative");
    }

    return 0;
}


static int
elaaoms_job_gen_str(yajl_gen g, const char *key, const char *value)
{
    if (yajl_gen_string(g, (const unsigned char *) key, strlen(key))
        != yajl_gen_status_ok)
    {
        return -1;
    }

    if (value == NULL) {
        return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
    }

    return yajl_gen_string(g, (const unsigned char *) value, strlen(value))
           == yajl_gen_status_ok ? 0 : -1;
}


static int
elaaoms_job_gen_int(yajl_gen g, const char *key, long long value)
{
    if (yajl_gen_string(g, (const unsigned char *) key, strlen(key))
        != yajl_gen_status_ok)
    {
        return -1;
    }

    return yajl_gen_integer(g, value) == yajl_gen_status_ok ? 0 : -1;
}


int
elaaoms_job_encode(const elaaoms_job_t *job, char **out, size_t *len)
{
    int       rc;
    yajl_gen  g;

    *out = NULL;
    *len = 0;

    if (elaaoms_job_validate(job, NULL, 0) != 0) {
        return -1;
    }

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return -1;
    }

    yajl_gen_config(g, yajl_gen_validate_utf8, 1);

    rc = (yajl_gen_map_open(g) == yajl_gen_status_ok) ? 0 : -1;

    rc |= elaaoms_job_gen_str(g, "org", job->org);
    rc |= elaaoms_job_gen_str(g, "type", job->type);
    rc |= elaaoms_job_gen_str(g, "conversation_id", job->conversation_id);
    rc |= elaaoms_job_gen_str(g, "agent_id", job->agent_id);
    rc |= elaaoms_job_gen_str(g, "caller",
                              (job->caller && job->caller[0])
                              ? job->caller : NULL);
    rc |= elaaoms_job_gen_str(g, "payload_path", job->payload_path);
    rc |= elaaoms_job_gen_str(g, "request_id", job->request_id);
    rc |= elaaoms_job_gen_int(g, "attempt", (long long) job->attempt);
    rc |= elaaoms_job_gen_int(g, "enqueued_at", (long long) job->enqueued_at);

    if (rc != 0 || yajl_gen_map_close(g) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return -1;
    }

    /* the generator owns its buffer: hand the caller its own copy */
    *out = elaaoms_yajl_gen_dup(g, len);
    yajl_gen_free(g);

    return *out ? 0 : -1;
}


/* a string, null (-> NULL) allowed or not; -1 for anything else */
static int
elaaoms_job_get_str(yajl_val root, const char *key, int nullable,
    const char **out)
{
    yajl_val  v;

    v = elaaoms_json_get(root, key);

    if (YAJL_IS_STRING(v)) {
        *out = v->u.string;
        return 0;
    }

    if (nullable && (v == NULL || YAJL_IS_NULL(v))) {
        *out = NULL;
        return 0;
    }

    return -1;
}


static int
elaaoms_job_get_int(yajl_val root, const char *key, int64_t *out)
{
    yajl_val  v;

    /* numbers only: the writer never quotes them */
    v = elaaoms_json_get(root, key);

    return YAJL_IS_NUMBER(v) ? elaaoms_json_unsigned(v, out) : -1;
}


int
elaaoms_job_decode(const char *buf, size_t len, elaaoms_job_t *job,
    char *err, size_t errlen)
{
    size_t    i;
    int64_t   attempt;
    yajl_val  root;

    memset(job, 0, sizeof(*job));

    root = elaaoms_json_parse(buf, len, ELAAOMS_JOB_MAX_DEPTH, NULL, err,
                              errlen);
    if (root == NULL) {
        return -1;
    }

    job->tree = root;

    if (!YAJL_IS_OBJECT(root)) {
        elaaoms_job_invalid(err, errlen, "job is not a JSON object");
        goto failed;
    }

    for (i = 0; elaaoms_job_keys[i] != NULL; i++) {
        if (!elaaoms_json_key_unique(root, elaaoms_job_keys[i])) {
            elaaoms_job_invalid(err, errlen, "duplicate key in job");
            goto failed;
        }
    }

    if (elaaoms_job_get_str(root, "org", 0, &job->org) != 0
        || elaaoms_job_get_str(root, "type", 0, &job->type) != 0
        || elaaoms_job_get_str(root, "conversation_id", 0,
                               &job->conversation_id) != 0
        || elaaoms_job_get_str(root, "agent_id", 1, &job->agent_id) != 0
        || elaaoms_job_get_str(root, "caller", 1, &job->caller) != 0
        || elaaoms_job_get_str(root, "payload_path", 0,
                               &job->payload_path) != 0
        || elaaoms_job_get_str(root, "request_id", 0, &job->request_id) != 0)
    {
        elaaoms_job_invalid(err, errlen, "job field missing or not a string");
        goto failed;
    }

    if (elaaoms_job_get_int(root, "attempt", &attempt) != 0
        || attempt > ELAAOMS_JOB_MAX_ATTEMPT
        || elaaoms_job_get_int(root, "enqueued_at", &job->enqueued_at) != 0)
    {
        elaaoms_job_invalid(err, errlen,
                            "attempt or enqueued_at missing or invalid");
        goto failed;
    }

    job->attempt = (unsigned) attempt;

    /* an empty caller is never written: null is the anonymous form */
    if (job->caller != NULL && job->caller[0] == '\0') {
        elaaoms_job_invalid(err, errlen, "caller is empty");
        goto failed;
    }

    if (elaaoms_job_validate(job, err, errlen) != 0) {
        goto failed;
    }

    return 0;

failed:

    elaaoms_job_free(job);

    return -1;
}


void
elaaoms_job_free(elaaoms_job_t *job)
{
    if (job == NULL) {
        return;
    }

    if (job->tree != NULL) {
        yajl_tree_free(job->tree);
    }

    memset(job, 0, sizeof(*job));
}
