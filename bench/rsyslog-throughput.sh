#!/bin/sh
# bench/rsyslog-throughput.sh: how much the omgreyscan action slows down
# rsyslogd, against rsyslog's discard and against rsyslog's own
# mmnormalize with the same rulebase (the floor liblognorm sets).
#
# A private rsyslogd (bench/lib-rsyslog.sh: imtcp on a loopback port the
# kernel picks, mmnormalize and the module loaded) ingests a generated
# mail.log of GS_BENCH_LINES lines (default 2,000,000) as syslog messages
# over one TCP connection, once per variant:
#   discard:     if $programname == 'postgrey' then { stop }
#   mmnormalize: if $programname == 'postgrey' then {
#                    action(type="mmnormalize" ruleBase=...)  stop }
#   omgreyscan:  if $programname == 'postgrey' then {
#                    action(type="omgreyscan" ...)  stop }
#   nopairs:     the same with maxPairs="0": the module without following
#                the greylisted mails (issue 10's open-pair table off)
# `stop` is rsyslog's discard (the old "~"): that baseline spends nothing on
# postgrey's messages, so omgreyscan/discard charges the module with its
# whole cost, action overhead included; omgreyscan/mmnormalize compares it
# with parsing alone; omgreyscan/nopairs is the cost of pair tracking.
# Everything else is identical. With GS_BENCH_BASELINE (build directories
# of other revisions, bench/build-baseline.sh), each one's module runs as a
# variant baseline1, baseline2, ... in every round, for before and after
# from the same run. GS_PAIRS_PARAM_MAX (bench/lib-rsyslog.sh)
# names the parameter; empty leaves nopairs out (a module without it).
#
# Each variant runs on both logs of GS_BENCH_LOGS (default "default
# diverse": genlog's default and genlog --diverse, about 20% and 40% of the
# client names distinct) and with each main-queue worker count of
# GS_BENCH_WORKERS (default "1 2"). A round runs the variants one after the
# other; the best of GS_BENCH_RUNS rounds (default 3) counts.
# Time runs from the first byte sent until a sentinel message sent after the
# last line has been processed (an omfile action writes a marker file).
# messages/s = messages / that time. rsyslogd's CPU time (all threads) is
# printed as well, with messages per CPU second and the ratios by CPU time:
# less disturbed by other load on the machine than the wall time, but no
# throughput (with two workers, CPU time can grow while wall time shrinks).
# After each omgreyscan run the summary written at shutdown must count every
# postgrey message; before timing, a sample of each log checks that
# mmnormalize parses its postgrey messages. Targets: omgreyscan/mmnormalize
# >= 0.95, omgreyscan/discard >= 0.80 and omgreyscan/nopairs >= 0.95 (pair
# tracking at most 5% slower), on both logs, for each worker count. Exit 0
# when all runs completed, 1 otherwise.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/bench/lib-rsyslog.sh"

: "${GS_BENCH_WORKERS:=1 2}"
LINES=$GS_BENCH_LINES
# Baselines: the module of each build directory of GS_BENCH_BASELINE
# (bench/build-baseline.sh), as variants baseline1, baseline2, ...
BASELINES=''
n_base=0
for b in ${GS_BENCH_BASELINE:-}; do
	n_base=$((n_base + 1))
	[ -f "$b/plugins/omgreyscan/.libs/omgreyscan.so" ] ||
		bench_die "no omgreyscan.so in baseline build $b"
	eval "SO_baseline$n_base=\$b/plugins/omgreyscan/.libs/omgreyscan.so"
	eval "NAME_baseline$n_base=\$(basename \"\$(dirname \"\$b\")\")"
	BASELINES="$BASELINES baseline$n_base"
done
VARIANTS="discard mmnormalize$BASELINES omgreyscan${GS_PAIRS_PARAM_MAX:+ nopairs}"
CHECK_LINES=50000

bench_init
[ -f "$GS_MODULE" ] || bench_die "module not built: $GS_MODULE"
gs_init
msgs=$((LINES + 1))

rate() {
	awk -v m="$msgs" -v ns="$1" 'BEGIN { printf "%.0f", m / (ns / 1e9) }'
}

# Messages per second of rsyslogd's CPU time (all its threads), S seconds.
cpu_rate() {
	awk -v m="$msgs" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? m / s : 0) }'
}

# The figures of one log (KIND FILE) and worker count: sets BEST_<variant>
# (ns) and CPU_<variant>. Its variables start with c_ (tests/lib.sh's
# helpers use other _names). Each run has a name of its own, so that no run
# finds another's files (the module would import an earlier summary).
bench_cell() {
	c_kind=$1
	c_log=$2
	c_w=$3
	for c_v in $VARIANTS; do
		eval "BEST_$c_v='' CPU_$c_v=''"
	done
	c_i=0
	while [ "$c_i" -lt "$GS_BENCH_RUNS" ]; do
		for c_v in $VARIANTS; do
			c_module=$GS_MODULE
			case $c_v in
			baseline*) eval "GS_MODULE=\$SO_$c_v" ;;
			esac
			bench_rs_run "${c_v}_${c_kind}_w${c_w}_r$c_i" "$c_v" "$c_w" "$c_log"
			GS_MODULE=$c_module
			echo "$(basename "$0"): $(basename "$c_log") workers $c_w round $c_i $c_v: $(bench_secs "$RUN_NS")s, CPU ${RUN_CPU}s" >&2
			eval "c_best=\$BEST_$c_v"
			if [ -z "$c_best" ] || [ "$RUN_NS" -lt "$c_best" ]; then
				eval "BEST_$c_v=$RUN_NS CPU_$c_v=$RUN_CPU"
			fi
		done
		c_i=$((c_i + 1))
	done
}

: >"$GS_WORK/table"
for kind in $GS_BENCH_LOGS; do
	log=$(bench_log "$LINES" syslog "$kind")
	pg=$(grep -c ' postgrey\[' "$log")
	bench_rs_check "check_$kind" "$log" "$CHECK_LINES"
	# A few postgrey lines may not be for the rulebase (none of genlog's
	# are); more than 1% would mean that mmnormalize sees other text than
	# the module does, and its figure would mean nothing.
	[ $((CHECK_UNPARSED * 100)) -le "$CHECK_PG" ] ||
		bench_die "mmnormalize could not parse $CHECK_UNPARSED of $CHECK_PG postgrey messages of $log"
	cat "$log" >/dev/null
	echo "$kind log: $log"
	echo "  $msgs messages over TCP ($pg from postgrey), distinct client names: $(bench_name_share "$log")"
	echo "  mmnormalize check: $CHECK_UNPARSED of the first $CHECK_LINES lines' $CHECK_PG postgrey messages unparsed"
	for w in $GS_BENCH_WORKERS; do
		bench_cell "$kind" "$log" "$w"
		echo "  main queue workerThreads=$w, best of $GS_BENCH_RUNS rounds (first byte to last message processed):"
		ns='' cpu=''
		for v in $VARIANTS; do
			eval "ns=\$BEST_$v cpu=\$CPU_$v"
			printf '    %-12s %8ss  %9s msg/s  rsyslogd CPU %6ss  %9s msg/CPU-s\n' \
				"$v" "$(bench_secs "$ns")" "$(rate "$ns")" "$cpu" \
				"$(cpu_rate "$cpu")"
		done
		# msg/s ratios: the inverse of the times' ratios.
		r_mm=$(bench_ratio "$BEST_mmnormalize" "$BEST_omgreyscan")
		r_d=$(bench_ratio "$BEST_discard" "$BEST_omgreyscan")
		c_mm=$(bench_ratio "$CPU_mmnormalize" "$CPU_omgreyscan")
		c_d=$(bench_ratio "$CPU_discard" "$CPU_omgreyscan")
		echo "    ratio omgreyscan/mmnormalize (msg/s): $r_mm (target >= 0.95); by CPU time: $c_mm"
		echo "    ratio omgreyscan/discard (msg/s):     $r_d (target >= 0.80); by CPU time: $c_d"
		base_cells=
		for v in $BASELINES; do
			eval "b_ns=\$BEST_$v b_cpu=\$CPU_$v b_name=\$NAME_$v"
			r_b=$(bench_ratio "$b_ns" "$BEST_omgreyscan")
			c_b=$(bench_ratio "$b_cpu" "$CPU_omgreyscan")
			echo "    $v is $b_name: its module/mmnormalize $(bench_ratio "$BEST_mmnormalize" "$b_ns") (CPU $(bench_ratio "$CPU_mmnormalize" "$b_cpu")), module/discard $(bench_ratio "$BEST_discard" "$b_ns") (CPU $(bench_ratio "$CPU_discard" "$b_cpu"))"
			echo "    ratio omgreyscan/$v (msg/s, this build over that one): $r_b; by CPU time: $c_b"
			base_cells="$base_cells  $v ($b_name) $(rate "$b_ns") msg/s, /mmnormalize $(bench_ratio "$BEST_mmnormalize" "$b_ns"), /discard $(bench_ratio "$BEST_discard" "$b_ns"), omgreyscan/$v $r_b (CPU $c_b)"
		done
		pairs_cell=
		if [ -n "$BEST_nopairs" ]; then
			r_p=$(bench_ratio "$BEST_nopairs" "$BEST_omgreyscan")
			c_p=$(bench_ratio "$CPU_nopairs" "$CPU_omgreyscan")
			echo "    ratio omgreyscan/nopairs (msg/s):     $r_p (target >= 0.95); by CPU time: $c_p"
			pairs_cell="  nopairs $(rate "$BEST_nopairs") msg/s  omgreyscan/nopairs $r_p (CPU $c_p)"
		fi
		printf '  %-8s workers %s  discard %8s  mmnormalize %8s  omgreyscan %8s msg/s  omgreyscan/mmnormalize %s (CPU %s)  omgreyscan/discard %s (CPU %s)%s\n' \
			"$kind" "$w" "$(rate "$BEST_discard")" \
			"$(rate "$BEST_mmnormalize")" "$(rate "$BEST_omgreyscan")" \
			"$r_mm" "$c_mm" "$r_d" "$c_d" "$pairs_cell$base_cells" >>"$GS_WORK/table"
	done
done
echo "summary (targets: omgreyscan/mmnormalize >= 0.95, omgreyscan/discard >= 0.80, omgreyscan/nopairs >= 0.95):"
cat "$GS_WORK/table"
gs_pass "benchmark done"
