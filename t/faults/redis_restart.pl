#!/usr/bin/perl
# Fault: Redis stopped and started again (same port, same data: an
# append-only file fsynced at every write) several times while post-calls
# arrive at a steady rate and the worker extracts.  While Redis is down
# nginx still answers 200 and leaves the job on disk (a pending marker);
# the worker's sweep queues it once Redis is back.  Every payload answered
# 200 must be extracted afterwards, none twice.
#
#   perl t/faults/redis_restart.pl [--seconds 12] [--rate 30] [--every 4]
#       [--down 2] [--clients 2] [--llm fake|offline] [--latency-ms 40]
#       [--timeout 30]
#
# Prints one line: sent, accepted, extracted, duplicated, lost, restarts,
# pending (answers "queued":false: kept on disk for the sweep), refused
# (answers other than 200).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (seconds => 12, rate => 30, every => 4, down => 2, clients => 2,
         llm => 'fake', 'latency-ms' => 40, timeout => 30);
GetOptions(\%o, 'seconds=f', 'rate=f', 'every=f', 'down=f', 'clients=i',
           'llm=s', 'latency-ms=i', 'timeout=f')
    or die "usage: $0 [--seconds S] [--rate R] [--every S] [--down S] "
         . "[--clients N] [--llm fake|offline] [--latency-ms N] "
         . "[--timeout S]\n";

stack_init();
redis_start(appendonly => 1);
nginx_start(redis_timeout => '1s');
my %wconf = ($o{llm} eq 'offline' ? (llm_provider => 'offline')
                                   : fake_llm_conf($o{'latency-ms'}),
             concurrency => 4, heartbeat_secs => 1, sweep_secs => 1,
             recover_secs => 1, dead_secs => 3,
             # a job that met the outage is tried again within seconds
             retry_delays => '1,2,4');
my @logs = (worker_start(%wconf));
my $base = baseline_memories();
my $before = extractions();

my $load = send_load(kind => 'post', seconds => $o{seconds},
                     rate => $o{rate}, clients => $o{clients},
                     prefix => 'conv_rr');

# down for --down seconds every --every seconds, while the load runs
my $restarts = 0;
my $t0 = time;
while (time - $t0 + $o{every} < $o{seconds}) {
    sleep $o{every} - $o{down};
    ElaaomsTest::redis_stop();
    sleep $o{down};
    redis_start();
    $restarts++;
}

my @res = collect_load($load);
wait_extracted($o{timeout}, map { $_->{id} }
                            grep { $_->{status} == 200 } @res);

my %c = account({ base => $base, usage_before => $before }, @res);
$c{restarts} = $restarts;
$c{pending} = grep { $_->{status} == 200 && $_->{body} =~ /"queued":false/ }
              @res;
$c{refused} = grep { $_->{status} != 200 } @res;
my %why_refused;
$why_refused{"$_->{status} $_->{body}"}++
    for grep { $_->{status} != 200 } @res;
print STDERR "refused $why_refused{$_}x: $_\n" for sort keys %why_refused;

# Jobs still in flight in the live worker's list: does a new worker (the
# old one's pid gone, so it is dead) finish them?  Told, not forgiven.
if ($c{lost}) {
    my @left = grep { $_->{status} == 200 } @res;
    my $st = conv_states(map { $_->{id} } @left);
    my @ids = grep { $st->{$_} ne 'extraction_completed' }
              map { $_->{id} } @left;
    for my $log (@logs) {
        open my $fh, '<', $log or next;
        print STDERR grep { /could not (schedule|acknowledge|mark)/ } <$fh>;
    }
    ElaaomsTest::worker_stop();
    push @logs, worker_start(%wconf);
    wait_extracted(15, @ids);
    $st = conv_states(@ids);
    $c{done_by_next_worker} = grep { $st->{$_} eq 'extraction_completed' }
                              @ids;
}
print "redis_restart: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
# nginx keeps a payload it cannot queue: an outage is no reason to refuse
push @why, "$c{refused} refused" if $c{refused};
push @why, "no restart" unless $restarts;
push @why, "no post-call arrived while Redis was down" unless $c{pending};
if (@why) {
    print STDERR "redis_restart: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
