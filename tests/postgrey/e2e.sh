#!/bin/sh
# e2e.sh: the rsyslog module omgreyscan fed by the real postgrey
# 1.37, end to end.
#
# A private rsyslogd loads omgreyscan (interval 1 s) behind
# `if $programname == 'postgrey'`, with imuxsock on a private socket. The
# scenario of corpus.sh (tests/postgrey/scenario-1.tsv) is played
# twice: first against postgrey -d logging through /dev/log (a private mount
# namespace), then against a foreground postgrey whose standard error goes
# through logger, as under systemd. Expected counts come from postgrey's
# answers (policy-client.pl), never from greyscan.
#
# Pass: while rsyslogd runs, the summary file reaches exactly the counts of
# the first run, then exactly the sums of both runs (every group, every
# counter, totals, nothing unparsed; tests/postgrey/compare.pl), and `greyscan
# report --json` of it agrees; after shutdown the final summary still holds
# exactly the sums.
# Fail (1): any difference, or the summary does not get there within 20 s.
# Error (99): postgrey, rsyslogd, the module or greyscan cannot run (never
# a skip).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postgrey/lib.sh"

pg_init
[ -f "$GS_MODULE" ] || gs_error "module not built: $GS_MODULE"
[ -f "$GS_RULEBASE" ] || gs_error "rulebase missing: $GS_RULEBASE"

summary="$GS_WORK/summary.json"
conf="$GS_WORK/rs.conf"
{
	pg_conf_input rs
	cat <<EOF2
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$summary")
}
action(type="omfile" file="$GS_WORK/traditional.log"
	template="RSYSLOG_TraditionalFileFormat")
EOF2
} >"$conf"
gs_rsyslog_check "$conf" || gs_error "rsyslogd rejects $conf: $(cat "$GS_WORK/check.out")"
gs_rsyslog_start rs "$conf" "$PG_LOGSOCK"

# Waits until the summary's totals.actions is N, then compares it with the
# expectation TAG (gs_wait_for fails the test after the timeout).
summary_matches() {
	gs_wait_for "$GS_TIMEOUT_S" "the summary to count $1 decisions" \
		gs_json_is "$summary" '$j->{totals}{actions}' "$1"
	cp "$summary" "$GS_WORK/$2.summary.json"
	"$GS_GREYSCAN" report --json --limit 0 \
		"$GS_WORK/$2.summary.json" >"$GS_WORK/$2.report.json" ||
		gs_fail "greyscan report --json failed on the module's summary"
	pg_compare "$GS_WORK/$2.summary.json" "$2" "$GS_WORK/$2.report.json" ||
		gs_fail "$3: the module's summary differs from postgrey's answers"
}

pg_play daemon syslog
summary_matches "$(pg_expected_actions syslog)" syslog "while running, after postgrey -d"

pg_play foreground stderr
pg_sum_expect both syslog stderr
summary_matches "$(pg_expected_actions both)" both "while running, after both runs"

gs_rsyslog_stop rs
pg_compare "$summary" both || gs_fail "the summary written at shutdown differs"
gs_pass "$(pg_expected_actions both) decisions of the real postgrey counted exactly by the module, live and after shutdown"
