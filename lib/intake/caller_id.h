/*
 * Caller identity: turns whatever ElevenLabs, Twilio or a SIP trunk says
 * about the other party into one key, so every call from the same person
 * lands on the same memory, and two people never share one.
 *
 * The rule: a key is either a lossless normalization of the identifier,
 * or a hash of the exact identifier; nothing is ever dropped, lowercased
 * or cut from an identifier to make it fit the key alphabet.
 *
 * Before anything else, ASCII whitespace (space, \t, \n, \r, \v, \f) is
 * trimmed at both ends, the same for every kind: "+14155550123\n" is the
 * number.  "<...>" around the identifier (From headers), "tel:" and
 * "sip:"/"sips:" (any case) are read as URIs.
 *
 * Keys:
 *   "+<digits>"   international number: "+" then 3..15 digits, never
 *                 "+0"; written "+1 (415) 555-0123", "0044 20 7946 0958",
 *                 "+44 (0)20 7946 0958", "tel:+1-415-555-0123",
 *                 "sip:+14155550123@host;user=phone" ... (the separators
 *                 " \t-./()" are formatting, not identity)
 *   "<digits>"    a number without country code ("(415) 555-0123"): kept
 *                 as its 3..15 digits, no "+".  No country is guessed, so
 *                 it never equals the "+" form of the same line; ElevenLabs
 *                 sends E.164, this only keeps odd trunks usable.
 *   "id:<text>"   any other identifier (an operator's user_id, a SIP user
 *                 name) that is 1..64 of [A-Za-z0-9._-] with at least one
 *                 letter or digit: kept exactly, case included
 *                 ("User_42" -> "id:User_42", "user_42" -> "id:user_42").
 *   "id:h-<hex>"  any other identifier: "h-" and the first 128 bits of
 *                 the SHA-256 of its exact bytes (after the trimming
 *                 above), as 32 lowercase hex digits.  That is every
 *                 identifier holding a character the alphabet cannot
 *                 carry (non-ASCII letters, "@", "+", inner spaces, ...),
 *                 longer than 64 characters, or itself of the form
 *                 "h-<32 hex>" (so a plain key never equals a hashed one).
 *                 A SIP URI with a host that is not a number hashes
 *                 "sip:<user>@<host>", user and host as sent, without the
 *                 URI's ";params", "?headers", ":port" or ":password"
 *                 ("sips:" reads as "sip:").
 * ':' cannot occur in the number forms, so ids never collide with numbers.
 *
 * Refused (ELAAOMS_CALLER_INVALID): an identifier that is not UTF-8, holds
 * an ASCII control character inside (a NUL, an inner newline), has no
 * letter or digit at all ("...", "+", "()-"), or is longer than
 * ELAAOMS_CALLER_MAX_INPUT bytes.
 *
 * Withheld numbers are anonymous (ELAAOMS_CALLER_ANONYMOUS), never a
 * shared key: empty input, "anonymous", "restricted", "private", "unknown",
 * "unavailable", "withheld", "blocked", "null", "none", "undefined" (any
 * case), SIP "anonymous@anonymous.invalid", numbers of fewer than 3 or
 * more than 15 digits, and Twilio's keypad spellings +266696687
 * (ANONYMOUS), +7378742833 (RESTRICTED), +8656696 (UNKNOWN), +86282452253
 * (UNAVAILABLE), +2562533 (BLOCKED).
 */

#ifndef ELAAOMS_CALLER_ID_H
#define ELAAOMS_CALLER_ID_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

/* longest key plus NUL: "id:" + 64 + NUL */
#define ELAAOMS_CALLER_MAX          68
#define ELAAOMS_CALLER_ID_CHARS     64
#define ELAAOMS_CALLER_MIN_DIGITS   3
#define ELAAOMS_CALLER_MAX_DIGITS   15
/* longer input is garbage, not a caller */
#define ELAAOMS_CALLER_MAX_INPUT    512
/* hex digits of a hashed key: 128 bits of SHA-256 */
#define ELAAOMS_CALLER_HASH_HEX     32

/* negative results of the normalizers */
#define ELAAOMS_CALLER_ANONYMOUS    (-1)  /* nothing usable: no memory */
#define ELAAOMS_CALLER_NOSPACE      (-2)  /* out too small */
#define ELAAOMS_CALLER_INVALID      (-3)  /* garbled: refused, no memory */

/*
 * Normalizes in[0..len) (no NUL needed) into out (NUL-terminated).
 * Returns the key length (> 0), ELAAOMS_CALLER_ANONYMOUS,
 * ELAAOMS_CALLER_INVALID or ELAAOMS_CALLER_NOSPACE; out is "" unless a key
 * was written.  The same bytes always give the same key; two identifiers
 * that differ in anything but the formatting described above never do.
 * An outsz of ELAAOMS_CALLER_MAX always suffices.
 */
int elaaoms_caller_normalize(const char *in, size_t len, char *out,
    size_t outsz);

/*
 * The same for an operator-chosen user id: only a number written with "+"
 * or "00" is read as a phone number; "4155550123" stays "id:4155550123"
 * so a customer number never merges with a national phone number.
 */
int elaaoms_caller_normalize_user_id(const char *in, size_t len, char *out,
    size_t outsz);

/*
 * The caller of a post_call_transcription: first usable of
 * data.metadata.phone_call.external_number,
 * data.conversation_initiation_client_data.dynamic_variables.system__caller_id,
 * data.user_id (as a user id).  Missing, null, empty, withheld or invalid
 * candidates are skipped.  *source (may be NULL) is set to a static name
 * of the field used.  Same results as elaaoms_caller_normalize().
 */
int elaaoms_caller_resolve_postcall(yajl_val data, char *out, size_t outsz,
    const char **source);

/*
 * The callee of a call_initiation_failure (always an outbound call, so the
 * person we failed to reach is the one whose memory matters):
 * data.metadata.body.To (Twilio) or data.metadata.body.to_number (SIP).
 */
int elaaoms_caller_resolve_failure(yajl_val data, char *out, size_t outsz,
    const char **source);

/* 1 when key (NUL-terminated) is a key these functions can produce */
int elaaoms_caller_key_valid(const char *key);

#endif /* ELAAOMS_CALLER_ID_H */
