/*
 * File and Redis helpers of the worker (see worker_io.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/durable_file.h"
#include "intake/intake.h"
#include "worker_io.h"
#include "worker_log.h"


static int elaaoms_worker_redis_auth(const elaaoms_worker_config_t *cf,
    redisContext *rc);


/* a refused AUTH was logged at error: the next ones go to debug */
static int  elaaoms_worker_auth_refused;


char *
elaaoms_worker_read_fd(int fd, size_t *len)
{
    int           saved;
    char         *buf;
    size_t        got;
    ssize_t       n;
    struct stat   st;

    if (fstat(fd, &st) != 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return NULL;
    }

    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return NULL;
    }

    if (st.st_size > ELAAOMS_WORKER_FILE_MAX) {
        close(fd);
        errno = EFBIG;
        return NULL;
    }

    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }

    for (got = 0; got < (size_t) st.st_size; got += (size_t) n) {
        n = read(fd, buf + got, (size_t) st.st_size - got);

        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }

        if (n <= 0) {
            saved = (n == 0) ? EIO : errno;
            free(buf);
            close(fd);
            errno = saved;
            return NULL;
        }
    }

    close(fd);

    *len = got;
    buf[got] = '\0';

    return buf;
}


char *
elaaoms_worker_read_file(const char *path, size_t *len)
{
    int  fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return NULL;
    }

    return elaaoms_worker_read_fd(fd, len);
}


char *
elaaoms_worker_read_payload(const char *payload_dir,
    const elaaoms_job_t *job, size_t *len, char *err, size_t errlen)
{
    int    fd;
    char  *buf, sub[512], name[512];

    if (elaaoms_payload_path_check(payload_dir, job->org, job->type,
                                   job->conversation_id, job->payload_path,
                                   sub, sizeof(sub), name, sizeof(name))
        != 0)
    {
        snprintf(err, errlen, "payload_path is not the job's payload under "
                 "payload_dir %s", payload_dir);
        errno = EPERM;
        return NULL;
    }

    fd = elaaoms_durable_open_file(payload_dir, sub, name, err, errlen);
    if (fd == -1) {
        return NULL;
    }

    buf = elaaoms_worker_read_fd(fd, len);
    if (buf == NULL) {
        snprintf(err, errlen, "read %s: %s", job->payload_path,
                 strerror(errno));
    }

    return buf;
}


/* one Redis: a blocking connection, authenticated when configured */
static redisContext *
elaaoms_worker_redis_single(const elaaoms_worker_config_t *cf,
    int timeout_secs)
{
    redisContext    *rc;
    struct timeval   tv;

    tv.tv_sec = timeout_secs;
    tv.tv_usec = 0;

    rc = cf->redis_unix[0]
         ? redisConnectUnixWithTimeout(cf->redis_unix, tv)
         : redisConnectWithTimeout(cf->redis_host, cf->redis_port, tv);

    if (rc == NULL) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "cannot allocate a redis context");
        return NULL;
    }

    if (rc->err) {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis connect failed: %s",
                    rc->errstr);
        redisFree(rc);
        return NULL;
    }

    /* a command never hangs longer than a connect may */
    redisSetTimeout(rc, tv);

    if (cf->redis_password[0] != '\0'
        && elaaoms_worker_redis_auth(cf, rc) != 0)
    {
        redisFree(rc);
        return NULL;
    }

    return rc;
}


/*
 * A Redis Cluster from redis_cluster's seeds, its slot map read once, so
 * that a cluster nobody answers for fails here as one Redis would
 */
static elaaoms_cluster_t *
elaaoms_worker_redis_cluster(const elaaoms_worker_config_t *cf,
    int timeout_secs)
{
    char                     err[512];
    size_t                   i;
    const char              *seeds[ELAAOMS_WORKER_CLUSTER_SEEDS];
    elaaoms_cluster_t       *c;
    elaaoms_cluster_conf_t   ccf;

    for (i = 0; i < cf->redis_cluster_nseeds; i++) {
        seeds[i] = cf->redis_cluster_seed[i];
    }

    memset(&ccf, 0, sizeof(ccf));
    ccf.seeds = seeds;
    ccf.nseeds = cf->redis_cluster_nseeds;
    ccf.user = cf->redis_user;
    ccf.password = cf->redis_password;
    ccf.timeout_ms = timeout_secs * 1000;

    c = elaaoms_cluster_create(&ccf, err, sizeof(err));
    if (c == NULL) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "redis cluster: %s", err);
        return NULL;
    }

    if (elaaoms_cluster_refresh(c, err, sizeof(err)) != 0) {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis cluster: %s", err);
        elaaoms_cluster_free(c);
        return NULL;
    }

    return c;
}


elaaoms_redis_t *
elaaoms_worker_redis_connect(const elaaoms_worker_config_t *cf,
    int timeout_secs)
{
    redisContext       *rc;
    elaaoms_redis_t    *h;
    elaaoms_cluster_t  *c;

    /* the handle takes the connection or client, and frees it on failure */
    if (cf->redis_cluster_nseeds > 0) {
        c = elaaoms_worker_redis_cluster(cf, timeout_secs);
        if (c == NULL) {
            return NULL;
        }
        h = elaaoms_redis_cluster(c);

    } else {
        rc = elaaoms_worker_redis_single(cf, timeout_secs);
        if (rc == NULL) {
            return NULL;
        }
        h = elaaoms_redis_single(rc);
    }

    if (h == NULL) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "cannot allocate a redis handle");
    }

    return h;
}


/* AUTH [user] password; 0 when Redis took it */
static int
elaaoms_worker_redis_auth(const elaaoms_worker_config_t *cf,
    redisContext *rc)
{
    int                   argc;
    size_t                argvlen[3];
    const char           *argv[3];
    redisReply           *reply;
    elaaoms_log_level_e   level;

    argc = 0;
    argv[argc] = "AUTH";
    argvlen[argc++] = 4;

    if (cf->redis_user[0] != '\0') {
        argv[argc] = cf->redis_user;
        argvlen[argc++] = strlen(cf->redis_user);
    }

    argv[argc] = cf->redis_password;
    argvlen[argc++] = strlen(cf->redis_password);

    reply = redisCommandArgv(rc, argc, argv, argvlen);

    if (reply == NULL) {
        elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis connect failed: %s",
                    rc->errstr);
        return -1;
    }

    if (reply->type == REDIS_REPLY_ERROR) {
        /*
         * at error once until a connection is taken again (the main loop
         * retries every second); Redis' message names neither the
         * password nor the keys
         */
        level = __atomic_exchange_n(&elaaoms_worker_auth_refused, 1,
                                    __ATOMIC_RELAXED)
                ? ELAAOMS_LOG_DEBUG : ELAAOMS_LOG_ERROR;

        elaaoms_log(level, NULL, "redis at %s refused "
                    "authentication%s%s: %.*s",
                    cf->redis_unix[0] ? cf->redis_unix : cf->redis_host,
                    cf->redis_user[0] ? " as user " : "", cf->redis_user,
                    (int) (reply->len < 256 ? reply->len : 256), reply->str);
        freeReplyObject(reply);
        return -1;
    }

    freeReplyObject(reply);

    __atomic_store_n(&elaaoms_worker_auth_refused, 0, __ATOMIC_RELAXED);

    return 0;
}
