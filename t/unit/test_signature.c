/*
 * lib/signature: header parsing, time window, streaming HMAC, comparison,
 * including the protocol document's test vector.
 */

#include <string.h>

#include "unit.h"
#include "intake/signature.h"

#define SECRET     "test_secret"
#define TS         1739537297
#define BODY                                                                 \
    "{\"type\":\"post_call_transcription\",\"event_timestamp\":1739537297,"   \
    "\"data\":{\"agent_id\":\"xyz\",\"conversation_id\":\"abc\"}}"
#define V0         "93673b54e757ea560e8b0d787a492fb0f773d6b3644d97dfd972b61bff18d702"
#define HEADER     "t=1739537297,v0=" V0


static elaaoms_sig_rc_t
parse(const char *s, elaaoms_sig_header_t *out)
{
    return elaaoms_sig_parse(s, strlen(s), out);
}


static elaaoms_sig_rc_t
verify_at(const char *secret, const char *hdr, const char *body, int64_t now)
{
    return elaaoms_sig_verify((const u_char *) secret, strlen(secret),
                              hdr, strlen(hdr), body, strlen(body), now,
                              ELAAOMS_SIG_DEFAULT_TOLERANCE,
                              ELAAOMS_SIG_DEFAULT_FUTURE);
}


static void
test_parse(void)
{
    elaaoms_sig_header_t  sig;

    CHECK_INT_EQ(parse(HEADER, &sig), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(sig.timestamp, TS);
    CHECK_STR_EQ(sig.t_text, "1739537297");
    CHECK_INT_EQ(sig.t_len, 10);
    CHECK_STR_EQ(sig.v0, V0);

    /* any order, blanks, extra parts, empty parts */
    CHECK_INT_EQ(parse(" v0 = " V0 " ,\tt= 1739537297 ", &sig),
                 ELAAOMS_SIG_OK);
    CHECK_INT_EQ(sig.timestamp, TS);
    CHECK_STR_EQ(sig.v0, V0);

    CHECK_INT_EQ(parse("v1=abc,t=1739537297,,foo,v0=" V0 ",x=y", &sig),
                 ELAAOMS_SIG_OK);
    CHECK_STR_EQ(sig.t_text, "1739537297");

    /* uppercase hex is lowered; leading zeros of t are kept verbatim */
    CHECK_INT_EQ(parse("t=0001739537297,v0="
                       "93673B54E757EA560E8B0D787A492FB0F773D6B3644D97DFD972B61BFF18D702",
                       &sig), ELAAOMS_SIG_OK);
    CHECK_STR_EQ(sig.v0, V0);
    CHECK_STR_EQ(sig.t_text, "0001739537297");
    CHECK_INT_EQ(sig.timestamp, TS);

    /* missing / malformed */
    CHECK_INT_EQ(elaaoms_sig_parse(NULL, 0, &sig), ELAAOMS_SIG_MISSING_HEADER);
    CHECK_INT_EQ(parse("", &sig), ELAAOMS_SIG_MISSING_HEADER);
    CHECK_INT_EQ(parse("   ", &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("garbage", &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("v0=" V0, &sig), ELAAOMS_SIG_MISSING_TIMESTAMP);
    CHECK_INT_EQ(parse("t=1739537297", &sig), ELAAOMS_SIG_MISSING_V0);
    CHECK_INT_EQ(parse("t=,v0=" V0, &sig), ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t,v0=" V0, &sig), ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t=-5,v0=" V0, &sig), ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t=17395x7297,v0=" V0, &sig),
                 ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t=1 739537297,v0=" V0, &sig),
                 ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t=9999999999999999999,v0=" V0, &sig),
                 ELAAOMS_SIG_BAD_TIMESTAMP);
    CHECK_INT_EQ(parse("t=1739537297,v0=93673b54", &sig), ELAAOMS_SIG_BAD_V0);
    CHECK_INT_EQ(parse("t=1739537297,v0=" V0 "00", &sig), ELAAOMS_SIG_BAD_V0);
    CHECK_INT_EQ(parse("t=1739537297,v0="
                       "g3673b54e757ea560e8b0d787a492fb0f773d6b3644d97dfd972b61bff18d702",
                       &sig), ELAAOMS_SIG_BAD_V0);
    CHECK_INT_EQ(parse("t=1739537297,v0", &sig), ELAAOMS_SIG_BAD_V0);
    CHECK_INT_EQ(parse("t=1,t=2,v0=" V0, &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("t=1,v0=" V0 ",v0=" V0, &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("T=1739537297,v0=" V0, &sig),
                 ELAAOMS_SIG_MISSING_TIMESTAMP);

    /* control bytes, NUL, non-ASCII */
    CHECK_INT_EQ(elaaoms_sig_parse("t=1\0,v0=" V0, sizeof("t=1\0,v0=" V0) - 1,
                                   &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("t=1739537297,\r\nv0=" V0, &sig), ELAAOMS_SIG_MALFORMED);
    CHECK_INT_EQ(parse("t=1739537297,v0=" V0 ",x=\xc3\xa9", &sig),
                 ELAAOMS_SIG_MALFORMED);

    /* the length given wins over a NUL terminator */
    CHECK_INT_EQ(elaaoms_sig_parse(HEADER, 12, &sig), ELAAOMS_SIG_MISSING_V0);

    {
        char big[ELAAOMS_SIG_MAX_HEADER + 2];

        memset(big, ' ', sizeof(big));
        memcpy(big, HEADER, sizeof(HEADER) - 1);
        CHECK_INT_EQ(elaaoms_sig_parse(big, ELAAOMS_SIG_MAX_HEADER, &sig),
                     ELAAOMS_SIG_OK);
        CHECK_INT_EQ(elaaoms_sig_parse(big, ELAAOMS_SIG_MAX_HEADER + 1, &sig),
                     ELAAOMS_SIG_MALFORMED);
    }
}


static void
test_time(void)
{
    CHECK_INT_EQ(elaaoms_sig_check_time(1000, 1000, 1800, 300), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(elaaoms_sig_check_time(1000, 2800, 1800, 300), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(elaaoms_sig_check_time(1000, 2801, 1800, 300),
                 ELAAOMS_SIG_EXPIRED);
    CHECK_INT_EQ(elaaoms_sig_check_time(1300, 1000, 1800, 300), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(elaaoms_sig_check_time(1301, 1000, 1800, 300),
                 ELAAOMS_SIG_FUTURE);
    CHECK_INT_EQ(elaaoms_sig_check_time(999999999999999999LL, 1000, 1800, 300),
                 ELAAOMS_SIG_FUTURE);
    CHECK_INT_EQ(elaaoms_sig_check_time(0, 1739537297, 1800, 300),
                 ELAAOMS_SIG_EXPIRED);
    CHECK_INT_EQ(elaaoms_sig_check_time(-1, 1000, 1800, 300),
                 ELAAOMS_SIG_BAD_TIMESTAMP);
}


static void
test_hmac(void)
{
    size_t                i;
    char                  hex[ELAAOMS_SIG_HEX_LEN + 1];
    const char           *body = BODY;
    elaaoms_hmac_t       *h;
    elaaoms_sig_header_t  sig;

    /* the protocol document's test vector, fed byte by byte */
    CHECK_INT_EQ(parse(HEADER, &sig), ELAAOMS_SIG_OK);
    h = elaaoms_sig_hmac_start((const u_char *) SECRET, strlen(SECRET), &sig);
    CHECK(h != NULL);

    for (i = 0; i < strlen(body); i++) {
        CHECK_INT_EQ(elaaoms_hmac_update(h, body + i, 1), 0);
    }

    CHECK_INT_EQ(elaaoms_hmac_update(h, "", 0), 0);
    CHECK_INT_EQ(elaaoms_hmac_final_hex(h, hex), 0);
    CHECK_STR_EQ(hex, V0);
    CHECK_INT_EQ(elaaoms_sig_verify_hex(sig.v0, hex), ELAAOMS_SIG_OK);
    elaaoms_hmac_free(h);

    /* the same message in one piece through the plain API */
    h = elaaoms_hmac_new((const u_char *) SECRET, strlen(SECRET));
    CHECK(h != NULL);
    CHECK_INT_EQ(elaaoms_hmac_update(h, "1739537297." BODY,
                                     strlen("1739537297." BODY)), 0);
    CHECK_INT_EQ(elaaoms_hmac_final_hex(h, hex), 0);
    CHECK_STR_EQ(hex, V0);
    elaaoms_hmac_free(h);

    /* empty body (openssl dgst -sha256 -hmac test_secret) */
    h = elaaoms_sig_hmac_start((const u_char *) SECRET, strlen(SECRET), &sig);
    CHECK_INT_EQ(elaaoms_hmac_final_hex(h, hex), 0);
    CHECK_STR_EQ(hex,
        "9f98e31ae31927d02fb37f4110b98e7464a0f3ceec74f37fdb2d655859395836");
    elaaoms_hmac_free(h);

    /* t is signed as sent, leading zeros included */
    CHECK_INT_EQ(parse("t=0001739537297,v0=" V0, &sig), ELAAOMS_SIG_OK);
    h = elaaoms_sig_hmac_start((const u_char *) SECRET, strlen(SECRET), &sig);
    CHECK_INT_EQ(elaaoms_hmac_update(h, "{}", 2), 0);
    CHECK_INT_EQ(elaaoms_hmac_final_hex(h, hex), 0);
    CHECK_STR_EQ(hex,
        "709fa133ae6cc9c2e413e5469688893883aa195049c379958dfa0b0b6b09fd2d");
    elaaoms_hmac_free(h);

    /* no empty secrets, NULL-safe */
    CHECK(elaaoms_hmac_new((const u_char *) "", 0) == NULL);
    CHECK(elaaoms_hmac_new(NULL, 5) == NULL);
    CHECK_INT_EQ(elaaoms_hmac_update(NULL, "x", 1), -1);
    CHECK_INT_EQ(elaaoms_hmac_final_hex(NULL, hex), -1);
    CHECK_STR_EQ(hex, "");
    elaaoms_hmac_free(NULL);
}


static void
test_compare(void)
{
    char  other[] = V0;

    CHECK_INT_EQ(elaaoms_sig_verify_hex(V0, V0), ELAAOMS_SIG_OK);
    other[63] = '3';
    CHECK_INT_EQ(elaaoms_sig_verify_hex(V0, other), ELAAOMS_SIG_MISMATCH);
    other[63] = '2';
    other[0] = '0';
    CHECK_INT_EQ(elaaoms_sig_verify_hex(V0, other), ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(elaaoms_sig_verify_hex(V0, "93673b54"), ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(elaaoms_sig_verify_hex("", ""), ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(elaaoms_sig_verify_hex(NULL, V0), ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(elaaoms_sig_verify_hex(V0 "0", V0 "0"), ELAAOMS_SIG_MISMATCH);
}


static void
test_verify(void)
{
    CHECK_INT_EQ(verify_at(SECRET, HEADER, BODY, TS), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(verify_at(SECRET, HEADER, BODY, TS + 1800), ELAAOMS_SIG_OK);
    CHECK_INT_EQ(verify_at(SECRET, HEADER, BODY, TS + 1801),
                 ELAAOMS_SIG_EXPIRED);
    CHECK_INT_EQ(verify_at(SECRET, HEADER, BODY, TS - 301),
                 ELAAOMS_SIG_FUTURE);
    CHECK_INT_EQ(verify_at("test_secreT", HEADER, BODY, TS),
                 ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(verify_at(SECRET, HEADER, BODY " ", TS),
                 ELAAOMS_SIG_MISMATCH);
    /* a different t with the same v0 must not verify */
    CHECK_INT_EQ(verify_at(SECRET, "t=1739537298,v0=" V0, BODY, TS),
                 ELAAOMS_SIG_MISMATCH);
    CHECK_INT_EQ(verify_at(SECRET, "v0=" V0, BODY, TS),
                 ELAAOMS_SIG_MISSING_TIMESTAMP);
    CHECK_INT_EQ(verify_at("", HEADER, BODY, TS), ELAAOMS_SIG_INTERNAL);
}


static void
test_messages(void)
{
    int  rc;

    for (rc = ELAAOMS_SIG_OK; rc <= ELAAOMS_SIG_INTERNAL; rc++) {
        const char *m = elaaoms_sig_strerror((elaaoms_sig_rc_t) rc);

        CHECK(m != NULL && m[0] != '\0');
        CHECK(strstr(m, SECRET) == NULL);
    }

    CHECK_STR_EQ(elaaoms_sig_strerror(ELAAOMS_SIG_MISMATCH),
                 "signature does not match");
    CHECK_STR_EQ(elaaoms_sig_strerror((elaaoms_sig_rc_t) 999),
                 "signature check failed");
}


int
main(void)
{
    test_parse();
    test_time();
    test_hmac();
    test_compare();
    test_verify();
    test_messages();

    return UNIT_DONE("signature");
}
