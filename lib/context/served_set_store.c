/*
 * Served sets in Redis, the worker's side (served_set.h): an auditor's
 * lookup and the retention sweep's pruning.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context/served_set_store.h"
#include "store/redis_keys.h"


/*
 * KEYS[1] the caller's served hash; ARGV[1] the cutoff (unix): fields
 * replaced before it go.  Returns how many.
 */
static const char  prune_lua[] =
    "local all = redis.call('HGETALL', KEYS[1])\n"
    "local cut = tonumber(ARGV[1])\n"
    "local n = 0\n"
    "for i = 1, #all, 2 do\n"
    "  local t = tonumber(string.match(all[i + 1], '^(%d+)|'))\n"
    "  if t and t < cut then\n"
    "    redis.call('HDEL', KEYS[1], all[i])\n"
    "    n = n + 1\n"
    "  end\n"
    "end\n"
    "return n\n";


int
elaaoms_served_set_lookup(elaaoms_redis_t *rc, const char *org,
    const char *caller, const char *set_id, char **ids, char *err,
    size_t errlen)
{
    char         key[ELAAOMS_KEY_MAX];
    size_t       n;
    long long    replaced;
    const char  *p;
    redisReply  *r;

    *ids = NULL;

    if (elaaoms_key_caller(key, sizeof(key), org, caller,
                           ELAAOMS_CONTEXT_KEY_SERVED) < 0)
    {
        return 0;
    }

    r = elaaoms_redis_command(rc, "HGET %s %s", key, set_id);
    if (r == NULL || (r->type != REDIS_REPLY_STRING
                      && r->type != REDIS_REPLY_NIL))
    {
        snprintf(err, errlen, "served set: %s",
                 r ? (r->type == REDIS_REPLY_ERROR ? r->str : "bad reply")
                   : elaaoms_redis_errstr(rc));
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    p = r->type == REDIS_REPLY_STRING
        ? elaaoms_served_set_ids(r->str, r->len, &n, &replaced) : NULL;

    if (p != NULL) {
        *ids = strndup(p, n);
    }

    freeReplyObject(r);

    if (p != NULL && *ids == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    return p != NULL;
}


long
elaaoms_served_sets_prune(elaaoms_redis_t *rc, const char *org,
    const char *caller, long long cutoff)
{
    long         n;
    char         key[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_key_caller(key, sizeof(key), org, caller,
                           ELAAOMS_CONTEXT_KEY_SERVED) < 0)
    {
        return 0;
    }

    r = elaaoms_redis_command(rc, "EVAL %s 1 %s %lld", prune_lua, key, cutoff);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    n = (long) r->integer;
    freeReplyObject(r);

    return n;
}
