# Post-call intake: validation (400s that store nothing), durable files
# under the organization's payload directory, idempotent retries, Redis
# outages (pending on disk, queued by the worker later), storage failures
# (503, nothing queued).

use lib 't/lib';
# ELAAOMS_TEST_REDIS_CLUSTER=1 (t/lib/ElaaomsTest.pm)
BEGIN { require ElaaomsTest; ElaaomsTest::not_on_cluster(
    'its TEST 11 stops its one redis-server (a master killed under post-calls is t/cluster_worker.t\'s)') }
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $TWILIO = fixture('elevenlabs/post_call_transcription_twilio.json');
our $SIP = fixture('elevenlabs/post_call_transcription_sip_followup.json');
our $ANON = fixture('elevenlabs/post_call_transcription_anonymous.json');

sub with_conv {
    my ($conv) = @_;
    (my $body = $main::TWILIO) =~ s/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/$conv/g;
    return $body;
}
our $DOWN = with_conv('conv_while_redis_down');
our $DEEP = '{"type":"post_call_transcription","event_timestamp":1,"data":'
    . ('[' x 1000) . (']' x 1000) . '}';

sub queued {
    my ($org, $conv) = @_;
    my $list = redis_cmd('LRANGE', "elaaoms:{$org}:jobs:ready", 0, -1);
    my @n = ($list =~ /"conversation_id\\?":\\?"\Q$conv\E\\?"/g);
    return scalar @n;
}

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
HTTP
    location = /health { elaaoms_health; }
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a transcription is saved and queued; the job carries org, caller and request id
--- config
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- request eval
["POST /webhook/post-call\n" . $main::TWILIO,
 "GET /payloads/acme/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/conv_01kbq4r7v2e9m3x5t8w6y0z1a2_transcription.json",
 "GET /payloads/acme/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/conv_01kbq4r7v2e9m3x5t8w6y0z1a2_transcription.pending"]
--- error_code eval
[200, 200, 404]
--- response_body_like eval
[qr/^\{"status":"accepted","type":"post_call_transcription","conversation_id":"conv_01kbq4r7v2e9m3x5t8w6y0z1a2","duplicate":false,"queued":true,"request_id":"[0-9a-f]{32}"\}$/,
 qr/^\Q$main::TWILIO\E$/, qr/404/]



=== TEST 2: Redis holds exactly one job, with the caller normalized and the status pending
--- init
Test::More::is(main::queued('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2'), 1, 'one job queued');
my $job = ElaaomsTest::redis_cmd('LINDEX', 'elaaoms:{acme}:jobs:ready', 0);
Test::More::like($job, qr/\\"caller\\":\\"\+14155550123\\"/, 'caller key in the job');
Test::More::like($job, qr/\\"org\\":\\"acme\\"/, 'organization in the job');
Test::More::like($job, qr/\\"request_id\\":\\"[0-9a-f]{32}\\"/, 'request id in the job');
Test::More::like(ElaaomsTest::redis_cmd('HGET', 'elaaoms:{acme}:conversation:conv_01kbq4r7v2e9m3x5t8w6y0z1a2', 'status'),
    qr/extraction_pending/, 'conversation status');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- request
GET /health
--- error_code: 200



=== TEST 3: a byte-identical retry answers 200 and queues nothing new
--- request eval
["POST /webhook/post-call\n" . $main::TWILIO, "POST /webhook/post-call\n" . $main::TWILIO]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"duplicate":true,"queued":true/, qr/"duplicate":true,"queued":true/]



=== TEST 4: still exactly one job after the retries; another org is separate
--- init
Test::More::is(main::queued('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2'), 1, 'retries queued nothing');
--- config
    location = /webhook/post-call { elaaoms_org globex; elaaoms_auth off; elaaoms_webhook post_call; }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- request eval
["POST /webhook/post-call\n" . $main::TWILIO,
 "GET /payloads/globex/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/conv_01kbq4r7v2e9m3x5t8w6y0z1a2_transcription.json"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"duplicate":false,"queued":true/, qr/Maria Lopez/]



=== TEST 5: the anonymous call and the SIP follow-up are accepted; failures and audio too
--- request eval
["POST /webhook/post-call\n" . $main::ANON,
 "POST /webhook/post-call\n" . $main::SIP,
 "POST /webhook/post-call\n" . ElaaomsTest::fixture('elevenlabs/call_initiation_failure_twilio.json'),
 "POST /webhook/post-call\n" . ElaaomsTest::fixture('elevenlabs/post_call_audio.json')]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/"conversation_id":"conv_01anon0000000000000000000"/,
 qr/"conversation_id":"conv_01kc0d2w8n4p6r8t0v2x4z6b8d"/,
 qr/"type":"call_initiation_failure"/,
 qr/"type":"post_call_audio","conversation_id":"conv_01kbq4r7v2e9m3x5t8w6y0z1a2","duplicate":false,"request_id"/]



=== TEST 6: the anonymous job has a null caller, the SIP caller is normalized; audio and failures queue nothing
--- init
my $list = ElaaomsTest::redis_cmd('LRANGE', 'elaaoms:{acme}:jobs:ready', 0, -1);
Test::More::like($list, qr/conv_01anon0000000000000000000\\",\\"agent_id\\":\\"agent_01support7x\\",\\"caller\\":null/, 'anonymous caller is null');
Test::More::like($list, qr/\\"caller\\":\\"\+14155550123\\"/, 'SIP "+1 415-555-0123" normalized');
Test::More::is(main::queued('acme', 'conv_01fail0000000000000000001'), 0, 'a failure is saved, not queued');
Test::More::is(main::queued('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2'), 1, 'audio queued nothing');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- request
GET /health
--- error_code: 200



=== TEST 7: invalid payloads are 400 JSON errors and store nothing
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR/bad;
--- config
    location = /webhook/post-call { elaaoms_auth off; elaaoms_webhook post_call; }
--- request eval
["POST /webhook/post-call\n" . '{"type":"post_call_summary","event_timestamp":1,"data":{"conversation_id":"c1","agent_id":"a"}}',
 "POST /webhook/post-call\n" . '{"type":"post_call_transcription",',
 "POST /webhook/post-call\n" . $main::DEEP,
 "POST /webhook/post-call\n" . '{"type":"post_call_transcription","event_timestamp":1,"data":{"conversation_id":"../../etc/passwd","agent_id":"a"}}',
 "POST /webhook/post-call\n" . '{"type":"post_call_transcription","event_timestamp":1,"data":{"conversation_id":"conv/1","agent_id":"a"}}',
 "POST /webhook/post-call\n" . '{"type":"post_call_transcription","event_timestamp":1,"data":{"conversation_id":"conv\u00001","agent_id":"a"}}',
 "POST /webhook/post-call\n" . '{"type":"post_call_transcription","event_timestamp":1,"data":{"agent_id":"a"}}',
 "POST /webhook/post-call\n" . '{"type":"post_call_audio","event_timestamp":1,"data":{"conversation_id":"c2","full_audio":"not base64!"}}',
 "GET /webhook/post-call"]
--- error_code eval
[400, 400, 400, 400, 400, 400, 400, 400, 405]
--- response_body_like eval
[qr/^\{"error":"unknown_type","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"invalid_json"/,
 qr/^\{"error":"too_deep"/,
 qr/^\{"error":"invalid_conversation_id"/,
 qr/^\{"error":"invalid_conversation_id"/,
 qr/^\{"error":"(invalid_conversation_id|invalid_json)"/,
 qr/^\{"error":"(missing_field|invalid_conversation_id)"/,
 qr/^\{"error":"invalid_audio"/,
 qr/^\{"error":"method_not_allowed"/]



=== TEST 8: nothing of the refused payloads reached the disk or Redis
--- init
Test::More::ok(!-e "$ENV{TEST_NGINX_PAYLOAD_DIR}/bad", 'no payload directory was created');
Test::More::ok(!-e "/etc/passwd_transcription.json", 'nothing outside the payload directory');
Test::More::is(ElaaomsTest::redis_cmd('EXISTS', 'elaaoms:{default}:jobs:ready'), '(integer) 0', 'no job queued');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- request
GET /health
--- error_code: 200



=== TEST 9: an unwritable payload directory is a 503 so ElevenLabs retries
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    # a path under a regular file: no directory can be made there, even as root
    elaaoms_payload_dir /etc/hostname/payloads;
--- config
    location = /webhook/post-call { elaaoms_org unwritable; elaaoms_auth off; elaaoms_webhook post_call; }
--- request eval
"POST /webhook/post-call\n" . $main::TWILIO
--- error_code: 503
--- response_body_like: ^\{"error":"storage_unavailable","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- error_log
post-call: payload not saved



=== TEST 10: ... and nothing was queued for it
--- init
Test::More::is(ElaaomsTest::redis_cmd('EXISTS', 'elaaoms:{unwritable}:jobs:ready'), '(integer) 0', 'no job after a 503');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- request
GET /health
--- error_code: 200



=== TEST 11: Redis down: 200, and the job waits on disk
--- init
ElaaomsTest::redis_stop();
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_timeout 300ms;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- request eval
["POST /webhook/post-call\n" . $main::DOWN,
 "GET /payloads/acme/conv_while_redis_down/conv_while_redis_down_transcription.pending"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"status":"accepted","type":"post_call_transcription","conversation_id":"conv_while_redis_down","duplicate":false,"queued":false/,
 qr/"conversation_id":"conv_while_redis_down"/]



=== TEST 12: Redis back: the worker queues the pending job exactly once and removes the marker
--- init
ElaaomsTest::redis_start();
my $log = ElaaomsTest::worker_start(llm_provider => 'offline');
Test::More::ok(ElaaomsTest::wait_until(sub {
        ElaaomsTest::redis_cmd('HGET', 'elaaoms:{acme}:conversation:conv_while_redis_down', 'status') =~ /extraction_completed/ }, 10),
    'pending job queued and extracted by the worker');
Test::More::ok(ElaaomsTest::wait_until(sub { !-e "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/conv_while_redis_down/conv_while_redis_down_transcription.pending" }, 5),
    'marker removed');
sleep 1.5;
open my $fh, '<', $log or die "$log: $!";
my @queued = grep { /pending job of acme\/conv_while_redis_down queued/ } <$fh>;
close $fh;
Test::More::is(scalar @queued, 1, 'queued once, not at every sweep');
Test::More::is(ElaaomsTest::redis_cmd('HGET', 'elaaoms:{health}:metrics:worker', 'elaaoms_payloads_swept_total'),
    '"1"', 'counted once for /metrics');
ElaaomsTest::worker_stop();
--- request eval
"POST /webhook/post-call\n" . $main::DOWN
--- error_code: 200
--- response_body_like: "duplicate":true,"queued":true



=== TEST 13: the sweep kept the event time too: an older copy of that conversation is a 409, a newer one is taken
--- init
Test::More::like(ElaaomsTest::redis_cmd('HGET', 'elaaoms:{acme}:conversation:conv_while_redis_down', 'event_ts:post_call_transcription'),
                 qr/1763400000/, 'event_ts kept by the worker\'s sweep');
--- config
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- request eval
[map({ (my $b = $main::DOWN) =~ s/"event_timestamp": \d+/"event_timestamp": $_/; "POST /webhook/post-call\n$b" } 1763399999, 1763400001),
 "GET /payloads/acme/conv_while_redis_down/conv_while_redis_down_transcription.json"]
--- error_code eval
[409, 200, 200]
--- response_body_like eval
[qr/^\{"error":"stale_event"/, qr/"duplicate":false,"queued":true/, qr/"event_timestamp": 1763400001/]
