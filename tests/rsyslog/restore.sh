#!/bin/sh
# restore.sh: counts survive a restart through the state file, also
# after kill -9; a corrupt state file is set aside and counting restarts.
#
# One action, interval 1 s, state file at its default (summaryFile +
# ".state"). Before each start the summary is removed, so the first
# summary that appears is the one written right after the restore.
# Pass/fail:
#  1. mix 1 is counted exactly (running, then after SIGTERM);
#  2. after a restart the first summary equals mix 1 exactly; mix 2 is
#     added and the summary equals mix 1 + mix 2;
#  3. after the next state write rsyslogd is killed with SIGKILL; after a
#     restart the first summary equals mix 1 + mix 2 exactly;
#  4. with the state file replaced by garbage, rsyslogd starts, logs an
#     error naming the state file, moves it to STATE.corrupt (content
#     kept), writes an empty summary, and then counts mix 3 from zero.
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

start() {
	rm -f "$sum"
	gs_rsyslog_start rs "$conf" "$sum"
}

gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" 1000 "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" 700 "mx2 mx3" 1000
gs_pg_mix "$GS_WORK/lines3" "$GS_WORK/expect3" 300 "mx1" 5000
gs_expect_add "$GS_WORK/expect12" "$GS_WORK/expect1" "$GS_WORK/expect2"

# 1.
start
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines1"
gs_wait_for "$GS_TIMEOUT_S" "mix 1 counted" \
	gs_check_summary "$sum" "$GS_WORK/expect1" quiet
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect1" || gs_fail "after stop 1"

# 2.
start
gs_check_summary "$sum" "$GS_WORK/expect1" ||
	gs_fail "first summary after restart is not mix 1"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines2"
gs_wait_for "$GS_TIMEOUT_S" "mix 1 + 2 counted" \
	gs_check_summary "$sum" "$GS_WORK/expect12" quiet

# 3. Once the state has been written again after the summary showed
# everything, it holds everything too.
m=$(stat -c %y "$state")
state_rewritten() { [ "$(stat -c %y "$state")" != "$m" ]; }
gs_wait_for "$GS_TIMEOUT_S" "the next state write" state_rewritten
gs_rsyslog_kill9 rs
start
gs_check_summary "$sum" "$GS_WORK/expect12" ||
	gs_fail "first summary after kill -9 and restart is not mix 1 + 2"
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect12" || gs_fail "after stop 3"

# 4.
printf '{"format":"greyscan-state","version":1,"grou' >"$state"
cp "$state" "$GS_WORK/garbage"
start
gs_json_is "$sum" '$j->{totals}{lines}' 0 ||
	gs_fail "summary after a corrupt state is not empty"
# Logged while the config is activated: depending on timing rsyslogd
# writes it to its internal messages or, that early, to stderr.
gs_wait_for "$GS_TIMEOUT_S" "the error about the corrupt state file" \
	grep -qs "starting with empty counts.*$state.corrupt" \
	"$GS_WORK/rs.internal" "$GS_WORK/rs.out"
grep -qs "cannot restore the counts: $state: " "$GS_WORK/rs.internal" \
	"$GS_WORK/rs.out" || gs_fail "the error does not name the state file"
cmp -s "$GS_WORK/garbage" "$state.corrupt" ||
	gs_fail "the corrupt state was not kept as $state.corrupt"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines3"
gs_wait_for "$GS_TIMEOUT_S" "mix 3 counted from zero" \
	gs_check_summary "$sum" "$GS_WORK/expect3" quiet
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect3" || gs_fail "after stop 4"
gs_pass
