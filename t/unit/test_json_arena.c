/*
 * lib/util/json_arena: the same tree as elaaoms_json_parse() (yajl_tree),
 * node for node, number flags included, and the same refusals with the
 * same messages, for the fixtures and for texts at every edge.
 */

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/json_arena.h"
#include "unit_json_tree.h"


/* a bump arena over malloc'd blocks, all freed at once */
typedef struct block_s  block_t;

struct block_s {
    block_t  *next;
    size_t    used;
    size_t    size;
    char      data[];
};

typedef struct {
    block_t  *blocks;
    size_t    fail_after;       /* allocations allowed, 0: no limit */
    size_t    count;
} arena_t;


static void *
arena_alloc(void *a, size_t size)
{
    size_t    want;
    block_t  *b;
    arena_t  *ar = a;

    if (ar->fail_after && ++ar->count > ar->fail_after) {
        return NULL;
    }

    size = (size + 15) & ~(size_t) 15;
    b = ar->blocks;

    if (b == NULL || b->size - b->used < size) {
        want = size > 4096 ? size : 4096;
        b = malloc(sizeof(block_t) + want);
        if (b == NULL) {
            return NULL;
        }
        b->next = ar->blocks;
        b->used = 0;
        b->size = want;
        ar->blocks = b;
    }

    b->used += size;
    return b->data + b->used - size;
}


static void
arena_free(arena_t *ar)
{
    block_t  *b, *next;

    for (b = ar->blocks; b; b = next) {
        next = b->next;
        free(b);
    }

    ar->blocks = NULL;
}


/* both parsers on one text, depth limit d: the same answer */
static void
same(const char *what, const char *text, size_t len, unsigned d)
{
    int                ok;
    char               err1[128], err2[128];
    arena_t            ar;
    yajl_val           t1, t2;
    elaaoms_json_rc_t  rc1, rc2;

    memset(&ar, 0, sizeof(ar));

    t1 = elaaoms_json_parse(text, len, d, &rc1, err1, sizeof(err1));
    t2 = elaaoms_json_parse_arena(text, len, d, arena_alloc, &ar, &rc2,
                                  err2, sizeof(err2));

    ok = rc1 == rc2 && strcmp(err1, err2) == 0
         && ((t1 == NULL && t2 == NULL) || unit_json_same_tree(t1, t2));

    if (!unit_tap_(ok, __FILE__, __LINE__, what)) {
        printf("#   plain rc %d \"%s\", arena rc %d \"%s\"\n", rc1, err1,
               rc2, err2);
    }

    if (t1) {
        yajl_tree_free(t1);
    }
    arena_free(&ar);
}


#define SAME(text)  same(text, text, strlen(text), 64)


static void
test_texts(void)
{
    char        *s;
    size_t       i, n;

    /* values of every kind, members in order, duplicates kept */
    SAME("{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_x\","
         "\"n\":null,\"t\":true,\"f\":false,\"a\":[1,[2,{}],[]],"
         "\"o\":{\"k\":{\"k\":\"v\"}},\"k\":1,\"k\":2}");
    SAME("\"a string at the top\"");
    SAME("42");
    SAME("[]");
    SAME("{}");
    SAME("{\"u\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\"}");

    /* numbers: the integer and double flags as yajl_tree sets them */
    SAME("[0,-0,7,-7,1.5,-1.5,1e5,1E-5,-2.5e+3,"
         "9223372036854775807,9223372036854775808,"
         "-9223372036854775808,-9223372036854775809,"
         "1e400,-1e400,123456789012345678901234567890]");

    /* many members: the arrays grow */
    n = 3000;
    s = malloc(n * 16 + 16);
    strcpy(s, "{");
    for (i = 0; i < n; i++) {
        sprintf(s + strlen(s), "%s\"k%zu\":[%zu]", i ? "," : "", i, i);
    }
    strcat(s, "}");
    same("3,000 members", s, strlen(s), 64);
    free(s);

    /* refusals, with the same words */
    SAME("{\"a\":1");
    SAME("{\"a\":1}x");
    SAME("{\"a\":'x'}");
    SAME("/* c */ {}");
    SAME("{\"a\":\"x\\u0000y\"}");
    SAME("{\"x\\u0000\":1}");
    SAME("{\"a\":\"\xc3\x28\"}");
    SAME("[1,]");
    same("a raw NUL", "{}\0", 3, 64);
    same("empty", "", 0, 64);

    /* nesting at the limit and past it; depth 0 takes scalars only */
    same("depth 3 of 3", "[[[1]]]", 7, 3);
    same("depth 4 of 3", "[[[[1]]]]", 9, 3);
    same("depth 1 of 0", "[1]", 3, 0);
    same("a scalar at depth 0", "1", 1, 0);

    /* too many values */
    n = ELAAOMS_JSON_MAX_ELEMENTS + 10;
    s = malloc(2 * n + 2);
    s[0] = '[';
    for (i = 0; i < n; i++) {
        s[1 + 2 * i] = '0';
        s[2 + 2 * i] = ',';
    }
    s[2 * n] = ']';
    same("too many values", s, 2 * n + 1, 64);
    free(s);
}


static void
test_fixtures(void)
{
    long    len;
    char   *text;
    FILE   *f;
    size_t  i, found;
    glob_t  g;

    memset(&g, 0, sizeof(g));
    found = 0;

    if (glob("t/fixtures/elevenlabs/*.json", 0, NULL, &g) == 0) {
        for (i = 0; i < g.gl_pathc; i++) {
            f = fopen(g.gl_pathv[i], "rb");
            if (f == NULL) {
                continue;
            }
            fseek(f, 0, SEEK_END);
            len = ftell(f);
            fseek(f, 0, SEEK_SET);
            text = malloc(len + 1);
            if (text != NULL && fread(text, 1, len, f) == (size_t) len) {
                same(g.gl_pathv[i], text, len, 64);
                found++;
            }
            free(text);
            fclose(f);
        }
        globfree(&g);
    }

    CHECK(found >= 10);
}


/* an arena that runs dry: NULL and "out of memory", never a crash */
static void
test_out_of_memory(void)
{
    char               err[128];
    size_t             k;
    arena_t            ar;
    yajl_val           t;
    elaaoms_json_rc_t  rc;
    const char        *text = "{\"a\":[1,2,3,{\"b\":\"c\"}],\"d\":\"e\"}";

    for (k = 1; k < 12; k++) {
        memset(&ar, 0, sizeof(ar));
        ar.fail_after = k;
        t = elaaoms_json_parse_arena(text, strlen(text), 64, arena_alloc, &ar,
                                     &rc, err, sizeof(err));
        CHECK(t == NULL);
        CHECK_INT_EQ(rc, ELAAOMS_JSON_NOMEM);
        CHECK_STR_EQ(err, "out of memory");
        arena_free(&ar);
    }

    memset(&ar, 0, sizeof(ar));
    ar.fail_after = 1000;
    t = elaaoms_json_parse_arena(text, strlen(text), 64, arena_alloc, &ar,
                                 &rc, err, sizeof(err));
    CHECK(t != NULL && YAJL_IS_OBJECT(t) && t->u.object.len == 2);
    arena_free(&ar);
}


int
main(void)
{
    test_texts();
    test_fixtures();
    test_out_of_memory();

    return UNIT_DONE("json_arena");
}
