#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "intake/event_order.h"
#include "intake/intake.h"


int
main(void)
{
    char  buf[256], m[256], c[256], q[256], hex[65];

    CHECK_STR_EQ(elaaoms_payload_suffix("post_call_transcription"),
                 "_transcription.json");
    CHECK_STR_EQ(elaaoms_payload_suffix("post_call_audio"), "_audio.mp3");
    CHECK_STR_EQ(elaaoms_payload_suffix("call_initiation_failure"),
                 "_failure.json");
    CHECK(elaaoms_payload_suffix("post_call_other") == NULL);

    CHECK(elaaoms_payload_dir_path(buf, sizeof(buf), "/p", "acme", "conv_1")
          > 0);
    CHECK_STR_EQ(buf, "/p/acme/conv_1");
    CHECK_INT_EQ(elaaoms_payload_dir_path(buf, 8, "/p", "acme", "conv_1"), -1);

    CHECK(elaaoms_payload_file_name(buf, sizeof(buf), "conv_1",
                                    "_audio.mp3") > 0);
    CHECK_STR_EQ(buf, "conv_1_audio.mp3");
    CHECK(elaaoms_pending_file_name(buf, sizeof(buf), "conv_1") > 0);
    CHECK_STR_EQ(buf, "conv_1_transcription.pending");

    CHECK_INT_EQ(elaaoms_intake_keys("acme", "post_call_transcription",
                                     "conv_1", m, c, q, sizeof(m)), 0);
    CHECK_STR_EQ(m, "elaaoms:{acme}:intake:post_call_transcription:conv_1");
    CHECK_STR_EQ(c, "elaaoms:{acme}:conversation:conv_1");
    CHECK_STR_EQ(q, "elaaoms:{acme}:jobs:ready");
    CHECK_INT_EQ(elaaoms_intake_keys("acme", "post_call_transcription",
                                     "conv_1", m, c, q, 20), -1);

    /* FIPS 180-2 test vector */
    CHECK_INT_EQ(elaaoms_sha256_hex("abc", 3, hex), 0);
    CHECK_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223"
                      "b00361a396177a9cb410ff61f20015ad");

    {
        elaaoms_intake_cmd_t  cmd;
        elaaoms_intake_req_t  req = {
            .org = "acme", .type_name = "post_call_transcription",
            .conversation_id = "conv_1", .payload = "abc", .payload_len = 3,
            .job_json = "{\"job\":1}", .job_len = 9, .caller = NULL,
            .agent_id = "agent_1", .request_id = "rid1", .now = 1700000000,
            .event_ts = 1699999990
        };

        CHECK_INT_EQ(elaaoms_intake_cmd(&cmd, &req), 0);
        CHECK_STR_EQ(cmd.argv[0], "EVAL");
        CHECK_STR_EQ(cmd.argv[2], "6");
        CHECK_STR_EQ(cmd.argv[3],
                     "elaaoms:{acme}:intake:post_call_transcription:conv_1");
        CHECK_STR_EQ(cmd.argv[5], "elaaoms:{acme}:jobs:ready");
        /* anonymous: no tombstone or index, KEYS[2] stands in */
        CHECK_STR_EQ(cmd.argv[6], "elaaoms:{acme}:conversation:conv_1");
        CHECK_STR_EQ(cmd.argv[7], "elaaoms:{acme}:conversation:conv_1");
        CHECK_STR_EQ(cmd.argv[8], "elaaoms:{acme}:recent");
        CHECK_STR_EQ(cmd.argv[9], "ba7816bf8f01cfea414140de5dae2223"
                                  "b00361a396177a9cb410ff61f20015ad");
        CHECK_INT_EQ(cmd.argvlen[10], 9);
        CHECK_STR_EQ(cmd.argv[12], "");
        CHECK_STR_EQ(cmd.argv[14], "1700000000");
        CHECK_STR_EQ(cmd.argv[16], "event_ts:post_call_transcription");
        CHECK_STR_EQ(cmd.argv[17], "1699999990");
        CHECK_INT_EQ(cmd.argvlen[17], 10);
        CHECK_STR_EQ(cmd.argv[18], "conv_1");
        CHECK_STR_EQ(cmd.argv[19], "1000");
        /* the org registry: its own SADD, not the script's */
        CHECK_STR_EQ(cmd.orgs_argv[0], "SADD");
        CHECK_STR_EQ(cmd.orgs_argv[1], ELAAOMS_KEY_ORGS);
        CHECK_STR_EQ(cmd.orgs_argv[2], "acme");
        CHECK_INT_EQ(cmd.orgs_argvlen[1], strlen(ELAAOMS_KEY_ORGS));

        /* a caller: its tombstone and its index hide it */
        req.caller = "+14155550123";
        CHECK_INT_EQ(elaaoms_intake_cmd(&cmd, &req), 0);
        CHECK(strncmp(cmd.argv[6], "elaaoms:{acme}:forgotten:", 25) == 0
              && strlen(cmd.argv[6]) == 25 + 64
              && strstr(cmd.argv[6], "4155550123") == NULL);
        CHECK(strncmp(cmd.argv[7], "elaaoms:{acme}:calls:", 21) == 0
              && strlen(cmd.argv[7]) == 21 + 64
              && strcmp(cmd.argv[7] + 21, cmd.argv[6] + 25) == 0);
        req.caller = NULL;

        /* an unknown event time is neither checked nor kept */
        req.job_json = "{}";
        req.job_len = 2;
        req.event_ts = -1;
        CHECK_INT_EQ(elaaoms_intake_cmd(&cmd, &req), 0);
        CHECK_STR_EQ(cmd.argv[17], "");
        CHECK_INT_EQ(cmd.argvlen[17], 0);
    }

    {
        char                    field[ELAAOMS_EVENT_TS_FIELD_MAX];
        elaaoms_event_ts_cmd_t  ev;

        CHECK_INT_EQ(elaaoms_event_ts_field(field, sizeof(field),
                                            "post_call_audio"),
                     (int) strlen("event_ts:post_call_audio"));
        CHECK_STR_EQ(field, "event_ts:post_call_audio");
        CHECK_INT_EQ(elaaoms_event_ts_field(field, 8, "post_call_audio"), -1);

        CHECK_INT_EQ(elaaoms_event_is_stale("1700000000", 10, 1699999999), 1);
        CHECK_INT_EQ(elaaoms_event_is_stale("1700000000", 10, 1700000000), 0);
        CHECK_INT_EQ(elaaoms_event_is_stale("1700000000", 10, 1700000001), 0);
        CHECK_INT_EQ(elaaoms_event_is_stale(NULL, 0, 1), 0);
        CHECK_INT_EQ(elaaoms_event_is_stale("17x", 3, 1), 0);
        CHECK_INT_EQ(elaaoms_event_is_stale("1700000000", 4, 1699), 1);

        CHECK_INT_EQ(elaaoms_event_ts_cmd(&ev, "acme", "post_call_audio",
                                          "conv_1", 1700000000), 0);
        CHECK_STR_EQ(ev.argv[0], "EVAL");
        CHECK_STR_EQ(ev.argv[2], "1");
        CHECK_STR_EQ(ev.argv[3], "elaaoms:{acme}:conversation:conv_1");
        CHECK_STR_EQ(ev.argv[4], "event_ts:post_call_audio");
        CHECK_STR_EQ(ev.argv[5], "1700000000");
    }

    /* the one payload a job may name, under the reader's payload_dir */
    {
        char         sub[128], name[128], tmpl[] = "/tmp/elaaoms-pp-XXXXXX";
        char         path[700], link[600], dir[128];
        const char  *T = "post_call_transcription";

        CHECK(mkdtemp(tmpl) != NULL);
        snprintf(dir, sizeof(dir), "%s/payloads", tmpl);
        CHECK_INT_EQ(mkdir(dir, 0700), 0);

        snprintf(path, sizeof(path),
                 "%s/acme/conv_1/conv_1_transcription.json", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), 0);
        CHECK_STR_EQ(sub, "acme/conv_1");
        CHECK_STR_EQ(name, "conv_1_transcription.json");

        /* payload_dir spelled with a trailing slash, or through a link */
        snprintf(link, sizeof(link), "%s/", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(link, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), 0);
        snprintf(link, sizeof(link), "%s/link", tmpl);
        CHECK_INT_EQ(symlink(dir, link), 0);
        CHECK_INT_EQ(elaaoms_payload_path_check(link, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), 0);

        /* anything else is refused */
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                "/etc/passwd", sub,
                                                sizeof(sub), name,
                                                sizeof(name)), -1);
        snprintf(path, sizeof(path),
                 "/etc/acme/conv_1/conv_1_transcription.json");
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        /* another organization's or conversation's payload */
        snprintf(path, sizeof(path),
                 "%s/globex/conv_1/conv_1_transcription.json", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        snprintf(path, sizeof(path),
                 "%s/acme/conv_2/conv_2_transcription.json", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        /* a directory next to payload_dir, and a prefix of its name */
        snprintf(path, sizeof(path),
                 "%s/acme/conv_1/conv_1_transcription.json", tmpl);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        snprintf(path, sizeof(path),
                 "%s-x/acme/conv_1/conv_1_transcription.json", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        snprintf(path, sizeof(path),
                 "%s/acme/conv_1/conv_1_audio.mp3", dir);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", T, "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);
        CHECK_INT_EQ(elaaoms_payload_path_check(dir, "acme", "nope", "conv_1",
                                                path, sub, sizeof(sub), name,
                                                sizeof(name)), -1);

        unlink(link);
        rmdir(dir);
        rmdir(tmpl);
    }

    return UNIT_DONE("intake");
}
