/*
 * Offline vectors of an older build of the embedder, replaced
 * (memory_reembed.h).
 */

#include <string.h>

#include "search/embed.h"
#include "store/memory_reembed.h"


int
elaaoms_memory_record_offline_stale(const elaaoms_memory_record_t *r)
{
    elaaoms_mstr_t  model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);

    if (r->dim == ELAAOMS_EMBED_DIM && r->vec_q8 != NULL
        && elaaoms_mstr_eq(r->embed_model, model))
    {
        return 0;
    }

    if (r->offline_dim == ELAAOMS_EMBED_DIM && r->offline_q8 != NULL
        && elaaoms_mstr_eq(r->offline_model, model))
    {
        return 0;
    }

    return 1;
}


/* the record's own vector is the offline embedder's (of any build), or
   there is none: the new one replaces it */
static int
elaaoms_memory_record_own_offline(const elaaoms_memory_record_t *r)
{
    size_t  plen = sizeof(ELAAOMS_MEMORY_OFFLINE_MODEL_PREFIX) - 1;

    return r->dim == 0 || r->vec_q8 == NULL
           || (r->embed_model.len >= plen
               && memcmp(r->embed_model.data,
                         ELAAOMS_MEMORY_OFFLINE_MODEL_PREFIX, plen) == 0);
}


void
elaaoms_memory_record_reembed(elaaoms_memory_record_t *r, unsigned char *out)
{
    float  vec[ELAAOMS_EMBED_DIM];

    elaaoms_embed_text(r->content.data, r->content.len, vec);
    elaaoms_vec_pack_q8(vec, ELAAOMS_EMBED_DIM, out);

    if (elaaoms_memory_record_own_offline(r)) {
        r->embed_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
        r->dim = ELAAOMS_EMBED_DIM;
        r->vec_q8 = out;
        r->offline_model = elaaoms_mstr("");
        r->offline_dim = 0;
        r->offline_q8 = NULL;
        return;
    }

    r->offline_model = elaaoms_mstr(ELAAOMS_EMBED_MODEL);
    r->offline_dim = ELAAOMS_EMBED_DIM;
    r->offline_q8 = out;
}
