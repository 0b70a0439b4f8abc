# search-memory over stored memories: ranked results (type, created time,
# relevance), threshold (request, elaaoms_search_threshold, default), limit,
# filters, agent visibility (own + shareable, or all), organization and
# caller isolation, superseded memories, the summaries of empty answers
# (no match, no caller, Redis down or hung) and the audit stream entry of
# memories served to another agent.
#
# Memories are written the way the worker writes them: a small helper
# (t/tools/seed_memories.c, built by make as build/tools/seed_memories)
# stores JSON lines with lib/store/memory_store.h.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use File::Temp qw(tempdir);
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();
$ENV{TEST_NGINX_BLACKHOLE_PORT} = blackhole_port();

our $T0 = 1763380800;   # 2025-11-17T12:00:00Z
our $DAY = 86400;
our $MARIA = '+14155550123';

# --- the seeding helper ------------------------------------------------------


# t/tools/seed_memories, built by "make"
sub seed { ElaaomsTest::seed_memories(@_) }

sub mem {
    my ($id, $type, $imp, $agent, $conv, $created, $content, %more) = @_;
    return { org => 'acme', caller => $MARIA, id => $id, type => $type,
             importance => $imp, agent => $agent, conversation => $conv,
             created => $created, content => $content, %more };
}

# Maria (t/fixtures/relevance/labelled.tsv), over three agents
seed(
    mem('m_name', 'factual', 6, 'agent_support', 'conv_a', $T0 - 30 * $DAY,
        "Caller's name is Maria Lopez"),
    mem('m_order', 'issue', 7, 'agent_support', 'conv_b', $T0,
        'Order XYZ-789 is delayed'),
    mem('m_email', 'preference', 8, 'agent_sales', 'conv_c', $T0 - 10 * $DAY,
        'Prefers email over phone calls'),
    mem('m_frustrated', 'emotion', 5, 'agent_support', 'conv_b', $T0,
        'Was frustrated about the late delivery'),
    mem('m_austin', 'factual', 5, 'agent_sales', 'conv_c', $T0 - 10 * $DAY,
        'Lives in Austin, Texas'),
    mem('m_daughter', 'relationship', 6, 'agent_support', 'conv_a',
        $T0 - 30 * $DAY, 'Daughter Sofia handles the account'),
    mem('m_weekly', 'factual', 4, 'agent_support', 'conv_a', $T0 - 30 * $DAY,
        'Calls every week to check on her orders'),
    mem('m_vip', 'factual', 7, 'agent_support', 'conv_a', $T0 - 60 * $DAY,
        'Is a VIP customer since 2019'),
    mem('m_refund', 'issue', 9, 'agent_billing', 'conv_d', $T0 + $DAY,
        'Was charged twice for order XYZ-789 and wants a refund'),
    mem('m_5pm', 'preference', 5, 'agent_sales', 'conv_c', $T0 - 10 * $DAY,
        'Is available after 5pm on weekdays'),

    # the same number in another organization
    { %{ mem('g_order', 'issue', 7, 'agent_support', 'conv_g', $T0,
             'Order ABC-111 was refunded') }, org => 'globex' },

    # another caller of acme
    { %{ mem('o_order', 'issue', 7, 'agent_support', 'conv_o', $T0,
             'Order QQQ-555 is lost in transit') }, caller => '+14155550199' },

    # a changed preference: the older memory superseded, both linked
    { %{ mem('s_email', 'preference', 8, 'agent_support', 'conv_s1',
             $T0 - 90 * $DAY, 'Prefers email over phone calls',
             superseded => JSON::PP::true, conflicts => ['s_text']) },
      caller => '+14155550188' },
    { %{ mem('s_text', 'preference', 7, 'agent_support', 'conv_s2', $T0,
             'Prefers text messages now instead of email',
             conflicts => ['s_email']) },
      caller => '+14155550188' },

    # 150 memories of one caller, for the limit
    map({ +{ %{ mem(sprintf('bulk_%03d', $_), 'factual', 1 + $_ % 10,
                    'agent_support', 'conv_bulk', $T0 + $_,
                    "Order " . (1000 + $_) . " of flour arrived") },
             caller => '+14155550777' } } 0 .. 149),
);

# a search-memory POST as ElevenLabs sends it (the tool's parameters)
sub search {
    my (%p) = @_;
    my %body = (caller_id => $MARIA, agent_id => 'agent_support', %p);
    delete @body{ grep { !defined $body{$_} } keys %body };
    return "POST /webhook/search-memory\n"
        . JSON::PP->new->canonical->encode(\%body);
}

# the ids of an answer's results, in order
sub ids_of {
    my ($body) = @_;
    return join ',', map { $_->{id} }
        @{ JSON::PP::decode_json($body)->{results} };
}

sub audit_len {
    my $n = redis_cmd('XLEN', 'elaaoms:acme:audit');
    return $n =~ /(\d+)/ ? $1 : -1;
}

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location = /webhook/search-memory { elaaoms_org acme; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the order-number question: ranked results with type, created time and relevance, and a summary
--- init
ElaaomsTest::redis_cmd('DEL', 'elaaoms:acme:audit');
--- request eval
main::search(query => 'what was my last order number?')
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body_like chomp
^\{"query":"what was my last order number\?","results":\[\{"id":"m_order","type":"issue","content":"Order XYZ-789 is delayed","importance":7,"created":"2025-11-17T12:00:00Z","created_unix":1763380800,"conversation_id":"conv_b","agent_id":"agent_support","relevance":0\.9\d\d\},\{"id":"m_refund","type":"issue","content":"Was charged twice for order XYZ-789 and wants a refund","importance":9,"created":"2025-11-18T12:00:00Z","created_unix":1763467200,"conversation_id":"conv_d","agent_id":"agent_billing","relevance":0\.[789]\d\d\}\],"count":2,"summary":"Found 2 memories\. Most relevant: Order XYZ-789 is delayed \(issue, 2025-11-17\)\.","request_id":"[0-9a-f]{32}"\}$
--- no_error_log
[error]
[warn]



=== TEST 2: the audit stream got the other agent's memory (agent_billing's, shared at importance 9)
--- init
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len() == 1 }, 5), 'one audit entry');
my $x = ElaaomsTest::redis_cmd('XRANGE', 'elaaoms:acme:audit', '-', '+');
Test::More::like($x, qr/"org"\n.*"acme"\n/, 'audit: org');
Test::More::like($x, qr/"caller"\n.*"\+14155550123"\n/, 'audit: caller');
Test::More::like($x, qr/"agent_id"\n.*"agent_support"\n/, 'audit: requesting agent');
Test::More::like($x, qr/"memory_ids"\n.*"m_refund"\n/, 'audit: only the other agent\'s memory');
Test::More::like($x, qr/"time"\n.*"\d{10}"\n/, 'audit: time');
Test::More::like($x, qr/"request_id"\n.*"[0-9a-f]{32}"\n/, 'audit: request id');
Test::More::like($x, qr/"via"\n.*"search"/, 'audit: via search');
--- request eval
main::search(query => 'how does she want to be contacted?')
--- error_code: 200
--- response_body_like: ^\{"query":"how does she want to be contacted\?","results":\[\{"id":"m_email","type":"preference","content":"Prefers email over phone calls","importance":8,"created":"2025-11-07T12:00:00Z","created_unix":1762516800,"conversation_id":"conv_c","agent_id":"agent_sales","relevance":(?:0\.9\d\d|1\.000)\}.*"summary":"Found \d memories?\. Most relevant: Prefers email over phone calls \(preference, 2025-11-07\)\."



=== TEST 3: a shared memory of another agent is audited with the request that got it
--- init
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len() == 2 }, 5), 'a second audit entry');
my $x = ElaaomsTest::redis_cmd('XREVRANGE', 'elaaoms:acme:audit', '+', '-', 'COUNT', '1');
Test::More::like($x, qr/"memory_ids"\n.*"m_email,m_refund"\n/, 'audit: both other agents\' memories, ranked');
--- request eval
main::search(query => 'was she frustrated about the delivery?', type => 'emotion')
--- error_code: 200
--- response_body_like: ^\{"query":"[^"]+","results":\[\{"id":"m_frustrated","type":"emotion",[^\]]+\}\],"count":1,"summary":"Found 1 memory\. Most relevant: Was frustrated about the late delivery \(emotion, 2025-11-17\)\."



=== TEST 4: own memories only: nothing audited; the default limit is 5, the largest 100
--- init
Test::More::is(main::audit_len(), 2, 'no audit entry for an agent\'s own memories');
--- request eval
[main::search(query => 'what was my last order number?', threshold => 0),
 main::search(query => 'what was my last order number?', threshold => 0, limit => 100),
 main::search(query => 'flour order', threshold => 0, limit => 100, caller_id => '+14155550777'),
 main::search(query => 'flour order', threshold => 0, caller_id => '+14155550777'),
 main::search(query => 'flour order', limit => 101, caller_id => '+14155550777'),
 "GET /webhook/search-memory?query=flour&caller_id=%2B14155550777&threshold=0&limit=3"]
--- error_code eval
[200, 200, 200, 200, 400, 200]
--- response_body_like eval
[qr/"count":5,"summary":"Found 8 memories, showing the 5 most relevant\. Most relevant: Order XYZ-789 is delayed/,
 qr/"count":8,"summary":"Found 8 memories\./,
 qr/"count":100,"summary":"Found 150 memories, showing the 100 most relevant\./,
 qr/"count":5,"summary":"Found 150 memories, showing the 5 most relevant\./,
 qr/^\{"error":"invalid_parameter","message":"\\"limit\\" must be an integer from 1 to 100","request_id":"[0-9a-f]{32}"\}$/,
 qr/"count":3,/]



=== TEST 5: threshold: the request's, else the location's elaaoms_search_threshold, else the calibrated 0.7
--- config
    location = /webhook/search-memory { elaaoms_org acme; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
    location = /loose { elaaoms_org acme; elaaoms_search_threshold 0.01; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
    location = /strict { elaaoms_org acme; elaaoms_search_threshold 1; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
--- request eval
[main::search(query => 'what was my last order number?', threshold => 0.9999),
 main::search(query => 'what was my last order number?', threshold => 0.997),
 main::search(query => 'what was my last order number?'),
 main::search(query => 'what was my last order number?', limit => 100) =~ s{^POST /webhook/search-memory}{POST /loose}r,
 main::search(query => 'what was my last order number?') =~ s{^POST /webhook/search-memory}{POST /strict}r,
 main::search(query => 'what was my last order number?', threshold => 0.7) =~ s{^POST /webhook/search-memory}{POST /strict}r]
--- error_code eval
[200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"results":\[\],"count":0,"summary":"No memories of this caller match the question\."/,
 qr/"results":\[\{"id":"m_order"[^\]]+\}\],"count":1,/,
 qr/"count":2,/,
 qr/"count":8,/,
 qr/"results":\[\],"count":0,/,
 qr/"count":2,/]



=== TEST 6: an invalid elaaoms_search_threshold stops nginx from starting
--- config
    location = /webhook/search-memory { elaaoms_search_threshold 1.5; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
--- must_die
--- error_log
invalid "1.5" in "elaaoms_search_threshold", expected a number from 0 to 1



=== TEST 7: filters: type, conversation_id, since / until, min_importance (query string or body)
--- request eval
["GET /webhook/search-memory?query=anything&caller_id=%2B14155550123&agent_id=agent_support&threshold=0&type=issue",
 "GET /webhook/search-memory?query=anything&caller_id=%2B14155550123&agent_id=agent_support&threshold=0&conversation_id=conv_b",
 "GET /webhook/search-memory?query=anything&caller_id=%2B14155550123&agent_id=agent_support&threshold=0&since=1763380800",
 "GET /webhook/search-memory?query=anything&caller_id=%2B14155550123&agent_id=agent_support&threshold=0&since=1763380800&until=1763380800",
 main::search(query => 'anything', threshold => 0, until => $main::T0 - 30 * $main::DAY),
 main::search(query => 'anything', threshold => 0, min_importance => 8),
 main::search(query => 'anything', threshold => 0, min_importance => 8, type => 'issue', since => $main::T0)]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"results":\[\{"id":"m_(order|refund)"[^\]]*"id":"m_(order|refund)"[^\]]*\],"count":2,/,
 qr/"results":\[\{"id":"m_(order|frustrated)"[^\]]*"id":"m_(order|frustrated)"[^\]]*\],"count":2,/,
 qr/"count":3,/,
 qr/"count":2,/,
 qr/"count":4,/,
 qr/"results":\[\{"id":"m_(email|refund)"[^\]]*"id":"m_(email|refund)"[^\]]*\],"count":2,/,
 qr/"results":\[\{"id":"m_refund"[^\]]*\],"count":1,/]



=== TEST 8: another agent's memory below importance 8 shows only with search_all_agents
--- request eval
[main::search(query => 'does she live in Austin, Texas?'),
 main::search(query => 'does she live in Austin, Texas?', search_all_agents => JSON::PP::true),
 "GET /webhook/search-memory?query=Austin+Texas&caller_id=%2B14155550123&agent_id=agent_support&search_all_agents=true",
 main::search(query => 'does she live in Austin, Texas?', agent_id => 'agent_sales'),
 main::search(query => 'anything', threshold => 0, limit => 100, agent_id => undef)]
--- error_code eval
[200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"results":\[\],"count":0,/,
 qr/"results":\[\{"id":"m_austin","type":"factual","content":"Lives in Austin, Texas",[^\]]*"agent_id":"agent_sales"/,
 qr/"results":\[\{"id":"m_austin"/,
 qr/"results":\[\{"id":"m_austin"/,
 qr/"count":2,/]



=== TEST 9: the same number in two organizations, and two callers of one organization, never mix
--- config
    location = /webhook/search-memory { elaaoms_org acme; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
    location = /globex { elaaoms_org globex; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_get on; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
--- request eval
[main::search(query => 'what was my last order number?', threshold => 0, limit => 100) =~ s{^POST /webhook/search-memory}{POST /globex}r,
 main::search(query => 'what was my last order number?', threshold => 0, limit => 100),
 main::search(query => 'what was my last order number?', threshold => 0, limit => 100, caller_id => '+1 (415) 555-0199'),
 main::search(query => 'what was my last order number?', caller_id => '+14155550000')]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/^\{"query":"[^"]+","results":\[\{"id":"g_order","type":"issue","content":"Order ABC-111 was refunded",[^\]]+\}\],"count":1,/,
 qr/^(?!.*(?:ABC-111|QQQ-555|g_order|o_order)).*"count":8,/,
 qr/^\{"query":"[^"]+","results":\[\{"id":"o_order","type":"issue","content":"Order QQQ-555 is lost in transit",[^\]]+\}\],"count":1,/,
 qr/"results":\[\],"count":0,"summary":"No memories of this caller match the question\."/]



=== TEST 10: a superseded memory comes after the one that replaced it, and says so
--- request eval
[main::search(query => 'does he prefer email over phone calls?', threshold => 0.3, caller_id => '+14155550188'),
 main::search(query => 'does he prefer email over phone calls?', threshold => 0.3, limit => 1, caller_id => '+14155550188')]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"results":\[\{"id":"s_text",[^\}]*"relevance":[01]\.\d{3}\},\{"id":"s_email",[^\}]*"relevance":[01]\.\d{3},"superseded":true\}\],"count":2,"summary":"Found 2 memories\. Most relevant: Prefers text messages now instead of email \(preference, 2025-11-17\)\."/,
 qr/"results":\[\{"id":"s_text",[^\]]*\],"count":1,"summary":"Found 2 memories, showing the most relevant one\. /]



=== TEST 11: nothing matches: 200, an empty list and a summary saying so
--- request eval
main::search(query => 'does she have a dog?')
--- error_code: 200
--- response_body_like chomp
^\{"query":"does she have a dog\?","results":\[\],"count":0,"summary":"No memories of this caller match the question\.","request_id":"[0-9a-f]{32}"\}$



=== TEST 12: no usable caller: 200, empty, a summary saying there is no caller to search
--- request eval
[main::search(query => 'what was my last order number?', caller_id => undef),
 main::search(query => 'what was my last order number?', caller_id => 'anonymous'),
 "GET /webhook/search-memory?query=order&caller_id=restricted"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/^\{"query":"what was my last order number\?","results":\[\],"count":0,"summary":"No memories to search: the caller's number is unknown or withheld\.","request_id":"[0-9a-f]{32}"\}$/,
 qr/"results":\[\],"count":0,"summary":"No memories to search/,
 qr/"results":\[\],"count":0,"summary":"No memories to search/]



=== TEST 13: Redis down: 200, empty, "unavailable" -- the call goes on
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_redis_timeout 300ms;
--- request eval
[main::search(query => 'what was my last order number?'),
 main::search(query => 'what was my last order number?')]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"query":"what was my last order number\?","results":\[\],"count":0,"summary":"Memory is unavailable right now; carry on without it\.","request_id":"[0-9a-f]{32}"\}$/,
 qr/"summary":"Memory is unavailable right now/]
--- no_error_log
[alert]



=== TEST 14: Redis that never answers: the same answer within elaaoms_redis_timeout
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT;
    elaaoms_redis_timeout 300ms;
--- request eval
main::search(query => 'what was my last order number?')
--- error_code: 200
--- timeout: 3
--- response_body_like: "results":\[\],"count":0,"summary":"Memory is unavailable right now; carry on without it\."
--- error_log
redis did not answer within 300 ms



=== TEST 15: a NUL byte in a query-string parameter is a 400 that names it (never the stack's bytes)
--- request eval
["GET /webhook/search-memory?query=order%00x&caller_id=%2B14155550123",
 "GET /webhook/search-memory?query=order&caller_id=%2B1415%00&agent_id=agent_support",
 "GET /webhook/search-memory?query=order&%FF%22=x%00"]
--- error_code eval
[400, 400, 400]
--- response_body_like eval
[qr/^\{"error":"invalid_parameter","message":"\\"query\\" contains a NUL byte","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"invalid_parameter","message":"\\"caller_id\\" contains a NUL byte","request_id":"[0-9a-f]{32}"\}$/,
 qr/^\{"error":"invalid_parameter","message":"a parameter contains a NUL byte","request_id":"[0-9a-f]{32}"\}$/]
--- no_error_log
[alert]



=== TEST 16: callers whose ids the key alphabet cannot carry are told apart: each finds its own memories, a near-identical id none
--- init
main::seed(
    { %{ main::mem('u_jose', 'issue', 7, 'agent_support', 'conv_u1', $main::T0, 'Order JJJ-100 is delayed') },
      caller => "Jos\xc3\xa9" },
    { %{ main::mem('u_plus', 'issue', 7, 'agent_support', 'conv_u2', $main::T0, 'Order PPP-200 is delayed') },
      caller => 'a+b@x.com' },
    { %{ main::mem('u_sip', 'issue', 7, 'agent_support', 'conv_u3', $main::T0, 'Order SSS-300 is delayed') },
      caller => 'sip:alice@pbx.example' });
--- request eval
[main::search(query => 'is my order delayed?', threshold => 0, caller_id => "Jos\xc3\xa9"),
 "GET /webhook/search-memory?query=is+my+order+delayed&threshold=0&agent_id=agent_support&caller_id=Jos%C3%A9%0A",
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'Jos'),
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'jos'),
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'a+b@x.com'),
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'ab@x.com'),
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'sip:alice@pbx.example;transport=tls'),
 main::search(query => 'is my order delayed?', threshold => 0, caller_id => 'sip:alicep@bx.example')]
--- error_code eval
[200, 200, 200, 200, 200, 200, 200, 200]
--- response_body_like eval
[qr/"results":\[\{"id":"u_jose".*"count":1,/,
 qr/"results":\[\{"id":"u_jose".*"count":1,/,
 qr/"results":\[\],"count":0,/,
 qr/"results":\[\],"count":0,/,
 qr/"results":\[\{"id":"u_plus".*"count":1,/,
 qr/"results":\[\],"count":0,/,
 qr/"results":\[\{"id":"u_sip".*"count":1,/,
 qr/"results":\[\],"count":0,/]

=== TEST 17: the caller's own line comes with a memory of the asking agent's, not with another agent's shared one
--- init
main::seed(
    { %{ main::mem('q_text', 'preference', 6, 'agent_support', 'conv_q1', $main::T0, 'The caller asked the company to text them', quote => "Text me, please, don't call, I'm asleep until two.") },
      caller => '+14155550166' },
    { %{ main::mem('q_heart', 'factual', 9, 'agent_sales', 'conv_q2', $main::T0, 'The caller has a pacemaker, so no texting during a fitting', quote => 'I have a pacemaker, and Dana has my spare key.') },
      caller => '+14155550166' });
--- request eval
main::search(query => 'how should we text her?', threshold => 0, caller_id => '+14155550166')
--- error_code: 200
--- response_body_like chomp
^\{"query":"how should we text her\?","results":\[(?=.*"id":"q_text"[^}]*"source_quote":"Text me, please, don't call, I'm asleep until two\."\})(?=.*"id":"q_heart"[^}]*"relevance":[01]\.\d\d\d\})(?!.*spare key).*"count":2,
--- no_error_log
[error]
