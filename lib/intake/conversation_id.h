/*
 * Conversation (and agent) id validation.
 *
 * Ids end up in file names, Redis keys and job JSON, so only a safe
 * alphabet is accepted: 1..128 characters of [A-Za-z0-9_-].  No dots, no
 * slashes, no NUL: "../../etc/passwd" can never become a path.
 */

#ifndef ELAAOMS_CONVERSATION_ID_H
#define ELAAOMS_CONVERSATION_ID_H

#include <stddef.h>

#define ELAAOMS_CONVERSATION_ID_MAX  128

/* 1 when s[0..len) is a valid id, 0 otherwise; s needs no NUL */
int elaaoms_conversation_id_valid(const char *s, size_t len);

/* same rule for NUL-terminated strings; NULL is invalid */
int elaaoms_conversation_id_valid_str(const char *s);

#endif /* ELAAOMS_CONVERSATION_ID_H */
