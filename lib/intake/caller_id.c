/*
 * Caller identity normalization (see caller_id.h for the rules).
 */

#include <string.h>

#include "intake/caller_id.h"
#include "util/json_parse.h"


#define ELAAOMS_CALLER_ID_PREFIX  "id:"


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
    return c >= '0' && c <= '9';
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


static int
elaaoms_caller_emit(const char *prefix, const char *body, char *out,
    size_t outsz)
{
    size_t  plen, blen;

    plen = strlen(prefix);
    blen = strlen(body);

    if (plen + blen + 1 > outsz) {
        return ELAAOMS_CALLER_NOSPACE;
    }

    memcpy(out, prefix, plen);
    memcpy(out + plen, body, blen + 1);

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


/* "id:<[a-z0-9._-]{1,64}>" from free text (several pieces, joined) */
static int
elaaoms_caller_identifier(const char *s, size_t n, const char *s2,
    size_t n2, char *out, size_t outsz)
{
    char    c, id[ELAAOMS_CALLER_ID_CHARS + 1];
    size_t  i, len, alnum;

    len = 0;
    alnum = 0;

    for (i = 0; i < n + n2; i++) {
        c = elaaoms_caller_lower(i < n ? s[i] : s2[i - n]);

        if ((c >= 'a' && c <= 'z') || elaaoms_caller_is_digit(c)) {
            alnum++;

        } else if (c != '.' && c != '_' && c != '-') {
            continue;
        }

        /* refused, not cut: a cut could merge two people */
        if (len == ELAAOMS_CALLER_ID_CHARS) {
            return ELAAOMS_CALLER_ANONYMOUS;
        }

        id[len++] = c;
    }

    id[len] = '\0';

    if (alnum == 0 || elaaoms_caller_is_withheld_word(id, len)) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    return elaaoms_caller_emit(ELAAOMS_CALLER_ID_PREFIX, id, out, outsz);
}


static void
elaaoms_caller_trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }

    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) {
        (*n)--;
    }
}


/* cut s[0..*n) at the first of the stop characters */
static void
elaaoms_caller_cut(const char *s, size_t *n, const char *stops)
{
    size_t  i;

    for (i = 0; i < *n; i++) {
        if (strchr(stops, s[i]) != NULL && s[i] != '\0') {
            *n = i;
            return;
        }
    }
}


static int
elaaoms_caller_normalize_mode(const char *in, size_t len, char *out,
    size_t outsz, int user_id)
{
    int          intl, rc;
    char         digits[ELAAOMS_CALLER_MAX_DIGITS + 1];
    size_t       n, host_len;
    const char  *s, *host, *at;

    if (out == NULL || outsz == 0) {
        return ELAAOMS_CALLER_NOSPACE;
    }

    out[0] = '\0';

    if (in == NULL || len == 0 || len > ELAAOMS_CALLER_MAX_INPUT) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    s = in;
    n = len;
    host = NULL;
    host_len = 0;

    elaaoms_caller_trim(&s, &n);

    /* "<sip:...>" as in From headers */
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s++;
        n -= 2;
        elaaoms_caller_trim(&s, &n);
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
        elaaoms_caller_cut(s, &n, "?");

        at = memchr(s, '@', n);
        if (at != NULL) {
            host = at + 1;
            host_len = n - (size_t) (host - s);
            n = (size_t) (at - s);
            /* ";user=phone", ":5060" */
            elaaoms_caller_cut(host, &host_len, ";:");
        }

        /* "user;isub=...", "user:password" */
        elaaoms_caller_cut(s, &n, ";:");
    }

    elaaoms_caller_trim(&s, &n);

    if (n == 0 || elaaoms_caller_is_withheld_word(s, n)) {
        return ELAAOMS_CALLER_ANONYMOUS;
    }

    rc = elaaoms_caller_phone(s, n, user_id, digits, &intl);

    if (rc == 1) {
        return elaaoms_caller_emit(intl ? "+" : "", digits, out, outsz);
    }

    if (rc != 0) {
        return rc;
    }

    if (host != NULL && host_len > 0) {
        /* "sip:alice@pbx.example": the host tells apart two alices */
        char  joined[ELAAOMS_CALLER_MAX_INPUT + 2];

        joined[0] = '@';
        memcpy(joined + 1, host, host_len);

        return elaaoms_caller_identifier(s, n, joined, host_len + 1, out,
                                         outsz);
    }

    return elaaoms_caller_identifier(s, n, NULL, 0, out, outsz);
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
        if (rc == ELAAOMS_CALLER_ANONYMOUS) {
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
    char    c;
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
            c = key[i];

            if ((c >= 'a' && c <= 'z') || elaaoms_caller_is_digit(c)) {
                alnum++;

            } else if (c != '.' && c != '_' && c != '-') {
                return 0;
            }
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
