/*
 * Version-1 records name only the latest agent that confirmed them; the
 * caller's agent:<id> sets know every one (memory_store.h).  Before the
 * worker writes a caller again it gives such records their prior agents
 * from the sets, so that they are rewritten as version 2 with the whole
 * set (see memory_store.h: elaaoms_memory_store_v1_agents()).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/conversation_id.h"
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
elaaoms_memory_store_v1_agents(redisContext *rc, const char *org,
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

    agents = redisCommandArgv(rc, 2, argv, NULL);
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
            || redisAppendCommand(rc, "SMEMBERS %s", key) != REDIS_OK)
        {
            /* what was sent must still be read */
            nagents = k;
            rv = elaaoms_store_fail(err, errlen, "smembers agent set");
            break;
        }
    }

    for (k = 0; k < nagents; k++) {
        if (redisGetReply(rc, &v) != REDIS_OK) {
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
