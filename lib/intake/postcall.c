/*
 * Post-call webhook payload validation (rules in postcall.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/base64.h"
#include "intake/ids.h"
#include "util/json_parse.h"
#include "intake/postcall.h"


static const char  *elaaoms_postcall_type_names[] = {
    "",
    "post_call_transcription",
    "post_call_audio",
    "call_initiation_failure"
};


/* keys read from each object: a duplicate would be read ambiguously */
static const char  *elaaoms_postcall_envelope_keys[] = {
    "type", "event_timestamp", "data", NULL
};

static const char  *elaaoms_postcall_data_keys[] = {
    "conversation_id", "agent_id", "full_audio", "metadata", "user_id",
    "conversation_initiation_client_data", NULL
};


static elaaoms_postcall_rc_t
elaaoms_postcall_fail(elaaoms_postcall_t *pc, elaaoms_postcall_rc_t rc,
    char *err, size_t errlen, const char *msg)
{
    if (err != NULL && errlen > 0 && msg != NULL) {
        snprintf(err, errlen, "%s", msg);
    }

    elaaoms_postcall_free(pc);

    return rc;
}


static int
elaaoms_postcall_keys_unique(yajl_val obj, const char **keys)
{
    size_t  i;

    for (i = 0; keys[i] != NULL; i++) {
        if (!elaaoms_json_key_unique(obj, keys[i])) {
            return 0;
        }
    }

    return 1;
}


elaaoms_postcall_rc_t
elaaoms_postcall_parse(const char *buf, size_t len, elaaoms_postcall_t *pc,
    char *err, size_t errlen)
{
    int                 rc;
    yajl_val            v;
    const char         *type;
    elaaoms_json_rc_t   jrc;

    memset(pc, 0, sizeof(*pc));

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }

    pc->root = elaaoms_json_parse(buf, len, ELAAOMS_POSTCALL_MAX_DEPTH, &jrc,
                                  err, errlen);
    if (pc->root == NULL) {
        return jrc == ELAAOMS_JSON_TOO_DEEP ? ELAAOMS_POSTCALL_TOO_DEEP
               : jrc == ELAAOMS_JSON_NOMEM ? ELAAOMS_POSTCALL_NOMEM
               : ELAAOMS_POSTCALL_INVALID_JSON;
    }

    if (!YAJL_IS_OBJECT(pc->root)) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_INVALID_JSON, err,
                                     errlen, "body is not a JSON object");
    }

    if (!elaaoms_postcall_keys_unique(pc->root,
                                      elaaoms_postcall_envelope_keys))
    {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_INVALID_JSON, err,
                                     errlen, "duplicate key in the envelope");
    }

    /* type */

    type = elaaoms_json_str(pc->root, "type");
    if (type == NULL) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD, err,
                                     errlen, "type missing or not a string");
    }

    pc->type = elaaoms_postcall_type_parse(type);
    if (pc->type == ELAAOMS_POSTCALL_NONE) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_UNKNOWN_TYPE, err,
                                     errlen, "type is not a post-call type");
    }

    pc->type_name = elaaoms_postcall_type_name(pc->type);

    /* event_timestamp */

    v = elaaoms_json_get(pc->root, "event_timestamp");
    if (elaaoms_json_unsigned(v, &pc->event_timestamp) != 0) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD, err,
                                     errlen, v == NULL
                                     ? "event_timestamp missing"
                                     : "event_timestamp is not unix seconds");
    }

    /* data */

    pc->data = elaaoms_json_obj(pc->root, "data");
    if (pc->data == NULL) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD, err,
                                     errlen, "data missing or not an object");
    }

    if (!elaaoms_postcall_keys_unique(pc->data, elaaoms_postcall_data_keys)) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_INVALID_JSON, err,
                                     errlen, "duplicate key in data");
    }

    pc->conversation_id = elaaoms_json_str(pc->data, "conversation_id");
    if (pc->conversation_id == NULL) {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD, err,
                                     errlen,
                                     "data.conversation_id missing or not "
                                     "a string");
    }

    if (!elaaoms_conversation_id_valid_str(pc->conversation_id)) {
        return elaaoms_postcall_fail(pc,
                                     ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID,
                                     err, errlen,
                                     "data.conversation_id must be 1-128 of "
                                     "[A-Za-z0-9_-]");
    }

    v = elaaoms_json_get(pc->data, "agent_id");

    if (YAJL_IS_STRING(v)) {
        pc->agent_id = v->u.string;

        if (!elaaoms_conversation_id_valid_str(pc->agent_id)) {
            return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_INVALID_AGENT_ID,
                                         err, errlen,
                                         "data.agent_id must be 1-128 of "
                                         "[A-Za-z0-9_-]");
        }

    } else if ((v != NULL && !YAJL_IS_NULL(v))
               || pc->type != ELAAOMS_POSTCALL_AUDIO)
    {
        return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD, err,
                                     errlen,
                                     "data.agent_id missing or not a string");
    }

    /* per type */

    switch (pc->type) {

    case ELAAOMS_POSTCALL_TRANSCRIPTION:
        rc = elaaoms_caller_resolve_postcall(pc->data, pc->caller,
                                             sizeof(pc->caller),
                                             &pc->caller_source);
        break;

    case ELAAOMS_POSTCALL_INITIATION_FAILURE:
        rc = elaaoms_caller_resolve_failure(pc->data, pc->caller,
                                            sizeof(pc->caller),
                                            &pc->caller_source);
        break;

    default: /* ELAAOMS_POSTCALL_AUDIO */
        rc = ELAAOMS_CALLER_ANONYMOUS;

        pc->full_audio = elaaoms_json_str(pc->data, "full_audio");
        if (pc->full_audio == NULL) {
            return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_MISSING_FIELD,
                                         err, errlen,
                                         "data.full_audio missing or not a "
                                         "string");
        }

        pc->full_audio_len = strlen(pc->full_audio);

        if (elaaoms_base64_decode(pc->full_audio, pc->full_audio_len, NULL,
                                  &pc->audio_bytes) != 0)
        {
            return elaaoms_postcall_fail(pc, ELAAOMS_POSTCALL_INVALID_AUDIO,
                                         err, errlen,
                                         "data.full_audio is not base64");
        }

        break;
    }

    /* the buffer is ELAAOMS_CALLER_MAX: only "anonymous" can come back */
    if (rc <= 0) {
        pc->caller[0] = '\0';
        pc->caller_source = NULL;
    }

    return ELAAOMS_POSTCALL_OK;
}


void
elaaoms_postcall_free(elaaoms_postcall_t *pc)
{
    if (pc == NULL) {
        return;
    }

    if (pc->root != NULL) {
        yajl_tree_free(pc->root);
    }

    memset(pc, 0, sizeof(*pc));
}


elaaoms_postcall_rc_t
elaaoms_postcall_decode_audio(const elaaoms_postcall_t *pc,
    unsigned char **out, size_t *outlen)
{
    unsigned char  *buf;

    *out = NULL;
    *outlen = 0;

    if (pc == NULL || pc->type != ELAAOMS_POSTCALL_AUDIO
        || pc->full_audio == NULL)
    {
        return ELAAOMS_POSTCALL_MISSING_FIELD;
    }

    buf = malloc(elaaoms_base64_decoded_max(pc->full_audio_len));
    if (buf == NULL) {
        return ELAAOMS_POSTCALL_NOMEM;
    }

    if (elaaoms_base64_decode(pc->full_audio, pc->full_audio_len, buf, outlen)
        != 0)
    {
        free(buf);
        *outlen = 0;
        return ELAAOMS_POSTCALL_INVALID_AUDIO;
    }

    *out = buf;

    return ELAAOMS_POSTCALL_OK;
}


const char *
elaaoms_postcall_rc_code(elaaoms_postcall_rc_t rc)
{
    switch (rc) {
    case ELAAOMS_POSTCALL_OK:
        return "ok";
    case ELAAOMS_POSTCALL_INVALID_JSON:
        return "invalid_json";
    case ELAAOMS_POSTCALL_TOO_DEEP:
        return "too_deep";
    case ELAAOMS_POSTCALL_UNKNOWN_TYPE:
        return "unknown_type";
    case ELAAOMS_POSTCALL_INVALID_CONVERSATION_ID:
        return "invalid_conversation_id";
    case ELAAOMS_POSTCALL_INVALID_AGENT_ID:
        return "invalid_agent_id";
    case ELAAOMS_POSTCALL_MISSING_FIELD:
        return "missing_field";
    case ELAAOMS_POSTCALL_INVALID_AUDIO:
        return "invalid_audio";
    case ELAAOMS_POSTCALL_NOMEM:
        return "internal_error";
    }

    return "internal_error";
}


const char *
elaaoms_postcall_type_name(elaaoms_postcall_type_t type)
{
    if ((size_t) type >= sizeof(elaaoms_postcall_type_names)
                         / sizeof(elaaoms_postcall_type_names[0]))
    {
        return "";
    }

    return elaaoms_postcall_type_names[type];
}


elaaoms_postcall_type_t
elaaoms_postcall_type_parse(const char *name)
{
    size_t  i;

    if (name == NULL || name[0] == '\0') {
        return ELAAOMS_POSTCALL_NONE;
    }

    for (i = 1; i < sizeof(elaaoms_postcall_type_names)
                    / sizeof(elaaoms_postcall_type_names[0]); i++)
    {
        if (strcmp(name, elaaoms_postcall_type_names[i]) == 0) {
            return (elaaoms_postcall_type_t) i;
        }
    }

    return ELAAOMS_POSTCALL_NONE;
}
