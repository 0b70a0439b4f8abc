/*
 * ElevenLabs' conversation history, for the backfill (worker/backfill.h):
 *
 *   GET {base}/v1/convai/conversations?agent_id=&page_size=&cursor=
 *       &call_start_after_unix=
 *     {"conversations": [{"agent_id", "conversation_id",
 *       "start_time_unix_secs", "call_duration_secs", "message_count",
 *       "status" (initiated, in-progress, processing, done, failed),
 *       "call_successful", "agent_name"}, ...],
 *      "has_more": bool, "next_cursor": string or null}
 *     newest first;
 *   GET {base}/v1/convai/conversations/{conversation_id}
 *     the conversation: the post-call webhook's "data" object ("agent_id",
 *     "conversation_id", "status", "transcript", "metadata", "analysis",
 *     "conversation_initiation_client_data", ...).
 *
 * Both with "xi-api-key" and the retries of elevenlabs_api.h (429 waits
 * what retry-after says).
 */

#ifndef ELAAOMS_ELEVENLABS_CONVERSATIONS_H
#define ELAAOMS_ELEVENLABS_CONVERSATIONS_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "clients/elevenlabs_api.h"

/* page_size as the API takes it */
#define ELAAOMS_ELEVENLABS_PAGE_MAX  100

/* one conversation of a list; strings point into the page's tree */
typedef struct {
    const char  *conversation_id;   /* valid id (ids.h), else skipped */
    const char  *agent_id;          /* NULL when absent */
    const char  *status;            /* "" when absent */
    long long    start_time;        /* start_time_unix_secs, -1 absent */
    long long    duration;          /* call_duration_secs, -1 absent */
} elaaoms_elevenlabs_conv_t;

typedef struct {
    elaaoms_elevenlabs_conv_t  *items;
    size_t                      n;
    size_t                      invalid;      /* entries without a usable
                                                 conversation_id */
    int                         has_more;
    const char                 *next_cursor;  /* NULL: none */
    yajl_val                    tree;
} elaaoms_elevenlabs_conv_page_t;

/*
 * One page of agent_id's conversations: page_size 1..100, cursor NULL for
 * the first page, after_unix > 0 for call_start_after_unix.  0 with page
 * filled (free it with elaaoms_elevenlabs_conv_page_free()), or -1 with
 * err filled (a page not shaped as documented is MALFORMED).
 */
int elaaoms_elevenlabs_list_conversations(const elaaoms_elevenlabs_t *cfg,
    const char *agent_id, int page_size, const char *cursor,
    long long after_unix, elaaoms_elevenlabs_conv_page_t *page,
    elaaoms_api_error_t *err);

void elaaoms_elevenlabs_conv_page_free(elaaoms_elevenlabs_conv_page_t *page);

/*
 * The conversation's details as received (a JSON object, checked),
 * malloc'd and NUL-terminated in *raw_json (*len its length); the caller
 * frees it.  0, or -1 with err filled (404: HTTP with http_status 404).
 */
int elaaoms_elevenlabs_get_conversation(const elaaoms_elevenlabs_t *cfg,
    const char *conversation_id, char **raw_json, size_t *len,
    elaaoms_api_error_t *err);

#endif /* ELAAOMS_ELEVENLABS_CONVERSATIONS_H */
