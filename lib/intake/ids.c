/*
 * Id validation (see ids.h).
 */

#include <string.h>

#include "intake/ids.h"
#include "util/ascii.h"


int
elaaoms_id_valid(const char *s, size_t len, size_t max)
{
    size_t  i;

    if (s == NULL || len == 0 || len > max) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!elaaoms_ascii_idchar((unsigned char) s[i])) {
            return 0;
        }
    }

    return 1;
}


int
elaaoms_org_valid(const char *s)
{
    return s && elaaoms_id_valid(s, strnlen(s, ELAAOMS_ORG_MAX + 1),
                                 ELAAOMS_ORG_MAX);
}


int
elaaoms_conversation_id_valid(const char *s, size_t len)
{
    return elaaoms_id_valid(s, len, ELAAOMS_CONVERSATION_ID_MAX);
}


int
elaaoms_conversation_id_valid_str(const char *s)
{
    return s && elaaoms_conversation_id_valid(s,
                   strnlen(s, ELAAOMS_CONVERSATION_ID_MAX + 1));
}


int
elaaoms_agent_id_valid_str(const char *s)
{
    return s && elaaoms_id_valid(s, strnlen(s, ELAAOMS_AGENT_ID_MAX + 1),
                                 ELAAOMS_AGENT_ID_MAX);
}
