/*
 * The newest event_timestamp per conversation and type (event_order.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/event_order.h"
#include "store/redis_keys.h"


const char  elaaoms_event_ts_script[] =
    "local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]))\n"
    "if old and old > tonumber(ARGV[2]) then return -1 end\n"
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
    "return 1\n";


int
elaaoms_event_ts_field(char *buf, size_t size, const char *type_name)
{
    int  n;

    n = snprintf(buf, size, "event_ts:%s", type_name);

    return (n < 0 || (size_t) n >= size) ? -1 : n;
}


int
elaaoms_event_is_stale(const char *stored, size_t len, long long ts)
{
    char       digits[24], *end;
    long long  old;

    if (stored == NULL || len == 0 || len >= sizeof(digits)) {
        return 0;
    }

    memcpy(digits, stored, len);
    digits[len] = '\0';

    old = strtoll(digits, &end, 10);

    return (*end == '\0' && old > ts);
}


int
elaaoms_event_ts_cmd(elaaoms_event_ts_cmd_t *cmd, const char *org,
    const char *type_name, const char *conversation_id, long long ts)
{
    int  i;

    if (elaaoms_key_conversation(cmd->conversation, sizeof(cmd->conversation),
                                 org, conversation_id) < 0
        || elaaoms_event_ts_field(cmd->field, sizeof(cmd->field), type_name)
           < 0)
    {
        return -1;
    }

    snprintf(cmd->ts, sizeof(cmd->ts), "%lld", ts);

    cmd->argv[0] = "EVAL";
    cmd->argv[1] = elaaoms_event_ts_script;
    cmd->argv[2] = "1";
    cmd->argv[3] = cmd->conversation;
    cmd->argv[4] = cmd->field;
    cmd->argv[5] = cmd->ts;

    for (i = 0; i < ELAAOMS_EVENT_TS_ARGC; i++) {
        cmd->argvlen[i] = strlen(cmd->argv[i]);
    }

    return 0;
}
