#!/bin/sh
# kill9.sh: kill -9 of rsyslogd during summary and state writes never
# leaves a partial summary or a state that cannot be restored, and the
# temporary files such a kill leaves are removed at the next start (only
# those: look-alikes that are not the writer's stay).
#
# One action, interval 1 s, summaryDomains="0" and G (30000) groups, so the
# summary is some 10 MB and the state 7 MB and each write takes a while.
# Planted next to them: a symlink named like a temporary file of the
# summary (pointing at a victim file), a directory named like one of the
# state, and a file of another user named like one of the summary.
# Then ROUNDS rounds (FAULT_KILL_ROUNDS, default 24, 9 at the reduced
# scale of tests/lib.sh: each kind of kill 3 times) of: start rsyslogd,
# send a batch of lines for new domains, and kill -9 it at a moment that
# varies: a few milliseconds (0 to 117) after a temporary file of the
# summary appears (rounds 0, 3, ...), after one of the state appears
# (rounds 1, 4, ...), or 0 to 1.5 s after the batch was sent (the others).
# Pass/fail, for every round:
#  1. after the kill the summary is complete (gs_fault_summary_ok: greyscan
#     reads it, format and version right, totals consistent with each other
#     and with the listed domains, never more lines than were sent);
#  2. the next start restores the state (no "cannot restore" logged, no
#     .corrupt file) and removes the temporary files the kill left, logging
#     that it did;
# and at the end:
#  3. some kill hit a summary write and some a state write (else the test
#     did not test what it says);
#  4. after a last start and SIGTERM, the directory holds the summary, the
#     state and the three look-alikes (unchanged, the victim unwritten),
#     nothing else, and the summary is complete.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

G=30000
B=300
ROUNDS=${FAULT_KILL_ROUNDS:-$(gs_scale 24 9)}
dir=$GS_WORK/out
mkdir "$dir"
sum=$dir/summary.json
state=$sum.state
log=$GS_WORK/rs.internal
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then
	$(gs_action summaryFile="$sum" summaryDomains=0 maxGroups=100000)
EOF2
} >"$conf"

# The look-alikes, and the victim the symlink points at.
victim=$GS_WORK/victim
echo "not to be written" >"$victim"
touch -d '2001-02-03 04:05:06' "$victim"
victim_id=$(stat -c '%i %s %Y' "$victim")
ln -s "$victim" "$dir/.summary.json.LOOKS1"
mkdir "$dir/.summary.json.state.LOOKS2"
echo theirs >"$dir/.summary.json.LOOKS3"
chown 65534:65534 "$dir/.summary.json.LOOKS3"
lookalikes=".summary.json.LOOKS1 .summary.json.LOOKS3 .summary.json.state.LOOKS2"

# Kills rsyslogd (PID) once a file matching RE appears in the directory
# (at once if RE is empty; the look-alikes do not count; after 10 s if
# none appears), DELAY_MS later. Prints the dot-files present just before
# the kill.
killer() { # pid re delay_ms
	"$PERL" -MTime::HiRes=sleep,time -e '
	my ($dir, $pid, $re, $delay) = @ARGV;
	my $end = time() + 10;
	WAIT: while ($re ne "" && time() < $end) {
		opendir(my $d, $dir) or die "$dir: $!\n";
		for (readdir($d)) { last WAIT if /$re/ && !/LOOKS/ }
		closedir($d);
		sleep(0.002);
	}
	sleep($delay / 1000);
	opendir(my $d, $dir) or die "$dir: $!\n";
	my @t = grep { /^\.[^.]/ } readdir($d);
	kill("KILL", $pid) or die "kill $pid: $!\n";
	print join(" ", sort @t), "\n";' "$dir" "$@"
}

not_lookalike() {
	case " $lookalikes " in *" $1 "*) return 1 ;; esac
	return 0
}

none_exists() {
	for _t in "$@"; do
		[ -e "$dir/$_t" ] || [ -L "$dir/$_t" ] && return 1
	done
	return 0
}

restored_cleanly() {
	! grep -qs "cannot restore" "$log" "$GS_WORK/rs.out" && [ ! -e "$state.corrupt" ]
}

gs_fault_distinct "$GS_WORK/lines0" "$G" 0
sent=$G
gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines0"
gs_wait_for 120 "$G groups counted" \
	eval '[ "$(gs_fault_lines "$sum")" = "$G" ]'
gs_wait_for 60 "the state holding them" \
	eval 'grep -qs "\"groups\":$G,\"pairs\":" "$state"'

hit_sum=0
hit_state=0
removed=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	case $((r % 3)) in
	0) re='^\.summary\.json\.[A-Za-z0-9]{6}$' delay=$((r * 13 % 120)) ;;
	1) re='^\.summary\.json\.state\.[A-Za-z0-9]{6}$' delay=$((r * 7 % 50)) ;;
	2) re='' delay=$((r * 337 % 1500)) ;;
	esac
	[ "$r" -gt 0 ] && gs_rsyslog_start rs "$conf"
	# The start removed what the last kill left.
	[ -n "${stale:-}" ] && gs_wait_for 60 "stale files removed ($stale)" \
		none_exists $stale
	restored_cleanly || gs_fail "round $r: the state was not restored"
	gs_fault_distinct "$GS_WORK/batch" "$B" $((G + r * B))
	gs_send_tcp "$(gs_port rs)" "$GS_WORK/batch"
	sent=$((sent + B))
	before=$(killer "$(gs_rsyslog_pid rs)" "$re" "$delay") ||
		gs_fail "round $r: killer failed"
	wait "$(gs_rsyslog_pid rs)" 2>/dev/null
	gs_forget_daemon rs
	for t in $before; do
		not_lookalike "$t" || continue
		case $t in
		.summary.json.state.*) hit_state=$((hit_state + 1)) ;;
		.summary.json.*) hit_sum=$((hit_sum + 1)) ;;
		esac
	done
	gs_fault_summary_ok "$sum" "$sent" ||
		gs_fail "round $r: the summary is not complete after kill -9"
	stale=
	for t in $(gs_fault_temps "$dir" summary.json) \
		$(gs_fault_temps "$dir" summary.json.state); do
		not_lookalike "$t" && stale="$stale $t"
	done
	[ -n "$stale" ] && removed=$((removed + $(echo $stale | wc -w)))
	gs_note "round $r: killed ${delay} ms after ${re:-the batch}," \
		"left:${stale:- nothing}"
	r=$((r + 1))
done
[ "$hit_sum" -gt 0 ] || gs_fail "no kill hit a summary write"
[ "$hit_state" -gt 0 ] || gs_fail "no kill hit a state write"

gs_rsyslog_start rs "$conf"
[ -n "$stale" ] && gs_wait_for 60 "stale files removed ($stale)" \
	none_exists $stale
restored_cleanly || gs_fail "last start: the state was not restored"
[ "$removed" -eq 0 ] || grep -qs "removed .* temporary file(s) an interrupted" \
	"$log" "$GS_WORK/rs.out" || gs_fail "the removal of stale temporary files was not logged"
gs_rsyslog_stop rs
gs_fault_summary_ok "$sum" "$sent" || gs_fail "the final summary is wrong"
left=$(ls -A "$dir" | sort | tr '\n' ' ')
want=$(printf '%s\n' $lookalikes summary.json summary.json.state | sort |
	tr '\n' ' ')
[ "$left" = "$want" ] || gs_fail "left in the directory: $left, want $want"
[ -L "$dir/.summary.json.LOOKS1" ] && [ -d "$dir/.summary.json.state.LOOKS2" ] &&
	[ "$(cat "$dir/.summary.json.LOOKS3")" = theirs ] ||
	gs_fail "a look-alike was changed"
[ "$(stat -c '%i %s %Y' "$victim")" = "$victim_id" ] ||
	gs_fail "the victim behind the look-alike symlink was written"
gs_pass "$ROUNDS kill -9 rounds ($hit_sum during a summary write," \
	"$hit_state during a state write), $removed stale temporary files" \
	"removed, $sent lines sent, $(gs_fault_lines "$sum") in the last state"
