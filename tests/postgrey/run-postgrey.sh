#!/bin/sh
# run-postgrey.sh: starts and stops Debian's real postgrey for the tests,
# unmodified, on a private unix socket with a private database, pid file and
# whitelist files, so that nothing of the system's postgrey is touched.
#
#   run-postgrey.sh start daemon|foreground DIR LOGSOCKET CLIENTS RECIPIENTS [DELAY]
#   run-postgrey.sh stop DIR
#
# daemon:     `postgrey -d`, as Debian's init script runs it. It then logs to
#             /dev/log only (Sys::Syslog "native"), so it runs inside a
#             private mount namespace (unshare --mount) whose /dev is a small
#             tmpfs holding the usual device nodes (bind-mounted from the
#             real /dev) and a /dev/log bind-mounted from LOGSOCKET, a
#             private rsyslogd's imuxsock socket. The real /dev is untouched.
# foreground: postgrey without -d, as Debian 12's systemd unit runs it: it
#             writes its messages to standard error, which is piped through
#             `logger -u LOGSOCKET -t postgrey --id=PID` the way journald
#             would forward them.
# The policy socket is DIR/policy.sock. CLIENTS and RECIPIENTS are the
# whitelist files (--whitelist-clients, --whitelist-recipients). DELAY is
# --delay in seconds (default 3). Auto-whitelisting starts after one
# successful delivery (--auto-whitelist-clients=1) so that a test can reach
# "client AWL" within seconds. The greylist text carries the seconds still
# missing ("%s") so that a client can tell "new" (all of DELAY missing) from
# "early-retry" by the answer alone.
# Exit status: 0 when postgrey answers on its socket, 99 otherwise.
set -eu

: "${POSTGREY:=/usr/sbin/postgrey}"
WAIT_TENTHS=150

die() {
	echo "run-postgrey.sh: $*" >&2
	exit 99
}

# Waits until the file test "$1 $2" succeeds (up to WAIT_TENTHS).
wait_file() {
	_i=0
	while ! test "$1" "$2"; do
		_i=$((_i + 1))
		[ "$_i" -gt "$WAIT_TENTHS" ] && return 1
		sleep 0.1
	done
	return 0
}

# Waits until process $1 is gone (it may not be our child).
wait_gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ "$_i" -gt "$WAIT_TENTHS" ] && return 1
		sleep 0.1
	done
	return 0
}

start() {
	mode=$1 dir=$2 logsock=$3 clients=$4 recipients=$5 delay=${6:-3}
	[ -x "$POSTGREY" ] || die "postgrey not found ($POSTGREY)"
	[ -S "$logsock" ] || die "no syslog socket at $logsock"
	[ -r "$clients" ] || die "client whitelist $clients missing"
	[ -r "$recipients" ] || die "recipient whitelist $recipients missing"
	command -v unshare >/dev/null || die "unshare (util-linux) missing"
	command -v logger >/dev/null || die "logger (bsdutils) missing"
	id postgrey >/dev/null 2>&1 || die "user postgrey missing"
	# postgrey drops to user postgrey after binding: its database directory
	# must be its own, and the directories above it searchable.
	mkdir -p "$dir/db"
	chown postgrey:postgrey "$dir/db"
	chmod 0711 "$dir"
	runuser -u postgrey -- test -w "$dir/db" ||
		die "user postgrey cannot write $dir/db (is a parent directory private?)"
	set -- --unix="$dir/policy.sock" --dbdir="$dir/db" \
		--delay="$delay" --auto-whitelist-clients=1 \
		--whitelist-clients="$clients" \
		--whitelist-recipients="$recipients" \
		--greylist-text='Greylisted for %s seconds'
	case $mode in
	daemon)
		unshare --mount --propagation private -- sh -ec '
			dir=$1 logsock=$2
			shift 2
			mkdir -p "$dir/ns-realdev"
			mount --bind /dev "$dir/ns-realdev"
			mount -t tmpfs -o mode=0755,size=64k greyscan-dev /dev
			for n in null zero full random urandom tty; do
				: >"/dev/$n"
				mount --bind "$dir/ns-realdev/$n" "/dev/$n"
			done
			ln -s /proc/self/fd /dev/fd
			: >/dev/log
			mount --bind "$logsock" /dev/log
			exec "$@"
		' sh "$dir" "$logsock" "$POSTGREY" -d \
			--pidfile="$dir/db/postgrey.pid" "$@" ||
			die "postgrey -d failed to start"
		wait_file -s "$dir/db/postgrey.pid" ||
			die "postgrey -d wrote no pid file"
		cp "$dir/db/postgrey.pid" "$dir/postgrey.pid"
		;;
	foreground)
		rm -f "$dir/stderr.fifo"
		mkfifo "$dir/stderr.fifo"
		# The reader must be started after postgrey's PID is known; the
		# writer's open blocks until then, which is harmless.
		"$POSTGREY" "$@" 2>"$dir/stderr.fifo" >/dev/null </dev/null &
		pgpid=$!
		echo "$pgpid" >"$dir/postgrey.pid"
		logger -u "$logsock" -t postgrey --id="$pgpid" -p mail.notice \
			<"$dir/stderr.fifo" &
		echo $! >"$dir/logger.pid"
		;;
	*)
		die "unknown mode '$mode'"
		;;
	esac
	wait_file -S "$dir/policy.sock" || die "postgrey did not open its socket"
}

stop() {
	dir=$1
	st=0
	if [ -s "$dir/postgrey.pid" ]; then
		pid=$(cat "$dir/postgrey.pid")
		kill -TERM "$pid" 2>/dev/null || true
		wait_gone "$pid" || { kill -KILL "$pid" 2>/dev/null; st=99; }
		rm -f "$dir/postgrey.pid"
	fi
	# logger ends at the end of postgrey's standard error.
	if [ -s "$dir/logger.pid" ]; then
		pid=$(cat "$dir/logger.pid")
		wait_gone "$pid" || { kill -KILL "$pid" 2>/dev/null; st=99; }
		rm -f "$dir/logger.pid"
	fi
	return "$st"
}

case ${1:-} in
start)
	shift
	[ $# -ge 5 ] || die "usage: start MODE DIR LOGSOCKET CLIENTS RECIPIENTS [DELAY]"
	start "$@"
	;;
stop)
	[ $# -eq 2 ] || die "usage: stop DIR"
	stop "$2"
	;;
*)
	die "usage: run-postgrey.sh start|stop ..."
	;;
esac
