/*
 * Operator commands that report: the audit of shared memories, usage by
 * organization, day, provider and model (cli.h).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli_internal.h"
#include "store/redis_keys.h"
#include "context/served_set_store.h"


#define ELAAOMS_CLI_AUDIT_TAIL      0     /* table indexes */
#define ELAAOMS_CLI_USAGE_CMD       1


/* --- audit tail -------------------------------------------------------- */

typedef struct {
    long       count;
    long long  since;
} elaaoms_cli_audit_t;


static int
elaaoms_cli_audit_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_audit_t  *a = data;

    if (val == 'n') {
        if (elaaoms_cli_count(arg, ELAAOMS_CLI_LIMIT_MAX, &a->count) != 0) {
            fprintf(stderr, "--count: a number from 1 to %d\n",
                    ELAAOMS_CLI_LIMIT_MAX);
            return -1;
        }
        return 0;
    }

    if (val == 's') {
        a->since = elaaoms_cli_time(arg);
        if (a->since < 0) {
            fprintf(stderr, "--since: a date (2026-12-04, "
                    "2026-12-04T10:00:00Z) or unix seconds\n");
            return -1;
        }
        return 0;
    }

    return -1;
}


/* audit tail: the newest entries of the org's audit stream, newest last */
/*
 * client-data's entries name a served set (memory_set): its ids are added
 * as memory_ids, read from the caller's served sets
 */
static void
elaaoms_cli_audit_set_ids(elaaoms_cli_t *cli, const redisReply *fields)
{
    char         err[128], *ids;
    size_t       f;
    const char  *caller, *set;

    caller = NULL;
    set = NULL;

    for (f = 0; f + 1 < fields->elements; f += 2) {
        if (strcmp(fields->element[f]->str, "caller") == 0) {
            caller = fields->element[f + 1]->str;

        } else if (strcmp(fields->element[f]->str, "memory_set") == 0) {
            set = fields->element[f + 1]->str;
        }
    }

    if (caller == NULL || set == NULL
        || elaaoms_served_set_lookup(cli->rc, cli->org, caller, set, &ids,
                                     err, sizeof(err)) != 1)
    {
        return;
    }

    elaaoms_cli_str(cli->g, "memory_ids", ids, strlen(ids));
    free(ids);
}


static int
elaaoms_cli_audit_tail(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   rv, first;
    char                  key[ELAAOMS_KEY_MAX], min[32];
    size_t                i, f;
    redisReply           *r, *e, *fields;
    elaaoms_cli_audit_t   a;
    static const struct option  opts[] = {
        { "count", required_argument, NULL, 'n' },
        { "since", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 }
    };

    a.count = 20;
    a.since = -1;

    rv = elaaoms_cli_args(cli, &elaaoms_cli_usage_commands[ELAAOMS_CLI_AUDIT_TAIL], argc, argv, opts,
                          elaaoms_cli_audit_opt, &a, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    if (elaaoms_key_org(key, sizeof(key), cli->org, ELAAOMS_KEY_AUDIT) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    /* an entry's id is its time in milliseconds */
    if (a.since >= 0) {
        snprintf(min, sizeof(min), "%lld", a.since * 1000);
    } else {
        snprintf(min, sizeof(min), "-");
    }

    r = elaaoms_redis_command(cli->rc, "XREVRANGE %s + %s COUNT %ld", key, min,
                              a.count);
    if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    for (i = r->elements; i-- > 0; /* void */) {
        e = r->element[i];

        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2
            || e->element[0]->type != REDIS_REPLY_STRING
            || !elaaoms_cli_all_strings(e->element[1]))
        {
            continue;
        }

        fields = e->element[1];

        yajl_gen_map_open(cli->g);
        elaaoms_cli_str(cli->g, "id", e->element[0]->str,
                        e->element[0]->len);
        for (f = 0; f + 1 < fields->elements; f += 2) {
            elaaoms_cli_str(cli->g, fields->element[f]->str,
                            fields->element[f + 1]->str,
                            fields->element[f + 1]->len);
        }
        elaaoms_cli_audit_set_ids(cli, fields);
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
    }

    freeReplyObject(r);

    return ELAAOMS_CLI_OK;
}


/* --- usage ------------------------------------------------------------- */

/* the metrics of a usage record, in output order */
static const char  *elaaoms_cli_usage_metrics[] = {
    "extractions", "input_tokens", "output_tokens", "embed_tokens", "cost",
    NULL
};

#define ELAAOMS_CLI_USAGE_NMETRICS  5
#define ELAAOMS_CLI_USAGE_COST      4

typedef struct {
    const char  *field;       /* "<day>|<provider>|<model>|", in the reply */
    size_t       len;         /* up to the metric */
    double       v[ELAAOMS_CLI_USAGE_NMETRICS];
} elaaoms_cli_usage_rec_t;

typedef struct {
    int                       all;
    char                      since[16];   /* days, "" for no bound */
    char                      until[16];
    elaaoms_cli_usage_rec_t  *recs;
    size_t                    n;
} elaaoms_cli_usage_t;


/* a date option as the day it falls on (UTC) */
static int
elaaoms_cli_day(const char *arg, char *day, size_t size)
{
    time_t      t;
    long long   v;
    struct tm   tm;

    v = elaaoms_cli_time(arg);
    if (v < 0) {
        fprintf(stderr, "a date (2026-12-04, 2026-12-04T10:00:00Z) or unix "
                "seconds: %s\n", arg);
        return -1;
    }

    t = (time_t) v;
    gmtime_r(&t, &tm);
    strftime(day, size, "%Y-%m-%d", &tm);

    return 0;
}


static int
elaaoms_cli_usage_opt(void *data, int val, const char *arg)
{
    elaaoms_cli_usage_t  *u = data;

    switch (val) {
    case 'a':
        u->all = 1;
        return 0;
    case 's':
        return elaaoms_cli_day(arg, u->since, sizeof(u->since));
    case 'u':
        return elaaoms_cli_day(arg, u->until, sizeof(u->until));
    }

    return -1;
}


static int
elaaoms_cli_usage_cmp(const void *a, const void *b)
{
    const elaaoms_cli_usage_rec_t  *x = a, *y = b;
    int                             c;

    c = strncmp(x->field, y->field, x->len < y->len ? x->len : y->len);

    return c ? c : (x->len > y->len) - (x->len < y->len);
}


/* the record of field's day, provider and model; NULL: out of memory */
static elaaoms_cli_usage_rec_t *
elaaoms_cli_usage_rec(elaaoms_cli_usage_t *u, const char *field, size_t len)
{
    size_t                    i;
    elaaoms_cli_usage_rec_t  *grown;

    for (i = 0; i < u->n; i++) {
        if (u->recs[i].len == len
            && memcmp(u->recs[i].field, field, len) == 0)
        {
            return &u->recs[i];
        }
    }

    grown = realloc(u->recs, (u->n + 1) * sizeof(elaaoms_cli_usage_rec_t));
    if (grown == NULL) {
        return NULL;
    }

    u->recs = grown;
    memset(&u->recs[u->n], 0, sizeof(elaaoms_cli_usage_rec_t));
    u->recs[u->n].field = field;
    u->recs[u->n].len = len;

    return &u->recs[u->n++];
}


/* one org's usage:daily hash, summed into records and printed */
static int
elaaoms_cli_usage_org(elaaoms_cli_t *cli, const char *org, void *data)
{
    int                       m, n;
    char                      key[ELAAOMS_KEY_MAX], day[16], num[64];
    size_t                    i;
    const char               *f, *metric, *provider, *model;
    redisReply               *r;
    elaaoms_cli_usage_t      *u = data;
    elaaoms_cli_usage_rec_t  *rec;

    if (elaaoms_key_usage_daily(key, sizeof(key), org) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization");
    }

    r = elaaoms_redis_command(cli->rc, "HGETALL %s", key);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    u->n = 0;

    for (i = 0; i + 1 < r->elements; i += 2) {
        f = r->element[i]->str;

        /* "<YYYY-MM-DD>|<provider>|<model>|<metric>" */
        metric = strrchr(f, ELAAOMS_USAGE_SEP);
        provider = strchr(f, ELAAOMS_USAGE_SEP);
        if (metric == NULL || provider != f + 10
            || strchr(provider + 1, ELAAOMS_USAGE_SEP) == metric)
        {
            continue;
        }

        memcpy(day, f, 10);
        day[10] = '\0';
        if ((u->since[0] && strcmp(day, u->since) < 0)
            || (u->until[0] && strcmp(day, u->until) > 0))
        {
            continue;
        }

        for (m = 0; elaaoms_cli_usage_metrics[m]; m++) {
            if (strcmp(metric + 1, elaaoms_cli_usage_metrics[m]) == 0) {
                break;
            }
        }

        if (elaaoms_cli_usage_metrics[m] == NULL) {
            continue;
        }

        rec = elaaoms_cli_usage_rec(u, f, (size_t) (metric - f) + 1);
        if (rec == NULL) {
            freeReplyObject(r);
            return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "out of "
                                    "memory");
        }

        rec->v[m] += strtod(r->element[i + 1]->str, NULL);
    }

    qsort(u->recs, u->n, sizeof(elaaoms_cli_usage_rec_t),
          elaaoms_cli_usage_cmp);

    for (i = 0; i < u->n; i++) {
        rec = &u->recs[i];
        provider = rec->field + 11;
        model = strchr(provider, ELAAOMS_USAGE_SEP) + 1;

        yajl_gen_map_open(cli->g);
        elaaoms_cli_cstr(cli->g, "org", org);
        elaaoms_cli_str(cli->g, "day", rec->field, 10);
        elaaoms_cli_str(cli->g, "provider", provider,
                        (size_t) (model - 1 - provider));
        elaaoms_cli_str(cli->g, "model", model,
                        (size_t) (rec->field + rec->len - 1 - model));
        for (m = 0; m < ELAAOMS_CLI_USAGE_NMETRICS; m++) {
            if (m == ELAAOMS_CLI_USAGE_COST) {
                /* the worker adds costs with 6 decimals: no more shown */
                n = snprintf(num, sizeof(num), "%.6f", rec->v[m]);
                elaaoms_cli_key(cli->g, elaaoms_cli_usage_metrics[m]);
                yajl_gen_number(cli->g, num, (size_t) n);
            } else {
                elaaoms_cli_int(cli->g, elaaoms_cli_usage_metrics[m],
                                (long long) rec->v[m]);
            }
        }
        yajl_gen_map_close(cli->g);
        elaaoms_cli_emit(cli);
    }

    freeReplyObject(r);

    return ELAAOMS_CLI_OK;
}


/* usage: tokens and cost by org, day, provider and model */
static int
elaaoms_cli_usage(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                   rv, first;
    elaaoms_cli_usage_t   u;
    static const struct option  opts[] = {
        { "all-orgs", no_argument, NULL, 'a' },
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 }
    };

    memset(&u, 0, sizeof(u));

    rv = elaaoms_cli_args(cli, &elaaoms_cli_usage_commands[ELAAOMS_CLI_USAGE_CMD], argc, argv, opts,
                          elaaoms_cli_usage_opt, &u, 0, &first);
    if (rv != ELAAOMS_CLI_OK) {
        return rv;
    }

    rv = elaaoms_cli_each_org(cli, u.all, elaaoms_cli_usage_org, &u);

    free(u.recs);

    return rv;
}


const elaaoms_cli_command_t  elaaoms_cli_usage_commands[] = {

    { "audit tail", "[--count N] [--since DATE]",
      "the newest entries of the audit of shared memories",
      "The organization's audit stream: one entry each time nginx served\n"
      "memories of a caller noted by other agents (client-data, search).\n"
      "\n"
      "Options:\n"
      "  --count N      the newest N entries (default 20)\n"
      "  --since DATE   only entries from DATE (2026-12-04,\n"
      "                 2026-12-04T10:00:00Z or unix seconds)\n"
      "\n"
      "One record per entry, the newest last: id (the stream id, its time\n"
      "in milliseconds first) and the entry's fields: org, caller,\n"
      "agent_id, memory_ids (search) or memory_set (client-data: the\n"
      "served set, whose ids are added as memory_ids), time, request_id,\n"
      "via, client, auth.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme audit tail --count 5\n",
      elaaoms_cli_audit_tail, ELAAOMS_CLI_REDIS },

    { "usage", "[--since DATE] [--until DATE] [--all-orgs]",
      "tokens and cost by org, day, provider and model",
      "What the worker recorded as it completed each job (days in UTC).\n"
      "\n"
      "Options:\n"
      "  --since DATE   from that day on (2026-12-04 or unix seconds)\n"
      "  --until DATE   up to that day, included\n"
      "  --all-orgs     every organization that has had jobs\n"
      "\n"
      "One record per org, day, provider and model: extractions, input_tokens\n"
      "and output_tokens of the LLM, embed_tokens of the embeddings model\n"
      "(provider openai), cost in the currency of the configured prices.\n"
      "Provider \"offline\" is the built-in extractor (no tokens, no cost),\n"
      "\"none\" a call with nothing to extract (anonymous, no words).\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme usage --since 2026-12-01\n",
      elaaoms_cli_usage, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
