# Pre-call context (client-data): the documents the worker precomputes
# (lib/context/context_store.h) served with one Redis round trip: the returning
# caller greeted with their open issue, overrides only where the cached
# agent profile allows them (or the configuration forces the first
# message), the prompt addition, the agent's placeholders, unknown and
# missing callers, agents not seen yet (_any), Redis down or hung (generic
# 200 within the timeout), the audit entry of shared memories, and
# organization isolation.
#
# Documents and profiles are seeded directly, in the documented format.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();
$ENV{TEST_NGINX_BLACKHOLE_PORT} = blackhole_port();

our $MARIA = '+14155550123';
our $FREQUENT = '+15550001234';
our $J = JSON::PP->new->utf8->allow_nonref->canonical;

sub ctx_key { my ($org, $caller, $agent) = @_; "elaaoms:$org:{$org:$caller}:context:$agent" }
sub profile_key { my ($org, $agent) = @_; "elaaoms:$org:agent:$agent:profile" }

# a document as elaaoms_context_document() writes it, keys in its order
sub doc {
    my (%d) = @_;
    my @vars = map { $J->encode($_->[0]) . ':' . $J->encode($_->[1]) } @{ $d{vars} };
    return '{"version":1,"agent_id":' . $J->encode($d{agent})
        . ',"built_us":' . ($d{built} || 1764000000000000)
        . ',"dynamic_variables":{' . join(',', @vars) . '}'
        . ',"first_message":' . $J->encode($d{first} // '')
        . ',"prompt_addition":' . $J->encode($d{prompt} // '')
        . ',"shared_ids":' . $J->encode($d{shared} || [])
        . ',"context":' . $J->encode($d{context} || {}) . '}';
}

sub vars {
    my (%v) = @_;
    my @out = (['caller_known', JSON::PP::true], ['caller_call_count', $v{count}],
               ['caller_context', $v{context}],
               ['caller_last_interaction', $v{last} // '2025-11-17'],
               ['caller_open_issue', $v{issue} // '']);
    push @out, ['caller_name', $v{name}] if defined $v{name};
    return \@out;
}

our $MARIA_CONTEXT = {
    caller => $MARIA, name => 'Maria Lopez', calls => 2, first_seen => '2025-10-01',
    last_seen => '2025-11-17', frequency => 'every few months',
    summary => 'Maria Lopez: 2 previous calls (every few months), last on 2025-11-17; open issue: The caller\'s order XYZ-789 was running late.',
    open_issues => [{ id => 'm_order', type => 'issue', content => "The caller's order XYZ-789 was running late.", importance => 7, date => '2025-11-17' }],
    last_conversation => [], shared => [], conflicts => [],
    preferences => [{ id => 'm_email', type => 'preference', content => 'Prefers email over phone calls.', importance => 6, date => '2025-10-01' }],
    relationship => [{ insight => 'Returning caller: 2 calls since 2025-10-01 (every few months); last call 2025-11-17.' }],
    earlier => [],
};

our $GREETING = "Hi Maria, welcome back! Last time we spoke about this: your order XYZ-789 was running late \x{2014} is that why you're calling?";

sub seed_all {
    # profiles: the fixture allows first message and prompt overrides; the
    # locked agent allows neither and defines an extra variable
    redis_cmd('SET', profile_key('acme', 'agent_01support7x'),
              fixture('elevenlabs/agent_profile_response.json'));
    redis_cmd('SET', profile_key('acme', 'agent_locked'), $J->encode({
        agent_id => 'agent_locked',
        conversation_config => { agent => {
            first_message => 'Locked agent here.',
            prompt => { prompt => 'You are locked.' },
            dynamic_variables => { dynamic_variable_placeholders => {
                caller_name => 'there', account_tier => 'standard', system__x => 'no' } } } },
        platform_settings => { overrides => { conversation_config_override => {
            agent => { first_message => JSON::PP::false, prompt => { prompt => JSON::PP::false } } } } } }));

    my $maria_vars = vars(count => 2, name => 'Maria Lopez',
        issue => "The caller's order XYZ-789 was running late.",
        context => "Open issue: The caller's order XYZ-789 was running late. Preferences: Prefers email over phone calls.");
    my $prompt = "What you remember about this caller from earlier calls (JSON, most important first). Use it naturally and briefly, never read it out, and confirm details before acting on them. Items under \"shared\" were noted by other agents of the company.\n"
        . $J->encode($MARIA_CONTEXT);

    redis_cmd('SET', ctx_key('acme', $MARIA, 'agent_01support7x'), doc(
        agent => 'agent_01support7x', vars => $maria_vars, first => $GREETING,
        prompt => $prompt, context => $MARIA_CONTEXT));
    redis_cmd('SET', ctx_key('acme', $MARIA, 'agent_locked'), doc(
        agent => 'agent_locked', vars => $maria_vars, first => $GREETING,
        prompt => $prompt, context => $MARIA_CONTEXT));

    # billing: the 9/10 memory technical support recorded, shared
    my $hack = { id => 'm_hack', agent_id => 'agent_tech', type => 'issue',
                 content => 'Account was hacked; a password reset is pending.',
                 importance => 9, date => '2025-11-10' };
    my $shared_vars = vars(count => 2, issue => $hack->{content},
        context => 'Noted by other agents: Account was hacked; a password reset is pending.');
    redis_cmd('SET', ctx_key('acme', $MARIA, 'agent_01billing3q'), doc(
        agent => 'agent_01billing3q', vars => $shared_vars, shared => ['m_hack'],
        prompt => "What you remember...\n" . $J->encode({ shared => [$hack] }),
        context => { caller => $MARIA, shared => [$hack] }));
    redis_cmd('SET', ctx_key('acme', $MARIA, '_any'), doc(
        agent => '_any', vars => $shared_vars, shared => ['m_hack', 'm_other'],
        context => { caller => $MARIA, shared => [$hack] }));

    # a frequent caller
    redis_cmd('SET', ctx_key('acme', $FREQUENT, 'agent_01support7x'), doc(
        agent => 'agent_01support7x',
        vars => vars(count => 12, last => '2025-12-17',
                     context => 'History: Frequent caller: 12 calls since 2025-10-01 (about weekly); last call 2025-12-17.'),
        context => { relationship => [{ insight => 'Frequent caller: 12 calls since 2025-10-01 (about weekly); last call 2025-12-17.' }] }));

    # the same number in another organization is another person
    redis_cmd('SET', profile_key('globex', 'agent_01support7x'),
              fixture('elevenlabs/agent_profile_response.json'));
    redis_cmd('SET', ctx_key('globex', $MARIA, 'agent_01support7x'), doc(
        agent => 'agent_01support7x', first => 'Ciao Mario, welcome back to Globex!',
        vars => vars(count => 5, name => 'Mario Rossi', context => 'Globex customer since 2024.')));

    # one agent id, two organizations, two profiles: nginx's profile cache
    # (per process, by agent id) must answer each with its own bytes
    for my $org (qw(acme globex)) {
        redis_cmd('SET', profile_key($org, 'agent_twin'), $J->encode({
            agent_id => 'agent_twin',
            conversation_config => { agent => {
                first_message => "Welcome to \x{201c}" . ucfirst($org) . "\x{201d}",
                dynamic_variables => { dynamic_variable_placeholders => {
                    twin_org => $org } } } },
            platform_settings => { overrides => { conversation_config_override => {
                agent => { first_message => $org eq 'acme' ? JSON::PP::true
                                                           : JSON::PP::false } } } } }));
    }

    # a document that is not JSON
    redis_cmd('SET', ctx_key('acme', '+15550009999', 'agent_01support7x'), '{"version":1,');
    # texts that need escaping everywhere; no document for this agent: the
    # caller's _any one is read instead
    redis_cmd('SET', profile_key('acme', 'agent_quotes'), $J->encode({
        agent_id => 'agent_quotes',
        conversation_config => { agent => {
            first_message => "Hello \"friend\"",
            prompt => { prompt => "Line one\nLine \\two" },
            dynamic_variables => { dynamic_variable_placeholders => {
                tier => 'gold "plus"', seats => 3, vip => JSON::PP::true,
                nothing => undef, nested => { no => 1 } } } } },
        platform_settings => { overrides => { conversation_config_override => {
            agent => { first_message => JSON::PP::true,
                       prompt => { prompt => JSON::PP::true } } } } } }));
    # documents with heads, as the worker writes them (the head here says
    # otherwise, to tell which one was read): the head is read first, the
    # whole document only where the profile allows the prompt override
    redis_cmd('SET', profile_key('acme', 'agent_broken'), '{"conversation_config":');
    for my $d (['agent_locked', 'Locked'], ['agent_01support7x', 'Support'],
               ['agent_broken', 'Broken']) {
        my ($agent, $name) = @$d;
        my $start = '{"version":2,"agent_id":' . $J->encode($agent)
            . ',"built_us":1764000000000000,"dynamic_variables":{'
            . '"caller_known":true,"caller_call_count":3,"caller_name":';
        my $end = ',"first_message":"Hello again.","shared_ids":[]';
        redis_cmd('SET', ctx_key('acme', '+15550007777', $agent),
            $start . $J->encode("Whole $name") . '}' . $end
            . ',"prompt_addition":"PROMPT-77 for ' . $name . '"}');
        redis_cmd('SET', ctx_key('acme', '+15550007777', $agent) . ':head',
            $start . $J->encode("Head $name") . '}' . $end . '}');
    }
    redis_cmd('SET', ctx_key('acme', '+15550008888', '_any'), doc(
        agent => '_any', first => "Hi \"Sam\"\tthere \x{2014} caf\x{e9}",
        prompt => "Remember:\n{\"k\":\"v\\\\w\"}",
        vars => vars(count => 1, context => "He said \"cancel\" \\ {now}\nnext [line]\x{01}")));
}

# a version 3 document and its head, as elaaoms_context_document() and
# context_store.c's script write them: "at" holds the offset and length
# of the values of dynamic_variables, first_message and shared_ids;
# decoy => name puts a member of that name before dynamic_variables and
# points "at" to it instead (which one nginx copied then says whether it
# read the spans or scanned the document); at => text writes that instead
sub doc3 {
    my (%d) = @_;
    my $vars = '{' . join(',', map { $J->encode($_->[0]) . ':' . $J->encode($_->[1]) } @{ $d{vars} }) . '}';
    my $first = $J->encode($d{first} // '');
    # version 4: the served set's id instead of the ids (v4 => set id)
    my $shared = defined $d{v4} ? $J->encode($d{v4}) : $J->encode($d{shared} || []);
    my $pre = defined $d{v4} ? '{"version":4,"at":"' : '{"version":3,"at":"';
    my $text = '","agent_id":' . $J->encode($d{agent}) . ',"built_us":1764000000000000,';
    my $vars_at;
    if ($d{decoy}) {
        my $decoy = '{' . join(',', map { $J->encode($_->[0]) . ':' . $J->encode($_->[1]) } @{ $d{decoy_vars} }) . '}';
        $text .= $J->encode($d{decoy}) . ':';
        $vars_at = [length($pre) + 41 + length($text), length($decoy)];
        $text .= $decoy . ',';
    }
    $text .= '"dynamic_variables":';
    $vars_at ||= [length($pre) + 41 + length($text), length($vars)];
    $text .= $vars . ',"first_message":';
    my $first_at = [length($pre) + 41 + length($text), length($first)];
    $text .= $first . (defined $d{v4} ? ',"shared_set":' : ',"shared_ids":');
    my $shared_at = [length($pre) + 41 + length($text), length($shared)];
    $text .= $shared;
    my $at = $d{at} // join(' ', map { sprintf '%06d', $_ } @$vars_at, @$first_at, @$shared_at);
    my $head = $pre . $at . $text . '}';
    return ($pre . $at . $text . ',"prompt_addition":' . $J->encode($d{prompt} // '') . '}', $head);
}

# version 3: each agent's document and head, with nginx's own expectations
sub seed_v3 {
    my $caller = '+15550006666';
    my %agents = (
        agent_plain => {},
        agent_locked => {},
        agent_01support7x => {},
        agent_decoy => { decoy => 'decoy', decoy_vars => [['caller_known', JSON::PP::true], ['caller_name', 'From Spans']] },
        agent_lies => { at => '000070 000021 000115 000004 000134 000006' },
        agent_zeros => { at => join(' ', ('000000') x 6) },
        agent_v4 => { v4 => '0123456789abcdef' },
        agent_v4scan => { v4 => 'fedcba9876543210', at => join(' ', ('000000') x 6) },
        agent_v4bad => { v4 => 'not-a-set' },
        agent_v4none => { v4 => '' },
    );
    for my $agent (sort keys %agents) {
        my ($doc, $head) = doc3(agent => $agent, first => "V3 hello \"$agent\"",
            prompt => "PROMPT-66 for $agent", shared => ['m_v3a', 'm_v3b'],
            vars => vars(count => 4, context => "Context of $agent", name => "V3 $agent"),
            %{ $agents{$agent} });
        redis_cmd('SET', ctx_key('acme', $caller, $agent), $doc);
        redis_cmd('SET', ctx_key('acme', $caller, $agent) . ':head', $head);
    }
}

seed_all();
seed_v3();

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location = /webhook/client-data { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook client_data; }
    location = /globex/client-data { elaaoms_org globex; elaaoms_auth off; elaaoms_webhook client_data; }
    location = /health { elaaoms_health; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a returning caller is greeted with the open issue; the profile allows the overrides
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture('elevenlabs/client_data_request_twilio.json')
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body_like eval
[qr/^\{"type":"conversation_initiation_client_data","dynamic_variables":\{"caller_known":true,"caller_call_count":2,"caller_context":"Open issue: The caller's order XYZ-789 was running late. Preferences: Prefers email over phone calls.","caller_last_interaction":"2025-11-17","caller_open_issue":"The caller's order XYZ-789 was running late.","caller_name":"Maria Lopez","caller_key":"\+14155550123","first_message":"Hi Maria, welcome back! Last time we spoke about this: your order XYZ-789 was running late \xe2\x80\x94 is that why you're calling\?"\},"conversation_config_override":\{"agent":\{"first_message":"Hi Maria, welcome back! Last time we spoke about this: your order XYZ-789 was running late \xe2\x80\x94 is that why you're calling\?","prompt":\{"prompt":"You are Acme's friendly support agent. Be concise.\\n\\nWhat you remember about this caller from earlier calls \(JSON, most important first\)\..*\\n\{\\"caller\\":\\"\+14155550123\\",\\"calls\\":2,.*XYZ-789.*"\}\}\}\}$/]
--- response_body_unlike
"caller_name".*"caller_name"
--- no_error_log
[error]
[warn]



=== TEST 2: the agent profile forbids the overrides: none is sent, the variables carry the greeting and the agent's own placeholders
--- request
POST /webhook/client-data
{"caller_id":"+1 (415) 555-0123","agent_id":"agent_locked"}
--- error_code: 200
--- response_body_like: "caller_name":"Maria Lopez","caller_key":"\+14155550123","first_message":"Hi Maria, welcome back! [^"]+","account_tier":"standard"\}\}$
--- response_body_unlike
conversation_config_override|system__x|"caller_name":"there"



=== TEST 3: elaaoms_first_message_override forces the first message, never the prompt
--- config
    location = /webhook/client-data {
        elaaoms_org acme;
        elaaoms_first_message_override on;
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request
POST /webhook/client-data
{"caller_id":"+14155550123","agent_id":"agent_locked"}
--- error_code: 200
--- response_body_like: "conversation_config_override":\{"agent":\{"first_message":"Hi Maria, welcome back! Last time we spoke about this: your order XYZ-789[^"]+"\}\}\}$
--- response_body_unlike
"prompt"



=== TEST 4: an unknown caller gets the agent profile's own first message (no override needed), then the configured default
--- config
    location = /webhook/client-data {
        elaaoms_org acme;
        elaaoms_default_first_message "Acme here, how can I help?";
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request eval
["POST /webhook/client-data\n{\"caller_id\":\"+19998887777\",\"agent_id\":\"agent_01support7x\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"+19998887777\",\"agent_id\":\"agent_nobody\"}"]
--- error_code eval
[200, 200]
--- response_body eval
["{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"+19998887777\",\"first_message\":\"Hi, thanks for calling Acme. How can I help you today?\",\"caller_name\":\"there\"}}",
 "{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"+19998887777\",\"first_message\":\"Acme here, how can I help?\"}}"]



=== TEST 5: a missing or withheld caller gets the generic answer
--- config
    location = /webhook/client-data {
        elaaoms_org acme;
        elaaoms_default_first_message "Acme here, how can I help?";
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request eval
["POST /webhook/client-data\n{\"agent_id\":\"agent_01support7x\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"anonymous\",\"agent_id\":\"agent_01billing3q\"}"]
--- error_code eval
[200, 200]
--- response_body eval
["{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"\",\"first_message\":\"Acme here, how can I help?\"}}",
 "{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"\",\"first_message\":\"Acme here, how can I help?\"}}"]



=== TEST 6: a frequent caller's relationship insight reaches the agent
--- request
POST /webhook/client-data
{"caller_id":"+15550001234","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body_like: "caller_known":true,"caller_call_count":12,"caller_context":"History: Frequent caller: 12 calls since 2025-10-01 \(about weekly\); last call 2025-12-17.","caller_last_interaction":"2025-12-17"
--- response_body_unlike
conversation_config_override



=== TEST 7: no shared memory served yet: the audit stream is empty
--- init
Test::More::is(ElaaomsTest::redis_cmd('EXISTS', 'elaaoms:acme:audit'), '(integer) 0', 'nothing audited for own memories');
--- request
GET /health
--- error_code: 200



=== TEST 8: billing gets the 9/10 memory technical support recorded, and the serving is audited without waiting
--- request eval
"POST /webhook/client-data\n" . ElaaomsTest::fixture('elevenlabs/client_data_request_sip.json')
--- error_code: 200
--- response_body_like: "caller_open_issue":"Account was hacked; a password reset is pending.","caller_key":"\+14155550123","first_message":"Hello! How can I help you today\?"\}\}$
--- error_log
other agents' memories m_hack served to agent "agent_01billing3q"



=== TEST 9: an agent not seen yet gets the caller's _any context (shareable memories only); an unusable agent id too
--- request eval
["POST /webhook/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_new\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"../etc/passwd\"}"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"caller_known":true,"caller_call_count":2,"caller_context":"Noted by other agents: Account was hacked[^"]*",.*"first_message":"Hello! How can I help you today\?"\}\}$/,
 qr/"caller_known":true,.*"caller_open_issue":"Account was hacked/]



=== TEST 10: the audit stream holds one entry per serving of shared memories, with org, caller, agent, ids, time and request id
--- init
my $out = ElaaomsTest::wait_until(sub {
    my $n = ElaaomsTest::redis_cmd('XLEN', 'elaaoms:acme:audit');
    return $n eq '(integer) 3' ? $n : undef; }, 5);
Test::More::is($out, '(integer) 3', 'three audit entries');
my $all = ElaaomsTest::redis_cmd('XRANGE', 'elaaoms:acme:audit', '-', '+');
Test::More::like($all, qr/"org"\s+\d+\)\s+"acme"\s+\d+\)\s+"caller"\s+\d+\)\s+"\+14155550123"\s+\d+\)\s+"agent_id"\s+\d+\)\s+"agent_01billing3q"\s+\d+\)\s+"memory_ids"\s+\d+\)\s+"m_hack"\s+\d+\)\s+"time"\s+\d+\)\s+"\d{10}"\s+\d+\)\s+"request_id"\s+\d+\)\s+"[0-9a-f]{32}"\s+\d+\)\s+"via"\s+\d+\)\s+"client_data"/, 'billing entry');
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_new"\s+\d+\)\s+"memory_ids"\s+\d+\)\s+"m_hack,m_other"/, 'entry of the agent not seen yet');
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+""\s+\d+\)\s+"memory_ids"\s+\d+\)\s+"m_hack,m_other"/, 'entry of the unusable agent id');
Test::More::unlike($all, qr/agent_01support7x|agent_locked/, 'own memories are not audited');
--- request
GET /health
--- error_code: 200



=== TEST 11: organizations are isolated: the same number is another caller in another org
--- config
    location = /acme/client-data { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook client_data; }
    location = /globex/client-data { elaaoms_org globex; elaaoms_auth off; elaaoms_webhook client_data; }
    location = /initech/client-data { elaaoms_org initech; elaaoms_auth off; elaaoms_webhook client_data; }
--- request eval
["POST /globex/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\"}",
 "POST /acme/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\"}",
 "POST /initech/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\"}"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_call_count":5,.*"caller_name":"Mario Rossi",.*"first_message":"Ciao Mario, welcome back to Globex!".*"conversation_config_override":\{"agent":\{"first_message":"Ciao Mario/,
 qr/"caller_name":"Maria Lopez",.*"first_message":"Hi Maria, welcome back!/,
 qr/^\{"type":"conversation_initiation_client_data","dynamic_variables":\{"caller_known":false,"caller_call_count":0,.*"first_message":"Hello! How can I help you today\?"\}\}$/]
--- response_body_unlike eval
[qr/Maria|Acme's friendly/, qr/Mario|Globex/, qr/Maria|Mario/]



=== TEST 12: Redis down (nothing listens): a generic 200 at once
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_redis_timeout 300ms;
--- request eval
["POST /webhook/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\"}"]
--- error_code eval
[200, 200]
--- response_body eval
["{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"+14155550123\",\"first_message\":\"Hello! How can I help you today?\"}}",
 "{\"type\":\"conversation_initiation_client_data\",\"dynamic_variables\":{\"caller_known\":false,\"caller_call_count\":0,\"caller_context\":\"\",\"caller_last_interaction\":\"\",\"caller_open_issue\":\"\",\"caller_key\":\"+14155550123\",\"first_message\":\"Hello! How can I help you today?\"}}"]
--- timeout: 2
--- no_error_log
[alert]



=== TEST 13: Redis that accepts and never answers: a generic 200 within elaaoms_redis_timeout
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT;
    elaaoms_redis_timeout 300ms;
--- config
    location = /webhook/client-data {
        elaaoms_org acme;
        elaaoms_first_message_override on;
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
--- request
POST /webhook/client-data
{"caller_id":"+14155550123","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body chomp
{"type":"conversation_initiation_client_data","dynamic_variables":{"caller_known":false,"caller_call_count":0,"caller_context":"","caller_last_interaction":"","caller_open_issue":"","caller_key":"+14155550123","first_message":"Hello! How can I help you today?"},"conversation_config_override":{"agent":{"first_message":"Hello! How can I help you today?"}}}
--- timeout: 1.5
--- error_log
redis did not answer within 300 ms
client-data: redis unavailable, generic answer



=== TEST 14: a document that is not JSON is ignored: the caller is treated as unknown
--- request
POST /webhook/client-data
{"caller_id":"+15550009999","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body_like: "caller_known":false,.*"first_message":"Hi, thanks for calling Acme. How can I help you today\?"
--- error_log
unusable context in redis



=== TEST 15: quotes, backslashes, control characters and braces in the document and the profile come out escaped once; an agent without a document of its own gets _any
--- request
POST /webhook/client-data
{"caller_id":"+15550008888","agent_id":"agent_quotes"}
--- error_code: 200
--- response_body_like eval
my @parts = ('"caller_context":"He said \\"cancel\\" \\\\ {now}\\nnext [line]\\u0001"',
             '"caller_key":"+15550008888","first_message":"Hi \\"Sam\\"\\tthere',
             '"nothing":null,"seats":3,"tier":"gold \\"plus\\"","vip":true}',
             '"conversation_config_override":{"agent":{"first_message":"Hi \\"Sam\\"',
             '"prompt":{"prompt":"Line one\\nLine \\\\two\\n\\nRemember:\\n{\\"k\\":\\"v\\\\\\\\w\\"}"}}}}');
my $re = join '.*', map { quotemeta } @parts;
qr/$re$/s
--- response_body_unlike: "nested"



=== TEST 16: a document with a head: the head is read when the profile allows no prompt override
--- request
POST /webhook/client-data
{"caller_id":"+15550007777","agent_id":"agent_locked"}
--- error_code: 200
--- response_body_like: ^\{"type":"conversation_initiation_client_data","dynamic_variables":\{"caller_known":true,"caller_call_count":3,"caller_name":"Head Locked",.*"first_message":"Hello again\."
--- response_body_unlike: Whole|PROMPT-77|conversation_config_override



=== TEST 17: a document with a head: where the profile allows the prompt override, the whole document is read for its prompt text
--- request
POST /webhook/client-data
{"caller_id":"+15550007777","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body_like: "caller_name":"Whole Support",.*"prompt":\{"prompt":"[^"]*\\n\\nPROMPT-77 for Support"\}
--- response_body_unlike: Head Support



=== TEST 18: a document with a head and a profile that is not JSON: the head, no override, a warning
--- request
POST /webhook/client-data
{"caller_id":"+15550007777","agent_id":"agent_broken"}
--- error_code: 200
--- response_body_like: "caller_name":"Head Broken",.*"first_message":"Hello again\."\}\}$
--- error_log
unusable agent profile in redis



=== TEST 19: one agent id in two organizations, requests alternating in one nginx process: each answer from its own organization's profile (the process's profile cache compares the bytes)
--- request eval
["POST /webhook/client-data\n{\"caller_id\":\"+15550004242\",\"agent_id\":\"agent_twin\"}",
 "POST /globex/client-data\n{\"caller_id\":\"+15550004242\",\"agent_id\":\"agent_twin\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"+15550004242\",\"agent_id\":\"agent_twin\"}",
 "POST /globex/client-data\n{\"caller_id\":\"+15550004242\",\"agent_id\":\"agent_twin\"}"]
--- error_code eval
[200, 200, 200, 200]
--- response_body_like eval
[qr/"first_message":"Welcome to \xe2\x80\x9cAcme\xe2\x80\x9d","twin_org":"acme"\}\}$/,
 qr/"first_message":"Welcome to \xe2\x80\x9cGlobex\xe2\x80\x9d","twin_org":"globex"\}\}$/,
 qr/"first_message":"Welcome to \xe2\x80\x9cAcme\xe2\x80\x9d","twin_org":"acme"\}\}$/,
 qr/"first_message":"Welcome to \xe2\x80\x9cGlobex\xe2\x80\x9d","twin_org":"globex"\}\}$/]
--- no_error_log
[error]
[warn]



=== TEST 20: a version 3 head is copied where "at" says, nothing scanned: the variables once each, the first message
--- request
POST /webhook/client-data
{"caller_id":"+15550006666","agent_id":"agent_plain"}
--- error_code: 200
--- response_body_like: ^\{"type":"conversation_initiation_client_data","dynamic_variables":\{"caller_known":true,"caller_call_count":4,"caller_context":"Context of agent_plain","caller_last_interaction":"2025-11-17","caller_open_issue":"","caller_name":"V3 agent_plain","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_plain\\""\}\}$
--- no_error_log
[warn]



=== TEST 21: version 3 and a profile's placeholders: a variable the head holds is not repeated, the others are added; no override the profile forbids
--- request
POST /webhook/client-data
{"caller_id":"+15550006666","agent_id":"agent_locked"}
--- error_code: 200
--- response_body_like: "caller_name":"V3 agent_locked","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_locked\\"","account_tier":"standard"\}\}$
--- response_body_unlike
conversation_config_override|system__x|"caller_name":"there"|"caller_known".*"caller_known"



=== TEST 22: version 3 where the profile allows the prompt override: the whole document, its prompt text
--- request
POST /webhook/client-data
{"caller_id":"+15550006666","agent_id":"agent_01support7x"}
--- error_code: 200
--- response_body_like: "caller_name":"V3 agent_01support7x",.*"prompt":\{"prompt":"[^"]*\\n\\nPROMPT-66 for agent_01support7x"\}
--- response_body_unlike: "caller_known".*"caller_known"



=== TEST 23: the spans are what is read: "at" pointing at another object copies that one
--- request
POST /webhook/client-data
{"caller_id":"+15550006666","agent_id":"agent_decoy"}
--- error_code: 200
--- response_body_like: "dynamic_variables":\{"caller_known":true,"caller_name":"From Spans","caller_key":"\+15550006666"
--- response_body_unlike: V3 agent_decoy"



=== TEST 24: an "at" that does not match the bytes, or one left unfilled, is not trusted: the document is scanned, same answer
--- request eval
["POST /webhook/client-data\n{\"caller_id\":\"+15550006666\",\"agent_id\":\"agent_lies\"}",
 "POST /webhook/client-data\n{\"caller_id\":\"+15550006666\",\"agent_id\":\"agent_zeros\"}"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"caller_call_count":4,"caller_context":"Context of agent_lies",.*"caller_name":"V3 agent_lies","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_lies\\""\}\}$/,
 qr/"caller_call_count":4,"caller_context":"Context of agent_zeros",.*"caller_name":"V3 agent_zeros","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_zeros\\""\}\}$/]
--- no_error_log
[warn]



=== TEST 25: version 3's shared ids reach the audit trail from their span
--- init
my $all = ElaaomsTest::wait_until(sub {
    my $a = ElaaomsTest::redis_cmd('XRANGE', 'elaaoms:acme:audit', '-', '+');
    return $a =~ /agent_zeros/ ? $a : undef; }, 5) // '';
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_plain"\s+\d+\)\s+"memory_ids"\s+\d+\)\s+"m_v3a,m_v3b"/, 'the head read by its spans');
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_lies"\s+\d+\)\s+"memory_ids"\s+\d+\)\s+"m_v3a,m_v3b"/, 'the head scanned');
--- request
GET /health
--- error_code: 200



=== TEST 26: version 4 heads, read by their spans or scanned: the same answers
--- request eval
["POST /webhook/client-data\n" . '{"caller_id":"+15550006666","agent_id":"agent_v4"}',
 "POST /webhook/client-data\n" . '{"caller_id":"+15550006666","agent_id":"agent_v4scan"}',
 "POST /webhook/client-data\n" . '{"caller_id":"+15550006666","agent_id":"agent_v4none"}']
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_name":"V3 agent_v4","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_v4\\""/,
 qr/"caller_name":"V3 agent_v4scan","caller_key":"\+15550006666","first_message":"V3 hello \\"agent_v4scan\\""/,
 qr/"caller_name":"V3 agent_v4none"/]
--- no_error_log
[warn]



=== TEST 27: a version 4 served set the worker would not write is still audited, with a warning
--- request
POST /webhook/client-data
{"caller_id":"+15550006666","agent_id":"agent_v4bad"}
--- error_code: 200
--- response_body_like eval
qr/"caller_name":"V3 agent_v4bad"/
--- error_log
served set "not-a-set" is not one the worker writes



=== TEST 28: version 4: the audit entry names the served set (from its span or a scan), not its ids; an empty set is not audited
--- init
my $all = ElaaomsTest::wait_until(sub {
    my $a = ElaaomsTest::redis_cmd('XRANGE', 'elaaoms:acme:audit', '-', '+');
    return $a =~ /agent_v4bad/ && $a =~ /agent_v4scan/ ? $a : undef; }, 5) // '';
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_v4"\s+\d+\)\s+"memory_set"\s+\d+\)\s+"0123456789abcdef"/, 'the set, from its span');
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_v4scan"\s+\d+\)\s+"memory_set"\s+\d+\)\s+"fedcba9876543210"/, 'the set, from a scan');
Test::More::like($all, qr/"agent_id"\s+\d+\)\s+"agent_v4bad"\s+\d+\)\s+"memory_set"\s+\d+\)\s+"not-a-set"/, 'a garbled set is still audited');
Test::More::unlike($all, qr/"agent_v4"\s+\d+\)\s+"memory_ids"/, 'no id list');
Test::More::unlike($all, qr/"agent_v4none"/, 'nothing shared, nothing audited');
--- request
GET /health
--- error_code: 200
