/*
 * Pre-call context: building it from a caller's records (see
 * context_build.h): visibility, sections, the token cap, the context
 * object, the dynamic-variable scalars and the caller_context text.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "context/context_build.h"
#include "context/context_internal.h"
#include "util/yajl_util.h"



enum {
    SEC_OPEN = 0,
    SEC_LAST,
    SEC_SHARED,
    SEC_CONFLICT,
    SEC_PREFS,
    SEC_REL,
    SEC_EARLIER,
    SEC_N
};

static const int  sec_bonus[SEC_N] = { 15, 10, 8, 12, 5, 3, 0 };

/* output order of the sections */
static const int  sec_order[SEC_N] = {
    SEC_OPEN, SEC_LAST, SEC_SHARED, SEC_CONFLICT, SEC_PREFS, SEC_REL,
    SEC_EARLIER
};

static const char  *sec_name[SEC_N] = {
    "open_issues", "last_conversation", "shared", "conflicts",
    "preferences", "relationship", "earlier"
};

#define VIS_OWN     1
#define VIS_SHARED  2


typedef struct {
    const elaaoms_memory_record_t  *r;
    const elaaoms_memory_record_t  *prev;     /* conflicts: the older one */
    size_t                          ri;
    size_t                          pi;
    int                             section;
    int                             score;
    int64_t                         when;
    size_t                          bytes;
    unsigned                        included:1;
} ctx_item_t;


static int64_t
rec_when(const elaaoms_memory_record_t *r)
{
    return r->last_reinforced > r->created ? r->last_reinforced : r->created;
}


/* --- building ------------------------------------------------------------ */

typedef struct {
    const elaaoms_memory_record_t  *recs;
    size_t                          n;
    const elaaoms_context_input_t  *in;
    elaaoms_context_t              *ctx;
    unsigned char                  *vis;
    unsigned char                  *served;
    size_t                         *by_id;
    ctx_item_t                     *items;
    size_t                          nitems;
    char                           *insight;
    char                            first_seen[16];
    char                            last_seen[16];
    int                             any;
} ctx_state_t;


static int
mstr_is(elaaoms_mstr_t m, const char *s)
{
    return s != NULL && m.len == strlen(s) && memcmp(m.data, s, m.len) == 0;
}


static int
by_id_cmp(const void *a, const void *b, void *arg)
{
    const elaaoms_memory_record_t  *recs = arg;
    const elaaoms_memory_record_t  *x = &recs[*(const size_t *) a];
    const elaaoms_memory_record_t  *y = &recs[*(const size_t *) b];
    size_t                          n;
    int                             c;

    n = x->id.len < y->id.len ? x->id.len : y->id.len;
    c = memcmp(x->id.data, y->id.data, n);

    return c ? c : (x->id.len > y->id.len) - (x->id.len < y->id.len);
}


static long
find_id(const ctx_state_t *st, elaaoms_mstr_t id)
{
    size_t                          lo, hi, mid, n;
    int                             c;
    const elaaoms_memory_record_t  *r;

    lo = 0;
    hi = st->n;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        r = &st->recs[st->by_id[mid]];
        n = r->id.len < id.len ? r->id.len : id.len;
        c = memcmp(r->id.data, id.data, n);
        if (c == 0) {
            c = (r->id.len > id.len) - (r->id.len < id.len);
        }
        if (c == 0) {
            return (long) st->by_id[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    return -1;
}


static int
item_cmp(const void *a, const void *b)
{
    const ctx_item_t  *x = a, *y = b;
    size_t             n;
    int                c;

    if (x->score != y->score) {
        return y->score - x->score;
    }

    if (x->when != y->when) {
        return y->when > x->when ? 1 : -1;
    }

    n = x->r->id.len < y->r->id.len ? x->r->id.len : y->r->id.len;
    c = memcmp(x->r->id.data, y->r->id.data, n);

    return c ? c : (int) x->r->id.len - (int) y->r->id.len;
}


/* 1 when one of the memory's agents is of the organization's list */
static int
org_agent(const ctx_state_t *st, const elaaoms_memory_record_t *r)
{
    size_t          k;
    elaaoms_mstr_t  a;

    for (k = 0; k < st->in->norg_agents; k++) {
        a = elaaoms_mstr(st->in->org_agents[k]);
        if (elaaoms_memory_record_has_agent(r, a)) {
            return 1;
        }
    }

    return 0;
}


static int
visible(const ctx_state_t *st, const elaaoms_memory_record_t *r)
{
    if (!mstr_is(r->org, st->in->org) || !mstr_is(r->caller, st->in->caller)) {
        return 0;
    }

    /* one of the agents that created or reinforced it */
    if (!st->any
        && elaaoms_memory_record_has_agent(r, elaaoms_mstr(st->in->agent_id)))
    {
        return VIS_OWN;
    }

    if (r->importance < ELAAOMS_MEMORY_SHAREABLE_MIN
        && !(r->flags & ELAAOMS_MEMORY_F_IDENTITY))
    {
        return 0;
    }

    if (st->in->org_agents != NULL && !elaaoms_memory_record_unattributed(r)
        && !org_agent(st, r))
    {
        return 0;
    }

    return VIS_SHARED;
}


static int
current(const elaaoms_memory_record_t *r)
{
    return (r->flags & ELAAOMS_MEMORY_F_SUPERSEDED) == 0;
}


static int
gen_item(yajl_gen g, const ctx_item_t *it)
{
    char                            date[16];
    int                             rc;
    const char                     *tn;
    const elaaoms_memory_record_t  *r = it->r;

    rc = 0;

    if (it->section == SEC_CONFLICT) {
        elaaoms_context_date(r->created, date, sizeof(date));
        rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
        rc |= elaaoms_ctx_gen_key(g, "current");
        rc |= elaaoms_ctx_gen_text(g, r->content.data, r->content.len,
                                   ELAAOMS_CONTEXT_CONTENT_MAX);
        rc |= elaaoms_ctx_gen_key(g, "previous");
        rc |= elaaoms_ctx_gen_text(g, it->prev->content.data,
                                   it->prev->content.len,
                                   ELAAOMS_CONTEXT_CONTENT_MAX);
        rc |= elaaoms_ctx_gen_key(g, "since");
        rc |= elaaoms_ctx_gen_key(g, date);
        rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        return rc ? -1 : 0;
    }

    tn = elaaoms_mem_type_name(r->type);
    elaaoms_context_date(rec_when(r), date, sizeof(date));

    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "id");
    rc |= elaaoms_ctx_gen_text(g, r->id.data, r->id.len, ELAAOMS_MEMORY_ID_MAX);
    if (it->section == SEC_SHARED) {
        rc |= elaaoms_ctx_gen_key(g, "agent_id");
        rc |= elaaoms_ctx_gen_text(g, r->agent_id.data, r->agent_id.len, 128);
    }
    rc |= elaaoms_ctx_gen_key(g, "type");
    rc |= elaaoms_ctx_gen_key(g, tn ? tn : "factual");
    rc |= elaaoms_ctx_gen_key(g, "content");
    rc |= elaaoms_ctx_gen_text(g, r->content.data, r->content.len,
                               ELAAOMS_CONTEXT_CONTENT_MAX);
    rc |= elaaoms_ctx_gen_key(g, "importance");
    rc |= yajl_gen_integer(g, r->importance) != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "date");
    rc |= elaaoms_ctx_gen_key(g, date);
    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;

    return rc ? -1 : 0;
}


static size_t
item_bytes(const ctx_item_t *it)
{
    size_t                len;
    yajl_gen              g;
    const unsigned char  *buf;

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        return (size_t) -1;
    }

    if (gen_item(g, it) != 0 || yajl_gen_get_buf(g, &buf, &len)
                                != yajl_gen_status_ok)
    {
        len = (size_t) -1;
    }

    yajl_gen_free(g);

    return len;
}


/* the context object with the included items, into ctx->json */
static int
gen_context(ctx_state_t *st)
{
    int                 rc, s;
    size_t              i;
    yajl_gen            g;
    elaaoms_context_t  *ctx = st->ctx;

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        return -1;
    }

    rc = 0;
    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "caller");
    rc |= elaaoms_ctx_gen_text(g, st->in->caller, strlen(st->in->caller), 128);
    if (ctx->name[0]) {
        rc |= elaaoms_ctx_gen_key(g, "name");
        rc |= elaaoms_ctx_gen_key(g, ctx->name);
    }
    rc |= elaaoms_ctx_gen_key(g, "calls");
    rc |= yajl_gen_integer(g, ctx->call_count) != yajl_gen_status_ok;
    rc |= elaaoms_ctx_gen_key(g, "first_seen");
    rc |= (st->first_seen[0] ? elaaoms_ctx_gen_key(g, st->first_seen)
                             : (yajl_gen_null(g) != yajl_gen_status_ok));
    rc |= elaaoms_ctx_gen_key(g, "last_seen");
    rc |= (st->last_seen[0] ? elaaoms_ctx_gen_key(g, st->last_seen)
                            : (yajl_gen_null(g) != yajl_gen_status_ok));
    rc |= elaaoms_ctx_gen_key(g, "frequency");
    rc |= elaaoms_ctx_gen_key(g, ctx->frequency);
    rc |= elaaoms_ctx_gen_key(g, "summary");
    rc |= elaaoms_ctx_gen_key(g, ctx->summary);

    for (s = 0; s < SEC_N; s++) {
        rc |= elaaoms_ctx_gen_key(g, sec_name[sec_order[s]]);
        rc |= yajl_gen_array_open(g) != yajl_gen_status_ok;

        if (sec_order[s] == SEC_REL && st->insight != NULL) {
            rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
            rc |= elaaoms_ctx_gen_key(g, "insight");
            rc |= elaaoms_ctx_gen_key(g, st->insight);
            rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        }

        for (i = 0; i < st->nitems; i++) {
            if (st->items[i].included && st->items[i].section == sec_order[s])
            {
                rc |= gen_item(g, &st->items[i]);
            }
        }

        rc |= yajl_gen_array_close(g) != yajl_gen_status_ok;
    }

    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;

    free(ctx->json);
    ctx->json = NULL;

    if (rc == 0) {
        ctx->json = elaaoms_yajl_gen_dup(g, &ctx->len);
    }

    yajl_gen_free(g);

    return ctx->json ? 0 : -1;
}


/*
 * Appends sep + s (cleaned, without its final period) to buf when the
 * whole fits in size bytes with the NUL: 1 added, 0 not, -1 no memory.
 */
static int
text_append(char *buf, size_t size, const char *sep, const char *s,
    size_t slen)
{
    char    *t;
    size_t   len, tl, sl;

    t = elaaoms_ctx_text_clean(s, slen, ELAAOMS_CONTEXT_CONTENT_MAX);
    if (t == NULL) {
        return -1;
    }

    /* "Prefers email." -> "Prefers email" inside a list */
    tl = strlen(t);
    while (tl > 0 && (t[tl - 1] == '.' || t[tl - 1] == ' ')) {
        tl--;
    }

    len = strlen(buf);
    sl = strlen(sep);

    if (tl == 0 || len + sl + tl + 1 > size) {
        free(t);
        return 0;
    }

    memcpy(buf + len, sep, sl);
    memcpy(buf + len + sl, t, tl);
    buf[len + sl + tl] = '\0';
    free(t);

    return 1;
}


/* the length of s without final periods and spaces */
static size_t
no_period(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' ')) {
        len--;
    }

    return len;
}


/*
 * caller_context: "Goes by Immy. Open issue: ... Last call (2025-11-17): a; b.
 * Changed: x (was: y). Preferences: ... Noted by other agents: ...
 * History: ... Earlier: ...", whole items only, at most 500 bytes.
 * History starts with the relationship insight of a caller with two or
 * more calls ("Frequent caller: 12 calls since ..."), as the context
 * object's "relationship" does: agents whose profile forbids the prompt
 * override hear of it only through this variable.
 */
static int
build_context_text(ctx_state_t *st, const char *last_date)
{
    int                 added, started;
    char                sep[64], pair[2 * 210 + 16];
    size_t              i, k, len, cur, was;
    const char         *piece;
    elaaoms_context_t  *ctx = st->ctx;
    char               *buf = ctx->context_text;
    /* room for the final "." */
    size_t              size = sizeof(ctx->context_text) - 1;

    static const int    order[] = {
        SEC_OPEN, SEC_LAST, SEC_CONFLICT, SEC_PREFS, SEC_SHARED, SEC_REL,
        SEC_EARLIER
    };
    static const char  *labels[] = {
        "Open issue: ", "Last call (%s): ", "Changed: ", "Preferences: ",
        "Noted by other agents: ", "History: ", "Earlier: "
    };

    buf[0] = '\0';

    /* caller_name is the name they gave ("Halyna Hrytsenko-Bell"); an
       agent that never met them also hears the one they go by ("Hallie"),
       which only the greeting of an agent they spoke to uses */
    len = strlen(ctx->first_name);
    if (len > 0
        && !(strncmp(ctx->name, ctx->first_name, len) == 0
             && (ctx->name[len] == ' ' || ctx->name[len] == '\0')))
    {
        snprintf(pair, sizeof(pair), "Goes by %s", ctx->first_name);
        if (text_append(buf, size, "", pair, strlen(pair)) < 0) {
            return -1;
        }
    }

    for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        started = 0;

        if (order[k] == SEC_REL && st->insight != NULL
            && st->in->calls.count > 1)
        {
            len = strlen(buf);
            snprintf(sep, sizeof(sep), "%s%s", len ? ". " : "", labels[k]);

            added = text_append(buf, size, sep, st->insight,
                                strlen(st->insight));
            if (added < 0) {
                return -1;
            }

            started = added;
        }

        for (i = 0; i < st->nitems; i++) {
            ctx_item_t  *it = &st->items[i];

            if (it->section != order[k]) {
                continue;
            }

            if (started) {
                snprintf(sep, sizeof(sep), "; ");
            } else {
                len = strlen(buf);
                snprintf(sep, sizeof(sep), "%s", len ? ". " : "");
                len = strlen(sep);
                snprintf(sep + len, sizeof(sep) - len, labels[k], last_date);
            }

            if (it->section == SEC_CONFLICT) {
                cur = no_period(it->r->content.data,
                                elaaoms_ctx_utf8_fit(it->r->content.data,
                                                     it->r->content.len, 200));
                was = no_period(it->prev->content.data,
                                elaaoms_ctx_utf8_fit(it->prev->content.data,
                                                     it->prev->content.len,
                                                     200));
                snprintf(pair, sizeof(pair), "%.*s (was: %.*s)",
                         (int) cur, it->r->content.data,
                         (int) was, it->prev->content.data);
                piece = pair;
                len = strlen(pair);
            } else {
                piece = it->r->content.data;
                len = it->r->content.len;
            }

            added = text_append(buf, size, sep, piece, len);
            if (added < 0) {
                return -1;
            }

            if (added == 0) {
                continue;
            }

            started = 1;
            st->served[it->ri] = 1;
            if (it->section == SEC_CONFLICT) {
                st->served[it->pi] = 1;
            }
        }
    }

    len = strlen(buf);
    if (len > 0) {
        buf[len] = '.';
        buf[len + 1] = '\0';
    }

    return 0;
}


static int
add_item(ctx_state_t *st, size_t ri, size_t pi, int section)
{
    ctx_item_t                     *it;
    const elaaoms_memory_record_t  *r = &st->recs[ri];

    it = &st->items[st->nitems++];
    memset(it, 0, sizeof(ctx_item_t));

    it->r = r;
    it->ri = ri;
    it->pi = pi;
    it->prev = (section == SEC_CONFLICT) ? &st->recs[pi] : NULL;
    it->section = section;
    it->score = r->importance * 10 + sec_bonus[section];
    it->when = rec_when(r);

    return 0;
}


static int
shared_ids_collect(ctx_state_t *st)
{
    size_t              i, k;
    elaaoms_context_t  *ctx = st->ctx;

    k = 0;
    for (i = 0; i < st->n; i++) {
        if (st->served[i] && st->vis[i] == VIS_SHARED) {
            k++;
        }
    }

    if (k == 0) {
        return 0;
    }

    ctx->shared_ids = calloc(k, sizeof(char *));
    if (ctx->shared_ids == NULL) {
        return -1;
    }

    for (i = 0; i < st->n; i++) {
        if (st->served[i] && st->vis[i] == VIS_SHARED) {
            ctx->shared_ids[ctx->nshared] = strndup(st->recs[i].id.data,
                                                    st->recs[i].id.len);
            if (ctx->shared_ids[ctx->nshared] == NULL) {
                return -1;
            }
            ctx->nshared++;
        }
    }

    return elaaoms_served_set_make(ctx->shared_ids, ctx->nshared,
                                   ctx->shared_set, &ctx->shared_joined);
}


/*
 * The best current factual memory that states a name (its index, the
 * name in buf), or (size_t) -1: of those that say the name the caller
 * goes by ("The caller goes by Immy.") when goes_by, of the others if not
 */
static size_t
build_name(ctx_state_t *st, int goes_by, char *buf, size_t size)
{
    char    name[ELAAOMS_CONTEXT_NAME_MAX];
    size_t  i, best;

    best = (size_t) -1;
    for (i = 0; i < st->n; i++) {
        const elaaoms_memory_record_t  *r = &st->recs[i];

        if (!st->vis[i] || !current(r) || r->type != ELAAOMS_MEM_FACTUAL
            || r->content.data == NULL
            || elaaoms_context_name_preferred(r->content.data) != goes_by
            || (best != (size_t) -1
                && elaaoms_memory_rank_cmp(r, &st->recs[best]) >= 0))
        {
            continue;
        }

        if (elaaoms_context_name_from(r->content.data, name,
                                      size < sizeof(name) ? size
                                                          : sizeof(name))
            == 0)
        {
            best = i;
            memcpy(buf, name, strlen(name) + 1);
        }
    }

    return best;
}


static int
build_texts(ctx_state_t *st)
{
    int                 frequent;
    char                buf[512], date[16];
    size_t              i, best;
    elaaoms_buf_t       sb;
    const char         *who;
    elaaoms_context_t  *ctx = st->ctx;
    const elaaoms_call_history_t  *calls = &st->in->calls;

    /* the name: the best current factual memory stating one, the name
       one goes by only when no other gives it */
    best = build_name(st, 0, ctx->name, sizeof(ctx->name));
    if (best == (size_t) -1) {
        best = build_name(st, 1, ctx->name, sizeof(ctx->name));
    }

    if (best != (size_t) -1) {
        st->served[best] = 1;
        for (i = 0; ctx->name[i] && ctx->name[i] != ' '; i++) {
            ctx->first_name[i] = ctx->name[i];
        }
        ctx->first_name[i] = '\0';

        /* "Mrs Lopez", not "Mrs" */
        if (elaaoms_ctx_is_title(ctx->first_name, i)) {
            memcpy(ctx->first_name, ctx->name, strlen(ctx->name) + 1);
        }

        /* "I'm Imogen, but everyone calls me Immy": greet as they like */
        i = build_name(st, 1, buf, sizeof(ctx->first_name));
        if (i != (size_t) -1) {
            memcpy(ctx->first_name, buf, strlen(buf) + 1);
            st->served[i] = 1;
        }
    }

    /* the open issue: the best own one, else a shared one */
    for (i = 0; i < st->nitems; i++) {
        if (st->items[i].section == SEC_OPEN) {
            break;
        }
    }

    if (i == st->nitems) {
        for (i = 0; i < st->nitems; i++) {
            if (st->items[i].section == SEC_SHARED
                && st->items[i].r->type == ELAAOMS_MEM_ISSUE
                && !elaaoms_context_issue_resolved(st->items[i].r->content.data))
            {
                break;
            }
        }
    }

    if (i < st->nitems) {
        ctx->open_issue = elaaoms_ctx_text_clean(st->items[i].r->content.data,
                                                 st->items[i].r->content.len,
                                                 ELAAOMS_CONTEXT_CONTENT_MAX);
        if (ctx->open_issue == NULL) {
            return -1;
        }
        st->served[st->items[i].ri] = 1;
    }

    /* relationship insight */
    ctx->frequency = elaaoms_context_frequency(calls, &frequent);
    ctx->frequent = frequent;
    elaaoms_context_date(calls->first_seen, st->first_seen,
                         sizeof(st->first_seen));
    elaaoms_context_date(calls->last_seen, st->last_seen,
                         sizeof(st->last_seen));
    memcpy(ctx->last_interaction, st->last_seen, sizeof(st->last_seen));

    memset(&sb, 0, sizeof(sb));

    if (calls->count == 1) {
        elaaoms_buf_appends(&sb, "One previous call");
        if (st->last_seen[0]) {
            elaaoms_buf_appends(&sb, ", on ");
            elaaoms_buf_appends(&sb, st->last_seen);
        }
        elaaoms_buf_appends(&sb, ".");

    } else if (calls->count > 1) {
        elaaoms_buf_appendf(&sb, "%s caller: %lld calls",
                            frequent ? "Frequent" : "Returning", calls->count);
        if (st->first_seen[0]) {
            elaaoms_buf_appends(&sb, " since ");
            elaaoms_buf_appends(&sb, st->first_seen);
        }
        if (strcmp(ctx->frequency, "returning") != 0) {
            elaaoms_buf_appends(&sb, " (");
            if (strncmp(ctx->frequency, "every", 5) != 0
                && strncmp(ctx->frequency, "several", 7) != 0
                && strcmp(ctx->frequency, "rarely") != 0)
            {
                elaaoms_buf_appends(&sb, "about ");
            }
            elaaoms_buf_appends(&sb, ctx->frequency);
            elaaoms_buf_appends(&sb, ")");
        }
        if (st->last_seen[0]) {
            elaaoms_buf_appends(&sb, "; last call ");
            elaaoms_buf_appends(&sb, st->last_seen);
        }
        elaaoms_buf_appends(&sb, ".");
    }

    if (sb.oom) {
        free(sb.p);
        return -1;
    }

    st->insight = sb.p;

    /* the summary line */
    memset(&sb, 0, sizeof(sb));

    who = ctx->name[0] ? ctx->name : (ctx->known ? "Returning caller"
                                                 : "New caller");
    elaaoms_buf_appends(&sb, who);

    if (calls->count > 0) {
        elaaoms_buf_appendf(&sb, ": %lld previous call%s", calls->count,
                            calls->count == 1 ? "" : "s");
        if (calls->count > 1 && strcmp(ctx->frequency, "returning") != 0) {
            elaaoms_buf_appends(&sb, " (");
            elaaoms_buf_appends(&sb, ctx->frequency);
            elaaoms_buf_appends(&sb, ")");
        }
        if (st->last_seen[0]) {
            elaaoms_buf_appends(&sb, ", last on ");
            elaaoms_buf_appends(&sb, st->last_seen);
        }
    }

    if (ctx->open_issue) {
        elaaoms_buf_appends(&sb, "; open issue: ");
        elaaoms_buf_appends(&sb, ctx->open_issue);
    }

    if (sb.oom) {
        free(sb.p);
        return -1;
    }

    ctx->summary = elaaoms_ctx_text_clean(sb.p, sb.len,
                                          ELAAOMS_CONTEXT_SUMMARY_MAX);
    free(sb.p);
    if (ctx->summary == NULL) {
        return -1;
    }

    /* the caller_context dynamic variable */
    date[0] = '\0';
    for (i = 0; i < st->nitems; i++) {
        if (st->items[i].section == SEC_LAST) {
            elaaoms_context_date(st->items[i].when, date, sizeof(date));
            break;
        }
    }
    return build_context_text(st, date[0] ? date : "earlier");
}


void
elaaoms_context_free(elaaoms_context_t *ctx)
{
    size_t  i;

    if (ctx == NULL) {
        return;
    }

    for (i = 0; i < ctx->nshared; i++) {
        free(ctx->shared_ids[i]);
    }

    free(ctx->shared_ids);
    free(ctx->shared_joined);
    free(ctx->json);
    free(ctx->open_issue);
    free(ctx->summary);
    free(ctx->agent_id);

    memset(ctx, 0, sizeof(elaaoms_context_t));
}


int
elaaoms_context_build(const elaaoms_memory_record_t *recs, size_t n,
    const elaaoms_context_input_t *in, elaaoms_context_t *ctx)
{
    int                             rc, any;
    long                            pi;
    size_t                          i, k, budget, used, maxitems;
    int64_t                         latest_when;
    elaaoms_mstr_t                  latest_conv;
    ctx_state_t                     st;
    const elaaoms_memory_record_t  *r;

    memset(ctx, 0, sizeof(elaaoms_context_t));
    memset(&st, 0, sizeof(st));

    if (in == NULL || in->org == NULL || in->caller == NULL
        || (n > 0 && recs == NULL))
    {
        return -1;
    }

    any = (in->agent_id == NULL || in->agent_id[0] == '\0'
           || strcmp(in->agent_id, ELAAOMS_CONTEXT_ANY) == 0);

    st.recs = recs;
    st.n = n;
    st.in = in;
    st.ctx = ctx;
    st.any = any;

    rc = -1;

    ctx->agent_id = strdup(any ? ELAAOMS_CONTEXT_ANY : in->agent_id);
    maxitems = n * (1 + ELAAOMS_MEMORY_MAX_CONFLICTS);
    st.vis = calloc(n + 1, 1);
    st.served = calloc(n + 1, 1);
    st.by_id = calloc(n + 1, sizeof(size_t));
    st.items = calloc(maxitems + 1, sizeof(ctx_item_t));

    if (ctx->agent_id == NULL || st.vis == NULL || st.served == NULL
        || st.by_id == NULL || st.items == NULL)
    {
        goto done;
    }

    for (i = 0; i < n; i++) {
        st.vis[i] = (unsigned char) visible(&st, &recs[i]);
        st.by_id[i] = i;
    }

    qsort_r(st.by_id, n, sizeof(size_t), by_id_cmp, (void *) recs);

    /* the most recent own conversation */
    latest_when = -1;
    latest_conv = elaaoms_mstr(NULL);

    for (i = 0; i < n; i++) {
        r = &recs[i];
        if (st.vis[i] == VIS_OWN && current(r) && r->conversation_id.len > 0
            && rec_when(r) > latest_when)
        {
            latest_when = rec_when(r);
            latest_conv = r->conversation_id;
        }
    }

    /* candidates */
    for (i = 0; i < n; i++) {
        r = &recs[i];

        if (!st.vis[i]) {
            continue;
        }

        ctx->known = 1;

        if (!current(r)) {
            continue;
        }

        if (st.vis[i] == VIS_SHARED) {
            add_item(&st, i, 0, SEC_SHARED);
        } else if (r->type == ELAAOMS_MEM_ISSUE
                   && !elaaoms_context_issue_resolved(r->content.data))
        {
            add_item(&st, i, 0, SEC_OPEN);
        } else if (latest_conv.len > 0
                   && elaaoms_mstr_eq(r->conversation_id, latest_conv))
        {
            add_item(&st, i, 0, SEC_LAST);
        } else if (r->type == ELAAOMS_MEM_PREFERENCE) {
            add_item(&st, i, 0, SEC_PREFS);
        } else if (r->type == ELAAOMS_MEM_RELATIONSHIP) {
            add_item(&st, i, 0, SEC_REL);
        } else {
            add_item(&st, i, 0, SEC_EARLIER);
        }

        /* conflicts: this current memory replaced a visible older one */
        for (k = 0; k < r->nconflicts && k < ELAAOMS_MEMORY_MAX_CONFLICTS; k++)
        {
            pi = find_id(&st, r->conflicts[k]);
            if (pi < 0 || (size_t) pi == i || !st.vis[pi]
                || current(&recs[pi]))
            {
                continue;
            }
            add_item(&st, i, (size_t) pi, SEC_CONFLICT);
        }
    }

    qsort(st.items, st.nitems, sizeof(ctx_item_t), item_cmp);

    ctx->call_count = in->calls.count > 0 ? in->calls.count : 0;
    if (ctx->call_count > 0) {
        ctx->known = 1;
    }

    if (build_texts(&st) != 0) {
        goto done;
    }

    /* the fixed part, then items greedily by score */
    budget = (in->max_tokens ? in->max_tokens : ELAAOMS_CONTEXT_MAX_TOKENS)
             * ELAAOMS_CONTEXT_BYTES_PER_TOKEN;

    if (gen_context(&st) != 0) {
        goto done;
    }

    used = ctx->len;

    for (i = 0; i < st.nitems; i++) {
        st.items[i].bytes = item_bytes(&st.items[i]);
        if (st.items[i].bytes == (size_t) -1) {
            goto done;
        }

        /* one comma per item at most */
        if (used + st.items[i].bytes + 1 <= budget) {
            st.items[i].included = 1;
            used += st.items[i].bytes + 1;
        }
    }

    for ( ;; ) {
        if (gen_context(&st) != 0) {
            goto done;
        }

        if (ctx->len <= budget) {
            break;
        }

        /* cannot happen with the accounting above; stay safe anyway */
        for (k = st.nitems; k > 0; k--) {
            if (st.items[k - 1].included) {
                st.items[k - 1].included = 0;
                break;
            }
        }

        if (k == 0) {
            break;   /* the fixed part alone: never over 2,000 tokens */
        }
    }

    for (i = 0; i < st.nitems; i++) {
        if (st.items[i].included) {
            ctx->included++;
            st.served[st.items[i].ri] = 1;
            if (st.items[i].section == SEC_CONFLICT) {
                st.served[st.items[i].pi] = 1;
            }
        } else {
            ctx->dropped++;
        }
    }

    ctx->tokens = (ctx->len + ELAAOMS_CONTEXT_BYTES_PER_TOKEN - 1)
                  / ELAAOMS_CONTEXT_BYTES_PER_TOKEN;

    if (shared_ids_collect(&st) != 0) {
        goto done;
    }

    rc = 0;

done:

    free(st.vis);
    free(st.served);
    free(st.by_id);
    free(st.items);
    free(st.insight);

    if (rc != 0) {
        elaaoms_context_free(ctx);
    }

    return rc;
}
