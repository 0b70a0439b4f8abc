/*
 * What the memory-store tests share: their organizations, callers and
 * clock, and two small Redis helpers over unit_redis.h's connection.
 * Include after unit_redis.h and memory_store.h.
 */

#ifndef ELAAOMS_UNIT_MEMORY_H
#define ELAAOMS_UNIT_MEMORY_H

#include <stdarg.h>

#define ORG      "acme"
#define ORG2     "globex"
#define CALLER   "+14155550123"
#define CALLER2  "+442079460958"
#define T0       1763400000

static char           err[256];


/* --- helpers ------------------------------------------------------------- */

static long long
r_int(const char *fmt, ...)
{
    va_list      ap;
    long long    v;
    redisReply  *r;

    va_start(ap, fmt);
    r = redisvCommand(rc, fmt, ap);
    va_end(ap);

    v = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;
    if (r) {
        freeReplyObject(r);
    }

    return v;
}


static char *
key(const char *org, const char *caller, const char *suffix)
{
    static char  buf[8][ELAAOMS_MEMORY_KEY_MAX];
    static int   i;

    i = (i + 1) % 8;
    elaaoms_memory_key(buf[i], sizeof(buf[i]), org, caller, suffix);

    return buf[i];
}


#endif /* ELAAOMS_UNIT_MEMORY_H */
