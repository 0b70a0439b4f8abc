#!/bin/bash
# "make docker-check": the container images built and run here, without
# Docker Hub (docs/DEPLOYMENT.md, "Containers").
#
#   1. a Debian 12 base image from Debian's packages (debootstrap
#      --variant=minbase, imported as localhost/elaaoms/bookworm-base; the
#      tarball is kept in build/docker/, the image in podman's storage, so
#      a second run skips this)
#   2. docker/Dockerfile built with BASE set to it: elaaoms/elaaoms (the
#      runtime stage) and elaaoms/redis
#   3. Redis, nginx and the worker started as compose starts them (the
#      same commands, environment and volumes), on the host's network at
#      ports of their own; nginx's health check run by podman
#   4. scripts/demo.pl --url against them: a signed post-call, the
#      worker's extraction through the shared payload volume, client-data
#      and search-memory answering with the remembered facts; /health 200;
#      Redis' append-only file on its volume
#   5. everything removed again (containers and volumes; the images stay)
#
# Exits 0 when all passed, 1 when a step failed, 77 when containers cannot
# be built or run on this machine (the reason is printed).  Needs root,
# podman and debootstrap (Debian packages); on a machine whose kernel
# forbids what crun or podman's default limits need (a sandbox: cgroups v1
# and v2 mixed, no CAP_SYS_RESOURCE), it runs them with runc and the
# current limits (build/docker/containers.conf).
#
# Environment: ELAAOMS_DEBIAN_MIRROR (default: the first Debian mirror of
# /etc/apt/sources.list*), ELAAOMS_CHECK_PORT (18090, nginx) and
# ELAAOMS_CHECK_REDIS_PORT (16390).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/docker
BASE_IMAGE=localhost/elaaoms/bookworm-base
BASE_TAR=$OUT/bookworm-base.tar
PORT=${ELAAOMS_CHECK_PORT:-18090}
REDIS_PORT=${ELAAOMS_CHECK_REDIS_PORT:-16390}
NAME=elaaoms-check-$$
START=$(date +%s)

cannot() {
    echo "check-docker: containers cannot run here: $*" >&2
    exit 77
}

fail() {
    echo "check-docker: FAIL: $*" >&2
    exit 1
}

step() {
    printf '[%3ds] %s\n' $(($(date +%s) - START)) "$*"
}

[ "$(id -u)" = 0 ] || cannot "not root (debootstrap and rootful podman need it)"
command -v podman >/dev/null \
    || cannot "podman is not installed (apt-get install podman runc)"
command -v debootstrap >/dev/null || podman image exists "$BASE_IMAGE" \
    || [ -f "$BASE_TAR" ] \
    || cannot "debootstrap is not installed (apt-get install debootstrap)"

mkdir -p "$OUT"

# --- 1. the base image ------------------------------------------------------

mirror() {
    local m
    m=${ELAAOMS_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | grep -v '^[[:space:]]*#' \
        | grep -oE 'https?://[^ ]*/debian/?( |$)' | head -1 \
        | tr -d ' ')}
    echo "${m:-http://deb.debian.org/debian}"
}

make_base_tar() {
    local dir m
    m=$(mirror)
    # not under build/: the Makefile reads every *.d there (etc/rc2.d...)
    dir=$(mktemp -d /var/tmp/elaaoms-rootfs.XXXXXX)
    chmod 0755 "$dir"    # the image's /, not mktemp's 0700
    step "debootstrap --variant=minbase bookworm from $m"
    debootstrap --variant=minbase bookworm "$dir" "$m" > "$OUT/debootstrap.log" 2>&1 \
        || { tail -20 "$OUT/debootstrap.log" >&2
             cannot "debootstrap failed (log: $OUT/debootstrap.log)"; }
    # the suites of Docker Hub's debian:bookworm, so that the module and
    # Debian's nginx come from the same, current release
    rm -f "$dir/etc/apt/sources.list"
    cat > "$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${m%/}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${m%/debian*}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
        "$dir"/var/lib/apt/lists/*
    tar --numeric-owner -C "$dir" -cf "$BASE_TAR.new" .
    mv "$BASE_TAR.new" "$BASE_TAR"
    rm -rf "$dir"
}

if podman image exists "$BASE_IMAGE"; then
    step "base image $BASE_IMAGE: present"
else
    [ -f "$BASE_TAR" ] || make_base_tar
    step "podman import $BASE_TAR $BASE_IMAGE"
    podman import "$BASE_TAR" "$BASE_IMAGE" > "$OUT/import.log" 2>&1 \
        || { cat "$OUT/import.log" >&2; cannot "podman import failed"; }
fi

# --- can a container run? -------------------------------------------------

probe() {
    podman run --rm --network host "$BASE_IMAGE" true 2> "$OUT/probe.err"
}

if probe; then
    step "podman runs containers with its defaults"
else
    step "podman's defaults fail here: $(tail -1 "$OUT/probe.err")"
    # crun refuses cgroups v1 and v2 mixed; podman raises RLIMIT_NOFILE
    # and RLIMIT_NPROC, which needs CAP_SYS_RESOURCE
    command -v runc >/dev/null \
        || cannot "$(tail -1 "$OUT/probe.err"); runc (apt-get install runc) may help"
    cat > "$OUT/containers.conf" <<EOF
# written by scripts/check-docker.sh: podman's defaults failed here
# ($(tail -1 "$OUT/probe.err"))
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[engine]
runtime = "runc"
EOF
    export CONTAINERS_CONF=$OUT/containers.conf
    probe || cannot "podman run fails with crun and with runc: $(tail -1 "$OUT/probe.err")"
    step "podman runs containers with runc and the current limits ($CONTAINERS_CONF)"
fi

# --- 2. the images -----------------------------------------------------------

step "podman build elaaoms/redis and elaaoms/elaaoms (log: $OUT/build.log)"
: > "$OUT/build.log"
for target in redis runtime; do
    image=elaaoms/elaaoms
    [ $target = redis ] && image=elaaoms/redis
    podman build -f "$ROOT/docker/Dockerfile" --target $target \
        --build-arg BASE="$BASE_IMAGE" -t $image "$ROOT" >> "$OUT/build.log" 2>&1 \
        || { tail -30 "$OUT/build.log" >&2; fail "podman build --target $target"; }
done
step "images built"

# --- 3. the services ---------------------------------------------------------

for p in "$PORT" "$REDIS_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
        fail "port $p is in use (ELAAOMS_CHECK_PORT, ELAAOMS_CHECK_REDIS_PORT)"
    fi
done

# the secrets as conf/.env.example asks for them
ELAAOMS_WEBHOOK_SECRET=check-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
ELAAOMS_TOOL_SECRET=check-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export ELAAOMS_WEBHOOK_SECRET ELAAOMS_TOOL_SECRET

cleanup() {
    local rc=$? c
    if [ $rc != 0 ] && [ $rc != 77 ]; then
        for c in redis nginx worker; do
            echo "--- logs of $NAME-$c" >&2
            podman logs --tail 30 "$NAME-$c" >&2 2>&1 || true
        done
    fi
    podman rm -f -t 5 "$NAME-worker" "$NAME-nginx" "$NAME-redis" >/dev/null 2>&1 || true
    podman volume rm -f "$NAME-payloads" "$NAME-redis" >/dev/null 2>&1 || true
    exit $rc
}
trap cleanup EXIT

env_common=(-e ELAAOMS_REDIS_HOST=127.0.0.1 -e ELAAOMS_REDIS_PORT="$REDIS_PORT")

step "start redis ($NAME-redis, 127.0.0.1:$REDIS_PORT, volume $NAME-redis)"
podman run -d --name "$NAME-redis" --network host -v "$NAME-redis:/data" \
    elaaoms/redis redis-server --dir /data --appendonly yes \
    --appendfsync everysec --bind 127.0.0.1 --port "$REDIS_PORT" >/dev/null
for i in $(seq 1 50); do
    podman exec "$NAME-redis" redis-cli -p "$REDIS_PORT" ping 2>/dev/null \
        | grep -q PONG && break
    [ "$i" = 50 ] && fail "redis does not answer PING"
    sleep 0.2
done

step "start the worker ($NAME-worker, volume $NAME-payloads)"
podman run -d --name "$NAME-worker" --network host --stop-signal SIGTERM \
    "${env_common[@]}" -v "$NAME-payloads:/var/lib/elaaoms/payloads" \
    elaaoms/elaaoms worker >/dev/null

step "start nginx ($NAME-nginx, 127.0.0.1:$PORT, same volume)"
podman run -d --name "$NAME-nginx" --network host --stop-signal SIGQUIT \
    "${env_common[@]}" -e ELAAOMS_LISTEN="127.0.0.1:$PORT" \
    -e ELAAOMS_WEBHOOK_SECRET -e ELAAOMS_TOOL_SECRET \
    --health-cmd 'elaaoms-entrypoint health' --health-interval 0 \
    -v "$NAME-payloads:/var/lib/elaaoms/payloads" \
    elaaoms/elaaoms nginx >/dev/null

# compose's health check: the same command, run by podman
for i in $(seq 1 50); do
    podman healthcheck run "$NAME-nginx" >/dev/null 2>&1 && break
    [ "$i" = 50 ] && fail "nginx's health check does not pass"
    sleep 0.2
done
step "nginx's health check passes (elaaoms-entrypoint health)"

# --- 4. one call end to end --------------------------------------------------

step "scripts/demo.pl --url http://127.0.0.1:$PORT"
perl "$ROOT/scripts/demo.pl" --url "http://127.0.0.1:$PORT" | tee "$OUT/demo.out" \
    || fail "scripts/demo.pl"
grep -q 'caller_name: *Dana Whitfield' "$OUT/demo.out" \
    || fail "client-data does not name the caller"
grep -q 'Breville BES870' "$OUT/demo.out" \
    || fail "client-data's context misses the remembered machine"
grep -q 'latex' "$OUT/demo.out" || fail "search-memory misses the allergy"

health=$(curl -s -o "$OUT/health.json" -w '%{http_code}' "http://127.0.0.1:$PORT/health")
[ "$health" = 200 ] || fail "/health answered $health"
grep -q '"worker":"ok"' "$OUT/health.json" \
    || fail "/health does not see the worker: $(cat "$OUT/health.json")"
step "/health: 200 $(cat "$OUT/health.json")"

status=$(curl -s -o /dev/null -w '%{http_code}' -d '{}' \
    "http://127.0.0.1:$PORT/webhook/client-data")
[ "$status" = 401 ] || [ "$status" = 403 ] \
    || fail "client-data without the secret answered $status"
step "client-data without the secret: $status"

podman exec "$NAME-redis" sh -c 'ls /data/appendonlydir/*.aof' >/dev/null 2>&1 \
    || fail "no append-only file on redis' volume"
step "redis' append-only file is on its volume"

# --- 5. stop as compose stops --------------------------------------------------

podman stop -t 40 "$NAME-worker" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME-worker")
[ "$code" = 0 ] || fail "the worker exited with $code on SIGTERM"
podman stop -t 10 "$NAME-nginx" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME-nginx")
[ "$code" = 0 ] || fail "nginx exited with $code on SIGQUIT"
step "the worker (SIGTERM) and nginx (SIGQUIT) stopped cleanly"
step "all passed in $(($(date +%s) - START)) s; removing the containers and volumes"
