/*
 * libFuzzer target: an LLM's {"memories": [...]} answer through the strict
 * validation; whatever is kept must satisfy every rule.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clients/llm.h"


static size_t
utf8_chars(const char *s)
{
    size_t  n = 0;

    for ( /* void */ ; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }

    return n;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                     *json;
    size_t                    i;
    elaaoms_llm_error_t       err;
    elaaoms_extracted_list_t  out = { 0 };

    json = malloc(size + 1);
    if (json == NULL) {
        return 0;
    }
    memcpy(json, data, size);
    json[size] = '\0';

    if (elaaoms_llm_parse_memories(json, &out, &err) != 0 && out.n != 0) {
        abort();
    }

    for (i = 0; i < out.n; i++) {
        const elaaoms_extracted_t  *m = &out.items[i];

        if ((unsigned) m->type >= ELAAOMS_MEM_NTYPES
            || m->importance < 1 || m->importance > 10
            || !(m->confidence >= 0 && m->confidence <= 1)
            || m->content[0] == '\0' || m->content[0] == ' '
            || utf8_chars(m->content) > ELAAOMS_LLM_MAX_CONTENT_CHARS
            || m->source_quote == NULL)
        {
            abort();
        }
    }

    elaaoms_extracted_free(&out);
    free(json);

    return 0;
}
