/*
 * Where the worker's Redis handle sends a command on a cluster
 * (redis_handle.h): the slot of its keys (command_slot.h), any master
 * for a command without keys, or a refusal for what one routed command
 * cannot mean on a cluster:
 *   - commands that walk one node's keyspace (SCAN, KEYS, DBSIZE,
 *     RANDOMKEY, FLUSHDB, FLUSHALL): the caller picks the node
 *     (elaaoms_redis_node(), or elaaoms_redis_key_context() for keys of
 *     one slot);
 *   - commands whose state lives on one connection (WATCH, UNWATCH,
 *     MULTI, EXEC, DISCARD): they need the connection of their keys'
 *     slot (elaaoms_redis_key_context()).
 */

#ifndef ELAAOMS_CLUSTER_COMMAND_ROUTE_H
#define ELAAOMS_CLUSTER_COMMAND_ROUTE_H

#include <stddef.h>

#include "cluster/command_slot.h"

/* besides a slot and command_slot.h's NO_KEY, CROSSSLOT and BAD: */
#define ELAAOMS_COMMAND_NODE        (-4)   /* one node's keyspace */
#define ELAAOMS_COMMAND_CONNECTION  (-5)   /* one connection's state */

int elaaoms_command_route(int argc, const char *const *argv,
    const size_t *argvlen);

/* a short reason for a negative route, for an error message */
const char *elaaoms_command_route_error(int route);

#endif /* ELAAOMS_CLUSTER_COMMAND_ROUTE_H */
