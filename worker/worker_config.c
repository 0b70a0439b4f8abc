/*
 * Reads the worker's "key value" configuration file.
 */

#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster/redirect.h"
#include "util/ascii.h"
#include "store/memory_record.h"
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
    CF_S("redis_user", redis_user),
    CF_S("redis_password", redis_password),
    CF_S("redis_password_file", redis_password_file),
    CF_S("redis_cluster", redis_cluster),
    CF_S("payload_dir", payload_dir),
    CF_S("worker_id", worker_id),
    CF_I("heartbeat_secs", heartbeat_secs),
    CF_I("sweep_secs", sweep_secs),
    CF_I("concurrency", concurrency),
    CF_D("time_scale", time_scale),
    CF_S("retry_delays", retry_delays_text),
    CF_I("drain_secs", drain_secs),
    CF_I("dead_secs", dead_secs),
    CF_I("recover_secs", recover_secs),
    CF_I("payload_retention_days", payload_retention_days),
    CF_I("audio_retention_days", audio_retention_days),
    CF_I("memory_retention_days", memory_retention_days),
    CF_I("audit_retention_days", audit_retention_days),
    CF_S("pid_file", pid_file),
    CF_S("log_file", log_file),
    CF_S("llm_provider", llm_provider),
    CF_I("llm_fallback", llm_fallback),
    CF_I("llm_first_message", llm_first_message),
    CF_S("openai_api_key", openai_api_key),
    CF_S("openai_base_url", openai_base_url),
    CF_S("openai_model", openai_model),
    CF_S("anthropic_api_key", anthropic_api_key),
    CF_S("anthropic_base_url", anthropic_base_url),
    CF_S("anthropic_model", anthropic_model),
    CF_I("llm_timeout_ms", llm_timeout_ms),
    CF_I("llm_max_retries", llm_max_retries),
    CF_I("llm_retry_base_ms", llm_retry_base_ms),
    CF_D("openai_price_in", openai_price_in),
    CF_D("openai_price_out", openai_price_out),
    CF_D("anthropic_price_in", anthropic_price_in),
    CF_D("anthropic_price_out", anthropic_price_out),
    CF_I("chunk_tokens", chunk_tokens),
    CF_I("chunk_overlap", chunk_overlap),
    CF_S("privacy_policy", privacy_policy),
    CF_S("embedder", embedder),
    CF_S("openai_embed_model", openai_embed_model),
    CF_I("openai_embed_dimensions", openai_embed_dimensions),
    CF_D("dedup_threshold", dedup_threshold),
    CF_S("elevenlabs_api_key", elevenlabs_api_key),
    CF_S("elevenlabs_base_url", elevenlabs_base_url),
    CF_I("profile_ttl_secs", profile_ttl_secs),
    CF_S("openmemory_url", openmemory_url),
    CF_S("openmemory_api_key", openmemory_api_key),
    CF_S("openmemory_api_key_file", openmemory_api_key_file),
    CF_I("openmemory_timeout_ms", openmemory_timeout_ms),
};


static void
cf_env(char *dst, size_t size, const char *name)
{
    const char  *v;

    v = getenv(name);
    if (dst[0] == '\0' && v != NULL && strlen(v) < size) {
        strcpy(dst, v);
    }
}


const char *
elaaoms_worker_config_provider(const elaaoms_worker_config_t *cf,
    const char *org)
{
    int  i;

    for (i = 0; i < cf->n_org_rules; i++) {
        if (strcmp(cf->org_rules[i].org, org) == 0) {
            return cf->org_rules[i].provider;
        }
    }

    return cf->llm_provider;
}


int
elaaoms_worker_config_openmemory(const elaaoms_worker_config_t *cf,
    const char *org, const char **url, const char **api_key)
{
    int  i;

    for (i = 0; i < cf->n_org_openmemory; i++) {
        if (strcmp(cf->org_openmemory[i].org, org) == 0) {
            *url = cf->org_openmemory[i].url;
            *api_key = cf->org_openmemory[i].api_key;
            return 0;
        }
    }

    *url = cf->openmemory_url;
    *api_key = cf->openmemory_api_key;

    return (*url)[0] && (*api_key)[0] ? 0 : -1;
}


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
    snprintf(cf->retry_delays_text, sizeof(cf->retry_delays_text),
             "60,300,1800");
    cf->retry_delays[0] = 60;
    cf->retry_delays[1] = 300;
    cf->retry_delays[2] = 1800;
    cf->drain_secs = 20;
    cf->dead_secs = 30;
    cf->recover_secs = 30;
    cf->payload_retention_days = 30;
    cf->audio_retention_days = 7;
    cf->memory_retention_days = 0;
    cf->audit_retention_days = 400;     /* as nginx's elaaoms_audit_retention */

    snprintf(cf->llm_provider, sizeof(cf->llm_provider), "auto");
    cf->llm_fallback = 1;
    cf->llm_first_message = 1;
    snprintf(cf->openai_base_url, sizeof(cf->openai_base_url),
             "https://api.openai.com");
    snprintf(cf->openai_model, sizeof(cf->openai_model), "gpt-4o-mini");
    snprintf(cf->anthropic_base_url, sizeof(cf->anthropic_base_url),
             "https://api.anthropic.com");
    snprintf(cf->anthropic_model, sizeof(cf->anthropic_model),
             "claude-3-5-haiku-latest");
    cf->llm_timeout_ms = 30000;
    cf->llm_max_retries = 3;
    cf->llm_retry_base_ms = 1000;
    cf->chunk_tokens = 10000;
    cf->chunk_overlap = 500;
    snprintf(cf->privacy_policy, sizeof(cf->privacy_policy), "redact");

    snprintf(cf->embedder, sizeof(cf->embedder), "offline");
    snprintf(cf->openai_embed_model, sizeof(cf->openai_embed_model),
             "text-embedding-3-small");
    cf->dedup_threshold = 0.85;

    snprintf(cf->elevenlabs_base_url, sizeof(cf->elevenlabs_base_url),
             "https://api.elevenlabs.io");
    cf->profile_ttl_secs = 24 * 3600;
    cf->openmemory_timeout_ms = 5000;
}


/* "org_llm_provider <org> <provider>", repeatable */
static int
cf_org_rule(elaaoms_worker_config_t *cf, const char *value, char *err,
    size_t errlen)
{
    elaaoms_org_rule_t  *rule;

    if (cf->n_org_rules == ELAAOMS_WORKER_MAX_ORG_RULES) {
        snprintf(err, errlen, "too many org_llm_provider lines");
        return -1;
    }

    rule = &cf->org_rules[cf->n_org_rules];

    if (sscanf(value, "%64s %15s", rule->org, rule->provider) != 2) {
        snprintf(err, errlen, "org_llm_provider needs an org and a provider");
        return -1;
    }

    cf->n_org_rules++;
    return 0;
}


/* "org_openmemory <org> <url> <key-file>", repeatable */
static int
cf_org_openmemory(elaaoms_worker_config_t *cf, const char *value, char *err,
    size_t errlen)
{
    elaaoms_org_openmemory_t  *o;

    if (cf->n_org_openmemory == ELAAOMS_WORKER_MAX_ORG_RULES) {
        snprintf(err, errlen, "too many org_openmemory lines");
        return -1;
    }

    o = &cf->org_openmemory[cf->n_org_openmemory];

    if (sscanf(value, "%64s %511s %1023s", o->org, o->url, o->api_key_file)
        != 3)
    {
        snprintf(err, errlen, "org_openmemory needs an org, a url and a "
                 "key file");
        return -1;
    }

    cf->n_org_openmemory++;
    return 0;
}


/* redis_cluster's "host:port host:port ..." into redis_cluster_seed[] */
static int
cf_cluster_seeds(elaaoms_worker_config_t *cf, char *err, size_t errlen)
{
    int          port;
    char         host[ELAAOMS_CLUSTER_HOST_MAX];
    size_t       n;
    const char  *p, *end;

    cf->redis_cluster_nseeds = 0;

    for (p = cf->redis_cluster; *p; p = end) {
        while (elaaoms_ascii_space((unsigned char) *p)) {
            p++;
        }

        for (end = p; *end && !elaaoms_ascii_space((unsigned char) *end);
             end++)
        {
            /* void */
        }

        n = (size_t) (end - p);
        if (n == 0) {
            break;
        }

        if (cf->redis_cluster_nseeds == ELAAOMS_WORKER_CLUSTER_SEEDS
            || n >= sizeof(cf->redis_cluster_seed[0])
            || elaaoms_cluster_addr_parse(p, n, host, sizeof(host), &port)
               != 0
            || host[0] == '\0')
        {
            snprintf(err, errlen, "redis_cluster takes up to %d seed nodes, "
                     "each host:port: \"%.*s\"", ELAAOMS_WORKER_CLUSTER_SEEDS,
                     (int) (n < 64 ? n : 64), p);
            return -1;
        }

        memcpy(cf->redis_cluster_seed[cf->redis_cluster_nseeds], p, n);
        cf->redis_cluster_seed[cf->redis_cluster_nseeds++][n] = '\0';
    }

    return 0;
}


static int
cf_check(elaaoms_worker_config_t *cf, char *err, size_t errlen)
{
    int          i;
    char        *p, *end;
    const char  *providers[] = { "auto", "openai", "anthropic", "offline" };
    int          ok;

    if (cf_cluster_seeds(cf, err, errlen) != 0) {
        return -1;
    }

    p = cf->retry_delays_text;
    for (i = 0; i < ELAAOMS_WORKER_MAX_RETRIES; i++) {
        cf->retry_delays[i] = strtod(p, &end);
        if (end == p || cf->retry_delays[i] < 0) {
            snprintf(err, errlen, "retry_delays needs %d numbers of seconds",
                     ELAAOMS_WORKER_MAX_RETRIES);
            return -1;
        }
        p = (*end == ',') ? end + 1 : end;
    }

    ok = 0;
    for (i = 0; i < 4; i++) {
        ok |= (strcmp(cf->llm_provider, providers[i]) == 0);
    }

    if (!ok) {
        snprintf(err, errlen, "llm_provider must be auto, openai, anthropic "
                 "or offline");
        return -1;
    }

    if (strcmp(cf->privacy_policy, "redact") != 0
        && strcmp(cf->privacy_policy, "drop") != 0)
    {
        snprintf(err, errlen, "privacy_policy must be redact or drop");
        return -1;
    }

    if (strcmp(cf->embedder, "offline") != 0
        && strcmp(cf->embedder, "openai") != 0)
    {
        snprintf(err, errlen, "embedder must be offline or openai");
        return -1;
    }

    if (strcmp(cf->embedder, "openai") == 0
        && (cf->openai_api_key[0] == '\0' || cf->openai_embed_model[0] == '\0'))
    {
        snprintf(err, errlen, "embedder openai needs openai_api_key (or "
                 "$OPENAI_API_KEY) and openai_embed_model");
        return -1;
    }

    if (cf->openai_embed_dimensions < 0
        || cf->openai_embed_dimensions > ELAAOMS_MEMORY_MAX_DIM)
    {
        snprintf(err, errlen, "openai_embed_dimensions must be 0 (the "
                 "model's own) or 1..%d", ELAAOMS_MEMORY_MAX_DIM);
        return -1;
    }

    if (cf->payload_retention_days < 0 || cf->audio_retention_days < 0
        || cf->memory_retention_days < 0 || cf->audit_retention_days < 0)
    {
        snprintf(err, errlen, "retention days must be >= 0 (0 = keep)");
        return -1;
    }

    if (cf->time_scale <= 0 || cf->dedup_threshold <= 0
        || cf->dedup_threshold > 1)
    {
        snprintf(err, errlen, "time_scale must be > 0 and dedup_threshold "
                 "in (0, 1]");
        return -1;
    }

    return 0;
}


static char *
cf_trim(char *s)
{
    char  *e;

    while (elaaoms_ascii_space((unsigned char) *s)) {
        s++;
    }

    e = s + strlen(s);
    while (e > s && elaaoms_ascii_space((unsigned char) e[-1])) {
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

        for (p = key; *p && !elaaoms_ascii_space((unsigned char) *p); p++) {
            /* void */
        }

        value = "";
        if (*p) {
            *p++ = '\0';
            value = cf_trim(p);
        }

        if (strcmp(key, "org_llm_provider") == 0
            ? cf_org_rule(cf, value, msg, sizeof(msg)) != 0
            : strcmp(key, "org_openmemory") == 0
            ? cf_org_openmemory(cf, value, msg, sizeof(msg)) != 0
            : cf_set(cf, key, value, msg, sizeof(msg)) != 0)
        {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            fclose(f);
            return -1;
        }
    }

    fclose(f);

    return 0;
}


/*
 * A secret file (redis_password_file, openmemory_api_key_file...): the
 * secret alone (the newline at its end and surrounding spaces ignored)
 * into dst; the messages never show its content.  0 or -1.
 */
static int
cf_secret_file(const char *what, const char *noun, const char *path,
    char *dst, size_t size, char *err, size_t errlen)
{
    int     rv;
    char    buf[1024 + 1], *p, *e;
    FILE   *f;
    size_t  n, max;

    max = size - 1 < sizeof(buf) - 1 ? size - 1 : sizeof(buf) - 1;

    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
        return -1;
    }

    n = fread(buf, 1, max, f);
    buf[n] = '\0';
    rv = -1;

    if (ferror(f)) {
        snprintf(err, errlen, "%s %s: read error", what, path);
        goto done;
    }

    if (!feof(f) && fgetc(f) != EOF) {
        snprintf(err, errlen, "%s %s is longer than %zu bytes", what, path,
                 max);
        goto done;
    }

    p = cf_trim(buf);

    for (e = p; *e; e++) {
        if ((unsigned char) *e < 0x21 || *e == 0x7f) {
            snprintf(err, errlen, "%s %s holds a space or a control "
                     "character inside the %s", what, path, noun);
            goto done;
        }
    }

    if (*p == '\0') {
        snprintf(err, errlen, "%s %s holds no %s", what, path, noun);
        goto done;
    }

    strcpy(dst, p);
    rv = 0;

done:

    memset(buf, 0, sizeof(buf));
    fclose(f);

    return rv;
}


/* the password alone, from redis_password_file */
static int
cf_password_file(elaaoms_worker_config_t *cf, char *err, size_t errlen)
{
    if (cf->redis_password_file[0] == '\0') {
        return 0;
    }

    if (cf->redis_password[0] != '\0') {
        snprintf(err, errlen, "redis_password and redis_password_file "
                 "are both set");
        return -1;
    }

    return cf_secret_file("redis_password_file", "password",
                          cf->redis_password_file, cf->redis_password,
                          sizeof(cf->redis_password), err, errlen);
}


/* the OpenMemory keys: the global one's file, each org's */
static int
cf_openmemory_keys(elaaoms_worker_config_t *cf, char *err, size_t errlen)
{
    int                        i;
    elaaoms_org_openmemory_t  *o;

    if (cf->openmemory_api_key_file[0] != '\0') {
        if (cf->openmemory_api_key[0] != '\0') {
            snprintf(err, errlen, "openmemory_api_key and "
                     "openmemory_api_key_file are both set");
            return -1;
        }

        if (cf_secret_file("openmemory_api_key_file", "key",
                           cf->openmemory_api_key_file,
                           cf->openmemory_api_key,
                           sizeof(cf->openmemory_api_key), err, errlen)
            != 0)
        {
            return -1;
        }
    }

    cf_env(cf->openmemory_api_key, sizeof(cf->openmemory_api_key),
           "OPENMEMORY_API_KEY");

    for (i = 0; i < cf->n_org_openmemory; i++) {
        o = &cf->org_openmemory[i];

        if (cf_secret_file("org_openmemory key file", "key",
                           o->api_key_file, o->api_key, sizeof(o->api_key),
                           err, errlen)
            != 0)
        {
            return -1;
        }
    }

    if (cf->openmemory_timeout_ms < 1) {
        snprintf(err, errlen, "openmemory_timeout_ms must be > 0");
        return -1;
    }

    return 0;
}


int
elaaoms_worker_config_finish(elaaoms_worker_config_t *cf, char *err,
    size_t errlen)
{
    /* keys stay out of files where the environment provides them */
    cf_env(cf->openai_api_key, sizeof(cf->openai_api_key), "OPENAI_API_KEY");
    cf_env(cf->anthropic_api_key, sizeof(cf->anthropic_api_key),
           "ANTHROPIC_API_KEY");
    cf_env(cf->elevenlabs_api_key, sizeof(cf->elevenlabs_api_key),
           "ELEVENLABS_API_KEY");

    if (cf_password_file(cf, err, errlen) != 0
        || cf_openmemory_keys(cf, err, errlen) != 0)
    {
        return -1;
    }

    cf_env(cf->redis_password, sizeof(cf->redis_password),
           "ELAAOMS_REDIS_PASSWORD");

    if (cf->redis_user[0] != '\0' && cf->redis_password[0] == '\0') {
        snprintf(err, errlen, "redis_user needs redis_password (or "
                 "redis_password_file)");
        return -1;
    }

    return cf_check(cf, err, errlen);
}
