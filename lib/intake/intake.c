/*
 * Post-call intake paths, keys and the atomic queueing script.
 */

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "intake/event_order.h"
#include "intake/intake.h"
#include "store/redis_keys.h"
#include "util/ascii.h"
#include "util/sha256.h"


const char  elaaoms_intake_script[] =
    "if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 1 then\n"
    "  return 2\n"
    "end\n"
    "if ARGV[9] ~= '' then\n"
    "  local old = tonumber(redis.call('HGET', KEYS[2], ARGV[8]))\n"
    "  if old and old > tonumber(ARGV[9]) then return -1 end\n"
    "  redis.call('HSET', KEYS[2], ARGV[8], ARGV[9])\n"
    "end\n"
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end\n"
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])\n"
    "redis.call('HSET', KEYS[2], 'status', 'extraction_pending',\n"
    "           'caller', ARGV[4], 'agent_id', ARGV[5],\n"
    "           'received_at', ARGV[6], 'request_id', ARGV[7])\n"
    "if ARGV[4] ~= '' then redis.call('SADD', KEYS[5], ARGV[10]) end\n"
    "redis.call('LPUSH', KEYS[3], ARGV[2])\n"
    "redis.call('ZADD', KEYS[6], ARGV[6], ARGV[10])\n"
    "redis.call('ZREMRANGEBYRANK', KEYS[6], 0, -(ARGV[11] + 1))\n"
    "return 1\n";


static const struct {
    const char  *type;
    const char  *suffix;
} elaaoms_payload_suffixes[] = {
    { "post_call_transcription", "_transcription.json" },
    { "post_call_audio", "_audio.mp3" },
    { "call_initiation_failure", "_failure.json" },
};


const char *
elaaoms_payload_suffix(const char *type_name)
{
    size_t  i;

    for (i = 0; i < sizeof(elaaoms_payload_suffixes)
                    / sizeof(elaaoms_payload_suffixes[0]); i++)
    {
        if (strcmp(elaaoms_payload_suffixes[i].type, type_name) == 0) {
            return elaaoms_payload_suffixes[i].suffix;
        }
    }

    return NULL;
}


static int
elaaoms_fits(int n, size_t size)
{
    return (n < 0 || (size_t) n >= size) ? -1 : n;
}


int
elaaoms_payload_dir_path(char *buf, size_t size, const char *payload_dir,
    const char *org, const char *conversation_id)
{
    return elaaoms_fits(snprintf(buf, size, "%s/%s/%s", payload_dir, org,
                                 conversation_id), size);
}


int
elaaoms_payload_sub_path(char *buf, size_t size, const char *org,
    const char *conversation_id)
{
    return elaaoms_fits(snprintf(buf, size, "%s/%s", org, conversation_id),
                        size);
}


/* a's first n bytes name the same directory as b */
static int
elaaoms_payload_same_dir(const char *a, size_t n, const char *b)
{
    char         copy[4096];
    size_t       m;
    struct stat  sa, sb;

    m = strlen(b);

    while (n > 1 && a[n - 1] == '/') {
        n--;
    }

    while (m > 1 && b[m - 1] == '/') {
        m--;
    }

    if (n == m && memcmp(a, b, n) == 0) {
        return 1;
    }

    if (n == 0 || n >= sizeof(copy)) {
        return 0;
    }

    memcpy(copy, a, n);
    copy[n] = '\0';

    return stat(copy, &sa) == 0 && stat(b, &sb) == 0 && S_ISDIR(sa.st_mode)
           && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}


int
elaaoms_payload_path_check(const char *payload_dir, const char *org,
    const char *type_name, const char *conversation_id,
    const char *payload_path, char *sub, size_t subsz, char *name,
    size_t namesz)
{
    size_t       plen, slen, nlen;
    const char  *suffix, *tail;

    if (payload_dir == NULL || payload_dir[0] == '\0' || org == NULL
        || type_name == NULL || conversation_id == NULL
        || payload_path == NULL)
    {
        return -1;
    }

    suffix = elaaoms_payload_suffix(type_name);

    if (suffix == NULL
        || elaaoms_payload_sub_path(sub, subsz, org, conversation_id) < 0
        || elaaoms_payload_file_name(name, namesz, conversation_id, suffix)
           < 0)
    {
        return -1;
    }

    /* "<prefix>/<sub>/<name>", the prefix being payload_dir */
    plen = strlen(payload_path);
    slen = strlen(sub);
    nlen = strlen(name);

    if (plen < slen + nlen + 3) {
        return -1;
    }

    tail = payload_path + plen - nlen - slen - 2;

    if (tail[0] != '/' || memcmp(tail + 1, sub, slen) != 0
        || tail[1 + slen] != '/' || memcmp(tail + 2 + slen, name, nlen) != 0)
    {
        return -1;
    }

    return elaaoms_payload_same_dir(payload_path,
                                    (size_t) (tail - payload_path),
                                    payload_dir) ? 0 : -1;
}


int
elaaoms_payload_file_name(char *buf, size_t size, const char *conversation_id,
    const char *suffix)
{
    return elaaoms_fits(snprintf(buf, size, "%s%s", conversation_id, suffix),
                        size);
}


int
elaaoms_pending_file_name(char *buf, size_t size, const char *conversation_id)
{
    return elaaoms_fits(snprintf(buf, size, "%s_transcription.pending",
                                 conversation_id), size);
}


int
elaaoms_intake_keys(const char *org, const char *type_name,
    const char *conversation_id, char *marker, char *conversation,
    char *queue, size_t size)
{
    if (elaaoms_key_intake(marker, size, org, type_name, conversation_id)
            < 0
        || elaaoms_key_conversation(conversation, size, org, conversation_id)
           < 0
        || elaaoms_key_jobs(queue, size, org, ELAAOMS_JOBS_READY, NULL) < 0)
    {
        return -1;
    }

    return 0;
}


int
elaaoms_sha256_hex(const void *data, size_t len,
    char out[ELAAOMS_SHA256_HEX_LEN + 1])
{
    unsigned char  md[ELAAOMS_SHA256_LEN];

    if (elaaoms_sha256(data, len, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(out, md, ELAAOMS_SHA256_LEN);

    return 0;
}


int
elaaoms_intake_cmd(elaaoms_intake_cmd_t *cmd, const elaaoms_intake_req_t *req)
{
    int  i;

    if (elaaoms_sha256_hex(req->payload, req->payload_len, cmd->sha) != 0
        || elaaoms_intake_keys(req->org, req->type_name, req->conversation_id,
                               cmd->marker, cmd->conversation, cmd->queue,
                               sizeof(cmd->marker)) != 0)
    {
        return -1;
    }

    if (elaaoms_event_ts_field(cmd->ts_field, sizeof(cmd->ts_field),
                               req->type_name) < 0)
    {
        return -1;
    }

    /* an anonymous delivery has no tombstone or index: the script does
     * not touch KEYS[4] and KEYS[5], which then repeat KEYS[2] */
    if (req->caller != NULL && req->caller[0] != '\0') {
        if (elaaoms_key_tombstone(cmd->tombstone, sizeof(cmd->tombstone),
                                  req->org, req->caller) < 0
            || elaaoms_key_conversation_index(cmd->calls, sizeof(cmd->calls),
                                              req->org, req->caller) < 0)
        {
            return -1;
        }

    } else {
        memcpy(cmd->tombstone, cmd->conversation, sizeof(cmd->tombstone));
        memcpy(cmd->calls, cmd->conversation, sizeof(cmd->calls));
    }

    if (elaaoms_key_recent(cmd->recent, sizeof(cmd->recent), req->org) < 0) {
        return -1;
    }

    snprintf(cmd->ttl, sizeof(cmd->ttl), "%d", ELAAOMS_INTAKE_MARKER_TTL);
    snprintf(cmd->now, sizeof(cmd->now), "%lld", req->now);

    if (req->event_ts >= 0) {
        snprintf(cmd->event_ts, sizeof(cmd->event_ts), "%lld", req->event_ts);

    } else {
        cmd->event_ts[0] = '\0';
    }

    cmd->argv[0] = "EVAL";
    cmd->argv[1] = elaaoms_intake_script;
    cmd->argv[2] = "6";
    cmd->argv[3] = cmd->marker;
    cmd->argv[4] = cmd->conversation;
    cmd->argv[5] = cmd->queue;
    cmd->argv[6] = cmd->tombstone;
    cmd->argv[7] = cmd->calls;
    cmd->argv[8] = cmd->recent;
    cmd->argv[9] = cmd->sha;
    cmd->argv[10] = req->job_json;
    cmd->argv[11] = cmd->ttl;
    cmd->argv[12] = req->caller ? req->caller : "";
    cmd->argv[13] = req->agent_id ? req->agent_id : "";
    cmd->argv[14] = cmd->now;
    cmd->argv[15] = req->request_id;
    cmd->argv[16] = cmd->ts_field;
    cmd->argv[17] = cmd->event_ts;
    cmd->argv[18] = req->conversation_id;
    cmd->argv[19] = ELAAOMS_STR(ELAAOMS_RECENT_MAX);

    for (i = 0; i < ELAAOMS_INTAKE_ARGC; i++) {
        cmd->argvlen[i] = (i == 10) ? req->job_len : strlen(cmd->argv[i]);
    }

    /* the org registry, a global key: its own command, sent first (the
     * set may list an org without jobs, never the reverse) */
    cmd->orgs_argv[0] = "SADD";
    cmd->orgs_argv[1] = ELAAOMS_KEY_ORGS;
    cmd->orgs_argv[2] = req->org;

    for (i = 0; i < 3; i++) {
        cmd->orgs_argvlen[i] = strlen(cmd->orgs_argv[i]);
    }

    return 0;
}
