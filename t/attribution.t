# A memory belongs to every agent that created or reinforced it, end to
# end: signed post-call webhooks through nginx, the worker (scripted fake
# OpenAI answers, or the offline extractor), then ElevenLabs' webhooks out
# through nginx.
#
#   1. support learns a caller's name and order number; a billing call
#      repeats them (the memories are reinforced by billing); support's
#      mid-call search still finds the order number and its pre-call
#      context still greets the caller by name (LLM extraction)
#   2. the same with the built-in offline extractor
#   3. identity facts (the caller's name, language) reach every agent of
#      the organization, health and safety facts are raised to importance
#      8 whatever the extractor said, an agent's other memories stay its own
#   4. memories the first release stored (version-1 records naming only
#      the latest agent) are given back to every agent by the worker's
#      "upgrade" command
#
# Each block's init drives the calls and checks nginx's decoded answers;
# the block's request then checks one raw answer.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use HTTP::Tiny ();
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $FAKE = fake_start();
our $PORT = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
our $SECRET = 'attribution_secret';
our $TOOL_KEY = 'attribution-tool-key';
our $J = JSON::PP->new->canonical;
our $NOW = time() - 3600;

sub mem {
    my ($type, $content, $importance) = @_;
    return { type => $type, content => $content, importance => $importance,
             confidence => 0.9, source_quote => $content };
}

# the worker; with memories to script, the fake OpenAI server extracts
sub worker {
    my ($provider) = @_;
    fake_control($FAKE, { reset => JSON::PP::true() });
    return worker_start(llm_provider => $provider, openai_base_url => $FAKE,
        openai_api_key => 'sk-test', llm_fallback => 0, llm_max_retries => 0,
        llm_first_message => 0, elevenlabs_api_key => 'xi-test',
        elevenlabs_base_url => $FAKE, concurrency => 1);
}

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
                  metadata => { start_time_unix_secs => $c{when} - 120,
                                call_duration_secs => 110,
                                phone_call => { type => 'twilio',
                                                direction => 'inbound',
                                                external_number => $c{caller} } } } });
}

sub status_of { (worker_cli('status', @_))[0] || {} }

# one call, extracted: scripted memories when given, else the offline rules
sub call {
    my (%c) = @_;
    fake_control($FAKE, { script => [ { match => '/v1/chat/completions',
                                        memories => $c{memories} } ] })
        if $c{memories};
    my $res = post_webhook($PORT, '/acme/post-call', $SECRET, transcript(%c));
    die "post-call $c{conv}: $res->{status} $res->{content}"
        unless $res->{status} == 200;
    my $ok = wait_until(sub {
        (status_of('acme', $c{conv})->{status} || '') eq 'extraction_completed' }, 15);
    Test::More::ok($ok, "$c{conv} extracted");
    return $ok;
}

sub hook {
    my ($path, $body) = @_;
    my $res = HTTP::Tiny->new(timeout => 5)->post("http://127.0.0.1:$PORT$path", {
        headers => { 'content-type' => 'application/json',
                     'x-elaaoms-secret' => $TOOL_KEY },
        content => $J->encode($body) });
    die "$path: $res->{status} $res->{content}" unless $res->{status} == 200;
    return (JSON::PP::decode_json($res->{content}), $res->{content});
}

sub client_data {
    my ($caller, $agent) = @_;
    return hook('/acme/client-data', { caller_id => $caller, agent_id => $agent,
                                       called_number => '+18005550100' });
}

# binds a call to its caller as ElevenLabs' conversation-initiation request
# does, for the requests a block sends itself
sub bind_call {
    my ($sid, $caller, $agent) = @_;
    return hook('/acme/client-data', { caller_id => $caller,
                                       agent_id => $agent, call_sid => $sid });
}

# a mid-call search, as ElevenLabs makes it: the call started with
# client-data (which binds the call's caller), the tool names the call
my $calls = 0;
sub search {
    my ($caller, $agent, $query, %p) = @_;
    my $sid = "CA$$" . 'n' . ++$calls;
    hook('/acme/client-data', { caller_id => $caller, agent_id => $agent,
                                call_sid => $sid });
    return hook('/acme/search-memory', { query => $query, call_sid => $sid,
        agent_id => $agent, search_all_agents => JSON::PP::false(), %p });
}

# the query API: every memory of the caller, or those of one agent
sub memories { [ worker_cli('memories', 'acme', @_) ] }

sub contents { join ' | ', map { $_->{content} } @{ $_[0] } }

# a version-1 record, as the first release wrote it (memory_record.h): no
# prior agents, no vector
sub record_v1 {
    my (%r) = @_;
    my $str = sub { pack('v', length $_[0]) . $_[0] . "\0" };
    return pack('C6 v V f< q< q<', 0x4d, 1, 0, $r{importance}, 0, 0, 0, 1,
                0.9, $r{created}, $r{created})
        . join('', map { $str->($_) } $r{id}, 'acme', $r{caller}, $r{conv},
                                      $r{agent}, $r{content}, '', '');
}

# what the first release left after support's call and billing's: the
# record names billing, both agents' sets list it
sub store_v1 {
    my (%r) = @_;
    my $c = "elaaoms:acme:{acme:$r{caller}}:";
    # the record holds NUL bytes: it goes in on redis-cli's stdin
    my $port = ElaaomsTest::redis_port();
    open my $fh, '|-', "redis-cli -h 127.0.0.1 -p $port -x HSET '${c}index' $r{id} >/dev/null"
        or die "redis-cli: $!";
    print $fh record_v1(%r);
    close $fh or die "redis-cli HSET failed";
    redis_cmd('ZADD', "${c}by_time", $r{created}, $r{id});
    redis_cmd('ZADD', "${c}by_importance", $r{importance}, $r{id});
    redis_cmd('SADD', "${c}type:factual", $r{id});
    for my $a (@{ $r{agents} }) {
        redis_cmd('SADD', "${c}agent:$a", $r{id});
        redis_cmd('SADD', "${c}agents", $a);
    }
    redis_cmd('SADD', "${c}conversation:$r{conv}", $r{id});
    redis_cmd('SADD', "${c}conversations", $r{conv});
    redis_cmd('SADD', 'elaaoms:acme:callers', $r{caller});
}

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END

our $CONFIG = <<"END";
    location = /acme/post-call {
        elaaoms_org acme;
        elaaoms_signature_secret $SECRET;
        elaaoms_webhook post_call;
    }
    location = /acme/client-data {
        elaaoms_org acme;
        elaaoms_shared_secret X-Elaaoms-Secret $TOOL_KEY;
        elaaoms_webhook client_data;
    }
    location = /acme/search-memory {
        elaaoms_org acme;
        elaaoms_shared_secret X-Elaaoms-Secret $TOOL_KEY;
        elaaoms_webhook search_memory;
    }
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $main::HTTP_CONFIG)
        unless defined $block->http_config;
    $block->set_value('config', $main::CONFIG) unless defined $block->config;
    $block->set_value('more_headers', "X-Elaaoms-Secret: $main::TOOL_KEY")
        unless defined $block->more_headers;
    $block->set_value('error_code', 200) unless defined $block->error_code;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: support learns the caller's name and order number, billing's call repeats them: support still finds the order and greets by name
--- init
main::worker('openai');
my @facts = (main::mem('factual', "Caller's name is Maria Lopez.", 6),
             main::mem('factual', 'Order number XYZ-789 is the caller\'s latest order.', 7));
main::call(conv => 'conv_attr_1', caller => '+14155550131', agent => 'agent_support',
    when => $main::NOW - 7200, lines => ['Hi, this is Maria Lopez.', 'My order number is XYZ-789.'],
    memories => \@facts);
main::call(conv => 'conv_attr_2', caller => '+14155550131', agent => 'agent_billing',
    when => $main::NOW, lines => ['Maria Lopez again.', 'About my order XYZ-789, the invoice.'],
    memories => \@facts);
ElaaomsTest::worker_stop();
Test::More::is(main::status_of('acme', 'conv_attr_2')->{memories_duplicate}, 2, "billing's call reinforced both memories");

my $all = main::memories('+14155550131');
Test::More::is(scalar @$all, 2, 'two memories, none stored twice: ' . main::contents($all));
for my $m (@$all) {
    Test::More::is($m->{agent_id}, 'agent_billing', "latest agent billing: $m->{content}");
    Test::More::is_deeply($m->{agents}, ['agent_support', 'agent_billing'], "both agents own it: $m->{content}");
}
my ($name) = grep { $_->{content} =~ /Maria/ } @$all;
Test::More::ok($name->{identity}, 'the name is an identity fact');
my ($order) = grep { $_->{content} =~ /XYZ-789/ } @$all;
Test::More::ok(!$order->{identity}, 'the order is not');

# the query API by agent: each of the two agents has both
Test::More::is(scalar @{ main::memories('+14155550131', 'agent_support') }, 2, 'query by agent: support has both');
Test::More::is(scalar @{ main::memories('+14155550131', 'agent_billing') }, 2, 'query by agent: billing has both');
Test::More::is(scalar @{ main::memories('+14155550131', 'agent_sales') }, 0, 'query by agent: sales has none');

# search: support's, after billing's reinforcement
my ($r, $raw) = main::search('+14155550131', 'agent_support', 'what was my order number');
Test::More::ok($r->{count} >= 1, "support's search finds something: $raw");
Test::More::like($r->{results}[0]{content}, qr/XYZ-789/, 'the order number first');
Test::More::is($r->{results}[0]{agent_id}, 'agent_billing', 'answered with its latest agent');
($r, $raw) = main::search('+14155550131', 'agent_billing', 'what was my order number');
Test::More::like($r->{results}[0]{content}, qr/XYZ-789/, "billing's search finds it too");
($r, $raw) = main::search('+14155550131', 'agent_sales', 'what was my order number', threshold => 0);
Test::More::ok(!(grep { $_->{content} =~ /XYZ-789/ } @{ $r->{results} }), "an agent that never heard it does not: $raw");

# pre-call context: support still greets Maria
my ($cd) = main::client_data('+14155550131', 'agent_support');
my $v = $cd->{dynamic_variables};
Test::More::is($v->{caller_name}, 'Maria Lopez', "support's caller_name");
Test::More::like($v->{first_message}, qr/\bMaria\b/, "support's greeting uses the name: $v->{first_message}");
Test::More::like($v->{caller_context}, qr/XYZ-789/, "support's caller_context has the order");
Test::More::like($cd->{conversation_config_override}{agent}{prompt}{prompt}, qr/XYZ-789/, "support's prompt has the order");
($cd) = main::client_data('+14155550131', 'agent_billing');
Test::More::is($cd->{dynamic_variables}{caller_name}, 'Maria Lopez', "billing's caller_name");
main::bind_call('CAattr1', '+14155550131', 'agent_support');
--- request
POST /acme/search-memory
{"query":"what was my order number","caller_id":"+14155550131","agent_id":"agent_support","search_all_agents":false,"call_sid":"CAattr1"}
--- response_body_like eval
qr/^\{"query":"what was my order number","results":\[\{"id":"[^"]+","type":"factual","content":"Order number XYZ-789 is the caller's latest order\.","importance":7,.*"conversation_id":"conv_attr_2","agent_id":"agent_billing","relevance":/
--- no_error_log
[error]



=== TEST 2: the same with the offline extractor: the first agent keeps the memories another agent's call repeated
--- init
main::worker('offline');
main::call(conv => 'conv_attr_off_1', caller => '+14155550132', agent => 'agent_support',
    when => $main::NOW - 7200,
    lines => ['Hi, my name is Maria Lopez.', 'My order number is XYZ-789 and it has not arrived.']);
my $first = main::memories('+14155550132');
Test::More::ok((grep { $_->{content} =~ /Maria Lopez/ } @$first), 'the name extracted: ' . main::contents($first));
Test::More::ok((grep { $_->{content} =~ /XYZ-789/ } @$first), 'the order number extracted');
main::call(conv => 'conv_attr_off_2', caller => '+14155550132', agent => 'agent_billing',
    when => $main::NOW,
    lines => ['Hi, my name is Maria Lopez.', 'My order number is XYZ-789 and it has not arrived.']);
ElaaomsTest::worker_stop();
my $all = main::memories('+14155550132');
Test::More::ok(!(grep { $_->{agent_id} ne 'agent_billing' } @$all), 'billing is the latest agent of every memory: ' . main::contents($all));
Test::More::ok(!(grep { !(grep { $_ eq 'agent_support' } @{ $_->{agents} }) } @$all), 'support still owns every memory');
my ($r, $raw) = main::search('+14155550132', 'agent_support', 'what was my order number');
Test::More::ok((grep { $_->{content} =~ /XYZ-789/ } @{ $r->{results} }), "support's search finds the order: $raw");
my ($cd) = main::client_data('+14155550132', 'agent_support');
Test::More::is($cd->{dynamic_variables}{caller_name}, 'Maria Lopez', "support's caller_name");
Test::More::like($cd->{dynamic_variables}{first_message}, qr/\bMaria\b/, "support's greeting uses the name");
--- request
POST /acme/client-data
{"caller_id":"+14155550132","agent_id":"agent_support"}
--- response_body_like eval
qr/"caller_name":"Maria Lopez".*"first_message":"[^"]*\bMaria\b/



=== TEST 3: identity facts reach every agent, health and safety facts are raised to 8 and shared, the rest stays with its agent
--- init
main::worker('openai');
main::call(conv => 'conv_attr_id_1', caller => '+14155550133', agent => 'agent_sales',
    when => $main::NOW - 3600,
    lines => ['This is Dana Whitfield.', 'I speak Spanish at home.', 'I have a severe peanut allergy.',
              'I use a wheelchair.', 'Tell me about the budget plan.'],
    memories => [ main::mem('factual', "Caller's name is Dana Whitfield.", 4),
                  main::mem('preference', 'Prefers to speak Spanish.', 5),
                  main::mem('factual', 'Has a severe peanut allergy.', 5),
                  main::mem('factual', 'Uses a wheelchair.', 3),
                  main::mem('preference', 'Interested in the budget plan.', 5) ]);
my @chat = ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions');
Test::More::like($chat[0]{body}, qr/allerg[^"]*importance 8/i, 'the LLM is told health and safety facts take importance 8 or more');
ElaaomsTest::worker_stop();
my $all = main::memories('+14155550133');
my %by = map { $_->{content} => $_ } @$all;
Test::More::is($by{'Has a severe peanut allergy.'}{importance}, 8, 'the allergy raised to 8');
Test::More::is($by{'Uses a wheelchair.'}{importance}, 8, 'the wheelchair raised to 8');
Test::More::is($by{'Interested in the budget plan.'}{importance}, 5, 'the rest keeps its importance');
Test::More::ok($by{"Caller's name is Dana Whitfield."}{identity}, 'the name is identity');
Test::More::ok($by{'Prefers to speak Spanish.'}{identity}, 'the language is identity');
Test::More::ok(!$by{'Interested in the budget plan.'}{identity}, 'the interest is not');
Test::More::is($by{"Caller's name is Dana Whitfield."}{importance}, 4, 'identity keeps its importance');

# an agent of the organization that never spoke with the caller
my ($cd, $cdraw) = main::client_data('+14155550133', 'agent_returns');
my $v = $cd->{dynamic_variables};
Test::More::is($v->{caller_name}, 'Dana Whitfield', 'another agent knows the name');
Test::More::like($v->{caller_context}, qr/peanut allergy/, 'and the allergy');
Test::More::like($v->{caller_context}, qr/Spanish/, 'and the language');
Test::More::unlike($cdraw, qr/budget plan/, "but not sales' own memory");
my ($r, $raw) = main::search('+14155550133', 'agent_returns', 'does the caller have any allergies?');
Test::More::like($r->{results}[0]{content}, qr/peanut allergy/, "another agent's search finds the allergy: $raw");
($r, $raw) = main::search('+14155550133', 'agent_returns', "what is the caller's name?");
Test::More::like($r->{results}[0]{content}, qr/Dana Whitfield/, "and the name: $raw");
($r, $raw) = main::search('+14155550133', 'agent_returns', 'is the caller interested in a plan?', threshold => 0, limit => 100);
Test::More::ok(!(grep { $_->{content} =~ /budget/ } @{ $r->{results} }), "not sales' own memory, even at threshold 0");
($r, $raw) = main::search('+14155550133', 'agent_sales', 'is the caller interested in a plan?');
Test::More::like($raw, qr/budget plan/, 'sales finds its own');
Test::More::is(scalar @{ main::memories('+14155550133', 'agent_returns') }, 0, 'query by agent: returns owns nothing');
main::bind_call('CAattr3', '+14155550133', 'agent_returns');
--- request
POST /acme/search-memory
{"query":"does the caller have any allergies?","caller_id":"+14155550133","agent_id":"agent_returns","call_sid":"CAattr3"}
--- response_body_like eval
qr/"content":"Has a severe peanut allergy\.","importance":8,/
--- response_body_unlike
budget plan



=== TEST 4: memories stored by the first release (the record names only the agent of the latest call) are given back to every agent by "upgrade"
--- init
my $when = $main::NOW - 86400;
main::store_v1(id => sprintf('%08x00000000000a', $when), caller => '+14155550134',
    conv => 'conv_old_2', agent => 'agent_billing', agents => ['agent_support', 'agent_billing'],
    importance => 7, created => $when, content => "Order number XYZ-789 is the caller's latest order.");
main::store_v1(id => sprintf('%08x00000000000b', $when), caller => '+14155550134',
    conv => 'conv_old_2', agent => 'agent_billing', agents => ['agent_support', 'agent_billing'],
    importance => 6, created => $when, content => "Caller's name is Maria Lopez.");
my $old = main::memories('+14155550134');
Test::More::is(scalar @$old, 2, 'the old records decode: ' . main::contents($old));
Test::More::is_deeply($old->[0]{agents}, ['agent_billing'], 'naming billing only');
my ($r, $raw) = main::search('+14155550134', 'agent_support', 'what was my order number');
Test::More::is($r->{count}, 0, "before the upgrade support's search misses it: $raw");
Test::More::is(scalar @{ main::memories('+14155550134', 'agent_support') }, 2, 'the query API already had it (the agent set)');

my ($up) = ElaaomsTest::worker_cli('upgrade', 'acme');
Test::More::ok($up->{records_upgraded} >= 2, "upgrade rewrote the old records: records_upgraded $up->{records_upgraded}");
Test::More::ok($up->{contexts} >= 1, 'and rebuilt their callers\' contexts');
Test::More::is($up->{failed}, 0, 'nothing failed');
my $new = main::memories('+14155550134');
Test::More::ok(!(grep { join(',', @{ $_->{agents} }) ne 'agent_support,agent_billing' } @$new), 'both agents own both memories again');
Test::More::ok(!(grep { ($_->{embed_model} // '') ne 'elaaoms-hash-v10-384' || $_->{dim} != 384 } @$new),
    'and gave them this build\'s offline vectors (they had none)');
my ($name) = grep { $_->{content} =~ /Maria/ } @$new;
Test::More::ok($name->{identity}, 'the name became an identity fact');
($r, $raw) = main::search('+14155550134', 'agent_support', 'what was my order number');
Test::More::like($r->{results}[0]{content}, qr/XYZ-789/, "support's search finds the order: $raw");
my ($cd) = main::client_data('+14155550134', 'agent_support');
Test::More::is($cd->{dynamic_variables}{caller_name}, 'Maria Lopez', "support's pre-call context has the name");
Test::More::like($cd->{dynamic_variables}{caller_context}, qr/XYZ-789/, 'and the order');
my ($again) = ElaaomsTest::worker_cli('upgrade', 'acme');
Test::More::is($again->{records_upgraded}, 0, 'a second upgrade has nothing to do');
main::bind_call('CAattr4', '+14155550134', 'agent_support');
--- request
POST /acme/search-memory
{"query":"what was my order number","caller_id":"+14155550134","agent_id":"agent_support","call_sid":"CAattr4"}
--- response_body_like eval
qr/"content":"Order number XYZ-789 is the caller's latest order\.","importance":7,/
