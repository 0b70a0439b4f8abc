/*
 * lib/base64: OpenSSL-backed decoding, strict about padding and alphabet.
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "intake/base64.h"


static unsigned char  out[256];
static size_t         outlen;


static int
dec(const char *s)
{
    memset(out, 0, sizeof(out));
    return elaaoms_base64_decode(s, strlen(s), out, &outlen);
}


static int
count(const char *s)
{
    return elaaoms_base64_decode(s, strlen(s), NULL, &outlen);
}


int
main(void)
{
    size_t          i, n;
    char           *big;
    unsigned char  *buf;

    CHECK_INT_EQ(dec(""), 0);
    CHECK_INT_EQ(outlen, 0);
    CHECK_INT_EQ(dec("QQ=="), 0);
    CHECK_INT_EQ(outlen, 1);
    CHECK_STR_EQ((char *) out, "A");
    CHECK_INT_EQ(dec("QUI="), 0);
    CHECK_STR_EQ((char *) out, "AB");
    CHECK_INT_EQ(dec("QUJD"), 0);
    CHECK_STR_EQ((char *) out, "ABC");
    CHECK_INT_EQ(dec("QU JD\r\nRA=="), 0);
    CHECK_STR_EQ((char *) out, "ABCD");
    CHECK_INT_EQ(dec("aGVsbG8gd29ybGQ=\n"), 0);
    CHECK_STR_EQ((char *) out, "hello world");
    CHECK_INT_EQ(dec("/+8="), 0);
    CHECK_INT_EQ(outlen, 2);
    CHECK_INT_EQ(out[0], 0xff);
    CHECK_INT_EQ(out[1], 0xef);

    /* counting only gives the same size */
    CHECK_INT_EQ(count("aGVsbG8gd29ybGQ="), 0);
    CHECK_INT_EQ(outlen, 11);

    /* refused */
    CHECK_INT_EQ(dec("QQ"), -1);
    CHECK_INT_EQ(dec("QUJDR"), -1);
    CHECK_INT_EQ(dec("Q==="), -1);
    CHECK_INT_EQ(dec("QQ==QQ=="), -1);
    CHECK_INT_EQ(dec("QQ=A"), -1);
    CHECK_INT_EQ(dec("-QQ=="), -1);
    CHECK_INT_EQ(dec("QUJD-garbage"), -1);
    CHECK_INT_EQ(dec("_-8="), -1);
    CHECK_INT_EQ(dec("QU*D"), -1);
    CHECK_INT_EQ(dec("QUJD\xc3\xa9"), -1);
    CHECK_INT_EQ(elaaoms_base64_decode("QQ\0=", 4, out, &outlen), -1);
    CHECK_INT_EQ(outlen, 0);
    CHECK_INT_EQ(count("QQ"), -1);
    CHECK_INT_EQ(elaaoms_base64_decode(NULL, 4, NULL, &outlen), -1);

    /* a large input crosses many chunks, with and without line breaks */
    n = 300000;
    big = malloc(n + 1);
    for (i = 0; i < n; i++) {
        big[i] = "QUJD"[i % 4];
    }

    big[n] = '\0';
    CHECK_INT_EQ(count(big), 0);
    CHECK_INT_EQ(outlen, n / 4 * 3);

    buf = malloc(elaaoms_base64_decoded_max(n));
    CHECK_INT_EQ(elaaoms_base64_decode(big, n, buf, &outlen), 0);
    CHECK_INT_EQ(outlen, n / 4 * 3);
    CHECK(memcmp(buf, "ABCABC", 6) == 0);
    CHECK(memcmp(buf + outlen - 3, "ABC", 3) == 0);

    for (i = 76; i < n; i += 77) {
        big[i] = '\n';
    }

    CHECK_INT_EQ(elaaoms_base64_decode(big, n, buf, &outlen), 0);

    /* one bad byte deep inside is still found */
    big[200001] = '-';
    CHECK_INT_EQ(count(big), -1);
    big[200001] = '!';
    CHECK_INT_EQ(count(big), -1);

    free(buf);
    free(big);

    return UNIT_DONE("base64");
}
