#!/usr/bin/perl
# pairs-expect.pl: what greyscan must report about the mails of
# tests/postgrey/pairs.sh, derived from pairs-driver.pl's record alone (the
# driver's request times and postgrey's answers), never from greyscan.
#
#   pairs-expect.pl --record FILE --retry-window SECONDS --expect OUT.json
#                   --counts OUT.tsv [--postgrey PATH] [--keys SCRIPT]
#                   [--latency SECONDS]
#
# Time stamps. A log line carries whole seconds, truncated from the moment
# rsyslogd received it: between the request's sending and its answer plus
# --latency (default 0.3 s, the way from postgrey's log call to rsyslogd's
# socket). So a request's log time is one of the whole seconds in
# [floor(t_sent), floor(t_answered + latency)], nearly always a single one
# (the driver sends at 0.05 s into a second). Every time figure below is a
# range over those choices: a wait from a first greylisting at [a, b] to a
# pass at [c, d] is [c - b, d - a], exactly the rounding one-second stamps
# imply, no more.
#
# Pairs, as the summary format version 2 defines them (EVIDENCE.md): the key
# is the group, postgrey's own sender key (lc(do_sender_substitutions), taken
# from the installed postgrey through tests/unit/sender-vs-postgrey.pl) and
# the lower-cased recipient; the MX is not part of it. A greylisting (new,
# early-retry) opens a pair or, for an open one, marks it returned and, from
# another /24 than its first, other_network. A pass (triplet found with or
# without delay=, client AWL: every DUNNO here, the whitelists are empty)
# closes an open pair: passed, returned, wait = pass - first greylisting.
# When the summary is written, the window ends at the newest decision E: an
# open pair is expired if E - first > retry window, pending otherwise;
# never_returned counts the expired ones never seen again.
#
# Set-up errors (exit 99), so that a scenario that does not test what it
# claims never passes or fails for the wrong reason:
#   - postgrey's answers contradict the keys computed here: a "new" for a
#     triplet (MX, /24, sender key, recipient key) seen in an earlier
#     second, an early-retry or pass without an earlier request of that
#     triplet, or a delay= outside the range the request times allow;
#   - an expiry or a pending pair that the rounding leaves undecided;
#   - a group's verdict (the rule of lib/advice/verdict.h, computed here
#     from the figures) differs from the one the scenario intends, or
#     changes when any one figure moves by up to 2 (a scenario on a
#     threshold) or the p90 wait anywhere within its error bound.
#
# --expect gets the JSON expectation pairs-compare.pl reads; --counts the
# per-group decision counts in compare.pl's format (GROUP new early_retry
# delayed passed whitelisted recipient_whitelisted awl). A readable table
# of the expectation goes to standard output.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use POSIX qw(floor ceil);

my %opt = (latency => 0.3, postgrey => $ENV{POSTGREY} // '/usr/sbin/postgrey');
GetOptions(\%opt, 'record=s', 'retry-window=i', 'expect=s', 'counts=s',
	'postgrey=s', 'keys=s', 'latency=f')
  and defined $opt{record} and defined $opt{'retry-window'}
  and defined $opt{expect} and defined $opt{counts}
  or die "usage: pairs-expect.pl --record FILE --retry-window S "
  . "--expect OUT.json --counts OUT.tsv [--postgrey PATH] [--keys SCRIPT]\n";
$opt{keys} //= do {
	(my $d = $0) =~ s{[^/]*\z}{};
	"${d}../unit/sender-vs-postgrey.pl";
};
my $RW = $opt{'retry-window'};
my @COUNTS = qw(new early_retry delayed passed whitelisted
  recipient_whitelisted awl);
my @PAIRS = qw(greylisted returned other_network passed pending expired
  never_returned);
# The verdict rule's constants (lib/advice/verdict.h).
my ($MIN_PAIRS, $SUFFER_P90_S, $NEVER_PASSED_PERMILLE) = (20, 1800, 50);
# The wait quantiles' error bound (lib/tally/delayhist.h).
my ($HIST_REL, $HIST_ABS) = (0.12, 0.5);
my $PERTURB = 2;

sub setup_error {
	print STDERR "pairs-expect.pl: @_\n";
	exit 99;
}

# ---- reading the record -------------------------------------------------

my (@req, %intent, @group_order, $delay);
open(my $rf, '<', $opt{record}) or setup_error("$opt{record}: $!");
while (my $line = <$rf>) {
	chomp $line;
	my @f = split /\t/, $line, -1;
	if ($f[0] eq '#delay') {
		$delay = $f[1];
	} elsif ($f[0] eq '#group') {
		push @group_order, $f[1];
		$intent{ $f[1] } = $f[2];
	} elsif ($line !~ /^#/) {
		@f == 11 or setup_error("$opt{record} line $.: want 11 fields");
		my %r;
		@r{qw(seq tick mx group name addr sender rcpt t_sent t_answered
		  answer)} = @f;
		$r{lo} = floor($r{t_sent});
		$r{hi} = floor($r{t_answered} + $opt{latency});
		$r{net} = join('.', (split /\./, $r{addr})[0 .. 2]);
		push @req, \%r;
	}
}
close($rf);
@req or setup_error("$opt{record}: no requests");
defined $delay or setup_error("$opt{record}: no #delay line");

for my $r (@req) {
	my $a = $r->{answer};
	if ($a =~ /^DEFER_IF_PERMIT Greylisted for (\d+) seconds\z/) {
		$r->{kind} = $1 == $delay ? 'new' : 'early_retry';
	} elsif ($a =~ /^PREPEND X-Greylist: delayed (\d+) seconds /) {
		$r->{kind} = 'delayed';
		$r->{delay} = $1;
	} elsif ($a eq 'DUNNO') {
		$r->{kind} = 'dunno';
	} else {
		setup_error("request $r->{seq}: unknown answer '$a'");
	}
	exists $intent{ $r->{group} }
	  or setup_error("request $r->{seq}: group $r->{group} not declared");
}

# ---- postgrey's keys ----------------------------------------------------

# lc(do_sender_substitutions(sender)) by the installed postgrey's own code.
sub sender_keys {
	my @senders = @_;
	my $tmp = "$opt{expect}.senders";
	open(my $o, '>', $tmp) or setup_error("$tmp: $!");
	print $o unpack('H*', $_), "\n" for @senders;
	close($o) or setup_error("$tmp: $!");
	open(my $p, '-|', 'sh', '-c', 'exec "$0" "$1" keys "$2" <"$3"', $^X,
		$opt{keys}, $opt{postgrey}, $tmp)
	  or setup_error("$opt{keys}: $!");
	my @k = map { chomp; pack('H*', $_) } <$p>;
	close($p) or setup_error("$opt{keys} keys $opt{postgrey} failed");
	unlink $tmp;
	@k == @senders or setup_error("$opt{keys}: " . scalar(@k) . " keys for "
		  . scalar(@senders) . " senders");
	return @k;
}

my @skeys = sender_keys(map { $_->{sender} } @req);
for my $i (0 .. $#req) {
	$req[$i]{skey} = $skeys[$i];
	$req[$i]{rkey} = lc $req[$i]{rcpt};
	$req[$i]{pair} = join("\0", $req[$i]{group}, $skeys[$i], $req[$i]{rkey});
}

# ---- postgrey's answers against those keys ------------------------------

sub check_postgrey {
	my (%first, %addr_passed);
	for my $r (@req) {
		my $t = join("\0", $r->{mx}, $r->{net}, $r->{skey}, $r->{rkey});
		my $f = $first{$t};
		my $where = "request $r->{seq} ($r->{mx} $r->{addr} $r->{sender} "
		  . "-> $r->{rcpt}, answer $r->{kind})";
		if ($r->{kind} eq 'new') {
			setup_error("$where: postgrey saw this triplet at request "
				  . "$f->{seq}, in an earlier second")
			  if $f && $f->{hi} < $r->{lo};
		} elsif ($r->{kind} eq 'dunno') {
			# An auto-whitelisted client (after one delivery with
			# delay=) or a triplet that passed before.
			setup_error("$where: neither the address nor the triplet "
				  . "passed before")
			  unless $addr_passed{"$r->{mx}\0$r->{addr}"} || $f;
		} else {
			setup_error("$where: no earlier request of this triplet")
			  unless $f;
		}
		if ($r->{kind} eq 'delayed') {
			my ($lo, $hi) = ($r->{lo} - $f->{hi}, $r->{hi} - $f->{lo});
			setup_error("$where: delay=$r->{delay} outside [$lo, $hi] "
				  . "since request $f->{seq}")
			  if $r->{delay} < $lo || $r->{delay} > $hi;
			$addr_passed{"$r->{mx}\0$r->{addr}"} = 1;
		}
		$first{$t} //= $r;
	}
}
check_postgrey();

# ---- the decision counts (summary version 1) ----------------------------

my (%count, %hosts, $actions);
sub decision_counts {
	my %delayed_from;
	for my $r (@req) {
		my $c = $r->{kind};
		if ($c eq 'dunno') {
			$c = $delayed_from{"$r->{mx}\0$r->{addr}"} ? 'awl' : 'passed';
		}
		$delayed_from{"$r->{mx}\0$r->{addr}"} = 1 if $c eq 'delayed';
		$count{ $r->{group} }{$_} //= 0 for @COUNTS;
		$count{ $r->{group} }{$c}++;
		$hosts{ $r->{group} }{ $r->{mx} }++;
		$actions++;
	}
}
decision_counts();

# ---- following the pairs ------------------------------------------------

my ($E_lo, $E_hi) = (0, 0);
for (@req) {
	$E_lo = $_->{lo} if $_->{lo} > $E_lo;
	$E_hi = $_->{hi} if $_->{hi} > $E_hi;
}

my (%fig, %waits);
sub follow_pairs {
	my %open;
	for my $g (@group_order) {
		$fig{$g}{$_} = 0 for @PAIRS;
		$waits{$g} = [];
	}
	for my $r (@req) {
		my $p = $open{ $r->{pair} };
		my $g = $r->{group};
		setup_error("request $r->{seq}: its pair may have expired "
			  . "(first at $p->{lo}..$p->{hi}, now $r->{lo}..$r->{hi})")
		  if $p && $r->{hi} - $p->{lo} > $RW;
		if ($r->{kind} eq 'new' || $r->{kind} eq 'early_retry') {
			if (!$p) {
				$open{ $r->{pair} } = { %$r, returned => 0, other => 0 };
				$fig{$g}{greylisted}++;
				next;
			}
			$p->{returned} = 1;
			$p->{other} = 1 if $r->{net} ne $p->{net};
			next;
		}
		next unless $p; # a pass of a mail never greylisted
		$fig{$g}{passed}++;
		$p->{returned} = 1;
		push @{ $waits{$g} },
		  [ max0($r->{lo} - $p->{hi}), max0($r->{hi} - $p->{lo}) ];
		close_pair($p);
		delete $open{ $r->{pair} };
	}
	for my $p (values %open) {
		my $g = $p->{group};
		if ($E_lo - $p->{hi} > $RW) {
			$fig{$g}{expired}++;
			$fig{$g}{never_returned}++ unless $p->{returned};
		} elsif ($E_hi - $p->{lo} <= $RW) {
			$fig{$g}{pending}++;
		} else {
			setup_error("pair first greylisted at $p->{lo}..$p->{hi} "
				  . "(request $p->{seq}) may or may not have expired "
				  . "at $E_lo..$E_hi: move the scenario off the edge");
		}
		close_pair($p);
	}
}

sub max0 { return $_[0] < 0 ? 0 : $_[0] }

sub close_pair {
	my ($p) = @_;
	my $f = $fig{ $p->{group} };
	$f->{returned}++      if $p->{returned};
	$f->{other_network}++ if $p->{other};
}
follow_pairs();

# ---- waits --------------------------------------------------------------

# The lower q-quantile (rank ceil(q * n), at least 1) of a list.
sub quantile {
	my ($q, @v) = @_;
	@v = sort { $a <=> $b } @v;
	my $rank = ceil($q * @v - 1e-9);
	$rank = 1 if $rank < 1;
	return $v[ $rank - 1 ];
}

# [true lo, true hi, reported at least, reported at most]
sub quantile_range {
	my ($q, $w) = @_;
	my $lo = quantile($q, map { $_->[0] } @$w);
	my $hi = quantile($q, map { $_->[1] } @$w);
	return [ $lo, $hi, $lo - ($HIST_REL * $lo + $HIST_ABS),
		$hi + ($HIST_REL * $hi + $HIST_ABS) ];
}

my %wait;
for my $g (@group_order) {
	my $w = $waits{$g};
	next unless @$w;
	my ($mlo, $mhi) = (0, 0);
	for (@$w) {
		$mlo = $_->[0] if $_->[0] > $mlo;
		$mhi = $_->[1] if $_->[1] > $mhi;
	}
	$wait{$g} = { median => quantile_range(0.5, $w),
		p90 => quantile_range(0.9, $w), max => [ $mlo, $mhi ],
		waits => $w };
}

# ---- the verdict (lib/advice/verdict.h) ---------------------------------

sub min2 { return $_[0] < $_[1] ? $_[0] : $_[1] }

sub verdict {
	my ($f, $p90) = @_;
	my $returned = $f->{returned};
	my $other = min2($f->{other_network}, $returned);
	my $passed = min2($f->{passed}, $returned);
	my $never = min2($f->{never_returned}, $f->{expired});
	my $stuck = min2($f->{expired} - $never, $returned - $passed);
	my $pending = $f->{pending_fig};
	my $n = $returned + $never + $pending;
	my $decided = $passed + $stuck;
	return 'too-few' if $n < $MIN_PAIRS;
	return 'do-not-whitelist' if 2 * $never > $n;
	return 'too-few' if 2 * $returned < $n || $decided < $MIN_PAIRS;
	if (2 * $other >= $returned) {
		my $suffers = (defined $p90 && $p90 >= $SUFFER_P90_S)
		  || 1000 * $stuck >= $NEVER_PASSED_PERMILLE * $decided;
		return $suffers ? 'whitelist' : 'not-needed';
	}
	return 2 * $passed < $decided ? 'do-not-whitelist' : 'not-needed';
}

# The figures the rule takes: gs_pair_figures.pending is greylisted -
# returned - never_returned (EVIDENCE.md).
sub rule_figures {
	my ($f) = @_;
	my %r = %$f;
	$r{pending_fig} = $f->{greylisted} - $f->{returned} - $f->{never_returned};
	$r{pending_fig} = 0 if $r{pending_fig} < 0;
	return \%r;
}

my %verdict;
for my $g (@group_order) {
	my $f = rule_figures($fig{$g});
	my @p90 = $wait{$g} ? (@{ $wait{$g}{p90} }[ 2, 3 ]) : (undef);
	my $v = verdict($f, $p90[0]);
	for my $p (@p90) {
		for my $k (qw(returned other_network passed expired never_returned
			pending_fig)) {
			for my $d (-$PERTURB .. $PERTURB) {
				my %m = %$f;
				$m{$k} += $d;
				next if $m{$k} < 0;
				my $mv = verdict(\%m, $p);
				setup_error("$g: the verdict turns from $v to $mv when $k "
					  . "moves by $d: the scenario is on a threshold")
				  if $mv ne $v;
			}
		}
	}
	setup_error("$g: the figures give '$v', the scenario intends "
		  . "'$intent{$g}'")
	  if $v ne $intent{$g};
	$verdict{$g} = $v;
}

# What the reason must cite (verdict.h's wording): the figures it rests on.
sub reason_words {
	my ($g) = @_;
	my $f = rule_figures($fig{$g});
	my $n = $f->{returned} + $f->{never_returned} + $f->{pending_fig};
	if ($verdict{$g} eq 'do-not-whitelist') {
		return [ "\\b$f->{never_returned} of $n\\b", 'never came back' ];
	}
	if ($verdict{$g} eq 'whitelist') {
		my $share = int(100 * $f->{other_network} / $f->{returned});
		my $stuck = $f->{expired} - $f->{never_returned};
		return [ "\\b$share%", 'another network', "\\b$stuck never passed" ];
	}
	return ['same network'];
}

# ---- output -------------------------------------------------------------

my %exp = (retry_window => $RW, delay => $delay, actions => $actions,
	window_end => [ $E_lo, $E_hi ], groups => {},
	totals => { pairs_evicted => 0, pairs_open => 0 });
for my $g (@group_order) {
	$exp{totals}{pairs_open} += $fig{$g}{pending};
	$exp{groups}{$g} = { intent => $intent{$g}, verdict => $verdict{$g},
		pairs => $fig{$g}, wait => $wait{$g}, hosts => $hosts{$g},
		reason => reason_words($g), counts => $count{$g} };
}
open(my $ej, '>', $opt{expect}) or setup_error("$opt{expect}: $!");
print $ej JSON::PP->new->canonical->pretty->encode(\%exp);
close($ej) or setup_error("$opt{expect}: $!");
open(my $ct, '>', $opt{counts}) or setup_error("$opt{counts}: $!");
for my $g (@group_order) {
	print $ct join("\t", $g, map { $count{$g}{$_} // 0 } @COUNTS), "\n";
}
close($ct) or setup_error("$opt{counts}: $!");

sub range_text {
	my ($r) = @_;
	return $r->[0] == $r->[1] ? "$r->[0]" : "$r->[0]..$r->[1]";
}

printf "expected from %d requests (retry window %d s, window end %s):\n",
  scalar(@req), $RW, range_text([ $E_lo, $E_hi ]);
for my $g (@group_order) {
	my $f = $fig{$g};
	printf "  %-15s %s; %s\n", $g,
	  join(' ', map { "$_=$f->{$_}" } @PAIRS),
	  join(' ', map { "$_:$hosts{$g}{$_}" } sort keys %{ $hosts{$g} });
	my $w = $wait{$g};
	if ($w) {
		my %n;
		$n{ range_text($_) }++ for @{ $w->{waits} };
		printf "  %-15s waits %s; median %s (reported %.2f..%.2f), p90 %s "
		  . "(reported %.2f..%.2f), max %s\n", '',
		  join(' ', map { "${_}s x$n{$_}" }
			  sort { (split /\.\./, $a)[0] <=> (split /\.\./, $b)[0] }
			  keys %n),
		  range_text($w->{median}), @{ $w->{median} }[ 2, 3 ],
		  range_text($w->{p90}), @{ $w->{p90} }[ 2, 3 ], range_text($w->{max});
		my @d = map { $_->{delay} } grep {
			$_->{group} eq $g && $_->{kind} eq 'delayed' } @req;
		printf "  %-15s (postgrey's delay= on %d of these passes: median "
		  . "%s s, max %s s)\n", '', scalar(@d), quantile(0.5, @d),
		  quantile(1, @d) if @d;
	} else {
		printf "  %-15s waits null (nothing passed)\n", '';
	}
	printf "  %-15s verdict %s (intended %s)\n", '', $verdict{$g}, $intent{$g};
}
exit 0;
