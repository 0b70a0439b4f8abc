# client-data (conversation initiation) and search-memory: request
# validation and their well-formed minimal answers.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location = /webhook/search-memory { elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
    location = /webhook/client-data { elaaoms_auth off; elaaoms_webhook client_data; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: client-data answers ElevenLabs' response shape with the configured first message
--- config
    location = /webhook/client-data {
        elaaoms_default_first_message "Hi, this is Acme. How can I help?";
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture('elevenlabs/client_data_request_sip.json')
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body chomp
{"type":"conversation_initiation_client_data","dynamic_variables":{"caller_known":false,"caller_call_count":0,"caller_context":"","caller_last_interaction":"","caller_open_issue":"","caller_key":"+14155550123","first_message":"Hi, this is Acme. How can I help?"}}



=== TEST 2: the first-message override is sent only where it is enabled
--- config
    location = /webhook/client-data {
        elaaoms_first_message_override on;
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request
POST /webhook/client-data
{"caller_id":"+14155550123","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body_like: "conversation_config_override":\{"agent":\{"first_message":"Hello! How can I help you today\?"\}\}\}$



=== TEST 3: a missing or withheld caller gets the generic answer, never an error
--- request eval
["POST /webhook/client-data\n{\"agent_id\":\"agent_01support7x\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"anonymous\",\"agent_id\":\"agent_01support7x\"}",
 "POST /webhook/client-data\n{\"caller_id\":null}"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_known":false.*"caller_key":""/, qr/"caller_key":""/, qr/"caller_key":""/]



=== TEST 4: malformed or mistyped client-data requests are 400 JSON errors
--- request eval
["POST /webhook/client-data\n{\"caller_id\":",
 "POST /webhook/client-data\n[1,2,3]",
 "POST /webhook/client-data\n{\"caller_id\":14155550123}",
 "POST /webhook/client-data\n",
 "GET /webhook/client-data"]
--- error_code eval
[400, 400, 400, 400, 405]
--- response_body_like eval
[qr/^\{"error":"invalid_json","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"invalid_request","message":"The body must be a JSON object."/,
 qr/"caller_id\\" must be a string/,
 qr/^\{"error":"invalid_json"/,
 qr/^\{"error":"method_not_allowed"/]



=== TEST 5: search-memory takes the tool's JSON body and answers an empty, readable result
--- request eval
"POST /webhook/search-memory\n" . ElaaomsTest::fixture('elevenlabs/search_memory_request.json')
--- error_code: 200
--- response_body_like: ^\{"query":"What was my last order number\?","results":\[\],"count":0,"summary":"No memories[^"]*","request_id":"[0-9a-f]{32}"\}$



=== TEST 6: search-memory takes the query string too
--- request
GET /webhook/search-memory?query=last%20order+number&caller_id=%2B14155550123&limit=3&search_all_agents=true
--- error_code: 200
--- response_body_like: ^\{"query":"last order number","results":\[\]



=== TEST 7: bad search parameters are 400s naming the parameter
--- request eval
["POST /webhook/search-memory\n{\"query\":\"x\",\"limit\":0}",
 "POST /webhook/search-memory\n{\"query\":\"x\",\"limit\":101}",
 "POST /webhook/search-memory\n{\"query\":\"x\",\"threshold\":2}",
 "POST /webhook/search-memory\n{\"query\":\"x\",\"type\":\"gossip\"}",
 "POST /webhook/search-memory\n{\"caller_id\":\"+14155550123\"}",
 "GET /webhook/search-memory?query=x&min_importance=11",
 "POST /webhook/search-memory\n{\"query\":"]
--- error_code eval
[400, 400, 400, 400, 400, 400, 400]
--- response_body_like eval
[qr/^\{"error":"invalid_parameter","message":"\\"limit\\"[^"]*","request_id":"[0-9a-f]{32}"\}$/,
 qr/"limit\\"/, qr/"threshold\\"/, qr/"type\\"/, qr/"query\\" is required/, qr/"min_importance\\"/,
 qr/^\{"error":"invalid_json"/]



=== TEST 8: request ids: 32 hex digits in the header the module sets and in nginx's $request_id
--- config
    location = /webhook/client-data {
        elaaoms_auth off;
        elaaoms_webhook client_data;
        add_header X-Nginx-Id $request_id always;
    }
--- request
POST /webhook/client-data
{"caller_id":"+14155550123"}
--- error_code: 200
--- response_headers_like
X-Request-Id: ^[0-9a-f]{32}$
X-Nginx-Id: ^[0-9a-f]{32}$



=== TEST 9: a new request id for every request: 300 of them, past a refill of the module's pool of random bytes
--- config
    location = /webhook/client-data { elaaoms_auth off; elaaoms_webhook client_data; }
    location = /id { return 200 "$request_id"; }
--- request eval
[("GET /id") x 300]
--- error_code eval
[(200) x 300]
--- response_body_like eval
# each id once: the regex records what it matched and fails on a repeat
[(qr/^([0-9a-f]{32})$(?(?{ $main::SEEN_ID{$1}++ })(*FAIL))/) x 300]
