#!/usr/bin/perl
# Fault, the minimal case of redis_restart.pl: Redis goes away while the
# worker's only job waits for the LLM (the fake answers after 3 s), and
# comes back 4 s later.  The job's writes fail, so does scheduling its
# retry; once Redis is back the conversation must still be extracted, by
# this same worker, which stays alive throughout.
#
#   perl t/faults/redis_midjob.pl [--latency-ms 3000] [--down 4]
#       [--timeout 15]
#
# Prints one line: sent, accepted, extracted, duplicated, lost, stranded
# (jobs left in the queues), done_by_next_worker (after a restart of the
# worker, when the live one did not finish it).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = ('latency-ms' => 3000, down => 4, timeout => 15);
GetOptions(\%o, 'latency-ms=i', 'down=f', 'timeout=f')
    or die "usage: $0 [--latency-ms N] [--down S] [--timeout S]\n";

stack_init();
redis_start(appendonly => 1);
nginx_start();
my %wconf = (fake_llm_conf($o{'latency-ms'}), concurrency => 1,
             heartbeat_secs => 1, sweep_secs => 1, recover_secs => 1,
             dead_secs => 3, retry_delays => '1,2,4');
my @logs = (worker_start(%wconf));

my @res = collect_load(send_load(kind => 'post', count => 1, clients => 1,
                                 prefix => 'conv_mj'));
my $conv = $res[0]{id};

# the job is in flight: the LLM has its request
wait_until(sub { fake_requests(fake_url(), '/v1/chat/completions') }, 10)
    or die "the worker never called the LLM\n";
ElaaomsTest::redis_stop();
sleep $o{down};
redis_start();
wait_extracted($o{timeout}, $conv);

my %c = account({}, @res);
if ($c{lost}) {
    for my $log (@logs) {
        open my $fh, '<', $log or next;
        print STDERR grep { /extraction of|could not/ } <$fh>;
    }
    # a new worker: the old one's pid gone, its jobs are recovered
    ElaaomsTest::worker_stop();
    push @logs, worker_start(%wconf);
    wait_extracted($o{timeout}, $conv);
    $c{done_by_next_worker} =
        conv_states($conv)->{$conv} eq 'extraction_completed' ? 1 : 0;
}
print "redis_midjob: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
push @why, "not accepted" unless $c{accepted};
if (@why) {
    print STDERR "redis_midjob: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
