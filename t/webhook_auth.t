# Access-phase checks: ElevenLabs-Signature (HMAC-SHA256 over "t.body"),
# the shared-secret header, rotation, tolerance, chunked and large bodies,
# composition with satisfy/allow/deny, JSON 401s that never log a secret.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

# the protocol notes' test vector
our $VECTOR_BODY = '{"type":"post_call_transcription","event_timestamp":1739537297,"data":{"agent_id":"xyz","conversation_id":"abc"}}';

# 3.9 MB of audio: 5.2 MB of base64
use MIME::Base64 ();
our $BIG = '{"type":"post_call_audio","event_timestamp":1763400005,"data":{"agent_id":"agent_01support7x","conversation_id":"conv_big_audio","full_audio":"'
    . MIME::Base64::encode_base64("ID3" . ("\x55" x 3_900_000), '') . '"}}';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the protocol's test vector verifies
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401
--- response_body_like: missing ElevenLabs-Signature



=== TEST 5: malformed signature headers are refused
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: t=" . time() . ",v0=nothex"
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401



=== TEST 6: a timestamp an hour old is refused (a replay of a once-valid call)
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"), time() - 3600)
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401
--- response_body_like: "error":"unauthorized"



=== TEST 7: a timestamp ten minutes ahead is refused
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- more_headers eval
"ElevenLabs-Signature: " . ElaaomsTest::sign_header("test_secret", ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json"), time() + 600)
--- request eval
"POST /webhook/post-call\n" . ElaaomsTest::fixture("elevenlabs/post_call_transcription_twilio.json")
--- error_code: 401



=== TEST 8: rotation: the old secret still verifies
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
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
--- config
    location = /webhook/client-data {
        elaaoms_signature_secret test_secret;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
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
--- config
    location = /webhook/client-data {
        elaaoms_signature_secret test_secret;
        elaaoms_shared_secret X-Elaaoms-Secret hook-secret;
        elaaoms_webhook client_data;
    }
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
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
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
