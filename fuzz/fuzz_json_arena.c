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


static int
same(yajl_val a, yajl_val b)
{
    size_t  i;

    if (a->type != b->type) {
        return 0;
    }

    switch (a->type) {
    case yajl_t_string:
        return strcmp(a->u.string, b->u.string) == 0;

    case yajl_t_number:
        return strcmp(a->u.number.r, b->u.number.r) == 0
               && a->u.number.flags == b->u.number.flags
               && a->u.number.i == b->u.number.i;

    case yajl_t_object:
        if (a->u.object.len != b->u.object.len) {
            return 0;
        }
        for (i = 0; i < a->u.object.len; i++) {
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0
                || !same(a->u.object.values[i], b->u.object.values[i]))
            {
                return 0;
            }
        }
        return 1;

    case yajl_t_array:
        if (a->u.array.len != b->u.array.len) {
            return 0;
        }
        for (i = 0; i < a->u.array.len; i++) {
            if (!same(a->u.array.values[i], b->u.array.values[i])) {
                return 0;
            }
        }
        return 1;

    default:
        return 1;
    }
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
            || (t1 != NULL && !same(t1, t2)))
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
