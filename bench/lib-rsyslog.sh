# bench/lib-rsyslog.sh: one timed run of a private rsyslogd ingesting a
# generated log, for rsyslog-throughput.sh and rsyslog-profile.sh. Source
# it after bench/lib.sh and tests/lib.sh, and call gs_init first.
#
# The config (tests/lib.sh's gs_conf_head without its input, then an imtcp
# input on a loopback port bound to the ruleset "bench"):
#   main_queue(queue.workerThreads=WORKERS)
#   ruleset bench, parser pmrfc3164 with remove.msgFirstSpace="on":
#     if $programname == 'postgrey' then { ACTION stop }
#     if $programname == 'benchend' then { omfile END-MARKER }
# where ACTION is, by VARIANT:
#   discard      nothing: `stop` alone, rsyslog's discard (the old "~")
#   mmnormalize  action(type="mmnormalize" ruleBase=GS_RULEBASE): the floor
#                liblognorm sets, with the same rulebase as the module
#   omgreyscan   action(type="omgreyscan" summaryFile=... ruleBase=...)
#   nopairs      the same with $GS_PAIRS_PARAM_MAX="0": the open-pair table
#                off, no mail followed (issue 10), to weigh pair tracking
#   baseline*    omgreyscan's action, for a module of another revision: the
#                caller points GS_MODULE at it for the run
#   mmcheck      mmnormalize, then an omfile of the messages it could not
#                parse (for bench_rs_check, never timed)
# The parser drops the space rsyslog keeps after the tag, so mmnormalize
# sees "action=..." as the rulebase expects (the module skips that space
# itself). Everything else is identical in all variants; the module is
# loaded in all of them; nothing else writes the postgrey messages anywhere.
#
#   bench_rs_run NAME VARIANT WORKERS LOG
#       Starts rsyslogd NAME, sends LOG (syslog format) and a sentinel
#       message over one TCP connection, waits until the sentinel has been
#       written and stops rsyslogd. Time runs from the first byte sent until
#       then. Sets RUN_NS (wall) and RUN_CPU (rsyslogd's CPU seconds). With
#       omgreyscan, nopairs and baseline*, its summary (written at shutdown) must count
#       every postgrey message of LOG. A config rsyslogd rejects (-N1) ends
#       the benchmark. When BENCH_RS_ATTACH is set, it is run as a command
#       with rsyslogd's PID as its argument once rsyslogd is ready, and
#       BENCH_RS_DETACH (no argument) once the sentinel is there.
#   bench_rs_check NAME LOG LINES
#       Runs mmcheck on the first LINES lines of LOG; sets CHECK_PG to the
#       number of their postgrey messages and CHECK_UNPARSED to how many of
#       them mmnormalize could not parse.

BENCH_RS_ATTACH=
BENCH_RS_DETACH=
# The module's parameter that bounds the open-pair table (0: off); empty:
# the module has none, nopairs cannot run.
: "${GS_PAIRS_PARAM_MAX=maxPairs}"

# Their variables start with rs_: tests/lib.sh's helpers use other _names
# (and the shell has no local ones).

# Writes $GS_WORK/NAME.conf.
bench_rs_conf() {
	rs_name=$1
	rs_variant=$2
	rs_workers=$3
	{
		gs_conf_head --no-tcp "$rs_name"
		cat <<EOF
main_queue(queue.workerThreads="$rs_workers"
	queue.workerThreadMinimumMessages="5000")
module(load="mmnormalize")
module(load="imtcp")
parser(name="bench.rfc3164" type="pmrfc3164" remove.msgFirstSpace="on")
input(type="imtcp" address="127.0.0.1" port="0" ruleset="bench"
	listenPortFileName="$GS_WORK/$rs_name.port")
ruleset(name="bench" parser="bench.rfc3164") {
if \$programname == 'postgrey' then {
EOF
		case $rs_variant in
		discard) ;;
		mmnormalize)
			echo "	action(type=\"mmnormalize\" ruleBase=\"$GS_RULEBASE\")"
			;;
		mmcheck)
			cat <<EOF
	action(type="mmnormalize" ruleBase="$GS_RULEBASE")
	if \$parsesuccess != "OK" then {
		action(type="omfile" file="$GS_WORK/$rs_name.unparsed")
	}
EOF
			;;
		omgreyscan | baseline*)
			cat <<EOF
	action(type="omgreyscan" summaryFile="$GS_WORK/$rs_name.summary.json"
		ruleBase="$GS_RULEBASE")
EOF
			;;
		nopairs)
			[ -n "$GS_PAIRS_PARAM_MAX" ] ||
				bench_die "nopairs: GS_PAIRS_PARAM_MAX is empty"
			cat <<EOF
	action(type="omgreyscan" summaryFile="$GS_WORK/$rs_name.summary.json"
		ruleBase="$GS_RULEBASE" $GS_PAIRS_PARAM_MAX="0")
EOF
			;;
		*) bench_die "bench_rs_conf: unknown variant '$rs_variant'" ;;
		esac
		cat <<EOF
	stop
}
if \$programname == 'benchend' then {
	action(type="omfile" file="$GS_WORK/$rs_name.end")
}
}
EOF
	} >"$GS_WORK/$rs_name.conf"
}

bench_rs_run() {
	rs_name=$1
	rs_variant=$2
	rs_log=$4
	bench_rs_conf "$rs_name" "$rs_variant" "$3"
	gs_rsyslog_check "$GS_WORK/$rs_name.conf" ||
		bench_die "rsyslogd rejects the $rs_variant config: $(cat "$GS_WORK/check.out")"
	gs_rsyslog_start "$rs_name" "$GS_WORK/$rs_name.conf"
	rs_pid=$(gs_rsyslog_pid "$rs_name")
	[ -z "$BENCH_RS_ATTACH" ] || $BENCH_RS_ATTACH "$rs_pid"
	rs_cpu0=$(bench_cpu_s "$rs_pid")
	rs_t0=$(bench_now_ns)
	{
		cat "$rs_log"
		echo "<13>Nov 20 00:00:00 mx1 benchend[1]: all sent"
	} | bench_send "$(gs_port "$rs_name")" ||
		gs_fail "sending to rsyslogd $rs_name failed"
	while [ ! -s "$GS_WORK/$rs_name.end" ]; do
		gs_rsyslog_alive "$rs_name" || gs_fail "rsyslogd $rs_name died"
		sleep 0.01
	done
	rs_t1=$(bench_now_ns)
	rs_cpu1=$(bench_cpu_s "$rs_pid")
	[ -z "$BENCH_RS_DETACH" ] || $BENCH_RS_DETACH
	gs_rsyslog_stop "$rs_name"
	case $rs_variant in
	omgreyscan | nopairs | baseline*)
		rs_pg=$(grep -c ' postgrey\[' "$rs_log")
		rs_seen=$(gs_json "$GS_WORK/$rs_name.summary.json" \
			'$j->{totals}{lines}') || rs_seen=
		[ "$rs_seen" = "$rs_pg" ] ||
			gs_fail "omgreyscan run $rs_name counted ${rs_seen:-no} messages of $rs_pg"
		;;
	esac
	# shellcheck disable=SC2034 # for the caller
	RUN_NS=$((rs_t1 - rs_t0))
	# shellcheck disable=SC2034
	RUN_CPU=$(awk -v a="$rs_cpu0" -v b="$rs_cpu1" 'BEGIN { printf "%.2f", b - a }')
}

bench_rs_check() {
	head -n "$3" "$2" >"$GS_WORK/$1.sample"
	# shellcheck disable=SC2034 # for the caller
	CHECK_PG=$(grep -c ' postgrey\[' "$GS_WORK/$1.sample")
	bench_rs_run "$1" mmcheck 1 "$GS_WORK/$1.sample"
	CHECK_UNPARSED=0
	if [ -f "$GS_WORK/$1.unparsed" ]; then
		# shellcheck disable=SC2034 # for the caller
		CHECK_UNPARSED=$(wc -l <"$GS_WORK/$1.unparsed")
	fi
}
