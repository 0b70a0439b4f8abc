/*
 * libFuzzer target: ElevenLabs-Signature header values through
 * elaaoms_sig_parse, then (when accepted) the time check, the HMAC over
 * the input as a body, and the constant-time comparison.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/signature.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                i;
    char                  hex[ELAAOMS_SIG_HEX_LEN + 1];
    elaaoms_hmac_t       *h;
    elaaoms_sig_header_t  sig;

    if (elaaoms_sig_parse((const char *) data, size, &sig) != ELAAOMS_SIG_OK) {
        return 0;
    }

    /* what an accepted header must look like */
    if (sig.t_len == 0 || sig.t_len > ELAAOMS_SIG_MAX_T_DIGITS
        || strlen(sig.t_text) != sig.t_len || sig.timestamp < 0
        || strlen(sig.v0) != ELAAOMS_SIG_HEX_LEN)
    {
        abort();
    }

    for (i = 0; i < ELAAOMS_SIG_HEX_LEN; i++) {
        if (!((sig.v0[i] >= '0' && sig.v0[i] <= '9')
              || (sig.v0[i] >= 'a' && sig.v0[i] <= 'f')))
        {
            abort();
        }
    }

    (void) elaaoms_sig_check_time(sig.timestamp, 1739537297, 1800, 300);

    h = elaaoms_sig_hmac_start((const u_char *) "fuzz_secret", 11, &sig);
    if (h == NULL || elaaoms_hmac_update(h, data, size) != 0
        || elaaoms_hmac_final_hex(h, hex) != 0
        || elaaoms_sig_verify_hex(hex, hex) != ELAAOMS_SIG_OK)
    {
        abort();
    }

    elaaoms_hmac_free(h);
    (void) elaaoms_sig_verify_hex(sig.v0, hex);

    return 0;
}
