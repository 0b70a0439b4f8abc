# /health: Redis reachable through the module's non-blocking client, the
# worker heartbeat read, 503 within elaaoms_redis_timeout when Redis is
# down, and recovery after a Redis restart without reloading nginx.

use lib 't/lib';
# ELAAOMS_TEST_REDIS_CLUSTER=1 (t/lib/ElaaomsTest.pm)
BEGIN { require ElaaomsTest; ElaaomsTest::not_on_cluster(
    'it stops and restarts its one redis-server mid-test (a cluster master\'s failure is t/cluster.t\'s)') }
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use File::Temp ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();
$ENV{TEST_NGINX_BLACKHOLE_PORT} = blackhole_port();

# the configuration most blocks share; a block with its own keeps it
shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location = /health { elaaoms_health; }
CONFIG

no_shuffle();
run_tests();

__DATA__

=== TEST 1: nginx starts with the module loaded; health ok, no worker yet
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_timeout 500ms;
--- init
ElaaomsTest::redis_cmd('DEL', 'elaaoms:worker:heartbeat');
--- request
GET /health
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body chomp
{"status":"ok","redis":"ok","worker":"absent"}
--- no_error_log
[error]
[alert]



=== TEST 2: nginx -t accepts the example configuration (conf/nginx.conf) with the module loaded
--- init
my $dir = File::Temp::tempdir('elaaoms-check-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $out = `NGINX_BIN=$ENV{TEST_NGINX_BINARY} @{[ElaaomsTest::repo_root()]}/scripts/run.sh check $dir 2>&1`;
Test::More::is($?, 0, 'nginx -t exit status');
Test::More::like($out, qr/syntax is ok/, 'nginx -t: syntax is ok');
Test::More::like($out, qr/test is successful/, 'nginx -t: test is successful');
Test::More::unlike($out, qr/\[warn\]/, 'nginx -t: no warning (the signing secret is never a header)');
my $same = `ELAAOMS_WEBHOOK_SECRET=same ELAAOMS_TOOL_SECRET=same NGINX_BIN=$ENV{TEST_NGINX_BINARY} @{[ElaaomsTest::repo_root()]}/scripts/run.sh check $dir 2>&1`;
Test::More::isnt($?, 0, 'one secret for both is refused');
Test::More::like($same, qr/must differ/, 'and the message says why');
--- request
GET /health
--- error_code: 200



=== TEST 3: a fresh heartbeat says the worker is ok
--- init
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"ok"}



=== TEST 4: an old heartbeat says stale
--- init
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time() - 45, 'EX', 60);
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"stale"}



=== TEST 5: Redis down (nothing listens): 503, other locations unaffected
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_redis_timeout 300ms;
--- config
    location = /health { elaaoms_health; }
    location = /other { return 200 "fine\n"; }
--- request eval
["GET /health", "GET /other", "GET /health"]
--- error_code eval
[503, 200, 503]
--- response_body eval
["{\"status\":\"error\",\"redis\":\"down\",\"worker\":\"unknown\"}", "fine\n", "{\"status\":\"error\",\"redis\":\"down\",\"worker\":\"unknown\"}"]
--- no_error_log
[alert]



=== TEST 6: Redis that accepts but never answers: 503 within the timeout
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_BLACKHOLE_PORT;
    elaaoms_redis_timeout 300ms;
--- request
GET /health
--- error_code: 503
--- timeout: 3
--- error_log
redis did not answer within 300 ms



=== TEST 7: Redis restarts: health recovers without reloading nginx
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_timeout 300ms;
    limit_req_zone $server_name zone=pause:1m rate=1r/s;
--- config
    location = /health { elaaoms_health; }
    # a core-nginx way to wait: the second request in a burst is delayed
    # (limit_req runs before content handlers, not before "return")
    location = /pause { limit_req zone=pause burst=5; empty_gif; }
--- request eval
["GET /health", "GET /pause", "GET /pause", "GET /health", "GET /pause",
 "GET /pause", "GET /health"]
--- init
# the first request connects; a child stops Redis at 0.8 s and starts it
# again at 2.5 s, while each /pause after the first waits one more second
ElaaomsTest::restart_redis_later(0.8, 2.5);
--- error_code eval
[200, 200, 200, 503, 200, 200, 200]
--- timeout: 10
--- no_error_log
[alert]



=== TEST 8: a reply larger than 64 KB passes through the client intact
--- init
# 200,000 leading zeros: the heartbeat parses only if every byte arrived
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', ('0' x 200000) . time());
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"ok"}



=== TEST 9: the oldest ready job older than elaaoms_health_queue_age: degraded, with the reason, still 200
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_health_queue_age 10m;
--- init
ElaaomsTest::redis_cmd('FLUSHALL');
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
ElaaomsTest::redis_cmd('SADD', 'elaaoms:orgs', 'acme', 'other');
my $old = time() - 2000;
ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
    qq({"org":"acme","enqueued_at":$old}));
ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
    '{"org":"acme","enqueued_at":' . (time() - 5) . '}');
ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{other}:jobs:ready',
    '{"org":"other","enqueued_at":' . (time() - 30) . '}');
--- request
GET /health
--- error_code: 200
--- response_body_like chomp
^\{"status":"degraded","redis":"ok","worker":"ok","reasons":\["queue: the oldest job has waited 20\d\d s \(limit 600 s\)"\]\}$
--- error_log
elaaoms: health: degraded: "queue: the oldest job has waited



=== TEST 10: young jobs only: ok
--- init
ElaaomsTest::redis_cmd('FLUSHALL');
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
ElaaomsTest::redis_cmd('SADD', 'elaaoms:orgs', 'acme');
ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
    '{"org":"acme","enqueued_at":' . (time() - 30) . '}');
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"ok"}



=== TEST 11: most extractions of the window failed (the worker's counters): degraded
--- init
ElaaomsTest::redis_cmd('FLUSHALL');
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
# the window's older snapshot: 5 ok, 1 failed; since then 2 more ok, 19
# more failed
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:window', 't', time() - 10,
    'ok', 5, 'failed', 1, 'pok', 5, 'pfailed', 1);
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:metrics:worker',
    'elaaoms_extractions_total{outcome="ok",provider="offline"}', 3,
    'elaaoms_extractions_total{outcome="ok",provider="openai"}', 4,
    'elaaoms_extractions_total{outcome="failed",provider="openai"}', 20,
    'elaaoms_extractions_total{outcome="retry",provider="openai"}', 60);
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"degraded","redis":"ok","worker":"ok","reasons":["extractions: 19 of 21 failed recently (limit 50%)"]}



=== TEST 12: failures under the ratio: ok
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_health_failure_ratio 0.9;
--- init
ElaaomsTest::redis_cmd('FLUSHALL');
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:window', 't', time() - 10,
    'ok', 0, 'failed', 0, 'pok', 0, 'pfailed', 0);
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:metrics:worker',
    'elaaoms_extractions_total{outcome="ok",provider="offline"}', 3,
    'elaaoms_extractions_total{outcome="failed",provider="openai"}', 20);
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"ok"}



=== TEST 13: too few extractions in the window to judge: ok
--- init
ElaaomsTest::redis_cmd('FLUSHALL');
ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', time(), 'EX', 60);
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:window', 't', time() - 10,
    'ok', 0, 'failed', 0, 'pok', 0, 'pfailed', 0);
ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:metrics:worker',
    'elaaoms_extractions_total{outcome="ok",provider="offline"}', 2,
    'elaaoms_extractions_total{outcome="failed",provider="openai"}', 7);
--- request
GET /health
--- error_code: 200
--- response_body chomp
{"status":"ok","redis":"ok","worker":"ok"}



=== TEST 14: an invalid elaaoms_health_failure_ratio stops nginx from starting
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_health_failure_ratio 2;
--- must_die
--- error_log
invalid "2" in "elaaoms_health_failure_ratio", expected a number from 0 to 1
