/*
 * lib/cluster/slot_map.c: CLUSTER SLOTS replies, as a node sends them
 * (RESP text read by hiredis' own reader), into slot maps, and lookups.
 */

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "unit.h"
#include "cluster/slot_map.h"


/* RESP pieces */
#define INT(n)      ":" #n "\r\n"
#define ARR(n)      "*" #n "\r\n"
#define STR(s)      "$" #s "\r\n"        /* length, then BODY(s) */
#define BODY(s)     s "\r\n"
#define NIL         "$-1\r\n"

#define LOCAL       STR(9) BODY("127.0.0.1")
#define ID(c)       STR(40) BODY(c c c c c c c c c c c c c c c c c c c c \
                                 c c c c c c c c c c c c c c c c c c c c)

/* three masters with one replica each, as Redis 7.0 lists them (node ids,
   an empty metadata map as RESP2's empty array), out of order */
static const char  three[] =
    ARR(3)
    ARR(4) INT(10923) INT(16383)
        ARR(4) LOCAL INT(7002) ID("c") ARR(0)
        ARR(4) LOCAL INT(7005) ID("f") ARR(0)
    ARR(4) INT(0) INT(5460)
        ARR(4) LOCAL INT(7000) ID("a") ARR(0)
        ARR(4) LOCAL INT(7004) ID("e") ARR(0)
    ARR(4) INT(5461) INT(10922)
        ARR(4) LOCAL INT(7001) ID("b") ARR(0)
        ARR(4) LOCAL INT(7003) ID("d") ARR(0);

static char  err[256];


/* a reply tree from RESP text, as hiredis builds it off the wire */
static redisReply *
tree(const char *resp, size_t len)
{
    void          *r;
    redisReader   *reader;

    reader = redisReaderCreate();
    r = NULL;

    if (redisReaderFeed(reader, resp, len) != REDIS_OK
        || redisReaderGetReply(reader, &r) != REDIS_OK)
    {
        r = NULL;
    }

    redisReaderFree(reader);

    return r;
}


/* elaaoms_slot_map_parse() of RESP text; its return value */
static int
parse(elaaoms_slot_map_t *map, const char *resp, size_t len,
    const char *origin)
{
    int          rc;
    redisReply  *r;

    r = tree(resp, len);
    if (r == NULL) {
        UNIT_FAIL("the test's RESP text does not parse");
        return -2;
    }

    err[0] = '\0';
    rc = elaaoms_slot_map_parse(map, r, origin, err, sizeof(err));
    freeReplyObject(r);

    return rc;
}

#define PARSE(map, text, origin)  parse((map), (text), sizeof(text) - 1, origin)


int
main(void)
{
    elaaoms_slot_map_t           map;
    const elaaoms_slot_range_t  *r;

    memset(&map, 0, sizeof(map));

    CHECK_INT_EQ(PARSE(&map, three, "10.9.9.9"), 0);
    CHECK_INT_EQ(map.nranges, 3);
    CHECK_INT_EQ(elaaoms_slot_map_covered(&map), 16384);

    /* sorted by first slot */
    CHECK_INT_EQ(map.ranges[0].first, 0);
    CHECK_INT_EQ(map.ranges[1].first, 5461);
    CHECK_INT_EQ(map.ranges[2].last, 16383);

    r = elaaoms_slot_map_lookup(&map, 0);
    CHECK(r != NULL && r->master.port == 7000);
    r = elaaoms_slot_map_lookup(&map, 5460);
    CHECK(r != NULL && r->master.port == 7000);
    r = elaaoms_slot_map_lookup(&map, 5461);
    CHECK(r != NULL && r->master.port == 7001);
    r = elaaoms_slot_map_lookup(&map, 12739);
    CHECK(r != NULL && r->master.port == 7002);
    r = elaaoms_slot_map_lookup(&map, 16383);
    CHECK(r != NULL && r->master.port == 7002);
    CHECK(elaaoms_slot_map_lookup(&map, 16384) == NULL);

    /* the master's address and id, the replica kept */
    r = elaaoms_slot_map_lookup(&map, 6000);
    CHECK_STR_EQ(r->master.host, "127.0.0.1");
    CHECK_INT_EQ(strlen(r->master.id), 40);
    CHECK_INT_EQ(r->master.id[0], 'b');
    CHECK_INT_EQ(r->nreplicas, 1);
    CHECK_INT_EQ(r->replicas[0].port, 7003);
    CHECK_INT_EQ(r->replicas[0].id[39], 'd');

    elaaoms_slot_map_free(&map);
    CHECK(map.ranges == NULL && map.nranges == 0);

    /* a slot being moved leaves a hole between ranges; Redis 3's nodes
       have no id; a master without replicas */
    CHECK_INT_EQ(PARSE(&map,
        ARR(2)
        ARR(3) INT(0) INT(99) ARR(2) LOCAL INT(7000)
        ARR(4) INT(101) INT(16383) ARR(2) LOCAL INT(7001)
                                   ARR(2) LOCAL INT(7004),
        NULL), 0);
    CHECK_INT_EQ(elaaoms_slot_map_covered(&map), 16383);
    CHECK(elaaoms_slot_map_lookup(&map, 100) == NULL);
    CHECK(elaaoms_slot_map_lookup(&map, 99) == &map.ranges[0]);
    CHECK(elaaoms_slot_map_lookup(&map, 101) == &map.ranges[1]);
    CHECK_STR_EQ(map.ranges[0].master.id, "");
    CHECK_INT_EQ(map.ranges[0].nreplicas, 0);
    CHECK_INT_EQ(map.ranges[1].nreplicas, 1);
    elaaoms_slot_map_free(&map);

    /* no endpoint (NULL or ""): the host the reply came from */
    CHECK_INT_EQ(PARSE(&map,
        ARR(1)
        ARR(4) INT(0) INT(16383) ARR(2) NIL INT(7000)
                                 ARR(2) STR(0) BODY("") INT(7003),
        "10.1.2.3"), 0);
    CHECK_STR_EQ(map.ranges[0].master.host, "10.1.2.3");
    CHECK_STR_EQ(map.ranges[0].replicas[0].host, "10.1.2.3");
    elaaoms_slot_map_free(&map);

    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(16383) ARR(2) NIL INT(7000), NULL), -1);
    CHECK(strstr(err, "endpoint") != NULL);

    /* an empty cluster: a valid map that serves nothing */
    CHECK_INT_EQ(PARSE(&map, ARR(0), NULL), 0);
    CHECK_INT_EQ(map.nranges, 0);
    CHECK(elaaoms_slot_map_lookup(&map, 0) == NULL);
    elaaoms_slot_map_free(&map);

    /* refused: overlaps, slots out of range, bad ports, wrong shapes;
       each leaves the map zeroed */
    CHECK_INT_EQ(PARSE(&map,
        ARR(2)
        ARR(3) INT(0) INT(100) ARR(2) LOCAL INT(7000)
        ARR(3) INT(100) INT(200) ARR(2) LOCAL INT(7001), NULL), -1);
    CHECK(strstr(err, "overlap") != NULL);
    CHECK(map.ranges == NULL && map.nranges == 0);

    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(16384) ARR(2) LOCAL INT(7000), NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(-1) INT(5) ARR(2) LOCAL INT(7000), NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(9) INT(5) ARR(2) LOCAL INT(7000), NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(5) ARR(2) LOCAL INT(0), NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(5) ARR(2) LOCAL INT(65536), NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(5) ARR(2) LOCAL STR(4) BODY("7000"), NULL),
        -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(5) ARR(1) LOCAL, NULL), -1);
    CHECK_INT_EQ(PARSE(&map,
        ARR(1) ARR(3) INT(0) INT(5) INT(7000), NULL), -1);
    CHECK_INT_EQ(PARSE(&map, ARR(1) ARR(2) INT(0) INT(5), NULL), -1);
    CHECK_INT_EQ(PARSE(&map, ARR(1) INT(0), NULL), -1);
    CHECK_INT_EQ(PARSE(&map, STR(2) BODY("OK"), NULL), -1);
    CHECK_INT_EQ(PARSE(&map, "-ERR This instance has cluster support "
                             "disabled\r\n", NULL), -1);
    /* a bad replica after good ranges: what was built is freed (ASan) */
    CHECK_INT_EQ(PARSE(&map,
        ARR(2)
        ARR(4) INT(0) INT(5) ARR(2) LOCAL INT(7000) ARR(2) LOCAL INT(7003)
        ARR(4) INT(6) INT(9) ARR(2) LOCAL INT(7001) ARR(2) LOCAL INT(0),
        NULL), -1);
    CHECK(map.ranges == NULL && map.nranges == 0);
    CHECK(elaaoms_slot_map_parse(&map, NULL, NULL, err, sizeof(err)) == -1);

    return UNIT_DONE("slot_map");
}
