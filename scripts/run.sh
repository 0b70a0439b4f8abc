#!/bin/bash
# "make run" / "make stop": the product on 127.0.0.1 — a private
# redis-server, the worker and nginx with the module — with its state under
# var/.  Each process is stopped by the pid it wrote.
#
# REDIS_CLUSTER=1 ("make run REDIS_CLUSTER=1"): a local Redis Cluster
# instead (scripts/redis-cluster.sh: three masters, three replicas on
# ELAAOMS_CLUSTER_PORT .. +5, 7000 by default, under var/redis-cluster);
# nginx gets "elaaoms_redis cluster <seeds>", the worker "redis_cluster
# <seeds>".  "make stop" stops whichever runs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=$ROOT/var
REDIS_PORT=${ELAAOMS_REDIS_PORT:-6390}
CLUSTER=${REDIS_CLUSTER:-0}
CLUSTER_DIR=$VAR/redis-cluster
# the base port a running cluster was started with wins
CLUSTER_PORT_FILE=$VAR/redis-cluster.port
CLUSTER_PORT=$(cat "$CLUSTER_PORT_FILE" 2>/dev/null || echo "${ELAAOMS_CLUSTER_PORT:-7000}")
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
MODULE=$ROOT/build/nginx/ngx_http_elaaoms_module.so
WORKER=$ROOT/build/elaaoms-worker

# the cluster's seeds: its first three nodes, the masters it was made with
seeds() {
    echo "127.0.0.1:$CLUSTER_PORT 127.0.0.1:$((CLUSTER_PORT + 1)) 127.0.0.1:$((CLUSTER_PORT + 2))"
}

# what points nginx and the worker at a cluster instead of one Redis: the
# worker's redis_cluster (which makes redis_host and redis_port unused),
# nginx's elaaoms_redis
cluster_conf() {
    if [ "$CLUSTER" != 1 ]; then
        cat
    elif [ "$1" = worker ]; then
        cat
        printf '\n# make run REDIS_CLUSTER=1\nredis_cluster %s\n' "$(seeds)"
    else
        sed -e "s|^\( *elaaoms_redis  *\)127\.0\.0\.1:$REDIS_PORT;|\1cluster $(seeds);|"
    fi
}

render() {
    sed -e "s|@MODULE@|$MODULE|g" -e "s|@PREFIX@|$VAR|g" \
        -e "s|@USER@|${NGINX_USER:-nobody $(getent group nogroup >/dev/null && echo nogroup || echo nobody)}|g" \
        -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
        -e "s|@PAYLOAD_DIR@|$VAR/payloads|g" \
        -e "s|@WEBHOOK_SECRET@|${ELAAOMS_WEBHOOK_SECRET}|g" \
        -e "s|@TOOL_SECRET@|${ELAAOMS_TOOL_SECRET}|g" "$1" \
        | cluster_conf "$3" > "$2"
}

start_redis() {
    if running "$VAR/redis.pid"; then
        return 0
    fi
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
        --daemonize yes --pidfile "$VAR/redis.pid" \
        --logfile "$VAR/logs/redis.log" --appendonly yes
    for i in $(seq 1 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
}

# a cluster made by an earlier "make run REDIS_CLUSTER=1" is kept (its
# data too) when its nodes still run
start_cluster() {
    local cs="$ROOT/scripts/redis-cluster.sh"
    if [ -e "$CLUSTER_DIR/.elaaoms-redis-cluster" ]; then
        if "$cs" status --base-port "$CLUSTER_PORT" --dir "$CLUSTER_DIR" >/dev/null; then
            return 0
        fi
        "$cs" stop --base-port "$CLUSTER_PORT" --dir "$CLUSTER_DIR"
    fi
    "$cs" start --base-port "$CLUSTER_PORT" --dir "$CLUSTER_DIR"
    echo "$CLUSTER_PORT" > "$CLUSTER_PORT_FILE"
}

# a worker without redis_cluster (older than the cluster support) says so
# here rather than in its log
check_worker_conf() {
    local out
    if ! out=$("$WORKER" --config "$1" --check-config 2>&1); then
        echo "the worker refuses $1: $out" >&2
        exit 1
    fi
}

# can user $1 run the worker from this checkout and write payloads?
reachable() {
    setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups \
        test -x "$WORKER" -a -w "$VAR/payloads" -a -w "$VAR/run" 2>/dev/null
}

# As root, nginx's workers and the worker run as one unprivileged user that
# owns the payloads: "elaaoms" (ELAAOMS_USER), a system user made here when
# missing; "nobody" when it cannot be made; root only when neither can
# reach the checkout (under /root, say).  Sets RUN_USER and NGINX_USER.
choose_user() {
    local u g
    RUN_USER=$(id -un)
    [ "$(id -u)" = 0 ] || return 0

    for u in "${ELAAOMS_USER:-elaaoms}" nobody; do
        if ! id -u "$u" >/dev/null 2>&1; then
            [ "$u" = nobody ] && continue
            useradd --system --user-group --no-create-home \
                --home-dir /nonexistent --shell /usr/sbin/nologin \
                --comment "ELAAOMS (make run)" "$u" >/dev/null 2>&1 \
                || { echo "note: cannot create user $u"; continue; }
            echo "created system user $u"
        fi
        g=$(id -gn "$u")
        chown -R "$u:$g" "$VAR/payloads" "$VAR/run"
        touch "$VAR/logs/worker.log"
        chown "$u:$g" "$VAR/logs/worker.log"
        if reachable "$u"; then
            RUN_USER=$u
            NGINX_USER="$u $g"
            return 0
        fi
        echo "note: user $u cannot reach $ROOT (the worker or var/)"
    done

    echo "note: nginx workers and the worker run as root"
    chown -R root:root "$VAR/payloads" "$VAR/run" "$VAR/logs/worker.log"
    RUN_USER=root
    NGINX_USER="root root"
}

# the worker, as RUN_USER when that is not who we are
run_worker() {
    if [ "$RUN_USER" = "$(id -un)" ]; then
        "$@"
    else
        setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" \
            --init-groups "$@"
    fi
}

running() {
    [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null
}

stop_pid() {
    local name=$1 pidfile=$2 sig=${3:-TERM} i
    if running "$pidfile"; then
        kill -"$sig" "$(cat "$pidfile")"
        for i in $(seq 1 100); do
            running "$pidfile" || break
            sleep 0.1
        done
        echo "stopped $name"
    fi
    rm -f "$pidfile"
}

# README documents these defaults (local trials only); production sets its
# own: the signing secret of ElevenLabs' post-call webhook, and the header
# value of client-data and the server tools
secrets() {
    : "${ELAAOMS_WEBHOOK_SECRET:=elaaoms-dev-secret}"
    : "${ELAAOMS_TOOL_SECRET:=elaaoms-dev-tool-secret}"
    if [ "$ELAAOMS_WEBHOOK_SECRET" = "$ELAAOMS_TOOL_SECRET" ]; then
        echo "ELAAOMS_WEBHOOK_SECRET and ELAAOMS_TOOL_SECRET must differ" >&2
        exit 1
    fi
}

start() {
    secrets

    mkdir -p "$VAR"/{logs,tmp,redis,payloads,conf,run}
    chmod 0750 "$VAR/payloads"
    choose_user

    if [ "$CLUSTER" = 1 ]; then
        if running "$VAR/redis.pid"; then
            echo "a single Redis of make run is running: make stop first" >&2
            exit 1
        fi
        start_cluster
    else
        if [ -e "$CLUSTER_DIR/.elaaoms-redis-cluster" ]; then
            echo "make run REDIS_CLUSTER=1's cluster is running: make stop first" >&2
            exit 1
        fi
        start_redis
    fi

    render "$ROOT/conf/elaaoms-worker.conf" "$VAR/conf/elaaoms-worker.conf" worker
    check_worker_conf "$VAR/conf/elaaoms-worker.conf"
    if ! running "$VAR/run/worker.pid" && ! running "$VAR/worker.pid"; then
        run_worker "$WORKER" --config "$VAR/conf/elaaoms-worker.conf" \
            >>"$VAR/logs/worker.log" 2>&1 &
        for i in $(seq 1 50); do
            running "$VAR/run/worker.pid" && break
            sleep 0.1
        done
    fi

    render "$ROOT/conf/nginx.conf" "$VAR/conf/nginx.conf" nginx
    if running "$VAR/nginx.pid"; then
        "$NGINX" -p "$VAR" -c "$VAR/conf/nginx.conf" -e "$VAR/logs/error.log" -s reload
    else
        "$NGINX" -p "$VAR" -c "$VAR/conf/nginx.conf" -e "$VAR/logs/error.log"
    fi

    cat <<MSG
ELAAOMS is running on 127.0.0.1 (state and logs under var/):
  health        http://127.0.0.1:8080/health
  post-call     http://127.0.0.1:8080/webhook/post-call      (ElevenLabs-Signature)
  client-data   http://127.0.0.1:8080/webhook/client-data    (X-Elaaoms-Secret header)
  search-memory http://127.0.0.1:8080/webhook/search-memory  (X-Elaaoms-Secret header)
  payloads      $VAR/payloads (owner: $RUN_USER)
  redis         $([ "$CLUSTER" = 1 ] && echo "cluster $(seeds) (+3 replicas)" || echo "127.0.0.1:$REDIS_PORT")
  operator tool build/elaaoms --config $VAR/conf/elaaoms-worker.conf --help
See it work:  make demo    Stop it with: make stop
MSG
}

# renders the example configuration under $1 and has nginx test it
check() {
    local dir=$1
    secrets
    VAR=$dir
    mkdir -p "$dir"/{logs,tmp,conf,payloads}
    render "$ROOT/conf/nginx.conf" "$dir/conf/nginx.conf" nginx
    "$NGINX" -t -p "$dir" -c "$dir/conf/nginx.conf" -e "$dir/logs/error.log"
}

stop() {
    stop_pid nginx "$VAR/nginx.pid" QUIT
    stop_pid worker "$VAR/run/worker.pid" TERM
    # where an older run.sh had it
    stop_pid worker "$VAR/worker.pid" TERM
    stop_pid redis "$VAR/redis.pid" TERM
    if [ -e "$CLUSTER_DIR/.elaaoms-redis-cluster" ]; then
        "$ROOT/scripts/redis-cluster.sh" stop --base-port "$CLUSTER_PORT" \
            --dir "$CLUSTER_DIR" && echo "stopped redis cluster"
        rm -f "$CLUSTER_PORT_FILE"
    fi
}

case "${1:-}" in
    start) start ;;
    stop)  stop ;;
    check) check "${2:?usage: $0 check DIR}" ;;
    *)     echo "usage: $0 start|stop|check DIR" >&2; exit 2 ;;
esac
