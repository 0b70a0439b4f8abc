/*
 * What the operator commands share (cli.c dispatches, cli_out.c prints,
 * one cli_<group>.c per group of commands, each exporting its table).
 */

#ifndef ELAAOMS_WORKER_CLI_INTERNAL_H
#define ELAAOMS_WORKER_CLI_INTERNAL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "cluster/redis_handle.h"
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "store/memory_record.h"
#include "worker_config.h"

/* exit statuses, documented by "elaaoms --help" and docs/OPERATIONS.md */
#define ELAAOMS_CLI_OK         0
#define ELAAOMS_CLI_FAILED     1     /* Redis, a file, a remote API */
#define ELAAOMS_CLI_USAGE      2     /* bad arguments: nothing was done */
#define ELAAOMS_CLI_NOT_FOUND  3     /* the caller, job, memory... is not
                                        there: nothing was done */

/* the organization when --org is not given (conf/nginx.conf's) */
#define ELAAOMS_CLI_DEFAULT_ORG  "default"

typedef struct {
    const elaaoms_worker_config_t  *cf;
    elaaoms_redis_t                *rc;     /* connected when the command
                                               needs Redis */
    const char                     *prog;   /* for messages */
    const char                     *org;    /* --org, checked */
    int                             json;   /* --json: JSON lines */
    yajl_gen                        g;      /* cli_out.c's generator */
} elaaoms_cli_t;

/* argv[0] is the command's last word; options are left for getopt */
typedef int (*elaaoms_cli_handler_pt)(elaaoms_cli_t *cli, int argc,
    char **argv);

#define ELAAOMS_CLI_REDIS   0x01    /* connect before the handler */
#define ELAAOMS_CLI_LEGACY  0x02    /* an old spelling: JSON always, not
                                       listed by --help */

typedef struct {
    const char              *name;      /* one or two words */
    const char              *synopsis;  /* after the name */
    const char              *summary;   /* one line for --help */
    const char              *help;      /* the command's --help text */
    elaaoms_cli_handler_pt   handler;
    unsigned                 flags;
} elaaoms_cli_command_t;

/* the groups' tables, each ended by a NULL name */
extern const elaaoms_cli_command_t  elaaoms_cli_caller_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_export_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_queue_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_usage_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_admin_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_backfill_commands[];
extern const elaaoms_cli_command_t  elaaoms_cli_openmemory_commands[];

/* "prog: message" on stderr; returns status */
int elaaoms_cli_fail(elaaoms_cli_t *cli, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Options of a command: getopt_long over argv (argv[0] the command), with
 * --org, --json and --help added to opts (which ends with a zero entry
 * and holds at most 16).  Calls on_opt(data, val, optarg) for the
 * command's own options; returns the index of the first positional
 * argument, or -1 after printing the usage (a bad option) or the help
 * (status in *status: USAGE or OK).
 */
struct option;
int elaaoms_cli_options(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int argc, char **argv, const struct option *opts,
    int (*on_opt)(void *data, int val, const char *arg), void *data,
    int *status);

/* positional count check: the usage on stderr and USAGE when outside */
int elaaoms_cli_nargs(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int n, int min, int max);

/* a caller as people write it, normalized like nginx does; USAGE when
   it is not one (message printed), else OK */
int elaaoms_cli_caller(elaaoms_cli_t *cli, const char *in, char *out,
    size_t size);

/* the largest --limit or --count a command takes */
#define ELAAOMS_CLI_LIMIT_MAX  100000

/* a count option: a positive number, at most max; 0, or -1 when bad */
int elaaoms_cli_count(const char *arg, long max, long *out);

/*
 * The command's options, then exactly nargs positional arguments (the
 * first at *first); OK, or the exit status after the usage or the help.
 */
int elaaoms_cli_args(elaaoms_cli_t *cli, const elaaoms_cli_command_t *cmd,
    int argc, char **argv, const struct option *opts,
    int (*on_opt)(void *data, int val, const char *arg), void *data,
    int nargs, int *first);

/* a Redis failure (r: the reply, NULL when none came): says why, frees
   r; returns FAILED */
int elaaoms_cli_redis_fail(elaaoms_cli_t *cli, redisReply *r);

/* a reply that must be an integer (LLEN, ZCARD...), freed; -1 on failure */
long long elaaoms_cli_integer(elaaoms_cli_t *cli, redisReply *r);

/* handler for --org, or for every organization (ELAAOMS_KEY_ORGS, in
   name order) with --all-orgs; the first failure's status */
typedef int (*elaaoms_cli_org_pt)(elaaoms_cli_t *cli, const char *org,
    void *data);
int elaaoms_cli_each_org(elaaoms_cli_t *cli, int all,
    elaaoms_cli_org_pt handler, void *data);

/* "2026-12-04", "2026-12-04T10:00:00Z" or unix seconds; -1 when bad */
long long elaaoms_cli_time(const char *s);

/* --- callers (cli_caller.c) ------------------------------------------ */

/* 1 when ELAAOMS holds anything of the caller, 0 when not, -1 on a Redis
   error */
int elaaoms_cli_caller_known(elaaoms_cli_t *cli, const char *caller);

/* the caller argument of a command (argv[idx], want positional arguments
   in all), normalized into caller (ELAAOMS_CALLER_MAX); USAGE or OK */
int elaaoms_cli_caller_arg(elaaoms_cli_t *cli, int idx, int argc,
    char **argv, int want, const elaaoms_cli_command_t *cmd, char *caller);

/* one memory record as a JSON object */
void elaaoms_cli_memory(yajl_gen g, const elaaoms_memory_record_t *m);

/* --- output (cli_out.c) ------------------------------------------------ */

/* the generator of one document: a map or an array, then emit */
void elaaoms_cli_str(yajl_gen g, const char *key, const char *v, size_t len);
void elaaoms_cli_cstr(yajl_gen g, const char *key, const char *v);
void elaaoms_cli_int(yajl_gen g, const char *key, long long v);
void elaaoms_cli_double(yajl_gen g, const char *key, double v);
void elaaoms_cli_bool(yajl_gen g, const char *key, int v);
void elaaoms_cli_key(yajl_gen g, const char *key);

/* a parsed JSON value (yajl_tree) into the generator */
void elaaoms_cli_regen(yajl_gen g, yajl_val v);

/*
 * Prints the document built in cli->g: one JSON line with --json (or for
 * a legacy command), else readable "key: value" lines ending with a
 * blank line; then starts the generator over.
 */
void elaaoms_cli_emit(elaaoms_cli_t *cli);

/* 1 when the reply is an array of strings */
int elaaoms_cli_all_strings(const redisReply *a);

#endif /* ELAAOMS_WORKER_CLI_INTERNAL_H */
