#!/usr/bin/perl
# pairs-compare.pl: checks greyscan's pair evidence against the expectation
# pairs-expect.pl derived from the driver's record.
#
#   pairs-compare.pl --expect FILE (--summary FILE | --suggest FILE)
#                    [--label TEXT]
#
# --summary: a summary file (the module's or `greyscan scan`'s). Passes when
#   - version is 2 and window.retry_window is the configured retry window;
#   - totals.pairs_evicted is 0 and totals.pairs_open the pending pairs;
#   - every expected group has exactly the expected hosts (decisions per
#     reporting MX) and a "pairs" object whose greylisted, returned,
#     other_network, passed, pending, expired and never_returned are exactly
#     the expected ones; wait_median, wait_p90 and wait_max are null for a
#     group where nothing passed, else wait_max within the waits' range
#     (one-second stamps) and wait_median and wait_p90 within the true
#     quantile's range widened by the histogram's error (12% + 0.5 s).
# --suggest: the output of `greyscan suggest --json`: a JSON array of
#   objects or JSON Lines, one object per candidate. Passes when every
#   expected group has one object with that "domain", kind "name", the
#   expected "verdict" ("decided_by" "pairs" if the member is there: each
#   group has enough pairs to judge), a "reason" that cites the evidence
#   (the patterns of the expectation: the figures the rule rests on), an
#   "entry" equal to the domain when the verdict is whitelist, and the pair
#   figures (in a "pairs" object or at the top level) equal to the
#   expected ones.
# Prints every difference as "expected ..., got ..." and exits 1; 99 when a
# file is missing or not JSON; 0 otherwise.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;

my @PAIRS = qw(greylisted returned other_network passed pending expired
  never_returned);
my %opt = (label => 'greyscan');
GetOptions(\%opt, 'expect=s', 'summary=s', 'suggest=s', 'label=s')
  and defined $opt{expect}
  and (defined $opt{summary} xor defined $opt{suggest})
  or die "usage: pairs-compare.pl --expect FILE (--summary FILE | "
  . "--suggest FILE) [--label TEXT]\n";

sub slurp {
	my ($path) = @_;
	open(my $f, '<', $path) or do {
		print STDERR "pairs-compare.pl: $path: $!\n";
		exit 99;
	};
	local $/;
	my $text = <$f>;
	close($f);
	return $text;
}

sub decode_or_die {
	my ($path, $text) = @_;
	my $j = eval { JSON::PP->new->utf8->decode($text) };
	return $j if defined $j;
	print STDERR "pairs-compare.pl: $path: not JSON: $@";
	exit 99;
}

sub show {
	my ($v) = @_;
	return 'absent' unless defined $v;
	return ref $v ? JSON::PP->new->canonical->encode($v) : $v;
}

my $exp = decode_or_die($opt{expect}, slurp($opt{expect}));
my @bad;

sub want_eq {
	my ($what, $got, $want) = @_;
	push @bad, "$what: expected $want, got " . show($got)
	  if !defined $got || ref $got || $got ne $want;
}

sub want_within {
	my ($what, $got, $lo, $hi) = @_;
	push @bad, sprintf("%s: expected %s, got %s", $what,
		$lo == $hi ? $lo : "within [$lo, $hi]", show($got))
	  if !defined $got || ref $got || $got !~ /^\d+\z/
	  || $got < $lo || $got > $hi;
}

sub check_pairs {
	my ($what, $got, $g) = @_;
	my $e = $exp->{groups}{$g};
	want_eq("$what $_", $got->{$_}, $e->{pairs}{$_}) for @PAIRS;
}

sub check_waits {
	my ($what, $p, $g) = @_;
	my $w = $exp->{groups}{$g}{wait};
	if (!$w) {
		for (qw(wait_median wait_p90 wait_max)) {
			push @bad, "$what $_: expected null (nothing passed), got "
			  . show($p->{$_})
			  if !exists $p->{$_} || defined $p->{$_};
		}
		return;
	}
	want_within("$what wait_max", $p->{wait_max}, @{ $w->{max} });
	for my $q (qw(median p90)) {
		my ($tlo, $thi, $lo, $hi) = @{ $w->{$q} };
		my ($ilo, $ihi) = (int($lo + 0.999999), int($hi));
		$ilo = 0 if $ilo < 0;
		push @bad, sprintf("%s wait_%s: expected within [%d, %d] (true "
			  . "%s s, histogram error 12%% + 0.5 s), got %s",
			$what, $q, $ilo, $ihi, $tlo == $thi ? $tlo : "$tlo..$thi",
			show($p->{"wait_$q"}))
		  if !defined $p->{"wait_$q"} || $p->{"wait_$q"} !~ /^\d+\z/
		  || $p->{"wait_$q"} < $ilo || $p->{"wait_$q"} > $ihi;
	}
}

sub check_summary {
	my $s = decode_or_die($opt{summary}, slurp($opt{summary}));
	want_eq('version', $s->{version}, 2);
	want_eq('window.retry_window', $s->{window}{retry_window},
		$exp->{retry_window});
	want_eq("totals.$_", $s->{totals}{$_}, $exp->{totals}{$_})
	  for qw(pairs_evicted pairs_open);
	my %d = map { ($_->{domain} => $_) } @{ $s->{domains} || [] };
	for my $g (sort keys %{ $exp->{groups} }) {
		my $d = $d{$g} or do {
			push @bad, "group $g: missing from the summary";
			next;
		};
		my $e = $exp->{groups}{$g};
		my %h = (%{ $e->{hosts} }, %{ $d->{hosts} || {} });
		want_eq("group $g hosts.$_", $d->{hosts}{$_} // 0,
			$e->{hosts}{$_} // 0)
		  for sort keys %h;
		if (ref $d->{pairs} ne 'HASH') {
			push @bad, "group $g pairs: expected an object "
			  . show($e->{pairs}) . ", got " . show($d->{pairs});
			next;
		}
		check_pairs("group $g pairs:", $d->{pairs}, $g);
		check_waits("group $g pairs:", $d->{pairs}, $g);
	}
}

# A JSON array, or one JSON object a line.
sub candidates {
	my $text = slurp($opt{suggest});
	if ($text =~ /\A\s*\[/) {
		my $j = decode_or_die($opt{suggest}, $text);
		return @$j;
	}
	my @c;
	for my $line (split /\n/, $text) {
		next unless $line =~ /\S/;
		push @c, decode_or_die("$opt{suggest} (a JSON Lines line)", $line);
	}
	return @c;
}

sub check_suggest {
	my %c;
	for my $c (candidates()) {
		if (ref $c ne 'HASH' || !defined $c->{domain}) {
			push @bad, "suggest: a candidate that is no object with a "
			  . "domain: " . show($c);
			next;
		}
		push @bad, "suggest: $c->{domain} listed twice" if $c{ $c->{domain} };
		$c{ $c->{domain} } = $c;
	}
	for my $g (sort keys %{ $exp->{groups} }) {
		my $e = $exp->{groups}{$g};
		my $c = $c{$g} or do {
			push @bad, "suggest: expected a candidate $g (verdict "
			  . "$e->{verdict}), got none";
			next;
		};
		want_eq("suggest $g verdict", $c->{verdict}, $e->{verdict});
		want_eq("suggest $g decided_by", $c->{decided_by}, 'pairs')
		  if exists $c->{decided_by};
		want_eq("suggest $g kind", $c->{kind}, 'name');
		my $reason = $c->{reason};
		for my $re (@{ $e->{reason} }) {
			push @bad, "suggest $g reason: expected it to cite /$re/, "
			  . "got " . show($reason)
			  unless defined $reason && !ref $reason && $reason =~ /$re/;
		}
		want_eq("suggest $g entry", $c->{entry}, $g)
		  if $e->{verdict} eq 'whitelist';
		my $p = ref $c->{pairs} eq 'HASH' ? $c->{pairs} : $c;
		check_pairs("suggest $g", $p, $g);
	}
}

if (defined $opt{summary}) {
	check_summary();
} else {
	check_suggest();
}
if (@bad) {
	print STDERR "$opt{label}: $_\n" for @bad;
	exit 1;
}
print STDERR "$opt{label}: the pair evidence of "
  . scalar(keys %{ $exp->{groups} }) . " groups as expected\n";
exit 0;
