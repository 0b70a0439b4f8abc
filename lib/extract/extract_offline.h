/*
 * The built-in offline extractor, used when no LLM key is configured:
 * deterministic English rules over the caller's lines of a transcript
 * ("Caller: ..." or "User: ..." lines, as elaaoms_transcript_text()
 * writes them; "Agent: ..." lines are read only as context).
 *
 * Every memory is a self-contained third-person sentence without a
 * subject ("Prefers email over phone calls."), with the caller's line it
 * came from as its source quote, and a confidence below 1 (0.5 to 0.7:
 * these are rules, not understanding).
 *
 * The rules, by memory type (importance in brackets).  Matching is by
 * whole words, any case; "frustrat*" is a word prefix.
 *
 *   factual       the caller's name: "my name is X" / "my name's X" (1-3
 *                 words of any case, capitalized in the result), "I'm X",
 *                 "I am X", "call me X", and at the sentence start (after
 *                 greetings only) "this is X", "it's X", "it is X" (1-3
 *                 capitalized words, not weekdays, months or a few common
 *                 words) "Caller's name is Maria Lopez." [6];
 *                 reference codes: "#" and 3+ digits ("#55120"), letters
 *                 and 3+ digits with optional "-" ("XYZ-789"), or 3+
 *                 digits at most three words after a kind word, joined
 *                 only by "number", "no", "num", "id", "is", "#", ":"
 *                 ("order number 4411"); the kind (order, account,
 *                 ticket, case, invoice, booking, reservation, claim,
 *                 policy, tracking, subscription) is the nearest kind
 *                 word before the code in its sentence, else after it,
 *                 else in its line, the agent's line before, the
 *                 caller's line before; else "reference"
 *                 "Called about order XYZ-789." [7];
 *                 addresses: "my/our (new) address is X", "moved to X",
 *                 "I/we live at/in X", X with a digit or a capitalized
 *                 word, up to 10 words, commas kept
 *                 "New address is 12 Harbor Lane, Sausalito." [6];
 *                 occupation: "I'm a/an X", "I am a/an X", "work(ing) as
 *                 a/an X" (up to 3 words; not "a bit", "a fan", "a
 *                 customer" ...) "Is a nurse."; "I/and/I'm work(ing)
 *                 (the) night/day/weekend/... shift(s)", "... work
 *                 nights/weekends/evenings/...", "... work from home"
 *                 "Works night shifts." [5]
 *   issue         a reference's status, from the clause holding the code
 *                 in a caller sentence (clauses end at "," "and" "but"
 *                 "while"), else from a caller sentence naming the
 *                 reference's kind and no code ("my order, it was
 *                 supposed to arrive on Monday"), else from the clause
 *                 of an agent sentence naming the code: hacked or
 *                 compromised [9]; missing ("never arrived", "lost");
 *                 delayed ("late", "supposed to arrive", "hasn't
 *                 arrived", "still waiting", with "on/by <weekday, month,
 *                 today, tomorrow, yesterday>" as the expected day);
 *                 arrived damaged; wrong item; refund [8]; cancellation
 *                 [8]; return; locked; unresolved ("pending", "still
 *                 open") [7 unless noted]
 *                 "Order XYZ-789 is delayed; it was expected on Monday.";
 *                 money: double / duplicate charge, charged or billed
 *                 (me) twice / two times [8], overcharged [8],
 *                 unauthorized / unrecognized / fraudulent / unknown
 *                 charge, "didn't make this charge" [9];
 *                 account security: hacked, compromised, identity theft
 *                 [9], locked out, can't / cannot log or sign in [7];
 *                 "refund..." "Asked about a refund." [8];
 *                 "cancel my X" "Asked to cancel their X.", other
 *                 cancellations "Asked about a cancellation." [8];
 *                 "stopped working", "not working", "doesn't work",
 *                 "broken", "defective" ... with a subject starting "my",
 *                 "the", "our", "this" or "their" at most 4 words before
 *                 "Reported that their grinder stopped working." [7];
 *                 wrong item ("wrong size", "sent me the wrong"), no
 *                 follow-up ("nobody called", "never heard back") [7]
 *   preference    "I prefer X" "Prefers X."; "X is/are fine/ok/good/
 *                 better (now) instead of Y", "X is/are better/easier
 *                 than Y" "Prefers texts over email."; "I'd rather X"
 *                 "Would rather X."; "(please) don't / do not / never
 *                 call / email / text / contact me X" "Does not want to
 *                 be called X."; "can/could/would/will you (please)
 *                 email / text / call me X", "please text me X" "Wants
 *                 to be emailed X."; "send me a text/an email"; "I
 *                 (really) like / love / enjoy X" "Likes X."; "I hate /
 *                 dislike / don't like / do not like / can't stand X"
 *                 "Dislikes X." (X not a pronoun); "I'm a (big) fan of
 *                 X" [6]
 *   emotion       negative: frustrat*, upset, angry, furious, annoy*,
 *                 disappoint*, fed up, worried, anxious, stressed,
 *                 confused, unacceptable, ridiculous, terrible, awful
 *                 "Was frustrated about the delayed order XYZ-789."
 *                 naming the reference the caller mentioned last, if
 *                 any [4]; positive: great, wonderful, excellent,
 *                 helpful, happy, pleased, glad, relieved, appreciate*
 *                 ... "Was pleased with the help they got." [3]; one of
 *                 each per sentence; "not", "never", "no" or a "...n't"
 *                 word in the two words before negates the word
 *   relationship  a problem happening again ("the second time this
 *                 happened", "happened again", "keeps happening")
 *                 "Says the problem has happened before.";
 *                 repeat calls ("again" with "call..." or "it's" / "this
 *                 is", "calling back", "already called", "called
 *                 before", "called five times", "third time I call")
 *                 "Has called before.";
 *                 "customer / member / client for / since X", "been with
 *                 you for X" "Has been a customer for ten years.",
 *                 "loyal / long-time / regular customer";
 *                 "my husband / wife / mother ... handles / manages /
 *                 pays ... X" "Their husband handles the billing.",
 *                 "on behalf of my X" "Calls on behalf of their X." [5]
 *
 * Limits, by design:
 *
 *   - English only, and only the phrasings above: anything said another
 *     way is missed (no dates or events, no habits, no general
 *     complaints, no status of a thing without a code).  No coreference
 *     ("when it ships" stays "it"), no negation beyond "not",
 *     "never", "no" or "...n't" in the two words before an emotion,
 *     status, refund, cancel or contact word, no sarcasm, no hypotheticals
 *     ("if it were late" reads as late).
 *   - The caller's words only: what the agent says is used to name the
 *     kind of a code the caller gave and the status of a code the caller
 *     gave, never as a memory of its own.  Lines that start with neither
 *     "Caller: ", "User: " nor "Agent: " are ignored.
 *   - Sentences are cut at ". ! ? ;" before a space or the line end
 *     ("Mr. Smith" is cut too, and so is a replaced invalid byte followed
 *     by a space); only the first 96 words of a sentence are read; a call
 *     yields at most 32 references and 128 memories before duplicates are
 *     merged; more are ignored.  A memory whose content would pass 500
 *     characters is dropped.
 *   - Numbers spoken as words ("four four one one") are not codes; the
 *     privacy filter has usually redacted them anyway.
 *   - Content is rewritten mechanically to the third person ("my" ->
 *     "their", "I am" -> "they are"; "you" and "your" are kept); the
 *     result can read stiffly.
 *   - The source quote is the whole caller line (at most 1000
 *     characters), for a reference's issue the line that gave the code.
 *   - Exact duplicates are merged (elaaoms_extracted_merge()); near
 *     duplicates ("Has called before." and "Has called before about
 *     this.") are not.
 *
 * The extractor is pure: no I/O, no globals, thread-safe.
 */

#ifndef ELAAOMS_EXTRACT_OFFLINE_H
#define ELAAOMS_EXTRACT_OFFLINE_H

#include "store/memory_types.h"

/*
 * Extracts memories from a transcript (NUL-terminated; invalid UTF-8 is
 * tolerated and replaced by '?' in the results).  out must hold no items
 * on entry (its dropped count is reset); on success it holds the
 * memories, which the caller frees with elaaoms_extracted_free(); on
 * failure it is left empty.  Content is at most
 * ELAAOMS_LLM_MAX_CONTENT_CHARS characters and the quote at most
 * ELAAOMS_LLM_MAX_QUOTE_CHARS, so the items pass the same validation as
 * an LLM's.  0 on success (possibly no memories), -1 when memory runs out.
 */
int elaaoms_extract_offline(const char *transcript_text,
    elaaoms_extracted_list_t *out);

/* a one-line statement of the limits above, for logs and status pages */
const char *elaaoms_extract_offline_limits(void);

#endif /* ELAAOMS_EXTRACT_OFFLINE_H */
