/*
 * elaaoms-worker: the companion process of the nginx module.  Everything
 * slow happens here: extraction jobs, pending-payload sweeps, heartbeats.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cli.h"
#include "key_upgrade.h"
#include "pool.h"
#include "process.h"
#include "queue.h"
#include "store/redis_keys.h"
#include "retention.h"
#include "openmemory_mirror.h"
#include "sweep.h"
#include "worker_config.h"
#include "worker_io.h"
#include "worker_log.h"


static volatile sig_atomic_t  elaaoms_worker_stop;
static volatile sig_atomic_t  elaaoms_worker_reopen;


static void
elaaoms_worker_on_signal(int signo)
{
    if (signo == SIGHUP) {
        elaaoms_worker_reopen = 1;
        return;
    }

    elaaoms_worker_stop = 1;
}


/* SIGHUP: logrotate has renamed the log; lines go to a new file */
static void
elaaoms_worker_reopen_log(const char *path)
{
    elaaoms_worker_reopen = 0;

    if (elaaoms_log_reopen() != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "cannot reopen log %s: %s",
                    path, strerror(errno));
        return;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "log reopened");
}


/* the operator tool's options that may come before its command */
static int
elaaoms_worker_cli_option(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0
           || strcmp(a, "--version") == 0 || strcmp(a, "--json") == 0
           || strcmp(a, "--org") == 0 || strncmp(a, "--org=", 6) == 0;
}


static void
elaaoms_worker_usage(void)
{
    fprintf(stderr, "usage: elaaoms-worker [--config FILE] [--check-config] "
            "[command ...]\n"
            "commands: memories <org> <caller> [agent_id] "
            "| status <org> <conversation> "
            "| forget <org> <caller> | requeue-failed <org> "
            "| refresh-contexts <org> <caller> [agent_id ...] "
            "| upgrade <org>\n"
            "       elaaoms-worker --help: every operator command\n");
}


/* 0 when Redis took the heartbeat (for /health and for the registry) */
static int
elaaoms_worker_heartbeat(elaaoms_redis_t *rc, const char *worker_id)
{
    char        now[32];
    int         ok;
    redisReply *reply;

    snprintf(now, sizeof(now), "%lld", (long long) time(NULL));

    if (elaaoms_queue_beat(rc, worker_id, (long) time(NULL)) != 0) {
        return -1;
    }

    reply = elaaoms_redis_command(rc, "SET %s %s EX %d",
                                  ELAAOMS_KEY_WORKER_HEARTBEAT,
                                  now, ELAAOMS_WORKER_HEARTBEAT_TTL);
    if (reply == NULL) {
        return -1;
    }

    ok = (reply->type == REDIS_REPLY_STATUS);
    freeReplyObject(reply);

    return ok ? 0 : -1;
}


/* the retention sweep's tick: heartbeats stay fresh during a long sweep */
typedef struct {
    elaaoms_redis_t                *rc;
    const elaaoms_worker_config_t  *cf;
    time_t                         *last_beat;
} elaaoms_worker_tick_t;


static void
elaaoms_worker_tick(void *data)
{
    elaaoms_worker_tick_t  *t = data;

    if (time(NULL) - *t->last_beat >= t->cf->heartbeat_secs
        && elaaoms_worker_heartbeat(t->rc, t->cf->worker_id) == 0)
    {
        *t->last_beat = time(NULL);
    }
}


/* one retention sweep (retention.h); 0, or -1 when Redis failed */
static int
elaaoms_worker_retention(elaaoms_redis_t *rc,
    const elaaoms_worker_config_t *cf, time_t *last_beat)
{
    elaaoms_worker_tick_t       tick = { rc, cf, last_beat };
    elaaoms_retention_req_t     req;
    elaaoms_retention_counts_t  c;

    req = (elaaoms_retention_req_t) {
        .payload_dir = cf->payload_dir,
        .day_secs = 86400.0 * cf->time_scale,
        .payload_days = cf->payload_retention_days,
        .audio_days = cf->audio_retention_days,
        .memory_days = cf->memory_retention_days,
        .audit_days = cf->audit_retention_days,
        .now = (long long) time(NULL),
        .tick = elaaoms_worker_tick, .tick_data = &tick
    };

    if (elaaoms_retention_sweep(rc, &req, &c) != 0) {
        return -1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL,
                "retention sweep removed %zu transcripts, %zu recordings, "
                "%zu other files, %zu memories, %zu audit entries, "
                "%zu served sets",
                c.transcripts, c.recordings, c.other_files, c.memories,
                c.audit, c.served_sets);

    return 0;
}


static int
elaaoms_worker_write_pid(const char *path)
{
    FILE  *f;

    if (path[0] == '\0') {
        return 0;
    }

    f = fopen(path, "w");
    if (f == NULL) {
        return -1;
    }

    fprintf(f, "%ld\n", (long) getpid());
    return fclose(f);
}


int
main(int argc, char **argv)
{
    int                       i, n, check, tool, config_given, upgraded;
    size_t                    moved;
    const char               *prog;
    char                      err[512];
    time_t                    last_beat, last_sweep, last_recover,
                              last_retention, retention_secs;
    elaaoms_redis_t          *rc;
    elaaoms_pool_t           *pool;
    elaaoms_queue_seen_t      seen = { NULL, 0 };
    struct sigaction          sa;
    struct timeval            tv;
    elaaoms_processor_t       processor;
    elaaoms_worker_config_t   cf;

    check = 0;
    elaaoms_worker_config_defaults(&cf);

    tool = elaaoms_cli_is_tool(argv[0]);
    prog = tool ? "elaaoms" : "elaaoms-worker";
    config_given = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            if (elaaoms_worker_config_load(&cf, argv[++i], err, sizeof(err))
                != 0)
            {
                fprintf(stderr, "%s: %s\n", prog, err);
                return 2;
            }
            config_given = 1;
            continue;
        }

        if (strcmp(argv[i], "--check-config") == 0) {
            check = 1;
            continue;
        }

        /* an operator command, or the tool's own options */
        if (argv[i][0] != '-' || elaaoms_worker_cli_option(argv[i])) {
            break;
        }

        elaaoms_worker_usage();
        return 2;
    }

    /* the tool reads the installed configuration unless told another */
    if (tool && !config_given && access(ELAAOMS_CLI_CONFIG, R_OK) == 0
        && elaaoms_worker_config_load(&cf, ELAAOMS_CLI_CONFIG, err,
                                      sizeof(err)) != 0)
    {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 2;
    }

    if (elaaoms_worker_config_finish(&cf, err, sizeof(err)) != 0) {
        fprintf(stderr, "elaaoms-worker: %s\n", err);
        return 2;
    }

    /* the file was read and every value checked: nothing is started */
    if (check) {
        printf("configuration ok\n");
        return 0;
    }

    if (i < argc || tool) {
        return elaaoms_cli_run(&cf, prog, argc - i, argv + i);
    }

    if (elaaoms_log_open(cf.log_file, ELAAOMS_LOG_INFO) != 0) {
        fprintf(stderr, "elaaoms-worker: cannot open log %s: %s\n",
                cf.log_file, strerror(errno));
        return 1;
    }

    /* before the pid file: whoever reads it may signal at once */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = elaaoms_worker_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* blocking reads of the job threads go on across a HUP */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (elaaoms_worker_write_pid(cf.pid_file) != 0) {
        elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "cannot write pid file %s: %s",
                    cf.pid_file, strerror(errno));
        return 1;
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "worker %s started", cf.worker_id);

    if (elaaoms_processor_init(&processor, &cf) != 0) {
        return 1;
    }

    rc = NULL;
    pool = NULL;
    upgraded = 0;
    last_beat = 0;
    last_sweep = 0;
    last_recover = 0;
    last_retention = 0;

    /* a day, scaled as the retry delays are (tests shorten both) */
    retention_secs = (time_t) (86400.0 * cf.time_scale);
    if (retention_secs < 1) {
        retention_secs = 1;
    }

    while (!elaaoms_worker_stop) {

        if (elaaoms_worker_reopen) {
            elaaoms_worker_reopen_log(cf.log_file);
        }

        if (rc == NULL) {
            rc = elaaoms_worker_redis_connect(&cf, 2);
            if (rc == NULL) {
                sleep(1);
                continue;
            }
        }

        /* once, before any job is taken: keys of the layout before
         * issue 16 to their names (key_upgrade.h) */
        if (!upgraded) {
            if (elaaoms_key_upgrade_all(rc, &moved, err, sizeof(err)) != 0) {
                elaaoms_log(ELAAOMS_LOG_WARN, NULL, "key upgrade: %s (%zu "
                            "keys moved); again in a second", err, moved);
                elaaoms_redis_free(rc);
                rc = NULL;
                sleep(1);
                continue;
            }

            if (moved > 0) {
                elaaoms_log(ELAAOMS_LOG_INFO, NULL, "key upgrade: %zu "
                            "keys moved to the cluster layout", moved);
            }

            upgraded = 1;
        }

        if (time(NULL) - last_beat >= cf.heartbeat_secs) {
            if (elaaoms_worker_heartbeat(rc, cf.worker_id) != 0) {
                elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis lost: %s",
                            elaaoms_redis_err(rc) ? elaaoms_redis_errstr(rc)
                                                  : "heartbeat refused");
                elaaoms_redis_free(rc);
                rc = NULL;
                continue;
            }
            last_beat = time(NULL);
        }

        /* at start, then periodically: payloads saved while Redis was down */
        if (time(NULL) - last_sweep >= cf.sweep_secs) {
            if (elaaoms_sweep_pending(rc, cf.payload_dir) < 0
                || elaaoms_sweep_admin(rc, &cf) < 0
                || elaaoms_om_drain(&cf, rc) < 0)
            {
                elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis lost during the "
                            "pending sweep: %s", elaaoms_redis_errstr(rc));
                elaaoms_redis_free(rc);
                rc = NULL;
                continue;
            }
            last_sweep = time(NULL);
        }

        /* at start, then once a day: what is kept longer than configured */
        if (time(NULL) - last_retention >= retention_secs) {
            if (elaaoms_worker_retention(rc, &cf, &last_beat) != 0) {
                elaaoms_log(ELAAOMS_LOG_WARN, NULL, "redis lost during the "
                            "retention sweep: %s", elaaoms_redis_errstr(rc));
                elaaoms_redis_free(rc);
                rc = NULL;
                continue;
            }
            last_retention = time(NULL);
        }

        /* at start, then periodically: jobs stranded by dead workers */
        if (time(NULL) - last_recover >= cf.recover_secs) {
            if (elaaoms_queue_recover(rc, cf.worker_id, (long) time(NULL),
                                      cf.dead_secs) < 0)
            {
                elaaoms_redis_free(rc);
                rc = NULL;
                continue;
            }

            /* and our own jobs whose settlement Redis did not take */
            if (pool) {
                n = elaaoms_queue_reclaim(rc, cf.worker_id,
                                          elaaoms_pool_holds, pool, &seen);
                if (n < 0) {
                    elaaoms_redis_free(rc);
                    rc = NULL;
                    continue;
                }
                if (n > 0) {
                    elaaoms_log(ELAAOMS_LOG_WARN, NULL, "%d job(s) of this "
                                "worker left unsettled are queued again", n);
                }
            }

            last_recover = time(NULL);
        }

        /* the registry holds this worker now: jobs may start */
        if (pool == NULL) {
            pool = elaaoms_pool_start(&cf, &processor);
            if (pool == NULL) {
                elaaoms_log(ELAAOMS_LOG_ERROR, NULL, "cannot start threads");
                break;
            }
        }

        gettimeofday(&tv, NULL);
        n = elaaoms_queue_promote_due(rc, tv.tv_sec + tv.tv_usec / 1e6);
        if (n < 0) {
            elaaoms_redis_free(rc);
            rc = NULL;
            continue;
        }

        usleep(200 * 1000);
    }

    if (pool) {
        elaaoms_pool_stop(pool, cf.drain_secs);
    }

    elaaoms_queue_reclaim_free(&seen);

    if (rc) {
        freeReplyObject(elaaoms_redis_command(rc, "HDEL %s %s",
                                              ELAAOMS_KEY_WORKERS,
                                              cf.worker_id));
        elaaoms_redis_free(rc);
    }

    if (cf.pid_file[0]) {
        unlink(cf.pid_file);
    }

    elaaoms_log(ELAAOMS_LOG_INFO, NULL, "worker %s stopped", cf.worker_id);

    return 0;
}
