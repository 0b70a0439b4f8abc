/*
 * libFuzzer target: post-call webhook bodies through elaaoms_postcall_parse.
 * Invariants checked on acceptance: ids valid, caller key valid, audio
 * decodes to the size the parser counted.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/caller_id.h"
#include "intake/ids.h"
#include "intake/postcall.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                   err[256];
    size_t                 n;
    unsigned char         *audio;
    elaaoms_postcall_t     pc;
    elaaoms_postcall_rc_t  rc;

    rc = elaaoms_postcall_parse((const char *) data, size, &pc, err,
                                sizeof(err));

    if (rc != ELAAOMS_POSTCALL_OK) {
        if (pc.root != NULL) {
            abort();
        }

        elaaoms_postcall_free(&pc);
        return 0;
    }

    if (!elaaoms_conversation_id_valid_str(pc.conversation_id)
        || (pc.agent_id != NULL
            && !elaaoms_conversation_id_valid_str(pc.agent_id))
        || (pc.caller[0] != '\0' && !elaaoms_caller_key_valid(pc.caller)))
    {
        abort();
    }

    if (pc.type == ELAAOMS_POSTCALL_AUDIO) {
        if (elaaoms_postcall_decode_audio(&pc, &audio, &n)
            != ELAAOMS_POSTCALL_OK || n != pc.audio_bytes)
        {
            abort();
        }

        free(audio);
    }

    elaaoms_postcall_free(&pc);

    return 0;
}
