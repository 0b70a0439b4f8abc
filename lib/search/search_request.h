/*
 * The parameters of a search-memory tool call, validated: from the JSON
 * body ElevenLabs sends (the tool's parameter object) or from query-string
 * pairs.  Strings point into the caller's storage (the yajl tree or the
 * unescaped arguments) and live as long as it does.
 */

#ifndef ELAAOMS_SEARCH_REQUEST_H
#define ELAAOMS_SEARCH_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#define ELAAOMS_SEARCH_DEFAULT_LIMIT      5
#define ELAAOMS_SEARCH_MAX_LIMIT          100
#define ELAAOMS_SEARCH_MAX_QUERY          1000
#define ELAAOMS_SEARCH_MAX_CALL_ID        255

typedef struct {
    const char  *query;
    const char  *caller_id;          /* as sent; NULL when absent */
    const char  *agent_id;           /* NULL when absent */
    const char  *conversation_id;    /* filter; NULL when absent */
    /*
     * The live call the search belongs to (call_sid, call_id, or with
     * binding on conversation_id too): the caller is the one client-data
     * bound to it.  NULL when absent.
     */
    const char  *call_id;
    int          search_all_agents;
    int          limit;
    double       threshold;          /* < 0: the location's default */
    int          type;               /* elaaoms_mem_type_e, -1: any */
    int64_t      since;              /* unix seconds, 0: unbounded */
    int64_t      until;              /* unix seconds, 0: unbounded */
    int          min_importance;     /* 1..10, 0: any */

    /*
     * The question's vector from the embeddings provider (nginx gets it
     * through a subrequest or its Redis cache, ngx_http_elaaoms_embed.c):
     * records of this model and dimension are scored by their cosine
     * with it (search_rank.h).  NULL: offline scoring only.  Never set
     * from the request's parameters.
     */
    const char  *qvec_model;
    size_t       qvec_dim;
    const float *qvec;
} elaaoms_search_request_t;

void elaaoms_search_request_init(elaaoms_search_request_t *sr);

/*
 * 1 when s can name a live call: 1..ELAAOMS_SEARCH_MAX_CALL_ID printable
 * ASCII characters without spaces (a Twilio CallSid, a SIP Call-ID such
 * as "a84b4c76e66710@pc33.atlanta.com", a conversation id).
 */
int elaaoms_search_call_id_valid(const char *s);

/*
 * One parameter as text (a query-string pair, already unescaped).  0 on
 * success; -1 with a message naming the parameter.  Unknown names are
 * ignored: ElevenLabs may bind more dynamic variables than we read.
 */
int elaaoms_search_request_set(elaaoms_search_request_t *sr,
    const char *name, const char *value, char *err, size_t errlen);

/* every parameter of a JSON object; 0 on success, -1 with a message */
int elaaoms_search_request_from_json(elaaoms_search_request_t *sr,
    yajl_val obj, char *err, size_t errlen);

/* after all parameters: the query is required; 0 or -1 with a message */
int elaaoms_search_request_check(const elaaoms_search_request_t *sr,
    char *err, size_t errlen);

#endif /* ELAAOMS_SEARCH_REQUEST_H */
