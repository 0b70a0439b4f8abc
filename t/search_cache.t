# elaaoms_search_cache: search-memory's shared-memory cache of callers'
# records, valid while the caller's memory version (set by the worker with
# every change: lib/store/redis_keys.h) is unchanged.  A search after a
# change answers from the new records: a new memory, an erased caller, a
# conflict marker.  A zone too small for everything evicts the least
# recently used callers and still answers right; one too small for a
# caller answers from Redis.  Records without a version (an older worker)
# are read every time; a Redis that does not answer gives the usual
# degraded answer.
#
# Each block warms the cache in its --- init (nginx is running then) with
# a request of its own, changes Redis, and the block's request checks the
# answer.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use HTTP::Tiny;
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_BLACKHOLE_PORT} = blackhole_port();

our $PORT = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT} || 1984;
our $T0 = 1763380800;

sub mem {
    my ($caller, $id, $content, %more) = @_;
    return { org => 'acme', caller => $caller, id => $id, type => 'factual',
             importance => 6, agent => 'agent_support',
             conversation => 'conv_' . $id, created => $T0,
             content => $content, %more };
}

my $J = JSON::PP->new->canonical;

sub body {
    my ($caller) = @_;
    return $J->encode({ query => 'what do we know', caller_id => $caller,
                        agent_id => 'agent_support', threshold => 0,
                        limit => 50 });
}

# a search sent from --- init (the block's nginx is running): its body
sub search_now {
    my ($caller) = @_;
    my $res = HTTP::Tiny->new(timeout => 5)->post(
        "http://127.0.0.1:$PORT/webhook/search-memory",
        { headers => { 'content-type' => 'application/json' },
          content => body($caller) });
    die "search: $res->{status} $res->{content}" unless $res->{status} == 200;
    return $res->{content};
}

sub ids { join ',', sort map { $_->{id} } @{ $J->decode($_[0])->{results} } }

# many memories for one caller, of about 600 bytes each with the vector
sub many {
    my ($caller, $prefix, $n) = @_;
    return map { mem($caller, "${prefix}_$_",
                     "Memory number $_ of $prefix: " . ('detail ' x 20)) }
           1 .. $n;
}

shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_search_cache zone=search:1m;
HTTP
    location = /webhook/search-memory { elaaoms_org acme; elaaoms_auth off; elaaoms_search_binding off; elaaoms_search_min_threshold 0; elaaoms_search_max_limit 100; elaaoms_webhook search_memory; }
    location /acme/admin/ { elaaoms_org acme; elaaoms_admin; elaaoms_admin_secret X-Elaaoms-Admin admin-secret-0123456789; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: while the version is unchanged the cache answers (a change behind the worker's back is not seen)
--- init
ElaaomsTest::seed_memories(main::mem('+14155550100', 'm_hit', 'Lives in Austin'));
Test::More::is(main::ids(main::search_now('+14155550100')), 'm_hit', 'read and cached');
ElaaomsTest::redis_cmd('HDEL', 'elaaoms:acme:{acme:+14155550100}:index', 'm_hit');
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550100')
--- error_code: 200
--- response_body_like: "id":"m_hit".*"count":1,
--- no_error_log
[warn]



=== TEST 2: a new memory shows in the next search, though the caller's records were cached
--- init
ElaaomsTest::seed_memories(main::mem('+14155550101', 'm_new1', 'Lives in Austin'));
Test::More::is(main::ids(main::search_now('+14155550101')), 'm_new1', 'first search: read and cached');
Test::More::is(main::ids(main::search_now('+14155550101')), 'm_new1', 'second: from the cache, the same');
ElaaomsTest::seed_memories(main::mem('+14155550101', 'm_new2', 'Has a dog named Max'));
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550101')
--- error_code: 200
--- response_body_like: ^(?=.*"id":"m_new1")(?=.*"id":"m_new2").*"count":2,
--- no_error_log
[warn]



=== TEST 3: an erased caller's memories disappear from the next search
--- init
ElaaomsTest::seed_memories(main::mem('+14155550102', 'm_gone', 'Prefers email'));
Test::More::is(main::ids(main::search_now('+14155550102')), 'm_gone', 'cached');
ElaaomsTest::worker_cli('forget', 'acme', '+14155550102');
Test::More::is(ElaaomsTest::redis_cmd('EXISTS', 'elaaoms:acme:{acme:+14155550102}:version'), '(integer) 0', 'the version went with the records');
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550102')
--- error_code: 200
--- response_body_like: "results":\[\],"count":0,
--- no_error_log
[warn]



=== TEST 4: a conflict marker written after the records were cached shows
--- init
ElaaomsTest::seed_memories(main::mem('+14155550103', 'm_austin', 'Lives in Austin'),
                           main::mem('+14155550103', 'm_denver', 'Moved to Denver'));
Test::More::unlike(main::search_now('+14155550103'), qr/superseded/, 'cached, nothing superseded');
ElaaomsTest::seed_memories(main::mem('+14155550103', 'm_austin', 'Lives in Austin',
                                     superseded => JSON::PP::true(), conflicts => ['m_denver']));
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550103')
--- error_code: 200
--- response_body_like: "id":"m_austin"[^}]*"superseded":true
--- no_error_log
[warn]



=== TEST 5: one memory deleted through the admin location disappears from the next search, and an admin forget empties it at once
--- init
ElaaomsTest::seed_memories(main::mem('+14155550105', 'm_del', 'Keeps a pet Capybara'),
                           main::mem('+14155550105', 'm_keep', 'Likes jazz music'),
                           main::mem('+14155550106', 'm_forgot', 'Prefers email'));
Test::More::is(main::ids(main::search_now('+14155550105')), 'm_del,m_keep', 'cached');
Test::More::is(main::ids(main::search_now('+14155550106')), 'm_forgot', 'the other caller cached');
my $h = HTTP::Tiny->new(timeout => 5);
my $res = $h->request('DELETE', "http://127.0.0.1:$main::PORT/acme/admin/callers/+14155550105/memories/m_del",
                      { headers => { 'X-Elaaoms-Admin' => 'admin-secret-0123456789' } });
Test::More::is($res->{status}, 200, 'deleted');
Test::More::is(main::ids(main::search_now('+14155550105')), 'm_keep', 'the deleted memory is gone from the cached caller');
$res = $h->request('POST', "http://127.0.0.1:$main::PORT/acme/admin/callers/+14155550106/forget",
                   { headers => { 'X-Elaaoms-Admin' => 'admin-secret-0123456789' } });
Test::More::is($res->{status}, 202, 'forget queued');
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550106')
--- error_code: 200
--- response_body_like: "results":\[\],"count":0,
--- no_error_log
[warn]



=== TEST 6: records without a version (an older worker) are read every time, never cached
--- init
ElaaomsTest::seed_memories(main::mem('+14155550104', 'm_old1', 'Lives in Austin'));
ElaaomsTest::redis_cmd('DEL', 'elaaoms:acme:{acme:+14155550104}:version');
Test::More::is(main::ids(main::search_now('+14155550104')), 'm_old1', 'read');
# an HSET an old worker would make: no version is set
ElaaomsTest::redis_cmd('HDEL', 'elaaoms:acme:{acme:+14155550104}:index', 'm_old1');
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550104')
--- error_code: 200
--- response_body_like: "results":\[\],"count":0,
--- no_error_log
[warn]



=== TEST 7: a tiny zone evicts the least recently used callers and answers right; a caller too big for it is read from Redis
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_search_cache zone=tiny:32k;
--- init
for my $i (1 .. 8) {
    ElaaomsTest::seed_memories(main::many("+1415555020$i", "small$i", 6));
}
ElaaomsTest::seed_memories(main::many('+14155550300', 'big', 80));
for my $round (1 .. 2) {
    for my $i (1 .. 8) {
        my $want = join ',', sort map { "small${i}_$_" } 1 .. 6;
        Test::More::is(main::ids(main::search_now("+1415555020$i")), $want, "round $round: caller ${i}'s own memories");
    }
}
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550300')
--- error_code: 200
--- response_body_like: "count":50,
--- error_log eval
[qr/\[info\].*search cache zone "tiny" full: \d+ least recently used callers evicted/,
 qr/\[warn\].*search cache zone "tiny" cannot hold the \d+ bytes of one caller's memories/]
--- no_error_log
[alert]
[crit]



=== TEST 8: a Redis that never answers: the usual degraded answer, nothing from the cache
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT;
    elaaoms_redis_timeout 300ms;
    elaaoms_search_cache zone=search:1m;
--- request eval
"POST /webhook/search-memory\n" . main::body('+14155550101')
--- error_code: 200
--- timeout: 3
--- response_body_like: "results":\[\],"count":0,"summary":"Memory is unavailable right now; carry on without it\."
--- error_log
redis did not answer within 300 ms
