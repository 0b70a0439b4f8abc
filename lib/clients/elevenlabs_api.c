/*
 * ElevenLabs agent profile fetch and summary.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/ids.h"
#include "clients/elevenlabs_api.h"
#include "clients/api_call.h"
#include "util/yajl_util.h"


/* ids are like "agent_01support7x": refusing the rest keeps the URL sane */
static int
elaaoms_elevenlabs_dup(char **dst, yajl_val root, const char **path)
{
    const char  *s = elaaoms_yajl_str(root, path);

    if (s == NULL) {
        *dst = NULL;
        return 0;
    }

    *dst = strdup(s);
    return *dst ? 0 : -1;
}


static int
elaaoms_elevenlabs_flag(yajl_val root, const char **path)
{
    return YAJL_IS_TRUE(yajl_tree_get(root, path, yajl_t_true));
}


#define ELAAOMS_OVERRIDE(...)                                                \
    ELAAOMS_YAJL_PATH("platform_settings", "overrides",                      \
                      "conversation_config_override", __VA_ARGS__)

int
elaaoms_agent_profile_parse(const char *json, elaaoms_agent_profile_t *profile,
    elaaoms_api_error_t *err)
{
    int       rc = 0;
    char      reason[128];
    yajl_val  root;

    memset(profile, 0, sizeof(elaaoms_agent_profile_t));

    root = elaaoms_yajl_parse(json, reason, sizeof(reason));
    if (root == NULL || !YAJL_IS_OBJECT(root)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "agent profile is not a JSON object%s%s",
                              root ? "" : ": ", root ? "" : reason);
        if (root) {
            yajl_tree_free(root);
        }
        return -1;
    }

    rc |= elaaoms_elevenlabs_dup(&profile->agent_id, root,
                                 ELAAOMS_YAJL_PATH("agent_id"));
    rc |= elaaoms_elevenlabs_dup(&profile->name, root,
                                 ELAAOMS_YAJL_PATH("name"));
    rc |= elaaoms_elevenlabs_dup(&profile->first_message, root,
              ELAAOMS_YAJL_PATH("conversation_config", "agent",
                                "first_message"));
    rc |= elaaoms_elevenlabs_dup(&profile->language, root,
              ELAAOMS_YAJL_PATH("conversation_config", "agent", "language"));
    rc |= elaaoms_elevenlabs_dup(&profile->prompt, root,
              ELAAOMS_YAJL_PATH("conversation_config", "agent", "prompt",
                                "prompt"));
    rc |= elaaoms_elevenlabs_dup(&profile->llm, root,
              ELAAOMS_YAJL_PATH("conversation_config", "agent", "prompt",
                                "llm"));
    rc |= elaaoms_elevenlabs_dup(&profile->voice_id, root,
              ELAAOMS_YAJL_PATH("conversation_config", "tts", "voice_id"));

    profile->override_first_message =
        elaaoms_elevenlabs_flag(root, ELAAOMS_OVERRIDE("agent",
                                                       "first_message"));
    profile->override_language =
        elaaoms_elevenlabs_flag(root, ELAAOMS_OVERRIDE("agent", "language"));
    profile->override_prompt =
        elaaoms_elevenlabs_flag(root, ELAAOMS_OVERRIDE("agent", "prompt",
                                                       "prompt"));
    profile->override_voice_id =
        elaaoms_elevenlabs_flag(root, ELAAOMS_OVERRIDE("tts", "voice_id"));
    profile->client_data_webhook =
        elaaoms_elevenlabs_flag(root,
            ELAAOMS_YAJL_PATH("platform_settings", "overrides",
                "enable_conversation_initiation_client_data_from_webhook"));

    yajl_tree_free(root);

    if (rc != 0) {
        elaaoms_agent_profile_free(profile);
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return -1;
    }

    return 0;
}

#undef ELAAOMS_OVERRIDE


void
elaaoms_agent_profile_free(elaaoms_agent_profile_t *profile)
{
    free(profile->agent_id);
    free(profile->name);
    free(profile->first_message);
    free(profile->language);
    free(profile->prompt);
    free(profile->llm);
    free(profile->voice_id);

    memset(profile, 0, sizeof(elaaoms_agent_profile_t));
}


int
elaaoms_elevenlabs_get(const elaaoms_elevenlabs_t *cfg, const char *path,
    elaaoms_http_response_t *resp, elaaoms_api_error_t *err)
{
    elaaoms_http_header_t    hdr;
    elaaoms_api_endpoint_t   ep;
    elaaoms_http_request_t   req;

    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_CONFIG, 0,
                              "elevenlabs: an api key is required");
        return -1;
    }

    ep.base_url = cfg->base_url;
    ep.default_base = ELAAOMS_ELEVENLABS_BASE;
    ep.path = path;
    ep.policy.max_retries = cfg->max_retries;
    ep.policy.base_ms = cfg->retry_base_ms;
    ep.policy.max_ms = cfg->retry_max_ms;

    hdr.name = "xi-api-key";
    hdr.value = cfg->api_key;

    memset(&req, 0, sizeof(elaaoms_http_request_t));
    req.method = "GET";
    req.headers = &hdr;
    req.nheaders = 1;
    req.timeout_ms = cfg->timeout_ms;

    return elaaoms_api_call(&ep, &req, resp, NULL, err);
}


int
elaaoms_elevenlabs_get_agent(const elaaoms_elevenlabs_t *cfg,
    const char *agent_id, char **raw_json, elaaoms_agent_profile_t *profile,
    elaaoms_api_error_t *err)
{
    int                      rc;
    char                    *path;
    elaaoms_api_error_t      local_err;
    elaaoms_http_response_t  resp;

    if (raw_json) {
        *raw_json = NULL;
    }
    if (profile) {
        memset(profile, 0, sizeof(elaaoms_agent_profile_t));
    }

    if (err == NULL) {
        err = &local_err;
    }
    elaaoms_api_error_reset(err);

    if (cfg->api_key == NULL || cfg->api_key[0] == '\0') {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_CONFIG, 0,
                              "elevenlabs: an api key is required");
        return -1;
    }

    if (agent_id == NULL || !elaaoms_agent_id_valid_str(agent_id)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "elevenlabs: invalid agent id");
        return -1;
    }

    if (asprintf(&path, "/v1/convai/agents/%s", agent_id) < 0) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return -1;
    }

    rc = elaaoms_elevenlabs_get(cfg, path, &resp, err);
    free(path);

    if (rc != 0) {
        return -1;
    }

    if (profile) {
        if (elaaoms_agent_profile_parse(resp.body, profile, err) != 0) {
            elaaoms_http_response_free(&resp);
            return -1;
        }

    } else {
        /* a cached body must at least be a profile-shaped document */
        elaaoms_agent_profile_t  check;

        if (elaaoms_agent_profile_parse(resp.body, &check, err) != 0) {
            elaaoms_http_response_free(&resp);
            return -1;
        }
        elaaoms_agent_profile_free(&check);
    }

    if (raw_json) {
        *raw_json = resp.body;          /* ownership passes to the caller */
        resp.body = NULL;
    }

    elaaoms_http_response_free(&resp);
    return 0;
}
