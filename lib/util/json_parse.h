/*
 * JSON parsing with a nesting limit, and small typed getters.
 *
 * yajl_tree recurses and allocates per level, so a hostile body nested a
 * million levels deep is first walked by a callback-only yajl_parse pass
 * that allocates nothing and stops past max_depth, or past
 * ELAAOMS_JSON_MAX_ELEMENTS values and keys: yajl_tree spends some 40
 * bytes on each, so a body of a million "1,"s would cost tens of
 * megabytes once parsed.  The same pass refuses
 * strings holding "\u0000", which yajl_tree would silently truncate.
 */

#ifndef ELAAOMS_JSON_PARSE_H
#define ELAAOMS_JSON_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#define ELAAOMS_JSON_DEFAULT_DEPTH  64

/* values and keys in one document, at most: a 30-minute call's post-call
   transcript holds a few thousand */
#define ELAAOMS_JSON_MAX_ELEMENTS   200000

typedef enum {
    ELAAOMS_JSON_OK = 0,
    ELAAOMS_JSON_INVALID,     /* syntax, invalid UTF-8, NUL, empty input */
    ELAAOMS_JSON_TOO_DEEP,    /* nesting beyond max_depth */
    ELAAOMS_JSON_TOO_MANY,    /* more than ELAAOMS_JSON_MAX_ELEMENTS values */
    ELAAOMS_JSON_NOMEM
} elaaoms_json_rc_t;

/*
 * Parses buf[0..len) (no NUL needed: the NUL-terminated copy yajl_tree
 * wants is made and released here).  max_depth counts containers:
 * "{}" is depth 1, "[[1]]" depth 2.  rc (may be NULL) tells why NULL was
 * returned; err gets a short message that never quotes the input.
 * The caller frees the tree with yajl_tree_free().
 */
yajl_val elaaoms_json_parse(const char *buf, size_t len, unsigned max_depth,
    elaaoms_json_rc_t *rc, char *err, size_t errlen);

/*
 * The validating pass alone (nothing allocated per value): ELAAOMS_JSON_OK
 * or why the text is refused, with the same message as above.
 */
elaaoms_json_rc_t elaaoms_json_scan(const char *buf, size_t len,
    unsigned max_depth, char *err, size_t errlen);

/*
 * Getters over a NULL-terminated key path; NULL when a key is missing, an
 * intermediate value is not an object, or the type differs.  The results
 * point into the tree: valid until yajl_tree_free().
 *
 *     elaaoms_json_str(data, "metadata", "phone_call", "external_number")
 */
yajl_val elaaoms_json_get_path(yajl_val v, const char **path, yajl_type type);
const char *elaaoms_json_str_path(yajl_val v, const char **path);

#define elaaoms_json_get(v, ...)                                              \
    elaaoms_json_get_path((v), (const char *[]) { __VA_ARGS__, NULL },        \
                          yajl_t_any)
#define elaaoms_json_obj(v, ...)                                              \
    elaaoms_json_get_path((v), (const char *[]) { __VA_ARGS__, NULL },        \
                          yajl_t_object)
#define elaaoms_json_str(v, ...)                                              \
    elaaoms_json_str_path((v), (const char *[]) { __VA_ARGS__, NULL })

/*
 * A non-negative integer given as a JSON number (1763745600) or a string of
 * digits ("1763745600"): 1..18 digits, no sign, no fraction, no exponent.
 * 0 and *out set, or -1.
 */
int elaaoms_json_unsigned(yajl_val v, int64_t *out);

/* 1 when obj is an object holding key at most once, 0 otherwise */
int elaaoms_json_key_unique(yajl_val obj, const char *key);

#endif /* ELAAOMS_JSON_PARSE_H */
