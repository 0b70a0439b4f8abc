# A Redis outage is logged at error once, when Redis stops answering, and
# at notice when it answers again; the requests in between log below warn.
# check_accum_error_log(): every check reads the whole log, so a count of
# lines holds however many requests the block sends.

use lib 't/lib';
# ELAAOMS_TEST_REDIS_CLUSTER=1 (t/lib/ElaaomsTest.pm)
BEGIN { require ElaaomsTest; ElaaomsTest::not_on_cluster(
    'it stops and restarts its one redis-server') }
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();

check_accum_error_log();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: nothing listens: six requests of three kinds, one error line
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_redis_timeout 300ms;
--- config
    location = /health { elaaoms_health; }
    location = /webhook/client-data {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_webhook client_data;
    }
    location = /webhook/search-memory {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_search_binding off;
        elaaoms_webhook search_memory;
    }
--- request eval
["GET /health",
 "POST /webhook/client-data\n{\"caller_id\":\"+14155550123\"}",
 "POST /webhook/search-memory\n{\"caller_id\":\"+14155550123\",\"query\":\"billing\"}",
 "GET /health",
 "POST /webhook/client-data\n{\"caller_id\":\"+14155550123\"}",
 "GET /health"]
--- error_code eval
[503, 200, 200, 503, 200, 503]
--- grep_error_log eval
qr/\[error\] \d+#\d+: (?:\*\d+ )?\K[^,\n]*/
--- grep_error_log_out eval
qr/\Aelaaoms: redis at 127\.0\.0\.1:\d+ unreachable: [^\n]+\n\z/
--- no_error_log
[warn]



=== TEST 2: Redis stops and comes back: one error line, then one notice
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
    elaaoms_redis_timeout 300ms;
    limit_req_zone $server_name zone=pause:1m rate=1r/s;
--- config
    location = /health { elaaoms_health; }
    # a core-nginx way to wait: the second request in a burst is delayed
    # (logged at debug, below the [warn] this block checks for)
    location = /pause {
        limit_req zone=pause burst=5;
        limit_req_log_level info;
        empty_gif;
    }
--- init
# down before the first request; a child starts it again at 1 s, while
# the third and fourth requests wait a second each
ElaaomsTest::redis_stop();
ElaaomsTest::restart_redis_later(0, 1);
--- pipelined_requests eval
["GET /health", "GET /health", "GET /pause", "GET /pause", "GET /pause",
 "GET /health", "GET /health"]
--- error_code eval
[503, 503, 200, 200, 200, 200, 200]
--- timeout: 10
--- grep_error_log eval
qr/\[(?:error|notice)\] \d+#\d+: (?:\*\d+ )?\Kelaaoms: [^,\n]*/
--- grep_error_log_out eval
qr/\Aelaaoms: redis at 127\.0\.0\.1:\d+ unreachable: [^\n]+\nelaaoms: redis at 127\.0\.0\.1:\d+ answers again\n\z/
--- no_error_log
[warn]
