#!/bin/sh
# idle.sh: the writer thread writes the summary every interval even
# when no message arrives, so that readers can tell the module is alive.
#
# A private rsyslogd with one omgreyscan action, interval="1", and no input
# at all: nothing is ever sent. Pass/fail:
#  1. the summary appears and counts no line;
#  2. while the daemon stays idle, the summary's "generated" time (ISO 8601
#     UTC, compared as strings) advances at least twice: three different,
#     increasing values are seen within 15 s;
#  3. after SIGTERM rsyslogd exits cleanly and the last summary still
#     counts no line.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

sum=$GS_SUMMARY_FILE
conf=$GS_WORK/rs.conf
{
	gs_conf_head --no-tcp rs
	cat <<EOF
$(gs_action)
EOF
} >"$conf"
gs_rsyslog_check "$conf" || gs_error "config rejected: $(cat "$GS_WORK/check.out")"

gs_rsyslog_start rs "$conf" "$sum"
gs_wait_for "$GS_TIMEOUT_S" "a readable summary" \
	gs_json_is "$sum" '$j->{totals}{lines}' 0

generated() {
	gs_json "$sum" '$j->{generated}'
}

# Succeeds once "generated" is later than $last (then remembered).
advanced() {
	_g=$(generated) || return 1
	case $_g in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) ;;
	*) return 1 ;;
	esac
	# ISO 8601 UTC times of one format sort as strings.
	[ "$(printf '%s\n%s\n' "$last" "$_g" | LC_ALL=C sort | tail -n 1)" = "$_g" ] &&
		[ "$_g" != "$last" ] || return 1
	last=$_g
}

last=0000-00-00T00:00:00Z
advanced || gs_fail "no valid generated time: '$(generated)'"
first=$last
gs_wait_for 15 "generated to advance from $first while idle" advanced
second=$last
gs_wait_for 15 "generated to advance again from $second while idle" advanced
gs_rsyslog_alive rs || gs_fail "rsyslogd died"
gs_json_is "$sum" '$j->{totals}{lines}' 0 ||
	gs_fail "lines counted although nothing was sent"
gs_note "generated: $first, $second, $last"

gs_rsyslog_stop rs
gs_json_is "$sum" '$j->{totals}{lines}' 0 ||
	gs_fail "the final summary counts lines although nothing was sent"
gs_pass "summary rewritten while idle ($first .. $last)"
