/*
 * libFuzzer target: caller identities through both normalizers; every key
 * written must pass elaaoms_caller_key_valid().
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/caller_id.h"


static void
check(int rc, const char *key)
{
    if (rc > 0) {
        if ((size_t) rc != strlen(key) || !elaaoms_caller_key_valid(key)) {
            abort();
        }

    } else if (rc != ELAAOMS_CALLER_ANONYMOUS || key[0] != '\0') {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  key[ELAAOMS_CALLER_MAX];

    check(elaaoms_caller_normalize((const char *) data, size, key,
                                   sizeof(key)), key);
    check(elaaoms_caller_normalize_user_id((const char *) data, size, key,
                                           sizeof(key)), key);

    return 0;
}
