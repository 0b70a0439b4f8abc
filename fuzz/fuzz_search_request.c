/*
 * libFuzzer target: the search-memory parameters, both ways nginx takes
 * them.  The first byte chooses: even, the rest is a JSON body (parsed
 * with the module's nesting limit, then elaaoms_search_request_from_json);
 * odd, a query string, split at '&' and '=' and %XX-decoded ('+' a space)
 * the way the module does, each pair through elaaoms_search_request_set.
 * Then elaaoms_search_request_check.  An accepted request must hold only
 * values the ranking may rely on; a refusal must say why.
 */

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/caller_id.h"
#include "intake/ids.h"
#include "search/search_request.h"
#include "store/memory_types.h"
#include "util/json_parse.h"


/* the module's body limit (NGX_HTTP_ELAAOMS_JSON_DEPTH) */
#define FUZZ_JSON_DEPTH  32


static int
hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/* in place; '+' is a space only in values, as in the module */
static size_t
unescape(char *s, int plus)
{
    char  *d = s, *start = s;

    for ( /* void */ ; *s; s++) {
        if (*s == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
            *d++ = (char) (hex(s[1]) * 16 + hex(s[2]));
            s += 2;

        } else {
            *d++ = (plus && *s == '+') ? ' ' : *s;
        }
    }

    *d = '\0';

    return (size_t) (d - start);
}


static int
from_query(elaaoms_search_request_t *sr, char *q, char *err, size_t errlen)
{
    char    *pair, *next, *eq;
    size_t   vlen;

    for (pair = q; pair != NULL; pair = next) {
        next = strchr(pair, '&');
        if (next != NULL) {
            *next++ = '\0';
        }

        eq = strchr(pair, '=');
        if (eq == NULL || eq == pair) {
            continue;
        }

        *eq = '\0';
        unescape(pair, 0);
        vlen = unescape(eq + 1, 1);

        /* "%00" would cut the value short: refused, as the module does */
        if (strlen(eq + 1) != vlen) {
            snprintf(err, errlen, "\"%s\" contains a NUL byte", pair);
            return -1;
        }

        if (elaaoms_search_request_set(sr, pair, eq + 1, err, errlen) != 0) {
            return -1;
        }
    }

    return 0;
}


static void
verify(const elaaoms_search_request_t *sr)
{
    int          rc;
    char         key[ELAAOMS_CALLER_MAX];
    const char  *p;

    if (sr->query == NULL || strlen(sr->query) > ELAAOMS_SEARCH_MAX_QUERY) {
        abort();
    }

    for (p = sr->query; *p == ' ' || *p == '\t' || *p == '\n'; p++) {
        /* void */
    }

    if (*p == '\0') {
        abort();
    }

    if (sr->limit < 1 || sr->limit > ELAAOMS_SEARCH_MAX_LIMIT
        || !(sr->threshold == -1
             || (sr->threshold >= 0 && sr->threshold <= 1))
        || sr->type < -1 || sr->type >= (int) ELAAOMS_MEM_NTYPES
        || sr->min_importance < 0 || sr->min_importance > 10
        || sr->since < 0 || sr->until < 0
        || (sr->since && sr->until && sr->since > sr->until)
        || (sr->search_all_agents != 0 && sr->search_all_agents != 1))
    {
        abort();
    }

    if (sr->conversation_id != NULL
        && !elaaoms_conversation_id_valid_str(sr->conversation_id))
    {
        abort();
    }

    /* whatever caller_id says becomes a valid key or nobody */
    if (sr->caller_id != NULL) {
        rc = elaaoms_caller_normalize(sr->caller_id, strlen(sr->caller_id),
                                      key, sizeof(key));
        if ((rc > 0 && !elaaoms_caller_key_valid(key))
            || (rc <= 0 && key[0] != '\0'))
        {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                        rc;
    char                      *q, err[256];
    yajl_val                   tree;
    elaaoms_search_request_t   sr;

    if (size == 0) {
        return 0;
    }

    elaaoms_search_request_init(&sr);
    err[0] = '\0';
    tree = NULL;
    q = NULL;

    if ((data[0] & 1) == 0) {
        tree = elaaoms_json_parse((const char *) data + 1, size - 1,
                                  FUZZ_JSON_DEPTH, NULL, err, sizeof(err));
        if (tree == NULL) {
            return 0;
        }

        rc = elaaoms_search_request_from_json(&sr, tree, err, sizeof(err));

    } else {
        q = malloc(size);
        if (q == NULL) {
            return 0;
        }

        memcpy(q, data + 1, size - 1);
        q[size - 1] = '\0';

        rc = from_query(&sr, q, err, sizeof(err));
    }

    if (rc == 0) {
        rc = elaaoms_search_request_check(&sr, err, sizeof(err));
    }

    if (rc == 0) {
        verify(&sr);

    } else if (rc != -1 || err[0] == '\0' || strlen(err) >= sizeof(err)) {
        abort();
    }

    if (tree != NULL) {
        yajl_tree_free(tree);
    }

    free(q);

    return 0;
}
