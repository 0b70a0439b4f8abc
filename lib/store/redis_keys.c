/*
 * The Redis key schema (see redis_keys.h).
 */

#include <stdio.h>

#include <openssl/sha.h>

#include "store/redis_keys.h"
#include "util/ascii.h"
#include "util/sha256.h"


static int
elaaoms_key_fits(int n, size_t size)
{
    return (n < 0 || (size_t) n >= size) ? -1 : n;
}


int
elaaoms_key_org(char *buf, size_t size, const char *org, const char *suffix)
{
    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX "%s:%s",
                                     org, suffix), size);
}


int
elaaoms_key_caller(char *buf, size_t size, const char *org,
    const char *caller, const char *suffix)
{
    return elaaoms_key_fits(snprintf(buf, size,
                                     ELAAOMS_KEY_PREFIX "%s:{%s:%s}:%s",
                                     org, org, caller, suffix), size);
}


int
elaaoms_key_signature(char *buf, size_t size, const char *org,
    const char *v0)
{
    if (v0[0] == '\0') {
        return -1;
    }

    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX "%s:sig:%s",
                                     org, v0), size);
}


int
elaaoms_key_call(char *buf, size_t size, const char *org,
    const char *call_id, size_t call_id_len)
{
    char           hex[33];
    unsigned char  md[SHA256_DIGEST_LENGTH];

    if (call_id_len == 0) {
        return -1;
    }

    if (elaaoms_sha256(call_id, call_id_len, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(hex, md, 16);

    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:call:%s", org, hex), size);
}


int
elaaoms_key_qvec(char *buf, size_t size, const char *org, const char *model,
    int dimensions, const char *question, size_t len)
{
    char           hex[2 * SHA256_DIGEST_LENGTH + 1];
    unsigned char  md[SHA256_DIGEST_LENGTH];

    if (model[0] == '\0') {
        return -1;
    }

    if (elaaoms_sha256(question, len, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(hex, md, SHA256_DIGEST_LENGTH);

    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:qvec:%s:%d:%s", org, model,
                                     dimensions, hex), size);
}


int
elaaoms_key_jobs(char *buf, size_t size, const char *org, const char *list,
    const char *worker)
{
    if (worker) {
        return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                         "%s:jobs:%s:%s", org, list, worker),
                                size);
    }

    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:jobs:%s", org, list), size);
}


int
elaaoms_key_conversation(char *buf, size_t size, const char *org,
    const char *conversation_id)
{
    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:conversation:%s", org,
                                     conversation_id), size);
}


int
elaaoms_key_intake(char *buf, size_t size, const char *org,
    const char *type_name, const char *conversation_id)
{
    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:intake:%s:%s", org, type_name,
                                     conversation_id), size);
}


int
elaaoms_key_profile(char *buf, size_t size, const char *org,
    const char *agent_id)
{
    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:agent:%s:profile", org, agent_id),
                            size);
}


int
elaaoms_key_usage(char *buf, size_t size, const char *org)
{
    return elaaoms_key_org(buf, size, org, "usage");
}


int
elaaoms_key_recent(char *buf, size_t size, const char *org)
{
    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX "%s:recent",
                                     org), size);
}


int
elaaoms_key_tombstone(char *buf, size_t size, const char *org,
    const char *caller)
{
    int            n;
    char           hex[2 * SHA256_DIGEST_LENGTH + 1], id[ELAAOMS_KEY_MAX];
    unsigned char  md[SHA256_DIGEST_LENGTH];

    n = elaaoms_key_fits(snprintf(id, sizeof(id), "%s:%s", org, caller),
                         sizeof(id));
    if (caller[0] == '\0' || n < 0) {
        return -1;
    }

    if (elaaoms_sha256(id, (size_t) n, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(hex, md, SHA256_DIGEST_LENGTH);

    return elaaoms_key_fits(snprintf(buf, size, ELAAOMS_KEY_PREFIX
                                     "%s:forgotten:%s", org, hex), size);
}
