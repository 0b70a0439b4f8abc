/*
 * libFuzzer target: error replies through elaaoms_redirect_parse().  A
 * MOVED or ASK is lossless: written back as Redis writes it, it gives the
 * input's bytes exactly (nothing skipped, no second spelling of a number);
 * its slot and port are in range and its host is printable.  TRYAGAIN and
 * CLUSTERDOWN are recognized by their first word only; anything else is
 * NONE and leaves the struct zeroed.  The bytes are also read as a CLUSTER
 * SLOTS reply (RESP, through hiredis' reader) into a slot map, which must
 * come out sorted, disjoint and in range, or be refused whole.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "cluster/key_slot.h"
#include "cluster/redirect.h"
#include "cluster/slot_map.h"


static void
check_redirect(const char *s, size_t size)
{
    int                  n;
    char                 back[ELAAOMS_CLUSTER_HOST_MAX + 32];
    size_t               i;
    elaaoms_redirect_t   r;

    switch (elaaoms_redirect_parse(s, size, &r)) {

    case ELAAOMS_REDIRECT_MOVED:
    case ELAAOMS_REDIRECT_ASK:
        if (r.slot >= ELAAOMS_CLUSTER_SLOTS || r.port < 1 || r.port > 65535
            || memchr(r.host, '\0', sizeof(r.host)) == NULL)
        {
            abort();
        }

        for (i = 0; r.host[i]; i++) {
            if ((unsigned char) r.host[i] <= ' '
                || (unsigned char) r.host[i] > '~')
            {
                abort();
            }
        }

        n = snprintf(back, sizeof(back), "%s %u %s:%d",
                     r.kind == ELAAOMS_REDIRECT_MOVED ? "MOVED" : "ASK",
                     r.slot, r.host, r.port);

        if (n < 0 || (size_t) n != size || memcmp(back, s, size) != 0) {
            abort();
        }
        break;

    case ELAAOMS_REDIRECT_TRYAGAIN:
        if (size < 8 || memcmp(s, "TRYAGAIN", 8) != 0) {
            abort();
        }
        break;

    case ELAAOMS_REDIRECT_CLUSTERDOWN:
        if (size < 11 || memcmp(s, "CLUSTERDOWN", 11) != 0) {
            abort();
        }
        break;

    case ELAAOMS_REDIRECT_NONE:
        if (r.slot != 0 || r.port != 0 || r.host[0] != '\0') {
            abort();
        }
        break;

    default:
        abort();
    }
}


/*
 * hiredis 0.14's reader allocates an array's elements when it reads the
 * count: "*999999999" is an out-of-memory of the reader's, not ours
 */
static int
huge_array(const char *s, size_t size)
{
    size_t  i, digits;

    for (i = 0; i < size; i++) {
        if (s[i] != '*') {
            continue;
        }

        for (digits = 0; i + 1 < size && s[i + 1] >= '0' && s[i + 1] <= '9';
             i++)
        {
            digits++;
        }

        if (digits > 5) {
            return 1;
        }
    }

    return 0;
}


static void
check_slot_map(const char *s, size_t size)
{
    char                         err[256];
    void                        *reply;
    size_t                       i;
    unsigned                     covered;
    redisReader                 *reader;
    elaaoms_slot_map_t           map;
    const elaaoms_slot_range_t  *r;

    if (huge_array(s, size)) {
        return;
    }

    reader = redisReaderCreate();
    if (reader == NULL) {
        return;
    }

    reply = NULL;

    if (redisReaderFeed(reader, s, size) != REDIS_OK
        || redisReaderGetReply(reader, &reply) != REDIS_OK
        || reply == NULL)
    {
        redisReaderFree(reader);
        return;
    }

    redisReaderFree(reader);

    if (elaaoms_slot_map_parse(&map, reply, "origin", err, sizeof(err)) != 0) {
        if (map.ranges != NULL || map.nranges != 0) {
            abort();
        }
        freeReplyObject(reply);
        return;
    }

    covered = 0;

    for (i = 0; i < map.nranges; i++) {
        r = &map.ranges[i];

        if (r->first > r->last || r->last >= ELAAOMS_CLUSTER_SLOTS
            || (i > 0 && r->first <= map.ranges[i - 1].last)
            || r->master.port < 1 || r->master.port > 65535
            || r->master.host[0] == '\0'
            || elaaoms_slot_map_lookup(&map, r->first) != r
            || elaaoms_slot_map_lookup(&map, r->last) != r)
        {
            abort();
        }

        covered += r->last - r->first + 1;
    }

    if (covered != elaaoms_slot_map_covered(&map)) {
        abort();
    }

    elaaoms_slot_map_free(&map);
    freeReplyObject(reply);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_redirect((const char *) data, size);
    check_slot_map((const char *) data, size);

    return 0;
}
