/*
 * JSON-lines logging for the worker (yajl_gen does the escaping).
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#include "worker_log.h"


static FILE                 *elaaoms_log_file;
static char                  elaaoms_log_path[1024];   /* "" = stderr */
static elaaoms_log_level_e   elaaoms_log_max = ELAAOMS_LOG_INFO;
static pthread_mutex_t       elaaoms_log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char  *elaaoms_log_levels[] = { "error", "warn", "info", "debug" };


int
elaaoms_log_open(const char *path, elaaoms_log_level_e level)
{
    elaaoms_log_max = level;

    if (path == NULL || *path == '\0') {
        elaaoms_log_file = stderr;
        return 0;
    }

    elaaoms_log_file = fopen(path, "a");
    if (elaaoms_log_file == NULL) {
        elaaoms_log_file = stderr;
        return -1;
    }

    setvbuf(elaaoms_log_file, NULL, _IOLBF, 0);
    snprintf(elaaoms_log_path, sizeof(elaaoms_log_path), "%s", path);

    return 0;
}


int
elaaoms_log_reopen(void)
{
    FILE  *f;

    if (elaaoms_log_path[0] == '\0') {
        return 0;
    }

    /* opened first: when it fails, lines keep going to the old file */
    f = fopen(elaaoms_log_path, "a");
    if (f == NULL) {
        return -1;
    }

    setvbuf(f, NULL, _IOLBF, 0);

    pthread_mutex_lock(&elaaoms_log_lock);
    fclose(elaaoms_log_file);
    elaaoms_log_file = f;
    pthread_mutex_unlock(&elaaoms_log_lock);

    return 0;
}


static void
elaaoms_log_str(yajl_gen g, const char *key, const char *value)
{
    yajl_gen_string(g, (const unsigned char *) key, strlen(key));
    yajl_gen_string(g, (const unsigned char *) value, strlen(value));
}


void
elaaoms_log(elaaoms_log_level_e level, const char *request_id,
    const char *fmt, ...)
{
    char                  msg[2048], when[64];
    size_t                len;
    va_list               ap;
    yajl_gen              g;
    struct tm             tm;
    struct timeval        tv;
    const unsigned char  *out;

    if (level > elaaoms_log_max) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    len = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + len, sizeof(when) - len, ".%03dZ",
             (int) (tv.tv_usec / 1000));

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return;
    }

    yajl_gen_map_open(g);
    elaaoms_log_str(g, "time", when);
    elaaoms_log_str(g, "level", elaaoms_log_levels[level]);
    elaaoms_log_str(g, "request_id", request_id ? request_id : "-");
    elaaoms_log_str(g, "msg", msg);
    yajl_gen_map_close(g);

    if (yajl_gen_get_buf(g, &out, &len) == yajl_gen_status_ok) {
        pthread_mutex_lock(&elaaoms_log_lock);
        fprintf(elaaoms_log_file ? elaaoms_log_file : stderr, "%.*s\n",
                (int) len, (const char *) out);
        pthread_mutex_unlock(&elaaoms_log_lock);
    }

    yajl_gen_free(g);
}


const char *
elaaoms_log_caller(const char *caller, char buf[ELAAOMS_LOG_CALLER_LEN])
{
    size_t       n;
    const char  *kind;

    if (caller == NULL || caller[0] == '\0') {
        snprintf(buf, ELAAOMS_LOG_CALLER_LEN, "anonymous");
        return buf;
    }

    n = strlen(caller);

    if (strncmp(caller, "id:", 3) == 0) {
        kind = "id:";
        caller += 3;
        n -= 3;

    } else {
        kind = (caller[0] == '+') ? "+" : "";
        caller += (caller[0] == '+');
        n -= (kind[0] != '\0');
    }

    /* two characters of a short key would be most of it */
    if (n < 6) {
        snprintf(buf, ELAAOMS_LOG_CALLER_LEN, "%s...", kind);
        return buf;
    }

    snprintf(buf, ELAAOMS_LOG_CALLER_LEN, "%s...%s", kind, caller + n - 2);

    return buf;
}
