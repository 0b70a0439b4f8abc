/*
 * Where a command goes on a cluster (see command_route.h).
 */

#include <string.h>
#include <strings.h>

#include "cluster/command_route.h"


typedef struct {
    const char  *name;
    size_t       len;
    int          route;
} elaaoms_command_refused_t;

#define R(name, route)  { name, sizeof(name) - 1, route }

static const elaaoms_command_refused_t  elaaoms_command_refused[] = {
    R("SCAN", ELAAOMS_COMMAND_NODE),      R("KEYS", ELAAOMS_COMMAND_NODE),
    R("DBSIZE", ELAAOMS_COMMAND_NODE),    R("RANDOMKEY", ELAAOMS_COMMAND_NODE),
    R("FLUSHDB", ELAAOMS_COMMAND_NODE),   R("FLUSHALL", ELAAOMS_COMMAND_NODE),
    R("WATCH", ELAAOMS_COMMAND_CONNECTION),
    R("UNWATCH", ELAAOMS_COMMAND_CONNECTION),
    R("MULTI", ELAAOMS_COMMAND_CONNECTION),
    R("EXEC", ELAAOMS_COMMAND_CONNECTION),
    R("DISCARD", ELAAOMS_COMMAND_CONNECTION),
    { NULL, 0, 0 }
};


int
elaaoms_command_route(int argc, const char *const *argv,
    const size_t *argvlen)
{
    const elaaoms_command_refused_t  *c;

    if (argc < 1) {
        return ELAAOMS_COMMAND_BAD;
    }

    for (c = elaaoms_command_refused; c->name; c++) {
        if (c->len == argvlen[0]
            && strncasecmp(c->name, argv[0], argvlen[0]) == 0)
        {
            return c->route;
        }
    }

    return elaaoms_command_slot(argc, argv, argvlen);
}


const char *
elaaoms_command_route_error(int route)
{
    switch (route) {

    case ELAAOMS_COMMAND_CROSSSLOT:
        return "CROSSSLOT keys in different slots";

    case ELAAOMS_COMMAND_BAD:
        return "not a well-formed command (numkeys, arguments)";

    case ELAAOMS_COMMAND_NODE:
        return "walks one node's keyspace: run it on elaaoms_redis_node() "
               "or a key context";

    case ELAAOMS_COMMAND_CONNECTION:
        return "keeps state on one connection: run it on "
               "elaaoms_redis_key_context()";

    default:
        return "not routable";
    }
}
