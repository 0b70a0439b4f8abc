/*
 * The caller's keys erasure writes and deletes first (caller_erase.h),
 * shared with nginx's admin location: no blocking code here.
 */

#include "store/caller_erase.h"


int
elaaoms_caller_erase_touch_keys(char keys[][ELAAOMS_KEY_MAX], const char *org,
    const char *caller)
{
    int                 i;
    static const char  *sfx[ELAAOMS_ERASE_TOUCH_KEYS] = {
        ELAAOMS_MEMORY_KEY_INDEX, ELAAOMS_MEMORY_KEY_BY_TIME,
        ELAAOMS_MEMORY_KEY_BY_IMPORTANCE, ELAAOMS_MEMORY_KEY_VERSION
    };

    for (i = 0; i < ELAAOMS_ERASE_TOUCH_KEYS; i++) {
        if (elaaoms_key_caller(keys[i], ELAAOMS_KEY_MAX, org, caller, sfx[i])
            < 0)
        {
            return -1;
        }
    }

    return 0;
}
