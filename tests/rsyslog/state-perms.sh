#!/bin/sh
# state-perms.sh: the state file is private to rsyslogd (mode 0600,
# its owner and group unchanged) whatever fileCreateMode, fileOwner and
# fileGroup set for the summary: it holds the whole tally, unparsed-line
# samples included, and only rsyslogd reads it back.
#
# Runs as root. The action has fileGroup="nogroup" fileCreateMode="0644".
# Pass/fail, checked with stat -c '%a %U:%G':
#  1. while rsyslogd runs, the summary is "644 root:nogroup" and the state
#     "600 root:root";
#  2. the state left by that run is made "644 root:nogroup" (as an older
#     greyscan wrote it), rsyslogd is started again and a message is sent:
#     the count is restored (the file was read, not set aside) and the state
#     written by this run is "600 root:root" again, while running and after
#     shutdown; the summary stays "644 root:nogroup".
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

[ "$(id -u)" = 0 ] || gs_error "must run as root (fileGroup needs chown)"
getent group nogroup >/dev/null || gs_error "no group 'nogroup'"

sum=$GS_SUMMARY_FILE
state=$sum.state
seen=$GS_WORK/seen.log
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF
template(name="msgonly" type="string" string="%msg%\n")
if \$programname == 'postgrey' then {
	$(gs_action fileGroup=nogroup fileCreateMode=0644)
	action(type="omfile" file="$seen" template="msgonly")
}
EOF
} >"$conf"

perms() {
	stat -c '%a %U:%G' "$1"
}

expect_perms() { # file, expected, when
	_got=$(perms "$1") || gs_fail "$3: cannot stat $1"
	[ "$_got" = "$2" ] ||
		gs_fail "$3: $(basename "$1") is '$_got', expected '$2'"
}

send_one() { # n
	gs_syslog_line mx1 'postgrey[4242]:' "$(gs_pg_action "$1" greylist new \
		mail-1.outbound.example.com 192.0.2.1)" >"$GS_WORK/line$1"
	gs_send_tcp "$(gs_port rs)" "$GS_WORK/line$1"
	gs_wait_for "$GS_TIMEOUT_S" "line $1 seen" gs_has_lines "$seen" "$1"
}

# 1. First run.
gs_rsyslog_start rs "$conf" "$sum" "$state"
send_one 1
gs_wait_for "$GS_TIMEOUT_S" "the first line in the summary" \
	gs_json_is "$sum" '$j->{totals}{actions}' 1
expect_perms "$sum" "644 root:nogroup" "first run"
expect_perms "$state" "600 root:root" "first run"
gs_rsyslog_stop rs
expect_perms "$state" "600 root:root" "after the first run"

# 2. A state file with the summary's permissions, as before; restart.
chgrp nogroup "$state" && chmod 0644 "$state" ||
	gs_error "cannot change $state"
expect_perms "$state" "644 root:nogroup" "prepared"
gs_rsyslog_start rs "$conf" "$sum"
send_one 2
gs_wait_for "$GS_TIMEOUT_S" "the restored and the new line in the summary" \
	gs_json_is "$sum" '$j->{totals}{actions}' 2
[ -e "$state.corrupt" ] && gs_fail "the state file was set aside as corrupt"
# The state after the restart's writes: every interval (1 s) rewrites it.
gs_wait_for "$GS_TIMEOUT_S" "the state to be rewritten" \
	test "$(perms "$state")" != "644 root:nogroup"
expect_perms "$state" "600 root:root" "second run"
expect_perms "$sum" "644 root:nogroup" "second run"
gs_rsyslog_stop rs
expect_perms "$state" "600 root:root" "after the second run"
expect_perms "$sum" "644 root:nogroup" "after the second run"

gs_pass
