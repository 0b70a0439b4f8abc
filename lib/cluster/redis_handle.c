/*
 * The worker's Redis handle (see redis_handle.h): hiredis itself on a
 * single Redis, the cluster client on a cluster.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cluster/cluster_internal.h"
#include "cluster/command_route.h"
#include "cluster/redirect.h"
#include "cluster/redis_handle.h"
#include "cluster/resp_argv.h"


/* a reply of an appended command, or why there is none */
typedef struct {
    redisReply  *reply;
    char        *err;          /* malloc()ed; NULL with a reply */
} elaaoms_redis_queued_t;

struct elaaoms_redis_s {
    redisContext             *rc;        /* single Redis: owned */
    elaaoms_cluster_t        *cluster;   /* cluster: owned */

    /* a key context or node handle: its connection, its cluster handle */
    elaaoms_cluster_conn_t   *conn;
    elaaoms_redis_t          *parent;

    elaaoms_redis_t          *pinned;    /* cluster: its key context */

    /* a key context: the connection a WATCH went over (NULL: none) */
    elaaoms_cluster_conn_t   *watch_conn;
    unsigned long             watch_opened;

    /* cluster: the replies appended commands owe, from head */
    elaaoms_redis_queued_t   *queue;
    size_t                    head;
    size_t                    nqueued;
    size_t                    cap;

    int                       err;       /* not single: rc has its own */
    char                      errstr[256];
};


elaaoms_redis_t *
elaaoms_redis_single(redisContext *rc)
{
    elaaoms_redis_t  *h;

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        redisFree(rc);
        return NULL;
    }

    h->rc = rc;

    return h;
}


elaaoms_redis_t *
elaaoms_redis_cluster(elaaoms_cluster_t *c)
{
    elaaoms_redis_t  *h;

    h = calloc(1, sizeof(*h));
    if (h != NULL) {
        h->pinned = calloc(1, sizeof(*h->pinned));
    }

    if (h == NULL || h->pinned == NULL) {
        free(h);
        elaaoms_cluster_free(c);
        return NULL;
    }

    h->cluster = c;
    h->pinned->parent = h;

    return h;
}


static void
elaaoms_redis_queue_drop(elaaoms_redis_t *h)
{
    size_t  i;

    for (i = h->head; i < h->nqueued; i++) {
        freeReplyObject(h->queue[i].reply);
        free(h->queue[i].err);
    }

    h->head = 0;
    h->nqueued = 0;
}


void
elaaoms_redis_free(elaaoms_redis_t *h)
{
    if (h == NULL || h->parent != NULL) {
        return;
    }

    if (h->rc != NULL) {
        redisFree(h->rc);
    }

    elaaoms_redis_queue_drop(h);
    free(h->queue);
    free(h->pinned);
    elaaoms_cluster_free(h->cluster);
    free(h);
}


int
elaaoms_redis_is_cluster(const elaaoms_redis_t *h)
{
    return h->rc == NULL;
}


redisContext *
elaaoms_redis_context(const elaaoms_redis_t *h)
{
    return h->rc;
}


elaaoms_cluster_t *
elaaoms_redis_cluster_client(const elaaoms_redis_t *h)
{
    return h->parent ? h->parent->cluster : h->cluster;
}


int
elaaoms_redis_err(const elaaoms_redis_t *h)
{
    return h->rc ? h->rc->err : h->err;
}


const char *
elaaoms_redis_errstr(const elaaoms_redis_t *h)
{
    return h->rc ? h->rc->errstr : h->errstr;
}


/* the redirection an error reply is, or ELAAOMS_REDIRECT_NONE */
static elaaoms_redirect_kind_e
elaaoms_redis_redirect(const redisReply *r)
{
    elaaoms_redirect_t  to;

    if (r == NULL || r->type != REDIS_REPLY_ERROR) {
        return ELAAOMS_REDIRECT_NONE;
    }

    return elaaoms_redirect_parse(r->str, r->len, &to);
}


int
elaaoms_redis_reply_moved(const redisReply *r)
{
    elaaoms_redirect_kind_e  kind;

    kind = elaaoms_redis_redirect(r);

    return kind == ELAAOMS_REDIRECT_MOVED || kind == ELAAOMS_REDIRECT_ASK;
}


static void
elaaoms_redis_fail(elaaoms_redis_t *h, const char *fmt, const char *arg)
{
    h->err = REDIS_ERR_OTHER;
    snprintf(h->errstr, sizeof(h->errstr), fmt, arg);
}


/* --- a key context or node: one cluster connection ------------------------ */

/*
 * UNWATCH over the connection the last WATCH went over (else the key
 * context's), when it is still that connection: a WATCH left behind on a
 * connection would abort the next transaction another sequence runs over
 * it.  The reply, or NULL when there is no such connection (nothing is
 * watched) or it failed (it is closed).
 */
static redisReply *
elaaoms_redis_unwatch(elaaoms_redis_t *p)
{
    redisReply              *r;
    elaaoms_cluster_conn_t  *conn;

    conn = p->watch_conn ? p->watch_conn : p->conn;

    if (conn == NULL || conn->ctx == NULL
        || (conn == p->watch_conn && p->watch_opened != conn->opened))
    {
        p->watch_conn = NULL;
        return NULL;
    }

    p->watch_conn = NULL;

    r = redisCommand(conn->ctx, "UNWATCH");
    if (r == NULL) {
        elaaoms_cluster_conn_close(conn);
    }

    return r;
}


/* name (len bytes) is word, whatever the case */
static int
elaaoms_redis_is(const char *name, size_t len, const char *word)
{
    return len == strlen(word) && strncasecmp(name, word, len) == 0;
}


/*
 * The connection's context for a command named name (len bytes; NULL:
 * a reply read), or NULL (errstr set) when it was closed.  A MULTI must
 * go over the very connection its WATCH went over: not over another
 * (the map changed meanwhile), nor over the same node's made again (the
 * WATCH is gone with the old one), where EXEC would run unguarded.
 */
static redisContext *
elaaoms_redis_pinned_ctx(elaaoms_redis_t *h, const char *name, size_t len)
{
    if (h->conn->ctx == NULL) {
        elaaoms_redis_fail(h, "%s", "the connection of the key context was "
                           "closed: start the sequence again");
        return NULL;
    }

    if (name == NULL) {
        return h->conn->ctx;
    }

    if (elaaoms_redis_is(name, len, "WATCH")) {
        h->watch_conn = h->conn;
        h->watch_opened = h->conn->opened;

    } else if (elaaoms_redis_is(name, len, "MULTI")) {
        if (h->watch_conn != NULL
            && (h->watch_conn != h->conn
                || h->watch_opened != h->conn->opened))
        {
            freeReplyObject(elaaoms_redis_unwatch(h));
            elaaoms_redis_fail(h, "%s", "the WATCH before this MULTI went "
                               "over another connection: start the "
                               "sequence again");
            return NULL;
        }

    } else if (elaaoms_redis_is(name, len, "EXEC")
               || elaaoms_redis_is(name, len, "DISCARD")
               || elaaoms_redis_is(name, len, "UNWATCH"))
    {
        h->watch_conn = NULL;
    }

    return h->conn->ctx;
}


/* a format's command name: its first word, unless it is a conversion */
static size_t
elaaoms_redis_fmt_name(const char *fmt)
{
    return fmt[0] == '%' ? 0 : strcspn(fmt, " ");
}


/*
 * After a request on the connection: no answer closes it (the cluster
 * client makes it again), MOVED reads the slot map again; both it and
 * ASK count in the client's stats
 */
static void *
elaaoms_redis_pinned_reply(elaaoms_redis_t *h, void *reply)
{
    char  ignored[256];

    if (reply == NULL) {
        elaaoms_redis_fail(h, "%s", h->conn->ctx->errstr[0]
                                    ? h->conn->ctx->errstr : "no reply");
        elaaoms_cluster_conn_close(h->conn);
        return NULL;
    }

    switch (elaaoms_redis_redirect(reply)) {

    case ELAAOMS_REDIRECT_MOVED:
        h->parent->cluster->stats.moved++;
        (void) elaaoms_cluster_refresh(h->parent->cluster, ignored,
                                       sizeof(ignored));
        break;

    case ELAAOMS_REDIRECT_ASK:
        /* a migration under way: the map stays, the sequence fails */
        h->parent->cluster->stats.ask++;
        break;

    default:
        break;
    }

    return reply;
}


/*
 * argv on the key context.  A WATCH its node answers MOVED (the map was
 * stale: the slot moved for good), or does not answer (the node died, or
 * closed the connection), goes once to the slot's master as the cluster
 * client finds it then (waiting out a failover), and the key context with
 * it: a sequence starts with its WATCH, nothing of it ran yet.
 */
static redisReply *
elaaoms_redis_pinned_argv(elaaoms_redis_t *h, int argc, const char **argv,
    const size_t *argvlen)
{
    size_t                   len;
    redisReply              *r;
    redisContext            *ctx;
    elaaoms_cluster_conn_t  *conn;

    len = argc > 0 ? (argvlen ? argvlen[0] : strlen(argv[0])) : 0;

    ctx = elaaoms_redis_pinned_ctx(h, argc > 0 ? argv[0] : "", len);
    if (ctx == NULL) {
        return NULL;
    }

    r = elaaoms_redis_pinned_reply(h, redisCommandArgv(ctx, argc, argv,
                                                       argvlen));

    if ((r != NULL && elaaoms_redis_redirect(r) != ELAAOMS_REDIRECT_MOVED)
        || argc < 2 || !elaaoms_redis_is(argv[0], len, "WATCH"))
    {
        return r;
    }

    len = argvlen ? argvlen[1] : strlen(argv[1]);
    conn = elaaoms_cluster_key_conn(h->parent->cluster, argv[1], len,
                                    h->errstr, sizeof(h->errstr));
    if (conn == NULL || (r != NULL && conn == h->conn)) {
        return r;
    }

    freeReplyObject(r);
    h->conn = conn;
    h->err = 0;
    h->errstr[0] = '\0';
    h->watch_conn = conn;
    h->watch_opened = conn->opened;

    return elaaoms_redis_pinned_reply(h, redisCommandArgv(conn->ctx, argc,
                                                          argv, argvlen));
}


/* --- a cluster ------------------------------------------------------------ */

/* the reply "+OK", as hiredis would have built it */
static redisReply *
elaaoms_redis_status_ok(elaaoms_redis_t *h)
{
    void         *r;
    redisReader  *reader;

    r = NULL;
    reader = redisReaderCreate();

    if (reader == NULL || redisReaderFeed(reader, "+OK\r\n", 5) != REDIS_OK
        || redisReaderGetReply(reader, &r) != REDIS_OK || r == NULL)
    {
        elaaoms_redis_fail(h, "%s", "out of memory");
    }

    if (reader != NULL) {
        redisReaderFree(reader);
    }

    return r;
}


/* argv routed and sent; NULL with errstr set */
static redisReply *
elaaoms_redis_cluster_argv(elaaoms_redis_t *h, int argc, const char **argv,
    const size_t *argvlen)
{
    int          route;
    redisReply  *r;

    route = elaaoms_command_route(argc, argv, argvlen);

    /* what a sequence watched is on the connection its WATCH went over */
    if (route == ELAAOMS_COMMAND_CONNECTION && argc == 1 && argvlen[0] == 7
        && strncasecmp(argv[0], "UNWATCH", 7) == 0)
    {
        r = elaaoms_redis_unwatch(h->pinned);

        /* no connection, nothing watched */
        return r ? r : elaaoms_redis_status_ok(h);
    }

    if (route < ELAAOMS_COMMAND_NO_KEY) {
        h->err = REDIS_ERR_OTHER;
        snprintf(h->errstr, sizeof(h->errstr), "%.*s on a cluster: %s",
                 argc > 0 ? (int) (argvlen[0] < 32 ? argvlen[0] : 32) : 0,
                 argc > 0 ? argv[0] : "", elaaoms_command_route_error(route));
        return NULL;
    }

    if (elaaoms_cluster_command_at(h->cluster, route, argc, argv, argvlen, &r,
                                   h->errstr, sizeof(h->errstr))
        != ELAAOMS_CLUSTER_OK)
    {
        h->err = REDIS_ERR_IO;
        return NULL;
    }

    return r;
}


/* a formatted command routed and sent; NULL with errstr set */
static redisReply *
elaaoms_redis_cluster_formatted(elaaoms_redis_t *h, char *cmd, int len)
{
    redisReply           *r;
    elaaoms_resp_argv_t   a;

    if (len < 0) {
        elaaoms_redis_fail(h, "%s", "cannot format the command");
        return NULL;
    }

    r = NULL;

    if (elaaoms_resp_argv_parse(&a, cmd, (size_t) len) != 0) {
        elaaoms_redis_fail(h, "%s", "cannot read the formatted command back");
    } else {
        r = elaaoms_redis_cluster_argv(h, a.argc, a.argv, a.argvlen);
    }

    elaaoms_resp_argv_free(&a);
    redisFreeCommand(cmd);

    return r;
}


/* argvlen of argv by strlen() when not given: in small, or malloc()ed */
static const size_t *
elaaoms_redis_lens(int argc, const char **argv, const size_t *argvlen,
    size_t *small, size_t nsmall, size_t **owned)
{
    int      i;
    size_t  *lens;

    *owned = NULL;

    if (argvlen != NULL) {
        return argvlen;
    }

    lens = small;

    if ((size_t) argc > nsmall) {
        lens = malloc((size_t) argc * sizeof(*lens));
        if (lens == NULL) {
            return NULL;
        }
        *owned = lens;
    }

    for (i = 0; i < argc; i++) {
        lens[i] = strlen(argv[i]);
    }

    return lens;
}


static redisReply *
elaaoms_redis_cluster_command_argv(elaaoms_redis_t *h, int argc,
    const char **argv, const size_t *argvlen)
{
    size_t        small[16], *owned;
    redisReply   *r;
    const size_t *lens;

    lens = elaaoms_redis_lens(argc, argv, argvlen, small, 16, &owned);
    if (lens == NULL) {
        elaaoms_redis_fail(h, "%s", "out of memory");
        return NULL;
    }

    r = elaaoms_redis_cluster_argv(h, argc, argv, lens);
    free(owned);

    return r;
}


/* a reply (or its absence: errstr) queued for get_reply */
static int
elaaoms_redis_enqueue(elaaoms_redis_t *h, redisReply *r)
{
    size_t                   cap;
    elaaoms_redis_queued_t  *q;

    if (h->nqueued == h->cap) {
        cap = h->cap ? 2 * h->cap : 16;
        q = realloc(h->queue, cap * sizeof(*q));
        if (q == NULL) {
            freeReplyObject(r);
            elaaoms_redis_fail(h, "%s", "out of memory");
            return REDIS_ERR;
        }
        h->queue = q;
        h->cap = cap;
    }

    q = &h->queue[h->nqueued++];
    q->reply = r;
    q->err = r ? NULL : strdup(h->errstr);

    return REDIS_OK;
}


/* --- the API -------------------------------------------------------------- */

redisReply *
elaaoms_redis_vcommand(elaaoms_redis_t *h, const char *fmt, va_list ap)
{
    int            len;
    char          *cmd;
    redisContext  *ctx;

    if (h->rc != NULL) {
        return redisvCommand(h->rc, fmt, ap);
    }

    if (h->conn != NULL) {
        ctx = elaaoms_redis_pinned_ctx(h, fmt, elaaoms_redis_fmt_name(fmt));
        return ctx ? elaaoms_redis_pinned_reply(h, redisvCommand(ctx, fmt, ap))
                   : NULL;
    }

    cmd = NULL;
    len = redisvFormatCommand(&cmd, fmt, ap);

    return elaaoms_redis_cluster_formatted(h, cmd, len);
}


redisReply *
elaaoms_redis_command(elaaoms_redis_t *h, const char *fmt, ...)
{
    va_list      ap;
    redisReply  *r;

    va_start(ap, fmt);
    r = elaaoms_redis_vcommand(h, fmt, ap);
    va_end(ap);

    return r;
}


redisReply *
elaaoms_redis_command_argv(elaaoms_redis_t *h, int argc, const char **argv,
    const size_t *argvlen)
{
    if (h->rc != NULL) {
        return redisCommandArgv(h->rc, argc, argv, argvlen);
    }

    if (h->conn != NULL) {
        return elaaoms_redis_pinned_argv(h, argc, argv, argvlen);
    }

    return elaaoms_redis_cluster_command_argv(h, argc, argv, argvlen);
}


int
elaaoms_redis_append(elaaoms_redis_t *h, const char *fmt, ...)
{
    int            rc, len;
    char          *cmd;
    va_list        ap;
    redisContext  *ctx;

    va_start(ap, fmt);

    if (h->rc != NULL) {
        rc = redisvAppendCommand(h->rc, fmt, ap);

    } else if (h->conn != NULL) {
        ctx = elaaoms_redis_pinned_ctx(h, fmt, elaaoms_redis_fmt_name(fmt));
        rc = ctx ? redisvAppendCommand(ctx, fmt, ap) : REDIS_ERR;

    } else {
        cmd = NULL;
        len = redisvFormatCommand(&cmd, fmt, ap);
        rc = elaaoms_redis_enqueue(h,
                 elaaoms_redis_cluster_formatted(h, cmd, len));
    }

    va_end(ap);

    return rc;
}


int
elaaoms_redis_append_argv(elaaoms_redis_t *h, int argc, const char **argv,
    const size_t *argvlen)
{
    redisContext  *ctx;

    if (h->rc != NULL) {
        return redisAppendCommandArgv(h->rc, argc, argv, argvlen);
    }

    if (h->conn != NULL) {
        ctx = elaaoms_redis_pinned_ctx(h, argc > 0 ? argv[0] : "",
                                       argc < 1 ? 0
                                       : argvlen ? argvlen[0]
                                       : strlen(argv[0]));
        return ctx ? redisAppendCommandArgv(ctx, argc, argv, argvlen)
                   : REDIS_ERR;
    }

    return elaaoms_redis_enqueue(h,
               elaaoms_redis_cluster_command_argv(h, argc, argv, argvlen));
}


int
elaaoms_redis_get_reply(elaaoms_redis_t *h, void **reply)
{
    redisContext            *ctx;
    elaaoms_redis_queued_t  *q;

    *reply = NULL;

    if (h->rc != NULL) {
        return redisGetReply(h->rc, reply);
    }

    if (h->conn != NULL) {
        ctx = elaaoms_redis_pinned_ctx(h, NULL, 0);
        if (ctx == NULL || redisGetReply(ctx, reply) != REDIS_OK) {
            if (ctx != NULL) {
                (void) elaaoms_redis_pinned_reply(h, NULL);
            }
            return REDIS_ERR;
        }
        (void) elaaoms_redis_pinned_reply(h, *reply);
        return REDIS_OK;
    }

    if (h->head == h->nqueued) {
        elaaoms_redis_fail(h, "%s", "no reply owed");
        return REDIS_ERR;
    }

    q = &h->queue[h->head++];
    *reply = q->reply;

    if (q->reply == NULL) {
        elaaoms_redis_fail(h, "%s", q->err ? q->err : "out of memory");
        free(q->err);
    }

    if (h->head == h->nqueued) {
        h->head = 0;
        h->nqueued = 0;
    }

    return *reply ? REDIS_OK : REDIS_ERR;
}


redisReply *
elaaoms_redis_eval(elaaoms_redis_t *h, int argc, const char **argv,
    const size_t *argvlen, const char *script, size_t script_len)
{
    size_t        small[16], *owned;
    redisReply   *r;
    const char  **eval_argv;
    const size_t *lens;
    size_t       *eval_lens;

    lens = elaaoms_redis_lens(argc, argv, argvlen, small, 16, &owned);
    if (lens == NULL) {
        elaaoms_redis_fail(h, "%s", "out of memory");
        return NULL;
    }

    if (h->cluster != NULL) {
        if (elaaoms_cluster_eval(h->cluster, argc, argv, lens, script,
                                 script_len, &r, h->errstr,
                                 sizeof(h->errstr))
            != ELAAOMS_CLUSTER_OK)
        {
            h->err = REDIS_ERR_IO;
            r = NULL;
        }
        free(owned);
        return r;
    }

    r = elaaoms_redis_command_argv(h, argc, argv, lens);

    if (r != NULL && elaaoms_cluster_noscript(r, argc, argv, lens, script)) {
        /* this Redis has not seen the script (a restart, SCRIPT FLUSH) */
        freeReplyObject(r);
        r = NULL;

        if (elaaoms_cluster_eval_argv(argc, argv, lens, script, script_len,
                                      &eval_argv, &eval_lens)
            == 0)
        {
            r = elaaoms_redis_command_argv(h, argc, eval_argv, eval_lens);
            free(eval_argv);
            free(eval_lens);

        } else {
            elaaoms_redis_fail(h, "%s", "out of memory");
        }
    }

    free(owned);

    return r;
}


/* the cluster handle's kept handle, now on conn */
static elaaoms_redis_t *
elaaoms_redis_pin(elaaoms_redis_t *h, elaaoms_cluster_conn_t *conn)
{
    elaaoms_redis_t  *p;

    p = h->pinned;
    p->conn = conn;
    p->err = 0;
    p->errstr[0] = '\0';

    return p;
}


elaaoms_redis_t *
elaaoms_redis_key_context(elaaoms_redis_t *h, const char *key)
{
    elaaoms_cluster_conn_t  *conn;

    if (h->parent != NULL) {
        h = h->parent;
    }

    if (h->rc != NULL) {
        return h;
    }

    conn = elaaoms_cluster_key_conn(h->cluster, key, strlen(key), h->errstr,
                                    sizeof(h->errstr));
    if (conn == NULL) {
        h->err = REDIS_ERR_IO;
        return NULL;
    }

    return elaaoms_redis_pin(h, conn);
}


int
elaaoms_redis_node(elaaoms_redis_t *h, size_t i, elaaoms_redis_t **node)
{
    int                      rc;
    elaaoms_cluster_conn_t  *conn;

    if (h->parent != NULL) {
        h = h->parent;
    }

    *node = NULL;

    if (h->rc != NULL) {
        if (i > 0) {
            return 0;
        }
        *node = h;
        return 1;
    }

    rc = elaaoms_cluster_master_conn(h->cluster, i, &conn, h->errstr,
                                     sizeof(h->errstr));
    if (rc < 0) {
        h->err = REDIS_ERR_IO;
        return -1;
    }

    if (rc > 0) {
        *node = elaaoms_redis_pin(h, conn);
    }

    return rc;
}
