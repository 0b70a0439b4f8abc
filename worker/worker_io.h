/*
 * Small I/O helpers the worker's files share: reading a payload or a job
 * file whole, and connecting to Redis as configured.
 */

#ifndef ELAAOMS_WORKER_IO_H
#define ELAAOMS_WORKER_IO_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "intake/job.h"
#include "worker_config.h"

/* payloads and jobs larger than this are refused */
#define ELAAOMS_WORKER_FILE_MAX  (64 * 1024 * 1024)

/*
 * The whole file, NUL-terminated, in a malloc()ed buffer the caller
 * frees; NULL with errno set (EFBIG past ELAAOMS_WORKER_FILE_MAX).
 */
char *elaaoms_worker_read_file(const char *path, size_t *len);

/* the same from an open descriptor, which is closed */
char *elaaoms_worker_read_fd(int fd, size_t *len);

/*
 * The payload a job names, read only when its payload_path is the file the
 * module writes for the job's org and conversation under the configured
 * payload_dir (elaaoms_payload_path_check), and reached without following
 * a symlink below payload_dir.  NULL with errno set and err saying why
 * (EPERM: a path the worker does not read).
 */
char *elaaoms_worker_read_payload(const char *payload_dir,
    const elaaoms_job_t *job, size_t *len, char *err, size_t errlen);

/* a blocking connection with the given timeout; NULL (logged) on failure */
elaaoms_redis_t *elaaoms_worker_redis_connect(const elaaoms_worker_config_t *cf,
    int timeout_secs);

#endif /* ELAAOMS_WORKER_IO_H */
