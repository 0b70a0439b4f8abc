/*
 * A memory that takes back a value an older one states
 * (store/memory_retract.h): tables of pairs, look-alikes included.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "store/memory_retract.h"


typedef struct {
    const char  *older;
    const char  *newer;
    int          retracted;
} retract_case_t;

static const retract_case_t  retract_cases[] = {
    /* a name taken back */
    { "When asked will Toby ride the camp bus, the caller said from the "
      "Sandpiper Plaza stop.", "The caller said they moved across town, so "
      "Sandpiper Plaza doesn't work anymore.", 1 },
    { "The caller's insurance is Blue Heron.", "The caller said now they're "
      "on Cobalt Shield, not Blue Heron anymore.", 1 },
    { "The caller said Tuesdays and Thursdays work best for her.",
      "The caller said Tuesdays and Thursdays don't work anymore.", 1 },
    { "The caller's old number was 555-0142.", "The caller no longer uses "
      "555-0142.", 1 },
    { "The caller said don't send anything to Fenwick.", "The caller said "
      "don't send anything to Fenwick any more.", 1 },

    /* no retraction word */
    { "The caller said from the Sandpiper Plaza stop.", "The caller said "
      "Sandpiper Plaza is closed on Sundays.", 0 },
    /* no value in common */
    { "The caller said from the Sandpiper Plaza stop.", "The caller said "
      "the bus doesn't come by anymore.", 0 },
    /* the words framing a memory are no value */
    { "The caller asked the company to call after 5.", "The caller does not "
      "want calls anymore.", 0 },
    { "When asked about the pickup, the caller said Monday.", "When asked "
      "again, the caller said they don't need it anymore.", 0 },
    /* the older one takes something back itself */
    { "The caller said Sandpiper Plaza doesn't work anymore.", "The caller "
      "said Sandpiper Plaza is no longer served.", 0 },
    /* a word opening a sentence is no name */
    { "Blue skies. The caller is happy.", "The caller said it's not about "
      "the blue sky anymore.", 0 },
};


static void
test_retracted_by(void)
{
    size_t                 i;
    const retract_case_t  *c;

    for (i = 0; i < sizeof(retract_cases) / sizeof(retract_cases[0]); i++) {
        c = &retract_cases[i];
        if (elaaoms_memory_retracted_by(c->older, strlen(c->older), c->newer,
                                        strlen(c->newer))
            != c->retracted)
        {
            fprintf(stderr, "retract: \"%s\" / \"%s\" should be %d\n",
                    c->older, c->newer, c->retracted);
            CHECK(0);
        }
    }
}


static void
test_retracts(void)
{
    CHECK(elaaoms_memory_retracts("It doesn't work anymore.", 24));
    CHECK(elaaoms_memory_retracts("No longer at that address", 25));
    CHECK(!elaaoms_memory_retracts("Furthermore, he is fine", 23));
    CHECK(!elaaoms_memory_retracts("a longer stay", 13));
    CHECK(!elaaoms_memory_retracts("", 0));
}


int
main(void)
{
    test_retracts();
    test_retracted_by();

    return UNIT_DONE("memory_retract");
}
