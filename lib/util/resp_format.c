/*
 * RESP commands, measured then written (resp_format.h).
 */

#include <string.h>

#include "util/resp_format.h"


static size_t
decimal_len(size_t v)
{
    size_t  n = 1;

    while (v >= 10) {
        v /= 10;
        n++;
    }

    return n;
}


static char *
decimal_write(char *out, size_t v)
{
    size_t  n = decimal_len(v), i;

    for (i = n; i > 0; i--) {
        out[i - 1] = (char) ('0' + v % 10);
        v /= 10;
    }

    return out + n;
}


size_t
elaaoms_resp_len(int argc, const char **argv, const size_t *argvlen)
{
    int     i;
    size_t  len;

    (void) argv;

    /* "*" argc CRLF, then "$" len CRLF arg CRLF each */
    len = 1 + decimal_len((size_t) argc) + 2;

    for (i = 0; i < argc; i++) {
        len += 1 + decimal_len(argvlen[i]) + 2 + argvlen[i] + 2;
    }

    return len;
}


char *
elaaoms_resp_write(char *out, int argc, const char **argv,
    const size_t *argvlen)
{
    int  i;

    *out++ = '*';
    out = decimal_write(out, (size_t) argc);
    *out++ = '\r';
    *out++ = '\n';

    for (i = 0; i < argc; i++) {
        *out++ = '$';
        out = decimal_write(out, argvlen[i]);
        *out++ = '\r';
        *out++ = '\n';
        if (argvlen[i]) {
            memcpy(out, argv[i], argvlen[i]);
        }
        out += argvlen[i];
        *out++ = '\r';
        *out++ = '\n';
    }

    return out;
}
