# elaaoms openmemory status and elaaoms openmemory import, and the mirror
# against the real server's cross-tenant merge, with the stand-in
# t/fakes/fake_openmemory.py: status counts the copies, what waits for a
# retry after an outage and what failed past the last delay, and whether
# /health answers; import reads what another writer put in OpenMemory
# for a caller into the Redis store (new memories, or a reinforcement of
# one the caller has), once; two callers saying the same sentence get a
# copy each, and erasing one leaves the other's.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use HTTP::Tiny;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $OM = fake_start_script('fake_openmemory.py', '--key', 'om-test-key');
our $PORT = server_port_for_client();
our $LOG;

# the tool's settings: the worker's OpenMemory
our %OMC = (openmemory_url => $OM, openmemory_api_key => 'om-test-key',
            openmemory_timeout_ms => 2000);
%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(), %OMC,
                          ElaaomsTest::_acl_worker_conf());

sub tool { ElaaomsTest::tool_cli({ %main::OMC }, '--org', 'acme', @_) }

sub transcript { ElaaomsTest::transcript_body(@_) }

sub post {
    my ($conv, $caller, @lines) = @_;
    my $res = post_webhook($main::PORT, "/acme/post-call", 'test_secret',
                           transcript($conv, $caller, @lines));
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
    return ElaaomsTest::wait_until(sub {
        ((worker_cli('status', 'acme', $conv))[0]->{status} || '')
            eq 'extraction_completed' }, 20);
}

sub memories { [ worker_cli('memories', 'acme', @_) ] }

sub dump_all {
    JSON::PP::decode_json(HTTP::Tiny->new->get("$main::OM/_dump")->{content})->{memories};
}

# what the stand-in holds of a caller
sub held {
    my ($caller) = @_;
    return [ grep { ($_->{metadata}{caller} // '') eq $caller
                    || grep({ $_ eq "caller:$caller" } @{ $_->{tags} }) } @{ dump_all() } ];
}

# another writer's memory, straight into the stand-in
sub om_add {
    my ($doc) = @_;
    my $res = HTTP::Tiny->new->post("$main::OM/memory/add", {
        headers => { 'content-type' => 'application/json', 'x-api-key' => 'om-test-key' },
        content => JSON::PP::encode_json($doc) });
    die "add: $res->{status}" unless $res->{success};
    return JSON::PP::decode_json($res->{content});
}

sub status { my ($st, $out, $err) = tool('openmemory', 'status', @_); return ($st, $out->[0] || {}, $err) }

sub rcmd { my $v = ElaaomsTest::redis_cmd(@_); $v =~ s/^\(integer\) //; $v =~ s/^"(.*)"$/$1/s; $v }

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: --help of both commands; bad arguments exit 2 and do nothing
--- init
my ($st, $out) = main::tool('openmemory', 'status', '--help');
Test::More::is($st, 0, 'status --help exits 0');
my $text = join '', @$out;
Test::More::like($text, qr/usage: .*openmemory status \[--all-orgs\]/, 'its usage line');
Test::More::like($text, qr/not_mirrored/, 'its output described');
($st, $out) = main::tool('openmemory', 'import', '--help');
Test::More::is($st, 0, 'import --help exits 0');
$text = join '', @$out;
Test::More::like($text, qr/openmemory import \[--page-size N\]/, 'its synopsis');
Test::More::like($text, qr/skipped_known/, 'its output described');
($st, $out) = main::tool('--help');
Test::More::like(join('', @$out), qr/openmemory status .*\n.*openmemory import /s,
    'both in the tool\'s --help');
my $err;
for my $bad (['status', 'extra'], ['status', '--bogus'], ['import', '--page-size', '0'],
             ['import', '--page-size', '10001'], ['import', '--page-size', 'many'],
             ['import', 'extra']) {
    ($st, $out, $err) = main::tool('openmemory', @$bad);
    Test::More::is($st, 2, "openmemory @$bad: 2");
}
Test::More::is(scalar(ElaaomsTest::fake_requests($main::OM, '/')), 0, 'no request made');

=== TEST 2: status: the copies of a post-call's memories, nothing pending, /health ok
--- init
$main::LOG = ElaaomsTest::worker_start(llm_provider => 'offline', time_scale => 0.001,
    %main::OMC);
Test::More::ok(main::post('conv_st_1', '+1 (415) 555-0123',
    'My name is Anna Zanzibar.', 'I prefer email over phone calls.'), 'extracted');
my $n = @{ main::memories('+14155550123') };
Test::More::ok($n >= 2, "$n memories");
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+14155550123') } == $n }, 10),
    'mirrored');
my ($st, $s, $err) = main::status();
Test::More::is($st, 0, 'status exits 0') or Test::More::diag($err);
Test::More::is($s->{org}, 'acme', 'org');
Test::More::is($s->{mirrored}, $n, 'mirrored: the copies');
Test::More::is($s->{pending}, 0, 'nothing pending');
Test::More::is($s->{failed}, 0, 'nothing failed');
Test::More::is($s->{openmemory}, 'ok', '/health answered');
Test::More::ok($s->{configured}, 'configured');

=== TEST 3: status during an outage: pending and queued; past the last retry: failed
--- init
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::true });
Test::More::ok(main::post('conv_st_2', '+1 (202) 555-0188',
    'My name is Bruno Walrus.', 'I prefer text messages.'), 'extracted during the outage');
my $n = @{ main::memories('+12025550188') };
my ($st, $s) = main::status();
Test::More::is($s->{not_mirrored}, $n, "$n not mirrored");
Test::More::ok($s->{retry_queue} >= 1, 'queued for a retry');
Test::More::is($s->{pending}, $s->{not_mirrored} + $s->{retry_queue}, 'pending: both');
# retry delays 60, 300, 1800 s x 0.001: failed within seconds (a sweep
# stops at its first failure: one item a sweep while the server fails)
Test::More::ok(ElaaomsTest::wait_until(sub { my $x = (main::status())[1];
                                             $x->{failed} >= 1 && $x->{retry_queue} == 0 }, 30),
    'failed past the last retry, the queue drained');
($st, $s) = main::status();
Test::More::is($s->{retry_queue}, 0, 'the queue empty');
Test::More::is($s->{not_mirrored}, $n, 'still marked not mirrored');
my ($all_st, $all) = ElaaomsTest::tool_cli({ %main::OMC }, 'openmemory', 'status', '--all-orgs');
Test::More::is($all_st, 0, '--all-orgs exits 0');
Test::More::is(scalar(grep { ref $_ && $_->{org} eq 'acme' } @$all), 1, 'acme in it');
ElaaomsTest::fake_control($main::OM, { fail_all => JSON::PP::false });
my ($dst, $dout, $derr) = ElaaomsTest::tool_cli({ %main::OMC,
    openmemory_url => 'http://127.0.0.1:' . ElaaomsTest::free_port() },
    '--org', 'acme', 'openmemory', 'status');
Test::More::is($dst, 1, 'OpenMemory unreachable: exit 1');
Test::More::is($dout->[0]{openmemory}, 'unreachable', 'says so');
Test::More::like($derr, qr/did not answer \/health/, 'and why');

=== TEST 4: import: another writer's memories of callers become memories; the second run adds nothing
--- init
my $a = main::om_add({ content => 'Has a parrot called Mango', tags => ['crm'],
    metadata => { caller => '+14155550123', type => 'relationship', importance => 6,
                  agent_id => 'agent_01crm' } });
my $b = main::om_add({ content => 'Is allergic to peanuts',
    tags => ['caller:+1 (303) 555-0199', 'type:factual', 'importance:9'] });
main::om_add({ content => 'Team lunch on Friday', metadata => { note => 1 } });
main::om_add({ content => 'Works at the harbor office',
    metadata => { caller => '+14155550123', org => 'globex' } });
my ($st, $out, $err) = main::tool('openmemory', 'import', '--page-size', '2');
Test::More::is($st, 0, 'import exits 0') or Test::More::diag($err);
my $r = $out->[-1];
Test::More::is($r->{imported}, 2, 'two imported') or Test::More::diag(JSON::PP::encode_json($r));
Test::More::is($r->{skipped_no_caller}, 1, 'one names no caller');
Test::More::is($r->{skipped_other_org}, 1, 'one of another organization');
Test::More::is($r->{skipped_known}, scalar @{ main::held('+14155550123') } - 2,
    'the mirrored copies known');
Test::More::is($r->{items}, scalar @{ main::dump_all() }, 'every item seen');
Test::More::ok($r->{pages} >= 3, "$r->{pages} pages of 2");
Test::More::is($r->{callers}, 2, 'two callers written');
Test::More::ok($r->{contexts} >= 1, 'their contexts rebuilt');
my ($sst, $show) = ElaaomsTest::tool_cli({ %main::OMC }, '--org', 'acme', 'caller', 'show', '+14155550123');
Test::More::ok(grep({ ref $_ && ($_->{content} // '') eq 'Has a parrot called Mango'
    && $_->{type} eq 'relationship' && $_->{importance} == 6 } @$show), 'caller show lists it')
    or Test::More::diag(JSON::PP::encode_json($show));
my $m = main::memories('+13035550199');
Test::More::is(scalar @$m, 1, 'the tag-only caller has it');
Test::More::is($m->[0]{importance}, 9, 'its importance from the tag');
Test::More::is(main::rcmd('HGET', 'elaaoms:acme:{acme:+13035550199}:openmemory', $m->[0]{id}),
    $b->{id}, 'its OpenMemory id beside it');
Test::More::ok(main::rcmd('HVALS', 'elaaoms:acme:{acme:+14155550123}:openmemory') =~ /\Q$a->{id}\E/,
    'the other one\'s too');
($st, $out, $err) = main::tool('openmemory', 'import');
$r = $out->[-1];
Test::More::is($st, 0, 'again: exits 0');
Test::More::is($r->{imported} + $r->{reinforced}, 0, 'again: nothing added')
    or Test::More::diag(JSON::PP::encode_json($r));
Test::More::is(scalar @{ main::memories('+13035550199') }, 1, 'still one memory');
# the worker does not mirror it back as a new copy
Test::More::ok(main::post('conv_im_1', '+1 (303) 555-0199', 'I am allergic to peanuts.'),
    'a call of that caller');
sleep 1;
my @copies = grep { $_->{id} eq $b->{id} || ($_->{metadata}{elaaoms_id} // '') eq $m->[0]{id} }
    @{ main::dump_all() };
Test::More::is(scalar @copies, 1, 'one copy of it in OpenMemory');
Test::More::is($copies[0]{id}, $b->{id}, 'the imported one');
Test::More::is(main::rcmd('SCARD', 'elaaoms:acme:{acme:+13035550199}:openmemory:pending'), 0,
    'nothing left unmirrored');

=== TEST 5: import: an item whose text matches a memory reinforces it instead of duplicating it
--- init
my $mems = main::memories('+14155550123');
my ($pref) = grep { $_->{type} eq 'preference' } @$mems;
Test::More::ok($pref, 'a preference to match') or Test::More::diag(JSON::PP::encode_json($mems));
my $n = @$mems;
(my $near = $pref->{content}) =~ s/\bover\b/rather than/;
my $it = main::om_add({ content => $near,
    metadata => { caller => '+14155550123', type => 'preference', importance => 7 } });
Test::More::ok(!$it->{deduplicated}, 'a distinct item in OpenMemory');
my ($st, $out, $err) = main::tool('openmemory', 'import');
my $r = $out->[-1];
Test::More::is($st, 0, 'import exits 0') or Test::More::diag($err);
Test::More::is($r->{reinforced}, 1, 'one reinforced') or Test::More::diag(JSON::PP::encode_json($r));
Test::More::is($r->{imported}, 0, 'none new');
Test::More::is(scalar @{ main::memories('+14155550123') }, $n, 'no duplicate memory');
my ($after) = grep { $_->{id} eq $pref->{id} } @{ main::memories('+14155550123') };
Test::More::ok($after->{reinforcement_count} > ($pref->{reinforcement_count} // 0),
    'the memory reinforced') or Test::More::diag(JSON::PP::encode_json($after));
my $map = main::rcmd('HGETALL', 'elaaoms:acme:{acme:+14155550123}:openmemory');
Test::More::like($map, qr/\Q$pref->{id}\E\\t\Q$it->{id}\E/, 'kept as another copy of it');
($st, $out) = main::tool('openmemory', 'import');
Test::More::is($out->[-1]{reinforced}, 0, 'again: nothing');

=== TEST 6: the server's merge: two callers saying the same sentence get a copy each; erasing one leaves the other's
--- init
Test::More::ok(main::post('conv_dd_1', '+1 (617) 555-0101', 'My dog is named Biscuit.'), 'first caller');
Test::More::ok(main::post('conv_dd_2', '+1 (617) 555-0102', 'My dog is named Biscuit.'), 'second caller');
Test::More::ok(ElaaomsTest::wait_until(sub { @{ main::held('+16175550102') } >= 1 }, 10),
    'the second mirrored');
my $one = main::held('+16175550101');
my $two = main::held('+16175550102');
Test::More::is(scalar @$one, 1, 'one copy of the first');
Test::More::is(scalar @$two, 1, 'one copy of the second');
Test::More::isnt($one->[0]{id}, $two->[0]{id}, 'two copies');
my $mid = main::memories('+16175550102')->[0]{id};
Test::More::is($two->[0]{content}, "$one->[0]{content} [elaaoms:$mid]", 'the second made distinct');
Test::More::is(main::rcmd('HGET', 'elaaoms:acme:{acme:+16175550102}:openmemory', $mid),
    $two->[0]{id}, 'its own copy kept, not the first\'s');
my ($st, $out, $err) = ElaaomsTest::tool_run('--org', 'acme', 'caller', 'forget', '+16175550101');
Test::More::is($st, 0, 'forget the first') or Test::More::diag($err);
Test::More::is(scalar @{ main::held('+16175550101') }, 0, 'its copy gone');
Test::More::is(scalar @{ main::held('+16175550102') }, 1, 'the second keeps its copy');
# an import never brings an erased caller back
main::om_add({ content => 'Likes jazz music', metadata => { caller => '+16175550101' } });
($st, $out, $err) = main::tool('openmemory', 'import');
Test::More::is($st, 0, 'import exits 0') or Test::More::diag($err);
Test::More::is($out->[-1]{skipped_erased}, 1, 'the erased caller\'s item skipped')
    or Test::More::diag(JSON::PP::encode_json($out->[-1]));
Test::More::is($out->[-1]{imported}, 0, 'nothing imported');
Test::More::is(scalar @{ main::memories('+16175550101') }, 0, 'the erased caller has no memory');

=== TEST 7: merged even with the suffix: the memory stays marked not mirrored, not queued, and says so
--- init
ElaaomsTest::fake_control($main::OM, { merge_all => JSON::PP::true });
my $before = @{ main::dump_all() };
my $q = main::rcmd('ZCARD', 'elaaoms:acme:openmemory:retry');
Test::More::ok(main::post('conv_dd_3', '+1 (617) 555-0103', 'My cat is named Pixel.'), 'extracted');
my $n = @{ main::memories('+16175550103') };
Test::More::ok(ElaaomsTest::wait_until(sub {
    main::rcmd('SCARD', 'elaaoms:acme:{acme:+16175550103}:openmemory:pending') == $n }, 5),
    'marked not mirrored');
sleep 1;
Test::More::is(main::rcmd('HLEN', 'elaaoms:acme:{acme:+16175550103}:openmemory'), 0,
    'no id adopted');
Test::More::is(main::rcmd('ZCARD', 'elaaoms:acme:openmemory:retry'), $q, 'not queued');
Test::More::is(scalar @{ main::dump_all() }, $before, 'nothing stored');
my $log = do { local $/; open my $fh, '<', $main::LOG or die; <$fh> };
Test::More::like($log, qr/not mirrored: the server merged it into its memory \S+ even with the suffix/,
    'the log says why');
ElaaomsTest::fake_control($main::OM, { merge_all => JSON::PP::false });
ElaaomsTest::worker_stop();

=== TEST 8: import skips an item whose copy waits to be deleted (erasure during an outage), and takes it once that is no longer so
--- init
my $it = main::om_add({ content => 'Drives a red tractor', metadata => { caller => '+16175550104' } });
main::rcmd('ZADD', 'elaaoms:acme:openmemory:retry', time() + 3600, "delete\t$it->{id}");
my ($st, $out, $err) = main::tool('openmemory', 'import');
Test::More::is($st, 0, 'import exits 0') or Test::More::diag($err);
Test::More::is($out->[-1]{skipped_erased}, 2, 'skipped (and the erased caller\'s, still)') or Test::More::diag(JSON::PP::encode_json($out->[-1]));
Test::More::is(scalar @{ main::memories('+16175550104') }, 0, 'no memory');
main::rcmd('ZREM', 'elaaoms:acme:openmemory:retry', "delete\t$it->{id}");
($st, $out, $err) = main::tool('openmemory', 'import');
Test::More::is($out->[-1]{imported}, 1, 'then imported');
Test::More::is(scalar @{ main::memories('+16175550104') }, 1, 'a memory');
