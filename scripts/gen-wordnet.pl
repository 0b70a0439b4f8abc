#!/usr/bin/perl
# Generates the sense table of lib/search/lexicon.c from WordNet 3.0 as
# Debian's wordnet-base installs it (/usr/share/wordnet): for every
# single-word English lemma, the sorted ids of the meanings it can stand
# for in a caller's memory or an agent's question.
#
#   perl scripts/gen-wordnet.pl [--wordnet DIR] --out FILE.c
#
# A lemma's senses are its most frequent ones (the first, and the next two
# when SemCor tagged them), in every part of speech.  Each sense brings its
# synset and the synsets one step away that say the same thing in other
# words: derivations ("allergic" -> "allergy"), pertainyms ("financial" ->
# "finance"), similar adjectives, attributes, and the hypernym when it is
# specific (at most ELAAOMS_WN_MAX_HYPONYMS hyponyms: "price" and "fee" meet
# under "charge", while "person" is too wide to relate its 400 kinds).
# A noun's frequent senses also bring their kinds, kept apart after its
# ids: the hypernyms up to $KIND_DEPTH steps up with at most $KIND_MAX
# synsets under them ("phenobarbital" is a medication, a "poodle" a dog),
# which answer a question that names the kind ("what medication"); a
# verb's form ("running", "named") has none.
# Irregular forms of noun.exc, verb.exc and adj.exc ("children", "paid")
# get the ids of their base form.  Phrasal verbs ("hold_off", "sign_up",
# "held_off") and compound nouns ("hearing_aid", "credit_card") are kept
# too, under their WordNet spelling: what "holding off" means is not what
# "hold" means, nor is a hearing aid an aid ("allowance").  The ids are dense numbers of the synsets
# used, meaningful only inside one generated table.
#
# Output: a C file defining elaaoms_wn_pool (lemmas, NUL-terminated),
# elaaoms_wn_ids (each lemma's ids, then its kinds: ELAAOMS_WN_KINDS() of
# its flags) and the open-addressing table elaaoms_wn_table, hashed
# with FNV-1a like lib/search/tokenize.h.  Nothing of WordNet's text
# (glosses, examples) is kept.

use strict;
use warnings;
use Getopt::Long;

my $dir = '/usr/share/wordnet';
my $out;
GetOptions('wordnet=s' => \$dir, 'out=s' => \$out) or die "bad options\n";
die "usage: $0 [--wordnet DIR] --out FILE.c\n" unless $out;
-r "$dir/index.noun"
    or die "$0: no WordNet in $dir (Debian package wordnet-base: make deps)\n";

my $MAX_SENSES = 3;
my $MAX_HYPONYMS = 40;
my $MAX_IDS = 24;
my $KIND_DEPTH = 6;
my $KIND_MAX = 5000;
my $MAX_KINDS = 32;
my $MAX_LEN = 31;            # ELAAOMS_TOKEN_MAX
# the particles of the phrasal verbs kept ("hold_off", "sign_up"), as
# lib/search/lexicon.c's elaaoms_lexicon_particles
my $PARTICLES = 'up|off|back|down|in|out|on|over|away|through|around|'
              . 'along|with|for|by|about|into|after';

my %file = (n => 'noun', v => 'verb', a => 'adj', r => 'adv');

# --- synsets: the pointers that matter here ----------------------------------

my (%ptrs, %hyponyms, %hypo_of); # "n:offset" -> [ "n:offset", ... ]
my (%kind_of, %instances_of);     # a noun's hypernyms, its instances
for my $pos (sort keys %file) {
    open my $fh, '<', "$dir/data.$file{$pos}" or die "$dir/data.$file{$pos}: $!";
    while (my $line = <$fh>) {
        next if $line =~ /^  /;             # the licence header
        my ($head) = split /\s\|\s/, $line, 2;
        my @f = split ' ', $head;
        my ($off, undef, $type, $wcnt) = @f[0 .. 3];
        my $i = 4 + 2 * hex($wcnt);
        my $pcnt = $f[$i++];
        my $key = "$pos:$off";
        my @rel;
        for (1 .. $pcnt) {
            my ($sym, $toff, $tpos) = @f[$i .. $i + 2];
            $i += 4;
            $tpos = 'a' if $tpos eq 's';
            push @{ $kind_of{$key} }, "$tpos:$toff"
                if $pos eq 'n' && ($sym eq '@' || $sym eq '@i');
            if ($sym eq '~') {
                $hyponyms{$key}++;
                push @{ $hypo_of{$key} }, "$tpos:$toff";
            } elsif ($sym eq '~i') {
                push @{ $instances_of{$key} }, "$tpos:$toff";
            } elsif ($sym eq '@' || $sym eq '+' || $sym eq '&'
                     || $sym eq '\\' || $sym eq '=') {
                push @rel, [$sym, "$tpos:$toff"];
            }
        }
        $ptrs{$key} = \@rel;
    }
    close $fh;
}

# --- lemmas: their frequent senses and what those reach ----------------------

my (%ids_of, %dense, %kinds_of);
sub dense { $dense{ $_[0] } //= scalar keys %dense }

# the kinds a noun sense is of, up to $KIND_DEPTH hypernyms up, that are
# still specific enough to be asked for ("what medication": at most
# $KIND_MAX synsets under them); "phenobarbital" is a medication, a
# "dress" clothing, "Portuguese" a language
my %under;
sub under {
    my ($syn) = @_;
    return $under{$syn} if defined $under{$syn};
    $under{$syn} = 0;                    # (WordNet has no cycles)
    my $n = 1;
    $n += under($_) for @{ $hypo_of{$syn} || [] },
                        @{ $instances_of{$syn} || [] };
    return $under{$syn} = $n;
}

sub kinds {
    my ($syn) = @_;
    my (%seen, @r);
    my @level = @{ $kind_of{$syn} || [] };
    for my $d (1 .. $KIND_DEPTH) {
        my @next;
        for my $k (@level) {
            next if $seen{$k}++;
            push @r, $k if under($k) <= $KIND_MAX;
            push @next, @{ $kind_of{$k} || [] };
        }
        @level = @next;
    }
    return @r;
}

sub reach {
    my ($syn) = @_;
    my @r = ($syn);
    for my $p (@{ $ptrs{$syn} || [] }) {
        my ($sym, $t) = @$p;
        next if $sym eq '@' && ($hyponyms{$t} // 0) > $MAX_HYPONYMS;
        push @r, $t;
    }
    return @r;
}

for my $pos (sort keys %file) {
    open my $fh, '<', "$dir/index.$file{$pos}" or die $!;
    while (my $line = <$fh>) {
        next if $line =~ /^  /;
        my @f = split ' ', $line;
        my ($lemma, undef, $scnt, $pcnt) = @f[0 .. 3];
        next unless ($lemma =~ /^[a-z]+$/
                     || ($pos eq 'v' && $lemma =~ /^[a-z]+_($PARTICLES)$/)
                     || ($pos eq 'n' && $lemma =~ /^[a-z]+_[a-z]+$/))
                    && length $lemma <= $MAX_LEN;
        my $i = 4 + $pcnt;
        my ($sense_cnt, $tagged) = @f[$i, $i + 1];
        my @offs = @f[$i + 2 .. $i + 1 + $sense_cnt];
        # a phrasal verb or a compound noun has few senses, all specific,
        # and SemCor tagged few of them: "hold off" is "fend off" first,
        # "wait" second
        my $keep = $lemma =~ /_/ ? $sense_cnt : $tagged > 1 ? $tagged : 1;
        $keep = $MAX_SENSES if $keep > $MAX_SENSES;
        for my $off (@offs[0 .. $keep - 1]) {
            $ids_of{$lemma}{ dense($_) } = 1 for reach("$pos:$off");
            next unless $pos eq 'n';
            $kinds_of{$lemma}{ dense($_) } = 1 for kinds("$pos:$off");
        }
    }
    close $fh;
}

# irregular forms take their base form's ids, phrasal verbs' too ("held
# off" is "hold off")
# a compound noun's parts are words of their own ("hearing_aid", not
# "ad_hoc")
for my $c (grep { /^[a-z]+_[a-z]+$/ } keys %ids_of) {
    my ($a, $b) = split /_/, $c;
    delete $ids_of{$c} unless $ids_of{$a} && $ids_of{$b}
                              || $c =~ /_($PARTICLES)$/;
}

my %phrasal_of;                       # "hold" -> [ "hold_off", ... ]
for my $ph (grep { /_($PARTICLES)$/ } keys %ids_of) {
    push @{ $phrasal_of{ ($ph =~ /^([a-z]+)/)[0] } }, $ph;
}
for my $pos (qw(noun verb adj)) {
    open my $fh, '<', "$dir/$pos.exc" or die $!;
    while (<$fh>) {
        my ($form, @bases) = split;
        next unless $form =~ /^[a-z]+$/ && length $form <= $MAX_LEN;
        for my $b (@bases) {
            next unless $ids_of{$b};
            $ids_of{$form}{$_} = 1 for keys %{ $ids_of{$b} };
            $kinds_of{$form}{$_} = 1 for keys %{ $kinds_of{$b} || {} };
        }
        next unless $pos eq 'verb';
        for my $b (@bases) {
            for my $ph (@{ $phrasal_of{$b} || [] }) {
                (my $f = $ph) =~ s/^[a-z]+/$form/;
                next if length $f > $MAX_LEN;
                $ids_of{$f}{$_} = 1 for keys %{ $ids_of{$ph} };
            }
        }
    }
    close $fh;
}

# --- health words -----------------------------------------------------------------
#
# A lemma is a health word (ELAAOMS_WN_HEALTH) when its uses in SemCor
# (cntlist.rev) are mostly noun senses under one of these roots -- illness,
# injury, disorder, disability, symptom, therapy, drug, allergy, wound --
# or, never tagged there, when it is a noun only and one of its first two
# senses is: "whiplash", "asthma", "insulin", "concussion" are; "cold"
# (mostly the adjective) and "hurt" (mostly the verb) are not.

my @health_roots = qw(illness:1 injury:1 ailment:1 disorder:1 disability:1
    symptom:1 therapy:1 drug:1 medication:1 allergy:1 wound:1
    medical_care:1 pregnancy:1);
my (%noun_senses, %pos_of);
for my $pos (sort keys %file) {
    open my $fh, '<', "$dir/index.$file{$pos}" or die $!;
    while (my $line = <$fh>) {
        next if $line =~ /^  /;
        my @f = split ' ', $line;
        my ($lemma, undef, $scnt, $pcnt) = @f[0 .. 3];
        $pos_of{$lemma}{$pos} = 1;
        next unless $pos eq 'n';
        my $i = 4 + $pcnt;
        $noun_senses{$lemma} = [ map { "n:$_" } @f[$i + 2 .. $i + 1 + $f[$i]] ];
    }
    close $fh;
}

my %health_syn;
my @queue;
for my $r (@health_roots) {
    my ($l, $n) = split /:/, $r;
    my $syn = $noun_senses{$l}[$n - 1] or die "$0: no WordNet sense $r\n";
    push @queue, $syn;
}
while (my $syn = shift @queue) {
    next if $health_syn{$syn}++;
    push @queue, @{ $hypo_of{$syn} || [] };
}

# SemCor counts per lemma: all senses, and the noun senses under the roots
my (%freq_all, %freq_health);
my %ss_pos = (1 => 'n', 2 => 'v', 3 => 'a', 4 => 'r', 5 => 'a');
open my $cfh, '<', "$dir/cntlist.rev" or die "$dir/cntlist.rev: $!";
while (<$cfh>) {
    my ($key, $sense, $cnt) = split;
    my ($lemma, $ss) = $key =~ /^([^%]+)%(\d)/ or next;
    $freq_all{$lemma} += $cnt;
    if ($ss == 1) {
        my $syn = $noun_senses{$lemma}[$sense - 1];
        $freq_health{$lemma} += $cnt if $syn && $health_syn{$syn};
    }
}
close $cfh;

my %health;
for my $lemma (keys %noun_senses) {
    next unless $ids_of{$lemma};
    if ($freq_all{$lemma}) {
        $health{$lemma} = 1
            if 2 * ($freq_health{$lemma} // 0) > $freq_all{$lemma};
    } elsif (keys %{ $pos_of{$lemma} } == 1) {
        my @s = @{ $noun_senses{$lemma} };
        $health{$lemma} = 1
            if grep { $health_syn{$_} } @s[0 .. ($#s < 1 ? $#s : 1)];
    }
}
# irregular plurals follow their base
open my $efh, '<', "$dir/noun.exc" or die "$dir/noun.exc: $!";
while (<$efh>) {
    my ($form, @bases) = split;
    $health{$form} = 1 if $ids_of{$form} && grep { $health{$_} } @bases;
}
close $efh;

# --- body parts ---------------------------------------------------------------
#
# A lemma is a body part (ELAAOMS_WN_BODY) when its first noun sense is
# under body_part:1 ("collarbone", "jaw", "wrist", "tooth"): "broke his
# collarbone" is an injury whichever bone it names.  Verbs first ("back"
# is a body part as a noun) are left to the rules that use the flag.

my %body_syn;
@queue = ($noun_senses{body_part}[0] || die "$0: no WordNet body_part\n");
while (my $syn = shift @queue) {
    next if $body_syn{$syn}++;
    push @queue, @{ $hypo_of{$syn} || [] };
}
my %body;
for my $lemma (keys %noun_senses) {
    next unless $ids_of{$lemma} && $lemma !~ /_/;
    my $first = $noun_senses{$lemma}[0] or next;
    $body{$lemma} = 1 if $body_syn{$first};
}
open $efh, '<', "$dir/noun.exc" or die "$dir/noun.exc: $!";
while (<$efh>) {
    my ($form, @bases) = split;
    $body{$form} = 1 if $ids_of{$form} && grep { $body{$_} } @bases;
}
close $efh;

# a verb's form ("running", "named") has no kinds: "what plan" must not
# find "running out of patience" by the noun "running" (a maneuver)
my %verb_form;
open my $vfh, '<', "$dir/verb.exc" or die "$dir/verb.exc: $!";
while (<$vfh>) {
    my ($form) = split;
    $verb_form{$form} = 1;
}
close $vfh;
for my $l (keys %kinds_of) {
    next unless $l =~ /^([a-z]+?)(ing|ed)$/;
    my $stem = $1;
    my @bases = ($stem, "${stem}e", $stem =~ /(.)\1$/ ? substr($stem, 0, -1) : (),
                 $stem =~ /i$/ ? substr($stem, 0, -1) . 'y' : ());
    delete $kinds_of{$l}
        if $verb_form{$l} || grep { $pos_of{$_}{v} } @bases;
}

# --- the C file ----------------------------------------------------------------

sub fnv1a {
    my $h = 2166136261;
    for my $c (unpack 'C*', $_[0]) {
        $h ^= $c;
        $h = ($h * 16777619) % 4294967296;
    }
    return $h;
}

my @lemmas = sort keys %ids_of;
my $size = 1;
$size <<= 1 while $size < 1.25 * @lemmas;
my @slot = (undef) x $size;
for my $l (@lemmas) {
    my $h = fnv1a($l) & ($size - 1);
    $h = ($h + 1) & ($size - 1) while defined $slot[$h];
    $slot[$h] = $l;
}

my (%pool_off, @pool, %ids_off, @ids, %ids_n, %kinds_n);
my $nkinds = 0;
my $poff = 0;
for my $l (@lemmas) {
    $pool_off{$l} = $poff;
    push @pool, $l;
    $poff += length($l) + 1;
    my @s = sort { $a <=> $b } keys %{ $ids_of{$l} };
    @s = @s[0 .. $MAX_IDS - 1] if @s > $MAX_IDS;
    $ids_off{$l} = scalar @ids;
    $ids_n{$l} = scalar @s;
    push @ids, @s;
    # its kinds right after its ids, as many as ELAAOMS_WN_KINDS() says
    my @k = sort { $a <=> $b } keys %{ $kinds_of{$l} || {} };
    @k = @k[0 .. $MAX_KINDS - 1] if @k > $MAX_KINDS;
    $kinds_n{$l} = scalar @k;
    $nkinds += @k;
    push @ids, @k;
}

open my $o, '>', "$out.tmp" or die "$out.tmp: $!";
print $o "/* generated by scripts/gen-wordnet.pl from WordNet 3.0 ($dir);\n",
         " * do not edit.  WordNet 3.0 Copyright 2006 by Princeton University,\n",
         " * used under its licence (see /usr/share/doc/wordnet-base). */\n\n",
         "#include <stdint.h>\n#include \"search/lexicon_table.h\"\n\n",
         "const uint32_t elaaoms_wn_table_size = $size;\n\n",
         "const char elaaoms_wn_pool[] =\n";
for (my $i = 0; $i < @pool; $i += 8) {
    my $last = $i + 7 < $#pool ? $i + 7 : $#pool;
    print $o '    "', join('', map { "$_\\0" } @pool[$i .. $last]), "\"\n";
}
print $o ";\n\nconst uint32_t elaaoms_wn_ids[] = {\n";
for (my $i = 0; $i < @ids; $i += 12) {
    my $last = $i + 11 < $#ids ? $i + 11 : $#ids;
    print $o '    ', join(', ', @ids[$i .. $last]), ",\n";
}
print $o "    0\n};\n\nconst elaaoms_wn_entry_t elaaoms_wn_table[] = {\n";
for my $l (@slot) {
    if (defined $l) {
        printf $o "    { %u, %u, %u, %u },\n", $pool_off{$l} + 1, $ids_off{$l},
            $ids_n{$l}, ($health{$l} ? 1 : 0) | ($body{$l} ? 2 : 0)
            | ($kinds_n{$l} << 8);
    } else {
        print $o "    { 0, 0, 0, 0 },\n";
    }
}
print $o "};\n";
close $o or die $!;
rename "$out.tmp", $out or die $!;
printf STDERR "gen-wordnet: %d lemmas (%d health words, %d body parts), "
    . "%d synsets, %d ids (%d kinds), table %d\n", scalar @lemmas,
    scalar keys %health, scalar keys %body,
    scalar keys %dense, scalar @ids, $nkinds, $size;
