/*
 * lib/extract_offline: the three ElevenLabs fixtures, then other
 * phrasings of each rule, the shape of every item, determinism and
 * hostile input.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_offline.h"
#include "util/json_parse.h"
#include "clients/llm.h"
#include "extract/transcript.h"
#include "unit.h"


#define FIXTURES  "t/fixtures/elevenlabs/"


/* the fixture's conversation text, malloc()ed; NULL if unreadable */
static char *
fixture_text(const char *name)
{
    FILE      *f;
    char       path[256], *buf, *text;
    long       n;
    yajl_val   root;

    snprintf(path, sizeof(path), FIXTURES "%s", name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t) n + 1);
    if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);

    root = elaaoms_json_parse(buf, (size_t) n, ELAAOMS_JSON_DEFAULT_DEPTH,
                              NULL, NULL, 0);
    free(buf);
    if (root == NULL) {
        return NULL;
    }

    text = NULL;
    if (elaaoms_transcript_text(elaaoms_json_obj(root, "data"), &text, NULL)
        < 0)
    {
        text = NULL;
    }
    yajl_tree_free(root);

    return text;
}


/* the first item of the type whose content holds every one of the words */
static const elaaoms_extracted_t *
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


static size_t
utf8_chars(const char *s)
{
    size_t  n = 0;

    for ( ; *s; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }
    return n;
}


/* is quote one of the text's caller lines (message part) */
static int
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
static void
check_shape(const char *text, const elaaoms_extracted_list_t *l)
{
    size_t                    i, len;
    const elaaoms_extracted_t *it;
    elaaoms_extracted_list_t  again = { 0 };

    for (i = 0; i < l->n; i++) {
        it = &l->items[i];
        len = strlen(it->content);
        CHECK(len > 1 && it->content[0] >= 'A' && it->content[0] <= 'Z');
        CHECK(it->content[len - 1] == '.');
        CHECK(utf8_chars(it->content) <= ELAAOMS_LLM_MAX_CONTENT_CHARS);
        CHECK(utf8_chars(it->source_quote) <= ELAAOMS_LLM_MAX_QUOTE_CHARS);
        CHECK(it->importance >= 1 && it->importance <= 10);
        CHECK(it->confidence > 0 && it->confidence < 1);
        CHECK(is_caller_line(text, it->source_quote));
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


static void
dump(const elaaoms_extracted_list_t *l)
{
    size_t  i;

    if (getenv("UNIT_VERBOSE") == NULL) {
        return;
    }
    for (i = 0; i < l->n; i++) {
        fprintf(stderr, "  %s [%d] %s\n",
                elaaoms_mem_type_name(l->items[i].type),
                l->items[i].importance, l->items[i].content);
    }
}


static void
test_twilio(void)
{
    char                      *text;
    const elaaoms_extracted_t *it;
    elaaoms_extracted_list_t   l = { 0 };

    text = fixture_text("post_call_transcription_twilio.json");
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }

    CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);
    dump(&l);

    it = find(&l, ELAAOMS_MEM_FACTUAL, "Maria Lopez", NULL);
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content, "Caller's name is Maria Lopez.");
        CHECK(strstr(it->source_quote, "this is Maria Lopez") != NULL);
    }

    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "order XYZ-789", NULL) != NULL);

    it = find(&l, ELAAOMS_MEM_ISSUE, "XYZ-789", "delayed");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content,
                     "Order XYZ-789 is delayed; it was expected on Monday.");
        CHECK(it->importance >= 7 && it->importance <= 8);
    }

    /* email yes, phone calls no */
    it = find(&l, ELAAOMS_MEM_PREFERENCE, "emailed", NULL);
    CHECK(it != NULL);
    it = find(&l, ELAAOMS_MEM_PREFERENCE, "not", "phone calls");
    CHECK(it != NULL);

    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "Is a nurse.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "night shifts", NULL) != NULL);

    it = find(&l, ELAAOMS_MEM_ISSUE, "charged twice", NULL);
    CHECK(it != NULL && it->importance == 8);

    it = find(&l, ELAAOMS_MEM_EMOTION, "frustrated", "XYZ-789");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content,
                     "Was frustrated about the delayed order XYZ-789.");
    }

    CHECK(find(&l, ELAAOMS_MEM_RELATIONSHIP, "happened before", NULL)
          != NULL);

    /* nothing from the agent's lines: "prefer email over calls" */
    CHECK(find(&l, ELAAOMS_MEM_PREFERENCE, "Prefers", NULL) == NULL);

    check_shape(text, &l);
    elaaoms_extracted_free(&l);
    free(text);
}


static void
test_sip_followup(void)
{
    char                      *text;
    const elaaoms_extracted_t *it;
    elaaoms_extracted_list_t   l = { 0 };

    text = fixture_text("post_call_transcription_sip_followup.json");
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }

    CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);
    dump(&l);

    it = find(&l, ELAAOMS_MEM_FACTUAL, "12 Harbor Lane", NULL);
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content, "New address is 12 Harbor Lane, Sausalito.");
    }

    it = find(&l, ELAAOMS_MEM_PREFERENCE, "texts", "email");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content, "Prefers texts over email.");
        CHECK(strstr(it->source_quote, "texts are fine now") != NULL);
    }

    it = find(&l, ELAAOMS_MEM_ISSUE, "charged twice", NULL);
    CHECK(it != NULL && it->importance == 8);

    it = find(&l, ELAAOMS_MEM_EMOTION, "pleased", NULL);
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->source_quote, "Thanks, you've been great this time.");
        CHECK(it->importance <= 4);
    }

    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "name is Maria.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_RELATIONSHIP, "called before", NULL) != NULL);

    check_shape(text, &l);
    elaaoms_extracted_free(&l);
    free(text);
}


static void
test_anonymous(void)
{
    char                      *text;
    size_t                     i;
    elaaoms_extracted_list_t   l = { 0 };

    text = fixture_text("post_call_transcription_anonymous.json");
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }

    CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);
    dump(&l);
    for (i = 0; i < l.n; i++) {
        CHECK(l.items[i].importance <= 3);
    }

    check_shape(text, &l);
    elaaoms_extracted_free(&l);
    free(text);
}


/*
 * One caller line; the expected content of the given type (NULL: no item
 * of the type at all), with the importance (0: any; -1: that content
 * must not be there).
 */
static void
phrase(const char *line, elaaoms_mem_type_e type, const char *content,
    int importance)
{
    char                       text[1024];
    size_t                     i;
    const elaaoms_extracted_t *it = NULL;
    elaaoms_extracted_list_t   l = { 0 };

    snprintf(text, sizeof(text), "Agent: How can I help?\nCaller: %s\n",
             line);
    CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);

    for (i = 0; i < l.n; i++) {
        if (l.items[i].type == type
            && (content == NULL || strcmp(l.items[i].content, content) == 0))
        {
            it = &l.items[i];
            break;
        }
    }

    if (content == NULL || importance < 0) {
        CHECK(it == NULL);
    } else {
        CHECK(it != NULL);
        if (it == NULL) {
            fprintf(stderr, "  no %s \"%s\" from \"%s\"; got:\n",
                    elaaoms_mem_type_name(type), content, line);
            for (i = 0; i < l.n; i++) {
                fprintf(stderr, "    %s: %s\n",
                        elaaoms_mem_type_name(l.items[i].type),
                        l.items[i].content);
            }
        } else if (importance) {
            CHECK_INT_EQ(it->importance, importance);
        }
    }

    check_shape(text, &l);
    elaaoms_extracted_free(&l);
}


static void
test_phrasings(void)
{
    /* factual */
    phrase("My name is John Smith.", ELAAOMS_MEM_FACTUAL,
           "Caller's name is John Smith.", 6);
    phrase("hi my name is john smith and I need help", ELAAOMS_MEM_FACTUAL,
           "Caller's name is John Smith.", 6);
    phrase("Call me Bob.", ELAAOMS_MEM_FACTUAL, "Caller's name is Bob.", 6);
    phrase("I'm calling again about ticket #55120.", ELAAOMS_MEM_FACTUAL,
           "Called about ticket #55120.", 7);
    phrase("my order number 4411 never arrived", ELAAOMS_MEM_FACTUAL,
           "Called about order 4411.", 7);
    phrase("I live at 5 Elm Street.", ELAAOMS_MEM_FACTUAL,
           "Lives at 5 Elm Street.", 6);
    phrase("I'm a teacher at Lincoln High.", ELAAOMS_MEM_FACTUAL,
           "Is a teacher.", 5);
    /* not names, not jobs, not codes */
    phrase("This is the second time, it's XYZ-789.", ELAAOMS_MEM_FACTUAL,
           "Called about the reference XYZ-789.", 7);
    phrase("This is the second time, it's XYZ-789.", ELAAOMS_MEM_FACTUAL,
           "Caller's name is XYZ-789.", -1);
    phrase("I'm a little confused.", ELAAOMS_MEM_FACTUAL, NULL, 0);
    phrase("I've been a member since 2015.", ELAAOMS_MEM_FACTUAL, NULL, 0);

    /* issues */
    phrase("my order number 4411 never arrived", ELAAOMS_MEM_ISSUE,
           "Order 4411 is missing.", 7);
    phrase("The order A12345 never came, and case 99812 is still open.",
           ELAAOMS_MEM_ISSUE, "Case 99812 is still unresolved.", 7);
    phrase("I was billed twice this month.", ELAAOMS_MEM_ISSUE,
           "Reported being charged twice for the same purchase.", 8);
    phrase("There is an unauthorized charge on my card.", ELAAOMS_MEM_ISSUE,
           "Reported an unauthorized charge.", 9);
    phrase("I think someone hacked my account.", ELAAOMS_MEM_ISSUE,
           "Reported that their account may be compromised.", 9);
    phrase("I'm locked out.", ELAAOMS_MEM_ISSUE,
           "Is locked out of their account.", 7);
    phrase("My grinder stopped working.", ELAAOMS_MEM_ISSUE,
           "Reported that their grinder stopped working.", 7);
    phrase("I want to cancel my subscription please.", ELAAOMS_MEM_ISSUE,
           "Asked to cancel their subscription.", 8);
    phrase("They sent me the wrong size.", ELAAOMS_MEM_ISSUE,
           "Received the wrong item.", 7);
    phrase("I'm not working today.", ELAAOMS_MEM_ISSUE, NULL, 0);

    /* preferences */
    phrase("please don't call me before noon", ELAAOMS_MEM_PREFERENCE,
           "Does not want to be called before noon.", 6);
    phrase("I prefer email over phone calls.", ELAAOMS_MEM_PREFERENCE,
           "Prefers email over phone calls.", 6);
    phrase("Honestly, mornings are better than evenings.",
           ELAAOMS_MEM_PREFERENCE, "Prefers mornings over evenings.", 6);
    phrase("Could you text me when it's ready?", ELAAOMS_MEM_PREFERENCE,
           "Wants to be texted when it's ready.", 6);
    phrase("I really like dark roast.", ELAAOMS_MEM_PREFERENCE,
           "Likes dark roast.", 6);
    phrase("I can't stand hold music.", ELAAOMS_MEM_PREFERENCE,
           "Dislikes hold music.", 6);
    phrase("I do not like decaf.", ELAAOMS_MEM_PREFERENCE,
           "Dislikes decaf.", 6);
    phrase("I do like decaf.", ELAAOMS_MEM_PREFERENCE, "Dislikes decaf.", -1);
    phrase("I really like decaf.", ELAAOMS_MEM_PREFERENCE, "Likes decaf.", 6);
    phrase("I'm a big fan of your oat milk.", ELAAOMS_MEM_PREFERENCE,
           "Is a fan of your oat milk.", 6);

    /* emotions */
    phrase("I'm really frustrated", ELAAOMS_MEM_EMOTION, "Was frustrated.", 4);
    phrase("I'm not frustrated at all.", ELAAOMS_MEM_EMOTION, NULL, 0);
    phrase("This is unacceptable!", ELAAOMS_MEM_EMOTION,
           "Found the situation unacceptable.", 4);
    phrase("I'm so relieved.", ELAAOMS_MEM_EMOTION,
           "Was pleased with the help they got.", 3);

    /* relationship */
    phrase("I've been a customer for ten years", ELAAOMS_MEM_RELATIONSHIP,
           "Has been a customer for ten years.", 5);
    phrase("I'm calling again about ticket #55120.", ELAAOMS_MEM_RELATIONSHIP,
           "Has called before.", 5);
    phrase("I've called three times already.", ELAAOMS_MEM_RELATIONSHIP,
           "Has called before.", 5);
    phrase("My husband handles the billing.", ELAAOMS_MEM_RELATIONSHIP,
           "Their husband handles the billing.", 5);
    phrase("I'm calling on behalf of my mother.", ELAAOMS_MEM_RELATIONSHIP,
           "Calls on behalf of their mother.", 5);
    phrase("It keeps happening.", ELAAOMS_MEM_RELATIONSHIP,
           "Says the problem has happened before.", 5);
}


static void
test_context(void)
{
    elaaoms_extracted_list_t  l = { 0 };

    /* the code's kind from the agent's question, its status from the agent */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Agent: What's your booking reference?\n"
        "Caller: It's QX7-2231.\n"
        "Agent: I see booking QX7-2231 was cancelled by the hotel.\n"
        "User: Why? I'm so annoyed.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "Called about booking QX7-2231.",
               NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_ISSUE, "Booking QX7-2231 is to be cancelled.",
               NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_EMOTION, "Was annoyed about booking QX7-2231.",
               NULL) != NULL);
    elaaoms_extracted_free(&l);

    /* "this is the ..." and codes are not names */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Caller: This is the second time, it's XYZ-789.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "name is", NULL) == NULL);
    elaaoms_extracted_free(&l);

    /* a code with no kind anywhere */
    CHECK_INT_EQ(elaaoms_extract_offline("Caller: It's AB-12345.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL,
               "Called about the reference AB-12345.", NULL) != NULL);
    elaaoms_extracted_free(&l);

    /* the same fact twice is one memory */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Caller: I was charged twice.\nCaller: Yes, charged twice!\n", &l), 0);
    CHECK_INT_EQ(l.n, 1);
    elaaoms_extracted_free(&l);
}


static void
test_hostile(void)
{
    size_t                     i, n;
    char                      *big;
    elaaoms_extracted_list_t   l = { 0 };

    CHECK_INT_EQ(elaaoms_extract_offline("", &l), 0);
    CHECK_INT_EQ(l.n, 0);
    CHECK_INT_EQ(elaaoms_extract_offline(NULL, &l), 0);
    CHECK_INT_EQ(l.n, 0);
    CHECK_INT_EQ(elaaoms_extract_offline("no speaker: I'm frustrated\n", &l),
                 0);
    CHECK_INT_EQ(l.n, 0);

    /* invalid UTF-8 becomes '?', curly apostrophes read as straight ones */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Caller: My name is Jos\xe9 Ruiz. I\xe2\x80\x99m really upset.\n",
        &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_EMOTION, "Was upset.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "name is Jos", NULL) != NULL);
    for (i = 0; i < l.n; i++) {
        CHECK(strchr(l.items[i].source_quote, '\xe9') == NULL);
    }
    check_shape("Caller: My name is Jos? Ruiz. I'm really upset.\n", &l);
    elaaoms_extracted_free(&l);

    /* a huge line without spaces, then many sentences: bounded results */
    n = 200000;
    big = malloc(n + 64);
    CHECK(big != NULL);
    if (big == NULL) {
        return;
    }
    memcpy(big, "Caller: ", 8);
    memset(big + 8, 'A', n);
    strcpy(big + 8 + n, " is broken. I prefer it.\n");
    CHECK_INT_EQ(elaaoms_extract_offline(big, &l), 0);
    for (i = 0; i < l.n; i++) {
        CHECK(utf8_chars(l.items[i].content) <= ELAAOMS_LLM_MAX_CONTENT_CHARS);
        CHECK(utf8_chars(l.items[i].source_quote)
              <= ELAAOMS_LLM_MAX_QUOTE_CHARS);
    }
    elaaoms_extracted_free(&l);

    memcpy(big, "Caller: ", 8);
    for (i = 8; i + 40 < n; i += 36) {
        memcpy(big + i, "Order AB-1234 is late, I'm so angry. ", 36);
        big[i + 10] = (char) ('0' + (i / 36) % 10);
        big[i + 11] = (char) ('0' + (i / 360) % 10);
    }
    strcpy(big + i, "\n");
    CHECK_INT_EQ(elaaoms_extract_offline(big, &l), 0);
    CHECK(l.n <= 128);
    elaaoms_extracted_free(&l);
    free(big);

    CHECK(strlen(elaaoms_extract_offline_limits()) > 20);
}


int
main(void)
{
    test_twilio();
    test_sip_followup();
    test_anonymous();
    test_phrasings();
    test_context();
    test_hostile();

    return UNIT_DONE("extract_offline");
}
