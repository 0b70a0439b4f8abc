/*
 * Operator commands about callers and their memories (cli.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "openmemory_mirror.h"
#include "context/context_store.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "store/caller_erase.h"
#include "store/memory_delete.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


#define ELAAOMS_CLI_CALLERS_LIST   2
#define ELAAOMS_CLI_CALLER_SHOW    3
#define ELAAOMS_CLI_CALLER_FORGET  4
#define ELAAOMS_CLI_MEMORY_DELETE  5


/* one memory record as a JSON object: every field an operator may ask
   about, the agents it belongs to the latest last */
void
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

    /* the mirrored copies first: their ids go with the caller's keys */
    if (elaaoms_om_erase_caller(cli->cf, cli->rc, org, caller) != 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "the OpenMemory "
                                "copies could not be read: nothing erased");
    }

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


/*
 * 1 when ELAAOMS holds anything of the caller: memories, a conversation in
 * its index or the memory registry, or the contexts' count of calls; 0
 * when not; -1 on a Redis error.  One EXISTS of the caller's keys (one
 * slot), one of its conversation index (the org's slot).
 */
int
elaaoms_cli_caller_known(elaaoms_cli_t *cli, const char *caller)
{
    int          i;
    char         keys[4][ELAAOMS_KEY_MAX], index[ELAAOMS_KEY_MAX];
    long long    v;
    const char  *argv[5];
    static const char  *sfx[4] = {
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_CONVERSATIONS,
        ELAAOMS_CONTEXT_KEY_CALLS, ELAAOMS_CONTEXT_KEY_CALL_IDS
    };

    argv[0] = "EXISTS";
    for (i = 0; i < 4; i++) {
        if (elaaoms_key_caller(keys[i], ELAAOMS_KEY_MAX, cli->org, caller,
                               sfx[i]) < 0)
        {
            return -1;
        }
        argv[i + 1] = keys[i];
    }

    if (elaaoms_key_conversation_index(index, sizeof(index), cli->org,
                                       caller) < 0)
    {
        return -1;
    }

    v = elaaoms_cli_integer(cli, elaaoms_redis_command_argv(cli->rc, 5, argv,
                                                            NULL));
    if (v != 0) {
        return v < 0 ? -1 : 1;
    }

    argv[1] = index;
    v = elaaoms_cli_integer(cli, elaaoms_redis_command_argv(cli->rc, 2, argv,
                                                            NULL));

    return v < 0 ? -1 : v > 0;
}


/* the caller argument of a new command, normalized; USAGE or OK */
int
elaaoms_cli_caller_arg(elaaoms_cli_t *cli, int idx, int argc, char **argv,
    int want, const elaaoms_cli_command_t *cmd, char *caller)
{
    int  rv;

    rv = elaaoms_cli_nargs(cli, cmd,
                           idx < 0 ? 0 : argc - idx, want, want);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    return elaaoms_cli_caller(cli, argv[idx], caller, ELAAOMS_CALLER_MAX);
}


/* --- callers list ------------------------------------------------------ */

static int
elaaoms_cli_limit_opt(void *data, int val, const char *arg)
{
    return val == 'l' ? elaaoms_cli_count(arg, 1000000000L, data) : -1;
}


/* one caller's line: pipelined reads of keys that all exist or not, each
   O(1) or O(log n) */
static int
elaaoms_cli_caller_summary(elaaoms_cli_t *cli, const char *caller)
{
    int          i, rv;
    char         keys[5][ELAAOMS_KEY_MAX];
    long long    memories, convs, regs, newest_mem, newest_call;
    redisReply  *r[5];
    static const char  *sfx[5] = {
        ELAAOMS_MEMORY_KEY_INDEX, NULL,
        ELAAOMS_MEMORY_KEY_CONVERSATIONS, ELAAOMS_MEMORY_KEY_BY_TIME,
        ELAAOMS_CONTEXT_KEY_CALLS
    };

    /* keys[1], the conversation index, is in the org's slot */
    for (i = 0; i < 5; i++) {
        if ((sfx[i] ? elaaoms_key_caller(keys[i], ELAAOMS_KEY_MAX, cli->org,
                                         caller, sfx[i])
                    : elaaoms_key_conversation_index(keys[i], ELAAOMS_KEY_MAX,
                                                     cli->org, caller))
            < 0)
        {
            return 0;       /* not a caller we could have stored */
        }
    }

    elaaoms_redis_append(cli->rc, "HLEN %s", keys[0]);
    elaaoms_redis_append(cli->rc, "SCARD %s", keys[1]);
    elaaoms_redis_append(cli->rc, "SCARD %s", keys[2]);
    elaaoms_redis_append(cli->rc, "ZREVRANGE %s 0 0 WITHSCORES", keys[3]);
    elaaoms_redis_append(cli->rc, "HGET %s last_seen", keys[4]);

    rv = 0;
    for (i = 0; i < 5; i++) {
        r[i] = NULL;
        if (elaaoms_redis_get_reply(cli->rc, (void **) &r[i]) != REDIS_OK
            || r[i]->type == REDIS_REPLY_ERROR)
        {
            rv = -1;
        }
    }

    if (rv == 0) {
        memories = r[0]->type == REDIS_REPLY_INTEGER ? r[0]->integer : 0;
        convs = r[1]->type == REDIS_REPLY_INTEGER ? r[1]->integer : 0;
        regs = r[2]->type == REDIS_REPLY_INTEGER ? r[2]->integer : 0;
        newest_mem = (r[3]->type == REDIS_REPLY_ARRAY && r[3]->elements == 2)
                     ? strtoll(r[3]->element[1]->str, NULL, 10) : 0;
        newest_call = r[4]->type == REDIS_REPLY_STRING
                      ? strtoll(r[4]->str, NULL, 10) : 0;

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "caller", caller);
        elaaoms_cli_int(cli->g, "memories", memories);
        /* the index lists every call since it exists; the registry of
           conversations with memories may know older ones */
        elaaoms_cli_int(cli->g, "conversations", convs > regs ? convs : regs);
        elaaoms_cli_int(cli->g, "newest_memory", newest_mem);
        elaaoms_cli_int(cli->g, "newest_conversation", newest_call);
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
    }

    for (i = 0; i < 5; i++) {
        if (r[i]) {
            freeReplyObject(r[i]);
        }
    }

    return rv;
}


/* callers list [--limit N]: the org's callers set, SSCANned */
static int
elaaoms_cli_callers_list(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   idx, status;
    char                  key[ELAAOMS_KEY_MAX], cursor[32];
    long                  limit, n;
    size_t                i;
    redisReply           *r, *page;
    const elaaoms_cli_command_t  *cmd;
    static const struct option  opts[] = {
        { "limit", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 }
    };

    cmd = &elaaoms_cli_caller_commands[ELAAOMS_CLI_CALLERS_LIST];
    limit = 0;

    idx = elaaoms_cli_options(cli, cmd, argc, argv, opts,
                              elaaoms_cli_limit_opt, &limit, &status);
    if (idx < 0) {
        return status;
    }

    if (elaaoms_cli_nargs(cli, cmd, argc - idx, 0, 0) != ELAAOMS_CLI_OK) {
        return ELAAOMS_CLI_USAGE;
    }

    if (elaaoms_key_org(key, sizeof(key), cli->org,
                        ELAAOMS_MEMORY_KEY_CALLERS) < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    strcpy(cursor, "0");
    n = 0;

    do {
        r = elaaoms_redis_command(cli->rc, "SSCAN %s %s COUNT 100", key,
                                  cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || r->element[1]->type != REDIS_REPLY_ARRAY)
        {
            if (r) {
                freeReplyObject(r);
            }
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    elaaoms_redis_errstr(cli->rc));
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        page = r->element[1];

        for (i = 0; i < page->elements && (limit == 0 || n < limit); i++) {
            if (page->element[i]->type != REDIS_REPLY_STRING) {
                continue;
            }

            if (elaaoms_cli_caller_summary(cli, page->element[i]->str) != 0) {
                freeReplyObject(r);
                return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                        elaaoms_redis_errstr(cli->rc));
            }
            n++;
        }

        freeReplyObject(r);

    } while (strcmp(cursor, "0") != 0 && (limit == 0 || n < limit));

    return ELAAOMS_CLI_OK;
}


/* --- caller show -------------------------------------------------------- */

typedef struct {
    elaaoms_memory_query_t   q;
    long                     limit;
    const char              *bad;
} elaaoms_cli_show_opts_t;


static int
elaaoms_cli_show_opt(void *data, int val, const char *arg)
{
    long                      v;
    long long                 t;
    elaaoms_cli_show_opts_t  *o = data;

    switch (val) {

    case 't':
        o->q.type = elaaoms_mem_type_parse(arg, strlen(arg));
        if (o->q.type < 0) {
            o->bad = "--type: factual, preference, issue, emotion or "
                     "relationship";
            return -1;
        }
        return 0;

    case 'a':
    case 'c':
        if (!elaaoms_conversation_id_valid_str(arg)) {
            o->bad = val == 'a' ? "--agent: not an agent id"
                                : "--conversation: not a conversation id";
            return -1;
        }
        if (val == 'a') {
            o->q.agent_id = arg;
        } else {
            o->q.conversation_id = arg;
        }
        return 0;

    case 's':
    case 'u':
        t = elaaoms_cli_time(arg);
        if (t <= 0) {
            o->bad = "--since/--until: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or "
                     "unix seconds";
            return -1;
        }
        if (val == 's') {
            o->q.created_from = t;
        } else {
            /* a day alone means up to its end */
            o->q.created_to = strlen(arg) == 10 && arg[4] == '-'
                              ? t + 86399 : t;
        }
        return 0;

    case 'i':
        if (elaaoms_cli_count(arg, 10, &v) != 0) {
            o->bad = "--min-importance: 1 to 10";
            return -1;
        }
        o->q.min_importance = (int) v;
        return 0;

    case 'l':
        if (elaaoms_cli_count(arg, 1000000000L, &o->limit) != 0) {
            o->bad = "--limit: a positive number";
            return -1;
        }
        o->q.limit = (size_t) o->limit;
        return 0;
    }

    return -1;
}


/* caller show CALLER [filters]: the caller's memories, most important
   first, as "memories" prints them */
static int
elaaoms_cli_caller_show(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                       idx, status, known;
    char                      err[256], caller[ELAAOMS_CALLER_MAX], *a;
    size_t                    i;
    elaaoms_memory_list_t     list;
    elaaoms_cli_show_opts_t   o;
    static const struct option  opts[] = {
        { "type", required_argument, NULL, 't' },
        { "agent", required_argument, NULL, 'a' },
        { "conversation", required_argument, NULL, 'c' },
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 'u' },
        { "min-importance", required_argument, NULL, 'i' },
        { "limit", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 }
    };

    /* "caller show CALLER --type issue": the caller after the options,
       for getopt, which stops at the first argument that is not one */
    if (argc > 2 && argv[1][0] != '-') {
        a = argv[1];
        memmove(&argv[1], &argv[2], (size_t) (argc - 2) * sizeof(char *));
        argv[argc - 1] = a;
    }

    memset(&o, 0, sizeof(o));
    elaaoms_memory_query_init(&o.q);
    o.q.order = ELAAOMS_MEMORY_ORDER_IMPORTANCE;

    idx = elaaoms_cli_options(cli,
                              &elaaoms_cli_caller_commands
                                  [ELAAOMS_CLI_CALLER_SHOW],
                              argc, argv, opts, elaaoms_cli_show_opt, &o,
                              &status);
    if (idx < 0) {
        if (o.bad) {
            elaaoms_cli_fail(cli, status, "%s", o.bad);
        }
        return status;
    }

    if (elaaoms_cli_caller_arg(cli, idx, argc, argv, 1,
                               &elaaoms_cli_caller_commands[ELAAOMS_CLI_CALLER_SHOW], caller)
        != ELAAOMS_CLI_OK)
    {
        return ELAAOMS_CLI_USAGE;
    }

    memset(&list, 0, sizeof(list));
    if (elaaoms_memory_store_query(cli->rc, cli->org, caller, &o.q, &list,
                                   err, sizeof(err))
        != 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    if (list.n == 0) {
        known = elaaoms_cli_caller_known(cli, caller);
        if (known < 0) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    elaaoms_redis_errstr(cli->rc));
        }
        if (known == 0) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no caller "
                                    "%s in organization %s", caller,
                                    cli->org);
        }
    }

    for (i = 0; i < list.n; i++) {
        elaaoms_cli_memory(cli->g, &list.items[i]);
        elaaoms_cli_emit(cli);
    }

    elaaoms_memory_list_free(&list);

    return ELAAOMS_CLI_OK;
}


/* --- caller forget, memory delete --------------------------------------- */

/* caller forget CALLER */
static int
elaaoms_cli_caller_forget(elaaoms_cli_t *cli, int argc, char **argv)
{
    char  caller[ELAAOMS_CALLER_MAX];

    if (elaaoms_cli_caller_arg(cli, 1, argc, argv, 1,
                               &elaaoms_cli_caller_commands[ELAAOMS_CLI_CALLER_FORGET], caller)
        != ELAAOMS_CLI_OK)
    {
        return ELAAOMS_CLI_USAGE;
    }

    return elaaoms_cli_erase(cli, cli->org, caller);
}


/* memory delete CALLER MEMORY_ID: the admin location's script, which
   queues the caller's contexts for a rebuild */
static int
elaaoms_cli_memory_delete(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                           n;
    char                          caller[ELAAOMS_CALLER_MAX];
    elaaoms_memory_delete_cmd_t   cmd;

    if (elaaoms_cli_nargs(cli,
                          &elaaoms_cli_caller_commands
                              [ELAAOMS_CLI_MEMORY_DELETE],
                          argc - 1, 2, 2) != ELAAOMS_CLI_OK)
    {
        return ELAAOMS_CLI_USAGE;
    }

    if (elaaoms_cli_caller(cli, argv[1], caller, sizeof(caller)) != 0) {
        return ELAAOMS_CLI_USAGE;
    }

    if (!elaaoms_memory_id_valid(argv[2], strlen(argv[2]))) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "not a memory id: "
                                "%s", argv[2]);
    }

    if (elaaoms_memory_delete_cmd(&cmd, cli->org, caller, argv[2]) != 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "caller or memory "
                                "id too long");
    }

    n = elaaoms_memory_delete_run(cli->rc, &cmd);
    if (n < 0) {
        return elaaoms_cli_redis_fail(cli, NULL);
    }

    if (n == 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no memory %s "
                                "of caller %s", argv[2], caller);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_bool(cli->g, "deleted", 1);
    elaaoms_cli_cstr(cli->g, "caller", caller);
    elaaoms_cli_cstr(cli->g, "memory_id", argv[2]);
    elaaoms_cli_bool(cli->g, "contexts_refresh_queued", 1);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    return ELAAOMS_CLI_OK;
}


const elaaoms_cli_command_t  elaaoms_cli_caller_commands[] = {

    { "memories", "ORG CALLER [AGENT]",
      "the caller's memories (those AGENT created or reinforced), JSON "
      "lines", "", elaaoms_cli_legacy_memories,
      ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    { "forget", "ORG CALLER",
      "GDPR erasure of everything about the caller", "",
      elaaoms_cli_legacy_forget, ELAAOMS_CLI_REDIS | ELAAOMS_CLI_LEGACY },

    /* ELAAOMS_CLI_CALLERS_LIST */
    { "callers list", "[--limit N]",
      "the organization's callers with their counts",
      "The callers with memories of the organization (the set\n"
      "elaaoms:<org>:callers, read with SSCAN: no order, and a caller may\n"
      "show twice while Redis resizes the set).\n"
      "\n"
      "Options:\n"
      "  --limit N   at most N callers\n"
      "\n"
      "Fields: caller; memories (the caller's records); conversations (its\n"
      "conversation index or, when larger, the conversations with\n"
      "memories); newest_memory (creation of the newest, unix seconds, 0:\n"
      "none); newest_conversation (the last call the contexts counted, 0:\n"
      "none).\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme callers list --limit 20\n",
      elaaoms_cli_callers_list, ELAAOMS_CLI_REDIS },

    /* ELAAOMS_CLI_CALLER_SHOW */
    { "caller show", "CALLER [--type T] [--agent A] [--conversation C] "
      "[--since DATE] [--until DATE] [--min-importance N] [--limit N]",
      "the caller's memories, filtered",
      "The caller's memories, most important first (current before\n"
      "superseded), superseded ones included.  CALLER as people write it\n"
      "(\"+1 (415) 555-0123\"): it is normalized as nginx does.  Filters\n"
      "combine:\n"
      "\n"
      "  --type T             factual, preference, issue, emotion or\n"
      "                       relationship\n"
      "  --agent A            created or reinforced by agent A\n"
      "  --conversation C     created or reinforced in conversation C\n"
      "  --since DATE         created at or after DATE\n"
      "  --until DATE         created at or before DATE (a day alone: up to\n"
      "                       its end); DATE is 2026-12-04,\n"
      "                       2026-12-04T10:00:00Z or unix seconds\n"
      "  --min-importance N   importance N (1-10) or more\n"
      "  --limit N            the first N\n"
      "\n"
      "Fields, one record per memory, as \"memories\" prints them: id, type,\n"
      "content, importance, confidence, shareable, superseded,\n"
      "conversation_id, agent_id, agents, identity, created,\n"
      "last_reinforced, reinforcement_count, source_quote, conflicts, dim,\n"
      "embed_model, offline_dim.\n"
      "\n"
      "Exit 3 when ELAAOMS knows nothing of the caller (no memory, no\n"
      "conversation); a known caller without a matching memory prints\n"
      "nothing and exits 0.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme caller show +14155550123 --type issue \\\n"
      "      --since 2026-01-01 --min-importance 7\n",
      elaaoms_cli_caller_show, ELAAOMS_CLI_REDIS },

    /* ELAAOMS_CLI_CALLER_EXPORT */
    { "caller forget", "CALLER",
      "GDPR erasure of everything about the caller",
      "Erases the caller (lib/store/caller_erase.h): a tombstone first (for\n"
      "30 days intake and the worker drop whatever arrives for the\n"
      "caller), then its conversations (status hashes, intake markers, call\n"
      "bindings, payload directories), its jobs in every list, its audit\n"
      "entries and every key of the caller.  Idempotent: run it again after\n"
      "a failure.  A caller ELAAOMS does not know gets its tombstone too\n"
      "(exit 0): whatever is still on its way is dropped.\n"
      "\n"
      "Fields: forgotten, keys_deleted, conversations, jobs_removed,\n"
      "files_removed, audit_removed.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme caller forget \"+1 (415) 555-0123\"\n",
      elaaoms_cli_caller_forget, ELAAOMS_CLI_REDIS },

    /* ELAAOMS_CLI_MEMORY_DELETE */
    { "memory delete", "CALLER MEMORY_ID",
      "deletes one memory; the caller's contexts are rebuilt",
      "Deletes one memory of the caller from the record index and every\n"
      "index (the script of nginx's admin location, DELETE\n"
      ".../memories/<id>), drops the caller's memory version (search\n"
      "reads it anew) and queues the caller on jobs:refresh: the worker\n"
      "rebuilds its pre-call contexts without the memory.\n"
      "\n"
      "Fields: deleted, caller, memory_id, contexts_refresh_queued.\n"
      "\n"
      "Exit 3 when the caller has no such memory.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme memory delete +14155550123 0192ab34cd_0001\n",
      elaaoms_cli_memory_delete, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
