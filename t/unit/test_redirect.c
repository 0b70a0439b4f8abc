/*
 * lib/cluster/redirect.c: MOVED, ASK, TRYAGAIN and CLUSTERDOWN errors,
 * and what is not one of them.
 */

#include <string.h>

#include "unit.h"
#include "cluster/redirect.h"


static elaaoms_redirect_t  r;

/* the kind of a NUL-terminated error text (into r) */
static int
parse(const char *err)
{
    return (int) elaaoms_redirect_parse(err, strlen(err), &r);
}


int
main(void)
{
    char        host[ELAAOMS_CLUSTER_HOST_MAX], longer[400];
    int         port;
    const char  bounded[] = "MOVED 12 10.0.0.1:7001 and what follows";

    CHECK_INT_EQ(parse("MOVED 3999 127.0.0.1:6381"), ELAAOMS_REDIRECT_MOVED);
    CHECK_INT_EQ(r.slot, 3999);
    CHECK_STR_EQ(r.host, "127.0.0.1");
    CHECK_INT_EQ(r.port, 6381);

    CHECK_INT_EQ(parse("ASK 16383 redis-2.example.net:30001"),
                 ELAAOMS_REDIRECT_ASK);
    CHECK_INT_EQ(r.slot, 16383);
    CHECK_STR_EQ(r.host, "redis-2.example.net");
    CHECK_INT_EQ(r.port, 30001);

    CHECK_INT_EQ(parse("MOVED 0 h:1"), ELAAOMS_REDIRECT_MOVED);
    CHECK_INT_EQ(r.slot, 0);
    CHECK_INT_EQ(r.port, 1);

    /* IPv6: the port follows the last ':' */
    CHECK_INT_EQ(parse("MOVED 7 ::1:7000"), ELAAOMS_REDIRECT_MOVED);
    CHECK_STR_EQ(r.host, "::1");
    CHECK_INT_EQ(r.port, 7000);

    /* no endpoint known to the node (unknown-endpoint): an empty host */
    CHECK_INT_EQ(parse("MOVED 5 :6380"), ELAAOMS_REDIRECT_MOVED);
    CHECK_STR_EQ(r.host, "");
    CHECK_INT_EQ(r.port, 6380);

    CHECK_INT_EQ(parse("TRYAGAIN Multiple keys request during rehashing of "
                       "slot"), ELAAOMS_REDIRECT_TRYAGAIN);
    CHECK_INT_EQ(parse("TRYAGAIN"), ELAAOMS_REDIRECT_TRYAGAIN);
    CHECK_INT_EQ(parse("CLUSTERDOWN The cluster is down"),
                 ELAAOMS_REDIRECT_CLUSTERDOWN);
    CHECK_INT_EQ(parse("CLUSTERDOWN Hash slot not served"),
                 ELAAOMS_REDIRECT_CLUSTERDOWN);

    /* the length is what counts, not a NUL */
    CHECK_INT_EQ(elaaoms_redirect_parse(bounded, 22, &r),
                 ELAAOMS_REDIRECT_MOVED);
    CHECK_STR_EQ(r.host, "10.0.0.1");
    CHECK_INT_EQ(r.port, 7001);
    CHECK_INT_EQ(elaaoms_redirect_parse(bounded, 21, &r),
                 ELAAOMS_REDIRECT_MOVED);
    CHECK_INT_EQ(r.port, 700);
    CHECK_INT_EQ(elaaoms_redirect_parse(bounded, 23, &r),
                 ELAAOMS_REDIRECT_NONE);

    /* other errors, and malformed redirections, are handed on */
    CHECK_INT_EQ(parse("ERR unknown command"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("CROSSSLOT Keys in request don't hash to the same "
                       "slot"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("NOSCRIPT No matching script"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse(""), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED "), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 host"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 host:"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 16384 h:1"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 99999 h:1"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 123456 h:1"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED -1 h:1"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 012 h:1"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 h:0"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 h:65536"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 h:080"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 h:80 "), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12  h:80"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 a b:80"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVED 12 a\tb:80"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("MOVEDX 12 h:80"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("moved 12 h:80"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("ASKING"), ELAAOMS_REDIRECT_NONE);
    CHECK_INT_EQ(parse("TRYAGAINLATER"), ELAAOMS_REDIRECT_NONE);
    /* a malformed redirection leaves nothing of itself behind */
    CHECK_INT_EQ(r.port, 0);
    CHECK_STR_EQ(r.host, "");

    /* a host of 255 bytes fits, one of 256 does not */
    memset(longer, 'h', sizeof(longer));
    memcpy(longer, "MOVED 1 ", 8);
    memcpy(longer + 8 + 255, ":80", 4);
    CHECK_INT_EQ(parse(longer), ELAAOMS_REDIRECT_MOVED);
    CHECK_INT_EQ(strlen(r.host), 255);
    memset(longer, 'h', sizeof(longer));
    memcpy(longer, "MOVED 1 ", 8);
    memcpy(longer + 8 + 256, ":80", 4);
    CHECK_INT_EQ(parse(longer), ELAAOMS_REDIRECT_NONE);

    /* seeds are read with the same address parser */
    CHECK_INT_EQ(elaaoms_cluster_addr_parse("127.0.0.1:7000", 14, host,
                                            sizeof(host), &port), 0);
    CHECK_STR_EQ(host, "127.0.0.1");
    CHECK_INT_EQ(port, 7000);
    CHECK_INT_EQ(elaaoms_cluster_addr_parse("localhost", 9, host,
                                            sizeof(host), &port), -1);
    CHECK_INT_EQ(elaaoms_cluster_addr_parse("h:1", 3, host, 2, &port), 0);
    CHECK_INT_EQ(elaaoms_cluster_addr_parse("hh:1", 4, host, 2, &port), -1);

    return UNIT_DONE("redirect");
}
