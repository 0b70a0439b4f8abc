/*
 * A memory that takes back a value an older one states (see
 * memory_retract.h).
 */

#include <string.h>
#include <strings.h>

#include "store/memory_retract.h"
#include "util/ascii.h"


/* the words a memory frames itself with: no value */
static const char  *elaaoms_retract_framing[] = {
    "The", "Caller", "I", "I'm", "When", "Agent", "Okay", "Yes", "No",
    "Mr", "Mrs", "Ms", "Dr", NULL
};


typedef struct {
    const char  *p;
    size_t       len;
} elaaoms_retract_word_t;


static int
elaaoms_retract_word_byte(unsigned char c)
{
    return elaaoms_ascii_alnum(c) || c == '-' || c == '\'' || c >= 0x80;
}


/*
 * The next value of text from *pos: a name (capitalized, not opening a
 * sentence, no framing word) or a token holding a digit, "'s" left off
 */
static int
elaaoms_retract_next_value(const char *text, size_t len, size_t *pos,
    elaaoms_retract_word_t *w)
{
    size_t       i, start, k, n;
    int          digit, opening;
    const char  *p;

    i = *pos;

    while (i < len) {
        while (i < len && !elaaoms_retract_word_byte((unsigned char) text[i]))
        {
            i++;
        }

        start = i;
        digit = 0;
        while (i < len && elaaoms_retract_word_byte((unsigned char) text[i])) {
            digit |= elaaoms_ascii_digit((unsigned char) text[i]) != 0;
            i++;
        }

        n = i - start;
        p = text + start;
        if (n > 2 && p[n - 2] == '\'' && (p[n - 1] | 0x20) == 's') {
            n -= 2;
        }

        if (n < 2) {
            continue;
        }

        /* a sentence opens at the start or after . ! ? : */
        k = start;
        while (k > 0 && text[k - 1] == ' ') {
            k--;
        }
        opening = k == 0 || text[k - 1] == '.' || text[k - 1] == '!'
                  || text[k - 1] == '?' || text[k - 1] == ':';

        if (!digit
            && (opening || !elaaoms_ascii_upper((unsigned char) p[0])))
        {
            continue;
        }

        for (k = 0; !digit && elaaoms_retract_framing[k] != NULL; k++) {
            if (strlen(elaaoms_retract_framing[k]) == n
                && memcmp(elaaoms_retract_framing[k], p, n) == 0)
            {
                break;
            }
        }

        if (!digit && elaaoms_retract_framing[k] != NULL) {
            continue;
        }

        w->p = p;
        w->len = n;
        *pos = i;
        return 1;
    }

    *pos = len;
    return 0;
}


static int
elaaoms_retract_holds(const char *text, size_t len, const char *needle,
    size_t nlen)
{
    size_t                   pos;
    elaaoms_retract_word_t   w;

    pos = 0;
    while (elaaoms_retract_next_value(text, len, &pos, &w)) {
        if (w.len == nlen && memcmp(w.p, needle, nlen) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the phrase, as whole words, ASCII case ignored */
static int
elaaoms_retract_phrase(const char *text, size_t len, const char *phrase)
{
    size_t  i, n;

    n = strlen(phrase);

    for (i = 0; i + n <= len; i++) {
        if (strncasecmp(text + i, phrase, n) == 0
            && (i == 0 || !elaaoms_ascii_alnum((unsigned char) text[i - 1]))
            && (i + n == len
                || !elaaoms_ascii_alnum((unsigned char) text[i + n])))
        {
            return 1;
        }
    }

    return 0;
}


int
elaaoms_memory_retracts(const char *text, size_t len)
{
    return elaaoms_retract_phrase(text, len, "anymore")
           || elaaoms_retract_phrase(text, len, "any more")
           || elaaoms_retract_phrase(text, len, "no longer");
}


int
elaaoms_memory_retracted_by(const char *older, size_t olen,
    const char *newer, size_t nlen)
{
    size_t                   pos;
    elaaoms_retract_word_t   w;

    if (!elaaoms_memory_retracts(newer, nlen)
        || elaaoms_memory_retracts(older, olen))
    {
        return 0;
    }

    pos = 0;
    while (elaaoms_retract_next_value(newer, nlen, &pos, &w)) {
        if (elaaoms_retract_holds(older, olen, w.p, w.len)) {
            return 1;
        }
    }

    return 0;
}
