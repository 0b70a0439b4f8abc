/*
 * Internal to the offline extractor (extract_offline.c,
 * extract_offline_facts.c, extract_offline_issues.c,
 * extract_offline_feelings.c): the sentence, token and reference
 * structures, the word matcher and the content builder the rule files
 * share, and the rules the driver calls.  Not an API: everything else
 * includes extract_offline.h.
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


typedef struct {
    size_t      off;
    size_t      len;
    unsigned    punct;          /* a single punctuation character */
} elaaoms_xo_tok_t;

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
    char        kind[16];
    int         status;         /* index in the status table of
                                   extract_offline_facts.c, or -1 */
    char        expected[32];   /* "on Monday" for a delay, or "" */
    const char *line;           /* the caller line that first gave it */
    int         emitted;
} elaaoms_xo_ref_t;

typedef struct {
    elaaoms_extracted_list_t    raw;
    elaaoms_xo_ref_t            refs[ELAAOMS_XO_MAX_REFS];
    size_t                      nrefs;
    elaaoms_xo_ref_t           *last_ref;  /* latest mentioned, for emotions */
    char                        quote[ELAAOMS_XO_QUOTE_MAX * 4 + 1];
    int                         nomem;
} elaaoms_xo_ctx_t;

/* a memory's content as it is built */
typedef struct {
    char    s[ELAAOMS_XO_CONTENT_MAX + 1];
    size_t  len;
    int     full;
} elaaoms_xo_buf_t;

/* a rule table entry: a word pattern and the memory it gives */
typedef struct {
    const char *pat;
    const char *content;
    int         importance;
} elaaoms_xo_fixed_t;


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
int elaaoms_xo_tok_is(const elaaoms_xo_sent_t *st, size_t i, const char *w,
    size_t wlen, int prefix);

/*
 * Matches pattern at word i: items separated by spaces, alternatives by
 * "|", "word*" a prefix, "_" any word, a trailing "?" an optional item
 * (taken when it matches, no backtracking).  *end (if not NULL) gets the
 * index after the match.
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


/* --- building content (extract_offline.c) --------------------------------- */

/* appends s[0..n), or marks b full: whole words only */
void elaaoms_xo_put(elaaoms_xo_buf_t *b, const char *s, size_t n);
void elaaoms_xo_puts(elaaoms_xo_buf_t *b, const char *s);

/* words [from, to) in the third person, separated by spaces */
void elaaoms_xo_put_words(elaaoms_xo_buf_t *b, const elaaoms_xo_sent_t *st,
    size_t from, size_t to);

/*
 * The end of a span of at most maxw words from i: stops at punctuation
 * (a comma too unless comma), at one of stop, and drops trailing
 * punctuation.
 */
size_t elaaoms_xo_span(const elaaoms_xo_sent_t *st, size_t i, size_t maxw,
    int comma, const char **stop);

/* adds b as a memory with the current quote, unless b overflowed */
void elaaoms_xo_add(elaaoms_xo_ctx_t *cx, elaaoms_mem_type_e type,
    elaaoms_xo_buf_t *b, int importance, double confidence);


/* --- references and facts (extract_offline_facts.c) ----------------------- */

/* pass 1: the codes the caller gave, their kind, then their status */
void elaaoms_xo_collect_refs(elaaoms_xo_ctx_t *cx, const char *text);

/* "order XYZ-789", or with_adj "the delayed order XYZ-789" */
void elaaoms_xo_ref_name(elaaoms_xo_buf_t *b, const elaaoms_xo_ref_t *r,
    int with_adj);

/* a code's memories, where the caller first gave it (line) */
void elaaoms_xo_rule_refs(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st,
    const char *line);

void elaaoms_xo_rule_name(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st);
void elaaoms_xo_rule_address(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);
void elaaoms_xo_rule_work(elaaoms_xo_ctx_t *cx, const elaaoms_xo_sent_t *st);


/* --- issues (extract_offline_issues.c) ------------------------------------ */

void elaaoms_xo_rule_issues(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);


/* --- preferences, emotions, relationship (extract_offline_feelings.c) ----- */

void elaaoms_xo_rule_prefs(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);
void elaaoms_xo_rule_emotions(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);
void elaaoms_xo_rule_relationship(elaaoms_xo_ctx_t *cx,
    const elaaoms_xo_sent_t *st);

#endif /* ELAAOMS_EXTRACT_OFFLINE_INTERNAL_H */
