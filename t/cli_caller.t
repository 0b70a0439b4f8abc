# The operator tool's caller commands (worker/cli_caller.c), run as
# build/elaaoms against the suite's Redis: callers list, caller show and
# its filters, caller export (the GDPR access request: it must hold every
# kind of data that caller forget deletes), caller forget, memory delete.
# Callers come from signed post-calls through nginx and the worker (with
# payload files, conversation hashes, contexts) and from seed_memories
# (memories with chosen types, agents, conversations, dates).

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $PORT = server_port_for_client();

# the tool sees the payload directory (and the ACL user of
# ELAAOMS_TEST_REDIS_ACL runs)
%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          ElaaomsTest::_acl_worker_conf());

# the post-call caller (A) and the seeded one (B)
our $A = '+14155550123';
our $B = '+12025550188';

sub transcript { ElaaomsTest::transcript_body(@_) }

sub post {
    my ($body) = @_;
    my $res = post_webhook($main::PORT, '/acme/post-call', 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub tool { ElaaomsTest::tool_run('--org', 'acme', @_) }

# the ids caller show prints for these arguments (JSON), sorted
sub show_ids {
    my ($rc, $out, $err) = main::tool('--json', 'caller', 'show', @_);
    die "caller show @_: exit $rc: $err" if $rc != 0;
    return join ',', sort map { $_->{id} } @$out;
}

sub raw { ElaaomsTest::redis_raw(@_) }

sub all_keys { my %k = map { $_ => 1 } grep { length } split /\n/, raw('--scan'); return \%k }

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: callers list: the org's callers with their counts, JSON and text, --limit; --help; bad arguments
--- init
ElaaomsTest::worker_start(llm_provider => 'offline');
main::post(main::transcript('conv_cli_a1', '+1 (415) 555-0123',
    'My name is Anna Zanzibar.', 'I prefer email over phone calls.'));
main::post(main::transcript('conv_cli_a2', '+1 (415) 555-0123',
    'My order Quokka-42 was delayed again.', 'I am frustrated.'));
for my $c ('conv_cli_a1', 'conv_cli_a2') {
    Test::More::ok(ElaaomsTest::wait_until(sub {
        main::raw('HGET', "elaaoms:{acme}:conversation:$c", 'status') eq 'extraction_completed' }, 15),
        "$c extracted");
}
ElaaomsTest::worker_stop();
ElaaomsTest::seed_memories(
    { org => 'acme', caller => $main::B, id => 'm_b1', agent => 'agent_one', conversation => 'conv_cli_b1',
      type => 'issue', importance => 8, created => 1767225600, content => 'Order XYZ-789 is delayed' },
    { org => 'acme', caller => $main::B, id => 'm_b2', agent => 'agent_two', conversation => 'conv_cli_b1',
      type => 'preference', importance => 4, created => 1767312000, content => 'Prefers text messages' },
    { org => 'acme', caller => $main::B, id => 'm_b3', agent => 'agent_one', conversation => 'conv_cli_b2',
      type => 'factual', importance => 6, created => 1769904000, content => 'Lives in Denver' },
    { org => 'acme', caller => $main::B, id => 'm_b4', agent => 'agent_two', conversation => 'conv_cli_b2',
      type => 'issue', importance => 3, created => 1769990400, content => 'Lived in Boston', superseded => JSON::PP::true() },
    { org => 'other', caller => '+13035550111', id => 'm_o1', type => 'factual', content => 'Another org' });

my ($rc, $out, $err, $text) = main::tool('--json', 'callers', 'list');
Test::More::is($rc, 0, 'callers list exits 0');
my %by = map { $_->{caller} => $_ } @$out;
Test::More::is_deeply([sort keys %by], [sort $main::A, $main::B], 'both callers of acme, not the other org\'s');
Test::More::is($by{$main::B}{memories}, 4, 'B: its four memories');
Test::More::is($by{$main::B}{conversations}, 2, 'B: two conversations');
Test::More::is($by{$main::B}{newest_memory}, 1769990400, 'B: the newest memory\'s time');
Test::More::is($by{$main::A}{memories}, main::raw('HLEN', "elaaoms:acme:{acme:$main::A}:index"), 'A: as many as its index holds');
Test::More::ok($by{$main::A}{memories} >= 2, "A has memories: $by{$main::A}{memories}");
Test::More::is($by{$main::A}{conversations}, 2, 'A: its two calls');
Test::More::ok($by{$main::A}{newest_conversation} > time() - 600, 'A: its last call, just now');

($rc, $out) = main::tool('--json', 'callers', 'list', '--limit', '1');
Test::More::is(scalar @$out, 1, '--limit 1: one caller');
($rc, $out, $err, $text) = main::tool('callers', 'list');
Test::More::is($rc, 0, 'text output exits 0');
Test::More::like($text, qr/^caller: \+12025550188\nmemories: 4\nconversations: 2\n/m, 'text: key: value lines');
Test::More::is(scalar @$out, 0, 'text: no JSON');
my $n = () = $text =~ /^caller: /mg;
Test::More::is($n, 2, 'text: one paragraph per caller');

($rc, $out, $err, $text) = main::tool('callers', 'list', '--help');
Test::More::is($rc, 0, '--help exits 0');
Test::More::like($text, qr/callers list \[--limit N\].*Example:/s, '--help: synopsis and an example');
($rc, $out, $err) = main::tool('callers', 'list', '--limit', '0');
Test::More::is($rc, 2, '--limit 0: exit 2');
($rc) = main::tool('callers', 'list', '--limit', 'many');
Test::More::is($rc, 2, '--limit many: exit 2');
($rc, $out, $err) = main::tool('callers', 'list', 'extra');
Test::More::is($rc, 2, 'an argument: exit 2');
Test::More::like($err, qr/usage: .*callers list/, 'with the usage');
($rc) = main::tool('callers', 'list', '--bogus');
Test::More::is($rc, 2, 'an unknown option: exit 2');
($rc) = main::tool('--org', 'bad org!', 'callers', 'list');
Test::More::is($rc, 2, 'a bad --org: exit 2');



=== TEST 2: caller show: each filter, text and JSON, unknown caller 3, bad arguments 2
--- init
Test::More::is(main::show_ids($main::B), 'm_b1,m_b2,m_b3,m_b4', 'all four, superseded included');
Test::More::is(main::show_ids('+1 (202) 555-0188'), 'm_b1,m_b2,m_b3,m_b4', 'the caller as people write it');
Test::More::is(main::show_ids($main::B, '--type', 'issue'), 'm_b1,m_b4', '--type issue');
Test::More::is(main::show_ids($main::B, '--agent', 'agent_two'), 'm_b2,m_b4', '--agent');
Test::More::is(main::show_ids($main::B, '--conversation', 'conv_cli_b2'), 'm_b3,m_b4', '--conversation');
Test::More::is(main::show_ids($main::B, '--since', '2026-02-01'), 'm_b3,m_b4', '--since a day');
Test::More::is(main::show_ids($main::B, '--until', '2026-01-01'), 'm_b1', '--until a day: up to its end');
Test::More::is(main::show_ids($main::B, '--until', '2026-01-01T23:59:59Z'), 'm_b1', '--until a time');
Test::More::is(main::show_ids($main::B, '--since', '1767312000', '--until', '2026-02-01'), 'm_b2,m_b3',
               '--since unix seconds and --until');
Test::More::is(main::show_ids($main::B, '--min-importance', '6'), 'm_b1,m_b3', '--min-importance');
Test::More::is(main::show_ids('--type', 'issue', '--agent', 'agent_one', $main::B), 'm_b1',
               'filters combine, options before the caller');
Test::More::is(main::show_ids($main::B, '--type', 'relationship'), '', 'a known caller, nothing matches: exit 0, nothing');

my ($rc, $out) = main::tool('--json', 'caller', 'show', $main::B, '--limit', '2');
Test::More::is(join(',', map { $_->{id} } @$out), 'm_b1,m_b3', '--limit 2: the two most important');
my ($m) = grep { $_->{id} eq 'm_b4' } @{ (main::tool('--json', 'caller', 'show', $main::B))[1] };
my ($legacy) = grep { $_->{id} eq 'm_b4' } ElaaomsTest::worker_cli('memories', 'acme', $main::B);
Test::More::is_deeply($m, $legacy, 'a record as the legacy "memories" prints it');
Test::More::ok($m->{superseded}, 'superseded shown as such');

my ($err, $text);
($rc, $out, $err, $text) = main::tool('caller', 'show', $main::B, '--type', 'preference');
Test::More::is($rc, 0, 'text output');
Test::More::like($text, qr/\Aid: m_b2\ntype: preference\ncontent: Prefers text messages\n.*\nagents: \["agent_two"\]\n/s,
                 'text: key: value lines, lists as JSON');

($rc, $out, $err) = main::tool('caller', 'show', '+19995550100');
Test::More::is($rc, 3, 'an unknown caller: exit 3');
Test::More::like($err, qr/no caller/, 'and says so');
($rc) = main::tool('--org', 'other', 'caller', 'show', $main::B);
Test::More::is($rc, 3, 'a caller of another org: exit 3');

for my $bad (['--type', 'gossip'], ['--since', 'yesterday'], ['--until', '2026-13-45'],
             ['--min-importance', '11'], ['--min-importance', '0'], ['--limit', '-1'],
             ['--agent', 'agent one'], ['--conversation', '../x'], ['--colour', 'red']) {
    my ($r, undef, $e) = main::tool('caller', 'show', $main::B, @$bad);
    Test::More::is($r, 2, "@$bad: exit 2");
}
($rc, $out, $err) = main::tool('caller', 'show', $main::B, '--type', 'gossip');
Test::More::like($err, qr/--type: factual, preference/, 'a bad value says what is allowed');
($rc, $out, $err) = main::tool('caller', 'show');
Test::More::is($rc, 2, 'no caller: exit 2');
Test::More::like($err, qr/usage: .*caller show CALLER/, 'with the usage');
($rc) = main::tool('caller', 'show', $main::B, $main::A);
Test::More::is($rc, 2, 'two callers: exit 2');
($rc) = main::tool('caller', 'show', '+1');
Test::More::is($rc, 2, 'not a caller id: exit 2');
($rc, $out, $err, $text) = main::tool('caller', 'show', '--help');
Test::More::is($rc, 0, '--help exits 0');
Test::More::like($text, qr/--min-importance N.*Exit 3 when.*Example:/s, '--help: options, exit status, example');



=== TEST 3: memory delete: the memory leaves caller show and Redis, the contexts are queued for a rebuild; again: 3
--- init
main::raw('DEL', 'elaaoms:{acme}:jobs:refresh');
my ($rc, $out, $err, $text) = main::tool('memory', 'delete', '+1 (202) 555-0188', 'm_b3');
Test::More::is($rc, 0, 'exit 0');
Test::More::is($text, "deleted: true\ncaller: +12025550188\nmemory_id: m_b3\ncontexts_refresh_queued: true\n\n", 'text output');
Test::More::is(main::show_ids($main::B), 'm_b1,m_b2,m_b4', 'caller show no longer lists it');
my $p = "elaaoms:acme:{acme:$main::B}:";
Test::More::is(main::raw('HEXISTS', "${p}index", 'm_b3'), '0', 'not in the index');
Test::More::is(main::raw('ZSCORE', "${p}by_time", 'm_b3'), '', 'nor in the time order');
Test::More::is(main::raw('SISMEMBER', "${p}type:factual", 'm_b3'), '0', 'nor in its type set');
Test::More::is(main::raw('SISMEMBER', "${p}conversation:conv_cli_b2", 'm_b3'), '0', 'nor in its conversation set');
Test::More::is(main::raw('SISMEMBER', "${p}agent:agent_one", 'm_b3'), '0', 'nor in its agent set');
Test::More::is(main::raw('LRANGE', 'elaaoms:{acme}:jobs:refresh', 0, -1), $main::B, 'the caller queued for new contexts');

($rc, $out, $err) = main::tool('--json', 'memory', 'delete', $main::B, 'm_b3');
Test::More::is($rc, 3, 'again: exit 3');
Test::More::like($err, qr/no memory m_b3/, 'and says so');
Test::More::is(scalar @$out, 0, 'nothing on stdout');
($rc, $out) = main::tool('--json', 'memory', 'delete', $main::B, 'm_b2');
Test::More::is_deeply($out, [{ deleted => JSON::PP::true(), caller => $main::B, memory_id => 'm_b2',
                               contexts_refresh_queued => JSON::PP::true() }], '--json: one document');
Test::More::is(main::show_ids($main::B), 'm_b1,m_b4', 'two left');
($rc) = main::tool('memory', 'delete', $main::A, 'm_b1');
Test::More::is($rc, 3, 'another caller\'s memory: exit 3');
Test::More::is(main::show_ids($main::B), 'm_b1,m_b4', 'and it stays');
($rc) = main::tool('memory', 'delete', $main::B);
Test::More::is($rc, 2, 'no memory id: exit 2');
($rc) = main::tool('memory', 'delete', $main::B, 'm b1');
Test::More::is($rc, 2, 'not a memory id: exit 2');
($rc) = main::tool('memory', 'delete', $main::B, 'm_b1', 'extra');
Test::More::is($rc, 2, 'an extra argument: exit 2');
($rc, $out, $err, $text) = main::tool('memory', 'delete', '--help');
Test::More::like($text, qr/memory delete CALLER MEMORY_ID.*jobs:refresh.*Exit 3/s, '--help');



=== TEST 4: caller export: one JSON document with memories, conversations, payloads, contexts, jobs and audit
--- init
# a queued job of the caller sits in the failed list, two audit entries name it
main::post(main::transcript('conv_cli_a3', '+1 (415) 555-0123', 'Zanzibar again, about the Quokka order.'));
my $job = main::raw('LINDEX', 'elaaoms:{acme}:jobs:ready', '0');
Test::More::like($job, qr/conv_cli_a3/, 'a queued job of the caller');
main::raw('LPUSH', 'elaaoms:{acme}:jobs:failed', $job);
main::raw('XADD', 'elaaoms:acme:audit', '*', 'org', 'acme', 'caller', $main::A,
          'agent_id', 'agent_x', 'memory_ids', 'm1', 'via', 'client_data');
main::raw('XADD', 'elaaoms:acme:audit', '*', 'org', 'acme', 'caller', $main::B,
          'agent_id', 'agent_x', 'memory_ids', 'm2', 'via', 'client_data');
ElaaomsTest::seed_memories({ org => 'acme', caller => $main::A, id => 'm_a_old', type => 'factual',
    content => 'Lived in Paris', superseded => JSON::PP::true(), conversation => 'conv_cli_a1' });

my ($rc, $out, $err, $text) = main::tool('caller', 'export', '+1 (415) 555-0123');
Test::More::is($rc, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(scalar(split /\n/, $text), 1, 'one line, without --json too');
Test::More::is(scalar @$out, 1, 'one JSON document');
my $x = $out->[0];
$main::EXPORT = $x;
Test::More::is($x->{caller}, $main::A, 'the caller');
Test::More::is($x->{organization}, 'acme', 'the organization');
Test::More::is(scalar @{ $x->{memories} }, main::raw('HLEN', "elaaoms:acme:{acme:$main::A}:index"), 'every memory');
Test::More::ok((grep { $_->{id} eq 'm_a_old' && $_->{superseded} } @{ $x->{memories} }), 'the superseded one too');
Test::More::ok((grep { $_->{content} =~ /email/ } @{ $x->{memories} }), 'what the extraction found');

my %conv = map { $_->{conversation_id} => $_ } @{ $x->{conversations} };
Test::More::is_deeply([sort keys %conv], ['conv_cli_a1', 'conv_cli_a2', 'conv_cli_a3'], 'its three conversations');
Test::More::is($conv{conv_cli_a1}{keys}{'elaaoms:{acme}:conversation:conv_cli_a1'}{status}, 'extraction_completed',
               'each conversation\'s status hash');
Test::More::is($conv{conv_cli_a3}{keys}{'elaaoms:{acme}:conversation:conv_cli_a3'}{status}, 'extraction_pending',
               'the queued one\'s too');
my ($payload) = grep { $_->{file} eq 'conv_cli_a2_transcription.json' } @{ $conv{conv_cli_a2}{files} };
Test::More::ok($payload, 'the stored post-call payload');
Test::More::is($payload->{content}{data}{transcript}[1]{message}, 'My order Quokka-42 was delayed again.',
               'parsed: its transcript');
Test::More::is($payload->{content}{data}{metadata}{phone_call}{external_number}, '+1 (415) 555-0123',
               'and its metadata');
Test::More::ok($payload->{bytes} > 100, 'with its size');

my $p = "elaaoms:acme:{acme:$main::A}:";
my $ctx = $x->{keys}{"${p}context:agent_01support7x"};
Test::More::is(ref $ctx, 'HASH', 'the pre-call context document of the agent, parsed');
Test::More::ok($ctx->{dynamic_variables}{caller_known}, 'the document as client-data serves it');
Test::More::ok(exists $x->{keys}{"${p}context:_any"}, 'and the one for other agents');
Test::More::is($x->{keys}{"${p}calls"}{count}, 2, 'the call history');
my ($calls) = grep { /^elaaoms:\{acme\}:calls:[0-9a-f]{64}$/ } keys %{ $x->{keys} };
Test::More::ok($calls, 'the conversation index, in the org\'s slot under a hashed name');
Test::More::is_deeply([sort @{ $x->{keys}{$calls} || [] }], ['conv_cli_a1', 'conv_cli_a2', 'conv_cli_a3'],
                      'the conversation index');
Test::More::is($x->{keys}{"${p}index"}{see}, 'memories', 'the memory index points at "memories"');

Test::More::is(scalar @{ $x->{jobs} }, 2, 'its job, queued and failed');
Test::More::is_deeply([sort map { $_->{list} } @{ $x->{jobs} }],
                      ['elaaoms:{acme}:jobs:failed', 'elaaoms:{acme}:jobs:ready'], 'with their lists');
Test::More::is($x->{jobs}[0]{job}{conversation_id}, 'conv_cli_a3', 'the job, parsed');
Test::More::is(scalar @{ $x->{audit} }, 1, 'its audit entry, not the other caller\'s');
Test::More::is($x->{audit}[0]{fields}{memory_ids}, 'm1', 'with its fields');
Test::More::unlike(JSON::PP->new->encode($x), qr/2025550188|Prefers text/, 'nothing of another caller');

($rc, $out, $err) = main::tool('caller', 'export', '+19995550100');
Test::More::is($rc, 3, 'an unknown caller: exit 3');
Test::More::like($err, qr/no caller/, 'and says so');
Test::More::is(scalar @$out, 0, 'no document');
($rc) = main::tool('caller', 'export');
Test::More::is($rc, 2, 'no caller: exit 2');
($rc) = main::tool('caller', 'export', $main::A, $main::B);
Test::More::is($rc, 2, 'two: exit 2');
($rc, $out, $err, $text) = main::tool('caller', 'export', '--help');
Test::More::like($text, qr/caller export CALLER.*GDPR.*Example:/s, '--help');



=== TEST 5: caller forget deletes exactly what the export showed: every key, job, audit entry and file; then the caller is unknown
--- init
my $x = $main::EXPORT;
my $before = main::all_keys();
my @files_before = map { @{ $_->{files} } } @{ $x->{conversations} };
my ($rc, $out, $err) = main::tool('--json', 'caller', 'forget', '+1 (415) 555-0123');
Test::More::is($rc, 0, 'exit 0');
my $f = $out->[0];
Test::More::ok($f->{forgotten}, 'the legacy forget\'s JSON');
Test::More::is_deeply([sort keys %$f], [sort qw(forgotten keys_deleted conversations jobs_removed files_removed audit_removed)],
                      'its fields');
my $after = main::all_keys();
my @gone = grep { !$after->{$_} } sort keys %$before;
my %shown = %{ $x->{keys} };
%shown = (%shown, %{ $_->{keys} }) for @{ $x->{conversations} };
Test::More::ok(scalar @gone > 10, 'forget deleted keys: ' . scalar @gone);
# org-level keys that went with their last member: the job lists (jobs,
# counted below) and the status page's recent set (each conversation's
# "recent")
my @org = grep { /^elaaoms:\{acme\}:(jobs:\w+|recent)$/ } @gone;
Test::More::is_deeply(\@org, ['elaaoms:{acme}:jobs:failed', 'elaaoms:{acme}:jobs:ready', 'elaaoms:{acme}:recent'],
                      'the org\'s keys emptied: the job lists and recent set');
Test::More::is(scalar(grep { defined $_->{recent} } @{ $x->{conversations} }), 3,
               'each conversation\'s recent entry was in the export');
my @missing = grep { !exists $shown{$_} } grep { !/^elaaoms:\{acme\}:(jobs:\w+|recent)$/ } @gone;
Test::More::is_deeply(\@missing, [], 'every key forget deleted was in the export')
    or Test::More::diag(join "\n", @missing);
Test::More::is($f->{conversations}, scalar @{ $x->{conversations} }, 'the conversations erased are those exported');
Test::More::is($f->{jobs_removed}, scalar @{ $x->{jobs} }, 'the jobs removed are those exported');
Test::More::is($f->{audit_removed}, scalar @{ $x->{audit} }, 'the audit entries removed are those exported');
Test::More::is($f->{files_removed}, scalar @files_before, 'the payload files removed are those exported');
Test::More::ok(!-e ElaaomsTest::payload_dir() . '/acme/conv_cli_a2', 'a payload directory is gone');

($rc, $out) = main::tool('--json', 'callers', 'list');
Test::More::is_deeply([map { $_->{caller} } @$out], [$main::B], 'callers list no longer lists it');
($rc) = main::tool('caller', 'show', $main::A);
Test::More::is($rc, 3, 'caller show: exit 3');
($rc) = main::tool('caller', 'export', $main::A);
Test::More::is($rc, 3, 'caller export: exit 3');
Test::More::is(main::show_ids($main::B), 'm_b1,m_b4', 'the other caller keeps its memories');
Test::More::like(main::raw('XRANGE', 'elaaoms:acme:audit', '-', '+'), qr/\+12025550188/, 'and its audit entry');

($rc, $out, $err) = main::tool('caller', 'forget');
Test::More::is($rc, 2, 'no caller: exit 2');
($rc) = main::tool('caller', 'forget', '+1');
Test::More::is($rc, 2, 'not a caller: exit 2');
my $text;
($rc, $out, $err, $text) = main::tool('caller', 'forget', '--help');
Test::More::like($text, qr/caller forget CALLER.*tombstone.*Example:/s, '--help');
($rc, $out, $err, $text) = ElaaomsTest::tool_run('--help');
Test::More::like($text, qr/callers list.*caller show.*caller forget.*memory delete.*caller export/s,
                 'the tool\'s --help lists the commands');
