#!/usr/bin/perl
# The recall benchmark ("make eval", "make eval-tune"): a labelled set of
# calls and questions (bench/eval/data/<half>.json, described in its
# README) played through the product's public webhooks, the way a new
# user's "make run" runs it: a private redis-server, elaaoms-worker with the
# example configuration and no LLM key (the offline extractor and
# embedder), nginx with the module and conf/nginx.conf.
#
# For each half: every call in time order is started the way ElevenLabs
# starts one (client-data, whose answer is the pre-call figure), then sent
# as a signed post_call_transcription, and its extraction awaited; then
# every question is asked through search-memory in a call of its asking
# agent (client-data first).  Prints, per half:
#
#   <half> recall@5 <x>   questions answered in the top 5 (an update's new
#                         value ranked above its stale one)
#   <half> mrr <x>        mean reciprocal rank of the first right answer
#   <half> leaks <n>      answers holding another caller's facts (the same
#                         number in another organization included)
#   <half> precall <x>    pre-call answers of known callers naming them or
#                         their most important fact
#
# Usage: perl bench/eval.pl [--half tune|heldout]... [--verbose] [--keep]
#            [--flow direct|bound] [--port N] [--redis-port N]
#            [--min-recall X] [--min-precall Y] [--max-leaks N]
# --verbose lists every question's outcome on stderr (failures with whether
# the answer was below the threshold, stored out of the agent's view or
# never stored); --classes prints only counts (misses by cause, questions by
# type and tag), no question or answer text: what to look at on the held-out
# half without tuning on its cases; --keep leaves the run's directory.
# --hold keeps the half's processes up after it (tuning half: to look at
# its store) until the file it names is removed.
# Exit: 0, or 1 when a half is below a floor, 2 when the harness failed.

use strict;
use warnings;
use FindBin;
use Getopt::Long;
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use IO::Socket::INET;
use JSON::PP ();
use HTTP::Tiny;
use Digest::SHA qw(hmac_sha256_hex sha1_hex);
use POSIX ();
use Time::Local qw(timegm);
use Time::HiRes qw(sleep time);

my $ROOT = "$FindBin::Bin/..";
my $DATA = "$ROOT/bench/eval/data";
my $SECRET = 'elaaoms-dev-secret';      # what "make run" uses by default
my $TOOL_SECRET = 'elaaoms-dev-tool-secret';  # the tools' header, likewise
my $JSON = JSON::PP->new->canonical->utf8;

my (@halves, $verbose, $classes, $flow, $port, $redis_port, $min_recall,
    $min_precall, $max_leaks, $keep, $memories, $threshold, $hold);
$flow = 'bound';
GetOptions('half=s' => \@halves, 'verbose|v' => \$verbose,
           'classes' => \$classes,
           'flow=s' => \$flow, 'port=i' => \$port,
           'redis-port=i' => \$redis_port, 'min-recall=f' => \$min_recall,
           'min-precall=f' => \$min_precall, 'max-leaks=i' => \$max_leaks,
           'keep' => \$keep, 'memories' => \$memories,
           'threshold=f' => \$threshold, 'hold' => \$hold)
    or usage();
@halves = qw(tune heldout) unless @halves;
$flow =~ /^(direct|bound)$/ or usage();

sub usage {
    print STDERR "usage: $0 [--half tune|heldout]... [--verbose] "
        . "[--keep] [--flow direct|bound] [--port N] [--redis-port N] "
        . "[--min-recall X] [--min-precall Y] [--max-leaks N]\n";
    exit 2;
}

# --- the processes of one half ------------------------------------------------

my %proc;           # what this run started: redis pid file, worker pid, nginx

sub stop_all {
    if ($proc{nginx_pid_file} && open my $fh, '<', $proc{nginx_pid_file}) {
        my $pid = <$fh>;
        close $fh;
        if (defined $pid && $pid =~ /^(\d+)/) {
            my $p = $1;
            kill 'QUIT', $p;
            for (1 .. 200) { last unless kill 0, $p; sleep 0.025; }
        }
    }
    if ($proc{worker_pid}) {
        kill 'TERM', $proc{worker_pid};
        waitpid $proc{worker_pid}, 0;
    }
    if ($proc{redis_pid_file} && open my $fh, '<', $proc{redis_pid_file}) {
        my $pid = <$fh>;
        close $fh;
        if (defined $pid && $pid =~ /^(\d+)/) {
            my $p = $1;
            kill 'TERM', $p;
            for (1 .. 400) { last unless kill 0, $p; sleep 0.025; }
        }
    }
    %proc = ();
}

END { local $?; stop_all(); }
$SIG{INT} = $SIG{TERM} = sub { die "interrupted\n" };

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                  LocalPort => 0, Proto => 'tcp')
        or die "no free port: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub port_busy {
    my ($p) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $p);
    close $s if $s;
    return $s ? 1 : 0;
}

sub wait_for {
    my ($what, $secs, $cond) = @_;
    my $deadline = time + $secs;
    while (time < $deadline) {
        my $v = $cond->();
        return $v if $v;
        sleep 0.01;
    }
    my $v = $cond->();
    return $v if $v;
    die "timed out waiting for $what\n";
}

# the @...@ values of conf/*.conf, as scripts/run.sh fills them in
sub render {
    my ($src, $vars) = @_;
    open my $fh, '<', $src or die "$src: $!\n";
    local $/;
    my $text = <$fh>;
    close $fh;
    $text =~ s/\@([A-Z_]+)\@/exists $vars->{$1} ? $vars->{$1}
                                    : die "$src: \@$1\@ unknown\n"/ge;
    return $text;
}

sub write_file {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "$path: $!\n";
    print $fh $text;
    close $fh or die "$path: $!\n";
}

# Redis, the worker and nginx for one half, configured like "make run":
# conf/elaaoms-worker.conf and conf/nginx.conf rendered as scripts/run.sh
# does, with this run's ports and directories; the locations of the
# default organization are copied once per other organization under
# /<org>/, with their elaaoms_org.
sub start_stack {
    my ($orgs) = @_;
    my $tmp = tempdir('elaaoms-eval-XXXXXX', TMPDIR => 1, CLEANUP => !$keep);
    make_path(map { "$tmp/$_" } qw(logs tmp redis payloads conf run));
    my $nport = $port || ($ENV{TEST_NGINX_PORT} || free_port());
    my $rport = $redis_port
        || ($port || $ENV{TEST_NGINX_PORT} ? $nport + 1 : free_port());
    die "port $_ is in use\n" for grep { port_busy($_) } $nport, $rport;

    my $user = '';
    if ($> == 0) {
        # nginx workers run as nobody, like "make run"'s
        chmod 0755, $tmp;
        chown scalar(getpwnam('nobody')), -1, "$tmp/payloads";
        $user = 'nobody ' . (getgrnam('nogroup') ? 'nogroup' : 'nobody');
    }

    $proc{redis_pid_file} = "$tmp/redis.pid";
    system('redis-server', '--port', $rport, '--bind', '127.0.0.1',
           '--dir', "$tmp/redis", '--save', '', '--appendonly', 'no',
           '--daemonize', 'yes', '--pidfile', "$tmp/redis.pid",
           '--logfile', "$tmp/logs/redis.log") == 0
        or die "redis-server did not start\n";
    my $redis = wait_for('redis-server', 10, sub {
        my $r = Redis->new($rport);
        $r && ($r->cmd('PING') // '') eq 'PONG' ? $r : undef;
    });

    my %vars = (MODULE => "$ROOT/build/nginx/ngx_http_elaaoms_module.so",
                PREFIX => $tmp, USER => $user, REDIS_PORT => $rport,
                PAYLOAD_DIR => "$tmp/payloads", WEBHOOK_SECRET => $SECRET,
                TOOL_SECRET => $TOOL_SECRET);

    write_file("$tmp/conf/elaaoms-worker.conf",
               render("$ROOT/conf/elaaoms-worker.conf", \%vars));
    # no key of the environment reaches the worker: the embedded default
    delete local @ENV{qw(OPENAI_API_KEY ANTHROPIC_API_KEY
                         ELEVENLABS_API_KEY)};
    my $pid = fork();
    die "fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>>', "$tmp/logs/worker.out";
        open STDERR, '>&', \*STDOUT;
        { exec "$ROOT/build/elaaoms-worker", '--config',
               "$tmp/conf/elaaoms-worker.conf"; }
        POSIX::_exit(127);
    }
    $proc{worker_pid} = $pid;

    my $conf = render("$ROOT/conf/nginx.conf", \%vars);
    $conf =~ s/^\s*user\s+;\s*\n//m;
    $conf =~ s/listen\s+127\.0\.0\.1:8080;/listen 127.0.0.1:$nport;/
        or die "conf/nginx.conf: no \"listen 127.0.0.1:8080\"\n";
    my @blocks = $conf
        =~ /(\n[ \t]*location = \/webhook\/[a-z_-]+ \{.*?\n[ \t]*\})/sg;
    @blocks == 3 or die "conf/nginx.conf: expected 3 webhook locations\n";
    my $extra = '';
    for my $org (grep { $_ ne 'default' } @$orgs) {
        for my $b (@blocks) {
            (my $c = $b) =~ s{location = /webhook/}{location = /$org/webhook/};
            $c =~ s/\{/{\n            elaaoms_org $org;/;
            $extra .= $c;
        }
    }
    $conf =~ s/\Q$blocks[-1]\E/$blocks[-1]$extra/;
    write_file("$tmp/conf/nginx.conf", $conf);
    $proc{nginx_pid_file} = "$tmp/nginx.pid";
    system('/usr/sbin/nginx', '-p', $tmp, '-c', "$tmp/conf/nginx.conf",
           '-e', "$tmp/logs/error.log") == 0
        or die "nginx did not start (see $tmp/logs/error.log)\n";
    wait_for('nginx', 10, sub { port_busy($nport) });
    wait_for('the worker heartbeat', 15,
             sub { $redis->cmd('GET', 'elaaoms:worker:heartbeat') });
    return { tmp => $tmp, port => $nport, redis => $redis,
             redis_port => $rport };
}

# --- HTTP: the three public webhooks ------------------------------------------

my $http = HTTP::Tiny->new(timeout => 10, keep_alive => 1);

sub url {
    my ($st, $org, $hook) = @_;
    my $prefix = $org eq 'default' ? '' : "/$org";
    return "http://127.0.0.1:$st->{port}$prefix/webhook/$hook";
}

sub post_json {
    my ($url, $body, $headers) = @_;
    my $res = $http->post($url, { content => $body, headers => {
        'Content-Type' => 'application/json', %$headers } });
    die "POST $url: $res->{status} $res->{content}\n"
        unless $res->{status} == 200;
    return JSON::PP::decode_json($res->{content});
}

# the Twilio call id of a conversation (the tool reads system__call_sid)
sub call_sid { 'CA' . substr(sha1_hex($_[0]), 0, 30) }

# ElevenLabs starts a call: client-data with the caller, the agent and the
# call; with the bound flow the call's conversation id binds later searches
# to this caller.  Returns the decoded answer.
sub start_call {
    my ($st, $org, $caller, $agent, $conversation_id) = @_;
    my %req = (caller_id => $caller, agent_id => $agent,
               called_number => '+18005550100',
               call_sid => call_sid($conversation_id));
    $req{conversation_id} = $conversation_id if $flow eq 'bound';
    return post_json(url($st, $org, 'client-data'), $JSON->encode(\%req),
                     { 'X-Elaaoms-Secret' => $TOOL_SECRET });
}

# The agent's memory-search tool during that call: by the call's id
# (bound flow, the product's default: the caller comes from client-data's
# binding), or by caller_id for a location with elaaoms_search_binding off.
sub search {
    my ($st, $org, $caller, $agent, $conversation_id, $query, %extra) = @_;
    my %req = (query => $query, agent_id => $agent,
               defined $threshold ? (threshold => $threshold) : (), %extra);
    if ($flow eq 'bound') {
        $req{call_sid} = call_sid($conversation_id);
    } else {
        $req{caller_id} = $caller;
    }
    return post_json(url($st, $org, 'search-memory'), $JSON->encode(\%req),
                     { 'X-Elaaoms-Secret' => $TOOL_SECRET });
}

# the signed post_call_transcription of a call, shaped like ElevenLabs'
sub post_call {
    my ($st, $org, $env) = @_;
    my $body = $JSON->encode($env);
    my $t = int(time);
    my $res = post_json(url($st, $org, 'post-call'), $body,
        { 'ElevenLabs-Signature' => "t=$t,v0="
              . hmac_sha256_hex("$t.$body", $SECRET) });
    die "post-call $env->{data}{conversation_id} not queued: "
        . $JSON->encode($res) . "\n"
        unless ($res->{status} // '') eq 'accepted' && $res->{queued};
    return $res;
}

# --- the labelled set ---------------------------------------------------------

sub iso_time {
    my ($s) = @_;
    $s =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?Z$/
        or die "bad time \"$s\" (want YYYY-MM-DDTHH:MMZ)\n";
    return timegm($6 // 0, $5, $4, $3, $2 - 1, $1);
}

sub lc_has { index(lc $_[0], lc $_[1]) >= 0 }

# does text hold every string of one of the alternative sets?
sub matches {
    my ($text, $alts) = @_;
    for my $set (@{ $alts || [] }) {
        return 1 unless grep { !lc_has($text, $_) } @$set;
    }
    return 0;
}

sub load_half {
    my ($half) = @_;
    my $path = "$DATA/$half.json";
    open my $fh, '<', $path or die "$path: $!\n";
    local $/;
    my $d = JSON::PP->new->relaxed->decode(<$fh>);
    close $fh;
    my (%callers, %agents_of_org, @problems);
    for my $c (@{ $d->{callers} }) {
        $c->{org} //= 'default';
        $c->{org} =~ /^[A-Za-z0-9_-]{1,64}$/ or push @problems, "org $c->{org}";
        $c->{phone} =~ /^\+\d{8,15}$/ or push @problems, "phone $c->{phone}";
        $c->{key} = "$c->{org}|$c->{phone}";
        push @problems, "caller $c->{id} twice" if $callers{ $c->{id} };
        $callers{ $c->{id} } = $c;
        $c->{calls} = [];
    }
    my %seen_conv;
    for my $call (@{ $d->{calls} }) {
        my $c = $callers{ $call->{caller} }
            or push(@problems, "call $call->{id}: no caller $call->{caller}"),
               next;
        $call->{id} =~ /^conv_[a-z0-9_]+$/ or push @problems, "id $call->{id}";
        push @problems, "call $call->{id} twice" if $seen_conv{ $call->{id} }++;
        $call->{t} = iso_time($call->{at});
        $call->{text} = join "\n", map { $_->[1] } @{ $call->{turns} };
        $agents_of_org{ $c->{org} }{ $call->{agent} } = 1;
        for my $turn (@{ $call->{turns} }) {
            $turn->[0] =~ /^[au]$/
                or push @problems, "$call->{id}: role $turn->[0]";
        }
        push @{ $c->{calls} }, $call;
    }
    my @calls = sort { $a->{t} <=> $b->{t} || $a->{id} cmp $b->{id} }
                @{ $d->{calls} };
    for my $c (values %callers) {
        $c->{text} = join "\n", map { $_->{text} } @{ $c->{calls} };
        $c->{agents} = { map { $_->{agent} => 1 } @{ $c->{calls} } };
        for my $s (@{ $c->{distinct} || [] }) {
            push @problems, "caller $c->{id}: distinct \"$s\" never said"
                unless lc_has($c->{text}, $s);
        }
        for my $p (@{ $c->{precall} || [] }) {
            push @problems, "caller $c->{id}: precall why $p->{why}"
                unless ($p->{why} // '') =~ /^(own|identity|health|important)$/;
        }
    }
    my %types;
    for my $q (@{ $d->{questions} }) {
        my $c = $callers{ $q->{caller} }
            or push(@problems, "question \"$q->{q}\": no caller"), next;
        my $where = "question \"$q->{q}\" ($q->{caller})";
        $types{ $q->{type} // '' }++ if @{ $q->{expect} || [] };
        ($q->{why} // '') =~ /^(own|identity|health|important)$/
            or push @problems, "$where: why";
        # "own": the asking agent heard the answer in one of its calls; the
        # other reasons: only other agents did (the product's sharing)
        if (@{ $q->{expect} || [] }) {
            my $heard = join "\n", map { $_->{text} }
                        grep { $_->{agent} eq $q->{agent} } @{ $c->{calls} };
            my $own = matches($heard, $q->{expect});
            push @problems, "$where: why $q->{why}, but $q->{agent} "
                . ($own ? 'heard' : 'never heard') . ' the answer'
                if $own != ($q->{why} eq 'own');
        }
        # one alternative at least was said (the others may be synonyms a
        # memory could use)
        for my $f (qw(expect stale not)) {
            push @problems, "$where: no \"$f\" alternative was said"
                if @{ $q->{$f} || [] } && !matches($c->{text}, $q->{$f});
        }
    }
    for my $t (qw(factual preference issue emotion relationship)) {
        push @problems, "no $t question" unless $types{$t};
    }
    die "$path:\n  " . join("\n  ", @problems) . "\n" if @problems;
    return { half => $half, callers => \%callers, calls => \@calls,
             questions => $d->{questions}, orgs => [sort keys %{ {
                 map { $_->{org} => 1 } values %callers } }] };
}

# the distinctive facts of every other caller, which no answer about this
# one may hold: their "distinct" strings and the expected strings with a
# digit, unless this caller said them too
sub foreign_facts {
    my ($d, $c) = @_;
    my %f;
    for my $o (values %{ $d->{callers} }) {
        next if $o->{key} eq $c->{key};
        my @s = @{ $o->{distinct} || [] };
        for my $q (grep { $_->{caller} eq $o->{id} } @{ $d->{questions} }) {
            push @s, grep { /\d/ && length >= 4 }
                     map { @$_ } @{ $q->{expect} || [] };
        }
        for my $s (@s) {
            $f{lc $s} = $o->{id} unless lc_has($c->{text}, $s);
        }
    }
    return \%f;
}

sub leaks_in {
    my ($text, $foreign) = @_;
    my $l = lc $text;
    return grep { index($l, $_) >= 0 } sort keys %$foreign;
}

sub strings_of {
    my ($v) = @_;
    return ref $v eq 'HASH' ? map { strings_of($v->{$_}) } sort keys %$v
         : ref $v eq 'ARRAY' ? map { strings_of($_) } @$v
         : defined $v ? ("$v") : ();
}

# the part of a client-data answer an agent hears
sub precall_text {
    my ($ans) = @_;
    return join "\n", strings_of($ans->{dynamic_variables}),
                      strings_of($ans->{conversation_config_override});
}

# --- the post-call envelope ---------------------------------------------------

sub envelope {
    my ($c, $call) = @_;
    my ($secs, @transcript) = (0);
    for my $turn (@{ $call->{turns} }) {
        my ($role, $text) = @$turn;
        push @transcript, { role => $role eq 'u' ? 'user' : 'agent',
            message => $text, tool_calls => [], tool_results => [],
            feedback => undef, time_in_call_secs => $secs,
            conversation_turn_metrics => undef,
            interrupted => JSON::PP::false, original_message => undef,
            source_medium => 'audio' };
        my $words = () = $text =~ /\S+/g;
        $secs += 2 + int($words / 2.5);
    }
    my $start = $call->{t};
    return {
        type => 'post_call_transcription',
        event_timestamp => $start + $secs + 3,
        data => {
            agent_id => $call->{agent}, conversation_id => $call->{id},
            status => 'done', user_id => undef, branch_id => undef,
            version_id => undef, environment => 'production',
            has_audio => JSON::PP::true, has_user_audio => JSON::PP::true,
            has_response_audio => JSON::PP::true,
            transcript => \@transcript,
            metadata => {
                start_time_unix_secs => $start,
                accepted_time_unix_secs => $start + 1,
                call_duration_secs => $secs, cost => 40 * @transcript,
                authorization_method => 'authorization_header',
                phone_call => { type => 'twilio', direction => 'inbound',
                    phone_number_id => 'phnum_eval',
                    agent_number => '+18005550100',
                    external_number => $c->{external} // $c->{phone},
                    stream_sid => 'MZ'
                        . substr(sha1_hex("s$call->{id}"), 0, 30),
                    call_sid => 'CA' . substr(sha1_hex($call->{id}), 0, 30) },
                termination_reason => 'Call ended by remote party',
                error => undef, main_language => 'en',
                conversation_initiation_source => 'twilio',
                timezone => undef },
            analysis => { evaluation_criteria_results => {},
                data_collection_results => {}, call_successful => 'success',
                transcript_summary => undef, call_summary_title => undef },
            conversation_initiation_client_data => {
                conversation_config_override => {},
                custom_llm_extra_body => {},
                dynamic_variables => {
                    system__caller_id => $c->{phone},
                    system__called_number => '+18005550100',
                    system__conversation_id => $call->{id},
                    system__agent_id => $call->{agent},
                    system__call_duration_secs => $secs } } } };
}

# --- one half -----------------------------------------------------------------

sub run_half {
    my ($half) = @_;
    my $t0 = time;
    my $d = load_half($half);
    my $st = start_stack($d->{orgs});
    my $redis = $st->{redis};
    my (@precall, @leaks, %earlier, %heard);

    my $check_leaks = sub {
        my ($c, $what, $text) = @_;
        my @l = leaks_in($text, $c->{foreign} ||= foreign_facts($d, $c));
        push @leaks, "$what: " . join(', ', map {
            "\"$_\" of $c->{foreign}{$_}" } @l) if @l;
        return scalar @l;
    };

    # the calls, one at a time as their callers made them
    for my $call (@{ $d->{calls} }) {
        my $c = $d->{callers}{ $call->{caller} };
        my $ans = start_call($st, $c->{org}, $c->{phone}, $call->{agent},
                             $call->{id});
        my $text = precall_text($ans);
        $check_leaks->($c, "pre-call of $call->{id} ($c->{id})", $text);
        # a known caller: their name or most important fact, among those
        # said by then (to this agent, for facts it does not share)
        my $before = $earlier{ $c->{key} } || '';
        if ($before ne '') {
            my $own = $heard{"$c->{key}|$call->{agent}"} || '';
            my @sets = grep { matches($_->{why} eq 'own' ? $own : $before,
                                      [ $_->{all} ]) }
                       @{ $c->{precall} || [] };
            if (@sets) {
                my ($hit) = grep { matches($text, [ $_->{all} ]) } @sets;
                push @precall, { ok => $hit ? 1 : 0, caller => $c->{id},
                    call => $call->{id}, agent => $call->{agent},
                    want => [ map { $_->{all} } @sets ], text => $text };
            }
        }
        post_call($st, $c->{org}, envelope($c, $call));
        my $key = "elaaoms:{$c->{org}}:conversation:$call->{id}";
        my $status = wait_for("the extraction of $call->{id}", 60, sub {
            my $s = $redis->cmd('HGET', $key, 'status') // '';
            $s =~ /^extraction_(completed|failed)$/ ? $s : undef;
        });
        print STDERR "$half: $call->{id}: $status\n"
            if $verbose && $status ne 'extraction_completed';
        $earlier{ $c->{key} } .= "\n$call->{text}";
        $heard{"$c->{key}|$call->{agent}"} .= "\n$call->{text}";
    }

    # the questions, in calls of the asking agent (one per caller and agent)
    my (%session, @scored, $n);
    for my $q (@{ $d->{questions} }) {
        my $c = $d->{callers}{ $q->{caller} };
        my $sk = "$c->{key}|$q->{agent}";
        unless ($session{$sk}) {
            $session{$sk} = sprintf 'conv_eval_%s_q%03d', $half, ++$n;
            my $ans = start_call($st, $c->{org}, $c->{phone}, $q->{agent},
                                 $session{$sk});
            $check_leaks->($c, "client-data for \"$q->{q}\" ($c->{id})",
                           precall_text($ans));
        }
        my $res = search($st, $c->{org}, $c->{phone}, $q->{agent},
                         $session{$sk}, $q->{q});
        my @results = @{ $res->{results} || [] };
        my $leaked = 0;
        for my $r (@results) {
            $leaked += $check_leaks->($c, "result \"$r->{content}\" for "
                . "\"$q->{q}\" ($c->{id})", result_text($r)) ? 1 : 0;
        }
        $check_leaks->($c, "summary for \"$q->{q}\" ($c->{id})",
                       $res->{summary} // '') unless $leaked;
        next unless @{ $q->{expect} || [] };    # a leak probe only
        push @scored, { %{ score($q, \@results) }, q => $q, c => $c,
                        results => \@results, session => $session{$sk} };
    }

    my $nq = @scored || 1;
    my $recall = (grep { $_->{ok} } @scored) / $nq;
    my $mrr = 0;
    $mrr += $_->{ok} ? 1 / $_->{rank} : 0 for @scored;
    $mrr /= $nq;
    my $pc = @precall ? (grep { $_->{ok} } @precall) / @precall : 0;

    report_verbose($half, $st, $d, \@scored, \@precall, \@leaks, time - $t0)
        if $verbose;
    report_classes($half, $st, \@scored, \@precall) if $classes;
    report_memories($half, $st, $d) if $memories;
    hold($st) if $hold;
    stop_all();
    printf "%s recall\@5 %.3f\n", $half, $recall;
    printf "%s mrr %.3f\n", $half, $mrr;
    printf "%s leaks %d\n", $half, scalar @leaks;
    printf "%s precall %.3f\n", $half, $pc;
    return { recall => $recall, precall => $pc, leaks => scalar @leaks };
}

# --hold: the half's Redis, worker and nginx stay up, to be looked at,
# until the file named here is removed
sub hold {
    my ($st) = @_;
    my $f = "$st->{tmp}/holding";
    write_file($f, "remove this file to go on\n");
    printf STDERR "holding: redis port %d, nginx port %d; rm %s to go on\n",
        $st->{redis_port}, $st->{port}, $f;
    sleep 1 while -e $f;
}

# a question's answer: the rank of the first result matching "expect",
# right when it is in the top 5 and no "stale" or "not" match ranks above
sub score {
    my ($q, $results) = @_;
    my ($rank, $stale);
    for my $i (0 .. $#$results) {
        my $text = result_text($results->[$i]);
        $rank //= $i + 1 if matches($text, $q->{expect});
        $stale //= $i + 1
            if matches($text, [ @{ $q->{stale} || [] }, @{ $q->{not} || [] } ]);
    }
    my $ok = $rank && $rank <= 5 && !($stale && $stale < $rank) ? 1 : 0;
    return { ok => $ok, rank => $rank, stale => $stale };
}

# the scoring rules on made-up answers: the harness refuses to measure
# with a broken ruler
sub self_test {
    my @r = map { { content => $_ } } 'Lives at 9 Quarry Lane.',
        'Prefers texts.', 'Moved from 22 Pemberton Road.', 'A', 'B', 'C',
        'Has a Netgear R7000.';
    my $q = { expect => [["quarry"]], stale => [["pemberton"]] };
    my @checks = (
        [ matches('Has an ARRIS SB8200', [["sb8200", "arris"]]), 1 ],
        [ matches('Has an ARRIS', [["sb8200", "arris"], ["modem"]]), 0 ],
        [ matches('anything', []), 0 ],
        [ score($q, \@r)->{ok}, 1 ],
        [ score($q, \@r)->{rank}, 1 ],
        [ score({ %$q, expect => [["pemberton"]], stale => [["quarry"]] },
                \@r)->{ok}, 0 ],
        [ score({ expect => [["texts"]], not => [["quarry"]] }, \@r)->{ok}, 0 ],
        [ score({ expect => [["r7000"]] }, \@r)->{ok}, 0 ],
        [ score({ expect => [["r7000"]] }, \@r)->{rank}, 7 ],
        [ score({ expect => [["nothing"]] }, [])->{ok}, 0 ],
    );
    my $d = { callers => {
        a => { id => 'a', key => 'x|1', text => 'my modem is an SB8200',
               distinct => ['Whitfield'] },
        b => { id => 'b', key => 'y|1',
               text => 'order HB-40218, I am Dana Whitfield' },
        c => { id => 'c', key => 'x|2', text => 'my modem is an SB8200' } },
        questions => [ { caller => 'a', expect => [["SB8200"], ["ab"]] } ] };
    my $fb = foreign_facts($d, $d->{callers}{b});
    my $fc = foreign_facts($d, $d->{callers}{c});
    push @checks,
        [ join(',', leaks_in('Has an SB8200 modem.', $fb)), 'sb8200' ],
        [ scalar(leaks_in('Is Dana Whitfield.', $fb)), 0 ],
        [ scalar(leaks_in('Has an SB8200 modem.', $fc)), 0 ],
        [ scalar(leaks_in('Whitfield called.', $fc)), 1 ],
        [ precall_text({ dynamic_variables => { caller_name => 'Dana' },
              conversation_config_override => { agent => {
                  first_message => 'Hi Dana' } } }), "Dana\nHi Dana" ];
    for my $i (0 .. $#checks) {
        my ($got, $want) = @{ $checks[$i] };
        $got //= '';
        die "self-test $i: got \"$got\", want \"$want\"\n" unless $got eq $want;
    }
}

sub result_text {
    my ($r) = @_;
    return join "\n", grep { defined } $r->{content}, $r->{source_quote},
                                       $r->{quote};
}

# why a question failed, as a class: "extraction" (no stored memory holds
# the answer), "unscored" (stored, yet not returned even at threshold 0:
# relevance 0), "view" (found only with search_all_agents, and no memory
# that holds it is the asking agent's own, shared or an identity fact: out
# of its view), "threshold" (ranked within 5 at
# threshold 0), "rank" (below 5th at threshold 0), "stale" (an older answer
# ranked above the new one); with the threshold-0 rank and relevance
sub miss_class {
    my ($st, $s) = @_;
    my ($q, $c) = ($s->{q}, $s->{c});
    return ('stale') if $s->{rank} && $s->{rank} <= 5 && $s->{stale};
    my $all = search($st, $c->{org}, $c->{phone}, $q->{agent},
                     $s->{session}, $q->{q}, threshold => 0, limit => 100);
    my ($r0) = grep { matches(result_text($all->{results}[$_]),
                              $q->{expect}) } 0 .. $#{ $all->{results} };
    return ($r0 < 5 ? 'threshold' : 'rank', $r0 + 1,
            $all->{results}[$r0]{relevance}) if defined $r0;
    my @held = grep { matches($_->{content} // '', $q->{expect}) }
               stored_memories($st, $c);
    my %by_agent = map { $_ => 1 } map { memory_agents($_) } @held;
    return ('extraction') unless %by_agent;
    # out of the agent's view, or scored 0?
    my $any = search($st, $c->{org}, $c->{phone}, $q->{agent},
                     $s->{session}, $q->{q}, threshold => 0, limit => 100,
                     search_all_agents => JSON::PP::true);
    my $seen = grep { matches(result_text($_), $q->{expect}) }
               @{ $any->{results} || [] };
    # "view" only when no memory that holds it is in the asking agent's
    # view: its own, shared (importance >= 8) or an identity fact
    my $visible = $by_agent{ $q->{agent} }
        || grep { $_->{shareable} || $_->{identity} } @held;
    return ($seen && !$visible ? 'view' : 'unscored',
            undef, undef, [ sort keys %by_agent ]);
}

# the agents a stored memory belongs to, as the operator command lists them
sub memory_agents {
    my ($m) = @_;
    return @{ $m->{agents} } if ref $m->{agents} eq 'ARRAY';
    return $m->{agent_id} // '?';
}

# counts only: misses by class, and by question type and tag
sub report_classes {
    my ($half, $st, $scored, $precall) = @_;
    my (%class, %by);
    for my $s (@$scored) {
        for my $k ("type " . ($s->{q}{type} // '?'), "why $s->{q}{why}",
                   map { "tag $_" } @{ $s->{q}{tags} || [] }) {
            $by{$k}[0]++;
            $by{$k}[1]++ if $s->{ok};
        }
        $class{ (miss_class($st, $s))[0] }++ unless $s->{ok};
    }
    printf STDERR "%s misses: %s; precall misses %d\n", $half,
        join(', ', map { "$_ $class{$_}" } sort keys %class) || 'none',
        scalar grep { !$_->{ok} } @$precall;
    printf STDERR "   %-24s %3d/%-3d\n", $_, $by{$_}[1] // 0, $by{$_}[0]
        for sort keys %by;
}

# per question: why it failed, and whether the memory exists at all
sub report_verbose {
    my ($half, $st, $d, $scored, $precall, $leaks, $secs) = @_;
    my $out = \*STDERR;
    my %by;
    for my $s (@$scored) {
        for my $k ("type " . ($s->{q}{type} // '?'), "why $s->{q}{why}",
                   map { "tag $_" } @{ $s->{q}{tags} || [] }) {
            $by{$k}[0]++;
            $by{$k}[1]++ if $s->{ok};
        }
    }
    my $returned = 0;
    $returned += @{ $_->{results} } for @$scored;
    printf $out "== %s: %d calls, %d questions, %d pre-call checks, %.1f s, "
        . "%.2f results a question\n",
        $half, scalar @{ $d->{calls} }, scalar @$scored, scalar @$precall,
        $secs, @$scored ? $returned / @$scored : 0;
    printf $out "   %-24s %3d/%-3d\n", $_, $by{$_}[1] // 0, $by{$_}[0]
        for sort keys %by;
    for my $s (grep { $_->{ok} } @$scored) {
        printf $out "ok   [%s %s] %s asks \"%s\" of %s: rank %d, %s %s\n",
            $s->{q}{type} // '?', $s->{q}{why}, $s->{q}{agent}, $s->{q}{q},
            $s->{c}{id}, $s->{rank}, $s->{results}[$s->{rank} - 1]{relevance},
            $s->{results}[$s->{rank} - 1]{content};
    }
    for my $s (grep { !$_->{ok} } @$scored) {
        my ($q, $c) = ($s->{q}, $s->{c});
        my $why = !@{ $s->{results} } ? 'no result'
                : !$s->{rank} ? 'not in the results'
                : $s->{rank} > 5 ? "rank $s->{rank}"
                : "stale answer at $s->{stale} above the new at $s->{rank}";
        # below the threshold?  stored at all?
        my ($class, $r0, $rel, $agents) = miss_class($st, $s);
        printf $out "FAIL %s [%s %s %s] %s asks \"%s\" of %s: %s; %s\n",
            $class, $q->{type} // '?', $q->{why},
            join(',', @{ $q->{tags} || [] }),
            $q->{agent}, $q->{q}, $c->{id}, $why,
            defined $r0 ? "at threshold 0: rank $r0, relevance $rel"
            : $agents ? 'stored (by ' . join(', ', @$agents)
                        . ') but scored 0 or out of this agent\'s view'
            : $class eq 'stale' ? 'stale' : 'no stored memory holds it';
        printf $out "     want %s%s\n", $JSON->encode($q->{expect}),
            $q->{stale} ? ' before ' . $JSON->encode($q->{stale}) : '';
        printf $out "     got  %.3f %s\n", $_->{relevance}, $_->{content}
            for @{ $s->{results} };
    }
    for my $p (grep { !$_->{ok} } @$precall) {
        printf $out "PRECALL MISS %s before %s (%s): want %s\n     got %s\n",
            $p->{caller}, $p->{call}, $p->{agent}, $JSON->encode($p->{want}),
            $p->{text} =~ s/\n/ | /gr;
    }
    print $out "LEAK $_\n" for @$leaks;
}

# the caller's memories as the operator command lists them
sub stored_memories {
    my ($st, $c) = @_;
    my $cf = "$st->{tmp}/conf/cli.conf";
    write_file($cf, "redis_host 127.0.0.1\nredis_port $st->{redis_port}\n")
        unless -f $cf;
    open my $fh, '-|', "$ROOT/build/elaaoms-worker", '--config', $cf,
        'memories', $c->{org}, $c->{phone} or die "worker cli: $!\n";
    my @m = map { eval { JSON::PP::decode_json($_) } || {} }
            grep { /\S/ } <$fh>;
    close $fh;
    return @m;
}

# every caller's stored memories (type, importance, agents, content): what
# the extractor made of the calls.  The tuning half only (the rule).
sub report_memories {
    my ($half, $st, $d) = @_;
    if ($half ne 'tune') {
        print STDERR "--memories lists the tuning half only\n";
        return;
    }
    for my $c (sort { $a->{id} cmp $b->{id} } values %{ $d->{callers} }) {
        for my $m (stored_memories($st, $c)) {
            printf STDERR "MEM %s %s/%s%s%s [%s] %s\n", $c->{id},
                $m->{type} // '?', $m->{importance} // '?',
                $m->{superseded} ? ' superseded' : '',
                ref $m->{conflicts} eq 'ARRAY' && @{ $m->{conflicts} }
                ? ' conflicts ' . scalar @{ $m->{conflicts} } : '',
                ref $m->{agents} eq 'ARRAY' ? join(',', @{ $m->{agents} })
                : $m->{agents} // $m->{agent_id} // '',
                $m->{content} // '';
        }
    }
}

# --- main ---------------------------------------------------------------------

binmode STDOUT, ':encoding(UTF-8)';
binmode STDERR, ':encoding(UTF-8)';
my $below = 0;
my $ok = eval {
    -x "$ROOT/build/elaaoms-worker"
        && -f "$ROOT/build/nginx/ngx_http_elaaoms_module.so"
        or die "build first: make\n";
    self_test();
    for my $half (@halves) {
        $half =~ /^[a-z]+$/ or die "bad half \"$half\"\n";
        my $r = run_half($half);
        if (defined $min_recall && $r->{recall} < $min_recall) {
            print STDERR "$half: recall\@5 $r->{recall} is below $min_recall\n";
            $below = 1;
        }
        if (defined $min_precall && $r->{precall} < $min_precall) {
            print STDERR "$half: precall $r->{precall} is below $min_precall\n";
            $below = 1;
        }
        if (defined $max_leaks && $r->{leaks} > $max_leaks) {
            print STDERR "$half: $r->{leaks} leaks, more than $max_leaks\n";
            $below = 1;
        }
    }
    1;
};
unless ($ok) {
    print STDERR "eval: $@";
    stop_all();
    exit 2;
}
exit $below;

# --- a minimal Redis client (RESP over one socket) ----------------------------

package Redis;

sub new {
    my ($class, $port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Timeout => 5) or return undef;
    return bless { s => $s }, $class;
}

sub cmd {
    my ($self, @args) = @_;
    my $s = $self->{s};
    print $s '*' . @args . "\r\n"
        . join('', map { '$' . length($_) . "\r\n$_\r\n" } @args);
    return $self->_read;
}

sub _read {
    my ($self) = @_;
    my $s = $self->{s};
    my $line = <$s>;
    die "redis: connection closed\n" unless defined $line;
    $line =~ s/\r\n$//;
    my ($t, $v) = (substr($line, 0, 1), substr($line, 1));
    return $v if $t eq '+' || $t eq ':';
    die "redis: $v\n" if $t eq '-';
    if ($t eq '$') {
        return undef if $v < 0;
        my $buf = '';
        while (length $buf < $v + 2) {
            read($s, $buf, $v + 2 - length $buf, length $buf)
                or die "redis: short read\n";
        }
        return substr($buf, 0, $v);
    }
    if ($t eq '*') {
        return undef if $v < 0;
        return [ map { $self->_read } 1 .. $v ];
    }
    die "redis: unexpected reply \"$line\"\n";
}
