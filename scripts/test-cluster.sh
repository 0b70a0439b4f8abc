#!/bin/bash
# The suites on a real Redis Cluster ("make test-cluster"):
#
#   scripts/test-cluster.sh [SUITE ...]
#   scripts/test-cluster.sh --worker-check    exit 0 when the worker
#                                             accepts redis_cluster
#
# Each suite runs with prove in ElaaomsTest's cluster mode
# (ELAAOMS_TEST_REDIS_CLUSTER=1): it starts its own local cluster of three
# masters and three replicas (scripts/redis-cluster.sh) on free ports from
# ELAAOMS_TEST_CLUSTER_PORT (7400..7899 when unset), nginx and the worker
# pointed at it.  Suites that make no sense on a cluster skip themselves.
# Without SUITE: the scenario suite, the erasure suite (nothing of an
# erased caller left on any master), t/cluster.t (nginx alone: MOVED, ASK,
# a master killed) and t/cluster_worker.t (post-calls through a reshard and
# a failover, no accepted payload or memory lost).
#
# A worker whose --check-config refuses redis_cluster fails the run.
# Exits with prove's status.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

worker=${ELAAOMS_WORKER:-$root/build/elaaoms-worker}
module=$root/build/nginx/ngx_http_elaaoms_module.so

export TEST_NGINX_BINARY=${TEST_NGINX_BINARY:-/usr/sbin/nginx}
export TEST_NGINX_LOAD_MODULES=${TEST_NGINX_LOAD_MODULES:-$module}
export ELAAOMS_TEST_REDIS_CLUSTER=1

for f in "$worker" "$TEST_NGINX_LOAD_MODULES"; do
    [ -e "$f" ] || { echo "test-cluster: $f is missing: run make first" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'redis_cluster 127.0.0.1:7000\npayload_dir %s\n' "$tmp" > "$tmp/w.conf"
worker_ok=1
out=$("$worker" --config "$tmp/w.conf" --check-config 2>&1) || worker_ok=0

if [ "${1:-}" = --worker-check ]; then
    [ $worker_ok = 1 ] || echo "the worker does not accept redis_cluster: $out"
    [ $worker_ok = 1 ]
    exit
fi

if [ $# -eq 0 ]; then
    set -- t/scenarios.t t/erasure.t t/cluster.t t/cluster_worker.t
fi

if [ $worker_ok = 0 ]; then
    echo "test-cluster: the worker does not accept redis_cluster: $out" >&2
    exit 1
fi
inc=()
perl -MTest::Nginx::Socket -e1 2>/dev/null || inc=(-I "$root/t/runner")
exec prove "${inc[@]}" -I "$root/t/lib" "$@"
