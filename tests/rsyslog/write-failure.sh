#!/bin/sh
# write-failure.sh: failing summary/state writes are logged once per
# failure streak, retried every interval, and recover without losing
# counts; rsyslogd keeps running.
#
# The summary and state live in DIR, which exists when rsyslogd checks its
# configuration (a missing directory fails the check) and is removed as soon
# as it runs (ENOENT). Tests run as root, for whom permission bits do not fail a
# write, so the second failure streak replaces DIR by a regular file
# (ENOTDIR). Interval 1 s.
# Pass/fail:
#  1. with DIR missing, exactly one "cannot write the summary file" and one
#     "cannot write the state file" error are logged over 3+ intervals,
#     the summary error naming the path; rsyslogd still runs;
#  2. after DIR is created, the summary appears within the timeout with
#     every line sent during the failure counted exactly, and a "written
#     again" notice is logged;
#  3. DIR replaced by a file: exactly one more summary error (two in all);
#  4. DIR restored: the summary holds both mixes exactly, while running and
#     after SIGTERM.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

dir=$GS_WORK/out
sum=$dir/summary.json
log=$GS_WORK/rs.internal
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then
	$(gs_action summaryFile="$sum")
EOF2
} >"$conf"
errors() { # what ("summary" or "state")
	grep -c "cannot write the $1 file" "$log" 2>/dev/null
}

gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" 500 "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" 500 "mx1 mx2" 500
gs_expect_add "$GS_WORK/expect12" "$GS_WORK/expect1" "$GS_WORK/expect2"

# 1. Missing directory.
mkdir "$dir"
gs_rsyslog_start rs "$conf"
rm -rf "$dir"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines1"
gs_wait_for "$GS_TIMEOUT_S" "the write error" grep -qs \
	"cannot write the summary file.*$sum" "$log"
sleep 3.2
[ "$(errors summary)" = 1 ] ||
	gs_fail "$(errors summary) summary errors logged in one streak, want 1"
[ "$(errors state)" = 1 ] ||
	gs_fail "$(errors state) state errors logged in one streak, want 1"
gs_rsyslog_alive rs || gs_fail "rsyslogd died on a write failure"

# 2. Recovery at a later interval.
mkdir "$dir"
gs_wait_for "$GS_TIMEOUT_S" "the summary after recovery" \
	gs_check_summary "$sum" "$GS_WORK/expect1" quiet
gs_wait_for "$GS_TIMEOUT_S" "the recovery notice" grep -qs \
	"summary file '$sum' is written again" "$log"

# 3. A second streak: the directory is a file now.
rm -rf "$dir"
: >"$dir"
gs_wait_for "$GS_TIMEOUT_S" "the second write error" \
	eval '[ "$(errors summary)" = 2 ]'
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines2"
sleep 2.2
[ "$(errors summary)" = 2 ] ||
	gs_fail "$(errors summary) summary errors after two streaks, want 2"

# 4. Recovery again, nothing lost.
rm -f "$dir"
mkdir "$dir"
gs_wait_for "$GS_TIMEOUT_S" "both mixes in the summary" \
	gs_check_summary "$sum" "$GS_WORK/expect12" quiet
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect12" ||
	gs_fail "summary after shutdown is wrong"
gs_pass
