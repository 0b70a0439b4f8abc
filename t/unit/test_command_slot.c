/*
 * lib/cluster/command_slot.c: the slot nginx routes a command by, for the
 * commands the module sends, against key_slot() of their keys.
 */

#include <string.h>

#include "unit.h"
#include "cluster/command_slot.h"
#include "cluster/key_slot.h"


static int
slot_of(int argc, const char *const *argv)
{
    int     i;
    size_t  len[16];

    for (i = 0; i < argc; i++) {
        len[i] = strlen(argv[i]);
    }

    return elaaoms_command_slot(argc, argv, len);
}

#define SLOT(...)                                                            \
    slot_of(sizeof((const char *[]) { __VA_ARGS__ }) / sizeof(char *),      \
            (const char *[]) { __VA_ARGS__ })

#define KS(k)  ((int) elaaoms_key_slot(k, strlen(k)))


int
main(void)
{
    const char  *caller = "elaaoms:acme:{acme:+14155550123}:context:a:head";
    const char  *any = "elaaoms:acme:{acme:+14155550123}:context:_any:head";
    const char  *other = "elaaoms:acme:{acme:+14155550999}:index";

    /* the first argument, whatever the command */
    CHECK_INT_EQ(SLOT("GET", "elaaoms:acme:agent:a:profile"),
                 KS("elaaoms:acme:agent:a:profile"));
    CHECK_INT_EQ(SLOT("set", "k1", "v", "EX", "60"), KS("k1"));
    CHECK_INT_EQ(SLOT("XADD", "elaaoms:acme:audit", "*", "a", "b"),
                 KS("elaaoms:acme:audit"));
    CHECK_INT_EQ(SLOT("HGETALL", other), KS(other));

    /* every key: one slot by the caller's tag, or refused */
    CHECK_INT_EQ(SLOT("MGET", caller, any), KS(caller));
    CHECK_INT_EQ(KS(caller), KS(any));
    CHECK_INT_EQ(SLOT("MGET", caller, other), ELAAOMS_COMMAND_CROSSSLOT);
    CHECK_INT_EQ(SLOT("DEL", "a", "b"), ELAAOMS_COMMAND_CROSSSLOT);
    CHECK_INT_EQ(SLOT("MSET", "{t}a", "v1", "{t}b", "v2"), KS("{t}a"));
    /* MSET's values are not keys */
    CHECK_INT_EQ(SLOT("MSET", "{t}a", "x", "{t}b", "y"), KS("t"));

    /* scripts: numkeys, then the keys; none is any node's */
    CHECK_INT_EQ(SLOT("EVAL", "return 1", "2", caller, any, "arg"),
                 KS(caller));
    CHECK_INT_EQ(SLOT("EVALSHA", "abc", "1", other, "x"), KS(other));
    CHECK_INT_EQ(SLOT("EVAL", "return 1", "0", "not-a-key"),
                 ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(SLOT("EVAL", "return 1", "2", caller, other),
                 ELAAOMS_COMMAND_CROSSSLOT);
    CHECK_INT_EQ(SLOT("EVAL", "return 1", "3", caller),
                 ELAAOMS_COMMAND_BAD);
    CHECK_INT_EQ(SLOT("EVAL", "return 1", "x1", caller),
                 ELAAOMS_COMMAND_BAD);
    CHECK_INT_EQ(SLOT("EVAL", "return 1"), ELAAOMS_COMMAND_BAD);

    /* no key */
    CHECK_INT_EQ(SLOT("PING"), ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(SLOT("auth", "user", "pw"), ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(SLOT("CLUSTER", "SLOTS"), ELAAOMS_COMMAND_NO_KEY);
    CHECK_INT_EQ(SLOT("INFO", "server"), ELAAOMS_COMMAND_NO_KEY);

    /* a command without its key */
    CHECK_INT_EQ(SLOT("GET"), ELAAOMS_COMMAND_BAD);

    return UNIT_DONE("command_slot");
}
