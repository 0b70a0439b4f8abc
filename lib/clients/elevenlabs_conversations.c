/*
 * ElevenLabs' conversation list and details (elevenlabs_conversations.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/elevenlabs_conversations.h"
#include "intake/ids.h"
#include "util/yajl_util.h"


/* a cursor is opaque: everything but the unreserved characters escaped */
static int
elaaoms_elevenlabs_escape(char *out, size_t size, const char *s)
{
    size_t                 n;
    static const char      hex[] = "0123456789ABCDEF";

    for (n = 0; *s; s++) {
        if (n + 4 > size) {
            return -1;
        }

        if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
            || (*s >= '0' && *s <= '9') || strchr("-._~", *s))
        {
            out[n++] = *s;

        } else {
            out[n++] = '%';
            out[n++] = hex[(unsigned char) *s >> 4];
            out[n++] = hex[(unsigned char) *s & 0x0f];
        }
    }

    out[n] = '\0';
    return 0;
}


static int
elaaoms_elevenlabs_page_parse(elaaoms_elevenlabs_conv_page_t *page,
    const char *body, elaaoms_api_error_t *err)
{
    size_t                      i;
    yajl_val                    list, v, c;
    elaaoms_elevenlabs_conv_t  *it;
    char                        reason[128];

    page->tree = elaaoms_yajl_parse(body, reason, sizeof(reason));
    list = page->tree ? elaaoms_yajl_arr(page->tree,
                                         ELAAOMS_YAJL_PATH("conversations"))
                      : NULL;

    if (list == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "elevenlabs: a conversation list without "
                              "\"conversations\"");
        return -1;
    }

    v = yajl_tree_get(page->tree, ELAAOMS_YAJL_PATH("has_more"), yajl_t_any);
    page->has_more = YAJL_IS_TRUE(v);
    page->next_cursor = elaaoms_yajl_str(page->tree,
                                         ELAAOMS_YAJL_PATH("next_cursor"));
    if (page->next_cursor && page->next_cursor[0] == '\0') {
        page->next_cursor = NULL;
    }

    page->items = calloc(YAJL_GET_ARRAY(list)->len + 1,
                         sizeof(elaaoms_elevenlabs_conv_t));
    if (page->items == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
        return -1;
    }

    for (i = 0; i < YAJL_GET_ARRAY(list)->len; i++) {
        c = YAJL_GET_ARRAY(list)->values[i];
        it = &page->items[page->n];

        it->conversation_id = elaaoms_yajl_str(c,
                                  ELAAOMS_YAJL_PATH("conversation_id"));
        if (it->conversation_id == NULL
            || !elaaoms_conversation_id_valid_str(it->conversation_id))
        {
            page->invalid++;
            continue;
        }

        it->agent_id = elaaoms_yajl_str(c, ELAAOMS_YAJL_PATH("agent_id"));
        it->status = elaaoms_yajl_str(c, ELAAOMS_YAJL_PATH("status"));
        if (it->status == NULL) {
            it->status = "";
        }

        if (elaaoms_yajl_count(c, ELAAOMS_YAJL_PATH("start_time_unix_secs"),
                               &it->start_time) != 0)
        {
            it->start_time = -1;
        }

        if (elaaoms_yajl_count(c, ELAAOMS_YAJL_PATH("call_duration_secs"),
                               &it->duration) != 0)
        {
            it->duration = -1;
        }

        page->n++;
    }

    return 0;
}


int
elaaoms_elevenlabs_list_conversations(const elaaoms_elevenlabs_t *cfg,
    const char *agent_id, int page_size, const char *cursor,
    long long after_unix, elaaoms_elevenlabs_conv_page_t *page,
    elaaoms_api_error_t *err)
{
    int                      n;
    char                     path[2048], esc[1024], after[48];
    elaaoms_http_response_t  resp;

    memset(page, 0, sizeof(elaaoms_elevenlabs_conv_page_t));
    elaaoms_api_error_reset(err);

    if (agent_id == NULL || !elaaoms_agent_id_valid_str(agent_id)
        || page_size < 1 || page_size > ELAAOMS_ELEVENLABS_PAGE_MAX
        || (cursor && elaaoms_elevenlabs_escape(esc, sizeof(esc), cursor)
                      != 0))
    {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "elevenlabs: invalid agent id, page size or "
                              "cursor");
        return -1;
    }

    after[0] = '\0';
    if (after_unix > 0) {
        snprintf(after, sizeof(after), "&call_start_after_unix=%lld",
                 after_unix);
    }

    n = snprintf(path, sizeof(path), "/v1/convai/conversations?agent_id=%s"
                 "&page_size=%d%s%s%s", agent_id, page_size, after,
                 cursor ? "&cursor=" : "", cursor ? esc : "");
    if (n < 0 || (size_t) n >= sizeof(path)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "elevenlabs: request too long");
        return -1;
    }

    if (elaaoms_elevenlabs_get(cfg, path, &resp, err) != 0) {
        return -1;
    }

    n = elaaoms_elevenlabs_page_parse(page, resp.body, err);
    elaaoms_http_response_free(&resp);

    if (n != 0) {
        elaaoms_elevenlabs_conv_page_free(page);
        return -1;
    }

    return 0;
}


void
elaaoms_elevenlabs_conv_page_free(elaaoms_elevenlabs_conv_page_t *page)
{
    free(page->items);

    if (page->tree) {
        yajl_tree_free(page->tree);
    }

    memset(page, 0, sizeof(elaaoms_elevenlabs_conv_page_t));
}


int
elaaoms_elevenlabs_get_conversation(const elaaoms_elevenlabs_t *cfg,
    const char *conversation_id, char **raw_json, size_t *len,
    elaaoms_api_error_t *err)
{
    char                     path[256], reason[128];
    yajl_val                 root;
    elaaoms_http_response_t  resp;

    *raw_json = NULL;
    elaaoms_api_error_reset(err);

    if (conversation_id == NULL
        || !elaaoms_conversation_id_valid_str(conversation_id))
    {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_INPUT, 0,
                              "elevenlabs: invalid conversation id");
        return -1;
    }

    snprintf(path, sizeof(path), "/v1/convai/conversations/%s",
             conversation_id);

    if (elaaoms_elevenlabs_get(cfg, path, &resp, err) != 0) {
        return -1;
    }

    root = elaaoms_yajl_parse(resp.body, reason, sizeof(reason));
    if (root == NULL || !YAJL_IS_OBJECT(root)) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "elevenlabs: conversation %s is not a JSON "
                              "object", conversation_id);
        if (root) {
            yajl_tree_free(root);
        }
        elaaoms_http_response_free(&resp);
        return -1;
    }

    yajl_tree_free(root);

    *raw_json = resp.body;              /* ownership passes to the caller */
    *len = resp.body_len;
    resp.body = NULL;
    elaaoms_http_response_free(&resp);

    return 0;
}
