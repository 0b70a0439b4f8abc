/*
 * A command in Redis' protocol (RESP: "*<argc>\r\n" then "$<len>\r\n<arg>\r\n"
 * per argument), for hiredis' redisAsyncFormattedCommand().
 *
 * Why not redisAsyncCommandArgv(): Debian's hiredis 0.14 formats through
 * sdscatfmt(), growing an sds per argument; on the hot paths that was a
 * quarter of a client-data request's instructions.  Here the length is
 * counted first and the command written once into the caller's buffer.
 */

#ifndef ELAAOMS_RESP_FORMAT_H
#define ELAAOMS_RESP_FORMAT_H

#include <stddef.h>

/* bytes the command takes */
size_t elaaoms_resp_len(int argc, const char **argv, const size_t *argvlen);

/*
 * the command into out (elaaoms_resp_len() bytes, no NUL); its end.
 * hiredis' redisAsyncFormattedCommand() reads the command with strchr():
 * give it a NUL after the end.
 */
char *elaaoms_resp_write(char *out, int argc, const char **argv,
    const size_t *argvlen);

#endif /* ELAAOMS_RESP_FORMAT_H */
