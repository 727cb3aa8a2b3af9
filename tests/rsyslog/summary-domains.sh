#!/bin/sh
# summary-domains.sh: summaryDomains bounds the domains a summary
# lists without changing what the tally counts.
#
# Five sender domains are greylisted 5, 4, 3, 2 and 1 times; the action has
# summaryDomains="2". Pass/fail: while running and after SIGTERM, the
# summary lists exactly the two busiest domains with their exact counts,
# totals.groups says 5 domains are tracked, totals.actions is 15; and a
# second action without the parameter (default 1000) lists all five.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

top2=$GS_WORK/top2.json
all=$GS_WORK/all.json
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
if \$programname == 'postgrey' then {
	$(gs_action summaryFile="$top2" summaryDomains=2)
	$(gs_action summaryFile="$all")
}
EOF2
} >"$conf"

: >"$GS_WORK/lines"
n=0
for d in 1 2 3 4 5; do
	i=0
	while [ "$i" -lt "$d" ]; do
		n=$((n + 1))
		gs_syslog_line mx1 'postgrey[77]:' "$(gs_pg_action "$n" greylist new \
			"mail$n.sender$d.example" "192.0.2.$n")" >>"$GS_WORK/lines"
		i=$((i + 1))
	done
done

gs_rsyslog_start rs "$conf"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"

check_summaries() {
	gs_wait_for 20 "all 15 decisions in $1" \
		gs_json_is "$all" '$j->{totals}{actions}' 15
	gs_wait_for 20 "all 15 decisions in the bounded summary ($1)" \
		gs_json_is "$top2" '$j->{totals}{actions}' 15
	got=$(gs_json "$top2" 'join(",", map { "$_->{domain}=$_->{new}" }
		@{$j->{domains}})')
	[ "$got" = "sender5.example=5,sender4.example=4" ] ||
		gs_fail "$1: bounded summary lists '$got'"
	[ "$(gs_json "$top2" '$j->{totals}{groups}')" = 5 ] ||
		gs_fail "$1: totals.groups is not 5"
	[ "$(gs_json "$all" 'scalar @{$j->{domains}}')" = 5 ] ||
		gs_fail "$1: the default summary does not list all 5 domains"
}

check_summaries "while running"
gs_rsyslog_stop rs
check_summaries "after shutdown"
gs_pass "top 2 of 5 listed, counts unchanged"
