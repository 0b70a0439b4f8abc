#!/usr/bin/perl
# The runner's valgrind mode can fail: its log parser finds memcheck's
# error records, and a record with a frame of ours fails the block while
# nginx's own are only warnings.  Run: prove t/runner/selftest-valgrind.pl

use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin";
use File::Temp qw(tempdir);
use Test::More;

require Test::Nginx::Socket;

my $log = <<'END';
==4242== Memcheck, a memory error detector
==4242== Invalid read of size 8
==4242==    at 0x4C1D2E: ngx_http_elaaoms_search_done (ngx_http_elaaoms_search_memory.c:701)
==4242==    by 0x4C0A11: ngx_http_elaaoms_batch_reply (ngx_http_elaaoms_redis.c:490)
==4242==  Address 0x5a1b040 is 16 bytes inside a block of size 64 free'd
==4242== 
==4242== Conditional jump or move depends on uninitialised value(s)
==4242==    at 0x12E404: ngx_http_parse_request_line (in /usr/sbin/nginx)
==4242== 
==4242== 24 bytes in 1 blocks are definitely lost in loss record 3 of 9
==4242==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==4242==    by 0x7D1E2A: elaaoms_json_parse (json_parse.c:180)
==4242== 
==4242== HEAP SUMMARY:
END

my @e = Test::Nginx::Socket::parse_valgrind_log($log);
is(scalar @e, 3, 'three error records');
like($e[0], qr/^Invalid read of size 8\n.*ngx_http_elaaoms_search_done/s, 'an invalid read with its stack');
like($e[1], qr/^Conditional jump/, 'an uninitialised value');
like($e[2], qr/definitely lost.*elaaoms_json_parse/s, 'a leak with its stack');
is(scalar(Test::Nginx::Socket::parse_valgrind_log("==1== HEAP SUMMARY:\n==1== \n")), 0,
   'a clean log has none');

# _check_valgrind fails the block for ours, warns for nginx's
my $dir = tempdir(CLEANUP => 1);
{
    no warnings 'once';
    local $Test::Nginx::Socket::LogDir = $dir;
    open my $fh, '>', "$dir/valgrind.log" or die $!;
    print $fh $log;
    close $fh;

    my (@failed, @warned);
    no warnings 'redefine';
    local *Test::More::fail = sub { push @failed, $_[0]; 0 };
    local *Test::More::diag = sub { };
    local $SIG{__WARN__} = sub { push @warned, $_[0] };
    Test::Nginx::Socket::_check_valgrind('block');
    use warnings 'redefine';

    is(scalar @failed, 2, 'two failures: the invalid read and the leak in our code');
    like($failed[0], qr/block - valgrind: Invalid read/, 'named after the block');
    is(scalar @warned, 1, "nginx's own record is a warning");
}

done_testing();
