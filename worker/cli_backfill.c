/*
 * backfill: past conversations from ElevenLabs' API queued as post-call
 * jobs (cli.h).
 */

#include <stddef.h>

#include "cli_internal.h"


const elaaoms_cli_command_t  elaaoms_cli_backfill_commands[] = {
    { NULL, NULL, NULL, NULL, NULL, 0 }
};
