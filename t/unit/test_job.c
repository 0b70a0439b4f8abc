/*
 * lib/job: encode/decode round trips and strict validation both ways.
 */

#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "intake/job.h"


static char  err[256];


static elaaoms_job_t
sample(void)
{
    elaaoms_job_t  job;

    memset(&job, 0, sizeof(job));
    job.org = "acme";
    job.type = "post_call_transcription";
    job.conversation_id = "conv_01kbq4r7v2e9m3x5t8w6y0z1a2";
    job.agent_id = "agent_01support7x";
    job.caller = "+14155550123";
    job.payload_path = "/var/lib/elaaoms/acme/conv_01kbq4r7v2e9m3x5t8w6y0z1a2"
                       ".json";
    job.request_id = "5f2c0d1e9a8b7c6d5e4f3a2b1c0d9e8f";
    job.attempt = 2;
    job.enqueued_at = 1763400000;

    return job;
}


static int
decode(const char *s, elaaoms_job_t *job)
{
    return elaaoms_job_decode(s, strlen(s), job, err, sizeof(err));
}


static void
test_round_trip(void)
{
    char           *out;
    size_t          len;
    elaaoms_job_t   job, back;

    job = sample();
    CHECK_INT_EQ(elaaoms_job_encode(&job, &out, &len), 0);
    CHECK(out != NULL);
    CHECK_INT_EQ(len, strlen(out));
    CHECK_STR_EQ(out,
        "{\"org\":\"acme\",\"type\":\"post_call_transcription\","
        "\"conversation_id\":\"conv_01kbq4r7v2e9m3x5t8w6y0z1a2\","
        "\"agent_id\":\"agent_01support7x\",\"caller\":\"+14155550123\","
        "\"payload_path\":\"/var/lib/elaaoms/acme/"
        "conv_01kbq4r7v2e9m3x5t8w6y0z1a2.json\","
        "\"request_id\":\"5f2c0d1e9a8b7c6d5e4f3a2b1c0d9e8f\","
        "\"attempt\":2,\"enqueued_at\":1763400000}");

    CHECK_INT_EQ(elaaoms_job_decode(out, len, &back, err, sizeof(err)), 0);
    CHECK(back.tree != NULL);
    CHECK_STR_EQ(back.org, job.org);
    CHECK_STR_EQ(back.type, job.type);
    CHECK_STR_EQ(back.conversation_id, job.conversation_id);
    CHECK_STR_EQ(back.agent_id, job.agent_id);
    CHECK_STR_EQ(back.caller, job.caller);
    CHECK_STR_EQ(back.payload_path, job.payload_path);
    CHECK_STR_EQ(back.request_id, job.request_id);
    CHECK_INT_EQ(back.attempt, 2);
    CHECK_INT_EQ(back.enqueued_at, 1763400000);
    elaaoms_job_free(&back);
    CHECK(back.tree == NULL);
    elaaoms_job_free(&back);
    free(out);

    /* anonymous caller ("" or NULL) is null; id callers; audio w/o agent */
    job = sample();
    job.caller = "";
    CHECK_INT_EQ(elaaoms_job_encode(&job, &out, &len), 0);
    CHECK(strstr(out, "\"caller\":null") != NULL);
    CHECK_INT_EQ(decode(out, &back), 0);
    CHECK(back.caller == NULL);
    elaaoms_job_free(&back);
    free(out);

    job = sample();
    job.caller = "id:user_abc-123";
    job.type = "post_call_audio";
    job.agent_id = NULL;
    job.attempt = 0;
    job.enqueued_at = 0;
    CHECK_INT_EQ(elaaoms_job_encode(&job, &out, &len), 0);
    CHECK(strstr(out, "\"agent_id\":null") != NULL);
    CHECK_INT_EQ(decode(out, &back), 0);
    CHECK_STR_EQ(back.caller, "id:user_abc-123");
    CHECK(back.agent_id == NULL);
    CHECK_STR_EQ(back.type, "post_call_audio");
    CHECK_INT_EQ(back.attempt, 0);
    elaaoms_job_free(&back);
    free(out);

    /* whatever JSON escaping yajl applies comes back unchanged */
    job = sample();
    job.request_id = "req\"\\/<id>";
    job.payload_path = "/spool/caf\xc3\xa9 \"q\"/x.json";
    CHECK_INT_EQ(elaaoms_job_encode(&job, &out, &len), 0);
    CHECK_INT_EQ(decode(out, &back), 0);
    CHECK_STR_EQ(back.request_id, "req\"\\/<id>");
    CHECK_STR_EQ(back.payload_path, "/spool/caf\xc3\xa9 \"q\"/x.json");
    elaaoms_job_free(&back);
    free(out);

    /* unknown fields and any key order are fine */
    CHECK_INT_EQ(decode("{\"enqueued_at\":5,\"attempt\":1,\"future\":{\"x\":"
                        "[1]},\"request_id\":\"r\",\"payload_path\":\"/p\","
                        "\"caller\":null,\"agent_id\":\"a\","
                        "\"conversation_id\":\"c\",\"type\":"
                        "\"call_initiation_failure\",\"org\":\"O_r-g\"}",
                        &back), 0);
    CHECK_STR_EQ(back.org, "O_r-g");
    CHECK_INT_EQ(back.enqueued_at, 5);
    elaaoms_job_free(&back);
}


static void
check_encode_refused(elaaoms_job_t job)
{
    char    *out = (char *) 1;
    size_t   len = 99;

    CHECK_INT_EQ(elaaoms_job_encode(&job, &out, &len), -1);
    CHECK(out == NULL);
    CHECK_INT_EQ(len, 0);
}


static void
test_encode_refused(void)
{
    elaaoms_job_t  job;
    char           org65[66];

    memset(org65, 'o', 65);
    org65[65] = '\0';

    job = sample(); job.org = NULL;             check_encode_refused(job);
    job = sample(); job.org = "";               check_encode_refused(job);
    job = sample(); job.org = "ac/me";          check_encode_refused(job);
    job = sample(); job.org = "ac.me";          check_encode_refused(job);
    job = sample(); job.org = org65;            check_encode_refused(job);
    job = sample(); job.type = "post_call";     check_encode_refused(job);
    job = sample(); job.type = NULL;            check_encode_refused(job);
    job = sample(); job.conversation_id = "../x"; check_encode_refused(job);
    job = sample(); job.agent_id = NULL;        check_encode_refused(job);
    job = sample(); job.agent_id = "a b";       check_encode_refused(job);
    job = sample(); job.caller = "+1 415 555";  check_encode_refused(job);
    job = sample(); job.caller = "user_abc";    check_encode_refused(job);
    job = sample(); job.payload_path = "rel/x"; check_encode_refused(job);
    job = sample(); job.payload_path = "/a/../etc/passwd";
    check_encode_refused(job);
    job = sample(); job.payload_path = "/a/./b"; check_encode_refused(job);
    job = sample(); job.payload_path = "/a/..";  check_encode_refused(job);
    job = sample(); job.payload_path = "/a\nb";  check_encode_refused(job);
    job = sample(); job.payload_path = NULL;     check_encode_refused(job);
    job = sample(); job.request_id = "";         check_encode_refused(job);
    job = sample(); job.request_id = "a b";      check_encode_refused(job);
    job = sample(); job.attempt = 1001;          check_encode_refused(job);
    job = sample(); job.enqueued_at = -1;        check_encode_refused(job);
    /* invalid UTF-8 is refused by the generator */
    job = sample(); job.payload_path = "/spool/\xff.json";
    check_encode_refused(job);

    CHECK_INT_EQ(elaaoms_job_validate(NULL, err, sizeof(err)), -1);
    job = sample();
    job.org = "a/b";
    CHECK_INT_EQ(elaaoms_job_validate(&job, err, sizeof(err)), -1);
    CHECK(strstr(err, "org") != NULL);
    job = sample();
    CHECK_INT_EQ(elaaoms_job_validate(&job, err, sizeof(err)), 0);

    /* "..." and "..x" are names, not parent references */
    job = sample();
    job.payload_path = "/spool/.../..x/x..";
    CHECK_INT_EQ(elaaoms_job_validate(&job, err, sizeof(err)), 0);
}


#define JOB(org, attempt)                                                    \
    "{\"org\":" org ",\"type\":\"post_call_transcription\","                 \
    "\"conversation_id\":\"c\",\"agent_id\":\"a\",\"caller\":null,"          \
    "\"payload_path\":\"/p\",\"request_id\":\"r\",\"attempt\":" attempt ","  \
    "\"enqueued_at\":1}"


static void
check_decode_refused(const char *json)
{
    elaaoms_job_t  job;

    err[0] = '\0';
    memset(&job, 0x5a, sizeof(job));
    CHECK_INT_EQ(decode(json, &job), -1);
    CHECK(job.tree == NULL && job.org == NULL);
    CHECK(err[0] != '\0');
}


static void
test_decode_refused(void)
{
    elaaoms_job_t  job;

    CHECK_INT_EQ(decode(JOB("\"acme\"", "0"), &job), 0);
    elaaoms_job_free(&job);

    check_decode_refused("");
    check_decode_refused("{");
    check_decode_refused("[]");
    check_decode_refused("null");
    check_decode_refused(JOB("\"ac/me\"", "0"));
    check_decode_refused(JOB("\"\"", "0"));
    check_decode_refused(JOB("null", "0"));
    check_decode_refused(JOB("5", "0"));
    check_decode_refused(JOB("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                             "aaaaaaaaaaaaaaaaaaaa\"", "0"));
    check_decode_refused(JOB("\"acme\"", "-1"));
    check_decode_refused(JOB("\"acme\"", "1.5"));
    check_decode_refused(JOB("\"acme\"", "\"1\""));
    check_decode_refused(JOB("\"acme\"", "1001"));
    check_decode_refused(JOB("\"acme\"", "99999999999999999999"));
    check_decode_refused(JOB("\"acme\"", "[0]"));
    /* duplicate field, embedded NUL, empty caller, missing field */
    check_decode_refused("{\"org\":\"x\"," "\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":null,"
                         "\"payload_path\":\"/p\",\"request_id\":\"r\","
                         "\"attempt\":0,\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\\u0000x\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":null,"
                         "\"payload_path\":\"/p\",\"request_id\":\"r\","
                         "\"attempt\":0,\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":\"\","
                         "\"payload_path\":\"/p\",\"request_id\":\"r\","
                         "\"attempt\":0,\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":null,"
                         "\"request_id\":\"r\",\"attempt\":0,"
                         "\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":null,"
                         "\"payload_path\":\"/p\",\"request_id\":\"r\","
                         "\"attempt\":0}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"caller\":null,\"payload_path\":\"/p\","
                         "\"request_id\":\"r\",\"attempt\":0,"
                         "\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":\"+1 415\","
                         "\"payload_path\":\"/p\",\"request_id\":\"r\","
                         "\"attempt\":0,\"enqueued_at\":1}");
    check_decode_refused("{\"org\":\"acme\",\"type\":"
                         "\"post_call_transcription\",\"conversation_id\":"
                         "\"c\",\"agent_id\":\"a\",\"caller\":null,"
                         "\"payload_path\":\"/spool/../../etc/shadow\","
                         "\"request_id\":\"r\",\"attempt\":0,"
                         "\"enqueued_at\":1}");
    check_decode_refused("{\"org\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}}");
}


int
main(void)
{
    CHECK_INT_EQ(elaaoms_job_org_valid("acme"), 1);
    CHECK_INT_EQ(elaaoms_job_org_valid("Org_1-x"), 1);
    CHECK_INT_EQ(elaaoms_job_org_valid(NULL), 0);
    CHECK_INT_EQ(elaaoms_job_org_valid("a.b"), 0);

    test_round_trip();
    test_encode_refused();
    test_decode_refused();

    return UNIT_DONE("job");
}
