#include "unit.h"
#include "store/redis_keys.h"


int
main(void)
{
    char  buf[64];

    CHECK_INT_EQ(elaaoms_key_org(buf, sizeof(buf), "acme", "jobs:ready"),
                 strlen("elaaoms:acme:jobs:ready"));
    CHECK_STR_EQ(buf, "elaaoms:acme:jobs:ready");

    CHECK(elaaoms_key_caller(buf, sizeof(buf), "acme", "+14155550123",
                             "memories") > 0);
    CHECK_STR_EQ(buf, "elaaoms:acme:{acme:+14155550123}:memories");

    /* the hash tag holds org and caller, so two orgs never share a slot key */
    CHECK(strstr(buf, "{acme:+14155550123}") != NULL);

    CHECK_INT_EQ(elaaoms_key_org(buf, 10, "acme", "jobs:ready"), -1);

    /* the org keys that meet in one operation carry the org as their tag */
    CHECK_INT_EQ(elaaoms_key_jobs(buf, sizeof(buf), "acme", "ready", NULL),
                 strlen("elaaoms:{acme}:jobs:ready"));
    CHECK_STR_EQ(buf, "elaaoms:{acme}:jobs:ready");
    CHECK(elaaoms_key_jobs(buf, sizeof(buf), "acme", "processing", "h:42")
          > 0);
    CHECK_STR_EQ(buf, "elaaoms:{acme}:jobs:processing:h:42");
    CHECK(elaaoms_key_conversation(buf, sizeof(buf), "acme", "conv_1") > 0);
    CHECK_STR_EQ(buf, "elaaoms:{acme}:conversation:conv_1");
    CHECK(elaaoms_key_usage(buf, sizeof(buf), "acme") > 0);
    CHECK_STR_EQ(buf, "elaaoms:{acme}:usage");
    CHECK(elaaoms_key_usage_daily(buf, sizeof(buf), "acme") > 0);
    CHECK_STR_EQ(buf, "elaaoms:{acme}:usage:daily");
    CHECK(elaaoms_key_recent(buf, sizeof(buf), "acme") > 0);
    CHECK_STR_EQ(buf, "elaaoms:{acme}:recent");
    CHECK_INT_EQ(elaaoms_key_org_slot(buf, 14, "acme", "usage"), -1);

    {
        char  sig[128];

        CHECK_INT_EQ(elaaoms_key_signature(sig, sizeof(sig), "acme",
                                           "93673b54e757ea56"),
                     strlen("elaaoms:acme:sig:93673b54e757ea56"));
        CHECK_STR_EQ(sig, "elaaoms:acme:sig:93673b54e757ea56");
        CHECK_INT_EQ(elaaoms_key_signature(sig, sizeof(sig), "acme", ""),
                     -1);
        CHECK_INT_EQ(elaaoms_key_signature(sig, 20, "acme",
                                           "93673b54e757ea56"), -1);
    }

    {
        char  call[128], other[128];

        /* a call id is hashed: SIP Call-IDs hold '@' and '.' */
        CHECK_INT_EQ(elaaoms_key_call(call, sizeof(call), "acme",
                                      "CA1122334455", 12),
                     strlen("elaaoms:{acme}:call:") + 32);
        CHECK_STR_EQ(call,
                     "elaaoms:{acme}:call:31905324c9056316ade87a6aa45d9b2e");
        CHECK(elaaoms_key_call(other, sizeof(other), "acme",
                               "a84b4c76e66710@pc33.atlanta.com", 31) > 0);
        CHECK(strcmp(call, other) != 0);
        CHECK(strchr(other + 20, '@') == NULL);
        CHECK_INT_EQ(elaaoms_key_call(call, sizeof(call), "acme", "", 0), -1);
        CHECK_INT_EQ(elaaoms_key_call(call, 30, "acme", "CA1", 3), -1);
    }

    {
        char  t[160], other[160];

        /* a tombstone hides the caller: the SHA-256 of "<org>:<caller>" */
        CHECK_INT_EQ(elaaoms_key_tombstone(t, sizeof(t), "acme",
                                           "+14155550123"),
                     strlen("elaaoms:{acme}:forgotten:") + 64);
        CHECK_STR_EQ(t, "elaaoms:{acme}:forgotten:"
                        "1e626a9094bc292ca376cf5fdf702c7d"
                        "b8bd9c2f2d516c1e3abd0dff91288cce");
        CHECK(strstr(t, "4155550123") == NULL);
        /* the same caller in another org is another tombstone */
        CHECK(elaaoms_key_tombstone(other, sizeof(other), "globex",
                                    "+14155550123") > 0);
        CHECK(strcmp(t + strlen("elaaoms:{acme}:"),
                     other + strlen("elaaoms:{globex}:")) != 0);
        CHECK_INT_EQ(elaaoms_key_tombstone(t, sizeof(t), "acme", ""), -1);
        CHECK_INT_EQ(elaaoms_key_tombstone(t, 40, "acme", "+1415"), -1);

        /* the conversation index: the same hash, in the org's slot */
        CHECK_INT_EQ(elaaoms_key_conversation_index(other, sizeof(other),
                                                    "acme", "+14155550123"),
                     strlen("elaaoms:{acme}:calls:") + 64);
        CHECK_STR_EQ(other, "elaaoms:{acme}:calls:"
                            "1e626a9094bc292ca376cf5fdf702c7d"
                            "b8bd9c2f2d516c1e3abd0dff91288cce");
        CHECK_INT_EQ(elaaoms_key_conversation_index(other, sizeof(other),
                                                    "acme", ""), -1);
        CHECK_INT_EQ(elaaoms_key_conversation_index(other, 40, "acme",
                                                    "+1415"), -1);
    }

    {
        char  q[160], other[160];

        /* a question's vector: by model, dimensions and the text's hash */
        CHECK_INT_EQ(elaaoms_key_qvec(q, sizeof(q), "acme",
                                      "text-embedding-3-small", 256, "abc",
                                      3),
                     strlen("elaaoms:acme:qvec:text-embedding-3-small:256:")
                     + 64);
        CHECK_STR_EQ(q, "elaaoms:acme:qvec:text-embedding-3-small:256:"
                     "ba7816bf8f01cfea414140de5dae2223"
                     "b00361a396177a9cb410ff61f20015ad");
        CHECK(elaaoms_key_qvec(other, sizeof(other), "globex",
                               "text-embedding-3-small", 256, "abc", 3) > 0);
        CHECK(strcmp(q, other) != 0);
        CHECK(elaaoms_key_qvec(other, sizeof(other), "acme",
                               "text-embedding-3-small", 0, "abc", 3) > 0);
        CHECK(strcmp(q, other) != 0);
        CHECK_INT_EQ(elaaoms_key_qvec(q, sizeof(q), "acme", "", 0, "abc", 3),
                     -1);
        CHECK_INT_EQ(elaaoms_key_qvec(q, 60, "acme", "text-embedding-3-small",
                                      0, "abc", 3), -1);
    }

    return UNIT_DONE("redis_keys");
}
