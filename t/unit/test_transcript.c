/*
 * lib/transcript: the conversation text from a post-call data object,
 * chunking with overlap (a synthetic 50,000-token call), and the merge
 * of the chunks' memories.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_parse.h"
#include "extract/transcript.h"
#include "unit.h"


static void
test_tokens(void)
{
    CHECK_INT_EQ(elaaoms_transcript_tokens(0), 0);
    CHECK_INT_EQ(elaaoms_transcript_tokens(1), 1);
    CHECK_INT_EQ(elaaoms_transcript_tokens(4), 1);
    CHECK_INT_EQ(elaaoms_transcript_tokens(5), 2);
    CHECK_INT_EQ(elaaoms_transcript_tokens(40000), 10000);
}


static void
test_text(void)
{
    static const char  json[] =
        "{\"transcript\": ["
        " {\"role\": \"agent\", \"message\": \"Hello, how can I help?\"},"
        " {\"role\": \"user\", \"message\": \"Two\\nlines  here \"},"
        " {\"role\": \"user\", \"message\": null},"
        " {\"role\": \"user\", \"message\": \"   \"},"
        " {\"role\": \"tool\", \"message\": \"ignored\"},"
        " {\"role\": \"agent\", \"tool_calls\": []},"
        " {\"role\": \"user\", \"message\": \"Bye.\"}"
        "]}";
    int        n;
    char      *text;
    size_t     len;
    yajl_val   data;

    data = elaaoms_json_parse(json, sizeof(json) - 1, 64, NULL, NULL, 0);
    CHECK(data != NULL);
    if (data == NULL) {
        return;
    }

    n = elaaoms_transcript_text(data, &text, &len);
    CHECK_INT_EQ(n, 3);
    CHECK(text != NULL);
    if (text != NULL) {
        CHECK_INT_EQ(len, strlen(text));
        /* one turn a line, a speaker prefix each, "\n" at the end */
        CHECK(strncmp(text, "Agent: Hello, how can I help?\nCaller: Two",
                      41) == 0);
        CHECK(strstr(text, "ignored") == NULL);
        CHECK(strstr(text, "Caller: Bye.\n") != NULL);
        CHECK(text[len - 1] == '\n');
        free(text);
    }
    yajl_tree_free(data);

    /* no transcript: "" and no lines */
    data = elaaoms_json_parse("{}", 2, 64, NULL, NULL, 0);
    CHECK_INT_EQ(elaaoms_transcript_text(data, &text, &len), 0);
    CHECK(text != NULL && len == 0 && text[0] == '\0');
    free(text);
    yajl_tree_free(data);
}


/* a synthetic call of about tokens tokens: numbered lines, unequal lengths */
static char *
synthetic(size_t tokens, size_t *len, size_t *nlines)
{
    char    *t;
    size_t   cap, n, i;
    int      w;

    cap = tokens * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN + 256;
    t = malloc(cap);
    if (t == NULL) {
        return NULL;
    }

    for (n = 0, i = 0; n + 200 < tokens * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN;
         i++)
    {
        w = snprintf(t + n, cap - n, "%s: line %06zu says %.*s\n",
                     i % 2 ? "Caller" : "Agent", i, (int) (i * 37 % 120),
                     "the order is late and I would like it to arrive on "
                     "Monday because my grinder stopped working, thanks "
                     "for your help today, it is appreciated");
        n += (size_t) w;
    }

    *len = n;
    *nlines = i;
    return t;
}


static void
test_chunks(void)
{
    char                          *text, *p, needle[32];
    size_t                         len, nlines, i, k, max, end, found;
    elaaoms_transcript_chunks_t    c;
    elaaoms_transcript_chunk_t    *ch;

    text = synthetic(50000, &len, &nlines);
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }
    CHECK(elaaoms_transcript_tokens(len) > 49000);

    CHECK_INT_EQ(elaaoms_transcript_chunks(text, len,
                     ELAAOMS_TRANSCRIPT_CHUNK_TOKENS,
                     ELAAOMS_TRANSCRIPT_OVERLAP_TOKENS, &c), 0);

    max = ELAAOMS_TRANSCRIPT_CHUNK_TOKENS * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN;
    CHECK(c.n >= 5 && c.n <= 7);
    CHECK(c.n > 0 && c.items[0].start == 0);
    CHECK(c.n > 0 && c.items[c.n - 1].start + c.items[c.n - 1].len == len);

    for (i = 0; i < c.n; i++) {
        ch = &c.items[i];
        CHECK(ch->len <= max);
        CHECK(ch->text[ch->len] == '\0' && strlen(ch->text) == ch->len);
        CHECK(memcmp(ch->text, text + ch->start, ch->len) == 0);
        /* cut at line ends only */
        CHECK(ch->start == 0 || text[ch->start - 1] == '\n');
        CHECK(ch->text[ch->len - 1] == '\n');

        if (i > 0) {
            end = c.items[i - 1].start + c.items[i - 1].len;
            /* advances, overlaps, and the overlap is at most 500 tokens */
            CHECK(ch->start > c.items[i - 1].start);
            CHECK(ch->start < end);
            CHECK(end - ch->start
                  <= ELAAOMS_TRANSCRIPT_OVERLAP_TOKENS
                     * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN);
        }
    }

    /* every line whole in some chunk */
    found = 0;
    for (k = 0; k < nlines; k++) {
        snprintf(needle, sizeof(needle), "line %06zu says", k);
        for (i = 0; i < c.n; i++) {
            p = strstr(c.items[i].text, needle);
            if (p != NULL && strchr(p, '\n') != NULL) {
                found++;
                break;
            }
        }
    }
    CHECK_INT_EQ(found, nlines);

    elaaoms_transcript_chunks_free(&c);
    elaaoms_transcript_chunks_free(&c);     /* harmless twice */
    CHECK_INT_EQ(c.n, 0);

    /* a text that fits: one chunk, the whole text; an empty one: none */
    CHECK_INT_EQ(elaaoms_transcript_chunks(text, 1000, 0, 500, &c), 0);
    CHECK_INT_EQ(c.n, 1);
    CHECK(c.n == 1 && c.items[0].len == 1000 && c.items[0].start == 0);
    elaaoms_transcript_chunks_free(&c);

    CHECK_INT_EQ(elaaoms_transcript_chunks(text, 0, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 0);
    elaaoms_transcript_chunks_free(&c);

    free(text);

    /* a line longer than a chunk is cut at a space, and nothing is lost */
    text = malloc(1000);
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }
    memcpy(text, "Caller: ", 8);
    for (i = 8; i < 998; i++) {
        text[i] = i % 10 == 0 ? ' ' : 'x';
    }
    text[998] = '\n';
    text[999] = '\0';

    CHECK_INT_EQ(elaaoms_transcript_chunks(text, 999, 100, 50, &c), 0);
    CHECK(c.n >= 3);
    for (i = 0; i < c.n; i++) {
        CHECK(c.items[i].len <= 400);
        if (i > 0) {
            CHECK(c.items[i].start
                  <= c.items[i - 1].start + c.items[i - 1].len);
        }
        if (i + 1 < c.n) {
            CHECK(c.items[i].text[c.items[i].len - 1] == ' ');
        }
    }
    CHECK(c.n > 0 && c.items[c.n - 1].start + c.items[c.n - 1].len == 999);
    elaaoms_transcript_chunks_free(&c);
    free(text);
}


static void
test_merge(void)
{
    elaaoms_extracted_list_t  dst = { 0 }, src = { 0 };

    CHECK_INT_EQ(elaaoms_extracted_add(&dst, ELAAOMS_MEM_ISSUE,
                     "Order XYZ-789 is delayed.", 7, 0.6, ""), 0);
    CHECK_INT_EQ(elaaoms_extracted_add(&dst, ELAAOMS_MEM_FACTUAL,
                     "Caller's name is Maria.", 6, 0.7, "It's Maria."), 0);
    dst.dropped = 1;

    /* same after normalization: merged, higher importance, quote filled */
    CHECK_INT_EQ(elaaoms_extracted_add(&src, ELAAOMS_MEM_ISSUE,
                     "order xyz 789 is delayed", 8, 0.5, "It's late."), 0);
    /* same content, other type: kept */
    CHECK_INT_EQ(elaaoms_extracted_add(&src, ELAAOMS_MEM_EMOTION,
                     "Caller's name is Maria.", 3, 0.5, ""), 0);
    /* new, and its duplicate within src */
    CHECK_INT_EQ(elaaoms_extracted_add(&src, ELAAOMS_MEM_PREFERENCE,
                     "Prefers texts over email.", 6, 0.6, "Texts."), 0);
    CHECK_INT_EQ(elaaoms_extracted_add(&src, ELAAOMS_MEM_PREFERENCE,
                     "Prefers texts, over email!", 5, 0.9, "Again."), 0);
    src.dropped = 2;

    CHECK_INT_EQ(elaaoms_extracted_merge(&dst, &src), 0);
    CHECK_INT_EQ(dst.n, 4);
    CHECK_INT_EQ(dst.dropped, 3);
    CHECK_INT_EQ(src.n, 4);                 /* src unchanged */

    if (dst.n == 4) {
        CHECK_STR_EQ(dst.items[0].content, "Order XYZ-789 is delayed.");
        CHECK_INT_EQ(dst.items[0].importance, 8);
        CHECK(dst.items[0].confidence == 0.6);
        CHECK_STR_EQ(dst.items[0].source_quote, "It's late.");
        CHECK_STR_EQ(dst.items[1].source_quote, "It's Maria.");
        CHECK_INT_EQ(dst.items[2].type, ELAAOMS_MEM_EMOTION);
        CHECK_STR_EQ(dst.items[3].content, "Prefers texts over email.");
        CHECK_INT_EQ(dst.items[3].importance, 6);
        CHECK(dst.items[3].confidence == 0.9);
        CHECK_STR_EQ(dst.items[3].source_quote, "Texts.");
    }

    /* merging the same again adds nothing */
    CHECK_INT_EQ(elaaoms_extracted_merge(&dst, &src), 0);
    CHECK_INT_EQ(dst.n, 4);

    elaaoms_extracted_free(&src);
    elaaoms_extracted_free(&dst);
}


int
main(void)
{
    test_tokens();
    test_text();
    test_chunks();
    test_merge();

    return UNIT_DONE("transcript");
}
