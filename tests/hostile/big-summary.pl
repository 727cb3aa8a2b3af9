# tests/hostile/big-summary.pl: summary files of about MB mebibytes, for
# tests/hostile/summary.sh.
#
#   perl big-summary.pl BASE OUT MB KIND
#
# KIND: "valid" (BASE's first domain repeated under new names, totals.groups
# set to their number: a correct file), "last-bad" (the same, but the last
# domain's "new" is -1), "sample" (BASE with one unparsed sample of MB MiB),
# "nested" (MB MiB of "[" after the format member). Prints the number of
# domains written, or 0.
use strict;
use warnings;
use JSON::PP;

my ($base, $out, $mb, $kind) = @ARGV;
my $size_want = $mb * 1048576;
open(my $b, "<", $base) or die "$base: $!\n";
my $j = do { local $/; decode_json(<$b>) };
close($b);
open(my $o, ">", $out) or die "$out: $!\n";
my $n = 0;
if ($kind eq "sample") {
	$j->{unparsed_samples} = ["x" x $size_want];
	print $o encode_json($j), "\n" or die "$out: $!\n";
} elsif ($kind eq "nested") {
	print $o '{"format":"greyscan-summary","version":1,"domains":',
	    "[" x $size_want, "\n" or die "$out: $!\n";
} else {
	my $d = $j->{domains}[0];
	my $text = JSON::PP->new->canonical->encode($d);
	my $per = length($text) + 16;
	my $count = int(($size_want - 2000) / $per) + 1;
	$j->{domains} = [];
	$j->{totals}{groups} = $count;
	my $head = JSON::PP->new->canonical->encode($j);
	my ($pre, $post) = split /"domains":\[\]/, $head, 2;
	# Encoded once: only the name's number differs from one domain to the
	# next (encoding each one took half a minute for 100 MiB).
	$d->{domain} = "d00000000.big.example";
	my $one = JSON::PP->new->canonical->encode($d);
	$d->{new} = -1;
	my $bad = JSON::PP->new->canonical->encode($d);
	my $at = index($one, '"d00000000.big.example"') + 2;
	die "big-summary.pl: no domain name in the encoding\n"
	    if $at < 2 || index($bad, '"d00000000.big.example"') + 2 != $at;
	print $o $pre, '"domains":[' or die "$out: $!\n";
	for my $i (0 .. $count - 1) {
		my $t = $kind eq "last-bad" && $i == $count - 1 ? $bad : $one;
		substr($t, $at, 8) = sprintf("%08d", $i);
		print $o ($i ? "," : ""), $t or die "$out: $!\n";
	}
	print $o "]", $post, "\n" or die "$out: $!\n";
	$n = $count;
}
close($o) or die "$out: $!\n";
print "$n\n";
