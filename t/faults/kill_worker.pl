#!/usr/bin/perl
# Fault: the worker killed with SIGKILL every ~2 s and started again while
# post-call jobs arrive.  The new worker (another id) finds the dead one's
# in-flight jobs (dead-worker recovery: its pid is gone, or its heartbeat
# older than dead_secs) and runs them again.  Every job must complete
# exactly once: each conversation extraction_completed, the org's
# "extractions" equal to the conversations, each caller with the memories
# one clean extraction gives and none reinforced by a replay.
#
#   perl t/faults/kill_worker.pl [--jobs 1000] [--rate 50] [--clients 4]
#       [--kill-every 2] [--concurrency 4] [--timeout 60]
#       [--llm fake|offline] [--latency-ms 40]
#
# Extraction is by the fake LLM (OpenAI's wire format) answering after
# --latency-ms, so that the worker's threads are busy when the kill comes,
# as with a real provider; --llm offline uses the built-in rules (jobs of a
# few milliseconds: kills rarely find one in flight).
#
# Prints one line: sent, accepted, extracted, duplicated, lost, kills,
# recovered (jobs the restarted workers took back), failed requests.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (jobs => 1000, rate => 50, clients => 4, 'kill-every' => 2,
         concurrency => 4, timeout => 60, llm => 'fake', 'latency-ms' => 40);
GetOptions(\%o, 'jobs=i', 'rate=f', 'clients=i', 'kill-every=f',
           'concurrency=i', 'timeout=f', 'llm=s', 'latency-ms=i')
    or die "usage: $0 [--jobs N] [--rate R] [--clients N] [--kill-every S] "
         . "[--concurrency N] [--timeout S] [--llm fake|offline] "
         . "[--latency-ms N]\n";

stack_init();
redis_start();
nginx_start();

# recovery within seconds: beats every second, a silent worker dead at 3 s
my %wconf = ($o{llm} eq 'offline' ? (llm_provider => 'offline')
                                   : fake_llm_conf($o{'latency-ms'}),
             concurrency => $o{concurrency},
             heartbeat_secs => 1, sweep_secs => 1, recover_secs => 1,
             dead_secs => 3);
my @logs = (worker_start(%wconf));
my $base = baseline_memories();
my $before = extractions();

my $load = send_load(kind => 'post', count => $o{jobs}, rate => $o{rate},
                     clients => $o{clients}, prefix => 'conv_kw');
my @convs = map { sprintf('conv_kw_%06d', $_) } 0 .. $o{jobs} - 1;

# kill and restart until the load is in and every job is done (or the
# time is up); whatever the last kill left, a fresh worker finishes
my $kills = 0;
my $deadline = time + $o{timeout};
my $next = time + $o{'kill-every'};
while (time < $deadline) {
    sleep 0.1;
    next if time < $next;
    $next = time + $o{'kill-every'};
    my $left = grep { $_ ne 'extraction_completed' }
               values %{ conv_states(@convs) };
    last unless $left;
    # SIGKILL: no drain, no goodbye to the registry
    ElaaomsTest::worker_stop('KILL');
    $kills++;
    push @logs, worker_start(%wconf);
}

my @res = collect_load($load);
wait_extracted($deadline - time > 20 ? $deadline - time : 20,
               map { $_->{id} } grep { $_->{status} == 200 } @res);
ElaaomsTest::worker_stop();

my %c = account({ base => $base, usage_before => $before }, @res);
$c{kills} = $kills;
$c{failed} = grep { $_->{status} != 200 } @res;
$c{recovered} = 0;
for my $log (@logs) {
    open my $fh, '<', $log or next;
    while (<$fh>) { $c{recovered} += $1 if /recovered (\d+) job/ }
}
print "kill_worker: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{failed} failed requests" if $c{failed};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
# a run where no kill caught a job in flight tested nothing
push @why, "no kill" unless $kills;
push @why, "no job recovered from a killed worker" unless $c{recovered};
if (@why) {
    print STDERR "kill_worker: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
