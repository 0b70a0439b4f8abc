package FaultStack;

# What the fault scripts of t/faults/ share: the real nginx (Debian's
# /usr/sbin/nginx loading build/nginx/ngx_http_elaaoms_module.so) as a
# daemon with its own configuration, load from forked clients (signed
# post-calls with unique conversations and distinct callers, client-data
# and search-memory pairs), and the checks that count what became of each
# post-call.  Redis, the worker and the fake LLM come from ElaaomsTest.

use strict;
use warnings;

use Exporter ();
our @ISA = ('Exporter');
our @EXPORT = qw(stack_init nginx_start nginx_reload nginx_stop nginx_port
                 nginx_master nginx_error_lines transcript send_load
                 collect_load redis_many conv_states summary_line
                 check_memories alive extractions wait_extracted
                 baseline_memories account fake_llm_conf fake_url
                 nginx_log);

use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP ();
use POSIX ();
use Time::HiRes qw(sleep time);
use ElaaomsTest;

our $ORG = 'faults';
our $SECRET = 'faults-signing';
our $TOOL_SECRET = 'faults-tools';

my $main_pid = $$;
my $tmp;
my $port;
my %load_pids;              # sender pid => 1, until collected

# a folder for nginx and the load's results; Redis and the payload
# directory come from ElaaomsTest (payload_dir() by default)
sub stack_init {
    my (%o) = @_;
    die "build first: make all\n"
        unless -f repo_root() . '/build/nginx/ngx_http_elaaoms_module.so'
            && -x repo_root() . '/build/elaaoms-worker';
    $tmp = tempdir('elaaoms-faults-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    mkdir "$tmp/$_" for qw(conf logs load);
    # a root master runs its workers as nobody: the payloads must be in reach
    chmod 0711, $tmp;
    chmod 0777, payload_dir();
    $| = 1;
    $SIG{$_} = sub { die "stopped by a signal\n" } for qw(INT TERM HUP);
    return $tmp;
}

sub nginx_port { $port }

sub _write {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!";
    print $fh $text;
    close $fh or die "$path: $!";
}

# the daemon's configuration: post-call, client-data, search-memory and
# /health for organization "faults"; %o: payload_dir, workers,
# redis_timeout, log_level (notice)
sub _conf {
    my (%o) = @_;
    my $module = repo_root() . '/build/nginx/ngx_http_elaaoms_module.so';
    my $redis = redis_port();
    my $payloads = $o{payload_dir} || payload_dir();
    my $workers = $o{workers} || 2;
    my $rto = $o{redis_timeout} || '1s';
    my $level = $o{log_level} || 'notice';
    return <<"END";
load_module $module;
worker_processes $workers;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log $level;
events { worker_connections 1024; }
http {
    access_log $tmp/logs/access.log;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    elaaoms_redis 127.0.0.1:$redis;
    elaaoms_redis_timeout $rto;
    elaaoms_org $ORG;
    elaaoms_payload_dir $payloads;
    client_max_body_size 4m;
    server {
        listen 127.0.0.1:$port;
        location = /health { elaaoms_health; }
        location = /webhook/post-call {
            elaaoms_signature_secret $SECRET;
            elaaoms_webhook post_call;
        }
        location = /webhook/client-data {
            elaaoms_shared_secret X-Elaaoms-Secret $TOOL_SECRET;
            elaaoms_webhook client_data;
        }
        location = /webhook/search-memory {
            elaaoms_shared_secret X-Elaaoms-Secret $TOOL_SECRET;
            elaaoms_webhook search_memory;
        }
    }
}
END
}

sub nginx_master {
    open my $fh, '<', "$tmp/nginx.pid" or return undef;
    my $pid = <$fh>;
    close $fh;
    return defined $pid && $pid =~ /^(\d+)/ ? $1 : undef;
}

# running (a daemon's zombie may linger unreaped)
sub alive {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return 0;
    my $stat = <$fh> // '';
    return $stat !~ /^\d+ \(.*\) [ZX] /;
}

sub _children_of {
    my ($parent) = @_;
    my @kids;
    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $s = <$fh> // '';
        close $fh;
        push @kids, $1 if $s =~ /^(\d+) \(.*\) \S+ (\d+) / && $2 == $parent;
    }
    return @kids;
}

sub _listening {
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                 PeerPort => $port);
}

sub nginx_start {
    my (%o) = @_;
    $port ||= $ENV{TEST_NGINX_PORT} || free_port();
    die "port $port is taken\n" if _listening();
    _write("$tmp/conf/nginx.conf", _conf(%o));
    system('/usr/sbin/nginx', '-p', $tmp, '-c', "$tmp/conf/nginx.conf",
           '-e', "$tmp/logs/error.log") == 0 or die "nginx did not start\n";
    wait_until(sub { _listening() }, 5) or die "nginx does not listen\n";
    return $port;
}

# HUP to the master: new workers with the configuration read again, the
# old ones finish their requests
sub nginx_reload {
    my $pid = nginx_master() or die "nginx is not running\n";
    kill 'HUP', $pid or die "HUP $pid: $!\n";
}

# a graceful stop, then a fast one, then KILL for the master and workers
sub nginx_stop {
    my $pid = nginx_master() or return;
    my @pids = ($pid, _children_of($pid));
    for my $sig (qw(QUIT TERM KILL)) {
        kill $sig, grep { alive($_) } @pids;
        last if wait_until(sub { !grep { alive($_) } @pids }, 5);
    }
    unlink "$tmp/nginx.pid";
}

# nginx's whole error log
sub nginx_log {
    open my $fh, '<', "$tmp/logs/error.log" or return '';
    local $/;
    return <$fh> // '';
}

# nginx's error-log lines at error level or worse ([alert], [crit], [emerg])
sub nginx_error_lines {
    open my $fh, '<', "$tmp/logs/error.log" or return ();
    return grep { /\[(error|crit|alert|emerg)\]/ } <$fh>;
}

# a post_call_transcription of $conv by $caller; the caller's lines give
# the offline extractor several memories of every kind
my $json = JSON::PP->new->canonical;
sub transcript {
    my ($conv, $caller, $ts, $pad) = @_;
    my @lines = (
        'Hi, this is Maria Lopez. I am calling about my order, it was '
        . 'supposed to arrive on Monday.',
        'Yes, it is XYZ-789. Two bags of espresso beans and a grinder.',
        'That is really frustrating, this is the second time this '
        . 'happened.',
        'I prefer emails over phone calls, I am a nurse and work night '
        . 'shifts.',
        'Thank you, that helps a lot.');
    my @turns = ({ role => 'agent', message => 'Hi, how can I help?',
                   time_in_call_secs => 0 });
    my $t = 1;
    for (@lines) {
        push @turns, { role => 'user', message => $_,
                       time_in_call_secs => $t++ },
                     { role => 'agent', message => 'I see, thank you.',
                       time_in_call_secs => $t++ };
    }
    # $pad: about that many more bytes, the agent reading out terms
    for (my $n = 0; $pad && $n < $pad; $n += 60) {
        push @turns, { role => 'agent', time_in_call_secs => $t++,
            message => 'These are the terms and conditions of the plan.' };
    }
    return $json->encode({
        type => 'post_call_transcription',
        event_timestamp => $ts || int(time()),
        data => { agent_id => 'agent_faults', conversation_id => $conv,
                  status => 'done', transcript => \@turns,
                  metadata => { phone_call => { direction => 'inbound',
                      type => 'twilio', agent_number => '+18005550100',
                      external_number => $caller } } } });
}

# One sender's requests: post-calls (kind "post") or client-data then
# search-memory (kind "tools"), one line of results each in $out:
# "kind id status elapsed caller length answer"; $o->{pad}: post-call
# bodies that many bytes larger.  A request's failure to connect is
# status 599 (HTTP::Tiny), which counts as a failed request.
sub _sender {
    my ($o, $slot, $out) = @_;
    # keep_alive 0: a connection per request, so that nginx closing an
    # idle keep-alive connection (a reload does) cannot race a request
    my $http = HTTP::Tiny->new(timeout => $o->{timeout} || 30,
                               keep_alive => $o->{keep_alive} // 1);
    open my $fh, '>', $out or die "$out: $!";
    $fh->autoflush(1);
    my $base = "http://127.0.0.1:$port";
    my $t0 = time;
    my $i = 0;
    for (my $k = $slot; ; $k += $o->{clients}) {
        last if defined $o->{count} && $k >= $o->{count};
        last if defined $o->{seconds} && time - $t0 >= $o->{seconds};
        last if defined $o->{stop_file} && -e $o->{stop_file};
        if ($o->{rate}) {
            # each client's share of the rate, on a fixed schedule
            my $due = $t0 + $i * $o->{clients} / $o->{rate};
            sleep($due - time) if $due > time;
        }
        $i++;
        my $n = ($o->{first} || 0) + $k;
        my $id = sprintf('%s_%06d', $o->{prefix}, $n);
        my $start = time;
        if ($o->{kind} eq 'post') {
            my $caller = $o->{caller}
                         || sprintf('+1%03d555%04d', 200 + int($n / 10000),
                                    $n % 10000);
            my $body = transcript($id, $caller, undef, $o->{pad});
            my $res = $http->post("$base/webhook/post-call", {
                headers => { 'ElevenLabs-Signature' =>
                                 sign_header($SECRET, $body),
                             'Content-Type' => 'application/json' },
                content => $body });
            (my $c = $res->{content} // '') =~ s/\s+/ /g;
            printf $fh "post %s %d %.4f %s %d %s\n", $id, $res->{status},
                time - $start, $caller, length $body, $c;
        } else {
            my $caller = $o->{tools_caller}
                         || sprintf('+1303555%04d', $n % 10000);
            my $sid = "CA$id";
            my %h = (headers => { 'X-Elaaoms-Secret' => $TOOL_SECRET,
                                  'Content-Type' => 'application/json' });
            my $res = $http->post("$base/webhook/client-data", { %h,
                content => qq({"caller_id":"$caller","agent_id":"agent_faults",)
                    . qq("called_number":"+18005550100","call_sid":"$sid"}) });
            (my $c = $res->{content} // '') =~ s/\s+/ /g;
            printf $fh "client-data %s %d %.4f - 0 %s\n", $id,
                $res->{status}, time - $start, $c;
            $start = time;
            $res = $http->post("$base/webhook/search-memory", { %h,
                content => qq({"query":"what was my last order?",)
                    . qq("caller_id":"$caller","agent_id":"agent_faults",)
                    . qq("call_sid":"$sid"}) });
            ($c = $res->{content} // '') =~ s/\s+/ /g;
            printf $fh "search-memory %s %d %.4f - 0 %s\n", $id,
                $res->{status}, time - $start, $c;
        }
    }
    close $fh;
}

# Starts $o{clients} forked senders of kind "post" or "tools"; they stop
# after $o{count} requests in all, after $o{seconds}, or when
# $o{stop_file} exists; $o{rate}: requests (pairs for "tools") a second
# in all; $o{keep_alive} (default 1); $o{caller}: one caller for every
# post-call (default one each); $o{tools_caller}: the caller the
# tools ask about (default one each, unknown).  Returns a handle for
# collect_load().
my $load_no = 0;
sub send_load {
    my (%o) = @_;
    $o{clients} ||= 4;
    $o{prefix} ||= 'conv';
    my $tag = ++$load_no;
    my @files;
    for my $slot (0 .. $o{clients} - 1) {
        my $out = "$tmp/load/$tag.$slot";
        push @files, $out;
        my $pid = fork() // die "fork: $!";
        if ($pid == 0) {
            # the child must never return into the script
            $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP);
            eval { _sender(\%o, $slot, $out) };
            print STDERR "sender: $@" if $@;
            POSIX::_exit($@ ? 1 : 0);
        }
        $load_pids{$pid} = 1;
    }
    return { files => \@files, pids => [ grep { $load_pids{$_} }
                                         keys %load_pids ] };
}

# waits for the senders; a list of { kind, id, status, secs, caller, len
# (of the body sent), body (of the answer) }
sub collect_load {
    my ($h) = @_;
    for my $pid (@{ $h->{pids} }) {
        next unless $load_pids{$pid};
        waitpid $pid, 0;
        die "a sender failed\n" if $?;
        delete $load_pids{$pid};
    }
    my @res;
    for my $f (@{ $h->{files} }) {
        open my $fh, '<', $f or next;
        while (<$fh>) {
            chomp;
            my ($kind, $id, $status, $secs, $caller, $len, $body)
                = split / /, $_, 7;
            push @res, { kind => $kind, id => $id, status => $status,
                         secs => $secs, caller => $caller, len => $len,
                         body => $body // '' };
        }
    }
    return @res;
}

# Many Redis commands through one redis-cli (raw output, one reply a line;
# the arguments must hold no spaces or newlines).
sub redis_many {
    my (@cmds) = @_;
    return () unless @cmds;
    my $in = File::Temp->new;
    print $in join(' ', @$_), "\n" for @cmds;
    close $in;
    open my $fh, '-|', 'redis-cli -h 127.0.0.1 -p ' . redis_port()
        . ' < ' . $in->filename or die "redis-cli: $!";
    my @out = <$fh>;
    close $fh;
    chomp @out;
    die "redis-cli: " . scalar(@out) . " replies to " . scalar(@cmds)
        . " commands\n" unless @out == @cmds;
    return @out;
}

# the status of each conversation: { conv => status or '' }
sub conv_states {
    my (@convs) = @_;
    my @st = redis_many(map { ['HGET', "elaaoms:{$ORG}:conversation:$_",
                               'status'] } @convs);
    my %s;
    @s{@convs} = @st;
    return \%s;
}

# Each caller's memories against the count one clean extraction of the
# same transcript gives ($expect): [callers with fewer, callers with more
# or with a memory reinforced (a replay counted twice)].
sub check_memories {
    my ($expect, @callers) = @_;
    my ($lost, $dup) = (0, 0);
    for my $c (@callers) {
        my @m = worker_cli('memories', $ORG, $c);
        if (@m < $expect) {
            $lost++;
            print STDERR "caller $c: ", scalar(@m), " memories, ",
                "$expect expected\n";
        } elsif (@m > $expect || grep { $_->{reinforcement_count} } @m) {
            $dup++;
            print STDERR "caller $c: ", scalar(@m), " memories, reinforced ",
                join(',', map { $_->{reinforcement_count} } @m), "\n";
        }
    }
    return ($lost, $dup);
}

# the org's extractions so far (the usage hash the worker's completion
# increments in the same MULTI as the status)
sub extractions {
    my ($n) = redis_many(['HGET', "elaaoms:{$ORG}:usage", 'extractions']);
    return $n =~ /^\d+$/ ? $n : 0;
}

# waits until no conversation of @convs is pending; true when all are
# extraction_completed
sub wait_extracted {
    my ($secs, @convs) = @_;
    return wait_until(sub {
        my $s = conv_states(@convs);
        !grep { $_ ne 'extraction_completed' } values %$s;
    }, $secs);
}

# One clean extraction before the fault: how many memories one transcript
# gives (each caller must end with exactly that many).
our $BASE_CALLER = '+19995550000';
sub baseline_memories {
    my $conv = 'conv_baseline';
    my $caller = $BASE_CALLER;
    my $res = post_webhook($port, '/webhook/post-call', $SECRET,
                           transcript($conv, $caller));
    die "baseline post-call: $res->{status} $res->{content}\n"
        unless $res->{status} == 200;
    wait_extracted(20, $conv) or die "the baseline was not extracted\n";
    my @m = worker_cli('memories', $ORG, $caller);
    die "the baseline transcript gave no memory\n" unless @m;
    return scalar @m;
}

# What became of the post-calls of @res (collect_load's results): counts
# for summary_line.  $o{base}: memories one transcript gives (0: no
# memory check); $o{usage_before}: extractions before the load.
sub account {
    my ($o, @res) = @_;
    my @posts = grep { $_->{kind} eq 'post' } @res;
    my @ok = grep { $_->{status} == 200 } @posts;
    # every post-call sent: one that failed may have been stored anyway
    my $st = conv_states(map { $_->{id} } @posts);
    my @done_all = grep { $st->{$_->{id}} eq 'extraction_completed' } @posts;
    my @done = grep { $_->{status} == 200 } @done_all;
    my %c = (sent => scalar @posts, accepted => scalar @ok,
             extracted => scalar @done);
    $c{lost} = @ok - @done;
    $c{unanswered_extracted} = @done_all - @done if @done_all > @done;
    for (grep { $st->{$_->{id}} ne 'extraction_completed' } @ok) {
        print STDERR "not extracted: $_->{id} ($st->{$_->{id}})\n";
    }
    my $counted = extractions() - ($o->{usage_before} || 0);
    $c{duplicated} = $counted > @done_all ? $counted - @done_all : 0;
    print STDERR "extractions counted $counted for ", scalar @done_all,
        " conversations\n" if $counted != @done_all;
    if ($o->{base}) {
        my ($lost, $dup) = check_memories($o->{base},
                                          map { $_->{caller} } @done_all);
        $c{lost} += $lost;
        $c{duplicated} += $dup;
        $c{memories_short} = $lost;
        $c{memories_doubled} = $dup;
    }
    # nothing may stay queued, in flight, delayed or failed
    my @lists = map { "elaaoms:{$ORG}:jobs:$_" } qw(ready failed invalid);
    my $in_flight = q{"local n = 0 }
        . q{for _, k in ipairs(redis.call('KEYS', ARGV[1])) do }
        . q{n = n + redis.call('LLEN', k) end return n"};
    my @n = redis_many((map { ['LLEN', $_] } @lists),
                       ['ZCARD', "elaaoms:{$ORG}:jobs:delayed"],
                       ['EVAL', $in_flight, 0,
                        "elaaoms:{$ORG}:jobs:processing:*"]);
    $c{stranded} = 0;
    $c{stranded} += $_ =~ /^\d+$/ ? $_ : 0 for @n;
    my @names = (qw(ready failed invalid delayed), 'processing:*');
    for my $i (0 .. $#n) {
        print STDERR "jobs:$names[$i] holds $n[$i]\n" if $n[$i];
    }
    return %c;
}

# The worker's settings for an extraction by OpenAI's wire format at the
# fake server (t/fakes/fake_llm.py, started here once), answering every
# request after $latency_ms: a job takes the time a real call would.
my $fake;
sub fake_llm_conf {
    my ($latency_ms) = @_;
    $fake ||= fake_start('--latency-ms', $latency_ms || 0);
    return (llm_provider => 'openai', openai_base_url => $fake,
            openai_api_key => 'sk-test', llm_fallback => 0,
            llm_first_message => 0, llm_timeout_ms => 10000);
}

sub fake_url { $fake }

sub summary_line {
    my (%c) = @_;
    my @keys = qw(sent accepted extracted duplicated lost);
    my %seen = map { $_ => 1 } @keys;
    my @extra = grep { !$seen{$_} } sort keys %c;
    return join(' ', map { "$_ " . ($c{$_} // 0) } @keys, @extra) . "\n";
}

END {
    if ($$ == $main_pid) {
        local $?;
        for my $pid (keys %load_pids) {
            kill 'TERM', $pid;
            waitpid $pid, 0;
        }
        nginx_stop() if $tmp;
    }
}

1;
