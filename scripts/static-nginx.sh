#!/bin/bash
# An nginx with the module built in (--add-module), to test the static
# build: nginx places filters by module type, and a static build is where
# a wrong type shows.
#
#   scripts/static-nginx.sh fetch DIR      nginx's source from Debian into
#                                          DIR/nginx-<version> (apt-get
#                                          source with a temporary deb-src
#                                          list; needs Debian's registry)
#   scripts/static-nginx.sh build SRC OUT  configure and build SRC with the
#                                          module into OUT/nginx
#
# "fetch" leaves apt's own configuration alone: the deb-src entries, the
# lists they download and the files all live under DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# the installed nginx's upstream version ("1.22.1"), else Debian's candidate
nginx_version() {
    local v
    v=$(dpkg-query -W -f='${Version}' nginx 2>/dev/null || true)
    [ -n "$v" ] || v=$(apt-cache policy nginx | awk '/Candidate:/ {print $2}')
    v=${v#*:}
    echo "${v%%-*}"
}

# deb-src twins of the machine's "deb" entries, one-line and deb822 alike
deb_src_lines() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            /^[[:space:]]*$/ { flush(); next }
            /^Types:/        { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
            /^URIs:/         { uris = $0; sub(/^URIs:[[:space:]]*/, "", uris) }
            /^Suites:/       { suites = $0; sub(/^Suites:[[:space:]]*/, "", suites) }
            /^Components:/   { comps = $0; sub(/^Components:[[:space:]]*/, "", comps) }
            function flush(   u, s, nu, ns, i, j, U, S) {
                if (deb && uris != "" && suites != "") {
                    nu = split(uris, U, /[[:space:]]+/)
                    ns = split(suites, S, /[[:space:]]+/)
                    for (i = 1; i <= nu; i++)
                        for (j = 1; j <= ns; j++)
                            print "deb-src " U[i] " " S[j] " " comps
                }
                deb = 0; uris = ""; suites = ""; comps = ""
            }
            END { flush() }
        ' "$f"
    done
}

fetch() {
    local dir=$1 version apt_dir opts v got=""
    version=$(nginx_version)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)

    if [ -d "$dir/nginx-$version" ]; then
        echo "nginx source: $dir/nginx-$version"
        return 0
    fi

    apt_dir=$dir/apt
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives"
    deb_src_lines | sort -u > "$apt_dir/sources.list"
    if [ ! -s "$apt_dir/sources.list" ]; then
        echo "no Debian package sources configured" >&2
        return 1
    fi

    opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
          -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$apt_dir/lists"
          -o "APT::Sandbox::User=root")

    apt-get "${opts[@]}" -qq update

    # Debian's package versions of that upstream release, newest first:
    # a mirror may lack one version's .dsc but still serve the tarball
    cd "$apt_dir/archives"
    for v in $(apt-cache "${opts[@]}" showsrc nginx \
               | awk '/^Version:/ {print $2}' | sort -ruV); do
        case $v in "$version"-*) ;; *) continue ;; esac
        apt-get "${opts[@]}" -qq source --download-only "nginx=$v" || true
        if [ -f "nginx_$version.orig.tar.gz" ]; then
            got=$v
            break
        fi
    done

    if [ -z "$got" ]; then
        echo "could not download nginx $version's source" >&2
        return 1
    fi

    # the upstream tarball, checked against a .dsc when one came with it
    for dsc in nginx_*.dsc; do
        [ -f "$dsc" ] || continue
        grep -q "$(sha256sum "nginx_$version.orig.tar.gz" | cut -d' ' -f1)" \
            "$dsc" || { echo "nginx_$version.orig.tar.gz does not match $dsc" >&2
                        return 1; }
    done

    tar -xzf "nginx_$version.orig.tar.gz" -C "$dir"
    echo "nginx source: $dir/nginx-$version (from Debian's nginx $got)"
}

build() {
    local src=$1 out=$2
    mkdir -p "$out"
    out=$(cd "$out" && pwd)

    # configured again only when the addon script changed; the module
    # links the core archive that "make lib" built
    if [ ! -f "$out/obj/Makefile" ] || [ "$ROOT/config" -nt "$out/obj/Makefile" ]
    then
        (cd "$src" && ELAAOMS_LIB=${ELAAOMS_LIB:-$ROOT/build/obj/libelaaoms-core.a} \
            ./configure --prefix="$out" --builddir="$out/obj" \
                --sbin-path="$out/nginx" --with-threads --with-debug \
                --with-http_ssl_module --with-http_auth_request_module \
                --add-module="$ROOT" > "$out/configure.log")
    fi
    (cd "$src" && make -s -f "$out/obj/Makefile" -j"$(nproc)" binary)
    cp "$out/obj/nginx" "$out/nginx"
    echo "static nginx: $out/nginx"
}

case "${1:-}" in
    fetch) fetch "${2:?usage: $0 fetch DIR}" ;;
    build) build "${2:?usage: $0 build SRC OUT}" "${3:?usage: $0 build SRC OUT}" ;;
    *)     echo "usage: $0 fetch DIR | build SRC OUT" >&2; exit 2 ;;
esac
