# Post-call file work in nginx's thread pool (elaaoms_thread_pool): the
# durable writes run in a thread while the event loop goes on; "off" keeps
# them in the event loop; a client that leaves while its payload is being
# written changes nothing, and nginx stays healthy.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use File::Path ();
use MIME::Base64 ();
use POSIX ();
use Time::HiRes ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();

our $TWILIO = fixture('elevenlabs/post_call_transcription_twilio.json');

sub with_conv {
    my ($conv) = @_;
    (my $body = $main::TWILIO) =~ s/conv_01kbq4r7v2e9m3x5t8w6y0z1a2/$conv/g;
    return $body;
}

our $THREAD = with_conv('conv_thread_pool');
our $LOOP = with_conv('conv_event_loop');
our $STALLED = with_conv('conv_thread_stalled');
our $BESIDE = with_conv('conv_thread_beside');

# 5 MB of audio bytes (all 256 values), base64 in a post_call_audio envelope
our $AUDIO = substr(join('', map { chr } 0 .. 255) x (5 * 4096), 0,
                    5 * 1024 * 1024);
our $AUDIO_BODY = '{"type":"post_call_audio","event_timestamp":1763400005,'
    . '"data":{"agent_id":"agent_01support7x",'
    . '"conversation_id":"conv_thread_audio","full_audio":"'
    . MIME::Base64::encode_base64($AUDIO, '') . '"}}';

sub queued {
    my ($org, $conv) = @_;
    my $list = redis_cmd('LRANGE', "elaaoms:{$org}:jobs:ready", 0, -1);
    my @n = ($list =~ /"conversation_id\\?":\\?"\Q$conv\E\\?"/g);
    return scalar @n;
}

# Puts a FIFO where the payload of $conv goes: the file work's check for an
# identical file opens it and waits there (in a thread, not in the event
# loop) for a writer.  A child process opens it for writing once the
# payload of $after is on disk, that is once nginx has served a later
# request meanwhile (or after 10 s); the FIFO is then no regular file, and
# the payload replaces it.
our $STALL_PID;

sub stall {
    my ($conv, $after) = @_;
    my $dir = "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/$conv";
    my $fifo = "$dir/${conv}_transcription.json";
    my $later = "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/$after/${after}_transcription.json";

    File::Path::make_path($dir);
    POSIX::mkfifo($fifo, 0600) or die "mkfifo $fifo: $!";

    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid) {
        $STALL_PID = $pid;
        return;
    }

    # the child never returns into the test runner
    my $deadline = Time::HiRes::time() + 10;
    Time::HiRes::sleep(0.02)
        until -e $later || Time::HiRes::time() > $deadline;
    # a non-blocking open for writing succeeds only with a reader waiting
    for (1 .. 500) {
        last if sysopen(my $fh, $fifo, POSIX::O_WRONLY() | POSIX::O_NONBLOCK());
        Time::HiRes::sleep(0.02);
    }
    POSIX::_exit(0);
}

sub unstall {
    waitpid($STALL_PID, 0) if $STALL_PID;
    undef $STALL_PID;
}

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
HTTP
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
    location /payloads/ { alias $TEST_NGINX_PAYLOAD_DIR/; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a named pool: the payload and the job are written in one of its threads
--- main_config
    thread_pool elaaoms_io threads=2;
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    elaaoms_thread_pool elaaoms_io;
--- config
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
--- request eval
"POST /webhook/post-call\n" . $main::THREAD
--- error_code: 200
--- response_body_like: ^\{"status":"accepted","type":"post_call_transcription","conversation_id":"conv_thread_pool","duplicate":false,"queued":true,"request_id":"[0-9a-f]{32}"\}$
--- error_log
added to thread pool "elaaoms_io"
elaaoms: post-call: payload written in thread pool
--- no_error_log
payload written in the event loop
[alert]
[crit]



=== TEST 2: by default nginx's "default" pool; a byte-identical retry is found in the thread too
--- init
Test::More::is(main::queued('acme', 'conv_thread_pool'), 1, 'one job queued by the thread path');
Test::More::ok(!-e "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/conv_thread_pool/conv_thread_pool_transcription.pending", 'marker removed');
--- config
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
--- request eval
"POST /webhook/post-call\n" . $main::THREAD
--- error_code: 200
--- response_body_like: "conversation_id":"conv_thread_pool","duplicate":true,"queued":true
--- error_log
added to thread pool "default"
elaaoms: post-call: payload written in thread pool



=== TEST 3: off: the same work in the event loop, and no thread pool at all
--- init
Test::More::is(main::queued('acme', 'conv_thread_pool'), 1, 'the retry queued nothing');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
    elaaoms_thread_pool off;
--- request eval
"POST /webhook/post-call\n" . $main::LOOP
--- error_code: 200
--- response_body_like: "conversation_id":"conv_event_loop","duplicate":false,"queued":true
--- error_log
elaaoms: post-call: payload written in the event loop
--- no_error_log
thread pool



=== TEST 4: 5 MB of audio are decoded and written in a thread, byte for byte
--- request eval
["POST /webhook/post-call\n" . $main::AUDIO_BODY,
 "GET /payloads/acme/conv_thread_audio/conv_thread_audio_audio.mp3"]
--- timeout: 10
--- error_code eval
[200, 200]
--- response_body eval
[qr/^\{"status":"accepted","type":"post_call_audio","conversation_id":"conv_thread_audio","duplicate":false,"request_id":"[0-9a-f]{32}"\}$/,
 $main::AUDIO]
--- no_error_log
[alert]
[crit]



=== TEST 5: a storage failure in the thread is a 503, logged in the event loop with the thread's errno
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    # a path under a regular file: no directory can be made there, even as root
    elaaoms_payload_dir /etc/hostname/payloads;
--- config
    location = /webhook/post-call { elaaoms_org unwritable; elaaoms_auth off; elaaoms_webhook post_call; }
--- request eval
"POST /webhook/post-call\n" . $main::THREAD
--- error_code: 503
--- response_body_like: ^\{"error":"storage_unavailable","message":"[^"]+","request_id":"[0-9a-f]{32}"\}$
--- error_log eval
['added to thread pool "default"',
 qr{\[error\] .*elaaoms: post-call: payload not saved: mkdir /etc/hostname/payloads: Not a directory \(20: Not a directory\), client: .*, request_id: [0-9a-f]{32}$}m]
--- no_error_log
payload written



=== TEST 6: a client gives up while its payload is stuck in a thread: the loop serves the next delivery, then the first one lands and is queued
--- init
main::stall('conv_thread_stalled', 'conv_thread_beside');
--- request eval
["POST /webhook/post-call\n" . $main::STALLED,
 "POST /webhook/post-call\n" . $main::BESIDE,
 "GET /payloads/acme/conv_thread_stalled/conv_thread_stalled_transcription.json",
 "GET /payloads/acme/conv_thread_stalled/conv_thread_stalled_transcription.pending"]
--- timeout: 1
--- abort
--- wait: 0.6
--- error_code eval
['', 200, 200, 404]
--- response_body_like eval
[qr/^$/,
 qr/"conversation_id":"conv_thread_beside","duplicate":false,"queued":true/,
 qr/^\Q$main::STALLED\E$/,
 qr/404/]
--- no_error_log
[alert]
[crit]



=== TEST 7: ... queued exactly once; nginx is healthy, and without post-call locations starts no thread pool
--- init
main::unstall();
Test::More::is(main::queued('acme', 'conv_thread_stalled'), 1, 'the abandoned delivery is queued once');
Test::More::is(main::queued('acme', 'conv_thread_beside'), 1, 'the one served meanwhile too');
Test::More::ok(-f "$ENV{TEST_NGINX_PAYLOAD_DIR}/acme/conv_thread_stalled/conv_thread_stalled_transcription.json", 'a regular file replaced the FIFO');
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { elaaoms_health; }
--- request
GET /health
--- error_code: 200
--- no_error_log
thread pool



=== TEST 8: an unknown pool is a configuration error
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /webhook/post-call { elaaoms_thread_pool no_such_pool; elaaoms_auth off; elaaoms_webhook post_call; }
--- must_die
--- error_log
unknown thread pool "no_such_pool"
