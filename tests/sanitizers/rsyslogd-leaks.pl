#!/usr/bin/perl
# rsyslogd-leaks.pl: drops from rsyslogd's LeakSanitizer reports the leaks
# that are rsyslogd's own, keeping every leak greyscan code took part in.
#
# usage: perl rsyslogd-leaks.pl KEPTDIR SRCDIR BUILDDIR REPORT...
#   REPORT   an ASan log of an rsyslogd run (log_path of GS_RSYSLOGD_WRAP)
#   SRCDIR, BUILDDIR
#            greyscan's trees (absolute): a frame is greyscan code when
#            its source file (relative paths taken from BUILDDIR, where
#            the compiler ran) or its module lies in one of them, when its
#            module is omgreyscan.so or abiprobe.so (also installed
#            copies), or when its module is unknown (unmapped)
#   KEPTDIR  where the original of every rewritten report is kept
#
# Why a filter and not only suppressions: the packaged rsyslogd has no
# symbols for its static functions, and its own leaks (config parser,
# built-in omfwd) go through frames such as actionNewInst that also call
# omgreyscan's entry points. A suppression naming them would hide the
# module's leaks too. The rule here cannot: a leak record (direct or
# indirect) is dropped only when its allocation stack has a frame in
# rsyslog's own code (/usr/sbin/rsyslogd or rsyslog's module directory)
# and none in greyscan code; a stack cut short before reaching either
# stays. Every report that is not only about leaks stays whole (ASan and
# UBSan errors are never filtered). A report left without a leak is
# deleted; one left with some is rewritten to those.
use strict;
use warnings;

use Cwd qw(abs_path);

my ($keptdir, $srcdir, $builddir, @reports) = @ARGV;
die "usage: rsyslogd-leaks.pl KEPTDIR SRCDIR BUILDDIR REPORT...\n"
	unless defined $builddir && $srcdir =~ m{^/} && $builddir =~ m{^/};
my @trees = map { (abs_path($_) // $_) . '/' } ($srcdir, $builddir);

# PATH made absolute without the file having to exist: ".." and "."
# removed by their names (glibc's and the sanitizer's own frames name files
# of their build machines, relative to some other directory).
sub lexical_abs {
	my ($path) = @_;
	$path = "$builddir/$path" unless $path =~ m{^/};
	my @out;
	for my $c (split(m{/+}, $path)) {
		next if $c eq '' || $c eq '.';
		if ($c eq '..') { pop(@out); } else { push(@out, $c); }
	}
	return '/' . join('/', @out);
}

sub in_trees {
	my ($path) = @_;
	# Relative names of other projects' files (nptl/pthread_create.c)
	# must not land in our trees by chance: the file has to be there.
	my $abs = lexical_abs($path);
	return 0 unless -e $abs;
	$abs = abs_path($abs) // $abs;
	return grep { index($abs, $_) == 0 } @trees;
}

# ASan frames: "#N 0xPC in FUNC FILE:LINE[:COL]" or "#N 0xPC [in FUNC]
# (MODULE+0xOFF)".
sub ours {
	my ($frame) = @_;
	return 1 if $frame =~ /\(<unknown module>\)/;
	if ($frame =~ /\(([^()+]+)\+0x[0-9a-f]+\)\s*$/) {
		my $mod = $1;
		return 1 if $mod =~ m{(?:^|/)(?:omgreyscan|abiprobe)\.so$};
		return in_trees($mod) ? 1 : 0;
	}
	if ($frame =~ /^\s*#\d+ 0x[0-9a-f]+ in \S+ (\S+?)(?::\d+)*\s*$/) {
		return in_trees($1) ? 1 : 0;
	}
	return 0;
}

for my $file (@reports) {
	open(my $in, '<', $file) or die "$file: $!\n";
	my $text = do { local $/; <$in> };
	close($in);
	# Only a pure leak report is filtered.
	my @errors = $text =~ /^==\d+==ERROR: (.*)$/mg;
	next if grep { !/^LeakSanitizer: detected memory leaks/ } @errors;
	next unless @errors;
	my ($head, @blocks) = split(/^(?=(?:Direct|Indirect) leak of )/m, $text);
	my ($kept, $dropped) = ('', 0);
	my ($bytes, $allocs) = (0, 0);
	for my $b (@blocks) {
		$b =~ s/^(SUMMARY: .*\n?)//m;
		my @frames = $b =~ /^\s+#\d+ .*$/mg;
		my $rsyslog = grep { m{\(/usr/sbin/rsyslogd\+|/rsyslog/[^/ ]+\.so\+} } @frames;
		if (!$rsyslog || grep { ours($_) } @frames) {
			$kept .= $b;
			if ($b =~ /leak of (\d+) byte\(s\) in (\d+) object/) {
				$bytes += $1;
				$allocs += $2;
			}
		} else {
			$dropped++;
		}
	}
	next unless $dropped;
	my $base = $file;
	$base =~ s{.*/}{};
	system('mkdir', '-p', $keptdir) == 0 or die "mkdir $keptdir failed\n";
	rename($file, "$keptdir/$base") or die "$file: $!\n";
	print STDERR "rsyslogd-leaks.pl: $base: $dropped leak record(s) of",
		" rsyslog's own (no greyscan frame) dropped; original in",
		" $keptdir/$base\n";
	next if $kept eq '';
	open(my $out, '>', $file) or die "$file: $!\n";
	print $out $head, $kept,
		"SUMMARY: AddressSanitizer: $bytes byte(s) leaked in",
		" $allocs allocation(s) with greyscan frames.\n" or die "$file: $!\n";
	close($out) or die "$file: $!\n";
}
