/*
 * Reads the worker's "key value" configuration file.
 */

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker_config.h"


typedef enum { CF_STR, CF_INT, CF_DOUBLE } cf_kind_e;

typedef struct {
    const char  *name;
    cf_kind_e    kind;
    size_t       offset;
    size_t       size;
} cf_key_t;

#define CF_S(n, f)  { n, CF_STR, offsetof(elaaoms_worker_config_t, f),       \
                      sizeof(((elaaoms_worker_config_t *) 0)->f) }
#define CF_I(n, f)  { n, CF_INT, offsetof(elaaoms_worker_config_t, f), 0 }
#define CF_D(n, f)  { n, CF_DOUBLE, offsetof(elaaoms_worker_config_t, f), 0 }

static const cf_key_t  cf_keys[] = {
    CF_S("redis_host", redis_host),
    CF_I("redis_port", redis_port),
    CF_S("redis_unix", redis_unix),
    CF_S("payload_dir", payload_dir),
    CF_S("worker_id", worker_id),
    CF_I("heartbeat_secs", heartbeat_secs),
    CF_I("sweep_secs", sweep_secs),
    CF_I("concurrency", concurrency),
    CF_D("time_scale", time_scale),
    CF_S("pid_file", pid_file),
    CF_S("log_file", log_file),
};


void
elaaoms_worker_config_defaults(elaaoms_worker_config_t *cf)
{
    char  host[64];

    memset(cf, 0, sizeof(*cf));
    snprintf(cf->redis_host, sizeof(cf->redis_host), "127.0.0.1");
    cf->redis_port = 6379;
    snprintf(cf->payload_dir, sizeof(cf->payload_dir), "var/payloads");

    if (gethostname(host, sizeof(host)) != 0) {
        snprintf(host, sizeof(host), "localhost");
    }
    host[sizeof(host) - 1] = '\0';
    snprintf(cf->worker_id, sizeof(cf->worker_id), "%s:%ld", host,
             (long) getpid());

    cf->heartbeat_secs = 5;
    cf->sweep_secs = 10;
    cf->concurrency = 4;
    cf->time_scale = 1.0;
}


static char *
cf_trim(char *s)
{
    char  *e;

    while (isspace((unsigned char) *s)) {
        s++;
    }

    e = s + strlen(s);
    while (e > s && isspace((unsigned char) e[-1])) {
        *--e = '\0';
    }

    return s;
}


static int
cf_set(elaaoms_worker_config_t *cf, const char *key, const char *value,
    char *err, size_t errlen)
{
    char    *end;
    size_t   i;
    char    *base = (char *) cf;

    for (i = 0; i < sizeof(cf_keys) / sizeof(cf_keys[0]); i++) {
        if (strcmp(cf_keys[i].name, key) != 0) {
            continue;
        }

        switch (cf_keys[i].kind) {

        case CF_STR:
            if (strlen(value) >= cf_keys[i].size) {
                snprintf(err, errlen, "\"%s\" is too long", key);
                return -1;
            }
            strcpy(base + cf_keys[i].offset, value);
            return 0;

        case CF_INT:
            errno = 0;
            *(int *) (base + cf_keys[i].offset) = (int) strtol(value, &end,
                                                               10);
            break;

        case CF_DOUBLE:
            errno = 0;
            *(double *) (base + cf_keys[i].offset) = strtod(value, &end);
            break;
        }

        if (errno || *end != '\0' || end == value) {
            snprintf(err, errlen, "\"%s\" needs a number, not \"%s\"",
                     key, value);
            return -1;
        }

        return 0;
    }

    snprintf(err, errlen, "unknown key \"%s\"", key);
    return -1;
}


int
elaaoms_worker_config_load(elaaoms_worker_config_t *cf, const char *path,
    char *err, size_t errlen)
{
    int    lineno;
    char   line[2048], *p, *key, *value, msg[256];
    FILE  *f;

    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }

    lineno = 0;

    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;

        p = strchr(line, '#');
        if (p) {
            *p = '\0';
        }

        key = cf_trim(line);
        if (*key == '\0') {
            continue;
        }

        for (p = key; *p && !isspace((unsigned char) *p); p++) {
            /* void */
        }

        value = "";
        if (*p) {
            *p++ = '\0';
            value = cf_trim(p);
        }

        if (cf_set(cf, key, value, msg, sizeof(msg)) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            fclose(f);
            return -1;
        }
    }

    fclose(f);
    return 0;
}
