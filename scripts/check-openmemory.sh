#!/bin/bash
# The OpenMemory mirror against a REAL OpenMemory server (CaviraOSS,
# packages/openmemory-js), not the tests' stand-in.  Not run by CI: it
# needs that server running.  Usage:
#
#   scripts/check-openmemory.sh [URL [KEY]]
#
# URL and KEY default to OPENMEMORY_URL and OPENMEMORY_API_KEY.  Starting
# the server (no network needed: its synthetic embeddings):
#
#   cd packages/openmemory-js && npm ci
#   OM_PORT=18080 OM_API_KEY=<key> OM_DB_PATH=/tmp/om/om.sqlite \
#     OM_TIER=hybrid OM_EMBEDDINGS=synthetic npx tsx src/server/index.ts
#
# What it does, printing each check: starts a private Redis, the worker
# (offline extraction, the mirror pointed at URL with KEY) and nginx with
# the module, all under a temporary directory; sends a signed post-call;
# waits for the extraction; checks that GET /memory/all of the server
# holds each memory with its tags (elaaoms, org, caller, agent, type,
# importance:<n>) and metadata; sends the same sentence for a second
# caller (the server merges equal texts across its whole database: the
# copy must be the second caller's own); runs "elaaoms openmemory status"
# and "openmemory import" (an item another writer added for the caller
# is imported once); then "elaaoms caller forget" of the first caller
# and checks the server holds none of its memories while the second
# caller's copy stays.  The second caller is forgotten at the end, so the
# server keeps nothing of the run.  Exit status 0 when every check held.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OM_URL=${1:-${OPENMEMORY_URL:-}}
OM_KEY=${2:-${OPENMEMORY_API_KEY:-}}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
MODULE=$ROOT/build/nginx/ngx_http_elaaoms_module.so
WORKER=$ROOT/build/elaaoms-worker
TOOL=$ROOT/build/elaaoms
ORG=omcheck
SECRET=omcheck-webhook-secret

if [ -z "$OM_URL" ] || [ -z "$OM_KEY" ]; then
    echo "usage: $0 URL KEY (or OPENMEMORY_URL and OPENMEMORY_API_KEY)" >&2
    exit 2
fi

for f in "$MODULE" "$WORKER" "$TOOL"; do
    [ -e "$f" ] || { echo "$f is missing: run make all" >&2; exit 2; }
done

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

VAR=$(mktemp -d /tmp/elaaoms-omcheck-XXXXXX)
chmod 0755 "$VAR"
mkdir -p "$VAR"/{logs,tmp,payloads,redis}
chmod 0777 "$VAR/payloads" "$VAR/tmp"
REDIS_PORT=$(free_port)
NGINX_PORT=$(free_port)

cleanup() {
    [ -f "$VAR/nginx.pid" ] && kill -QUIT "$(cat "$VAR/nginx.pid")" 2>/dev/null
    [ -n "${WORKER_PID:-}" ] && kill -TERM "$WORKER_PID" 2>/dev/null
    [ -f "$VAR/redis.pid" ] && kill -TERM "$(cat "$VAR/redis.pid")" 2>/dev/null
    sleep 0.5
    rm -rf "$VAR"
}
trap cleanup EXIT

echo "== OpenMemory at $OM_URL; state under $VAR"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
    --daemonize yes --pidfile "$VAR/redis.pid" --logfile "$VAR/logs/redis.log"
for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done

printf '%s\n' "$OM_KEY" > "$VAR/openmemory.key"
chmod 0600 "$VAR/openmemory.key"
cat > "$VAR/worker.conf" <<END
redis_host      127.0.0.1
redis_port      $REDIS_PORT
payload_dir     $VAR/payloads
log_file        $VAR/logs/worker.log
llm_provider    offline
heartbeat_secs  1
sweep_secs      1
openmemory_url  $OM_URL
openmemory_api_key_file  $VAR/openmemory.key
openmemory_timeout_ms    10000
END

"$WORKER" --config "$VAR/worker.conf" &
WORKER_PID=$!

USER_LINE=
[ "$(id -u)" = 0 ] && USER_LINE="user root root;"
cat > "$VAR/nginx.conf" <<END
load_module $MODULE;
$USER_LINE
pid $VAR/nginx.pid;
error_log $VAR/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $VAR/tmp;
    elaaoms_redis 127.0.0.1:$REDIS_PORT;
    elaaoms_payload_dir $VAR/payloads;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /webhook/post-call {
            elaaoms_org $ORG;
            elaaoms_signature_secret $SECRET;
            elaaoms_webhook post_call;
        }
        location = /health { elaaoms_health; }
    }
}
END
"$NGINX" -p "$VAR" -c "$VAR/nginx.conf" -e "$VAR/logs/error.log" || exit 1

export OM_URL OM_KEY ORG SECRET NGINX_PORT TOOL
export TOOL_CONF=$VAR/worker.conf

perl -MHTTP::Tiny -MJSON::PP -MDigest::SHA=hmac_sha256_hex -e '
use strict;
use warnings;

my ($url, $key, $org) = @ENV{qw(OM_URL OM_KEY ORG)};
my $http = HTTP::Tiny->new(timeout => 30);
my $json = JSON::PP->new->canonical;
my $run = time();
my $agent = "agent_omcheck01";
my ($c1, $c2) = ("+14155550142", "+14155550143");
my $failed = 0;

sub check {
    my ($ok, $what) = @_;
    printf "%s - %s\n", $ok ? "ok" : "NOT OK", $what;
    $failed++ unless $ok;
    return $ok;
}

sub om {
    my ($method, $path, $doc) = @_;
    my $res = $http->request($method, "$url$path", {
        headers => { "x-api-key" => $key, "content-type" => "application/json" },
        $doc ? (content => $json->encode($doc)) : () });
    return ($res->{status}, eval { decode_json($res->{content}) } || {});
}

sub all_items {
    my @all;
    for (my $u = 0; ; $u += 100) {
        my ($st, $doc) = om("GET", "/memory/all?u=$u&l=100");
        die "GET /memory/all: $st\n" unless $st == 200;
        push @all, @{ $doc->{items} };
        last if @{ $doc->{items} } < 100;
    }
    return @all;
}

sub of_caller {
    my ($c) = @_;
    return grep { ($_->{metadata}{caller} // "") eq $c
                  || grep({ $_ eq "caller:$c" } @{ $_->{tags} || [] }) } all_items();
}

sub tool {
    my @cmd = ($ENV{TOOL}, "--config", $ENV{TOOL_CONF}, "--org", $org, "--json", @_);
    print "\$ elaaoms --org $org --json @_\n";
    open my $fh, "-|", @cmd or die "$cmd[0]: $!";
    my @out = <$fh>;
    close $fh;
    my $status = $? >> 8;
    print "  $_" for @out;
    return ($status, [ map { /^\s*\{/ ? decode_json($_) : () } @out ]);
}

sub wait_for {
    my ($cond, $secs) = @_;
    for (1 .. $secs * 4) {
        my $v = $cond->();
        return $v if $v;
        select undef, undef, undef, 0.25;
    }
    return $cond->();
}

sub post_call {
    my ($conv, $caller, @lines) = @_;
    my $t = 1;
    my $body = $json->encode({
        type => "post_call_transcription", event_timestamp => time(),
        data => { agent_id => $agent, conversation_id => $conv, status => "done",
                  transcript => [ { role => "agent", message => "Hello, how can I help?",
                                    time_in_call_secs => 0 },
                                  map { { role => "user", message => $_,
                                          time_in_call_secs => $t++ } } @lines ],
                  metadata => { phone_call => { direction => "inbound",
                                                external_number => $caller } } } });
    my $ts = time();
    my $res = $http->post("http://127.0.0.1:$ENV{NGINX_PORT}/webhook/post-call", {
        headers => { "ElevenLabs-Signature" => "t=$ts,v0=" . hmac_sha256_hex("$ts.$body", $ENV{SECRET}) },
        content => $body });
    check($res->{status} == 200, "signed post-call $conv for $caller: $res->{status}");
}

sub memories {
    my ($c) = @_;
    my @cmd = ($ENV{TOOL}, "--config", $ENV{TOOL_CONF}, "--org", $org, "--json",
               "caller", "show", $c);
    open my $fh, "-|", @cmd or die $!;
    my @m = grep { ref $_ eq "HASH" && defined $_->{content} && defined $_->{id} }
            map { /^\s*\{/ ? decode_json($_) : () } <$fh>;
    close $fh;
    return @m;
}

my ($st, $h) = om("GET", "/health");
check($st == 200 && $h->{ok}, "OpenMemory /health: $st, version " . ($h->{version} // "?")
      . ", embeddings " . ($h->{embedding}{provider} // "?"));
check(!of_caller($c1) && !of_caller($c2), "the server holds nothing of $c1, $c2 before");

# 1. a call: its memories in Redis, then in OpenMemory with tags and metadata
post_call("conv_omcheck_${run}_1", "+1 (415) 555-0142",
          "My name is Clara Quince.", "I prefer email over phone calls.",
          "My dog is named Biscuit.");
my @mems = @{ wait_for(sub { my @m = memories($c1); @m >= 3 ? \@m : undef }, 30) || [] };
check(@mems >= 3, scalar(@mems) . " memories of $c1 in Redis: "
      . join("; ", map { "$_->{type}: $_->{content}" } @mems));
my @held = @{ wait_for(sub { my @h = of_caller($c1); @h == @mems ? \@h : undef }, 30) || [] };
check(@held == @mems, scalar(@held) . " of them in OpenMemory (GET /memory/all)");
my %by = map { ($_->{metadata}{elaaoms_id} // "") => $_ } @held;
for my $m (@mems) {
    my $c = $by{$m->{id}};
    check($c, "memory $m->{id} has a copy" . ($c ? " ($c->{id})" : "")) or next;
    check(index($c->{content}, $m->{content}) == 0, "  content \"$c->{content}\"");
    my %tags = map { $_ => 1 } @{ $c->{tags} || [] };
    my @want = ("elaaoms", "org:$org", "caller:$c1", "agent:$agent", "type:$m->{type}",
                "importance:$m->{importance}");
    check(!grep({ !$tags{$_} } @want), "  tags " . join(",", @{ $c->{tags} || [] }));
    my $md = $c->{metadata} || {};
    check(($md->{org} // "") eq $org && ($md->{caller} // "") eq $c1
          && ($md->{type} // "") eq $m->{type} && ($md->{importance} // -1) == $m->{importance}
          && ($md->{agent_id} // "") eq $agent
          && ($md->{conversation_id} // "") eq "conv_omcheck_${run}_1"
          && defined $md->{confidence} && defined $md->{created},
          "  metadata " . $json->encode({ map { $_ => $md->{$_} }
              qw(org caller type importance agent_id conversation_id confidence created) }));
}

# 2. the same sentence for a second caller: the server merges equal texts
# across its database; the second copy must be the second caller own
post_call("conv_omcheck_${run}_2", "+1 (415) 555-0143", "My dog is named Biscuit.");
my @m2 = @{ wait_for(sub { my @m = memories($c2); @m >= 1 ? \@m : undef }, 30) || [] };
my @h2 = @{ wait_for(sub { my @h = of_caller($c2); @h >= 1 ? \@h : undef }, 30) || [] };
check(@m2 == 1 && @h2 == 1, "the second caller: " . scalar(@m2) . " memory, "
      . scalar(@h2) . " copy: \"" . ($h2[0]{content} // "") . "\"");
my ($dog1) = grep { $_->{content} =~ /Biscuit/ } @held;
check(@h2 && $dog1 && $h2[0]{id} ne $dog1->{id},
      "  its own copy (" . ($h2[0]{id} // "-") . "), not the first caller ("
      . ($dog1->{id} // "-") . ")");

# 3. status, import
my ($s, $out) = tool("openmemory", "status");
check($s == 0 && $out->[0]{openmemory} eq "ok"
      && $out->[0]{mirrored} == @mems + 1 && $out->[0]{pending} == 0,
      "openmemory status: mirrored " . ($out->[0]{mirrored} // "?") . ", pending "
      . ($out->[0]{pending} // "?"));
my ($ast, $added) = om("POST", "/memory/add", { content => "Has a parrot called Mango",
    tags => ["crm"], metadata => { caller => $c1, org => $org, type => "relationship",
                                   importance => 6 } });
check($ast == 200 && $added->{id}, "another writer adds an item for $c1: $ast $added->{id}");
($s, $out) = tool("openmemory", "import");
check($s == 0 && $out->[-1]{imported} == 1, "import: imported " . ($out->[-1]{imported} // "?"));
check(grep({ $_->{content} eq "Has a parrot called Mango" } memories($c1)),
      "  caller show lists it");
($s, $out) = tool("openmemory", "import");
check($s == 0 && $out->[-1]{imported} + $out->[-1]{reinforced} == 0,
      "import again: nothing new (skipped_known " . ($out->[-1]{skipped_known} // "?") . ")");

# 4. erasure: nothing of the first caller left, the second keeps its copy
($s, $out) = tool("caller", "forget", $c1);
check($s == 0, "caller forget $c1: exit $s");
my @left = of_caller($c1);
check(!@left, "the server holds " . scalar(@left) . " memories of $c1");
check(!grep({ $_->{id} eq ($added->{id} // "") } all_items()),
      "  the imported item deleted too");
check(of_caller($c2) == 1, "the second caller keeps its copy");

($s) = tool("caller", "forget", $c2);
check($s == 0 && !of_caller($c2), "caller forget $c2: the server keeps nothing of the run");

print $failed ? "FAILED: $failed check(s)\n" : "all checks held\n";
exit($failed ? 1 : 0);
'
status=$?
if [ $status -ne 0 ]; then
    echo "== the worker log (last lines)"
    tail -20 "$VAR/logs/worker.log"
fi
exit $status
