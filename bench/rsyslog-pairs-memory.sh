#!/bin/sh
# bench/rsyslog-pairs-memory.sh: does rsyslogd's memory stay within the open-
# pair table's bound when omgreyscan follows 5 million distinct greylisted
# mails (issue 10)?
#
# A private rsyslogd (tests/lib.sh: imtcp on a loopback port, the module
# loaded) runs `if $programname == 'postgrey' then action(type="omgreyscan")`
# with the default pair table (GS_PAIRS_DEFAULT_MAX, lib/base/limits.h) and
# receives over TCP GS_BENCH_PAIR_LINES (default 5,000,000) postgrey
# greylistings from bench/pairflood.pl, streamed (nothing stored), from
# GS_BENCH_PAIR_GROUPS (default 8) sender groups:
#   flood:    every line a new pair (random senders and recipients);
#   baseline: the same number of lines cycling through 1000 pairs;
#   off:      the flood again with maxPairs=0 (pair tracking off).
# Nothing expires (the lines span under 3 hours, the retry window is 2
# days), so the flood fills the table and then evicts the oldest pair for
# each new one. The main queue holds QUEUE_SIZE messages (2000), so that
# the backlog in front of the module weighs the same in every run. After
# the last message is processed (a sentinel message behind it writes a
# marker file), a SIGHUP makes the module write its summary, and once that counts every line, rsyslogd's peak resident set
# (VmHWM in /proc/PID/status) is read. Prints each run's peak (also before
# the summary), pairs_open and pairs_evicted of its summary (with the
# expected values), and the growth of the flood over the baseline and over
# the run with tracking off, beside the bound: the table's (maxPairs x
# GS_PAIRS_ENTRY_BYTES, both read from lib/tally/pairs.h) plus the groups'
# (groups x a generous per-group size from lib/tally/tally.h's figures).
# Figures only, no assertion on them; each run's summary must count every
# line (the module saw them all). Exit 0 when every run completed, 1
# otherwise.
#
# GS_PAIRS_PARAM_MAX names the module's table-bound parameter (default
# maxPairs); empty leaves the "off" run out (for a module without it).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh"

: "${GS_PAIRS_PARAM_MAX=maxPairs}"
: "${GS_BENCH_PAIR_LINES:=5000000}"
: "${GS_BENCH_PAIR_GROUPS:=8}"
LINES=$GS_BENCH_PAIR_LINES
N_GROUPS=$GS_BENCH_PAIR_GROUPS
BASELINE_PAIRS=1000
# The main queue's size in messages: a full queue holds the TCP sender back
# (imtcp is flow-controlled), so the backlog costs at most some MB in every
# run; with rsyslog's default (100,000) it varies by tens of MB from run to
# run, more than the table's bound.
QUEUE_SIZE=2000
PAIRS_H="$top_srcdir/lib/tally/pairs.h"
# Per group at most (lib/tally/tally.h): 270 bytes, 64 addresses and 64
# networks of 16 bytes, and per slot (GS_TALLY_SLOTS, 28) a delay histogram
# and a wait histogram of 280 bytes each.
GROUP_MAX_BYTES=$((270 + 2 * 64 * 16 + 28 * 2 * 280))

bench_init
[ -f "$GS_MODULE" ] || bench_die "module not built: $GS_MODULE"
[ -r "$PAIRS_H" ] || bench_die "missing $PAIRS_H"
gs_init
GS_TIMEOUT_S=300

# A #define's number from pairs.h or lib/base/limits.h (the defaults).
pairs_h() {
	sed -n "s/^#define $1[ 	]*\([0-9][0-9]*\).*/\1/p" "$PAIRS_H" \
		"$top_srcdir/lib/base/limits.h"
}
max_pairs=$(pairs_h GS_PAIRS_DEFAULT_MAX)
entry_bytes=$(pairs_h GS_PAIRS_ENTRY_BYTES)
if [ -z "$max_pairs" ] || [ -z "$entry_bytes" ]; then
	bench_die "GS_PAIRS_DEFAULT_MAX or GS_PAIRS_ENTRY_BYTES not found in $PAIRS_H"
fi

# A summary member, or "absent" (a summary of version 1).
member() {
	gs_json "$1" "\$j->{totals}{$2} // 'absent'" || echo unreadable
}

# One run: NAME, pairflood's --pairs (0: all distinct), extra action
# parameters. Sets RUN_HWM_INGEST (peak KiB when every message is
# processed), RUN_HWM (once the summary is written too), RUN_OPEN,
# RUN_EVICTED and RUN_SECS.
run() {
	r_name=$1
	r_pairs=$2
	shift 2
	r_sum="$GS_WORK/$r_name.summary.json"
	{
		gs_conf_head "$r_name"
		cat <<EOF
main_queue(queue.size="$QUEUE_SIZE")
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$r_sum" -interval "$@")
	stop
}
if \$programname == 'benchend' then {
	action(type="omfile" file="$GS_WORK/$r_name.end")
}
EOF
	} >"$GS_WORK/$r_name.conf"
	gs_rsyslog_check "$GS_WORK/$r_name.conf" ||
		bench_die "rsyslogd rejects $r_name.conf: $(cat "$GS_WORK/check.out")"
	gs_rsyslog_start "$r_name" "$GS_WORK/$r_name.conf"
	r_pid=$(gs_rsyslog_pid "$r_name")
	r_t0=$(bench_now_ns)
	{
		"$PERL" "$top_srcdir/bench/pairflood.pl" --lines "$LINES" \
			--groups "$N_GROUPS" --pairs "$r_pairs" --seed "$GS_BENCH_SEED" ||
			echo failed >"$GS_WORK/pairflood.failed"
		echo "<13>Nov 20 00:00:00 mx1 benchend[1]: all sent"
	} | bench_send "$(gs_port "$r_name")" ||
		gs_fail "sending to rsyslogd $r_name failed"
	[ ! -e "$GS_WORK/pairflood.failed" ] || bench_die "pairflood.pl failed"
	while [ ! -s "$GS_WORK/$r_name.end" ]; do
		gs_rsyslog_alive "$r_name" || gs_fail "rsyslogd $r_name died"
		sleep 0.05
	done
	RUN_SECS=$(bench_secs $(($(bench_now_ns) - r_t0)))
	RUN_HWM_INGEST=$(bench_hwm_kib "$r_pid")
	rm -f "$r_sum"
	gs_rsyslog_hup "$r_name"
	gs_wait_for "$GS_TIMEOUT_S" "the summary of $r_name after SIGHUP" \
		gs_json_is "$r_sum" '$j->{totals}{lines}' "$LINES"
	RUN_HWM=$(bench_hwm_kib "$r_pid")
	RUN_OPEN=$(member "$r_sum" pairs_open)
	RUN_EVICTED=$(member "$r_sum" pairs_evicted)
	gs_rsyslog_stop "$r_name"
}

mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}

# Prints one run's line: its label, then the expected pairs_open and
# pairs_evicted.
show() {
	printf '  %-34s peak RSS %8d KiB (%8d KiB before the summary)  %ss\n' \
		"$1" "$RUN_HWM" "$RUN_HWM_INGEST" "$RUN_SECS"
	printf '  %-34s pairs_open %s (expected %s), pairs_evicted %s (expected %s)\n' \
		'' "$RUN_OPEN" "$2" "$RUN_EVICTED" "$3"
}

# With fewer lines than the table holds, nothing is evicted.
flood_open=$max_pairs
[ "$LINES" -lt "$max_pairs" ] && flood_open=$LINES
base_open=$BASELINE_PAIRS
[ "$LINES" -lt "$base_open" ] && base_open=$LINES

echo "$LINES postgrey greylistings over TCP from $N_GROUPS groups, omgreyscan with the default pair table ($max_pairs pairs):"
run baseline "$BASELINE_PAIRS"
show "baseline: $BASELINE_PAIRS distinct pairs" "$base_open" 0
hwm_base=$RUN_HWM ingest_base=$RUN_HWM_INGEST
run flood 0
show "flood: a new pair every line" "$flood_open" $((LINES - flood_open))
hwm_flood=$RUN_HWM ingest_flood=$RUN_HWM_INGEST
hwm_off=
if [ -n "$GS_PAIRS_PARAM_MAX" ]; then
	run off 0 "$GS_PAIRS_PARAM_MAX=0"
	show "off: the flood, $GS_PAIRS_PARAM_MAX=0" 0 0
	hwm_off=$RUN_HWM ingest_off=$RUN_HWM_INGEST
fi

table_kib=$((max_pairs * entry_bytes / 1024))
group_kib=$((N_GROUPS * GROUP_MAX_BYTES / 1024))
bound_kib=$((table_kib + group_kib))
echo "bound: table $max_pairs x $entry_bytes B = $table_kib KiB ($(mib "$table_kib") MiB)" \
	"+ groups $N_GROUPS x $GROUP_MAX_BYTES B = $group_kib KiB:" \
	"$bound_kib KiB ($(mib "$bound_kib") MiB)"
growth=$((hwm_flood - hwm_base))
echo "growth flood - baseline: $growth KiB = $(mib "$growth") MiB" \
	"(before the summary: $(mib $((ingest_flood - ingest_base))) MiB);" \
	"bound $(mib "$bound_kib") MiB"
if [ -n "$hwm_off" ]; then
	growth=$((hwm_flood - hwm_off))
	echo "growth flood - off:      $growth KiB = $(mib "$growth") MiB" \
		"(before the summary: $(mib $((ingest_flood - ingest_off))) MiB);" \
		"bound $(mib "$bound_kib") MiB"
else
	echo "no run with pair tracking off (GS_PAIRS_PARAM_MAX is empty)"
fi
gs_pass "benchmark done"
