#!/usr/bin/perl
# tests/valgrind/vgcheck.pl LOGDIR: judges the memcheck reports that
# tests/valgrind/vg left in LOGDIR (valgrind --quiet: a clean run leaves an
# empty report).
#
# Every report block other than valgrind's own "Warning:" notes is a
# finding that tests/valgrind/greyscan.supp did not suppress: a memcheck
# error, or a definite or indirect leak. A finding is "ours" when a frame of
# its stacks is our code: omgreyscan.so, the greyscan and check_greyscan
# programs, a test program, a function gs_* or omgs_*, or one of our source
# files. Each finding is printed whole, marked.
# Fails on:
#   - any finding that is ours (error or leak);
#   - any error (invalid access, uninitialised value, bad free, overlap...)
#     even in foreign code: our module runs inside rsyslogd and could be
#     the cause (a message freed too early shows up in rsyslogd's frames).
# Printed but not failing: leaks whose every frame is foreign (rsyslogd's
# or a library's own; the allocation stack tells whose memory it is). Known
# ones are suppressed in greyscan.supp, saying why.
# Exit: 0 nothing that fails, 1 a failing finding, 99 LOGDIR holds no report
# at all (nothing ran under valgrind: the test bypasses GS_RSYSLOGD_WRAP,
# GS_GREYSCAN or GS_CHECK).
use strict;
use warnings;

my $dir = shift or die "usage: vgcheck.pl LOGDIR\n";
opendir(my $dh, $dir) or die "$dir: $!\n";
my @logs = sort grep { /\.log$/ } readdir($dh);
closedir($dh);
if (!@logs) {
	print "valgrind: no program ran under valgrind (no report in $dir)\n";
	exit 99;
}

sub ours {
	my ($frame) = @_;
	return 1 if $frame =~ m{\(in [^)]*/(omgreyscan\.so|greyscan|check_greyscan|check_\w+|tsan_\w+)\)};
	return 1 if $frame =~ m{:\s+(gs|omgs)_\w+ };
	return 1 if $frame =~ m{\(\S*\b(lib|src|plugins|tests)/[\w/.-]+\.[ch]:\d+\)};
	# Without directories, our source file names (debug info of a VPATH
	# build may hold only the base name).
	return 1 if $frame =~ m{\((tally\w*|parser|group|addr\w*|event|stats|number|error|logline|delayhist|siphash|sanitize|state|atomicfile|summary|report|scan|whitelist|suggest|range|greyscan|check_greyscan|omgreyscan|message|params|writer|instance)\.[ch]:\d+\)};
	return 0;
}

my ($failing, $foreign_leaks, $reports) = (0, 0, 0);
for my $log (@logs) {
	open(my $fh, "<", "$dir/$log") or die "$dir/$log: $!\n";
	my @lines = <$fh>;
	close($fh);
	$reports++;
	# Blocks are separated by a line holding only the "==PID== " prefix.
	my @blocks;
	my $cur = [];
	for my $l (@lines) {
		if ($l =~ /^==\d+==\s*$/) {
			push @blocks, $cur if @$cur;
			$cur = [];
		} else {
			push @$cur, $l;
		}
	}
	push @blocks, $cur if @$cur;
	for my $b (@blocks) {
		my $text = join("", @$b);
		(my $head = $b->[0]) =~ s/^==\d+==\s*//;
		next if $head =~ /^Warning:/ && $text !~ /^==\d+==\s+(at|by) 0x/m;
		my $is_ours = grep { /^==\d+==\s+(at|by) 0x/ && ours($_) } @$b;
		my $is_leak = $text =~ /^==\d+== .* blocks? are (definitely|indirectly) lost/m;
		my $verdict;
		if ($is_ours) {
			$verdict = "FAILS: greyscan code";
			$failing++;
		} elsif (!$is_leak) {
			$verdict = "FAILS: an error, in foreign code";
			$failing++;
		} else {
			$verdict = "foreign leak, not ours: not failing " .
			    "(suppress it in tests/valgrind/greyscan.supp)";
			$foreign_leaks++;
		}
		print "---- valgrind finding in $log: $verdict\n$text";
	}
}
print "valgrind: $reports report(s); $failing failing finding(s), " .
    "$foreign_leaks foreign leak(s)\n";
exit($failing ? 1 : 0);
