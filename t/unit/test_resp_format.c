/*
 * lib/util/resp_format: byte for byte what hiredis' own formatter writes.
 */

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "unit.h"
#include "util/resp_format.h"


static void
same_as_hiredis(int argc, const char **argv, const size_t *argvlen)
{
    int     n;
    char   *ours, *theirs, *end;
    size_t  len;

    len = elaaoms_resp_len(argc, argv, argvlen);
    ours = malloc(len + 1);
    CHECK(ours != NULL);
    ours[len] = '#';
    end = elaaoms_resp_write(ours, argc, argv, argvlen);
    CHECK_INT_EQ(end - ours, len);
    CHECK(ours[len] == '#');

    n = redisFormatCommandArgv(&theirs, argc, argv, argvlen);
    CHECK_INT_EQ(n, len);
    CHECK(memcmp(ours, theirs, len) == 0);

    free(ours);
    redisFreeCommand(theirs);
}


int
main(void)
{
    int          i;
    size_t       lens[40];
    const char  *args[40];
    static char  big[100003];

    /* the shapes the module sends: short, empty, binary, long */
    args[0] = "GET";
    lens[0] = 3;
    args[1] = "elaaoms:o:{o:+1}:context:_any";
    lens[1] = strlen(args[1]);
    same_as_hiredis(2, args, lens);

    args[1] = "";
    lens[1] = 0;
    same_as_hiredis(2, args, lens);

    args[1] = "a\0b\r\n";
    lens[1] = 5;
    same_as_hiredis(2, args, lens);

    memset(big, 'x', sizeof(big));
    args[1] = big;
    lens[1] = sizeof(big);
    same_as_hiredis(2, args, lens);

    /* argument counts across a digit boundary; lengths 0..39 */
    for (i = 0; i < 40; i++) {
        args[i] = big;
        lens[i] = i == 11 ? 99990 : (size_t) i * 9;
    }
    same_as_hiredis(9, args, lens);
    same_as_hiredis(10, args, lens);
    same_as_hiredis(11, args, lens);
    same_as_hiredis(40, args, lens);

    /* a zero-argument command is "*0\r\n" */
    CHECK_INT_EQ(elaaoms_resp_len(0, args, lens), 4);

    return UNIT_DONE("resp_format");
}
