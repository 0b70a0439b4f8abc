/*
 * The embeddings API's wire format: request with yajl_gen, answer with
 * yajl_tree (see embed_wire.h).
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/embed_wire.h"
#include "util/ascii.h"
#include "util/yajl_util.h"


int
elaaoms_embed_wire_request(const char *model, int dimensions,
    const char *const *texts, size_t n, char **body, size_t *len)
{
    size_t            i;
    yajl_gen          g;
    yajl_gen_status   st = yajl_gen_status_ok;

    *body = NULL;

    g = elaaoms_yajl_gen_new();
    if (g == NULL) {
        return ELAAOMS_EMBED_WIRE_NOMEM;
    }

    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "model", model);
    /* explicit: some compatible servers default to base64 */
    st |= elaaoms_yajl_gen_kv_str(g, "encoding_format", "float");
    if (dimensions > 0) {
        st |= elaaoms_yajl_gen_kv_int(g, "dimensions", dimensions);
    }

    st |= elaaoms_yajl_gen_cstr(g, "input");
    st |= yajl_gen_array_open(g);
    for (i = 0; i < n; i++) {
        st |= elaaoms_yajl_gen_cstr(g, texts[i]);
    }
    st |= yajl_gen_array_close(g);
    st |= yajl_gen_map_close(g);

    if (st == yajl_gen_status_ok) {
        *body = elaaoms_yajl_gen_dup(g, len);
    }

    yajl_gen_free(g);

    if (st != yajl_gen_status_ok) {
        return ELAAOMS_EMBED_WIRE_INPUT;
    }

    return *body ? ELAAOMS_EMBED_WIRE_OK : ELAAOMS_EMBED_WIRE_NOMEM;
}


static void
elaaoms_embed_wire_err(char *err, size_t errlen, const char *msg,
    const char *reason)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "%s%s%s", msg, reason ? ": " : "",
                 reason ? reason : "");
    }
}


/* the vectors of a 200 answer, placed by their "index" */
static int
elaaoms_embed_wire_vectors(yajl_val root, size_t n, int dimensions,
    float **out, size_t *dim)
{
    float      *vectors = NULL;
    size_t      i, j, d = 0;
    yajl_val    data, item, emb, x;
    long long   index;
    char       *seen = NULL;

    data = elaaoms_yajl_arr(root, ELAAOMS_YAJL_PATH("data"));
    if (data == NULL || n == 0 || data->u.array.len != n) {
        goto malformed;
    }

    seen = calloc(n, 1);
    if (seen == NULL) {
        goto nomem;
    }

    for (i = 0; i < n; i++) {
        item = data->u.array.values[i];
        emb = elaaoms_yajl_arr(item, ELAAOMS_YAJL_PATH("embedding"));

        if (emb == NULL || emb->u.array.len == 0
            || elaaoms_yajl_int(item, ELAAOMS_YAJL_PATH("index"), &index) != 0
            || index < 0 || (size_t) index >= n || seen[index])
        {
            goto malformed;
        }

        if (vectors == NULL) {
            d = emb->u.array.len;
            if (dimensions > 0 && d != (size_t) dimensions) {
                goto malformed;
            }
            vectors = malloc(n * d * sizeof(float));
            if (vectors == NULL) {
                goto nomem;
            }
        }

        if (emb->u.array.len != d) {
            goto malformed;
        }

        seen[index] = 1;

        for (j = 0; j < d; j++) {
            x = emb->u.array.values[j];
            /* 1e39 is no float: an infinite vector would never score */
            if (!YAJL_IS_DOUBLE(x) || !isfinite((float) YAJL_GET_DOUBLE(x))) {
                goto malformed;
            }
            vectors[(size_t) index * d + j] = (float) YAJL_GET_DOUBLE(x);
        }
    }

    free(seen);
    *out = vectors;
    *dim = d;
    return ELAAOMS_EMBED_WIRE_OK;

malformed:

    free(seen);
    free(vectors);
    return ELAAOMS_EMBED_WIRE_MALFORMED;

nomem:

    free(seen);
    free(vectors);
    return ELAAOMS_EMBED_WIRE_NOMEM;
}


int
elaaoms_embed_wire_parse(const char *body, size_t n, int dimensions,
    float **vectors, size_t *dim, long long *tokens, char *err,
    size_t errlen)
{
    int         rc;
    char        reason[128];
    yajl_val    root;
    long long   used;

    *vectors = NULL;
    *dim = 0;

    root = body ? elaaoms_yajl_parse(body, reason, sizeof(reason)) : NULL;

    if (root == NULL) {
        elaaoms_embed_wire_err(err, errlen, "the response body is not JSON",
                               body ? reason : "no body");
        return ELAAOMS_EMBED_WIRE_MALFORMED;
    }

    rc = elaaoms_embed_wire_vectors(root, n, dimensions, vectors, dim);

    if (tokens
        && elaaoms_yajl_count(root,
                              ELAAOMS_YAJL_PATH("usage", "prompt_tokens"),
                              &used) == 0)
    {
        *tokens = used;
    }

    yajl_tree_free(root);

    if (rc == ELAAOMS_EMBED_WIRE_MALFORMED) {
        elaaoms_embed_wire_err(err, errlen,
                               "embeddings answer not as documented", NULL);

    } else if (rc == ELAAOMS_EMBED_WIRE_NOMEM) {
        elaaoms_embed_wire_err(err, errlen, "out of memory", NULL);
    }

    return rc;
}


size_t
elaaoms_embed_wire_text(const char *text, size_t len, char *out, size_t size)
{
    size_t  i, n;
    int     space;

    n = 0;
    space = 0;

    for (i = 0; i < len; i++) {
        if (elaaoms_ascii_space((unsigned char) text[i])) {
            space = (n > 0);
            continue;
        }

        if (space) {
            if (n + 1 < size) {
                out[n] = ' ';
            }
            n++;
            space = 0;
        }

        if (n + 1 < size) {
            out[n] = text[i];
        }
        n++;
    }

    if (size > 0) {
        out[n < size ? n : size - 1] = '\0';
    }

    return n;
}
