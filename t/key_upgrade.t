# The upgrade to the Redis Cluster key layout (issue 16,
# worker/key_upgrade.h): a Redis holding keys under the names of the
# layout before (a ready job, a delayed job, a processing list of a dead
# worker, a conversation hash, an intake marker, the caller's conversation
# index, a tombstone, usage, usage by day, the worker's counters) is moved
# by the worker at startup; the jobs are then processed, the tombstone
# still drops its caller, counters add up where both names were written,
# and "elaaoms-worker upgrade ORG" finds nothing left (safe to run again)
# but moves an old name written meanwhile.

use lib 't/lib';
# ELAAOMS_TEST_REDIS_CLUSTER=1 (t/lib/ElaaomsTest.pm)
BEGIN { require ElaaomsTest; ElaaomsTest::not_on_cluster(
    'it rebuilds the old key layout with RENAME across slots, which a cluster refuses (the upgrade on a cluster is t/integration/test_worker_cluster\'s)') }
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use Digest::SHA ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $PORT = server_port_for_client();

# "elaaoms-worker upgrade" with the suite's Redis (and its ACL user)
%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          ElaaomsTest::_acl_worker_conf());

our ($A, $ERASED) = ('+14155550123', '+12025550177');
our $J = JSON::PP->new->canonical;

sub post {
    my $res = post_webhook($main::PORT, '/acme/post-call', 'test_secret',
                           ElaaomsTest::transcript_body(@_));
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub raw { ElaaomsTest::redis_raw(@_) }

sub hashed { Digest::SHA::sha256_hex("acme:$_[0]") }

# the old names of what the intake script wrote for conv (the layout
# before issue 16) and their new ones
sub old_and_new {
    my ($conv, $caller) = @_;
    return (["elaaoms:acme:conversation:$conv", "elaaoms:{acme}:conversation:$conv"],
            ["elaaoms:acme:intake:post_call_transcription:$conv",
             "elaaoms:{acme}:intake:post_call_transcription:$conv"],
            ["elaaoms:acme:{acme:$caller}:conversation_index",
             'elaaoms:{acme}:calls:' . hashed($caller)]);
}

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: old-layout keys move at the worker's start, merged where nginx wrote the new name; the jobs run
--- init
# conv_up_a1 queued by nginx, then put under the old names, as the
# version before wrote them (same values, same script)
main::post('conv_up_a1', '+1 (415) 555-0123',
    'My name is Anna Zanzibar.', 'I prefer email over phone calls.');
main::raw('RENAME', 'elaaoms:{acme}:jobs:ready', 'elaaoms:acme:jobs:ready');
main::raw('RENAME', $_->[1], $_->[0]) for main::old_and_new('conv_up_a1', $main::A);
main::raw('RENAME', 'elaaoms:{acme}:recent', 'elaaoms:acme:recent');
Test::More::is(main::raw('KEYS', 'elaaoms:{acme}:*'), '', 'nothing of acme under the new names');

# a dead worker's processing list: conv_up_p1's job, taken before the upgrade
main::post('conv_up_p1', '+1 (415) 555-0123',
    'My order Quokka-42 was delayed.');
main::raw('RPOPLPUSH', 'elaaoms:{acme}:jobs:ready', 'elaaoms:acme:jobs:processing:old-host:7');
main::raw('HSET', 'elaaoms:workers', 'old-host:7', time() - 3600);
Test::More::like(main::raw('LRANGE', 'elaaoms:acme:jobs:processing:old-host:7', 0, -1), qr/conv_up_p1/,
                 'conv_up_p1 in the dead worker\'s list');

# conv_up_b1 queued under the new names: both ready lists exist
main::post('conv_up_b1', '+1 (303) 555-0111',
    'I live in Denver.');
Test::More::is(main::raw('LLEN', 'elaaoms:{acme}:jobs:ready'), 1, 'a new ready list');
Test::More::is(main::raw('LLEN', 'elaaoms:acme:jobs:ready'), 1, 'and the old one');

# a retry due in an hour, a tombstone, the org's usage, the counters
my $delayed = $main::J->encode({ org => 'acme', type => 'post_call_transcription',
    conversation_id => 'conv_up_d1', caller => $main::A, attempt => 1,
    payload_path => ElaaomsTest::payload_dir() . '/acme/conv_up_d1/conv_up_d1_transcription.json',
    request_id => 'req-d1', enqueued_at => time() });
main::raw('ZADD', 'elaaoms:acme:jobs:delayed', time() + 3600, $delayed);
main::raw('SET', 'elaaoms:acme:forgotten:' . main::hashed($main::ERASED), '1', 'EX', 86400);
main::raw('HSET', 'elaaoms:acme:usage', 'extractions', 40, 'cost', '1.5');
main::raw('HSET', 'elaaoms:acme:usage:daily', '2026-01-02|offline|offline|extractions', 2);
main::raw('HSET', 'elaaoms:{acme}:usage:daily', '2026-01-02|offline|offline|extractions', 3);
main::raw('HSET', 'elaaoms:metrics:worker', 'elaaoms_upgrade_marker_total', 7);

ElaaomsTest::worker_start(llm_provider => 'offline', recover_secs => 1, dead_secs => 2);
for my $c ('conv_up_a1', 'conv_up_b1', 'conv_up_p1') {
    Test::More::ok(ElaaomsTest::wait_until(sub {
        main::raw('HGET', "elaaoms:{acme}:conversation:$c", 'status') eq 'extraction_completed' }, 20),
        "$c extracted under the new name");
}

my @old = map { $_->[0] } (main::old_and_new('conv_up_a1', $main::A));
push @old, 'elaaoms:acme:jobs:ready', 'elaaoms:acme:jobs:delayed', 'elaaoms:acme:recent',
    'elaaoms:acme:jobs:processing:old-host:7', 'elaaoms:acme:usage', 'elaaoms:acme:usage:daily',
    'elaaoms:acme:forgotten:' . main::hashed($main::ERASED), 'elaaoms:metrics:worker';
Test::More::is(join(',', grep { main::raw('EXISTS', $_) } @old), '', 'no old name is left');

my ($conv, $marker, $index) = main::old_and_new('conv_up_a1', $main::A);
Test::More::like(main::raw('GET', $marker->[1]), qr/^[0-9a-f]{64}$/, 'the intake marker moved');
Test::More::ok(main::raw('TTL', $marker->[1]) > 0, 'with its expiry');
Test::More::like(main::raw('SMEMBERS', $index->[1]), qr/conv_up_a1/, 'the conversation index moved to the org slot');
Test::More::like(main::raw('SMEMBERS', $index->[1]), qr/conv_up_p1/, 'and has the next conversation too');
Test::More::like(main::raw('ZRANGE', 'elaaoms:{acme}:recent', 0, -1), qr/conv_up_a1/, 'recent merged');
Test::More::is(main::raw('ZRANGE', 'elaaoms:{acme}:jobs:delayed', 0, -1), $delayed, 'the delayed job moved');
Test::More::is(main::raw('LLEN', 'elaaoms:{acme}:jobs:ready'), 0, 'every ready job taken');
Test::More::is(main::raw('SISMEMBER', 'elaaoms:{acme}:jobs:workers', 'old-host:7'), 0,
               'the dead worker\'s list recovered, the worker forgotten');
Test::More::is(main::raw('HEXISTS', 'elaaoms:workers', 'old-host:7'), 0, 'and deregistered');
Test::More::ok(main::raw('TTL', 'elaaoms:{acme}:forgotten:' . main::hashed($main::ERASED)) > 80000,
               'the tombstone moved with its expiry');
Test::More::is(main::raw('HGET', 'elaaoms:{acme}:usage', 'extractions'), 43, 'usage: 40 before, 3 extractions since');
Test::More::is(main::raw('HGET', 'elaaoms:{acme}:usage', 'cost'), '1.5', 'the cost kept');
Test::More::is(main::raw('HGET', 'elaaoms:{acme}:usage:daily', '2026-01-02|offline|offline|extractions'), 5,
               'usage by day: both names added up');
Test::More::is(main::raw('HGET', 'elaaoms:{health}:metrics:worker', 'elaaoms_upgrade_marker_total'), 7,
               'the worker\'s counters moved');
Test::More::ok(main::raw('HLEN', "elaaoms:acme:{acme:$main::A}:index") >= 1, 'the caller has memories');

# the moved tombstone still drops its caller
main::post('conv_up_e1', '+1 (202) 555-0177', 'Hello again.');
Test::More::ok(ElaaomsTest::wait_until(sub {
    !-e ElaaomsTest::payload_dir() . '/acme/conv_up_e1/conv_up_e1_transcription.json' }, 5),
    'the erased caller\'s payload is dropped');
Test::More::is(main::raw('EXISTS', 'elaaoms:{acme}:conversation:conv_up_e1'), 0, 'and nothing is stored');

# again: nothing to move
my ($up) = ElaaomsTest::worker_cli('upgrade', 'acme');
Test::More::is($up->{keys_moved}, 0, 'upgrade again: no key moved');

# an old name written meanwhile (an nginx of the version before): moved
main::raw('HSET', 'elaaoms:acme:conversation:conv_up_old', 'status', 'extraction_failed');
($up) = ElaaomsTest::worker_cli('upgrade', 'acme');
Test::More::is($up->{keys_moved}, 1, 'upgrade: the one old key moved');
Test::More::is(main::raw('HGET', 'elaaoms:{acme}:conversation:conv_up_old', 'status'), 'extraction_failed',
               'to its new name');
ElaaomsTest::worker_stop();
