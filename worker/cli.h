/*
 * The operator tool: "elaaoms <command>" (the worker binary under a
 * second name) or "elaaoms-worker <command>".  "elaaoms --help" lists the
 * commands, "elaaoms <command> --help" explains one; docs/OPERATIONS.md
 * has them all with examples.  Each command runs once and exits with
 * ELAAOMS_CLI_* (cli_internal.h): 0 done, 1 failed, 2 bad arguments,
 * 3 not found.
 *
 * The worker's first commands keep their spellings and their JSON
 * output: memories ORG CALLER [AGENT], forget ORG CALLER, status ORG
 * CONVERSATION, requeue-failed ORG, refresh-contexts ORG CALLER
 * [AGENT...], upgrade ORG.
 */

#ifndef ELAAOMS_WORKER_CLI_H
#define ELAAOMS_WORKER_CLI_H

#include "worker_config.h"

/* the tool reads this configuration when --config is not given */
#define ELAAOMS_CLI_CONFIG  "/etc/elaaoms/elaaoms-worker.conf"

/* argv[0] is the command's first word (or a global option); returns the
   process exit status */
int elaaoms_cli_run(const elaaoms_worker_config_t *cf, const char *prog,
    int argc, char **argv);

/* 1 when the binary was started as "elaaoms" (the operator tool) */
int elaaoms_cli_is_tool(const char *argv0);

#endif /* ELAAOMS_WORKER_CLI_H */
