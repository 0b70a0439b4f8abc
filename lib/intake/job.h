/*
 * Extraction job: the message the nginx module queues for the worker
 * once a post-call payload is safely on disk.
 *
 *   {"org":"acme","type":"post_call_transcription",
 *    "conversation_id":"conv_1","agent_id":"agent_1",
 *    "caller":"+14155550123",            (null: anonymous)
 *    "payload_path":"/var/lib/elaaoms/acme/conv_1.json",
 *    "request_id":"5f2c...","attempt":0,"enqueued_at":1763400000}
 *
 * Both directions apply the same validation (elaaoms_job_validate), so
 * a job the module wrote is one the worker accepts, and a forged job in
 * the queue cannot smuggle a path or an id the module would never write:
 *   org              [A-Za-z0-9_-]{1,64}
 *   type             a post-call type name (postcall.h)
 *   conversation_id  [A-Za-z0-9_-]{1,128}
 *   agent_id         the same; may be null only for post_call_audio
 *   caller           null or a key from caller_id.h
 *   payload_path     absolute, at most 4095 bytes, no "." or ".."
 *                    components, no control characters
 *   request_id       1..128 visible ASCII characters
 *   attempt          0..1000
 *   enqueued_at      unix seconds, >= 0
 * Unknown fields are ignored when decoding (newer writers); duplicate
 * known fields are refused.
 */

#ifndef ELAAOMS_JOB_H
#define ELAAOMS_JOB_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#define ELAAOMS_JOB_ORG_MAX          ELAAOMS_ORG_MAX
#define ELAAOMS_JOB_REQUEST_ID_MAX   128
#define ELAAOMS_JOB_PATH_MAX         4095
#define ELAAOMS_JOB_MAX_ATTEMPT      1000

typedef struct {
    const char  *org;
    const char  *type;
    const char  *conversation_id;
    const char  *agent_id;          /* NULL: null */
    const char  *caller;            /* NULL or "": anonymous */
    const char  *payload_path;
    const char  *request_id;
    unsigned     attempt;
    int64_t      enqueued_at;
    /* set by elaaoms_job_decode(): owns the strings above */
    yajl_val     tree;
} elaaoms_job_t;

/* 0 when the job is valid, -1 and a message naming the field otherwise */
int elaaoms_job_validate(const elaaoms_job_t *job, char *err, size_t errlen);

/*
 * Validates and serializes job.  *out is malloc()ed and NUL-terminated
 * (*len excludes the NUL); the caller frees it with free().  0 or -1
 * (invalid job, out of memory; *out is then NULL).  job->tree is ignored.
 */
int elaaoms_job_encode(const elaaoms_job_t *job, char **out, size_t *len);

/*
 * Parses and validates buf[0..len).  On success job's strings point into
 * job->tree: release it with elaaoms_job_free().  On failure job holds
 * nothing and err (may be NULL) says why.  0 or -1.
 */
int elaaoms_job_decode(const char *buf, size_t len, elaaoms_job_t *job,
    char *err, size_t errlen);

/* releases a decoded job's tree and clears it; NULL is fine */
void elaaoms_job_free(elaaoms_job_t *job);

/* 1 when s is a valid org name: [A-Za-z0-9_-]{1,64} */
int elaaoms_job_org_valid(const char *s);

#endif /* ELAAOMS_JOB_H */
