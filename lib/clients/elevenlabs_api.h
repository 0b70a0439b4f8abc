/*
 * ElevenLabs agent profile: GET {base}/v1/convai/agents/{agent_id} with
 * "xi-api-key".  The worker caches the raw JSON (24 h) and reads the
 * summary to know what the conversation-initiation answer may override.
 */

#ifndef ELAAOMS_ELEVENLABS_API_H
#define ELAAOMS_ELEVENLABS_API_H

#include <stddef.h>

#include "clients/api_error.h"
#include "clients/http_client.h"

#define ELAAOMS_ELEVENLABS_BASE  "https://api.elevenlabs.io"

/* strings are borrowed; zero values mean the defaults noted */
typedef struct {
    const char  *base_url;       /* NULL: https://api.elevenlabs.io; the
                                    regional ones (api.us..., api.eu...)
                                    are configured here */
    const char  *api_key;        /* required */
    long         timeout_ms;     /* 0: 30 s */
    int          max_retries;
    long         retry_base_ms;  /* 0: 1 s */
    long         retry_max_ms;   /* 0: 30 s */
} elaaoms_elevenlabs_t;

/*
 * What the worker needs from a profile.  Strings are malloc'd copies,
 * NULL when the profile does not have them; freed by
 * elaaoms_agent_profile_free().
 */
typedef struct {
    char  *agent_id;
    char  *name;
    char  *first_message;     /* conversation_config.agent.first_message */
    char  *language;          /* conversation_config.agent.language */
    char  *prompt;            /* conversation_config.agent.prompt.prompt */
    char  *llm;               /* conversation_config.agent.prompt.llm */
    char  *voice_id;          /* conversation_config.tts.voice_id */

    /* platform_settings.overrides.conversation_config_override: what a
       conversation-initiation answer is allowed to override (absent is
       not allowed) */
    int    override_first_message;
    int    override_language;
    int    override_prompt;
    int    override_voice_id;
    /* ...enable_conversation_initiation_client_data_from_webhook */
    int    client_data_webhook;
} elaaoms_agent_profile_t;

/*
 * Fetches the profile of agent_id (letters, digits, "_" and "-" only:
 * anything else is refused before any request).  On success *raw_json
 * (when raw_json is not NULL) is the body as received, malloc'd and
 * NUL-terminated, the caller frees it; profile (when not NULL) is filled.
 * 0 on success, -1 with err filled (a 404 is ELAAOMS_API_ERR_HTTP with
 * http_status 404); err may be NULL.
 */
int elaaoms_elevenlabs_get_agent(const elaaoms_elevenlabs_t *cfg,
    const char *agent_id, char **raw_json, elaaoms_agent_profile_t *profile,
    elaaoms_api_error_t *err);

/*
 * GET {base}{path} with the key and the retries of cfg (api_call.h): 0
 * with resp holding the 2xx answer (the caller frees it with
 * elaaoms_http_response_free()), or -1 with err filled (no key: CONFIG).
 */
int elaaoms_elevenlabs_get(const elaaoms_elevenlabs_t *cfg, const char *path,
    elaaoms_http_response_t *resp, elaaoms_api_error_t *err);

/*
 * Fills profile from a profile's JSON (NUL-terminated), e.g. one cached
 * in Redis.  0, or -1 (err MALFORMED/NOMEM, profile left empty) when it
 * is not a JSON object.
 */
int elaaoms_agent_profile_parse(const char *json,
    elaaoms_agent_profile_t *profile, elaaoms_api_error_t *err);

/* frees the strings; the struct is left zeroed */
void elaaoms_agent_profile_free(elaaoms_agent_profile_t *profile);

#endif /* ELAAOMS_ELEVENLABS_API_H */
