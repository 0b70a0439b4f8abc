/*
 * The five memory types and the shape of one extracted memory, shared by
 * the LLM extractors, the offline extractor, the privacy filter and the
 * store.
 */

#ifndef ELAAOMS_MEMORY_TYPES_H
#define ELAAOMS_MEMORY_TYPES_H

#include <stddef.h>

typedef enum {
    ELAAOMS_MEM_FACTUAL = 0,
    ELAAOMS_MEM_PREFERENCE,
    ELAAOMS_MEM_ISSUE,
    ELAAOMS_MEM_EMOTION,
    ELAAOMS_MEM_RELATIONSHIP,
    ELAAOMS_MEM_NTYPES
} elaaoms_mem_type_e;

/* "factual", "preference", ...; NULL for an out-of-range value */
const char *elaaoms_mem_type_name(elaaoms_mem_type_e type);

/* -1 when the name is not one of the five */
int elaaoms_mem_type_parse(const char *name, size_t len);

/*
 * One memory as an extractor returns it, before dedup and storage.
 * The strings are owned by the list that holds the item.
 */
typedef struct {
    elaaoms_mem_type_e  type;
    char               *content;       /* one self-contained sentence */
    int                 importance;    /* 1..10 */
    double              confidence;    /* 0..1 */
    char               *source_quote;  /* words of the transcript; may be "" */
} elaaoms_extracted_t;

typedef struct {
    elaaoms_extracted_t *items;
    size_t               n;
    size_t               cap;
    size_t               dropped;      /* invalid items refused by validation */
} elaaoms_extracted_list_t;

/* copies the strings; 0 on success, -1 on allocation failure */
int elaaoms_extracted_add(elaaoms_extracted_list_t *list,
    elaaoms_mem_type_e type, const char *content, int importance,
    double confidence, const char *source_quote);

/* frees the items and their strings, leaves an empty list */
void elaaoms_extracted_free(elaaoms_extracted_list_t *list);

#endif /* ELAAOMS_MEMORY_TYPES_H */
