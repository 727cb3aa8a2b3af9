#!/bin/sh
# bench/rsyslog-profile.sh: where rsyslogd's time goes with omgreyscan, and
# how often its threads block on a lock.
#
# The omgreyscan run of rsyslog-throughput.sh (bench/lib-rsyslog.sh), with
# GS_PROFILE_WORKERS main-queue worker threads (default 2), on each log of
# GS_BENCH_LOGS (default "default diverse"), twice, with perf attached to
# rsyslogd (it follows the threads started later, such as the second
# worker):
#   1. `perf record -e cpu-clock` (software clock samples: the VM has no
#      hardware counters). Prints the CPU share of each thread, of each
#      library, of each thread's libraries and the top symbols.
#   2. `perf record -e syscalls:sys_enter_futex --call-graph dwarf`: every
#      futex(2) call with its user-space stack. A mutex makes one only when
#      it is contended: __lll_lock_wait when a thread finds it held and
#      sleeps, __lll_lock_wake when the unlocking thread wakes a sleeper.
#      Prints the calls by thread, by that kind, and by the libc function
#      below (pthread_mutex_lock: one of the program's own mutexes; malloc,
#      _int_free: a malloc arena's) and the first named function outside
#      libc (gs_tally_*: the tally lock; wti*/wtp*: rsyslog's queue), and
#      sums the tally lock's and the malloc arenas' calls.
# Profiling slows rsyslogd down; the run times it prints are not
# throughput figures (rsyslog-throughput.sh gives those). Needs perf
# (Debian's linux-perf) and root. GS_PROFILE_TOP (default 25) symbols are
# printed; the perf data are kept in GS_BENCH_DIR/profile/ for `perf
# report -i`. Exit 0 when all ran, 1 otherwise.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/bench/lib.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/bench/lib-rsyslog.sh"

: "${GS_PROFILE_WORKERS:=2}"
: "${GS_PROFILE_TOP:=25}"
: "${PERF:=perf}"
LINES=$GS_BENCH_LINES

bench_init
[ -f "$GS_MODULE" ] || bench_die "module not built: $GS_MODULE"
command -v "$PERF" >/dev/null || bench_die "perf missing (apt-get install linux-perf)"
"$PERF" stat -e cpu-clock,syscalls:sys_enter_futex true >/dev/null 2>&1 ||
	bench_die "perf cannot count cpu-clock and syscalls:sys_enter_futex (root? tracefs?)"
PROF_DIR="$GS_BENCH_DIR/profile"
mkdir -p "$PROF_DIR" || bench_die "cannot create $PROF_DIR"
gs_init
# shellcheck disable=SC2034 # tests/lib.sh's timeout
GS_TIMEOUT_S=60 # perf's start and stop take a moment under load

PERF_PID=
PROF_NAME=

# Starts `perf record $PERF_ARGS` on PID in the background and waits a
# moment, as perf needs one to attach. perf follows the threads rsyslogd
# starts later (the second main-queue worker starts on demand), and exits
# by itself when rsyslogd does (so no cleanup is needed when a run fails).
perf_attach() {
	# shellcheck disable=SC2086 # PERF_ARGS is a word list
	"$PERF" record -q -m 1024 $PERF_ARGS -o "$PROF_DIR/$PROF_NAME.data" \
		-p "$1" >"$GS_WORK/$PROF_NAME.record.out" 2>&1 &
	PERF_PID=$!
	sleep 1
}

# Stops the perf process perf_attach started (SIGINT: it writes its data
# and exits) and waits for it.
perf_detach() {
	kill -INT "$PERF_PID" 2>/dev/null || :
	wait "$PERF_PID" || :
	PERF_PID=
}

# perf report on the data of run NAME, then the report's options; only the
# lines with figures, indented.
perf_report() {
	_data="$PROF_DIR/$1.data"
	shift
	"$PERF" report -i "$_data" --stdio --no-children "$@" 2>/dev/null |
		grep '%' | grep -v '^#' | sed 's/^/    /'
}

# Samples or events perf lost in run NAME (0 when none).
perf_lost() {
	"$PERF" report -i "$PROF_DIR/$1.data" --stdio --sort pid 2>/dev/null |
		awk '/^# Total Lost Samples:/ { print $NF; found = 1 }
			END { if (!found) print 0 }'
}

# The CPU profile of run NAME: threads, libraries, top symbols.
report_cpu() {
	[ -s "$PROF_DIR/$1.data" ] ||
		bench_die "perf record wrote nothing: $(cat "$GS_WORK/$1.record.out")"
	echo "  CPU by thread (share of the cpu-clock samples; $(perf_lost "$1") lost):"
	perf_report "$1" --sort pid --percent-limit 0.5
	echo "  CPU by library, all threads:"
	perf_report "$1" --sort dso --percent-limit 0.5
	echo "  CPU by thread and library (>= 1%):"
	perf_report "$1" --sort pid,dso --percent-limit 1
	echo "  top $GS_PROFILE_TOP symbols (thread, library, symbol; rsyslogd and its"
	echo "  modules are stripped, their static functions show as addresses):"
	perf_report "$1" --sort pid,dso,sym | head -n "$GS_PROFILE_TOP"
}

# Futex calls of run NAME: by thread, and by what they were for, the libc
# function that made them (pthread_mutex_lock: a mutex of the program's own;
# malloc, _int_free, ...: a malloc arena's lock) and the first named function
# outside libc on their stack.
report_futex() {
	[ -s "$PROF_DIR/$1.data" ] ||
		bench_die "perf record wrote nothing: $(cat "$GS_WORK/$1.record.out")"
	echo "  futex calls by thread ($(perf_lost "$1") lost):"
	"$PERF" report -i "$PROF_DIR/$1.data" --stdio --no-children \
		--sort pid -g none -F sample,pid 2>/dev/null |
		awk '/^ *[0-9]+ / { printf "    %8d  %s\n", $1, $2 }'
	"$PERF" script -i "$PROF_DIR/$1.data" -F comm,tid,ip,sym,dso \
		2>/dev/null | awk '
		# An event is a line naming the thread, one line per stack
		# frame ("ADDR SYMBOL (DSO)", inlined functions with DSO
		# "(inlined)"), and a blank line.
		function flush() {
			if (!in_ev)
				return
			events++
			if (kind == "")
				kind = "other"
			n[kind]++
			k = sprintf("%-28s %-28s %s", kind, via == "" ? "?" : via,
				    caller == "" ? "?" : caller)
			by[k]++
			if (caller ~ /^gs_tally/)
				tally[kind]++
			else if (via ~ /malloc|free|arena|^_int_/)
				arena[kind]++
			in_ev = 0
		}
		/^[^ \t]/ {
			flush()
			in_ev = 1
			caller = kind = via = ""
			next
		}
		/^[ \t]*$/ { flush(); next }
		{
			sym = $2
			sub(/\+0x[0-9a-f]+$/, "", sym)
			dso = $NF
			if (kind == "") {
				if (sym ~ /lll_lock_wait/)
					kind = "mutex held: wait"
				else if (sym ~ /lll_lock_wake/)
					kind = "unlock: wake a waiter"
				else if (sym ~ /cond_(timed)?wait/)
					kind = "condition: wait"
				else if (sym ~ /cond_(signal|broadcast)/)
					kind = "condition: wake"
			}
			in_libc = dso ~ /libc[.]so|libpthread|ld-linux|kernel/
			# Inlined frames name no library; these names are
			# from libc.
			libc_inlined = dso == "(inlined)" &&
				sym ~ /^__GI_|^__libc|pthread|malloc|free/
			if (via == "" && (in_libc || libc_inlined) &&
			    sym !~ /futex|lll_/) {
				via = sym
				sub(/^__GI___libc_|^__GI___|^__GI_|^___?/, "", via)
			}
			if (caller == "" && sym != "[unknown]" && !in_libc &&
			    dso != "(inlined)")
				caller = sym
		}
		END {
			flush()
			printf "  futex calls: %d; what for:\n", events
			for (k in n)
				printf "    %8d  %s\n", n[k], k | "sort -nr"
			close("sort -nr")
			w = "mutex held: wait"
			u = "unlock: wake a waiter"
			printf "  the tally lock (callers gs_tally_*): %d found held, %d wakes\n",
				tally[w], tally[u]
			printf "  malloc arena locks: %d found held, %d wakes\n",
				arena[w], arena[u]
			printf "  by what for, libc function and first named caller outside libc (top 15):\n"
			for (k in by)
				printf "    %8d  %s\n", by[k], k | "sort -nr | head -n 15"
		}'
}

for kind in $GS_BENCH_LOGS; do
	log=$(bench_log "$LINES" syslog "$kind")
	cat "$log" >/dev/null
	echo "$kind log: $log ($(bench_name_share "$log") distinct client names)"
	echo "omgreyscan, main queue workerThreads=$GS_PROFILE_WORKERS:"

	PROF_NAME="cpu_$kind" PERF_ARGS="-e cpu-clock -F 999"
	BENCH_RS_ATTACH=perf_attach BENCH_RS_DETACH=perf_detach
	bench_rs_run "$PROF_NAME" omgreyscan "$GS_PROFILE_WORKERS" "$log"
	echo "  run 1 (cpu-clock samples): $(bench_secs "$RUN_NS")s, rsyslogd CPU ${RUN_CPU}s"
	report_cpu "$PROF_NAME"

	PROF_NAME="futex_$kind"
	PERF_ARGS="-e syscalls:sys_enter_futex --call-graph dwarf,4096"
	bench_rs_run "$PROF_NAME" omgreyscan "$GS_PROFILE_WORKERS" "$log"
	echo "  run 2 (futex calls with their stacks): $(bench_secs "$RUN_NS")s, rsyslogd CPU ${RUN_CPU}s"
	report_futex "$PROF_NAME"
	BENCH_RS_ATTACH='' BENCH_RS_DETACH=''
done
gs_pass "profile done"
