/*
 * A caller's search index: reading and scoring it (see search_index.h).
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/embed.h"
#include "search/relevance.h"
#include "search/relevance_internal.h"
#include "search/search_index.h"
#include "search/search_index_layout.h"
#include "search/tokenize.h"
#include "search/wordvec.h"
#include "util/carve.h"


#define ELAAOMS_SIX_AT(blob, off, type)                                       \
    ((const type *) ((const unsigned char *) (blob) + (off)))


int
elaaoms_search_index_check(const void *blob, size_t len)
{
    const six_hdr_t  *h = blob;

    if (blob == NULL || len < sizeof(six_hdr_t) || ((uintptr_t) blob & 7)) {
        return -1;
    }

    if (h->magic != ELAAOMS_SIX_MAGIC || h->layout != ELAAOMS_SIX_LAYOUT
        || h->model != elaaoms_six_model() || h->size != len)
    {
        return -1;
    }

    return 0;
}


size_t
elaaoms_search_index_count(const void *blob)
{
    return ((const six_hdr_t *) blob)->n;
}


unsigned
elaaoms_search_index_flags(const void *blob)
{
    return ((const six_hdr_t *) blob)->flags;
}


int
elaaoms_search_index_record(const void *blob, size_t i,
    elaaoms_memory_record_t *r)
{
    const six_hdr_t  *h = blob;
    const six_rec_t  *sr;

    if (i >= h->n) {
        return -1;
    }

    sr = ELAAOMS_SIX_AT(blob, h->recs, six_rec_t) + i;

    return elaaoms_memory_record_decode_view(
               (const unsigned char *) blob + sr->raw_off, sr->raw_len, r,
               NULL) == 0 ? 0 : -1;
}


/* a search's scratch, carved */
typedef struct {
    uint8_t                   *vis;
    uint32_t                  *slot;      /* 1 + its stats, or 0 */
    int32_t                   *acc;       /* dot products */
    float                     *semcos;    /* word vectors' cosines */
    elaaoms_cand_stats_t      *stats;
    uint32_t                  *touched;   /* records with stats */
    elaaoms_search_cand_t     *over;
    elaaoms_memory_record_t   *views;
    uint32_t                  *senses;    /* entries sharing a sense */
    void                      *select;
} six_scratch_t;


static size_t
elaaoms_six_layout(size_t n, size_t nsense, unsigned char *base,
    six_scratch_t *s)
{
    size_t  off;

    n = n ? n : 1;
    off = 0;

    ELAAOMS_CARVE(s, base, off, vis, uint8_t, n);
    ELAAOMS_CARVE(s, base, off, slot, uint32_t, n);
    ELAAOMS_CARVE(s, base, off, acc, int32_t, n);
    ELAAOMS_CARVE(s, base, off, semcos, float, n);
    ELAAOMS_CARVE(s, base, off, stats, elaaoms_cand_stats_t, n);
    ELAAOMS_CARVE(s, base, off, touched, uint32_t, n);
    ELAAOMS_CARVE(s, base, off, over, elaaoms_search_cand_t, n);
    ELAAOMS_CARVE(s, base, off, views, elaaoms_memory_record_t, n);
    ELAAOMS_CARVE(s, base, off, senses, uint32_t, nsense ? nsense : 1);

    if (s) {
        s->select = base + off;
    }

    return off + elaaoms_search_select_scratch_size(n);
}


size_t
elaaoms_search_index_scratch_size(const void *blob)
{
    const six_hdr_t  *h = blob;

    /* then room for the record by record path, which "why" takes */
    return ELAAOMS_SIX_ALIGN(elaaoms_six_layout(h->n, h->nsense + h->nkind,
                                                NULL, NULL))
           + elaaoms_search_rank_scratch_size(h->n);
}


/* the stem's index, or -1 */
static int64_t
elaaoms_six_find_stem(const void *blob, const char *stem, size_t len,
    uint32_t hash)
{
    size_t             lo, hi, mid;
    const six_hdr_t   *h = blob;
    const six_stem_t  *st, *s;

    st = ELAAOMS_SIX_AT(blob, h->stems, six_stem_t);
    lo = 0;
    hi = h->nstems;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (st[mid].hash < hash) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    for (s = st + lo; s < st + h->nstems && s->hash == hash; s++) {
        if (s->len == len
            && memcmp((const unsigned char *) blob + s->str_off, stem, len)
               == 0)
        {
            return s - st;
        }
    }

    return -1;
}


static inline elaaoms_cand_stats_t *
elaaoms_six_touch(six_scratch_t *s, size_t *ntouched, uint32_t m,
    const six_rec_t *recs)
{
    elaaoms_cand_stats_t  *st;

    if (s->slot[m]) {
        return &s->stats[s->slot[m] - 1];
    }

    /* a term's units are zeroed at its first fill (filled says which) */
    st = &s->stats[*ntouched];
    st->filled = 0;
    st->len = recs[m].len;

    s->touched[*ntouched] = m;
    s->slot[m] = (uint32_t) ++*ntouched;

    return st;
}


/*
 * units into one count (0 exact, 1 related, 2 sense) of term j of record
 * m; a record's first fill of the term counts in the term's df
 */
static inline void
elaaoms_six_count(six_scratch_t *s, size_t *ntouched, uint32_t m,
    const six_rec_t *recs, int kind, size_t j, unsigned units, size_t *df)
{
    unsigned               v;
    uint8_t               *c;
    elaaoms_cand_stats_t  *st;

    st = elaaoms_six_touch(s, ntouched, m, recs);

    if (!(st->filled & (1u << j))) {
        st->filled |= 1u << j;
        st->exact[j] = 0;
        st->related[j] = 0;
        st->sense[j] = 0;
        df[j]++;
    }

    c = kind == 0 ? &st->exact[j]
                  : (kind == 1 ? &st->related[j] : &st->sense[j]);
    v = *c + units;
    *c = v > UINT8_MAX ? UINT8_MAX : (uint8_t) v;
}


/* the entry's postings into one count of term j */
static void
elaaoms_six_add(const void *blob, const six_entry_t *se, int kind, size_t j,
    six_scratch_t *s, size_t *ntouched, const six_rec_t *recs, size_t *df)
{
    const six_post_t  *p, *end;

    p = ELAAOMS_SIX_AT(blob, se->post.off, six_post_t);

    for (end = p + se->post.count; p < end; p++) {
        if (s->vis[p->m]) {
            elaaoms_six_count(s, ntouched, p->m, recs, kind, j, p->units,
                              df);
        }
    }
}


static int
elaaoms_six_u32_cmp(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return x < y ? -1 : x > y;
}


/* the entries of the pairs (sorted by id) with one of the term's senses */
static size_t
elaaoms_six_pairs(const six_sense_t *pairs, size_t npairs,
    const elaaoms_query_term_t *t, uint32_t *out)
{
    size_t  k, ns, lo, hi, mid;

    ns = 0;

    for (k = 0; k < t->nsenses; k++) {
        lo = 0;
        hi = npairs;

        while (lo < hi) {
            mid = lo + (hi - lo) / 2;
            if (pairs[mid].sense < t->senses[k]) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }

        for ( ; lo < npairs && pairs[lo].sense == t->senses[k]; lo++) {
            out[ns++] = pairs[lo].entry;
        }
    }

    return ns;
}


/* the counts of term j over the visible records */
static void
elaaoms_six_term(const void *blob, const elaaoms_query_term_t *t, size_t j,
    six_scratch_t *s, size_t *ntouched, size_t *df)
{
    size_t              k, e, ns, i;
    int64_t             stem;
    uint32_t            m, below;
    const six_hdr_t    *h = blob;
    const six_rec_t    *recs;
    const six_stem_t   *st;
    const six_entry_t  *entries, *se;
    const uint16_t     *mlist;
    const six_cpost_t  *cp, *cend;
    elaaoms_cand_stats_t  *cs;

    recs = ELAAOMS_SIX_AT(blob, h->recs, six_rec_t);
    entries = ELAAOMS_SIX_AT(blob, h->entries, six_entry_t);

    /* words of the term's stem */

    stem = elaaoms_six_find_stem(blob, t->stem, t->stem_len, t->stem_hash);

    if (stem >= 0) {
        st = ELAAOMS_SIX_AT(blob, h->stems, six_stem_t) + stem;
        for (e = st->first; e < st->first + st->count; e++) {
            elaaoms_six_add(blob, &entries[e], 0, j, s, ntouched, recs, df);
        }
    }

    /* words sharing one of its concepts: each word once */

    for (k = 0; k < 32; k++) {
        if (!(t->concepts & (1u << k))) {
            continue;
        }

        below = t->concepts & ((1u << k) - 1);
        cp = ELAAOMS_SIX_AT(blob, h->concepts[k].off, six_cpost_t);

        for (cend = cp + h->concepts[k].count; cp < cend; cp++) {
            if (!s->vis[cp->m] || (int64_t) cp->stem == stem
                || (cp->concepts & below))
            {
                continue;
            }
            elaaoms_six_count(s, ntouched, cp->m, recs, 1, j, cp->units, df);
        }
    }

    /* words sharing a WordNet sense, and neither of the above; for
       "what medication", also words of its kind (relevance.c) */

    if (t->nsenses) {
        ns = elaaoms_six_pairs(ELAAOMS_SIX_AT(blob, h->sense_pairs,
                                              six_sense_t),
                               h->nsense, t, s->senses);
        if (t->category) {
            ns += elaaoms_six_pairs(ELAAOMS_SIX_AT(blob, h->kind_pairs,
                                                   six_sense_t),
                                    h->nkind, t, s->senses + ns);
        }

        if (ns > 1) {
            qsort(s->senses, ns, sizeof(uint32_t), elaaoms_six_u32_cmp);
        }

        for (k = 0; k < ns; k++) {
            if (k && s->senses[k] == s->senses[k - 1]) {
                continue;
            }

            se = &entries[s->senses[k]];
            if ((int64_t) se->stem == stem || (se->concepts & t->concepts)) {
                continue;
            }
            elaaoms_six_add(blob, se, 2, j, s, ntouched, recs, df);
        }
    }

    /* a memory's type answers the term's concepts whatever its words */

    for (k = 0; k < 32; k++) {
        if (!(t->concepts & (1u << k))) {
            continue;
        }

        mlist = ELAAOMS_SIX_AT(blob, h->types[k].off, uint16_t);

        for (i = 0; i < h->types[k].count; i++) {
            m = mlist[i];
            if (!s->vis[m]) {
                continue;
            }

            /* a record of two of the term's concepts: the same either way */
            cs = elaaoms_six_touch(s, ntouched, m, recs);
            if (!(cs->filled & (1u << j))) {
                cs->filled |= 1u << j;
                cs->exact[j] = 0;
                cs->sense[j] = 0;
                cs->related[j] = ELAAOMS_REL_CONTENT_UNITS;
                df[j]++;

            } else if (cs->exact[j] == 0 && cs->related[j] == 0) {
                cs->related[j] = ELAAOMS_REL_CONTENT_UNITS;
            }
        }
    }
}


/* the lowest raw score that can reach threshold (calibration is monotone) */
static float
elaaoms_six_raw_floor(float threshold)
{
    int    i;
    float  lo, hi, mid;

    lo = -1;
    hi = 2;

    for (i = 0; i < 40; i++) {
        mid = (lo + hi) / 2;
        if (elaaoms_relevance_calibrate(mid) < threshold) {
            lo = mid;
        } else {
            hi = mid;
        }
    }

    return lo - 1e-4f;
}


int
elaaoms_search_index_rank(const void *blob,
    const elaaoms_search_request_t *req, const char *agent_id,
    double default_threshold, void *scratch,
    const elaaoms_memory_record_t **views,
    elaaoms_search_result_t *res)
{
    int                    own, penalty;
    size_t                 i, j, d, n, nv, nterms, ntouched, nover, used;
    size_t                 fills[ELAAOMS_RELEVANCE_MAX_TERMS];
    size_t                 df[ELAAOMS_RELEVANCE_MAX_TERMS];
    uint32_t               m, bits;
    uint64_t               abit;
    float                  qvec[ELAAOMS_EMBED_DIM];
    float                  threshold, raw_floor, avglen, ideal, cos, raw;
    float                  score, key, zero, bound, sem, semcut;
    elaaoms_wordvec_query_t  qsem;
    size_t                 qsem_words;
    int                    reach;
    const unsigned char   *sems;
    float                  wexact[ELAAOMS_RELEVANCE_MAX_TERMS];
    float                  wrelated[ELAAOMS_RELEVANCE_MAX_TERMS];
    float                  wsense[ELAAOMS_RELEVANCE_MAX_TERMS];
    double                 total_len;
    const char            *query;
    elaaoms_mstr_t         agent;
    size_t                 nviews;
    six_scratch_t          s;
    elaaoms_vec_q16_t      q16;
    elaaoms_search_cand_t *c;
    const six_hdr_t       *h = blob;
    const six_rec_t       *recs;
    const six_str_t       *agents;
    const six_dpost_t     *p, *end;
    elaaoms_cand_stats_t  *st;
    elaaoms_query_term_t   terms[ELAAOMS_RELEVANCE_MAX_TERMS];

    n = h->n;

    used = elaaoms_six_layout(n, h->nsense + h->nkind, scratch, &s);
    *views = s.views;

    /*
     * "why can't she come in": the record by record path, which ranks
     * the memories of one turn together (relevance_internal.h), over the
     * views of all the records; res->index then refers to them as is
     */
    if (req->query != NULL
        && elaaoms_relevance_asks_why(req->query, strlen(req->query)))
    {
        for (i = 0; i < n; i++) {
            if (elaaoms_search_index_record(blob, i, &s.views[i]) != 0) {
                return -1;
            }
        }

        return elaaoms_search_rank(req, agent_id, default_threshold, s.views,
                                   n, (unsigned char *) scratch
                                      + ELAAOMS_SIX_ALIGN(used),
                                   res);
    }

    res->total = n;
    res->visible = 0;
    res->matched = 0;
    res->count = 0;
    res->nforeign = 0;
    res->threshold = req->threshold >= 0 ? req->threshold
                                         : default_threshold;

    if (n == 0) {
        return 0;
    }

    recs = ELAAOMS_SIX_AT(blob, h->recs, six_rec_t);
    agents = ELAAOMS_SIX_AT(blob, h->agents, six_str_t);

    /* 1. visibility (search_rank.h) */

    agent = elaaoms_search_agent(agent_id);
    abit = 0;

    for (i = 0; agent.len && i < h->nagents; i++) {
        if (agents[i].len == agent.len
            && memcmp((const unsigned char *) blob + agents[i].off,
                      agent.data, agent.len) == 0)
        {
            abit = (uint64_t) 1 << i;
            break;
        }
    }

    nv = 0;
    total_len = 0;

    for (i = 0; i < n; i++) {
        own = (recs[i].flags & ELAAOMS_SIX_R_UNATTRIBUTED)
              || (recs[i].agents & abit);

        s.vis[i] = own || req->search_all_agents
                   || (recs[i].flags & ELAAOMS_SIX_R_SHARED);

        if (s.vis[i]) {
            nv++;
            total_len += recs[i].len;
        }
    }

    res->visible = nv;

    if (nv == 0) {
        return 0;
    }

    memset(s.slot, 0, n * sizeof(uint32_t));
    memset(s.acc, 0, n * sizeof(int32_t));

    /* 2. relevance: the terms' counts, then the dot products */

    query = req->query ? req->query : "";

    elaaoms_embed_text(query, strlen(query), qvec);
    elaaoms_vec_q16_prepare(qvec, ELAAOMS_EMBED_DIM, &q16);
    nterms = elaaoms_relevance_query_terms(query, strlen(query), terms);
    qsem_words = elaaoms_wordvec_query(query, strlen(query), &qsem);
    sems = ELAAOMS_SIX_AT(blob, h->sems, unsigned char);

    /* the word vectors' cosines, and the nearest few (wordvec.h) */
    for (m = 0; m < n; m++) {
        s.semcos[m] = qsem_words && s.vis[m]
                      ? elaaoms_wordvec_cosine(&qsem,
                            sems + (size_t) m * ELAAOMS_WORDVEC_DIM,
                            recs[m].sem_norm2)
                      : -2;
    }
    semcut = elaaoms_wordvec_top_cut(s.semcos, n);

    ntouched = 0;

    for (j = 0; j < nterms; j++) {
        fills[j] = 0;
        elaaoms_six_term(blob, &terms[j], j, &s, &ntouched, fills);
    }

    /* each record by how it fills the term (relevance_internal.h) */
    for (j = 0; j < nterms; j++) {
        df[j] = 0;
        for (i = 0; fills[j] && i < ntouched; i++) {
            if (s.stats[i].filled & (1u << j)) {
                df[j] += elaaoms_relevance_df_tenths(s.stats[i].exact[j],
                                                     s.stats[i].related[j],
                                                     s.stats[i].sense[j]);
            }
        }
    }

    for (d = 0; d < ELAAOMS_EMBED_DIM; d++) {
        if (q16.v[d] == 0) {
            continue;
        }

        p = ELAAOMS_SIX_AT(blob, h->dims[d].off, six_dpost_t);

        for (end = p + h->dims[d].count; p < end; p++) {
            s.acc[p->m] += (int32_t) q16.v[d] * p->v;
        }
    }

    avglen = (float) (total_len / nv);
    if (avglen < 1) {
        avglen = 1;
    }

    ideal = elaaoms_relevance_idf(terms, nterms, nv, df);

    /* 4. the threshold: only what can reach it is scored */

    threshold = (float) res->threshold;
    raw_floor = elaaoms_six_raw_floor(threshold);

    penalty = 0;
    for (j = 0; j < nterms; j++) {
        penalty |= terms[j].answer_type;

        /* the most a fill of each kind can add to lex */
        wexact[j] = ideal > 0 ? terms[j].idf * (ELAAOMS_REL_BM25_K1 + 1)
                                / ideal * 1.001f : 0;
        wrelated[j] = wexact[j] * ELAAOMS_REL_CONCEPT_CREDIT;
        wsense[j] = wexact[j] * ELAAOMS_REL_SENSE_CREDIT;
    }

    zero = elaaoms_relevance_calibrate(0);
    nover = 0;
    nviews = 0;

    for (m = 0; m < n; m++) {
        if (!s.vis[m]) {
            continue;
        }

        cos = 0;
        if (s.acc[m] > 0 && q16.norm2 != 0 && q16.scale != 0
            && recs[m].norm2 != 0)
        {
            cos = ((float) s.acc[m] / q16.scale)
                  / sqrtf(q16.norm2 * (float) recs[m].norm2);
            if (cos < 0) {
                cos = 0;
            }
        }

        /* the answer in other words (relevance.h): what reaches the
         * threshold this way is scored in full */
        sem = s.semcos[m] >= -1 && s.semcos[m] >= semcut
              ? elaaoms_wordvec_relevance(s.semcos[m]) : 0;
        if (!s.slot[m] && penalty) {
            /* no word of it fills the kind of answer asked for */
            sem = 0;
        }
        reach = zero >= threshold || sem >= threshold;

        if (s.slot[m]) {
            st = &s.stats[s.slot[m] - 1];

            if (!reach) {
                /*
                 * a bound first: a BM25 fill is under credit * (k1 + 1),
                 * so most memories a common word or concept touched are
                 * out without the formula
                 */
                bound = 0;
                for (bits = st->filled; bits; bits &= bits - 1) {
                    j = __builtin_ctz(bits);
                    bound += st->exact[j] ? wexact[j]
                             : st->related[j] ? wrelated[j] : wsense[j];
                }

                if (ELAAOMS_REL_W_COS * cos
                    + ELAAOMS_REL_W_LEX * (bound < 1 ? bound : 1)
                    < raw_floor)
                {
                    continue;
                }
            }

            /* the formula reads every term's units: the unfilled are 0 */
            for (j = 0; j < nterms; j++) {
                if (!(st->filled & (1u << j))) {
                    st->exact[j] = 0;
                    st->related[j] = 0;
                    st->sense[j] = 0;
                }
            }

            if (elaaoms_relevance_type_missed(terms, nterms, st)) {
                sem = 0;
            }

            raw = elaaoms_relevance_raw(terms, nterms, ideal, st, avglen,
                                        cos, NULL);
            if (raw < raw_floor && !reach) {
                continue;
            }

            score = elaaoms_relevance_calibrate(raw);
            key = elaaoms_relevance_key(raw);

        } else if (cos > 0) {
            /* no word filled: the cosine half, and the answer type missed */
            raw = ELAAOMS_REL_W_COS * cos;
            if (penalty) {
                raw *= ELAAOMS_REL_ANSWER_TYPE_MISS;
            }

            if (raw < raw_floor && !reach) {
                continue;
            }

            /* the shared formula, to the bit */
            memset(&s.stats[ntouched], 0, sizeof(elaaoms_cand_stats_t));
            s.stats[ntouched].len = recs[m].len;
            raw = elaaoms_relevance_raw(terms, nterms, ideal,
                                        &s.stats[ntouched], avglen, cos,
                                        NULL);
            score = elaaoms_relevance_calibrate(raw);
            key = elaaoms_relevance_key(raw);

        } else {
            score = zero;
            key = elaaoms_relevance_key(0);
        }

        if (sem > score) {
            score = sem;
            key = elaaoms_relevance_score_key(sem);
        }

        if (score < threshold) {
            continue;
        }

        c = &s.over[nover];
        c->idx = m;
        c->score = score;
        c->key = key;
        c->id.data = (const char *) blob + recs[m].id_off;
        c->id.len = recs[m].id_len;
        c->conversation_id.data = (const char *) blob + recs[m].conv_off;
        c->conversation_id.len = recs[m].conv_len;
        c->created = recs[m].created;
        c->type = recs[m].type;
        c->importance = recs[m].importance;
        c->superseded = (recs[m].flags & ELAAOMS_SIX_R_SUPERSEDED) != 0;
        c->conflicts = (recs[m].flags & ELAAOMS_SIX_R_CONFLICTS) != 0;
        c->own = (recs[m].flags & ELAAOMS_SIX_R_UNATTRIBUTED)
                 || (recs[m].agents & abit);
        c->rec = NULL;

        /* the links a superseded memory's rank follows */
        if (c->superseded && c->conflicts) {
            if (elaaoms_search_index_record(blob, m, &s.views[nviews]) != 0)
            {
                return -1;
            }
            c->rec = &s.views[nviews++];
        }

        nover++;
    }

    /* 3. filters, 5. rank, 6. limit */

    if (elaaoms_search_select(req, agent, s.over, nover, s.select, res)
        != 0)
    {
        return -1;
    }

    /* the answer's records, decoded after the views of the links */

    for (i = 0, j = 0; i < res->count; i++) {
        m = res->index[i];

        if (elaaoms_search_index_record(blob, m, &s.views[nviews]) != 0) {
            return -1;
        }

        /* the foreign ones are a subsequence of the answer */
        if (j < res->nforeign && res->foreign[j] == m) {
            res->foreign[j++] = (uint32_t) nviews;
        }

        res->index[i] = (uint32_t) nviews++;
    }

    *views = s.views;

    return 0;
}
