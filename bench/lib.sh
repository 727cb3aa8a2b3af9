# bench/lib.sh: helpers shared by the benchmark scripts.
#
# Environment (`make bench` sets it; by hand, run from the build directory):
#   top_srcdir, top_builddir  source and build trees
#   GS_BENCH_DIR              where generated logs are cached between runs
#                             (default $top_builddir/bench/work); a few GB
#   GS_BENCH_RUNS             timed runs per variant, the best counts
#                             (default 3)
#   GS_BENCH_SEED             generator seed (default 1)
#   GS_BENCH_LINES            lines of the generated mail.log of
#                             scan-vs-grep.sh, rsyslog-throughput.sh and
#                             rsyslog-profile.sh (default 2000000)
#   GS_BENCH_LOGS             which logs they run on (default
#                             "default diverse")
#
#   bench_init                checks the tools, creates GS_BENCH_DIR and
#                             points TMPDIR to its tmp/ subdirectory
#   bench_log LINES FORMAT [KIND]
#                             prints the path of a generated log of LINES
#                             lines (genlog --format FORMAT, hosts mx1,mx2;
#                             KIND "diverse" adds --diverse, "default" or
#                             none does not), generating it once and
#                             caching it
#   bench_name_share FILE     prints the share of the postgrey lines' client
#                             names that are distinct, in percent (e.g.
#                             "20.1% (102916 of 511624)")
#   bench_now_ns              wall clock in nanoseconds
#   bench_secs NS             nanoseconds as seconds with 3 decimals
#   bench_ratio A B           A / B with 2 decimals
#   bench_send PORT [FILE]    sends FILE (default: standard input) unchanged
#                             to 127.0.0.1:PORT over one TCP connection, in
#                             large writes (the lines are LF-framed syslog
#                             messages)
#   bench_hwm_kib PID         VmHWM (peak resident set) of PID in KiB
#   bench_cpu_s PID           user+system CPU seconds PID has used so far

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${GS_BENCH_DIR:=$top_builddir/bench/work}"
: "${GS_BENCH_RUNS:=3}"
: "${GS_BENCH_SEED:=1}"
: "${GS_BENCH_LINES:=2000000}"
: "${GS_BENCH_LOGS:=default diverse}"
: "${PERL:=perl}"

GENLOG="$top_builddir/bench/genlog"

bench_die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

bench_init() {
	# Private scratch space for tests/lib.sh's work directories too.
	TMPDIR="$GS_BENCH_DIR/tmp"
	export TMPDIR
	mkdir -p "$TMPDIR" || bench_die "cannot create $TMPDIR"
	[ -x "$GENLOG" ] || bench_die "generator not built: $GENLOG (make bench/genlog)"
	[ -x /usr/bin/time ] || bench_die "/usr/bin/time missing (apt-get install time)"
	mkdir -p "$GS_BENCH_DIR" || bench_die "cannot create $GS_BENCH_DIR"
}

bench_log() {
	case ${3:-default} in
	default) _kind='' _opt='' ;;
	diverse) _kind=-diverse _opt=--diverse ;;
	*) bench_die "bench_log: unknown kind of log '$3'" ;;
	esac
	_f="$GS_BENCH_DIR/mail-$1-s$GS_BENCH_SEED$_kind.$2"
	if [ ! -s "$_f" ]; then
		echo "$(basename "$0"): generating $_f ($1 lines, once)" >&2
		# shellcheck disable=SC2086 # _opt is empty or one word
		if ! "$GENLOG" --lines "$1" --seed "$GS_BENCH_SEED" $_opt \
			--hosts mx1,mx2 --format "$2" --output "$_f.tmp" \
			2>/dev/null || ! mv "$_f.tmp" "$_f"; then
			bench_die "genlog failed"
		fi
	fi
	echo "$_f"
}

bench_name_share() {
	awk 'match($0, / postgrey\[[0-9]+\]: .*client_name=[^,]*/) {
		name = substr($0, RSTART, RLENGTH)
		sub(/.*client_name=/, "", name)
		lines++
		if (!(name in seen)) {
			seen[name] = 1
			distinct++
		}
	}
	END {
		printf "%.1f%% (%d of %d)", lines ? 100 * distinct / lines : 0,
			distinct, lines
	}' "$1"
}

bench_now_ns() {
	date +%s%N
}

bench_secs() {
	awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

bench_send() {
	"$PERL" -MIO::Socket::INET -e '
		my ($port, $file) = @ARGV;
		my $in = \*STDIN;
		if (defined $file) {
			open($in, "<", $file) or die "$file: $!\n";
		}
		binmode $in;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $port, Proto => "tcp")
			or die "connect to port $port: $!\n";
		my $buf;
		while ((my $n = sysread($in, $buf, 1 << 20)) > 0) {
			my $off = 0;
			while ($off < $n) {
				my $w = syswrite($s, $buf, $n - $off, $off);
				die "send: $!\n" unless defined $w;
				$off += $w;
			}
		}
		close($s) or die "close: $!\n";' "$@"
}

bench_hwm_kib() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

bench_cpu_s() {
	# Fields 14 and 15 of /proc/PID/stat (after the command in parentheses).
	awk -v hz="$(getconf CLK_TCK)" '{
		sub(/^.*\) /, "")
		printf "%.2f", ($12 + $13) / hz
	}' "/proc/$1/stat"
}
