/*
 * Post-call intake, shared by the nginx module (which takes a webhook) and
 * the worker (which sweeps payloads left pending while Redis was down):
 * where a payload is stored, and the one atomic Redis step that records it
 * and queues its extraction job.
 *
 * Files:   <payload_dir>/<org>/<conversation_id>/<conversation_id><suffix>
 *          suffix "_transcription.json", "_audio.mp3" or "_failure.json";
 *          "<conversation_id>_transcription.pending" holds the job of a
 *          transcription that is saved but not yet queued.
 * Redis:   elaaoms:{<org>}:intake:<type>:<conversation_id>  sha256 of the payload
 *          elaaoms:{<org>}:conversation:<conversation_id>   hash: status,
 *                                                         event_ts:<type>, ...
 *          elaaoms:{<org>}:jobs:ready                       list of job JSON
 *          elaaoms:orgs                set: orgs with jobs (SADD before)
 */

#ifndef ELAAOMS_INTAKE_H
#define ELAAOMS_INTAKE_H

#include <stddef.h>

#include "intake/event_order.h"

#define ELAAOMS_SHA256_HEX_LEN  64

/* how long an intake marker remembers a payload (ElevenLabs retries for
 * about 40 minutes; a week covers manual redeliveries) */
#define ELAAOMS_INTAKE_MARKER_TTL  (7 * 24 * 3600)

/*
 * KEYS[1] intake marker, KEYS[2] conversation hash, KEYS[3] ready queue,
 * KEYS[4] the caller's tombstone, KEYS[5] the caller's conversation index,
 * KEYS[6] the org's recent conversations (redis_keys.h: all in the org's
 * slot); ARGV[1] payload sha256,
 * ARGV[2] job JSON,
 * ARGV[3] marker TTL, ARGV[4] caller ("" anonymous), ARGV[5] agent id,
 * ARGV[6] now (unix), ARGV[7] request id, ARGV[8] the
 * conversation hash's event_ts field of the type (event_order.h), ARGV[9]
 * the payload's event_timestamp ("" unknown: neither checked nor kept),
 * ARGV[10] the conversation id, ARGV[11] how many recent conversations
 * the org keeps.  The org registry (elaaoms:orgs, global) is not the
 * script's: elaaoms_intake_cmd() gives its SADD, to send before.
 * Returns 1 when queued, 0 when this exact payload was queued before, -1
 * when a newer event of the type is stored (nothing changed), 2 when the
 * caller was erased (nothing changed: the caller of the script deletes
 * the payload file and answers as if it were stored).
 */
extern const char  elaaoms_intake_script[];

#include "store/redis_keys.h"

#define ELAAOMS_INTAKE_ARGC  20

#define ELAAOMS_STR_(x)  #x
#define ELAAOMS_STR(x)   ELAAOMS_STR_(x)
#define ELAAOMS_INTAKE_FORGOTTEN  2

/* one EVAL of the intake script, ready for redisCommandArgv() and friends,
 * and the SADD of the org to elaaoms:orgs to send before it */
typedef struct {
    char         marker[512];
    char         conversation[512];
    char         queue[512];
    char         tombstone[512];
    char         calls[512];
    char         recent[512];
    char         sha[ELAAOMS_SHA256_HEX_LEN + 1];
    char         ttl[24];
    char         now[24];
    char         ts_field[ELAAOMS_EVENT_TS_FIELD_MAX];
    char         event_ts[24];
    const char  *argv[ELAAOMS_INTAKE_ARGC];
    size_t       argvlen[ELAAOMS_INTAKE_ARGC];
    const char  *orgs_argv[3];
    size_t       orgs_argvlen[3];
} elaaoms_intake_cmd_t;

/* one delivery to queue: what the intake script is given */
typedef struct {
    const char  *org;
    const char  *type_name;
    const char  *conversation_id;
    const void  *payload;          /* hashed: the duplicate check */
    size_t       payload_len;
    const char  *job_json;
    size_t       job_len;
    const char  *caller;           /* NULL: anonymous */
    const char  *agent_id;         /* NULL: none */
    const char  *request_id;
    long long    now;              /* unix time */
    long long    event_ts;         /* < 0: unknown, neither checked nor kept */
} elaaoms_intake_req_t;

/*
 * Fills cmd; the strings req points to must outlive it (argv points to
 * them).  0 on success, -1 when a key does not fit or hashing fails.
 */
int elaaoms_intake_cmd(elaaoms_intake_cmd_t *cmd,
    const elaaoms_intake_req_t *req);

/* "_transcription.json", "_audio.mp3", "_failure.json"; NULL otherwise */
const char *elaaoms_payload_suffix(const char *type_name);

/* "<payload_dir>/<org>/<conversation_id>"; -1 when it does not fit */
int elaaoms_payload_dir_path(char *buf, size_t size, const char *payload_dir,
    const char *org, const char *conversation_id);

/* "<org>/<conversation_id>": the payload's directory below payload_dir */
int elaaoms_payload_sub_path(char *buf, size_t size, const char *org,
    const char *conversation_id);

/*
 * Whether payload_path is the one file a job of org, type_name and
 * conversation_id may name:
 * "<payload_dir>/<org>/<conversation_id>/<conversation_id><suffix>", with
 * payload_dir the reader's own (the same text, trailing slashes aside, or
 * the same directory by device and inode, so "/srv/p" and a symlink to it
 * both do).  Anything else, "/etc/passwd" or another organization's
 * payload, is refused.  0 with sub ("<org>/<conversation_id>") and name
 * set, for elaaoms_durable_open_file(payload_dir, sub, name); -1 otherwise.
 */
int elaaoms_payload_path_check(const char *payload_dir, const char *org,
    const char *type_name, const char *conversation_id,
    const char *payload_path, char *sub, size_t subsz, char *name,
    size_t namesz);

/* "<conversation_id><suffix>"; -1 when it does not fit */
int elaaoms_payload_file_name(char *buf, size_t size,
    const char *conversation_id, const char *suffix);

/* "<conversation_id>_transcription.pending"; -1 when it does not fit */
int elaaoms_pending_file_name(char *buf, size_t size,
    const char *conversation_id);

/* the three keys of elaaoms_intake_script; -1 when one does not fit */
int elaaoms_intake_keys(const char *org, const char *type_name,
    const char *conversation_id, char *marker, char *conversation,
    char *queue, size_t size);

/* lowercase hex SHA-256 of data; 0 on success */
int elaaoms_sha256_hex(const void *data, size_t len,
    char out[ELAAOMS_SHA256_HEX_LEN + 1]);

#endif /* ELAAOMS_INTAKE_H */
