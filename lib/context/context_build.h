/*
 * Pre-call context: what an agent should know about a caller when the
 * call starts, built by the worker after each extraction from all of the
 * caller's memories (memory_record.h) and served by the nginx module's
 * client-data hook with one GET (context_store.h has the Redis side).
 *
 * Plain C, no I/O: everything here is a pure function of its inputs.
 *
 * Visibility, for a target agent T:
 *   - T's own memories (T created or reinforced them: the record's
 *     agent_id or one of its prior agents, memory_record.h): all of them;
 *   - memories of other agents of the organization (or of no agent):
 *     only identity facts (ELAAOMS_MEMORY_F_IDENTITY: the caller's name,
 *     language) and those of importance >= ELAAOMS_MEMORY_SHAREABLE_MIN
 *     (8); they are "shared", listed with their latest agent id, and
 *     their ids are returned so the server can append an audit entry
 *     each time it serves them;
 *   - for an agent not seen yet (agent_id NULL, "" or "_any"): identity
 *     and shareable memories only, all of them "shared".
 * Superseded memories (ELAAOMS_MEMORY_F_SUPERSEDED) only appear as the
 * "previous" side of a conflict.
 *
 * The context object (JSON, keys in this order):
 *
 *   {"caller":"+14155550123",
 *    "name":"Maria Lopez",                        only when known
 *    "calls":3,                                   previous conversations
 *    "first_seen":"2025-10-01","last_seen":"2025-11-17",  UTC dates or null
 *    "frequency":"weekly",                        see elaaoms_context_frequency()
 *    "summary":"one line, <= 300 bytes",
 *    "open_issues":[memory...],                   own issues not resolved
 *    "last_conversation":[memory...],             own, most recent conversation
 *    "shared":[memory + "agent_id"...],           other agents: importance >= 8
 *                                                 or an identity fact
 *    "conflicts":[{"current":"..","previous":"..","since":"2025-11-17"}],
 *    "preferences":[memory...],
 *    "relationship":[{"insight":"Frequent caller: ..."}, memory...],
 *    "earlier":[memory...]}                       other own memories
 *
 *   memory = {"id":"..","type":"issue","content":"..","importance":9,
 *             "date":"2025-11-17"}   (date: last reinforced, else created)
 *
 * Each memory appears in one section only.  Within a section the most
 * important come first (importance, then recency).  An issue is "open"
 * unless its text says it was resolved / solved / fixed without a
 * negation just before ("not yet resolved" stays open).
 *
 * Size cap: the whole object stays within max_tokens (default 2,000),
 * estimated as bytes / 4 rounded up (ELAAOMS_CONTEXT_BYTES_PER_TOKEN: a
 * cautious figure for English JSON, where real tokenizers average 3.5-4.5
 * bytes).  The fixed part (caller, counts, summary, insight) always stays;
 * memories and conflicts are taken greedily by score (importance x 10 plus
 * a section bonus: open issue 15, conflict 12, last conversation 10,
 * shared 8, preference 5, relationship 3, earlier 0), skipping any that no
 * longer fits; a memory's content is cut at 500 bytes.
 */

#ifndef ELAAOMS_CONTEXT_BUILD_H
#define ELAAOMS_CONTEXT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "context/served_set.h"

#include "store/memory_record.h"

#define ELAAOMS_CONTEXT_MAX_TOKENS        2000
#define ELAAOMS_CONTEXT_BYTES_PER_TOKEN   4
/* caller_context dynamic variable, bytes (so also characters) */
#define ELAAOMS_CONTEXT_TEXT_MAX          500
#define ELAAOMS_CONTEXT_SUMMARY_MAX       300
#define ELAAOMS_CONTEXT_NAME_MAX          96
/* a memory's content in the context object */
#define ELAAOMS_CONTEXT_CONTENT_MAX       500
#define ELAAOMS_FIRST_MESSAGE_MAX         300
/* callers with at least this many calls at most ~10 days apart, or twice
   as many calls, are "frequent" */
#define ELAAOMS_CONTEXT_FREQUENT_CALLS    5

/* the agent id of the context built for agents not seen yet */
#define ELAAOMS_CONTEXT_ANY               "_any"

/* keys (context_store.h has the whole schema) */
#define ELAAOMS_CONTEXT_KEY_PREFIX        "context:"
#define ELAAOMS_CONTEXT_AUDIT_MAXLEN      100000

#define ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE                                \
    "Hello! How can I help you today?"


/* the caller's history of calls (all agents), taken as given */
typedef struct {
    long long   count;        /* previous conversations; 0: none known */
    int64_t     first_seen;   /* unix seconds; 0: unknown */
    int64_t     last_seen;
} elaaoms_call_history_t;

typedef struct {
    const char               *org;
    const char               *caller;        /* the caller key */
    /* the target agent; NULL, "" or ELAAOMS_CONTEXT_ANY: not seen yet */
    const char               *agent_id;
    /*
     * The organization's agents (optional): when given, only memories
     * one of these agents created or reinforced (or of no agent) are
     * shared with the target; memories of other agents only stay
     * private.  NULL: every other agent.
     */
    const char *const        *org_agents;
    size_t                    norg_agents;
    elaaoms_call_history_t    calls;
    size_t                    max_tokens;    /* 0: ELAAOMS_CONTEXT_MAX_TOKENS */
} elaaoms_context_input_t;

/* the result; free with elaaoms_context_free() */
typedef struct {
    char        *json;        /* the context object, NUL-terminated */
    size_t       len;
    size_t       tokens;      /* estimate: ceil(len / 4) */
    size_t       included;    /* memories and conflicts in it */
    size_t       dropped;     /* visible ones left out by the cap */

    /* dynamic-variable scalars */
    int          known;       /* calls > 0 or any visible memory */
    long long    call_count;
    char         name[ELAAOMS_CONTEXT_NAME_MAX];        /* "" unknown */
    char         first_name[ELAAOMS_CONTEXT_NAME_MAX];  /* "" unknown */
    char         context_text[ELAAOMS_CONTEXT_TEXT_MAX + 1];
    char         last_interaction[16];                  /* "YYYY-MM-DD"/"" */
    char        *open_issue;  /* content of the top open issue, or NULL */

    const char  *frequency;   /* static text */
    int          frequent;
    char        *summary;     /* one line */
    char        *agent_id;    /* the target, ELAAOMS_CONTEXT_ANY when none */

    /* ids of other agents' memories served anywhere in this context */
    char       **shared_ids;
    size_t       nshared;

    /* the same as a served set (served_set.h): "" and NULL when none */
    char         shared_set[ELAAOMS_SERVED_SET_ID_LEN + 1];
    char        *shared_joined;
} elaaoms_context_t;


/*
 * Builds the context of in->agent_id from recs[0..n) (all of one caller:
 * records of another org or caller are ignored).  ctx owns copies of
 * everything it keeps; recs may go away afterwards.  0, or -1 (out of
 * memory, or no org/caller; ctx is then empty).
 */
int elaaoms_context_build(const elaaoms_memory_record_t *recs, size_t n,
    const elaaoms_context_input_t *in, elaaoms_context_t *ctx);

void elaaoms_context_free(elaaoms_context_t *ctx);

/*
 * "new" (0 calls), "one previous call", then from the average gap between
 * first and last seen: "several times a day" (< 1 day), "daily" (< 1.5),
 * "several times a week" (< 4), "weekly" (< 10), "every few weeks" (< 24),
 * "monthly" (< 45), "every few months" (< 120), "rarely"; "returning"
 * when the dates are unknown.  *frequent (may be NULL) is set as
 * ELAAOMS_CONTEXT_FREQUENT_CALLS says.
 */
const char *elaaoms_context_frequency(const elaaoms_call_history_t *calls,
    int *frequent);

/* "YYYY-MM-DD" (UTC) of t into buf (>= 11 bytes); "" when t <= 0 */
void elaaoms_context_date(int64_t t, char *buf, size_t size);

/*
 * The caller's name when a factual memory states it: "Caller's name is
 * Maria Lopez.", "The customer's full name is ...", "Name: ...", "Her
 * name is ...", "Caller is named ..." (up to three capitalized words, or
 * two lowercase ones after "name is", capitalized).  0 and name in buf,
 * -1 when the text states none.
 */
int elaaoms_context_name_from(const char *content, char *buf, size_t size);

/* 1 when the text gives a name the caller goes by ("The caller goes by
 * Immy.", "prefers to be called Liz", "nickname is Bea"), not their name */
int elaaoms_context_name_preferred(const char *content);

/* 1 when an issue's text says it was resolved (see above) */
int elaaoms_context_issue_resolved(const char *content);


/*
 * The stored document for client-data (ONE JSON object, see
 * context_store.h), into *out (malloc'd, NUL-terminated, *len bytes):
 *
 *   {"version":4,"at":"<spans>","agent_id":"..","built_us":<unix µs>,
 *    "dynamic_variables":{"caller_known":true,"caller_call_count":3,
 *       "caller_context":"..","caller_last_interaction":"2025-11-17",
 *       "caller_open_issue":"..","caller_name":".." (only when known)},
 *    "first_message":"..",          "" : use the agent's own
 *    "shared_set":"<set id>",       "" when no other agent's memory
 *                                   is served; the ids are in the
 *                                   caller's served sets (served_set.h)
 *    "prompt_addition":".."}        text + the context JSON (the context
 *                                   travels only here), always last:
 *                                   version 2 tells nginx, which reads
 *                                   the document on every request, that
 *                                   it may take the rest as this text
 *                                   without scanning it (version 1 had
 *                                   it before shared_ids, version 3 had
 *                                   the ids themselves, "shared_ids")
 *
 * "at" (versions 3 and 4) says where the values nginx copies into its answer
 * are, so that it copies them without scanning the document: see
 * elaaoms_context_spans_read() below.
 *
 * first_message may be NULL ("").  "built_us" comes right after the
 * agent id (an id never holds a quote), so a reader can find it with a
 * plain pattern match: context_store.h never replaces a document with an
 * older one.  0 or -1.
 */
int elaaoms_context_document(const elaaoms_context_t *ctx,
    const char *first_message, int64_t built_us, char **out, size_t *len);


/*
 * The spans of a version 3 or 4 document: where the values of
 * dynamic_variables (the object, braces included), first_message (the
 * string, quotes included) and shared_set (version 4: the string, quotes
 * included; version 3: shared_ids, the array) are, as byte offsets from
 * the document's start and lengths.  They hold for the head too, which is
 * the document cut before prompt_addition.  "at" is written as six
 * ELAAOMS_CONTEXT_AT_DIGITS-digit numbers (offset and length of each, in
 * that order) separated by spaces; all zeros when one would not fit.
 */
#define ELAAOMS_CONTEXT_SPAN_VARIABLES      0
#define ELAAOMS_CONTEXT_SPAN_FIRST_MESSAGE  1
#define ELAAOMS_CONTEXT_SPAN_SHARED_SET     2
#define ELAAOMS_CONTEXT_SPANS               3

#define ELAAOMS_CONTEXT_AT_DIGITS           6
#define ELAAOMS_CONTEXT_AT_MAX              999999
#define ELAAOMS_CONTEXT_AT_LEN                                               \
    (2 * ELAAOMS_CONTEXT_SPANS * (ELAAOMS_CONTEXT_AT_DIGITS + 1) - 1)

/* what every version 3 and 4 document starts with, "at"'s value next */
#define ELAAOMS_CONTEXT_V3_PREFIX           "{\"version\":3,\"at\":\""
#define ELAAOMS_CONTEXT_V4_PREFIX           "{\"version\":4,\"at\":\""

typedef struct {
    size_t    off;
    size_t    len;
} elaaoms_context_span_t;

/* "at"'s value into at (ELAAOMS_CONTEXT_AT_LEN bytes, no quotes) */
void elaaoms_context_spans_write(char *at,
    const elaaoms_context_span_t spans[ELAAOMS_CONTEXT_SPANS]);

/*
 * The spans of doc (a document or its head, len bytes): 0 when doc is a
 * version 3 or 4 document whose "at" is filled and whose spans lie inside
 * it, each starting and ending with its value's delimiters ({}, "", and
 * "" or []); -1 otherwise (an older version, or bytes not to trust: scan
 * them).  Reads "at" and six pairs of bytes, whatever the document's size.
 */
int elaaoms_context_spans_read(const char *doc, size_t len,
    elaaoms_context_span_t spans[ELAAOMS_CONTEXT_SPANS]);


/*
 * A deterministic personalised first message into out (at most
 * ELAAOMS_FIRST_MESSAGE_MAX bytes + NUL; size >= 301 recommended):
 *
 *   name and open issue:  "Hi Maria, welcome back! Last time we spoke about
 *                          this: your order XYZ-789 is delayed — is that
 *                          why you're calling?" (an em dash, UTF-8)
 *   name only:            the agent's first message with the name after
 *                          its greeting ("Hi, thanks for calling Acme." ->
 *                          "Hi Maria, thanks for calling Acme."), or
 *                          "Hi Maria! " before it
 *   open issue only:      "Welcome back! Last time we spoke about ..."
 *
 * The issue is its first clause, turned to the second person ("Caller's
 * order" -> "your order", "Reported that their ..." -> "you reported
 * that your ...").  agent_first_message NULL/"" means
 * ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE.  Returns the length, or 0 (out
 * = "") when there is nothing to personalise, the agent speaks another
 * language than English (language set and not "en..."), or its first
 * message uses {{dynamic variables}} itself: the agent's own message is
 * then the right one.
 */
size_t elaaoms_first_message_template(const elaaoms_context_t *ctx,
    const char *agent_first_message, const char *language, char *out,
    size_t size);

/*
 * Prompts for elaaoms_llm_complete_text() (max_tokens ~ 120): the system
 * prompt states the rules (one or two sentences, <= 300 characters, one
 * line, greet by first name when known, at most one remembered detail -
 * the open issue first - never sensitive data, never invented facts, the
 * agent's language and tone), the user prompt gives the agent's name and
 * usual first message and the caller's context.  Both malloc'd; 0 or -1.
 */
int elaaoms_first_message_prompt(const elaaoms_context_t *ctx,
    const char *agent_name, const char *agent_first_message,
    const char *language, char **system_prompt, char **user_prompt);

/*
 * Validates an LLM's first message: trimmed of spaces and enclosing
 * quotes, then 1..300 bytes of valid UTF-8, no control characters
 * (newlines included), no "{{", "[", "]", "<", ">", "*" or "#" (template
 * slots, markup), at most two sentences.  The cleaned text goes to out.
 * Its length, or -1 when it must not be spoken (use the template).
 */
long elaaoms_first_message_check(const char *text, char *out, size_t size);


/* "elaaoms:<org>:{<org>:<caller>}:context:<agent_id>"; length or -1 */
int elaaoms_context_key(char *buf, size_t size, const char *org,
    const char *caller, const char *agent_id);

/*
 * "elaaoms:<org>:{<org>:<caller>}:context:<agent_id>:head": the document
 * cut before prompt_addition, closed ("{...}"), beside it; length or -1
 */
#define ELAAOMS_CONTEXT_HEAD_SUFFIX       ":head"

int elaaoms_context_head_key(char *buf, size_t size, const char *org,
    const char *caller, const char *agent_id);

/* "elaaoms:<org>:agent:<agent_id>:profile"; length or -1 */
int elaaoms_context_profile_key(char *buf, size_t size, const char *org,
    const char *agent_id);

#endif /* ELAAOMS_CONTEXT_BUILD_H */
