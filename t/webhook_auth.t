# Access-phase checks: ElevenLabs-Signature (HMAC-SHA256 over "t.body"),
# the shared-secret header, rotation, tolerance, chunked and large bodies,
# composition with satisfy/allow/deny, JSON 401s that never log a secret.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();

# the protocol notes' test vector
our $VECTOR_BODY = '{"type":"post_call_transcription","event_timestamp":1739537297,"data":{"agent_id":"xyz","conversation_id":"abc"}}';

# 3.9 MB of audio: 5.2 MB of base64
use MIME::Base64 ();
our $BIG = '{"type":"post_call_audio","event_timestamp":1763400005,"data":{"agent_id":"agent_01support7x","conversation_id":"conv_big_audio","full_audio":"'
    . MIME::Base64::encode_base64("ID3" . ("\x55" x 3_900_000), '') . '"}}';

# a transcription of its own conversation and event time
sub transcription {
    my ($conv, $ts) = @_;
    (my $body = ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"))
        =~ s/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/$conv/g;
    $body =~ s/"event_timestamp": \d+/"event_timestamp": $ts/;
    return $body;
}

our $REPLAY = transcription('conv_replayed', 1763400000);
our $REPLAY_SIG = ElaaomsTest::sign_header("test_secret", $REPLAY);
our $NEWER = transcription('conv_ordered', 1763400200);
our $OLDER = transcription('conv_ordered', 1763400100);
# an initiation failure delivered at 200, then an older copy (100), then 300
our @FAILURES = map {
    (my $b = ElaaomsTest::fixture("elevenlabs/call_initiation_failure_twilio.json"))
        =~ s/"event_timestamp": \d+/"event_timestamp": $_/;
    $b =~ s/"conversation_id": "[^"]+"/"conversation_id": "conv_failed_order"/;
    $b } (1763400200, 1763400100, 1763400300);
our $CLIENT = ElaaomsTest::fixture("elevenlabs/client_data_request_twilio.json");
our $CLIENT_SIG = ElaaomsTest::sign_header("test_secret", $CLIENT);

# "nginx -t" of a server with the given locations
sub check_conf {
    my ($http) = @_;
    return ElaaomsTest::nginx_check(
        "elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};\n$http");
}

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
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /t { return 204; }
    location = /webhook/client-data {
        elaaoms_signature_secret test_secret;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the protocol's test vector verifies
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_signature_tolerance 36500d;
        elaaoms_webhook post_call;
    }
--- more_headers
ElevenLabs-Signature: t=1739537297,v0=93673b54e757ea560e8b0d787a492fb0f773d6b3644d97dfd972b61bff18d702
--- request eval
"POST /webhook/post-call\n" . $main::VECTOR_BODY
--- error_code: 200
--- response_body_like: ^\{"status":"accepted","type":"post_call_transcription","conversation_id":"abc",
--- no_error_log
[error]



=== TEST 2: the same vector is refused as expired with the default 30m tolerance
--- more_headers
ElevenLabs-Signature: t=1739537297,v0=93673b54e757ea560e8b0d787a492fb0f773d6b3644d97dfd972b61bff18d702
--- request eval
"POST /webhook/post-call\n" . $main::VECTOR_BODY
--- error_code: 401
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"error":"unauthorized","message":"[^"]*(old|expired)[^"]*","request_id":"[0-9a-f]{32}"\}$
--- error_log
webhook refused



=== TEST 3: a wrong signature is refused, and the secret never reaches the log
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret s3cret-never-logged;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("another-secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"))
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401
--- response_body_like: "error":"unauthorized"
--- error_log eval
qr/elaaoms: webhook refused: [^,]+, client: .*, request_id: [0-9a-f]{32}$/m
--- no_error_log
s3cret-never-logged



=== TEST 4: a missing signature is refused
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401
--- response_body_like: missing ElevenLabs-Signature



=== TEST 5: malformed signature headers are refused
--- more_headers eval
"ElevenLabs-Signature: t=" . time() . ",v0=nothex"
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401



=== TEST 6: a timestamp an hour old is refused (a replay of a once-valid call)
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"), time() - 3600)
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401
--- response_body_like: "error":"unauthorized"



=== TEST 7: a timestamp ten minutes ahead is refused
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"), time() + 600)
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401



=== TEST 8: rotation: the old secret still verifies
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret new-secret;
        elaaoms_signature_secret old-secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("old-secret", ElaaomsTest::fixture("elevenlabs/call_initiation_failure_twilio.json"))
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/call_initiation_failure_twilio.json")
--- error_code: 200
--- response_body_like: "status":"accepted"



=== TEST 9: rotation: the new secret verifies, a third one does not
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret new-secret;
        elaaoms_signature_secret old-secret;
        elaaoms_webhook post_call;
    }
    location = /third {
        elaaoms_signature_secret new-secret;
        elaaoms_signature_secret old-secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("new-secret", ElaaomsTest::fixture("elevenlabs/call_initiation_failure_sip.json"))
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/call_initiation_failure_sip.json")
--- error_code: 200



=== TEST 10: a secret from a variable (rotation without editing locations)
--- main_config
    env ELAAOMS_TEST_SECRET;
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    map $host $webhook_secret { default "from-a-variable"; }
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret $webhook_secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("from-a-variable", ElaaomsTest::fixture("elevenlabs/call_initiation_failure_sip.json"))
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/call_initiation_failure_sip.json")
--- error_code: 200



=== TEST 11: a chunked body is verified over its de-chunked bytes
--- raw_request eval
my $body = ElaaomsTest::fixture("elevenlabs/post_call_audio.json");
my $sig = ElaaomsTest::sign_header("test_secret", $body);
my $chunked = "";
for (my $i = 0; $i < length $body; $i += 40) {
    my $piece = substr($body, $i, 40);
    $chunked .= sprintf("%x\r\n%s\r\n", length $piece, $piece);
}
"POST /webhook/post-call HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
. "ElevenLabs-Signature: $sig\r\nTransfer-Encoding: chunked\r\n\r\n"
. $chunked . "0\r\n\r\n"
--- error_code: 200
--- response_body_like: "type":"post_call_audio"



=== TEST 12: a 5 MB audio body spilled to a temp file verifies and is stored decoded
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    client_body_buffer_size 16k;
--- config
    location = /webhook/post-call {
        client_max_body_size 16m;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", $main::BIG)
--- request eval
["POST /webhook/post-call\n" . $main::BIG, "GET /payloads/default/conv_big_audio/conv_big_audio_audio.mp3"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"status":"accepted"/, qr/^ID3(?:\x55{1000}){3900}$/]
--- timeout: 20
--- no_error_log
[error]



=== TEST 13: the shared-secret header passes client-data without a signature
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- more_headers
X-Elaaoms-Secret: hook-secret
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_twilio.json")
--- error_code: 200
--- response_body_like: ^\{"type":"conversation_initiation_client_data"



=== TEST 14: a wrong shared-secret header is refused
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/client-data {
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
--- more_headers
X-Elaaoms-Secret: hook-secreT
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_twilio.json")
--- error_code: 401
--- response_body_like: shared secret header does not match
--- no_error_log
hook-secret



=== TEST 15: with both configured, a valid signature passes without the header
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json"))
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json")
--- error_code: 200



=== TEST 16: satisfy any + allow: a trusted address passes without credentials
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/client-data {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_twilio.json")
--- error_code: 200



=== TEST 17: satisfy all + deny: valid credentials do not override deny
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/client-data {
        deny all;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
--- more_headers
X-Elaaoms-Secret: hook-secret
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_twilio.json")
--- error_code: 403
--- response_body_like: ^\{"error":"forbidden"



=== TEST 18: a body over client_max_body_size is a JSON 413
--- config
    location = /webhook/post-call {
        client_max_body_size 1k;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"))
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 413
--- response_body_like: ^\{"error":"payload_too_large","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- error_log eval
qr/client intended to send too large body: \d+ bytes, client: .*, request_id: [0-9a-f]{32}$/m



=== TEST 19: nginx -t refuses a webhook without a secret, and says where and what to do
--- init
for my $hook (qw(post_call client_data search_memory)) {
    my ($rc, $out) = main::check_conf("server { listen 127.0.0.1:1; location = /h { elaaoms_webhook $hook; } }");
    Test::More::isnt($rc, 0, "$hook without a secret: nginx -t fails");
    Test::More::like($out, qr/\[emerg\] "elaaoms_webhook $hook" in \S+nginx\.conf:\d+ (has no secret|accepts only signed requests).*"elaaoms_auth off"/,
                     "$hook: the message names the line and the way out");
    ($rc, $out) = main::check_conf("server { listen 127.0.0.1:1; location = /h { elaaoms_auth off; elaaoms_webhook $hook; } }");
    Test::More::is($rc, 0, "$hook with elaaoms_auth off: nginx -t passes") or Test::More::diag($out);
}
my ($rc, $out) = main::check_conf("elaaoms_auth off; server { listen 127.0.0.1:1; location = /h { elaaoms_auth on; elaaoms_webhook client_data; } }");
Test::More::isnt($rc, 0, 'elaaoms_auth on below an outer off asks for a secret again');
($rc, $out) = main::check_conf("server { listen 127.0.0.1:1; location = /h { elaaoms_health; } }");
Test::More::is($rc, 0, 'elaaoms_health needs no secret');
--- request
GET /t
--- error_code: 204



=== TEST 20: post-call takes only signatures: a shared secret alone is a configuration error
--- init
my ($rc, $out) = main::check_conf("elaaoms_shared_secret X-Elaaoms-Secret hook-secret;\n"
    . "server { listen 127.0.0.1:1; location = /h { elaaoms_webhook post_call; } }");
Test::More::isnt($rc, 0, 'post-call with an inherited shared secret only: nginx -t fails');
Test::More::like($out, qr/"elaaoms_webhook post_call" in \S+:\d+ accepts only signed requests/, 'post-call: the message');
--- request
GET /t
--- error_code: 204



=== TEST 21: post-call refuses the shared-secret header and stores nothing
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- more_headers
X-Elaaoms-Secret: hook-secret
--- request eval
["POST /webhook/post-call\n" . main::transcription('conv_by_header', 1763400000),
 "GET /payloads/default/conv_by_header/conv_by_header_transcription.json"]
--- error_code eval
[401, 404]
--- response_body_like eval
[qr/^\{"error":"unauthorized","message":"missing ElevenLabs-Signature header"/, qr/"error":"not_found"/]



=== TEST 22: elaaoms_shared_secret off stops the outer level's header; the signature still passes
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
    elaaoms_signature_secret test_secret;
--- config
    location = /inherited { elaaoms_webhook client_data; }
    location = /off {
        elaaoms_shared_secret off;
        elaaoms_webhook client_data;
    }
    location = /signed-off {
        elaaoms_shared_secret off;
        elaaoms_webhook client_data;
    }
--- more_headers eval
["X-Elaaoms-Secret: hook-secret", "X-Elaaoms-Secret: hook-secret",
 "ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json"), time() - 22)]
--- request eval
["POST /inherited\n" . $main::CLIENT, "POST /off\n" . $main::CLIENT,
 "POST /signed-off\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json")]
--- error_code eval
[200, 401, 200]
--- response_body_like eval
[qr/^\{"type":"conversation_initiation_client_data"/,
 qr/^\{"error":"unauthorized","message":"missing ElevenLabs-Signature header"/,
 qr/^\{"type":"conversation_initiation_client_data"/]



=== TEST 23: elaaoms_auth off serves a webhook without credentials, even below outer secrets
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
--- config
    location = /open {
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
    location = /closed { elaaoms_webhook client_data; }
--- request eval
["POST /open\n" . $main::CLIENT, "POST /closed\n" . $main::CLIENT]
--- error_code eval
[200, 401]



=== TEST 24: nginx -t warns when a shared secret is also a signature secret
--- init
my ($rc, $out) = main::check_conf("elaaoms_shared_secret X-Elaaoms-Secret same-secret;\n"
    . "server { listen 127.0.0.1:1;\n"
    . "  location = /a { elaaoms_signature_secret same-secret; elaaoms_webhook client_data; }\n"
    . "  location = /b { elaaoms_signature_secret other; elaaoms_signature_secret same-secret; elaaoms_webhook search_memory; } }");
Test::More::is($rc, 0, 'equal secrets: nginx -t still passes');
my @warn = ($out =~ /\[warn\] [^\n]*is also an "elaaoms_signature_secret"/g);
Test::More::is(scalar @warn, 1, 'one warning for the shared secret') or Test::More::diag($out);
Test::More::like($out, qr/\[warn\] the "elaaoms_shared_secret X-Elaaoms-Secret" value of "elaaoms_webhook client_data" in \S+nginx\.conf:\d+/,
                 'the warning names the header and the webhook');
Test::More::unlike($out, qr/same-secret/, 'and never the secret');
for my $http ("server { listen 127.0.0.1:1; location = /a { elaaoms_signature_secret one; elaaoms_shared_secret X-K two; elaaoms_webhook client_data; } }",
              "map \$host \$s { default same; }\nserver { listen 127.0.0.1:1; location = /a { elaaoms_signature_secret \$s; elaaoms_shared_secret X-K same; elaaoms_webhook client_data; } }") {
    ($rc, $out) = main::check_conf($http);
    Test::More::is($rc, 0, 'nginx -t passes');
    Test::More::unlike($out, qr/\[warn\]/, 'no warning for distinct or variable secrets');
}
--- request
GET /t
--- error_code: 204



=== TEST 25: a mirror subrequest to post-call (no access phase) is refused and stores nothing
--- config
    location = /public {
        mirror /webhook/post-call;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ok;
    }
    location = /ok { return 200 "ok\n"; }
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- request eval
"POST /public\n" . main::transcription('conv_mirrored', 1763400000)
--- error_code: 200
--- response_body
ok
--- wait: 0.3
--- error_log
elaaoms: subrequest to "/webhook/post-call" refused



=== TEST 26: ... the mirrored payload was not stored or queued
--- init
Test::More::ok(!-e "$ENV{TEST_NGINX_PAYLOAD_DIR}/default/conv_mirrored", 'no payload directory');
Test::More::is(main::queued('default', 'conv_mirrored'), 0, 'no job');
--- request
GET /t
--- error_code: 204



=== TEST 27: auth_request to client-data or search-memory is refused, so the guarded request is too
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /guarded {
        auth_request /webhook/client-data;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ok;
    }
    location = /guarded-search {
        auth_request /webhook/search-memory;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/ok;
    }
    location = /ok { return 200 "ok\n"; }
    location = /webhook/client-data {
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
    location = /webhook/search-memory {
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook search_memory;
    }
--- request eval
["POST /guarded\n" . $main::CLIENT, "GET /guarded-search?query=order&caller_id=%2B14155550123"]
--- error_code eval
[403, 403]
--- error_log eval
qr/subrequest to "\/webhook\/(client-data|search-memory)" refused/



=== TEST 28: a signed search-memory request is its body alone: the query string is ignored
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/search-memory {
        elaaoms_signature_secret test_secret;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_search_binding off;
        elaaoms_webhook search_memory;
    }
--- more_headers eval
["ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", '{"caller_id":"+14155550123"}'),
 "ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", '{"query":"order","caller_id":"+14155550123"}'),
 "X-Elaaoms-Secret: hook-secret"]
--- request eval
["POST /webhook/search-memory?query=order\n" . '{"caller_id":"+14155550123"}',
 "POST /webhook/search-memory?limit=0\n" . '{"query":"order","caller_id":"+14155550123"}',
 "POST /webhook/search-memory?limit=0\n" . '{"query":"order","caller_id":"+14155550123"}']
--- error_code eval
[400, 200, 400]
--- response_body_like eval
[qr/^\{"error":"invalid_parameter","message":"\\"query\\" is required"/, qr/^\{"query":"order","results":\[/, qr/"error":"invalid_parameter"/]



=== TEST 29: a signature passes client-data once; its replay is a 401 "replayed"
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/client-data {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook client_data;
    }
--- more_headers eval
"ElevenLabs-Signature: $main::CLIENT_SIG"
--- request eval
["POST /webhook/client-data\n" . $main::CLIENT, "POST /webhook/client-data\n" . $main::CLIENT]
--- error_code eval
[200, 401]
--- response_body_like eval
[qr/^\{"type":"conversation_initiation_client_data"/,
 qr/^\{"error":"replayed","message":"this signature was already used","request_id":"[0-9a-f]{32}"\}$/]



=== TEST 30: ... remembered until the signature expires, under the org's key
--- init
my ($v0) = $main::CLIENT_SIG =~ /v0=([0-9a-f]{64})/;
my ($t) = $main::CLIENT_SIG =~ /t=(\d+)/;
my $ttl = ElaaomsTest::redis_cmd('TTL', "elaaoms:default:sig:$v0");
Test::More::like($ttl, qr/^\(integer\) \d+$/, 'the key exists with a TTL');
my ($secs) = $ttl =~ /(\d+)/;
Test::More::cmp_ok($secs, '>', 1700, 'about the 30 minutes the signature has left');
Test::More::cmp_ok($secs, '<=', $t + 1800 - time() + 2, 'never longer');
--- request
GET /t
--- error_code: 204



=== TEST 31: with Redis down, a signed client-data request is answered (replays cannot be checked)
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
--- config
    location = /webhook/client-data {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook client_data;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json"))
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture("elevenlabs/client_data_request_sip.json")
--- error_code: 200
--- error_log
signature not checked for replays



=== TEST 32: a signed post-call is stored and queued, its signature remembered
--- more_headers eval
"ElevenLabs-Signature: $main::REPLAY_SIG"
--- request eval
"POST /webhook/post-call\n" . $main::REPLAY
--- error_code: 200
--- response_body_like: "duplicate":false,"queued":true



=== TEST 33: its replay, after the payload and job were taken away, is a 200 duplicate that restores neither
--- init
my $dir = "$ENV{TEST_NGINX_PAYLOAD_DIR}/default/conv_replayed";
Test::More::ok(unlink("$dir/conv_replayed_transcription.json"), 'the stored payload is removed');
Test::More::is(main::queued('default', 'conv_replayed'), 1, 'one job was queued');
ElaaomsTest::redis_cmd('DEL', 'elaaoms:{default}:jobs:ready');
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- more_headers eval
"ElevenLabs-Signature: $main::REPLAY_SIG"
--- request eval
["POST /webhook/post-call\n" . $main::REPLAY,
 "GET /payloads/default/conv_replayed/conv_replayed_transcription.json"]
--- error_code eval
[200, 404]
--- response_body_like eval
[qr/^\{"status":"accepted","type":"post_call_transcription","conversation_id":"conv_replayed","duplicate":true,"queued":true,"request_id":"[0-9a-f]{32}"\}$/, qr/404/]



=== TEST 34: ... and queued nothing
--- init
Test::More::is(main::queued('default', 'conv_replayed'), 0, 'no job queued again');
--- request
GET /t
--- error_code: 204



=== TEST 35: a post-call older than the one stored for its conversation is a 409 and changes nothing
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
--- more_headers eval
["ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", $main::NEWER),
 "ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", $main::OLDER),
 ""]
--- request eval
["POST /webhook/post-call\n" . $main::NEWER,
 "POST /webhook/post-call\n" . $main::OLDER,
 "GET /payloads/default/conv_ordered/conv_ordered_transcription.json"]
--- error_code eval
[200, 409, 200]
--- response_body_like eval
[qr/"duplicate":false,"queued":true/,
 qr/^\{"error":"stale_event","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\Q$main::NEWER\E$/]



=== TEST 36: ... one job, and the newest event time kept on the conversation
--- init
Test::More::is(main::queued('default', 'conv_ordered'), 1, 'only the newer delivery was queued');
Test::More::like(ElaaomsTest::redis_cmd('HGET', 'elaaoms:{default}:conversation:conv_ordered', 'event_ts:post_call_transcription'),
                 qr/1763400200/, 'event_ts of the newer');
--- request
GET /t
--- error_code: 204



=== TEST 37: the order holds for types that queue nothing (initiation failures)
--- more_headers eval
[map { "ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", $_) } @main::FAILURES]
--- request eval
[map { "POST /webhook/post-call\n" . $_ } @main::FAILURES]
--- error_code eval
[200, 409, 200]
--- response_body_like eval
[qr/"type":"call_initiation_failure"/, qr/"error":"stale_event"/, qr/"type":"call_initiation_failure"/]



=== TEST 38: with Redis down a signed post-call is still taken (saved, job pending on disk)
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", main::transcription('conv_redis_down', 1763400000))
--- request eval
"POST /webhook/post-call\n" . main::transcription('conv_redis_down', 1763400000)
--- error_code: 200
--- response_body_like: "conversation_id":"conv_redis_down","duplicate":false,"queued":false
--- error_log
taken without replay and order checks
