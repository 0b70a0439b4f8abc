/*
 * Operator commands that rebuild what the worker derives: pre-call
 * contexts, record upgrades, agent profiles (cli.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "context/context_store.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "key_upgrade.h"
#include "process.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "worker_log.h"


/*
 * Moves the org's keys (and the global counters) of the layout before
 * issue 16 to their cluster-layout names (key_upgrade.h), then rewrites
 * the version-1 records of every caller of the org with all their agents
 * (memory_store.h), then rebuilds the pre-call contexts of the callers it
 * changed, so that nginx serves each agent what it created or reinforced
 * before this version too.
 */
static int
elaaoms_cli_upgrade(elaaoms_cli_t *cli, elaaoms_redis_t *rc, const char *org)
{
    int                               failed;
    char                              key[ELAAOMS_KEY_MAX], cursor[32];
    char                              err[256];
    char                              masked[ELAAOMS_LOG_CALLER_LEN];
    size_t                            i, n, callers, records, contexts;
    size_t                            moved, org_moved;
    redisReply                       *r, *page;
    const char                       *caller;
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_stats_t   stats;

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_MEMORY_KEY_CALLERS)
        < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    /* the global keys and the org's (in elaaoms:orgs or not) */
    if (elaaoms_key_upgrade_global(rc, &moved, err, sizeof(err)) != 0
        || elaaoms_key_upgrade_org(rc, org, &org_moved, err, sizeof(err))
           != 0)
    {
        elaaoms_cli_fail(cli, 0, "key upgrade: %s", err);
        return ELAAOMS_CLI_FAILED;
    }

    moved += org_moved;

    /* every caller's contexts, for the agents already known */
    memset(&req, 0, sizeof(req));
    req.org = org;

    callers = 0;
    records = 0;
    contexts = 0;
    failed = 0;
    strcpy(cursor, "0");

    do {
        r = elaaoms_redis_command(rc, "SSCAN %s %s COUNT 500", key, cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || !elaaoms_cli_all_strings(r->element[1]))
        {
            elaaoms_cli_fail(cli, 0, "sscan: %s",
                             r ? "unexpected reply" : elaaoms_redis_errstr(rc));
            if (r) {
                freeReplyObject(r);
            }
            return ELAAOMS_CLI_FAILED;
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        page = r->element[1];

        for (i = 0; i < page->elements; i++) {
            caller = page->element[i]->str;
            callers++;

            if (elaaoms_memory_store_upgrade_caller(rc, org, caller, &n, err,
                                                    sizeof(err))
                != 0)
            {
                elaaoms_cli_fail(cli, 0, "%s: %s",
                                 elaaoms_log_caller(caller, masked), err);
                failed++;
                continue;
            }

            records += n;

            if (n == 0) {
                continue;
            }

            req.caller = caller;

            if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err))
                != 0)
            {
                elaaoms_cli_fail(cli, 0, "contexts of %s: %s",
                                 elaaoms_log_caller(caller, masked), err);
                failed++;
                continue;
            }

            contexts += stats.agents;
        }

        freeReplyObject(r);

    } while (strcmp(cursor, "0") != 0);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_int(cli->g, "keys_moved", (long long) moved);
    elaaoms_cli_int(cli->g, "callers", (long long) callers);
    elaaoms_cli_int(cli->g, "records_upgraded", (long long) records);
    elaaoms_cli_int(cli->g, "contexts", (long long) contexts);
    elaaoms_cli_int(cli->g, "failed", failed);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return failed ? ELAAOMS_CLI_FAILED : ELAAOMS_CLI_OK;
}


/* rebuilds the caller's pre-call contexts (after a profile change...) */
static int
elaaoms_cli_contexts(elaaoms_cli_t *cli, elaaoms_redis_t *rc, const char *org,
    const char *caller, int nagents, char **agents)
{
    char                              err[256];
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_stats_t   stats;

    memset(&req, 0, sizeof(req));
    req.org = org;
    req.caller = caller;
    req.agent_ids = (const char *const *) agents;
    req.nagents = (size_t) nagents;

    if (elaaoms_context_refresh(rc, &req, &stats, err, sizeof(err)) != 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_int(cli->g, "contexts", (long long) stats.agents);
    elaaoms_cli_int(cli->g, "written", (long long) stats.written);
    elaaoms_cli_int(cli->g, "memories", (long long) stats.memories);
    elaaoms_cli_int(cli->g, "max_tokens", (long long) stats.max_tokens);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_legacy_upgrade(elaaoms_cli_t *cli, int argc, char **argv)
{
    if (argc != 2) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_admin_commands[0],
                                 argc - 1, 1, 1);
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    return elaaoms_cli_upgrade(cli, cli->rc, argv[1]);
}


static int
elaaoms_cli_legacy_contexts(elaaoms_cli_t *cli, int argc, char **argv)
{
    char  caller[ELAAOMS_CALLER_MAX];

    if (argc < 3) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_admin_commands[1],
                                 argc - 1, 2, -1);
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    if (elaaoms_cli_caller(cli, argv[2], caller, sizeof(caller)) != 0) {
        return ELAAOMS_CLI_USAGE;
    }

    return elaaoms_cli_contexts(cli, cli->rc, argv[1], caller, argc - 3,
                                argv + 3);
}


/*
 * profile refresh AGENT_ID: the agent's profile fetched from ElevenLabs
 * now, over the worker's 24 h cache (the worker's own fetch).  The
 * pre-call contexts read the cached profile when they are rebuilt (the
 * caller's next extraction, "refresh-contexts"); nginx reads it at each
 * call for the overrides it allows, so those change at once.
 */
static int
elaaoms_cli_profile_refresh(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                       rv, first;
    elaaoms_api_error_t       aerr;
    elaaoms_agent_profile_t   p;
    static const struct option  opts[] = { { NULL, 0, NULL, 0 } };
    const elaaoms_cli_command_t  *cmd = &elaaoms_cli_admin_commands[2];

    first = elaaoms_cli_options(cli, cmd, argc, argv, opts, NULL, NULL, &rv);
    if (first < 0) {
        return rv;
    }

    if (elaaoms_cli_nargs(cli, cmd, argc - first, 1, 1) != 0) {
        return ELAAOMS_CLI_USAGE;
    }

    if (!elaaoms_agent_id_valid_str(argv[first])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid agent id: "
                                "%s", argv[first]);
    }

    memset(&p, 0, sizeof(p));

    rv = elaaoms_process_profile_fetch(cli->cf, cli->rc, cli->org,
                                       argv[first], &p, &aerr);
    if (rv == -1) {
        if (aerr.code == ELAAOMS_API_ERR_HTTP && aerr.http_status == 404) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "ElevenLabs "
                                    "has no agent %s: %s", argv[first],
                                    aerr.message);
        }
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "profile of %s not "
                                "fetched: %s", argv[first], aerr.message);
    }

    if (rv != 0) {
        elaaoms_agent_profile_free(&p);
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: the "
                                "profile was not cached");
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "agent_id", argv[first]);
    elaaoms_cli_cstr(cli->g, "name", p.name);
    elaaoms_cli_cstr(cli->g, "language", p.language);
    elaaoms_cli_cstr(cli->g, "first_message", p.first_message);
    elaaoms_cli_cstr(cli->g, "llm", p.llm);
    elaaoms_cli_cstr(cli->g, "voice_id", p.voice_id);
    elaaoms_cli_bool(cli->g, "override_first_message",
                     p.override_first_message);
    elaaoms_cli_bool(cli->g, "override_language", p.override_language);
    elaaoms_cli_bool(cli->g, "override_prompt", p.override_prompt);
    elaaoms_cli_bool(cli->g, "override_voice_id", p.override_voice_id);
    elaaoms_cli_bool(cli->g, "client_data_webhook", p.client_data_webhook);
    elaaoms_cli_int(cli->g, "cached_secs", cli->cf->profile_ttl_secs);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    elaaoms_agent_profile_free(&p);

    return ELAAOMS_CLI_OK;
}


const elaaoms_cli_command_t  elaaoms_cli_admin_commands[] = {

    { "upgrade", "ORG",
      "moves keys to the cluster layout, rewrites version-1 records and "
      "re-embeds older offline vectors", "",
      elaaoms_cli_legacy_upgrade, ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "refresh-contexts", "ORG CALLER [AGENT...]",
      "rebuilds the caller's pre-call contexts", "",
      elaaoms_cli_legacy_contexts, ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "profile refresh", "AGENT_ID",
      "fetches the agent's ElevenLabs profile now, over the 24 h cache",
      "The worker caches each agent's profile (GET /v1/convai/agents/ID)\n"
      "for 24 hours; after a change in ElevenLabs (first message, name,\n"
      "language, allowed overrides) this fetches it now and replaces the\n"
      "cache (elaaoms:<org>:agent:<AGENT_ID>:profile) for profile_ttl_secs.\n"
      "nginx reads the allowed overrides from it at the next call; the\n"
      "greetings in the callers' pre-call contexts follow at their next\n"
      "extraction (or \"refresh-contexts ORG CALLER\").  Needs the worker's\n"
      "elevenlabs_api_key (or $ELEVENLABS_API_KEY).\n"
      "\n"
      "Output: agent_id, name, language, first_message, llm, voice_id,\n"
      "override_first_message, override_language, override_prompt,\n"
      "override_voice_id, client_data_webhook, cached_secs.  Exit status 3\n"
      "when ElevenLabs has no such agent (404), 1 when the API fails or no\n"
      "key is configured.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme profile refresh agent_01support7x\n",
      elaaoms_cli_profile_refresh, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
