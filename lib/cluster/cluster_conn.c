/*
 * The cluster client's connections to nodes (see cluster_internal.h):
 * made when first needed, AUTH on each, one request written at a time.
 */

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_internal.h"


elaaoms_cluster_conn_t *
elaaoms_cluster_conn(elaaoms_cluster_t *c, const char *host, int port)
{
    size_t                    i, cap;
    elaaoms_cluster_conn_t   *conn, **conns;

    for (i = 0; i < c->nconns; i++) {
        if (c->conns[i]->port == port && strcmp(c->conns[i]->host, host) == 0)
        {
            return c->conns[i];
        }
    }

    if (strlen(host) >= sizeof(conn->host)) {
        return NULL;
    }

    if (c->nconns == c->cap) {
        cap = c->cap ? c->cap * 2 : 8;
        conns = realloc(c->conns, cap * sizeof(*conns));
        if (conns == NULL) {
            return NULL;
        }
        c->conns = conns;
        c->cap = cap;
    }

    conn = calloc(1, sizeof(*conn));
    if (conn == NULL) {
        return NULL;
    }

    strcpy(conn->host, host);
    conn->port = port;
    c->conns[c->nconns++] = conn;

    return conn;
}


void
elaaoms_cluster_conn_close(elaaoms_cluster_conn_t *conn)
{
    if (conn->ctx != NULL) {
        redisFree(conn->ctx);
        conn->ctx = NULL;
    }
}


/* AUTH [user] password on a new connection */
static int
elaaoms_cluster_conn_auth(elaaoms_cluster_t *c, elaaoms_cluster_conn_t *conn,
    char *err, size_t errlen)
{
    int           argc, rc;
    size_t        argvlen[3];
    const char   *argv[3];
    redisReply   *r;

    argc = 0;
    argv[argc] = "AUTH";
    argvlen[argc++] = 4;

    if (c->user != NULL) {
        argv[argc] = c->user;
        argvlen[argc++] = strlen(c->user);
    }

    argv[argc] = c->password;
    argvlen[argc++] = strlen(c->password);

    r = redisCommandArgv(conn->ctx, argc, argv, argvlen);

    if (r == NULL) {
        snprintf(err, errlen, "AUTH at %s:%d: %s", conn->host, conn->port,
                 conn->ctx->errstr);
        return ELAAOMS_CLUSTER_UNSENT;
    }

    rc = ELAAOMS_CLUSTER_SENT;

    if (r->type == REDIS_REPLY_ERROR) {
        /* Redis' message names neither the password nor the user */
        snprintf(err, errlen, "%s:%d refused authentication: %.*s",
                 conn->host, conn->port, (int) (r->len < 200 ? r->len : 200),
                 r->str);
        rc = ELAAOMS_CLUSTER_REFUSED;
    }

    freeReplyObject(r);

    return rc;
}


/*
 * Between requests nothing may be waiting on a connection: when the fd
 * reads, the peer closed it (or broke the protocol) and the next request
 * would be lost on it
 */
static int
elaaoms_cluster_conn_stale(redisContext *ctx)
{
    struct pollfd  pfd;

    pfd.fd = ctx->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;

    return poll(&pfd, 1, 0) != 0;
}


int
elaaoms_cluster_conn_open(elaaoms_cluster_t *c, elaaoms_cluster_conn_t *conn,
    char *err, size_t errlen)
{
    int  rc;

    if (conn->ctx != NULL && elaaoms_cluster_conn_stale(conn->ctx)) {
        elaaoms_cluster_conn_close(conn);
        c->stats.reconnects++;
    }

    if (conn->ctx != NULL) {
        return ELAAOMS_CLUSTER_SENT;
    }

    conn->ctx = redisConnectWithTimeout(conn->host, conn->port, c->timeout);
    conn->opened++;

    if (conn->ctx == NULL || conn->ctx->err) {
        snprintf(err, errlen, "connect to %s:%d: %s", conn->host, conn->port,
                 conn->ctx ? conn->ctx->errstr : "out of memory");
        elaaoms_cluster_conn_close(conn);
        c->stats.unreachable++;
        return ELAAOMS_CLUSTER_UNSENT;
    }

    /* a reply never takes longer than a connect may */
    redisSetTimeout(conn->ctx, c->timeout);

    if (c->password != NULL) {
        rc = elaaoms_cluster_conn_auth(c, conn, err, errlen);
        if (rc != ELAAOMS_CLUSTER_SENT) {
            elaaoms_cluster_conn_close(conn);
            return rc;
        }
    }

    return ELAAOMS_CLUSTER_SENT;
}


static int
elaaoms_cluster_conn_append(redisContext *ctx, const char *word)
{
    size_t  len = strlen(word);

    return redisAppendCommandArgv(ctx, 1, &word, &len);
}


/* the replies of ASKING, MULTI, the commands and EXEC; 0, or -1 */
static int
elaaoms_cluster_conn_write(redisContext *ctx, const elaaoms_cluster_req_t *req,
    int asking)
{
    size_t                        i;
    const elaaoms_cluster_cmd_t  *cmd;

    if (asking && elaaoms_cluster_conn_append(ctx, "ASKING") != REDIS_OK) {
        return -1;
    }

    if (req->multi && elaaoms_cluster_conn_append(ctx, "MULTI") != REDIS_OK) {
        return -1;
    }

    for (i = 0; i < req->ncmds; i++) {
        cmd = &req->cmds[i];

        if (redisAppendCommandArgv(ctx, cmd->argc, cmd->argv, cmd->argvlen)
            != REDIS_OK)
        {
            return -1;
        }
    }

    if (req->multi && elaaoms_cluster_conn_append(ctx, "EXEC") != REDIS_OK) {
        return -1;
    }

    return 0;
}


elaaoms_cluster_sent_e
elaaoms_cluster_conn_request(elaaoms_cluster_t *c,
    elaaoms_cluster_conn_t *conn, const elaaoms_cluster_req_t *req,
    int asking, redisReply **reply, char *err, size_t errlen)
{
    int          rc;
    void        *r;
    size_t       i, nreplies;
    redisReply  *first_error, *last;

    *reply = NULL;

    rc = elaaoms_cluster_conn_open(c, conn, err, errlen);
    if (rc != ELAAOMS_CLUSTER_SENT) {
        return rc;
    }

    if (elaaoms_cluster_conn_write(conn->ctx, req, asking) != 0) {
        /* out of memory in hiredis' buffer: nothing was written */
        snprintf(err, errlen, "%s:%d: %s", conn->host, conn->port,
                 conn->ctx->errstr[0] ? conn->ctx->errstr : "out of memory");
        elaaoms_cluster_conn_close(conn);
        return ELAAOMS_CLUSTER_UNSENT;
    }

    nreplies = (asking ? 1 : 0) + req->ncmds + (req->multi ? 2 : 0);
    first_error = NULL;
    last = NULL;

    for (i = 0; i < nreplies; i++) {
        if (redisGetReply(conn->ctx, &r) != REDIS_OK || r == NULL) {
            snprintf(err, errlen, "%s:%d: %s (the command may have run)",
                     conn->host, conn->port, conn->ctx->errstr);
            elaaoms_cluster_conn_close(conn);
            freeReplyObject(first_error);
            freeReplyObject(last);
            return ELAAOMS_CLUSTER_LOST;
        }

        freeReplyObject(last);
        last = r;

        /* ASKING's +OK and MULTI's +OK tell nothing */
        if ((asking && i == 0) || (req->multi && i == (asking ? 1u : 0u))) {
            continue;
        }

        /* a command Redis would not queue: the transaction is discarded */
        if (req->multi && i + 1 < nreplies && first_error == NULL
            && last->type == REDIS_REPLY_ERROR)
        {
            first_error = last;
            last = NULL;
        }
    }

    if (first_error != NULL) {
        freeReplyObject(last);
        *reply = first_error;
    } else {
        *reply = last;
    }

    return ELAAOMS_CLUSTER_SENT;
}
