/*
 * yajl_tree lookups and yajl_gen shortcuts.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_parse.h"
#include "util/yajl_util.h"


const char *
elaaoms_yajl_str(yajl_val v, const char **path)
{
    return YAJL_GET_STRING(yajl_tree_get(v, path, yajl_t_string));
}


yajl_val
elaaoms_yajl_obj(yajl_val v, const char **path)
{
    return yajl_tree_get(v, path, yajl_t_object);
}


yajl_val
elaaoms_yajl_arr(yajl_val v, const char **path)
{
    return yajl_tree_get(v, path, yajl_t_array);
}


int
elaaoms_yajl_int(yajl_val v, const char **path, long long *out)
{
    yajl_val  n = yajl_tree_get(v, path, yajl_t_number);

    if (n == NULL || !YAJL_IS_INTEGER(n)) {
        return -1;
    }

    *out = YAJL_GET_INTEGER(n);
    return 0;
}


int
elaaoms_yajl_count(yajl_val v, const char **path, long long *out)
{
    long long  n;

    if (elaaoms_yajl_int(v, path, &n) != 0 || n < 0) {
        return -1;
    }

    *out = n;
    return 0;
}


yajl_val
elaaoms_yajl_parse(const char *text, char *errbuf, size_t errlen)
{
    char    buf[128];
    size_t  len;

    buf[0] = '\0';

    len = text ? strnlen(text, ELAAOMS_YAJL_MAX_BYTES + 1) : 0;

    if (len > ELAAOMS_YAJL_MAX_BYTES) {
        snprintf(buf, sizeof(buf), "JSON larger than %d bytes",
                 ELAAOMS_YAJL_MAX_BYTES);

    } else {
        /* a peer's JSON: nesting bounded before yajl_tree recurses */
        yajl_val  v = elaaoms_json_parse(text, len, ELAAOMS_YAJL_MAX_DEPTH,
                                         NULL, buf, sizeof(buf));
        if (v != NULL) {
            return v;
        }
    }

    if (errbuf && errlen) {
        /* yajl's message spans lines; keep the first one for logs */
        buf[strcspn(buf, "\r\n")] = '\0';
        snprintf(errbuf, errlen, "%s", buf[0] ? buf : "invalid JSON");
    }

    return NULL;
}


yajl_gen
elaaoms_yajl_gen_new(void)
{
    yajl_gen  g = yajl_gen_alloc(NULL);

    if (g != NULL) {
        /* refuse to send invalid JSON rather than let the API reject it */
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    }

    return g;
}


yajl_gen_status
elaaoms_yajl_gen_cstr(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *) s, strlen(s));
}


yajl_gen_status
elaaoms_yajl_gen_kv_str(yajl_gen g, const char *key, const char *value)
{
    yajl_gen_status  st;

    st = elaaoms_yajl_gen_cstr(g, key);
    if (st != yajl_gen_status_ok) {
        return st;
    }

    return elaaoms_yajl_gen_cstr(g, value);
}


yajl_gen_status
elaaoms_yajl_gen_kv_int(yajl_gen g, const char *key, long long value)
{
    yajl_gen_status  st;

    st = elaaoms_yajl_gen_cstr(g, key);
    if (st != yajl_gen_status_ok) {
        return st;
    }

    return yajl_gen_integer(g, value);
}


char *
elaaoms_yajl_gen_dup(yajl_gen g, size_t *len)
{
    char                 *copy;
    size_t                n;
    const unsigned char  *buf;

    if (yajl_gen_get_buf(g, &buf, &n) != yajl_gen_status_ok) {
        return NULL;
    }

    copy = malloc(n + 1);
    if (copy == NULL) {
        return NULL;
    }

    memcpy(copy, buf, n);
    copy[n] = '\0';

    if (len) {
        *len = n;
    }

    return copy;
}


int
elaaoms_jgen_init(elaaoms_jgen_t *j, int validate_utf8)
{
    j->g = yajl_gen_alloc(NULL);
    j->status = yajl_gen_status_ok;

    if (j->g == NULL) {
        /* any status but ok: elaaoms_jgen_buf() then fails */
        j->status = yajl_gen_in_error_state;
        return -1;
    }

    if (validate_utf8) {
        yajl_gen_config(j->g, yajl_gen_validate_utf8, 1);
    }

    return 0;
}


void
elaaoms_jgen_free(elaaoms_jgen_t *j)
{
    if (j->g != NULL) {
        yajl_gen_free(j->g);
        j->g = NULL;
    }
}


void
elaaoms_jgen_status(elaaoms_jgen_t *j, yajl_gen_status st)
{
    if (j->status == yajl_gen_status_ok) {
        j->status = st;
    }
}


/* the call only while nothing failed; its status kept */
#define elaaoms_jgen_do(j, call)                                             \
    do {                                                                     \
        if ((j)->status == yajl_gen_status_ok) {                             \
            (j)->status = (call);                                            \
        }                                                                    \
    } while (0)


void
elaaoms_jgen_str(elaaoms_jgen_t *j, const void *s, size_t len)
{
    elaaoms_jgen_do(j, yajl_gen_string(j->g, s, len));
}


void
elaaoms_jgen_cstr(elaaoms_jgen_t *j, const char *s)
{
    elaaoms_jgen_do(j, yajl_gen_string(j->g, (const unsigned char *) s,
                                       strlen(s)));
}


void
elaaoms_jgen_int(elaaoms_jgen_t *j, long long n)
{
    elaaoms_jgen_do(j, yajl_gen_integer(j->g, n));
}


void
elaaoms_jgen_double(elaaoms_jgen_t *j, double n)
{
    /* yajl refuses NaN and the infinities: JSON has no word for them */
    elaaoms_jgen_do(j, yajl_gen_double(j->g, n));
}


void
elaaoms_jgen_number(elaaoms_jgen_t *j, const char *s, size_t len)
{
    elaaoms_jgen_do(j, yajl_gen_number(j->g, s, len));
}


void
elaaoms_jgen_bool(elaaoms_jgen_t *j, int b)
{
    elaaoms_jgen_do(j, yajl_gen_bool(j->g, b));
}


void
elaaoms_jgen_null(elaaoms_jgen_t *j)
{
    elaaoms_jgen_do(j, yajl_gen_null(j->g));
}


void
elaaoms_jgen_map_open(elaaoms_jgen_t *j)
{
    elaaoms_jgen_do(j, yajl_gen_map_open(j->g));
}


void
elaaoms_jgen_map_close(elaaoms_jgen_t *j)
{
    elaaoms_jgen_do(j, yajl_gen_map_close(j->g));
}


void
elaaoms_jgen_array_open(elaaoms_jgen_t *j)
{
    elaaoms_jgen_do(j, yajl_gen_array_open(j->g));
}


void
elaaoms_jgen_array_close(elaaoms_jgen_t *j)
{
    elaaoms_jgen_do(j, yajl_gen_array_close(j->g));
}


int
elaaoms_jgen_buf(elaaoms_jgen_t *j, const unsigned char **out, size_t *len)
{
    if (j->g == NULL || j->status != yajl_gen_status_ok) {
        return -1;
    }

    j->status = yajl_gen_get_buf(j->g, out, len);

    return j->status == yajl_gen_status_ok ? 0 : -1;
}
