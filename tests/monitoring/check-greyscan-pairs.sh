#!/bin/sh
# check_greyscan on summaries with pair evidence (version 2, fixture
# tests/data/check/pairs.json.in) and on the same groups without it
# (pairs-v1.json.in):
#   - only the whitelist verdicts warn (pool.example by its pairs,
#     fresh.example by its host names: too few pairs); the botnet
#     (do-not-whitelist) and the single servers (not-needed) are listed
#     with -v only, with their reasons; -x changes nothing;
#   - --wait-warning/--wait-critical alert above the worst p90 wait of the
#     domains neither whitelisted nor ignored (pool.example 34200 s, then
#     slow.example 7200 s: outlook.com's and ignored.example's longer waits
#     do not count), exactly at it not; the domain's line shows without -v;
#   - --never-passed-warning/--never-passed-critical alert above the most
#     mails of one such domain that came back and never passed
#     (pool.example 29, slow.example 2; the botnet's 12 do not count);
#   - perfdata 'worst_wait_p90'=Ns and 'never_passed'=N with the thresholds,
#     in Monitoring Plugins syntax, labels unique in 19 characters;
#   - the version 1 twin: every busy group counts as before (the botnet
#     too: its names look clean), no pair perfdata, the note that there is
#     no pair evidence, the new thresholds never alert and never make it
#     UNKNOWN;
#   - bad values of the new options are UNKNOWN with the usage.
# Pass: every expectation holds. Fail (1) on the first one that does not,
# with the command and its output; 99 when the plugin is not built.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/data/check/lib.sh"

WL=$DATA/whitelist_clients
IG=$DATA/ignore
V2=$(fixture pairs)
V1=$(fixture pairs-v1)

# --- only the whitelist verdicts warn
run -s "$V2" -W "$WL" -i "$IG"
expect_rc 1 "default"
expect_first '^GREYSCAN WARNING - 2 senders greylisted 15\+ times to whitelist or ignore: pool\.example \(520\), fresh\.example \(30\) \|' "default"
expect_out "^pool\.example: 520 greylisted .*; 383 mails followed: 340 came back \(211 from another network\), 311 passed \(wait median 4h08m, p90 9h30m, max 1d01h\), 29 never passed; whitelist: 62% came back from another network; median wait 4h08m \(p90 9h30m\), 29 never passed; add to /etc/postgrey/whitelist_clients\.local: pool\.example\$" "the pool's line"
expect_out '^fresh\.example: .*; whitelist: no sign of dynamic address space in the host names \(judged by the host names: only 5 greylisted mails followed \(20 needed\)\); add to /etc/postgrey/whitelist_clients\.local: fresh\.example$' "too few pairs: the host names decide"
for d in bot single slow outlook ignored small; do
	expect_no_out "^$d\." "$d listed without -v"
done
expect_no_out '^no pair evidence' "the version 1 note on a version 2 summary"
n=$(printf '%s\n' "$OUT" | sed 1d | wc -l)
[ "$n" -eq 2 ] || fail "expected 2 long output lines, got $n"

run -s "$V2" -W "$WL" -i "$IG" -v
expect_rc 1 "-v"
expect_out '^bot\.example: .*; do not whitelist: 371 of 390 greylisted mails never came back \(7 still within the retry window\)$' "-v: the botnet"
expect_out "^single\.example: .*; not needed: mail comes back from the same network and passes after 12m00s; postgrey's auto-whitelist takes over\$" "-v: the single server"
expect_out '^slow\.example: .*; not needed: ' "-v: the slow single server"
expect_out '^outlook\.com: .*; whitelisted by ' "-v: the whitelisted pool"

# the pool, the fresh group and ignored.example ignored: nothing to
# whitelist, OK although
# the botnet is there
printf 'pool.example\nfresh.example\nignored.example\n' >"$WORK/ignore-both"
run -s "$V2" -W "$WL" -i "$WORK/ignore-both"
expect_rc 0 "nothing with a whitelist verdict"
expect_first '^GREYSCAN OK - no sender greylisted 15\+ times needs whitelisting \(8 domains tracked\) \|' "nothing to whitelist"
expect_no_out '^bot\.example' "the botnet warned about"

run -s "$V2" -W "$WL" -i "$IG" -x
expect_rc 1 "-x"
expect_first '^GREYSCAN WARNING - 2 senders' "-x changes nothing with pairs"

# --- perfdata
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 2h --wait-critical 10h \
	--never-passed-warning 20 --never-passed-critical 100
first=$(printf '%s\n' "$OUT" | head -n 1)
perf=${first#*| }
item="'[^'=]+'=-?[0-9]+(\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?;[^; ]*;[^; ]*;-?[0-9.]*;-?[0-9.]*"
printf '%s\n' "$perf" | grep -Eq "^$item( $item)*\$" ||
	fail "perfdata '$perf' is not Monitoring Plugins syntax"
case " $perf " in
*" 'candidates'=2;10;;0; "*" 'worst_wait_p90'=34200s;7200;36000;0; 'never_passed'=29;20;100;0; ") ;;
*) fail "pair perfdata: '$perf'" ;;
esac
labels=$(printf '%s\n' "$perf" | grep -Eo "'[^']+'=" | cut -c1-20 | sort | uniq -d)
[ -z "$labels" ] || fail "perfdata labels not unique in 19 characters: $labels"
run -s "$V2" -W "$WL" -i "$IG"
expect_out "'worst_wait_p90'=34200s;;;0; 'never_passed'=29;;;0;\$" "pair perfdata without thresholds"

# --- the wait thresholds, at their boundaries (-w 10: the two candidates
# alone do not warn)
run -s "$V2" -W "$WL" -i "$IG" -w 10
expect_rc 0 "-w 10 alone"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 34200
expect_rc 0 "p90 34200 s is not above --wait-warning 34200"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 34199
expect_rc 1 "p90 34200 s is above --wait-warning 34199"
expect_first '^GREYSCAN WARNING - 2 senders greylisted 15\+ times to whitelist or ignore: pool\.example \(520\), fresh\.example \(30\)\. Mail waits over 9h29m at p90 from 1 domain, worst pool\.example \(9h30m\) \|' "wait warning headline"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 7200
expect_first '\. Mail waits over 2h00m at p90 from 1 domain, worst pool\.example' "slow.example at exactly 2h is not above"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 7199
expect_rc 1 "--wait-warning 7199"
expect_first '\. Mail waits over 1h59m at p90 from 2 domains, worst pool\.example \(9h30m\) \|' "two domains over 7199 s"
expect_out '^slow\.example: .* p90 2h00m.*; not needed: ' "a not-needed domain over the threshold is shown without -v"
expect_no_out '^single\.example' "single.example (p90 18m) shown"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 35000
expect_rc 0 "outlook.com (whitelisted) and ignored.example wait longer, but do not count"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-critical 570m
expect_rc 0 "--wait-critical 570m equals the p90"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-critical 569m
expect_rc 2 "--wait-critical 569m"
expect_first '^GREYSCAN CRITICAL - .*\. Mail waits over 9h29m at p90 from 1 domain' "wait critical"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --wait-warning 1m --wait-critical 569m
expect_rc 2 "critical wins over warning"
expect_first '\. Mail waits over 9h29m at p90 from 1 domain' "the critical threshold is named"

# --- the never-passed thresholds
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-warning 29
expect_rc 0 "29 never passed is not above 29"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-warning 28
expect_rc 1 "29 never passed is above 28"
expect_first '\. More than 28 mails never passed from 1 domain, worst pool\.example \(29\) \|' "never-passed headline"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-warning 2
expect_first '\. More than 2 mails never passed from 1 domain, worst pool' "slow.example's 2 and not the botnet's 12"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-warning 1
expect_first '\. More than 1 mail never passed from 2 domains, worst pool' "pool and slow, not the botnet"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-critical 28
expect_rc 2 "--never-passed-critical 28"
run -s "$V2" -W "$WL" -i "$IG" -w 10 --never-passed-critical 29 \
	--never-passed-warning 0
expect_rc 1 "warning 0, critical 29 not reached"

# --- the version 1 twin: as before, with the note
run -s "$V1" -W "$WL" -i "$IG"
expect_rc 1 "version 1"
expect_first '^GREYSCAN WARNING - 5 senders greylisted 15\+ times to whitelist or ignore: pool\.example \(520\), bot\.example \(390\), single\.example \(100\), slow\.example \(60\), fresh\.example \(30\) \|' "version 1: every busy group counts"
expect_out '^pool\.example: 520 greylisted .*; add to /etc/postgrey/whitelist_clients\.local: pool\.example$' "version 1 line as before"
expect_out '^no pair evidence \(version 1 summary\): the verdicts come from the host names, and no wait or mail that never passed is known$' "the note"
expect_no_out "worst_wait_p90|never_passed" "pair perfdata without pair evidence"
run -s "$V1" -W "$WL" -i "$IG" -w 10 --wait-warning 1 --wait-critical 1 \
	--never-passed-warning 0 --never-passed-critical 0
expect_rc 0 "version 1 with the new thresholds"
expect_first '^GREYSCAN OK - 5 senders' "version 1 with the new thresholds"

# --- bad values
run -s "$V2" --wait-warning 3x
expect_rc 3 "--wait-warning 3x"
expect_first "^GREYSCAN UNKNOWN - --wait-warning '3x' is not a duration" "--wait-warning 3x"
expect_out '^Usage: check_greyscan ' "usage after a bad value"
run -s "$V2" --wait-critical 367d
expect_rc 3 "--wait-critical 367d"
run -s "$V2" --never-passed-warning -1
expect_rc 3 "--never-passed-warning -1"
expect_first "^GREYSCAN UNKNOWN - --never-passed-warning '-1' is not a number of mails" "--never-passed-warning -1"
run -s "$V2" --never-passed-critical
expect_rc 3 "--never-passed-critical without a value"
expect_first "^GREYSCAN UNKNOWN - option '--never-passed-critical' needs a value" "missing value"

echo "PASS: check_greyscan with pair evidence"
exit 0
