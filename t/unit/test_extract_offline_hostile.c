/*
 * lib/extract/extract_offline: what the caller took back or changed later
 * (a value, a request, a count), context from the agent's lines, and
 * hostile input (empty, invalid UTF-8, huge lines, many sentences) with
 * bounded results.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_cases.h"


/*
 * what the caller took back is gone, whatever replaced it: a value, a
 * request ("No, wait"); a unit number is no street address
 */
static void
test_taken_back(void)
{
    static const struct {
        const char  *line;
        const char  *gone;
    } cases[] = {
        { "Do the 100,000-mile service. No, wait, it's not due yet. Just "
          "the oil change.", "100,000" },
        { "It's at about 94,000 miles. Sorry, 97,000, I just looked.",
          "94,000" },
        { "The 22nd at 2:45 works. Uh, actually, could we do 4:45?", "2:45" },
        { "Keisha Abernathy, 4C. My lease ends May 31st.", "address" },
        { "My name is Ana Ruiz. Never mind.", "NONE" },
    };
    char                       text[1024];
    size_t                     k, i;
    elaaoms_extracted_list_t   l = { 0 };

    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        extract_line(NULL, cases[k].line, &l, text, sizeof(text));
        CHECK(l.n > 0);
        for (i = 0; i < l.n; i++) {
            CHECK(strstr(l.items[i].content, cases[k].gone) == NULL);
        }
        elaaoms_extracted_free(&l);
    }

    /* the name stays when what follows takes something back */
    extract_line(NULL, "My name is Ana Ruiz. Never mind.", &l, text,
                 sizeof(text));
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "Caller's name is Ana Ruiz.", NULL)
          != NULL);
    elaaoms_extracted_free(&l);
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
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL,
               "The caller asked about booking QX7-2231.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_ISSUE,
               "The caller's booking QX7-2231 is to be cancelled.", NULL)
          != NULL);
    CHECK(find(&l, ELAAOMS_MEM_EMOTION,
               "The caller was annoyed about booking QX7-2231.", NULL)
          != NULL);
    elaaoms_extracted_free(&l);

    /* the kind said with the code, not one of an earlier sentence */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Agent: I'm flagging your account as a medical priority. The "
        "ticket for this outage is OT-77419.\n"
        "User: OT-77419. Okay.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL,
               "The caller asked about ticket OT-77419.", NULL) != NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL,
               "The caller asked about account OT-77419.", NULL) == NULL);
    elaaoms_extracted_free(&l);

    /* "this is the ..." and codes are not names */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Caller: This is the second time, it's XYZ-789.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "name is", NULL) == NULL);
    elaaoms_extracted_free(&l);

    /* the answer to a question about something else is no name */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Agent: Which brand is the router?\nCaller: It's Netgear.\n", &l), 0);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "name is", NULL) == NULL);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "Netgear", NULL) != NULL);
    elaaoms_extracted_free(&l);

    /* the same fact twice is one memory */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Caller: I was charged twice.\nCaller: I was charged twice.\n", &l),
        0);
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
    CHECK(find(&l, ELAAOMS_MEM_EMOTION, "The caller was upset.", NULL)
          != NULL);
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


/* a count the caller changes in a later line leaves no stale count */
static void
test_count_change(void)
{
    size_t                    k, eight, ten;
    elaaoms_extracted_list_t  l = { 0 };

    CHECK_INT_EQ(elaaoms_extract_offline(
        "Agent: How many do you need?\n"
        "Caller: We need eight temps for the packing line.\n"
        "Agent: Okay, eight temps. Any requirements?\n"
        "Caller: Steel-toe boots. Oh, and make it ten temps, actually.\n"
        "Agent: Sure.\n"
        "Caller: We have two dogs at the office, actually.\n", &l), 0);

    eight = ten = 0;
    for (k = 0; k < l.n; k++) {
        eight += strstr(l.items[k].content, "eight temps") != NULL;
        ten += strstr(l.items[k].content, "ten temps for the packing line")
               != NULL;
    }
    CHECK_INT_EQ(eight, 0);
    CHECK_INT_EQ(ten, 1);
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "two dogs", NULL) != NULL);
    if (eight || ten != 1) {
        show("count change", "make it ten temps", &l);
    }
    elaaoms_extracted_free(&l);
}


int
main(void)
{
    test_taken_back();
    test_context();
    test_hostile();
    test_count_change();

    return UNIT_DONE("extract_offline_hostile");
}
