/*
 * lib/caller_id: number and identifier normalization, withheld callers,
 * post-call and initiation-failure resolution.
 */

#include <string.h>

#include "unit.h"
#include "intake/caller_id.h"
#include "util/json_parse.h"


static char  key[ELAAOMS_CALLER_MAX];


/* the key, or "ANON" / "NOSPACE" */
static const char *
norm(const char *in)
{
    int  rc;

    rc = elaaoms_caller_normalize(in, strlen(in), key, sizeof(key));
    if (rc == ELAAOMS_CALLER_ANONYMOUS) {
        return key[0] == '\0' ? "ANON" : "ANON-but-written";
    }

    if (rc < 0) {
        return "ERR";
    }

    return (size_t) rc == strlen(key) ? key : "BAD-LENGTH";
}


static const char *
norm_user(const char *in)
{
    int  rc;

    rc = elaaoms_caller_normalize_user_id(in, strlen(in), key, sizeof(key));
    return rc > 0 ? key : (rc == ELAAOMS_CALLER_ANONYMOUS ? "ANON" : "ERR");
}


static void
test_numbers(void)
{
    CHECK_STR_EQ(norm("+14155550123"), "+14155550123");
    CHECK_STR_EQ(norm("+1 415-555-0123"), "+14155550123");
    CHECK_STR_EQ(norm("+1 (415) 555-0123"), "+14155550123");
    CHECK_STR_EQ(norm("  +1.415.555.0123\t"), "+14155550123");
    CHECK_STR_EQ(norm("+9196631 00122"), "+919663100122");
    CHECK_STR_EQ(norm("0044 20 7946 0958"), "+442079460958");
    CHECK_STR_EQ(norm("+44 (0)20 7946 0958"), "+442079460958");
    CHECK_STR_EQ(norm("0044 (0) 20 7946 0958"), "+442079460958");
    CHECK_STR_EQ(norm("sip:+14155550123@host;user=phone"), "+14155550123");
    CHECK_STR_EQ(norm("SIP:+14155550123@10.0.0.1:5060"), "+14155550123");
    CHECK_STR_EQ(norm("sips:+14155550123@host"), "+14155550123");
    CHECK_STR_EQ(norm("<sip:+14155550123@host>"), "+14155550123");
    CHECK_STR_EQ(norm("sip:14155550123@host"), "14155550123");
    CHECK_STR_EQ(norm("tel:+1-415-555-0123"), "+14155550123");
    CHECK_STR_EQ(norm("tel:+1-415-555-0123;ext=42"), "+14155550123");
    CHECK_STR_EQ(norm("TEL:+1 415 555 0123"), "+14155550123");

    /* national numbers: digits only, no country guessed */
    CHECK_STR_EQ(norm("(415) 555-0123"), "4155550123");
    CHECK_STR_EQ(norm("415/555 0123"), "4155550123");
    CHECK_STR_EQ(norm("020 7946 0958"), "02079460958");
    /* "(0)" is only dropped after a country code */
    CHECK_STR_EQ(norm("(0)20 7946 0958"), "02079460958");
    CHECK_STR_EQ(norm("101"), "101");

    /* limits: 3..15 digits, no "+0" */
    CHECK_STR_EQ(norm("+123456789012345"), "+123456789012345");
    CHECK_STR_EQ(norm("+1234567890123456"), "ANON");
    CHECK_STR_EQ(norm("12"), "ANON");
    CHECK_STR_EQ(norm("+1 2"), "ANON");
    CHECK_STR_EQ(norm("+0123456789"), "ANON");
    CHECK_STR_EQ(norm("000123456"), "ANON");
    CHECK_STR_EQ(norm("00"), "ANON");
}


static void
test_identifiers(void)
{
    char  long_id[80];

    CHECK_STR_EQ(norm("user_abc-123"), "id:user_abc-123");
    CHECK_STR_EQ(norm("User_ABC-123"), "id:user_abc-123");
    CHECK_STR_EQ(norm("  Maria.Lopez  "), "id:maria.lopez");
    CHECK_STR_EQ(norm("a b/c\\d\"e'f<g>"), "id:abcdefg");
    CHECK_STR_EQ(norm("jos\xc3\xa9"), "id:jos");
    CHECK_STR_EQ(norm("1-800-FLOWERS"), "id:1-800-flowers");
    CHECK_STR_EQ(norm("sip:alice@pbx.example.com;transport=tls"),
                 "id:alicepbx.example.com");
    CHECK_STR_EQ(norm("sip:Alice"), "id:alice");
    /* the NUL is not a terminator: the given length counts */
    CHECK_INT_EQ(elaaoms_caller_normalize("ab\0cd", 5, key, sizeof(key)), 7);
    CHECK_STR_EQ(key, "id:abcd");

    memset(long_id, 'x', 64);
    long_id[64] = '\0';
    CHECK_INT_EQ(elaaoms_caller_normalize(long_id, 64, key, sizeof(key)), 67);
    CHECK_INT_EQ(strlen(key), 67);
    CHECK(strncmp(key, "id:xxx", 6) == 0);
    /* 65 kept characters: refused, not truncated */
    long_id[64] = 'x';
    long_id[65] = '\0';
    CHECK_STR_EQ(norm(long_id), "ANON");
    /* dropped characters do not count against the limit */
    memset(long_id, ' ', sizeof(long_id));
    memcpy(long_id + 70, "abc", 3);
    long_id[73] = '\0';
    CHECK_STR_EQ(norm(long_id), "id:abc");

    /* punctuation alone is no identity */
    CHECK_STR_EQ(norm("..."), "ANON");
    CHECK_STR_EQ(norm("-_-"), "ANON");
    CHECK_STR_EQ(norm("!!!"), "ANON");
    CHECK_STR_EQ(norm("+"), "ANON");
    CHECK_STR_EQ(norm("()- "), "ANON");
}


static void
test_anonymous(void)
{
    char  big[ELAAOMS_CALLER_MAX_INPUT + 1];

    CHECK_STR_EQ(norm(""), "ANON");
    CHECK_STR_EQ(norm("   "), "ANON");
    CHECK_STR_EQ(norm("anonymous"), "ANON");
    CHECK_STR_EQ(norm("Anonymous"), "ANON");
    CHECK_STR_EQ(norm(" RESTRICTED "), "ANON");
    CHECK_STR_EQ(norm("private"), "ANON");
    CHECK_STR_EQ(norm("Unknown"), "ANON");
    CHECK_STR_EQ(norm("unavailable"), "ANON");
    CHECK_STR_EQ(norm("withheld"), "ANON");
    CHECK_STR_EQ(norm("null"), "ANON");
    CHECK_STR_EQ(norm("<Anonymous>"), "ANON");
    CHECK_STR_EQ(norm("sip:anonymous@anonymous.invalid"), "ANON");
    CHECK_STR_EQ(norm("sip:@host"), "ANON");
    CHECK_STR_EQ(norm("tel:"), "ANON");
    CHECK_STR_EQ(norm("+266696687"), "ANON");
    CHECK_STR_EQ(norm("+7378742833"), "ANON");
    CHECK_STR_EQ(norm("+8656696"), "ANON");
    CHECK_STR_EQ(norm("+86282452253"), "ANON");
    CHECK_STR_EQ(norm("266696687"), "ANON");
    CHECK_STR_EQ(norm("sip:+266696687@host"), "ANON");
    CHECK_INT_EQ(elaaoms_caller_normalize(NULL, 3, key, sizeof(key)),
                 ELAAOMS_CALLER_ANONYMOUS);

    memset(big, '1', sizeof(big));
    CHECK_INT_EQ(elaaoms_caller_normalize(big, sizeof(big), key, sizeof(key)),
                 ELAAOMS_CALLER_ANONYMOUS);

    /* too small an output is an error, not a truncated key */
    CHECK_INT_EQ(elaaoms_caller_normalize("+14155550123", 12, key, 12),
                 ELAAOMS_CALLER_NOSPACE);
    CHECK_STR_EQ(key, "");
    CHECK_INT_EQ(elaaoms_caller_normalize("+14155550123", 12, key, 13), 12);
    CHECK_INT_EQ(elaaoms_caller_normalize("abc", 3, key, 0),
                 ELAAOMS_CALLER_NOSPACE);
}


static void
test_user_id(void)
{
    CHECK_STR_EQ(norm_user("user_abc-123"), "id:user_abc-123");
    /* a customer number is not a national phone number */
    CHECK_STR_EQ(norm_user("4155550123"), "id:4155550123");
    CHECK_STR_EQ(norm_user("415-555-0123"), "id:415-555-0123");
    CHECK_STR_EQ(norm_user("+1 415 555 0123"), "+14155550123");
    CHECK_STR_EQ(norm_user("0044 20 7946 0958"), "+442079460958");
    CHECK_STR_EQ(norm_user("+12"), "ANON");
    CHECK_STR_EQ(norm_user("anonymous"), "ANON");
    CHECK_STR_EQ(norm_user(""), "ANON");
}


static void
test_key_valid(void)
{
    CHECK_INT_EQ(elaaoms_caller_key_valid("+14155550123"), 1);
    CHECK_INT_EQ(elaaoms_caller_key_valid("4155550123"), 1);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:user_abc-123"), 1);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:a"), 1);

    CHECK_INT_EQ(elaaoms_caller_key_valid(NULL), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid(""), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+0123"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+12"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+1234567890123456"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+1 415"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:..."), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:ABC"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:a/b"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("user_abc"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid(
        "id:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        0);

    /* whatever the normalizer writes is a valid key */
    CHECK(elaaoms_caller_normalize("+1 (415) 555-0123", 17, key,
                                   sizeof(key)) > 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid(key), 1);
    CHECK(elaaoms_caller_normalize("Some.User", 9, key, sizeof(key)) > 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid(key), 1);
}


static yajl_val
tree(const char *json)
{
    return elaaoms_json_parse(json, strlen(json), 64, NULL, NULL, 0);
}


static void
test_resolve(void)
{
    yajl_val     v;
    const char  *src;

    v = tree("{\"metadata\":{\"phone_call\":{\"external_number\":"
             "\"+1 (415) 555-0123\"}},"
             "\"conversation_initiation_client_data\":{\"dynamic_variables\":"
             "{\"system__caller_id\":\"+15550000000\"}},"
             "\"user_id\":\"user_x\"}");
    CHECK_INT_EQ(elaaoms_caller_resolve_postcall(v, key, sizeof(key), &src),
                 12);
    CHECK_STR_EQ(key, "+14155550123");
    CHECK_STR_EQ(src, "metadata.phone_call.external_number");
    yajl_tree_free(v);

    /* null / empty / unusable external numbers fall through */
    v = tree("{\"metadata\":{\"phone_call\":{\"external_number\":null}},"
             "\"conversation_initiation_client_data\":{\"dynamic_variables\":"
             "{\"system__caller_id\":\"+1 415 555 0199\"}}}");
    CHECK_INT_EQ(elaaoms_caller_resolve_postcall(v, key, sizeof(key), &src),
                 12);
    CHECK_STR_EQ(key, "+14155550199");
    CHECK_STR_EQ(src, "dynamic_variables.system__caller_id");
    yajl_tree_free(v);

    v = tree("{\"metadata\":{\"phone_call\":{\"external_number\":\"\"}},"
             "\"conversation_initiation_client_data\":{\"dynamic_variables\":"
             "{\"system__caller_id\":\"anonymous\"}},"
             "\"user_id\":\"User_42\"}");
    CHECK(elaaoms_caller_resolve_postcall(v, key, sizeof(key), &src) > 0);
    CHECK_STR_EQ(key, "id:user_42");
    CHECK_STR_EQ(src, "user_id");
    yajl_tree_free(v);

    /* a numeric user id stays an id */
    v = tree("{\"user_id\":\"4155550123\",\"metadata\":{}}");
    CHECK(elaaoms_caller_resolve_postcall(v, key, sizeof(key), NULL) > 0);
    CHECK_STR_EQ(key, "id:4155550123");
    yajl_tree_free(v);

    /* wrong types are skipped, nothing left: anonymous */
    v = tree("{\"metadata\":{\"phone_call\":{\"external_number\":14155550123}},"
             "\"user_id\":null}");
    src = "unchanged";
    CHECK_INT_EQ(elaaoms_caller_resolve_postcall(v, key, sizeof(key), &src),
                 ELAAOMS_CALLER_ANONYMOUS);
    CHECK_STR_EQ(key, "");
    CHECK(src == NULL);
    yajl_tree_free(v);

    CHECK_INT_EQ(elaaoms_caller_resolve_postcall(NULL, key, sizeof(key), NULL),
                 ELAAOMS_CALLER_ANONYMOUS);

    /* a small buffer is reported, not skipped */
    v = tree("{\"user_id\":\"someone\"}");
    CHECK_INT_EQ(elaaoms_caller_resolve_postcall(v, key, 4, NULL),
                 ELAAOMS_CALLER_NOSPACE);
    yajl_tree_free(v);

    /* initiation failures: the callee */
    v = tree("{\"metadata\":{\"type\":\"twilio\",\"body\":{\"From\":"
             "\"+18005550100\",\"To\":\"+14155550123\"}}}");
    CHECK_INT_EQ(elaaoms_caller_resolve_failure(v, key, sizeof(key), &src),
                 12);
    CHECK_STR_EQ(key, "+14155550123");
    CHECK_STR_EQ(src, "metadata.body.To");
    yajl_tree_free(v);

    v = tree("{\"metadata\":{\"type\":\"sip\",\"body\":{\"from_number\":"
             "\"+18005550100\",\"to_number\":\"+1 415 555 0123\"}}}");
    CHECK_INT_EQ(elaaoms_caller_resolve_failure(v, key, sizeof(key), &src),
                 12);
    CHECK_STR_EQ(key, "+14155550123");
    CHECK_STR_EQ(src, "metadata.body.to_number");
    yajl_tree_free(v);

    v = tree("{\"metadata\":{\"type\":\"sip\",\"body\":{}}}");
    CHECK_INT_EQ(elaaoms_caller_resolve_failure(v, key, sizeof(key), &src),
                 ELAAOMS_CALLER_ANONYMOUS);
    yajl_tree_free(v);
}


int
main(void)
{
    test_numbers();
    test_identifiers();
    test_anonymous();
    test_user_id();
    test_key_valid();
    test_resolve();

    return UNIT_DONE("caller_id");
}
