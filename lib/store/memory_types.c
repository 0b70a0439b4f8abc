/*
 * The five memory types and the extracted-memory list.
 */

#include <stdlib.h>
#include <string.h>

#include "store/memory_types.h"


static const char *elaaoms_mem_type_names[ELAAOMS_MEM_NTYPES] = {
    "factual", "preference", "issue", "emotion", "relationship"
};


const char *
elaaoms_mem_type_name(elaaoms_mem_type_e type)
{
    if ((unsigned) type >= ELAAOMS_MEM_NTYPES) {
        return NULL;
    }

    return elaaoms_mem_type_names[type];
}


int
elaaoms_mem_type_parse(const char *name, size_t len)
{
    int  i;

    for (i = 0; i < ELAAOMS_MEM_NTYPES; i++) {
        if (strlen(elaaoms_mem_type_names[i]) == len
            && memcmp(elaaoms_mem_type_names[i], name, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


int
elaaoms_extracted_add(elaaoms_extracted_list_t *list, elaaoms_mem_type_e type,
    const char *content, int importance, double confidence,
    const char *source_quote)
{
    size_t                cap;
    elaaoms_extracted_t  *items, *it;

    if (list->n == list->cap) {
        cap = list->cap ? list->cap * 2 : 8;
        items = realloc(list->items, cap * sizeof(elaaoms_extracted_t));
        if (items == NULL) {
            return -1;
        }
        list->items = items;
        list->cap = cap;
    }

    it = &list->items[list->n];
    it->type = type;
    it->importance = importance;
    it->confidence = confidence;
    it->content = strdup(content);
    it->source_quote = strdup(source_quote ? source_quote : "");

    if (it->content == NULL || it->source_quote == NULL) {
        free(it->content);
        free(it->source_quote);
        return -1;
    }

    list->n++;
    return 0;
}


void
elaaoms_extracted_free(elaaoms_extracted_list_t *list)
{
    size_t  i;

    for (i = 0; i < list->n; i++) {
        free(list->items[i].content);
        free(list->items[i].source_quote);
    }

    free(list->items);
    list->items = NULL;
    list->n = 0;
    list->cap = 0;
}
