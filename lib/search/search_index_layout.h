/*
 * The search index's blob layout (search_index.h), shared by its builder
 * (search_index_build.c) and its reader (search_index.c).  Offsets are
 * from the blob's start: the blob can move, and several processes read
 * one copy.  Not an API.
 */

#ifndef ELAAOMS_SEARCH_INDEX_LAYOUT_H
#define ELAAOMS_SEARCH_INDEX_LAYOUT_H

#include <stdint.h>
#include <string.h>

#include "search/embed.h"
#include "search/tokenize.h"
#include "search/wordvec.h"


#define ELAAOMS_SIX_MAGIC    0x58494553u    /* "SEIX" */
/* bump when the layout below or what it means changes */
#define ELAAOMS_SIX_LAYOUT   18
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
    uint32_t    nkind;          /* (kind, entry) pairs: lexicon.h's kinds */
    uint32_t    flags;          /* ELAAOMS_SEARCH_INDEX_F_* */
    uint32_t    recs;           /* offsets of the sections */
    uint32_t    agents;
    uint32_t    stems;
    uint32_t    entries;
    uint32_t    sense_pairs;
    uint32_t    kind_pairs;     /* six_sense_t, by kind */
    uint32_t    sems;           /* n x ELAAOMS_WORDVEC_DIM bytes: the
                                   records' packed word vectors */
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
    int32_t   sem_norm2;        /* of its word vector (wordvec.h) */
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


static inline uint32_t
elaaoms_six_model(void)
{
    const char  *model = ELAAOMS_EMBED_MODEL;

    return elaaoms_fnv1a(ELAAOMS_FNV_BASIS, model, strlen(model));
}


#endif /* ELAAOMS_SEARCH_INDEX_LAYOUT_H */
