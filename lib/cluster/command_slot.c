/*
 * The hash slot of a command (see command_slot.h).
 */

#include <strings.h>
#include <string.h>

#include "cluster/command_slot.h"
#include "cluster/key_slot.h"


typedef struct {
    const char  *name;
    int          first;     /* 0: no key; -1: numkeys at argv[2] */
    int          step;      /* 0: one key */
} elaaoms_command_keys_t;


static const elaaoms_command_keys_t  elaaoms_command_keys[] = {
    { "EVAL", -1, 1 },    { "EVALSHA", -1, 1 }, { "EVAL_RO", -1, 1 },
    { "EVALSHA_RO", -1, 1 }, { "FCALL", -1, 1 }, { "FCALL_RO", -1, 1 },
    { "MGET", 1, 1 },     { "DEL", 1, 1 },      { "UNLINK", 1, 1 },
    { "EXISTS", 1, 1 },   { "TOUCH", 1, 1 },    { "WATCH", 1, 1 },
    { "SINTER", 1, 1 },   { "SUNION", 1, 1 },   { "SDIFF", 1, 1 },
    { "MSET", 1, 2 },     { "MSETNX", 1, 2 },
    { "PING", 0, 0 },     { "INFO", 0, 0 },     { "TIME", 0, 0 },
    { "AUTH", 0, 0 },     { "ASKING", 0, 0 },   { "CLUSTER", 0, 0 },
    { "SCRIPT", 0, 0 },   { "CLIENT", 0, 0 },   { "CONFIG", 0, 0 },
    { "COMMAND", 0, 0 },  { "ECHO", 0, 0 },     { "HELLO", 0, 0 },
    { "SELECT", 0, 0 },   { "MULTI", 0, 0 },    { "EXEC", 0, 0 },
    { "DISCARD", 0, 0 },  { "QUIT", 0, 0 },
    { NULL, 1, 0 }        /* any other: the first argument */
};


int
elaaoms_command_slot(int argc, const char *const *argv,
    const size_t *argvlen)
{
    int                            i, first, last, step, slot, s;
    long                           numkeys;
    size_t                         k;
    const elaaoms_command_keys_t  *c;

    if (argc < 1) {
        return ELAAOMS_COMMAND_BAD;
    }

    for (c = elaaoms_command_keys; c->name; c++) {
        if (strlen(c->name) == argvlen[0]
            && strncasecmp(c->name, argv[0], argvlen[0]) == 0)
        {
            break;
        }
    }

    if (c->first == 0) {
        return ELAAOMS_COMMAND_NO_KEY;
    }

    if (c->first == -1) {
        if (argc < 3 || argvlen[2] == 0 || argvlen[2] > 6) {
            return ELAAOMS_COMMAND_BAD;
        }

        numkeys = 0;
        for (k = 0; k < argvlen[2]; k++) {
            if (argv[2][k] < '0' || argv[2][k] > '9') {
                return ELAAOMS_COMMAND_BAD;
            }
            numkeys = numkeys * 10 + (argv[2][k] - '0');
        }

        if (numkeys == 0) {
            return ELAAOMS_COMMAND_NO_KEY;
        }

        if (numkeys > argc - 3) {
            return ELAAOMS_COMMAND_BAD;
        }

        first = 3;
        last = 3 + (int) numkeys - 1;
        step = 1;

    } else {
        if (argc < 2) {
            return ELAAOMS_COMMAND_BAD;
        }

        first = 1;
        step = c->step ? c->step : 1;
        last = c->step ? argc - 1 : 1;
    }

    slot = -1;

    for (i = first; i <= last; i += step) {
        s = (int) elaaoms_key_slot(argv[i], argvlen[i]);

        if (slot >= 0 && s != slot) {
            return ELAAOMS_COMMAND_CROSSSLOT;
        }

        slot = s;
    }

    return slot;
}
