#!/usr/bin/perl
# Fault: the payload directory's disk full.  It is a small tmpfs (2 MB,
# mounted here: root only; without it the script says so and exits 0),
# and signed post-calls of ~10 KB arrive until it refuses more.  Every
# answer must be 200 with the payload on disk, byte for byte the size
# sent, or 503 (ElevenLabs retries); never 200 without the file, never
# another status.  Then the worker starts and every accepted payload must
# be extracted.
#
#   perl t/faults/payload_full.pl [--size 2m] [--pad 8000] [--batch 25]
#       [--max 2000] [--timeout 30]
#
# Prints one line: sent, accepted, extracted, duplicated, lost, refused
# (503), missing (200 without the payload file), other (other answers).

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib", $FindBin::Bin;
use File::Temp qw(tempdir);
use Getopt::Long;
use Time::HiRes qw(sleep time);
use ElaaomsTest;
use FaultStack;

my %o = (size => '2m', pad => 8000, batch => 25, max => 2000, timeout => 30);
GetOptions(\%o, 'size=s', 'pad=i', 'batch=i', 'max=i', 'timeout=f')
    or die "usage: $0 [--size S] [--pad BYTES] [--batch N] [--max N] "
         . "[--timeout S]\n";

my $dir = tempdir('elaaoms-full-XXXXXX', TMPDIR => 1, CLEANUP => 1);
if ($> != 0 || system('mount', '-t', 'tmpfs', '-o', "size=$o{size},mode=0777",
                      'tmpfs', $dir) != 0)
{
    print "payload_full: skipped: cannot mount a tmpfs at $dir "
        . "(needs root)\n";
    exit 0;
}
my $mounted = 1;
my $main_pid = $$;

# before ElaaomsTest's and FaultStack's END: nothing may hold the mount
END {
    if ($mounted && $$ == $main_pid) {
        local $?;
        FaultStack::nginx_stop();
        ElaaomsTest::worker_stop();
        system('umount', $dir) == 0 or system('umount', '-l', $dir);
    }
}

stack_init();
redis_start();
nginx_start(payload_dir => $dir);

# until two batches in a row store nothing: the disk is full
my (@res, $full);
my $first = 0;
while ($first < $o{max}) {
    my @batch = collect_load(send_load(kind => 'post', count => $o{batch},
                                       first => $first, clients => 1,
                                       pad => $o{pad},
                                       prefix => 'conv_pf'));
    $first += $o{batch};
    push @res, @batch;
    $full = (grep { $_->{status} != 200 } @batch) == @batch ? ($full || 0) + 1
                                                            : 0;
    last if $full >= 2;
}

my %c;
my @ok = grep { $_->{status} == 200 } @res;
my $org = $FaultStack::ORG;
$c{missing} = 0;
for (@ok) {
    my $f = "$dir/$org/$_->{id}/$_->{id}_transcription.json";
    next if -s $f && -s _ == $_->{len};
    $c{missing}++;
    print STDERR "answered 200 but ", (-e $f ? 'short: ' . (-s $f) . " of "
        . "$_->{len} bytes" : 'missing'), ": $f\n";
}
$c{refused} = grep { $_->{status} == 503 } @res;
$c{other} = grep { $_->{status} != 200 && $_->{status} != 503 } @res;
print STDERR "$_->{id}: $_->{status} $_->{body}\n"
    for grep { $_->{status} != 200 && $_->{status} != 503 } @res;
my $df = `df -k $dir | tail -1`;
my ($used, $avail) = $df =~ /\s(\d+)\s+(\d+)\s+\d+%/;

# the worker takes what was accepted, from the full disk
worker_start(llm_provider => 'offline', concurrency => 4, payload_dir => $dir,
             heartbeat_secs => 1, sweep_secs => 1);
wait_extracted($o{timeout}, map { $_->{id} } @ok);
%c = (%c, account({}, @res));
$c{disk_free_kb} = $avail // -1;
print "payload_full: ", summary_line(%c);

my @why;
push @why, "$c{missing} answered 200 without their payload" if $c{missing};
push @why, "$c{other} answers neither 200 nor 503" if $c{other};
push @why, "$c{lost} lost" if $c{lost};
push @why, "$c{duplicated} duplicated" if $c{duplicated};
push @why, "$c{stranded} jobs left in the queues" if $c{stranded};
# the fault must have happened: some stored, then refusals
push @why, "nothing accepted" unless $c{accepted};
push @why, "the disk never filled ($first sent)" unless $full;
if (@why) {
    print STDERR "payload_full: FAIL: ", join(', ', @why), "\n";
    exit 1;
}
exit 0;
