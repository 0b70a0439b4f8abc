/*
 * Redis Cluster's hash slot of a key, as the cluster specification
 * defines it: CRC16 (XMODEM: polynomial 0x1021, initial value 0, no
 * reflection, no final xor) of the key, or of its hash tag, mod 16384.
 */

#ifndef ELAAOMS_CLUSTER_KEY_SLOT_H
#define ELAAOMS_CLUSTER_KEY_SLOT_H

#include <stddef.h>
#include <stdint.h>

#define ELAAOMS_CLUSTER_SLOTS  16384

/* CRC16/XMODEM of len bytes ("123456789" gives 0x31C3) */
uint16_t elaaoms_crc16(const void *data, size_t len);

/*
 * The part of a key that is hashed: the bytes between the first '{' and
 * the first '}' after it when there are any, else the whole key.
 * Sets *part_len; never NULL for a non-NULL key.
 */
const char *elaaoms_key_hash_part(const char *key, size_t len,
    size_t *part_len);

/* 0 .. ELAAOMS_CLUSTER_SLOTS - 1 */
unsigned elaaoms_key_slot(const char *key, size_t len);

#endif /* ELAAOMS_CLUSTER_KEY_SLOT_H */
