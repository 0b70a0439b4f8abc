/*
 * Pre-call context: the text and JSON helpers its parts share
 * (context_internal.h), and the date format (context_build.h).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>

#include "context/context_build.h"
#include "context/context_internal.h"
#include "util/yajl_util.h"


/* the length of the valid UTF-8 sequence at s[0..len), 0 when invalid */
size_t
elaaoms_ctx_utf8_seq(const unsigned char *s, size_t len)
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
char *
elaaoms_ctx_text_clean(const char *s, size_t len, size_t max)
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
        n = elaaoms_ctx_utf8_seq(u + i, len - i);

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
size_t
elaaoms_ctx_utf8_fit(const char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    while (max > 0 && (((unsigned char) s[max]) & 0xc0) == 0x80) {
        max--;
    }

    return max;
}


int
elaaoms_ctx_word_in(const char *w, size_t len, const char **list)
{
    size_t  i, k;

    for (i = 0; list[i]; i++) {
        if (strlen(list[i]) != len) {
            continue;
        }
        for (k = 0; k < len; k++) {
            if (elaaoms_ctx_lower((unsigned char) w[k]) != list[i][k]) {
                break;
            }
        }
        if (k == len) {
            return 1;
        }
    }

    return 0;
}


int
elaaoms_ctx_gen_text(yajl_gen g, const char *s, size_t len, size_t max)
{
    char  *t;
    int    rc;

    t = elaaoms_ctx_text_clean(s, len, max);
    if (t == NULL) {
        return -1;
    }

    rc = (yajl_gen_string(g, (const unsigned char *) t, strlen(t))
          == yajl_gen_status_ok) ? 0 : -1;
    free(t);

    return rc;
}


int
elaaoms_ctx_gen_key(yajl_gen g, const char *k)
{
    return elaaoms_yajl_gen_cstr(g, k) == yajl_gen_status_ok ? 0 : -1;
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
