#!/bin/sh
# timestamps.sh: which time an event is counted at.
#
# omgreyscan counts a line at its reported time stamp, unless that lies
# more than 1 h ahead of the reception time or further back than the
# window (here 1 day): then at the reception time, so that a bad or hostile
# clock cannot move the window. One greylisting line per domain is sent
# with a reported time of now-1h, now+30min, now+2d and now-3d.
# Pass/fail (while running and after SIGTERM): each domain is counted once
# (new = 1) and none as too old; first_seen is exactly the reported time
# for past.example (-1 h) and skew.example (+30 min), and within 60 s of the
# reception time for future.example (+2 d) and ancient.example (-3 d); the
# window's end is not later than now + 30 min + 60 s.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

sum=$GS_SUMMARY_FILE
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then
	$(gs_action window=86400)
EOF2
} >"$conf"

now=$(date +%s)
line() { # domain, time offset in seconds
	gs_syslog_line mx1 'postgrey[4242]:' \
		"action=greylist, reason=new, client_name=mx.$1, client_address=192.0.2.1, sender=a@$1, recipient=b@example.net" \
		$((now + $2))
}
{
	line past.example -3600
	line skew.example 1800
	line future.example 172800
	line ancient.example -259200
} >"$GS_WORK/lines"

check() {
	gs_json "$sum" '
		use Time::Local qw(timegm);
		sub t { my ($y,$m,$d,$H,$M,$S) = $_[0] =~
			/^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/ or return -1;
			timegm($S, $M, $H, $d, $m - 1, $y) }
		my $now = '"$now"';
		my %d = map { ($_->{domain} => $_) } @{$j->{domains}};
		my @bad;
		for (qw(past skew future ancient)) {
			my $g = $d{"$_.example"} or do { push @bad, "$_ missing"; next };
			push @bad, "$_: new=$g->{new}" if $g->{new} != 1;
		}
		push @bad, "too_old=$j->{totals}{too_old}" if $j->{totals}{too_old};
		if (!@bad) {
			my %want = (past => $now - 3600, skew => $now + 1800);
			for (keys %want) {
				my $t = t($d{"$_.example"}{first_seen});
				push @bad, "$_ first_seen $t, want $want{$_}"
					if $t != $want{$_};
			}
			for (qw(future ancient)) {
				my $t = t($d{"$_.example"}{first_seen});
				push @bad, "$_ first_seen $t, want about $now"
					if abs($t - $now) > 60;
			}
			my $end = t($j->{window}{end});
			push @bad, "window end $end is too late"
				if $end > $now + 1800 + 60;
		}
		join("; ", @bad) || "OK"'
}

gs_rsyslog_start rs "$conf" "$sum"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
gs_wait_for "$GS_TIMEOUT_S" "four domains counted" \
	eval '[ "$(gs_json "$sum" "scalar @{\$j->{domains}}")" = 4 ]'
r=$(check)
[ "$r" = OK ] || gs_fail "running: $r"
gs_rsyslog_stop rs
r=$(check)
[ "$r" = OK ] || gs_fail "after shutdown: $r"
gs_pass
