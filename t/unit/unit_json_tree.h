/*
 * Two yajl_tree-shaped trees node for node (keys in order, strings, number
 * texts, flags and values): the unit test and the fuzzer of
 * lib/util/json_arena compare its trees with yajl_tree's.
 */

#ifndef UNIT_JSON_TREE_H
#define UNIT_JSON_TREE_H

#include <string.h>

#include <yajl/yajl_tree.h>


static int
unit_json_same_tree(yajl_val a, yajl_val b)
{
    size_t  i;

    if (a == NULL || b == NULL || a->type != b->type) {
        return 0;
    }

    switch (a->type) {

    case yajl_t_string:
        return strcmp(a->u.string, b->u.string) == 0;

    case yajl_t_number:
        return strcmp(a->u.number.r, b->u.number.r) == 0
               && a->u.number.flags == b->u.number.flags
               && a->u.number.i == b->u.number.i
               && (!(a->u.number.flags & YAJL_NUMBER_DOUBLE_VALID)
                   || a->u.number.d == b->u.number.d);

    case yajl_t_object:
        if (a->u.object.len != b->u.object.len) {
            return 0;
        }
        for (i = 0; i < a->u.object.len; i++) {
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0
                || !unit_json_same_tree(a->u.object.values[i],
                                        b->u.object.values[i]))
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
            if (!unit_json_same_tree(a->u.array.values[i],
                                     b->u.array.values[i]))
            {
                return 0;
            }
        }
        return 1;

    default:
        return 1;
    }
}

#endif /* UNIT_JSON_TREE_H */
