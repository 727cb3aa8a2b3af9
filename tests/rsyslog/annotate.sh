#!/bin/sh
# annotate.sh: annotate="on" hands the parsed fields to later
# actions as $!greyscan.
#
# The config sets the user's own $!reason = "mine" and $!greyscan!x = "0",
# then runs two annotating omgreyscan actions (annotate="on", default
# direct queue, each with its own summary) with `set $!greyscan!x = "1"`
# between them. They are followed by an omfile action whose template
# prints $!greyscan!line, domain, kind, counter, client_name, action,
# reason and queue_id, '|'-separated; a second omfile action prints the
# whole $!greyscan as JSON, a third the whole $! as JSON. Four lines are
# sent: a greylisting of an outlook.com host with a queue id, a pass of an
# unknown client after a delay, a "whitelisted:" line and a line that is
# not postgrey's.
# Pass/fail: the omfile output must be exactly the four expected lines (in
# order), the JSON lines must hold no liblognorm "event.tags"; in every $!
# line the top-level keys must be exactly "greyscan" and the user's
# "reason", still "mine" (an annotation merged into the root of $! would
# add "line", "action", ... there and overwrite "reason"), and $!greyscan
# must hold no "x" (it was replaced by the second action's fields, not
# merged into); both summaries must still count the lines (2 actions,
# 1 ignored, 1 unparsed), while running and after SIGTERM.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

sum=$GS_SUMMARY_FILE
sum2=$GS_WORK/summary2.json
out=$GS_WORK/annotated.log
conf=$GS_WORK/rs.conf
{
	gs_conf_head rs
	cat <<EOF2
template(name="gs" type="string" string="%\$!greyscan!line%|%\$!greyscan!domain%|%\$!greyscan!kind%|%\$!greyscan!counter%|%\$!greyscan!client_name%|%\$!greyscan!action%|%\$!greyscan!reason%|%\$!greyscan!queue_id%\n")
template(name="all" type="string" string="%\$!greyscan%\n")
template(name="root" type="string" string="%\$!%\n")
if \$programname == 'postgrey' then {
	set \$!reason = "mine";
	set \$!greyscan!x = "0";
	$(gs_action annotate=on)
	set \$!greyscan!x = "1";
	$(gs_action summaryFile="$sum2" annotate=on)
	action(type="omfile" file="$out" template="gs")
	action(type="omfile" file="$GS_WORK/all.json" template="all")
	action(type="omfile" file="$GS_WORK/root.json" template="root")
}
EOF2
} >"$conf"

{
	gs_syslog_line mx1 'postgrey[4242]:' '4373477A3B: action=greylist, reason=new, client_name=mail-am6eur05on2001.outbound.protection.outlook.com, client_address=40.107.22.1, sender=a@example.com, recipient=b@example.net'
	gs_syslog_line mx1 'postgrey[4242]:' 'action=pass, reason=triplet found, delay=301, client_name=unknown, client_address=198.51.100.7, recipient=b@example.net'
	gs_syslog_line mx1 'postgrey[4242]:' 'whitelisted: mail.example.org[192.0.2.9]'
	gs_syslog_line mx1 'postgrey[4242]:' 'something postgrey never says'
} >"$GS_WORK/lines"
cat >"$GS_WORK/want" <<'EOF2'
action|outlook.com|name|new|mail-am6eur05on2001.outbound.protection.outlook.com|greylist|new|4373477A3B
action|[198.51.100.0/24]|network|delayed|unknown|pass|triplet found|
whitelisted|||||||
unparsed|||||||
EOF2

gs_rsyslog_start rs "$conf" "$sum" "$sum2"
gs_send_tcp "$(gs_port rs)" "$GS_WORK/lines"
gs_wait_for "$GS_TIMEOUT_S" "4 annotated lines" gs_has_lines "$out" 4
diff -u "$GS_WORK/want" "$out" >&2 || gs_fail "annotations differ"
gs_wait_for "$GS_TIMEOUT_S" "4 JSON lines" gs_has_lines "$GS_WORK/all.json" 4
! grep -q 'event.tags' "$GS_WORK/all.json" ||
	gs_fail "liblognorm's event.tags leaked into \$!greyscan"
gs_wait_for "$GS_TIMEOUT_S" "4 \$! lines" gs_has_lines "$GS_WORK/root.json" 4
# Per $! line: its top-level keys, the user's reason, and whether
# $!greyscan still has the "x" set before the second action.
"$PERL" -MJSON::PP -ne '
	my $j = JSON::PP->new->decode($_);
	print join(",", sort keys %$j), " ", $j->{reason} // "(none)", " ",
		(ref $j->{greyscan} eq "HASH" && !exists $j->{greyscan}{x}
		 ? "replaced" : "merged"), "\n";' \
	"$GS_WORK/root.json" >"$GS_WORK/root.got" ||
	gs_fail "\$! output is not JSON"
printf 'greyscan,reason mine replaced\n%.0s' 1 2 3 4 >"$GS_WORK/root.want"
diff -u "$GS_WORK/root.want" "$GS_WORK/root.got" >&2 ||
	gs_fail "\$!greyscan was merged into \$! instead of replaced"
counted() {
	gs_json_is "$1" '$j->{totals}{actions} . " " .
		$j->{totals}{ignored} . " " . $j->{totals}{unparsed}' "2 1 1"
}
gs_wait_for "$GS_TIMEOUT_S" "the summary" counted "$sum"
gs_wait_for "$GS_TIMEOUT_S" "the second summary" counted "$sum2"
gs_rsyslog_stop rs
counted "$sum" || gs_fail "summary after shutdown is wrong"
counted "$sum2" || gs_fail "second summary after shutdown is wrong"
gs_pass
