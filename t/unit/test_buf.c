/*
 * lib/util/buf: appends, formatting, growth, and the sticky failure.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/buf.h"


int
main(void)
{
    size_t         i, cap, bad;
    char           expect[5001];
    elaaoms_buf_t  b;

    /* zeroed is empty; an empty append still gives a string */
    memset(&b, 0, sizeof(b));
    CHECK(b.p == NULL);
    CHECK_INT_EQ(elaaoms_buf_append(&b, "", 0), 0);
    CHECK(b.p != NULL);
    CHECK_STR_EQ(b.p, "");
    CHECK_INT_EQ(b.len, 0);

    /* bytes, C strings and formats, NUL-terminated after each */
    CHECK_INT_EQ(elaaoms_buf_append(&b, "ab\0cd", 5), 0);
    CHECK_INT_EQ(b.len, 5);
    CHECK(memcmp(b.p, "ab\0cd", 6) == 0);
    b.len = 2;
    b.p[2] = '\0';
    CHECK_INT_EQ(elaaoms_buf_appends(&b, "-xyz"), 0);
    CHECK_STR_EQ(b.p, "ab-xyz");
    CHECK_INT_EQ(elaaoms_buf_appendf(&b, " %d calls, %s.", 12, "last"), 0);
    CHECK_STR_EQ(b.p, "ab-xyz 12 calls, last.");
    CHECK_INT_EQ(b.len, strlen("ab-xyz 12 calls, last."));
    CHECK_INT_EQ(elaaoms_buf_appendf(&b, "%s", ""), 0);
    CHECK_INT_EQ(b.len, strlen("ab-xyz 12 calls, last."));
    elaaoms_buf_free(&b);
    CHECK(b.p == NULL);
    CHECK_INT_EQ(b.len, 0);
    CHECK_INT_EQ(b.cap, 0);

    /* growth by doubling keeps every byte: 5,000 appends of one */
    bad = 0;
    for (i = 0; i < 5000; i++) {
        expect[i] = (char) ('a' + i % 26);
        bad += !(elaaoms_buf_append(&b, &expect[i], 1) == 0
                 && b.len == i + 1 && b.p[b.len] == '\0');
    }
    CHECK_INT_EQ(bad, 0);
    expect[5000] = '\0';
    CHECK_STR_EQ(b.p, expect);
    CHECK(b.cap >= 5001);
    CHECK_INT_EQ(b.cap & (b.cap - 1), 0);
    elaaoms_buf_free(&b);

    /* a formatted piece larger than the first allocation */
    CHECK_INT_EQ(elaaoms_buf_appendf(&b, "%0600d|", 7), 0);
    CHECK_INT_EQ(b.len, 601);
    CHECK(b.p[0] == '0' && b.p[599] == '7' && b.p[600] == '|');
    elaaoms_buf_free(&b);

    /* reserve: room for n bytes and the NUL, without changing content */
    CHECK_INT_EQ(elaaoms_buf_appends(&b, "kept"), 0);
    CHECK_INT_EQ(elaaoms_buf_reserve(&b, 1000), 0);
    CHECK(b.cap - b.len >= 1001);
    CHECK_STR_EQ(b.p, "kept");
    cap = b.cap;
    CHECK_INT_EQ(elaaoms_buf_reserve(&b, 10), 0);
    CHECK_INT_EQ(b.cap, cap);

    /* a size that cannot be had: oom, content kept, later appends refused */
    CHECK_INT_EQ(elaaoms_buf_reserve(&b, SIZE_MAX - 2), -1);
    CHECK_INT_EQ(b.oom, 1);
    CHECK_STR_EQ(b.p, "kept");
    CHECK_INT_EQ(elaaoms_buf_appends(&b, "more"), -1);
    CHECK_INT_EQ(elaaoms_buf_appendf(&b, "%d", 1), -1);
    CHECK_STR_EQ(b.p, "kept");
    CHECK_INT_EQ(b.len, 4);
    elaaoms_buf_free(&b);
    CHECK_INT_EQ(b.oom, 0);
    CHECK_INT_EQ(elaaoms_buf_appends(&b, "again"), 0);
    CHECK_STR_EQ(b.p, "again");
    elaaoms_buf_free(&b);

    return UNIT_DONE("buf");
}
