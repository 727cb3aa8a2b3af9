# tests/postgrey/lib.sh: helpers the postgrey tests beside it share
# (corpus.sh, stderr.sh, e2e.sh), on top of tests/lib.sh (private work dir,
# cleanup trap, private rsyslogd).
#
# A test plays tests/postgrey/scenario-1.tsv against the real postgrey
# (tests/postgrey/run-postgrey.sh), whose unmodified log lines reach a
# private rsyslogd through its imuxsock socket; policy-client.pl writes the
# expectation from postgrey's answers; compare.pl checks greyscan's summary
# against it.
#
#   pg_init                 gs_init, then checks root, unshare, logger and the
#                           postgrey user; sets PG_DIR (the scenario's folder),
#                           PG_LOGSOCK and PG_GREYSCAN.
#   pg_conf_input NAME      Prints the start of a config: gs_conf_head without
#                           imtcp, plus imuxsock on $PG_LOGSOCK (no rate
#                           limit). Options before NAME as for gs_conf_head.
#   pg_play MODE TAG        Starts postgrey (MODE daemon or foreground) with
#                           its own dir $GS_WORK/TAG.pg, plays the scenario,
#                           writes $GS_WORK/TAG.expect (and TAG.answers), stops
#                           postgrey again. rsyslogd must be running.
#   pg_scan_check LOG TAG OUT
#                           Runs `greyscan scan -o OUT.summary.json
#                           --no-report --rulebase $GS_RULEBASE LOG` and
#                           `greyscan report --json --limit 0`
#                           (OUT.report.json), and compares both with
#                           TAG.expect. Fails the test on any difference.
#   pg_sum_expect OUT TAG...
#                           Writes OUT.expect, the per-group sums of the
#                           TAG.expect files (two runs into one summary).
#   pg_compare SUMMARY TAG [REPORT]
#                           compare.pl of SUMMARY (and REPORT) against
#                           TAG.expect; returns its status (no failing).
#   pg_expected_actions TAG Prints the number of decisions TAG.expect holds.

PG_DELAY_S=3
: "${POSTGREY:=/usr/sbin/postgrey}"
export POSTGREY

pg_init() {
	gs_init
	[ "$(id -u)" = 0 ] || gs_error "must run as root (mount namespace, postgrey's user)"
	[ -x "$POSTGREY" ] || gs_error "postgrey not found (POSTGREY='$POSTGREY')"
	command -v unshare >/dev/null || gs_error "unshare (util-linux) missing"
	command -v logger >/dev/null || gs_error "logger (bsdutils) missing"
	id postgrey >/dev/null 2>&1 || gs_error "user postgrey missing (install postgrey)"
	PG_DIR="$top_srcdir/tests/postgrey"
	PG_LOGSOCK="$GS_WORK/log.sock"
	PG_GREYSCAN="$GS_GREYSCAN"
	[ -x "$PG_GREYSCAN" ] || gs_error "greyscan not built: $PG_GREYSCAN"
	# postgrey runs as its own user below the work dir.
	chmod 0711 "$GS_WORK"
}

pg_conf_input() {
	gs_conf_head --no-tcp "$@"
	cat <<EOF
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$PG_LOGSOCK" RateLimit.Interval="0")
EOF
}

pg_play() {
	_mode=$1
	_tag=$2
	_pgdir="$GS_WORK/$_tag.pg"
	mkdir -p "$_pgdir"
	gs_cleanup_add "sh '$PG_DIR/run-postgrey.sh' stop '$_pgdir'"
	sh "$PG_DIR/run-postgrey.sh" start "$_mode" "$_pgdir" "$PG_LOGSOCK" \
		"$PG_DIR/whitelist-clients" "$PG_DIR/whitelist-recipients" \
		"$PG_DELAY_S" || gs_error "postgrey ($_mode) did not start"
	"$PERL" "$PG_DIR/policy-client.pl" --socket "$_pgdir/policy.sock" \
		--scenario "$PG_DIR/scenario-1.tsv" --delay "$PG_DELAY_S" \
		--expect "$GS_WORK/$_tag.expect" \
		--answers "$GS_WORK/$_tag.answers" ||
		gs_error "the policy client failed against postgrey ($_mode)"
	sh "$PG_DIR/run-postgrey.sh" stop "$_pgdir" ||
		gs_error "postgrey ($_mode) did not stop"
}

pg_expected_actions() {
	awk -F '\t' '{ for (i = 2; i <= NF; i++) n += $i } END { print n + 0 }' \
		"$GS_WORK/$1.expect"
}

pg_compare() {
	_sum=$1
	_tag=$2
	_rep=${3:-}
	set -- --expect "$GS_WORK/$_tag.expect" --summary "$_sum" \
		--label "$(basename "$0") $_tag"
	[ -n "$_rep" ] && set -- "$@" --report "$_rep"
	"$PERL" "$PG_DIR/compare.pl" "$@"
}

pg_scan_check() {
	_log=$1
	_tag=$2
	_out=$3
	[ -s "$_log" ] || gs_fail "$_out: nothing was logged to $_log"
	grep -q 'postgrey\[[0-9]*\]: action=' "$_log" ||
		gs_fail "$_out: no postgrey decision reached $_log"
	"$PG_GREYSCAN" scan -o "$GS_WORK/$_out.summary.json" --no-report \
		--rulebase "$GS_RULEBASE" "$_log" ||
		gs_fail "$_out: greyscan scan failed"
	"$PG_GREYSCAN" report --json --limit 0 "$GS_WORK/$_out.summary.json" \
		>"$GS_WORK/$_out.report.json" ||
		gs_fail "$_out: greyscan report --json failed"
	pg_compare "$GS_WORK/$_out.summary.json" "$_tag" \
		"$GS_WORK/$_out.report.json" ||
		gs_fail "$_out: greyscan's counts differ from postgrey's answers"
}

pg_sum_expect() {
	_out=$1
	shift
	for _t in "$@"; do
		cat "$GS_WORK/$_t.expect"
	done | awk -F '\t' -v OFS='\t' '
		!($1 in n) { order[++k] = $1; n[$1] = 1 }
		{ for (i = 2; i <= NF; i++) c[$1, i] += $i; w = NF }
		END {
			for (j = 1; j <= k; j++) {
				line = order[j]
				for (i = 2; i <= w; i++) line = line OFS c[order[j], i]
				print line
			}
		}' >"$GS_WORK/$_out.expect"
}
