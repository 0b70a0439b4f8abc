#!/bin/bash
# A local Redis Cluster for tests and trials: three masters and three
# replicas on 127.0.0.1, with Debian's redis-server and redis-cli.
#
#   redis-cluster.sh start  [--base-port P] [--dir D] [--pass-file F]
#   redis-cluster.sh stop   [--base-port P] [--dir D]
#   redis-cluster.sh status [--base-port P] [--dir D] [--pass-file F]
#
# Nodes listen on P .. P+5 (cluster bus on P+10000 .. P+10005); each keeps
# its nodes.conf, append-only file, log and pid file in D/<port>/.  start
# returns once CLUSTER INFO says cluster_state:ok on every node; stop kills
# the nodes it started (their pid files) and removes D.  With --pass-file
# (the password on its first line) every node requires it (requirepass)
# and replicas authenticate to their masters with it (masterauth); the
# password goes into the nodes' 0600 configuration files and reaches
# redis-cli through REDISCLI_AUTH, never a command line.
#
# Defaults: P=7000, D=var/redis-cluster-P under the checkout.  Exits 0 on
# success, 1 on failure, 77 when this redis-server has no cluster support.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
nodes=6
base=7000
dir=""
pass_file=""
node_timeout=${ELAAOMS_CLUSTER_NODE_TIMEOUT:-1000}   # ms; failover comes after it
wait_secs=30

usage() {
    sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
    exit 1
}

[ $# -ge 1 ] || usage
action=$1
shift

while [ $# -gt 0 ]; do
    case $1 in
    --base-port) base=$2; shift 2 ;;
    --dir)       dir=$2; shift 2 ;;
    --pass-file) pass_file=$2; shift 2 ;;
    *)           usage ;;
    esac
done

case $base in
''|*[!0-9]*) echo "redis-cluster: --base-port must be a number" >&2; exit 1 ;;
esac
if [ "$base" -lt 1024 ] || [ "$base" -gt 55000 ]; then
    # the bus port is base + 10000 + i
    echo "redis-cluster: --base-port must be within 1024..55000" >&2
    exit 1
fi

dir=${dir:-$root/var/redis-cluster-$base}
# the nodes chdir to their "dir": every path they are given is absolute
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
marker=$dir/.elaaoms-redis-cluster

if [ -n "$pass_file" ]; then
    [ -r "$pass_file" ] || { echo "redis-cluster: cannot read $pass_file" >&2; exit 1; }
    password=$(head -n 1 "$pass_file")
    [ -n "$password" ] || { echo "redis-cluster: $pass_file is empty" >&2; exit 1; }
    case $password in
    *'"'*|*'\'*) echo "redis-cluster: the password may not hold \" or \\" >&2; exit 1 ;;
    esac
    export REDISCLI_AUTH=$password
fi

ports() {
    local i
    for ((i = 0; i < nodes; i++)); do
        echo $((base + i))
    done
}

cli() {
    local port=$1
    shift
    redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# cluster_state of one node, or "down"
node_state() {
    local info
    info=$(cli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r') || { echo down; return; }
    printf '%s\n' "$info" | sed -n 's/^cluster_state://p' | grep . || echo down
}

has_cluster_support() {
    # Redis Cluster came with 3.0 (CLUSTER SLOTS, which the client reads)
    redis-server --version >/dev/null 2>&1 || return 1
    local major
    major=$(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p')
    [ -n "$major" ] && [ "$major" -ge 3 ]
}

write_conf() {
    local port=$1 d=$dir/$1
    mkdir -p "$d"
    (
        umask 077
        {
            echo "port $port"
            echo "bind 127.0.0.1"
            echo "dir $d"
            echo "daemonize yes"
            echo "pidfile $d/redis.pid"
            echo "logfile $d/redis.log"
            echo "cluster-enabled yes"
            echo "cluster-config-file $d/nodes.conf"
            echo "cluster-node-timeout $node_timeout"
            # a failed master stops its own slots only, not the cluster's
            # (the default stops every slot until a replica takes over)
            echo "cluster-require-full-coverage no"
            echo "appendonly yes"
            echo "save \"\""
            if [ -n "$pass_file" ]; then
                echo "requirepass \"$password\""
                echo "masterauth \"$password\""
            fi
        } > "$d/redis.conf"
    )
}

wait_state_ok() {
    local deadline=$((SECONDS + wait_secs)) port bad
    while :; do
        bad=""
        for port in $(ports); do
            [ "$(node_state "$port")" = ok ] || bad="$bad $port"
        done
        [ -z "$bad" ] && return 0
        if [ $SECONDS -ge $deadline ]; then
            echo "redis-cluster: cluster_state is not ok on:$bad after ${wait_secs}s" >&2
            return 1
        fi
        sleep 0.1
    done
}

start() {
    local port addrs="" deadline

    if ! has_cluster_support; then
        echo "redis-cluster: redis-server is missing or has no cluster support" >&2
        exit 77
    fi

    if [ -e "$marker" ]; then
        echo "redis-cluster: $dir holds a cluster already (stop it first)" >&2
        exit 1
    fi

    for port in $(ports); do
        if cli "$port" PING >/dev/null 2>&1 \
           || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "redis-cluster: something listens on 127.0.0.1:$port already" >&2
            exit 1
        fi
    done

    mkdir -p "$dir"
    : > "$marker"

    for port in $(ports); do
        write_conf "$port"
        if ! redis-server "$dir/$port/redis.conf"; then
            echo "redis-cluster: redis-server on $port did not start" \
                 "(see $dir/$port/redis.log)" >&2
            exit 1
        fi
        addrs="$addrs 127.0.0.1:$port"
    done

    deadline=$((SECONDS + wait_secs))
    for port in $(ports); do
        until [ "$(cli "$port" PING 2>/dev/null)" = PONG ]; do
            if [ $SECONDS -ge $deadline ]; then
                echo "redis-cluster: node $port does not answer PING" >&2
                exit 1
            fi
            sleep 0.05
        done
    done

    # shellcheck disable=SC2086
    if ! redis-cli --cluster create $addrs --cluster-replicas 1 \
             --cluster-yes > "$dir/create.log" 2>&1; then
        echo "redis-cluster: redis-cli --cluster create failed:" >&2
        cat "$dir/create.log" >&2
        exit 1
    fi

    wait_state_ok
    echo "redis-cluster: $nodes nodes on 127.0.0.1:$base..$((base + nodes - 1)), cluster_state:ok"
}

# the pid is a redis-server we started: its title names our port
ours() {
    grep -qa "redis-server 127.0.0.1:$2 " "/proc/$1/cmdline" 2>/dev/null
}

stop() {
    local port pid pidfile i

    if [ ! -e "$marker" ]; then
        echo "redis-cluster: no cluster in $dir" >&2
        return 0
    fi

    for port in $(ports); do
        pidfile=$dir/$port/redis.pid
        [ -r "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        case $pid in ''|*[!0-9]*) continue ;; esac
        ours "$pid" "$port" || continue
        kill "$pid" 2>/dev/null || true
        for ((i = 0; i < 250; i++)); do
            ours "$pid" "$port" || break
            sleep 0.02
        done
        if ours "$pid" "$port"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    done

    rm -rf "$dir"
}

status() {
    local port state role bad=0 pid

    if [ ! -e "$marker" ]; then
        echo "redis-cluster: no cluster in $dir"
        return 1
    fi

    for port in $(ports); do
        pid=$(cat "$dir/$port/redis.pid" 2>/dev/null || echo -)
        state=$(node_state "$port")
        role=$(cli "$port" ROLE 2>/dev/null | head -n 1 || true)
        printf '127.0.0.1:%s pid %s %s cluster_state:%s\n' \
               "$port" "$pid" "${role:-down}" "$state"
        [ "$state" = ok ] || bad=1
    done

    return $bad
}

case $action in
start)  start ;;
stop)   stop ;;
status) status ;;
*)      usage ;;
esac
