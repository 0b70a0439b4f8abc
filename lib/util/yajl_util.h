/*
 * Small helpers over yajl 2.1 shared by the API clients: typed lookups in
 * a yajl_tree and string/number emission for yajl_gen.
 */

#ifndef ELAAOMS_YAJL_UTIL_H
#define ELAAOMS_YAJL_UTIL_H

#include <stddef.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* a path for the lookups: ELAAOMS_YAJL_PATH("error", "message") */
#define ELAAOMS_YAJL_PATH(...)  ((const char *[]) { __VA_ARGS__, NULL })

/* the string at path below v, NULL when absent or not a string */
const char *elaaoms_yajl_str(yajl_val v, const char **path);

/* the object / array at path, NULL when absent or of another type */
yajl_val elaaoms_yajl_obj(yajl_val v, const char **path);
yajl_val elaaoms_yajl_arr(yajl_val v, const char **path);

/* 0 and *out when the value at path is an integer (not 1.5, not "1") */
int elaaoms_yajl_int(yajl_val v, const char **path, long long *out);

/* the same for a count (token usage): a negative integer is no count */
int elaaoms_yajl_count(yajl_val v, const char **path, long long *out);

/* what a provider's JSON answer may be: nesting and size */
#define ELAAOMS_YAJL_MAX_DEPTH  64
#define ELAAOMS_YAJL_MAX_BYTES  (16 * 1024 * 1024)

/*
 * Parses text (NUL-terminated), a peer's answer (OpenAI, Anthropic,
 * embeddings, ElevenLabs, their error bodies, the structured output inside
 * them), through elaaoms_json_parse(): nested deeper than
 * ELAAOMS_YAJL_MAX_DEPTH or longer than ELAAOMS_YAJL_MAX_BYTES is refused
 * before any tree is built, so a hostile answer 100,000 levels deep costs
 * no recursion.  NULL on error with a reason in errbuf.  The caller frees
 * the tree with yajl_tree_free().
 */
yajl_val elaaoms_yajl_parse(const char *text, char *errbuf, size_t errlen);

/* a generator with UTF-8 validation on; NULL on allocation failure */
yajl_gen elaaoms_yajl_gen_new(void);

/* yajl_gen_string() of a C string; yajl_gen_invalid_string on bad UTF-8 */
yajl_gen_status elaaoms_yajl_gen_cstr(yajl_gen g, const char *s);

/* "key": "value" / "key": n inside an open map */
yajl_gen_status elaaoms_yajl_gen_kv_str(yajl_gen g, const char *key,
    const char *value);
yajl_gen_status elaaoms_yajl_gen_kv_int(yajl_gen g, const char *key,
    long long value);

/* the generated document as a malloc'd NUL-terminated copy (caller frees);
   NULL on allocation failure */
char *elaaoms_yajl_gen_dup(yajl_gen g, size_t *len);

#endif /* ELAAOMS_YAJL_UTIL_H */
