/*
 * The top-level members of a JSON object, found without building a tree:
 * a byte scan that tracks strings (with their escapes) and nesting.  For
 * documents this project wrote itself (the pre-call context nginx reads
 * on every client-data request): what the scan finds are spans of the
 * text, served as they are, so the hot path parses nothing.
 *
 * The scan checks the object's shape (keys are strings, a ':' after each,
 * members separated by ',', brackets balanced, strings closed, nothing
 * after the closing brace but white space); it does not check what is
 * inside a value beyond that (numbers, literals, escapes, control
 * characters, UTF-8): the writer's yajl did.  Untrusted text must go through a real parser.
 *
 * Plain C, no allocation.
 */

#ifndef ELAAOMS_JSON_SCAN_H
#define ELAAOMS_JSON_SCAN_H

#include <stddef.h>

typedef struct {
    const char  *key;        /* between the key's quotes, still escaped */
    size_t       key_len;
    const char  *value;      /* the value's whole text: "..", {..}, 12 */
    size_t       value_len;
} elaaoms_json_member_t;

/*
 * Up to max members of the object text[0..len) into out, in order (more
 * are scanned and not stored).  The number of members, or -1 when the
 * text is not an object of that shape or nests deeper than depth.
 */
int elaaoms_json_members(const char *text, size_t len, size_t depth,
    elaaoms_json_member_t *out, size_t max);

/*
 * elaaoms_json_members() up to the member called last (a plain key),
 * which a writer put at the end: its value is taken as the rest of the
 * object, a string ('"' to the '"' before the closing brace), without
 * scanning it.  For long texts of documents whose writer says (by their
 * version) that the member is last; -1 when the rest is not such a
 * string.  Without such a member, as elaaoms_json_members().
 */
int elaaoms_json_members_last(const char *text, size_t len, size_t depth,
    elaaoms_json_member_t *out, size_t max, const char *last);

/* the member called key (a plain key: no escapes), or NULL */
const elaaoms_json_member_t *elaaoms_json_member(
    const elaaoms_json_member_t *m, size_t n, const char *key);

/* 1 when a member's value is a JSON string ("..") */
int elaaoms_json_is_string(const elaaoms_json_member_t *m);

/*
 * JSON string escaping of src[0..len) as yajl writes it ('"', '\\', \b
 * \f \n \r \t, other control characters as \u00XX, the rest as it is),
 * without the quotes.  elaaoms_json_escaped_len() is the length it
 * writes; dst must hold that many bytes.  Returns dst + that length.
 */
size_t elaaoms_json_escaped_len(const char *src, size_t len);
char *elaaoms_json_escape(char *dst, const char *src, size_t len);

#endif /* ELAAOMS_JSON_SCAN_H */
