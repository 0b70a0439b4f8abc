# Hostile input against the three webhooks: each case is a clear 4xx JSON
# error ({"error":..,"message":..,"request_id":..}) and stores nothing
# (no Redis key, no payload file, no job).  One table (@CASES), sent as one
# block's requests; the blocks around it check that nothing was stored.
#
# Classes and where else they are covered: signatures (wrong, missing,
# malformed, expired, rotation) in t/webhook_auth.t TESTs 1-18;
# subrequests, shared secret on post-call, replays of client-data and
# search-memory, query strings under a signature in t/webhook_auth.t
# TESTs 19-38; 1,000-deep nesting, traversal and NUL in conversation ids in
# t/post_call.t; the search binding and body limits in t/search_binding.t.
# The cases here are new ones of each class: oversized, truncated, invalid
# UTF-8, NUL bytes, huge numbers, duplicate keys, wrong types, header
# injection, traversal in identifiers, replayed and future-dated
# signatures, and query-string smuggling (subrequests: t/webhook_auth.t).

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $SECRET = 'hook-secret';
our $TOOL = 'tool-secret';

my $conv = '"conversation_id":"conv_hostile_1"';
my $env = sub {
    my ($data, %top) = @_;
    my $type = exists $top{type} ? $top{type} : '"post_call_transcription"';
    my $ts = exists $top{ts} ? $top{ts} : time();
    return qq({"type":$type,"event_timestamp":$ts,"data":$data});
};
my $good_data = qq({"agent_id":"agent_x",$conv,"status":"done","transcript":[]});

# [name, method + path, body, extra headers (or undef: signed post-call /
#  tool secret), status, error code]
our @CASES = (
    # post-call: JSON shape
    ['truncated JSON', 'POST /post-call', substr($env->($good_data), 0, 40), undef, 400, 'invalid_json'],
    ['invalid UTF-8 in a string', 'POST /post-call', $env->(qq({"agent_id":"agent_\xff\xfe",$conv})), undef, 400, 'invalid_json'],
    ['raw NUL byte in the body', 'POST /post-call', $env->(qq({"agent_id":"a\x00b",$conv})), undef, 400, 'invalid_json'],
    ['escaped NUL in the conversation id', 'POST /post-call', $env->(q({"conversation_id":"conv\u0000x"})), undef, 400, undef],
    ['event_timestamp 1e400', 'POST /post-call', $env->($good_data, ts => '1e400'), undef, 400, undef],
    ['event_timestamp negative', 'POST /post-call', $env->($good_data, ts => '-5'), undef, 400, undef],
    ['event_timestamp an object', 'POST /post-call', $env->($good_data, ts => '{}'), undef, 400, undef],
    ['event_timestamp 20 digits', 'POST /post-call', $env->($good_data, ts => '99999999999999999999'), undef, 400, undef],
    ['type given twice', 'POST /post-call', qq({"type":"post_call_transcription","type":"post_call_audio","event_timestamp":1,"data":$good_data}), undef, 400, undef],
    ['conversation_id given twice', 'POST /post-call', $env->(qq({"conversation_id":"conv_a","conversation_id":"conv_b"})), undef, 400, undef],
    ['type a number', 'POST /post-call', $env->($good_data, type => '7'), undef, 400, undef],
    ['type unknown', 'POST /post-call', $env->($good_data, type => '"post_call_everything"'), undef, 400, undef],
    ['data missing', 'POST /post-call', qq({"type":"post_call_transcription","event_timestamp":1}), undef, 400, undef],
    ['data an array', 'POST /post-call', $env->('[]'), undef, 400, undef],
    ['data a string', 'POST /post-call', $env->('"x"'), undef, 400, undef],
    ['conversation_id missing', 'POST /post-call', $env->(q({"agent_id":"agent_x"})), undef, 400, undef],
    ['conversation_id a number', 'POST /post-call', $env->(q({"conversation_id":12345})), undef, 400, undef],
    ['conversation_id ../..', 'POST /post-call', $env->(q({"conversation_id":"../../etc"})), undef, 400, undef],
    ['conversation_id an absolute path', 'POST /post-call', $env->(q({"conversation_id":"/etc/passwd"})), undef, 400, undef],
    ['conversation_id with a backslash', 'POST /post-call', $env->(q({"conversation_id":"conv\\\\..\\\\x"})), undef, 400, undef],
    ['conversation_id of 1,000 characters', 'POST /post-call', $env->(qq({"conversation_id":"${\ ('c' x 1000)}"})), undef, 400, undef],
    ['conversation_id non-ASCII', 'POST /post-call', $env->(qq({"conversation_id":"conv_\xc3\xa9t\xc3\xa9"})), undef, 400, undef],
    ['conversation_id with CRLF', 'POST /post-call', $env->(q({"conversation_id":"conv\r\nX-Injected: 1"})), undef, 400, undef],
    ['top level an array', 'POST /post-call', '[' . $env->($good_data) . ']', undef, 400, undef],
    ['top level null', 'POST /post-call', 'null', undef, 400, undef],
    ['empty object', 'POST /post-call', '{}', undef, 400, undef],
    ['200 levels of nesting in data', 'POST /post-call', $env->('{"x":' . ('[' x 200) . (']' x 200) . qq(,$conv})), undef, 400, undef],
    ['300,000 values in one array', 'POST /post-call', $env->('{"x":[' . join(',', (1) x 300000) . qq(],$conv})), undef, 400, undef],
    ['audio that is not base64', 'POST /post-call', $env->(qq({"agent_id":"agent_x",$conv,"full_audio":"\@\@\@not base64!"}), type => '"post_call_audio"'), undef, 400, undef],
    # post-call: signatures
    ['signature from the future', 'POST /post-call', $env->($good_data), ['sign', 3600], 401, undef],
    ['signature two hours old', 'POST /post-call', $env->($good_data), ['sign', -7200], 401, undef],
    ['signature with another secret', 'POST /post-call', $env->($good_data), ['other'], 401, undef],
    ['signature header malformed', 'POST /post-call', $env->($good_data), 'ElevenLabs-Signature: t=abc,v0=zz', 401, undef],
    ['signature of another body', 'POST /post-call', $env->($good_data), ['body', $env->(q({"conversation_id":"conv_other"}))], 401, undef],
    ['signature with a truncated MAC', 'POST /post-call', $env->($good_data), ['truncate'], 401, undef],
    ['signature t with 30 digits', 'POST /post-call', $env->($good_data), 'ElevenLabs-Signature: t=' . ('9' x 30) . ',v0=' . ('0' x 64), 401, undef],
    ['shared secret on post-call', 'POST /post-call', $env->($good_data), "X-Elaaoms-Secret: $TOOL", 401, undef],
    ['query-string smuggling under a signature', 'POST /post-call?type=post_call_audio&conversation_id=conv_q', $env->(q({"agent_id":"agent_x"})), undef, 400, undef],
    ['GET on post-call, unsigned', 'GET /post-call', undef, "X-Elaaoms-Secret: $TOOL", 401, undef],
    # client-data
    ['client-data: not JSON', 'POST /client-data', 'caller_id=+14155550123', 'tool', 400, 'invalid_json'],
    ['client-data: truncated', 'POST /client-data', '{"caller_id":"+1415', 'tool', 400, 'invalid_json'],
    ['client-data: an array', 'POST /client-data', '["+14155550123"]', 'tool', 400, undef],
    ['client-data: caller_id a number', 'POST /client-data', '{"caller_id":14155550123}', 'tool', 400, undef],
    ['client-data: agent_id an object', 'POST /client-data', '{"caller_id":"+14155550123","agent_id":{"$gt":""}}', 'tool', 400, undef],
    ['client-data: call_sid an array', 'POST /client-data', '{"caller_id":"+14155550123","call_sid":["CA1"]}', 'tool', 400, undef],
    ['client-data: caller_id with CRLF', 'POST /client-data', qq({"caller_id":"+14155550123\\r\\nX-Injected: 1"}), 'tool', 400, undef],
    ['client-data: caller_id invalid UTF-8', 'POST /client-data', qq({"caller_id":"+1415\xc3\x28"}), 'tool', 400, undef],
    ['client-data: 100 levels of nesting', 'POST /client-data', '{"x":' . ('[' x 100) . (']' x 100) . '}', 'tool', 400, undef],
    ['client-data: empty body', 'POST /client-data', '', 'tool', 400, undef],
    ['client-data: 70 KB', 'POST /client-data', '{"caller_id":"+14155550123","pad":"' . ('x' x 71680) . '"}', 'tool', 413, undef],
    ['client-data: no secret', 'POST /client-data', '{"caller_id":"+14155550123"}', '', 401, undef],
    ['client-data: a wrong secret', 'POST /client-data', '{"caller_id":"+14155550123"}', 'X-Elaaoms-Secret: tool-secreT', 401, undef],
    ['client-data: the secret in the query string', "POST /client-data?X-Elaaoms-Secret=$TOOL", '{"caller_id":"+14155550123"}', '', 401, undef],
    ['client-data: PUT', 'PUT /client-data', '{"caller_id":"+14155550123"}', 'tool', 405, undef],
    # search-memory
    ['search: query a number', 'POST /search', '{"query":42,"call_sid":"CA1"}', 'tool', 400, undef],
    ['search: query missing', 'POST /search', '{"call_sid":"CA1"}', 'tool', 400, undef],
    ['search: query of 2,000 characters', 'POST /search', '{"query":"' . ('q' x 2000) . '","call_sid":"CA1"}', 'tool', 400, undef],
    ['search: query only spaces', 'POST /search', '{"query":"   ","call_sid":"CA1"}', 'tool', 400, undef],
    ['search: query with an escaped NUL', 'POST /search', '{"query":"order\u0000x","call_sid":"CA1"}', 'tool', 400, undef],
    ['search: query invalid UTF-8', 'POST /search', qq({"query":"order \xff\xfe","call_sid":"CA1"}), 'tool', 400, undef],
    ['search: limit a word', 'POST /search', '{"query":"order","call_sid":"CA1","limit":"all"}', 'tool', 400, undef],
    ['search: limit 1e30', 'POST /search', '{"query":"order","call_sid":"CA1","limit":1e30}', 'tool', 400, undef],
    ['search: limit negative', 'POST /search', '{"query":"order","call_sid":"CA1","limit":-1}', 'tool', 400, undef],
    ['search: threshold NaN', 'POST /search', '{"query":"order","call_sid":"CA1","threshold":"NaN"}', 'tool', 400, undef],
    ['search: threshold -0.5', 'POST /search', '{"query":"order","call_sid":"CA1","threshold":-0.5}', 'tool', 400, undef],
    ['search: since after until', 'POST /search', '{"query":"order","call_sid":"CA1","since":2000000000,"until":1}', 'tool', 400, undef],
    ['search: since 1e300', 'POST /search', '{"query":"order","call_sid":"CA1","since":1e300}', 'tool', 400, undef],
    ['search: type unknown', 'POST /search', '{"query":"order","call_sid":"CA1","type":"secrets"}', 'tool', 400, undef],
    ['search: search_all_agents "yes"', 'POST /search', '{"query":"order","call_sid":"CA1","search_all_agents":"yes"}', 'tool', 400, undef],
    ['search: min_importance 11', 'POST /search', '{"query":"order","call_sid":"CA1","min_importance":11}', 'tool', 400, undef],
    ['search: call_sid with a space', 'POST /search', '{"query":"order","call_sid":"CA 1"}', 'tool', 400, undef],
    ['search: call_sid of 300 characters', 'POST /search', '{"query":"order","call_sid":"' . ('C' x 300) . '"}', 'tool', 400, undef],
    ['search: caller_id with CRLF', 'POST /search', qq({"query":"order","call_sid":"CA1","caller_id":"+1415\\r\\nX: 1"}), 'tool', 400, undef],
    ['search: the body an array', 'POST /search', '[{"query":"order"}]', 'tool', 400, undef],
    ['search: the body a number', 'POST /search', '42', 'tool', 400, undef],
    ['search: conversation_id traversal', 'POST /search', '{"query":"order","conversation_id":"../../x"}', 'tool', 400, undef],
    ['search: an unbound call', 'POST /search', '{"query":"order","call_sid":"CA-nobody","caller_id":"+14155550123","search_all_agents":true,"threshold":0}', 'tool', 403, 'unbound_call'],
    ['search: GET with everything in the query string', 'GET /search?query=order&caller_id=%2B14155550123&search_all_agents=true&threshold=0', undef, 'tool', 405, undef],
    ['search: query-string smuggling of the call', 'POST /search?call_sid=CA-nobody&caller_id=%2B14155550123', '{"query":"order"}', 'tool', 403, undef],
);

# the i-th case's headers: the signature by default, the tool secret for
# 'tool', a named forgery, or a literal header line ('' for none)
sub headers_of {
    my ($c) = @_;
    my ($body, $h) = ($c->[2] // '', $c->[3]);
    return "ElevenLabs-Signature: " . sign_header($SECRET, $body) unless defined $h;
    return "X-Elaaoms-Secret: $TOOL" if !ref $h && $h eq 'tool';
    return $h unless ref $h;
    my ($kind, $arg) = @$h;
    return "ElevenLabs-Signature: " . sign_header($SECRET, $body, time() + $arg) if $kind eq 'sign';
    return "ElevenLabs-Signature: " . sign_header('not-the-secret', $body) if $kind eq 'other';
    return "ElevenLabs-Signature: " . sign_header($SECRET, $arg) if $kind eq 'body';
    return "ElevenLabs-Signature: " . substr(sign_header($SECRET, $body), 0, -2) if $kind eq 'truncate';
    die "case $c->[0]: header kind $kind\n";
}

our @REQUESTS = map { $_->[1] . (defined $_->[2] ? "\n$_->[2]" : '') } @CASES;
our @HEADERS = map { headers_of($_) } @CASES;
our @CODES = map { $_->[4] } @CASES;
our @BODIES = map {
    my $code = $_->[5] ? quotemeta($_->[5]) : '[a-z_]+';
    qr/^\{"error":"$code","message":"(?:[^"\\]|\\.)+","request_id":"[0-9a-f]{32}"\}$/
} @CASES;

sub keys_now { my $k = redis_cmd('DBSIZE'); return $k =~ /(\d+)/ ? $1 : -1 }

sub files_now {
    my @f;
    require File::Find;
    File::Find::find({ no_chdir => 1,
                       wanted => sub { push @f, $_ if -f $_ } }, payload_dir());
    return scalar @f;
}

our $KEYS_BEFORE;

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', <<"END") unless defined $block->http_config;
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
    elaaoms_org hostile;
END
    $block->set_value('config', <<"END") unless defined $block->config;
    location = /post-call {
        client_max_body_size 8m;
        elaaoms_signature_secret $SECRET;
        elaaoms_webhook post_call;
    }
    location = /client-data {
        elaaoms_shared_secret X-Elaaoms-Secret $TOOL;
        elaaoms_webhook client_data;
    }
    location = /search {
        elaaoms_shared_secret X-Elaaoms-Secret $TOOL;
        elaaoms_webhook search_memory;
    }
END
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: every hostile case is a 4xx JSON error with the request id
--- init
$main::KEYS_BEFORE = main::keys_now();
Test::More::cmp_ok(scalar @main::CASES, '>=', 60, scalar(@main::CASES) . ' cases');
--- request eval
\@main::REQUESTS
--- more_headers eval
\@main::HEADERS
--- error_code eval
\@main::CODES
--- response_body_like eval
\@main::BODIES
--- no_error_log
[alert]
[crit]
[emerg]
exited on signal



=== TEST 2: nothing was stored: no Redis key, no payload file
--- init
Test::More::is(main::keys_now(), $main::KEYS_BEFORE, 'no new Redis key');
Test::More::is(main::files_now(), 0, 'no payload file');
--- request
GET /search
--- more_headers
X-Elaaoms-Secret: tool-secret
--- error_code: 405
