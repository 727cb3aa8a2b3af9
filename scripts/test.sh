#!/bin/sh
# Sets up a fresh Debian 12 machine, builds greyscan and runs every test:
# the Check unit tests and the integration tests with the real rsyslogd,
# postgrey, icinga2 and nagios4, then the same suite once more in a second
# tree built with ASan and UBSan (build-asan/, configure
# --enable-sanitizers: the module runs inside rsyslogd with the runtimes
# preloaded, and any sanitizer report fails its test), the integration
# tests under valgrind memcheck (make check-valgrind), a ThreadSanitizer
# build (build-tsan/) running the threaded tests, the demo
# (scripts/demo.sh), then `make distcheck`. Nothing is skipped: a missing
# dependency is a failure.
# The last line is "N passed, M failed" over all the suites.
#
# The package suite (scripts/test-packages.sh: Debian packages, lintian,
# a clean Debian 12 root) runs in the background beside the others; its
# PASS/FAIL lines are counted at the end. The ASan and TSan trees are
# configured and compiled in the background too, at the lowest priority,
# while the first suite runs (its tests wait for daemons a third of the
# time). The sanitizer suite and distcheck run the stress tests at the
# reduced scale (GS_TEST_SCALE, tests/lib.sh): the first suite has run
# them full on the same code.
#
# environment: GREYSCAN_SANITIZERS=no, GREYSCAN_VALGRIND=no, GREYSCAN_TSAN=no,
# GREYSCAN_PACKAGES=no and GREYSCAN_DISTCHECK=no skip those suites (all
# default yes).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/build.sh"
configure_flags="--prefix=/usr --sysconfdir=/etc --localstatedir=/var
	--libdir=/usr/lib/x86_64-linux-gnu"

pass=0
fail=0
failed_suites=

# run_suite NAME DIR COMMAND...: runs COMMAND (a `make check` of some kind)
# in DIR, prints its test results prefixed by NAME and adds them to the
# counts. A suite that fails without a failed test (a build error) counts
# as one failure. On failure, prints DIR/test-suite.log (DIR/$suite_log if
# set) or else the output.
run_suite() {
	name=$1 dir=$2
	shift 2
	out=$dir/$name.out
	st=0
	start=$(date +%s)
	(cd "$dir" && "$@") >"$out" 2>&1 || st=$?
	grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP|XFAIL):' "$out" |
		sed "s/^/[$name] /" || true
	p=$(grep -c '^PASS:' "$out" || true)
	f=$(grep -c -E '^(FAIL|XPASS|ERROR|SKIP):' "$out" || true)
	[ "$st" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "suite $name: $p passed, $f failed in $(($(date +%s) - start)) s" >&2
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_suites="$failed_suites $name"
		log=$dir/${suite_log:-test-suite.log}
		echo "==== suite $name failed: $log" >&2
		cat "$log" 2>/dev/null || tail -n 100 "$out"
	fi
}

# 0. The package suite, in the background (most of its time is waiting
#    for apt and the daemons in the root, not CPU).
pkg_pid=
if [ "${GREYSCAN_PACKAGES:-yes}" = yes ]; then
	sh "$top/scripts/test-packages.sh" >"$top/build/packages.out" 2>&1 &
	pkg_pid=$!
fi

asan_flags="$configure_flags --enable-sanitizers"
tsan_flags="$configure_flags --enable-sanitizers=thread"
# For sh -c: configures the tree "$1" (once) with the flags after it.
# shellcheck disable=SC2016 # expanded by the inner shell
configure_sh='cd "$1" && shift && { [ -f Makefile ] || ../configure -q "$@"; }'

# configure_tree DIR CONFIGURE-FLAGS...
configure_tree() {
	mkdir -p "$1"
	sh -c "$configure_sh" sh "$@"
}

# prepare_tree DIR CONFIGURE-FLAGS...: configure_tree, then compiles the
# tree with its test programs, without running a test, at the lowest
# priority. A failure here shows again in the suite's own configure or
# make, which reports it.
prepare_tree() {
	mkdir -p "$1"
	nice -n 19 sh -c "$configure_sh && make -j2 && make -j2 check TESTS=" \
		sh "$@"
}

# The sanitizer trees, compiled while the first suite runs.
prep_pid=
if [ "${GREYSCAN_SANITIZERS:-yes}" = yes ] ||
	[ "${GREYSCAN_TSAN:-yes}" = yes ]; then
	(
		# shellcheck disable=SC2086 # a word list
		[ "${GREYSCAN_SANITIZERS:-yes}" = yes ] &&
			prepare_tree "$top/build-asan" $asan_flags
		# shellcheck disable=SC2086
		[ "${GREYSCAN_TSAN:-yes}" = yes ] &&
			prepare_tree "$top/build-tsan" $tsan_flags
		true
	) >"$top/build/prepare-trees.out" 2>&1 &
	prep_pid=$!
fi

# 1. The normal build.
run_suite check "$top/build" make -j2 check
if [ -n "$prep_pid" ]; then
	wait "$prep_pid" || echo "the sanitizer trees did not build in the" \
		"background: $top/build/prepare-trees.out" >&2
fi

# 2. The same suite built with ASan + UBSan (tests/sanitizers/README.md).
if [ "${GREYSCAN_SANITIZERS:-yes}" = yes ]; then
	# shellcheck disable=SC2086 # a word list
	configure_tree "$top/build-asan" $asan_flags
	run_suite asan "$top/build-asan" env GS_TEST_SCALE=reduced \
		make -j2 check
fi

# 3. The integration tests again under valgrind memcheck, in the normal
#    build (tests/valgrind/Makefile.inc says which tests and why).
if [ "${GREYSCAN_VALGRIND:-yes}" = yes ]; then
	suite_log=tests/valgrind/test-suite.log
	run_suite valgrind "$top/build" make -j2 check-valgrind
	suite_log=
fi

# 4. ThreadSanitizer: the tally under concurrent workers and a writer
#    (tests/tsan/tsan_tally), and the module's writer thread inside
#    rsyslogd under concurrent load (libtsan preloaded).
if [ "${GREYSCAN_TSAN:-yes}" = yes ]; then
	# shellcheck disable=SC2086 # a word list
	configure_tree "$top/build-tsan" $tsan_flags
	run_suite tsan "$top/build-tsan" make -j2 check TESTS="
		tests/tsan/tsan_tally tests/rsyslog/workers.sh
		tests/rsyslog/two-actions.sh tests/rsyslog/hup.sh
		tests/rsyslog/annotate.sh tests/rsyslog/restore.sh
		tests/fault/hup-storm.sh"
fi

# 5. The README's first command, the demo, must keep working, and write
#    the HTML page with whitelist verdicts in it.
rm -f "$top/build/demo-report.html"
if sh "$top/scripts/demo.sh" >"$top/build/demo.out" 2>&1 &&
	grep -q '<tr data-status="whitelist"' "$top/build/demo-report.html"; then
	echo "[demo] PASS: scripts/demo.sh"
	pass=$((pass + 1))
else
	echo "[demo] FAIL: scripts/demo.sh" >&2
	tail -n 30 "$top/build/demo.out"
	fail=$((fail + 1))
	failed_suites="$failed_suites demo"
fi

if [ -n "$pkg_pid" ]; then
	wait "$pkg_pid" || true
	grep -E '^(PASS|FAIL):' "$top/build/packages.out" | sed 's/^/[packages] /'
	p=$(grep -c '^PASS:' "$top/build/packages.out" || true)
	f=$(grep -c '^FAIL:' "$top/build/packages.out" || true)
	grep -q '^[0-9]* passed, 0 failed$' "$top/build/packages.out" ||
		[ "$f" -ne 0 ] || f=1
	grep '^package suite:' "$top/build/packages.out" >&2 || true
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_suites="$failed_suites packages"
		echo "==== suite packages failed: $top/build/packages.out" >&2
		tail -n 80 "$top/build/packages.out"
	fi
fi

if [ "$fail" -ne 0 ]; then
	echo "failed suites:$failed_suites" >&2
	echo "$pass passed, $fail failed"
	exit 1
fi
if [ "${GREYSCAN_DISTCHECK:-yes}" = yes ]; then
	cd "$top/build"
	GS_TEST_SCALE=reduced make -j2 distcheck >distcheck.out 2>&1 || {
		tail -n 200 distcheck.out
		echo "failed suites: distcheck" >&2
		echo "$pass passed, 1 failed (make distcheck)"
		exit 1
	}
	echo "make distcheck: ok" >&2
fi
echo "$pass passed, 0 failed"
