/*
 * The privacy filter by class, one row per input: what REDACT makes of
 * it (with the caller key +14155550123 unless the row says otherwise),
 * and that the result passes the filter unchanged.  The second half are
 * look-alikes that must come back as they went in.
 */

#include <stdlib.h>

#include "unit.h"
#include "extract/privacy.h"

#define KEY  "+14155550123"

typedef struct {
    const char  *in;
    const char  *out;           /* NULL: unchanged */
    const char  *key;           /* NULL: KEY */
} row_t;


static const row_t  redacted[] = {

    /* cards: groups joined across commas, slashes and fillers, Luhn */
    { "4111, 1111, 1111, 1111", "[redacted-card]", NULL },
    { "4111,1111,1111,1111.", "[redacted-card].", NULL },
    { "4111/1111/1111/1111", "[redacted-card]", NULL },
    { "4111 / 1111 / 1111 / 1111", "[redacted-card]", NULL },
    { "4111 1111 uh 1111 1111", "[redacted-card]", NULL },
    { "card is 4111, um, 1111, 1111, 1111 ok", "card is [redacted-card] ok",
      NULL },
    { "4111 1111, like, 1111 1111 thanks", "[redacted-card] thanks", NULL },
    { "5500 0000 0000 0004", "[redacted-card]", NULL },
    { "6011, 1111, 1111, 1117", "[redacted-card]", NULL },
    { "amex 3782, 822463, 10005", "amex [redacted-card]", NULL },
    { "it's 4111 1111 so 1111 1111, expiry 12/27",
      "it's [redacted-card], expiry 12/27", NULL },
    /* card groupings that fail Luhn: the 13-digit rule */
    { "4111, 1111, 1111, 1112", "[redacted-number]", NULL },
    { "1234 5678 uh 9012 3456 7890", "[redacted-number]", NULL },
    /* a card after a phone number in one breath: each for itself */
    { "call 415 555 0199, 4111 1111 1111 1111",
      "call [redacted-phone], [redacted-card]", NULL },
    /* full-width digits and a no-break space */
    { "\xef\xbc\x94\xef\xbc\x91\xef\xbc\x91\xef\xbc\x91 1111 1111 1111",
      "[redacted-card]", NULL },
    { "4111\xc2\xa0" "1111\xc2\xa0" "1111\xc2\xa0" "1111", "[redacted-card]",
      NULL },

    /* spoken digits with commas and hesitations between them */
    { "four one one one, uh, one one one one, one one one one, one one one "
      "one", "[redacted-number]", NULL },
    { "it's four one, um, five five five, er, zero one nine nine.",
      "it's [redacted-number].", NULL },
    { "one two three, like, four five six", "[redacted-number]", NULL },
    { "nine eight seven uh 6 5 4 3", "[redacted-number]", NULL },
    /* a short number read back is no longer one; a long one still is */
    { "Sorry, no, 7713. Seven-seven-one-three.",
      "Sorry, no, 7713. Seven-seven-one-three.", NULL },
    { "It's four four nine one. 4491.", "It's four four nine one. 4491.",
      NULL },
    { "771377. seven seven one three seven seven.",
      "[redacted-number].", NULL },
    { "7713. seven seven one four.", "[redacted-number].", NULL },
    { "four one five, uh, five five five, oh one two three",
      "four one five, uh, five five five, oh one two three", NULL },

    /* SSNs */
    { "SSN 123.45.6789", "SSN [redacted-ssn]", NULL },
    { "ssn 123 45 6789", "ssn [redacted-ssn]", NULL },
    { "social security number is uh 123456789",
      "social security number is uh [redacted-ssn]", NULL },
    { "social security number is 123 456 789",
      "social security number is [redacted-ssn]", NULL },
    { "my number is 123 456 789", "my number is [redacted-ssn]", NULL },
    { "it's 123-456-789 on the card", "it's [redacted-ssn] on the card",
      NULL },
    { "SSN, my number is 123 456 789", "SSN, my number is [redacted-ssn]",
      NULL },
    { "my SSN: um, it's 123-456-789", "my SSN: um, it's [redacted-ssn]",
      NULL },
    { "taxpayer id 123.456.789", "taxpayer id [redacted-ssn]", NULL },
    { "tax ID is, like, 987654321", "tax ID is, like, [redacted-ssn]", NULL },

    /* phone numbers: international */
    { "+33 1 23 45 67 89", "[redacted-phone]", NULL },
    { "+49 30 12345678", "[redacted-phone]", NULL },
    { "0033 1 23 45 67 89", "[redacted-phone]", NULL },
    { "+44 (0)20 7946 0958", "[redacted-phone]", NULL },
    /* UK */
    { "ring 020 7946 0958 today", "ring [redacted-phone] today", NULL },
    { "07700 900123", "[redacted-phone]", NULL },
    { "07700 900 123", "[redacted-phone]", NULL },
    { "0161 496 0000", "[redacted-phone]", NULL },
    { "01632 960001", "[redacted-phone]", NULL },
    { "0800 123 4567", "[redacted-phone]", NULL },
    { "07700900123", "[redacted-phone]", NULL },
    /* French */
    { "01 23 45 67 89", "[redacted-phone]", NULL },
    { "06.12.34.56.78", "[redacted-phone]", NULL },
    { "06-12-34-56-78", "[redacted-phone]", NULL },
    /* German */
    { "030 12345678", "[redacted-phone]", NULL },
    { "0151 12345678", "[redacted-phone]", NULL },
    { "089/1234567", "[redacted-phone]", NULL },
    { "06221 123456", "[redacted-phone]", NULL },
    /* North American, loosely joined */
    { "415, 555, 0199", "[redacted-phone]", NULL },
    { "415 555 uh 0199", "[redacted-phone]", NULL },
    { "it is 415\xe2\x80\x93" "555\xe2\x80\x93" "0199",
      "it is [redacted-phone]", NULL },
    /* a 3-3-3 after a phone word */
    { "my phone number is 612 345 678", "my phone number is [redacted-phone]",
      NULL },
    /* the caller key, in national form, stays; others do not */
    { "call me on 020 7946 0958", "call me on 020 7946 0958",
      "+442079460958" },
    { "call me on 020 7946 0959", "call me on [redacted-phone]",
      "+442079460958" },
    { "01 23 45 67 89", "01 23 45 67 89", "+33123456789" },
    { "030 12345678", "030 12345678", "+493012345678" },
    { "415, 555, 0123", "415, 555, 0123", NULL },
    /* seven digits are a local phone number unless a reference word says */
    { "call me at 482-1937", "call me at [redacted-phone]", NULL },
    { "my cell is 482 1937", "my cell is [redacted-phone]", NULL },
    { "file 482-1937, or 482-1938 at home",
      "file 482-1937, or [redacted-phone] at home", NULL },
    /* a reference word does not save an SSN or a card */
    { "case number 123-45-6789", "case number [redacted-ssn]", NULL },
    { "order 123 456 789", "order [redacted-ssn]", NULL },
    { "ticket 4111 1111 1111 1111", "ticket [redacted-card]", NULL },

    /* e-mail, spoken and disguised */
    { "maria (at) gmail (dot) com", "[redacted-email]", NULL },
    { "maria(at)gmail(dot)com", "[redacted-email]", NULL },
    { "anna at mail dot ru", "[redacted-email]", NULL },
    { "anna [at] mail [dot] ru", "[redacted-email]", NULL },
    { "anna {at} mail {dot} co {dot} uk", "[redacted-email]", NULL },
    { "write to anna at mail.ru please", "write to [redacted-email] please",
      NULL },
    { "j (dot) smith (at) work (dot) org", "[redacted-email]", NULL },
    { "anna @ mail dot ru", "[redacted-email]", NULL },
    { "anna\xef\xbc\xa0mail.ru", "[redacted-email]", NULL },
    { "anna\xef\xb9\xabmail.ru", "[redacted-email]", NULL },
    { "anna\xef\xbc\xa0mail\xef\xbc\x8eru", "[redacted-email]", NULL },
    { "\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8e\xef\xbd\x81@mail.ru",
      "[redacted-email]", NULL },
    { "(anna at mail dot ru)", "([redacted-email])", NULL },

    /* IBANs, whole */
    { "IBAN DE89 3704 0044 0532 0130 00", "IBAN [redacted-iban]", NULL },
    { "GB82 WEST 1234 5698 7654 32 thanks", "[redacted-iban] thanks", NULL },
    { "DE89370400440532013000", "[redacted-iban]", NULL },
    { "iban: fr14 2004 1010 0505 0001 3m02 606.", "iban: [redacted-iban].",
      NULL },
    { "NL91 ABNA 0417 1643 00", "[redacted-iban]", NULL },
    { "ES91 2100 0418 4502 0005 1332", "[redacted-iban]", NULL },
    { "CH93 0076 2011 6238 5295 7", "[redacted-iban]", NULL },
    { "BE68 5390 0754 7034", "[redacted-iban]", NULL },
    { "IT60 X054 2811 1010 0000 0123 456", "[redacted-iban]", NULL },
    { "DE89 370400440532013000", "[redacted-iban]", NULL },

    { NULL, NULL, NULL }
};


static const char  *kept[] = {
    /* order and ticket numbers */
    "order 123456",
    "order 123456 shipped",
    "Ticket TK-40211 is open",
    "Order XYZ-789 is delayed",
    "order number 123456789",
    "ref A1B2C3D4",
    "the desk gave me file number 482-1937",
    "ticket 482-1937 is open",
    "claim #482-1937",
    "confirmation code is 482-1937",
    "case no. 482-1937",
    /* prices and amounts */
    "Disputed a $1,250.00 charge",
    "Was charged 64 dollars twice",
    "it cost 1 234,50 \xe2\x82\xac",
    "it cost 1\xc2\xa0" "234,50 \xe2\x82\xac",
    "$12,500,000 and $3,400,000",
    "1,234,567,890,123 views",
    "3.50 each, 2 for 6.00",
    /* dates and times */
    "Delivered on 2024-03-05",
    "due 05/03/2024",
    "March 5 2024",
    "at 10:30 or 14:45",
    "between 05/03/2024 and 06/03/2024",
    "in 2019, 2020, 2021",
    "in 2019, 2020, 2021, 2022",
    "in 1999/2000",
    /* postcodes */
    "Austin TX 78701",
    "zip 78701-1234",
    "zip 02134-1234",
    "SW1A 1AA",
    "75008 Paris",
    "10115 Berlin",
    /* quantities, versions, rooms, lists */
    "a 12-digit tracking number 7489 1234 5678",
    "version 1.2.3",
    "room 101 and 102",
    "rooms 101, 102, 103, 104, 105",
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13",
    "items 100, 200, 3000",
    "prices 250, 300, 4000",
    "1000, 2000, 3000, 4000 steps",
    "I have 2 like 3 kids",
    "the 500 Mbps plan",
    "IP 192.168.100.200",
    "scores 12/15/18",
    "50/50",
    "24/7",
    /* words that spoken forms use */
    "meet at noon dot",
    "meet me at the store at noon",
    "look at the website dot com",
    "I was at home. Com is not a word",
    "one of my orders, two or three times",
    "one two three uh four five",
    "so, like, one two, um, okay",
    "social media 2019",
    "a double espresso, one two",
    /* an IBAN that fails mod 97 is no IBAN (its digits are judged alone) */
    "model DE89 3704",
    "GB82 WEST and more",
    NULL
};


static int
filter(const char *in, const char *key, char **out, size_t *n)
{
    return elaaoms_privacy_filter(in, strlen(in), key,
                                  ELAAOMS_PRIVACY_REDACT, out, n, NULL);
}


/* the filter gives want, and filtering it again changes nothing */
static void
check(const char *in, const char *want, const char *key)
{
    int     rc, rc2;
    char   *out, *again;
    size_t  n, n2;

    rc = filter(in, key, &out, &n);
    if (!unit_tap_(rc >= 0 && out != NULL && strcmp(out, want) == 0
                   && (rc > 0) == (strcmp(in, want) != 0),
                   __FILE__, __LINE__, in))
    {
        printf("#   got \"%s\" (%d), expected \"%s\"\n",
               out ? out : "(null)", rc, want);
    }

    if (out == NULL) {
        return;
    }

    rc2 = filter(out, key, &again, &n2);
    if (!unit_tap_(rc2 == 0 && again != NULL && strcmp(again, out) == 0,
                   __FILE__, __LINE__, "a fixed point"))
    {
        printf("#   \"%s\" gave \"%s\" (%d)\n", out,
               again ? again : "(null)", rc2);
    }

    free(out);
    free(again);
}


int
main(void)
{
    int           rows;
    const row_t  *r;
    const char  **k;

    rows = 0;

    for (r = redacted; r->in; r++, rows++) {
        check(r->in, r->out, r->key ? r->key : KEY);
    }

    for (k = kept; *k; k++, rows++) {
        check(*k, *k, KEY);
    }

    printf("# %d rows\n", rows);

    return UNIT_DONE("privacy table");
}
