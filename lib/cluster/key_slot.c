/*
 * Hash slots of keys (see key_slot.h).  Written from the Redis Cluster
 * specification's description of CRC16; bit by bit, without a table:
 * keys are short, and nothing needs initializing or sharing.
 */

#include <string.h>

#include "cluster/key_slot.h"


#define ELAAOMS_CRC16_POLY  0x1021


uint16_t
elaaoms_crc16(const void *data, size_t len)
{
    int             bit;
    size_t          i;
    uint16_t        crc;
    const uint8_t  *p = data;

    crc = 0;

    for (i = 0; i < len; i++) {
        crc ^= (uint16_t) (p[i] << 8);

        for (bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000)
                  ? (uint16_t) ((crc << 1) ^ ELAAOMS_CRC16_POLY)
                  : (uint16_t) (crc << 1);
        }
    }

    return crc;
}


const char *
elaaoms_key_hash_part(const char *key, size_t len, size_t *part_len)
{
    const char  *open, *close;

    open = memchr(key, '{', len);

    if (open != NULL) {
        open++;
        close = memchr(open, '}', len - (size_t) (open - key));

        /* "{}" is no tag: the whole key is hashed */
        if (close != NULL && close > open) {
            *part_len = (size_t) (close - open);
            return open;
        }
    }

    *part_len = len;

    return key;
}


unsigned
elaaoms_key_slot(const char *key, size_t len)
{
    size_t       n;
    const char  *part;

    part = elaaoms_key_hash_part(key, len, &n);

    return elaaoms_crc16(part, n) & (ELAAOMS_CLUSTER_SLOTS - 1);
}
