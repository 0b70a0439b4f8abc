/*
 * Pre-call contexts in Redis: the worker's side (blocking hiredis).  After
 * each extraction the worker calls elaaoms_context_refresh(), which
 * rebuilds every context document of the caller (context_build.h); the
 * nginx module's client-data hook reads one of them with a GET.
 *
 * Keys, with C = "elaaoms:<org>:{<org>:<caller>}:" (redis_keys.h; the
 * nginx module builds its keys with context_build.h's helpers, which pull
 * in no I/O code):
 *
 *   C context:<agent_id>  STRING  the client-data document for that agent
 *                                 (elaaoms_context_document(): ONE JSON
 *                                 object: dynamic_variables, first_message,
 *                                 shared_set, prompt_addition)
 *   C context:_any        STRING  the same for agents not seen yet:
 *                                 identity and shareable memories only
 *   C served              HASH    the documents' served sets
 *                                 (served_set.h), in the same EVAL
 *   C calls               HASH    count, first_seen, last_seen (unix
 *                                 seconds) of the caller's conversations
 *   C call_ids            SET     conversation ids already counted, so a
 *                                 retried job never counts a call twice
 *   elaaoms:<org>:agents  SET     agent ids of the organization seen so far
 *                                 (refresh adds the ones it is given and the
 *                                 caller's); every caller gets a context
 *                                 for each of them (up to
 *                                 ELAAOMS_CONTEXT_MAX_AGENTS: others fall
 *                                 back to _any)
 *   elaaoms:<org>:agent:<agent_id>:profile   STRING  ElevenLabs' agent
 *                                 profile JSON as fetched (the worker's 24 h
 *                                 cache; read here for the first message,
 *                                 name and language, and by nginx for the
 *                                 allowed overrides)
 *   elaaoms:<org>:audit   STREAM  appended by nginx each time shared memories
 *                                 are served: org, caller, agent_id,
 *                                 memory_ids (comma-separated) or
 *                                 memory_set (a served set), time,
 *                                 request_id, via ("client_data"; search
 *                                 memory writes "search"); MAXLEN ~ 100000
 *
 * The caller's keys share the hash tag (one Redis Cluster slot), so the
 * write of all of them is one EVAL.  The context keys have no TTL unless
 * configured: they change only with the memories, and GDPR erasure
 * (elaaoms_memory_store_delete_caller()) removes every key under C.
 *
 * Ordering: each document carries "built_us", the Redis server's TIME
 * read just before the memories were loaded; the write script replaces a
 * document only with one built from the same or a newer snapshot, so two
 * workers refreshing one caller at once never leave the older view.
 */

#ifndef ELAAOMS_CONTEXT_STORE_H
#define ELAAOMS_CONTEXT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include "context/context_build.h"

#define ELAAOMS_CONTEXT_KEY_CALLS       "calls"
#define ELAAOMS_CONTEXT_KEY_CALL_IDS    "call_ids"
#define ELAAOMS_CONTEXT_KEY_ORG_AGENTS  "agents"          /* org key */
#define ELAAOMS_CONTEXT_MAX_AGENTS      64


/*
 * Writes one agent's first message with an LLM: returns a malloc'd text
 * (checked here with elaaoms_first_message_check(); a refused or NULL
 * answer falls back to elaaoms_first_message_template()).  In the worker:
 *
 *     static char *
 *     writer(void *arg, const char *agent_id, const char *sys,
 *         const char *user)
 *     {
 *         char  *text = NULL;
 *         if (elaaoms_llm_complete_text(arg, sys, user, 120, &text, NULL,
 *                                       NULL) != 0)
 *         {
 *             return NULL;
 *         }
 *         return text;
 *     }
 */
typedef char *(*elaaoms_first_message_writer_pt)(void *arg,
    const char *agent_id, const char *system_prompt, const char *user_prompt);


/* everything optional: a NULL options pointer means all zero */
typedef struct {
    /* the conversation just extracted: counted once in C calls */
    const char  *conversation_id;     /* NULL: count nothing */
    int64_t      call_time;           /* its unix time; 0: now */
    /* the base of template greetings when an agent has no cached profile */
    const char  *default_first_message;   /* NULL: the nginx default */
    int          ttl_secs;            /* context keys; 0: no expiry */
    size_t       max_tokens;          /* 0: ELAAOMS_CONTEXT_MAX_TOKENS */
} elaaoms_context_refresh_opts_t;

typedef struct {
    size_t       agents;        /* contexts built, _any included */
    size_t       written;       /* keys set or deleted (not skipped as
                                   older than what is stored) */
    size_t       llm_used;      /* first messages from the writer */
    size_t       llm_refused;   /* writer answers that failed the check */
    size_t       shared;        /* shared memory ids, summed over contexts */
    size_t       max_tokens;    /* the largest context, estimated tokens */
    size_t       memories;      /* the caller's records */
    elaaoms_call_history_t  calls;
} elaaoms_context_refresh_stats_t;


/*
 * Counts one conversation of the caller in C calls (count + 1, first_seen
 * lowered / last_seen raised to `when`), once per conversation id (one
 * EVAL).  1 counted, 0 already counted, -1 error.
 */
int elaaoms_context_note_call(elaaoms_redis_t *rc, const char *org,
    const char *caller, const char *conversation_id, int64_t when,
    char *err, size_t errlen);

/*
 * The caller's history: C calls, completed from the memories when they
 * know more (count at least SCARD C conversations, first_seen at most
 * the oldest memory, last_seen at least the newest).  recs may be NULL.
 * 0 or -1.
 */
int elaaoms_context_history(elaaoms_redis_t *rc, const char *org,
    const char *caller, const elaaoms_memory_record_t *recs, size_t n,
    elaaoms_call_history_t *out, char *err, size_t errlen);

/*
 * Rebuilds and stores every context of the caller:
 *   1. counts opts->conversation_id (elaaoms_context_note_call());
 *   2. agents: agent_ids[0..nagents) (the agents of the conversation just
 *      extracted), then the caller's "agents" set, then the org's, at most
 *      ELAAOMS_CONTEXT_MAX_AGENTS; the first two groups are added to the
 *      org's set; plus ELAAOMS_CONTEXT_ANY;
 *   3. loads the memories (elaaoms_memory_store_load()) and the history;
 *   4. per agent: elaaoms_context_build(), a first message (from the
 *      writer for the agents in agent_ids only, so one extraction costs
 *      one LLM call per agent of the conversation; from the template
 *      otherwise or when the writer fails; none for _any), the document;
 *   5. writes them in one EVAL (older-than-stored documents skipped).  A
 *      caller with no call and no memory gets its context keys deleted.
 * stats may be NULL.  0, or -1 with err (invalid org, caller or agent id;
 * Redis errors).
 */
typedef struct {
    const char                             *org;
    const char                             *caller;
    const char *const                      *agent_ids;   /* may be NULL */
    size_t                                  nagents;
    elaaoms_first_message_writer_pt         writer;      /* NULL: templates */
    void                                   *writer_arg;
    const elaaoms_context_refresh_opts_t   *opts;        /* NULL: all zero */
} elaaoms_context_refresh_req_t;

int elaaoms_context_refresh(elaaoms_redis_t *rc,
    const elaaoms_context_refresh_req_t *req,
    elaaoms_context_refresh_stats_t *stats, char *err, size_t errlen);

#endif /* ELAAOMS_CONTEXT_STORE_H */
