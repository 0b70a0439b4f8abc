/*
 * Caller identity normalization (see caller_id.h for the rules).
 */

#include <stdint.h>
#include <string.h>

#include "util/ascii.h"
#include "intake/caller_id.h"
#include "intake/intake.h"
#include "util/json_parse.h"


#define ELAAOMS_CALLER_ID_PREFIX    "id:"
#define ELAAOMS_CALLER_HASH_PREFIX  "h-"


/* words carriers and SDKs put where a withheld number would be */
static const char  *elaaoms_caller_withheld_words[] = {
    "anonymous", "restricted", "private", "unknown", "unavailable",
    "withheld", "blocked", "null", "none", "undefined", NULL
};

/* Twilio's From for withheld numbers: the words spelled on a keypad */
static const char  *elaaoms_caller_withheld_digits[] = {
    "266696687",     /* ANONYMOUS */
    "7378742833",    /* RESTRICTED */
    "8656696",       /* UNKNOWN */
    "86282452253",   /* UNAVAILABLE */
    "2562533",       /* BLOCKED */
    NULL
};


static char
elaaoms_caller_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}


static int
elaaoms_caller_is_digit(char c)
{
    return elaaoms_ascii_digit((unsigned char) c);
}


static int
elaaoms_caller_is_alnum(char c)
{
    return elaaoms_ascii_alnum((unsigned char) c);
}


/* the characters a plain "id:" key carries */
static int
elaaoms_caller_is_key_char(char c)
{
    return elaaoms_caller_is_alnum(c) || c == '.' || c == '_' || c == '-';
}


static int
elaaoms_caller_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
           || c == '\f';
}


/* case-insensitive: s[0..n) starts with the lowercase literal prefix */
static int
elaaoms_caller_has_prefix(const char *s, size_t n, const char *prefix)
{
    size_t  i, plen;

    plen = strlen(prefix);
    if (n < plen) {
        return 0;
    }

    for (i = 0; i < plen; i++) {
        if (elaaoms_caller_lower(s[i]) != prefix[i]) {
            return 0;
        }
    }

    return 1;
}


static int
elaaoms_caller_is_withheld_word(const char *s, size_t n)
{
    size_t  i;

    for (i = 0; elaaoms_caller_withheld_words[i] != NULL; i++) {
        if (strlen(elaaoms_caller_withheld_words[i]) == n
            && elaaoms_caller_has_prefix(s, n,
                                         elaaoms_caller_withheld_words[i]))
        {
            return 1;
        }
    }

    return 0;
}


static int
elaaoms_caller_is_withheld_number(const char *digits)
{
    size_t  i;

    for (i = 0; elaaoms_caller_withheld_digits[i] != NULL; i++) {
        if (strcmp(digits, elaaoms_caller_withheld_digits[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * 1 when s[0..n) is text an identity can be made of: valid UTF-8 (no
 * overlong forms, surrogates or code points past U+10FFFF), no ASCII
 * control character, and at least one letter or digit (any non-ASCII
 * character counts: "王伟" is a name, "..." is not).
 */
static int
elaaoms_caller_text_ok(const char *s, size_t n)
{
    size_t          i, k, more;
    uint32_t        cp, min;
    unsigned char   c;
    int             substance;

    substance = 0;

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return 0;
            }

            substance |= elaaoms_caller_is_alnum((char) c);
            continue;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            more = 1; cp = c & 0x1f; min = 0x80;

        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2; cp = c & 0x0f; min = 0x800;

        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3; cp = c & 0x07; min = 0x10000;

        } else {
            return 0;
        }

        if (n - i - 1 < more) {
            return 0;
        }

        for (k = 1; k <= more; k++) {
            c = (unsigned char) s[i + k];
            if ((c & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (c & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }

        i += more;
        substance = 1;
    }

    return substance;
}


static int
elaaoms_caller_emit(const char *prefix, const char *body, size_t blen,
    char *out, size_t outsz)
{
    size_t  plen;

    plen = strlen(prefix);

    if (plen + blen + 1 > outsz) {
        return ELAAOMS_CALLER_NOSPACE;
    }

    memcpy(out, prefix, plen);
    memcpy(out + plen, body, blen);
    out[plen + blen] = '\0';

    return (int) (plen + blen);
}


/*
 * Phone number reading.  1: a number, *intl and digits set; 0: does not
 * look like a number (letters...); ANONYMOUS: looks like one but is not
 * usable (too short, too long, "+0...").
 */
static int
elaaoms_caller_phone(const char *s, size_t n, int user_id,
    char digits[ELAAOMS_CALLER_MAX_DIGITS + 1], int *intl)
{
    char    c;
    size_t  i, count, skip, seen;

    if (n == 0) {
        return 0;
    }

    seen = 0;

    for (i = 0; i < n; i++) {
        c = s[i];

        if (c == '+' && i == 0) {
            continue;
        }

        if (elaaoms_caller_is_digit(c)) {
            seen++;
            continue;
        }

        if (c != ' ' && c != '\t' && c != '-' && c != '.' && c != '('
            && c != ')' && c != '/')
        {
            return 0;
        }
    }

    if (seen == 0) {
        return 0;
    }

    *intl = (s[0] == '+');
    skip = 0;

    if (!*intl) {
        /* "00" is the international call prefix almost everywhere */
        size_t  first = 0;
        char    two[2];

        for (i = 0; i < n && first < 2; i++) {
            if (elaaoms_caller_is_digit(s[i])) {
                two[first++] = s[i];
            }
        }

        if (first == 2 && two[0] == '0' && two[1] == '0') {
            *intl = 1;
            skip = 2;
        }
    }

    if (user_id && !*intl) {
        return 0;
    }

    count = 0;

    for (i = 0; i < n; i++) {
        c = s[i];

        /* "+44 (0)20 ...": the national trunk zero is not dialled */
        if (*intl && c == '(' && i + 2 < n && s[i + 1] == '0'
            && s[i + 2] == ')')
        {
            i += 2;
            continue;
        }

        if (!elaaoms_caller_is_digit(c)) {
            continue;
        }

        if (skip > 0) {
            skip--;
            continue;
        }

        if (count == ELAAOMS_CALLER_MAX_DIGITS) {
            return ELAAOMS_CALLER_ANONYMOUS;
        }

        digits[count++] = c;
    }

    digits[count] = '\0';

    if (count < ELAAOMS_CALLER_MIN_DIGITS) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    /* country codes never start with 0 */
    if (*intl && digits[0] == '0') {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    if (elaaoms_caller_is_withheld_number(digits)) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    return 1;
}


/* "h-" and 32 lowercase hex digits: what a hashed key carries */
static int
elaaoms_caller_is_hash_shape(const char *s, size_t n)
{
    size_t  i;

    if (n != 2 + ELAAOMS_CALLER_HASH_HEX
        || memcmp(s, ELAAOMS_CALLER_HASH_PREFIX, 2) != 0)
    {
        return 0;
    }

    for (i = 2; i < n; i++) {
        if (!elaaoms_caller_is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
            return 0;
        }
    }

    return 1;
}


/* "id:h-<first 128 bits of SHA-256(s[0..n)), hex>" */
static int
elaaoms_caller_hashed(const char *s, size_t n, char *out, size_t outsz)
{
    char  hex[ELAAOMS_SHA256_HEX_LEN + 1], body[2 + ELAAOMS_CALLER_HASH_HEX];

    if (elaaoms_sha256_hex(s, n, hex) != 0) {
        return ELAAOMS_CALLER_INVALID;
    }

    memcpy(body, ELAAOMS_CALLER_HASH_PREFIX, 2);
    memcpy(body + 2, hex, ELAAOMS_CALLER_HASH_HEX);

    return elaaoms_caller_emit(ELAAOMS_CALLER_ID_PREFIX, body, sizeof(body),
                               out, outsz);
}


/*
 * "id:<text>" when the text fits the key alphabet as it is, else the hash
 * of the exact text: nothing is dropped, lowercased or cut.
 */
static int
elaaoms_caller_identifier(const char *s, size_t n, char *out, size_t outsz)
{
    size_t  i;

    if (!elaaoms_caller_text_ok(s, n)) {
        return ELAAOMS_CALLER_INVALID;
    }

    if (n > ELAAOMS_CALLER_ID_CHARS || elaaoms_caller_is_hash_shape(s, n)) {
        return elaaoms_caller_hashed(s, n, out, outsz);
    }

    for (i = 0; i < n; i++) {
        if (!elaaoms_caller_is_key_char(s[i])) {
            return elaaoms_caller_hashed(s, n, out, outsz);
        }
    }

    return elaaoms_caller_emit(ELAAOMS_CALLER_ID_PREFIX, s, n, out, outsz);
}


/*
 * "sip:<user>@<host>", or "sip:<user>" without a host: always hashed, so
 * a SIP address never equals a user id of the same text
 */
static int
elaaoms_caller_sip_address(const char *user, size_t user_len,
    const char *host, size_t host_len, char *out, size_t outsz)
{
    char    aor[4 + ELAAOMS_CALLER_MAX_INPUT + 1];
    size_t  n;

    if (!elaaoms_caller_text_ok(user, user_len)
        || (host != NULL && !elaaoms_caller_text_ok(host, host_len))
        || 4 + user_len + 1 + host_len > sizeof(aor))
    {
        return ELAAOMS_CALLER_INVALID;
    }

    memcpy(aor, "sip:", 4);
    memcpy(aor + 4, user, user_len);
    n = 4 + user_len;

    if (host != NULL) {
        aor[n++] = '@';
        memcpy(aor + n, host, host_len);
        n += host_len;
    }

    return elaaoms_caller_hashed(aor, n, out, outsz);
}


/* ASCII whitespace at both ends, the same for every kind of identifier */
static void
elaaoms_caller_trim(const char **s, size_t *n)
{
    while (*n > 0 && elaaoms_caller_is_space(**s)) {
        (*s)++;
        (*n)--;
    }

    while (*n > 0 && elaaoms_caller_is_space((*s)[*n - 1])) {
        (*n)--;
    }
}


/* cut s[0..*n) at the first of the stop characters */
static void
elaaoms_caller_cut(const char *s, size_t *n, const char *stops)
{
    size_t  i;

    for (i = 0; i < *n; i++) {
        if (s[i] != '\0' && strchr(stops, s[i]) != NULL) {
            *n = i;
            return;
        }
    }
}


/* the host of a SIP URI without ";params" and ":port" ("[v6]" kept) */
static void
elaaoms_caller_sip_host(const char *host, size_t *n)
{
    const char  *close;

    if (*n > 0 && host[0] == '[') {
        close = memchr(host, ']', *n);
        if (close != NULL) {
            *n = (size_t) (close - host) + 1;
            return;
        }
    }

    elaaoms_caller_cut(host, n, ";:");
}


static int
elaaoms_caller_normalize_mode(const char *in, size_t len, char *out,
    size_t outsz, int user_id)
{
    int          intl, rc, sip;
    char         digits[ELAAOMS_CALLER_MAX_DIGITS + 1];
    size_t       n, host_len;
    const char  *s, *host, *at;

    if (out == NULL || outsz == 0) {
        return ELAAOMS_CALLER_NOSPACE;
    }

    out[0] = '\0';

    if (in == NULL || len == 0) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    if (len > ELAAOMS_CALLER_MAX_INPUT) {
        return ELAAOMS_CALLER_INVALID;
    }

    s = in;
    n = len;
    sip = 0;
    host = NULL;
    host_len = 0;

    elaaoms_caller_trim(&s, &n);

    /* "<sip:...>" as in From headers */
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s++;
        n -= 2;
    }

    if (elaaoms_caller_has_prefix(s, n, "tel:")) {
        s += 4;
        n -= 4;
        /* ";phone-context=...", ";ext=..." are not part of the number */
        elaaoms_caller_cut(s, &n, ";");

    } else if (elaaoms_caller_has_prefix(s, n, "sip:")
               || elaaoms_caller_has_prefix(s, n, "sips:"))
    {
        size_t  scheme = elaaoms_caller_has_prefix(s, n, "sip:") ? 4 : 5;

        s += scheme;
        n -= scheme;
        sip = 1;
        elaaoms_caller_cut(s, &n, "?");

        at = memchr(s, '@', n);
        if (at != NULL) {
            host = at + 1;
            host_len = n - (size_t) (host - s);
            n = (size_t) (at - s);
            elaaoms_caller_sip_host(host, &host_len);
        }

        /* "user;isub=...", "user:password" */
        elaaoms_caller_cut(s, &n, ";:");
    }

    if (n == 0 || elaaoms_caller_is_withheld_word(s, n)) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    rc = elaaoms_caller_phone(s, n, user_id, digits, &intl);

    if (rc == 1) {
        return elaaoms_caller_emit(intl ? "+" : "", digits, strlen(digits),
                                   out, outsz);
    }

    if (rc != 0) {
        return rc;
    }

    if (sip) {
        /* "sip:alice@pbx.example": the host tells apart two alices */
        return elaaoms_caller_sip_address(s, n, host, host_len, out, outsz);
    }

    return elaaoms_caller_identifier(s, n, out, outsz);
}


int
elaaoms_caller_normalize(const char *in, size_t len, char *out, size_t outsz)
{
    return elaaoms_caller_normalize_mode(in, len, out, outsz, 0);
}


int
elaaoms_caller_normalize_user_id(const char *in, size_t len, char *out,
    size_t outsz)
{
    return elaaoms_caller_normalize_mode(in, len, out, outsz, 1);
}


typedef struct {
    const char  *name;       /* static, for logs */
    const char  *value;      /* into the tree, may be NULL */
    int          user_id;
} elaaoms_caller_candidate_t;


static int
elaaoms_caller_first(elaaoms_caller_candidate_t *c, size_t nc, char *out,
    size_t outsz, const char **source)
{
    int     rc;
    size_t  i;

    if (source != NULL) {
        *source = NULL;
    }

    if (out == NULL || outsz == 0) {
        return ELAAOMS_CALLER_NOSPACE;
    }

    out[0] = '\0';

    for (i = 0; i < nc; i++) {
        if (c[i].value == NULL || c[i].value[0] == '\0') {
            continue;
        }

        rc = elaaoms_caller_normalize_mode(c[i].value, strlen(c[i].value),
                                           out, outsz, c[i].user_id);
        /* a withheld or garbled candidate: the next one may do */
        if (rc == ELAAOMS_CALLER_ANONYMOUS || rc == ELAAOMS_CALLER_INVALID) {
            continue;
        }

        if (rc > 0 && source != NULL) {
            *source = c[i].name;
        }

        return rc;
    }

    return ELAAOMS_CALLER_ANONYMOUS;
}


int
elaaoms_caller_resolve_postcall(yajl_val data, char *out, size_t outsz,
    const char **source)
{
    elaaoms_caller_candidate_t  c[3];

    c[0].name = "metadata.phone_call.external_number";
    c[0].value = elaaoms_json_str(data, "metadata", "phone_call",
                                  "external_number");
    c[0].user_id = 0;

    c[1].name = "dynamic_variables.system__caller_id";
    c[1].value = elaaoms_json_str(data, "conversation_initiation_client_data",
                                  "dynamic_variables", "system__caller_id");
    c[1].user_id = 0;

    c[2].name = "user_id";
    c[2].value = elaaoms_json_str(data, "user_id");
    c[2].user_id = 1;

    return elaaoms_caller_first(c, 3, out, outsz, source);
}


int
elaaoms_caller_resolve_failure(yajl_val data, char *out, size_t outsz,
    const char **source)
{
    elaaoms_caller_candidate_t  c[2];

    c[0].name = "metadata.body.To";
    c[0].value = elaaoms_json_str(data, "metadata", "body", "To");
    c[0].user_id = 0;

    c[1].name = "metadata.body.to_number";
    c[1].value = elaaoms_json_str(data, "metadata", "body", "to_number");
    c[1].user_id = 0;

    return elaaoms_caller_first(c, 2, out, outsz, source);
}


int
elaaoms_caller_key_valid(const char *key)
{
    size_t  i, n, alnum;

    if (key == NULL) {
        return 0;
    }

    n = strnlen(key, ELAAOMS_CALLER_MAX);
    if (n == ELAAOMS_CALLER_MAX) {
        return 0;
    }

    if (strncmp(key, ELAAOMS_CALLER_ID_PREFIX, 3) == 0) {
        if (n - 3 < 1 || n - 3 > ELAAOMS_CALLER_ID_CHARS) {
            return 0;
        }

        alnum = 0;

        for (i = 3; i < n; i++) {
            if (!elaaoms_caller_is_key_char(key[i])) {
                return 0;
            }

            alnum += elaaoms_caller_is_alnum(key[i]);
        }

        return alnum > 0;
    }

    i = (key[0] == '+');

    if (i == 1 && key[1] == '0') {
        return 0;
    }

    if (n - i < ELAAOMS_CALLER_MIN_DIGITS
        || n - i > ELAAOMS_CALLER_MAX_DIGITS)
    {
        return 0;
    }

    for ( /* void */ ; i < n; i++) {
        if (!elaaoms_caller_is_digit(key[i])) {
            return 0;
        }
    }

    return 1;
}
