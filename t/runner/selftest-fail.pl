#!/usr/bin/perl
# Proves that the clean-room Test::Nginx runner (t/runner) can FAIL: runs a
# deliberately failing .t through prove and checks that prove reports the
# failure and that exactly the intended checks failed; then runs a passing
# .t with repeat_each() and an exact plan to check the number of tests.
#
#   TEST_NGINX_BINARY=/usr/sbin/nginx perl t/runner/selftest-fail.pl
#   (or: prove t/runner/selftest-fail.pl)
#
# Core modules only.  Uses its own temporary directory and a free port.
use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);
use Test::More;

my $runner = abs_path(dirname(__FILE__));    # .../t/runner
my $tmp = tempdir('tn-selftest-XXXXXX', TMPDIR => 1, CLEANUP => 1);
mkdir "$tmp/t" or die "mkdir: $!";

my $probe = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1)
    or die "cannot find a free port: $!";
my $port = $probe->sockport;
close $probe;

# Run a command in $tmp with a hard time limit; returns (exit status, output).
sub run_bounded {
    my ($limit, @cmd) = @_;
    my $out = "$tmp/out.txt";
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        chdir $tmp or POSIX::_exit(126);
        $ENV{TEST_NGINX_PORT} = $port;
        delete $ENV{TEST_NGINX_SERVER_PORT};
        delete $ENV{TEST_NGINX_SERVROOT};
        open STDOUT, '>', $out or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT;
        exec(@cmd) or POSIX::_exit(127);
    }
    my $deadline = time + $limit;
    my $status;
    while (1) {
        if (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        if (time > $deadline) { kill 'KILL', $pid; waitpid($pid, 0); $status = -1; last }
        sleep 0.05;
    }
    open my $in, '<', $out or die "$out: $!";
    local $/;
    return ($status, scalar <$in>);
}

sub write_t {
    my ($name, $text) = @_;
    open my $fh, '>', "$tmp/t/$name" or die "$name: $!";
    print $fh $text;
    close $fh;
}

sub nginx_left_running {
    my $pidfile = "$tmp/t/servroot/logs/nginx.pid";
    return 0 unless -f $pidfile;
    open my $in, '<', $pidfile or return 0;
    my $pid = <$in> // '';
    return $pid =~ /(\d+)/ && kill(0, $1) ? $1 : 0;
}

# ---------------------------------------------------------------------------
# 1. A file where every block fails in a known way.
# block number => substrings of the test names that must be "not ok"; any
# other "not ok" line is an error.
my %expect_fail = (
    1  => ['status code ok'],
    2  => ['response_body - response is expected'],
    3  => ['header X-A ok'],
    4  => ['header X-B not present in the raw headers'],
    5  => ['pattern "this text is never logged" should match a line in error.log'],
    6  => ['pattern "No such file or directory" should not match any line in error.log'],
    7  => ['response_body_like - response is expected'],
    8  => ['Cannot start nginx'],
    9  => ['die as expected'],
    10 => ['ERROR: client socket timed out', 'status code ok'],
    11 => ['pattern "never logged at shutdown" should match a line in error.log'],
    12 => ['header X-C like ok'],
    13 => ['status code ok'],
    14 => ['no_such_section_filter'],
);

write_t('fail.t', <<'_T_');
use Test::Nginx::Socket 'no_plan';
no_shuffle();
run_tests();
__DATA__

=== TEST 1: wrong status
--- config
    location = /t { return 201 "x\n"; }
--- request
GET /t
--- error_code: 200

=== TEST 2: wrong body
--- config
    location = /t { return 200 "actual\n"; }
--- request
GET /t
--- response_body
expected

=== TEST 3: wrong header value
--- config
    location = /t { add_header X-A 1; return 200; }
--- request
GET /t
--- response_headers
X-A: 2

=== TEST 4: header that must be absent is present
--- config
    location = /t { add_header X-B 1; return 200; }
--- request
GET /t
--- response_headers
!X-B

=== TEST 5: error_log pattern missing
--- config
    location = /t { return 200; }
--- request
GET /t
--- error_log
this text is never logged

=== TEST 6: no_error_log pattern present
--- config
--- request
GET /missing.html
--- error_code: 404
--- no_error_log
No such file or directory

=== TEST 7: response_body_like mismatch
--- config
    location = /t { return 200 "abc\n"; }
--- request
GET /t
--- response_body_like: ^xyz

=== TEST 8: nginx cannot start
--- config
    location = /t { bogus_directive_for_selftest; }
--- request
GET /t

=== TEST 9: must_die but the config is fine
--- config
    location = /t { return 200; }
--- must_die

=== TEST 10: request times out
--- config
    location = /t { return 200; }
--- raw_request eval
"GET /t HTTP/1.1\r\nHost: localhost\r\n"
--- timeout: 500ms

=== TEST 11: shutdown_error_log pattern missing
--- config
    location = /t { return 200; }
--- request
GET /t
--- shutdown_error_log
never logged at shutdown

=== TEST 12: response_headers_like mismatch
--- config
    location = /t { add_header X-C abc; return 200; }
--- request
GET /t
--- response_headers_like
X-C: \d+

=== TEST 13: second of two requests has the wrong status
--- config
    location = /a { return 200; }
--- request eval
["GET /a", "GET /b"]
--- error_code eval
[200, 200]

=== TEST 14: unknown section filter
--- config
    location = /t { return 200; }
--- request no_such_section_filter
GET /t
_T_

my $t0 = time;
my ($status, $out) = run_bounded(120, 'prove', '-v', '-I', $runner, 't/fail.t');
my $elapsed = time - $t0;
isnt($status, 0, 'prove exits non-zero for the failing file');
like($out, qr/^Result: FAIL/m, 'prove reports Result: FAIL');
cmp_ok($elapsed, '<', 60, sprintf('failing run is bounded in time (%.1fs)', $elapsed));
ok(!nginx_left_running(), 'no nginx left running after the failing file');

# TEST 14 dies while filtering blocks (like the real runner would misbehave
# on an unknown filter); that aborts the file, so run the others without it.
like($out, qr/unknown filter 'no_such_section_filter'/, 'unknown filter is reported');
(my $t = do { open my $in, '<', "$tmp/t/fail.t" or die; local $/; <$in> })
    =~ s/\n=== TEST 14:.*//s;
write_t('fail.t', $t);
delete $expect_fail{14};
($status, $out) = run_bounded(120, 'prove', '-v', '-I', $runner, 't/fail.t');
isnt($status, 0, 'prove exits non-zero (blocks 1-13)');

my %seen;
for my $line (split /\n/, $out) {
    next unless $line =~ /^(not ok|ok) \d+ - (.*? TEST (\d+): .*)$/;
    my ($res, $desc, $n) = ($1, $2, $3);
    push @{ $seen{$n}{$res} }, $desc;
    next if $res eq 'ok';
    fail("TEST $n: unexpected failure: $desc")
        unless grep { index($desc, $_) >= 0 } @{ $expect_fail{$n} || [] };
}
for my $n (sort { $a <=> $b } keys %expect_fail) {
    for my $want (@{ $expect_fail{$n} }) {
        ok((grep { index($_, $want) >= 0 } @{ $seen{$n}{'not ok'} || [] }),
           "TEST $n fails with \"$want\"");
    }
}
ok(!nginx_left_running(), 'no nginx left running');

# ---------------------------------------------------------------------------
# 2. A passing file with repeat_each(3) and an exact plan: every block has
#    exactly three checks per repetition.
write_t('pass.t', <<'_T_');
use Test::Nginx::Socket;
repeat_each(3);
plan tests => repeat_each() * 3 * blocks();
$ENV{TEST_NGINX_SELFTEST_PASS} = 'from-env';
run_tests();
__DATA__

=== TEST 1: status, header, body
--- config
    location = /t { add_header X-R ok; return 200 "$TEST_NGINX_SELFTEST_PASS\n"; }
--- request
GET /t
--- response_headers
X-R: ok
--- response_body
from-env

=== TEST 2: status, error_log, no_error_log (the log is re-read per repetition)
--- config
--- request
GET /nope.html
--- error_code: 404
--- error_log
nope.html" failed
--- no_error_log
[alert]

=== TEST 3: SKIP does not count
--- SKIP
--- config
--- request
GET /
_T_

($status, $out) = run_bounded(120, 'prove', '-v', '-I', $runner, 't/pass.t');
is($status, 0, 'prove passes the passing file') or diag($out);
like($out, qr/^1\.\.18$/m, 'plan of 18 tests (3 reps x 3 checks x 2 blocks)');
is(scalar(() = $out =~ /^ok \d+ /mg), 18, '18 ok lines');
ok(!nginx_left_running(), 'no nginx left running after the passing file');

# ---------------------------------------------------------------------------
# 3. TEST_NGINX_RANDOMIZE=1 (as in the real runner): a random free port and a
#    servroot of the run's own, removed at exit.  TEST_NGINX_PORT is held
#    busy, so a run that ignored the variable would bail out.
{
    my $busy = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $port, Listen => 1, ReuseAddr => 1)
        or die "cannot hold port $port: $!";
    local $ENV{TEST_NGINX_RANDOMIZE} = 1;
    ($status, $out) = run_bounded(120, 'prove', '-v', '-I', $runner, 't/pass.t');
    close $busy;
}
is($status, 0, 'TEST_NGINX_RANDOMIZE: passes while TEST_NGINX_PORT is busy')
    or diag($out);
is(scalar(() = $out =~ /^ok \d+ /mg), 18, 'TEST_NGINX_RANDOMIZE: 18 ok lines');
is_deeply([glob("$tmp/t/servroot_*")], [],
          'TEST_NGINX_RANDOMIZE: t/servroot_<port> removed at exit');

done_testing();
