# elaaoms_status: the operators' page, its figures (?data=1) and the
# caller lookup (?org=&caller=), against figures seeded in Redis; then the
# page in headless Chromium (Debian's chromium): it renders the seeded
# figures with no console error, and its screenshot is kept in
# build/artifacts/status.png.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;
use File::Path ();
use File::Temp ();
use IO::Socket::INET ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();

shared_config(http_config => <<'HTTP', config => <<'CONFIG');
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
HTTP
    location /status/ { elaaoms_status; }
CONFIG

our $now = time();
our $PORT = server_port_for_client();

# the figures of one organization: two ready jobs (the oldest 300 s old),
# one delayed, one failed; usage; two recent conversations
sub seed {
    # ages are counted from now, whenever a block seeds
    $main::now = time();
    ElaaomsTest::redis_cmd('FLUSHALL');
    ElaaomsTest::redis_cmd('SET', 'elaaoms:worker:heartbeat', $now - 3,
                           'EX', 60);
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:workers', 'w1', $now);
    ElaaomsTest::redis_cmd('SADD', 'elaaoms:orgs', 'acme', 'zeta');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
        '{"org":"acme","enqueued_at":' . ($now - 300) . '}');
    ElaaomsTest::redis_cmd('LPUSH', 'elaaoms:{acme}:jobs:ready',
        '{"org":"acme","enqueued_at":' . ($now - 5) . '}');
    ElaaomsTest::redis_cmd('RPUSH', 'elaaoms:{acme}:jobs:processing:w1', '{}');
    ElaaomsTest::redis_cmd('ZADD', 'elaaoms:{acme}:jobs:delayed', $now + 60,
                           '{}');
    ElaaomsTest::redis_cmd('RPUSH', 'elaaoms:{acme}:jobs:failed', '{}');
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:{acme}:usage', 'extractions', 7,
        'input_tokens', 12000, 'output_tokens', 3400, 'cost', '0.0421');
    ElaaomsTest::redis_cmd('ZADD', 'elaaoms:{acme}:recent', $now - 100,
                           'conv_old', $now - 10, 'conv_new');
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:{acme}:conversation:conv_old',
        'status', 'extraction_completed', 'caller', '+14155550123',
        'agent_id', 'agent_support', 'received_at', $now - 100,
        'completed_at', $now - 88, 'memories_stored', 4,
        'provider', 'offline');
    # anonymous: no caller field
    ElaaomsTest::redis_cmd('HSET', 'elaaoms:{acme}:conversation:conv_new',
        'status', 'extraction_failed', 'agent_id', 'agent_sales',
        'received_at', $now - 10);
}

sub mem {
    my ($id, $content, $created) = @_;
    return { org => 'acme', caller => '+14155550123',
             agent => 'agent_support', type => 'preference',
             content => $content, importance => 6, created => $created,
             conversation => 'conv_old', id => $id };
}

# the page in headless Chromium: its DOM once the figures are in, and its
# console; undef when there is no chromium (and it is not required)
sub chromium_page {
    my ($url) = @_;
    my ($bin) = grep { -x } qw(/usr/bin/chromium /usr/bin/chromium-browser);
    unless ($bin) {
        die "chromium is missing\n" if $ENV{ELAAOMS_REQUIRE_CHROMIUM};
        return undef;
    }
    my $art = ElaaomsTest::repo_root() . '/build/artifacts';
    File::Path::make_path($art);
    my $profile = File::Temp::tempdir('elaaoms-chromium-XXXXXX', TMPDIR => 1,
                                      CLEANUP => 1);
    my @flags = ('--headless=new', '--no-sandbox', '--disable-gpu',
                 '--no-first-run', '--disable-extensions',
                 "--user-data-dir=$profile", '--enable-logging=stderr',
                 '--v=0', '--virtual-time-budget=3000',
                 '--window-size=1280,1400');
    my $dom = `$bin @flags --dump-dom '$url' 2>$profile/stderr`;
    my $log = do { local (@ARGV, $/) = ("$profile/stderr"); <> } // '';
    system("$bin @flags --screenshot=$art/status.png '$url' "
           . ">/dev/null 2>&1");
    return { dom => $dom, log => $log, shot => "$art/status.png" };
}

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the page: self-contained HTML, a CSP that forbids loading anything from elsewhere, not cached
--- request
GET /status/
--- error_code: 200
--- response_headers
Content-Type: text/html; charset=utf-8
Cache-Control: no-store
Content-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'
--- response_body_like
<h1>ELAAOMS status</h1>
--- response_body_unlike
(?:src|href)=["']?(?:https?:)?//
--- no_error_log
[error]



=== TEST 2: the figures: queues, the oldest job's age, usage, the newest conversations first
--- init
main::seed();
--- request
GET /status/?data=1
--- error_code: 200
--- response_headers
Content-Type: application/json
--- response_body_like eval
# every figure, in any order the JSON encoder chose
qr/^(?=.*"org":"acme")
    (?=.*"ready":2[,}])
    (?=.*"processing":1[,}])
    (?=.*"delayed":1[,}])
    (?=.*"failed":1[,}])
    (?=.*"invalid":0[,}])
    (?=.*"oldest_job_age":(?:29\d|30\d)[,}])
    (?=.*"input_tokens":12000[,}])
    (?=.*"cost_usd":0.0421[,}])
    (?=.*"recent":\[\{[^\]]*"conversation_id":"conv_new"[^\]]*"conversation_id":"conv_old")
    (?=.*"status":"extraction_completed")
    (?=.*"memories_stored":4[,}])
    (?=.*"org":"zeta")
    (?=.*"heartbeat_age":[3-5][,}])/sx



=== TEST 2b: the webhooks' latency percentiles from the metrics zone, for the charts
--- config
    location /status/ { elaaoms_status; }
    location = /webhook/client-data { elaaoms_auth off; elaaoms_webhook client_data; }
--- init
main::seed();
--- request eval
["POST /webhook/client-data\n{}", "POST /webhook/client-data\n{}",
 "GET /status/?data=1"]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/first_message/, qr/first_message/,
 qr/,"latency":\{"client_data":\{"p50":0\.\d{4},"p95":0\.\d{4},"p99":0\.\d{4},"count":2\}\}\}$/]



=== TEST 3: a conversation whose hash is gone (erased, expired) is not listed
--- init
main::seed();
ElaaomsTest::redis_cmd('DEL', 'elaaoms:{acme}:conversation:conv_old');
--- request
GET /status/?data=1
--- error_code: 200
--- response_body_unlike
conv_old



=== TEST 4: caller lookup: the caller's memories, newest first; a number written another way finds the same caller
--- init
main::seed();
ElaaomsTest::seed_memories(main::mem('m_old', 'Prefers email', 1763000000),
                           main::mem('m_new', 'Allergic to latex', 1764000000));
--- request eval
["GET /status/?org=acme&caller=%2B14155550123",
 "GET /status/?org=acme&caller=%2B1%20(415)%20555-0123"]
--- error_code eval
[200, 200]
--- response_body_like eval
[qr/^\{"org":"acme","caller":"\+14155550123","count":2,"memories":\[\{"id":"m_new","type":"preference","content":"Allergic to latex","importance":6,"created":1764000000,"agent_id":"agent_support","reinforced":\d+,"superseded":false\},\{"id":"m_old"/,
 qr/"count":2,/]



=== TEST 5: bad lookups: 400 with a JSON error, Redis untouched; an unknown caller has no memories
--- request eval
["GET /status/?org=acme&caller=",
 "GET /status/?org=bad%20org&caller=%2B14155550123",
 "GET /status/?caller=%2B14155550123",
 "GET /status/?org=acme&caller=%2B14155550199"]
--- error_code eval
[400, 400, 400, 200]
--- response_body_like eval
[qr/"error":"invalid_caller"/, qr/"error":"invalid_org"/,
 qr/"error":"invalid_org"/, qr/"count":0,"memories":\[\]/]



=== TEST 6: GET only
--- request
POST /status/
x
--- error_code: 405



=== TEST 7: in headless Chromium: the seeded figures and the latency charts render, no console error, a screenshot is kept
--- config
    location /status/ { elaaoms_status; }
    location = /webhook/client-data { elaaoms_auth off; elaaoms_webhook client_data; }
--- init
main::seed();
ElaaomsTest::seed_memories(main::mem('m_new', 'Allergic to latex', 1764000000));
# webhook traffic, for the latency charts
for (1 .. 3) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $main::PORT) or next;
    print $s "POST /webhook/client-data HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}";
    local $/;
    my $ignored = <$s>;
}
# nginx runs when init does: the page is loaded from it here
my $page = main::chromium_page("http://127.0.0.1:$main::PORT/status/");
SKIP: {
    Test::More::skip('no chromium (ELAAOMS_REQUIRE_CHROMIUM=1 makes it a failure)', 8)
        unless $page;
    Test::More::like($page->{dom}, qr/data-ready="1"/, 'the figures were fetched and rendered');
    Test::More::like($page->{dom}, qr/<td>acme<\/td>/, 'the organization is listed');
    Test::More::like($page->{dom}, qr/<td>conv_old<\/td>/, 'a recent conversation is listed');
    Test::More::like($page->{dom}, qr/<td class="n bad">1<\/td>/, 'the failed job stands out');
    Test::More::like($page->{dom}, qr/worker heartbeat \d+ s ago/, 'the heartbeat is shown');
    Test::More::like($page->{dom}, qr/<svg[^>]*>.*<rect.*p95 [\d.]+ ms.*3 requests/s, 'a latency chart of the 3 client-data requests');
    Test::More::unlike($page->{log}, qr/CONSOLE.*(?:Uncaught|Error|error)|Refused to/, 'no console error, nothing refused by the CSP')
        or Test::More::diag($page->{log});
    Test::More::ok(-s $page->{shot}, "a screenshot: $page->{shot}");
}
--- request
GET /status/?data=1
--- error_code: 200
