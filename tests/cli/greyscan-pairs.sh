#!/bin/sh
# greyscan-pairs.sh: `greyscan scan` follows each greylisted mail, with
# --max-pairs and --retry-window.
#
# The input, generated here with the expected figures known from how it is
# made (not from greyscan): pool.example sends 10 mails, each greylisted
# from one /24 (on mx1), greylisted again 10 minutes later from another
# /24, and passed an hour after the first greylisting from the first /24
# (on mx2, "triplet found, delay=3600"): 10 pairs, all returned, all from
# another network, all passed after 3600 s. bot.example sends 8 mails once
# and never again. single.example sends 5 mails from one address, retried
# after 5 minutes from the same address and passed after 400 s. A last
# line, 4 hours later, greylists one mail of late.example.
# Pass/fail:
#  1. default options: window.retry_window 172800; pool.example greylisted
#     10, returned 10, other_network 10, passed 10, pending 0, expired 0,
#     wait_max 3600 and wait_median/wait_p90 within 12% + 0.5 s of 3600
#     (one pair greylisted on mx1 and passed on mx2 is one wait);
#     single.example 5 returned, 0 other_network, 5 passed, wait_max 400;
#     bot.example 8 greylisted, 0 returned, 8 pending, waits null;
#     totals.pairs_open 9 (8 + late.example's), pairs_evicted 0;
#  2. --retry-window 2h: retry_window 7200, bot.example 8 expired, 8
#     never_returned, 0 pending; pool.example still 10 passed; pairs_open 1;
#  3. --max-pairs 3: pairs_open at most 3, pairs_evicted > 0, and every
#     pair opened is accounted for: the greylisted of all domains equal the
#     passed, expired, evicted and open ones (an evicted pair that comes
#     back opens again), pending equals open;
#  4. --max-pairs 0: every pair figure 0, waits null, pairs_open 0;
#  5. bad --max-pairs (-1, 16777217, abc, empty) and --retry-window (0, 367d,
#     3x, empty) exit 2 with a message.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"
gs_init

GREYSCAN=$GS_GREYSCAN
[ -x "$GREYSCAN" ] || gs_error "greyscan not built: $GREYSCAN"
cd "$GS_WORK" || gs_error "cannot enter $GS_WORK"

"$PERL" -e '
	use POSIX qw(strftime);
	my $t0 = 1709337600;	# 2024-03-02T00:00:00Z
	my @l;
	sub line {
		my ($t, $mx, $act, $name, $addr, $from, $to) = @_;
		push @l, [$t, sprintf("%s %s postgrey[4242]: action=%s, " .
			"client_name=%s, client_address=%s, sender=%s, " .
			"recipient=%s\n",
			strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t)), $mx, $act,
			$name, $addr, $from, $to)];
	}
	for my $m (1 .. 10) {
		my $t = $t0 + $m * 60;
		line($t, "mx1", "greylist, reason=new", "out-$m.pool.example",
			"192.0.$m.10", "info\@pool.example", "r$m\@site.org");
		line($t + 600, "mx1", "greylist, reason=new",
			"out-$m.pool.example", "198.51.$m.20",
			"info\@pool.example", "r$m\@site.org");
		line($t + 3600, "mx2",
			"pass, reason=triplet found, delay=3600",
			"out-$m.pool.example", "192.0.$m.11",
			"info\@pool.example", "r$m\@site.org");
	}
	for my $m (1 .. 8) {
		line($t0 + 30 + $m * 60, "mx1", "greylist, reason=new",
			"host-$m.bot.example", "100.64.$m.1",
			"x$m\@bot.example", "s$m\@site.org");
	}
	for my $m (1 .. 5) {
		my $t = $t0 + 45 + $m * 60;
		line($t, "mx1", "greylist, reason=new", "mail.single.example",
			"203.0.113.5", "me\@single.example", "q$m\@site.org");
		line($t + 300, "mx1",
			"greylist, reason=early-retry (2s missing)",
			"mail.single.example", "203.0.113.5",
			"me\@single.example", "q$m\@site.org");
		line($t + 400, "mx1", "pass, reason=triplet found, delay=400",
			"mail.single.example", "203.0.113.5",
			"me\@single.example", "q$m\@site.org");
	}
	line($t0 + 4 * 3600, "mx1", "greylist, reason=new", "mx.late.example",
		"192.0.2.99", "a\@late.example", "b\@site.org");
	print map { $_->[1] } sort { $a->[0] <=> $b->[0] } @l;
' >mail.log || gs_error "cannot generate the input"
[ "$(wc -l <mail.log)" -eq 54 ] || gs_error "generated $(wc -l <mail.log) lines"

scan() { # output, options...
	_out=$1
	shift
	"$GREYSCAN" scan -n --rulebase "$GS_RULEBASE" -o "$_out" "$@" \
		mail.log 2>scan.err || gs_fail "scan $*: $(cat scan.err)"
}
pairs() { # file, domain, member
	gs_json "$1" "my (\$d) = grep { \$_->{domain} eq '$2' } @{\$j->{domains}};
		my \$v = \$d->{pairs}{$3}; defined \$v ? \$v : 'null'"
}
is() { # file, domain, member, expected
	_got=$(pairs "$1" "$2" "$3")
	[ "$_got" = "$4" ] || gs_fail "$1: $2 pairs.$3 is '$_got', expected '$4'"
}
total_is() { # file, expression, expected
	_got=$(gs_json "$1" "$2")
	[ "$_got" = "$3" ] || gs_fail "$1: $2 is '$_got', expected '$3'"
}
near() { # file, domain, member, true value: within 12% + 0.5 s
	_got=$(pairs "$1" "$2" "$3")
	"$PERL" -e 'exit(abs($ARGV[0] - $ARGV[1]) <= 0.12 * $ARGV[1] + 0.5
		? 0 : 1)' "$_got" "$4" ||
		gs_fail "$1: $2 pairs.$3 is '$_got', expected about $4"
}

# ---- 1. Defaults ----
scan d.json
total_is d.json '$j->{version}' 2
total_is d.json '$j->{window}{retry_window}' 172800
for kv in greylisted:10 returned:10 other_network:10 passed:10 pending:0 \
	expired:0 never_returned:0 wait_max:3600; do
	is d.json pool.example "${kv%%:*}" "${kv#*:}"
done
near d.json pool.example wait_median 3600
near d.json pool.example wait_p90 3600
for kv in greylisted:5 returned:5 other_network:0 passed:5 pending:0 \
	wait_max:400; do
	is d.json single.example "${kv%%:*}" "${kv#*:}"
done
near d.json single.example wait_median 400
for kv in greylisted:8 returned:0 passed:0 pending:8 expired:0 \
	wait_median:null wait_p90:null wait_max:null; do
	is d.json bot.example "${kv%%:*}" "${kv#*:}"
done
is d.json late.example pending 1
total_is d.json '$j->{totals}{pairs_open}' 9
total_is d.json '$j->{totals}{pairs_evicted}' 0

# ---- 2. A retry window of two hours ----
scan r.json --retry-window 2h
total_is r.json '$j->{window}{retry_window}' 7200
for kv in greylisted:8 expired:8 never_returned:8 pending:0 passed:0; do
	is r.json bot.example "${kv%%:*}" "${kv#*:}"
done
is r.json pool.example passed 10
is r.json pool.example expired 0
total_is r.json '$j->{totals}{pairs_open}' 1

# ---- 3. A table of three pairs ----
scan m.json --max-pairs 3
open=$(gs_json m.json '$j->{totals}{pairs_open}')
evicted=$(gs_json m.json '$j->{totals}{pairs_evicted}')
sum() { # member: over all domains
	gs_json m.json "my \$n = 0; \$n += \$_->{pairs}{$1}
		for @{\$j->{domains}}; \$n"
}
[ "$open" -le 3 ] || gs_fail "--max-pairs 3: $open pairs open"
[ "$evicted" -gt 0 ] || gs_fail "--max-pairs 3: nothing evicted"
[ "$(sum greylisted)" -eq \
	$(($(sum passed) + $(sum expired) + evicted + open)) ] ||
	gs_fail "--max-pairs 3: $(sum greylisted) greylisted, but" \
		"$(sum passed) passed, $(sum expired) expired, $evicted" \
		"evicted and $open open"
[ "$(sum pending)" -eq "$open" ] ||
	gs_fail "--max-pairs 3: $(sum pending) pending, $open open"

# ---- 4. Pairs off ----
scan z.json --max-pairs 0
for d in pool.example bot.example single.example; do
	for kv in greylisted:0 returned:0 passed:0 pending:0 wait_max:null; do
		is z.json "$d" "${kv%%:*}" "${kv#*:}"
	done
done
total_is z.json '$j->{totals}{pairs_open}' 0

# ---- 5. Bad values ----
usage_is_2() { # what, arguments...
	_what=$1
	shift
	"$GREYSCAN" scan --rulebase "$GS_RULEBASE" "$@" mail.log \
		>/dev/null 2>usage.err
	_rc=$?
	[ "$_rc" = 2 ] || gs_fail "$_what: exit $_rc, expected 2"
	grep -q "invalid --" usage.err || gs_fail "$_what: $(cat usage.err)"
}
usage_is_2 "--max-pairs -1" --max-pairs -1
usage_is_2 "--max-pairs too big" --max-pairs 16777217
usage_is_2 "--max-pairs abc" --max-pairs abc
usage_is_2 "--max-pairs empty" --max-pairs ''
usage_is_2 "--retry-window 0" --retry-window 0
usage_is_2 "--retry-window too long" --retry-window 367d
usage_is_2 "--retry-window 3x" --retry-window 3x
usage_is_2 "--retry-window empty" --retry-window ''
gs_pass
