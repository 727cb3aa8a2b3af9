#!/bin/sh
# workers.sh: exact counts when two action workers share one tally.
#
# A private rsyslogd runs omgreyscan on its own LinkedList queue with
# queue.workerThreads="2" (and a low minimum per worker, so the second
# worker really starts), interval 1 s. 20000 postgrey lines from three
# reporting hosts (gs_pg_mix: all seven decision kinds, six groups, ignored
# and unparsed lines) are sent over TCP.
# Pass/fail: while rsyslogd runs, the summary must reach exactly the
# expected totals, per-domain counters and per-host counts (within the
# timeout); two worker threads of the action must have existed; after
# SIGTERM the final summary must still be exactly the expected one, and the
# daemon must have exited cleanly.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

N=20000
sum=$GS_SUMMARY_FILE
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then {
	$(gs_action name=gs queue.type=LinkedList queue.workerThreads=2 \
		queue.workerThreadMinimumMessages=100 \
		queue.dequeueBatchSize=32)
}
EOF2
} >"$conf"
gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" "$N" "mx1 mx2 mx3"
gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"

# The action's workers are the threads named "rs:gs queue:Reg"; count the
# most seen at once until every line is counted.
workers=0
all_counted() {
	_w=$(grep -c '^rs:gs queue' /proc/"$(gs_rsyslog_pid rs)"/task/*/comm \
		2>/dev/null | awk -F: '{ s += $NF } END { print s + 0 }')
	[ "$_w" -gt "$workers" ] && workers=$_w
	gs_check_summary "$sum" "$GS_WORK/expect" quiet
}
gs_wait_for 25 "all $N lines in the summary" all_counted
gs_check_summary "$sum" "$GS_WORK/expect" ||
	gs_fail "summary of the running daemon is wrong"
[ "$workers" -ge 2 ] || gs_fail "only $workers action worker thread(s) seen"

gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect" ||
	gs_fail "summary after shutdown is wrong"
gs_pass "$N lines counted exactly by $workers workers"
