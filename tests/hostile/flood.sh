#!/bin/sh
# flood.sh: 5 million distinct client domains, and as many distinct
# greylisted mails (pairs), through rsyslogd (1 million at the reduced
# scale, gs_scale: still 4 times the pair table and 10 times the groups).
#
# A private rsyslogd runs omgreyscan at the default maxGroups (100000) and
# maxPairs (262144), with impstats every second into a file. It receives
# over TCP LINES (5,000,000) postgrey greylistings from bench/genlog
# --flood 0 (a new client domain, and so a new pair, on every line,
# streamed, not stored), and in a baseline run the same number of lines with only 1000
# distinct client names (--flood 1000) and maxPairs="0" (no pairs
# followed), so that the growth is both tables'. Once every
# line is processed (a marker message after them reaches an omfile action),
# a SIGHUP writes the summary, then rsyslogd's peak resident set (VmHWM in
# /proc/PID/status) is read.
# Pass/fail: in both runs totals.lines and totals.actions equal the lines
# sent and rsyslogd stays up; in the flood run totals.groups is at most
# 100000, totals.evicted + totals.groups is at least 98% of LINES (the names
# are distinct: nearly all of them must have been held or evicted, none
# lost uncounted), totals.pairs_open is 262144 (the table full) and
# pairs_open + pairs_evicted is at least 98% of LINES (every mail followed
# until evicted: none passes or expires), impstats reported evictions > 0
# and never more than the summary's evicted and pair_evictions > 0; the
# growth of the peak over the baseline is at most 64 MiB for the groups
# (SECURITY.md; bench/rsyslog-memory.sh measures about 35 MiB) plus the
# pair table's bound, 262144 pairs of at most 44 bytes (11 MiB).
# This is a memory bound, not a timing assertion: the waits are 15 minutes.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

LINES=$(gs_scale 5000000 1000000)
ENOUGH=$((LINES / 100 * 98))
MAX_PAIRS=262144
GROWTH_MAX_KIB=$((65536 + MAX_PAIRS * 44 / 1024))
GENLOG=$top_builddir/bench/genlog
[ -x "$GENLOG" ] || gs_error "bench/genlog not built"
GS_TIMEOUT_S=120

send_stream() { # PORT: standard input to 127.0.0.1:PORT, large writes
	"$PERL" -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $ARGV[0], Proto => "tcp")
			or die "connect: $!\n";
		binmode STDIN;
		my $buf;
		while ((my $n = sysread(STDIN, $buf, 1 << 20)) > 0) {
			my $off = 0;
			while ($off < $n) {
				my $w = syswrite($s, $buf, $n - $off, $off);
				die "send: $!\n" unless defined $w;
				$off += $w;
			}
		}
		close($s) or die "close: $!\n";' "$1"
}

# run NAME DOMAINS MAXPAIRS: sets HWM (KiB)
run() {
	_n=$1
	_sum=$GS_WORK/$_n.json
	{
		gs_conf_head "$_n"
		cat <<EOF2
module(load="impstats" interval="1" format="json" log.syslog="off"
	log.file="$GS_WORK/$_n.stats")
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$_sum" -interval maxPairs="$3")
	stop
}
if \$programname == 'floodend' then
	action(type="omfile" file="$GS_WORK/$_n.end")
EOF2
	} >"$GS_WORK/$_n.conf"
	gs_rsyslog_start "$_n" "$GS_WORK/$_n.conf"
	_pid=$(gs_rsyslog_pid "$_n")
	{
		"$GENLOG" --flood "$2" --lines "$LINES" --seed 1 \
			--hosts mx1,mx2 --format syslog 2>/dev/null ||
			echo "genlog failed" >"$GS_WORK/genlog.failed"
		echo "<13>Nov 20 00:00:00 mx1 floodend[1]: all sent"
	} | send_stream "$(gs_port "$_n")" || gs_fail "sending to $_n failed"
	[ -e "$GS_WORK/genlog.failed" ] && gs_error "genlog failed"
	gs_wait_for 900 "$_n to process $LINES lines" \
		test -s "$GS_WORK/$_n.end"
	rm -f "$_sum"
	gs_rsyslog_hup "$_n"
	gs_wait_for 300 "$_n's summary after SIGHUP" test -s "$_sum"
	gs_rsyslog_alive "$_n" || gs_fail "rsyslogd $_n died"
	HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$_pid/status")
	for _k in lines actions; do
		_v=$(gs_json "$_sum" "\$j->{totals}{$_k}")
		[ "$_v" = "$LINES" ] || gs_fail "$_n: totals.$_k $_v, sent $LINES"
	done
	gs_note "$_n: peak RSS $HWM KiB; $(gs_json "$_sum" '
		"lines $j->{totals}{lines}, actions $j->{totals}{actions}, " .
		"groups $j->{totals}{groups}, evicted $j->{totals}{evicted}, " .
		"pairs open $j->{totals}{pairs_open}, " .
		"pairs evicted $j->{totals}{pairs_evicted}"')"
}

run base 1000 0
base_hwm=$HWM
gs_rsyslog_stop base
run flood 0 "$MAX_PAIRS"
flood_hwm=$HWM
sum=$GS_WORK/flood.json
groups=$(gs_json "$sum" '$j->{totals}{groups}')
evicted=$(gs_json "$sum" '$j->{totals}{evicted}')
[ "$groups" -le 100000 ] || gs_fail "flood: $groups groups held, over 100000"
[ $((groups + evicted)) -ge "$ENOUGH" ] ||
	gs_fail "flood: groups $groups + evicted $evicted < $ENOUGH"
popen=$(gs_json "$sum" '$j->{totals}{pairs_open}')
pevicted=$(gs_json "$sum" '$j->{totals}{pairs_evicted}')
[ "$popen" = "$MAX_PAIRS" ] ||
	gs_fail "flood: $popen pairs open, expected a full table of $MAX_PAIRS"
[ $((popen + pevicted)) -ge "$ENOUGH" ] ||
	gs_fail "flood: pairs open $popen + evicted $pevicted < $ENOUGH"
# impstats' evictions are "as of the last write round": wait for a record
# written after the SIGHUP's round, then compare.
stats_evictions() {
	"$PERL" -MJSON::PP -ne '
		next unless /(\{.*"origin": ?"omgreyscan".*\})/;
		my $o = eval { decode_json($1) } or next;
		$m = $o->{evictions} if defined $o->{evictions};
		END { print $m // -1, "\n" }' "$GS_WORK/flood.stats" 2>/dev/null
}
gs_wait_for 120 "impstats evictions > 0" \
	eval '[ "$(stats_evictions)" -gt 0 ]'
se=$(stats_evictions)
[ "$se" -le "$evicted" ] ||
	gs_fail "impstats evictions $se > summary evicted $evicted"
spe=$("$PERL" -MJSON::PP -ne '
	next unless /(\{.*"origin": ?"omgreyscan".*\})/;
	my $o = eval { decode_json($1) } or next;
	$m = $o->{pair_evictions} if defined $o->{pair_evictions};
	END { print $m // -1, "\n" }' "$GS_WORK/flood.stats" 2>/dev/null)
[ "$spe" -gt 0 ] && [ "$spe" -le "$pevicted" ] ||
	gs_fail "impstats pair_evictions $spe (summary: $pevicted)"
gs_rsyslog_stop flood
growth=$((flood_hwm - base_hwm))
gs_note "peak RSS: baseline (1000 names, no pairs) $base_hwm KiB, flood" \
	"$flood_hwm KiB, growth $growth KiB (bound $GROWTH_MAX_KIB); groups" \
	"$groups, evicted $evicted, impstats evictions $se; pairs open" \
	"$popen, evicted $pevicted, impstats pair_evictions $spe"
# In a sanitizer build ASan's shadow memory and quarantine are in the peak:
# reported above, not bounded (as tests/hostile/summary.sh does).
[ -n "${GS_SANITIZER_LOGDIR:-}" ] || [ "$growth" -le "$GROWTH_MAX_KIB" ] ||
	gs_fail "memory grew by $growth KiB, over $GROWTH_MAX_KIB KiB"
gs_pass "$LINES distinct names and pairs: growth $growth KiB, evicted" \
	"$evicted groups and $pevicted pairs"
