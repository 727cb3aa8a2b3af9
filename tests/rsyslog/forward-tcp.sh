#!/bin/sh
# forward-tcp.sh: postgrey lines forwarded from a sender rsyslogd to
# a central one over TCP (omfwd -> imtcp), with the shipped configuration
# files conf/rsyslog/forwarding/sender-tcp.conf and central.conf.
# tests/rsyslog/forward-relp.sh runs this same script with GS_FORWARD=relp
# (sender-relp.conf, omrelp -> imrelp).
#
# Two private rsyslogd run the shipped files with only these substitutions:
# module path and rulebase of the build tree, /var/lib/greyscan -> a private
# directory, target 127.0.0.1, free loopback ports, interval 1 s, the
# sender's retry interval 1 s (a connection hiccup under load would
# otherwise stall the test for 10 s). 3000
# postgrey lines of three hosts (mx1..mx3) go to the sender's own imtcp.
# Pass/fail: the central summary must reach exactly the expected totals,
# per-domain counters and per-host counts while both run, still equal them
# after both are stopped (sender first), and be mode 0640, group nagios, as
# the shipped file asks.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

proto=${GS_FORWARD:-tcp}
fwd=$top_srcdir/conf/rsyslog/forwarding
central_dir=$GS_WORK/central
mkdir -p "$central_dir"
sum=$central_dir/summary.json

tcp_port=$(gs_free_port) || gs_error "no free port"
relp_port=$tcp_port
while [ "$relp_port" = "$tcp_port" ]; do
	relp_port=$(gs_free_port) || gs_error "no free port"
done
case $proto in
tcp) port=$tcp_port ;;
relp) port=$relp_port ;;
*) gs_error "GS_FORWARD must be tcp or relp" ;;
esac

{
	gs_conf_head --no-tcp --no-module central
	sed -e "s|module(load=\"omgreyscan\")|module(load=\"$GS_MODULE\")|" \
		-e "s|type=\"omgreyscan\"|type=\"omgreyscan\" ruleBase=\"$GS_RULEBASE\"|" \
		-e "s|/var/lib/greyscan|$central_dir|" \
		-e 's|interval="60"|interval="1"|' \
		-e "s|port=\"10514\"|port=\"$tcp_port\" address=\"127.0.0.1\"|" \
		-e "s|port=\"2514\"|port=\"$relp_port\" address=\"127.0.0.1\"|" \
		"$fwd/central.conf"
} >"$GS_WORK/central.conf"
{
	gs_conf_head --no-module sender
	sed -e 's|target="central.example.org"|target="127.0.0.1"|' \
		-e "s|port=\"10514\"|port=\"$tcp_port\"|" \
		-e "s|port=\"2514\"|port=\"$relp_port\"|" \
		-e 's|action.resumeInterval="10"|action.resumeInterval="1"|' \
		"$fwd/sender-$proto.conf"
} >"$GS_WORK/sender.conf"
for c in central sender; do
	grep -q "central.example.org\|/var/lib\|\"10514\"\|\"2514\"\|resumeInterval=\"10\"" \
		"$GS_WORK/$c.conf" && gs_error "substitution missed in $c.conf"
done

gs_pg_mix "$GS_WORK/lines" "$GS_WORK/expect" 3000 "mx1 mx2 mx3"
gs_rsyslog_start central "$GS_WORK/central.conf" "$sum"
gs_wait_for "$GS_TIMEOUT_S" "central listening on $proto port $port" \
	gs_port_open "$port"
gs_rsyslog_start sender "$GS_WORK/sender.conf"
gs_send_tcp "$(gs_port sender)" "$GS_WORK/lines"

# Generous: if a RELP session breaks under load, rsyslog's disk-assisted
# sender queue may take tens of seconds to drain what it spilled.
gs_wait_for 90 "all lines counted centrally" \
	gs_check_summary "$sum" "$GS_WORK/expect" quiet
gs_rsyslog_stop sender
gs_rsyslog_stop central
gs_check_summary "$sum" "$GS_WORK/expect" ||
	gs_fail "central summary after shutdown is wrong"
perm=$(stat -c '%a %G' "$sum")
[ "$perm" = "640 nagios" ] || gs_fail "summary is '$perm', not '640 nagios'"
gs_pass "3000 lines over $proto"
