/*
 * ElevenLabs-Signature verification.
 *
 * Header: "t=<unix secs>,v0=<64 hex>"; the signed message is
 * "<t text>.<raw body>", the MAC HMAC-SHA256 keyed with the secret bytes.
 * The HMAC is streamed (elaaoms_hmac_*) because nginx hands the body over
 * buffer by buffer.  Typical use:
 *
 *     elaaoms_sig_parse(hdr, hdr_len, &sig)            -> OK?
 *     elaaoms_sig_check_time(sig.timestamp, now, ...)  -> OK?
 *     h = elaaoms_sig_hmac_start(secret, secret_len, &sig);
 *     elaaoms_hmac_update(h, buf, len) ... for every body buffer
 *     elaaoms_hmac_final_hex(h, hex); elaaoms_hmac_free(h);
 *     elaaoms_sig_verify_hex(sig.v0, hex)              -> OK?
 */

#ifndef ELAAOMS_SIGNATURE_H
#define ELAAOMS_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the SDKs' tolerance for old signatures */
#define ELAAOMS_SIG_DEFAULT_TOLERANCE  1800
/* clock skew we accept for timestamps ahead of our clock */
#define ELAAOMS_SIG_DEFAULT_FUTURE     300

#define ELAAOMS_SIG_HEX_LEN            64
/* longest header we look at; real ones are ~80 bytes */
#define ELAAOMS_SIG_MAX_HEADER         1024
/* digits of "t": enough for any int64 */
#define ELAAOMS_SIG_MAX_T_DIGITS       18

typedef enum {
    ELAAOMS_SIG_OK = 0,
    ELAAOMS_SIG_MISSING_HEADER,    /* header absent or empty */
    ELAAOMS_SIG_MALFORMED,         /* not parseable, duplicate or bad parts */
    ELAAOMS_SIG_MISSING_TIMESTAMP, /* no t= part */
    ELAAOMS_SIG_MISSING_V0,        /* no v0= part */
    ELAAOMS_SIG_BAD_TIMESTAMP,     /* t is not 1..18 digits */
    ELAAOMS_SIG_BAD_V0,            /* v0 is not 64 hex digits */
    ELAAOMS_SIG_EXPIRED,           /* t older than the tolerance */
    ELAAOMS_SIG_FUTURE,            /* t too far ahead of our clock */
    ELAAOMS_SIG_MISMATCH,          /* HMAC differs */
    ELAAOMS_SIG_INTERNAL           /* OpenSSL failure, bad arguments */
} elaaoms_sig_rc_t;

typedef struct {
    int64_t  timestamp;
    /* t exactly as sent (it is part of the signed message), NUL-terminated */
    char     t_text[ELAAOMS_SIG_MAX_T_DIGITS + 1];
    size_t   t_len;
    /* v0 lowercased, NUL-terminated */
    char     v0[ELAAOMS_SIG_HEX_LEN + 1];
} elaaoms_sig_header_t;

/* opaque streaming HMAC-SHA256 */
typedef struct elaaoms_hmac_s  elaaoms_hmac_t;

/*
 * Parses the header value (not NUL-terminated: len bytes).  Parts may come
 * in any order, with blanks around them and around "="; unknown parts are
 * ignored; a repeated t or v0 is MALFORMED (ambiguous).
 */
elaaoms_sig_rc_t elaaoms_sig_parse(const char *hdr, size_t len,
    elaaoms_sig_header_t *out);

/*
 * OK when now - tolerance_secs <= ts <= now + future_secs, EXPIRED when
 * older, FUTURE when newer.
 */
elaaoms_sig_rc_t elaaoms_sig_check_time(int64_t ts, int64_t now,
    unsigned tolerance_secs, unsigned future_secs);

/*
 * New HMAC-SHA256 context keyed with secret (copied by OpenSSL: the caller
 * may wipe its copy at once).  NULL on OpenSSL failure or an empty secret
 * (an empty key is a configuration error, never a valid secret).
 * The caller frees it with elaaoms_hmac_free().
 */
elaaoms_hmac_t *elaaoms_hmac_new(const u_char *secret, size_t len);

/* 0 on success, -1 on failure */
int elaaoms_hmac_update(elaaoms_hmac_t *h, const void *data, size_t len);

/*
 * Writes the lowercase hex digest and a NUL into out; 0 or -1.
 * The context cannot be updated afterwards.
 */
int elaaoms_hmac_final_hex(elaaoms_hmac_t *h,
    char out[ELAAOMS_SIG_HEX_LEN + 1]);

/* NULL is allowed; the key material is cleared by OpenSSL */
void elaaoms_hmac_free(elaaoms_hmac_t *h);

/*
 * elaaoms_hmac_new() already fed with "<t text>.", ready for the body.
 * The caller frees it with elaaoms_hmac_free().
 */
elaaoms_hmac_t *elaaoms_sig_hmac_start(const u_char *secret, size_t len,
    const elaaoms_sig_header_t *sig);

/*
 * Constant-time comparison of two 64-hex-digit NUL-terminated strings:
 * OK or MISMATCH (also MISMATCH when either has the wrong length).
 */
elaaoms_sig_rc_t elaaoms_sig_verify_hex(const char *expected_hex,
    const char *computed_hex);

/*
 * One-shot verification of a whole body: parse, time check, HMAC, compare.
 * For callers that already hold the body in one piece (worker, tests).
 */
elaaoms_sig_rc_t elaaoms_sig_verify(const u_char *secret, size_t secret_len,
    const char *hdr, size_t hdr_len, const void *body, size_t body_len,
    int64_t now, unsigned tolerance_secs, unsigned future_secs);

/* static human text for a result code; never contains request data */
const char *elaaoms_sig_strerror(elaaoms_sig_rc_t rc);

#endif /* ELAAOMS_SIGNATURE_H */
