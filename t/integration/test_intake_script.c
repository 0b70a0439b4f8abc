/*
 * The intake script and the event-order script (lib/intake/intake.h,
 * event_order.h) against a private redis-server (unit_redis.h): queueing
 * once per payload, and never letting an older event of a conversation
 * replace a newer one.
 */

#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "unit.h"
#include "intake/event_order.h"
#include "intake/intake.h"

#define UNIT_REDIS_NAME  "intake_script"
#include "unit_redis.h"


#define TRANSCRIPTION  "post_call_transcription"


static long long
intake(const char *conv, const char *payload, long long event_ts)
{
    long long              n;
    redisReply            *r;
    elaaoms_intake_cmd_t   cmd;
    elaaoms_intake_req_t   req = {
        .org = "acme", .type_name = TRANSCRIPTION, .conversation_id = conv,
        .payload = payload, .payload_len = strlen(payload),
        .job_json = "{\"job\":1}", .job_len = 9, .caller = "+14155550123",
        .agent_id = "agent_1", .request_id = "rid", .now = 1700000000,
        .event_ts = event_ts
    };

    if (elaaoms_intake_cmd(&cmd, &req) != 0) {
        return -100;
    }

    r = redisCommandArgv(rc, ELAAOMS_INTAKE_ARGC, cmd.argv, cmd.argvlen);
    n = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : -200;

    if (r) {
        freeReplyObject(r);
    }

    return n;
}


static long long
record(const char *type, const char *conv, long long event_ts)
{
    long long                n;
    redisReply              *r;
    elaaoms_event_ts_cmd_t   cmd;

    if (elaaoms_event_ts_cmd(&cmd, "acme", type, conv, event_ts) != 0) {
        return -100;
    }

    r = redisCommandArgv(rc, ELAAOMS_EVENT_TS_ARGC, cmd.argv, cmd.argvlen);
    n = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : -200;

    if (r) {
        freeReplyObject(r);
    }

    return n;
}


static long long
integer(const char *fmt, const char *arg)
{
    long long    n;
    redisReply  *r;

    r = redisCommand(rc, fmt, arg);
    n = (r && r->type == REDIS_REPLY_INTEGER) ? r->integer : -1;

    if (r) {
        freeReplyObject(r);
    }

    return n;
}


static int
field_is(const char *conv, const char *field, const char *want)
{
    int          ok;
    char         key[128];
    redisReply  *r;

    snprintf(key, sizeof(key), "elaaoms:{acme}:conversation:%s", conv);
    r = redisCommand(rc, "HGET %s %s", key, field);
    ok = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, want) == 0;

    if (r) {
        freeReplyObject(r);
    }

    return ok;
}


int
main(void)
{
    if (start_redis() != 0) {
        return 1;
    }

    /* queued once; the event time is kept */
    CHECK_INT_EQ(intake("c1", "payload v1", 1000), 1);
    CHECK_INT_EQ(intake("c1", "payload v1", 1000), 0);
    CHECK(field_is("c1", "event_ts:" TRANSCRIPTION, "1000"));
    CHECK_INT_EQ(integer("LLEN %s", "elaaoms:{acme}:jobs:ready"), 1);

    /* a newer event replaces it, an older one changes nothing */
    CHECK_INT_EQ(intake("c1", "payload v2", 2000), 1);
    CHECK_INT_EQ(intake("c1", "payload v0", 999), -1);
    CHECK_INT_EQ(intake("c1", "payload v1", 1000), -1);
    CHECK(field_is("c1", "event_ts:" TRANSCRIPTION, "2000"));
    CHECK_INT_EQ(integer("LLEN %s", "elaaoms:{acme}:jobs:ready"), 2);

    /* the same event time with another payload is not older */
    CHECK_INT_EQ(intake("c1", "payload v2b", 2000), 1);

    /* unknown (the worker's sweep of an unparsable payload): unchecked */
    CHECK_INT_EQ(intake("c1", "payload v3", -1), 1);
    CHECK(field_is("c1", "event_ts:" TRANSCRIPTION, "2000"));

    /* the types that queue nothing, each on its own */
    CHECK_INT_EQ(record("post_call_audio", "c1", 1500), 1);
    CHECK_INT_EQ(record("post_call_audio", "c1", 1400), -1);
    CHECK_INT_EQ(record("post_call_audio", "c1", 1500), 1);
    CHECK_INT_EQ(record("post_call_audio", "c1", 1600), 1);
    CHECK(field_is("c1", "event_ts:post_call_audio", "1600"));
    CHECK(field_is("c1", "event_ts:" TRANSCRIPTION, "2000"));

    stop_redis();

    return UNIT_DONE("intake_script");
}
