/*
 * openmemory status, openmemory import: the OpenMemory mirror
 * (openmemory_mirror.h) counted, and OpenMemory's memories read back into
 * the Redis store (clients/openmemory.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cli_internal.h"
#include "clients/openmemory.h"
#include "context/context_store.h"
#include "intake/caller_id.h"
#include "intake/ids.h"
#include "openmemory_mirror.h"
#include "process.h"
#include "search/embed.h"
#include "store/caller_erase.h"
#include "store/memory_dedup.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "util/yajl_util.h"
#include "worker_log.h"


/* items a page of GET /memory/all (the real server's default) */
#define ELAAOMS_CLI_OM_PAGE        100
/* what an item that does not say gets */
#define ELAAOMS_CLI_OM_IMPORTANCE  5
#define ELAAOMS_CLI_OM_CONFIDENCE  0.8
/* the conversation an imported memory names: this prefix + its id */
#define ELAAOMS_CLI_OM_CONV        "openmemory-"
/* the suffix the mirror adds when the server merged a text (mirror.c) */
#define ELAAOMS_CLI_OM_SUFFIX      " [elaaoms:"

extern const elaaoms_cli_command_t  elaaoms_cli_openmemory_commands[];


typedef struct {
    elaaoms_cli_t  *cli;
    int             all;
    long            page_size;
    int             down;         /* orgs whose OpenMemory failed */
} elaaoms_cli_om_args_t;


static int
elaaoms_cli_om_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_om_args_t  *a = data;

    switch (val) {

    case 'a':
        a->all = 1;
        return 0;

    case 'p':
        if (elaaoms_cli_count(arg, ELAAOMS_OPENMEMORY_PAGE_MAX, &a->page_size)
            != 0)
        {
            (void) elaaoms_cli_fail(a->cli, 0, "--page-size: 1 to %d",
                                    ELAAOMS_OPENMEMORY_PAGE_MAX);
            return -1;
        }
        return 0;
    }

    return -1;
}


/* the org's OpenMemory client; -1 when it has none */
static int
elaaoms_cli_om_client(elaaoms_cli_t *cli, const char *org,
    elaaoms_openmemory_t *om)
{
    memset(om, 0, sizeof(elaaoms_openmemory_t));
    om->timeout_ms = cli->cf->openmemory_timeout_ms;

    return elaaoms_worker_config_openmemory(cli->cf, org, &om->url,
                                            &om->api_key);
}


/* --- status ------------------------------------------------------------ */

/*
 * Sums over the org's callers (SSCAN of the callers set, one pipelined
 * HLEN + SCARD a caller): copies and memories not mirrored.
 */
static int
elaaoms_cli_om_count(elaaoms_cli_t *cli, const char *org,
    long long *mirrored, long long *pending)
{
    int          ok;
    char         key[ELAAOMS_KEY_MAX], map[ELAAOMS_KEY_MAX];
    char         set[ELAAOMS_KEY_MAX], cursor[32];
    size_t       i, k, sent;
    redisReply  *r, *page, *e;

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_MEMORY_KEY_CALLERS)
        < 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    *mirrored = 0;
    *pending = 0;
    strcpy(cursor, "0");

    do {
        r = elaaoms_redis_command(cli->rc, "SSCAN %s %s COUNT 500", key,
                                  cursor);
        if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || !elaaoms_cli_all_strings(r->element[1]))
        {
            return elaaoms_cli_redis_fail(cli, r);
        }

        snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
        page = r->element[1];
        sent = 0;

        for (i = 0; i < page->elements; i++) {
            if (elaaoms_key_caller(map, sizeof(map), org,
                                   page->element[i]->str,
                                   ELAAOMS_OM_KEY_MAP) < 0
                || elaaoms_key_caller(set, sizeof(set), org,
                                      page->element[i]->str,
                                      ELAAOMS_OM_KEY_PENDING) < 0)
            {
                continue;
            }

            elaaoms_redis_append(cli->rc, "HLEN %s", map);
            elaaoms_redis_append(cli->rc, "SCARD %s", set);
            sent++;
        }

        freeReplyObject(r);

        ok = 1;

        for (k = 0; k < 2 * sent; k++) {
            if (elaaoms_redis_get_reply(cli->rc, (void **) &e) != REDIS_OK) {
                return elaaoms_cli_redis_fail(cli, NULL);
            }

            if (e->type == REDIS_REPLY_INTEGER) {
                *(k % 2 ? pending : mirrored) += e->integer;
            } else {
                ok = 0;
            }

            freeReplyObject(e);
        }

        if (!ok) {
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: "
                                    "unexpected reply counting the copies");
        }

    } while (strcmp(cursor, "0") != 0);

    return ELAAOMS_CLI_OK;
}


static int
elaaoms_cli_om_status_org(elaaoms_cli_t *cli, const char *org, void *data)
{
    int                     rv, configured, up;
    char                    key[ELAAOMS_KEY_MAX];
    long long               mirrored, pending, queued, failed;
    elaaoms_api_error_t     err;
    elaaoms_openmemory_t    om;
    elaaoms_cli_om_args_t  *a = data;

    rv = elaaoms_cli_om_count(cli, org, &mirrored, &pending);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_OM_KEY_RETRY) < 0) {
        return ELAAOMS_CLI_FAILED;
    }
    queued = elaaoms_cli_integer(cli, elaaoms_redis_command(cli->rc, "ZCARD %s",
                                                            key));

    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_OM_KEY_FAILED) < 0) {
        return ELAAOMS_CLI_FAILED;
    }
    failed = elaaoms_cli_integer(cli, elaaoms_redis_command(cli->rc, "ZCARD %s",
                                                            key));

    if (queued < 0 || failed < 0) {
        return ELAAOMS_CLI_FAILED;
    }

    configured = elaaoms_cli_om_client(cli, org, &om) == 0;
    up = configured && elaaoms_openmemory_health(&om, &err) == 0;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "org", org);
    elaaoms_cli_bool(cli->g, "configured", configured);
    elaaoms_cli_int(cli->g, "mirrored", mirrored);
    elaaoms_cli_int(cli->g, "pending", pending + queued);
    elaaoms_cli_int(cli->g, "not_mirrored", pending);
    elaaoms_cli_int(cli->g, "retry_queue", queued);
    elaaoms_cli_int(cli->g, "failed", failed);
    elaaoms_cli_cstr(cli->g, "openmemory", !configured ? "not configured"
                                           : up ? "ok" : "unreachable");
    if (configured) {
        elaaoms_cli_cstr(cli->g, "url", om.url);
    }
    if (configured && !up) {
        elaaoms_cli_cstr(cli->g, "error", err.message);
    }
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    if (configured && !up) {
        a->down++;
    }

    return ELAAOMS_CLI_OK;
}


/* openmemory status [--all-orgs] */
static int
elaaoms_cli_om_status(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                          rv, first;
    elaaoms_cli_om_args_t        a;
    static const struct option   opts[] = {
        { "all-orgs", no_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 }
    };

    memset(&a, 0, sizeof(a));
    a.cli = cli;

    rv = elaaoms_cli_args(cli, &elaaoms_cli_openmemory_commands[0], argc,
                          argv, opts, elaaoms_cli_om_opt, &a, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    rv = elaaoms_cli_each_org(cli, a.all, elaaoms_cli_om_status_org, &a);

    if (rv == ELAAOMS_CLI_OK && a.down) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "OpenMemory did "
                                "not answer /health");
    }

    return rv;
}


/* --- import ------------------------------------------------------------ */

typedef struct {
    elaaoms_cli_t         *cli;
    const char            *org;
    elaaoms_openmemory_t   om;
    long                   pages;
    long                   items;
    long                   imported;
    long                   reinforced;
    long                   no_caller;
    long                   known;
    long                   invalid;
    long                   other_org;
    long                   erased;
    long                   failed;
    char                 **callers;     /* the callers written, once each */
    size_t                 ncallers;
    size_t                 cap;
} elaaoms_cli_om_import_t;


/* a tag "<prefix><value>" of the item: the value, else NULL */
static const char *
elaaoms_cli_om_tag(yajl_val tags, const char *prefix)
{
    size_t       i, n;
    const char  *s;

    n = strlen(prefix);

    for (i = 0; tags != NULL && i < tags->u.array.len; i++) {
        s = YAJL_GET_STRING(tags->u.array.values[i]);
        if (s != NULL && strncmp(s, prefix, n) == 0 && s[n] != '\0') {
            return s + n;
        }
    }

    return NULL;
}


/* a field of the metadata as a string, else the tag's */
static const char *
elaaoms_cli_om_field(yajl_val meta, yajl_val tags, const char *name,
    const char *prefix)
{
    const char  *s;

    s = meta ? elaaoms_yajl_str(meta, ELAAOMS_YAJL_PATH(name)) : NULL;

    return (s != NULL && s[0] != '\0') ? s : elaaoms_cli_om_tag(tags, prefix);
}


/* 1 when the caller's map already holds OpenMemory id, 0, -1 (Redis) */
static int
elaaoms_cli_om_known(elaaoms_cli_t *cli, const char *map, const char *id)
{
    int          found;
    size_t       i;
    redisReply  *r;

    r = elaaoms_redis_command(cli->rc, "HVALS %s", map);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        (void) elaaoms_cli_redis_fail(cli, r);
        return -1;
    }

    found = 0;

    for (i = 0; i < r->elements && !found; i++) {
        found = r->element[i]->type == REDIS_REPLY_STRING
                && strcmp(r->element[i]->str, id) == 0;
    }

    freeReplyObject(r);
    return found;
}


/*
 * 1 when the item must not come back: its caller was erased (a
 * tombstone), or its copy waits to be deleted (erasure's "delete\t<id>"
 * on the retry queue or past it, when OpenMemory was down); 0; -1 Redis.
 */
static int
elaaoms_cli_om_erased(elaaoms_cli_t *cli, const char *org,
    const char *caller, const char *id)
{
    int          k, rv;
    char         key[ELAAOMS_KEY_MAX], member[ELAAOMS_OPENMEMORY_ID_MAX + 8];
    redisReply  *r;
    const char  *sets[] = { ELAAOMS_OM_KEY_RETRY, ELAAOMS_OM_KEY_FAILED };

    rv = elaaoms_caller_forgotten(cli->rc, org, caller);
    if (rv != 0) {
        if (rv < 0) {
            (void) elaaoms_cli_fail(cli, 0, "redis: the caller's tombstone "
                                    "not read");
        }
        return rv;
    }

    snprintf(member, sizeof(member), "delete\t%s", id);

    for (k = 0; k < 2; k++) {
        if (elaaoms_key_org(key, sizeof(key), org, sets[k]) < 0) {
            return -1;
        }

        r = elaaoms_redis_command(cli->rc, "ZSCORE %s %s", key, member);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            (void) elaaoms_cli_redis_fail(cli, r);
            return -1;
        }

        rv = (r->type == REDIS_REPLY_STRING);
        freeReplyObject(r);

        if (rv) {
            return 1;
        }
    }

    return 0;
}


/* the caller among those whose contexts are rebuilt; 0 or -1 */
static int
elaaoms_cli_om_touch(elaaoms_cli_om_import_t *st, const char *caller)
{
    size_t   i;
    char   **p;

    for (i = 0; i < st->ncallers; i++) {
        if (strcmp(st->callers[i], caller) == 0) {
            return 0;
        }
    }

    if (st->ncallers == st->cap) {
        p = realloc(st->callers, (st->cap ? st->cap * 2 : 16) * sizeof(char *));
        if (p == NULL) {
            return -1;
        }
        st->callers = p;
        st->cap = st->cap ? st->cap * 2 : 16;
    }

    st->callers[st->ncallers] = strdup(caller);
    if (st->callers[st->ncallers] == NULL) {
        return -1;
    }

    st->ncallers++;
    return 0;
}


/*
 * After the store took an item: the record that names its conversation
 * gets the OpenMemory id in the caller's map, as its copy, or, when it
 * has one already (the item reinforced a mirrored memory), as another
 * copy of it ("<memory id>\t<OpenMemory id>"): never mirrored again,
 * deleted with the memory.  0 or -1 (Redis).
 */
static int
elaaoms_cli_om_map(elaaoms_cli_t *cli, const char *org, const char *caller,
    const char *map, const char *conv, const char *id)
{
    char                   err[256], field[ELAAOMS_MEMORY_ID_MAX + 2
                                           + ELAAOMS_OPENMEMORY_ID_MAX];
    size_t                 i;
    redisReply            *r;
    elaaoms_memory_list_t  list;

    memset(&list, 0, sizeof(list));

    if (elaaoms_memory_store_load(cli->rc, org, caller, &list, err,
                                  sizeof(err)) != 0)
    {
        (void) elaaoms_cli_fail(cli, 0, "memories: %s", err);
        return -1;
    }

    for (i = 0; i < list.n; i++) {
        if (elaaoms_mstr_eq(list.items[i].conversation_id, elaaoms_mstr(conv))
            && list.items[i].id.len <= ELAAOMS_MEMORY_ID_MAX)
        {
            break;
        }
    }

    if (i == list.n) {
        /* refused by the rules (a private memory...): nothing to map */
        elaaoms_memory_list_free(&list);
        return 0;
    }

    snprintf(field, sizeof(field), "%.*s", (int) list.items[i].id.len,
             list.items[i].id.data);
    elaaoms_memory_list_free(&list);

    r = elaaoms_redis_command(cli->rc, "HSETNX %s %s %s", map, field, id);
    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        (void) elaaoms_cli_redis_fail(cli, r);
        return -1;
    }

    if (r->integer == 0) {
        freeReplyObject(r);
        snprintf(field + strlen(field), sizeof(field) - strlen(field),
                 "\t%s", id);
        r = elaaoms_redis_command(cli->rc, "HSET %s %s %s", map, field, id);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            (void) elaaoms_cli_redis_fail(cli, r);
            return -1;
        }
    }

    freeReplyObject(r);
    return 0;
}


/* an item's text without the mirror's suffix (a copy it made distinct) */
static size_t
elaaoms_cli_om_text(const char *s)
{
    size_t       len;
    const char  *p, *last;

    len = strlen(s);
    last = NULL;

    for (p = strstr(s, ELAAOMS_CLI_OM_SUFFIX); p;
         p = strstr(p + 1, ELAAOMS_CLI_OM_SUFFIX))
    {
        last = p;
    }

    if (last != NULL && last > s && s[len - 1] == ']'
        && strchr(last + 1, ' ') == NULL)
    {
        return (size_t) (last - s);
    }

    return len;
}


/* one item of /memory/all; 0, or -1 when Redis failed (import stops) */
static int
elaaoms_cli_om_item(elaaoms_cli_om_import_t *st, yajl_val it)
{
    int                             type, importance, rv;
    char                            caller[ELAAOMS_CALLER_MAX];
    char                            map[ELAAOMS_KEY_MAX], err[256];
    char                            conv[ELAAOMS_CONVERSATION_ID_MAX + 1];
    char                           *text;
    float                          *vectors;
    size_t                          len, dim;
    double                          confidence;
    yajl_val                        meta, tags, v;
    long long                       n, tokens;
    const char                     *id, *s, *content, *agent;
    elaaoms_cli_t                  *cli = st->cli;
    elaaoms_memory_apply_t          apply;
    elaaoms_extracted_list_t        list;
    elaaoms_memory_apply_counts_t   counts;

    st->items++;

    id = elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("id"));
    content = elaaoms_yajl_str(it, ELAAOMS_YAJL_PATH("content"));
    meta = elaaoms_yajl_obj(it, ELAAOMS_YAJL_PATH("metadata"));
    tags = elaaoms_yajl_arr(it, ELAAOMS_YAJL_PATH("tags"));

    if (id == NULL || !elaaoms_openmemory_id_valid(id)) {
        st->invalid++;
        return 0;
    }

    /* whose: metadata.caller (what the mirror writes), else the tag */
    s = elaaoms_cli_om_field(meta, tags, "caller", "caller:");
    if (s == NULL) {
        st->no_caller++;
        return 0;
    }

    if (elaaoms_caller_key_valid(s)) {
        snprintf(caller, sizeof(caller), "%s", s);

    } else if (elaaoms_caller_normalize(s, strlen(s), caller, sizeof(caller))
               <= 0)
    {
        st->invalid++;
        return 0;
    }

    s = elaaoms_cli_om_field(meta, tags, "org", "org:");
    if (s != NULL && strcmp(s, st->org) != 0) {
        st->other_org++;
        return 0;
    }

    if (elaaoms_key_caller(map, sizeof(map), st->org, caller,
                           ELAAOMS_OM_KEY_MAP) < 0)
    {
        st->invalid++;
        return 0;
    }

    rv = elaaoms_cli_om_known(cli, map, id);
    if (rv != 0) {
        st->known += (rv == 1);
        return rv == 1 ? 0 : -1;
    }

    rv = elaaoms_cli_om_erased(cli, st->org, caller, id);
    if (rv != 0) {
        st->erased += (rv == 1);
        return rv == 1 ? 0 : -1;
    }

    len = content ? elaaoms_cli_om_text(content) : 0;
    if (len == 0 || len > ELAAOMS_MEMORY_STR_MAX
        || (size_t) snprintf(conv, sizeof(conv), "%s%s", ELAAOMS_CLI_OM_CONV,
                             id) >= sizeof(conv)
        || !elaaoms_conversation_id_valid_str(conv))
    {
        st->invalid++;
        return 0;
    }

    s = elaaoms_cli_om_field(meta, tags, "type", "type:");
    type = s ? elaaoms_mem_type_parse(s, strlen(s)) : ELAAOMS_MEM_FACTUAL;
    if (type < 0) {
        type = ELAAOMS_MEM_FACTUAL;
    }

    importance = ELAAOMS_CLI_OM_IMPORTANCE;
    s = elaaoms_cli_om_tag(tags, "importance:");
    if (meta && elaaoms_yajl_int(meta, ELAAOMS_YAJL_PATH("importance"), &n)
                == 0)
    {
        importance = (int) n;
    } else if (s != NULL) {
        importance = atoi(s);
    }

    confidence = ELAAOMS_CLI_OM_CONFIDENCE;
    v = meta ? yajl_tree_get(meta, ELAAOMS_YAJL_PATH("confidence"),
                             yajl_t_number)
             : NULL;
    if (v != NULL && YAJL_GET_DOUBLE(v) >= 0 && YAJL_GET_DOUBLE(v) <= 1) {
        confidence = YAJL_GET_DOUBLE(v);
    }

    agent = meta ? elaaoms_yajl_str(meta, ELAAOMS_YAJL_PATH("agent_id"))
                 : NULL;
    if (agent != NULL && !elaaoms_agent_id_valid_str(agent)) {
        agent = NULL;
    }

    text = strndup(content, len);
    memset(&list, 0, sizeof(list));

    if (text == NULL
        || elaaoms_extracted_add(&list, (elaaoms_mem_type_e) type, text,
                                 importance, confidence, "") != 0)
    {
        free(text);
        elaaoms_extracted_free(&list);
        (void) elaaoms_cli_fail(cli, 0, "out of memory");
        return -1;
    }

    free(text);

    memset(&apply, 0, sizeof(apply));
    apply.org = st->org;
    apply.caller = caller;
    apply.conversation_id = conv;
    apply.agent_id = agent;
    apply.threshold = (float) cli->cf->dedup_threshold;

    if (meta && elaaoms_yajl_int(meta, ELAAOMS_YAJL_PATH("created"), &n) == 0
        && n > 0)
    {
        apply.now = n;
    } else if (elaaoms_yajl_int(it, ELAAOMS_YAJL_PATH("created_at"), &n) == 0
               && n > 0)
    {
        apply.now = n / 1000;
    }

    /* the vectors extraction would store (process.c) */
    vectors = NULL;
    dim = 0;
    tokens = 0;

    if (strcmp(cli->cf->embedder, "openai") == 0
        && elaaoms_process_embed(cli->cf, &list, &vectors, &dim, &tokens,
                                 err, sizeof(err)) != 0)
    {
        (void) elaaoms_cli_fail(cli, 0, "OpenAI embeddings failed (%s): "
                                "the offline embedder's vector is stored",
                                err);
    }

    apply.vectors = vectors;
    apply.vec_dim = dim;
    apply.vec_model = vectors ? cli->cf->openai_embed_model : NULL;

    rv = elaaoms_memory_store_apply(cli->rc, &apply, &list, &counts, err,
                                    sizeof(err));
    free(vectors);
    elaaoms_extracted_free(&list);

    if (rv != 0) {
        (void) elaaoms_cli_fail(cli, 0, "memory store: %s", err);
        return -1;
    }

    if (counts.invalid) {
        st->invalid++;
        return 0;
    }

    if (counts.stored + counts.conflicts) {
        st->imported++;
    } else {
        st->reinforced++;
    }

    if (elaaoms_cli_om_map(cli, st->org, caller, map, conv, id) != 0) {
        return -1;
    }

    if (elaaoms_cli_om_touch(st, caller) != 0) {
        (void) elaaoms_cli_fail(cli, 0, "out of memory");
        return -1;
    }

    return 0;
}


/* one page: -1 OpenMemory failed, -2 Redis, else the items it held */
static long
elaaoms_cli_om_page(elaaoms_cli_om_import_t *st, long offset, long limit,
    elaaoms_api_error_t *err)
{
    long      n;
    char     *body, reason[128];
    size_t    i;
    yajl_val  root, items;

    if (elaaoms_openmemory_list(&st->om, offset, limit, &body, err) != 0) {
        return -1;
    }

    root = elaaoms_yajl_parse(body, reason, sizeof(reason));
    items = root ? elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("items")) : NULL;
    free(body);

    if (items == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 0,
                              "openmemory: /memory/all answered no items");
        if (root) {
            yajl_tree_free(root);
        }
        return -1;
    }

    st->pages++;
    n = (long) items->u.array.len;

    for (i = 0; i < items->u.array.len; i++) {
        if (elaaoms_cli_om_item(st, items->u.array.values[i]) != 0) {
            yajl_tree_free(root);
            return -2;
        }
    }

    yajl_tree_free(root);
    return n;
}


static int
elaaoms_cli_om_import_org(elaaoms_cli_t *cli, const char *org, void *data)
{
    int                               rv;
    char                              err[256];
    char                              masked[ELAAOMS_LOG_CALLER_LEN];
    long                              n, offset;
    size_t                            i, contexts;
    elaaoms_api_error_t               aerr;
    elaaoms_cli_om_args_t            *a = data;
    elaaoms_cli_om_import_t           st;
    elaaoms_context_refresh_req_t     req;
    elaaoms_context_refresh_stats_t   stats;

    memset(&st, 0, sizeof(st));
    st.cli = cli;
    st.org = org;

    if (elaaoms_cli_om_client(cli, org, &st.om) != 0) {
        if (a->all) {
            return ELAAOMS_CLI_OK;
        }
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s has no "
                                "OpenMemory: set openmemory_url and "
                                "openmemory_api_key (or org_openmemory)",
                                org);
    }

    elaaoms_api_error_reset(&aerr);
    rv = ELAAOMS_CLI_OK;

    /*
     * Newest first: a memory the worker mirrors meanwhile shifts the
     * pages by one, so an item may come twice (then known), none is
     * missed.
     */
    for (offset = 0; ; offset += a->page_size) {
        n = elaaoms_cli_om_page(&st, offset, a->page_size, &aerr);
        if (n < 0) {
            rv = ELAAOMS_CLI_FAILED;
            break;
        }
        if (n < a->page_size) {
            break;
        }
    }

    /* the pre-call contexts of the callers written, for their agents */
    contexts = 0;
    memset(&req, 0, sizeof(req));
    req.org = org;

    for (i = 0; i < st.ncallers; i++) {
        req.caller = st.callers[i];

        if (elaaoms_context_refresh(cli->rc, &req, &stats, err, sizeof(err))
            != 0)
        {
            (void) elaaoms_cli_fail(cli, 0, "contexts of %s: %s",
                                    elaaoms_log_caller(st.callers[i], masked),
                                    err);
            st.failed++;
        } else {
            contexts += stats.agents;
        }

        free(st.callers[i]);
    }

    free(st.callers);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "org", org);
    elaaoms_cli_int(cli->g, "pages", st.pages);
    elaaoms_cli_int(cli->g, "items", st.items);
    elaaoms_cli_int(cli->g, "imported", st.imported);
    elaaoms_cli_int(cli->g, "reinforced", st.reinforced);
    elaaoms_cli_int(cli->g, "skipped_no_caller", st.no_caller);
    elaaoms_cli_int(cli->g, "skipped_known", st.known);
    elaaoms_cli_int(cli->g, "skipped_invalid", st.invalid);
    elaaoms_cli_int(cli->g, "skipped_other_org", st.other_org);
    elaaoms_cli_int(cli->g, "skipped_erased", st.erased);
    elaaoms_cli_int(cli->g, "callers", (long long) st.ncallers);
    elaaoms_cli_int(cli->g, "contexts", (long long) contexts);
    if (n == -1) {
        elaaoms_cli_cstr(cli->g, "error", aerr.message);
    }
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    if (n == -1) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "OpenMemory of %s: "
                                "%s (what was read is imported: run it "
                                "again)", org, aerr.message);
    }

    if (rv != ELAAOMS_CLI_OK || st.failed) {
        return ELAAOMS_CLI_FAILED;
    }

    return ELAAOMS_CLI_OK;
}


/* openmemory import [--page-size N] [--all-orgs] */
static int
elaaoms_cli_om_import(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                          rv, first;
    elaaoms_cli_om_args_t        a;
    static const struct option   opts[] = {
        { "all-orgs", no_argument, NULL, 'a' },
        { "page-size", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 }
    };

    memset(&a, 0, sizeof(a));
    a.cli = cli;
    a.page_size = ELAAOMS_CLI_OM_PAGE;

    rv = elaaoms_cli_args(cli, &elaaoms_cli_openmemory_commands[1], argc,
                          argv, opts, elaaoms_cli_om_opt, &a, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    /* the store's info lines are the worker's log, not the operator's */
    (void) elaaoms_log_open(NULL, ELAAOMS_LOG_WARN);

    return elaaoms_cli_each_org(cli, a.all, elaaoms_cli_om_import_org, &a);
}


const elaaoms_cli_command_t  elaaoms_cli_openmemory_commands[] = {

    { "openmemory status", "[--all-orgs]",
      "the OpenMemory mirror: copies, pending, failed, /health",
      "Counts the OpenMemory mirror of --org's callers (every organization\n"
      "that has had jobs with --all-orgs) and asks OpenMemory's /health.\n"
      "\n"
      "Output, one record an organization: org, configured (an\n"
      "OpenMemory is set for it), mirrored (copies: the entries of the\n"
      "callers' openmemory hashes), pending (not_mirrored + retry_queue),\n"
      "not_mirrored (memories marked not mirrored yet), retry_queue\n"
      "(adds, patches and deletes waiting for their retry), failed (past\n"
      "the last retry delay), openmemory (ok, unreachable, not configured),\n"
      "url, error (why /health failed).\n"
      "\n"
      "Exit status: 1 when Redis failed or an OpenMemory did not answer\n"
      "/health; 2 on bad arguments.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme openmemory status\n",
      elaaoms_cli_om_status, ELAAOMS_CLI_REDIS },

    { "openmemory import", "[--page-size N] [--all-orgs]",
      "read OpenMemory's memories of callers into the Redis store",
      "Pages through OpenMemory's memories (GET /memory/all, newest first)\n"
      "and stores each that names a caller (metadata.caller, or a tag\n"
      "caller:<caller>, as the mirror writes them; metadata.org or a tag\n"
      "org:<org> naming another organization skips it) as extraction\n"
      "stores a memory: the configured embedder's vector, the same\n"
      "deduplication (the same text or a cosine >= dedup_threshold\n"
      "reinforces the caller's memory instead of adding one).  Type,\n"
      "importance, confidence and agent_id come from the metadata (or the\n"
      "type: and importance: tags; else factual, 5, 0.8, none); the\n"
      "memory names the conversation \"openmemory-<OpenMemory id>\".  Its\n"
      "OpenMemory id is kept in the caller's openmemory hash: the mirror\n"
      "patches that copy instead of adding one, erasure deletes it, and the\n"
      "next import skips it (run it again safely).  An item of an erased\n"
      "caller (a tombstone), or one whose copy waits to be deleted, is\n"
      "skipped: erasure is never undone.  Then the pre-call\n"
      "contexts of the callers written are rebuilt.\n"
      "\n"
      "Options:\n"
      "  --page-size N  items a request, 1 to 10000 (default 100)\n"
      "  --all-orgs     every organization that has an OpenMemory\n"
      "\n"
      "Output, one record an organization: org, pages, items, imported\n"
      "(new memories), reinforced (merged into one the caller had),\n"
      "skipped_no_caller, skipped_known (imported or mirrored before),\n"
      "skipped_invalid, skipped_other_org, skipped_erased, callers,\n"
      "contexts, error.\n"
      "\n"
      "Exit status: 1 when OpenMemory or Redis failed (what was read is\n"
      "kept; run it again) or the organization has no OpenMemory; 2 on\n"
      "bad arguments.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme openmemory import\n",
      elaaoms_cli_om_import, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
