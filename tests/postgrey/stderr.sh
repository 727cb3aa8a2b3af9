#!/bin/sh
# stderr.sh: greyscan against the unmodified log lines of the real
# postgrey 1.37, taken the standard error way.
#
# postgrey runs in the foreground (no -d), as Debian 12's systemd unit
# starts it: it writes its messages without timestamp or tag to standard
# error, which run-postgrey.sh pipes into `logger -t postgrey --id=PID`
# towards a private plain rsyslogd (imuxsock), standing in for journald. The
# lines are written in the traditional format and in RSYSLOG_FileFormat.
# The scenario and the expectation are those of corpus.sh
# (tests/postgrey/scenario-1.tsv, counts derived from postgrey's answers).
#
# Pass: for each of the two files, `greyscan scan` + `greyscan report
# --json` give exactly the expected counts per group, no other group and
# nothing unparsed (tests/postgrey/compare.pl), and the lines arrived
# tagged postgrey[PID] with postgrey's own PID.
# Fail (1): any difference. Error (99): postgrey, logger, rsyslogd or
# greyscan cannot run (never a skip).
#
# GS_WRITE_CORPUS=DIR additionally saves the captured postgrey lines and
# the expectation as DIR/corpus-1.37-stderr.log and .expect. On this path
# postgrey's lines differ from the syslog path's: warnings have no
# "WARNING: " prefix, and Net::Server writes bytes outside printable ASCII
# as %XX (UTF-8 addresses).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postgrey/lib.sh"

pg_init

conf="$GS_WORK/rs.conf"
{
	pg_conf_input --no-module rs
	cat <<EOF2
action(type="omfile" file="$GS_WORK/traditional.log"
	template="RSYSLOG_TraditionalFileFormat")
action(type="omfile" file="$GS_WORK/fileformat.log"
	template="RSYSLOG_FileFormat")
EOF2
} >"$conf"
gs_rsyslog_check "$conf" || gs_error "rsyslogd rejects $conf: $(cat "$GS_WORK/check.out")"
gs_rsyslog_start rs "$conf" "$PG_LOGSOCK"

pg_play foreground stderr
gs_rsyslog_stop rs

pid=$(sed -n 's/.*postgrey (type Net::Server::Multiplex) starting! pid(\([0-9]*\)).*/\1/p' \
	"$GS_WORK/traditional.log")
[ -n "$pid" ] || gs_fail "postgrey's start-up line did not arrive"
grep -q " postgrey\[$pid\]: action=greylist, reason=new, " "$GS_WORK/traditional.log" ||
	gs_fail "decisions did not arrive tagged postgrey[$pid]"
grep -qF 'reason=early-retry (' "$GS_WORK/traditional.log" ||
	gs_fail "no early retry was logged"

if [ -n "${GS_WRITE_CORPUS:-}" ]; then
	grep -F ' postgrey[' "$GS_WORK/traditional.log" \
		>"$GS_WRITE_CORPUS/corpus-1.37-stderr.log"
	cp "$GS_WORK/stderr.expect" "$GS_WRITE_CORPUS/corpus-1.37-stderr.expect"
	gs_note "corpus written to $GS_WRITE_CORPUS"
fi

pg_scan_check "$GS_WORK/traditional.log" stderr traditional
pg_scan_check "$GS_WORK/fileformat.log" stderr fileformat
gs_pass "$(pg_expected_actions stderr) decisions from postgrey's standard error counted exactly, both formats"
