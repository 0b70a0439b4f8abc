/*
 * JSON error bodies via yajl_gen.
 */

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "util/json_error.h"
#include "util/yajl_util.h"


static int
elaaoms_json_error_member(yajl_gen g, const char *key, const char *value)
{
    if (value == NULL) {
        return 0;
    }

    if (yajl_gen_string(g, (const unsigned char *) key, strlen(key))
        != yajl_gen_status_ok)
    {
        return -1;
    }

    return yajl_gen_string(g, (const unsigned char *) value, strlen(value))
           == yajl_gen_status_ok ? 0 : -1;
}


int
elaaoms_json_error(const char *code, const char *message,
    const char *request_id, char **out, size_t *len)
{
    yajl_gen  g;

    *out = NULL;
    *len = 0;

    if (code == NULL || code[0] == '\0') {
        return -1;
    }

    g = yajl_gen_alloc(NULL);
    if (g == NULL) {
        return -1;
    }

    /* a message built from request data must still be valid JSON text */
    yajl_gen_config(g, yajl_gen_validate_utf8, 1);

    if (yajl_gen_map_open(g) != yajl_gen_status_ok
        || elaaoms_json_error_member(g, "error", code) != 0
        || elaaoms_json_error_member(g, "message", message) != 0
        || elaaoms_json_error_member(g, "request_id", request_id) != 0
        || yajl_gen_map_close(g) != yajl_gen_status_ok)
    {
        yajl_gen_free(g);
        return -1;
    }

    /* the generator owns its buffer: hand the caller its own copy */
    *out = elaaoms_yajl_gen_dup(g, len);
    yajl_gen_free(g);

    return *out ? 0 : -1;
}
