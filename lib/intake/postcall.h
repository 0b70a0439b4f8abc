/*
 * Post-call webhook payload validation.
 *
 * Envelope {"type", "event_timestamp", "data"}; what is required:
 *
 *   all types   type: a known name (else unknown_type);
 *               event_timestamp: unix seconds, number or digit string;
 *               data: an object;
 *               data.conversation_id: [A-Za-z0-9_-]{1,128} (ids.h)
 *   transcription, initiation failure
 *               data.agent_id: required, same alphabet
 *   audio       data.agent_id: optional (validated when present; audio is
 *               accepted and dropped, so it must never fail for want of an
 *               id); data.full_audio: a string of valid base64 (may be
 *               empty), checked without being decoded into memory
 *
 * The caller key (caller_id.h) comes from the transcription's phone call /
 * dynamic variables / user_id, or from an initiation failure's dialled
 * number (metadata.body.To / to_number); audio has none.  An anonymous
 * caller is not an error.  Everything else (transcript, analysis, ...) is
 * left to the worker: unknown fields are ignored.
 *
 * A key the parser reads appearing twice in its object is invalid_json:
 * two readers of the same body must never see different values.
 */

#ifndef ELAAOMS_POSTCALL_H
#define ELAAOMS_POSTCALL_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "intake/caller_id.h"

#define ELAAOMS_POSTCALL_MAX_DEPTH  64

typedef enum {
    ELAAOMS_POSTCALL_OK = 0,
    ELAAOMS_POSTCALL_INVALID_JSON,            /* syntax, not an object,
                                                 duplicate keys */
    ELAAOMS_POSTCALL_TOO_DEEP,
    ELAAOMS_POSTCALL_UNKNOWN_TYPE,
    ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
    ELAAOMS_POSTCALL_INVALID_AGENT_ID,
    ELAAOMS_POSTCALL_MISSING_FIELD,           /* missing or wrong JSON type */
    ELAAOMS_POSTCALL_INVALID_AUDIO,
    ELAAOMS_POSTCALL_NOMEM
} elaaoms_postcall_rc_t;

typedef enum {
    ELAAOMS_POSTCALL_NONE = 0,
    ELAAOMS_POSTCALL_TRANSCRIPTION,           /* post_call_transcription */
    ELAAOMS_POSTCALL_AUDIO,                   /* post_call_audio */
    ELAAOMS_POSTCALL_INITIATION_FAILURE       /* call_initiation_failure */
} elaaoms_postcall_type_t;

/*
 * Owns the tree; every pointer below points into it (or is static) and
 * lives until elaaoms_postcall_free().
 */
typedef struct {
    yajl_val                  root;
    elaaoms_postcall_type_t   type;
    const char               *type_name;        /* static */
    int64_t                   event_timestamp;
    yajl_val                  data;             /* the data object */
    const char               *conversation_id;
    const char               *agent_id;         /* NULL: absent (audio) */
    char                      caller[ELAAOMS_CALLER_MAX]; /* "": anonymous */
    const char               *caller_source;    /* static field name, NULL */
    const char               *full_audio;       /* audio: base64 text */
    size_t                    full_audio_len;   /* its length */
    size_t                    audio_bytes;      /* decoded size */
} elaaoms_postcall_t;

/*
 * Parses and validates buf[0..len).  On success pc owns the tree: release
 * it with elaaoms_postcall_free().  On error pc holds nothing (freeing it
 * is still harmless) and err gets a short message naming the field, never
 * quoting the request.
 */
elaaoms_postcall_rc_t elaaoms_postcall_parse(const char *buf, size_t len,
    elaaoms_postcall_t *pc, char *err, size_t errlen);

/* releases the tree and clears pc; NULL and repeated calls are fine */
void elaaoms_postcall_free(elaaoms_postcall_t *pc);

/*
 * Decodes an audio payload's full_audio into a malloc()ed buffer the
 * caller frees with free() (non-NULL even for empty audio).
 * OK, MISSING_FIELD (not an audio payload), INVALID_AUDIO or NOMEM.
 */
elaaoms_postcall_rc_t elaaoms_postcall_decode_audio(
    const elaaoms_postcall_t *pc, unsigned char **out, size_t *outlen);

/* "invalid_json", "too_deep", ... for the module's JSON error bodies */
const char *elaaoms_postcall_rc_code(elaaoms_postcall_rc_t rc);

/* the wire name of a type, "" for NONE */
const char *elaaoms_postcall_type_name(elaaoms_postcall_type_t type);

/* the type for a wire name (NUL-terminated), NONE when unknown */
elaaoms_postcall_type_t elaaoms_postcall_type_parse(const char *name);

#endif /* ELAAOMS_POSTCALL_H */
