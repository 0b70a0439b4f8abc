/*
 * Extraction and search together, on a small development set of calls
 * written for this test: each call goes through the offline extractor
 * (extract_offline.h), then agents' questions are scored against the
 * caller's memories with relevance.h, as search-memory does.  Each
 * question names words its answer holds, to be found among the first
 * three at or over the default threshold (recall@3 over the set is
 * printed and must reach 0.8; misses are printed), and the memories it
 * names as unrelated must stay under the threshold, every one.
 *
 * Then the parts of the scorer one at a time: the source quote counts,
 * question words ask for a kind of answer, a question for a number or
 * code prefers memories holding one.
 *
 * ELAAOMS_DEV_VERBOSE=1 prints every call's memories and every ranking.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "extract/extract_offline.h"
#include "search/relevance.h"
#include "search/wordvec.h"
#include "search/tokenize.h"


#define MAX_MEMS   64
#define THRESHOLD  ((float) ELAAOMS_RELEVANCE_DEFAULT_THRESHOLD)


typedef struct {
    const char  *q;
    const char  *answer;        /* words of the answer, "|" between
                                   alternatives */
    const char  *unrelated;     /* a memory that must stay under the
                                   threshold, or NULL */
} question_t;

typedef struct {
    const char        *name;
    const char        *transcript;
    const question_t   questions[8];
} devcall_t;


static const devcall_t  calls[] = {
    { "pharmacy",
      "Agent: Riverside Pharmacy deliveries, this is Tom. Who am I "
      "speaking with?\n"
      "User: Hi Tom, it's Irene Kowalski.\n"
      "Agent: Hi Irene, what can I do for you?\n"
      "User: My insulin delivery didn't come on Tuesday and I only have two "
      "pens left.\n"
      "Agent: I'm sorry. Can you confirm the prescription number?\n"
      "User: It's RX-558120.\n"
      "User: Also I'm allergic to penicillin, the new doctor keeps "
      "forgetting that.\n"
      "User: And please ring the bell twice, I'm hard of hearing.\n"
      "Agent: Noted. Anything else?\n"
      "User: No, thank you dear.\n",
      { { "what's the prescription number", "RX-558120", NULL },
        { "any drug allergies?", "penicillin", NULL },
        { "what went wrong with her last delivery", "insulin|didn't come",
          "penicillin" },
        { "does she have any disability we should know about",
          "hard of hearing", NULL },
        { "what's her name", "Irene", "penicillin" },
        { NULL, NULL, NULL } } },

    { "garage",
      "Agent: Westside Auto, Priya speaking. How can I help?\n"
      "User: Yeah hi, Marco Bianchi. My car's making a grinding noise when "
      "I brake.\n"
      "Agent: What car is it?\n"
      "User: A 2016 Subaru Outback, about 140,000 miles.\n"
      "Agent: We could look at it Thursday. The front pads and rotors "
      "would be around $420.\n"
      "User: That's more than I hoped. The dealer quoted me $380 last "
      "month.\n"
      "User: I'd rather drop it off early, before 7, I start work at "
      "8.\n"
      "User: Okay, book it.\n",
      /* not "name is": that memory's source quote names the car */
      { { "what vehicle does he drive", "Subaru", "before 7" },
        { "what's wrong with the car", "grinding", NULL },
        { "how much did the dealer quote", "$380", NULL },
        { "when can he bring the car in", "before 7|early", NULL },
        { NULL, NULL, NULL } } },

    { "gym",
      "Agent: Peak Fitness membership desk, how can I help?\n"
      "User: Hello, my name is Greta Olsen. I want to freeze my membership "
      "for two months, I'm having knee surgery on the 9th.\n"
      "Agent: I'm sorry to hear that. Which plan are you on?\n"
      "User: The Premium one, 59 a month, with the pool.\n"
      "User: My husband Lars is also a member, but he's keeping his.\n"
      "User: Honestly if you can't freeze it I'll cancel and go to the "
      "YMCA.\n"
      "Agent: I can freeze it, no problem.\n"
      "User: Great, thanks so much.\n",
      { { "why is she pausing her membership", "surgery|freeze", NULL },
        { "which plan is she on", "Premium", "surgery" },
        { "is she likely to leave us", "cancel|YMCA", NULL },
        { "who else in her family is a member", "Lars", NULL },
        { "how much does she pay", "59", "Lars" },
        { NULL, NULL, NULL } } },

    { "travel",
      "Agent: Skyline Travel, this is Ben. May I have your name?\n"
      "User: Ahmed Farouk.\n"
      "Agent: Thanks Ahmed. What's your booking reference?\n"
      "User: It's QZ7P41.\n"
      "User: My flight to Lisbon got cancelled and nobody told me, I found "
      "out at the airport.\n"
      "User: I'm really angry about it.\n"
      "User: I need a vegetarian meal on the new flight, and an aisle seat "
      "please, my back is bad.\n"
      "User: You can reach me on WhatsApp, I don't check email while "
      "travelling.\n",
      { { "what's the booking reference", "QZ7P41", NULL },
        { "how does he feel about what happened", "angry", NULL },
        { "what are his seating preferences", "aisle", NULL },
        { "does he have meal requirements", "vegetarian", "WhatsApp" },
        { "how should we contact him", "WhatsApp", "vegetarian" },
        { NULL, NULL, NULL } } },

    { "internet",
      "Agent: Northwind Broadband support. What's going on?\n"
      "User: Hi, this is Keiko Tanaka. The wifi drops every night around "
      "10.\n"
      "Agent: What router do you have?\n"
      "User: It's a Netgear, the sticker says R7000.\n"
      "User: I work from home as a video editor, so uploads really "
      "matter.\n"
      "User: We've been customers for six years, but my neighbor switched "
      "to fiber and loves it.\n"
      "Agent: I'll send a technician Saturday morning.\n"
      "User: Saturday works, after 9 please.\n",
      { { "which router is she using", "R7000", NULL },
        /* not "neighbor": the neighbor's fiber is a connection word, and
         * with the agent's promise as one more memory it scores 0.76 */
        { "what's the connection problem", "drops", "six years" },
        { "what does she do for a living", "editor", NULL },
        { "how long has she been a customer", "six years", NULL },
        { "when can the technician come", "Saturday", NULL },
        { NULL, NULL, NULL } } },
};


static int
holds(const char *content, const char *alternatives)
{
    char         w[128];
    const char  *p, *e;
    size_t       n;

    for (p = alternatives; *p; p = *e ? e + 1 : e) {
        e = strchr(p, '|');
        if (e == NULL) {
            e = p + strlen(p);
        }
        n = (size_t) (e - p) < sizeof(w) - 1 ? (size_t) (e - p)
                                             : sizeof(w) - 1;
        memcpy(w, p, n);
        w[n] = '\0';
        if (strcasestr(content, w) != NULL) {
            return 1;
        }
    }
    return 0;
}


static void
test_dev_set(void)
{
    int                        verbose, found;
    size_t                     c, q, i, k, asked, answered, order[MAX_MEMS];
    float                      scores[MAX_MEMS], best;
    const devcall_t           *call;
    elaaoms_relevance_parts_t  parts[MAX_MEMS];
    const question_t          *qu;
    elaaoms_relevance_cand_t   cands[MAX_MEMS];
    elaaoms_extracted_list_t   l = { 0 };

    verbose = getenv("ELAAOMS_DEV_VERBOSE") != NULL;
    asked = 0;
    answered = 0;

    for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
        call = &calls[c];

        CHECK_INT_EQ(elaaoms_extract_offline(call->transcript, &l), 0);
        CHECK(l.n > 0 && l.n <= MAX_MEMS);
        if (l.n == 0 || l.n > MAX_MEMS) {
            elaaoms_extracted_free(&l);
            continue;
        }

        for (i = 0; i < l.n; i++) {
            memset(&cands[i], 0, sizeof(cands[i]));
            cands[i].text = l.items[i].content;
            cands[i].len = strlen(l.items[i].content);
            cands[i].quote = l.items[i].source_quote;
            cands[i].quote_len = strlen(l.items[i].source_quote);
            cands[i].type_concepts = elaaoms_memory_concepts(
                l.items[i].type, l.items[i].importance, l.items[i].content,
                strlen(l.items[i].content));
            if (verbose) {
                fprintf(stderr, "  %s: %s\n", call->name,
                        l.items[i].content);
            }
        }

        for (q = 0; call->questions[q].q; q++) {
            qu = &call->questions[q];
            asked++;

            CHECK_INT_EQ(elaaoms_relevance_score(qu->q, strlen(qu->q), cands,
                                                 l.n, NULL, scores, parts),
                         0);

            /* rank: a selection of the three best is enough */
            for (i = 0; i < l.n; i++) {
                order[i] = i;
            }
            for (i = 0; i < l.n && i < 3; i++) {
                for (k = i + 1; k < l.n; k++) {
                    if (scores[order[k]] > scores[order[i]]) {
                        size_t  t = order[i];
                        order[i] = order[k];
                        order[k] = t;
                    }
                }
            }

            found = 0;
            for (i = 0; i < l.n && i < 3; i++) {
                if (scores[order[i]] >= THRESHOLD
                    && holds(l.items[order[i]].content, qu->answer))
                {
                    found = 1;
                }
            }
            answered += found;

            if (!found || verbose) {
                fprintf(stderr, "  %s \"%s\" (want %s):\n",
                        found ? "ok" : "MISSED", qu->q, qu->answer);
                for (i = 0; i < l.n && i < 3; i++) {
                    fprintf(stderr, "    %.3f %s\n", scores[order[i]],
                            l.items[order[i]].content);
                }
            }

            if (qu->unrelated == NULL) {
                continue;
            }

            best = 0;
            for (i = 0; i < l.n; i++) {
                if (holds(l.items[i].content, qu->answer)
                    && scores[i] > best)
                {
                    best = scores[i];
                }
            }

            /*
             * an unrelated memory stays under the threshold by its words;
             * it may be one of the few nearest in meaning (wordvec.h), at
             * a modest score and below the answer
             */
            for (i = 0; i < l.n; i++) {
                if (holds(l.items[i].content, qu->unrelated)
                    && !holds(l.items[i].content, qu->answer))
                {
                    CHECK(elaaoms_relevance_calibrate(parts[i].raw)
                          < THRESHOLD);
                    CHECK(scores[i] < THRESHOLD
                          || (scores[i] <= ELAAOMS_WORDVEC_REL_MAX
                              && scores[i] < best));
                    if (scores[i] >= THRESHOLD) {
                        fprintf(stderr, "  \"%s\" unrelated, %.3f by "
                                "meaning (answer %.3f): %s\n", qu->q,
                                scores[i], best, l.items[i].content);
                    }
                }
            }
        }

        elaaoms_extracted_free(&l);
    }

    printf("# development set: %zu of %zu questions answered in the first "
           "three at the default threshold\n", answered, asked);

    /* a floor, as for the relevance fixtures: the misses are printed */
    CHECK(answered * 10 >= asked * 8);
}


static float
score_one(const char *query, const char *content, const char *quote,
    elaaoms_relevance_cand_t *others, size_t nothers)
{
    size_t                    i;
    float                     scores[8];
    elaaoms_relevance_cand_t  cands[8];

    memset(cands, 0, sizeof(cands));
    cands[0].text = content;
    cands[0].len = strlen(content);
    cands[0].quote = quote;
    cands[0].quote_len = quote ? strlen(quote) : 0;
    for (i = 0; i < nothers && i < 7; i++) {
        cands[i + 1] = others[i];
    }

    CHECK_INT_EQ(elaaoms_relevance_score(query, strlen(query), cands, i + 1,
                                         NULL, scores, NULL), 0);
    return scores[0];
}


static void
test_scorer_parts(void)
{
    float                     with, without, s1, s2;
    elaaoms_relevance_cand_t  others[2];

    memset(others, 0, sizeof(others));
    others[0].text = "The caller prefers email.";
    others[0].len = strlen(others[0].text);
    others[1].text = "The caller lives in Austin.";
    others[1].len = strlen(others[1].text);

    /* the source quote holds words the content left out */
    with = score_one("why do their invoices bounce",
                     "The caller asked about order PO-88412.",
                     "Our invoices bounce without PO-88412 on them.",
                     others, 2);
    without = score_one("why do their invoices bounce",
                        "The caller asked about order PO-88412.", NULL,
                        others, 2);
    CHECK(with > without);
    CHECK(with >= THRESHOLD);

    /* ... but a quote word counts less than a content word */
    s1 = score_one("what pets do they have", "The caller has two dogs.",
                   NULL, others, 2);
    s2 = score_one("what pets do they have", "The caller said something.",
                   "I have two dogs.", others, 2);
    CHECK(s1 > s2);

    /* "where": a place answers it */
    s1 = score_one("where does she live now", "The caller moved to 9 Quarry "
                   "Lane in Malden.", NULL, others, 1);
    CHECK(s1 >= THRESHOLD);

    /* a question for a number: a memory without one drops under the
     * threshold although it shares the subject */
    s1 = score_one("what was my last order number?",
                   "The caller was happy with the quick delivery.", NULL,
                   others, 2);
    s2 = score_one("what was my last order number?",
                   "The caller asked about order XYZ-789.", NULL, others, 2);
    CHECK(s1 < THRESHOLD);
    CHECK(s2 >= THRESHOLD);

    /* "the owner" is the caller: the feeling answers the question as
     * well as without the word, though another memory holds "owner" */
    others[1].text = "The caller is the owner of a bakery.";
    others[1].len = strlen(others[1].text);
    s1 = score_one("how is the owner holding up", "The caller is stressed.",
                   NULL, others, 2);
    s2 = score_one("how is she holding up", "The caller is stressed.", NULL,
                   others, 2);
    CHECK(s1 >= THRESHOLD);
    CHECK(fabsf(s1 - s2) < 0.01f);
    /* "the boat owner", "the account holder": the word before the role
     * says which caller, so a memory holding it gains nothing */
    others[1].text = "The caller's boat is a Grady-White.";
    others[1].len = strlen(others[1].text);
    s1 = score_one("how is the boat owner holding up",
                   "The caller is stressed.", NULL, others, 2);
    s2 = score_one("how is she holding up", "The caller is stressed.", NULL,
                   others, 2);
    CHECK(s1 >= THRESHOLD);
    CHECK(fabsf(s1 - s2) < 0.01f);
    s1 = score_one("how is the boat owner holding up",
                   "The caller's boat is a Grady-White.", NULL, others, 1);
    CHECK(s1 < THRESHOLD);
    /* not after a word that is no term: "the per-guest price" */
    s1 = score_one("what's the per-guest price",
                   "The caller asked for a price per guest.", NULL, others,
                   2);
    s2 = score_one("what's the price", "The caller asked for a price per "
                   "guest.", NULL, others, 2);
    CHECK(s1 >= THRESHOLD);
    CHECK(s1 > s2 - 0.01f);
    others[1].text = "The caller lives in Austin.";
    others[1].len = strlen(others[1].text);

    /* "for a living" asks for work, not for where one lives */
    others[1].text = "The caller lives in Austin.";
    s1 = score_one("what does she do for a living",
                   "The caller is a freelance translator.", NULL, others, 2);
    s2 = score_one("what does she do for a living",
                   "The caller lives in Austin.", NULL, others, 1);
    CHECK(s1 >= THRESHOLD);
    CHECK(s1 > s2);

    /* "how much": an amount answers it */
    s1 = score_one("how much did the repair cost",
                   "The caller said the dealer quoted them $380.", NULL,
                   others, 2);
    CHECK(s1 >= THRESHOLD);
}


int
main(void)
{
    test_dev_set();
    test_scorer_parts();

    return UNIT_DONE("search_dev");
}
