#!/bin/sh
# restore-pairs.sh: greylisted mails still open survive a restart of
# rsyslogd in the state file, also after kill -9, and a pass after the
# restart gets the wait from the first greylisting before it.
#
# One action, interval 1 s, default maxPairs and retryWindow. The lines
# carry their own times, T = now - 3 h (inside the window, so the module
# keeps them). Pass/fail:
#  1. mail A of pool.example is greylisted on mx1 at T from 192.0.2.10 and
#     again at T + 600 s from 198.51.100.20: the summary shows for
#     pool.example greylisted 1, returned 1, other_network 1, pending 1,
#     passed 0, totals.pairs_open 1; after SIGTERM the state file holds one
#     pair line with flags 3 (returned, other network);
#  2. after the restart the first summary shows the same; mail A passes on
#     mx2 at T + 5400 s ("triplet found, delay=4800" from the first /24):
#     passed 1, pending 0, wait_max exactly 5400 (not postgrey's 4800),
#     wait_median within 12% + 0.5 s of it, pairs_open 0;
#  3. mail B is greylisted at T + 6000 s; once the state was written after
#     the summary showed it, rsyslogd is killed with SIGKILL; after a
#     restart mail B passes at T + 6300 s: pool.example passed 2, wait_max
#     still 5400, pending 0, and the summary's window.retry_window is 172800.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

sum=$GS_SUMMARY_FILE
state=$sum.state
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then
	$(gs_action)
EOF2
} >"$conf"

T=$(($(date +%s) - 3 * 3600))
line() { # file, seconds after T, host, action, client address, recipient
	gs_syslog_line "$3" 'postgrey[4242]:' "action=$4, client_name=out-7.pool.example, client_address=$5, sender=info@pool.example, recipient=$6" $((T + $2)) >>"$1"
}
pairs() { # member
	gs_json "$sum" "my (\$d) = grep { \$_->{domain} eq 'pool.example' }
		@{\$j->{domains}}; my \$v = \$d->{pairs}{$1};
		defined \$v ? \$v : 'null'"
}
# Succeeds when every MEMBER=VALUE holds for pool.example's pairs (and
# pairs_open=N for the totals).
figures() {
	for _kv in "$@"; do
		case $_kv in
		pairs_open=*)
			gs_json_is "$sum" '$j->{totals}{pairs_open}' \
				"${_kv#*=}" || return 1 ;;
		*)
			[ "$(pairs "${_kv%%=*}")" = "${_kv#*=}" ] || return 1 ;;
		esac
	done
}
wait_figures() { # what, MEMBER=VALUE...
	_what=$1
	shift
	gs_wait_for "$GS_TIMEOUT_S" "$_what" figures "$@"
}
start() {
	rm -f "$sum"
	gs_rsyslog_start rs "$conf" "$sum"
}

# 1.
line "$GS_WORK/a1" 0 mx1 "greylist, reason=new" 192.0.2.10 a@site.org
line "$GS_WORK/a1" 600 mx1 "greylist, reason=new" 198.51.100.20 a@site.org
start
gs_send_tcp "$(gs_port rs)" "$GS_WORK/a1"
wait_figures "mail A open" greylisted=1 returned=1 other_network=1 \
	pending=1 passed=0 pairs_open=1
gs_rsyslog_stop rs
[ "$(grep -c '"pair":' "$state")" = 1 ] ||
	gs_fail "the state file does not hold one pair line: $(cat "$state")"
grep -q '"group":"pool.example",.*"flags":3}' "$state" ||
	gs_fail "the pair line lacks its group or flags: $(grep '"pair":' "$state")"

# 2.
start
figures greylisted=1 returned=1 other_network=1 pending=1 passed=0 \
	pairs_open=1 || gs_fail "first summary after the restart: pool.example" \
	"$(gs_json "$sum" '$j->{domains}[0]{pairs}')"
line "$GS_WORK/a2" 5400 mx2 "pass, reason=triplet found, delay=4800" \
	192.0.2.11 a@site.org
gs_send_tcp "$(gs_port rs)" "$GS_WORK/a2"
wait_figures "mail A passed" passed=1 pending=0 wait_max=5400 pairs_open=0
"$PERL" -e 'exit(abs($ARGV[0] - 5400) <= 0.12 * 5400 + 0.5 ? 0 : 1)' \
	"$(pairs wait_median)" ||
	gs_fail "wait_median $(pairs wait_median), expected about 5400"

# 3.
line "$GS_WORK/b1" 6000 mx1 "greylist, reason=new" 192.0.2.10 b@site.org
gs_send_tcp "$(gs_port rs)" "$GS_WORK/b1"
wait_figures "mail B open" greylisted=2 pending=1 pairs_open=1
m=$(stat -c %y "$state")
state_rewritten() { [ "$(stat -c %y "$state")" != "$m" ]; }
gs_wait_for "$GS_TIMEOUT_S" "the next state write" state_rewritten
gs_rsyslog_kill9 rs
start
figures greylisted=2 pending=1 pairs_open=1 ||
	gs_fail "first summary after kill -9: pool.example" \
	"$(gs_json "$sum" '$j->{domains}[0]{pairs}')"
line "$GS_WORK/b2" 6300 mx1 "pass, reason=triplet found, delay=300" \
	192.0.2.10 b@site.org
gs_send_tcp "$(gs_port rs)" "$GS_WORK/b2"
wait_figures "mail B passed" passed=2 pending=0 wait_max=5400 pairs_open=0
gs_json_is "$sum" '$j->{window}{retry_window}' 172800 ||
	gs_fail "window.retry_window is not 172800"
gs_rsyslog_stop rs
gs_pass
