/*
 * The worker's Prometheus counters in Redis (see worker_metrics.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/redis_keys.h"
#include "store/worker_metrics.h"


#define ELAAOMS_METRICS_META  ELAAOMS_KEY_WORKER_METRICS ":meta"
#define ELAAOMS_METRICS_MAX_LABELS  8


const double  elaaoms_metrics_extraction_bounds[] = {
    0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120
};
const size_t  elaaoms_metrics_extraction_nbounds =
    sizeof(elaaoms_metrics_extraction_bounds) / sizeof(double);

const double  elaaoms_metrics_stored_bounds[] = {
    1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800
};
const size_t  elaaoms_metrics_stored_nbounds =
    sizeof(elaaoms_metrics_stored_bounds) / sizeof(double);


static const struct {
    const char  *family;
    const char  *meta;
} elaaoms_metrics_families[] = {
    { "elaaoms_extractions_total",
      "counter Extractions by outcome (ok, retry, failed, skipped) and "
      "provider." },
    { "elaaoms_extraction_duration_seconds",
      "histogram Time to extract one conversation, by provider." },
    { "elaaoms_postcall_to_stored_seconds",
      "histogram From the post-call's arrival to its memories stored." },
    { "elaaoms_llm_tokens_total",
      "counter LLM tokens by kind, provider and model." },
    { "elaaoms_llm_cost_usd_total",
      "counter LLM cost in US dollars by provider and model." },
    { "elaaoms_payloads_swept_total",
      "counter Post-call payloads nginx kept on disk while Redis was away, "
      "queued later by the worker's sweep." },
    { "elaaoms_memories_total",
      "counter Memories stored, reinforced, conflicting, or dropped by the "
      "privacy filter." },
};


static int
elaaoms_metrics_label_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}


/* one label, value escaped: \ " and newline, as the format asks */
static int
elaaoms_metrics_label(char *buf, size_t size, size_t *len, char sep,
    const char *key, const char *value)
{
    const char  *v;

    if (*len + strlen(key) + 4 >= size) {
        return -1;
    }

    *len += (size_t) snprintf(buf + *len, size - *len, "%c%s=\"", sep, key);

    for (v = value ? value : ""; *v; v++) {
        if (*len + 4 >= size) {
            return -1;
        }

        if (*v == '\\' || *v == '"') {
            buf[(*len)++] = '\\';
            buf[(*len)++] = *v;

        } else if (*v == '\n') {
            buf[(*len)++] = '\\';
            buf[(*len)++] = 'n';

        } else {
            buf[(*len)++] = *v;
        }
    }

    buf[(*len)++] = '"';

    return 0;
}


/* the series, with a last le label when le is not NULL */
static int
elaaoms_metrics_series_le(char *buf, size_t size, const char *name,
    const char *const *labels, const char *le)
{
    size_t       i, n, len;
    const char  *keys[ELAAOMS_METRICS_MAX_LABELS][2];

    for (n = 0; labels != NULL && labels[2 * n] != NULL; n++) {
        if (n == ELAAOMS_METRICS_MAX_LABELS) {
            return -1;
        }
        keys[n][0] = labels[2 * n];
        keys[n][1] = labels[2 * n + 1];
    }

    /* by key: one series is always the same field */
    qsort(keys, n, sizeof(keys[0]), elaaoms_metrics_label_cmp);

    len = (size_t) snprintf(buf, size, "%s", name);
    if (len >= size) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (elaaoms_metrics_label(buf, size, &len, i ? ',' : '{',
                                  keys[i][0], keys[i][1])
            != 0)
        {
            return -1;
        }
    }

    if (le != NULL
        && elaaoms_metrics_label(buf, size, &len, n ? ',' : '{', "le", le)
           != 0)
    {
        return -1;
    }

    if (n || le) {
        if (len + 2 >= size) {
            return -1;
        }
        buf[len++] = '}';
    }

    buf[len] = '\0';

    return (int) len;
}


int
elaaoms_metrics_series(char *buf, size_t size, const char *name,
    const char *const *labels)
{
    return elaaoms_metrics_series_le(buf, size, name, labels, NULL);
}


static int
elaaoms_metrics_incr(elaaoms_redis_t *rc, const char *series, double by,
    int fractional)
{
    if (fractional) {
        elaaoms_redis_append(rc, "HINCRBYFLOAT %s %s %.6f",
                             ELAAOMS_KEY_WORKER_METRICS, series, by);
    } else {
        elaaoms_redis_append(rc, "HINCRBY %s %s %lld",
                             ELAAOMS_KEY_WORKER_METRICS, series,
                             (long long) by);
    }

    return 1;
}


static int
elaaoms_metrics_bump(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, double by, int fractional)
{
    char  series[ELAAOMS_METRICS_SERIES_MAX];

    if (elaaoms_metrics_series(series, sizeof(series), name, labels) < 0) {
        return 0;
    }

    return elaaoms_metrics_incr(rc, series, by, fractional);
}


int
elaaoms_metrics_add(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, double by)
{
    return elaaoms_metrics_bump(rc, name, labels, by, 0);
}


int
elaaoms_metrics_addf(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, double by)
{
    return elaaoms_metrics_bump(rc, name, labels, by, 1);
}


int
elaaoms_metrics_observe(elaaoms_redis_t *rc, const char *name,
    const char *const *labels, const double *bounds, size_t n, double v)
{
    int     k;
    char    family[128], le[32], series[ELAAOMS_METRICS_SERIES_MAX];
    size_t  i;

    k = 0;

    /* cumulative: every bucket whose bound is at least v, and +Inf */
    snprintf(family, sizeof(family), "%s_bucket", name);

    for (i = 0; i <= n; i++) {
        if (i < n && v > bounds[i]) {
            continue;
        }

        if (i < n) {
            snprintf(le, sizeof(le), "%g", bounds[i]);
        } else {
            snprintf(le, sizeof(le), "+Inf");
        }

        if (elaaoms_metrics_series_le(series, sizeof(series), family, labels,
                                      le)
            >= 0)
        {
            k += elaaoms_metrics_incr(rc, series, 1, 0);
        }
    }

    snprintf(family, sizeof(family), "%s_sum", name);
    if (elaaoms_metrics_series(series, sizeof(series), family, labels) >= 0) {
        k += elaaoms_metrics_incr(rc, series, v, 1);
    }

    snprintf(family, sizeof(family), "%s_count", name);
    k += elaaoms_metrics_add(rc, family, labels, 1);

    return k;
}


int
elaaoms_metrics_meta(elaaoms_redis_t *rc)
{
    size_t       i, n;
    const char  *argv[2 + 2 * 8];

    n = sizeof(elaaoms_metrics_families) / sizeof(elaaoms_metrics_families[0]);

    argv[0] = "HSET";
    argv[1] = ELAAOMS_METRICS_META;

    for (i = 0; i < n; i++) {
        argv[2 + 2 * i] = elaaoms_metrics_families[i].family;
        argv[3 + 2 * i] = elaaoms_metrics_families[i].meta;
    }

    elaaoms_redis_append_argv(rc, (int) (2 + 2 * n), argv, NULL);

    return 1;
}
