#!/usr/bin/perl
# bench/pairflood.pl: a flood of postgrey greylistings with random senders
# and recipients from a few sender groups, for bench/rsyslog-pairs-memory.sh.
# Writes syslog lines ("<21>Mmm dd hh:mm:ss mxN postgrey[PID]: action=...",
# as bench/genlog --format syslog does) to standard output.
#
#   pairflood.pl --lines N [--groups G] [--pairs P] [--seed S]
#
# Line i comes from group i mod G (client mxK.flood-G.example, an address
# of 10/8), reported by mx1 or mx2. --pairs 0 (default): every line is a new
# pair (sender and recipient): the sender's local part is i scrambled by a
# bijection of [0, 26^7) written in letters, so no two lines share a sender
# even after postgrey's substitutions (which turn numbers into '#'), and the
# recipient is a random one of 26^4 mailboxes. --pairs P: the lines cycle
# through P pairs only (the baseline). Time stamps start N/500 + 600 s in
# the past and advance one second every 500 lines (genlog --flood's pace),
# so they lie inside the module's window and none is in the future, and no
# pair reaches a retry window of hours: nothing expires, a full table evicts.
# Deterministic for a seed (Perl's own rand).
use strict;
use warnings;
use Getopt::Long;
use POSIX qw(strftime);

my %opt = (groups => 8, pairs => 0, seed => 1);
GetOptions(\%opt, 'lines=i', 'groups=i', 'pairs=i', 'seed=i')
  and defined $opt{lines} and $opt{lines} >= 0 and $opt{groups} >= 1
  and $opt{pairs} >= 0
  or die "usage: pairflood.pl --lines N [--groups G] [--pairs P] [--seed S]\n";

my $LINES_PER_S = 500;
my $SPACE = 26**7;      # distinct sender local parts
my $SCRAMBLE = 1000003; # odd and not a multiple of 13: a bijection mod 26^7
die "pairflood.pl: at most $SPACE lines\n" if $opt{lines} > $SPACE;
srand($opt{seed});

sub letters {
	my ($n, $width) = @_;
	my $s = '';
	for (1 .. $width) {
		$s .= chr(97 + $n % 26);
		$n = int($n / 26);
	}
	return $s;
}

my @pid = (1241, 1575);
my $t = time() - int($opt{lines} / $LINES_PER_S) - 600;
my $stamp;
binmode STDOUT;
for my $i (0 .. $opt{lines} - 1) {
	if ($i % $LINES_PER_S == 0) {
		$stamp = strftime('%b %e %H:%M:%S', localtime($t));
		$t++;
	}
	my $g = $i % $opt{groups};
	my $h = int(rand(2));
	my ($local, $rcpt);
	if ($opt{pairs} == 0) {
		$local = letters(($i * $SCRAMBLE) % $SPACE, 7);
		$rcpt = letters(int(rand(26**4)), 4);
	} else {
		$local = letters($i % $opt{pairs}, 7);
		$rcpt = 'postbox';
	}
	printf "<21>%s mx%d postgrey[%d]: action=greylist, reason=new, "
	  . "client_name=mx%d.flood-%d.example, client_address=10.%d.%d.%d, "
	  . "sender=%s\@flood-%d.example, recipient=%s\@example.net\n",
	  $stamp, $h + 1, $pid[$h], int(rand(4)), $g, int(rand(256)),
	  int(rand(256)), 1 + int(rand(254)), $local, $g, $rcpt
	  or die "pairflood.pl: write: $!\n";
}
close(STDOUT) or die "pairflood.pl: write: $!\n";
exit 0;
