/*
 * Erasure of one conversation's payloads (worker only: it blocks):
 * every file of "<payload_dir>/<org>/<conversation_id>/", the transcript,
 * the recording, the pending marker and any ".tmp" left by a crash, then
 * the directory.  One directory, never a walk of the payload tree.
 */

#ifndef ELAAOMS_PAYLOAD_ERASE_H
#define ELAAOMS_PAYLOAD_ERASE_H

#include <stddef.h>

/*
 * Removes the conversation's directory and its files (*files counts
 * them; may be NULL).  A missing directory is not an error.  0, or -1
 * with err set.
 */
int elaaoms_payload_erase(const char *payload_dir, const char *org,
    const char *conversation_id, size_t *files, char *err, size_t errlen);

#endif /* ELAAOMS_PAYLOAD_ERASE_H */
