# OpenMemory as a second store (worker/openmemory_mirror.h) against the
# stand-in server t/fakes/fake_openmemory.py: a signed post-call through
# nginx, the worker stores the memories in Redis and mirrors each to
# OpenMemory with its tags and metadata; an outage queues them (the
# extraction completes all the same) and the retry sends them; a
# reinforcement patches the copy; a 100-memory conversation arrives
# whole; "caller forget" leaves the stand-in nothing of the caller; a
# memory deleted in Redis loses its copy.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use HTTP::Tiny;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $OM = fake_start_script('fake_openmemory.py', '--key', 'om-test-key');
our $PORT = server_port_for_client();

%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          openmemory_url => $OM,
                          openmemory_api_key => 'om-test-key',
                          # the retry delays of the worker's (queued by forget)
                          time_scale => 0.01,
                          ElaaomsTest::_acl_worker_conf());

sub transcript { ElaaomsTest::transcript_body(@_) }

sub post {
    my ($body) = @_;
    my $res = post_webhook($main::PORT, "/acme/post-call", 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub status_of { (worker_cli('status', @_))[0] || {} }

sub wait_status {
    my ($conv) = @_;
    return wait_until(sub { (status_of('acme', $conv)->{status} || '')
                            eq 'extraction_completed' }, 20);
}

sub memories { [ worker_cli('memories', 'acme', @_) ] }

# what the stand-in holds of a caller
sub held {
    my ($caller) = @_;
    my $res = HTTP::Tiny->new->get("$main::OM/_dump");
    my $all = JSON::PP::decode_json($res->{content})->{memories};
    return [ grep { ($_->{metadata}{caller} // '') eq $caller
                    || grep({ $_ eq "caller:$caller" } @{ $_->{tags} }) } @$all ];
}

sub rcmd { my $v = ElaaomsTest::redis_cmd(@_); $v =~ s/^\(integer\) //; $v =~ s/^"(.*)"$/$1/s; $v }

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: write-through: a signed post-call's memories reach OpenMemory with tags and metadata, their ids kept beside the records
--- init
ElaaomsTest::worker_start(llm_provider => 'offline', time_scale => 0.01,
    openmemory_url => $main::OM, openmemory_api_key => 'om-test-key',
    openmemory_timeout_ms => 2000);
main::post(main::transcript('conv_om_a1', '+1 (415) 555-0123',
    'My name is Anna Zanzibar.', 'I prefer email over phone calls.'));
Test::More::ok(main::wait_status('conv_om_a1'), 'extracted');
my $mems = main::memories('+14155550123');
Test::More::ok(@$mems >= 2, 'memories in Redis') or Test::More::diag(scalar @$mems);
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+14155550123') } == @$mems }, 10),
    'every memory mirrored') or Test::More::diag(JSON::PP::encode_json(main::held('+14155550123')));
my %by = map { $_->{metadata}{elaaoms_id} => $_ } @{ main::held('+14155550123') };
for my $m (@$mems) {
    my $c = $by{$m->{id}};
    Test::More::ok($c, "memory $m->{id} mirrored") or next;
    Test::More::is($c->{content}, $m->{content}, 'its content');
    my %tags = map { $_ => 1 } @{ $c->{tags} };
    Test::More::ok($tags{$_}, "tag $_") for ('org:acme', 'caller:+14155550123',
        'agent:agent_01support7x', "type:$m->{type}", "importance:$m->{importance}");
    Test::More::is($c->{metadata}{$_}, $m->{$_}, "metadata $_")
        for qw(importance conversation_id agent_id type);
    Test::More::is($c->{metadata}{org}, 'acme', 'metadata org');
    Test::More::ok(defined $c->{metadata}{confidence} && defined $c->{metadata}{created}
        && defined $c->{metadata}{shareable}, 'confidence, created, shareable');
    Test::More::is(main::rcmd('HGET', 'elaaoms:acme:{acme:+14155550123}:openmemory', $m->{id}),
        $c->{id}, 'the OpenMemory id beside the record');
}
Test::More::is(main::rcmd('SCARD', 'elaaoms:acme:{acme:+14155550123}:openmemory:pending'),
    0, 'nothing left unmirrored');
my @adds = ElaaomsTest::fake_requests($main::OM, '/memory/add');
Test::More::ok(!grep({ defined $_->{json}{user_id} } @adds), 'no user_id sent: the key is the tenant');
Test::More::ok(!grep({ $_->{headers}{'x-api-key'} ne 'om-test-key' } @adds), 'the key in x-api-key');

=== TEST 2: a reinforcement patches the copy
--- init
my $before = @{ main::held('+14155550123') };
main::post(main::transcript('conv_om_a2', '+1 (415) 555-0123',
    'I prefer email over phone calls.'));
Test::More::ok(main::wait_status('conv_om_a2'), 'extracted');
Test::More::ok(ElaaomsTest::wait_until(sub {
    grep { $_->{method} eq 'PATCH' } ElaaomsTest::fake_requests($main::OM, '/memory/') }, 10),
    'a PATCH of the copy');
Test::More::is(scalar @{ main::held('+14155550123') }, $before, 'no second copy');
Test::More::ok(grep({ ($_->{metadata}{conversation_id} // '') eq 'conv_om_a2' }
    @{ main::held('+14155550123') }), 'the copy names the latest conversation');

=== TEST 3: an outage: the extraction completes, the memories wait marked "not mirrored", the retry sends them
--- init
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::true });
main::post(main::transcript('conv_om_b1', '+1 (202) 555-0188',
    'My name is Bruno Walrus.', 'I prefer text messages.'));
Test::More::ok(main::wait_status('conv_om_b1'), 'extracted during the outage');
my $n = @{ main::memories('+12025550188') };
Test::More::ok($n >= 2, 'memories in Redis');
Test::More::is(main::rcmd('SCARD', 'elaaoms:acme:{acme:+12025550188}:openmemory:pending'),
    $n, 'all marked not mirrored');
Test::More::ok(main::rcmd('ZCARD', 'elaaoms:acme:openmemory:retry') >= 1, 'queued for a retry');
Test::More::is(scalar @{ main::held('+12025550188') }, 0, 'nothing held yet');
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::false });
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+12025550188') } == $n }, 20),
    'the retry mirrored them');
Test::More::ok(ElaaomsTest::wait_until(sub {
    main::rcmd('SCARD', 'elaaoms:acme:{acme:+12025550188}:openmemory:pending') == 0 }, 5),
    'none left unmirrored');
Test::More::is(main::rcmd('ZCARD', 'elaaoms:acme:openmemory:retry'), 0, 'the queue empty');

=== TEST 4: a 100-memory conversation arrives whole
--- init
my @w = qw(apple birch cedar delta ember falcon granite harbor indigo juniper
           kestrel lantern meadow nectar orchid pepper quartz raven saffron timber);
my @lines = map { "My order $w[$_ % 20]-$w[int($_ / 20)] number Q${_}Z was delayed." } 0 .. 119;
main::post(main::transcript('conv_om_c1', '+1 (303) 555-0111', @lines));
Test::More::ok(main::wait_status('conv_om_c1'), 'extracted');
my $n = @{ main::memories('+13035550111') };
Test::More::ok($n >= 100, "$n memories in Redis");
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+13035550111') } == $n }, 30),
    'every one mirrored') or Test::More::diag(scalar @{ main::held('+13035550111') });
my %ids = map { $_->{metadata}{elaaoms_id} => 1 } @{ main::held('+13035550111') };
Test::More::is(scalar keys %ids, $n, 'each once');

=== TEST 5: caller forget deletes the copies: the stand-in holds nothing of the caller, the others stay
--- init
Test::More::ok(@{ main::held('+14155550123') } >= 2, 'copies before');
my ($rc, $out, $err) = ElaaomsTest::tool_run('--org', 'acme', 'caller', 'forget', '+14155550123');
Test::More::is($rc, 0, 'forget ran') or Test::More::diag($err);
Test::More::is(scalar @{ main::held('+14155550123') }, 0, 'nothing of the caller in OpenMemory');
my $dump = HTTP::Tiny->new->get("$main::OM/_dump")->{content};
Test::More::unlike($dump, qr/4155550123|Zanzibar/, 'no trace of it at all');
Test::More::ok(@{ main::held('+12025550188') } >= 2, 'another caller keeps its copies');

=== TEST 6: a caller with 100 copies forgotten during an outage: one attempt, the rest queued untried; the worker's drain deletes them once the server is back
--- init
my $copies = @{ main::held('+13035550111') };
Test::More::ok($copies >= 100, "$copies copies to delete");
my $deletes = sub { scalar grep { $_->{method} eq 'DELETE' }
                    ElaaomsTest::fake_requests($main::OM, '/memory/') };
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::true });
my $tried = $deletes->();
my ($rc, $out, $err) = ElaaomsTest::tool_run('--org', 'acme', 'caller', 'forget', '+13035550111');
Test::More::is($rc, 0, 'forget completes during the outage') or Test::More::diag($err);
Test::More::is($deletes->() - $tried, 1,
    'an unreachable server costs one attempt: the other copies are queued untried');
my $q = main::rcmd('ZRANGE', 'elaaoms:acme:openmemory:retry', 0, -1);
Test::More::is(scalar(() = $q =~ /delete/g), $copies, 'every copy queued for deletion');
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::false });
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+13035550111') } == 0 }, 30),
    'the drain deleted them all once the server was back')
    or Test::More::diag(scalar @{ main::held('+13035550111') });



=== TEST 7: a memory deleted in Redis loses its copy; one the mirror cannot reach is queued and deleted later
--- init
my $mems = main::memories('+12025550188');
my ($rc, $out, $err) = ElaaomsTest::tool_run('--org', 'acme', 'memory', 'delete',
    '+12025550188', $mems->[0]{id});
Test::More::is($rc, 0, 'memory delete ran') or Test::More::diag($err);
Test::More::ok(ElaaomsTest::wait_until(sub {
    !grep { $_->{metadata}{elaaoms_id} eq $mems->[0]{id} } @{ main::held('+12025550188') } }, 10),
    'its copy deleted');
Test::More::is(scalar @{ main::held('+12025550188') }, @$mems - 1, 'the others kept');
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::true });
($rc, $out, $err) = ElaaomsTest::tool_run('--org', 'acme', 'caller', 'forget', '+12025550188');
Test::More::is($rc, 0, 'forget completes during an outage') or Test::More::diag($err);
my $q = main::rcmd('ZRANGE', 'elaaoms:acme:openmemory:retry', 0, -1);

Test::More::unlike($q, qr/2025550188/, 'the queued deletes hold no caller data');
Test::More::like($q, qr/delete/, 'the deletes queued');
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::false });
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+12025550188') } == 0 }, 20),
    'deleted once OpenMemory is back');
ElaaomsTest::worker_stop();
