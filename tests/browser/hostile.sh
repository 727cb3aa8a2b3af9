#!/bin/sh
# hostile.sh: a summary whose names try to inject markup and script into
# the HTML report, with 10000 domains, rendered in headless Chromium.
#
# The summary: a scan of a small log gives one valid domain object, which
# is copied into 10000 domains (the busiest first by construction); among
# them names that would open elements, end attributes or the script
# element, or start a comment if they were not escaped ("<script>",
# "\"><img onerror=...>", "</script><script>", "' onmouseover='", "<!--"),
# and names of 1024 bytes (the most the summary reader accepts, see
# greyscan-summary(5)) made of "<b>&" and of one unbroken label.
# Pass/fail:
#  1. `greyscan report --html` writes the page; each injection attempt
#     would set window.__pwned or add an element: after the page loaded
#     and drew, window.__pwned is unset, the page has its two script
#     elements only, and no img, svg, b or iframe element;
#  2. every hostile name shows as text: a row's domain cell holds exactly
#     the name;
#  3. the table has the 1000 busiest rows (the page's default) and says
#     "1000 of 10000", and the busiest chart drew its 20 bars; no console
#     message at all;
#  4. a summary with a 10 kB domain name is refused with a message naming
#     the member (domains[0].domain), and no page is written.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"

"$PERL" -e '
	use POSIX qw(strftime);
	my $t0 = 1709337600;
	for my $m (1 .. 30) {
		my $t = $t0 + $m * 600;
		for (["greylist, reason=new", 0, "10.0.$m.1"],
		     ["greylist, reason=new", 300, "10.9.$m.1"],
		     ["pass, reason=triplet found, delay=1800", 1800, "10.0.$m.2"]) {
			printf("%s mx1 postgrey[1]: action=%s, client_name=o$m.tmpl.example, " .
				"client_address=%s, sender=a\@tmpl.example, recipient=r$m\@x.org\n",
				strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t + $_->[1])), $_->[0], $_->[2]);
		}
	}' >mail.log || gs_error "cannot write the log"
"$GREYSCAN" scan -n -r "$GS_RULEBASE" -o template.json mail.log >scan.out 2>&1 ||
	gs_fail "scan failed: $(cat scan.out)"

"$PERL" -MJSON::PP -e '
	my ($in, $out) = @ARGV;
	my $j = JSON::PP->new->canonical;
	open(my $f, "<", $in) or die "$in: $!\n";
	my $s = $j->decode(do { local $/; <$f> });
	my $tmpl = $s->{domains}[0] or die "no domain in the template\n";
	my @hostile = ("<script>window.__pwned=1</script>",
		"\"><img src=x onerror=\"window.__pwned=2\">",
		"</script><script>window.__pwned=3</script>",
		"x\x27 onmouseover=\x27window.__pwned=4",
		"<!--<script>window.__pwned=5</script>",
		"<svg onload=window.__pwned=6>",
		"<iframe srcdoc=\"<script>parent.__pwned=7</script>\">",
		("<b>&" x 256), ("a" x 1024));
	my @d;
	for my $i (0 .. 9999) {
		my %g = %$tmpl;
		$g{domain} = $i < @hostile ? $hostile[$i] : "d$i.example";
		$g{new} = 20000 - $i;	# the busiest first
		push(@d, \%g);
	}
	$s->{domains} = \@d;
	$s->{totals}{groups} = scalar(@d);
	open(my $o, ">", $out) or die "$out: $!\n";
	print $o $j->encode($s), "\n";
	close($o) or die "$out: $!\n";
	open(my $h, ">", "hostile.names") or die "names: $!\n";
	print $h $j->encode(\@hostile), "\n";
' template.json summary.json || gs_error "cannot write the summary"
"$GREYSCAN" report --html -o report.html summary.json >report.out 2>&1 ||
	gs_fail "report --html failed: $(cat report.out)"

"$PERL" -I"$top_srcdir/tests/browser" -MWebDriver -MJSON::PP -e '
	use strict;
	use warnings;
	my ($work) = @ARGV;
	my $fail = 0;
	sub check { die "check: two arguments\n" unless @_ == 2; my ($ok, $what) = @_; print(($ok ? "ok" : "FAIL"), ": $what\n"); $fail++ unless $ok; }
	open(my $nf, "<", "$work/hostile.names") or die "names: $!\n";
	my $names = JSON::PP->new->decode(scalar(<$nf>));
	my $wd = WebDriver->new(work => $work);
	$wd->open_page("$work/report.html");
	my $r = $wd->run(q{
		var shown = {};
		document.querySelectorAll("#domains tbody th").forEach(function (th) { shown[th.textContent] = 1; });
		var c = window.greyscanCharts && window.greyscanCharts.busiest, drawn = 0;
		if (c) c.data.datasets.forEach(function (ds, k) {
			c.getDatasetMeta(k).data.forEach(function (e, i) {
				if (ds.data[i] !== null && Math.abs(e.x - e.base) > 0) drawn++;
			});
		});
		return { pwned: typeof window.__pwned, scripts: document.scripts.length,
			elements: document.querySelectorAll("img, svg, b, iframe").length,
			rows: document.querySelectorAll("#domains tbody tr").length,
			caption: document.querySelector("#domains caption").textContent,
			found: arguments[0].filter(function (n) { return shown[n] === 1; }).length,
			drawn: drawn };
	}, $names);
	check($r->{pwned} eq "undefined", "nothing injected ran (window.__pwned is $r->{pwned})");
	check($r->{scripts} == 2, "two script elements, got $r->{scripts}");
	check($r->{elements} == 0, "no injected element, got $r->{elements}");
	check($r->{found} == @$names, "every hostile name shown as text: $r->{found} of " . scalar(@$names));
	check($r->{rows} == 1000, "1000 rows, got $r->{rows}");
	check(scalar($r->{caption} =~ /^1000 of 10000 sender domains/), "caption: $r->{caption}");
	check($r->{drawn} == 20, "the busiest chart drew 20 bars, got $r->{drawn}");
	my $log = $wd->console;
	check(@$log == 0, "console messages: " . join(" | ", map { "$_->{level} $_->{message}" } @$log));
	$wd->quit;
	exit($fail ? 1 : 0);
' "$GS_WORK" >browser.out 2>&1
st=$?
cat browser.out
[ "$st" -eq 0 ] || gs_fail "hostile page: $(grep -c '^FAIL' browser.out) checks failed"

# 4. A name beyond the reader's bound.
"$PERL" -MJSON::PP -e '
	my $j = JSON::PP->new->canonical;
	open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!\n";
	my $s = $j->decode(do { local $/; <$f> });
	$s->{domains}[0]{domain} = "x" x 10240;
	print $j->encode($s), "\n";' summary.json >long.json ||
	gs_error "cannot write the long-name summary"
if "$GREYSCAN" report --html -o long.html long.json >long.out 2>&1; then
	gs_fail "a 10 kB domain name was accepted"
fi
grep -q 'domains\[0\]\.domain' long.out ||
	gs_fail "the error does not name the member: $(cat long.out)"
[ ! -e long.html ] || gs_fail "a page was written for a refused summary"
gs_pass "hostile names stay text in a 10000-domain summary; a 10 kB name is refused:" \
	"$(cat long.out)"
