/*
 * Small I/O helpers the worker's files share: reading a payload or a job
 * file whole, and connecting to Redis as configured.
 */

#ifndef ELAAOMS_WORKER_IO_H
#define ELAAOMS_WORKER_IO_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "worker_config.h"

/* payloads and jobs larger than this are refused */
#define ELAAOMS_WORKER_FILE_MAX  (64 * 1024 * 1024)

/*
 * The whole file, NUL-terminated, in a malloc()ed buffer the caller
 * frees; NULL with errno set (EFBIG past ELAAOMS_WORKER_FILE_MAX).
 */
char *elaaoms_worker_read_file(const char *path, size_t *len);

/* a blocking connection with the given timeout; NULL (logged) on failure */
redisContext *elaaoms_worker_redis_connect(const elaaoms_worker_config_t *cf,
    int timeout_secs);

#endif /* ELAAOMS_WORKER_IO_H */
