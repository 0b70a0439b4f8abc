/*
 * Internal to the pre-call context (context_build.c, context_facts.c,
 * context_document.c, first_message.c): the text and JSON helpers they
 * share.  Not an API: everything else includes context_build.h.  Defined
 * in context_text.c, or inline here.
 */

#ifndef ELAAOMS_CONTEXT_INTERNAL_H
#define ELAAOMS_CONTEXT_INTERNAL_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "context/context_build.h"
#include "util/buf.h"


static inline int
elaaoms_ctx_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


static inline int
elaaoms_ctx_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


/* the length of the valid UTF-8 sequence at s[0..len), 0 when invalid */
size_t elaaoms_ctx_utf8_seq(const unsigned char *s, size_t len);

/*
 * A clean one-line copy of s[0..len): invalid UTF-8 bytes become '?',
 * control characters spaces, runs of spaces one, ends trimmed, "’" an
 * ASCII apostrophe, cut at max bytes on a character boundary.  malloc'd.
 */
char *elaaoms_ctx_text_clean(const char *s, size_t len, size_t max);

/* the longest prefix of s within max bytes, not splitting a character */
size_t elaaoms_ctx_utf8_fit(const char *s, size_t len, size_t max);

/* 1 when w[0..len) is one of list (lowercase, NULL-terminated), any case */
int elaaoms_ctx_word_in(const char *w, size_t len, const char **list);

/* 1 when w[0..len) is a title ("Mrs", "Dr."), any case (context_facts.c) */
int elaaoms_ctx_is_title(const char *w, size_t len);

/* s[0..len) cleaned (elaaoms_ctx_text_clean()) as a JSON string; 0 or -1 */
int elaaoms_ctx_gen_text(yajl_gen g, const char *s, size_t len, size_t max);

/* the NUL-terminated k as it is, as a JSON string (a key or a value) */
int elaaoms_ctx_gen_key(yajl_gen g, const char *k);

#endif /* ELAAOMS_CONTEXT_INTERNAL_H */
