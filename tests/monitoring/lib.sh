# tests/monitoring/lib.sh: what the Icinga 2 and Nagios 4 tests share.
#
#   mon_init NAME DAEMON   fails with 99 unless DAEMON runs and the plugin
#                          is built; makes the private work dir $WORK and
#                          traps EXIT to stop the daemon and remove $WORK.
#   DAEMON_PID             set it to the PID of a daemon started with
#                          setsid (its own session, so its process group is
#                          its PID); stop_daemon stops it and its workers.
#   fail MSG...            "FAIL: MSG" and $WORK/out on stderr, exit 1.
#   $PLUGIN                the plugin to run: $GS_CHECK, default the built
#                          check_greyscan (as in tests/lib.sh).

# The plugin as tests/lib.sh names it (a twin run may wrap it).
: "${GS_CHECK:=$top_builddir/plugins/check_greyscan/check_greyscan}"
PLUGIN=$GS_CHECK
DAEMON_PID=
WORK=

mon_init() { # NAME DAEMON
	command -v "$2" >/dev/null 2>&1 || {
		echo "ERROR: $1 not found ($2)" >&2
		exit 99
	}
	[ -x "$PLUGIN" ] || {
		echo "ERROR: $PLUGIN is not built" >&2
		exit 99
	}
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/monitoring-$1.XXXXXX") || exit 99
	trap cleanup EXIT
	trap 'exit 99' INT TERM
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	# TERM to the main process only: it stops its own workers. Then KILL
	# whatever is left of the group (dash's kill takes no "--": the
	# negative PID right after the signal).
	kill -TERM "$DAEMON_PID" 2>/dev/null
	_i=0
	while kill -0 "-$DAEMON_PID" 2>/dev/null && [ "$_i" -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "-$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

cleanup() {
	stop_daemon
	rm -rf "$WORK"
}

fail() {
	echo "FAIL: $*" >&2
	[ -f "$WORK/out" ] && sed 's/^/  | /' "$WORK/out" >&2
	exit 1
}
