/*
 * The type and importance of a caller's statement (see extract_offline.h):
 * one table of cue patterns (elaaoms_xo_match() syntax), each naming the
 * memory type and importance it stands for.  A statement takes the most
 * important cue it holds (the first in the table on a tie); without one
 * it is factual, of importance ELAAOMS_XO_IMP_DETAIL when it holds a
 * number or code, ELAAOMS_XO_IMP_STATEMENT when the caller speaks of
 * themselves, ELAAOMS_XO_IMP_MINOR otherwise.  A request to the company
 * ("can you move my deliveries to Friday?") is a preference unless a
 * cue above ELAAOMS_XO_IMP_PREFERENCE says more.
 *
 * The vocabulary is call-center English in general -- money, faults,
 * health, people, plans -- not any one company's products.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "extract/extract_offline_internal.h"


typedef struct {
    const char          *pat;
    elaaoms_mem_type_e   type;
    int                  importance;
    const char          *unless;       /* not when this matches there too;
                                          "<..": matches the word before */
    const char          *near;         /* only with this in the clause too */
    unsigned             negatable:1;  /* not when negated ("not upset") */
    unsigned             thing:1;      /* not when the caller is the
                                          subject ("I'm not working") */
} xo_cue_t;

#define XO_ISSUE     ELAAOMS_MEM_ISSUE
#define XO_FACT      ELAAOMS_MEM_FACTUAL
#define XO_PREF      ELAAOMS_MEM_PREFERENCE
#define XO_FEEL      ELAAOMS_MEM_EMOTION
#define XO_REL       ELAAOMS_MEM_RELATIONSHIP


/* things said to die: "my washing machine died", "the battery died" */
#define XO_MACHINES                                                           \
    "machine|washer|dryer|fridge|freezer|dishwasher|oven|stove|phone|"       \
    "cellphone|battery|batteries|car|truck|van|engine|motor|laptop|"        \
    "computer|tablet|tv|printer|router|modem|generator|furnace|heater|"     \
    "boiler|pump|compressor|thermostat|unit|mower|alarm|camera|remote|"     \
    "screen|charger|radio|headset|scooter|bike|grinder|blender|mixer|"      \
    "kettle|microwave|toaster|vacuum|dehumidifier|humidifier|speaker|"     \
    "watch|clock|drill|trimmer|blower|controller|console|keyboard|"        \
    "monitor|fan|pc|ipad|iphone|device|sensor|bulb|timer|doorbell|opener|" \
    "cpap|aid|aids|wheelchair|stairlift|tank|meter|inverter|television|"   \
    "wifi|internet|signal|app|it|thing"


/* what the caller can feel ("frustrated", "relieved") */
#define XO_FEELINGS_BAD                                                       \
    "frustrat*|annoy*|disappoint*|upset|angry|furious|livid|fuming|mad|"     \
    "worried|anxious|stressed|scared|terrified|afraid|shaken|shaking|"       \
    "nervous|sad|unhappy|fed|confused|panicky|jittery|lonely|grieving|"      \
    "depressed|miserable|hopeless|freaking|freaked|heartbroken|devastated|"  \
    "overwhelmed|mortified|humiliated|ashamed|embarrassed|exhausted|"        \
    "gutted|crushed|rattled|distraught|horrified|discouraged|defeated|"      \
    "drained|teary|tearful|weepy"
#define XO_FEELINGS_GOOD                                                      \
    "happy|pleased|glad|relieved|thrilled|delighted|grateful|impressed|"     \
    "satisfied|proud"

/* words between the caller and the feeling: "I'm really pretty fed up" */
#define XO_FEELING_ADV                                                        \
    "so|really|pretty|very|super|just|kinda|totally|absolutely|completely|"  \
    "quite|getting|a|bit|little|kind|of|honestly"

/*
 * The caller says how they feel about something ("I'm frustrated with
 * the delays", "I'm pretty fed up with the price"): a feeling first,
 * whatever cue the thing it is about gives
 */
static const char  *xo_feeler[] = {
    "i'm|im " XO_FEELING_ADV "? " XO_FEELING_ADV "? " XO_FEELING_ADV "? "
    XO_FEELINGS_BAD "|" XO_FEELINGS_GOOD,
    "i am|feel|felt|was " XO_FEELING_ADV "? " XO_FEELING_ADV "? "
    XO_FEELING_ADV "? " XO_FEELINGS_BAD "|" XO_FEELINGS_GOOD,
    "i've been " XO_FEELING_ADV "? " XO_FEELING_ADV "? " XO_FEELINGS_BAD "|"
    XO_FEELINGS_GOOD,
    NULL
};


static const xo_cue_t  xo_cues[] = {

    /* security, fraud, legal threats */
    { "hacked|compromised|fraud|fraudulent|scam|scammed|scammer*|phishing|"
      "stolen|stole|impersonat*", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, NULL, 0, 0 },
    { "identity theft", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "unauthorized|unauthorised|unrecognized|unrecognised|unknown "
      "charge*|transaction*|payment*|purchase*|account*|line*|login*",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "unauthorized|unauthorised", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, NULL, 0, 0 },
    { "never|didn't|did not? ordered|order|authorized|authorised|authorize|"
      "authorise|opened|open|signed|sign|made|make", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, "didn't|did not? make it", NULL, 0, 0 },
    /* "someone opened a card in my name", not "the account's in my name" */
    { "in my name", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "someone|somebody|opened|open|took|taken|without|fraud*|stole*|"
      "stolen|scam*|never|didn't|unauthori*", 0, 0 },
    /* someone else at the caller's account, number or money */
    { "pretending|pretended|claiming|claimed|posing|posed to? be|as",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "didn't|never|not request|requested|ask|asked|initiate|initiated",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, "password*|reset|code|codes|"
      "pin|otp|verification|login|transfer*|withdrawal*|loan|card|cards",
      0, 0 },
    { "someone|somebody|stranger|hacker|hackers logged|accessed|got|broke|"
      "changed|used", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "account|accounts|login|password|email|card|number|phone", 0, 0 },
    /* "someone is using my identity", "somebody's been using my card" */
    { "someone|somebody|someone's|somebody's|stranger|hacker|hackers "
      "is|was|has|been|had? been? using", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, "identity|name|account|accounts|card|cards|number|ssn|login|"
      "email|address", 0, 0 },
    /* "someone's signed my name and used my member number" */
    { "someone|somebody|someone's|somebody's|stranger has|had? "
      "signed|forged|used|charged", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "name|names|signature|account|card|number|membership|identity|"
      "details", 0, 0 },
    /* theft: "someone took it", "a thief" (a break-in is below) */
    { "someone|somebody|stranger took|swiped|nicked|pinched|snatched|"
      "lifted|grabbed it|my|our|his|her|the|them", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "thief|thieves|mugged|shoplifted", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, NULL, 0, 0 },
    /* "the lock was cut", "my wallet's gone": taken from a locker, a car */
    { "lock|locks|padlock|padlocks was|were|got|been cut|smashed|pried|"
      "busted|forced", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "wallet's|purse's|handbag's gone|missing", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "wallet|purse|handbag is|was|got gone|missing|taken", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    /* the company's security people on it ("I'm filing a security report,
       SEC-5203"), not a security deposit or question */
    { "security report|incident|breach|alert|team|investigation", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    /* a message the caller saw through: "I did not click", "my daughter
       says it's a trick", "a fake text" */
    { "didn't|never|don't|won't click|clicked|tap|tapped", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "did|do|will not click|clicked|tap|tapped", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "it's|that's|was|is a trick|con|hoax|setup|racket", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "fake|bogus|phony|phoney|spoofed", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, "call|calls|email|emails|text|texts|message|messages|link|"
      "links|website|site|letter|invoice|invoices|number|caller|check|"
      "cheque|page|account|profile|app|charge|charges", 0, 0 },
    /* "somebody called me, he said he is from the bank": a caller
     * claiming to be from a company, reported as such */
    { "someone|somebody|stranger|guy|man|woman|lady called|phoned|texted|"
      "emailed|rang|messaged", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "he|she|they|he's|she's|they're|saying|claiming|said is|was|were|"
      "are|said? from", 0, 0 },
    /* "a guy knocks on the door ... says he's from the city water
     * department": someone claiming to be from a company or office */
    { "says|said|claims|claimed|claiming he's|she's|they're|he|she|they "
      "is|was|were|are? from", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "guy|man|woman|lady|someone|somebody|stranger|person|door|knocked|"
      "knocks|text|texts|email|emails|letter|call|called|caller|fella|"
      "fellow|gentleman|driveway|pulls|pulled|showed|truck|van|pickup",
      0, 0 },
    /* a fake invoice: "saying your bank details changed", "wire it to a
     * new account" */
    { "bank|banking|payment|account|remittance details|info|information|"
      "number changed|have|has|had", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, "email|emails|invoice|invoices|letter|text|message|saying|said|"
      "says", 0, 0 },
    { "to a|the new account|bank", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "wire|wired|transfer|transferred|send|sent|pay|paid", 0, 0 },
    /* the agent's security case: "I'm opening a security case, KS-2950" */
    { "security case|alert|freeze|incident|breach|lock|flag|hold", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    /* the caller cheated before: "I already got burned once", "I got
     * ripped off by a website" */
    { "got|been|was|were|get ripped off", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, NULL, 0, 0 },
    { "got|been|was|were|get conned|swindled|duped|cheated", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "got|been burned|burnt once|before|twice|again", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    /* "someone was in my account", "somebody got into my email" */
    { "someone|somebody|stranger|hacker|hackers was|were|been|got|gotten|"
      "is in|into", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "account|accounts|login|password|email|profile|portal", 0, 0 },
    /* "my portal password was changed": not by the caller, who calls */
    { "password|passcode|passwords was|were|got|been changed|reset",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "someone|somebody|stranger|hacker|hackers|scammer|scammers has? "
      "took|taken|hijacked|hijack", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, "account|number|phone|line|email|profile", 0, 0 },
    { "sim swap*|swapped", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL,
      0, 0 },
    { "don't|didn't|not|never recognize|recognise|recognized|recognised",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, "charge*|transaction*|"
      "payment*|purchase*|login*|device*|withdrawal*|transfer*", 0, 0 },
    { "suspicious", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, "call|calls|"
      "email|emails|text|texts|message*|login*|activity|charge*|"
      "transaction*|link|links|website|letter", 0, 0 },
    { "breach|breached|skimmed|skimmer|cloned|forged|forgery|counterfeit|"
      "harass*|extort*|blackmail*", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      NULL, NULL, 0, 0 },
    { "leaked|exposed|sold my|our? data|information|details|records"
      "|address|number", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0,
      0 },
    { "to|contact|contacting|call|calling the? press|media|news|reporter|"
      "reporters|journalist*", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      NULL, 0, 0 },
    { "lawsuit|sue|suing|police|"
      "chargeback|chargebacks|charge-back|bbb|ombudsman|regulator|"
      "regulators|cfpb|ftc|fcc", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      NULL, 0, 0 },
    /* a lawyer brought in ("I'm calling my lawyer", "my attorney will be
       in touch"), not one who drew up papers or a power of attorney */
    { "lawyer|lawyers|attorney|attorneys", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, "<of|closing|estate|power",
      "talk|talking|call|calling|called|contact|contacting|get|getting|"
      "hire|hiring|involve|involved|consult|consulting|speak|speaking|"
      "court|looking|will|letter|threaten*|going|gonna|if|unless|dispute|"
      "case|touch|talked|spoke|spoken|consulted|contacted|hired|retained",
      0, 0 },
    /* legal action, not a legal name or guardian */
    { "legal", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY,
      "legal name|names|guardian|guardians|age|tender|pad|size|holiday|"
      "holidays|documents|papers|form|forms", NULL, 0, 0 },
    /* who may act for the caller: every agent should know */
    { "power of attorney", XO_REL, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0,
      0 },
    { "poa", XO_REL, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "better business bureau", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      NULL, 0, 0 },
    /* a public complaint threatened or made: "I'm going to write a Yelp
       review", "ready to leave a one-star review everywhere", "I'll post
       it all over Facebook"; not a five-star review */
    { "one-star|1-star|zero-star|two-star|bad|negative|nasty|terrible|"
      "awful|scathing review|reviews|rating|ratings", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "yelp|tripadvisor|trustpilot|google review|reviews", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, "write|writing|wrote|leave|leaving|"
      "left|post|posting|posted|put|putting|review|reviews|everyone|"
      "everybody|gonna|going|will", 0, 0 },
    { "go|going|went public", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL,
      0, 0 },
    { "post|posting|posted|put|putting it|this|that|them|you|everything? "
      "all? over|on facebook|instagram|tiktok|twitter|nextdoor|reddit|"
      "social", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, "<a|the|saw|your|their|"
      "his|her|that|this", NULL, 0, 0 },
    /* "I'm going to file a complaint with the state" */
    { "complaint|complaints with|to the? state|city|county|government|"
      "regulator|regulators|commission|board|agency|department",
      XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "attorney|attorney's general|general's", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "consumer protection|affairs|ombudsman|commission", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "trading standards", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL,
      0, 0 },
    /* a court, not "Birch Court" */
    { "court date|case|order|hearing|summons|action", XO_ISSUE,
      ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "small claims", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },
    { "to|in court", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL, NULL, 0, 0 },

    /*
     * what every agent should know before speaking: a death in the
     * family, hardship, a vulnerable caller
     */
    { "passed away|on", XO_REL, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0,
      0 },
    /* "my mother, Greta, passed in January": not "passed the test",
       "passed me the phone", "passed out" */
    { "passed", XO_REL, ELAAOMS_XO_IMP_SENSITIVE,
      "passed the|a|an|by|through|along|out|over|it|that|this|my|our|your|"
      "his|her|their|me|us|him|them|inspection|test|exam|everything",
      "mother|father|mom|mum|dad|husband|wife|son|daughter|brother|sister|"
      "grandma|grandpa|grandmother|grandfather|aunt|uncle|partner|cousin|"
      "nephew|niece|fiance|fiancee", 1, 0 },
    /* "My wife, Marguerite ... She passed in December.": a person who
       passed at a time ("he passed Minnows" is a swim level) */
    { "she|he passed in|last|recently|suddenly|peacefully|yesterday|one|"
      "two|three|four|five|six|seven|eight|nine|ten|#", XO_REL,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "widow|widowed|widower|funeral|bereave*|deceased|estate",
      XO_REL, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    /* not a machine's death ("my washing machine died", "the battery
       just died") nor one taken back ("well, not died, it won't drain") */
    { "died", XO_REL, ELAAOMS_XO_IMP_SENSITIVE,
      "<" XO_MACHINES "|just|finally|already|totally|completely", NULL, 1,
      0 },
    { "just|finally|already|totally|completely died", XO_REL,
      ELAAOMS_XO_IMP_SENSITIVE, "<" XO_MACHINES, NULL, 1, 0 },
    /* ... which is a fault */
    { "died", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, XO_MACHINES, 1, 0 },
    { "death|deaths in the|our|my family", XO_REL, ELAAOMS_XO_IMP_SENSITIVE,
      NULL, NULL, 0, 0 },
    /* what no agent may let out: "don't tell my husband about this",
     * "keep my address private" */
    { "don't|dont|not tell|inform|mention|discuss", XO_PREF,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, "husband|wife|ex|ex-husband|ex-wife|"
      "partner|boyfriend|girlfriend|parents|mother|father|mom|dad|family|"
      "anyone|anybody|employer|boss", 0, 0 },
    { "private|confidential|secret", XO_PREF, ELAAOMS_XO_IMP_SENSITIVE,
      NULL, "keep|kept|stay|stays", 0, 0 },
    /* a report or claim of harm done: "I'm opening a damage claim",
     * "I see the incident report, it's IR-3306" */
    { "incident|damage|injury|accident|police|safety report|reports|claim|"
      "claims|case|cases", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0,
      0 },
    /* harm done by the company's people: "your man broke our sunroom" */
    { "your|the man|guy|guys|crew|tech|techs|technician|technicians|"
      "installer|installers|driver|drivers|worker|workers|people|team|"
      "staff|employee|employees|mover|movers|contractor|contractors "
      "broke|damaged|smashed|cracked|flooded|dropped|scratched|dented|"
      "ruined|burned|burnt|crashed|shattered|hit", XO_ISSUE,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    /* "his wedding ring is gone": a valuable missing from the home */
    { "gone|missing|disappeared|vanished", XO_ISSUE,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, "ring|rings|jewelry|jewellery|wallet|"
      "watch|necklace|cash|money|purse|earrings|bracelet|medication|meds|"
      "pills", 1, 0 },
    /* a child hurt or threatened by others */
    { "bullied|bullying|bully", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      NULL, 1, 0 },
    { "lost|losing my|his|her|their job|jobs", XO_FACT,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "laid off", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "unemployed|hardship|bankrupt*|foreclos*|evict*", XO_FACT,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 1, 0 },
    { "can't|cannot|cant afford", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      NULL, 0, 0 },
    /* a break-in, someone impaired at work, a child or a confused adult
     * who wanders off: safety any agent should know of */
    { "broke|break into|in", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      NULL, 0, 0 },
    { "break-in|break-ins|burglar*|robbed|robbery|intruder*|trespasser*|"
      "drunk|intoxicated", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL,
      0, 0 },
    { "wander|wanders|wandered|wandering", XO_FACT,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    /* someone the caller wants kept away from them or theirs */
    { "protective|restraining order|orders", XO_FACT,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "not|never allowed|permitted", XO_REL, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      "ex|ex-husband|ex-wife|ex-partner|ex-boyfriend|ex-girlfriend|"
      "husband|wife|father|mother|stepfather|stepmother|boyfriend|"
      "girlfriend|partner", 0, 0 },
    /* someone at the door or on the phone claiming to be the company and
     * asking for money */
    { "said|says|claimed|claiming he|she|they|he's|she's was|were|is|are? "
      "from|with", XO_ISSUE, ELAAOMS_XO_IMP_SECURITY, NULL,
      "cash|deposit|money|payment|gift|wire|venmo|zelle|bitcoin|pay", 0,
      0 },
    /* a home lost to a disaster, a family breaking up */
    { "evacuated|evacuate|hurricane|tornado|earthquake|wildfire|"
      "displaced|homeless", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL,
      0, 0 },
    { "flooded|flooding|flood", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      "house|home|apartment|staying|lost|everything", 0, 0 },
    { "burned|burnt down", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL,
      0, 0 },
    { "house|apartment|home fire", XO_FACT, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      NULL, 0, 0 },
    { "divorce|divorced|divorcing|custody", XO_REL,
      ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    /* someone of the company behaving badly, or someone hurt there */
    { "inappropriate", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL,
      "comment|comments|remark|remarks|behavior|behaviour|touching|"
      "touched|joke|jokes|language|messages", 0, 0 },
    { "threatened|threatening|assaulted|assault|abusive|groped|swore|"
      "cursed", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL, 0, 0 },
    { "yelled|screamed at", XO_ISSUE, ELAAOMS_XO_IMP_SENSITIVE, NULL, NULL,
      0, 0 },
    { "fell|slipped|tripped off|from|down|on|and", XO_ISSUE,
      ELAAOMS_XO_IMP_HEALTH, NULL, "ladder|roof|stairs|steps|porch|ice|"
      "floor|hurt|injured", 0, 0 },

    /* money */
    { "charged|billed|charging|billing|paid|pay twice|double", XO_ISSUE,
      ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "double|duplicate|duplicated charge*|charged|billed|billing|payment*|"
      "invoice*", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "twice|double|duplicate", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL,
      "charge*|charged|bill|billed|billing|paid|payment*|debited|invoice*",
      0, 0 },
    { "two times", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL,
      "charge*|charged|bill|billed|billing|paid|payment*|debited|invoice*",
      0, 0 },
    { "double-charged|double-billed|overcharg*|overbill*|overpa*",
      XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "charged|billed me? two times|for", XO_ISSUE, ELAAOMS_XO_IMP_MONEY,
      NULL, NULL, 0, 0 },
    { "refund*|reimburse*|dispute*|disputing|fee|fees|penalty|surcharge",
      XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL, NULL, 1, 0 },
    { "credit|credits|credited", XO_ISSUE, ELAAOMS_XO_IMP_MONEY,
      "credit card|cards|union|unions|score|check|limit", NULL, 0, 0 },
    { "bill|bills|invoice|price|rate|charge|charges|payment went|gone|go|"
      "is|was up", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "price|rate|bill increase*|hike*", XO_ISSUE, ELAAOMS_XO_IMP_MONEY,
      NULL, NULL, 0, 0 },
    { "bill|bills|invoice|price|rate|charge|charges|payment jumped|doubled|"
      "tripled|spiked|skyrocketed|increased|rose", XO_ISSUE,
      ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    /* "my last bill was way higher than usual" */
    { "higher|bigger|more|larger than usual|normal|normally|expected|"
      "before|last", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL,
      "bill|bills|invoice*|charge*|payment*|statement*", 0, 0 },
    { "too high|much|expensive", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL,
      "bill|bills|invoice*|charge*|payment*|statement*|price|rate", 0, 0 },
    { "past due", XO_ISSUE, ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "overdue|collections|debt|owe|owed", XO_ISSUE,
      ELAAOMS_XO_IMP_MONEY, NULL, NULL, 0, 0 },
    { "cancel|cancels|cancelling|canceling|cancellation|cancelled|"
      "canceled|terminate|terminating", XO_ISSUE, ELAAOMS_XO_IMP_CHURN,
      NULL, NULL, 1, 0 },

    /* leaving for someone else */
    { "competitor*|competition|elsewhere", XO_REL, ELAAOMS_XO_IMP_CHURN,
      NULL, NULL, 0, 0 },
    { "switch|switching|go|going|move|moving|leave|leaving to|for? "
      "another|other|a|some provider|providers|company|carrier|insurer|"
      "bank|service|plan", XO_REL, ELAAOMS_XO_IMP_CHURN, NULL, NULL, 0, 0 },
    { "thinking|considering|thought about? switching|leaving|cancelling|"
      "canceling|quitting|dropping", XO_REL, ELAAOMS_XO_IMP_CHURN,
      NULL, NULL, 0, 0 },
    { "better|cheaper offer|deal|price|quote", XO_REL, ELAAOMS_XO_IMP_CHURN,
      NULL, NULL, 0, 0 },
    { "offer|quote from", XO_REL, ELAAOMS_XO_IMP_CHURN, NULL, NULL, 0, 0 },
    { "switch|switching|switched|go|going over? to @", XO_REL,
      ELAAOMS_XO_IMP_CHURN, "switch|switching|switched|go|going over? to "
      "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|"
      "february|march|april|may|june|july|august|september|october|"
      "november|december|english|spanish", NULL, 0, 0 },

    /* health and safety */
    { "allerg*|anaphyla*|epipen|epi-pen|celiac|coeliac|diabet*|asthma*|"
      "intoleran*|epilep*|seizure*|dementia|alzheimer*|parkinson*|cancer|"
      "chemo*|dialysis|pregnan*|medical|medication*|medicine*|"
      "prescription*|pharmacy|doctor|doctors|hospital*|surgery|therapy|"
      "therapist|physio*|hearing|deaf|blind|eyesight|wheelchair|walker|"
      "mobility|disabled|disability|stroke|oxygen|pacemaker|injur*|"
      "whiplash|fracture*|concussion|dizzy|disabilit*|handicap*|latex|"
      "cane|crutches|"
      "peanut|peanuts|shellfish|sesame|gluten|lactose|"
      "accessib*|caregiver|carer", XO_FACT, ELAAOMS_XO_IMP_HEALTH,
      NULL, NULL, 0, 0 },
    { "gas leak|leaking", XO_ISSUE, ELAAOMS_XO_IMP_HEALTH, NULL, NULL, 0, 0 },
    { "carbon monoxide", XO_ISSUE, ELAAOMS_XO_IMP_HEALTH, NULL, NULL, 0, 0 },
    { "smoke|fire|sparking|sparks|sparked|shock|shocked|jolt|zapped|"
      "electrocuted|unsafe|dangerous|hazard", XO_ISSUE,
      ELAAOMS_XO_IMP_HEALTH, NULL, NULL, 0, 0 },

    /* faults and problems */
    { "not|isn't|isnt|wasn't|aren't working", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 1 },
    { "doesn't|doesnt|won't|wont|didn't|never|not work|start|charge|turn|"
      "connect|load|pair|print|sync|respond|arrive|arrived|show|showed|"
      "come|came|open|stay|play|update|heat|cool|drain|spin|flush|close|"
      "lock|latch|dispense|fit", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL,
      NULL, 0, 0 },
    { "isn't|isnt|aren't|wasn't|not heating|cooling|draining|spinning|"
      "flushing|closing|locking|charging|printing|dispensing|igniting",
      XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "can't|cannot|couldn't|unable to? log|sign|get|access|hear|see|reach|"
      "find|use|connect|open|pay|load|stream|watch", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "stopped|stops|quit working|responding|charging|connecting|cooling|"
      "heating|draining|spinning|flushing|running|igniting|printing|"
      "freezing|lighting|pumping|dispensing|making", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "keeps|kept|keep dropping|cutting|crashing|rebooting|restarting|"
      "freezing|buffering|disconnecting|failing|breaking|beeping|losing|"
      "going|turning|shutting|happening", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM,
      NULL, NULL, 0, 0 },
    { "broken|broke|breaks|defective|faulty|damaged|cracked|smashed|dented|"
      "torn|leaking|leaks|melted|spoiled|rotten|wilted|moldy|mouldy|"
      "expired|crushed|soggy|stale|dead|snapped|chipped|scratched|"
      "scratches|scuffed|stained|ripped|warped|wobbly|wobbles|shattered|"
      "peeling|sagging|frayed|rusted|rusty|corroded|burnt|burned|"
      "scorched|crack|cracks|dent|dents|chip|chips|stain|stains|"
      "scratch|hole|holes|snag|snags|snagged|unraveling|unravelling|"
      "streaks|streaky|smears|smeared|smudges|smudged|blotchy|corrupted",
      XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM,
      NULL, NULL, 0, 0 },
    { "outage|outages|offline|slow|slower|sluggish|lag|lagging|laggy|"
      "spike|spikes|spiking|latency|jitter|buffering|static|noisy|echo|"
      "overheat*|blinking|flashing|error|errors|glitch*|bug|bugs|crash*|"
      "freez*|frozen|stuck|fail|fails|failed|failing|failure|problem|"
      "problems|issue|issues|trouble|complaint|complain*|mistake|"
      "incorrect|wrong|missing|lost|late|delayed|delay|delays|rejected|"
      "rejects|reject|backordered|backorder|"
      "noise|noises|grinding|rattling|squeaking|squeaky|clicking|buzzing|"
      "declined|bounced|bouncing|disconnected|interrupted|spotty|"
      "intermittent|unreliable|unusable|flicker*|sparking|tripping|"
      "clogged|backed|overflowing|smells|smell|mold|mould|pests|roaches|"
      "mice|infestation|flooded|flooding", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM,
      NULL, NULL, 1, 0 },
    { "shut|shutting|shutoff|disconnection|disconnect off?", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, "power|electricity|heat|heating|gas|"
      "water|internet|service|phone|notice", 0, 0 },
    { "went|goes|go out|off", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL,
      "power|lights|electricity|heat|heating|gas|water|internet|service|"
      "signal|tv|cable|phone", 0, 0 },
    { "drop|drops|dropping|dropped|dropout|dropouts", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, "drop|dropped|dropping off|by", NULL, 0, 0 },
    { "cuts|cut|cutting out|off", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "is|goes|went|was down", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "locked out", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "still open|pending|unresolved|waiting|broken|there", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "nobody|noone called|emailed|got|followed|responded|replied|"
      "contacted|came|showed|fixed", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM,
      NULL, NULL, 0, 0 },
    { "no one called|emailed|got|followed|responded|replied|contacted|came|"
      "showed|fixed", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "never heard|got back", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    /* "it still hasn't shown up" */
    { "hasn't|haven't|not shown|arrived|shipped|showed", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },
    { "haven't|hasn't heard back|anything", XO_ISSUE,
      ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },

    /* "I actually feel lighter now", "I feel sick about it" (not "I feel
       like the price is high") */
    { "feel|feels|felt", XO_FEEL, ELAAOMS_XO_IMP_FEELING,
      "feel|feels|felt like|that|it|the|a|an|for|free|bad|good|right|"
      "strongly|about", NULL, 1, 0 },
    /* "I'm a bit of a mess right now", "I'm a wreck about it" */
    { "mess|wreck|basket", XO_FEEL, ELAAOMS_XO_IMP_FEELING,
      "<the|this|that|it|its|it's|place|kitchen|house|room|yard|car|paperwork",
      "i'm|im|i've|been", 0, 0 },
    /* "I'm kind of numb", "I've just felt numb since": a feeling, not a
       hand that went numb */
    { "numb", XO_FEEL, ELAAOMS_XO_IMP_FEELING,
      "<go|goes|going|went|gone|getting|gets|got|fingers|hands|hand|feet|"
      "foot|toes|leg|legs|arm|arms|face|lip|lips|side",
      "i'm|im|i've|been|feel|felt", 0, 0 },
    /* "I was so looking forward to it": a feeling, not a wish */
    /* "I miss him every day": a feeling ("I'll miss them if they come
       early" is a visit missed) */
    { "miss|misses him|her|them", XO_FEEL, ELAAOMS_XO_IMP_FEELING,
      "<will|i'll|we'll|they'll|he'll|she'll|might|may|to|could|would|"
      "gonna|don't|not|won't|didn't|just|we", NULL, 1, 0 },
    { "looking|looked forward", XO_FEEL, ELAAOMS_XO_IMP_PREFERENCE, NULL,
      NULL, 0, 0 },

    /* wishes and likes */
    { "prefer*|preference|rather|favorite|favourite|instead", XO_PREF,
      ELAAOMS_XO_IMP_PREFERENCE, NULL, NULL, 0, 0 },
    { "like|likes|love|loves|enjoy|enjoys|hate|hates|dislike|dislikes|"
      "stand|want|wants|wanted|wanna|wish|interested|interest|looking|"
      "hoping|please|need|needs|needed|fan|add|adding|upgrade|upgrading",
      XO_PREF, ELAAOMS_XO_IMP_PREFERENCE,
      /* "it looked like it sparked", "sparked, like a big blue flash",
         "a noise like a jet engine" are no liking */
      "<looked|looks|look|sounded|sounds|seemed|seems|felt|feels|smelled|"
      "smells|smell|something|just|exactly|,|noise|noises|sound|flash|"
      "bang|boom|smell|more|less", NULL, 0, 0 },
    /* what went out stays out: "the power's been out since noon" */
    { "been|is|was|are|still out", XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL,
      "power|lights|electricity|heat|heating|gas|water|internet|service|"
      "signal|tv|cable|phone|power's", 0, 0 },
    { "never|don't|do|not send|ship|deliver|include|mail|call|text|email",
      XO_PREF, ELAAOMS_XO_IMP_PREFERENCE, NULL, NULL, 0, 0 },
    { "best|better|worst|ideal|suits|convenient", XO_PREF, ELAAOMS_XO_IMP_PREFERENCE,
      NULL, NULL, 0, 0 },
    { "paperless|e-statement*|e-bill*|ebill*|autopay|auto-pay", XO_PREF,
      ELAAOMS_XO_IMP_PREFERENCE, NULL, NULL, 0, 0 },
    { "by mail|post|email|text|phone", XO_PREF, ELAAOMS_XO_IMP_PREFERENCE,
      NULL, NULL, 0, 0 },
    { "leave|drop|put it|them|_ at|by|with|on|in|outside|behind",
      XO_PREF, ELAAOMS_XO_IMP_PREFERENCE, NULL, NULL, 0, 0 },
    { "vegetarian|vegan|pescatarian|halal|kosher|language|spanish|english|"
      "french|german|chinese|mandarin|cantonese|portuguese|italian|arabic|"
      "hindi|vietnamese|korean|japanese|russian|polish|tagalog|bilingual|"
      "interpreter", XO_PREF, ELAAOMS_XO_IMP_PREFERENCE, NULL, NULL, 0, 0 },

    /* who they are, what they have, what they plan */
    { "name|named|address|live|lives|living|moved|moving|relocat*|street|"
      "avenue|road|lane|apartment|apt|suite|zip|postcode|building|"
      "floor|upstairs|downstairs|basement", XO_FACT, ELAAOMS_XO_IMP_PROFILE,
      NULL, NULL, 0, 0 },
    { "work|works|working|worked|job|employer|company|business|office|"
      "practice|clinic|firm|shop|store|restaurant|startup|owner|own|owns|"
      "run|runs|self-employed|freelance*|retired|student|profession*|"
      "occupation|career", XO_FACT, ELAAOMS_XO_IMP_PROFILE, NULL, NULL, 0, 0 },
    { "i'm|we're a|an|the", XO_FACT, ELAAOMS_XO_IMP_PROFILE,
      "i'm|we're a|an bit|little|lot|fan|big|huge|customer|member|client|"
      "very|really|pretty|real", NULL, 0, 0 },
    { "i am a|an|the", XO_FACT, ELAAOMS_XO_IMP_PROFILE,
      "i am a|an bit|little|lot|fan|big|huge|customer|member|client|very|"
      "really|pretty|real", NULL, 0, 0 },
    { "model|serial|version|modem|router|mesh|extender|repeater|device|"
      "devices|laptop|computer|tablet|tv|remote|receiver|console|printer|"
      "camera|thermostat|equipment|hardware|software|app|car|vehicle|truck|"
      "van|drive|drives|plan|tier|package|subscription|speed|mbps|gig|"
      "gigabit|seats|seat|licenses|licences|users|account|card|bank|ach|"
      "transfer|paypal|check|cheque|pay|pays|paying|payment|price|cost|"
      "costs|quote|quoted|estimate|pricing|total|budget|dollars|bucks|"
      "per|monthly|annual|yearly|feature|features|add-on|addon|upgrade|"
      "downgrade", XO_FACT, ELAAOMS_XO_IMP_PROFILE, NULL, NULL, 0, 0 },

    /* people and history with the company */
    { "husband|wife|partner|spouse|son|daughter|kid|kids|child|children|"
      "mother|mom|mum|father|dad|parent|parents|brother|sister|sibling|"
      "grandson|granddaughter|grandmother|grandma|grandfather|grandpa|"
      "grandchild*|grandkid*|aunt|uncle|niece|nephew|cousin|in-law*|"
      "brother-in-law|sister-in-law|mother-in-law|father-in-law|son-in-law|"
      "daughter-in-law|"
      "fiance|fiancee|boyfriend|girlfriend|roommate|neighbor|neighbour|"
      "friend|coworker|co-worker|colleague|boss|landlord|tenant|family|"
      "household|baby", XO_REL, ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "on behalf of", XO_REL, ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "account holder|owner", XO_REL, ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "authorized|authorised user|person|contact", XO_REL,
      ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "referred|recommended|referral", XO_REL, ELAAOMS_XO_IMP_RELATION,
      NULL, NULL, 0, 0 },
    { "customer|member|client|subscriber|patient for|since", XO_REL,
      ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "been with you|y'all|them", XO_REL, ELAAOMS_XO_IMP_RELATION,
      NULL, NULL, 0, 0 },
    { "loyal|long-time|longtime|regular customer|client|member", XO_REL,
      ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "again|second|third|fourth|fifth|umpteenth", XO_REL,
      ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "alone|myself", XO_REL, ELAAOMS_XO_IMP_RELATION, NULL, NULL, 0, 0 },
    { "not|isn't|wasn't|never|hasn't fixed|resolved|solved|sorted|repaired",
      XO_ISSUE, ELAAOMS_XO_IMP_PROBLEM, NULL, NULL, 0, 0 },

    /* plans and dates */
    { "vacation|holiday|trip|travel*|wedding|birthday|anniversary|"
      "graduation|retiring|moving|renovat*|appointment|tomorrow|tonight|"
      "monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|"
      "weekends|january|february|march|april|june|july|august|september|"
      "october|november|december|planning|plan|plans", XO_FACT,
      ELAAOMS_XO_IMP_DETAIL, NULL, NULL, 0, 0 },

    /* "I am, honestly, not sleeping": worry that keeps one up */
    { "not|can't|cannot|couldn't|haven't|hardly|barely sleeping|sleep|slept",
      XO_FEEL, ELAAOMS_XO_IMP_FEELING, NULL, NULL, 0, 0 },

    /* feelings said in a statement of other things */
    { XO_FEELINGS_BAD "|unacceptable|ridiculous|terrible|awful|outrageous|"
      "horrible", XO_FEEL, ELAAOMS_XO_IMP_FEELING, NULL, NULL, 1, 0 },
    { XO_FEELINGS_GOOD "|amazing|fantastic|great|wonderful|excellent|"
      "awesome|perfect|helpful|game-changer|lifesaver", XO_FEEL,
      ELAAOMS_XO_IMP_PLEASED, NULL, NULL, 1, 0 },

    { NULL, 0, 0, NULL, NULL, 0, 0 }
};


/*
 * The table is long and most statements hold few of its words, so
 * matching every cue at every word would dominate the extractor's time.
 * An index of the cues' first words, built once: a word of the clause
 * names the few cues that can start there.
 */
#define XO_NCUES      (sizeof(xo_cues) / sizeof(xo_cues[0]) - 1)
#define XO_INDEX_MAX  2048
#define XO_WORD_MAX   24

typedef struct {
    char      word[XO_WORD_MAX];   /* lowercased; a prefix when prefix */
    uint8_t   len;
    uint8_t   prefix;
    uint16_t  cue;
} xo_cue_word_t;

static xo_cue_word_t   xo_index[XO_INDEX_MAX];
static size_t          xo_nindex;           /* exact words, sorted */
static xo_cue_word_t   xo_prefixes[XO_INDEX_MAX / 8];
static size_t          xo_nprefixes;
static pthread_once_t  xo_index_once = PTHREAD_ONCE_INIT;


static int
xo_word_cmp(const void *a, const void *b)
{
    const xo_cue_word_t  *x = a, *y = b;
    int                   c;

    c = strcmp(x->word, y->word);
    return c ? c : (int) x->cue - (int) y->cue;
}


static void
xo_index_build(void)
{
    size_t          k, n;
    const char     *p, *e, *end;
    xo_cue_word_t  *w;

    for (k = 0; k < XO_NCUES; k++) {
        end = strchr(xo_cues[k].pat, ' ');
        if (end == NULL) {
            end = xo_cues[k].pat + strlen(xo_cues[k].pat);
        }

        for (p = xo_cues[k].pat; p < end; p = e + 1) {
            e = memchr(p, '|', (size_t) (end - p));
            if (e == NULL) {
                e = end;
            }
            n = (size_t) (e - p);

            if (n > 1 && p[n - 1] == '*') {
                if (xo_nprefixes == sizeof(xo_prefixes) / sizeof(w[0])) {
                    continue;
                }
                w = &xo_prefixes[xo_nprefixes++];
                n--;
                w->prefix = 1;
            } else {
                if (xo_nindex == XO_INDEX_MAX) {
                    continue;
                }
                w = &xo_index[xo_nindex++];
                w->prefix = 0;
            }

            n = n < XO_WORD_MAX - 1 ? n : XO_WORD_MAX - 1;
            memcpy(w->word, p, n);
            w->word[n] = '\0';
            w->len = (uint8_t) n;
            w->cue = (uint16_t) k;
        }
    }

    qsort(xo_index, xo_nindex, sizeof(xo_cue_word_t), xo_word_cmp);
}


/* the caller is the subject: "I ...", "I'm ..." */
static int
xo_caller_subject(const elaaoms_xo_sent_t *st)
{
    return st->ntok > 0
           && elaaoms_xo_match(st, 0, "i|i'm|im|i've|i'd|i'll", NULL);
}


/* the caller says they feel something, not negated ("I'm not upset") */
static int
xo_caller_feels(const elaaoms_xo_sent_t *st)
{
    long     at;
    size_t   k, end;

    for (k = 0; xo_feeler[k]; k++) {
        at = elaaoms_xo_find(st, 0, xo_feeler[k], &end);
        if (at >= 0 && end > 0 && !elaaoms_xo_negated(st, end - 1)) {
            return 1;
        }
    }

    return 0;
}


/* cue k matches at word i, all its conditions met */
static int
xo_cue_at(const elaaoms_xo_sent_t *st, size_t k, size_t i, int caller)
{
    size_t           end;
    const xo_cue_t  *c = &xo_cues[k];

    return !(c->thing && caller)
           && elaaoms_xo_match(st, i, c->pat, &end) && end > i
           && !(c->unless && c->unless[0] != '<'
                && elaaoms_xo_match(st, i, c->unless, NULL))
           && !(c->unless && c->unless[0] == '<' && i > 0
                && elaaoms_xo_match(st, i - 1, c->unless + 1, NULL))
           /* "like" after a pause ("<...|,|...") or opening the sentence
              compares: "Like a pulled thread, near the bottom" */
           && !(c->unless && c->unless[0] == '<' && i == 0
                && strstr(c->unless, "|,|") != NULL
                && elaaoms_xo_match(st, 0, "like", NULL))
           && !(c->near && elaaoms_xo_find(st, 0, c->near, NULL) < 0)
           && !(c->negatable && elaaoms_xo_negated(st, i));
}


/* the better of two cues: more important, else first in the table */
static int
xo_better(int best, size_t k)
{
    return best < 0 || xo_cues[k].importance > xo_cues[best].importance
           || (xo_cues[k].importance == xo_cues[best].importance
               && (int) k < best);
}


int
elaaoms_xo_classify(const elaaoms_xo_sent_t *st, int first_person,
    int request, elaaoms_mem_type_e *type, int *importance)
{
    char            w[XO_WORD_MAX];
    size_t          i, j, n, lo, hi, mid;
    int             best, digits, caller;
    xo_cue_word_t   key;

    pthread_once(&xo_index_once, xo_index_build);

    best = -1;
    digits = 0;
    caller = xo_caller_subject(st);

    for (i = 0; i < st->ntok; i++) {
        if (st->tok[i].punct || st->tok[i].len >= XO_WORD_MAX) {
            continue;
        }

        n = st->tok[i].len;
        for (j = 0; j < n; j++) {
            w[j] = (char) elaaoms_ascii_tolower((unsigned char) elaaoms_xo_tok_p(st, i)[j]);
            digits |= elaaoms_ascii_digit((unsigned char) w[j]) != 0;
        }
        w[n] = '\0';

        /* the first exact entry of the word, then all of its cues */
        memcpy(key.word, w, n + 1);
        key.cue = 0;
        lo = 0;
        hi = xo_nindex;
        while (lo < hi) {
            mid = (lo + hi) / 2;
            if (xo_word_cmp(&xo_index[mid], &key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for ( ; lo < xo_nindex && strcmp(xo_index[lo].word, w) == 0; lo++) {
            if (xo_better(best, xo_index[lo].cue)
                && xo_cue_at(st, xo_index[lo].cue, i, caller))
            {
                best = xo_index[lo].cue;
            }
        }

        for (j = 0; j < xo_nprefixes; j++) {
            if (n >= xo_prefixes[j].len
                && memcmp(w, xo_prefixes[j].word, xo_prefixes[j].len) == 0
                && xo_better(best, xo_prefixes[j].cue)
                && xo_cue_at(st, xo_prefixes[j].cue, i, caller))
            {
                best = xo_prefixes[j].cue;
            }
        }
    }

    /* a request to the company is a wish unless a weightier cue says
     * more ("cancel my plan" stays an issue) */
    if (request && (best < 0
                    || xo_cues[best].importance <= ELAAOMS_XO_IMP_PREFERENCE))
    {
        *type = ELAAOMS_MEM_PREFERENCE;
        *importance = ELAAOMS_XO_IMP_PREFERENCE;
        return 1;
    }

    if (best >= 0) {
        *type = xo_cues[best].type;
        *importance = xo_cues[best].importance;

        /* a feeling about a problem or a fact, not about money, leaving,
           health or safety: an emotion, as weighty as what it is about */
        if (((*type == ELAAOMS_MEM_ISSUE
              && *importance <= ELAAOMS_XO_IMP_PROBLEM)
             || (*type == ELAAOMS_MEM_FACTUAL
                 && *importance < ELAAOMS_XO_IMP_HEALTH))
            && xo_caller_feels(st))
        {
            *type = ELAAOMS_MEM_EMOTION;
        }

        if (digits && *importance < ELAAOMS_XO_IMP_DETAIL) {
            *importance = ELAAOMS_XO_IMP_DETAIL;
        }
        return 1;
    }

    *type = ELAAOMS_MEM_FACTUAL;
    *importance = digits ? ELAAOMS_XO_IMP_DETAIL
                  : first_person ? ELAAOMS_XO_IMP_STATEMENT
                  : ELAAOMS_XO_IMP_MINOR;
    return 0;
}
