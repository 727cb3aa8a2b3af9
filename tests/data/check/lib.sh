# Shell helpers for the check_greyscan integration tests (sourced).
#
#   PLUGIN          the plugin to run: $GS_CHECK, default the built one
#   DATA            this directory (fixtures)
#   WORK            a private temporary directory, removed on exit
#   fixture NAME [AGE_S]
#                   writes $WORK/NAME-AGE_S.json from $DATA/NAME.json.in with
#                   "generated" (and the window's end, last_seen) AGE_S
#                   seconds ago (default 0) and the window start a week
#                   before; prints the path
#   run ARG...      runs the plugin (killed after 60 s: RC 124); sets OUT
#                   (stdout), ERR (stderr) and RC
#   expect_rc N WHAT        fails unless RC is N
#   expect_first RE WHAT    fails unless the first line matches the ERE
#   expect_out RE WHAT      fails unless some line of OUT matches the ERE
#   expect_no_out RE WHAT   fails if some line of OUT matches the ERE
#   fail MSG        prints MSG, the command and its output; exits 1
#
# Exit codes: 0 pass, 1 fail, 99 hard error (never 77: nothing is skipped).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
# The plugin as tests/lib.sh names it (a twin run may wrap it).
: "${GS_CHECK:=$top_builddir/plugins/check_greyscan/check_greyscan}"
PLUGIN=$GS_CHECK
DATA=$top_srcdir/tests/data/check

if [ ! -x "$PLUGIN" ]; then
	echo "ERROR: $PLUGIN is not built" >&2
	exit 99
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-greyscan.XXXXXX") || exit 99
trap 'rm -rf "$WORK"' EXIT
trap 'exit 99' INT TERM

iso_time() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

fixture() {
	_name=$1
	_age=${2:-0}
	_now=$(date +%s)
	_gen=$(iso_time $((_now - _age)))
	_start=$(iso_time $((_now - _age - 604800)))
	sed -e "s/@NOW@/$_gen/g" -e "s/@WEEK_AGO@/$_start/g" \
		"$DATA/$_name.json.in" >"$WORK/$_name-$_age.json" || exit 99
	echo "$WORK/$_name-$_age.json"
}

LAST_CMD=
run() {
	LAST_CMD="$PLUGIN $*"
	# a hung plugin must fail the test, not hang it (124: killed)
	timeout 60 "$PLUGIN" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	OUT=$(cat "$WORK/out")
	ERR=$(cat "$WORK/err")
}

fail() {
	echo "FAIL: $*" >&2
	echo "command: $LAST_CMD" >&2
	echo "exit status: $RC" >&2
	echo "--- stdout" >&2
	printf '%s\n' "$OUT" >&2
	echo "--- stderr" >&2
	printf '%s\n' "$ERR" >&2
	exit 1
}

expect_rc() {
	[ "$RC" -eq "$1" ] || fail "$2: exit status $RC, expected $1"
}

expect_first() {
	printf '%s\n' "$OUT" | head -n 1 | grep -Eq -- "$1" ||
		fail "$2: first line does not match /$1/"
}

expect_out() {
	printf '%s\n' "$OUT" | grep -Eq -- "$1" ||
		fail "$2: no output line matches /$1/"
}

expect_no_out() {
	if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then
		fail "$2: an output line matches /$1/"
	fi
}
