#!/usr/bin/perl
# Hot paths under load: wrk against client-data and search-memory for
# callers with 10, 100 and 1,000 memories, beside nginx's own "return 200"
# in the same nginx (one worker process), printed as ratios.  Needs a built
# tree ("make") and wrk.  Usage: perl bench/hot_paths.pl [--seconds N]
# Everything runs on 127.0.0.1 and stops by itself.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Getopt::Long;
use File::Temp qw(tempdir);
use JSON::PP ();
use POSIX ();
use ElaaomsTest;

my ($seconds, $connections) = (5, 16);
GetOptions('seconds=i' => \$seconds, 'connections=i' => \$connections)
    or die "bad options\n";

my $root = "$FindBin::Bin/..";
$ENV{ELAAOMS_ROOT} ||= $root;
my $nginx = $ENV{NGINX_BIN} || '/usr/sbin/nginx';
my $module = "$root/build/nginx/ngx_http_elaaoms_module.so";
my $worker = "$root/build/elaaoms-worker";
-x $worker && -f $module or die "build first: make\n";

my $redis = redis_start();
my $tmp = tempdir('elaaoms-bench-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# the seeding tool of the search suite, built by make
my $seed_tool = "$root/build/tools/seed_memories";
-x $seed_tool or die "build first: make\n";

# filler about everything but orders, so the order question has one answer
my @words = qw(email phone address espresso grinder beans weekend morning
               evening daughter manager warranty coupon garden music
               holiday weather parking);
my %callers = (10 => '+12025550010', 100 => '+12025550100',
               1000 => '+12025551000');
my @types = qw(factual preference issue emotion relationship);

open my $seed, '|-', $seed_tool, '127.0.0.1', $redis
    or die "seed: $!";
for my $n (sort { $a <=> $b } keys %callers) {
    for my $i (1 .. $n) {
        my $w1 = $words[$i % @words];
        my $w2 = $words[($i * 7) % @words];
        print $seed JSON::PP->new->canonical->encode({
            org => 'bench', caller => $callers{$n},
            agent => ($i % 3 ? 'agent_a' : 'agent_b'),
            type => $types[$i % @types],
            content => "Memory $i about the $w1 and the $w2.",
            importance => 1 + $i % 10, created => 1763000000 + $i * 3600,
            conversation => 'conv_' . int($i / 5) }), "\n";
    }
}
# the order memory a question should find
print $seed JSON::PP->new->canonical->encode({ org => 'bench',
    caller => $callers{$_}, agent => 'agent_a', type => 'issue',
    content => 'Order XYZ-789 is delayed.', importance => 8,
    created => 1764000000, conversation => 'conv_last' }), "\n" for keys %callers;
close $seed or die "seeding failed\n";

# the pre-call contexts, as the worker builds them after an extraction
open my $wc, '>', "$tmp/worker.conf" or die $!;
print $wc "redis_host 127.0.0.1\nredis_port $redis\n";
close $wc;
for my $c (values %callers) {
    system("$worker --config $tmp/worker.conf refresh-contexts bench '$c' "
           . "agent_a agent_b > /dev/null") == 0 or die "refresh-contexts\n";
}

my $port = free_port();
mkdir "$tmp/$_" for qw(conf logs);
open my $nc, '>', "$tmp/conf/nginx.conf" or die $!;
print $nc <<"END";
load_module $module;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    elaaoms_redis 127.0.0.1:$redis;
    elaaoms_org bench;
    server {
        listen 127.0.0.1:$port;
        location = /return200 { return 200 '{"ok":true}'; }
        location = /webhook/client-data {
            elaaoms_shared_secret X-Elaaoms-Secret bench;
            elaaoms_webhook client_data;
        }
        location = /webhook/search-memory {
            elaaoms_shared_secret X-Elaaoms-Secret bench;
            elaaoms_webhook search_memory;
        }
    }
}
END
close $nc;
system($nginx, '-p', $tmp, '-c', "$tmp/conf/nginx.conf", '-e',
       "$tmp/logs/error.log") == 0 or die "nginx did not start\n";

# stopped however the script ends (before the temp folder goes)
END {
    if (open my $p, '<', "$tmp/nginx.pid") {
        my $pid = <$p>;
        kill 'QUIT', $1 if defined $pid && $pid =~ /^(\d+)/;
    }
}
wait_until(sub { IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                       PeerPort => $port) }, 5);

sub wrk {
    my ($path, $body) = @_;
    my $lua = "$tmp/req.lua";
    open my $fh, '>', $lua or die $!;
    if (defined $body) {
        (my $b = $body) =~ s/(["\\])/\\$1/g;
        print $fh qq{wrk.method = "POST"\nwrk.body = "$b"\n}
                . qq{wrk.headers["Content-Type"] = "application/json"\n}
                . qq{wrk.headers["X-Elaaoms-Secret"] = "bench"\n};
    }
    close $fh;
    my $out = `wrk -t1 -c$connections -d${seconds}s --latency -s $lua http://127.0.0.1:$port$path 2>&1`;
    my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    my ($p50) = $out =~ /^\s+50%\s+(\S+)/m;
    my ($p99) = $out =~ /^\s+99%\s+(\S+)/m;
    my ($non2xx) = $out =~ /Non-2xx or 3xx responses:\s+(\d+)/;
    die "wrk: no figures for $path\n$out" unless $rps;
    die "wrk: $non2xx error responses on $path\n" if $non2xx;
    return ($rps, $p50, $p99);
}

# one request of each kind first: the answers must be the real thing
for my $n (sort { $a <=> $b } keys %callers) {
    my $c = $callers{$n};
    my $res = `curl -s -XPOST -H 'X-Elaaoms-Secret: bench' -d '{"query":"what was my last order number?","caller_id":"$c","agent_id":"agent_a"}' http://127.0.0.1:$port/webhook/search-memory`;
    die "search for $n memories did not find the order: $res\n"
        unless $res =~ /XYZ-789/;
    $res = `curl -s -XPOST -H 'X-Elaaoms-Secret: bench' -d '{"caller_id":"$c","agent_id":"agent_a"}' http://127.0.0.1:$port/webhook/client-data`;
    die "client-data for $n memories is not a known caller: $res\n"
        unless $res =~ /"caller_known":true/;
}

printf "nginx + ngx_http_elaaoms_module, 1 worker process, wrk -t1 -c%d -d%ds, "
    . "Redis on loopback\n", $connections, $seconds;
my ($base) = wrk('/return200');
printf "%-34s %10.0f req/s                       1.00\n", 'return 200 (nginx core)', $base;
for my $n (sort { $a <=> $b } keys %callers) {
    my $c = $callers{$n};
    my ($rps, $p50, $p99) = wrk('/webhook/client-data',
        qq({"caller_id":"$c","agent_id":"agent_a","called_number":"+18005550100"}));
    printf "%-34s %10.0f req/s  p50 %-8s p99 %-8s %.2f\n",
        "client-data, $n memories", $rps, $p50, $p99, $rps / $base;
}
for my $n (sort { $a <=> $b } keys %callers) {
    my $c = $callers{$n};
    my ($rps, $p50, $p99) = wrk('/webhook/search-memory',
        qq({"query":"what was my last order number?","caller_id":"$c","agent_id":"agent_a"}));
    printf "%-34s %10.0f req/s  p50 %-8s p99 %-8s %.2f\n",
        "search-memory, $n memories", $rps, $p50, $p99, $rps / $base;
}

