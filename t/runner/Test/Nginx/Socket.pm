# Evaluation sandbox for "--- xxx eval" sections and "--- init": kept first in
# the file so no file-scoped lexical of the runner is visible to the code.
# Like the real runner (Test::Base filters), the code runs under strict and
# warnings in a package of its own, NOT in main: use $::var or $main::var.
package Test::Nginx::Socket::Eval;
use strict;
use warnings;

sub run_code {
    my @result = eval $_[0];
    return (\@result, $@);
}

#-----------------------------------------------------------------------------
# Test::Nginx::Socket - clean-room runner for Test::Nginx::Socket-format .t
# files (core Perl modules only).  See t/runner/README.md for the supported
# subset and the known differences from the CPAN/OpenResty module.
#-----------------------------------------------------------------------------
package Test::Nginx::Socket;

use strict;
use warnings;

use Test::More ();
use Carp qw(croak carp cluck confess);
use Errno qw(EAGAIN EWOULDBLOCK EINTR);
use File::Path qw(make_path remove_tree);
use File::Spec;
use IO::Select;
use IO::Socket::INET;
use List::Util qw(shuffle min);
use POSIX qw(WNOHANG);
use Scalar::Util qw(looks_like_number);
use Time::HiRes qw(sleep time);

our $VERSION = '0.01-cleanroom';

# ---- settings: same environment variables and defaults as the real one ----
our $NginxBinary         = $ENV{TEST_NGINX_BINARY} || 'nginx';
our $ServerPort          = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
our $ServerPortForClient = $ENV{TEST_NGINX_CLIENT_PORT} || $ServerPort;
our $ServerAddr          = '127.0.0.1';
our $ServerName          = 'localhost';
our $Timeout             = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $LogLevel            = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $MasterProcess       = $ENV{TEST_NGINX_MASTER_PROCESS} || 'off';
our $Workers             = 1;
our $WorkerConnections   = 64;
our $RepeatEach          = 1;
our $NoShuffle           = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $NoRootLocation      = 0;
our $NoLongString        = 0;
our $CheckAccumErrLog    = $ENV{TEST_NGINX_CHECK_ACCUM_ERR_LOG};
our $ConfigPreamble      = '';
our $Sleep               = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $LoadModules         = $ENV{TEST_NGINX_LOAD_MODULES};
our $StartLimit          = 30;    # seconds allowed for "nginx" to daemonize

# TEST_NGINX_USE_VALGRIND: nginx runs in the foreground, one process, under
# valgrind's memcheck; a block fails when valgrind reports an error whose
# stack holds a frame of ours (ELAAOMS_VALGRIND_OURS, a regex) and warns of
# the others.  Suppressions: t/valgrind.suppress when it exists.
our $UseValgrind         = $ENV{TEST_NGINX_USE_VALGRIND};
our $ValgrindOurs        = $ENV{ELAAOMS_VALGRIND_OURS} || 'elaaoms';
our $ValgrindPid;
if ($UseValgrind) {
    $Timeout *= 10 unless $ENV{TEST_NGINX_TIMEOUT};
    $Sleep = 0.2 unless $ENV{TEST_NGINX_SLEEP};
}
our (@EnvToNginx, @BlockPreprocessors, @CleanupHandlers);

# TEST_NGINX_RANDOMIZE: a free random port and a servroot of the run's own
# (t/servroot_<port>, removed at exit), so suites can run under prove -jN
our $Randomize = $ENV{TEST_NGINX_RANDOMIZE};
$ServerPort = $ServerPortForClient = _rand_port({}) if $Randomize;

our $ServRoot = File::Spec->rel2abs($Randomize ? "t/servroot_$ServerPort"
                                    : $ENV{TEST_NGINX_SERVROOT} || 't/servroot');
$ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;
our $LogDir     = "$ServRoot/logs";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $HtmlDir    = "$ServRoot/html";
our $ConfDir    = "$ServRoot/conf";
our $ConfFile   = "$ConfDir/nginx.conf";
our $PidFile    = "$LogDir/nginx.pid";

# Sections of the real runner that this one does not implement: a block
# using one fails loudly instead of silently skipping the check.
our %Unsupported = map { $_ => 1 } qw(access_log no_access_log
    raw_response_headers_like raw_response_headers_unlike
    skip_nginx skip_nginx2 skip_eval skip_openssl skip_slave todo todo_nginx
    response_body_eval request_eval charset
    curl_error curl_options curl_protocol http2 http3 http09 stap stap_out
    stap_out_like stap_out_unlike tcp_listen tcp_reply tcp_query tcp_query_len
    tcp_shutdown tcp_reply_delay tcp_no_close udp_listen udp_reply udp_query
    udp_reply_delay error_log_file reload_fails quic_max_idle_timeout);

our ($NginxV, $PrevConfText, $ErrLogPos, @ExtraLogLines, $Blocks);

my @TestMoreExports = qw(ok is isnt like unlike is_deeply cmp_ok skip todo_skip
    pass fail eq_array eq_hash eq_set plan can_ok isa_ok diag);
my @OwnExports = qw(env_to_nginx is_str run_tests blocks repeat_each
    config_preamble worker_connections master_process_enabled no_long_string
    workers master_on master_off log_level no_shuffle no_root_location
    server_name server_addr server_root html_dir server_port
    server_port_for_client timeout check_accum_error_log add_block_preprocessor
    bail_out add_cleanup_handler);

sub import {
    my ($class, @args) = @_;
    my $caller = caller;
    croak "$class (clean-room runner): '-Base' subclassing is not supported"
        if grep { /^-base$/i } @args;
    # Test::Base source-filters "use strict; use warnings;" into the .t file.
    strict->import;
    warnings->import;
    no strict 'refs';
    *{"${caller}::$_"} = \&{"Test::More::$_"} for @TestMoreExports;
    *{"${caller}::$_"} = \&{"Test::Nginx::Socket::$_"} for @OwnExports;
    *{"${caller}::$_"} = \&{"Carp::$_"} for qw(croak carp cluck confess);
    *{"${caller}::TODO"} = \$Test::More::TODO;
    Test::More::plan(@args) if @args;    # 'no_plan', tests => N, skip_all => ...
}

# ---- small setters/getters exported to the test script ---------------------
sub _accessor { my $ref = shift; $$ref = shift if @_; return $$ref }
sub repeat_each            { _accessor(\$RepeatEach, @_) }
sub workers                { _accessor(\$Workers, @_) }
sub worker_connections     { _accessor(\$WorkerConnections, @_) }
sub log_level              { _accessor(\$LogLevel, @_) }
sub timeout                { _accessor(\$Timeout, @_) }
sub server_name            { _accessor(\$ServerName, @_) }
sub server_addr            { _accessor(\$ServerAddr, @_) }
sub server_port            { _accessor(\$ServerPort, @_) }
sub server_port_for_client { _accessor(\$ServerPortForClient, @_) }
sub config_preamble        { $ConfigPreamble = shift }
sub master_on              { $MasterProcess = 'on' }
sub master_off             { $MasterProcess = 'off' }
sub no_shuffle             { $NoShuffle = 1 }
sub no_root_location       { $NoRootLocation = 1 }
sub no_long_string         { $NoLongString = 1 }
sub check_accum_error_log  { $CheckAccumErrLog = 1 }
sub server_root            { $ServRoot }
sub html_dir               { $HtmlDir }
sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }
sub add_cleanup_handler    { unshift @CleanupHandlers, shift }

sub master_process_enabled {
    return $MasterProcess unless @_;
    $MasterProcess = shift() ? 'on' : 'off';
}

sub env_to_nginx {
    croak "env_to_nginx: no arguments specified" unless @_;
    for my $v (@_) {
        croak "env_to_nginx: bad argument value: $v" if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

sub bail_out {
    _cleanup();
    Test::More::BAIL_OUT(join '', @_);
}

sub is_str {
    my ($got, $expected, $desc) = @_;
    return Test::More::like($got, $expected, $desc) if ref $expected eq 'Regexp';
    return _is_string($got, $expected, $desc);
}

# Test::More::is plus, for long strings, the offset of the first difference.
sub _is_string {
    my ($got, $expected, $desc) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return 1 if Test::More::is($got, $expected, $desc);
    if (!$NoLongString && defined $got && defined $expected
        && length($got) + length($expected) > 160)
    {
        my $i = 0;
        $i++ while $i < length $got && $i < length $expected
            && substr($got, $i, 1) eq substr($expected, $i, 1);
        Test::More::diag(sprintf "first difference at offset %d: got %s, expected %s; "
            . "lengths %d vs %d", $i, _fmt(substr($got, $i, 40)),
            _fmt(substr($expected, $i, 40)), length $got, length $expected);
    }
    return 0;
}

sub _fmt {
    my $s = shift;
    return 'undef' unless defined $s;
    chomp $s;
    $s =~ s/"/\\"/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\n/\\n/g;
    return $s;
}

sub _parse_time {
    my $t = shift;
    return undef unless defined $t;
    if ($t =~ s/([^_a-zA-Z])ms$/$1/) { return $t / 1000 }
    $t =~ s/([^_a-zA-Z])s$/$1/;
    return $t;
}

#=============================================================================
# Block parsing (the Test::Base data format)
#=============================================================================
package Test::Nginx::Socket::Block;

our $AUTOLOAD;

sub new { return bless { values => {}, order => [], filters => {} }, shift }

sub set_value {
    my ($self, $key, @values) = @_;
    $self->{values}{$key} = [@values];
}

# A section accessor returns the first value in scalar context (all values in
# list context) and nothing for absent sections, like Test::Base::Block.
sub AUTOLOAD {
    my $self = shift;
    (my $key = $AUTOLOAD) =~ s/.*:://;
    return if $key eq 'DESTROY';
    Carp::croak("Not allowed to set values for '$key'") if @_;
    my $v = $self->{values}{$key} or return;
    return wantarray ? @$v : $v->[0];
}

package Test::Nginx::Socket;

sub _block_list {
    return $Blocks if $Blocks;
    my $spec = do {
        no warnings 'once';
        local $/;
        my $fh = \*main::DATA;
        defined fileno($fh) ? <$fh> : undef;
    };
    croak "Test::Nginx::Socket: no __DATA__ section found in $0" unless defined $spec;

    my (@hunks, $cur, $sec);
    for my $line (split /^/m, $spec) {
        if ($line =~ /^===[ \t]*(.*?)\s*\z/) {
            $cur = Test::Nginx::Socket::Block->new;
            $cur->set_value(name => $1);
            push @hunks, $cur;
            undef $sec;
        } elsif (!$cur) {
            next;    # text before the first block
        } elsif ($line =~ /^--- +\(?(\w+)\)? *(.*)\n\z/) {
            my ($type, $filters) = ($1, $2);
            croak "'$type' is a reserved name. Use something else."
                if $type =~ /^(?:_|name$|new$|set_value$|AUTOLOAD$|DESTROY$)/;
            $sec = [$type, $filters, ''];
            push @{ $cur->{order} }, $sec;
        } elsif ($sec) {
            $sec->[2] .= $line;
        }    # else: block description lines, ignored
    }

    my @blocks;
    for my $b (@hunks) {
        for my $sec (@{ $b->{order} }) {
            my ($type, $filters, $value) = @$sec;
            if ($filters =~ /:(\s|\z)/) {    # one-liner "--- name [filters]: value"
                croak "Extra lines not allowed in '$type' section" if $value =~ /\S/;
                ($filters, $value) = split /\s*:(?:\s+|\z)/, $filters, 2;
                $value = '' unless defined $value;
                $value =~ s/^\s*(.*?)\s*$/$1/;
            }
            $b->{filters}{$type} = $filters;
            $b->set_value($type, $value);
        }
        # Selection happens before filtering, exactly as in Test::Base.
        if (exists $b->{values}{ONLY}) {
            warn "# WARNING: $0 - only running the block with --- ONLY: " . $b->name . "\n";
            return $Blocks = [$b];
        }
        next if exists $b->{values}{SKIP};
        push @blocks, $b;
        last if exists $b->{values}{LAST};
    }
    return $Blocks = \@blocks;
}

sub blocks {
    my $section = shift;
    my @list = @{ _block_list() };
    @list = grep { exists $_->{values}{$section} } @list if defined $section;
    return scalar @list unless wantarray;
    for my $b (@list) { _run_filters($b) unless $b->{filtered}++ }
    return @list;
}

# Filters: default "norm trim", then those on the section line ("-x" removes
# a filter, "+x" appends it).  eval/chomp/chop/trim/norm/unchomp built in;
# any other name must be a function in package main (Test::Base behaviour).
sub _run_filters {
    my $b = shift;
    for my $sec (@{ $b->{order} }) {
        my $type = $sec->[0];
        my (@filters, @append) = ('norm', 'trim');
        (my $spec = $b->{filters}{$type} // '') =~ s/^\s+|\s+$//g;
        for my $f (split /\s+/, $spec) {
            last unless length $f;
            if ($f =~ s/^-//)     { @filters = grep { $_ ne $f } @filters }
            elsif ($f =~ s/^\+//) { push @append, $f }
            else                  { push @filters, $f }
        }
        my @value = $b->$type;
        for my $f (@filters, @append) {
            if ($f eq 'norm') {
                my $t = shift(@value) || '';    # sic: Test::Base turns "0" into ""
                $t =~ s/\015\012/\n/g;
                $t =~ s/\r/\n/g;
                @value = ($t);
            } elsif ($f eq 'trim') {
                for (@value) { s/\A([ \t]*\n)+//; s/(?<=\n)\s*\z//g }
            } elsif ($f eq 'chomp')   { chomp for @value }
            elsif ($f eq 'chop')      { chop for @value }
            elsif ($f eq 'unchomp')   { $_ .= "\n" for @value }
            elsif ($f eq 'eval') {
                my ($result, $err) = Test::Nginx::Socket::Eval::run_code($value[0]);
                die "$0 " . $b->name . " - failed to eval the '$type' section: $err" if $err;
                @value = @$result;
            } elsif (defined &{"main::$f"}) {
                no strict 'refs';
                local $_ = join '', @value;
                my @new = &{"main::$f"}(@value);
                @value = (!@new || (@new == 1 && $new[0] =~ /\A(\d+|)\z/)) ? ($_) : @new;
            } else {
                die "$0 " . $b->name . " - unknown filter '$f' in section '$type'"
                    . " (not supported by the clean-room runner)\n";
            }
        }
        $b->set_value($type, @value);
    }
}

#=============================================================================
# Running
#=============================================================================
sub run_tests {
    _check_nginx_binary();
    $ENV{TEST_NGINX_SERVER_PORT} = $ServerPort unless defined $ENV{TEST_NGINX_SERVER_PORT};
    local $SIG{PIPE} = 'IGNORE';
    local $SIG{INT}  = sub { _cleanup(); exit 130 };
    local $SIG{TERM} = sub { _cleanup(); exit 143 };

    my @blocks = blocks();
    @blocks = shuffle @blocks unless $NoShuffle;
    for my $block (@blocks) {
        $_->($block) for @BlockPreprocessors;
        $block->set_value(name => "$0 " . $block->name);
        my $ok = eval { _run_block($block); 1 };
        if (!$ok) {
            my $err = $@;
            chomp $err;
            Test::More::fail($block->name . " - $err");
            _stop_nginx($block->name);
        }
    }
    _cleanup();
}

sub _check_nginx_binary {
    return if defined $NginxV;
    my $out = '';
    if (open my $ph, '-|') {
        local $/;
        $out = <$ph> // '';
        close $ph;
    } else {
        open STDERR, '>&', \*STDOUT;
        exec $NginxBinary, '-V' or POSIX::_exit(127);
    }
    if ($? != 0 || $out !~ m{nginx version: \S+/\d+\.\d+\.\d+}) {
        bail_out("Failed to get the version of the nginx binary \"$NginxBinary\""
            . " (set TEST_NGINX_BINARY): $out");
    }
    $NginxV = $out;
}

sub _run_block {
    my $block = shift;
    my $name  = $block->name;

    for my $sec (@{ $block->{order} }) {
        die "section '--- $sec->[0]' is not supported by the clean-room runner\n"
            if $Unsupported{ $sec->[0] };
    }

    local $LogLevel = $block->log_level || $LogLevel;
    my $rand_ports = {};
    my $conf_text;
    if (defined $block->config) {
        $conf_text = $PrevConfText = _conf_text($block, $rand_ports);
    } else {
        # The real runner keeps the previous nginx (and config) running for a
        # block without "--- config"; we restart it with the same config.
        die "No '--- config' section specified and could not get previous one\n"
            unless defined $PrevConfText;
        $conf_text = $PrevConfText;
    }

    if (defined(my $must_die = $block->must_die)) {
        for my $rep (0 .. $RepeatEach - 1) {
            $ErrLogPos = 0;    # each attempt starts with a fresh logs/ directory
            my ($status, $stderr) = _start_nginx($block, $conf_text, $rand_ports);
            if ($status == -1) {
                Test::More::fail("$name - failed to execute the nginx command line");
            } elsif (looks_like_number($must_die)) {
                Test::More::is($status >> 8, $must_die, "$name - die with the expected exit code");
            } else {
                Test::More::isnt($status, 0, "$name - die as expected");
            }
            # Debian's nginx logs config errors to stderr (and its compiled-in
            # log), not to servroot: treat its stderr as part of error.log.
            @ExtraLogLines = split /^/m, $stderr;
            _check_error_log($block, $rep, 0, 1);
            if ($status == 0) {
                warn "WARNING: $name - nginx must die but it does not; killing it (req $rep)\n";
                _stop_nginx($name);
            }
        }
        return;
    }

    my ($status, $stderr) = _start_nginx($block, $conf_text, $rand_ports);
    if ($status != 0) {
        Test::More::fail("$name - Cannot start nginx using command \"$NginxBinary -p $ServRoot/"
            . " -c $ConfFile\" (status code $status)");
        Test::More::diag("nginx stderr:\n$stderr") if length $stderr;
        Test::More::diag("error.log tail:\n" . _tail($ErrLogFile, 15));
        _stop_nginx($name);
        # Every later block would fail the same way (the real runner bails too).
        bail_out("$name - port $ServerPort is in use (set TEST_NGINX_PORT)")
            if $stderr =~ /Address already in use/;
        return;
    }
    sleep $Sleep;

    if (defined(my $init = $block->init)) {
        my (undef, $err) = Test::Nginx::Socket::Eval::run_code($init);
        die "init failed: $err" if $err;
    }

    $ErrLogPos = 0;
    for my $rep (0 .. $RepeatEach - 1) {
        _write_user_files($block, $rand_ports) if $rep > 0;
        _run_requests($block, $rep);
    }

    _stop_nginx($name);
    _check_shutdown_error_log($block) if defined $block->shutdown_error_log;
}

#=============================================================================
# nginx configuration, server root and process management
#=============================================================================
sub _expand_env {
    my ($text, $rand_ports) = @_;
    return undef unless defined $text;
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        my $var = $1;
        $var =~ /^TEST_NGINX_RAND_PORT_\d+$/
            ? ($rand_ports->{$var} //= _rand_port($rand_ports))
            : (defined $ENV{$var} ? $ENV{$var} : die "No environment $var defined.\n");
    }ge;
    return $text;
}

sub _rand_port {
    my $used = shift;
    my %used = map { $_ => 1 } $ServerPort, values %$used;
    for (1 .. 1000) {
        my $port = int(rand 63550) + 1985;
        next if $used{$port};
        my $s = IO::Socket::INET->new(LocalAddr => $ServerAddr, LocalPort => $port,
                                      Proto => 'tcp', ReuseAddr => 1) or next;
        close $s;
        return $port;
    }
    die "Cannot find an available listening port number\n";
}

sub _conf_text {
    my ($block, $rand_ports) = @_;
    my $config      = _expand_env(scalar $block->config, $rand_ports) // '';
    my $http_config = _expand_env(scalar $block->http_config, $rand_ports) // '';
    my $main_config = $block->main_config // '';
    if ($LoadModules) {
        $main_config .= join ' ', map { "load_module $_;" } grep { length } split /\s+/, $LoadModules;
    }
    $main_config = _expand_env($main_config, $rand_ports);
    my $post_main   = _expand_env(scalar $block->post_main_config, $rand_ports) // '';
    my $server_name = $block->server_name // $ServerName;
    $server_name =~ s/\\/\\\\/g;
    $server_name =~ s/'/\\'/g;

    # Not in the real runner: temp paths inside the server root, because
    # distribution builds (Debian: /var/lib/nginx) may not be writable.
    my $temp_paths = '';
    for my $m (qw(client_body proxy fastcgi uwsgi scgi)) {
        next if $http_config =~ /\b${m}_temp_path\b/;
        next if $m ne 'client_body' && $NginxV =~ /--without-http_${m}_module/;
        $temp_paths .= "    ${m}_temp_path $ServRoot/${m}_temp;\n";
    }

    my $env = join "", map { /\s/ ? "env '$_';\n" : "env $_;\n" } @EnvToNginx;
    my $root_location = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_
    my $user = $> == 0 ? "user root;\n" : '';

    my ($daemon, $master) = $UseValgrind ? ('off', 'off')
                                         : ('on', $MasterProcess);

    return <<"_EOC_";
worker_processes  $Workers;
daemon $daemon;
master_process $master;
error_log $ErrLogFile $LogLevel;
pid       $PidFile;
$env
$main_config

http {
    access_log $AccLogFile;

    default_type text/plain;
    keepalive_timeout  68;
$temp_paths
$http_config

    server {
        listen          $ServerPort;
        server_name     '$server_name';

        client_max_body_size 30M;

        # Begin preamble config...
$ConfigPreamble
        # End preamble config...

        # Begin test case config...
$config
        # End test case config.

$root_location    }
}

$post_main

events {
    accept_mutex off;

    worker_connections  $WorkerConnections;
}
$user
_EOC_
}

sub _setup_server_root {
    # Only ever remove what the runner itself creates.
    remove_tree($ConfDir, $HtmlDir, $LogDir, glob("$ServRoot/*_temp"), glob("$ServRoot/*_cache"));
    make_path($ServRoot, $LogDir, $HtmlDir, $ConfDir);
    _write_file("$HtmlDir/index.html",
        '<html><head><title>It works!</title></head><body>It works!</body></html>');
}

sub _write_file {
    my ($path, $data) = @_;
    open my $out, '>', $path or die "Cannot open $path for writing: $!\n";
    binmode $out;
    print $out $data;
    close $out or die "Cannot write $path: $!\n";
}

sub _write_user_files {
    my ($block, $rand_ports) = @_;
    my $files = $block->user_files or return;
    if (!ref $files) {
        my @list;
        for my $line (split /^/m, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+))?/) { push @list, [$1, undef, $2] }
            elsif (@list) { $list[-1][1] .= $line }
        }
        $files = \@list;
    }
    die "user_files: only a string or an ARRAY of [name, body, date] is accepted\n"
        unless ref $files eq 'ARRAY';
    for my $f (@$files) {
        my ($fname, $body, $date) = @$f;
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";
        make_path($1) if $path =~ m{(.*)/} && !-d $1;
        _write_file($path, _expand_env($body // '', $rand_ports));
        if ($date) {
            local $ENV{TZ} = 'GMT';
            system('touch', '-t', $date, $path) == 0 or die "touch -t '$date' $path failed\n";
        }
    }
}

sub _read_pid {
    open my $in, '<', $PidFile or return undef;
    my $pid = <$in>;
    close $in;
    return (defined $pid && $pid =~ /^\s*(\d+)/) ? $1 : undef;
}

# A zombie (daemonized nginx re-parented to an init that does not reap)
# counts as gone.
sub _alive {
    my $pid = shift;
    return 0 unless $pid && kill 0, $pid;
    if (open my $st, '<', "/proc/$pid/stat") {
        my $line = <$st> // '';
        return 0 if $line =~ /^\d+ \(.*\) Z/;
    }
    return 1;
}

# Runs "nginx -p servroot/ -c conf" (daemon on: it returns once listening or
# failed); returns (wait status, stderr text).
sub _start_nginx {
    my ($block, $conf_text, $rand_ports) = @_;
    _stop_nginx($block->name);    # leftover from an interrupted run
    _setup_server_root();
    _write_user_files($block, $rand_ports);
    _write_file($ConfFile, $conf_text);

    my $errfile = "$LogDir/nginx.stderr";
    return _start_valgrind($errfile) if $UseValgrind;

    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDIN,  '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $errfile;
        exec($NginxBinary, "-p", "$ServRoot/", "-c", $ConfFile) or POSIX::_exit(127);
    }
    my $status;
    my $deadline = time + $StartLimit;
    while (1) {
        if (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid($pid, 0);
            $status = -1;
            last;
        }
        sleep 0.01;
    }
    $status = -1 if $status == (127 << 8) && !-s $errfile;
    my $stderr = '';
    if (open my $in, '<', $errfile) { local $/; $stderr = <$in> // ''; close $in }
    return ($status, $stderr);
}

# nginx in the foreground under valgrind: started when it listens, failed
# when it exits first; (wait status, stderr text) as _start_nginx
sub _start_valgrind {
    my ($errfile) = @_;
    my @supp = -f 't/valgrind.suppress'
             ? ('--suppressions=' . File::Spec->rel2abs('t/valgrind.suppress'))
             : ();
    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDIN,  '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $errfile;
        exec('valgrind', '--tool=memcheck', '--leak-check=full',
             '--show-possibly-lost=no', '--num-callers=50', '-q',
             "--log-file=$LogDir/valgrind.log", @supp,
             $NginxBinary, '-p', "$ServRoot/", '-c', $ConfFile)
            or POSIX::_exit(127);
    }
    $ValgrindPid = $pid;
    my $deadline = time + $StartLimit * 4;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            my $status = $? || (1 << 8);
            undef $ValgrindPid;
            my $stderr = '';
            if (open my $in, '<', $errfile) { local $/; $stderr = <$in> // '' }
            return ($status, $stderr);
        }
        my $s = IO::Socket::INET->new(PeerAddr => $ServerAddr,
                                      PeerPort => $ServerPort, Timeout => 1);
        if ($s) { close $s; return (0, '') }
        sleep 0.1;
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
    undef $ValgrindPid;
    return (-1, 'nginx under valgrind did not listen in time');
}

# valgrind's report of the nginx that just ended: errors whose stack holds
# a frame of ours fail the block, the others are warnings
sub _check_valgrind {
    my ($name) = @_;
    my $log = "$LogDir/valgrind.log";
    open my $in, '<', $log or return;
    my @errors = parse_valgrind_log(do { local $/; <$in> });
    close $in;
    for my $e (@errors) {
        if ($e =~ /$ValgrindOurs/) {
            Test::More::fail("$name - valgrind: " . (split /\n/, $e)[0]);
            Test::More::diag($e);
        } else {
            warn "WARNING: $name - valgrind (not our code): " . (split /\n/, $e)[0] . "\n";
        }
    }
    # every block's report, kept for reading after the run
    if (open my $all, '>>', "$ServRoot/valgrind.all.log") {
        print {$all} "=== $name\n";
        if (open my $one, '<', $log) { print {$all} <$one>; close $one }
        close $all;
    }
    unlink $log;
}

# The error records of a valgrind log ("==pid== Invalid read ..." and its
# stack up to the blank "==pid== " line), leaks included; prefixes removed.
sub parse_valgrind_log {
    my ($text) = @_;
    my (@errors, @cur);
    for my $line (split /\n/, $text // '') {
        next unless $line =~ /^==\d+== ?(.*)$/;
        my $body = $1;
        if ($body =~ /^\s*$/) {
            push @errors, join("\n", @cur) if @cur;
            @cur = ();
            next;
        }
        if (!@cur) {
            next unless $body =~ /^(?:Invalid (?:read|write|free)|Mismatched free|Conditional jump|Use of uninitialised|Syscall param|Source and destination overlap|Argument .* of function|.* bytes in [\d,]+ blocks are (?:definitely|indirectly) lost)/;
        }
        push @cur, $body;
    }
    push @errors, join("\n", @cur) if @cur;
    return @errors;
}

# QUIT (graceful), then TERM, then KILL of the process group; bounded.
sub _stop_nginx {
    my $name = shift // '';

    if ($ValgrindPid) {
        # the leak report comes when nginx has really exited
        kill 'QUIT', $ValgrindPid;
        my $deadline = time + 60;
        while (waitpid($ValgrindPid, WNOHANG) != $ValgrindPid) {
            if (time > $deadline) {
                kill 'KILL', $ValgrindPid;
                waitpid($ValgrindPid, 0);
                last;
            }
            sleep 0.05;
        }
        undef $ValgrindPid;
        unlink $PidFile if -f $PidFile;
        _check_valgrind($name);
        return;
    }

    my $pid = _read_pid();
    if ($pid && open my $cmd, '<', "/proc/$pid/cmdline") {    # stale pid file?
        undef $pid if (<$cmd> // '') !~ /nginx/;
    }
    if ($pid && _alive($pid)) {
        kill 'QUIT', $pid;
        my $deadline = time + $Timeout;
        sleep 0.02 while _alive($pid) && time < $deadline;
        if (_alive($pid)) {
            warn "$name - timeout when waiting for the nginx process $pid to exit\n";
            kill 'TERM', $pid;
            $deadline = time + 1;
            sleep 0.02 while _alive($pid) && time < $deadline;
        }
        if (_alive($pid)) {
            warn "$name - WARNING: killing the nginx process $pid with force\n";
            kill 'KILL', -$pid;
            kill 'KILL', $pid;
            sleep 0.05;
        }
    }
    unlink $PidFile if -f $PidFile;
}

sub _cleanup {
    $_->() for @CleanupHandlers;
    _stop_nginx('cleanup');
    remove_tree($ServRoot) if $Randomize && $ServRoot =~ m{/t/servroot_\d+$};
}

END { local $?; _cleanup() if defined $NginxV }

#=============================================================================
# Requests
#=============================================================================
sub _parse_more_headers {
    my $in = shift;
    my ($out, $chunked) = ('', 0);
    for my $h (split /\n+/, $in) {
        next if $h =~ /^\s*#/;
        my ($key, $val) = split /:\s*/, $h, 2;
        $val //= '';
        $chunked = 1 if lc($key) eq 'transfer-encoding' && $val eq 'chunked';
        $out .= "$key: $val\r\n";
    }
    return ($out, $chunked);
}

# "METHOD [URI [VERSION]]" line plus body lines -> raw HTTP request.
sub _build_request {
    my ($req, $more, $conn) = @_;
    die "request empty\n" unless defined $req;
    1 while $req =~ s/\A\s*#[^\n]+\s+// || $req =~ s/\A\s+//;
    my ($first, $content) = split /\n/, $req, 2;
    die "Request line should be non-empty\n" unless defined $first && length $first;
    my @tok = split ' ', $first;
    die "Request line is not valid. Should be 'meth [url [version]]' but got \"$first\".\n"
        if @tok < 1 || @tok > 3;
    my ($meth, $url, $ver) = @tok;
    $url //= '/';
    $ver //= 'HTTP/1.1';
    $content //= '';

    my ($hdrs, $chunked) = _parse_more_headers($more // '');
    my $len = '';
    if (!$chunked && length $content && $hdrs !~ /(?:^|\n)Content-Length:/) {
        $content =~ s/^\s+|\s+$//gs;    # the real runner trims the body
        $len = 'Content-Length: ' . length($content) . "\r\n";
    }
    my $head = "$meth $url $ver\r\n";
    $head .= "Host: $ServerName\r\n" if $hdrs !~ /(?:^|\n)Host:/i;
    $head .= "Connection: $conn\r\n" if $hdrs !~ /(?:^|\n)Connection/i;
    return "$head$hdrs$len\r\n$content";
}

# Returns (list of requests, each a list of packets {value, delay_before},
#          number of pipelined requests or 0).
sub _requests_of {
    my $block = shift;
    if (defined(my $raw = $block->raw_request)) {
        my @bits = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        return ([[map { ref $_ ? $_ : { value => $_ } } @bits]], 0);
    }
    my $more = $block->more_headers;
    my $more_for = sub {
        my $i = shift;
        return $more // '' unless ref $more eq 'ARRAY';
        return $more->[$i] // die "--- more_headers lacks data for request $i\n";
    };
    if (defined(my $p = $block->pipelined_requests)) {
        die "invalid entries in --- pipelined_requests\n" unless ref $p eq 'ARRAY';
        my $all = join '', map {
            _build_request($p->[$_], $more_for->($_), $_ == $#$p ? 'close' : 'keep-alive')
        } 0 .. $#$p;
        return ([[{ value => $all }]], scalar @$p);
    }
    my $req = $block->request;
    my @reqs = ref $req eq 'ARRAY' ? @$req : ($req);
    my @out;
    for my $i (0 .. $#reqs) {
        my $r = $reqs[$i];
        # Packet arrays are joined: the real runner sends them separately.
        $r = join '', map { ref $_ ? $_->{value} : $_ } @$r if ref $r eq 'ARRAY';
        push @out, [{ value => _build_request($r, $more_for->($i), 'close') }];
    }
    return (\@out, 0);
}

sub _connect {
    my ($block) = @_;
    my $addr = $block->server_addr_for_client // $ServerAddr;
    my $err;
    for my $try (1 .. 20) {
        my $sock = IO::Socket::INET->new(PeerAddr => $addr, PeerPort => $ServerPortForClient,
                                         Proto => 'tcp', Timeout => $Timeout);
        return $sock if $sock;
        $err = $!;
        sleep min(0.5, 0.02 * $try);
    }
    Test::More::fail($block->name . " - Can't connect to $addr:$ServerPortForClient: $err (aborted)");
    return undef;
}

sub _send_request {
    my ($block, $bits, $timeout) = @_;
    my $name = $block->name;
    my $sock = _connect($block) or return undef;
    binmode $sock;
    $sock->blocking(0);
    my @pending = @$bits;
    my $middle  = $block->raw_request_middle_delay;
    my ($buf, $off) = ((shift @pending)->{value}, 0);
    my $resp = '';
    my $sel = IO::Select->new($sock);
    my ($writing, $reading) = (1, 1);
    while ($reading) {
        $! = 0;
        my ($r, $w) = IO::Select->select($sel, $writing ? $sel : undef, undef, $timeout);
        if (!$r && !$w) {
            next if $! == EINTR;
            Test::More::fail("ERROR: client socket timed out - $name\n") unless defined $block->abort;
            last;
        }
        if ($w && @$w) {
            while ($writing) {
                if ($off >= length $buf) {
                    my $next = shift @pending;
                    if (!$next) {
                        $writing = 0;
                        if (defined(my $how = $block->shutdown)) {
                            shutdown $sock, ($how =~ /^\s*$/ ? 1 : $how);
                        }
                        last;
                    }
                    my $delay = $next->{delay_before} // $middle;
                    sleep $delay if $delay;
                    ($buf, $off) = ($next->{value}, 0);
                    next;
                }
                my $n = eval { syswrite $sock, $buf, length($buf) - $off, $off };
                last if !defined $n && !$@ && ($! == EAGAIN || $! == EWOULDBLOCK);
                if (!defined $n) {    # peer closed early: keep reading its answer
                    warn "$name - write failed: " . ($@ || $!) . "\n";
                    $writing = 0;
                    last;
                }
                $off += $n;
            }
        }
        if ($r && @$r) {
            while (1) {
                my $n = sysread $sock, my $chunk, 16384;
                if (!defined $n) {
                    last if $! == EAGAIN || $! == EWOULDBLOCK;
                    warn "WARNING: $name - HTTP response read failure: $!\n";
                    $reading = 0;
                    last;
                }
                if ($n == 0) { $reading = 0; last }
                $resp .= $chunk;
            }
        }
    }
    close $sock;
    return $resp;
}

# -> (response hash or undef, raw header text, bytes left after this response)
sub _parse_response {
    my ($name, $raw, $is_head) = @_;
    my $raw_headers = $raw =~ /(.*?\r\n)\r\n/s ? $1 : '';
    my ($head, $body) = $raw =~ /\A(.*?)\r?\n\r?\n(.*)\z/s ? ($1, $2) : ($raw, '');
    my ($status, @lines) = split /\r?\n/, $head;
    my $res = { code => undef, headers => [], body => $body };
    $status //= '';
    my ($code) = $status =~ m{^HTTP/} ? (split ' ', $status)[1] : (split ' ', $status)[0];
    $res->{code} = $code if defined $code && $code =~ /^\d+$/;
    for my $l (@lines) {
        if ($l =~ /^([^\s:]+)\s*:\s*(.*)$/) { push @{ $res->{headers} }, [$1, $2] }
        elsif ($l =~ /^\s+(.*)$/ && @{ $res->{headers} }) { $res->{headers}[-1][1] .= " $1" }
    }
    return ($res, $raw_headers, undef) if ($res->{code} // 0) =~ /^(?:304|101)$/;

    my $left;
    my $te  = _header($res, 'Transfer-Encoding');
    my $len = _header($res, 'Content-Length');
    if (defined $te && $te eq 'chunked') {
        my $decoded = '';
        while (1) {
            if ($body =~ /\G0[ \t]*\r\n\r\n/gc) {
                $left = $1 if $body =~ /\G(.+)/gcs;
                last;
            }
            if ($body =~ /\G[ \t]*([A-Fa-f0-9]+)[ \t]*\r\n/gc) {
                my $size = hex $1;
                my $pos = pos $body;
                if (length($body) - $pos < $size) {
                    Test::More::fail("$name - invalid chunked data received "
                        . "(not enought octets for the data section)");
                    return;
                }
                $decoded .= substr $body, $pos, $size;
                pos($body) = $pos + $size;
                if ($body !~ /\G\r\n/gc) {
                    Test::More::fail("$name - invalid chunked data received (expected CRLF).");
                    return;
                }
            } elsif ($body =~ /\G(.+)/gcs) {
                Test::More::fail("$name - invalid chunked body received: $1");
                return;
            } else {
                Test::More::fail("$name - no last chunk found - $body");
                return;
            }
        }
        $res->{body} = $decoded;
    } elsif (defined $len && $len =~ /^\d+$/) {
        if (length $body < $len) {
            warn "WARNING: $name - response body truncated: $len expected, but got "
                . length($body) . "\n" unless $is_head;
        } elsif (length $body > $len) {
            $left = substr $body, $len;
            $res->{body} = substr $body, 0, $len;
        }
    }
    return ($res, $raw_headers, $left);
}

# Case-insensitive; repeated headers are joined with ", " (HTTP::Headers).
sub _header {
    my ($res, $key) = @_;
    return undef unless $res;
    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $key } @{ $res->{headers} };
    return @v ? join(', ', @v) : undef;
}

sub _indexed {
    my ($value, $idx, $need_array) = @_;
    if (ref $value eq 'ARRAY') {
        die "SHOULD NOT HAPPEN: idx != 0 and don't need array.\n" if !$need_array && $idx;
        return $value->[$idx];
    }
    die "You asked for many requests, the expected results should be arrays as well.\n"
        if $need_array;
    return $value;
}

sub _run_requests {
    my ($block, $rep) = @_;
    my $name = $block->name;
    my ($reqs, $npipe) = _requests_of($block);
    my $timeout = _parse_time($block->timeout) // $Timeout;
    my $need_array = $npipe ? 1 : @$reqs > 1;
    my $total = $npipe || @$reqs;
    my ($raw, $is_head);
    for my $idx (0 .. $total - 1) {
        if (!$npipe || $idx == 0) {
            my $bits = $reqs->[$npipe ? 0 : $idx];
            $is_head = (join '', map { $_->{value} } @$bits) =~ /^\s*HEAD\s+/;
            $raw = _send_request($block, $bits, $timeout) // '';
        }
        if (!defined $block->ignore_response) {
            my ($res, $raw_headers, $left) = _parse_response($name, $raw, $is_head);
            if ($npipe) {
                $raw = $left // '';
            } elsif (defined $left) {
                (my $l = $left) =~ s/([\0-\037\200-\377])/sprintf('\x{%02x}', ord $1)/eg;
                warn "WARNING: $name - unexpected extra bytes after last chunk in response: \"$l\"\n";
            }
            _check_response($block, $res, $raw_headers // '', $idx, $rep, $need_array);
        }
        if ($idx < $total - 1) {
            sleep _parse_time($block->wait) if $block->wait;
            _check_error_log($block, $rep, $need_array);
        }
    }
    sleep _parse_time($block->wait) if $block->wait;
    _check_error_log($block, $rep, $need_array);
}

#=============================================================================
# Checks
#=============================================================================
sub _check_response {
    my ($block, $res, $raw_headers, $idx, $rep, $need_array) = @_;
    my $name = $block->name;
    my $code = ($res && $res->{code}) || '';

    if (defined $block->error_code_like) {
        my $pat = _indexed($block->error_code_like, $idx, $need_array);
        Test::More::like($code, qr/$pat/sm, "$name - status code ok");
    } elsif (defined $block->error_code) {
        Test::More::is($code, _indexed($block->error_code, $idx, $need_array), "$name - status code ok");
    } else {
        Test::More::is($code, 200, "$name - status code ok");
    }

    my ($hdr_spec, $like) = defined $block->response_headers
        ? (scalar $block->response_headers, 0) : (scalar $block->response_headers_like, 1);
    if (defined $hdr_spec) {
        my (@keys, %want);
        for my $line (split /\n/, _indexed($hdr_spec, $idx, $need_array)) {
            $line =~ s/^\s+|\s+$//g;
            next unless length $line;
            my $neg = $line =~ s/^!\s*//;
            my ($k, $v) = $neg ? ($line, undef) : split /\s*:\s*/, $line, 2;
            push @keys, $k unless exists $want{$k};
            $want{$k} = $neg ? undef : $v // '';
        }
        for my $k (@keys) {
            my $v = $want{$k};
            if (!$like && !defined $v) {
                Test::More::unlike($raw_headers, qr/^\s*\Q$k\E\s*:/msi,
                    "$name - header $k not present in the raw headers");
                next;
            }
            $v //= '';
            $v =~ s/\$ServerPort\b/$ServerPort/g;
            $v =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            my $got = _header($res, $k) // '';
            if ($like) { Test::More::like($got, qr/^$v$/, "$name - header $k like ok") }
            else       { Test::More::is($got, $v, "$name - header $k ok") }
        }
    }

    my $content = $res ? $res->{body} : undef;
    if (defined $content && defined(my $filters = $block->response_body_filters)) {
        # as the real runner: code refs, or names of the built-in ones
        for my $f (ref $filters eq 'ARRAY' ? @$filters
                   : ref $filters ? ($filters) : split ' ', $filters) {
            if (ref $f eq 'CODE') { $content = $f->($content) }
            elsif ($f eq 'uc') { $content = uc $content }
            elsif ($f eq 'lc') { $content = lc $content }
            else { die "unknown response_body_filters entry \"$f\"\n" }
        }
    }
    if (defined $block->response_body) {
        my $exp = _indexed($block->response_body, $idx, $need_array);
        if (defined $exp && !ref $exp) {
            $exp =~ s/\$ServerPort\b/$ServerPort/g;
            $exp =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        }
        my $sfx = "(repeated req $rep, req $idx)";
        if (ref $exp) { Test::More::like($content, $exp, "$name - response_body - like $sfx") }
        else { _is_string($content, $exp, "$name - response_body - response is expected $sfx") }
    } elsif (defined $block->response_body_like || defined $block->response_body_unlike) {
        my $type = defined $block->response_body_like ? 'like' : 'unlike';
        my $pat = _indexed($type eq 'like' ? $block->response_body_like
                                           : $block->response_body_unlike, $idx, $need_array);
        $pat =~ s/\$ServerPort\b/$ServerPort/g;
        $pat =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        my $summary = $content // '';
        $summary =~ s/^\s+|\s+$//g;
        $summary =~ s/\s+/ /g;
        no strict 'refs';
        &{"Test::More::$type"}($content, qr/$pat/s,
            "$name - response_body_$type - response is expected ($summary)");
    }
}

sub _pattern_list {
    my $pats = shift;
    return @$pats if ref $pats eq 'ARRAY';
    return ($pats) if ref $pats;
    chomp $pats;
    return split /\n+/, $pats;
}

sub _matches {
    my ($line, $pat) = @_;
    return ref $pat ? scalar($line =~ $pat) : index($line, $pat) >= 0;
}

sub _value_contains {
    my ($val, $needle) = @_;
    for my $v (ref $val eq 'ARRAY' ? @$val : ($val)) {
        next unless defined $v && (!ref $v || ref $v eq 'Regexp');
        return 1 if index("$v", $needle) >= 0;
    }
    return 0;
}

sub _check_present {
    my ($name, $file, $pats, $lines, $sfx) = @_;
    my @pats = _pattern_list($pats);
    for my $line (@$lines) {
        for my $p (@pats) {
            next unless defined $p && _matches($line, $p);
            Test::More::pass("$name - pattern \"$p\" matches a line in $file$sfx");
            undef $p;
        }
    }
    my $missing = 0;
    for my $p (grep { defined } @pats) {
        Test::More::fail("$name - pattern \"$p\" should match a line in $file$sfx");
        $missing++;
    }
    Test::More::diag("last lines checked in $file:\n",
        join '', @$lines[(@$lines > 20 ? @$lines - 20 : 0) .. $#$lines]) if $missing;
}

sub _check_absent {
    my ($name, $file, $pats, $lines, $sfx) = @_;
    my @pats = _pattern_list($pats);
    my %found;
    for my $i (0 .. $#$lines) {
        for my $p (@pats) {
            next unless defined $p && _matches($lines->[$i], $p);
            $found{$p} = 1;
            my $last = min($i + 9, $#$lines);
            Test::More::fail("$name - pattern \"" . _fmt($p) . "\" should not match any line in"
                . " $file but matches line \"" . _fmt($lines->[$i]) . "\"$sfx\n"
                . join '', @$lines[$i + 1 .. $last]);
        }
    }
    for my $p (@pats) {
        next if !defined $p || $found{$p};
        Test::More::pass("$name - pattern \"" . _fmt($p) . "\" does not match a line in $file$sfx");
    }
}

sub _error_log_data {
    sleep $Sleep * 3;    # log-phase messages come after the response
    my @lines = splice @ExtraLogLines;
    open my $in, '<', $ErrLogFile or return \@lines;
    seek $in, $ErrLogPos, 0 if !$CheckAccumErrLog && $ErrLogPos;
    push @lines, <$in>;
    $ErrLogPos = tell $in unless $CheckAccumErrLog;
    close $in;
    return \@lines;
}

sub _check_error_log {
    my ($block, $rep, $need_array, $quiet_all) = @_;
    my $name = $block->name;
    my $lines;
    my $sfx = " (req $rep)";

    my %quiet = $quiet_all ? (alert => 1, crit => 1, emerg => 1) : ();
    if (defined(my $grep = $block->grep_error_log)) {
        $lines ||= _error_log_data();
        _check_grep_error_log($block, $grep, $lines, $rep, $sfx);
    } elsif (defined $block->grep_error_log_out) {
        bail_out("$name - No --- grep_error_log defined but --- grep_error_log_out is defined");
    }
    for my $sec (qw(error_log no_error_log)) {
        my $pats = $block->$sec;
        next unless defined $pats;
        for my $lvl (qw(alert crit emerg)) { $quiet{$lvl} = 1 if _value_contains($pats, "[$lvl") }
        $lines ||= _error_log_data();
        if ($sec eq 'error_log') { _check_present($name, 'error.log', $pats, $lines, $sfx) }
        else                     { _check_absent($name, 'error.log', $pats, $lines, $sfx) }
    }
    $lines ||= _error_log_data();
    for my $line (@$lines) {
        for my $lvl (qw(alert crit emerg)) {
            warn "WARNING: $name - " . _fmt($line) . "\n" if !$quiet{$lvl} && $line =~ /\[$lvl\]/;
        }
        if ($line =~ /\bAssertion .*?failed\b/) {
            chomp(my $l = $line);
            Test::More::fail("$name - $l");
        }
    }
}

# grep_error_log: what the pattern (a string, or a regex through eval)
# matches in each line, one match a line, joined with newlines, against
# grep_error_log_out (a string, with $TEST_NGINX_* expanded, or a regex);
# either may be an array indexed by the repetition (repeat_each).
sub _check_grep_error_log {
    my ($block, $grep, $lines, $rep, $sfx) = @_;
    my $name = $block->name;
    my $exp = $block->grep_error_log_out;
    bail_out("$name - No --- grep_error_log_out defined but --- grep_error_log is defined")
        unless defined $exp;
    $grep = $grep->[$rep] if ref $grep eq 'ARRAY';
    $exp = $exp->[$rep] if ref $exp eq 'ARRAY';
    $exp = _expand_env($exp, {}) unless ref $exp;
    my $out = '';
    for my $line (@$lines) {
        my $m;
        if (ref $grep eq 'Regexp') { $m = $& if $line =~ $grep }
        elsif (index($line, $grep) >= 0) { $m = $grep }
        $out .= "$m\n" if defined $m && $m !~ /\n/;
    }
    if (ref $exp eq 'Regexp') {
        Test::More::like($out, $exp, "$name - grep_error_log_out$sfx");
    } else {
        _is_string($out, $exp, "$name - grep_error_log_out$sfx");
    }
}

# After nginx has been stopped: the lines logged since the last check.
sub _check_shutdown_error_log {
    my $block = shift;
    my $lines = _error_log_data();
    _check_absent($block->name, 'error.log', $block->no_shutdown_error_log, $lines, '')
        if defined $block->no_shutdown_error_log;
    _check_present($block->name, 'error.log', $block->shutdown_error_log, $lines, '');
    for my $line (@$lines) {
        next unless $line =~ /\bAssertion .*? failed\.$/;
        chomp(my $l = $line);
        Test::More::fail($block->name . " - $l");
    }
}

sub _tail {
    my ($file, $n) = @_;
    open my $in, '<', $file or return "(no $file)\n";
    my @l = <$in>;
    close $in;
    return join '', @l[(@l > $n ? @l - $n : 0) .. $#l];
}

1;
