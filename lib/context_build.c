/*
 * Pre-call context (see context_build.h).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#include "context_build.h"
#include "conversation_id.h"
#include "redis_keys.h"
#include "yajl_util.h"


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


typedef struct {
    char    *p;
    size_t   len;
    size_t   cap;
    int      oom;
} sbuf_t;


/* --- small text helpers -------------------------------------------------- */

static void
sb_add(sbuf_t *b, const char *s, size_t n)
{
    char    *np;
    size_t   cap;

    if (b->oom) {
        return;
    }

    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        np = realloc(b->p, cap);
        if (np == NULL) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }

    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}


static void
sb_adds(sbuf_t *b, const char *s)
{
    sb_add(b, s, strlen(s));
}


static int
lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


static int
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/* the length of the valid UTF-8 sequence at s[0..len), 0 when invalid */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
    size_t    n, i;
    uint32_t  cp;

    if (s[0] < 0x80) {
        return 1;
    }

    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }

    if (len < n) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }

    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
        || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    {
        return 0;
    }

    return n;
}


/*
 * A clean one-line copy of s[0..len): invalid UTF-8 bytes become '?',
 * control characters spaces, runs of spaces one, ends trimmed, "’" an
 * ASCII apostrophe, cut at max bytes on a character boundary.  malloc'd.
 */
static char *
text_clean(const char *s, size_t len, size_t max)
{
    char                 *out;
    size_t                i, o, n;
    const unsigned char  *u = (const unsigned char *) s;

    out = malloc(len + 1);
    if (out == NULL) {
        return NULL;
    }

    o = 0;

    for (i = 0; i < len; i += n) {
        n = utf8_seq(u + i, len - i);

        if (n == 0) {
            n = 1;
            out[o++] = '?';
            continue;
        }

        if (n == 3 && u[i] == 0xe2 && u[i + 1] == 0x80
            && (u[i + 2] == 0x98 || u[i + 2] == 0x99))
        {
            out[o++] = '\'';
            continue;
        }

        if (n == 1 && (u[i] < 0x20 || u[i] == 0x7f || u[i] == ' ')) {
            if (o > 0 && out[o - 1] != ' ') {
                out[o++] = ' ';
            }
            continue;
        }

        if (o + n > max) {
            break;
        }

        memcpy(out + o, s + i, n);
        o += n;
    }

    while (o > 0 && out[o - 1] == ' ') {
        o--;
    }

    if (o > max) {
        o = max;
        while (o > 0 && (((unsigned char) out[o]) & 0xc0) == 0x80) {
            o--;
        }
    }

    out[o] = '\0';

    return out;
}


/* the longest prefix of s within max bytes, not splitting a character */
static size_t
utf8_fit(const char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    while (max > 0 && (((unsigned char) s[max]) & 0xc0) == 0x80) {
        max--;
    }

    return max;
}


void
elaaoms_context_date(int64_t t, char *buf, size_t size)
{
    time_t     tt;
    struct tm  tm;

    if (size == 0) {
        return;
    }

    buf[0] = '\0';

    if (t <= 0) {
        return;
    }

    tt = (time_t) t;

    if (gmtime_r(&tt, &tm) == NULL
        || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
    {
        buf[0] = '\0';
    }
}


static int64_t
rec_when(const elaaoms_memory_record_t *r)
{
    return r->last_reinforced > r->created ? r->last_reinforced : r->created;
}


/* --- frequency ----------------------------------------------------------- */

const char *
elaaoms_context_frequency(const elaaoms_call_history_t *calls, int *frequent)
{
    double  gap;
    int     f;

    f = 0;

    if (frequent) {
        *frequent = 0;
    }

    if (calls->count <= 0) {
        return "new";
    }

    if (calls->count == 1) {
        return "one previous call";
    }

    if (calls->first_seen <= 0 || calls->last_seen < calls->first_seen) {
        if (frequent) {
            *frequent = (calls->count >= 2 * ELAAOMS_CONTEXT_FREQUENT_CALLS);
        }
        return "returning";
    }

    gap = (double) (calls->last_seen - calls->first_seen)
          / (double) (calls->count - 1) / 86400.0;

    f = (calls->count >= 2 * ELAAOMS_CONTEXT_FREQUENT_CALLS
         || (calls->count >= ELAAOMS_CONTEXT_FREQUENT_CALLS && gap < 10.0));

    if (frequent) {
        *frequent = f;
    }

    if (gap < 1.0) {
        return "several times a day";
    }
    if (gap < 1.5) {
        return "daily";
    }
    if (gap < 4.0) {
        return "several times a week";
    }
    if (gap < 10.0) {
        return "weekly";
    }
    if (gap < 24.0) {
        return "every few weeks";
    }
    if (gap < 45.0) {
        return "monthly";
    }
    if (gap < 120.0) {
        return "every few months";
    }

    return "rarely";
}


/* --- names --------------------------------------------------------------- */

static const char  *name_anywhere[] = {
    "caller's full name is ", "caller's first name is ", "caller's name is ",
    "customer's full name is ", "customer's first name is ",
    "customer's name is ", "client's name is ", "user's name is ",
    "caller is named ", "caller is called ", "customer is named ",
    "customer is called ", "caller goes by ", "introduced themselves as ",
    "introduced herself as ", "introduced himself as ",
    NULL
};

/* only at the start of the text (after an optional "The ") */
static const char  *name_start[] = {
    "full name is ", "first name is ", "name is ", "name: ",
    "his name is ", "her name is ", "their name is ", "is named ",
    "is called ", "named ", "goes by ",
    NULL
};

static const char  *name_stop[] = {
    "not", "unknown", "unclear", "withheld", "the", "a", "an", "spelled",
    "pronounced", "private", "confidential", "and", "or", "is", "was",
    "also", "still", "now", "same", "being", "given", "on", "in", "for",
    NULL
};

static const char  *name_titles[] = {
    "mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "prof",
    "prof.", "sir", "madam",
    NULL
};


static int
word_in(const char *w, size_t len, const char **list)
{
    size_t  i, k;

    for (i = 0; list[i]; i++) {
        if (strlen(list[i]) != len) {
            continue;
        }
        for (k = 0; k < len; k++) {
            if (lower((unsigned char) w[k]) != list[i][k]) {
                break;
            }
        }
        if (k == len) {
            return 1;
        }
    }

    return 0;
}


static int
name_char(unsigned char c)
{
    return is_alpha(c) || c >= 0x80 || c == '\'' || c == '-';
}


/*
 * The name words at s: up to three capitalized words (or a non-ASCII
 * letter first), or, when lowercase_ok, up to two lowercase ones that are
 * then capitalized.  0 and the name in buf, or -1.
 */
static int
name_words(const char *s, int lowercase_ok, char *buf, size_t size)
{
    int                   lc, cap, low, poss;
    size_t                i, o, words, start, wl;
    const unsigned char  *u = (const unsigned char *) s;

    i = 0;
    o = 0;
    words = 0;
    lc = -1;

    while (words < 3) {
        cap = (u[i] >= 'A' && u[i] <= 'Z') || u[i] >= 0x80;
        low = (u[i] >= 'a' && u[i] <= 'z');

        if (lc == -1) {
            if (cap) {
                lc = 0;
            } else if (low && lowercase_ok) {
                lc = 1;
            } else {
                break;
            }

        } else if ((lc == 0 && !cap) || (lc == 1 && (!low || words >= 2))) {
            break;
        }

        start = i;
        while (name_char(u[i])) {
            i++;
        }

        /* an initial ("J.") or a title ("Dr.") */
        if (u[i] == '.'
            && (i - start == 1 || word_in(s + start, i - start, name_titles)))
        {
            i++;
        }

        wl = i - start;
        poss = 0;

        /* a possessive ends the name: "Maria's order" */
        if (wl > 2 && s[start + wl - 2] == '\'' && lower(u[start + wl - 1]) == 's')
        {
            wl -= 2;
            poss = 1;
        }

        while (wl > 0 && (s[start + wl - 1] == '\'' || s[start + wl - 1] == '-'))
        {
            wl--;
        }

        if (wl == 0 || word_in(s + start, wl, name_stop)) {
            break;
        }

        if (o + wl + 2 > size) {
            break;
        }

        if (o > 0) {
            buf[o++] = ' ';
        }

        memcpy(buf + o, s + start, wl);
        if (lc == 1) {
            buf[o] = (char) (buf[o] - ('a' - 'A'));
        }
        o += wl;
        words++;

        if (poss || s[i] != ' ') {
            break;
        }

        i++;
    }

    buf[o] = '\0';

    /* a lone title is no name */
    if (words == 0 || (words == 1 && word_in(buf, o, name_titles))) {
        buf[0] = '\0';
        return -1;
    }

    return 0;
}


int
elaaoms_context_name_from(const char *text, char *buf, size_t size)
{
    int          rc;
    char        *low, *content;
    size_t       i, len, k, off;
    const char  *p;

    if (text == NULL || size < 2) {
        return -1;
    }

    /* one line, "’" as "'" */
    content = text_clean(text, strlen(text), ELAAOMS_CONTEXT_CONTENT_MAX);
    if (content == NULL) {
        return -1;
    }

    len = strlen(content);
    low = malloc(len + 1);
    if (low == NULL) {
        free(content);
        return -1;
    }

    for (i = 0; i <= len; i++) {
        low[i] = (char) lower((unsigned char) content[i]);
    }

    rc = -1;

    for (k = 0; name_anywhere[k]; k++) {
        p = low;
        while ((p = strstr(p, name_anywhere[k])) != NULL) {
            off = (size_t) (p - low);
            if (off == 0 || low[off - 1] == ' ') {
                if (name_words(content + off + strlen(name_anywhere[k]), 1,
                               buf, size) == 0)
                {
                    rc = 0;
                    goto done;
                }
            }
            p++;
        }
    }

    off = (strncmp(low, "the ", 4) == 0) ? 4 : 0;

    for (k = 0; name_start[k]; k++) {
        if (strncmp(low + off, name_start[k], strlen(name_start[k])) == 0) {
            if (name_words(content + off + strlen(name_start[k]),
                           strstr(name_start[k], "name") != NULL, buf, size)
                == 0)
            {
                rc = 0;
                goto done;
            }
        }
    }

    rc = -1;

done:

    free(low);
    free(content);

    return rc;
}


/* --- open issues --------------------------------------------------------- */

int
elaaoms_context_issue_resolved(const char *content)
{
    char         w[4][24];
    size_t       i, n, len, start, k;
    int          nw, j;
    const char  *s = content;

    static const char  *done[] = { "resolved", "solved", "fixed", NULL };
    static const char  *neg[] = {
        "not", "never", "yet", "no", "without", "isn't", "wasn't", "hasn't",
        "haven't", "hadn't", "didn't", "doesn't", "aren't", "weren't",
        "cannot", "can't", "couldn't", "won't", "unable", "still", "nothing",
        "none", NULL
    };

    len = strlen(s);
    nw = 0;
    i = 0;

    while (i < len) {
        while (i < len && !is_alpha((unsigned char) s[i]) && s[i] != '\'') {
            i++;
        }
        start = i;
        while (i < len && (is_alpha((unsigned char) s[i]) || s[i] == '\'')) {
            i++;
        }
        n = i - start;
        if (n == 0) {
            continue;
        }

        if (word_in(s + start, n, done)) {
            for (j = 0; j < nw && j < 3; j++) {
                const char  *pw = w[(nw - 1 - j) % 4];
                if (word_in(pw, strlen(pw), neg)) {
                    break;
                }
            }
            if (j == nw || j == 3) {
                return 1;
            }
        }

        k = n < sizeof(w[0]) - 1 ? n : sizeof(w[0]) - 1;
        memcpy(w[nw % 4], s + start, k);
        w[nw % 4][k] = '\0';
        nw++;
    }

    return 0;
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


static int
visible(const ctx_state_t *st, const elaaoms_memory_record_t *r)
{
    size_t  k;

    if (!mstr_is(r->org, st->in->org) || !mstr_is(r->caller, st->in->caller)) {
        return 0;
    }

    if (!st->any && mstr_is(r->agent_id, st->in->agent_id)) {
        return VIS_OWN;
    }

    if (r->importance < ELAAOMS_MEMORY_SHAREABLE_MIN) {
        return 0;
    }

    if (st->in->org_agents != NULL && r->agent_id.len > 0) {
        for (k = 0; k < st->in->norg_agents; k++) {
            if (mstr_is(r->agent_id, st->in->org_agents[k])) {
                break;
            }
        }
        if (k == st->in->norg_agents) {
            return 0;
        }
    }

    return VIS_SHARED;
}


static int
current(const elaaoms_memory_record_t *r)
{
    return (r->flags & ELAAOMS_MEMORY_F_SUPERSEDED) == 0;
}


static int
gen_text(yajl_gen g, const char *s, size_t len, size_t max)
{
    char  *t;
    int    rc;

    t = text_clean(s, len, max);
    if (t == NULL) {
        return -1;
    }

    rc = (yajl_gen_string(g, (const unsigned char *) t, strlen(t))
          == yajl_gen_status_ok) ? 0 : -1;
    free(t);

    return rc;
}


static int
gen_key(yajl_gen g, const char *k)
{
    return elaaoms_yajl_gen_cstr(g, k) == yajl_gen_status_ok ? 0 : -1;
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
        rc |= gen_key(g, "current");
        rc |= gen_text(g, r->content.data, r->content.len,
                       ELAAOMS_CONTEXT_CONTENT_MAX);
        rc |= gen_key(g, "previous");
        rc |= gen_text(g, it->prev->content.data, it->prev->content.len,
                       ELAAOMS_CONTEXT_CONTENT_MAX);
        rc |= gen_key(g, "since");
        rc |= gen_key(g, date);
        rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        return rc ? -1 : 0;
    }

    tn = elaaoms_mem_type_name(r->type);
    elaaoms_context_date(rec_when(r), date, sizeof(date));

    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= gen_key(g, "id");
    rc |= gen_text(g, r->id.data, r->id.len, ELAAOMS_MEMORY_ID_MAX);
    if (it->section == SEC_SHARED) {
        rc |= gen_key(g, "agent_id");
        rc |= gen_text(g, r->agent_id.data, r->agent_id.len, 128);
    }
    rc |= gen_key(g, "type");
    rc |= gen_key(g, tn ? tn : "factual");
    rc |= gen_key(g, "content");
    rc |= gen_text(g, r->content.data, r->content.len,
                   ELAAOMS_CONTEXT_CONTENT_MAX);
    rc |= gen_key(g, "importance");
    rc |= yajl_gen_integer(g, r->importance) != yajl_gen_status_ok;
    rc |= gen_key(g, "date");
    rc |= gen_key(g, date);
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
    rc |= gen_key(g, "caller");
    rc |= gen_text(g, st->in->caller, strlen(st->in->caller), 128);
    if (ctx->name[0]) {
        rc |= gen_key(g, "name");
        rc |= gen_key(g, ctx->name);
    }
    rc |= gen_key(g, "calls");
    rc |= yajl_gen_integer(g, ctx->call_count) != yajl_gen_status_ok;
    rc |= gen_key(g, "first_seen");
    rc |= (st->first_seen[0] ? gen_key(g, st->first_seen)
                             : (yajl_gen_null(g) != yajl_gen_status_ok));
    rc |= gen_key(g, "last_seen");
    rc |= (st->last_seen[0] ? gen_key(g, st->last_seen)
                            : (yajl_gen_null(g) != yajl_gen_status_ok));
    rc |= gen_key(g, "frequency");
    rc |= gen_key(g, ctx->frequency);
    rc |= gen_key(g, "summary");
    rc |= gen_key(g, ctx->summary);

    for (s = 0; s < SEC_N; s++) {
        rc |= gen_key(g, sec_name[sec_order[s]]);
        rc |= yajl_gen_array_open(g) != yajl_gen_status_ok;

        if (sec_order[s] == SEC_REL && st->insight != NULL) {
            rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
            rc |= gen_key(g, "insight");
            rc |= gen_key(g, st->insight);
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

    t = text_clean(s, slen, ELAAOMS_CONTEXT_CONTENT_MAX);
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
 * caller_context: "Open issue: ... Last call (2025-11-17): a; b.
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
    size_t              i, k, len;
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
                snprintf(pair, sizeof(pair), "%.*s (was: %.*s)",
                         (int) no_period(it->r->content.data,
                                         utf8_fit(it->r->content.data,
                                                  it->r->content.len, 200)),
                         it->r->content.data,
                         (int) no_period(it->prev->content.data,
                                         utf8_fit(it->prev->content.data,
                                                  it->prev->content.len,
                                                  200)),
                         it->prev->content.data);
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

    return 0;
}


static int
build_texts(ctx_state_t *st)
{
    int                 frequent;
    char                buf[512], date[16];
    size_t              i, best;
    sbuf_t              sb;
    const char         *who;
    elaaoms_context_t  *ctx = st->ctx;
    const elaaoms_call_history_t  *calls = &st->in->calls;

    /* the name: the best current factual memory stating one */
    best = (size_t) -1;
    for (i = 0; i < st->n; i++) {
        const elaaoms_memory_record_t  *r = &st->recs[i];

        if (!st->vis[i] || !current(r) || r->type != ELAAOMS_MEM_FACTUAL) {
            continue;
        }

        if (best != (size_t) -1
            && elaaoms_memory_rank_cmp(r, &st->recs[best]) >= 0)
        {
            continue;
        }

        if (elaaoms_context_name_from(r->content.data, buf,
                                      sizeof(ctx->name)) == 0)
        {
            best = i;
            memcpy(ctx->name, buf, strlen(buf) + 1);
        }
    }

    if (best != (size_t) -1) {
        st->served[best] = 1;
        for (i = 0; ctx->name[i] && ctx->name[i] != ' '; i++) {
            ctx->first_name[i] = ctx->name[i];
        }
        ctx->first_name[i] = '\0';

        /* "Mrs Lopez", not "Mrs" */
        if (word_in(ctx->first_name, i, name_titles)) {
            memcpy(ctx->first_name, ctx->name, strlen(ctx->name) + 1);
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
        ctx->open_issue = text_clean(st->items[i].r->content.data,
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
        sb_adds(&sb, "One previous call");
        if (st->last_seen[0]) {
            sb_adds(&sb, ", on ");
            sb_adds(&sb, st->last_seen);
        }
        sb_adds(&sb, ".");

    } else if (calls->count > 1) {
        snprintf(buf, sizeof(buf), "%s caller: %lld calls",
                 frequent ? "Frequent" : "Returning", calls->count);
        sb_adds(&sb, buf);
        if (st->first_seen[0]) {
            sb_adds(&sb, " since ");
            sb_adds(&sb, st->first_seen);
        }
        if (strcmp(ctx->frequency, "returning") != 0) {
            sb_adds(&sb, " (");
            if (strncmp(ctx->frequency, "every", 5) != 0
                && strncmp(ctx->frequency, "several", 7) != 0
                && strcmp(ctx->frequency, "rarely") != 0)
            {
                sb_adds(&sb, "about ");
            }
            sb_adds(&sb, ctx->frequency);
            sb_adds(&sb, ")");
        }
        if (st->last_seen[0]) {
            sb_adds(&sb, "; last call ");
            sb_adds(&sb, st->last_seen);
        }
        sb_adds(&sb, ".");
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
    sb_adds(&sb, who);

    if (calls->count > 0) {
        snprintf(buf, sizeof(buf), ": %lld previous call%s", calls->count,
                 calls->count == 1 ? "" : "s");
        sb_adds(&sb, buf);
        if (calls->count > 1 && strcmp(ctx->frequency, "returning") != 0) {
            sb_adds(&sb, " (");
            sb_adds(&sb, ctx->frequency);
            sb_adds(&sb, ")");
        }
        if (st->last_seen[0]) {
            sb_adds(&sb, ", last on ");
            sb_adds(&sb, st->last_seen);
        }
    }

    if (ctx->open_issue) {
        sb_adds(&sb, "; open issue: ");
        sb_adds(&sb, ctx->open_issue);
    }

    if (sb.oom) {
        free(sb.p);
        return -1;
    }

    ctx->summary = text_clean(sb.p, sb.len, ELAAOMS_CONTEXT_SUMMARY_MAX);
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


/* --- the stored document ------------------------------------------------- */

static const char  prompt_addition_head[] =
    "What you remember about this caller from earlier calls (JSON, most "
    "important first). Use it naturally and briefly, never read it out, and "
    "confirm details before acting on them. Items under \"shared\" were "
    "noted by other agents of the company.\n";


int
elaaoms_context_document(const elaaoms_context_t *ctx,
    const char *first_message, int64_t built_us, char **out, size_t *len)
{
    int                   rc;
    char                 *pa, *doc;
    size_t                i, n, palen;
    yajl_gen              g;

    *out = NULL;

    if (ctx->json == NULL) {
        return -1;
    }

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        return -1;
    }

    palen = sizeof(prompt_addition_head) - 1 + ctx->len;
    pa = malloc(palen + 1);
    if (pa == NULL) {
        yajl_gen_free(g);
        return -1;
    }
    memcpy(pa, prompt_addition_head, sizeof(prompt_addition_head) - 1);
    memcpy(pa + sizeof(prompt_addition_head) - 1, ctx->json, ctx->len);
    pa[palen] = '\0';

    rc = 0;
    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "version", 1) != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_str(g, "agent_id",
                                  ctx->agent_id ? ctx->agent_id
                                                : ELAAOMS_CONTEXT_ANY)
          != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "built_us", built_us)
          != yajl_gen_status_ok;

    rc |= gen_key(g, "dynamic_variables");
    rc |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    rc |= gen_key(g, "caller_known");
    rc |= yajl_gen_bool(g, ctx->known) != yajl_gen_status_ok;
    rc |= elaaoms_yajl_gen_kv_int(g, "caller_call_count", ctx->call_count)
          != yajl_gen_status_ok;
    rc |= gen_key(g, "caller_context");
    rc |= gen_text(g, ctx->context_text, strlen(ctx->context_text),
                   ELAAOMS_CONTEXT_TEXT_MAX);
    rc |= elaaoms_yajl_gen_kv_str(g, "caller_last_interaction",
                                  ctx->last_interaction)
          != yajl_gen_status_ok;
    rc |= gen_key(g, "caller_open_issue");
    rc |= gen_text(g, ctx->open_issue ? ctx->open_issue : "",
                   ctx->open_issue ? strlen(ctx->open_issue) : 0,
                   ELAAOMS_CONTEXT_CONTENT_MAX);
    if (ctx->name[0]) {
        rc |= gen_key(g, "caller_name");
        rc |= gen_text(g, ctx->name, strlen(ctx->name),
                       ELAAOMS_CONTEXT_NAME_MAX);
    }
    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;

    rc |= gen_key(g, "first_message");
    rc |= gen_text(g, first_message ? first_message : "",
                   first_message ? strlen(first_message) : 0,
                   ELAAOMS_FIRST_MESSAGE_MAX);
    rc |= gen_key(g, "prompt_addition");
    rc |= yajl_gen_string(g, (const unsigned char *) pa, palen)
          != yajl_gen_status_ok;

    rc |= gen_key(g, "shared_ids");
    rc |= yajl_gen_array_open(g) != yajl_gen_status_ok;
    for (i = 0; i < ctx->nshared; i++) {
        rc |= gen_key(g, ctx->shared_ids[i]);
    }
    rc |= yajl_gen_array_close(g) != yajl_gen_status_ok;

    free(pa);

    /*
     * the context itself travels inside prompt_addition only: nginx parses
     * this document on every client-data request, twice the size for
     * nothing otherwise
     */
    rc |= yajl_gen_map_close(g) != yajl_gen_status_ok;

    if (rc != 0) {
        yajl_gen_free(g);
        return -1;
    }

    doc = elaaoms_yajl_gen_dup(g, &n);
    yajl_gen_free(g);

    if (doc == NULL) {
        return -1;
    }

    *out = doc;
    if (len) {
        *len = n;
    }

    return 0;
}


/* --- first messages ------------------------------------------------------ */

static const char  *greetings[] = {
    "good morning", "good afternoon", "good evening", "hello", "hi", "hey",
    NULL
};


/* the length of the greeting that starts s, 0 when none */
static size_t
greeting_len(const char *s)
{
    size_t  k, n;

    for (k = 0; greetings[k]; k++) {
        n = strlen(greetings[k]);
        if (strncasecmp(s, greetings[k], n) == 0
            && (s[n] == ',' || s[n] == '!' || s[n] == '.' || s[n] == ' '
                || s[n] == '\0'))
        {
            return n;
        }
    }

    return 0;
}


typedef struct {
    const char  *from;
    const char  *to;
} swap_t;

/* whole words, lowercase, apostrophes as "'" */
static const swap_t  pronouns[] = {
    { "caller's", "your" }, { "customer's", "your" }, { "client's", "your" },
    { "their", "your" }, { "theirs", "yours" }, { "they", "you" },
    { "them", "you" }, { "themselves", "yourself" },
    { "themself", "yourself" }, { "they're", "you're" },
    { "they've", "you've" }, { "they'd", "you'd" }, { "they'll", "you'll" },
    { "his", "your" }, { "he", "you" }, { "she", "you" },
    { NULL, NULL }
};

/* the verb after a third-person subject that became "you" */
static const swap_t  verbs[] = {
    { "is", "are" }, { "was", "were" }, { "has", "have" }, { "does", "do" },
    { "wants", "want" }, { "needs", "need" }, { "prefers", "prefer" },
    { "says", "say" }, { "reports", "report" }, { "lives", "live" },
    { "works", "work" }, { "likes", "like" }, { "expects", "expect" },
    { "hasn't", "haven't" }, { "doesn't", "don't" }, { "isn't", "aren't" },
    { "wasn't", "weren't" },
    { NULL, NULL }
};


static const char *
swap_find(const swap_t *list, const char *w, size_t len)
{
    size_t  k, i;

    for (k = 0; list[k].from; k++) {
        if (strlen(list[k].from) != len) {
            continue;
        }
        for (i = 0; i < len; i++) {
            if (lower((unsigned char) w[i]) != list[k].from[i]) {
                break;
            }
        }
        if (i == len) {
            return list[k].to;
        }
    }

    return NULL;
}


static int
word_is(const char *w, size_t len, const char *s)
{
    size_t  i;

    if (strlen(s) != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (lower((unsigned char) w[i]) != s[i]) {
            return 0;
        }
    }

    return 1;
}


/*
 * The first clause of an issue, in the second person, into out; its
 * length (0 when nothing is left).
 */
static size_t
spoken_issue(const char *issue, const elaaoms_context_t *ctx, char *out,
    size_t size)
{
    int          subject_you, first;
    char        *t;
    size_t       i, len, ws, we, o, pl;
    sbuf_t       sb;
    const char  *to, *prefix;

    t = text_clean(issue, strlen(issue), ELAAOMS_CONTEXT_CONTENT_MAX);
    if (t == NULL) {
        return 0;
    }

    /* the first clause */
    len = strlen(t);
    for (i = 0; i < len; i++) {
        if (t[i] == ';'
            || ((t[i] == '.' || t[i] == '!' || t[i] == '?')
                && (t[i + 1] == ' ' || t[i + 1] == '\0')))
        {
            break;
        }
    }
    len = i;
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == ',')) {
        len--;
    }
    t[len] = '\0';

    memset(&sb, 0, sizeof(sb));
    subject_you = 0;
    i = 0;
    first = 1;

    for ( ;; ) {
        while (i < len && t[i] == ' ') {
            i++;
        }
        if (i >= len) {
            break;
        }

        ws = i;
        while (i < len && t[i] != ' ') {
            i++;
        }
        we = i;

        /* the word without trailing punctuation */
        pl = we;
        while (pl > ws && (t[pl - 1] == ',' || t[pl - 1] == ':'
                           || t[pl - 1] == ')' || t[pl - 1] == '"'))
        {
            pl--;
        }

        if (sb.len > 0) {
            sb_adds(&sb, " ");
        }

        to = NULL;
        prefix = "";

        if (subject_you) {
            to = swap_find(verbs, t + ws, pl - ws);
            subject_you = 0;
        }

        if (to == NULL
            && (word_is(t + ws, pl - ws, "caller")
                || word_is(t + ws, pl - ws, "customer")
                || word_is(t + ws, pl - ws, "client")
                || word_is(t + ws, pl - ws, "caller's")
                || word_is(t + ws, pl - ws, "customer's")
                || word_is(t + ws, pl - ws, "client's")))
        {
            /* "the caller" -> "you", "the caller's" -> "your" */
            if (sb.len >= 4 && word_is(sb.p + sb.len - 4, 3, "the")
                && (sb.len == 4 || sb.p[sb.len - 5] == ' '))
            {
                sb.len -= 4;
                sb.p[sb.len] = '\0';
            }

            if (t[pl - 1] == 's') {
                to = "your";
            } else {
                to = "you";
                subject_you = 1;
            }

        } else if (to == NULL) {
            to = swap_find(pronouns, t + ws, pl - ws);
            if (to && (word_is(t + ws, pl - ws, "they")
                       || word_is(t + ws, pl - ws, "he")
                       || word_is(t + ws, pl - ws, "she")))
            {
                subject_you = 1;
            }
        }

        if (to == NULL && first) {
            /* a sentence without a subject: "Reported that ...", "Is ..." */
            to = swap_find(verbs, t + ws, pl - ws);
            if (to) {
                prefix = "you ";

            } else if (pl - ws > 3 && t[pl - 1] == 'd' && t[pl - 2] == 'e'
                       && t[ws] >= 'A' && t[ws] <= 'Z')
            {
                sb_adds(&sb, "you ");
                sb_add(&sb, t + ws, we - ws);
                if (!sb.oom) {
                    sb.p[sb.len - (we - ws)] = (char) lower(
                        (unsigned char) sb.p[sb.len - (we - ws)]);
                }
                first = 0;
                continue;
            }
        }

        if (to) {
            sb_adds(&sb, prefix);
            sb_adds(&sb, to);
            sb_add(&sb, t + pl, we - pl);
            first = 0;
            continue;
        }

        sb_add(&sb, t + ws, we - ws);

        /* lowercase a common first word ("Order XYZ-789 ..."), not a name */
        if (first && !sb.oom && pl - ws >= 2 && t[ws] >= 'A' && t[ws] <= 'Z'
            && !(ctx->first_name[0]
                 && strlen(ctx->first_name) == pl - ws
                 && strncmp(ctx->first_name, t + ws, pl - ws) == 0))
        {
            size_t  k;

            for (k = 1; k < pl - ws; k++) {
                if (!(t[ws + k] >= 'a' && t[ws + k] <= 'z')) {
                    break;
                }
            }

            if (k == pl - ws) {
                sb.p[sb.len - (we - ws)] =
                    (char) lower((unsigned char) sb.p[sb.len - (we - ws)]);
            }
        }

        first = 0;
    }

    free(t);

    if (sb.oom || sb.p == NULL) {
        free(sb.p);
        out[0] = '\0';
        return 0;
    }

    o = sb.len < size - 1 ? sb.len : size - 1;
    o = utf8_fit(sb.p, sb.len, o);
    memcpy(out, sb.p, o);
    out[o] = '\0';
    free(sb.p);

    return o;
}


/* cuts s (len bytes) at a word boundary within max bytes */
static size_t
cut_words(char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    static const char  *dangling[] = {
        "and", "or", "but", "the", "a", "an", "to", "of", "for", "with",
        "in", "on", "at", "by", "from", "that", "your", "you", NULL
    };

    len = utf8_fit(s, len, max);

    for ( ;; ) {
        size_t  w;

        while (len > 0 && s[len] != ' ') {
            len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ','
                           || s[len - 1] == ':' || s[len - 1] == ';'))
        {
            len--;
        }

        /* "... delayed and" -> "... delayed" */
        w = len;
        while (w > 0 && s[w - 1] != ' ') {
            w--;
        }
        if (len == 0 || !word_in(s + w, len - w, dangling)) {
            break;
        }
        len = w;
    }

    s[len] = '\0';

    return len;
}


size_t
elaaoms_first_message_template(const elaaoms_context_t *ctx,
    const char *agent_first_message, const char *language, char *out,
    size_t size)
{
    int          n;
    char         issue[ELAAOMS_CONTEXT_CONTENT_MAX + 64], greet[32];
    char         msg[2 * ELAAOMS_FIRST_MESSAGE_MAX + 2 * 512];
    size_t       gl, il, head, room, max;
    const char  *base, *rest;

    if (size == 0) {
        return 0;
    }

    out[0] = '\0';
    max = size - 1 < ELAAOMS_FIRST_MESSAGE_MAX ? size - 1
                                               : ELAAOMS_FIRST_MESSAGE_MAX;

    if (!ctx->known || (ctx->first_name[0] == '\0' && ctx->open_issue == NULL))
    {
        return 0;
    }

    if (language && language[0] && strncasecmp(language, "en", 2) != 0) {
        return 0;
    }

    base = (agent_first_message && agent_first_message[0])
           ? agent_first_message : ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE;

    if (strstr(base, "{{") != NULL || strlen(base) > 2 * 512) {
        return 0;
    }

    gl = greeting_len(base);
    if (gl > 0 && gl < sizeof(greet)) {
        memcpy(greet, base, gl);
        greet[gl] = '\0';
        rest = base + gl;
        /* "Hi there, ..." */
        if (strncasecmp(rest, " there", 6) == 0
            && (rest[6] == ',' || rest[6] == '!' || rest[6] == '.'))
        {
            rest += 6;
        }
    } else {
        gl = 0;
        snprintf(greet, sizeof(greet), "Hi");
        rest = NULL;
    }

    if (ctx->open_issue) {
        il = spoken_issue(ctx->open_issue, ctx, issue, sizeof(issue));

        if (il > 0) {
            if (ctx->first_name[0]) {
                n = snprintf(msg, sizeof(msg), "%s %s, welcome back! ", greet,
                             ctx->first_name);
            } else {
                n = snprintf(msg, sizeof(msg), "Welcome back! ");
            }

            head = n > 0 ? (size_t) n : 0;
            room = sizeof(" Last time we spoke about this: ") - 1
                   + sizeof(" \xe2\x80\x94 is that why you're calling?") - 1;

            if (head + room + 20 <= max) {
                il = cut_words(issue, il, max - head - room);

                if (il >= 3) {
                    n = snprintf(msg + head, sizeof(msg) - head,
                                 "Last time we spoke about this: %s "
                                 "\xe2\x80\x94 is that why you're calling?",
                                 issue);
                    if (n > 0 && head + (size_t) n <= max) {
                        memcpy(out, msg, head + (size_t) n + 1);
                        return head + (size_t) n;
                    }
                }
            }
        }
    }

    if (ctx->first_name[0] == '\0') {
        return 0;
    }

    if (rest != NULL) {
        n = snprintf(msg, sizeof(msg), "%s %s%s", greet, ctx->first_name,
                     rest);
    } else {
        n = snprintf(msg, sizeof(msg), "Hi %s! %s", ctx->first_name, base);
    }

    if (n <= 0 || (size_t) n > max) {
        return 0;
    }

    memcpy(out, msg, (size_t) n + 1);

    return (size_t) n;
}


static const char  first_message_system[] =
    "You write the first thing a phone voice agent says when it answers a "
    "call from a returning caller. Rules: one or two short sentences, at "
    "most 300 characters, on one line, plain text without quotes, markup, "
    "emoji or placeholders. Greet the caller by first name when it is "
    "known. Mention at most one remembered detail, the open issue first, "
    "as a short question. Never mention payment card numbers, passwords, "
    "health details or other sensitive data, never invent anything, and "
    "never say that you read notes. Keep the tone and the company "
    "introduction of the agent's usual first message, in the agent's "
    "language. Answer with the message only.";


int
elaaoms_first_message_prompt(const elaaoms_context_t *ctx,
    const char *agent_name, const char *agent_first_message,
    const char *language, char **system_prompt, char **user_prompt)
{
    char    buf[256];
    sbuf_t  sb;

    *system_prompt = NULL;
    *user_prompt = NULL;

    memset(&sb, 0, sizeof(sb));

    sb_adds(&sb, "Agent: ");
    sb_adds(&sb, agent_name && agent_name[0] ? agent_name : "(unnamed)");
    sb_adds(&sb, "\nLanguage: ");
    sb_adds(&sb, language && language[0] ? language : "en");
    sb_adds(&sb, "\nThe agent's usual first message: ");
    sb_adds(&sb, agent_first_message && agent_first_message[0]
                 ? agent_first_message : ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE);
    sb_adds(&sb, "\nCaller's name: ");
    sb_adds(&sb, ctx->name[0] ? ctx->name : "unknown");
    snprintf(buf, sizeof(buf), "\nPrevious calls: %lld (%s)",
             ctx->call_count, ctx->frequency ? ctx->frequency : "new");
    sb_adds(&sb, buf);
    if (ctx->last_interaction[0]) {
        sb_adds(&sb, ", the last on ");
        sb_adds(&sb, ctx->last_interaction);
    }
    sb_adds(&sb, "\nOpen issue: ");
    sb_adds(&sb, ctx->open_issue ? ctx->open_issue : "none");
    sb_adds(&sb, "\nWhat we remember (JSON, most important first): ");
    sb_adds(&sb, ctx->json ? ctx->json : "{}");
    sb_adds(&sb, "\nWrite the first message now.");

    if (sb.oom) {
        free(sb.p);
        return -1;
    }

    *system_prompt = strdup(first_message_system);
    if (*system_prompt == NULL) {
        free(sb.p);
        return -1;
    }

    *user_prompt = sb.p;

    return 0;
}


static int
abbreviation(const char *s, size_t dot)
{
    size_t  start;

    static const char  *abbr[] = {
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "e.g",
        "i.e", "no", "prof", "mt", "approx", NULL
    };

    start = dot;
    while (start > 0 && (is_alpha((unsigned char) s[start - 1])
                         || s[start - 1] == '.'))
    {
        start--;
    }

    return dot > start && word_in(s + start, dot - start, abbr);
}


long
elaaoms_first_message_check(const char *text, char *out, size_t size)
{
    size_t                i, n, len, start, sentences;
    const unsigned char  *u;

    if (text == NULL || size == 0) {
        return -1;
    }

    out[0] = '\0';
    len = strlen(text);
    start = 0;

    while (start < len && (text[start] == ' ' || text[start] == '\t'
                           || text[start] == '\n' || text[start] == '\r'))
    {
        start++;
    }
    while (len > start && (text[len - 1] == ' ' || text[len - 1] == '\t'
                           || text[len - 1] == '\n' || text[len - 1] == '\r'))
    {
        len--;
    }

    /* "\"Hi Maria!\"" */
    if (len - start >= 2
        && ((text[start] == '"' && text[len - 1] == '"')
            || (text[start] == '\'' && text[len - 1] == '\'')))
    {
        start++;
        len--;
    }

    if (len <= start || len - start > ELAAOMS_FIRST_MESSAGE_MAX
        || len - start >= size)
    {
        return -1;
    }

    u = (const unsigned char *) text;

    for (i = start; i < len; i += n) {
        n = utf8_seq(u + i, len - i);
        if (n == 0 || (n == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
            return -1;
        }
        if (n == 1 && strchr("[]<>*#", u[i]) != NULL) {
            return -1;
        }
        if (u[i] == '{' && i + 1 < len && u[i + 1] == '{') {
            return -1;
        }
    }

    /* sentences: runs of . ! ? followed by a space or the end */
    sentences = 0;
    for (i = start; i < len; i++) {
        if (text[i] == '.' || text[i] == '!' || text[i] == '?') {
            while (i + 1 < len && (text[i + 1] == '.' || text[i + 1] == '!'
                                   || text[i + 1] == '?'))
            {
                i++;
            }
            if ((i + 1 == len || text[i + 1] == ' ')
                && !(text[i] == '.' && abbreviation(text, i)))
            {
                sentences++;
            }
        }
    }

    if (len > start && strchr(".!?", text[len - 1]) == NULL) {
        sentences++;   /* an unfinished last sentence */
    }

    if (sentences == 0 || sentences > 2) {
        return -1;
    }

    memcpy(out, text + start, len - start);
    out[len - start] = '\0';

    return (long) (len - start);
}


/* --- keys ---------------------------------------------------------------- */

int
elaaoms_context_key(char *buf, size_t size, const char *org,
    const char *caller, const char *agent_id)
{
    char  suffix[sizeof(ELAAOMS_CONTEXT_KEY_PREFIX)
                 + ELAAOMS_CONVERSATION_ID_MAX + 1];

    if ((size_t) snprintf(suffix, sizeof(suffix), ELAAOMS_CONTEXT_KEY_PREFIX
                          "%s", agent_id)
        >= sizeof(suffix))
    {
        return -1;
    }

    return elaaoms_key_caller(buf, size, org, caller, suffix);
}


int
elaaoms_context_profile_key(char *buf, size_t size, const char *org,
    const char *agent_id)
{
    char  suffix[ELAAOMS_CONVERSATION_ID_MAX + 32];

    if ((size_t) snprintf(suffix, sizeof(suffix), "agent:%s:profile",
                          agent_id)
        >= sizeof(suffix))
    {
        return -1;
    }

    return elaaoms_key_org(buf, size, org, suffix);
}
