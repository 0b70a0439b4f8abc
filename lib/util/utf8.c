/*
 * The longest valid UTF-8 prefix (see utf8.h).
 */

#include <stdint.h>

#include "util/utf8.h"


size_t
elaaoms_utf8_prefix(const char *str, size_t len)
{
    size_t                i, k, need;
    uint32_t              cp;
    const unsigned char  *s = (const unsigned char *) str;

    i = 0;

    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }

        if (s[i] >= 0xc2 && s[i] <= 0xdf) {
            need = 1;
            cp = s[i] & 0x1f;

        } else if (s[i] >= 0xe0 && s[i] <= 0xef) {
            need = 2;
            cp = s[i] & 0x0f;

        } else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
            need = 3;
            cp = s[i] & 0x07;

        } else {
            return i;
        }

        if (len - i <= need) {
            return i;
        }

        for (k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }

        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)
            || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        {
            return i;
        }

        i += need + 1;
    }

    return len;
}
