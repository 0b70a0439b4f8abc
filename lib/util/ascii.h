/*
 * ASCII character classes, independent of the locale and safe for any
 * char value (isalnum() & co. depend on setlocale() and are undefined for
 * negative chars): ids, keys, numbers and the tokenizers all ask here.
 */

#ifndef ELAAOMS_ASCII_H
#define ELAAOMS_ASCII_H

#include <stddef.h>

static inline int
elaaoms_ascii_digit(int c)
{
    return c >= '0' && c <= '9';
}


static inline int
elaaoms_ascii_upper(int c)
{
    return c >= 'A' && c <= 'Z';
}


static inline int
elaaoms_ascii_lower(int c)
{
    return c >= 'a' && c <= 'z';
}


static inline int
elaaoms_ascii_alpha(int c)
{
    return elaaoms_ascii_upper(c) || elaaoms_ascii_lower(c);
}


static inline int
elaaoms_ascii_alnum(int c)
{
    return elaaoms_ascii_alpha(c) || elaaoms_ascii_digit(c);
}


static inline int
elaaoms_ascii_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}


/* the id alphabet of orgs, conversations, agents and memories */
static inline int
elaaoms_ascii_idchar(int c)
{
    return elaaoms_ascii_alnum(c) || c == '_' || c == '-';
}


/* a byte of a word: an ASCII letter or digit, or any byte of a UTF-8
   multibyte character (the tokenizers treat non-ASCII letters as such) */
static inline int
elaaoms_ascii_wordbyte(int c)
{
    return elaaoms_ascii_alnum(c) || (c >= 0x80 && c <= 0xff);
}


static inline int
elaaoms_ascii_tolower(int c)
{
    return elaaoms_ascii_upper(c) ? c + ('a' - 'A') : c;
}


static inline int
elaaoms_ascii_toupper(int c)
{
    return elaaoms_ascii_lower(c) ? c - ('a' - 'A') : c;
}

/* n bytes as 2n lowercase hex digits and a NUL (out: 2n + 1 bytes) */
static inline void
elaaoms_ascii_hex(char *out, const unsigned char *in, size_t n)
{
    static const char  digits[] = "0123456789abcdef";

    while (n--) {
        *out++ = digits[*in >> 4];
        *out++ = digits[*in++ & 0x0f];
    }

    *out = '\0';
}


/* v (0..10^width - 1) as width decimal digits with leading zeros; the end */
static inline char *
elaaoms_ascii_digits(char *out, unsigned v, int width)
{
    int  i;

    for (i = width - 1; i >= 0; i--) {
        out[i] = (char) ('0' + v % 10);
        v /= 10;
    }

    return out + width;
}


#endif /* ELAAOMS_ASCII_H */
