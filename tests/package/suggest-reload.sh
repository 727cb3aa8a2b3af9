#!/bin/sh
# suggest-reload.sh: the header of `greyscan suggest` must not say "then
# reload postgrey" (Debian 12's postgrey has no working reload) but give
# the SIGHUP commands.
# Pass: the header names "systemctl kill -s HUP postgrey" and
# kill -HUP "$(cat /run/postgrey.pid)" and not "reload postgrey".
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
work=$(mktemp -d "${TMPDIR:-/tmp}/greyscan-suggest.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
"$top_builddir/src/greyscan" scan -n -r "$top_srcdir/rules/postgrey.rb" \
	-o "$work/s.json" "$top_srcdir/examples/sample-mail.log" || exit 99
"$top_builddir/src/greyscan" suggest "$work/s.json" >"$work/out" || true
grep '^#' "$work/out" >"$work/header"
if grep -q 'reload postgrey' "$work/header"; then
	echo "FAIL: suggest still says 'reload postgrey': $(grep 'reload' "$work/header")"
	exit 1
fi
grep -q 'systemctl kill -s HUP postgrey' "$work/header" &&
	grep -qF 'kill -HUP "$(cat /run/postgrey.pid)"' "$work/header" || {
	echo "FAIL: suggest does not give the SIGHUP commands"
	exit 1
}
echo "PASS: greyscan suggest gives postgrey's working reload"
