# tests/hostile/gen-input.pl: the hostile postgrey lines of
# tests/hostile/input.sh, reproducible (own seed, no randomness from Perl's
# hash order).
#
#   perl gen-input.pl LINES EXPECT SEED NOW FORMAT [NCUT]
#
# Writes LINES, LF-terminated, as FORMAT "syslog" gives them to a syslog
# server ("<22>TIMESTAMP HOST postgrey[4242]: TEXT") or as "file" has them
# in a log file (without "<22>", and without the lines stamped in the
# future, which would move the CLI's window: see tests/hostile/input.sh), of
# these kinds:
#   - decisions with 10 kB client names, senders and recipients (clients of
#     192.0.2.0/24), and one with a 10 kB reporting host name;
#   - decisions whose client name, sender or recipient hold control bytes,
#     DEL, ESC sequences or NUL (clients of 198.51.100.0/24), and lines
#     that are not postgrey's with such bytes (unparsed; five of them,
#     "[A<control>B<NUL>C]", are the last lines, so the summary's samples);
#   - decisions with invalid UTF-8 in the client name (clients of
#     203.0.113.0/24), a valid UTF-8 name (bücher.example), a host name of
#     the maximum length with a 240-byte label, and invalid UTF-8 in an
#     unparsed line and in a reporting host name;
#   - NCUT (default 3000) ordinary decisions (names under cut.example,
#     clients of 100.64.0.0/16) cut at a random point after byte 4;
#   - decisions with time stamps far in the past (1970, 1971, 1969, year 1)
#     and the future (2038, 2099, 2999, 9999), one domain each
#     (ts-NAME.example); "stamps" in EXPECT lists those rsyslog reads as a
#     time stamp (up to 2100).
# NOW (Unix time) is the time stamp of every other line.
#
# EXPECT gets JSON: {"lines": N, "groups": {GROUP: new count}, "cut": N,
# "cut_postgrey": N (cut lines that still contain "postgrey"),
# "stamps": {DOMAIN: TIMESTAMP}}. The group counts are for the complete
# (uncut) decisions with the ordinary host name. In a file, a NUL byte
# makes a line unparsed (postgrey never writes one); rsyslog turns it into
# "#000" on reception, so there the line counts.
use strict;
use warnings;
use POSIX qw(strftime);

my ($out, $exp, $seed, $now, $format, $ncut) = @ARGV;
$ncut //= 3000;
die "usage: gen-input.pl LINES EXPECT SEED NOW FORMAT [NCUT]\n"
    unless defined $format && $format =~ /^(syslog|file)$/;
my $file = $format eq "file";

# Park and Miller's minimal standard generator: the products stay below
# 2^53, so the cuts are the same with every Perl.
my $state = 1 + $seed % 2147483646;
sub rnd { # 0 .. $_[0]-1
	$state = ($state * 16807) % 2147483647;
	return int($state / 2147483647 * $_[0]);
}

my (@lines, @tail, %groups, %stamps);
my ($cut, $cut_pg) = (0, 0);

sub ts { strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($_[0])) }
sub line {
	my ($host, $text, $stamp) = @_;
	return ($file ? "" : "<22>") . ($stamp // ts($now)) .
	    " $host postgrey[4242]: $text";
}
sub decision {
	my ($name, $addr, $sender, $rcpt) = @_;
	return "action=greylist, reason=new, client_name=$name, " .
	    "client_address=$addr, sender=" . ($sender // "s\@sender.example") .
	    ", recipient=" . ($rcpt // "r\@example.net");
}
sub counted { # a complete decision from mx1 in GROUP
	my ($group, $text) = @_;
	push @lines, line("mx1", $text);
	$groups{$group}++ unless $file && $text =~ /\x00/;
}

# 10 kB names. Labels of a valid shape but too long a name, and one label.
for my $i (1 .. 20) {
	my $name = $i % 2
	    ? ("a" x 10240) . ".example"
	    : join(".", map { "l$_" . ("x" x 60) } 1 .. 165) . ".example";
	counted("[192.0.2.0/24]", decision($name, "192.0.2.$i",
	    ("s" x 10240) . "\@s.example", "r\@" . ("r" x 10240) . ".example"));
}
push @lines, line("h" x 10240, decision("mx.longhost.example", "192.0.2.99"));

# Control bytes and NUL in names, senders and recipients.
my @ctl = ("\x01", "\x07", "\x08", "\x1b[31m", "\x1b]0;owned\x07", "\x7f",
	"\t", "\r", "\x00", "\x0b\x0c", "\x1f");
for my $i (0 .. $#ctl) {
	my $c = $ctl[$i];
	counted("[198.51.100.0/24]",
	    decision("mx${c}ctl$i.example", "198.51.100." . ($i + 1)));
	counted("ctl.example", decision("mx$i.ctl.example",
	    "198.18.0." . ($i + 1), "s$c$i\@sender.example",
	    "r$c$i\@example.net"));
	# The last five go last, to be the summary's samples.
	push @{$i < 5 ? \@tail : \@lines},
	    line("mx1", "not postgrey's: ctl $i [A${c}B\x00C]");
}
push @lines, line("mx\x01ctlhost", decision("mx.ctlhost.example", "192.0.2.98"));

# Invalid UTF-8, and valid UTF-8 for contrast.
my @bad = ("\xff\xfe", "caf\xc3", "\xc0\xaf", "\xed\xa0\x80",
	"\xf4\x90\x80\x80", "\xe2\x82", "\x80");
for my $i (0 .. $#bad) {
	counted("[203.0.113.0/24]",
	    decision("mx$bad[$i]$i.example", "203.0.113." . ($i + 1),
	    "s$bad[$i]\@sender.example", "r$bad[$i]\@example.net"));
	push @lines, line("mx1", "not postgrey's: utf8 $i [$bad[$i]]");
}
counted("b\xc3\xbccher.example",
    decision("mx.b\xc3\xbccher.example", "192.0.2.97"));
my $label = "q" x 240;
counted("$label.example", decision("mx.$label.example", "192.0.2.96"));
push @lines, line("mx\xff\xfe", decision("mx.badhost.example", "192.0.2.95"));

# Ordinary decisions cut at random points.
my @reasons = ("action=greylist, reason=new",
	"action=greylist, reason=early-retry (120s missing)",
	"action=pass, reason=triplet found, delay=321",
	"action=pass, reason=triplet found", "action=pass, reason=client AWL");
for my $i (1 .. $ncut) {
	my $text = $reasons[rnd(scalar @reasons)] .
	    ", client_name=mx" . rnd(500) . ".cut.example, client_address=100.64." .
	    rnd(250) . "." . (1 + rnd(250));
	$text .= ", sender=user$i\@sender.example" if rnd(4);
	$text .= ", recipient=rcpt$i\@example.net";
	$text = sprintf("%X: ", 289775056443 + $i) . $text if rnd(3) == 0;
	my $l = line("mx" . (1 + rnd(3)), $text);
	$l = substr($l, 0, 5 + rnd(length($l) - 5));
	push @lines, $l;
	$cut++;
	$cut_pg++ if index($l, "postgrey") >= 0;
}

# Time stamps far away. Each domain once.
my %far = (
	"ts-epoch.example" => "1970-01-01T00:00:01Z",
	"ts-1971.example" => "1971-06-01T12:00:00Z",
	"ts-1969.example" => "1969-12-31T23:59:59Z",
	"ts-year1.example" => "0001-01-01T00:00:00Z",
	"ts-2038.example" => "2038-01-19T03:14:08Z",
	"ts-2099.example" => "2099-12-31T23:59:59Z",
	"ts-2999.example" => "2999-01-01T00:00:00Z",
	"ts-9999.example" => "9999-12-31T23:59:59Z",
);
for my $d (sort keys %far) {
	next if $file && $far{$d} gt "2030";
	push @lines, line("mx1", decision("mx.$d", "192.0.2.90"), $far{$d});
	# rsyslog 8.2302 reads no year after 2100 as a time stamp: such a line
	# reaches the module as another program's message (unparsed).
	$stamps{$d} = $far{$d} if $far{$d} lt "2101";
}

push @lines, @tail;
open(my $o, ">:raw", $out) or die "$out: $!\n";
print $o map { "$_\n" } @lines or die "$out: $!\n";
close($o) or die "$out: $!\n";

# The expectation, with names as JSON (\u escapes for non-ASCII bytes would
# be wrong for UTF-8 names: write them as the UTF-8 they are).
require JSON::PP;
my $x = { lines => scalar @lines, cut => $cut, cut_postgrey => $cut_pg,
	groups => \%groups, stamps => \%stamps };
open(my $f, ">:raw", $exp) or die "$exp: $!\n";
print $f JSON::PP->new->canonical->encode($x) or die "$exp: $!\n";
close($f) or die "$exp: $!\n";
