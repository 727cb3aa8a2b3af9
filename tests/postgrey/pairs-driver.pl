#!/usr/bin/perl
# pairs-driver.pl: plays the scenario of tests/postgrey/pairs.sh against two
# real postgreys (one per mail server, as each MX runs its own) through
# Postfix's policy delegation protocol, on a timeline of one-second ticks,
# and records every request: when it was sent and answered, to which MX,
# client, sender, recipient, and postgrey's answer. pairs-expect.pl derives
# everything greyscan must report from that record alone.
#
#   pairs-driver.pl --mx NAME=SOCKET [--mx NAME=SOCKET] --delay SECONDS
#                   --record OUT
#   pairs-driver.pl --plan          prints the planned requests, plays none
#
# The scenario (three sender groups, each under one registrable domain, with
# documentation, benchmark and shared address space only; "k" is the tick,
# postgrey's --delay is 2 s):
#   pool.example  a big sender's pool: 28 mails (sender+recipient pairs),
#       each retried from another /24 every 2 s, so postgrey greylists every
#       retry as new, until one lands on a /24 it saw at least the delay
#       before: 24 pass so ("triplet found", delay= counted from that /24's
#       first attempt: mostly 4 s, less than the mail waited), after 3 to 6
#       networks (waits 6, 8, 10, 12 s); 4 rotate over 4 networks and stop,
#       never passing. Client names embed the address (outA-B-C-D...), as
#       Tencent's do: the host-name clues call it dynamic space.
#   bots.example  a botnet source: 6 hosts of 100.64/10 send 4 mails each
#       once (ticks 0 to 3) and never retry; a 7th host sends 3 at the end
#       (tick 26), still within any retry window when the test ends. Client
#       names like n100064001005.bots.example carry no dotted address and no
#       access-network word, and few addresses send many mails: no host-name
#       clue fires.
#   single.example  a single server, mail.single.example, 192.0.2.25: 24
#       mails greylisted at ticks 0 to 2 (some retried once too early:
#       early-retry), each retried 3 s later from the same address; the first
#       such retry passes with delay=3, after which postgrey's auto-whitelist
#       (run-postgrey.sh: after one delivery) passes the others as client
#       AWL. And one mail greylisted on mx1 (tick 2), then retried on mx2
#       (tick 5; its own postgrey greylists it as new) and passed there (tick
#       8, delay=3): one mail, one wait of 6 s.
# Senders carry what postgrey's key drops (BATV prvs= tags that change on
# every retry, +extensions, VERP numbers) and recipients change case between
# attempts: postgrey's "triplet found" proves it keys them as one.
#
# Each tick's requests are sent sequentially at the tick's start + 0.05 s, so
# that they fall into one second of the log's time stamps. Each request
# names the answer the scenario wants (new, early, delayed, dunno); any other
# answer is a set-up error (exit 99): the timeline did not hold (a machine
# too slow) or postgrey behaves otherwise than the scenario assumes.
#
# Record (--record): "#" lines describe the run:
#   #delay\tSECONDS
#   #group\tGROUP\tINTENDED-VERDICT
# then one line per request, TAB-separated:
#   seq tick mx group client_name client_address sender recipient
#   t_sent t_answered answer
# t_sent and t_answered are the driver's clock (epoch seconds with
# microseconds); answer is postgrey's action line without "action=".
use strict;
use warnings;
use Getopt::Long;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);
use Time::HiRes qw(time sleep);

my $TICK_OFFSET_S = 0.05; # requests start this long after a second begins
my $LATE_TICK_S	  = 0.5;  # a tick starting later than this is reported

my %opt = (delay => 2);
my @mx;
GetOptions(\%opt, 'mx=s' => \@mx, 'delay=i', 'record=s', 'plan')
  or usage();
usage() unless $opt{plan} || (@mx && defined $opt{record});

sub usage {
	print STDERR "usage: pairs-driver.pl --mx NAME=SOCKET... --delay S "
	  . "--record OUT | --plan\n";
	exit 99;
}

sub setup_error {
	print STDERR "pairs-driver.pl: @_\n";
	exit 99;
}

# "aa", "ab", ...: distinct letters for distinct mails (postgrey turns
# numbers into '#', so numbers alone would not tell senders apart).
sub letters {
	my ($i) = @_;
	return chr(97 + int($i / 26) % 26) . chr(97 + $i % 26);
}

# ---- the scenario -------------------------------------------------------

my @plan; # {tick, mx, group, name, addr, sender, rcpt, want}
my @groups = (
	['pool.example',   'whitelist'],
	['bots.example',   'do-not-whitelist'],
	['single.example', 'not-needed'],
);

sub req {
	my %r = @_;
	$r{mx} //= 'mx1';
	push @plan, \%r;
}

# The pool: mail i's attempt j comes from 198.18.(8i + j).0/24.
sub pool_client {
	my ($i, $j) = @_;
	my @a = (198, 18, 8 * $i + $j, 10 + $j);
	return ('out' . join('-', @a) . '.pool.example', join('.', @a));
}

sub pool_sender {
	my ($i, $j) = @_;
	# A BATV tag of ten [0-9a-z] that changes with every attempt, and an
	# extension: postgrey keys "news-XX@pool.example".
	my $tag = sprintf('%04d%06x', 1000 + $j, (7919 * ($i + 1)) & 0xffffff);
	return "prvs=$tag=news-" . letters($i) . "+r$j\@pool.example";
}

sub pool_rcpt {
	my ($i, $j) = @_;
	my $r = 'reader-' . letters($i) . '@example.net';
	return $j % 2 ? uc($r) : $r; # postgrey lower-cases the key
}

sub plan_pool {
	for my $i (0 .. 27) {
		my $k0 = $i % 2;
		my $stuck = $i >= 24;
		my $m = $stuck ? 4 : 3 + $i % 4; # networks before the landing
		# The /24 the pass comes from: mostly the one tried 4 s before
		# (postgrey's delay=4, while the mail waited 6 to 12 s), for a
		# third of the mails the first one (delay= is the whole wait).
		my $land = $i % 3 == 0 ? 0 : $m - 2;
		for my $j (0 .. $m - 1) {
			my ($name, $addr) = pool_client($i, $j);
			req(tick => $k0 + 2 * $j, group => 'pool.example',
				name => $name, addr => $addr,
				sender => pool_sender($i, $j),
				rcpt => pool_rcpt($i, $j), want => 'new');
		}
		next if $stuck;
		my ($name, $addr) = pool_client($i, $land);
		req(tick => $k0 + 2 * $m, group => 'pool.example', name => $name,
			addr => $addr, sender => pool_sender($i, $m),
			rcpt => pool_rcpt($i, $m), want => 'delayed');
	}
}

sub bot {
	my ($h, $r, $tick) = @_;
	my @a = (100, 64, $h + 1, 5 + 17 * $h);
	req(tick => $tick, group => 'bots.example',
		name => sprintf('n%03d%03d%03d%03d.bots.example', @a),
		addr => join('.', @a),
		sender => 'offers-' . letters(4 * $h + $r) . '@bots.example',
		rcpt => 'user-' . letters(4 * $h + $r) . '@example.net',
		want => 'new');
}

sub plan_bots {
	for my $h (0 .. 5) {
		bot($h, $_, $h % 4) for 0 .. 3;
	}
	bot(6, $_, 26) for 0 .. 2;
}

sub single {
	my ($tick, $s, $want, $upper) = @_;
	my $rcpt = 'buyer-' . letters($s) . '@example.org';
	req(tick => $tick, group => 'single.example',
		name => 'mail.single.example', addr => '192.0.2.25',
		sender => $s % 3 ? "orders+$s\@single.example"
		                 : "bounce-$s-" . (1000 + $tick) . '@single.example',
		rcpt => $upper ? uc($rcpt) : $rcpt, want => $want);
}

sub plan_single {
	for my $s (0 .. 23) {
		my $first = $s % 3;
		single($first, $s, 'new', 0);
		single($first + 1, $s, 'early', 1) if $s % 2 == 0 && $first < 2;
	}
	# The retries 3 s later: tick 3 starts with mail 0, whose pass makes
	# postgrey auto-whitelist the address; every later retry is client AWL.
	for my $s (0 .. 23) {
		single($s % 3 + 3, $s, $s == 0 ? 'delayed' : 'dunno', $s % 4 == 1);
	}
	my %mxpair = (group => 'single.example', name => 'mail.single.example',
		addr => '192.0.2.25', sender => 'invoice-2026@single.example');
	req(%mxpair, tick => 2, rcpt => 'ceo@example.org', want => 'new');
	req(%mxpair, tick => 5, mx => 'mx2', rcpt => 'CEO@example.org',
		want => 'new');
	req(%mxpair, tick => 8, mx => 'mx2', rcpt => 'ceo@example.org',
		want => 'delayed');
}

plan_pool();
plan_bots();
plan_single();
# By tick; within a tick in the order planned.
$plan[$_]{order} = $_ for 0 .. $#plan;
@plan = sort { $a->{tick} <=> $b->{tick} || $a->{order} <=> $b->{order} } @plan;

if ($opt{plan}) {
	for my $r (@plan) {
		print join("\t", @$r{qw(tick mx group name addr sender rcpt want)}),
		  "\n";
	}
	exit 0;
}

# ---- playing it ---------------------------------------------------------

my %sock;
for my $m (@mx) {
	my ($name, $path) = split /=/, $m, 2;
	defined $path or usage();
	$sock{$name} = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $path)
	  or setup_error("$name: cannot connect to $path: $!");
}
for my $r (@plan) {
	$sock{ $r->{mx} } or setup_error("the scenario needs --mx $r->{mx}=SOCKET");
}
open(my $rec, '>', $opt{record}) or setup_error("$opt{record}: $!");
print $rec "#delay\t$opt{delay}\n";
print $rec "#group\t$_->[0]\t$_->[1]\n" for @groups;

my $instance = 0;

# Sends one request and returns postgrey's action (without "action=").
sub ask {
	my ($r) = @_;
	my $s = $sock{ $r->{mx} };
	$instance++;
	my @attr = (
		request => 'smtpd_access_policy', protocol_state => 'RCPT',
		protocol_name => 'ESMTP', helo_name => $r->{name},
		queue_id => '', instance => sprintf('%x.%x.0', $$, $instance),
		size => 0, client_address => $r->{addr},
		client_name => $r->{name}, reverse_client_name => $r->{name},
		sender => $r->{sender}, recipient => $r->{rcpt},
	);
	my $req = '';
	while (my ($k, $v) = splice(@attr, 0, 2)) {
		$req .= "$k=$v\n";
	}
	print $s "$req\n" or setup_error("$r->{mx}: send: $!");
	my ($action, $line);
	while (defined($line = <$s>)) {
		$line =~ s/\r?\n\z//;
		last if $line eq '';
		$action = $1 if $line =~ /^action=(.*)\z/;
	}
	defined $line or setup_error("$r->{mx}: postgrey closed the connection");
	defined $action or setup_error("$r->{mx}: an answer without action=");
	return $action;
}

# What the answer is, in the scenario's words (run-postgrey.sh's greylist
# text carries the seconds still missing; its whitelists are empty here).
sub answer_kind {
	my ($action) = @_;
	if ($action =~ /^DEFER_IF_PERMIT Greylisted for (\d+) seconds\z/) {
		return $1 == $opt{delay} ? 'new' : 'early';
	}
	return 'delayed' if $action =~ /^PREPEND X-Greylist: delayed \d+ seconds /;
	return 'dunno'	 if $action eq 'DUNNO';
	return "unknown ($action)";
}

my $t0 = int(time()) + 1;
my $seq = 0;
my $late = 0;
for my $r (@plan) {
	my $at = $t0 + $r->{tick} + $TICK_OFFSET_S;
	my $now = time();
	sleep($at - $now) if $at > $now;
	$now = time();
	$late++ if $now - ($t0 + $r->{tick}) > $LATE_TICK_S;
	my $action = ask($r);
	my $done = time();
	my $kind = answer_kind($action);
	$seq++;
	print $rec join("\t", $seq, $r->{tick}, $r->{mx}, $r->{group},
		$r->{name}, $r->{addr}, $r->{sender}, $r->{rcpt},
		sprintf('%.6f', $now), sprintf('%.6f', $done), $action), "\n";
	next if $kind eq $r->{want};
	setup_error(sprintf("request %d (tick %d, %s, %s from %s, %s -> %s): "
		  . "postgrey answered '%s' (%s), the scenario wants %s%s",
		$seq, $r->{tick}, $r->{mx}, $r->{name}, $r->{addr},
		$r->{sender}, $r->{rcpt}, $action, $kind, $r->{want},
		$late ? "; $late requests started late: machine too busy?" : ''));
}
close($rec) or setup_error("$opt{record}: $!");
close($_) for values %sock;
printf STDERR "pairs-driver.pl: %d requests over %d s%s\n", $seq,
  $plan[-1]{tick} + 1,
  $late ? ", $late of them more than ${LATE_TICK_S}s into their tick" : '';
exit 0;
