/*
 * lib/extract/extract_offline: what the agent did or offered (one memory
 * each, the agent's sentence the quote), agent lines that give nothing,
 * and the prices and diagnoses the agent states once the caller has
 * spoken.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_cases.h"


/* what the agent did or offered, with its value: one memory each */
static const struct {
    const char          *line;
    const char          *content;
    elaaoms_mem_type_e   type;
} agent_done[] = {
    { "Good. I've opened claim CLM-2025-08817. An adjuster will come out "
      "this week.", "The agent opened claim CLM-2025-08817.",
      ELAAOMS_MEM_FACTUAL },
    { "I've refunded the full $64.50 for HB-40218 to your card.",
      "The agent refunded the full $64.50 for HB-40218 to the caller's "
      "card.", ELAAOMS_MEM_ISSUE },
    { "Let me check... your new ticket is TK-30872.",
      "The caller's new ticket is TK-30872.", ELAAOMS_MEM_FACTUAL },
    { "Your work order is WO-5520.", "The caller's work order is WO-5520.",
      ELAAOMS_MEM_FACTUAL },
    /* a word or two saying what the reference is for */
    { "Your outage ticket is OT-77419.",
      "The caller's outage ticket is OT-77419.", ELAAOMS_MEM_ISSUE },
    { "Your roof repair claim is RC-5120.",
      "The caller's roof repair claim is RC-5120.", ELAAOMS_MEM_FACTUAL },
    /* a report of harm done is an issue every agent sees */
    { "I'm opening an incident report, IR-4471.",
      "The agent said: the agent is opening an incident report, IR-4471.",
      ELAAOMS_MEM_ISSUE },
    /* a reference named with "the", after whatever the agent did */
    { "The refund reference is TMK-3918.",
      "The agent said: The refund reference is TMK-3918.",
      ELAAOMS_MEM_ISSUE },
    { "I'm also reporting it to our IT security team, the incident number "
      "is SEC-6617.", "The agent said: the incident number is SEC-6617.",
      ELAAOMS_MEM_FACTUAL },
    { "I see the incident report, it's IR-3306.",
      "The agent said: the incident report, it's IR-3306.",
      ELAAOMS_MEM_ISSUE },
    { "Great. Your reservation number is RW-58317.",
      "The caller's reservation number is RW-58317.", ELAAOMS_MEM_FACTUAL },
    /* someone the caller calls for; a reference named after its number;
       a card, a permit, a plate */
    { "His account number is OTB-27614.", "His account number is "
      "OTB-27614.", ELAAOMS_MEM_FACTUAL },
    { "Your reference number for the appeal is BIL-5519.",
      "The caller's reference number for the appeal is BIL-5519.",
      ELAAOMS_MEM_FACTUAL },
    { "Your new card is LSG-3490.", "The caller's new card is LSG-3490.",
      ELAAOMS_MEM_FACTUAL },
    { "The permit is EP-26-0884, and it should be approved this week.",
      "The agent said: The permit is EP-26-0884, and it should be approved "
      "this week.", ELAAOMS_MEM_FACTUAL },
    /* a fraud logged, with no reference given */
    { "I'm logging it as a fraud report on your account.",
      "The agent said: the agent is logging it as a fraud report on the "
      "caller's account.", ELAAOMS_MEM_ISSUE },
    /* how the company reaches the caller from now on */
    { "I've set your notices to phone calls.",
      "The agent set the caller's notices to phone calls.",
      ELAAOMS_MEM_FACTUAL },
    { "I've updated the work order to the back wall.",
      "The agent updated the work order to the back wall.",
      ELAAOMS_MEM_FACTUAL },
    /* a promise to send a thing, or to waive, needs no number */
    { "I'll send you a replacement router.",
      "The agent will send the caller a replacement router.",
      ELAAOMS_MEM_FACTUAL },
    { "I'll waive the late fee.", "The agent will waive the late fee.",
      ELAAOMS_MEM_ISSUE },
    /* what the caller is to get, and when */
    { "The technician will be there between 8 and 10.",
      "The agent said: The technician will be there between 8 and 10.",
      ELAAOMS_MEM_FACTUAL },
    { "Your new gateway should arrive Thursday.",
      "The agent said: the caller's new gateway should arrive Thursday.",
      ELAAOMS_MEM_FACTUAL },
    { "It'll arrive Thursday.", "The agent said: It'll arrive Thursday.",
      ELAAOMS_MEM_FACTUAL },
    { "We'll reimburse the plumber's bill.",
      "The agent will reimburse the plumber's bill.", ELAAOMS_MEM_ISSUE },
    /* looking at the caller's thing on a day is an offer */
    { "We can look at it Wednesday morning.",
      "The agent offered to look at it Wednesday morning.",
      ELAAOMS_MEM_FACTUAL },
    /* and done already, in the past form */
    { "I've waived the late fee.", "The agent waived the late fee.",
      ELAAOMS_MEM_ISSUE },
    { "We've removed the duplicate charge.",
      "The agent removed the duplicate charge.", ELAAOMS_MEM_ISSUE },
    { "I'm sorry. I'll take last night off your bill.",
      "The agent will take last night off the caller's bill.",
      ELAAOMS_MEM_FACTUAL },
    { "I'll send engineering up and take tonight off your bill.",
      "The agent will send engineering up and take tonight off the "
      "caller's bill.", ELAAOMS_MEM_FACTUAL },
    { "Estimated restoration is 11 pm.",
      "The agent estimated restoration is 11 pm.", ELAAOMS_MEM_FACTUAL },
    { "I'm so sorry. I can reschedule you for Tuesday between 8 and 12.",
      "The agent offered to reschedule the caller for Tuesday between 8 "
      "and 12.", ELAAOMS_MEM_FACTUAL },
    { "Perfect, you're all set for eight at 8 pm Saturday, inside.",
      "The caller is booked for eight at 8 pm Saturday, inside.",
      ELAAOMS_MEM_FACTUAL },
    { "Yes, you have coverage through 2027.",
      "The caller has coverage through 2027.", ELAAOMS_MEM_FACTUAL },
    { "You've been a member since 2015.",
      "The caller has been a member since 2015.", ELAAOMS_MEM_RELATIONSHIP },
    { "I will add a latex allergy to your chart.",
      "The agent will add a latex allergy to the caller's chart.",
      ELAAOMS_MEM_FACTUAL },
    { "Your dispute reference is DSP-448210.",
      "The caller's dispute reference is DSP-448210.", ELAAOMS_MEM_ISSUE },
    { "I'll call you myself on December 1st.",
      "The agent will call the caller personally on December 1st.",
      ELAAOMS_MEM_RELATIONSHIP },
    { "For 9 seats on the Team plan, I can offer $12 per seat per month.",
      "For 9 seats on the Team plan, the agent offered $12 per seat per "
      "month.", ELAAOMS_MEM_FACTUAL },
    { "Of course. That's $64 for the month, I've charged the card on file.",
      "That's $64 for the month, the agent charged the card on file.",
      ELAAOMS_MEM_FACTUAL },
    /* words before an offer that refer back keep the sentence before */
    { "Yes, she can use our Corolla with the dual brake. It's $95 for the "
      "car and an instructor on test day, and I'll do a warm-up drive with "
      "her right before.",
      "The agent said: Yes, she can use the company's Corolla with the dual "
      "brake. It's $95 for the car and an instructor on test day, and the "
      "agent offered a warm-up drive with her right before.",
      ELAAOMS_MEM_FACTUAL },
    { "We have just applied a $22 credit to your next bill.",
      "The agent applied a $22 credit to the caller's next bill.",
      ELAAOMS_MEM_ISSUE },
    /* undoing a charge, a correction, an appeal; one of the company's
     * people with a day */
    { "You're right, it's covered. I'll void the invoice.",
      "The agent will void the invoice.", ELAAOMS_MEM_FACTUAL },
    { "I see it. I'll issue a correction on Friday.",
      "The agent will issue a correction on Friday.", ELAAOMS_MEM_ISSUE },
    { "I'm sorry. Our irrigation tech will be out tomorrow, no charge.",
      "The agent said: the company's irrigation tech will be out tomorrow, "
      "no charge.", ELAAOMS_MEM_FACTUAL },
};

/* the agent's other words: pitches, questions, claims about the caller */
static const char  *agent_nothing[] = {
    "I'll check on that for you.",
    "I'll take a look at the account.",
    "I'll send you over to billing.",
    "Our Business Fiber plans start at just $69 a month. How can I help?",
    "Can I get the 5 digit code on the back of your card?",
    "I've created the customer with NOK as the currency.",
    "Your order XYZ-789 is late and you were charged twice.",
    "Your new router is ready and it has 4 antennas.",
    "I can do that for you.",
    "You're all set, thanks.",
    "I can see 2 charges on the account.",
    "I've got 3 minutes left on this shift, so let me be quick?",
    "Our team will be glad to help.",
    "I'll look into it tomorrow.",
    "Our technician will be on time.",
    "The payment will go through.",
    "I can see two charges from Tuesday.",
    "I can look into it.",
    "Yeah, it'll be fine.",
    "The system will ask you for your PIN.",
    NULL
};


static void
test_agent(void)
{
    char                       text[1024];
    size_t                     i, k, found;
    const char               **line;
    elaaoms_extracted_list_t   l = { 0 };

    for (i = 0; i < sizeof(agent_done) / sizeof(agent_done[0]); i++) {
        snprintf(text, sizeof(text), "Agent: %s\nCaller: Okay.\n",
                 agent_done[i].line);
        CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);

        found = 0;
        for (k = 0; k < l.n; k++) {
            if (strcmp(l.items[k].content, agent_done[i].content) == 0) {
                found++;
                CHECK_INT_EQ(l.items[k].type, agent_done[i].type);
                /* the agent's sentence is the quote */
                CHECK(l.items[k].source_quote != NULL
                      && strstr(agent_done[i].line, l.items[k].source_quote)
                         != NULL);
            }
        }
        CHECK_INT_EQ(found, 1);
        CHECK_INT_EQ(l.n, 1);
        if (found != 1 || l.n != 1) {
            show("agent", agent_done[i].line, &l);
        }
        elaaoms_extracted_free(&l);
    }

    for (line = agent_nothing; *line; line++) {
        snprintf(text, sizeof(text), "Agent: %s\nCaller: Okay.\n", *line);
        CHECK_INT_EQ(elaaoms_extract_offline(text, &l), 0);
        CHECK_INT_EQ(l.n, 0);
        if (l.n) {
            show("agent", *line, &l);
        }
        elaaoms_extracted_free(&l);
    }
}


/* a price the agent states once the caller has spoken: a quote */
static const struct {
    const char  *text;
    const char  *content;       /* NULL: no memory of the agent's */
} agent_quotes[] = {
    { "Caller: What would the gig plan be with the static IP?\n"
      "Agent: Business 1 Gig is $189 a month, and the static IP is still "
      "$15.\n",
      "The agent said: Business 1 Gig is $189 a month, and the static IP "
      "is still $15." },
    { "Caller: We need it for imaging uploads.\n"
      "Agent: For that I'd recommend Business 500. That's $129 a month.\n",
      "The agent said: For that the agent would recommend Business 500. "
      "That's $129 a month." },
    { "Caller: And for the whole group?\n"
      "Agent: The buffet comes to 45 dollars per person.\n",
      "The agent said: The buffet comes to 45 dollars per person." },
    /* the greeting's pitch is for everyone */
    { "Agent: Our plans start at just $69 a month. How can I help?\n"
      "Caller: My internet is down.\n", NULL },
    /* an offer nobody asked for */
    { "Caller: I just bought a new router.\n"
      "Agent: By the way, we also offer Whole Home Wi-Fi for $10 a "
      "month.\n", NULL },
    { "Caller: Okay.\nAgent: We're running a promotion, 3 months at $20 "
      "a month.\n", NULL },
    /* a price for what the agent asked about is an offer, not a quote */
    { "Caller: Okay.\nAgent: Would you like to switch to the annual plan? "
      "It's 149 a year.\n", NULL },
    /* a total, and a finding with a measure */
    { "Caller: How much to replace them?\nAgent: Rear pads and rotors "
      "come to 389 with labor.\n",
      "The agent said: Rear pads and rotors come to 389 with labor." },
    /* what the tech found: a problem of the caller's (test_agent_finding) */
    { "Caller: Hi.\nAgent: The tech found the rear brake pads are at 2 "
      "millimeters.\n", "The agent found: The tech found the rear brake "
      "pads are at 2 millimeters." },
    /* a time set for the caller is kept like a price */
    { "Caller: When can you come?\nAgent: The tech arrives at 9 on "
      "Tuesday.\n", "The agent said: The tech arrives at 9 on Tuesday." },
    { "Caller: And the piano?\nAgent: The piano adds 300 and stairs are 75 "
      "per flight, so 2,800 total.\n", "The agent said: The piano adds 300 "
      "and stairs are 75 per flight, so 2,800 total." },
    { "Caller: Did it go through?\nAgent: I see a payment of 142.60 on "
      "the 2nd.\n", "The agent said: the agent sees a payment of 142.60 on "
      "the 2nd." },
    { "Caller: Can we pay on the 1st?\nAgent: Sure, autopay on the 1st is "
      "set up.\n", "The agent said: Sure, autopay on the 1st is set up." },
    /* a reference handed out without a verb; someone set to see the
     * caller at a time; a rate */
    { "Caller: Perfect.\nAgent: I have that room. Confirmation number "
      "QX-20931.\n", "The agent said: Confirmation number QX-20931." },
    { "Caller: Okay.\nAgent: Ticket TK-10293.\n",
      "The agent said: Ticket TK-10293." },
    { "Caller: It hurts.\nAgent: Dr. Lee can see you Monday at 10:15.\n",
      "The agent said: Dr. Lee can see the caller Monday at 10:15." },
    { "Caller: Fine.\nAgent: The lock would be 5.9 percent for 30 days.\n",
      "The agent said: The lock would be 5.9 percent for 30 days." },
    /* a number that is no amount, finding or time set */
    { "Caller: Is anyone free?\nAgent: We have 3 technicians on call.\n",
      NULL },
    { "Caller: Okay.\nAgent: Ticket prices went up in 2024.\n", NULL },
    /* an amount in words, with its unit */
    { "Caller: Is there a discount?\nAgent: Yes, ten percent off for the "
      "second child.\n", "The agent said: Yes, ten percent off for the "
      "second child." },
    { "Caller: Okay.\nAgent: We have two technicians on call.\n", NULL },
    /* "the order is" with a count, not a reference */
    { "Caller: Okay.\nAgent: The order is 3 days late.\n", NULL },
    /* a day and a time set for the caller, and who will serve them */
    { "Caller: Could she come from one to five instead?\nAgent: Sure, 1 to 5 "
      "starting Monday the 2nd.\n", "The agent said: Sure, 1 to 5 starting "
      "Monday the 2nd." },
    { "Caller: I can only do evenings.\nAgent: Our Tuesday group meets at "
      "6:30.\n", "The agent said: the company's Tuesday group meets at "
      "6:30." },
    { "Caller: Can we move it?\nAgent: Saturday at 10 with Mr. Ostrowski, "
      "done.\n", "The agent said: Saturday at 10 with Mr. Ostrowski, done." },
    { "Caller: Perfect.\nAgent: Your aide will be Fatima.\n",
      "The agent said: the caller's aide will be Fatima." },
    /* the fault the agent names for the caller's trouble, a part and
     * nothing more */
    { "Caller: The pump is screeching.\nAgent: Sounds like the pump "
      "bearings.\n", "The agent diagnosed: Sounds like the pump bearings." },
    { "Caller: The check engine light came on.\nAgent: That's usually the "
      "hybrid battery.\n",
      "The agent diagnosed: That's usually the hybrid battery." },
    { "Caller: Let's do Tuesday.\nAgent: Sounds like a plan.\n", NULL },
    { "Caller: How long does it take?\nAgent: It's usually a three-day "
      "job.\n", NULL },
    { "Caller: I paid yesterday.\nAgent: Looks like the payment went "
      "through.\n", NULL },
    /* a price before what the caller has paid: both */
    { "Caller: Can I switch to the ten-lesson package?\nAgent: The "
      "ten-lesson package is $520, and you've already paid $330, so the "
      "difference is $190.\n", "The agent said: The ten-lesson package is "
      "$520, and the caller has already paid $330, so the difference is "
      "$190." },
    /* a plate, a reference read back */
    { "Caller: It's the blue Mazda now.\nAgent: Blue Mazda CX-5, plate "
      "RJN-2059.\n", "The agent said: Blue Mazda CX-5, plate RJN-2059." },
    /* a time read back and confirmed */
    { "Caller: Could we do 4:45?\nAgent: 4:45 on the 22nd, done.\n",
      "The agent said: 4:45 on the 22nd, done." },
    { "Caller: Sorry, 97,000.\nAgent: 97,000, got it.\n",
      "The agent said: 97,000, got it." },
    /* a person with no one named, a time with no number */
    { "Caller: Okay.\nAgent: Your technician will be on time.\n", NULL },
    { "Caller: Okay.\nAgent: We are open Monday through Friday.\n", NULL },
    /* a slot offered, and a "that works" that adds nothing of its own */
    { "Agent: I have the 19th at 3:30.\nCaller: That works.\n",
      "The agent offered the 19th at 3:30, and the caller agreed." },
    { "Agent: I've got Tuesday at 9 or Thursday at 1.\nCaller: Hmm.\n",
      "The agent offered Tuesday at 9 or Thursday at 1." },
    /* the caller's yes goes with the offer */
    { "Agent: I can offer 12 dollars a seat.\nCaller: Sure, book it.\n",
      "The agent offered 12 dollars a seat, and the caller agreed." },
    { "Agent: I can offer 10 percent off.\nCaller: No thanks, that's not "
      "enough.\n", "The agent offered 10 percent off." },
    { "Caller: Okay.\nAgent: We have just the one technician today.\n",
      NULL },
    /* when the next one comes */
    { "Caller: Can you pause me two weeks?\nAgent: Next one goes out "
      "August 18th.\n", "The agent said: Next one goes out August 18th." },
    { "Caller: Okay.\nAgent: The next step is easy.\n", NULL },
};


static void
test_agent_quotes(void)
{
    size_t                    i, k, found, agent;
    elaaoms_extracted_list_t  l = { 0 };

    for (i = 0; i < sizeof(agent_quotes) / sizeof(agent_quotes[0]); i++) {
        CHECK_INT_EQ(elaaoms_extract_offline(agent_quotes[i].text, &l), 0);

        found = 0;
        agent = 0;
        for (k = 0; k < l.n; k++) {
            if (strncmp(l.items[k].content, "The agent ", 10) == 0) {
                agent++;
            }
            if (agent_quotes[i].content
                && strcmp(l.items[k].content, agent_quotes[i].content) == 0)
            {
                found++;
                /* a diagnosis or a finding is an issue, a price or
                   time a fact */
                CHECK_INT_EQ(l.items[k].type,
                             strncmp(l.items[k].content,
                                     "The agent diagnosed", 19) == 0
                             || strncmp(l.items[k].content,
                                        "The agent found", 15) == 0
                             ? ELAAOMS_MEM_ISSUE : ELAAOMS_MEM_FACTUAL);
            }
        }

        CHECK_INT_EQ(found, agent_quotes[i].content ? 1 : 0);
        CHECK_INT_EQ(agent, agent_quotes[i].content ? 1 : 0);
        /* "That works." is no memory of the caller's */
        if (strstr(agent_quotes[i].text, "Caller: That works.") != NULL) {
            CHECK_INT_EQ(l.n, 1);
        }
        if (found != (agent_quotes[i].content ? 1u : 0u) || agent > 1) {
            show("agent quote", agent_quotes[i].text, &l);
        }
        elaaoms_extracted_free(&l);
    }
}


/* the agent calling what happened a scam: an issue shared with every
 * agent; a denial or a pitch is none */
static const struct {
    const char  *text;
    const char  *content;
} agent_verdicts[] = {
    { "Caller: I bought two tickets off a guy online and they were "
      "already scanned.\nAgent: Okay, that's a known scam with resale "
      "tickets, I'm sorry.\n",
      "The agent said: Okay, that's a known scam with resale tickets." },
    { "Caller: I got a text saying my account is locked.\nAgent: That "
      "sounds like a phishing text.\n",
      "The agent said: That sounds like a phishing text." },
    { "Caller: I paid through Cash App and now the page is gone.\nAgent: "
      "That page isn't ours. Two other customers got hit by that same fake "
      "page this month.\n", "The agent said: Two other customers got hit "
      "by that same fake page this month." },
    { "Caller: I never signed any such thing.\nAgent: None of our "
      "notaries match that. That stamp was forged.\n",
      "The agent said: That stamp was forged." },
    { "Caller: I'm calling about my security deposit.\nAgent: That deposit "
      "was refunded.\n", NULL },
    { "Caller: He scanned a QR code sticker and paid.\nAgent: People have "
      "been sticking fake QR codes on pay stations downtown, it's a "
      "scam.\n", "The agent said: People have been sticking fake QR codes "
      "on pay stations downtown, it's a scam." },
    { "Caller: Should I worry?\nAgent: If you get a fake text like that, "
      "call us.\n", NULL },
    { "Caller: What do I do?\nAgent: Report it as fraud to your bank.\n",
      NULL },
    { "Caller: Was that email from you?\nAgent: That is not a scam, it's "
      "our new billing system.\n", NULL },
    { "Caller: Is this legit?\nAgent: It's a great deal on a scam-free "
      "plan, honestly.\n", NULL },
};


static void
test_agent_verdict(void)
{
    size_t                    i, k, found;
    elaaoms_extracted_list_t  l = { 0 };

    for (i = 0; i < sizeof(agent_verdicts) / sizeof(agent_verdicts[0]); i++)
    {
        CHECK_INT_EQ(elaaoms_extract_offline(agent_verdicts[i].text, &l), 0);

        found = 0;
        for (k = 0; k < l.n; k++) {
            if (strncmp(l.items[k].content, "The agent said", 14) != 0) {
                continue;
            }
            found++;
            CHECK(agent_verdicts[i].content != NULL
                  && strcmp(l.items[k].content, agent_verdicts[i].content)
                     == 0);
            CHECK_INT_EQ(l.items[k].type, ELAAOMS_MEM_ISSUE);
            CHECK(l.items[k].importance >= 8);
        }

        CHECK_INT_EQ(found, agent_verdicts[i].content ? 1 : 0);
        if (found != (agent_verdicts[i].content ? 1u : 0u)) {
            show("agent verdict", agent_verdicts[i].text, &l);
        }
        elaaoms_extracted_free(&l);
    }
}


/* what the agent found on the caller's property or equipment: a defect
 * or a test result is an issue, a make a fact; the agent's finding of an
 * account or an absent fault is none */
static const struct {
    const char          *text;
    const char          *content;
    elaaoms_mem_type_e   type;
} agent_findings[] = {
    { "Caller: What stood out?\nAgent: First, the electrical panel is a "
      "Federal Pacific Stab-Lok.\n", "The agent said: First, the electrical "
      "panel is a Federal Pacific Stab-Lok.", ELAAOMS_MEM_FACTUAL },
    { "Caller: What else?\nAgent: And third, the furnace is a 2004 "
      "Carrier.\n", "The agent said: And third, the furnace is a 2004 "
      "Carrier.", ELAAOMS_MEM_FACTUAL },
    { "Caller: What else?\nAgent: Second, there's a step crack in the "
      "block foundation wall.\n", "The agent found: Second, there's a step "
      "crack in the block foundation wall.", ELAAOMS_MEM_ISSUE },
    { "Caller: Did the video come in?\nAgent: The camera found root "
      "intrusion at about thirty-eight feet.\n", "The agent found: The "
      "camera found root intrusion at about thirty-eight feet.",
      ELAAOMS_MEM_ISSUE },
    { "Caller: Is it lead?\nAgent: The lead test came back positive on the "
      "porch trim.\n", "The agent found: The lead test came back positive "
      "on the porch trim.", ELAAOMS_MEM_ISSUE },
    /* a thing of the caller's that broke, as the agent found it */
    { "Caller: Is it done?\nAgent: At final inspection, the glass cracked "
      "at the corner.\n", "The agent found: At final inspection, the glass "
      "cracked at the corner.", ELAAOMS_MEM_ISSUE },
    { "Caller: Why won't it open?\nAgent: Your torsion spring snapped.\n",
      "The agent found: the caller's torsion spring snapped.",
      ELAAOMS_MEM_ISSUE },
    /* ... or left undone */
    { "Caller: Is it done?\nAgent: Almost. The big thing: the first quarter "
      "sales tax was never filed.\n", "The agent found: The big thing: the "
      "first quarter sales tax was never filed.", ELAAOMS_MEM_ISSUE },
    { "Caller: Why the late fee?\nAgent: Your last payment wasn't "
      "processed.\n", "The agent found: the caller's last payment wasn't "
      "processed.", ELAAOMS_MEM_ISSUE },
    { "Caller: Any news?\nAgent: Your refund has been processed.\n", NULL,
      0 },
    { "Caller: Is the frame okay?\nAgent: The glass isn't cracked.\n",
      NULL, 0 },
    { "Caller: Hi, it's Dana.\nAgent: I found your account.\n", NULL, 0 },
    { "Caller: Any leaks?\nAgent: There's no leak in the line.\n", NULL, 0 },
    { "Caller: Okay.\nAgent: The best option is a monthly plan.\n", NULL,
      0 },
};


/* the company's record of harm done to the caller, with its number:
 * shared; a support case is not */
static const struct {
    const char  *text;
    const char  *content;
} agent_harm[] = {
    { "Caller: Your man broke my sunroom.\nAgent: I have Wade's incident "
      "report right here, number IR-2041.\n", "The agent said: the agent "
      "has Wade's incident report right here, number IR-2041." },
    { "Caller: The sump overflowed.\nAgent: I'm opening a damage claim right "
      "now. The claim number is CLM-3308.\n",
      "The agent said: The claim number is CLM-3308." },
    { "Caller: The alarm went off.\nAgent: I'm opening a safety case, number "
      "SR-40751.\n", "The agent said: the agent is opening a safety case, "
      "number SR-40751." },
    { "Caller: My printer is jammed.\nAgent: Your support case is "
      "CS-22817.\n", NULL },
};


static void
test_agent_finding(void)
{
    size_t                    i, k, found, agent;
    elaaoms_extracted_list_t  l = { 0 };

    for (i = 0; i < sizeof(agent_findings) / sizeof(agent_findings[0]); i++)
    {
        CHECK_INT_EQ(elaaoms_extract_offline(agent_findings[i].text, &l), 0);

        found = 0;
        agent = 0;
        for (k = 0; k < l.n; k++) {
            if (strncmp(l.items[k].content, "The agent ", 10) != 0) {
                continue;
            }
            agent++;
            if (agent_findings[i].content
                && strcmp(l.items[k].content, agent_findings[i].content) == 0)
            {
                found++;
                CHECK_INT_EQ(l.items[k].type, agent_findings[i].type);
            }
        }

        CHECK_INT_EQ(found, agent_findings[i].content ? 1 : 0);
        CHECK_INT_EQ(agent, agent_findings[i].content ? 1 : 0);
        if (found != (agent_findings[i].content ? 1u : 0u)) {
            show("agent finding", agent_findings[i].text, &l);
        }
        elaaoms_extracted_free(&l);
    }
}


static void
test_agent_harm(void)
{
    size_t                    i, k, shared;
    elaaoms_extracted_list_t  l = { 0 };

    for (i = 0; i < sizeof(agent_harm) / sizeof(agent_harm[0]); i++) {
        CHECK_INT_EQ(elaaoms_extract_offline(agent_harm[i].text, &l), 0);

        shared = 0;
        for (k = 0; k < l.n; k++) {
            if (strncmp(l.items[k].content, "The agent ", 10) != 0
                || l.items[k].importance < 8)
            {
                continue;
            }
            shared++;
            CHECK(agent_harm[i].content != NULL
                  && strcmp(l.items[k].content, agent_harm[i].content) == 0);
            CHECK_INT_EQ(l.items[k].type, ELAAOMS_MEM_ISSUE);
        }

        CHECK_INT_EQ(shared, agent_harm[i].content ? 1 : 0);
        if (shared != (agent_harm[i].content ? 1u : 0u)) {
            show("agent harm", agent_harm[i].text, &l);
        }
        elaaoms_extracted_free(&l);
    }
}


int
main(void)
{
    test_agent();
    test_agent_quotes();
    test_agent_verdict();
    test_agent_finding();
    test_agent_harm();

    return UNIT_DONE("extract_offline_agent");
}
