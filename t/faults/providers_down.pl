#!/usr/bin/perl
# Fault: the LLM provider down.  The worker extracts by OpenAI's wire
# format at the fake server (t/fakes/fake_llm.py), which answers every
# chat completion 500.  Each conversation goes through the retry schedule
# (1, 5, 30 minutes, time-scaled to seconds) and ends extraction_failed,
# its job in the failed list and its transcript kept on disk.  Then the
# provider heals and "elaaoms-worker requeue-failed <org>" brings every
# job back: each must complete exactly once (the org's extractions equal
# to the conversations, each caller with the memories a healthy run
# gives, none reinforced).
#
#   perl t/faults/providers_down.pl [--jobs 50] [--clients 2]
#       [--timeout 30]
#
# Prints one line: sent, accepted, extracted, duplicated, lost,
# extraction_failed (while the provider was down), kept (payload files on
# disk then), requeued, llm_calls (chat completions answered 500).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use JSON::PP ();
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (jobs => 50, clients => 2, timeout => 30);
GetOptions(\%o, 'jobs=i', 'clients=i', 'timeout=f')
    or die "usage: $0 [--jobs N] [--clients N] [--timeout S]\n";

stack_init();
redis_start();
nginx_start();
# no retry inside a call; the job's own retries (0.12, 0.6, 3.6 s)
my %wconf = (fake_llm_conf(0), llm_max_retries => 0, time_scale => 0.002,
             concurrency => 4, heartbeat_secs => 1, sweep_secs => 1);
worker_start(%wconf);
my $base = baseline_memories();
my $before = extractions();
my $fake = fake_url();

# the provider goes down: every chat completion a 500
fake_control($fake, { reset => JSON::PP::true(),
    script => [ { match => '/v1/chat/completions', status => 500,
                  repeat => 1000000 } ] });

my @res = collect_load(send_load(kind => 'post', count => $o{jobs},
                                 clients => $o{clients},
                                 prefix => 'conv_pd'));
my @ok = grep { $_->{status} == 200 } @res;
my @ids = map { $_->{id} } @ok;

wait_until(sub {
    !grep { $_ ne 'extraction_failed' } values %{ conv_states(@ids) };
}, $o{timeout});
my %c;
my $st = conv_states(@ids);
$c{extraction_failed} = grep { $st->{$_} eq 'extraction_failed' } @ids;
$c{kept} = grep {
    -s payload_dir() . "/$FaultStack::ORG/$_/${_}_transcription.json"
} @ids;
my @calls = fake_requests($fake, '/v1/chat/completions');
$c{llm_calls} = @calls;
my ($in_failed) = redis_many(['LLEN', "elaaoms:{$FaultStack::ORG}:jobs:failed"]);

# the provider heals; the operator requeues
fake_control($fake, { reset => JSON::PP::true() });
my ($rq) = worker_cli('requeue-failed', $FaultStack::ORG);
$c{requeued} = $rq->{requeued} // 0;
wait_extracted($o{timeout}, @ids);

%c = (%c, account({ base => $base, usage_before => $before }, @res));
print "providers_down: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
push @why, "only $c{accepted} of $c{sent} accepted" if $c{accepted} < $c{sent};
push @why, "$c{extraction_failed} of $c{accepted} extraction_failed while down"
    if $c{extraction_failed} != $c{accepted};
push @why, "$c{kept} of $c{accepted} payloads kept" if $c{kept} != $c{accepted};
push @why, "$in_failed jobs in the failed list" if $in_failed != $c{accepted};
push @why, "$c{requeued} requeued" if $c{requeued} != $c{accepted};
# the first try and three retries each, all refused
push @why, "$c{llm_calls} calls to the provider, " . 4 * $c{accepted}
         . " expected" if $c{llm_calls} != 4 * $c{accepted};
push @why, "nothing sent" unless $c{sent};
if (@why) {
    print STDERR "providers_down: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
