#!/bin/sh
# check_greyscan's output format: the first line, the perfdata (checked
# item by item against the Monitoring Plugins syntax
# 'label'=value[UOM];[warn];[crit];[min];[max] and for its values), the long
# output (one line per candidate with its counts, distinct addresses and
# networks, median and max delay, and the whitelist line to add or why not;
# for these version 1 fixtures a last line saying there is no pair
# evidence),
# the shortening of a long first line, that no name from the summary can add
# a '|' or a line, verbosity levels, that a regex is not tested against a
# group's domain, that a catastrophic regex is reported as having given up,
# and that a German numeric locale changes nothing.
# Pass: every expectation holds. Fail (1) on the first one that does not,
# with the command and its output; 99 when the plugin is not built.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/data/check/lib.sh"

WL=$DATA/whitelist_clients
IG=$DATA/ignore
MIXED=$(fixture mixed)
MANY=$(fixture many)

run -s "$MIXED" -W "$WL" -i "$IG" -w 2 -c 5
expect_rc 1 "mixed"

# --- perfdata: exactly one '|' on the first line, then valid items only
first=$(printf '%s\n' "$OUT" | head -n 1)
[ "$(printf '%s' "$first" | tr -cd '|' | wc -c)" -eq 1 ] ||
	fail "the first line must hold exactly one '|'"
perf=${first#*| }
item="'[^'=]+'=-?[0-9]+(\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?;[^; ]*;[^; ]*;-?[0-9.]*;-?[0-9.]*"
printf '%s\n' "$perf" | grep -Eq "^$item( $item)*\$" ||
	fail "perfdata '$perf' is not Monitoring Plugins syntax"
case " $perf " in
*" 'candidates'=4;2;5;0; 'new'=430c;;;0; 'delayed'=171c;;;0; 'domains'=7;;;0; 'age'="[0-9]*"s;;;0; ") ;;
*) fail "perfdata values: '$perf'" ;;
esac
age=$(printf '%s\n' "$perf" | sed -n "s/.*'age'=\([0-9]*\)s.*/\1/p")
[ "$age" -ge 0 ] && [ "$age" -le 60 ] || fail "summary age $age s"
labels=$(printf '%s\n' "$perf" | grep -Eo "'[^']+'=" | cut -c1-20 | sort | uniq -d)
[ -z "$labels" ] || fail "perfdata labels not unique in 19 characters: $labels"

# without -c the critical field is empty
run -s "$MIXED" -W "$WL" -i "$IG"
expect_out "^GREYSCAN WARNING .* \| 'candidates'=4;0;;0; " "default -w 0, no -c"

# --- long output: one line per candidate, nothing else without -v but,
# for this version 1 summary, the note that there is no pair evidence
run -s "$MIXED" -W "$WL" -i "$IG"
n=$(printf '%s\n' "$OUT" | sed 1d | wc -l)
[ "$n" -eq 5 ] || fail "expected 4 long output lines and the note, got $n"
[ "$(printf '%s\n' "$OUT" | tail -n 1)" = "no pair evidence (version 1 summary): the verdicts come from the host names, and no wait or mail that never passed is known" ] ||
	fail "the last line is not the note on the missing pair evidence"
expect_out '^bigsender\.example: 100 greylisted \(90 new, 10 early retries\), 30 delayed passes \(median 6m40s, max 33m20s\), 60 addresses in 20 networks; add to /etc/postgrey/whitelist_clients\.local: bigsender\.example$' "clean candidate line"
expect_out '^newsletter\.example\.co\.uk: 45 greylisted .*; add to /etc/postgrey/whitelist_clients\.local: example\.co\.uk$' "registrable domain suggested"
expect_out "^\[192\.0\.2\.0/24\]: 30 greylisted \(30 new, 0 early retries\), no delayed pass, 28 addresses in 1 network; do not whitelist: clients without usable reverse DNS \(a network group\); to silence, add \[192\.0\.2\.0/24\] to $DATA/ignore\$" "network group line"
expect_out "^dynamic-isp\.example: 27 greylisted \(25 new, 2 early retries\), 1 delayed pass \(median 5m20s, max 5m20s\), .*; do not whitelist: host names look like access network space \('dsl' in dsl-pool-77\.dynamic-isp\.example\)" "dynamic line"
# the order of the long output is the order of the first line
order=$(printf '%s\n' "$OUT" | sed '1d;$d' | cut -d: -f1 | tr '\n' ' ')
[ "$order" = "bigsender.example newsletter.example.co.uk [192.0.2.0/24] dynamic-isp.example " ] ||
	fail "long output order: $order"

# --- shortening: 8 candidates, 5 named, the rest counted
run -s "$MANY" -W "$WL" -i "$IG"
expect_first '^GREYSCAN WARNING - 8 senders greylisted 15\+ times to whitelist or ignore: evil\?pipe\.example \(95\), sender1\.example \(90\), sender2\.example \(80\), sender3\.example \(70\), sender4\.example \(60\) and 3 more \|' "shortened first line"
n=$(printf '%s\n' "$OUT" | sed '1d;$d' | wc -l)
[ "$n" -eq 8 ] || fail "the long output must list all 8 candidates, got $n"
# "evil|pipe.example" in the summary must not add a perfdata separator
[ "$(printf '%s' "$OUT" | tr -cd '|' | wc -c)" -eq 1 ] ||
	fail "a '|' from the summary reached the output"
expect_out '^evil\?pipe\.example: ' "sanitised name"

# --- verbosity
run -s "$MIXED" -W "$WL" -i "$IG" -v
expect_out "^outlook\.com: 240 greylisted .*; whitelisted by $WL:4 \(outlook\.com\)\$" "-v covered line"
expect_out "^ignored\.example: 20 greylisted .*; ignored by $IG:2 \(ignored\.example\)\$" "-v ignored line"
expect_no_out '^whitelist: ' "-v prints no input details"
run -s "$MIXED" -W "$WL" -i "$IG" -vv
expect_out '^whitelist: 4 entries, 0 lines skipped' "-vv whitelist details"
expect_out '^ignore: 1 entry$' "-vv ignore details"
expect_no_out '^below threshold' "-vv prints no groups below the threshold"
run -s "$MIXED" -W "$WL" -i "$IG" -vvv
expect_out '^below threshold: small\.example \(14\)$' "-vvv"
run -s "$MIXED" -W "$WL" -i "$IG" -v -v -v -v
expect_rc 1 "-v four times"
expect_out '^below threshold: small\.example \(14\)$' "-v four times is -vvv"
run -s "$MIXED" -W "$WL" -i "$IG" -x -v
expect_out '^\[192\.0\.2\.0/24\]: .*; not counted \(--exclude-dynamic\): clients without' "-x -v"

# --- a regex is tested against client names, never the group's domain
printf '/^outlook\\.com$/\n' >"$WORK/wl-domain-regex"
run -s "$MIXED" -W "$WORK/wl-domain-regex" -i "$IG" -v
expect_out '^outlook\.com: 240 greylisted .*; add to ' \
	"a regex matching only the domain leaves outlook.com a candidate"

# --- a catastrophic regex gives up (as no match) instead of hanging
printf '# nested quantifiers\n/^([a-z0-9.-]+)+-$/\n' >"$WORK/wl-slow"
run -s "$MIXED" -W "$WORK/wl-slow" -i "$IG"
expect_rc 1 "catastrophic regex"
expect_out "^whitelist: 3 regex tests gave up at the PCRE2 match limit and counted as no match, first $WORK/wl-slow:2 \(/\^\(\[a-z0-9\.-\]\+\)\+-\\\$/\)\$" \
	"the regex that gave up is named"
run -s "$MIXED" -W "$WL" -i "$IG"
expect_no_out '^whitelist: ' "no regex gave up"

# --- the locale changes nothing (Icinga sets LC_NUMERIC=C; others may not)
run -s "$MIXED" -W "$WL" -i "$IG" -v
c_out=$(printf '%s\n' "$OUT" | sed "s/'age'=[0-9]*s/AGE/")
OUT=$(LC_ALL=de_DE.UTF-8 LC_NUMERIC=de_DE.UTF-8 LANG=de_DE.UTF-8 \
	"$PLUGIN" -s "$MIXED" -W "$WL" -i "$IG" -v 2>/dev/null)
de_out=$(printf '%s\n' "$OUT" | sed "s/'age'=[0-9]*s/AGE/")
[ "$c_out" = "$de_out" ] || fail "output differs under a German locale"

echo "PASS: check_greyscan output"
exit 0
