/*
 * Operator commands of elaaoms-worker, run instead of the worker loop:
 *
 *   memories <org> <caller> [agent_id]
 *                                   the caller's memories (those the agent
 *                                   created or reinforced), JSON lines,
 *                                   most important first, each with all
 *                                   its "agents" and "identity"
 *   status <org> <conversation_id>  the conversation's status hash, JSON
 *   forget <org> <caller>           GDPR erasure of everything about
 *                                   the caller
 *   requeue-failed <org>            failed jobs back to the ready queue
 *   refresh-contexts <org> <caller> [agent_id ...]
 *                                   rebuilds the caller's pre-call contexts
 *                                   (templates for the greetings)
 *   upgrade <org>                   rewrites every caller's version-1
 *                                   records with all their agents (from
 *                                   the agent sets) and rebuilds those
 *                                   callers' pre-call contexts
 */

#ifndef ELAAOMS_WORKER_CLI_H
#define ELAAOMS_WORKER_CLI_H

#include "worker_config.h"

/* the process exit status */
int elaaoms_cli_run(const elaaoms_worker_config_t *cf, int argc,
    char **argv);

#endif /* ELAAOMS_WORKER_CLI_H */
