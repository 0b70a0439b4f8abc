/*
 * File and Redis helpers of the worker (see worker_io.h).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "worker_io.h"
#include "worker_log.h"


char *
elaaoms_worker_read_file(const char *path, size_t *len)
{
    int           saved;
    FILE         *f;
    char         *buf;
    struct stat   st;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    if (fstat(fileno(f), &st) != 0) {
        saved = errno;
        fclose(f);
        errno = saved;
        return NULL;
    }

    if (st.st_size > ELAAOMS_WORKER_FILE_MAX) {
        fclose(f);
        errno = EFBIG;
        return NULL;
    }

    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }

    *len = fread(buf, 1, (size_t) st.st_size, f);
    saved = ferror(f) ? EIO : 0;
    fclose(f);

    if (saved || *len != (size_t) st.st_size) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }

    buf[*len] = '\0';
    return buf;
}


redisContext *
elaaoms_worker_redis_connect(const elaaoms_worker_config_t *cf,
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

    return rc;
}
