#!/bin/sh
# bench/scan-vs-grep.sh: `greyscan scan` against the grep pipeline admins
# used before greyscan, on the same 2,000,000-line mail.log.
#
#   (a) grep -ohP 'reason=new, client_name=[^.]+\.\K[^,]+' FILE |
#           sort | uniq -c | sort -nr
#   (b) greyscan scan --no-report -o OUT FILE
#       (with --rulebase pointing to the source tree's rules/postgrey.rb,
#       as nothing is installed)
#
# The log (bench/genlog, seed GS_BENCH_SEED, hosts mx1 and mx2) is generated
# once and cached in GS_BENCH_DIR. It is read once before timing so that both
# read it from the page cache. Each variant runs GS_BENCH_RUNS times (default
# 3); the best wall time counts. Peak RSS comes from /usr/bin/time (the
# pipeline's is that of its largest process). Prints the figures; the target
# is greyscan/pipeline <= 0.7. Exit 0 when both ran, whatever the figures
# (a benchmark, not a test); 1 when something could not run.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/bench/lib.sh"

LINES=2000000
GREYSCAN="${GREYSCAN:-$top_builddir/src/greyscan}"

bench_init
[ -x "$GREYSCAN" ] || bench_die "greyscan not built: $GREYSCAN"
log=$(bench_log "$LINES" traditional)
out="$GS_BENCH_DIR/scan-vs-grep.$$"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
cat "$log" >/dev/null

# Runs "$@" under /usr/bin/time; sets T_NS (wall) and T_RSS (KiB).
timed() {
	_t0=$(bench_now_ns)
	/usr/bin/time -f '%M' -o "$out/rss" "$@" >/dev/null 2>"$out/stderr" ||
		bench_die "failed: $* ($(cat "$out/stderr"))"
	_t1=$(bench_now_ns)
	T_NS=$((_t1 - _t0))
	T_RSS=$(tail -n 1 "$out/rss")
}

# Sets BEST_NS, the lowest wall time of GS_BENCH_RUNS runs of "$@", and
# BEST_RSS, the highest peak RSS.
best_of() {
	BEST_NS=''
	BEST_RSS=0
	_i=0
	while [ "$_i" -lt "$GS_BENCH_RUNS" ]; do
		timed "$@"
		if [ -z "$BEST_NS" ] || [ "$T_NS" -lt "$BEST_NS" ]; then
			BEST_NS=$T_NS
		fi
		[ "$T_RSS" -gt "$BEST_RSS" ] && BEST_RSS=$T_RSS
		_i=$((_i + 1))
	done
}

pipeline="grep -ohP 'reason=new, client_name=[^.]+\\.\\K[^,]+' '$log' | sort | uniq -c | sort -nr >'$out/old.txt'"
best_of sh -c "$pipeline"
grep_ns=$BEST_NS grep_rss=$BEST_RSS
best_of "$GREYSCAN" scan --no-report -o "$out/summary.json" \
	--rulebase "$top_srcdir/rules/postgrey.rb" "$log"
scan_ns=$BEST_NS scan_rss=$BEST_RSS

# A sanity check: greyscan counted every decision the log holds.
lines=$(wc -l <"$log")
pg=$(grep -c ' postgrey\[' "$log")
decisions=$(grep -c ' postgrey\[[0-9]*\]: \([0-9A-F]*: \)\{0,1\}action=' "$log")
counted=$("$PERL" -MJSON::PP -e '
	local $/; open(my $f, "<", shift) or die; my $j = decode_json(<$f>);
	print $j->{totals}{actions}' "$out/summary.json")
[ "$counted" = "$decisions" ] ||
	bench_die "greyscan counted $counted decisions of $decisions"

echo "input: $log"
echo "  $lines lines ($pg from postgrey, $decisions decisions), $(($(wc -c <"$log") / 1048576)) MiB"
echo "best of $GS_BENCH_RUNS runs:"
printf '  grep pipeline   %8ss  peak RSS %6d KiB\n' "$(bench_secs "$grep_ns")" "$grep_rss"
printf '  greyscan scan   %8ss  peak RSS %6d KiB  %s lines/s\n' \
	"$(bench_secs "$scan_ns")" "$scan_rss" \
	"$(awk -v l="$lines" -v ns="$scan_ns" 'BEGIN { printf "%.0f", l / (ns / 1e9) }')"
echo "ratio greyscan/pipeline (wall): $(bench_ratio "$scan_ns" "$grep_ns") (target <= 0.70)"
