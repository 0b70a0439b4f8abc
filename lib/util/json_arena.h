/*
 * JSON parsed into a yajl_tree-shaped tree whose nodes and strings come
 * from the caller's arena (nginx's request pool): no malloc per node and
 * nothing to free one by one.  The tree reads with yajl_tree_get() and
 * the YAJL_ macros like yajl_tree_parse()'s, and must never be given to
 * yajl_tree_free().
 *
 * The same text is accepted and refused as by elaaoms_json_parse()
 * (json_parse.h): nesting up to max_depth, at most
 * ELAAOMS_JSON_MAX_ELEMENTS values and keys, no NUL in a string, no
 * comments; numbers carry their text and the integer and double flags
 * yajl_tree sets.  One yajl pass instead of two, and no copy of the
 * text.
 */

#ifndef ELAAOMS_JSON_ARENA_H
#define ELAAOMS_JSON_ARENA_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "util/json_parse.h"

/* size bytes, aligned for pointers and doubles; NULL when out of memory */
typedef void *(*elaaoms_json_alloc_pt)(void *arena, size_t size);

/*
 * The tree of buf[0..len), NULL with *rc (may be NULL) and a message in
 * err that never quotes the text, as elaaoms_json_parse().
 */
yajl_val elaaoms_json_parse_arena(const char *buf, size_t len,
    unsigned max_depth, elaaoms_json_alloc_pt alloc, void *arena,
    elaaoms_json_rc_t *rc, char *err, size_t errlen);

#endif /* ELAAOMS_JSON_ARENA_H */
