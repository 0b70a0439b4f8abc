# elaaoms_metrics: Prometheus text exposition after known traffic --
# request counters by location kind and status, cumulative latency
# buckets whose +Inf and _count equal the requests, the queue gauges
# against jobs pushed to Redis, the worker's own families passed through
# (a malformed field left out), Redis down -> elaaoms_redis_up 0 and still
# 200; and "promtool check metrics" (Debian's prometheus package) accepts
# the text.  Another nginx's locations are never counted.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use File::Temp ();
use IO::Socket::INET ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
$ENV{TEST_NGINX_DEAD_PORT} = free_port();

shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location = /health { elaaoms_health; }
    location = /metrics { elaaoms_metrics; }
    location = /webhook/client-data { elaaoms_auth off; elaaoms_webhook client_data; }
    location = /webhook/search-memory { elaaoms_shared_secret X-Tool-Secret 0123456789abcdef0123; elaaoms_webhook search_memory; }
    location = /plain { return 200 "not ours\n"; }
CONFIG

our $now = time();
our $PORT = server_port_for_client();

# promtool's verdict on a scraped text (a response_body_filters sub)
sub promtool {
    my ($text) = @_;
    my $bin = '/usr/bin/promtool';
    unless (-x $bin) {
        die "promtool is missing\n" if $ENV{ELAAOMS_REQUIRE_PROMTOOL};
        return "promtool: skipped\n";
    }
    my $tmp = File::Temp->new;
    print $tmp $text;
    close $tmp;
    my $out = `$bin check metrics < $tmp 2>&1`;
    return $? == 0 ? "promtool: ok\n" : "promtool: $out";
}

sub seed {
    # ages are counted from now, whenever a block seeds
    $main::now = time();
    ElaaomsTest::redis_cmd('FLUSHALL');
    ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', $now - 2,
                           'EX', 60);
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:workers', 'w1', $now);
    ElaaomsTest::redis_cmd('SADD', 'elaaoms:orgs', 'acme');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
        '{"org":"acme","enqueued_at":' . ($now - 120) . '}');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
        '{"org":"acme","enqueued_at":' . ($now - 3) . '}');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready', '{}');
    ElaaomsTest::redis_cmd('RPUSH', 'elaaoms:{acme}:jobs:processing:w1', '{}');
    ElaaomsTest::redis_cmd('ZADD', 'elaaoms:{acme}:jobs:delayed', $now, 'j1',
                           $now + 1, 'j2');
    ElaaomsTest::redis_cmd('RPUSH', 'elaaoms:{acme}:jobs:failed', '{}');
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:metrics:worker',
        'elaaoms_extractions_total{outcome="ok",provider="offline"}', 5,
        'elaaoms_extractions_total{outcome="failed",provider="openai"}', 1,
        'elaaoms_postcall_to_stored_seconds_bucket{le="10"}', 4,
        'elaaoms_postcall_to_stored_seconds_bucket{le="+Inf"}', 5,
        'elaaoms_postcall_to_stored_seconds_sum', '31.5',
        'elaaoms_postcall_to_stored_seconds_count', 5,
        'elaaoms_extractions_total{outcome="ok"', 9,
        'elaaoms_unknown_family_total', 3);
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:{health}:metrics:worker:meta',
        'elaaoms_extractions_total', 'counter Extractions by outcome and provider.',
        'elaaoms_postcall_to_stored_seconds', 'histogram From post-call to memories stored.');
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: known traffic, then a scrape: counters by kind and status, cumulative buckets, not other locations
--- init
main::seed();
--- request eval
["GET /health", "GET /health", "GET /health",
 "POST /webhook/search-memory\n{}",
 "POST /webhook/search-memory\n{}",
 "GET /plain", "GET /plain",
 "GET /metrics"]
--- error_code eval
[200, 200, 200, 401, 401, 200, 200, 200]
--- response_body_like eval
[qr/ok/, qr/ok/, qr/ok/, qr/unauthorized/, qr/unauthorized/, qr/not ours/,
 qr/not\ ours/,
 qr/^(?=.*\n?elaaoms_http_requests_total\{webhook="health",status="200"\}\ 3\n)
    (?=.*\nelaaoms_http_requests_total\{webhook="search_memory",status="401"\}\ 2\n)
    (?=.*\nelaaoms_http_request_duration_seconds_bucket\{webhook="health",le="\+Inf"\}\ 3\n)
    (?=.*\nelaaoms_http_request_duration_seconds_count\{webhook="health"\}\ 3\n)
    (?=.*\nelaaoms_http_request_duration_seconds_bucket\{webhook="search_memory",le="10"\}\ 2\n)
    (?=.*\n\#\ TYPE\ elaaoms_http_request_duration_seconds\ histogram\n)
    (?!.*not\ ours)
    (?!.*webhook="metrics")/sx]
--- response_headers_like eval
["", "", "", "", "", "", "", "Content-Type: text/plain; version=0.0.4; charset=utf-8"]



=== TEST 2: the buckets are cumulative: each at least the one before
--- init
main::seed();
--- request eval
["GET /health", "GET /health", "GET /metrics"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/ok/, qr/ok/, qr/le="0.001"\} (\d+)\n.*le="0.0025"\} (\d+)\n.*le="\+Inf"\} 2\n/s]



=== TEST 3: the queue gauges and the worker's heartbeat, from Redis
--- init
main::seed();
--- request
GET /metrics
--- error_code: 200
--- response_body_like eval
qr/^(?=.*\nelaaoms_queue_jobs\{org="acme",state="ready"\}\ 3\n)
    (?=.*\nelaaoms_queue_jobs\{org="acme",state="processing"\}\ 1\n)
    (?=.*\nelaaoms_queue_jobs\{org="acme",state="delayed"\}\ 2\n)
    (?=.*\nelaaoms_queue_jobs\{org="acme",state="failed"\}\ 1\n)
    (?=.*\nelaaoms_queue_jobs\{org="acme",state="invalid"\}\ 0\n)
    (?=.*\nelaaoms_queue_oldest_job_age_seconds\{org="acme"\}\ 1[2-3]\d\n)
    (?=.*\nelaaoms_worker_heartbeat_age_seconds\ [2-9]\n)
    (?=.*\nelaaoms_worker_last_beat_age_seconds\{worker="w1"\}\ [0-9]\n)
    (?=.*\nelaaoms_redis_up\ 1\n)/sx



=== TEST 4: the worker's families pass through with their HELP and TYPE; a malformed field and a family without meta are left out
--- init
main::seed();
--- request
GET /metrics
--- error_code: 200
--- response_body_like eval
qr/^(?=.*\n\#\ HELP\ elaaoms_extractions_total\ Extractions\ by\ outcome\ and\ provider\.\n\#\ TYPE\ elaaoms_extractions_total\ counter\n)
    (?=.*\nelaaoms_extractions_total\{outcome="failed",provider="openai"\}\ 1\n)
    (?=.*\nelaaoms_extractions_total\{outcome="ok",provider="offline"\}\ 5\n)
    (?=.*\n\#\ TYPE\ elaaoms_postcall_to_stored_seconds\ histogram\n)
    (?=.*\nelaaoms_postcall_to_stored_seconds_bucket\{le="\+Inf"\}\ 5\n)
    (?=.*\nelaaoms_postcall_to_stored_seconds_sum\ 31.5\n)
    (?!.*outcome="ok"\ 9)
    (?!.*elaaoms_unknown_family_total)/sx



=== TEST 5: promtool accepts the whole text
--- init
main::seed();
# some traffic first, so every family has series (nginx runs when init does)
for my $path ('/health', '/webhook/search-memory') {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $main::PORT) or next;
    print $s "POST $path HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}";
    local $/;
    my $ignored = <$s>;
}
--- request
GET /metrics
--- response_body_filters eval
\&main::promtool
--- response_body
promtool: ok



=== TEST 6: Redis does not answer: the zone's figures, elaaoms_redis_up 0, still 200
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_DEAD_PORT;
    elaaoms_redis_timeout 300ms;
--- request eval
["GET /health", "GET /metrics"]
--- error_code eval
[503, 200]
--- response_body_like eval
[qr/down/,
 qr/^(?=.*\nelaaoms_redis_up\ 0\n)
    (?=.*elaaoms_http_requests_total\{webhook="health",status="503"\}\ 1\n)
    (?=.*elaaoms_redis_errors_total\{kind="unreachable"\}\ [1-9])
    (?!.*elaaoms_queue_jobs)/sx]
