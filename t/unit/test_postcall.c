/*
 * lib/postcall: every ElevenLabs fixture, then malformed, hostile and
 * incomplete payloads.
 */

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/json_parse.h"
#include "intake/postcall.h"

#define FIXTURES  "t/fixtures/elevenlabs/"


static char  err[256];


static elaaoms_postcall_rc_t
parse_file(const char *name, elaaoms_postcall_t *pc)
{
    char                   *buf;
    size_t                  len;
    elaaoms_postcall_rc_t   rc;

    buf = unit_slurp(name, &len);
    CHECK(buf != NULL);
    if (buf == NULL) {
        memset(pc, 0, sizeof(*pc));
        return ELAAOMS_POSTCALL_NOMEM;
    }

    /* the parser must not rely on a NUL after the body */
    rc = elaaoms_postcall_parse(buf, len, pc, err, sizeof(err));
    free(buf);

    return rc;
}


static elaaoms_postcall_rc_t
parse_str(const char *json, elaaoms_postcall_t *pc)
{
    return elaaoms_postcall_parse(json, strlen(json), pc, err, sizeof(err));
}


/* every fixture of the webhook types parses */
static void
test_all_fixtures(void)
{
    size_t                i, found;
    glob_t                g;
    elaaoms_postcall_t    pc;
    const char           *patterns[] = {
        FIXTURES "post_call_*.json",
        FIXTURES "call_initiation_failure_*.json"
    };

    found = 0;

    for (i = 0; i < 2; i++) {
        size_t  j;

        memset(&g, 0, sizeof(g));
        if (glob(patterns[i], 0, NULL, &g) != 0) {
            continue;
        }

        for (j = 0; j < g.gl_pathc; j++) {
            elaaoms_postcall_rc_t rc = parse_file(g.gl_pathv[j], &pc);

            if (rc != ELAAOMS_POSTCALL_OK) {
                fprintf(stderr, "%s: %s (%s)\n", g.gl_pathv[j],
                        elaaoms_postcall_rc_code(rc), err);
            }

            CHECK_INT_EQ(rc, ELAAOMS_POSTCALL_OK);
            CHECK(pc.type != ELAAOMS_POSTCALL_NONE);
            CHECK(pc.conversation_id != NULL);
            CHECK(pc.event_timestamp > 1700000000);
            elaaoms_postcall_free(&pc);
            found++;
        }

        globfree(&g);
    }

    /* 3 transcriptions, 1 audio, 2 failures at the time of writing */
    CHECK(found >= 6);
}


static void
test_fixture_details(void)
{
    size_t                 n;
    unsigned char         *audio;
    elaaoms_postcall_t     pc;

    CHECK_INT_EQ(parse_file(FIXTURES "post_call_transcription_twilio.json",
                            &pc), ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(pc.type, ELAAOMS_POSTCALL_TRANSCRIPTION);
    CHECK_STR_EQ(pc.type_name, "post_call_transcription");
    CHECK_INT_EQ(pc.event_timestamp, 1763400000);
    CHECK_STR_EQ(pc.conversation_id, "conv_01kbq4r7v2e9m3x5t8w6y0z1a2");
    CHECK_STR_EQ(pc.agent_id, "agent_01support7x");
    CHECK_STR_EQ(pc.caller, "+14155550123");
    CHECK_STR_EQ(pc.caller_source, "metadata.phone_call.external_number");
    CHECK(YAJL_IS_ARRAY(elaaoms_json_get(pc.data, "transcript")));
    CHECK(pc.full_audio == NULL);
    CHECK_INT_EQ(elaaoms_postcall_decode_audio(&pc, &audio, &n),
                 ELAAOMS_POSTCALL_MISSING_FIELD);
    CHECK(audio == NULL);
    elaaoms_postcall_free(&pc);
    CHECK(pc.root == NULL);
    elaaoms_postcall_free(&pc);

    /* string event_timestamp, SIP number with blanks */
    CHECK_INT_EQ(parse_file(FIXTURES
                            "post_call_transcription_sip_followup.json", &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(pc.event_timestamp, 1763745600);
    CHECK_STR_EQ(pc.conversation_id, "conv_01kc0d2w8n4p6r8t0v2x4z6b8d");
    CHECK_STR_EQ(pc.agent_id, "agent_01billing3q");
    CHECK_STR_EQ(pc.caller, "+14155550123");
    elaaoms_postcall_free(&pc);

    /* no phone call, no caller id, no user id */
    CHECK_INT_EQ(parse_file(FIXTURES "post_call_transcription_anonymous.json",
                            &pc), ELAAOMS_POSTCALL_OK);
    CHECK_STR_EQ(pc.caller, "");
    CHECK(pc.caller_source == NULL);
    CHECK_STR_EQ(pc.conversation_id, "conv_01anon0000000000000000000");
    elaaoms_postcall_free(&pc);

    CHECK_INT_EQ(parse_file(FIXTURES "post_call_audio.json", &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(pc.type, ELAAOMS_POSTCALL_AUDIO);
    CHECK_STR_EQ(pc.type_name, "post_call_audio");
    CHECK_STR_EQ(pc.caller, "");
    CHECK_INT_EQ(pc.audio_bytes, 65);
    CHECK_INT_EQ(elaaoms_postcall_decode_audio(&pc, &audio, &n),
                 ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(n, 65);
    CHECK(audio != NULL && memcmp(audio, "ID3", 3) == 0);
    free(audio);
    elaaoms_postcall_free(&pc);

    CHECK_INT_EQ(parse_file(FIXTURES "call_initiation_failure_twilio.json",
                            &pc), ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(pc.type, ELAAOMS_POSTCALL_INITIATION_FAILURE);
    CHECK_STR_EQ(pc.type_name, "call_initiation_failure");
    CHECK_STR_EQ(pc.caller, "+14155550123");
    CHECK_STR_EQ(pc.caller_source, "metadata.body.To");
    CHECK_STR_EQ(elaaoms_json_str(pc.data, "failure_reason"), "busy");
    elaaoms_postcall_free(&pc);

    CHECK_INT_EQ(parse_file(FIXTURES "call_initiation_failure_sip.json", &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_STR_EQ(pc.caller, "+14155550123");
    CHECK_STR_EQ(pc.caller_source, "metadata.body.to_number");
    CHECK_STR_EQ(pc.conversation_id, "conv_01fail0000000000000000002");
    elaaoms_postcall_free(&pc);
}


#define ENV(type, data)                                                      \
    "{\"type\":\"" type "\",\"event_timestamp\":1763400000,\"data\":" data "}"

#define TRANSCRIPTION(data)  ENV("post_call_transcription", data)
#define AUDIO(data)          ENV("post_call_audio", data)


static void
check_rejected(const char *json, elaaoms_postcall_rc_t expected,
    const char *code)
{
    elaaoms_postcall_t  pc;

    memset(&pc, 0xa5, sizeof(pc));
    err[0] = '\0';

    CHECK_INT_EQ(parse_str(json, &pc), expected);
    CHECK_STR_EQ(elaaoms_postcall_rc_code(expected), code);
    CHECK(err[0] != '\0');
    /* nothing is held after a failure */
    CHECK(pc.root == NULL);
    elaaoms_postcall_free(&pc);
}


static void
test_rejected(void)
{
    size_t  i, depth;
    char   *deep;

    check_rejected("", ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected("{", ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected("not json", ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected("[1,2]", ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected("\"post_call_transcription\"",
                   ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"c\"}") "x",
                   ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected("{\"type\":\"post_call_transcription\",\"type\":"
                   "\"post_call_audio\",\"event_timestamp\":1,\"data\":"
                   "{\"agent_id\":\"a\",\"conversation_id\":\"c\"}}",
                   ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"c\",\"conversation_id\":\"d\"}"),
                   ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");

    /* 1,000-deep nesting inside data */
    depth = 1000;
    deep = malloc(64 + 2 * depth);
    strcpy(deep, "{\"type\":\"post_call_transcription\",\"data\":");
    for (i = 0; i < depth; i++) {
        strcat(deep, "[");
    }
    for (i = 0; i < depth; i++) {
        strcat(deep, "]");
    }
    strcat(deep, "}");
    check_rejected(deep, ELAAOMS_POSTCALL_TOO_DEEP, "too_deep");
    free(deep);

    check_rejected(ENV("post_call_summary", "{\"agent_id\":\"a\","
                       "\"conversation_id\":\"c\"}"),
                   ELAAOMS_POSTCALL_UNKNOWN_TYPE, "unknown_type");
    check_rejected(ENV("", "{}"), ELAAOMS_POSTCALL_UNKNOWN_TYPE,
                   "unknown_type");
    check_rejected(ENV("POST_CALL_TRANSCRIPTION", "{}"),
                   ELAAOMS_POSTCALL_UNKNOWN_TYPE, "unknown_type");
    check_rejected("{\"type\":7,\"event_timestamp\":1,\"data\":{}}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected("{\"event_timestamp\":1,\"data\":{}}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");

    check_rejected("{\"type\":\"post_call_transcription\",\"data\":"
                   "{\"agent_id\":\"a\",\"conversation_id\":\"c\"}}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected("{\"type\":\"post_call_transcription\",\"event_timestamp\":"
                   "\"yesterday\",\"data\":{\"agent_id\":\"a\","
                   "\"conversation_id\":\"c\"}}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected("{\"type\":\"post_call_transcription\",\"event_timestamp\":"
                   "-1,\"data\":{\"agent_id\":\"a\",\"conversation_id\":"
                   "\"c\"}}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected("{\"type\":\"post_call_transcription\","
                   "\"event_timestamp\":1}",
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(TRANSCRIPTION("[]"), ELAAOMS_POSTCALL_MISSING_FIELD,
                   "missing_field");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":5}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");

    /* conversation ids that could escape a directory or a key */
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"../../etc/passwd\"}"),
                   ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                   "invalid_conversation_id");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"\"}"),
                   ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                   "invalid_conversation_id");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"conv.1\"}"),
                   ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                   "invalid_conversation_id");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"conv/1\"}"),
                   ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                   "invalid_conversation_id");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"conv\\u0000x\"}"),
                   ELAAOMS_POSTCALL_INVALID_JSON, "invalid_json");
    /* 129 characters */
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a\",\"conversation_id\":"
                                 "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaa\"}"),
                   ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                   "invalid_conversation_id");

    /* agent id: required for transcriptions and failures */
    check_rejected(TRANSCRIPTION("{\"conversation_id\":\"c\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(TRANSCRIPTION("{\"agent_id\":null,\"conversation_id\":"
                                 "\"c\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(ENV("call_initiation_failure", "{\"conversation_id\":"
                       "\"c\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(TRANSCRIPTION("{\"agent_id\":\"a/b\",\"conversation_id\":"
                                 "\"c\"}"),
                   ELAAOMS_POSTCALL_INVALID_AGENT_ID, "invalid_agent_id");
    check_rejected(AUDIO("{\"agent_id\":\"a b\",\"conversation_id\":\"c\","
                         "\"full_audio\":\"\"}"),
                   ELAAOMS_POSTCALL_INVALID_AGENT_ID, "invalid_agent_id");
    check_rejected(AUDIO("{\"agent_id\":3,\"conversation_id\":\"c\","
                         "\"full_audio\":\"\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");

    /* audio */
    check_rejected(AUDIO("{\"agent_id\":\"a\",\"conversation_id\":\"c\"}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(AUDIO("{\"agent_id\":\"a\",\"conversation_id\":\"c\","
                         "\"full_audio\":null}"),
                   ELAAOMS_POSTCALL_MISSING_FIELD, "missing_field");
    check_rejected(AUDIO("{\"agent_id\":\"a\",\"conversation_id\":\"c\","
                         "\"full_audio\":\"QQ\"}"),
                   ELAAOMS_POSTCALL_INVALID_AUDIO, "invalid_audio");
    check_rejected(AUDIO("{\"agent_id\":\"a\",\"conversation_id\":\"c\","
                         "\"full_audio\":\"not base64!\"}"),
                   ELAAOMS_POSTCALL_INVALID_AUDIO, "invalid_audio");
    check_rejected(AUDIO("{\"agent_id\":\"a\",\"conversation_id\":\"c\","
                         "\"full_audio\":\"QUJD-rest\"}"),
                   ELAAOMS_POSTCALL_INVALID_AUDIO, "invalid_audio");
}


static void
test_accepted(void)
{
    size_t              n;
    unsigned char      *audio;
    elaaoms_postcall_t  pc;

    /* audio without agent id, empty audio, escaped slashes in base64 */
    CHECK_INT_EQ(parse_str(AUDIO("{\"conversation_id\":\"c\","
                                 "\"full_audio\":\"\"}"), &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK(pc.agent_id == NULL);
    CHECK_INT_EQ(pc.audio_bytes, 0);
    CHECK_INT_EQ(elaaoms_postcall_decode_audio(&pc, &audio, &n),
                 ELAAOMS_POSTCALL_OK);
    CHECK(audio != NULL);
    CHECK_INT_EQ(n, 0);
    free(audio);
    elaaoms_postcall_free(&pc);

    CHECK_INT_EQ(parse_str(AUDIO("{\"agent_id\":null,\"conversation_id\":"
                                 "\"c\",\"full_audio\":\"\\/+8=\"}"), &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_INT_EQ(pc.audio_bytes, 2);
    elaaoms_postcall_free(&pc);

    /* unknown fields are ignored; caller falls back to user_id */
    CHECK_INT_EQ(parse_str("{\"future\":[1,{\"x\":null}],\"type\":"
                           "\"post_call_transcription\",\"event_timestamp\":"
                           "\"1763400000\",\"data\":{\"agent_id\":"
                           "\"agent_1\",\"conversation_id\":\"conv_1\","
                           "\"user_id\":\"Customer-7\",\"metadata\":"
                           "{\"phone_call\":null},\"new\":true}}", &pc),
                 ELAAOMS_POSTCALL_OK);
    /* case is identity: "Customer-7" and "customer-7" are two ids */
    CHECK_STR_EQ(pc.caller, "id:Customer-7");
    CHECK_STR_EQ(pc.caller_source, "user_id");
    CHECK_INT_EQ(pc.event_timestamp, 1763400000);
    elaaoms_postcall_free(&pc);

    /* a withheld number is anonymous, not a shared key */
    CHECK_INT_EQ(parse_str(TRANSCRIPTION("{\"agent_id\":\"a\","
                                         "\"conversation_id\":\"c\","
                                         "\"metadata\":{\"phone_call\":"
                                         "{\"external_number\":"
                                         "\"+266696687\"}}}"), &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_STR_EQ(pc.caller, "");
    elaaoms_postcall_free(&pc);

    /* failure without a body: anonymous */
    CHECK_INT_EQ(parse_str(ENV("call_initiation_failure",
                               "{\"agent_id\":\"a\",\"conversation_id\":"
                               "\"c\",\"failure_reason\":\"unknown\"}"), &pc),
                 ELAAOMS_POSTCALL_OK);
    CHECK_STR_EQ(pc.caller, "");
    elaaoms_postcall_free(&pc);
}


static void
test_names(void)
{
    CHECK_INT_EQ(elaaoms_postcall_type_parse("post_call_transcription"),
                 ELAAOMS_POSTCALL_TRANSCRIPTION);
    CHECK_INT_EQ(elaaoms_postcall_type_parse("post_call_audio"),
                 ELAAOMS_POSTCALL_AUDIO);
    CHECK_INT_EQ(elaaoms_postcall_type_parse("call_initiation_failure"),
                 ELAAOMS_POSTCALL_INITIATION_FAILURE);
    CHECK_INT_EQ(elaaoms_postcall_type_parse("post_call"),
                 ELAAOMS_POSTCALL_NONE);
    CHECK_INT_EQ(elaaoms_postcall_type_parse(""), ELAAOMS_POSTCALL_NONE);
    CHECK_INT_EQ(elaaoms_postcall_type_parse(NULL), ELAAOMS_POSTCALL_NONE);
    CHECK_STR_EQ(elaaoms_postcall_type_name(ELAAOMS_POSTCALL_NONE), "");
    CHECK_STR_EQ(elaaoms_postcall_type_name((elaaoms_postcall_type_t) 42), "");
    CHECK_STR_EQ(elaaoms_postcall_rc_code(ELAAOMS_POSTCALL_NOMEM),
                 "internal_error");
    CHECK_STR_EQ(elaaoms_postcall_rc_code((elaaoms_postcall_rc_t) 99),
                 "internal_error");
}


int
main(void)
{
    test_all_fixtures();
    test_fixture_details();
    test_rejected();
    test_accepted();
    test_names();

    return UNIT_DONE("postcall");
}
