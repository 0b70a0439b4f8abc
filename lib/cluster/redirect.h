/*
 * Redis Cluster's redirections and transient refusals, read from an error
 * reply's text:
 *
 *   MOVED <slot> <host>:<port>   the slot lives there now: refresh the map
 *   ASK <slot> <host>:<port>     this one command there, after ASKING
 *   TRYAGAIN ...                 a multi-key command during a migration
 *   CLUSTERDOWN ...              the cluster (or this slot) is down for now
 *
 * The host may be empty (":6380"): the node does not know its endpoint,
 * the client uses the host it reached the node at.  IPv6 hosts hold ':'
 * themselves: the port follows the last one.
 */

#ifndef ELAAOMS_CLUSTER_REDIRECT_H
#define ELAAOMS_CLUSTER_REDIRECT_H

#include <stddef.h>

/* a host name (255) or an IPv6 address, with NUL */
#define ELAAOMS_CLUSTER_HOST_MAX  256

typedef enum {
    ELAAOMS_REDIRECT_NONE = 0,    /* any other error, or a malformed one */
    ELAAOMS_REDIRECT_MOVED,
    ELAAOMS_REDIRECT_ASK,
    ELAAOMS_REDIRECT_TRYAGAIN,
    ELAAOMS_REDIRECT_CLUSTERDOWN
} elaaoms_redirect_kind_e;

typedef struct {
    elaaoms_redirect_kind_e   kind;
    unsigned                  slot;   /* MOVED and ASK */
    int                       port;   /* MOVED and ASK; 1 .. 65535 */
    char                      host[ELAAOMS_CLUSTER_HOST_MAX];  /* may be "" */
} elaaoms_redirect_t;

/*
 * Reads an error reply's text (len bytes, no NUL needed) into *r; returns
 * r->kind.  A MOVED or ASK whose slot, address or port does not parse is
 * ELAAOMS_REDIRECT_NONE: the caller hands the error on as it is.
 */
elaaoms_redirect_kind_e elaaoms_redirect_parse(const char *err, size_t len,
    elaaoms_redirect_t *r);

/*
 * "host:port" (IPv6 hosts as they come, no brackets) into host and *port;
 * 0, or -1 when the port is missing or out of range or the host too long.
 */
int elaaoms_cluster_addr_parse(const char *s, size_t len, char *host,
    size_t host_size, int *port);

#endif /* ELAAOMS_CLUSTER_REDIRECT_H */
