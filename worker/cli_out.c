/*
 * Operator commands' output: every command builds its data as JSON with
 * yajl_gen; --json prints it as one line, otherwise it is shown as
 * "key: value" lines, one record per paragraph, for people.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cli_internal.h"


void
elaaoms_cli_key(yajl_gen g, const char *key)
{
    yajl_gen_string(g, (const unsigned char *) key, strlen(key));
}


void
elaaoms_cli_str(yajl_gen g, const char *key, const char *v, size_t len)
{
    elaaoms_cli_key(g, key);
    yajl_gen_string(g, (const unsigned char *) (v ? v : ""), v ? len : 0);
}


void
elaaoms_cli_cstr(yajl_gen g, const char *key, const char *v)
{
    elaaoms_cli_str(g, key, v, v ? strlen(v) : 0);
}


void
elaaoms_cli_int(yajl_gen g, const char *key, long long v)
{
    elaaoms_cli_key(g, key);
    yajl_gen_integer(g, v);
}


void
elaaoms_cli_double(yajl_gen g, const char *key, double v)
{
    elaaoms_cli_key(g, key);
    yajl_gen_double(g, v);
}


void
elaaoms_cli_bool(yajl_gen g, const char *key, int v)
{
    elaaoms_cli_key(g, key);
    yajl_gen_bool(g, v);
}


int
elaaoms_cli_all_strings(const redisReply *a)
{
    size_t  i;

    if (a->type != REDIS_REPLY_ARRAY) {
        return 0;
    }

    for (i = 0; i < a->elements; i++) {
        if (a->element[i]->type != REDIS_REPLY_STRING) {
            return 0;
        }
    }

    return 1;
}


/* a nested value back to compact JSON, for one "key: value" line */
void
elaaoms_cli_regen(yajl_gen g, yajl_val v)
{
    size_t  i;

    if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (const unsigned char *) v->u.string,
                        strlen(v->u.string));

    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));

    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, YAJL_IS_TRUE(v));

    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            elaaoms_cli_key(g, v->u.object.keys[i]);
            elaaoms_cli_regen(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);

    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++) {
            elaaoms_cli_regen(g, v->u.array.values[i]);
        }
        yajl_gen_array_close(g);

    } else {
        yajl_gen_null(g);
    }
}


static void
elaaoms_cli_show_value(yajl_val v)
{
    size_t                len;
    yajl_gen              g;
    const unsigned char  *buf;

    if (YAJL_IS_STRING(v)) {
        fputs(v->u.string, stdout);
        return;
    }

    if (YAJL_IS_NUMBER(v)) {
        fputs(v->u.number.r, stdout);
        return;
    }

    if (YAJL_IS_NULL(v)) {
        fputs("-", stdout);
        return;
    }

    g = yajl_gen_alloc(NULL);
    elaaoms_cli_regen(g, v);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fwrite(buf, 1, len, stdout);
    }
    yajl_gen_free(g);
}


static void
elaaoms_cli_show(yajl_val v)
{
    size_t  i;

    if (YAJL_IS_ARRAY(v)) {
        for (i = 0; i < v->u.array.len; i++) {
            elaaoms_cli_show(v->u.array.values[i]);
        }
        return;
    }

    if (!YAJL_IS_OBJECT(v)) {
        elaaoms_cli_show_value(v);
        fputs("\n\n", stdout);
        return;
    }

    for (i = 0; i < v->u.object.len; i++) {
        printf("%s: ", v->u.object.keys[i]);
        elaaoms_cli_show_value(v->u.object.values[i]);
        fputc('\n', stdout);
    }

    fputc('\n', stdout);
}


void
elaaoms_cli_emit(elaaoms_cli_t *cli)
{
    char                  err[128], *text;
    size_t                len;
    yajl_val              tree;
    const unsigned char  *out;

    if (yajl_gen_get_buf(cli->g, &out, &len) != yajl_gen_status_ok) {
        goto done;
    }

    if (cli->json) {
        printf("%.*s\n", (int) len, (const char *) out);
        goto done;
    }

    /* yajl_tree_parse() wants a NUL: the generator's buffer has none;
       an export can be megabytes, so not on the stack */
    text = malloc(len + 1);
    if (text == NULL) {
        printf("%.*s\n", (int) len, (const char *) out);
        goto done;
    }

    memcpy(text, out, len);
    text[len] = '\0';
    tree = yajl_tree_parse(text, err, sizeof(err));
    free(text);

    if (tree == NULL) {
        printf("%.*s\n", (int) len, (const char *) out);
        goto done;
    }

    elaaoms_cli_show(tree);
    yajl_tree_free(tree);

done:

    fflush(stdout);
    yajl_gen_clear(cli->g);
    yajl_gen_reset(cli->g, NULL);
}
