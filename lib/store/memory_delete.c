/*
 * Deleting one memory (see memory_delete.h).
 */

#include <stdio.h>
#include <string.h>

#include "store/memory_delete.h"
#include "store/memory_record.h"


/*
 * KEYS: index, by_time, by_importance, the memory version, type sets (the
 * caller's slot);
 * ARGV: id, the caller's key prefix, then the registry and
 * set suffixes of agents and conversations: the agent:<a> and
 * conversation:<c> sets are named from the registries, in the caller's
 * hash-tag slot like the declared keys
 */
const char  elaaoms_memory_delete_script[] =
    "if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
    "redis.call('ZREM', KEYS[2], ARGV[1])\n"
    "redis.call('ZREM', KEYS[3], ARGV[1])\n"
    "redis.call('DEL', KEYS[4])\n"
    "for i = 5, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end\n"
    "for r = 3, 5, 2 do\n"
    "  for _, m in ipairs(redis.call('SMEMBERS', ARGV[2] .. ARGV[r])) do\n"
    "    redis.call('SREM', ARGV[2] .. ARGV[r + 1] .. m, ARGV[1])\n"
    "  end\n"
    "end\n"
    "return 1\n";


int
elaaoms_memory_delete_cmd(elaaoms_memory_delete_cmd_t *cmd, const char *org,
    const char *caller, const char *memory_id)
{
    int                 i, t, n;
    char                sfx[64];
    static const char  *fixed[3] = {
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_BY_TIME,
        ELAAOMS_MEMORY_KEY_BY_IMPORTANCE
    };

    for (i = 0; i < 3; i++) {
        if (elaaoms_key_caller(cmd->keys[i], ELAAOMS_KEY_MAX, org, caller,
                               fixed[i]) < 0)
        {
            return -1;
        }
    }

    if (elaaoms_key_jobs(cmd->refresh, ELAAOMS_KEY_MAX, org,
                         ELAAOMS_JOBS_REFRESH, NULL) < 0
        || elaaoms_key_caller(cmd->keys[3], ELAAOMS_KEY_MAX, org, caller,
                              ELAAOMS_MEMORY_KEY_VERSION) < 0
        || elaaoms_key_caller(cmd->prefix, ELAAOMS_KEY_MAX, org, caller, "")
           < 0)
    {
        return -1;
    }

    for (t = 0; t < ELAAOMS_MEM_NTYPES; t++) {
        snprintf(sfx, sizeof(sfx), ELAAOMS_MEMORY_KEY_TYPE "%s",
                 elaaoms_mem_type_name(t));
        if (elaaoms_key_caller(cmd->keys[4 + t], ELAAOMS_KEY_MAX, org,
                               caller, sfx) < 0)
        {
            return -1;
        }
    }

    snprintf(cmd->nkeys, sizeof(cmd->nkeys), "%d",
             ELAAOMS_MEMORY_DELETE_KEYS);

    n = 0;
    cmd->argv[n++] = "EVAL";
    cmd->argv[n++] = elaaoms_memory_delete_script;
    cmd->argv[n++] = cmd->nkeys;
    for (i = 0; i < ELAAOMS_MEMORY_DELETE_KEYS; i++) {
        cmd->argv[n++] = cmd->keys[i];
    }
    cmd->argv[n++] = memory_id;
    cmd->argv[n++] = cmd->prefix;
    cmd->argv[n++] = ELAAOMS_MEMORY_KEY_AGENTS;
    cmd->argv[n++] = ELAAOMS_MEMORY_KEY_AGENT;
    cmd->argv[n++] = ELAAOMS_MEMORY_KEY_CONVERSATIONS;
    cmd->argv[n++] = ELAAOMS_MEMORY_KEY_CONVERSATION;

    for (i = 0; i < n; i++) {
        cmd->argvlen[i] = strlen(cmd->argv[i]);
    }

    cmd->push_argv[0] = "LPUSH";
    cmd->push_argv[1] = cmd->refresh;
    cmd->push_argv[2] = caller;
    cmd->orgs_argv[0] = "SADD";
    cmd->orgs_argv[1] = ELAAOMS_KEY_ORGS;
    cmd->orgs_argv[2] = org;

    for (i = 0; i < 3; i++) {
        cmd->push_argvlen[i] = strlen(cmd->push_argv[i]);
        cmd->orgs_argvlen[i] = strlen(cmd->orgs_argv[i]);
    }

    return 0;
}
