#!/bin/sh
# bench/rsyslog-throughput.sh: how much the omgreyscan action slows down
# rsyslogd.
#
# A private rsyslogd (tests/lib.sh: imtcp on a loopback port the kernel
# picks, the module loaded) ingests the cached 2,000,000-line mail.log of
# bench/genlog as syslog messages over one TCP connection, twice per round:
#   module:  if $programname == 'postgrey' then {
#                    action(type="omgreyscan" ...)  stop }
#   discard: if $programname == 'postgrey' then { stop }
# `stop` is rsyslog's discard (the old "~"): the baseline spends nothing on
# postgrey's messages, so the ratio charges the module with its whole cost,
# action overhead included. Everything else is identical, the module is
# loaded in both, and nothing else writes the messages anywhere.
#
# Time runs from the first byte sent until a sentinel message sent after the
# last line has been processed (an omfile action writes a marker file).
# messages/s = messages / that time; the best of GS_BENCH_RUNS rounds
# counts. rsyslogd's CPU time is printed as well. After each module run the
# summary written at shutdown must count every postgrey message (a check
# that the module saw them all). Target: module/discard >= 0.8. Exit 0 when
# all runs completed, 1 otherwise.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh"

LINES=2000000

bench_init
[ -f "$GS_MODULE" ] || bench_die "module not built: $GS_MODULE"
log=$(bench_log "$LINES" syslog)
pg=$(grep -c ' postgrey\[' "$log")
msgs=$((LINES + 1))
gs_init
cat "$log" >/dev/null

# Writes the config of a run: VARIANT module or discard.
write_conf() {
	_name=$1
	_variant=$2
	{
		gs_conf_head "$_name"
		echo "if \$programname == 'postgrey' then {"
		if [ "$_variant" = module ]; then
			gs_action -interval \
				summaryFile="$GS_WORK/$_name.summary.json"
		fi
		cat <<EOF
	stop
}
if \$programname == 'benchend' then {
	action(type="omfile" file="$GS_WORK/$_name.end")
}
EOF
	} >"$GS_WORK/$_name.conf"
}

# One run; sets RUN_NS (wall time) and RUN_CPU (rsyslogd's CPU seconds).
run() {
	_name=$1
	write_conf "$_name" "$2"
	gs_rsyslog_start "$_name" "$GS_WORK/$_name.conf"
	_pid=$(gs_rsyslog_pid "$_name")
	_cpu0=$(bench_cpu_s "$_pid")
	_t0=$(bench_now_ns)
	{
		cat "$log"
		echo "<13>Nov 20 00:00:00 mx1 benchend[1]: all sent"
	} | bench_send "$(gs_port "$_name")" ||
		gs_fail "sending to rsyslogd $_name failed"
	while [ ! -s "$GS_WORK/$_name.end" ]; do
		gs_rsyslog_alive "$_name" || gs_fail "rsyslogd $_name died"
		sleep 0.01
	done
	_t1=$(bench_now_ns)
	_cpu1=$(bench_cpu_s "$_pid")
	gs_rsyslog_stop "$_name"
	if [ "$2" = module ]; then
		_seen=$(gs_json "$GS_WORK/$_name.summary.json" '$j->{totals}{lines}')
		[ "$_seen" = "$pg" ] ||
			gs_fail "module run $_name counted ${_seen:-no} messages of $pg"
	fi
	RUN_NS=$((_t1 - _t0))
	RUN_CPU=$(awk -v a="$_cpu0" -v b="$_cpu1" 'BEGIN { printf "%.2f", b - a }')
}

best_m='' best_d='' cpu_m='' cpu_d=''
i=0
while [ "$i" -lt "$GS_BENCH_RUNS" ]; do
	for v in module discard; do
		run "$v$i" "$v"
		echo "$(basename "$0"): round $i $v: $(bench_secs "$RUN_NS")s, CPU ${RUN_CPU}s" >&2
		if [ "$v" = module ]; then
			if [ -z "$best_m" ] || [ "$RUN_NS" -lt "$best_m" ]; then
				best_m=$RUN_NS cpu_m=$RUN_CPU
			fi
		elif [ -z "$best_d" ] || [ "$RUN_NS" -lt "$best_d" ]; then
			best_d=$RUN_NS cpu_d=$RUN_CPU
		fi
	done
	i=$((i + 1))
done

rate() {
	awk -v m="$msgs" -v ns="$1" 'BEGIN { printf "%.0f", m / (ns / 1e9) }'
}
echo "input: $log"
echo "  $msgs messages over TCP ($pg from postgrey)"
echo "best of $GS_BENCH_RUNS rounds (first byte to last message processed):"
printf '  discard (stop)   %8ss  %9s msg/s  rsyslogd CPU %ss\n' \
	"$(bench_secs "$best_d")" "$(rate "$best_d")" "$cpu_d"
printf '  omgreyscan       %8ss  %9s msg/s  rsyslogd CPU %ss\n' \
	"$(bench_secs "$best_m")" "$(rate "$best_m")" "$cpu_m"
echo "ratio omgreyscan/discard (msg/s): $(bench_ratio "$best_d" "$best_m") (target >= 0.80)"
gs_pass "benchmark done"
