/*
 * Moving keys of the layout before issue 16 (see key_upgrade.h).
 */

#include <stdio.h>
#include <string.h>

#include "intake/ids.h"
#include "key_upgrade.h"
#include "store/redis_keys.h"


/*
 * KEYS[1] the old name, KEYS[2] the new; ARGV[1] "sum" to add up a hash's
 * counters.  0 nothing to move, 1 renamed, 2 merged.  A list's elements
 * go to the new list's right end, the oldest last: workers take from the
 * right, so the jobs that waited longest still come first.
 */
static const char  elaaoms_key_upgrade_script[] =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end\n"
    "if redis.call('RENAMENX', KEYS[1], KEYS[2]) == 1 then return 1 end\n"
    "local t = redis.call('TYPE', KEYS[1]).ok\n"
    "if t == 'list' then\n"
    "  while redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT') do end\n"
    "elseif t == 'set' then\n"
    "  redis.call('SUNIONSTORE', KEYS[2], KEYS[2], KEYS[1])\n"
    "elseif t == 'zset' then\n"
    "  redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[1],\n"
    "             'AGGREGATE', 'MAX')\n"
    "elseif t == 'hash' then\n"
    "  local h = redis.call('HGETALL', KEYS[1])\n"
    "  for i = 1, #h, 2 do\n"
    "    if ARGV[1] ~= 'sum' or not tonumber(h[i + 1]) then\n"
    "      redis.call('HSETNX', KEYS[2], h[i], h[i + 1])\n"
    "    elseif string.match(h[i + 1], '^%-?%d+$') then\n"
    "      redis.call('HINCRBY', KEYS[2], h[i], h[i + 1])\n"
    "    else\n"
    "      redis.call('HINCRBYFLOAT', KEYS[2], h[i], h[i + 1])\n"
    "    end\n"
    "  end\n"
    "end\n"
    "redis.call('DEL', KEYS[1])\n"
    "return 2\n";


/* one key moved; 1 moved or merged, 0 nothing to do, -1 Redis failed */
static int
elaaoms_key_upgrade_move(elaaoms_redis_t *rc, const char *old, const char *new,
    int sum, char *err, size_t errlen)
{
    int          rv;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "EVAL %s 2 %s %s %s", elaaoms_key_upgrade_script,
                     old, new, sum ? "sum" : "keep");
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        snprintf(err, errlen, "moving %s: %s", old,
                 r == NULL ? elaaoms_redis_errstr(rc)
                 : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    rv = r->integer > 0;
    freeReplyObject(r);

    return rv;
}


/*
 * The new name of an org key given its name after "elaaoms:<org>:" (rest);
 * *sum set for the usage counters, worker set to the worker id of a
 * processing list.  0, or -1 for a key that keeps its name.
 */
static int
elaaoms_key_upgrade_name(const char *org, const char *rest, char *new,
    size_t size, int *sum, const char **worker)
{
    size_t              i, n, olen;
    char                caller[ELAAOMS_KEY_MAX];
    const char         *end;
    static const char  *tagged[] = {
        "jobs:", "conversation:", "intake:", "forgotten:", "call:"
    };
    static const char   processing[] = "jobs:" ELAAOMS_JOBS_PROCESSING ":";
    static const char   index[] = "}:" ELAAOMS_MEMORY_KEY_CALLS_OLD;

    *sum = 0;
    *worker = NULL;

    if (strcmp(rest, "recent") == 0 || strcmp(rest, "usage") == 0
        || strcmp(rest, ELAAOMS_KEY_USAGE_DAILY) == 0)
    {
        *sum = (strcmp(rest, "recent") != 0);
        return elaaoms_key_org_slot(new, size, org, rest) < 0 ? -1 : 0;
    }

    for (i = 0; i < sizeof(tagged) / sizeof(tagged[0]); i++) {
        n = strlen(tagged[i]);
        if (strncmp(rest, tagged[i], n) == 0 && rest[n] != '\0') {
            if (strncmp(rest, processing, sizeof(processing) - 1) == 0) {
                *worker = rest + sizeof(processing) - 1;
            }
            return elaaoms_key_org_slot(new, size, org, rest) < 0 ? -1 : 0;
        }
    }

    /* "{<org>:<caller>}:conversation_index" */
    olen = strlen(org);
    n = strlen(rest);

    if (rest[0] != '{' || strncmp(rest + 1, org, olen) != 0
        || rest[1 + olen] != ':' || n < olen + 2 + sizeof(index) - 1
        || strcmp(rest + n - (sizeof(index) - 1), index) != 0)
    {
        return -1;
    }

    end = rest + n - (sizeof(index) - 1);
    n = (size_t) (end - (rest + olen + 2));
    if (n == 0 || n >= sizeof(caller)) {
        return -1;
    }

    memcpy(caller, rest + olen + 2, n);
    caller[n] = '\0';

    return elaaoms_key_conversation_index(new, size, org, caller) < 0 ? -1 : 0;
}


/* one key of the SCAN; as elaaoms_key_upgrade_move() */
static int
elaaoms_key_upgrade_key(elaaoms_redis_t *rc, const char *org, const char *key,
    size_t prefix_len, char *err, size_t errlen)
{
    int          sum;
    char         new[ELAAOMS_KEY_MAX], workers[ELAAOMS_KEY_MAX];
    const char  *worker;
    redisReply  *r;

    if (elaaoms_key_upgrade_name(org, key + prefix_len, new, sizeof(new),
                                 &sum, &worker) != 0)
    {
        return 0;
    }

    /* the processing list's worker first: recovery must see the list */
    if (worker != NULL) {
        if (elaaoms_key_jobs(workers, sizeof(workers), org,
                             ELAAOMS_JOBS_WORKERS, NULL) < 0)
        {
            return 0;
        }

        r = elaaoms_redis_command(rc, "SADD %s %s", workers, worker);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            snprintf(err, errlen, "sadd %s: %s", workers,
                     r == NULL ? elaaoms_redis_errstr(rc) : "unexpected reply");
            if (r) {
                freeReplyObject(r);
            }
            return -1;
        }
        freeReplyObject(r);
    }

    return elaaoms_key_upgrade_move(rc, key, new, sum, err, errlen);
}


int
elaaoms_key_upgrade_org(elaaoms_redis_t *rc, const char *org, size_t *moved,
    char *err, size_t errlen)
{
    int          n;
    char         pattern[ELAAOMS_KEY_MAX], cursor[32];
    size_t       i, prefix_len;
    redisReply  *page, *keys;

    *moved = 0;

    if (!elaaoms_org_valid(org)) {
        snprintf(err, errlen, "invalid organization");
        return -1;
    }

    /* "elaaoms:<org>:*": no glob character in an org name (ids.h) */
    prefix_len = (size_t) elaaoms_key_org(pattern, sizeof(pattern), org, "");
    snprintf(pattern + prefix_len, sizeof(pattern) - prefix_len, "*");
    snprintf(cursor, sizeof(cursor), "0");

    do {
        page = elaaoms_redis_command(rc, "SCAN %s MATCH %s COUNT 1000", cursor,
                            pattern);
        if (page == NULL || page->type != REDIS_REPLY_ARRAY
            || page->elements != 2
            || page->element[0]->type != REDIS_REPLY_STRING
            || page->element[1]->type != REDIS_REPLY_ARRAY)
        {
            snprintf(err, errlen, "scan: %s",
                     page == NULL ? elaaoms_redis_errstr(rc) : "unexpected reply");
            if (page) {
                freeReplyObject(page);
            }
            return -1;
        }

        snprintf(cursor, sizeof(cursor), "%s", page->element[0]->str);
        keys = page->element[1];

        for (i = 0; i < keys->elements; i++) {
            if (keys->element[i]->type != REDIS_REPLY_STRING) {
                continue;
            }

            n = elaaoms_key_upgrade_key(rc, org, keys->element[i]->str,
                                        prefix_len, err, errlen);
            if (n < 0) {
                freeReplyObject(page);
                return -1;
            }

            *moved += (size_t) n;
        }

        freeReplyObject(page);

    } while (strcmp(cursor, "0") != 0);

    return 0;
}


int
elaaoms_key_upgrade_global(elaaoms_redis_t *rc, size_t *moved, char *err,
    size_t errlen)
{
    int                 n;
    size_t              i;
    static const char  *global[][2] = {
        { ELAAOMS_KEY_PREFIX "metrics:worker", ELAAOMS_KEY_WORKER_METRICS },
        { ELAAOMS_KEY_PREFIX "metrics:worker:meta",
          ELAAOMS_KEY_WORKER_METRICS ":meta" },
        { ELAAOMS_KEY_PREFIX "health:window", ELAAOMS_KEY_HEALTH_WINDOW },
    };

    *moved = 0;

    for (i = 0; i < sizeof(global) / sizeof(global[0]); i++) {
        n = elaaoms_key_upgrade_move(rc, global[i][0], global[i][1], 0, err,
                                     errlen);
        if (n < 0) {
            return -1;
        }
        *moved += (size_t) n;
    }

    return 0;
}


int
elaaoms_key_upgrade_all(elaaoms_redis_t *rc, size_t *moved, char *err,
    size_t errlen)
{
    size_t       i, org_moved;
    redisReply  *orgs;

    if (elaaoms_key_upgrade_global(rc, moved, err, errlen) != 0) {
        return -1;
    }

    orgs = elaaoms_redis_command(rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);
    if (orgs == NULL || orgs->type != REDIS_REPLY_ARRAY) {
        snprintf(err, errlen, "smembers: %s",
                 orgs == NULL ? elaaoms_redis_errstr(rc) : "unexpected reply");
        if (orgs) {
            freeReplyObject(orgs);
        }
        return -1;
    }

    for (i = 0; i < orgs->elements; i++) {
        if (orgs->element[i]->type != REDIS_REPLY_STRING
            || !elaaoms_org_valid(orgs->element[i]->str))
        {
            continue;
        }

        if (elaaoms_key_upgrade_org(rc, orgs->element[i]->str, &org_moved,
                                    err, errlen) != 0)
        {
            *moved += org_moved;
            freeReplyObject(orgs);
            return -1;
        }

        *moved += org_moved;
    }

    freeReplyObject(orgs);
    return 0;
}
