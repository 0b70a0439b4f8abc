/*
 * The worker's configuration: "key value" lines, "#" comments, read from
 * the file given with --config; every key has a default so the embedded
 * setup runs with an empty file.
 */

#ifndef ELAAOMS_WORKER_CONFIG_H
#define ELAAOMS_WORKER_CONFIG_H

#include <stddef.h>

typedef struct {
    char    redis_host[256];
    int     redis_port;
    char    redis_unix[256];     /* "" when TCP */
    char    payload_dir[1024];
    char    worker_id[128];      /* default: hostname:pid */
    int     heartbeat_secs;
    int     sweep_secs;          /* pending-payload sweep period */
    int     concurrency;
    double  time_scale;          /* retry delays are multiplied by this */
    char    pid_file[1024];
    char    log_file[1024];      /* "" = stderr */
} elaaoms_worker_config_t;

void elaaoms_worker_config_defaults(elaaoms_worker_config_t *cf);

/* 0 on success; on error writes a message into err */
int elaaoms_worker_config_load(elaaoms_worker_config_t *cf, const char *path,
    char *err, size_t errlen);

#endif /* ELAAOMS_WORKER_CONFIG_H */
