/*
 * libFuzzer target: elaaoms_json_members over any bytes.  Every span it
 * gives lies inside the input, and when yajl parses the input as an
 * object too, both count the same members (yajl here tolerates bytes
 * after the object, which the scan refuses).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_parse.h"
#include "util/json_scan.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                     n;
    size_t                  i;
    yajl_val                v;
    const char             *p = (const char *) data;
    elaaoms_json_member_t   m[16];

    n = elaaoms_json_members(p, size, 16, m, 16);

    for (i = 0; n > 0 && i < (size_t) n && i < 16; i++) {
        if (m[i].key < p || m[i].key + m[i].key_len > p + size
            || m[i].value < p || m[i].value + m[i].value_len > p + size
            || m[i].value_len == 0)
        {
            abort();
        }
    }

    v = elaaoms_json_parse(p, size, 15, NULL, NULL, 0);

    if (v != NULL) {
        if (YAJL_IS_OBJECT(v) && n >= 0 && n != (int) v->u.object.len) {
            abort();
        }
        yajl_tree_free(v);
    }

    return 0;
}
