/*
 * search_index: the index answers exactly as elaaoms_search_rank() does
 * over the same records -- the same memories, in the same order, with
 * the same relevance to the bit, the same counts -- for every question
 * of the relevance fixtures, asked by several agents, with and without
 * search_all_agents, at several thresholds and with filters.  The
 * records are the fixtures' memories over four agents (one record of
 * three), with source quotes (two of three share theirs, as a turn's
 * memories do), conflicts, identity facts, unattributed
 * ones and every type; then the blob's own edges.
 *
 * ELAAOMS_SEARCH_VERBOSE=1 prints every mismatch.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "search/embed.h"
#include "search/search_index.h"
#include "search/search_rank.h"
#include "store/memory_record.h"

#define MAX_RECS   400
#define MAX_QS     400
#define REC_BUF    4096

#define CALLER     "+14155550123"
#define T0         1763380800

static char                     *texts[MAX_RECS];
static size_t                    ntexts;
static char                     *questions[MAX_QS];
static size_t                    nquestions;

static unsigned char             bufs[MAX_RECS][REC_BUF];
static unsigned char             q8[MAX_RECS][ELAAOMS_EMBED_DIM];
static unsigned char             pq8[MAX_RECS][64];
static char                      ids[MAX_RECS][32];
static elaaoms_memory_record_t   recs[MAX_RECS];
static elaaoms_mstr_t            raw[MAX_RECS];
static size_t                    nrecs;
static int                       verbose;

static const char  *agents[] = { "agent_support", "agent_sales",
                                 "agent_billing", "agent_onboarding", "" };


static void
load(const char *path)
{
    char   line[2048], *f[6], *p;
    int    k;
    FILE  *fp;

    fp = fopen(path, "r");
    if (fp == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }

    while (fgets(line, sizeof(line), fp) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != 'M' && line[0] != 'Q') {
            continue;
        }

        for (k = 0, p = line; k < 6 && p != NULL; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p) {
                *p++ = '\0';
            }
        }

        if (line[0] == 'M' && k >= 3 && ntexts < MAX_RECS) {
            texts[ntexts++] = strdup(f[2]);
        } else if (line[0] == 'Q' && k >= 4 && nquestions < MAX_QS) {
            questions[nquestions++] = strdup(f[3]);
        }
    }

    fclose(fp);
}


/* record i of the test caller, with varied attribution and flags */
static void
add(size_t i, const char *content, const char *quote)
{
    long                      len;
    float                     v[ELAAOMS_EMBED_DIM];
    size_t                    k;
    const char               *why;
    elaaoms_memory_record_t   r;

    memset(&r, 0, sizeof(r));
    snprintf(ids[i], sizeof(ids[i]), "mem_%04zu", i);
    r.id = elaaoms_mstr(ids[i]);
    r.org = elaaoms_mstr("acme");
    r.caller = elaaoms_mstr(CALLER);
    r.conversation_id = elaaoms_mstr(i % 4 ? "conv_a" : "conv_b");
    r.agent_id = elaaoms_mstr(agents[i % 5]);
    if (i % 3 == 0 && r.agent_id.len) {
        /* one that reinforced it before the latest */
        r.prior_agents[r.nprior_agents++] =
                                elaaoms_mstr(agents[(i % 5 + 1) % 4]);
    }
    r.content = elaaoms_mstr(content);
    r.source_quote = elaaoms_mstr(quote);
    r.type = (elaaoms_mem_type_e) (i % 5);
    r.importance = 1 + (int) (i * 7 % 10);
    r.flags = (i % 11 == 0) ? ELAAOMS_MEMORY_F_IDENTITY : 0;
    if (i % 13 == 5 && i > 0) {
        r.flags |= ELAAOMS_MEMORY_F_SUPERSEDED;
        r.nconflicts = 1;
        r.conflicts[0] = elaaoms_mstr(ids[i - 1]);
    }
    r.created = T0 - (int64_t) (i % 17) * 86400;
    r.last_reinforced = r.created;
    r.confidence = 0.9f;

    elaaoms_embed_text(content, strlen(content), v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8[i]);

    if (i % 9 == 4) {
        /* a provider's vector with the offline one beside it */
        for (k = 0; k < 64; k++) {
            pq8[i][k] = (unsigned char) (k * 31 + i);
        }
        r.dim = 64;
        r.vec_q8 = pq8[i];
        r.embed_model = elaaoms_mstr("fake-provider-64");
        r.offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
        r.offline_dim = ELAAOMS_EMBED_DIM;
        r.offline_q8 = q8[i];

    } else {
        r.dim = ELAAOMS_EMBED_DIM;
        r.vec_q8 = q8[i];
        r.embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    }

    len = elaaoms_memory_record_encode(&r, bufs[i], REC_BUF);
    if (len <= 0
        || elaaoms_memory_record_decode_view(bufs[i], (size_t) len, &recs[i],
                                             &why)
           != 0)
    {
        fprintf(stderr, "record %zu does not encode\n", i);
        exit(2);
    }

    raw[i].data = (const char *) bufs[i];
    raw[i].len = (size_t) len;
}


static void
build_caller(void)
{
    char    content[512];
    size_t  i, t;

    nrecs = 0;

    for (t = 0; t < ntexts && nrecs < MAX_RECS; t++) {
        /* two memories of every three share a turn: another memory's
           words as their quote */
        add(nrecs, texts[t],
            t % 3 ? texts[((t - t % 3) * 7 + 1) % ntexts] : "");
        nrecs++;
    }

    /* repeated words (saturating counts), long and short memories */
    for (i = 0; i < 40 && nrecs < MAX_RECS; i++) {
        snprintf(content, sizeof(content), "%s %s %s order order order %zu",
                 texts[i % ntexts], texts[(i * 5 + 1) % ntexts],
                 i % 2 ? "refund refund refund refund" : "email", i);
        add(nrecs, content, i % 4 ? "" : texts[(i + 3) % ntexts]);
        nrecs++;
    }
}


/* 1 when both results name the same memories in the same order with the
 * same relevance and counts */
static int
same(const char *q, const elaaoms_search_result_t *a,
    const elaaoms_search_result_t *b, const elaaoms_memory_record_t *views)
{
    size_t  i;

    if (a->total != b->total || a->visible != b->visible
        || a->matched != b->matched || a->count != b->count
        || a->nforeign != b->nforeign)
    {
        if (verbose) {
            printf("# \"%s\": visible %zu/%zu matched %zu/%zu count "
                   "%zu/%zu\n", q, a->visible, b->visible, a->matched,
                   b->matched, a->count, b->count);
        }
        return 0;
    }

    for (i = 0; i < a->count; i++) {
        if (!elaaoms_mstr_eq(recs[a->index[i]].id, views[b->index[i]].id)
            || a->relevance[i] != b->relevance[i])
        {
            if (verbose) {
                printf("# \"%s\" #%zu: %s %.9g vs %s %.9g\n", q, i,
                       recs[a->index[i]].id.data, a->relevance[i],
                       views[b->index[i]].id.data, b->relevance[i]);
            }
            return 0;
        }
    }

    for (i = 0; i < a->nforeign; i++) {
        if (!elaaoms_mstr_eq(recs[a->foreign[i]].id,
                             views[b->foreign[i]].id))
        {
            return 0;
        }
    }

    return 1;
}


static void
test_same_answers(void)
{
    int                             all, nt, type;
    void                           *scratch;
    size_t                          len, q, a, compared, differ, answers;
    unsigned char                  *blob;
    elaaoms_search_result_t         r1, r2;
    elaaoms_search_request_t        sr;
    const elaaoms_memory_record_t  *views;
    static const double             thresholds[] = { -1, 0.3, 0.0, 0.85 };

    build_caller();

    CHECK_INT_EQ(elaaoms_search_index_build(recs, raw, nrecs, &blob, &len),
                 0);
    CHECK_INT_EQ(elaaoms_search_index_check(blob, len), 0);
    CHECK_INT_EQ(elaaoms_search_index_count(blob), nrecs);
    CHECK(elaaoms_search_index_flags(blob) & ELAAOMS_SEARCH_INDEX_F_PROVIDER);

    scratch = malloc(elaaoms_search_index_scratch_size(blob));
    CHECK(scratch != NULL);

    compared = 0;
    differ = 0;
    answers = 0;

    for (q = 0; q < nquestions; q++) {
        for (a = 0; a < 6; a++) {
            for (all = 0; all < 2; all++) {
                for (nt = 0; nt < 4; nt++) {
                    memset(&sr, 0, sizeof(sr));
                    sr.query = questions[q];
                    sr.agent_id = a < 5 ? agents[a] : "not an id!";
                    sr.search_all_agents = all;
                    sr.threshold = thresholds[nt];
                    sr.limit = nt == 1 ? 100 : 5;
                    type = (int) ((q + a) % 7) - 1;
                    sr.type = nt == 3 && type < 5 ? type : -1;
                    sr.min_importance = nt == 2 ? 4 : 0;

                    if (elaaoms_search_rank(&sr, sr.agent_id, 0.7, recs,
                                            nrecs, NULL, &r1)
                        != 0
                        || elaaoms_search_index_rank(blob, &sr, sr.agent_id,
                                                     0.7, scratch, &views,
                                                     &r2)
                           != 0)
                    {
                        differ++;
                        continue;
                    }

                    compared++;
                    answers += r1.count;
                    differ += !same(questions[q], &r1, &r2, views);
                }
            }
        }
    }

    printf("# %zu searches compared over %zu records, %zu memories "
           "answered, %zu differ\n", compared, nrecs, answers, differ);

    CHECK(compared >= 8000);
    CHECK(answers > compared);       /* the questions find things */
    CHECK_INT_EQ(differ, 0);

    free(scratch);
    free(blob);
}


static void
test_edges(void)
{
    size_t                          len;
    void                           *scratch;
    unsigned char                  *blob;
    elaaoms_search_result_t         res;
    elaaoms_search_request_t        sr;
    const elaaoms_memory_record_t  *views;
    elaaoms_memory_record_t         saved;

    /* no records: a valid blob that answers nothing */
    CHECK_INT_EQ(elaaoms_search_index_build(recs, raw, 0, &blob, &len), 0);
    CHECK_INT_EQ(elaaoms_search_index_check(blob, len), 0);
    scratch = malloc(elaaoms_search_index_scratch_size(blob));
    memset(&sr, 0, sizeof(sr));
    sr.query = "what is her order number";
    sr.threshold = 0;
    sr.type = -1;
    CHECK_INT_EQ(elaaoms_search_index_rank(blob, &sr, "agent_support", 0.7,
                                           scratch, &views, &res), 0);
    CHECK_INT_EQ(res.count, 0);
    CHECK_INT_EQ(res.total, 0);

    /* a blob cut short, or of another layout, is refused */
    CHECK(elaaoms_search_index_check(blob, len - 8) != 0);
    blob[0] ^= 1;
    CHECK(elaaoms_search_index_check(blob, len) != 0);
    free(blob);
    free(scratch);

    /* a record without an offline vector: not indexed */
    build_caller();
    saved = recs[3];
    recs[3].dim = 0;
    recs[3].vec_q8 = NULL;
    recs[3].offline_q8 = NULL;
    recs[3].offline_dim = 0;
    CHECK_INT_EQ(elaaoms_search_index_build(recs, raw, nrecs, &blob, &len),
                 1);
    recs[3] = saved;

    /* records of the index decode as the originals */
    CHECK_INT_EQ(elaaoms_search_index_build(recs, raw, nrecs, &blob, &len),
                 0);
    CHECK_INT_EQ(elaaoms_search_index_record(blob, 7, &saved), 0);
    CHECK(elaaoms_mstr_eq(saved.id, recs[7].id));
    CHECK(elaaoms_mstr_eq(saved.content, recs[7].content));
    CHECK(elaaoms_search_index_record(blob, nrecs, &saved) != 0);
    free(blob);
}


int
main(void)
{
    verbose = getenv("ELAAOMS_SEARCH_VERBOSE") != NULL;

    load("t/fixtures/relevance/labelled.tsv");
    load("t/fixtures/relevance/heldout.tsv");
    load("t/fixtures/relevance/shapes.tsv");

    CHECK(ntexts >= 50);
    CHECK(nquestions >= 100);

    test_same_answers();
    test_edges();

    return UNIT_DONE("search_index");
}
