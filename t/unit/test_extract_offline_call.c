/*
 * lib/extract/extract_offline: rules that read more of the call than the
 * sentence they keep -- what the agent said that is the caller's to
 * remember (an instruction, a promise with a day or at no charge, the
 * caller's own provider named, options the caller chose from), the caller
 * revising a value or a day later in the call, the organization a caller
 * speaks for, and who "she" and "he" are.  Each case is a call, the
 * memory it must give (a substring of one memory) and a substring no
 * memory may hold.
 */

#include <stdio.h>
#include <string.h>

#include "extract/extract_offline.h"
#include "unit.h"


typedef struct {
    const char  *name;
    const char  *call;
    const char  *want;          /* one memory holds it, or NULL */
    const char  *want2;         /* ... and the same memory this, or NULL */
    const char  *never;         /* no memory holds it, or NULL */
} said_case_t;


static const said_case_t  cases[] = {

    /* the agent's instructions, kept once the caller has spoken */
    { "instruction with a time",
      "Caller: My beagle ate a bar of chocolate.\n"
      "Agent: Keep her crated tonight and take her to your regular vet in "
      "the morning.\n",
      "The agent told the caller to keep her crated tonight", "vet", NULL },
    { "instruction not to",
      "Caller: The basement is flooding.\n"
      "Agent: Don't touch the breaker panel until the electrician has been "
      "out tomorrow.\n",
      "The agent told the caller not to touch the breaker panel", NULL,
      NULL },
    { "instruction with a dose",
      "Caller: He has a fever.\n"
      "Agent: Give him 5 ml of the syrup every six hours.\n",
      "The agent told the caller to give him 5 ml", NULL, NULL },
    { "a courtesy is no instruction",
      "Caller: Thanks for the help.\n"
      "Agent: Call us back if you need anything. Have a great day.\n",
      NULL, NULL, "told the caller" },
    { "the greeting's advice is no instruction",
      "Agent: Please listen carefully as our menu options have changed "
      "tonight.\n"
      "Caller: Hi.\n",
      NULL, NULL, "told the caller" },
    { "a comfort is no instruction",
      "Caller: My card was declined twice.\n"
      "Agent: Don't worry, we'll sort it out before Friday.\n",
      NULL, NULL, "not to worry" },
    { "the agent's own doing is no instruction",
      "Caller: I need to change my address.\n"
      "Agent: Give me one second while I pull that up.\n",
      NULL, NULL, "told the caller" },

    /* a contraction opening the line is no name */
    { "you're, then not a name",
      "Agent: Who am I speaking with?\n"
      "Caller: You're with Comcast, right?\n",
      NULL, NULL, "Caller's name is You" },
    { "name's, then not a name",
      "Agent: Who am I speaking with?\n"
      "Caller: Name's on the account, it's under my wife.\n",
      NULL, NULL, "Caller's name is" },

    /* promises: a day, or a concession, is what makes them the caller's */
    { "promise with a day",
      "Caller: There's a stain still on my dress.\n"
      "Agent: We'll re-treat it, it'll be ready Thursday.\n",
      "re-treat it", "Thursday", NULL },
    { "promise at no charge",
      "Caller: The seam came open again.\n"
      "Agent: We'll redo the seam at no charge.\n",
      "redo the seam at no charge", NULL, NULL },
    { "a price before the promise stays with it",
      "Caller: I need a refill.\n"
      "Agent: That's $64 for the month, I've charged the card on file and "
      "it ships today.\n",
      "$64", "ships today", NULL },

    /* a slot given as a clock time, and "I'll take it" */
    { "slot as a clock time, taken",
      "Caller: I'd like to see someone today.\n"
      "Agent: We have 4:15 with Dr. Chen.\n"
      "Caller: I'll take it.\n",
      "The agent offered 4:15 with Dr. Chen, and the caller agreed", NULL,
      NULL },
    { "a count is no slot",
      "Caller: How many people work there?\n"
      "Agent: We have 3 technicians on staff.\n",
      NULL, NULL, "offered" },

    /* an estimate the agent gives, with its time */
    { "estimate with a time",
      "Caller: My power's been out since six.\n"
      "Agent: Crews estimate restoration by 3 pm.\n",
      "The agent estimated restoration by 3 pm", NULL, NULL },
    { "an estimate without a value is nothing",
      "Caller: My power's been out since six.\n"
      "Agent: I'd expect it soon.\n",
      NULL, NULL, "estimated" },

    /* the caller's own people, named by the agent */
    { "provider named after a comma",
      "Caller: She's limping.\n"
      "Agent: Take her to your regular vet, Dr. Haverkamp, tomorrow.\n",
      "The caller's regular vet is Dr. Haverkamp.", NULL, NULL },
    { "provider named without a comma",
      "Caller: I need my records sent.\n"
      "Agent: I'll send them to your accountant Marta Ruiz today.\n",
      "The caller's accountant is Marta Ruiz.", NULL, NULL },
    { "provider named after is",
      "Caller: When do you start?\n"
      "Agent: Monday. Your foreman is Mateus Ortega-Brandt. He'll call you "
      "the day before.\n",
      "The caller's foreman is Mateus Ortega-Brandt.", NULL, NULL },
    { "a time said after the answer answers the same question",
      "Agent: What's the best way and time to reach you?\n"
      "Caller: The house phone, mornings. Before eleven. After that I'm at "
      "water aerobics.\n",
      "When asked what is the best way and time to reach them, the caller "
      "said before eleven.", NULL, NULL },
    { "a time said after another matter answers nothing",
      "Agent: Any daily medications?\n"
      "Caller: Just a Zyrtec in the morning. Oh, and he sleepwalks. Not every "
      "night, but it's worse somewhere new.\n",
      "every night", NULL, "medications, the caller said not every" },
    { "another person's feeling, with who it is",
      "Agent: How is he doing?\n"
      "Caller: My son Bastian got a scam text. He's mortified.\n",
      "The caller's son Bastian is mortified.", NULL, NULL },
    { "someone's words reported with 'like' are no fact",
      "Agent: What happened?\n"
      "Caller: I typed in my password. Then my wife's like, why would the "
      "thermostat company lock your account?\n",
      "The caller typed in their password.", NULL, "wife" },
    { "a slip caught is no fact",
      "Agent: How many?\n"
      "Caller: Four of them. Wait, no, what am I saying. Six units.\n",
      "six units", NULL, "saying" },
    { "a company after the name is not part of it",
      "Agent: Thermostats, this is Renata.\n"
      "Caller: Hi Renata, it's Oluchi Onwudiwe, Onwudiwe Property Group.\n",
      "Caller's name is Oluchi Onwudiwe.", NULL, "Onwudiwe Property." },
    { "the agent confirming who replaces whom in a role",
      "Caller: Please put my sister-in-law, Grace Baek.\n"
      "Agent: Okay, Grace Baek replaces Min-ho as the emergency contact.\n",
      "The caller's emergency contact is Grace Baek.", NULL, NULL },
    { "the agent confirming who now fills a role",
      "Caller: My son handles that now.\n"
      "Agent: Got it, Tomasz Wrobel is now your primary contact.\n",
      "The caller's primary contact is Tomasz Wrobel.", NULL, NULL },
    { "the role first, then who fills it now",
      "Caller: It's my daughter now.\n"
      "Agent: Okay, your emergency contact is now Priya Nair.\n",
      "The caller's emergency contact is Priya Nair.", NULL, NULL },
    { "a thing replaced is no person in a role",
      "Caller: The old one broke.\n"
      "Agent: The new filter replaces the old filter as the main part.\n",
      NULL, NULL, "The caller's main" },
    { "the agent's person said back is not the caller's name",
      "Caller: When do you start?\n"
      "Agent: Monday. Your foreman is Mateus Ortega-Brandt.\n"
      "Caller: Mateus Ortega-Brandt, and he calls the day before.\n",
      NULL, NULL, "Caller's name is Mateus" },
    { "a role without a name is no relation",
      "Caller: I have a question.\n"
      "Agent: You should ask your doctor about that.\n",
      NULL, NULL, "The caller's doctor is" },

    /* options offered without a question mark, and the caller's pick */
    { "option chosen",
      "Caller: I need to split the bill into payments.\n"
      "Agent: We offer a three-month plan either through CareCredit or "
      "in-house.\n"
      "Caller: In-house, please.\n",
      "the caller chose in-house", "three-month plan", NULL },

    { "option chosen later in the line",
      "Caller: I need hearing aids.\n"
      "Agent: I'd recommend either the Oticon Intent 2 or the Phonak "
      "Lumity 70.\n"
      "Caller: My friend has the Oticon, she likes it very much. So the "
      "Oticon.\n",
      "the caller chose the Oticon", "Intent 2", NULL },
    { "options the agent has, chosen by name",
      "Agent: We have the Basic plan at $20 or the Premium plan at $35.\n"
      "Caller: Hmm, I think the Premium one.\n",
      "the caller chose the Premium one", "Basic plan at $20", NULL },
    { "options in two sentences; a code chosen after one declined",
      "Agent: Office 2B, four desks, $2,100 a month. Or 3F, with a window, "
      "$2,650.\n"
      "Caller: Uh, the window's tempting, but, no. 2B.\n",
      "or 3F, with a window, $2,650, the caller chose 2B", "office 2B",
      "chose the window" },
    { "the agent takes the time the caller asked for instead",
      "Caller: Hi, it's Brouwersma, for the cake going out to Millbrook.\n"
      "Agent: Yep, I've got it. Millbrook Grange Hall, 412 Old Mill Road, "
      "delivery at 2:30.\n"
      "Caller: Um, actually, could we make it earlier? Like 1:45?\n"
      "Agent: 1:45 works. Which entrance?\n",
      "delivery at 1:45 (moved from 2:30)", NULL, "delivery at 2:30" },
    { "a time said back without a change asked for moves nothing",
      "Caller: Hi, it's Brouwersma, for the cake going out to Millbrook.\n"
      "Agent: Yep, I've got it. Millbrook Grange Hall, 412 Old Mill Road, "
      "delivery at 2:30.\n"
      "Caller: Good, my sister gets there at 1:45.\n"
      "Agent: 1:45, got it.\n",
      "delivery at 2:30", NULL, "moved from" },
    { "a later clause naming no option chooses nothing",
      "Caller: I need hearing aids.\n"
      "Agent: I'd recommend either the Oticon Intent 2 or the Phonak "
      "Lumity 70.\n"
      "Caller: Let me think. My daughter will call you.\n",
      NULL, NULL, "the caller chose" },

    /* a request that only points back, and a value said back */
    { "a request pointing back says nothing",
      "Caller: I'm traveling with my service dog. Please note that.\n",
      "service dog", NULL, "to note that" },
    { "the agent's price said back joins nothing",
      "Caller: How much for the move?\n"
      "Agent: I can do $2,600 if you book by Friday.\n"
      "Caller: Okay, book it. $2,600.\n",
      "$2,600 if the caller book by Friday, and the caller agreed", NULL,
      "The caller said 2,600" },
    { "a channel verb keeps its pronoun",
      "Caller: Actually, just text me.\n",
      "The caller asked the company to text them", NULL, NULL },

    /* the caller revising a value, then a day */
    { "weight corrected with a pronoun and an aside",
      "Agent: How much does she weigh?\n"
      "Caller: About 12 kilos. Wait, no, she was 14 at her last checkup.\n",
      "about 14 kilos", NULL, "12 kilos" },
    { "day changed later in the call",
      "Caller: I'd like weekly pickup. Tuesdays work best, mornings "
      "before nine.\n"
      "Agent: Tuesdays before nine.\n"
      "Caller: Actually, make it Wednesdays, Tuesday mornings I'm at the "
      "gym.\n",
      "Wednesdays work best", NULL, "Tuesdays work best" },
    { "a day said as a fact changes nothing",
      "Caller: I work Mondays.\n"
      "Agent: Okay.\n"
      "Caller: Actually, Tuesday is my day off.\n",
      "Mondays", NULL, NULL },

    /* the organization named after the caller's name */
    { "organization after the name",
      "Caller: Hi Jess, Hannah Becker from Brightwater Logistics.\n",
      "The caller works at Brightwater Logistics.", NULL,
      "The caller said Hannah" },
    { "organization after calling",
      "Caller: Hi, it's Priya calling from Sunrise Dental about a bill.\n",
      "The caller works at Sunrise Dental.", NULL, NULL },
    { "a town is no organization",
      "Caller: Hi, this is Dana from Denver.\n",
      "Dana", NULL, "works at" },
    { "a place visited is no organization",
      "Caller: I just got back from Mercy Hospital.\n",
      "Mercy Hospital", NULL, "works at" },

    /* "she" and "he": the person or pet the caller last named */
    { "she after a named pet",
      "Caller: My beagle Pudding ate a bar of chocolate. She's eleven and "
      "she has a heart murmur.\n",
      "The caller's beagle Pudding is eleven", NULL, "The caller said she" },
    { "he after a relation, with a contraction of has",
      "Caller: I'm calling about care for my father. He's got Parkinson's "
      "and he's fallen twice.\n",
      "The caller's father has got Parkinson's", NULL, NULL },
    { "a possessive name is the person",
      "Caller: I need to move my daughter Ava's checkup. She's allergic to "
      "amoxicillin.\n",
      "The caller's daughter Ava is allergic to amoxicillin", NULL,
      "Ava's is" },
    { "she never stands for a husband",
      "Caller: My husband handles the bills. She said the invoice was "
      "wrong.\n",
      "The caller said she said", NULL, "husband said" },
    { "a clause opened by a filler, then she",
      "Caller: My wife booked it and I think she paid twice.\n",
      "The caller's wife paid twice", NULL, NULL },
    { "a title says a person, and he is that person",
      "Caller: My son can do that. Mr. Dufresne came over. He's on the "
      "landscaping committee or something.\n",
      "The caller said Mr. Dufresne is on the landscaping committee", NULL,
      "son is on the landscaping" },
    { "a title's gender: he is not Mrs. Abernathy",
      "Caller: Mrs. Abernathy is next door. He really likes her.\n",
      NULL, NULL, "Abernathy really likes" },
    { "a pronoun inside a clause stays",
      "Caller: The bill is wrong because she never ordered the upgrade, "
      "my wife I mean.\n",
      NULL, NULL, "wife never ordered" },

    /* "no, sorry" takes back what the line just said */
    { "a value taken back with its reason",
      "Agent: What's the mileage?\n"
      "Caller: Sixty-two thousand. No, sorry, that was last year's "
      "inspection, it's seventy-one thousand now.\n",
      "seventy-one thousand", NULL, "Sixty-two" },

    /* a code broken off, then said whole */
    { "a code broken off and said whole later",
      "Agent: Can I get his permit number?\n"
      "Caller: Sure, it's M4... hang on, it's in my wallet. M47-110-582.\n",
      "the caller said it's M47-110-582", NULL, "it's M4." },
    { "a code broken off at a dash of its own, and no reference of it",
      "Caller: I'm calling about my claim, the claim number is CL7... hang "
      "on, CL7-220-914.\n",
      "the claim number is CL7-220-914", NULL, "CL7." },
    { "a code broken off after a dash",
      "Caller: My order number is 44-1... sorry, 44-1093.\n",
      "order number is 44-1093", NULL, "44-1." },
    { "a code started, then said whole",
      "Agent: Can I have the account number?\n"
      "Caller: It's 7734, uh, 7734-2209-18.\n",
      "the caller said it's 7734-2209-18", NULL, "7734 7734" },
    { "a date taken back with 'actually no, make it'",
      "Agent: When would you like service to start there?\n"
      "Caller: The 29th, so there's overlap. Actually no, make it the 28th, "
      "the movers come early.\n",
      "the 28th", NULL, "29th" },
    { "the agent says what covers the caller's fault",
      "Caller: The ice maker on our fridge stopped working.\n"
      "Agent: That's covered under your protection plan through 2027. "
      "I'll set up a technician visit.\n",
      "covered under the caller's protection plan through 2027", NULL,
      NULL },
    { "one of the agent's options, said alone, is a choice",
      "Agent: I can do Monday or Tuesday.\n"
      "Caller: Tuesday.\n",
      "the caller chose Tuesday", NULL, NULL },
    { "a choice ends before the words that accept it",
      "Agent: I can do the 16th at 2:40 or the 18th at 9.\n"
      "Caller: The 16th at 2:40 works.\n",
      "the caller chose the 16th at 2:40.", NULL, "2:40 works" },
    { "a name with letters beyond ASCII, and the short name that is fine",
      "Agent: Who am I speaking with?\n"
      "Caller: Ignacio Villaseñor. Nacho is fine.\n",
      "Caller's name is Ignacio Villaseñor", NULL, NULL },
    { "the short name that is fine is the name one goes by",
      "Agent: Who am I speaking with?\n"
      "Caller: Ignacio Villaseñor. Nacho is fine.\n",
      "The caller goes by Nacho", NULL, "nacho is fine" },
    { "a name word alone after the name is the name one goes by",
      "Agent: Sashcraft, this is Hugo.\n"
      "Caller: I'd like a quote. I'm Cordelia Marchbanks. Cory, please.\n",
      "The caller goes by Cory", NULL, NULL },
    { "calling for someone, the caller's name and the one they go by",
      "Agent: Quadrant Commons, this is Jules.\n"
      "Caller: I'm his mom, Henrietta Lowenthal. Hettie.\n",
      "Caller's name is Henrietta Lowenthal.", NULL, NULL },
    { "the short name after a relationship memory",
      "Agent: Quadrant Commons, this is Jules.\n"
      "Caller: I'm his mom, Henrietta Lowenthal. Hettie.\n",
      "The caller goes by Hettie", NULL, NULL },
    { "the short name after the spelling and 'but just'",
      "Agent: Larkspur, this is Tova.\n"
      "Caller: I'm Desmond Hoogstraten, H-O-O-G-S-T-R-A-T-E-N, but just "
      "Ruud is fine.\n",
      "The caller goes by Ruud", NULL, NULL },
    { "a name ending a sentence about what one is called",
      "Agent: Who am I speaking with?\n"
      "Caller: It's Bartholomew Quist. But nobody's called me Bartholomew "
      "since school, so, Tolly.\n",
      "The caller goes by Tolly", NULL, NULL },
    { "a day said back keeps the agent's sentence that set it",
      "Caller: And the grips, Luz said June 3rd?\n"
      "Agent: Oxford just pushed those back. New date is June 17th.\n"
      "Caller: June 17th. Ugh, fine.\n",
      "The agent said: New date is June 17th.", NULL, NULL },
    { "a day chosen from two is no sentence of the agent's",
      "Caller: When can you come?\n"
      "Agent: I can do Monday the 4th or Tuesday the 5th.\n"
      "Caller: Tuesday the 5th.\n",
      NULL, NULL, "The agent said" },
    { "a word alone after a first name alone is the rest of the name",
      "Agent: Gearbrook service, Hank.\n"
      "Caller: Hank, it's Tavi. Ruelas. I just got the text that the bike's "
      "ready.\n",
      "Caller's name is Tavi Ruelas.", NULL, "goes by" },
    { "a short name with its 's: 'Bernie's fine.'",
      "Agent: Heelcraft Dog Training, this is Rosa.\n"
      "Caller: Hi. My name's Bernadette Kowalczyk, K-O-W-A-L-C-Z-Y-K. "
      "Bernie's fine.\n",
      "The caller goes by Bernie.", NULL, NULL },
    { "the name people say, after the caller's name",
      "Agent: Foldhaven Wash and Fold, this is Bea.\n"
      "Caller: Hello, dear. I'm Ottilie Brannigan. O-T-T-I-L-I-E. Most "
      "people just say Tillie.\n",
      "The caller goes by Tillie.", NULL, NULL },
    { "what people say is no name when none was given",
      "Agent: Foldhaven Wash and Fold, this is Bea.\n"
      "Caller: My son signed me up. Most people just say Foldhaven.\n",
      NULL, NULL, "goes by" },
    { "a short name with its 's after 'but', in the name's sentence",
      "Agent: Roamwright Vans, design studio, this is Sunniva.\n"
      "Caller: Hi Sunniva. My name's Cornelius Vandermolen, but Neil's "
      "fine. We just bought a Transit.\n",
      "The caller goes by Neil.", NULL, NULL },
    { "a name with 'here' later in the first line, beside an address",
      "Agent: Rainloft Irrigation, this is Colette.\n"
      "Caller: Morning, Colette. Des Ikehara here, that's I-K-E-H-A-R-A, at "
      "88 Quarry Hollow Lane.\n",
      "Caller's name is Des Ikehara.", NULL, NULL },
    { "a name whose last word is spelled out, and the short name after",
      "Agent: Purlwick Yarn, this is Delphine.\n"
      "Caller: Hi Delphine, I'd like to order some yarn. Marguerite "
      "Lindqvist, L-I-N-D-Q-V-I-S-T. Maggie.\n",
      "The caller goes by Maggie", NULL, NULL },
    { "a spelling of another word vouches for no name",
      "Agent: Purlwick Yarn, this is Delphine.\n"
      "Caller: Hi Delphine, I'd like to order some yarn. Sea Glass, "
      "L-A-C-E.\n",
      NULL, NULL, "Caller's name is" },
    { "a name ending a sentence that starts with the caller's first name",
      "Agent: VigilWren, this is Lorraine.\n"
      "Caller: My name is Yevgenia Palomares. Yevgenia is a mouthful, so "
      "Zhenya, please.\n",
      "The caller goes by Zhenya", NULL, NULL },
    { "a name ending a sentence that starts with another name is none",
      "Agent: VigilWren, this is Lorraine.\n"
      "Caller: My name is Yevgenia Palomares. Rodrigo is at work, so "
      "Marta, please.\n",
      "Caller's name is Yevgenia Palomares.", NULL, "goes by" },
    { "a name ending a sentence about something else is no name one goes "
      "by",
      "Agent: Who am I speaking with?\n"
      "Caller: It's Bartholomew Quist. I booked it with your colleague, "
      "Marta.\n",
      "Caller's name is Bartholomew Quist.", NULL, "goes by" },
    { "a whole name after the caller says they will give it",
      "Agent: Quill and Courier, this is Hollis.\n"
      "Caller: I need a notary to come to my house.\n"
      "Agent: That's exactly what we do.\n"
      "Caller: Oh, I should give you my name. Beatrix Ekdahl-Moreau. But "
      "it's Trixie. Has been since I was four.\n",
      "Caller's name is Beatrix Ekdahl-Moreau.", NULL, NULL },
    { "'it's' and a first name after the whole name is the name one goes "
      "by",
      "Agent: Quill and Courier, this is Hollis.\n"
      "Caller: I need a notary to come to my house.\n"
      "Agent: That's exactly what we do.\n"
      "Caller: Oh, I should give you my name. Beatrix Ekdahl-Moreau. But "
      "it's Trixie. Has been since I was four.\n",
      "The caller goes by Trixie", NULL, "name is Trixie" },
    { "a reference keeps what it is for when that came first, with its "
      "value",
      "Caller: You billed me $280 for two updos.\n"
      "Agent: You're right. I'm refunding $120 to your card, the reference "
      "is TR-58Q.\n",
      "The agent said: the agent is refunding $120 to the caller's card, "
      "the reference is TR-58Q.", NULL, NULL },
    { "a value said before a promise is part of it",
      "Caller: When will my things be ready?\n"
      "Agent: That pushes things a little. Your new total is $265, and "
      "it'll be ready September 24th instead of the 18th.\n",
      "new total is $265, and it'll be ready September 24th", NULL, NULL },
    { "an estimate named is no estimate made",
      "Caller: My watch stopped.\n"
      "Agent: It's an extra part, and with that the new estimate is $455.\n",
      "The agent said: the new estimate is $455.", NULL, "estimated is" },
    { "what the agent found broken inside",
      "Caller: My watch stopped.\n"
      "Agent: So I opened it up, and the balance staff is broken, that's "
      "the little axle the balance wheel sits on.\n",
      "The agent found: So the agent opened it up, and the balance staff "
      "is broken", NULL, NULL },
    { "a quantity opening a line is no name",
      "Agent: I'd say by March 20th.\n"
      "Caller: Good. Plenty of time before Felix's graduation.\n",
      "plenty of time before Felix's graduation", NULL, "name is" },
    { "'he' after a name that something happened to",
      "Agent: What happened?\n"
      "Caller: One of the neighbor kids, Jonah, he hit his head on the "
      "ground. His parents took him to the ER. He has a mild concussion.\n",
      "Jonah has a mild concussion.", NULL, NULL },
    { "a name said alone after the person joins what was said of them",
      "Agent: Who is allowed to pick him up?\n"
      "Caller: Only me and my dad. Walt. Walt Pettibone. He'll usually get "
      "him on Wednesdays.\n",
      "the caller said only them and their dad, Walt Pettibone.", NULL,
      "Caller's name is Walt" },
    { "... and 'he' is that person next",
      "Agent: Who is allowed to pick him up?\n"
      "Caller: Only me and my dad. Walt. Walt Pettibone. He'll usually get "
      "him on Wednesdays.\n",
      "Walt Pettibone will usually get him on Wednesdays", NULL, NULL },
    { "a name said alone after 'there's my sister'",
      "Agent: And who else lives there?\n"
      "Caller: Well, there's my sister. Odile. She works nights.\n",
      "Odile", "sister", "Caller's name is Odile" },
    { "a name said alone after a sentence about the person",
      "Agent: Who should we list if we can't reach you?\n"
      "Caller: My daughter, Juniper. She's twenty-four, she's going to "
      "start helping on the truck. Juniper Thackeray-Low.\n",
      "The caller's daughter is Juniper Thackeray-Low.", NULL,
      "Caller's name is Juniper" },
    { "... not when the person has a name already",
      "Agent: How can I help?\n"
      "Caller: My wife Beatrix booked it. She's been so busy. Burlington "
      "Northern.\n",
      NULL, NULL, "Beatrix is Burlington" },
    { "'he' after 'my ex-husband' is him, not the child named before",
      "Agent: Anything else?\n"
      "Caller: Jasper's dad, my ex-husband, Declan Moorcroft. There's a "
      "protective order. He is not allowed to pick Jasper up, ever.\n",
      "The caller's ex-husband is not allowed to pick Jasper up", NULL,
      "Jasper is not allowed" },
    { "one word of the state things are in joins the sentence before",
      "Agent: What happened?\n"
      "Caller: Your crew said they'd cover the hydrangeas. Well, half of "
      "them are brown now. Dead.\n",
      "half of them are brown now, dead.", NULL, "said dead" },
    { "... only when that sentence gave a memory",
      "Agent: Everyone okay?\n"
      "Caller: Yes, my guy Tomas was driving, he's fine, a little scared. "
      "The tire is... shredded.\n",
      "a little scared", NULL, "scared, shredded" },
    { "... and a word of agreement is none",
      "Agent: Tuesday at nine?\n"
      "Caller: I'll take the Tuesday. Agreed.\n",
      "Tuesday", NULL, "Tuesday, agreed" },
    { "a name answering who someone else is is not the caller's",
      "Agent: So HM-48K-207. And do you know who your adjuster is?\n"
      "Caller: Tobias Vandersloot. He's coming out the 18th.\n",
      "When asked whether they know who their adjuster is, the caller said "
      "Tobias Vandersloot.", NULL, "Caller's name is" },
    { "'it's now' in the second sentence answers the question",
      "Agent: I'll keep the allergy note on the account. Same gate code?\n"
      "Caller: No, we changed it, sorry. It's now seven-seven-C. 77C.\n",
      "When asked same gate code, the caller said it's now seven-seven-C",
      NULL, NULL },
    { "'she' after Dad died is not Dad",
      "Agent: Tell me about the house.\n"
      "Caller: Nobody opened the garage since Dad died in 2009. She had a "
      "piano, an old upright.\n",
      NULL, NULL, "Dad had" },
    { "what the agent offered, taken: the caller's choice",
      "Agent: Solveig doesn't work Sundays. Darnell does Sundays.\n"
      "Caller: Darnell's fine. Can you pass along my notes?\n",
      "The caller chose Darnell.", NULL, NULL },
    { "the agent's product said back alone: chosen",
      "Caller: What do you recommend?\n"
      "Agent: A lot of folks with dogs go with HarborCore XL. There's a "
      "color called Driftwood Ash that's really popular.\n"
      "Caller: Ooh, Driftwood Ash. Yeah, I saw that one on your website.\n",
      "The caller chose Driftwood Ash.", NULL, NULL },
    { "a word of the agent's asked back: the agent's sentence holding it",
      "Agent: When we pulled back the old stuff by the hatch, it's "
      "vermiculite. A lot of vermiculite from that era has asbestos in it.\n"
      "Caller: Asbestos? Oh my God. Mateo's room is right under there.\n",
      "The agent said: A lot of vermiculite from that era has asbestos in it.",
      NULL, "asked" },
    { "a word asked back: its sentence only, not the question before it",
      "Agent: Did you see the attic? The old stuff up there has asbestos in "
      "it.\n"
      "Caller: Asbestos? Oh my God.\n",
      "The agent said: The old stuff up there has asbestos in it.", NULL,
      "attic" },
    { "a value asked back that a memory holds: nothing more",
      "Agent: The tech's got it down for Tuesday, April 21st now.\n"
      "Caller: The 21st? Oh, no. I'm at my wit's end.\n",
      "April 21st", NULL, "asked" },
    { "the agent's own name said back is no choice",
      "Agent: Hi, this is Dana Park at Lumen.\n"
      "Caller: Hi Dana Park.\n",
      NULL, NULL, "chose" },
    { "one of the agent's choices, taken",
      "Agent: Can you come out or should I explain over the phone?\n"
      "Caller: Phone's fine, I'm on the couch.\n",
      "The caller chose phone.", NULL, NULL },
    { "a thing the agent asks about, fine, is no choice",
      "Agent: Anything about access? Parking, a lockbox, pets?\n"
      "Caller: Parking's fine, use the driveway.\n",
      "use the driveway", NULL, "chose" },
    { "where a name comes from is no name one goes by",
      "Agent: Can I get your name?\n"
      "Caller: Marisol Etxeberria. That's E-T-X, E-B-E, double R, I-A. "
      "It's Basque. Most people just call me Mari.\n",
      "The caller goes by Mari.", NULL, "Basque" },
    { "a nickname that is also a people's name is still a nickname",
      "Agent: Ridgerail Fence, this is Marty.\n"
      "Caller: It's Cornelis van der Berg, but everyone calls me Dutch.\n",
      "The caller goes by Dutch", NULL, NULL },
    { "a hyphenated word alone is no name one goes by",
      "Agent: Ridgerail Fence, this is Marty.\n"
      "Caller: Hey Marty, it's Dutch Zwanenburg. They want it stained, "
      "it's called Driftwood Gray. Semi-transparent.\n",
      "Caller's name is Dutch Zwanenburg.", NULL, "Semi-transparent" },
    { "the first name said again is no other name",
      "Agent: Who's calling?\n"
      "Caller: Henrietta Lowenthal. Henrietta.\n",
      "Caller's name is Henrietta Lowenthal.", NULL, "goes by" },
    { "an agent's reference for someone the caller calls for",
      "Caller: My father needs care.\n"
      "Agent: Your father's intake number is LH-30852.\n",
      "intake number is LH-30852", NULL, NULL },
    { "a name said as a subject is who 'she' is next, not 'my wife'",
      "Agent: How many passes?\n"
      "Caller: Me, my wife Sabine, and the two kids. Olivier's eleven and "
      "Margaux is, uh, she's seven. No, hang on, she turned eight in "
      "September.\n",
      "Margaux turned eight", NULL, "Sabine turned" },
    { "the latest subject, not a place said as one before it",
      "Agent: We have Tuesdays open at our Tamworth Road branch.\n"
      "Caller: Okay, Tamworth is close to us. Leyla has epilepsy. She takes "
      "medication.\n",
      "Leyla takes medication", NULL, "Tamworth takes" },
    { "'my wife' stays who 'she' is without a name after her",
      "Agent: Who's on the account?\n"
      "Caller: My wife Sabine. She's the one who pays.\n",
      "The caller's wife Sabine is the one who pays", NULL, NULL },
    { "an agent's number of any kind, with a code after it",
      "Caller: The tank's leaking, I shut the valve.\n"
      "Agent: I'm dispatching Boyd. Your leak call number is LK-5520.\n",
      "The caller's leak call number is LK-5520.", NULL, NULL },
    { "an agent's two-word kind, with a code after it",
      "Caller: Okay, the payment plan then.\n"
      "Agent: Your financial agreement number is FA-2291.\n",
      "financial agreement number is FA-2291", NULL, NULL },
    { "a ticket the agent is still opening",
      "Caller: It works now.\n"
      "Agent: I'm still opening a service ticket so a tech can check the "
      "sensors, it's SV-82264.\n",
      "SV-82264", NULL, NULL },
    { "the name and the name one goes by, in one sentence: both",
      "Agent: How can I help?\n"
      "Caller: I'm Marisol Vantongeren, everybody calls me Sol.\n",
      "Caller's name is Marisol Vantongeren.", NULL, NULL },
    { "the name one goes by, said after the name",
      "Agent: How can I help?\n"
      "Caller: I'm Marisol Vantongeren, everybody calls me Sol.\n",
      "The caller goes by Sol.", NULL, NULL },
    { "a name alone answering about a pet is who 'she' is next",
      "Caller: We're four, me, my wife Noreen and the kids. And the dog.\n"
      "Agent: And the dog, what kind?\n"
      "Caller: Tansy. She's a border collie.\n",
      "The caller said Tansy is a border collie.", NULL, NULL },
    { "a street address said later in the answer",
      "Agent: And the new address?\n"
      "Caller: It's a house, our first house actually. 2291 Fenwhistle "
      "Avenue. We close on the 29th.\n",
      "When asked the new address, the caller said 2291 Fenwhistle Avenue",
      NULL, NULL },
    { "the doctor the agent names as the caller's primary",
      "Caller: It's about my referral.\n"
      "Agent: I'll request a new one from your primary, Dr. Achebe's "
      "office.\n",
      "The caller's primary is Dr. Achebe.", NULL, "Achebe's" },
    { "the name's X",
      "Agent: Thanks for calling.\n"
      "Caller: Hi. The name's Prewitt, order OH-573196.\n",
      "Caller's name is Prewitt.", NULL, NULL },
    { "a number said before is no broken code",
      "Caller: I'm 45. My PIN is 4512.\n",
      "The caller is 45", NULL, "The caller is 4512" },

    { "under a place, to a question about no name",
      "Agent: Where should the driver leave it?\n"
      "Caller: Just put it under Gate B, by the loading dock.\n",
      "Gate B", NULL, "Caller's name" },
    { "whose, not who",
      "Caller: Yeah, hi, I'm Kemi's dad. I'm calling about her lessons.\n",
      "The caller is Kemi's dad", NULL, "Caller's name is Kemi" },

    /* a person named without "my", in a phrasing that says whose */
    { "the child of a parent who calls",
      "Caller: Hi, Renata Oyelowo, Kemi's mom. She's running a fever "
      "since lunch.\n",
      "The caller said Kemi is running a fever", NULL, "Oyelowo is" },
    { "a name with the person's role",
      "Caller: Desmond, our office manager, does the ordering. He wants "
      "the invoices emailed.\n",
      "The caller said Desmond wants the invoices emailed", NULL, NULL },
    { "a pet's name after its kind",
      "Caller: We have a cat, Miso. She hides under the bed when "
      "strangers come.\n",
      "The caller said Miso hides under the bed", NULL, NULL },
    { "someone to check with",
      "Caller: I'll have to check with Ibrahim. He keeps the receipts.\n",
      "The caller said Ibrahim keeps the receipts", NULL, NULL },
    { "a city is nobody",
      "Caller: We're driving to Denver on Friday. She gets carsick.\n",
      NULL, NULL, "Denver gets" },
    { "a greeted name is the caller's own",
      "Caller: Hi, Marcus Bell, Theo's dad. He lost his retainer.\n",
      "The caller said Theo lost his retainer", NULL, "Bell lost" },
    { "a product is nobody",
      "Caller: We ordered the Harvest Bowl kit. She loved it.\n",
      NULL, NULL, "Bowl loved" },
    { "a relation named with my wins over a product after it",
      "Caller: My son Tobias ate the Lemon Herb Salmon. He started "
      "wheezing.\n",
      "The caller's son Tobias started wheezing", NULL, NULL },
};


static int
holds(const elaaoms_extracted_list_t *l, const char *w1, const char *w2)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        if (strstr(l->items[i].content, w1) != NULL
            && (w2 == NULL || strstr(l->items[i].content, w2) != NULL))
        {
            return 1;
        }
    }

    return 0;
}


int
main(void)
{
    size_t                    c, i;
    int                       ok;
    const said_case_t        *t;
    elaaoms_extracted_list_t  l = { 0 };

    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        t = &cases[c];

        CHECK_INT_EQ(elaaoms_extract_offline(t->call, &l), 0);

        ok = 1;
        if (t->want) {
            ok &= holds(&l, t->want, t->want2);
            CHECK(holds(&l, t->want, t->want2));
        }
        if (t->never) {
            ok &= !holds(&l, t->never, NULL);
            CHECK(!holds(&l, t->never, NULL));
        }

        if (!ok) {
            printf("# %s:\n", t->name);
            for (i = 0; i < l.n; i++) {
                printf("#   %s\n", l.items[i].content);
            }
        }

        elaaoms_extracted_free(&l);
    }

    return UNIT_DONE("extract_offline_call");
}
