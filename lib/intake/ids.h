/*
 * The ids that end up in file names, Redis keys and job JSON, validated in
 * one place: only a safe alphabet, [A-Za-z0-9_-], is accepted, so
 * "../../etc/passwd" can never become a path and no id can break a key.
 *
 *   organization       1..64 characters   (elaaoms_org, jobs, keys)
 *   conversation, agent 1..128 characters (ElevenLabs' ids)
 */

#ifndef ELAAOMS_IDS_H
#define ELAAOMS_IDS_H

#include <stddef.h>

#define ELAAOMS_ORG_MAX              64
#define ELAAOMS_CONVERSATION_ID_MAX  128
#define ELAAOMS_AGENT_ID_MAX         ELAAOMS_CONVERSATION_ID_MAX

/* 1 when s[0..len) is 1..max characters of the id alphabet; no NUL needed */
int elaaoms_id_valid(const char *s, size_t len, size_t max);

/* each for a NUL-terminated string (NULL is invalid), or s[0..len) */
int elaaoms_org_valid(const char *s);
int elaaoms_conversation_id_valid(const char *s, size_t len);
int elaaoms_conversation_id_valid_str(const char *s);
int elaaoms_agent_id_valid_str(const char *s);

#endif /* ELAAOMS_IDS_H */
