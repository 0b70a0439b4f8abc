/*
 * lib/json_error: shape, escaping, optional members, refusals.
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/json_error.h"
#include "util/json_parse.h"


int
main(void)
{
    char      *out;
    size_t     len;
    yajl_val   v;

    CHECK_INT_EQ(elaaoms_json_error("invalid_json", "body is not JSON",
                                    "0123abcd", &out, &len), 0);
    CHECK_STR_EQ(out, "{\"error\":\"invalid_json\",\"message\":"
                      "\"body is not JSON\",\"request_id\":\"0123abcd\"}");
    CHECK_INT_EQ(len, strlen(out));
    free(out);

    /* quotes, backslashes, control characters and non-ASCII survive */
    CHECK_INT_EQ(elaaoms_json_error("missing_field",
                                    "a \"quoted\" \\ path\n\t\x01 caf\xc3\xa9",
                                    "id\"}", &out, &len), 0);
    v = elaaoms_json_parse(out, len, 4, NULL, NULL, 0);
    CHECK(v != NULL);
    CHECK_STR_EQ(elaaoms_json_str(v, "error"), "missing_field");
    CHECK_STR_EQ(elaaoms_json_str(v, "message"),
                 "a \"quoted\" \\ path\n\t\x01 caf\xc3\xa9");
    CHECK_STR_EQ(elaaoms_json_str(v, "request_id"), "id\"}");
    CHECK(strchr(out, '\n') == NULL);
    yajl_tree_free(v);
    free(out);

    /* NULL members are left out */
    CHECK_INT_EQ(elaaoms_json_error("too_deep", NULL, NULL, &out, &len), 0);
    CHECK_STR_EQ(out, "{\"error\":\"too_deep\"}");
    free(out);
    CHECK_INT_EQ(elaaoms_json_error("x", "m", NULL, &out, &len), 0);
    CHECK_STR_EQ(out, "{\"error\":\"x\",\"message\":\"m\"}");
    free(out);
    CHECK_INT_EQ(elaaoms_json_error("x", "", "", &out, &len), 0);
    CHECK_STR_EQ(out, "{\"error\":\"x\",\"message\":\"\",\"request_id\":\"\"}");
    free(out);

    /* refused: no code, invalid UTF-8 */
    out = (char *) 1;
    CHECK_INT_EQ(elaaoms_json_error(NULL, "m", "r", &out, &len), -1);
    CHECK(out == NULL);
    CHECK_INT_EQ(elaaoms_json_error("", "m", "r", &out, &len), -1);
    CHECK_INT_EQ(elaaoms_json_error("x", "bad \xff byte", "r", &out, &len),
                 -1);
    CHECK(out == NULL);
    CHECK_INT_EQ(len, 0);
    CHECK_INT_EQ(elaaoms_json_error("x", "m", "\xc3", &out, &len), -1);

    return UNIT_DONE("json_error");
}
