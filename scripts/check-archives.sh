#!/bin/sh
# "nginx never blocks", enforced at build time:
#   check-archives.sh CORE.a IO.a MODULE.so
# fails when the core archive (what the nginx module links) or the module
# calls synchronous hiredis or libcurl, or references anything that the
# worker-only archive defines.
set -eu

core=$1 io=$2 module=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm --defined-only -g "$io" | awk 'NF == 3 {print $3}' | sort -u > "$tmp/io"
blocking='^(redisConnect|redisCommand|redisAppendCommand|redisGetReply|redisBufferRead|redisBufferWrite|redisFree$|freeReplyObject|curl_)'

bad=0
for what in "$core" "$module"; do
    case $what in
    *.so) nm -u -D "$what" ;;
    *)    nm -u "$what" ;;
    esac | awk '{print $2}' | sort -u > "$tmp/undef"

    { grep -E "$blocking" "$tmp/undef" || true
      comm -12 "$tmp/undef" "$tmp/io"; } | sort -u > "$tmp/hits"

    if [ -s "$tmp/hits" ]; then
        echo "check-archives: $what references worker-only code:" \
             $(cat "$tmp/hits") >&2
        bad=1
    fi
done

exit $bad
