/*
 * Operator commands about callers and their memories (cli.h).
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/caller_erase.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


/* one memory record as a JSON object: every field an operator may ask
   about, the agents it belongs to the latest last */
static void
elaaoms_cli_memory(yajl_gen g, const elaaoms_memory_record_t *m)
{
    size_t  j;

    yajl_gen_map_open(g);
    elaaoms_cli_str(g, "id", m->id.data, m->id.len);
    elaaoms_cli_cstr(g, "type", elaaoms_mem_type_name(m->type));
    elaaoms_cli_str(g, "content", m->content.data, m->content.len);
    elaaoms_cli_int(g, "importance", m->importance);
    elaaoms_cli_double(g, "confidence", m->confidence);
    elaaoms_cli_bool(g, "shareable", m->shareable);
    elaaoms_cli_bool(g, "superseded",
                     (m->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0);
    elaaoms_cli_str(g, "conversation_id", m->conversation_id.data,
                    m->conversation_id.len);
    elaaoms_cli_str(g, "agent_id", m->agent_id.data, m->agent_id.len);
    elaaoms_cli_key(g, "agents");
    yajl_gen_array_open(g);
    for (j = 0; j < m->nprior_agents; j++) {
        yajl_gen_string(g, (const unsigned char *) m->prior_agents[j].data,
                        m->prior_agents[j].len);
    }
    if (m->agent_id.len) {
        yajl_gen_string(g, (const unsigned char *) m->agent_id.data,
                        m->agent_id.len);
    }
    yajl_gen_array_close(g);
    elaaoms_cli_bool(g, "identity",
                     (m->flags & ELAAOMS_MEMORY_F_IDENTITY) != 0);
    elaaoms_cli_int(g, "created", m->created);
    elaaoms_cli_int(g, "last_reinforced", m->last_reinforced);
    elaaoms_cli_int(g, "reinforcement_count", m->reinforcement_count);
    elaaoms_cli_str(g, "source_quote", m->source_quote.data,
                    m->source_quote.len);
    elaaoms_cli_key(g, "conflicts");
    yajl_gen_array_open(g);
    for (j = 0; j < m->nconflicts; j++) {
        yajl_gen_string(g, (const unsigned char *) m->conflicts[j].data,
                        m->conflicts[j].len);
    }
    yajl_gen_array_close(g);
    elaaoms_cli_int(g, "dim", (long long) m->dim);
    elaaoms_cli_str(g, "embed_model", m->embed_model.data,
                    m->embed_model.len);
    /* the offline vector kept beside a provider's (0: none) */
    elaaoms_cli_int(g, "offline_dim", (long long) m->offline_dim);
    yajl_gen_map_close(g);
}


/* memories ORG CALLER [AGENT]: the caller's memories, or those AGENT
   created or reinforced, most important first */
static int
elaaoms_cli_memories(elaaoms_cli_t *cli, int argc, char **argv)
{
    size_t                   i;
    char                     err[256], caller[ELAAOMS_CALLER_MAX];
    elaaoms_memory_list_t    list;
    elaaoms_memory_query_t   q;

    if (argc == 4 && !elaaoms_conversation_id_valid_str(argv[3])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid agent id");
    }

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    if (elaaoms_cli_caller(cli, argv[2], caller, sizeof(caller)) != 0) {
        return ELAAOMS_CLI_USAGE;
    }

    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;
    q.agent_id = argc == 4 ? argv[3] : NULL;

    memset(&list, 0, sizeof(list));
    if (elaaoms_memory_store_query(cli->rc, argv[1], caller, &q, &list, err,
                                   sizeof(err)) != 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    for (i = 0; i < list.n; i++) {
        elaaoms_cli_memory(cli->g, &list.items[i]);
        elaaoms_cli_emit(cli);
    }

    elaaoms_memory_list_free(&list);

    return ELAAOMS_CLI_OK;
}


/* GDPR erasure of everything about the caller */
static int
elaaoms_cli_erase(elaaoms_cli_t *cli, const char *org, const char *caller)
{
    char                    err[256];
    const char             *dir;
    elaaoms_erase_counts_t  c;

    dir = cli->cf->payload_dir[0] ? cli->cf->payload_dir : NULL;

    if (elaaoms_caller_erase(cli->rc, dir, org, caller, ELAAOMS_TOMBSTONE_TTL,
                             &c, err, sizeof(err))
        != 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_bool(cli->g, "forgotten", 1);
    elaaoms_cli_int(cli->g, "keys_deleted", (long long) c.keys);
    elaaoms_cli_int(cli->g, "conversations", (long long) c.conversations);
    elaaoms_cli_int(cli->g, "jobs_removed", (long long) c.jobs);
    elaaoms_cli_int(cli->g, "files_removed", (long long) c.files);
    elaaoms_cli_int(cli->g, "audit_removed", (long long) c.audit);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


/* forget ORG CALLER */
static int
elaaoms_cli_forget(elaaoms_cli_t *cli, int argc, char **argv)
{
    char  caller[ELAAOMS_CALLER_MAX];

    (void) argc;

    if (!elaaoms_memory_org_valid(argv[1])) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    if (elaaoms_cli_caller(cli, argv[2], caller, sizeof(caller)) != 0) {
        return ELAAOMS_CLI_USAGE;
    }

    return elaaoms_cli_erase(cli, argv[1], caller);
}


static int
elaaoms_cli_legacy_memories(elaaoms_cli_t *cli, int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_caller_commands[0],
                                 argc - 1, 2, 3);
    }

    return elaaoms_cli_memories(cli, argc, argv);
}


static int
elaaoms_cli_legacy_forget(elaaoms_cli_t *cli, int argc, char **argv)
{
    if (argc != 3) {
        return elaaoms_cli_nargs(cli, &elaaoms_cli_caller_commands[1],
                                 argc - 1, 2, 2);
    }

    return elaaoms_cli_forget(cli, argc, argv);
}


const elaaoms_cli_command_t  elaaoms_cli_caller_commands[] = {

    { "memories", "ORG CALLER [AGENT]",
      "the caller's memories (those AGENT created or reinforced), JSON "
      "lines", "", elaaoms_cli_legacy_memories,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "forget", "ORG CALLER",
      "GDPR erasure of everything about the caller", "",
      elaaoms_cli_legacy_forget, ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
