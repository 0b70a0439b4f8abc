#!/bin/sh
# The documented layout matches the tree:
#   - every top-level folder (build/, var/ and what git ignores aside: the
#     build's and make run's state) and every lib/ folder has a row
#     in README.md's layout table, and every path that table names exists;
#   - every file of docs/ARCHITECTURE.md's "Where to find" table exists.
# Run by `make unit`; prints what is wrong and fails.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bad=0

# README's layout table: rows "| `path` | what |" under "## Layout"
readme=$(awk '/^## Layout/ {on = 1; next} on && /^## / {exit}
              on && /^\| `/ {split($0, c, "`"); print c[2]}' README.md)

for d in */ lib/*/; do
    case $d in build/|var/|lib/) continue ;; esac
    if git check-ignore -q "$d" 2>/dev/null; then
        continue
    fi
    if ! printf '%s\n' "$readme" | grep -qx "$d"; then
        echo "check-layout: $d is not in README.md's layout table" >&2
        bad=1
    fi
done

for p in $readme; do
    if [ ! -e "$p" ]; then
        echo "check-layout: README.md's layout table names $p, which does not exist" >&2
        bad=1
    fi
done

# ARCHITECTURE's table: "| behaviour | `folder/` | `file`, `file` |"
awk -F'|' '/^## Where to find/ {on = 1; next} on && /^## / {exit}
           on && /^\| / && $3 ~ /`/ {
               n = split($3, f, "`"); folder = f[2]
               m = split($4, g, "`")
               for (i = 2; i <= m; i += 2) print folder g[i]
           }' docs/ARCHITECTURE.md > "${TMPDIR:-/tmp}/check-layout.$$"

if [ ! -s "${TMPDIR:-/tmp}/check-layout.$$" ]; then
    echo "check-layout: no \"Where to find\" table in docs/ARCHITECTURE.md" >&2
    bad=1
fi

while read -r p; do
    if [ ! -e "$p" ]; then
        echo "check-layout: docs/ARCHITECTURE.md's \"Where to find\" names $p, which does not exist" >&2
        bad=1
    fi
done < "${TMPDIR:-/tmp}/check-layout.$$"
rm -f "${TMPDIR:-/tmp}/check-layout.$$"

exit $bad
