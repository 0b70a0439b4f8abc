/*
 * libFuzzer target for the privacy filter ("make fuzz").
 *
 * Input: one flags byte, then the text.  Flags bit 0: DROP instead of
 * REDACT; bit 1: pass the caller key "+14155550123".  Checks, beyond
 * memory safety: the result and the counts agree; a clean text comes back
 * unchanged; the output is NUL-terminated at *outlen; DROP with findings
 * gives no text; and redacting a redacted text finds nothing more.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/privacy.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                       rc, again;
    char                     *out, *out2;
    size_t                    n, n2;
    const char               *key, *text;
    elaaoms_privacy_counts_t  counts;
    elaaoms_privacy_policy_e  policy;

    if (size == 0) {
        return 0;
    }

    policy = (data[0] & 1) ? ELAAOMS_PRIVACY_DROP : ELAAOMS_PRIVACY_REDACT;
    key = (data[0] & 2) ? "+14155550123" : NULL;
    text = (const char *) data + 1;
    size--;

    rc = elaaoms_privacy_filter(text, size, key, policy, &out, &n, &counts);

    if (rc < 0) {
        return 0;   /* out of memory */
    }

    if ((unsigned) rc != counts.cards + counts.ssns + counts.emails
                         + counts.phones + counts.numbers + counts.ibans)
    {
        abort();
    }

    if (policy == ELAAOMS_PRIVACY_DROP && rc > 0) {
        if (out != NULL || n != 0) {
            abort();
        }
        return 0;
    }

    if (out == NULL || out[n] != '\0') {
        abort();
    }

    if (rc == 0 && (n != size || memcmp(out, text, size) != 0)) {
        abort();
    }

    /* the redacted text is clean */
    again = elaaoms_privacy_filter(out, n, key, ELAAOMS_PRIVACY_REDACT,
                                   &out2, &n2, NULL);
    if (again > 0) {
        abort();
    }

    free(out2);
    free(out);

    return 0;
}
