#!/bin/sh
# restart.sh: rsyslogd stopped (SIGTERM) and started again while a
# sender streams lines over TCP, several times: the state carries the
# counts across every restart, nothing is counted twice or lost once
# rsyslogd has handed it to the action, and the summary stays complete.
#
# omgreyscan (interval 1 s) is followed by an omfile action that writes
# every line the action was given ("seen"). A sender streams postgrey
# decisions for 50 domains (10 lines per ms for the first QUOTA lines of a
# connection, then 10 per 50 ms) and reconnects to each new rsyslogd; lines sent while rsyslogd stops may be lost (they are in
# kernel buffers or rejected), which is why SENT below is only a bound.
# RESTARTS (FAULT_RESTARTS, default 6) times: start, let the sender stream
# until it sent QUOTA more lines and the summary shows new lines, SIGTERM.
# After the last start the sender sends exactly 5000 lines and closes.
# A reader checks the summary all along. With S(i) the state's
# totals.lines after stop i (S(0) = 0) and SENT(i) the lines the sender
# had sent by then, pass/fail:
#  1. each stop is clean and S(i-1) <= S(i) <= SENT(i) (never lost, never
#     more than sent), and S(i) >= the lines "seen" in all runs so far
#     (every line that passed the module is in the state; the omfile
#     action after it may miss one at shutdown), with the
#     summary after the stop saying the same;
#  2. after each start, before the sender reconnects, the first summary
#     written (a new inode) shows exactly S(i-1) lines and no restore
#     error was logged;
#  3. after the last start: the final totals are exactly S(last) + 5000,
#     also after the final SIGTERM, and at most all the lines sent;
#  4. every read of the summary (whenever it exists) found it complete
#     (gs_fault_summary_ok ... exact) and totals.lines never went down.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
. "$top_srcdir/tests/fault/lib.sh"
gs_init

RESTARTS=${FAULT_RESTARTS:-6}
LAST=5000
QUOTA=3000 # lines per connection at full speed
sum=$GS_SUMMARY_FILE
state=$sum.state
seen=$GS_WORK/seen.log
log=$GS_WORK/rs.internal
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
template(name="msgonly" type="string" string="%msg%\n")
if \$programname == 'postgrey' then {
	$(gs_action)
	action(type="omfile" file="$seen" template="msgonly")
}
EOF2
} >"$conf"

# The sender: for generation G = 1, 2, ... waits for the file go.G
# ("PORT" or "PORT last"), connects and streams until the connection
# fails (or, for "last", sends LAST lines and closes). Its progress file
# holds "G lines-on-this-connection total-sent", with "closed" added once
# the connection has ended; done holds the final "total-sent".
"$PERL" -MIO::Socket::INET -MTime::HiRes=sleep -e "$GS_PERL_PG"'
	my ($work, $last_n, $quota) = @ARGV;
	$SIG{PIPE} = "IGNORE";
	my ($total, $k) = (0, 0);
	sub progress {
		open(my $p, ">", "$work/progress.new") or die "progress: $!\n";
		print $p "@_\n";
		close($p) or die "progress: $!\n";
		rename("$work/progress.new", "$work/progress") or die "$!\n";
	}
	for (my $g = 1; ; $g++) {
		my $go = "$work/go.$g";
		sleep(0.02) until -e $go || -e "$work/stop";
		exit 1 unless -e $go;
		open(my $f, "<", $go) or die "$go: $!\n";
		my ($port, $last) = split(" ", <$f>);
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
			PeerPort => $port, Proto => "tcp")
			or die "connect to port $port: $!\n";
		$s->autoflush(1);
		my $n = 0;
		while (!$last || $n < $last_n) {
			my $d = $k % 50;
			my $l = pgline("mx" . ($k % 3 + 1),
				"action=greylist, reason=new, " .
				"client_name=mail-$k.d$d.example, " .
				"client_address=10.1.$d." . ($k % 250 + 1) .
				", sender=s$k\@sender.example, " .
				"recipient=r\@example.net");
			$s->print($l) or last;
			$k++;
			$n++;
			$total++;
			if ($n % 10 == 0) {
				progress($g, $n, $total);
				# Full speed up to the quota, then a trickle: the
				# stop still meets lines in flight, but the state
				# stays the same size however slow the build is.
				sleep($last || $n < $quota ? 0.001 : 0.05);
			}
		}
		progress($g, $n, $total, "closed");
		if ($last) {
			close($s) or die "close: $!\n";
			open(my $d, ">", "$work/done") or die "done: $!\n";
			print $d "$total\n";
			close($d) or die "done: $!\n";
			exit 0;
		}
		close($s);
	}' "$GS_WORK" "$LAST" "$QUOTA" >"$GS_WORK/sender.out" 2>&1 &
sender=$!
gs_cleanup_add "touch '$GS_WORK/stop'; kill $sender 2>/dev/null"

# The reader: checks the summary until the file stop exists.
reader() {
	_reads=0
	_last=0
	while [ ! -e "$GS_WORK/stop" ]; do
		if [ ! -e "$sum" ]; then # before the first start's write
			sleep 0.05
			continue
		fi
		_l=$(gs_fault_lines "$sum")
		if ! gs_fault_summary_ok "$sum" "" exact 2>>"$GS_WORK/reader.log"
		then
			echo "bad summary at read $_reads" >"$GS_WORK/reader.out"
			return
		fi
		if [ "$_l" -lt "$_last" ]; then
			echo "lines went from $_last to $_l" >"$GS_WORK/reader.out"
			return
		fi
		_last=$_l
		_reads=$((_reads + 1))
	done
	echo "ok $_reads" >"$GS_WORK/reader.out"
}
reader &
reader_pid=$!
gs_cleanup_add "touch '$GS_WORK/stop'; kill $reader_pid 2>/dev/null"

progress() { # field (1: generation, 2: on this connection, 3: total)
	cut -d' ' -f"$1" "$GS_WORK/progress" 2>/dev/null || echo 0
}
state_lines() {
	tail -n 1 "$state" | "$PERL" -MJSON::PP -e '
		my $t = decode_json(<STDIN>); print $t->{totals}{lines}, "\n"'
}
seen_lines() {
	cat "$seen"* 2>/dev/null | wc -l
}
summary_above() {
	[ "$(gs_fault_lines "$sum")" -gt "$1" ]
}
sent_at_least() { # generation, lines
	[ "$(progress 1)" = "$1" ] && [ "$(progress 2)" -ge "$2" ]
}

# The first summary a start writes (a new file: a new inode) comes from
# the restored state, before the sender is let in.
inode() {
	stat -c %i "$sum" 2>/dev/null || echo none
}
start() { # generation, "last" or ""
	_ino=$(inode)
	gs_rsyslog_start rs "$conf"
	gs_wait_for 60 "the first summary of start $1" \
		eval '[ "$(inode)" != "$_ino" ]'
	_first=$(gs_fault_lines "$sum")
	[ "$_first" = "$prev" ] ||
		gs_fail "start $1: first summary shows $_first lines, state had $prev"
	grep -qs "cannot restore" "$log" "$GS_WORK/rs.out" && gs_fail "start $1: restore failed"
	echo "$(gs_port rs) $2" >"$GS_WORK/go.$1.new" &&
		mv "$GS_WORK/go.$1.new" "$GS_WORK/go.$1"
}

prev=0
i=1
while [ "$i" -le "$RESTARTS" ]; do
	start "$i" ""
	gs_wait_for 60 "the sender streaming ($i)" sent_at_least "$i" "$QUOTA"
	gs_wait_for 60 "new lines counted ($i)" summary_above "$prev"
	gs_rsyslog_stop rs
	# Once the sender saw the connection fail, its count is final.
	gs_wait_for 60 "the sender to see the end of connection $i" \
		eval '[ "$(progress 1)" = "$i" ] && [ "$(progress 4)" = closed ]'
	sent=$(progress 3)
	s=$(state_lines) || gs_fail "stop $i: the state cannot be read"
	[ "$s" -ge "$prev" ] || gs_fail "stop $i: state lines $s < $prev"
	[ "$s" -le "$sent" ] || gs_fail "stop $i: state lines $s > $sent sent"
	# rsyslogd may stop before the omfile action has written a line the
	# module already counted (its queue's shutdown timeout), never the
	# other way round.
	[ "$(seen_lines)" -le "$s" ] ||
		gs_fail "stop $i: $(seen_lines) lines seen, only $s in the state"
	[ "$(gs_fault_lines "$sum")" = "$s" ] ||
		gs_fail "stop $i: summary and state disagree"
	# The omfile action reopens the file at each start: keep each run's.
	mv "$seen" "$seen.$i"
	gs_note "stop $i: $s lines in the state, $sent sent so far"
	prev=$s
	i=$((i + 1))
done

start "$i" last
gs_wait_for 120 "the last $LAST lines sent" test -s "$GS_WORK/done"
total=$(cat "$GS_WORK/done")
want=$((prev + LAST))
gs_wait_for 120 "$want lines counted" \
	eval '[ "$(gs_fault_lines "$sum")" = "$want" ]'
gs_rsyslog_stop rs
[ "$(gs_fault_lines "$sum")" = "$want" ] || gs_fail "final summary"
[ "$(state_lines)" = "$want" ] || gs_fail "final state"
[ "$want" -le "$total" ] || gs_fail "$want lines counted, $total sent"
touch "$GS_WORK/stop"
wait "$reader_pid"
case $(cat "$GS_WORK/reader.out") in
ok*) reads=$(sed 's/ok //' "$GS_WORK/reader.out") ;;
*) gs_fail "reader: $(cat "$GS_WORK/reader.out"): $(tail -3 "$GS_WORK/reader.log")" ;;
esac
gs_pass "$RESTARTS restarts under load: $total lines sent, $want counted" \
	"($((total - want)) lost while stopping), $reads complete reads"
