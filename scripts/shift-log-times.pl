#!/usr/bin/perl
# shift-log-times.pl: prints a traditional syslog file ("Nov 20 23:30:41
# host ...", local time, no year) with every time moved by one offset, so
# that its last line is a minute before now. Used by scripts/demo.sh.
# usage: shift-log-times.pl FILE
use strict;
use warnings;
use POSIX qw(strftime);
use Time::Local qw(timelocal);

my %mon;
@mon{qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)} = (0 .. 11);
my $year = (localtime)[5] + 1900;
my $stamp = qr/^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) /;
sub when {
	my ($m, $d, $H, $M, $S) = @_;
	die "shift-log-times.pl: unknown month $m\n" unless exists $mon{$m};
	return timelocal($S, $M, $H, $d, $mon{$m}, $year);
}
my $file = shift @ARGV or die "usage: shift-log-times.pl FILE\n";
open(my $f, "<", $file) or die "$file: $!\n";
my @lines = <$f>;
close($f);
my $last;
for (reverse @lines) {
	if ($_ =~ $stamp) { $last = when($1, $2, $3, $4, $5); last; }
}
die "shift-log-times.pl: no time stamp in $file\n" unless defined $last;
my $shift = time() - 60 - $last;
for (@lines) {
	if ($_ =~ $stamp) {
		my $t = when($1, $2, $3, $4, $5) + $shift;
		substr($_, 0, 16) = strftime("%b %e %H:%M:%S ", localtime($t));
	}
	print;
}
