/*
 * The health/safety and identity rules of every extracted memory
 * (extract/memory_rules.h): tables of cases, look-alikes included.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "extract/memory_rules.h"


typedef struct {
    const char  *text;
    int          health;
} health_case_t;

static const health_case_t  health_cases[] = {
    /* must be raised */
    { "Has a peanut allergy.", 1 },
    { "Severe peanut allergy; carries an EpiPen.", 1 },
    { "Carries an epi-pen for bee stings.", 1 },
    { "Is allergic to shellfish.", 1 },
    { "Has severe allergies to latex.", 1 },
    { "Uses a wheelchair.", 1 },
    { "Needs wheelchair access at the front entrance.", 1 },
    { "The caller is on a walker now.", 1 },
    { "The caller had their hip replaced in January.", 1 },
    { "The caller's sister Ana Walker called.", 0 },
    { "The caller lives on Walker Road now.", 0 },
    { "Is diabetic and needs meals delivered before noon.", 1 },
    { "Has type 2 diabetes.", 1 },
    { "Is hearing impaired; prefers text messages.", 1 },
    { "Caller is deaf and uses a relay service.", 1 },
    { "Wears hearing aids.", 1 },
    { "Is hard of hearing.", 1 },
    { "Is legally blind and uses a screen reader.", 1 },
    { "Visually impaired: send statements in large print or braille.", 1 },
    { "Uses a walker since her hip surgery.", 1 },
    { "Uses a cane.", 1 },
    { "Is recovering from knee surgery, no heavy lifting.", 1 },
    { "Takes her meds at 8 and needs the prescription refilled.", 1 },
    { "Has an aggressive dog in the yard, call before coming in.", 1 },
    { "Can't do stairs, needs a ground floor room.", 1 },
    { "Orders the gluten free bread for her son.", 1 },
    /* said in plain words */
    { "The caller has trouble walking.", 1 },
    { "The caller can't hear well.", 1 },
    { "The caller's son has special needs.", 1 },
    { "The caller is on the spectrum.", 1 },
    { "The caller has memory problems.", 1 },
    { "The caller can't lift more than ten pounds.", 1 },
    { "The caller's dog is aggressive with strangers.", 1 },
    { "The caller has a latex sensitivity.", 1 },
    { "The caller saw smoke coming from the outlet.", 1 },
    { "The caller's ceiling is collapsing.", 1 },
    { "The caller's basement flooded and the outlets are under water.", 1 },
    { "The caller was in a car accident.", 1 },
    { "The dresser tipped over and nearly hit the caller's toddler.", 1 },
    { "The installer damaged the gas line.", 1 },
    { "The caller said he fell in the bathroom last week.", 1 },
    { "There's a wasp nest under the back eave.", 1 },
    { "The caller's dad has end-stage heart failure.", 1 },
    { "The caller's father has a signed DNR.", 1 },
    { "The caller's horse has Cushing's.", 1 },
    { "The caller's dad is in hospice care at home.", 1 },
    { "The caller said the back step is a trip hazard.", 1 },
    { "The caller has Raynaud's.", 1 },
    { "The caller's son was diagnosed with Crohn's last spring.", 1 },
    /* a fire at home, however it is said */
    { "The caller said tonight their dryer, there was a fire.", 1 },
    { "The caller smelled smoke.", 1 },
    { "The caller slipped and went down, hard, on their side.", 1 },
    { "The caller said it slipped their mind.", 0 },
    { "The caller used the extinguisher from under the sink.", 1 },
    { "The caller was fired from the fire station gift shop job.", 0 },
    { "The caller has macular degeneration.", 1 },
    { "The caller's fingers go numb in the cold.", 1 },
    { "The caller said her dad passed out on the stairs.", 1 },
    { "The agent diagnosed: the compressor's start capacitor failed.", 0 },
    { "The caller said the lights went out on the porch.", 0 },
    /* look-alikes */
    { "The caller said the price collapsed.", 0 },
    { "The caller said sales fell last quarter.", 0 },
    { "The caller's flight leaves from terminal B.", 0 },
    { "The caller can see the truck from the window.", 0 },
    { "The caller is shopping for a new baby stroller.", 0 },
    { "Wants to ramp up the marketing budget.", 0 },
    { "Her mother is on life support at home, the power must stay on.", 1 },
    { "Has COPD and uses an oxygen machine.", 1 },
    { "Is elderly and lives alone.", 1 },
    { "Works nights at the hospital.", 0 },
    { "Had a surge in orders last week.", 0 },
    { "Has limited mobility and cannot use stairs.", 1 },
    { "Relies on an oxygen concentrator at home.", 1 },
    { "Is on dialysis three times a week.", 1 },
    { "Is pregnant and due in March.", 1 },
    { "Has epilepsy.", 1 },
    { "Takes blood thinners.", 1 },
    { "Needs medication delivered monthly.", 1 },
    { "Has a medical condition that requires refrigerated deliveries.", 1 },
    { "Has a service dog.", 1 },
    { "Has early-stage dementia; her daughter helps on calls.", 1 },
    { "Is lactose intolerant.", 1 },
    { "Has celiac disease.", 1 },
    { "Reported a gas leak at the property.", 1 },
    { "Says there's a gas smell near the meter.", 1 },
    { "There is a downed power line in the yard.", 1 },
    { "The outlet in the kitchen is sparking.", 1 },
    { "Just got out of the hospital after a stroke.", 1 },
    { "Suffers from seizures; flashing lights are a problem.", 1 },
    { "The caller has MS.", 1 },
    { "Wants the letters addressed to Ms. Tran.", 0 },
    { "The caller broke their ankle skiing.", 1 },
    { "Sprained her wrist and cannot type much.", 1 },
    /* a stroke as the caller says it, and knocks and bruises */
    { "The caller said it's his first flight since the stroke.", 1 },
    { "Her stroke left her weak on one side.", 1 },
    { "Karim hit his elbow on the rail.", 1 },
    { "When asked is Karim alright, the caller said he's bruised.", 1 },
    { "She was badly bruised.", 1 },
    { "Her backstroke needs work.", 0 },
    { "A few bruised apples in the box.", 0 },
    { "Hit the reset button twice.", 0 },
    { "Is injured from a car accident last month.", 1 },
    { "Tested positive for covid, so the technician can't come in.", 1 },
    { "Is on bed rest.", 1 },
    { "Her son has a feeding tube.", 1 },
    /* procedures and what they ask of the patient */
    { "The caller has to fast for twelve hours before the blood work.", 1 },
    { "The caller was told nothing to eat after midnight.", 1 },
    { "The caller cannot do the MRI without something to calm them.", 1 },
    { "The caller is claustrophobic.", 1 },
    { "The caller's daughter uses a feeding pump at night.", 1 },
    { "The caller needs a ground floor room because of their hip.", 1 },
    { "The caller cannot carry anything heavy up the stairs.", 1 },
    { "The caller said that was fast for a Monday.", 0 },
    { "The caller wants the order under their name.", 0 },
    { "Has a bad heart.", 1 },
    { "Is in a cast up to the knee.", 1 },
    { "Has a speech impediment.", 1 },
    { "Is vegan for health reasons.", 1 },
    { "The installer's dog bit her son last time.", 1 },
    { "There's black mold in the bathroom.", 1 },
    { "A lot of vermiculite from that era has asbestos in it.", 1 },
    { "The caller had a stent put in back in March, heart thing.", 1 },
    { "The caller got a rash behind both ears.", 1 },
    { "The caller made a rash decision.", 0 },
    { "Her daughter has alopecia areata.", 1 },
    { "Brutus is reactive with strangers.", 1 },
    { "Ravi's not a strong swimmer at all.", 1 },
    { "His cardiologist says nothing over twenty pounds for now.", 1 },
    { "The caller broke their collarbone in a crash two years ago.", 1 },
    { "He dislocated both shoulders skiing.", 1 },
    { "The caller cannot really swim.", 1 },
    { "The caller can dog-paddle.", 1 },
    { "The caller said three stitches in their chin.", 1 },
    { "No swimming till the stitches come out.", 1 },
    { "The stitches underneath are all loops, like a bird's nest.", 0 },
    { "Cracked a molar chewing ice.", 1 },
    { "The caller is on a walker for now.", 1 },
    { "Can't get to the door fast enough with the walker.", 1 },
    { "The caller lives on Walker Street.", 0 },
    { "The caller's dog walker comes at noon.", 0 },
    { "The caller tore their ACL last fall.", 1 },
    { "Dario has got a second-degree burn.", 1 },
    { "He burned his arm on the flat-top.", 1 },
    { "The caller burned their toast.", 0 },
    { "The caller broke their phone screen.", 0 },
    { "Separated their recycling from the trash.", 0 },
    { "The smoke detector keeps chirping.", 1 },
    { "The furnace makes the house smell like rotten eggs.", 1 },
    { "A tree fell on the wires outside.", 1 },
    { "The caller bleeds easily.", 1 },
    { "Hurt her shoulder, torn rotator cuff.", 1 },
    { "A wire is hanging down across the driveway and it sparked.", 1 },
    { "Broke the news to her manager.", 0 },
    { "Is on a break until Monday.", 0 },
    { "Smells gas near the meter.", 1 },
    { "Carbon monoxide alarm keeps going off.", 1 },
    { "Exposed wires near the outlet are a fire hazard.", 1 },
    { "Said the installation left the stairs unsafe.", 1 },
    { "Mentioned domestic violence; do not send mail to the old address.",
      1 },
    { "Has a restraining order against a former partner.", 1 },
    { "Needs accessibility features on the website.", 1 },
    { "Had a seizure last month.", 1 },
    { "Walks with a cane, so the parking matters.", 1 },
    { "There is a protective order against her ex-husband.", 1 },
    { "Needs large print statements.", 1 },
    { "Has a cochlear implant.", 1 },
    { "The caller's daughter has Down syndrome.", 1 },
    { "Is colorblind, so the red and green lights look alike.", 1 },
    { "Cannot stand for long periods.", 1 },
    { "Printed the fine print for the lawyer.", 0 },
    { "The last installer fell off the ladder at her house.", 1 },
    { "Her father slipped and fell on the porch.", 1 },
    { "The price fell off a cliff after the promo.", 0 },
    { "Prices fell down to last year's level.", 0 },
    /* beyond the table, WordNet's health words */
    { "The caller's neck hurts, the doctor said whiplash.", 1 },
    { "Gets migraines when the screen flickers.", 1 },
    { "Has to do physical therapy 2 times a week.", 1 },
    { "Is recovering from pneumonia.", 1 },
    { "Has arthritis in both hands and cannot use the keypad.", 1 },

    /* look-alikes: stay as they are */
    { "Caller's name is Maria Lopez.", 0 },
    { "The caller said the pizza arrived cold.", 0 },
    { "The caller said the delay hurt their business.", 0 },
    { "The caller cancelled the order after the crash of the website.", 0 },
    { "Prefers vegetarian meals.", 0 },
    { "Asked about a medical bill from March.", 0 },
    { "Account was disabled after three failed logins.", 0 },
    { "Disabled auto-pay last month.", 0 },
    { "Was hearing about the new plan from a friend.", 0 },
    { "Threatened to cancel the subscription.", 0 },
    { "Spoke with Mr. Walker from the billing team.", 0 },
    { "Ordered cane sugar and flour.", 0 },
    { "Has a mobility plan with five lines.", 0 },
    { "Ordered new window blinds.", 0 },
    { "Emergency contact is her daughter Sofia.", 0 },
    { "Keeps valuables in a safety deposit box.", 0 },
    { "Gas bill was higher than expected.", 0 },
    { "Order XYZ-789 is delayed.", 0 },
    { "Package was held for a customs seizure.", 0 },
    { "Works at the hospital as an accountant.", 0 },
};


typedef struct {
    elaaoms_mem_type_e   type;
    const char          *text;
    int                  identity;
} identity_case_t;

#define F  ELAAOMS_MEM_FACTUAL
#define P  ELAAOMS_MEM_PREFERENCE

static const identity_case_t  identity_cases[] = {
    /* the caller's name, the name they go by, their language */
    { F, "Caller's name is Maria Lopez.", 1 },
    { F, "The customer's full name is Dana Whitfield.", 1 },
    { F, "Her first name is Ana; last name Ruiz.", 1 },
    { F, "Introduced himself as Dr. Tom Becker.", 1 },
    { F, "Spells her surname L-O-P-E-Z.", 1 },
    { P, "Prefers to be called Mike.", 1 },
    { P, "Goes by Bobby.", 1 },
    { P, "Prefers to be addressed as Mrs. Lopez.", 1 },
    { F, "Is known as Kate.", 1 },
    { P, "Uses they/them pronouns.", 1 },
    { P, "Prefers to speak Spanish.", 1 },
    { F, "Speaks Portuguese and some English.", 1 },
    { P, "Needs a Mandarin interpreter.", 1 },
    { P, "Prefers a Spanish-speaking agent.", 1 },
    /* the language wanted, whatever for */
    { P, "The caller prefers Russian for billing calls.", 1 },
    { P, "The agent noted that the caller prefers Russian for billing "
      "calls.", 1 },
    { F, "The caller's daughter Leyla is learning Russian.", 0 },
    /* "the company" is the extractor's word for the business called */
    { P, "The caller asked whether the company have anyone who speaks "
      "Mandarin.", 1 },
    { F, "The caller's company is Acme.", 0 },
    /* a name made of other subjects' words; a title before it */
    { F, "Caller's name is Bill Grant.", 1 },
    { F, "Caller's name is Rose Page.", 1 },
    { F, "The caller goes by Ms. Tran.", 1 },
    { P, "The caller wants to be called Frank.", 1 },
    /* a wish to be phoned: no name follows */
    { P, "The caller wants to be called.", 0 },

    /* someone else's, or about something more */
    { F, "Her daughter's name is Emma.", 0 },
    { F, "Has a dog named Rex.", 0 },
    { F, "Works for a company named Acme Corp.", 0 },
    { F, "Her landlord's name is Jim.", 0 },
    { F, "Her husband speaks French.", 0 },
    { F, "The name on order XYZ-789 is misspelled.", 0 },
    { F, "Wants the name on the account changed.", 0 },
    { F, "Wants the name on the invoice corrected.", 0 },
    { F, "The caller's name is on the Bill.", 0 },
    { P, "Prefers calls in the morning.", 0 },
    { P, "Prefers that we call her in the evening.", 0 },
    { F, "Caller's email address is on file.", 0 },
    { F, "Order number XYZ-789 is the caller's latest order.", 0 },
    { P, "Interested in the budget plan.", 0 },
    { F, "Has a peanut allergy.", 0 },

    /* identity is about facts and preferences only */
    { ELAAOMS_MEM_EMOTION, "Upset that agents mispronounce her name.", 0 },
    { ELAAOMS_MEM_ISSUE, "Name is misspelled on the welcome letter.", 0 },
    { ELAAOMS_MEM_RELATIONSHIP, "Known as a loyal caller since 2019.", 0 },
};


static void
test_health_table(void)
{
    size_t       i;
    int          got;
    const char  *t;

    for (i = 0; i < sizeof(health_cases) / sizeof(health_cases[0]); i++) {
        t = health_cases[i].text;
        got = elaaoms_memory_rules_health(t, strlen(t));

        if (!unit_tap_(got == health_cases[i].health, __FILE__, __LINE__,
                       t))
        {
            printf("#   health %d, expected %d\n", got,
                   health_cases[i].health);
        }
    }
}


static void
test_identity_table(void)
{
    size_t       i;
    int          got;
    const char  *t;

    for (i = 0; i < sizeof(identity_cases) / sizeof(identity_cases[0]); i++)
    {
        t = identity_cases[i].text;
        got = elaaoms_memory_rules_identity(identity_cases[i].type, t,
                                            strlen(t));

        if (!unit_tap_(got == identity_cases[i].identity, __FILE__,
                       __LINE__, t))
        {
            printf("#   identity %d, expected %d\n", got,
                   identity_cases[i].identity);
        }
    }
}


static void
test_apply(void)
{
    const char              *t;
    elaaoms_memory_rules_t   r;

    /* raised to 8, whatever the extractor said; never lowered */
    t = "Has a severe peanut allergy.";
    elaaoms_memory_rules_apply(F, t, strlen(t), 3, &r);
    CHECK_INT_EQ(r.importance, ELAAOMS_RULES_HEALTH_IMPORTANCE);
    CHECK_INT_EQ(r.importance, ELAAOMS_MEMORY_SHAREABLE_MIN);
    CHECK(r.health);
    CHECK_INT_EQ(r.flags, 0);

    elaaoms_memory_rules_apply(ELAAOMS_MEM_ISSUE, t, strlen(t), 10, &r);
    CHECK_INT_EQ(r.importance, 10);
    CHECK(r.health);

    /* any type: an issue about a safety risk too */
    t = "Technician left exposed wires in the kitchen.";
    elaaoms_memory_rules_apply(ELAAOMS_MEM_ISSUE, t, strlen(t), 6, &r);
    CHECK_INT_EQ(r.importance, 8);

    /* identity: the flag, the importance as it was */
    t = "Caller's name is Maria Lopez.";
    elaaoms_memory_rules_apply(F, t, strlen(t), 4, &r);
    CHECK_INT_EQ(r.importance, 4);
    CHECK_INT_EQ(r.flags, ELAAOMS_MEMORY_F_IDENTITY);
    CHECK(!r.health);

    /* both */
    t = "Prefers sign language interpreters.";
    elaaoms_memory_rules_apply(P, t, strlen(t), 5, &r);
    CHECK_INT_EQ(r.importance, 8);
    CHECK_INT_EQ(r.flags, ELAAOMS_MEMORY_F_IDENTITY);

    /* neither */
    t = "Prefers email over phone calls.";
    elaaoms_memory_rules_apply(P, t, strlen(t), 6, &r);
    CHECK_INT_EQ(r.importance, 6);
    CHECK_INT_EQ(r.flags, 0);
    CHECK(!r.health);

    /* nothing to read */
    elaaoms_memory_rules_apply(F, NULL, 0, 6, &r);
    CHECK_INT_EQ(r.importance, 6);
    CHECK_INT_EQ(r.flags, 0);
    CHECK(!elaaoms_memory_rules_health(NULL, 0));
    CHECK(!elaaoms_memory_rules_identity(F, NULL, 0));
    CHECK(!elaaoms_memory_rules_identity(F, "", 0));
}


static void
test_long_text(void)
{
    size_t  i;
    char    buf[8192];

    /* words past ELAAOMS_RULES_MAX_WORDS are not read */
    buf[0] = '\0';
    for (i = 0; i < ELAAOMS_RULES_MAX_WORDS; i++) {
        strcat(buf, "word ");
    }
    strcat(buf, "allergy");
    CHECK(!elaaoms_memory_rules_health(buf, strlen(buf)));
    memcpy(buf, "wheelchair", 10);
    CHECK(elaaoms_memory_rules_health(buf, strlen(buf)));

    /* a term at the very end, and a phrase cut by the end */
    CHECK(elaaoms_memory_rules_health("hard of hearing", 15));
    CHECK(!elaaoms_memory_rules_health("hard of hearing", 12));
    CHECK(!elaaoms_memory_rules_health("gas", 3));
}


int
main(void)
{
    test_health_table();
    test_identity_table();
    test_apply();
    test_long_text();

    return UNIT_DONE("memory_rules");
}
