/*
 * Which node serves which hash slot: a CLUSTER SLOTS reply read into
 * sorted, disjoint slot ranges, each with its master and its replicas.
 *
 * Parsing is apart from I/O: the worker's blocking client and the nginx
 * module's asynchronous one both hand it the reply hiredis built.
 */

#ifndef ELAAOMS_CLUSTER_SLOT_MAP_H
#define ELAAOMS_CLUSTER_SLOT_MAP_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redirect.h"

/* a node id: 40 hex characters, with NUL */
#define ELAAOMS_CLUSTER_ID_MAX  41

typedef struct {
    char  host[ELAAOMS_CLUSTER_HOST_MAX];
    int   port;
    char  id[ELAAOMS_CLUSTER_ID_MAX];     /* "" when the reply has none */
} elaaoms_cluster_node_t;

typedef struct {
    unsigned                 first;       /* slots first .. last */
    unsigned                 last;
    elaaoms_cluster_node_t   master;
    size_t                   nreplicas;
    elaaoms_cluster_node_t  *replicas;    /* owned by the map */
} elaaoms_slot_range_t;

/* start zeroed; the owner calls elaaoms_slot_map_free() */
typedef struct {
    elaaoms_slot_range_t  *ranges;        /* by first slot, disjoint */
    size_t                 nranges;
} elaaoms_slot_map_t;

/*
 * Reads a CLUSTER SLOTS reply into *map, replacing nothing: map must be
 * zeroed (or freed).  A node announced without an endpoint (NULL or "":
 * cluster-preferred-endpoint-type unknown-endpoint) is at origin_host,
 * the host the reply came from.  0, or -1 with err set and *map zeroed:
 * a malformed reply, a slot out of range or overlapping ranges.  A map
 * that leaves slots uncovered is valid (a cluster being set up, or down).
 */
int elaaoms_slot_map_parse(elaaoms_slot_map_t *map, const redisReply *reply,
    const char *origin_host, char *err, size_t errlen);

/* the range serving slot, or NULL when no node does */
const elaaoms_slot_range_t *elaaoms_slot_map_lookup(
    const elaaoms_slot_map_t *map, unsigned slot);

/* how many of the 16384 slots the map covers */
unsigned elaaoms_slot_map_covered(const elaaoms_slot_map_t *map);

void elaaoms_slot_map_free(elaaoms_slot_map_t *map);

#endif /* ELAAOMS_CLUSTER_SLOT_MAP_H */
