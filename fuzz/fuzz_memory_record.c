/*
 * libFuzzer target: binary memory records as read from Redis.  Whatever
 * decodes must hold its invariants (in-buffer pointers, NUL-terminated
 * strings of the stated length) and encode back to the very same bytes;
 * the copying decoder must agree with the view decoder.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/memory_record.h"


static void
check_str(elaaoms_mstr_t s, const uint8_t *data, size_t size)
{
    if ((const uint8_t *) s.data < data
        || (const uint8_t *) s.data + s.len >= data + size
        || strlen(s.data) != s.len)
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long                      n;
    unsigned                  k;
    unsigned char            *out;
    elaaoms_memory_record_t   v, o;

    if (elaaoms_memory_record_decode_view(data, size, &v, NULL) != 0) {
        if (elaaoms_memory_record_decode(data, size, &o, NULL) == 0) {
            abort();
        }
        return 0;
    }

    check_str(v.id, data, size);
    check_str(v.org, data, size);
    check_str(v.caller, data, size);
    check_str(v.conversation_id, data, size);
    check_str(v.agent_id, data, size);
    check_str(v.content, data, size);
    check_str(v.source_quote, data, size);
    check_str(v.embed_model, data, size);
    for (k = 0; k < v.nconflicts; k++) {
        check_str(v.conflicts[k], data, size);
    }

    if (v.dim && v.vec_q8 + v.dim != data + size) {
        abort();
    }

    /* the encoding is canonical: decode then encode is the identity */
    if (elaaoms_memory_record_size(&v) != size) {
        abort();
    }

    out = malloc(size);
    if (out == NULL) {
        return 0;
    }

    n = elaaoms_memory_record_encode(&v, out, size);
    if (n != (long) size || memcmp(out, data, size) != 0) {
        abort();
    }
    free(out);

    if (elaaoms_memory_record_decode(data, size, &o, NULL) != 0
        || !elaaoms_mstr_eq(o.content, v.content)
        || o.importance != v.importance || o.dim != v.dim)
    {
        abort();
    }
    elaaoms_memory_record_free(&o);

    return 0;
}
