# The product's seed scenarios, end to end: signed post-call webhooks in
# through nginx, the worker extracting with the fake OpenAI server
# (scripted memories, so every outcome is deterministic) and caching agent
# profiles from the fake ElevenLabs API, then ElevenLabs' webhooks out
# through nginx (client-data, search-memory) with nginx's JSON checked.
#
#   1. a returning customer is greeted with their open issue (LLM greeting;
#      then the template, for an agent whose profile forbids the override)
#   2. a sales interest found by another agent, audited
#   3. technical support's 9/10 memory in billing's pre-call context, audited
#   4. a frequent caller's relationship insight
#   5. a mid-call search for the last order number
#   +  two organizations and two callers never see each other's memories
#
# Each block's init drives the calls and checks the answers it gets from
# nginx as decoded JSON; the block's own request then checks nginx's raw
# answer.  Callers are distinct per scenario so the scenarios stay apart.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use HTTP::Tiny ();
use JSON::PP ();
use POSIX ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $FAKE = fake_start();
# the port the runner chose (TEST_NGINX_RANDOMIZE=1 picks a random one)
our $PORT = server_port_for_client();
our $SECRET = 'scenario_secret';
our $TOOL_KEY = 'scenario-tool-key';
our $J = JSON::PP->new->canonical;
our $DAY = 86400;
# noon UTC today: call times some days back keep their calendar dates
our $NOW = int(time() / $DAY) * $DAY + 12 * 3600;
$NOW -= $DAY if $NOW > time();

sub date { POSIX::strftime('%Y-%m-%d', gmtime($_[0])) }
sub iso { POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }

sub mem {
    my ($type, $content, $importance) = @_;
    return { type => $type, content => $content, importance => $importance,
             confidence => 0.9, source_quote => $content };
}

# the worker, extracting with the fake OpenAI server, profiles from the
# fake ElevenLabs API; one job at a time, so scripted answers go in order
sub worker {
    my (%extra) = @_;
    fake_control($FAKE, { reset => JSON::PP::true() });
    return worker_start(llm_provider => 'openai', openai_base_url => $FAKE,
        openai_api_key => 'sk-test', llm_fallback => 0, llm_max_retries => 0,
        llm_first_message => 0, elevenlabs_api_key => 'xi-test',
        elevenlabs_base_url => $FAKE, concurrency => 1, %extra);
}

# a post_call_transcription as ElevenLabs sends it
sub transcript {
    my (%c) = @_;
    my @turns = ({ role => 'agent', message => 'Hi, how can I help?',
                   time_in_call_secs => 0 });
    my $t = 2;
    push @turns, { role => 'user', message => $_, time_in_call_secs => $t++ }
        for @{ $c{lines} };
    return $J->encode({
        type => 'post_call_transcription', event_timestamp => $c{when},
        data => { agent_id => $c{agent}, conversation_id => $c{conv},
                  status => 'done', transcript => \@turns,
                  metadata => { start_time_unix_secs => $c{when} - 180,
                                call_duration_secs => 170,
                                phone_call => { type => 'twilio',
                                                direction => 'inbound',
                                                external_number => $c{caller} } } } });
}

sub status_of { (worker_cli('status', @_))[0] || {} }

# one call: the LLM's answer scripted (extraction, then the greeting when
# given), the signed webhook posted, the job waited for
sub call {
    my (%c) = @_;
    $c{org} ||= 'acme';
    my @script = ({ match => '/v1/chat/completions', memories => $c{memories} });
    push @script, { match => '/v1/chat/completions', text => $c{greeting} }
        if defined $c{greeting};
    fake_control($FAKE, { script => \@script });
    my $res = post_webhook($PORT, "/$c{org}/post-call", $SECRET, transcript(%c));
    die "post-call $c{conv}: $res->{status} $res->{content}"
        unless $res->{status} == 200;
    my $ok = wait_until(sub {
        (status_of($c{org}, $c{conv})->{status} || '') eq 'extraction_completed' }, 15);
    Test::More::ok($ok, "$c{org}/$c{conv} extracted");
    my $left = fake_control($FAKE, {})->{queued};
    Test::More::is($left, 0, "$c{conv}: every scripted LLM answer was used");
    return $ok;
}

# a webhook out, as ElevenLabs calls it: decoded JSON and the raw body
sub hook {
    my ($path, $body) = @_;
    my $res = HTTP::Tiny->new(timeout => 5)->post("http://127.0.0.1:$PORT$path", {
        headers => { 'content-type' => 'application/json',
                     'x-elaaoms-key' => $TOOL_KEY },
        content => $J->encode($body) });
    die "$path: $res->{status} $res->{content}" unless $res->{status} == 200;
    return (JSON::PP::decode_json($res->{content}), $res->{content});
}

sub client_data {
    my ($org, $caller, $agent) = @_;
    return hook("/$org/client-data", { caller_id => $caller, agent_id => $agent,
                                       called_number => '+18005550100' });
}

# a mid-call search, as ElevenLabs makes it: the call started with
# client-data (which binds the call's caller), the tool names the call
my $calls = 0;
sub search {
    my ($org, %p) = @_;
    my $sid = "CA$$" . 'n' . ++$calls;
    hook("/$org/client-data", { caller_id => $p{caller_id},
                                agent_id => $p{agent_id}, call_sid => $sid });
    return hook("/$org/search-memory", { limit => 5, call_sid => $sid, %p });
}

sub memories { [ worker_cli('memories', @_) ] }

sub memory_id {
    my ($org, $caller, $re) = @_;
    my ($m) = grep { $_->{content} =~ $re } @{ memories($org, $caller) };
    return $m ? $m->{id} : undef;
}

# audit entries of the org, or those written by one webhook ("search",
# "client_data")
sub audit_len {
    my ($org, $via) = @_;
    if (!defined $via) {
        my $n = redis_cmd('XLEN', "elaaoms:$org:audit");
        return $n =~ /(\d+)/ ? $1 : -1;
    }
    my $x = redis_cmd('XRANGE', "elaaoms:$org:audit", '-', '+');
    my @v = map { /^\s*\d+\)\s+"(.*)"$/ ? $1 : () } split /\n/, $x;
    return scalar grep { $v[$_] eq 'via' && ($v[$_ + 1] // '') eq $via } 0 .. $#v;
}

# binds a call to its caller as ElevenLabs' conversation-initiation request
# does, for the requests a block sends itself
sub bind_call {
    my ($org, $sid, $caller, $agent) = @_;
    return hook("/$org/client-data", { caller_id => $caller,
                                       agent_id => $agent, call_sid => $sid });
}

# the newest audit entry as a hash
sub audit_last {
    my ($org) = @_;
    my $x = redis_cmd('XREVRANGE', "elaaoms:$org:audit", '+', '-', 'COUNT', '1');
    my @v = map { /^\s*\d+\)\s+"(.*)"$/ ? $1 : () } split /\n/, $x;
    shift @v;    # the entry id
    return { @v };
}

# client-data's audit entries name a served set: its ids, from the caller's
# served sets ("c|id,id" while current, "<unix>|id,id" once replaced)
sub served_ids {
    my ($org, $caller, $set) = @_;
    return undef unless defined $set && $set =~ /^[0-9a-f]{16}$/;
    my $v = redis_cmd('HGET', "elaaoms:$org:{$org:$caller}:served", $set);
    $v =~ s/^"(.*)"\n?$/$1/s;
    return $v =~ /^(?:c|\d+)\|(.*)$/ ? $1 : undef;
}

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END

our $CONFIG = '';
for my $org (qw(acme globex)) {
    $CONFIG .= <<"END";
    location = /$org/post-call {
        elaaoms_org $org;
        elaaoms_signature_secret $SECRET;
        elaaoms_webhook post_call;
    }
    location = /$org/client-data {
        elaaoms_org $org;
        elaaoms_shared_secret X-Elaaoms-Key $TOOL_KEY;
        elaaoms_webhook client_data;
    }
    location = /$org/search-memory {
        elaaoms_org $org;
        elaaoms_shared_secret X-Elaaoms-Key $TOOL_KEY;
        elaaoms_webhook search_memory;
    }
END
}

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $main::HTTP_CONFIG)
        unless defined $block->http_config;
    $block->set_value('config', $main::CONFIG) unless defined $block->config;
    $block->set_value('more_headers', "X-Elaaoms-Key: $main::TOOL_KEY")
        unless defined $block->more_headers;
    $block->set_value('error_code', 200) unless defined $block->error_code;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: scenario 1: a returning customer is greeted with the open issue (first message by the LLM, overrides the cached profile allows)
--- init
main::worker(llm_first_message => 1);
main::call(conv => 'conv_s1_1', caller => '+1 (415) 555-0101', agent => 'agent_support',
    when => $main::NOW - 3 * $main::DAY,
    lines => ['Hi, this is Maria Lopez.', 'My order XYZ-789 is delayed, it should have come on Monday.'],
    memories => [ main::mem('issue', 'Order XYZ-789 is delayed.', 8),
                  main::mem('factual', "Caller's name is Maria Lopez.", 6) ],
    greeting => 'Hi Maria, welcome back! Are you calling about your delayed order XYZ-789?');
ElaaomsTest::worker_stop();

my @agent = ElaaomsTest::fake_requests($main::FAKE, '/v1/convai/agents/');
Test::More::is(scalar @agent, 1, 'the agent profile fetched once from ElevenLabs');
Test::More::is($agent[0]{path}, '/v1/convai/agents/agent_support', 'for the agent of the call');
Test::More::is($agent[0]{headers}{'xi-api-key'}, 'xi-test', 'with the xi-api-key');
Test::More::like(ElaaomsTest::redis_cmd('GET', 'elaaoms:acme:agent:agent_support:profile'),
    qr/conversation_config_override/, 'profile cached in Redis');
my @chat = ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions');
Test::More::is(scalar @chat, 2, 'one extraction and one greeting by the LLM');
Test::More::ok(!$chat[1]{json}{response_format}, 'the greeting is free text');
Test::More::like($chat[1]{body}, qr/Open issue: Order XYZ-789 is delayed\./, 'the LLM was told the open issue');

my ($cd) = main::client_data('acme', '+14155550101', 'agent_support');
my $v = $cd->{dynamic_variables};
Test::More::is($cd->{type}, 'conversation_initiation_client_data', 'client-data type');
Test::More::ok($v->{caller_known}, 'caller_known true');
Test::More::is($v->{caller_call_count}, 1, 'one previous call');
Test::More::is($v->{caller_last_interaction}, main::date($main::NOW - 3 * $main::DAY), 'last interaction date');
Test::More::is($v->{caller_open_issue}, 'Order XYZ-789 is delayed.', 'caller_open_issue');
Test::More::is($v->{caller_name}, 'Maria Lopez', 'caller_name');
Test::More::is($v->{caller_key}, '+14155550101', 'caller_key normalized');
Test::More::is($v->{first_message}, 'Hi Maria, welcome back! Are you calling about your delayed order XYZ-789?', 'first_message: the LLM greeting');
Test::More::is($cd->{conversation_config_override}{agent}{first_message}, $v->{first_message}, 'first message override sent: the profile allows it');
Test::More::like($cd->{conversation_config_override}{agent}{prompt}{prompt},
    qr/^You are Acme's friendly support agent\. Be concise\.\n\nWhat you remember.*XYZ-789/s, 'prompt override: the agent prompt + what we remember');
Test::More::is(main::audit_len('acme'), 0, 'own memories are not audited');
--- request
POST /acme/client-data
{"caller_id":"+14155550101","agent_id":"agent_support","called_number":"+18005550100"}
--- response_body_like eval
qr/^\{"type":"conversation_initiation_client_data","dynamic_variables":\{"caller_known":true,"caller_call_count":1,.*"caller_open_issue":"Order XYZ-789 is delayed\.","caller_name":"Maria Lopez","caller_key":"\+14155550101","first_message":"Hi Maria, welcome back! Are you calling about your delayed order XYZ-789\?".*\},"conversation_config_override":\{"agent":\{"first_message":"Hi Maria, welcome back! Are you calling about your delayed order XYZ-789\?","prompt":\{"prompt":"You are Acme's friendly support agent\. Be concise\.\\n\\nWhat you remember[^"]*.*XYZ-789.*"\}\}\}\}$/
--- no_error_log
[error]



=== TEST 2: scenario 1, template path: the greeting comes from the template; an agent whose profile forbids overrides gets it as a variable only
--- init
main::worker();
ElaaomsTest::fake_control($main::FAKE, { agents => { agent_locked => {
    agent_id => 'agent_locked', name => 'Acme Returns',
    conversation_config => { agent => { first_message => 'Acme returns, how can I help?', language => 'en',
        prompt => { prompt => 'You handle returns.' } } },
    platform_settings => { overrides => { conversation_config_override => {
        agent => { first_message => JSON::PP::false(), prompt => { prompt => JSON::PP::false() } } } } } } } });
main::call(conv => 'conv_s1_2', caller => '+14155550111', agent => 'agent_locked',
    when => $main::NOW - 2 * $main::DAY,
    lines => ['I am calling about my order XYZ-789, it is delayed.'],
    memories => [ main::mem('issue', 'Order XYZ-789 is delayed.', 8) ]);
ElaaomsTest::worker_stop();
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions')), 1, 'no LLM greeting: llm_first_message 0');
my ($cd) = main::client_data('acme', '+14155550111', 'agent_locked');
my $v = $cd->{dynamic_variables};
Test::More::is($v->{caller_open_issue}, 'Order XYZ-789 is delayed.', 'caller_open_issue');
Test::More::like(ElaaomsTest::redis_cmd('GET', 'elaaoms:acme:agent:agent_locked:profile'), qr/Acme Returns/, "the agent's own profile cached");
Test::More::is($v->{first_message}, "Welcome back! Last time we spoke about this: order XYZ-789 is delayed \x{2014} is that why you're calling?",
    'template greeting: welcome back and the open issue');
Test::More::ok(!exists $cd->{conversation_config_override}, 'no override: the profile forbids it');
--- request
POST /acme/client-data
{"caller_id":"+14155550111","agent_id":"agent_locked"}
--- response_body_like eval
qr/"caller_known":true,.*"caller_open_issue":"Order XYZ-789 is delayed\.","caller_key":"\+14155550111","first_message":"Welcome back! [^"]*XYZ-789[^"]*"\}\}$/
--- response_body_unlike
conversation_config_override



=== TEST 3: scenario 2: a sales interest recorded by the sales agent is found by support's mid-call search, and audited
--- init
main::worker();
main::call(conv => 'conv_s2_1', caller => '+14155550102', agent => 'agent_sales',
    when => $main::NOW - 5 * $main::DAY,
    lines => ['I am interested in the premium espresso machine.', 'Maybe a cheaper milk frother as well.'],
    memories => [ main::mem('preference', 'Interested in the premium espresso machine.', 8),
                  main::mem('preference', 'Interested in a cheaper milk frother as well.', 5) ]);
ElaaomsTest::worker_stop();
my $machine = main::memory_id('acme', '+14155550102', qr/espresso machine/);
Test::More::ok($machine, 'the interest is stored');
my $before = main::audit_len('acme', 'search');
my ($r, $raw) = main::search('acme', query => 'is she interested in buying anything?',
    caller_id => '+14155550102', agent_id => 'agent_support', search_all_agents => JSON::PP::false());
Test::More::ok($r->{count} >= 1, "support finds it: $raw");
Test::More::is($r->{results}[0]{id}, $machine, 'the espresso machine first');
Test::More::is($r->{results}[0]{agent_id}, 'agent_sales', 'recorded by sales');
Test::More::ok($r->{results}[0]{relevance} >= 0.7, 'relevance over the default threshold');
my ($all) = main::search('acme', query => 'is she interested in buying anything?', threshold => 0,
    caller_id => '+14155550102', agent_id => 'agent_support', search_all_agents => JSON::PP::false());
Test::More::ok(!(grep { $_->{content} =~ /frother/ } @{ $all->{results} }), "sales' importance-5 memory is not shared, even at threshold 0");
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len('acme', 'search') == $before + 2 }, 5), 'one audit entry per search');
my $entry = main::audit_last('acme');
Test::More::is($entry->{via}, 'search', 'audit via search');
Test::More::is($entry->{agent_id}, 'agent_support', 'audit: the agent served');
Test::More::is($entry->{caller}, '+14155550102', 'audit: the caller');
Test::More::is($entry->{memory_ids}, $machine, 'audit: the shared memory');
Test::More::like($entry->{request_id}, qr/^[0-9a-f]{32}$/, 'audit: request id');
my ($own) = main::search('acme', query => 'is she interested in buying anything?', threshold => 0,
    caller_id => '+14155550102', agent_id => 'agent_sales');
Test::More::ok((grep { $_->{content} =~ /frother/ } @{ $own->{results} }), 'sales sees its own importance-5 memory');
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len('acme', 'search') == $before + 2 }, 1), 'own memories are not audited');
main::bind_call('acme', 'CAscen2', '+14155550102', 'agent_support');
--- request
POST /acme/search-memory
{"query":"is she interested in buying anything?","caller_id":"+14155550102","agent_id":"agent_support","search_all_agents":false,"call_sid":"CAscen2"}
--- response_body_like eval
qr/^\{"query":"is she interested in buying anything\?","results":\[\{"id":"[^"]+","type":"preference","content":"Interested in the premium espresso machine\.","importance":8,"created":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ","created_unix":\d+,"conversation_id":"conv_s2_1","agent_id":"agent_sales","relevance":(?:0\.[7-9]\d*|1(?:\.0+)?)\}/
--- response_body_unlike
frother



=== TEST 4: scenario 3: technical support's 9/10 memory reaches billing's pre-call context, and is audited
--- init
main::worker();
main::call(conv => 'conv_s3_1', caller => '+14155550103', agent => 'agent_billing',
    when => $main::NOW - 10 * $main::DAY,
    lines => ['I prefer paper invoices by mail.'],
    memories => [ main::mem('preference', 'Prefers paper invoices by mail.', 5) ]);
main::call(conv => 'conv_s3_2', caller => '+14155550103', agent => 'agent_tech',
    when => $main::NOW - 1 * $main::DAY,
    lines => ['My account was hacked and I need a password reset.', 'I use a Linux laptop.'],
    memories => [ main::mem('issue', 'Account was hacked; a password reset is pending.', 9),
                  main::mem('factual', 'Uses a Linux laptop with Firefox.', 4) ]);
ElaaomsTest::worker_stop();
my $hack = main::memory_id('acme', '+14155550103', qr/hacked/);
Test::More::ok($hack, 'the 9/10 memory is stored');
my $before = main::audit_len('acme', 'client_data');
my ($cd, $raw) = main::client_data('acme', '+14155550103', 'agent_billing');
my $v = $cd->{dynamic_variables};
Test::More::is($v->{caller_call_count}, 2, 'two previous calls');
Test::More::is($v->{caller_open_issue}, 'Account was hacked; a password reset is pending.', "billing's open issue is tech support's");
Test::More::like($v->{caller_context}, qr/hacked/, 'caller_context has it');
my $prompt = $cd->{conversation_config_override}{agent}{prompt}{prompt} || '';
Test::More::like($prompt, qr/hacked/, 'the prompt addition has it');
Test::More::like($prompt, qr/paper invoices/, "and billing's own memory");
Test::More::unlike($raw, qr/Linux/, "tech support's importance-4 memory stays private");
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len('acme', 'client_data') == $before + 1 }, 5), 'one audit entry');
my $entry = main::audit_last('acme');
Test::More::is($entry->{via}, 'client_data', 'audit via client_data');
Test::More::is($entry->{agent_id}, 'agent_billing', 'audit: billing');
Test::More::like($entry->{memory_set}, qr/^[0-9a-f]{16}$/, 'audit: the served set, not its ids');
Test::More::is($entry->{memory_ids}, undef, 'no id list in the entry');
Test::More::is(main::served_ids('acme', '+14155550103', $entry->{memory_set}), $hack, 'audit: the set holds the shared memory');
my ($new, $newraw) = main::client_data('acme', '+14155550103', 'agent_new_team');
Test::More::is($new->{dynamic_variables}{caller_open_issue}, 'Account was hacked; a password reset is pending.', 'an agent not seen yet gets it too');
Test::More::unlike($newraw, qr/Linux|paper invoices/, 'but no agent-private memory');
Test::More::ok(ElaaomsTest::wait_until(sub { main::audit_len('acme', 'client_data') == $before + 2 }, 5), 'audited as well');
$entry = main::audit_last('acme');
Test::More::is("$entry->{agent_id} " . main::served_ids('acme', '+14155550103', $entry->{memory_set}) . " $entry->{via}", "agent_new_team $hack client_data", 'audit: the agent not seen yet');
--- request
POST /acme/client-data
{"caller_id":"+14155550103","agent_id":"agent_billing"}
--- response_body_like eval
qr/"caller_open_issue":"Account was hacked; a password reset is pending\.".*"prompt":\{"prompt":".*\\"shared\\":\[\{\\"id\\":\\"[^"\\]+\\",\\"agent_id\\":\\"agent_tech\\",\\"type\\":\\"issue\\",\\"content\\":\\"Account was hacked; a password reset is pending\.\\",\\"importance\\":9/
--- response_body_unlike
Linux



=== TEST 5: scenario 4: a caller's fourth call on different days: call count and a frequency insight
--- init
main::worker();
my $n = 0;
for my $d (12, 9, 6, 3) {
    $n++;
    main::call(conv => "conv_s4_$n", caller => '+14155550104', agent => 'agent_support',
        when => $main::NOW - $d * $main::DAY,
        lines => ["Calling again about my router, call $n."],
        memories => [ $n == 1 ? main::mem('issue', 'Router drops the Wi-Fi connection every evening.', 7)
                    : $n == 2 ? main::mem('relationship', 'Called a second time about the router.', 5)
                    : $n == 3 ? main::mem('preference', 'Prefers a technician visit on Saturday mornings.', 6)
                    :           main::mem('emotion', 'Is getting frustrated with the repeated outages.', 4) ]);
}
ElaaomsTest::worker_stop();
my ($cd, $raw) = main::client_data('acme', '+14155550104', 'agent_support');
my $v = $cd->{dynamic_variables};
Test::More::is($v->{caller_call_count}, 4, 'caller_call_count 4');
Test::More::is($v->{caller_last_interaction}, main::date($main::NOW - 3 * $main::DAY), 'the last call date');
my $insight = 'Returning caller: 4 calls since ' . main::date($main::NOW - 12 * $main::DAY)
    . ' (several times a week); last call ' . main::date($main::NOW - 3 * $main::DAY) . '.';
Test::More::like($cd->{conversation_config_override}{agent}{prompt}{prompt},
    qr/"relationship":\[\{"insight":"\Q$insight\E"\}/, 'the relationship insight');
my $ins = $insight =~ s/\.$//r;
Test::More::like($v->{caller_context}, qr/ History: \Q$ins\E; Called a second time about the router\.$/,
    'caller_context: the insight heads the history');
# an agent whose profile forbids the prompt override hears it through
# caller_context alone (agent_support's memories of importance < 8 stay private)
my ($locked, $lraw) = main::client_data('acme', '+14155550104', 'agent_locked');
Test::More::is($locked->{dynamic_variables}{caller_call_count}, 4, 'agent_locked: caller_call_count 4');
Test::More::is($locked->{dynamic_variables}{caller_context}, "History: $insight", 'agent_locked: the insight in caller_context');
Test::More::ok(!exists $locked->{conversation_config_override}, 'agent_locked: no override');
Test::More::unlike($lraw, qr/Router|router/, "agent_locked: none of support's private memories");
--- request eval
"POST /acme/client-data\n{\"caller_id\":\"+14155550104\",\"agent_id\":\"agent_support\"}"
--- response_body_like eval
qr/"caller_known":true,"caller_call_count":4,.*\\"frequency\\":\\"several times a week\\".*\\"relationship\\":\[\{\\"insight\\":\\"Returning caller: 4 calls since \d{4}-\d\d-\d\d \(several times a week\); last call \d{4}-\d\d-\d\d\.\\"\}/



=== TEST 6: scenario 4, continued: the fifth call makes a frequent caller
--- init
main::worker();
main::call(conv => 'conv_s4_5', caller => '+14155550104', agent => 'agent_support',
    when => $main::NOW,
    lines => ['It is me again, the router is still dropping.'],
    memories => [ main::mem('relationship', 'Calls every few days about the same router problem.', 5) ]);
# a retried webhook of an earlier call counts nothing
my $res = ElaaomsTest::post_webhook($main::PORT, '/acme/post-call', $main::SECRET,
    main::transcript(conv => 'conv_s4_2', caller => '+14155550104', agent => 'agent_support',
                     when => $main::NOW - 9 * $main::DAY, lines => ['Calling again about my router, call 2.']));
Test::More::like($res->{content}, qr/"duplicate":true/, 'the retry is a duplicate');
ElaaomsTest::worker_stop();
my ($cd) = main::client_data('acme', '+14155550104', 'agent_support');
Test::More::is($cd->{dynamic_variables}{caller_call_count}, 5, 'caller_call_count 5');
Test::More::like($cd->{dynamic_variables}{caller_context},
    qr/ History: Frequent caller: 5 calls since \Q${\ main::date($main::NOW - 12 * $main::DAY)}\E \(several times a week\); last call \Q${\ main::date($main::NOW)}\E; /,
    'caller_context: a frequent caller');
--- request eval
"POST /acme/client-data\n{\"caller_id\":\"+14155550104\",\"agent_id\":\"agent_support\"}"
--- response_body_like eval
qr/"caller_call_count":5,.*\\"insight\\":\\"Frequent caller: 5 calls since \d{4}-\d\d-\d\d \(several times a week\); last call \d{4}-\d\d-\d\d\.\\"/



=== TEST 7: scenario 5: mid-call "What was my last order number?" answers the order memory first, with type and created time
--- init
main::worker();
main::call(conv => 'conv_s5_1', caller => '+14155550105', agent => 'agent_support',
    when => $main::NOW - 20 * $main::DAY,
    lines => ['I prefer email over phone calls.', 'I was happy with the quick delivery.', 'My daughter Sofia handles the account.'],
    memories => [ main::mem('preference', 'Prefers email over phone calls.', 6),
                  main::mem('emotion', 'Was happy with the quick delivery.', 4),
                  main::mem('relationship', 'Daughter Sofia handles the account.', 5) ]);
main::call(conv => 'conv_s5_2', caller => '+14155550105', agent => 'agent_support',
    when => $main::NOW - 2 * $main::DAY,
    lines => ['I ordered two bags of espresso beans, the order is XYZ-789.'],
    memories => [ main::mem('factual', 'Order XYZ-789: two bags of espresso beans.', 7) ]);
ElaaomsTest::worker_stop();
my $order = main::memory_id('acme', '+14155550105', qr/XYZ-789/);
my ($r, $raw) = main::search('acme', query => 'What was my last order number?',
    caller_id => '+14155550105', agent_id => 'agent_support', search_all_agents => JSON::PP::false());
my $top = $r->{results}[0] || {};
Test::More::is($top->{id}, $order, "the order memory first: $raw");
Test::More::is($top->{type}, 'factual', 'its type');
Test::More::is($top->{created}, main::iso($main::NOW - 2 * $main::DAY), 'its created time');
Test::More::is($top->{created_unix}, $main::NOW - 2 * $main::DAY, 'created_unix');
Test::More::is($top->{conversation_id}, 'conv_s5_2', 'its conversation');
Test::More::ok($top->{relevance} >= 0.7, "relevance $top->{relevance} >= the 0.7 default threshold");
Test::More::ok(!(grep { $_->{relevance} < 0.7 } @{ $r->{results} }), 'nothing under the threshold');
Test::More::ok(!(grep { $_->{content} =~ /Sofia|happy/ } @{ $r->{results} }), 'unrelated memories left out');
Test::More::like($r->{summary}, qr/^Found \d memor(?:y|ies)\. Most relevant: Order XYZ-789: two bags of espresso beans \(factual, \Q${\ main::date($main::NOW - 2 * $main::DAY)}\E\)\.$/, 'the summary names it');
main::bind_call('acme', 'CAscen5', '+14155550105', 'agent_support');
--- request eval
"POST /acme/search-memory\n" . (ElaaomsTest::fixture('elevenlabs/search_memory_request.json') =~ s/\+14155550123/+14155550105/r =~ s/agent_01support7x/agent_support/r =~ s/\}$/,"call_sid":"CAscen5"}/r)
--- response_body_like eval
qr/^\{"query":"What was my last order number\?","results":\[\{"id":"[^"]+","type":"factual","content":"Order XYZ-789: two bags of espresso beans\.","importance":7,"created":"\Q${\ main::iso($main::NOW - 2 * $main::DAY)}\E","created_unix":\d+,"conversation_id":"conv_s5_2","agent_id":"agent_support","relevance":(?:0\.[7-9]\d*|1(?:\.0+)?)\}/



=== TEST 8: isolation: the same number in two organizations, and two callers of one organization, never see each other's memories
--- init
main::worker();
main::call(org => 'acme', conv => 'conv_iso_1', caller => '+14155550123', agent => 'agent_support',
    when => $main::NOW - 4 * $main::DAY, lines => ['My order ACME-111 is delayed.', 'I prefer the cobalt model.'],
    memories => [ main::mem('issue', 'Order ACME-111 is delayed.', 8),
                  main::mem('preference', 'Prefers the cobalt model.', 6) ]);
main::call(org => 'globex', conv => 'conv_iso_1', caller => '+14155550123', agent => 'agent_support',
    when => $main::NOW - 4 * $main::DAY, lines => ['My order GLOBEX-222 is delayed.', 'I prefer the scarlet model.'],
    memories => [ main::mem('issue', 'Order GLOBEX-222 is delayed.', 8),
                  main::mem('preference', 'Prefers the scarlet model.', 6) ]);
main::call(org => 'acme', conv => 'conv_iso_2', caller => '+14155550124', agent => 'agent_support',
    when => $main::NOW - 4 * $main::DAY, lines => ['My order OTHER-333 is delayed.', 'I prefer the emerald model.'],
    memories => [ main::mem('issue', 'Order OTHER-333 is delayed.', 8),
                  main::mem('preference', 'Prefers the emerald model.', 6) ]);
ElaaomsTest::worker_stop();
my %mine = ('acme +14155550123' => qr/ACME-111/, 'globex +14155550123' => qr/GLOBEX-222/,
            'acme +14155550124' => qr/OTHER-333/);
my $foreign = { 'acme +14155550123' => qr/GLOBEX-222|OTHER-333|scarlet|emerald/,
                'globex +14155550123' => qr/ACME-111|OTHER-333|cobalt|emerald/,
                'acme +14155550124' => qr/ACME-111|GLOBEX-222|cobalt|scarlet/ };
for my $who (sort keys %mine) {
    my ($org, $caller) = split / /, $who;
    my ($cd, $cdraw) = main::client_data($org, $caller, 'agent_support');
    Test::More::like($cd->{dynamic_variables}{caller_open_issue}, $mine{$who}, "$who: client-data has its own issue");
    Test::More::unlike($cdraw, $foreign->{$who}, "$who: client-data has nothing of the others");
    my ($r, $sraw) = main::search($org, query => 'which order is delayed and which model?',
        caller_id => $caller, agent_id => 'agent_support', search_all_agents => JSON::PP::true(),
        threshold => 0, limit => 100);
    Test::More::is($r->{count}, 2, "$who: search sees its two memories");
    Test::More::like($sraw, $mine{$who}, "$who: search finds its own");
    Test::More::unlike($sraw, $foreign->{$who}, "$who: search finds nothing of the others");
}
my ($g, $graw) = main::client_data('globex', '+14155550124', 'agent_support');
Test::More::ok(!$g->{dynamic_variables}{caller_known}, "acme's second caller is unknown to globex");
my ($gs) = main::search('globex', query => 'which order is delayed?', caller_id => '+14155550124',
    agent_id => 'agent_support', search_all_agents => JSON::PP::true(), threshold => 0);
Test::More::is($gs->{count}, 0, 'and globex search finds nothing for them');
main::bind_call('globex', 'CAiso', '+14155550123', 'agent_support');
--- request eval
["POST /globex/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_support\"}",
 "POST /acme/client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_support\"}",
 "POST /globex/search-memory\n{\"query\":\"which order is delayed?\",\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_support\",\"search_all_agents\":true,\"threshold\":0,\"call_sid\":\"CAiso\"}"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_open_issue":"Order GLOBEX-222 is delayed\."/,
 qr/"caller_open_issue":"Order ACME-111 is delayed\."/,
 qr/"content":"Order GLOBEX-222 is delayed\."/]
--- response_body_unlike eval
[qr/ACME-111|OTHER-333|cobalt|emerald/, qr/GLOBEX-222|OTHER-333|scarlet|emerald/, qr/ACME-111|OTHER-333|cobalt|emerald/]
