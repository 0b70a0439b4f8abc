#include <math.h>
#include <stdlib.h>

#include "unit.h"
#include "search/embed.h"

#define DIM  ELAAOMS_EMBED_DIM


static float
cos_of(const char *a, const char *b)
{
    float  va[DIM], vb[DIM];

    elaaoms_embed_text(a, strlen(a), va);
    elaaoms_embed_text(b, strlen(b), vb);

    return elaaoms_cosine(va, vb, DIM);
}


static double
norm(const float *v)
{
    size_t  i;
    double  s = 0;

    for (i = 0; i < DIM; i++) {
        s += (double) v[i] * v[i];
    }

    return sqrt(s);
}


static void
test_basics(void)
{
    size_t       i, zero;
    float        a[DIM], b[DIM];
    uint32_t     h;
    const char  *t = "Order XYZ-789 is delayed";

    CHECK_INT_EQ(elaaoms_embed_dim(), DIM);
    CHECK_STR_EQ(elaaoms_embed_model(), ELAAOMS_EMBED_MODEL);

    elaaoms_embed_text(t, strlen(t), a);
    elaaoms_embed_text(t, strlen(t), b);
    CHECK(memcmp(a, b, sizeof(a)) == 0);
    CHECK(fabs(norm(a) - 1) < 1e-5);

    /*
     * the model's fingerprint: stored vectors stay comparable only while
     * this holds.  When it fails you changed the model: bump
     * ELAAOMS_EMBED_MODEL, then update the constant.
     */
    h = 2166136261u;
    for (i = 0; i < DIM; i++) {
        h = (h ^ (uint32_t) (int32_t) lrintf(a[i] * 100)) * 16777619u;
    }
    printf("embed fingerprint 0x%08x\n", h);
    CHECK_INT_EQ(h, 0x95287f54u);

    /* case, punctuation and spacing do not matter */
    CHECK(cos_of(t, "ORDER  xyz 789 is DELAYED!!") > 0.999f);

    /* stopwords only: the zero vector, cosine 0 with anything */
    elaaoms_embed_text("what is it to them?", 19, b);
    for (zero = 0, i = 0; i < DIM; i++) {
        zero += b[i] == 0;
    }
    CHECK_INT_EQ(zero, DIM);
    CHECK(elaaoms_cosine(a, b, DIM) == 0);

    elaaoms_embed_text(NULL, 0, b);
    CHECK(norm(b) == 0);

    CHECK(fabsf(elaaoms_cosine(a, a, DIM) - 1) < 1e-5f);
}


static void
test_similarity(void)
{
    const char  *q = "how does she want to be contacted?";

    /* concepts carry questions to memories that share no word with them */
    CHECK(cos_of(q, "Prefers email over phone calls") > 0.2f);
    CHECK(cos_of(q, "Prefers email over phone calls")
          > cos_of(q, "Lives in Austin, Texas") + 0.15f);

    CHECK(cos_of("what was my last order number?", "Order XYZ-789 is delayed")
          > cos_of("what was my last order number?",
                   "Daughter Sofia handles the account") + 0.15f);

    /* stems: plural and tense variants meet */
    CHECK(cos_of("deliveries were delayed", "delivery delays") > 0.9f);

    /* unrelated memories stay near zero */
    CHECK(fabsf(cos_of("allergic to peanuts", "router model X200")) < 0.15f);
}


/* the error of the int8 packing, measured over the fixture's texts */
static void
test_q8(void)
{
    int            n;
    char           line[1024], *p, *texts[256];
    FILE          *fp;
    float          f[DIM], g[DIM], u[DIM], ug[DIM], d, maxd, maxd2, c;
    size_t         i, j;
    unsigned char  q[ELAAOMS_VEC_Q8_SIZE(DIM)], qg[ELAAOMS_VEC_Q8_SIZE(DIM)];
    elaaoms_vec_q16_t  g16;

    /* a zero vector packs and unpacks to zeros */
    memset(f, 0, sizeof(f));
    elaaoms_vec_pack_q8(f, DIM, q);
    for (i = 0; i < DIM; i++) {
        CHECK(q[i] == 0);
    }
    elaaoms_vec_unpack_q8(q, DIM, u);
    CHECK(norm(u) == 0);
    CHECK(elaaoms_cosine_q8(f, q, DIM) == 0);

    /* every question and memory text of the relevance fixture */
    fp = fopen("t/fixtures/relevance/labelled.tsv", "r");
    CHECK(fp != NULL);
    if (fp == NULL) {
        return;
    }

    n = 0;
    while (n < 256 && fgets(line, sizeof(line), fp)) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        p = strrchr(line, '\t');
        if (p) {
            texts[n++] = strdup(p + 1);
        }
    }
    fclose(fp);
    CHECK(n > 50);

    maxd = maxd2 = 0;
    memset(&g16, 0, sizeof(g16));

    for (i = 0; i < (size_t) n; i++) {
        elaaoms_embed_text(texts[i], strlen(texts[i]), f);
        elaaoms_vec_pack_q8(f, DIM, q);
        elaaoms_vec_unpack_q8(q, DIM, u);
        CHECK(fabs(norm(u) - 1) < 1e-5);

        for (j = 0; j < (size_t) n; j += 3) {
            elaaoms_embed_text(texts[j], strlen(texts[j]), g);
            c = elaaoms_cosine(g, f, DIM);

            /* a float query against a stored (packed) memory */
            d = fabsf(c - elaaoms_cosine_q8(g, q, DIM));
            maxd = d > maxd ? d : maxd;
            CHECK(fabsf(elaaoms_cosine(g, u, DIM)
                        - elaaoms_cosine_q8(g, q, DIM)) < 1e-4f);

            /* the search's form: the query in int16, integer products */
            elaaoms_vec_q16_prepare(g, DIM, &g16);
            CHECK(fabsf(elaaoms_cosine_q8(g, q, DIM)
                        - elaaoms_cosine_q16_q8(&g16, q)) < 1e-4f);

            /* two stored vectors */
            elaaoms_vec_pack_q8(g, DIM, qg);
            elaaoms_vec_unpack_q8(qg, DIM, ug);
            d = fabsf(c - elaaoms_cosine(ug, u, DIM));
            maxd2 = d > maxd2 ? d : maxd2;
        }
    }

    printf("embed q8: largest cosine error %.5f (float vs packed), "
           "%.5f (packed vs packed) over %d texts\n", maxd, maxd2, n);
    CHECK(maxd < 0.01f);
    CHECK(maxd2 < 0.01f);

    for (i = 0; i < (size_t) n; i++) {
        free(texts[i]);
    }
}


int
main(void)
{
    test_basics();
    test_similarity();
    test_q8();

    return UNIT_DONE("embed");
}
