/*
 * lib/json_parse: depth limit, NUL and UTF-8 handling, getters.
 */

#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include "unit.h"
#include "util/json_parse.h"


static yajl_val
parse(const char *s, unsigned depth, elaaoms_json_rc_t *rc, char *err,
    size_t errlen)
{
    return elaaoms_json_parse(s, strlen(s), depth, rc, err, errlen);
}


/* "[[[...]]]" n levels deep, caller frees */
static char *
nested(size_t n, char open, char close)
{
    size_t  i;
    char   *s;

    s = malloc(2 * n + 1);
    for (i = 0; i < n; i++) {
        s[i] = open;
        s[2 * n - 1 - i] = close;
    }

    s[2 * n] = '\0';
    return s;
}


static void
test_depth(void)
{
    char               *s, err[128];
    yajl_val            v;
    elaaoms_json_rc_t   rc;

    s = nested(64, '[', ']');
    v = parse(s, 64, &rc, err, sizeof(err));
    CHECK(v != NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_OK);
    yajl_tree_free(v);
    free(s);

    s = nested(65, '[', ']');
    v = parse(s, 64, &rc, err, sizeof(err));
    CHECK(v == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_DEEP);
    CHECK_STR_EQ(err, "JSON nested too deeply");
    free(s);

    /* a hostile 1,000 and 100,000 deep document, refused cleanly */
    s = nested(1000, '[', ']');
    CHECK(parse(s, 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_DEEP);
    free(s);

    s = nested(100000, '[', ']');
    s[100000] = '\0';   /* unterminated too */
    CHECK(parse(s, 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_DEEP);
    free(s);

    /* objects count as well */
    CHECK(parse("{\"a\":{\"b\":{\"c\":1}}}", 2, &rc, NULL, 0) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_DEEP);
    v = parse("{\"a\":{\"b\":{\"c\":1}}}", 3, &rc, NULL, 0);
    CHECK(v != NULL);
    yajl_tree_free(v);

    /* siblings do not add up */
    v = parse("[[1],[2],[3],{\"a\":1},[]]", 2, &rc, NULL, 0);
    CHECK(v != NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_OK);
    yajl_tree_free(v);
}


static void
test_invalid(void)
{
    char                err[128];
    yajl_val            v;
    elaaoms_json_rc_t   rc;

    CHECK(elaaoms_json_parse("", 0, 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(elaaoms_json_parse(NULL, 5, 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);

    CHECK(parse("{", 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(strncmp(err, "parse error", 11) == 0);
    CHECK(strchr(err, '\n') == NULL);

    CHECK(parse("{\"a\":1}}", 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(parse("{\"a\":1} {}", 64, &rc, NULL, 0) == NULL);
    CHECK(parse("{a:1}", 64, &rc, NULL, 0) == NULL);
    CHECK(parse("{\"a\":1,}", 64, &rc, NULL, 0) == NULL);
    CHECK(parse("/* c */ {}", 64, &rc, NULL, 0) == NULL);
    CHECK(parse("{\"a\":'x'}", 64, &rc, NULL, 0) == NULL);
    CHECK(parse("{\"a\":\"\x01\"}", 64, &rc, NULL, 0) == NULL);

    /* the error message never quotes the input */
    CHECK(parse("{\"secret-ish\": nope}", 64, &rc, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "secret-ish") == NULL);
    CHECK(strstr(err, "nope") == NULL);

    /* raw NUL bytes: inside a string, after the document */
    CHECK(elaaoms_json_parse("{\"a\":\"x\0y\"}", 11, 64, &rc, NULL, 0) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(elaaoms_json_parse("{}\0", 3, 64, &rc, NULL, 0) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);

    /* escaped NUL: yajl_tree would truncate "x\u0000y" to "x" */
    CHECK(parse("{\"a\":\"x\\u0000y\"}", 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK_STR_EQ(err, "JSON string contains a NUL");
    CHECK(parse("{\"x\\u0000\":1}", 64, &rc, NULL, 0) == NULL);

    /* invalid UTF-8 is refused, valid multibyte text accepted */
    CHECK(parse("{\"a\":\"\xc3\x28\"}", 64, &rc, NULL, 0) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(parse("{\"a\":\"\xff\"}", 64, &rc, NULL, 0) == NULL);
    v = parse("{\"a\":\"caf\xc3\xa9 \\u00e9\"}", 64, &rc, NULL, 0);
    CHECK(v != NULL);
    CHECK_STR_EQ(elaaoms_json_str(v, "a"), "caf\xc3\xa9 \xc3\xa9");
    yajl_tree_free(v);

    /* the length given is honoured: no NUL terminator is needed */
    v = elaaoms_json_parse("{\"a\":1}garbage", 7, 64, &rc, NULL, 0);
    CHECK(v != NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_OK);
    yajl_tree_free(v);

    /* a "/" in a string, an escaped backslash before "u0000": parsed */
    v = parse("{\"u\":\"a/b\",\"w\":\"\\\\u0000\"}", 64, &rc, NULL, 0);
    CHECK(v != NULL);
    CHECK_STR_EQ(elaaoms_json_str(v, "u"), "a/b");
    CHECK_STR_EQ(elaaoms_json_str(v, "w"), "\\u0000");
    yajl_tree_free(v);

    /* a short text's error does not quote it (no verbose yajl_tree text) */
    CHECK(parse("{\"secret\":tru}", 64, &rc, err, sizeof(err)) == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_INVALID);
    CHECK(strstr(err, "secret") == NULL);

    /* a tiny error buffer is truncated, not overrun */
    CHECK(parse("{", 64, &rc, err, 4) == NULL);
    CHECK_INT_EQ(strlen(err), 3);

    /* top-level scalars are JSON too */
    v = parse("42", 64, &rc, NULL, 0);
    CHECK(YAJL_IS_INTEGER(v));
    yajl_tree_free(v);
}


static void
test_getters(void)
{
    int64_t   n;
    yajl_val  v;

    v = parse("{\"type\":\"t\",\"data\":{\"metadata\":{\"phone_call\":"
              "{\"external_number\":\"+1 415\",\"n\":null}}},"
              "\"ts\":1763745600,\"tss\":\"1763745600\",\"neg\":-5,"
              "\"frac\":1.5,\"exp\":1e9,\"big\":1234567890123456789,"
              "\"bad\":\"12a\",\"empty\":\"\",\"sneg\":\"-5\","
              "\"dup\":1,\"dup\":2}", 64, NULL, NULL, 0);
    CHECK(v != NULL);

    CHECK_STR_EQ(elaaoms_json_str(v, "type"), "t");
    CHECK_STR_EQ(elaaoms_json_str(v, "data", "metadata", "phone_call",
                                  "external_number"), "+1 415");
    CHECK(elaaoms_json_str(v, "data", "metadata", "phone_call", "n") == NULL);
    CHECK(elaaoms_json_str(v, "data", "metadata", "missing") == NULL);
    CHECK(elaaoms_json_str(v, "type", "deeper") == NULL);
    CHECK(elaaoms_json_str(v, "data") == NULL);
    CHECK(elaaoms_json_str(v, "ts") == NULL);
    CHECK(elaaoms_json_str(NULL, "type") == NULL);
    CHECK(YAJL_IS_OBJECT(elaaoms_json_obj(v, "data", "metadata")));
    CHECK(elaaoms_json_obj(v, "type") == NULL);
    CHECK(YAJL_IS_NULL(elaaoms_json_get(v, "data", "metadata", "phone_call",
                                        "n")));

    n = 0;
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "ts"), &n), 0);
    CHECK_INT_EQ(n, 1763745600);
    n = 0;
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "tss"), &n), 0);
    CHECK_INT_EQ(n, 1763745600);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "neg"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "frac"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "exp"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "big"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "bad"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "empty"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "sneg"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "data"), &n), -1);
    CHECK_INT_EQ(elaaoms_json_unsigned(elaaoms_json_get(v, "nope"), &n), -1);
    CHECK_INT_EQ(n, 1763745600);

    CHECK_INT_EQ(elaaoms_json_key_unique(v, "type"), 1);
    CHECK_INT_EQ(elaaoms_json_key_unique(v, "absent"), 1);
    CHECK_INT_EQ(elaaoms_json_key_unique(v, "dup"), 0);
    CHECK_INT_EQ(elaaoms_json_key_unique(elaaoms_json_get(v, "ts"), "x"), 0);

    yajl_tree_free(v);
}


/* a flat array of n >= 1 values of one kind: "[1,1,...]" */
static char *
flat(size_t n, const char *value)
{
    char    *s, *p;
    size_t   i, vlen = strlen(value);

    s = malloc(n * (vlen + 1) + 2);
    p = s;
    *p++ = '[';
    for (i = 0; i < n; i++) {
        memcpy(p, value, vlen);
        p += vlen;
        *p++ = ',';
    }
    p[-1] = ']';
    *p = '\0';

    return s;
}


/* first in main: ru_maxrss is the process's peak so far */
static void
test_hostile_memory(void)
{
    char               *s, err[128];
    yajl_val            v;
    elaaoms_json_rc_t   rc;

    /*
     * the memory a hostile body costs: 8 MB of "1," is four million
     * values, some 250 MB as a yajl tree; refused by the scan, it costs
     * about its own size (the parser's NUL-terminated copy)
     */
    {
        long            before;
        struct rusage   ru;

        s = flat(4 * 1024 * 1024, "1");
        getrusage(RUSAGE_SELF, &ru);
        before = ru.ru_maxrss;

        v = parse(s, 64, &rc, err, sizeof(err));
        CHECK(v == NULL);
        CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_MANY);

        getrusage(RUSAGE_SELF, &ru);
        printf("# peak RSS grew by %ld KB parsing 8 MB of \"1,\"\n",
               ru.ru_maxrss - before);
        CHECK(ru.ru_maxrss - before < 32 * 1024);
        free(s);
    }

}


static void
test_elements(void)
{
    char               *s, err[128];
    size_t              i;
    yajl_val            v;
    elaaoms_json_rc_t   rc;
    const char         *kinds[] = { "1", "null", "true", "\"x\"", "{}", "[]",
                                    "1.5e3" };

    /*
     * one value under the cap parses: 738 arrays of 270 numbers in one,
     * 1 + 738 + 738 * 270 = 199,999 values.  Not one flat array: yajl's
     * tree grows an array one realloc() at a time, which a sanitizer's
     * allocator makes quadratic
     */
    {
        char    *p;
        size_t   a, e;

        s = malloc(738 * (270 * 2 + 3) + 4);
        p = s;
        *p++ = '[';
        for (a = 0; a < 738; a++) {
            p += sprintf(p, "%s[", a ? "," : "");
            for (e = 0; e < 270; e++) {
                p += sprintf(p, "%s1", e ? "," : "");
            }
            *p++ = ']';
        }
        strcpy(p, "]");
    }
    CHECK_INT_EQ(1 + 738 + 738 * 270, ELAAOMS_JSON_MAX_ELEMENTS - 1);
    v = parse(s, 64, &rc, err, sizeof(err));
    CHECK(v != NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_OK);
    yajl_tree_free(v);
    free(s);

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        /* the array itself is one value */
        s = flat(ELAAOMS_JSON_MAX_ELEMENTS, kinds[i]);
        v = parse(s, 64, &rc, err, sizeof(err));
        CHECK(v == NULL);
        CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_MANY);
        CHECK_STR_EQ(err, "JSON holds too many values");
        free(s);
    }

    /* keys count too */
    {
        char  *p;

        s = malloc(ELAAOMS_JSON_MAX_ELEMENTS * 12 + 16);
        p = s;
        *p++ = '{';
        for (i = 0; i < ELAAOMS_JSON_MAX_ELEMENTS / 2; i++) {
            p += sprintf(p, "%s\"k%zu\":1", i ? "," : "", i);
        }
        strcpy(p, "}");
    }
    v = parse(s, 64, &rc, err, sizeof(err));
    CHECK(v == NULL);
    CHECK_INT_EQ(rc, ELAAOMS_JSON_TOO_MANY);
    free(s);
}


int
main(void)
{
    test_hostile_memory();
    test_depth();
    test_elements();
    test_invalid();
    test_getters();

    return UNIT_DONE("json_parse");
}
