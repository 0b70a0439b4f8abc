/*
 * Conversation (and agent) id validation: [A-Za-z0-9_-]{1,128}.
 */

#include <string.h>

#include "intake/conversation_id.h"


int
elaaoms_conversation_id_valid(const char *s, size_t len)
{
    size_t  i;
    char    c;

    if (s == NULL || len == 0 || len > ELAAOMS_CONVERSATION_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        /* explicit ranges: no locale, no signed-char surprises */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


int
elaaoms_conversation_id_valid_str(const char *s)
{
    if (s == NULL) {
        return 0;
    }

    /* strnlen: one byte past the limit is enough to refuse */
    return elaaoms_conversation_id_valid(s,
               strnlen(s, ELAAOMS_CONVERSATION_ID_MAX + 1));
}
