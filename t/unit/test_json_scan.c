/*
 * lib/util/json_scan: members of objects the way the context documents
 * hold them, refusals of broken shapes, and escaping as yajl escapes.
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/json_scan.h"
#include "util/yajl_util.h"


static int
members(const char *text, elaaoms_json_member_t *m, size_t max)
{
    return elaaoms_json_members(text, strlen(text), 8, m, max);
}


static int
members_last(const char *text, elaaoms_json_member_t *m, size_t max,
    const char *last)
{
    return elaaoms_json_members_last(text, strlen(text), 8, m, max, last);
}


static int
span_is(const char *p, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(p, want, len) == 0;
}


/* the escape of s as elaaoms_jgen writes it, without the quotes */
static void
check_escape_like_yajl(const char *s, size_t len)
{
    char                  *mine, *end;
    size_t                 n, ylen;
    elaaoms_jgen_t         j;
    const unsigned char   *y;

    CHECK_INT_EQ(elaaoms_jgen_init(&j, 0), 0);
    elaaoms_jgen_str(&j, s, len);
    CHECK_INT_EQ(elaaoms_jgen_buf(&j, &y, &ylen), 0);

    n = elaaoms_json_escaped_len(s, len);
    mine = malloc(n + 1);
    end = elaaoms_json_escape(mine, s, len);
    CHECK_INT_EQ((size_t) (end - mine), n);
    CHECK_INT_EQ(n + 2, ylen);
    CHECK(ylen == n + 2 && memcmp(mine, y + 1, n) == 0);

    free(mine);
    elaaoms_jgen_free(&j);
}


int
main(void)
{
    elaaoms_json_member_t         m[8];
    const elaaoms_json_member_t  *v;

    /* a context document's shape */
    CHECK_INT_EQ(members("{\"version\":1,\"agent_id\":\"agent_x\","
                         "\"dynamic_variables\":{\"caller_known\":true,"
                         "\"caller_context\":\"a \\\"quoted\\\" } ] {\"},"
                         "\"first_message\":\"Hi Maria\","
                         "\"shared_ids\":[\"m1\",\"m2\"]}", m, 8), 5);
    CHECK(span_is(m[0].key, m[0].key_len, "version"));
    CHECK(span_is(m[0].value, m[0].value_len, "1"));
    v = elaaoms_json_member(m, 5, "dynamic_variables");
    CHECK(v != NULL && span_is(v->value, v->value_len,
          "{\"caller_known\":true,\"caller_context\":"
          "\"a \\\"quoted\\\" } ] {\"}"));
    v = elaaoms_json_member(m, 5, "first_message");
    CHECK(v != NULL && elaaoms_json_is_string(v)
          && span_is(v->value, v->value_len, "\"Hi Maria\""));
    v = elaaoms_json_member(m, 5, "shared_ids");
    CHECK(v != NULL && !elaaoms_json_is_string(v)
          && span_is(v->value, v->value_len, "[\"m1\",\"m2\"]"));
    CHECK(elaaoms_json_member(m, 5, "missing") == NULL);

    /* white space anywhere JSON allows it; empty objects */
    CHECK_INT_EQ(members(" { \"a\" : [ 1 , {\"b\" : null} ] ,\n\"c\":-2.5e3 }\n",
                         m, 8), 2);
    CHECK(span_is(m[0].value, m[0].value_len, "[ 1 , {\"b\" : null} ]"));
    CHECK(span_is(m[1].value, m[1].value_len, "-2.5e3"));
    CHECK_INT_EQ(members("{}", m, 8), 0);
    CHECK_INT_EQ(members("{ }", m, 8), 0);

    /* more members than room: counted, the first ones kept */
    CHECK_INT_EQ(members("{\"a\":1,\"b\":2,\"c\":3}", m, 2), 3);
    CHECK(span_is(m[1].key, m[1].key_len, "b"));

    /* broken shapes */
    CHECK_INT_EQ(members("", m, 8), -1);
    CHECK_INT_EQ(members("[1,2]", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":1", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\" 1}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":1,}", m, 8), -1);
    CHECK_INT_EQ(members("{a:1}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":\"open}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":[1,2}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":{\"b\":1]}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":[{\"b\":1]}}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":1} x", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":1}{", m, 8), -1);
    /* escaped quotes and backslash runs before a quote */
    CHECK_INT_EQ(members("{\"a\":\"x\\\"}\",\"b\":\"y\\\\\"}", m, 8), 2);
    CHECK(span_is(m[0].value, m[0].value_len, "\"x\\\"}\""));
    CHECK(span_is(m[1].value, m[1].value_len, "\"y\\\\\""));
    CHECK_INT_EQ(members("{\"a\":\"x\\\\\\\"}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":1 2}", m, 8), -1);
    CHECK_INT_EQ(members("{\"a\":tr\"ue}", m, 8), -1);
    CHECK_INT_EQ(elaaoms_json_members("{\"a\":1}", 4, 8, m, 8), -1);

    /* a long last member taken as the rest, unscanned */
    CHECK_INT_EQ(members_last("{\"v\":2,\"p\":\"a \\\"}\\\" ]\"}\n", m, 8, "p"), 2);
    CHECK(span_is(m[1].value, m[1].value_len, "\"a \\\"}\\\" ]\""));
    CHECK_INT_EQ(members_last("{\"p\":\"x\",\"q\":1}", m, 8, "p"), -1);
    CHECK_INT_EQ(members_last("{\"p\":\"x\\\"}", m, 8, "p"), -1);
    CHECK_INT_EQ(members_last("{\"p\":\"x\\\\\"}", m, 8, "p"), 1);
    CHECK_INT_EQ(members_last("{\"p\":12}", m, 8, "p"), -1);
    /* no such member: a whole scan */
    CHECK_INT_EQ(members_last("{\"a\":1,\"b\":\"x\"}", m, 8, "p"), 2);

    /* nesting beyond the depth */
    CHECK_INT_EQ(elaaoms_json_members("{\"a\":[[1]]}", 11, 3, m, 8), 1);
    CHECK_INT_EQ(elaaoms_json_members("{\"a\":[[1]]}", 11, 2, m, 8), -1);

    /* escaping, byte for byte as yajl writes it */
    check_escape_like_yajl("plain text", 10);
    check_escape_like_yajl("a \"quote\" and \\ back", 20);
    check_escape_like_yajl("\b\f\n\r\t", 5);
    check_escape_like_yajl("\x01\x1f\x7f end", 7);
    check_escape_like_yajl("caf\xc3\xa9 \xe2\x80\x94 ok", 13);
    check_escape_like_yajl("", 0);

    return UNIT_DONE("json_scan");
}
