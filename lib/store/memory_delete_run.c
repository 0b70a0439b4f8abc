/*
 * Deleting one memory on the worker's blocking connection (see
 * memory_delete.h); apart from memory_delete.c, which nginx links too.
 */

#include <hiredis/hiredis.h>

#include "store/memory_delete.h"


int
elaaoms_memory_delete_run(elaaoms_redis_t *rc,
    elaaoms_memory_delete_cmd_t *cmd)
{
    int          i, rv;
    redisReply  *r;

    elaaoms_redis_append_argv(rc, ELAAOMS_MEMORY_DELETE_ARGC, cmd->argv,
                              cmd->argvlen);
    elaaoms_redis_append_argv(rc, 3, cmd->push_argv, cmd->push_argvlen);
    elaaoms_redis_append_argv(rc, 3, cmd->orgs_argv, cmd->orgs_argvlen);

    rv = -1;

    for (i = 0; i < 3; i++) {
        r = NULL;
        if (elaaoms_redis_get_reply(rc, (void **) &r) != REDIS_OK
            || r == NULL)
        {
            return -1;      /* the connection is unusable anyway */
        }

        if (r->type != REDIS_REPLY_INTEGER) {
            rv = -2;

        } else if (i == 0 && rv == -1) {
            rv = (int) r->integer;
        }

        freeReplyObject(r);
    }

    return rv < 0 ? -1 : rv;
}
