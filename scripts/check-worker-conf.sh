#!/bin/sh
# conf/elaaoms-worker.conf against the worker: every key the worker knows
# (worker/worker_config.c) is in the file, and the worker accepts the file
# as shipped and with every commented key line switched on.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
conf="$root/conf/elaaoms-worker.conf"
worker="$root/build/elaaoms-worker"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

status=0

keys=$( (grep -o 'CF_[SID]("[a-z_0-9]*"' "$root/worker/worker_config.c" \
             | sed 's/.*("//; s/"$//';
         echo org_llm_provider; echo org_openmemory) | sort -u)
for k in $keys; do
    if ! grep -Eq "^(# )?$k( |\$)" "$conf"; then
        echo "key $k is not in conf/elaaoms-worker.conf"
        status=1
    fi
done

# as shipped, the placeholders filled in as scripts/run.sh does
sed "s#@REDIS_PORT@#6379#; s#@PAYLOAD_DIR@#$tmp/payloads#; s#@PREFIX@#$tmp#g" \
    "$conf" > "$tmp/shipped.conf"

# every commented key line on; the secret files made up
echo secret > "$tmp/redis.pw"
echo om-secret > "$tmp/om.key"
on="s#/etc/elaaoms/redis.pw#$tmp/redis.pw#; s#/etc/elaaoms/[a-z-]*[.]key#$tmp/om.key#"
for k in $keys; do
    # one password (key) source at a time: the file's
    [ "$k" = redis_password ] && continue
    [ "$k" = openmemory_api_key ] && continue
    on="$on; s/^# ($k )/\1/"
done
sed -E "$on" "$tmp/shipped.conf" > "$tmp/all.conf"

for f in shipped all; do
    if out=$("$worker" --config "$tmp/$f.conf" --check-config 2>&1); then
        echo "conf/elaaoms-worker.conf ($f keys): $out"
    else
        echo "conf/elaaoms-worker.conf ($f keys) refused: $out"
        status=1
    fi
done

exit $status
