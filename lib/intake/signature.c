/*
 * ElevenLabs-Signature verification: header parser, time window,
 * streaming HMAC-SHA256 (OpenSSL EVP_MAC), constant-time comparison.
 */

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "intake/signature.h"


struct elaaoms_hmac_s {
    EVP_MAC_CTX  *ctx;
};


static int
elaaoms_sig_is_blank(char c)
{
    return c == ' ' || c == '\t';
}


static void
elaaoms_sig_trim(const char **p, const char **end)
{
    while (*p < *end && elaaoms_sig_is_blank(**p)) {
        (*p)++;
    }

    while (*end > *p && elaaoms_sig_is_blank((*end)[-1])) {
        (*end)--;
    }
}


static int
elaaoms_sig_hex_lower(char c)
{
    if (c >= '0' && c <= '9') {
        return c;
    }

    if (c >= 'a' && c <= 'f') {
        return c;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 'a';
    }

    return -1;
}


static elaaoms_sig_rc_t
elaaoms_sig_parse_t(const char *v, size_t n, elaaoms_sig_header_t *out)
{
    size_t   i;
    int64_t  ts;

    /* at most 18 digits: the value always fits in an int64_t */
    if (n == 0 || n > ELAAOMS_SIG_MAX_T_DIGITS) {
        return ELAAOMS_SIG_BAD_TIMESTAMP;
    }

    ts = 0;

    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') {
            return ELAAOMS_SIG_BAD_TIMESTAMP;
        }

        ts = ts * 10 + (v[i] - '0');
    }

    memcpy(out->t_text, v, n);
    out->t_text[n] = '\0';
    out->t_len = n;
    out->timestamp = ts;

    return ELAAOMS_SIG_OK;
}


static elaaoms_sig_rc_t
elaaoms_sig_parse_v0(const char *v, size_t n, elaaoms_sig_header_t *out)
{
    size_t  i;
    int     c;

    if (n != ELAAOMS_SIG_HEX_LEN) {
        return ELAAOMS_SIG_BAD_V0;
    }

    for (i = 0; i < n; i++) {
        c = elaaoms_sig_hex_lower(v[i]);
        if (c < 0) {
            return ELAAOMS_SIG_BAD_V0;
        }

        out->v0[i] = (char) c;
    }

    out->v0[n] = '\0';

    return ELAAOMS_SIG_OK;
}


elaaoms_sig_rc_t
elaaoms_sig_parse(const char *hdr, size_t len, elaaoms_sig_header_t *out)
{
    int               have_t, have_v0;
    size_t            i;
    const char       *p, *end, *part, *part_end, *eq, *key_end, *val;
    elaaoms_sig_rc_t  rc;

    memset(out, 0, sizeof(*out));

    if (hdr == NULL || len == 0) {
        return ELAAOMS_SIG_MISSING_HEADER;
    }

    if (len > ELAAOMS_SIG_MAX_HEADER) {
        return ELAAOMS_SIG_MALFORMED;
    }

    /* header values are visible ASCII plus blanks; anything else is junk */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) hdr[i];

        if ((c < 0x20 && c != '\t') || c >= 0x7f) {
            return ELAAOMS_SIG_MALFORMED;
        }
    }

    have_t = 0;
    have_v0 = 0;
    p = hdr;
    end = hdr + len;

    while (p < end) {
        part = p;
        part_end = memchr(p, ',', (size_t) (end - p));
        if (part_end == NULL) {
            part_end = end;
        }

        p = (part_end < end) ? part_end + 1 : end;

        elaaoms_sig_trim(&part, &part_end);
        if (part == part_end) {
            continue;
        }

        eq = memchr(part, '=', (size_t) (part_end - part));
        key_end = eq ? eq : part_end;
        val = eq ? eq + 1 : part_end;

        {
            const char *k = part, *ke = key_end, *v = val, *ve = part_end;

            elaaoms_sig_trim(&k, &ke);
            elaaoms_sig_trim(&v, &ve);

            if (ke - k == 1 && k[0] == 't') {
                if (have_t) {
                    return ELAAOMS_SIG_MALFORMED;
                }

                if (eq == NULL) {
                    return ELAAOMS_SIG_BAD_TIMESTAMP;
                }

                rc = elaaoms_sig_parse_t(v, (size_t) (ve - v), out);
                if (rc != ELAAOMS_SIG_OK) {
                    return rc;
                }

                have_t = 1;

            } else if (ke - k == 2 && k[0] == 'v' && k[1] == '0') {
                if (have_v0) {
                    return ELAAOMS_SIG_MALFORMED;
                }

                if (eq == NULL) {
                    return ELAAOMS_SIG_BAD_V0;
                }

                rc = elaaoms_sig_parse_v0(v, (size_t) (ve - v), out);
                if (rc != ELAAOMS_SIG_OK) {
                    return rc;
                }

                have_v0 = 1;
            }

            /* other parts (future schemes, v1=...) are ignored */
        }
    }

    if (!have_t && !have_v0) {
        return ELAAOMS_SIG_MALFORMED;
    }

    if (!have_t) {
        return ELAAOMS_SIG_MISSING_TIMESTAMP;
    }

    if (!have_v0) {
        return ELAAOMS_SIG_MISSING_V0;
    }

    return ELAAOMS_SIG_OK;
}


elaaoms_sig_rc_t
elaaoms_sig_check_time(int64_t ts, int64_t now, unsigned tolerance_secs,
    unsigned future_secs)
{
    if (ts < 0 || now < 0) {
        return ELAAOMS_SIG_BAD_TIMESTAMP;
    }

    /* both non-negative: the differences cannot overflow */
    if (ts > now && ts - now > (int64_t) future_secs) {
        return ELAAOMS_SIG_FUTURE;
    }

    if (now > ts && now - ts > (int64_t) tolerance_secs) {
        return ELAAOMS_SIG_EXPIRED;
    }

    return ELAAOMS_SIG_OK;
}


elaaoms_hmac_t *
elaaoms_hmac_new(const u_char *secret, size_t len)
{
    EVP_MAC         *mac;
    OSSL_PARAM       params[2];
    elaaoms_hmac_t  *h;

    if (secret == NULL || len == 0) {
        return NULL;
    }

    h = OPENSSL_zalloc(sizeof(elaaoms_hmac_t));
    if (h == NULL) {
        return NULL;
    }

    mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    if (mac == NULL) {
        OPENSSL_free(h);
        return NULL;
    }

    /* the context keeps its own reference to the algorithm */
    h->ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);

    if (h->ctx == NULL) {
        OPENSSL_free(h);
        return NULL;
    }

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();

    if (!EVP_MAC_init(h->ctx, secret, len, params)) {
        elaaoms_hmac_free(h);
        return NULL;
    }

    return h;
}


int
elaaoms_hmac_update(elaaoms_hmac_t *h, const void *data, size_t len)
{
    if (h == NULL || h->ctx == NULL) {
        return -1;
    }

    if (len == 0) {
        return 0;
    }

    return EVP_MAC_update(h->ctx, data, len) ? 0 : -1;
}


int
elaaoms_hmac_final_hex(elaaoms_hmac_t *h, char out[ELAAOMS_SIG_HEX_LEN + 1])
{
    size_t                i, n;
    unsigned char         md[EVP_MAX_MD_SIZE];
    static const char     hex[] = "0123456789abcdef";

    out[0] = '\0';

    if (h == NULL || h->ctx == NULL) {
        return -1;
    }

    if (!EVP_MAC_final(h->ctx, md, &n, sizeof(md))
        || n * 2 != ELAAOMS_SIG_HEX_LEN)
    {
        return -1;
    }

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0f];
    }

    out[2 * n] = '\0';
    OPENSSL_cleanse(md, sizeof(md));

    return 0;
}


void
elaaoms_hmac_free(elaaoms_hmac_t *h)
{
    if (h == NULL) {
        return;
    }

    EVP_MAC_CTX_free(h->ctx);
    OPENSSL_free(h);
}


elaaoms_hmac_t *
elaaoms_sig_hmac_start(const u_char *secret, size_t len,
    const elaaoms_sig_header_t *sig)
{
    elaaoms_hmac_t  *h;

    if (sig == NULL || sig->t_len == 0) {
        return NULL;
    }

    h = elaaoms_hmac_new(secret, len);
    if (h == NULL) {
        return NULL;
    }

    if (elaaoms_hmac_update(h, sig->t_text, sig->t_len) != 0
        || elaaoms_hmac_update(h, ".", 1) != 0)
    {
        elaaoms_hmac_free(h);
        return NULL;
    }

    return h;
}


elaaoms_sig_rc_t
elaaoms_sig_verify_hex(const char *expected_hex, const char *computed_hex)
{
    /* lengths are public (always 64): only the content is compared in
     * constant time */
    if (expected_hex == NULL || computed_hex == NULL
        || strnlen(expected_hex, ELAAOMS_SIG_HEX_LEN + 1) != ELAAOMS_SIG_HEX_LEN
        || strnlen(computed_hex, ELAAOMS_SIG_HEX_LEN + 1) != ELAAOMS_SIG_HEX_LEN)
    {
        return ELAAOMS_SIG_MISMATCH;
    }

    return CRYPTO_memcmp(expected_hex, computed_hex, ELAAOMS_SIG_HEX_LEN) == 0
           ? ELAAOMS_SIG_OK : ELAAOMS_SIG_MISMATCH;
}


elaaoms_sig_rc_t
elaaoms_sig_verify(const u_char *secret, size_t secret_len, const char *hdr,
    size_t hdr_len, const void *body, size_t body_len, int64_t now,
    unsigned tolerance_secs, unsigned future_secs)
{
    char                  hex[ELAAOMS_SIG_HEX_LEN + 1];
    elaaoms_hmac_t       *h;
    elaaoms_sig_rc_t      rc;
    elaaoms_sig_header_t  sig;

    rc = elaaoms_sig_parse(hdr, hdr_len, &sig);
    if (rc != ELAAOMS_SIG_OK) {
        return rc;
    }

    rc = elaaoms_sig_check_time(sig.timestamp, now, tolerance_secs,
                                future_secs);
    if (rc != ELAAOMS_SIG_OK) {
        return rc;
    }

    h = elaaoms_sig_hmac_start(secret, secret_len, &sig);
    if (h == NULL) {
        return ELAAOMS_SIG_INTERNAL;
    }

    if (elaaoms_hmac_update(h, body, body_len) != 0
        || elaaoms_hmac_final_hex(h, hex) != 0)
    {
        elaaoms_hmac_free(h);
        return ELAAOMS_SIG_INTERNAL;
    }

    elaaoms_hmac_free(h);

    return elaaoms_sig_verify_hex(sig.v0, hex);
}


const char *
elaaoms_sig_strerror(elaaoms_sig_rc_t rc)
{
    switch (rc) {
    case ELAAOMS_SIG_OK:
        return "signature valid";
    case ELAAOMS_SIG_MISSING_HEADER:
        return "signature header missing";
    case ELAAOMS_SIG_MALFORMED:
        return "signature header malformed";
    case ELAAOMS_SIG_MISSING_TIMESTAMP:
        return "signature header has no t= part";
    case ELAAOMS_SIG_MISSING_V0:
        return "signature header has no v0= part";
    case ELAAOMS_SIG_BAD_TIMESTAMP:
        return "signature timestamp is not a unix time";
    case ELAAOMS_SIG_BAD_V0:
        return "signature v0 is not 64 hex digits";
    case ELAAOMS_SIG_EXPIRED:
        return "signature timestamp too old";
    case ELAAOMS_SIG_FUTURE:
        return "signature timestamp in the future";
    case ELAAOMS_SIG_MISMATCH:
        return "signature does not match";
    case ELAAOMS_SIG_INTERNAL:
        return "signature check failed internally";
    }

    return "signature check failed";
}
