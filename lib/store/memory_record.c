/*
 * The memory record and its binary encoding (see memory_record.h).
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "intake/ids.h"
#include "store/memory_record.h"


/* the strings in encoding order, as pointers into a record */
#define ELAAOMS_MEMORY_NFIXED_STR  8

static elaaoms_mstr_t *
elaaoms_memory_record_str(elaaoms_memory_record_t *r, int i)
{
    switch (i) {
    case 0: return &r->id;
    case 1: return &r->org;
    case 2: return &r->caller;
    case 3: return &r->conversation_id;
    case 4: return &r->agent_id;
    case 5: return &r->content;
    case 6: return &r->source_quote;
    default: return &r->embed_model;
    }
}


int
elaaoms_memory_id_valid(const char *s, size_t len)
{
    return elaaoms_id_valid(s, len, ELAAOMS_MEMORY_ID_MAX);
}


int
elaaoms_memory_id_new(char *buf, size_t size, int64_t created)
{
    uint64_t         rnd;
    struct timespec  ts;

    if (size < 21) {
        return -1;
    }

    if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t) sizeof(rnd)) {
        /* no entropy yet: the clock's nanoseconds still separate ids */
        clock_gettime(CLOCK_REALTIME, &ts);
        rnd = (uint64_t) ts.tv_nsec * 2654435761u ^ (uint64_t) ts.tv_sec;
    }

    snprintf(buf, size, "%08llx%012llx",
             (unsigned long long) ((uint64_t) created & 0xffffffffu),
             (unsigned long long) (rnd & 0xffffffffffffull));

    return 0;
}


/* --- validation and size ------------------------------------------------- */

static int
elaaoms_mstr_ok(const elaaoms_mstr_t *s)
{
    return s->len <= ELAAOMS_MEMORY_STR_MAX
           && (s->len == 0 || (s->data != NULL
                               && memchr(s->data, '\0', s->len) == NULL));
}


/*
 * The prior agents' rules (memory_record.h), shared by validate and
 * decode: NULL when they hold, else the reason.  The strings themselves
 * were checked by the caller.  At most 15 x 15 / 2 comparisons.
 */
static const char *
elaaoms_memory_record_agents_check(const elaaoms_memory_record_t *r)
{
    unsigned  k, j;

    if (r->nprior_agents > ELAAOMS_MEMORY_MAX_AGENTS - 1) {
        return "too many agents";
    }

    if (r->nprior_agents && r->agent_id.len == 0) {
        return "prior agents without an agent";
    }

    for (k = 0; k < r->nprior_agents; k++) {
        if (r->prior_agents[k].len == 0
            || elaaoms_mstr_eq(r->prior_agents[k], r->agent_id))
        {
            return "empty or repeated agent";
        }

        for (j = 0; j < k; j++) {
            if (elaaoms_mstr_eq(r->prior_agents[k], r->prior_agents[j])) {
                return "empty or repeated agent";
            }
        }
    }

    return NULL;
}


int
elaaoms_memory_record_validate(const elaaoms_memory_record_t *r,
    const char **why)
{
    int          i;
    const char  *reason;
    unsigned     k;

    reason = NULL;

    for (i = 0; i < ELAAOMS_MEMORY_NFIXED_STR && reason == NULL; i++) {
        if (!elaaoms_mstr_ok(elaaoms_memory_record_str(
                                 (elaaoms_memory_record_t *) r, i)))
        {
            reason = "string too long or holding a NUL";
        }
    }

    for (k = 0; reason == NULL && k < r->nprior_agents
                && k < ELAAOMS_MEMORY_MAX_AGENTS - 1; k++)
    {
        if (!elaaoms_mstr_ok(&r->prior_agents[k])) {
            reason = "string too long or holding a NUL";
        }
    }

    if (reason) {
        /* void */

    } else if (!elaaoms_memory_id_valid(r->id.data, r->id.len)) {
        reason = "invalid id";

    } else if (r->org.len == 0 || r->caller.len == 0) {
        reason = "empty org or caller";

    } else if (r->content.len == 0) {
        reason = "empty content";

    } else if ((unsigned) r->type >= ELAAOMS_MEM_NTYPES) {
        reason = "unknown type";

    } else if (r->importance < 1 || r->importance > 10) {
        reason = "importance outside 1..10";

    } else if (!(r->confidence >= 0 && r->confidence <= 1)) {
        reason = "confidence outside 0..1";

    } else if (r->created < 0 || r->last_reinforced < 0) {
        reason = "negative time";

    } else if (r->flags & ~ELAAOMS_MEMORY_F_KNOWN) {
        reason = "unknown flags";

    } else if (r->nconflicts > ELAAOMS_MEMORY_MAX_CONFLICTS) {
        reason = "too many conflict links";

    } else if (r->dim > ELAAOMS_MEMORY_MAX_DIM
               || (r->dim > 0 && (r->vec_q8 == NULL
                                  || r->embed_model.len == 0)))
    {
        reason = "bad embedding";

    } else if (r->offline_dim
               && (r->dim == 0 || r->offline_dim > ELAAOMS_MEMORY_MAX_DIM
                   || r->offline_q8 == NULL || r->offline_model.len == 0
                   || !elaaoms_mstr_ok(&r->offline_model)))
    {
        reason = "bad second embedding";
    }

    for (k = 0; reason == NULL && k < r->nconflicts; k++) {
        if (!elaaoms_memory_id_valid(r->conflicts[k].data,
                                     r->conflicts[k].len))
        {
            reason = "invalid conflict id";
        }
    }

    if (reason == NULL) {
        reason = elaaoms_memory_record_agents_check(r);
    }

    if (why) {
        *why = reason;
    }

    return reason ? -1 : 0;
}


size_t
elaaoms_memory_record_size(const elaaoms_memory_record_t *r)
{
    int       i;
    size_t    n;
    unsigned  k;

    if (elaaoms_memory_record_validate(r, NULL) != 0) {
        return 0;
    }

    n = ELAAOMS_MEMORY_RECORD_HEADER;

    for (i = 0; i < ELAAOMS_MEMORY_NFIXED_STR; i++) {
        n += 3 + elaaoms_memory_record_str((elaaoms_memory_record_t *) r, i)
                 ->len;
    }

    for (k = 0; k < r->nconflicts; k++) {
        n += 3 + r->conflicts[k].len;
    }

    n += 1;

    for (k = 0; k < r->nprior_agents; k++) {
        n += 3 + r->prior_agents[k].len;
    }

    n += r->dim;

    if (r->offline_dim) {
        n += 3 + r->offline_model.len + 2 + r->offline_dim;
    }

    return n;
}


/* --- encoding ------------------------------------------------------------ */

static unsigned char *
elaaoms_put_le(unsigned char *p, uint64_t v, int bytes)
{
    while (bytes--) {
        *p++ = (unsigned char) v;
        v >>= 8;
    }

    return p;
}


static unsigned char *
elaaoms_put_str(unsigned char *p, const elaaoms_mstr_t *s)
{
    p = elaaoms_put_le(p, s->len, 2);
    if (s->len) {
        memcpy(p, s->data, s->len);
    }
    p[s->len] = '\0';

    return p + s->len + 1;
}


long
elaaoms_memory_record_encode(const elaaoms_memory_record_t *r,
    unsigned char *buf, size_t size)
{
    int             i;
    size_t          need;
    uint32_t        conf;
    unsigned        k;
    unsigned char  *p;

    need = elaaoms_memory_record_size(r);
    if (need == 0 || need > size) {
        return -1;
    }

    memcpy(&conf, &r->confidence, sizeof(conf));

    p = buf;
    *p++ = ELAAOMS_MEMORY_RECORD_MAGIC;
    *p++ = ELAAOMS_MEMORY_RECORD_VERSION;
    *p++ = (unsigned char) r->type;
    *p++ = (unsigned char) r->importance;
    *p++ = (unsigned char) (r->flags
                            | (r->offline_dim ? ELAAOMS_MEMORY_WIRE_VEC2 : 0));
    *p++ = (unsigned char) r->nconflicts;
    p = elaaoms_put_le(p, r->dim, 2);
    p = elaaoms_put_le(p, r->reinforcement_count, 4);
    p = elaaoms_put_le(p, conf, 4);
    p = elaaoms_put_le(p, (uint64_t) r->created, 8);
    p = elaaoms_put_le(p, (uint64_t) r->last_reinforced, 8);

    for (i = 0; i < ELAAOMS_MEMORY_NFIXED_STR; i++) {
        p = elaaoms_put_str(p, elaaoms_memory_record_str(
                                   (elaaoms_memory_record_t *) r, i));
    }

    for (k = 0; k < r->nconflicts; k++) {
        p = elaaoms_put_str(p, &r->conflicts[k]);
    }

    *p++ = (unsigned char) r->nprior_agents;

    for (k = 0; k < r->nprior_agents; k++) {
        p = elaaoms_put_str(p, &r->prior_agents[k]);
    }

    if (r->dim) {
        memcpy(p, r->vec_q8, r->dim);
        p += r->dim;
    }

    if (r->offline_dim) {
        p = elaaoms_put_str(p, &r->offline_model);
        p = elaaoms_put_le(p, r->offline_dim, 2);
        memcpy(p, r->offline_q8, r->offline_dim);
        p += r->offline_dim;
    }

    return (long) (p - buf);
}


int
elaaoms_memory_record_encode_alloc(const elaaoms_memory_record_t *r,
    unsigned char **out, size_t *len)
{
    size_t          n;
    unsigned char  *buf;

    *out = NULL;

    n = elaaoms_memory_record_size(r);
    if (n == 0) {
        return -1;
    }

    buf = malloc(n);
    if (buf == NULL) {
        return -1;
    }

    if (elaaoms_memory_record_encode(r, buf, n) != (long) n) {
        free(buf);
        return -1;
    }

    *out = buf;
    *len = n;

    return 0;
}


/* --- decoding ------------------------------------------------------------ */

static uint64_t
elaaoms_get_le(const unsigned char *p, int bytes)
{
    uint64_t  v = 0;

    while (bytes--) {
        v = (v << 8) | p[bytes];
    }

    return v;
}


/* reads one string at *pp; NULL on any violation */
static const unsigned char *
elaaoms_get_str(const unsigned char *p, const unsigned char *end,
    elaaoms_mstr_t *s)
{
    size_t  n;

    if (end - p < 3) {
        return NULL;
    }

    n = p[0] | (size_t) p[1] << 8;
    p += 2;

    if ((size_t) (end - p) < n + 1 || p[n] != '\0'
        || (n && memchr(p, '\0', n) != NULL))
    {
        return NULL;
    }

    s->data = (const char *) p;
    s->len = n;

    return p + n + 1;
}


/* the second vector after the first; NULL with *reason on a violation */
static const unsigned char *
elaaoms_memory_record_vec2(const unsigned char *p, const unsigned char *end,
    elaaoms_memory_record_t *r, const char **reason)
{
    if (r->dim == 0) {
        *reason = "second embedding without a first";
        return NULL;
    }

    p = elaaoms_get_str(p, end, &r->offline_model);
    if (p == NULL || r->offline_model.len == 0 || end - p < 2) {
        *reason = "truncated or malformed second embedding";
        return NULL;
    }

    r->offline_dim = (size_t) elaaoms_get_le(p, 2);
    p += 2;

    if (r->offline_dim == 0 || r->offline_dim > ELAAOMS_MEMORY_MAX_DIM
        || (size_t) (end - p) < r->offline_dim)
    {
        *reason = "truncated or malformed second embedding";
        return NULL;
    }

    r->offline_q8 = p;

    return p + r->offline_dim;
}


#define ELAAOMS_DECODE_FAIL(reason)                                           \
    do {                                                                      \
        if (why) {                                                            \
            *why = (reason);                                                  \
        }                                                                     \
        return -1;                                                            \
    } while (0)


int
elaaoms_memory_record_decode_view(const void *buf, size_t len,
    elaaoms_memory_record_t *r, const char **why)
{
    int                   i;
    uint32_t              conf;
    unsigned              k, version;
    const char           *reason;
    const unsigned char  *p, *end;

    p = buf;
    end = p + len;

    if (buf == NULL || len < ELAAOMS_MEMORY_RECORD_HEADER) {
        ELAAOMS_DECODE_FAIL("truncated header");
    }

    if (p[0] != ELAAOMS_MEMORY_RECORD_MAGIC) {
        ELAAOMS_DECODE_FAIL("bad magic");
    }

    version = p[1];

    if (version != ELAAOMS_MEMORY_RECORD_VERSION
        && version != ELAAOMS_MEMORY_RECORD_V1)
    {
        ELAAOMS_DECODE_FAIL("unknown version");
    }

    if (p[2] >= ELAAOMS_MEM_NTYPES) {
        ELAAOMS_DECODE_FAIL("unknown type");
    }

    if (p[3] < 1 || p[3] > 10) {
        ELAAOMS_DECODE_FAIL("importance outside 1..10");
    }

    if (p[4] & ~(version == ELAAOMS_MEMORY_RECORD_V1
                 ? ELAAOMS_MEMORY_F_KNOWN_V1
                 : ELAAOMS_MEMORY_F_KNOWN | ELAAOMS_MEMORY_WIRE_VEC2))
    {
        ELAAOMS_DECODE_FAIL("unknown flags");
    }

    if (p[5] > ELAAOMS_MEMORY_MAX_CONFLICTS) {
        ELAAOMS_DECODE_FAIL("too many conflict links");
    }

    r->type = (elaaoms_mem_type_e) p[2];
    r->importance = p[3];
    r->shareable = r->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN;
    r->flags = p[4] & ~ELAAOMS_MEMORY_WIRE_VEC2;
    r->offline_model = elaaoms_mstr("");
    r->offline_dim = 0;
    r->offline_q8 = NULL;
    r->nconflicts = p[5];
    r->dim = (size_t) elaaoms_get_le(p + 6, 2);
    r->reinforcement_count = (uint32_t) elaaoms_get_le(p + 8, 4);
    conf = (uint32_t) elaaoms_get_le(p + 12, 4);
    memcpy(&r->confidence, &conf, sizeof(conf));
    r->created = (int64_t) elaaoms_get_le(p + 16, 8);
    r->last_reinforced = (int64_t) elaaoms_get_le(p + 24, 8);
    r->version = version;
    r->nprior_agents = 0;
    r->owned = NULL;

    if (!(r->confidence >= 0 && r->confidence <= 1)) {
        ELAAOMS_DECODE_FAIL("confidence outside 0..1");
    }

    if (r->created < 0 || r->last_reinforced < 0) {
        ELAAOMS_DECODE_FAIL("negative time");
    }

    if (r->dim > ELAAOMS_MEMORY_MAX_DIM) {
        ELAAOMS_DECODE_FAIL("embedding too large");
    }

    p += ELAAOMS_MEMORY_RECORD_HEADER;

    for (i = 0; i < ELAAOMS_MEMORY_NFIXED_STR; i++) {
        p = elaaoms_get_str(p, end, elaaoms_memory_record_str(r, i));
        if (p == NULL) {
            ELAAOMS_DECODE_FAIL("truncated or malformed string");
        }
    }

    for (k = 0; k < r->nconflicts; k++) {
        p = elaaoms_get_str(p, end, &r->conflicts[k]);
        if (p == NULL) {
            ELAAOMS_DECODE_FAIL("truncated or malformed conflict link");
        }
        if (!elaaoms_memory_id_valid(r->conflicts[k].data,
                                     r->conflicts[k].len))
        {
            ELAAOMS_DECODE_FAIL("invalid conflict id");
        }
    }

    if (version != ELAAOMS_MEMORY_RECORD_V1) {
        if (p == end) {
            ELAAOMS_DECODE_FAIL("truncated agents");
        }

        r->nprior_agents = *p++;

        if (r->nprior_agents > ELAAOMS_MEMORY_MAX_AGENTS - 1) {
            ELAAOMS_DECODE_FAIL("too many agents");
        }

        for (k = 0; k < r->nprior_agents; k++) {
            p = elaaoms_get_str(p, end, &r->prior_agents[k]);
            if (p == NULL) {
                ELAAOMS_DECODE_FAIL("truncated or malformed agent");
            }
        }

        reason = elaaoms_memory_record_agents_check(r);
        if (reason) {
            ELAAOMS_DECODE_FAIL(reason);
        }
    }

    if ((size_t) (end - p) < r->dim) {
        ELAAOMS_DECODE_FAIL("truncated embedding");
    }

    r->vec_q8 = r->dim ? p : NULL;
    p += r->dim;

    if (((const unsigned char *) buf)[4] & ELAAOMS_MEMORY_WIRE_VEC2) {
        p = elaaoms_memory_record_vec2(p, end, r, &reason);
        if (p == NULL) {
            ELAAOMS_DECODE_FAIL(reason);
        }
    }

    if (p != end) {
        ELAAOMS_DECODE_FAIL("trailing bytes");
    }

    if (!elaaoms_memory_id_valid(r->id.data, r->id.len)) {
        ELAAOMS_DECODE_FAIL("invalid id");
    }

    if (r->org.len == 0 || r->caller.len == 0 || r->content.len == 0) {
        ELAAOMS_DECODE_FAIL("empty org, caller or content");
    }

    if (r->dim && r->embed_model.len == 0) {
        ELAAOMS_DECODE_FAIL("embedding without a model");
    }

    if (why) {
        *why = NULL;
    }

    return 0;
}


int
elaaoms_memory_record_decode(const void *buf, size_t len,
    elaaoms_memory_record_t *r, const char **why)
{
    void  *copy;

    r->owned = NULL;

    if (buf == NULL) {
        return elaaoms_memory_record_decode_view(NULL, 0, r, why);
    }

    /* one copy, then a view of it: every pointer lands in `copy` */
    copy = malloc(len ? len : 1);
    if (copy == NULL) {
        if (why) {
            *why = "out of memory";
        }
        r->owned = NULL;
        return -1;
    }

    if (len) {
        memcpy(copy, buf, len);
    }

    if (elaaoms_memory_record_decode_view(copy, len, r, why) != 0) {
        free(copy);
        r->owned = NULL;
        return -1;
    }

    r->owned = copy;

    return 0;
}


void
elaaoms_memory_record_free(elaaoms_memory_record_t *r)
{
    if (r) {
        free(r->owned);
        r->owned = NULL;
    }
}


/* --- updates ------------------------------------------------------------- */

int
elaaoms_memory_record_has_conflict(const elaaoms_memory_record_t *r,
    elaaoms_mstr_t id)
{
    unsigned  k;

    for (k = 0; k < r->nconflicts; k++) {
        if (elaaoms_mstr_eq(r->conflicts[k], id)) {
            return 1;
        }
    }

    return 0;
}


int
elaaoms_memory_record_add_conflict(elaaoms_memory_record_t *r,
    elaaoms_mstr_t id)
{
    if (elaaoms_memory_record_has_conflict(r, id)) {
        return 0;
    }

    if (r->nconflicts == ELAAOMS_MEMORY_MAX_CONFLICTS) {
        memmove(&r->conflicts[0], &r->conflicts[1],
                (ELAAOMS_MEMORY_MAX_CONFLICTS - 1) * sizeof(elaaoms_mstr_t));
        r->nconflicts--;
    }

    r->conflicts[r->nconflicts++] = id;

    return 1;
}


int
elaaoms_memory_record_has_agent(const elaaoms_memory_record_t *r,
    elaaoms_mstr_t agent)
{
    unsigned  k;

    if (agent.len == 0) {
        return 0;
    }

    if (elaaoms_mstr_eq(r->agent_id, agent)) {
        return 1;
    }

    for (k = 0; k < r->nprior_agents; k++) {
        if (elaaoms_mstr_eq(r->prior_agents[k], agent)) {
            return 1;
        }
    }

    return 0;
}


int
elaaoms_memory_record_add_agent(elaaoms_memory_record_t *r,
    elaaoms_mstr_t agent)
{
    unsigned  k;

    if (agent.len == 0 || elaaoms_mstr_eq(r->agent_id, agent)) {
        return 0;
    }

    /* agent leaves the prior ones: it becomes the latest */
    for (k = 0; k < r->nprior_agents; k++) {
        if (elaaoms_mstr_eq(r->prior_agents[k], agent)) {
            memmove(&r->prior_agents[k], &r->prior_agents[k + 1],
                    (r->nprior_agents - k - 1) * sizeof(elaaoms_mstr_t));
            r->nprior_agents--;
            break;
        }
    }

    if (r->agent_id.len) {
        if (r->nprior_agents == ELAAOMS_MEMORY_MAX_AGENTS - 1) {
            /* full: the agent that confirmed it longest ago goes */
            memmove(&r->prior_agents[0], &r->prior_agents[1],
                    (ELAAOMS_MEMORY_MAX_AGENTS - 2) * sizeof(elaaoms_mstr_t));
            r->nprior_agents--;
        }

        r->prior_agents[r->nprior_agents++] = r->agent_id;
    }

    r->agent_id = agent;

    return 1;
}


void
elaaoms_memory_record_reinforce(elaaoms_memory_record_t *r,
    elaaoms_mstr_t conversation_id, elaaoms_mstr_t agent_id,
    float confidence, int importance, int64_t now)
{
    float  c;

    c = r->confidence;
    if (confidence > c && confidence <= 1) {
        c = confidence;
    }
    c += (1.0f - c) * ELAAOMS_MEMORY_REINFORCE_STEP;
    r->confidence = c > 1.0f ? 1.0f : c;

    if (importance > r->importance && importance <= 10) {
        r->importance = importance;
    }
    r->shareable = r->importance >= ELAAOMS_MEMORY_SHAREABLE_MIN;

    if (r->reinforcement_count < UINT32_MAX) {
        r->reinforcement_count++;
    }

    if (now > r->last_reinforced) {
        r->last_reinforced = now;
    }

    r->conversation_id = conversation_id;
    (void) elaaoms_memory_record_add_agent(r, agent_id);
}


/* --- ranking ------------------------------------------------------------- */

int
elaaoms_memory_rank_cmp(const void *a, const void *b)
{
    int                             sa, sb;
    size_t                          n;
    const elaaoms_memory_record_t  *x = a, *y = b;

    sa = (x->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0;
    sb = (y->flags & ELAAOMS_MEMORY_F_SUPERSEDED) != 0;

    if (sa != sb) {
        return sa - sb;
    }

    if (x->importance != y->importance) {
        return y->importance - x->importance;
    }

    if (x->last_reinforced != y->last_reinforced) {
        return y->last_reinforced > x->last_reinforced ? 1 : -1;
    }

    if (x->created != y->created) {
        return y->created > x->created ? 1 : -1;
    }

    n = x->id.len < y->id.len ? x->id.len : y->id.len;
    sa = memcmp(x->id.data, y->id.data, n);

    return sa ? -sa : (int) y->id.len - (int) x->id.len;
}


void
elaaoms_memory_records_rank(elaaoms_memory_record_t *recs, size_t n)
{
    if (n > 1) {
        qsort(recs, n, sizeof(elaaoms_memory_record_t),
              elaaoms_memory_rank_cmp);
    }
}
