/*
 * search-memory's cost per request for a caller with 1,000 memories, as
 * the nginx module pays it after its HGETALL: decode the records as views,
 * rank them (lib/search/search_rank.c: visibility, relevance, filters, threshold,
 * sort, limit) and write the JSON answer; four times: records with the
 * offline embedder's vectors; records embedded by OpenAI (the worker's
 * "embedder openai": text-embedding-3-small, 1,536 dimensions) as the
 * first release stored them, whose text is embedded offline on the fly;
 * the same with the offline vector kept beside OpenAI's, scored offline
 * (no question vector: the provider failed or was slow); and scored with
 * the question's OpenAI vector (ngx_http_elaaoms_embed.c).
 * Not part of "make test"; from the repository root:
 *
 *   make bench && build/bench/search_rank_bench
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#include "search/embed.h"
#include "store/memory_record.h"
#include "search/relevance.h"
#include "search/search_index.h"
#include "search/search_rank.h"

#define NRECS    1000
#define ROUNDS   300
#define REC_BUF  2048

#define OPENAI_MODEL  "text-embedding-3-small"
#define OPENAI_DIM    1536

static const char  *templates[] = {
    "Order XYZ-%d is delayed",
    "Prefers email over phone calls after %dpm",
    "Was charged twice for order %d and wants a refund",
    "Daughter handles the account since %d",
    "Calls every week to check on shipment %d",
    "Lives at %d Elm Street in Austin, Texas",
    "Was frustrated about the late delivery of package %d",
    "Is a VIP customer since %d",
    "Ticket number TK-%d is open for the internet outage",
    "Books a table for four every Friday at %d"
};

static const char  *queries[] = {
    "what was my last order number?",
    "how does she want to be contacted?",
    "is there a problem with her delivery?",
    "who manages the account?"
};

static const char  *agents[] = { "agent_support", "agent_sales",
                                 "agent_billing" };


static double
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static unsigned char            blobs[NRECS][REC_BUF + ELAAOMS_EMBED_DIM + 32];
static size_t                   lens[NRECS];
static elaaoms_memory_record_t  recs[NRECS];
static size_t                   visible;
/* the question's provider vector, or NULL */
static const float             *qvec;
static float                    qvec_openai[OPENAI_DIM];


static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


/*
 * ns per request of decode + rank + JSON: the median of `rounds`
 * requests (the machine may be busy: the mean would measure that too);
 * *decode_ns gets the median of the decoding part
 */
static double
run(double threshold, int limit, int rounds, void *scratch, double *decode_ns,
    size_t *answered, size_t *bytes)
{
    int                       r;
    size_t                    i, len;
    double                    t0, t1;
    static double             total[ROUNDS], dec[ROUNDS];
    yajl_gen                  g;
    const unsigned char      *out;
    elaaoms_search_request_t  sr;
    elaaoms_search_result_t   res;

    for (r = 0; r < rounds; r++) {
        t0 = now_ns();
        t1 = t0;

        for (i = 0; i < NRECS; i++) {
            if (elaaoms_memory_record_decode_view(blobs[i], lens[i], &recs[i],
                                                  NULL)
                != 0)
            {
                fprintf(stderr, "decode failed\n");
                exit(1);
            }
        }

        dec[r] = now_ns() - t1;

        elaaoms_search_request_init(&sr);
        sr.query = queries[r % 4];
        sr.agent_id = "agent_support";
        sr.threshold = threshold;
        sr.limit = limit;
        sr.qvec = qvec;
        sr.qvec_model = OPENAI_MODEL;
        sr.qvec_dim = OPENAI_DIM;

        if (elaaoms_search_rank(&sr, sr.agent_id,
                                ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD, recs,
                                NRECS, scratch, &res)
            != 0)
        {
            fprintf(stderr, "rank failed\n");
            exit(1);
        }

        g = yajl_gen_alloc(NULL);
        if (g == NULL
            || elaaoms_search_gen(g, &sr, recs, &res,
                                  "0123456789abcdef0123456789abcdef", 32)
               != 0
            || yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok)
        {
            fprintf(stderr, "gen failed\n");
            exit(1);
        }

        *answered = res.count;
        *bytes = len;
        visible = res.visible;
        yajl_gen_free(g);

        total[r] = now_ns() - t0;
    }

    qsort(total, rounds, sizeof(double), cmp_double);
    qsort(dec, rounds, sizeof(double), cmp_double);
    *decode_ns = dec[rounds / 2];

    return total[rounds / 2];
}


/*
 * The same requests scored from the caller's search index (what nginx's
 * search cache holds): ns per request, the median of rounds; *build_ns
 * gets the time to build the index once
 */
static double
run_index(double threshold, int limit, int rounds, double *build_ns,
    size_t *answered)
{
    int                             r;
    size_t                          i, len;
    double                          t0;
    void                           *scratch;
    unsigned char                  *blob;
    elaaoms_mstr_t                  raw[NRECS];
    static double                   total[ROUNDS];
    yajl_gen                        g;
    const unsigned char            *out;
    elaaoms_search_request_t        sr;
    elaaoms_search_result_t         res;
    const elaaoms_memory_record_t  *views;

    for (i = 0; i < NRECS; i++) {
        if (elaaoms_memory_record_decode_view(blobs[i], lens[i], &recs[i],
                                              NULL)
            != 0)
        {
            exit(1);
        }
        raw[i].data = (const char *) blobs[i];
        raw[i].len = lens[i];
    }

    t0 = now_ns();
    if (elaaoms_search_index_build(recs, raw, NRECS, &blob, &len) != 0) {
        fprintf(stderr, "index build failed\n");
        exit(1);
    }
    *build_ns = now_ns() - t0;

    scratch = malloc(elaaoms_search_index_scratch_size(blob));
    if (scratch == NULL) {
        exit(1);
    }

    for (r = 0; r < rounds; r++) {
        t0 = now_ns();

        elaaoms_search_request_init(&sr);
        sr.query = queries[r % 4];
        sr.agent_id = "agent_support";
        sr.threshold = threshold;
        sr.limit = limit;

        if (elaaoms_search_index_rank(blob, &sr, sr.agent_id,
                                      ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD,
                                      scratch, &views, &res)
            != 0)
        {
            fprintf(stderr, "index rank failed\n");
            exit(1);
        }

        g = yajl_gen_alloc(NULL);
        if (g == NULL
            || elaaoms_search_gen(g, &sr, views, &res,
                                  "0123456789abcdef0123456789abcdef", 32)
               != 0
            || yajl_gen_get_buf(g, &out, &len) != yajl_gen_status_ok)
        {
            exit(1);
        }

        *answered = res.count;
        yajl_gen_free(g);

        total[r] = now_ns() - t0;
    }

    free(scratch);
    free(blob);

    qsort(total, rounds, sizeof(double), cmp_double);

    return total[rounds / 2];
}


/*
 * encodes the 1,000 records, with vectors of the offline model (openai 0)
 * or OpenAI's (1), with the offline one beside (2)
 */
static size_t
build(int openai)
{
    char                      text[128], id[32], conv[32];
    long                      n;
    size_t                    i, j, total;
    float                     v[ELAAOMS_EMBED_DIM];
    unsigned char             q8[OPENAI_DIM], off[ELAAOMS_EMBED_DIM];
    elaaoms_memory_record_t   r;

    total = 0;

    for (i = 0; i < NRECS; i++) {
        snprintf(text, sizeof(text),
                 templates[i % (sizeof(templates) / sizeof(templates[0]))],
                 (int) (1000 + i * 7));
        snprintf(id, sizeof(id), "%08zx%012zx", 0x69000000 + i, i);
        snprintf(conv, sizeof(conv), "conv_%04zu", i / 4);

        memset(&r, 0, sizeof(r));
        r.id = elaaoms_mstr(id);
        r.org = elaaoms_mstr("acme");
        r.caller = elaaoms_mstr("+14155550123");
        r.conversation_id = elaaoms_mstr(conv);
        r.agent_id = elaaoms_mstr(agents[i % 3]);
        r.content = elaaoms_mstr(text);
        r.source_quote = elaaoms_mstr("");
        r.embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
        r.type = (elaaoms_mem_type_e) (i % ELAAOMS_MEM_NTYPES);
        r.importance = 1 + (int) (i % 10);
        r.flags = (i % 17 == 0) ? ELAAOMS_MEMORY_F_SUPERSEDED : 0;
        r.created = 1700000000 + (int64_t) i * 3600;
        r.last_reinforced = r.created;
        r.confidence = 0.9f;

        if (openai) {
            /* the bytes do not matter: nginx must not use them */
            for (j = 0; j < OPENAI_DIM; j++) {
                q8[j] = (unsigned char) (j * 31 + i);
            }
            r.embed_model = elaaoms_mstr(OPENAI_MODEL);
            r.dim = OPENAI_DIM;

            if (openai == 2) {
                elaaoms_embed_text(text, strlen(text), v);
                elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, off);
                r.offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
                r.offline_dim = ELAAOMS_EMBED_DIM;
                r.offline_q8 = off;
            }

        } else {
            elaaoms_embed_text(text, strlen(text), v);
            elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8);
            r.dim = ELAAOMS_EMBED_DIM;
        }

        r.vec_q8 = q8;

        n = elaaoms_memory_record_encode(&r, blobs[i], sizeof(blobs[i]));
        if (n <= 0) {
            fprintf(stderr, "encode failed\n");
            exit(1);
        }

        lens[i] = (size_t) n;
        total += (size_t) n;
    }

    return total;
}


int
main(void)
{
    int      mode, openai;
    size_t   j;
    void    *scratch;
    size_t   answered, bytes, total;
    double   ns, dec;

    scratch = malloc(elaaoms_search_rank_scratch_size(NRECS));
    if (scratch == NULL) {
        return 1;
    }

    printf("scratch: %zu bytes for %d records\n",
           elaaoms_search_rank_scratch_size(NRECS), NRECS);

    for (j = 0; j < OPENAI_DIM; j++) {
        qvec_openai[j] = (float) ((int) (j * 37 % 255) - 127) / 127.0f;
    }

    for (mode = 0; mode < 4; mode++) {
        static const char  *what[] = {
            "records with the offline embedder's vectors",
            "records embedded by OpenAI (" OPENAI_MODEL ", 1536 dims) "
            "alone: text embedded offline on the fly",
            "records embedded by OpenAI, the offline vector beside: "
            "no question vector (offline scores)",
            "records embedded by OpenAI, the offline vector beside: "
            "the question's OpenAI vector"
        };

        openai = mode < 3 ? mode : 2;
        qvec = mode == 3 ? qvec_openai : NULL;
        total = build(openai);

        printf("\n%s\n%d records, %zu bytes encoded (the HGETALL reply's "
               "values)\n", what[mode], NRECS, total);

        run(-1, 5, 10, scratch, &dec, &answered, &bytes);   /* warm up */

        ns = run(-1, 5, ROUNDS, scratch, &dec, &answered, &bytes);
        printf("median of %d requests of agent_support (it may see %zu of "
               "the %d)\n", ROUNDS, visible, NRECS);
        printf("default threshold, limit 5:  %.0f us per request "
               "(decode %.0f us), %zu results, %zu bytes of JSON\n",
               ns / 1e3, dec / 1e3, answered, bytes);

        ns = run(0, 100, ROUNDS, scratch, &dec, &answered, &bytes);
        printf("threshold 0, limit 100:      %.0f us per request "
               "(decode %.0f us), %zu results, %zu bytes of JSON\n",
               ns / 1e3, dec / 1e3, answered, bytes);

        ns = run(-1, 5, ROUNDS, NULL, &dec, &answered, &bytes);
        printf("default, scratch allocated inside: %.0f us per request\n",
               ns / 1e3);

        if (mode == 0) {
            ns = run_index(-1, 5, ROUNDS, &dec, &answered);
            printf("from the search index (built once in %.0f us): "
                   "%.1f us per request, %zu results\n", dec / 1e3,
                   ns / 1e3, answered);
            ns = run_index(0, 100, ROUNDS, &dec, &answered);
            printf("from the search index, threshold 0, limit 100: "
                   "%.1f us per request, %zu results\n", ns / 1e3,
                   answered);
        }
    }

    free(scratch);

    return 0;
}
