# tests/hostile/check-summary.pl: checks a summary written from hostile
# input (tests/hostile/input.sh).
#
#   perl check-summary.pl SUMMARY EXPECT MODE [NOW]
#
# MODE is "rsyslog" (the module: every message is handed to the action),
# "rsyslog-raw" (the same with rsyslog's control character escaping off,
# only the control-byte lines sent) or "scan" (greyscan scan of the same
# lines as a file). Prints one problem a line and exits 1 when there is
# any; exits 0 silently otherwise.
#
# Always: the file is valid UTF-8 and valid JSON; no string in it (keys
# too) holds a control byte (U+0000-U+001F, U+007F); group names and hosts
# are at most 255 bytes, examples at most 63, samples at most 256, at most
# 5 samples; totals.lines is the number of lines sent; every decision of a
# complete line is counted in its expected group (EXPECT's groups); in a
# version 2 summary every domain has its pair evidence, consistent as
# greyscan-summary(5) says (passed + pending + expired and returned +
# never_returned within greylisted, never_returned within expired, the
# waits all null or median <= p90 <= max, null when nothing passed); the
# per-slot series is there, with slot_seconds the window's seconds / 28
# and start the window's, every domain's arrays of series.slots counts
# that sum to its new + early_retry and delayed + passed.
# rsyslog: actions + unparsed + ignored = lines (every message is one of
# the three), too_old = 0, and the far time stamps are counted at the
# reception time (first_seen within 300 s of NOW), the window's end no
# later than NOW + 1 h + 300 s; the samples show rsyslog's #ooo escapes
# (raw: the module's '?').
# scan: actions + unparsed + ignored = the lines that contain "postgrey"
# (lines cut before the program name are another program's or no line,
# counted only in lines); the time stamps before 1970 are unparsed, the
# 1970/1971 ones (after today's lines) too old; 2999 and 9999 are not in
# this file (see tests/hostile/input.sh).
use strict;
use warnings;
use Encode qw(decode FB_CROAK LEAVE_SRC);
use JSON::PP;

my ($sfile, $efile, $mode, $now) = @ARGV;
my @bad;
sub slurp {
	open(my $h, "<:raw", $_[0]) or die "$_[0]: $!\n";
	local $/;
	return scalar <$h>;
}
my $raw = slurp($sfile);
my $e = JSON::PP->new->utf8->decode(slurp($efile));
eval { decode("UTF-8", $raw, FB_CROAK | LEAVE_SRC); 1 } or do {
	print "summary is not valid UTF-8: $@";
	exit 1;
};
my $j = eval { JSON::PP->new->utf8->decode($raw) } or do {
	print "summary is not valid JSON: $@";
	exit 1;
};

# Every string and key, with its path.
sub walk {
	my ($v, $path, $f) = @_;
	if (ref $v eq "HASH") {
		for (sort keys %$v) {
			$f->("$path key", $_);
			walk($v->{$_}, "$path.$_", $f);
		}
	} elsif (ref $v eq "ARRAY") {
		walk($v->[$_], "$path\[$_]", $f) for 0 .. $#$v;
	} elsif (defined $v && !ref $v) {
		$f->($path, "$v");
	}
}
walk($j, "", sub {
	my ($p, $s) = @_;
	push @bad, "$p holds a control character" if $s =~ /[\x00-\x1f\x7f]/;
});
sub bytes { my $s = shift; utf8::encode($s); return length($s) }
my $t = $j->{totals};
my @samples = @{$j->{unparsed_samples}};
push @bad, "more than 5 samples" if @samples > 5;
for (@samples) {
	push @bad, "sample of " . bytes($_) . " bytes" if bytes($_) > 256;
}
my %g;
for my $d (@{$j->{domains}}) {
	$g{$d->{domain}} = $d;
	push @bad, "group name of " . bytes($d->{domain}) . " bytes"
	    if bytes($d->{domain}) > 255;
	for (@{$d->{examples}}) {
		push @bad, "example of " . bytes($_) . " bytes" if bytes($_) > 63;
	}
	for (keys %{$d->{hosts}}) {
		push @bad, "host of " . bytes($_) . " bytes" if bytes($_) > 255;
	}
}
if ($j->{version} >= 2) {
	for (qw(pairs_evicted pairs_open)) {
		push @bad, "totals.$_ missing" unless defined $t->{$_};
	}
	push @bad, "window.retry_window missing"
	    unless defined $j->{window}{retry_window};
	for my $d (@{$j->{domains}}) {
		my $p = $d->{pairs} or do {
			push @bad, "$d->{domain}: no pairs";
			next };
		my $n = "$d->{domain}: pairs";
		push @bad, "$n: passed + pending + expired > greylisted"
		    if $p->{passed} + $p->{pending} + $p->{expired} >
		    $p->{greylisted};
		push @bad, "$n: returned + never_returned > greylisted"
		    if $p->{returned} + $p->{never_returned} > $p->{greylisted};
		push @bad, "$n: never_returned > expired"
		    if $p->{never_returned} > $p->{expired};
		my @w = map { $p->{$_} } qw(wait_median wait_p90 wait_max);
		my $nulls = grep { !defined } @w;
		if ($nulls == 0) {
			push @bad, "$n: waits out of order (@w)"
			    unless $w[0] <= $w[1] && $w[1] <= $w[2];
			push @bad, "$n: a wait, but nothing passed"
			    unless $p->{passed};
		} elsif ($nulls != 3) {
			push @bad, "$n: some waits null, some not";
		}
	}
}
if (my $f = $j->{series}) {
	my $w = $j->{window};
	push @bad, "series.slot_seconds $f->{slot_seconds}, window $w->{seconds}"
	    if $f->{slot_seconds} != int($w->{seconds} / 28);
	push @bad, "series.start " . ($f->{start} // "null") . ", window.start " .
	    ($w->{start} // "null")
	    if ($f->{start} // "") ne ($w->{start} // "");
	for my $d (@{$j->{domains}}) {
		my $s = $d->{series} or do {
			push @bad, "$d->{domain}: no series";
			next };
		my %sum = (greylisted => $d->{new} + $d->{early_retry},
		    passed => $d->{delayed} + $d->{passed});
		for my $k (sort keys %sum) {
			my @v = @{$s->{$k}};
			push @bad, "$d->{domain}: series.$k has " . @v .
			    " slots, series.slots $f->{slots}"
			    if @v != $f->{slots};
			my $n = 0;
			$n += $_ for @v;
			push @bad, "$d->{domain}: series.$k sums to $n, want $sum{$k}"
			    if $n != $sum{$k};
		}
	}
} else {
	push @bad, "no series";
}
push @bad, "totals.lines $t->{lines}, sent $e->{lines}"
    if $t->{lines} != $e->{lines};
my $sum = $t->{actions} + $t->{unparsed} + $t->{ignored};
for my $name (sort keys %{$e->{groups}}) {
	my $key = $name;
	utf8::decode($key);
	my $d = $g{$key} or do { push @bad, "group $name missing"; next };
	push @bad, "group $name: new $d->{new}, want at least $e->{groups}{$name}"
	    if $d->{new} < $e->{groups}{$name};
	push @bad, "group $name: new $d->{new}, want $e->{groups}{$name}"
	    if $mode ne "rsyslog-raw" && $d->{new} != $e->{groups}{$name} &&
	    $name ne "[192.0.2.0/24]";
}
if ($mode =~ /^rsyslog/) {
	push @bad, "actions+unparsed+ignored = $sum, lines $t->{lines}"
	    if $sum != $t->{lines};
	push @bad, "too_old $t->{too_old}" if $t->{too_old};
	my $s = join("\n", @samples);
	if ($mode eq "rsyslog") {
		push @bad, "no #001 escape in the samples" if $s !~ /A#001B/;
	} else {
		push @bad, "no '?' for a raw control byte in the samples"
		    if $s !~ /A\?B/;
	}
	push @bad, "NUL not shown as #000 in the samples" if $s !~ /B#000C/;
	if ($mode eq "rsyslog") {
		require Time::Local;
		for my $d (sort keys %{$e->{stamps}}) {
			my $x = $g{$d} or do {
				push @bad, "$d ($e->{stamps}{$d}) not counted";
				next };
			my ($Y, $M, $D, $h, $m, $sec) =
			    $x->{first_seen} =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/;
			my $ft = Time::Local::timegm($sec, $m, $h, $D, $M - 1, $Y);
			push @bad, "$d ($e->{stamps}{$d}): first_seen $x->{first_seen}, not the reception time"
			    if abs($ft - $now) > 300;
		}
		my ($Y, $M, $D, $h, $m, $sec) =
		    $j->{window}{end} =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/;
		push @bad, "window end $j->{window}{end} too late"
		    if Time::Local::timegm($sec, $m, $h, $D, $M - 1, $Y) >
		    $now + 3600 + 300;
	}
} else {
	my $want = $e->{lines} - $e->{cut} + $e->{cut_postgrey};
	push @bad, "actions+unparsed+ignored = $sum, want $want"
	    if $sum != $want;
	for (qw(ts-1969.example ts-year1.example ts-epoch.example ts-1971.example)) {
		push @bad, "$_ counted in a group" if $g{$_};
	}
	push @bad, "too_old $t->{too_old}, want 2" if $t->{too_old} != 2;
	push @bad, "control bytes and NUL not shown as '?' in the samples"
	    if join("\n", @samples) !~ /A\?B\?C/;
}
print map { "$_\n" } @bad;
exit(@bad ? 1 : 0);
