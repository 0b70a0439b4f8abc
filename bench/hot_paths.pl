#!/usr/bin/perl
# Hot paths under load, with the project's keep-alive load generator
# (bench/loadgen.c, "make bench"): client-data and search-memory for callers
# with 10, 100 and 1,000 memories and signed post-call transcriptions of
# 10 KB and 100 KB (payloads fsynced as conf/nginx.conf does), beside
# nginx's own "return 200" in the same nginx (one worker process), as
# ratios.  Per path: closed loop (req/s, p50, p99) and p99 at a fixed rate
# (1,000 req/s for the tools, 200 for post-call; latency counts from when a
# request was due, so a queue is charged).  Then the worker's RSS before
# and after --rss-requests requests, and instructions per request counted
# by callgrind (nginx in one process) from two runs of different lengths,
# so startup cancels out and the figure does not move with machine noise.
# Last, a "growth" line per path measured at several memory counts: how
# much its cost per request grows from the fewest to the most, in CPU time
# (nginx + Redis), in instructions and in req/s, all from this run.
#
#   perl bench/hot_paths.pl [--seconds N] [--connections N]
#       [--paths client-data,search-memory,post-call] [--memories 10,100,1000]
#       [--rate 1000] [--post-rate 200] [--rss-requests N] [--rss-memories N]
#       [--ir-requests N] [--search-cache SIZE|off] [--rounds N] [--quick]
#       [--profile FILE] [--callgrind-dir DIR] [--cluster]
#       [--cluster-replicas 0]
#
# Each path's closed loop runs --rounds times (3), each run right after a
# run of "return 200", and its ratio is to that run: the median ratio is
# printed, with that run's rate and latencies; the fixed-rate p99 is the
# median of as many runs.  A machine shared with other
# work changes speed over minutes; the instruction counts do not.
# search-memory runs with "elaaoms_search_cache zone=search:SIZE" (64m, as
# conf/nginx.conf), or without the cache with --search-cache off.
# --callgrind-dir keeps the callgrind profiles of each path there
# (<path>-<n>.callgrind and, of the shorter run, .callgrind.short: their
# difference is the requests' own cost, for callgrind_annotate).
# --cluster: the same on a local Redis Cluster (scripts/redis-cluster.sh,
# three masters and three replicas; "elaaoms_redis cluster"), the data
# seeded as always and imported into it (redis-cli --cluster import);
# Redis' CPU is every node's.  --cluster-replicas 0 shuts the three
# replicas down once the data is imported: a production cluster's replicas
# run on other machines, here they would share the two cores measured.
# --rss-requests 0 or --ir-requests 0 leave that part out.  --quick is a
# smoke run of every part (about 30 s).  Needs "make all bench";
# everything runs on 127.0.0.1, and every process it starts (Redis, nginx,
# the load generator, valgrind) is stopped when it ends or fails.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Getopt::Long;
use File::Copy ();
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP ();
use POSIX ();
use Time::HiRes ();
use ElaaomsTest;

my %o = (seconds => 5, connections => 32,
         paths => 'client-data,search-memory,post-call',
         memories => '10,100,1000', rate => 1000, 'post-rate' => 200,
         'rss-requests' => 200000, 'rss-memories' => 100,
         'ir-requests' => 1000, 'search-cache' => '64m', rounds => 3);
my %cli;
GetOptions(\%cli, 'seconds=f', 'connections=i', 'paths=s', 'memories=s',
           'rate=f', 'post-rate=f', 'rss-requests=i', 'rss-memories=i',
           'ir-requests=i', 'search-cache=s', 'rounds=i', 'quick', 'profile=s',
           'callgrind-dir=s', 'cluster', 'cluster-replicas=i')
    or die "usage: perl bench/hot_paths.pl [--seconds N] [--connections N] "
         . "[--paths LIST] [--memories LIST] [--rate R] [--post-rate R] "
         . "[--rss-requests N] [--rss-memories N] [--ir-requests N] "
         . "[--search-cache SIZE|off] [--rounds N] [--quick] "
         . "[--profile FILE] [--callgrind-dir DIR] [--cluster] "
         . "[--cluster-replicas 0]\n";
# --quick: other defaults, options given still win
%o = (%o, seconds => 0.5, connections => 8, memories => '10',
      'rss-requests' => 2000, 'rss-memories' => 10, 'ir-requests' => 20,
      rounds => 1)
    if $cli{quick};
%o = (%o, %cli);

my %want = map { $_ => 1 } split /,/, $o{paths};
for (keys %want) {
    die "unknown path $_ (client-data, search-memory, post-call)\n"
        unless /^(client-data|search-memory|post-call)$/;
}
my @table = sort { $a <=> $b } split /,/, $o{memories};
/^\d+$/ && $_ > 0 or die "bad memory count $_\n" for @table;
my $rss_n = $o{'rss-memories'};
my @counts = @table;
push @counts, $rss_n if $o{'rss-requests'} && !grep { $_ == $rss_n } @table;

my $root = "$FindBin::Bin/..";
$ENV{ELAAOMS_ROOT} ||= $root;
my $nginx = $ENV{NGINX_BIN} || '/usr/sbin/nginx';
my $module = "$root/build/nginx/ngx_http_elaaoms_module.so";
my $worker = "$root/build/elaaoms-worker";
my $seed_tool = "$root/build/tools/seed_memories";
my $loadgen = "$root/build/bench/loadgen";
-x $worker && -f $module && -x $seed_tool or die "build first: make\n";
-x $loadgen or die "build the load generator first: make bench\n";
if ($o{'ir-requests'} && system('valgrind --version > /dev/null 2>&1')) {
    die "valgrind is missing (or pass --ir-requests 0)\n";
}

# --- the processes this script owns, stopped however it ends ---------------

my $tmp = tempdir('elaaoms-bench-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my %children;            # pid => what, for loadgen and valgrind runs
my $main_pid = $$;
my $nginx_worker;        # the daemon's worker process, once known
$| = 1;

# the daemon: a graceful stop, then a fast one, then KILL for its processes
sub stop_nginx_master {
    my $pidfile = "$tmp/nginx.pid";
    open my $p, '<', $pidfile or return;
    my $pid = <$p>;
    close $p;
    return unless defined $pid && $pid =~ /^(\d+)/;
    $pid = $1;
    my @pids = grep { defined } $pid, $nginx_worker;
    for my $sig (qw(QUIT TERM KILL)) {
        kill $sig, grep { alive($_) } @pids;
        last if wait_until(sub { !grep { alive($_) } @pids }, 5);
    }
    unlink $pidfile;
}

# running (a daemon's zombie may linger unreaped)
sub alive {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return 0;
    my $stat = <$fh> // '';
    return $stat !~ /^\d+ \(.*\) [ZX] /;
}

# Valgrind may hand a signal to one of nginx's thread-pool threads, which
# block them all, or lose it while the event loop sleeps: the main thread
# gets it (tgkill), once a second until it ends.  Nothing connects to wake
# it: callgrind would count that too.
sub stop_child {
    my ($pid, $sig) = @_;
    my $status;
    require 'syscall.ph';
    for my $tick (0 .. 600) {
        if ($tick % 10 == 0) {
            if ($children{$pid}{main_thread}) {
                syscall(&SYS_tgkill, $pid + 0, $pid + 0,
                        POSIX::SIGQUIT());
            } else {
                kill $sig, $pid;
            }
        }
        if (waitpid($pid, POSIX::WNOHANG()) != 0) {
            $status = $?;
            last;
        }
        Time::HiRes::sleep(0.1);
    }
    unless (defined $status) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        $status = -1;
    }
    delete $children{$pid};
    return $status;
}

sub stop_children {
    stop_child($_, 'TERM') for keys %children;
}

# before ElaaomsTest's END (Redis) and File::Temp's (the folder): later
# END blocks run first
END {
    if ($$ == $main_pid) {
        if ($? && open my $log, '<', "$tmp/logs/error.log") {
            my @lines = grep { !/buffered to a temporary file/ } <$log>;
            print STDERR "nginx's error log ends:\n",
                @lines[($#lines > 20 ? $#lines - 20 : 0) .. $#lines];
        }
        local $?;
        stop_children();
        stop_nginx_master();
    }
}
$SIG{$_} = sub { die "stopped by a signal\n" } for qw(INT TERM HUP);

# --- data: callers with n memories and their pre-call contexts -------------

my $redis = redis_start();

# filler about everything but orders, so the order question has one answer
my @words = qw(email phone address espresso grinder beans weekend morning
               evening daughter manager warranty coupon garden music
               holiday weather parking);
my @types = qw(factual preference issue emotion relationship);
my %caller = map { $_ => sprintf('+1202555%04d', $_ % 10000) } @counts;
my $json = JSON::PP->new->canonical;

open my $seed, '|-', $seed_tool, '127.0.0.1', $redis or die "seed: $!";
for my $n (@counts) {
    for my $i (1 .. $n) {
        my $w1 = $words[$i % @words];
        my $w2 = $words[($i * 7) % @words];
        print $seed $json->encode({
            org => 'bench', caller => $caller{$n},
            agent => ($i % 3 ? 'agent_a' : 'agent_b'),
            type => $types[$i % @types],
            content => "Memory $i about the $w1 and the $w2.",
            importance => 1 + $i % 10, created => 1763000000 + $i * 3600,
            conversation => 'conv_' . int($i / 5) }), "\n";
    }
    # the order memory a question should find
    print $seed $json->encode({ org => 'bench', caller => $caller{$n},
        agent => 'agent_a', type => 'issue',
        content => 'Order XYZ-789 is delayed.', importance => 8,
        created => 1764000000, conversation => 'conv_last' }), "\n";
}
close $seed or die "seeding failed\n";

# --profile FILE: both agents' cached ElevenLabs profile (the worker's
# copy in production, where an ElevenLabs key is configured); without it
# the agents have none, as on the embedded default
if (defined $cli{profile}) {
    open my $pf, '<', $cli{profile} or die "$cli{profile}: $!\n";
    my $text = do { local $/; <$pf> };
    ElaaomsTest::redis_cmd('SET', "elaaoms:bench:agent:$_:profile", $text)
        for qw(agent_a agent_b);
}

# the pre-call contexts, as the worker builds them after an extraction
open my $wc, '>', "$tmp/worker.conf" or die $!;
print $wc "redis_host 127.0.0.1\nredis_port $redis\n";
close $wc;
for my $c (values %caller) {
    system("$worker --config $tmp/worker.conf refresh-contexts bench '$c' "
           . "agent_a agent_b > /dev/null") == 0 or die "refresh-contexts\n";
}

# post-call bodies: ElevenLabs' transcription envelope grown to a size;
# "@N@" in the conversation id makes every delivery a new conversation
my $secret = 'bench-signing';
sub transcript_body {
    my ($bytes, $tag) = @_;
    my (@turns, $body);
    my $line = 'I am calling about my order, the espresso grinder arrived '
             . 'with a cracked hopper and I would like a replacement sent '
             . 'before the weekend if that is possible.';
    for (my $i = 0; ; $i++) {
        push @turns, { role => $i % 2 ? 'user' : 'agent',
            message => "$line ($i)", tool_calls => [], tool_results => [],
            feedback => undef, time_in_call_secs => 3 * $i,
            interrupted => JSON::PP::false, source_medium => 'audio' };
        $body = $json->encode({ type => 'post_call_transcription',
            event_timestamp => 1764000100, data => {
                agent_id => 'agent_a', conversation_id => "conv_${tag}_\@N\@",
                status => 'done', transcript => \@turns,
                metadata => { start_time_unix_secs => 1764000000,
                    call_duration_secs => 3 * $i,
                    phone_call => { type => 'twilio', direction => 'inbound',
                        agent_number => '+18005550100',
                        external_number => '+12025559999' } } } });
        return $body if length($body) >= $bytes;
    }
}

# --cluster: the seeded keys copied into a local cluster
my ($cluster_base, @redis_pids, $redis_conf);
$redis_conf = "elaaoms_redis 127.0.0.1:$redis;";
if ($o{cluster}) {
    require ElaaomsCluster;
    $cluster_base = ElaaomsCluster::cluster_start()
        or die "--cluster: this redis-server has no cluster support\n";
    my $out = `redis-cli --cluster import 127.0.0.1:$cluster_base --cluster-from 127.0.0.1:$redis --cluster-copy --cluster-replace 2>&1`;
    $? == 0 or die "redis-cli --cluster import failed:\n$out";
    $redis_conf = 'elaaoms_redis cluster '
        . join(' ', map { "127.0.0.1:$_" } $cluster_base .. $cluster_base + 2)
        . ';';
    # --cluster-replicas 0: the replicas shut down once the data is in, so
    # that their copies of the writes do not share the cores being measured
    if (defined $o{'cluster-replicas'} && $o{'cluster-replicas'} == 0) {
        for my $port ($cluster_base .. $cluster_base + 5) {
            next unless ElaaomsCluster::cluster_node_cmd($port, 'ROLE') =~ /^slave/;
            ElaaomsCluster::cluster_node_cmd($port, 'SHUTDOWN', 'NOSAVE');
        }
    }
}

# --- nginx ---------------------------------------------------------------

mkdir "$tmp/$_" for qw(conf logs payloads);
# a root master runs its worker as nobody: the payloads must be in reach
chmod 0711, $tmp;
chmod 0777, "$tmp/payloads";

sub nginx_conf {
    my ($port, $single) = @_;
    my $cache = $o{'search-cache'} eq 'off' ? ''
        : "elaaoms_search_cache zone=search:$o{'search-cache'};";
    my $head = $single
        ? "master_process off;\ndaemon off;\n"
        : "worker_processes 1;\npid $tmp/nginx.pid;\n";
    return <<"END";
load_module $module;
$head
error_log $tmp/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    $redis_conf
    elaaoms_redis_timeout 1s;
    elaaoms_org bench;
    elaaoms_payload_dir $tmp/payloads;
    client_max_body_size 64m;
    server {
        listen 127.0.0.1:$port;
        location = /return200 { return 200 '{"ok":true}'; }
        location = /webhook/post-call {
            client_body_buffer_size 256k;
            elaaoms_signature_secret $secret;
            elaaoms_webhook post_call;
        }
        location = /webhook/client-data {
            elaaoms_shared_secret X-Elaaoms-Secret bench;
            elaaoms_default_first_message "Hello! How can I help you today?";
            elaaoms_webhook client_data;
        }
        location = /webhook/search-memory {
            elaaoms_shared_secret X-Elaaoms-Secret bench;
            $cache
            elaaoms_webhook search_memory;
        }
    }
}
END
}

sub write_file {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh or die "$path: $!";
}

sub listening {
    my ($port) = @_;
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port);
}

# whether something listens on the port, without connecting to it
sub port_listens {
    my ($port) = @_;
    my $local = sprintf('0100007F:%04X', $port);
    open my $fh, '<', '/proc/net/tcp' or die "/proc/net/tcp: $!";
    while (<$fh>) {
        my @f = split;
        return 1 if @f > 3 && $f[1] eq $local && $f[3] eq '0A';
    }
    return 0;
}

my $port = $ENV{TEST_NGINX_PORT} || free_port();
die "port $port is taken\n" if listening($port);
write_file("$tmp/conf/nginx.conf", nginx_conf($port, 0));
system($nginx, '-p', $tmp, '-c', "$tmp/conf/nginx.conf", '-e',
       "$tmp/logs/error.log") == 0 or die "nginx did not start\n";
wait_until(sub { listening($port) }, 5) or die "nginx does not listen\n";

# the worker process: the master's only child
sub worker_pid_of {
    my ($master) = @_;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $s = <$fh> // '';
        close $fh;
        return $1 if $s =~ /^(\d+) \(.*\) \S+ (\d+) / && $2 == $master;
    }
    return undef;
}
open my $pf, '<', "$tmp/nginx.pid" or die "nginx.pid: $!";
my ($master) = <$pf> =~ /(\d+)/;
close $pf;
$nginx_worker = wait_until(sub { worker_pid_of($master) }, 5)
    or die "no nginx worker process\n";

# --- the requests ------------------------------------------------------------

my %tool_hdr = (H => ['X-Elaaoms-Secret: bench',
                      'Content-Type: application/json']);
sub tool_target {
    my ($path, $n) = @_;
    my $c = $caller{$n};
    my $body = $path eq 'client-data'
        ? qq({"caller_id":"$c","agent_id":"agent_a",)
          . qq("called_number":"+18005550100","call_sid":"CAbench$n"})
        : qq({"query":"what was my last order number?",)
          . qq("caller_id":"$c","agent_id":"agent_a","call_sid":"CAbench$n"});
    return ["$path, $n memories",
            { %tool_hdr, u => "/webhook/$path", b => $body }, 'tool'];
}
my $return200 = ['return 200', { u => '/return200' }, 'return200'];
my @targets = ($return200);
my @rss_targets = ($return200);
for my $path (qw(client-data search-memory)) {
    next unless $want{$path};
    push @targets, tool_target($path, $_) for @table;
    push @rss_targets, tool_target($path, $rss_n) if $o{'rss-requests'};
}
if ($want{'post-call'}) {
    for my $kb (10, 100) {
        my $file = "$tmp/post${kb}k.json";
        write_file($file, transcript_body($kb * 1024, "b${kb}k"));
        push @targets, ["post-call, $kb KB", { u => '/webhook/post-call',
            f => $file, s => $secret,
            H => ['Content-Type: application/json'] }, 'post'];
    }
}

# one request of each kind first: the answers must be the real thing (and
# client-data binds the call the searches name, as in a real call)
my $http = HTTP::Tiny->new(timeout => 10);
for my $n (@counts) {
    my $cd = tool_target('client-data', $n)->[1];
    my $res = $http->post("http://127.0.0.1:$port/webhook/client-data", {
        headers => { 'X-Elaaoms-Secret' => 'bench' }, content => $cd->{b} });
    die "client-data for $n memories is not a known caller: "
        . "$res->{content}\n" unless $res->{content} =~ /"caller_known":true/;
    my $sm = tool_target('search-memory', $n)->[1];
    $res = $http->post("http://127.0.0.1:$port/webhook/search-memory", {
        headers => { 'X-Elaaoms-Secret' => 'bench' }, content => $sm->{b} });
    die "search for $n memories did not find the order: $res->{content}\n"
        unless $res->{content} =~ /XYZ-789/;
}
if ($want{'post-call'}) {
    (my $body = transcript_body(1024, 'check')) =~ s/\@N\@/0/;
    my $res = $http->post("http://127.0.0.1:$port/webhook/post-call", {
        headers => { 'ElevenLabs-Signature' => sign_header($secret, $body) },
        content => $body });
    die "post-call was not accepted and queued: $res->{content}\n"
        unless $res->{content} =~ /"duplicate":false,"queued":true/;
}

# A loadgen run: (requests, rps, p50, p99) or a death with its output.
# Every run of a post-call body gets its own conversation ids.
my $run_no = 0;
sub loadgen {
    my ($t, %a) = @_;
    my ($name, $req) = @$t;
    # every run starts from the same Redis: the audit entries of the runs
    # before (client-data writes one per request; a closed loop leaves
    # hundreds of megabytes) go first, freed in Redis' background thread
    unless ($a{port}) {
        $cluster_base ? ElaaomsCluster::cluster_cli('UNLINK', 'elaaoms:bench:audit')
                      : redis_cmd('UNLINK', 'elaaoms:bench:audit');
    }
    my @cmd = ($loadgen, '-p', $a{port} || $port, '-u', $req->{u},
               '-c', $a{c} || $o{connections});
    push @cmd, '-m', 'POST' if $req->{b} || $req->{f};
    push @cmd, '-H', $_ for @{ $req->{H} || [] };
    push @cmd, '-b', $req->{b} if $req->{b};
    push @cmd, '-s', $req->{s} if $req->{s};
    if ($req->{f}) {
        $run_no++;
        open my $in, '<', $req->{f} or die "$req->{f}: $!";
        local $/;
        (my $body = <$in>) =~ s/_\@N\@/_r${run_no}_\@N\@/;
        close $in;
        write_file("$req->{f}.run", $body);
        push @cmd, '-f', "$req->{f}.run";
    }
    push @cmd, '-r', $a{r} if $a{r};
    push @cmd, '-n', $a{n}, '-d', 86400 if $a{n};
    push @cmd, '-d', $o{seconds} unless $a{n};
    my $pid = open my $out, '-|', @cmd or die "loadgen: $!";
    $children{$pid} = { what => 'loadgen' };
    local $/;
    my $text = <$out> // '';
    close $out;
    delete $children{$pid};
    my ($nreq, $err, $rps, $p50, $p99) = $text =~
        /^requests (\d+) errors (\d+) rps (\S+) p50 (\S+) p99 (\S+)/m
        or die "loadgen: no figures for $name: $text\n";
    die "loadgen: $err failed requests on $name\n" if $err;
    return ($nreq, $rps, $p50, $p99);
}

sub ms { my ($v) = @_; return sprintf($v < 10 ? '%.2fms' : '%.1fms', $v) }

# --- closed loop and fixed rate ------------------------------------------------

my ($cores) = `nproc` =~ /(\d+)/;
printf "nginx + ngx_http_elaaoms_module, 1 worker process, bench/loadgen "
    . "-c%d -d%gs (closed loop, then fixed rate -r), %s on loopback, "
    . "%d cores, %s\n", $o{connections}, $o{seconds},
    $cluster_base ? 'a Redis Cluster (3 masters, '
        . ($o{'cluster-replicas'} // 1 ? '3 replicas)' : 'replicas shut down)')
        : 'Redis',
    $cores // 0,
    POSIX::strftime('%Y-%m-%d %H:%M UTC', gmtime);

# --rounds closed-loop runs of each path, each right after a run of
# "return 200": its ratio is to that run (a shared machine's speed drifts
# over minutes), and the line shows the run of the median ratio
# CPU time (user + system, clock ticks) of nginx's worker and of Redis:
# per request it does not move with the machine's speed as rates do, and
# it counts the kernel's share and Redis', which callgrind leaves out
@redis_pids = $cluster_base
    ? map { ElaaomsCluster::cluster_node_cmd($_, 'INFO', 'server') =~ /process_id:(\d+)/ }
          grep { port_listens($_) } $cluster_base .. $cluster_base + 5
    : (redis_cmd('INFO', 'server') =~ /process_id:(\d+)/);
my $hz = POSIX::sysconf(POSIX::_SC_CLK_TCK()) || 100;
sub cpu_ticks {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return 0;
    my @f = split ' ', (<$fh> // '') =~ s/^.*\) //r;
    return $f[11] + $f[12];
}
sub redis_ticks { my $t = 0; $t += cpu_ticks($_) for @redis_pids; $t }
sub cpu_run {
    my ($t) = @_;
    my @before = (cpu_ticks($nginx_worker), redis_ticks());
    my ($n, $rps, $p50, $p99) = loadgen($t);
    my @after = (cpu_ticks($nginx_worker), redis_ticks());
    my @us = map { 1e6 * ($after[$_] - $before[$_]) / $hz / ($n || 1) } 0, 1;
    return ($n, $rps, $p50, $p99, @us);
}
my (%runs, %cpu, %growth);
for my $round (1 .. $o{rounds}) {
    for my $t (@targets[1 .. $#targets]) {
        my (undef, $base, undef, undef, @bcpu) = cpu_run($return200);
        my (undef, $rps, $p50, $p99, @tcpu) = cpu_run($t);
        push @{ $runs{$return200->[0]} }, [$base, undef, undef, 1];
        push @{ $runs{$t->[0]} }, [$rps, $p50, $p99, $rps / $base];
        push @{ $cpu{$return200->[0]} }, \@bcpu;
        push @{ $cpu{$t->[0]} }, \@tcpu;
    }
    if (@targets == 1) {
        my (undef, $rps, $p50, $p99) = loadgen($return200);
        push @{ $runs{$return200->[0]} }, [$rps, $p50, $p99, 1];
    }
}
# return 200's line: its median rate, and latency from one more run
{
    my (undef, $rps, $p50, $p99) = loadgen($return200);
    my @r = sort { $a->[0] <=> $b->[0] } @{ $runs{$return200->[0]} };
    $runs{$return200->[0]} = [[$r[$#r / 2][0], $p50, $p99, 1]];
}
for my $t (@targets) {
    my ($name, $req, $kind) = @$t;
    my @r = sort { $a->[3] <=> $b->[3] } @{ $runs{$name} };
    my ($rps, $p50, $p99, $ratio) = @{ $r[$#r / 2] };
    my $rate = $kind eq 'post' ? $o{'post-rate'} : $o{rate};
    # the fixed rate's p99: the median of --rounds runs (one stall of a
    # shared machine is a run's p99)
    my @f = sort { $a <=> $b }
            map { (loadgen($t, r => $rate))[3] } 1 .. $o{rounds};
    my $fp99 = $f[$#f / 2];
    printf "%-30s %8.0f req/s  p50 %-8s p99 %-8s %.2f  p99\@%grps %s\n",
        $name, $rps, ms($p50), ms($p99), $ratio, $rate, ms($fp99);
    $growth{$name}{rps} = $rps;
}
for my $t (@targets) {
    my $c = $cpu{$t->[0]} or next;
    my @n = sort { $a <=> $b } map { $_->[0] } @$c;
    my @r = sort { $a <=> $b } map { $_->[1] } @$c;
    printf "cpu/request %-30s nginx %5.1fus  redis %5.1fus\n",
        $t->[0], $n[$#n / 2], $r[$#r / 2];
    $growth{$t->[0]}{cpu} = $n[$#n / 2] + $r[$#r / 2];
}

# --- the worker's resident memory ----------------------------------------------

sub rss_kb {
    open my $fh, '<', "/proc/$nginx_worker/status"
        or die "/proc/$nginx_worker/status: $!";
    while (<$fh>) { return $1 if /^VmRSS:\s+(\d+)/ }
    die "no VmRSS for $nginx_worker\n";
}

if ($o{'rss-requests'}) {
    my $n = $o{'rss-requests'};
    # the tools at --rss-memories; post-call would write n payloads
    for my $t (@rss_targets) {
        my $name = $t->[0];
        my $before = rss_kb();
        loadgen($t, n => $n);
        printf "rss %-26s before %d after %d kB (%d requests)\n",
            $name, $before, rss_kb(), $n;
    }
}

# --- instructions per request under callgrind -----------------------------

stop_nginx_master();

# nginx in one process under callgrind for n requests on one connection;
# returns the instructions it executed from start to exit
sub callgrind_total {
    my ($t, $n, $keep) = @_;
    my $p = free_port();
    my $dir = "$tmp/cg";
    mkdir $dir;
    write_file("$dir/nginx.conf", nginx_conf($p, 1));
    my $outf = "$dir/callgrind.out";
    unlink $outf;
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', "$dir/valgrind.log";
        open STDERR, '>&', \*STDOUT;
        { exec 'valgrind', '--tool=callgrind', "--callgrind-out-file=$outf",
               $nginx, '-p', $tmp, '-c', "$dir/nginx.conf", '-e',
               "$tmp/logs/error.log"; }
        POSIX::_exit(127);
    }
    $children{$pid} = { what => 'valgrind', main_thread => 1 };
    wait_until(sub { port_listens($p) }, 60)
        or die "nginx under callgrind did not start: see $dir/valgrind.log\n";
    loadgen($t, port => $p, c => 1, n => $n);
    my $status = stop_child($pid, 'QUIT');
    if ($status != 0) {
        open my $log, '<', "$dir/valgrind.log";
        die "nginx under callgrind did not stop by itself ($status):\n",
            <$log>;
    }
    if ($keep) {
        File::Copy::copy($outf, $keep) or die "$keep: $!\n";
    }
    open my $fh, '<', $outf or die "$outf: $!";
    while (<$fh>) { return $1 if /^totals:\s+(\d+)/ }
    die "no instruction total in $outf\n";
}

if ($o{'ir-requests'}) {
    my $n2 = $o{'ir-requests'};
    my $n1 = int($n2 / 5) || 1;
    for my $t (@targets) {
        my $keep;
        if (my $dir = $o{'callgrind-dir'}) {
            ($keep = "$dir/$t->[0].callgrind") =~ s/[ ,]+/-/g;
            $keep =~ s/-memories//;
        }
        my $d = callgrind_total($t, $n2, $keep)
                - callgrind_total($t, $n1, $keep && "$keep.short");
        printf "instructions/request %-26s %d\n", $t->[0],
            $d / ($n2 - $n1);
        $growth{$t->[0]}{ir} = $d / ($n2 - $n1);
    }
}

# --- how a path's cost grows with the caller's memories --------------------

# from the fewest memories measured to the most, the same run's figures:
# the cost per request in CPU time (nginx + Redis) and in instructions,
# and the rate (its inverse: the fewest's over the most's)
{
    my %by;
    for my $name (keys %growth) {
        push @{ $by{$1} }, [$2, $name]
            if $name =~ /^(.+), (\d+) memories$/;
    }
    for my $path (sort keys %by) {
        my @m = sort { $a->[0] <=> $b->[0] } @{ $by{$path} };
        next if @m < 2;
        my ($lo, $hi) = map { $growth{$_->[1]} } $m[0], $m[-1];
        my @parts;
        push @parts, sprintf('cpu %.2fx', $hi->{cpu} / $lo->{cpu})
            if $lo->{cpu} && $hi->{cpu};
        push @parts, sprintf('instructions %.2fx', $hi->{ir} / $lo->{ir})
            if $lo->{ir} && $hi->{ir};
        push @parts, sprintf('req/s %.2fx', $lo->{rps} / $hi->{rps})
            if $lo->{rps} && $hi->{rps};
        printf "growth %s, %d -> %d memories  %s\n", $path, $m[0][0],
            $m[-1][0], join('  ', @parts) if @parts;
    }
}
