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

/*
 * Opens the log file's path again (SIGHUP, after logrotate renamed it);
 * -1 with errno set when it cannot, and lines keep going to the old one.
 */
int elaaoms_log_reopen(void);

void elaaoms_log(elaaoms_log_level_e level, const char *request_id,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* room for a masked caller key */
#define ELAAOMS_LOG_CALLER_LEN  16

/*
 * A caller key (lib/intake/caller_id.h) as every log line shows it: its
 * kind and its last two characters, "+...23" (a number with a country
 * code), "...23" (without), "id:...42" (an id or a hashed id), or
 * "anonymous".  A phone number or an id never reaches the log whole; the
 * request id ties the lines of one job together.  Returns buf.
 */
const char *elaaoms_log_caller(const char *caller,
    char buf[ELAAOMS_LOG_CALLER_LEN]);

#endif /* ELAAOMS_WORKER_LOG_H */
