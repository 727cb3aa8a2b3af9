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
#   (c) bench/parse-floor RULEBASE FILE $(nproc): the parse floor, only
#       the scan's first steps (read, cut, frame, liblognorm) with the
#       lines split evenly between the threads and nothing after: what
#       every scan with the rulebase costs at least. Its share of the
#       pipeline's time is what liblognorm leaves greyscan of the target;
#       greyscan's time minus the floor's is the cost of its own work
#       (grouping, following the mails, counting, keeping the order).
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
# variants read it from the page cache. GS_BENCH_RUNS rounds (default 3)
# each run the pipeline and every greyscan variant once, one after the
# other, so that the machine's slow phases hit them alike; the best wall
# time of each counts. Peak RSS and CPU come from
# /usr/bin/time (the pipeline's RSS is that of its largest process, its CPU
# that of all of them). Prints the figures and the ratio greyscan/pipeline
# (target <= 1.00, every thread count, both logs). Exit 0 when all ran,
# whatever the figures (a benchmark, not a test); 1 when something could
# not run or greyscan missed a decision.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/bench/lib.sh"

LINES=$GS_BENCH_LINES
GREYSCAN="${GREYSCAN:-$top_builddir/src/greyscan}"
FLOOR="${FLOOR:-$top_builddir/bench/parse-floor}"

bench_init
[ -x "$GREYSCAN" ] || bench_die "greyscan not built: $GREYSCAN"
[ -x "$FLOOR" ] || bench_die "parse-floor not built: $FLOOR"
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

# Times "$@" once as variant V: keeps its lowest wall time in BEST_NS_V, that
# run's CPU seconds in BEST_CPU_V, and its highest peak RSS in BEST_RSS_V.
time_variant() {
	_v=$1
	shift
	timed "$@"
	eval "_best=\${BEST_NS_$_v:-} _rss=\${BEST_RSS_$_v:-0}"
	if [ -z "$_best" ] || [ "$T_NS" -lt "$_best" ]; then
		eval "BEST_NS_$_v=\$T_NS BEST_CPU_$_v=\$T_CPU"
	fi
	[ "$T_RSS" -gt "$_rss" ] && eval "BEST_RSS_$_v=\$T_RSS"
	return 0
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

# The greyscan variants, v1 v2 ...: each build with each thread count it
# has, with BIN_v, OPT_v (empty or "--threads N"), N_v (threads) and
# LABEL_v; FIRST_v is set on the first variant of each build.
VARIANTS=
n_var=0
for b in $BUILDS; do
	first=1
	for t in $(threads_of "$b"); do
		n_var=$((n_var + 1))
		v=v$n_var
		if [ "$t" = fixed ]; then
			eval "OPT_$v='' N_$v=2 LABEL_$v=\"\$(build_name \"\$b\") (reader+counter)\""
		else
			eval "OPT_$v='--threads $t' N_$v=$t LABEL_$v=\"\$(build_name \"\$b\") --threads $t\""
		fi
		eval "BIN_$v=\$b FIRST_$v=$first"
		first=0
		VARIANTS="$VARIANTS $v"
	done
done

# Checks variant V's summary: every decision of the log counted, and the
# same result as the first thread count of its build (kept as BUILD_v).
check_variant() {
	eval "c_label=\$LABEL_$1 c_first=\$FIRST_$1"
	c_counted=$("$PERL" -MJSON::PP -e '
		local $/; open(my $f, "<", shift) or die "$!\n";
		print decode_json(<$f>)->{totals}{actions}' "$out/summary.json")
	[ "$c_counted" = "$k_decisions" ] ||
		bench_die "$c_label counted $c_counted decisions of $k_decisions in $k_log"
	[ "$c_first" = 1 ] && c_build=$1
	if [ "$c_first" = 1 ] || [ ! -f "$out/$c_build.json" ]; then
		result_of "$out/summary.json" >"$out/$c_build.json"
		eval "BUILD_$1=\$c_build"
		return 0
	fi
	result_of "$out/summary.json" >"$out/this.json"
	cmp -s "$out/$c_build.json" "$out/this.json" ||
		bench_die "$c_label: the summary differs from that of its build's first thread count ($k_log)"
}

# One log: KIND default or diverse. GS_BENCH_RUNS rounds, each of which
# times the pipeline and every variant once (so that a slow phase of the
# machine hits every variant alike); prints the figures of the best runs
# and adds a line per variant to $out/table.
bench_kind() {
	k_kind=$1
	k_log=$(bench_log "$LINES" traditional "$k_kind")
	cat "$k_log" >/dev/null
	k_share=$(bench_name_share "$k_log")
	k_pg=$(grep -c ' postgrey\[' "$k_log")
	k_decisions=$(grep -c ' postgrey\[[0-9]*\]: \([0-9A-F]*: \)\{0,1\}action=' "$k_log")
	k_pipeline="grep -ohP 'reason=new, client_name=[^.]+\\.\\K[^,]+' '$k_log' | sort | uniq -c | sort -nr >'$out/old.txt'"
	k_floor=$("$FLOOR" "$top_srcdir/rules/postgrey.rb" "$k_log" 1 |
		awk '{ print $6 }')
	[ "$k_floor" = "$k_decisions" ] ||
		bench_die "parse-floor parsed $k_floor decisions of $k_decisions in $k_log"
	for v in grep floor $VARIANTS; do
		eval "BEST_NS_$v='' BEST_CPU_$v='' BEST_RSS_$v=0"
	done
	k_i=0
	while [ "$k_i" -lt "$GS_BENCH_RUNS" ]; do
		time_variant grep sh -c "$k_pipeline"
		time_variant floor "$FLOOR" "$top_srcdir/rules/postgrey.rb" \
			"$k_log" "$(nproc)"
		for v in $VARIANTS; do
			eval "k_bin=\$BIN_$v k_opt=\$OPT_$v"
			# shellcheck disable=SC2086 # k_opt is empty or two words
			time_variant "$v" "$k_bin" scan --no-report \
				-o "$out/summary.json" \
				--rulebase "$top_srcdir/rules/postgrey.rb" $k_opt \
				"$k_log"
			[ "$k_i" -gt 0 ] || check_variant "$v"
		done
		k_i=$((k_i + 1))
	done
	k_grep_ns=$BEST_NS_grep
	echo "$k_kind log: $k_log"
	echo "  $(wc -l <"$k_log") lines ($k_pg from postgrey, $k_decisions decisions), $(($(wc -c <"$k_log") / 1048576)) MiB"
	echo "  distinct client names: $k_share of the postgrey lines"
	echo "  best of $GS_BENCH_RUNS rounds:"
	printf '    %-40s %8ss  CPU %6ss  peak RSS %7d KiB\n' "seed pipeline" \
		"$(bench_secs "$k_grep_ns")" "$BEST_CPU_grep" "$BEST_RSS_grep"
	printf '    %-40s %8ss  CPU %6ss  peak RSS %7d KiB\n' \
		"parse floor, $(nproc) threads" "$(bench_secs "$BEST_NS_floor")" \
		"$BEST_CPU_floor" "$BEST_RSS_floor"
	echo "    ratio parse floor/pipeline (wall): $(bench_ratio "$BEST_NS_floor" "$k_grep_ns"): what liblognorm alone takes of the target"
	for v in $VARIANTS; do
		eval "k_label=\$LABEL_$v k_n=\$N_$v k_ns=\$BEST_NS_$v k_cpu=\$BEST_CPU_$v k_rss=\$BEST_RSS_$v"
		k_ratio=$(bench_ratio "$k_ns" "$k_grep_ns")
		printf '    %-40s %8ss  CPU %6ss  peak RSS %7d KiB  %9s lines/s  %9s per thread  %9s per CPU-s\n' \
			"$k_label" "$(bench_secs "$k_ns")" "$k_cpu" "$k_rss" \
			"$(rate "$k_ns")" "$(rate "$k_ns" "$k_n")" \
			"$(per_cpu "$k_cpu")"
		k_beyond=
		[ "$k_n" = "$(nproc)" ] &&
			k_beyond="; beyond the parse floor (same threads): $(bench_secs $((k_ns - BEST_NS_floor)))s"
		echo "    ratio $k_label/pipeline (wall): $k_ratio (target <= 1.00)$k_beyond"
		printf '  %-8s %-40s %2s threads  %8ss (CPU %5ss) vs %8ss  ratio %5s  %9s lines/s per thread\n' \
			"$k_kind" "$k_label" "$k_n" "$(bench_secs "$k_ns")" \
			"$k_cpu" "$(bench_secs "$k_grep_ns")" "$k_ratio" \
			"$(rate "$k_ns" "$k_n")" >>"$out/table"
	done
	printf '  %-8s %-40s %2s threads  %8ss (CPU %5ss) vs %8ss  ratio %5s\n' \
		"$k_kind" "parse floor" "$(nproc)" \
		"$(bench_secs "$BEST_NS_floor")" "$BEST_CPU_floor" \
		"$(bench_secs "$k_grep_ns")" \
		"$(bench_ratio "$BEST_NS_floor" "$k_grep_ns")" >>"$out/table"
}

echo "$(nproc) CPUs; builds timed:$(for b in $BUILDS; do printf ' %s (%s)' "$(build_name "$b")" "$b"; done)"
: >"$out/table"
for kind in $GS_BENCH_LOGS; do
	bench_kind "$kind"
done
echo "summary (greyscan vs seed pipeline, wall time, target ratio <= 1.00; the parse floor's ratio is the least any scan with the rulebase can reach):"
cat "$out/table"
