#!/bin/sh
# elaaoms-entrypoint: the ELAAOMS image's entry point (docker/Dockerfile).
#
#   elaaoms-entrypoint nginx    nginx with the module, in the foreground
#   elaaoms-entrypoint worker   elaaoms-worker as the user elaaoms
#   elaaoms-entrypoint health   exits 0 when nginx's /health answers 200
#   elaaoms-entrypoint check    nginx -t and the worker's --check-config on
#                               the templates (the image's build runs it)
#   anything else               run as given
#
# The templates /etc/elaaoms/nginx.conf and elaaoms-worker.conf take their
# @...@ values from the environment (conf/.env.example lists it all).
set -eu

: "${ELAAOMS_REDIS_HOST:=redis}"
: "${ELAAOMS_REDIS_PORT:=6379}"
: "${ELAAOMS_LISTEN:=8080}"
: "${ELAAOMS_ORG:=default}"
: "${ELAAOMS_WORKER_CONCURRENCY:=4}"

RUN_DIR=/run/elaaoms

die() {
    echo "elaaoms-entrypoint: $*" >&2
    exit 1
}

# $1 the variable's name, $2 its value, $3 the characters allowed: the
# values go into nginx's configuration and through sed unquoted
allowed() {
    [ -n "$2" ] || die "$1 is empty or unset (conf/.env.example)"
    case $2 in
    *[!$3]*) die "$1 holds a character outside [$3]" ;;
    esac
}

settings() {
    allowed ELAAOMS_REDIS_HOST "$ELAAOMS_REDIS_HOST" 'A-Za-z0-9.:_-'
    allowed ELAAOMS_REDIS_PORT "$ELAAOMS_REDIS_PORT" '0-9'
    allowed ELAAOMS_LISTEN "$ELAAOMS_LISTEN" 'A-Za-z0-9.:'
    allowed ELAAOMS_ORG "$ELAAOMS_ORG" 'A-Za-z0-9_-'
    allowed ELAAOMS_WORKER_CONCURRENCY "$ELAAOMS_WORKER_CONCURRENCY" '0-9'
}

# ElevenLabs' signing secret and the tools' header value: required, and
# different (a header is seen by every hop that logs headers)
secrets() {
    allowed ELAAOMS_WEBHOOK_SECRET "${ELAAOMS_WEBHOOK_SECRET:-}" 'A-Za-z0-9_.~+/=-'
    allowed ELAAOMS_TOOL_SECRET "${ELAAOMS_TOOL_SECRET:-}" 'A-Za-z0-9_.~+/=-'
    [ "$ELAAOMS_WEBHOOK_SECRET" != "$ELAAOMS_TOOL_SECRET" ] \
        || die "ELAAOMS_WEBHOOK_SECRET and ELAAOMS_TOOL_SECRET must differ"
}

# template $1 to $2, readable by its owner only
render() {
    (umask 077 && sed -e "s|@REDIS_HOST@|$ELAAOMS_REDIS_HOST|g" \
        -e "s|@REDIS_PORT@|$ELAAOMS_REDIS_PORT|g" \
        -e "s|@LISTEN@|$ELAAOMS_LISTEN|g" \
        -e "s|@ORG@|$ELAAOMS_ORG|g" \
        -e "s|@CONCURRENCY@|$ELAAOMS_WORKER_CONCURRENCY|g" \
        -e "s|@WEBHOOK_SECRET@|${ELAAOMS_WEBHOOK_SECRET:-}|g" \
        -e "s|@TOOL_SECRET@|${ELAAOMS_TOOL_SECRET:-}|g" "$1" > "$2")
}

run_dir() {
    install -d -o elaaoms -g elaaoms -m 0750 "$RUN_DIR"
}

case "${1:-nginx}" in
nginx)
    settings
    secrets
    run_dir
    render /etc/elaaoms/nginx.conf "$RUN_DIR/nginx.conf"
    exec nginx -e stderr -c "$RUN_DIR/nginx.conf"
    ;;
worker)
    settings
    run_dir
    render /etc/elaaoms/elaaoms-worker.conf "$RUN_DIR/elaaoms-worker.conf"
    chown elaaoms "$RUN_DIR/elaaoms-worker.conf"
    exec setpriv --reuid elaaoms --regid elaaoms --init-groups \
        elaaoms-worker --config "$RUN_DIR/elaaoms-worker.conf"
    ;;
health)
    # the address nginx listens on; loopback when it is every address
    case $ELAAOMS_LISTEN in
    *:*) host=${ELAAOMS_LISTEN%:*} port=${ELAAOMS_LISTEN##*:} ;;
    *)   host=127.0.0.1 port=$ELAAOMS_LISTEN ;;
    esac
    case $host in 0.0.0.0|'*'|'[::]') host=127.0.0.1 ;; esac
    exec curl -fsS -o /dev/null --max-time 3 "http://$host:$port/health"
    ;;
check)
    # resolvable where the image is built; placeholders for the secrets
    ELAAOMS_REDIS_HOST=127.0.0.1
    ELAAOMS_WEBHOOK_SECRET=check-webhook-secret
    ELAAOMS_TOOL_SECRET=check-tool-secret
    settings
    secrets
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    if ldd /usr/local/bin/elaaoms-worker | grep 'not found'; then
        die "elaaoms-worker: a library is missing"
    fi
    render /etc/elaaoms/nginx.conf "$tmp/nginx.conf"
    nginx -t -e stderr -c "$tmp/nginx.conf"
    render /etc/elaaoms/elaaoms-worker.conf "$tmp/elaaoms-worker.conf"
    elaaoms-worker --config "$tmp/elaaoms-worker.conf" --check-config
    ;;
*)
    exec "$@"
    ;;
esac
