#!/usr/bin/perl
# The seed's load test: N concurrent calls (default 100) against nginx +
# the module + the worker + Redis, the LLM a fake OpenAI server (its real
# wire format) answering after --llm-latency seconds (default 2).  Each
# call, in its own process: client-data at its start, three search-memory
# tool calls at 20%, 50% and 80% of --call-seconds, then the signed
# post-call transcription at its end.  Half the callers are returning
# callers (memories and a pre-call context seeded), half are new.  Prints
# p50/p95/p99 of each webhook, p50/p90/max from each post-call to its
# conversation's memories stored (the seed's target: p90 <= 20 s), and
# the counts; exits non-zero on any error or any extraction that did not
# complete within --timeout.  Needs a built tree ("make").  Usage:
#
#   perl bench/load_calls.pl [--calls 100] [--call-seconds 20]
#       [--llm-latency 2] [--worker-concurrency 16] [--timeout 300]
#
# Everything runs on 127.0.0.1 and every process it starts is stopped.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Getopt::Long;
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(time sleep);
use File::Temp qw(tempdir);
use ElaaomsTest;

my %o = (calls => 100, 'call-seconds' => 20, 'llm-latency' => 2,
         'worker-concurrency' => 16, timeout => 300);
GetOptions(\%o, 'calls=i', 'call-seconds=f', 'llm-latency=f',
           'worker-concurrency=i', 'timeout=i') or die "bad options\n";

my $root = "$FindBin::Bin/..";
$ENV{ELAAOMS_ROOT} ||= $root;
my $module = "$root/build/nginx/ngx_http_elaaoms_module.so";
my $nginx = $ENV{NGINX_BIN} || '/usr/sbin/nginx';
die "build first: make\n" unless -f $module && -x "$root/build/elaaoms-worker";

my $secret = 'load-signing';
my $tmp = tempdir('elaaoms-load-XXXXXX', TMPDIR => 1, CLEANUP => 1);
mkdir "$tmp/$_" for qw(logs body payloads);
# nginx's worker process may run as another user (nobody, as root starts it)
chmod 0755, $tmp;
chmod 0777, "$tmp/payloads", "$tmp/body";

my $redis = redis_start();
my $fake = fake_start();
my $port = free_port();
my $nginx_pid;

END {
    if ($nginx_pid) {
        kill 'QUIT', $nginx_pid;
        waitpid $nginx_pid, 0;
    }
}
$SIG{$_} = sub { die "stopped by a signal ($_[0])\n" } for qw(INT TERM HUP);

# --- nginx ------------------------------------------------------------------

open my $cf, '>', "$tmp/nginx.conf" or die $!;
print $cf <<"END";
load_module $module;
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/body;
    fastcgi_temp_path $tmp/body;
    uwsgi_temp_path $tmp/body;
    scgi_temp_path $tmp/body;
    elaaoms_redis 127.0.0.1:$redis;
    elaaoms_org load;
    elaaoms_payload_dir $tmp/payloads;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location = /webhook/post-call {
            client_body_buffer_size 256k;
            elaaoms_signature_secret $secret;
            elaaoms_webhook post_call;
        }
        location = /webhook/client-data {
            elaaoms_shared_secret X-Elaaoms-Secret load-tool-secret;
            elaaoms_webhook client_data;
        }
        location = /webhook/search-memory {
            elaaoms_shared_secret X-Elaaoms-Secret load-tool-secret;
            elaaoms_search_cache zone=search:64m;
            elaaoms_webhook search_memory;
        }
        location = /metrics { elaaoms_metrics; }
    }
}
END
close $cf;

$nginx_pid = fork() // die "fork: $!";
if ($nginx_pid == 0) {
    { exec $nginx, '-p', $tmp, '-c', "$tmp/nginx.conf", '-e',
           "$tmp/logs/error.log"; }
    POSIX::_exit(127);
}
wait_until(sub { IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                       PeerPort => $port) }, 10)
    or die "nginx did not start: see $tmp/logs/error.log\n";

# --- callers: half returning (memories and a context), half new -------------

my $n = $o{calls};
my @callers = map { sprintf('+1303555%04d', $_) } 1 .. $n;
my @returning = grep { $_ % 2 == 0 } 0 .. $n - 1;

ElaaomsTest::seed_memories(map {
    my $c = $callers[$_];
    ({ org => 'load', caller => $c, agent => 'agent_01support7x',
       type => 'factual', content => "Caller's name is Caller $_",
       importance => 6, created => time() - 86400, conversation => "old_$_" },
     { org => 'load', caller => $c, agent => 'agent_01support7x',
       type => 'issue', content => "Order LD-$_ arrived with a cracked lid",
       importance => 7, created => time() - 86400, conversation => "old_$_" })
} @returning);

open my $wc, '>', "$tmp/worker.conf" or die $!;
print $wc "redis_host 127.0.0.1\nredis_port $redis\n";
close $wc;
system("$root/build/elaaoms-worker --config $tmp/worker.conf refresh-contexts "
       . "load '$callers[$_]' agent_01support7x > /dev/null") == 0
    or die "refresh-contexts\n" for @returning;

# the worker, its LLM the fake at the chosen latency
fake_control($fake, { reset => JSON::PP::true(),
                      latency_ms => int($o{'llm-latency'} * 1000) });
worker_start(llm_provider => 'openai', openai_base_url => $fake,
             openai_api_key => 'sk-load', llm_fallback => 0,
             llm_first_message => 0, payload_dir => "$tmp/payloads",
             concurrency => $o{'worker-concurrency'}, heartbeat_secs => 1);

# --- one call -------------------------------------------------------------------

# one request on its own connection: (status, seconds)
sub http {
    my ($path, $headers, $body) = @_;
    my $t0 = time;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Timeout => 30) or return (0, time - $t0);
    my $h = join '', map { "$_: $headers->{$_}\r\n" } sort keys %$headers;
    print $s "POST $path HTTP/1.0\r\nHost: load\r\n$h"
        . "Content-Type: application/json\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n$body";
    local $/;
    my $res = <$s> // '';
    my ($status) = $res =~ m{^HTTP/1\.\d (\d{3})};
    return ($status || 0, time - $t0);
}

my $fixture = fixture('elevenlabs/post_call_transcription_twilio.json');
my $json = JSON::PP->new->canonical;

sub call {
    my ($i, $out) = @_;
    my $c = $callers[$i];
    my $conv = sprintf('conv_load_%04d_%d', $i, $$);
    my $sid = "CAload$i";
    my $tool = { 'X-Elaaoms-Secret' => 'load-tool-secret' };
    my $len = $o{'call-seconds'};
    my $t0 = time;
    my @lines;

    my ($st, $s) = http('/webhook/client-data', $tool, $json->encode({
        caller_id => $c, agent_id => 'agent_01support7x',
        called_number => '+18005550199', call_sid => $sid }));
    push @lines, "client-data $st $s";

    for my $at (0.2, 0.5, 0.8) {
        my $wait = $t0 + $at * $len - time;
        sleep $wait if $wait > 0;
        ($st, $s) = http('/webhook/search-memory', $tool, $json->encode({
            query => 'what happened with my last order?', caller_id => $c,
            agent_id => 'agent_01support7x', call_sid => $sid }));
        push @lines, "search-memory $st $s";
    }

    my $wait = $t0 + $len - time;
    sleep $wait if $wait > 0;
    (my $body = $fixture) =~ s/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/$conv/g;
    # the fixture names its caller twice, written two ways
    $body =~ s/\+14155550123/$c/g;
    $body =~ s/\+1 \(415\) 555-0123/$c/g;
    my $sent = time;
    ($st, $s) = http('/webhook/post-call',
                     { 'ElevenLabs-Signature' => sign_header($secret, $body) },
                     $body);
    push @lines, "post-call $st $s", "sent $conv $sent";

    open my $fh, '>', $out or die "$out: $!";
    print $fh map { "$_\n" } @lines;
    close $fh;
}

# --- the run ----------------------------------------------------------------------

printf "%d concurrent calls of %.0f s: client-data, 3 searches, post-call; "
       . "fake LLM latency %.1f s, worker concurrency %d\n", $n,
       $o{'call-seconds'}, $o{'llm-latency'}, $o{'worker-concurrency'};

my $t_start = time;
my %kids;
for my $i (0 .. $n - 1) {
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        # spread the starts over the first second, as calls arrive
        sleep(($i % 50) / 50);
        eval { call($i, "$tmp/call.$i"); 1 } or warn "call $i: $@";
        POSIX::_exit(0);
    }
    $kids{$pid} = 1;
}

# the post-calls' conversations, as the calls end: completion times
my (%sent, %stored);
my $deadline = time + $o{'call-seconds'} + $o{timeout};
while (time < $deadline) {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) { delete $kids{$pid} }

    for my $f (glob "$tmp/call.*") {
        next if $f =~ /\.seen$/;
        open my $fh, '<', $f or next;
        for (<$fh>) { $sent{$1} = $2 if /^sent (\S+) (\S+)/ }
        close $fh;
    }

    my @pending = grep { !exists $stored{$_} } sort keys %sent;
    if (@pending) {
        my $reply = redis_cmd('EVAL', "local out = {} for i, c in "
            . "ipairs(ARGV) do if redis.call('HGET', "
            . "'elaaoms:{load}:conversation:' .. c, 'status') == "
            . "'extraction_completed' then out[#out + 1] = c end end "
            . "return out", 0, @pending);
        my $now = time;
        # redis-cli's list: '1) "conv_..."' lines
        for my $c (grep { exists $sent{$_} } $reply =~ /(conv_load_\w+)/g) {
            $stored{$c} = $now - $sent{$c};
        }
    }

    last if !%kids && keys %sent == $n && keys %stored == $n;
    sleep 0.25;
}
my $wall = time - $t_start;

# --- figures -----------------------------------------------------------------------

my (%lat, %status);
for my $i (0 .. $n - 1) {
    open my $fh, '<', "$tmp/call.$i" or next;
    for (<$fh>) {
        next unless /^(client-data|search-memory|post-call) (\d+) (\S+)/;
        push @{ $lat{$1} }, $3;
        $status{"$1 $2"}++;
    }
    close $fh;
}

sub pct {
    my ($p, @v) = @_;
    return 0 unless @v;
    @v = sort { $a <=> $b } @v;
    my $k = POSIX::ceil($p * @v) - 1;
    return $v[$k < 0 ? 0 : $k];
}

for my $w (qw(client-data search-memory post-call)) {
    my @v = @{ $lat{$w} || [] };
    printf "%-14s %4d requests  p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms\n",
        $w, scalar @v, 1000 * pct(0.5, @v), 1000 * pct(0.95, @v),
        1000 * pct(0.99, @v);
}

my @s = values %stored;
printf "post-call to memories stored: %d of %d  p50 %.1f s  p90 %.1f s  "
       . "max %.1f s (seed target: p90 <= 20 s)\n", scalar @s, $n,
       pct(0.5, @s), pct(0.9, @s), pct(1, @s);

# what the extractions stored and reinforced, from their conversations
my ($memories, $reinforced) = (0, 0);
my $counts = redis_cmd('EVAL', "local s, r = 0, 0 for _, c in ipairs(ARGV) do "
    . "local h = redis.call('HMGET', 'elaaoms:{load}:conversation:' .. c, "
    . "'memories_stored', 'memories_reinforced') "
    . "s = s + (tonumber(h[1]) or 0) r = r + (tonumber(h[2]) or 0) end "
    . "return {s, r}", 0, keys %sent);
($memories, $reinforced) = $counts =~ /\(integer\) (\d+)/g;

my $errors = 0;
$errors += $status{$_} for grep { !/ 200$/ } keys %status;
my $missing = $n - @s;

printf "calls %d, requests %s, memories stored %d, reinforced %d, "
       . "errors %d, extractions not done %d, wall %.0f s\n", $n,
       join(', ', map { "$_: $status{$_}" } sort keys %status),
       $memories // 0, $reinforced // 0, $errors, $missing, $wall;

worker_stop();

if ($errors || $missing) {
    # what nginx said about it
    if (open my $el, '<', "$tmp/logs/error.log") {
        my @l = <$el>;
        print STDERR "nginx error.log (last lines):\n",
            @l > 10 ? @l[-10 .. -1] : @l;
    }
    exit 1;
}
