#!/usr/bin/perl
# "make demo", after "make run": one short call end to end, as ElevenLabs
# would make it.  A signed post-call transcription of a sample call goes
# to /webhook/post-call; the worker extracts its memories; then the next
# call's client-data (what the agent knows before it speaks) and two
# search-memory tool calls (what it finds mid-call) are printed in a few
# lines.  The URL and secrets are read from make run's configuration
# (var/conf/nginx.conf), so ELAAOMS_WEBHOOK_SECRET and ELAAOMS_TOOL_SECRET
# need no repeating.  Against another deployment (the containers of
# docker/compose.yml, say): "demo.pl --url http://HOST:PORT" with both
# secrets in the environment.  Exits non-zero when a step fails.

use strict;
use warnings;
use FindBin;
use Getopt::Long qw(GetOptions);
use HTTP::Tiny;
use JSON::PP ();
use Digest::SHA qw(hmac_sha256_hex);
use Time::HiRes qw(sleep time);

my $root = "$FindBin::Bin/..";
my ($base, $sign, $header, $tool);

GetOptions('url=s' => \$base)
    or die "usage: $0 [--url http://HOST:PORT]\n";

if (defined $base) {
    $base =~ s{/+$}{};
    $sign = $ENV{ELAAOMS_WEBHOOK_SECRET}
        or die "--url: ELAAOMS_WEBHOOK_SECRET is not set\n";
    $tool = $ENV{ELAAOMS_TOOL_SECRET}
        or die "--url: ELAAOMS_TOOL_SECRET is not set\n";
    $header = 'X-Elaaoms-Secret';
} else {
    my $conf = "$root/var/conf/nginx.conf";
    open my $fh, '<', $conf
        or die "no $conf: start the product first with \"make run\"\n";
    my $text = do { local $/; <$fh> };
    close $fh;

    my ($listen) = $text =~ /^\s*listen\s+([\d.]+:\d+);/m
        or die "no listen address in $conf\n";
    ($sign) = $text =~ /elaaoms_signature_secret\s+(\S+);/
        or die "no elaaoms_signature_secret in $conf\n";
    ($header, $tool) = $text =~ /elaaoms_shared_secret\s+(\S+)\s+(\S+);/
        or die "no elaaoms_shared_secret in $conf\n";
    $base = "http://$listen";
}

binmode STDOUT, ':encoding(UTF-8)';

my $http = HTTP::Tiny->new(timeout => 10);
my $json = JSON::PP->new->utf8->canonical;

my $caller = '+15550100' . sprintf('%03d', time() % 1000);
my $agent = 'agent_demo_support';
my $conversation = 'conv_demo_' . int(time() * 1000);
my $call_sid = 'CAdemo' . int(time() * 1000);

sub post {
    my ($path, $body, %headers) = @_;
    my $res = $http->post("$base$path", {
        headers => { 'Content-Type' => 'application/json', %headers },
        content => $body });
    die "$path: $res->{status} $res->{content}\n" unless $res->{success};
    return $json->decode($res->{content});
}

# --- 1. the call ends: ElevenLabs' post-call webhook, signed ---------------

my @turns = (
    [agent => 'Thanks for calling Acme support, how can I help?'],
    [user  => 'Hi, this is Dana Whitfield. My espresso machine, the Breville '
              . 'BES870, stopped heating last week.'],
    [agent => 'Sorry to hear that. Do you have the order number?'],
    [user  => 'Yes, it is order 58213. And please email me, I never pick up '
              . 'unknown numbers.'],
    [agent => 'Noted. I will send a replacement heating element.'],
    [user  => 'Great. Oh, and I am allergic to latex, so no latex gloves in '
              . 'the parcel please.'],
);
my $now = time();
my $payload = $json->encode({
    type => 'post_call_transcription',
    event_timestamp => int($now),
    data => {
        agent_id => $agent,
        conversation_id => $conversation,
        status => 'done',
        transcript => [ map { { role => $_->[0], message => $_->[1],
                                time_in_call_secs => 0 } } @turns ],
        metadata => {
            start_time_unix_secs => int($now) - 120,
            call_duration_secs => 120,
            phone_call => { type => 'twilio', direction => 'inbound',
                            external_number => $caller,
                            agent_number => '+18005550100',
                            call_sid => $call_sid },
        },
        conversation_initiation_client_data => {
            dynamic_variables => { system__caller_id => $caller,
                                   system__agent_id => $agent,
                                   system__conversation_id => $conversation },
        },
    },
});
my $t = int($now);
my $signature = "t=$t,v0=" . hmac_sha256_hex("$t.$payload", $sign);

my $r = post('/webhook/post-call', $payload,
             'ElevenLabs-Signature' => $signature);
printf "1. post-call for %s (caller %s): %s, queued: %s\n", $conversation,
    $caller, $r->{status}, $r->{queued} ? 'yes' : 'no';

# --- 2. the worker extracts: wait until search finds the memories -----------

# the next call starts: client-data binds its call id to the caller, which
# the search tool then names (never the caller itself)
my $next_sid = 'CAdemo' . int(time() * 1000 + 1);
my $cd_body = $json->encode({ caller_id => $caller, agent_id => $agent,
                              called_number => '+18005550100',
                              call_sid => $next_sid });
my $start = time();
my $cd;
while (1) {
    $cd = post('/webhook/client-data', $cd_body, $header => $tool);
    last if $cd->{dynamic_variables}{caller_known}
            && $cd->{dynamic_variables}{caller_known} ne 'false';
    die "2. no memories after 60 s: is the worker running? (make run)\n"
        if time() - $start > 60;
    sleep 0.5;
}
printf "2. extracted in %.1f s\n", time() - $start;

# --- 3. the next call: what the agent knows before it speaks ---------------

my $v = $cd->{dynamic_variables};
print "3. client-data for the next call from $caller:\n";
printf "   first message: %s\n", $v->{first_message};
printf "   caller_name:   %s\n", $v->{caller_name} // '(none)';
printf "   context:       %s\n", $v->{caller_context};

# --- 4. mid-call: the search tool ---------------------------------------------

for my $q ('what machine does she have?', 'is she allergic to anything?') {
    my $s = post('/webhook/search-memory',
                 $json->encode({ query => $q, call_sid => $next_sid,
                                 agent_id => $agent }),
                 $header => $tool);
    printf "4. search \"%s\": %d result%s\n", $q, $s->{count},
        $s->{count} == 1 ? '' : 's';
    for my $m (@{ $s->{results} }) {
        printf "   %.2f %-12s %s\n", $m->{relevance}, $m->{type},
            $m->{content};
    }
    die "   nothing found\n" unless $s->{count};
}
