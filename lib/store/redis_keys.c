/*
 * The Redis key schema (see redis_keys.h).
 */

#include <stdio.h>

#include "store/redis_keys.h"


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
