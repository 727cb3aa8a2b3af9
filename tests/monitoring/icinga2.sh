#!/bin/sh
# Validates conf/icinga2/greyscan-command.conf and greyscan-service.conf with
# the real `icinga2 daemon -C` on a private minimal configuration (consts
# PluginDir and PluginContribDir, include <itl> and <plugins>, two hosts, copies of the shipped
# files). Icinga's cache, data, log, spool, run and zones directories and its
# user are overridden with --define, so nothing under /etc/icinga2 or
# /var/*/icinga2 is read or written.
# Pass when:
#   - the validation exits 0 without warnings and instantiates exactly one
#     Service, which `icinga2 object list` shows as mx1.example.org!greyscan
#     with check_command "greyscan" and the host's summary path;
#   - every option the CheckCommand passes is one check_greyscan knows;
#   - three broken copies (a syntax error, an unknown check command, a
#     misspelt attribute) each make the validation fail, which proves the
#     validation sees the shipped files;
#   - end to end: a private `icinga2 daemon` (no API; a checker and a
#     perfdata writer only) runs the built plugin through the shipped
#     CheckCommand on a fixture summary (PluginContribDir names the plugin's
#     directory, PluginDir another one): the command line it logs has both
#     --whitelist values (repeat_key), --stale-critical (set_if true) and no
#     --exclude-dynamic or --verbose (set_if false), the wait and
#     never-passed thresholds, the check of a version 2 fixture exits 2
#     (CRITICAL by --wait-critical; the -c range is not reached), and
#     Icinga's PerfdataWriter records the parsed perfdata, worst_wait_p90
#     and never_passed with their thresholds, without "invalid perfdata"
#     complaints.
# Fail: 1 with the failing step and Icinga's output; 99 when icinga2 or the
# plugin is missing (never a skip).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
: "${ICINGA2:=icinga2}"
. "$top_srcdir/tests/monitoring/lib.sh"
mon_init icinga2 "$ICINGA2"
CONF=$top_srcdir/conf/icinga2

# A private tree: the shipped files are copied so that broken variants can
# be made beside them.
setup_tree() { # DIR COMMAND_FILE SERVICE_FILE
	mkdir -p "$1/cache" "$1/data" "$1/log" "$1/spool" "$1/run" \
		"$1/zones.d" || exit 99
	cp "$2" "$1/greyscan-command.conf" || exit 99
	cp "$3" "$1/greyscan-service.conf" || exit 99
	cat >"$1/main.conf" <<'EOF'
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include "greyscan-command.conf"
include "greyscan-service.conf"

object Host "mx1.example.org" {
	check_command = "dummy"
	address = "192.0.2.25"
	vars.postgrey = true
	vars.greyscan_summary = "/srv/greyscan/summary.json"
}

object Host "www.example.org" {
	check_command = "dummy"
	address = "192.0.2.80"
}
EOF
}

icinga() { # DIR ARG...: icinga2 with every directory inside DIR
	_d=$1
	shift
	"$ICINGA2" "$@" \
		--define "Configuration.CacheDir=$_d/cache" \
		--define "Configuration.DataDir=$_d/data" \
		--define "Configuration.LogDir=$_d/log" \
		--define "Configuration.SpoolDir=$_d/spool" \
		--define "Configuration.InitRunDir=$_d/run" \
		--define "Configuration.ZonesDir=$_d/zones.d" \
		--define "Configuration.RunAsUser=$(id -un)" \
		--define "Configuration.RunAsGroup=$(id -gn)"
}

validate() { # DIR: 0 when icinga2 accepts DIR/main.conf
	icinga "$1" daemon -C -c "$1/main.conf" >"$WORK/out" 2>&1
}

# --- the shipped files
T=$WORK/good
setup_tree "$T" "$CONF/greyscan-command.conf" "$CONF/greyscan-service.conf"
validate "$T" || fail "icinga2 rejects the shipped configuration"
grep -q 'Instantiated 1 Service\.' "$WORK/out" ||
	fail "the apply rule must create exactly one Service"
grep -Eq '(warning|critical)/' "$WORK/out" &&
	fail "icinga2 warns about the shipped configuration"
icinga "$T" object list --type Service >"$WORK/out" 2>&1 ||
	fail "icinga2 object list failed"
grep -q "^Object 'mx1.example.org!greyscan' of type 'Service'" "$WORK/out" ||
	fail "service mx1.example.org!greyscan missing"
grep -q "www.example.org!greyscan" "$WORK/out" &&
	fail "the service was applied to a host without vars.postgrey"
grep -q '\* check_command = "greyscan"' "$WORK/out" ||
	fail "the service does not use the greyscan CheckCommand"
grep -q '\* greyscan_summary = "/srv/greyscan/summary.json"' "$WORK/out" ||
	fail "the host's summary path is not copied into the service"
icinga "$T" object list --type CheckCommand --name greyscan >"$WORK/out" 2>&1 ||
	fail "icinga2 object list --type CheckCommand failed"
grep -q "^Object 'greyscan' of type 'CheckCommand'" "$WORK/out" ||
	fail "CheckCommand greyscan missing"

# --- every option in the CheckCommand is one the plugin knows
"$PLUGIN" --help >"$WORK/help" 2>&1
opts=$(sed -n 's/^[[:space:]]*"\(--[a-z-]*\)" = {.*/\1/p' "$CONF/greyscan-command.conf")
[ -n "$opts" ] || fail "no arguments found in greyscan-command.conf"
for o in $opts; do
	grep -q -- "$o" "$WORK/help" || fail "check_greyscan has no option $o"
done
grep -A3 '"--whitelist" = {' "$CONF/greyscan-command.conf" |
	grep -q 'repeat_key = true' || fail "--whitelist lacks repeat_key = true"

# --- broken copies must fail: the validation really reads these files
broken() { # WHAT SED_EXPR FILE(command|service)
	B=$WORK/broken
	rm -rf "$B"
	setup_tree "$B" "$CONF/greyscan-command.conf" "$CONF/greyscan-service.conf"
	sed -i "$2" "$B/greyscan-$3.conf" || exit 99
	cmp -s "$B/greyscan-$3.conf" "$CONF/greyscan-$3.conf" &&
		{ echo "ERROR: could not break the $3 file for '$1'" >&2; exit 99; }
	validate "$B" && fail "icinga2 accepted a broken copy: $1"
	return 0
}
broken "syntax error" 's/^\t}$/\t/' command
broken "unknown check command" 's/check_command = "greyscan"/check_command = "greyscan-typo"/' service
broken "misspelt attribute" 's/check_interval = 1h/check_intervall = 1h/' service

# --- end to end: Icinga runs the plugin through the CheckCommand
E=$WORK/run
D=$top_srcdir/tests/data/check
setup_tree "$E" "$CONF/greyscan-command.conf" "$CONF/greyscan-service.conf"
mkdir "$E/plugins" || exit 99
ln -s "$(cd "$(dirname "$PLUGIN")" && pwd)/check_greyscan" "$E/plugins/" ||
	exit 99
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sed -e "s/@NOW@/$now/g" -e "s/@WEEK_AGO@/$now/g" "$D/pairs.json.in" \
	>"$E/summary.json" || exit 99
# The ITL's third-party commands use PluginContribDir: PluginDir points
# elsewhere, so a command built on it would not find the plugin.
cat >"$E/main.conf" <<END_OF_CONF
const PluginDir = "$E/no-plugins-here"
const PluginContribDir = "$E/plugins"
include <itl>
include <plugins>
include "greyscan-command.conf"

object FileLogger "main" {
	path = LogDir + "/icinga2.log"
	severity = "notice"
}
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
	host_temp_path = SpoolDir + "/host-perfdata"
	service_temp_path = SpoolDir + "/service-perfdata"
	host_perfdata_path = SpoolDir + "/host-perfdata.out"
	service_perfdata_path = SpoolDir + "/service-perfdata.out"
	rotation_interval = 1s
}
object Host "mx1.example.org" {
	check_command = "dummy"
	enable_active_checks = false
}
object Service "greyscan" {
	host_name = "mx1.example.org"
	check_command = "greyscan"
	check_interval = 1s
	retry_interval = 1s
	vars.greyscan_summary = "$E/summary.json"
	vars.greyscan_whitelist = [ "$D/whitelist_clients", "$D/whitelist-net" ]
	vars.greyscan_ignore = "$D/ignore"
	vars.greyscan_critical = "@3:"
	vars.greyscan_wait_warning = "4h"
	vars.greyscan_wait_critical = "9h"
	vars.greyscan_never_passed_warning = 10
	vars.greyscan_max_age = 3600
	vars.greyscan_stale_critical = true
}
END_OF_CONF
# not through icinga(): a backgrounded function would be a subshell, and
# $! must be icinga2 itself
setsid "$ICINGA2" daemon -c "$E/main.conf" \
	--define "Configuration.CacheDir=$E/cache" \
	--define "Configuration.DataDir=$E/data" \
	--define "Configuration.LogDir=$E/log" \
	--define "Configuration.SpoolDir=$E/spool" \
	--define "Configuration.InitRunDir=$E/run" \
	--define "Configuration.ZonesDir=$E/zones.d" \
	--define "Configuration.RunAsUser=$(id -un)" \
	--define "Configuration.RunAsGroup=$(id -gn)" \
	>"$E/daemon.out" 2>&1 &
DAEMON_PID=$!
i=0
perfdata() { cat "$E"/spool/service-perfdata.out.* 2>/dev/null; }
until perfdata | grep -q 'SERVICEPERFDATA::'; do
	i=$((i + 1))
	if [ "$i" -gt 300 ] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
		cp "$E/daemon.out" "$WORK/out"
		fail "icinga2 produced no check result within 30 s"
	fi
	sleep 0.1
done
# Kept now: at shutdown Icinga rotates its (empty) temporary file to
# service-perfdata.out.<second>, over a result rotated in the same second
# (seen when the plugin is slow, under valgrind).
perfdata >"$WORK/perfdata"
stop_daemon
cp "$E/log/icinga2.log" "$WORK/out"
cmd=$(grep -m1 "Running command '$E/plugins/check_greyscan'" "$WORK/out")
[ -n "$cmd" ] || fail "icinga2 did not run check_greyscan"
case $cmd in
*"'--whitelist' '$D/whitelist_clients' '--whitelist' '$D/whitelist-net'"*) ;;
*) fail "--whitelist is not repeated per value: $cmd" ;;
esac
case $cmd in
*"'--stale-critical'"*) ;;
*) fail "--stale-critical missing although set: $cmd" ;;
esac
case $cmd in
*"--exclude-dynamic"* | *"--verbose"*) fail "a false set_if was passed: $cmd" ;;
esac
case $cmd in
*"'--critical' '@3:'"*"'--max-age' '3600'"*"'--never-passed-warning' '10'"*"'--summary' '$E/summary.json'"*"'--wait-critical' '9h' '--wait-warning' '4h'"*) ;;
*) fail "values missing from the command line: $cmd" ;;
esac
case $cmd in
*"--never-passed-critical"*) fail "an unset variable was passed: $cmd" ;;
esac
grep -q "check_greyscan.*terminated with exit code 2" "$WORK/out" ||
	fail "the check did not exit 2 (CRITICAL by --wait-critical 9h)"
grep -qi 'invalid perfdata' "$WORK/out" &&
	fail "icinga2 could not parse the perfdata"
cp "$WORK/perfdata" "$WORK/out"
grep -q "SERVICEPERFDATA::candidates=2;0;@3:;0; new=1330c;;;0; delayed=643c;;;0; domains=8;;;0; age=[0-9]*s;;;0; worst_wait_p90=34200s;14400;32400;0; never_passed=29;10;;0;.*SERVICESTATE::CRITICAL" \
	"$WORK/out" || fail "perfdata not recorded as expected"

echo "PASS: conf/icinga2 validates with $("$ICINGA2" --version | head -n 1)"
exit 0
