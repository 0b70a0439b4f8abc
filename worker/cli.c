/*
 * The operator tool (cli.h): global options, the command tables of the
 * cli_<group>.c files, --help for the tool and for each command.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>
#include <yajl/yajl_gen.h>

#include "cli.h"
#include "cli_internal.h"
#include "intake/caller_id.h"
#include "store/memory_store.h"
#include "version.h"
#include "worker_io.h"


static const elaaoms_cli_command_t  *elaaoms_cli_tables[] = {
    elaaoms_cli_caller_commands,
    elaaoms_cli_export_commands,
    elaaoms_cli_queue_commands,
    elaaoms_cli_usage_commands,
    elaaoms_cli_admin_commands,
    elaaoms_cli_backfill_commands,
    elaaoms_cli_openmemory_commands,
};

#define ELAAOMS_CLI_NTABLES \
    (sizeof(elaaoms_cli_tables) / sizeof(elaaoms_cli_tables[0]))


int
elaaoms_cli_fail(elaaoms_cli_t *cli, int status, const char *fmt, ...)
{
    va_list  ap;

    fprintf(stderr, "%s: ", cli->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);

    return status;
}


static void
elaaoms_cli_usage_line(FILE *f, const char *prog,
    const elaaoms_cli_command_t *cmd)
{
    fprintf(f, "usage: %s [--config FILE]%s %s%s%s\n", prog,
            (cmd->flags & ELAAOMS_CLI_LEGACY) ? "" : " [--org ORG] [--json]",
            cmd->name, cmd->synopsis[0] ? " " : "", cmd->synopsis);
}


static void
elaaoms_cli_command_help(const char *prog, const elaaoms_cli_command_t *cmd)
{
    elaaoms_cli_usage_line(stdout, prog, cmd);
    printf("\n%s\n", cmd->summary);
    if (cmd->help[0]) {
        printf("\n%s", cmd->help);
    }
}


static void
elaaoms_cli_help(FILE *f, const char *prog)
{
    size_t                        t;
    const elaaoms_cli_command_t  *c;

    fprintf(f,
        "usage: %s [--config FILE] [--org ORG] [--json] <command> [args]\n"
        "       %s --help | --version | <command> --help\n"
        "\n"
        "Operator commands of ELAAOMS, on the Redis and payload directory "
        "that the\nworker's configuration names (--config, default "
        "/etc/elaaoms/elaaoms-worker.conf\nwhen it exists).\n"
        "\n"
        "Commands:\n", prog, prog);

    for (t = 0; t < ELAAOMS_CLI_NTABLES; t++) {
        for (c = elaaoms_cli_tables[t]; c->name; c++) {
            if (!(c->flags & ELAAOMS_CLI_LEGACY)) {
                fprintf(f, "  %-22s %s\n", c->name, c->summary);
            }
        }
    }

    fprintf(f,
        "\n"
        "Options:\n"
        "  --config FILE   the worker's configuration (Redis, payload dir, "
        "keys)\n"
        "  --org ORG       the organization (default \"%s\", as in "
        "conf/nginx.conf)\n"
        "  --json          data as JSON, one document per line (default: "
        "key: value\n"
        "                  lines, a blank line between records)\n"
        "  --help          this text; \"<command> --help\" for a command's\n"
        "  --version       the version\n"
        "\n"
        "Exit status: 0 done; 1 failed (Redis, a file, a remote API); 2 bad "
        "arguments,\nnothing done; 3 not found (caller, memory, job, "
        "file), nothing done.\n"
        "\n"
        "Older spellings still work and print JSON: memories ORG CALLER "
        "[AGENT],\nforget ORG CALLER, status ORG CONVERSATION, "
        "requeue-failed ORG,\nrefresh-contexts ORG CALLER [AGENT...], "
        "upgrade ORG.\n", ELAAOMS_CLI_DEFAULT_ORG);
}


/* the command named by argv's first one or two words; *words says how
   many */
static const elaaoms_cli_command_t *
elaaoms_cli_find(int argc, char **argv, int *words)
{
    size_t                        t, n;
    const char                   *sp;
    const elaaoms_cli_command_t  *c;

    for (t = 0; t < ELAAOMS_CLI_NTABLES; t++) {
        for (c = elaaoms_cli_tables[t]; c->name; c++) {
            sp = strchr(c->name, ' ');

            if (sp == NULL) {
                if (strcmp(argv[0], c->name) == 0) {
                    *words = 1;
                    return c;
                }
                continue;
            }

            n = (size_t) (sp - c->name);
            if (argc >= 2 && strlen(argv[0]) == n
                && strncmp(argv[0], c->name, n) == 0
                && strcmp(argv[1], sp + 1) == 0)
            {
                *words = 2;
                return c;
            }
        }
    }

    return NULL;
}


int
elaaoms_cli_options(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int argc, char **argv, const struct option *opts,
    int (*on_opt)(void *data, int val, const char *arg), void *data,
    int *status)
{
    int  c;

    optind = 1;
    opterr = 0;

    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        if (c == '?' || c == ':' || on_opt(data, c, optarg) != 0) {
            if (c == '?' || c == ':') {
                fprintf(stderr, "%s: %s: bad option %s\n", cli->prog,
                        cmd->name, argv[optind - 1]);
            }
            elaaoms_cli_usage_line(stderr, cli->prog, cmd);
            *status = ELAAOMS_CLI_USAGE;
            return -1;
        }
    }

    return optind;
}


int
elaaoms_cli_nargs(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int n, int min, int max)
{
    if (n < min || (max >= 0 && n > max)) {
        elaaoms_cli_usage_line(stderr, cli->prog, cmd);
        return ELAAOMS_CLI_USAGE;
    }

    return ELAAOMS_CLI_OK;
}


int
elaaoms_cli_caller(elaaoms_cli_t *cli, const char *in, char *out,
    size_t size)
{
    if (elaaoms_caller_normalize(in, strlen(in), out, size) < 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "not a caller id: %s",
                                in);
    }

    return ELAAOMS_CLI_OK;
}


long long
elaaoms_cli_time(const char *s)
{
    char       *end;
    long long   v;
    struct tm   tm;

    if (s == NULL || *s == '\0') {
        return -1;
    }

    v = strtoll(s, &end, 10);
    if (*end == '\0' && strlen(s) > 8) {
        return v >= 0 ? v : -1;        /* unix seconds */
    }

    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%d", &tm);
    if (end == NULL) {
        return -1;
    }

    if (*end == 'T' || *end == ' ') {
        end = strptime(end + 1, "%H:%M:%S", &tm);
        if (end == NULL) {
            return -1;
        }
        if (*end == 'Z') {
            end++;
        }
    }

    if (*end != '\0') {
        return -1;
    }

    return (long long) timegm(&tm);
}


/* a count option: a positive number, at most max */
int
elaaoms_cli_count(const char *arg, long max, long *out)
{
    char  *end;
    long   v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < 1 || v > max) {
        return -1;
    }

    *out = v;
    return 0;
}


static int
elaaoms_cli_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}


/* a Redis failure (r: the reply, NULL when none came): says why, frees
   r; returns FAILED */
int
elaaoms_cli_redis_fail(elaaoms_cli_t *cli, redisReply *r)
{
    elaaoms_cli_fail(cli, 0, "redis: %s",
                     r == NULL ? elaaoms_redis_errstr(cli->rc)
                     : r->type == REDIS_REPLY_ERROR ? r->str
                     : "unexpected reply");
    if (r) {
        freeReplyObject(r);
    }

    return ELAAOMS_CLI_FAILED;
}


/* a reply that must be an integer (LLEN, ZCARD...); -1 on failure */
long long
elaaoms_cli_integer(elaaoms_cli_t *cli, redisReply *r)
{
    long long  v;

    if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
        (void) elaaoms_cli_redis_fail(cli, r);
        return -1;
    }

    v = r->integer;
    freeReplyObject(r);

    return v;
}


/* handler for --org, or for every organization (ELAAOMS_KEY_ORGS, in
   name order) with --all-orgs; the first failure's status */
int
elaaoms_cli_each_org(elaaoms_cli_t *cli, int all, elaaoms_cli_org_pt handler,
    void *data)
{
    int          rv;
    char       **names;
    size_t       i;
    redisReply  *r;

    if (!all) {
        return handler(cli, cli->org, data);
    }

    r = elaaoms_redis_command(cli->rc, "SMEMBERS %s", ELAAOMS_KEY_ORGS);
    if (r == NULL || !elaaoms_cli_all_strings(r)) {
        return elaaoms_cli_redis_fail(cli, r);
    }

    names = calloc(r->elements + 1, sizeof(char *));
    if (names == NULL) {
        freeReplyObject(r);
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "out of memory");
    }

    for (i = 0; i < r->elements; i++) {
        names[i] = r->element[i]->str;
    }

    qsort(names, r->elements, sizeof(char *), elaaoms_cli_strcmp);

    rv = ELAAOMS_CLI_OK;

    for (i = 0; i < r->elements && rv == ELAAOMS_CLI_OK; i++) {
        if (elaaoms_memory_org_valid(names[i])) {
            rv = handler(cli, names[i], data);
        }
    }

    free(names);
    freeReplyObject(r);

    return rv;
}


/* the command's options, then exactly nargs positional arguments (the
   first at *first); OK, or the exit status after the usage or the help */
int
elaaoms_cli_args(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int argc, char **argv, const struct option *opts,
    int (*on_opt)(void *data, int val, const char *arg), void *data,
    int nargs, int *first)
{
    int  rv;

    *first = elaaoms_cli_options(cli, cmd, argc, argv, opts, on_opt, data,
                                 &rv);
    if (*first < 0) {
        return rv;
    }

    return elaaoms_cli_nargs(cli, cmd, argc - *first, nargs, nargs);
}


/* takes --org, --json and --help out of argv (up to a "--"); 1 when
   --help was among them, -1 on a bad --org */
static int
elaaoms_cli_globals(elaaoms_cli_t *cli, int *argc, char **argv)
{
    int    i, j, help;
    char  *a;

    help = 0;

    for (i = 0, j = 0; i < *argc; i++) {
        a = argv[i];

        if (strcmp(a, "--") == 0) {
            while (i < *argc) {
                argv[j++] = argv[i++];
            }
            break;
        }

        if (strcmp(a, "--json") == 0) {
            cli->json = 1;
            continue;
        }

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = 1;
            continue;
        }

        if (strcmp(a, "--org") == 0 || strncmp(a, "--org=", 6) == 0) {
            if (a[5] == '=') {
                cli->org = a + 6;
            } else if (i + 1 < *argc) {
                cli->org = argv[++i];
            } else {
                return -1;
            }
            continue;
        }

        argv[j++] = a;
    }

    *argc = j;
    argv[j] = NULL;

    return help;
}


int
elaaoms_cli_run(const elaaoms_worker_config_t *cf, const char *prog,
    int argc, char **argv)
{
    int                           rv, words, help;
    elaaoms_cli_t                 cli;
    const elaaoms_cli_command_t  *cmd;

    memset(&cli, 0, sizeof(cli));
    cli.cf = cf;
    cli.prog = prog;
    cli.org = ELAAOMS_CLI_DEFAULT_ORG;

    if (argc >= 1 && strcmp(argv[0], "--version") == 0) {
        printf("%s %s\n", prog, ELAAOMS_VERSION);
        return ELAAOMS_CLI_OK;
    }

    help = elaaoms_cli_globals(&cli, &argc, argv);
    if (help < 0) {
        return elaaoms_cli_fail(&cli, ELAAOMS_CLI_USAGE, "--org needs a "
                                "value");
    }

    if (argc == 0) {
        elaaoms_cli_help(help ? stdout : stderr, prog);
        return help ? ELAAOMS_CLI_OK : ELAAOMS_CLI_USAGE;
    }

    cmd = elaaoms_cli_find(argc, argv, &words);
    if (cmd == NULL) {
        fprintf(stderr, "%s: unknown command \"%s%s%s\"\n", prog, argv[0],
                argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
        elaaoms_cli_help(stderr, prog);
        return ELAAOMS_CLI_USAGE;
    }

    if (help) {
        elaaoms_cli_command_help(prog, cmd);
        return ELAAOMS_CLI_OK;
    }

    if (!elaaoms_memory_org_valid(cli.org)) {
        return elaaoms_cli_fail(&cli, ELAAOMS_CLI_USAGE, "invalid "
                                "organization: %s", cli.org);
    }

    if (cmd->flags & ELAAOMS_CLI_LEGACY) {
        cli.json = 1;
    }

    if (cmd->flags & ELAAOMS_CLI_REDIS) {
        cli.rc = elaaoms_worker_redis_connect(cf, 5);
        if (cli.rc == NULL) {
            return elaaoms_cli_fail(&cli, ELAAOMS_CLI_FAILED, "cannot reach "
                                    "Redis at %s:%d", cf->redis_host,
                                    cf->redis_port);
        }
    }

    cli.g = yajl_gen_alloc(NULL);
    if (cli.g == NULL) {
        rv = ELAAOMS_CLI_FAILED;
        goto done;
    }

    /* the handler sees its last word as argv[0], like a program */
    rv = cmd->handler(&cli, argc - words + 1, argv + words - 1);

    yajl_gen_free(cli.g);

done:

    if (cli.rc) {
        elaaoms_redis_free(cli.rc);
    }

    return rv;
}


int
elaaoms_cli_is_tool(const char *argv0)
{
    const char  *base;

    base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;

    return strcmp(base, "elaaoms") == 0;
}
