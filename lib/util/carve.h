/*
 * Carving one scratch buffer into typed arrays: a layout function runs
 * once with s == NULL to size the buffer and once with it to point the
 * fields into it, so the two can never disagree.
 */

#ifndef ELAAOMS_CARVE_H
#define ELAAOMS_CARVE_H

#include <stddef.h>

/* every array starts 16-byte aligned, as malloc() aligns */
#define ELAAOMS_CARVE_ALIGN(x)  (((x) + 15) & ~(size_t) 15)

/* the next count elements of type at base + off into s->field (if s) */
#define ELAAOMS_CARVE(s, base, off, field, type, count)                       \
    do {                                                                      \
        if (s) {                                                              \
            (s)->field = (type *) ((unsigned char *) (base) + (off));         \
        }                                                                     \
        (off) += ELAAOMS_CARVE_ALIGN((count) * sizeof(type));                 \
    } while (0)

#endif /* ELAAOMS_CARVE_H */
