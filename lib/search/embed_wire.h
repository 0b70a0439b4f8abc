/*
 * The embeddings API's wire format (OpenAI's POST /v1/embeddings, also
 * spoken by compatible servers), without any I/O: the request body and
 * the reading of a 200 answer.  The worker's client
 * (clients/embed_openai.h) sends the body over libcurl; nginx's search
 * sends the question's through a subrequest (ngx_http_elaaoms_embed.c),
 * so this file is in the archive the module links: no blocking call, no
 * nginx type.
 *
 * The question nginx embeds is first normalized
 * (elaaoms_embed_wire_text()): the same text is sent and hashed for the
 * Redis cache key, so a cached vector is exactly the vector of its key's
 * text.
 */

#ifndef ELAAOMS_EMBED_WIRE_H
#define ELAAOMS_EMBED_WIRE_H

#include <stddef.h>

typedef enum {
    ELAAOMS_EMBED_WIRE_OK = 0,
    ELAAOMS_EMBED_WIRE_INPUT = -1,      /* not buildable: invalid UTF-8 */
    ELAAOMS_EMBED_WIRE_MALFORMED = -2,  /* not JSON, not as documented */
    ELAAOMS_EMBED_WIRE_NOMEM = -3
} elaaoms_embed_wire_rc_e;

/*
 * {"model":..,"encoding_format":"float"[,"dimensions":N],"input":[..]}
 * for texts[0..n), as one malloc()ed NUL-terminated string in *body (the
 * caller frees it), its length in *len.  dimensions <= 0 is not sent
 * (the model's own).  An elaaoms_embed_wire_rc_e.
 */
int elaaoms_embed_wire_request(const char *model, int dimensions,
    const char *const *texts, size_t n, char **body, size_t *len);

/*
 * Reads a 200 answer (NUL-terminated; parsed with a nesting limit,
 * util/yajl_util.h) to a request of n inputs: n vectors of one size
 * (dimensions when > 0), finite numbers, placed by their "index", each
 * index once.  On success *vectors is one malloc()ed block of n * *dim
 * floats (the caller frees it) and *tokens (may be NULL) gets
 * usage.prompt_tokens when the answer has it.  Otherwise *vectors is
 * NULL and err (may be NULL) says why, without quoting the answer.
 */
int elaaoms_embed_wire_parse(const char *body, size_t n, int dimensions,
    float **vectors, size_t *dim, long long *tokens, char *err,
    size_t errlen);

/*
 * The question as it is sent and cached: ASCII whitespace trimmed at
 * both ends and every inner run of it made one space; other bytes kept.
 * Writes at most size - 1 bytes and a NUL to out; returns the length of
 * the whole normalized text (>= size: it did not fit).
 */
size_t elaaoms_embed_wire_text(const char *text, size_t len, char *out,
    size_t size);

#endif /* ELAAOMS_EMBED_WIRE_H */
