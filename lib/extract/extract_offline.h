/*
 * The built-in offline extractor, used when no LLM key is configured:
 * deterministic English rules over the caller's lines of a transcript
 * ("Caller: ..." or "User: ..." lines, as elaaoms_transcript_text()
 * writes them; "Agent: ..." lines are read as context, and for what the
 * agent did or offered: see the limits below).
 *
 * Every caller statement that says something becomes a memory in the
 * caller's own words, turned to the third person, one fact per memory,
 * with the caller's line as its source quote and a confidence below 1
 * (0.5 to 0.7: these are rules, not understanding):
 *
 *   "I'm allergic to peanuts"          The caller is allergic to peanuts.
 *   "my router is an ASUS RT-AX86U"    The caller's router is an ASUS
 *                                      RT-AX86U.
 *   "they quoted us $1,250 for 10 seats"
 *                                      The caller said they quoted them
 *                                      $1,250 for 10 seats.
 *   "please never send the pesto kit"  The caller asked the company never
 *                                      to send the pesto kit.
 *   "can I add a static IP?"           The caller asked whether they can
 *                                      add a static IP.
 *   Agent "What's the model?" / "It's an RX-200"
 *                                      When asked what is the model, the
 *                                      caller said it's an RX-200.
 *
 * How (extract_offline_statement.c): sentences are cut into clauses at
 * "but", and at "and", "so", "also" or a comma that start a new
 * first-person clause or a request ("..., I'm a nurse", "..., can someone
 * look at that"); greetings and the name after them ("Hi Sam,"), fillers
 * ("um", "you know", "hang on", "I think"), stutters and courtesy
 * ("thanks", "perfect", "sounds good") are taken off; a clause must then
 * hold a word that says something (not a function word, filler or
 * courtesy word): two, or one with "I"/"my" or a number.  "I ..." becomes
 * "The caller ..." with the verb agreeing ("I never check" -> "never
 * checks"), "my X" "The caller's X", requests "The caller asked the
 * company to ...", questions "The caller asked whether ...", anything
 * else "The caller said ..."; "my", "me", "we" ... read "their", "them",
 * "they"; "you" and "your" (the company) stay.  Numbers, amounts, codes,
 * names and product words stay exactly as said ("$79.99", "4,200",
 * "12 Harbor Lane, Sausalito").  The first clause of a line that answers
 * an agent's question (not "How can I help?" or "Anything else?") and
 * does not start with "I"/"my"/"we" is read with it: "When asked <the
 * question, in the third person>, the caller said <the answer>."
 *
 * Templates (extract_offline_facts.c, extract_offline_feelings.c) add
 * what the words alone do not say, and a clause whose words a template
 * kept gives no statement of its own:
 *
 *   names          "my name is X", "this is X", "it's X" (at the start,
 *                  not as the answer to a question about something
 *                  else), "X here", "X from Y", a name alone opening the
 *                  caller's line -> "Caller's name is X."; "call me X",
 *                  "I go by X", "everyone calls me X" -> "The caller goes
 *                  by X." [6]
 *   references     a code ("#55120", "XYZ-789", "order 4411") whose kind
 *                  (order, account, ticket, case, invoice, booking,
 *                  reservation, claim, policy, tracking, subscription,
 *                  ...; or the word the agent asked for: "the
 *                  prescription number") is said nearby: "The caller
 *                  asked about order XYZ-789." when the clause says
 *                  nothing else [7], and its status when the caller said
 *                  it elsewhere ("my order was supposed to arrive on
 *                  Monday" ... "it's XYZ-789") "The caller's order
 *                  XYZ-789 is delayed; it was expected on Monday." [7-9].
 *                  A code of no known kind (a router model, a billing
 *                  code) is only in the statement, with its words.
 *   contact        "please don't call me before noon" -> "The caller does
 *                  not want to be called before noon.", "can you text me
 *                  when ..." -> "The caller wants to be texted when ..."
 *   comparisons    "texts are fine now instead of email", "mornings are
 *                  better than evenings" -> "The caller prefers X over Y."
 *   repeat calls   "calling again", "called before", "third time I
 *                  call" -> "The caller has called before." [5]
 *   feelings       a feeling word with nothing else in its part of the
 *                  clause ("I'm so frustrated", "That's really
 *                  frustrating, ...") -> "The caller was frustrated[
 *                  about the delayed order XYZ-789]." [4], "The caller
 *                  found the situation unacceptable." [4], "The caller
 *                  was relieved." [3]; praise of the help ("you've been
 *                  great") -> "The caller was pleased with the help they
 *                  got." [3]
 *
 * Type and importance (extract_offline_cues.c): one table of cue
 * patterns; a statement takes its most important cue: fraud, identity
 * theft, legal threats and chargebacks issue [9]; charges, refunds,
 * disputes, fees, cancelling issue [8]; leaving for a competitor
 * relationship [8]; health and safety factual [7] (a rule outside the
 * extractor may raise it); faults ("keeps dropping", "stopped working",
 * "never arrived") issue [7]; wishes and likes preference [6]; name,
 * address, work, equipment, plans, prices factual [6]; people and
 * history relationship [5]; dates and plans factual [5]; feelings
 * emotion [4] or [3]; no cue: factual [5] with a number or code, [4]
 * when the caller speaks of themselves, else [3].
 *
 * Limits, by design:
 *
 *   - English only.  No coreference ("it", "he" stay), no tense beyond
 *     the verb after "I", no sarcasm or hypotheticals ("if it were late"
 *     reads as late); negation only by "not", "never", "no" or "...n't"
 *     in the two words before a cue.  The third person is mechanical and
 *     can read stiffly ("The caller said they're on the Starter plan").
 *   - Verbless fragments become "The caller said <fragment>."; a
 *     capitalized first word is kept unless it is a function word or the
 *     sentence's own first word.
 *   - The agent's words are a memory of their own only when they say
 *     what the agent did or offered with a value (extract_offline_agent.c:
 *     "I've opened claim CLM-2025-08817" -> "The agent opened claim
 *     CLM-2025-08817.", "your new ticket is TK-30872", "I can offer $12
 *     per seat"; the agent's sentence is the quote).  Otherwise they name
 *     a code's kind or status and give a short answer its question;
 *     pitches, questions and what the agent says about the caller give
 *     nothing.
 *     Lines that start with neither "Caller: ", "User: " nor "Agent: "
 *     are ignored.
 *   - Sentences are cut at ". ! ? ;" before a space or the line end
 *     ("Mr. Smith" is cut too); only the first 96 words of a sentence
 *     are read; a call yields at most 32 references and 128 memories
 *     before duplicates are merged; more are ignored.  A memory whose
 *     content would pass 500 characters is dropped.
 *   - Numbers spoken as words ("four four one one") are not codes; the
 *     privacy filter has usually redacted them anyway.
 *   - The source quote is the whole caller line (at most 1000
 *     characters).
 *   - Exact duplicates are merged (elaaoms_extracted_merge()); near
 *     duplicates are not.
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
