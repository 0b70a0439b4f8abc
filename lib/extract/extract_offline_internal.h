/*
 * Internal to the offline extractor (extract_offline*.c): the sentence,
 * token and reference structures, the word matcher and the content
 * builder the rule files share, and the rules the driver calls.  Not an
 * API: everything else includes extract_offline.h.
 *
 * The driver (extract_offline.c) defines the lines, sentences, word
 * patterns and content building; each rule file defines its rules.
 */

#ifndef ELAAOMS_EXTRACT_OFFLINE_INTERNAL_H
#define ELAAOMS_EXTRACT_OFFLINE_INTERNAL_H

#include <stddef.h>

#include "extract/extract_offline.h"
#include "clients/llm.h"
#include "store/memory_types.h"


#define ELAAOMS_XO_MAX_TOKENS   96     /* words read per sentence */
#define ELAAOMS_XO_MAX_REFS     32
#define ELAAOMS_XO_MAX_ITEMS    128    /* memories per call, before the merge */
#define ELAAOMS_XO_MAX_CODE     32
#define ELAAOMS_XO_CONTENT_MAX  ELAAOMS_LLM_MAX_CONTENT_CHARS
#define ELAAOMS_XO_QUOTE_MAX    ELAAOMS_LLM_MAX_QUOTE_CHARS


/*
 * Importance (1-10) the rules give, by what a memory is about; the tables
 * of the rule files refer to these names only.
 */
#define ELAAOMS_XO_IMP_MINOR        3   /* said in passing, nothing specific */
#define ELAAOMS_XO_IMP_PLEASED      3   /* a positive feeling */
#define ELAAOMS_XO_IMP_STATEMENT    4   /* about the caller, no cue */
#define ELAAOMS_XO_IMP_FEELING      4   /* a negative feeling */
#define ELAAOMS_XO_IMP_DETAIL       5   /* a code, amount, model or date */
#define ELAAOMS_XO_IMP_RELATION     5   /* people, history with the company */
#define ELAAOMS_XO_IMP_PROFILE      6   /* name, address, work, equipment,
                                           plan, payment */
#define ELAAOMS_XO_IMP_PREFERENCE   6
#define ELAAOMS_XO_IMP_HEALTH       7   /* health and safety (a rule outside
                                           the extractor may raise it) */
#define ELAAOMS_XO_IMP_PROBLEM      7   /* something broken, late, wrong */
#define ELAAOMS_XO_IMP_REFERENCE    7   /* an order, ticket ... the call was
                                           about */
#define ELAAOMS_XO_IMP_MONEY        8   /* charges, refunds, disputes */
#define ELAAOMS_XO_IMP_CHURN        8   /* cancelling, leaving, competitors */
#define ELAAOMS_XO_IMP_SENSITIVE    8   /* a death, hardship: every agent
                                           should know */
#define ELAAOMS_XO_IMP_SECURITY     9   /* fraud, hacked, legal threats */

/* confidence (0-1): these are rules, not understanding */
#define ELAAOMS_XO_CONF_NAMED       0.7 /* a name, a code and its kind */
#define ELAAOMS_XO_CONF_RULE        0.6 /* a template over a fixed phrasing */
#define ELAAOMS_XO_CONF_STATEMENT   0.6 /* the caller's own words */
#define ELAAOMS_XO_CONF_ANSWER      0.5 /* an answer read with the question */
#define ELAAOMS_XO_CONF_FEELING     0.5


typedef struct {
    size_t      off;
    size_t      len;
    unsigned    punct;          /* a single punctuation character */
} elaaoms_xo_tok_t;

/* a sentence, or a clause of one (then s and n are the sentence's) */
typedef struct {
    const char         *s;      /* the sentence, not NUL-terminated */
    size_t              n;
    elaaoms_xo_tok_t    tok[ELAAOMS_XO_MAX_TOKENS];
    size_t              ntok;
} elaaoms_xo_sent_t;

typedef struct {
    int         caller;         /* 1: caller line, 0: agent line */
    const char *msg;            /* after the speaker prefix */
    size_t      len;
} elaaoms_xo_line_t;

typedef struct {
    char        code[ELAAOMS_XO_MAX_CODE + 1];
    char        kind[16];       /* "order" ..., or "" when none was said */
    int         status;         /* index in the status table of
                                   extract_offline_facts.c, or -1 */
    char        expected[32];   /* "on Monday" for a delay, or "" */
    int         said_with_code; /* the caller said the status in the
                                   clause of the code: the statement
                                   keeps both */
    const char *line;           /* the caller line that first gave it */
    int         emitted;
} elaaoms_xo_ref_t;

/* what one clause's template rules kept, so the statement adds the rest */
#define ELAAOMS_XO_KEPT_MAX  (ELAAOMS_XO_CONTENT_MAX * 4)

typedef struct {
    elaaoms_extracted_list_t    raw;
    elaaoms_xo_ref_t            refs[ELAAOMS_XO_MAX_REFS];
    size_t                      nrefs;
    elaaoms_xo_ref_t           *last_ref;  /* latest mentioned, for emotions */
    char                        quote[ELAAOMS_XO_QUOTE_MAX * 4 + 1];
    int                         nomem;

    /* the caller has spoken: the agent's prices from now on are quotes
     * for them, not the greeting's pitch */
    int                         caller_spoke;

    /* the agent's question just before the caller's line, or NULL */
    const char                 *question;
    size_t                      question_len;

    /* the agent's whole line just before the caller's, or NULL: what the
     * caller may say back ("Mateus Ortega-Brandt, and he calls the day
     * before.") */
    const char                 *agent_line;
    size_t                      agent_line_len;

    /* the person or pet the caller last named as theirs ("wife",
     * "beagle Pudding") and which pronoun fits it, for "she"/"he" */
    char                        person[48];
    int                         person_kind;    /* ELAAOMS_XO_PERSON_* */
    /* the sentence before ended with that person ("Only me and my
     * dad."): a name said alone next is theirs ("Walt.") */
    unsigned                    person_last:1;

    /* the number of memories when this line's sentence before this one
     * began: whether that sentence gave the last one ("... brown now.
     * Dead.") */
    size_t                      raw_sent_prev;
    size_t                      raw_sent;

    /* a person the caller named in this line after that ("Let me talk
     * to Marko first."), who "he" or "she" stands for before the other
     * until the line ends: no pronoun's gender is known for a name,
     * unless a title says it ("Mrs. Abernathy": ELAAOMS_XO_PERSON_SHE) */
    char                        named[48];
    int                         named_kind;

    /* "The member number is, hang on.": what the caller's next sentence
     * reads out ("member number"), or "" (extract_offline_spelled.c) */
    char                        announced[32];

    /* the clause being read: templates' contents, space-separated */
    char                        kept[ELAAOMS_XO_KEPT_MAX + 1];
    size_t                      kept_len;
} elaaoms_xo_ctx_t;

/* what "she" or "he" may stand for */
#define ELAAOMS_XO_PERSON_SHE     1
#define ELAAOMS_XO_PERSON_HE      2
#define ELAAOMS_XO_PERSON_EITHER  3
#define ELAAOMS_XO_PERSON_OTHER   4   /* named later, no pronoun's */

/* one clause as the rules see it */
typedef struct {
    elaaoms_xo_sent_t   st;         /* its words, fillers taken off */
    int                 question;   /* its sentence ended with "?" */
    int                 lead;       /* the first words of the caller's line */
    int                 answer;     /* ... after an agent's question */
} elaaoms_xo_clause_t;

/* a memory's content as it is built */
typedef struct {
    char    s[ELAAOMS_XO_CONTENT_MAX + 1];
    size_t  len;
    int     full;
} elaaoms_xo_buf_t;


/* --- lines, sentences, words (extract_offline.c) -------------------------- */

/* the next "Caller:"/"User:"/"Agent:" line from *pos; 0 at the end */
int elaaoms_xo_next_line(const char *text, size_t *pos,
    elaaoms_xo_line_t *ln);

/*
 * The next sentence of line[0..len) from *pos, cut after ". ! ? ;" that
 * end a word (so "3.5" and "a.b" stay whole), and its words; 0 at the end.
 */
int elaaoms_xo_next_sentence(const char *line, size_t len, size_t *pos,
    elaaoms_xo_sent_t *st);

/* the start of word i */
static inline const char *
elaaoms_xo_tok_p(const elaaoms_xo_sent_t *st, size_t i)
{
    return st->s + st->tok[i].off;
}

/* the word equals w[0..wlen) (any case), or starts with it when prefix */
static inline int
elaaoms_xo_is_punct(const elaaoms_xo_sent_t *st, size_t i)
{
    return i < st->ntok && st->tok[i].punct;
}

int elaaoms_xo_tok_is(const elaaoms_xo_sent_t *st, size_t i, const char *w,
    size_t wlen, int prefix);

/*
 * Matches pattern at word i: items separated by spaces, alternatives by
 * "|", "word*" a prefix, "_" any word, "#" a word holding a digit, "@"
 * a capitalized word, a trailing "?" an optional item (taken when it
 * matches, no backtracking).  *end (if not NULL) gets the index after the match.
 */
int elaaoms_xo_match(const elaaoms_xo_sent_t *st, size_t i,
    const char *pattern, size_t *end);

/* the first word index where pattern matches, from i on; -1 if none */
long elaaoms_xo_find(const elaaoms_xo_sent_t *st, size_t from,
    const char *pattern, size_t *end);

/* word i is one of list (NULL-terminated, whole words, any case) */
int elaaoms_xo_in_list(const elaaoms_xo_sent_t *st, size_t i,
    const char **list);

/* "not"/"never"/"no"/"...n't" in the two words before i */
int elaaoms_xo_negated(const elaaoms_xo_sent_t *st, size_t i);

/* words [from, to) as a sentence of their own (a clause) */
void elaaoms_xo_sub(const elaaoms_xo_sent_t *st, size_t from, size_t to,
    elaaoms_xo_sent_t *sub);


/* --- building content (extract_offline.c) --------------------------------- */

/* appends s[0..n), or marks b full: whole words only */
void elaaoms_xo_put(elaaoms_xo_buf_t *b, const char *s, size_t n);
void elaaoms_xo_puts(elaaoms_xo_buf_t *b, const char *s);

/*
 * Words [from, to) in the third person ("my" -> "their", "I am" -> "they
 * are"; "you" and "your" stay), spaced as they were said ("$79.99",
 * "12 Harbor Lane, Sausalito"); a comma never starts or doubles.
 */
void elaaoms_xo_put_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from, size_t to);

/* the third-person form of word i, or NULL when it stays as said */
const char *elaaoms_xo_third_person(const elaaoms_xo_sent_t *st, size_t i);

/*
 * The end of a span of at most maxw words from i: stops at punctuation
 * (a comma too unless comma), at one of stop, and drops trailing
 * punctuation.
 */
size_t elaaoms_xo_span(const elaaoms_xo_sent_t *st, size_t i, size_t maxw,
    int comma, const char **stop);

/*
 * Adds b as a memory with the current quote, unless b overflowed; a
 * template's memory (kept) also counts its words as said, so the clause's
 * statement (extract_offline_statement.c) only comes when words remain.
 */
void elaaoms_xo_add(elaaoms_xo_ctx_t *cx, elaaoms_mem_type_e type,
    elaaoms_xo_buf_t *b, int importance, double confidence, int kept);


/* --- references (extract_offline_facts.c) -------------------------------- */

/* pass 1: the codes the caller gave, their kind, then their status */
void elaaoms_xo_collect_refs(elaaoms_xo_ctx_t *cx, const char *text);
/* the line (len bytes) says w[0..n) broken off: "K6...", "K6 --" */
int elaaoms_xo_broken_off(const char *line, size_t len, const char *w,
    size_t n);

/* word i is a reference code ("#55120", "XYZ-789", "order 4411") */
int elaaoms_xo_is_code(const elaaoms_xo_sent_t *st, size_t i);

/* "order XYZ-789", or with_adj "the delayed order XYZ-789" */
void elaaoms_xo_ref_name(elaaoms_xo_buf_t *b, const elaaoms_xo_ref_t *r,
    int with_adj);

/* a code's memories, where the caller first gave it (line) */
void elaaoms_xo_rule_refs(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *line);

/* "Hannah Becker from Brightwater Logistics" -> "The caller works at
 * Brightwater Logistics." */
void elaaoms_xo_rule_affiliation(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl);


/* --- names (extract_offline_names.c) -------------------------------------- */

/* the caller's name and the name they go by */
/* a reference announced, then read out (extract_offline_spelled.c): 1
 * when st was the value, and its memory is made */
int elaaoms_xo_spelled_value(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);
/* whether st announces one: sets or clears cx->announced */
void elaaoms_xo_spelled_announce(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

void elaaoms_xo_rule_name(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl);


/* --- templates: preferences, feelings, calls (extract_offline_feelings.c) - */

void elaaoms_xo_rule_templates(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl);
void elaaoms_xo_rule_emotions(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);


/* --- the caller's statement (extract_offline_statement.c) ----------------- */

/*
 * The clauses of a caller's sentence: cut before "but", before "and",
 * "so" or "also" that start a first-person clause, and at a comma before
 * one ("..., I'm a nurse", "..., can someone look at that"); each with
 * its fillers taken off ("um", "you know", a greeting and the name after
 * it).  0 when no clause is left.
 */
int elaaoms_xo_next_clause(const elaaoms_xo_sent_t *st, size_t *pos,
    elaaoms_xo_clause_t *cl);

/* the words [a, b) without fillers, greetings and courtesy, into out */
void elaaoms_xo_strip(const elaaoms_xo_sent_t *st, size_t a, size_t b,
    elaaoms_xo_sent_t *out);

/* the clause as a memory of its own, when it says something */
void elaaoms_xo_rule_statement(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl);

/*
 * A caller's line that only says "yes" ("Yep.", "That's right.") to the
 * agent's yes/no question keeps the question's words: "So I have you at
 * 14 Elm Street, is that right?" "Yes." -> "When asked whether I have
 * them at 14 Elm Street, the caller said yes".
 */
/* "Darnell's fine." after the agent named Darnell: the caller chose it */
void elaaoms_xo_rule_accept(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_clause_t *cl);
void elaaoms_xo_rule_confirm(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_line_t *ln);
/* "Asbestos?" after the agent's sentence holding it: that sentence */
int elaaoms_xo_rule_echo(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st);

/* --- the agent's questions (extract_offline_question.c) ----------------- */

/* the words that start a yes/no question */
#define ELAAOMS_XO_AUX                                                       \
    "can|could|do|does|did|is|are|was|were|will|would|should|have|has|may|" \
    "am|shall|might"

/*
 * The agent's question as the start of the caller's answer, in q from
 * word *from ("Can you tell me what modem you have?" -> "what modem
 * you have"); 0 when it asks nothing about the caller.
 */
int elaaoms_xo_question_words(const elaaoms_xo_ctx_t *cx,
    elaaoms_xo_sent_t *q, size_t *from);

/* q's words from i in the third person: "whether they have ..." */
void elaaoms_xo_put_agent_question(elaaoms_xo_buf_t *b,
    const elaaoms_xo_sent_t *q, size_t i);

/* the agent's question before the caller's line asks about the caller */
int elaaoms_xo_asked(const elaaoms_xo_ctx_t *cx);

/* the sentence only says yes: "Yes.", "That works.", "Sounds good." */
int elaaoms_xo_affirmation(const elaaoms_xo_sent_t *st);

/* word i is one of list's (not punctuation) */
int elaaoms_xo_word_in(const elaaoms_xo_sent_t *st, size_t i,
    const char **list);

/* a capitalized word that may be a name ("Sam"), not "I" */
int elaaoms_xo_capitalized(const elaaoms_xo_sent_t *st, size_t i);

/* a name word ("Tansy", "O'Neill"), not a day, filler or sentence opener;
 * any_case takes it lower case too */
int elaaoms_xo_name_word(const elaaoms_xo_sent_t *st, size_t i,
    int any_case);

/* a word that says something (not a function, filler or courtesy word) */
int elaaoms_xo_is_content(const elaaoms_xo_sent_t *st, size_t i);


/* --- the caller revising the call's memories (extract_offline_revise.c) -- */

/*
 * "The one ending in 7731. Sorry, no, 7713.": the new value in place of
 * the old in the line's last memory; 1 when the sentence was only that.
 */
int elaaoms_xo_revise_correction(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/*
 * "Like, twelve hundred. $1,200.": a sentence that is only an amount or a
 * date joins the line's last memory; 1 when the sentence was one.
 */
int elaaoms_xo_revise_restatement(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/*
 * "Half of them are brown now. Dead.": one word of the state things are
 * in joins the line's last memory; 1 when the sentence was one.
 */
int elaaoms_xo_revise_epithet(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/* "it's K6... hang on. K62-804-319.": the whole code in place of the
 * start said in a memory of the line */
void elaaoms_xo_revise_completion(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/*
 * "It's 7734, uh, 7734-2209-18": a code started, then said whole right
 * after it, is kept whole once ("it's 7734-2209-18"); in a memory's text
 */
void elaaoms_xo_drop_restart(elaaoms_xo_buf_t *b);

/* "No, wait, ...", "scratch that": drops the line's last memory */
void elaaoms_xo_revise_retraction(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/* "make it ten temps, actually": the count changed in the memory that
 * held it */
void elaaoms_xo_revise_count(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/* "Actually, make it Wednesdays.": the day changed in the memory that
 * named another */
void elaaoms_xo_revise_day(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/*
 * "... delivery at 2:30." "Could we make it earlier? Like 1:45?" "1:45
 * works.": the agent taking the time the caller asked for moves it in the
 * agent's latest memory that named another ("delivery at 1:45 (moved
 * from 2:30)"), so the call leaves no stale time to outrank the change
 */
void elaaoms_xo_revise_agent_change(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_line_t *ln);

/* the caller's yes to the offer just made: ", and the caller agreed" */
void elaaoms_xo_revise_offer(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_line_t *ln);


/* --- who "she" and "he" are (extract_offline_person.c) -------------------- */

/* a person's name at word i, [*from, *end) (extract_offline_names.c) */
int elaaoms_xo_person_name(const elaaoms_xo_sent_t *st, size_t i,
    size_t *from, size_t *end);

/* "my wife", "my beagle Pudding" in the clause: the latest is remembered */
void elaaoms_xo_note_person(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st);
/* "My neighbor is taking the keys. Her name is Dana.": the name of the
 * person just mentioned, a memory of its own; 1 when made */
int elaaoms_xo_person_named(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st);

/*
 * A clause opening with "she"/"he" ("she's", "he'll" ...) that the
 * remembered person fits: puts "The caller's wife is " (the verb of a
 * contraction spelled out), sets *from to the word after the pronoun and
 * returns 1; 0 and nothing put otherwise
 */
int elaaoms_xo_put_person(elaaoms_xo_buf_t *b, const elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st, size_t *from);


/* --- what the agent did or offered (extract_offline_agent.c) ------------- */

/* an agent line's commitments with a value: tickets, refunds, offers */
void elaaoms_xo_rule_agent(elaaoms_xo_ctx_t *cx, const elaaoms_xo_line_t *ln);

/* words [from, to) of the agent's with "you" -> "the caller" */
void elaaoms_xo_agent_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from, size_t to);

/* a word of [from, to) holds a digit */
int elaaoms_xo_agent_has_value(const elaaoms_xo_sent_t *st, size_t from,
    size_t to);

/* words [from, to) name a health or safety need */
int elaaoms_xo_agent_health(const elaaoms_xo_sent_t *st, size_t from,
    size_t to);

/* the agent's sentence becomes the quote of the next memory */
void elaaoms_xo_agent_quote_is(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

/* --- the agent's judgment (extract_offline_agent_verdict.c) -------------- */

/* the words that call a thing a fraud */
#define ELAAOMS_XO_AGENT_FRAUD                                               \
    "scam|scams|fraud|fraudulent|phishing|hoax|con|spoof|spoofed|smishing|" \
    "vishing|fake|bogus|phony|phoney|forged|counterfeit"

/* "Sounds like the pump bearings.": the likely fault, words [0, to) */
int elaaoms_xo_agent_diagnosis(const elaaoms_xo_sent_t *st, size_t to);
/* "That's a known scam ...": a fraud named; *to moves to its clause's end */
int elaaoms_xo_agent_verdict(const elaaoms_xo_sent_t *st, size_t *to);

/* what the agent found: a thing's make, or a defect or test result */
#define ELAAOMS_XO_FOUND_MAKE    1
#define ELAAOMS_XO_FOUND_DEFECT  2
int elaaoms_xo_agent_finding(const elaaoms_xo_sent_t *st, size_t to);
/* the company's record of harm done, with its number: 1 named here, 2
 * named the sentence before */
int elaaoms_xo_agent_harm_record(const elaaoms_xo_sent_t *st,
    const elaaoms_xo_sent_t *prev, size_t to);
/* the agent's words [0, to) after lead, an issue of that importance */
void elaaoms_xo_agent_issue(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *lead, size_t to, int importance);


/* --- what the agent told the caller (extract_offline_advice.c) ----------- */

/*
 * "Keep her crated tonight ..." -> "The agent told the caller to keep her
 * crated tonight ..."; 1 when the sentence [0, to) was such an
 * instruction and became a memory
 */
int elaaoms_xo_agent_advice(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    size_t to);

/* "... your regular vet, Dr. Haverkamp" -> "The caller's regular vet is
 * Dr. Haverkamp." */
void elaaoms_xo_agent_relation(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st, size_t to);


/* --- type and importance (extract_offline_cues.c) ------------------------- */

/*
 * The type and importance of a statement from the cue table: the most
 * important cue found in the clause, else factual with an importance
 * from what it holds (first person, a code or amount); a request to the
 * company is a preference unless a weightier cue says more.  1 when a
 * cue was found.
 */
int elaaoms_xo_classify(const elaaoms_xo_sent_t *st, int first_person,
    int request, elaaoms_mem_type_e *type, int *importance);

#endif /* ELAAOMS_EXTRACT_OFFLINE_INTERNAL_H */
