/*
 * Helpers shared by the test_extract_offline_*.c unit tests: find an item,
 * extract one caller line after an agent question, show what came out, and
 * check the shape of every item (with a second run that must agree).
 * Static inline: each test is one translation unit and uses only some.
 */

#ifndef ELAAOMS_EXTRACT_CASES_H
#define ELAAOMS_EXTRACT_CASES_H

#include <stdio.h>
#include <string.h>

#include "extract/extract_offline.h"
#include "clients/llm.h"
#include "unit.h"


/* the first item of the type whose content holds every one of the words */
static inline const elaaoms_extracted_t *
find(const elaaoms_extracted_list_t *l, elaaoms_mem_type_e type,
    const char *w1, const char *w2)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        if (l->items[i].type == type
            && strstr(l->items[i].content, w1) != NULL
            && (w2 == NULL || strstr(l->items[i].content, w2) != NULL))
        {
            return &l->items[i];
        }
    }

    return NULL;
}


static inline size_t
utf8_chars(const char *s)
{
    size_t  n = 0;

    for ( ; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}



/* is quote one of the text's caller lines (message part) */
static inline int
is_caller_line(const char *text, const char *quote)
{
    const char  *p, *e;
    size_t       qlen = strlen(quote);

    for (p = text; *p; p = *e ? e + 1 : e) {
        e = strchr(p, '\n');
        if (e == NULL) {
            e = p + strlen(p);
        }
        if (strncmp(p, "Caller: ", 8) == 0 && (size_t) (e - p - 8) == qlen
            && memcmp(p + 8, quote, qlen) == 0)
        {
            return 1;
        }
        if (strncmp(p, "User: ", 6) == 0 && (size_t) (e - p - 6) == qlen
            && memcmp(p + 6, quote, qlen) == 0)
        {
            return 1;
        }
    }

    return 0;
}



/* every item well formed: sentence, ranges, quote; and a second run agrees */
static inline void
check_shape(const char *text, const elaaoms_extracted_list_t *l)
{
    int                       agent;
    size_t                    i, len;
    const elaaoms_extracted_t *it;
    elaaoms_extracted_list_t  again = { 0 };

    for (i = 0; i < l->n; i++) {
        it = &l->items[i];
        len = strlen(it->content);
        CHECK(len > 1 && it->content[len - 1] == '.');
        /* the third person: about "the caller", never "I"; or what
         * the agent did or quoted, its own line the quote */
        agent = strncmp(it->content, "The agent ", 10) == 0;
        CHECK(agent
              || strncmp(it->content, "The caller", 10) == 0
              || strncmp(it->content, "Caller's ", 9) == 0
              || strncmp(it->content, "When asked ", 11) == 0);
        if (agent) {
            fprintf(stderr, "  # agent memory: %s\n", it->content);
        }
        CHECK(strstr(it->content, " my ") == NULL
              && strstr(it->content, " I ") == NULL);
        CHECK(utf8_chars(it->content) <= ELAAOMS_LLM_MAX_CONTENT_CHARS);
        CHECK(utf8_chars(it->source_quote) <= ELAAOMS_LLM_MAX_QUOTE_CHARS);
        CHECK(it->importance >= 1 && it->importance <= 10);
        CHECK(it->confidence > 0 && it->confidence < 1);
        CHECK(agent ? strstr(text, it->source_quote) != NULL
                    : is_caller_line(text, it->source_quote));
    }

    CHECK_INT_EQ(elaaoms_extract_offline(text, &again), 0);
    CHECK_INT_EQ(again.n, l->n);
    for (i = 0; i < l->n && i < again.n; i++) {
        CHECK_STR_EQ(again.items[i].content, l->items[i].content);
        CHECK_STR_EQ(again.items[i].source_quote, l->items[i].source_quote);
        CHECK_INT_EQ(again.items[i].importance, l->items[i].importance);
        CHECK_INT_EQ(again.items[i].type, l->items[i].type);
    }
    elaaoms_extracted_free(&again);
}


/* the extraction of one agent question (or none) and one caller line */
static inline void
extract_line(const char *question, const char *line,
    elaaoms_extracted_list_t *l, char *text, size_t size)
{
    snprintf(text, size, "Agent: %s\nCaller: %s\n",
             question ? question : "How can I help?", line);
    CHECK_INT_EQ(elaaoms_extract_offline(text, l), 0);
}


static inline void
show(const char *what, const char *line, const elaaoms_extracted_list_t *l)
{
    size_t  i;

    fprintf(stderr, "  %s \"%s\"; got:\n", what, line);
    for (i = 0; i < l->n; i++) {
        fprintf(stderr, "    %s %d: %s\n",
                elaaoms_mem_type_name(l->items[i].type),
                l->items[i].importance, l->items[i].content);
    }
}


#endif /* ELAAOMS_EXTRACT_CASES_H */
