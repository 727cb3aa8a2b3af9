#!/bin/sh
# greyscan-cli.sh: black-box tests of the `greyscan` command.
#
# The input is generated here: postgrey decision lines (RFC 3339 time
# stamps, increasing) for five sender domains, split in order over
# mail.log.2.gz (gzip-compressed), mail.log.1 and mail.log, like rotated
# logs. Pass/fail, in order:
#  1. `scan` of the three files (oldest first) exits 0 and its summary has
#     the generated counts, the window's end is the last line of mail.log
#     and nothing is too old; with a one-day window the files in the given
#     order give no too_old, in reverse order they do (they are read in the
#     order given);
#  2. the same lines on standard input (-) give the identical summary (all
#     but "generated") and the identical report;
#  3. a missing file among the others: non-zero exit, an error naming that
#     file, and the -o summary still has the others' counts;
#  4. --help and --version exit 0 and print the usage and the version;
#  5. `report` prints a table whose columns line up (every field of every
#     row starts or ends where its header does, the same way in every row)
#     with each domain's counts in the right column, the wait and
#     never-passed columns included; `report --json` parses (JSON::PP)
#     into one object with the window, the totals and the same counts, and
#     gives every row of a summary of 25 domains (the table 20, --limit 3
#     three);
#  6. `report` on a corrupt or missing summary exits non-zero naming it;
#  7. `suggest --whitelist --ignore` prints the plain registrable domain of
#     the busy sender ("bigsender.com" alone on a line, from
#     mail-N.outbound.bigsender.com), nothing for the whitelisted and the
#     ignored domain, and only comments, with a reason, for the
#     dynamic-looking group (dsl-N.pool.isp-example.de); the header gives
#     postgrey's SIGHUP, not a reload; --min-greylisted N and -n N print
#     what -t N and --threshold N print, and 41 leaves bigsender.com (40)
#     out; `suggest --json` prints one object a line (JSON Lines, each
#     parsed by JSON::PP) with the verdicts, entries and figures;
#  8. bad usage (no or unknown command, bad --window, bad --max-groups,
#     unknown option) exits 2;
#  9. progress: run on a terminal (util-linux `script` gives it a pty),
#     `scan` of a larger file prints "FILE: x MB, N lines"; with stderr a
#     file, it prints no progress at all.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
command -v gzip >/dev/null || gs_error "gzip needed"
command -v script >/dev/null || gs_error "script (util-linux) needed"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"

scan() {
	"$GREYSCAN" scan --rulebase "$GS_RULEBASE" "$@"
}

# ---- The input: 137 lines over 2024-03-02..03, last at 12:34:56Z ----
# bigsender.com: 40 greylisted by 20 pool hosts, 20 passed after 300 s;
# listed.example 30 and ignoredcorp.net 25 greylisted (whitelist, ignore);
# dsl-N.pool.isp-example.de 20 greylisted (dynamic); small.example.org 2.
# Spread evenly: the kinds alternate, so every file has some of each.
"$PERL" -e '
	use POSIX qw(strftime);
	my @ev;
	for my $i (1 .. 40) {
		my $n = ($i - 1) % 20 + 1;
		push @ev, ["greylist", "new", "", "mail-$n.outbound.bigsender.com",
			"203.0.113.$n"];
		push @ev, ["pass", "triplet found", "delay=300, ",
			"mail-$n.outbound.bigsender.com", "203.0.113.$n"]
			if $i <= 20;
		push @ev, ["greylist", "new", "", "smtp-$n.listed.example",
			"192.0.2.$n"] if $i <= 30;
		push @ev, ["greylist", "new", "", "mx$n.ignoredcorp.net",
			"198.18.0.$n"] if $i <= 25;
		push @ev, ["greylist", "new", "",
			"dsl-$i.pool.isp-example.de", "100.64.0.$i"]
			if $i <= 20;
	}
	push @ev, ["greylist", "new", "", "mail.small.example.org",
		"198.51.100.$_"] for 1 .. 2;
	my $t0 = 1709469296 - $#ev * 900;	# last: 2024-03-03T12:34:56Z
	for my $k (0 .. $#ev) {
		my ($a, $r, $d, $name, $addr) = @{$ev[$k]};
		printf "%s mx1 postgrey[4242]: action=%s, reason=%s, %s" .
			"client_name=%s, client_address=%s, sender=s%d\@%s, " .
			"recipient=r%d\@example.net\n",
			strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t0 + $k * 900)),
			$a, $r, $d, $name, $addr, $k, $name, $k;
	}' >all.log || gs_error "cannot generate the input"
[ "$(wc -l <all.log)" -eq 137 ] || gs_error "generated $(wc -l <all.log) lines"
head -n 45 all.log | gzip -c >mail.log.2.gz || gs_error "gzip failed"
sed -n '46,90p' all.log >mail.log.1
sed -n '91,$p' all.log >mail.log

json_is() { # file, expression, expected, what
	_got=$(gs_json "$1" "$2")
	[ "$_got" = "$3" ] || gs_fail "$4: $2 is '$_got', expected '$3'"
}

# ---- 1. Rotated files, oldest first ----
scan -n -o files.json mail.log.2.gz mail.log.1 mail.log 2>scan.err ||
	gs_fail "scan of three files failed: $(cat scan.err)"
json_is files.json '$j->{totals}{lines}' 137 "files"
json_is files.json '$j->{totals}{actions}' 137 "files"
json_is files.json '$j->{totals}{new}' 117 "files"
json_is files.json '$j->{totals}{delayed}' 20 "files"
json_is files.json '$j->{totals}{unparsed}' 0 "files"
json_is files.json '$j->{totals}{too_old}' 0 "files"
json_is files.json '$j->{window}{end}' 2024-03-03T12:34:56Z "files"
for dc in bigsender.com:new:40 bigsender.com:delayed:20 \
	listed.example:new:30 ignoredcorp.net:new:25 \
	isp-example.de:new:20 example.org:new:2; do
	d=${dc%%:*}
	c=${dc#*:}
	n=${c#*:}
	c=${c%:*}
	got=$(gs_domain_count files.json "$d" "$c")
	[ "$got" = "$n" ] || gs_fail "files: $d $c is '$got', expected $n"
done

scan -n -w 1d -o order.json mail.log.2.gz mail.log.1 mail.log ||
	gs_fail "scan with a one-day window failed"
json_is order.json '$j->{totals}{too_old}' 0 "one-day window, oldest first"
scan -n -w 1d -o reverse.json mail.log mail.log.1 mail.log.2.gz ||
	gs_fail "scan in reverse order failed"
old=$(gs_json reverse.json '$j->{totals}{too_old}')
[ "${old:-0}" -gt 0 ] ||
	gs_fail "newest file first with a one-day window gave no too_old:" \
		"the files were not read in the order given"

# ---- 2. The same lines on standard input ----
scan -o files2.json mail.log.2.gz mail.log.1 mail.log >files.report ||
	gs_fail "scan with report failed"
gzip -dc mail.log.2.gz | cat - mail.log.1 mail.log |
	scan -o stdin.json - >stdin.report || gs_fail "scan of - failed"
canon() { # summary without "generated", canonical JSON
	"$PERL" -MJSON::PP -e '
		local $/; my $j = decode_json(<STDIN>);
		delete $j->{generated};
		print JSON::PP->new->canonical->encode($j), "\n";' <"$1"
}
canon files2.json >files.canon || gs_fail "files2.json is not JSON"
canon stdin.json >stdin.canon || gs_fail "stdin.json is not JSON"
cmp -s files.canon stdin.canon ||
	gs_fail "standard input gave another summary:" \
		"$(diff files.canon stdin.canon)"
[ -s files.report ] || gs_fail "scan printed no report"
cmp -s files.report stdin.report ||
	gs_fail "standard input gave another report:" \
		"$(diff files.report stdin.report)"

# ---- 3. A missing file among others ----
rm -f partial.json
if scan -n -o partial.json mail.log.2.gz nosuch.log mail.log.1 mail.log \
	2>missing.err; then
	gs_fail "scan with a missing file exited 0"
fi
grep -q 'nosuch\.log' missing.err ||
	gs_fail "the error does not name the missing file: $(cat missing.err)"
[ -s partial.json ] || gs_fail "no summary written when one file is missing"
json_is partial.json '$j->{totals}{actions}' 137 "with a missing file"
json_is partial.json '$j->{window}{end}' 2024-03-03T12:34:56Z \
	"with a missing file"

# ---- 4. --help and --version ----
"$GREYSCAN" --help >help.out 2>&1 || gs_fail "--help exited non-zero"
grep -q '^Usage: greyscan scan' help.out || gs_fail "--help prints no usage"
grep -q -- '--rulebase' help.out || gs_fail "--help lists no scan options"
"$GREYSCAN" --version >version.out 2>&1 || gs_fail "--version exited non-zero"
grep -Eq '^greyscan [0-9]+\.[0-9]+' version.out ||
	gs_fail "--version prints '$(cat version.out)'"

# ---- 5. report: aligned table and JSON ----
"$GREYSCAN" report files.json >table.out 2>report.err ||
	gs_fail "report failed: $(cat report.err)"
"$PERL" -e '
	# Columns are split at white space (no field has any); each field must
	# start or end where its header does, and the same one in every row.
	my @rows = map { chomp; $_ } <STDIN>;
	my $head = shift @rows;
	sub fields { my @f; while ($_[0] =~ /(\S+)/g) {
		push @f, [$-[1], $+[1], $1] } @f }
	my @h = fields($head);
	my @names = map { $_->[2] } @h;
	die "header is \"$head\"\n" unless "@names" eq
		"# DOMAIN NEW EARLY-RETRY DELAYED MEDIAN MAX WAIT-MEDIAN " .
		"WAIT-P90 NEVER-PASSED ADDRS NETS EXAMPLE";
	die "only " . @rows . " rows\n" unless @rows == 5;
	my %align;
	for my $r (@rows) {
		my @f = fields($r);
		die "row \"$r\" has " . @f . " fields\n" unless @f == @h;
		for my $i (0 .. $#h) {
			my $a = $f[$i][0] == $h[$i][0] ? "left" :
				$f[$i][1] == $h[$i][1] ? "right" :
				die "$names[$i] of \"$r\" is off its column\n";
			$align{$i} //= $a;
			# A field as wide as its header matches both ways.
			next if $f[$i][0] == $h[$i][0] && $f[$i][1] == $h[$i][1];
			$align{$i} = $a if $align{$i} eq "both";
			die "$names[$i] is aligned both ways\n"
				if $align{$i} ne $a;
		}
	}
	my %want = ("bigsender.com" => [40, 20], "listed.example" => [30, 0],
		"ignoredcorp.net" => [25, 0], "isp-example.de" => [20, 0],
		"example.org" => [2, 0]);
	for my $r (@rows) {
		my @f = map { $_->[2] } fields($r);
		my $w = delete $want{$f[1]} or die "unexpected row \"$r\"\n";
		die "counts of $f[1]: \"$r\"\n"
			unless $f[2] == $w->[0] && $f[4] == $w->[1];
	}
	die "rows missing: @{[keys %want]}\n" if %want;
' <table.out 2>align.err ||
	gs_fail "report table: $(cat align.err)
$(cat table.out)"

"$GREYSCAN" report --json files.json >report.json ||
	gs_fail "report --json failed"
"$PERL" -MJSON::PP -e '
	local $/; my $j = decode_json(<STDIN>);
	die "not an object\n" unless ref $j eq "HASH";
	die "window end $j->{window}{end}\n"
		unless $j->{window}{end} eq "2024-03-03T12:34:56Z";
	die "totals.actions $j->{totals}{actions}\n"
		unless $j->{totals}{actions} == 137;
	die "totals.groups $j->{totals}{groups}\n"
		unless $j->{totals}{groups} == 5;
	die "version $j->{summary_version}\n" unless $j->{summary_version} >= 1;
	my ($b) = grep { $_->{domain} eq "bigsender.com" } @{$j->{domains}};
	die "no bigsender.com\n" unless $b;
	die "bigsender.com: new $b->{new}, delayed $b->{delayed}\n"
		unless $b->{new} == 40 && $b->{delayed} == 20;
	die "bigsender.com has no pairs member\n" unless exists $b->{pairs};' \
	<report.json 2>json.err ||
	gs_fail "report --json: $(cat json.err)"

# 25 domains: JSON gives them all, the table the busiest 20.
"$PERL" -MJSON::PP -e '
	local $/; my $j = decode_json(<STDIN>);
	my $d = $j->{domains}[0];
	$j->{domains} = [map { my %c = %$d; $c{domain} = "d$_.example";
		$c{new} = 100 - $_; \%c } 1 .. 25];
	$j->{totals}{groups} = 25;
	print encode_json($j), "\n";' <files.json >many.json ||
	gs_error "cannot write many.json"
rows_json() { # ARGS...: the rows of report --json
	"$GREYSCAN" report --json "$@" many.json |
		"$PERL" -MJSON::PP -e 'local $/;
			print scalar @{decode_json(<STDIN>)->{domains}}, "\n"'
}
[ "$(rows_json)" = 25 ] || gs_fail "report --json gives $(rows_json) of 25 rows"
[ "$(rows_json --limit 3)" = 3 ] ||
	gs_fail "report --json --limit 3 gives $(rows_json --limit 3) rows"
[ "$(rows_json -l 0)" = 25 ] || gs_fail "report --json -l 0 gives $(rows_json -l 0) rows"
n=$("$GREYSCAN" report many.json | grep -c '^ *[0-9]')
[ "$n" = 20 ] || gs_fail "the table shows $n rows, not the default 20"

# ---- 6. report on a corrupt or missing summary ----
printf '{"format":"greyscan-summary","version":1,"generated":' >corrupt.json
if "$GREYSCAN" report corrupt.json >/dev/null 2>corrupt.err; then
	gs_fail "report of a corrupt summary exited 0"
fi
grep -q 'corrupt\.json' corrupt.err ||
	gs_fail "the error does not name the corrupt summary: $(cat corrupt.err)"
if "$GREYSCAN" report nosuch.json >/dev/null 2>nosuch.err; then
	gs_fail "report of a missing summary exited 0"
fi
grep -q 'nosuch\.json' nosuch.err ||
	gs_fail "the error does not name the missing summary: $(cat nosuch.err)"

# ---- 7. suggest ----
printf '# test whitelist\nlisted.example\n' >whitelist
printf '# test ignore list\nignoredcorp.net\n' >ignore
"$GREYSCAN" suggest files.json --whitelist whitelist --ignore ignore \
	>suggest.out 2>suggest.err ||
	gs_fail "suggest failed: $(cat suggest.err)"
entries=$(grep -v '^#' suggest.out | grep -v '^[[:space:]]*$')
[ "$entries" = bigsender.com ] ||
	gs_fail "suggest entries are '$entries', expected bigsender.com only:
$(cat suggest.out)"
grep -q 'listed\.example' suggest.out &&
	gs_fail "suggest mentions the whitelisted domain:
$(cat suggest.out)"
grep -q 'ignoredcorp' suggest.out &&
	gs_fail "suggest mentions the ignored domain:
$(cat suggest.out)"
grep -q "example\.org" suggest.out &&
	gs_fail "suggest mentions a domain below the threshold"
grep '^#' suggest.out | grep 'isp-example\.de' | grep -Eqi 'dynamic|dsl' ||
	gs_fail "the dynamic group has no comment saying why:
$(cat suggest.out)"
grep -q '^# do not whitelist isp-example\.de: ' suggest.out ||
	gs_fail "no do-not-whitelist verdict for the dynamic group:
$(cat suggest.out)"
grep -q '^# whitelist bigsender\.com: ' suggest.out ||
	gs_fail "no whitelist verdict for bigsender.com:
$(cat suggest.out)"
grep -q 'reload postgrey' suggest.out &&
	gs_fail "suggest says 'reload postgrey'"
grep -q '^#   systemctl kill -s HUP postgrey' suggest.out ||
	gs_fail "suggest does not give postgrey's SIGHUP"

# The threshold: --min-greylisted and -n as -t and --threshold.
sug() { "$GREYSCAN" suggest files.json -W whitelist -i ignore "$@"; }
sug -t 25 >t.out || gs_fail "suggest -t 25 failed"
for opt in "--min-greylisted 25" "-n 25" "--min-greylisted=25" \
	"--threshold 25"; do
	# shellcheck disable=SC2086 # the option and its value
	sug $opt >n.out || gs_fail "suggest $opt failed"
	cmp -s t.out n.out || gs_fail "suggest $opt differs from -t 25:
$(diff t.out n.out)"
done
grep -q 'at least 25 times' t.out || gs_fail "-t 25 is not in the header"
[ "$(grep -v '^#' t.out | grep -v '^$')" = bigsender.com ] ||
	gs_fail "suggest -t 25 entries: $(cat t.out)"
sug --min-greylisted 41 >n.out || gs_fail "suggest --min-greylisted 41 failed"
grep -q bigsender n.out && gs_fail "--min-greylisted 41 kept bigsender.com (40)"
usage_2() { # what, arguments...
	_w=$1
	shift
	"$GREYSCAN" "$@" >/dev/null 2>usage.err
	[ $? = 2 ] || gs_fail "$_w: not exit 2"
}
usage_2 "--min-greylisted 0" suggest --min-greylisted 0 files.json
usage_2 "--min-greylisted x" suggest -n x files.json

# suggest --json: JSON Lines
sug --json >sj.out || gs_fail "suggest --json failed"
"$PERL" -MJSON::PP -e '
	my %v;
	while (my $l = <STDIN>) {
		my $o = decode_json($l);
		$v{$o->{domain}} = $o;
	}
	die "objects for @{[sort keys %v]}\n" unless
		join(" ", sort keys %v) eq "bigsender.com isp-example.de";
	my $b = $v{"bigsender.com"};
	die "bigsender.com: $b->{verdict} $b->{entry}\n"
		unless $b->{verdict} eq "whitelist" &&
		$b->{entry} eq "bigsender.com" && $b->{kind} eq "name";
	die "bigsender.com: greylisted $b->{greylisted}\n"
		unless $b->{greylisted} == 40 && $b->{new} == 40 &&
		$b->{delayed} == 20;
	die "bigsender.com: decided by $b->{decided_by}\n"
		unless $b->{decided_by} eq "host-names";
	die "no reason\n" unless length $b->{reason};
	die "no pairs member\n" unless exists $b->{pairs};
	my $d = $v{"isp-example.de"};
	die "isp-example.de: $d->{verdict}\n"
		unless $d->{verdict} eq "do-not-whitelist" &&
		!defined $d->{entry} && $d->{reason} =~ /dsl|pool/;' \
	<sj.out 2>sj.err || gs_fail "suggest --json: $(cat sj.err)
$(cat sj.out)"

# ---- 8. Bad usage exits 2 ----
usage_is_2() { # what, arguments...
	_what=$1
	shift
	"$GREYSCAN" "$@" >/dev/null 2>usage.err
	_rc=$?
	[ "$_rc" = 2 ] || gs_fail "$_what: exit $_rc, expected 2"
	[ -s usage.err ] || gs_fail "$_what: no message on stderr"
}
usage_is_2 "no command"
usage_is_2 "unknown command" frobnicate
usage_is_2 "bad --window" scan --window 3x mail.log
usage_is_2 "empty --window" scan --window '' mail.log
usage_is_2 "--max-groups 0" scan --max-groups 0 mail.log
usage_is_2 "--max-groups abc" scan --max-groups abc mail.log
usage_is_2 "--max-groups too big" scan --max-groups 99999999999999999999 \
	mail.log
usage_is_2 "unknown option" scan --frobnicate mail.log
usage_is_2 "report without a file" report

# ---- 9. Progress on a terminal only ----
"$PERL" -e 'print "2024-03-01T10:00:00Z mx1 postfix/smtpd[1]: connect " .
	"from x.example[192.0.2.1] padding padding\n" x 300000' >big.log ||
	gs_error "cannot write big.log"
script -qec "'$GREYSCAN' scan -n --rulebase '$GS_RULEBASE' big.log" \
	/dev/null >tty.out 2>&1 </dev/null || gs_fail "scan under script failed"
grep -aq 'big\.log: [0-9.]* MB, 300000 lines' tty.out ||
	gs_fail "no progress on a terminal: $(cat -v tty.out | head -c 400)"
scan -n big.log >notty.out 2>notty.err || gs_fail "scan of big.log failed"
grep -aq 'MB, .* lines' notty.err notty.out &&
	gs_fail "progress printed although stderr is not a terminal"

gs_pass
