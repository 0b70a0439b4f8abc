/*
 * The worker's log: one JSON object per line, with the request id of the
 * job a line is about ("-" when none), so a call can be followed from
 * nginx's log through Redis to the worker.
 */

#ifndef ELAAOMS_WORKER_LOG_H
#define ELAAOMS_WORKER_LOG_H

typedef enum {
    ELAAOMS_LOG_ERROR = 0,
    ELAAOMS_LOG_WARN,
    ELAAOMS_LOG_INFO,
    ELAAOMS_LOG_DEBUG
} elaaoms_log_level_e;

/* path NULL or "" logs to stderr; 0 on success */
int elaaoms_log_open(const char *path, elaaoms_log_level_e level);

void elaaoms_log(elaaoms_log_level_e level, const char *request_id,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* ELAAOMS_WORKER_LOG_H */
