/*
 * Redirection errors of Redis Cluster (see redirect.h).
 */

#include <string.h>

#include "cluster/key_slot.h"
#include "cluster/redirect.h"


/*
 * A decimal number of at most 5 digits as Redis writes it: no sign, no
 * leading zero; -1 when not one
 */
static long
elaaoms_redirect_number(const char *s, size_t len)
{
    long    n;
    size_t  i;

    if (len == 0 || len > 5 || (s[0] == '0' && len > 1)) {
        return -1;
    }

    n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        n = n * 10 + (s[i] - '0');
    }

    return n;
}


/* the error's first word is word, followed by a space or the end */
static int
elaaoms_redirect_word(const char *err, size_t len, const char *word)
{
    size_t  n = strlen(word);

    return len >= n && memcmp(err, word, n) == 0
           && (len == n || err[n] == ' ');
}


int
elaaoms_cluster_addr_parse(const char *s, size_t len, char *host,
    size_t host_size, int *port)
{
    long         p;
    size_t       i;
    const char  *colon;

    colon = memrchr(s, ':', len);
    if (colon == NULL) {
        return -1;
    }

    p = elaaoms_redirect_number(colon + 1, len - (size_t) (colon + 1 - s));
    if (p < 1 || p > 65535) {
        return -1;
    }

    if ((size_t) (colon - s) >= host_size) {
        return -1;
    }

    /* a name or an address: no spaces, controls or NULs */
    for (i = 0; i < (size_t) (colon - s); i++) {
        if ((unsigned char) s[i] <= ' ' || (unsigned char) s[i] > '~') {
            return -1;
        }
    }

    memcpy(host, s, (size_t) (colon - s));
    host[colon - s] = '\0';
    *port = (int) p;

    return 0;
}


/* "<slot> <host>:<port>", the rest of a MOVED or ASK */
static int
elaaoms_redirect_target(const char *s, size_t len, elaaoms_redirect_t *r)
{
    long         slot;
    const char  *space;

    space = memchr(s, ' ', len);
    if (space == NULL) {
        return -1;
    }

    slot = elaaoms_redirect_number(s, (size_t) (space - s));
    if (slot < 0 || slot >= ELAAOMS_CLUSTER_SLOTS) {
        return -1;
    }

    space++;

    if (elaaoms_cluster_addr_parse(space, len - (size_t) (space - s),
                                   r->host, sizeof(r->host), &r->port)
        != 0)
    {
        return -1;
    }

    r->slot = (unsigned) slot;

    return 0;
}


elaaoms_redirect_kind_e
elaaoms_redirect_parse(const char *err, size_t len, elaaoms_redirect_t *r)
{
    memset(r, 0, sizeof(*r));

    if (elaaoms_redirect_word(err, len, "MOVED")) {
        if (len > 6 && elaaoms_redirect_target(err + 6, len - 6, r) == 0) {
            r->kind = ELAAOMS_REDIRECT_MOVED;
        }

    } else if (elaaoms_redirect_word(err, len, "ASK")) {
        if (len > 4 && elaaoms_redirect_target(err + 4, len - 4, r) == 0) {
            r->kind = ELAAOMS_REDIRECT_ASK;
        }

    } else if (elaaoms_redirect_word(err, len, "TRYAGAIN")) {
        r->kind = ELAAOMS_REDIRECT_TRYAGAIN;

    } else if (elaaoms_redirect_word(err, len, "CLUSTERDOWN")) {
        r->kind = ELAAOMS_REDIRECT_CLUSTERDOWN;
    }

    if (r->kind == ELAAOMS_REDIRECT_NONE) {
        memset(r, 0, sizeof(*r));
    }

    return r->kind;
}
