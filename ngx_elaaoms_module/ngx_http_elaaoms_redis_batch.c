/*
 * A request's batch of Redis commands (ngx_http_elaaoms_redis.h): pipelined,
 * each reply handed over as it comes, on_done once at the end, a timer
 * over the whole.  A queued hiredis callback cannot be cancelled, so a
 * batch lives on the heap until its last reply even when its request has
 * gone.  On a cluster, the commands of a batch may wait on several nodes
 * and are sent again when redirected (ngx_http_elaaoms_redis_cluster.c).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_elaaoms_redis_internal.h"
#include "ngx_http_elaaoms_metrics.h"
#include "cluster/key_slot.h"


static void ngx_http_elaaoms_batch_release(ngx_http_elaaoms_cmd_t *c);
static void ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b,
    ngx_int_t rc);
static void ngx_http_elaaoms_batch_timeout(ngx_event_t *ev);
static void ngx_http_elaaoms_batch_retry(ngx_event_t *ev);
static void ngx_http_elaaoms_batch_cleanup(void *data);


ngx_http_elaaoms_batch_t *
ngx_http_elaaoms_batch_create(ngx_http_request_t *r,
    ngx_http_elaaoms_reply_pt on_reply, ngx_http_elaaoms_done_pt on_done,
    void *data)
{
    ngx_pool_cleanup_t        *cln;
    ngx_http_elaaoms_batch_t  *b;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    /* on the heap: hiredis may call back after the request has gone */
    b = ngx_alloc(sizeof(ngx_http_elaaoms_batch_t), r->connection->log);
    if (b == NULL) {
        return NULL;
    }

    /* the commands are set as they are added */
    ngx_memzero(b, offsetof(ngx_http_elaaoms_batch_t, inline_cmds));
    b->done = 0;
    b->tx_slot = -1;

    b->r = r;
    b->on_reply = on_reply;
    b->on_done = on_done;
    b->data = data;

    b->timer.handler = ngx_http_elaaoms_batch_timeout;
    b->timer.data = b;
    b->timer.log = r->connection->log;

    b->retry.handler = ngx_http_elaaoms_batch_retry;
    b->retry.data = b;
    b->retry.log = r->connection->log;

    cln->handler = ngx_http_elaaoms_batch_cleanup;
    cln->data = b;

    return b;
}


void
ngx_http_elaaoms_batch_transaction(ngx_http_elaaoms_batch_t *b,
    const char *key, size_t len)
{
    if (ngx_http_elaaoms_redis_cluster()) {
        b->tx_slot = (ngx_int_t) elaaoms_key_slot(key, len);
    }
}


ngx_int_t
ngx_http_elaaoms_batch_add(ngx_http_elaaoms_batch_t *b, int argc,
    const char **argv, const size_t *argvlen)
{
    char                            stack[1];
    ngx_int_t                       slot;
    ngx_http_elaaoms_cmd_t         *c;
    ngx_http_elaaoms_redis_node_t  *nd;
    ngx_http_elaaoms_redis_t       *rd = &ngx_http_elaaoms_redis;

    if (rd->nnodes == 0) {
        return NGX_ERROR;
    }

    slot = -1;

    if (ngx_http_elaaoms_redis_cluster()) {
        nd = ngx_http_elaaoms_cluster_node_for(argc, argv, argvlen, &slot);

        /* a transaction's MULTI, EXEC and DISCARD: its keys' master */
        if (nd != NULL && slot < 0 && b->tx_slot >= 0) {
            slot = b->tx_slot;
            nd = ngx_http_elaaoms_cluster_node_of(slot);
        }

    } else {
        nd = &rd->nodes[0];
    }

    if (nd == NULL
        || (nd->ac == NULL && ngx_http_elaaoms_redis_connect(nd) != NGX_OK))
    {
        return NGX_ERROR;
    }

    /* single Redis: replies come in order on one connection */
    if (b->node != NULL && !ngx_http_elaaoms_redis_cluster()
        && b->node->ac != nd->ac)
    {
        return NGX_ERROR;
    }

    if (b->sent < NGX_HTTP_ELAAOMS_BATCH_INLINE) {
        c = &b->inline_cmds[b->sent];
        ngx_memzero(c, sizeof(ngx_http_elaaoms_cmd_t));

    } else {
        c = ngx_calloc(sizeof(ngx_http_elaaoms_cmd_t), rd->log);
        if (c == NULL) {
            return NGX_ERROR;
        }
        c->heap = 1;
    }

    c->b = b;
    c->index = b->sent;
    c->slot = slot;
    c->tx = b->tx_slot >= 0;

    /* EXEC or DISCARD ends the transaction */
    if (c->tx && argc == 1
        && ((argvlen[0] == 4 && ngx_strncasecmp((u_char *) argv[0],
                                                 (u_char *) "EXEC", 4) == 0)
            || (argvlen[0] == 7
                && ngx_strncasecmp((u_char *) argv[0],
                                   (u_char *) "DISCARD", 7) == 0)))
    {
        b->tx_slot = -1;
    }

    if (ngx_http_elaaoms_redis_cluster()) {
        /* kept whole: a redirection sends it again */
        if (ngx_http_elaaoms_redis_format(argc, argv, argvlen, stack, 0,
                                          &c->cmd, &c->len)
            != NGX_OK
            || ngx_http_elaaoms_cluster_send(c, nd, 0) != NGX_OK)
        {
            if (c->cmd) {
                ngx_free(c->cmd);
            }
            if (c->heap) {
                ngx_free(c);
            }
            return NGX_ERROR;
        }

    } else {
        if (ngx_http_elaaoms_redis_command(nd->ac,
                                           ngx_http_elaaoms_batch_reply, c,
                                           argc, argv, argvlen)
            != NGX_OK)
        {
            if (c->heap) {
                ngx_free(c);
            }
            return NGX_ERROR;
        }

        c->node = nd;
    }

    b->node = nd;
    b->sent++;
    b->pending++;

    return NGX_OK;
}


ngx_int_t
ngx_http_elaaoms_batch_run(ngx_http_elaaoms_batch_t *b)
{
    if (b->sent == 0) {
        return NGX_ERROR;
    }

    ngx_add_timer(&b->timer, ngx_http_elaaoms_redis.conf->timeout);

    return NGX_OK;
}


void
ngx_http_elaaoms_batch_abandon(ngx_http_elaaoms_batch_t *b)
{
    /* replies still coming are counted and dropped, never handed over */
    b->done = 1;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }
}


void
ngx_http_elaaoms_batch_reply(redisAsyncContext *ac, void *reply,
    void *privdata)
{
    ngx_http_elaaoms_cmd_t *c = privdata;

    ngx_uint_t                 index;
    ngx_http_elaaoms_batch_t  *b;

    b = c->b;
    index = c->index;

    if (reply != NULL && ngx_http_elaaoms_redis_noauth(ac, reply)) {
        reply = NULL;
    }

    if (reply != NULL) {
        ngx_http_elaaoms_redis_answered(ac->data);

        /*
         * a command inside MULTI answered MOVED or ASK: EXEC will abort,
         * and the command must not run alone elsewhere
         */
        if (ngx_http_elaaoms_redis_cluster() && !c->tx
            && ngx_http_elaaoms_cluster_redirect(c, reply))
        {
            /* the command goes on: it is still pending */
            return;
        }

        if (((redisReply *) reply)->type == REDIS_REPLY_ERROR) {
            ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_ERROR);
        }

    } else if (ngx_http_elaaoms_redis_cluster() && c->cmd != NULL
               && c->node != NULL && !c->node->connected && !c->heap
               && !c->tx
               && b->r != NULL && !b->done
               && c->redirects < NGX_HTTP_ELAAOMS_REDIS_REDIRECTS)
    {
        /*
         * a node that could not be connected to never got the command: a
         * failed master, whose slots a replica may serve by now; sent
         * again after the map is read again
         */
        c->redirects++;
        c->retry = 1;
        ngx_http_elaaoms_redis.refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }

        return;
    }

    ngx_http_elaaoms_batch_release(c);
    b->pending--;

    if (b->r == NULL) {
        if (b->pending == 0) {
            ngx_free(b);
        }
        return;
    }

    if (b->done) {
        return;
    }

    if (reply == NULL) {
        ngx_http_elaaoms_batch_finish(b, NGX_ERROR);
        return;
    }

    b->on_reply(b->r, b->data, index, reply);

    if (b->pending == 0) {
        ngx_http_elaaoms_batch_finish(b, NGX_OK);
    }
}


/* a command's own memory, once its last reply is in */
static void
ngx_http_elaaoms_batch_release(ngx_http_elaaoms_cmd_t *c)
{
    if (c->cmd) {
        ngx_free(c->cmd);
        c->cmd = NULL;
    }

    if (c->heap) {
        ngx_free(c);
    }
}


static void
ngx_http_elaaoms_batch_finish(ngx_http_elaaoms_batch_t *b, ngx_int_t rc)
{
    b->done = 1;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }

    /* last use of b: finishing the request may free it */
    b->on_done(b->r, b->data, rc);
}


static void
ngx_http_elaaoms_batch_timeout(ngx_event_t *ev)
{
    ngx_http_elaaoms_batch_t  *b = ev->data;

    ngx_http_elaaoms_redis_node_t  *nd;

    nd = b->node;

    ngx_http_elaaoms_metrics_event(NGX_HTTP_ELAAOMS_MET_REDIS_TIMEOUT);

    /* the request's part: the outage itself is logged once, by drop() */
    ngx_log_error(NGX_LOG_INFO, ev->log, 0,
                  "elaaoms: redis did not answer within %M ms",
                  ngx_http_elaaoms_redis.conf->timeout);

    ngx_http_elaaoms_batch_finish(b, NGX_ERROR);

    /*
     * a Redis that does not answer in time is treated as down (on a
     * cluster, the node of the batch's last command)
     */
    if (nd != NULL && nd->ac != NULL) {
        ngx_http_elaaoms_redis_drop(nd, "a command timed out");
    }
}


/* cluster: the commands told TRYAGAIN or CLUSTERDOWN, sent again */
static void
ngx_http_elaaoms_batch_retry(ngx_event_t *ev)
{
    ngx_http_elaaoms_batch_t  *b = ev->data;

    ngx_uint_t               i, n;
    ngx_http_elaaoms_cmd_t  *c;

    if (ngx_http_elaaoms_redis.refresh_wanted) {
        ngx_http_elaaoms_cluster_refresh();
    }

    n = ngx_min(b->sent, NGX_HTTP_ELAAOMS_BATCH_INLINE);

    /* commands past the inline ones are not found here: they fail */
    for (i = 0; i < n; i++) {
        c = &b->inline_cmds[i];

        if (!c->retry) {
            continue;
        }

        if (ngx_http_elaaoms_cluster_send(c,
                ngx_http_elaaoms_cluster_node_of(c->slot), 0)
            == NGX_OK)
        {
            c->retry = 0;
            continue;
        }

        /* its node still refuses: again later, a bounded number of times */
        if (++c->redirects >= NGX_HTTP_ELAAOMS_REDIS_REDIRECTS) {
            ngx_http_elaaoms_batch_finish(b, NGX_ERROR);
            return;
        }

        ngx_http_elaaoms_redis.refresh_wanted = 1;

        if (!b->retry.timer_set) {
            ngx_add_timer(&b->retry, NGX_HTTP_ELAAOMS_REDIS_RETRY_MS);
        }
    }
}


static void
ngx_http_elaaoms_batch_cleanup(void *data)
{
    ngx_http_elaaoms_batch_t  *b = data;

    ngx_uint_t               i, n;
    ngx_http_elaaoms_cmd_t  *c;

    b->r = NULL;

    if (b->timer.timer_set) {
        ngx_del_timer(&b->timer);
    }

    if (b->retry.timer_set) {
        ngx_del_timer(&b->retry);
    }

    /* commands waiting to be sent again never will be: not pending */
    n = ngx_min(b->sent, NGX_HTTP_ELAAOMS_BATCH_INLINE);

    for (i = 0; i < n; i++) {
        c = &b->inline_cmds[i];

        if (c->retry) {
            c->retry = 0;
            ngx_http_elaaoms_batch_release(c);
            b->pending--;
        }
    }

    if (b->pending == 0) {
        ngx_free(b);
    }
}
