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

/*
 * A generator that remembers its first failure: every call after one is
 * a no-op, so a document is written without a check per call and checked
 * once, by elaaoms_jgen_buf().  Allocation failures, a map key that is not
 * a string, invalid UTF-8 (when validated) and nesting past yajl's limit
 * all end up there.
 */
typedef struct {
    yajl_gen         g;
    yajl_gen_status  status;    /* yajl_gen_status_ok until a call fails */
} elaaoms_jgen_t;

/* 0, or -1 when yajl cannot allocate; validate_utf8 refuses bad strings */
int elaaoms_jgen_init(elaaoms_jgen_t *j, int validate_utf8);
void elaaoms_jgen_free(elaaoms_jgen_t *j);

/* records st when it is the first failure; what a lib generator returned */
void elaaoms_jgen_status(elaaoms_jgen_t *j, yajl_gen_status st);

void elaaoms_jgen_str(elaaoms_jgen_t *j, const void *s, size_t len);
void elaaoms_jgen_cstr(elaaoms_jgen_t *j, const char *s);
void elaaoms_jgen_int(elaaoms_jgen_t *j, long long n);
void elaaoms_jgen_double(elaaoms_jgen_t *j, double n);
/* a number already in JSON's syntax (a parsed value passed through) */
void elaaoms_jgen_number(elaaoms_jgen_t *j, const char *s, size_t len);
void elaaoms_jgen_bool(elaaoms_jgen_t *j, int b);
void elaaoms_jgen_null(elaaoms_jgen_t *j);
void elaaoms_jgen_map_open(elaaoms_jgen_t *j);
void elaaoms_jgen_map_close(elaaoms_jgen_t *j);
void elaaoms_jgen_array_open(elaaoms_jgen_t *j);
void elaaoms_jgen_array_close(elaaoms_jgen_t *j);

/*
 * The document so far (owned by the generator, valid until the next call
 * or elaaoms_jgen_free()); -1 when any call failed, or no generator.
 */
int elaaoms_jgen_buf(elaaoms_jgen_t *j, const unsigned char **out,
    size_t *len);

#endif /* ELAAOMS_YAJL_UTIL_H */
