/*
 * libFuzzer target: caller identities through both normalizers.  Every
 * key written must pass elaaoms_caller_key_valid(); a refusal writes
 * nothing; the same bytes give the same key; and a plain "id:" key is
 * lossless: its text occurs in the input as it is (nothing dropped,
 * lowercased or cut), unless it is a hashed "id:h-..." key.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/caller_id.h"


static void
check(const uint8_t *data, size_t size, int user_id)
{
    int          rc, rc2;
    char         key[ELAAOMS_CALLER_MAX], again[ELAAOMS_CALLER_MAX];
    const char  *body;

    rc = user_id
         ? elaaoms_caller_normalize_user_id((const char *) data, size, key,
                                            sizeof(key))
         : elaaoms_caller_normalize((const char *) data, size, key,
                                    sizeof(key));

    if (rc <= 0) {
        if ((rc != ELAAOMS_CALLER_ANONYMOUS && rc != ELAAOMS_CALLER_INVALID)
            || key[0] != '\0')
        {
            abort();
        }

        return;
    }

    if ((size_t) rc != strlen(key) || !elaaoms_caller_key_valid(key)) {
        abort();
    }

    rc2 = user_id
          ? elaaoms_caller_normalize_user_id((const char *) data, size, again,
                                             sizeof(again))
          : elaaoms_caller_normalize((const char *) data, size, again,
                                     sizeof(again));

    if (rc2 != rc || strcmp(key, again) != 0) {
        abort();
    }

    if (strncmp(key, "id:", 3) == 0
        && !(rc == 3 + 2 + ELAAOMS_CALLER_HASH_HEX
             && strncmp(key, "id:h-", 5) == 0))
    {
        body = key + 3;

        if (memmem(data, size, body, strlen(body)) == NULL) {
            abort();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, 0);
    check(data, size, 1);

    return 0;
}
