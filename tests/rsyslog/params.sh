#!/bin/sh
# params.sh: every invalid omgreyscan parameter is rejected by
# `rsyslogd -N1` with a message naming the parameter; valid values,
# including each range's exact boundaries, are accepted.
#
# Pass/fail: for each "accept" case `rsyslogd -N1 -f CONF` exits 0; for each
# "reject" case it exits non-zero AND its output contains 'NAME (the
# parameter's name after a quote, as rsyslog and the module print it). Each
# case is one action with a valid summaryFile and ruleBase plus the values
# under test. The failing cases are listed at the end.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

S="summaryFile=\"$GS_WORK/s.json\""
R="ruleBase=\"$GS_RULEBASE\""
failed=
count=0

# Each case writes its action out itself (no gs_action, no defaults): the
# parameters under test are exactly the ones given.
conf_with() { # action parameters; further lines on stdin are appended
	{
		gs_conf_head --no-tcp rs
		echo "action(type=\"omgreyscan\" $1)"
		cat
	} >"$GS_WORK/rs.conf"
}

accept() { # description, action parameters
	count=$((count + 1))
	conf_with "$2" </dev/null
	if ! gs_rsyslog_check "$GS_WORK/rs.conf"; then
		failed="$failed
  accept '$1': rsyslogd -N1 failed: $(grep -v 'version\|End of' "$GS_WORK/check.out" | head -n 3)"
	fi
}

reject() { # parameter name, action parameters [, more config on stdin]
	count=$((count + 1))
	conf_with "$2"
	if gs_rsyslog_check "$GS_WORK/rs.conf"; then
		failed="$failed
  reject $1 ($2): accepted"
	elif ! grep -qF "'$1" "$GS_WORK/check.out"; then
		failed="$failed
  reject $1 ($2): message does not name it: $(grep -v 'version\|End of' "$GS_WORK/check.out" | head -n 2)"
	fi
}

# Accepted: defaults, boundaries, every parameter at a valid value.
accept defaults "$S $R"
accept all "$S $R stateFile=\"$GS_WORK/st\" interval=\"60\" window=\"604800\" maxGroups=\"100000\" maxPairs=\"262144\" retryWindow=\"172800\" grouping=\"strip:2\" fileCreateMode=\"0600\" fileOwner=\"root\" fileGroup=\"root\" annotate=\"off\""
accept numeric-ids "$S $R fileOwnerNum=\"0\" fileGroupNum=\"4294967294\""
accept interval-min "$S $R interval=\"1\""
accept interval-max "$S $R interval=\"86400\""
accept window-min "$S $R window=\"28\""
accept window-max "$S $R window=\"31622400\""
accept maxgroups-min "$S $R maxGroups=\"1\""
accept maxgroups-max "$S $R maxGroups=\"10000000\""
accept maxpairs-off "$S $R maxPairs=\"0\""
accept maxpairs-max "$S $R maxPairs=\"16777216\""
accept retrywindow-min "$S $R retryWindow=\"1\""
accept retrywindow-max "$S $R retryWindow=\"31622400\""
accept summarydomains-all "$S $R summaryDomains=\"0\""
accept summarydomains-max "$S $R summaryDomains=\"10000000\""
accept grouping-strip "$S $R grouping=\"strip\""
accept annotate-direct "$S $R annotate=\"on\" queue.type=\"Direct\""
accept annotate-default "$S $R annotate=\"on\""

# Rejected, one parameter at a time.
reject summaryFile "$R" </dev/null
reject summaryFile "summaryFile=\"relative/s.json\" $R" </dev/null
reject summaryFile "summaryFile=\"\" $R" </dev/null
reject summaryFile "summaryFile=\"$GS_WORK/\" $R" </dev/null
# A missing directory fails the check, not the first write an interval later.
reject summaryFile "summaryFile=\"$GS_WORK/none/s.json\" $R" </dev/null
reject stateFile "$S stateFile=\"$GS_WORK/none/s.state\" $R" </dev/null
reject summaryFile "summaryFile=\"$GS_WORK/s.json/x.json\" $R" </dev/null
reject stateFile "$S $R stateFile=\"state\"" </dev/null
reject stateFile "$S $R stateFile=\"$GS_WORK/s.json\"" </dev/null
reject interval "$S $R interval=\"0\"" </dev/null
reject interval "$S $R interval=\"86401\"" </dev/null
reject interval "$S $R interval=\"soon\"" </dev/null
reject window "$S $R window=\"27\"" </dev/null
reject window "$S $R window=\"31622401\"" </dev/null
reject window "$S $R window=\"-604800\"" </dev/null
reject maxGroups "$S $R maxGroups=\"0\"" </dev/null
reject maxGroups "$S $R maxGroups=\"10000001\"" </dev/null
reject maxGroups "$S $R maxGroups=\"many\"" </dev/null
reject maxPairs "$S $R maxPairs=\"-1\"" </dev/null
reject maxPairs "$S $R maxPairs=\"16777217\"" </dev/null
reject maxPairs "$S $R maxPairs=\"lots\"" </dev/null
reject retryWindow "$S $R retryWindow=\"0\"" </dev/null
reject retryWindow "$S $R retryWindow=\"31622401\"" </dev/null
reject retryWindow "$S $R retryWindow=\"2d\"" </dev/null
reject summaryDomains "$S $R summaryDomains=\"-1\"" </dev/null
reject summaryDomains "$S $R summaryDomains=\"10000001\"" </dev/null
reject summaryDomains "$S $R summaryDomains=\"all\"" </dev/null
reject grouping "$S $R grouping=\"domain\"" </dev/null
reject grouping "$S $R grouping=\"strip:0\"" </dev/null
reject grouping "$S $R grouping=\"strip:x\"" </dev/null
reject ruleBase "$S ruleBase=\"$GS_WORK/no-such.rb\"" </dev/null
reject ruleBase "$S ruleBase=\"rules/postgrey.rb\"" </dev/null
printf 'version=2\nrule=action:%%x:nosuchparser%%\n' >"$GS_WORK/broken.rb"
reject ruleBase "$S ruleBase=\"$GS_WORK/broken.rb\"" </dev/null
reject fileCreateMode "$S $R fileCreateMode=\"640\"" </dev/null
reject fileCreateMode "$S $R fileCreateMode=\"0680\"" </dev/null
reject fileCreateMode "$S $R fileCreateMode=\"rw-r-----\"" </dev/null
reject fileOwner "$S $R fileOwner=\"no-such-user-gs\"" </dev/null
reject fileGroup "$S $R fileGroup=\"no-such-group-gs\"" </dev/null
reject fileOwnerNum "$S $R fileOwnerNum=\"-1\"" </dev/null
reject fileOwnerNum "$S $R fileOwnerNum=\"4294967295\"" </dev/null
reject fileOwnerNum "$S $R fileOwnerNum=\"root\"" </dev/null
reject fileGroupNum "$S $R fileGroupNum=\"-1\"" </dev/null
reject fileGroupNum "$S $R fileGroupNum=\"4294967295\"" </dev/null
reject fileOwnerNum "$S $R fileOwner=\"root\" fileOwnerNum=\"0\"" </dev/null
reject fileGroupNum "$S $R fileGroup=\"root\" fileGroupNum=\"0\"" </dev/null
reject annotate "$S $R annotate=\"yes\"" </dev/null
reject annotate "$S $R annotate=\"on\" queue.type=\"LinkedList\"" </dev/null
reject summaryFil "summaryFil=\"$GS_WORK/s.json\" $R" </dev/null
# Two actions sharing a file.
reject summaryFile "$S $R" <<EOF2
action(type="omgreyscan" $S $R)
EOF2
reject stateFile "$S $R" <<EOF2
action(type="omgreyscan" summaryFile="$GS_WORK/t.json" stateFile="$GS_WORK/s.json.state" $R)
EOF2

[ -z "$failed" ] || gs_fail "of $count cases:$failed"
gs_pass "$count cases"
