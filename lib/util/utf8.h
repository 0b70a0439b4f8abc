/*
 * UTF-8 checks for text the project writes into JSON: yajl_gen writes
 * bytes as given, so a string is cut at its first invalid byte and the
 * document stays valid.
 */

#ifndef ELAAOMS_UTF8_H
#define ELAAOMS_UTF8_H

#include <stddef.h>

/*
 * The length of the longest prefix of str[0..len) that is well-formed
 * UTF-8 (no overlong forms, surrogates or code points past U+10FFFF)
 */
size_t elaaoms_utf8_prefix(const char *str, size_t len);

#endif /* ELAAOMS_UTF8_H */
