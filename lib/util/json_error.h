/*
 * JSON error bodies for the module's 4xx/5xx answers:
 *
 *     {"error":"invalid_json","message":"...","request_id":"..."}
 *
 * Built with yajl_gen, so quotes, backslashes and control characters in
 * the message are escaped.  A NULL message or request_id leaves that
 * member out.
 */

#ifndef ELAAOMS_JSON_ERROR_H
#define ELAAOMS_JSON_ERROR_H

#include <stddef.h>

/*
 * *out is malloc()ed and NUL-terminated (*len excludes the NUL); the
 * caller frees it with free().  0, or -1 (NULL or empty code, text that is
 * not UTF-8, out of memory) with *out NULL.
 */
int elaaoms_json_error(const char *code, const char *message,
    const char *request_id, char **out, size_t *len);

#endif /* ELAAOMS_JSON_ERROR_H */
