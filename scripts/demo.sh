#!/bin/sh
# The demo: sets up and builds greyscan (scripts/build.sh), starts a private
# rsyslogd with the omgreyscan module on a loopback port, streams the
# bundled mail log (examples/sample-mail.log: postfix and postgrey lines
# from two MX hosts) into it in chunks, and shows the report while the
# daemon runs. At the end: the summary file, the check plugin's verdict
# against Debian's postgrey whitelist, the whitelist suggestions, and the
# HTML report (greyscan report --html) written to build/demo-report.html.
# Nothing else outside a private temporary directory is touched.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/build.sh"

build=$top/build
module=$build/plugins/omgreyscan/.libs/omgreyscan.so
greyscan=$build/src/greyscan
check=$build/plugins/check_greyscan/check_greyscan
log=$top/examples/sample-mail.log
chunk_lines=500
work=$(mktemp -d "${TMPDIR:-/tmp}/greyscan-demo.XXXXXX")
pid=

cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/rsyslog.conf" <<CONF
global(workDirectory="$work" processInternalMessages="on")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$work/port")
module(load="$module")
if \$programname == 'postgrey' then {
	action(type="omgreyscan" summaryFile="$work/summary.json" interval="1"
		ruleBase="$top/rules/postgrey.rb" fileCreateMode="0640")
	stop
}
# Everything else (postfix, rsyslogd itself) goes to a file.
action(type="omfile" file="$work/other.log")
CONF

/usr/sbin/rsyslogd -N1 -f "$work/rsyslog.conf" >/dev/null
/usr/sbin/rsyslogd -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" &
pid=$!
for _ in $(seq 100); do
	[ -s "$work/port" ] && [ -s "$work/summary.json" ] && break
	sleep 0.1
done
port=$(cat "$work/port")
echo "== rsyslogd $pid with omgreyscan listens on 127.0.0.1:$port"

# Wait until the summary has counted at least $1 lines.
wait_lines() {
	for _ in $(seq 100); do
		n=$("$greyscan" report --json --limit 0 "$work/summary.json" >/dev/null 2>&1 &&
			perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit;
				print JSON::PP->new->decode(<$f>)->{totals}{lines}' \
				"$work/summary.json")
		[ "${n:-0}" -ge "$1" ] && return 0
		sleep 0.2
	done
	echo "demo: rsyslogd did not count the lines sent" >&2
	return 1
}

# Sends standard input to rsyslogd's imtcp, one connection per chunk.
send_tcp() {
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $ARGV[0]) or die "demo: connect: $!\n";
		print $s $_ while <STDIN>;
		close $s or die "demo: send: $!\n";' "$port"
}

# The log's times, moved so that its last line is a minute old: omgreyscan
# takes a message's own time only within its window of the time it
# arrives (omgreyscan(8)), so that the waits are the log's, not the
# demo's few seconds.
"$top/scripts/shift-log-times.pl" "$log" >"$work/mail.log"
log=$work/mail.log

sent=0
postgrey_sent=0
total=$(wc -l <"$log")
while [ "$sent" -lt "$total" ]; do
	part=$(tail -n +"$((sent + 1))" "$log" | head -n "$chunk_lines")
	# Each line becomes a syslog message (facility mail, notice).
	printf '%s\n' "$part" | sed 's/^/<22>/' | send_tcp
	sent=$((sent + $(printf '%s\n' "$part" | wc -l)))
	postgrey_sent=$((postgrey_sent + $(printf '%s\n' "$part" | grep -c ' postgrey\[' || true)))
	wait_lines "$postgrey_sent"
	echo
	echo "== after $sent of $total log lines ($postgrey_sent from postgrey), the summary says:"
	"$greyscan" report --limit 8 "$work/summary.json"
	sleep 1
done

echo
echo "== $work/summary.json (first lines, pretty-printed)"
json_pp <"$work/summary.json" | head -n 40
echo
echo "== check_greyscan with Debian's postgrey whitelist"
"$check" -s "$work/summary.json" -W /etc/postgrey/whitelist_clients || true
echo
echo "== greyscan suggest"
"$greyscan" suggest -W /etc/postgrey/whitelist_clients "$work/summary.json"
echo
page=$build/demo-report.html
echo "== greyscan report --html: the page, with charts (open it in a browser)"
"$greyscan" report --html -W /etc/postgrey/whitelist_clients -o "$page" \
	"$work/summary.json"
echo "$page: $(grep -c '<tr data-status' "$page") sender domains"
