/*
 * embed_wire: the embeddings request body, the reading of answers (the
 * shapes a provider or a broken proxy sends) and the question's
 * normalization.
 */

#include <math.h>
#include <stdlib.h>

#include <yajl/yajl_tree.h>

#include "unit.h"
#include "search/embed_wire.h"
#include "util/yajl_util.h"


static void
test_request(void)
{
    char                *body;
    size_t               len;
    yajl_val             v, in;
    long long            d;
    const char          *texts[2] = { "what is my \"order\"?", "second" };
    const char          *bad[1] = { "caf\xe9" };

    CHECK_INT_EQ(elaaoms_embed_wire_request("text-embedding-3-small", 256,
                                            texts, 2, &body, &len),
                 ELAAOMS_EMBED_WIRE_OK);
    CHECK(body != NULL && strlen(body) == len);

    v = elaaoms_yajl_parse(body, NULL, 0);
    CHECK(v != NULL);
    CHECK_STR_EQ(elaaoms_yajl_str(v, ELAAOMS_YAJL_PATH("model")),
                 "text-embedding-3-small");
    CHECK_STR_EQ(elaaoms_yajl_str(v, ELAAOMS_YAJL_PATH("encoding_format")),
                 "float");
    CHECK(elaaoms_yajl_int(v, ELAAOMS_YAJL_PATH("dimensions"), &d) == 0
          && d == 256);
    in = elaaoms_yajl_arr(v, ELAAOMS_YAJL_PATH("input"));
    CHECK(in != NULL && in->u.array.len == 2);
    CHECK(in && YAJL_IS_STRING(in->u.array.values[0])
          && strcmp(in->u.array.values[0]->u.string, texts[0]) == 0);
    yajl_tree_free(v);
    free(body);

    /* dimensions 0: the model's own, not sent */
    CHECK_INT_EQ(elaaoms_embed_wire_request("m", 0, texts, 1, &body, &len),
                 ELAAOMS_EMBED_WIRE_OK);
    CHECK(strstr(body, "dimensions") == NULL);
    free(body);

    /* invalid UTF-8 is not sent */
    CHECK_INT_EQ(elaaoms_embed_wire_request("m", 0, bad, 1, &body, &len),
                 ELAAOMS_EMBED_WIRE_INPUT);
    CHECK(body == NULL);
}


/* answers refused, and what the error says */
static const struct {
    const char  *body;
    size_t       n;
    int          dims;
    const char  *msg;
} refused[] = {
    /* a dimension other than asked */
    { "{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}", 1, 3,
      "not as documented" },
    /* vectors of two sizes */
    { "{\"data\":[{\"index\":0,\"embedding\":[1,2]},"
      "{\"index\":1,\"embedding\":[1]}]}", 2, 0, "not as documented" },
    /* an index twice, out of range, missing */
    { "{\"data\":[{\"index\":0,\"embedding\":[1]},"
      "{\"index\":0,\"embedding\":[1]}]}", 2, 0, "not as documented" },
    { "{\"data\":[{\"index\":1,\"embedding\":[1]}]}", 1, 0,
      "not as documented" },
    { "{\"data\":[{\"embedding\":[1]}]}", 1, 0, "not as documented" },
    /* fewer vectors than inputs; an error body with a 200 */
    { "{\"data\":[]}", 1, 0, "not as documented" },
    { "{\"error\":{\"message\":\"x\"}}", 1, 0, "not as documented" },
    /* a number no float holds, a string, an empty vector */
    { "{\"data\":[{\"index\":0,\"embedding\":[1e39]}]}", 1, 0,
      "not as documented" },
    { "{\"data\":[{\"index\":0,\"embedding\":[\"1\"]}]}", 1, 0,
      "not as documented" },
    { "{\"data\":[{\"index\":0,\"embedding\":[]}]}", 1, 0,
      "not as documented" },
    /* not JSON: a proxy's HTML page, a cut body, nothing */
    { "<html><body>502 Bad Gateway</body></html>", 1, 0, "not JSON" },
    { "{\"data\":[{\"index\":0,\"embedd", 1, 0, "not JSON" },
    { NULL, 1, 0, "no body" },
};


static void
test_parse(void)
{
    char         err[128];
    float       *v;
    size_t       i, dim;
    long long    tokens;

    /* two vectors answered out of order, placed by index */
    tokens = -1;
    CHECK_INT_EQ(elaaoms_embed_wire_parse(
        "{\"object\":\"list\",\"data\":["
        "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-0.5,0]},"
        "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,2,3e-1]}],"
        "\"model\":\"m\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}",
        2, 3, &v, &dim, &tokens, err, sizeof(err)), ELAAOMS_EMBED_WIRE_OK);
    CHECK_INT_EQ(dim, 3);
    CHECK_INT_EQ(tokens, 7);
    CHECK(v != NULL && v[0] == 1 && v[1] == 2 && fabsf(v[2] - 0.3f) < 1e-6f
          && v[3] == 0.5f && v[4] == -0.5f && v[5] == 0);
    free(v);

    /* any dimension when none was asked for; usage may be missing */
    tokens = -1;
    CHECK_INT_EQ(elaaoms_embed_wire_parse(
        "{\"data\":[{\"index\":0,\"embedding\":[0.1,0.2,0.3,0.4,0.5]}]}",
        1, 0, &v, &dim, &tokens, err, sizeof(err)), ELAAOMS_EMBED_WIRE_OK);
    CHECK_INT_EQ(dim, 5);
    CHECK_INT_EQ(tokens, -1);
    free(v);

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        err[0] = '\0';
        CHECK_INT_EQ(elaaoms_embed_wire_parse(refused[i].body, refused[i].n,
                                              refused[i].dims, &v, &dim, NULL,
                                              err, sizeof(err)),
                     ELAAOMS_EMBED_WIRE_MALFORMED);
        CHECK(v == NULL && dim == 0);
        CHECK(strstr(err, refused[i].msg) != NULL);
    }
}


static void
test_deep(void)
{
    char    *body, err[128];
    float   *v;
    size_t   i, dim, n;

    /* nested far past the limit: refused before any tree is built */
    n = 100000;
    body = malloc(2 * n + 1);
    CHECK(body != NULL);
    if (body == NULL) {
        return;
    }

    for (i = 0; i < n; i++) {
        body[i] = '[';
        body[n + i] = ']';
    }
    body[2 * n] = '\0';

    CHECK_INT_EQ(elaaoms_embed_wire_parse(body, 1, 0, &v, &dim, NULL, err,
                                          sizeof(err)),
                 ELAAOMS_EMBED_WIRE_MALFORMED);
    CHECK(v == NULL);
    free(body);
}


static void
test_text(void)
{
    char    out[64];
    size_t  n;

#define NORM(in, want)                                                       \
    do {                                                                     \
        n = elaaoms_embed_wire_text((in), strlen(in), out, sizeof(out));     \
        CHECK_INT_EQ(n, strlen(want));                                       \
        CHECK_STR_EQ(out, (want));                                           \
    } while (0)

    NORM("what is my order number?", "what is my order number?");
    NORM("  what\tis  my\r\n order number? \n", "what is my order number?");
    NORM("", "");
    NORM(" \t\n", "");
    /* case and punctuation are the question's: kept */
    NORM("Caf\xc3\xa9  ORDER!", "Caf\xc3\xa9 ORDER!");

#undef NORM

    /* too long: cut, the full length returned */
    n = elaaoms_embed_wire_text("abc  def", 8, out, 5);
    CHECK_INT_EQ(n, 7);
    CHECK_STR_EQ(out, "abc ");
}


int
main(void)
{
    test_request();
    test_parse();
    test_deep();
    test_text();

    return UNIT_DONE("embed_wire");
}
