/*
 * The FR7 queries over one caller's memories (see memory_store.h):
 * elaaoms_memory_store_query() reads the index entries the filters name
 * in one MULTI/EXEC, intersects them here and fetches the matching
 * records with one HMGET.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/ids.h"
#include "store/memory_store_internal.h"


void
elaaoms_memory_query_init(elaaoms_memory_query_t *q)
{
    memset(q, 0, sizeof(elaaoms_memory_query_t));
    q->type = -1;
    q->order = ELAAOMS_MEMORY_ORDER_NEWEST;
}


static int
elaaoms_reply_cmp(const void *a, const void *b)
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



int
elaaoms_memory_store_query(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_query_t *q,
    elaaoms_memory_list_t *list, char *err, size_t errlen)
{
    int                       ok, by_imp;
    char                      k_time[ELAAOMS_MEMORY_KEY_MAX];
    char                      k_imp[ELAAOMS_MEMORY_KEY_MAX];
    char                      k_set[3][ELAAOMS_MEMORY_KEY_MAX];
    char                      k_index[ELAAOMS_MEMORY_KEY_MAX];
    char                      lo[32], hi[32], imp[32], suffix[160];
    size_t                    i, j, nsets, nids, keep, *lens;
    const char              **argv;
    redisReply               *exec, *ord, *hm, *probe;
    elaaoms_store_tx_t        tx;
    elaaoms_memory_record_t  *tmp;

    memset(list, 0, sizeof(elaaoms_memory_list_t));

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        return -1;
    }

    if (q->type < -1 || q->type >= ELAAOMS_MEM_NTYPES
        || q->min_importance < 0 || q->min_importance > 10
        || (q->conversation_id
            && !elaaoms_conversation_id_valid_str(q->conversation_id))
        || (q->agent_id && !elaaoms_conversation_id_valid_str(q->agent_id)))
    {
        return elaaoms_store_fail(err, errlen, "invalid query");
    }

    /* the caller's keys are short enough when the index key fits */
    if (elaaoms_memory_key(k_index, sizeof(k_index), org, caller,
                           ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    elaaoms_memory_key(k_time, sizeof(k_time), org, caller,
                       ELAAOMS_MEMORY_KEY_BY_TIME);
    elaaoms_memory_key(k_imp, sizeof(k_imp), org, caller,
                       ELAAOMS_MEMORY_KEY_BY_IMPORTANCE);

    if (q->created_from > 0) {
        snprintf(lo, sizeof(lo), "%lld", (long long) q->created_from);
    } else {
        strcpy(lo, "-inf");
    }

    if (q->created_to > 0) {
        snprintf(hi, sizeof(hi), "%lld", (long long) q->created_to);
    } else {
        strcpy(hi, "+inf");
    }

    if (q->min_importance > 0) {
        snprintf(imp, sizeof(imp), "%d", q->min_importance);
    } else {
        strcpy(imp, "-inf");
    }

    by_imp = (q->order == ELAAOMS_MEMORY_ORDER_IMPORTANCE);

    /*
     * One transaction: the ordered candidates from one sorted set, and
     * every other filter as a set of ids, all from the same instant.
     */
    elaaoms_store_tx_begin(&tx, rc, k_index);

    if (by_imp) {
        elaaoms_store_tx_cmd(&tx, "ZREVRANGEBYSCORE", k_imp, "+inf", imp);
    } else if (q->order == ELAAOMS_MEMORY_ORDER_OLDEST) {
        elaaoms_store_tx_cmd(&tx, "ZRANGEBYSCORE", k_time, lo, hi);
    } else {
        elaaoms_store_tx_cmd(&tx, "ZREVRANGEBYSCORE", k_time, hi, lo);
    }

    nsets = 0;

    if (by_imp && (q->created_from > 0 || q->created_to > 0)) {
        elaaoms_store_tx_cmd(&tx, "ZRANGEBYSCORE", k_time, lo, hi);
        nsets++;
    }

    if (!by_imp && q->min_importance > 0) {
        elaaoms_store_tx_cmd(&tx, "ZRANGEBYSCORE", k_imp, imp, "+inf");
        nsets++;
    }

    ok = 1;

    if (q->type >= 0) {
        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_TYPE "%s",
                 elaaoms_mem_type_name(q->type));
        ok &= elaaoms_memory_key(k_set[0], sizeof(k_set[0]), org, caller,
                                 suffix) > 0;
        elaaoms_store_tx_cmd(&tx, "SMEMBERS", k_set[0], NULL, NULL);
        nsets++;
    }

    if (q->agent_id) {
        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_AGENT "%s",
                 q->agent_id);
        ok &= elaaoms_memory_key(k_set[1], sizeof(k_set[1]), org, caller,
                                 suffix) > 0;
        elaaoms_store_tx_cmd(&tx, "SMEMBERS", k_set[1], NULL, NULL);
        nsets++;
    }

    if (q->conversation_id) {
        snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_CONVERSATION "%s",
                 q->conversation_id);
        ok &= elaaoms_memory_key(k_set[2], sizeof(k_set[2]), org, caller,
                                 suffix) > 0;
        elaaoms_store_tx_cmd(&tx, "SMEMBERS", k_set[2], NULL, NULL);
        nsets++;
    }

    if (!ok) {
        tx.bad = 1;
    }

    if (elaaoms_store_tx_exec(&tx, &exec, err, errlen) != 1) {
        return -1;
    }

    for (i = 0; i < exec->elements; i++) {
        if (!elaaoms_store_reply_strings(exec->element[i])) {
            freeReplyObject(exec);
            return elaaoms_store_fail(err, errlen, "query: unexpected reply");
        }
    }

    if (exec->elements != nsets + 1) {
        freeReplyObject(exec);
        return elaaoms_store_fail(err, errlen, "query: unexpected reply");
    }

    ord = exec->element[0];

    for (j = 1; j <= nsets; j++) {
        if (exec->element[j]->elements > 1) {
            qsort(exec->element[j]->element, exec->element[j]->elements,
                  sizeof(redisReply *), elaaoms_reply_cmp);
        }
    }

    argv = malloc((ord->elements + 2) * sizeof(char *));
    lens = malloc((ord->elements + 2) * sizeof(size_t));
    if (argv == NULL || lens == NULL) {
        free(argv);
        free(lens);
        freeReplyObject(exec);
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    argv[0] = "HMGET";    lens[0] = 5;
    argv[1] = k_index;    lens[1] = strlen(k_index);
    nids = 0;

    for (i = 0; i < ord->elements; i++) {
        probe = ord->element[i];

        for (j = 1; j <= nsets; j++) {
            if (exec->element[j]->elements == 0
                || bsearch(&probe, exec->element[j]->element,
                        exec->element[j]->elements, sizeof(redisReply *),
                        elaaoms_reply_cmp)
                == NULL)
            {
                break;
            }
        }

        if (j <= nsets) {
            continue;
        }

        argv[2 + nids] = probe->str;
        lens[2 + nids] = probe->len;
        nids++;

        /* records are needed to drop or rank superseded ones, or to
           check their agents; else cut */
        if (q->limit && nids == q->limit && !by_imp && !q->current_only
            && q->agent_id == NULL)
        {
            break;
        }
    }

    if (nids == 0) {
        free(argv);
        free(lens);
        freeReplyObject(exec);
        return 0;
    }

    hm = elaaoms_redis_command_argv(rc, (int) (nids + 2), argv, lens);

    free(argv);
    free(lens);
    freeReplyObject(exec);

    if (hm == NULL || hm->type != REDIS_REPLY_ARRAY || hm->elements != nids) {
        elaaoms_store_fail_reply(err, errlen, rc, hm, "hmget");
        if (hm) {
            freeReplyObject(hm);
        }
        return -1;
    }

    if (elaaoms_store_decode_list(list, hm, hm->element, NULL, nids, 1, org,
                                  caller)
        != 0)
    {
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    /*
     * The record is the truth: recheck what the indexes said.  An agent
     * set may list a memory its record no longer names (an agent dropped
     * past ELAAOMS_MEMORY_MAX_AGENTS): search and contexts read the
     * record, so the query does too.  A version-1 record names its latest
     * agent only: the set, which knows every agent, answers for it.
     */
    keep = 0;
    for (i = 0; i < list->n; i++) {
        tmp = &list->items[i];

        if ((q->current_only && (tmp->flags & ELAAOMS_MEMORY_F_SUPERSEDED))
            || (q->agent_id && tmp->version != ELAAOMS_MEMORY_RECORD_V1
                && !elaaoms_memory_record_has_agent(tmp,
                                                elaaoms_mstr(q->agent_id)))
            || (q->type >= 0 && (int) tmp->type != q->type)
            || tmp->importance < q->min_importance
            || (q->created_from > 0 && tmp->created < q->created_from)
            || (q->created_to > 0 && tmp->created > q->created_to))
        {
            continue;
        }

        list->items[keep++] = *tmp;
    }
    list->n = keep;

    if (by_imp && list->n > 1) {
        /* stable: current first, each part in the index's order */
        tmp = malloc(list->n * sizeof(elaaoms_memory_record_t));
        if (tmp == NULL) {
            elaaoms_memory_list_free(list);
            return elaaoms_store_fail(err, errlen, "out of memory");
        }

        j = 0;
        for (i = 0; i < list->n; i++) {
            if (!(list->items[i].flags & ELAAOMS_MEMORY_F_SUPERSEDED)) {
                tmp[j++] = list->items[i];
            }
        }
        for (i = 0; i < list->n; i++) {
            if (list->items[i].flags & ELAAOMS_MEMORY_F_SUPERSEDED) {
                tmp[j++] = list->items[i];
            }
        }

        memcpy(list->items, tmp, list->n * sizeof(elaaoms_memory_record_t));
        free(tmp);
    }

    if (q->limit && list->n > q->limit) {
        list->n = q->limit;
    }

    return 0;
}
