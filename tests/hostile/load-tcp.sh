#!/bin/sh
# load-tcp.sh: one million postgrey lines over TCP into rsyslogd with
# omgreyscan and two action workers, while check_greyscan reads the summary.
#
# The action runs on its own LinkedList queue with queue.workerThreads="2"
# (a low minimum per worker so that the second one starts; see
# tests/rsyslog/workers.sh) and writes its summary every second. 1,000,000
# lines of gs_pg_mix (all seven decision kinds, six groups, three reporting
# hosts, ignored and unparsed lines) go over one TCP connection. From the
# moment rsyslogd is up until every line is counted, check_greyscan runs
# against the summary in a loop.
# Pass/fail: while the count keeps growing (it may not stand still for 60 s,
# nor take over 900 s in all) the summary reaches exactly the
# expected totals (lines = lines sent), per-domain counters and per-host
# counts; every check_greyscan run exits 0, 1 or 2 with a first line
# "GREYSCAN OK|WARNING|CRITICAL - ..." (never 3, never a summary it cannot
# read); after SIGTERM the final summary is still exactly the expected one
# and rsyslogd exits cleanly. The figures (lines sent and counted, check
# runs, seconds) go to the test log. No timing is asserted.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

N=1000000
WL=$top_srcdir/tests/data/check/whitelist_clients
IG=$top_srcdir/tests/data/check/ignore
sum=$GS_SUMMARY_FILE
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then {
	$(gs_action name=gs queue.type=LinkedList queue.workerThreads=2 \
		queue.workerThreadMinimumMessages=1000 \
		queue.dequeueBatchSize=128)
}
EOF2
} >"$conf"
gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" "$N" "mx1 mx2 mx3"
gs_rsyslog_start rs "$conf" "$sum"
t0=$(date +%s)

# The check loop, in the background until $GS_WORK/stop exists. Each run's
# exit status and first line go to checks.log.
(
	while [ ! -e "$GS_WORK/stop" ]; do
		# shellcheck disable=SC2086 # GS_CHECK may be a word list
		$GS_CHECK -s "$sum" -W "$WL" -i "$IG" -a 0 >"$GS_WORK/c.out" 2>&1
		echo "$? $(head -n 1 "$GS_WORK/c.out")" >>"$GS_WORK/checks.log"
	done
) &
loop=$!
gs_cleanup_add "touch '$GS_WORK/stop'; wait $loop 2>/dev/null"

gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
# Waits while the count grows: a product that loses lines fails once the
# count has stood still for 60 s, not after the overall 900 s.
last=-1
still=0
while :; do
	n=$(gs_json "$sum" '$j->{totals}{lines}') || n=-1
	[ "$n" = "$N" ] && break
	if [ "$n" = "$last" ]; then
		still=$((still + 1))
		[ "$still" -ge 600 ] &&
			gs_fail "the count stopped at $n of $N lines for 60 s"
	else
		still=0
		last=$n
	fi
	[ $(($(date +%s) - t0)) -ge 900 ] &&
		gs_fail "timeout after 900 s: $n of $N lines counted"
	sleep 0.1
done
gs_wait_for 60 "the expected counts in the summary" \
	gs_check_summary "$sum" "$GS_WORK/expect" quiet
t1=$(date +%s)
touch "$GS_WORK/stop"
wait "$loop"
gs_check_summary "$sum" "$GS_WORK/expect" ||
	gs_fail "summary of the running daemon is wrong"
runs=$(wc -l <"$GS_WORK/checks.log")
bad=$(grep -Ecv '^[012] GREYSCAN (OK|WARNING|CRITICAL) - ' "$GS_WORK/checks.log")
counted=$(gs_json "$sum" '$j->{totals}{lines}')
gs_note "lines sent $N, counted $counted, check runs $runs (improper $bad)," \
	"$((t1 - t0)) s from start to all counted"
[ "$runs" -gt 0 ] || gs_fail "check_greyscan never ran"
[ "$bad" = 0 ] || gs_fail "improper check results: $(grep -Ev \
	'^[012] GREYSCAN (OK|WARNING|CRITICAL) - ' "$GS_WORK/checks.log" | head -n 3)"

gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect" ||
	gs_fail "summary after shutdown is wrong"
gs_pass "$N lines sent, $counted counted, $runs check runs"
