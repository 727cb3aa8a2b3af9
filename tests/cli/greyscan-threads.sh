#!/bin/sh
# greyscan-threads.sh: `greyscan scan --threads` (-j), black-box.
#
# The input: bench/genlog, 80000 lines (about 16 MiB, so a dozen blocks of
# 1 MiB for the threads to share), two reporting hosts, traditional time
# stamps, plus the same gzip-compressed. Pass/fail, in order:
#  1. -j 0, -j 65, -j x and a missing value exit 2 and name --threads
#     (or the option);
#  2. -j 1, -j 2, -j 4, --threads=3 and no -j (the processors) give
#     summaries identical in everything but "generated", and the same
#     report; the .gz the same again;
#  3. totals.actions equals the decision lines grep finds in the log, and
#     totals.lines its lines.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
GENLOG=$top_builddir/bench/genlog
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
[ -x "$GENLOG" ] || gs_error "bench/genlog not built"
command -v gzip >/dev/null || gs_error "gzip needed"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"

scan() {
	# shellcheck disable=SC2086 # GREYSCAN may be a word list (valgrind)
	$GREYSCAN scan --rulebase "$GS_RULEBASE" "$@"
}

"$GENLOG" --lines 80000 --seed 7 --hosts mx1,mx2 --output mail.log ||
	gs_error "genlog failed"
gzip -c mail.log >mail.log.gz || gs_error "gzip failed"

# ---- 1. Bad values ----
for bad in 0 65 x -1; do
	scan -n -j "$bad" mail.log >out.txt 2>err.txt
	rc=$?
	[ "$rc" -eq 2 ] || gs_fail "-j $bad: exit $rc, expected 2"
	grep -q -- "--threads '$bad'" err.txt ||
		gs_fail "-j $bad: the error does not name --threads: $(cat err.txt)"
done
scan -n mail.log -j >out.txt 2>err.txt
rc=$?
[ "$rc" -eq 2 ] || gs_fail "-j without a value: exit $rc, expected 2"

# ---- 2. The same summary and report whatever the threads ----
canon() { # summary without "generated", canonical JSON
	"$PERL" -MJSON::PP -e '
		local $/; my $j = decode_json(<STDIN>);
		delete $j->{generated};
		print JSON::PP->new->canonical->encode($j), "\n";' <"$1"
}
scan -j 1 -o one.json mail.log >one.report 2>err.txt ||
	gs_fail "scan -j 1 failed: $(cat err.txt)"
canon one.json >one.canon || gs_fail "one.json is not JSON"
[ -s one.report ] || gs_fail "scan -j 1 printed no report"
for opt in "-j 2" "-j 4" "--threads=3" ""; do
	# shellcheck disable=SC2086 # opt is one option, or none
	scan $opt -o many.json mail.log >many.report 2>err.txt ||
		gs_fail "scan $opt failed: $(cat err.txt)"
	canon many.json >many.canon || gs_fail "scan $opt: not JSON"
	cmp -s one.canon many.canon ||
		gs_fail "scan $opt gave another summary than -j 1:" \
			"$(diff one.canon many.canon | head -n 20)"
	cmp -s one.report many.report ||
		gs_fail "scan $opt gave another report than -j 1"
done
scan -j 2 -o gz.json mail.log.gz >/dev/null 2>err.txt ||
	gs_fail "scan -j 2 of the .gz failed: $(cat err.txt)"
canon gz.json >gz.canon || gs_fail "gz.json is not JSON"
cmp -s one.canon gz.canon || gs_fail "the .gz gave another summary"

# ---- 3. Every decision and line counted ----
decisions=$(grep -c ' postgrey\[[0-9]*\]: \([0-9A-F]*: \)\{0,1\}action=' mail.log)
lines=$(wc -l <mail.log)
gs_json_is one.json '$j->{totals}{actions}' "$decisions" ||
	gs_fail "actions $(gs_json one.json '$j->{totals}{actions}'), the log has $decisions"
gs_json_is one.json '$j->{totals}{lines}' "$lines" ||
	gs_fail "lines $(gs_json one.json '$j->{totals}{lines}'), the log has $lines"
gs_pass "-j 1, 2, 3, 4 and the default agree on $lines lines ($decisions decisions)"
