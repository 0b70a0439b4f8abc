# elaaoms payload replay and elaaoms backfill, end to end: the real tool
# (build/elaaoms) against a real Redis, the worker extracting what was
# queued, and the fake ElevenLabs server (t/fakes/fake_llm.py) speaking
# the conversations API: list pages (cursor, agent_id, page_size,
# call_start_after_unix) and details, xi-api-key, 429 and 500s.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use Time::HiRes ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();
delete $ENV{ELEVENLABS_API_KEY};

our $FAKE = fake_start();
%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          ElaaomsTest::_acl_worker_conf());

our $AGENT = 'agent_01support7x';
our $T0 = 1763000000;
# fast retries: a run that meets 500s gives up within a second
our %API = (elevenlabs_api_key => 'xi-test-key', elevenlabs_base_url => $FAKE,
            llm_max_retries => 2, llm_retry_base_ms => 20);

sub tool { ElaaomsTest::tool_cli(@_) }
sub api { tool({ %main::API }, @_) }

sub fixture_file { ElaaomsTest::repo_root() . "/t/fixtures/elevenlabs/$_[0]" }

sub write_file {
    my ($name, $text) = @_;
    my $path = ElaaomsTest::payload_dir() . "/../$name";
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh;
    return $path;
}

sub raw { ElaaomsTest::redis_raw(@_) }

# the conversation ids of an org's ready jobs, sorted
sub ready_convs {
    my ($org) = @_;
    my @jobs = split /\n/, raw('LRANGE', "elaaoms:{$org}:jobs:ready", 0, -1);
    return join ',', sort map { JSON::PP::decode_json($_)->{conversation_id} } @jobs;
}

sub status_of { (worker_cli('status', @_))[0] || {} }

# the agent's past calls: the twilio fixture's details, 7 of them an hour
# apart (conv_bf_00 the oldest), each its own caller; the sixth still
# "processing"; two of another agent
sub conversations {
    my $base = JSON::PP::decode_json(do {
        local $/;
        open my $fh, '<', main::fixture_file('post_call_transcription_twilio.json') or die $!;
        <$fh>;
    })->{data};
    my @c;
    for my $i (0 .. 6) {
        my $c = JSON::PP::decode_json(JSON::PP::encode_json($base));
        $c->{conversation_id} = sprintf 'conv_bf_%02d', $i;
        $c->{metadata}{start_time_unix_secs} = $main::T0 + $i * 3600;
        $c->{metadata}{phone_call}{external_number} = sprintf '+1 415 555 %04d', 100 + $i;
        $c->{status} = 'processing' if $i == 5;
        push @c, $c;
    }
    for my $i (0 .. 1) {
        my $c = JSON::PP::decode_json(JSON::PP::encode_json($base));
        $c->{conversation_id} = "conv_other_$i";
        $c->{agent_id} = 'agent_01billing3q';
        $c->{metadata}{start_time_unix_secs} = $main::T0 + $i * 3600;
        push @c, $c;
    }
    return \@c;
}

sub all_done { join ',', map { sprintf 'conv_bf_%02d', $_ } 0 .. 4, 6 }

sub summary { $_[0]->[-1] }

sub api_requests {
    my ($prefix) = @_;
    return grep { $_->{path} =~ m{^/v1/convai/conversations} }
           ElaaomsTest::fake_requests($main::FAKE, $prefix || '/v1/convai/conversations');
}

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END

our $CONFIG = <<'END';
    location = /health { elaaoms_health; }
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $main::HTTP_CONFIG)
        unless defined $block->http_config;
    $block->set_value('config', $main::CONFIG) unless defined $block->config;
    $block->set_value('request', "GET /health") unless defined $block->request;
    $block->set_value('error_code', 200) unless defined $block->error_code;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: --help of both commands; bad arguments exit 2 and do nothing
--- init
my ($st, $out) = main::tool({}, 'payload', 'replay', '--help');
Test::More::is($st, 0, 'payload replay --help exits 0');
my $text = join '', @$out;
Test::More::like($text, qr/usage: .*payload replay FILE/, 'its usage line');
Test::More::like($text, qr/Exit status: 2 when FILE is not valid JSON/, 'its help text');
($st, $out) = main::tool({}, 'backfill', '--help');
Test::More::is($st, 0, 'backfill --help exits 0');
$text = join '', @$out;
Test::More::like($text, qr/backfill --agent AGENT_ID \[--since DATE\]/, 'its synopsis');
Test::More::like($text, qr/--rate N\/s/, 'its options');
($st, $out) = main::tool({}, '--help');
Test::More::like(join('', @$out), qr/payload replay .*\n.*backfill /s, 'both in the tool\'s --help');
my $err;
($st, $out, $err) = main::tool({}, 'payload', 'replay');
Test::More::is($st, 2, 'replay without FILE: 2');
($st, $out, $err) = main::tool({}, 'payload', 'replay', 'a', 'b');
Test::More::is($st, 2, 'replay with two files: 2');
($st, $out, $err) = main::api('backfill');
Test::More::is($st, 2, 'backfill without --agent: 2');
Test::More::like($err, qr/--agent is required/, 'says so');
($st, $out, $err) = main::api('backfill', '--agent', 'agent/../x');
Test::More::is($st, 2, 'not an agent id: 2');
($st, $out, $err) = main::api('backfill', '--agent', $main::AGENT, '--page-size', '101');
Test::More::is($st, 2, '--page-size 101: 2');
($st, $out, $err) = main::api('backfill', '--agent', $main::AGENT, '--rate', 'fast');
Test::More::is($st, 2, '--rate fast: 2');
($st, $out, $err) = main::api('backfill', '--agent', $main::AGENT, '--since', 'yesterday');
Test::More::is($st, 2, '--since yesterday: 2');
($st, $out, $err) = main::api('backfill', '--agent', $main::AGENT, '--bogus');
Test::More::is($st, 2, 'an unknown option: 2');
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/convai')), 0, 'no API request made');
Test::More::is(main::raw('KEYS', 'elaaoms:*backfill*'), '', 'no position kept');



=== TEST 2: payload replay queues a saved webhook body; the worker extracts it; memories appear
--- init
my $file = main::fixture_file('post_call_transcription_twilio.json');
my ($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay', $file);
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
my $r = $out->[0];
Test::More::is($r->{conversation_id}, 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2', 'the conversation');
Test::More::is($r->{agent_id}, 'agent_01support7x', 'the agent');
Test::More::is($r->{caller}, '+...23', 'the caller, masked as in the logs');
Test::More::ok($r->{queued}, 'queued: true');
Test::More::is($r->{result}, 'queued', 'result');
Test::More::unlike($err, qr/4155550123/, 'no phone number on stderr');
my $dir = ElaaomsTest::payload_dir() . '/acme/conv_01kbq4r7v2e9m3x5t8w6y0z1a2';
Test::More::ok(-s "$dir/conv_01kbq4r7v2e9m3x5t8w6y0z1a2_transcription.json", 'the payload on disk');
Test::More::ok(! -e "$dir/conv_01kbq4r7v2e9m3x5t8w6y0z1a2_transcription.pending", 'its pending marker done with');
Test::More::is(main::ready_convs('acme'), 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2', 'one job in the ready list');
ElaaomsTest::worker_start(llm_provider => 'offline');
Test::More::ok(ElaaomsTest::wait_until(sub {
    (main::status_of('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2')->{status} || '') eq 'extraction_completed' }, 20),
    'the worker extracted it');
ElaaomsTest::worker_stop();
my @mem = ElaaomsTest::worker_cli('memories', 'acme', '+14155550123');
Test::More::ok(scalar @mem >= 1, 'the caller has memories: ' . scalar @mem);
Test::More::ok((grep { $_->{conversation_id} eq 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2' } @mem) == @mem,
    'from that conversation');



=== TEST 3: a replay twice is queued once
--- init
my $file = main::fixture_file('post_call_transcription_sip_followup.json');
my ($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay', $file);
Test::More::is($st, 0, 'first: exit 0') or Test::More::diag($err);
Test::More::ok($out->[0]{queued}, 'first: queued');
($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay', $file);
Test::More::is($st, 0, 'second: exit 0');
Test::More::ok(!$out->[0]{queued}, 'second: queued false');
Test::More::is($out->[0]{result}, 'already_queued', 'already queued');
Test::More::is(main::ready_convs('acme'), 'conv_01kc0d2w8n4p6r8t0v2x4z6b8d', 'one job');
# and the extracted conversation of TEST 2 is not queued again either
($st, $out) = main::tool({}, '--org', 'acme', 'payload', 'replay',
                         main::fixture_file('post_call_transcription_twilio.json'));
Test::More::ok(!$out->[0]{queued}, 'an extracted conversation: not queued again');
Test::More::is(main::ready_convs('acme'), 'conv_01kc0d2w8n4p6r8t0v2x4z6b8d', 'still one job');



=== TEST 4: replay: bad JSON or not a post-call transcription exits 2, a missing file 3; nothing queued
--- init
my $before = main::raw('LLEN', 'elaaoms:{acme}:jobs:ready');
my ($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay',
                                  main::write_file('cut.json', '{"type":"post_call_transcription","data":{'));
Test::More::is($st, 2, 'cut JSON: 2');
Test::More::like($err, qr/not a post-call transcription payload/, 'says why');
($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay',
    main::write_file('other.json', '{"type":"conversation_started","event_timestamp":1,"data":{"conversation_id":"conv_x","agent_id":"agent_x"}}'));
Test::More::is($st, 2, 'an unknown type: 2');
($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay',
    main::write_file('noagent.json', '{"type":"post_call_transcription","event_timestamp":1,"data":{"conversation_id":"conv_noagent"}}'));
Test::More::is($st, 2, 'no agent_id: 2');
($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay',
                               main::fixture_file('post_call_audio.json'));
Test::More::is($st, 2, 'an audio payload: 2 (only transcriptions are queued)');
($st, $out, $err) = main::tool({}, '--org', 'acme', 'payload', 'replay', '/nonexistent/conv.json');
Test::More::is($st, 3, 'a missing file: 3');
Test::More::like($err, qr/No such file/, 'says so');
Test::More::is(main::raw('LLEN', 'elaaoms:{acme}:jobs:ready'), $before, 'nothing queued');
Test::More::ok(! -e ElaaomsTest::payload_dir() . '/acme/conv_noagent', 'nothing written');



=== TEST 5: backfill without an API key exits 1 with a clear message; a refused key exits 1
--- init
my ($st, $out, $err) = main::tool({ elevenlabs_base_url => $main::FAKE }, 'backfill', '--agent', $main::AGENT);
Test::More::is($st, 1, 'no key: 1');
Test::More::like($err, qr/no ElevenLabs API key/, 'says so');
($st, $out, $err) = main::tool({ %main::API, elevenlabs_api_key => 'bad-key' }, '--org', 'refused',
                               'backfill', '--agent', $main::AGENT);
Test::More::is($st, 1, 'a refused key: 1');
Test::More::like($err, qr/Invalid API key/, 'ElevenLabs\' message');
Test::More::is(main::raw('LLEN', 'elaaoms:{refused}:jobs:ready'), 0, 'nothing queued');



=== TEST 6: backfill pages through the agent's conversations and queues each done one once
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), conversations => main::conversations() });
my ($st, $out, $err) = main::api('--org', 'bf', 'backfill', '--agent', $main::AGENT,
                                 '--page-size', '3', '--rate', '50/s');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(scalar @$out, 4, 'three pages and the summary');
Test::More::is_deeply([ map { $_->{page} } @$out[0 .. 2] ], [1, 2, 3], 'progress per page');
Test::More::is_deeply([ map { $_->{listed} } @$out[0 .. 2] ], [3, 3, 1], 'listed per page');
my $s = main::summary($out);
Test::More::is($s->{pages}, 3, 'pages: 3');
Test::More::is($s->{listed}, 7, 'listed: 7 (not the other agent\'s)');
Test::More::is($s->{queued}, 6, 'queued: 6');
Test::More::is($s->{skipped_not_done}, 1, 'the one still processing skipped');
Test::More::is($s->{already_seen}, 0, 'none seen before');
Test::More::is($s->{failed}, 0, 'none failed');
Test::More::ok($s->{complete}, 'complete');
Test::More::is($s->{next_since}, $main::T0 + 5 * 3600, 'the next run starts at the call still processing');
Test::More::is(main::ready_convs('bf'), main::all_done(), 'each done conversation queued once');
my @jobs = map { JSON::PP::decode_json($_) } split /\n/, main::raw('LRANGE', 'elaaoms:{bf}:jobs:ready', 0, -1);
Test::More::is($jobs[0]{type}, 'post_call_transcription', 'post-call jobs');
Test::More::like($jobs[-1]{caller}, qr/^\+14155550\d{3}$/, 'with their caller');
my $p = ElaaomsTest::payload_dir() . '/bf/conv_bf_00/conv_bf_00_transcription.json';
my $payload = JSON::PP::decode_json(do { local $/; open my $fh, '<', $p or die "$p: $!"; <$fh> });
Test::More::is($payload->{type}, 'post_call_transcription', 'the payload is a post-call webhook body');
Test::More::is($payload->{data}{conversation_id}, 'conv_bf_00', 'whose data are the details');
Test::More::is($payload->{event_timestamp}, $main::T0 + $payload->{data}{metadata}{call_duration_secs},
    'sent when the call ended');
my @req = main::api_requests();
my @lists = grep { $_->{path} eq '/v1/convai/conversations' } @req;
Test::More::is(scalar @lists, 3, 'three list requests');
Test::More::ok(!(grep { ($_->{headers}{'xi-api-key'} || '') ne 'xi-test-key' } @req), 'every request with xi-api-key');
Test::More::is(scalar(grep { $_->{path} =~ m{/conversations/conv_bf_05} } @req), 0, 'no details of the processing one');
Test::More::is(scalar(grep { $_->{path} =~ m{/conversations/conv_} } @req), 6, 'details of the six');



=== TEST 7: a second backfill lists only since the mark and queues nothing new; the processing call, once done, is queued
--- init
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true() });
my ($st, $out, $err) = main::api('--org', 'bf', 'backfill', '--agent', $main::AGENT, '--page-size', '3', '--rate', '50');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
my $s = main::summary($out);
Test::More::is($s->{queued}, 0, 'nothing queued');
Test::More::is($s->{listed}, 2, 'two listed: the processing one and the newer one');
Test::More::is($s->{already_seen}, 1, 'the newer one seen');
my ($list) = grep { $_->{path} eq '/v1/convai/conversations' } main::api_requests();
Test::More::like($list->{query}, qr/(^|&)call_start_after_unix=@{[ $main::T0 + 5 * 3600 - 1 ]}(&|$)/,
    'listed from the call still processing on');
Test::More::like($list->{query}, qr/(^|&)agent_id=agent_01support7x(&|$)/, 'for the agent');
my @all = ElaaomsTest::fake_requests($main::FAKE, '/v1/convai/conversations');
Test::More::is(scalar(grep { $_->{path} =~ m{/conversations/} } @all), 0, 'no details fetched');
Test::More::is(main::ready_convs('bf'), main::all_done(), 'still each once');
# the call finishes processing
my $c = main::conversations()->[5];
$c->{status} = 'done';
ElaaomsTest::fake_control($main::FAKE, { conversations => [ $c ] });
($st, $out, $err) = main::api('--org', 'bf', 'backfill', '--agent', $main::AGENT, '--rate', '50');
Test::More::is($st, 0, 'exit 0');
Test::More::is(main::summary($out)->{queued}, 1, 'now queued');
Test::More::is(main::ready_convs('bf'), join(',', map { sprintf 'conv_bf_%02d', $_ } 0 .. 6), 'all seven, each once');
Test::More::is(main::summary($out)->{next_since}, $main::T0 + 6 * 3600, 'the mark moves to the newest');



=== TEST 8: --max stops a run; the next run resumes from the saved cursor without duplicates
--- init
my ($st, $out, $err) = main::api('--org', 'bf2', 'backfill', '--agent', $main::AGENT,
                                 '--page-size', '3', '--rate', '50', '--max', '4');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
my $s = main::summary($out);
Test::More::is($s->{queued}, 4, 'four queued');
Test::More::ok($s->{stopped_at_max}, 'stopped at --max');
Test::More::ok(!$s->{complete}, 'not complete');
Test::More::is(main::raw('LLEN', 'elaaoms:{bf2}:jobs:ready'), 4, 'four jobs');
Test::More::ok(main::raw('HEXISTS', 'elaaoms:bf2:backfill:agent_01support7x', 'cursor'), 'a cursor kept in Redis');
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true() });
($st, $out, $err) = main::api('--org', 'bf2', 'backfill', '--agent', $main::AGENT, '--page-size', '3', '--rate', '50');
Test::More::is($st, 0, 'the next run: exit 0') or Test::More::diag($err);
$s = main::summary($out);
Test::More::ok($s->{resumed}, 'resumed');
Test::More::ok($s->{complete}, 'complete');
Test::More::is($s->{queued}, 3, 'the other three queued');
my ($first) = grep { $_->{path} eq '/v1/convai/conversations' } main::api_requests();
Test::More::like($first->{query}, qr/(^|&)cursor=/, 'its first list request carries the saved cursor');
Test::More::is(main::ready_convs('bf2'), join(',', map { sprintf 'conv_bf_%02d', $_ } 0 .. 6), 'all seven, each once');
Test::More::ok(!main::raw('HEXISTS', 'elaaoms:bf2:backfill:agent_01support7x', 'cursor'), 'no cursor once complete');



=== TEST 9: the API failing mid-way (500s) interrupts a run with exit 1; the next run resumes without duplicates
--- init
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true(), script => [
    { match => '/v1/convai/conversations', repeat => 4 },             # page 1 and its 3 details
    { match => '/v1/convai/conversations', status => 500, repeat => 3 } # page 2 and its 2 retries
] });
my ($st, $out, $err) = main::api('--org', 'bf3', 'backfill', '--agent', $main::AGENT, '--page-size', '3', '--rate', '50');
Test::More::is($st, 1, 'exit 1');
Test::More::like($err, qr/interrupted \(run it again to continue\)/, 'says how to go on');
my $s = main::summary($out);
Test::More::is($s->{queued}, 3, 'the first page queued');
Test::More::ok(!$s->{complete}, 'not complete');
Test::More::like($s->{last_error}, qr/Internal server error|500/, 'the last error');
my @lists = grep { $_->{path} eq '/v1/convai/conversations' } main::api_requests();
Test::More::is(join(',', map { $_->{status} } @lists), '200,500,500,500', 'page 2 tried three times');
Test::More::is(main::raw('LLEN', 'elaaoms:{bf3}:jobs:ready'), 3, 'three jobs');
($st, $out, $err) = main::api('--org', 'bf3', 'backfill', '--agent', $main::AGENT, '--page-size', '3', '--rate', '50');
Test::More::is($st, 0, 'the next run: exit 0') or Test::More::diag($err);
$s = main::summary($out);
Test::More::ok($s->{resumed} && $s->{complete}, 'resumed and complete');
Test::More::is($s->{queued}, 4, 'the rest queued');
Test::More::is(main::ready_convs('bf3'), join(',', map { sprintf 'conv_bf_%02d', $_ } 0 .. 6), 'all seven, each once');



=== TEST 10: --since lists only the calls started since; in-progress ones are skipped
--- init
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true() });
my $c = main::conversations()->[6];
$c->{conversation_id} = 'conv_bf_live';
$c->{status} = 'in-progress';
$c->{metadata}{start_time_unix_secs} = $main::T0 + 7 * 3600;
ElaaomsTest::fake_control($main::FAKE, { conversations => [ $c ] });
my $since = $main::T0 + 4 * 3600;
my ($st, $out, $err) = main::api('--org', 'bf4', 'backfill', '--agent', $main::AGENT, '--since', $since, '--rate', '50');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
my $s = main::summary($out);
Test::More::is($s->{listed}, 4, 'four listed: 04, 05, 06 and the live one');
Test::More::is($s->{skipped_not_done}, 1, 'the live one skipped');
Test::More::is($s->{queued}, 3, 'three queued');
Test::More::is(main::ready_convs('bf4'), 'conv_bf_04,conv_bf_05,conv_bf_06', 'those started since');
my ($list) = grep { $_->{path} eq '/v1/convai/conversations' } main::api_requests();
Test::More::like($list->{query}, qr/(^|&)call_start_after_unix=@{[ $since - 1 ]}(&|$)/, 'asked of the API');
Test::More::is(scalar(grep { $_->{path} =~ m{/conv_bf_live} } main::api_requests()), 0, 'no details of the live one');
($st, $out) = main::api('--org', 'bf5', 'backfill', '--agent', $main::AGENT, '--since', '2025-11-13T06:13:20Z', '--rate', '50');
Test::More::is(main::summary($out)->{queued}, 3, 'a date works the same (2025-11-13T06:13:20Z is T0 + 4 h)')
    or Test::More::diag(JSON::PP::encode_json($out));



=== TEST 11: a 429 is retried after its Retry-After
--- init
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true(), script => [
    { match => '/v1/convai/conversations', status => 429, retry_after => 1 } ] });
my $t = Time::HiRes::time();
my ($st, $out, $err) = main::api('--org', 'bf6', 'backfill', '--agent', $main::AGENT, '--rate', '50');
my $took = Time::HiRes::time() - $t;
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(main::summary($out)->{queued}, 7, 'everything queued');
my @lists = grep { $_->{path} eq '/v1/convai/conversations' } main::api_requests();
Test::More::is(join(',', map { $_->{status} } @lists[0, 1]), '429,200', 'the list asked again after the 429');
Test::More::ok($lists[1]{time} - $lists[0]{time} >= 0.95, 'a second later, as Retry-After said: '
    . sprintf('%.2f s', $lists[1]{time} - $lists[0]{time}));
