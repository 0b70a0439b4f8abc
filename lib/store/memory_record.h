/*
 * One stored memory about one caller, and its compact binary encoding.
 *
 * The worker encodes records into the caller's Redis hash (memory_store.h);
 * the nginx module reads the whole hash with one HGETALL and decodes up to
 * ~1,000 records per request, so decoding is the hot path: one pass, no
 * allocation (elaaoms_memory_record_decode_view() points into the reply).
 *
 * Encoding, version 2, every integer little-endian:
 *
 *   off  size
 *     0     1  magic 0x4d ('M')
 *     1     1  version (2)
 *     2     1  type (elaaoms_mem_type_e)
 *     3     1  importance 1..10
 *     4     1  flags (ELAAOMS_MEMORY_F_*)
 *     5     1  number of conflict links, 0..ELAAOMS_MEMORY_MAX_CONFLICTS
 *     6     2  embedding dimension, 0 (none) .. ELAAOMS_MEMORY_MAX_DIM
 *     8     4  reinforcement count
 *    12     4  confidence, IEEE-754 binary32, 0..1
 *    16     8  created, unix seconds (signed, >= 0)
 *    24     8  last reinforced, unix seconds (signed, >= 0)
 *    32        strings, each u16 length, the bytes, one NUL byte:
 *              id, org, caller, conversation_id, agent_id, content,
 *              source_quote, embed_model, then one per conflict link
 *     .     1  number of prior agents, 0..ELAAOMS_MEMORY_MAX_AGENTS - 1
 *     .        the prior agents, strings as above, least recent first
 *     .   dim  the embedding, elaaoms_vec_pack_q8() bytes
 *
 * then, only when the flags byte has ELAAOMS_MEMORY_WIRE_VEC2 (0x80, a
 * bit of the encoding, never of `flags`), a second vector beside the
 * first, of another model -- the offline embedder's beside a provider's,
 * so that a reader that cannot use the provider's (nginx without the
 * question's provider vector) never embeds the text again:
 *
 *     .        its model, a string as above
 *     .     2  its dimension, 1 .. ELAAOMS_MEMORY_MAX_DIM
 *     .  dim2  its elaaoms_vec_pack_q8() bytes
 *
 * The record must end exactly there.  The NUL after every string costs a
 * byte and buys C strings that point straight into the input buffer; a
 * string holding a NUL itself is refused, so strlen() == len always.
 *
 * Agents: a memory belongs to every agent that created or reinforced it.
 * agent_id is the latest of them; prior_agents the others, each once, in
 * the order they last confirmed the memory, so the hot paths learn the
 * whole set from the record alone (one HGETALL, no other key).  At most
 * ELAAOMS_MEMORY_MAX_AGENTS in all: one more drops the agent that
 * confirmed it longest ago.  A record with no agent (agent_id "") has no
 * prior agents either: it is unattributed.
 *
 * Version 1 is version 2 without the prior agents (and without the
 * IDENTITY flag); it still decodes, as a record whose only agent is
 * agent_id (version says which it was).  The encoder writes version 2
 * only.  Readers upgrade first: a v1 reader refuses v2 records rather
 * than misreading them.
 *
 * Decoding refuses (and never reads past the buffer on) truncated input,
 * trailing bytes, an unknown magic/version/type/flag, importance outside
 * 1..10, confidence outside 0..1 or NaN, negative times, missing NUL
 * terminators, an empty id/org/caller/content, an invalid memory id, an
 * embedding without a model name, a second vector without a first or a
 * model, and prior agents that are empty, repeated, equal to agent_id,
 * too many, or given without an agent_id.  Records without a second
 * vector encode exactly as before it existed.
 *
 * Size: 32 + 3 bytes per string + 1 (v2) + the strings + dim; a typical
 * memory with the built-in 384-dimension embedder takes ~600 bytes, each
 * prior agent ~3 + its id's length more, a second vector 5 + its model's
 * length + dim2 more.
 */

#ifndef ELAAOMS_MEMORY_RECORD_H
#define ELAAOMS_MEMORY_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/memory_types.h"

#define ELAAOMS_MEMORY_RECORD_MAGIC    0x4d
#define ELAAOMS_MEMORY_RECORD_VERSION  2
/* the first version: no prior agents, no IDENTITY flag; still decoded */
#define ELAAOMS_MEMORY_RECORD_V1       1
#define ELAAOMS_MEMORY_RECORD_HEADER   32

/* memory ids: [A-Za-z0-9_-]{1,64} (hash field names, set members) */
#define ELAAOMS_MEMORY_ID_MAX          64

/*
 * Links kept per memory; adding one more drops the oldest link.  A chain
 * of changes (address A -> B -> C) links each value to its neighbours
 * only (memory_dedup.h), so 8 is a lot.
 */
#define ELAAOMS_MEMORY_MAX_CONFLICTS   8

/*
 * Agents a memory keeps, agent_id included: enough for every team that
 * handles one caller; past it, the agent that confirmed the memory
 * longest ago loses it (the agent:<id> sets of memory_store.h keep the
 * whole history).
 */
#define ELAAOMS_MEMORY_MAX_AGENTS      16

#define ELAAOMS_MEMORY_STR_MAX         65535
#define ELAAOMS_MEMORY_MAX_DIM         4096

/* importance from which a memory may be shared with other agents */
#define ELAAOMS_MEMORY_SHAREABLE_MIN   8

/* a newer memory contradicts this one; kept as history, ranked after it */
#define ELAAOMS_MEMORY_F_SUPERSEDED    0x01
/*
 * About who the caller is (their name, the name they go by, their
 * language): every agent of the organization may see it, whatever its
 * importance.  Set when the memory is stored (extract/memory_rules.h),
 * never guessed by readers.  Version 2 only.
 */
#define ELAAOMS_MEMORY_F_IDENTITY      0x02
#define ELAAOMS_MEMORY_F_KNOWN_V1      0x01
#define ELAAOMS_MEMORY_F_KNOWN         0x03
/* in the encoded flags byte only: a second vector follows the first */
#define ELAAOMS_MEMORY_WIRE_VEC2       0x80

/* each reinforcement moves confidence this share of the way to 1 */
#define ELAAOMS_MEMORY_REINFORCE_STEP  0.1f


/* a borrowed string: len bytes at data, NUL-terminated at data[len] */
typedef struct {
    size_t       len;
    const char  *data;
} elaaoms_mstr_t;

/* borrows a C string; NULL gives the empty string */
static inline elaaoms_mstr_t
elaaoms_mstr(const char *s)
{
    elaaoms_mstr_t  m;

    m.data = s ? s : "";
    m.len = strlen(m.data);

    return m;
}

static inline int
elaaoms_mstr_eq(elaaoms_mstr_t a, elaaoms_mstr_t b)
{
    return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}


/*
 * The record never owns its strings or vector: they belong to whoever
 * filled it (the caller's variables, the decoded buffer, a hiredis reply),
 * except after elaaoms_memory_record_decode(), which sets `owned` to the
 * one allocation they all point into (elaaoms_memory_record_free()).
 */
typedef struct {
    elaaoms_mstr_t        id;
    elaaoms_mstr_t        org;
    elaaoms_mstr_t        caller;
    elaaoms_mstr_t        conversation_id;  /* the latest that mentioned it */
    elaaoms_mstr_t        agent_id;         /* the latest agent that created
                                               or reinforced it, or "" */
    elaaoms_mstr_t        content;
    elaaoms_mstr_t        source_quote;     /* may be "" */
    elaaoms_mstr_t        embed_model;      /* "" when dim is 0 */

    elaaoms_mem_type_e    type;
    int                   importance;       /* 1..10 */
    unsigned              shareable;        /* derived: importance >= 8;
                                               set by decode, not encoded */
    unsigned              flags;            /* ELAAOMS_MEMORY_F_* */
    int64_t               created;
    int64_t               last_reinforced;
    uint32_t              reinforcement_count;
    float                 confidence;       /* 0..1 */

    /* ids of the memories this one contradicts, oldest link first */
    unsigned              nconflicts;
    elaaoms_mstr_t        conflicts[ELAAOMS_MEMORY_MAX_CONFLICTS];

    /* the other agents that created or reinforced it, least recently
     * confirming first; never agent_id again; none without agent_id */
    unsigned              nprior_agents;
    elaaoms_mstr_t        prior_agents[ELAAOMS_MEMORY_MAX_AGENTS - 1];

    size_t                dim;              /* 0: no embedding */
    const unsigned char  *vec_q8;           /* dim bytes, elaaoms_vec_pack_q8 */

    /* a second vector beside the first (the offline embedder's beside a
     * provider's), or offline_dim 0; needs dim > 0 */
    elaaoms_mstr_t        offline_model;
    size_t                offline_dim;
    const unsigned char  *offline_q8;

    unsigned              version;          /* set by decode; encode writes
                                               the current one */
    void                 *owned;
} elaaoms_memory_record_t;


/* 1 when s[0..len) is a valid memory id */
int elaaoms_memory_id_valid(const char *s, size_t len);

/*
 * Writes a new id into buf (at least 21 bytes): 8 hex digits of created
 * then 12 random hex digits, so ids sort by creation time and never repeat
 * in practice.  0, or -1 when buf is too small.
 */
int elaaoms_memory_id_new(char *buf, size_t size, int64_t created);

/* 0 when the record can be encoded; -1 and a static reason otherwise */
int elaaoms_memory_record_validate(const elaaoms_memory_record_t *r,
    const char **why);

/* the encoded size, or 0 when the record is invalid */
size_t elaaoms_memory_record_size(const elaaoms_memory_record_t *r);

/*
 * Encodes r into buf[0..size): the number of bytes written, or -1 when
 * the record is invalid or buf too small.  The `shareable`, `version` and
 * `owned` fields are ignored.
 */
long elaaoms_memory_record_encode(const elaaoms_memory_record_t *r,
    unsigned char *buf, size_t size);

/* the same into *out, malloc()ed, the caller frees it; 0 or -1 */
int elaaoms_memory_record_encode_alloc(const elaaoms_memory_record_t *r,
    unsigned char **out, size_t *len);

/*
 * Decodes buf[0..len) into r without allocating or copying: every string
 * and the vector point into buf, which must outlive r.  0, or -1 with a
 * static reason in *why (why may be NULL); r is then undefined.
 */
int elaaoms_memory_record_decode_view(const void *buf, size_t len,
    elaaoms_memory_record_t *r, const char **why);

/*
 * The same, but r owns one malloc()ed copy of buf that everything points
 * into; release it with elaaoms_memory_record_free().  0 or -1 (invalid
 * input, out of memory; r then owns nothing).
 */
int elaaoms_memory_record_decode(const void *buf, size_t len,
    elaaoms_memory_record_t *r, const char **why);

/* frees what decode() allocated and clears `owned`; views are untouched */
void elaaoms_memory_record_free(elaaoms_memory_record_t *r);

/* 1 when the record links to id */
int elaaoms_memory_record_has_conflict(const elaaoms_memory_record_t *r,
    elaaoms_mstr_t id);

/*
 * Links r to id (borrowed: it must live as long as r's other strings).
 * When the list is full the oldest link goes.  1 when added, 0 when r
 * already had it.
 */
int elaaoms_memory_record_add_conflict(elaaoms_memory_record_t *r,
    elaaoms_mstr_t id);

/* 1 when agent is one of the memory's agents (agent_id or a prior one) */
int elaaoms_memory_record_has_agent(const elaaoms_memory_record_t *r,
    elaaoms_mstr_t agent);

/* 1 when no agent created or reinforced the memory */
static inline int
elaaoms_memory_record_unattributed(const elaaoms_memory_record_t *r)
{
    return r->agent_id.len == 0;
}

/*
 * agent (borrowed) confirmed the memory: it becomes agent_id, the former
 * agent_id joins the prior agents (the least recent of them goes when
 * they are full), and agent leaves them if it was there.  An empty agent
 * changes nothing.  1 when anything changed, 0 otherwise.
 */
int elaaoms_memory_record_add_agent(elaaoms_memory_record_t *r,
    elaaoms_mstr_t agent);

/*
 * One more conversation confirmed the memory: count + 1, last_reinforced
 * = now, the conversation becomes the latest and the agent (when not
 * empty) joins its agents as the latest (both borrowed:
 * elaaoms_memory_record_add_agent()), importance the larger of the two,
 * confidence max(old, new) then
 * ELAAOMS_MEMORY_REINFORCE_STEP of the way to 1 (repetition is evidence,
 * but never certainty: 0.9 takes 7 more confirmations to pass 0.95).
 */
void elaaoms_memory_record_reinforce(elaaoms_memory_record_t *r,
    elaaoms_mstr_t conversation_id, elaaoms_mstr_t agent_id,
    float confidence, int importance, int64_t now);

/*
 * Ranking for presentation: current memories before superseded ones (so a
 * newer contradicting memory always comes first), then importance
 * descending, then the most recently reinforced, then the newest, then id.
 * A qsort() comparator over elaaoms_memory_record_t.
 */
int elaaoms_memory_rank_cmp(const void *a, const void *b);

void elaaoms_memory_records_rank(elaaoms_memory_record_t *recs, size_t n);

#endif /* ELAAOMS_MEMORY_RECORD_H */
