/*
 * lib/conversation_id: the safe id alphabet and length limits.
 */

#include <string.h>

#include "unit.h"
#include "intake/ids.h"


static int
valid(const char *s)
{
    return elaaoms_conversation_id_valid(s, strlen(s));
}


int
main(void)
{
    char  buf[ELAAOMS_CONVERSATION_ID_MAX + 2];

    CHECK_INT_EQ(valid("conv_01kbq4r7v2e9m3x5t8w6y0z1a2"), 1);
    CHECK_INT_EQ(valid("agent_01support7x"), 1);
    CHECK_INT_EQ(valid("a"), 1);
    CHECK_INT_EQ(valid("A-Z_0-9"), 1);
    CHECK_INT_EQ(valid("-"), 1);

    CHECK_INT_EQ(valid(""), 0);
    CHECK_INT_EQ(valid("../../etc/passwd"), 0);
    CHECK_INT_EQ(valid("conv/abc"), 0);
    CHECK_INT_EQ(valid("conv\\abc"), 0);
    CHECK_INT_EQ(valid("conv.abc"), 0);
    CHECK_INT_EQ(valid(".."), 0);
    CHECK_INT_EQ(valid("conv abc"), 0);
    CHECK_INT_EQ(valid("conv\nabc"), 0);
    CHECK_INT_EQ(valid("conv:abc"), 0);
    CHECK_INT_EQ(valid("conv\xc3\xa9"), 0);
    CHECK_INT_EQ(valid("conv%2e%2e"), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid("ab\0cd", 5), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid(NULL, 3), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid("abc", 0), 0);
    /* the length given is what is checked, not the NUL */
    CHECK_INT_EQ(elaaoms_conversation_id_valid("abc/def", 3), 1);

    memset(buf, 'a', sizeof(buf));
    CHECK_INT_EQ(elaaoms_conversation_id_valid(buf, 128), 1);
    CHECK_INT_EQ(elaaoms_conversation_id_valid(buf, 129), 0);

    buf[128] = '\0';
    CHECK_INT_EQ(elaaoms_conversation_id_valid_str(buf), 1);
    buf[128] = 'a';
    buf[129] = '\0';
    CHECK_INT_EQ(elaaoms_conversation_id_valid_str(buf), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid_str(NULL), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid_str(""), 0);
    CHECK_INT_EQ(elaaoms_conversation_id_valid_str("abc/"), 0);

    return UNIT_DONE("conversation_id");
}
