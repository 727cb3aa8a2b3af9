#!/bin/sh
# bench/build-baseline.sh REV: builds greyscan and the omgreyscan module of
# the git revision REV of the source tree, once, into
# $GS_BENCH_DIR/baseline-<commit>/build, and prints that build directory:
# the GS_BENCH_BASELINE of scan-vs-grep.sh and rsyslog-throughput.sh, which
# then time the baseline beside the current build in the same run, so that
# "before" and "after" are measured on the same machine under the same load.
#
# The revision is exported with `git archive` (nothing of the work tree
# changes) and configured against the same rsyslog headers as this build
# (RSYSLOG_SRC, default deps/rsyslog of the source tree). Needs a git
# checkout; the build's output goes to $GS_BENCH_DIR/baseline-<commit>.log.
# Exit 0 with the directory printed, 1 when it cannot be built.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/bench/lib.sh"

[ $# -eq 1 ] || bench_die "usage: build-baseline.sh REV"
: "${RSYSLOG_SRC:=$top_srcdir/deps/rsyslog}"
commit=$(git -C "$top_srcdir" rev-parse --verify --quiet "$1^{commit}") ||
	bench_die "$1: no commit of the git checkout $top_srcdir"
short=$(printf '%.12s' "$commit")
base="$GS_BENCH_DIR/baseline-$short"
build="$base/build"
log="$base.log"

if [ ! -f "$build/.built" ]; then
	echo "$(basename "$0"): building $1 ($short) into $base, once (log: $log)" >&2
	rm -rf "$base"
	mkdir -p "$base/src" "$build"
	{
		git -C "$top_srcdir" archive "$commit" | tar -x -C "$base/src" &&
			(cd "$base/src" && autoreconf -fi) &&
			(cd "$build" && "$base/src/configure" \
				--with-rsyslog-src="$RSYSLOG_SRC") &&
			make -C "$build" -j "$(nproc)" src/greyscan \
				plugins/omgreyscan/omgreyscan.la
	} >"$log" 2>&1 || bench_die "building $1 failed; see $log"
	: >"$build/.built"
fi
echo "$build"
