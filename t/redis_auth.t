# Redis with a password and an ACL user limited to the elaaoms:* keys:
# - elaaoms_redis_auth [user] password and elaaoms_redis_auth_file [user]
#   path: AUTH goes first on every connection; a wrong password is an
#   outage (logged once at error, degraded answers, 503 from /health) and
#   the password is never logged; without elaaoms_redis_auth, Redis'
#   NOAUTH is an outage too, logged with a hint;
# - elaaoms_redis takes a host name, resolved when the configuration is
#   read ("localhost" here);
# - the whole path as the ACL user (post-call intake, the worker's job,
#   its context refresh, client-data's binding, search-memory, the
#   operator's forget), then Redis' ACL LOG shows no refused command or key;
# - the worker's redis_user / redis_password / redis_password_file, and a
#   worker with a wrong password that logs the refusal once and stays up.

use lib 't/lib';
# ELAAOMS_TEST_REDIS_CLUSTER=1 (t/lib/ElaaomsTest.pm)
BEGIN { require ElaaomsTest; ElaaomsTest::not_on_cluster(
    'it tests AUTH and ACL users on one redis-server (the cluster\'s own AUTH is t/integration/test_cluster_client\'s)') }
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use File::Temp qw(tempdir);

our $ADMIN_PW = 'admin-pw-6f1c';
our $USER_PW = 'user-pw-9a2e';

$ENV{TEST_NGINX_REDIS_PORT} = redis_start(requirepass => $ADMIN_PW,
    acl_user => ['elaaoms', $USER_PW, 'resetkeys', '~elaaoms:*',
                 'resetchannels', '+@all', '-@dangerous']);
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $DIR = tempdir('elaaoms-auth-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub write_file {
    my ($name, $data) = @_;
    open my $fh, '>', "$DIR/$name" or die "$DIR/$name: $!";
    print $fh $data;
    close $fh;
    return "$DIR/$name";
}

$ENV{TEST_NGINX_USER_PW} = $USER_PW;
$ENV{TEST_NGINX_ADMIN_PW} = $ADMIN_PW;
$ENV{TEST_NGINX_USER_PW_FILE} = write_file('user.pw', "$USER_PW\n");
$ENV{TEST_NGINX_EMPTY_PW_FILE} = write_file('empty.pw', "\n");
$ENV{TEST_NGINX_SPACED_PW_FILE} = write_file('spaced.pw', "user pw\n");

our $PORT = server_port_for_client();

# the operator's commands as the ACL user too
%ElaaomsTest::CLI_CONF = (redis_user => 'elaaoms',
                          redis_password => $USER_PW);

our $CONFIG = <<'END';
    location = /health { elaaoms_health; }
    location = /post-call {
        elaaoms_org acme;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /client-data {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
    location = /search {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_webhook search_memory;
    }
END

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('config', $main::CONFIG) unless defined $block->config;
});

check_accum_error_log();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the default user's password: Redis answers
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_auth $TEST_NGINX_ADMIN_PW;
--- request
GET /health
--- error_code: 200
--- response_body_like: "redis":"ok"
--- no_error_log
[error]



=== TEST 2: a wrong password is an outage: degraded answers, one error line, no password in the log
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_auth elaaoms wrong-pw-3d7b;
    elaaoms_redis_timeout 500ms;
--- request eval
["GET /health",
 "POST /client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\",\"call_sid\":\"CA_AUTH_0\"}",
 "POST /search\n{\"query\":\"order\",\"call_sid\":\"CA_AUTH_0\"}",
 "GET /health"]
--- error_code eval
[503, 200, 200, 503]
--- response_body_like eval
[qr/"redis":"down"/, qr/"caller_known":false/, qr/unavailable/, qr/"redis":"down"/]
--- grep_error_log eval
qr/\[error\] \d+#\d+: (?:\*\d+ )?\K[^,\n]*/
--- grep_error_log_out eval
qr/\Aelaaoms: redis at 127\.0\.0\.1:\d+ unreachable: authentication refused \(WRONGPASS[^\n]*\)\n\z/
--- no_error_log
wrong-pw-3d7b
[alert]
[crit]



=== TEST 3: a password the ACL user does not have, given without the user: refused too
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_auth $TEST_NGINX_USER_PW;
--- request
GET /health
--- error_code: 503
--- error_log
authentication refused (WRONGPASS
--- no_error_log
[alert]



=== TEST 4: the ACL user, a host name and the password from a file: post-call, the worker's job, client-data, search
--- http_config eval
"    elaaoms_redis localhost:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_redis_auth_file elaaoms $ENV{TEST_NGINX_USER_PW_FILE};
    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};"
--- init
Test::More::like(ElaaomsTest::redis_cmd('ACL', 'LOG', 'RESET'), qr/OK/, 'ACL LOG emptied');
ElaaomsTest::worker_start(llm_provider => 'offline', redis_host => 'localhost',
    redis_user => 'elaaoms', redis_password_file => $ENV{TEST_NGINX_USER_PW_FILE});
my $res = ElaaomsTest::post_webhook($main::PORT, '/post-call', 'test_secret',
    ElaaomsTest::fixture('elevenlabs/post_call_transcription_twilio.json'));
Test::More::is($res->{status}, 200, 'post-call accepted');
Test::More::like($res->{content}, qr/"queued":true/, 'and queued through the intake script');
Test::More::ok(ElaaomsTest::wait_until(sub {
    ((ElaaomsTest::worker_cli('status', 'acme', 'conv_01kbq4r7v2e9m3x5t8w6y0z1a2'))[0]
        || {})->{status} eq 'extraction_completed' }, 20),
    'the worker, as the ACL user, completed the job');
--- request eval
["POST /client-data\n{\"caller_id\":\"+14155550123\",\"agent_id\":\"agent_01support7x\",\"call_sid\":\"CA_AUTH_1\"}",
 "POST /search\n{\"query\":\"what is the caller's name?\",\"call_sid\":\"CA_AUTH_1\",\"agent_id\":\"agent_01support7x\"}",
 "GET /health"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/"caller_known":true/, qr/Maria Lopez/, qr/"redis":"ok","worker":"ok"/]
--- no_error_log
[error]
user-pw-9a2e



=== TEST 5: as the ACL user, forget erases the caller; no command or key was refused all along
--- http_config eval
"    elaaoms_redis localhost:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_redis_auth elaaoms $ENV{TEST_NGINX_USER_PW};"
--- init
my @out = ElaaomsTest::worker_cli('forget', 'acme', '+14155550123');
Test::More::ok(@out && $out[0]{forgotten} && $out[0]{keys_deleted} > 0, 'forget ran as the ACL user');
Test::More::is(scalar(() = ElaaomsTest::worker_cli('memories', 'acme', '+14155550123')), 0,
    'no memory left');
ElaaomsTest::worker_stop();
my $log = ElaaomsTest::redis_cmd('ACL', 'LOG');
Test::More::is($log, '(empty array)', 'ACL LOG: nothing refused') or Test::More::diag($log);
# the user is really confined to elaaoms:*
open my $fh, '-|', 'redis-cli', '-h', '127.0.0.1', '-p', $ENV{TEST_NGINX_REDIS_PORT},
    '--user', 'elaaoms', '--pass', $main::USER_PW, '--no-auth-warning', 'SET', 'other:key', '1'
    or die "redis-cli: $!";
my $refused = join '', <$fh>;
close $fh;
Test::More::like($refused, qr/NOPERM/, 'a key outside elaaoms:* is refused to the user');
ElaaomsTest::redis_cmd('ACL', 'LOG', 'RESET');
--- request
GET /health
--- error_code: 200
--- response_body_like: "redis":"ok"
--- no_error_log
[error]



=== TEST 6: the worker with a wrong password: the refusal logged once at error, no password, still running; nginx without one: NOAUTH is an outage
--- http_config eval
"    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};"
--- init
my $log = ElaaomsTest::worker_start(redis_user => 'elaaoms', redis_password => 'nope-pw-51c0');
my $lines = sub {
    open my $fh, '<', $log or return ();
    my @l = grep { /refused authentication/ } <$fh>;
    close $fh;
    return @l;
};
Test::More::ok(ElaaomsTest::wait_until(sub { scalar $lines->() }, 10), 'refusal logged');
sleep 2.5;   # the worker retries every second
my @l = $lines->();
Test::More::is(scalar @l, 1, 'once, while it retries');
Test::More::like($l[0], qr/"level":"error".*redis at 127\.0\.0\.1 refused authentication as user elaaoms: WRONGPASS/, 'at error, naming the user');
open my $fh, '<', $log or die "$log: $!";
my $all = join '', <$fh>;
close $fh;
Test::More::unlike($all, qr/nope-pw-51c0/, 'the password is not in the log');
Test::More::ok(kill(0, ElaaomsTest::worker_pid()), 'the worker is still running');
ElaaomsTest::worker_stop();
--- request
GET /health
--- error_code: 503
--- response_body_like: "redis":"down"
--- error_log eval
qr/\[error\] .*elaaoms: redis at 127\.0\.0\.1:\d+ unreachable: authentication required \(NOAUTH[^)]*\): see elaaoms_redis_auth/



=== TEST 7: nginx -t: host names that do not resolve, unreadable, empty or spaced password files; no password printed
--- init
my ($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis nosuch-host.invalid:6379;");
Test::More::isnt($rc, 0, 'an unknown host fails nginx -t');
Test::More::like($out, qr/host not found in redis address "nosuch-host\.invalid:6379"/, 'naming it');
($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis_auth_file /nonexistent/elaaoms/redis.pw;");
Test::More::isnt($rc, 0, 'a missing file fails');
Test::More::like($out, qr{open\(\) "/nonexistent/elaaoms/redis\.pw" failed}, 'naming it');
($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis_auth_file elaaoms $ENV{TEST_NGINX_EMPTY_PW_FILE};");
Test::More::isnt($rc, 0, 'an empty file fails');
Test::More::like($out, qr/empty\.pw" holds no password/, 'saying so');
($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis_auth_file $ENV{TEST_NGINX_SPACED_PW_FILE};");
Test::More::isnt($rc, 0, 'a spaced password fails');
Test::More::like($out, qr/spaced\.pw" holds a space or a control character inside the password/, 'saying so');
Test::More::unlike($out, qr/user pw/, 'without printing it');
($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis_auth a; elaaoms_redis_auth b;");
Test::More::like($out, qr/"elaaoms_redis_auth" directive is duplicate/, 'one password');
($rc, $out) = ElaaomsTest::nginx_check("elaaoms_redis localhost:6379; elaaoms_redis_auth_file elaaoms $ENV{TEST_NGINX_USER_PW_FILE};");
Test::More::is($rc, 0, 'a host name and a password file pass') or Test::More::diag($out);
Test::More::unlike($out, qr/user-pw-9a2e/, 'and print no password');
--- http_config eval
"    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};"
--- request
GET /health
--- error_code: 503



=== TEST 8: the worker's configuration: a user without a password, both password forms, an empty or spaced file
--- init
my $bin = ElaaomsTest::repo_root() . '/build/elaaoms-worker';
my $check = sub {
    my ($conf) = @_;
    my $f = main::write_file('worker.conf', $conf);
    my $out = `$bin --config $f status acme conv_x 2>&1`;
    return ($? >> 8, $out);
};
my ($rc, $out) = $check->("redis_user elaaoms\n");
Test::More::is($rc, 2, 'redis_user alone is refused');
Test::More::like($out, qr/redis_user needs redis_password/, 'saying why');
($rc, $out) = $check->("redis_password x\nredis_password_file $ENV{TEST_NGINX_USER_PW_FILE}\n");
Test::More::is($rc, 2, 'both password forms are refused');
Test::More::like($out, qr/are both set/, 'saying why');
($rc, $out) = $check->("redis_password_file $ENV{TEST_NGINX_EMPTY_PW_FILE}\n");
Test::More::like($out, qr/empty\.pw holds no password/, 'an empty file');
($rc, $out) = $check->("redis_password_file $ENV{TEST_NGINX_SPACED_PW_FILE}\n");
Test::More::like($out, qr/spaced\.pw holds a space or a control character/, 'a spaced password');
Test::More::unlike($out, qr/user pw/, 'not printed');
($rc, $out) = $check->("redis_port $ENV{TEST_NGINX_REDIS_PORT}\nredis_user elaaoms\n"
    . "redis_password_file $ENV{TEST_NGINX_USER_PW_FILE}\n");
Test::More::is($rc, 0, 'the password file as the ACL user: the command runs') or Test::More::diag($out);
{
    local $ENV{ELAAOMS_REDIS_PASSWORD} = $main::ADMIN_PW;
    ($rc, $out) = $check->("redis_port $ENV{TEST_NGINX_REDIS_PORT}\n");
    Test::More::is($rc, 0, 'the password from ELAAOMS_REDIS_PASSWORD') or Test::More::diag($out);
}
--- http_config eval
"    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};
    elaaoms_redis_auth $ENV{TEST_NGINX_ADMIN_PW};"
--- request
GET /health
--- error_code: 200
