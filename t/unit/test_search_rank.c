/*
 * search_rank: visibility, filters, relevance threshold, ranking (with
 * superseded memories), limit, summary and the answer's JSON.  Records are
 * built, encoded with memory_record.h and decoded as views, as the nginx
 * module gets them.
 *
 * ELAAOMS_SEARCH_VERBOSE=1 prints every ranked answer.
 */

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
static char                     ids[MAX_RECS][32];
static char                     texts[MAX_RECS][96];
static elaaoms_memory_record_t  recs[MAX_RECS];
static size_t                   nrecs;
static int                      verbose;
/* the prior agents add() gives the next record (NULL-ended), or NULL */
static const char *const       *add_prior;


/* encodes one record from spec and decodes it as a view into recs[] */
static void
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
    r.source_quote = elaaoms_mstr("");
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


static void
reset(void)
{
    nrecs = 0;
}


/* Maria of t/fixtures/relevance/labelled.tsv, spread over three agents */
static void
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


static elaaoms_search_request_t
request(const char *query)
{
    elaaoms_search_request_t  sr;

    elaaoms_search_request_init(&sr);
    sr.query = query;
    sr.caller_id = CALLER;
    sr.agent_id = "agent_support";

    return sr;
}


static void
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


static int
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
static int
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


static int
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
static yajl_val
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
static const char *
jstr(yajl_val v, const char **path)
{
    yajl_val  s;

    s = yajl_tree_get(v, path, yajl_t_string);

    return s ? s->u.string : NULL;
}


static void
test_natural_questions(void)
{
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    /* the two required questions of the labelled set, default threshold */
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(pos(&res, "m_order") >= 0);
    CHECK(pos(&res, "m_email") < 0);
    CHECK(pos(&res, "m_austin") < 0);
    CHECK(pos(&res, "m_order") <= 1);

    sr = request("how does she want to be contacted?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "m_email"), 0);
    CHECK(pos(&res, "m_order") < 0);
    CHECK(pos(&res, "m_vip") < 0);
    /* m_email is agent_sales's, shared (importance 8): to audit */
    CHECK(is_foreign(&res, "m_email"));
}


static void
test_visibility(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;

    /* agent_support: its own 6, the unattributed m_vip, the shared
       m_email (8) and m_refund (9); not agent_sales's m_austin (5) nor
       m_5pm (5) */
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 8);
    CHECK_INT_EQ(res.count, 8);
    CHECK(pos(&res, "m_email") >= 0);
    CHECK(pos(&res, "m_refund") >= 0);
    CHECK(pos(&res, "m_vip") >= 0);
    CHECK(pos(&res, "m_austin") < 0);
    CHECK(pos(&res, "m_5pm") < 0);

    /* the audit list: exactly the other agents' memories served */
    CHECK_INT_EQ(res.nforeign, 2);
    CHECK(is_foreign(&res, "m_email"));
    CHECK(is_foreign(&res, "m_refund"));
    CHECK(!is_foreign(&res, "m_vip"));
    CHECK(!is_foreign(&res, "m_order"));

    /* agent_sales sees its own two but none of support's 5..7 */
    sr.agent_id = "agent_sales";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 5);   /* 3 own, m_vip, m_refund */
    CHECK(pos(&res, "m_austin") >= 0);
    CHECK(pos(&res, "m_order") < 0);
    CHECK_INT_EQ(res.nforeign, 1);
    CHECK(is_foreign(&res, "m_refund"));

    /* search_all_agents: everything, and every other agent's is audited */
    sr.agent_id = "agent_support";
    sr.search_all_agents = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 10);
    CHECK_INT_EQ(res.count, 10);
    CHECK_INT_EQ(res.nforeign, 4);
    CHECK(is_foreign(&res, "m_austin"));
    CHECK(is_foreign(&res, "m_5pm"));

    /* no agent, or garbage for one: the shared and unattributed only,
       everything attributed is another agent's */
    sr.search_all_agents = 0;
    sr.agent_id = NULL;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);
    CHECK_INT_EQ(res.nforeign, 2);

    sr.agent_id = "agent_support OR 1=1";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);

    sr.agent_id = "";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);

    for (i = 0; i < res.count; i++) {
        CHECK(recs[res.index[i]].importance >= ELAAOMS_MEMORY_SHAREABLE_MIN
              || recs[res.index[i]].agent_id.len == 0);
    }
}


static void
test_threshold(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res, all;

    maria();

    /* threshold 0: every visible memory, ranked by relevance */
    sr = request("what was my last order number?");
    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &all), 0);
    CHECK_INT_EQ(all.count, all.visible);
    CHECK(all.threshold == 0);

    for (i = 1; i < all.count; i++) {
        CHECK(all.relevance[i - 1] >= all.relevance[i]);
    }

    /* the default applies when the request has none */
    sr.threshold = -1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.threshold == ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    CHECK(res.count > 0 && res.count < all.count);

    for (i = 0; i < res.count; i++) {
        CHECK(res.relevance[i] >= (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    }

    for (i = res.count; i < all.count; i++) {
        CHECK(all.relevance[i] < (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD);
    }

    /* the location's default, when the request has none */
    CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id, 0.0, recs, nrecs,
                                     NULL, &res), 0);
    CHECK_INT_EQ(res.count, all.count);

    /* the request's threshold wins over the location's (0: everything);
     * a question nothing answers scores below 0.99 everywhere */
    sr = request("does she have any pets?");
    sr.limit = 100;
    sr.threshold = 0.99;
    CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id, 0.0, recs, nrecs,
                                     NULL, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    CHECK_INT_EQ(res.matched, 0);
    sr = request("what was my last order number?");
    sr.limit = 100;

    /* exactly at a memory's relevance: kept */
    sr.threshold = all.relevance[0];
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK_INT_EQ(res.index[0], all.index[0]);
}


static void
test_ranking_ties(void)
{
    char                      id[32];
    int                       i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    spec_t                    sp;

    /* the same words score the same: the tie-breaks decide */
    reset();

    memset(&sp, 0, sizeof(sp));
    sp.agent = "agent_support";
    sp.conv = "conv_a";
    sp.content = "Wants a callback about the broken router";
    sp.type = 2;
    sp.vec = 1;

    sp.id = "t_old_imp5";    sp.importance = 5; sp.created = T0 - DAY;
    add(&sp);
    sp.id = "t_new_imp5";    sp.importance = 5; sp.created = T0;
    add(&sp);
    sp.id = "t_imp7";        sp.importance = 7; sp.created = T0 - 5 * DAY;
    add(&sp);
    sp.id = "t_super_imp9";  sp.importance = 9; sp.created = T0 + DAY;
    sp.flags = ELAAOMS_MEMORY_F_SUPERSEDED;
    add(&sp);
    sp.flags = 0;
    sp.id = "t_b_same";      sp.importance = 5; sp.created = T0;
    add(&sp);
    /* a weaker match */
    sp.id = "t_weaker";      sp.importance = 10; sp.created = T0 + DAY;
    sp.content = "Asked about a router";
    add(&sp);

    sr = request("callback about the broken router");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 5);
    CHECK_INT_EQ(res.matched, 6);

    /* current first, then importance, then newest, then id */
    CHECK_INT_EQ(pos(&res, "t_imp7"), 0);
    CHECK_INT_EQ(pos(&res, "t_b_same"), 1);
    CHECK_INT_EQ(pos(&res, "t_new_imp5"), 2);
    CHECK_INT_EQ(pos(&res, "t_old_imp5"), 3);
    CHECK_INT_EQ(pos(&res, "t_super_imp9"), 4);
    CHECK(res.relevance[0] == res.relevance[4]);

    sr.limit = 6;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "t_weaker"), 5);
    CHECK(res.relevance[5] < res.relevance[4]);

    /* the limit cuts the ranked list; 100 is the most */
    reset();
    sp.flags = 0;
    sp.content = "Orders flour in bulk every two weeks";
    for (i = 0; i < 150; i++) {
        snprintf(ids[i], sizeof(ids[i]), "bulk_%03d", i);
        snprintf(texts[i], sizeof(texts[i]),
                 "Order %d of flour arrived %s", 1000 + i,
                 i % 2 ? "late" : "on time");
        sp.id = ids[i];
        sp.content = texts[i];
        sp.importance = 1 + i % 10;
        sp.created = T0 + i;
        add(&sp);
    }

    sr = request("flour order");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, ELAAOMS_SEARCH_DEFAULT_LIMIT);
    CHECK_INT_EQ(res.matched, 150);

    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 100);

    sr.limit = 1000;   /* past validation's cap: still 100 */
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 100);

    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);

    (void) id;
}


static void
test_superseded(void)
{
    char                      out[8192];
    yajl_val                  tree, results, v;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const spec_t  specs[] = {
        /* the older value, superseded, and the words of the question */
        { "s_email", "agent_support", "conv_a",
          "Prefers email over phone calls", 1, 8, T0 - 90 * DAY,
          ELAAOMS_MEMORY_F_SUPERSEDED, "s_text", 1 },
        { "s_text", "agent_support", "conv_b",
          "Prefers text messages now instead of email", 1, 7, T0, 0,
          "s_email", 1 },
        { "s_city", "agent_support", "conv_b", "Lives in Austin, Texas",
          0, 5, T0, 0, NULL, 1 },
    };

    reset();
    add(&specs[0]);
    add(&specs[1]);
    add(&specs[2]);

    sr = request("does she prefer email over phone calls?");
    sr.threshold = 0.3;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);

    /* s_email scores higher but the memory that replaced it comes first */
    CHECK_INT_EQ(pos(&res, "s_text"), 0);
    CHECK_INT_EQ(pos(&res, "s_email"), 1);
    CHECK(res.relevance[1] > res.relevance[0]);

    tree = answer(&sr, &res, out, sizeof(out));
    results = yajl_tree_get(tree, PATH("results"), yajl_t_array);
    CHECK(results != NULL && results->u.array.len == 2);
    if (results && results->u.array.len == 2) {
        v = yajl_tree_get(results->u.array.values[0], PATH("superseded"),
                          yajl_t_any);
        CHECK(v == NULL);
        v = yajl_tree_get(results->u.array.values[1], PATH("superseded"),
                          yajl_t_any);
        CHECK(v != NULL && YAJL_IS_TRUE(v));
    }
    yajl_tree_free(tree);

    /* the current one filtered out: the superseded one stays, marked */
    sr.conversation_id = "conv_a";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    CHECK_INT_EQ(pos(&res, "s_email"), 0);

    {
        char  summary[ELAAOMS_SEARCH_SUMMARY_MAX];

        elaaoms_search_summary(summary, sizeof(summary), recs, &res);
        CHECK(strstr(summary, "since replaced by a newer memory") != NULL);
    }

    /* limit 1: the current value, not the stale one */
    sr.conversation_id = NULL;
    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "s_text"), 0);

    {
        char  summary[ELAAOMS_SEARCH_SUMMARY_MAX];

        elaaoms_search_summary(summary, sizeof(summary), recs, &res);
        CHECK_STR_EQ(summary, "Found 2 memories, showing the most relevant "
                     "one. Most relevant: Prefers text messages now instead "
                     "of email (preference, 2025-11-17).");
    }
}


static void
test_filters(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;
    sr.search_all_agents = 1;

    sr.type = ELAAOMS_MEM_ISSUE;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_order") >= 0 && pos(&res, "m_refund") >= 0);
    CHECK_INT_EQ(res.visible, 10);   /* the scored set is not filtered */
    sr.type = -1;

    sr.conversation_id = "conv_b";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_order") >= 0 && pos(&res, "m_frustrated") >= 0);
    sr.conversation_id = "conv_zzz";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    sr.conversation_id = NULL;

    /* since / until: inclusive bounds on created */
    sr.since = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 3);   /* m_order, m_frustrated (T0), m_refund */
    CHECK(pos(&res, "m_refund") >= 0);
    sr.until = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    CHECK(pos(&res, "m_refund") < 0);
    sr.since = 0;
    sr.until = T0 - 30 * DAY;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 4);   /* name, daughter, weekly, vip */
    CHECK(pos(&res, "m_vip") >= 0);
    sr.until = 0;

    sr.min_importance = 8;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 2);
    for (i = 0; i < res.count; i++) {
        CHECK(recs[res.index[i]].importance >= 8);
    }
    sr.min_importance = 0;

    /* filters AND */
    sr.type = ELAAOMS_MEM_ISSUE;
    sr.min_importance = 8;
    sr.since = T0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    CHECK_INT_EQ(pos(&res, "m_refund"), 0);

    /* a filter never changes a memory's relevance */
    {
        float                     with;
        elaaoms_search_result_t   all;

        sr = request("what was my last order number?");
        sr.threshold = 0;
        sr.limit = 100;
        CHECK_INT_EQ(rank(&sr, &all), 0);
        with = all.relevance[pos(&all, "m_order")];
        sr.type = ELAAOMS_MEM_ISSUE;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        CHECK(res.relevance[pos(&res, "m_order")] == with);
    }
}


static void
test_empty_and_json(void)
{
    char                      out[8192], summary[ELAAOMS_SEARCH_SUMMARY_MAX];
    size_t                    len;
    yajl_gen                  g;
    yajl_val                  tree, results, r0, v;
    const char               *s;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    const unsigned char      *doc;

    maria();

    /* nothing answers: 200-shaped answer, empty list, a summary saying so */
    sr = request("does she have a dog?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK_STR_EQ(out, "{\"query\":\"does she have a dog?\",\"results\":[],"
                 "\"count\":0,\"summary\":\"No memories of this caller match "
                 "the question.\",\"request_id\":"
                 "\"0123456789abcdef0123456789abcdef\"}");
    yajl_tree_free(tree);

    /* no records at all */
    reset();
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    CHECK_INT_EQ(res.total, 0);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK_STR_EQ(summary, ELAAOMS_SEARCH_SUMMARY_NONE);

    /* the fields of a result */
    maria();
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    tree = answer(&sr, &res, out, sizeof(out));

    CHECK_STR_EQ(jstr(tree, PATH("query")), sr.query);
    v = yajl_tree_get(tree, PATH("count"), yajl_t_number);
    CHECK(v && YAJL_GET_INTEGER(v) == (long long) res.count);
    CHECK_STR_EQ(jstr(tree, PATH("request_id")),
                 "0123456789abcdef0123456789abcdef");

    results = yajl_tree_get(tree, PATH("results"), yajl_t_array);
    CHECK(results && results->u.array.len == res.count);

    r0 = results && results->u.array.len
         ? results->u.array.values[pos(&res, "m_order")] : NULL;
    CHECK(r0 != NULL);

    if (r0) {
        CHECK_STR_EQ(jstr(r0, PATH("id")), "m_order");
        CHECK_STR_EQ(jstr(r0, PATH("type")), "issue");
        CHECK_STR_EQ(jstr(r0, PATH("content")), "Order XYZ-789 is delayed");
        v = yajl_tree_get(r0, PATH("importance"), yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == 7);
        CHECK_STR_EQ(jstr(r0, PATH("created")), "2025-11-17T12:00:00Z");
        v = yajl_tree_get(r0, PATH("created_unix"), yajl_t_number);
        CHECK(v && YAJL_GET_INTEGER(v) == T0);
        CHECK_STR_EQ(jstr(r0, PATH("conversation_id")), "conv_b");
        CHECK_STR_EQ(jstr(r0, PATH("agent_id")), "agent_support");
        v = yajl_tree_get(r0, PATH("relevance"), yajl_t_number);
        CHECK(v && YAJL_GET_DOUBLE(v) >= 0.7 && YAJL_GET_DOUBLE(v) <= 1);
        CHECK(yajl_tree_get(r0, PATH("superseded"), yajl_t_any) == NULL);
    }

    /* relevance has exactly three decimals */
    s = strstr(out, "\"relevance\":");
    CHECK(s != NULL);
    if (s) {
        s += strlen("\"relevance\":");
        CHECK(s[0] >= '0' && s[0] <= '1' && s[1] == '.'
              && s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'
              && s[4] >= '0' && s[4] <= '9' && (s[5] == ',' || s[5] == '}'));
    }

    /* the summary names the count and the top memory, type and day */
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK_STR_EQ(jstr(tree, PATH("summary")), summary);
    if (pos(&res, "m_order") == 0 && res.count == 2) {
        CHECK_STR_EQ(summary, "Found 2 memories. Most relevant: Order XYZ-789 "
                     "is delayed (issue, 2025-11-17).");
    } else {
        CHECK(strncmp(summary, "Found ", 6) == 0);
        CHECK(strstr(summary, " Most relevant: ") != NULL);
    }
    yajl_tree_free(tree);

    /* an unattributed memory: null agent and conversation */
    sr = request("is she a VIP customer?");
    sr.limit = 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "m_vip"), 0);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(strstr(out, "\"conversation_id\":null,\"agent_id\":null") != NULL);
    CHECK_STR_EQ(strstr(out, "\"summary\":"), "\"summary\":\"Found 1 memory. "
                 "Most relevant: Is a VIP customer since 2019 (factual, "
                 "2025-09-18).\",\"request_id\":"
                 "\"0123456789abcdef0123456789abcdef\"}");
    yajl_tree_free(tree);

    /* matched beyond the limit is said */
    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 2;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK(strncmp(summary, "Found 8 memories, showing the 2 most relevant. "
                  "Most relevant: ", 62) == 0);

    /* the empty answers of the module */
    g = yajl_gen_alloc(NULL);
    CHECK_INT_EQ(elaaoms_search_gen_empty(g, "x",
                                          ELAAOMS_SEARCH_SUMMARY_UNAVAILABLE,
                                          "rid", 3), 0);
    CHECK(yajl_gen_get_buf(g, &doc, &len) == yajl_gen_status_ok);
    CHECK(len == strlen((const char *) doc));
    CHECK_STR_EQ((const char *) doc, "{\"query\":\"x\",\"results\":[],"
                 "\"count\":0,\"summary\":\"Memory is unavailable right now; "
                 "carry on without it.\",\"request_id\":\"rid\"}");
    yajl_gen_free(g);
}


static void
test_text_edges(void)
{
    char                      out[8192], summary[ELAAOMS_SEARCH_SUMMARY_MAX];
    char                      longtext[600], iso[32];
    size_t                    i;
    yajl_val                  tree;
    spec_t                    sp;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    /* invalid UTF-8 is cut, the JSON stays valid; a long text is quoted
       short in the summary, on a character boundary */
    reset();
    memset(&sp, 0, sizeof(sp));
    sp.agent = "agent_support";
    sp.conv = "conv_a";
    sp.type = 0;
    sp.importance = 5;
    sp.created = T0;
    sp.id = "bad_utf8";
    sp.content = "Owns a caf\xc3\xa9 called Bean \xff\xfe there";
    add(&sp);

    sr = request("caf\xc3\xa9 bean");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(tree != NULL);
    CHECK(strstr(out, "\"content\":\"Owns a caf\xc3\xa9 called Bean \"")
          != NULL);
    yajl_tree_free(tree);

    reset();
    for (i = 0; i + 3 <= 590; i += 3) {
        memcpy(longtext + i, "\xc3\xa9 ", 3);   /* "é " */
    }
    longtext[i] = '\0';
    sp.content = longtext;
    sp.id = "long";
    add(&sp);
    sr = request("anything");
    sr.threshold = 0;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.count, 1);
    elaaoms_search_summary(summary, sizeof(summary), recs, &res);
    CHECK(strlen(summary) < ELAAOMS_SEARCH_SUMMARY_MAX);
    CHECK(strstr(summary, "... (factual, 2025-11-17).") != NULL);
    tree = answer(&sr, &res, out, sizeof(out));
    CHECK(tree != NULL);
    yajl_tree_free(tree);

    /* a tiny buffer: cut, NUL-terminated */
    CHECK(elaaoms_search_summary(summary, 10, recs, &res) == 9);
    CHECK_STR_EQ(summary, "Found 1 m");

    /* ISO-8601 */
    elaaoms_search_iso8601(0, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "1970-01-01T00:00:00Z");
    elaaoms_search_iso8601(951782399, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2000-02-28T23:59:59Z");
    elaaoms_search_iso8601(951782400 + 3661, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2000-02-29T01:01:01Z");
    elaaoms_search_iso8601(T0, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2025-11-17T12:00:00Z");
    elaaoms_search_iso8601(4107542400LL, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "2100-03-01T00:00:00Z");
    elaaoms_search_iso8601(INT64_MAX, iso, sizeof(iso));
    CHECK_STR_EQ(iso, "9999-12-31T23:59:59Z");
}


static void
test_audit_ids_and_scratch(void)
{
    char                      ids_buf[ELAAOMS_SEARCH_AUDIT_IDS_MAX];
    void                     *scratch;
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   a, b;

    maria();

    sr = request("anything");
    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &a), 0);

    CHECK_INT_EQ(elaaoms_search_audit_ids(ids_buf, sizeof(ids_buf), recs, &a),
                 strlen("m_email,m_refund"));
    CHECK(strcmp(ids_buf, "m_email,m_refund") == 0
          || strcmp(ids_buf, "m_refund,m_email") == 0);
    CHECK_INT_EQ(elaaoms_search_audit_ids(ids_buf, 8, recs, &a), 0);
    CHECK_STR_EQ(ids_buf, "");

    /* a caller's scratch gives the same answer, and can be reused */
    scratch = malloc(elaaoms_search_rank_scratch_size(nrecs));
    CHECK(scratch != NULL);

    for (i = 0; i < 2; i++) {
        CHECK_INT_EQ(elaaoms_search_rank(&sr, sr.agent_id,
                                         ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD,
                                         recs, nrecs, scratch, &b), 0);
        CHECK_INT_EQ(b.count, a.count);
        CHECK(memcmp(a.index, b.index, a.count * sizeof(uint32_t)) == 0);
        CHECK(memcmp(a.relevance, b.relevance, a.count * sizeof(float)) == 0);
    }

    free(scratch);

    CHECK(elaaoms_search_rank_scratch_size(0) > 0);
    CHECK(elaaoms_search_rank_scratch_size(1000)
          < 1000 * (sizeof(elaaoms_memory_record_t) + 256));

    /* no stored vector or another model's: the text is embedded instead;
       m_vip (none) and m_5pm (another model) score as if embedded */
    sr = request("when is she available?");
    sr.search_all_agents = 1;
    CHECK_INT_EQ(rank(&sr, &a), 0);
    CHECK_INT_EQ(pos(&a, "m_5pm"), 0);
}


/*
 * Records embedded by OpenAI (the worker's embedder openai): nginx never
 * calls OpenAI and cannot embed the query in that space, so such a
 * record scores exactly as one without a vector (its text embedded
 * offline on the fly) and as the offline vector would, up to packing.
 */
static void
test_foreign_model(void)
{
    int                       mode;
    size_t                    q, i, j;
    float                     rel[3][16][MAX_RECS];
    size_t                    n;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    static const char        *questions[] = {
        "what was her order number?", "how does she want to be contacted?",
        "where does she live?", "is she a VIP?", "when is she available?",
        "who else handles the account?", "was she upset?"
    };
    static const int          modes[3] = { 0, 1, 3 };

    n = 0;
    memset(rel, 0, sizeof(rel));

    for (mode = 0; mode < 3; mode++) {
        vec_override = modes[mode];
        maria();
        vec_override = -1;
        n = nrecs;

        if (mode == 2) {
            for (i = 0; i < nrecs; i++) {
                CHECK_INT_EQ(recs[i].dim, OPENAI_DIM);
                CHECK_STR_EQ(recs[i].embed_model.data, OPENAI_MODEL);
            }
        }

        for (q = 0; q < sizeof(questions) / sizeof(questions[0]); q++) {
            sr = request(questions[q]);
            sr.search_all_agents = 1;
            sr.threshold = 0;
            sr.limit = 100;
            CHECK_INT_EQ(rank(&sr, &res), 0);
            CHECK_INT_EQ(res.count, n);

            for (j = 0; j < res.count; j++) {
                rel[mode][q][res.index[j]] = res.relevance[j];
            }
        }
    }

    for (q = 0; q < sizeof(questions) / sizeof(questions[0]); q++) {
        for (i = 0; i < n; i++) {
            /* OpenAI's vector ignored: exactly the no-vector score */
            CHECK(rel[2][q][i] == rel[0][q][i]);
            /* and the offline vector's, but for q8 packing */
            CHECK(fabsf(rel[2][q][i] - rel[1][q][i]) < 0.01f);
        }
    }

    /* the default threshold still finds the answers */
    vec_override = 3;
    maria();
    vec_override = -1;
    sr = request("what was my last order number?");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK(pos(&res, "m_order") == 0 || pos(&res, "m_refund") == 0);
}


/*
 * Records with a provider's vector and the offline one beside it (the
 * worker's "embedder openai"): without the question's provider vector
 * they score exactly as offline records (the stored offline vector, no
 * re-embedding); with it, a paraphrase the offline tables do not relate
 * is found by the provider's cosine, unrelated records stay out, and a
 * vector of another model or dimension changes nothing.
 */
static void
test_provider_vectors(void)
{
    size_t                    i, q;
    float                     off[MAX_RECS], qv[PROV_DIM];
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;
    static const spec_t       specs[] = {
        { "p_code", "agent_support", "conv_a",
          "The caller said they need PO-88412 on every invoice", 0, 6, T0,
          0, NULL, 4 },
        { "p_dog", "agent_support", "conv_a", "Has a dog named Rex", 0, 5,
          T0, 0, NULL, 4 },
        { "p_email", "agent_support", "conv_b",
          "Prefers email over phone calls", 1, 6, T0, 0, NULL, 4 },
        { "p_router", "agent_support", "conv_b",
          "Their RX-200 router drops the connection every evening", 2, 7,
          T0, 0, NULL, 4 },
        { "o_austin", "agent_support", "conv_c", "Lives in Austin, Texas",
          0, 5, T0, 0, NULL, 1 },
    };
    static const char        *paraphrase = "how is the paperwork to be "
                                           "labelled";

    reset();
    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        add(&specs[i]);
    }

    CHECK_INT_EQ(recs[0].offline_dim, ELAAOMS_EMBED_DIM);

    /* offline: the same scores as offline-model records (mode 1) */
    for (q = 0; q < 2; q++) {
        sr = request(q ? "where does she live?" : "does she have a dog?");
        sr.threshold = 0;
        sr.limit = 100;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        for (i = 0; i < res.count; i++) {
            off[res.index[i]] = res.relevance[i];
        }

        vec_override = 1;
        reset();
        for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
            add(&specs[i]);
        }
        vec_override = -1;
        CHECK_INT_EQ(rank(&sr, &res), 0);
        for (i = 0; i < res.count; i++) {
            CHECK(res.relevance[i] == off[res.index[i]]);
        }

        reset();
        for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
            add(&specs[i]);
        }
    }

    /* the premise: offline, the paraphrase misses the billing code */
    sr = request(paraphrase);
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);

    /* the provider puts the question next to the memory */
    for (i = 0; i < PROV_DIM; i++) {
        qv[i] = prov[0][i] * 0.9f + prov[1][i] * 0.1f;
    }
    sr.qvec_model = PROV_MODEL;
    sr.qvec_dim = PROV_DIM;
    sr.qvec = qv;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    show("provider vector", &res);
    CHECK_INT_EQ(pos(&res, "p_code"), 0);
    CHECK(res.count >= 1 && res.relevance[0] >= 0.7f);
    CHECK(pos(&res, "p_email") != 0);
    CHECK_INT_EQ(pos(&res, "p_router"), -1);
    CHECK_INT_EQ(pos(&res, "o_austin"), -1);

    /* another model's or dimension's question vector: offline again */
    sr.qvec_model = "another-model";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);
    sr.qvec_model = PROV_MODEL;
    sr.qvec_dim = PROV_DIM - 1;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(pos(&res, "p_code"), -1);

    /* the stand-in: the floor is 0, a perfect match 1 */
    CHECK(elaaoms_relevance_provider_cos(ELAAOMS_RELEVANCE_PROVIDER_FLOOR)
          == 0);
    CHECK(elaaoms_relevance_provider_cos(-0.5f) == 0);
    CHECK(elaaoms_relevance_provider_cos(1.0f) == 1);
    CHECK(elaaoms_relevance_provider_cos(0.6f) > 0.49f
          && elaaoms_relevance_provider_cos(0.6f) < 0.51f);
}


/*
 * A memory belongs to every agent that created or reinforced it: support
 * learnt the order and the name, billing's call repeated them (billing is
 * now their latest agent); an identity fact reaches every agent, a
 * shareable one too, the rest stays with its agents.
 */
static void
test_agent_sets(void)
{
    size_t                    i;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    static const char *const  support[] = { "agent_support", NULL };
    static const char *const  support_sales[] = {
        "agent_support", "agent_sales", NULL
    };
    static const spec_t       specs[] = {
        { "a_order", "agent_billing", "conv_2",
          "Order number XYZ-789 is the caller's latest order", 0, 7,
          T0 - DAY, 0, NULL, 1 },
        { "a_name", "agent_billing", "conv_2",
          "Caller's name is Maria Lopez", 0, 4, T0 - 2 * DAY,
          ELAAOMS_MEMORY_F_IDENTITY, NULL, 1 },
        { "a_plan", "agent_sales", "conv_3",
          "Interested in the budget plan", 1, 5, T0 - 3 * DAY, 0, NULL, 1 },
        { "a_allergy", "agent_sales", "conv_3", "Has a peanut allergy", 0, 8,
          T0 - 3 * DAY, 0, NULL, 1 },
        { "a_paper", "agent_billing", "conv_2",
          "Asked for paper invoices by mail", 1, 5, T0 - DAY, 0, NULL, 1 },
        /* the name again, as another memory without the flag: private */
        { "a_name2", "agent_billing", "conv_2",
          "Her full name is Maria Lopez Garcia", 0, 4, T0 - DAY, 0, NULL, 1 },
    };

    reset();
    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        add_prior = i == 0 ? support : i == 1 ? support_sales : NULL;
        add(&specs[i]);
    }
    add_prior = NULL;

    /* support: the order and the name are its own too, not audited */
    sr = request("what was my order number");
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK(res.count >= 1);
    CHECK_INT_EQ(pos(&res, "a_order"), 0);
    CHECK(!is_foreign(&res, "a_order"));

    sr.threshold = 0;
    sr.limit = 100;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);   /* a_order, a_name, a_allergy */
    CHECK(pos(&res, "a_name") >= 0);
    CHECK(pos(&res, "a_allergy") >= 0);
    CHECK(pos(&res, "a_plan") < 0);
    CHECK(pos(&res, "a_paper") < 0);
    CHECK(pos(&res, "a_name2") < 0);
    CHECK_INT_EQ(res.nforeign, 1);
    CHECK(is_foreign(&res, "a_allergy"));

    /* billing: its own three, the name, the shared allergy */
    sr.agent_id = "agent_billing";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 5);
    CHECK(pos(&res, "a_plan") < 0);
    CHECK_INT_EQ(res.nforeign, 1);

    /* sales: the name through its prior agents, its own two */
    sr.agent_id = "agent_sales";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 3);
    CHECK(pos(&res, "a_name") >= 0 && !is_foreign(&res, "a_name"));
    CHECK(pos(&res, "a_order") < 0);
    CHECK_INT_EQ(res.nforeign, 0);

    /* an agent that never spoke with the caller: identity and shared */
    sr.agent_id = "agent_returns";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
    CHECK(pos(&res, "a_name") >= 0 && is_foreign(&res, "a_name"));
    CHECK(pos(&res, "a_allergy") >= 0 && is_foreign(&res, "a_allergy"));

    /* no agent: the same two */
    sr.agent_id = NULL;
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
    CHECK_INT_EQ(res.nforeign, 2);

    /* a prefix of an agent id is not that agent */
    sr.agent_id = "agent_sup";
    CHECK_INT_EQ(rank(&sr, &res), 0);
    CHECK_INT_EQ(res.visible, 2);
}


int
main(void)
{
    verbose = getenv("ELAAOMS_SEARCH_VERBOSE") != NULL;

    test_natural_questions();
    test_visibility();
    test_agent_sets();
    test_threshold();
    test_ranking_ties();
    test_superseded();
    test_filters();
    test_empty_and_json();
    test_text_edges();
    test_audit_ids_and_scratch();
    test_foreign_model();
    test_provider_vectors();

    return UNIT_DONE("search_rank");
}
