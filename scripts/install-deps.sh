#!/bin/sh
# Installs the Debian packages the build, the product and the tests need,
# when they are missing.  Does nothing for packages already present; only
# root can install, anyone else is told what is missing.
set -eu

PKGS="nginx nginx-dev build-essential pkg-config libssl-dev libcurl4-openssl-dev
libyajl-dev libhiredis-dev redis-server wrk curl ca-certificates openssl
python3 perl
libtest-base-perl libtext-diff-perl libtest-longstring-perl
liblist-moreutils-perl libhttp-message-perl liburi-perl libwww-perl
libipc-run-perl clang libclang-rt-14-dev valgrind wordnet-base prometheus chromium
systemd"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages:$missing (run make as root to install them)" >&2
    exit 1
fi

echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# nginx's package starts a service where an init system runs; keep it from
# touching port 80 on the build machine
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends $missing
