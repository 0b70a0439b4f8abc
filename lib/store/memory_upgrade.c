/*
 * Version-1 records name only the latest agent that confirmed them; the
 * caller's agent:<id> sets know every one (memory_store.h).  Before the
 * worker writes a caller again it gives such records their prior agents
 * from the sets, so that they are rewritten as version 2 with the whole
 * set (elaaoms_memory_store_v1_agents()); the operator's "upgrade"
 * command does it for every caller at once
 * (elaaoms_memory_store_upgrade_caller()).  Both also re-embed records
 * whose offline vector is of an older build of the embedder
 * (memory_reembed.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/memory_rules.h"
#include "intake/ids.h"
#include "search/embed.h"
#include "store/memory_reembed.h"
#include "store/memory_store_internal.h"
#include "store/redis_keys.h"


static int
elaaoms_upgrade_reply_cmp(const void *a, const void *b)
{
    int                rc;
    const redisReply  *x = *(redisReply *const *) a;
    const redisReply  *y = *(redisReply *const *) b;

    rc = memcmp(x->str, y->str, x->len < y->len ? x->len : y->len);
    if (rc) {
        return rc;
    }

    return x->len < y->len ? -1 : (x->len > y->len);
}


/* 1 when the sorted set reply s holds the id */
static int
elaaoms_upgrade_has(const redisReply *s, elaaoms_mstr_t id)
{
    redisReply   probe, *pp;

    probe.str = (char *) id.data;
    probe.len = id.len;
    pp = &probe;

    return s->elements
           && bsearch(&pp, s->element, s->elements, sizeof(redisReply *),
                      elaaoms_upgrade_reply_cmp) != NULL;
}


int
elaaoms_memory_store_v1_agents(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_record_t *recs, size_t n,
    unsigned char *changed, redisReply **owner, char *err, size_t errlen)
{
    int                       rv;
    char                      key[ELAAOMS_MEMORY_KEY_MAX], suffix[160];
    size_t                    i, k, nagents;
    void                     *v;
    redisReply               *agents, **sets;
    const char               *argv[2];
    elaaoms_mstr_t            a;
    elaaoms_memory_record_t  *r;
    elaaoms_memory_rules_t    rule;

    *owner = NULL;

    for (i = 0; i < n; i++) {
        if (recs[i].version == ELAAOMS_MEMORY_RECORD_V1) {
            break;
        }
    }

    if (i == n) {
        return 0;
    }

    if (elaaoms_memory_key(key, sizeof(key), org, caller,
                           ELAAOMS_MEMORY_KEY_AGENTS) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    argv[0] = "SMEMBERS";
    argv[1] = key;

    agents = elaaoms_redis_command_argv(rc, 2, argv, NULL);
    if (agents == NULL || !elaaoms_store_reply_strings(agents)) {
        elaaoms_store_fail_reply(err, errlen, rc, agents, "smembers agents");
        if (agents) {
            freeReplyObject(agents);
        }
        return -1;
    }

    /* a stable order: the same agents are kept when there are too many */
    nagents = agents->elements;
    if (nagents > 1) {
        qsort(agents->element, nagents, sizeof(redisReply *),
              elaaoms_upgrade_reply_cmp);
    }

    sets = calloc(nagents ? nagents : 1, sizeof(redisReply *));
    if (sets == NULL) {
        freeReplyObject(agents);
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    rv = 0;

    for (k = 0; k < nagents; k++) {
        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_AGENT "%.*s",
                 (int) agents->element[k]->len, agents->element[k]->str);

        if (elaaoms_memory_key(key, sizeof(key), org, caller, suffix) < 0
            || elaaoms_redis_append(rc, "SMEMBERS %s", key) != REDIS_OK)
        {
            /* what was sent must still be read */
            nagents = k;
            rv = elaaoms_store_fail(err, errlen, "smembers agent set");
            break;
        }
    }

    for (k = 0; k < nagents; k++) {
        if (elaaoms_redis_get_reply(rc, &v) != REDIS_OK) {
            rv = elaaoms_store_fail_reply(err, errlen, rc, NULL,
                                          "smembers agent set");
            nagents = k;
            break;
        }

        sets[k] = v;

        if (!elaaoms_store_reply_strings(sets[k])) {
            rv = elaaoms_store_fail_reply(err, errlen, rc, sets[k],
                                          "smembers agent set");
        } else if (sets[k]->elements > 1) {
            qsort(sets[k]->element, sets[k]->elements, sizeof(redisReply *),
                  elaaoms_upgrade_reply_cmp);
        }
    }

    for (i = 0; rv == 0 && i < n; i++) {
        r = &recs[i];

        if (r->version != ELAAOMS_MEMORY_RECORD_V1) {
            continue;
        }

        /* rewritten as version 2 in any case: read once, then never */
        changed[i] = 1;

        /* stored before the rules existed: they apply now, once */
        elaaoms_memory_rules_apply(r->type, r->content.data, r->content.len,
                                   r->importance, &rule);
        r->importance = rule.importance;
        r->shareable = r->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN;
        r->flags |= rule.flags;

        if (r->agent_id.len == 0) {
            continue;   /* unattributed: prior agents need a latest one */
        }

        for (k = 0; k < nagents
                    && r->nprior_agents < ELAAOMS_MEMORY_MAX_AGENTS - 1; k++)
        {
            a.data = agents->element[k]->str;
            a.len = agents->element[k]->len;

            if (!elaaoms_conversation_id_valid(a.data, a.len)
                || elaaoms_mstr_eq(a, r->agent_id)
                || !elaaoms_upgrade_has(sets[k], r->id))
            {
                continue;
            }

            r->prior_agents[r->nprior_agents++] = a;
        }
    }

    for (k = 0; k < nagents; k++) {
        freeReplyObject(sets[k]);
    }
    free(sets);

    if (rv != 0) {
        freeReplyObject(agents);
        return -1;
    }

    *owner = agents;

    return 0;
}


int
elaaoms_memory_store_reembed(elaaoms_memory_record_t *recs, size_t n,
    unsigned char *changed, unsigned char **vecs)
{
    int     count;
    size_t  i;

    count = 0;

    for (i = 0; i < n; i++) {
        if (!elaaoms_memory_record_offline_stale(&recs[i])) {
            continue;
        }

        vecs[i] = malloc(ELAAOMS_VEC_Q8_SIZE(ELAAOMS_EMBED_DIM));
        if (vecs[i] == NULL) {
            return -1;
        }

        elaaoms_memory_record_reembed(&recs[i], vecs[i]);
        changed[i] = 1;
        count++;
    }

    return count;
}


/* frees the vectors of elaaoms_memory_store_reembed() and the array */
static void
elaaoms_upgrade_free_vecs(unsigned char **vecs, size_t n)
{
    size_t  i;

    for (i = 0; vecs != NULL && i < n; i++) {
        free(vecs[i]);
    }

    free(vecs);
}


int
elaaoms_memory_store_upgrade_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, size_t *upgraded, char *err, size_t errlen)
{
    int                             r, attempt;
    size_t                          i, nd;
    redisReply                     *owner;
    unsigned char                  *changed, **vecs;
    elaaoms_memory_list_t           list;
    const elaaoms_memory_record_t **dirty;

    *upgraded = 0;

    for (attempt = 0; attempt < ELAAOMS_MEMORY_STORE_RETRIES; attempt++) {
        elaaoms_memory_store_backoff(attempt);

        if (elaaoms_memory_store_watch_load(rc, org, caller, &list, err,
                                            errlen)
            != 0)
        {
            return -1;
        }

        changed = calloc(list.n ? list.n : 1, 1);
        dirty = calloc(list.n ? list.n : 1, sizeof(*dirty));
        vecs = calloc(list.n ? list.n : 1, sizeof(*vecs));

        if (changed == NULL || dirty == NULL || vecs == NULL) {
            free(changed);
            free(dirty);
            free(vecs);
            elaaoms_memory_list_free(&list);
            elaaoms_memory_store_unwatch(rc);
            return elaaoms_store_fail(err, errlen, "out of memory");
        }

        r = elaaoms_memory_store_v1_agents(rc, org, caller, list.items,
                                           list.n, changed, &owner, err,
                                           errlen);
        nd = 0;

        if (r == 0
            && elaaoms_memory_store_reembed(list.items, list.n, changed, vecs)
               < 0)
        {
            r = elaaoms_store_fail(err, errlen, "out of memory");
            elaaoms_memory_store_unwatch(rc);
            elaaoms_upgrade_free_vecs(vecs, list.n);
            if (owner != NULL) {
                freeReplyObject(owner);
            }
            free(changed);
            free(dirty);
            elaaoms_memory_list_free(&list);
            return r;
        }

        if (r == 0) {
            for (i = 0; i < list.n; i++) {
                if (changed[i]) {
                    dirty[nd++] = &list.items[i];
                }
            }

            /* nothing to write just ends the watch */
            r = elaaoms_memory_store_commit(rc, org, caller, dirty, nd, err,
                                            errlen);
        } else {
            elaaoms_memory_store_unwatch(rc);
            r = -1;
        }

        if (owner != NULL) {
            freeReplyObject(owner);
        }
        elaaoms_upgrade_free_vecs(vecs, list.n);
        free(changed);
        free(dirty);
        elaaoms_memory_list_free(&list);

        if (r != 0) {
            if (r == 1) {
                *upgraded = nd;
                return 0;
            }
            return -1;
        }
        /* another writer got in between: read again */
    }

    return elaaoms_store_fail(err, errlen, "upgrade: too many concurrent "
                              "writers");
}
