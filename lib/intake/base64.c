/*
 * Base64 decoding via OpenSSL EVP_DecodeUpdate / EVP_DecodeFinal.
 */

#include <string.h>

#include <openssl/evp.h>

#include "intake/base64.h"


/* input fed to OpenSSL per call; output per call stays below the scratch */
#define ELAAOMS_BASE64_CHUNK    3072
#define ELAAOMS_BASE64_SCRATCH  4096


static int
elaaoms_base64_char_ok(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='
           || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


int
elaaoms_base64_decode(const char *b64, size_t len, unsigned char *out,
    size_t *outlen)
{
    int               n, rc;
    size_t            i, off, chunk, total;
    unsigned char     scratch[ELAAOMS_BASE64_SCRATCH], *dst;
    EVP_ENCODE_CTX   *ctx;

    *outlen = 0;

    if (len > 0 && b64 == NULL) {
        return -1;
    }

    /* OpenSSL is lenient about some bytes ("-" ends decoding): not us */
    for (i = 0; i < len; i++) {
        if (!elaaoms_base64_char_ok((unsigned char) b64[i])) {
            return -1;
        }
    }

    ctx = EVP_ENCODE_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    EVP_DecodeInit(ctx);

    rc = 0;
    total = 0;

    for (off = 0; off < len; off += chunk) {
        chunk = len - off;
        if (chunk > ELAAOMS_BASE64_CHUNK) {
            chunk = ELAAOMS_BASE64_CHUNK;
        }

        dst = out ? out + total : scratch;

        if (EVP_DecodeUpdate(ctx, dst, &n, (const unsigned char *) b64 + off,
                             (int) chunk) < 0)
        {
            rc = -1;
            goto done;
        }

        total += (size_t) n;
    }

    dst = out ? out + total : scratch;

    if (EVP_DecodeFinal(ctx, dst, &n) < 0) {
        rc = -1;
        goto done;
    }

    total += (size_t) n;
    *outlen = total;

done:

    EVP_ENCODE_CTX_free(ctx);

    return rc;
}
