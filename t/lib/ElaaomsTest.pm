package ElaaomsTest;

# Helpers the project's t/*.t suites share, whichever Test::Nginx runs them:
# a private redis-server on a free loopback port (stopped at exit), Redis
# commands through redis-cli, and webhook signing.

use strict;
use warnings;

use Exporter ();
our @ISA = ('Exporter');
use File::Path qw(make_path remove_tree);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep time);

our @EXPORT = qw(redis_start redis_stop redis_cmd redis_port free_port
                 blackhole_port restart_redis_later repo_root fixture
                 sign_header payload_dir worker_start worker_stop wait_until
                 worker_cli worker_pid fake_start fake_start_script fake_control fake_requests
                 post_webhook nginx_check shared_config tool_cli tool_run
                 cluster_mode);

my $redis_port;
my $redis_dir;
my %redis_opts;     # redis_start()'s options, kept for restarts
my $owner_pid = $$;

# ELAAOMS_TEST_REDIS_ACL=1: every suite's nginx and worker talk to Redis
# as an ACL user confined to the elaaoms:* keys (the suites' own redis-cli
# stays the default user), and each suite ends with a check that Redis'
# ACL LOG refused nothing: every command and key is allowed to such a user.
my @acl_user = ('elaaoms', 'elaaoms-acl-test', 'resetkeys', '~elaaoms:*',
                'resetchannels', '+@all', '-@dangerous');
my $acl_mode = $ENV{ELAAOMS_TEST_REDIS_ACL};
my $acl_on;         # this suite's Redis has the user (not its own setup)

# ELAAOMS_TEST_REDIS_CLUSTER=1: redis_start() starts a local Redis Cluster
# (three masters, three replicas: ElaaomsCluster) instead of one
# redis-server.  nginx's "elaaoms_redis 127.0.0.1:<that port>" becomes
# "elaaoms_redis cluster <seeds>", the worker's and the operator commands'
# redis_host/redis_port become "redis_cluster <seeds>", and redis_cmd,
# redis_raw follow each key to its slot's master (redis-cli -c; KEYS,
# --scan, DBSIZE, FLUSHALL, FLUSHDB go to every master).  A suite that makes no
# sense on a cluster calls not_on_cluster(REASON) before it loads
# Test::Nginx::Socket.
my $cluster_mode = $ENV{ELAAOMS_TEST_REDIS_CLUSTER};
my $cluster_seeds;  # "127.0.0.1:P ..." once this suite's cluster runs

sub cluster_mode { $cluster_mode }

# in cluster mode, the suite is skipped (call it in a BEGIN block, before
# Test::Nginx::Socket plans)
sub not_on_cluster {
    my ($reason) = @_;
    return unless $cluster_mode;
    require Test::More;
    Test::More::plan(skip_all => "Redis Cluster mode: $reason");
}

sub import {
    # preprocessors run last registered first: this one, registered as the
    # suite loads us, sees the blocks its own have filled
    if (defined &main::add_block_preprocessor) {
        &main::add_block_preprocessor(\&_acl_block) if $acl_mode;
        &main::add_block_preprocessor(\&_cluster_block) if $cluster_mode;
    }
    __PACKAGE__->export_to_level(1, @_);
}

# cluster mode: nginx's address of the suite's Redis (as the suite wrote
# it, or already expanded) becomes the cluster's seeds
sub _cluster_block {
    my $block = shift;
    return unless $cluster_seeds;
    for my $sec (qw(http_config main_config)) {
        my $text = $block->$sec;
        next unless defined $text;
        my $n = $text =~ s{\belaaoms_redis\s+(?:127\.0\.0\.1|localhost):
                           (?:\$TEST_NGINX_REDIS_PORT|\$\{TEST_NGINX_REDIS_PORT\}|\Q$redis_port\E)
                           \s*;}{elaaoms_redis cluster $cluster_seeds;}gx;
        $block->set_value($sec, $text) if $n;
    }
}

# the worker's (and the operator commands') settings of the suite's Redis;
# called as ElaaomsTest::redis_conf()
sub redis_conf {
    return $cluster_seeds ? (redis_cluster => $cluster_seeds)
        : (redis_host => '127.0.0.1', redis_port => $redis_port);
}

# the node redis-cli talks to: the suite's Redis, or a live cluster node
sub _cli_port {
    return $redis_port unless $cluster_seeds;
    return (ElaaomsCluster::cluster_ports())[0];
}

# the redis-cli options reaching the suite's Redis (a suite's own redis-cli
# calls use them); called as ElaaomsTest::redis_cli_args()
sub redis_cli_args {
    return ('-h', '127.0.0.1', '-p', _cli_port(), $cluster_seeds ? ('-c') : ());
}

# keyless commands a cluster answers per node: every master's answer,
# merged as one Redis would have given it ($mode '--raw' or '--no-raw')
my %per_master = map { $_ => 1 } qw(KEYS --SCAN DBSIZE FLUSHALL FLUSHDB);
sub _cluster_all_masters {
    my ($mode, @args) = @_;
    my @out;
    for my $port (ElaaomsCluster::cluster_masters()) {
        open my $fh, '-|', 'redis-cli', '-h', '127.0.0.1', '-p', $port,
            $mode, @args or die "redis-cli: $!";
        local $/;
        my $o = <$fh>;
        close $fh;
        push @out, defined $o ? $o : '';
    }
    my $cmd = uc $args[0];
    if ($cmd eq 'DBSIZE') {
        my $n = 0;
        $n += $_ =~ /(\d+)/ ? $1 : 0 for @out;
        return $mode eq '--raw' ? "$n\n" : "(integer) $n\n";
    }
    return join '', @out if $cmd eq '--SCAN';    # a key a line
    if ($cmd eq 'KEYS') {
        my @keys = map { $mode eq '--raw' ? (grep { length } split /\n/)
                         : map { /^\s*\d+\)\s+(".*")$/ ? $1 : () } split /\n/ } @out;
        return join('', map { "$_\n" } @keys) if $mode eq '--raw';
        return "(empty array)\n" unless @keys;
        return join '', map { ($_ + 1) . ") $keys[$_]\n" } 0 .. $#keys;
    }
    my ($bad) = grep { !/^OK\s*$/ } @out;
    return defined $bad ? $bad : "OK\n";
}

sub _acl_block {
    my $block = shift;
    my $http = $block->http_config;
    return unless $acl_on && defined $http && $http =~ /\belaaoms_redis\s/
        && $http !~ /\belaaoms_redis_auth/;
    $block->set_value('http_config',
        "$http\n    elaaoms_redis_auth $acl_user[0] $acl_user[1];\n");
}

# the worker's settings for the ACL user, in ACL mode
sub _acl_worker_conf {
    return $acl_on
        ? (redis_user => $acl_user[0], redis_password => $acl_user[1]) : ();
}

# The configuration most of a suite's blocks share: blocks without their
# own --- http_config / --- config get these (shared_config(http_config =>
# $text, config => $text); either may be left out).
sub shared_config {
    my (%shared) = @_;
    main::add_block_preprocessor(sub {
        my $block = shift;
        for my $sec (qw(http_config config)) {
            $block->set_value($sec, $shared{$sec})
                if defined $shared{$sec} && !defined $block->$sec;
        }
    });
}

# The configuration of the suites that drive the worker through signed
# post-calls: Redis and the payload dir (TEST_NGINX_REDIS_PORT and
# TEST_NGINX_PAYLOAD_DIR, set before), the location /acme/post-call (org
# acme, secret test_secret) and /health; a block without a request of its
# own asks GET /health and expects 200 (its checks are in --- init).
sub post_call_suite {
    my $http = "    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};\n"
             . "    elaaoms_payload_dir $ENV{TEST_NGINX_PAYLOAD_DIR};\n";
    my $config = <<'END';
    location = /acme/post-call {
        elaaoms_org acme;
        elaaoms_signature_secret test_secret;
        elaaoms_webhook post_call;
    }
    location = /health { elaaoms_health; }
END
    main::add_block_preprocessor(sub {
        my $block = shift;
        $block->set_value('http_config', $http)
            unless defined $block->http_config;
        $block->set_value('config', $config) unless defined $block->config;
        $block->set_value('request', "GET /health")
            unless defined $block->request;
        $block->set_value('error_code', 200)
            unless defined $block->error_code;
    });
}

# the checkout this file belongs to (t/lib/ElaaomsTest.pm), wherever prove
# runs from; ELAAOMS_ROOT overrides it
sub repo_root {
    return $ENV{ELAAOMS_ROOT} if $ENV{ELAAOMS_ROOT};
    require Cwd;
    require File::Basename;
    return Cwd::abs_path(File::Basename::dirname(__FILE__) . '/../..');
}

# A fixture's bytes, surrounding whitespace removed (Test::Nginx trims a
# request body the same way, so what is signed is what is sent).
sub fixture {
    my ($name) = @_;
    my $path = repo_root() . "/t/fixtures/$name";
    open my $fh, '<', $path or die "fixture $path: $!";
    local $/;
    my $data = <$fh>;
    close $fh;
    $data =~ s/^\s+|\s+$//g;
    return $data;
}

# A post_call_transcription body: conversation conv of agent_01support7x,
# an inbound phone call from caller, the user saying each of lines.
sub transcript_body {
    my ($conv, $caller, @lines) = @_;
    my @turns = ({ role => 'agent', message => 'Hi, how can I help?',
                   time_in_call_secs => 0 });
    my $t = 1;
    push @turns, { role => 'user', message => $_, time_in_call_secs => $t++ }
        for @lines;
    require JSON::PP;
    return JSON::PP->new->canonical->encode({
        type => 'post_call_transcription', event_timestamp => CORE::time(),
        data => { agent_id => 'agent_01support7x', conversation_id => $conv,
                  status => 'done', transcript => \@turns,
                  metadata => { phone_call => { direction => 'inbound',
                                                external_number => $caller } } } });
}

# "t=<ts>,v0=<hex>": ElevenLabs' signature of body at time ts (default now)
sub sign_header {
    my ($secret, $body, $ts) = @_;
    require Digest::SHA;
    $ts = time() unless defined $ts;
    $ts = int($ts);
    return "t=$ts,v0=" . Digest::SHA::hmac_sha256_hex("$ts.$body", $secret);
}

# One payload directory per suite, under the system temp folder.
my $payload_dir;
sub payload_dir {
    $payload_dir ||= tempdir('elaaoms-payloads-XXXXXX', TMPDIR => 1,
                             CLEANUP => 1);
    return $payload_dir;
}

# Polls $cond (a code ref) until it is true or $secs pass; returns its value.
sub wait_until {
    my ($cond, $secs) = @_;
    my $deadline = time + ($secs || 10);
    while (time < $deadline) {
        my $v = $cond->();
        return $v if $v;
        sleep 0.05;
    }
    return $cond->();
}

# Starts elaaoms-worker with the given "key value" settings (added to the
# suite's Redis and payload directory); worker_stop() ends it.
my $worker_pid;
sub worker_start {
    my (%extra) = @_;
    my $bin = $ENV{ELAAOMS_WORKER} || repo_root() . '/build/elaaoms-worker';
    my $dir = tempdir('elaaoms-worker-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my %cf = (redis_conf(), _acl_worker_conf(),
              payload_dir => payload_dir(), heartbeat_secs => 1,
              sweep_secs => 1, log_file => "$dir/worker.log", %extra);
    open my $fh, '>', "$dir/worker.conf" or die "$dir/worker.conf: $!";
    print $fh "$_ $cf{$_}\n" for sort keys %cf;
    close $fh;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        { exec $bin, "--config", "$dir/worker.conf"; }
        POSIX::_exit(127);
    }
    $worker_pid = $pid;
    return "$dir/worker.log";
}

# redis-cli with the suite's password: its whole output; $mode is
# '--raw' or '--no-raw'
sub _redis_cli {
    my ($mode, @args) = @_;
    return _cluster_all_masters($mode, @args)
        if $cluster_seeds && $per_master{uc $args[0]};
    local $ENV{REDISCLI_AUTH} = $redis_opts{requirepass}
        if defined $redis_opts{requirepass};
    open my $fh, '-|', 'redis-cli', redis_cli_args(), $mode, @args
        or die "redis-cli: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    return defined $out ? $out : '';
}

sub _redis_cmd_plain {
    my $out = _redis_cli('--no-raw', @_);
    $out =~ s/\s+$//;
    return $out;
}

sub worker_pid { $worker_pid }

# Settings worker_cli() adds (redis_user, redis_password, ...); without
# them it uses redis_start()'s requirepass.
our %CLI_CONF;

# a directory with the operator commands' cli.conf: the suite's Redis,
# its auth, %CLI_CONF
sub _cli_conf {
    my $dir = tempdir('elaaoms-cli-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    open my $cf, '>', "$dir/cli.conf" or die $!;
    my %redis = redis_conf();
    print $cf "$_ $redis{$_}\n" for sort keys %redis;
    my %auth = %CLI_CONF ? %CLI_CONF
        : defined $redis_opts{requirepass}
        ? (redis_password => $redis_opts{requirepass}) : _acl_worker_conf();
    print $cf "$_ $auth{$_}\n" for sort keys %auth;
    close $cf;
    return $dir;
}

# Runs an operator command of elaaoms-worker; JSON lines come back decoded.
sub worker_cli {
    my @args = @_;
    require JSON::PP;
    my $bin = $ENV{ELAAOMS_WORKER} || repo_root() . '/build/elaaoms-worker';
    my $dir = _cli_conf();
    open my $fh, '-|', $bin, '--config', "$dir/cli.conf", @args
        or die "$bin: $!";
    my @out = map { JSON::PP::decode_json($_) } grep { /\S/ } <$fh>;
    close $fh;
    return @out;
}

# Runs the operator tool, build/elaaoms (same configuration as
# worker_cli; the output as the operator sees it, --json only when given);
# returns its exit status, the JSON lines of its output decoded (lines
# that are not JSON left out), its stderr and its stdout.
sub tool_run {
    my @args = @_;
    require JSON::PP;
    my $bin = repo_root() . '/build/elaaoms';
    my $dir = _cli_conf();
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', "$dir/out" or POSIX::_exit(127);
        open STDERR, '>', "$dir/err" or POSIX::_exit(127);
        { exec $bin, '--config', "$dir/cli.conf", @args; }
        POSIX::_exit(127);
    }
    waitpid $pid, 0;
    my $status = $? >> 8;
    my %text;
    for my $f (qw(out err)) {
        open my $fh, '<', "$dir/$f" or die "$dir/$f: $!";
        local $/;
        $text{$f} = <$fh>;
        $text{$f} = '' unless defined $text{$f};
        close $fh;
    }
    my @json = map { my $v = eval { JSON::PP::decode_json($_) }; defined $v ? ($v) : () }
               grep { /^[\[{]/ } split /\n/, $text{out};
    return ($status, \@json, $text{err}, $text{out});
}

# A fake OpenAI/Anthropic/ElevenLabs server (t/fakes/fake_llm.py) on a free
# port; returns its base URL.  Stopped at exit.
# build/elaaoms (the operator tool) with --json and a generated --config:
# Redis (and its auth) as worker_cli's, the payload dir, then %$conf;
# returns (exit status, [decoded JSON lines], stderr)
sub tool_cli {
    my ($conf, @args) = @_;
    require JSON::PP;
    my $bin = repo_root() . '/build/elaaoms';
    my $dir = tempdir('elaaoms-tool-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my %auth = %CLI_CONF ? %CLI_CONF
        : defined $redis_opts{requirepass}
        ? (redis_password => $redis_opts{requirepass}) : _acl_worker_conf();
    my %cf = (redis_conf(), payload_dir => payload_dir(), %auth,
              %{ $conf || {} });
    open my $cfh, '>', "$dir/tool.conf" or die $!;
    print $cfh "$_ $cf{$_}\n" for sort keys %cf;
    close $cfh;
    my $pid = open my $fh, '-|';
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open STDERR, '>', "$dir/stderr" or POSIX::_exit(127);
        { exec $bin, '--config', "$dir/tool.conf", '--json', @args; }
        POSIX::_exit(127);
    }
    my @lines = grep { /\S/ } <$fh>;
    close $fh;
    my $status = $? >> 8;
    open my $efh, '<', "$dir/stderr" or die $!;
    my $err = do { local $/; <$efh> };
    close $efh;
    my @out = map { /^\s*[\{\[]/ ? JSON::PP::decode_json($_) : $_ } @lines;
    return ($status, \@out, $err // '');
}

my @fake_pids;
sub fake_start { return fake_start_script('fake_llm.py', @_) }

# a stand-in server of t/fakes/ (fake_openmemory.py...) started as
# fake_start starts fake_llm.py
sub fake_start_script {
    my ($script, @args) = @_;
    my $dir = tempdir('elaaoms-fake-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', "$dir/out";
        open STDERR, '>&', \*STDOUT;
        { exec 'python3', repo_root() . "/t/fakes/$script", '--port', 0,
               '--port-file', "$dir/port", @args; }
        POSIX::_exit(127);
    }
    push @fake_pids, $pid;
    wait_until(sub { -s "$dir/port" }, 10) or die "fake server did not start";
    open my $fh, '<', "$dir/port" or die $!;
    my $port = <$fh>;
    close $fh;
    $port =~ s/\s+//g;
    return "http://127.0.0.1:$port";
}

sub fake_control {
    my ($base, $control) = @_;
    require HTTP::Tiny;
    require JSON::PP;
    my $res = HTTP::Tiny->new->post("$base/_control", {
        headers => { 'content-type' => 'application/json' },
        content => JSON::PP::encode_json($control) });
    die "fake control: $res->{status}" unless $res->{success};
    return JSON::PP::decode_json($res->{content});
}

sub fake_requests {
    my ($base, $prefix) = @_;
    require HTTP::Tiny;
    require JSON::PP;
    my $url = "$base/_requests" . ($prefix ? "?path=$prefix" : '');
    my $res = HTTP::Tiny->new->get($url);
    die "fake requests: $res->{status}" unless $res->{success};
    return @{ JSON::PP::decode_json($res->{content})->{requests} };
}

# POSTs a signed webhook to nginx outside a test block (setting up state)
sub post_webhook {
    my ($port, $path, $secret, $body) = @_;
    require HTTP::Tiny;
    my $res = HTTP::Tiny->new->post("http://127.0.0.1:$port$path", {
        headers => { 'ElevenLabs-Signature' => sign_header($secret, $body) },
        content => $body });
    return $res;
}

# Runs "nginx -t" on a configuration whose http block holds $http (the
# module loaded as the suites load it); returns nginx's exit status and
# everything it printed.
sub nginx_check {
    my ($http) = @_;
    my $bin = $ENV{TEST_NGINX_BINARY} || 'nginx';
    my $dir = tempdir('elaaoms-conf-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $load = join '', map { "load_module $_;\n" }
        split ' ', ($ENV{TEST_NGINX_LOAD_MODULES} || '');
    open my $fh, '>', "$dir/nginx.conf" or die "$dir/nginx.conf: $!";
    print $fh $load, "pid $dir/nginx.pid;\nerror_log $dir/error.log;\n",
        "events {}\nhttp {\n",
        map({ "    ${_}_temp_path $dir/$_;\n" }
            qw(client_body proxy fastcgi uwsgi scgi)),
        $http, "\n}\n";
    close $fh;
    my $out = `$bin -t -p $dir -c $dir/nginx.conf -e $dir/error.log 2>&1`;
    return ($? >> 8, $out);
}

sub worker_stop {
    my ($sig) = @_;
    return unless $worker_pid;
    kill($sig || 'TERM', $worker_pid);
    waitpid $worker_pid, 0;
    undef $worker_pid;
}

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

sub redis_port { $redis_port }

# Starts (or restarts, on the same port and data) the suite's redis-server.
# It daemonizes with a pid file, so any process of the suite can stop it.
# Options, given to the first call and kept for restarts: requirepass =>
# the default user's password (redis_cmd and worker_cli then use it);
# acl_user => [name, password, rule ...], created at every start
# (ACL SETUSER name reset on >password rule ...); appendonly => 1: an
# append-only file fsynced at every write, so a restart keeps everything.
sub redis_start {
    my (%opts) = @_;
    return _cluster_start(%opts) if $cluster_mode;
    if ($acl_mode && !%opts && !%redis_opts) {
        %opts = (acl_user => [@acl_user]);
        $acl_on = 1;
    }
    %redis_opts = %opts if %opts;
    $redis_port ||= free_port();
    $redis_dir ||= tempdir('elaaoms-redis-XXXXXX', TMPDIR => 1, CLEANUP => 1);

    my @auth = defined $redis_opts{requirepass}
        ? ('--requirepass', $redis_opts{requirepass}) : ();
    my @aof = $redis_opts{appendonly}
        ? ('--appendonly', 'yes', '--appendfsync', 'always')
        : ('--appendonly', 'no');
    system('redis-server', '--port', $redis_port, '--bind', '127.0.0.1',
           '--dir', $redis_dir, '--save', '', @aof,
           '--daemonize', 'yes', '--pidfile', "$redis_dir/redis.pid",
           '--logfile', "$redis_dir/redis.log", @auth) == 0
        or die "redis-server did not start: $?";

    my $deadline = time + 10;
    my $up;
    while (!$up && time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $redis_port);
        if ($s) {
            print $s "PING\r\n";
            my $line = <$s>;
            close $s;
            # with a password, an unauthenticated PING is refused
            $up = defined $line && $line =~ /PONG|NOAUTH/;
        }
        sleep 0.05 unless $up;
    }
    die "redis-server did not answer on port $redis_port" unless $up;

    if (my $u = $redis_opts{acl_user}) {
        my ($name, $pass, @rules) = @$u;
        my $out = _redis_cmd_plain('ACL', 'SETUSER', $name, 'reset', 'on',
                                   ">$pass", @rules);
        die "ACL SETUSER $name: $out" unless $out eq 'OK';
    }

    return $redis_port;
}

# cluster mode's redis_start: the suite's cluster, started once; its first
# seed's port stands for the suite's Redis port
sub _cluster_start {
    my (%opts) = @_;
    die "cluster mode: a suite's cluster has no password, ACL user or"
        . " append-only option (not_on_cluster)\n" if %opts;
    die "cluster mode: ELAAOMS_TEST_REDIS_ACL is for a single Redis\n"
        if $acl_mode;
    die "cluster mode: the suite's cluster cannot be restarted\n"
        if $cluster_seeds;
    require ElaaomsCluster;
    my $base = ElaaomsCluster::cluster_start()
        or die "cluster mode: this redis-server has no cluster support\n";
    $cluster_seeds = ElaaomsCluster::cluster_seeds();
    $redis_port = $base;
    return $redis_port;
}

# ACL mode: what Redis refused the ACL user since it last started
sub _acl_log_check {
    return unless $redis_dir && -f "$redis_dir/redis.pid";
    my $log = _redis_cmd_plain('ACL', 'LOG');
    Test::More::is($log, '(empty array)',
                   'ACL LOG: nothing refused to the elaaoms:* user')
        or Test::More::diag($log);
}

sub redis_stop {
    die "cluster mode: the suite's cluster cannot be stopped alone\n"
        if $cluster_seeds;
    return unless $redis_dir && -f "$redis_dir/redis.pid";
    open my $fh, '<', "$redis_dir/redis.pid" or return;
    my $pid = <$fh>;
    close $fh;
    return unless $pid && $pid =~ /^(\d+)/;
    $pid = $1;
    kill 'TERM', $pid;
    # gone when it no longer listens (a daemon's zombie may linger unreaped)
    my $deadline = time + 10;
    while (time < $deadline) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $redis_port);
        last unless $s;
        close $s;
        sleep 0.02;
    }
    unlink "$redis_dir/redis.pid";
}

# Stops Redis after $stop secs and starts it again after $start secs, from
# a child process, while the test's requests go on.
sub restart_redis_later {
    my ($stop, $start) = @_;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    return if $pid;
    # the child must never return into the test runner
    eval {
        sleep $stop;
        redis_stop();
        sleep $start - $stop;
        redis_start();
    };
    print STDERR "restart_redis_later: $@" if $@;
    POSIX::_exit($@ ? 1 : 0);
}

# A port that accepts connections and never answers: a hung Redis.
my $blackhole;
sub blackhole_port {
    $blackhole ||= IO::Socket::INET->new(Listen => 16,
        LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp')
        or die "blackhole: $!";
    return $blackhole->sockport;
}

# Runs one command; returns redis-cli's output without the final newline.
# The last argument goes through stdin (-x), so it may be of any size.
sub redis_cmd {
    my @args = @_;
    return _redis_cmd_plain(@args)
        if (@args > 4 && $args[0] eq 'EVAL')
           || ($cluster_seeds && $per_master{uc $args[0]});
    my $last = pop @args;
    local $ENV{REDISCLI_AUTH} = $redis_opts{requirepass}
        if defined $redis_opts{requirepass};
    my $in = File::Temp->new;
    print $in $last;
    close $in;
    open my $fh, '-|', join(' ', 'redis-cli', redis_cli_args(), '--no-raw', '-x',
                            map { quotemeta } @args) . ' < ' . $in->filename
        or die "redis-cli: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    $out = '' unless defined $out;
    $out =~ s/\s+$//;
    return $out;
}

# redis-cli --raw: a reply's values byte for byte, one a line, without
# the last newline.  Called as ElaaomsTest::redis_raw(...).
sub redis_raw {
    my $out = _redis_cli('--raw', @_);
    $out =~ s/\n\z//;
    return $out;
}

# Stores memories (hashes as t/tools/seed_memories.c reads them) in the
# suite's Redis the way the worker does; dies when one is refused.  Called
# as ElaaomsTest::seed_memories(...).
sub seed_memories {
    my $tool = repo_root() . '/build/tools/seed_memories';
    die "$tool is missing: run make first\n" unless -x $tool;
    require JSON::PP;
    my $json = JSON::PP->new->canonical;
    my @redis = $cluster_seeds ? ('cluster', split ' ', $cluster_seeds)
                               : ('127.0.0.1', $redis_port);
    open my $fh, '|-', $tool, @redis or die "seed_memories: $!";
    print $fh $json->encode($_), "\n" for @_;
    close $fh or die "seeding failed: $?\n";
}

END {
    # waitpid below must not become the test's exit status
    local $?;
    if ($$ == $owner_pid) {
        worker_stop();
        _acl_log_check() if $acl_on;
        for my $pid (@fake_pids) {
            kill 'TERM', $pid;
            waitpid $pid, 0;
        }
        # a cluster stops with ElaaomsCluster's own END
        redis_stop() unless $cluster_seeds;
    }
}

1;
