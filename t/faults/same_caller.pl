#!/usr/bin/perl
# Fault: concurrency on one caller.  Many conversations of the same caller
# are queued at once and a worker with several job threads extracts them:
# their writes to the caller's memories race (the store's optimistic
# transaction must retry, never lose or double a write).  The caller must
# end with what the same conversations give processed one at a time by a
# single thread: as many memories, the same contents, as many
# reinforcements.
#
# The fake LLM answers each extraction with scripted memories: two shared
# by every conversation (one record each, reinforced by every later
# conversation) and one of its own (words no other memory has, so the
# dedup cannot merge them whatever the order).
#
#   perl t/faults/same_caller.pl [--conversations 40] [--concurrency 4]
#       [--latency-ms 20] [--timeout 30]
#
# Prints one line: sent, accepted, extracted, duplicated, lost (for the
# concurrent run), memories (sequential/concurrent), reinforcements
# (sequential/concurrent), store_retries (the concurrent run's WATCHes
# beyond the sequential run's: its writes that lost a race and retried).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use JSON::PP ();
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (conversations => 40, concurrency => 4, 'latency-ms' => 20,
         timeout => 30);
GetOptions(\%o, 'conversations=i', 'concurrency=i', 'latency-ms=i',
           'timeout=f')
    or die "usage: $0 [--conversations N] [--concurrency N] "
         . "[--latency-ms N] [--timeout S]\n";
die "--concurrency must be 2 or more\n" if $o{concurrency} < 2;

stack_init();
redis_start();
nginx_start();
my %wconf = (fake_llm_conf($o{'latency-ms'}), heartbeat_secs => 1,
             sweep_secs => 1);
my $fake = fake_url();
my $n = $o{conversations};

# made-up words, letters only: a memory of its own per conversation
srand(20261203);
my %used;
sub word {
    my $w;
    do {
        $w = join '', map { ('a' .. 'z')[int rand 26] } 1 .. 7;
    } while $used{$w}++;
    return $w;
}
my @own = map { 'Mentioned the ' . join(' ', map { word() } 1 .. 4) . '.' }
          1 .. $n;

sub mem {
    my ($type, $content) = @_;
    return { type => $type, content => $content, importance => 6,
             confidence => 0.8, source_quote => '' };
}

# one extraction's answer per conversation, in whatever order they come
sub script_answers {
    fake_control($fake, { reset => JSON::PP::true(), script => [ map { {
        match => '/v1/chat/completions',
        memories => [ mem('preference', 'Prefers email over phone calls.'),
                      mem('factual', 'Works night shifts as a nurse.'),
                      mem('factual', $own[$_]) ] } } 0 .. $n - 1 ] });
}

# WATCHes Redis ran: one per attempt at a caller's memories, so the
# concurrent run's surplus over the sequential one is the retries its
# races cost (the store retries silently)
sub watches {
    my $port = redis_port();
    my ($n) = `redis-cli -h 127.0.0.1 -p $port INFO commandstats`
              =~ /^cmdstat_watch:calls=(\d+)/m;
    return $n || 0;
}

# all the conversations of $caller queued while no worker runs, then one
# with $threads threads; the caller's memories once all are extracted
sub run {
    my ($caller, $prefix, $threads) = @_;
    script_answers();
    my @res = collect_load(send_load(kind => 'post', count => $n,
                                     clients => 2, caller => $caller,
                                     prefix => $prefix));
    my $before = extractions();
    my $watches = watches();
    worker_start(%wconf, concurrency => $threads);
    wait_extracted($o{timeout}, map { $_->{id} } @res);
    ElaaomsTest::worker_stop();
    my %c = account({ usage_before => $before }, @res);
    $c{watches} = watches() - $watches;
    my @m = worker_cli('memories', $FaultStack::ORG, $caller);
    return (\%c, \@m);
}

my ($seq_c, $seq) = run('+13125550101', 'conv_sq', 1);
my ($cc, $conc) = run('+13125550202', 'conv_cc', $o{concurrency});

# the concurrent run as every script counts it; the memories compared
my %c = %$cc;
my %seq_c = %$seq_c;
sub reinforcements { my $s = 0; $s += $_->{reinforcement_count} for @_; $s }
sub contents { join "\n", sort map { $_->{content} } @_ }
my ($rs, $rc) = (reinforcements(@$seq), reinforcements(@$conc));
$c{memories} = @$seq . '/' . @$conc;
$c{reinforcements} = "$rs/$rc";
$c{store_retries} = $c{watches} - $seq_c{watches};
delete $c{watches};
$c{lost} += @$seq - @$conc if @$conc < @$seq;
$c{duplicated} += @$conc - @$seq if @$conc > @$seq;
my $same = contents(@$seq) eq contents(@$conc);
print "same_caller: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
push @why, "the sequential run: $seq_c{lost} lost, $seq_c{duplicated} "
         . "duplicated" if $seq_c{lost} || $seq_c{duplicated};
push @why, "reinforcements $rs sequential, $rc concurrent" if $rs != $rc;
push @why, "the memories' contents differ" unless $same;
# what the script makes of the answers: 2 shared records, each reinforced
# by every conversation after the first, and n of their own
push @why, scalar(@$seq) . " memories sequentially, " . ($n + 2)
         . " expected" if @$seq != $n + 2;
push @why, "$rs reinforcements sequentially, " . 2 * ($n - 1) . " expected"
    if $rs != 2 * ($n - 1);
# the threads must have raced on the caller, or nothing was tested
push @why, "no write retried: the threads never raced"
    unless $c{store_retries} > 0;
if (@why) {
    print STDERR "same_caller: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
