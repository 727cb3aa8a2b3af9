#!/bin/sh
# impstats.sh: the impstats counters of omgreyscan.
#
# impstats writes JSON to a file every second. Action A (normal) gets a
# known mix; action B gets the same lines with maxGroups="2" (six groups
# arrive, so groups must be evicted) and maxPairs="2" (every greylisting of
# the mix is another mail), and its summary in a directory that does not
# exist (every write fails).
# Pass/fail: while rsyslogd runs, the newest impstats record of
# "omgreyscan(A)" must reach received = lines sent, parsed = action lines,
# ignored and unparsed as in the mix, groups = 6, evictions = 0,
# pairs_open = the greylistings (new + early_retry) of the mix,
# pair_evictions = 0, write_failures = 0 and summary_writes >= 1; the record
# of "omgreyscan(B)" must show the same received/parsed, groups <= 2,
# evictions >= 4, pairs_open = 2, pair_evictions = the greylistings - 2,
# summary_writes = 0 and write_failures >= 1. Both records
# carry origin "omgreyscan". rsyslogd must stop cleanly.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

a=$GS_WORK/a.json
# B's summary cannot be written: its name is a directory (a missing
# directory would fail the configuration check instead).
b=$GS_WORK/b.json
mkdir "$b"
stats=$GS_WORK/stats.json
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
module(load="impstats" interval="1" format="json" log.file="$stats"
	log.syslog="off")
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$a")
	$(gs_action summaryFile="$b" maxGroups=2 maxPairs=2)
}
EOF2
} >"$conf"

gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" 1000 "mx1 mx2"
e() { gs_json "$GS_WORK/expect" "\$j->{totals}{$1}"; }
lines=$(e lines)
parsed=$(e actions)
ignored=$(e ignored)
unparsed=$(e unparsed)
greylisted=$(($(e new) + $(e early_retry)))

# Prints the newest impstats record of object NAME as "k=v ..." (sorted).
record() {
	"$PERL" -MJSON::PP -e '
		my ($file, $name) = @ARGV;
		open(my $f, "<", $file) or exit 1;
		my $last;
		while (<$f>) {
			s/^[^{]*//;
			my $r = eval { decode_json($_) } or next;
			$last = $r if ($r->{name} // "") eq $name;
		}
		exit 1 unless $last;
		print join(" ", map { "$_=$last->{$_}" } sort keys %$last),
			"\n";' "$stats" "$1"
}
val() { # record, key
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

check_a() {
	r=$(record "omgreyscan($a)") || return 1
	[ "$(val "$r" origin)" = omgreyscan ] &&
	[ "$(val "$r" received)" = "$lines" ] &&
	[ "$(val "$r" parsed)" = "$parsed" ] &&
	[ "$(val "$r" ignored)" = "$ignored" ] &&
	[ "$(val "$r" unparsed)" = "$unparsed" ] &&
	[ "$(val "$r" groups)" = 6 ] &&
	[ "$(val "$r" evictions)" = 0 ] &&
	[ "$(val "$r" pairs_open)" = "$greylisted" ] &&
	[ "$(val "$r" pair_evictions)" = 0 ] &&
	[ "$(val "$r" write_failures)" = 0 ] &&
	[ "$(val "$r" summary_writes)" -ge 1 ]
}
check_b() {
	r=$(record "omgreyscan($b)") || return 1
	[ "$(val "$r" origin)" = omgreyscan ] &&
	[ "$(val "$r" received)" = "$lines" ] &&
	[ "$(val "$r" parsed)" = "$parsed" ] &&
	[ "$(val "$r" groups)" -le 2 ] &&
	[ "$(val "$r" evictions)" -ge 4 ] &&
	[ "$(val "$r" pairs_open)" = 2 ] &&
	[ "$(val "$r" pair_evictions)" = $((greylisted - 2)) ] &&
	[ "$(val "$r" summary_writes)" = 0 ] &&
	[ "$(val "$r" write_failures)" -ge 1 ]
}

gs_rsyslog_start rs "$conf" "$a"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
gs_wait_for 25 "A's counters" check_a ||
	gs_fail "A: $(record "omgreyscan($a)")"
check_b || {
	# B's gauges are set at a write: give it a few more intervals.
	gs_wait_for 10 "B's counters (last: $(record "omgreyscan($b)"))" check_b
}
gs_rsyslog_stop rs
gs_pass "A: $(record "omgreyscan($a)")"
