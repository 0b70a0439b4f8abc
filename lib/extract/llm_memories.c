/*
 * What both LLM providers share about memories: the prompt, the JSON
 * schema the answer must follow, and the strict validation of the answer.
 * Validation never trusts the schema was enforced: OpenAI-compatible
 * servers and Anthropic's tools do not guarantee it.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/llm_provider.h"
#include "util/yajl_util.h"


const char  elaaoms_llm_default_extract_prompt[] =
    "You read the transcript of a phone call between a voice agent and a "
    "caller, and record what is worth remembering about the caller for "
    "future calls.\n"
    "Memory types:\n"
    "- factual: facts about the caller or their account (names, order "
    "numbers, plans, dates, addresses they gave).\n"
    "- preference: how the caller likes things done (channels, times, "
    "language, products).\n"
    "- issue: problems, complaints and their status (double charges, "
    "delays, defects, open tickets).\n"
    "- emotion: the caller's mood or attitude when it matters for the next "
    "call (frustrated, relieved, happy).\n"
    "- relationship: the history between the caller and the company "
    "(repeat calls, loyalty, escalations, 'third time calling').\n"
    "Rules: one self-contained sentence per memory, about the caller, in "
    "the third person, at most 500 characters; only what the transcript "
    "supports, never guesses; nothing about the agent; no payment card "
    "numbers, passwords or other secrets; importance is an integer from 1 "
    "(trivia) to 10 (critical for the next call), and health and safety "
    "facts (allergies, medical needs, accessibility needs such as a "
    "wheelchair or a hearing impairment, safety risks) always take "
    "importance 8 or more: every agent of the company must know them (the "
    "same rule is applied after you answer); confidence is a number "
    "from 0 to 1; source_quote holds the caller's own words that support "
    "the memory.  Return an empty list when nothing is worth keeping.";

const char  elaaoms_llm_tool_description[] =
    "Records the memories extracted from the call transcript.";


char *
elaaoms_llm_extract_user_message(const char *transcript)
{
    char  *msg;

    if (asprintf(&msg, "Extract the memories from this call transcript.\n\n"
                 "<transcript>\n%s\n</transcript>", transcript) < 0)
    {
        return NULL;
    }

    return msg;
}


static yajl_gen_status
elaaoms_llm_gen_property(yajl_gen g, const char *name, const char *type,
    const char *description)
{
    yajl_gen_status  st = yajl_gen_status_ok;

    st |= elaaoms_yajl_gen_cstr(g, name);
    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "type", type);
    st |= elaaoms_yajl_gen_kv_str(g, "description", description);

    return st;
}


yajl_gen_status
elaaoms_llm_gen_memory_schema(yajl_gen g, int with_bounds)
{
    int              i;
    yajl_gen_status  st = yajl_gen_status_ok;

    static const char  *fields[] = {
        "type", "content", "importance", "confidence", "source_quote"
    };

    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "type", "object");
    st |= elaaoms_yajl_gen_cstr(g, "properties");
    st |= yajl_gen_map_open(g);

    st |= elaaoms_yajl_gen_cstr(g, "memories");
    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "type", "array");
    st |= elaaoms_yajl_gen_cstr(g, "items");

    /* one memory */
    st |= yajl_gen_map_open(g);
    st |= elaaoms_yajl_gen_kv_str(g, "type", "object");
    st |= elaaoms_yajl_gen_cstr(g, "properties");
    st |= yajl_gen_map_open(g);

    st |= elaaoms_llm_gen_property(g, "type", "string",
                                   "The kind of memory.");
    st |= elaaoms_yajl_gen_cstr(g, "enum");
    st |= yajl_gen_array_open(g);
    for (i = 0; i < ELAAOMS_MEM_NTYPES; i++) {
        st |= elaaoms_yajl_gen_cstr(g, elaaoms_mem_type_name(i));
    }
    st |= yajl_gen_array_close(g);
    st |= yajl_gen_map_close(g);

    st |= elaaoms_llm_gen_property(g, "content", "string",
             "One self-contained sentence about the caller, at most 500 "
             "characters.");
    if (with_bounds) {
        st |= elaaoms_yajl_gen_kv_int(g, "maxLength",
                                      ELAAOMS_LLM_MAX_CONTENT_CHARS);
    }
    st |= yajl_gen_map_close(g);

    st |= elaaoms_llm_gen_property(g, "importance", "integer",
             "From 1 (trivia) to 10 (critical for the next call); 8 or "
             "more for health and safety facts.");
    if (with_bounds) {
        st |= elaaoms_yajl_gen_kv_int(g, "minimum", 1);
        st |= elaaoms_yajl_gen_kv_int(g, "maximum", 10);
    }
    st |= yajl_gen_map_close(g);

    st |= elaaoms_llm_gen_property(g, "confidence", "number",
             "From 0 to 1: how sure the transcript makes this memory.");
    if (with_bounds) {
        st |= elaaoms_yajl_gen_kv_int(g, "minimum", 0);
        st |= elaaoms_yajl_gen_kv_int(g, "maximum", 1);
    }
    st |= yajl_gen_map_close(g);

    st |= elaaoms_llm_gen_property(g, "source_quote", "string",
             "The caller's words from the transcript that support it.");
    st |= yajl_gen_map_close(g);

    st |= yajl_gen_map_close(g);                /* item properties */

    st |= elaaoms_yajl_gen_cstr(g, "required");
    st |= yajl_gen_array_open(g);
    for (i = 0; i < (int) (sizeof(fields) / sizeof(fields[0])); i++) {
        st |= elaaoms_yajl_gen_cstr(g, fields[i]);
    }
    st |= yajl_gen_array_close(g);
    st |= elaaoms_yajl_gen_cstr(g, "additionalProperties");
    st |= yajl_gen_bool(g, 0);
    st |= yajl_gen_map_close(g);                /* item */

    st |= yajl_gen_map_close(g);                /* memories */
    st |= yajl_gen_map_close(g);                /* root properties */

    st |= elaaoms_yajl_gen_cstr(g, "required");
    st |= yajl_gen_array_open(g);
    st |= elaaoms_yajl_gen_cstr(g, "memories");
    st |= yajl_gen_array_close(g);
    st |= elaaoms_yajl_gen_cstr(g, "additionalProperties");
    st |= yajl_gen_bool(g, 0);
    st |= yajl_gen_map_close(g);

    return st;
}


static int
elaaoms_llm_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/* characters, not bytes: yajl has already checked it is valid UTF-8 */
static size_t
elaaoms_llm_utf8_chars(const char *s, size_t len)
{
    size_t  i, n = 0;

    for (i = 0; i < len; i++) {
        if (((unsigned char) s[i] & 0xc0) != 0x80) {
            n++;
        }
    }

    return n;
}


static yajl_val
elaaoms_llm_field(yajl_val obj, const char *name)
{
    return yajl_tree_get(obj, ELAAOMS_YAJL_PATH(name), yajl_t_any);
}


/* 0 and the item's fields, or -1 when any of them is invalid */
static int
elaaoms_llm_check_item(yajl_val item, int *type, const char **content,
    size_t *content_len, int *importance, double *confidence,
    const char **quote)
{
    double       d;
    size_t       len;
    yajl_val     v;
    const char  *s, *end;

    if (!YAJL_IS_OBJECT(item)) {
        return -1;
    }

    v = elaaoms_llm_field(item, "type");
    if (!YAJL_IS_STRING(v)) {
        return -1;
    }
    s = YAJL_GET_STRING(v);
    *type = elaaoms_mem_type_parse(s, strlen(s));
    if (*type < 0) {
        return -1;
    }

    v = elaaoms_llm_field(item, "content");
    if (!YAJL_IS_STRING(v)) {
        return -1;
    }
    s = YAJL_GET_STRING(v);
    end = s + strlen(s);
    while (s < end && elaaoms_llm_is_space(*s)) {
        s++;
    }
    while (end > s && elaaoms_llm_is_space(end[-1])) {
        end--;
    }
    len = end - s;
    if (len == 0
        || elaaoms_llm_utf8_chars(s, len) > ELAAOMS_LLM_MAX_CONTENT_CHARS)
    {
        return -1;
    }
    *content = s;
    *content_len = len;

    /* an integer; 7.0 is one too for JSON Schema, 7.5 is not */
    v = elaaoms_llm_field(item, "importance");
    if (!YAJL_IS_NUMBER(v)) {
        return -1;
    }
    if (YAJL_IS_INTEGER(v)) {
        if (YAJL_GET_INTEGER(v) < 1 || YAJL_GET_INTEGER(v) > 10) {
            return -1;
        }
        *importance = (int) YAJL_GET_INTEGER(v);
    } else {
        d = YAJL_GET_DOUBLE(v);
        if (!YAJL_IS_DOUBLE(v) || d != floor(d) || d < 1 || d > 10) {
            return -1;
        }
        *importance = (int) d;
    }

    v = elaaoms_llm_field(item, "confidence");
    if (!YAJL_IS_DOUBLE(v)) {       /* integers 0 and 1 are doubles too */
        return -1;
    }
    d = YAJL_GET_DOUBLE(v);
    if (!(d >= 0 && d <= 1)) {
        return -1;
    }
    *confidence = d;

    /* required by the schema, but a missing quote costs nothing */
    v = elaaoms_llm_field(item, "source_quote");
    if (v == NULL || YAJL_IS_NULL(v)) {
        *quote = "";
    } else if (YAJL_IS_STRING(v)) {
        *quote = YAJL_GET_STRING(v);
        if (elaaoms_llm_utf8_chars(*quote, strlen(*quote))
            > ELAAOMS_LLM_MAX_QUOTE_CHARS)
        {
            return -1;
        }
    } else {
        return -1;
    }

    return 0;
}


int
elaaoms_llm_memories_from_tree(yajl_val doc, elaaoms_extracted_list_t *out,
    elaaoms_llm_error_t *err)
{
    int          type, importance, rc;
    char        *content;
    size_t       i, len;
    double       confidence;
    yajl_val     list;
    const char  *text, *quote;

    list = elaaoms_yajl_arr(doc, ELAAOMS_YAJL_PATH("memories"));
    if (!YAJL_IS_OBJECT(doc) || list == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "the answer has no \"memories\" array");
        return -1;
    }

    for (i = 0; i < list->u.array.len; i++) {
        if (elaaoms_llm_check_item(list->u.array.values[i], &type, &text,
                                   &len, &importance, &confidence, &quote)
            != 0)
        {
            out->dropped++;
            continue;
        }

        content = strndup(text, len);
        if (content == NULL) {
            goto nomem;
        }

        rc = elaaoms_extracted_add(out, type, content, importance, confidence,
                                   quote);
        free(content);

        if (rc != 0) {
            goto nomem;
        }
    }

    return 0;

nomem:

    elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
    return -1;
}


int
elaaoms_llm_parse_memories(const char *json, elaaoms_extracted_list_t *out,
    elaaoms_llm_error_t *err)
{
    int       rc;
    char      reason[128];
    yajl_val  doc;

    doc = elaaoms_yajl_parse(json, reason, sizeof(reason));
    if (doc == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "the answer is not JSON: %s", reason);
        return -1;
    }

    rc = elaaoms_llm_memories_from_tree(doc, out, err);
    yajl_tree_free(doc);

    return rc;
}


char *
elaaoms_llm_dup_text(const char *s, size_t len, elaaoms_llm_error_t *err)
{
    char        *text;
    const char  *end = s + len;

    while (s < end && elaaoms_llm_is_space(*s)) {
        s++;
    }

    while (end > s && elaaoms_llm_is_space(end[-1])) {
        end--;
    }

    if (s == end) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_MALFORMED, 1,
                              "the answer holds no text");
        return NULL;
    }

    text = strndup(s, end - s);
    if (text == NULL) {
        elaaoms_api_error_set(err, ELAAOMS_API_ERR_NOMEM, 1, "out of memory");
    }

    return text;
}
