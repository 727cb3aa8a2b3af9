#!/bin/sh
# conf.sh: the shipped rsyslog configuration files are valid, and
# the single-server one works.
#
# Each file under conf/rsyslog/ is checked with `rsyslogd -N1` after the
# substitutions a test needs (module path and rulebase of the build tree,
# /var/lib/greyscan -> a private directory); the snippets are preceded by
# a minimal global() block. Then 50-greyscan.conf (interval 60 -> 1) runs in
# a private rsyslogd and receives a mix of postgrey lines plus lines of
# another program, which it must not count.
# Pass/fail: every -N1 run exits 0 and prints no error or warning; the
# running 50-greyscan.conf counts the postgrey lines exactly (while running
# and after SIGTERM) and writes the summary with mode 0640 and the group of
# its set-group-ID directory (nagios, as the package sets it up), since the
# snippet names no group.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

dir=$top_srcdir/conf/rsyslog
data=$GS_WORK/lib
# As rsyslog-greyscan's postinst makes /var/lib/greyscan.
install -d -m 2750 -o root -g nagios "$data" || gs_error "cannot make $data for group nagios"
substitute() { # file
	sed -e "s|module(load=\"omgreyscan\")|module(load=\"$GS_MODULE\")|" \
		-e "s|type=\"omgreyscan\"|type=\"omgreyscan\" ruleBase=\"$GS_RULEBASE\"|" \
		-e "s|/var/lib/greyscan|$data|" \
		-e 's|interval="60"|interval="1"|' "$1"
}

for f in 50-greyscan.conf forwarding/sender-tcp.conf \
	forwarding/sender-relp.conf forwarding/central.conf; do
	[ -f "$dir/$f" ] || gs_fail "missing $dir/$f"
	{
		gs_conf_head --no-tcp --no-module check
		substitute "$dir/$f"
	} >"$GS_WORK/check.conf"
	gs_rsyslog_check "$GS_WORK/check.conf" ||
		gs_fail "$f: rsyslogd -N1 failed: $(cat "$GS_WORK/check.out")"
	grep -vi 'version\|End of config' "$GS_WORK/check.out" |
		grep -qi 'error\|warn' &&
		gs_fail "$f: rsyslogd -N1 complains: $(cat "$GS_WORK/check.out")"
done

sum=$data/summary.json
{
	gs_conf_head --no-module rs
	substitute "$dir/50-greyscan.conf"
} >"$GS_WORK/rs.conf"
gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" 500 "mail"
for i in 1 2 3; do
	gs_syslog_line mail 'postfix/smtpd[77]:' "NOQUEUE: reject: RCPT $i"
done >>"$GS_WORK/lines"
gs_rsyslog_start rs "$GS_WORK/rs.conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
gs_wait_for "$GS_TIMEOUT_S" "the postgrey lines counted" \
	gs_check_summary "$sum" "$GS_WORK/expect" quiet
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/expect" || gs_fail "after shutdown"
perm=$(stat -c '%a %U %G' "$sum")
[ "$perm" = "640 root nagios" ] ||
	gs_fail "summary is '$perm', not '640 root nagios'"
gs_pass
