/*
 * libFuzzer target: the "at" of a context document or head, which nginx
 * trusts to copy bytes into its answer.  Accepted spans lie inside the
 * input, after "at", in order, without overlap, each delimited as its
 * value ({}, "", []); writing them back gives the same "at".
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context/context_build.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                     i;
    char                    at[ELAAOMS_CONTEXT_AT_LEN];
    size_t                  end, pre;
    const char             *doc = (const char *) data;
    elaaoms_context_span_t  sp[ELAAOMS_CONTEXT_SPANS];

    static const char  delim[ELAAOMS_CONTEXT_SPANS][2] = {
        { '{', '}' }, { '"', '"' }, { '[', ']' }
    };

    if (elaaoms_context_spans_read(doc, size, sp) != 0) {
        return 0;
    }

    pre = sizeof(ELAAOMS_CONTEXT_V3_PREFIX) - 1;
    end = pre + ELAAOMS_CONTEXT_AT_LEN + 1;

    for (i = 0; i < ELAAOMS_CONTEXT_SPANS; i++) {
        if (sp[i].off < end || sp[i].len < 2 || sp[i].off + sp[i].len > size
            || doc[sp[i].off] != delim[i][0]
            || doc[sp[i].off + sp[i].len - 1] != delim[i][1])
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
