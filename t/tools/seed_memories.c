/*
 * Seeds memories into a test suite's Redis the way the worker stores them
 * (lib/store/memory_store.h's elaaoms_memory_store_add: the record in the
 * caller's index hash plus every index entry, one MULTI/EXEC).
 *
 *   seed_memories HOST PORT < lines
 *   seed_memories cluster HOST:PORT... < lines    (a Redis Cluster's seeds)
 *
 * One JSON object per line:
 *
 *   {"org":"acme","caller":"+14155550123","agent":"agent_support",
 *    "type":"issue","content":"Order XYZ-789 is delayed","importance":7,
 *    "created":1763380800,"conversation":"conv_b",
 *    "id":"m_order","superseded":false,"conflicts":["m_other"]}
 *
 * org, caller, type and content are required; the caller is normalized
 * (lib/intake/caller_id.h) as the module does; id defaults to a new one; the
 * content is embedded with the offline embedder.  With "vector" (numbers)
 * and "embed_model", the record holds that provider vector and the offline
 * one beside it, as the worker's "embedder openai" stores them.  Quiet on success;
 * exits 1 at the first line it cannot store.  Built by t/search_memory.t
 * against build/obj/libelaaoms.a; not part of the product.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_tree.h>

#include "cluster/cluster_client.h"
#include "cluster/redis_handle.h"
#include "intake/caller_id.h"
#include "search/embed.h"
#include "store/memory_record.h"
#include "store/memory_store.h"
#include "store/memory_types.h"
#include "util/yajl_util.h"


static const char *
str(yajl_val v, const char *name, const char *dflt)
{
    const char  *s;

    s = elaaoms_yajl_str(v, ELAAOMS_YAJL_PATH(name));

    return s ? s : dflt;
}


static long long
num(yajl_val v, const char *name, long long dflt)
{
    long long  n;

    return elaaoms_yajl_int(v, ELAAOMS_YAJL_PATH(name), &n) == 0 ? n : dflt;
}


static int
seed(elaaoms_redis_t *rh, const char *line, size_t lineno)
{
    int                       type, rc_;
    char                      err[256], caller[ELAAOMS_CALLER_MAX], id[32];
    float                     vec[ELAAOMS_EMBED_DIM];
    size_t                    i;
    yajl_val                  v, sup, links, pv;
    static float              pf[ELAAOMS_MEMORY_MAX_DIM];
    static unsigned char      pq8[ELAAOMS_MEMORY_MAX_DIM];
    const char               *org, *raw_caller, *type_name, *content;
    unsigned char             q8[ELAAOMS_EMBED_DIM];
    elaaoms_memory_record_t   r;

    v = elaaoms_yajl_parse(line, err, sizeof(err));
    if (v == NULL || !YAJL_IS_OBJECT(v)) {
        fprintf(stderr, "line %zu: %s\n", lineno, v ? "not an object" : err);
        yajl_tree_free(v);
        return -1;
    }

    rc_ = -1;

    org = str(v, "org", NULL);
    raw_caller = str(v, "caller", NULL);
    type_name = str(v, "type", "factual");
    content = str(v, "content", NULL);

    if (org == NULL || raw_caller == NULL || content == NULL) {
        fprintf(stderr, "line %zu: org, caller and content are required\n",
                lineno);
        goto done;
    }

    if (elaaoms_caller_normalize(raw_caller, strlen(raw_caller), caller,
                                 sizeof(caller))
        <= 0)
    {
        fprintf(stderr, "line %zu: unusable caller \"%s\"\n", lineno,
                raw_caller);
        goto done;
    }

    type = elaaoms_mem_type_parse(type_name, strlen(type_name));
    if (type < 0) {
        fprintf(stderr, "line %zu: unknown type \"%s\"\n", lineno, type_name);
        goto done;
    }

    memset(&r, 0, sizeof(r));
    r.org = elaaoms_mstr(org);
    r.caller = elaaoms_mstr(caller);
    r.agent_id = elaaoms_mstr(str(v, "agent", ""));
    r.conversation_id = elaaoms_mstr(str(v, "conversation", ""));
    r.content = elaaoms_mstr(content);
    r.source_quote = elaaoms_mstr(str(v, "quote", ""));
    r.type = (elaaoms_mem_type_e) type;
    r.importance = (int) num(v, "importance", 5);
    r.created = num(v, "created", 1763380800);
    r.last_reinforced = r.created;
    r.confidence = 0.9f;

    if (str(v, "id", NULL)) {
        r.id = elaaoms_mstr(str(v, "id", NULL));
    } else {
        elaaoms_memory_id_new(id, sizeof(id), r.created);
        r.id = elaaoms_mstr(id);
    }

    sup = yajl_tree_get(v, ELAAOMS_YAJL_PATH("superseded"), yajl_t_true);
    if (sup) {
        r.flags |= ELAAOMS_MEMORY_F_SUPERSEDED;
    }

    links = elaaoms_yajl_arr(v, ELAAOMS_YAJL_PATH("conflicts"));
    for (i = 0; links && i < links->u.array.len; i++) {
        if (YAJL_IS_STRING(links->u.array.values[i])) {
            elaaoms_memory_record_add_conflict(&r,
                elaaoms_mstr(links->u.array.values[i]->u.string));
        }
    }

    elaaoms_embed_text(content, strlen(content), vec);
    elaaoms_vec_pack_q8(vec, ELAAOMS_EMBED_DIM, q8);
    r.dim = ELAAOMS_EMBED_DIM;
    r.vec_q8 = q8;
    r.embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);

    pv = elaaoms_yajl_arr(v, ELAAOMS_YAJL_PATH("vector"));
    if (pv != NULL) {
        if (pv->u.array.len == 0 || pv->u.array.len > ELAAOMS_MEMORY_MAX_DIM
            || str(v, "embed_model", NULL) == NULL)
        {
            fprintf(stderr, "line %zu: a vector needs 1-%d numbers and "
                    "embed_model\n", lineno, ELAAOMS_MEMORY_MAX_DIM);
            goto done;
        }

        for (i = 0; i < pv->u.array.len; i++) {
            if (!YAJL_IS_DOUBLE(pv->u.array.values[i])) {
                fprintf(stderr, "line %zu: vector: not a number\n", lineno);
                goto done;
            }
            pf[i] = (float) YAJL_GET_DOUBLE(pv->u.array.values[i]);
        }

        elaaoms_vec_pack_q8(pf, pv->u.array.len, pq8);
        r.offline_model = r.embed_model;
        r.offline_dim = r.dim;
        r.offline_q8 = r.vec_q8;
        r.embed_model = elaaoms_mstr(str(v, "embed_model", NULL));
        r.dim = pv->u.array.len;
        r.vec_q8 = pq8;
    }

    if (elaaoms_memory_store_add(rh, &r, err, sizeof(err)) != 0) {
        fprintf(stderr, "line %zu: %s\n", lineno, err);
        goto done;
    }

    rc_ = 0;

done:

    yajl_tree_free(v);

    return rc_;
}


/* a Redis Cluster from its seeds, the slot map read; NULL said on stderr */
static elaaoms_redis_t *
connect_cluster(size_t nseeds, char **seeds)
{
    char                     err[512];
    elaaoms_cluster_t       *c;
    elaaoms_cluster_conf_t   ccf;

    memset(&ccf, 0, sizeof(ccf));
    ccf.seeds = (const char *const *) seeds;
    ccf.nseeds = nseeds;

    c = elaaoms_cluster_create(&ccf, err, sizeof(err));
    if (c == NULL) {
        fprintf(stderr, "redis cluster: %s\n", err);
        return NULL;
    }

    if (elaaoms_cluster_refresh(c, err, sizeof(err)) != 0) {
        fprintf(stderr, "redis cluster: %s\n", err);
        elaaoms_cluster_free(c);
        return NULL;
    }

    /* the handle owns the client from here, and frees it on failure */
    return elaaoms_redis_cluster(c);
}


int
main(int argc, char **argv)
{
    char              *line;
    size_t             cap, lineno;
    ssize_t            n;
    redisContext      *rc;
    elaaoms_redis_t   *rh;

    if (argc >= 3 && strcmp(argv[1], "cluster") == 0) {
        rh = connect_cluster((size_t) argc - 2, argv + 2);
        if (rh == NULL) {
            return 1;
        }

    } else if (argc == 3) {
        rc = redisConnect(argv[1], atoi(argv[2]));
        if (rc == NULL || rc->err) {
            fprintf(stderr, "redis %s:%s: %s\n", argv[1], argv[2],
                    rc ? rc->errstr : "out of memory");
            return 1;
        }

        rh = elaaoms_redis_single(rc);
        if (rh == NULL) {
            fprintf(stderr, "out of memory\n");
            return 1;
        }

    } else {
        fprintf(stderr, "usage: %s HOST PORT < json-lines\n"
                "       %s cluster HOST:PORT... < json-lines\n",
                argv[0], argv[0]);
        return 2;
    }

    line = NULL;
    cap = 0;
    lineno = 0;

    while ((n = getline(&line, &cap, stdin)) > 0) {
        lineno++;

        if (strspn(line, " \t\r\n") == (size_t) n) {
            continue;
        }

        if (seed(rh, line, lineno) != 0) {
            free(line);
            elaaoms_redis_free(rh);
            return 1;
        }
    }

    free(line);
    elaaoms_redis_free(rh);

    return 0;
}
