# The module built into nginx (--add-module, "make static-nginx"): its JSON
# error filter must be in nginx's filter chain there too, and nginx's own
# lines must still carry request ids.  Run by "make prove-static" with
# TEST_NGINX_BINARY=build/static/nginx and no TEST_NGINX_LOAD_MODULES.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a body over client_max_body_size is a JSON 413
--- http_config
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
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"error":"payload_too_large","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- error_log eval
qr/client intended to send too large body: \d+ bytes, client: .*, request_id: [0-9a-f]{32}$/m



=== TEST 2: the access phase's 401 is JSON, with gzip on
--- http_config
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    gzip on;
    gzip_min_length 1;
    gzip_types application/json;
--- config
    location = /webhook/post-call {
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
--- request
POST /webhook/post-call
{}
--- error_code: 401
--- response_headers
Content-Type: application/json
--- response_body_like: ^\{"error":"unauthorized","message":"missing ElevenLabs-Signature header","request_id":"[0-9a-f]{32}"\}$



=== TEST 3: a 405 of a module location is JSON; other locations keep nginx's page
--- config
    location = /health { elaaoms_health; }
    location = /plain { return 405; }
--- request eval
["DELETE /health", "GET /plain"]
--- error_code eval
[405, 405]
--- response_body_like eval
[qr/^\{"error":"method_not_allowed"/, qr/<html>/]



=== TEST 4: a redirected request outside the module's locations is left alone
--- config
    location = /health { elaaoms_health; }
    location /app/ { try_files /nothing @app; }
    location @app { proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT; }
--- request
GET /app/x
--- error_code: 502
--- response_body_like: <html>
--- error_log
connect() failed (111: Connection refused)
--- no_error_log eval
[qr/connect\(\) failed.*request_id/, "exited on signal"]
