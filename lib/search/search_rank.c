/*
 * search-memory ranking and its answer (see search_rank.h).
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/ids.h"
#include "search/embed.h"
#include "search/relevance.h"
#include "search/search_rank.h"
#include "search/tokenize.h"
#include "util/carve.h"
#include "util/utf8.h"
#include "util/ascii.h"


/* one visible memory over the threshold, with its sort key */
typedef struct {
    float         rank;        /* key, or lower (superseded) */
    float         score;       /* relevance */
    float         key;         /* relevance's key (relevance.h) */
    uint32_t      idx;         /* reported: elaaoms_search_cand_t.idx */
    const elaaoms_search_cand_t    *cand;
    int           superseded;
    int           importance;
    int64_t       created;
    elaaoms_mstr_t  id;
} elaaoms_search_match_t;

/* the scratch buffer, carved into these */
typedef struct {
    uint32_t                  *vis;      /* visible record indexes */
    elaaoms_relevance_cand_t  *cands;
    float                     *scores;
    elaaoms_relevance_parts_t *parts;    /* for the rank keys */
    elaaoms_search_cand_t     *over;     /* over the threshold */
    void                      *select;   /* elaaoms_search_select()'s */
    void                      *rel;      /* relevance.h's scratch */
} elaaoms_search_scratch_t;

/* elaaoms_search_select()'s scratch */
typedef struct {
    elaaoms_search_match_t    *match;
    uint32_t                  *table;    /* id -> match + 1, open hashing */
    size_t                     table_size;
    uint64_t                  *pairs;    /* conversation hash, match */
} elaaoms_search_sel_scratch_t;


#define ELAAOMS_SEARCH_ALIGN(x)  (((x) + 15) & ~(size_t) 15)

/* 9999-12-31T23:59:59Z: later times print as this */
#define ELAAOMS_SEARCH_MAX_TIME  253402300799LL


static size_t
elaaoms_search_table_size(size_t n)
{
    size_t  t;

    for (t = 16; t < 2 * n; t <<= 1) {
        /* void */
    }

    return t;
}


static size_t
elaaoms_search_sel_layout(size_t n, unsigned char *base,
    elaaoms_search_sel_scratch_t *s)
{
    size_t  off, tsize;

    tsize = elaaoms_search_table_size(n);
    off = 0;

    ELAAOMS_CARVE(s, base, off, match, elaaoms_search_match_t, n);
    ELAAOMS_CARVE(s, base, off, table, uint32_t, tsize);
    ELAAOMS_CARVE(s, base, off, pairs, uint64_t, n);

    if (s) {
        s->table_size = tsize;
    }

    return off;
}


size_t
elaaoms_search_select_scratch_size(size_t n)
{
    return elaaoms_search_sel_layout(n ? n : 1, NULL, NULL);
}


static size_t
elaaoms_search_layout(size_t n, unsigned char *base,
    elaaoms_search_scratch_t *s)
{
    size_t  off;

    off = 0;

    ELAAOMS_CARVE(s, base, off, vis, uint32_t, n);
    ELAAOMS_CARVE(s, base, off, cands, elaaoms_relevance_cand_t, n);
    ELAAOMS_CARVE(s, base, off, scores, float, n);
    ELAAOMS_CARVE(s, base, off, parts, elaaoms_relevance_parts_t, n);
    ELAAOMS_CARVE(s, base, off, over, elaaoms_search_cand_t, n);

    if (s) {
        s->select = base + off;
    }

    off += ELAAOMS_SEARCH_ALIGN(elaaoms_search_select_scratch_size(n));

    if (s) {
        s->rel = base + off;
    }

    return off + elaaoms_relevance_scratch_size(n);
}


size_t
elaaoms_search_rank_scratch_size(size_t n)
{
    return elaaoms_search_layout(n ? n : 1, NULL, NULL);
}


static int
elaaoms_search_match_cmp(const void *a, const void *b)
{
    const elaaoms_search_match_t  *x = a, *y = b;

    if (x->rank != y->rank) {
        return x->rank > y->rank ? -1 : 1;
    }

    if (x->superseded != y->superseded) {
        return x->superseded - y->superseded;
    }

    if (x->importance != y->importance) {
        return y->importance - x->importance;
    }

    if (x->created != y->created) {
        return x->created > y->created ? -1 : 1;
    }

    /* ids are unique: a total order */
    return strcmp(x->id.data, y->id.data);
}


static uint32_t
elaaoms_search_id_hash(const char *id, size_t len)
{
    return elaaoms_fnv1a(ELAAOMS_FNV_BASIS, id, len);
}


/*
 * A superseded memory ranks no higher than a current memory of the
 * answer it is linked with: its rank is capped at that one's relevance
 * (and the tie goes to the current one).
 */
static void
elaaoms_search_cap_superseded(elaaoms_search_match_t *match, size_t m,
    elaaoms_search_sel_scratch_t *s)
{
    size_t                          i, mask;
    uint32_t                        h, e;
    unsigned                        k;
    const elaaoms_memory_record_t  *r;

    for (i = 0; i < m; i++) {
        if (match[i].superseded && match[i].cand->conflicts
            && match[i].cand->rec != NULL)
        {
            break;
        }
    }

    if (i == m) {
        return;
    }

    mask = s->table_size - 1;
    memset(s->table, 0, s->table_size * sizeof(uint32_t));

    for (i = 0; i < m; i++) {
        if (match[i].superseded) {
            continue;
        }

        h = elaaoms_search_id_hash(match[i].id.data, match[i].id.len) & mask;

        while (s->table[h]) {
            h = (h + 1) & mask;
        }

        s->table[h] = (uint32_t) i + 1;
    }

    for (i = 0; i < m; i++) {
        r = match[i].cand->rec;

        if (!match[i].superseded || r == NULL) {
            continue;
        }

        for (k = 0; k < r->nconflicts && k < ELAAOMS_MEMORY_MAX_CONFLICTS;
             k++)
        {
            h = elaaoms_search_id_hash(r->conflicts[k].data,
                                       r->conflicts[k].len) & mask;

            while ((e = s->table[h]) != 0) {
                if (elaaoms_mstr_eq(match[e - 1].id, r->conflicts[k])) {
                    if (match[e - 1].key < match[i].rank) {
                        match[i].rank = match[e - 1].key;
                    }
                    break;
                }

                h = (h + 1) & mask;
            }
        }
    }
}


/*
 * "how was she holding up when the house had to be evacuated", "how'd he
 * take it when it broke": a feeling is said in a few words ("I'm so
 * scared right now") in the call of what it was about, and its memory
 * holds none of the words that tell which call that was.  For a question
 * that asks for a feeling, a memory of one ranks no lower than
 * ELAAOMS_SEARCH_EPISODE_GAP under the best match of its conversation, so
 * the call the question points at brings its feelings up with it.  The
 * order changes, never the relevance; a superseded feeling stays where
 * its link put it.
 */
#define ELAAOMS_SEARCH_EPISODE_GAP  0.5f


static int
elaaoms_search_u64_cmp(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}


static void
elaaoms_search_feeling_episodes(elaaoms_search_match_t *match, size_t m,
    uint64_t *pairs)
{
    float                         best;
    size_t                        a, b, k, l, i, o;
    const elaaoms_search_cand_t  *c;

    for (i = 0; i < m; i++) {
        c = match[i].cand;
        pairs[i] = (uint64_t) elaaoms_fnv1a(ELAAOMS_FNV_BASIS,
                                            c->conversation_id.data,
                                            c->conversation_id.len) << 32
                   | (uint32_t) i;
    }

    qsort(pairs, m, sizeof(uint64_t), elaaoms_search_u64_cmp);

    for (a = 0; a < m; a = b) {
        for (b = a + 1; b < m && pairs[b] >> 32 == pairs[a] >> 32; b++) {
            /* void */
        }

        for (k = a; k < b; k++) {
            i = (uint32_t) pairs[k];
            c = match[i].cand;

            if (c->type != ELAAOMS_MEM_EMOTION || match[i].superseded) {
                continue;
            }

            /* the best of its conversation (a run may hold two) */
            best = match[i].rank;
            for (l = a; l < b; l++) {
                o = (uint32_t) pairs[l];
                if (!match[o].superseded && match[o].rank > best
                    && elaaoms_mstr_eq(match[o].cand->conversation_id,
                                       c->conversation_id))
                {
                    best = match[o].rank;
                }
            }

            if (best - ELAAOMS_SEARCH_EPISODE_GAP > match[i].rank) {
                match[i].rank = best - ELAAOMS_SEARCH_EPISODE_GAP;
            }
        }
    }
}


/*
 * "what hours should the caregiver be there now", "who's their contact
 * currently", "what's the new monthly rent": the question asks for the
 * value as it stands, so among the
 * matches the newer ranks a little higher, the newest by
 * ELAAOMS_SEARCH_NOW_BONUS on the calibration's logit scale (4 is 0.2 of
 * raw score, relevance.h's slope being 20; 1, or 0.05, fixed no stale
 * answer of the tuning half): enough to order answers that score alike,
 * too little to lift a weak match over a strong one.  The bonus changes
 * the order, never the relevance, so the threshold is untouched.
 */
#define ELAAOMS_SEARCH_NOW_BONUS  4.0f
#define ELAAOMS_SEARCH_LOGIT_MAX  30.0f

static int
elaaoms_search_asks_now(const char *query)
{
    static const char  *now[] = {
        "now", "currently", "current", "anymore", "nowadays", "latest",
        "new", "final", "updated", "lately", "still", NULL
    };
    size_t               k;
    int                  these;
    elaaoms_tokenizer_t  tz;
    elaaoms_token_t      tok;

    if (query == NULL) {
        return 0;
    }

    these = 0;

    elaaoms_tokenizer_init(&tz, query, strlen(query));
    while (elaaoms_tokenizer_next(&tz, &tok)) {
        for (k = 0; now[k] != NULL; k++) {
            if (strcmp(tok.word, now[k]) == 0) {
                return 1;
            }
        }

        /* "where's he working these days" */
        if (these && strcmp(tok.word, "days") == 0) {
            return 1;
        }
        these = strcmp(tok.word, "these") == 0;
    }

    return 0;
}


static void
elaaoms_search_prefer_newer(elaaoms_search_match_t *match, size_t m)
{
    float    r;
    size_t   i;
    int64_t  oldest, newest;

    oldest = newest = match[0].created;
    for (i = 1; i < m; i++) {
        oldest = match[i].created < oldest ? match[i].created : oldest;
        newest = match[i].created > newest ? match[i].created : newest;
    }

    if (newest == oldest) {
        return;
    }

    for (i = 0; i < m; i++) {
        /* the rank is on the logit scale already (relevance.h) */
        r = match[i].rank;
        if (r > ELAAOMS_SEARCH_LOGIT_MAX) {
            r = ELAAOMS_SEARCH_LOGIT_MAX;
        }

        match[i].rank = r + ELAAOMS_SEARCH_NOW_BONUS
                            * (float) (match[i].created - oldest)
                            / (float) (newest - oldest);
    }
}


/*
 * The first k matches in rank order at the front (k < m): a selection
 * into a sorted run, cheaper than sorting hundreds of matches for five
 */
static void
elaaoms_search_top(elaaoms_search_match_t *match, size_t m, size_t k)
{
    size_t                  i, j;
    elaaoms_search_match_t  t;

    qsort(match, k, sizeof(elaaoms_search_match_t),
          elaaoms_search_match_cmp);

    for (i = k; i < m; i++) {
        if (elaaoms_search_match_cmp(&match[i], &match[k - 1]) >= 0) {
            continue;
        }

        t = match[i];
        for (j = k - 1; j > 0
             && elaaoms_search_match_cmp(&t, &match[j - 1]) < 0; j--)
        {
            match[j] = match[j - 1];
        }
        match[j] = t;
    }
}


void
elaaoms_search_cand_of(elaaoms_search_cand_t *cand,
    const elaaoms_memory_record_t *r, elaaoms_mstr_t agent)
{
    cand->rec = r;
    cand->id = r->id;
    cand->conversation_id = r->conversation_id;
    cand->created = r->created;
    cand->type = (int) r->type;
    cand->importance = r->importance;
    cand->superseded = (r->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0;
    cand->conflicts = r->nconflicts != 0;
    cand->own = elaaoms_memory_record_unattributed(r)
                || elaaoms_memory_record_has_agent(r, agent);
}


/*
 * The record's offline vector: its own when of the offline model, else
 * the one kept beside a provider's; NULL: none, the text is embedded on
 * the fly
 */
const unsigned char *
elaaoms_search_offline_q8(const elaaoms_memory_record_t *r,
    elaaoms_mstr_t model)
{
    if (r->dim == ELAAOMS_EMBED_DIM && r->vec_q8 != NULL
        && elaaoms_mstr_eq(r->embed_model, model))
    {
        return r->vec_q8;
    }

    if (r->offline_dim == ELAAOMS_EMBED_DIM && r->offline_q8 != NULL
        && elaaoms_mstr_eq(r->offline_model, model))
    {
        return r->offline_q8;
    }

    return NULL;
}


elaaoms_mstr_t
elaaoms_search_agent(const char *agent_id)
{
    size_t          len;
    elaaoms_mstr_t  agent;

    len = agent_id ? strlen(agent_id) : 0;
    if (len && !elaaoms_conversation_id_valid(agent_id, len)) {
        len = 0;   /* garbage is no agent: sees the shared only */
    }

    agent.data = len ? agent_id : "";
    agent.len = len;

    return agent;
}


int
elaaoms_search_select(const elaaoms_search_request_t *req,
    elaaoms_mstr_t agent, const elaaoms_search_cand_t *cands, size_t nc,
    void *scratch, elaaoms_search_result_t *res)
{
    int                             limit;
    void                           *mem;
    float                           threshold;
    size_t                          i, m;
    elaaoms_search_match_t         *mt;
    elaaoms_search_sel_scratch_t    s;
    const elaaoms_search_cand_t    *c;

    res->matched = 0;
    res->count = 0;
    res->nforeign = 0;

    if (nc == 0) {
        return 0;
    }

    mem = NULL;
    if (scratch == NULL) {
        mem = malloc(elaaoms_search_select_scratch_size(nc));
        if (mem == NULL) {
            return -1;
        }
        scratch = mem;
    }

    (void) elaaoms_search_sel_layout(nc, scratch, &s);

    /* 3. filters, 4. threshold */

    threshold = (float) res->threshold;
    m = 0;

    for (i = 0; i < nc; i++) {
        c = &cands[i];

        if ((req->type >= 0 && c->type != req->type)
            || (req->conversation_id
                && strcmp(c->conversation_id.data, req->conversation_id)
                   != 0)
            || (req->since && c->created < req->since)
            || (req->until && c->created > req->until)
            || c->importance < req->min_importance
            || c->score < threshold)
        {
            continue;
        }

        mt = &s.match[m++];
        mt->rank = c->key;
        mt->score = c->score;
        mt->key = c->key;
        mt->idx = c->idx;
        mt->cand = c;
        mt->superseded = c->superseded;
        mt->importance = c->importance;
        mt->created = c->created;
        mt->id = c->id;
    }

    res->matched = m;

    /* 5. rank */

    elaaoms_search_cap_superseded(s.match, m, &s);

    if (m > 1 && req->query != NULL
        && elaaoms_relevance_asks_feeling(req->query, strlen(req->query)))
    {
        elaaoms_search_feeling_episodes(s.match, m, s.pairs);
    }

    if (m > 1 && elaaoms_search_asks_now(req->query)) {
        elaaoms_search_prefer_newer(s.match, m);
    }

    limit = req->limit;
    if (limit < 1 || limit > ELAAOMS_SEARCH_MAX_LIMIT) {
        limit = limit < 1 ? ELAAOMS_SEARCH_DEFAULT_LIMIT
                          : ELAAOMS_SEARCH_MAX_LIMIT;
    }

    if (m > (size_t) limit) {
        elaaoms_search_top(s.match, m, (size_t) limit);

    } else if (m > 1) {
        qsort(s.match, m, sizeof(elaaoms_search_match_t),
              elaaoms_search_match_cmp);
    }

    /* 6. limit */

    res->count = m < (size_t) limit ? m : (size_t) limit;

    for (i = 0; i < res->count; i++) {
        mt = &s.match[i];

        res->index[i] = mt->idx;
        res->relevance[i] = mt->score;

        if (!mt->cand->own) {
            res->foreign[res->nforeign++] = mt->idx;
        }
    }

    free(mem);

    return 0;
}


int
elaaoms_search_rank(const elaaoms_search_request_t *req,
    const char *agent_id, double default_threshold,
    const elaaoms_memory_record_t *recs, size_t n, void *scratch,
    elaaoms_search_result_t *res)
{
    int                             own;
    void                           *mem;
    float                           threshold;
    size_t                          i, nv, m;
    const char                     *query;
    elaaoms_mstr_t                  agent, model, qmodel;
    elaaoms_search_scratch_t        s;
    const elaaoms_memory_record_t  *r;

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

    if (n > UINT32_MAX) {
        return -1;
    }

    agent = elaaoms_search_agent(agent_id);
    model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    qmodel = elaaoms_mstr(req->qvec != NULL ? req->qvec_model : NULL);

    mem = NULL;
    if (scratch == NULL) {
        mem = malloc(elaaoms_search_rank_scratch_size(n));
        if (mem == NULL) {
            return -1;
        }
        scratch = mem;
    }

    (void) elaaoms_search_layout(n, scratch, &s);

    /* 1. visibility: the candidate set */

    nv = 0;

    for (i = 0; i < n; i++) {
        r = &recs[i];

        own = elaaoms_memory_record_unattributed(r)
              || elaaoms_memory_record_has_agent(r, agent);

        if (!own && !req->search_all_agents
            && r->importance < ELAAOMS_MEMORY_SHAREABLE_MIN
            && !(r->flags & ELAAOMS_MEMORY_F_IDENTITY))
        {
            continue;
        }

        s.vis[nv] = (uint32_t) i;
        s.cands[nv].text = r->content.data;
        s.cands[nv].len = r->content.len;
        s.cands[nv].quote = r->source_quote.data;
        s.cands[nv].quote_len = r->source_quote.len;
        s.cands[nv].vec = NULL;
        s.cands[nv].type_concepts = elaaoms_memory_concepts(r->type,
                                        r->importance, r->content.data,
                                        r->content.len);
        s.cands[nv].vec_q8 = elaaoms_search_offline_q8(r, model);
        s.cands[nv].sem_q8 = NULL;
        s.cands[nv].provider = req->qvec != NULL
                               && r->dim == req->qvec_dim
                               && r->vec_q8 != NULL
                               && elaaoms_mstr_eq(r->embed_model, qmodel);
        s.cands[nv].provider_cos = s.cands[nv].provider
                                   ? elaaoms_cosine_q8(req->qvec, r->vec_q8,
                                                       r->dim)
                                   : 0;
        nv++;
    }

    res->visible = nv;

    /* 2. relevance over the visible set */

    query = req->query ? req->query : "";

    if (nv
        && elaaoms_relevance_score(query, strlen(query), s.cands, nv, s.rel,
                                   s.scores, s.parts)
           != 0)
    {
        free(mem);
        return -1;
    }

    /* 4. the threshold first: the filters then look at few records */

    threshold = (float) res->threshold;
    m = 0;

    for (i = 0; i < nv; i++) {
        if (s.scores[i] >= threshold) {
            elaaoms_search_cand_of(&s.over[m], &recs[s.vis[i]], agent);
            s.over[m].idx = s.vis[i];
            s.over[m].score = s.scores[i];
            s.over[m].key = s.parts[i].key;
            m++;
        }
    }

    elaaoms_search_select(req, agent, s.over, m, s.select, res);

    free(mem);

    return 0;
}


/* --- the answer ---------------------------------------------------------- */



static yajl_gen_status
elaaoms_search_gen_str(yajl_gen g, const char *s, size_t len)
{
    return yajl_gen_string(g, (const unsigned char *) s,
                           elaaoms_utf8_prefix(s, len));
}


/* an integer without yajl_gen_integer()'s sprintf() */
static yajl_gen_status
elaaoms_search_gen_int(yajl_gen g, long long v)
{
    char                buf[24], *p;
    unsigned long long  u;

    p = buf + sizeof(buf);
    u = v < 0 ? 0ULL - (unsigned long long) v : (unsigned long long) v;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (v < 0) {
        *--p = '-';
    }

    return yajl_gen_number(g, p, (size_t) (buf + sizeof(buf) - p));
}


static yajl_gen_status
elaaoms_search_gen_key(yajl_gen g, const char *key)
{
    return yajl_gen_string(g, (const unsigned char *) key, strlen(key));
}


/* a string, or null when empty */
static yajl_gen_status
elaaoms_search_gen_opt(yajl_gen g, elaaoms_mstr_t s)
{
    return s.len ? elaaoms_search_gen_str(g, s.data, s.len)
                 : yajl_gen_null(g);
}


void
elaaoms_search_iso8601(int64_t t, char *buf, size_t size)
{
    char    *p;
    int64_t  days, secs, era, doe, yoe, y, doy, mp, d, mo;

    if (t < 0) {
        t = 0;
    }

    if (t > ELAAOMS_SEARCH_MAX_TIME) {
        t = ELAAOMS_SEARCH_MAX_TIME;
    }

    days = t / 86400;
    secs = t % 86400;

    /* H. Hinnant's civil_from_days(), for days >= 0 */
    days += 719468;
    era = days / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    mo = mp < 10 ? mp + 3 : mp - 9;
    y += mo <= 2;

    /* "YYYY-MM-DDTHH:MM:SSZ" without printf: three a search answer */
    if (size < sizeof("9999-12-31T23:59:59Z")) {
        if (size) {
            buf[0] = '\0';
        }
        return;
    }

    p = elaaoms_ascii_digits(buf, (unsigned) y, 4);
    *p++ = '-';
    p = elaaoms_ascii_digits(p, (unsigned) mo, 2);
    *p++ = '-';
    p = elaaoms_ascii_digits(p, (unsigned) d, 2);
    *p++ = 'T';
    p = elaaoms_ascii_digits(p, (unsigned) (secs / 3600), 2);
    *p++ = ':';
    p = elaaoms_ascii_digits(p, (unsigned) (secs / 60 % 60), 2);
    *p++ = ':';
    p = elaaoms_ascii_digits(p, (unsigned) (secs % 60), 2);
    *p++ = 'Z';
    *p = '\0';
}


/* appends to buf[*len..size) what fits, keeping the NUL */
static void
elaaoms_search_append(char *buf, size_t size, size_t *len, const char *s,
    size_t n)
{
    if (*len + 1 >= size) {
        return;
    }

    if (n > size - 1 - *len) {
        n = size - 1 - *len;
    }

    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}


size_t
elaaoms_search_summary(char *buf, size_t size,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res)
{
    char                            tmp[128], iso[32];
    size_t                          len, qlen, cut;
    const char                     *type;
    const elaaoms_memory_record_t  *top;

    if (size == 0) {
        return 0;
    }

    buf[0] = '\0';
    len = 0;

    if (res->count == 0) {
        elaaoms_search_append(buf, size, &len, ELAAOMS_SEARCH_SUMMARY_NONE,
                              sizeof(ELAAOMS_SEARCH_SUMMARY_NONE) - 1);
        return len;
    }

    if (res->matched > res->count && res->count == 1) {
        snprintf(tmp, sizeof(tmp),
                 "Found %zu memories, showing the most relevant one.",
                 res->matched);

    } else if (res->matched > res->count) {
        snprintf(tmp, sizeof(tmp),
                 "Found %zu memories, showing the %zu most relevant.",
                 res->matched, res->count);

    } else {
        snprintf(tmp, sizeof(tmp), "Found %zu memor%s.", res->count,
                 res->count == 1 ? "y" : "ies");
    }

    elaaoms_search_append(buf, size, &len, tmp, strlen(tmp));
    elaaoms_search_append(buf, size, &len, " Most relevant: ", 16);

    /* the top memory's text, without its final full stop, cut short */

    top = &recs[res->index[0]];
    qlen = elaaoms_utf8_prefix(top->content.data, top->content.len);

    cut = 0;
    if (qlen > ELAAOMS_SEARCH_SUMMARY_QUOTE) {
        qlen = ELAAOMS_SEARCH_SUMMARY_QUOTE;
        /* not inside a UTF-8 sequence */
        while (qlen
               && ((unsigned char) top->content.data[qlen] & 0xc0) == 0x80)
        {
            qlen--;
        }
        cut = 1;
    }

    while (qlen && (top->content.data[qlen - 1] == '.'
                    || top->content.data[qlen - 1] == ' '
                    || top->content.data[qlen - 1] == '\n'))
    {
        qlen--;
    }

    elaaoms_search_append(buf, size, &len, top->content.data, qlen);
    if (cut) {
        elaaoms_search_append(buf, size, &len, "...", 3);
    }

    type = elaaoms_mem_type_name(top->type);
    elaaoms_search_iso8601(top->created, iso, sizeof(iso));
    iso[10] = '\0';

    snprintf(tmp, sizeof(tmp), " (%s, %s%s).", type ? type : "memory", iso,
             (top->flags & ELAAOMS_MEMORY_F_SUPERSEDED)
             ? ", since replaced by a newer memory" : "");
    elaaoms_search_append(buf, size, &len, tmp, strlen(tmp));

    return len;
}


#define ELAAOMS_GEN(call)                                                     \
    if ((call) != yajl_gen_status_ok) {                                       \
        return -1;                                                            \
    }


static int
elaaoms_search_gen_result(yajl_gen g, const elaaoms_memory_record_t *r,
    float relevance, int own)
{
    int          v;
    char         iso[32], num[16];
    const char  *type;

    type = elaaoms_mem_type_name(r->type);
    elaaoms_search_iso8601(r->created, iso, sizeof(iso));

    /* 0..1 with three decimals, whatever the locale */
    v = (int) lroundf(relevance * 1000.0f);
    v = v < 0 ? 0 : v > 1000 ? 1000 : v;
    num[0] = (char) ('0' + v / 1000);
    num[1] = '.';
    (void) elaaoms_ascii_digits(num + 2, (unsigned) (v % 1000), 3);
    num[5] = '\0';

    ELAAOMS_GEN(yajl_gen_map_open(g));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "id"));
    ELAAOMS_GEN(elaaoms_search_gen_str(g, r->id.data, r->id.len));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "type"));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, type ? type : "factual"));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "content"));
    ELAAOMS_GEN(elaaoms_search_gen_str(g, r->content.data, r->content.len));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "importance"));
    ELAAOMS_GEN(elaaoms_search_gen_int(g, r->importance));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "created"));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, iso));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "created_unix"));
    ELAAOMS_GEN(elaaoms_search_gen_int(g, (long long) r->created));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "conversation_id"));
    ELAAOMS_GEN(elaaoms_search_gen_opt(g, r->conversation_id));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "agent_id"));
    ELAAOMS_GEN(elaaoms_search_gen_opt(g, r->agent_id));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "relevance"));
    ELAAOMS_GEN(yajl_gen_number(g, num, strlen(num)));

    if (r->flags & ELAAOMS_MEMORY_F_SUPERSEDED) {
        ELAAOMS_GEN(elaaoms_search_gen_key(g, "superseded"));
        ELAAOMS_GEN(yajl_gen_bool(g, 1));
    }

    /*
     * the caller's own words, to the agent that heard them only: a line
     * holds more than the memory, and another agent sees of it only what
     * was shared; not when the memory says it already word for word
     */
    if (own && r->source_quote.len > 0
        && !(r->source_quote.len == r->content.len
             && memcmp(r->source_quote.data, r->content.data,
                       r->content.len) == 0))
    {
        ELAAOMS_GEN(elaaoms_search_gen_key(g, "source_quote"));
        ELAAOMS_GEN(elaaoms_search_gen_str(g, r->source_quote.data,
                                           r->source_quote.len));
    }

    ELAAOMS_GEN(yajl_gen_map_close(g));

    return 0;
}


static int
elaaoms_search_gen_doc(yajl_gen g, const char *query,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res,
    const char *summary, size_t summary_len, const char *request_id,
    size_t request_id_len)
{
    int     own;
    size_t  i, k, count;

    count = res ? res->count : 0;

    ELAAOMS_GEN(yajl_gen_map_open(g));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "query"));

    if (query) {
        ELAAOMS_GEN(elaaoms_search_gen_str(g, query, strlen(query)));
    } else {
        ELAAOMS_GEN(yajl_gen_null(g));
    }

    ELAAOMS_GEN(elaaoms_search_gen_key(g, "results"));
    ELAAOMS_GEN(yajl_gen_array_open(g));

    for (i = 0; i < count; i++) {
        own = 1;
        for (k = 0; k < res->nforeign; k++) {
            if (res->foreign[k] == res->index[i]) {
                own = 0;
                break;
            }
        }

        if (elaaoms_search_gen_result(g, &recs[res->index[i]],
                                      res->relevance[i], own)
            != 0)
        {
            return -1;
        }
    }

    ELAAOMS_GEN(yajl_gen_array_close(g));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "count"));
    ELAAOMS_GEN(elaaoms_search_gen_int(g, (long long) count));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "summary"));
    ELAAOMS_GEN(elaaoms_search_gen_str(g, summary, summary_len));
    ELAAOMS_GEN(elaaoms_search_gen_key(g, "request_id"));
    ELAAOMS_GEN(elaaoms_search_gen_str(g, request_id ? request_id : "",
                                       request_id ? request_id_len : 0));
    ELAAOMS_GEN(yajl_gen_map_close(g));

    return 0;
}


int
elaaoms_search_gen(yajl_gen g, const elaaoms_search_request_t *req,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res,
    const char *request_id, size_t request_id_len)
{
    char    summary[ELAAOMS_SEARCH_SUMMARY_MAX];
    size_t  len;

    len = elaaoms_search_summary(summary, sizeof(summary), recs, res);

    return elaaoms_search_gen_doc(g, req->query, recs, res, summary, len,
                                  request_id, request_id_len);
}


int
elaaoms_search_gen_empty(yajl_gen g, const char *query, const char *summary,
    const char *request_id, size_t request_id_len)
{
    return elaaoms_search_gen_doc(g, query, NULL, NULL, summary,
                                  strlen(summary), request_id,
                                  request_id_len);
}


size_t
elaaoms_search_audit_ids(char *buf, size_t size,
    const elaaoms_memory_record_t *recs, const elaaoms_search_result_t *res)
{
    size_t                          i, len;
    const elaaoms_memory_record_t  *r;

    len = 0;

    for (i = 0; i < res->nforeign; i++) {
        r = &recs[res->foreign[i]];

        if (len + (i > 0) + r->id.len + 1 > size) {
            if (size) {
                buf[0] = '\0';
            }
            return 0;
        }

        if (i > 0) {
            buf[len++] = ',';
        }

        memcpy(buf + len, r->id.data, r->id.len);
        len += r->id.len;
    }

    if (size) {
        buf[len] = '\0';
    }

    return len;
}
