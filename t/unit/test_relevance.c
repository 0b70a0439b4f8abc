/*
 * Relevance scoring against the labelled fixtures: every question is scored
 * against its caller's whole memory set, then precision and recall of the
 * labelled pairs are printed at the default threshold and a few others.
 *
 *   labelled.tsv  the set the calibration was chosen on: asserts
 *                 precision >= 0.8 and recall >= 0.8 at 0.7
 *   heldout.tsv   written after tuning, never tuned on: printed, with a
 *                 looser floor
 *
 * ELAAOMS_RELEVANCE_VERBOSE=1 prints every pair with its cos / lex / raw.
 */

#include <math.h>
#include <stdlib.h>

#include "unit.h"
#include "search/embed.h"
#include "search/relevance.h"
#include "search/relevance_internal.h"
#include "search/tokenize.h"
#include "store/memory_types.h"

#define LABELLED      "t/fixtures/relevance/labelled.tsv"
#define HELDOUT       "t/fixtures/relevance/heldout.tsv"
#define MAX_CALLERS   16
#define MAX_MEMORIES  32
#define MAX_PAIRS     256
#define TEXT_MAX      256
#define THRESHOLD     ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD

typedef struct {
    char   name[32];
    char   memories[MAX_MEMORIES][TEXT_MAX];
    float  vecs[MAX_MEMORIES][ELAAOMS_EMBED_DIM];
    size_t n;
} caller_t;

typedef struct {
    int                        caller;
    int                        label;
    int                        memory;
    char                       question[TEXT_MAX];
    float                      score;
    elaaoms_relevance_parts_t  parts;
} pair_t;

typedef struct {
    const char  *path;
    caller_t     callers[MAX_CALLERS];
    size_t       ncallers;
    pair_t       pairs[MAX_PAIRS];
    size_t       npairs;
} fixture_t;

static fixture_t  labelled = { .path = LABELLED };
static fixture_t  heldout = { .path = HELDOUT };


static int
find_caller(fixture_t *fx, const char *name, int create)
{
    size_t  i;

    for (i = 0; i < fx->ncallers; i++) {
        if (strcmp(fx->callers[i].name, name) == 0) {
            return (int) i;
        }
    }

    if (!create || fx->ncallers == MAX_CALLERS) {
        return -1;
    }

    snprintf(fx->callers[fx->ncallers].name, sizeof(fx->callers[0].name),
             "%s", name);
    return (int) fx->ncallers++;
}


static int
find_memory(const caller_t *c, const char *text)
{
    size_t  i;

    for (i = 0; i < c->n; i++) {
        if (strcmp(c->memories[i], text) == 0) {
            return (int) i;
        }
    }

    return -1;
}


/* splits line at tabs into at most max fields; returns the count */
static int
split_tabs(char *line, char **fields, int max)
{
    int  n = 0;

    line[strcspn(line, "\r\n")] = '\0';

    while (n < max) {
        fields[n++] = line;
        line = strchr(line, '\t');
        if (line == NULL) {
            break;
        }
        *line++ = '\0';
    }

    return n;
}


static int
load_fixture(fixture_t *fx)
{
    int        c, nf;
    char       line[1024], *f[5];
    FILE      *fp;
    caller_t  *cl;
    pair_t    *p;

    fp = fopen(fx->path, "r");
    if (fp == NULL) {
        perror(fx->path);
        return -1;
    }

    while (fgets(line, sizeof(line), fp)) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }

        nf = split_tabs(line, f, 5);

        if (nf == 3 && strcmp(f[0], "M") == 0) {
            c = find_caller(fx, f[1], 1);
            if (c < 0 || fx->callers[c].n == MAX_MEMORIES) {
                goto bad;
            }
            cl = &fx->callers[c];
            snprintf(cl->memories[cl->n], TEXT_MAX, "%s", f[2]);
            elaaoms_embed_text(f[2], strlen(f[2]), cl->vecs[cl->n]);
            cl->n++;

        } else if (nf == 5 && strcmp(f[0], "Q") == 0
                   && fx->npairs < MAX_PAIRS)
        {
            p = &fx->pairs[fx->npairs];
            p->caller = find_caller(fx, f[1], 0);
            if (p->caller < 0) {
                goto bad;
            }
            p->label = atoi(f[2]);
            snprintf(p->question, TEXT_MAX, "%s", f[3]);
            p->memory = find_memory(&fx->callers[p->caller], f[4]);
            if (p->memory < 0) {
                goto bad;
            }
            fx->npairs++;

        } else {
            goto bad;
        }
    }

    fclose(fp);
    return 0;

bad:
    fprintf(stderr, "%s: bad line: %s\n", fx->path, f[0]);
    fclose(fp);
    return -1;
}


static void
score_pairs(fixture_t *fx)
{
    size_t                     i, k, m;
    float                      scores[MAX_MEMORIES];
    caller_t                  *cl;
    elaaoms_relevance_cand_t   cands[MAX_MEMORIES];
    elaaoms_relevance_parts_t  parts[MAX_MEMORIES];

    for (i = 0; i < fx->npairs; i++) {
        cl = &fx->callers[fx->pairs[i].caller];

        for (m = 0; m < cl->n; m++) {
            cands[m].text = cl->memories[m];
            cands[m].len = strlen(cl->memories[m]);
            cands[m].vec = cl->vecs[m];
            cands[m].vec_q8 = NULL;
            cands[m].quote = NULL;
            cands[m].quote_len = 0;
            cands[m].provider = 0;
            cands[m].type_concepts = 0;
            cands[m].sem_q8 = NULL;
        }

        CHECK_INT_EQ(elaaoms_relevance_score(fx->pairs[i].question,
                         strlen(fx->pairs[i].question), cands, cl->n, NULL,
                         scores, parts), 0);

        for (k = 0; k < cl->n; k++) {
            CHECK(scores[k] >= 0 && scores[k] <= 1);
        }

        fx->pairs[i].score = scores[fx->pairs[i].memory];
        fx->pairs[i].parts = parts[fx->pairs[i].memory];
    }
}


static void
precision_recall(const fixture_t *fx, double threshold, double *precision,
    double *recall, int print_misses)
{
    int            hit;
    size_t         i, tp, fp, fn;
    const pair_t  *p;

    tp = fp = fn = 0;

    for (i = 0; i < fx->npairs; i++) {
        p = &fx->pairs[i];
        hit = p->score >= threshold;

        tp += hit && p->label;
        fp += hit && !p->label;
        fn += !hit && p->label;

        if (print_misses && hit != p->label) {
            printf("    %s %.3f (cos %.3f lex %.3f raw %.3f) %s | %s\n",
                   hit ? "false positive" : "false negative", p->score,
                   p->parts.cos, p->parts.lex, p->parts.raw, p->question,
                   fx->callers[p->caller].memories[p->memory]);
        }
    }

    *precision = (tp + fp) ? (double) tp / (tp + fp) : 1;
    *recall = (tp + fn) ? (double) tp / (tp + fn) : 1;
}


/* loads, scores and prints; precision and recall at the default threshold */
static int
evaluate(fixture_t *fx, double *precision, double *recall)
{
    size_t         i, t, pos;
    double         p, r;
    const pair_t  *pr;
    static const double  thresholds[] = { 0.5, 0.6, 0.65, 0.7, 0.75, 0.8,
                                          0.9 };

    if (load_fixture(fx) != 0) {
        return -1;
    }

    score_pairs(fx);

    if (getenv("ELAAOMS_RELEVANCE_VERBOSE")) {
        for (i = 0; i < fx->npairs; i++) {
            pr = &fx->pairs[i];
            printf("%d %.3f cos %.3f lex %.3f raw %.3f  %s | %s\n",
                   pr->label, pr->score, pr->parts.cos, pr->parts.lex,
                   pr->parts.raw, pr->question,
                   fx->callers[pr->caller].memories[pr->memory]);
        }
    }

    for (pos = 0, i = 0; i < fx->npairs; i++) {
        pos += fx->pairs[i].label;
    }

    printf("%s: %zu pairs (%zu answers), %zu callers\n", fx->path,
           fx->npairs, pos, fx->ncallers);

    for (t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++) {
        precision_recall(fx, thresholds[t], &p, &r, 0);
        printf("  threshold %.2f: precision %.3f recall %.3f%s\n",
               thresholds[t], p, r,
               thresholds[t] == THRESHOLD ? "  (default)" : "");
    }

    printf("  misses at the default threshold:\n");
    precision_recall(fx, THRESHOLD, precision, recall, 1);

    return 0;
}


static const pair_t *
find_pair(const fixture_t *fx, const char *question, const char *memory)
{
    size_t  i;

    for (i = 0; i < fx->npairs; i++) {
        if (strcmp(fx->pairs[i].question, question) == 0
            && strcmp(fx->callers[fx->pairs[i].caller]
                          .memories[fx->pairs[i].memory], memory) == 0)
        {
            return &fx->pairs[i];
        }
    }

    return NULL;
}


static void
test_labelled(void)
{
    double         precision, recall;
    const pair_t  *p;

    if (evaluate(&labelled, &precision, &recall) != 0) {
        CHECK(0);
        return;
    }

    CHECK(labelled.npairs >= 60);
    /*
     * the default leans to recall (relevance.h: calibrated on the
     * recall benchmark's tuning half, at most 3 results a question);
     * precision on these single pairs was 0.83 with the older cut 0.20
     */
    CHECK(precision >= 0.72);
    CHECK(recall >= 0.8);

    /* the two pairs the product documents */

    p = find_pair(&labelled, "what was my last order number?",
                  "Order XYZ-789 is delayed");
    CHECK(p != NULL && p->score >= THRESHOLD);

    p = find_pair(&labelled, "how does she want to be contacted?",
                  "Prefers email over phone calls");
    CHECK(p != NULL && p->score >= THRESHOLD);

    /* clearly unrelated pairs stay well below */

    p = find_pair(&labelled, "what was my last order number?",
                  "Lives in Austin, Texas");
    CHECK(p != NULL && p->score < 0.3);

    p = find_pair(&labelled, "does she have pets?",
                  "Son Michael often calls on her behalf");
    CHECK(p != NULL && p->score < 0.3);

    p = find_pair(&labelled, "how is his mood?",
                  "Signed up for the 500 Mbps fiber plan in January");
    CHECK(p != NULL && p->score < 0.3);

    p = find_pair(&labelled, "how does she want to be contacted?",
                  "Is a VIP customer since 2019");
    CHECK(p != NULL && p->score < 0.3);
}


static void
test_heldout(void)
{
    double  precision, recall;

    if (evaluate(&heldout, &precision, &recall) != 0) {
        CHECK(0);
        return;
    }

    /* a floor against regressions, not a target to tune for */
    CHECK(precision >= 0.7);
    CHECK(recall >= 0.7);
}


/* packed vectors, a caller's scratch buffer and embedding on the fly all
 * give the scores of float vectors */
static void
test_vector_sources(void)
{
    size_t                    i, n;
    float                     a[MAX_MEMORIES], b[MAX_MEMORIES];
    float                     c[MAX_MEMORIES], d[MAX_MEMORIES];
    unsigned char             packed[MAX_MEMORIES][ELAAOMS_EMBED_DIM];
    caller_t                 *cl;
    elaaoms_relevance_cand_t  cands[MAX_MEMORIES];
    static long long          scratch[1024];   /* aligned */
    const char               *q = "how does she want to be contacted?";

    if (labelled.ncallers == 0) {
        CHECK(0);
        return;
    }

    cl = &labelled.callers[0];
    n = cl->n;
    CHECK(elaaoms_relevance_scratch_size(n) <= sizeof(scratch));

    for (i = 0; i < n; i++) {
        cands[i].text = cl->memories[i];
        cands[i].len = strlen(cl->memories[i]);
        cands[i].vec = cl->vecs[i];
        cands[i].vec_q8 = NULL;
        cands[i].quote = NULL;
        cands[i].quote_len = 0;
        cands[i].provider = 0;
        cands[i].type_concepts = 0;
        cands[i].sem_q8 = NULL;
        elaaoms_vec_pack_q8(cl->vecs[i], ELAAOMS_EMBED_DIM, packed[i]);
    }

    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, n, NULL, a,
                                         NULL), 0);
    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, n, scratch, b,
                                         NULL), 0);

    for (i = 0; i < n; i++) {
        cands[i].vec = NULL;
        cands[i].vec_q8 = packed[i];
    }
    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, n, scratch, c,
                                         NULL), 0);

    for (i = 0; i < n; i++) {
        cands[i].vec_q8 = NULL;
    }
    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, n, scratch, d,
                                         NULL), 0);

    for (i = 0; i < n; i++) {
        CHECK(a[i] == b[i]);
        CHECK(fabsf(a[i] - c[i]) < 0.02f);
        CHECK(fabsf(a[i] - d[i]) < 1e-6f);
    }
}


static void
test_edges(void)
{
    float                     s[2];
    elaaoms_relevance_cand_t  cands[2] = {
        { "Order XYZ-789 is delayed", 24, NULL, NULL, NULL, 0, 0, 0, 0, NULL },
        { "", 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL }
    };

    /* no candidates: nothing to do, nothing written */
    CHECK_INT_EQ(elaaoms_relevance_score("order", 5, cands, 0, NULL, s,
                                         NULL), 0);

    /* a query of stopwords and an empty memory match nothing */
    CHECK_INT_EQ(elaaoms_relevance_score("what is it?", 11, cands, 2, NULL,
                                         s, NULL), 0);
    /* under the server's floor (elaaoms_search_min_threshold, 0.3) */
    CHECK(s[0] < 0.3 && s[1] < 0.3);

    CHECK_INT_EQ(elaaoms_relevance_score("order number", 12, cands, 2, NULL,
                                         s, NULL), 0);
    CHECK(s[0] >= THRESHOLD);
    CHECK(s[1] < 0.3);

    /* the calibration: monotone, and the raw cut lands on 0.7 */
    CHECK(elaaoms_relevance_calibrate(0) < 0.3);
    CHECK(fabsf(elaaoms_relevance_calibrate(ELAAOMS_RELEVANCE_RAW_CUT)
                - (float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD) < 1e-4f);
    CHECK(elaaoms_relevance_calibrate(0.5f)
          > elaaoms_relevance_calibrate(0.4f));
    CHECK(elaaoms_relevance_calibrate(1) > 0.99);
}


/* "who ... with her": another person, not the caller's own name; "who
 * am I talking to" still asks for the name */
static void
test_who_else(void)
{
    float                     s[2];
    elaaoms_relevance_parts_t p[2];
    elaaoms_relevance_cand_t  cands[2] = {
        { "Caller's name is Augusta Treadwell.", 35, NULL, NULL, NULL, 0, 0,
          0, 0, NULL },
        { "The caller's husband Leopold broke his wrist.", 45, NULL, NULL,
          NULL, 0, 0, 0, 0, NULL }
    };
    const char               *other = "who is coming along with her";
    const char               *self = "who am I talking to";

    CHECK_INT_EQ(elaaoms_relevance_score(other, strlen(other), cands, 2,
                                         NULL, s, p), 0);
    CHECK(p[1].key > p[0].key);

    CHECK_INT_EQ(elaaoms_relevance_score(self, strlen(self), cands, 2, NULL,
                                         s, p), 0);
    CHECK(p[0].key > p[1].key);
}


/* the relevance of each of texts[0..n) to q, parts in p; with concepts,
 * each memory (a factual one) stands for those of its text ("goes by Lulu"
 * is a name) */
static void
score_with(const char *q, const char **texts, size_t n,
    elaaoms_relevance_parts_t *p, int concepts)
{
    size_t                    i;
    float                     s[8];
    elaaoms_relevance_cand_t  cands[8];

    CHECK(n <= 8);
    n = n < 8 ? n : 8;

    memset(cands, 0, sizeof(cands));
    for (i = 0; i < n; i++) {
        cands[i].text = texts[i];
        cands[i].len = strlen(texts[i]);
        if (concepts) {
            cands[i].type_concepts =
                elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 5, texts[i],
                                        cands[i].len);
        }
    }

    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, n, NULL, s, p),
                 0);
}


static void
score_texts(const char *q, const char **texts, size_t n,
    elaaoms_relevance_parts_t *p)
{
    score_with(q, texts, n, p, 0);
}


static void
score_facts(const char *q, const char **texts, size_t n,
    elaaoms_relevance_parts_t *p)
{
    score_with(q, texts, n, p, 1);
}


/* "did something happen to him": a memory whose type answers the question
 * (an issue: PROBLEM) fills its slot as a content word of that concept
 * would, more than a word of the quote does ("it was broken") */
static void
test_type_concept(void)
{
    float                      s[2];
    elaaoms_relevance_parts_t  p[2];
    elaaoms_relevance_cand_t   cands[2];
    const char                *q = "did something happen to him";

    memset(cands, 0, sizeof(cands));
    cands[0].text = "The caller's locker 37 at the gym.";
    cands[0].len = strlen(cands[0].text);
    cands[0].quote = "it was broken";
    cands[0].quote_len = strlen(cands[0].quote);
    cands[0].type_concepts = elaaoms_memory_concepts(ELAAOMS_MEM_FACTUAL, 5,
                                                     cands[0].text,
                                                     cands[0].len);
    cands[1].text = cands[0].text;
    cands[1].len = cands[0].len;
    cands[1].quote = "it was yellow";
    cands[1].quote_len = strlen(cands[1].quote);
    cands[1].type_concepts = elaaoms_memory_concepts(ELAAOMS_MEM_ISSUE, 5,
                                                     cands[1].text,
                                                     cands[1].len);

    CHECK_INT_EQ(elaaoms_relevance_score(q, strlen(q), cands, 2, NULL, s, p),
                 0);
    CHECK(p[0].lex > 0);
    CHECK(p[1].lex > p[0].lex);
}


/* "holding off on": the phrasal verb's senses ("wait"), not "hold"'s */
static void
test_phrasal(void)
{
    elaaoms_relevance_parts_t  p[3];
    const char                *texts[] = {
        "The crossbars can wait till spring.",
        "The caller holds the account with their sister.",
        "The caller asked the company to call them on the landline."
    };

    score_texts("what is he holding off on", texts, 3, p);
    CHECK(p[0].lex > 0);
    CHECK(p[0].key > p[2].key);

    /* its verb alone is no match */
    CHECK(p[1].lex == 0);
}


/* "how was she holding up" asks for a feeling: a memory of none ranks
 * under one, whatever words of the question it shares */
static void
test_feeling_asked(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller said the house had to be evacuated because of the gas.",
        "The caller was scared."
    };

    score_texts("how was she holding up when the house had to be evacuated",
                texts, 2, p);
    CHECK(p[1].key > p[0].key);

    /* "how is she taking", "how did he take the news", "what state was
     * she in", "how does he feel about": a feeling too */
    {
        const char  *news[] = {
            "The agent said the hardship credit is up to $300 a year.",
            "The caller was relieved.",
            "The caller said what happened was the house smelled of lemon.",
            "The caller said the HOA approved the fence.",
            "The caller was irritated.",
            "The caller was so proud of themselves.",
            "The caller gets weepy."
        };

        score_texts("how did she take the news about the hardship credit",
                    news, 2, p);
        CHECK(p[1].key > p[0].key);
        score_texts("how is she taking what happened", news + 1, 2, p);
        CHECK(p[0].key > p[1].key);
        score_texts("what state was she in when she rang", news, 2, p);
        CHECK(p[1].key > p[0].key);
        score_texts("how does he feel about dealing with the HOA", news + 3,
                    2, p);
        CHECK(p[1].key > p[0].key);

        /* pride and tears are feelings */
        score_texts("how does she feel about her progress", news + 5, 1, p);
        CHECK(p[0].lex > 0);
        score_texts("how was she feeling", news + 6, 1, p);
        CHECK(p[0].lex > 0);
    }

    /* taking a medicine, or a thing home, is no feeling */
    {
        const char  *pills[] = {
            "The caller takes the 10 milligram tablets of lisinopril.",
            "The caller was upset."
        };

        score_texts("what strength does she take", pills, 2, p);
        CHECK(p[0].key > p[1].key);
    }

    /* whoever handles it: "how's mom handling", "how did his wife
     * handle"; what we do is no feeling */
    {
        const char  *school[] = {
            "The caller said their son is being bullied at school.",
            "The caller was upset.",
            "The caller said if the back door alarm goes off, call them."
        };

        score_texts("how's mom handling the school situation", school, 2, p);
        CHECK(p[1].key > p[0].key);
        score_texts("how did his wife handle the school news", school, 2, p);
        CHECK(p[1].key > p[0].key);
        score_texts("how should we handle a back door alarm", school + 1, 2,
                    p);
        CHECK(p[1].key > p[0].key);
    }

    /* what a feeling is about is the trouble */
    {
        const char  *work[] = {
            "The caller said the coating was done wrong on the hood.",
            "The caller is calling from the office."
        };

        score_texts("what's he unhappy about", work, 2, p);
        CHECK(p[0].lex > 0);
        CHECK(p[0].key > p[1].key);
        score_texts("what is she upset with", work, 2, p);
        CHECK(p[0].key > p[1].key);
    }
}


/* an agent's shorthand asks for the word a call says: "O2", "appt" */
static void
test_shorthand(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller's dad is not on oxygen.",
        "The caller's dad is eighty-six."
    };

    score_texts("does the patient use supplemental O2", texts, 2, p);
    CHECK(p[0].lex > 0);
    CHECK(p[0].key > p[1].key);

    /* slang likewise: "con" is the calls' "scam" */
    {
        const char  *scam[] = {
            "The caller said a man on the phone tried a Medicare scam.",
            "The caller said the man from the phone company came Tuesday."
        };

        score_texts("has somebody tried to con this family", scam, 2, p);
        CHECK(p[0].lex > 0);
        CHECK(p[0].key > p[1].key);
    }
}


/* "how did we make it up to him": what was given for the trouble, a
 * credit or a voucher, not anything "made" */
static void
test_make_up(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The agent gave the caller a $40 credit.",
        "The caller said the tickets were made in France."
    };

    score_texts("how did we make it up to him", texts, 2, p);
    CHECK(p[0].lex > 0);
    CHECK(p[0].key > p[1].key);
}


/* "hearing aid": the compound's senses, not "aid"'s ("benefit") */
static void
test_compound(void)
{
    elaaoms_relevance_parts_t  p[1];
    const char                *texts[] = {
        "Their plan has a benefit of $1,500."
    };

    score_texts("which hearing aid", texts, 1, p);
    CHECK(p[0].lex == 0);

    score_texts("which aid", texts, 1, p);
    CHECK(p[0].lex > 0);
}


/* "ticket number": the word "number" in a memory is no answer */
static void
test_answer_word(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller's outage ticket is OT-77419.",
        "The caller is on Quillfeather Lane, number 33."
    };

    score_texts("ticket number for her blackout", texts, 2, p);
    CHECK(p[0].key > p[1].key);

    /* the number to ring someone on is a way to reach them, digits or
     * not */
    {
        const char  *line[] = {
            "The caller asked the company to call the house line, not the "
            "cell.",
            "The caller said the gate code is 4471."
        };

        score_facts("which number do we ring him on", line, 2, p);
        CHECK(p[0].key > p[1].key);
        score_facts("what's the best number to get him on", line, 2, p);
        CHECK(p[0].key > p[1].key);
    }
}


/* a question that starts with "when" asks for a time; "when" later in
 * one ("was he rattled when he called") does not */
static void
test_when(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller's doctor, Dr. Haddad, wants an interpreter for the "
        "doctor part.",
        "Dr. Tremaine has Wednesday, March 25th at 8:00."
    };

    score_texts("when is she seeing the doctor", texts, 2, p);
    CHECK(p[1].key > p[0].key);

    score_texts("was the doctor late when she came", texts, 2, p);
    CHECK(p[0].key > p[1].key);
}


/* "still" asks for the value as it stands and is no word to find */
static void
test_still(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller said still text them.",
        "The agent said: the caller's remaining balance is $1,790."
    };

    score_texts("how much is still owed", texts, 2, p);
    CHECK(p[1].key > p[0].key);
    CHECK(p[0].lex == 0);
}


/* "like to be called", "prefer to go by": the verb is the naming's, no
 * liking to find ("heat like that") */
static void
test_naming_verb(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller said heat like that is really dangerous for him.",
        "The caller goes by Lulu."
    };
    const char                *prefs[] = {
        "The caller would prefer a morning slot.",
        "The caller goes by Lulu."
    };

    score_facts("what does she like to be called", texts, 2, p);
    CHECK(p[0].lex == 0);
    CHECK(p[1].key > p[0].key);

    score_facts("what does she prefer to go by", prefs, 2, p);
    CHECK(p[0].lex == 0);
    CHECK(p[1].key > p[0].key);

    /* a liking asked for is still one */
    score_facts("what would she like for the morning", prefs, 2, p);
    CHECK(p[0].lex > 0);
}


/* "what medication", "which fabric", "what kind of vehicle": a word of
 * the kind named fills the word; the same word elsewhere in a question
 * ("is the fabric torn") asks for no kind */
static void
test_kinds(void)
{
    elaaoms_relevance_parts_t  p[2];
    const char                *texts[] = {
        "The caller wants the wool blankets.",
        "The caller lives in Ohio."
    };
    const char                *drugs[] = {
        "The caller said the dog is on phenobarbital, sixty milligrams.",
        "The caller said the dog is twelve."
    };
    const char                *verbs[] = {
        "The caller is running out of patience.",
        "The caller lives in Ohio."
    };

    score_texts("which fabric should we use", texts, 2, p);
    CHECK(p[0].lex > 0);
    CHECK(p[0].key > p[1].key);

    score_texts("is the fabric torn", texts, 2, p);
    CHECK(p[0].lex == 0);

    score_texts("what kind of fabric", texts, 2, p);
    CHECK(p[0].lex > 0);

    score_texts("what medication is the dog on", drugs, 2, p);
    CHECK(p[0].key > p[1].key);

    /* a verb's form is of no kind: "running" is no plan */
    score_texts("what plan is he on", verbs, 2, p);
    CHECK(p[0].lex == 0);
}


/* "why": a memory of the best match's turn ranks right under it (the
 * reason said in the same breath); other turns' memories do not move */
static void
test_why(void)
{
    size_t                     i;
    float                      s[4];
    elaaoms_relevance_parts_t  why[4], plain[4];
    elaaoms_relevance_cand_t   cands[4];
    const char                *turn = "I can't make the Tuesday appointment, "
                                      "my daughter has surgery that morning.";
    const char                *texts[] = {
        "The caller cannot make the Tuesday appointment.",
        "The caller's daughter has surgery that morning.",
        "The caller is moving to a new apartment in May.",
        "The caller's son has a cold."
    };
    const char                *quotes[] = {
        turn, turn, "We're moving to a new apartment in May.", "a cold"
    };

    memset(cands, 0, sizeof(cands));
    for (i = 0; i < 4; i++) {
        cands[i].text = texts[i];
        cands[i].len = strlen(texts[i]);
        cands[i].quote = quotes[i];
        cands[i].quote_len = strlen(quotes[i]);
    }

    CHECK(elaaoms_relevance_asks_why("Why is she moving it?", 21));
    CHECK(elaaoms_relevance_asks_why("how come she moved it", 21));
    CHECK(!elaaoms_relevance_asks_why("is she moving it, and why", 25));
    CHECK(!elaaoms_relevance_asks_why("how is she", 10));

    CHECK_INT_EQ(elaaoms_relevance_score("is she moving the appointment", 29,
                                         cands, 4, NULL, s, plain), 0);
    CHECK_INT_EQ(elaaoms_relevance_score("why is she moving the appointment",
                                         33, cands, 4, NULL, s, why), 0);

    CHECK(plain[0].key > plain[1].key + 1);
    CHECK(why[1].key > plain[1].key);
    CHECK(why[1].key == why[0].key - ELAAOMS_REL_SIBLING_GAP);
    CHECK(s[1] > 0.9f);

    /* another turn, and a quote too short to tell a turn, stay put */
    CHECK(why[2].key == plain[2].key || why[2].key < why[0].key);
    CHECK(why[3].key < why[1].key);
}


int
main(void)
{
    test_labelled();
    test_heldout();
    test_vector_sources();
    test_edges();
    test_who_else();
    test_type_concept();
    test_phrasal();
    test_make_up();
    test_shorthand();
    test_feeling_asked();
    test_kinds();
    test_why();
    test_compound();
    test_answer_word();
    test_when();
    test_still();
    test_naming_verb();

    return UNIT_DONE("relevance");
}
