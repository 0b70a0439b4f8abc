/*
 * The worker's configuration: "key value" lines, "#" comments, read from
 * the file given with --config; every key has a default so the embedded
 * setup runs with an empty file.
 */

#ifndef ELAAOMS_WORKER_CONFIG_H
#define ELAAOMS_WORKER_CONFIG_H

#include <stddef.h>

#define ELAAOMS_WORKER_MAX_RETRIES   3
#define ELAAOMS_WORKER_MAX_ORG_RULES 32
#define ELAAOMS_WORKER_CLUSTER_SEEDS 16   /* redis_cluster's nodes */

typedef struct {
    char    org[65];
    char    provider[16];            /* openai | anthropic | auto | offline */
} elaaoms_org_rule_t;

/* "org_openmemory <org> <url> <key-file>": the org's own OpenMemory */
typedef struct {
    char    org[65];
    char    url[512];
    char    api_key_file[1024];
    char    api_key[256];            /* read from api_key_file by finish */
} elaaoms_org_openmemory_t;

typedef struct {
    char    redis_host[256];
    int     redis_port;
    char    redis_unix[256];     /* "" when TCP */
    char    redis_user[128];     /* ACL user; "" = default */
    char    redis_password[256]; /* or $ELAAOMS_REDIS_PASSWORD; never logged */
    char    redis_password_file[1024];  /* read by config_finish */
    char    redis_cluster[1024]; /* "host:port ...": seed nodes of a Redis
                                    Cluster; "" = one Redis */
    char    redis_cluster_seed[ELAAOMS_WORKER_CLUSTER_SEEDS][264];
    size_t  redis_cluster_nseeds;   /* redis_cluster split by config_finish */
    char    payload_dir[1024];
    char    worker_id[128];      /* default: hostname:pid */
    int     heartbeat_secs;
    int     sweep_secs;          /* pending-payload sweep period */
    int     concurrency;
    double  time_scale;          /* retry delays are multiplied by this */
    char    retry_delays_text[64];
    double  retry_delays[ELAAOMS_WORKER_MAX_RETRIES];  /* seconds */
    int     drain_secs;          /* SIGTERM: how long running jobs may finish */
    int     dead_secs;           /* a worker silent this long is dead */
    int     recover_secs;        /* how often dead workers' jobs are looked for */
    int     payload_retention_days;  /* extracted transcripts; 0 = keep */
    int     audio_retention_days;    /* recordings */
    int     memory_retention_days;   /* memories not reinforced; 0 = keep */
    int     audit_retention_days;    /* audit stream entries */
    char    pid_file[1024];
    char    log_file[1024];      /* "" = stderr */

    /* extraction */
    char    llm_provider[16];    /* auto (a provider with a key, else offline),
                                    openai, anthropic, offline */
    int     llm_fallback;        /* 1: the other provider when one fails */
    int     llm_first_message;   /* 1: the LLM writes pre-call greetings */
    char    openai_api_key[256];     /* or $OPENAI_API_KEY */
    char    openai_base_url[512];
    char    openai_model[128];
    char    anthropic_api_key[256];  /* or $ANTHROPIC_API_KEY */
    char    anthropic_base_url[512];
    char    anthropic_model[128];
    int     llm_timeout_ms;
    int     llm_max_retries;
    int     llm_retry_base_ms;
    double  openai_price_in;     /* per million tokens */
    double  openai_price_out;
    double  anthropic_price_in;
    double  anthropic_price_out;
    int     chunk_tokens;
    int     chunk_overlap;
    char    privacy_policy[16];  /* redact | drop */

    /* memories */
    char    embedder[16];        /* offline | openai (openai_api_key and
                                    openai_base_url of the LLM settings) */
    char    openai_embed_model[128];
    int     openai_embed_dimensions; /* 0: the model's own; else sent as
                                        "dimensions", 1..ELAAOMS_MEMORY_MAX_DIM */
    double  dedup_threshold;

    /* agent profiles */
    char    elevenlabs_api_key[256]; /* or $ELEVENLABS_API_KEY */
    char    elevenlabs_base_url[512];
    int     profile_ttl_secs;

    /* the OpenMemory mirror (worker/openmemory_mirror.h); "" url: off */
    char    openmemory_url[512];
    char    openmemory_api_key[256];     /* or $OPENMEMORY_API_KEY, or the
                                            file; never logged */
    char    openmemory_api_key_file[1024];
    int     openmemory_timeout_ms;

    elaaoms_org_rule_t  org_rules[ELAAOMS_WORKER_MAX_ORG_RULES];
    int                 n_org_rules;

    elaaoms_org_openmemory_t  org_openmemory[ELAAOMS_WORKER_MAX_ORG_RULES];
    int                       n_org_openmemory;
} elaaoms_worker_config_t;

/* after loading: API keys from the environment, then every value checked */
int elaaoms_worker_config_finish(elaaoms_worker_config_t *cf, char *err,
    size_t errlen);

/* the provider for an organization: its rule, else llm_provider */
const char *elaaoms_worker_config_provider(const elaaoms_worker_config_t *cf,
    const char *org);

/* the organization's OpenMemory: its org_openmemory line, else the
   global one; 0, or -1 when none is configured (url, key) */
int elaaoms_worker_config_openmemory(const elaaoms_worker_config_t *cf,
    const char *org, const char **url, const char **api_key);

void elaaoms_worker_config_defaults(elaaoms_worker_config_t *cf);

/* 0 on success; on error writes a message into err */
int elaaoms_worker_config_load(elaaoms_worker_config_t *cf, const char *path,
    char *err, size_t errlen);

#endif /* ELAAOMS_WORKER_CONFIG_H */
