/*
 * GDPR erasure of a caller's memories (see memory_store.h):
 * elaaoms_memory_store_delete_caller().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/ids.h"
#include "store/memory_store_internal.h"
#include "store/redis_keys.h"


/* escapes the glob characters of Redis MATCH patterns */
static int
elaaoms_store_glob_escape(char *out, size_t size, const char *in)
{
    size_t  n = 0;

    for ( ; *in; in++) {
        if (n + 3 > size) {
            return -1;
        }
        if (*in == '*' || *in == '?' || *in == '[' || *in == ']'
            || *in == '\\')
        {
            out[n++] = '\\';
        }
        out[n++] = *in;
    }

    if (n + 2 > size) {
        return -1;
    }

    out[n++] = '*';
    out[n] = '\0';

    return 0;
}


/* DEL of the keys of a reply array (SCAN's second element); -1 or count */
static long long
elaaoms_store_del_reply_keys(elaaoms_redis_t *rc, const redisReply *keys,
    char *err, size_t errlen)
{
    size_t        i, *lens;
    long long     n;
    const char  **argv;
    redisReply   *reply;

    if (keys->elements == 0) {
        return 0;
    }

    argv = malloc((keys->elements + 1) * sizeof(char *));
    lens = malloc((keys->elements + 1) * sizeof(size_t));
    if (argv == NULL || lens == NULL) {
        free(argv);
        free(lens);
        return elaaoms_store_fail(err, errlen, "out of memory");
    }

    argv[0] = "DEL";
    lens[0] = 3;
    for (i = 0; i < keys->elements; i++) {
        argv[i + 1] = keys->element[i]->str;
        lens[i + 1] = keys->element[i]->len;
    }

    reply = elaaoms_redis_command_argv(rc, (int) keys->elements + 1, argv,
                                       lens);
    free(argv);
    free(lens);

    if (reply == NULL || reply->type != REDIS_REPLY_INTEGER) {
        elaaoms_store_fail_reply(err, errlen, rc, reply, "del");
        if (reply) {
            freeReplyObject(reply);
        }
        return -1;
    }

    n = reply->integer;
    freeReplyObject(reply);

    return n;
}


/* the transactional part: every key the schema knows; count or -1 */
static long long
elaaoms_store_delete_known(elaaoms_redis_t *rc, const char *org,
    const char *caller, char *err, size_t errlen)
{
    int           attempt, r, t;
    char         *keys, suffix[160];
    size_t        i, j, nkeys, nreg;
    long long     deleted;
    const char  **argv;
    redisReply   *reg[2], *exec;
    const char   *watch[4], *reg_sfx[2] = {
        ELAAOMS_MEMORY_KEY_AGENTS, ELAAOMS_MEMORY_KEY_CONVERSATIONS
    }, *set_sfx[2] = {
        ELAAOMS_MEMORY_KEY_AGENT, ELAAOMS_MEMORY_KEY_CONVERSATION
    };
    char          k_reg[2][ELAAOMS_MEMORY_KEY_MAX];
    char          k_index[ELAAOMS_MEMORY_KEY_MAX];
    elaaoms_redis_t    *k;
    elaaoms_store_tx_t  tx;

    if (elaaoms_memory_key(k_index, sizeof(k_index), org, caller,
                           ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    for (i = 0; i < 2; i++) {
        elaaoms_memory_key(k_reg[i], sizeof(k_reg[i]), org, caller,
                           reg_sfx[i]);
    }

    for (attempt = 0; attempt < ELAAOMS_MEMORY_STORE_RETRIES; attempt++) {

        elaaoms_memory_store_backoff(attempt);

        /* a writer adding an agent or conversation set restarts us */
        watch[0] = "WATCH";
        watch[1] = k_index;
        watch[2] = k_reg[0];
        watch[3] = k_reg[1];

        /* on the connection of the caller's slot, as the MULTI below */
        k = elaaoms_redis_key_context(rc, k_index);
        if (k == NULL) {
            return elaaoms_store_fail_reply(err, errlen, rc, NULL, "watch");
        }

        if (elaaoms_store_simple(k, err, errlen, "watch", 4, watch) != 0) {
            return -1;
        }

        reg[0] = reg[1] = NULL;
        r = 0;

        for (i = 0; i < 2 && r == 0; i++) {
            reg[i] = elaaoms_redis_command(rc, "SMEMBERS %s", k_reg[i]);
            if (reg[i] == NULL || !elaaoms_store_reply_strings(reg[i])) {
                r = elaaoms_store_fail_reply(err, errlen, rc, reg[i],
                                             "smembers");
            }
        }

        nreg = (r == 0) ? reg[0]->elements + reg[1]->elements : 0;
        nkeys = 3 + 2 + 1 + ELAAOMS_MEM_NTYPES + nreg;

        keys = NULL;
        argv = NULL;

        if (r == 0) {
            keys = malloc(nkeys * ELAAOMS_MEMORY_KEY_MAX);
            argv = malloc((nkeys + 1) * sizeof(char *));
            if (keys == NULL || argv == NULL) {
                r = elaaoms_store_fail(err, errlen, "out of memory");
            }
        }

        if (r == 0) {
            argv[0] = "DEL";
            nkeys = 0;

#define ELAAOMS_ADD_KEY(sfx)                                                  \
            if (elaaoms_memory_key(keys + nkeys * ELAAOMS_MEMORY_KEY_MAX,      \
                                   ELAAOMS_MEMORY_KEY_MAX, org, caller, sfx)   \
                > 0)                                                          \
            {                                                                 \
                argv[1 + nkeys] = keys + nkeys * ELAAOMS_MEMORY_KEY_MAX;       \
                nkeys++;                                                      \
            }

            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_INDEX);
            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_BY_TIME);
            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_BY_IMPORTANCE);
            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_AGENTS);
            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_CONVERSATIONS);
            /* with the index: a reader never pairs the old token with it */
            ELAAOMS_ADD_KEY(ELAAOMS_MEMORY_KEY_VERSION);

            for (t = 0; t < ELAAOMS_MEM_NTYPES; t++) {
                snprintf(suffix, sizeof(suffix), ELAAOMS_MEMORY_KEY_TYPE "%s",
                         elaaoms_mem_type_name(t));
                ELAAOMS_ADD_KEY(suffix);
            }

            for (i = 0; i < 2; i++) {
                for (j = 0; j < reg[i]->elements; j++) {
                    /* a member with odd bytes cannot name a key we made */
                    if (!elaaoms_conversation_id_valid(reg[i]->element[j]->str,
                                                       reg[i]->element[j]->len))
                    {
                        continue;
                    }
                    snprintf(suffix, sizeof(suffix), "%s%s", set_sfx[i],
                             reg[i]->element[j]->str);
                    ELAAOMS_ADD_KEY(suffix);
                }
            }

#undef ELAAOMS_ADD_KEY

            elaaoms_store_tx_begin(&tx, rc, k_index);
            elaaoms_store_tx_append(&tx, (int) nkeys + 1, argv, NULL);
            r = elaaoms_store_tx_exec(&tx, &exec, err, errlen);

        } else {
            elaaoms_memory_store_unwatch(rc);
        }

        free(keys);
        free(argv);
        for (i = 0; i < 2; i++) {
            if (reg[i]) {
                freeReplyObject(reg[i]);
            }
        }

        if (r == -1) {
            return -1;
        }

        if (r == 1) {
            deleted = (exec->elements == 1
                       && exec->element[0]->type == REDIS_REPLY_INTEGER)
                      ? exec->element[0]->integer : 0;
            freeReplyObject(exec);
            return deleted;
        }
    }

    return elaaoms_store_fail(err, errlen, "delete: too many concurrent "
                              "writers");
}


int
elaaoms_memory_store_scan_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, elaaoms_memory_scan_pt visit, void *data,
    size_t *total, char *err, size_t errlen)
{
    char         prefix[ELAAOMS_MEMORY_KEY_MAX];
    char         pattern[2 * ELAAOMS_MEMORY_KEY_MAX];
    char         cursor[32];
    long long         n;
    const char       *argv[6];
    redisReply       *reply;
    elaaoms_redis_t  *node;

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        return -1;
    }

    /* "elaaoms:<org>:{<org>:<caller>}:" then anything */
    if (elaaoms_memory_key(prefix, sizeof(prefix), org, caller, "") < 0
        || elaaoms_store_glob_escape(pattern, sizeof(pattern), prefix) != 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    strcpy(cursor, "0");

    do {
        argv[0] = "SCAN";
        argv[1] = cursor;
        argv[2] = "MATCH";
        argv[3] = pattern;
        argv[4] = "COUNT";
        argv[5] = "1000";

        /*
         * the caller's keys share the tag, so one node holds them all: on
         * a cluster the master of their slot (taken again for each page:
         * visit() may take other key contexts)
         */
        node = elaaoms_redis_key_context(rc, prefix);
        if (node == NULL) {
            return elaaoms_store_fail_reply(err, errlen, rc, NULL, "scan");
        }

        reply = elaaoms_redis_command_argv(node, 6, argv, NULL);
        if (reply == NULL || reply->type != REDIS_REPLY_ARRAY
            || reply->elements != 2
            || reply->element[0]->type != REDIS_REPLY_STRING
            || reply->element[0]->len >= sizeof(cursor)
            || !elaaoms_store_reply_strings(reply->element[1]))
        {
            elaaoms_store_fail_reply(err, errlen, node, reply, "scan");
            if (reply) {
                freeReplyObject(reply);
            }
            return -1;
        }

        memcpy(cursor, reply->element[0]->str, reply->element[0]->len + 1);

        n = visit(data, rc, reply->element[1], err, errlen);
        freeReplyObject(reply);

        if (n < 0) {
            return -1;
        }

        if (total) {
            *total += (size_t) n;
        }

    } while (strcmp(cursor, "0") != 0);

    return 0;
}


static long long
elaaoms_store_scan_delete(void *data, elaaoms_redis_t *rc,
    const redisReply *keys, char *err, size_t errlen)
{
    (void) data;

    return elaaoms_store_del_reply_keys(rc, keys, err, errlen);
}


int
elaaoms_memory_store_delete_caller(elaaoms_redis_t *rc, const char *org,
    const char *caller, size_t *deleted, char *err, size_t errlen)
{
    char         key[ELAAOMS_MEMORY_KEY_MAX];
    size_t       total;
    long long    known;
    const char  *argv[3];

    if (deleted) {
        *deleted = 0;
    }

    if (elaaoms_store_check(org, caller, err, errlen) != 0) {
        return -1;
    }

    known = elaaoms_store_delete_known(rc, org, caller, err, errlen);
    if (known < 0) {
        return -1;
    }

    total = (size_t) known;

    if (elaaoms_memory_store_scan_caller(rc, org, caller,
                                         elaaoms_store_scan_delete, NULL,
                                         &total, err, errlen) != 0)
    {
        return -1;
    }

    /* last: the directory may list a caller without keys, never the reverse */
    if (elaaoms_key_org(key, sizeof(key), org, ELAAOMS_MEMORY_KEY_CALLERS) < 0)
    {
        return elaaoms_store_fail(err, errlen, "key too long");
    }

    argv[0] = "SREM";
    argv[1] = key;
    argv[2] = caller;

    if (elaaoms_store_simple(rc, err, errlen, "srem callers", 3, argv) != 0) {
        return -1;
    }

    if (deleted) {
        *deleted = total;
    }

    return 0;
}
