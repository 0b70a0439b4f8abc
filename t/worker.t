# The worker end to end: signed webhooks through nginx, jobs through Redis,
# extraction by the offline rules or by fake OpenAI/Anthropic servers that
# speak the real wire formats, memories in the Redis store.  Each block's
# init drives a scenario and checks what the worker left in Redis (through
# elaaoms-worker's own "memories" and "status" commands); the block's
# request then checks nginx is still healthy.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use File::Basename ();
use File::Path ();
use File::Temp ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $FAKE = fake_start();
# the port the runner chose (TEST_NGINX_RANDOMIZE=1 picks a random one)
our $PORT = server_port_for_client();

# a post_call_transcription for $conv from $caller with the caller's lines
sub transcript { ElaaomsTest::transcript_body(@_) }

sub post {
    my ($org, $body) = @_;
    my $res = post_webhook($main::PORT, "/$org/post-call", 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub status_of { (worker_cli('status', @_))[0] || {} }

sub wait_status {
    my ($org, $conv, $want, $secs) = @_;
    return wait_until(sub { (status_of($org, $conv)->{status} || '') eq $want },
                      $secs || 15);
}

sub memories { [ worker_cli('memories', @_) ] }

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END

our $CONFIG = <<'END';
    location = /acme/post-call {
        elaaoms_org acme;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /globex/post-call {
        elaaoms_org globex;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
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

# the jobs of acme's processing lists, "(integer) N": the script names a
# key of the {acme} slot, so on a cluster it runs on the node holding them
sub in_flight {
    return ElaaomsTest::redis_cmd('EVAL', "local n = 0 for _, k in ipairs(redis.call('KEYS', 'elaaoms:{acme}:jobs:processing:*')) do n = n + redis.call('LLEN', k) end return n",
                                  1, 'elaaoms:{acme}:jobs:ready');
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: offline extraction: the Twilio call becomes validated memories of the right types
--- init
ElaaomsTest::worker_start(llm_provider => 'offline');
main::post('acme', ElaaomsTest::fixture('elevenlabs/post_call_transcription_twilio.json'));
Test::More::ok(main::wait_status('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2', 'extraction_completed'),
    'conversation extraction_completed');
my $st = main::status_of('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2');
Test::More::is($st->{provider}, 'offline', 'offline extractor used');
my $m = main::memories('acme', '+14155550123');
Test::More::ok(scalar @$m >= 3, 'several memories: ' . scalar @$m);
my %types = map { $_->{type} => 1 } @$m;
Test::More::ok($types{factual}, 'a factual memory');
Test::More::ok($types{issue}, 'an issue memory');
Test::More::ok((grep { $_->{content} =~ /Maria Lopez/ } @$m), 'the caller\'s name');
Test::More::ok((grep { $_->{content} =~ /XYZ-789/ } @$m), 'the order number');
Test::More::ok(!(grep { $_->{importance} < 1 || $_->{importance} > 10 } @$m), 'importance 1..10');
Test::More::ok(!(grep { $_->{confidence} < 0 || $_->{confidence} > 1 } @$m), 'confidence 0..1');
Test::More::ok(!(grep { $_->{shareable} != ($_->{importance} >= 8 ? 1 : 0) } @$m), 'shareable iff importance >= 8');
Test::More::ok(!(grep { $_->{conversation_id} ne 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2' } @$m), 'linked to the conversation');
ElaaomsTest::worker_stop();



=== TEST 2: OpenAI (fake, real wire format): memories, usage and cost kept with the conversation
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true() });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', openai_price_in => 0.15, openai_price_out => 0.6,
    llm_fallback => 0);
main::post('acme', main::transcript('conv_openai_1', '+1 (202) 555-0101',
    'I prefer email over phone calls.', 'My order A1234 was delayed again.', 'I am frustrated.'));
Test::More::ok(main::wait_status('acme', 'conv_openai_1', 'extraction_completed'), 'completed');
my $st = main::status_of('acme', 'conv_openai_1');
Test::More::is($st->{provider}, 'openai', 'answered by OpenAI');
Test::More::ok($st->{input_tokens} > 0 && $st->{output_tokens} > 0, 'tokens counted');
Test::More::ok($st->{cost} > 0, 'cost computed from configured prices');
my @req = ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions');
Test::More::is(scalar @req, 1, 'one chat completion');
Test::More::is($req[0]{headers}{authorization}, 'Bearer sk-test', 'bearer key sent');
Test::More::is($req[0]{json}{response_format}{json_schema}{strict}, JSON::PP::true(), 'strict json_schema');
my $m = main::memories('acme', '+12025550101');
my %types = map { $_->{type} => $_->{importance} } @$m;
Test::More::is($types{preference}, 6, 'preference stored');
Test::More::is($types{issue}, 8, 'issue stored with its importance');
Test::More::is($types{emotion}, 4, 'emotion stored');
Test::More::like(ElaaomsTest::redis_cmd('HGET', 'elaaoms:{acme}:usage', 'extractions'), qr/\d/, 'org usage totals');
ElaaomsTest::worker_stop();



=== TEST 3: invalid items from the LLM are dropped and counted, never stored
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [ { memories => [
    { type => 'preference', content => 'Likes jazz on hold.', importance => 5, confidence => 0.8, source_quote => 'jazz' },
    { type => 'gossip', content => 'Bad type.', importance => 5, confidence => 0.8, source_quote => '' },
    { type => 'factual', content => 'Importance too high.', importance => 11, confidence => 0.8, source_quote => '' },
    { type => 'factual', content => 'Confidence too high.', importance => 5, confidence => 1.5, source_quote => '' },
    { type => 'issue', content => '', importance => 5, confidence => 0.5, source_quote => '' } ] } ] });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0);
main::post('acme', main::transcript('conv_invalid_1', '+12025550102', 'Hold music is nice.'));
Test::More::ok(main::wait_status('acme', 'conv_invalid_1', 'extraction_completed'), 'completed');
my $st = main::status_of('acme', 'conv_invalid_1');
Test::More::is($st->{memories_stored}, 1, 'only the valid memory stored');
Test::More::is($st->{memories_invalid}, 4, 'four invalid items counted');
my $m = main::memories('acme', '+12025550102');
Test::More::is(scalar @$m, 1, 'one memory in the store');
ElaaomsTest::worker_stop();



=== TEST 4: fallback: OpenAI keeps failing, Anthropic answers
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(),
    script => [ { match => '/v1/chat/completions', status => 500, repeat => 10 } ] });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', anthropic_base_url => $main::FAKE,
    anthropic_api_key => 'sk-ant-test', llm_max_retries => 1, llm_retry_base_ms => 10);
main::post('acme', main::transcript('conv_fallback_1', '+12025550103', 'I prefer texts over calls.'));
Test::More::ok(main::wait_status('acme', 'conv_fallback_1', 'extraction_completed'), 'completed');
my $st = main::status_of('acme', 'conv_fallback_1');
Test::More::is($st->{provider}, 'anthropic', 'the secondary answered');
Test::More::is($st->{fell_back}, 1, 'fallback recorded');
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions')), 2, 'OpenAI tried twice (1 retry)');
my @a = ElaaomsTest::fake_requests($main::FAKE, '/v1/messages');
Test::More::is(scalar @a, 1, 'one Anthropic call');
Test::More::is($a[0]{headers}{'x-api-key'}, 'sk-ant-test', 'x-api-key sent');
Test::More::is($a[0]{headers}{'anthropic-version'}, '2023-06-01', 'anthropic-version sent');
Test::More::is($a[0]{json}{tool_choice}{name}, 'record_memories', 'forced tool');
ElaaomsTest::worker_stop();



=== TEST 5: retry schedule 1, 5, 30 minutes (time-scaled), then extraction_failed with the transcript kept
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(),
    script => [ { status => 500, repeat => 100 } ] });
# time_scale 0.002: 0.12 s, 0.6 s, 3.6 s
my $log = ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, llm_max_retries => 0, time_scale => 0.002);
my $t0 = Time::HiRes::time();
main::post('acme', main::transcript('conv_retry_1', '+12025550104', 'I prefer email.'));
Test::More::ok(main::wait_status('acme', 'conv_retry_1', 'extraction_failed', 20), 'extraction_failed after the retries');
my $elapsed = Time::HiRes::time() - $t0;
Test::More::ok($elapsed >= 4.3, "the three delays were waited (${elapsed}s >= 4.32s)");
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions')), 4, 'first try + 3 retries');
Test::More::like(main::status_of('acme', 'conv_retry_1')->{error}, qr/500|server/i, 'the reason is kept');
Test::More::ok(-s "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/conv_retry_1/conv_retry_1_transcription.json", 'transcript kept');
Test::More::like(ElaaomsTest::redis_cmd('LRANGE', 'elaaoms:{acme}:jobs:failed', 0, -1), qr/conv_retry_1/, 'job in the failed list');
open my $fh, '<', $log; my @lines = grep { /retry in/ } <$fh>; close $fh;
Test::More::is(scalar @lines, 3, 'three retries logged');
Test::More::like(join('', @lines), qr/retry in 0\.1.*retry in 0\.6.*retry in 3\.6/s, '1, 5, 30 minutes, scaled');
ElaaomsTest::worker_stop();



=== TEST 6: long transcripts are chunked with overlap and merged
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true() });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, chunk_tokens => 400, chunk_overlap => 40);
my @lines = map { "Line $_ of a long call about nothing in particular, just chatting along." } 1 .. 150;
$lines[10] = 'I prefer email over phone calls.';
$lines[140] = 'My order B7788 was delayed.';
main::post('acme', main::transcript('conv_long_1', '+12025550105', @lines));
Test::More::ok(main::wait_status('acme', 'conv_long_1', 'extraction_completed'), 'completed');
my @req = ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions');
Test::More::ok(@req >= 5, 'several chunks sent: ' . scalar @req);
my $m = main::memories('acme', '+12025550105');
Test::More::ok((grep { $_->{content} =~ /email/ } @$m), 'a memory from the first chunk');
Test::More::ok((grep { $_->{content} =~ /B7788/ } @$m), 'a memory from the last chunk');
ElaaomsTest::worker_stop();



=== TEST 7: privacy: card numbers, e-mails and other phone numbers never reach the LLM or the store
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true() });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0);
main::post('acme', main::transcript('conv_private_1', '+12025550106',
    'My card is 4111 1111 1111 1111 and I prefer email at maria@example.com.',
    'My order C5566 was delayed, call my husband at 415-555-0199.'));
Test::More::ok(main::wait_status('acme', 'conv_private_1', 'extraction_completed'), 'completed');
my @req = ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions');
my $sent = $req[0]{body};
Test::More::unlike($sent, qr/4111/, 'no card number sent');
Test::More::unlike($sent, qr/maria\@example/, 'no e-mail address sent');
Test::More::unlike($sent, qr/555-0199/, 'no third-party phone number sent');
Test::More::like($sent, qr/C5566/, 'order numbers survive');
my $m = main::memories('acme', '+12025550106');
Test::More::ok(@$m > 0, 'memories stored');
Test::More::ok(!(grep { ($_->{content} . $_->{source_quote}) =~ /4111|maria\@|555-0199/ } @$m), 'nothing sensitive stored');
ElaaomsTest::worker_stop();



=== TEST 8: reinforce, exact duplicate and conflict across two calls of one caller
--- init
my $mem = sub { { type => $_[0], content => $_[1], importance => $_[2], confidence => 0.8, source_quote => '' } };
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [
    { memories => [ $mem->('preference', 'Prefers email over phone calls.', 6),
                    $mem->('factual', 'Lives at 5 Oak Street, Springfield.', 6) ] },
    { memories => [ $mem->('preference', 'Prefers email over phone calls.', 6),
                    $mem->('preference', 'Prefers text messages instead of email.', 6),
                    $mem->('factual', 'Lives at 5 Oak Street in Springfield.', 6) ] } ] });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, concurrency => 1);
main::post('acme', main::transcript('conv_dedup_1', '+12025550107', 'First call.'));
Test::More::ok(main::wait_status('acme', 'conv_dedup_1', 'extraction_completed'), 'first call done');
main::post('acme', main::transcript('conv_dedup_2', '+12025550107', 'Second call.'));
Test::More::ok(main::wait_status('acme', 'conv_dedup_2', 'extraction_completed'), 'second call done');
my $st = main::status_of('acme', 'conv_dedup_2');
Test::More::is($st->{memories_conflicting}, 1, 'one conflict');
Test::More::ok($st->{memories_duplicate} + $st->{memories_reinforced} == 2, 'the repeats reinforced, not stored');
my $m = main::memories('acme', '+12025550107');
Test::More::is(scalar @$m, 3, 'three memories: email, texts, address');
my ($email) = grep { $_->{content} =~ /^Prefers email/ } @$m;
my ($text) = grep { $_->{content} =~ /text messages/ } @$m;
my ($addr) = grep { $_->{content} =~ /Oak Street/ } @$m;
Test::More::is(scalar(grep { $_->{content} eq 'Prefers email over phone calls.' } @$m), 1, 'exact duplicate never stored twice');
Test::More::is($addr->{reinforcement_count}, 1, 'the similar address reinforced the first');
Test::More::is($addr->{conversation_id}, 'conv_dedup_2', 'reinforcement records the conversation');
Test::More::ok((grep { $_ eq $email->{id} } @{ $text->{conflicts} }), 'new preference links to the old');
Test::More::ok((grep { $_ eq $text->{id} } @{ $email->{conflicts} }), 'old preference links to the new');
Test::More::ok($email->{superseded} && !$text->{superseded}, 'the older one is kept as history');
my @order = map { $_->{id} } grep { $_->{type} eq 'preference' } @$m;
Test::More::is($order[0], $text->{id}, 'newest ranked first');
ElaaomsTest::worker_stop();



=== TEST 9: two organizations and two callers stay apart
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true() });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0);
main::post('acme', main::transcript('conv_iso_1', '+12025550108', 'I prefer the blue model.'));
main::post('globex', main::transcript('conv_iso_1', '+12025550108', 'I prefer the red model.'));
main::post('acme', main::transcript('conv_iso_2', '+12025550109', 'I prefer the green model.'));
Test::More::ok(main::wait_status('acme', 'conv_iso_1', 'extraction_completed'), 'acme done');
Test::More::ok(main::wait_status('globex', 'conv_iso_1', 'extraction_completed'), 'globex done');
Test::More::ok(main::wait_status('acme', 'conv_iso_2', 'extraction_completed'), 'second caller done');
my $a = join ' ', map { $_->{content} } @{ main::memories('acme', '+12025550108') };
my $g = join ' ', map { $_->{content} } @{ main::memories('globex', '+12025550108') };
my $o = join ' ', map { $_->{content} } @{ main::memories('acme', '+12025550109') };
Test::More::ok($a =~ /blue/ && $a !~ /red|green/, 'acme caller sees only acme memories');
Test::More::ok($g =~ /red/ && $g !~ /blue|green/, 'globex caller sees only globex memories');
Test::More::ok($o =~ /green/ && $o !~ /blue|red/, 'the other caller sees only theirs');
ElaaomsTest::worker_stop();



=== TEST 10: kill -9 mid-job: after a restart every job completes exactly once
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), latency_ms => 700 });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, concurrency => 2);
my @convs = map { "conv_kill_$_" } 1 .. 8;
main::post('acme', main::transcript($_, '+1202555' . (1000 + substr($_, 10)), 'I prefer email.')) for @convs;
Time::HiRes::sleep(1.0);
ElaaomsTest::worker_stop('KILL');
my $inflight = main::in_flight();
Test::More::like($inflight, qr/\(integer\) [1-9]/, "jobs were in flight when killed: $inflight");
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, concurrency => 2);
for my $c (@convs) {
    Test::More::ok(main::wait_status('acme', $c, 'extraction_completed', 30), "$c completed");
}
for my $c (@convs) {
    my $caller = '+1202555' . (1000 + substr($c, 10));
    my $m = main::memories('acme', $caller);
    Test::More::is(scalar @$m, 1, "$c: one memory, stored once");
    Test::More::is($m->[0]{reinforcement_count}, 0, "$c: never reinforced by a replay");
}
Test::More::is(ElaaomsTest::redis_cmd('LLEN', 'elaaoms:{acme}:jobs:ready'), '(integer) 0', 'ready queue empty');
Test::More::is(main::in_flight(),
    '(integer) 0', 'no job left in any processing list');
ElaaomsTest::fake_control($main::FAKE, { latency_ms => 0 });
ElaaomsTest::worker_stop();



=== TEST 11: SIGTERM: a running job that cannot finish within drain_secs goes back to the queue, then completes once
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), latency_ms => 3000 });
my $log = ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai',
    openai_base_url => $main::FAKE, openai_api_key => 'sk-test', llm_fallback => 0,
    llm_max_retries => 0, concurrency => 1, drain_secs => 1);
main::post('acme', main::transcript('conv_term_1', '+12025550150', 'I prefer email.'));
Test::More::ok(ElaaomsTest::wait_until(sub {
        main::in_flight() =~ /\(integer\) 1/ }, 5),
    'the job is running');
my $t0 = Time::HiRes::time();
ElaaomsTest::worker_stop('TERM');
my $took = Time::HiRes::time() - $t0;
Test::More::ok($took < 2.5, "the worker stopped after the drain time ($took s)");
Test::More::like(ElaaomsTest::redis_cmd('LRANGE', 'elaaoms:{acme}:jobs:ready', 0, -1), qr/conv_term_1/, 'the job is back on the ready queue');
Test::More::isnt(main::status_of('acme', 'conv_term_1')->{status}, 'extraction_completed', 'not completed by the stopped worker');
open my $fh, '<', $log or die $!; my $l = join '', <$fh>; close $fh;
Test::More::like($l, qr/put back on their queues/, 'the requeue is logged');
ElaaomsTest::fake_control($main::FAKE, { latency_ms => 0 });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai',
    openai_base_url => $main::FAKE, openai_api_key => 'sk-test', llm_fallback => 0);
Test::More::ok(main::wait_status('acme', 'conv_term_1', 'extraction_completed'), 'completed by the next worker');
Test::More::is(scalar @{ main::memories('acme', '+12025550150') }, 1, 'one memory');
ElaaomsTest::worker_stop();



=== TEST 12: SIGTERM with time to spare: the running job finishes before the worker exits
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), latency_ms => 800 });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai',
    openai_base_url => $main::FAKE, openai_api_key => 'sk-test', llm_fallback => 0,
    concurrency => 1, drain_secs => 10);
main::post('acme', main::transcript('conv_term_2', '+12025550151', 'I prefer texts.'));
Test::More::ok(ElaaomsTest::wait_until(sub {
        main::in_flight() =~ /\(integer\) 1/ }, 5),
    'the job is running');
ElaaomsTest::worker_stop('TERM');
Test::More::is(main::status_of('acme', 'conv_term_2')->{status}, 'extraction_completed', 'drained: completed before exit');
ElaaomsTest::fake_control($main::FAKE, { latency_ms => 0 });



=== TEST 13: embedder openai: one batched embeddings request per job, records carry OpenAI's vectors, a near duplicate reinforces, nginx search still answers
--- init
my $mem = sub { { type => $_[0], content => $_[1], importance => $_[2], confidence => 0.8, source_quote => '' } };
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [
    { match => '/v1/chat/completions', memories => [ $mem->('preference', 'Prefers email over phone calls.', 6),
                                                     $mem->('issue', 'Order A1234 was delayed again.', 8) ] },
    { match => '/v1/chat/completions', memories => [ $mem->('issue', 'The order A1234 was delayed again.', 8),
                                                     $mem->('factual', 'Has a dog named Rex.', 5) ] } ] });
my $log = ElaaomsTest::worker_start(embedder => 'openai', openai_embed_model => 'text-embedding-3-small',
    openai_embed_dimensions => 256, openai_base_url => $main::FAKE, openai_api_key => 'sk-test',
    llm_first_message => 0, llm_provider => 'openai', llm_fallback => 0, concurrency => 1);
main::post('acme', main::transcript('conv_emb_1', '+12025550110', 'First call.'));
Test::More::ok(main::wait_status('acme', 'conv_emb_1', 'extraction_completed'), 'first call done');
main::post('acme', main::transcript('conv_emb_2', '+12025550110', 'Second call.'));
Test::More::ok(main::wait_status('acme', 'conv_emb_2', 'extraction_completed'), 'second call done');
my @e = ElaaomsTest::fake_requests($main::FAKE, '/v1/embeddings');
Test::More::is(scalar @e, 2, 'one embeddings request per job');
Test::More::is($e[0]{json}{model}, 'text-embedding-3-small', 'the configured model');
Test::More::is($e[0]{json}{dimensions}, 256, 'the configured dimensions');
Test::More::is($e[0]{headers}{authorization}, 'Bearer sk-test', 'the OpenAI key');
Test::More::is(join('|', sort @{ $e[0]{json}{input} }), 'Order A1234 was delayed again.|Prefers email over phone calls.',
    'every memory of the job in one batch');
my $st = main::status_of('acme', 'conv_emb_2');
Test::More::is($st->{embed_model}, 'text-embedding-3-small', 'the job records its embedder');
Test::More::ok($st->{embed_tokens} > 0, "embedding tokens counted: $st->{embed_tokens}");
Test::More::is($st->{memories_reinforced}, 1, 'the near duplicate reinforced');
Test::More::is($st->{memories_stored}, 1, 'the new fact stored');
my $m = main::memories('acme', '+12025550110');
Test::More::is(scalar @$m, 3, 'three memories');
Test::More::is(scalar(grep { $_->{embed_model} eq 'text-embedding-3-small' && $_->{dim} == 256 } @$m), 3,
    'every record carries the OpenAI model and its 256 dimensions');
Test::More::is(scalar(grep { $_->{offline_dim} == 384 } @$m), 3,
    'and the offline vector beside it (nginx never re-embeds)');
my ($order) = grep { $_->{content} =~ /A1234/ } @$m;
Test::More::is($order->{content}, 'Order A1234 was delayed again.', 'the first wording kept');
Test::More::is($order->{reinforcement_count}, 1, 'reinforced once');
Test::More::is($order->{conversation_id}, 'conv_emb_2', 'by the second call');
open my $fh, '<', $log or die $!; my $l = join '', <$fh>; close $fh;
Test::More::unlike($l, qr/embeddings failed/, 'no fallback');
ElaaomsTest::worker_stop();
--- config eval
$main::CONFIG . "    location = /search-memory { elaaoms_org acme; elaaoms_auth off; elaaoms_search_binding off; elaaoms_webhook search_memory; }\n"
--- request eval
"POST /search-memory\n" . JSON::PP->new->canonical->encode({ caller_id => '+12025550110',
    agent_id => 'agent_01support7x', query => 'what was my order number?' })
--- response_body_like chomp
"content":"Order A1234 was delayed again\."
--- no_error_log
[error]



=== TEST 14: the embeddings call fails: the job completes with offline vectors; once it works again, the offline record is still deduplicated
--- init
my $mem = sub { { type => $_[0], content => $_[1], importance => $_[2], confidence => 0.8, source_quote => '' } };
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [
    { match => '/v1/chat/completions', memories => [ $mem->('issue', 'Order B5566 was delayed again.', 8) ] },
    { match => '/v1/embeddings', status => 500, repeat => 20 } ] });
my $log = ElaaomsTest::worker_start(embedder => 'openai', openai_base_url => $main::FAKE, openai_api_key => 'sk-test',
    llm_first_message => 0, llm_provider => 'openai', llm_fallback => 0, llm_max_retries => 1,
    llm_retry_base_ms => 10, concurrency => 1);
main::post('acme', main::transcript('conv_embfail_1', '+12025550111', 'First call.'));
Test::More::ok(main::wait_status('acme', 'conv_embfail_1', 'extraction_completed'), 'completed despite the failure');
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/embeddings')), 2, 'embeddings tried twice (1 retry)');
my $st = main::status_of('acme', 'conv_embfail_1');
Test::More::is($st->{memories_stored}, 1, 'the memory stored');
Test::More::is($st->{embed_model}, 'elaaoms-hash-v10-384', 'with the offline embedder');
my $m = main::memories('acme', '+12025550111');
Test::More::is(scalar @$m, 1, 'one memory');
Test::More::is($m->[0]{embed_model}, 'elaaoms-hash-v10-384', 'offline model recorded');
Test::More::is($m->[0]{dim}, 384, 'offline dimensions');
Test::More::is($m->[0]{offline_dim}, 0, 'no second vector: it is the offline one');
open my $fh, '<', $log or die $!; my $l = join '', <$fh>; close $fh;
Test::More::like($l, qr/"level":"warn".*OpenAI embeddings failed/, 'the fallback is logged as a warning');
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [
    { match => '/v1/chat/completions', memories => [ $mem->('issue', 'The order B5566 was delayed again.', 8) ] } ] });
main::post('acme', main::transcript('conv_embfail_2', '+12025550111', 'Second call.'));
Test::More::ok(main::wait_status('acme', 'conv_embfail_2', 'extraction_completed'), 'second call done');
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/embeddings')), 1, 'embedded by OpenAI this time');
$st = main::status_of('acme', 'conv_embfail_2');
Test::More::is($st->{embed_model}, 'text-embedding-3-small', 'the default OpenAI model');
Test::More::is($st->{memories_reinforced}, 1, 'the offline record reinforced (both texts compared offline)');
$m = main::memories('acme', '+12025550111');
Test::More::is(scalar @$m, 1, 'still one memory');
Test::More::is($m->[0]{reinforcement_count}, 1, 'reinforced once');
ElaaomsTest::worker_stop();



=== TEST 15: a job naming a file outside payload_dir, /etc/passwd or ".." is invalid and nothing is read; a symlink below payload_dir is never followed
--- init
my $out = File::Temp::tempdir('elaaoms-outside-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $pay = $ENV{TEST_NGINX_PAYLOAD_DIR};
my $put = sub {
    my ($dir, $conv, $caller) = @_;
    File::Path::make_path("$dir/$conv");
    open my $fh, '>', "$dir/$conv/${conv}_transcription.json" or die $!;
    print $fh main::transcript($conv, $caller, 'My name is Eve Outside. I prefer email over calls.');
    close $fh;
    return "$dir/$conv/${conv}_transcription.json";
};
my $job = sub {
    my ($conv, $path) = @_;
    ElaaomsTest::redis_cmd('SADD', 'elaaoms:orgs', 'acme');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready', JSON::PP->new->canonical->encode({
        org => 'acme', type => 'post_call_transcription', conversation_id => $conv,
        agent_id => 'agent_01support7x', caller => '+12025550120', payload_path => $path,
        request_id => "rid-$conv", attempt => 0, enqueued_at => time() }));
};
# well-formed transcripts outside payload_dir, named by forged jobs
$job->('conv_out_1', $put->("$out/acme", 'conv_out_1', '+12025550120'));
$job->('conv_out_2', '/etc/passwd');
$job->('conv_out_3', "$pay/acme/../../" . File::Basename::basename($out) . '/acme/conv_out_3/conv_out_3_transcription.json');
$put->("$out/acme", 'conv_out_3', '+12025550120');
# the right name, but another organization's payload
$job->('conv_out_4', $put->("$pay/globex", 'conv_out_4', '+12025550120'));
my $log = ElaaomsTest::worker_start(llm_provider => 'offline', concurrency => 1);
Test::More::ok(ElaaomsTest::wait_until(sub { ElaaomsTest::redis_cmd('LLEN', 'elaaoms:{acme}:jobs:invalid') =~ /\b4$/ }, 15),
    'the four jobs are in the invalid list');
Test::More::unlike(ElaaomsTest::redis_cmd('LRANGE', 'elaaoms:{acme}:jobs:failed', 0, -1), qr/conv_out/, 'none in the failed list');
Test::More::is(scalar @{ main::memories('acme', '+12025550120') }, 0, 'nothing was read: no memories');
Test::More::is(main::status_of('acme', 'conv_out_1')->{status} // '', '', 'no status for the forged conversation');
open my $fh, '<', $log or die $!; my $l = join '', <$fh>; close $fh;
Test::More::like($l, qr/invalid job in acme: payload_path is not the job's payload/, 'refusal logged');
Test::More::unlike($l, qr/root:x:0:0/, 'no byte of /etc/passwd in the log');
# a symlinked conversation directory and a symlinked payload file under payload_dir
$put->("$out/acme", 'conv_sym_1', '+12025550121');
File::Path::make_path("$pay/acme");
symlink("$out/acme/conv_sym_1", "$pay/acme/conv_sym_1") or die "symlink: $!";
$job->('conv_sym_1', "$pay/acme/conv_sym_1/conv_sym_1_transcription.json");
my $target = $put->("$out/acme", 'conv_sym_2', '+12025550121');
File::Path::make_path("$pay/acme/conv_sym_2");
symlink($target, "$pay/acme/conv_sym_2/conv_sym_2_transcription.json") or die "symlink: $!";
$job->('conv_sym_2', "$pay/acme/conv_sym_2/conv_sym_2_transcription.json");
Test::More::ok(main::wait_status('acme', 'conv_sym_1', 'extraction_failed'), 'symlinked directory: failed');
Test::More::ok(main::wait_status('acme', 'conv_sym_2', 'extraction_failed'), 'symlinked file: failed');
Test::More::like(main::status_of('acme', 'conv_sym_1')->{error}, qr/symbolic links|Not a directory/, 'the reason is the link');
Test::More::like(main::status_of('acme', 'conv_sym_2')->{error}, qr/symbolic links/, 'the reason is the link');
Test::More::is(scalar @{ main::memories('acme', '+12025550120') }, 0, 'still no memories');
ElaaomsTest::worker_stop();



=== TEST 16: the worker's log never holds a caller's number or id whole: every line masks it to its kind and last two characters
--- init
my $key = 'elaaoms:acme:{acme:+12025550130}:calls';
# the caller's call history of the wrong type: the context refresh fails and says whose
ElaaomsTest::redis_cmd('SET', $key, 'not a hash');
my $log = ElaaomsTest::worker_start(llm_provider => 'offline', concurrency => 1);
main::post('acme', main::transcript('conv_mask_1', '+1 (202) 555-0130', 'I prefer email over phone calls.'));
my $body = JSON::PP->new->canonical->encode({
    type => 'post_call_transcription', event_timestamp => time(),
    data => { agent_id => 'agent_01support7x', conversation_id => 'conv_mask_2', status => 'done',
              user_id => 'Maria.Lopez-4711',
              transcript => [ { role => 'user', message => 'My order A1234 was delayed again.', time_in_call_secs => 1 } ],
              metadata => {} } });
main::post('acme', $body);
Test::More::ok(main::wait_status('acme', 'conv_mask_1', 'extraction_completed'), 'number: completed');
Test::More::ok(main::wait_status('acme', 'conv_mask_2', 'extraction_completed'), 'user id: completed');
ElaaomsTest::worker_stop();
ElaaomsTest::redis_cmd('DEL', $key);
open my $fh, '<', $log or die $!; my $l = join '', <$fh>; close $fh;
Test::More::like($l, qr/pre-call context of \+\.\.\.30 not refreshed/, 'the failure names the caller masked');
Test::More::like($l, qr/acme\/conv_mask_1 of caller \+\.\.\.30 extracted/, 'the summary too');
Test::More::like($l, qr/acme\/conv_mask_2 of caller id:\.\.\.11 extracted/, 'an id as well');
Test::More::unlike($l, qr/2025550130|555.?0130/, 'the number never appears');
Test::More::unlike($l, qr/Maria\.Lopez|Lopez-4711/i, 'the id never appears');



=== TEST 17: the worker's counters, served by /metrics: two extractions ok (tokens, cost, durations, memories), one failed after its retries
--- config eval
$main::CONFIG . "    location = /metrics { elaaoms_metrics; }\n"
--- init
ElaaomsTest::redis_cmd('DEL', 'elaaoms:{health}:metrics:worker', 'elaaoms:{health}:metrics:worker:meta');
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true() });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', openai_price_in => 0.15, openai_price_out => 0.6,
    llm_fallback => 0, llm_max_retries => 0, time_scale => 0.002);
main::post('acme', main::transcript('conv_met_1', '+12025550131', 'I prefer email over phone calls.'));
main::post('acme', main::transcript('conv_met_2', '+12025550132', 'My order A1234 was delayed again.'));
Test::More::ok(main::wait_status('acme', $_, 'extraction_completed'), "$_ extracted") for qw(conv_met_1 conv_met_2);
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(),
    script => [ { status => 500, repeat => 100 } ] });
main::post('acme', main::transcript('conv_met_3', '+12025550133', 'I prefer email.'));
Test::More::ok(main::wait_status('acme', 'conv_met_3', 'extraction_failed', 20), 'conv_met_3 failed for good');
ElaaomsTest::worker_stop();

--- request
GET /metrics
--- response_body_like eval
qr/^(?=.*\n\#\ TYPE\ elaaoms_extractions_total\ counter\n)
    (?=.*\nelaaoms_extractions_total\{outcome="ok",provider="openai"\}\ 2\n)
    (?=.*\nelaaoms_extractions_total\{outcome="retry",provider="openai"\}\ 3\n)
    (?=.*\nelaaoms_extractions_total\{outcome="failed",provider="openai"\}\ 1\n)
    (?=.*\n\#\ TYPE\ elaaoms_postcall_to_stored_seconds\ histogram\n)
    (?=.*\nelaaoms_postcall_to_stored_seconds_bucket\{le="\+Inf"\}\ 2\n)
    (?=.*\nelaaoms_postcall_to_stored_seconds_count\ 2\n)
    (?=.*\nelaaoms_extraction_duration_seconds_bucket\{provider="openai",le="\+Inf"\}\ 2\n)
    (?=.*\nelaaoms_extraction_duration_seconds_count\{provider="openai"\}\ 2\n)
    (?=.*\nelaaoms_llm_tokens_total\{kind="input",model="[^"]+",provider="openai"\}\ [1-9]\d*\n)
    (?=.*\nelaaoms_llm_cost_usd_total\{model="[^"]+",provider="openai"\}\ 0\.\d+\n)
    (?=.*\nelaaoms_memories_total\{event="stored"\}\ [1-9]\d*\n)/sx
