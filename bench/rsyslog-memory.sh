#!/bin/sh
# bench/rsyslog-memory.sh: does rsyslogd's memory stay bounded when omgreyscan
# is flooded with distinct sender domains?
#
# A private rsyslogd (tests/lib.sh: imtcp on a loopback port, the module
# loaded) runs `if $programname == 'postgrey' then action(type="omgreyscan")`
# with the default maxGroups (100000) and receives over TCP 5,000,000
# postgrey greylisting lines from bench/genlog --flood, streamed (nothing
# stored): once with a new random client domain on every line, once with
# only 1000 distinct client names. After the last message is processed (a
# sentinel message behind it writes a marker file), a SIGHUP makes the
# module write its summary, and once that file is there rsyslogd's peak
# resident set (VmHWM in /proc/PID/status) is read. Prints both peaks and
# the growth; the target is growth <= 64 MiB. The summary of each run must
# count all 5,000,000 messages (the module saw them all). Exit 0 when both
# runs completed, 1 otherwise.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh"

LINES=5000000
FEW_NAMES=1000

bench_init
[ -f "$GS_MODULE" ] || bench_die "module not built: $GS_MODULE"
gs_init
GS_TIMEOUT_S=120

# One run: DOMAINS is genlog --flood's argument (0: all distinct). Sets
# RUN_HWM_INGEST (peak KiB when all messages are processed), RUN_HWM (peak
# KiB once the summary is written too), RUN_GROUPS and RUN_SECS.
run() {
	_name=$1
	_domains=$2
	_sum="$GS_WORK/$_name.summary.json"
	{
		gs_conf_head "$_name"
		cat <<EOF
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$_sum" -interval)
	stop
}
if \$programname == 'benchend' then {
	action(type="omfile" file="$GS_WORK/$_name.end")
}
EOF
	} >"$GS_WORK/$_name.conf"
	gs_rsyslog_start "$_name" "$GS_WORK/$_name.conf"
	_pid=$(gs_rsyslog_pid "$_name")
	_t0=$(bench_now_ns)
	{
		"$GENLOG" --flood "$_domains" --lines "$LINES" \
			--seed "$GS_BENCH_SEED" --hosts mx1,mx2 --format syslog \
			2>/dev/null
		echo "<13>Nov 20 00:00:00 mx1 benchend[1]: all sent"
	} | bench_send "$(gs_port "$_name")" ||
		gs_fail "sending to rsyslogd $_name failed"
	while [ ! -s "$GS_WORK/$_name.end" ]; do
		gs_rsyslog_alive "$_name" || gs_fail "rsyslogd $_name died"
		sleep 0.05
	done
	RUN_SECS=$(bench_secs $(($(bench_now_ns) - _t0)))
	RUN_HWM_INGEST=$(bench_hwm_kib "$_pid")
	rm -f "$_sum"
	gs_rsyslog_hup "$_name"
	gs_wait_for "$GS_TIMEOUT_S" "the summary after SIGHUP" \
		gs_json_is "$_sum" '$j->{totals}{lines}' "$LINES"
	RUN_HWM=$(bench_hwm_kib "$_pid")
	RUN_GROUPS=$(gs_json "$_sum" '$j->{totals}{groups}')
	gs_rsyslog_stop "$_name"
}

run distinct 0
hwm_many=$RUN_HWM groups_many=$RUN_GROUPS secs_many=$RUN_SECS
ingest_many=$RUN_HWM_INGEST
run few "$FEW_NAMES"
hwm_few=$RUN_HWM groups_few=$RUN_GROUPS secs_few=$RUN_SECS
ingest_few=$RUN_HWM_INGEST

growth=$((hwm_many - hwm_few))
echo "$LINES postgrey messages over TCP, omgreyscan with the default maxGroups (100000):"
printf '  %-32s peak RSS %8d KiB (%8d KiB before the summary)  %6d groups  %ss\n' \
	"$FEW_NAMES distinct client names" "$hwm_few" "$ingest_few" \
	"$groups_few" "$secs_few"
printf '  %-32s peak RSS %8d KiB (%8d KiB before the summary)  %6d groups  %ss\n' \
	"a new client domain every line" "$hwm_many" "$ingest_many" \
	"$groups_many" "$secs_many"
mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'
}
echo "growth: $growth KiB = $(mib "$growth") MiB (target <= 64 MiB);" \
	"before the summary: $(mib $((ingest_many - ingest_few))) MiB"
gs_pass "benchmark done"
