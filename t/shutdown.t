# nginx -s quit with the module's Redis connection open: the worker closes
# it in exit_process, so nginx logs no "open socket ... left" alert.
# master_on(): only a worker process checks for leftover sockets at exit.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();

master_on();
workers(2);
run_tests();

__DATA__

=== TEST 1: graceful quit after Redis was used
--- http_config
    elaaoms_redis 127.0.0.1:$TEST_NGINX_REDIS_PORT;
--- config
    location = /health { elaaoms_health; }
--- request
GET /health
--- error_code: 200
--- shutdown_error_log
gracefully shutting down
--- no_shutdown_error_log
[alert]
