#!/usr/bin/perl
# Worker throughput: jobs/s with a zero-latency fake LLM and with a 2 s
# fake latency (OpenAI wire format), against a private Redis.  Needs a
# built tree ("make").  Usage: perl bench/worker_throughput.pl
#   [--jobs N] [--slow-jobs N] [--concurrency N]
# Everything runs on 127.0.0.1 and stops by itself.

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../t/lib";
use Getopt::Long;
use JSON::PP ();
use Time::HiRes qw(time sleep);
use File::Temp qw(tempdir);
use ElaaomsTest;

my ($jobs, $slow_jobs, $concurrency) = (400, 32, 8);
GetOptions('jobs=i' => \$jobs, 'slow-jobs=i' => \$slow_jobs,
           'concurrency=i' => \$concurrency) or die "bad options\n";

$ENV{ELAAOMS_ROOT} ||= "$FindBin::Bin/..";
my $port = redis_start();
my $fake = fake_start();
my $dir = payload_dir();

# a realistic call: the Twilio fixture with its own conversation and caller
my $fixture = fixture('elevenlabs/post_call_transcription_twilio.json');

sub enqueue {
    my ($n, $tag) = @_;
    my @convs;
    for my $i (1 .. $n) {
        my $conv = "conv_bench_${tag}_$i";
        my $caller = sprintf('+1202%07d', $i);
        (my $body = $fixture) =~ s/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/$conv/g;
        $body =~ s/\+14155550123/$caller/g;
        my $path = "$dir/bench/$conv/${conv}_transcription.json";
        system('mkdir', '-p', "$dir/bench/$conv") == 0 or die;
        open my $fh, '>', $path or die "$path: $!";
        print $fh $body;
        close $fh;
        my $job = JSON::PP->new->canonical->encode({
            org => 'bench', type => 'post_call_transcription',
            conversation_id => $conv, agent_id => 'agent_01support7x',
            caller => $caller, payload_path => $path,
            request_id => sprintf('%032x', $i), attempt => 0,
            enqueued_at => int(time()) });
        redis_cmd('LPUSH', 'elaaoms:{bench}:jobs:ready', $job);
        push @convs, $conv;
    }
    redis_cmd('SADD', 'elaaoms:orgs', 'bench');
    return @convs;
}

sub run {
    my ($label, $n, $latency) = @_;
    fake_control($fake, { reset => JSON::PP::true(), latency_ms => $latency });
    my @convs = enqueue($n, "l$latency");
    my $t0 = time;
    worker_start(llm_provider => 'openai', openai_base_url => $fake,
                 openai_api_key => 'sk-bench', llm_fallback => 0, llm_first_message => 0,
                 concurrency => $concurrency, heartbeat_secs => 1);
    my $done = wait_until(sub {
        redis_cmd('EVAL', "local n = 0 for _, c in ipairs(ARGV) do "
            . "if redis.call('HGET', 'elaaoms:{bench}:conversation:' .. c, 'status') "
            . "== 'extraction_completed' then n = n + 1 end end return n", 0,
            @convs) =~ /\(integer\) $n$/ }, 600);
    my $secs = time - $t0;
    worker_stop();
    die "$label: not every job completed\n" unless $done;
    printf "%-28s %5d jobs  %7.2f s  %8.1f jobs/s  (concurrency %d, LLM latency %d ms)\n",
        $label, $n, $secs, $n / $secs, $concurrency, $latency;
    return $n / $secs;
}

print "elaaoms-worker throughput (fake OpenAI on 127.0.0.1, private Redis)\n";
my $fast = run('zero-latency LLM', $jobs, 0);
my $slow = run('2 s LLM latency', $slow_jobs, 2000);
printf "ceiling with a 2 s LLM at concurrency %d: %.1f jobs/s; measured %.1f (%.0f%%)\n",
    $concurrency, $concurrency / 2, $slow, 100 * $slow / ($concurrency / 2);
