# Self-test of the Test::Nginx runner (t/runner/Test/Nginx/Socket.pm).
# Uses only core nginx directives, so it must pass both with our clean-room
# runner and with the real Test::Nginx::Socket:
#   TEST_NGINX_BINARY=/usr/sbin/nginx prove -I t/runner t/runner-selftest.t
# The "checks can fail" half lives in t/runner/selftest-fail.pl.

use Test::Nginx::Socket 'no_plan';

$ENV{TEST_NGINX_SELFTEST_WORD} = 'expanded-from-env';

run_tests();

__DATA__

=== TEST 1: status, body, headers (present and absent)
--- config
    location = /t {
        add_header X-Selftest yes;
        return 200 "hello\n";
    }
--- request
GET /t
--- error_code: 200
--- response_headers
X-Selftest: yes
Content-Type: text/plain
Content-Length: 6
!X-Not-There
--- response_body
hello



=== TEST 2: chomp filter, response_body_like, response_headers_like
--- config
    location = /t {
        add_header X-Num 12345;
        return 200 "no newline";
    }
--- request
    GET /t
--- response_headers_like
X-Num: \d+
Server: nginx.*
--- response_body chomp
no newline



=== TEST 3: response_body_like one-liner and a non-200 status
--- config
    location = /t {
        return 403 "forbidden: go away\n";
    }
--- request
GET /t
--- error_code: 403
--- response_body_like: ^forbidden: .*away$



=== TEST 4: request body is trimmed and gets a Content-Length
--- config
    location = /post {
        return 200 "$request_method len=$http_content_length\n";
    }
--- request
POST /post
hello world

--- response_body
POST len=11



=== TEST 5: more_headers reach nginx
--- config
    location = /h {
        return 200 "a=$http_x_a b=$http_x_b host=$host\n";
    }
--- more_headers
X-A: one
X-B: two words
--- request
GET /h
--- response_body
a=one b=two words host=localhost



=== TEST 6: several requests through eval arrays
--- config
    location = /a { return 200 "A\n"; }
    location = /b { return 201 "B\n"; }
    location = /c { return 404; }
--- request eval
["GET /a", "GET /b", "GET /c"]
--- error_code eval
[200, 201, 404]
--- response_body_like eval
["^A\$", "^B\$", "404 Not Found"]
--- no_error_log
[alert]



=== TEST 7: $TEST_NGINX_* variables are expanded in config sections
--- config
    location = /env {
        return 200 "$TEST_NGINX_SELFTEST_WORD port=$TEST_NGINX_SERVER_PORT\n";
    }
--- request
GET /env
--- response_body_like chomp
^expanded-from-env port=\d+$



=== TEST 8: error_log and no_error_log (strings and regexes)
--- config
    location /static/ {
        root html;
    }
--- request
GET /static/missing.html
--- error_code: 404
--- error_log eval
[qr/open\(\) ".*missing\.html" failed/, "No such file or directory"]
--- no_error_log
[alert]
[emerg]



=== TEST 9: user_files are served from the html dir
--- user_files
>>> hello.txt
file content
>>> sub/dir/x.html
<p>x</p>
--- config
--- request
GET /sub/dir/x.html
--- response_body
<p>x</p>



=== TEST 10: chunked response bodies are decoded (ssi drops Content-Length)
--- user_files
>>> page.html
uri=<!--# echo var="uri" -->
--- config
    location = /page.html {
        ssi on;
        root html;
    }
--- request
GET /page.html
--- response_headers
Transfer-Encoding: chunked
!Content-Length
--- response_body
uri=/page.html



=== TEST 11: raw_request with a chunked request body
--- config
    location = /c {
        return 200 "te=$http_transfer_encoding\n";
    }
--- raw_request eval
"POST /c HTTP/1.1\r
Host: localhost\r
Transfer-Encoding: chunked\r
Connection: close\r
\r
5\r
hello\r
0\r
\r
"
--- response_body
te=chunked



=== TEST 12: request with Transfer-Encoding: chunked in more_headers
--- config
    location = /c {
        return 200 "te=$http_transfer_encoding cl=$http_content_length\n";
    }
--- more_headers
Transfer-Encoding: chunked
--- request eval
"POST /c
5\r
hello\r
0\r
\r
"
--- response_body
te=chunked cl=



=== TEST 13: limit_req rejects the second request
--- http_config
    limit_req_zone $binary_remote_addr zone=selftest:1m rate=1r/m;
--- config
    # not "return": the rewrite phase would run before limit_req
    location = /index.html {
        limit_req zone=selftest nodelay;
        root html;
    }
--- request eval
["GET /index.html", "GET /index.html"]
--- error_code eval
[200, 503]
--- response_body_like eval
["It works!", "503 Service Temporarily Unavailable"]



=== TEST 14: main_config, timeout with unit, and the location-level error_log
--- main_config
    worker_rlimit_nofile 1024;
--- config
    location = /t {
        error_log logs/t.log info;
        return 204;
    }
--- request
GET /t
--- timeout: 2s
--- error_code: 204
--- response_body chomp



=== TEST 15: an invalid config must make nginx die
--- config
    location = /t {
        no_such_directive_selftest on;
    }
--- must_die



=== TEST 16: shutdown_error_log sees the graceful-shutdown messages
--- config
    location = /t { return 200 "bye\n"; }
--- request
GET /t
--- response_body
bye
--- shutdown_error_log
(SIGQUIT) received
--- no_shutdown_error_log
[alert]



=== TEST 17: a skipped block is never run
--- SKIP
--- config
    location = /t { return 500; }
--- request
GET /t
--- error_code: 200



=== TEST 18: last block; whatever follows is ignored
--- LAST
--- config
    location = /t { return 200 "last\n"; }
--- request
GET /t
--- response_body
last



=== TEST 19: never reached because of LAST
--- config
    location = /t { return 500; }
--- request
GET /t
--- error_code: 200
