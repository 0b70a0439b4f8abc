/*
 * A formatted command read back into argv (see resp_argv.h).
 */

#include <stdlib.h>
#include <string.h>

#include "cluster/resp_argv.h"


/* "<digits>\r\n" at *p (before end) into *n; the position after, or NULL */
static const char *
elaaoms_resp_number(const char *p, const char *end, size_t *n)
{
    size_t  v, digits;

    v = 0;

    for (digits = 0; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits == 18) {
            return NULL;
        }
        v = v * 10 + (size_t) (*p - '0');
    }

    if (digits == 0 || end - p < 2 || p[0] != '\r' || p[1] != '\n') {
        return NULL;
    }

    *n = v;

    return p + 2;
}


int
elaaoms_resp_argv_parse(elaaoms_resp_argv_t *a, const char *buf, size_t len)
{
    size_t       n, i, arglen;
    const char  *p, *end;

    a->argc = 0;
    a->argv = a->small_argv;
    a->argvlen = a->small_len;

    p = buf;
    end = buf + len;

    if (p == end || *p++ != '*') {
        return -1;
    }

    p = elaaoms_resp_number(p, end, &n);

    /* each argument takes at least "$0\r\n\r\n" */
    if (p == NULL || n == 0 || n > (size_t) (end - p) / 6) {
        return -1;
    }

    if (n > ELAAOMS_RESP_ARGV_SMALL) {
        a->argv = malloc(n * sizeof(*a->argv));
        a->argvlen = malloc(n * sizeof(*a->argvlen));
        if (a->argv == NULL || a->argvlen == NULL) {
            return -1;
        }
    }

    for (i = 0; i < n; i++) {
        if (p == end || *p++ != '$') {
            return -1;
        }

        p = elaaoms_resp_number(p, end, &arglen);
        if (p == NULL || (size_t) (end - p) < arglen + 2
            || p[arglen] != '\r' || p[arglen + 1] != '\n')
        {
            return -1;
        }

        a->argv[i] = p;
        a->argvlen[i] = arglen;
        p += arglen + 2;
    }

    if (p != end) {
        return -1;
    }

    a->argc = (int) n;

    return 0;
}


void
elaaoms_resp_argv_free(elaaoms_resp_argv_t *a)
{
    if (a->argv != a->small_argv) {
        free(a->argv);
    }

    if (a->argvlen != a->small_len) {
        free(a->argvlen);
    }

    a->argv = a->small_argv;
    a->argvlen = a->small_len;
    a->argc = 0;
}
