# Retention (the worker's daily sweep, worker/retention.c) on a time-scaled
# clock: time_scale makes a day last two seconds, and the sweep runs once a
# (scaled) day.  Recordings go after audio_retention_days, memories not
# reinforced for memory_retention_days go (a reinforced one stays longer)
# and the pre-call contexts forget them, extracted transcripts go after
# payload_retention_days with their conversation's Redis traces, while a
# transcript whose extraction failed stays; old audit entries and crash
# leftovers go.  Every step is checked before and after, so a sweep that
# removes too early or too late fails.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use Time::HiRes ();
use Digest::SHA ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $PORT = server_port_for_client();
our $DAY = 2;                           # seconds in a scaled day

%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          ElaaomsTest::_acl_worker_conf());

our $WORKER_LOG;
sub worker_log { open my $fh, '<', $WORKER_LOG or return ''; local $/; return <$fh> }

sub transcript { ElaaomsTest::transcript_body(@_) }

sub audio {
    my ($conv) = @_;
    return JSON::PP->new->canonical->encode({
        type => 'post_call_audio', event_timestamp => time(),
        data => { agent_id => 'agent_01support7x', conversation_id => $conv,
                  full_audio => 'SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjYwLjMuMTAwAAAAAAAAAAAAAAD/+1DEAAAAAAAAAAAAAAAAAAAAAAA=' } });
}

sub post {
    my ($body) = @_;
    my $res = post_webhook($main::PORT, "/acme/post-call", 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub status_of { ((worker_cli('status', 'acme', $_[0]))[0] || {})->{status} || '' }
sub memories { [ worker_cli('memories', 'acme', $_[0]) ] }
sub contents { join ' | ', map { $_->{content} } @{ memories($_[0]) } }
sub file { ElaaomsTest::payload_dir() . "/acme/$_[0]/$_[0]$_[1]" }

sub raw {
    open my $fh, '-|', 'redis-cli', ElaaomsTest::redis_cli_args(), '--raw',
        @_ or die "redis-cli: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    return defined $out ? $out : '';
}

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: recordings, memories, transcripts, audit entries and leftovers each go after their own retention, not before
--- init
my $t0 = Time::HiRes::time();
# audit entries: one ten days old, one new (stream ids are times in ms)
main::raw('XADD', 'elaaoms:acme:audit', int(($t0 - 10 * $main::DAY) * 1000) . '-0',
          'caller', 'old');
main::raw('XADD', 'elaaoms:acme:audit', '*', 'caller', 'new');
# client-data's served sets: one replaced ten days ago, one replaced now
my $served = 'elaaoms:acme:{acme:+14155550171}:served';
main::raw('HSET', $served, 'aaaaaaaaaaaaaaaa', int($t0 - 10 * $main::DAY) . '|m_old_set',
          'bbbbbbbbbbbbbbbb', int($t0) . '|m_new_set');
# recordings 1 day, memories 4, transcripts 7, audit 3 (a day = 2 s)
$main::WORKER_LOG = ElaaomsTest::worker_start(llm_provider => 'offline',
    time_scale => $main::DAY / 86400, audio_retention_days => 1,
    memory_retention_days => 4, payload_retention_days => 7,
    audit_retention_days => 3);
main::post(main::transcript('conv_ret_a1', '+1 (415) 555-0171',
    'My name is Rosa Quillfeather.', 'I prefer email over phone calls.',
    'My router model is the Zyxel VMG8825.'));
main::post(main::audio('conv_ret_a1'));
main::post(main::transcript('conv_ret_f1', '+1 (415) 555-0172',
    'My name is Felix Marrow.'));
for my $c ('conv_ret_a1', 'conv_ret_f1') {
    Test::More::ok(ElaaomsTest::wait_until(sub { main::status_of($c) eq 'extraction_completed' }, 15),
                   "$c extracted");
}
# f1 stands for a conversation whose extraction failed: its transcript stays
main::raw('HSET', 'elaaoms:{acme}:conversation:conv_ret_f1', 'status', 'extraction_failed');
# a crash leftover
my $dir = ElaaomsTest::payload_dir() . '/acme/conv_ret_a1';
open my $fh, '>', "$dir/conv_ret_a1_transcription.json.tmp" or die $!;
print $fh "partial\n";
close $fh;
utime(time() - 3 * $main::DAY, time() - 3 * $main::DAY,
      "$dir/conv_ret_a1_transcription.json.tmp");

my $n0 = scalar @{ main::memories('+14155550171') };
Test::More::ok($n0 >= 3, "memories of the first call: $n0");
my $before = main::contents('+14155550171');
Test::More::like($before, qr/Quillfeather/, 'the name is remembered');
Test::More::like($before, qr/VMG8825/, 'the router model too');
Test::More::ok(-e main::file('conv_ret_a1', '_audio.mp3'), 'the recording is there at first');

# the recording goes after a day; transcripts and memories are younger
Test::More::ok(ElaaomsTest::wait_until(sub { !-e main::file('conv_ret_a1', '_audio.mp3') }, 4 * $main::DAY),
               'the recording is gone after audio_retention_days');
my $age = Time::HiRes::time() - $t0;
Test::More::ok($age >= $main::DAY, "not before a day: after ${age}s");
Test::More::ok(-e main::file('conv_ret_a1', '_transcription.json'), 'the transcript stays');
Test::More::is(scalar @{ main::memories('+14155550171') }, $n0, 'the memories stay');
my $audit = main::raw('XRANGE', 'elaaoms:acme:audit', '-', '+');
Test::More::unlike($audit, qr/\bold\b/, 'the old audit entry is trimmed');
Test::More::like($audit, qr/\bnew\b/, 'the new one stays: younger than three days');
my $sets = main::raw('HGETALL', $served);
Test::More::unlike($sets, qr/m_old_set/, 'the served set replaced ten days ago is dropped with its entries');
Test::More::like($sets, qr/m_new_set/, 'the one replaced now stays');

# a second call repeats the name: that memory is reinforced, the others not
main::post(main::transcript('conv_ret_a2', '+1 (415) 555-0171',
    'My name is Rosa Quillfeather.'));
Test::More::ok(ElaaomsTest::wait_until(sub { main::status_of('conv_ret_a2') eq 'extraction_completed' }, 10),
               'the second call is extracted');
my $t_reinforced = time();

# memories neither created nor reinforced for four days go
Test::More::ok(ElaaomsTest::wait_until(sub { main::contents('+14155550171') !~ /VMG8825/ }, 8 * $main::DAY),
               'the router memory expires');
$age = Time::HiRes::time() - $t0;
Test::More::ok($age >= 4 * $main::DAY, "not before four days: after ${age}s");
my $left = main::contents('+14155550171');
Test::More::like($left, qr/Quillfeather/, 'the reinforced name stays');
Test::More::unlike($left, qr/email/, 'the unreinforced preference went too');
Test::More::ok(-e main::file('conv_ret_a1', '_transcription.json'), 'the transcript is still younger than its retention');
Test::More::ok(ElaaomsTest::wait_until(sub {
    main::raw('GET', 'elaaoms:acme:{acme:+14155550171}:context:agent_01support7x') !~ /VMG8825/ }, 4 * $main::DAY),
    'the pre-call context forgets the expired memory');
Test::More::ok(!-e "$dir/conv_ret_a1_transcription.json.tmp", 'the crash leftover is gone');
Test::More::unlike(main::raw('XRANGE', 'elaaoms:acme:audit', '-', '+'), qr/\bnew\b/,
                   'the other audit entry is trimmed three days on');
Test::More::unlike(main::raw('HGETALL', $served), qr/m_new_set/,
                   'so is the served set replaced with it');

# extracted transcripts go after seven days, with the conversation's traces
Test::More::ok(ElaaomsTest::wait_until(sub { !-e $dir }, 8 * $main::DAY),
               'the first conversation\'s payload directory is gone');
$age = Time::HiRes::time() - $t0;
Test::More::ok($age >= 7 * $main::DAY, "not before seven days: after ${age}s");
Test::More::is(main::raw('EXISTS', 'elaaoms:{acme}:conversation:conv_ret_a1'), "0\n", 'its conversation hash is gone');
Test::More::is(main::raw('EXISTS', 'elaaoms:{acme}:intake:post_call_audio:conv_ret_a1'), "0\n", 'its intake marker too');
my $index = 'elaaoms:{acme}:calls:' . Digest::SHA::sha256_hex('acme:+14155550171');
Test::More::like(main::raw('SMEMBERS', $index), qr/conv_ret_a2/, 'the caller\'s conversation index keeps the younger one');
Test::More::unlike(main::raw('SMEMBERS', $index),
                   qr/conv_ret_a1/, 'it leaves the caller\'s conversation index');
Test::More::ok(-e main::file('conv_ret_f1', '_transcription.json'), 'a failed extraction keeps its transcript');
Test::More::is(main::status_of('conv_ret_f1'), 'extraction_failed', 'and its status');
Test::More::ok(time() - $t_reinforced < 4 * $main::DAY
               ? main::contents('+14155550171') =~ /Quillfeather/ : 1,
               'the reinforced memory outlives the others');
Test::More::ok(ElaaomsTest::wait_until(sub { main::contents('+14155550171') eq '' }, 6 * $main::DAY),
               'and goes four days after its reinforcement');
Test::More::ok(time() - $t_reinforced >= 4 * $main::DAY, 'not before');
ElaaomsTest::worker_stop();
Test::More::like(main::worker_log(), qr/retention sweep removed \d+ transcripts, \d+ recordings/,
                 'the sweep logs its counts');
