# Erasure of a caller (elaaoms-worker forget): two organizations and
# several callers filled through the signed post-call webhook and the
# worker, one caller erased, then every Redis key and value (SCAN, TYPE,
# then the value by type) and every file under the payload directory are
# searched for any trace of that caller: its id in any form, its phone
# number, its conversation ids, its transcript's words.  The others stay.
# The admin location (elaaoms_admin) queues the same erasure for the
# worker; its own secret, fail closed. Then the tombstone: a post-call of the erased caller still gets 200 and
# leaves nothing; a job in flight (held by a slow LLM) when forget runs
# stores nothing; a job of the caller that was in a worker's hands comes
# back to nothing.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();
use File::Find ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $FAKE = fake_start();
our $PORT = server_port_for_client();

# the operator's commands see the payload directory (and the ACL user of
# ELAAOMS_TEST_REDIS_ACL runs)
%ElaaomsTest::CLI_CONF = (payload_dir => payload_dir(),
                          ElaaomsTest::_acl_worker_conf());

our $WORKER_LOG;
sub worker_log { open my $fh, '<', $WORKER_LOG or return ''; local $/; return <$fh> }

# the erased caller: acme's "+1 (415) 555-0123"
our @TRACES = ('4155550123', '415) 555-0123', 'conv_era_a1', 'conv_era_a2',
               'conv_era_a3', 'Zanzibar', 'Quokka');

sub transcript { ElaaomsTest::transcript_body(@_) }

sub post {
    my ($org, $body) = @_;
    my $res = post_webhook($main::PORT, "/$org/post-call", 'test_secret', $body);
    die "post-call: $res->{status} $res->{content}" unless $res->{status} == 200;
    return $res;
}

sub status_of { (worker_cli('status', @_))[0] || {} }

sub wait_status {
    my ($org, $conv, $want, $secs) = @_;
    return wait_until(sub { (status_of($org, $conv)->{status} || '') eq $want },
                      $secs || 15);
}

sub memories { [ worker_cli('memories', @_) ] }

# redis-cli --raw: values come back byte for byte
sub raw {
    open my $fh, '-|', 'redis-cli', ElaaomsTest::redis_cli_args(), '--raw',
        @_ or die "redis-cli: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    return defined $out ? $out : '';
}

# every key with its value, whatever its type
sub redis_dump {
    my %dump;
    # every master's keys on a cluster (ElaaomsTest's per-node commands)
    for my $key (split /\n/, ElaaomsTest::redis_raw('--scan')) {
        next if $key eq '';
        my $type = raw('TYPE', $key);
        $type =~ s/\s+$//;
        my @cmd = $type eq 'string' ? ('GET', $key)
            : $type eq 'hash' ? ('HGETALL', $key)
            : $type eq 'list' ? ('LRANGE', $key, 0, -1)
            : $type eq 'set' ? ('SMEMBERS', $key)
            : $type eq 'zset' ? ('ZRANGE', $key, 0, -1, 'WITHSCORES')
            : $type eq 'stream' ? ('XRANGE', $key, '-', '+')
            : die "unexpected type $type of $key";
        $dump{$key} = raw(@cmd);
    }
    return \%dump;
}

# every file under the payload dir (name and content), and directories
sub files_dump {
    my %files;
    File::Find::find({ no_chdir => 1, wanted => sub {
        my $rel = substr($File::Find::name, length(payload_dir()));
        if (-d $_) { $files{"$rel/"} = ''; return; }
        open my $fh, '<:raw', $_ or die "$_: $!";
        local $/;
        $files{$rel} = <$fh>;
        close $fh;
    } }, payload_dir());
    return \%files;
}

# the places (key or file names, with where) a trace shows up in
sub traces {
    my ($dump, @traces) = @_;
    my @found;
    for my $name (sort keys %$dump) {
        for my $t (@traces) {
            push @found, "$t in the name $name" if index($name, $t) >= 0;
            push @found, "$t in $name" if index($dump->{$name}, $t) >= 0;
        }
    }
    return @found;
}

our $HTTP_CONFIG = <<"END";
    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};
END

our $CONFIG = <<'END';
    location = /acme/post-call {
        elaaoms_org acme;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /globex/post-call {
        elaaoms_org globex;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location /acme/admin/ {
        elaaoms_org acme;
        elaaoms_admin;
        elaaoms_admin_secret X-Elaaoms-Admin admin-secret-0123456789;
    }
    location = /health { elaaoms_health; }
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $main::HTTP_CONFIG)
        unless defined $block->http_config;
    $block->set_value('config', $main::CONFIG) unless defined $block->config;
    $block->set_value('request', "GET /health") unless defined $block->request;
    $block->set_value('error_code', 200) unless defined $block->error_code;
});

no_shuffle();
run_tests();

__DATA__

=== TEST 1: forget leaves no trace of the caller in Redis or the payload dir; the other callers of both orgs stay
--- init
ElaaomsTest::worker_start(llm_provider => 'offline');
main::post('acme', main::transcript('conv_era_a1', '+1 (415) 555-0123',
    'My name is Anna Zanzibar.', 'I prefer email over phone calls.'));
main::post('acme', main::transcript('conv_era_a2', '+1 (415) 555-0123',
    'My order Quokka-42 was delayed again.', 'I am frustrated.'));
main::post('acme', main::transcript('conv_era_b1', '+1 (202) 555-0188',
    'My name is Bruno Walrus.', 'I prefer text messages.'));
main::post('globex', main::transcript('conv_era_c1', '+44 20 7946 0958',
    'My name is Clara Pelican.', 'My order P-77 was delayed.'));
main::post('globex', main::transcript('conv_era_d1', '+1 (303) 555-0111',
    'My name is Dmitri Heron.', 'I prefer email.'));
for my $c (['acme', 'conv_era_a1'], ['acme', 'conv_era_a2'], ['acme', 'conv_era_b1'],
           ['globex', 'conv_era_c1'], ['globex', 'conv_era_d1']) {
    Test::More::ok(main::wait_status(@$c, 'extraction_completed'), "$c->[1] extracted");
}
ElaaomsTest::worker_stop();
Test::More::ok(scalar @{ main::memories('acme', '+14155550123') } >= 2, 'the caller has memories');
# one more call waits in the queue; its job also sits in every other list
main::post('acme', main::transcript('conv_era_a3', '+1 (415) 555-0123',
    'Zanzibar again, about the Quokka order.'));
my $job = main::raw('LINDEX', 'elaaoms:{acme}:jobs:ready', '0');
$job =~ s/\n$//;
Test::More::like($job, qr/conv_era_a3/, 'a queued job of the caller');
main::raw('LPUSH', 'elaaoms:{acme}:jobs:failed', $job);
main::raw('LPUSH', 'elaaoms:{acme}:jobs:invalid', $job);
main::raw('ZADD', 'elaaoms:{acme}:jobs:delayed', time() + 3600, $job);
main::raw('HSET', 'elaaoms:workers', 'w-gone', time());
main::raw('LPUSH', 'elaaoms:{acme}:jobs:processing:w-gone', $job);
# a crash left a temporary file; audit entries name the caller and another
my $dir = ElaaomsTest::payload_dir() . '/acme/conv_era_a1';
open my $fh, '>', "$dir/conv_era_a1_transcription.json.tmp" or die $!;
print $fh "Zanzibar partial\n";
close $fh;
main::raw('XADD', 'elaaoms:acme:audit', '*', 'org', 'acme', 'caller', '+14155550123',
          'agent_id', 'agent_x', 'memory_ids', 'm1');
main::raw('XADD', 'elaaoms:acme:audit', '*', 'org', 'acme', 'caller', '+12025550188',
          'agent_id', 'agent_x', 'memory_ids', 'm2');
my @before = main::traces(main::redis_dump(), @main::TRACES);
push @before, main::traces(main::files_dump(), @main::TRACES);
Test::More::ok(scalar @before > 10, 'the caller is all over before: ' . scalar @before);

my ($out) = ElaaomsTest::worker_cli('forget', 'acme', '+1 (415) 555-0123');
Test::More::ok($out && $out->{forgotten}, 'forget answered');
Test::More::is($out->{conversations}, 3, 'three conversations found through the index');
Test::More::is($out->{jobs_removed}, 5, 'the job in ready, failed, invalid, delayed and processing');
Test::More::ok($out->{files_removed} >= 4, "payload files removed: $out->{files_removed}");
Test::More::is($out->{audit_removed}, 1, 'its audit entry');
Test::More::ok($out->{keys_deleted} > 3, "memory keys: $out->{keys_deleted}");

my $redis = main::redis_dump();
my $files = main::files_dump();
my @left = (main::traces($redis, @main::TRACES), main::traces($files, @main::TRACES));
Test::More::is_deeply(\@left, [], 'no trace of the caller anywhere')
    or Test::More::diag(join "\n", @left);
Test::More::ok(!(grep { /conv_era_a/ } keys %$files), 'its payload directories are gone');
my @tomb = grep { /^elaaoms:\{acme\}:forgotten:[0-9a-f]{64}$/ } keys %$redis;
Test::More::is(scalar @tomb, 1, 'one tombstone, a hash');
Test::More::ok(main::raw('TTL', $tomb[0]) > 29 * 86400, 'kept for the retention period');

# the others are intact
Test::More::ok(scalar @{ main::memories('acme', '+12025550188') } >= 1, 'acme\'s other caller keeps its memories');
Test::More::ok(scalar @{ main::memories('globex', '+442079460958') } >= 1, 'globex\'s callers keep theirs');
Test::More::ok(scalar @{ main::memories('globex', '+13035550111') } >= 1, 'both of them');
Test::More::ok(exists $files->{'/acme/conv_era_b1/conv_era_b1_transcription.json'}, 'the other caller\'s transcript stays');
Test::More::ok(exists $files->{'/globex/conv_era_c1/conv_era_c1_transcription.json'}, 'the other org\'s too');
Test::More::is(main::status_of('acme', 'conv_era_b1')->{status}, 'extraction_completed', 'the other conversation hash stays');
Test::More::like($redis->{'elaaoms:acme:audit'}, qr/\+12025550188/, 'the other audit entry stays');
main::raw('DEL', 'elaaoms:{acme}:jobs:processing:w-gone');
main::raw('HDEL', 'elaaoms:workers', 'w-gone');



=== TEST 2: after forget, a post-call of the caller still gets 200 and leaves nothing, even once the worker runs
--- init
my $res = main::post('acme', main::transcript('conv_era_a4', '+14155550123', 'Zanzibar is back.'));
Test::More::is($res->{status}, 200, 'ElevenLabs gets its 200');
ElaaomsTest::worker_start(llm_provider => 'offline');
main::post('acme', main::transcript('conv_era_b2', '+1 (202) 555-0188', 'I moved to Denver.'));
Test::More::ok(main::wait_status('acme', 'conv_era_b2', 'extraction_completed'), 'the worker ran meanwhile');
ElaaomsTest::worker_stop();
my @left = (main::traces(main::redis_dump(), @main::TRACES, 'conv_era_a4'),
            main::traces(main::files_dump(), @main::TRACES, 'conv_era_a4'));
Test::More::is_deeply(\@left, [], 'nothing stored') or Test::More::diag(join "\n", @left);
Test::More::is(scalar @{ main::memories('acme', '+14155550123') }, 0, 'no memory came back');
--- error_log
of an erased caller dropped



=== TEST 3: a job held by a slow LLM when forget runs stores nothing
--- init
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), latency_ms => 3000 });
my $log = ElaaomsTest::worker_start(llm_provider => 'openai', openai_base_url => $main::FAKE,
    openai_api_key => 'sk-test', llm_fallback => 0, llm_first_message => 0);
main::post('acme', main::transcript('conv_era_e1', '+1 (617) 555-0142',
    'My name is Eliza Narwhal.', 'I prefer email over phone calls.'));
Test::More::ok(ElaaomsTest::wait_until(sub {
    scalar ElaaomsTest::fake_requests($main::FAKE, '/v1/chat/completions') }, 10),
    'the job is with the LLM');
my ($out) = ElaaomsTest::worker_cli('forget', 'acme', '+16175550142');
Test::More::ok($out && $out->{forgotten}, 'forgotten while in flight');
my $log_text = sub { open my $fh, '<', $log or return ''; local $/; return <$fh> };
Test::More::ok(ElaaomsTest::wait_until(
    sub { $log_text->() =~ /conv_era_e1 of an erased caller dropped/ }, 15),
    'the worker dropped it once the LLM answered');
ElaaomsTest::worker_stop();
ElaaomsTest::fake_control($main::FAKE, { latency_ms => 0 });
my @tr = ('6175550142', 'conv_era_e1', 'Narwhal');
my @left = (main::traces(main::redis_dump(), @tr), main::traces(main::files_dump(), @tr));
Test::More::is_deeply(\@left, [], 'nothing of the caller') or Test::More::diag(join "\n", @left);



=== TEST 4: the admin location fails closed: no elaaoms_admin_secret, no nginx
--- init
my ($rc, $out) = ElaaomsTest::nginx_check(<<'CONF');
    server {
        listen 127.0.0.1:1;
        location /admin/ { elaaoms_org acme; elaaoms_admin; }
    }
CONF
Test::More::isnt($rc, 0, 'nginx -t refuses it');
Test::More::like($out, qr/"elaaoms_admin" needs "elaaoms_admin_secret"/, 'and says why');



=== TEST 5: admin: no secret is 401
--- request
POST /acme/admin/callers/+12025550188/forget
--- error_code: 401
--- response_body_like: "unauthorized"
--- error_log
no admin secret



=== TEST 6: admin: a wrong secret is 403, and nothing is erased
--- request
POST /acme/admin/callers/+12025550188/forget
--- more_headers
X-Elaaoms-Admin: admin-secret-0123456780
--- error_code: 403
--- response_body_like: "forbidden"
--- error_log
wrong admin secret



=== TEST 7: admin: with the secret, the erasure of a filled caller is queued (202)
--- init
Test::More::ok(scalar @{ main::memories('acme', '+12025550188') } >= 1, 'the other caller was not erased by the refused requests');
$main::WORKER_LOG = ElaaomsTest::worker_start(llm_provider => 'offline');
main::post('acme', main::transcript('conv_era_f1', '+1 (312) 555-0177',
    'My name is Fiona Axolotl.', 'I prefer email over phone calls.'));
Test::More::ok(main::wait_status('acme', 'conv_era_f1', 'extraction_completed'), 'extracted');
Test::More::ok(scalar @{ main::memories('acme', '+13125550177') } >= 1, 'the caller has memories');
--- request
POST /acme/admin/callers/%2B1%20(312)%20555-0177/forget
--- more_headers
X-Elaaoms-Admin: admin-secret-0123456789
--- error_code: 202
--- response_body: {"forgotten":"queued"}



=== TEST 8: admin: the worker completes it: no trace of the caller, the others intact
--- init
Test::More::ok(ElaaomsTest::wait_until(sub { main::worker_log() =~ /caller of acme erased/ }, 15),
    'the worker ran the erasure');
ElaaomsTest::worker_stop();
my @tr = ('3125550177', 'conv_era_f1', 'Axolotl');
my @left = (main::traces(main::redis_dump(), @tr), main::traces(main::files_dump(), @tr));
Test::More::is_deeply(\@left, [], 'nothing of the caller, the forget queue included')
    or Test::More::diag(join "\n", @left);
Test::More::ok(scalar @{ main::memories('acme', '+12025550188') } >= 1, 'the other caller stays');



=== TEST 9: admin: DELETE of one memory (200), its pre-call context rebuilt without it
--- init
ElaaomsTest::seed_memories(
    { org => 'acme', caller => '+15125550166', id => 'm_del_1', agent => 'agent_01support7x',
      conversation => 'conv_era_g1', type => 'factual', importance => 6,
      content => 'Keeps a pet Capybara' },
    { org => 'acme', caller => '+15125550166', id => 'm_keep_1', agent => 'agent_01support7x',
      conversation => 'conv_era_g1', type => 'preference', importance => 6,
      content => 'Likes jazz music' });
my ($c) = ElaaomsTest::worker_cli('refresh-contexts', 'acme', '+15125550166', 'agent_01support7x');
Test::More::ok($c && $c->{written} >= 1, 'contexts written');
Test::More::ok(scalar(main::traces(main::redis_dump(), 'Capybara')) >= 2, 'the memory is in the record and a context');
# client-data's first read: the document without its prompt text, beside it
my $ctx = 'elaaoms:acme:{acme:+15125550166}:context:agent_01support7x';
open my $rc, '-|', 'redis-cli', ElaaomsTest::redis_cli_args(),
    '--raw', 'MGET', $ctx, "$ctx:head" or die "redis-cli: $!";
my ($whole, $head) = map { chomp; $_ } <$rc>;
close $rc;
Test::More::like($whole, qr/^\{"version":4,"at":"[0-9 ]{41}",.*,"prompt_addition":".*Capybara.*"\}$/s, 'the document ends with its prompt text');
# "at": offset and length of dynamic_variables, first_message and shared_set
my @at = $whole =~ /^\{"version":4,"at":"(\d{6}) (\d{6}) (\d{6}) (\d{6}) (\d{6}) (\d{6})"/;
my $jd = JSON::PP->new->canonical;
my $wd = $jd->decode($whole);
Test::More::is_deeply([map { JSON::PP->new->allow_nonref->decode(substr($whole, $at[2 * $_], $at[2 * $_ + 1])) } 0, 2],
    [$wd->{dynamic_variables}, $wd->{shared_set}], 'the spans hold the variables and the shared set');
Test::More::is(JSON::PP->new->allow_nonref->decode(substr($whole, $at[2], $at[3])), $wd->{first_message}, 'and the first message');
(my $cut = $whole) =~ s/,"prompt_addition":.*\z/}/s;
Test::More::is($head, $cut, 'the head is the document cut before prompt_addition');
Test::More::ok(JSON::PP->new->decode($head)->{dynamic_variables}{caller_known}, 'the head is JSON, the caller known');
$main::WORKER_LOG = ElaaomsTest::worker_start(llm_provider => 'offline');
--- request
DELETE /acme/admin/callers/+15125550166/memories/m_del_1
--- more_headers
X-Elaaoms-Admin: admin-secret-0123456789
--- error_code: 200
--- response_body: {"deleted":true}



=== TEST 10: admin: the memory is gone everywhere, the other one stays; a second DELETE is 404
--- init
Test::More::ok(ElaaomsTest::wait_until(sub { main::worker_log() =~ /contexts of a caller of acme rebuilt/ }, 15),
    'the worker rebuilt the contexts');
ElaaomsTest::worker_stop();
my $redis = main::redis_dump();
my @left = main::traces($redis, 'Capybara', 'm_del_1');
Test::More::is_deeply(\@left, [], 'no trace of the memory') or Test::More::diag(join "\n", @left);
Test::More::ok(scalar(main::traces($redis, 'Likes jazz')) >= 2, 'the other memory, in its record and the context');
my @m = @{ main::memories('acme', '+15125550166') };
Test::More::is(join(',', map { $_->{id} } @m), 'm_keep_1', 'one memory left');
--- request
DELETE /acme/admin/callers/+15125550166/memories/m_del_1
--- more_headers
X-Elaaoms-Admin: admin-secret-0123456789
--- error_code: 404
