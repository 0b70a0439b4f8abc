/*
 * lib/caller_id: number and identifier normalization, withheld callers,
 * post-call and initiation-failure resolution.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "intake/caller_id.h"
#include "intake/intake.h"
#include "util/json_parse.h"


static char  key[ELAAOMS_CALLER_MAX];


/* the key, or "ANON" / "INVALID" / "ERR" */
static const char *
norm(const char *in)
{
    int  rc;

    rc = elaaoms_caller_normalize(in, strlen(in), key, sizeof(key));
    if (rc == ELAAOMS_CALLER_ANONYMOUS || rc == ELAAOMS_CALLER_INVALID) {
        if (key[0] != '\0') {
            return "refused-but-written";
        }

        return rc == ELAAOMS_CALLER_ANONYMOUS ? "ANON" : "INVALID";
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
    return rc > 0 ? key : rc == ELAAOMS_CALLER_ANONYMOUS ? "ANON"
                        : rc == ELAAOMS_CALLER_INVALID ? "INVALID" : "ERR";
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


/* "id:h-" + the first 32 hex digits of SHA-256(s), computed here */
static const char *
hashed(const char *s)
{
    static char  out[ELAAOMS_CALLER_MAX];
    char         hex[ELAAOMS_SHA256_HEX_LEN + 1];

    elaaoms_sha256_hex(s, strlen(s), hex);
    snprintf(out, sizeof(out), "id:h-%.32s", hex);

    return out;
}


static void
test_identifiers(void)
{
    char  long_id[80], want[ELAAOMS_CALLER_MAX];

    /* the key alphabet as it is: kept exactly, case included */
    CHECK_STR_EQ(norm("user_abc-123"), "id:user_abc-123");
    CHECK_STR_EQ(norm("User_ABC-123"), "id:User_ABC-123");
    CHECK_STR_EQ(norm("  Maria.Lopez  "), "id:Maria.Lopez");
    CHECK_STR_EQ(norm("1-800-FLOWERS"), "id:1-800-FLOWERS");
    CHECK_STR_EQ(norm("Alice"), "id:Alice");

    /* anything else: the hash of the exact identifier, nothing dropped */
    CHECK_STR_EQ(norm("a b/c\\d\"e'f<g>"), hashed("a b/c\\d\"e'f<g>"));
    CHECK_STR_EQ(norm("jos\xc3\xa9"), hashed("jos\xc3\xa9"));
    CHECK_STR_EQ(norm("a+b@x.com"), hashed("a+b@x.com"));
    CHECK_STR_EQ(norm("\xe7\x8e\x8b\xe4\xbc\x9f" "1"),
                 hashed("\xe7\x8e\x8b\xe4\xbc\x9f" "1"));
    CHECK_STR_EQ(norm("sip:alice@pbx.example.com;transport=tls"),
                 hashed("sip:alice@pbx.example.com"));
    CHECK_STR_EQ(norm("<SIPS:alice@pbx.example.com:5061>"),
                 hashed("sip:alice@pbx.example.com"));
    CHECK_STR_EQ(norm("sip:alice:secret@[2001:db8::1]:5060"),
                 hashed("sip:alice@[2001:db8::1]"));
    CHECK_INT_EQ(strlen(norm("a+b@x.com")), 3 + 2 + ELAAOMS_CALLER_HASH_HEX);

    /* the review's merges: each pair now gets two keys */
    CHECK(strcmp(norm("sip:alice@pbx.example"), hashed("sip:alicep@bx.example"))
          != 0);
    CHECK_STR_EQ(norm("sip:alicep@bx.example"), hashed("sip:alicep@bx.example"));
    strcpy(want, norm("\xe7\x8e\x8b\xe4\xbc\x9f" "1"));     /* 王伟1 */
    CHECK(strcmp(want, norm("\xe6\x9d\x8e\xe5\xa8\x9c" "1")) != 0); /* 李娜1 */
    strcpy(want, norm("a+b@x.com"));
    CHECK(strcmp(want, norm("ab@x.com")) != 0);
    CHECK_STR_EQ(norm("Jos"), "id:Jos");
    CHECK(strcmp(norm("Jos\xc3\xa9"), "id:Jos") != 0);

    /* ASCII whitespace at the ends never changes the kind */
    CHECK_STR_EQ(norm("+14155550123\n"), "+14155550123");
    CHECK_STR_EQ(norm("\r\n +1 415 555 0123\r\n"), "+14155550123");
    CHECK_STR_EQ(norm("\v\fuser_42\n"), "id:user_42");
    CHECK_STR_EQ(norm("a+b@x.com\n"), hashed("a+b@x.com"));
    CHECK_STR_EQ(norm_user("User_42\n"), "id:User_42");
    CHECK_STR_EQ(norm_user("+1 415 555 0123\n"), "+14155550123");

    /* the NUL is not a terminator, and not an identity either */
    CHECK_INT_EQ(elaaoms_caller_normalize("ab\0cd", 5, key, sizeof(key)),
                 ELAAOMS_CALLER_INVALID);
    CHECK_STR_EQ(key, "");
    CHECK_STR_EQ(norm("ab\ncd"), "INVALID");
    CHECK_STR_EQ(norm("ab\x7f"), "INVALID");
    /* not UTF-8: a lone continuation, an overlong '/', a surrogate */
    CHECK_STR_EQ(norm("ab\x80"), "INVALID");
    CHECK_STR_EQ(norm("ab\xc0\xaf"), "INVALID");
    CHECK_STR_EQ(norm("ab\xed\xa0\x80"), "INVALID");
    CHECK_STR_EQ(norm("ab\xe7\x8e"), "INVALID");

    memset(long_id, 'x', 64);
    long_id[64] = '\0';
    CHECK_INT_EQ(elaaoms_caller_normalize(long_id, 64, key, sizeof(key)), 67);
    CHECK_INT_EQ(strlen(key), 67);
    CHECK(strncmp(key, "id:xxx", 6) == 0);
    /* 65 characters: hashed, never cut */
    long_id[64] = 'x';
    long_id[65] = '\0';
    CHECK_STR_EQ(norm(long_id), hashed(long_id));
    strcpy(want, key);
    long_id[64] = 'y';
    CHECK(strcmp(norm(long_id), want) != 0);
    /* leading whitespace is trimmed, not counted */
    memset(long_id, ' ', sizeof(long_id));
    memcpy(long_id + 70, "abc", 3);
    long_id[73] = '\0';
    CHECK_STR_EQ(norm(long_id), "id:abc");

    /* a plain id shaped like a hashed key is hashed itself */
    CHECK_STR_EQ(norm("h-0123456789abcdef0123456789abcdef"),
                 hashed("h-0123456789abcdef0123456789abcdef"));
    CHECK_STR_EQ(norm("h-0123456789ABCDEF0123456789ABCDEF"),
                 "id:h-0123456789ABCDEF0123456789ABCDEF");
    CHECK_STR_EQ(norm("h-12"), "id:h-12");

    /* punctuation alone is no identity */
    CHECK_STR_EQ(norm("..."), "INVALID");
    CHECK_STR_EQ(norm("-_-"), "INVALID");
    CHECK_STR_EQ(norm("!!!"), "INVALID");
    CHECK_STR_EQ(norm("+"), "INVALID");
    CHECK_STR_EQ(norm("()- "), "INVALID");
    CHECK_STR_EQ(norm("sip:alice@..."), "INVALID");
    /* a SIP URI is never the user id of the same text */
    CHECK_STR_EQ(norm("sip:Alice"), hashed("sip:Alice"));
    CHECK_STR_EQ(norm("SIPS:Alice;transport=tls"), hashed("sip:Alice"));
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
                 ELAAOMS_CALLER_INVALID);
    CHECK_STR_EQ(key, "");

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
    CHECK_STR_EQ(norm_user("alice@example.com"), hashed("alice@example.com"));
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
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:User_ABC"), 1);
    CHECK_INT_EQ(elaaoms_caller_key_valid(hashed("x@y")), 1);

    CHECK_INT_EQ(elaaoms_caller_key_valid(NULL), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid(""), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+0123"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+12"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+1234567890123456"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("+1 415"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:..."), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:a@b"), 0);
    CHECK_INT_EQ(elaaoms_caller_key_valid("id:a b"), 0);
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

/*
 * The property: distinct identifiers never share a key.  Every base
 * identifier is mutated the ways the review found merges (a moved '@', a
 * dropped character, a case change, a non-ASCII letter, a '+', an inner
 * space); each variant that gets a key must get its own.  The "sip:"
 * scheme is left alone (its case and "sips" are formatting by design).
 */

#define PROP_MAX  8192

static char  *prop_ids[PROP_MAX];
static char  *prop_keys[PROP_MAX];
static int    prop_n;


static void
prop_add(const char *prefix, const char *body, size_t blen)
{
    int     i;
    char    buf[256];
    size_t  plen = strlen(prefix);

    if (prop_n == PROP_MAX || plen + blen + 1 > sizeof(buf)) {
        return;
    }

    memcpy(buf, prefix, plen);
    memcpy(buf + plen, body, blen);
    buf[plen + blen] = '\0';

    /* the ends are trimmed by design: variants there are the same id */
    if (buf[0] == ' ' || (plen + blen > 0 && buf[plen + blen - 1] == ' ')) {
        return;
    }

    for (i = 0; i < prop_n; i++) {
        if (strcmp(prop_ids[i], buf) == 0) {
            return;
        }
    }

    prop_ids[prop_n++] = strdup(buf);
}


/* length of the UTF-8 character at s[i] */
static size_t
prop_char_len(const char *s, size_t i)
{
    size_t  k = 1;

    while ((s[i + k] & 0xc0) == 0x80) {
        k++;
    }

    return k;
}


static void
prop_mutate(const char *prefix, const char *b)
{
    char          m[256];
    size_t        n, i, k, j;
    const char   *at;
    static const char  *inserts[] = { "+", " ", "\xc3\xa9", "\xe4\xbc\x9f",
                                      "@", NULL };

    n = strlen(b);
    prop_add(prefix, b, n);

    for (i = 0; i < n; i += k) {
        k = prop_char_len(b, i);

        /* dropped character */
        memcpy(m, b, i);
        memcpy(m + i, b + i + k, n - i - k);
        prop_add(prefix, m, n - k);

        /* case change */
        if ((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z')) {
            memcpy(m, b, n);
            m[i] ^= 0x20;
            prop_add(prefix, m, n);
        }

        /* inserted '+', space, non-ASCII letters, '@' */
        for (j = 0; inserts[j] != NULL; j++) {
            size_t  l = strlen(inserts[j]);

            memcpy(m, b, i);
            memcpy(m + i, inserts[j], l);
            memcpy(m + i + l, b + i, n - i);
            prop_add(prefix, m, n + l);
        }
    }

    /* the '@' moved one character left and right */
    at = strchr(b, '@');
    if (at != NULL) {
        i = (size_t) (at - b);

        if (i > 0) {
            memcpy(m, b, n);
            m[i] = m[i - 1];
            m[i - 1] = '@';
            prop_add(prefix, m, n);
        }

        if (i + 1 < n) {
            memcpy(m, b, n);
            m[i] = m[i + 1];
            m[i + 1] = '@';
            prop_add(prefix, m, n);
        }
    }
}


static int
prop_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


static void
test_distinct_ids_distinct_keys(void)
{
    int          i, keyed, rc, dups, unstable, refused;
    char         k[ELAAOMS_CALLER_MAX], k2[ELAAOMS_CALLER_MAX];
    char         padded[300];
    static char  *sorted[PROP_MAX];

    static const char  *plain[] = {
        "alice", "Bob.Smith", "user_42", "alice@pbx.example",
        "a+b@x.com", "ab@x.com", "jos\xc3\xa9", "Jos",
        "\xe7\x8e\x8b\xe4\xbc\x9f" "1", "\xe6\x9d\x8e\xe5\xa8\x9c" "1",
        "Zo\xc3\xab-Ann", "customer-000123", "1-800-FLOWERS",
        "maria lopez", "x", "\xce\xa9mega", NULL
    };
    static const char  *sip[] = {
        "alice@pbx.example", "alicep@bx.example", "bob@10.0.0.1",
        "carol@PBX.example", NULL
    };

    prop_n = 0;

    for (i = 0; plain[i] != NULL; i++) {
        prop_mutate("", plain[i]);
    }

    for (i = 0; sip[i] != NULL; i++) {
        prop_mutate("sip:", sip[i]);
    }

    keyed = 0;
    unstable = 0;
    refused = 0;

    for (i = 0; i < prop_n; i++) {
        rc = elaaoms_caller_normalize(prop_ids[i], strlen(prop_ids[i]), k,
                                      sizeof(k));
        prop_keys[i] = NULL;

        if (rc <= 0) {
            /* only nothing, or a SIP URI without a user, is nobody */
            if (prop_ids[i][0] != '\0'
                && strncmp(prop_ids[i], "sip:@", 5) != 0)
            {
                printf("# refused (%d): \"%s\"\n", rc, prop_ids[i]);
                refused++;
            }
            continue;
        }

        /* the same identifier: the same key, and whitespace at the ends
           does not change it */
        snprintf(padded, sizeof(padded), " \t%s\r\n", prop_ids[i]);
        if (elaaoms_caller_normalize(padded, strlen(padded), k2, sizeof(k2))
            != rc || strcmp(k, k2) != 0)
        {
            printf("# \"%s\": %s, padded: %s\n", prop_ids[i], k, k2);
            unstable++;
        }

        prop_keys[i] = strdup(k);
        sorted[keyed++] = prop_keys[i];
    }

    /* letters everywhere: nothing here is withheld or garbled */
    CHECK(prop_n > 1000);
    CHECK(keyed > 1000);
    CHECK_INT_EQ(refused, 0);

    qsort(sorted, (size_t) keyed, sizeof(char *), prop_cmp);

    dups = 0;
    for (i = 1; i < keyed; i++) {
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            int  a;

            dups++;

            for (a = 0; a < prop_n && dups <= 5; a++) {
                if (prop_keys[a] && strcmp(prop_keys[a], sorted[i]) == 0) {
                    printf("# shared key %s: \"%s\"\n", sorted[i],
                           prop_ids[a]);
                }
            }
        }
    }

    CHECK_INT_EQ(dups, 0);
    CHECK_INT_EQ(unstable, 0);

    for (i = 0; i < prop_n; i++) {
        free(prop_ids[i]);
        free(prop_keys[i]);
    }
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
    CHECK_STR_EQ(key, "id:User_42");
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
    test_distinct_ids_distinct_keys();

    return UNIT_DONE("caller_id");
}
