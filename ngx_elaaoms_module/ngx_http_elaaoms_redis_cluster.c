/*
 * Redis Cluster ("elaaoms_redis cluster host:port ..."): one connection
 * per node, made lazily (ngx_http_elaaoms_redis.c); a command goes to the
 * master of its key's slot (lib/cluster/command_slot.h), or to the seeds
 * while the slot is unknown; MOVED updates the slot's node and resends,
 * ASK sends ASKING and the command to the node named once, TRYAGAIN and
 * CLUSTERDOWN are resent after a pause, each a bounded number of times;
 * the slot map is read with CLUSTER SLOTS after a redirection or a node's
 * failure, at most once a second.  A batch may span nodes: each command
 * carries its index (ngx_http_elaaoms_redis_batch.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_redis_internal.h"
#include "cluster/command_slot.h"
#include "cluster/key_slot.h"
#include "cluster/slot_map.h"


static void ngx_http_elaaoms_cluster_refresh_handler(ngx_event_t *ev);
static void ngx_http_elaaoms_cluster_slots(redisAsyncContext *ac,
    void *reply, void *privdata);


/* the seeds, and the slot map read before the first request */
void
ngx_http_elaaoms_cluster_init(ngx_cycle_t *cycle,
    ngx_http_elaaoms_redis_conf_t *conf)
{
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_seed_t  *seed;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    /* before the seeds: a node's address text says host:port on a cluster */
    rd->slots = ngx_calloc(ELAAOMS_CLUSTER_SLOTS, cycle->log);
    if (rd->slots == NULL) {
        return;
    }

    seed = conf->seeds->elts;

    for (i = 0; i < conf->seeds->nelts; i++) {
        (void) ngx_http_elaaoms_redis_node(seed[i].host,
                                           ngx_strlen(seed[i].host),
                                           seed[i].port);
    }

    rd->nseeds = rd->nnodes;

    rd->refresh_timer.handler = ngx_http_elaaoms_cluster_refresh_handler;
    rd->refresh_timer.data = rd;
    rd->refresh_timer.log = cycle->log;
    rd->refresh_timer.cancelable = 1;

    /* the slot map before the first request, in the processes that serve */
    if (ngx_process == NGX_PROCESS_WORKER
        || ngx_process == NGX_PROCESS_SINGLE)
    {
        ngx_add_timer(&rd->refresh_timer, 1);
    }
}


void
ngx_http_elaaoms_cluster_exit(void)
{
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (rd->refresh_timer.timer_set) {
        ngx_del_timer(&rd->refresh_timer);
    }

    if (rd->slots) {
        ngx_free(rd->slots);
        rd->slots = NULL;
    }
}


/*
 * The node for a command and its key's slot (-1: no key), the map read
 * again first when it is wanted; NULL when no node will take it.
 */
ngx_http_elaaoms_redis_node_t *
ngx_http_elaaoms_cluster_node_for(int argc, const char **argv,
    const size_t *argvlen, ngx_int_t *slot)
{
    ngx_int_t                       s;
    ngx_uint_t                      i;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (rd->refresh_wanted || rd->refreshed == 0) {
        ngx_http_elaaoms_cluster_refresh();
    }

    s = elaaoms_command_slot(argc, argv, argvlen);

    /* the module's own commands: a key layout bug, not an outage */
    if (s == ELAAOMS_COMMAND_CROSSSLOT || s == ELAAOMS_COMMAND_BAD) {
        ngx_log_error(NGX_LOG_ALERT, rd->log, 0,
                      "elaaoms: redis %*s: %s", argvlen[0], argv[0],
                      s == ELAAOMS_COMMAND_CROSSSLOT
                      ? "keys in different cluster slots"
                      : "no key where one is expected");
        return NULL;
    }

    *slot = s;

    nd = ngx_http_elaaoms_cluster_node_of(s);

    /* a seed that cannot be reached now: the next ones */
    for (i = 1;
         nd != NULL && nd->ac == NULL && i < rd->nseeds
         && (s < 0 || rd->slots[s] == 0)
         && ngx_http_elaaoms_redis_connect(nd) != NGX_OK;
         i++)
    {
        nd = ngx_http_elaaoms_cluster_node_of(s);
    }

    return nd;
}


/*
 * The master of the slot, else (unknown slot, or a command without keys)
 * a seed, in turn, so that one dead seed does not stop the others.
 */
ngx_http_elaaoms_redis_node_t *
ngx_http_elaaoms_cluster_node_of(ngx_int_t slot)
{
    ngx_uint_t                 i;
    ngx_http_elaaoms_redis_t  *rd = &ngx_http_elaaoms_redis;

    if (slot >= 0 && rd->slots[slot]) {
        return &rd->nodes[rd->slots[slot] - 1];
    }

    if (rd->nseeds == 0) {
        return NULL;
    }

    /* one that answered, if there is one */
    for (i = 0; i < rd->nseeds; i++) {
        if (rd->nodes[(rd->next_seed + i) % rd->nseeds].state
            != NGX_HTTP_ELAAOMS_REDIS_DOWN)
        {
            break;
        }
    }

    rd->next_seed = (rd->next_seed + i + 1) % rd->nseeds;

    return &rd->nodes[(rd->next_seed + rd->nseeds - 1) % rd->nseeds];
}


/* the kept command onto a node (after ASKING when asked to) */
ngx_int_t
ngx_http_elaaoms_cluster_send(ngx_http_elaaoms_cmd_t *c,
    ngx_http_elaaoms_redis_node_t *nd, ngx_flag_t asking)
{
    static char  asking_cmd[] = "*1\r\n$6\r\nASKING\r\n";

    if (nd == NULL) {
        return NGX_ERROR;
    }

    if (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK) {
        return NGX_ERROR;
    }

    if (asking
        && redisAsyncFormattedCommand(nd->ac, NULL, NULL, asking_cmd,
                                      sizeof(asking_cmd) - 1)
           != REDIS_OK)
    {
        return NGX_ERROR;
    }

    if (redisAsyncFormattedCommand(nd->ac, ngx_http_elaaoms_batch_reply, c,
                                   c->cmd, c->len)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    c->node = nd;

    return NGX_OK;
}


/*
 * 1 when the reply was a redirection the command follows (it is sent
 * again, or waits for the batch's retry timer); 0 to hand the reply over
 */
ngx_flag_t
ngx_http_elaaoms_cluster_redirect(ngx_http_elaaoms_cmd_t *c,
    redisReply *reply)
{
    size_t                          len;
    const u_char                   *host;
    elaaoms_redirect_t              to;
    ngx_http_elaaoms_batch_t       *b = c->b;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (reply->type != REDIS_REPLY_ERROR || c->cmd == NULL
        || b->r == NULL || b->done
        || c->redirects >= NGX_HTTP_ELAAOMS_REDIS_REDIRECTS)
    {
        return 0;
    }

    switch (elaaoms_redirect_parse(reply->str, reply->len, &to)) {

    case ELAAOMS_REDIRECT_MOVED:
    case ELAAOMS_REDIRECT_ASK:
        /* an empty host is the node that answered */
        host = to.host[0] ? (u_char *) to.host : c->node->host;
        len = ngx_strlen(host);

        nd = ngx_http_elaaoms_redis_node(host, len, to.port);
        if (nd == NULL) {
            return 0;
        }

        c->redirects++;

        if (to.kind == ELAAOMS_REDIRECT_MOVED) {
            rd->slots[to.slot] = (uint8_t) (nd - rd->nodes + 1);
            rd->refresh_wanted = 1;
        }

        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                       "elaaoms: redis slot %ui %s %V",
                       (ngx_uint_t) to.slot,
                       to.kind == ELAAOMS_REDIRECT_MOVED ? "moved to"
                                                         : "asks at",
                       &nd->addr);

        return ngx_http_elaaoms_cluster_send(c, nd,
                                             to.kind == ELAAOMS_REDIRECT_ASK)
               == NGX_OK;

    case ELAAOMS_REDIRECT_TRYAGAIN:
    case ELAAOMS_REDIRECT_CLUSTERDOWN:
        /* the retry timer finds the inline commands only */
        if (c->heap) {
            return 0;
        }

        /* a slot moving, or a failover: again after a pause */
        c->redirects++;
        c->retry = 1;
        rd->refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }

        return 1;

    default:
        return 0;
    }
}


/* CLUSTER SLOTS from a node that answers, at most once a second */
void
ngx_http_elaaoms_cluster_refresh(void)
{
    ngx_uint_t                      i, n;
    ngx_msec_t                      now;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    static char  slots_cmd[] = "*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n";

    now = ngx_current_msec;

    if (!ngx_http_elaaoms_redis_cluster() || rd->refreshing
        || (rd->refreshed && now - rd->refreshed
                             < NGX_HTTP_ELAAOMS_REDIS_REFRESH_MS))
    {
        return;
    }

    rd->refresh_wanted = 0;
    rd->refreshed = now;

    /* a connected node first, then any that is not known to be down */
    for (n = 0; n < 2; n++) {
        for (i = 0; i < rd->nnodes; i++) {
            nd = &rd->nodes[(rd->next_seed + i) % rd->nnodes];

            if (n == 0 ? !nd->connected
                       : nd->state == NGX_HTTP_ELAAOMS_REDIS_DOWN)
            {
                continue;
            }

            if (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK)
            {
                continue;
            }

            if (redisAsyncFormattedCommand(nd->ac,
                                           ngx_http_elaaoms_cluster_slots,
                                           NULL, slots_cmd,
                                           sizeof(slots_cmd) - 1)
                == REDIS_OK)
            {
                rd->refreshing = 1;
                return;
            }
        }
    }
}


static void
ngx_http_elaaoms_cluster_refresh_handler(ngx_event_t *ev)
{
    ngx_http_elaaoms_cluster_refresh();
}


static void
ngx_http_elaaoms_cluster_slots(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    char                            err[256];
    uint8_t                         idx;
    ngx_uint_t                      i, s, covered;
    elaaoms_slot_map_t              map;
    ngx_http_elaaoms_redis_node_t  *nd, *from;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    rd->refreshing = 0;

    if (rd->slots == NULL) {
        return;
    }

    if (reply == NULL) {
        /* that node is down (marked so): another one, soon, not in here */
        rd->refreshed = 0;

        if (!rd->refresh_timer.timer_set && !ngx_exiting && !ngx_quit) {
            ngx_add_timer(&rd->refresh_timer, 10);
        }

        return;
    }

    from = ac->data;

    if (elaaoms_slot_map_parse(&map, reply, (const char *) from->host, err,
                               sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "elaaoms: redis at %V: unusable CLUSTER SLOTS: %s",
                      &from->addr, err);
        return;
    }

    covered = 0;

    for (i = 0; i < map.nranges; i++) {
        nd = ngx_http_elaaoms_redis_node(
                 (u_char *) map.ranges[i].master.host,
                 ngx_strlen(map.ranges[i].master.host),
                 map.ranges[i].master.port);
        if (nd == NULL) {
            continue;
        }

        idx = (uint8_t) (nd - rd->nodes + 1);

        for (s = map.ranges[i].first; s <= map.ranges[i].last; s++) {
            rd->slots[s] = idx;
        }

        covered += map.ranges[i].last - map.ranges[i].first + 1;
    }

    elaaoms_slot_map_free(&map);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rd->log, 0,
                   "elaaoms: redis cluster map from %V: %ui slots",
                   &from->addr, covered);
}

