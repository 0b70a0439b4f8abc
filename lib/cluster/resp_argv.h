/*
 * A command as hiredis formats it (redisvFormatCommand: "*<n>\r\n" then n
 * times "$<len>\r\n<bytes>\r\n") read back into argv, so that a command
 * given as a format string can be routed by its keys.  The arguments
 * point into the formatted buffer: it must outlive them.
 */

#ifndef ELAAOMS_CLUSTER_RESP_ARGV_H
#define ELAAOMS_CLUSTER_RESP_ARGV_H

#include <stddef.h>

/* commands of at most this many arguments need no allocation */
#define ELAAOMS_RESP_ARGV_SMALL  16

typedef struct {
    int           argc;
    const char  **argv;        /* small_argv, or malloc()ed */
    size_t       *argvlen;
    const char   *small_argv[ELAAOMS_RESP_ARGV_SMALL];
    size_t        small_len[ELAAOMS_RESP_ARGV_SMALL];
} elaaoms_resp_argv_t;

/*
 * The one command of buf (len bytes): 0, or -1 when buf is not exactly one
 * well-formed multibulk command or memory runs out.  The owner calls
 * elaaoms_resp_argv_free() either way.
 */
int elaaoms_resp_argv_parse(elaaoms_resp_argv_t *a, const char *buf,
    size_t len);

void elaaoms_resp_argv_free(elaaoms_resp_argv_t *a);

#endif /* ELAAOMS_CLUSTER_RESP_ARGV_H */
