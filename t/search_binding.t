# Searches bound to a live call, and the limits around client-data and
# search-memory:
# - client-data records the call's caller (call_sid, call_id or
#   conversation_id -> caller, elaaoms_call_ttl); search-memory takes the
#   caller from that record: a caller_id that differs is refused, a call
#   nobody bound is refused, a request naming no call is a 400;
#   elaaoms_search_binding off trusts caller_id as before;
# - server-side floors: elaaoms_search_min_threshold (0.3) and
#   elaaoms_search_max_limit (20);
# - search-memory answers POST only unless elaaoms_search_get on;
# - client-data and search-memory bodies over 64 KB are a JSON 413,
#   chunked or not (elaaoms_body_limit);
# - the JSON scan caps the number of values, so a multi-megabyte
#   "[1,1,...]" costs no more memory than its bytes;
# - the audit stream trims by age and records the client address and how
#   the request was authenticated; search_all_agents is never answered
#   when its audit entry cannot be written.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $MARIA = '+14155550123';
our $BOB = '+14155550199';
our $NOW = time();

sub seed { ElaaomsTest::seed_memories(@_) }

sub mem {
    my ($caller, $id, $agent, $content, %more) = @_;
    return { org => 'acme', caller => $caller, id => $id, type => 'issue',
             importance => 5, agent => $agent, conversation => 'conv_1',
             created => $NOW - 3600, content => $content, %more };
}

seed(mem($MARIA, 'm_order', 'agent_support', 'Order XYZ-789 is delayed'),
     mem($MARIA, 'm_garden', 'agent_support', 'Has a garden full of tomatoes'),
     mem($MARIA, 'm_other', 'agent_sales', 'Order XYZ-789 was a gift',
         importance => 9),
     mem($BOB, 'b_order', 'agent_support', 'Order BOB-111 is delayed'),
     map { mem($BOB, "b_$_", 'agent_support', "Order BOB-$_ is delayed") }
         200 .. 229);

# the audit stream's entries, each as a hash
sub audit_entries {
    my $x = redis_cmd('XRANGE', 'elaaoms:acme:audit', '-', '+');
    my (@e, $cur);
    for (split /\n/, $x) {
        if (/^\d+\)\s+1\)\s+"(\d+-\d+)"$/) {
            push @e, $cur = { _id => $1 };
            next;
        }
        push @{ $cur->{_kv} }, $1 if $cur && /^\s*(?:\d+\)\s+)+"(.*)"$/;
    }
    return map { { _id => $_->{_id}, @{ $_->{_kv} || [] } } } @e;
}

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_org acme;
    elaaoms_shared_secret X-Elaaoms-Secret tool-secret;
END

our $CONFIG = <<'END';
    location = /client-data { elaaoms_webhook client_data; }
    location = /search { elaaoms_webhook search_memory; }
    location = /search-unbound {
        elaaoms_search_binding off;
        elaaoms_webhook search_memory;
    }
    location = /search-get { elaaoms_search_get on; elaaoms_webhook search_memory; }
    location = /client-data-1k { elaaoms_body_limit 1k; elaaoms_webhook client_data; }
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HTTP_CONFIG) unless defined $block->http_config;
    $block->set_value('config', $CONFIG) unless defined $block->config;
    $block->set_value('more_headers', "X-Elaaoms-Secret: tool-secret\n"
                                      . ($block->more_headers // ''))
        unless ref $block->more_headers;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: client-data binds the call; search-memory by call_sid answers the bound caller's memories
--- request eval
["POST /client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_support\",\"call_sid\":\"CA0001\"}",
 "POST /search\n{\"query\":\"what was my order number?\",\"call_sid\":\"CA0001\",\"agent_id\":\"agent_support\"}"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"caller_key":"\+14155550123"/, qr/"id":"m_order".*"content":"Order XYZ-789 is delayed"/]
--- no_error_log
[error]



=== TEST 2: the binding is a hashed key with a lifetime (elaaoms_call_ttl, 4 hours by default)
--- init
my @k = grep { /call:/ } split /\n/, ElaaomsTest::redis_cmd('KEYS', 'elaaoms:{acme}:call:*');
Test::More::ok(scalar @k >= 1, 'a call key: ' . join(' ', @k));
Test::More::ok(!(grep { /CA0001/ } @k), 'the call id is hashed, not quoted');
my ($key) = map { /"?(elaaoms:\{acme\}:call:[0-9a-f]{32})"?/ ? $1 : () } @k;
my $ttl = ElaaomsTest::redis_cmd('TTL', $key);
Test::More::ok($ttl =~ /(\d+)/ && $1 > 4 * 3600 - 60 && $1 <= 4 * 3600, "ttl $ttl");
Test::More::like(ElaaomsTest::redis_cmd('GET', $key), qr/\+14155550123/, 'it names the caller');
--- request
POST /search
{"query":"what was my order number?","call_sid":"CA0001","caller_id":"+1 (415) 555-0123","agent_id":"agent_support"}
--- error_code: 200
--- response_body_like: "id":"m_order"



=== TEST 3: a caller_id other than the call's caller is refused, whatever the threshold and flags
--- request
POST /search
{"query":"order","call_sid":"CA0001","caller_id":"+14155550199","agent_id":"agent_support","threshold":0,"limit":100,"search_all_agents":true}
--- error_code: 403
--- response_body_like: ^\{"error":"caller_mismatch","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- response_body_unlike
BOB



=== TEST 4: a call nobody bound is refused; a request naming no call is a 400
--- request eval
["POST /search\n{\"query\":\"order\",\"call_sid\":\"CA-never-seen\",\"caller_id\":\"+14155550199\",\"threshold\":0,\"limit\":100,\"search_all_agents\":true}",
 "POST /search\n{\"query\":\"order\",\"caller_id\":\"+14155550199\",\"threshold\":0,\"limit\":100,\"search_all_agents\":true}",
 "POST /search\n{\"query\":\"order\",\"call_sid\":\"CA 1\"}"]
--- error_code eval
[403, 400, 400]
--- response_body_like eval
[qr/^\{"error":"unbound_call",/, qr/^\{"error":"invalid_parameter","message":".*call_sid.* is required/, qr/call_sid.*not a valid call id/]
--- response_body_unlike
BOB



=== TEST 5: a SIP call_id and a conversation_id bind the same way
--- request eval
["POST /client-data\n{\"caller_id\":\"+14155550199\",\"agent_id\":\"agent_support\",\"call_id\":\"a84b4c76e66710\@pc33.atlanta.com\",\"conversation_id\":\"conv_live_1\"}",
 "POST /search\n{\"query\":\"which order is delayed?\",\"call_id\":\"a84b4c76e66710\@pc33.atlanta.com\",\"agent_id\":\"agent_support\"}",
 "POST /search\n{\"query\":\"which order is delayed?\",\"conversation_id\":\"conv_live_1\",\"agent_id\":\"agent_support\"}"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_key":"\+14155550199"/, qr/"content":"Order BOB-/, qr/"content":"Order BOB-/]
--- response_body_unlike
XYZ-789



=== TEST 6: elaaoms_search_binding off trusts caller_id, as before
--- request
POST /search-unbound
{"query":"what was my order number?","caller_id":"+14155550123","agent_id":"agent_support"}
--- error_code: 200
--- response_body_like: "id":"m_order"



=== TEST 7: floors: a threshold under 0.3 is raised to it, a limit over 20 is cut to 20
--- request eval
["POST /search-unbound\n{\"query\":\"which order is delayed?\",\"caller_id\":\"+14155550199\",\"agent_id\":\"agent_support\",\"threshold\":0,\"limit\":100}",
 "POST /search-unbound\n{\"query\":\"which order is delayed?\",\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_support\",\"threshold\":0,\"limit\":100}"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"count":20,/, qr/"id":"m_order"/]
--- response_body_unlike eval
[qr/"count":(?:2[1-9]|3\d),/, qr/tomatoes/]



=== TEST 8: search-memory refuses GET unless elaaoms_search_get on
--- request eval
["GET /search?query=order&call_sid=CA0001",
 "GET /search-get?query=what%20was%20my%20order%20number&call_sid=CA0001&agent_id=agent_support"]
--- error_code eval
[405, 200]
--- response_body_like eval
[qr/^\{"error":"method_not_allowed"/, qr/"id":"m_order"/]



=== TEST 9: bodies over 64 KB are a JSON 413 on client-data and search-memory, chunked too
--- request eval
my $pad = 'x' x (70 * 1024);
my $chunk = sprintf("%x\r\n%s\r\n0\r\n\r\n", length($pad) + 40, '{"caller_id":"+14155550123","pad":"' . $pad . '"}');
["POST /client-data\n{\"caller_id\":\"+14155550123\",\"pad\":\"$pad\"}",
 "POST /search\n{\"query\":\"x\",\"call_sid\":\"CA0001\",\"pad\":\"$pad\"}",
 "POST /client-data-1k\n{\"caller_id\":\"+14155550123\",\"pad\":\"" . ('y' x 2000) . "\"}"]
--- error_code eval
[413, 413, 413]
--- response_body_like eval
[qr/^\{"error":"[a-z_]+","message":"[^"]*","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"[a-z_]+","message":"[^"]*","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"[a-z_]+","message":"[^"]*","request_id":"[0-9a-f]{32}"\}$/]



=== TEST 10: a chunked body over the limit is refused while it is read
--- more_headers
X-Elaaoms-Secret: tool-secret
Transfer-Encoding: chunked
--- request eval
my $pad = 'x' x (70 * 1024);
my $body = '{"caller_id":"+14155550123","pad":"' . $pad . '"}';
"POST /client-data\n" . sprintf("%x\r\n%s\r\n0\r\n\r\n", length($body), $body)
--- error_code: 413
--- response_body_like: ^\{"error":"[a-z_]+","message":"[^"]*","request_id":"[0-9a-f]{32}"\}$



=== TEST 11: an audited search records the client address and the authentication, and old entries go (elaaoms_audit_retention)
--- init
ElaaomsTest::redis_cmd('DEL', 'elaaoms:acme:audit');
# an entry from two years ago, as a stream id in milliseconds
ElaaomsTest::redis_cmd('XADD', 'elaaoms:acme:audit', (int($main::NOW) - 730 * 86400) * 1000 . '-0', 'via', 'ancient');
--- request
POST /search
{"query":"what was my order number?","call_sid":"CA0001","agent_id":"agent_support"}
--- error_code: 200
--- response_body_like: "id":"m_other"
--- wait: 0.3



=== TEST 12: the audit entry of TEST 11
--- init
my @e = main::audit_entries();
Test::More::ok(!(grep { ($_->{via} // '') eq 'ancient' } @e), 'the two-year-old entry was trimmed');
my ($s) = grep { ($_->{via} // '') eq 'search' } @e;
Test::More::ok($s, 'the search entry is there');
Test::More::is($s->{client}, '127.0.0.1', 'client address');
Test::More::is($s->{auth}, 'shared_secret', 'authenticated by the shared secret');
Test::More::is($s->{memory_ids}, 'm_other', "the other agent's memory");
Test::More::is($s->{caller}, $main::MARIA, 'the bound caller');
--- request
GET /search-get?query=x&call_sid=CA0001
--- error_code: 200



=== TEST 13: search_all_agents is refused (503) when its audit entry cannot be written
--- init
ElaaomsTest::redis_cmd('DEL', 'elaaoms:acme:audit');
ElaaomsTest::redis_cmd('SET', 'elaaoms:acme:audit', 'not a stream');
--- request
POST /search
{"query":"what was my order number?","call_sid":"CA0001","agent_id":"agent_support","search_all_agents":true}
--- error_code: 503
--- response_body_like: ^\{"error":"audit_unavailable","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- response_body_unlike
XYZ
--- error_log
audit XADD failed
search_all_agents refused



=== TEST 14: without search_all_agents the answer does not wait for the audit entry
--- request
POST /search
{"query":"what was my order number?","call_sid":"CA0001","agent_id":"agent_support"}
--- error_code: 200
--- response_body_like: "id":"m_order"
