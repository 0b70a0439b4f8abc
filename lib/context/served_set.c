/*
 * Served sets' ids and stored values (served_set.h).
 */

#include <stdlib.h>
#include <string.h>

#include "context/served_set.h"
#include "util/sha256.h"


int
elaaoms_served_set_make(char *const *ids, size_t n,
    char id[ELAAOMS_SERVED_SET_ID_LEN + 1], char **joined)
{
    char           *p;
    size_t          i, len;
    unsigned char   md[ELAAOMS_SHA256_LEN];

    static const char  hex[] = "0123456789abcdef";

    id[0] = '\0';
    *joined = NULL;

    if (n == 0) {
        return 0;
    }

    len = 0;
    for (i = 0; i < n; i++) {
        len += strlen(ids[i]) + 1;
    }

    p = malloc(len);
    if (p == NULL) {
        return -1;
    }

    len = 0;
    for (i = 0; i < n; i++) {
        if (i > 0) {
            p[len++] = ',';
        }
        memcpy(p + len, ids[i], strlen(ids[i]));
        len += strlen(ids[i]);
    }
    p[len] = '\0';

    if (elaaoms_sha256(p, len, md) != 0) {
        free(p);
        return -1;
    }

    for (i = 0; i < ELAAOMS_SERVED_SET_ID_LEN / 2; i++) {
        id[2 * i] = hex[md[i] >> 4];
        id[2 * i + 1] = hex[md[i] & 0x0f];
    }
    id[ELAAOMS_SERVED_SET_ID_LEN] = '\0';

    *joined = p;

    return 0;
}


int
elaaoms_served_set_id_valid(const char *s, size_t len)
{
    size_t  i;

    if (len != ELAAOMS_SERVED_SET_ID_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }

    return 1;
}


const char *
elaaoms_served_set_ids(const char *v, size_t len, size_t *ids_len,
    long long *replaced)
{
    size_t     i;
    long long  t;

    if (len >= 2 && v[0] == 'c' && v[1] == '|') {
        *replaced = 0;
        *ids_len = len - 2;
        return v + 2;
    }

    t = 0;
    for (i = 0; i < len && v[i] >= '0' && v[i] <= '9' && i < 18; i++) {
        t = t * 10 + (v[i] - '0');
    }

    if (i == 0 || i >= len || v[i] != '|' || t == 0) {
        return NULL;
    }

    *replaced = t;
    *ids_len = len - i - 1;

    return v + i + 1;
}
