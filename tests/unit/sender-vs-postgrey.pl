#!/usr/bin/perl
# sender-vs-postgrey.pl: the Perl half of tests/unit/sender-vs-postgrey.sh.
# Values travel as hex lines (two digits a byte), so that any byte but NUL
# can be tested.
#
#   corpus                     generated senders (fixed seed), hex lines
#   keys POSTGREY [MUTATION]   for each hex sender on stdin, the key
#                              postgrey builds: lc(do_sender_substitutions),
#                              that sub taken from the POSTGREY script's text
#                              at run time (optionally mutated, see below)
#   lc                         for each hex value on stdin, lc of it (the
#                              recipient key), under postgrey's pragmas
#   diff INPUT WANT GOT        prints the lines where WANT and GOT differ,
#                              readable, with INPUT's value; exit 1 if any
#   mutations                  the names of the mutations, one a line
#
# A mutation is a deliberate change of postgrey's rules (one of each rule
# greyscan copies); the shell script checks that every one of them changes
# some key of the corpus, i.e. that the corpus would catch that mistake.
# Exit 99 when postgrey's sub cannot be found or a mutation does not apply.
use strict;
use warnings;

# Name => [pattern in the sub's text, a function giving its replacement
# (it may use $1), times it must match];
# or [undef, undef, 0, flag] for a change of the evaluation itself.
my %MUTATIONS = (
    'number-without-word-boundary' => [ qr/s\/\\b\\d\+\\b\/#\/g/, sub { 's/\d+/#/g' }, 1 ],
    'number-left-boundary-only'    => [ qr/s\/\\b\\d\+\\b\/#\/g/, sub { 's/\b\d+/#/g' }, 1 ],
    'split-keeps-trailing-empty'   => [ qr/split\(\/=\/, \$user\)/, sub { 'split(/=/, $user, -1)' }, 1 ],
    'extension-spans-newline'      => [ qr/s\/\\\+\.\*\/\/;/, sub { 's/\+.*//s;' }, 1 ],
    'extension-not-stripped'       => [ qr/s\/\\\+\.\*\/\/;/, sub { 's/(?!)//;' }, 1 ],
    'batv-tag-of-nine'             => [ qr/\{10\}/, sub { '{9}' }, 4 ],
    'batv-tag-any-case'            => [ qr/\[0-9a-z\]/, sub { '[0-9a-zA-Z]' }, 4 ],
    'batv-prefix-any-case'         => [ qr/\/\^prvs=\//, sub { '/^prvs=/i' }, 1 ],
    'batv-coin-picks-first'        => [ qr/(pick the standard\s*\n\s*\$user = )\$a\[2\]/, sub { $1 . '$a[1]' }, 1 ],
    'batv-not-stripped'            => [ qr/if \(\$#a == 2\)/, sub { 'if (0)' }, 1 ],
    'at-split-without-limit'       => [ qr/split\(\/\@\/, \$addr, 2\)/, sub { 'split(/@/, $addr)' }, 1 ],
    'no-lower-case'                => [ undef, undef, 0, 'no-lc' ],
    'unicode-strings'              => [ undef, undef, 0, 'unicode' ],
);

sub fail99 { print STDERR "ERROR: @_\n"; exit 99; }

sub unhex { my ($h) = @_; $h =~ s/\s+\z//; return pack('H*', $h); }
sub tohex { return unpack('H*', $_[0]); }

sub readable {
    my ($s) = @_;
    $s =~ s/([^\x20-\x7e]|\\)/sprintf('\\x%02x', ord($1))/ge;
    return "'$s'";
}

# The text of postgrey's own sub, as installed.
sub postgrey_sub {
    my ($path) = @_;
    open(my $fh, '<', $path) or fail99("cannot open $path: $!");
    local $/;
    my $text = <$fh>;
    close($fh) or fail99("cannot read $path: $!");
    $text =~ /^(sub do_sender_substitutions\b.*?^\}[ \t]*$)/ms
        or fail99("no 'sub do_sender_substitutions' in $path");
    return $1;
}

# Compiles postgrey's sub (mutated if asked) into a package of its own and
# returns a function from a sender to its key. No pragmas besides strict
# and warnings, as in postgrey: byte semantics, lc of A-Z only.
sub key_function {
    my ($path, $mutation) = @_;
    my $sub = postgrey_sub($path);
    my ($pre, $lc) = ('', 'lc');
    if (defined $mutation) {
        my $m = $MUTATIONS{$mutation} or fail99("unknown mutation $mutation");
        my ($re, $by, $times, $flag) = @$m;
        if (defined $re) {
            my $n = () = $sub =~ /$re/g;
            $n == $times or fail99("mutation $mutation: $n matches, not $times");
            $sub =~ s/$re/$by->()/ge;
        }
        $lc  = '' if defined $flag and $flag eq 'no-lc';
        $pre = "use feature 'unicode_strings';" if defined $flag and $flag eq 'unicode';
    }
    my $code = "package gs_postgrey; use strict; use warnings; $pre\n$sub\n"
        . "sub key { return $lc(do_sender_substitutions(undef, \$_[0])); }\n"
        . "\\&key;\n";
    my $f = eval $code;
    defined $f or fail99("postgrey's sub does not compile: $@");
    return $f;
}

sub map_lines {
    my ($f) = @_;
    while (my $line = <STDIN>) {
        print tohex($f->(unhex($line))), "\n";
    }
}

# ---- the corpus ----

my @WORD = qw(a B xY bounce SRS0 info Mail list owner-list user news);
my @SEP = ('.', '-', '_', '+', '=', '/', ' ', ',', '"', '%', '@', "\n", "\r",
    "\t", "\x7f", "\x01");
my @DIGITS = ('0', '1', '7', '42', '007', '123456', '20240101', '99999999999');
my @HIGH = ("\xc3\xa9", "\xc3\x84", "\xc3\x9f", "\xe2\x91\xa0", "\xd9\xa3",
    "\xef\xbc\x91", "\xc4", "\xb5", "\xaa", "\xba", "\xff", "\x80", "\xde",
    "\xdf", "\xe4");
my @DOMAIN = ('example.org', 'EXAMPLE.COM', 'Mail.Example.net', '1.example',
    'ex-4.example', '[192.0.2.1]', "b\xc3\xbccher.example", 'x@y.example',
    '', '123', 'a+b.example', 'A1B.example');

sub pick { return $_[ int(rand(@_)) ]; }

sub tag {
    my ($len, $chars) = @_;
    return join('', map { substr($chars, int(rand(length $chars)), 1) } 1 .. $len);
}

sub bit {
    my $r = rand();
    return pick(@WORD) if $r < 0.3;
    return pick(@DIGITS) if $r < 0.55;
    return pick(@SEP) if $r < 0.8;
    return pick(@HIGH) if $r < 0.95;
    return chr(1 + int(rand(255)));
}

sub batv_field {
    my $r = rand();
    return tag(10, '0123456789abcdefghijklmnopqrstuvwxyz') . (rand() < 0.5 ? '' : tag(int(rand(6)), 'abcdef0123'))
        if $r < 0.35;
    return tag(9, '0123456789abcdef') if $r < 0.45;
    return tag(10, '0123456789ABCDEFabcdef') if $r < 0.55;
    return '' if $r < 0.62;
    return join('', map { bit() } 1 .. 1 + int(rand(4)));
}

sub local_part {
    my $r = rand();
    if ($r < 0.3) {
        my $l = (rand() < 0.9 ? 'prvs=' : pick('PRVS=', 'prvs', 'xprvs=')) . batv_field();
        $l .= '=' . batv_field() if rand() < 0.9;
        $l .= '=' x int(rand(3)) if rand() < 0.4;
        $l .= '=' . batv_field() if rand() < 0.1;
        $l .= pick('+', '+ext', '-1', "+a\nb", '') if rand() < 0.3;
        return $l;
    }
    return join('', map { bit() } 0 .. int(rand(8)));
}

sub sender {
    my $r = rand();
    return join('', map { bit() } 0 .. int(rand(12))) if $r < 0.1;
    my $s = local_part();
    my $ats = rand() < 0.9 ? 1 : pick(0, 2, 3);
    for (1 .. $ats) {
        $s .= '@' . (rand() < 0.7 ? pick(@DOMAIN) : join('', map { bit() } 0 .. int(rand(5))));
    }
    $s =~ s/\0//g;
    return $s;
}

sub corpus {
    my @fixed = ('', '@', 'a', 'a@', '@b', 'A@B', '1@x', '1', 'no-at-42',
        'prvs=0123456789=user@x', 'prvs=user=0123456789@x', 'prvs=0123456789=0123456789@x',
        'prvs=a=b@x', 'prvs=a=b=@x', 'prvs=a=b=c@x', 'prvs==b@x', 'prvs=a=@x', 'prvs===@x',
        'a1b@x', '1_2@x', '_1@x', '1.2@x', "\xc3\xa91\xc3\xa9\@x", "1\xe2\x91\xa0\@x",
        'u+ext@x', "u+e\nv1\@x", 'u+@x', '+@x', 'A+B@C+D', 'x@y@z', 'User.Name-42@Example.ORG');
    srand(20240601);
    print tohex($_), "\n" for @fixed;
    for (1 .. 20000) {
        print tohex(sender()), "\n";
    }
}

# ---- comparing ----

sub read_lines {
    my ($path) = @_;
    open(my $fh, '<', $path) or fail99("cannot open $path: $!");
    my @l = map { unhex($_) } <$fh>;
    close($fh) or fail99("cannot read $path: $!");
    return \@l;
}

sub diff {
    my ($in, $want, $got) = map { read_lines($_) } @_;
    @$in == @$want or fail99(scalar(@$in) . " inputs but " . scalar(@$want) . " expected keys");
    my $bad = 0;
    for my $i (0 .. $#$in) {
        my $g = $got->[$i];
        next if defined $g and $g eq $want->[$i];
        $bad++;
        printf("line %d: %s: postgrey %s, greyscan %s\n", $i + 1, readable($in->[$i]),
            readable($want->[$i]), defined $g ? readable($g) : 'nothing')
            if $bad <= 20;
    }
    $bad++ if @$got > @$in;
    print "$bad of " . scalar(@$in) . " keys differ\n" if $bad;
    exit($bad ? 1 : 0);
}

my $cmd = shift(@ARGV) // '';
if ($cmd eq 'corpus') {
    corpus();
} elsif ($cmd eq 'keys') {
    my ($path, $mutation) = @ARGV;
    defined $path or fail99('keys needs the path of postgrey');
    map_lines(key_function($path, $mutation));
} elsif ($cmd eq 'lc') {
    map_lines(sub { return lc($_[0]); });
} elsif ($cmd eq 'diff') {
    @ARGV == 3 or fail99('diff needs INPUT WANT GOT');
    diff(@ARGV);
} elsif ($cmd eq 'mutations') {
    print "$_\n" for sort keys %MUTATIONS;
} else {
    fail99("usage: $0 corpus|keys POSTGREY [MUTATION]|lc|diff IN WANT GOT|mutations");
}
exit 0;
