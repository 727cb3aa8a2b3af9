#!/bin/sh
# full-disk.sh: a full file system makes the writes fail without
# harm: one error per streak naming the file, the old summary and state
# intact, no partial or temporary file left, counting goes on; once space
# is freed the next interval writes everything.
#
# The summary and state live on a private 8 MB tmpfs; interval 1 s,
# summaryDomains="0". The counts: 3000 groups of their own plus a 1000-line
# mix (gs_pg_mix), so the summary is about 1 MB. impstats (every second)
# shows how many write rounds failed.
# Two streaks: (A) the file system is filled completely; (B) it is filled
# but for 100 kB, so the writes fail part way through. In each, a second
# mix is sent while the disk is full.
# Pass/fail, in each streak:
#  1. after at least three failed rounds (write_failures grows by 6), one
#     "cannot write the summary file" error naming the summary and one for
#     the state were logged for this streak (with "No space left");
#  2. the summary and the state are byte for byte the ones written before
#     the disk filled, and no temporary file is left (one may exist only
#     while a write is attempted);
#  3. rsyslogd still runs; after the filler is removed the summary holds
#     everything sent so far exactly (gs_check_summary) and is complete
#     (gs_fault_summary_ok ... exact), "written again" is logged for both
#     files, and no temporary file is left;
# and after SIGTERM the summary is still exact.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

disk=$GS_WORK/disk
gs_fault_tmpfs "$disk" 8m
sum=$disk/summary.json
state=$sum.state
log=$GS_WORK/rs.internal
stats=$GS_WORK/stats.json
conf=$GS_WORK/rs.conf
gs_fault_conf "$conf" "$stats" "$sum" summaryDomains=0
errors() { # what ("summary" or "state")
	grep -c "cannot write the $1 file.*No space left" "$log" 2>/dev/null
}
recoveries() {
	grep -c "the $1 file '.*' is written again" "$log" 2>/dev/null
}

# The distinct groups' lines, with an expectation in gs_pg_mix's form.
gs_fault_distinct "$GS_WORK/lines0" 3000 0
"$PERL" -MJSON::PP -e '
	my %d = map { ("d$_.example" => {new => 1, hosts => {mx1 => 1}}) }
		0 .. 2999;
	print encode_json({totals => {lines => 3000, actions => 3000,
		new => 3000}, domains => \%d});' >"$GS_WORK/expect0"
gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" 1000 "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" 1000 "mx1 mx2" 1000
gs_pg_mix "$GS_WORK/lines3" "$GS_WORK/expect3" 1000 "mx2 mx3" 2000
gs_expect_add "$GS_WORK/want1" "$GS_WORK/expect0" "$GS_WORK/expect1"
gs_expect_add "$GS_WORK/want2" "$GS_WORK/want1" "$GS_WORK/expect2"
gs_expect_add "$GS_WORK/want3" "$GS_WORK/want2" "$GS_WORK/expect3"

gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines0"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines1"
gs_wait_for 60 "the first lines counted" \
	gs_check_summary "$sum" "$GS_WORK/want1" quiet

streak() { # n, free bytes left, lines file, expectation afterwards
	_n=$1
	# With space left, the files must not fit in it.
	[ "$(stat -c %s "$sum")" -gt "$2" ] && [ "$(stat -c %s "$state")" -gt "$2" ] ||
		gs_error "the files are too small for streak $_n"
	_f=$(gs_fault_stat "$stats" "$sum" write_failures)
	dd if=/dev/zero of="$disk/filler" bs=4k 2>/dev/null
	[ "$2" -gt 0 ] && truncate -s "-$2" "$disk/filler"
	# A write under way while the disk filled may still have succeeded;
	# once both files failed once, none can.
	gs_wait_for 60 "a failed write round ($_n)" \
		gs_fault_stat_ge "$stats" "$sum" write_failures $((_f + 2))
	cp "$sum" "$GS_WORK/sum.before" && cp "$state" "$GS_WORK/state.before" ||
		gs_error "cannot copy the files"
	gs_fault_summary_ok "$sum" "" exact ||
		gs_fail "the summary left by the last write is not complete"
	_f=$(gs_fault_stat "$stats" "$sum" write_failures)
	gs_send_tcp "$(gs_port rs)" "$3"
	gs_wait_for 60 "three failed write rounds ($_n)" \
		gs_fault_stat_ge "$stats" "$sum" write_failures $((_f + 6))
	[ "$(errors summary)" = "$_n" ] ||
		gs_fail "$(errors summary) summary errors after $_n streak(s)"
	[ "$(errors state)" = "$_n" ] ||
		gs_fail "$(errors state) state errors after $_n streak(s)"
	grep -q "cannot write the summary file.*$sum" "$log" ||
		gs_fail "the error does not name the summary file"
	gs_wait_for 20 "no temporary file left (disk full)" \
		gs_fault_no_temps "$disk"
	cmp -s "$sum" "$GS_WORK/sum.before" ||
		gs_fail "the summary changed while the disk was full"
	cmp -s "$state" "$GS_WORK/state.before" ||
		gs_fail "the state changed while the disk was full"
	gs_rsyslog_alive rs || gs_fail "rsyslogd died on a full disk"
	rm -f "$disk/filler"
	gs_wait_for 60 "everything counted after the disk was freed ($_n)" \
		gs_check_summary "$sum" "$4" quiet
	gs_fault_summary_ok "$sum" "" exact ||
		gs_fail "the summary after recovery is inconsistent"
	gs_wait_for 60 "the recovery notices ($_n)" eval \
		'[ "$(recoveries summary)" = "$_n" ] && [ "$(recoveries state)" = "$_n" ]'
	gs_wait_for 20 "no temporary file left (recovered)" \
		gs_fault_no_temps "$disk"
}

streak 1 0 "$GS_WORK/lines2" "$GS_WORK/want2"
streak 2 102400 "$GS_WORK/lines3" "$GS_WORK/want3"
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/want3" || gs_fail "after shutdown"
gs_pass "two full-disk streaks; 5000 lines sent, all counted"
