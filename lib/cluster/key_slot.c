/*
 * Hash slots of keys (see key_slot.h).  Written from the Redis Cluster
 * specification's description of CRC16 (XMODEM: polynomial 0x1021, no
 * reflection, initial value 0).  A byte at a time through a table of the
 * 256 byte values' remainders, computed from the polynomial at first use:
 * every command nginx sends to a cluster hashes its key, and bit by bit
 * cost about 40 instructions a byte.
 */

#include <pthread.h>
#include <string.h>

#include "cluster/key_slot.h"


#define ELAAOMS_CRC16_POLY  0x1021


static uint16_t        elaaoms_crc16_table[256];
static pthread_once_t  elaaoms_crc16_once = PTHREAD_ONCE_INIT;


/* the CRC of each byte value alone, bit by bit */
static void
elaaoms_crc16_init(void)
{
    int       bit;
    unsigned  b;
    uint16_t  crc;

    for (b = 0; b < 256; b++) {
        crc = (uint16_t) (b << 8);

        for (bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000)
                  ? (uint16_t) ((crc << 1) ^ ELAAOMS_CRC16_POLY)
                  : (uint16_t) (crc << 1);
        }

        elaaoms_crc16_table[b] = crc;
    }
}


uint16_t
elaaoms_crc16(const void *data, size_t len)
{
    size_t          i;
    uint16_t        crc;
    const uint8_t  *p = data;

    (void) pthread_once(&elaaoms_crc16_once, elaaoms_crc16_init);

    crc = 0;

    for (i = 0; i < len; i++) {
        crc = (uint16_t) ((crc << 8)
                          ^ elaaoms_crc16_table[(uint8_t) (crc >> 8) ^ p[i]]);
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
