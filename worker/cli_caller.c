/*
 * Operator commands about callers and their memories (cli.h).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cli_internal.h"
#include "context/context_store.h"
#include "intake/caller_id.h"
#include "intake/durable_file.h"
#include "intake/ids.h"
#include "intake/intake.h"
#include "store/caller_erase.h"
#include "store/memory_delete.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "worker_io.h"


#define ELAAOMS_CLI_CALLERS_LIST   2
#define ELAAOMS_CLI_CALLER_SHOW    3
#define ELAAOMS_CLI_CALLER_EXPORT  4
#define ELAAOMS_CLI_CALLER_FORGET  5
#define ELAAOMS_CLI_MEMORY_DELETE  6


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


/* a count option: a positive number, at most max */
static int
elaaoms_cli_count(const char *arg, long max, long *out)
{
    char  *end;
    long   v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > max) {
        return -1;
    }

    *out = v;
    return 0;
}


/*
 * 1 when ELAAOMS holds anything of the caller: memories, a conversation in
 * its index or the memory registry, or the contexts' count of calls; 0
 * when not; -1 on a Redis error.  One EXISTS: the keys share a slot.
 */
static int
elaaoms_cli_caller_known(elaaoms_cli_t *cli, const char *caller)
{
    int          i, v;
    char         keys[5][ELAAOMS_KEY_MAX];
    const char  *argv[6];
    redisReply  *r;
    static const char  *sfx[5] = {
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_CALLS,
        ELAAOMS_MEMORY_KEY_CONVERSATIONS, ELAAOMS_CONTEXT_KEY_CALLS,
        ELAAOMS_CONTEXT_KEY_CALL_IDS
    };

    argv[0] = "EXISTS";
    for (i = 0; i < 5; i++) {
        if (elaaoms_key_caller(keys[i], ELAAOMS_KEY_MAX, cli->org, caller,
                               sfx[i]) < 0)
        {
            return -1;
        }
        argv[i + 1] = keys[i];
    }

    r = redisCommandArgv(cli->rc, 6, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    v = r->integer > 0;
    freeReplyObject(r);
    return v;
}


/* the caller argument of a new command, normalized; USAGE or OK */
static int
elaaoms_cli_caller_arg(elaaoms_cli_t *cli, int idx, int argc, char **argv,
    int want, int cmd, char *caller)
{
    int  rv;

    rv = elaaoms_cli_nargs(cli, &elaaoms_cli_caller_commands[cmd],
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
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_CALLS,
        ELAAOMS_MEMORY_KEY_CONVERSATIONS, ELAAOMS_MEMORY_KEY_BY_TIME,
        ELAAOMS_CONTEXT_KEY_CALLS
    };

    for (i = 0; i < 5; i++) {
        if (elaaoms_key_caller(keys[i], ELAAOMS_KEY_MAX, cli->org, caller,
                               sfx[i]) < 0)
        {
            return 0;       /* not a caller we could have stored */
        }
    }

    redisAppendCommand(cli->rc, "HLEN %s", keys[0]);
    redisAppendCommand(cli->rc, "SCARD %s", keys[1]);
    redisAppendCommand(cli->rc, "SCARD %s", keys[2]);
    redisAppendCommand(cli->rc, "ZREVRANGE %s 0 0 WITHSCORES", keys[3]);
    redisAppendCommand(cli->rc, "HGET %s last_seen", keys[4]);

    rv = 0;
    for (i = 0; i < 5; i++) {
        r[i] = NULL;
        if (redisGetReply(cli->rc, (void **) &r[i]) != REDIS_OK
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
        r = redisCommand(cli->rc, "SSCAN %s %s COUNT 100", key, cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || r->element[1]->type != REDIS_REPLY_ARRAY)
        {
            if (r) {
                freeReplyObject(r);
            }
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                    cli->rc->errstr);
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
                                        cli->rc->errstr);
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
                               ELAAOMS_CLI_CALLER_SHOW, caller)
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
                                    cli->rc->errstr);
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


/* --- caller export ------------------------------------------------------ */

/* JSON text as a parsed value; anything else as a string */
static void
elaaoms_cli_json_text(yajl_gen g, const char *text, size_t len)
{
    char      *copy;
    yajl_val   v;

    copy = malloc(len + 1);
    v = NULL;

    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
        v = yajl_tree_parse(copy, NULL, 0);
        free(copy);
    }

    if (v == NULL) {
        yajl_gen_string(g, (const unsigned char *) text, len);
        return;
    }

    elaaoms_cli_regen(g, v);
    yajl_tree_free(v);
}


/* a reply as JSON: arrays of pairs (HGETALL) as objects when pairs */
static void
elaaoms_cli_reply(yajl_gen g, const redisReply *r, int pairs)
{
    size_t  i;

    switch (r->type) {

    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        elaaoms_cli_json_text(g, r->str, r->len);
        break;

    case REDIS_REPLY_INTEGER:
        yajl_gen_integer(g, r->integer);
        break;

    case REDIS_REPLY_ARRAY:
        if (pairs && elaaoms_cli_all_strings(r)) {
            yajl_gen_map_open(g);
            for (i = 0; i + 1 < r->elements; i += 2) {
                yajl_gen_string(g, (const unsigned char *) r->element[i]->str,
                                r->element[i]->len);
                elaaoms_cli_json_text(g, r->element[i + 1]->str,
                                      r->element[i + 1]->len);
            }
            yajl_gen_map_close(g);
            break;
        }
        yajl_gen_array_open(g);
        for (i = 0; i < r->elements; i++) {
            elaaoms_cli_reply(g, r->element[i], 0);
        }
        yajl_gen_array_close(g);
        break;

    default:
        yajl_gen_null(g);
    }
}


/* the value of a key, whatever its type, as JSON */
static int
elaaoms_cli_key_value(elaaoms_cli_t *cli, const char *key)
{
    int          pairs;
    redisReply  *t, *r;
    const char  *fmt;

    t = redisCommand(cli->rc, "TYPE %s", key);
    if (t == NULL || t->type != REDIS_REPLY_STATUS) {
        if (t) {
            freeReplyObject(t);
        }
        return -1;
    }

    pairs = 0;
    fmt = NULL;
    if (strcmp(t->str, "string") == 0) {
        fmt = "GET %s";
    } else if (strcmp(t->str, "hash") == 0) {
        fmt = "HGETALL %s";
        pairs = 1;
    } else if (strcmp(t->str, "set") == 0) {
        fmt = "SMEMBERS %s";
    } else if (strcmp(t->str, "zset") == 0) {
        fmt = "ZRANGE %s 0 -1 WITHSCORES";
        pairs = 1;
    } else if (strcmp(t->str, "list") == 0) {
        fmt = "LRANGE %s 0 -1";
    }

    freeReplyObject(t);

    if (fmt == NULL) {
        yajl_gen_null(cli->g);
        return 0;
    }

    r = redisCommand(cli->rc, fmt, key);
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    elaaoms_cli_reply(cli->g, r, pairs);
    freeReplyObject(r);
    return 0;
}


/* export's SCAN page of the caller's keys: each one named with its
   value; the memory index is "memories" (binary records) */
typedef struct {
    elaaoms_cli_t  *cli;
    const char     *index;
} elaaoms_cli_export_t;


static long long
elaaoms_cli_export_keys(void *data, redisContext *rc, const redisReply *keys,
    char *err, size_t errlen)
{
    size_t                 i;
    elaaoms_cli_export_t  *x = data;

    for (i = 0; i < keys->elements; i++) {
        yajl_gen_string(x->cli->g, (const unsigned char *) keys->element[i]->str,
                        keys->element[i]->len);

        if (strcmp(keys->element[i]->str, x->index) == 0) {
            yajl_gen_map_open(x->cli->g);
            elaaoms_cli_cstr(x->cli->g, "see", "memories");
            yajl_gen_map_close(x->cli->g);
            continue;
        }

        if (elaaoms_cli_key_value(x->cli, keys->element[i]->str) != 0) {
            snprintf(err, errlen, "redis: %s", rc->errstr);
            return -1;
        }
    }

    return (long long) keys->elements;
}


static long
elaaoms_cli_export_job(void *data, redisContext *rc, const char *key,
    int zset, const redisReply *item, char *err, size_t errlen)
{
    elaaoms_cli_t  *cli = data;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "list", key);
    elaaoms_cli_key(cli->g, "job");
    elaaoms_cli_json_text(cli->g, item->str, item->len);
    yajl_gen_map_close(cli->g);

    return 1;
}


static long
elaaoms_cli_export_audit(void *data, redisContext *rc, const char *key,
    int zset, const redisReply *item, char *err, size_t errlen)
{
    elaaoms_cli_t  *cli = data;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_str(cli->g, "id", item->element[0]->str,
                    item->element[0]->len);
    elaaoms_cli_key(cli->g, "fields");
    elaaoms_cli_reply(cli->g, item->element[1], 1);
    yajl_gen_map_close(cli->g);

    return 1;
}


/* the files of the conversation's payload directory: each one's name and
   size, and its content when it is JSON (transcripts, failures, the
   pending job); a recording is only named */
static int
elaaoms_cli_export_files(elaaoms_cli_t *cli, const char *conversation_id,
    char *err, size_t errlen)
{
    int             dfd, fd;
    DIR            *d;
    char            sub[512], *buf;
    size_t          len;
    struct stat     st;
    struct dirent  *e;

    yajl_gen_array_open(cli->g);

    if (cli->cf->payload_dir[0] == '\0'
        || elaaoms_payload_sub_path(sub, sizeof(sub), cli->org,
                                    conversation_id) < 0)
    {
        yajl_gen_array_close(cli->g);
        return 0;
    }

    dfd = elaaoms_durable_open_dir(cli->cf->payload_dir, sub, 0, err, errlen);
    if (dfd == -1) {
        yajl_gen_array_close(cli->g);
        return errno == ENOENT ? 0 : -1;
    }

    d = fdopendir(dfd);
    if (d == NULL) {
        snprintf(err, errlen, "payload directory of %s: %s",
                 conversation_id, strerror(errno));
        close(dfd);
        return -1;
    }

    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }

        fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd == -1 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (fd != -1) {
                close(fd);
            }
            continue;
        }

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "file", e->d_name);
        elaaoms_cli_int(cli->g, "bytes", (long long) st.st_size);

        len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".mp3") == 0) {
            close(fd);

        } else {
            buf = elaaoms_worker_read_fd(fd, &len);
            if (buf) {
                elaaoms_cli_key(cli->g, "content");
                elaaoms_cli_json_text(cli->g, buf, len);
                free(buf);
            }
        }

        yajl_gen_map_close(cli->g);
    }

    closedir(d);
    yajl_gen_array_close(cli->g);
    return 0;
}


/* one conversation: its status hash, the keys erasure deletes for it
   (those present) and its payload files */
static int
elaaoms_cli_export_conversation(elaaoms_cli_t *cli, const char *id,
    char *err, size_t errlen)
{
    char         keys[ELAAOMS_CONVERSATION_KEYS][ELAAOMS_KEY_MAX];
    size_t       i, n;
    redisReply  *r;

    n = elaaoms_conversation_keys(keys, cli->org, id);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "conversation_id", id);

    elaaoms_cli_key(cli->g, "keys");
    yajl_gen_map_open(cli->g);
    for (i = 0; i < n; i++) {
        r = redisCommand(cli->rc, "EXISTS %s", keys[i]);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            if (r) {
                freeReplyObject(r);
            }
            snprintf(err, errlen, "redis: %s", cli->rc->errstr);
            return -1;
        }

        if (r->integer > 0) {
            elaaoms_cli_key(cli->g, keys[i]);
            if (elaaoms_cli_key_value(cli, keys[i]) != 0) {
                freeReplyObject(r);
                snprintf(err, errlen, "redis: %s", cli->rc->errstr);
                return -1;
            }
        }
        freeReplyObject(r);
    }
    yajl_gen_map_close(cli->g);

    /* its entry in the status page's recent conversations: when received */
    if (elaaoms_key_recent(keys[0], ELAAOMS_KEY_MAX, cli->org) >= 0) {
        r = redisCommand(cli->rc, "ZSCORE %s %s", keys[0], id);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            if (r) {
                freeReplyObject(r);
            }
            snprintf(err, errlen, "redis: %s", cli->rc->errstr);
            return -1;
        }
        elaaoms_cli_key(cli->g, "recent");
        elaaoms_cli_reply(cli->g, r, 0);
        freeReplyObject(r);
    }

    elaaoms_cli_key(cli->g, "files");
    if (elaaoms_cli_export_files(cli, id, err, errlen) != 0) {
        return -1;
    }

    yajl_gen_map_close(cli->g);
    return 0;
}


/*
 * caller export CALLER: what erasure would delete, read instead
 * (caller_erase.h): the memories, every key under the caller's prefix,
 * the conversations erasure finds with their keys and payload files, the
 * jobs and audit entries naming the caller.
 */
static int
elaaoms_cli_caller_export(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                    known, rv;
    char                   err[256], caller[ELAAOMS_CALLER_MAX];
    char                   index[ELAAOMS_KEY_MAX];
    size_t                 i;
    elaaoms_erase_ids_t    ids;
    elaaoms_cli_export_t   x;
    elaaoms_memory_list_t  list;
    elaaoms_memory_query_t q;

    if (elaaoms_cli_caller_arg(cli, 1, argc, argv, 1,
                               ELAAOMS_CLI_CALLER_EXPORT, caller)
        != ELAAOMS_CLI_OK)
    {
        return ELAAOMS_CLI_USAGE;
    }

    memset(&ids, 0, sizeof(ids));
    memset(&list, 0, sizeof(list));
    err[0] = '\0';

    /* a conversation or job found only through the jobs makes it known */
    if (elaaoms_caller_conversations(cli->rc, cli->org, caller, &ids, err,
                                     sizeof(err)) != 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    known = ids.n > 0 ? 1 : elaaoms_cli_caller_known(cli, caller);
    if (known <= 0) {
        elaaoms_erase_ids_free(&ids);
        return known < 0
               ? elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                  cli->rc->errstr)
               : elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no caller %s "
                                  "in organization %s", caller, cli->org);
    }

    /* everything, superseded included, oldest first */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_OLDEST;

    rv = ELAAOMS_CLI_FAILED;

    if (elaaoms_memory_store_query(cli->rc, cli->org, caller, &q, &list, err,
                                   sizeof(err)) != 0
        || elaaoms_key_caller(index, sizeof(index), cli->org, caller,
                              ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        goto done;
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "caller", caller);
    elaaoms_cli_cstr(cli->g, "organization", cli->org);
    elaaoms_cli_int(cli->g, "exported_at", (long long) time(NULL));

    elaaoms_cli_key(cli->g, "memories");
    yajl_gen_array_open(cli->g);
    for (i = 0; i < list.n; i++) {
        elaaoms_cli_memory(cli->g, &list.items[i]);
    }
    yajl_gen_array_close(cli->g);

    /* contexts, call history, indexes: every key erasure would delete */
    elaaoms_cli_key(cli->g, "keys");
    yajl_gen_map_open(cli->g);
    x.cli = cli;
    x.index = index;
    if (elaaoms_memory_store_scan_caller(cli->rc, cli->org, caller,
                                         elaaoms_cli_export_keys, &x, NULL,
                                         err, sizeof(err)) != 0)
    {
        goto done;
    }
    yajl_gen_map_close(cli->g);

    elaaoms_cli_key(cli->g, "conversations");
    yajl_gen_array_open(cli->g);
    for (i = 0; i < ids.n; i++) {
        if (elaaoms_cli_export_conversation(cli, ids.ids[i], err,
                                            sizeof(err)) != 0)
        {
            goto done;
        }
    }
    yajl_gen_array_close(cli->g);

    elaaoms_cli_key(cli->g, "jobs");
    yajl_gen_array_open(cli->g);
    if (elaaoms_caller_jobs(cli->rc, cli->org, caller, &ids,
                            elaaoms_cli_export_job, cli, NULL, err,
                            sizeof(err)) != 0)
    {
        goto done;
    }
    yajl_gen_array_close(cli->g);

    elaaoms_cli_key(cli->g, "audit");
    yajl_gen_array_open(cli->g);
    if (elaaoms_caller_audit(cli->rc, cli->org, caller,
                             elaaoms_cli_export_audit, cli, NULL, err,
                             sizeof(err)) != 0)
    {
        goto done;
    }
    yajl_gen_array_close(cli->g);

    yajl_gen_map_close(cli->g);

    /* one document for the data subject, whatever --json says */
    cli->json = 1;
    elaaoms_cli_emit(cli);
    rv = ELAAOMS_CLI_OK;

done:

    elaaoms_memory_list_free(&list);
    elaaoms_erase_ids_free(&ids);

    if (rv != ELAAOMS_CLI_OK) {
        return elaaoms_cli_fail(cli, rv, "%s", err[0] ? err : "export "
                                "failed");
    }

    return rv;
}


/* --- caller forget, memory delete --------------------------------------- */

/* caller forget CALLER */
static int
elaaoms_cli_caller_forget(elaaoms_cli_t *cli, int argc, char **argv)
{
    char  caller[ELAAOMS_CALLER_MAX];

    if (elaaoms_cli_caller_arg(cli, 1, argc, argv, 1,
                               ELAAOMS_CLI_CALLER_FORGET, caller)
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
    char                          caller[ELAAOMS_CALLER_MAX];
    redisReply                   *r;
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

    r = redisCommandArgv(cli->rc, ELAAOMS_MEMORY_DELETE_ARGC, cmd.argv,
                         cmd.argvlen);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                         r == NULL ? cli->rc->errstr
                         : r->type == REDIS_REPLY_ERROR ? r->str
                         : "unexpected reply");
        if (r) {
            freeReplyObject(r);
        }
        return ELAAOMS_CLI_FAILED;
    }

    if (r->integer == 0) {
        freeReplyObject(r);
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no memory %s "
                                "of caller %s", argv[2], caller);
    }

    freeReplyObject(r);

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
    { "caller export", "CALLER",
      "everything about the caller as one JSON document (GDPR access)",
      "Everything ELAAOMS holds about the caller, as ONE JSON document on\n"
      "one line (with or without --json): what \"caller forget\" would\n"
      "delete, found the same way (lib/store/caller_erase.h).\n"
      "\n"
      "Fields:\n"
      "  caller, organization, exported_at (unix seconds)\n"
      "  memories        every record, superseded included, oldest first\n"
      "                  (the fields of \"caller show\")\n"
      "  keys            every Redis key under the caller's prefix with its\n"
      "                  value: the pre-call context documents per agent\n"
      "                  (context:<agent>), the call history (calls), the\n"
      "                  conversation index, the memory indexes; the memory\n"
      "                  index itself is \"memories\"\n"
      "  conversations   each conversation of the caller: conversation_id,\n"
      "                  keys (its status hash, intake markers, call\n"
      "                  binding, those present, with their values), recent\n"
      "                  (when the status page's list got it, or null) and\n"
      "                  files (the payload directory: file, bytes, and the\n"
      "                  content of the JSON ones: the post-call payload\n"
      "                  with its transcript and metadata)\n"
      "  jobs            queued, delayed, failed... jobs naming the caller\n"
      "                  or its conversations: list, job\n"
      "  audit           entries of the organization's audit stream naming\n"
      "                  the caller: id, fields\n"
      "\n"
      "Exit 3 when ELAAOMS knows nothing of the caller.\n"
      "\n"
      "Example:\n"
      "  elaaoms --config /etc/elaaoms/elaaoms-worker.conf --org acme \\\n"
      "      caller export +14155550123 > caller.json\n",
      elaaoms_cli_caller_export, ELAAOMS_CLI_REDIS },

    /* ELAAOMS_CLI_CALLER_FORGET */
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
