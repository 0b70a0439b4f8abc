/*
 * The search_rank tests' records and helpers: records are built from a
 * spec_t, encoded with memory_record.h and decoded as views, as the nginx
 * module gets them (add(), maria() for a caller over three agents);
 * rank() ranks them for a request(), pos() and is_foreign() read the
 * result, answer() gives the answer's JSON as a tree.  Set verbose to
 * print every ranked answer.
 */

#ifndef ELAAOMS_UNIT_SEARCH_RANK_H
#define ELAAOMS_UNIT_SEARCH_RANK_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "unit.h"
#include "search/embed.h"
#include "store/memory_record.h"
#include "search/relevance.h"
#include "search/search_rank.h"

#define MAX_RECS   200
#define REC_BUF    2048

#define CALLER     "+14155550123"
#define DAY        86400
#define T0         1763380800   /* 2025-11-17T12:00:00Z */

typedef struct {
    const char  *id;
    const char  *agent;
    const char  *conv;
    const char  *content;
    int          type;
    int          importance;
    int64_t      created;
    unsigned     flags;
    const char  *link;          /* one conflict link, or NULL */
    int          vec;           /* 0: none, 1: offline model, 2: other,
                                   3: OpenAI's, 1536 dimensions, 4: a
                                   provider's, PROV_DIM, with the offline
                                   one beside it */
} spec_t;

#define PROV_MODEL    "fake-provider-64"
#define PROV_DIM      64

#define OPENAI_MODEL  "text-embedding-3-small"
#define OPENAI_DIM    1536

static unsigned char            bufs[MAX_RECS][REC_BUF];
static unsigned char            q8[MAX_RECS][ELAAOMS_EMBED_DIM];
static unsigned char            q8big[MAX_RECS][OPENAI_DIM];
/* mode 4's provider vectors, unit length, kept as floats for questions */
static float                    prov[MAX_RECS][PROV_DIM];
static int                      vec_override = -1;
static elaaoms_memory_record_t  recs[MAX_RECS];
static size_t                   nrecs;
static int                      verbose;
/* the prior agents add() gives the next record (NULL-ended), or NULL */
static const char *const       *add_prior;
/* the source quote add() gives the next record, or NULL: "" */
static const char              *add_quote;


/* encodes one record from spec and decodes it as a view into recs[] */
static inline void
add(const spec_t *sp)
{
    int                       vec;
    long                      len;
    size_t                    i;
    float                     v[ELAAOMS_EMBED_DIM];
    const char               *why;
    elaaoms_memory_record_t   r;

    memset(&r, 0, sizeof(r));
    r.id = elaaoms_mstr(sp->id);
    r.org = elaaoms_mstr("acme");
    r.caller = elaaoms_mstr(CALLER);
    r.conversation_id = elaaoms_mstr(sp->conv);
    r.agent_id = elaaoms_mstr(sp->agent);
    r.content = elaaoms_mstr(sp->content);
    r.source_quote = elaaoms_mstr(add_quote ? add_quote : "");
    r.type = (elaaoms_mem_type_e) sp->type;
    r.importance = sp->importance;
    r.flags = sp->flags;
    r.created = sp->created;
    r.last_reinforced = sp->created;
    r.confidence = 0.9f;

    if (sp->link) {
        r.nconflicts = 1;
        r.conflicts[0] = elaaoms_mstr(sp->link);
    }

    for (i = 0; add_prior != NULL && add_prior[i] != NULL; i++) {
        r.prior_agents[r.nprior_agents++] = elaaoms_mstr(add_prior[i]);
    }

    vec = vec_override >= 0 ? vec_override : sp->vec;

    if (vec == 4) {
        /* a pseudo-random direction per record: unrelated records meet
           near 0, as unrelated texts do in a real provider's space */
        float     norm = 0;
        uint32_t  x = 2166136261u ^ (uint32_t) nrecs * 16777619u;

        for (i = 0; i < PROV_DIM; i++) {
            x = x * 1103515245u + 12345u;
            prov[nrecs][i] = (float) ((int) (x >> 16 & 0xff) - 128);
            norm += prov[nrecs][i] * prov[nrecs][i];
        }
        for (i = 0; i < PROV_DIM; i++) {
            prov[nrecs][i] /= sqrtf(norm);
        }
        elaaoms_vec_pack_q8(prov[nrecs], PROV_DIM, q8big[nrecs]);
        r.dim = PROV_DIM;
        r.vec_q8 = q8big[nrecs];
        r.embed_model = elaaoms_mstr(PROV_MODEL);

        elaaoms_embed_text(r.content.data, r.content.len, v);
        elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8[nrecs]);
        r.offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
        r.offline_dim = ELAAOMS_EMBED_DIM;
        r.offline_q8 = q8[nrecs];

    } else if (vec == 3) {
        /* a vector nginx cannot reproduce: it must embed the text */
        for (i = 0; i < OPENAI_DIM; i++) {
            q8big[nrecs][i] = (unsigned char) (i * 37 + nrecs * 11);
        }
        r.dim = OPENAI_DIM;
        r.vec_q8 = q8big[nrecs];
        r.embed_model = elaaoms_mstr(OPENAI_MODEL);

    } else if (vec) {
        elaaoms_embed_text(r.content.data, r.content.len, v);
        elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8[nrecs]);
        r.dim = ELAAOMS_EMBED_DIM;
        r.vec_q8 = q8[nrecs];
        r.embed_model = elaaoms_mstr(vec == 1 ? ELAAOMS_EMBED_MODEL
                                              : "another-model-384");
        if (vec == 2) {
            /* garbage of another model: must not be used */
            memset(q8[nrecs], 0x55, ELAAOMS_EMBED_DIM);
        }
    } else {
        r.embed_model = elaaoms_mstr("");
    }

    len = elaaoms_memory_record_encode(&r, bufs[nrecs], REC_BUF);
    if (len <= 0) {
        fprintf(stderr, "encode failed: %s\n", sp->content);
        exit(2);
    }

    if (elaaoms_memory_record_decode_view(bufs[nrecs], (size_t) len,
                                          &recs[nrecs], &why)
        != 0)
    {
        fprintf(stderr, "decode failed: %s\n", why);
        exit(2);
    }

    nrecs++;
}


static inline void
reset(void)
{
    nrecs = 0;
}


/* Maria of t/fixtures/relevance/labelled.tsv, spread over three agents */
static inline void
maria(void)
{
    static const spec_t  specs[] = {
        { "m_name", "agent_support", "conv_a", "Caller's name is Maria Lopez",
          0, 6, T0 - 30 * DAY, 0, NULL, 1 },
        { "m_order", "agent_support", "conv_b", "Order XYZ-789 is delayed",
          2, 7, T0, 0, NULL, 1 },
        { "m_email", "agent_sales", "conv_c", "Prefers email over phone calls",
          1, 8, T0 - 10 * DAY, 0, NULL, 1 },
        { "m_frustrated", "agent_support", "conv_b",
          "Was frustrated about the late delivery", 3, 5, T0, 0, NULL, 1 },
        { "m_austin", "agent_sales", "conv_c", "Lives in Austin, Texas",
          0, 5, T0 - 10 * DAY, 0, NULL, 1 },
        { "m_daughter", "agent_support", "conv_a",
          "Daughter Sofia handles the account", 4, 6, T0 - 30 * DAY, 0, NULL,
          1 },
        { "m_weekly", "agent_support", "conv_a",
          "Calls every week to check on her orders", 0, 4, T0 - 30 * DAY, 0,
          NULL, 1 },
        { "m_vip", "", "", "Is a VIP customer since 2019", 0, 7,
          T0 - 60 * DAY, 0, NULL, 0 },
        { "m_refund", "agent_billing", "conv_d",
          "Was charged twice for order XYZ-789 and wants a refund", 2, 9,
          T0 + DAY, 0, NULL, 1 },
        { "m_5pm", "agent_sales", "conv_c",
          "Is available after 5pm on weekdays", 1, 5, T0 - 10 * DAY, 0, NULL,
          2 },
    };
    size_t  i;

    reset();

    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        add(&specs[i]);
    }
}


static inline elaaoms_search_request_t
request(const char *query)
{
    elaaoms_search_request_t  sr;

    elaaoms_search_request_init(&sr);
    sr.query = query;
    sr.caller_id = CALLER;
    sr.agent_id = "agent_support";

    return sr;
}


static inline void
show(const char *what, const elaaoms_search_result_t *res)
{
    size_t  i;

    if (!verbose) {
        return;
    }

    printf("  %s: visible %zu matched %zu count %zu\n", what, res->visible,
           res->matched, res->count);

    for (i = 0; i < res->count; i++) {
        printf("    %.3f %-12s %s%s\n", res->relevance[i],
               recs[res->index[i]].id.data, recs[res->index[i]].content.data,
               (recs[res->index[i]].flags & ELAAOMS_MEMORY_F_SUPERSEDED)
               ? " (superseded)" : "");
    }
}


static inline int
rank(const elaaoms_search_request_t *sr, elaaoms_search_result_t *res)
{
    int  rc;

    rc = elaaoms_search_rank(sr, sr->agent_id,
                             ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD, recs, nrecs,
                             NULL, res);
    show(sr->query, res);

    return rc;
}


/* the position of memory id in the answer, -1 when absent */
static inline int
pos(const elaaoms_search_result_t *res, const char *id)
{
    size_t  i;

    for (i = 0; i < res->count; i++) {
        if (strcmp(recs[res->index[i]].id.data, id) == 0) {
            return (int) i;
        }
    }

    return -1;
}


static inline int
is_foreign(const elaaoms_search_result_t *res, const char *id)
{
    size_t  i;

    for (i = 0; i < res->nforeign; i++) {
        if (strcmp(recs[res->foreign[i]].id.data, id) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the answer as a parsed tree (the caller frees it) */
static inline yajl_val
answer(const elaaoms_search_request_t *sr,
    const elaaoms_search_result_t *res, char *out, size_t outsz)
{
    char                  err[128];
    size_t                len;
    yajl_gen              g;
    yajl_val              tree;
    const unsigned char  *doc;

    g = yajl_gen_alloc(NULL);
    CHECK(g != NULL);
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);

    CHECK_INT_EQ(elaaoms_search_gen(g, sr, recs, res,
                                    "0123456789abcdef0123456789abcdef", 32),
                 0);
    CHECK(yajl_gen_get_buf(g, &doc, &len) == yajl_gen_status_ok);

    snprintf(out, outsz, "%.*s", (int) len, (const char *) doc);
    yajl_gen_free(g);

    if (verbose) {
        printf("  %s\n", out);
    }

    tree = yajl_tree_parse(out, err, sizeof(err));
    CHECK(tree != NULL);

    return tree;
}


#define PATH(...)  ((const char *[]) { __VA_ARGS__, NULL })


/* the string at path, NULL when absent or not a string */
static inline const char *
jstr(yajl_val v, const char **path)
{
    yajl_val  s;

    s = yajl_tree_get(v, path, yajl_t_string);

    return s ? s->u.string : NULL;
}


#endif /* ELAAOMS_UNIT_SEARCH_RANK_H */
