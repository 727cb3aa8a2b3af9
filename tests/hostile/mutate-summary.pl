# tests/hostile/mutate-summary.pl: broken variants of a valid summary file,
# for tests/hostile/summary.sh.
#
#   perl mutate-summary.pl BASE DIR
#
# BASE must list at least one domain with one example and one host. A
# version 1 BASE is made version 2 first (the pair evidence added with
# consistent figures), and the first domain is given waits when it has none,
# so that every member version 2 adds is there to mutate; a BASE without
# the per-slot series (from before greyscan 0.2) is given one of a slot. Writes
# DIR/NNNN.json, one defect each, and DIR/index with "NNNN<TAB>what<TAB>
# member" lines (member: the text the reader's message must name). The
# defects: each documented member missing (except the optional
# totals.groups and series);
# each given the wrong type (string, array, object, boolean, null where
# null is not allowed, a float); each count or small count given numbers
# out of range: 2^63-1 (refused, see greyscan-summary(5)), 2^63, 2^64,
# 10^30, -1, -2^63-1, 1.0, 1e3, 1E400, 0.5, and 2^32 for small counts;
# a bad time and a NUL in a string; and what the series' rules forbid: no
# second in a slot, more than 64 slots, a null start with slots, an array
# of another length than slots.
use strict;
use warnings;
use JSON::PP;

my ($base, $dir) = @ARGV;
open(my $b, "<", $base) or die "$base: $!\n";
my $orig = do { local $/; decode_json(<$b>) };
close($b);
my @counts = qw(new early_retry delayed passed whitelisted
    recipient_whitelisted awl);
my @pair_counts = qw(greylisted returned other_network passed pending
    expired never_returned);
my @waits = qw(wait_median wait_p90 wait_max);

# Version 2 with the pair evidence, consistent with greyscan-summary(5):
# passed + pending + expired and returned + never_returned within
# greylisted, never_returned within expired, median <= p90 <= max.
sub some_pairs {
	return {greylisted => 10, returned => 8, other_network => 4,
	    passed => 6, pending => 2, expired => 2, never_returned => 1,
	    wait_median => 300, wait_p90 => 600, wait_max => 900};
}
if ($orig->{version} == 1) {
	$orig->{version} = 2;
	$orig->{window}{retry_window} = 172800;
	$orig->{totals}{pairs_evicted} = 0;
	$orig->{totals}{pairs_open} = 0;
	$_->{pairs} = some_pairs() for @{$orig->{domains}};
}
unless ($orig->{series}) {
	$orig->{series} = {start => $orig->{window}{start} // "2026-01-01T00:00:00Z",
	    slot_seconds => 21600, slots => 1};
	for (@{$orig->{domains}}) {
		$_->{series} = {greylisted => [$_->{new} + $_->{early_retry}],
		    passed => [$_->{delayed} + $_->{passed}]};
	}
}
# A wait set to null is a defect only beside waits that are not.
$orig->{domains}[0]{pairs} = some_pairs()
    unless defined $orig->{domains}[0]{pairs}{wait_median};
my @fields = (
	["format", "string"], ["version", "int"], ["generated", "time"],
	["window", "object"], ["window.start", "ntime"], ["window.end", "ntime"],
	["window.seconds", "small"], ["window.retry_window", "small"],
	["totals", "object"],
	(map { ["totals.$_", "count"] } qw(lines actions unparsed ignored
	    evicted too_old groups pairs_evicted pairs_open), @counts),
	["unparsed_samples", "array"], ["domains", "array"],
	["domains[0]", "object"],
	["domains[0].domain", "string"], ["domains[0].kind", "string"],
	(map { ["domains[0].$_", "count"] } @counts, "delay_count"),
	(map { ["domains[0].$_", "small"] } qw(delay_median delay_max
	    client_addresses networks)),
	["domains[0].examples", "array"], ["domains[0].examples[0]", "string"],
	["domains[0].first_seen", "time"], ["domains[0].last_seen", "time"],
	["domains[0].hosts", "object"], ["domains[0].hosts.mx1", "count"],
	["domains[0].pairs", "object"],
	(map { ["domains[0].pairs.$_", "count"] } @pair_counts),
	(map { ["domains[0].pairs.$_", "small"] } @waits),
	["series", "object"], ["series.start", "ntime"],
	["series.slot_seconds", "small"], ["series.slots", "small"],
	["domains[0].series", "object"],
	(map { (["domains[0].series.$_", "array"],
	    ["domains[0].series.$_\[0]", "count"]) } qw(greylisted passed)),
);
my %bad_type = (
	string => ['1', '[]', '{}', 'true', 'null'],
	int => ['"1"', '[]', 'true', 'null', '1.0'],
	time => ['0', '"2026-02-30T00:00:00Z"', '"2026-11-27 19:00:00Z"',
	    '"yesterday"', 'null', '[]'],
	ntime => ['0', '"2026-13-01T00:00:00Z"', 'false', '{}'],
	object => ['[]', '"x"', '1', 'null'],
	array => ['{}', '"x"', '1', 'null'],
	count => ['"1"', '[]', '{}', 'true', 'null',
	    '9223372036854775807', '9223372036854775808',
	    '18446744073709551616', '1000000000000000000000000000000', '-1',
	    '-9223372036854775809', '1.0', '1e3', '1E400', '0.5', '-0.0'],
);
$bad_type{small} = [@{$bad_type{count}}, '4294967296'];

# Walks to the parent of a path; returns (parent, key or index).
sub locate {
	my ($root, $path) = @_;
	my @parts = $path =~ /([^.\[\]]+|\[\d+\])/g;
	my $last = pop @parts;
	my $p = $root;
	for (@parts) {
		$p = /^\[(\d+)\]$/ ? $p->[$1] : $p->{$_};
	}
	return ($p, $last);
}
my $hole = "\@\@HOLE\@\@";
my $n = 0;
open(my $idx, ">", "$dir/index") or die "$dir/index: $!\n";
sub emit {
	my ($what, $member, $root, $raw) = @_;
	my $text = JSON::PP->new->canonical->encode($root);
	$text =~ s/"\Q$hole\E"/$raw/ if defined $raw;
	my $f = sprintf("%s/%04d.json", $dir, ++$n);
	open(my $o, ">", $f) or die "$f: $!\n";
	print $o $text, "\n";
	close($o) or die "$f: $!\n";
	printf $idx "%04d\t%s\t%s\n", $n, $what, $member;
}
for my $f (@fields) {
	my ($path, $type) = @$f;
	# The member as messages name it: domains[0].hosts.mx1 stays so.
	(my $member = $path) =~ s/^\[/domains[/;
	unless ($path eq "totals.groups" || $path eq "series" ||
	    $path =~ /hosts\.mx1$/) {
		my $root = decode_json(encode_json($orig));
		my ($p, $k) = locate($root, $path);
		if ($k =~ /^\[(\d+)\]$/) {
			# An element cannot be missing; an empty array instead.
			next;
		}
		delete $p->{$k};
		emit("$path missing", $member, $root);
	}
	for my $raw (@{$bad_type{$type}}) {
		my $root = decode_json(encode_json($orig));
		my ($p, $k) = locate($root, $path);
		if ($k =~ /^\[(\d+)\]$/) { $p->[$1] = $hole } else { $p->{$k} = $hole }
		# A count of 2^63-1 in totals.groups or a host is refused too.
		emit("$path = $raw", $path =~ /^domains\[0\]$/ ? "domains[0]" :
		    $member, $root, $raw);
	}
}
# A NUL in a string.
my $root = decode_json(encode_json($orig));
$root->{domains}[0]{domain} = "a\x{0}b.example";
emit("NUL in domains[0].domain", "domains[0].domain", $root);
# The series' own rules.
my %series_bad = (
	"series.slot_seconds = 0" => sub { $_[0]{series}{slot_seconds} = 0 },
	"series.slots = 65" => sub { $_[0]{series}{slots} = 65 },
	"series.start = null" => sub { $_[0]{series}{start} = undef },
	"domains[0].series.passed one short" =>
	    sub { pop @{$_[0]{domains}[0]{series}{passed}} },
	"domains[0].series.greylisted one long" =>
	    sub { push @{$_[0]{domains}[0]{series}{greylisted}}, 0 },
);
for my $what (sort keys %series_bad) {
	my $root = decode_json(encode_json($orig));
	$series_bad{$what}->($root);
	(my $member = $what) =~ s/ .*//;
	emit($what, $member, $root);
}
close($idx) or die "$dir/index: $!\n";
print "$n\n";
