#!/bin/sh
# hup.sh: SIGHUP writes the summary, reloads the rulebase and keeps
# the counts; a broken or missing rulebase on HUP keeps the old one.
#
# The action's interval is 3600 s, so apart from the write at start only
# HUP and shutdown write the summary. An omfile action after omgreyscan
# shows which lines omgreyscan has seen. The rulebase is a private copy.
# A marker line "greyscan-test-marker" is unparsed with the shipped rules
# and ignored (kind "startup") once a rule for it is added.
# Pass/fail, in order:
#  1. after batch 1 is seen, the summary still shows 0 lines (no write
#     without HUP); after one HUP it shows batch 1 exactly, marker unparsed;
#  2. the rule for the marker is added, HUP, batch 2 + marker sent, HUP:
#     counts are batch 1 + batch 2 and the marker now counts as ignored;
#  3. the rulebase is replaced by a broken one, HUP: an error naming the
#     rulebase problem is logged, and after batch 3 + marker and a HUP the
#     marker is still ignored (the old rulebase stayed) and nothing is lost;
#  4. the rulebase file is removed, HUP: logged again, daemon still runs;
#  5. batch 4 + marker are sent and seen, then SIGTERM: the final summary
#     (written only by the shutdown) holds all four batches exactly.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

sum=$GS_SUMMARY_FILE
seen=$GS_WORK/seen.log
rb=$GS_WORK/rules.rb
cp "$GS_RULEBASE" "$rb" || gs_error "cannot copy the rulebase"
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
template(name="msgonly" type="string" string="%msg%\n")
if \$programname == 'postgrey' then {
	$(gs_action ruleBase="$rb" interval=3600)
	action(type="omfile" file="$seen" template="msgonly")
}
EOF2
} >"$conf"

marker=$GS_WORK/marker
gs_syslog_line mx1 'postgrey[4242]:' 'greyscan-test-marker found' >"$marker"

# Expected totals: the mixes' plus the markers (extra unparsed/ignored).
expect_with_markers() { # out, mix expectation, unparsed markers, ignored
	"$PERL" -MJSON::PP -e '
		my ($out, $in, $u, $i) = @ARGV;
		open(my $h, "<", $in) or die; local $/;
		my $e = decode_json(<$h>);
		$e->{totals}{lines} += $u + $i;
		$e->{totals}{unparsed} += $u;
		$e->{totals}{ignored} += $i;
		open(my $o, ">", $out) or die;
		print $o encode_json($e);' "$@"
}

sent=0
send_batch() { # number, start
	gs_pg_mix "$GS_WORK/batch$1" "$GS_WORK/expect$1" 50 "mx1 mx2" "$2"
	cat "$marker" >>"$GS_WORK/batch$1"
	gs_send_tcp "$(gs_port rs)" "$GS_WORK/batch$1"
	sent=$((sent + 51))
	gs_wait_for "$GS_TIMEOUT_S" "$sent lines seen" gs_has_lines "$seen" "$sent"
}

hup_and_expect() { # expectation, what
	gs_rsyslog_hup rs
	gs_wait_for "$GS_TIMEOUT_S" "the summary after HUP ($2)" \
		gs_check_summary "$sum" "$1" quiet
}

gs_rsyslog_start rs "$conf" "$sum"

# 1. Batch 1 is not written before the HUP, and is after it.
send_batch 1 0
sleep 1.5
gs_json_is "$sum" '$j->{totals}{lines}' 0 ||
	gs_fail "the summary was rewritten without HUP (interval 3600 s)"
expect_with_markers "$GS_WORK/want1" "$GS_WORK/expect1" 1 0
hup_and_expect "$GS_WORK/want1" "batch 1"

# 2. A new rule is picked up; the counts stay. rsyslogd handles a HUP
# later, on its main thread: doHUP reloads the rulebase, then has the
# summary written. Batch 2 goes out once that write replaced the file (a new
# inode), or a slow daemon (valgrind) would parse it with the old rules.
echo 'rule=startup:greyscan-test-marker %rest:rest%' >>"$rb"
inode_changed() { [ "$(stat -c %i "$sum" 2>/dev/null)" != "$1" ]; }
ino=$(stat -c %i "$sum") || gs_error "cannot stat $sum"
gs_rsyslog_hup rs
gs_wait_for "$GS_TIMEOUT_S" "the summary written by the HUP" inode_changed "$ino"
send_batch 2 50
gs_expect_add "$GS_WORK/expect12" "$GS_WORK/expect1" "$GS_WORK/expect2"
expect_with_markers "$GS_WORK/want2" "$GS_WORK/expect12" 1 1
hup_and_expect "$GS_WORK/want2" "batch 2, reloaded rulebase"

# 3. A broken rulebase is refused; the previous one keeps working.
echo 'rule=action:%x:nosuchparser%' >"$rb.new" && mv "$rb.new" "$rb"
gs_rsyslog_hup rs
gs_wait_for "$GS_TIMEOUT_S" "the error about the broken rulebase" \
	grep -qs "keeping the previous rulebase.*nosuchparser" "$GS_WORK/rs.internal"
send_batch 3 100
gs_expect_add "$GS_WORK/expect123" "$GS_WORK/expect12" "$GS_WORK/expect3"
expect_with_markers "$GS_WORK/want3" "$GS_WORK/expect123" 1 2
hup_and_expect "$GS_WORK/want3" "batch 3, broken rulebase"

# 4. A missing rulebase likewise.
rm -f "$rb"
gs_rsyslog_hup rs
gs_wait_for "$GS_TIMEOUT_S" "the error about the missing rulebase" \
	grep -qs "keeping the previous rulebase.*$rb" "$GS_WORK/rs.internal"
gs_rsyslog_alive rs || gs_fail "rsyslogd died after a HUP"

# 5. Shutdown writes what came since the last HUP.
send_batch 4 150
gs_expect_add "$GS_WORK/expect1234" "$GS_WORK/expect123" "$GS_WORK/expect4"
expect_with_markers "$GS_WORK/want4" "$GS_WORK/expect1234" 1 3
gs_check_summary "$sum" "$GS_WORK/want3" ||
	gs_fail "summary changed without HUP"
gs_rsyslog_stop rs
gs_check_summary "$sum" "$GS_WORK/want4" ||
	gs_fail "summary after shutdown is wrong"
gs_pass
