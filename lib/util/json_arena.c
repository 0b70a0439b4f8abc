/*
 * A yajl_tree-shaped tree built from yajl's callbacks into an arena
 * (json_arena.h).
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "util/json_arena.h"


typedef struct {
    yajl_val               node;        /* an object or an array */
    size_t                 cap;
    const char            *key;         /* an object's key awaiting a value */
} arena_level_t;


typedef struct {
    elaaoms_json_alloc_pt  alloc;
    void                  *arena;
    yajl_val               root;
    arena_level_t         *levels;      /* max_depth of them */
    unsigned               depth;
    unsigned               max_depth;
    size_t                 elements;
    elaaoms_json_rc_t      rc;
} arena_parse_t;


static int
arena_count(arena_parse_t *p)
{
    if (++p->elements > ELAAOMS_JSON_MAX_ELEMENTS) {
        p->rc = ELAAOMS_JSON_TOO_MANY;
        return 0;
    }

    return 1;
}


static void *
arena_alloc(arena_parse_t *p, size_t size)
{
    void  *m;

    m = p->alloc(p->arena, size);
    if (m == NULL) {
        p->rc = ELAAOMS_JSON_NOMEM;
    }

    return m;
}


static char *
arena_strdup(arena_parse_t *p, const void *s, size_t len)
{
    char  *d;

    d = arena_alloc(p, len + 1);
    if (d != NULL) {
        memcpy(d, s, len);
        d[len] = '\0';
    }

    return d;
}


/* a new value, counted and placed in its container (or as the root) */
static yajl_val
arena_value(arena_parse_t *p, yajl_type type)
{
    size_t          n, cap;
    yajl_val        v, *values;
    const char    **keys;
    arena_level_t  *l;

    if (!arena_count(p)) {
        return NULL;
    }

    v = arena_alloc(p, sizeof(struct yajl_val_s));
    if (v == NULL) {
        return NULL;
    }

    memset(v, 0, sizeof(struct yajl_val_s));
    v->type = type;

    if (p->depth == 0) {
        p->root = v;
        return v;
    }

    l = &p->levels[p->depth - 1];

    if (YAJL_IS_OBJECT(l->node)) {
        n = l->node->u.object.len;

        if (n == l->cap) {
            cap = l->cap ? 2 * l->cap : 4;
            keys = arena_alloc(p, cap * sizeof(const char *));
            values = arena_alloc(p, cap * sizeof(yajl_val));
            if (keys == NULL || values == NULL) {
                return NULL;
            }
            if (n) {
                memcpy(keys, l->node->u.object.keys, n * sizeof(char *));
                memcpy(values, l->node->u.object.values,
                       n * sizeof(yajl_val));
            }
            l->node->u.object.keys = keys;
            l->node->u.object.values = values;
            l->cap = cap;
        }

        l->node->u.object.keys[n] = l->key;
        l->node->u.object.values[n] = v;
        l->node->u.object.len = n + 1;
        l->key = NULL;

    } else {
        n = l->node->u.array.len;

        if (n == l->cap) {
            cap = l->cap ? 2 * l->cap : 4;
            values = arena_alloc(p, cap * sizeof(yajl_val));
            if (values == NULL) {
                return NULL;
            }
            if (n) {
                memcpy(values, l->node->u.array.values,
                       n * sizeof(yajl_val));
            }
            l->node->u.array.values = values;
            l->cap = cap;
        }

        l->node->u.array.values[n] = v;
        l->node->u.array.len = n + 1;
    }

    return v;
}


static int
arena_null(void *ctx)
{
    return arena_value(ctx, yajl_t_null) != NULL;
}


static int
arena_boolean(void *ctx, int b)
{
    return arena_value(ctx, b ? yajl_t_true : yajl_t_false) != NULL;
}


/* the text, and the integer and double as yajl_tree sets them */
static int
arena_number(void *ctx, const char *s, size_t len)
{
    int             neg;
    char           *end;
    size_t          i;
    yajl_val        v;
    arena_parse_t  *p = ctx;

    v = arena_value(p, yajl_t_number);
    if (v == NULL) {
        return 0;
    }

    v->u.number.r = arena_strdup(p, s, len);
    if (v->u.number.r == NULL) {
        return 0;
    }

    /*
     * yajl's own integer parse: digits only, else (or on overflow) the
     * extreme of the sign, not valid
     */
    neg = (len > 0 && s[0] == '-');

    for (i = neg; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            break;
        }
    }

    errno = 0;
    v->u.number.i = strtoll(v->u.number.r, &end, 10);

    /* yajl sums the magnitude: -2^63 overflows it as well */
    if (i == len && i > (size_t) neg && errno == 0 && *end == '\0'
        && v->u.number.i != LLONG_MIN)
    {
        v->u.number.flags |= YAJL_NUMBER_INT_VALID;

    } else {
        v->u.number.i = neg ? LLONG_MIN : LLONG_MAX;
    }

    errno = 0;
    end = NULL;
    v->u.number.d = strtod(v->u.number.r, &end);

    if (errno == 0 && end != NULL && *end == '\0') {
        v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
    }

    return 1;
}


static int
arena_string(void *ctx, const unsigned char *s, size_t len)
{
    yajl_val        v;
    arena_parse_t  *p = ctx;

    /* a C string cannot hold a NUL: refused, as elaaoms_json_parse() */
    if (memchr(s, '\0', len) != NULL) {
        p->rc = ELAAOMS_JSON_INVALID;
        return 0;
    }

    v = arena_value(p, yajl_t_string);
    if (v == NULL) {
        return 0;
    }

    v->u.string = arena_strdup(p, s, len);

    return v->u.string != NULL;
}


static int
arena_key(void *ctx, const unsigned char *s, size_t len)
{
    arena_parse_t  *p = ctx;

    if (!arena_count(p)) {
        return 0;
    }

    if (memchr(s, '\0', len) != NULL) {
        p->rc = ELAAOMS_JSON_INVALID;
        return 0;
    }

    p->levels[p->depth - 1].key = arena_strdup(p, s, len);

    return p->levels[p->depth - 1].key != NULL;
}


static int
arena_open(arena_parse_t *p, yajl_type type)
{
    yajl_val  v;

    /* counted as the scan counts: the container, then its depth */
    v = arena_value(p, type);
    if (v == NULL) {
        return 0;
    }

    if (p->depth >= p->max_depth) {
        p->rc = ELAAOMS_JSON_TOO_DEEP;
        return 0;
    }

    p->levels[p->depth].node = v;
    p->levels[p->depth].cap = 0;
    p->levels[p->depth].key = NULL;
    p->depth++;

    return 1;
}


static int
arena_start_map(void *ctx)
{
    return arena_open(ctx, yajl_t_object);
}


static int
arena_start_array(void *ctx)
{
    return arena_open(ctx, yajl_t_array);
}


static int
arena_close(void *ctx)
{
    arena_parse_t  *p = ctx;

    p->depth--;
    return 1;
}


static const yajl_callbacks  arena_callbacks = {
    arena_null,
    arena_boolean,
    NULL,                       /* integer */
    NULL,                       /* double */
    arena_number,               /* number: the text */
    arena_string,
    arena_start_map,
    arena_key,
    arena_close,
    arena_start_array,
    arena_close
};


yajl_val
elaaoms_json_parse_arena(const char *buf, size_t len, unsigned max_depth,
    elaaoms_json_alloc_pt alloc, void *arena, elaaoms_json_rc_t *rc,
    char *err, size_t errlen)
{
    yajl_handle         h;
    yajl_status         st;
    arena_parse_t       p;
    elaaoms_json_rc_t   r;

    if (rc == NULL) {
        rc = &r;
    }

    if (buf == NULL || len == 0) {
        /* the plain parser's answer and message (it returns NULL) */
        return elaaoms_json_parse(buf, len, max_depth, rc, err, errlen);
    }

    memset(&p, 0, sizeof(p));
    p.alloc = alloc;
    p.arena = arena;
    p.max_depth = max_depth;
    p.rc = ELAAOMS_JSON_OK;

    p.levels = alloc(arena, (max_depth ? max_depth : 1)
                            * sizeof(arena_level_t));
    if (p.levels == NULL) {
        p.rc = ELAAOMS_JSON_NOMEM;
        goto failed;
    }

    h = yajl_alloc(&arena_callbacks, NULL, &p);
    if (h == NULL) {
        p.rc = ELAAOMS_JSON_NOMEM;
        goto failed;
    }

    st = yajl_parse(h, (const unsigned char *) buf, len);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }

    yajl_free(h);

    if (st == yajl_status_ok && p.root != NULL) {
        *rc = ELAAOMS_JSON_OK;
        if (err != NULL && errlen > 0) {
            err[0] = '\0';
        }
        return p.root;
    }

failed:

    if (p.rc == ELAAOMS_JSON_NOMEM) {
        *rc = ELAAOMS_JSON_NOMEM;
        if (err != NULL && errlen > 0) {
            (void) strncpy(err, "out of memory", errlen - 1);
            err[errlen - 1] = '\0';
        }
        return NULL;
    }

    /* refused: the scan says why, in the same words as the plain parser */
    *rc = elaaoms_json_scan(buf, len, max_depth, err, errlen);
    if (*rc == ELAAOMS_JSON_OK) {
        *rc = ELAAOMS_JSON_INVALID;
    }

    return NULL;
}
