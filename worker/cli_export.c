/*
 * caller export: everything ELAAOMS holds about a caller as one JSON
 * document, the GDPR access request (cli.h).  It reads what erasure
 * deletes through erasure's own walks (store/caller_erase.h), so the two
 * cannot disagree.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "intake/caller_id.h"
#include "intake/durable_file.h"
#include "intake/intake.h"
#include "store/caller_erase.h"
#include "store/memory_store.h"
#include "store/redis_keys.h"
#include "worker_io.h"


/* JSON text as a parsed value; anything else as a string */
static void
elaaoms_cli_json_text(yajl_gen g, const char *text, size_t len)
{
    char      *copy;
    yajl_val   v;

    copy = malloc(len + 1);
    v = NULL;

    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
        v = yajl_tree_parse(copy, NULL, 0);
        free(copy);
    }

    if (v == NULL) {
        yajl_gen_string(g, (const unsigned char *) text, len);
        return;
    }

    elaaoms_cli_regen(g, v);
    yajl_tree_free(v);
}


/* a reply as JSON: arrays of pairs (HGETALL) as objects when pairs */
static void
elaaoms_cli_reply(yajl_gen g, const redisReply *r, int pairs)
{
    size_t  i;

    switch (r->type) {

    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        elaaoms_cli_json_text(g, r->str, r->len);
        break;

    case REDIS_REPLY_INTEGER:
        yajl_gen_integer(g, r->integer);
        break;

    case REDIS_REPLY_ARRAY:
        if (pairs && elaaoms_cli_all_strings(r)) {
            yajl_gen_map_open(g);
            for (i = 0; i + 1 < r->elements; i += 2) {
                yajl_gen_string(g, (const unsigned char *) r->element[i]->str,
                                r->element[i]->len);
                elaaoms_cli_json_text(g, r->element[i + 1]->str,
                                      r->element[i + 1]->len);
            }
            yajl_gen_map_close(g);
            break;
        }
        yajl_gen_array_open(g);
        for (i = 0; i < r->elements; i++) {
            elaaoms_cli_reply(g, r->element[i], 0);
        }
        yajl_gen_array_close(g);
        break;

    default:
        yajl_gen_null(g);
    }
}


/* the value of a key, whatever its type, as JSON */
static int
elaaoms_cli_key_value(elaaoms_cli_t *cli, const char *key)
{
    int          pairs;
    redisReply  *t, *r;
    const char  *fmt;

    t = elaaoms_redis_command(cli->rc, "TYPE %s", key);
    if (t == NULL || t->type != REDIS_REPLY_STATUS) {
        if (t) {
            freeReplyObject(t);
        }
        return -1;
    }

    pairs = 0;
    fmt = NULL;
    if (strcmp(t->str, "string") == 0) {
        fmt = "GET %s";
    } else if (strcmp(t->str, "hash") == 0) {
        fmt = "HGETALL %s";
        pairs = 1;
    } else if (strcmp(t->str, "set") == 0) {
        fmt = "SMEMBERS %s";
    } else if (strcmp(t->str, "zset") == 0) {
        fmt = "ZRANGE %s 0 -1 WITHSCORES";
        pairs = 1;
    } else if (strcmp(t->str, "list") == 0) {
        fmt = "LRANGE %s 0 -1";
    }

    freeReplyObject(t);

    if (fmt == NULL) {
        yajl_gen_null(cli->g);
        return 0;
    }

    r = elaaoms_redis_command(cli->rc, fmt, key);
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        if (r) {
            freeReplyObject(r);
        }
        return -1;
    }

    elaaoms_cli_reply(cli->g, r, pairs);
    freeReplyObject(r);
    return 0;
}


/* export's SCAN page of the caller's keys: each one named with its
   value; the memory index is "memories" (binary records) */
typedef struct {
    elaaoms_cli_t  *cli;
    const char     *index;
} elaaoms_cli_export_t;


static long long
elaaoms_cli_export_keys(void *data, elaaoms_redis_t *rc, const redisReply *keys,
    char *err, size_t errlen)
{
    size_t                 i;
    elaaoms_cli_export_t  *x = data;

    for (i = 0; i < keys->elements; i++) {
        yajl_gen_string(x->cli->g, (const unsigned char *) keys->element[i]->str,
                        keys->element[i]->len);

        if (strcmp(keys->element[i]->str, x->index) == 0) {
            yajl_gen_map_open(x->cli->g);
            elaaoms_cli_cstr(x->cli->g, "see", "memories");
            yajl_gen_map_close(x->cli->g);
            continue;
        }

        if (elaaoms_cli_key_value(x->cli, keys->element[i]->str) != 0) {
            snprintf(err, errlen, "redis: %s", elaaoms_redis_errstr(rc));
            return -1;
        }
    }

    return (long long) keys->elements;
}


static long
elaaoms_cli_export_job(void *data, elaaoms_redis_t *rc, const char *key,
    int zset, const redisReply *item, char *err, size_t errlen)
{
    elaaoms_cli_t  *cli = data;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "list", key);
    elaaoms_cli_key(cli->g, "job");
    elaaoms_cli_json_text(cli->g, item->str, item->len);
    yajl_gen_map_close(cli->g);

    return 1;
}


static long
elaaoms_cli_export_audit(void *data, elaaoms_redis_t *rc, const char *key,
    int zset, const redisReply *item, char *err, size_t errlen)
{
    elaaoms_cli_t  *cli = data;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_str(cli->g, "id", item->element[0]->str,
                    item->element[0]->len);
    elaaoms_cli_key(cli->g, "fields");
    elaaoms_cli_reply(cli->g, item->element[1], 1);
    yajl_gen_map_close(cli->g);

    return 1;
}


/* the files of the conversation's payload directory: each one's name and
   size, and its content when it is JSON (transcripts, failures, the
   pending job); a recording is only named */
static int
elaaoms_cli_export_files(elaaoms_cli_t *cli, const char *conversation_id,
    char *err, size_t errlen)
{
    int             dfd, fd;
    DIR            *d;
    char            sub[512], *buf;
    size_t          len;
    struct stat     st;
    struct dirent  *e;

    yajl_gen_array_open(cli->g);

    if (cli->cf->payload_dir[0] == '\0'
        || elaaoms_payload_sub_path(sub, sizeof(sub), cli->org,
                                    conversation_id) < 0)
    {
        yajl_gen_array_close(cli->g);
        return 0;
    }

    dfd = elaaoms_durable_open_dir(cli->cf->payload_dir, sub, 0, err, errlen);
    if (dfd == -1) {
        yajl_gen_array_close(cli->g);
        return errno == ENOENT ? 0 : -1;
    }

    d = fdopendir(dfd);
    if (d == NULL) {
        snprintf(err, errlen, "payload directory of %s: %s",
                 conversation_id, strerror(errno));
        close(dfd);
        return -1;
    }

    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }

        fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd == -1 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (fd != -1) {
                close(fd);
            }
            continue;
        }

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "file", e->d_name);
        elaaoms_cli_int(cli->g, "bytes", (long long) st.st_size);

        len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".mp3") == 0) {
            close(fd);

        } else {
            buf = elaaoms_worker_read_fd(fd, &len);
            if (buf) {
                elaaoms_cli_key(cli->g, "content");
                elaaoms_cli_json_text(cli->g, buf, len);
                free(buf);
            }
        }

        yajl_gen_map_close(cli->g);
    }

    closedir(d);
    yajl_gen_array_close(cli->g);
    return 0;
}


/* one conversation: its status hash, the keys erasure deletes for it
   (those present) and its payload files */
static int
elaaoms_cli_export_conversation(elaaoms_cli_t *cli, const char *id,
    char *err, size_t errlen)
{
    char         keys[ELAAOMS_CONVERSATION_KEYS][ELAAOMS_KEY_MAX];
    size_t       i, n;
    redisReply  *r;

    n = elaaoms_conversation_keys(keys, cli->org, id);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "conversation_id", id);

    elaaoms_cli_key(cli->g, "keys");
    yajl_gen_map_open(cli->g);
    for (i = 0; i < n; i++) {
        r = elaaoms_redis_command(cli->rc, "EXISTS %s", keys[i]);
        if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
            if (r) {
                freeReplyObject(r);
            }
            snprintf(err, errlen, "redis: %s", elaaoms_redis_errstr(cli->rc));
            return -1;
        }

        if (r->integer > 0) {
            elaaoms_cli_key(cli->g, keys[i]);
            if (elaaoms_cli_key_value(cli, keys[i]) != 0) {
                freeReplyObject(r);
                snprintf(err, errlen, "redis: %s",
                         elaaoms_redis_errstr(cli->rc));
                return -1;
            }
        }
        freeReplyObject(r);
    }
    yajl_gen_map_close(cli->g);

    /* its entry in the status page's recent conversations: when received */
    if (elaaoms_key_recent(keys[0], ELAAOMS_KEY_MAX, cli->org) >= 0) {
        r = elaaoms_redis_command(cli->rc, "ZSCORE %s %s", keys[0], id);
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            if (r) {
                freeReplyObject(r);
            }
            snprintf(err, errlen, "redis: %s", elaaoms_redis_errstr(cli->rc));
            return -1;
        }
        elaaoms_cli_key(cli->g, "recent");
        elaaoms_cli_reply(cli->g, r, 0);
        freeReplyObject(r);
    }

    elaaoms_cli_key(cli->g, "files");
    if (elaaoms_cli_export_files(cli, id, err, errlen) != 0) {
        return -1;
    }

    yajl_gen_map_close(cli->g);
    return 0;
}


/*
 * caller export CALLER: what erasure would delete, read instead
 * (caller_erase.h): the memories, every key under the caller's prefix,
 * the conversations erasure finds with their keys and payload files, the
 * jobs and audit entries naming the caller.
 */
static int
elaaoms_cli_caller_export(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                    known, rv;
    char                   err[256], caller[ELAAOMS_CALLER_MAX];
    char                   index[ELAAOMS_KEY_MAX];
    size_t                 i;
    long long              n;
    elaaoms_erase_ids_t    ids;
    elaaoms_cli_export_t   x;
    elaaoms_memory_list_t  list;
    elaaoms_memory_query_t q;

    if (elaaoms_cli_caller_arg(cli, 1, argc, argv, 1,
                               &elaaoms_cli_export_commands[0], caller)
        != ELAAOMS_CLI_OK)
    {
        return ELAAOMS_CLI_USAGE;
    }

    memset(&ids, 0, sizeof(ids));
    memset(&list, 0, sizeof(list));
    err[0] = '\0';

    /* a conversation or job found only through the jobs makes it known */
    if (elaaoms_caller_conversations(cli->rc, cli->org, caller, &ids, err,
                                     sizeof(err)) != 0)
    {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    known = ids.n > 0 ? 1 : elaaoms_cli_caller_known(cli, caller);
    if (known <= 0) {
        elaaoms_erase_ids_free(&ids);
        return known < 0
               ? elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "redis: %s",
                                  elaaoms_redis_errstr(cli->rc))
               : elaaoms_cli_fail(cli, ELAAOMS_CLI_NOT_FOUND, "no caller %s "
                                  "in organization %s", caller, cli->org);
    }

    /* everything, superseded included, oldest first */
    elaaoms_memory_query_init(&q);
    q.order = ELAAOMS_MEMORY_ORDER_OLDEST;

    rv = ELAAOMS_CLI_FAILED;

    if (elaaoms_memory_store_query(cli->rc, cli->org, caller, &q, &list, err,
                                   sizeof(err)) != 0
        || elaaoms_key_caller(index, sizeof(index), cli->org, caller,
                              ELAAOMS_MEMORY_KEY_INDEX) < 0)
    {
        goto done;
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "caller", caller);
    elaaoms_cli_cstr(cli->g, "organization", cli->org);
    elaaoms_cli_int(cli->g, "exported_at", (long long) time(NULL));

    elaaoms_cli_key(cli->g, "memories");
    yajl_gen_array_open(cli->g);
    for (i = 0; i < list.n; i++) {
        elaaoms_cli_memory(cli->g, &list.items[i]);
    }
    yajl_gen_array_close(cli->g);

    /* contexts, call history, indexes: every key erasure would delete */
    elaaoms_cli_key(cli->g, "keys");
    yajl_gen_map_open(cli->g);
    x.cli = cli;
    x.index = index;
    if (elaaoms_memory_store_scan_caller(cli->rc, cli->org, caller,
                                         elaaoms_cli_export_keys, &x, NULL,
                                         err, sizeof(err)) != 0)
    {
        goto done;
    }

    /* the conversation index, in the org's slot under a hashed name */
    if (elaaoms_key_conversation_index(index, sizeof(index), cli->org,
                                       caller) < 0)
    {
        goto done;
    }

    n = elaaoms_cli_integer(cli, elaaoms_redis_command(cli->rc, "EXISTS %s",
                                                       index));
    if (n < 0) {
        goto done;
    }

    if (n > 0) {
        elaaoms_cli_key(cli->g, index);
        if (elaaoms_cli_key_value(cli, index) != 0) {
            goto done;
        }
    }
    yajl_gen_map_close(cli->g);

    elaaoms_cli_key(cli->g, "conversations");
    yajl_gen_array_open(cli->g);
    for (i = 0; i < ids.n; i++) {
        if (elaaoms_cli_export_conversation(cli, ids.ids[i], err,
                                            sizeof(err)) != 0)
        {
            goto done;
        }
    }
    yajl_gen_array_close(cli->g);

    elaaoms_cli_key(cli->g, "jobs");
    yajl_gen_array_open(cli->g);
    if (elaaoms_caller_jobs(cli->rc, cli->org, caller, &ids,
                            elaaoms_cli_export_job, cli, NULL, err,
                            sizeof(err)) != 0)
    {
        goto done;
    }
    yajl_gen_array_close(cli->g);

    elaaoms_cli_key(cli->g, "audit");
    yajl_gen_array_open(cli->g);
    if (elaaoms_caller_audit(cli->rc, cli->org, caller,
                             elaaoms_cli_export_audit, cli, NULL, err,
                             sizeof(err)) != 0)
    {
        goto done;
    }
    yajl_gen_array_close(cli->g);

    yajl_gen_map_close(cli->g);

    /* one document for the data subject, whatever --json says */
    cli->json = 1;
    elaaoms_cli_emit(cli);
    rv = ELAAOMS_CLI_OK;

done:

    elaaoms_memory_list_free(&list);
    elaaoms_erase_ids_free(&ids);

    if (rv != ELAAOMS_CLI_OK) {
        return elaaoms_cli_fail(cli, rv, "%s", err[0] ? err : "export "
                                "failed");
    }

    return rv;
}


const elaaoms_cli_command_t  elaaoms_cli_export_commands[] = {

    { "caller export", "CALLER",
      "everything about the caller as one JSON document (GDPR access)",
      "Everything ELAAOMS holds about the caller, as ONE JSON document on\n"
      "one line (with or without --json): what \"caller forget\" would\n"
      "delete, found the same way (lib/store/caller_erase.h).\n"
      "\n"
      "Fields:\n"
      "  caller, organization, exported_at (unix seconds)\n"
      "  memories        every record, superseded included, oldest first\n"
      "                  (the fields of \"caller show\")\n"
      "  keys            every Redis key under the caller's prefix with its\n"
      "                  value: the pre-call context documents per agent\n"
      "                  (context:<agent>), the call history (calls), the\n"
      "                  conversation index, the memory indexes; the memory\n"
      "                  index itself is \"memories\"\n"
      "  conversations   each conversation of the caller: conversation_id,\n"
      "                  keys (its status hash, intake markers, call\n"
      "                  binding, those present, with their values), recent\n"
      "                  (when the status page's list got it, or null) and\n"
      "                  files (the payload directory: file, bytes, and the\n"
      "                  content of the JSON ones: the post-call payload\n"
      "                  with its transcript and metadata)\n"
      "  jobs            queued, delayed, failed... jobs naming the caller\n"
      "                  or its conversations: list, job\n"
      "  audit           entries of the organization's audit stream naming\n"
      "                  the caller: id, fields\n"
      "\n"
      "Exit 3 when ELAAOMS knows nothing of the caller.\n"
      "\n"
      "Example:\n"
      "  elaaoms --config /etc/elaaoms/elaaoms-worker.conf --org acme \\\n"
      "      caller export +14155550123 > caller.json\n",
      elaaoms_cli_caller_export, ELAAOMS_CLI_REDIS },

    /* ELAAOMS_CLI_CALLER_FORGET */
    { NULL, NULL, NULL, NULL, NULL, 0 }
};
