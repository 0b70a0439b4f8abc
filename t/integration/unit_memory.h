/*
 * What the memory-store tests share: their organizations, callers and
 * clock, two small Redis helpers over unit_redis.h's connection, and the
 * worker's apply of extracted memories.  Include after unit_redis.h,
 * memory_dedup.h and memory_store.h.
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


/* --- the worker's apply --------------------------------------------------- */

static inline elaaoms_memory_apply_counts_t
apply(const char *org, const char *caller, const char *conv,
    const char *agent, int64_t now, const elaaoms_extracted_list_t *list)
{
    int                            r;
    elaaoms_memory_apply_t         a;
    elaaoms_memory_apply_counts_t  c;

    memset(&a, 0, sizeof(a));
    a.org = org;
    a.caller = caller;
    a.conversation_id = conv;
    a.agent_id = agent;
    a.now = now;

    r = elaaoms_memory_store_apply(rh, &a, list, &c, err, sizeof(err));
    if (r != 0) {
        fprintf(stderr, "apply: %s\n", err);
    }
    CHECK_INT_EQ(r, 0);

    return c;
}


/* applies one memory */
static inline elaaoms_memory_apply_counts_t
apply1(const char *org, const char *caller, const char *conv,
    const char *agent, int64_t now, elaaoms_mem_type_e type,
    const char *content, int importance, double confidence)
{
    elaaoms_extracted_list_t       l;
    elaaoms_memory_apply_counts_t  c;

    memset(&l, 0, sizeof(l));
    elaaoms_extracted_add(&l, type, content, importance, confidence,
                          "quote");
    c = apply(org, caller, conv, agent, now, &l);
    elaaoms_extracted_free(&l);

    return c;
}


static inline const elaaoms_memory_record_t *
find(const elaaoms_memory_list_t *l, const char *content)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->items[i].content.data, content) == 0) {
            return &l->items[i];
        }
    }

    return NULL;
}


#endif /* ELAAOMS_UNIT_MEMORY_H */
