#!/bin/sh
# run-test.sh: runs one test of `make check` in a sanitizer build
# (configure --enable-sanitizers makes it the LOG_COMPILER of every test),
# and fails the test when any sanitizer wrote a report while it ran.
#
# usage: GS_SANITIZER_PRELOAD='RUNTIME...' run-test.sh COMMAND... TEST
#   COMMAND... TEST  the test as automake runs it ("/bin/sh
#                    ../tests/fault/kill9.sh", "tests/unit/check_x"); its
#                    path under tests/ with "/" as "-" names it
#                    (fault-kill9.sh, unit-check_x) in the lists below and
#                    in its log dir (without ".sh")
#   GS_SANITIZER_PRELOAD
#                    the sanitizer runtimes, ASan's first, that configure
#                    found with `$CC -print-file-name=...`
#
# Every instrumented program a test runs (unit tests, the CLI, the plugin,
# the fuzz replays, and the module inside rsyslogd) writes its reports as
# files into tests/sanitizer-logs/TEST/ of the build directory instead of
# standard error: a report cannot then be swallowed by a test that expects
# a failure status, or by a daemon whose output nobody reads. After the
# test, any file there is printed into the test's log and turns the result
# into a failure (1), whatever the test's own status was.
#
# Only rsyslogd gets the runtimes preloaded (through GS_RSYSLOGD_WRAP, see
# tests/lib.sh): it is not instrumented, and ASan must be the first library
# of a process that loads instrumented code. Other programs the tests run
# (perl, postgrey, logger, icinga2, nagios4) see only the *SAN_OPTIONS
# variables, which uninstrumented programs ignore.
set -u
# Unit tests whose programs need whole allocation stacks (see below).
GS_SANITIZER_SLOW_TESTS="unit-check_parser"
# Tests that push millions of lines or restore states of many thousand
# groups through rsyslogd (see below).
GS_SANITIZER_FAST_TESTS="hostile-flood.sh hostile-load-tcp.sh fault-kill9.sh"
[ $# -gt 0 ] || { echo "usage: run-test.sh COMMAND... TEST" >&2; exit 99; }
here=$(cd "$(dirname "$0")" && pwd)
eval "last=\${$#}"
# shellcheck disable=SC2154 # set by the eval
case $last in
tests/* | */tests/*) name=$(echo "${last##*tests/}" | tr / -) ;;
*) name=$(basename "$last") ;;
esac
dir=$(pwd)/tests/sanitizer-logs/${name%.sh}
case "$here$dir${GS_SANITIZER_PRELOAD:-}" in
*[!A-Za-z0-9_./:+\ -]*)
	# The paths end up in word lists and option strings.
	echo "run-test.sh: unsafe characters in $here, $dir or the runtime paths" >&2
	exit 99 ;;
esac
rm -rf "$dir" "$(dirname "$dir")/rsyslogd-own/$name" && mkdir -p "$dir" || exit 99

# Errors stop the program (-fno-sanitize-recover=all makes UBSan do so);
# exit status 86 tells a sanitizer's exit from the programs' own statuses.
# allocator_may_return_null: an impossible allocation returns NULL as glibc
# would, so that the code's own handling of it is what gets tested.
common="exitcode=86:allocator_may_return_null=1:print_suppressions=0"
supp=$here/lsan.supp
# The fast unwinder stops at the first uninstrumented library frame; the
# slow one gives whole allocation stacks, which lsan.supp's entries need,
# but makes every malloc about ten times as costly. Fast by default (a cut
# stack only means a suppression cannot match: the leak is reported, never
# hidden); slow for the tests that load rulebases liblognorm rejects.
case " $GS_SANITIZER_SLOW_TESTS " in
*" $name "*) unwind=0 ;;
*) unwind=1 ;;
esac
ASAN_OPTIONS="$common:log_path=$dir/asan:detect_leaks=1:fast_unwind_on_malloc=$unwind"
UBSAN_OPTIONS="$common:log_path=$dir/ubsan:print_stacktrace=1:halt_on_error=1"
TSAN_OPTIONS="$common:log_path=$dir/tsan:halt_on_error=1"
LSAN_OPTIONS="suppressions=$supp:print_suppressions=0"
GS_SANITIZER_LOGDIR=$dir
export ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS LSAN_OPTIONS GS_SANITIZER_LOGDIR
# Instrumented code runs several times slower: Check's per-test timeouts
# are stretched, they guard against hangs, not slowness.
CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
export CK_TIMEOUT_MULTIPLIER

# rsyslogd: the runtimes preloaded (colon separated, so that the list stays
# one word) and its own report file names. rsyslogd leaks a little of its
# own (config parser, omfwd): rsyslogd-leaks.pl drops those leak records
# after the test, keeping every one with a greyscan frame, and rsyslogd's
# exit status does not count leaks (exitcode=0; a report file fails the
# test anyway). The packaged rsyslogd has no frame pointers: the slow
# unwinder gives allocation stacks through it.
# shellcheck disable=SC2086 # unquoted: squeezes the blanks
preload=$(echo ${GS_SANITIZER_PRELOAD:-} | tr ' ' ':')
[ -n "$preload" ] || { echo "run-test.sh: GS_SANITIZER_PRELOAD empty" >&2; exit 99; }
rcommon="exitcode=0:allocator_may_return_null=1:print_suppressions=0"
# The slow unwinder makes rsyslogd take ten times as long per message. The
# throughput tests (millions of lines) use the fast one, and a smaller
# quarantine, since they also bound rsyslogd's memory: there a leak stack
# may stop short of rsyslogd's frames, and is then reported, not dropped.
case " $GS_SANITIZER_FAST_TESTS " in
*" $name "*) rcommon="$rcommon:fast_unwind_on_malloc=1:quarantine_size_mb=16" ;;
*) rcommon="$rcommon:fast_unwind_on_malloc=0" ;;
esac
GS_RSYSLOGD_WRAP="env LD_PRELOAD=$preload
	ASAN_OPTIONS=$rcommon:log_path=$dir/rsyslogd.asan:detect_leaks=1
	UBSAN_OPTIONS=$common:log_path=$dir/rsyslogd.ubsan:print_stacktrace=1:halt_on_error=1
	TSAN_OPTIONS=$common:log_path=$dir/rsyslogd.tsan:halt_on_error=1:suppressions=$top_srcdir/tests/tsan/rsyslogd.supp
	LSAN_OPTIONS=suppressions=$supp:print_suppressions=0"
export GS_RSYSLOGD_WRAP
# rsyslogd unloads its modules before the leak check at exit, which leaves
# the module's frames unnamed: configs made by gs_conf_head keep them.
# shellcheck disable=SC2089,SC2090 # the quotes are for rsyslog's config
GS_RSYSLOG_GLOBAL='debug.unloadModules="off"'
export GS_RSYSLOG_GLOBAL

status=0
"$@" || status=$?
set -- "$dir"/rsyslogd.asan.*
if [ -e "$1" ]; then
	"${PERL:-perl}" "$here/rsyslogd-leaks.pl" \
		"$(dirname "$dir")/rsyslogd-own/$name" "$(cd "$here/../.." && pwd)" \
		"$(pwd)" "$@" || exit 99
fi
reports=$(ls "$dir")
if [ -n "$reports" ]; then
	for f in $reports; do
		echo "==== sanitizer report $dir/$f" >&2
		cat "$dir/$f" >&2
	done
	echo "FAIL: $name: sanitizer reports (test status was $status)" >&2
	case $status in 0 | 77) status=1 ;; esac
else
	rmdir "$dir"
fi
exit "$status"
