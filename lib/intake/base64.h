/*
 * Base64 decoding through OpenSSL's streaming EVP_Decode* API, in bounded
 * chunks so a many-megabyte string can be checked without a buffer.
 *
 * Accepted: the standard alphabet [A-Za-z0-9+/], "=" padding (required:
 * a length that is not a whole number of quartets is invalid), blanks and
 * line breaks anywhere.  Refused: base64url, "-" (which OpenSSL would take
 * as a PEM end marker and stop, silently ignoring the rest), data after
 * the padding, anything else.
 */

#ifndef ELAAOMS_BASE64_H
#define ELAAOMS_BASE64_H

#include <stddef.h>

/* room the decoder may need for len input characters */
#define elaaoms_base64_decoded_max(len)  (((len) / 4 + 2) * 3)

/*
 * Decodes b64[0..len) into out, which needs elaaoms_base64_decoded_max(len)
 * bytes; with out NULL the input is only checked and counted.
 * 0 and *outlen (decoded bytes) set, or -1 (invalid input, no memory).
 */
int elaaoms_base64_decode(const char *b64, size_t len, unsigned char *out,
    size_t *outlen);

#endif /* ELAAOMS_BASE64_H */
