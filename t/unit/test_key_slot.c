/*
 * lib/cluster/key_slot.c: CRC16/XMODEM and hash slots with hash tags, by
 * the Redis Cluster specification's examples.
 */

#include <string.h>

#include "unit.h"
#include "cluster/key_slot.h"


#define SLOT(s)  elaaoms_key_slot((s), sizeof(s) - 1)


/* the part hashed, as a string for the comparisons */
static const char *
hashed(const char *key)
{
    static char   part[128];
    size_t        n;
    const char   *p;

    p = elaaoms_key_hash_part(key, strlen(key), &n);
    memcpy(part, p, n);
    part[n] = '\0';

    return part;
}


int
main(void)
{
    char  bin[3] = { 'a', '\0', 'b' };

    /* the specification's check value of its CRC16 */
    CHECK_INT_EQ(elaaoms_crc16("123456789", 9), 0x31C3);
    CHECK_INT_EQ(elaaoms_crc16("", 0), 0);
    /* one bit through the polynomial: 0x80 << 8 shifted out 8 times */
    CHECK_INT_EQ(elaaoms_crc16("\x80", 1), 0x9188);
    CHECK_INT_EQ(elaaoms_crc16("A", 1), 0x58E5);

    /* 0x31C3 & 16383 */
    CHECK_INT_EQ(SLOT("123456789"), 12739);

    /* CLUSTER KEYSLOT of Redis 7.0 (the integration test asks a node too) */
    CHECK_INT_EQ(SLOT("foo"), 12182);
    CHECK_INT_EQ(SLOT("bar"), 5061);
    CHECK_INT_EQ(SLOT(""), 0);

    /* the whole 16-bit CRC is folded into 14 bits */
    CHECK(SLOT("somekey") < ELAAOMS_CLUSTER_SLOTS);

    /* hash tags, the specification's cases */
    CHECK_STR_EQ(hashed("{user1000}.following"), "user1000");
    CHECK_INT_EQ(SLOT("{user1000}.following"), SLOT("{user1000}.followers"));
    CHECK_INT_EQ(SLOT("{user1000}.following"), SLOT("user1000"));
    CHECK_STR_EQ(hashed("foo{}{bar}"), "foo{}{bar}");
    CHECK_STR_EQ(hashed("foo{{bar}}zap"), "{bar");
    CHECK_STR_EQ(hashed("foo{bar}{zap}"), "bar");
    CHECK_INT_EQ(SLOT("foo{bar}{zap}"), SLOT("bar"));

    /* no '}' after the first '{', or none at all: the whole key */
    CHECK_STR_EQ(hashed("foo{bar"), "foo{bar");
    CHECK_STR_EQ(hashed("foo}bar{"), "foo}bar{");
    CHECK_STR_EQ(hashed("}{x}"), "x");
    CHECK_STR_EQ(hashed("{}"), "{}");
    CHECK_STR_EQ(hashed("{"), "{");

    /* the project's keys: a caller's keys share {org:caller} */
    CHECK_INT_EQ(SLOT("elaaoms:mem:{acme:+14155550123}:index"),
                 SLOT("elaaoms:ctx:{acme:+14155550123}"));
    CHECK_INT_EQ(SLOT("elaaoms:mem:{acme:+14155550123}:index"),
                 SLOT("acme:+14155550123"));

    /* binary keys: a NUL is a byte like any other */
    CHECK(elaaoms_key_slot(bin, 3) != elaaoms_key_slot(bin, 1));
    CHECK_INT_EQ(elaaoms_key_slot(bin, 1), SLOT("a"));

    return UNIT_DONE("key_slot");
}
