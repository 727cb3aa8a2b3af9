#!/usr/bin/perl
# compare.pl: checks greyscan's summary file (and optionally the rows of
# `greyscan report --json`) against the expectation policy-client.pl wrote.
#
#   compare.pl --expect FILE --summary FILE [--report FILE] [--label TEXT]
#
# Passes (exit 0) when, exactly:
#   - every expected group is in the summary's domains with the expected
#     new, early_retry, delayed, passed, whitelisted, recipient_whitelisted
#     and awl, and kind "network" exactly for "[...]" groups;
#   - the summary has no other group;
#   - totals.actions and the totals per kind are the sums of the
#     expectation, and totals.unparsed and totals.evicted are 0;
#   - with --report: the report is one object whose totals are the
#     summary's and whose domains have one row per group, with the same
#     new, early_retry and delayed.
# Otherwise prints every difference and exits 1; 99 when a file is missing
# or not JSON.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my @COUNTERS = qw(new early_retry delayed passed whitelisted
  recipient_whitelisted awl);
my @REPORTED = qw(new early_retry delayed);
my %opt = (label => 'greyscan');
GetOptions(\%opt, 'expect=s', 'summary=s', 'report=s', 'label=s')
  and defined $opt{expect} and defined $opt{summary}
  or die "usage: compare.pl --expect FILE --summary FILE [--report FILE]\n";

sub slurp_json {
	my ($path) = @_;
	open(my $f, '<', $path) or do {
		print STDERR "compare.pl: $path: $!\n";
		exit 99;
	};
	local $/;
	my $text = <$f>;
	my $j = eval { JSON::PP->new->utf8->decode($text) };
	unless (defined $j) {
		print STDERR "compare.pl: $path: not JSON: $@";
		exit 99;
	}
	return $j;
}

# Group names are compared as UTF-8 bytes on both sides.
sub bytes_of {
	my ($s) = @_;
	utf8::encode($s) if utf8::is_utf8($s);
	return $s;
}

my (%want, @order, %sum);
open(my $ef, '<', $opt{expect}) or do {
	print STDERR "compare.pl: $opt{expect}: $!\n";
	exit 99;
};
while (<$ef>) {
	chomp;
	my ($g, @v) = split /\t/;
	die "compare.pl: $opt{expect} line $.: want 8 fields\n" unless @v == @COUNTERS;
	push @order, $g;
	@{ $want{$g} }{@COUNTERS} = @v;
	$sum{$_} += $want{$g}{$_} for @COUNTERS;
}
close($ef);

my @bad;
my $s = slurp_json($opt{summary});
my %got;
for my $d (@{ $s->{domains} || [] }) {
	my $name = bytes_of($d->{domain});
	push @bad, "summary lists group '$name' twice" if $got{$name};
	$got{$name} = $d;
}
for my $g (@order) {
	my $d = $got{$g};
	unless ($d) {
		push @bad, "group '$g' missing from the summary";
		next;
	}
	for my $c (@COUNTERS) {
		my $v = $d->{$c} // 'absent';
		push @bad, "group '$g': $c is $v, expected $want{$g}{$c}"
		  if $v ne $want{$g}{$c};
	}
	my $kind = $g =~ /^\[/ ? 'network' : 'name';
	push @bad, "group '$g': kind is " . ($d->{kind} // 'absent') . ", expected $kind"
	  if ($d->{kind} // '') ne $kind;
}
for my $name (sort keys %got) {
	push @bad, "unexpected group '$name' in the summary" unless exists $want{$name};
}
my $t = $s->{totals} || {};
my $actions = 0;
$actions += $sum{$_} // 0 for @COUNTERS;
push @bad, "totals.actions is " . ($t->{actions} // 'absent') . ", expected $actions"
  if ($t->{actions} // -1) != $actions;
for my $c (@COUNTERS) {
	my $w = $sum{$c} // 0;
	push @bad, "totals.$c is " . ($t->{$c} // 'absent') . ", expected $w"
	  if ($t->{$c} // -1) != $w;
}
for my $c (qw(unparsed evicted)) {
	push @bad, "totals.$c is " . ($t->{$c} // 'absent') . ", expected 0"
	  if ($t->{$c} // -1) != 0;
}
if (@{ $s->{unparsed_samples} || [] }) {
	push @bad, "unparsed sample: " . bytes_of($_) for @{ $s->{unparsed_samples} };
}

if (defined $opt{report}) {
	my $j = slurp_json($opt{report});
	my $r = ref $j eq 'HASH' ? $j->{domains} : undef;
	my %row;
	if (ref $r ne 'ARRAY') {
		push @bad, "report is not a JSON object with a domains array";
		$r = [];
	}
	for my $c ('actions', @COUNTERS) {
		my $v = $j->{totals}{$c} // 'absent';
		push @bad, "report totals.$c is $v, the summary's $s->{totals}{$c}"
		  if ref $j eq 'HASH' && $v ne $s->{totals}{$c};
	}
	for my $row (@$r) {
		$row{ bytes_of($row->{domain}) } = $row;
	}
	for my $g (@order) {
		my $row = $row{$g};
		unless ($row) {
			push @bad, "group '$g' missing from the report";
			next;
		}
		for my $c (@REPORTED) {
			my $v = $row->{$c} // 'absent';
			push @bad, "report row '$g': $c is $v, expected $want{$g}{$c}"
			  if $v ne $want{$g}{$c};
		}
	}
	push @bad, "report has " . scalar(@$r) . " rows, expected " . scalar(@order)
	  if @$r != @order;
}

if (@bad) {
	print STDERR "$opt{label}: $_\n" for @bad;
	exit 1;
}
print STDERR "$opt{label}: " . scalar(@order) . " groups, $actions decisions as expected\n";
exit 0;
