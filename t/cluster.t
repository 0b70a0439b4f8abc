# nginx on a real Redis Cluster (scripts/redis-cluster.sh: three masters,
# three replicas): "elaaoms_redis cluster <seeds>" routes each command to
# the master of its key's slot, follows MOVED (the seeds first answer for
# slots nginx has not mapped yet) and ASK (a slot halfway through a
# migration), gives the degraded answer while a master is down, and finds
# the promoted replica after the failover.
#
# Contexts are seeded through redis-cli -c, in the documented format.

use lib 't/lib';

# the cluster first: without cluster support in redis-server, a skip
BEGIN { require ElaaomsCluster; $main::BASE = ElaaomsCluster::cluster_start() }

use Test::Nginx::Socket $main::BASE
    ? ('no_plan') : (skip_all => 'this redis-server has no cluster support');
use ElaaomsTest;
use ElaaomsCluster;

my $base = $main::BASE;

$ENV{TEST_NGINX_PAYLOAD_DIR} = payload_dir();
our $TWILIO = fixture('elevenlabs/post_call_transcription_twilio.json');

$ENV{TEST_NGINX_CLUSTER_SEEDS} = join ' ', map { "127.0.0.1:$_" } $base .. $base + 2;

our @CALLERS = map { sprintf '+1555010%04d', $_ } 1 .. 12;

sub head_key { my ($caller) = @_; "elaaoms:acme:{acme:$caller}:context:agent_c:head" }

# a head as the worker writes it (client-data reads only the head here)
sub seed_caller {
    my ($caller, $n) = @_;
    cluster_cli('SET', head_key($caller),
        '{"version":2,"agent_id":"agent_c","built_us":1764000000000000,'
        . '"dynamic_variables":{"caller_known":true,"caller_call_count":3,'
        . '"caller_context":"","caller_last_interaction":"2025-11-17",'
        . '"caller_open_issue":"","caller_name":"Caller ' . $n . '"},'
        . '"first_message":"Hello Caller ' . $n . '","shared_ids":[]}');
}

seed_caller($CALLERS[$_], $_) for 0 .. $#CALLERS;

# the migrating caller's context for agents not seen yet: a request
# without an agent reads it alone, with GET
cluster_cli('SET', "elaaoms:acme:{acme:$CALLERS[0]}:context:_any:head",
    '{"version":2,"agent_id":"_any","built_us":1764000000000000,'
    . '"dynamic_variables":{"caller_known":true,"caller_call_count":3,'
    . '"caller_context":"","caller_last_interaction":"2025-11-17",'
    . '"caller_open_issue":"","caller_name":"Any 0"},'
    . '"first_message":"Hello Any 0","shared_ids":[]}');

our %MASTERS = map { (cluster_master_of(head_key($_)) => 1) } @CALLERS;

# the caller whose slot migrates, and the one whose master dies
our ($MOVING, $DYING, $LIVING) = @CALLERS[0, 1];
for my $c (@CALLERS[2 .. $#CALLERS]) {
    if (cluster_master_of(head_key($c)) != cluster_master_of(head_key($DYING))) {
        $LIVING = $c;
        last;
    }
}

sub cd_request {
    my ($caller, $agent) = @_;
    $agent //= 'agent_c';
    return "POST /webhook/client-data\n"
        . ($agent ? qq({"caller_id":"$caller","agent_id":"$agent"})
                  : qq({"caller_id":"$caller"}));
}

shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis cluster $TEST_NGINX_CLUSTER_SEEDS;
    elaaoms_redis_timeout 2s;
    elaaoms_payload_dir $TEST_NGINX_PAYLOAD_DIR;
HTTP
    location = /webhook/client-data { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook client_data; }
    location = /webhook/post-call { elaaoms_org acme; elaaoms_auth off; elaaoms_webhook post_call; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: twelve callers spread over the three masters, each answered from its own node (MOVED from the seeds while the map loads)
--- init
Test::More::is(scalar(keys %main::MASTERS), 3, 'the callers live on three masters');
--- request eval
[map { main::cd_request($_) } @main::CALLERS]
--- error_code eval
[(200) x 12]
--- response_body_like eval
[map { qr/"caller_known":true,.*"caller_name":"Caller $_","caller_key":"\Q$main::CALLERS[$_]\E","first_message":"Hello Caller $_"/ } 0 .. 11]
--- no_error_log
[error]
[alert]



=== TEST 2: a slot halfway through a migration: a key already moved is read after ASKING at the importing node
--- init
my $key = "elaaoms:acme:{acme:$main::MOVING}:context:_any:head";
my $from = ElaaomsCluster::cluster_master_of($key);
my ($to) = grep { $_ != $from && exists $main::MASTERS{$_} } keys %main::MASTERS;
my ($slot) = ElaaomsCluster::cluster_node_cmd($from, 'CLUSTER', 'KEYSLOT', $key) =~ /(\d+)/;
my $from_id = ElaaomsCluster::cluster_node_id($from);
my $to_id = ElaaomsCluster::cluster_node_id($to);
ElaaomsCluster::cluster_node_cmd($to, 'CLUSTER', 'SETSLOT', $slot, 'IMPORTING', $from_id);
ElaaomsCluster::cluster_node_cmd($from, 'CLUSTER', 'SETSLOT', $slot, 'MIGRATING', $to_id);
my $out = ElaaomsCluster::cluster_node_cmd($from, 'MIGRATE', '127.0.0.1', $to, $key, 0, 5000);
Test::More::like($out, qr/OK/, 'the key migrated, the slot not yet');
Test::More::like(ElaaomsCluster::cluster_node_cmd($from, 'GET', $key), qr/^ASK \d+ 127\.0\.0\.1:$to/, 'its old node answers ASK');
$main::MIGRATION = [$slot, $from, $to, $to_id];
--- request eval
main::cd_request($main::MOVING, '')
--- error_code: 200
--- response_body_like: "caller_known":true,.*"caller_name":"Any 0"
--- no_error_log
[error]
[alert]



=== TEST 3: the same slot, a request reading two keys of it while one has moved and the other not (Redis says TRYAGAIN until the slot is done): retried a few times, then the generic answer
--- request eval
main::cd_request($main::MOVING)
--- error_code: 200
--- response_body_like eval
qr/"caller_known":false,.*"caller_key":"\Q$main::MOVING\E"/
--- error_log
TRYAGAIN



=== TEST 4: the migration finished: the old node answers MOVED, followed
--- init
my ($slot, $from, $to, $to_id) = @$main::MIGRATION;
# the slot's other keys, then the slot
for my $k (split /\n/, ElaaomsCluster::cluster_node_cmd($from, 'CLUSTER', 'GETKEYSINSLOT', $slot, 100)) {
    ElaaomsCluster::cluster_node_cmd($from, 'MIGRATE', '127.0.0.1', $to, $k, 0, 5000) if length $k;
}
ElaaomsCluster::cluster_node_cmd($_, 'CLUSTER', 'SETSLOT', $slot, 'NODE', $to_id) for ElaaomsCluster::cluster_ports();
Test::More::like(ElaaomsCluster::cluster_node_cmd($from, 'GET', main::head_key($main::MOVING)), qr/^MOVED \d+ 127\.0\.0\.1:$to/, 'its old node answers MOVED');
--- request eval
[main::cd_request($main::MOVING), main::cd_request($main::MOVING)]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"caller_name":"Caller 0"/, qr/"caller_name":"Caller 0"/]
--- no_error_log
[error]
[alert]



=== TEST 5: post-call on the cluster: the organization set, then the intake script in the {org} slot (marker, conversation, job, the caller's conversation index); a second delivery is a duplicate
--- request eval
["POST /webhook/post-call\n" . $main::TWILIO, "POST /webhook/post-call\n" . $main::TWILIO]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/"duplicate":false,"queued":true/, qr/"duplicate":true/]
--- no_error_log
[error]
[alert]



=== TEST 6: what the intake wrote, read back from the cluster
--- init
my $jobs = ElaaomsCluster::cluster_cli('LRANGE', 'elaaoms:{acme}:jobs:ready', 0, -1);
my @n = $jobs =~ /"conversation_id\\?":\\?"conv_01kbq4r7v2e9m3x5t8w6y0z1a2\\?"/g;
Test::More::is(scalar @n, 1, 'one job in the org slot');
Test::More::like(ElaaomsCluster::cluster_cli('HGET', 'elaaoms:{acme}:conversation:conv_01kbq4r7v2e9m3x5t8w6y0z1a2', 'status'), qr/extraction_pending/, 'the conversation');
Test::More::like(ElaaomsCluster::cluster_cli('SISMEMBER', 'elaaoms:orgs', 'acme'), qr/1/, 'the organization listed');
--- request
POST /webhook/client-data
{"caller_id":"+15550100005","agent_id":"agent_c"}
--- error_code: 200



=== TEST 7: a master killed: its caller gets the generic answer (a few quick retries find no other master yet)
--- init
Test::More::ok(ElaaomsCluster::cluster_replicated(main::head_key($main::DYING)), 'the replica has the key');
my $port = ElaaomsCluster::cluster_master_of(main::head_key($main::DYING));
ElaaomsCluster::cluster_kill($port);
$main::DEAD = $port;
--- request eval
main::cd_request($main::DYING)
--- error_code: 200
--- response_body_like eval
qr/"caller_known":false,.*"caller_key":"\Q$main::DYING\E"/
--- error_log
unreachable



=== TEST 8: while that master is down, a caller on another master is still known
--- request eval
main::cd_request($main::LIVING)
--- error_code: 200
--- response_body_like: "caller_known":true



=== TEST 9: after the failover the promoted replica answers for the dead master's slots
--- init
my $key = main::head_key($main::DYING);
Test::More::ok(ElaaomsTest::wait_until(sub { my $m = ElaaomsCluster::cluster_master_of($key); $m && $m != $main::DEAD }, 30), 'a replica was promoted');
Test::More::ok(ElaaomsCluster::cluster_wait_ok(30), 'the cluster is ok again');
--- request eval
main::cd_request($main::DYING)
--- error_code: 200
--- response_body_like eval
qr/"caller_known":true,.*"caller_key":"\Q$main::DYING\E"/
