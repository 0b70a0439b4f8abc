/*
 * The conversation text handed to the extractors, and the splitting of a
 * long one into overlapping chunks whose results are merged back.
 *
 * Text format: one turn per line, "Agent: ..." or "Caller: ...", every
 * line ending in "\n".  A turn's own line breaks become spaces so that a
 * line is always exactly one turn (the chunker cuts at line ends, and the
 * offline extractor reads the speaker from the line's prefix).
 *
 * Tokens are estimated, not counted: tokens = ceil(bytes / 4), the usual
 * rule of thumb for English with the OpenAI and Anthropic tokenizers.  It
 * over-counts non-English text a little, which only makes chunks smaller.
 *
 * Typical use in the worker:
 *
 *     char                         *text;
 *     elaaoms_transcript_chunks_t   chunks;
 *     elaaoms_extracted_list_t      all = { 0 }, part;
 *
 *     if (elaaoms_transcript_text(pc.data, &text, &len) < 0) ... NOMEM
 *     if (elaaoms_transcript_chunks(text, len,
 *                                   ELAAOMS_TRANSCRIPT_CHUNK_TOKENS,
 *                                   ELAAOMS_TRANSCRIPT_OVERLAP_TOKENS,
 *                                   &chunks) != 0) ... NOMEM
 *     for (i = 0; i < chunks.n; i++) {
 *         part = (elaaoms_extracted_list_t) { 0 };
 *         elaaoms_llm_extract(..., chunks.items[i].text, &part, ...);
 *         elaaoms_extracted_merge(&all, &part);
 *         elaaoms_extracted_free(&part);
 *     }
 *     elaaoms_transcript_chunks_free(&chunks);
 *     free(text);
 */

#ifndef ELAAOMS_TRANSCRIPT_H
#define ELAAOMS_TRANSCRIPT_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

#include "store/memory_types.h"

#define ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN  4
#define ELAAOMS_TRANSCRIPT_CHUNK_TOKENS     10000
#define ELAAOMS_TRANSCRIPT_OVERLAP_TOKENS   500

#define ELAAOMS_TRANSCRIPT_AGENT            "Agent: "
#define ELAAOMS_TRANSCRIPT_CALLER           "Caller: "

/* the token estimate of len bytes: ceil(len / 4) */
size_t elaaoms_transcript_tokens(size_t len);

/*
 * Builds the conversation text from a post-call data object (the
 * "data" of a post_call_transcription): one line per element of
 * data.transcript whose role is "agent" or "user" and whose message is a
 * string that is not empty once trimmed.  Other roles, null messages and
 * tool-call-only turns are skipped; a missing transcript gives "".
 *
 * *text is malloc()ed, NUL-terminated, owned by the caller (free());
 * *len (may be NULL) gets its length.  Returns the number of lines (0:
 * nothing was said), or -1 when memory runs out (then *text is NULL).
 */
int elaaoms_transcript_text(yajl_val data, char **text, size_t *len);

typedef struct {
    char    *text;      /* NUL-terminated copy, owned by the list */
    size_t   len;
    size_t   start;     /* offset of its first byte in the whole text */
} elaaoms_transcript_chunk_t;

typedef struct {
    elaaoms_transcript_chunk_t  *items;
    size_t                       n;
} elaaoms_transcript_chunks_t;

/*
 * Splits text[0..len) into chunks of at most max_tokens estimated tokens
 * (max_tokens * 4 bytes; 0 means ELAAOMS_TRANSCRIPT_CHUNK_TOKENS).  A text
 * that fits gives one chunk, an empty text none.
 *
 * Cuts are at line ends; only a line longer than a whole chunk is cut
 * inside, at a space if there is one, else at a UTF-8 character start.
 * Each chunk after the first repeats the whole lines that end the previous
 * chunk and fit in overlap_tokens (so that a fact split across the cut is
 * seen whole at least once); the overlap is dropped when it would keep the
 * next line from fitting whole.  overlap_tokens above max_tokens / 2 is
 * taken as max_tokens / 2, so chunks always advance.
 *
 * On success (0) chunks holds the copies; free them with
 * elaaoms_transcript_chunks_free().  -1 when memory runs out (chunks is
 * then empty).
 */
int elaaoms_transcript_chunks(const char *text, size_t len,
    size_t max_tokens, size_t overlap_tokens,
    elaaoms_transcript_chunks_t *chunks);

/* frees the copies and leaves an empty list; harmless twice */
void elaaoms_transcript_chunks_free(elaaoms_transcript_chunks_t *chunks);

/*
 * Appends src's items to dst, dropping exact duplicates: an item whose
 * type and normalized content equal those of an item already in dst (or
 * added earlier from src) is not added; the kept item takes the higher
 * importance and the higher confidence, and src's quote when its own is
 * empty.  Normalized content: ASCII lowercased, every run of spaces and
 * punctuation read as one separator, leading and trailing ones ignored
 * ("Order XYZ-789 is delayed." equals "order xyz 789 is delayed").
 * dst->dropped += src->dropped.  src is not changed.
 *
 * 0, or -1 when memory runs out: dst then holds what was merged so far
 * (a valid list the caller still frees).
 */
int elaaoms_extracted_merge(elaaoms_extracted_list_t *dst,
    const elaaoms_extracted_list_t *src);

#endif /* ELAAOMS_TRANSCRIPT_H */
