/*
 * lib/extract/extract_offline: the three ElevenLabs fixtures (a Twilio
 * call, a SIP follow-up, an anonymous caller): the memories each must give
 * and the shape of every item.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_parse.h"
#include "extract/transcript.h"
#include "extract_cases.h"



#define FIXTURES  "t/fixtures/elevenlabs/"


/* the fixture's conversation text, malloc()ed; NULL if unreadable */
static char *
fixture_text(const char *name)
{
    char       path[256], *buf, *text;
    size_t     n;
    yajl_val   root;

    snprintf(path, sizeof(path), FIXTURES "%s", name);
    buf = unit_slurp(path, &n);
    if (buf == NULL) {
        return NULL;
    }

    root = elaaoms_json_parse(buf, n, ELAAOMS_JSON_DEFAULT_DEPTH,
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
    size_t                     i;
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

    /* the code from one line, its kind and status from the others */
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "The caller asked about order XYZ-789.",
               NULL) != NULL);
    it = find(&l, ELAAOMS_MEM_ISSUE, "XYZ-789", "delayed");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content, "The caller's order XYZ-789 is delayed; "
                                  "it was expected on Monday.");
        CHECK(it->importance >= 7 && it->importance <= 8);
    }

    CHECK(find(&l, ELAAOMS_MEM_PREFERENCE,
               "The caller wants to be emailed when it ships.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_PREFERENCE,
               "The caller would rather not get phone calls.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL,
               "The caller is a nurse and works night shifts.", NULL) != NULL);

    /* the words as said: "card ... charged twice" */
    it = find(&l, ELAAOMS_MEM_ISSUE, "charged twice", NULL);
    CHECK(it != NULL && it->importance == 8);

    it = find(&l, ELAAOMS_MEM_EMOTION, "frustrated", "XYZ-789");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content,
                     "The caller was frustrated about the delayed order "
                     "XYZ-789.");
    }

    CHECK(find(&l, ELAAOMS_MEM_RELATIONSHIP, "second time this happened",
               NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "two bags of espresso beans", NULL)
          != NULL);

    /* nothing from the agent's lines ("prefer email over calls"), nothing
     * from "Thank you." or "Great, thanks for your help." */
    for (i = 0; i < l.n; i++) {
        CHECK(strstr(l.items[i].content, "over calls") == NULL);
        CHECK(strstr(l.items[i].content, "thank") == NULL);
        CHECK(strstr(l.items[i].content, "Great") == NULL);
    }

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
        CHECK_STR_EQ(it->content,
                     "The caller's new address is 12 Harbor Lane, Sausalito.");
    }

    it = find(&l, ELAAOMS_MEM_PREFERENCE, "texts", "email");
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->content, "The caller prefers texts over email.");
        CHECK(strstr(it->source_quote, "texts are fine now") != NULL);
    }

    it = find(&l, ELAAOMS_MEM_ISSUE, "double charge", NULL);
    CHECK(it != NULL && it->importance == 8);

    it = find(&l, ELAAOMS_MEM_EMOTION, "pleased", NULL);
    CHECK(it != NULL);
    if (it) {
        CHECK_STR_EQ(it->source_quote, "Thanks, you've been great this time.");
        CHECK(it->importance <= 4);
    }

    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "Caller's name is Maria.", NULL)
          != NULL);
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


int
main(void)
{
    test_twilio();
    test_sip_followup();
    test_anonymous();

    return UNIT_DONE("extract_offline_fixtures");
}
