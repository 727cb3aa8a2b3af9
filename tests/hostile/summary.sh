#!/bin/sh
# summary.sh: broken and huge summary files given to check_greyscan
# and `greyscan report`.
#
# A valid summary is made with `greyscan scan` (gs_pg_mix lines); then
# tests/hostile/mutate-summary.pl writes some 800 variants with one defect
# each: every documented member missing, given each wrong type, counts as
# 2^63-1, 2^63, 2^64, 10^30, -1, -2^63-1, 1.0, 1e3, 1E400, 0.5, -0.0 (small
# counts also 2^32), bad times, a NUL in a string. Then files of 100 MiB
# (tests/hostile/big-summary.pl): a valid one of 220000 domains, the same
# with the last domain's "new" at -1, one with a 100 MiB sample, 100 MiB of
# "[" nesting; and a sparse file of 300 MiB, over the reader's 256 MiB cap.
# Pass/fail: every defective file makes check_greyscan exit 3 with the first
# line "GREYSCAN UNKNOWN - cannot use the summary: FILE: MEMBER..." (FILE the
# path given, MEMBER the member at fault) and no perfdata, and makes
# `greyscan report` exit 1 with a message naming FILE; neither is ever
# killed by a signal. The valid 100 MiB file gives a proper result (exit
# 0-2, "GREYSCAN OK|WARNING|CRITICAL - ") and report exits 0. Peak resident
# memory (/usr/bin/time %M) of each run on a 100 MiB file stays below
# 512 MiB (5 times the file; a libfastjson tree of the whole file took
# 1.7 GiB), and below 64 MiB for the file over the cap (refused unread);
# in a sanitizer build the peaks are reported, not bounded.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

H=$top_srcdir/tests/hostile
WL=$top_srcdir/tests/data/check/whitelist_clients
IG=$top_srcdir/tests/data/check/ignore
BIG_MAX_KIB=524288
CAP_MAX_KIB=65536
[ -x /usr/bin/time ] || gs_error "/usr/bin/time needed (package time)"

# Runs check_greyscan (with the longest timeout: this is about behaviour,
# and a sanitizer build is slow) and greyscan report on FILE; sets CRC, CFIRST, CPERF,
# RRC, RERR, and CKIB, RKIB (peak KiB).
readers() {
	# shellcheck disable=SC2086 # GS_CHECK may be a word list
	/usr/bin/time -o "$GS_WORK/c.kib" -f %M $GS_CHECK -s "$1" -W "$WL" \
		-i "$IG" -a 0 -t 3600 >"$GS_WORK/c.out" 2>&1
	CRC=$?
	CFIRST=$(head -n 1 "$GS_WORK/c.out")
	CPERF=$(grep -c '|' "$GS_WORK/c.out")
	CKIB=$(tail -n 1 "$GS_WORK/c.kib")
	# shellcheck disable=SC2086
	/usr/bin/time -o "$GS_WORK/r.kib" -f %M $GS_GREYSCAN report -l 3 "$1" \
		>"$GS_WORK/r.out" 2>"$GS_WORK/r.err"
	RRC=$?
	RERR=$(head -n 1 "$GS_WORK/r.err")
	RKIB=$(tail -n 1 "$GS_WORK/r.kib")
	grep -q 'terminated by signal' "$GS_WORK/c.kib" "$GS_WORK/r.kib" &&
		gs_fail "$1: killed by a signal: $(cat "$GS_WORK/c.kib" "$GS_WORK/r.kib")"
	return 0
}

refused() { # FILE MEMBER WHAT
	readers "$1"
	[ "$CRC" = 3 ] || gs_fail "$3: check_greyscan exit $CRC: $CFIRST"
	case $CFIRST in
	"GREYSCAN UNKNOWN - cannot use the summary: $1: $2"*) ;;
	*) gs_fail "$3: check_greyscan said: $CFIRST" ;;
	esac
	[ "$CPERF" = 0 ] || gs_fail "$3: perfdata on an UNKNOWN"
	[ "$RRC" = 1 ] || gs_fail "$3: greyscan report exit $RRC: $RERR"
	case $RERR in
	*"$1: $2"*) ;;
	*) gs_fail "$3: greyscan report said: $RERR" ;;
	esac
}

# The valid base summary.
gs_pg_mix "$GS_WORK/mix" "$GS_WORK/mix.expect" 400
sed 's/^<22>//' "$GS_WORK/mix" >"$GS_WORK/mix.log"
# shellcheck disable=SC2086
$GS_GREYSCAN scan -n -r "$GS_RULEBASE" -o "$GS_WORK/base.json" \
	"$GS_WORK/mix.log" >"$GS_WORK/scan.out" 2>&1 ||
	gs_error "greyscan scan failed: $(cat "$GS_WORK/scan.out")"
readers "$GS_WORK/base.json"
[ "$CRC" -le 2 ] || gs_error "the base summary is refused: $CFIRST"

# One defect at a time.
mkdir "$GS_WORK/m"
n=$("$PERL" "$H/mutate-summary.pl" "$GS_WORK/base.json" "$GS_WORK/m") ||
	gs_error "mutate-summary.pl failed"
tab=$(printf '\t')
while IFS=$tab read -r id what member; do
	refused "$GS_WORK/m/$id.json" "$member" "$what"
done <"$GS_WORK/m/index"
gs_note "$n defective summaries refused by both readers"

# 100 MiB files.
big() { # KIND
	"$PERL" "$H/big-summary.pl" "$GS_WORK/base.json" "$GS_WORK/big.json" \
		100 "$1" >/dev/null || gs_error "big-summary.pl $1 failed"
}
mem_ok() { # WHAT MAX_KIB
	gs_note "$1: peak RSS check_greyscan $CKIB KiB, greyscan report $RKIB KiB"
	# ASan's shadow memory, redzones and quarantine multiply the peak:
	# there the bound is only reported (the plain build asserts it).
	[ -n "${GS_SANITIZER_LOGDIR:-}" ] && return 0
	[ "$CKIB" -le "$2" ] && [ "$RKIB" -le "$2" ] ||
		gs_fail "$1: peak RSS $CKIB / $RKIB KiB, over $2 KiB"
}
big valid
readers "$GS_WORK/big.json"
[ "$CRC" -le 2 ] || gs_fail "valid 100 MiB summary: exit $CRC: $CFIRST"
echo "$CFIRST" | grep -Eq '^GREYSCAN (OK|WARNING|CRITICAL) - ' ||
	gs_fail "valid 100 MiB summary: $CFIRST"
[ "$RRC" = 0 ] || gs_fail "valid 100 MiB summary: report exit $RRC: $RERR"
mem_ok "valid 100 MiB summary" "$BIG_MAX_KIB"
big last-bad
refused "$GS_WORK/big.json" "domains[" "100 MiB, last domain bad"
mem_ok "100 MiB, last domain bad" "$BIG_MAX_KIB"
big sample
refused "$GS_WORK/big.json" "unparsed_samples[0]: string longer" \
	"100 MiB sample"
mem_ok "100 MiB sample" "$BIG_MAX_KIB"
big nested
refused "$GS_WORK/big.json" "invalid JSON" "100 MiB of nesting"
mem_ok "100 MiB of nesting" "$BIG_MAX_KIB"
rm -f "$GS_WORK/big.json"
truncate -s 300M "$GS_WORK/huge.json" || gs_error "truncate failed"
refused "$GS_WORK/huge.json" "file too large" "300 MiB (over the cap)"
mem_ok "300 MiB (over the cap)" "$CAP_MAX_KIB"

gs_pass "$n defective summaries and 5 huge ones"
