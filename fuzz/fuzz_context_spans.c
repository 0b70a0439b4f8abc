/*
 * libFuzzer target: the "at" of a context document or head, which nginx
 * trusts to copy bytes into its answer.  Accepted spans lie inside the
 * input, after "at", in order, without overlap, each delimited as its
 * value ({}, "", and [] in version 3 or "" in version 4); writing them
 * back gives the same "at".  The same input as a stored served set's
 * value (served_set.h): the ids lie inside it, after its marker.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context/context_build.h"
#include "context/served_set.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                     i, v4;
    char                    at[ELAAOMS_CONTEXT_AT_LEN];
    size_t                  end, pre, n;
    long long               replaced;
    const char             *doc = (const char *) data, *ids;
    elaaoms_context_span_t  sp[ELAAOMS_CONTEXT_SPANS];

    static const char  delim[2][ELAAOMS_CONTEXT_SPANS][2] = {
        { { '{', '}' }, { '"', '"' }, { '[', ']' } },
        { { '{', '}' }, { '"', '"' }, { '"', '"' } }
    };

    ids = elaaoms_served_set_ids(doc, size, &n, &replaced);
    if (ids != NULL
        && (ids < doc + 2 || n > size || ids + n != doc + size
            || replaced < 0 || (replaced == 0 && doc[0] != 'c')))
    {
        abort();
    }

    if (elaaoms_context_spans_read(doc, size, sp) != 0) {
        return 0;
    }

    pre = sizeof(ELAAOMS_CONTEXT_V3_PREFIX) - 1;
    v4 = memcmp(doc, ELAAOMS_CONTEXT_V4_PREFIX, pre) == 0;
    end = pre + ELAAOMS_CONTEXT_AT_LEN + 1;

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        if (sp[i].off < end || sp[i].len < 2 || sp[i].off + sp[i].len > size
            || doc[sp[i].off] != delim[v4][i][0]
            || doc[sp[i].off + sp[i].len - 1] != delim[v4][i][1])
        {
            abort();
        }

        end = sp[i].off + sp[i].len;
    }

    elaaoms_context_spans_write(at, sp);

    if (memcmp(at, doc + pre, sizeof(at)) != 0) {
        abort();
    }

    return 0;
}
