/*
 * The order of post-call deliveries.  The newest event_timestamp accepted
 * for a conversation and type is kept in the conversation hash
 * (elaaoms:<org>:conversation:<conversation_id>, field
 * "event_ts:<type>"), so a delivery older than the one stored (a replayed
 * or late copy of a superseded payload) is refused instead of replacing
 * it.  The nginx module reads the field before it writes a payload and
 * records it with the intake script (intake.h) or, for the types that
 * queue nothing, with elaaoms_event_ts_script.
 */

#ifndef ELAAOMS_EVENT_ORDER_H
#define ELAAOMS_EVENT_ORDER_H

#include <stddef.h>

#define ELAAOMS_EVENT_TS_FIELD_MAX  64

/* "event_ts:<type_name>"; the length, or -1 when it does not fit */
int elaaoms_event_ts_field(char *buf, size_t size, const char *type_name);

/*
 * 1 when an event of timestamp ts is older than the stored value (the
 * text of an HGET reply, len bytes; NULL or unparsable: nothing stored),
 * 0 otherwise.
 */
int elaaoms_event_is_stale(const char *stored, size_t len, long long ts);

/*
 * KEYS[1] conversation hash; ARGV[1] field, ARGV[2] event timestamp.
 * Records the timestamp unless a newer one is stored: 1 recorded (or
 * already there), -1 refused as older.
 */
extern const char  elaaoms_event_ts_script[];

#define ELAAOMS_EVENT_TS_ARGC  6

/* one EVAL of elaaoms_event_ts_script */
typedef struct {
    char         conversation[512];
    char         field[ELAAOMS_EVENT_TS_FIELD_MAX];
    char         ts[24];
    const char  *argv[ELAAOMS_EVENT_TS_ARGC];
    size_t       argvlen[ELAAOMS_EVENT_TS_ARGC];
} elaaoms_event_ts_cmd_t;

/* fills cmd; 0, or -1 when a key does not fit */
int elaaoms_event_ts_cmd(elaaoms_event_ts_cmd_t *cmd, const char *org,
    const char *type_name, const char *conversation_id, long long ts);

#endif /* ELAAOMS_EVENT_ORDER_H */
