#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "unit.h"
#include "search/embed.h"
#include "store/memory_record.h"


static unsigned char  q8[ELAAOMS_EMBED_DIM];


static void
fill(elaaoms_memory_record_t *r)
{
    float  v[ELAAOMS_EMBED_DIM];

    memset(r, 0, sizeof(*r));

    r->id = elaaoms_mstr("66f1a2b3c4d5e6f7a8b9c0d1");
    r->org = elaaoms_mstr("acme");
    r->caller = elaaoms_mstr("+14155550123");
    r->conversation_id = elaaoms_mstr("conv_42");
    r->agent_id = elaaoms_mstr("agent_7");
    r->content = elaaoms_mstr("Prefers email over phone calls");
    r->source_quote = elaaoms_mstr("just email me, please, no calls");
    r->embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    r->type = ELAAOMS_MEM_PREFERENCE;
    r->importance = 8;
    r->flags = ELAAOMS_MEMORY_F_SUPERSEDED;
    r->created = 1763400000;
    r->last_reinforced = 1763500000;
    r->reinforcement_count = 3;
    r->confidence = 0.875f;
    r->nconflicts = 2;
    r->conflicts[0] = elaaoms_mstr("old_1");
    r->conflicts[1] = elaaoms_mstr("newer-2");
    r->nprior_agents = 2;
    r->prior_agents[0] = elaaoms_mstr("agent_1");
    r->prior_agents[1] = elaaoms_mstr("agent_3");

    elaaoms_embed_text(r->content.data, r->content.len, v);
    elaaoms_vec_pack_q8(v, ELAAOMS_EMBED_DIM, q8);
    r->dim = ELAAOMS_EMBED_DIM;
    r->vec_q8 = q8;
}


#define CHECK_MSTR(a, b)                                                     \
    do {                                                                     \
        CHECK_INT_EQ((a).len, (b).len);                                      \
        CHECK(elaaoms_mstr_eq((a), (b)));                                    \
        CHECK_INT_EQ(strlen((a).data), (a).len);                             \
    } while (0)


static void
check_same(const elaaoms_memory_record_t *a, const elaaoms_memory_record_t *b)
{
    unsigned  k;

    CHECK_MSTR(a->id, b->id);
    CHECK_MSTR(a->org, b->org);
    CHECK_MSTR(a->caller, b->caller);
    CHECK_MSTR(a->conversation_id, b->conversation_id);
    CHECK_MSTR(a->agent_id, b->agent_id);
    CHECK_MSTR(a->content, b->content);
    CHECK_MSTR(a->source_quote, b->source_quote);
    CHECK_MSTR(a->embed_model, b->embed_model);
    CHECK_INT_EQ(a->type, b->type);
    CHECK_INT_EQ(a->importance, b->importance);
    CHECK_INT_EQ(a->flags, b->flags);
    CHECK_INT_EQ(a->created, b->created);
    CHECK_INT_EQ(a->last_reinforced, b->last_reinforced);
    CHECK_INT_EQ(a->reinforcement_count, b->reinforcement_count);
    CHECK(a->confidence == b->confidence);
    CHECK_INT_EQ(a->nconflicts, b->nconflicts);
    for (k = 0; k < a->nconflicts && k < b->nconflicts; k++) {
        CHECK_MSTR(a->conflicts[k], b->conflicts[k]);
    }
    CHECK_INT_EQ(a->nprior_agents, b->nprior_agents);
    for (k = 0; k < a->nprior_agents && k < b->nprior_agents; k++) {
        CHECK_MSTR(a->prior_agents[k], b->prior_agents[k]);
    }
    CHECK_INT_EQ(a->dim, b->dim);
    CHECK(a->dim == 0 || memcmp(a->vec_q8, b->vec_q8, a->dim) == 0);
    CHECK_INT_EQ(a->offline_dim, b->offline_dim);
    if (a->offline_dim && b->offline_dim) {
        CHECK_MSTR(a->offline_model, b->offline_model);
        CHECK(memcmp(a->offline_q8, b->offline_q8, a->offline_dim) == 0);
    }
}


static void
test_round_trip(void)
{
    long                      n;
    size_t                    len;
    const char               *why;
    unsigned char             buf[2048], *heap;
    elaaoms_memory_record_t   r, v, o;

    fill(&r);

    CHECK(elaaoms_memory_record_validate(&r, &why) == 0);
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK(n > 0);
    CHECK_INT_EQ(n, elaaoms_memory_record_size(&r));
    CHECK_INT_EQ(buf[0], ELAAOMS_MEMORY_RECORD_MAGIC);
    CHECK_INT_EQ(buf[1], ELAAOMS_MEMORY_RECORD_VERSION);
    printf("memory_record: a typical record encodes to %ld bytes\n", n);

    /* too small a buffer: refused, nothing promised about buf */
    CHECK_INT_EQ(elaaoms_memory_record_encode(&r, buf, (size_t) n - 1), -1);

    /* view: everything points into buf */
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(buf, n, &v, &why), 0);
    check_same(&r, &v);
    CHECK_INT_EQ(v.version, ELAAOMS_MEMORY_RECORD_VERSION);
    CHECK(v.shareable == 1);
    CHECK(v.owned == NULL);
    CHECK((const unsigned char *) v.content.data > buf
          && (const unsigned char *) v.content.data < buf + n);
    CHECK(v.vec_q8 == buf + n - ELAAOMS_EMBED_DIM);

    /* owned copy outlives the buffer */
    CHECK_INT_EQ(elaaoms_memory_record_decode(buf, n, &o, &why), 0);
    memset(buf, 0xAA, sizeof(buf));
    check_same(&r, &o);
    CHECK(o.owned != NULL);
    elaaoms_memory_record_free(&o);
    CHECK(o.owned == NULL);

    /* encode_alloc and a record without embedding or links */
    r.dim = 0;
    r.vec_q8 = NULL;
    r.embed_model = elaaoms_mstr("");
    r.nconflicts = 0;
    r.importance = 7;
    r.flags = ELAAOMS_MEMORY_F_IDENTITY;
    r.nprior_agents = 0;
    r.source_quote = elaaoms_mstr(NULL);
    CHECK_INT_EQ(elaaoms_memory_record_encode_alloc(&r, &heap, &len), 0);
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(heap, len, &v, NULL), 0);
    check_same(&r, &v);
    CHECK(v.vec_q8 == NULL);
    CHECK(v.shareable == 0);
    CHECK_INT_EQ(v.source_quote.len, 0);
    free(heap);
}


static void
test_truncation_and_garbage(void)
{
    long                      n, i;
    unsigned                  seed, bit;
    const char               *why;
    unsigned char             buf[2048], bad[2048];
    elaaoms_memory_record_t   r, v;
    int                       fails, ok;

    fill(&r);
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));

    /* every proper prefix is refused; decode_view reads only [0, i) */
    fails = 0;
    for (i = 0; i < n; i++) {
        unsigned char  *cut = malloc(i ? i : 1);
        memcpy(cut, buf, i);
        if (elaaoms_memory_record_decode_view(cut, i, &v, &why) == 0) {
            fails++;
        }
        free(cut);
    }
    CHECK_INT_EQ(fails, 0);

    CHECK_INT_EQ(elaaoms_memory_record_decode_view(NULL, 0, &v, &why), -1);
    CHECK_INT_EQ(elaaoms_memory_record_decode(NULL, 0, &v, &why), -1);
    CHECK(v.owned == NULL);

    /* a trailing byte is refused too */
    memcpy(bad, buf, n);
    bad[n] = 0;
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n + 1, &v, &why), -1);
    CHECK_STR_EQ(why, "trailing bytes");

#define MUTATE(off, val, reason)                                             \
    do {                                                                     \
        memcpy(bad, buf, n);                                                 \
        bad[off] = (val);                                                    \
        CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why),    \
                     -1);                                                    \
        CHECK_STR_EQ(why, reason);                                           \
    } while (0)

    MUTATE(0, 'X', "bad magic");
    MUTATE(1, 0, "unknown version");
    MUTATE(1, ELAAOMS_MEMORY_RECORD_VERSION + 1, "unknown version");
    /* a v2 record read as v1: the agent count is one byte too many */
    MUTATE(1, ELAAOMS_MEMORY_RECORD_V1, "trailing bytes");
    MUTATE(2, ELAAOMS_MEM_NTYPES, "unknown type");
    MUTATE(3, 0, "importance outside 1..10");
    MUTATE(3, 11, "importance outside 1..10");
    MUTATE(4, 0x40, "unknown flags");
    /* the second-vector bit on a record that has none */
    MUTATE(4, 0x80, "truncated or malformed second embedding");
    MUTATE(5, ELAAOMS_MEMORY_MAX_CONFLICTS + 1, "too many conflict links");
    MUTATE(15, 0x7f, "confidence outside 0..1");   /* NaN */
    MUTATE(23, 0x80, "negative time");
    /* the id's terminator (id starts at 32 + 2) */
    MUTATE(32 + 2 + 24, 'x', "truncated or malformed string");
    /* a NUL inside the id */
    MUTATE(32 + 2 + 3, 0, "truncated or malformed string");
    /* a space inside the id */
    MUTATE(32 + 2 + 3, ' ', "invalid id");
    /* a longer embedding than the bytes left */
    MUTATE(7, 2, "truncated embedding");

    /* every single-bit flip: refused or decoded, never a crash (ASan) */
    ok = 0;
    fails = 0;
    for (i = 0; i < n; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(bad, buf, n);
            bad[i] ^= (unsigned char) (1u << bit);
            if (elaaoms_memory_record_decode_view(bad, n, &v, NULL) == 0) {
                ok++;
                fails += strlen(v.content.data) != v.content.len;
            }
        }
    }
    CHECK_INT_EQ(fails, 0);
    printf("memory_record: %d of %ld bit flips still decode "
           "(text, vector, counters)\n", ok, n * 8);

    /* random garbage of every length */
    seed = 12345;
    fails = 0;
    for (i = 0; i < 20000; i++) {
        long  j, len = (long) (seed % 700);
        for (j = 0; j < len; j++) {
            seed = seed * 1103515245u + 12345u;
            bad[j] = (unsigned char) (seed >> 16);
        }
        if (len > 2 && (i & 1)) {
            bad[0] = ELAAOMS_MEMORY_RECORD_MAGIC;
            bad[1] = ELAAOMS_MEMORY_RECORD_VERSION;
        }
        if (elaaoms_memory_record_decode_view(bad, len, &v, NULL) == 0) {
            fails++;
        }
        seed = seed * 1103515245u + 12345u;
    }
    CHECK_INT_EQ(fails, 0);
}


/*
 * A provider's vector with the offline one beside it (the worker's
 * "embedder openai"): both survive a round trip; a record without the
 * second encodes as it always did.
 */
static void
test_second_vector(void)
{
    long                      n, plain, i;
    size_t                    k;
    const char               *why;
    unsigned char             buf[2048], bad[2048], prov[256];
    elaaoms_memory_record_t   r, v, o;
    int                       fails;

    fill(&r);
    plain = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK(plain > 0);
    CHECK_INT_EQ(buf[4], ELAAOMS_MEMORY_F_SUPERSEDED);
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(buf, plain, &v, &why), 0);
    CHECK_INT_EQ(v.offline_dim, 0);
    CHECK(v.offline_q8 == NULL);

    for (k = 0; k < sizeof(prov); k++) {
        prov[k] = (unsigned char) (k * 37 + 1);
    }

    r.embed_model = elaaoms_mstr("text-embedding-3-small");
    r.dim = sizeof(prov);
    r.vec_q8 = prov;
    r.offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    r.offline_dim = ELAAOMS_EMBED_DIM;
    r.offline_q8 = q8;

    CHECK(elaaoms_memory_record_validate(&r, &why) == 0);
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK_INT_EQ(n, elaaoms_memory_record_size(&r));
    CHECK_INT_EQ(n, plain - ELAAOMS_EMBED_DIM
                    + (long) strlen("text-embedding-3-small")
                    - (long) strlen(ELAAOMS_EMBED_MODEL) + (long) sizeof(prov)
                    + 3 + (long) strlen(ELAAOMS_EMBED_MODEL) + 2
                    + ELAAOMS_EMBED_DIM);
    /* the wire bit, never the record's flags */
    CHECK_INT_EQ(buf[4], ELAAOMS_MEMORY_F_SUPERSEDED
                         | ELAAOMS_MEMORY_WIRE_VEC2);
    printf("memory_record: with a 256-dimension provider vector and the "
           "offline one beside it, %ld bytes\n", n);

    CHECK_INT_EQ(elaaoms_memory_record_decode_view(buf, n, &v, &why), 0);
    check_same(&r, &v);
    CHECK_INT_EQ(v.flags, ELAAOMS_MEMORY_F_SUPERSEDED);
    CHECK(v.offline_q8 == buf + n - ELAAOMS_EMBED_DIM);
    CHECK_STR_EQ(v.offline_model.data, ELAAOMS_EMBED_MODEL);

    CHECK_INT_EQ(elaaoms_memory_record_decode(buf, n, &o, &why), 0);
    check_same(&r, &o);

    /* re-encoding the decoded record gives the same bytes */
    CHECK_INT_EQ(elaaoms_memory_record_encode(&o, bad, sizeof(bad)), n);
    CHECK(memcmp(bad, buf, n) == 0);
    elaaoms_memory_record_free(&o);

    /* every proper prefix and a trailing byte are refused */
    fails = 0;
    for (i = 0; i < n; i++) {
        unsigned char  *cut = malloc(i ? i : 1);
        memcpy(cut, buf, i);
        fails += elaaoms_memory_record_decode_view(cut, i, &v, NULL) == 0;
        free(cut);
    }
    CHECK_INT_EQ(fails, 0);
    memcpy(bad, buf, n);
    bad[n] = 0;
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n + 1, &v, &why), -1);

    /* a zero second dimension, and one past the bytes left */
    memcpy(bad, buf, n);
    bad[n - ELAAOMS_EMBED_DIM - 2] = 0;
    bad[n - ELAAOMS_EMBED_DIM - 1] = 0;
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);
    CHECK_STR_EQ(why, "truncated or malformed second embedding");
    bad[n - ELAAOMS_EMBED_DIM - 1] = 0x02;
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);

    /* a first vector of dimension 0 cannot have a second */
    r.dim = 0;
    r.vec_q8 = NULL;
    r.embed_model = elaaoms_mstr("");
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    CHECK_STR_EQ(why, "bad second embedding");
    r.dim = sizeof(prov);
    r.vec_q8 = prov;
    r.embed_model = elaaoms_mstr("text-embedding-3-small");

    r.offline_model = elaaoms_mstr("");
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    r.offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    r.offline_q8 = NULL;
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    r.offline_q8 = q8;
    r.offline_dim = ELAAOMS_MEMORY_MAX_DIM + 1;
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    r.offline_dim = ELAAOMS_EMBED_DIM;
    r.flags |= ELAAOMS_MEMORY_WIRE_VEC2;
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    CHECK_STR_EQ(why, "unknown flags");
}


static void
test_validate(void)
{
    char                      nul[] = "a\0b";
    const char               *why;
    unsigned char             buf[2048];
    elaaoms_memory_record_t   r;

#define REFUSED(stmt)                                                        \
    do {                                                                     \
        fill(&r);                                                            \
        stmt;                                                                \
        CHECK_INT_EQ(elaaoms_memory_record_encode(&r, buf, sizeof(buf)), -1);\
        CHECK_INT_EQ(elaaoms_memory_record_size(&r), 0);                     \
        CHECK(elaaoms_memory_record_validate(&r, &why) == -1 && why);        \
    } while (0)

    REFUSED(r.importance = 0);
    REFUSED(r.importance = 11);
    REFUSED(r.confidence = 1.01f);
    REFUSED(r.confidence = NAN);
    REFUSED(r.type = ELAAOMS_MEM_NTYPES);
    REFUSED(r.content = elaaoms_mstr(""));
    REFUSED(r.org = elaaoms_mstr(""));
    REFUSED(r.id = elaaoms_mstr("has space"));
    REFUSED(r.conflicts[1] = elaaoms_mstr("x:y"));
    REFUSED(r.nconflicts = ELAAOMS_MEMORY_MAX_CONFLICTS + 1);
    REFUSED(r.embed_model = elaaoms_mstr(""));
    REFUSED(r.dim = ELAAOMS_MEMORY_MAX_DIM + 1);
    REFUSED(r.flags = 0x40);
    REFUSED(r.nprior_agents = ELAAOMS_MEMORY_MAX_AGENTS);
    REFUSED(r.prior_agents[1] = elaaoms_mstr(""));
    REFUSED(r.prior_agents[1] = elaaoms_mstr("agent_1"));
    REFUSED(r.prior_agents[1] = elaaoms_mstr("agent_7"));   /* agent_id */
    REFUSED(r.agent_id = elaaoms_mstr(""));
    REFUSED(r.prior_agents[0].data = nul; r.prior_agents[0].len = 3);
    REFUSED(r.created = -1);
    REFUSED(r.content.data = nul; r.content.len = 3);
}


static void
test_updates(void)
{
    int                       i;
    char                      ids[10][8];
    elaaoms_memory_record_t   r;

    fill(&r);
    r.confidence = 0.5f;
    r.importance = 6;
    r.reinforcement_count = 0;

    elaaoms_memory_record_reinforce(&r, elaaoms_mstr("conv_99"),
                                    elaaoms_mstr("agent_9"), 0.4f, 9,
                                    1763600000);
    CHECK_INT_EQ(r.reinforcement_count, 1);
    CHECK(fabsf(r.confidence - 0.55f) < 1e-6);    /* max(0.5,0.4) + 10% */
    CHECK_INT_EQ(r.importance, 9);
    CHECK(r.shareable);
    CHECK_INT_EQ(r.last_reinforced, 1763600000);
    CHECK_STR_EQ(r.conversation_id.data, "conv_99");
    CHECK_STR_EQ(r.agent_id.data, "agent_9");

    /* a higher new confidence wins, then the step; never above 1 */
    elaaoms_memory_record_reinforce(&r, elaaoms_mstr("conv_100"),
                                    elaaoms_mstr(""), 0.9f, 3, 1763500000);
    CHECK(fabsf(r.confidence - 0.91f) < 1e-6);
    CHECK_INT_EQ(r.importance, 9);
    CHECK_INT_EQ(r.last_reinforced, 1763600000);   /* never goes back */
    for (i = 0; i < 200; i++) {
        elaaoms_memory_record_reinforce(&r, r.conversation_id, r.agent_id,
                                        1.0f, 1, 1763600000 + i);
    }
    CHECK(r.confidence <= 1.0f && r.confidence > 0.999f);

    /* links: no duplicates, the oldest goes when full */
    r.nconflicts = 0;
    for (i = 0; i < 10; i++) {
        snprintf(ids[i], sizeof(ids[i]), "m%d", i);
        CHECK_INT_EQ(elaaoms_memory_record_add_conflict(&r,
                                                        elaaoms_mstr(ids[i])),
                     1);
    }
    CHECK_INT_EQ(elaaoms_memory_record_add_conflict(&r, elaaoms_mstr("m9")),
                 0);
    CHECK_INT_EQ(r.nconflicts, ELAAOMS_MEMORY_MAX_CONFLICTS);
    CHECK_STR_EQ(r.conflicts[0].data, "m2");
    CHECK_STR_EQ(r.conflicts[ELAAOMS_MEMORY_MAX_CONFLICTS - 1].data, "m9");
    CHECK(!elaaoms_memory_record_has_conflict(&r, elaaoms_mstr("m1")));
    CHECK(elaaoms_memory_record_has_conflict(&r, elaaoms_mstr("m5")));
}


/* a v1 record: the v2 encoding without the agent count byte */
static long
as_v1(const unsigned char *v2, long n, size_t dim, unsigned char *out)
{
    long  at = n - (long) dim - 1;

    memcpy(out, v2, at);
    memcpy(out + at, v2 + at + 1, dim);
    out[1] = ELAAOMS_MEMORY_RECORD_V1;

    return n - 1;
}


static void
test_version_1(void)
{
    long                      n, n1;
    const char               *why;
    unsigned char             buf[2048], v1[2048], again[2048];
    elaaoms_memory_record_t   r, v;

    /* what the first release stored: flags SUPERSEDED only, one agent */
    fill(&r);
    r.nprior_agents = 0;
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK_INT_EQ(buf[n - ELAAOMS_EMBED_DIM - 1], 0);
    n1 = as_v1(buf, n, ELAAOMS_EMBED_DIM, v1);

    CHECK_INT_EQ(elaaoms_memory_record_decode_view(v1, n1, &v, &why), 0);
    CHECK_INT_EQ(v.version, ELAAOMS_MEMORY_RECORD_V1);
    check_same(&r, &v);
    CHECK(elaaoms_memory_record_has_agent(&v, elaaoms_mstr("agent_7")));
    CHECK(!elaaoms_memory_record_has_agent(&v, elaaoms_mstr("agent_1")));

    /* it is rewritten as v2, which reads back the same */
    CHECK_INT_EQ(elaaoms_memory_record_encode(&v, again, sizeof(again)), n);
    CHECK(memcmp(again, buf, n) == 0);

    /* v1 knows no IDENTITY flag */
    v1[4] |= ELAAOMS_MEMORY_F_IDENTITY;
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(v1, n1, &v, &why), -1);
    CHECK_STR_EQ(why, "unknown flags");

    /* every prefix of a v1 record is refused as well */
    v1[4] &= ~ELAAOMS_MEMORY_F_IDENTITY;
    for (n = 0; n < n1; n++) {
        if (elaaoms_memory_record_decode_view(v1, n, &v, NULL) == 0) {
            UNIT_FAIL("a truncated v1 record decodes");
        }
    }

    /* byte by byte, as the first release wrote it: unattributed, no vector */
    {
        static const unsigned char  old[] = {
            0x4d, 0x01, 0x02, 0x05, 0x01, 0x00, 0x00, 0x00,   /* issue, 5 */
            0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3f,   /* 2, 0.75 */
            0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* created */
            0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* last */
            0x02, 0x00, 'i', 'd', 0x00,
            0x01, 0x00, 'o', 0x00,
            0x01, 0x00, 'c', 0x00,
            0x00, 0x00, 0x00,                                 /* conv */
            0x00, 0x00, 0x00,                                 /* agent */
            0x04, 0x00, 'L', 'a', 't', 'e', 0x00,
            0x00, 0x00, 0x00,                                 /* quote */
            0x00, 0x00, 0x00                                  /* model */
        };

        CHECK_INT_EQ(elaaoms_memory_record_decode_view(old, sizeof(old), &v,
                                                       &why), 0);
        CHECK_INT_EQ(v.version, 1);
        CHECK_INT_EQ(v.type, ELAAOMS_MEM_ISSUE);
        CHECK_INT_EQ(v.importance, 5);
        CHECK_INT_EQ(v.flags, ELAAOMS_MEMORY_F_SUPERSEDED);
        CHECK_INT_EQ(v.reinforcement_count, 2);
        CHECK(v.confidence == 0.75f);
        CHECK_INT_EQ(v.created, 16);
        CHECK_INT_EQ(v.last_reinforced, 32);
        CHECK_STR_EQ(v.content.data, "Late");
        CHECK(elaaoms_memory_record_unattributed(&v));
        CHECK_INT_EQ(v.nprior_agents, 0);
        CHECK_INT_EQ(elaaoms_memory_record_size(&v), sizeof(old) + 1);
    }
}


static void
test_agents(void)
{
    int                       i;
    long                      n;
    char                      ids[20][16];
    const char               *why;
    unsigned char             buf[4096], bad[4096];
    elaaoms_memory_record_t   r, v;

    /* the most a record keeps round-trips */
    fill(&r);
    r.nprior_agents = 0;
    for (i = 0; i < ELAAOMS_MEMORY_MAX_AGENTS - 1; i++) {
        snprintf(ids[i], sizeof(ids[i]), "agent_p%d", i);
        r.prior_agents[r.nprior_agents++] = elaaoms_mstr(ids[i]);
    }
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK(n > 0);
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(buf, n, &v, &why), 0);
    check_same(&r, &v);
    for (i = 0; i < ELAAOMS_MEMORY_MAX_AGENTS - 1; i++) {
        CHECK(elaaoms_memory_record_has_agent(&v, elaaoms_mstr(ids[i])));
    }
    CHECK(elaaoms_memory_record_has_agent(&v, elaaoms_mstr("agent_7")));
    CHECK(!elaaoms_memory_record_has_agent(&v, elaaoms_mstr("agent_p")));
    CHECK(!elaaoms_memory_record_has_agent(&v, elaaoms_mstr("")));

    /* the decoder holds the same rules: count, repeats, agent_id */
    {
        /* the count byte: "agent_p0".."agent_p9" take 2 + 8 + 1 bytes,
           "agent_p10".."agent_p14" one more */
        long  at = n - ELAAOMS_EMBED_DIM - 10 * 11 - 5 * 12 - 1;

        memcpy(bad, buf, n);
        CHECK_INT_EQ(bad[at], ELAAOMS_MEMORY_MAX_AGENTS - 1);
        bad[at] = ELAAOMS_MEMORY_MAX_AGENTS;
        CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);
        CHECK_STR_EQ(why, "too many agents");

        /* "agent_p1" becomes "agent_p0" */
        memcpy(bad, buf, n);
        CHECK_INT_EQ(bad[at + 1 + 11 + 2 + 7], '1');
        bad[at + 1 + 11 + 2 + 7] = '0';
        CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);
        CHECK_STR_EQ(why, "empty or repeated agent");

        /* a NUL inside "agent_p0" */
        memcpy(bad, buf, n);
        bad[at + 1 + 2 + 3] = '\0';
        CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);
        CHECK_STR_EQ(why, "truncated or malformed agent");

        /* fewer agents than the count says */
        memcpy(bad, buf, n);
        bad[at] = 1;
        CHECK_INT_EQ(elaaoms_memory_record_decode_view(bad, n, &v, &why), -1);
    }

    /* a prior agent equal to the latest one */
    fill(&r);
    r.agent_id = elaaoms_mstr("agent_q0");
    r.nprior_agents = 1;
    r.prior_agents[0] = elaaoms_mstr("agent_p0");
    n = elaaoms_memory_record_encode(&r, buf, sizeof(buf));
    CHECK_INT_EQ(buf[n - ELAAOMS_EMBED_DIM - 11 - 1], 1);
    CHECK_INT_EQ(buf[n - ELAAOMS_EMBED_DIM - 11 + 2 + 6], 'p');
    buf[n - ELAAOMS_EMBED_DIM - 11 + 2 + 6] = 'q';
    CHECK_INT_EQ(elaaoms_memory_record_decode_view(buf, n, &v, &why), -1);
    CHECK_STR_EQ(why, "empty or repeated agent");

    /* prior agents need a latest one */
    fill(&r);
    r.agent_id = elaaoms_mstr("");
    r.nprior_agents = 1;
    CHECK_INT_EQ(elaaoms_memory_record_validate(&r, &why), -1);
    CHECK_STR_EQ(why, "prior agents without an agent");

    /* confirmations: the latest moves to agent_id, no repeats */
    fill(&r);
    r.agent_id = elaaoms_mstr("");
    r.nprior_agents = 0;
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("")), 0);
    CHECK(elaaoms_memory_record_unattributed(&r));
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("A")), 1);
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("A")), 0);
    CHECK_INT_EQ(r.nprior_agents, 0);
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("B")), 1);
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("C")), 1);
    CHECK_STR_EQ(r.agent_id.data, "C");
    CHECK_INT_EQ(r.nprior_agents, 2);
    CHECK_STR_EQ(r.prior_agents[0].data, "A");
    CHECK_STR_EQ(r.prior_agents[1].data, "B");
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r, elaaoms_mstr("A")), 1);
    CHECK_STR_EQ(r.agent_id.data, "A");
    CHECK_INT_EQ(r.nprior_agents, 2);
    CHECK_STR_EQ(r.prior_agents[0].data, "B");
    CHECK_STR_EQ(r.prior_agents[1].data, "C");
    CHECK(elaaoms_memory_record_validate(&r, &why) == 0);

    /* an agentless reinforcement keeps the agents */
    elaaoms_memory_record_reinforce(&r, elaaoms_mstr("conv_x"),
                                    elaaoms_mstr(""), 0.5f, 1, 1763600000);
    CHECK_STR_EQ(r.agent_id.data, "A");
    CHECK_INT_EQ(r.nprior_agents, 2);
    elaaoms_memory_record_reinforce(&r, elaaoms_mstr("conv_y"),
                                    elaaoms_mstr("D"), 0.5f, 1, 1763600001);
    CHECK_STR_EQ(r.agent_id.data, "D");
    CHECK_INT_EQ(r.nprior_agents, 3);
    CHECK_STR_EQ(r.prior_agents[2].data, "A");

    /* past the bound the agent that confirmed it longest ago goes */
    fill(&r);
    r.agent_id = elaaoms_mstr("");
    r.nprior_agents = 0;
    for (i = 0; i < 20; i++) {
        snprintf(ids[i], sizeof(ids[i]), "agent_%02d", i);
        CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r,
                                                     elaaoms_mstr(ids[i])),
                     1);
        CHECK(elaaoms_memory_record_validate(&r, &why) == 0);
    }
    CHECK_INT_EQ(r.nprior_agents, ELAAOMS_MEMORY_MAX_AGENTS - 1);
    CHECK_STR_EQ(r.agent_id.data, "agent_19");
    CHECK_STR_EQ(r.prior_agents[0].data, "agent_04");
    CHECK(!elaaoms_memory_record_has_agent(&r, elaaoms_mstr("agent_03")));
    CHECK(elaaoms_memory_record_has_agent(&r, elaaoms_mstr("agent_04")));

    /* one that confirms again is kept over one that did not */
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r,
                                                 elaaoms_mstr("agent_04")), 1);
    CHECK_INT_EQ(elaaoms_memory_record_add_agent(&r,
                                                 elaaoms_mstr("agent_99")), 1);
    CHECK(elaaoms_memory_record_has_agent(&r, elaaoms_mstr("agent_04")));
    CHECK(!elaaoms_memory_record_has_agent(&r, elaaoms_mstr("agent_05")));
    CHECK(elaaoms_memory_record_validate(&r, &why) == 0);
}


static void
test_ids_and_rank(void)
{
    char                      a[32], b[32];
    elaaoms_memory_record_t   recs[4];

    CHECK_INT_EQ(elaaoms_memory_id_new(a, sizeof(a), 0x66000000), 0);
    CHECK_INT_EQ(elaaoms_memory_id_new(b, sizeof(b), 0x66000000), 0);
    CHECK_INT_EQ(strlen(a), 20);
    CHECK(strncmp(a, "66000000", 8) == 0);
    CHECK(strcmp(a, b) != 0);
    CHECK(elaaoms_memory_id_valid(a, strlen(a)));
    CHECK_INT_EQ(elaaoms_memory_id_new(a, 20, 1), -1);
    CHECK(!elaaoms_memory_id_valid("", 0));
    CHECK(!elaaoms_memory_id_valid("a:b", 3));

    fill(&recs[0]);  /* superseded, importance 8 */
    fill(&recs[1]);
    recs[1].flags = 0;
    recs[1].importance = 5;
    recs[1].id = elaaoms_mstr("b");
    fill(&recs[2]);
    recs[2].flags = 0;
    recs[2].importance = 9;
    recs[2].id = elaaoms_mstr("c");
    fill(&recs[3]);
    recs[3].flags = 0;
    recs[3].importance = 5;
    recs[3].last_reinforced += 10;
    recs[3].id = elaaoms_mstr("d");

    elaaoms_memory_records_rank(recs, 4);
    CHECK_STR_EQ(recs[0].id.data, "c");
    CHECK_STR_EQ(recs[1].id.data, "d");
    CHECK_STR_EQ(recs[2].id.data, "b");
    CHECK(recs[3].flags & ELAAOMS_MEMORY_F_SUPERSEDED);
}


static void
test_speed(void)
{
    long                      n;
    size_t                    i, ok;
    double                    us;
    unsigned char            *all;
    struct timespec           t0, t1;
    elaaoms_memory_record_t   r, v;

    /* what the nginx module does per request: 1,000 view decodes */
    fill(&r);
    n = (long) elaaoms_memory_record_size(&r);
    all = malloc(1000 * n);
    for (i = 0; i < 1000; i++) {
        elaaoms_memory_record_encode(&r, all + i * n, n);
    }

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ok = 0;
    for (i = 0; i < 1000; i++) {
        ok += elaaoms_memory_record_decode_view(all + i * n, n, &v, NULL)
              == 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    us = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
    CHECK_INT_EQ(ok, 1000);
    printf("memory_record: 1000 view decodes of %ld bytes in %.0f us\n", n,
           us);

    free(all);
}


int
main(void)
{
    test_round_trip();
    test_truncation_and_garbage();
    test_second_vector();
    test_validate();
    test_updates();
    test_version_1();
    test_agents();
    test_ids_and_rank();
    test_speed();

    return UNIT_DONE("memory_record");
}
