/*
 * Pre-call context: the personalised first message (see context_build.h):
 * the deterministic template, the LLM prompts, and the check of what an
 * LLM wrote.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "context/context_build.h"
#include "context/context_internal.h"


/* --- first messages ------------------------------------------------------ */

static const char  *greetings[] = {
    "good morning", "good afternoon", "good evening", "hello", "hi", "hey",
    NULL
};


/* the length of the greeting that starts s, 0 when none */
static size_t
greeting_len(const char *s)
{
    size_t  k, n;

    for (k = 0; greetings[k]; k++) {
        n = strlen(greetings[k]);
        if (strncasecmp(s, greetings[k], n) == 0
            && (s[n] == ',' || s[n] == '!' || s[n] == '.' || s[n] == ' '
                || s[n] == '\0'))
        {
            return n;
        }
    }

    return 0;
}


typedef struct {
    const char  *from;
    const char  *to;
} swap_t;

/* whole words, lowercase, apostrophes as "'" */
static const swap_t  pronouns[] = {
    { "caller's", "your" }, { "customer's", "your" }, { "client's", "your" },
    { "their", "your" }, { "theirs", "yours" }, { "they", "you" },
    { "them", "you" }, { "themselves", "yourself" },
    { "themself", "yourself" }, { "they're", "you're" },
    { "they've", "you've" }, { "they'd", "you'd" }, { "they'll", "you'll" },
    { "his", "your" }, { "he", "you" }, { "she", "you" },
    { NULL, NULL }
};

/* the verb after a third-person subject that became "you" */
static const swap_t  verbs[] = {
    { "is", "are" }, { "was", "were" }, { "has", "have" }, { "does", "do" },
    { "wants", "want" }, { "needs", "need" }, { "prefers", "prefer" },
    { "says", "say" }, { "reports", "report" }, { "lives", "live" },
    { "works", "work" }, { "likes", "like" }, { "expects", "expect" },
    { "hasn't", "haven't" }, { "doesn't", "don't" }, { "isn't", "aren't" },
    { "wasn't", "weren't" },
    { NULL, NULL }
};


static const char *
swap_find(const swap_t *list, const char *w, size_t len)
{
    size_t  k, i;

    for (k = 0; list[k].from; k++) {
        if (strlen(list[k].from) != len) {
            continue;
        }
        for (i = 0; i < len; i++) {
            if (elaaoms_ctx_lower((unsigned char) w[i]) != list[k].from[i]) {
                break;
            }
        }
        if (i == len) {
            return list[k].to;
        }
    }

    return NULL;
}


static int
word_is(const char *w, size_t len, const char *s)
{
    size_t  i;

    if (strlen(s) != len) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (elaaoms_ctx_lower((unsigned char) w[i]) != s[i]) {
            return 0;
        }
    }

    return 1;
}


/*
 * The first clause of an issue, in the second person, into out; its
 * length (0 when nothing is left).
 */
static size_t
spoken_issue(const char *issue, const elaaoms_context_t *ctx, char *out,
    size_t size)
{
    int                 subject_you, first, after_the;
    char               *t;
    size_t              i, len, ws, we, o, pl;
    elaaoms_buf_t       sb;
    const char         *to, *prefix;

    t = elaaoms_ctx_text_clean(issue, strlen(issue),
                               ELAAOMS_CONTEXT_CONTENT_MAX);
    if (t == NULL) {
        return 0;
    }

    /* the first clause */
    len = strlen(t);
    for (i = 0; i < len; i++) {
        if (t[i] == ';'
            || ((t[i] == '.' || t[i] == '!' || t[i] == '?')
                && (t[i + 1] == ' ' || t[i + 1] == '\0')))
        {
            break;
        }
    }
    len = i;
    while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == ',')) {
        len--;
    }
    t[len] = '\0';

    memset(&sb, 0, sizeof(sb));
    subject_you = 0;
    i = 0;
    first = 1;

    for ( ;; ) {
        while (i < len && t[i] == ' ') {
            i++;
        }
        if (i >= len) {
            break;
        }

        ws = i;
        while (i < len && t[i] != ' ') {
            i++;
        }
        we = i;

        /* the word without trailing punctuation */
        pl = we;
        while (pl > ws && (t[pl - 1] == ',' || t[pl - 1] == ':'
                           || t[pl - 1] == ')' || t[pl - 1] == '"'))
        {
            pl--;
        }

        if (sb.len > 0) {
            elaaoms_buf_appends(&sb, " ");
        }

        to = NULL;
        prefix = "";

        if (subject_you) {
            to = swap_find(verbs, t + ws, pl - ws);
            subject_you = 0;
        }

        after_the = sb.len >= 4 && word_is(sb.p + sb.len - 4, 3, "the")
                    && (sb.len == 4 || sb.p[sb.len - 5] == ' ');

        if (to == NULL && (after_the || first)
            && (word_is(t + ws, pl - ws, "caller")
                || word_is(t + ws, pl - ws, "customer")
                || word_is(t + ws, pl - ws, "client")
                || word_is(t + ws, pl - ws, "caller's")
                || word_is(t + ws, pl - ws, "customer's")
                || word_is(t + ws, pl - ws, "client's")))
        {
            /*
             * "the caller" -> "you", "the caller's" -> "your"; "a
             * long-time customer" is a description and stays
             */
            if (after_the) {
                sb.len -= 4;
                sb.p[sb.len] = '\0';
            }

            if (t[pl - 1] == 's') {
                to = "your";
            } else {
                to = "you";
                subject_you = 1;
            }

        } else if (to == NULL && after_the
                   && word_is(t + ws, pl - ws, "agent"))
        {
            /* the agent who speaks the message: "the agent offered" ->
             * "we offered" */
            sb.len -= 4;
            sb.p[sb.len] = '\0';
            to = "we";
            subject_you = 1;

        } else if (to == NULL) {
            to = swap_find(pronouns, t + ws, pl - ws);
            if (to && (word_is(t + ws, pl - ws, "they")
                       || word_is(t + ws, pl - ws, "he")
                       || word_is(t + ws, pl - ws, "she")))
            {
                subject_you = 1;
            }
        }

        if (to == NULL && first) {
            /* a sentence without a subject: "Reported that ...", "Is ..." */
            to = swap_find(verbs, t + ws, pl - ws);
            if (to) {
                prefix = "you ";

            } else if (pl - ws > 3 && t[pl - 1] == 'd' && t[pl - 2] == 'e'
                       && t[ws] >= 'A' && t[ws] <= 'Z')
            {
                elaaoms_buf_appends(&sb, "you ");
                elaaoms_buf_append(&sb, t + ws, we - ws);
                if (!sb.oom) {
                    sb.p[sb.len - (we - ws)] = (char) elaaoms_ctx_lower(
                        (unsigned char) sb.p[sb.len - (we - ws)]);
                }
                first = 0;
                continue;
            }
        }

        if (to) {
            elaaoms_buf_appends(&sb, prefix);
            elaaoms_buf_appends(&sb, to);
            elaaoms_buf_append(&sb, t + pl, we - pl);
            first = 0;
            continue;
        }

        elaaoms_buf_append(&sb, t + ws, we - ws);

        /* lowercase a common first word ("Order XYZ-789 ..."), not a name */
        if (first && !sb.oom && pl - ws >= 2 && t[ws] >= 'A' && t[ws] <= 'Z'
            && !(ctx->first_name[0]
                 && strlen(ctx->first_name) == pl - ws
                 && strncmp(ctx->first_name, t + ws, pl - ws) == 0))
        {
            size_t  k;

            for (k = 1; k < pl - ws; k++) {
                if (!(t[ws + k] >= 'a' && t[ws + k] <= 'z')) {
                    break;
                }
            }

            if (k == pl - ws) {
                sb.p[sb.len - (we - ws)] = (char) elaaoms_ctx_lower(
                    (unsigned char) sb.p[sb.len - (we - ws)]);
            }
        }

        first = 0;
    }

    free(t);

    if (sb.oom || sb.p == NULL) {
        free(sb.p);
        out[0] = '\0';
        return 0;
    }

    o = sb.len < size - 1 ? sb.len : size - 1;
    o = elaaoms_ctx_utf8_fit(sb.p, sb.len, o);
    memcpy(out, sb.p, o);
    out[o] = '\0';
    free(sb.p);

    return o;
}


/* cuts s (len bytes) at a word boundary within max bytes */
static size_t
cut_words(char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    static const char  *dangling[] = {
        "and", "or", "but", "the", "a", "an", "to", "of", "for", "with",
        "in", "on", "at", "by", "from", "that", "your", "you", NULL
    };

    len = elaaoms_ctx_utf8_fit(s, len, max);

    for ( ;; ) {
        size_t  w;

        while (len > 0 && s[len] != ' ') {
            len--;
        }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ','
                           || s[len - 1] == ':' || s[len - 1] == ';'))
        {
            len--;
        }

        /* "... delayed and" -> "... delayed" */
        w = len;
        while (w > 0 && s[w - 1] != ' ') {
            w--;
        }
        if (len == 0 || !elaaoms_ctx_word_in(s + w, len - w, dangling)) {
            break;
        }
        len = w;
    }

    s[len] = '\0';

    return len;
}


size_t
elaaoms_first_message_template(const elaaoms_context_t *ctx,
    const char *agent_first_message, const char *language, char *out,
    size_t size)
{
    int          n;
    char         issue[ELAAOMS_CONTEXT_CONTENT_MAX + 64], greet[32];
    char         msg[2 * ELAAOMS_FIRST_MESSAGE_MAX + 2 * 512];
    size_t       gl, il, head, room, max;
    const char  *base, *rest;

    if (size == 0) {
        return 0;
    }

    out[0] = '\0';
    max = size - 1 < ELAAOMS_FIRST_MESSAGE_MAX ? size - 1
                                               : ELAAOMS_FIRST_MESSAGE_MAX;

    if (!ctx->known || (ctx->first_name[0] == '\0' && ctx->open_issue == NULL))
    {
        return 0;
    }

    if (language && language[0] && strncasecmp(language, "en", 2) != 0) {
        return 0;
    }

    base = (agent_first_message && agent_first_message[0])
           ? agent_first_message : ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE;

    if (strstr(base, "{{") != NULL || strlen(base) > 2 * 512) {
        return 0;
    }

    gl = greeting_len(base);
    if (gl > 0 && gl < sizeof(greet)) {
        memcpy(greet, base, gl);
        greet[gl] = '\0';
        rest = base + gl;
        /* "Hi there, ..." */
        if (strncasecmp(rest, " there", 6) == 0
            && (rest[6] == ',' || rest[6] == '!' || rest[6] == '.'))
        {
            rest += 6;
        }
    } else {
        gl = 0;
        snprintf(greet, sizeof(greet), "Hi");
        rest = NULL;
    }

    if (ctx->open_issue) {
        il = spoken_issue(ctx->open_issue, ctx, issue, sizeof(issue));

        if (il > 0) {
            if (ctx->first_name[0]) {
                n = snprintf(msg, sizeof(msg), "%s %s, welcome back! ", greet,
                             ctx->first_name);
            } else {
                n = snprintf(msg, sizeof(msg), "Welcome back! ");
            }

            head = n > 0 ? (size_t) n : 0;
            room = sizeof(" Last time we spoke about this: ") - 1
                   + sizeof(" \xe2\x80\x94 is that why you're calling?") - 1;

            if (head + room + 20 <= max) {
                il = cut_words(issue, il, max - head - room);

                if (il >= 3) {
                    n = snprintf(msg + head, sizeof(msg) - head,
                                 "Last time we spoke about this: %s "
                                 "\xe2\x80\x94 is that why you're calling?",
                                 issue);
                    if (n > 0 && head + (size_t) n <= max) {
                        memcpy(out, msg, head + (size_t) n + 1);
                        return head + (size_t) n;
                    }
                }
            }
        }
    }

    if (ctx->first_name[0] == '\0') {
        return 0;
    }

    if (rest != NULL) {
        n = snprintf(msg, sizeof(msg), "%s %s%s", greet, ctx->first_name,
                     rest);
    } else {
        n = snprintf(msg, sizeof(msg), "Hi %s! %s", ctx->first_name, base);
    }

    if (n <= 0 || (size_t) n > max) {
        return 0;
    }

    memcpy(out, msg, (size_t) n + 1);

    return (size_t) n;
}


static const char  first_message_system[] =
    "You write the first thing a phone voice agent says when it answers a "
    "call from a returning caller. Rules: one or two short sentences, at "
    "most 300 characters, on one line, plain text without quotes, markup, "
    "emoji or placeholders. Greet the caller by first name when it is "
    "known. Mention at most one remembered detail, the open issue first, "
    "as a short question. Never mention payment card numbers, passwords, "
    "health details or other sensitive data, never invent anything, and "
    "never say that you read notes. Keep the tone and the company "
    "introduction of the agent's usual first message, in the agent's "
    "language. Answer with the message only.";


int
elaaoms_first_message_prompt(const elaaoms_context_t *ctx,
    const char *agent_name, const char *agent_first_message,
    const char *language, char **system_prompt, char **user_prompt)
{
    elaaoms_buf_t       sb;

    *system_prompt = NULL;
    *user_prompt = NULL;

    memset(&sb, 0, sizeof(sb));

    elaaoms_buf_appends(&sb, "Agent: ");
    elaaoms_buf_appends(&sb, agent_name && agent_name[0] ? agent_name
                                                          : "(unnamed)");
    elaaoms_buf_appends(&sb, "\nLanguage: ");
    elaaoms_buf_appends(&sb, language && language[0] ? language : "en");
    elaaoms_buf_appends(&sb, "\nThe agent's usual first message: ");
    elaaoms_buf_appends(&sb, agent_first_message && agent_first_message[0]
                              ? agent_first_message
                              : ELAAOMS_CONTEXT_DEFAULT_FIRST_MESSAGE);
    elaaoms_buf_appends(&sb, "\nCaller's name: ");
    elaaoms_buf_appends(&sb, ctx->name[0] ? ctx->name : "unknown");
    elaaoms_buf_appendf(&sb, "\nPrevious calls: %lld (%s)", ctx->call_count,
                        ctx->frequency ? ctx->frequency : "new");
    if (ctx->last_interaction[0]) {
        elaaoms_buf_appends(&sb, ", the last on ");
        elaaoms_buf_appends(&sb, ctx->last_interaction);
    }
    elaaoms_buf_appends(&sb, "\nOpen issue: ");
    elaaoms_buf_appends(&sb, ctx->open_issue ? ctx->open_issue : "none");
    elaaoms_buf_appends(&sb, "\nWhat we remember (JSON, most important "
                              "first): ");
    elaaoms_buf_appends(&sb, ctx->json ? ctx->json : "{}");
    elaaoms_buf_appends(&sb, "\nWrite the first message now.");

    if (sb.oom) {
        free(sb.p);
        return -1;
    }

    *system_prompt = strdup(first_message_system);
    if (*system_prompt == NULL) {
        free(sb.p);
        return -1;
    }

    *user_prompt = sb.p;

    return 0;
}


static int
abbreviation(const char *s, size_t dot)
{
    size_t  start;

    static const char  *abbr[] = {
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "e.g",
        "i.e", "no", "prof", "mt", "approx", NULL
    };

    start = dot;
    while (start > 0 && (elaaoms_ctx_is_alpha((unsigned char) s[start - 1])
                         || s[start - 1] == '.'))
    {
        start--;
    }

    return dot > start && elaaoms_ctx_word_in(s + start, dot - start, abbr);
}


long
elaaoms_first_message_check(const char *text, char *out, size_t size)
{
    size_t                i, n, len, start, sentences;
    const unsigned char  *u;

    if (text == NULL || size == 0) {
        return -1;
    }

    out[0] = '\0';
    len = strlen(text);
    start = 0;

    while (start < len && (text[start] == ' ' || text[start] == '\t'
                           || text[start] == '\n' || text[start] == '\r'))
    {
        start++;
    }
    while (len > start && (text[len - 1] == ' ' || text[len - 1] == '\t'
                           || text[len - 1] == '\n' || text[len - 1] == '\r'))
    {
        len--;
    }

    /* "\"Hi Maria!\"" */
    if (len - start >= 2
        && ((text[start] == '"' && text[len - 1] == '"')
            || (text[start] == '\'' && text[len - 1] == '\'')))
    {
        start++;
        len--;
    }

    if (len <= start || len - start > ELAAOMS_FIRST_MESSAGE_MAX
        || len - start >= size)
    {
        return -1;
    }

    u = (const unsigned char *) text;

    for (i = start; i < len; i += n) {
        n = elaaoms_ctx_utf8_seq(u + i, len - i);
        if (n == 0 || (n == 1 && (u[i] < 0x20 || u[i] == 0x7f))) {
            return -1;
        }
        if (n == 1 && strchr("[]<>*#", u[i]) != NULL) {
            return -1;
        }
        if (u[i] == '{' && i + 1 < len && u[i + 1] == '{') {
            return -1;
        }
    }

    /* sentences: runs of . ! ? followed by a space or the end */
    sentences = 0;
    for (i = start; i < len; i++) {
        if (text[i] == '.' || text[i] == '!' || text[i] == '?') {
            while (i + 1 < len && (text[i + 1] == '.' || text[i + 1] == '!'
                                   || text[i + 1] == '?'))
            {
                i++;
            }
            if ((i + 1 == len || text[i + 1] == ' ')
                && !(text[i] == '.' && abbreviation(text, i)))
            {
                sentences++;
            }
        }
    }

    if (len > start && strchr(".!?", text[len - 1]) == NULL) {
        sentences++;   /* an unfinished last sentence */
    }

    if (sentences == 0 || sentences > 2) {
        return -1;
    }

    memcpy(out, text + start, len - start);
    out[len - start] = '\0';

    return (long) (len - start);
}
