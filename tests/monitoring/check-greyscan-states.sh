#!/bin/sh
# check_greyscan's states on fixture summaries: OK, WARNING, CRITICAL with
# the default and given -w/-c ranges, what the whitelist (name, regex,
# network entries), the ignore file, --min-greylisted and --exclude-dynamic
# change, and --max-age with a stale summary (UNKNOWN, or CRITICAL with
# --stale-critical).
# Pass: every run exits with the expected status and its first line names
# the expected state and candidates. Fail (1) on the first mismatch, with the
# command and its output; 99 when the plugin is not built.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/data/check/lib.sh"

WL=$DATA/whitelist_clients
IG=$DATA/ignore
MIXED=$(fixture mixed)
CLEAN=$(fixture clean)

# mixed: outlook.com is whitelisted, ignored.example ignored, small.example
# below 15; bigsender.example, newsletter.example.co.uk, [192.0.2.0/24] and
# dynamic-isp.example are the four candidates.
run -s "$MIXED" -W "$WL" -i "$IG"
expect_rc 1 "default warning"
expect_first '^GREYSCAN WARNING - 4 senders greylisted 15\+ times to whitelist or ignore: bigsender\.example \(100\), newsletter\.example\.co\.uk \(45\), \[192\.0\.2\.0/24\] \(30\), dynamic-isp\.example \(27\) \|' "default warning"
expect_no_out 'outlook\.com' "whitelisted domain listed without -v"
expect_no_out 'ignored\.example' "ignored domain listed without -v"
expect_no_out 'small\.example' "domain below the threshold listed"

run -s "$CLEAN" -W "$WL" -i "$IG"
expect_rc 0 "clean summary"
expect_first '^GREYSCAN OK - no sender greylisted 15\+ times needs whitelisting \(3 domains tracked\) \|' "clean summary"

# ranges on the number of candidates (4)
run -s "$MIXED" -W "$WL" -i "$IG" -w 4
expect_rc 0 "-w 4 with 4 candidates"
expect_first '^GREYSCAN OK - 4 senders' "-w 4"
run -s "$MIXED" -W "$WL" -i "$IG" -w 3
expect_rc 1 "-w 3 with 4 candidates"
run -s "$MIXED" -W "$WL" -i "$IG" -c 3
expect_rc 2 "-c 3 with 4 candidates"
expect_first '^GREYSCAN CRITICAL - 4 senders' "-c 3"
run -s "$MIXED" -W "$WL" -i "$IG" -w 1 -c 4
expect_rc 1 "-c 4 not reached, -w 1 is"
run -s "$MIXED" -W "$WL" -i "$IG" -w '~:10' -c @4:5
expect_rc 2 "@4:5 is critical inside"
run -s "$MIXED" -W "$WL" -i "$IG" -w 10:
expect_rc 1 "10: warns below 10"
run -s "$MIXED" -W "$WL" -i "$IG" -w 2:6
expect_rc 0 "2:6 holds 4"
run -s "$CLEAN" -W "$WL" -i "$IG" -c 0
expect_rc 0 "-c 0 with no candidate"

# the regex covers every example of bigsender.example
run -s "$MIXED" -W "$WL" -W "$DATA/whitelist-regex" -i "$IG"
expect_rc 1 "regex whitelist"
expect_first '^GREYSCAN WARNING - 3 senders' "regex whitelist"
expect_no_out 'bigsender' "regex-covered domain still listed"

# a network entry covers the network group
run -s "$MIXED" -W "$WL" -W "$DATA/whitelist-net" -i "$IG"
expect_first '^GREYSCAN WARNING - 3 senders' "network whitelist"
expect_no_out '192\.0\.2\.0' "covered network group still listed"

# -W replaces the defaults: without whitelist_clients outlook.com returns
run -s "$MIXED" -W "$DATA/whitelist-net" -i "$IG"
expect_first '^GREYSCAN WARNING - 4 senders greylisted 15\+ times to whitelist or ignore: outlook\.com \(240\)' "-W replaces defaults"

# postgrey's default files: Debian's whitelist_clients lists outlook.com
# (a missing whitelist_clients.local is fine)
run -s "$MIXED" -i "$IG"
[ "$RC" -eq 1 ] || [ "$RC" -eq 0 ] || fail "default whitelists: exit $RC"
expect_no_out '^outlook\.com:' "outlook.com not covered by postgrey's own file"

# without the ignore file ignored.example is a candidate
run -s "$MIXED" -W "$WL" -i /dev/null
expect_first '^GREYSCAN WARNING - 5 senders' "empty ignore file"
expect_out '^ignored\.example: ' "ignored.example listed without the ignore file"

# --min-greylisted: 28 leaves bigsender (100), newsletter (45), the network (30)
run -s "$MIXED" -W "$WL" -i "$IG" -n 28
expect_first '^GREYSCAN WARNING - 3 senders greylisted 28\+ times' "-n 28"
run -s "$MIXED" -W "$WL" -i "$IG" --min-greylisted=101
expect_rc 0 "--min-greylisted 101"

# --exclude-dynamic leaves the two clean senders
run -s "$MIXED" -W "$WL" -i "$IG" -x
expect_first '^GREYSCAN WARNING - 2 senders greylisted 15\+ times to whitelist or ignore: bigsender\.example \(100\), newsletter\.example\.co\.uk \(45\) \|' "-x"

# --max-age: a summary written 3 hours ago
OLD=$(fixture mixed 10800)
run -s "$OLD" -W "$WL" -i "$IG" -a 3600
expect_rc 3 "stale summary"
expect_first '^GREYSCAN UNKNOWN - summary is stale, written 3h00m ago \(max age 1h00m\); 4 senders' "stale summary"
expect_out "'age'=108[0-9][0-9]s;" "age perfdata of a stale summary"
run -s "$OLD" -W "$WL" -i "$IG" --max-age 3600 --stale-critical
expect_rc 2 "stale summary with --stale-critical"
expect_first '^GREYSCAN CRITICAL - summary is stale' "--stale-critical"
run -s "$OLD" -W "$WL" -i "$IG" -a 20000
expect_rc 1 "summary younger than --max-age"
run -s "$OLD" -W "$WL" -i "$IG" -a 0
expect_rc 1 "--max-age 0 turns the check off"
# the default max age is two days
OLDER=$(fixture clean 180000)
run -s "$OLDER" -W "$WL" -i "$IG"
expect_rc 3 "summary older than the default max age"
# written now again: the runs above may have taken a minute (valgrind)
CLEAN=$(fixture clean)
run -s "$CLEAN" -W "$WL" -i "$IG" -a 60 -C
expect_rc 0 "fresh summary with --max-age"

echo "PASS: check_greyscan states"
exit 0
