# The operator tool's commands about the job queue, the audit, usage and
# agent profiles (worker/cli_queue.c, worker/cli_admin.c): build/elaaoms
# run against a real Redis, each command's output (--json and text),
# its effect in Redis, its --help, a bad argument (exit 2) and a missing
# thing (exit 3).  Usage is checked end to end: a signed post-call through
# nginx, extracted by the worker through the fake OpenAI server whose
# usage fields are scripted, then "elaaoms usage" reports those numbers;
# "profile refresh" fetches from the fake ElevenLabs agent endpoint.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use File::Temp ();
use POSIX ();

delete $ENV{ELEVENLABS_API_KEY};
delete $ENV{OPENAI_API_KEY};
delete $ENV{ANTHROPIC_API_KEY};

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $FAKE = fake_start();
our $PORT = server_port_for_client();
our $J = JSON::PP->new->canonical;

# Runs build/elaaoms with a configuration for the suite's Redis (plus
# %extra settings); returns its exit status, its JSON lines decoded (with
# --json), its stdout and its stderr.
sub cli {
    my ($extra, @args) = @_;
    my $bin = ElaaomsTest::repo_root() . '/build/elaaoms';
    my $dir = File::Temp::tempdir('elaaoms-cliq-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my %cf = (ElaaomsTest::redis_conf(), payload_dir => payload_dir(),
              ElaaomsTest::_acl_worker_conf(),
              %{ $extra || {} });
    open my $fh, '>', "$dir/cli.conf" or die $!;
    print $fh "$_ $cf{$_}\n" for sort keys %cf;
    close $fh;
    my $cmd = join ' ', map { quotemeta } $bin, '--config', "$dir/cli.conf", @args;
    my $out = `$cmd 2>$dir/err`;
    my $status = $? >> 8;
    open my $e, '<', "$dir/err" or die $!;
    my $err = do { local $/; <$e> };
    close $e;
    my @json = grep { defined } map { eval { JSON::PP::decode_json($_) } }
               grep { /^\{/ } split /\n/, $out;
    return ($status, \@json, $out, $err);
}

# a job as nginx queues it (lib/intake/job.h)
sub job {
    my ($org, $conv, %f) = @_;
    return $J->encode({ org => $org, type => 'post_call_transcription',
        conversation_id => $conv, agent_id => 'agent_cliq',
        caller => '+14155550199',
        payload_path => "/var/lib/elaaoms/$org/$conv/${conv}_transcription.json",
        request_id => "req-$conv", attempt => 0, enqueued_at => time(), %f });
}

sub r { ElaaomsTest::redis_cmd(@_) }

# redis-cli --raw: the elements of a list, one a line
sub raw {
    open my $fh, '-|', 'redis-cli', ElaaomsTest::redis_cli_args(), '--raw',
        @_ or die "redis-cli: $!";
    my @l = <$fh>;
    close $fh;
    chomp @l;
    return @l;
}

sub post {
    my ($org, $body) = @_;
    my $res = post_webhook($main::PORT, "/$org/post-call", 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
}

sub wait_completed {
    my ($org, $conv) = @_;
    return wait_until(sub {
        (main::r('HGET', "elaaoms:{$org}:conversation:$conv", 'status') || '')
            =~ /extraction_completed/ }, 20);
}

ElaaomsTest::post_call_suite();

no_shuffle();
run_tests();

__DATA__

=== TEST 1: queue stats: every list's length, processing over the registered workers, the oldest ready job's age, live workers
--- init
my $now = time();
main::r('SADD', 'elaaoms:orgs', 'qorg');
main::r('SADD', 'elaaoms:orgs', 'qother');
main::r('LPUSH', 'elaaoms:{qorg}:jobs:ready', main::job('qorg', 'conv_r_old', enqueued_at => $now - 100));
main::r('LPUSH', 'elaaoms:{qorg}:jobs:ready', main::job('qorg', 'conv_r_new', enqueued_at => $now - 5));
main::r('ZADD', 'elaaoms:{qorg}:jobs:delayed', $now + 3600, main::job('qorg', 'conv_d1', attempt => 1));
main::r('RPUSH', 'elaaoms:{qorg}:jobs:failed', main::job('qorg', 'conv_f1', attempt => 3));
main::r('RPUSH', 'elaaoms:{qorg}:jobs:failed', main::job('qorg', 'conv_f2', attempt => 3));
main::r('RPUSH', 'elaaoms:{qorg}:jobs:invalid', 'not a job at all');
main::r('LPUSH', 'elaaoms:{qorg}:jobs:forget', '+14155550100');
main::r('HSET', 'elaaoms:workers', 'host-a:1', $now);
main::r('HSET', 'elaaoms:workers', 'host-b:2', $now - 1000);
main::r('LPUSH', 'elaaoms:{qorg}:jobs:processing:host-a:1', main::job('qorg', 'conv_p1'));
main::r('LPUSH', 'elaaoms:{qorg}:jobs:processing:host-b:2', main::job('qorg', 'conv_p2'));
main::r('LPUSH', 'elaaoms:{qother}:jobs:ready', main::job('qother', 'conv_o1'));
main::r('HSET', 'elaaoms:{qorg}:conversation:conv_f1', 'status', 'extraction_failed',
  'error', 'openai: 500 server error', 'failed_at', $now - 60);

my ($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', '--json', 'queue', 'stats');
Test::More::is($st, 0, 'queue stats: exit 0') or Test::More::diag($err);
Test::More::is(scalar @$json, 1, 'one record');
my $s = $json->[0];
Test::More::is_deeply([ map { $s->{$_} } qw(org ready delayed failed invalid forget refresh processing) ],
    [ 'qorg', 2, 1, 2, 1, 1, 0, 2 ], 'the lengths of every list');
Test::More::ok($s->{oldest_ready_age} >= 100 && $s->{oldest_ready_age} < 130,
    "the oldest ready job's age: $s->{oldest_ready_age}");
Test::More::is($s->{workers_live}, 1, 'one live worker (the other beat 1000 s ago)');
Test::More::is($s->{workers_registered}, 2, 'two registered');

($st, $json, $out) = main::cli(undef, '--org', 'qorg', 'queue', 'stats');
Test::More::is($st, 0, 'text: exit 0');
Test::More::like($out, qr/^org: qorg\nready: 2\ndelayed: 1\nfailed: 2\ninvalid: 1\nforget: 1\nrefresh: 0\nprocessing: 2\noldest_ready_age: \d+\nworkers_live: 1\nworkers_registered: 2\n\n\z/,
    'text: key: value lines') or Test::More::diag($out);

($st, $json) = main::cli(undef, '--json', 'queue', 'stats', '--all-orgs');
Test::More::is($st, 0, '--all-orgs: exit 0');
Test::More::is(join(',', map { "$_->{org}=$_->{ready}" } @$json), 'qorg=2,qother=1',
    '--all-orgs: one record per org, in name order');

($st, $json) = main::cli(undef, '--org', 'qempty', '--json', 'queue', 'stats');
Test::More::ok($st == 0 && $json->[0]{ready} == 0 && !defined $json->[0]{oldest_ready_age},
    'an org with nothing: zeros, no oldest age');

($st, $json, $out, $err) = main::cli(undef, 'queue', 'stats', 'extra');
Test::More::is($st, 2, 'a positional argument: exit 2');
Test::More::like($err, qr/usage: .*queue stats/, 'the usage line');
($st) = main::cli(undef, 'queue', 'stats', '--bogus');
Test::More::is($st, 2, 'an unknown option: exit 2');
($st, $json, $out) = main::cli(undef, 'queue', 'stats', '--help');
Test::More::ok($st == 0 && $out =~ /oldest_ready_age/ && $out =~ /--all-orgs/, '--help explains the fields');



=== TEST 2: jobs list: a list decoded, in the order jobs are taken, with the conversation's last error
--- init
my ($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(join(',', map { $_->{conversation_id} } @$json), 'conv_f1,conv_f2', 'failed by default, oldest first');
my $f = $json->[0];
Test::More::is($f->{list}, 'failed', 'the list');
Test::More::is($f->{agent_id}, 'agent_cliq', 'the agent');
Test::More::is($f->{caller}, '+14155550199', 'the caller');
Test::More::is($f->{attempt}, 3, 'the attempts');
Test::More::is($f->{request_id}, 'req-conv_f1', 'the request id');
Test::More::ok($f->{enqueued_at} > 0, 'the queued time');
Test::More::is($f->{status}, 'extraction_failed', "the conversation's status");
Test::More::is($f->{error}, 'openai: 500 server error', 'the last error');

($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list', '--list', 'ready');
Test::More::is(join(',', map { $_->{conversation_id} } @$json), 'conv_r_old,conv_r_new', 'ready: the next to run first');
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list', '--list', 'ready', '--limit', '1');
Test::More::is(join(',', map { $_->{conversation_id} } @$json), 'conv_r_old', '--limit 1');
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list', '--list', 'delayed');
Test::More::ok(@$json == 1 && $json->[0]{conversation_id} eq 'conv_d1' && $json->[0]{due_at} > time() + 3000,
    'delayed: with the due time');
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list', '--list', 'processing');
Test::More::is(join(',', sort map { "$_->{worker}=$_->{conversation_id}" } @$json),
    'host-a:1=conv_p1,host-b:2=conv_p2', 'processing: per worker');
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'list', '--list', 'invalid');
Test::More::ok(@$json == 1 && !$json->[0]{valid} && $json->[0]{job} eq 'not a job at all'
    && $json->[0]{decode_error} ne '', 'invalid: the text and why it does not decode');

($st, $json, $out) = main::cli(undef, '--org', 'qorg', 'jobs', 'list', '--limit', '1');
Test::More::like($out, qr/^list: failed\norg: qorg\nconversation_id: conv_f1\n.*\nerror: openai: 500 server error\n/s, 'text output');

($st, $json, $out, $err) = main::cli(undef, 'jobs', 'list', '--list', 'everything');
Test::More::is($st, 2, 'an unknown list: exit 2');
Test::More::like($err, qr/--list: one of ready, delayed, failed, invalid, processing/, 'the lists named');
($st) = main::cli(undef, 'jobs', 'list', '--limit', '0');
Test::More::is($st, 2, '--limit 0: exit 2');
($st) = main::cli(undef, 'jobs', 'list', '--limit', 'ten');
Test::More::is($st, 2, '--limit ten: exit 2');
($st, $json, $out) = main::cli(undef, 'jobs', 'list', '--help');
Test::More::ok($st == 0 && $out =~ /--list LIST/ && $out =~ /decode_error/, '--help');



=== TEST 3: jobs requeue: exactly that job from failed (or delayed) to the ready list, once; exit 3 when there is none
--- init
my ($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'requeue', 'conv_f1');
Test::More::is($st, 0, 'by conversation id: exit 0') or Test::More::diag($err);
Test::More::is_deeply($json->[0], { requeued => 'conv_f1', from => 'failed', to => 'ready' }, 'what moved');
my @failed = main::raw('LRANGE', 'elaaoms:{qorg}:jobs:failed', 0, -1);
Test::More::is(scalar(grep { /conv_f1/ } @failed), 0, 'gone from the failed list');
Test::More::is(scalar(grep { /conv_f2/ } @failed), 1, 'the other failed job stays');
my @ready = main::raw('LRANGE', 'elaaoms:{qorg}:jobs:ready', 0, -1);
Test::More::is(scalar(grep { /conv_f1/ } @ready), 1, 'in the ready list once');
Test::More::ok($ready[-1] =~ /"conversation_id":"conv_f1"/ && $ready[-1] =~ /"attempt":3/,
    'unchanged, at the end workers take next');

($st, $json, $out) = main::cli(undef, '--org', 'qorg', 'jobs', 'requeue', 'req-conv_d1');
Test::More::is($st, 0, 'by request id, from the delayed retries');
Test::More::is($out, "requeued: req-conv_d1\nfrom: delayed\nto: ready\n\n", 'text output');
Test::More::is(main::r('ZCARD', 'elaaoms:{qorg}:jobs:delayed'), '(integer) 0', 'gone from delayed');
Test::More::is(scalar(grep { /conv_d1/ } main::raw('LRANGE', 'elaaoms:{qorg}:jobs:ready', 0, -1)), 1, 'in ready once');

my $before = join '|', main::raw('LRANGE', 'elaaoms:{qorg}:jobs:ready', 0, -1);
($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', 'jobs', 'requeue', 'conv_f1');
Test::More::is($st, 3, 'already requeued: exit 3');
Test::More::like($err, qr/no job conv_f1/, 'says so');
($st) = main::cli(undef, '--org', 'qorg', 'jobs', 'requeue', 'conv_nobody');
Test::More::is($st, 3, 'no such job: exit 3');
($st) = main::cli(undef, '--org', 'qother', 'jobs', 'requeue', 'conv_f2');
Test::More::is($st, 3, "another org's job: exit 3");
Test::More::is(join('|', main::raw('LRANGE', 'elaaoms:{qorg}:jobs:ready', 0, -1)), $before, 'nothing moved');

($st) = main::cli(undef, 'jobs', 'requeue');
Test::More::is($st, 2, 'no JOB_ID: exit 2');
($st) = main::cli(undef, 'jobs', 'requeue', 'a', 'b');
Test::More::is($st, 2, 'two: exit 2');
($st, $json, $out, $err) = main::cli(undef, 'jobs', 'requeue', "bad id");
Test::More::is($st, 2, 'a space in the id: exit 2');
($st, $json, $out) = main::cli(undef, 'jobs', 'requeue', '--help');
Test::More::ok($st == 0 && $out =~ /Lua script/ && $out =~ /Exit status 3/, '--help');



=== TEST 4: jobs requeue-failed: every failed job to ready; the old "requeue-failed ORG" still works
--- init
main::r('RPUSH', 'elaaoms:{qorg}:jobs:failed', main::job('qorg', 'conv_f3', attempt => 3));
my ($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', '--json', 'jobs', 'requeue-failed');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is($json->[0]{requeued}, 2, 'two moved');
Test::More::is(main::r('LLEN', 'elaaoms:{qorg}:jobs:failed'), '(integer) 0', 'failed is empty');
my @ready = main::raw('LRANGE', 'elaaoms:{qorg}:jobs:ready', 0, -1);
Test::More::is(scalar(grep { /conv_f2|conv_f3/ } @ready), 2, 'both in ready');

main::r('RPUSH', 'elaaoms:{qorg}:jobs:failed', main::job('qorg', 'conv_f4', attempt => 3));
($st, $json, $out) = main::cli(undef, '--org', 'qorg', 'jobs', 'requeue-failed');
Test::More::ok($st == 0 && $out eq "requeued: 1\n\n", 'text output') or Test::More::diag($out);

main::r('RPUSH', 'elaaoms:{qorg}:jobs:failed', main::job('qorg', 'conv_f5', attempt => 3));
($st, $json, $out) = main::cli(undef, 'requeue-failed', 'qorg');
Test::More::is($st, 0, 'legacy: exit 0');
Test::More::is($out, qq({"requeued":1}\n), 'legacy: JSON as before');

($st) = main::cli(undef, 'jobs', 'requeue-failed', 'qorg');
Test::More::is($st, 2, 'the org is --org, not an argument: exit 2');
($st, $json, $out) = main::cli(undef, 'jobs', 'requeue-failed', '--help');
Test::More::ok($st == 0 && $out =~ /requeue-failed ORG/, '--help');
main::r('DEL', 'elaaoms:{qorg}:jobs:ready', 'elaaoms:{qother}:jobs:ready', 'elaaoms:{qorg}:jobs:processing:host-a:1',
  'elaaoms:{qorg}:jobs:processing:host-b:2', 'elaaoms:workers');



=== TEST 5: audit tail: the newest entries, newest last, each with its fields; --since
--- init
my $day = 86400;
my $t0 = time() - 10 * $day;
for my $i (0 .. 3) {
    my $t = $t0 + $i * 3 * $day;
    main::r('XADD', 'elaaoms:qorg:audit', ($t * 1000) . '-0', 'org', 'qorg', 'caller', '+14155550123',
      'agent_id', "agent_$i", 'memory_ids', "m$i,n$i", 'time', $t, 'request_id', "rq$i",
      'via', $i % 2 ? 'search' : 'client_data', 'client', '127.0.0.1', 'auth', 'none');
}
my ($st, $json, $out, $err) = main::cli(undef, '--org', 'qorg', '--json', 'audit', 'tail', '--count', '2');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(join(',', map { $_->{agent_id} } @$json), 'agent_2,agent_3', 'the two newest, newest last');
Test::More::is_deeply($json->[1], { id => (($t0 + 9 * $day) * 1000) . '-0', org => 'qorg',
    caller => '+14155550123', agent_id => 'agent_3', memory_ids => 'm3,n3', time => $t0 + 9 * $day,
    request_id => 'rq3', via => 'search', client => '127.0.0.1', auth => 'none' }, "an entry's fields");

my @d = gmtime($t0 + 5 * $day);
my $since = POSIX::strftime('%Y-%m-%d', @d);
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'audit', 'tail', '--since', $since);
Test::More::is(join(',', map { $_->{agent_id} } @$json), 'agent_2,agent_3', "--since $since");
($st, $json) = main::cli(undef, '--org', 'qorg', '--json', 'audit', 'tail');
Test::More::is(scalar @$json, 4, 'all four (default 20)');
($st, $json, $out) = main::cli(undef, '--org', 'qorg', 'audit', 'tail', '--count', '1');
Test::More::like($out, qr/^id: \d+-0\norg: qorg\ncaller: \+14155550123\nagent_id: agent_3\n/, 'text output');
($st, $json, $out) = main::cli(undef, '--org', 'qnone', 'audit', 'tail');
Test::More::ok($st == 0 && $out eq '', 'no audit: nothing, exit 0');

($st) = main::cli(undef, 'audit', 'tail', '--since', 'yesterday');
Test::More::is($st, 2, 'a bad date: exit 2');
($st) = main::cli(undef, 'audit', 'tail', '--count', '-3');
Test::More::is($st, 2, 'a bad count: exit 2');
($st, $json, $out) = main::cli(undef, 'audit', 'tail', '--help');
Test::More::ok($st == 0 && $out =~ /memory_ids/ && $out =~ /--since DATE/, '--help');



=== TEST 6: usage end to end: the fake OpenAI's token counts by day, provider and model; the offline extractor at no cost
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), script => [
    { match => '/v1/chat/completions', usage => { prompt_tokens => 1234, completion_tokens => 321 } },
    { match => '/v1/embeddings', usage => { prompt_tokens => 77, total_tokens => 77 } } ] });
ElaaomsTest::worker_start(llm_first_message => 0, llm_provider => 'openai', llm_fallback => 0,
    openai_base_url => $main::FAKE, openai_api_key => 'sk-test', openai_model => 'gpt-cliq-mini',
    openai_price_in => 0.15, openai_price_out => 0.6, embedder => 'openai',
    openai_embed_model => 'text-embedding-cliq', openai_embed_dimensions => 64);
main::post('acme', ElaaomsTest::transcript_body('conv_use_1', '+12025550150',
    'I prefer email over phone calls.', 'My order A1234 was delayed again.'));
Test::More::ok(main::wait_completed('acme', 'conv_use_1'), 'extracted by the fake OpenAI');
ElaaomsTest::worker_stop();
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions')), 1, 'one completion');
Test::More::is(scalar(ElaaomsTest::fake_requests($main::FAKE, '/v1/embeddings')), 1, 'one embeddings request');

ElaaomsTest::worker_start(llm_provider => 'offline');
main::post('acme', ElaaomsTest::fixture('elevenlabs/post_call_transcription_twilio.json'));
Test::More::ok(main::wait_completed('acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2'), 'extracted offline');
ElaaomsTest::worker_stop();

my $today = POSIX::strftime('%Y-%m-%d', gmtime());
my ($st, $json, $out, $err) = main::cli(undef, '--org', 'acme', '--json', 'usage');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is(join(',', map { "$_->{day}|$_->{provider}|$_->{model}" } @$json),
    "$today|offline|offline,$today|openai|gpt-cliq-mini,$today|openai|text-embedding-cliq",
    'one record per day, provider and model, in that order');
my %u = map { $_->{model} => $_ } @$json;
Test::More::is_deeply([ map { $u{'gpt-cliq-mini'}{$_} } qw(org extractions input_tokens output_tokens embed_tokens) ],
    [ 'acme', 1, 1234, 321, 0 ], "the LLM's tokens: the fake's usage fields");
Test::More::ok(abs($u{'gpt-cliq-mini'}{cost} - (1234 * 0.15 + 321 * 0.6) / 1e6) < 1e-6,
    "cost from the configured prices: $u{'gpt-cliq-mini'}{cost}");
Test::More::is($u{'text-embedding-cliq'}{embed_tokens}, 77, "the embeddings model's tokens: the fake's");
Test::More::is_deeply([ map { $u{offline}{$_} } qw(extractions input_tokens output_tokens cost) ],
    [ 1, 0, 0, 0 ], 'the offline extractor: counted, no tokens, no cost');
Test::More::like(main::r('HGET', 'elaaoms:{acme}:usage', 'input_tokens'), qr/1234/, 'the org totals still kept');

($st, $json, $out) = main::cli(undef, '--org', 'acme', 'usage');
Test::More::like($out, qr/org: acme\nday: $today\nprovider: openai\nmodel: gpt-cliq-mini\nextractions: 1\ninput_tokens: 1234\noutput_tokens: 321\nembed_tokens: 0\ncost: 0\.000378\n\n/,
    'text output') or Test::More::diag($out);

my $tomorrow = POSIX::strftime('%Y-%m-%d', gmtime(time() + 86400));
my $yesterday = POSIX::strftime('%Y-%m-%d', gmtime(time() - 86400));
($st, $json) = main::cli(undef, '--org', 'acme', '--json', 'usage', '--since', $tomorrow);
Test::More::ok($st == 0 && @$json == 0, '--since tomorrow: nothing');
($st, $json) = main::cli(undef, '--org', 'acme', '--json', 'usage', '--until', $yesterday);
Test::More::ok($st == 0 && @$json == 0, '--until yesterday: nothing');
($st, $json) = main::cli(undef, '--org', 'acme', '--json', 'usage', '--since', $today, '--until', $today);
Test::More::is(scalar @$json, 3, 'today, both bounds included');
main::r('HINCRBY', 'elaaoms:{qorg}:usage:daily', '2026-01-02|anthropic|claude-x|input_tokens', 5);
($st, $json) = main::cli(undef, '--json', 'usage', '--all-orgs');
Test::More::is(join(',', map { "$_->{org}:$_->{model}" } @$json),
    'acme:offline,acme:gpt-cliq-mini,acme:text-embedding-cliq,qorg:claude-x', '--all-orgs');

($st) = main::cli(undef, 'usage', '--since', '12/04/2026');
Test::More::is($st, 2, 'a bad date: exit 2');
($st) = main::cli(undef, 'usage', 'acme');
Test::More::is($st, 2, 'an argument: exit 2');
($st, $json, $out) = main::cli(undef, 'usage', '--help');
Test::More::ok($st == 0 && $out =~ /embed_tokens/ && $out =~ /--all-orgs/, '--help');



=== TEST 7: profile refresh: fetched from ElevenLabs now, the cache replaced; 404 exit 3; no key exit 1
--- init
my %el = (elevenlabs_api_key => 'xi-test', elevenlabs_base_url => $main::FAKE);
my $key = 'elaaoms:acme:agent:agent_cliq:profile';
main::r('SET', $key, '{"agent_id":"agent_cliq","name":"Old name"}');
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), agents => { agent_cliq => {
    agent_id => 'agent_cliq', name => 'Support v2',
    conversation_config => { agent => { first_message => 'Hello from v2!', language => 'de' } },
    platform_settings => { overrides => { conversation_config_override => { agent => { first_message => JSON::PP::true() } } } } } } });

my ($st, $json, $out, $err) = main::cli(\%el, '--org', 'acme', '--json', 'profile', 'refresh', 'agent_cliq');
Test::More::is($st, 0, 'exit 0') or Test::More::diag($err);
Test::More::is($json->[0]{name}, 'Support v2', 'the new name');
Test::More::is($json->[0]{first_message}, 'Hello from v2!', 'the new first message');
Test::More::is($json->[0]{language}, 'de', 'the language');
Test::More::ok($json->[0]{override_first_message} && !$json->[0]{override_prompt}, 'the overrides allowed');
my $cached = JSON::PP::decode_json(join '', main::raw('GET', $key));
Test::More::is($cached->{name}, 'Support v2', 'the cache holds the new profile');
my ($ttl) = main::raw('TTL', $key);
Test::More::ok($ttl > 86000 && $ttl <= 86400, "for 24 h ($ttl)");
my @req = ElaaomsTest::fake_requests($main::FAKE, '/v1/convai/agents/');
Test::More::is(scalar @req, 1, 'one request');
Test::More::is($req[0]{path}, '/v1/convai/agents/agent_cliq', 'the agent asked for');
Test::More::is($req[0]{headers}{'xi-api-key'}, 'xi-test', 'the API key sent');

($st, $json, $out) = main::cli(\%el, '--org', 'acme', 'profile', 'refresh', 'agent_cliq');
Test::More::like($out, qr/^agent_id: agent_cliq\nname: Support v2\n/, 'text output');

main::r('SET', 'elaaoms:acme:agent:agent_missing_1:profile', 'old');
($st, $json, $out, $err) = main::cli(\%el, '--org', 'acme', 'profile', 'refresh', 'agent_missing_1');
Test::More::is($st, 3, 'ElevenLabs answers 404: exit 3');
Test::More::like($err, qr/no agent agent_missing_1/, 'says so');
Test::More::is(join('', main::raw('GET', 'elaaoms:acme:agent:agent_missing_1:profile')), 'old', 'the cache untouched');

($st, $json, $out, $err) = main::cli(undef, '--org', 'acme', 'profile', 'refresh', 'agent_cliq');
Test::More::is($st, 1, 'no ElevenLabs key: exit 1');
Test::More::like($err, qr/no ElevenLabs API key configured/, 'a clear message');

ElaaomsTest::fake_control($main::FAKE, { script => [ { match => '/v1/convai/', status => 500, repeat => 10 } ] });
($st, $json, $out, $err) = main::cli({ %el, llm_max_retries => 0 }, '--org', 'acme', 'profile', 'refresh', 'agent_cliq');
Test::More::is($st, 1, 'the API fails: exit 1');
Test::More::is(JSON::PP::decode_json(join '', main::raw('GET', $key))->{name}, 'Support v2', 'the cache kept');

($st) = main::cli(\%el, 'profile', 'refresh');
Test::More::is($st, 2, 'no AGENT_ID: exit 2');
($st) = main::cli(\%el, 'profile', 'refresh', 'agent/../x');
Test::More::is($st, 2, 'not an agent id: exit 2');
($st, $json, $out) = main::cli(undef, 'profile', 'refresh', '--help');
Test::More::ok($st == 0 && $out =~ /24 h/ && $out =~ /Exit status 3/, '--help');
