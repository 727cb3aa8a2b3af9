#!/bin/sh
# hup-storm.sh: hundreds of SIGHUPs at a high rate while lines stream
# in over two TCP connections: rsyslogd keeps running, every line is
# counted, and the summary stays complete and never goes backwards.
#
# omgreyscan on its own queue with two worker threads (so doHUP runs
# while both workers count), interval 1 s. Two senders stream 2 x 40000
# lines (gs_pg_mix, known counts), 100 lines per 5 ms pause each. A HUP is
# sent every 2 ms until both senders are done and at least 500 were sent
# (each HUP reloads the rulebase and has the summary written). Meanwhile a
# reader checks the summary over and over.
# Pass/fail:
#  1. every read of the summary during the storm finds it complete
#     (gs_fault_summary_ok with at most the lines sent, exact domain sums)
#     and totals.lines never smaller than at the read before (the reader
#     goes on until the end, at least 10 reads);
#  2. rsyslogd is alive after the storm; no rulebase error was logged;
#  3. the summary reaches exactly the expected counts of both mixes (totals
#     = lines sent), and still holds them after SIGTERM (clean exit).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

N=40000
MIN_HUPS=500
sum=$GS_SUMMARY_FILE
log=$GS_WORK/rs.internal
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then
	$(gs_action queue.type=LinkedList queue.workerThreads=2 \
		queue.workerThreadMinimumMessages=100)
EOF2
} >"$conf"
gs_pg_mix "$GS_WORK/lines1" "$GS_WORK/expect1" "$N" "mx1 mx2" 0
gs_pg_mix "$GS_WORK/lines2" "$GS_WORK/expect2" "$N" "mx3 mx4" "$N"
gs_expect_add "$GS_WORK/want" "$GS_WORK/expect1" "$GS_WORK/expect2"

gs_rsyslog_start rs "$conf" "$sum"
port=$(gs_port rs)
pid=$(gs_rsyslog_pid rs)

# The reader: until STOP exists, checks the summary; writes its verdict.
reader() {
	_reads=0
	_last=0
	while [ ! -e "$GS_WORK/stop" ] || [ "$_reads" -lt 10 ]; do
		if ! gs_fault_summary_ok "$sum" $((2 * N)) exact \
			2>>"$GS_WORK/reader.log"; then
			echo "bad summary at read $_reads" >"$GS_WORK/reader.out"
			return
		fi
		_l=$(gs_fault_lines "$sum")
		if [ "$_l" -lt "$_last" ]; then
			echo "lines went from $_last to $_l" >"$GS_WORK/reader.out"
			return
		fi
		_last=$_l
		_reads=$((_reads + 1))
	done
	echo "ok $_reads" >"$GS_WORK/reader.out"
}
reader &
reader_pid=$!
gs_cleanup_add "touch '$GS_WORK/stop'; kill $reader_pid 2>/dev/null"

# Each sender leaves its exit status in sentN.rc.
send() { # n
	gs_fault_sender "$port" "$GS_WORK/lines$1" 5 >"$GS_WORK/send$1.out" 2>&1
	echo $? >"$GS_WORK/sent$1.rc"
}
send 1 &
s1=$!
send 2 &
s2=$!
gs_cleanup_add "kill $s1 $s2 2>/dev/null"
hups=$("$PERL" -MTime::HiRes=sleep -e '
	my ($pid, $min, @done) = @ARGV;
	my $n = 0;
	while ($n < $min || grep { !-e $_ } @done) {
		kill("HUP", $pid) or last;
		$n++;
		sleep(0.002);
	}
	print "$n\n";' "$pid" "$MIN_HUPS" "$GS_WORK/sent1.rc" "$GS_WORK/sent2.rc")
wait "$s1" "$s2"
[ "$(cat "$GS_WORK/sent1.rc")" = 0 ] ||
	gs_fail "sender 1 failed: $(cat "$GS_WORK/send1.out")"
[ "$(cat "$GS_WORK/sent2.rc")" = 0 ] ||
	gs_fail "sender 2 failed: $(cat "$GS_WORK/send2.out")"
gs_rsyslog_alive rs || gs_fail "rsyslogd died in the HUP storm"
[ "$hups" -ge "$MIN_HUPS" ] || gs_fail "only $hups HUPs sent"
gs_wait_for 120 "all $((2 * N)) lines counted" \
	gs_check_summary "$sum" "$GS_WORK/want" quiet
touch "$GS_WORK/stop"
wait "$reader_pid"
case $(cat "$GS_WORK/reader.out") in
ok*) reads=$(sed 's/ok //' "$GS_WORK/reader.out") ;;
*) gs_fail "reader: $(cat "$GS_WORK/reader.out"): $(tail -3 "$GS_WORK/reader.log")" ;;
esac
grep -qs "rulebase" "$log" && gs_fail "a rulebase error was logged"
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/want" || gs_fail "after shutdown"
gs_pass "$hups HUPs, $((2 * N)) lines sent over 2 connections and counted," \
	"$reads complete reads of the summary"
