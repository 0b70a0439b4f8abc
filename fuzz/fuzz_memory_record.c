/*
 * libFuzzer target: binary memory records as read from Redis, of either
 * version.  Whatever decodes must hold its invariants (in-buffer
 * pointers, NUL-terminated strings of the stated length, the agent rules)
 * and encode back to the very same bytes when it was a current-version
 * record; a version-1 record encodes to the current version, one byte
 * longer (no prior agents), which decodes to the same record.  The
 * copying decoder must agree with the view decoder.
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


/* the upgraded record says the same as the version-1 one */
static void
check_upgrade(const elaaoms_memory_record_t *v1, const unsigned char *out,
    size_t size)
{
    unsigned                  k;
    elaaoms_memory_record_t   v2;

    if (elaaoms_memory_record_decode_view(out, size, &v2, NULL) != 0
        || v2.version != ELAAOMS_MEMORY_RECORD_VERSION
        || v2.nprior_agents != 0 || v1->nprior_agents != 0
        || !elaaoms_mstr_eq(v2.id, v1->id)
        || !elaaoms_mstr_eq(v2.agent_id, v1->agent_id)
        || !elaaoms_mstr_eq(v2.content, v1->content)
        || v2.flags != v1->flags || v2.importance != v1->importance
        || v2.nconflicts != v1->nconflicts || v2.dim != v1->dim
        || (v2.dim && memcmp(v2.vec_q8, v1->vec_q8, v2.dim) != 0))
    {
        abort();
    }

    for (k = 0; k < v2.nconflicts; k++) {
        if (!elaaoms_mstr_eq(v2.conflicts[k], v1->conflicts[k])) {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long                      n;
    size_t                    want;
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
    for (k = 0; k < v.nprior_agents; k++) {
        check_str(v.prior_agents[k], data, size);
        if (v.prior_agents[k].len == 0
            || elaaoms_mstr_eq(v.prior_agents[k], v.agent_id)
            || !elaaoms_memory_record_has_agent(&v, v.prior_agents[k]))
        {
            abort();
        }
    }

    /* the vectors end the record: the second one (the offline embedder's
       beside a provider's) last when there is one */
    if (v.offline_dim
        ? v.offline_q8 + v.offline_dim != data + size
        : v.dim && v.vec_q8 + v.dim != data + size)
    {
        abort();
    }
    if (v.offline_dim) {
        check_str(v.offline_model, data, size);
    }

    /* the encoding is canonical: decode then encode is the identity (a
       version-1 record gains the empty agent count) */
    want = size + (v.version == ELAAOMS_MEMORY_RECORD_V1);
    if (elaaoms_memory_record_size(&v) != want) {
        abort();
    }

    out = malloc(want);
    if (out == NULL) {
        return 0;
    }

    n = elaaoms_memory_record_encode(&v, out, want);
    if (n != (long) want) {
        abort();
    }

    if (v.version == ELAAOMS_MEMORY_RECORD_V1) {
        check_upgrade(&v, out, want);

    } else if (memcmp(out, data, size) != 0) {
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
