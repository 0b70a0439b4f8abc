/*
 * A caller's search index: building the blob (see search_index.h).
 */

#include <stdlib.h>
#include <string.h>

#include "search/embed.h"
#include "search/lexicon.h"
#include "search/relevance_internal.h"
#include "search/search_index.h"
#include "search/search_index_layout.h"
#include "search/tokenize.h"
#include "search/wordvec.h"


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
    size_t                nkind, s2;
    size_t                off_recs, off_agents, off_agent_str, off_stems;
    size_t                off_stem_str, off_entries, off_post, off_senses;
    size_t                off_sense_pairs, off_concepts, off_dims, off_raw;
    size_t                off_kind_pairs;
    size_t                off_sems;
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
    six_sense_t          *pairs, *kpairs;
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
    nkind = 0;
    nconcept = 0;
    memset(ncpt, 0, sizeof(ncpt));

    i = 0;   /* the merged postings, in entry order */

    for (e = 0; e < b.nentries; e++) {
        be = &b.entries[order[e]];
        nsense += elaaoms_lexicon_senses(be->word, be->word_len, &ids);
        nkind += elaaoms_lexicon_kinds(be->word, be->word_len, &ids);

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
    off_kind_pairs = size;
    size += ELAAOMS_SIX_ALIGN(nkind * sizeof(six_sense_t));
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
    off_sems = size;
    size += ELAAOMS_SIX_ALIGN(n * ELAAOMS_WORDVEC_DIM);
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
    h->nkind = (uint32_t) nkind;
    h->flags = flags;
    h->recs = (uint32_t) off_recs;
    h->agents = (uint32_t) off_agents;
    h->stems = (uint32_t) off_stems;
    h->entries = (uint32_t) off_entries;
    h->sems = (uint32_t) off_sems;
    h->sense_pairs = (uint32_t) off_sense_pairs;
    h->kind_pairs = (uint32_t) off_kind_pairs;

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

        elaaoms_wordvec_text_q8(r->content.data, r->content.len,
                                r->source_quote.data, r->source_quote.len,
                                blob + off_sems + i * ELAAOMS_WORDVEC_DIM);
        sr[i].sem_norm2 = elaaoms_wordvec_norm2(blob + off_sems
                                                + i * ELAAOMS_WORDVEC_DIM);

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
    kpairs = (six_sense_t *) (blob + off_kind_pairs);

    ctotal = 0;
    for (k = 0; k < 32; k++) {
        h->concepts[k].off = (uint32_t) (off_concepts
                                         + ctotal * sizeof(six_cpost_t));
        ctotal += (uint32_t) ncpt[k];
    }

    k = 0;   /* postings */
    s = 0;   /* senses */
    s2 = 0;  /* kinds */

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

        nsense = elaaoms_lexicon_kinds(be->word, be->word_len, &ids);
        for (d = 0; d < nsense; d++) {
            kpairs[s2 + d].sense = ids[d];
            kpairs[s2 + d].entry = (uint32_t) e;
        }
        s2 += nsense;

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

    if (s2 > 1) {
        qsort(kpairs, s2, sizeof(six_sense_t), elaaoms_six_sense_cmp);
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
