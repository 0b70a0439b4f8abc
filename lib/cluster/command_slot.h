/*
 * The hash slot a Redis command is routed by, from its arguments alone:
 * for nginx, whose batches carry formatted commands and no key positions.
 *
 * Keys are where Redis' own key specs put them for the commands the
 * project sends: EVAL, EVALSHA, FCALL (numkeys, then the keys); MGET, DEL,
 * UNLINK, EXISTS, TOUCH, WATCH, SINTER, SUNION, SDIFF (every argument);
 * MSET, MSETNX (every other one); commands without keys (PING, INFO,
 * TIME, AUTH, ASKING, CLUSTER, SCRIPT, CLIENT, CONFIG, COMMAND, ECHO,
 * HELLO, SELECT, MULTI, EXEC, DISCARD, QUIT); any other: the first
 * argument.  Names compare without regard to case.
 */

#ifndef ELAAOMS_CLUSTER_COMMAND_SLOT_H
#define ELAAOMS_CLUSTER_COMMAND_SLOT_H

#include <stddef.h>

#define ELAAOMS_COMMAND_NO_KEY      (-1)   /* any node answers it */
#define ELAAOMS_COMMAND_CROSSSLOT   (-2)   /* keys in different slots */
#define ELAAOMS_COMMAND_BAD         (-3)   /* numkeys wrong, argc short */

/* the slot (0 .. 16383), or one of the negative values above */
int elaaoms_command_slot(int argc, const char *const *argv,
    const size_t *argvlen);

#endif /* ELAAOMS_CLUSTER_COMMAND_SLOT_H */
