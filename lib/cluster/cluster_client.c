/*
 * The blocking Redis Cluster client (see cluster_client.h): the slot map,
 * routing by slot, redirections and bounded retries.  Connections and the
 * wire are cluster_conn.c's.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cluster/cluster_internal.h"
#include "cluster/key_slot.h"
#include "cluster/redirect.h"


#define ELAAOMS_CLUSTER_TIMEOUT_MS     2000
#define ELAAOMS_CLUSTER_REDIRECTS      16
#define ELAAOMS_CLUSTER_RETRIES        20
#define ELAAOMS_CLUSTER_RETRY_MS       50
#define ELAAOMS_CLUSTER_RETRY_MAX_MS   1000

/* no key: any master serves the command */
#define ELAAOMS_CLUSTER_ANY_SLOT       (-1)


static char *
elaaoms_cluster_strdup_or_null(const char *s, int *oom)
{
    char  *d;

    if (s == NULL || s[0] == '\0') {
        return NULL;
    }

    d = strdup(s);
    if (d == NULL) {
        *oom = 1;
    }

    return d;
}


elaaoms_cluster_t *
elaaoms_cluster_create(const elaaoms_cluster_conf_t *cf, char *err,
    size_t errlen)
{
    int                 oom, port, ms;
    char                host[ELAAOMS_CLUSTER_HOST_MAX];
    size_t              i;
    elaaoms_cluster_t  *c;

    if (cf->nseeds == 0) {
        snprintf(err, errlen, "no seed node");
        return NULL;
    }

    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    oom = 0;
    c->user = elaaoms_cluster_strdup_or_null(cf->user, &oom);
    c->password = elaaoms_cluster_strdup_or_null(cf->password, &oom);

    ms = cf->timeout_ms > 0 ? cf->timeout_ms : ELAAOMS_CLUSTER_TIMEOUT_MS;
    c->timeout.tv_sec = ms / 1000;
    c->timeout.tv_usec = (ms % 1000) * 1000;
    c->max_redirects = cf->max_redirects ? cf->max_redirects
                                         : ELAAOMS_CLUSTER_REDIRECTS;
    c->max_retries = cf->max_retries ? cf->max_retries
                                     : ELAAOMS_CLUSTER_RETRIES;
    c->retry_ms = cf->retry_ms ? cf->retry_ms : ELAAOMS_CLUSTER_RETRY_MS;

    for (i = 0; i < cf->nseeds && !oom; i++) {
        if (elaaoms_cluster_addr_parse(cf->seeds[i], strlen(cf->seeds[i]),
                                       host, sizeof(host), &port)
            != 0 || host[0] == '\0')
        {
            snprintf(err, errlen, "seed \"%s\" is not host:port",
                     cf->seeds[i]);
            elaaoms_cluster_free(c);
            return NULL;
        }

        oom = elaaoms_cluster_conn(c, host, port) == NULL;
    }

    if (oom) {
        snprintf(err, errlen, "out of memory");
        elaaoms_cluster_free(c);
        return NULL;
    }

    c->nseeds = c->nconns;

    return c;
}


void
elaaoms_cluster_free(elaaoms_cluster_t *c)
{
    size_t  i;

    if (c == NULL) {
        return;
    }

    for (i = 0; i < c->nconns; i++) {
        elaaoms_cluster_conn_close(c->conns[i]);
        free(c->conns[i]);
    }

    free(c->conns);
    elaaoms_slot_map_free(&c->map);
    free(c->user);
    free(c->password);
    free(c);
}


const elaaoms_cluster_stats_t *
elaaoms_cluster_stats(const elaaoms_cluster_t *c)
{
    return &c->stats;
}


/* CLUSTER SLOTS at one node into *map: 0, or -1 with err */
static int
elaaoms_cluster_read_map(elaaoms_cluster_t *c, elaaoms_cluster_conn_t *conn,
    elaaoms_slot_map_t *map, char *err, size_t errlen)
{
    int                     rc;
    redisReply             *r;
    const char             *argv[2] = { "CLUSTER", "SLOTS" };
    size_t                  argvlen[2] = { 7, 5 };
    elaaoms_cluster_cmd_t   cmd = { 2, argv, argvlen, { 0, 0, 1 } };
    elaaoms_cluster_req_t   req = { &cmd, 1, 0 };

    if (elaaoms_cluster_conn_request(c, conn, &req, 0, &r, err, errlen)
        != ELAAOMS_CLUSTER_SENT)
    {
        return -1;
    }

    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "CLUSTER SLOTS at %s:%d: %.*s", conn->host,
                 conn->port, (int) (r->len < 200 ? r->len : 200), r->str);
        freeReplyObject(r);
        return -1;
    }

    rc = elaaoms_slot_map_parse(map, r, conn->host, err, errlen);
    freeReplyObject(r);

    return rc;
}


/* the map of conn's CLUSTER SLOTS made the client's; 0, or -1 with err */
static int
elaaoms_cluster_take_map(elaaoms_cluster_t *c, elaaoms_cluster_conn_t *conn,
    char *err, size_t errlen)
{
    elaaoms_slot_map_t  map;

    if (elaaoms_cluster_read_map(c, conn, &map, err, errlen) != 0) {
        return -1;
    }

    /* a node that serves nothing (new, or not yet told) says little */
    if (map.nranges == 0) {
        snprintf(err, errlen, "%s:%d knows no slot", conn->host, conn->port);
        elaaoms_slot_map_free(&map);
        return -1;
    }

    elaaoms_slot_map_free(&c->map);
    c->map = map;
    c->stats.refreshes++;

    return 0;
}


/*
 * The map from first when given (the node a MOVED named knows that it
 * owns the slot now; a replica may not have heard yet), else from any node
 */
static int
elaaoms_cluster_refresh_from(elaaoms_cluster_t *c,
    elaaoms_cluster_conn_t *first, char *err, size_t errlen)
{
    int     pass;
    size_t  i, n;

    if (first != NULL && elaaoms_cluster_take_map(c, first, err, errlen) == 0)
    {
        return 0;
    }

    /* connected nodes first: asking them costs no connect */
    for (pass = 0; pass < 2; pass++) {
        n = c->nconns;

        for (i = 0; i < n; i++) {
            if ((c->conns[i]->ctx != NULL) != (pass == 0)
                || c->conns[i] == first)
            {
                continue;
            }

            if (elaaoms_cluster_take_map(c, c->conns[i], err, errlen) == 0) {
                return 0;
            }
        }
    }

    return -1;
}


int
elaaoms_cluster_refresh(elaaoms_cluster_t *c, char *err, size_t errlen)
{
    return elaaoms_cluster_refresh_from(c, NULL, err, errlen);
}


/* a pause before the attempt'th retry: retry_ms, doubled, at most 1 s */
static void
elaaoms_cluster_pause(elaaoms_cluster_t *c, unsigned attempt)
{
    unsigned long    ms;
    struct timespec  ts;

    ms = c->retry_ms;
    while (attempt-- > 1 && ms < ELAAOMS_CLUSTER_RETRY_MAX_MS) {
        ms *= 2;
    }
    if (ms > ELAAOMS_CLUSTER_RETRY_MAX_MS) {
        ms = ELAAOMS_CLUSTER_RETRY_MAX_MS;
    }

    ts.tv_sec = (time_t) (ms / 1000);
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        /* the rest of the pause */
    }
}


/*
 * The master of slot by the map; when the map has none, a node taken in
 * turn by attempt (one that does not serve the slot answers MOVED)
 */
static elaaoms_cluster_conn_t *
elaaoms_cluster_route(elaaoms_cluster_t *c, int slot, unsigned attempt)
{
    const elaaoms_slot_range_t  *range;

    range = NULL;

    if (slot != ELAAOMS_CLUSTER_ANY_SLOT) {
        range = elaaoms_slot_map_lookup(&c->map, (unsigned) slot);
    } else if (c->map.nranges > 0) {
        range = &c->map.ranges[0];
    }

    if (range == NULL) {
        return c->conns[attempt % c->nconns];
    }

    return elaaoms_cluster_conn(c, range->master.host, range->master.port);
}


/*
 * The slot of every key of the commands, or ELAAOMS_CLUSTER_ANY_SLOT when
 * they have none; ELAAOMS_CLUSTER_ERR_ARGS or _CROSSSLOT with err set
 */
static int
elaaoms_cluster_slot_of(const elaaoms_cluster_cmd_t *cmds, size_t ncmds,
    int *slot, char *err, size_t errlen)
{
    int                            i, last, key_slot;
    size_t                         n, first_len;
    const char                    *first_key;
    const elaaoms_cluster_cmd_t   *cmd;
    const elaaoms_cluster_keys_t  *k;

    *slot = ELAAOMS_CLUSTER_ANY_SLOT;
    first_key = NULL;
    first_len = 0;

    for (n = 0; n < ncmds; n++) {
        cmd = &cmds[n];
        k = &cmd->keys;

        if (cmd->argc < 1) {
            snprintf(err, errlen, "an empty command");
            return ELAAOMS_CLUSTER_ERR_ARGS;
        }

        if (k->first == 0) {
            continue;
        }

        last = k->last < 0 ? cmd->argc + k->last : k->last;

        if (k->first < 1 || k->step < 1 || last >= cmd->argc
            || last < k->first)
        {
            snprintf(err, errlen, "%.*s: keys %d..%d are not within its "
                     "%d arguments", (int) cmd->argvlen[0], cmd->argv[0],
                     k->first, k->last, cmd->argc);
            return ELAAOMS_CLUSTER_ERR_ARGS;
        }

        for (i = k->first; i <= last; i += k->step) {
            key_slot = (int) elaaoms_key_slot(cmd->argv[i], cmd->argvlen[i]);

            if (*slot == ELAAOMS_CLUSTER_ANY_SLOT) {
                *slot = key_slot;
                first_key = cmd->argv[i];
                first_len = cmd->argvlen[i] < 64 ? cmd->argvlen[i] : 64;
                continue;
            }

            if (key_slot != *slot) {
                snprintf(err, errlen, "CROSSSLOT Keys in request don't hash "
                         "to the same slot (%.*s is in %d, %.*s in %d)",
                         (int) first_len, first_key, *slot,
                         (int) (cmd->argvlen[i] < 64 ? cmd->argvlen[i] : 64),
                         cmd->argv[i], key_slot);
                return ELAAOMS_CLUSTER_ERR_CROSSSLOT;
            }
        }
    }

    return ELAAOMS_CLUSTER_OK;
}


/* the map has the slot of a MOVED at its target already */
static int
elaaoms_cluster_map_says(elaaoms_cluster_t *c, const elaaoms_redirect_t *to,
    const char *origin_host)
{
    const char                  *host;
    const elaaoms_slot_range_t  *range;

    range = elaaoms_slot_map_lookup(&c->map, to->slot);
    host = to->host[0] ? to->host : origin_host;

    return range != NULL && range->master.port == to->port
           && strcmp(range->master.host, host) == 0;
}


/*
 * req to the node of slot, following redirections; the one loop of every
 * request
 */
static int
elaaoms_cluster_run(elaaoms_cluster_t *c, const elaaoms_cluster_req_t *req,
    int slot, redisReply **reply, char *err, size_t errlen)
{
    int                       rc, asking;
    char                      ignored[256];
    unsigned                  redirects, retries;
    redisReply               *r;
    elaaoms_redirect_t        to;
    elaaoms_cluster_conn_t   *conn, *target;

    *reply = NULL;
    redirects = 0;
    retries = 0;
    target = NULL;
    asking = 0;

    if (c->map.nranges == 0) {
        /* no map yet (or none could be read): the seeds answer MOVED */
        (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
    }

    for ( ;; ) {
        conn = target ? target : elaaoms_cluster_route(c, slot, retries);
        if (conn == NULL) {
            snprintf(err, errlen, "out of memory");
            return ELAAOMS_CLUSTER_ERR_IO;
        }

        rc = elaaoms_cluster_conn_request(c, conn, req, asking, &r, err,
                                          errlen);
        target = NULL;
        asking = 0;

        if (rc == ELAAOMS_CLUSTER_REFUSED) {
            return ELAAOMS_CLUSTER_ERR_AUTH;
        }

        if (rc == ELAAOMS_CLUSTER_LOST) {
            (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
            return ELAAOMS_CLUSTER_ERR_IO;
        }

        if (rc == ELAAOMS_CLUSTER_UNSENT) {
            /* the node is gone (failover) or not up yet */
            if (++retries > c->max_retries) {
                return ELAAOMS_CLUSTER_ERR_IO;
            }
            elaaoms_cluster_pause(c, retries);
            (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
            continue;
        }

        if (r->type != REDIS_REPLY_ERROR
            || elaaoms_redirect_parse(r->str, r->len, &to)
               == ELAAOMS_REDIRECT_NONE)
        {
            *reply = r;
            return ELAAOMS_CLUSTER_OK;
        }

        switch (to.kind) {

        case ELAAOMS_REDIRECT_MOVED:
        case ELAAOMS_REDIRECT_ASK:
            if (++redirects > c->max_redirects) {
                *reply = r;
                return ELAAOMS_CLUSTER_OK;
            }

            /* no endpoint announced: the host we reached the node at */
            target = elaaoms_cluster_conn(c, to.host[0] ? to.host
                                                        : conn->host,
                                          to.port);

            if (to.kind == ELAAOMS_REDIRECT_MOVED) {
                c->stats.moved++;

                /* once per new layout, not once per slot of a reshard */
                if (!elaaoms_cluster_map_says(c, &to, conn->host)) {
                    (void) elaaoms_cluster_refresh_from(c, target, ignored,
                                                        sizeof(ignored));
                }

            } else {
                c->stats.ask++;
                asking = 1;
            }
            break;

        default:   /* TRYAGAIN, CLUSTERDOWN */
            if (++retries > c->max_retries) {
                *reply = r;
                return ELAAOMS_CLUSTER_OK;
            }

            if (to.kind == ELAAOMS_REDIRECT_TRYAGAIN) {
                c->stats.tryagain++;
            } else {
                c->stats.clusterdown++;
            }

            elaaoms_cluster_pause(c, retries);

            if (to.kind == ELAAOMS_REDIRECT_CLUSTERDOWN) {
                (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
            }
            break;
        }

        freeReplyObject(r);
    }
}


int
elaaoms_cluster_command_keys(elaaoms_cluster_t *c, int argc,
    const char **argv, const size_t *argvlen,
    const elaaoms_cluster_keys_t *keys, redisReply **reply, char *err,
    size_t errlen)
{
    int                     rc, slot;
    elaaoms_cluster_cmd_t   cmd = { argc, argv, argvlen, *keys };
    elaaoms_cluster_req_t   req = { &cmd, 1, 0 };

    *reply = NULL;

    rc = elaaoms_cluster_slot_of(&cmd, 1, &slot, err, errlen);
    if (rc != ELAAOMS_CLUSTER_OK) {
        return rc;
    }

    return elaaoms_cluster_run(c, &req, slot, reply, err, errlen);
}


int
elaaoms_cluster_command_at(elaaoms_cluster_t *c, int slot, int argc,
    const char **argv, const size_t *argvlen, redisReply **reply, char *err,
    size_t errlen)
{
    elaaoms_cluster_cmd_t   cmd = { argc, argv, argvlen, { 0, 0, 1 } };
    elaaoms_cluster_req_t   req = { &cmd, 1, 0 };

    *reply = NULL;

    if (argc < 1 || slot < ELAAOMS_CLUSTER_ANY_SLOT
        || slot >= (int) ELAAOMS_CLUSTER_SLOTS)
    {
        snprintf(err, errlen, "no command, or slot %d out of range", slot);
        return ELAAOMS_CLUSTER_ERR_ARGS;
    }

    return elaaoms_cluster_run(c, &req, slot, reply, err, errlen);
}


int
elaaoms_cluster_command(elaaoms_cluster_t *c, int argc, const char **argv,
    const size_t *argvlen, int key_index, redisReply **reply, char *err,
    size_t errlen)
{
    elaaoms_cluster_keys_t  keys = { key_index, key_index, 1 };

    return elaaoms_cluster_command_keys(c, argc, argv, argvlen, &keys, reply,
                                        err, errlen);
}


/* numkeys of "EVAL[SHA] script numkeys ...", or -1 */
static int
elaaoms_cluster_numkeys(int argc, const char **argv, const size_t *argvlen)
{
    int     n;
    size_t  i;

    if (argc < 3 || argvlen[2] == 0 || argvlen[2] > 9) {
        return -1;
    }

    n = 0;

    for (i = 0; i < argvlen[2]; i++) {
        if (argv[2][i] < '0' || argv[2][i] > '9') {
            return -1;
        }
        n = n * 10 + (argv[2][i] - '0');
    }

    return n <= argc - 3 ? n : -1;
}


int
elaaoms_cluster_noscript(const redisReply *r, int argc, const char **argv,
    const size_t *argvlen, const char *script)
{
    return script != NULL && r->type == REDIS_REPLY_ERROR
           && strncmp(r->str, "NOSCRIPT", 8) == 0
           && argc > 1 && argvlen[0] == 7
           && strncasecmp(argv[0], "EVALSHA", 7) == 0;
}


int
elaaoms_cluster_eval_argv(int argc, const char **argv, const size_t *argvlen,
    const char *script, size_t script_len, const char ***eval_argv,
    size_t **eval_argvlen)
{
    *eval_argv = malloc((size_t) argc * sizeof(**eval_argv));
    *eval_argvlen = malloc((size_t) argc * sizeof(**eval_argvlen));

    if (*eval_argv == NULL || *eval_argvlen == NULL) {
        free(*eval_argv);
        free(*eval_argvlen);
        return -1;
    }

    memcpy(*eval_argv, argv, (size_t) argc * sizeof(**eval_argv));
    memcpy(*eval_argvlen, argvlen, (size_t) argc * sizeof(**eval_argvlen));
    (*eval_argv)[0] = "EVAL";
    (*eval_argvlen)[0] = 4;
    (*eval_argv)[1] = script;
    (*eval_argvlen)[1] = script_len;

    return 0;
}


int
elaaoms_cluster_eval(elaaoms_cluster_t *c, int argc, const char **argv,
    const size_t *argvlen, const char *script, size_t script_len,
    redisReply **reply, char *err, size_t errlen)
{
    int                      rc, numkeys;
    const char             **eval_argv;
    size_t                  *eval_argvlen;
    elaaoms_cluster_keys_t   keys = { 0, 0, 1 };

    *reply = NULL;

    numkeys = elaaoms_cluster_numkeys(argc, argv, argvlen);
    if (numkeys < 0) {
        snprintf(err, errlen, "%.*s: numkeys is not a number of its "
                 "arguments", argc > 0 ? (int) argvlen[0] : 0,
                 argc > 0 ? argv[0] : "");
        return ELAAOMS_CLUSTER_ERR_ARGS;
    }

    if (numkeys > 0) {
        keys.first = 3;
        keys.last = 2 + numkeys;
    }

    rc = elaaoms_cluster_command_keys(c, argc, argv, argvlen, &keys, reply,
                                      err, errlen);

    if (rc != ELAAOMS_CLUSTER_OK
        || !elaaoms_cluster_noscript(*reply, argc, argv, argvlen, script))
    {
        return rc;
    }

    /* this node has not seen the script (a new master, a restart) */
    freeReplyObject(*reply);
    *reply = NULL;

    if (elaaoms_cluster_eval_argv(argc, argv, argvlen, script, script_len,
                                  &eval_argv, &eval_argvlen)
        != 0)
    {
        snprintf(err, errlen, "out of memory");
        return ELAAOMS_CLUSTER_ERR_IO;
    }

    rc = elaaoms_cluster_command_keys(c, argc, eval_argv, eval_argvlen, &keys,
                                      reply, err, errlen);

    free(eval_argv);
    free(eval_argvlen);

    return rc;
}


int
elaaoms_cluster_multi(elaaoms_cluster_t *c,
    const elaaoms_cluster_cmd_t *cmds, size_t ncmds, redisReply **reply,
    char *err, size_t errlen)
{
    int                     rc, slot;
    elaaoms_cluster_req_t   req = { cmds, ncmds, 1 };

    *reply = NULL;

    if (ncmds == 0) {
        snprintf(err, errlen, "an empty transaction");
        return ELAAOMS_CLUSTER_ERR_ARGS;
    }

    rc = elaaoms_cluster_slot_of(cmds, ncmds, &slot, err, errlen);
    if (rc != ELAAOMS_CLUSTER_OK) {
        return rc;
    }

    return elaaoms_cluster_run(c, &req, slot, reply, err, errlen);
}


elaaoms_cluster_conn_t *
elaaoms_cluster_key_conn(elaaoms_cluster_t *c, const char *key, size_t len,
    char *err, size_t errlen)
{
    char                     ignored[256];
    unsigned                 attempt;
    elaaoms_cluster_conn_t  *conn;

    if (c->map.nranges == 0) {
        (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
    }

    for (attempt = 0; ; attempt++) {
        conn = elaaoms_cluster_route(c, (int) elaaoms_key_slot(key, len),
                                     attempt);
        if (conn == NULL) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }

        switch (elaaoms_cluster_conn_open(c, conn, err, errlen)) {

        case ELAAOMS_CLUSTER_SENT:
            return conn;

        case ELAAOMS_CLUSTER_REFUSED:
            return NULL;

        default:
            /* the master is gone (failover) or not up yet */
            if (attempt >= c->max_retries) {
                return NULL;
            }
            elaaoms_cluster_pause(c, attempt + 1);
            (void) elaaoms_cluster_refresh(c, ignored, sizeof(ignored));
        }
    }
}


redisContext *
elaaoms_cluster_key_context(elaaoms_cluster_t *c, const char *key,
    size_t len, char *err, size_t errlen)
{
    elaaoms_cluster_conn_t  *conn;

    conn = elaaoms_cluster_key_conn(c, key, len, err, errlen);

    return conn ? conn->ctx : NULL;
}


int
elaaoms_cluster_master_conn(elaaoms_cluster_t *c, size_t i,
    elaaoms_cluster_conn_t **conn, char *err, size_t errlen)
{
    size_t                       r, k, seen;
    const elaaoms_slot_range_t  *range, *before;

    if (c->map.nranges == 0
        && elaaoms_cluster_refresh(c, err, errlen) != 0)
    {
        return -1;
    }

    seen = 0;

    for (r = 0; r < c->map.nranges; r++) {
        range = &c->map.ranges[r];

        /* a master serving several ranges counts at its first */
        for (k = 0; k < r; k++) {
            before = &c->map.ranges[k];
            if (before->master.port == range->master.port
                && strcmp(before->master.host, range->master.host) == 0)
            {
                break;
            }
        }

        if (k < r || seen++ != i) {
            continue;
        }

        *conn = elaaoms_cluster_conn(c, range->master.host,
                                     range->master.port);
        if (*conn == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }

        return elaaoms_cluster_conn_open(c, *conn, err, errlen)
               == ELAAOMS_CLUSTER_SENT ? 1 : -1;
    }

    return 0;
}
