/*
 * CLUSTER SLOTS into a slot map (see slot_map.h).  The reply is
 *
 *   1) 1) (integer) first slot
 *      2) (integer) last slot
 *      3) master:  1) host  2) (integer) port  3) id  [4) metadata]
 *      4) replica: the same, once per replica
 *   2) ...
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/key_slot.h"
#include "cluster/slot_map.h"


/* one node's entry: host (or NULL), port, optional id */
static int
elaaoms_slot_map_node(elaaoms_cluster_node_t *node, const redisReply *r,
    const char *origin_host, char *err, size_t errlen)
{
    const redisReply  *host, *port, *id;

    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
        snprintf(err, errlen, "CLUSTER SLOTS: a node is not an array of "
                 "host and port");
        return -1;
    }

    host = r->element[0];
    port = r->element[1];
    id = r->elements > 2 ? r->element[2] : NULL;

    if (port->type != REDIS_REPLY_INTEGER
        || port->integer < 1 || port->integer > 65535)
    {
        snprintf(err, errlen, "CLUSTER SLOTS: a node's port is not 1..65535");
        return -1;
    }

    node->port = (int) port->integer;

    if (host->type == REDIS_REPLY_NIL
        || (host->type == REDIS_REPLY_STRING && host->len == 0))
    {
        host = NULL;

    } else if (host->type != REDIS_REPLY_STRING
               || host->len >= sizeof(node->host)
               || memchr(host->str, '\0', host->len) != NULL)
    {
        snprintf(err, errlen, "CLUSTER SLOTS: a node's host is not a "
                 "string of less than %zu bytes", sizeof(node->host));
        return -1;
    }

    if (host != NULL) {
        memcpy(node->host, host->str, host->len);
        node->host[host->len] = '\0';

    } else if (origin_host != NULL
               && strlen(origin_host) < sizeof(node->host))
    {
        strcpy(node->host, origin_host);

    } else {
        snprintf(err, errlen, "CLUSTER SLOTS: a node without an endpoint, "
                 "and no host to take instead");
        return -1;
    }

    node->id[0] = '\0';

    if (id != NULL && id->type == REDIS_REPLY_STRING
        && id->len < sizeof(node->id))
    {
        memcpy(node->id, id->str, id->len);
        node->id[id->len] = '\0';
    }

    return 0;
}


static int
elaaoms_slot_map_range(elaaoms_slot_range_t *range, const redisReply *r,
    const char *origin_host, char *err, size_t errlen)
{
    size_t             i;
    const redisReply  *first, *last;

    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3) {
        snprintf(err, errlen, "CLUSTER SLOTS: an entry is not an array of "
                 "first slot, last slot and master");
        return -1;
    }

    first = r->element[0];
    last = r->element[1];

    if (first->type != REDIS_REPLY_INTEGER
        || last->type != REDIS_REPLY_INTEGER
        || first->integer < 0 || last->integer < first->integer
        || last->integer >= ELAAOMS_CLUSTER_SLOTS)
    {
        snprintf(err, errlen, "CLUSTER SLOTS: a range is not within "
                 "0..%d, first <= last", ELAAOMS_CLUSTER_SLOTS - 1);
        return -1;
    }

    range->first = (unsigned) first->integer;
    range->last = (unsigned) last->integer;

    if (elaaoms_slot_map_node(&range->master, r->element[2], origin_host,
                              err, errlen)
        != 0)
    {
        return -1;
    }

    if (r->elements > 3) {
        range->replicas = calloc(r->elements - 3, sizeof(*range->replicas));
        if (range->replicas == NULL) {
            snprintf(err, errlen, "CLUSTER SLOTS: out of memory");
            return -1;
        }
    }

    for (i = 3; i < r->elements; i++) {
        if (elaaoms_slot_map_node(&range->replicas[range->nreplicas],
                                  r->element[i], origin_host, err, errlen)
            != 0)
        {
            return -1;
        }

        range->nreplicas++;
    }

    return 0;
}


static int
elaaoms_slot_map_by_first(const void *a, const void *b)
{
    const elaaoms_slot_range_t  *x = a, *y = b;

    return (x->first > y->first) - (x->first < y->first);
}


int
elaaoms_slot_map_parse(elaaoms_slot_map_t *map, const redisReply *reply,
    const char *origin_host, char *err, size_t errlen)
{
    size_t  i;

    memset(map, 0, sizeof(*map));

    if (reply == NULL || reply->type != REDIS_REPLY_ARRAY) {
        snprintf(err, errlen, "CLUSTER SLOTS: the reply is not an array");
        return -1;
    }

    if (reply->elements > ELAAOMS_CLUSTER_SLOTS) {
        snprintf(err, errlen, "CLUSTER SLOTS: more ranges than slots");
        return -1;
    }

    if (reply->elements == 0) {
        return 0;
    }

    map->ranges = calloc(reply->elements, sizeof(*map->ranges));
    if (map->ranges == NULL) {
        snprintf(err, errlen, "CLUSTER SLOTS: out of memory");
        return -1;
    }

    for (i = 0; i < reply->elements; i++) {
        /* counted first: a failed range's replicas are freed with the map */
        map->nranges++;

        if (elaaoms_slot_map_range(&map->ranges[i], reply->element[i],
                                   origin_host, err, errlen)
            != 0)
        {
            elaaoms_slot_map_free(map);
            return -1;
        }
    }

    qsort(map->ranges, map->nranges, sizeof(*map->ranges),
          elaaoms_slot_map_by_first);

    for (i = 1; i < map->nranges; i++) {
        if (map->ranges[i].first <= map->ranges[i - 1].last) {
            snprintf(err, errlen, "CLUSTER SLOTS: ranges %u-%u and %u-%u "
                     "overlap", map->ranges[i - 1].first,
                     map->ranges[i - 1].last, map->ranges[i].first,
                     map->ranges[i].last);
            elaaoms_slot_map_free(map);
            return -1;
        }
    }

    return 0;
}


const elaaoms_slot_range_t *
elaaoms_slot_map_lookup(const elaaoms_slot_map_t *map, unsigned slot)
{
    size_t                       lo, hi, mid;
    const elaaoms_slot_range_t  *r;

    lo = 0;
    hi = map->nranges;

    /* the last range whose first slot is <= slot */
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (map->ranges[mid].first <= slot) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    if (lo == 0) {
        return NULL;
    }

    r = &map->ranges[lo - 1];

    return slot <= r->last ? r : NULL;
}


unsigned
elaaoms_slot_map_covered(const elaaoms_slot_map_t *map)
{
    size_t    i;
    unsigned  n;

    n = 0;

    for (i = 0; i < map->nranges; i++) {
        n += map->ranges[i].last - map->ranges[i].first + 1;
    }

    return n;
}


void
elaaoms_slot_map_free(elaaoms_slot_map_t *map)
{
    size_t  i;

    for (i = 0; i < map->nranges; i++) {
        free(map->ranges[i].replicas);
    }

    free(map->ranges);
    memset(map, 0, sizeof(*map));
}
