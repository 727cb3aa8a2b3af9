#!/bin/sh
# dir-gone.sh: the summary's directory removed, and its file system
# made read-only, while rsyslogd runs: one error per streak, counting goes
# on, the files are written again once the directory is back, counts exact.
#
# (tests/rsyslog/write-failure.sh covers a directory missing at start and
# one replaced by a file.) The directory DIR is on a private tmpfs, since
# root ignores permission bits: read-only is `mount -o remount,ro`.
# Interval 1 s; impstats (every second) shows the failed write rounds.
# Pass/fail:
#  1. mix 1 is counted; DIR is removed (with the files); after mix 2 and
#     at least three failed rounds, exactly one summary and one state
#     error were logged, each with "No such file or directory", the first
#     naming the summary; nothing recreated DIR; rsyslogd runs;
#  2. DIR is created again: the summary holds mixes 1 and 2 exactly and is
#     complete, and "written again" is logged for both files;
#  3. the file system is remounted read-only: after mix 3 and three more
#     failed rounds, exactly one more error per file ("Read-only file
#     system"); the summary and state are the ones from before, complete;
#  4. remounted read-write: mixes 1 to 3 exactly, "written again" a second
#     time for both, no temporary file left; the same after SIGTERM.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

disk=$GS_WORK/disk
gs_fault_tmpfs "$disk" 8m
dir=$disk/d
mkdir "$dir"
sum=$dir/summary.json
state=$sum.state
log=$GS_WORK/rs.internal
stats=$GS_WORK/stats.json
conf=$GS_WORK/rs.conf
gs_fault_conf "$conf" "$stats" "$sum"
errors() { # what, reason
	grep -c "cannot write the $1 file.*$2" "$log" 2>/dev/null
}
recoveries() {
	grep -c "the $1 file '.*' is written again" "$log" 2>/dev/null
}
failures() {
	gs_fault_stat "$stats" "$sum" write_failures
}
gs_cleanup_add "mount -o remount,rw '$disk' 2>/dev/null"

gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" 1000 "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" 1000 "mx2 mx3" 1000
gs_pg_mix "$GS_WORK/lines3" "$GS_WORK/expect3" 1000 "mx1" 2000
gs_expect_add "$GS_WORK/want2" "$GS_WORK/expect1" "$GS_WORK/expect2"
gs_expect_add "$GS_WORK/want3" "$GS_WORK/want2" "$GS_WORK/expect3"

# 1. The directory goes away.
gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines1"
gs_wait_for 60 "mix 1 counted" gs_check_summary "$sum" "$GS_WORK/expect1" quiet
f=$(failures)
rm -rf "$dir"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines2"
gs_wait_for 60 "three failed write rounds" \
	gs_fault_stat_ge "$stats" "$sum" write_failures $((f + 6))
[ "$(errors summary 'No such file')" = 1 ] ||
	gs_fail "$(errors summary 'No such file') summary errors, want 1"
[ "$(errors state 'No such file')" = 1 ] ||
	gs_fail "$(errors state 'No such file') state errors, want 1"
grep -q "cannot write the summary file.*$sum" "$log" ||
	gs_fail "the error does not name the summary file"
[ -e "$dir" ] && gs_fail "something recreated the directory"
gs_rsyslog_alive rs || gs_fail "rsyslogd died when the directory went"

# 2. Back again.
mkdir "$dir"
gs_wait_for 60 "mixes 1 and 2 counted" \
	gs_check_summary "$sum" "$GS_WORK/want2" quiet
gs_fault_summary_ok "$sum" "" exact || gs_fail "summary after step 2"
gs_wait_for 60 "the recovery notices" eval \
	'[ "$(recoveries summary)" = 1 ] && [ "$(recoveries state)" = 1 ]'

# 3. Read-only. The remount fails (busy) while a write has a file open.
gs_wait_for 60 "the read-only remount" mount -o remount,ro "$disk"
f=$(failures)
gs_wait_for 60 "a failed write round" \
	gs_fault_stat_ge "$stats" "$sum" write_failures $((f + 2))
cp "$sum" "$GS_WORK/sum.before" && cp "$state" "$GS_WORK/state.before" ||
	gs_error "cannot copy the files"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines3"
gs_wait_for 60 "three more failed write rounds" \
	gs_fault_stat_ge "$stats" "$sum" write_failures $((f + 8))
[ "$(errors summary 'Read-only')" = 1 ] ||
	gs_fail "$(errors summary 'Read-only') read-only summary errors, want 1"
[ "$(errors state 'Read-only')" = 1 ] ||
	gs_fail "$(errors state 'Read-only') read-only state errors, want 1"
[ "$(errors summary '')" = 2 ] ||
	gs_fail "$(errors summary '') summary errors in two streaks, want 2"
cmp -s "$sum" "$GS_WORK/sum.before" && cmp -s "$state" "$GS_WORK/state.before" ||
	gs_fail "the files changed on a read-only file system"
gs_check_summary "$sum" "$GS_WORK/want2" ||
	gs_fail "the summary on the read-only file system is not the last one"
gs_rsyslog_alive rs || gs_fail "rsyslogd died on a read-only file system"

# 4. Writable again.
mount -o remount,rw "$disk" || gs_error "cannot remount read-write"
gs_wait_for 60 "mixes 1 to 3 counted" \
	gs_check_summary "$sum" "$GS_WORK/want3" quiet
gs_fault_summary_ok "$sum" "" exact || gs_fail "summary after step 4"
gs_wait_for 60 "the second recovery notices" eval \
	'[ "$(recoveries summary)" = 2 ] && [ "$(recoveries state)" = 2 ]'
gs_wait_for 20 "no temporary file left" gs_fault_no_temps "$dir"
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/want3" || gs_fail "after shutdown"
gs_pass "removed and read-only directory: 3000 lines sent, all counted"
