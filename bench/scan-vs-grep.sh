#!/bin/sh
# bench/scan-vs-grep.sh: `greyscan scan` against the grep pipeline admins
# used before greyscan (the seed pipeline), on two generated mail.logs of
# GS_BENCH_LINES lines (default 2,000,000): genlog's default one (about 20%
# of the postgrey lines' client names distinct) and genlog --diverse (about
# 40%, as big pools and botnets produce).
#
#   (a) grep -ohP 'reason=new, client_name=[^.]+\.\K[^,]+' FILE |
#           sort | uniq -c | sort -nr
#   (b) greyscan scan --no-report -o OUT FILE [--threads N]
#       (with --rulebase pointing to the source tree's rules/postgrey.rb,
#       as nothing is installed)
#
# Threads: when `greyscan --help` lists --threads, (b) runs with 1 and with
# $(nproc) threads, and both summaries must be the same (but for the time
# they were generated). Otherwise greyscan runs as it is, with the fixed
# design of the first lib/scan.c: a reading thread that parses and a
# counting thread, so 2 threads. "per thread" divides the rate by that
# number; "per CPU-s" divides the lines by the user+system CPU seconds.
#
# Before and after: GS_BENCH_BASELINE lists build directories of other
# revisions (bench/build-baseline.sh REV builds one; `make bench-before-after`
# does it all), whose greyscan runs the same way, before this build's, in
# the same run.
#
# The logs (bench/genlog, seed GS_BENCH_SEED, hosts mx1 and mx2) are
# generated once and cached in GS_BENCH_DIR; GS_BENCH_LOGS picks them
# (default "default diverse"). Each is read once before timing so that all
# variants read it from the page cache. Each variant runs GS_BENCH_RUNS
# times (default 3); the best wall time counts. Peak RSS and CPU come from
# /usr/bin/time (the pipeline's RSS is that of its largest process, its CPU
# that of all of them). Prints the figures and the ratio greyscan/pipeline
# (target <= 1.00, every thread count, both logs). Exit 0 when all ran,
# whatever the figures (a benchmark, not a test); 1 when something could
# not run or greyscan missed a decision.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/bench/lib.sh"

LINES=$GS_BENCH_LINES
GREYSCAN="${GREYSCAN:-$top_builddir/src/greyscan}"

bench_init
[ -x "$GREYSCAN" ] || bench_die "greyscan not built: $GREYSCAN"
out="$GS_BENCH_DIR/scan-vs-grep.$$"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

# The thread counts BIN runs with: "1 $(nproc)" when it has --threads, else
# "fixed" (the reader and counter design before it).
threads_of() {
	if "$1" --help 2>&1 | grep -q -- '--threads'; then
		if [ "$(nproc)" -gt 1 ]; then echo "1 $(nproc)"; else echo 1; fi
	else
		echo fixed
	fi
}

# The builds timed: every baseline build directory of GS_BENCH_BASELINE
# (bench/build-baseline.sh makes them), then this one.
BUILDS=
for b in ${GS_BENCH_BASELINE:-}; do
	[ -x "$b/src/greyscan" ] || bench_die "no greyscan in baseline build $b"
	BUILDS="$BUILDS $b/src/greyscan"
done
BUILDS="$BUILDS $GREYSCAN"

# A build's name in the output: "baseline <commit>" or "this build".
build_name() {
	case $1 in
	"$GREYSCAN") echo "this build" ;;
	*) echo "baseline $(basename "$(dirname "$(dirname "$(dirname "$1")")")" | sed 's/baseline-//')" ;;
	esac
}

# Runs "$@" under /usr/bin/time; sets T_NS (wall), T_RSS (KiB) and T_CPU
# (user + system seconds).
timed() {
	_t0=$(bench_now_ns)
	/usr/bin/time -f '%M %U %S' -o "$out/time" "$@" >/dev/null \
		2>"$out/stderr" ||
		bench_die "failed: $* ($(cat "$out/stderr"))"
	_t1=$(bench_now_ns)
	T_NS=$((_t1 - _t0))
	T_RSS=$(tail -n 1 "$out/time" | awk '{ print $1 }')
	T_CPU=$(tail -n 1 "$out/time" | awk '{ printf "%.2f", $2 + $3 }')
}

# Sets BEST_NS, the lowest wall time of GS_BENCH_RUNS runs of "$@", BEST_CPU,
# that run's CPU seconds, and BEST_RSS, the highest peak RSS.
best_of() {
	BEST_NS=''
	BEST_RSS=0
	_i=0
	while [ "$_i" -lt "$GS_BENCH_RUNS" ]; do
		timed "$@"
		if [ -z "$BEST_NS" ] || [ "$T_NS" -lt "$BEST_NS" ]; then
			BEST_NS=$T_NS BEST_CPU=$T_CPU
		fi
		[ "$T_RSS" -gt "$BEST_RSS" ] && BEST_RSS=$T_RSS
		_i=$((_i + 1))
	done
}

# Prints the summary FILE without its generation time, canonically, for
# comparing two runs' results.
result_of() {
	"$PERL" -MJSON::PP -e '
		local $/; open(my $f, "<", shift) or die "$!\n";
		my $j = decode_json(<$f>); delete $j->{generated};
		print JSON::PP->new->canonical->encode($j), "\n"' "$1"
}

# Lines per second of NS nanoseconds, divided by DIVISOR (default 1).
rate() {
	awk -v l="$LINES" -v ns="$1" -v d="${2:-1}" \
		'BEGIN { printf "%.0f", l / (ns / 1e9) / d }'
}

per_cpu() {
	awk -v l="$LINES" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? l / s : 0) }'
}

# One log: KIND default or diverse. Prints its block of figures and adds a
# line per greyscan variant to $out/table.
bench_kind() {
	k_kind=$1
	k_log=$(bench_log "$LINES" traditional "$k_kind")
	cat "$k_log" >/dev/null
	k_share=$(bench_name_share "$k_log")
	k_pg=$(grep -c ' postgrey\[' "$k_log")
	k_decisions=$(grep -c ' postgrey\[[0-9]*\]: \([0-9A-F]*: \)\{0,1\}action=' "$k_log")

	k_pipeline="grep -ohP 'reason=new, client_name=[^.]+\\.\\K[^,]+' '$k_log' | sort | uniq -c | sort -nr >'$out/old.txt'"
	best_of sh -c "$k_pipeline"
	k_grep_ns=$BEST_NS

	echo "$k_kind log: $k_log"
	echo "  $(wc -l <"$k_log") lines ($k_pg from postgrey, $k_decisions decisions), $(($(wc -c <"$k_log") / 1048576)) MiB"
	echo "  distinct client names: $k_share of the postgrey lines"
	echo "  best of $GS_BENCH_RUNS runs:"
	printf '    %-26s %8ss  CPU %6ss  peak RSS %7d KiB\n' "seed pipeline" \
		"$(bench_secs "$k_grep_ns")" "$BEST_CPU" "$BEST_RSS"
	for k_bin in $BUILDS; do
		bench_build "$k_bin"
	done
}

# One build BIN on the log of bench_kind: every thread count it has, each
# result the same as its first; a line per count into $out/table.
bench_build() {
	b_bin=$1
	b_name=$(build_name "$b_bin")
	rm -f "$out/first.json"
	for k_t in $(threads_of "$b_bin"); do
		if [ "$k_t" = fixed ]; then
			k_opt='' k_n=2 k_label="$b_name (reader+counter)"
		else
			k_opt="--threads $k_t" k_n=$k_t k_label="$b_name --threads $k_t"
		fi
		# shellcheck disable=SC2086 # k_opt is empty or two words
		best_of "$b_bin" scan --no-report -o "$out/summary.json" \
			--rulebase "$top_srcdir/rules/postgrey.rb" $k_opt "$k_log"
		k_counted=$("$PERL" -MJSON::PP -e '
			local $/; open(my $f, "<", shift) or die "$!\n";
			print decode_json(<$f>)->{totals}{actions}' \
			"$out/summary.json")
		[ "$k_counted" = "$k_decisions" ] ||
			bench_die "$k_label counted $k_counted decisions of $k_decisions in $k_log"
		if [ -f "$out/first.json" ]; then
			result_of "$out/summary.json" >"$out/this.json"
			cmp -s "$out/first.json" "$out/this.json" ||
				bench_die "$k_label: the summary differs from that of the first thread count ($k_log)"
		else
			result_of "$out/summary.json" >"$out/first.json"
		fi
		k_ratio=$(bench_ratio "$BEST_NS" "$k_grep_ns")
		printf '    %-40s %8ss  CPU %6ss  peak RSS %7d KiB  %9s lines/s  %9s per thread  %9s per CPU-s\n' \
			"$k_label" "$(bench_secs "$BEST_NS")" "$BEST_CPU" \
			"$BEST_RSS" "$(rate "$BEST_NS")" "$(rate "$BEST_NS" "$k_n")" \
			"$(per_cpu "$BEST_CPU")"
		echo "    ratio $k_label/pipeline (wall): $k_ratio (target <= 1.00)"
		printf '  %-8s %-40s %2s threads  %8ss (CPU %5ss) vs %8ss  ratio %5s  %9s lines/s per thread\n' \
			"$k_kind" "$k_label" "$k_n" "$(bench_secs "$BEST_NS")" \
			"$BEST_CPU" "$(bench_secs "$k_grep_ns")" "$k_ratio" \
			"$(rate "$BEST_NS" "$k_n")" >>"$out/table"
	done
}

echo "$(nproc) CPUs; builds timed:$(for b in $BUILDS; do printf ' %s (%s)' "$(build_name "$b")" "$b"; done)"
: >"$out/table"
for kind in $GS_BENCH_LOGS; do
	bench_kind "$kind"
done
echo "summary (greyscan vs seed pipeline, wall time, target ratio <= 1.00):"
cat "$out/table"
