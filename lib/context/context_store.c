/*
 * Pre-call contexts in Redis (see context_store.h).
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake/caller_id.h"
#include "context/context_store.h"
#include "context/served_set.h"
#include "intake/ids.h"
#include "clients/elevenlabs_api.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"


/* KEYS[1] calls hash, KEYS[2] call ids set; ARGV[1] conversation, [2] time */
static const char  note_call_lua[] =
    "if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end\n"
    "local t = tonumber(ARGV[2])\n"
    "redis.call('HINCRBY', KEYS[1], 'count', 1)\n"
    "local f = tonumber(redis.call('HGET', KEYS[1], 'first_seen'))\n"
    "if not f or t < f then redis.call('HSET', KEYS[1], 'first_seen', t) end\n"
    "local l = tonumber(redis.call('HGET', KEYS[1], 'last_seen'))\n"
    "if not l or t > l then redis.call('HSET', KEYS[1], 'last_seen', t) end\n"
    "return 1\n";

/*
 * KEYS: the n context keys, then their n head keys, then the caller's
 * served sets (served_set.h); ARGV[1] built_us, ARGV[2] ttl, ARGV[2 + i]
 * the document of KEYS[i] ("" deletes it and its head), ARGV[n + 3] the
 * time (unix), then pairs of a set id and its ids: the documents' sets.
 * The head (context_build.h) is the document cut before its last member,
 * prompt_addition: what client-data reads on every call.  A stored
 * document built from a newer snapshot stays.  When every document was
 * written, the sets current until now are marked replaced; the
 * documents' sets are then marked current.  Returns the number of
 * documents written.
 */
static const char  write_lua[] =
    "local t = tonumber(ARGV[1])\n"
    "local ttl = tonumber(ARGV[2])\n"
    "local n = (#KEYS - 1) / 2\n"
    "local w = 0\n"
    "for i = 1, n do\n"
    "  local k, hk = KEYS[i], KEYS[n + i]\n"
    "  local cur = redis.call('GET', k)\n"
    "  local ct = cur and tonumber(string.match(cur, '\"built_us\":(%d+)'))\n"
    "  if not ct or ct <= t then\n"
    "    local doc = ARGV[i + 2]\n"
    "    if doc == '' then\n"
    "      if cur then w = w + 1 end\n"
    "      redis.call('DEL', k, hk)\n"
    "    else\n"
    "      local head = doc\n"
    "      local j = string.find(doc, ',\"prompt_addition\":', 1, true)\n"
    "      if j then head = string.sub(doc, 1, j - 1) .. '}' end\n"
    "      if ttl > 0 then\n"
    "        redis.call('SET', k, doc, 'EX', ttl)\n"
    "        redis.call('SET', hk, head, 'EX', ttl)\n"
    "      else\n"
    "        redis.call('SET', k, doc)\n"
    "        redis.call('SET', hk, head)\n"
    "      end\n"
    "      w = w + 1\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local sk = KEYS[2 * n + 1]\n"
    "if w == n then\n"
    "  local all = redis.call('HGETALL', sk)\n"
    "  for j = 1, #all, 2 do\n"
    "    if string.sub(all[j + 1], 1, 2) == 'c|' then\n"
    "      redis.call('HSET', sk, all[j],\n"
    "                 ARGV[n + 3] .. string.sub(all[j + 1], 2))\n"
    "    end\n"
    "  end\n"
    "end\n"
    "for j = n + 4, #ARGV - 1, 2 do\n"
    "  redis.call('HSET', sk, ARGV[j], 'c|' .. ARGV[j + 1])\n"
    "end\n"
    "return w\n";


typedef struct {
    char                     *id;
    int                       job;       /* from agent_ids: the writer */
    int                       has_profile;
    elaaoms_agent_profile_t   profile;
    char                     *doc;
    size_t                    doc_len;
    char                      set_id[ELAAOMS_SERVED_SET_ID_LEN + 1];
    char                     *set_ids;    /* "id,id": the served set */
    char                      key[ELAAOMS_MEMORY_KEY_MAX];
    char                      head_key[ELAAOMS_MEMORY_KEY_MAX];
} ctx_agent_t;


static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }

    return -1;
}


static int
fail_reply(char *err, size_t errlen, elaaoms_redis_t *rc, redisReply *r,
    const char *what)
{
    if (r == NULL) {
        return fail(err, errlen, "%s: %s", what,
                    elaaoms_redis_err(rc) ? elaaoms_redis_errstr(rc)
                                          : "no reply");
    }

    if (r->type == REDIS_REPLY_ERROR) {
        return fail(err, errlen, "%s: %.*s", what, (int) r->len, r->str);
    }

    return fail(err, errlen, "%s: unexpected reply type %d", what, r->type);
}


static int
check_ids(const char *org, const char *caller, char *err, size_t errlen)
{
    if (org == NULL || !elaaoms_memory_org_valid(org)) {
        return fail(err, errlen, "invalid org");
    }

    if (caller == NULL || !elaaoms_caller_key_valid(caller)) {
        return fail(err, errlen, "invalid caller");
    }

    return 0;
}


int
elaaoms_context_note_call(elaaoms_redis_t *rc, const char *org,
    const char *caller, const char *conversation_id, int64_t when,
    char *err, size_t errlen)
{
    int          rc_;
    char         calls[ELAAOMS_MEMORY_KEY_MAX], ids[ELAAOMS_MEMORY_KEY_MAX];
    char         t[32];
    redisReply  *r;
    const char  *argv[7];

    if (check_ids(org, caller, err, errlen) != 0) {
        return -1;
    }

    if (!elaaoms_conversation_id_valid_str(conversation_id)) {
        return fail(err, errlen, "invalid conversation id");
    }

    if (elaaoms_memory_key(calls, sizeof(calls), org, caller,
                           ELAAOMS_CONTEXT_KEY_CALLS) < 0
        || elaaoms_memory_key(ids, sizeof(ids), org, caller,
                              ELAAOMS_CONTEXT_KEY_CALL_IDS) < 0)
    {
        return fail(err, errlen, "key too long");
    }

    snprintf(t, sizeof(t), "%lld",
             (long long) (when > 0 ? when : (int64_t) time(NULL)));

    argv[0] = "EVAL";
    argv[1] = note_call_lua;
    argv[2] = "2";
    argv[3] = calls;
    argv[4] = ids;
    argv[5] = conversation_id;
    argv[6] = t;

    r = elaaoms_redis_command_argv(rc, 7, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        fail_reply(err, errlen, rc, r, "note call");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    rc_ = r->integer ? 1 : 0;
    freeReplyObject(r);

    return rc_;
}


static int64_t
rec_when(const elaaoms_memory_record_t *r)
{
    return r->last_reinforced > r->created ? r->last_reinforced : r->created;
}


int
elaaoms_context_history(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_record_t *recs, size_t n,
    elaaoms_call_history_t *out, char *err, size_t errlen)
{
    char         calls[ELAAOMS_MEMORY_KEY_MAX], convs[ELAAOMS_MEMORY_KEY_MAX];
    size_t       i;
    int64_t      v;
    redisReply  *r;
    const char  *argv[2];

    memset(out, 0, sizeof(elaaoms_call_history_t));

    if (check_ids(org, caller, err, errlen) != 0) {
        return -1;
    }

    if (elaaoms_memory_key(calls, sizeof(calls), org, caller,
                           ELAAOMS_CONTEXT_KEY_CALLS) < 0
        || elaaoms_memory_key(convs, sizeof(convs), org, caller,
                              ELAAOMS_MEMORY_KEY_CONVERSATIONS) < 0)
    {
        return fail(err, errlen, "key too long");
    }

    argv[0] = "HGETALL";
    argv[1] = calls;

    r = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        fail_reply(err, errlen, rc, r, "calls");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    for (i = 0; i + 1 < r->elements; i += 2) {
        if (r->element[i]->type != REDIS_REPLY_STRING
            || r->element[i + 1]->type != REDIS_REPLY_STRING)
        {
            continue;
        }

        v = strtoll(r->element[i + 1]->str, NULL, 10);
        if (v < 0) {
            continue;
        }

        if (strcmp(r->element[i]->str, "count") == 0) {
            out->count = v;
        } else if (strcmp(r->element[i]->str, "first_seen") == 0) {
            out->first_seen = v;
        } else if (strcmp(r->element[i]->str, "last_seen") == 0) {
            out->last_seen = v;
        }
    }

    freeReplyObject(r);

    argv[0] = "SCARD";
    argv[1] = convs;

    r = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        fail_reply(err, errlen, rc, r, "conversations");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    if (r->integer > out->count) {
        out->count = r->integer;
    }

    freeReplyObject(r);

    for (i = 0; recs != NULL && i < n; i++) {
        if (recs[i].created > 0
            && (out->first_seen == 0 || recs[i].created < out->first_seen))
        {
            out->first_seen = recs[i].created;
        }

        if (rec_when(&recs[i]) > out->last_seen) {
            out->last_seen = rec_when(&recs[i]);
        }
    }

    /* memories without any counted conversation still mean one call */
    if (out->count == 0 && n > 0) {
        out->count = 1;
    }

    return 0;
}


static int
agents_add(ctx_agent_t *agents, size_t *n, const char *id, size_t len,
    int job)
{
    size_t  i;

    if (!elaaoms_conversation_id_valid(id, len)
        || (len == sizeof(ELAAOMS_CONTEXT_ANY) - 1
            && memcmp(id, ELAAOMS_CONTEXT_ANY, len) == 0))
    {
        return 0;
    }

    for (i = 0; i < *n; i++) {
        if (strlen(agents[i].id) == len && memcmp(agents[i].id, id, len) == 0)
        {
            agents[i].job |= job;
            return 0;
        }
    }

    if (*n >= ELAAOMS_CONTEXT_MAX_AGENTS) {
        return 0;
    }

    agents[*n].id = strndup(id, len);
    if (agents[*n].id == NULL) {
        return -1;
    }

    agents[*n].job = job;
    (*n)++;

    return 0;
}


static int
smembers_add(elaaoms_redis_t *rc, const char *key, ctx_agent_t *agents,
    size_t *n, char *err, size_t errlen)
{
    size_t       i;
    redisReply  *r;
    const char  *argv[2];

    argv[0] = "SMEMBERS";
    argv[1] = key;

    r = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        fail_reply(err, errlen, rc, r, "smembers");
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    /* a stable order: the cap keeps the same agents each time */
    for (i = 0; i < r->elements; i++) {
        if (r->element[i]->type == REDIS_REPLY_STRING
            && agents_add(agents, n, r->element[i]->str, r->element[i]->len,
                          0) != 0)
        {
            freeReplyObject(r);
            return fail(err, errlen, "out of memory");
        }
    }

    freeReplyObject(r);

    return 0;
}


/* the Redis server's clock, microseconds */
static int64_t
redis_time_us(elaaoms_redis_t *rc)
{
    int64_t      us;
    redisReply  *r;

    r = elaaoms_redis_command(rc, "TIME");
    if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
        || r->element[0]->type != REDIS_REPLY_STRING
        || r->element[1]->type != REDIS_REPLY_STRING)
    {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    us = strtoll(r->element[0]->str, NULL, 10) * 1000000
         + strtoll(r->element[1]->str, NULL, 10);
    freeReplyObject(r);

    return us;
}


static void
load_profile(elaaoms_redis_t *rc, const char *org, ctx_agent_t *a)
{
    char         key[ELAAOMS_MEMORY_KEY_MAX];
    redisReply  *r;
    const char  *argv[2];

    if (elaaoms_context_profile_key(key, sizeof(key), org, a->id) < 0) {
        return;
    }

    argv[0] = "GET";
    argv[1] = key;

    r = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (r != NULL && r->type == REDIS_REPLY_STRING
        && elaaoms_agent_profile_parse(r->str, &a->profile, NULL) == 0)
    {
        a->has_profile = 1;
    }

    if (r) {
        freeReplyObject(r);
    }
}


/* the first message of one agent's context into buf ("" = the agent's) */
static void
first_message(const elaaoms_context_t *ctx, ctx_agent_t *a,
    elaaoms_first_message_writer_pt writer, void *writer_arg,
    const char *default_first, char *buf, size_t size,
    elaaoms_context_refresh_stats_t *stats)
{
    char        *sys, *user, *text;
    const char  *base, *name, *lang;

    buf[0] = '\0';

    if (!ctx->known) {
        return;
    }

    base = a->has_profile && a->profile.first_message
           ? a->profile.first_message : default_first;
    name = a->has_profile ? a->profile.name : NULL;
    lang = a->has_profile ? a->profile.language : NULL;

    if (writer != NULL && a->job
        && elaaoms_first_message_prompt(ctx, name, base, lang, &sys, &user)
           == 0)
    {
        text = writer(writer_arg, a->id, sys, user);
        free(sys);
        free(user);

        if (text != NULL) {
            if (elaaoms_first_message_check(text, buf, size) > 0) {
                free(text);
                stats->llm_used++;
                return;
            }
            free(text);
        }

        stats->llm_refused++;
    }

    (void) elaaoms_first_message_template(ctx, base, lang, buf, size);
}


/* what every context of one refresh is built from */
typedef struct {
    const elaaoms_memory_list_t            *list;
    const char                             *org;
    const char                             *caller;
    const elaaoms_call_history_t           *calls;
    const elaaoms_context_refresh_opts_t   *opts;
    elaaoms_first_message_writer_pt         writer;
    void                                   *writer_arg;
    int64_t                                 built_us;
    elaaoms_context_refresh_stats_t        *stats;
} ctx_refresh_t;


/* 1 when an agent before agents[i] has the same served set */
static int
set_seen(const ctx_agent_t *agents, size_t i)
{
    size_t  j;

    for (j = 0; j < i; j++) {
        if (agents[j].set_ids != NULL
            && strcmp(agents[j].set_id, agents[i].set_id) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* agent_id NULL: the _any context, which has no first message */
static int
build_doc(const ctx_refresh_t *rf, ctx_agent_t *a, const char *agent_id,
    int *known)
{
    int                      rc;
    char                     fm[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    elaaoms_context_t        ctx;
    elaaoms_context_input_t  in;

    memset(&in, 0, sizeof(in));
    in.org = rf->org;
    in.caller = rf->caller;
    in.agent_id = agent_id;
    in.calls = *rf->calls;
    in.max_tokens = rf->opts->max_tokens;

    if (elaaoms_context_build(rf->list->items, rf->list->n, &in, &ctx) != 0) {
        return -1;
    }

    *known = ctx.known;

    fm[0] = '\0';

    /* _any has none: the agent's own first message is the safe one */
    if (agent_id != NULL) {
        first_message(&ctx, a, rf->writer, rf->writer_arg,
                      rf->opts->default_first_message
                      ? rf->opts->default_first_message
                      : ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE,
                      fm, sizeof(fm), rf->stats);
    }

    rf->stats->shared += ctx.nshared;
    if (ctx.tokens > rf->stats->max_tokens) {
        rf->stats->max_tokens = ctx.tokens;
    }

    rc = elaaoms_context_document(&ctx, fm, rf->built_us, &a->doc,
                                  &a->doc_len);

    /* the served set goes with the document: the agent keeps it */
    memcpy(a->set_id, ctx.shared_set, sizeof(a->set_id));
    a->set_ids = ctx.shared_joined;
    ctx.shared_joined = NULL;

    elaaoms_context_free(&ctx);

    return rc;
}


int
elaaoms_context_refresh(elaaoms_redis_t *rc,
    const elaaoms_context_refresh_req_t *req,
    elaaoms_context_refresh_stats_t *stats, char *err, size_t errlen)
{
    int                                    ret, known, any_known;
    char                                   key[ELAAOMS_MEMORY_KEY_MAX];
    char                                   ttl[32], built[32], now[32];
    char                                   nkeys[32];
    size_t                                 i, n, argc, nsadd, nagents;
    size_t                                *argvlen;
    int64_t                                built_us;
    redisReply                            *r;
    const char                            *org, *caller;
    const char                           **argv;
    const char *const                     *agent_ids;
    ctx_agent_t                           *agents;
    ctx_refresh_t                          rf;
    elaaoms_memory_list_t                  list;
    elaaoms_call_history_t                 calls;
    elaaoms_context_refresh_opts_t         none;
    elaaoms_context_refresh_stats_t        st;
    const elaaoms_context_refresh_opts_t  *opts;

    org = req->org;
    caller = req->caller;
    agent_ids = req->agent_ids;
    nagents = req->nagents;
    opts = req->opts;

    if (opts == NULL) {
        memset(&none, 0, sizeof(none));
        opts = &none;
    }

    if (stats == NULL) {
        stats = &st;
    }

    memset(stats, 0, sizeof(elaaoms_context_refresh_stats_t));
    memset(&list, 0, sizeof(list));

    if (check_ids(org, caller, err, errlen) != 0) {
        return -1;
    }

    for (i = 0; i < nagents; i++) {
        if (!elaaoms_conversation_id_valid_str(agent_ids[i])
            || strcmp(agent_ids[i], ELAAOMS_CONTEXT_ANY) == 0)
        {
            return fail(err, errlen, "invalid agent id");
        }
    }

    if (opts->conversation_id != NULL
        && elaaoms_context_note_call(rc, org, caller, opts->conversation_id,
                                     opts->call_time, err, errlen) < 0)
    {
        return -1;
    }

    /* agents[ELAAOMS_CONTEXT_MAX_AGENTS] is _any */
    agents = calloc(ELAAOMS_CONTEXT_MAX_AGENTS + 1, sizeof(ctx_agent_t));
    argv = calloc(5 * (ELAAOMS_CONTEXT_MAX_AGENTS + 1) + 8,
                  sizeof(const char *));
    argvlen = calloc(5 * (ELAAOMS_CONTEXT_MAX_AGENTS + 1) + 8,
                     sizeof(size_t));

    ret = -1;
    n = 0;

    if (agents == NULL || argv == NULL || argvlen == NULL) {
        fail(err, errlen, "out of memory");
        goto done;
    }

    for (i = 0; i < nagents; i++) {
        if (agents_add(agents, &n, agent_ids[i], strlen(agent_ids[i]), 1)
            != 0)
        {
            fail(err, errlen, "out of memory");
            goto done;
        }
    }

    if (elaaoms_memory_key(key, sizeof(key), org, caller,
                           ELAAOMS_MEMORY_KEY_AGENTS) < 0)
    {
        fail(err, errlen, "key too long");
        goto done;
    }

    if (smembers_add(rc, key, agents, &n, err, errlen) != 0) {
        goto done;
    }

    nsadd = n;

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_CONTEXT_KEY_ORG_AGENTS)
        < 0)
    {
        fail(err, errlen, "key too long");
        goto done;
    }

    /* the org learns the agents this caller talked to */
    if (nsadd > 0) {
        argv[0] = "SADD";
        argvlen[0] = 4;
        argv[1] = key;
        argvlen[1] = strlen(key);
        for (i = 0; i < nsadd; i++) {
            argv[2 + i] = agents[i].id;
            argvlen[2 + i] = strlen(agents[i].id);
        }

        r = elaaoms_redis_command_argv(rc, (int) (2 + nsadd), argv, argvlen);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            fail_reply(err, errlen, rc, r, "sadd agents");
            if (r) {
                freeReplyObject(r);
            }
            goto done;
        }
        freeReplyObject(r);
    }

    if (smembers_add(rc, key, agents, &n, err, errlen) != 0) {
        goto done;
    }

    for (i = 0; i < n; i++) {
        load_profile(rc, org, &agents[i]);
    }

    /* the snapshot's time, then the snapshot */
    built_us = redis_time_us(rc);
    if (built_us < 0) {
        fail(err, errlen, "time: %s",
             elaaoms_redis_err(rc) ? elaaoms_redis_errstr(rc) : "bad reply");
        goto done;
    }

    if (elaaoms_memory_store_load(rc, org, caller, &list, err, errlen) != 0) {
        goto done;
    }

    if (elaaoms_context_history(rc, org, caller, list.items, list.n, &calls,
                                err, errlen)
        != 0)
    {
        goto done;
    }

    stats->memories = list.n;
    stats->calls = calls;

    any_known = 0;

    rf.list = &list;
    rf.org = org;
    rf.caller = caller;
    rf.calls = &calls;
    rf.opts = opts;
    rf.writer = req->writer;
    rf.writer_arg = req->writer_arg;
    rf.built_us = built_us;
    rf.stats = stats;

    for (i = 0; i < n; i++) {
        if (build_doc(&rf, &agents[i], agents[i].id, &known) != 0) {
            fail(err, errlen, "context of %s: out of memory", agents[i].id);
            goto done;
        }
        any_known |= known;
    }

    agents[n].id = strdup(ELAAOMS_CONTEXT_ANY);
    if (agents[n].id == NULL
        || build_doc(&rf, &agents[n], NULL, &known) != 0)
    {
        fail(err, errlen, "context of _any: out of memory");
        goto done;
    }
    any_known |= known;
    n++;

    stats->agents = n;

    /* one EVAL writes (or, for a caller we know nothing of, deletes) all */
    snprintf(ttl, sizeof(ttl), "%d", opts->ttl_secs > 0 ? opts->ttl_secs : 0);
    snprintf(built, sizeof(built), "%lld", (long long) built_us);

    argc = 0;
    argv[argc] = "EVAL";
    argvlen[argc++] = 4;
    argv[argc] = write_lua;
    argvlen[argc++] = sizeof(write_lua) - 1;

    snprintf(nkeys, sizeof(nkeys), "%zu", 2 * n + 1);
    argv[argc] = nkeys;
    argvlen[argc++] = strlen(nkeys);

    for (i = 0; i < n; i++) {
        if (elaaoms_context_key(agents[i].key, sizeof(agents[i].key), org,
                                caller, agents[i].id) < 0
            || elaaoms_context_head_key(agents[i].head_key,
                                        sizeof(agents[i].head_key), org,
                                        caller, agents[i].id) < 0)
        {
            fail(err, errlen, "key too long");
            goto done;
        }
        argv[argc] = agents[i].key;
        argvlen[argc++] = strlen(agents[i].key);
    }

    for (i = 0; i < n; i++) {
        argv[argc] = agents[i].head_key;
        argvlen[argc++] = strlen(agents[i].head_key);
    }

    if (elaaoms_key_caller(key, sizeof(key), org, caller,
                           ELAAOMS_CONTEXT_KEY_SERVED) < 0)
    {
        fail(err, errlen, "key too long");
        goto done;
    }
    argv[argc] = key;
    argvlen[argc++] = strlen(key);

    argv[argc] = built;
    argvlen[argc++] = strlen(built);
    argv[argc] = ttl;
    argvlen[argc++] = strlen(ttl);

    for (i = 0; i < n; i++) {
        argv[argc] = any_known ? agents[i].doc : "";
        argvlen[argc++] = any_known ? agents[i].doc_len : 0;
    }

    snprintf(now, sizeof(now), "%lld", (long long) (built_us / 1000000));
    argv[argc] = now;
    argvlen[argc++] = strlen(now);

    /* each distinct set once */
    for (i = 0; any_known && i < n; i++) {
        if (agents[i].set_ids == NULL || set_seen(agents, i)) {
            continue;
        }
        argv[argc] = agents[i].set_id;
        argvlen[argc++] = strlen(agents[i].set_id);
        argv[argc] = agents[i].set_ids;
        argvlen[argc++] = strlen(agents[i].set_ids);
    }

    r = elaaoms_redis_command_argv(rc, (int) argc, argv, argvlen);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        fail_reply(err, errlen, rc, r, "write contexts");
        if (r) {
            freeReplyObject(r);
        }
        goto done;
    }

    stats->written = (size_t) r->integer;
    freeReplyObject(r);

    ret = 0;

done:

    if (agents != NULL) {
        for (i = 0; i <= ELAAOMS_CONTEXT_MAX_AGENTS; i++) {
            free(agents[i].id);
            free(agents[i].doc);
            free(agents[i].set_ids);
            if (agents[i].has_profile) {
                elaaoms_agent_profile_free(&agents[i].profile);
            }
        }
    }

    free(agents);
    free(argv);
    free(argvlen);
    elaaoms_memory_list_free(&list);

    return ret;
}
