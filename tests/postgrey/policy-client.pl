#!/usr/bin/perl
# policy-client.pl: plays a scenario against a real postgrey through
# Postfix's policy delegation protocol (name=value lines, an empty line;
# answer "action=..." and an empty line), and writes what greyscan must
# count per group, derived from the requests sent and postgrey's ANSWERS,
# never from any log line.
#
#   policy-client.pl --socket PATH --scenario FILE --expect OUT
#                    [--answers LOG] [--delay SECONDS]
#
# Scenario: one directive a line, fields separated by TABs, '#' comments.
#   sleep SECONDS
#   KIND GROUP CLIENT_NAME CLIENT_ADDRESS SENDER RECIPIENT [QUEUE_ID [STATE]]
#       KIND is "grey" (an ordinary request: the answer decides what it
#       counts as), "cwl" (the client is on the client whitelist), "rwl" (the
#       recipient is on the recipient whitelist) or "bad" (postgrey must
#       refuse it and log no decision). GROUP is the sender domain or
#       network greyscan must count it under. SENDER "<>" is the null sender
#       (sent empty, so postgrey logs no sender=); "-" leaves an attribute
#       out of the request. STATE is Postfix's protocol_state (RCPT).
#   garbage TEXT      a line that is no attribute ("ignoring garbage")
#   badtype           a request of an unknown type (logged, not answered)
#
# What an answer counts as (postgrey 1.37, started by run-postgrey.sh):
#   DEFER_IF_PERMIT Greylisted for N seconds   N == --delay: new;
#                                              N < --delay: early_retry
#   PREPEND X-Greylist: delayed N seconds ...  delayed
#   DUNNO   cwl: whitelisted; rwl: recipient_whitelisted; grey: awl when the
#           same client address had a delayed pass before (AWL after one
#           delivery), passed otherwise; bad: nothing
# A cwl/rwl/bad request answered otherwise, or an answer of no known form,
# is an error of the test set-up: exit status 99.
#
# Output (--expect): one line per group, TAB-separated:
#   GROUP new early_retry delayed passed whitelisted recipient_whitelisted awl
use strict;
use warnings;
use Getopt::Long;
use IO::Socket::UNIX;
use Socket qw(SOCK_STREAM);

my @COUNTERS = qw(new early_retry delayed passed whitelisted
  recipient_whitelisted awl);
my %opt = (delay => 3);
GetOptions(\%opt, 'socket=s', 'scenario=s', 'expect=s', 'answers=s',
	'delay=i')
  and defined $opt{socket} and defined $opt{scenario} and defined $opt{expect}
  or usage();

sub usage {
	print STDERR "usage: policy-client.pl --socket PATH --scenario FILE "
	  . "--expect OUT [--answers LOG] [--delay SECONDS]\n";
	exit 99;
}

sub setup_error {
	my ($where, $msg) = @_;
	print STDERR "policy-client.pl: $where: $msg\n";
	exit 99;
}

my $sock = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $opt{socket})
  or setup_error($opt{socket}, "cannot connect: $!");
open(my $sc, '<', $opt{scenario})
  or setup_error($opt{scenario}, "cannot open: $!");
my $log;
if (defined $opt{answers}) {
	open($log, '>', $opt{answers})
	  or setup_error($opt{answers}, "cannot write: $!");
}

my (%count, @order, %delayed_from);
my $instance = 0;

# Sends one request and returns postgrey's action line (without "action=").
sub ask {
	my ($attr) = @_;
	my $req = '';
	for my $k (@$attr) {
		$req .= "$k->[0]=$k->[1]\n";
	}
	print $sock "$req\n" or setup_error($opt{socket}, "send: $!");
	my ($action, $line);
	while (defined($line = <$sock>)) {
		$line =~ s/\r?\n\z//;
		last if $line eq '';
		$action = $1 if $line =~ /^action=(.*)\z/;
	}
	defined $line or setup_error($opt{socket}, "postgrey closed the connection");
	defined $action or setup_error($opt{socket}, "answer without action=");
	return $action;
}

sub classify {
	my ($where, $kind, $addr, $action) = @_;
	if ($action =~ /^DEFER_IF_PERMIT Greylisted for (\d+) seconds\z/) {
		setup_error($where, "a $kind request was greylisted: $action")
		  if $kind ne 'grey';
		return $1 == $opt{delay} ? 'new' : 'early_retry';
	}
	if ($action =~ /^PREPEND X-Greylist: delayed \d+ seconds /) {
		setup_error($where, "a $kind request passed with delay: $action")
		  if $kind ne 'grey';
		$delayed_from{lc $addr} = 1;
		return 'delayed';
	}
	if ($action eq 'DUNNO') {
		return 'whitelisted'           if $kind eq 'cwl';
		return 'recipient_whitelisted' if $kind eq 'rwl';
		return undef                   if $kind eq 'bad';
		return $delayed_from{lc $addr} ? 'awl' : 'passed';
	}
	setup_error($where, "unexpected answer: $action");
}

while (my $line = <$sc>) {
	chomp $line;
	my $where = "$opt{scenario} line $.";
	next if $line =~ /^\s*(#|\z)/;
	my @f = split /\t/, $line, -1;
	if ($f[0] eq 'sleep') {
		setup_error($where, "sleep SECONDS") unless @f == 2 && $f[1] =~ /^\d+(\.\d+)?\z/;
		select(undef, undef, undef, $f[1]);
		next;
	}
	if ($f[0] eq 'garbage') {
		print $sock "$f[1]\n" or setup_error($where, "send: $!");
		print $log "garbage\t$f[1]\n" if $log;
		next;
	}
	if ($f[0] eq 'badtype') {
		print $sock "request=junk_policy\n\n" or setup_error($where, "send: $!");
		print $log "badtype\n" if $log;
		next;
	}
	my ($kind, $group, $name, $addr, $sender, $rcpt, $qid, $state) = @f;
	setup_error($where, "want KIND GROUP NAME ADDRESS SENDER RECIPIENT")
	  unless @f >= 6 && $kind =~ /^(grey|cwl|rwl|bad)\z/;
	$sender = '' if $sender eq '<>';
	$instance++;
	my @attr = (
		[request        => 'smtpd_access_policy'],
		[protocol_state => $state // 'RCPT'],
		[protocol_name  => 'ESMTP'],
		[helo_name      => $name eq '-' || $name eq 'unknown' ? 'localhost' : $name],
		[queue_id       => $qid // ''],
		[instance       => sprintf('%x.%08x.%x.0', $$, time, $instance)],
		[size           => 0],
		[client_address => $addr],
		[client_name    => $name],
		[reverse_client_name => $name],
		[sender         => $sender],
		[recipient      => $rcpt],
	);
	@attr = grep { $_->[1] ne '-' } @attr;
	my $action = ask(\@attr);
	my $what = classify($where, $kind, $addr, $action);
	print $log join("\t", $kind, $group, $name, $addr, $action, $what // '-'), "\n"
	  if $log;
	next unless defined $what;
	unless (exists $count{$group}) {
		push @order, $group;
		$count{$group} = { map { $_ => 0 } @COUNTERS };
	}
	$count{$group}{$what}++;
}
close($sock);

open(my $out, '>', $opt{expect}) or setup_error($opt{expect}, "cannot write: $!");
for my $g (@order) {
	print $out join("\t", $g, map { $count{$g}{$_} } @COUNTERS), "\n";
}
close($out) or setup_error($opt{expect}, "write: $!");
exit 0;
