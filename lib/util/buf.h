/*
 * A growable NUL-terminated string: the one buffer lib/ builds text in
 * (prompts, summaries, transcripts, HTTP bodies).
 */

#ifndef ELAAOMS_BUF_H
#define ELAAOMS_BUF_H

#include <stddef.h>

/*
 * Start zeroed; p is NULL until the first append (or reserve) and then
 * always NUL-terminated.  The owner frees p (elaaoms_buf_free()), or takes
 * it.  After a failed allocation oom is set, the content is left as it
 * was and every later append does nothing, so a caller may append
 * without checks and look at oom once.
 */
typedef struct {
    char    *p;
    size_t   len;
    size_t   cap;
    int      oom;
} elaaoms_buf_t;

/* room for n more bytes and the NUL; 0, or -1 (oom) */
int elaaoms_buf_reserve(elaaoms_buf_t *b, size_t n);

/* 0, or -1 (oom) */
int elaaoms_buf_append(elaaoms_buf_t *b, const void *s, size_t n);
int elaaoms_buf_appends(elaaoms_buf_t *b, const char *s);
int elaaoms_buf_appendf(elaaoms_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* frees p and zeroes b: usable again */
void elaaoms_buf_free(elaaoms_buf_t *b);

#endif /* ELAAOMS_BUF_H */
