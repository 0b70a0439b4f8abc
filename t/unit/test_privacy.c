#include <stdlib.h>

#include "unit.h"
#include "extract/privacy.h"

#define KEY  "+14155550123"

static elaaoms_privacy_counts_t  counts;
static int                       found;


/* REDACT with the test caller key; the result lives until the next call */
static const char *
redact_key(const char *text, const char *key)
{
    static char  *last;
    size_t        n;

    free(last);
    last = NULL;

    found = elaaoms_privacy_filter(text, strlen(text), key,
                                   ELAAOMS_PRIVACY_REDACT, &last, &n,
                                   &counts);
    if (found < 0 || last == NULL || strlen(last) != n) {
        return "(error)";
    }

    return last;
}


static const char *
redact(const char *text)
{
    return redact_key(text, KEY);
}


static void
test_cards(void)
{
    CHECK_STR_EQ(redact("my card is 4111 1111 1111 1111 thanks"),
                 "my card is [redacted-card] thanks");
    CHECK_INT_EQ(found, 1);
    CHECK_INT_EQ(counts.cards, 1);

    CHECK_STR_EQ(redact("4111-1111-1111-1111"), "[redacted-card]");
    CHECK_STR_EQ(redact("card:4111111111111111."), "card:[redacted-card].");
    /* Amex grouping, 15 digits */
    CHECK_STR_EQ(redact("amex 3782 822463 10005"), "amex [redacted-card]");
    /* 13 digits, the shortest card */
    CHECK_STR_EQ(redact("old visa 4222222222222"), "old visa [redacted-card]");

    /* not Luhn-valid: still 16 digits nobody should keep, so a number */
    CHECK_STR_EQ(redact("card 4111 1111 1111 1112"), "card [redacted-number]");
    CHECK_INT_EQ(counts.cards, 0);
    CHECK_INT_EQ(counts.numbers, 1);

    /* longer than any card */
    CHECK_STR_EQ(redact("account 12345678901234567890123"),
                 "account [redacted-number]");

    /* 12 digits match no shape: a tracking number stays */
    CHECK_STR_EQ(redact("tracking 7489 1234 5678"),
                 "tracking 7489 1234 5678");
    CHECK_INT_EQ(found, 0);
}


static void
test_ssn(void)
{
    CHECK_STR_EQ(redact("SSN 123-45-6789."), "SSN [redacted-ssn].");
    CHECK_INT_EQ(counts.ssns, 1);
    CHECK_STR_EQ(redact("it is 123 45 6789"), "it is [redacted-ssn]");
    CHECK_STR_EQ(redact("SSN-123-45-6789"), "SSN-[redacted-ssn]");

    /* 9 bare digits only with SSN words nearby */
    CHECK_STR_EQ(redact("my social security number is 123456789"),
                 "my social security number is [redacted-ssn]");
    CHECK_STR_EQ(redact("Tax ID: 987654321"), "Tax ID: [redacted-ssn]");
    CHECK_STR_EQ(redact("SSN: my number is 123456789"),
                 "SSN: my number is [redacted-ssn]");
    CHECK_STR_EQ(redact("order 123456789 shipped"),
                 "order 123456789 shipped");
    CHECK_STR_EQ(redact("antisocial 123456789"), "antisocial 123456789");
    CHECK_STR_EQ(redact("my SSN? Not telling. Order 123456789"),
                 "my SSN? Not telling. Order 123456789");

    /* mixed separators and zip+4 are no SSN */
    CHECK_STR_EQ(redact("zip 78701-1234"), "zip 78701-1234");
    CHECK_STR_EQ(redact("ref 123-45 6789"), "ref 123-45 6789");
}


static void
test_emails(void)
{
    CHECK_STR_EQ(redact("write to maria.lopez+orders@example.co.uk."),
                 "write to [redacted-email].");
    CHECK_INT_EQ(counts.emails, 1);
    CHECK_STR_EQ(redact("(a_b@mail-host.com)"), "([redacted-email])");

    /* spoken */
    CHECK_STR_EQ(redact("it's maria dot lopez at gmail dot com, ok"),
                 "it's [redacted-email], ok");
    CHECK_STR_EQ(redact("maria at gmail.com"), "[redacted-email]");
    CHECK_STR_EQ(redact("j underscore smith at work dot example dot org"),
                 "[redacted-email]");

    /* not addresses */
    CHECK_STR_EQ(redact("meet me at the store at noon"),
                 "meet me at the store at noon");
    CHECK_STR_EQ(redact("I was at home. Com is not a word"),
                 "I was at home. Com is not a word");
    CHECK_STR_EQ(redact("@handle and a@b and x@y.z1"),
                 "@handle and a@b and x@y.z1");
    CHECK_STR_EQ(redact("look at the website dot com"),
                 "look at the website dot com");
    CHECK_INT_EQ(found, 0);
}


static void
test_phones(void)
{
    CHECK_STR_EQ(redact("call (415) 555-0199 please"),
                 "call [redacted-phone] please");
    CHECK_INT_EQ(counts.phones, 1);
    CHECK_STR_EQ(redact("415.555.0199"), "[redacted-phone]");
    CHECK_STR_EQ(redact("415-555-0199"), "[redacted-phone]");
    CHECK_STR_EQ(redact("4155550199"), "[redacted-phone]");
    CHECK_STR_EQ(redact("1 415 555 0199"), "[redacted-phone]");
    CHECK_STR_EQ(redact("+44 20 7946 0958"), "[redacted-phone]");
    CHECK_STR_EQ(redact("0044 20 7946 0958"), "[redacted-phone]");
    CHECK_STR_EQ(redact("or 555-0199"), "or [redacted-phone]");
    CHECK_STR_EQ(redact("+1 (415) 555-0199."), "[redacted-phone].");

    /* the caller's own number stays, however it is written */
    CHECK_STR_EQ(redact("call me back at 415-555-0123"),
                 "call me back at 415-555-0123");
    CHECK_STR_EQ(redact("+1 415 555 0123"), "+1 415 555 0123");
    CHECK_STR_EQ(redact("+14155550123"), "+14155550123");
    CHECK_INT_EQ(found, 0);
    /* ... and only it */
    CHECK_STR_EQ(redact("mine is 415-555-0123, hers 415-555-0124"),
                 "mine is 415-555-0123, hers [redacted-phone]");
    CHECK_INT_EQ(found, 1);

    /* without a caller key every number goes */
    CHECK_STR_EQ(redact_key("415-555-0123", NULL), "[redacted-phone]");
    CHECK_STR_EQ(redact_key("415-555-0123", ""), "[redacted-phone]");

    /* identifiers and prices are no phones */
    CHECK_STR_EQ(redact("account A4155550199"), "account A4155550199");
    CHECK_STR_EQ(redact("router X200 555 0199"),
                 "router X200 [redacted-phone]");
    CHECK_STR_EQ(redact("order XYZ-789 4111 1111 1111 1111"),
                 "order XYZ-789 [redacted-card]");
    CHECK_STR_EQ(redact("IP 192.168.100.200"), "IP 192.168.100.200");
    CHECK_STR_EQ(redact("version 1.2.3, 3.50 each"),
                 "version 1.2.3, 3.50 each");
}


static void
test_spoken(void)
{
    CHECK_STR_EQ(redact("it's four one one one one one one one one one one "
                        "one one one one one."),
                 "it's [redacted-number].");
    CHECK_INT_EQ(counts.numbers, 1);

    CHECK_STR_EQ(redact("five double five, one two three"),
                 "[redacted-number]");
    CHECK_STR_EQ(redact("Oh four one, triple seven"), "[redacted-number]");
    CHECK_STR_EQ(redact("Zero, one, two, three, four, five."),
                 "[redacted-number].");
    CHECK_STR_EQ(redact("four one 5 5 five five then"),
                 "[redacted-number] then");

    /* the caller key said aloud stays */
    CHECK_STR_EQ(redact("four one five five five five oh one two three"),
                 "four one five five five five oh one two three");
    CHECK_STR_EQ(redact("four one five five five five oh one two four"),
                 "[redacted-number]");

    /* too short, or not in a row */
    CHECK_STR_EQ(redact("one two three four five"),
                 "one two three four five");
    CHECK_STR_EQ(redact("one of my orders, two or three times"),
                 "one of my orders, two or three times");
    CHECK_STR_EQ(redact("a double espresso, one two"),
                 "a double espresso, one two");
    CHECK_STR_EQ(redact("one two three and four five six"),
                 "one two three and four five six");
    CHECK_INT_EQ(found, 0);

    /* "double" with nothing to double ends the number before it */
    CHECK_STR_EQ(redact("one two three four five six double trouble"),
                 "[redacted-number] double trouble");
}


static void
test_survivors(void)
{
    static const char  *keep[] = {
        "Order XYZ-789 is delayed",
        "Was charged 64 dollars twice",
        "Disputed a $1,250.00 charge",
        "Delivered on 2024-05-03 at 10:30",
        "Ticket number TK-40211 is open",
        "Router model is X200",
        "Lives at 12 Elm Street, Austin TX 78701",
        "Signed up for the 500 Mbps plan in 2019",
        "Available after 5pm on weekdays",
        "Prefers email over phone calls",
        "Caller's name is Maria Lopez",
        "Package 55-A21 arrived damaged",
        "",
        NULL
    };
    const char  **k;

    for (k = keep; *k; k++) {
        CHECK_STR_EQ(redact(*k), *k);
        CHECK_INT_EQ(found, 0);
    }
}


static void
test_policy_and_counts(void)
{
    int                       rc;
    char                     *out;
    size_t                    n;
    const char               *clean = "Prefers email over phone calls";
    const char               *dirty = "card 4111 1111 1111 1111";
    const char               *mixed = "mail a@b.com or 415-555-0199, "
                                      "card 4111111111111111, "
                                      "SSN 123-45-6789, pin one two three "
                                      "four five six";
    const char               *iban = "IBAN DE89370400440532013000";
    static const char         nul[] = "a\0b 415-555-0199";

    rc = elaaoms_privacy_filter(clean, strlen(clean), KEY,
                                ELAAOMS_PRIVACY_DROP, &out, &n, &counts);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(out, clean);
    CHECK_INT_EQ(n, strlen(clean));
    free(out);

    rc = elaaoms_privacy_filter(dirty, strlen(dirty), KEY,
                                ELAAOMS_PRIVACY_DROP, &out, &n, &counts);
    CHECK_INT_EQ(rc, 1);
    CHECK(out == NULL);
    CHECK_INT_EQ(n, 0);
    CHECK_INT_EQ(counts.cards, 1);

    CHECK_STR_EQ(redact(mixed),
                 "mail [redacted-email] or [redacted-phone], "
                 "card [redacted-card], SSN [redacted-ssn], "
                 "pin [redacted-number]");
    CHECK_INT_EQ(found, 5);
    CHECK_INT_EQ(counts.emails, 1);
    CHECK_INT_EQ(counts.phones, 1);
    CHECK_INT_EQ(counts.cards, 1);
    CHECK_INT_EQ(counts.ssns, 1);
    CHECK_INT_EQ(counts.numbers, 1);

    /* an IBAN is one finding of its own kind, its digit groups with it */
    CHECK_STR_EQ(redact("pay to GB82 WEST 1234 5698 7654 32, card "
                        "4111, 1111, 1111, 1111"),
                 "pay to [redacted-iban], card [redacted-card]");
    CHECK_INT_EQ(found, 2);
    CHECK_INT_EQ(counts.ibans, 1);
    CHECK_INT_EQ(counts.cards, 1);
    CHECK_INT_EQ(counts.numbers, 0);

    rc = elaaoms_privacy_filter(iban, strlen(iban), KEY,
                                ELAAOMS_PRIVACY_DROP, &out, &n, &counts);
    CHECK_INT_EQ(rc, 1);
    CHECK(out == NULL);
    CHECK_INT_EQ(counts.ibans, 1);

    /* overlapping findings merge: the e-mail wins over its digits */
    CHECK_STR_EQ(redact("text 4155550199@txt.att.net"),
                 "text [redacted-email]");
    CHECK_INT_EQ(found, 1);

    /* counts may be NULL; NUL bytes are ordinary bytes */
    rc = elaaoms_privacy_filter(nul, sizeof(nul) - 1, KEY,
                                ELAAOMS_PRIVACY_REDACT, &out, &n, NULL);
    CHECK_INT_EQ(rc, 1);
    CHECK_INT_EQ(n, 4 + strlen("[redacted-phone]"));
    CHECK(out != NULL && memcmp(out, "a\0b [redacted-phone]", n + 1) == 0);
    free(out);

    rc = elaaoms_privacy_filter(NULL, 0, NULL, ELAAOMS_PRIVACY_REDACT, &out,
                                &n, &counts);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(out, "");
    free(out);
}


/* the redacted text passes the filter unchanged (fuzz/fuzz_privacy.c
 * checks this on random input; these were its first finds) */
static void
test_fixed_point(void)
{
    int           rc;
    char         *once, *twice;
    size_t        n1, n2;
    const char  **t;
    static const char  *texts[] = {
        /* a spoken number takes the tail of a written run */
        "2222222222)22,22222222222222 22222,22222222222222 o two",
        /* digits glued to an address, then a number */
        "xz@mple.com5 1415555012",
        /* a TLD followed by digits that get redacted */
        "maria at l dot co.01111111111111111111",
        "x@y.com.4111111111111111",
        /* an earlier redaction must not bring "ssn" near 9 digits */
        "ssn 123-45-6789 and then 123456789",
        "call 0958,5-0199 o",
        NULL
    };

    for (t = texts; *t; t++) {
        rc = elaaoms_privacy_filter(*t, strlen(*t), KEY,
                                    ELAAOMS_PRIVACY_REDACT, &once, &n1, NULL);
        CHECK(rc > 0 && once != NULL);
        if (once == NULL) {
            continue;
        }

        rc = elaaoms_privacy_filter(once, n1, KEY, ELAAOMS_PRIVACY_REDACT,
                                    &twice, &n2, NULL);
        CHECK_INT_EQ(rc, 0);
        CHECK_STR_EQ(twice, once);

        free(once);
        free(twice);
    }
}


int
main(void)
{
    test_cards();
    test_ssn();
    test_emails();
    test_phones();
    test_spoken();
    test_survivors();
    test_policy_and_counts();
    test_fixed_point();

    redact("");    /* frees the last result */

    return UNIT_DONE("privacy");
}
