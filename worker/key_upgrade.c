/*
 * Moving keys of the layout before issue 16 (see key_upgrade.h).
 */

#include <stdio.h>
#include <string.h>

#include "cluster/key_slot.h"
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


/* a reply of the type wanted, else -1 with err set (and r freed) */
static int
elaaoms_key_upgrade_check(elaaoms_redis_t *rc, redisReply *r, int type,
    const char *what, const char *key, char *err, size_t errlen)
{
    if (r != NULL && r->type == type) {
        return 0;
    }

    snprintf(err, errlen, "%s %s: %s", what, key,
             r == NULL ? elaaoms_redis_errstr(rc)
             : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
    freeReplyObject(r);

    return -1;
}


/* the script on old and new (one slot); 1 moved or merged, 0, -1 */
static int
elaaoms_key_upgrade_script_run(elaaoms_redis_t *rc, const char *old,
    const char *new, int sum, char *err, size_t errlen)
{
    int          rv;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "EVAL %s 2 %s %s %s",
                              elaaoms_key_upgrade_script, old, new,
                              sum ? "sum" : "keep");
    if (elaaoms_key_upgrade_check(rc, r, REDIS_REPLY_INTEGER, "moving", old,
                                  err, errlen)
        != 0)
    {
        return -1;
    }

    rv = r->integer > 0;
    freeReplyObject(r);

    return rv;
}


/*
 * On a cluster, where old and new are in different slots: old's DUMP
 * RESTOREd beside new ("<new>:upgrading", new's tag), the script run on
 * the two, then old deleted.  Not atomic as the script is: it assumes
 * nothing writes old meanwhile, which holds on a cluster (the layout
 * before issue 16 never ran on one: its scripts spanned slots).
 */
static int
elaaoms_key_upgrade_across(elaaoms_redis_t *rc, const char *old,
    const char *new, int sum, char *err, size_t errlen)
{
    int          rv;
    char         tmp[ELAAOMS_KEY_MAX + 16];
    redisReply  *dump, *r;

    snprintf(tmp, sizeof(tmp), "%s:upgrading", new);
    if (elaaoms_key_slot(tmp, strlen(tmp)) != elaaoms_key_slot(new,
                                                               strlen(new)))
    {
        snprintf(err, errlen, "moving %s: %s has no hash tag", old, new);
        return -1;
    }

    dump = elaaoms_redis_command(rc, "DUMP %s", old);
    if (dump != NULL && dump->type == REDIS_REPLY_NIL) {
        freeReplyObject(dump);
        return 0;
    }

    if (elaaoms_key_upgrade_check(rc, dump, REDIS_REPLY_STRING, "dump", old,
                                  err, errlen)
        != 0)
    {
        return -1;
    }

    r = elaaoms_redis_command(rc, "RESTORE %s 0 %b REPLACE", tmp, dump->str,
                              dump->len);
    freeReplyObject(dump);

    if (elaaoms_key_upgrade_check(rc, r, REDIS_REPLY_STATUS, "restore", tmp,
                                  err, errlen)
        != 0)
    {
        return -1;
    }
    freeReplyObject(r);

    rv = elaaoms_key_upgrade_script_run(rc, tmp, new, sum, err, errlen);
    if (rv < 0) {
        return -1;
    }

    r = elaaoms_redis_command(rc, "DEL %s", old);
    if (elaaoms_key_upgrade_check(rc, r, REDIS_REPLY_INTEGER, "del", old,
                                  err, errlen)
        != 0)
    {
        return -1;
    }
    freeReplyObject(r);

    return 1;
}


/* one key moved; 1 moved or merged, 0 nothing to do, -1 Redis failed */
static int
elaaoms_key_upgrade_move(elaaoms_redis_t *rc, const char *old,
    const char *new, int sum, char *err, size_t errlen)
{
    if (elaaoms_redis_is_cluster(rc)
        && elaaoms_key_slot(old, strlen(old)) != elaaoms_key_slot(new,
                                                                  strlen(new)))
    {
        return elaaoms_key_upgrade_across(rc, old, new, sum, err, errlen);
    }

    return elaaoms_key_upgrade_script_run(rc, old, new, sum, err, errlen);
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
        if (elaaoms_key_upgrade_check(rc, r, REDIS_REPLY_INTEGER, "sadd",
                                      workers, err, errlen)
            != 0)
        {
            return -1;
        }
        freeReplyObject(r);
    }

    return elaaoms_key_upgrade_move(rc, key, new, sum, err, errlen);
}


/*
 * The org's keys on the i-th node (a cluster's master; on one Redis, node
 * 0 is all): 1 walked, 0 no such node, -1 with err set
 */
static int
elaaoms_key_upgrade_node(elaaoms_redis_t *rc, size_t node_index,
    const char *org, const char *pattern, size_t prefix_len, size_t *moved,
    char *err, size_t errlen)
{
    int               n;
    char              cursor[32];
    size_t            i;
    redisReply       *page, *keys;
    elaaoms_redis_t  *node;

    snprintf(cursor, sizeof(cursor), "0");

    do {
        /* taken again for each page: moving keys may take key contexts */
        n = elaaoms_redis_node(rc, node_index, &node);
        if (n <= 0) {
            if (n < 0) {
                snprintf(err, errlen, "scan: %s", elaaoms_redis_errstr(rc));
            }
            return n;
        }

        page = elaaoms_redis_command(node, "SCAN %s MATCH %s COUNT 1000",
                                     cursor, pattern);
        if (elaaoms_key_upgrade_check(node, page, REDIS_REPLY_ARRAY, "scan",
                                      pattern, err, errlen)
            != 0)
        {
            return -1;
        }

        if (page->elements != 2
            || page->element[0]->type != REDIS_REPLY_STRING
            || page->element[1]->type != REDIS_REPLY_ARRAY)
        {
            snprintf(err, errlen, "scan: unexpected reply");
            freeReplyObject(page);
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

    return 1;
}


int
elaaoms_key_upgrade_org(elaaoms_redis_t *rc, const char *org, size_t *moved,
    char *err, size_t errlen)
{
    int     n;
    char    pattern[ELAAOMS_KEY_MAX];
    size_t  i, prefix_len;

    *moved = 0;

    if (!elaaoms_org_valid(org)) {
        snprintf(err, errlen, "invalid organization");
        return -1;
    }

    /* "elaaoms:<org>:*": no glob character in an org name (ids.h) */
    prefix_len = (size_t) elaaoms_key_org(pattern, sizeof(pattern), org, "");
    snprintf(pattern + prefix_len, sizeof(pattern) - prefix_len, "*");

    /* SCAN walks one node: every master of a cluster in turn */
    for (i = 0; ; i++) {
        n = elaaoms_key_upgrade_node(rc, i, org, pattern, prefix_len, moved,
                                     err, errlen);
        if (n <= 0) {
            return n;
        }
    }
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
    if (elaaoms_key_upgrade_check(rc, orgs, REDIS_REPLY_ARRAY, "smembers",
                                  ELAAOMS_KEY_ORGS, err, errlen)
        != 0)
    {
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
