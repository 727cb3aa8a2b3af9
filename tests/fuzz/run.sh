#!/bin/sh
# Builds the libFuzzer targets of the core's hostile-input parsers with
# clang (ASan + UBSan) from the lib/ sources, and runs each for a bounded
# time, printing executions and coverage per target.
#
# usage: tests/fuzz/run.sh [SECONDS [TARGET...]]
#   SECONDS   run time per target (default 60)
#   TARGET    fuzz_line fuzz_summary fuzz_state fuzz_whitelist (default all)
# environment:
#   top_srcdir    the source tree (default: two levels above this script)
#   top_builddir  a configured build tree, for gs_config.h (default: the
#                 current directory)
#   FUZZ_WORKDIR  binaries, grown corpora, crash artifacts and logs
#                 (default: $top_builddir/tests/fuzz-work)
#   FUZZ_JOBS     targets run at the same time (default 1)
#   CLANG         the compiler (default clang)
# Exit status: 0 when no target found anything, 1 when one crashed,
# leaked or timed out (the input is under FUZZ_WORKDIR/artifacts), 99 when
# the build failed. Not part of `make check`: run it with `make fuzz`.
set -u

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_line fuzz_summary fuzz_state fuzz_whitelist}
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
work=${FUZZ_WORKDIR:-$top_builddir/tests/fuzz-work}
jobs=${FUZZ_JOBS:-1}
CLANG=${CLANG:-clang}

case $seconds in
'' | *[!0-9]*) echo "run.sh: SECONDS must be a number: $seconds" >&2; exit 99 ;;
esac
if [ ! -f "$top_builddir/gs_config.h" ]; then
	echo "run.sh: no gs_config.h in $top_builddir: run configure there or set top_builddir" >&2
	exit 99
fi

san='-fsanitize=address,undefined -fno-sanitize-recover=all'
cflags="-g -O1 -fno-omit-frame-pointer -std=gnu11 $san
	-I$top_builddir -I$top_srcdir/lib -DGS_PKGDATADIR=\"$top_srcdir/rules\"
	-DGS_SYSCONFDIR=\"/etc\"
	$(pkg-config --cflags lognorm libfastjson libestr libpsl libpcre2-8 zlib)"
libs="$(pkg-config --libs lognorm libfastjson libestr libpsl libpcre2-8 zlib) -lpthread -lm"

# The library once, instrumented for coverage, then one binary per target.
build() {
	mkdir -p "$work/obj" || return 1
	objs=
	for src in "$top_srcdir"/lib/*/*.c; do
		obj=$work/obj/$(basename "$src" .c).o
		# shellcheck disable=SC2086
		$CLANG $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" ||
			return 1
		objs="$objs $obj"
	done
	for t in $targets; do
		# shellcheck disable=SC2086
		$CLANG $cflags -fsanitize=fuzzer "$here/$t.c" \
			"$here/fuzz_common.c" $objs $libs -o "$work/$t" || return 1
	done
}

options() {
	case $1 in
	fuzz_line) echo "-max_len=4096 -dict=$here/fuzz_line.dict" ;;
	fuzz_summary | fuzz_state) echo "-max_len=65536 -dict=$here/fuzz_json.dict" ;;
	fuzz_whitelist) echo "-max_len=65536 -dict=$here/fuzz_whitelist.dict" ;;
	esac
}

# Runs one target; its log is $work/$t.log.
run_one() {
	t=$1
	mkdir -p "$work/corpus/$t" "$work/artifacts/$t/"
	# shellcheck disable=SC2046
	GS_FUZZ_RULES=$top_srcdir/rules/postgrey.rb "$work/$t" \
		-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 $(options "$t") \
		-artifact_prefix="$work/artifacts/$t/" \
		"$work/corpus/$t" "$here/corpus/$t" "$here/regressions/$t" \
		>"$work/$t.log" 2>&1
}

# One line per target from libFuzzer's log: runs, seconds, coverage.
report() {
	t=$1 rc=$2
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/$t.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1)
	ft=$(grep -o 'ft: [0-9]*' "$work/$t.log" | tail -n 1)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[bkKM]*' "$work/$t.log" | tail -n 1)
	printf '%-15s %s executions in %s s, %s, %s, %s, exit %s\n' "$t" \
		"${runs:-?}" "${secs:-?}" "${cov:-cov: ?}" "${ft:-ft: ?}" \
		"${corp:-corp: ?}" "$rc"
}

if ! build; then
	echo "run.sh: build failed" >&2
	exit 99
fi
status=0
set -- $targets
while [ $# -gt 0 ]; do
	batch=
	n=0
	while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
		run_one "$1" &
		batch="$batch $1:$!"
		n=$((n + 1))
		shift
	done
	for tp in $batch; do
		rc=0
		wait "${tp#*:}" || rc=$?
		report "${tp%%:*}" "$rc"
		[ "$rc" -eq 0 ] || status=1
	done
done
[ $status -eq 0 ] || echo "run.sh: findings: see $work/artifacts and $work/*.log" >&2
exit $status
