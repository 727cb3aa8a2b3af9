#!/bin/sh
# replay.sh: every committed fuzz input runs through its target in the
# build under test: tests/fuzz/corpus/TARGET/ and tests/fuzz/regressions/
# TARGET/ through replay_TARGET (tests/fuzz/replay.c linked with the
# target), for fuzz_line, fuzz_summary, fuzz_state and fuzz_whitelist. In a
# sanitizer build (configure --enable-sanitizers) every seed is checked for
# memory errors, undefined behaviour and leaks.
#
# Pass/fail: first the harness itself: replay_selftest, whose target
# aborts on an input starting with "crash", must fail on a directory
# holding such an input and name it as the last input run (else 1). Then
# each target must run all its inputs and exit 0; a crash, a sanitizer
# report or a non-zero return fails the test (1), naming the target and
# the last input run. Error (99): a replay program or directory missing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

fuzzdir=$top_srcdir/tests/fuzz
bindir=$top_builddir/tests/fuzz

# The harness fails on a crashing input.
mkdir "$GS_WORK/self" || gs_error "mkdir failed"
echo fine >"$GS_WORK/self/a-fine"
echo crash >"$GS_WORK/self/b-crash"
echo never-reached >"$GS_WORK/self/c-after"
[ -x "$bindir/replay_selftest" ] || gs_error "not built: $bindir/replay_selftest"
if "$bindir/replay_selftest" "$GS_WORK/self" >"$GS_WORK/self.out" 2>&1; then
	cat "$GS_WORK/self.out" >&2
	gs_fail "replay_selftest passed an input that aborts"
fi
last=$(grep '^replay: ' "$GS_WORK/self.out" | tail -n 1)
case $last in
"replay: $GS_WORK/self/b-crash "*) ;;
*) gs_fail "the crashing input is not the last one named: $last" ;;
esac
gs_note "harness: a crashing input fails the replay ($last)"

export GS_FUZZ_RULES="$top_srcdir/rules/postgrey.rb"
failed=
for t in fuzz_line fuzz_summary fuzz_state fuzz_whitelist; do
	bin=$bindir/replay_${t#fuzz_}
	[ -x "$bin" ] || gs_error "not built: $bin"
	for d in "$fuzzdir/corpus/$t" "$fuzzdir/regressions/$t"; do
		[ -d "$d" ] || gs_error "missing input directory $d"
	done
	st=0
	"$bin" "$fuzzdir/corpus/$t" "$fuzzdir/regressions/$t" \
		>"$GS_WORK/$t.replay" 2>&1 || st=$?
	if [ "$st" = 0 ]; then
		gs_note "$t: $(tail -n 1 "$GS_WORK/$t.replay" | sed 's/^replay: //')"
	else
		echo "---- $t: exit status $st, last lines:" >&2
		tail -n 20 "$GS_WORK/$t.replay" >&2
		failed="$failed $t"
	fi
done
[ -z "$failed" ] || gs_fail "targets failed on a committed input:$failed"
gs_pass "every corpus and regression input replayed"
