/*
 * lib/context/context_build: the caller's name and open issue as the
 * first message uses them, the templates for a named caller and for one
 * open issue, and the check of a first message an LLM wrote.
 */

#include "context_cases.h"


/* the agent's greeting (NULL: the default for the language) -> the first
 * message for a caller whose name is known */
static const struct {
    const char  *greeting;
    const char  *language;
    const char  *want;
} named[] = {
    { "Hi, thanks for calling Acme. How can I help you today?", NULL,
      "Hi Maria, thanks for calling Acme. How can I help you today?" },
    { NULL, "en-US", "Hello Maria! How can I help you today?" },
    { "Hey there, Acme here!", NULL, "Hey Maria, Acme here!" },
    { "Good morning, this is Acme.", NULL,
      "Good morning Maria, this is Acme." },
    { "Thanks for calling Acme!", NULL, "Hi Maria! Thanks for calling Acme!" },
};


/* the caller's one open issue -> the first message that asks about it */
static const struct {
    const char  *id;
    const char  *issue;
    const char  *want;
} issue_opens[] = {
    { "i1",
      "Reported that their grinder stopped working. Wants a replacement.",
      "Welcome back! Last time we spoke about this: you reported that your "
      "grinder stopped working \xe2\x80\x94 is that why you're calling?" },
    { "i2",
      "Caller was charged twice for the March invoice and they want a "
      "refund.",
      "Welcome back! Last time we spoke about this: you were charged twice "
      "for the March invoice and you want a refund \xe2\x80\x94 is that why "
      "you're calling?" },
    /* a description of the caller stays; the agent who speaks is "we" */
    { "i4",
      "Because the caller is a long-time customer, the agent offered a "
      "loyalty credit of $15 a month.",
      "Welcome back! Last time we spoke about this: because you are a "
      "long-time customer, we offered a loyalty credit of $15 a month "
      "\xe2\x80\x94 is that why you're calling?" },
    { "i5", "Customer says the agent is late.",
      "Welcome back! Last time we spoke about this: you say we are late "
      "\xe2\x80\x94 is that why you're calling?" },
};


static void
names(void)
{
    char  buf[ELAAOMS_CONTEXT_NAME_MAX];

    static const struct {
        const char  *text;
        const char  *name;   /* NULL: none */
    } cases[] = {
        { "Caller's name is Maria Lopez.", "Maria Lopez" },
        { "The caller\xe2\x80\x99s name is Maria.", "Maria" },
        { "The customer's full name is Jean-Luc O'Brien, a teacher.",
          "Jean-Luc O'Brien" },
        { "Name: Ana Maria Silva Costa", "Ana Maria Silva" },
        { "Her name is Emma.", "Emma" },
        { "Caller is named Tom.", "Tom" },
        { "Confirmed that the caller's name is Dr. Smith.", "Dr. Smith" },
        { "Caller's name is maria lopez.", "Maria Lopez" },
        { "Caller's name is \xc3\x89milie Dubois.", "\xc3\x89milie Dubois" },
        { "Caller's daughter's name is Emma.", NULL },
        { "Caller's name is not known.", NULL },
        { "Has a dog named Rex.", NULL },
        { "Order XYZ-789 is delayed.", NULL },
        { "Caller's name is Maria's sister.", "Maria" },
        { "Name is Mrs", NULL },
        { "The caller prefers to be called Liz.", "Liz" },
        { "Caller's preferred name is Bea.", "Bea" },
    };
    size_t  i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int  rc = elaaoms_context_name_from(cases[i].text, buf, sizeof(buf));

        if (cases[i].name == NULL) {
            CHECK_INT_EQ(rc, -1);
            if (rc == 0) {
                fprintf(stderr, "  unexpected name \"%s\" in \"%s\"\n", buf,
                        cases[i].text);
            }
        } else {
            CHECK_INT_EQ(rc, 0);
            CHECK_STR_EQ(buf, cases[i].name);
        }
    }
}


static void
issues(void)
{
    CHECK_INT_EQ(elaaoms_context_issue_resolved("Order XYZ-789 is delayed."),
                 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "The double charge was resolved with a refund."), 1);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Login problem is fixed now."), 1);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "The billing issue is not yet resolved."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Says the grinder still isn't fixed."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved(
                     "Complained that nothing was solved."), 0);
    CHECK_INT_EQ(elaaoms_context_issue_resolved("An unresolved complaint."),
                 0);
}


static void
greetings(void)
{
    char                      msg[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    size_t                    k;
    recs_t                    rs;
    elaaoms_context_t         ctx;
    elaaoms_context_input_t   in;

    rs.n = 0;
    add(&rs, "n1", "acme", "+14155550123", "conv_1", "agent_support",
        ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");

    input(&in, "agent_support", 1, T0, T0);
    CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);

    for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
        elaaoms_first_message_template(&ctx, named[k].greeting,
                                       named[k].language, msg, sizeof(msg));
        CHECK_STR_EQ(msg, named[k].want);
    }
    elaaoms_context_free(&ctx);
    recs_free(&rs);

    /* issues phrased in several ways, without a name; the agent is "we" */
    for (k = 0; k < sizeof(issue_opens) / sizeof(issue_opens[0]); k++) {
        add(&rs, issue_opens[k].id, "acme", "+14155550123", "conv_1",
            "agent_support", ELAAOMS_MEM_ISSUE, 8, T0,
            issue_opens[k].issue);
        CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
        elaaoms_first_message_template(&ctx, NULL, NULL, msg, sizeof(msg));
        CHECK_STR_EQ(msg, issue_opens[k].want);
        elaaoms_context_free(&ctx);
        recs_free(&rs);
    }

    /* a very long issue is cut on a word, within 300 bytes */
    {
        char  longer[600];

        memset(longer, 0, sizeof(longer));
        strcpy(longer, "Order XYZ-789 is delayed");
        while (strlen(longer) < 450) {
            strcat(longer, " and still delayed");
        }
        add(&rs, "i3", "acme", "+14155550123", "conv_1", "agent_support",
            ELAAOMS_MEM_ISSUE, 8, T0, longer);
        add(&rs, "n2", "acme", "+14155550123", "conv_1", "agent_support",
            ELAAOMS_MEM_FACTUAL, 6, T0, "Caller's name is Maria Lopez.");
        CHECK_INT_EQ(elaaoms_context_build(rs.items, rs.n, &in, &ctx), 0);
        CHECK(elaaoms_first_message_template(&ctx, NULL, NULL, msg,
                                             sizeof(msg))
              <= ELAAOMS_FIRST_MESSAGE_MAX);
        CHECK(STARTS(msg, "Hello Maria, welcome back! Last time we spoke "
                     "about this: order XYZ-789 is delayed and"));
        CHECK(strlen(msg) > 150);
        CHECK(strstr(msg, " \xe2\x80\x94 is that why you're calling?")
              == msg + strlen(msg) - strlen(" \xe2\x80\x94 is that why "
                                            "you're calling?"));
        elaaoms_context_free(&ctx);
        recs_free(&rs);
    }
}


static void
checks(void)
{
    char   out[ELAAOMS_FIRST_MESSAGE_MAX + 1];
    char   longer[400];

    CHECK_INT_EQ(elaaoms_first_message_check("Hi Maria, welcome back! Is this "
                                             "about order XYZ-789?", out,
                                             sizeof(out)),
                 strlen("Hi Maria, welcome back! Is this about order "
                        "XYZ-789?"));
    CHECK_STR_EQ(out, "Hi Maria, welcome back! Is this about order XYZ-789?");
    CHECK(elaaoms_first_message_check("  \"Hi Maria! How can I help?\"\n",
                                      out, sizeof(out)) > 0);
    CHECK_STR_EQ(out, "Hi Maria! How can I help?");
    CHECK(elaaoms_first_message_check("Hi Mrs. Lopez, welcome back to Acme!",
                                      out, sizeof(out)) > 0);
    CHECK(elaaoms_first_message_check("Hi Maria... good to hear from you",
                                      out, sizeof(out)) > 0);
    /* refused */
    CHECK_INT_EQ(elaaoms_first_message_check("", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("   ", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi Maria!\nHow can I help?",
                                             out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi. Welcome back. How can I "
                                             "help?", out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi [Name], welcome back!", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi {{caller_name}}!", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("**Hi Maria!**", out,
                                             sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check("Hi \xff Maria", out,
                                             sizeof(out)), -1);
    memset(longer, 'a', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    CHECK_INT_EQ(elaaoms_first_message_check(longer, out, sizeof(out)), -1);
    CHECK_INT_EQ(elaaoms_first_message_check(NULL, out, sizeof(out)), -1);
}


int
main(void)
{
    names();
    issues();
    greetings();
    checks();

    return UNIT_DONE("context_build_first_message");
}
