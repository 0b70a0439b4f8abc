/*
 * Operator commands about conversations, the job lists and payloads
 * (cli.h).
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


/* status ORG CONVERSATION: the conversation's status hash */
static int
elaaoms_cli_status(elaaoms_cli_t *cli, int argc, char **argv)
{
    char         key[ELAAOMS_KEY_MAX];
    size_t       i;
    redisReply  *r;

    if (argc != 3) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_queue_commands[0],
                                 argc - 1, 2, 2);
    }

    if (!elaaoms_memory_org_valid(argv[1])
        || elaaoms_key_conversation(key, sizeof(key), argv[1], argv[2]) < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization or conversation id");
    }

    r = redisCommand(cli->rc, "HGETALL %s", key);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        if (r) {
            freeReplyObject(r);
        }
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                cli->rc->errstr);
    }

    yajl_gen_map_open(cli->g);
    for (i = 0; i + 1 < r->elements; i += 2) {
        elaaoms_cli_str(cli->g, r->element[i]->str, r->element[i + 1]->str,
                        r->element[i + 1]->len);
    }
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    freeReplyObject(r);
    return ELAAOMS_CLI_OK;
}


/* the org's failed jobs back to the ready list, each moved atomically */
static int
elaaoms_cli_requeue_failed(elaaoms_cli_t *cli, const char *org)
{
    int          n;
    char         failed[ELAAOMS_KEY_MAX], ready[ELAAOMS_KEY_MAX];
    redisReply  *r;

    if (elaaoms_key_jobs(failed, sizeof(failed), org, ELAAOMS_JOBS_FAILED,
                         NULL) < 0
        || elaaoms_key_jobs(ready, sizeof(ready), org, ELAAOMS_JOBS_READY,
                            NULL) < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    for (n = 0; /* void */; n++) {
        r = redisCommand(cli->rc, "LMOVE %s %s LEFT LEFT", failed, ready);
        if (r == NULL) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    cli->rc->errstr);
        }

        if (r->type != REDIS_REPLY_STRING) {
            freeReplyObject(r);
            break;
        }

        freeReplyObject(r);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_int(cli->g, "requeued", n);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_legacy_requeue(elaaoms_cli_t *cli, int argc, char **argv)
{
    if (argc != 2) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_queue_commands[1],
                                 argc - 1, 1, 1);
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    return elaaoms_cli_requeue_failed(cli, argv[1]);
}


const elaaoms_cli_command_t  elaaoms_cli_queue_commands[] = {

    { "status", "ORG CONVERSATION",
      "the conversation's status hash", "", elaaoms_cli_status,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "requeue-failed", "ORG",
      "failed jobs back to the ready list", "", elaaoms_cli_legacy_requeue,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
