#!/usr/bin/perl
# Fault: "nginx -s reload" (SIGHUP to the master) every second for ~10 s
# while clients send signed post-calls and client-data + search-memory
# pairs at a steady rate.  A reload starts new worker processes and lets
# the old ones finish what they hold: no request may fail (every answer
# 200, a new connection per request so no keep-alive race is counted),
# the tools must still answer from Redis (the caller known, the order
# found), and every accepted post-call must be extracted exactly once.
#
#   perl t/faults/nginx_reload.pl [--seconds 10] [--every 1] [--rate 40]
#       [--tools-rate 40] [--clients 2] [--timeout 60]
#
# Prints one line: sent, accepted, extracted, duplicated, lost, reloads,
# tools (requests), failed (answers other than 200), degraded (tool
# answers 200 without the caller's memories).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use Getopt::Long;
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (seconds => 10, every => 1, rate => 40, 'tools-rate' => 40,
         clients => 2, timeout => 60);
GetOptions(\%o, 'seconds=f', 'every=f', 'rate=f', 'tools-rate=f',
           'clients=i', 'timeout=f')
    or die "usage: $0 [--seconds S] [--every S] [--rate R] [--tools-rate R] "
         . "[--clients N] [--timeout S]\n";

stack_init();
redis_start();
nginx_start(workers => 2);
worker_start(llm_provider => 'offline', concurrency => 4);
my $base = baseline_memories();
my $before = extractions();

# the load runs a second past the last reload: requests the last new
# workers take count too
my %common = (seconds => $o{seconds} + 1, clients => $o{clients},
              keep_alive => 0);
my $posts = send_load(%common, kind => 'post', rate => $o{rate},
                      prefix => 'conv_rl');
# --tools-rate 0: post-calls only
my $tools = $o{'tools-rate'} > 0
    ? send_load(%common, kind => 'tools', rate => $o{'tools-rate'},
                prefix => 'tools_rl',
                tools_caller => $FaultStack::BASE_CALLER)
    : undef;

my $reloads = 0;
my $t0 = time;
while (time - $t0 < $o{seconds}) {
    sleep $o{every};
    nginx_reload();
    $reloads++;
}

my @res = (collect_load($posts), $tools ? collect_load($tools) : ());
my @accepted = grep { $_->{kind} eq 'post' && $_->{status} == 200 } @res;
wait_extracted($o{timeout}, map { $_->{id} } @accepted);

my %c = account({ base => $base, usage_before => $before }, @res);
$c{reloads} = $reloads;
my @tool = grep { $_->{kind} ne 'post' } @res;
$c{tools} = @tool;
$c{failed} = grep { $_->{status} != 200 } @res;
$c{degraded} = grep {
    $_->{status} == 200
    && ($_->{kind} eq 'client-data' ? $_->{body} !~ /"caller_known":true/
                                    : $_->{body} !~ /XYZ-789/)
} @tool;
for (grep { $_->{status} != 200 } @res) {
    print STDERR "$_->{kind} $_->{id}: $_->{status} $_->{body}\n";
}

# the reloads nginx saw (its notice on each HUP), and its worse lines
my $log = FaultStack::nginx_log();
my $seen = () = $log =~ /signal 1 \(SIGHUP\) received/g;
my @bad = FaultStack::nginx_error_lines();
$c{nginx_errors} = @bad;
print "nginx_reload: ", summary_line(%c);

my @why;
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{failed} failed requests" if $c{failed};
push @why, "$c{degraded} degraded tool answers" if $c{degraded};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
push @why, "nginx saw $seen of $reloads reloads" if $seen < $reloads;
push @why, "no post-call sent" unless $c{sent};
push @why, "no tool request sent" unless $c{tools} || !$tools;
push @why, "nginx logged errors:\n" . join('', @bad) if @bad;
if (@why) {
    print STDERR "nginx_reload: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
