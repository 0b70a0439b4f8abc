/*
 * The privacy filter: finds payment cards, SSNs, IBANs, e-mail addresses,
 * phone numbers and digit sequences spoken as words in transcript text
 * (before it goes to an LLM) and in memory content (before it is stored).
 *
 * What it finds, and the token that replaces it under REDACT:
 *
 *   [redacted-email]   local@domain.tld; spoken or disguised: "maria dot
 *                      lopez at gmail dot com", "maria (at) gmail (dot)
 *                      com", "anna [at] mail [dot] ru", "anna at mail.ru"
 *                      -- when the last label is a TLD of the table ("meet
 *                      at noon dot" is no address)
 *   [redacted-iban]    an IBAN, whole: country code, check digits and
 *                      11-30 letters and digits, unbroken or in groups of
 *                      four, valid by the ISO 13616 mod-97 check
 *   [redacted-card]    13-19 digits that pass the Luhn check, grouped by
 *                      spaces or dashes, or in card groupings (4-4-4-4,
 *                      4-6-5) joined by commas, slashes or filler words:
 *                      "4111, 1111, 1111, 1111", "4111/1111/...", "4111
 *                      1111 uh 1111 1111"
 *   [redacted-ssn]     ddd-dd-dddd, ddd dd dddd, ddd.dd.dddd; and 9 digits,
 *                      bare or 3-3-3, that "SSN", "social (security
 *                      number is)", "taxpayer" or "tax ID" lead up to
 *                      through filler words only ("is", "uh", "number",
 *                      ":" ...); ddd ddd ddd and ddd-ddd-ddd (how SSNs
 *                      and SINs are read out) with no context at all,
 *                      unless a phone word leads up to them
 *   [redacted-phone]   "+" or "00" and 8-15 digits; the North American
 *                      shapes (415) 555-0123, 415-555-0123, 415.555.0123,
 *                      1 415 555 0123, 4155550123, 14155550123, local
 *                      555-0123, and 415, 555, 0123 when area and exchange
 *                      codes are valid; national numbers behind a trunk
 *                      "0" (10-12 digits): UK 020 7946 0958, 0161 496
 *                      0000, 07700 900123; French 01 23 45 67 89 (or
 *                      dots); German 030 12345678, 0151 12345678,
 *                      089/1234567; 9 digits after a phone word ("my phone
 *                      is 612 345 678") -- except the caller key's own
 *                      number
 *   [redacted-number]  any other run of 13 or more digits (conservative:
 *                      a misheard card or an account number is as
 *                      sensitive as a card), and 6 or more digits spoken
 *                      as words: "four one one one ...", with "oh",
 *                      "o", "zero", "double five", "triple one", digits
 *                      mixed in ("four one 5 ..."), and commas and filler
 *                      words between them ("four one, uh, one one")
 *
 * Filler words are hesitations a transcript keeps: uh, um, er, ah, hmm,
 * like, so, okay, well, yeah.  Characters that look like ASCII ones are
 * read as them: full-width forms (U+FF20 at sign, digits, letters, full
 * stop), U+FE6B small at sign, the ideographic full stop, no-break and
 * thin spaces, Unicode hyphens and dashes; the original bytes are what
 * gets replaced.
 *
 * What stays: order and ticket codes ("XYZ-789", "TK-40211": digits glued
 * to letters are identifiers, never phone numbers), amounts ("64
 * dollars", "$1,250.00", "1 234,50 EUR"), dates, times, zip and postcodes,
 * versions, lists ("2019, 2020, 2021", "room 101 and 102": digits joined
 * by commas, slashes or fillers count only in card groupings, valid
 * North American shapes and national shapes, and a list of years or of
 * round numbers ("250, 300, 4000") never), and other digit runs of 12 or
 * fewer digits that match no shape above (a 12-digit tracking number
 * "7489 1234 5678" stays).  Spoken tens and teens ("forty one") are not
 * read as digits.
 *
 * The caller key (the caller's phone number, usually E.164) is the one
 * phone number that stays: a phone number or spoken digit sequence whose
 * digits equal the key's, whose last 10 digits equal the key's last 10,
 * or that is a national number ("020 7946 0958") whose digits after the
 * trunk "0" end the key ("+44 20 7946 0958"), is left as it is.  The
 * caller key may be NULL.
 *
 * Digit groups are joined across single spaces, dashes and parentheses,
 * so a list of numbers ("1234 5678 9012 3456") is judged as one run.
 *
 * The redacted text is a fixed point: filtering it again finds nothing
 * (the filter repeats itself on its own output until that holds; a
 * finding can hide a neighbour's shape, e.g. a spoken number taking the
 * tail of a written one).  fuzz/fuzz_privacy.c checks it.
 */

#ifndef ELAAOMS_PRIVACY_H
#define ELAAOMS_PRIVACY_H

#include <stddef.h>

typedef enum {
    /* replace each finding by its "[redacted-...]" token */
    ELAAOMS_PRIVACY_REDACT = 0,
    /* for memory content: any finding means the whole item is dropped */
    ELAAOMS_PRIVACY_DROP
} elaaoms_privacy_policy_e;

typedef struct {
    unsigned  cards;
    unsigned  ssns;
    unsigned  emails;
    unsigned  phones;
    unsigned  numbers;
    unsigned  ibans;
} elaaoms_privacy_counts_t;

#define ELAAOMS_REDACTED_CARD    "[redacted-card]"
#define ELAAOMS_REDACTED_SSN     "[redacted-ssn]"
#define ELAAOMS_REDACTED_EMAIL   "[redacted-email]"
#define ELAAOMS_REDACTED_PHONE   "[redacted-phone]"
#define ELAAOMS_REDACTED_NUMBER  "[redacted-number]"
#define ELAAOMS_REDACTED_IBAN    "[redacted-iban]"

/*
 * Filters len bytes of in (need not be NUL-terminated; NUL bytes are
 * ordinary bytes; in may be NULL when len is 0).  Returns the number of
 * findings (0: the text is clean), or -1 when memory runs out (then *out
 * is NULL).
 *
 * REDACT: *out is the filtered text, NUL-terminated, *outlen its length.
 * DROP:   with findings *out is NULL and *outlen 0 -- drop the item; a
 *         clean text gives a copy in *out as under REDACT.
 *
 * *out is allocated with malloc and owned by the caller (free()).  counts
 * may be NULL; otherwise it is zeroed, then counts each finding.
 */
int elaaoms_privacy_filter(const char *in, size_t len, const char *caller_key,
    elaaoms_privacy_policy_e policy, char **out, size_t *outlen,
    elaaoms_privacy_counts_t *counts);

#endif /* ELAAOMS_PRIVACY_H */
