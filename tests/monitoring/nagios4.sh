#!/bin/sh
# Validates conf/nagios/greyscan-command.cfg (the command, which the package
# installs in /etc/nagios-plugins/config) and conf/nagios/greyscan.cfg (the
# service example) with the real `nagios4 -v` on a private minimal
# nagios.cfg (every path inside a temporary directory, the current user as
# nagios_user) that includes copies of the shipped files plus the
# objects Nagios needs: a 24x7 timeperiod, a contact and the "admins"
# contact group, a notification and a host check command, and one host in
# the hostgroup postgrey-servers.
# Pass when:
#   - the verification exits 0 with no warnings and no errors and has
#     checked exactly one service (the shipped one, applied through the
#     hostgroup), four commands (check_greyscan, check_greyscan_pairs and
#     the two of this test) and one host group;
#   - three broken copies (an undefined command in check_command, a missing
#     closing brace, a service template that names a missing contact group)
#     each make the verification fail, which proves it reads the file;
#   - end to end: a private `nagios4` daemon runs the shipped service with
#     $USER1$ pointing at the built plugin (the copy only appends the
#     paths of a version 2 fixture to $ARG7$): status.dat shows the check
#     ran check_greyscan_pairs with 0, 9, 4h, 1d, 10, 100 and -a 7200, its
#     WARNING state (1) from the candidate to whitelist, the wait and the
#     mails that never passed, the first line naming all three, and the
#     perfdata with the wait and never-passed thresholds.
# Fail: 1 with the failing step and Nagios' output; 99 when nagios4 or the
# plugin is missing (never a skip).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${NAGIOS4:=nagios4}"
. "$top_srcdir/tests/monitoring/lib.sh"
mon_init nagios4 "$NAGIOS4"
SHIPPED=$top_srcdir/conf/nagios/greyscan.cfg
COMMAND=$top_srcdir/conf/nagios/greyscan-command.cfg
DATA=$top_srcdir/tests/data/check

# A private Nagios tree in DIR around the greyscan.cfg given.
setup_tree() { # DIR GREYSCAN_CFG USER1
	mkdir -p "$1/spool" "$1/tmp" || exit 99
	cp "$2" "$1/greyscan.cfg" || exit 99
	cp "$COMMAND" "$1/greyscan-command.cfg" || exit 99
	printf '$USER1$=%s\n' "$3" >"$1/resource.cfg"
	cat >"$1/objects.cfg" <<'END_OF_OBJECTS'
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    notify-none
    command_line    /bin/true
}
define command {
    command_name    check-host-alive
    command_line    /bin/true
}
define contact {
    contact_name                    admin
    alias                           admin
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      notify-none
    service_notification_commands   notify-none
}
define contactgroup {
    contactgroup_name   admins
    alias               admins
    members             admin
}
define host {
    host_name               mx1.example.org
    address                 127.0.0.1
    hostgroups              postgrey-servers
    check_command           check-host-alive
    max_check_attempts      1
    check_period            24x7
    notification_period     24x7
    contact_groups          admins
}
END_OF_OBJECTS
	cat >"$1/nagios.cfg" <<END_OF_MAIN
log_file=$1/nagios.log
cfg_file=$1/objects.cfg
cfg_file=$1/greyscan-command.cfg
cfg_file=$1/greyscan.cfg
resource_file=$1/resource.cfg
status_file=$1/status.dat
status_update_interval=1
object_cache_file=$1/objects.cache
precached_object_file=$1/objects.precache
temp_file=$1/nagios.tmp
temp_path=$1/tmp
lock_file=$1/nagios.pid
query_socket=$1/nagios.qh
check_result_path=$1/spool
check_result_reaper_frequency=1
state_retention_file=$1/retention.dat
retain_state_information=0
command_file=$1/nagios.cmd
check_external_commands=0
use_syslog=0
service_inter_check_delay_method=n
host_inter_check_delay_method=n
nagios_user=$(id -un)
nagios_group=$(id -gn)
illegal_macro_output_chars=\`~\$&|'"<>
END_OF_MAIN
}

verify() { # DIR: 0 when nagios4 -v accepts DIR/nagios.cfg
	"$NAGIOS4" -v "$1/nagios.cfg" >"$WORK/out" 2>&1
}

# --- the shipped file
T=$WORK/good
setup_tree "$T" "$SHIPPED" /usr/lib/nagios/plugins
verify "$T" || fail "nagios4 -v rejects the shipped configuration"
grep -q '^Total Warnings: 0$' "$WORK/out" || fail "nagios4 -v warns"
grep -q '^Total Errors: *0$' "$WORK/out" || fail "nagios4 -v reports errors"
grep -q 'Checked 1 services\.' "$WORK/out" ||
	fail "the hostgroup service must give exactly one service"
grep -q 'Checked 4 commands\.' "$WORK/out" ||
	fail "check_greyscan and check_greyscan_pairs not both defined"
grep -q 'Checked 1 host groups\.' "$WORK/out" || fail "hostgroup not defined"

# --- broken copies must fail
broken() { # WHAT SED_EXPR
	B=$WORK/broken
	rm -rf "$B"
	sed "$2" "$SHIPPED" >"$WORK/broken.cfg" || exit 99
	cmp -s "$WORK/broken.cfg" "$SHIPPED" &&
		{ echo "ERROR: could not break greyscan.cfg for '$1'" >&2; exit 99; }
	setup_tree "$B" "$WORK/broken.cfg" /usr/lib/nagios/plugins
	verify "$B" && fail "nagios4 -v accepted a broken copy: $1"
	return 0
}
broken "undefined command" 's/check_command           check_greyscan_pairs!/check_command           check_greyscn!/'
broken "missing brace" '0,/^}$/s/^}$//'
broken "missing contact group" 's/contact_groups          admins/contact_groups          nobody/'

# --- end to end: Nagios runs the plugin through the shipped command
E=$WORK/run
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sed -e "s/@NOW@/$now/g" -e "s/@WEEK_AGO@/$now/g" "$DATA/pairs.json.in" \
	>"$WORK/summary.json" || exit 99
sed "s#check_greyscan_pairs!0!9!4h!1d!10!100!-a 7200\$#check_greyscan_pairs!0!9!4h!1d!10!100!-a 7200 -s $WORK/summary.json -W $DATA/whitelist_clients -i $DATA/ignore#" \
	"$SHIPPED" >"$WORK/run.cfg" || exit 99
cmp -s "$WORK/run.cfg" "$SHIPPED" && {
	echo "ERROR: the shipped service's check_command changed; adapt this test" >&2
	exit 99
}
setup_tree "$E" "$WORK/run.cfg" "$(cd "$(dirname "$PLUGIN")" && pwd)"
setsid "$NAGIOS4" "$E/nagios.cfg" >"$E/daemon.out" 2>&1 &
DAEMON_PID=$!
# the service block of status.dat once the check has run
service_status() {
	sed -n '/^servicestatus {/,/^}/p' "$E/status.dat" 2>/dev/null
}
i=0
until service_status | grep -q 'has_been_checked=1'; do
	i=$((i + 1))
	if [ "$i" -gt 300 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
		cat "$E/daemon.out" "$E/nagios.log" >"$WORK/out" 2>/dev/null
		fail "nagios4 ran no check within 30 s"
	fi
	sleep 0.1
done
service_status >"$WORK/out"
stop_daemon
grep -q "check_command=check_greyscan_pairs!0!9!4h!1d!10!100!-a 7200 " "$WORK/out" ||
	fail "status.dat shows another check command"
grep -q '^	current_state=1$' "$WORK/out" ||
	fail "the check is not WARNING (2 candidates, -w 0 -c 9; p90 9h30m over 4h; 29 never passed, over 10)"
grep -q '^	plugin_output=GREYSCAN WARNING - 2 senders greylisted 15+ times to whitelist or ignore: pool.example (520), fresh.example (30)\. Mail waits over 4h00m at p90 from 1 domain, worst pool.example (9h30m)\. More than 10 mails never passed from 1 domain, worst pool.example (29)$' "$WORK/out" ||
	fail "plugin output not recorded"
grep -q "^	performance_data='candidates'=2;0;9;0; 'new'=1330c;;;0; 'delayed'=643c;;;0; 'domains'=8;;;0; 'age'=[0-9]*s;;;0; 'worst_wait_p90'=34200s;14400;86400;0; 'never_passed'=29;10;100;0;\$" "$WORK/out" ||
	fail "perfdata not recorded as expected"
grep -q '^	long_plugin_output=pool.example: 520 greylisted' "$WORK/out" ||
	fail "long output not recorded"

echo "PASS: conf/nagios validates and runs with $("$NAGIOS4" --version 2>/dev/null | grep -m1 'Nagios Core')"
exit 0
