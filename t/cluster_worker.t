# nginx and the worker on a real Redis Cluster under traffic (three
# masters, three replicas: ElaaomsTest's cluster mode): signed post-calls
# go on while redis-cli --cluster reshard moves slots (the organization's
# slot among them), then while the master of that slot is killed (SIGKILL)
# and its replica promoted.  Every payload nginx accepted (200) must end
# extracted, with its memory stored once and found by search-memory: no
# accepted payload and no memory lost.
#
# Each call has its own caller (callers' keys spread over every slot) and
# one line the fake LLM turns into one preference memory naming the call.
# Skipped while the worker has no redis_cluster setting.

use lib 't/lib';

BEGIN {
    $ENV{ELAAOMS_TEST_REDIS_CLUSTER} = 1;
    require ElaaomsTest;
    require File::Temp;
    my $bin = $ENV{ELAAOMS_WORKER}
        || ElaaomsTest::repo_root() . '/build/elaaoms-worker';
    my $dir = File::Temp::tempdir('elaaoms-cw-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $fh, '>', "$dir/w.conf" or die $!;
    print $fh "redis_cluster 127.0.0.1:7000 127.0.0.1:7001\npayload_dir $dir\n";
    close $fh;
    my $out = `$bin --config $dir/w.conf --check-config 2>&1`;
    $main::SKIP = !-x $bin ? "$bin is missing: run make first"
        : $? ? "the worker does not accept redis_cluster yet: $out" : '';
    $main::SKIP =~ s/\s+$//;
    $main::SKIP = "redis-server without cluster support"
        if !$main::SKIP && !eval { ElaaomsTest::redis_start() };
}

use Test::Nginx::Socket $main::SKIP
    ? (skip_all => $main::SKIP) : ('no_plan');
use ElaaomsTest;
use ElaaomsCluster;

use HTTP::Tiny ();
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(sleep time);

$ENV{TEST_NGINX_REDIS_PORT} = redis_port();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $PORT = server_port_for_client();
our $SECRET = 'cluster_secret';
our $FAKE = fake_start();
our $HTTP = HTTP::Tiny->new(timeout => 5);

# the organization: a name whose slot is in the middle of the first
# master's range, so the reshard below moves it while calls go on
our ($M0) = ElaaomsCluster::cluster_master_of_slot(0);
our ($ORG, $ORG_SLOT);
for my $i (1 .. 500) {
    my ($slot) = ElaaomsCluster::cluster_node_cmd($M0, 'CLUSTER', 'KEYSLOT', "org$i") =~ /(\d+)/;
    next unless $slot >= 1500 && $slot <= 2500
        && ElaaomsCluster::cluster_master_of_slot($slot) == $M0;
    ($ORG, $ORG_SLOT) = ("org$i", $slot);
    last;
}
die "no organization name with a slot in 1500..2500" unless $ORG;
our $CONV_KEY = "elaaoms:{$ORG}:conversation:";

our @ACCEPTED;     # [conv, caller, token] of every 200
our %REFUSED;      # status => count of the others
our $ON_DISK = 0;  # accepted while Redis could not queue them
our $WORKER_LOG;

# one call (number n): its own caller, one line the fake LLM extracts as
# a preference; returns the answer's status and whether it was queued
# (queued:false: Redis was unreachable, the payload waits on disk for the
# worker's sweep)
sub post_call {
    my ($n) = @_;
    my $body = ElaaomsTest::transcript_body(sprintf('conv_cw_%05d', $n),
        sprintf('+1555%07d', $n), "I prefer the colour shade$n for everything.");
    my $res = $HTTP->post("http://127.0.0.1:$PORT/post-call", {
        headers => { 'ElevenLabs-Signature' => sign_header($SECRET, $body) },
        content => $body });
    return ($res->{status}, $res->{content} =~ /"queued":false/ ? 0 : 1);
}

sub record {
    my ($n, $status, $queued) = @_;
    if ($status == 200) {
        push @ACCEPTED, [sprintf('conv_cw_%05d', $n), sprintf('+1555%07d', $n), "shade$n"];
        $ON_DISK++ unless $queued;
    } else {
        $REFUSED{$status}++;
    }
}

my $n = 0;
sub call { $n++; record($n, post_call($n)) }

# calls from four processes side by side, each pausing $pause seconds
# between two, until $done says so or $secs pass; returns how many were
# made
sub calls_until {
    my ($done, $secs, $pause) = @_;
    my $dir = File::Temp::tempdir('elaaoms-cw-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $posters = 4;
    my @kids;
    for my $k (1 .. $posters) {
        my $pid = fork();
        die "fork: $!" unless defined $pid;
        if ($pid == 0) {
            # a connection of its own, numbers of its own; never the
            # suite's END blocks (they would stop the worker and cluster)
            eval {
                local $HTTP = HTTP::Tiny->new(timeout => 5);
                open my $out, '>', "$dir/$k" or die "$dir/$k: $!";
                $out->autoflush(1);
                for (my $j = 0; !-e "$dir/stop"; $j++) {
                    my $num = $n + $k + $j * $posters;
                    print $out join(' ', $num, post_call($num)), "\n";
                    sleep $pause;
                }
                close $out;
            };
            print STDERR "poster $k: $@" if $@;
            POSIX::_exit($@ ? 1 : 0);
        }
        push @kids, $pid;
    }
    my $deadline = time + $secs;
    sleep 0.05 until $done->() || time > $deadline;
    open my $stop, '>', "$dir/stop" or die $!;
    close $stop;
    waitpid $_, 0 for @kids;
    my $made = 0;
    for my $k (1 .. $posters) {
        open my $in, '<', "$dir/$k" or die "$dir/$k: $!";
        while (<$in>) {
            my ($num, $status, $queued) = split;
            record($num, $status, $queued);
            $n = $num if $num > $n;
            $made++;
        }
        close $in;
    }
    return $made;
}

# the status of every accepted conversation, one redis-cli -c for all
# (they share the organization's slot)
sub statuses {
    my $cmds = join '', map { "HGET $CONV_KEY$_->[0] status\n" } @ACCEPTED;
    my $in = File::Temp->new;
    print $in $cmds;
    close $in;
    my $out = `redis-cli -c -p ${\ (ElaaomsCluster::cluster_ports())[0]} --raw < ${\ $in->filename}`;
    my @s = split /\n/, $out;
    return @s;
}

sub search {
    my ($caller, $token) = @_;
    my $res = $HTTP->post("http://127.0.0.1:$PORT/search-memory", {
        headers => { 'content-type' => 'application/json' },
        content => JSON::PP::encode_json({ query => "which colour does the caller prefer, $token?",
            caller_id => $caller, agent_id => 'agent_01support7x',
            search_all_agents => JSON::PP::true(), threshold => 0, limit => 10 }) });
    return $res->{status} == 200 ? JSON::PP::decode_json($res->{content}) : { results => [] };
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<"END") unless defined $block->http_config;
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_redis_timeout 500ms;
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END
    $block->set_value('config', <<"END") unless defined $block->config;
    location = /post-call {
        elaaoms_org $main::ORG;
        elaaoms_signature_secret $main::SECRET;
        elaaoms_webhook post_call;
    }
    location = /search-memory {
        elaaoms_org $main::ORG;
        elaaoms_auth off;
        elaaoms_search_binding off;
        elaaoms_webhook search_memory;
    }
    location = /health { elaaoms_health; }
END
    $block->set_value('request', 'GET /health') unless defined $block->request;
    $block->set_value('error_code', 200) unless defined $block->error_code;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: post-calls while redis-cli --cluster reshard moves 4000 slots (the organization's among them) from one master to another: every one accepted
--- init
# a job a Redis error failed is retried after 1 s (not the default 60)
$main::WORKER_LOG = ElaaomsTest::worker_start(llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, llm_first_message => 0,
    elevenlabs_api_key => 'xi-test', elevenlabs_base_url => $main::FAKE, concurrency => 2,
    retry_delays => '1,2,5');
my ($m1) = grep { $_ != $main::M0 } sort { $a <=> $b } ElaaomsCluster::cluster_masters();
main::call() for 1 .. 5;
my $pid = ElaaomsCluster::cluster_reshard($main::M0, $m1, 4000);
my ($reaped, $rc);
my $during = main::calls_until(sub {
    $reaped ||= waitpid($pid, POSIX::WNOHANG()) == $pid and $rc = $?;
    $reaped }, 120, 0.1);
waitpid($pid, 0), $rc = $? unless $reaped;
Test::More::is($rc, 0, 'redis-cli --cluster reshard succeeded');
main::call() for 1 .. 5;
Test::More::ok($during >= 20, "$during calls during the reshard");
Test::More::is(ElaaomsCluster::cluster_master_of_slot($main::ORG_SLOT), $m1, "the organization's slot moved");
Test::More::is(scalar(@main::ACCEPTED), $during + 10, 'every call accepted')
    or Test::More::diag(JSON::PP::encode_json(\%main::REFUSED));
Test::More::is($main::ON_DISK, 0, 'and queued in Redis at once');
$main::AFTER_RESHARD = scalar @main::ACCEPTED;



=== TEST 2: post-calls while the master of the organization's slot is killed (SIGKILL) and its replica promoted
--- init
my $dead = ElaaomsCluster::cluster_master_of_slot($main::ORG_SLOT);
main::call() for 1 .. 10;
ElaaomsCluster::cluster_kill($dead);
my $t0 = Time::HiRes::time();
my $promoted = sub {
    my $m = ElaaomsCluster::cluster_master_of_slot($main::ORG_SLOT);
    $m && $m != $dead };
my $during = main::calls_until($promoted, 60, 0.02);
Test::More::ok($promoted->(), sprintf 'a replica promoted after %.1f s', Time::HiRes::time() - $t0);
Test::More::ok(ElaaomsCluster::cluster_wait_ok(30), 'the cluster is ok again');
main::call() for 1 .. 10;
my $accepted = @main::ACCEPTED - $main::AFTER_RESHARD;
Test::More::ok($accepted >= 20, "$accepted of " . ($during + 20) . ' calls accepted around the failover'
    . " ($main::ON_DISK of them kept on disk for the sweep; refused: "
    . JSON::PP::encode_json(\%main::REFUSED) . ')');



=== TEST 3: every accepted payload extracted, its memory stored once and found by search-memory
--- init
my $total = @main::ACCEPTED;
my $t0 = Time::HiRes::time();
my $done = ElaaomsTest::wait_until(sub {
    (grep { $_ eq 'extraction_completed' } main::statuses()) == $total }, 90);
my @st = main::statuses();
my %by;
$by{$_ // 'none'}++ for @st;
Test::More::ok($done, sprintf "all $total accepted conversations extracted (%.1f s after the last call)",
                         Time::HiRes::time() - $t0)
    or Test::More::diag(JSON::PP::encode_json(\%by));
my ($stored, $found) = (0, 0);
for my $a (@main::ACCEPTED) {
    my ($conv, $caller, $token) = @$a;
    my @m = grep { ($_->{content} // '') =~ /\b$token\b/ } ElaaomsTest::worker_cli('memories', $main::ORG, $caller);
    $stored++ if @m == 1 && $m[0]{conversation_id} eq $conv;
    my $r = main::search($caller, $token);
    $found++ if grep { $_->{content} =~ /\b$token\b/ } @{ $r->{results} };
}
Test::More::is($stored, $total, 'each memory stored once, from its conversation');
Test::More::is($found, $total, 'each found by search-memory');
# how often a job had to be retried (a MOVED the worker did not follow,
# a master gone): not a loss, but worth seeing
open my $log, '<', $main::WORKER_LOG or die "$main::WORKER_LOG: $!";
my @retried = grep { /failed \(attempt \d+\)/ } <$log>;
close $log;
Test::More::diag(scalar(@retried) . " job attempt(s) failed and were retried"
    . (@retried ? ", the first: " . ($retried[0] =~ /"msg":"([^"]*)"/)[0] : ''));
--- request
POST /search-memory
{"query":"which colour?","caller_id":"+15550000001","agent_id":"agent_01support7x","threshold":0}
--- response_body_like: "content":"I prefer the colour shade1 for everything\.",
