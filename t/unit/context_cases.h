/*
 * Helpers shared by the test_context_build_*.c unit tests: records made
 * as they come out of Redis (encoded, decoded, superseded), the call
 * input, JSON look-ups, and the check that a stored document's spans
 * are what yajl finds.  Static inline: each test is one translation
 * unit and uses only some.
 */

#ifndef ELAAOMS_CONTEXT_CASES_H
#define ELAAOMS_CONTEXT_CASES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "unit.h"
#include "unit_record.h"
#include "context/context_build.h"
#include "store/memory_record.h"


#define DAY  86400

/* s starts with the literal */
#define STARTS(s, lit)  (strncmp((s), (lit), sizeof(lit) - 1) == 0)
#define T0   1759276800   /* 2025-10-01 00:00:00 UTC */


/* records go through encode + decode, as they come out of Redis */
typedef struct {
    elaaoms_memory_record_t  items[512];
    size_t                   n;
} recs_t;


/* the prior agents (NULL-ended) and flags add() gives the next record */
static const char *const  *add_prior;
static unsigned            add_flags;


static inline void
add(recs_t *rs, const char *id, const char *org, const char *caller,
    const char *conv, const char *agent, elaaoms_mem_type_e type,
    int importance, int64_t created, const char *content)
{
    size_t                    k;
    unsigned char            *buf;
    size_t                    len;
    elaaoms_memory_record_t   r;

    unit_record(&r, id, org, caller, conv, agent, type, importance, created,
                content);
    for (k = 0; add_prior != NULL && add_prior[k] != NULL; k++) {
        r.prior_agents[r.nprior_agents++] = elaaoms_mstr(add_prior[k]);
    }
    r.flags = add_flags;

    if (elaaoms_memory_record_encode_alloc(&r, &buf, &len) != 0) {
        fprintf(stderr, "encode failed for %s\n", id);
        exit(2);
    }

    if (elaaoms_memory_record_decode(buf, len, &rs->items[rs->n], NULL) != 0)
    {
        fprintf(stderr, "decode failed for %s\n", id);
        exit(2);
    }

    free(buf);
    rs->n++;
}


/* links the last record (current) to old_id (superseded), both ways */
static inline void
supersede(recs_t *rs, size_t newer, size_t older)
{
    unsigned char            *buf;
    size_t                    len;
    elaaoms_memory_record_t   a, b;

    a = rs->items[newer];
    b = rs->items[older];
    elaaoms_memory_record_add_conflict(&a, b.id);
    elaaoms_memory_record_add_conflict(&b, a.id);
    b.flags |= ELAAOMS_MEMORY_F_SUPERSEDED;

    /* re-encode both so that they own their strings again */
    a.owned = NULL;
    b.owned = NULL;

    if (elaaoms_memory_record_encode_alloc(&a, &buf, &len) != 0) {
        exit(2);
    }
    {
        elaaoms_memory_record_t  na;
        if (elaaoms_memory_record_decode(buf, len, &na, NULL) != 0) {
            exit(2);
        }
        free(buf);

        if (elaaoms_memory_record_encode_alloc(&b, &buf, &len) != 0) {
            exit(2);
        }
        elaaoms_memory_record_free(&rs->items[older]);
        if (elaaoms_memory_record_decode(buf, len, &rs->items[older], NULL)
            != 0)
        {
            exit(2);
        }
        free(buf);

        elaaoms_memory_record_free(&rs->items[newer]);
        rs->items[newer] = na;
    }
}


static inline void
recs_free(recs_t *rs)
{
    size_t  i;

    for (i = 0; i < rs->n; i++) {
        elaaoms_memory_record_free(&rs->items[i]);
    }
    rs->n = 0;
}


static inline void
input(elaaoms_context_input_t *in, const char *agent, long long count,
    int64_t first, int64_t last)
{
    memset(in, 0, sizeof(*in));
    in->org = "acme";
    in->caller = "+14155550123";
    in->agent_id = agent;
    in->calls.count = count;
    in->calls.first_seen = first;
    in->calls.last_seen = last;
}


static inline yajl_val
parse(const char *json)
{
    char      err[256];
    yajl_val  v;

    v = yajl_tree_parse(json, err, sizeof(err));
    if (v == NULL) {
        fprintf(stderr, "invalid JSON (%s): %s\n", err, json);
    }

    return v;
}


static inline yajl_val
get(yajl_val v, const char *a, const char *b)
{
    const char  *path[3] = { a, b, NULL };

    return yajl_tree_get(v, path, yajl_t_any);
}


/* the string value, "(none)" when v is not a string */
static inline const char *
S(yajl_val v)
{
    return (v && YAJL_IS_STRING(v)) ? v->u.string : "(none)";
}


static inline size_t
arr_len(yajl_val v)
{
    return (v && YAJL_IS_ARRAY(v)) ? v->u.array.len : (size_t) -1;
}


static inline const char *
item_str(yajl_val arr, size_t i, const char *key)
{
    const char  *path[2] = { key, NULL };
    yajl_val     v;

    if (arr == NULL || !YAJL_IS_ARRAY(arr) || i >= arr->u.array.len) {
        return NULL;
    }

    v = yajl_tree_get(arr->u.array.values[i], path, yajl_t_string);

    return v ? S(v) : NULL;
}


static inline int
has_id(const elaaoms_context_t *ctx, const char *id)
{
    size_t  i;

    for (i = 0; i < ctx->nshared; i++) {
        if (strcmp(ctx->shared_ids[i], id) == 0) {
            return 1;
        }
    }

    return 0;
}


/* a span's bytes as a NUL-terminated copy */
static inline char *
span_text(const char *doc, const elaaoms_context_span_t *sp)
{
    char  *t;

    t = malloc(sp->len + 1);
    if (t == NULL) {
        abort();
    }
    memcpy(t, doc + sp->off, sp->len);
    t[sp->len] = '\0';

    return t;
}


/*
 * "at" of a stored document: its spans are the values yajl finds under
 * those names, in the document and in its head (cut as context_store.c's
 * script does)
 */
static inline void
spans_agree(const char *doc, size_t len)
{
    char                    *t, *head;
    yajl_val                 d, v;
    const char              *cut;
    elaaoms_context_span_t   sp[ELAAOMS_CONTEXT_SPANS], hsp[ELAAOMS_CONTEXT_SPANS];
    static const char       *names[ELAAOMS_CONTEXT_SPANS] = {
        "dynamic_variables", "first_message", "shared_set"
    };
    int                      i;
    char                     wrapped[4096];

    CHECK_INT_EQ(elaaoms_context_spans_read(doc, len, sp), 0);

    d = parse(doc);
    CHECK(d != NULL);

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        t = span_text(doc, &sp[i]);
        /* each span parses alone to the document's value */
        snprintf(wrapped, sizeof(wrapped), "{\"v\":%s}", t);
        v = parse(wrapped);
        CHECK(v != NULL);
        if (v != NULL && d != NULL) {
            yajl_val  a = get(v, "v", NULL), b = get(d, names[i], NULL);

            CHECK(a != NULL && b != NULL && a->type == b->type);
            if (i != ELAAOMS_CONTEXT_SPAN_VARIABLES && a && b) {
                CHECK_STR_EQ(S(a), S(b));
            }
            if (i == ELAAOMS_CONTEXT_SPAN_VARIABLES && a && b) {
                CHECK_INT_EQ(a->u.object.len, b->u.object.len);
            }
            yajl_tree_free(v);
        }
        free(t);
    }

    yajl_tree_free(d);

    cut = strstr(doc, ",\"prompt_addition\":");
    CHECK(cut != NULL);
    if (cut == NULL) {
        return;
    }
    head = malloc((size_t) (cut - doc) + 2);
    memcpy(head, doc, (size_t) (cut - doc));
    head[cut - doc] = '}';
    head[cut - doc + 1] = '\0';
    CHECK_INT_EQ(elaaoms_context_spans_read(head, strlen(head), hsp), 0);
    CHECK(memcmp(sp, hsp, sizeof(sp)) == 0);
    free(head);
}


#endif /* ELAAOMS_CONTEXT_CASES_H */
