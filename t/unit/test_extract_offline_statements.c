/*
 * lib/extract/extract_offline: tables of caller statements and the memory
 * each must give (content, type, importance), of lines that must give
 * nothing (greetings, filler, courtesy), of a "yes" that confirms nothing
 * and of things a statement must not become.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_cases.h"


/*
 * Statements -> the memory each must give: exact content, its type and
 * importance (0: any).  One fact per memory, the caller's words kept.
 */
typedef struct {
    const char          *question;      /* the agent's line, NULL: none */
    const char          *line;
    elaaoms_mem_type_e   type;
    const char          *content;
    int                  importance;
} statement_case_t;

static const statement_case_t  statements[] = {
    /* fillers between commas go with their commas; stutters of two words */
    { NULL, "I need, like, eight hundred on Friday for a, for a down "
      "payment on a used car.", ELAAOMS_MEM_PREFERENCE,
      "The caller needs eight hundred on Friday for a down payment on a "
      "used car.", 0 },
    { NULL, "I have, you know, three dogs at home.", ELAAOMS_MEM_FACTUAL,
      "The caller has three dogs at home.", 0 },
    /* an adverb in -ly before the verb is not the verb */
    { NULL, "I specifically said no grooming.", ELAAOMS_MEM_FACTUAL,
      "The caller specifically said no grooming.", 0 },
    { NULL, "I genuinely need the van by Friday.", ELAAOMS_MEM_PREFERENCE,
      "The caller genuinely needs the van by Friday.", 0 },
    { NULL, "We want, like, two rooms.", ELAAOMS_MEM_PREFERENCE,
      "The caller said they want two rooms.", 0 },
    /* an amount or a date said again on its own joins the memory before */
    { NULL, "I need to move money into checking so rent doesn't bounce. "
      "Like, twelve hundred. $1,200.", ELAAOMS_MEM_PREFERENCE,
      "The caller needs to move money into checking so rent doesn't "
      "bounce, twelve hundred, $1,200.", 0 },
    { NULL, "I wanna send her, um, four-fifty a month. $450. Starting "
      "December first.", ELAAOMS_MEM_PREFERENCE,
      "The caller wants to send her four-fifty a month, $450, starting "
      "December first.", 0 },
    { NULL, "The showers have been broken for three weeks. Three weeks!",
      ELAAOMS_MEM_ISSUE,
      "The caller said the showers have been broken for three weeks.", 0 },
    /* who they are */
    { NULL, "My name is John Smith.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is John Smith.", 6 },
    { NULL, "hi my name is john smith and I need help", ELAAOMS_MEM_FACTUAL,
      "Caller's name is John Smith.", 6 },
    { NULL, "Hi Jordan, this is Ana Ruiz.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Ana Ruiz.", 6 },
    { NULL, "Hey, Ken Ito here.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Ken Ito.", 6 },
    { NULL, "Call me Bob.", ELAAOMS_MEM_FACTUAL, "The caller goes by Bob.", 6 },
    { NULL, "Please call me Dr. Okafor.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Dr. Okafor.", 6 },
    { NULL, "My name is Mrs. Pauline Baxter.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Mrs. Pauline Baxter.", 6 },
    { "Can I get a name for the booking?", "Put it under Okonkwo.",
      ELAAOMS_MEM_FACTUAL, "Caller's name is Okonkwo.", 6 },
    { NULL, "The account's in my name, Harold Finch.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Harold Finch.", 6 },
    { NULL, "I'm the homeowner, Priya Raman.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Priya Raman.", 6 },
    { NULL, "My last bill was way higher than usual, like $240.",
      ELAAOMS_MEM_ISSUE, "The caller's last bill was way higher than usual, "
      "like $240.", 8 },
    { NULL, "I want more than last time, maybe twelve bagels.",
      ELAAOMS_MEM_PREFERENCE, "The caller wants more than last time, maybe "
      "twelve bagels.", 0 },
    { NULL, "I ordered a sectional six weeks ago and it still hasn't "
      "shown up.", ELAAOMS_MEM_ISSUE, "The caller ordered a sectional six "
      "weeks ago and it still hasn't shown up.", 0 },
    { NULL, "That's the third delay.", ELAAOMS_MEM_ISSUE,
      "The caller said that's the third delay.", 0 },
    { NULL, "The electric account is in my name.", ELAAOMS_MEM_FACTUAL,
      "The caller said the electric account is in their name.", 0 },
    { NULL, "Someone opened a credit card in my name.", ELAAOMS_MEM_ISSUE,
      "The caller said someone opened a credit card in their name.", 9 },
    /* someone else at the caller's account, number or money; complaints
       to authorities */
    { NULL, "Somebody called pretending to be from your bank and asked for "
      "my PIN.", ELAAOMS_MEM_ISSUE, "The caller said somebody called "
      "pretending to be from your bank and asked for their PIN.", 9 },
    { NULL, "I got an email to reset my password that I didn't request.",
      ELAAOMS_MEM_ISSUE, "The caller got an email to reset their password "
      "that they didn't request.", 9 },
    { NULL, "Someone logged into my account from Russia.", ELAAOMS_MEM_ISSUE,
      "The caller said someone logged into their account from Russia.", 9 },
    /* someone on the phone claiming to be a company */
    { NULL, "Yesterday somebody called me, he said he is from the bank.",
      ELAAOMS_MEM_ISSUE, "The caller said yesterday somebody called them, he "
      "said he is from the bank.", 9 },
    /* at the door, claiming to be from an office */
    { NULL, "Yesterday a guy knocks on the door, orange vest, says he's "
      "from the city water department.", ELAAOMS_MEM_ISSUE,
      "The caller said yesterday a guy knocks on the door, orange vest, "
      "says he's from the city water department.", 9 },
    { NULL, "A fella pulls into my driveway, says he's from the gas "
      "company.", ELAAOMS_MEM_ISSUE, "The caller said a fella pulls into "
      "their driveway, says he's from the gas company.", 9 },
    { NULL, "He said he's from Ohio originally.", ELAAOMS_MEM_FACTUAL,
      "The caller said he said he's from Ohio originally.", 3 },
    /* a fake invoice */
    { NULL, "I got an email invoice saying your bank details changed.",
      ELAAOMS_MEM_ISSUE, "The caller got an email invoice saying your bank "
      "details changed.", 9 },
    { NULL, "It said I should wire it to a new account.", ELAAOMS_MEM_ISSUE,
      "The caller said it said they should wire it to a new account.", 9 },
    { NULL, "I opened a new account at my bank.", ELAAOMS_MEM_FACTUAL,
      "The caller opened a new account at their bank.", 6 },
    { NULL, "The security deposit is 500.", ELAAOMS_MEM_FACTUAL,
      "The caller said the security deposit is 500.", 5 },
    /* someone else on the caller's name or things */
    { NULL, "Someone's signed my name and used my member number.",
      ELAAOMS_MEM_ISSUE, "The caller said someone's signed their name and "
      "used their member number.", 9 },
    { NULL, "I signed the lease and used my own number.",
      ELAAOMS_MEM_FACTUAL, "The caller signed the lease and used their own "
      "number.", 6 },
    { NULL, "I came out and someone took my bike.", ELAAOMS_MEM_ISSUE,
      "The caller came out and someone took their bike.", 9 },
    { NULL, "My sister took the kids to school.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller's sister took the kids to school.", 5 },
    /* a message seen through */
    { NULL, "I did not click.", ELAAOMS_MEM_ISSUE,
      "The caller did not click.", 9 },
    { NULL, "My son says it's a trick.", ELAAOMS_MEM_ISSUE,
      "The caller's son says it's a trick.", 9 },
    { NULL, "I got a fake text about my package.", ELAAOMS_MEM_ISSUE,
      "The caller got a fake text about their package.", 9 },
    { NULL, "We put up a fake tree this year.", ELAAOMS_MEM_FACTUAL,
      "The caller said they put up a fake tree this year.", 4 },
    /* cheated before */
    { NULL, "I already got burned once.", ELAAOMS_MEM_ISSUE,
      "The caller already got burned once.", 9 },
    { NULL, "I got ripped off by a website.", ELAAOMS_MEM_ISSUE,
      "The caller got ripped off by a website.", 9 },
    { NULL, "The bag got ripped.", ELAAOMS_MEM_ISSUE,
      "The caller said the bag got ripped.", 7 },
    { NULL, "A guy called saying he was from the electric company.",
      ELAAOMS_MEM_ISSUE, "The caller said a guy called saying he was from "
      "the electric company.", 9 },
    { NULL, "Someone called me from your office about the delivery.",
      ELAAOMS_MEM_FACTUAL, "The caller said someone called them from your "
      "office about the delivery.", 0 },
    /* the name asked for is the child's, not the caller's */
    { "What's Sora's last name?", "Baek.", ELAAOMS_MEM_FACTUAL,
      "When asked what is Sora's last name, the caller said Baek.", 0 },
    { NULL, "I think someone is using my identity.", ELAAOMS_MEM_ISSUE,
      "The caller said someone is using their identity.", 9 },
    { NULL, "I'm going to file a complaint with the state.",
      ELAAOMS_MEM_ISSUE, "The caller is going to file a complaint with the "
      "state.", 9 },
    /* what every agent must know: a death, a secret, a bullied child */
    { NULL, "There's been a death in the family.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller said there's been a death in "
      "the family.", 8 },
    { NULL, "Please don't tell my husband about this appointment.",
      ELAAOMS_MEM_PREFERENCE, "The caller asked the company not to tell "
      "their husband about this appointment.", 8 },
    { NULL, "Please keep my address private.", ELAAOMS_MEM_PREFERENCE,
      "The caller asked the company to keep their address private.", 8 },
    { NULL, "My daughter is being bullied at school.", ELAAOMS_MEM_ISSUE,
      "The caller's daughter is being bullied at school.", 8 },
    { NULL, "His wedding ring is gone.", ELAAOMS_MEM_ISSUE,
      "The caller said his wedding ring is gone.", 8 },
    { NULL, "My phone is gone.", ELAAOMS_MEM_FACTUAL,
      "The caller's phone is gone.", 4 },
    { NULL, "Someone is using the parking spot.", ELAAOMS_MEM_FACTUAL,
      "The caller said someone is using the parking spot.", 3 },
    { NULL, "Someone was in my account.", ELAAOMS_MEM_ISSUE,
      "The caller said someone was in their account.", 9 },
    { NULL, "Yesterday my portal password was changed.", ELAAOMS_MEM_ISSUE,
      "The caller said yesterday their portal password was changed.", 9 },
    { NULL, "Somebody took over my phone number.", ELAAOMS_MEM_ISSUE,
      "The caller said somebody took over their phone number.", 9 },
    { NULL, "There are charges on my card I don't recognize.",
      ELAAOMS_MEM_ISSUE, "The caller said there are charges on their card "
      "they don't recognize.", 9 },
    { NULL, "I filed a complaint with the Better Business Bureau.",
      ELAAOMS_MEM_ISSUE, "The caller filed a complaint with the Better "
      "Business Bureau.", 9 },
    { NULL, "I got a suspicious text with a link saying my account was "
      "locked.", ELAAOMS_MEM_ISSUE, "The caller got a suspicious text with a "
      "link saying their account was locked.", 9 },
    { NULL, "My card was skimmed at a gas station.", ELAAOMS_MEM_ISSUE,
      "The caller's card was skimmed at a gas station.", 9 },
    { NULL, "You leaked my data.", ELAAOMS_MEM_ISSUE,
      "The caller said you leaked their data.", 9 },
    { NULL, "The debt collector keeps harassing me.", ELAAOMS_MEM_ISSUE,
      "The caller said the debt collector keeps harassing them.", 9 },
    /* no liking; a spark is a hazard */
    { NULL, "It looked like it sparked.", ELAAOMS_MEM_ISSUE,
      "The caller said it looked like it sparked.", 0 },
    { NULL, "The pedestal sparked, like a big blue flash.", ELAAOMS_MEM_ISSUE,
      "The caller said the pedestal sparked, like a big blue flash.", 0 },
    { NULL, "The dryer makes a noise like a jet engine.", ELAAOMS_MEM_ISSUE,
      "The caller said the dryer makes a noise like a jet engine.", 0 },
    { NULL, "My son ran straight to the car, like a little kid at "
      "Christmas.", ELAAOMS_MEM_FACTUAL,
      "The caller's son ran straight to the car, like a little kid at "
      "Christmas.", 0 },
    { NULL, "I got a jolt right up my arm.", ELAAOMS_MEM_ISSUE,
      "The caller got a jolt right up their arm.", 0 },
    { NULL, "The power's been out since noon.", ELAAOMS_MEM_ISSUE,
      "The caller said the power's been out since noon.", 0 },
    { NULL, "I shared my number with the agent.", ELAAOMS_MEM_FACTUAL,
      "The caller shared their number with the agent.", 0 },
    { NULL, "My husband took over the account after I got sick.",
      ELAAOMS_MEM_FACTUAL, "The caller's husband took over the account "
      "after they got sick.", 6 },
    { NULL, "I go by Liz.", ELAAOMS_MEM_FACTUAL, "The caller goes by Liz.", 6 },
    { NULL, "Most people know me as Bea.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Bea.", 6 },
    { NULL, "Please address me as Mrs. Oduya.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Mrs. Oduya.", 6 },
    { NULL, "I prefer to go by Liz.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Liz.", 6 },
    { NULL, "It's Katarzyna, Kasia for short.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Kasia.", 6 },
    { NULL, "Katarzyna Nowak. Kasia for short.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Kasia.", 6 },
    { NULL, "Just call me Bob.", ELAAOMS_MEM_FACTUAL,
      "The caller goes by Bob.", 6 },
    { "Who am I speaking with?", "You're speaking with Dana Whitfield.",
      ELAAOMS_MEM_FACTUAL, "Caller's name is Dana Whitfield.", 6 },
    { "Who am I speaking with?", "Name's Kowalski, first name Jan.",
      ELAAOMS_MEM_FACTUAL, "Caller's name is Kowalski.", 6 },
    { NULL, "Yes, that one. Can you mail it?", ELAAOMS_MEM_PREFERENCE,
      "The caller asked whether the company can mail it.", 0 },
    { NULL, "Morning, Remy Delacroix, my rental won't start.",
      ELAAOMS_MEM_FACTUAL, "Caller's name is Remy Delacroix.", 6 },
    /* a title's period ends no sentence */
    { NULL, "Our vet Dr. Patel prescribed Apoquel for the allergies.",
      ELAAOMS_MEM_FACTUAL, "The caller's vet Dr. Patel prescribed "
      "Apoquel for the allergies.", 0 },
    { NULL, "My husband Gunnar passed away this morning at St. Vincent's.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller's husband Gunnar passed away "
      "this morning at St. Vincent's.", 0 },
    /* an "-ing" word that is the subject, not an "I was" left out */
    { NULL, "Good. Opening day is April 18th.", ELAAOMS_MEM_FACTUAL,
      "The caller said opening day is April 18th.", 0 },
    /* a statement the caller checks is no question */
    { NULL, "My gate code is still 5519, right?", ELAAOMS_MEM_FACTUAL,
      "The caller's gate code is still 5519.", 0 },
    /* a street's "St." does end one */
    { NULL, "I live at 5 Oak St. My wife drives.", ELAAOMS_MEM_FACTUAL,
      "The caller lives at 5 Oak St.", 6 },
    { NULL, "I'm a teacher at Lincoln High.", ELAAOMS_MEM_FACTUAL,
      "The caller is a teacher at Lincoln High.", 6 },
    { NULL, "I live at 5 Elm Street.", ELAAOMS_MEM_FACTUAL,
      "The caller lives at 5 Elm Street.", 6 },
    { NULL, "We're moving to 18 Birch Road on the 1st of March.",
      ELAAOMS_MEM_FACTUAL, "The caller said they're moving to 18 Birch Road "
      "on the 1st of March.", 6 },

    /* health and safety, said as it was */
    { NULL, "I'm allergic to peanuts.", ELAAOMS_MEM_FACTUAL,
      "The caller is allergic to peanuts.", 7 },
    { NULL, "My daughter has a severe shellfish allergy, so please don't "
      "ever send the seafood box again.", ELAAOMS_MEM_FACTUAL,
      "The caller's daughter has a severe shellfish allergy.", 7 },
    { NULL, "My daughter has a severe shellfish allergy, so please don't "
      "ever send the seafood box again.", ELAAOMS_MEM_PREFERENCE,
      "The caller asked the company not to ever send the seafood box "
      "again.", 6 },
    { NULL, "I use a wheelchair, so the technician needs to use the side "
      "ramp.", ELAAOMS_MEM_FACTUAL, "The caller uses a wheelchair, so the "
      "technician needs to use the side ramp.", 7 },

    /* prices, products, codes, equipment: numbers and words kept */
    { NULL, "The sales rep quoted us $1,250 for 10 seats, which is $125 "
      "per seat per year.", ELAAOMS_MEM_FACTUAL,
      "The caller said the sales rep quoted them $1,250 for 10 seats, which "
      "is $125 per seat per year.", 6 },
    { NULL, "We're mostly interested in the inventory sync feature.",
      ELAAOMS_MEM_PREFERENCE, "The caller said they're mostly interested in "
      "the inventory sync feature.", 6 },
    { NULL, "Our accounting team needs the cost center code CC-4471 on every "
      "invoice because finance rejects them otherwise.", ELAAOMS_MEM_ISSUE,
      "The caller's accounting team needs the cost center code CC-4471 on "
      "every invoice because finance rejects them otherwise.", 7 },
    { NULL, "The thermostat is a Honeywell T9 and the screen keeps going "
      "blank.", ELAAOMS_MEM_ISSUE, "The caller said the thermostat is a "
      "Honeywell T9 and the screen keeps going blank.", 7 },
    { NULL, "Can I add a second line to my plan?", ELAAOMS_MEM_PREFERENCE,
      "The caller asked whether they can add a second line to their plan.",
      6 },

    /* problems and money */
    { NULL, "I was charged $49.99 twice this month.", ELAAOMS_MEM_ISSUE,
      "The caller was charged $49.99 twice this month.", 8 },
    { NULL, "There is an unauthorized charge on my card.", ELAAOMS_MEM_ISSUE,
      "The caller said there is an unauthorized charge on their card.", 9 },
    { NULL, "I think someone hacked my account.", ELAAOMS_MEM_ISSUE,
      "The caller said someone hacked their account.", 9 },
    { NULL, "I'm locked out.", ELAAOMS_MEM_ISSUE, "The caller is locked out.",
      7 },
    { NULL, "My grinder stopped working.", ELAAOMS_MEM_ISSUE,
      "The caller's grinder stopped working.", 7 },
    { NULL, "I want to cancel my subscription please.", ELAAOMS_MEM_ISSUE,
      "The caller wants to cancel their subscription.", 8 },
    { NULL, "my order number 4411 never arrived", ELAAOMS_MEM_ISSUE,
      "The caller's order number 4411 never arrived.", 7 },
    { NULL, "If this isn't fixed by Friday we're switching to Comcast.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller said if this isn't fixed by "
      "Friday they're switching to Comcast.", 8 },

    /* preferences */
    { NULL, "please don't call me before noon", ELAAOMS_MEM_PREFERENCE,
      "The caller does not want to be called before noon.", 6 },
    { NULL, "I prefer email over phone calls.", ELAAOMS_MEM_PREFERENCE,
      "The caller prefers email over phone calls.", 6 },
    { NULL, "Honestly, mornings are better than evenings.",
      ELAAOMS_MEM_PREFERENCE, "The caller prefers mornings over evenings.",
      6 },
    { NULL, "Could you text me when it's ready?", ELAAOMS_MEM_PREFERENCE,
      "The caller wants to be texted when it's ready.", 6 },
    { NULL, "I really like dark roast.", ELAAOMS_MEM_PREFERENCE,
      "The caller really likes dark roast.", 6 },
    { NULL, "I can't stand hold music.", ELAAOMS_MEM_PREFERENCE,
      "The caller cannot stand hold music.", 6 },
    { NULL, "I cannot stand hold music.", ELAAOMS_MEM_PREFERENCE,
      "The caller cannot stand hold music.", 6 },
    { NULL, "I do not like decaf.", ELAAOMS_MEM_PREFERENCE,
      "The caller does not like decaf.", 6 },
    { NULL, "I'm a big fan of your oat milk.", ELAAOMS_MEM_PREFERENCE,
      "The caller is a big fan of your oat milk.", 6 },
    { NULL, "I never check my voicemail.", ELAAOMS_MEM_FACTUAL,
      "The caller never checks their voicemail.", 0 },
    /* one word that is a cue is enough; a request is a wish */
    { NULL, "Paperless, please.", ELAAOMS_MEM_PREFERENCE,
      "The caller said paperless.", 6 },
    { NULL, "Could you move my deliveries to Friday?",
      ELAAOMS_MEM_PREFERENCE, "The caller asked whether the company could "
      "move their deliveries to Friday.", 6 },
    /* a request about someone else, who comes first */
    { NULL, "Could Fatima come from one to five instead?",
      ELAAOMS_MEM_PREFERENCE, "The caller asked whether Fatima could come "
      "from one to five instead.", 6 },
    { NULL, "Can my son pick up the prescription on Friday?",
      ELAAOMS_MEM_FACTUAL, "The caller asked whether their son can "
      "pick up the prescription on Friday.", 0 },

    /* feelings */
    { NULL, "I'm really frustrated", ELAAOMS_MEM_EMOTION,
      "The caller was frustrated.", 4 },
    { NULL, "This is unacceptable!", ELAAOMS_MEM_EMOTION,
      "The caller found the situation unacceptable.", 4 },
    { NULL, "I'm a bit teary.", ELAAOMS_MEM_EMOTION,
      "The caller was teary.", 4 },
    { NULL, "I'm touched.", ELAAOMS_MEM_EMOTION, "The caller was touched.",
      3 },
    { NULL, "I'm sorry, I get weepy.", ELAAOMS_MEM_EMOTION,
      "The caller was weepy.", 4 },
    { NULL, "I'm so proud of myself.", ELAAOMS_MEM_EMOTION,
      "The caller was proud.", 3 },
    { NULL, "I'm so relieved.", ELAAOMS_MEM_EMOTION,
      "The caller was relieved.", 3 },
    /* a feeling in set words, and with an intensifier beside it */
    { NULL, "Oh, that's a huge relief, honestly.", ELAAOMS_MEM_EMOTION,
      "The caller was relieved.", 3 },
    { NULL, "Honestly I was in tears.", ELAAOMS_MEM_EMOTION,
      "The caller was in tears.", 4 },
    { NULL, "I'm at my wits' end.", ELAAOMS_MEM_EMOTION,
      "The caller was at their wit's end.", 4 },
    { NULL, "I'm a total wreck.", ELAAOMS_MEM_EMOTION,
      "The caller was a wreck.", 4 },
    { NULL, "I'm beside myself.", ELAAOMS_MEM_EMOTION,
      "The caller was beside themselves.", 4 },
    /* angry with oneself: about no account of the call */
    { NULL, "I'm so mad at myself.", ELAAOMS_MEM_EMOTION,
      "The caller was mad at themselves.", 4 },
    /* worry that keeps one up */
    { NULL, "I am, honestly, not sleeping.", ELAAOMS_MEM_EMOTION,
      "The caller is honestly, not sleeping.", 4 },
    { NULL, "I haven't slept since the flood.", ELAAOMS_MEM_EMOTION,
      "The caller has not slept since the flood.", 4 },
    { NULL, "What a nightmare.", ELAAOMS_MEM_EMOTION,
      "The caller found the situation a nightmare.", 4 },
    { NULL, "I feel so much better now.", ELAAOMS_MEM_EMOTION,
      "The caller was feeling better.", 3 },

    /* people and history */
    { NULL, "I've been a customer for ten years", ELAAOMS_MEM_RELATIONSHIP,
      "The caller has been a customer for ten years.", 5 },
    { NULL, "I'm calling again about ticket #55120.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller has called before.", 5 },
    { NULL, "I'm calling again about ticket #55120.", ELAAOMS_MEM_FACTUAL,
      "The caller asked about ticket #55120.", 7 },
    /* a request about the thing itself */
    { NULL, "Actually, could it go on the back wall instead?",
      ELAAOMS_MEM_PREFERENCE, "The caller asked whether it could go on the "
      "back wall instead.", 6 },
    { NULL, "I'm calling back about my bill.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller has called before.", 5 },
    { NULL, "My husband handles the billing.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller's husband handles the billing.", 5 },
    { NULL, "I'm calling on behalf of my mother.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller is calling on behalf of their mother.", 5 },
    { NULL, "My landlord Mr Patel has the spare key.",
      ELAAOMS_MEM_RELATIONSHIP,
      "The caller's landlord Mr Patel has the spare key.", 5 },

    /* a short answer read with the agent's question */
    { "What is he really into right now?", "Dinosaurs.",
      ELAAOMS_MEM_FACTUAL, "When asked what is he really into right now, "
      "the caller said dinosaurs.", 0 },
    { "What does she like?", "Horses, mostly.", ELAAOMS_MEM_PREFERENCE,
      "When asked what does she like, the caller said horses, mostly.", 0 },
    { "What's the model of your router?", "It's an RX-200.",
      ELAAOMS_MEM_FACTUAL, "When asked what is the model of their router, "
      "the caller said it's an RX-200.", 0 },
    { "Can you tell me what modem you have?", "An Arris, it says SB6190 on "
      "the label.", ELAAOMS_MEM_FACTUAL, "When asked what modem they have, "
      "the caller said an Arris, it says SB6190 on the label.", 0 },
    /* the way to reach them, named again after the answer */
    { "How would you like us to reach you with updates?", "No, not texts "
      "anymore. Email.", ELAAOMS_MEM_PREFERENCE, "When asked how would they "
      "like the company to reach them with updates, the caller said "
      "email.", 0 },
    { "How would you like us to contact you?", "Call the house. The "
      "landline.", ELAAOMS_MEM_PREFERENCE, "When asked how would they like "
      "the company to contact them, the caller said the landline.", 0 },
    { "May I have your name?", "Dana Whitfield.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Dana Whitfield.", 6 },
    { "Do you have the order number?", "Yes, it's XYZ-789.",
      ELAAOMS_MEM_FACTUAL, "The caller asked about order XYZ-789.", 7 },
    { "Any allergies we should know about?", "Just shellfish.",
      ELAAOMS_MEM_FACTUAL, "When asked any allergies the company should know "
      "about, the caller said just shellfish.", 7 },
    /* someone of the caller's named to a "who": the question says why */
    { "Who signs for it?", "My brother, Joris.", ELAAOMS_MEM_RELATIONSHIP,
      "When asked who signs for it, the caller said their brother, Joris.",
      0 },
    { "Who should we send the paperwork to?", "My daughter.",
      ELAAOMS_MEM_RELATIONSHIP, "When asked who should the company send the "
      "paperwork to, the caller said their daughter.", 0 },
    { "How many seats do you need?", "Forty, maybe forty-five by spring.",
      ELAAOMS_MEM_PREFERENCE, "When asked how many seats do they need, the "
      "caller said forty, maybe forty-five by spring.", 0 },
    /* a "yes" to a yes/no question keeps the question's words */
    { "So I have you at 14 Elm Street, is that right?", "Yes.",
      ELAAOMS_MEM_FACTUAL, "When asked whether the agent has them at 14 Elm "
      "Street, the caller said yes.", 0 },
    { "Just to confirm, the delivery is for Saturday the 14th?",
      "That's right.", ELAAOMS_MEM_FACTUAL, "When asked whether the "
      "delivery is for Saturday the 14th, the caller said yes.", 0 },
    { "Would you like us to text you the confirmation?", "Yes please.",
      ELAAOMS_MEM_PREFERENCE, "When asked whether they would like the company "
      "to text them the confirmation, the caller said yes.", 0 },
    { "Okay, I can book you for Tuesday at 3, does that work for you?",
      "Perfect.", ELAAOMS_MEM_FACTUAL, "When asked whether the agent can book "
      "them for Tuesday at 3, the caller said yes.", 0 },
    { "And that was the grey three-seater, the Oslo?", "Yep, that one.",
      ELAAOMS_MEM_FACTUAL, "When asked whether that was the grey "
      "three-seater, the Oslo, the caller said yes.", 0 },
    /* what the caller adds after the "yes" of their own is the answer,
     * also after a short question back */
    { "Anything the crew should know about getting in?", "Yes. We're on "
      "the third floor, no elevator.", ELAAOMS_MEM_FACTUAL, "When asked "
      "whether anything the crew should know about getting in, the caller "
      "said yes: they're on the third floor, no elevator.", 0 },
    { "Would you like the fabric protection plan for $189?", "With the "
      "dog? Yes, absolutely.", ELAAOMS_MEM_PREFERENCE, "When asked whether "
      "they would like the fabric protection plan for $189, the caller said "
      "yes.", 0 },
    /* a value taken back is replaced where it was said */
    { "Is this on your debit card or the Visa?", "The debit card, the one "
      "ending in 7731. Sorry, no, 7713.", ELAAOMS_MEM_FACTUAL, "When asked "
      "whether this is on their debit card or the Visa, the caller said the "
      "debit card, the one ending in 7713.", 0 },
    /* what the agent notes about the caller, without a number */
    { "I've noted that you need a ground floor room.", "Thanks.",
      ELAAOMS_MEM_PREFERENCE, "The agent noted that the caller needs a "
      "ground floor room.", 0 },
    { "I'll add a note that you prefer morning deliveries.", "Great.",
      ELAAOMS_MEM_PREFERENCE, "The agent noted that the caller prefers "
      "morning deliveries.", 0 },
    /* a short "but" qualifies its clause and stays with it */
    { NULL, "We have a dog named Moose, he's friendly but he jumps.",
      ELAAOMS_MEM_FACTUAL, "The caller said they have a dog named Moose, "
      "he's friendly but he jumps.", 0 },
    /* a comparison's subject starts after "so": the reason is its own */
    { NULL, "I use a hearing aid so text is better than calling.",
      ELAAOMS_MEM_PREFERENCE, "The caller prefers text over calling.", 0 },
    { NULL, "I use a hearing aid so text is better than calling.",
      ELAAOMS_MEM_FACTUAL, "The caller uses a hearing aid so text is better "
      "than calling.", 0 },
    /* damage said with other words than "broken"; irregular pasts */
    { NULL, "The tabletop is chipped and one of the legs snapped.",
      ELAAOMS_MEM_ISSUE, "The caller said the tabletop is chipped and one of "
      "the legs snapped.", 0 },
    { NULL, "The dresser arrived with a big crack across the top.",
      ELAAOMS_MEM_ISSUE, "The caller said the dresser arrived with a big "
      "crack across the top.", 0 },
    { NULL, "The washer isn't draining since Tuesday.", ELAAOMS_MEM_ISSUE,
      "The caller said the washer isn't draining since Tuesday.", 0 },
    { NULL, "I bent over to pick up the box and hurt my back.",
      ELAAOMS_MEM_FACTUAL, "The caller bent over to pick up the box and "
      "hurt their back.", 0 },
    /* a whole name said later in the first line, and not a place */
    { NULL, "Yeah, I want to cancel. Tomasz Kowalczyk.", ELAAOMS_MEM_FACTUAL,
      "Caller's name is Tomasz Kowalczyk.", 0 },
    /* a name opening the line keeps its capital; a word does not */
    { NULL, "Yasmin needs a cello to rent for the fall.",
      ELAAOMS_MEM_PREFERENCE, "The caller said Yasmin needs a cello to rent "
      "for the fall.", 0 },
    /* the agent's question, in the order a statement has */
    { "Is it gas or electric?", "Electric.", ELAAOMS_MEM_FACTUAL,
      "When asked whether it is gas or electric, the caller said electric.",
      0 },
    { "Is everyone safe?", "Yes.", ELAAOMS_MEM_FACTUAL,
      "When asked whether everyone is safe, the caller said yes.", 0 },
    { "Is the main Nest point near the kitchen?", "It's on the counter, "
      "right next to the microwave.", ELAAOMS_MEM_FACTUAL, "When asked is "
      "the main Nest point near the kitchen, the caller said it's on the "
      "counter, right next to the microwave.", 0 },
    /* a statement said with a rising voice; a word said twice round a
     * filler */
    { NULL, "I called last week about the, uh, the thing with my card?",
      ELAAOMS_MEM_FACTUAL, "The caller called last week about the thing "
      "with their card.", 0 },
    { NULL, "He's in some trouble in, um, in Mexico, and he needs three "
      "thousand dollars for bail.", ELAAOMS_MEM_ISSUE, "The caller said "
      "he's in some trouble in Mexico, and he needs three thousand dollars "
      "for bail.", 0 },
    /* ... after a hedge or a request, with an aside after it, a clock
     * time or a number with its separators */
    { NULL, "It's at about 94,000 miles. Sorry, 97,000, I just looked.",
      ELAAOMS_MEM_FACTUAL, "The caller said it's at about 97,000 miles.", 0 },
    { NULL, "The 22nd at 2:45 works. Uh, actually, could we do 4:45?",
      ELAAOMS_MEM_FACTUAL, "The caller said the 22nd at 4:45 works.", 0 },
    { NULL, "We're thinking about 120 guests. Um, no, sorry, closer to 130 "
      "with his side.", ELAAOMS_MEM_FACTUAL,
      "The caller said they're thinking about 130 guests.", 0 },
    /* "me and my husband" is one object, no new clause */
    { NULL, "I booked a package to Lisbon for me and my husband, departing "
      "March 3rd.", ELAAOMS_MEM_FACTUAL, "The caller booked a package to "
      "Lisbon for them and their husband, departing March 3rd.", 0 },
    { NULL, "My fridge stopped cooling.", ELAAOMS_MEM_ISSUE,
      "The caller's fridge stopped cooling.", 7 },
    /* an outage in other words, a bill that jumped */
    { NULL, "Last night the power went out for two hours.",
      ELAAOMS_MEM_ISSUE, "The caller said last night the power went out "
      "for two hours.", 7 },
    { NULL, "My bill jumped to 310 this month.", ELAAOMS_MEM_ISSUE,
      "The caller's bill jumped to 310 this month.", 8 },
    /* a death or hardship: every agent should know (importance 8) */
    { NULL, "My husband passed away last month.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller's husband passed away last month.", 8 },
    { NULL, "My dad just died.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller's dad just died.", 8 },
    /* taken from a locker: every agent should know (importance 9) */
    { NULL, "When I came back the lock was cut.", ELAAOMS_MEM_ISSUE,
      "The caller said when they came back the lock was cut.", 9 },
    { NULL, "My wallet's gone.", ELAAOMS_MEM_ISSUE,
      "The caller mentioned their wallet's gone.", 9 },
    /* "I feel" and a state is a feeling, an aside between commas
       dropped; "I feel like" is an opinion; "a mess" the caller is */
    { NULL, "I actually feel, I don't know, lighter now.",
      ELAAOMS_MEM_EMOTION, "The caller actually feels lighter now.", 0 },
    { NULL, "I feel like the price is high.", ELAAOMS_MEM_PREFERENCE,
      "The caller feels like the price is high.", 0 },
    { NULL, "I'm a bit of a mess right now.", ELAAOMS_MEM_EMOTION,
      "The caller is a bit of a mess right now.", 0 },
    { NULL, "The kitchen is a mess.", ELAAOMS_MEM_FACTUAL,
      "The caller said the kitchen is a mess.", 0 },
    /* numb the caller is, not a hand gone numb */
    { NULL, "I'm kind of numb.", ELAAOMS_MEM_EMOTION,
      "The caller is kind of numb.", 0 },
    { NULL, "My fingers went numb.", ELAAOMS_MEM_FACTUAL,
      "The caller's fingers went numb.", 0 },
    /* someone missed, not a visit missed */
    { NULL, "I miss him every day.", ELAAOMS_MEM_EMOTION,
      "The caller misses him every day.", 0 },
    { NULL, "I'll miss her at the door if she comes early.",
      ELAAOMS_MEM_FACTUAL,
      "The caller will miss her at the door if she comes early.", 0 },
    /* a flaw the work left: streaks, a corrupted drive */
    { NULL, "There's streaks on the hood, like rainbow smears.",
      ELAAOMS_MEM_ISSUE,
      "The caller said there's streaks on the hood, like rainbow smears.",
      7 },
    { NULL, "At the last studio my drive got corrupted.", ELAAOMS_MEM_ISSUE,
      "The caller said at the last studio their drive got corrupted.", 7 },
    /* looking forward to something is a feeling, not a wish */
    { NULL, "I was so looking forward to it.", ELAAOMS_MEM_EMOTION,
      "The caller was so looking forward to it.", 0 },
    { NULL, "I'm looking for a new plan.", ELAAOMS_MEM_PREFERENCE,
      "The caller is looking for a new plan.", 0 },
    /* a public complaint threatened: every agent should know (9); a
       five-star review or a post seen is none */
    { NULL, "I was ready to leave a one-star review everywhere.",
      ELAAOMS_MEM_ISSUE,
      "The caller was ready to leave a one-star review everywhere.", 9 },
    { NULL, "I am still going to write a Yelp review.", ELAAOMS_MEM_ISSUE,
      "The caller is still going to write a Yelp review.", 9 },
    { NULL, "I swear I will post this all over Facebook.",
      ELAAOMS_MEM_ISSUE,
      "The caller swears they will post this all over Facebook.", 9 },
    { NULL, "I left you a five-star review on Yelp.", ELAAOMS_MEM_FACTUAL,
      "The caller left you a five-star review on Yelp.", 4 },
    { NULL, "I saw a post on Facebook about you.", ELAAOMS_MEM_FACTUAL,
      "The caller saw a post on Facebook about you.", 4 },
    /* a flaw in what was made, and its description said with a rising
       voice: no question, no liking */
    { NULL, "There's a snag in the lace on the train.", ELAAOMS_MEM_ISSUE,
      "The caller said there's a snag in the lace on the train.", 7 },
    { NULL, "Like a pulled thread, near the bottom, maybe two inches?",
      ELAAOMS_MEM_FACTUAL, "The caller said like a pulled thread, near the "
      "bottom, maybe two inches.", 0 },
    /* "passed" for a death, said of family; not a test passed */
    { NULL, "My mother, Greta, passed in January.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller's mother, Greta, passed in January.", 8 },
    { NULL, "My son passed his driving test in May.",
      ELAAOMS_MEM_RELATIONSHIP,
      "The caller's son passed his driving test in May.", 5 },
    /* ... and of the person named before */
    { NULL, "My wife, Marguerite, she painted them. She passed in December.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller's wife passed in December.",
      8 },
    { NULL, "First, good news, he passed Minnows.", ELAAOMS_MEM_FACTUAL,
      "The caller said first, good news, he passed Minnows.", 3 },
    /* the name of the person just mentioned */
    { NULL, "My neighbor is taking the keys. Her name is Dana.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller's neighbor is Dana.", 5 },
    { NULL, "My husband will sign. His name's Teodor Grigore.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller's husband is Teodor Grigore.",
      5 },
    /* someone's words passed on, unsure: no question */
    { NULL, "The vet said it might be Cushing's?", ELAAOMS_MEM_FACTUAL,
      "The caller said the vet said it might be Cushing's.", 0 },
    { NULL, "Dr. Okafor said maybe apraxia?", ELAAOMS_MEM_FACTUAL,
      "The caller said Dr. Okafor said maybe apraxia.", 0 },
    /* a reference announced, then read out in the next sentence */
    { NULL, "The member number is, hang on, I got the card right here... "
      "B-S-P, six zero three, one eight.", ELAAOMS_MEM_FACTUAL,
      "The caller's member number is B-S-P, six zero three, one eight.", 5 },
    { NULL, "The model number's on the sticker, hold on... WM3770.",
      ELAAOMS_MEM_FACTUAL, "The caller's model number is WM3770.", 5 },
    /* ... or read out at the end of the same sentence, after other words;
     * parts joined by hyphens ("two-twenty-five", "R-seventeen") */
    { NULL, "The size on the side says, hang on, I'm looking at it, "
      "two-twenty-five, sixty-five, R-seventeen.", ELAAOMS_MEM_FACTUAL,
      "The caller's size is two-twenty-five, sixty-five, R-seventeen.", 5 },
    { NULL, "The serial is, hang on, I have to find it, W-M, three seven "
      "seven zero.", ELAAOMS_MEM_FACTUAL, "The caller's serial is W-M, "
      "three seven seven zero.", 5 },
    /* harm done by the company's people, a lawyer already consulted:
     * every agent should know */
    { NULL, "Your man broke my sunroom yesterday.", ELAAOMS_MEM_ISSUE,
      "The caller said your man broke their sunroom yesterday.", 8 },
    { NULL, "My daughter's already talked to a lawyer.", ELAAOMS_MEM_ISSUE,
      "The caller's daughter's already talked to a lawyer.", 9 },
    /* a machine that died is a fault, for this agent only */
    { NULL, "Um, my washing machine died.", ELAAOMS_MEM_ISSUE,
      "The caller's washing machine died.", 7 },
    { NULL, "The battery just died on me.", ELAAOMS_MEM_ISSUE,
      "The caller said the battery just died on them.", 7 },
    { NULL, "My burr grinder died.", ELAAOMS_MEM_ISSUE,
      "The caller's burr grinder died.", 7 },
    { NULL, "We got laid off in May.", ELAAOMS_MEM_FACTUAL,
      "The caller said they got laid off in May.", 8 },
    /* a break-in, someone impaired at work, a child who wanders off:
     * safety every agent should know */
    { NULL, "Someone broke into our garage last week and took my husband's "
      "tools.", ELAAOMS_MEM_ISSUE, "The caller said someone broke into "
      "their garage last week and took their husband's tools.", 8 },
    { NULL, "One of your temps showed up drunk on Friday.", ELAAOMS_MEM_ISSUE,
      "The caller said one of your temps showed up drunk on Friday.", 8 },
    { NULL, "Our toddler Finn wanders.", ELAAOMS_MEM_FACTUAL,
      "The caller's toddler Finn wanders.", 8 },
    /* a home lost to a disaster, a family breaking up, someone of the
     * company behaving badly */
    { NULL, "Our house flooded last week.", ELAAOMS_MEM_FACTUAL,
      "The caller's house flooded last week.", 8 },
    { NULL, "We had to evacuate because of the wildfire.",
      ELAAOMS_MEM_FACTUAL, "The caller said they had to evacuate because "
      "of the wildfire.", 8 },
    { NULL, "We're going through a divorce.", ELAAOMS_MEM_RELATIONSHIP,
      "The caller said they're going through a divorce.", 8 },
    { NULL, "Your technician made inappropriate comments to my daughter.",
      ELAAOMS_MEM_ISSUE, "The caller said your technician made "
      "inappropriate comments to their daughter.", 8 },
    { NULL, "The driver yelled at my kids.", ELAAOMS_MEM_ISSUE,
      "The caller said the driver yelled at their kids.", 8 },
    /* someone kept away from the caller's own, a stranger asking for
     * money in the company's name */
    { NULL, "My ex-husband is not allowed to pick up the kids.",
      ELAAOMS_MEM_RELATIONSHIP, "The caller's ex-husband is not allowed to "
      "pick up the kids.", 8 },
    { NULL, "A guy came to the door, said he was from the gas company and "
      "needed a cash deposit.", ELAAOMS_MEM_ISSUE, "The caller said a guy "
      "came to the door, said he was from the gas company and needed a "
      "cash deposit.", 9 },
    /* feelings beyond anger and worry */
    { "How are you doing?", "Honestly I'm lonely.", ELAAOMS_MEM_EMOTION,
      "The caller was lonely.", 0 },
    { NULL, "I'm freaking out a bit.", ELAAOMS_MEM_EMOTION,
      "The caller was freaking out.", 0 },
    { NULL, "The basement floods every spring.", ELAAOMS_MEM_FACTUAL,
      "The caller said the basement floods every spring.", 6 },
    /* what the caller asks to have, and a one-word choice */
    { NULL, "Is there someone there who speaks Arabic?",
      ELAAOMS_MEM_PREFERENCE, "The caller asked whether there is someone "
      "there who speaks Arabic.", 0 },
    { NULL, "Mornings only.", ELAAOMS_MEM_PREFERENCE,
      "The caller said mornings only.", 0 },
    { NULL, "Actually, just text me.", ELAAOMS_MEM_PREFERENCE,
      "The caller asked the company to text them.", 0 },
    /* a name, then the house number and street: the address */
    { NULL, "Hi, Alistair McCaffrey, 7 Heron Point. I'd like weekly "
      "service.", ELAAOMS_MEM_FACTUAL,
      "The caller's address is 7 Heron Point.", 6 },
    /* a request taken back ("No, wait") leaves the one that replaced it */
    { NULL, "Do the 100,000-mile service. No, wait, it's not due yet. Just "
      "the oil change.", ELAAOMS_MEM_PREFERENCE,
      "The caller wants just the oil change.", 6 },
    /* "just the ...": a choice said as a thing; not with a verb */
    { "I can order both.", "Just the mats for now, the crossbars can wait.",
      ELAAOMS_MEM_PREFERENCE,
      "The caller wants just the mats for now, the crossbars can wait.", 6 },
    { NULL, "Only the kitchen is affected.", ELAAOMS_MEM_FACTUAL,
      "The caller said only the kitchen is affected.", 0 },
    /* "let's ...": the caller's decision */
    { NULL, "Let's do pavers then.", ELAAOMS_MEM_PREFERENCE,
      "The caller decided to do pavers then.", 0 },
    { NULL, "Essentials is enough. Um, actually, let's do Premium, I want "
      "cameras on the garage.", ELAAOMS_MEM_PREFERENCE,
      "The caller decided to do Premium.", 0 },
    /* an idle question gives no context */
    { "How can I help you today?", "My internet keeps dropping.",
      ELAAOMS_MEM_ISSUE, "The caller's internet keeps dropping.", 7 },
    /* how the caller feels about a thing: a feeling first */
    { NULL, "Honestly I'm pretty fed up with the price going up every "
      "year.", ELAAOMS_MEM_EMOTION,
      "The caller is pretty fed up with the price going up every year.", 0 },
    { NULL, "I'm frustrated with the delays.", ELAAOMS_MEM_EMOTION,
      "The caller is frustrated with the delays.", 0 },
    /* not when it is fraud, or no feeling at all */
    { NULL, "I'm scared someone hacked my account.", ELAAOMS_MEM_ISSUE,
      "The caller is scared someone hacked their account.", 9 },
    { NULL, "I'm not upset about the delay.", ELAAOMS_MEM_ISSUE,
      "The caller is not upset about the delay.", 0 },
    /* a number said in words is a value, as "14" is */
    { NULL, "She's fourteen now.", ELAAOMS_MEM_FACTUAL,
      "The caller said she's fourteen now.", 0 },
    { NULL, "My daughter's twenty-one.", ELAAOMS_MEM_FACTUAL,
      "The caller mentioned their daughter's twenty-one.", 0 },
    /* the privacy filter's marker keeps its closing bracket */
    { NULL, "The desk gave me the number [redacted-phone].",
      ELAAOMS_MEM_FACTUAL,
      "The caller said the desk gave them the number [redacted-phone].", 0 },
};


static void
test_statements(void)
{
    char                       text[1024];
    size_t                     k, i;
    const statement_case_t    *c;
    const elaaoms_extracted_t *it;
    elaaoms_extracted_list_t   l = { 0 };

    for (k = 0; k < sizeof(statements) / sizeof(statements[0]); k++) {
        c = &statements[k];
        extract_line(c->question, c->line, &l, text, sizeof(text));

        it = NULL;
        for (i = 0; i < l.n; i++) {
            if (l.items[i].type == c->type
                && strcmp(l.items[i].content, c->content) == 0)
            {
                it = &l.items[i];
            }
        }

        CHECK(it != NULL);
        if (it == NULL) {
            fprintf(stderr, "  want %s \"%s\"\n",
                    elaaoms_mem_type_name(c->type), c->content);
            show("from", c->line, &l);
        } else if (c->importance) {
            CHECK_INT_EQ(it->importance, c->importance);
        }

        check_shape(text, &l);
        elaaoms_extracted_free(&l);
    }
}

/* greetings, filler, courtesy and the agent's own lines: no memory */
static const char  *nothing[] = {
    "Okay.", "Thanks, bye.", "Perfect, thanks Sam.", "Hang on...",
    "Oh my goodness.", "Thank you for telling me about the letter, Hana.",
    "So, the problem.", "That's the issue.", "The second thing.",
    "Two things.", "One more question.",
    "Um, yeah.", "Great, thanks for your help.", "Hello?",
    "Sorry, can you repeat that?", "Okay, any idea how long?",
    "Fine. Thanks.", "You too, bye.", "No, that's all, thank you.",
    "Yes please.", "Oh good.", "Hi Sam.", "Sure, go ahead.",
    "Thank you so much, have a good day.", "Uh, hold on, one second.",
    NULL
};


static void
test_nothing(void)
{
    char                      text[1024];
    const char              **line;
    elaaoms_extracted_list_t  l = { 0 };

    for (line = nothing; *line; line++) {
        extract_line("Is there anything else I can help with?", *line, &l,
                     text, sizeof(text));
        CHECK_INT_EQ(l.n, 0);
        if (l.n) {
            show("nothing wanted from", *line, &l);
        }
        elaaoms_extracted_free(&l);
    }

    /* an agent line alone, however much it says */
    CHECK_INT_EQ(elaaoms_extract_offline(
        "Agent: I see you prefer email, your order XYZ-789 is late and you "
        "were charged twice.\n", &l), 0);
    CHECK_INT_EQ(l.n, 0);
    elaaoms_extracted_free(&l);
}


/* a "yes" that confirms nothing: no memory of it */
static const char  *no_confirmation[][2] = {
    { "What's the best number to reach you?", "Yes." },
    { "Is there anything else I can help with?", "Yep, that's it." },
    { "Does that make sense?", "Yes, thanks." },
    { "How can I help?", "Sure." },
    { "Do you have any pets at home?", "No." },
    { "So that's the 200 plan, right?", "Hmm, not sure." },
};


static void
test_no_confirmation(void)
{
    char                      text[1024];
    size_t                    k, i;
    elaaoms_extracted_list_t  l = { 0 };

    for (k = 0; k < sizeof(no_confirmation) / sizeof(no_confirmation[0]);
         k++)
    {
        extract_line(no_confirmation[k][0], no_confirmation[k][1], &l, text,
                     sizeof(text));
        for (i = 0; i < l.n; i++) {
            CHECK(strstr(l.items[i].content, "said yes") == NULL);
        }
        elaaoms_extracted_free(&l);
    }

    /* "Yes, a big dog" is an answer of its own, not a bare "yes" */
    extract_line("Do you have any pets at home?", "Yeah, a big dog, Max.",
                 &l, text, sizeof(text));
    CHECK_INT_EQ(l.n, 1);
    CHECK(l.n == 1 && strstr(l.items[0].content, "big dog") != NULL);
    elaaoms_extracted_free(&l);
}


/* what a line must not become: (type, words) absent */
typedef struct {
    const char          *line;
    elaaoms_mem_type_e   type;
    const char          *words;
} absent_case_t;

static const absent_case_t  absent[] = {
    /* a place or a company said alone is no name */
    { "We're moving next month. Quarry Lane.", ELAAOMS_MEM_FACTUAL,
      "name is" },
    { "I switched my insurance. Blue Cross.", ELAAOMS_MEM_FACTUAL,
      "name is" },
    /* a number opening the line is no name */
    { "One of the legs snapped.", ELAAOMS_MEM_FACTUAL, "name is" },
    /* an amount said again is no memory of its own */
    { "I need to move money into checking. Like, twelve hundred. $1,200.",
      ELAAOMS_MEM_FACTUAL, "said" },
    { "It's a Rheem water heater. Fifty gallon.", ELAAOMS_MEM_FACTUAL,
      "said fifty" },
    /* a time word opening the line is no name */
    { "Tomorrow at 10:40 please.", ELAAOMS_MEM_FACTUAL, "name is" },
    /* a street named Court is no legal matter, going out no outage */
    { "I live on Birch Court.", ELAAOMS_MEM_ISSUE, "" },
    { "We have to go out at 5.", ELAAOMS_MEM_ISSUE, "" },
    /* another person's feeling is not the caller's */
    { "He's shaken up but fine.", ELAAOMS_MEM_EMOTION, "caller was" },
    { "My mom is really worried about it.", ELAAOMS_MEM_EMOTION,
      "caller was" },
    { "I'm not working today.", ELAAOMS_MEM_ISSUE, "" },
    { "I'm not frustrated at all.", ELAAOMS_MEM_EMOTION, "" },
    { "I do like decaf.", ELAAOMS_MEM_PREFERENCE, "not like" },
    { "This is the second time, it's XYZ-789.", ELAAOMS_MEM_FACTUAL,
      "name is" },
    { "I'm a little confused.", ELAAOMS_MEM_FACTUAL, "" },
    /* a code of no known kind is no "reference": the words stay */
    { "The label says AB-12345.", ELAAOMS_MEM_FACTUAL, "reference" },
    { "I'm calling about my order, it was late.", ELAAOMS_MEM_FACTUAL,
      "Caller's name" },
    { "Hi Ray, it's Marcus from the dental office.", ELAAOMS_MEM_FACTUAL,
      "name is Ray" },
    /* a call to come is no call made before */
    { "Okay, I'll call back later.", ELAAOMS_MEM_RELATIONSHIP, "" },
};


static void
test_absent(void)
{
    char                      text[1024];
    size_t                    k, i;
    const absent_case_t      *c;
    elaaoms_extracted_list_t  l = { 0 };

    for (k = 0; k < sizeof(absent) / sizeof(absent[0]); k++) {
        c = &absent[k];
        extract_line(NULL, c->line, &l, text, sizeof(text));
        for (i = 0; i < l.n; i++) {
            if (l.items[i].type == c->type
                && strstr(l.items[i].content, c->words) != NULL)
            {
                CHECK(0);
                show("unwanted from", c->line, &l);
            }
        }
        check_shape(text, &l);
        elaaoms_extracted_free(&l);
    }

    extract_line(NULL, "The label says AB-12345.", &l, text, sizeof(text));
    CHECK(find(&l, ELAAOMS_MEM_FACTUAL, "AB-12345", NULL) != NULL);
    elaaoms_extracted_free(&l);
}


int
main(void)
{
    test_statements();
    test_nothing();
    test_no_confirmation();
    test_absent();

    return UNIT_DONE("extract_offline_statements");
}
