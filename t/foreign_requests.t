# Requests outside the module's locations, in an http block where another
# server uses the module: internal redirects (try_files to a named
# location, error_page, X-Accel-Redirect) and a client abort after one,
# with error-log lines at info level.  nginx clears module contexts on
# redirects; whatever the module keeps per request must survive that, and
# nothing may take a worker down.  master_on: a crashed worker is reported
# by the master ("exited on signal") and replaced, so every block checks
# the log for it as well as the answer.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_DEAD_PORT} = free_port();
$ENV{TEST_NGINX_HUNG_PORT} = blackhole_port();
$ENV{TEST_NGINX_MODULE_PORT} = free_port();
$ENV{TEST_NGINX_UPSTREAM_PORT} = free_port();

master_on();
log_level('info');
no_shuffle();

add_block_preprocessor(sub {
    my $block = shift;

    # the module is used in the http block, by a server of its own; the
    # test's server has no elaaoms directive at all
    $block->set_value('http_config', <<'_EOC_');
    server {
        listen 127.0.0.1:$TEST_NGINX_MODULE_PORT;
        location = /health { elaaoms_health; }
    }

    # an upstream that answers with an X-Accel-Redirect
    server {
        listen 127.0.0.1:$TEST_NGINX_UPSTREAM_PORT;
        location / {
            add_header X-Accel-Redirect /internal/nowhere;
            return 200 "redirected away\n";
        }
    }
_EOC_

    $block->set_value('no_error_log', "exited on signal\n[alert]\n")
        unless defined $block->no_error_log;
});

run_tests();

__DATA__

=== TEST 1: try_files to a named location proxying to a dead upstream
--- config
    location /app/ { try_files /nothing @app; }
    location @app { proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT; }
--- request
GET /app/x
--- error_code: 502
--- error_log
connect() failed (111: Connection refused) while connecting to upstream



=== TEST 2: error_page to a page that does not exist either
--- config
    location /pages/ { error_page 404 /missing.html; }
--- request
GET /pages/nothing.html
--- error_code: 404
--- error_log eval
[qr/open\(\) ".*\/pages\/nothing.html" failed/, qr/open\(\) ".*\/missing.html" failed/]



=== TEST 3: X-Accel-Redirect from a proxied upstream to a dead one
--- config
    location /accel/ { proxy_pass http://127.0.0.1:$TEST_NGINX_UPSTREAM_PORT; }
    location /internal/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT;
    }
--- request
GET /accel/x
--- error_code: 502
--- error_log
connect() failed (111: Connection refused) while connecting to upstream



=== TEST 4: a client that gives up while a redirected request waits
--- config
    location /slow/ { try_files /nothing @hung; }
    location @hung {
        proxy_pass http://127.0.0.1:$TEST_NGINX_HUNG_PORT;
        proxy_read_timeout 30s;
    }
--- request
GET /slow/x
--- timeout: 0.5
--- abort
--- ignore_response
--- wait: 0.5
--- error_log
client prematurely closed connection



=== TEST 5: the same nginx still answers every kind afterwards
--- config
    location /app/ { try_files /nothing @app; }
    location @app { proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT; }
    location /accel/ { proxy_pass http://127.0.0.1:$TEST_NGINX_UPSTREAM_PORT; }
    location /internal/ {
        internal;
        proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT;
    }
    location /pages/ { error_page 404 /missing.html; }
--- request eval
["GET /app/x", "GET /accel/x", "GET /pages/nothing.html", "GET /app/y"]
--- error_code eval
[502, 502, 404, 502]



=== TEST 6: redirected out of a module location, nginx's lines go on without the id
--- config
    location = /health { elaaoms_health; error_page 405 = @dead; }
    location @dead { proxy_pass http://127.0.0.1:$TEST_NGINX_DEAD_PORT; }
--- request
POST /health
--- error_code: 502
--- error_log
connect() failed (111: Connection refused) while connecting to upstream
--- no_error_log eval
[qr/connect\(\) failed.*request_id/, "exited on signal", "[alert]"]



=== TEST 7: redirected into a module location, nginx's lines carry the id
--- config
    location /into/ { try_files /nothing /small; }
    location = /small { client_max_body_size 1; elaaoms_health; }
--- request
POST /into/x
0123456789
--- error_code: 413
--- response_body_like: ^\{"error":"payload_too_large"
--- error_log eval
qr/client intended to send too large body: 10 bytes, .*, request_id: [0-9a-f]{32}$/m
