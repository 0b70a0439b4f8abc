/*
 * The offline extractor's reading of the agent's questions (see
 * extract_offline.h): the words of the question a caller answers ("Can
 * you tell me what modem you have?" -> "what modem they have"), turned
 * to the third person, and a bare "yes" to a yes/no question kept with
 * the question's words ("So I have you at 14 Elm Street, is that right?"
 * "Yes." -> "When asked whether the agent has them at 14 Elm Street,
 * the caller said yes").
 */

#include <string.h>
#include <strings.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


/* agent questions that ask nothing about the caller */
static const char *xo_idle_questions[] = {
    "anything else", "how can|may i help|assist", "how are you",
    "is that all|everything|correct|right|okay|ok", "does that make sense",
    "does that work|sound", "can you hear me", "are you still there",
    "who am i speaking|talking", "what can i do for you",
    "is there anything", "can i help", "how may i", "sound good",
    "shall we", "are you ready", "ready to", NULL
};


/* the agent's words about the caller: "you" -> "they" */
static void
xo_put_agent_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from)
{
    static const char  *map[][2] = {
        { "you", "they" }, { "your", "their" }, { "yours", "theirs" },
        { "you're", "they're" }, { "you've", "they've" },
        { "you'd", "they'd" }, { "you'll", "they'll" },
        { "yourself", "themselves" }, { "what's", "what is" },
        { "where's", "where is" }, { "who's", "who is" },
        { "how's", "how is" }, { "when's", "when is" },
        { "which's", "which is" }, { "i", "the agent" },
        { "i'm", "the agent is" }, { "i've", "the agent has" },
        { "i'll", "the agent will" }, { "i'd", "the agent would" },
        { "my", "the agent's" }, { "we", "the company" },
        { "we'll", "the company will" }, { "we're", "the company is" },
        { "we've", "the company has" }, { "we'd", "the company would" },
        { "our", "the company's" }, { "us", "the company" },
        { NULL, NULL }
    };
    /* the agent's verb after "I" or "we" */
    static const char  *verbs[][2] = {
        { "have", "has" }, { "am", "is" }, { "do", "does" },
        { "don't", "doesn't" }, { "offer", "offers" }, { "need", "needs" },
        { "charge", "charges" }, { "take", "takes" },
        { "accept", "accepts" }, { "provide", "provides" }, { NULL, NULL }
    };
    size_t  i, k;
    int     emitted, after_i;

    emitted = 0;
    after_i = 0;

    for (i = from; i < st->ntok; i++) {
        if (st->tok[i].punct) {
            if (*elaaoms_xo_tok_p(st, i) == '?') {
                break;
            }
            if (*elaaoms_xo_tok_p(st, i) == ',' && !emitted) {
                continue;
            }
        }
        if (emitted
            && st->tok[i].off > st->tok[i - 1].off + st->tok[i - 1].len)
        {
            elaaoms_xo_puts(b, " ");
        }
        if (after_i) {
            for (k = 0; verbs[k][0]; k++) {
                if (elaaoms_xo_tok_is(st, i, verbs[k][0],
                                      strlen(verbs[k][0]), 0))
                {
                    break;
                }
            }
            after_i = 0;
            if (verbs[k][0]) {
                elaaoms_xo_puts(b, verbs[k][1]);
                emitted = 1;
                continue;
            }
        }
        for (k = 0; map[k][0]; k++) {
            if (elaaoms_xo_tok_is(st, i, map[k][0], strlen(map[k][0]), 0)) {
                break;
            }
        }
        after_i = map[k][0] && (strcmp(map[k][0], "i") == 0
                                || strcmp(map[k][0], "we") == 0);
        if (map[k][0] && k == 0 && i > from
            && elaaoms_xo_match(st, i - 1, "to|for|with|at|from|about|of|by|"
                                           "give|send|call|email|text|tell|"
                                           "help|reach|contact|on|get|"
                                           "bother|made|make|let|have|has|"
                                           "had|got|put|see|book|booked|"
                                           "schedule|scheduled|sign|signed|"
                                           "set|move|moved|switch|switched|"
                                           "charge|charged|bill|billed|"
                                           "quote|quoted|add|added|mark|"
                                           "marked|list|listed|take|took",
                                 NULL))
        {
            elaaoms_xo_puts(b, "them");
        } else if (map[k][0]) {
            elaaoms_xo_puts(b, map[k][1]);
        } else {
            elaaoms_xo_put(b, elaaoms_xo_tok_p(st, i), st->tok[i].len);
            if (!emitted) {
                b->s[b->len - st->tok[i].len] = (char) elaaoms_ascii_tolower(
                    (unsigned char) b->s[b->len - st->tok[i].len]);
            }
        }
        emitted = 1;
    }
}


/*
 * The agent's question as the start of the caller's answer: its words
 * after the courtesy ("Can you tell me what modem you have?" -> "what
 * modem they have"); 0 when it asks nothing about the caller.
 */
int
elaaoms_xo_question_words(const elaaoms_xo_ctx_t *cx, elaaoms_xo_sent_t *q,
    size_t *from)
{
    size_t              pos, i, end, k, content;
    elaaoms_xo_sent_t   raw;

    if (cx->question == NULL) {
        return 0;
    }

    pos = 0;
    if (!elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos,
                                  &raw))
    {
        return 0;
    }

    /* the asking part: "if it happens again, ..., what days are best" */
    for (k = raw.ntok; k-- > 1; ) {
        if (elaaoms_xo_is_punct(&raw, k - 1)
            && *elaaoms_xo_tok_p(&raw, k - 1) == ','
            && elaaoms_xo_match(&raw, k, "what|what's|which|when|where|who|"
                                         "whom|whose|why|how|may|can|could|"
                                         "would|do|does|did|are|is|any|"
                                         "anything", NULL)
            && !elaaoms_xo_match(&raw, k, "do|did you know|remember|think",
                                 NULL))
        {
            break;
        }
    }

    elaaoms_xo_strip(&raw, k, raw.ntok, q);

    for (k = 0; xo_idle_questions[k]; k++) {
        if (elaaoms_xo_find(q, 0, xo_idle_questions[k], NULL) >= 0) {
            return 0;
        }
    }

    i = 0;
    if (elaaoms_xo_match(q, 0, "can|could|would|will you please? tell|give|"
                               "confirm|describe|remind|spell me?", &end)
        || elaaoms_xo_match(q, 0, "can|could|would|will you please? let me "
                                  "know", &end)
        || elaaoms_xo_match(q, 0, "do you happen to? know|remember", &end)
        || elaaoms_xo_match(q, 0, "may|can|could i ask|have|get|confirm",
                            &end)
        || elaaoms_xo_match(q, 0, "just|and|so|okay|ok|also", &end))
    {
        i = end;
    }

    /* "what is he really into", "what does she like": a taste asked */
    for (content = 0, k = i; k < q->ntok; k++) {
        content += (elaaoms_xo_is_content(q, k)
                    && !elaaoms_xo_match(q, k, "help|assist|else|doing|"
                                               "speaking|talking", NULL))
                   || elaaoms_xo_match(q, k, "into|like|likes|love|loves|"
                                             "enjoy|enjoys|prefer|prefers",
                                       NULL);
    }

    *from = i;
    return content > 0 && i < q->ntok;
}


int
elaaoms_xo_asked(const elaaoms_xo_ctx_t *cx)
{
    size_t             from;
    elaaoms_xo_sent_t  q;

    return elaaoms_xo_question_words(cx, &q, &from);
}


/* "whether <subject> <aux> ...": the subject as said (or as given), the
 * auxiliary lowercased unless it is "do" */
static void
xo_put_whether(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *q, size_t i,
    const char *subject)
{
    elaaoms_xo_puts(b, "whether ");
    if (subject) {
        elaaoms_xo_puts(b, subject);
    } else {
        elaaoms_xo_put(b, elaaoms_xo_tok_p(q, i + 1), q->tok[i + 1].len);
    }
    elaaoms_xo_puts(b, " ");
    if (!elaaoms_xo_match(q, i, "do|does|did", NULL)) {
        elaaoms_xo_put(b, elaaoms_xo_tok_p(q, i), q->tok[i].len);
        b->s[b->len - q->tok[i].len] = (char) elaaoms_ascii_tolower(
            (unsigned char) b->s[b->len - q->tok[i].len]);
        elaaoms_xo_puts(b, " ");
    }
    xo_put_agent_words(b, q, i + 2);
}


void
elaaoms_xo_put_agent_question(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *q,
    size_t i)
{
    if (i + 1 < q->ntok && elaaoms_xo_match(q, i, ELAAOMS_XO_AUX, NULL)) {
        if (elaaoms_xo_match(q, i + 1, "you", NULL)) {
            xo_put_whether(b, q, i, "they");
            return;
        }

        /* "is it gas or electric": "whether it is gas or electric" */
        if (!elaaoms_xo_match(q, i, "do|does|did", NULL)
            && elaaoms_xo_match(q, i + 1, "it|this|that|there|he|she|they|"
                                          "everyone|everybody|anyone|"
                                          "anybody|someone|somebody|"
                                          "everything|anything", NULL))
        {
            xo_put_whether(b, q, i, NULL);
            return;
        }

        /* "does she need ...", "is the main point ...": as asked */
    }
    xo_put_agent_words(b, q, i);
}


/* --- a "yes" to the agent's question ------------------------------------ */

/* the words of a caller's "yes" */
static const char *xo_affirmations[] = {
    "yes|yeah|yep|yup|yah|ya|correct|exactly|absolutely|definitely|"
    "certainly|indeed|affirmative|uh-huh|mm-hmm|mhm|right",
    "that's|thats right|correct|it|true|them|him|her",
    "that is right|correct|it", "you got it", "you bet", "sure",
    "please|pls", "that's the one", "perfect|great|lovely|wonderful|"
    "awesome|cool|fine|good|brilliant|excellent",
    "sounds|that|that's|thats|it good|great|perfect|fine|works",
    "that works", "works for? me?", "let's|lets do it|that", NULL
};

/* what the agent puts after a comma to ask for a "yes" */
static const char *xo_tags =
    "is|isn't|was that|it|this right|correct|so|true,"
    "right|correct|yes|yeah|no|ok|okay|yep|true,"
    "am i right|correct,did|do i get|have that|it right,"
    "does that sound|look right|correct,"
    "does|would|will that work|suit|sound|do for? you|good|okay|ok|fine?,"
    "how does|would that sound|work for? you?,sound good|okay|ok|fine";

/* the sentence is a "yes" and says nothing more */
int
elaaoms_xo_affirmation(const elaaoms_xo_sent_t *st)
{
    size_t  i, end, k;
    int     yes;

    yes = 0;
    i = 0;

    while (i < st->ntok) {
        if (elaaoms_xo_is_punct(st, i)
            || elaaoms_xo_match(st, i, "oh|um|uh|well|so|and|ok|okay|"
                                       "alright|that|one|thanks|thank|you|"
                                       "the|for|much|so|very", NULL))
        {
            i++;
            continue;
        }

        for (k = 0; xo_affirmations[k]; k++) {
            if (elaaoms_xo_match(st, i, xo_affirmations[k], &end)) {
                break;
            }
        }
        if (xo_affirmations[k] == NULL) {
            return 0;
        }
        yes = 1;
        i = end;
    }

    return yes;
}


/*
 * The line opens with a "yes" that says nothing more, after at most a
 * short question back ("With Waffles? Yes, absolutely."); *pos is left
 * after it, where what the caller adds begins
 */
static int
xo_affirmed(const elaaoms_xo_line_t *ln, size_t *pos)
{
    elaaoms_xo_sent_t  st;

    *pos = 0;
    if (!elaaoms_xo_next_sentence(ln->msg, ln->len, pos, &st)) {
        return 0;
    }

    if (st.n > 0 && st.s[st.n - 1] == '?' && st.ntok <= 4
        && !elaaoms_xo_affirmation(&st)
        && !elaaoms_xo_next_sentence(ln->msg, ln->len, pos, &st))
    {
        return 0;
    }

    return elaaoms_xo_affirmation(&st);
}


/*
 * "Yes. We're on the third floor, no elevator.": the sentence after a
 * bare "yes" is what the question asked for; 0 when it asks something
 * back or says too little to be an answer.  Only a sentence of the
 * caller's own ("I", "we", "my"): the answer path (statement.c) keeps the
 * question with any other, and leaves these to a statement of their own
 * without it.
 */
static int
xo_affirmed_more(const elaaoms_xo_line_t *ln, size_t pos,
    elaaoms_xo_sent_t *more)
{
    size_t  i, content;

    if (!elaaoms_xo_next_sentence(ln->msg, ln->len, &pos, more)
        || (more->n > 0 && more->s[more->n - 1] == '?')
        || !elaaoms_xo_match(more, 0, "i|i'm|im|i've|i'd|i'll|my|our|we|"
                                      "we're|we've|we'll|we'd", NULL))
    {
        return 0;
    }

    for (content = 0, i = 0; i < more->ntok; i++) {
        content += elaaoms_xo_is_content(more, i);
    }

    return content >= 2;
}


/*
 * The agent's yes/no question, its tag (", is that right") taken off:
 * "So I have you at 14 Elm Street, is that right?" -> "I have you at 14
 * Elm Street"; "Would you like the confirmation by text?"; 0 for a
 * question of "what", "when" ... (a "yes" answers nothing there) or one
 * that asks nothing about the caller.
 */
static int
xo_yes_no_question(const elaaoms_xo_ctx_t *cx, elaaoms_xo_sent_t *q,
    size_t *from)
{
    size_t              pos, b, k, end, i, content;
    const char         *p, *e;
    char                tag[96];
    elaaoms_xo_sent_t   raw;

    pos = 0;
    if (cx->question == NULL
        || !elaaoms_xo_next_sentence(cx->question, cx->question_len, &pos,
                                     &raw))
    {
        return 0;
    }

    b = raw.ntok;
    if (b > 0 && elaaoms_xo_is_punct(&raw, b - 1)) {
        b--;
    }

    /* the tag after the last comma */
    for (k = b; k-- > 0; ) {
        if (elaaoms_xo_is_punct(&raw, k) && *elaaoms_xo_tok_p(&raw, k) == ',') {
            break;
        }
    }

    if (k < b) {
        for (p = xo_tags; *p; p = *e ? e + 1 : e) {
            e = strchr(p, ',');
            if (e == NULL) {
                e = p + strlen(p);
            }
            if ((size_t) (e - p) >= sizeof(tag)) {
                continue;
            }
            memcpy(tag, p, e - p);
            tag[e - p] = '\0';
            if (elaaoms_xo_match(&raw, k + 1, tag, &end) && end == b) {
                b = k;
                break;
            }
        }
    }

    elaaoms_xo_strip(&raw, 0, b, q);

    i = 0;
    if (elaaoms_xo_match(q, 0, "just|and|so? to|let|can|could|may me|i? "
                               "confirm|check|double-check|verify",
                         &end))
    {
        i = end;
    }
    while (i < q->ntok && elaaoms_xo_is_punct(q, i)) {
        i++;
    }

    if (i >= q->ntok
        || elaaoms_xo_match(q, i, "what|what's|which|when|when's|where|"
                                  "where's|who|who's|whom|whose|why|how|"
                                  "how's|or", NULL))
    {
        return 0;
    }

    for (k = 0; xo_idle_questions[k]; k++) {
        if (elaaoms_xo_find(q, i, xo_idle_questions[k], NULL) >= 0) {
            return 0;
        }
    }

    for (content = 0, k = i; k < q->ntok; k++) {
        content += elaaoms_xo_is_content(q, k);
    }

    *from = i;
    return content > 0;
}


void
elaaoms_xo_rule_confirm(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln)
{
    int                 importance;
    size_t              from, pos;
    elaaoms_xo_buf_t    b;
    elaaoms_xo_sent_t   q, more;
    elaaoms_mem_type_e  type;

    if (!xo_affirmed(ln, &pos) || !xo_yes_no_question(cx, &q, &from)) {
        return;
    }

    b = (elaaoms_xo_buf_t) { .len = 0 };

    elaaoms_xo_puts(&b, "When asked ");
    if (!(from + 1 < q.ntok
          && elaaoms_xo_match(&q, from, ELAAOMS_XO_AUX, NULL)))
    {
        elaaoms_xo_puts(&b, "whether ");
    }
    elaaoms_xo_put_agent_question(&b, &q, from);
    elaaoms_xo_puts(&b, ", the caller said yes");
    if (xo_affirmed_more(ln, pos, &more)) {
        elaaoms_xo_puts(&b, ": ");
        elaaoms_xo_put_words(&b, &more, 0, more.ntok);
    }

    elaaoms_xo_classify(&q, 1, 0, &type, &importance);
    elaaoms_xo_add(cx, type, &b, importance, ELAAOMS_XO_CONF_ANSWER, 0);
}


/*
 * Where the agent's last line offers the word [w, w + n), or NULL: in a
 * statement ("Darnell does Sundays.") or a question of choices ("Can you
 * come out or should I explain over the phone?"); "Anything about
 * access? Parking, a lockbox, pets?" asks, offers nothing
 */
static const char *
xo_agent_offered(const elaaoms_xo_ctx_t *cx, const char *w, size_t n)
{
    size_t       i, k, from;
    const char  *l = cx->agent_line;

    for (i = 0, from = 0; l != NULL && i + n <= cx->agent_line_len; i++) {
        if (l[i] == '.' || l[i] == '!' || l[i] == '?') {
            from = i + 1;
        }

        if ((i > 0 && elaaoms_ascii_wordbyte((unsigned char) l[i - 1]))
            || strncasecmp(l + i, w, n) != 0
            || (i + n < cx->agent_line_len
                && elaaoms_ascii_wordbyte((unsigned char) l[i + n])))
        {
            continue;
        }

        for (k = i + n; k < cx->agent_line_len && l[k] != '.' && l[k] != '!'
                        && l[k] != '?'; k++)
        { /* void */ }

        if (k == cx->agent_line_len || l[k] != '?'
            || memmem(l + from, k - from, " or ", 4) != NULL)
        {
            return l + i;
        }
    }

    return NULL;
}


/* 1 when the text before p in line ends with what */
static int
xo_after(const char *line, const char *p, const char *what)
{
    size_t  n = strlen(what);

    return (size_t) (p - line) >= n && strncasecmp(p - n, what, n) == 0;
}


/*
 * "Darnell's fine.", "Saturday is fine." after the agent named Darnell or
 * Saturday: the caller takes what the agent offered -- "The caller chose
 * Darnell."  A single word, as a fuller subject ("the 3 o'clock works")
 * is a statement of its own.
 */
void
elaaoms_xo_rule_accept(elaaoms_xo_ctx_t *cx, const elaaoms_xo_clause_t *cl)
{
    size_t                   i, n, end;
    const char              *w, *offered;
    elaaoms_xo_buf_t         b;
    const elaaoms_xo_sent_t *st = &cl->st;

    if (cx->agent_line == NULL || cl->question) {
        return;
    }

    for (i = 0; i < st->ntok
                && elaaoms_xo_match(st, i, "oh|ooh|okay|ok|yeah|yes|sure|um|"
                                           "uh|then|so|,", NULL); i++)
    { /* void */ }

    if (i >= st->ntok || st->tok[i].punct || !elaaoms_xo_is_content(st, i)) {
        return;
    }

    w = elaaoms_xo_tok_p(st, i);
    n = st->tok[i].len;

    /* "Ooh, Driftwood Ash.": the agent's two or three capitalized words
       said back, and nothing else */
    for (end = i; end < st->ntok && end < i + 3
                  && !st->tok[end].punct
                  && elaaoms_ascii_upper((unsigned char)
                                         *elaaoms_xo_tok_p(st, end)); end++)
    { /* void */ }
    if (end > i + 1 && (end == st->ntok || st->tok[end].punct)
        && (end + 1 >= st->ntok || (st->tok[end].punct
                                    && st->tok[end + 1].punct)))
    {
        n = (size_t) (elaaoms_xo_tok_p(st, end - 1) + st->tok[end - 1].len
                      - w);
        /* not the agent's own name said back: "this is Dana Park" */
        offered = xo_agent_offered(cx, w, n);
        if (offered != NULL && !xo_after(cx->agent_line, offered, "this is ")
            && !xo_after(cx->agent_line, offered, "I'm ")
            && !xo_after(cx->agent_line, offered, "name is ")
            && !xo_after(cx->agent_line, offered, "name's "))
        {
            b = (elaaoms_xo_buf_t) { .len = 0 };
            elaaoms_xo_puts(&b, "The caller chose ");
            elaaoms_xo_put(&b, offered, n);
            elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b,
                           ELAAOMS_XO_IMP_PREFERENCE, ELAAOMS_XO_CONF_ANSWER,
                           0);
        }
        return;
    }

    /* "Darnell's fine" or "Darnell is fine" */
    if (n > 2 && w[n - 2] == '\'' && (w[n - 1] | 0x20) == 's') {
        n -= 2;
        end = i + 1;
    } else if (elaaoms_xo_match(st, i + 1, "is", NULL)) {
        end = i + 2;
    } else {
        return;
    }

    if (!elaaoms_xo_match(st, end, "fine|good|perfect|great|ok|okay", NULL)
        || (end + 1 < st->ntok && !st->tok[end + 1].punct)
        || (offered = xo_agent_offered(cx, w, n)) == NULL)
    {
        return;
    }

    /* in the agent's spelling: "Email's fine." -> "chose email" */
    b = (elaaoms_xo_buf_t) { .len = 0 };
    elaaoms_xo_puts(&b, "The caller chose ");
    elaaoms_xo_put(&b, offered, n);
    elaaoms_xo_add(cx, ELAAOMS_MEM_PREFERENCE, &b, ELAAOMS_XO_IMP_PREFERENCE,
                   ELAAOMS_XO_CONF_ANSWER, 0);
}


/* "June 17th", "the 30th", "7:15": a day or a time (a code said back,
   "RS-74Q.", is the reference rules') */
static int
xo_is_when(const char *w, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (!elaaoms_ascii_digit((unsigned char) w[i])) {
            continue;
        }

        while (i < n && elaaoms_ascii_digit((unsigned char) w[i])) {
            i++;
        }

        if (i < n && w[i] == ':') {
            return 1;
        }

        if (i + 2 <= n
            && (i + 2 == n || !elaaoms_ascii_wordbyte((unsigned char) w[i + 2]))
            && (strncasecmp(w + i, "st", 2) == 0
                || strncasecmp(w + i, "nd", 2) == 0
                || strncasecmp(w + i, "rd", 2) == 0
                || strncasecmp(w + i, "th", 2) == 0))
        {
            return 1;
        }
    }

    return 0;
}


/* a memory of the call so far holds the word w[0..n) */
static int
xo_kept_word(const elaaoms_xo_ctx_t *cx, const char *w, size_t n)
{
    size_t       i;
    const char  *c;

    for (i = 0; i < cx->raw.n; i++) {
        for (c = cx->raw.items[i].content; *c; c++) {
            if (strncasecmp(c, w, n) == 0
                && (c == cx->raw.items[i].content
                    || !elaaoms_ascii_wordbyte((unsigned char) c[-1]))
                && !elaaoms_ascii_wordbyte((unsigned char) c[n]))
            {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * "Asbestos? Oh my God." after the agent's "A lot of vermiculite from that
 * era has asbestos in it.": the caller, taken aback, asks back a word the
 * agent said -- the agent's sentence holding it is the memory ("The agent
 * said: A lot of vermiculite ...").  Nothing when a memory holds the word
 * already ("The 21st?" after the date the agent set); the question itself
 * is no memory either way.  A day or time said back as a statement
 * ("June 17th. Ugh, fine." after "New date is June 17th.") gets the
 * agent's sentence too; the caller's words still go to the other rules
 * (which then keep no "The caller said June 17th.": a memory holds the
 * day already).
 */
int
elaaoms_xo_rule_echo(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st)
{
    int                  importance, asked;
    size_t               i, to, n, pos;
    const char          *w, *at;
    elaaoms_xo_buf_t     b;
    elaaoms_xo_sent_t    said;
    elaaoms_mem_type_e   type;
    char                 quote[sizeof(cx->quote)];

    if (cx->agent_line == NULL || st->n == 0) {
        return 0;
    }

    asked = st->s[st->n - 1] == '?';

    for (i = 0; i < st->ntok
                && (st->tok[i].punct
                    || elaaoms_xo_match(st, i, "oh|wait|um|uh|sorry|the|a|"
                                               "an", NULL)); i++)
    { /* void */ }
    for (to = st->ntok; to > i && st->tok[to - 1].punct; to--) { /* void */ }

    /* one word, or two of one name: "Asbestos?", "The 21st?"; said back
       as a statement, a day or time of up to three words: "June 17th." */
    if (to == i || to > i + (asked ? 2 : 3)
        || !elaaoms_xo_is_content(st, to - 1))
    {
        return 0;
    }

    w = elaaoms_xo_tok_p(st, i);
    n = (size_t) (elaaoms_xo_tok_p(st, to - 1) + st->tok[to - 1].len - w);
    if (n < 3 || (!asked && !xo_is_when(w, n))
        || (at = xo_agent_offered(cx, w, n)) == NULL)
    {
        return 0;
    }

    if (xo_kept_word(cx, w, n)) {
        return asked;
    }

    /* the agent's sentence holding the word ("$24.99" and "Dr." do not
       end one) */
    pos = 0;
    do {
        if (!elaaoms_xo_next_sentence(cx->agent_line, cx->agent_line_len,
                                      &pos, &said))
        {
            return 1;
        }
    } while (said.s + said.n <= at);

    /* "Monday or Tuesday": the caller's choice, another rule's */
    if (!asked && memmem(said.s, said.n, " or ", 4) != NULL) {
        return 0;
    }

    for (to = said.ntok; to > 0 && said.tok[to - 1].punct; to--) {
        /* void */
    }

    memset(&b, 0, sizeof(b));
    elaaoms_xo_puts(&b, "The agent said: ");
    elaaoms_xo_agent_words(&b, &said, 0, to);

    /* the agent's "sorry" is no feeling of the caller's */
    if (!elaaoms_xo_classify(&said, 0, 0, &type, &importance)) {
        type = ELAAOMS_MEM_FACTUAL;
        importance = ELAAOMS_XO_IMP_DETAIL;

    } else if (type == ELAAOMS_MEM_EMOTION) {
        type = ELAAOMS_MEM_FACTUAL;
    }

    /* the agent's sentence is the quote, then the caller's line again */
    memcpy(quote, cx->quote, sizeof(quote));
    elaaoms_xo_agent_quote_is(cx, &said);
    elaaoms_xo_add(cx, type, &b, importance, ELAAOMS_XO_CONF_RULE, 0);
    memcpy(cx->quote, quote, sizeof(quote));

    /* a value said back is still the caller's to confirm */
    return asked;
}
