/*
 * A memory that takes back a value an older one states: "Sandpiper Plaza
 * doesn't work anymore" retracts "the caller said from the Sandpiper
 * Plaza stop"; "we're on Cobalt Shield, not Blue Heron anymore" retracts
 * "the insurance is Blue Heron".  memory_dedup.c links the two as a
 * conflict, so the older ranks under the newer (search_rank.h) and the
 * value that replaced it, often in another memory, comes first.
 *
 * The newer memory retracts when it says "anymore" or "no longer"; the
 * value is a name (a capitalized word not opening a sentence, other than
 * the memory's own framing: "The", "Caller", "I" ...) or a token holding
 * a digit, of at least two characters, that both memories hold, the
 * older one without a retraction of its own.  Limits: no negation scope
 * ("TV" in "the TV remote doesn't work anymore" is taken for a value), so
 * an older memory naming the same thing can be ranked second; history is
 * kept either way.
 *
 * Plain C, no allocation.
 */

#ifndef ELAAOMS_MEMORY_RETRACT_H
#define ELAAOMS_MEMORY_RETRACT_H

#include <stddef.h>

/* 1 when the text takes something back ("anymore", "no longer") */
int elaaoms_memory_retracts(const char *text, size_t len);

/* 1 when newer retracts a value that older states */
int elaaoms_memory_retracted_by(const char *older, size_t olen,
    const char *newer, size_t nlen);

#endif /* ELAAOMS_MEMORY_RETRACT_H */
