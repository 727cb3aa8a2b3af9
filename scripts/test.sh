#!/bin/sh
# Sets up a fresh Debian 12 machine, builds greyscan and runs every test:
# the Check unit tests and the integration tests with the real rsyslogd,
# postgrey, icinga2 and nagios4, then `make distcheck`. Nothing is skipped:
# a missing dependency is a failure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/build.sh"
cd "$top/build"
status=0
make -j2 check >check.out 2>&1 || status=$?
grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP|XFAIL):' check.out || true
pass=$(grep -c '^PASS:' check.out || true)
fail=$(grep -c -E '^(FAIL|XPASS|ERROR|SKIP):' check.out || true)
if [ "$status" -ne 0 ] || [ "$fail" -ne 0 ]; then
	cat test-suite.log 2>/dev/null || tail -n 100 check.out
	echo "$pass passed, $fail failed"
	exit 1
fi
if [ "${GREYSCAN_DISTCHECK:-yes}" = yes ]; then
	make -j2 distcheck >distcheck.out 2>&1 || {
		tail -n 200 distcheck.out
		echo "$pass passed, 1 failed (make distcheck)"
		exit 1
	}
	echo "make distcheck: ok" >&2
fi
echo "$pass passed, 0 failed"
