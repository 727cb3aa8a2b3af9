#!/bin/sh
# corpus.sh: greyscan against the unmodified log lines of the real
# postgrey 1.37, taken the syslog way.
#
# postgrey runs daemonized (-d), as Debian's init script starts it, so it
# logs to /dev/log only; run-postgrey.sh gives it a private mount namespace
# whose /dev/log is a private rsyslogd's imuxsock socket. That rsyslogd (no
# greyscan module) writes every message twice: in the traditional format
# and in RSYSLOG_FileFormat. policy-client.pl plays
# tests/postgrey/scenario-1.tsv (server pools over several /24s and /64s,
# early retries, delayed passes, AWL, client and recipient whitelists,
# unknown and IPv6 clients, a null sender, ", " and % and UTF-8 in values, a
# queue id, a DATA-stage request, requests postgrey refuses) and derives the
# expected counts per group from postgrey's answers.
#
# Pass: for each of the two files, `greyscan scan` + `greyscan report
# --json` give exactly the expected new, early_retry, delayed, passed,
# whitelisted, recipient_whitelisted and awl per group, no other group and
# nothing unparsed (tests/postgrey/compare.pl); and the captured lines
# contain every kind of postgrey line the scenario is meant to produce.
# Fail (1): any difference. Error (99): postgrey, rsyslogd, unshare or
# greyscan cannot run (never a skip).
#
# GS_WRITE_CORPUS=DIR additionally saves the captured postgrey lines and
# the expectation as DIR/corpus-1.37.log and DIR/corpus-1.37.expect (how
# tests/data/postgrey/ was made).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/postgrey/lib.sh"

pg_init

conf="$GS_WORK/rs.conf"
{
	pg_conf_input --no-module rs
	cat <<EOF
action(type="omfile" file="$GS_WORK/traditional.log"
	template="RSYSLOG_TraditionalFileFormat")
action(type="omfile" file="$GS_WORK/fileformat.log"
	template="RSYSLOG_FileFormat")
EOF
} >"$conf"
gs_rsyslog_check "$conf" || gs_error "rsyslogd rejects $conf: $(cat "$GS_WORK/check.out")"
gs_rsyslog_start rs "$conf" "$PG_LOGSOCK"

pg_play daemon syslog
gs_rsyslog_stop rs

# The scenario must have produced each kind of line it is there for: if
# postgrey answered differently, the comparison alone would not notice.
for want in 'Process Backgrounded' 'starting! pid(' 'reason=new,' \
	'reason=early-retry (' 'reason=triplet found, delay=' \
	'reason=triplet found, client_name=' 'reason=client whitelist,' \
	'reason=recipient whitelist,' 'reason=client AWL,' \
	'whitelisted: mail.smallbiz.example[192.0.2.10]' \
	'whitelisted: mail-wr1-x55.google.com[2001:DB8:4860:1:0:0:0:55]' \
	': 4373477A3B: action=greylist' 'sender="smith, john%%x"@weird.example' \
	'client_name=unknown, client_address=2001:db8:dead:beef::1,' \
	'client_address=203.0.113.40, recipient=' \
	'WARNING: attribute missing: client_name' 'ignoring garbage: <' \
	"unrecognized request type: 'junk_policy'" 'Server closing!'; do
	grep -qF -- "$want" "$GS_WORK/traditional.log" ||
		gs_fail "no postgrey line with '$want' was captured"
done
grep -q 'client_address=192\.0\.2\.77, sender=news@data\.example$' \
	"$GS_WORK/traditional.log" || gs_fail "no decision without recipient= was captured"
grep -qF 'sender=jürgen@bücher.example, recipient=müller@example.net' \
	"$GS_WORK/traditional.log" || gs_fail "UTF-8 did not arrive unchanged"

if [ -n "${GS_WRITE_CORPUS:-}" ]; then
	grep -F ' postgrey[' "$GS_WORK/traditional.log" \
		>"$GS_WRITE_CORPUS/corpus-1.37.log"
	cp "$GS_WORK/syslog.expect" "$GS_WRITE_CORPUS/corpus-1.37.expect"
	gs_note "corpus written to $GS_WRITE_CORPUS"
fi

pg_scan_check "$GS_WORK/traditional.log" syslog traditional
pg_scan_check "$GS_WORK/fileformat.log" syslog fileformat

gs_pass "$(pg_expected_actions syslog) decisions of the real postgrey counted exactly, both formats"
