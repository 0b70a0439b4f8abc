/*
 * The hash slot of a command (see command_slot.h).
 */

#include <strings.h>
#include <string.h>

#include "cluster/command_slot.h"
#include "cluster/key_slot.h"


typedef struct {
    const char  *name;
    size_t       len;
    int          first;     /* 0: no key; -1: numkeys at argv[2] */
    int          step;      /* 0: one key */
} elaaoms_command_keys_t;

#define K(name, first, step)  { name, sizeof(name) - 1, first, step }


static const elaaoms_command_keys_t  elaaoms_command_keys[] = {
    K("EVAL", -1, 1),    K("EVALSHA", -1, 1), K("EVAL_RO", -1, 1),
    K("EVALSHA_RO", -1, 1), K("FCALL", -1, 1), K("FCALL_RO", -1, 1),
    K("MGET", 1, 1),     K("DEL", 1, 1),      K("UNLINK", 1, 1),
    K("EXISTS", 1, 1),   K("TOUCH", 1, 1),    K("WATCH", 1, 1),
    K("SINTER", 1, 1),   K("SUNION", 1, 1),   K("SDIFF", 1, 1),
    K("MSET", 1, 2),     K("MSETNX", 1, 2),
    K("PING", 0, 0),     K("INFO", 0, 0),     K("TIME", 0, 0),
    K("AUTH", 0, 0),     K("ASKING", 0, 0),   K("CLUSTER", 0, 0),
    K("SCRIPT", 0, 0),   K("CLIENT", 0, 0),   K("CONFIG", 0, 0),
    K("COMMAND", 0, 0),  K("ECHO", 0, 0),     K("HELLO", 0, 0),
    K("SELECT", 0, 0),   K("MULTI", 0, 0),    K("EXEC", 0, 0),
    K("DISCARD", 0, 0),  K("QUIT", 0, 0),
    { NULL, 0, 1, 0 }     /* any other: the first argument */
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
        if (c->len == argvlen[0]
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
