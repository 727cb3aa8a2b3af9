#!/bin/sh
# pairs.sh: the evidence of the greylisted mails (issue 10: pairs, waits,
# verdicts) end to end, with two real postgrey 1.37 and the rsyslog module
# in-stream, and with `greyscan scan` of the same lines.
#
# Two mail servers, each with its own postgrey (--delay 2, auto-whitelist
# after one delivery, empty whitelists; tests/postgrey/run-postgrey.sh):
# mx1's runs daemonized and logs through /dev/log (a private mount
# namespace) into the central rsyslogd "mx1" (localHostname mx1), which runs
# omgreyscan with a retry window of RETRY_WINDOW_S behind `if $programname
# == 'postgrey'` and writes the postgrey lines to a traditional-format
# mail.log; mx2's runs in the foreground, its standard error goes through
# logger into a second rsyslogd "mx2" (localHostname mx2) that forwards over
# TCP to the central one, as a second MX forwards its logs.
# tests/postgrey/pairs-driver.pl plays its scenario against both (a server
# pool that rotates /24s until a retry lands on a known one, 4 of its mails
# never passing; a botnet source that never retries; a single server that
# retries from its one address; one mail greylisted on mx1 and passed on
# mx2) and records every request's time and postgrey's answer.
# tests/postgrey/pairs-expect.pl derives from that record alone the
# expected decisions, pairs (greylisted, returned, other_network, passed,
# pending, expired, never_returned), waits and verdicts per group, and
# refuses (99) a run in which postgrey's answers, the rounding of one-second
# stamps or the verdict rule's thresholds would leave them in doubt.
#
# Pass: each of these equals the expectation: the module's summary while
# rsyslogd runs (once it counts every decision) and the one it writes at
# shutdown, and `greyscan scan RETRY_OPT RETRY_WINDOW_S` of mail.log: the
# decision counts per group, nothing else, nothing unparsed
# (tests/postgrey/compare.pl, with `greyscan report --json`), and the
# summary version 2 pair evidence: per-group hosts and pairs figures
# exactly, waits within the one-second rounding and the histogram's stated
# error, retry_window, pairs_open, pairs_evicted
# (tests/postgrey/pairs-compare.pl); and `greyscan suggest --json` of both
# summaries: per group the verdict (pool.example whitelist, bots.example
# do-not-whitelist, single.example not-needed), a reason citing the
# figures, the entry, the pair figures.
# Fail (1): any difference; every one is printed ("expected ..., got ...")
# before the test fails. Error (99): postgrey, rsyslogd, the module,
# greyscan or the scenario cannot run as intended (never a skip).
# Takes about 35 s, most of it waiting for the retry window to pass.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postgrey/lib.sh"

# The feature's names, in one place. An empty name leaves the setting out
# (only to try the rest of the test against a build without the feature:
# the pair checks then fail).
: "${GS_PAIRS_PARAM_RETRY=retryWindow}" # omgreyscan's retry window (s)
: "${GS_PAIRS_OPT_RETRY=--retry-window}" # greyscan scan's
: "${GS_PAIRS_OPT_JSON=--json}"          # greyscan suggest's JSON output
RETRY_WINDOW_S=20
DELAY_S=2 # postgrey's --delay

pg_init
[ -f "$GS_MODULE" ] || gs_error "module not built: $GS_MODULE"
[ -f "$GS_RULEBASE" ] || gs_error "rulebase missing: $GS_RULEBASE"

summary="$GS_WORK/summary.json"
maillog="$GS_WORK/mail.log"
mx2sock="$GS_WORK/mx2.sock"
empty="$GS_WORK/empty.list"
: >"$empty"
chmod 0644 "$empty"
problems=0

retry_param=
if [ -n "$GS_PAIRS_PARAM_RETRY" ]; then
	retry_param="$GS_PAIRS_PARAM_RETRY=$RETRY_WINDOW_S"
fi
# shellcheck disable=SC2086 # retry_param is empty or one word
{
	GS_RSYSLOG_GLOBAL='localHostname="mx1"' pg_conf_input mx1
	cat <<EOF
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0"
	listenPortFileName="$GS_WORK/mx1.port")
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$summary" $retry_param)
	action(type="omfile" file="$maillog"
		template="RSYSLOG_TraditionalFileFormat")
}
EOF
} >"$GS_WORK/mx1.conf"
gs_rsyslog_check "$GS_WORK/mx1.conf" ||
	gs_error "rsyslogd rejects mx1.conf: $(cat "$GS_WORK/check.out")"
gs_rsyslog_start mx1 "$GS_WORK/mx1.conf" "$PG_LOGSOCK"

{
	GS_RSYSLOG_GLOBAL='localHostname="mx2"' gs_conf_head --no-tcp --no-module mx2
	cat <<EOF
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$mx2sock" RateLimit.Interval="0")
action(type="omfwd" target="127.0.0.1" port="$(gs_port mx1)" protocol="tcp"
	template="RSYSLOG_ForwardFormat")
EOF
} >"$GS_WORK/mx2.conf"
gs_rsyslog_check "$GS_WORK/mx2.conf" ||
	gs_error "rsyslogd rejects mx2.conf: $(cat "$GS_WORK/check.out")"
gs_rsyslog_start mx2 "$GS_WORK/mx2.conf" "$mx2sock"

# Starts postgrey MODE for MX, logging to SOCKET.
postgrey_start() {
	mkdir -p "$GS_WORK/$2.pg"
	gs_cleanup_add "sh '$PG_DIR/run-postgrey.sh' stop '$GS_WORK/$2.pg'"
	sh "$PG_DIR/run-postgrey.sh" start "$1" "$GS_WORK/$2.pg" "$3" \
		"$empty" "$empty" "$DELAY_S" || gs_error "postgrey for $2 did not start"
}
postgrey_start daemon mx1 "$PG_LOGSOCK"
postgrey_start foreground mx2 "$mx2sock"

"$PERL" "$PG_DIR/pairs-driver.pl" --delay "$DELAY_S" \
	--mx "mx1=$GS_WORK/mx1.pg/policy.sock" \
	--mx "mx2=$GS_WORK/mx2.pg/policy.sock" --record "$GS_WORK/record.tsv" ||
	gs_error "the scenario did not play as intended against postgrey"
for mx in mx1 mx2; do
	sh "$PG_DIR/run-postgrey.sh" stop "$GS_WORK/$mx.pg" ||
		gs_error "postgrey for $mx did not stop"
done

"$PERL" "$PG_DIR/pairs-expect.pl" --record "$GS_WORK/record.tsv" \
	--retry-window "$RETRY_WINDOW_S" --expect "$GS_WORK/pairs.json" \
	--counts "$GS_WORK/pairs.expect" >"$GS_WORK/pairs.table" ||
	gs_error "no expectation from the record (see above)"
cat "$GS_WORK/pairs.table" >&2
actions=$(gs_json "$GS_WORK/pairs.json" '$j->{actions}') ||
	gs_error "pairs.json unreadable"

# Checks summary FILE, copied to NAME.summary.json, and counts the problems
# (the helpers' variables start with ps_: tests/lib.sh's use other _names).
check_summary() {
	ps_sum="$GS_WORK/$2.summary.json"
	cp "$1" "$ps_sum" || gs_error "cannot copy $1"
	if ! "$GS_GREYSCAN" report --json --limit 0 "$ps_sum" >"$GS_WORK/$2.report.json"; then
		gs_note "$2: greyscan report --json failed"
		problems=$((problems + 1))
	elif ! pg_compare "$ps_sum" pairs "$GS_WORK/$2.report.json"; then
		problems=$((problems + 1))
	fi
	"$PERL" "$PG_DIR/pairs-compare.pl" --expect "$GS_WORK/pairs.json" \
		--summary "$ps_sum" --label "$(basename "$0") $2" ||
		problems=$((problems + 1))
}

# Checks `greyscan suggest --json` of NAME.summary.json (no whitelist, no
# ignore file: every group is a candidate).
check_suggest() {
	ps_out="$GS_WORK/$1.suggest.json"
	# shellcheck disable=SC2086 # the option is one word (or empty)
	if ! "$GS_GREYSCAN" suggest $GS_PAIRS_OPT_JSON --whitelist "$empty" \
		--ignore "$empty" "$GS_WORK/$1.summary.json" >"$ps_out" \
		2>"$GS_WORK/$1.suggest.err"; then
		gs_note "$1: greyscan suggest $GS_PAIRS_OPT_JSON failed: $(cat "$GS_WORK/$1.suggest.err")"
		problems=$((problems + 1))
		return
	fi
	"$PERL" "$PG_DIR/pairs-compare.pl" --expect "$GS_WORK/pairs.json" \
		--suggest "$ps_out" --label "$(basename "$0") $1 suggest" ||
		problems=$((problems + 1))
}

gs_wait_for "$GS_TIMEOUT_S" "the module's summary to count $actions decisions" \
	gs_json_is "$summary" '$j->{totals}{actions}' "$actions"
check_summary "$summary" live
gs_rsyslog_stop mx2
gs_rsyslog_stop mx1
check_summary "$summary" module
check_suggest module

# shellcheck disable=SC2086 # the option is empty or one word
if "$GS_GREYSCAN" scan -o "$GS_WORK/scan.out.json" --no-report \
	--rulebase "$GS_RULEBASE" ${GS_PAIRS_OPT_RETRY:+$GS_PAIRS_OPT_RETRY "$RETRY_WINDOW_S"} \
	"$maillog"; then
	check_summary "$GS_WORK/scan.out.json" scan
	check_suggest scan
else
	gs_note "greyscan scan $GS_PAIRS_OPT_RETRY $RETRY_WINDOW_S failed"
	problems=$((problems + 1))
fi

[ "$problems" = 0 ] ||
	gs_fail "$problems checks differ from the expectation" \
		"(above: expected, got); record and outputs in $GS_WORK"
gs_pass "$actions decisions of two real postgreys: pairs, waits and" \
	"verdicts as expected, in-stream (live and at shutdown) and by greyscan scan"
