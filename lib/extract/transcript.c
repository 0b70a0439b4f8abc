/*
 * The conversation text, its chunking with overlap, and the merge of the
 * memories extracted from the chunks.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "extract/transcript.h"


size_t
elaaoms_transcript_tokens(size_t len)
{
    return len / ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN
           + (len % ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN != 0);
}


static int
elaaoms_transcript_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/* appends msg with every run of whitespace made one space, trimmed */
static int
elaaoms_transcript_add_message(elaaoms_buf_t *b, const char *msg)
{
    const char  *p, *word;

    p = msg;

    for ( ;; ) {
        while (*p && elaaoms_transcript_is_space((unsigned char) *p)) {
            p++;
        }

        if (*p == '\0') {
            return 0;
        }

        word = p;
        while (*p && !elaaoms_transcript_is_space((unsigned char) *p)) {
            p++;
        }

        if (word != msg && b->p[b->len - 1] != ' '
            && elaaoms_buf_append(b, " ", 1) != 0)
        {
            return -1;
        }

        if (elaaoms_buf_append(b, word, (size_t) (p - word)) != 0) {
            return -1;
        }
    }
}


static int
elaaoms_transcript_blank(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if (!elaaoms_transcript_is_space((unsigned char) *s)) {
            return 0;
        }
    }

    return 1;
}


int
elaaoms_transcript_text(yajl_val data, char **text, size_t *len)
{
    int              lines = 0;
    size_t           i;
    yajl_val         turns, turn, v;
    const char      *role, *msg, *prefix;
    elaaoms_buf_t    b;

    static const char  *role_path[] = { "role", NULL };
    static const char  *msg_path[] = { "message", NULL };
    static const char  *turns_path[] = { "transcript", NULL };

    *text = NULL;
    memset(&b, 0, sizeof(elaaoms_buf_t));

    /* "" rather than NULL: the caller can always print and free it */
    if (elaaoms_buf_append(&b, "", 0) != 0) {
        return -1;
    }

    turns = data ? yajl_tree_get(data, turns_path, yajl_t_array) : NULL;

    for (i = 0; turns != NULL && i < YAJL_GET_ARRAY(turns)->len; i++) {
        turn = YAJL_GET_ARRAY(turns)->values[i];

        v = yajl_tree_get(turn, role_path, yajl_t_string);
        role = v ? YAJL_GET_STRING(v) : NULL;
        v = yajl_tree_get(turn, msg_path, yajl_t_string);
        msg = v ? YAJL_GET_STRING(v) : NULL;

        if (role == NULL || msg == NULL || elaaoms_transcript_blank(msg)) {
            continue;
        }

        if (strcmp(role, "agent") == 0) {
            prefix = ELAAOMS_TRANSCRIPT_AGENT;
        } else if (strcmp(role, "user") == 0) {
            prefix = ELAAOMS_TRANSCRIPT_CALLER;
        } else {
            continue;
        }

        if (elaaoms_buf_append(&b, prefix, strlen(prefix)) != 0) {
            goto nomem;
        }

        if (elaaoms_transcript_add_message(&b, msg) != 0
            || elaaoms_buf_append(&b, "\n", 1) != 0)
        {
            goto nomem;
        }

        lines++;
    }

    *text = b.p;
    if (len) {
        *len = b.len;
    }

    return lines;

nomem:

    free(b.p);
    if (len) {
        *len = 0;
    }

    return -1;
}


/* --- chunks --------------------------------------------------------------- */


static int
elaaoms_chunk_push(elaaoms_transcript_chunks_t *c, size_t *cap,
    const char *text, size_t start, size_t end)
{
    size_t                       n;
    elaaoms_transcript_chunk_t  *items, *ch;

    if (c->n == *cap) {
        n = *cap ? *cap * 2 : 8;
        items = realloc(c->items, n * sizeof(elaaoms_transcript_chunk_t));
        if (items == NULL) {
            return -1;
        }
        c->items = items;
        *cap = n;
    }

    ch = &c->items[c->n];
    ch->text = malloc(end - start + 1);
    if (ch->text == NULL) {
        return -1;
    }

    memcpy(ch->text, text + start, end - start);
    ch->text[end - start] = '\0';
    ch->len = end - start;
    ch->start = start;
    c->n++;

    return 0;
}


/*
 * The cut for a chunk that must end in (lo, hi]: the last line end, else
 * the last space, else the last UTF-8 character start; hi when none.
 */
static size_t
elaaoms_chunk_cut(const char *text, size_t len, size_t lo, size_t hi)
{
    size_t  p;

    if (hi >= len) {
        return len;
    }

    for (p = hi; p > lo; p--) {
        if (text[p - 1] == '\n') {
            return p;
        }
    }

    for (p = hi; p > lo; p--) {
        if (text[p - 1] == ' ') {
            return p;
        }
    }

    for (p = hi; p > lo; p--) {
        if (((unsigned char) text[p] & 0xc0) != 0x80) {
            return p;
        }
    }

    return hi;
}


/* the end of the line starting at pos (after its "\n"), or len */
static size_t
elaaoms_chunk_line_end(const char *text, size_t len, size_t pos)
{
    const char  *nl;

    nl = memchr(text + pos, '\n', len - pos);

    return nl ? (size_t) (nl - text) + 1 : len;
}


/*
 * Where the chunk after the one ending at end starts: the first line
 * start in [end - overlap, end) that is past prev_start; end when none.
 */
static size_t
elaaoms_chunk_overlap(const char *text, size_t prev_start, size_t end,
    size_t overlap)
{
    size_t  p, lo;

    lo = end - prev_start > overlap ? end - overlap : prev_start + 1;

    for (p = lo; p < end; p++) {
        if (text[p - 1] == '\n') {
            return p;
        }
    }

    return end;
}


int
elaaoms_transcript_chunks(const char *text, size_t len, size_t max_tokens,
    size_t overlap_tokens, elaaoms_transcript_chunks_t *chunks)
{
    size_t  cap = 0, max_bytes, overlap_bytes, start, end, next, line_end;

    chunks->items = NULL;
    chunks->n = 0;

    if (max_tokens == 0) {
        max_tokens = ELAAOMS_TRANSCRIPT_CHUNK_TOKENS;
    }

    if (overlap_tokens > max_tokens / 2) {
        overlap_tokens = max_tokens / 2;
    }

    max_bytes = max_tokens > SIZE_MAX / ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN
                ? SIZE_MAX : max_tokens * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN;
    overlap_bytes = max_bytes == SIZE_MAX
                    ? max_bytes / 2
                    : overlap_tokens * ELAAOMS_TRANSCRIPT_BYTES_PER_TOKEN;

    if (len == 0) {
        return 0;
    }

    start = 0;
    end = elaaoms_chunk_cut(text, len, 0,
                            max_bytes >= len ? len : max_bytes);

    for ( ;; ) {
        if (elaaoms_chunk_push(chunks, &cap, text, start, end) != 0) {
            elaaoms_transcript_chunks_free(chunks);
            return -1;
        }

        if (end == len) {
            return 0;
        }

        next = elaaoms_chunk_overlap(text, start, end, overlap_bytes);

        /*
         * The new chunk must reach past end.  When the overlap leaves no
         * room for the next whole line but dropping it would, drop it:
         * a line cut in two is worse than a missing overlap.
         */
        line_end = elaaoms_chunk_line_end(text, len, end);
        if (line_end - next > max_bytes && line_end - end <= max_bytes) {
            next = end;
        }

        start = next;
        end = elaaoms_chunk_cut(text, len, end,
                                len - start <= max_bytes
                                ? len : start + max_bytes);
    }
}


void
elaaoms_transcript_chunks_free(elaaoms_transcript_chunks_t *chunks)
{
    size_t  i;

    for (i = 0; i < chunks->n; i++) {
        free(chunks->items[i].text);
    }

    free(chunks->items);
    chunks->items = NULL;
    chunks->n = 0;
}


/* --- merge ---------------------------------------------------------------- */


static int
elaaoms_merge_is_word(unsigned char c)
{
    return elaaoms_ascii_wordbyte(c);
}


static unsigned char
elaaoms_merge_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}


/* the next byte of the normalized form: ' ' for a separator, 0 at the end */
static unsigned char
elaaoms_merge_next(const unsigned char **pp)
{
    const unsigned char  *p = *pp;

    if (*p == '\0') {
        return 0;
    }

    if (elaaoms_merge_is_word(*p)) {
        *pp = p + 1;
        return elaaoms_merge_lower(*p);
    }

    while (*p && !elaaoms_merge_is_word(*p)) {
        p++;
    }

    *pp = p;

    /* a trailing separator is no separator */
    return *p ? ' ' : 0;
}


static int
elaaoms_merge_same_content(const char *a, const char *b)
{
    unsigned char         ca, cb;
    const unsigned char  *pa = (const unsigned char *) a;
    const unsigned char  *pb = (const unsigned char *) b;

    /* leading separators are no separators */
    while (*pa && !elaaoms_merge_is_word(*pa)) {
        pa++;
    }
    while (*pb && !elaaoms_merge_is_word(*pb)) {
        pb++;
    }

    do {
        ca = elaaoms_merge_next(&pa);
        cb = elaaoms_merge_next(&pb);
        if (ca != cb) {
            return 0;
        }
    } while (ca != 0);

    return 1;
}


int
elaaoms_extracted_merge(elaaoms_extracted_list_t *dst,
    const elaaoms_extracted_list_t *src)
{
    char                       *quote;
    size_t                      i, j;
    elaaoms_extracted_t        *d = NULL;
    const elaaoms_extracted_t  *s;

    dst->dropped += src->dropped;

    /* quadratic, but a call yields tens of memories, not thousands */
    for (i = 0; i < src->n; i++) {
        s = &src->items[i];

        for (j = 0; j < dst->n; j++) {
            d = &dst->items[j];
            if (d->type == s->type
                && elaaoms_merge_same_content(d->content, s->content))
            {
                break;
            }
        }

        if (j == dst->n) {
            if (elaaoms_extracted_add(dst, s->type, s->content,
                                      s->importance, s->confidence,
                                      s->source_quote)
                != 0)
            {
                return -1;
            }
            continue;
        }

        if (s->importance > d->importance) {
            d->importance = s->importance;
        }

        if (s->confidence > d->confidence) {
            d->confidence = s->confidence;
        }

        if (d->source_quote[0] == '\0' && s->source_quote
            && s->source_quote[0] != '\0')
        {
            quote = strdup(s->source_quote);
            if (quote == NULL) {
                return -1;
            }
            free(d->source_quote);
            d->source_quote = quote;
        }
    }

    return 0;
}
