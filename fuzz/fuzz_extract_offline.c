/*
 * libFuzzer target for the offline extractor ("make fuzz").
 *
 * Input: the transcript text (a NUL inside ends it, as for any C string).
 * Checks, beyond memory safety: every item is within the validation
 * limits (importance 1..10, confidence in (0,1), content and quote
 * lengths, content ends a sentence), and a second run gives the same
 * items (determinism).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_offline.h"
#include "clients/llm.h"


static size_t
fuzz_chars(const char *s)
{
    size_t  n = 0;

    for ( ; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                      *text;
    size_t                     i, len;
    elaaoms_extracted_t       *it;
    elaaoms_extracted_list_t   a = { 0 }, b = { 0 };

    text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';

    if (elaaoms_extract_offline(text, &a) != 0) {
        free(text);
        return 0;   /* out of memory */
    }

    for (i = 0; i < a.n; i++) {
        it = &a.items[i];
        len = strlen(it->content);
        if (it->type >= ELAAOMS_MEM_NTYPES
            || it->importance < 1 || it->importance > 10
            || !(it->confidence > 0 && it->confidence < 1)
            || len < 2 || it->content[len - 1] != '.'
            || fuzz_chars(it->content) > ELAAOMS_LLM_MAX_CONTENT_CHARS
            || fuzz_chars(it->source_quote) > ELAAOMS_LLM_MAX_QUOTE_CHARS)
        {
            abort();
        }
    }

    if (elaaoms_extract_offline(text, &b) == 0) {
        if (b.n != a.n) {
            abort();
        }
        for (i = 0; i < a.n; i++) {
            if (strcmp(a.items[i].content, b.items[i].content) != 0
                || strcmp(a.items[i].source_quote, b.items[i].source_quote)
                   != 0)
            {
                abort();
            }
        }
        elaaoms_extracted_free(&b);
    }

    elaaoms_extracted_free(&a);
    free(text);

    return 0;
}
