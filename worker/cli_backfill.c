/*
 * backfill: past conversations queued as post-call jobs, from a saved
 * webhook body (payload replay) or from ElevenLabs' API (backfill); the
 * queueing and the paging are backfill.h's (cli.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "backfill.h"
#include "cli_internal.h"
#include "clients/elevenlabs_conversations.h"
#include "intake/ids.h"
#include "intake/intake.h"
#include "sweep.h"
#include "worker_io.h"
#include "worker_log.h"


#define ELAAOMS_CLI_BACKFILL_RATE       4      /* requests a second */
#define ELAAOMS_CLI_BACKFILL_PAGE_SIZE  30     /* the API's own default */

extern const elaaoms_cli_command_t  elaaoms_cli_backfill_commands[];


static const char *
elaaoms_cli_intake_result(int result)
{
    switch (result) {
    case 1:
        return "queued";
    case 0:
        return "already_queued";
    case -1:
        return "newer_delivery_stored";
    case ELAAOMS_INTAKE_FORGOTTEN:
        return "caller_erased";
    default:
        return "pending_on_disk";
    }
}


static int
elaaoms_cli_no_opt(void *data, int val, const char *arg)
{
    (void) data;
    (void) val;
    (void) arg;

    return -1;
}


/* payload replay FILE: a saved post-call body queued as nginx would */
static int
elaaoms_cli_replay(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                          fd, rv, status, first;
    char                        *body, err[512], masked[ELAAOMS_LOG_CALLER_LEN];
    size_t                       len;
    elaaoms_backfill_outcome_t   out;
    static const struct option   opts[] = { { NULL, 0, NULL, 0 } };
    const elaaoms_cli_command_t *cmd = &elaaoms_cli_backfill_commands[0];

    first = elaaoms_cli_options(cli, cmd, argc, argv, opts,
                                elaaoms_cli_no_opt, NULL, &status);
    if (first < 0) {
        return status;
    }

    if (elaaoms_cli_nargs(cli, cmd, argc - first, 1, 1) != ELAAOMS_CLI_OK) {
        return ELAAOMS_CLI_USAGE;
    }

    fd = open(argv[first], O_RDONLY | O_CLOEXEC);
    if (fd == -1) {
        return elaaoms_cli_fail(cli, errno == ENOENT ? ELAAOMS_CLI_NOT_FOUND
                                : ELAAOMS_CLI_FAILED, "%s: %s", argv[first],
                                strerror(errno));
    }

    body = elaaoms_worker_read_fd(fd, &len);
    if (body == NULL) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s: %s",
                                argv[first], strerror(errno));
    }

    /* the sweep's info lines are the worker's log, not the operator's */
    (void) elaaoms_log_open(NULL, ELAAOMS_LOG_WARN);

    rv = elaaoms_backfill_intake(cli->rc, cli->cf->payload_dir, cli->org,
                                 body, len, &out, err, sizeof(err));
    free(body);

    if (rv == ELAAOMS_BACKFILL_INVALID) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "%s: not a post-call "
                                "transcription payload: %s", argv[first],
                                err);
    }

    if (rv != 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s: %s",
                                argv[first], err);
    }

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "conversation_id", out.conversation_id);
    elaaoms_cli_cstr(cli->g, "agent_id", out.agent_id);
    elaaoms_cli_cstr(cli->g, "caller", elaaoms_log_caller(out.caller,
                                                          masked));
    elaaoms_cli_bool(cli->g, "queued", out.result == 1);
    elaaoms_cli_cstr(cli->g, "result", elaaoms_cli_intake_result(out.result));
    elaaoms_cli_cstr(cli->g, "request_id", out.request_id);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    if (out.result == ELAAOMS_SWEEP_FAILED) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%s", err);
    }

    return ELAAOMS_CLI_OK;
}


typedef struct {
    elaaoms_cli_t  *cli;
    const char     *agent_id;
    long long       since;
    long            page_size;
    double          rate;
    long            max;
    int             bad;
} elaaoms_cli_backfill_args_t;


static int
elaaoms_cli_backfill_opt(void *data, int val, const char *arg)
{
    char                         *end;
    elaaoms_cli_backfill_args_t  *a = data;

    switch (val) {

    case 'a':
        if (!elaaoms_agent_id_valid_str(arg)) {
            (void) elaaoms_cli_fail(a->cli, 0, "not an agent id: %s", arg);
            return -1;
        }
        a->agent_id = arg;
        return 0;

    case 's':
        a->since = elaaoms_cli_time(arg);
        if (a->since < 0) {
            (void) elaaoms_cli_fail(a->cli, 0, "not a date: %s", arg);
            return -1;
        }
        return 0;

    case 'p':
        a->page_size = strtol(arg, &end, 10);
        if (*end != '\0' || a->page_size < 1
            || a->page_size > ELAAOMS_ELEVENLABS_PAGE_MAX)
        {
            (void) elaaoms_cli_fail(a->cli, 0, "--page-size: 1 to %d",
                                    ELAAOMS_ELEVENLABS_PAGE_MAX);
            return -1;
        }
        return 0;

    case 'r':
        a->rate = strtod(arg, &end);
        if (end == arg || (*end != '\0' && strcmp(end, "/s") != 0)
            || !(a->rate > 0 && a->rate <= 1000))
        {
            (void) elaaoms_cli_fail(a->cli, 0, "--rate: requests a second, "
                                    "e.g. 4 or 4/s (at most 1000)");
            return -1;
        }
        return 0;

    case 'm':
        a->max = strtol(arg, &end, 10);
        if (*end != '\0' || a->max < 1) {
            (void) elaaoms_cli_fail(a->cli, 0, "--max: a positive number");
            return -1;
        }
        return 0;
    }

    return -1;
}


static void
elaaoms_cli_backfill_counts(yajl_gen g, const elaaoms_backfill_stats_t *s)
{
    elaaoms_cli_int(g, "listed", s->listed);
    elaaoms_cli_int(g, "queued", s->queued);
    elaaoms_cli_int(g, "already_seen", s->seen);
    elaaoms_cli_int(g, "skipped_not_done", s->skipped);
    elaaoms_cli_int(g, "failed", s->failed);
}


/* progress: one record a page */
static void
elaaoms_cli_backfill_page(void *data, const elaaoms_backfill_stats_t *p)
{
    elaaoms_cli_t  *cli = data;

    yajl_gen_map_open(cli->g);
    elaaoms_cli_int(cli->g, "page", p->page);
    elaaoms_cli_backfill_counts(cli->g, p);
    elaaoms_cli_bool(cli->g, "has_more", p->has_more);
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);
    fflush(stdout);
}


/* backfill --agent ID [...]: the agent's past conversations queued */
static int
elaaoms_cli_backfill(elaaoms_cli_t *cli, int argc, char **argv)
{
    int                           first, status, rv;
    elaaoms_backfill_t            bf;
    elaaoms_elevenlabs_t          api;
    elaaoms_backfill_stats_t      total;
    elaaoms_cli_backfill_args_t   a;
    const elaaoms_cli_command_t  *cmd = &elaaoms_cli_backfill_commands[1];
    static const struct option    opts[] = {
        { "agent", required_argument, NULL, 'a' },
        { "since", required_argument, NULL, 's' },
        { "page-size", required_argument, NULL, 'p' },
        { "rate", required_argument, NULL, 'r' },
        { "max", required_argument, NULL, 'm' },
        { NULL, 0, NULL, 0 }
    };

    memset(&a, 0, sizeof(a));
    a.cli = cli;
    a.since = -1;
    a.page_size = ELAAOMS_CLI_BACKFILL_PAGE_SIZE;
    a.rate = ELAAOMS_CLI_BACKFILL_RATE;

    first = elaaoms_cli_options(cli, cmd, argc, argv, opts,
                                elaaoms_cli_backfill_opt, &a, &status);
    if (first < 0) {
        return status;
    }

    if (elaaoms_cli_nargs(cli, cmd, argc - first, 0, 0) != ELAAOMS_CLI_OK) {
        return ELAAOMS_CLI_USAGE;
    }

    if (a.agent_id == NULL) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_USAGE, "backfill: --agent "
                                "is required");
    }

    if (cli->cf->elevenlabs_api_key[0] == '\0') {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "backfill: no "
                                "ElevenLabs API key: set elevenlabs_api_key "
                                "in the worker's configuration or "
                                "ELEVENLABS_API_KEY");
    }

    (void) elaaoms_log_open(NULL, ELAAOMS_LOG_WARN);

    memset(&api, 0, sizeof(api));
    api.base_url = cli->cf->elevenlabs_base_url;
    api.api_key = cli->cf->elevenlabs_api_key;
    api.timeout_ms = cli->cf->llm_timeout_ms;
    api.max_retries = cli->cf->llm_max_retries;
    api.retry_base_ms = cli->cf->llm_retry_base_ms;

    memset(&bf, 0, sizeof(bf));
    bf.rc = cli->rc;
    bf.payload_dir = cli->cf->payload_dir;
    bf.org = cli->org;
    bf.agent_id = a.agent_id;
    bf.api = &api;
    bf.since = a.since;
    bf.page_size = (int) a.page_size;
    bf.rate = a.rate;
    bf.max = a.max;
    bf.on_page = elaaoms_cli_backfill_page;
    bf.data = cli;

    rv = elaaoms_backfill_run(&bf, &total);

    yajl_gen_map_open(cli->g);
    elaaoms_cli_cstr(cli->g, "agent_id", a.agent_id);
    elaaoms_cli_int(cli->g, "pages", total.page);
    elaaoms_cli_backfill_counts(cli->g, &total);
    elaaoms_cli_bool(cli->g, "resumed", total.resumed);
    elaaoms_cli_bool(cli->g, "complete", total.complete);
    elaaoms_cli_bool(cli->g, "stopped_at_max", total.stopped);
    if (total.complete) {
        elaaoms_cli_int(cli->g, "next_since", total.newest);
    }
    if (total.error[0]) {
        elaaoms_cli_cstr(cli->g, "last_error", total.error);
    }
    yajl_gen_map_close(cli->g);
    elaaoms_cli_emit(cli);

    if (rv != 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "backfill "
                                "interrupted (run it again to continue): %s",
                                total.error);
    }

    if (total.failed > 0) {
        return elaaoms_cli_fail(cli, ELAAOMS_CLI_FAILED, "%ld conversations "
                                "failed (listed again by the next run): %s",
                                total.failed, total.error);
    }

    return ELAAOMS_CLI_OK;
}


const elaaoms_cli_command_t  elaaoms_cli_backfill_commands[] = {

    { "payload replay", "FILE",
      "queue a saved post-call webhook body as nginx would",
      "Takes a post_call_transcription webhook body saved in FILE, checks\n"
      "it as nginx checks a webhook (no signature: the operator is trusted),\n"
      "writes it to the payload directory and queues its extraction job\n"
      "with the same atomic step as nginx: a payload queued before is not\n"
      "queued again.  The organization is --org's.\n"
      "\n"
      "Output: conversation_id, agent_id, caller (masked as in the logs),\n"
      "queued (true/false), result (queued, already_queued,\n"
      "newer_delivery_stored, caller_erased, pending_on_disk: Redis failed,\n"
      "the worker queues it later), request_id (the job's).\n"
      "\n"
      "Exit status: 2 when FILE is not valid JSON or not a post-call\n"
      "transcription (nothing queued), 3 when FILE does not exist, 1 when\n"
      "Redis or the payload directory failed.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme payload replay /tmp/conv_01.json\n",
      elaaoms_cli_replay, ELAAOMS_CLI_REDIS },

    { "backfill", "--agent AGENT_ID [--since DATE] [--page-size N] "
      "[--rate N/s] [--max N]",
      "queue an agent's past conversations from ElevenLabs' API",
      "Pages through ElevenLabs' conversations of the agent (GET\n"
      "/v1/convai/conversations, newest first), fetches each \"done\"\n"
      "conversation not seen before (GET /v1/convai/conversations/ID) and\n"
      "queues it as a post_call_transcription job, as \"payload replay\"\n"
      "does.  Conversations still in progress or processing are skipped and\n"
      "counted (a later run lists them again).  Uses the worker's\n"
      "elevenlabs_api_key and elevenlabs_base_url, and its llm_max_retries\n"
      "and llm_retry_base_ms for retries (a 429 waits what Retry-After\n"
      "says).\n"
      "\n"
      "Resumable: the position is kept in Redis\n"
      "(elaaoms:<org>:backfill:<agent>) after each page; a run cut short\n"
      "(--max, an API failure, a kill) is continued by the next run, and\n"
      "after a completed run the next one lists only newer calls.\n"
      "\n"
      "Options:\n"
      "  --agent AGENT_ID  the agent (required)\n"
      "  --since DATE      calls started at or after DATE (2026-01-31,\n"
      "                    2026-01-31T08:00:00Z or unix seconds)\n"
      "  --page-size N     conversations a page, 1 to 100 (default 30)\n"
      "  --rate N/s        API requests a second (default 4)\n"
      "  --max N           stop once N conversations are queued\n"
      "\n"
      "Output: one record a page (page, listed, queued, already_seen,\n"
      "skipped_not_done, failed, has_more), then the summary (agent_id,\n"
      "pages, the same counts, resumed, complete, stopped_at_max,\n"
      "next_since when complete, last_error when one happened).\n"
      "\n"
      "Exit status: 1 without an API key, when the API or Redis failed (run\n"
      "it again to continue) or when conversations failed; 2 on bad\n"
      "arguments.\n"
      "\n"
      "Example:\n"
      "  elaaoms --org acme backfill --agent agent_01support7x "
      "--since 2026-01-01\n",
      elaaoms_cli_backfill, ELAAOMS_CLI_REDIS },

    { NULL, NULL, NULL, NULL, NULL, 0 }
};
