/*
 * Top-level members of a JSON object without a tree (see json_scan.h).
 */

#include <stdint.h>
#include <string.h>

#include "util/json_scan.h"


static int
elaaoms_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


static size_t
elaaoms_json_skip_space(const char *p, size_t i, size_t len)
{
    while (i < len && elaaoms_json_space(p[i])) {
        i++;
    }

    return i;
}


/*
 * i at a '"': the index after the closing quote, or 0.  memchr() finds
 * the quotes (the long prompt texts are most of a document); a quote
 * after an odd run of backslashes is escaped.
 */
static size_t
elaaoms_json_skip_string(const char *p, size_t i, size_t len)
{
    size_t       k;
    const char  *q;

    for (i++; i < len; i = (size_t) (q - p) + 1) {
        q = memchr(p + i, '"', len - i);
        if (q == NULL) {
            return 0;
        }

        for (k = 0; q - k > p + i && q[-1 - (long) k] == '\\'; k++) {
            /* void */
        }

        if (k % 2 == 0) {
            return (size_t) (q - p) + 1;
        }
    }

    return 0;
}


/* a value at i: the index after it, or 0 */
static size_t
elaaoms_json_skip_value(const char *p, size_t i, size_t len, size_t depth)
{
    size_t    nest;
    char      c;
    uint64_t  kinds;

    if (i >= len) {
        return 0;
    }

    if (p[i] == '"') {
        return elaaoms_json_skip_string(p, i, len);
    }

    if (p[i] != '{' && p[i] != '[') {
        /* a number or a literal: up to the next delimiter */
        size_t  start = i;

        while (i < len && p[i] != ',' && p[i] != '}' && p[i] != ']'
               && !elaaoms_json_space(p[i]))
        {
            if (p[i] == '"' || p[i] == '{' || p[i] == '[' || p[i] == ':') {
                return 0;
            }
            i++;
        }

        return i > start ? i : 0;
    }

    /* brackets: balanced and matched (a bit per level: 1 for '{'),
       strings skipped whole */
    nest = 0;
    kinds = 0;

    if (depth > 64) {
        depth = 64;
    }

    while (i < len) {
        c = p[i];

        if (c == '"') {
            i = elaaoms_json_skip_string(p, i, len);
            if (i == 0) {
                return 0;
            }
            continue;
        }

        if (c == '{' || c == '[') {
            if (nest == depth) {
                return 0;
            }
            kinds = (kinds << 1) | (c == '{');
            nest++;

        } else if (c == '}' || c == ']') {
            if (nest == 0 || (kinds & 1) != (uint64_t) (c == '}')) {
                return 0;
            }
            kinds >>= 1;
            if (--nest == 0) {
                return i + 1;
            }
        }

        i++;
    }

    return 0;
}


int
elaaoms_json_members(const char *text, size_t len, size_t depth,
    elaaoms_json_member_t *out, size_t max)
{
    return elaaoms_json_members_last(text, len, depth, out, max, NULL);
}


/* a string that runs from text[v] to the closing brace: its end, or 0 */
static size_t
elaaoms_json_rest_string(const char *text, size_t v, size_t len)
{
    size_t  e;

    e = len;
    while (e > v && elaaoms_json_space(text[e - 1])) {
        e--;
    }

    /* '"' .. '"' '}': the closing quote not escaped */
    if (e < v + 3 || text[v] != '"' || text[e - 1] != '}'
        || text[e - 2] != '"')
    {
        return 0;
    }

    {
        size_t  k = 0;

        while (e - 3 - k > v && text[e - 3 - k] == '\\') {
            k++;
        }

        if (k % 2) {
            return 0;
        }
    }

    return e - 1;
}


int
elaaoms_json_members_last(const char *text, size_t len, size_t depth,
    elaaoms_json_member_t *out, size_t max, const char *last)
{
    size_t  i, k, v, n, last_len;

    last_len = last ? strlen(last) : 0;

    i = elaaoms_json_skip_space(text, 0, len);
    if (i >= len || text[i] != '{' || depth == 0) {
        return -1;
    }

    n = 0;
    i = elaaoms_json_skip_space(text, i + 1, len);

    if (i < len && text[i] == '}') {
        goto end;
    }

    for ( ;; ) {
        if (i >= len || text[i] != '"') {
            return -1;
        }

        k = elaaoms_json_skip_string(text, i, len);
        if (k == 0) {
            return -1;
        }

        v = elaaoms_json_skip_space(text, k, len);
        if (v >= len || text[v] != ':') {
            return -1;
        }

        v = elaaoms_json_skip_space(text, v + 1, len);

        if (n < max) {
            out[n].key = text + i + 1;
            out[n].key_len = k - i - 2;
            out[n].value = text + v;
        }

        if (last != NULL && k - i - 2 == last_len
            && memcmp(text + i + 1, last, last_len) == 0)
        {
            i = elaaoms_json_rest_string(text, v, len);
            if (i == 0) {
                return -1;
            }

            if (n < max) {
                out[n].value_len = i - v;
            }

            return (int) n + 1;
        }

        i = elaaoms_json_skip_value(text, v, len, depth - 1);
        if (i == 0) {
            return -1;
        }

        if (n < max) {
            out[n].value_len = i - v;
        }

        n++;

        i = elaaoms_json_skip_space(text, i, len);

        if (i < len && text[i] == ',') {
            i = elaaoms_json_skip_space(text, i + 1, len);
            continue;
        }

        if (i < len && text[i] == '}') {
            break;
        }

        return -1;
    }

end:

    i = elaaoms_json_skip_space(text, i + 1, len);

    return i == len && n <= (size_t) 0x7fffffff ? (int) n : -1;
}


const elaaoms_json_member_t *
elaaoms_json_member(const elaaoms_json_member_t *m, size_t n,
    const char *key)
{
    size_t  i, klen;

    klen = strlen(key);

    for (i = 0; i < n; i++) {
        if (m[i].key_len == klen && memcmp(m[i].key, key, klen) == 0) {
            return &m[i];
        }
    }

    return NULL;
}


int
elaaoms_json_is_string(const elaaoms_json_member_t *m)
{
    return m->value_len >= 2 && m->value[0] == '"'
           && m->value[m->value_len - 1] == '"';
}


/* the short escape of c, or 0 */
static char
elaaoms_json_short_escape(unsigned char c)
{
    switch (c) {
    case '"':  return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default:   return 0;
    }
}


size_t
elaaoms_json_escaped_len(const char *src, size_t len)
{
    size_t          i, n;
    unsigned char   c;

    for (i = 0, n = 0; i < len; i++) {
        c = (unsigned char) src[i];
        n += elaaoms_json_short_escape(c) ? 2 : c < 0x20 ? 6 : 1;
    }

    return n;
}


char *
elaaoms_json_escape(char *dst, const char *src, size_t len)
{
    size_t              i;
    char                e;
    unsigned char       c;
    static const char   hex[] = "0123456789ABCDEF";

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];
        e = elaaoms_json_short_escape(c);

        if (e) {
            *dst++ = '\\';
            *dst++ = e;

        } else if (c < 0x20) {
            memcpy(dst, "\\u00", 4);
            dst[4] = hex[c >> 4];
            dst[5] = hex[c & 0xf];
            dst += 6;

        } else {
            *dst++ = (char) c;
        }
    }

    return dst;
}
