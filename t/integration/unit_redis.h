/*
 * A private redis-server for the unit tests that need a real Redis: a
 * free 127.0.0.1 port, no persistence, killed at the end (and with the
 * test if it crashes).  Include once per test program after defining
 * UNIT_REDIS_NAME (the test's name, for messages); it provides redis_port,
 * rc (a connection made at start), rh (the worker's Redis handle over rc,
 * for lib/'s functions), start_redis(), stop_redis(), and connect_redis()
 * and connect_handle() for further connections.
 */

#ifndef ELAAOMS_UNIT_REDIS_H
#define ELAAOMS_UNIT_REDIS_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"

static pid_t             redis_pid = -1;
static int               redis_port;
static redisContext     *rc;
static elaaoms_redis_t  *rh;     /* owns rc */


/* --- the private redis-server -------------------------------------------- */

static int
free_port(void)
{
    int                 fd, port;
    socklen_t           len;
    struct sockaddr_in  sa;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof(sa);

    if (fd < 0 || bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0
        || getsockname(fd, (struct sockaddr *) &sa, &len) != 0)
    {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }

    port = ntohs(sa.sin_port);
    close(fd);

    return port;
}


static redisContext *
connect_redis(void)
{
    redisContext    *c;
    struct timeval   tv = { 2, 0 };

    c = redisConnectWithTimeout("127.0.0.1", redis_port, tv);
    if (c != NULL && c->err) {
        redisFree(c);
        return NULL;
    }

    return c;
}


/* a further connection as the worker's handle; NULL on failure */
__attribute__((unused)) static elaaoms_redis_t *
connect_handle(void)
{
    redisContext  *c;

    c = connect_redis();

    return c ? elaaoms_redis_single(c) : NULL;
}


static int
start_redis(void)
{
    int    i, status, fd;
    char   port[16];

    redis_port = free_port();
    if (redis_port < 0) {
        fprintf(stderr, UNIT_REDIS_NAME ": no free port: %s\n", strerror(errno));
        return -1;
    }

    snprintf(port, sizeof(port), "%d", redis_port);

    redis_pid = fork();
    if (redis_pid < 0) {
        return -1;
    }

    if (redis_pid == 0) {
        /* dies with us even if we crash */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
        }
        execlp("redis-server", "redis-server", "--port", port,
               "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", "/tmp", "--loglevel", "warning", (char *) NULL);
        fprintf(stderr, UNIT_REDIS_NAME ": cannot run redis-server: %s\n",
                strerror(errno));
        _exit(127);
    }

    for (i = 0; i < 500; i++) {
        if (waitpid(redis_pid, &status, WNOHANG) == redis_pid) {
            redis_pid = -1;
            fprintf(stderr, UNIT_REDIS_NAME ": redis-server is missing or "
                    "exited at start (apt-get install redis-server)\n");
            return -1;
        }

        rc = connect_redis();
        if (rc != NULL) {
            redisReply *r = redisCommand(rc, "PING");
            int ok = r && r->type == REDIS_REPLY_STATUS;
            if (r) {
                freeReplyObject(r);
            }
            if (ok) {
                rh = elaaoms_redis_single(rc);
                if (rh == NULL) {
                    rc = NULL;
                    return -1;
                }
                return 0;
            }
            redisFree(rc);
            rc = NULL;
        }

        usleep(10000);
    }

    fprintf(stderr, UNIT_REDIS_NAME ": redis-server did not answer on %d\n",
            redis_port);
    return -1;
}


static void
stop_redis(void)
{
    if (rh) {
        elaaoms_redis_free(rh);
        rh = NULL;
        rc = NULL;
    }

    if (redis_pid > 0) {
        kill(redis_pid, SIGTERM);
        waitpid(redis_pid, NULL, 0);
        redis_pid = -1;
    }
}


#endif /* ELAAOMS_UNIT_REDIS_H */
