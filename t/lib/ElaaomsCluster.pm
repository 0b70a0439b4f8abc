package ElaaomsCluster;

# A real local Redis Cluster for a suite (scripts/redis-cluster.sh: three
# masters, three replicas on 127.0.0.1), stopped when the suite ends.
#
#   my $base = cluster_start() or skip: this redis-server has no cluster
#   cluster_cli(ARGS)          redis-cli -c on the first node: its output
#   cluster_master_of(KEY)     the port of the master serving KEY's slot
#   cluster_master_of_slot(S)  the port of the master serving slot S
#   cluster_reshard(FROM, TO, N)  a child running redis-cli --cluster
#                              reshard of N slots from master port FROM to
#                              master port TO (its log beside the nodes');
#                              returns the child's pid
#   cluster_kill(PORT)         SIGKILL to that node
#   cluster_wait_ok(SECONDS)   until every live node says cluster_state:ok
#                              and no slot has a failed master
#   cluster_masters()          the ports of the masters that are not failed
#   cluster_seeds()            "127.0.0.1:P 127.0.0.1:P+1 127.0.0.1:P+2"
#
# The six ports are searched from ELAAOMS_TEST_CLUSTER_PORT upwards (100
# ports) when it is set, else within 7400..7899.

use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();
use ElaaomsTest ();

our @EXPORT = qw(cluster_start cluster_cli cluster_base cluster_master_of
                 cluster_master_of_slot cluster_reshard
                 cluster_kill cluster_wait_ok cluster_ports cluster_masters
                 cluster_seeds cluster_replicated cluster_node_cmd
                 cluster_node_id);

my ($base, $dir, $owner);
my %killed;

sub cluster_base { $base }
sub cluster_ports { grep { !$killed{$_} } $base .. $base + 5 }

# six ports and their bus ports (+10000) free
sub _free_range {
    my $from = $ENV{ELAAOMS_TEST_CLUSTER_PORT};
    my ($first, $end) = $from ? ($from, $from + 100) : (7400 + ($$ % 40) * 10, 7900);
    for (my $p = $first; $p + 5 < $end; $p += 10) {
        my $ok = 1;
        for my $q ($p .. $p + 5, $p + 10000 .. $p + 10005) {
            my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1',
                                          LocalPort => $q, ReuseAddr => 0);
            if ($s) { close $s } else { $ok = 0; last }
        }
        return $p if $ok;
    }
    die "no free ports for a cluster\n";
}

sub cluster_start {
    $base = _free_range();
    $dir = tempdir('elaaoms-cluster-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    $owner = $$;
    my $script = ElaaomsTest::repo_root() . '/scripts/redis-cluster.sh';
    my $out = `bash $script start --base-port $base --dir $dir/nodes 2>&1`;
    my $rc = $? >> 8;
    if ($rc == 77) {
        undef $base;
        return;
    }
    die "redis-cluster.sh start failed ($rc):\n$out" if $rc;
    return $base;
}

sub cluster_cli {
    my (@args) = @_;
    my $port = (cluster_ports())[0];
    open my $fh, '-|', 'redis-cli', '-c', '-p', $port, @args
        or die "redis-cli: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    $out =~ s/\n\z//;
    return $out;
}

sub _node_cmd {
    my ($port, @args) = @_;
    open my $fh, '-|', 'redis-cli', '-p', $port, @args or die "redis-cli: $!";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return $out;
}

sub cluster_master_of {
    my ($key) = @_;
    my ($port) = cluster_ports();
    my ($slot) = _node_cmd($port, 'CLUSTER', 'KEYSLOT', $key) =~ /(\d+)/;
    return cluster_master_of_slot($slot);
}

sub cluster_master_of_slot {
    my ($slot) = @_;
    my ($port) = cluster_ports();
    for my $line (split /\n/, _node_cmd($port, 'CLUSTER', 'NODES')) {
        my @f = split ' ', $line;
        next unless $f[2] =~ /master/ && $f[2] !~ /fail/;
        my ($p) = $f[1] =~ /:(\d+)/;
        for my $r (@f[8 .. $#f]) {
            my ($lo, $hi) = $r =~ /^(\d+)(?:-(\d+))?$/ or next;
            $hi //= $lo;
            return $p if $slot >= $lo && $slot <= $hi;
        }
    }
    return;
}

sub cluster_node_cmd { _node_cmd(@_) }

sub cluster_seeds { join ' ', map { "127.0.0.1:$_" } $base .. $base + 2 }

sub cluster_masters {
    my ($port) = cluster_ports();
    return map { (split ' ')[1] =~ /:(\d+)/ ? $1 : () }
           grep { (split ' ')[2] =~ /master/ && (split ' ')[2] !~ /fail/ }
           split /\n/, _node_cmd($port, 'CLUSTER', 'NODES');
}

# the node id of the node on that port
sub cluster_node_id {
    my ($port) = @_;
    my ($id) = _node_cmd($port, 'CLUSTER', 'MYID') =~ /([0-9a-f]{40})/;
    return $id;
}

# until a replica of KEY's master holds KEY (replication is asynchronous)
sub cluster_replicated {
    my ($key, $secs) = @_;
    my $master = cluster_master_of($key) or return;
    my $mid = cluster_node_id($master);
    my @replicas = map { (split ' ')[1] =~ /:(\d+)/ ? $1 : () }
                   grep { /slave $mid/ } split /\n/, _node_cmd($master, 'CLUSTER', 'NODES');
    return ElaaomsTest::wait_until(sub {
        for my $r (@replicas) {
            open my $fh, '-|', "printf 'READONLY\\nEXISTS %s\\n' '$key' | redis-cli -p $r"
                or next;
            local $/;
            my $out = <$fh> // '';
            close $fh;
            return 1 if $out =~ /^1$/m;
        }
        return 0;
    }, $secs // 10);
}

sub cluster_reshard {
    my ($from, $to, $slots) = @_;
    my ($fid, $tid) = map { cluster_node_id($_) } $from, $to;
    my $pid = fork();
    die "fork: $!" unless defined $pid;
    if ($pid == 0) {
        open STDOUT, '>', "$dir/reshard.log" or POSIX::_exit(127);
        open STDERR, '>&', \*STDOUT;
        { exec 'redis-cli', '--cluster', 'reshard', "127.0.0.1:$from",
               '--cluster-from', $fid, '--cluster-to', $tid,
               '--cluster-slots', $slots, '--cluster-yes'; }
        POSIX::_exit(127);
    }
    return $pid;
}

sub cluster_kill {
    my ($port) = @_;
    open my $fh, '<', "$dir/nodes/$port/redis.pid" or die "no pid for $port: $!";
    my $pid = <$fh>;
    close $fh;
    chomp $pid;
    kill 'KILL', $pid;
    $killed{$port} = 1;
}

sub cluster_wait_ok {
    my ($secs) = @_;
    return ElaaomsTest::wait_until(sub {
        for my $p (cluster_ports()) {
            return 0 unless _node_cmd($p, 'CLUSTER', 'INFO') =~ /cluster_state:ok/;
        }
        my $nodes = _node_cmd((cluster_ports())[0], 'CLUSTER', 'NODES');
        return $nodes !~ /master,fail\S*\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+connected\s+\d/;
    }, $secs // 20);
}

END {
    local $?;
    if ($base && $owner && $$ == $owner) {
        my $script = ElaaomsTest::repo_root() . '/scripts/redis-cluster.sh';
        system("bash $script stop --base-port $base --dir $dir/nodes >/dev/null 2>&1");
    }
}

1;
