# The worker's signals: SIGHUP reopens the log file (logrotate renames it
# and sends HUP) and the worker goes on taking jobs; SIGTERM still drains
# and stops it.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $PORT = server_port_for_client();

sub transcript {
    my ($conv, $line) = @_;
    return JSON::PP->new->canonical->encode({
        type => 'post_call_transcription', event_timestamp => time(),
        data => { agent_id => 'agent_01support7x', conversation_id => $conv,
                  status => 'done',
                  transcript => [
                      { role => 'agent', message => 'Hi, how can I help?',
                        time_in_call_secs => 0 },
                      { role => 'user', message => $line,
                        time_in_call_secs => 1 } ],
                  metadata => { phone_call => {
                      direction => 'inbound',
                      external_number => '+14155550199' } } } });
}

# posts a call and waits for the worker to complete it
sub extracted {
    my ($conv, $line) = @_;
    my $res = post_webhook($main::PORT, '/post-call', 'test_secret',
                           transcript($conv, $line));
    die "post-call: $res->{status}" unless $res->{status} == 200;
    return wait_until(sub {
        ((worker_cli('status', 'acme', $conv))[0] || {})->{status}
            eq 'extraction_completed' }, 15);
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<', $path or return '';
    local $/;
    my $data = <$fh>;
    close $fh;
    return $data;
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: HUP after the log was renamed: new lines go to a new file, jobs still run; TERM stops the worker
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
--- config
    location = /post-call {
        elaaoms_org acme;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /health { elaaoms_health; }
--- init
my $log = ElaaomsTest::worker_start(llm_provider => 'offline');
Test::More::ok(main::extracted('conv_before_hup', 'My order A1234 was delayed.'),
    'a job before the HUP');
rename $log, "$log.1" or die "rename: $!";
kill 'HUP', ElaaomsTest::worker_pid();
Test::More::ok(ElaaomsTest::wait_until(sub { main::slurp($log) =~ /log reopened/ }, 5),
    'HUP: the log is opened again under its name');
Test::More::ok(kill(0, ElaaomsTest::worker_pid()), 'the worker is still running');
Test::More::ok(main::extracted('conv_after_hup', 'I prefer email over phone calls.'),
    'a job after the HUP');
my ($old, $new) = (main::slurp("$log.1"), main::slurp($log));
Test::More::like($old, qr/worker \S+ started/, 'the renamed file kept the earlier lines');
Test::More::unlike($old, qr/log reopened/, 'and has none after the HUP');
Test::More::like($new, qr/"level":"info".*pre-call contexts/, "the new file has the new job's lines");
kill 'HUP', ElaaomsTest::worker_pid();
Test::More::ok(ElaaomsTest::wait_until(sub {
    (() = main::slurp($log) =~ /log reopened/g) == 2 }, 5),
    'a HUP without a rename appends to the same file');
ElaaomsTest::worker_stop('TERM');
Test::More::like(main::slurp($log), qr/worker \S+ stopped/, 'TERM: drained and stopped, logged in the new file');
--- request
GET /health
--- error_code: 200
