/*
 * The "at" member of a version 3 or 4 context document: where client-data's
 * values are, so that nginx copies them without scanning (see
 * context_build.h).
 */

#include <string.h>

#include "context/context_build.h"


void
elaaoms_context_spans_write(char *at,
    const elaaoms_context_span_t spans[ELAAOMS_CONTEXT_SPANS])
{
    int     i;
    size_t  v, d, k;

    memset(at, '0', ELAAOMS_CONTEXT_AT_LEN);

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        if (spans[i].off > ELAAOMS_CONTEXT_AT_MAX
            || spans[i].len > ELAAOMS_CONTEXT_AT_MAX || spans[i].len < 2)
        {
            return;
        }
    }

    for (i = 0; i < 2 * ELAAOMS_CONTEXT_SPANS; i++) {
        v = (i & 1) ? spans[i / 2].len : spans[i / 2].off;
        k = (size_t) i * (ELAAOMS_CONTEXT_AT_DIGITS + 1);

        for (d = ELAAOMS_CONTEXT_AT_DIGITS; d > 0; d--) {
            at[k + d - 1] = (char) ('0' + v % 10);
            v /= 10;
        }

        if (i + 1 < 2 * ELAAOMS_CONTEXT_SPANS) {
            at[k + ELAAOMS_CONTEXT_AT_DIGITS] = ' ';
        }
    }
}


int
elaaoms_context_spans_read(const char *doc, size_t len,
    elaaoms_context_span_t spans[ELAAOMS_CONTEXT_SPANS])
{
    int          i;
    size_t       d, k, v, pre, end;
    const char  *at;

    int          v4;

    /* each value's first and last byte, by version (3, 4) */
    static const char  delim[2][ELAAOMS_CONTEXT_SPANS][2] = {
        { { '{', '}' }, { '"', '"' }, { '[', ']' } },
        { { '{', '}' }, { '"', '"' }, { '"', '"' } }
    };

    pre = sizeof(ELAAOMS_CONTEXT_V3_PREFIX) - 1;

    if (len < pre + ELAAOMS_CONTEXT_AT_LEN + 1
        || doc[pre + ELAAOMS_CONTEXT_AT_LEN] != '"')
    {
        return -1;
    }

    if (memcmp(doc, ELAAOMS_CONTEXT_V4_PREFIX, pre) == 0) {
        v4 = 1;

    } else if (memcmp(doc, ELAAOMS_CONTEXT_V3_PREFIX, pre) == 0) {
        v4 = 0;

    } else {
        return -1;
    }

    at = doc + pre;

    for (i = 0; i < 2 * ELAAOMS_CONTEXT_SPANS; i++) {
        k = (size_t) i * (ELAAOMS_CONTEXT_AT_DIGITS + 1);
        v = 0;

        for (d = 0; d < ELAAOMS_CONTEXT_AT_DIGITS; d++) {
            if (at[k + d] < '0' || at[k + d] > '9') {
                return -1;
            }
            v = v * 10 + (size_t) (at[k + d] - '0');
        }

        if (i + 1 < 2 * ELAAOMS_CONTEXT_SPANS
            && at[k + ELAAOMS_CONTEXT_AT_DIGITS] != ' ')
        {
            return -1;
        }

        if (i & 1) {
            spans[i / 2].len = v;
        } else {
            spans[i / 2].off = v;
        }
    }

    /* after "at", inside the text, in order, delimited as their values */
    end = pre + ELAAOMS_CONTEXT_AT_LEN + 1;

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        if (spans[i].len < 2 || spans[i].off < end
            || spans[i].off > len || spans[i].len > len - spans[i].off
            || doc[spans[i].off] != delim[v4][i][0]
            || doc[spans[i].off + spans[i].len - 1] != delim[v4][i][1])
        {
            return -1;
        }

        end = spans[i].off + spans[i].len;
    }

    return 0;
}
