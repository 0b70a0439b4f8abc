/*
 * The Redis key schema (see redis_keys.h).
 */

#include <string.h>

#include <openssl/sha.h>

#include "store/redis_keys.h"
#include "util/ascii.h"
#include "util/sha256.h"


/*
 * The parts (a NULL-terminated list) joined into buf: the key's length,
 * -1 when it does not fit with its NUL.  No printf: client-data and
 * search-memory build several keys a request.
 */
static int
elaaoms_key_join(char *buf, size_t size, const char *const *parts)
{
    size_t  n, len;

    len = 0;

    for ( ; *parts; parts++) {
        n = strlen(*parts);
        if (n >= size - len) {
            return -1;
        }
        memcpy(buf + len, *parts, n);
        len += n;
    }

    if (len >= size) {
        return -1;
    }

    buf[len] = '\0';

    return (int) len;
}

#define elaaoms_key(buf, size, ...)                                          \
    elaaoms_key_join(buf, size, (const char *const []) { __VA_ARGS__, NULL })


int
elaaoms_key_org(char *buf, size_t size, const char *org, const char *suffix)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":", suffix);
}


int
elaaoms_key_org_slot(char *buf, size_t size, const char *org,
    const char *suffix)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:", suffix);
}


int
elaaoms_key_caller(char *buf, size_t size, const char *org,
    const char *caller, const char *suffix)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":{", org, ":",
                       caller, "}:", suffix);
}


int
elaaoms_key_signature(char *buf, size_t size, const char *org,
    const char *v0)
{
    if (v0[0] == '\0') {
        return -1;
    }

    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":sig:", v0);
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

    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:call:",
                       hex);
}


int
elaaoms_key_qvec(char *buf, size_t size, const char *org, const char *model,
    int dimensions, const char *question, size_t len)
{
    char           hex[2 * SHA256_DIGEST_LENGTH + 1], dims[12], *d;
    unsigned       v;
    unsigned char  md[SHA256_DIGEST_LENGTH];

    if (model[0] == '\0') {
        return -1;
    }

    if (elaaoms_sha256(question, len, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(hex, md, SHA256_DIGEST_LENGTH);

    /* the dimension count in decimal, written backwards */
    d = dims + sizeof(dims) - 1;
    *d = '\0';
    v = dimensions < 0 ? 0 : (unsigned) dimensions;
    do {
        *--d = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":qvec:", model,
                       ":", d, ":", hex);
}


int
elaaoms_key_jobs(char *buf, size_t size, const char *org, const char *list,
    const char *worker)
{
    if (worker) {
        return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:jobs:",
                           list, ":", worker);
    }

    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:jobs:", list);
}


int
elaaoms_key_conversation(char *buf, size_t size, const char *org,
    const char *conversation_id)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org,
                       "}:conversation:", conversation_id);
}


int
elaaoms_key_intake(char *buf, size_t size, const char *org,
    const char *type_name, const char *conversation_id)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:intake:",
                       type_name, ":", conversation_id);
}


int
elaaoms_key_profile(char *buf, size_t size, const char *org,
    const char *agent_id)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":agent:", agent_id,
                       ":profile");
}


int
elaaoms_key_backfill(char *buf, size_t size, const char *org,
    const char *agent_id)
{
    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX, org, ":backfill:",
                       agent_id);
}


int
elaaoms_key_usage(char *buf, size_t size, const char *org)
{
    return elaaoms_key_org_slot(buf, size, org, "usage");
}


int
elaaoms_key_usage_daily(char *buf, size_t size, const char *org)
{
    return elaaoms_key_org_slot(buf, size, org, ELAAOMS_KEY_USAGE_DAILY);
}


int
elaaoms_key_recent(char *buf, size_t size, const char *org)
{
    return elaaoms_key_org_slot(buf, size, org, "recent");
}


/*
 * "elaaoms:{<org>}:<kind><hex>", hex the SHA-256 of "<org>:<caller>": a
 * caller's key in the org's slot, without the caller in clear
 */
static int
elaaoms_key_caller_hashed(char *buf, size_t size, const char *org,
    const char *caller, const char *kind)
{
    int            n;
    char           hex[2 * SHA256_DIGEST_LENGTH + 1], id[ELAAOMS_KEY_MAX];
    unsigned char  md[SHA256_DIGEST_LENGTH];

    n = elaaoms_key(id, sizeof(id), org, ":", caller);
    if (caller[0] == '\0' || n < 0) {
        return -1;
    }

    if (elaaoms_sha256(id, (size_t) n, md) != 0) {
        return -1;
    }

    elaaoms_ascii_hex(hex, md, SHA256_DIGEST_LENGTH);

    return elaaoms_key(buf, size, ELAAOMS_KEY_PREFIX "{", org, "}:", kind,
                       hex);
}


int
elaaoms_key_tombstone(char *buf, size_t size, const char *org,
    const char *caller)
{
    return elaaoms_key_caller_hashed(buf, size, org, caller, "forgotten:");
}


int
elaaoms_key_conversation_index(char *buf, size_t size, const char *org,
    const char *caller)
{
    return elaaoms_key_caller_hashed(buf, size, org, caller,
                                     ELAAOMS_KEY_CALLS ":");
}
