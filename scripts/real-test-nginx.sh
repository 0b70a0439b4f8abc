#!/usr/bin/env bash
# Runs the t/*.t suites with the real Test::Nginx (openresty/test-nginx)
# instead of the project's own runner (t/runner/): README.md's command.
#
#   git clone https://github.com/openresty/test-nginx /somewhere/test-nginx
#   make all
#   TEST_NGINX_LIB=/somewhere/test-nginx/lib scripts/real-test-nginx.sh [prove args] [t/x.t ...]
#
# Nothing is downloaded here: get test-nginx yourself (its Perl dependencies
# are Debian packages, see below). TEST_NGINX_LIB may be left unset when
# Test::Nginx is installed in Perl's @INC. Other variables go to Test::Nginx
# unchanged (TEST_NGINX_PORT, default 1984; TEST_NGINX_RANDOMIZE=1 for
# prove -jN; ...). TEST_NGINX_BINARY defaults to the nginx `make` built the
# module for: build/nginx/nginx after `make NGINX_SRC=...`, else
# /usr/sbin/nginx.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

die() { echo "real-test-nginx.sh: $*" >&2; exit 2; }

inc=()
if [ -n "${TEST_NGINX_LIB:-}" ]; then
    [ -f "$TEST_NGINX_LIB/Test/Nginx/Socket.pm" ] \
        || die "TEST_NGINX_LIB=$TEST_NGINX_LIB has no Test/Nginx/Socket.pm (give the lib/ folder of a test-nginx checkout)"
    # t/runner/ is the project's clean-room runner, not the real one
    [ -f "$TEST_NGINX_LIB/Test/Nginx/Util.pm" ] \
        || die "TEST_NGINX_LIB=$TEST_NGINX_LIB is not openresty/test-nginx (no Test/Nginx/Util.pm)"
    inc=(-I "$(cd "$TEST_NGINX_LIB" && pwd)")
elif ! perl -MTest::Nginx::Util -e1 2>/dev/null; then
    die "set TEST_NGINX_LIB to the lib/ folder of https://github.com/openresty/test-nginx (git clone it; this script downloads nothing)"
fi

perl "${inc[@]}" -MTest::Nginx::Socket -e1 2>/dev/null || die \
    "Test::Nginx does not load; its dependencies on Debian: apt-get install libtest-base-perl libtext-diff-perl libtest-longstring-perl liblist-moreutils-perl libhttp-message-perl liburi-perl libwww-perl libipc-run-perl"

module=$root/build/nginx/ngx_http_elaaoms_module.so
for f in "$module" build/elaaoms-worker build/tools/seed_memories; do
    [ -e "$f" ] || die "$f is missing: run make first"
done

if [ -z "${TEST_NGINX_BINARY:-}" ]; then
    if [ -x build/nginx/nginx ]; then
        TEST_NGINX_BINARY=$root/build/nginx/nginx
    else
        TEST_NGINX_BINARY=/usr/sbin/nginx
    fi
fi
export TEST_NGINX_BINARY
export TEST_NGINX_LOAD_MODULES=$module

# prove's own options may come first; without .t files, every suite
args=("$@")
have_t=0
for a in "${args[@]}"; do case $a in *.t) have_t=1 ;; esac; done
[ "$have_t" = 1 ] || args+=(t/*.t)

exec prove "${inc[@]}" -I t/lib "${args[@]}"
