/*
 * lib/util/yajl_util: the generator that keeps its first failure
 * (elaaoms_jgen_t), as the module's handlers use it.
 */

#include <math.h>
#include <string.h>

#include "unit.h"
#include "util/yajl_util.h"


/* the document, NUL-terminated in buf; -1 when elaaoms_jgen_buf() fails */
static int
doc(elaaoms_jgen_t *j, char *buf, size_t size)
{
    size_t                len;
    const unsigned char  *out;

    if (elaaoms_jgen_buf(j, &out, &len) != 0 || len >= size) {
        return -1;
    }

    memcpy(buf, out, len);
    buf[len] = '\0';

    return 0;
}


int
main(void)
{
    char            buf[256];
    elaaoms_jgen_t  j;

    /* every kind of value, written without a check per call */
    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_map_open(&j);
    elaaoms_jgen_cstr(&j, "s");
    elaaoms_jgen_str(&j, "ab\"c", 4);
    elaaoms_jgen_cstr(&j, "i");
    elaaoms_jgen_int(&j, -42);
    elaaoms_jgen_cstr(&j, "d");
    elaaoms_jgen_double(&j, 0.5);
    elaaoms_jgen_cstr(&j, "n");
    elaaoms_jgen_number(&j, "1e3", 3);
    elaaoms_jgen_cstr(&j, "a");
    elaaoms_jgen_array_open(&j);
    elaaoms_jgen_bool(&j, 1);
    elaaoms_jgen_bool(&j, 0);
    elaaoms_jgen_null(&j);
    elaaoms_jgen_array_close(&j);
    elaaoms_jgen_map_close(&j);
    CHECK_INT_EQ(j.status, yajl_gen_status_ok);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), 0);
    CHECK_STR_EQ(buf, "{\"s\":\"ab\\\"c\",\"i\":-42,\"d\":0.5,\"n\":1e3,"
                      "\"a\":[true,false,null]}");
    elaaoms_jgen_free(&j);
    CHECK(j.g == NULL);
    elaaoms_jgen_free(&j);

    /* a key that is not a string: the failure stays, later calls do nothing */
    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_map_open(&j);
    elaaoms_jgen_int(&j, 1);
    CHECK_INT_EQ(j.status, yajl_gen_keys_must_be_strings);
    elaaoms_jgen_cstr(&j, "k");
    elaaoms_jgen_cstr(&j, "v");
    elaaoms_jgen_map_close(&j);
    CHECK_INT_EQ(j.status, yajl_gen_keys_must_be_strings);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), -1);
    elaaoms_jgen_free(&j);

    /* JSON has no NaN */
    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_array_open(&j);
    elaaoms_jgen_double(&j, NAN);
    CHECK_INT_EQ(j.status, yajl_gen_invalid_number);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), -1);
    elaaoms_jgen_free(&j);

    /* invalid UTF-8: refused when validated, passed through otherwise */
    CHECK_INT_EQ(elaaoms_jgen_init(&j, 1), 0);
    elaaoms_jgen_cstr(&j, "bad \xff byte");
    CHECK_INT_EQ(j.status, yajl_gen_invalid_string);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), -1);
    elaaoms_jgen_free(&j);

    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_cstr(&j, "caf\xc3\xa9");
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), 0);
    CHECK_STR_EQ(buf, "\"caf\xc3\xa9\"");
    elaaoms_jgen_free(&j);

    /* a status handed in by a lib generator counts like a call's */
    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_status(&j, yajl_gen_status_ok);
    elaaoms_jgen_null(&j);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), 0);
    CHECK_STR_EQ(buf, "null");
    elaaoms_jgen_status(&j, yajl_max_depth_exceeded);
    elaaoms_jgen_status(&j, yajl_gen_invalid_string);
    CHECK_INT_EQ(j.status, yajl_max_depth_exceeded);
    CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), -1);
    elaaoms_jgen_free(&j);

    /* past yajl's nesting limit */
    {
        int  i;

        CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
        for (i = 0; i < 200; i++) {
            elaaoms_jgen_array_open(&j);
        }
        CHECK_INT_EQ(j.status, yajl_max_depth_exceeded);
        CHECK_INT_EQ(doc(&j, buf, sizeof(buf)), -1);
        elaaoms_jgen_free(&j);
    }

    return UNIT_DONE("jgen");
}
