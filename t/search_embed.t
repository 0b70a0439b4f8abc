# search-memory with provider embeddings: the question's vector comes from
# the embeddings provider the worker embedded the memories with, through a
# subrequest to an internal location that proxies to it (the fake provider,
# t/fakes/fake_llm.py), cached in Redis; slow, failing or wrong answers
# leave the offline scores.  Memories are seeded the way the worker's
# "embedder openai" stores them: the provider's vector (asked of the fake
# here) with the offline one beside it.

use lib 't/lib';
use Test::Nginx::Socket 'no_plan';
use ElaaomsTest;

use Digest::SHA ();
use File::Temp qw(tempdir);
use HTTP::Tiny ();
use JSON::PP ();

$ENV{TEST_NGINX_REDIS_PORT} = redis_start();
our $FAKE = fake_start();
$ENV{TEST_NGINX_FAKE} = $FAKE;

our $KEY = 'sk-elaaoms-test-9f8e7d6c5b4a';
our $MARIA = '+14155550123';
our $OTHER = '+14155550199';
our $MODEL = 'text-embedding-3-small';
our $DIMS = 64;

# the key file, as an operator writes it (with the editor's newline)
my $dir = tempdir('elaaoms-key-XXXXXX', TMPDIR => 1, CLEANUP => 1);
$ENV{TEST_NGINX_EMBED_KEY_FILE} = "$dir/openai.key";
open my $kf, '>', "$dir/openai.key" or die $!;
print $kf "$KEY\n";
close $kf;
# and two files that hold no usable key
$ENV{TEST_NGINX_EMPTY_KEY_FILE} = "$dir/empty.key";
$ENV{TEST_NGINX_SPACED_KEY_FILE} = "$dir/spaced.key";
open $kf, '>', "$dir/empty.key" or die $!;
print $kf " \n";
close $kf;
open $kf, '>', "$dir/spaced.key" or die $!;
print $kf "sk-part one\n";
close $kf;

# --- memories with the provider's vectors -----------------------------------

my %TEXT = (
    m_code   => 'The caller said they need PO-88412 on every invoice',
    m_dog    => 'Has a dog named Rex',
    m_email  => 'Prefers email over phone calls',
    m_router => 'Their RX-200 router drops the connection every evening',
    m_austin => 'Lives in Austin, Texas',
);

# the provider's vectors of texts, as the worker would get them
sub provider_vectors {
    my @texts = @_;
    my $res = HTTP::Tiny->new->post("$FAKE/v1/embeddings", {
        headers => { 'content-type' => 'application/json',
                     authorization => 'Bearer sk-seeding' },
        content => JSON::PP::encode_json({ model => $MODEL,
                                           dimensions => $DIMS,
                                           input => \@texts }) });
    die "fake embeddings: $res->{status}" unless $res->{success};
    my $data = JSON::PP::decode_json($res->{content})->{data};
    return map { $_->{embedding} } sort { $a->{index} <=> $b->{index} } @$data;
}

my @ids = sort keys %TEXT;
my @vecs = provider_vectors(map { $TEXT{$_} } @ids);
ElaaomsTest::seed_memories(
    map({ +{ org => 'acme', caller => $MARIA, id => $ids[$_],
             agent => 'agent_support', conversation => 'conv_a',
             type => 'factual', importance => 6, content => $TEXT{$ids[$_]},
             vector => $vecs[$_], embed_model => $MODEL } } 0 .. $#ids),
    # a caller whose memories are all offline ones
    { org => 'acme', caller => $OTHER, id => 'o_dog', agent => 'agent_support',
      conversation => 'conv_o', type => 'factual', importance => 6,
      content => 'Has a cat named Tom' });
ElaaomsTest::fake_control($FAKE, { reset => JSON::PP::true() });

# questions the offline scores do not relate to their memory, which the
# (fake) provider places next to it
our $PARAPHRASE = 'how is the paperwork to be labelled';
ElaaomsTest::fake_control($FAKE, { embed_alias => {
    $PARAPHRASE => $TEXT{m_code} } });

sub search {
    my (%p) = @_;
    return "POST /webhook/search-memory\n" . JSON::PP->new->canonical->encode(
        { caller_id => $MARIA, agent_id => 'agent_support', %p });
}

sub embed_requests { ElaaomsTest::fake_requests($FAKE, '/v1/embeddings') }

sub ids_of {
    join ',', map { $_->{id} } @{ JSON::PP::decode_json($_[0])->{results} };
}

sub qvec_key {
    my ($q) = @_;
    return "elaaoms:acme:qvec:$MODEL:$DIMS:" . Digest::SHA::sha256_hex($q);
}

our $HTTP_CONFIG = "    elaaoms_redis 127.0.0.1:$ENV{TEST_NGINX_REDIS_PORT};\n";

# nginx's proxy module prints upstream request headers (the key too) at
# debug level: the search location logs from info, as production does
our $CONFIG = <<'END';
    location = /webhook/search-memory {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_search_binding off;
        elaaoms_search_embed_location /_elaaoms_embed;
        elaaoms_search_embed_dimensions 64;
        error_log logs/error.log info;
        elaaoms_webhook search_memory;
    }

    location = /offline/search-memory {
        elaaoms_org acme;
        elaaoms_auth off;
        elaaoms_search_binding off;
        elaaoms_webhook search_memory;
    }

    location = /_elaaoms_embed {
        internal;
        elaaoms_embed_key_file $TEST_NGINX_EMBED_KEY_FILE;
        proxy_pass $TEST_NGINX_FAKE/v1/embeddings;
        proxy_set_header Authorization "Bearer $elaaoms_embed_key";
        proxy_read_timeout 5s;
        subrequest_output_buffer_size 64k;
    }

    location = /key {
        add_header X-Key "[$elaaoms_embed_key]";
        return 200 "no key here\n";
    }
END

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the premise: offline, the paraphrase misses the billing code
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
"POST /offline/search-memory\n" . JSON::PP::encode_json({ caller_id => $main::MARIA,
    agent_id => 'agent_support', query => $main::PARAPHRASE })
--- response_body_unlike: "m_code"
--- no_error_log
[error]



=== TEST 2: with the provider's vector the paraphrase finds it; nothing but the body and the key go to the provider
--- init
Test::More::is(scalar(main::embed_requests()), 0, 'the offline location asked no provider');
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- more_headers
X-Elaaoms-Secret: tool-secret-must-stay
Cookie: session=also-stays
--- request eval
main::search(query => $main::PARAPHRASE)
--- response_body_like: ^\{"query":"how is the paperwork to be labelled","results":\[\{"id":"m_code",
--- no_error_log eval
[qr/\[error\]/, qr/\[warn\]/, qr/\Q$main::KEY\E/, qr/9f8e7d6c5b4a/]



=== TEST 3: the request the provider got; the vector cached for 24 h; asked again, the cache answers
--- init
my @e = main::embed_requests();
Test::More::is(scalar @e, 1, 'one embeddings request');
Test::More::is($e[0]{method}, 'POST', 'POST');
Test::More::is($e[0]{headers}{authorization}, "Bearer $main::KEY", 'the key from the file');
Test::More::is($e[0]{headers}{'content-type'}, 'application/json', 'JSON');
Test::More::is_deeply($e[0]{json}{input}, [$main::PARAPHRASE], 'the question');
Test::More::is($e[0]{json}{model}, $main::MODEL, 'the model');
Test::More::is($e[0]{json}{dimensions}, 64, 'the dimensions');
Test::More::ok(!exists $e[0]{headers}{'x-elaaoms-secret'}, 'the tool secret stays home');
Test::More::ok(!exists $e[0]{headers}{cookie}, 'the client\'s cookie too');
my $ttl = ElaaomsTest::redis_cmd('TTL', main::qvec_key($main::PARAPHRASE));
Test::More::ok($ttl =~ /(\d+)/ && $1 > 86000 && $1 <= 86400, "cached for 24 h ($ttl)");
Test::More::like(ElaaomsTest::redis_cmd('STRLEN', main::qvec_key($main::PARAPHRASE)), qr/\b64\b/,
    'as 64 bytes, one a dimension');
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
[main::search(query => $main::PARAPHRASE), main::search(query => "  $main::PARAPHRASE \n")]
--- response_body_like eval
[qr/^\{"query":"[^"]+","results":\[\{"id":"m_code",/, qr/^\{"query":"[^"]+","results":\[\{"id":"m_code",/]
--- no_error_log eval
[qr/\[error\]/, qr/\[warn\]/, qr/\Q$main::KEY\E/]



=== TEST 4: a provider slower than the timeout: the offline answer within a second
--- init
Test::More::is(scalar(main::embed_requests()), 1, 'both answered from the cache');
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true(),
    script => [ { match => '/v1/embeddings', delay_ms => 2500 } ] });
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
main::search(query => 'does she have a dog?')
--- timeout: 1.5
--- response_body_like: ^\{"query":"does she have a dog\?","results":\[\{"id":"m_dog",
--- error_log
the embeddings provider did not answer within 800 ms: offline scores
--- no_error_log eval
[qr/\[error\]/, qr/\Q$main::KEY\E/]



=== TEST 5: a provider answering 500: the offline answer, nothing cached
--- init
Test::More::is(scalar(main::embed_requests()), 1, 'the provider was asked');
ElaaomsTest::fake_control($main::FAKE, { reset => JSON::PP::true(), embed_alias => {
    $main::PARAPHRASE => 'The caller said they need PO-88412 on every invoice' },
    script => [ { match => '/v1/embeddings', status => 500 } ] });
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
main::search(query => 'where does she live?')
--- response_body_like: ^\{"query":"where does she live\?","results":\[\{"id":"m_austin",
--- error_log
the embeddings provider answered 500
--- no_error_log eval
[qr/\[error\]/, qr/\Q$main::KEY\E/]



=== TEST 6: a vector of the wrong dimension: the offline answer, warned of, nothing cached
--- init
Test::More::is(scalar(main::embed_requests()), 1, 'the provider was asked once');
Test::More::like(ElaaomsTest::redis_cmd('EXISTS', main::qvec_key('where does she live?')), qr/\b0\b/,
    'a failed answer is not cached');
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true(),
    script => [ { match => '/v1/embeddings', dims => 8 } ] });
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
main::search(query => 'how does she want to be contacted?')
--- response_body_like: ^\{"query":"how does she want to be contacted\?","results":\[\{"id":"m_email",
--- error_log
"text-embedding-3-small" answered 8 dimensions, the memories hold 64: offline scores
--- no_error_log eval
[qr/\[error\]/, qr/\Q$main::KEY\E/]



=== TEST 7: a caller without provider vectors asks no provider; the key variable is empty outside the subrequest
--- init
Test::More::is(scalar(main::embed_requests()), 1, 'the provider was asked once');
Test::More::like(ElaaomsTest::redis_cmd('EXISTS', main::qvec_key('how does she want to be contacted?')),
    qr/\b0\b/, 'a wrong answer is not cached');
ElaaomsTest::fake_control($main::FAKE, { clear_requests => JSON::PP::true() });
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request eval
[main::search(query => 'does he have a pet?', caller_id => $main::OTHER), "GET /key"]
--- response_body_like eval
[qr/"results":\[\{"id":"o_dog",/, qr/^no key here$/]
--- response_headers eval
["", "X-Key: []"]
--- no_error_log eval
[qr/\[error\]/, qr/\[warn\]/]



=== TEST 8: a key file that cannot be read stops nginx from starting
--- init
Test::More::is(scalar(main::embed_requests()), 0, 'no provider asked for offline records');
--- http_config eval: $main::HTTP_CONFIG
--- config
    location = /_elaaoms_embed {
        internal;
        elaaoms_embed_key_file /nonexistent/elaaoms/openai.key;
        proxy_pass http://127.0.0.1:1/v1/embeddings;
    }
--- must_die
--- error_log
open() "/nonexistent/elaaoms/openai.key" failed



=== TEST 9: an empty key file stops nginx from starting
--- http_config eval: $main::HTTP_CONFIG
--- config
    location = /a { internal; elaaoms_embed_key_file $TEST_NGINX_EMPTY_KEY_FILE; }
--- must_die
--- error_log eval
qr/empty\.key" holds no key/



=== TEST 10: a model name that cannot be part of a key stops nginx from starting
--- http_config eval: $main::HTTP_CONFIG
--- config
    location = /webhook/search-memory {
        elaaoms_auth off;
        elaaoms_search_embed_location /_elaaoms_embed;
        elaaoms_search_embed_model "text embedding";
        elaaoms_webhook search_memory;
    }
--- must_die
--- error_log
invalid model name "text embedding"



=== TEST 11: a key with a space inside is refused without being printed; conf/nginx-embeddings.conf, the README's example, passes nginx -t
--- init
my ($rc, $out) = ElaaomsTest::nginx_check(
    "server { listen 127.0.0.1:1; location = /b { internal; "
    . "elaaoms_embed_key_file $ENV{TEST_NGINX_SPACED_KEY_FILE}; } }\n");
Test::More::isnt($rc, 0, 'nginx -t refuses it');
Test::More::like($out, qr/spaced\.key" holds a space or a control character/, 'naming the file');
Test::More::unlike($out, qr/sk-part/, 'not its content');
open my $fh, '<', ElaaomsTest::repo_root() . '/conf/nginx-embeddings.conf' or die $!;
my $conf = do { local $/; <$fh> };
close $fh;
$conf =~ s{/etc/elaaoms/openai\.key}{$ENV{TEST_NGINX_EMBED_KEY_FILE}} or die 'no key file line';
$conf =~ s{/var/log/nginx/error\.log}{/dev/null} or die 'no error_log line';
($rc, $out) = ElaaomsTest::nginx_check("server {\n    listen 127.0.0.1:1;\n$conf\n}\n");
Test::More::is($rc, 0, 'nginx -t accepts it') or Test::More::diag($out);
Test::More::unlike($out, qr/\Q$main::KEY\E/, 'and does not print the key');
--- http_config eval: $main::HTTP_CONFIG
--- config eval: $main::CONFIG
--- request
GET /key
--- response_body
no key here
