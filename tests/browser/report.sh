#!/bin/sh
# report.sh: `greyscan report --html` rendered in a real headless Chromium
# (Debian's chromium, driven through chromedriver, tests/browser/WebDriver.pm).
#
# The input, generated here with the verdicts known from how it is made:
# over three days, pool.example sends 25 mails, each greylisted from one
# /24, greylisted again 10 minutes later from another and passed an hour
# after the first attempt (a pool that suffers: whitelist); covered.example
# does the same and is in the whitelist file given with -W (already
# whitelisted); bot.example sends 25 mails once, never again (do not
# whitelist), and ignored.example too, which the ignore file lists
# (ignored); single.example's 25 mails come back from the same address
# after 6 minutes and pass (not needed); retry.example's 2 mails come back
# 10 minutes later from another network and never get through (below the
# threshold); tiny.example sends 3 (below the threshold too). The scan
# runs with --retry-window 2h, so the bots' and retry.example's mails have
# expired by the end of the log.
# Pass/fail, in a browser in the Asia/Tokyo zone:
#  1. no console message at all (errors, warnings) while the page loads,
#     sorts and draws;
#  2. the busiest-domains chart has the 7 domains, most greylisted first
#     (covered, pool 50; bot, ignored, single 25; retry 4; tiny 3), one bar
#     each with a drawn length, each in the dataset of its expected
#     verdict;
#  3. the waits chart has a bar per wait figure for the 3 domains whose
#     mail passed after a wait, with the p90 of pool.example at about 60
#     minutes (the histogram's precision: within 12%), and retry.example's
#     2 mails that never got through on an axis of their own; the page of
#     the same log without retry.example, where every mail that came back
#     got through, has neither that dataset nor that axis;
#  4. each row's trend, drawn once the row is scrolled into view, has one
#     point per slot of the summary's series in both lines, with the
#     values of the row's series;
#  5. the table sorts: "Greylisted" clicked twice gives ascending order
#     (tiny.example first), "Sender domain" once descending names
#     (tiny.example first again, then single.example);
#  6. times show in the reader's zone with UTC beside them: the window's
#     start reads as Intl formats it for Asia/Tokyo, then "(... UTC)";
#  7. without JavaScript the same page shows every row, each verdict as
#     text, the trend numbers and no charts section;
#  8. on a phone-sized window (390 px) nothing but the table's own box
#     scrolls sideways; printing gives a PDF;
#  9. the whitelist line of pool.example is "pool.example" and
#     covered.example's cell names the whitelist file and line.
# Screenshots (desktop, phone) stay in tests/browser/ of the build tree.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"
artifacts=$top_builddir/tests/browser
mkdir -p "$artifacts" || gs_error "cannot make $artifacts"

"$PERL" -e '
	use POSIX qw(strftime);
	my $t0 = 1709337600;	# 2024-03-02T00:00:00Z
	my @l;
	sub line {
		my ($t, $act, $name, $addr, $from, $to) = @_;
		push @l, [$t, sprintf("%s mx1 postgrey[4242]: action=%s, " .
			"client_name=%s, client_address=%s, sender=%s, " .
			"recipient=%s\n",
			strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t)), $act,
			$name, $addr, $from, $to)];
	}
	for my $m (1 .. 25) {
		my $t = $t0 + $m * 7200;	# every 2 hours: 2 days
		for my $d ("pool", "covered") {
			my $n = $d eq "pool" ? 1 : 2;
			line($t, "greylist, reason=new", "out-$m.$d.example",
				"10.$n.$m.10", "info\@$d.example", "r$m\@site.org");
			line($t + 600, "greylist, reason=new", "out-$m.$d.example",
				"10.1$n.$m.20", "info\@$d.example", "r$m\@site.org");
			line($t + 3600, "pass, reason=triplet found, delay=3600",
				"out-$m.$d.example", "10.$n.$m.11",
				"info\@$d.example", "r$m\@site.org");
		}
		for my $d ("bot", "ignored") {
			line($t + 60, "greylist, reason=new", "h$m.$d.example",
				"172.16.$m.1", "x$m\@spam.test", "r$m\@site.org");
		}
		line($t + 120, "greylist, reason=new", "mail.single.example",
			"192.0.2.7", "news\@single.example", "r$m\@site.org");
		line($t + 480, "pass, reason=triplet found, delay=360",
			"mail.single.example", "192.0.2.7",
			"news\@single.example", "r$m\@site.org");
	}
	for my $m (1 .. 2) {	# the first day: back, never through
		my $t = $t0 + 5 * 3600 + $m * 60;
		line($t, "greylist, reason=new", "mta$m.retry.example",
			"203.0.113.$m", "a\@retry.example", "r$m\@site.org");
		line($t + 600, "greylist, reason=new", "mta$m.retry.example",
			"198.18.$m.9", "a\@retry.example", "r$m\@site.org");
	}
	for my $m (1 .. 3) {	# the last day
		line($t0 + 2 * 86400 + $m * 3600, "greylist, reason=new",
			"mx.tiny.example", "198.51.100.$m", "a\@tiny.example",
			"r$m\@site.org");
	}
	print map { $_->[1] } sort { $a->[0] <=> $b->[0] } @l;
' >mail.log || gs_error "cannot write the log"
printf 'covered.example\n' >whitelist_clients
printf 'ignored.example\n' >ignore
"$GREYSCAN" scan -n --retry-window 2h -r "$GS_RULEBASE" -o summary.json \
	mail.log >scan.out 2>&1 || gs_fail "scan failed: $(cat scan.out)"
"$GREYSCAN" report --html -W whitelist_clients -i ignore -o report.html \
	summary.json >report.out 2>&1 ||
	gs_fail "report --html failed: $(cat report.out)"
grep -v 'retry\.example' mail.log >mail-through.log
"$GREYSCAN" scan -n --retry-window 2h -r "$GS_RULEBASE" \
	-o summary-through.json mail-through.log >scan.out 2>&1 ||
	gs_fail "scan failed: $(cat scan.out)"
"$GREYSCAN" report --html -o report-through.html summary-through.json \
	>report.out 2>&1 || gs_fail "report --html failed: $(cat report.out)"

"$PERL" -I"$top_srcdir/tests/browser" -MWebDriver -MJSON::PP -e '
	use strict;
	use warnings;
	my ($work, $artifacts) = @ARGV;
	my $fail = 0;
	sub check { die "check: two arguments\n" unless @_ == 2; my ($ok, $what) = @_; print(($ok ? "ok" : "FAIL"), ": $what\n"); $fail++ unless $ok; }
	sub same { my ($got, $want, $what) = @_; $got //= "undef"; check($got eq $want, "$what: got [$got], want [$want]"); }
	my $j = JSON::PP->new->canonical;
	open(my $sf, "<", "$work/summary.json") or die "summary: $!\n";
	my $sum = $j->decode(do { local $/; <$sf> });
	my $slots = $sum->{series}{slots} // 0;
	check($slots > 1, "the summary has a series ($slots slots)");

	my $wd = WebDriver->new(work => $work, tz => "Asia/Tokyo");
	$wd->open_page("$work/report.html");
	my @want = qw(covered.example pool.example bot.example ignored.example single.example retry.example tiny.example);
	my %verdict = ("covered.example" => "already whitelisted",
		"pool.example" => "whitelist", "bot.example" => "do not whitelist",
		"ignored.example" => "ignored", "single.example" => "not needed",
		"retry.example" => "below the threshold",
		"tiny.example" => "below the threshold");
	# 2. the busiest chart: the bars drawn, and the dataset of each.
	my $bars = $wd->run(q{
		var c = window.greyscanCharts.busiest, out = [];
		c.data.labels.forEach(function (label, i) {
			c.data.datasets.forEach(function (ds, k) {
				if (ds.data[i] === null) return;
				var e = c.getDatasetMeta(k).data[i];
				out.push([label, ds.label, ds.data[i], Math.abs(e.x - e.base) > 0]);
			});
		});
		return out;
	});
	same(join(" ", map { $_->[0] } @$bars), join(" ", @want), "busiest chart: domains in order, one bar each");
	for my $b (@$bars) {
		same($b->[1], $verdict{$b->[0]}, "busiest chart: verdict of $b->[0]");
		check($b->[3], "busiest chart: the bar of $b->[0] is drawn");
	}
	same(join(" ", map { $_->[2] } @$bars), "50 50 25 25 25 4 3", "busiest chart: greylisted mails");
	# 3. the waits chart.
	my $waits = q{
		var c = window.greyscanCharts.waits, drawn = 0;
		c.data.datasets.forEach(function (ds, k) {
			c.getDatasetMeta(k).data.forEach(function (e, i) {
				if (ds.data[i] !== null && ds.data[i] > 0 && Math.abs(e.x - e.base) > 0) drawn++;
			});
		});
		var last = c.data.datasets[c.data.datasets.length - 1];
		return { labels: c.data.labels, drawn: drawn, sets: c.data.datasets.length,
			p90: c.data.datasets[1].data[c.data.labels.indexOf("pool.example")],
			never: last.label === "never got through (mails)" ? last.data.join(" ") : "none",
			x2: c.scales.x2 && c.scales.x2.options.display ? "shown" : "hidden" };
	};
	my $w = $wd->run($waits);
	same(join(" ", @{$w->{labels}}), "covered.example pool.example single.example retry.example", "waits chart: the domains whose mail passed or never got through");
	same($w->{sets}, 4, "waits chart: median, p90, longest, never got through");
	same($w->{drawn}, 10, "waits chart: three wait bars for each of 3 domains, one never-through bar");
	same($w->{never}, "0 0 0 2", "waits chart: retry.example'"'"'s 2 mails never got through");
	same($w->{x2}, "shown", "waits chart: the never-through axis is shown");
	check(abs($w->{p90} - 60) <= 60 * 0.12 + 0.5, "waits chart: pool.example p90 $w->{p90} min ~ 60");
	my $through = WebDriver->new(work => $work);
	$through->open_page("$work/report-through.html");
	my $wt = $through->run($waits);
	same(join(" ", @{$wt->{labels}}), "covered.example pool.example single.example", "every mail through: the waits chart'"'"'s domains");
	same("$wt->{sets} $wt->{never} $wt->{x2}", "3 none hidden", "every mail through: no never-through dataset, no such axis");
	same(scalar(@{$through->console}), 0, "every mail through: no console messages");
	$through->quit;
	# 4. trends, drawn when in view.
	$wd->run(q{ document.querySelector("#domains tbody tr").scrollIntoView(); });
	my $t;
	for (1 .. 50) {
		$t = $wd->run(q{
			var r = document.querySelector("#domains tbody tr"), c = r.greyscanTrend;
			if (!c) return null;
			return { sg: r.getAttribute("data-sg"), pts: [c.getDatasetMeta(0).data.length, c.getDatasetMeta(1).data.length],
				g: c.data.datasets[0].data.join(" "), p: c.data.datasets[1].data.join(" "),
				sp: r.getAttribute("data-sp") };
		});
		last if $t;
		select(undef, undef, undef, 0.1);
	}
	check($t, "trend of the first row drawn once in view");
	if ($t) {
		same(join(" ", @{$t->{pts}}), "$slots $slots", "trend: a point per slot in both lines");
		same($t->{g}, $t->{sg}, "trend: greylisted values are the row series");
		same($t->{p}, $t->{sp}, "trend: passed values are the row series");
		my $sum_g = 0; $sum_g += $_ for split / /, $t->{sg};
		same($sum_g, 50, "trend: the first row series adds up to its greylisted mails");
	}
	# 9. the advice cells.
	my $adv = $wd->run(q{
		var out = {};
		document.querySelectorAll("#domains tbody tr").forEach(function (r) {
			out[r.cells[1].textContent] = r.cells[15].textContent;
		});
		return out;
	});
	same($adv->{"pool.example"}, "pool.example", "whitelist line of pool.example");
	check(scalar(($adv->{"covered.example"} // "") =~ m{^covered by \S*whitelist_clients:1: covered\.example$}), "covered.example names its whitelist entry: $adv->{\"covered.example\"}");
	# 5. sorting.
	my $first = q{ var r = document.querySelectorAll("#domains tbody tr"); return [r[0].cells[1].textContent, r[1].cells[1].textContent, r.length]; };
	$wd->click_css("#domains thead th:nth-child(4) button");
	$wd->click_css("#domains thead th:nth-child(4) button");
	my $s = $wd->run($first);
	same($s->[0], "tiny.example", "sorted by greylisted, ascending");
	same($wd->run(q{ return document.querySelector("#domains thead th:nth-child(4)").getAttribute("aria-sort"); }), "ascending", "aria-sort");
	$wd->click_css("#domains thead th:nth-child(2) button");
	$s = $wd->run($first);
	same("$s->[0] $s->[1] $s->[2]", "tiny.example single.example 7", "sorted by name, descending");
	# 6. the reader'"'"'s time zone.
	my $tz = $wd->run(q{
		var t = document.querySelector("header time");
		var want = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short",
			timeZone: "Asia/Tokyo" }).format(new Date(t.getAttribute("datetime")));
		return [t.textContent, want, Intl.DateTimeFormat().resolvedOptions().timeZone];
	});
	same($tz->[2], "Asia/Tokyo", "the browser runs in Asia/Tokyo");
	check(scalar($tz->[0] =~ /^\Q$tz->[1]\E \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/), "window start in the local zone with UTC: $tz->[0]");
	# 1. the console.
	my $log = $wd->console;
	same(scalar(@$log), 0, "console messages: " . join(" | ", map { "$_->{level} $_->{message}" } @$log));
	$wd->screenshot("$artifacts/report.png");
	my $pdf = $wd->call("POST", "/print", {});
	check(substr(MIME::Base64::decode_base64($pdf), 0, 5) eq "%PDF-", "printing gives a PDF");
	$wd->quit;

	# 8. a phone.
	my $ph = WebDriver->new(work => $work, width => 390, height => 844);
	$ph->open_page("$work/report.html");
	my $o = $ph->run(q{ return [document.documentElement.scrollWidth, window.innerWidth,
		document.querySelector(".table-wrap").scrollWidth > document.querySelector(".table-wrap").clientWidth]; });
	check($o->[0] <= $o->[1], "phone: the page is no wider than the screen ($o->[0] <= $o->[1])");
	check($o->[2], "phone: the table scrolls in its own box");
	same(scalar(@{$ph->console}), 0, "phone: no console messages");
	$ph->screenshot("$artifacts/report-phone.png");
	$ph->quit;

	# 7. without JavaScript.
	my $nj = WebDriver->new(work => $work, javascript => 0);
	$nj->open_page("$work/report.html");
	my $n = $nj->run(q{ var r = document.querySelectorAll("#domains tbody tr"), v = [];
		r.forEach(function (x) { v.push(x.cells[2].textContent); });
		return [r.length, document.getElementById("charts").hidden, v.join(","),
			r[0].querySelector("td.trend").textContent, !!window.greyscanCharts]; });
	same($n->[0], 7, "no JavaScript: every row");
	check($n->[1], "no JavaScript: the charts stay hidden");
	check(!$n->[4], "no JavaScript: the page script did not run");
	same($n->[2], join(",", map { $verdict{$_} } @want), "no JavaScript: verdicts as text");
	check(scalar($n->[3] =~ /^[\d ]+; [\d ]+$/), "no JavaScript: the trend as numbers");
	$nj->quit;
	exit($fail ? 1 : 0);
' "$GS_WORK" "$artifacts" >browser.out 2>&1
st=$?
cat browser.out
[ "$st" -eq 0 ] || gs_fail "the page in Chromium: $(grep -c '^FAIL' browser.out) checks failed"
gs_pass "the page in Chromium: charts, trends, sorting, zones, phone, print, no JavaScript"
