/*
 * libFuzzer target: elaaoms_json_parse_arena against elaaoms_json_parse
 * (yajl_tree) over any bytes, at a depth limit taken from the first byte:
 * the same answer and message, and when both parse, the same tree node
 * for node (number flags and values included).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_arena.h"
#include "../t/unit/unit_json_tree.h"


typedef struct {
    void    *blocks[4096];
    size_t   n;
} fuzz_arena_t;


static void *
fuzz_alloc(void *a, size_t size)
{
    fuzz_arena_t  *ar = a;

    /* one block per allocation: ASan sees every overrun */
    if (ar->n == sizeof(ar->blocks) / sizeof(ar->blocks[0])) {
        return NULL;
    }

    ar->blocks[ar->n] = malloc(size ? size : 1);
    return ar->blocks[ar->n++];
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                e1[128], e2[128];
    size_t              i;
    unsigned            depth;
    yajl_val            t1, t2;
    fuzz_arena_t       *ar;
    elaaoms_json_rc_t   rc1, rc2;

    if (size == 0) {
        return 0;
    }

    depth = data[0] % 20;
    data++;
    size--;

    ar = calloc(1, sizeof(fuzz_arena_t));
    if (ar == NULL) {
        return 0;
    }

    t1 = elaaoms_json_parse((const char *) data, size, depth, &rc1, e1,
                            sizeof(e1));
    t2 = elaaoms_json_parse_arena((const char *) data, size, depth,
                                  fuzz_alloc, ar, &rc2, e2, sizeof(e2));

    /* the arena may run dry on a large text: that answer is its own */
    if (rc2 != ELAAOMS_JSON_NOMEM) {
        if (rc1 != rc2 || strcmp(e1, e2) != 0
            || (t1 == NULL) != (t2 == NULL)
            || (t1 != NULL && !unit_json_same_tree(t1, t2)))
        {
            abort();
        }
    }

    if (t1 != NULL) {
        yajl_tree_free(t1);
    }

    for (i = 0; i < ar->n; i++) {
        free(ar->blocks[i]);
    }
    free(ar);

    return 0;
}
