/*
 * Relevance cost per candidate, for the nginx module's search over up to
 * 1,000 memories per caller.  Not part of "make test"; from the
 * repository root:
 *
 *   make bench && build/bench/relevance_bench
 *
 * Prints ns per candidate with float vectors, packed (int8) vectors and
 * vectors embedded on the fly, and ns per embedded text.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/embed.h"
#include "search/relevance.h"

#define NCANDS   1000
#define ROUNDS   200

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


static double
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static double
run(const elaaoms_relevance_cand_t *cands, size_t n, void *scratch,
    float *scores, int rounds)
{
    int     r;
    double  t0;

    t0 = now_ns();

    for (r = 0; r < rounds; r++) {
        const char  *q = queries[r % 4];

        if (elaaoms_relevance_score(q, strlen(q), cands, n, scratch, scores,
                                    NULL) != 0)
        {
            fprintf(stderr, "relevance failed\n");
            exit(1);
        }
    }

    return (now_ns() - t0) / ((double) rounds * n);
}


int
main(void)
{
    size_t                     i;
    double                     t0, ns;
    static char                texts[NCANDS][96];
    static float               vecs[NCANDS][ELAAOMS_EMBED_DIM];
    static unsigned char       packed[NCANDS][ELAAOMS_EMBED_DIM];
    static float               scores[NCANDS];
    static elaaoms_relevance_cand_t  cands[NCANDS];
    void                      *scratch;

    t0 = now_ns();

    for (i = 0; i < NCANDS; i++) {
        snprintf(texts[i], sizeof(texts[i]),
                 templates[i % (sizeof(templates) / sizeof(templates[0]))],
                 (int) (1000 + i * 7));
        elaaoms_embed_text(texts[i], strlen(texts[i]), vecs[i]);
        elaaoms_vec_pack_q8(vecs[i], ELAAOMS_EMBED_DIM, packed[i]);
    }

    ns = (now_ns() - t0) / NCANDS;
    printf("embed + pack: %.0f ns per memory text\n", ns);

    scratch = malloc(elaaoms_relevance_scratch_size(NCANDS));
    if (scratch == NULL) {
        return 1;
    }

    for (i = 0; i < NCANDS; i++) {
        cands[i].text = texts[i];
        cands[i].len = strlen(texts[i]);
        cands[i].vec = vecs[i];
        cands[i].vec_q8 = NULL;
    }

    run(cands, NCANDS, scratch, scores, 10);   /* warm up */
    ns = run(cands, NCANDS, scratch, scores, ROUNDS);
    printf("relevance, float vectors:  %.0f ns per candidate "
           "(%.2f ms per 1,000)\n", ns, ns * NCANDS / 1e6);

    for (i = 0; i < NCANDS; i++) {
        cands[i].vec = NULL;
        cands[i].vec_q8 = packed[i];
    }

    ns = run(cands, NCANDS, scratch, scores, ROUNDS);
    printf("relevance, packed vectors: %.0f ns per candidate "
           "(%.2f ms per 1,000)\n", ns, ns * NCANDS / 1e6);

    for (i = 0; i < NCANDS; i++) {
        cands[i].vec_q8 = NULL;
    }

    ns = run(cands, NCANDS, scratch, scores, ROUNDS / 10);
    printf("relevance, no vectors:     %.0f ns per candidate "
           "(%.2f ms per 1,000)\n", ns, ns * NCANDS / 1e6);

    ns = run(cands, NCANDS, NULL, scores, ROUNDS / 10);
    printf("  (same, scratch allocated inside: %.0f ns per candidate)\n", ns);

    free(scratch);

    return 0;
}
