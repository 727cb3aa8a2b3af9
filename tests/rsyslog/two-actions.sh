#!/bin/sh
# two-actions.sh: two omgreyscan actions in one rsyslogd are fully
# independent.
#
# Action A counts every postgrey line with the default grouping; action B
# counts only the lines reported by host mx2, with its own summary and
# state files, another window and "strip:1" grouping, on its own queue.
# Pass/fail: while running and after SIGTERM, A's summary equals the whole
# mix exactly and B's equals the mx2 part exactly (with B's grouping: the
# client name minus its first label); each summary reports its own window
# length; each action's state file exists where configured.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

a=$GS_WORK/a.json
b=$GS_WORK/b/summary.json
mkdir -p "$GS_WORK/b"
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$a")
	if \$hostname == 'mx2' then
		$(gs_action summaryFile="$b" stateFile="$GS_WORK/b/state" \
			window=86400 grouping=strip:1 queue.type=LinkedList)
}
EOF2
} >"$conf"

gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" 3000 "mx1 mx2 mx3"
# B's expectation: only mx2's lines, grouped by stripping one label.
grep ' mx2 postgrey' "$GS_WORK/lines" >"$GS_WORK/lines-mx2"
"$PERL" -MJSON::PP -e '
	# Recount the mx2 lines with strip:1 grouping.
	my %e = (totals => {lines => 0, actions => 0, unparsed => 0,
		ignored => 0}, domains => {});
	my @c = qw(new early_retry delayed passed whitelisted
		recipient_whitelisted awl);
	while (<STDIN>) {
		$e{totals}{lines}++;
		if (/postgrey\[\d+\]: whitelisted:/) { $e{totals}{ignored}++; next }
		if (!/action=/) { $e{totals}{unparsed}++; next }
		$e{totals}{actions}++;
		my ($name) = /client_name=([^,]+)/;
		my ($addr) = /client_address=([^,]+)/;
		my $c = /reason=new/ ? "new" : /early-retry/ ? "early_retry" :
			/delay=/ ? "delayed" : /triplet found/ ? "passed" :
			/client whitelist/ ? "whitelisted" :
			/recipient whitelist/ ? "recipient_whitelisted" : "awl";
		my $g;
		if ($name eq "unknown") {
			($g = $addr) =~ s/\.\d+$/.0\/24/; $g = "[$g]";
		} else {
			my @l = split(/\./, $name);
			shift @l if @l > 2;
			$g = join(".", @l);
		}
		$e{domains}{$g} ||= {hosts => {}, map { ($_ => 0) } @c};
		$e{domains}{$g}{$c}++;
		$e{domains}{$g}{hosts}{mx2}++;
	}
	print JSON::PP->new->canonical->encode(\%e);' \
	<"$GS_WORK/lines-mx2" >"$GS_WORK/expect-b"

gs_rsyslog_start rs "$conf" "$a" "$b"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
both_done() {
	gs_check_summary "$a" "$GS_WORK/expect" quiet &&
		gs_check_summary "$b" "$GS_WORK/expect-b" quiet
}
gs_wait_for "$GS_TIMEOUT_S" "both summaries" both_done
gs_json_is "$a" '$j->{window}{seconds}' 604800 || gs_fail "A's window"
gs_json_is "$b" '$j->{window}{seconds}' 86400 || gs_fail "B's window"
[ -s "$a.state" ] || gs_fail "A's state file missing"
[ -s "$GS_WORK/b/state" ] || gs_fail "B's state file missing"
[ ! -e "$b.state" ] || gs_fail "B wrote a state file at the default path"

gs_rsyslog_stop rs
gs_check_summary "$a" "$GS_WORK/expect" || gs_fail "A after shutdown"
gs_check_summary "$b" "$GS_WORK/expect-b" || gs_fail "B after shutdown"
gs_pass
