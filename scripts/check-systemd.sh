#!/bin/sh
# The systemd units (conf/systemd/) through systemd-analyze verify: the
# worker's unit with ExecStart pointed at the built binary, and the nginx
# drop-in on a stand-in nginx.service.  Any warning fails the check
# (systemd-analyze only warns about unknown keys and bad values).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed "s#/usr/local/bin/elaaoms-worker#$root/build/elaaoms-worker#" \
    "$root/conf/systemd/elaaoms-worker.service" > "$tmp/elaaoms-worker.service"

mkdir "$tmp/nginx.service.d"
cp "$root/conf/systemd/nginx.service.d/elaaoms.conf" "$tmp/nginx.service.d/"
cat > "$tmp/nginx.service" <<'UNIT'
[Unit]
Description=nginx (stand-in for Debian's unit)
[Service]
Type=forking
ExecStart=/usr/sbin/nginx
[Install]
WantedBy=multi-user.target
UNIT

status=0
for unit in elaaoms-worker.service nginx.service; do
    if ! out=$(systemd-analyze verify --man=no "$tmp/$unit" 2>&1) \
        || [ -n "$out" ]
    then
        echo "$unit:"
        echo "$out"
        status=1
    else
        echo "$unit: verified"
    fi
done

exit $status
