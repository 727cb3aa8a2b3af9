#!/bin/sh
# input.sh: postgrey lines an attacker shapes, through the real
# rsyslogd with omgreyscan (TCP input) and through `greyscan scan` of a file.
#
# The lines (tests/hostile/gen-input.pl, fixed seed): client names,
# senders, recipients and a reporting host of 10 kB; control bytes, ESC
# sequences, DEL and NUL in names, senders, recipients, a host and unparsed
# lines; invalid UTF-8 (truncated, overlong, surrogate, beyond U+10FFFF);
# 3000 ordinary decisions cut at random points; time stamps in 1969, 1970,
# 1971, year 1, 2038, 2099, 2999 and 9999 (rsyslog reads 1969 and year 1
# as 1970, and no year after 2100 as a time stamp at all: such a line
# reaches the module as another program's, unparsed; it is still counted
# in lines). rsyslogd gets maxMessageSize="64k" so that a
# 10 kB line stays one message (with the default 8k, imtcp would split it
# and the module would count two). What reaches the module: rsyslog escapes
# control characters on reception as "#ooo" (NUL always, as "#000"; the
# others only with parser.escapeControlCharactersOnReceive on, the
# default), and passes invalid UTF-8 unchanged. A second rsyslogd with that
# escaping off hands the raw control bytes to the module.
#
# Pass/fail, for each rsyslogd (the action gets every message, unfiltered):
# it still runs after the lines; the summary, once totals.lines equals the
# lines sent (within the timeout), is valid UTF-8 and JSON with no control
# character in any string, names and hosts within 255 bytes, examples
# within 63, at most 5 samples within 256 bytes (tests/hostile/
# check-summary.pl); actions + unparsed + ignored = lines; each complete
# hostile decision is counted in the group its client gives (a 10 kB or
# control-byte or invalid UTF-8 name groups by its network); too_old = 0
# and the far time stamps are counted at the reception time (omgreyscan(8),
# TIME OF AN EVENT); the samples show "#001"/"#000" (escaping on) or the
# module's '?' for a raw control byte (off). check_greyscan gives a proper
# result (exit 0-2, a "GREYSCAN OK|WARNING|CRITICAL - " first line) and
# `greyscan report` exits 0 with no control character in its output. The
# same after SIGTERM.
# For `greyscan scan` of the same lines as a file (no "<22>", none stamped
# in the future): the same summary checks, except that actions + unparsed +
# ignored = the lines that contain "postgrey" (greyscan(1): other lines
# count only in lines), a line with a NUL byte is unparsed, the 1969 and
# year-1 lines are unparsed and the 1970/1971 lines, coming after today's,
# too old (totals.too_old = 2). Separately, a file whose lines are stamped
# 9999-12-31 after ordinary ones: the CLI trusts a file's time stamps
# (greyscan(1) --window), so the window's end is 9999-12-31T23:59:59Z and
# later ordinary lines are too old; the summary is still accepted by
# check_greyscan and report.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

H=$top_srcdir/tests/hostile
WL=$top_srcdir/tests/data/check/whitelist_clients
IG=$top_srcdir/tests/data/check/ignore
GS_TIMEOUT_S=60

# A summary must be accepted by check_greyscan and greyscan report.
readers_accept() { # SUMMARY WHAT
	# shellcheck disable=SC2086 # GS_CHECK may be a word list
	$GS_CHECK -s "$1" -W "$WL" -i "$IG" -a 0 >"$GS_WORK/check.txt" 2>&1
	_rc=$?
	[ "$_rc" -le 2 ] ||
		gs_fail "$2: check_greyscan exit $_rc: $(head -n 1 "$GS_WORK/check.txt")"
	head -n 1 "$GS_WORK/check.txt" |
		grep -Eq '^GREYSCAN (OK|WARNING|CRITICAL) - ' ||
		gs_fail "$2: check_greyscan first line: $(head -n 1 "$GS_WORK/check.txt")"
	# shellcheck disable=SC2086
	$GS_GREYSCAN report -l 0 "$1" >"$GS_WORK/report.txt" 2>&1 ||
		gs_fail "$2: greyscan report exit $?: $(head -n 3 "$GS_WORK/report.txt")"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" \
		"$GS_WORK/report.txt" "$GS_WORK/check.txt"; then
		gs_fail "$2: control characters in the report or check output"
	fi
}

summary_ok() { # SUMMARY EXPECT MODE WHAT
	"$PERL" "$H/check-summary.pl" "$1" "$2" "$3" "$now" >"$GS_WORK/bad.txt" ||
		gs_fail "$4: $(cat "$GS_WORK/bad.txt")"
	readers_accept "$1" "$4"
}

# One rsyslogd: NAME, extra global() text.
through_rsyslog() {
	_n=$1
	_sum=$GS_WORK/$_n.json
	{
		echo "global(maxMessageSize=\"64k\" $2)"
		gs_conf_head "$_n"
		cat <<EOF2
$(gs_action summaryFile="$_sum")
EOF2
	} >"$GS_WORK/$_n.conf"
	gs_rsyslog_start "$_n" "$GS_WORK/$_n.conf" "$_sum"
	gs_send_tcp "$(gs_port "$_n")" "$GS_WORK/lines.syslog"
	gs_wait_for "$GS_TIMEOUT_S" "$sent lines counted by $_n" \
		gs_json_is "$_sum" '$j->{totals}{lines}' "$sent"
	gs_rsyslog_alive "$_n" || gs_fail "rsyslogd $_n died"
	summary_ok "$_sum" "$GS_WORK/expect.syslog" "$3" "$_n, running"
	gs_note "$_n: $(gs_json "$_sum" 'my $t = $j->{totals};
		"sent '"$sent"', lines $t->{lines}, actions $t->{actions}, " .
		"unparsed $t->{unparsed}, ignored $t->{ignored}, groups $t->{groups}"')"
	gs_rsyslog_stop "$_n"
	summary_ok "$_sum" "$GS_WORK/expect.syslog" "$3" "$_n, after SIGTERM"
}

now=$(date +%s)
"$PERL" "$H/gen-input.pl" "$GS_WORK/lines.syslog" "$GS_WORK/expect.syslog" \
	42 "$now" syslog || gs_error "gen-input.pl failed"
"$PERL" "$H/gen-input.pl" "$GS_WORK/lines.file" "$GS_WORK/expect.file" \
	42 "$now" file || gs_error "gen-input.pl failed"
sent=$(wc -l <"$GS_WORK/lines.syslog")

through_rsyslog rs "" rsyslog
through_rsyslog raw 'parser.escapeControlCharactersOnReceive="off"' rsyslog-raw

# greyscan scan of the lines as a log file
# shellcheck disable=SC2086
$GS_GREYSCAN scan -n -r "$GS_RULEBASE" -o "$GS_WORK/scan.json" \
	"$GS_WORK/lines.file" >"$GS_WORK/scan.out" 2>&1 ||
	gs_fail "greyscan scan exit $?: $(head -n 3 "$GS_WORK/scan.out")"
summary_ok "$GS_WORK/scan.json" "$GS_WORK/expect.file" scan "greyscan scan"
gs_note "scan: $(gs_json "$GS_WORK/scan.json" 'my $t = $j->{totals};
	"lines $t->{lines}, actions $t->{actions}, unparsed $t->{unparsed}, " .
	"ignored $t->{ignored}, too_old $t->{too_old}, groups $t->{groups}"')"

# A file stamped in the far future moves the CLI's window there.
{
	"$PERL" -e "$GS_PERL_PG"'
		for my $t (@ARGV) {
			(my $l = pgline("mx1", "action=greylist, reason=new, " .
			    "client_name=mx.t$t.example, client_address=192.0.2.1, " .
			    "sender=s\@s.example, recipient=r\@example.net", $t))
			    =~ s/^<22>//;
			print $l;
		}' "$now" 253402300799 "$now"
} >"$GS_WORK/future.log"
# shellcheck disable=SC2086
$GS_GREYSCAN scan -n -r "$GS_RULEBASE" -o "$GS_WORK/future.json" \
	"$GS_WORK/future.log" >"$GS_WORK/scan.out" 2>&1 ||
	gs_fail "greyscan scan (future) exit $?: $(head -n 3 "$GS_WORK/scan.out")"
gs_json_is "$GS_WORK/future.json" '$j->{window}{end}' 9999-12-31T23:59:59Z ||
	gs_fail "future: window end $(gs_json "$GS_WORK/future.json" '$j->{window}{end}')"
gs_json_is "$GS_WORK/future.json" \
	'join(",", map { $_->{totals}{$_} } ()) . "$j->{totals}{lines}/$j->{totals}{actions}/$j->{totals}{too_old}"' \
	3/3/1 ||
	gs_fail "future: lines/actions/too_old $(gs_json "$GS_WORK/future.json" '"$j->{totals}{lines}/$j->{totals}{actions}/$j->{totals}{too_old}"'), want 3/3/1"
readers_accept "$GS_WORK/future.json" "future"

gs_pass "$sent hostile lines: rsyslogd (escaping on and off) and greyscan scan"
