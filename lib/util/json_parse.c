/*
 * JSON parsing with a nesting limit (callback pass, then yajl_tree) and
 * typed getters over yajl trees.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "util/json_parse.h"


typedef struct {
    unsigned           depth;
    unsigned           max_depth;
    size_t             elements;
    elaaoms_json_rc_t  rc;
} elaaoms_json_scan_t;


/* every value and key costs yajl_tree an allocation: count them */
static int
elaaoms_json_scan_count(elaaoms_json_scan_t *scan)
{
    if (++scan->elements > ELAAOMS_JSON_MAX_ELEMENTS) {
        scan->rc = ELAAOMS_JSON_TOO_MANY;
        return 0;
    }

    return 1;
}


static int
elaaoms_json_scan_null(void *ctx)
{
    return elaaoms_json_scan_count(ctx);
}


static int
elaaoms_json_scan_boolean(void *ctx, int v)
{
    return elaaoms_json_scan_count(ctx);
}


static int
elaaoms_json_scan_number(void *ctx, const char *s, size_t len)
{
    return elaaoms_json_scan_count(ctx);
}


static void
elaaoms_json_set_err(char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s", msg);
    }
}


static int
elaaoms_json_scan_open(void *ctx)
{
    elaaoms_json_scan_t  *scan = ctx;

    if (!elaaoms_json_scan_count(scan)) {
        return 0;
    }

    if (++scan->depth > scan->max_depth) {
        scan->rc = ELAAOMS_JSON_TOO_DEEP;
        return 0;
    }

    return 1;
}


static int
elaaoms_json_scan_close(void *ctx)
{
    elaaoms_json_scan_t  *scan = ctx;

    scan->depth--;
    return 1;
}


static int
elaaoms_json_scan_string(void *ctx, const unsigned char *s, size_t len)
{
    elaaoms_json_scan_t  *scan = ctx;

    if (!elaaoms_json_scan_count(scan)) {
        return 0;
    }

    /* yajl_tree hands out C strings: an embedded NUL would truncate */
    if (memchr(s, '\0', len) != NULL) {
        scan->rc = ELAAOMS_JSON_INVALID;
        return 0;
    }

    return 1;
}


static const yajl_callbacks  elaaoms_json_scan_callbacks = {
    elaaoms_json_scan_null,        /* null */
    elaaoms_json_scan_boolean,     /* boolean */
    NULL,                          /* integer */
    NULL,                          /* double */
    elaaoms_json_scan_number,      /* number: the text, never converted */
    elaaoms_json_scan_string,      /* string */
    elaaoms_json_scan_open,        /* start_map */
    elaaoms_json_scan_string,      /* map_key */
    elaaoms_json_scan_close,       /* end_map */
    elaaoms_json_scan_open,        /* start_array */
    elaaoms_json_scan_close        /* end_array */
};


/* the validating pass: allocates nothing per value */
elaaoms_json_rc_t
elaaoms_json_scan(const char *buf, size_t len, unsigned max_depth, char *err,
    size_t errlen)
{
    yajl_handle          h;
    yajl_status          st;
    unsigned char       *msg;
    elaaoms_json_scan_t  scan;

    scan.depth = 0;
    scan.max_depth = max_depth;
    scan.elements = 0;
    scan.rc = ELAAOMS_JSON_OK;

    h = yajl_alloc(&elaaoms_json_scan_callbacks, NULL, &scan);
    if (h == NULL) {
        elaaoms_json_set_err(err, errlen, "out of memory");
        return ELAAOMS_JSON_NOMEM;
    }

    st = yajl_parse(h, (const unsigned char *) buf, len);
    if (st == yajl_status_ok) {
        st = yajl_complete_parse(h);
    }

    if (st == yajl_status_ok) {
        yajl_free(h);
        return ELAAOMS_JSON_OK;
    }

    if (scan.rc == ELAAOMS_JSON_TOO_DEEP) {
        elaaoms_json_set_err(err, errlen, "JSON nested too deeply");

    } else if (scan.rc == ELAAOMS_JSON_TOO_MANY) {
        elaaoms_json_set_err(err, errlen, "JSON holds too many values");

    } else if (scan.rc == ELAAOMS_JSON_INVALID) {
        elaaoms_json_set_err(err, errlen, "JSON string contains a NUL");

    } else {
        scan.rc = ELAAOMS_JSON_INVALID;

        /* not verbose: the message must not quote the request */
        msg = yajl_get_error(h, 0, NULL, 0);
        if (msg != NULL) {
            size_t n = strlen((char *) msg);

            while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
                msg[--n] = '\0';
            }

            elaaoms_json_set_err(err, errlen, (char *) msg);
            yajl_free_error(h, msg);

        } else {
            elaaoms_json_set_err(err, errlen, "invalid JSON");
        }
    }

    yajl_free(h);

    return scan.rc;
}


/*
 * 1 when the text cannot hold more than max_depth nested openings, more
 * values than ELAAOMS_JSON_MAX_ELEMENTS (each takes a byte at least), a
 * NUL, escaped ("\u0000") or raw, nor a comment (yajl_tree allows them)
 */
static int
elaaoms_json_cannot_exceed(const char *buf, size_t len, unsigned max_depth)
{
    size_t  i, open;

    if (len >= ELAAOMS_JSON_MAX_ELEMENTS || len > 64 * 1024) {
        return 0;
    }

    open = 0;

    for (i = 0; i < len; i++) {
        if (buf[i] == '{' || buf[i] == '[') {
            open++;

        } else if (buf[i] == '\0' || buf[i] == '/') {
            /* a NUL ends the copy yajl_tree reads; "/" may open a comment */
            return 0;

        } else if (buf[i] == '\\' && i + 5 < len && buf[i + 1] == 'u'
                   && memcmp(buf + i + 2, "0000", 4) == 0)
        {
            return 0;
        }
    }

    return open <= max_depth;
}


yajl_val
elaaoms_json_parse(const char *buf, size_t len, unsigned max_depth,
    elaaoms_json_rc_t *rc, char *err, size_t errlen)
{
    int                 short_text;
    char               *copy, tree_err[128];
    yajl_val            root;
    elaaoms_json_rc_t   r;

    if (rc == NULL) {
        rc = &r;
    }

    elaaoms_json_set_err(err, errlen, "");

    if (buf == NULL || len == 0) {
        *rc = ELAAOMS_JSON_INVALID;
        elaaoms_json_set_err(err, errlen, "empty JSON document");
        return NULL;
    }

    /*
     * The scan's limits matter only for a text that could break them:
     * more openings than max_depth, or an escaped NUL.  A webhook's small
     * body skips it (a second yajl pass), unless yajl_tree then refuses
     * the text: the scan gives the error, which must not quote the text.
     */
    short_text = elaaoms_json_cannot_exceed(buf, len, max_depth);

    *rc = ELAAOMS_JSON_OK;

    if (!short_text) {
        *rc = elaaoms_json_scan(buf, len, max_depth, err, errlen);
        if (*rc != ELAAOMS_JSON_OK) {
            return NULL;
        }
    }

    /* the scan refused any NUL byte, so the copy ends exactly at len */
    copy = malloc(len + 1);
    if (copy == NULL) {
        *rc = ELAAOMS_JSON_NOMEM;
        elaaoms_json_set_err(err, errlen, "out of memory");
        return NULL;
    }

    memcpy(copy, buf, len);
    copy[len] = '\0';

    tree_err[0] = '\0';
    root = yajl_tree_parse(copy, tree_err, sizeof(tree_err));
    free(copy);

    if (root == NULL && short_text) {
        *rc = elaaoms_json_scan(buf, len, max_depth, err, errlen);
        if (*rc != ELAAOMS_JSON_OK) {
            return NULL;
        }
    }

    if (root == NULL) {
        /* the scan accepted the text: only memory can fail here */
        *rc = ELAAOMS_JSON_NOMEM;
        elaaoms_json_set_err(err, errlen,
                             tree_err[0] ? tree_err : "out of memory");
        return NULL;
    }

    return root;
}


yajl_val
elaaoms_json_get_path(yajl_val v, const char **path, yajl_type type)
{
    if (v == NULL || path == NULL) {
        return NULL;
    }

    return yajl_tree_get(v, path, type);
}


const char *
elaaoms_json_str_path(yajl_val v, const char **path)
{
    return YAJL_GET_STRING(elaaoms_json_get_path(v, path, yajl_t_string));
}


static int
elaaoms_json_digits(const char *s, int64_t *out)
{
    size_t   i, n;
    int64_t  value;

    n = strnlen(s, 19);

    /* 18 digits always fit in an int64_t */
    if (n == 0 || n > 18) {
        return -1;
    }

    value = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        value = value * 10 + (s[i] - '0');
    }

    *out = value;

    return 0;
}


int
elaaoms_json_unsigned(yajl_val v, int64_t *out)
{
    if (YAJL_IS_NUMBER(v)) {
        /* the number's text as sent: "1e9" and "1.0" are refused */
        return v->u.number.r ? elaaoms_json_digits(v->u.number.r, out) : -1;
    }

    if (YAJL_IS_STRING(v)) {
        return elaaoms_json_digits(v->u.string, out);
    }

    return -1;
}


int
elaaoms_json_key_unique(yajl_val obj, const char *key)
{
    size_t  i, seen;

    if (!YAJL_IS_OBJECT(obj) || key == NULL) {
        return 0;
    }

    seen = 0;

    for (i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0 && ++seen > 1) {
            return 0;
        }
    }

    return 1;
}
