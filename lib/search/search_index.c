/*
 * A caller's search index: build and score (see search_index.h).
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/embed.h"
#include "search/lexicon.h"
#include "search/relevance.h"
#include "search/relevance_internal.h"
#include "search/search_index.h"
#include "search/tokenize.h"
#include "util/carve.h"


#define ELAAOMS_SIX_MAGIC    0x58494553u    /* "SEIX" */
/* bump when the layout below or what it means changes */
#define ELAAOMS_SIX_LAYOUT   4
#define ELAAOMS_SIX_MAX_RECS 65535
#define ELAAOMS_SIX_MAX_AGENTS  64

#define ELAAOMS_SIX_ALIGN(x)  (((x) + 15) & ~(size_t) 15)

/* six_rec_t.flags */
#define ELAAOMS_SIX_R_UNATTRIBUTED  0x01   /* every agent owns it */
#define ELAAOMS_SIX_R_SHARED        0x02   /* identity, or important */
#define ELAAOMS_SIX_R_SUPERSEDED    0x04
#define ELAAOMS_SIX_R_CONFLICTS     0x08   /* has conflict links */


typedef struct {
    uint32_t  off;
    uint32_t  count;
} six_span_t;

typedef struct {
    uint32_t    magic;
    uint32_t    layout;
    uint32_t    model;          /* fnv1a of ELAAOMS_EMBED_MODEL */
    uint32_t    size;           /* of the whole blob */
    uint32_t    n;
    uint32_t    nagents;
    uint32_t    nstems;
    uint32_t    nentries;
    uint32_t    nsense;         /* (sense, entry) pairs */
    uint32_t    flags;          /* ELAAOMS_SEARCH_INDEX_F_* */
    uint32_t    recs;           /* offsets of the sections */
    uint32_t    agents;
    uint32_t    stems;
    uint32_t    entries;
    uint32_t    sense_pairs;
    uint32_t    pad;
    six_span_t  concepts[32];   /* six_cpost_t by concept bit */
    six_span_t  types[32];      /* uint16_t records by type concept bit */
    six_span_t  dims[ELAAOMS_EMBED_DIM];   /* six_dpost_t by dimension */
} six_hdr_t;

typedef struct {
    uint32_t  raw_off;          /* the encoded record */
    uint32_t  raw_len;
    uint64_t  agents;           /* bit per agent of the blob's list */
    uint32_t  type_concepts;    /* elaaoms_memory_concepts() */
    int32_t   norm2;            /* of its offline vector, in q8 units */
    uint16_t  len;              /* content words, as relevance.c counts */
    uint8_t   flags;
    uint8_t   type;
    /* what the filters and the rank read (search_rank.h) */
    int64_t   created;
    uint32_t  id_off;           /* NUL-terminated copies */
    uint32_t  conv_off;
    uint16_t  id_len;
    uint16_t  conv_len;
    uint8_t   importance;
    uint8_t   pad[3];
} six_rec_t;

typedef struct {
    uint32_t  off;
    uint32_t  len;
} six_str_t;

typedef struct {
    uint32_t  hash;             /* elaaoms_fnv1a of the stem */
    uint32_t  str_off;
    uint32_t  len;
    uint32_t  first;            /* its entries: first .. first + count */
    uint32_t  count;
} six_stem_t;

/* a word form: a surface word with the concepts it had in context */
typedef struct {
    uint32_t    stem;
    uint32_t    concepts;
    six_span_t  post;           /* six_post_t */
    six_span_t  senses;         /* uint32_t, sorted */
} six_entry_t;

typedef struct {
    uint16_t  m;                /* record */
    uint16_t  units;            /* ELAAOMS_REL_*_UNITS summed */
} six_post_t;

typedef struct {
    uint16_t  m;
    int16_t   v;
} six_dpost_t;

/* a posting of a word with the concept, with what excludes it */
typedef struct {
    uint32_t  stem;
    uint32_t  concepts;
    uint16_t  m;
    uint16_t  units;
} six_cpost_t;

typedef struct {
    uint32_t  sense;
    uint32_t  entry;
} six_sense_t;


static uint32_t
elaaoms_six_model(void)
{
    const char  *model = ELAAOMS_EMBED_MODEL;

    return elaaoms_fnv1a(ELAAOMS_FNV_BASIS, model, strlen(model));
}


/* --- building -------------------------------------------------------- */

/* a word form while building: its surface word and stem */
typedef struct {
    char      word[ELAAOMS_TOKEN_MAX + 1];
    char      stem[ELAAOMS_TOKEN_MAX + 1];
    uint8_t   word_len;
    uint8_t   stem_len;
    uint32_t  stem_hash;
    uint32_t  concepts;
    uint32_t  hash;             /* of word and concepts */
    uint32_t  stem_id;
} six_bentry_t;

typedef struct {
    uint32_t  entry;
    uint32_t  m;
    uint32_t  units;
} six_occ_t;

typedef struct {
    six_bentry_t  *entries;
    size_t         nentries;
    size_t         entries_cap;
    uint32_t      *table;       /* entry + 1, open addressing */
    size_t         table_cap;
    six_occ_t     *occ;
    size_t         nocc;
    size_t         occ_cap;
} six_build_t;


static int
elaaoms_six_grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t   c;
    void    *q;

    if (need <= *cap) {
        return 0;
    }

    for (c = *cap ? *cap : 64; c < need; c *= 2) {
        /* void */
    }

    q = realloc(*p, c * size);
    if (q == NULL) {
        return -1;
    }

    *p = q;
    *cap = c;

    return 0;
}


static int
elaaoms_six_rehash(six_build_t *b)
{
    size_t     i, cap, h;
    uint32_t  *t;

    cap = b->table_cap ? b->table_cap * 2 : 1024;

    t = calloc(cap, sizeof(uint32_t));
    if (t == NULL) {
        return -1;
    }

    for (i = 0; i < b->nentries; i++) {
        h = b->entries[i].hash & (cap - 1);
        while (t[h]) {
            h = (h + 1) & (cap - 1);
        }
        t[h] = (uint32_t) i + 1;
    }

    free(b->table);
    b->table = t;
    b->table_cap = cap;

    return 0;
}


/* the id of tok's word form, added when new; -1 on allocation failure */
static int64_t
elaaoms_six_entry(six_build_t *b, const elaaoms_token_t *tok)
{
    size_t         h;
    uint32_t       hash, e;
    six_bentry_t  *be;

    hash = elaaoms_fnv1a(ELAAOMS_FNV_BASIS, tok->word, tok->word_len);
    hash = elaaoms_fnv1a(hash, &tok->concepts, sizeof(tok->concepts));

    if (2 * (b->nentries + 1) > b->table_cap && elaaoms_six_rehash(b) != 0) {
        return -1;
    }

    h = hash & (b->table_cap - 1);

    while ((e = b->table[h]) != 0) {
        be = &b->entries[e - 1];

        if (be->hash == hash && be->concepts == tok->concepts
            && be->word_len == tok->word_len
            && memcmp(be->word, tok->word, tok->word_len) == 0)
        {
            return e - 1;
        }

        h = (h + 1) & (b->table_cap - 1);
    }

    if (elaaoms_six_grow((void **) &b->entries, &b->entries_cap,
                         b->nentries + 1, sizeof(six_bentry_t))
        != 0)
    {
        return -1;
    }

    be = &b->entries[b->nentries];
    memcpy(be->word, tok->word, tok->word_len + 1);
    memcpy(be->stem, tok->stem, tok->stem_len + 1);
    be->word_len = (uint8_t) tok->word_len;
    be->stem_len = (uint8_t) tok->stem_len;
    be->stem_hash = tok->stem_hash;
    be->concepts = tok->concepts;
    be->hash = hash;

    b->table[h] = (uint32_t) ++b->nentries;

    return b->nentries - 1;
}


/* the words of one text of record m: occurrences; its units, or -1 */
static int64_t
elaaoms_six_text(six_build_t *b, const char *text, size_t len, uint32_t m,
    unsigned units)
{
    int64_t              e, words;
    elaaoms_token_t      tok;
    elaaoms_tokenizer_t  tz;

    words = 0;

    elaaoms_tokenizer_init(&tz, text, len);

    while (elaaoms_tokenizer_next(&tz, &tok)) {
        if (tok.stopword) {
            continue;
        }

        words += units;

        e = elaaoms_six_entry(b, &tok);
        if (e < 0
            || elaaoms_six_grow((void **) &b->occ, &b->occ_cap, b->nocc + 1,
                                sizeof(six_occ_t))
               != 0)
        {
            return -1;
        }

        b->occ[b->nocc].entry = (uint32_t) e;
        b->occ[b->nocc].m = m;
        b->occ[b->nocc].units = units;
        b->nocc++;
    }

    return words;
}


static int
elaaoms_six_stem_cmp(const six_bentry_t *x, const six_bentry_t *y)
{
    if (x->stem_hash != y->stem_hash) {
        return x->stem_hash < y->stem_hash ? -1 : 1;
    }

    if (x->stem_len != y->stem_len) {
        return x->stem_len < y->stem_len ? -1 : 1;
    }

    return memcmp(x->stem, y->stem, x->stem_len);
}


/* entries in stem order (hash, then the stem), then by word */
static int
elaaoms_six_entry_order_cmp(const void *a, const void *b, void *arg)
{
    int                  rc;
    const six_bentry_t  *entries = arg, *x, *y;

    x = &entries[*(const uint32_t *) a];
    y = &entries[*(const uint32_t *) b];

    rc = elaaoms_six_stem_cmp(x, y);
    if (rc) {
        return rc;
    }

    if (x->word_len != y->word_len) {
        return x->word_len < y->word_len ? -1 : 1;
    }

    rc = memcmp(x->word, y->word, x->word_len);
    if (rc) {
        return rc;
    }

    return x->concepts < y->concepts ? -1 : x->concepts > y->concepts;
}


static int
elaaoms_six_occ_cmp(const void *a, const void *b)
{
    const six_occ_t  *x = a, *y = b;

    if (x->entry != y->entry) {
        return x->entry < y->entry ? -1 : 1;
    }

    return x->m < y->m ? -1 : x->m > y->m;
}


static int
elaaoms_six_sense_cmp(const void *a, const void *b)
{
    const six_sense_t  *x = a, *y = b;

    if (x->sense != y->sense) {
        return x->sense < y->sense ? -1 : 1;
    }

    return x->entry < y->entry ? -1 : x->entry > y->entry;
}


static void
elaaoms_six_build_free(six_build_t *b)
{
    free(b->entries);
    free(b->table);
    free(b->occ);
}


int
elaaoms_search_index_build(const elaaoms_memory_record_t *recs,
    const elaaoms_mstr_t *raw, size_t n, unsigned char **out, size_t *outlen)
{
    int                   rc;
    size_t                i, k, d, e, s, np, nsense, ndpost, nstems, size;
    size_t                off_recs, off_agents, off_agent_str, off_stems;
    size_t                off_stem_str, off_entries, off_post, off_senses;
    size_t                off_sense_pairs, off_concepts, off_dims, off_raw;
    size_t                agent_str, stem_str, nconcept, ncpt[32];
    size_t                off_ids, ids_len, ip, off_types, ntypes;
    uint32_t             *tc;
    int64_t               words, w;
    unsigned              flags;
    size_t                nagents;
    uint16_t             *lens;
    uint32_t             *order, *rank, ctotal;
    unsigned char        *blob;
    const int8_t         *q;
    const uint32_t       *ids;
    six_hdr_t            *h;
    six_rec_t            *sr;
    six_str_t            *sa;
    six_stem_t           *st;
    six_entry_t          *se;
    six_post_t           *post;
    six_cpost_t          *cpost;
    const six_post_t     *p;
    six_dpost_t          *dpost;
    six_sense_t          *pairs;
    six_build_t           b;
    six_bentry_t         *be;
    elaaoms_mstr_t        agents[ELAAOMS_SIX_MAX_AGENTS], model, a;
    const elaaoms_memory_record_t  *r;

    if (n > ELAAOMS_SIX_MAX_RECS) {
        return 1;
    }

    model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);

    /* the agents, and every record has an offline vector */

    nagents = 0;
    flags = 0;
    agent_str = 0;

    for (i = 0; i < n; i++) {
        r = &recs[i];

        if (elaaoms_search_offline_q8(r, model) == NULL) {
            return 1;
        }

        if (r->dim && r->vec_q8 != NULL
            && !elaaoms_mstr_eq(r->embed_model, model))
        {
            flags |= ELAAOMS_SEARCH_INDEX_F_PROVIDER;
        }

        for (k = 0; k <= r->nprior_agents; k++) {
            a = k == 0 ? r->agent_id : r->prior_agents[k - 1];
            if (a.len == 0) {
                continue;
            }

            for (e = 0; e < nagents; e++) {
                if (elaaoms_mstr_eq(agents[e], a)) {
                    break;
                }
            }

            if (e == nagents) {
                if (nagents == ELAAOMS_SIX_MAX_AGENTS) {
                    return 1;
                }
                agents[nagents++] = a;
                agent_str += a.len;
            }
        }
    }

    /* the words */

    memset(&b, 0, sizeof(six_build_t));
    order = NULL;
    rank = NULL;
    pairs = NULL;
    blob = NULL;
    rc = -1;

    /* per record: its length in words and its type concepts */
    tc = malloc((n ? n : 1) * sizeof(uint32_t));
    lens = malloc((n ? n : 1) * sizeof(uint16_t));
    if (lens == NULL || tc == NULL) {
        free(lens);
        free(tc);
        return -1;
    }

    for (i = 0; i < n; i++) {
        r = &recs[i];

        words = elaaoms_six_text(&b, r->content.data, r->content.len,
                                 (uint32_t) i, ELAAOMS_REL_CONTENT_UNITS);
        if (words < 0) {
            goto failed;
        }

        if (r->source_quote.data != NULL) {
            w = elaaoms_six_text(&b, r->source_quote.data,
                                 r->source_quote.len, (uint32_t) i,
                                 ELAAOMS_REL_QUOTE_UNITS);
            if (w < 0) {
                goto failed;
            }
            words += w;
        }

        words /= ELAAOMS_REL_CONTENT_UNITS;
        lens[i] = words > UINT16_MAX ? UINT16_MAX : (uint16_t) words;
    }

    /* entries in stem order: rank[old] = new */

    order = malloc((b.nentries ? b.nentries : 1) * 2 * sizeof(uint32_t));
    if (order == NULL) {
        goto failed;
    }
    rank = order + (b.nentries ? b.nentries : 1);

    for (e = 0; e < b.nentries; e++) {
        order[e] = (uint32_t) e;
    }

    if (b.nentries > 1) {
        qsort_r(order, b.nentries, sizeof(uint32_t),
                elaaoms_six_entry_order_cmp, b.entries);
    }

    for (e = 0; e < b.nentries; e++) {
        rank[order[e]] = (uint32_t) e;
    }

    nstems = 0;
    stem_str = 0;

    for (e = 0; e < b.nentries; e++) {
        be = &b.entries[order[e]];

        if (e == 0
            || elaaoms_six_stem_cmp(&b.entries[order[e - 1]], be) != 0)
        {
            nstems++;
            stem_str += be->stem_len;
        }

        be->stem_id = (uint32_t) nstems - 1;
    }

    /* occurrences by (entry, record), merged into postings */

    for (i = 0; i < b.nocc; i++) {
        b.occ[i].entry = rank[b.occ[i].entry];
    }

    if (b.nocc > 1) {
        qsort(b.occ, b.nocc, sizeof(six_occ_t), elaaoms_six_occ_cmp);
    }

    np = 0;

    for (i = 0; i < b.nocc; i++) {
        if (np && b.occ[np - 1].entry == b.occ[i].entry
            && b.occ[np - 1].m == b.occ[i].m)
        {
            b.occ[np - 1].units += b.occ[i].units;
            continue;
        }

        b.occ[np++] = b.occ[i];
    }

    /* senses and concepts of the entries */

    nsense = 0;
    nconcept = 0;
    memset(ncpt, 0, sizeof(ncpt));

    i = 0;   /* the merged postings, in entry order */

    for (e = 0; e < b.nentries; e++) {
        be = &b.entries[order[e]];
        nsense += elaaoms_lexicon_senses(be->word, be->word_len, &ids);

        for (w = 0; i < np && b.occ[i].entry == e; i++) {
            w++;
        }

        for (k = 0; k < 32; k++) {
            if (be->concepts & (1u << k)) {
                ncpt[k] += (size_t) w;
                nconcept += (size_t) w;
            }
        }
    }

    /* the vectors' non-zero dimensions */

    ndpost = 0;

    for (i = 0; i < n; i++) {
        q = (const int8_t *) elaaoms_search_offline_q8(&recs[i], model);
        for (d = 0; d < ELAAOMS_EMBED_DIM; d++) {
            ndpost += q[d] != 0;
        }
    }

    /* the layout */

    size = ELAAOMS_SIX_ALIGN(sizeof(six_hdr_t));
    off_recs = size;
    size += ELAAOMS_SIX_ALIGN(n * sizeof(six_rec_t));
    off_agents = size;
    size += ELAAOMS_SIX_ALIGN(nagents * sizeof(six_str_t));
    off_agent_str = size;
    size += ELAAOMS_SIX_ALIGN(agent_str);
    off_ids = size;
    ids_len = 0;
    for (i = 0; i < n; i++) {
        ids_len += recs[i].id.len + recs[i].conversation_id.len + 2;
    }
    size += ELAAOMS_SIX_ALIGN(ids_len);
    off_stems = size;
    size += ELAAOMS_SIX_ALIGN(nstems * sizeof(six_stem_t));
    off_stem_str = size;
    size += ELAAOMS_SIX_ALIGN(stem_str);
    off_entries = size;
    size += ELAAOMS_SIX_ALIGN(b.nentries * sizeof(six_entry_t));
    off_post = size;
    size += ELAAOMS_SIX_ALIGN(np * sizeof(six_post_t));
    off_senses = size;
    size += ELAAOMS_SIX_ALIGN(nsense * sizeof(uint32_t));
    off_sense_pairs = size;
    size += ELAAOMS_SIX_ALIGN(nsense * sizeof(six_sense_t));
    off_concepts = size;
    size += ELAAOMS_SIX_ALIGN(nconcept * sizeof(six_cpost_t));
    off_types = size;
    ntypes = 0;
    for (i = 0; i < n; i++) {
        tc[i] = elaaoms_memory_concepts(recs[i].type, recs[i].importance,
                                        recs[i].content.data,
                                        recs[i].content.len);
        for (k = 0; k < 32; k++) {
            ntypes += (tc[i] >> k) & 1;
        }
    }
    size += ELAAOMS_SIX_ALIGN(ntypes * sizeof(uint16_t));
    off_dims = size;
    size += ELAAOMS_SIX_ALIGN(ndpost * sizeof(six_dpost_t));
    off_raw = size;

    for (i = 0; i < n; i++) {
        size += ELAAOMS_SIX_ALIGN(raw[i].len);
    }

    if (size > UINT32_MAX) {
        rc = 1;
        goto failed;
    }

    blob = calloc(1, size);
    if (blob == NULL) {
        goto failed;
    }

    h = (six_hdr_t *) blob;
    h->magic = ELAAOMS_SIX_MAGIC;
    h->layout = ELAAOMS_SIX_LAYOUT;
    h->model = elaaoms_six_model();
    h->size = (uint32_t) size;
    h->n = (uint32_t) n;
    h->nagents = (uint32_t) nagents;
    h->nstems = (uint32_t) nstems;
    h->nentries = (uint32_t) b.nentries;
    h->nsense = (uint32_t) nsense;
    h->flags = flags;
    h->recs = (uint32_t) off_recs;
    h->agents = (uint32_t) off_agents;
    h->stems = (uint32_t) off_stems;
    h->entries = (uint32_t) off_entries;
    h->sense_pairs = (uint32_t) off_sense_pairs;

    /* agents */

    sa = (six_str_t *) (blob + off_agents);
    s = off_agent_str;

    for (e = 0; e < nagents; e++) {
        memcpy(blob + s, agents[e].data, agents[e].len);
        sa[e].off = (uint32_t) s;
        sa[e].len = (uint32_t) agents[e].len;
        s += agents[e].len;
    }

    /* records, their bytes, and the dimensions' postings */

    sr = (six_rec_t *) (blob + off_recs);
    s = off_raw;
    ip = off_ids;

    for (i = 0; i < n; i++) {
        r = &recs[i];

        if (r->id.len > UINT16_MAX || r->conversation_id.len > UINT16_MAX) {
            rc = 1;
            goto failed;
        }

        sr[i].created = r->created;
        sr[i].type = (uint8_t) r->type;
        sr[i].importance = (uint8_t) r->importance;
        sr[i].id_off = (uint32_t) ip;
        sr[i].id_len = (uint16_t) r->id.len;
        memcpy(blob + ip, r->id.data, r->id.len);
        ip += r->id.len + 1;
        sr[i].conv_off = (uint32_t) ip;
        sr[i].conv_len = (uint16_t) r->conversation_id.len;
        memcpy(blob + ip, r->conversation_id.data, r->conversation_id.len);
        ip += r->conversation_id.len + 1;

        memcpy(blob + s, raw[i].data, raw[i].len);
        sr[i].raw_off = (uint32_t) s;
        sr[i].raw_len = (uint32_t) raw[i].len;
        s += ELAAOMS_SIX_ALIGN(raw[i].len);

        sr[i].len = lens[i];
        sr[i].type_concepts = tc[i];
        sr[i].flags = 0;
        if (r->flags & ELAAOMS_MEMORY_F_SUPERSEDED) {
            sr[i].flags |= ELAAOMS_SIX_R_SUPERSEDED;
        }
        if (r->nconflicts) {
            sr[i].flags |= ELAAOMS_SIX_R_CONFLICTS;
        }
        if (elaaoms_memory_record_unattributed(r)) {
            sr[i].flags |= ELAAOMS_SIX_R_UNATTRIBUTED;
        }
        if (r->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN
            || (r->flags & ELAAOMS_MEMORY_F_IDENTITY))
        {
            sr[i].flags |= ELAAOMS_SIX_R_SHARED;
        }

        sr[i].agents = 0;
        for (e = 0; e < nagents; e++) {
            if (elaaoms_memory_record_has_agent(r, agents[e])) {
                sr[i].agents |= (uint64_t) 1 << e;
            }
        }

        q = (const int8_t *) elaaoms_search_offline_q8(r, model);
        sr[i].norm2 = 0;
        for (d = 0; d < ELAAOMS_EMBED_DIM; d++) {
            sr[i].norm2 += (int32_t) q[d] * q[d];
            h->dims[d].count += q[d] != 0;
        }
    }

    /* records by type concept */

    s = 0;
    for (k = 0; k < 32; k++) {
        h->types[k].off = (uint32_t) (off_types + s * sizeof(uint16_t));
        for (i = 0; i < n; i++) {
            if (tc[i] & (1u << k)) {
                ((uint16_t *) (blob + off_types))[s++] = (uint16_t) i;
                h->types[k].count++;
            }
        }
    }

    s = 0;
    for (d = 0; d < ELAAOMS_EMBED_DIM; d++) {
        h->dims[d].off = (uint32_t) (off_dims + s * sizeof(six_dpost_t));
        s += h->dims[d].count;
        h->dims[d].count = 0;
    }

    for (i = 0; i < n; i++) {
        q = (const int8_t *) elaaoms_search_offline_q8(&recs[i], model);

        for (d = 0; d < ELAAOMS_EMBED_DIM; d++) {
            if (q[d] != 0) {
                dpost = (six_dpost_t *) (blob + h->dims[d].off);
                dpost[h->dims[d].count].m = (uint16_t) i;
                dpost[h->dims[d].count].v = q[d];
                h->dims[d].count++;
            }
        }
    }

    /* stems */

    st = (six_stem_t *) (blob + off_stems);
    s = off_stem_str;

    for (e = 0; e < b.nentries; e++) {
        be = &b.entries[order[e]];

        if (e == 0 || b.entries[order[e - 1]].stem_id != be->stem_id) {
            st[be->stem_id].hash = be->stem_hash;
            st[be->stem_id].str_off = (uint32_t) s;
            st[be->stem_id].len = be->stem_len;
            st[be->stem_id].first = (uint32_t) e;
            memcpy(blob + s, be->stem, be->stem_len);
            s += be->stem_len;
        }

        st[be->stem_id].count++;
    }

    /* entries, postings, senses, concepts */

    se = (six_entry_t *) (blob + off_entries);
    post = (six_post_t *) (blob + off_post);
    pairs = (six_sense_t *) (blob + off_sense_pairs);

    ctotal = 0;
    for (k = 0; k < 32; k++) {
        h->concepts[k].off = (uint32_t) (off_concepts
                                         + ctotal * sizeof(six_cpost_t));
        ctotal += (uint32_t) ncpt[k];
    }

    k = 0;   /* postings */
    s = 0;   /* senses */

    for (e = 0; e < b.nentries; e++) {
        be = &b.entries[order[e]];

        se[e].stem = be->stem_id;
        se[e].concepts = be->concepts;
        se[e].post.off = (uint32_t) (off_post + k * sizeof(six_post_t));

        while (k < np && b.occ[k].entry == e) {
            post[k].m = (uint16_t) b.occ[k].m;
            post[k].units = b.occ[k].units > UINT16_MAX
                            ? UINT16_MAX : (uint16_t) b.occ[k].units;
            se[e].post.count++;
            k++;
        }

        nsense = elaaoms_lexicon_senses(be->word, be->word_len, &ids);
        se[e].senses.off = (uint32_t) (off_senses + s * sizeof(uint32_t));
        se[e].senses.count = (uint32_t) nsense;
        if (nsense) {
            memcpy(blob + se[e].senses.off, ids, nsense * sizeof(uint32_t));
        }

        for (d = 0; d < nsense; d++) {
            pairs[s + d].sense = ids[d];
            pairs[s + d].entry = (uint32_t) e;
        }
        s += nsense;

        for (d = 0; d < 32; d++) {
            if (!(be->concepts & (1u << d))) {
                continue;
            }

            cpost = (six_cpost_t *) (blob + h->concepts[d].off);

            for (i = se[e].post.off; i < k * sizeof(six_post_t) + off_post;
                 i += sizeof(six_post_t))
            {
                p = (const six_post_t *) (blob + i);
                cpost[h->concepts[d].count].stem = be->stem_id;
                cpost[h->concepts[d].count].concepts = be->concepts;
                cpost[h->concepts[d].count].m = p->m;
                cpost[h->concepts[d].count].units = p->units;
                h->concepts[d].count++;
            }
        }
    }

    if (s > 1) {
        qsort(pairs, s, sizeof(six_sense_t), elaaoms_six_sense_cmp);
    }

    *out = blob;
    *outlen = size;
    blob = NULL;
    rc = 0;

failed:

    free(blob);
    free(order);
    free(lens);
    free(tc);
    elaaoms_six_build_free(&b);

    return rc;
}


/* --- reading --------------------------------------------------------- */

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

    return elaaoms_six_layout(h->n, h->nsense, NULL, NULL);
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


static elaaoms_cand_stats_t *
elaaoms_six_touch(six_scratch_t *s, size_t *ntouched, uint32_t m,
    const six_rec_t *recs)
{
    elaaoms_cand_stats_t  *st;

    if (s->slot[m]) {
        return &s->stats[s->slot[m] - 1];
    }

    st = &s->stats[*ntouched];
    memset(st, 0, sizeof(elaaoms_cand_stats_t));
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

    if ((st->exact[j] | st->related[j] | st->sense[j]) == 0) {
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


/* the counts of term j over the visible records */
static void
elaaoms_six_term(const void *blob, const elaaoms_query_term_t *t, size_t j,
    six_scratch_t *s, size_t *ntouched, size_t *df)
{
    size_t              k, e, ns, lo, hi, mid, i;
    int64_t             stem;
    uint32_t            m, below;
    const six_hdr_t    *h = blob;
    const six_rec_t    *recs;
    const six_stem_t   *st;
    const six_entry_t  *entries, *se;
    const six_sense_t  *pairs;
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

    /* words sharing a WordNet sense, and neither of the above */

    if (t->nsenses) {
        pairs = ELAAOMS_SIX_AT(blob, h->sense_pairs, six_sense_t);
        ns = 0;

        for (k = 0; k < t->nsenses; k++) {
            lo = 0;
            hi = h->nsense;

            while (lo < hi) {
                mid = lo + (hi - lo) / 2;
                if (pairs[mid].sense < t->senses[k]) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }

            for ( ; lo < h->nsense && pairs[lo].sense == t->senses[k]; lo++) {
                s->senses[ns++] = pairs[lo].entry;
            }
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
            if (cs->exact[j] == 0 && cs->related[j] == 0) {
                df[j] += cs->sense[j] == 0;
                cs->related[j] = ELAAOMS_REL_QUOTE_UNITS;
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
    size_t                 i, j, d, n, nv, nterms, ntouched, nover;
    size_t                 df[ELAAOMS_RELEVANCE_MAX_TERMS];
    uint32_t               m;
    uint64_t               abit;
    float                  qvec[ELAAOMS_EMBED_DIM];
    float                  threshold, raw_floor, avglen, ideal, cos, raw;
    float                  score, zero, bound;
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

    (void) elaaoms_six_layout(n, h->nsense, scratch, &s);
    *views = s.views;

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

    ntouched = 0;

    for (j = 0; j < nterms; j++) {
        df[j] = 0;
        elaaoms_six_term(blob, &terms[j], j, &s, &ntouched, df);
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

        if (s.slot[m]) {
            st = &s.stats[s.slot[m] - 1];

            if (zero < threshold) {
                /*
                 * a bound first: a BM25 fill is under credit * (k1 + 1),
                 * so most memories a common word or concept touched are
                 * out without the formula
                 */
                bound = 0;
                for (j = 0; j < nterms; j++) {
                    bound += st->exact[j] ? wexact[j]
                             : st->related[j] ? wrelated[j]
                             : st->sense[j] ? wsense[j] : 0;
                }

                if (ELAAOMS_REL_W_COS * cos
                    + ELAAOMS_REL_W_LEX * (bound < 1 ? bound : 1)
                    < raw_floor)
                {
                    continue;
                }
            }

            raw = elaaoms_relevance_raw(terms, nterms, ideal, st, avglen,
                                        cos, NULL);
            if (raw < raw_floor && zero < threshold) {
                continue;
            }

            score = elaaoms_relevance_calibrate(raw);

        } else if (cos > 0) {
            /* no word filled: the cosine half, and the answer type missed */
            raw = ELAAOMS_REL_W_COS * cos;
            if (penalty) {
                raw *= ELAAOMS_REL_ANSWER_TYPE_MISS;
            }

            if (raw < raw_floor && zero < threshold) {
                continue;
            }

            /* the shared formula, to the bit */
            memset(&s.stats[ntouched], 0, sizeof(elaaoms_cand_stats_t));
            s.stats[ntouched].len = recs[m].len;
            raw = elaaoms_relevance_raw(terms, nterms, ideal,
                                        &s.stats[ntouched], avglen, cos,
                                        NULL);
            score = elaaoms_relevance_calibrate(raw);

        } else {
            score = zero;
        }

        if (score < threshold) {
            continue;
        }

        c = &s.over[nover];
        c->idx = m;
        c->score = score;
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
