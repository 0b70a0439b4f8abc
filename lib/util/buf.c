/*
 * The growable string: capacity doubles from 256 bytes.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"


#define ELAAOMS_BUF_MIN  256


int
elaaoms_buf_reserve(elaaoms_buf_t *b, size_t n)
{
    char    *p;
    size_t   cap;

    if (b->oom) {
        return -1;
    }

    if (b->cap - b->len > n) {
        return 0;
    }

    if (n > SIZE_MAX - 1 - b->len) {
        b->oom = 1;
        return -1;
    }

    cap = b->cap ? b->cap : ELAAOMS_BUF_MIN;

    while (cap - b->len < n + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }

    p = realloc(b->p, cap);
    if (p == NULL) {
        b->oom = 1;
        return -1;
    }

    if (b->p == NULL) {
        p[0] = '\0';
    }

    b->p = p;
    b->cap = cap;

    return 0;
}


int
elaaoms_buf_append(elaaoms_buf_t *b, const void *s, size_t n)
{
    if (elaaoms_buf_reserve(b, n) != 0) {
        return -1;
    }

    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';

    return 0;
}


int
elaaoms_buf_appends(elaaoms_buf_t *b, const char *s)
{
    return elaaoms_buf_append(b, s, strlen(s));
}


int
elaaoms_buf_appendf(elaaoms_buf_t *b, const char *fmt, ...)
{
    int      n;
    va_list  ap;

    if (b->oom) {
        return -1;
    }

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);

    if (n < 0 || elaaoms_buf_reserve(b, (size_t) n) != 0) {
        b->oom = 1;
        return -1;
    }

    /* reserve left room for n bytes and the NUL */
    va_start(ap, fmt);
    (void) vsnprintf(b->p + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);

    b->len += (size_t) n;

    return 0;
}


void
elaaoms_buf_free(elaaoms_buf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof(elaaoms_buf_t));
}
