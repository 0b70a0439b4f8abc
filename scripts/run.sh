#!/bin/bash
# "make run" / "make stop": the product on 127.0.0.1 — a private
# redis-server, the worker and nginx with the module — with its state under
# var/.  Each process is stopped by the pid it wrote.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=$ROOT/var
REDIS_PORT=${ELAAOMS_REDIS_PORT:-6390}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
MODULE=$ROOT/build/nginx/ngx_http_elaaoms_module.so
WORKER=$ROOT/build/elaaoms-worker

render() {
    sed -e "s|@MODULE@|$MODULE|g" -e "s|@PREFIX@|$VAR|g" \
        -e "s|@USER@|${NGINX_USER:-nobody $(getent group nogroup >/dev/null && echo nogroup || echo nobody)}|g" \
        -e "s|@REDIS_PORT@|$REDIS_PORT|g" \
        -e "s|@PAYLOAD_DIR@|$VAR/payloads|g" \
        -e "s|@WEBHOOK_SECRET@|${ELAAOMS_WEBHOOK_SECRET}|g" \
        -e "s|@TOOL_SECRET@|${ELAAOMS_TOOL_SECRET}|g" "$1" > "$2"
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

    mkdir -p "$VAR"/{logs,tmp,redis,payloads,conf}
    # nginx workers run as "nobody" when started by root and write payloads;
    # a checkout nobody can reach (under /root, say) needs workers as root
    if [ "$(id -u)" = 0 ]; then
        chown nobody "$VAR/payloads"
        if ! runuser -u nobody -- test -w "$VAR/payloads" 2>/dev/null; then
            echo "note: $VAR is not reachable by user nobody: nginx workers run as root"
            NGINX_USER="root root"
        fi
    fi

    if ! running "$VAR/redis.pid"; then
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
            --daemonize yes --pidfile "$VAR/redis.pid" \
            --logfile "$VAR/logs/redis.log" --appendonly yes
        for i in $(seq 1 50); do
            redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
            sleep 0.1
        done
    fi

    render "$ROOT/conf/elaaoms-worker.conf" "$VAR/conf/elaaoms-worker.conf"
    if ! running "$VAR/worker.pid"; then
        "$WORKER" --config "$VAR/conf/elaaoms-worker.conf" \
            >>"$VAR/logs/worker.log" 2>&1 &
        for i in $(seq 1 50); do
            running "$VAR/worker.pid" && break
            sleep 0.1
        done
    fi

    render "$ROOT/conf/nginx.conf" "$VAR/conf/nginx.conf"
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
  payloads      $VAR/payloads
  redis         127.0.0.1:$REDIS_PORT
Stop it with: make stop
MSG
}

# renders the example configuration under $1 and has nginx test it
check() {
    local dir=$1
    secrets
    VAR=$dir
    mkdir -p "$dir"/{logs,tmp,conf,payloads}
    render "$ROOT/conf/nginx.conf" "$dir/conf/nginx.conf"
    "$NGINX" -t -p "$dir" -c "$dir/conf/nginx.conf" -e "$dir/logs/error.log"
}

stop() {
    stop_pid nginx "$VAR/nginx.pid" QUIT
    stop_pid worker "$VAR/worker.pid" TERM
    stop_pid redis "$VAR/redis.pid" TERM
}

case "${1:-}" in
    start) start ;;
    stop)  stop ;;
    check) check "${2:?usage: $0 check DIR}" ;;
    *)     echo "usage: $0 start|stop|check DIR" >&2; exit 2 ;;
esac
