/*
 * A private Redis Cluster for the C tests: scripts/redis-cluster.sh's three
 * masters and three replicas on free loopback ports (from
 * $ELAAOMS_TEST_CLUSTER_PORT, 7100 by default), with a password, stopped
 * by a watchdog process when the test ends, crashes included (the nodes
 * are daemons and would outlive it).  Include once after defining
 * UNIT_CLUSTER_NAME.  Run from the checkout's root, as "make unit" does.
 * Not every test uses every helper (marked unused).
 */

#ifndef ELAAOMS_UNIT_CLUSTER_H
#define ELAAOMS_UNIT_CLUSTER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cluster/slot_map.h"

#define UNIT_CLUSTER_NODES     6
#define UNIT_CLUSTER_PASSWORD  "cluster test secret"
#define UNIT_CLUSTER_SCRIPT    "scripts/redis-cluster.sh"

/* seconds a cluster test may run (they take well under 30) */
#ifndef UNIT_CLUSTER_DEADLINE
#define UNIT_CLUSTER_DEADLINE  300
#endif

/* the script's exit status when redis-server has no cluster support */
#define UNIT_CLUSTER_SKIP      77

static int    cluster_base;
static char   cluster_dir[64];
static char   cluster_pass_file[128];
static pid_t  cluster_watchdog = -1;
static int    cluster_watchdog_fd = -1;


/* port and port + 10000 (the cluster bus) can be bound on 127.0.0.1 */
static int
cluster_port_free(int port)
{
    int                 fd, i, ok;
    struct sockaddr_in  sa;

    for (i = 0; i < 2; i++) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            return 0;
        }

        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons((uint16_t) (port + i * 10000));

        /* as Redis binds: a connection of an earlier run in TIME_WAIT
           does not hold the port */
        ok = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &ok, sizeof(ok));

        ok = bind(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0;
        close(fd);

        if (!ok) {
            return 0;
        }
    }

    return 1;
}


static int
cluster_find_base(void)
{
    int          base, tries, i;
    const char  *env = getenv("ELAAOMS_TEST_CLUSTER_PORT");

    base = env ? atoi(env) : 7100;

    for (tries = 0; tries < 16; tries++, base += UNIT_CLUSTER_NODES) {
        for (i = 0; i < UNIT_CLUSTER_NODES; i++) {
            if (!cluster_port_free(base + i)) {
                break;
            }
        }

        if (i == UNIT_CLUSTER_NODES) {
            return base;
        }
    }

    return -1;
}


/* scripts/redis-cluster.sh with the action; its exit status */
static int
cluster_script(const char *action)
{
    int    status;
    char   port[16];
    pid_t  pid;

    snprintf(port, sizeof(port), "%d", cluster_base);

    pid = fork();
    if (pid < 0) {
        return -1;
    }

    if (pid == 0) {
        /* its one line of success is no TAP; its errors go to stderr */
        int  null = open("/dev/null", O_WRONLY);

        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
        }
        execl("/bin/bash", "bash", UNIT_CLUSTER_SCRIPT, action, "--base-port",
              port, "--dir", cluster_dir, "--pass-file", cluster_pass_file,
              (char *) NULL);
        _exit(127);
    }

    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }

    return WEXITSTATUS(status);
}


/*
 * A child that waits for the test to end (the pipe's other end closes, at
 * exit or crash) and stops the cluster
 */
static int
cluster_start_watchdog(void)
{
    int    fds[2];
    char   c;

    /* close-on-exec: a node daemon holding the write end would keep the
       watchdog waiting */
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return -1;
    }

    cluster_watchdog = fork();
    if (cluster_watchdog < 0) {
        return -1;
    }

    if (cluster_watchdog == 0) {
        close(fds[1]);
        /* not killed with the test: it is what cleans up after it */
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        while (read(fds[0], &c, 1) > 0 || errno == EINTR) {
            /* until EOF */
        }
        _exit(cluster_script("stop") == 0 ? 0 : 1);
    }

    close(fds[0]);
    cluster_watchdog_fd = fds[1];

    return 0;
}


/*
 * Starts the cluster: 0, UNIT_CLUSTER_SKIP when redis-server cannot run
 * one, or -1
 */
static int
start_cluster(void)
{
    int    fd, rc;
    FILE  *f;

    cluster_base = cluster_find_base();
    if (cluster_base < 0) {
        fprintf(stderr, UNIT_CLUSTER_NAME ": no 6 free ports from %s\n",
                getenv("ELAAOMS_TEST_CLUSTER_PORT") ?: "7100");
        return -1;
    }

    snprintf(cluster_dir, sizeof(cluster_dir), "/tmp/elaaoms-cluster-XXXXXX");
    if (mkdtemp(cluster_dir) == NULL) {
        return -1;
    }

    snprintf(cluster_pass_file, sizeof(cluster_pass_file), "%s.pass",
             cluster_dir);
    fd = open(cluster_pass_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL) {
        return -1;
    }
    fprintf(f, "%s\n", UNIT_CLUSTER_PASSWORD);
    fclose(f);

    if (cluster_start_watchdog() != 0) {
        return -1;
    }

    rc = cluster_script("start");

    return rc == 0 ? 0 : rc == UNIT_CLUSTER_SKIP ? UNIT_CLUSTER_SKIP : -1;
}


static void
stop_cluster(void)
{
    if (cluster_watchdog_fd >= 0) {
        close(cluster_watchdog_fd);
        cluster_watchdog_fd = -1;
        waitpid(cluster_watchdog, NULL, 0);
        cluster_watchdog = -1;
    }

    unlink(cluster_pass_file);
    /* left empty when the script refused to start */
    rmdir(cluster_dir);
}


/*
 * start_cluster() for a test's main(): 1 when the cluster runs; else 0 and
 * the test is over, with *status its exit status (a skip printed, or the
 * failure counted)
 */
static int
cluster_begin(int *status)
{
    int  rc;

    /*
     * a run that hangs (a node that never answers, ports taken by a
     * concurrent run) fails when the alarm's default action ends it,
     * instead of holding "make unit" forever; the watchdog then stops
     * the cluster
     */
    alarm(UNIT_CLUSTER_DEADLINE);

    rc = start_cluster();
    if (rc == 0) {
        return 1;
    }

    stop_cluster();

    if (rc == UNIT_CLUSTER_SKIP) {
        printf("1..0 # SKIP redis-server cannot run a Redis Cluster "
               "(scripts/redis-cluster.sh)\n");
        *status = 0;
        return 0;
    }

    CHECK_INT_EQ(rc, 0);
    *status = UNIT_DONE(UNIT_CLUSTER_NAME);

    return 0;
}


/* a plain connection to one node (authenticated), or NULL */
static redisContext *
cluster_node(int port)
{
    redisContext    *c;
    redisReply      *r;
    struct timeval   tv = { 2, 0 };

    c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (c == NULL || c->err) {
        if (c) {
            redisFree(c);
        }
        return NULL;
    }

    redisSetTimeout(c, tv);

    r = redisCommand(c, "AUTH %s", UNIT_CLUSTER_PASSWORD);
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        freeReplyObject(r);
        redisFree(c);
        return NULL;
    }
    freeReplyObject(r);

    return c;
}


/* the cluster's map as the node on port gives it; 0 or -1 */
static int
cluster_map(int port, elaaoms_slot_map_t *map)
{
    int            rc;
    char           why[256];
    redisReply    *r;
    redisContext  *n;

    memset(map, 0, sizeof(*map));

    n = cluster_node(port);
    if (n == NULL) {
        return -1;
    }

    r = redisCommand(n, "CLUSTER SLOTS");
    rc = elaaoms_slot_map_parse(map, r, "127.0.0.1", why, sizeof(why));
    if (rc != 0) {
        fprintf(stderr, UNIT_CLUSTER_NAME ": CLUSTER SLOTS: %s\n", why);
    }
    freeReplyObject(r);
    redisFree(n);

    return rc;
}


/*
 * Moves slot, keys and all, from its master to another one, as
 * redis-cli --cluster reshard does for one slot: IMPORTING at the
 * destination, MIGRATING at the source, MIGRATE of its keys, then
 * SETSLOT NODE at every master.  The new master's port, or -1.
 */
__attribute__((unused)) static int
cluster_move_slot(unsigned slot)
{
    int                          ok, port;
    char                         dport[16];
    size_t                       i;
    const char                  *argv[9 + 100];
    redisReply                  *keys, *r;
    redisContext                *src, *dst;
    elaaoms_slot_map_t           map;
    const elaaoms_slot_range_t  *from, *to;

    if (cluster_map(cluster_base, &map) != 0) {
        return -1;
    }

    from = elaaoms_slot_map_lookup(&map, slot);
    to = NULL;
    for (i = 0; i < map.nranges && from != NULL; i++) {
        if (map.ranges[i].master.port != from->master.port) {
            to = &map.ranges[i];
            break;
        }
    }

    src = from ? cluster_node(from->master.port) : NULL;
    dst = to ? cluster_node(to->master.port) : NULL;
    ok = src != NULL && dst != NULL;

#define UNIT_CLUSTER_OK(r)                                                   \
    ok = ok && (r) != NULL && (r)->type == REDIS_REPLY_STATUS;               \
    freeReplyObject(r)

    if (ok) {
        r = redisCommand(dst, "CLUSTER SETSLOT %u IMPORTING %s", slot,
                         from->master.id);
        UNIT_CLUSTER_OK(r);
        r = redisCommand(src, "CLUSTER SETSLOT %u MIGRATING %s", slot,
                         to->master.id);
        UNIT_CLUSTER_OK(r);
    }

    snprintf(dport, sizeof(dport), "%d", ok ? to->master.port : 0);

    while (ok) {
        keys = redisCommand(src, "CLUSTER GETKEYSINSLOT %u 100", slot);
        if (keys == NULL || keys->type != REDIS_REPLY_ARRAY) {
            freeReplyObject(keys);
            ok = 0;
            break;
        }

        if (keys->elements == 0) {
            freeReplyObject(keys);
            break;
        }

        argv[0] = "MIGRATE";
        argv[1] = "127.0.0.1";
        argv[2] = dport;
        argv[3] = "";
        argv[4] = "0";
        argv[5] = "5000";
        argv[6] = "AUTH";
        argv[7] = UNIT_CLUSTER_PASSWORD;
        argv[8] = "KEYS";
        for (i = 0; i < keys->elements; i++) {
            argv[9 + i] = keys->element[i]->str;
        }

        r = redisCommandArgv(src, (int) (9 + keys->elements), argv, NULL);
        freeReplyObject(keys);
        UNIT_CLUSTER_OK(r);
    }

    for (i = 0; ok && i < map.nranges; i++) {
        redisContext  *m = cluster_node(map.ranges[i].master.port);

        r = m ? redisCommand(m, "CLUSTER SETSLOT %u NODE %s", slot,
                             to->master.id) : NULL;
        UNIT_CLUSTER_OK(r);
        if (m) {
            redisFree(m);
        }
    }

#undef UNIT_CLUSTER_OK

    port = ok ? to->master.port : -1;

    if (src) {
        redisFree(src);
    }
    if (dst) {
        redisFree(dst);
    }
    elaaoms_slot_map_free(&map);

    return port;
}


/* the pid of the node on port (its pid file), or -1 */
static pid_t
cluster_node_pid(int port)
{
    int    pid;
    char   path[128];
    FILE  *f;

    snprintf(path, sizeof(path), "%s/%d/redis.pid", cluster_dir, port);

    f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }

    if (fscanf(f, "%d", &pid) != 1) {
        pid = -1;
    }
    fclose(f);

    return pid;
}


/* CLUSTER INFO of the node says cluster_state:ok */
__attribute__((unused)) static int
cluster_node_ok(int port)
{
    int            ok;
    redisReply    *r;
    redisContext  *c;

    c = cluster_node(port);
    if (c == NULL) {
        return 0;
    }

    r = redisCommand(c, "CLUSTER INFO");
    ok = r != NULL && r->type == REDIS_REPLY_STRING
         && strstr(r->str, "cluster_state:ok") != NULL;

    freeReplyObject(r);
    redisFree(c);

    return ok;
}

#endif /* ELAAOMS_UNIT_CLUSTER_H */
